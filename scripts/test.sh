#!/usr/bin/env bash
# Runs every test the project has. Called by .ci/run and quoted in the README.
#
#   bash scripts/test.sh                          # every suite
#   bash scripts/test.sh --skip browser,python    # or TRUCE_SKIP=browser,python
#   bash scripts/test.sh --only rust,docs         # or TRUCE_ONLY=rust,docs
#
# Suites, in order:
#   rust     cargo test --workspace --release --all-targets, and the doc tests
#   docs     every command in README.md and docs/*.md, the tutorial's steps (scripts/test-docs.sh)
#   slurm    docs/distributed.md's job array on a one-node Slurm cluster (scripts/test-slurm.sh;
#            skipped, with a message, where Slurm cannot be installed)
#   python   the wheel, pytest, the Dask and the docs' Python examples (scripts/test-python.sh)
#   browser  truce serve and the HTML reports in headless Chromium (scripts/test-browser.sh;
#            CHROMIUM=/path/to/chromium picks the browser)
#
# Works on any Linux with Rust (1.88 or later). What a suite needs from the system (Chromium,
# Node.js, Python's venv, Slurm and munge) is installed with apt-get where there is apt-get
# and root or passwordless sudo; elsewhere the suite says what to install and how to skip it.
# Every selected suite runs even if an earlier one fails; each one's output is also kept in
# target/test-logs/SUITE.log. The last line counts the tests of all suites: `N passed, N failed`
# (cargo's `test result:` lines, pytest's and node's counts, the scripts' own counts; a suite
# that fails without a count of failed tests, or passes without running any, counts as one
# failure). The exit code is non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD

ALL="rust docs slurm python browser"
usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; }

skip=${TRUCE_SKIP:-}
only=${TRUCE_ONLY:-}
while [ $# -gt 0 ]; do
    case "$1" in
        --skip) skip="$skip,${2:?--skip needs a list such as browser,python}"; shift 2 ;;
        --skip=*) skip="$skip,${1#--skip=}"; shift ;;
        --only) only="${2:?--only needs a list such as rust,docs}"; shift 2 ;;
        --only=*) only="${1#--only=}"; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "error: unknown argument \`$1\` (see bash scripts/test.sh --help)" >&2; exit 2 ;;
    esac
done
for s in ${skip//,/ } ${only//,/ }; do
    case " $ALL " in *" $s "*) ;; *) echo "error: unknown suite \`$s\` (suites: $ALL)" >&2; exit 2 ;; esac
done

selected() {
    local s=$1
    case ",$skip," in *",$s,"*) return 1 ;; esac
    [ -z "$only" ] && return 0
    case ",$only," in *",$s,"*) return 0 ;; esac
    return 1
}

suite_rust() {
    echo "== Rust: every crate, every test (release: the statistical tests run thousands of simulations)"
    cargo test --workspace --release --all-targets --locked || return
    cargo test --workspace --release --doc --locked
}
suite_docs() { bash scripts/test-docs.sh; }
suite_slurm() { bash scripts/test-slurm.sh; }
suite_python() { bash scripts/test-python.sh; }
suite_browser() { bash scripts/test-browser.sh; }

# count KIND LOG: prints "PASSED FAILED" read from a suite's log.
count() {
    local kind=$1 log=$2
    case "$kind" in
        cargo) # test result: ok. 12 passed; 0 failed; 1 ignored; ...
            awk '/^test result: /{for(i=1;i<=NF;i++){if($(i+1)~/^passed;/)p+=$i; if($(i+1)~/^failed;/)f+=$i}}
                 END{print p+0, f+0}' "$log" ;;
        node) # node --test, TAP reporter: "# pass 12" / "# fail 0"; spec reporter: "ℹ pass 12"
            awk '/^(# |ℹ )pass [0-9]+$/{p+=$NF} /^(# |ℹ )fail [0-9]+$/{f+=$NF} END{print p+0, f+0}' "$log" ;;
        pytest) # the last "12 passed, 1 failed, 2 errors ... in 3.4s" line
            grep -E '^[= ]*[0-9]+ [a-z]+.* in [0-9.]+s' "$log" | tail -n 1 |
                awk '{for(i=1;i<NF;i++){w=$(i+1); gsub(/[^a-z]/,"",w); if(w=="passed")p+=$i; if(w=="failed"||w=="error"||w=="errors")f+=$i}}
                     END{print p+0, f+0}' ;;
        own) # the script's closing line: "[word:] N passed, N failed"
            grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 |
                sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\2 \3/' | grep . || echo "0 0" ;;
    esac
}

declare -A KIND=([rust]=cargo [docs]=own [slurm]=own [python]=pytest [browser]=node)
LOGS="$ROOT/target/test-logs"
mkdir -p "$LOGS"
total_p=0
total_f=0
report=()
for s in $ALL; do
    if ! selected "$s"; then
        report+=("$(printf '%-8s skipped (--skip/--only or TRUCE_SKIP/TRUCE_ONLY)' "$s")")
        continue
    fi
    log="$LOGS/$s.log"
    start=$SECONDS
    echo
    echo "######## suite: $s (log: target/test-logs/$s.log)"
    "suite_$s" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    read -r p f < <(count "${KIND[$s]}" "$log")
    note=""
    if [ "$rc" -eq 77 ]; then
        note="skipped: cannot run on this machine (see its log)"
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        note="exit code $rc without a failed test: counted as one failure"
    elif [ "$rc" -eq 0 ] && [ "$p" -eq 0 ]; then
        f=$((f + 1))
        note="exit code 0 but no test counted: counted as one failure"
    elif [ "$rc" -ne 0 ]; then
        note="exit code $rc"
    fi
    total_p=$((total_p + p))
    total_f=$((total_f + f))
    report+=("$(printf '%-8s %5d passed %4d failed %5ds  %s' "$s" "$p" "$f" $((SECONDS - start)) "$note")")
done

echo
echo "######## summary (logs in target/test-logs/)"
printf '%s\n' "${report[@]}"
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
