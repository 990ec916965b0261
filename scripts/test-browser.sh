#!/usr/bin/env bash
# Browser tests of `truce serve` and the HTML reports in headless Chromium (tests/browser).
# Run alone or by scripts/test.sh (suite `browser`; skip it with --skip browser).
#
# The browser: $CHROMIUM if set (any Chromium or Chrome binary), else `chromium`,
# `chromium-browser` or `google-chrome` on PATH, else Debian's chromium installed with apt-get.
# Node.js >= 18 with npm: on PATH, else Debian's nodejs and npm. Where apt-get cannot be used
# it says what to install and how to skip. Safe to re-run. Screenshots and the generated
# reports go to target/browser-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

if [ -n "${CHROMIUM:-}" ] && ! command -v "$CHROMIUM" >/dev/null 2>&1; then
    echo "error: CHROMIUM=$CHROMIUM is not an executable (unset it to use chromium from PATH)" >&2
    exit 1
fi

find_chromium() {
    if [ -n "${CHROMIUM:-}" ]; then
        command -v "$CHROMIUM"
        return 0
    fi
    local c
    for c in chromium chromium-browser google-chrome google-chrome-stable; do
        if command -v "$c" >/dev/null 2>&1; then command -v "$c"; return 0; fi
    done
    return 1
}

if ! CHROMIUM=$(find_chromium); then
    apt_install browser chromium || exit 1
    CHROMIUM=$(find_chromium) || { echo "error: chromium installed but not found on PATH" >&2; exit 1; }
fi
export CHROMIUM
echo "== browser: $CHROMIUM ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt_install browser nodejs npm || exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
    echo "error: the browser tests need Node.js 18 or later (found $(node --version));" >&2
    echo "       install a newer one, or skip them: bash scripts/test.sh --skip browser" >&2
    exit 1
fi

echo "== npm ci (tests/browser: playwright-core, pinned in package-lock.json)"
(cd tests/browser && npm ci --no-audit --no-fund)

echo "== building target/release/truce"
cargo build --release --locked -p truce-cli

echo "== browser tests (headless Chromium)"
mkdir -p target/browser-artifacts
(cd tests/browser && TRUCE_BIN="$PWD/../../target/release/truce" node --test --test-concurrency=1 web.test.mjs)
echo "== browser tests passed; screenshots in target/browser-artifacts/"
