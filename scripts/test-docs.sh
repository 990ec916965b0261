#!/usr/bin/env bash
# The docs' examples as tests: runs every fenced `sh`/`bash` block of README.md and docs/*.md
# (README first, then docs/ in alphabetical order, so docs/tutorial.md's steps too) and checks
# the exit code of every command. Run alone or by scripts/test.sh (suite `docs`).
#
# How the blocks run (keep new docs runnable by following this):
# - Every block runs as one bash script, in document order, in one scratch folder shared by
#   all documents (target/docs-test/work, emptied first) where `data/`, `examples/`, `docs/`,
#   `crates/`, `python/` and `scripts/` link to the repository's, and `truce` on PATH is
#   target/release/truce. So write commands as a user in the repository root would, with
#   `truce` for the binary. Files a block writes (my.toml, part-*.truce) are there for the
#   blocks after it, in the same document and in later ones. `cargo` runs in the repository
#   root (installs go to a scratch folder).
# - A block passes when none of its commands exits non-zero (each failure is reported with
#   its file:line, and the block goes on). Outputs are not compared: the model's numbers
#   change; the docs show abridged outputs in ```text blocks, which are not run.
# - A command that cannot run here carries a visible annotation in its comment:
#       truce serve        # http://127.0.0.1:8080 [not run: blocks; the docs test starts it]
#   and a whole block that cannot run starts with such a comment line: `# [not run: REASON]`.
#   Annotated `truce serve` commands are started by this script instead, on 127.0.0.1 and a
#   free port (their other flags as written); the page must answer 200 and Ctrl-C must stop
#   the server with exit code 0. `bash scripts/test.sh` (the test command itself) is skipped.
# - A block right after an HTML comment `<!-- file: PATH -->` is not run: it must equal the
#   file PATH byte for byte (the docs include a file that a test runs, e.g. the Slurm script).
# - ```python blocks are run by the Python suite (python/tests/test_docs_examples.py).
#
# The closing line counts blocks: `docs: N passed, N failed, N skipped`; exit code 1 if any
# failed. Needs only bash, awk, coreutils and Rust.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
SECONDS=0

# The binary under test: $TRUCE_BIN if set (e.g. an installed truce), else a fresh release build.
if [ -n "${TRUCE_BIN:-}" ]; then
    echo "== docs: using TRUCE_BIN=$TRUCE_BIN"
else
    echo "== docs: building target/release/truce"
    cargo build --release --locked -p truce-cli || { echo "docs: 0 passed, 1 failed"; exit 1; }
    TRUCE_BIN="$ROOT/target/release/truce"
fi

BASE="$ROOT/target/docs-test"
WORK="$BASE/work"
rm -rf "$BASE"
mkdir -p "$WORK" "$BASE/bin" "$BASE/blocks" "$BASE/logs"
for d in data examples docs crates python scripts; do ln -s "$ROOT/$d" "$WORK/$d"; done
ln -s "$TRUCE_BIN" "$BASE/bin/truce"
export PATH="$BASE/bin:$PATH"
export CARGO_INSTALL_ROOT="$BASE/cargo-install"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
PREAMBLE="$BASE/preamble.sh"
cat >"$PREAMBLE" <<EOF
# Sourced by every block's script: cargo runs in the repository root; every failing
# command is reported with the document's file and line, and the block goes on.
cargo() { (cd "$ROOT" && command cargo "\$@"); }
__fails=0
set -o pipefail
trap '__rc=\$?; echo "FAILED (exit \$__rc) at \$__DOC:\$((LINENO + __OFFSET)): \$BASH_COMMAND" >&2; __fails=\$((__fails + 1))' ERR
EOF

TIMEOUT=""
command -v timeout >/dev/null 2>&1 && TIMEOUT="timeout 900"

passed=0
failed=0
skipped=0
serves=0
failures=()

ok() { passed=$((passed + 1)); echo "ok      $1"; }
bad() { failed=$((failed + 1)); failures+=("$1"); echo "FAILED  $1"; }
skip() { skipped=$((skipped + 1)); echo "skipped $1"; }

# http_status PORT: the status code of GET / on 127.0.0.1:PORT (bash's /dev/tcp; no curl needed).
http_status() {
    local line
    exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
    printf 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
    IFS= read -r line <&3
    exec 3<&- 3>&-
    echo "$line" | awk '{print $2}'
}

# serve_test WHERE COMMAND: starts an annotated `truce serve ...` on 127.0.0.1 and a free port,
# checks that the page answers and that Ctrl-C stops it cleanly.
serve_test() {
    local where=$1 cmd=$2 out pid url port status rc
    serves=$((serves + 1))
    out="$BASE/logs/serve-$serves.log"
    : >"$out"
    cmd=$(printf '%s' "$cmd" | sed -E 's/#.*$//; s/--(host|port)[ =][^ ]+//g; s/[[:space:]]+/ /g; s/ $//')
    read -r -a argv <<<"$cmd"
    (cd "$WORK" && exec "${argv[@]}" --host 127.0.0.1 --port 0) >"$out" 2>&1 &
    pid=$!
    url=""
    for _ in $(seq 1 100); do
        url=$(grep -oE 'listening on http://[0-9.]+:[0-9]+' "$out" | head -n 1 | sed 's/listening on //')
        [ -n "$url" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    if [ -z "$url" ]; then
        kill -INT "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        bad "$where: \`$cmd\` did not start: $(tail -n 3 "$out" | tr -s "\n" " ")"
        return
    fi
    port=${url##*:}
    status=$(http_status "$port")
    kill -INT "$pid"
    wait "$pid"
    rc=$?
    if [ "$status" = "200" ] && [ "$rc" -eq 0 ]; then
        ok "$where: \`$cmd\` served GET / (200) and stopped on Ctrl-C"
    else
        bad "$where: \`$cmd\`: GET / answered ${status:-nothing}, exit code after Ctrl-C $rc"
    fi
}

# prepare DOC N START SRC DST: writes the block's script (the preamble, then the block with
# its not-run commands replaced by `:` lines, keeping the line numbers) and lists the
# not-run commands in DST.skipped as "line<TAB>command".
prepare() {
    local doc=$1 start=$2 src=$3 dst=$4
    {
        echo ". '$PREAMBLE'; __DOC='$doc'; __OFFSET=$((start - 2))"
        awk -v skipped="$dst.skipped" -v start="$start" '
            function flush(   i) {
                if (cmd ~ /\[not run/ || cmd ~ /^[ \t]*bash scripts\/test\.sh([ \t]|$)/) {
                    for (i = 0; i < nlines; i++) print ":"
                    printf "%d\t%s\n", first + start - 1, cmd >> skipped
                } else {
                    for (i = 0; i < nlines; i++) print lines[i]
                }
                nlines = 0; cmd = ""
            }
            {
                if (nlines == 0) first = NR
                lines[nlines++] = $0
                line = $0
                cont = sub(/\\$/, "", line)
                cmd = cmd (cmd == "" ? "" : " ") line
                if (!cont) flush()
            }
            END { if (nlines) flush() }' "$src"
        # shellcheck disable=SC2016 # written into the block's script, expanded there
        echo 'exit $(( __fails > 0 ))'
    } >"$dst"
}

DOCS=(README.md)
for f in docs/*.md; do DOCS+=("$f"); done

for doc in "${DOCS[@]}"; do
    dir="$BASE/blocks/${doc//\//_}"
    mkdir -p "$dir"
    awk -v out="$dir" -f scripts/md-blocks.awk "$doc" || { bad "$doc: cannot be split into blocks"; continue; }
    while IFS=$'\t' read -r n lang start marker; do
        where="$doc:$start"
        block="$dir/$n"
        if [[ "$marker" == file:* ]]; then
            path=$(echo "${marker#file:}" | xargs)
            if [ ! -f "$path" ]; then
                bad "$where: the block includes \`$path\`, which does not exist"
            elif cmp -s "$block" "$path"; then
                ok "$where: the block is $path, byte for byte"
            else
                bad "$where: the block differs from $path (diff $path against the doc's block)"
            fi
            continue
        fi
        case "$lang" in sh | bash | shell) ;; *) continue ;; esac
        first=$(head -n 1 "$block")
        if [[ "$first" == \#*"[not run"* ]]; then
            skip "$where: ${first#\# }"
            continue
        fi
        script="$dir/$n.run.sh"
        prepare "$doc" "$start" "$block" "$script"
        log="$BASE/logs/${doc//\//_}-$start.log"
        t0=$SECONDS
        (cd "$WORK" && $TIMEOUT bash "$script") >"$log" 2>&1
        rc=$?
        if [ "$rc" -eq 0 ]; then
            ok "$where ($(grep -vcE '^[[:space:]]*(#|$)' "$block") lines, $((SECONDS - t0)) s)"
        else
            [ "$rc" -eq 124 ] && echo "        (timed out after 900 s)"
            grep -E '^FAILED \(exit' "$log" | sed 's/^/        /'
            echo "        last lines of its output ($log):"
            tail -n 8 "$log" | sed 's/^/        | /'
            bad "$where"
        fi
        if [ -f "$script.skipped" ]; then
            while IFS=$'\t' read -r line cmd; do
                if [[ "$cmd" =~ ^[[:space:]]*truce[[:space:]]+serve ]]; then
                    serve_test "$doc:$line" "$cmd"
                else
                    skip "$doc:$line: \`$(echo "$cmd" | sed -E 's/[[:space:]]+#.*//')\`"
                fi
            done <"$script.skipped"
        fi
    done <"$dir/index"
done

echo "== docs: ${SECONDS}s; outputs in target/docs-test/"
if [ "${#failures[@]}" -gt 0 ]; then
    echo "failed blocks:"
    printf '  %s\n' "${failures[@]}"
fi
echo "docs: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
