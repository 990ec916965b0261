#!/usr/bin/env bash
# Runs every test the project has. Called by .ci/run and quoted in the README.
# Installs what the tests need on a fresh machine; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Rust: every crate, every test (release: the statistical tests run thousands of simulations)"
cargo test --workspace --release --all-targets
cargo test --workspace --release --doc

echo "== browser tests: truce serve and the HTML reports in headless Chromium"
bash scripts/test-browser.sh

echo "== Python package (wheel built with maturin) and Dask"
bash scripts/test-python.sh
