#!/usr/bin/env bash
# Browser tests of `truce serve` and the HTML reports in headless Debian Chromium
# (tests/browser). Installs what they need on a fresh machine; safe to re-run.
# Screenshots and the generated reports go to target/browser-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Debian chromium"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "== installing Node.js and npm"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y nodejs npm
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "error: the browser tests need Node.js 18 or later (found $(node --version))" >&2
  exit 1
fi

echo "== npm ci (tests/browser: playwright-core, pinned in package-lock.json)"
(cd tests/browser && npm ci --no-audit --no-fund)

echo "== building target/release/truce"
cargo build --release -p truce-cli

echo "== browser tests (headless Chromium)"
mkdir -p target/browser-artifacts
(cd tests/browser && TRUCE_BIN="$PWD/../../target/release/truce" node --test --test-concurrency=1 web.test.mjs)
echo "== browser tests passed; screenshots in target/browser-artifacts/"
