#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/<target>/, not committed) from data/ and the built-in
# scenarios, plus two part files written by truce itself. Run from anywhere; see
# docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/tables fuzz/corpus/deu fuzz/corpus/scenario fuzz/corpus/part fuzz/corpus/observations
cp data/bdm/emission-standards.csv data/ktab/*.csv fuzz/corpus/tables/
printf 'actor,issue,position,salience,capability\n# a comment\n"#quoted",x,10,50,1\nb,x,90,40,2\nb,y,30,20,2\nc,y,70,60,1\n' \
    > fuzz/corpus/tables/long.csv
cp data/deu/deu3-dev.tsv fuzz/corpus/deu/
head -n 12 data/deu/deu3-dev.tsv > fuzz/corpus/deu/deu3-head.tsv
cp crates/truce-engine/scenarios/*.toml fuzz/corpus/scenario/
cp data/observations/*.csv fuzz/corpus/observations/
cargo build --release -q -p truce-cli
for s in ukraine-2025-12 generic-interstate; do
    target/release/truce forecast "$s" -n 4 --horizon 3 --seed 1 --shard 1/1 --quiet \
        --out "fuzz/corpus/part/$s-h3.truce"
    # The same part with the checksum line `fnv1a64 any`: the target recomputes the checksum,
    # so mutations of the body reach the validation.
    { head -n 1 "fuzz/corpus/part/$s-h3.truce"; printf 'fnv1a64 any\n'; tail -n +3 "fuzz/corpus/part/$s-h3.truce"; } \
        > "fuzz/corpus/part/$s-h3-any.truce"
done
ls fuzz/corpus/* | head -50
