#!/usr/bin/env bash
# The Python package's tests. Run alone or by scripts/test.sh (suite `python`; skip it with
# --skip python). Arguments are passed to pytest.
#
# On a fresh machine: makes a venv (target/pyenv; Debian's python3-venv is installed with
# apt-get where it is missing and apt-get can be used), builds the wheel with pip exactly as
# python/README.md tells users (`pip wheel ./python`, the same PEP 517 build as
# `pip install ./python`; the Rust build shares target/), installs it with its `test` and
# `dask` extras (whatever pandas pip picks: 3.x today; TRUCE_PANDAS='pandas<3' tests 2.x),
# builds the CLI the tests compare with, and runs pytest against the installed wheel,
# including every Python example of the docs run as a script. Idempotent; safe to re-run.
# Needs Python >= 3.11 (PYTHON=/path/to/python3 picks one), Rust, and the PyPI registry.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/lib.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
PY="${PYTHON:-python3}"
VENV="$CARGO_TARGET_DIR/pyenv"
SECONDS=0

if ! command -v "$PY" >/dev/null 2>&1; then
    apt_install python python3 python3-venv || exit 1
fi
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "error: the Python package needs Python >= 3.11; $PY is $("$PY" --version 2>&1)." >&2
    echo "       Set PYTHON=/path/to/python3.11+, or skip: bash scripts/test.sh --skip python" >&2
    exit 1
fi

echo "== Python: venv and tools ($VENV)"
if [ ! -x "$VENV/bin/python" ]; then
    rm -rf "$VENV"
    if ! "$PY" -m venv "$VENV" 2>/dev/null; then
        rm -rf "$VENV"
        apt_install python python3-venv || exit 1
        "$PY" -m venv "$VENV"
    fi
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
"${PIP[@]}" install -q --upgrade pip

echo "   (${SECONDS}s)"
echo "== Python: the wheel, built as users build it: pip wheel ./python"
rm -rf "$CARGO_TARGET_DIR/wheels"
"${PIP[@]}" wheel -q --no-deps -w "$CARGO_TARGET_DIR/wheels" ./python
whl=$(ls "$CARGO_TARGET_DIR"/wheels/truce-*.whl)
echo "   $(basename "$whl"): $(du -k "$whl" | cut -f1) KiB"
"${PIP[@]}" install -q --force-reinstall "${whl}[test,dask]" ${TRUCE_PANDAS:+"$TRUCE_PANDAS"}
"$VENV/bin/python" -c 'import pandas, pyarrow, truce; print(f"   truce {truce.__version__}, pandas {pandas.__version__}, pyarrow {pyarrow.__version__}")'

echo "   (${SECONDS}s)"
echo "== Python: the truce CLI (release) for the comparisons"
cargo build --release --locked -p truce-cli
export TRUCE_BIN="$CARGO_TARGET_DIR/release/truce"

echo "   (${SECONDS}s)"
echo "== Python: pytest"
cd "$ROOT/python/tests" # run against the installed wheel, not the source tree
set +e
"$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@" .
rc=$?
set -e
echo "   (${SECONDS}s)"
if [ "$rc" -eq 5 ]; then
    echo "pytest collected no tests: failing" >&2
    exit 1
fi
exit "$rc"
