#!/usr/bin/env bash
# The Python package's tests. On a fresh machine: makes a venv (target/pyenv), installs the
# build and test tools, builds the CLI and the wheel, installs the wheel and runs pytest.
# Idempotent; safe to re-run. Needs Python >= 3.11 with venv, Rust, and the PyPI registry.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
PY="${PYTHON:-python3}"
VENV="$CARGO_TARGET_DIR/pyenv"
SECONDS=0

echo "== Python: venv and tools ($VENV)"
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check \
    "maturin>=1.5,<2" "pytest>=8,<9" "pandas>=2,<3" "pyarrow>=15,<30" "dask[distributed]>=2024.1,<2027"

echo "   (${SECONDS}s)"
echo "== Python: the truce CLI (release) for the comparisons"
cargo build --release -p truce-cli
export TRUCE_BIN="$CARGO_TARGET_DIR/release/truce"

echo "   (${SECONDS}s)"
echo "== Python: build the wheel (abi3, Python >= 3.11) and install it"
rm -rf "$CARGO_TARGET_DIR/wheels/truce-"*.whl
"$VENV/bin/maturin" build --release -m python/Cargo.toml -i "$VENV/bin/python" \
    --strip --out "$CARGO_TARGET_DIR/wheels" --quiet
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps \
    "$CARGO_TARGET_DIR"/wheels/truce-*.whl

echo "   (${SECONDS}s)"
echo "== Python: pytest"
cd "$ROOT/python/tests"   # run against the installed wheel, not the source tree
set +e
"$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@" .
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    echo "pytest collected no tests: failing" >&2
    exit 1
fi
exit "$rc"
