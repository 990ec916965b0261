#!/usr/bin/env bash
# Regenerates the tables of README's "How good are the forecasts?": the default scenario
# hindcast on each shipped observation series (DeepState; ISW via AFP), origins June 2024 to
# November 2025, leads 1, 3 and 6 months, 20,000 runs per origin, seed 1. Prints Markdown;
# paste it over the section's tables; then the same with a flat season (the sensitivity the
# section quotes), and the hindcasts with learning (`--assimilate`). Takes a few minutes on two cores.
#
#   scripts/hindcast-readme.sh [path/to/truce]
set -euo pipefail
cd "$(dirname "$0")/.."
# The truce given, else `truce` on PATH, else a release build of this checkout.
truce="${1:-$(command -v truce || echo target/release/truce)}"
if [[ ! -x "$truce" ]]; then
  cargo build --release -p truce-cli
fi
flat="$(mktemp --suffix=.toml)"
trap 'rm -f "$flat"' EXIT
# The same scenario with a flat season, to show what the in-sample seasonal profile is worth.
"$truce" scenarios show ukraine-2025-12 | sed 's/^monthly = \[.*\]$/monthly = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]/' > "$flat"
grep -q '^monthly = \[1, 1, 1' "$flat"
for series in deepstate-km2 isw-afp-km2; do
  case "$series" in
    deepstate-km2) echo "**DeepState** (confirmed control; \`data/observations/deepstate-km2.csv\`):" ;;
    isw-afp-km2) echo "**ISW, as tallied by AFP** (includes claimed areas; \`data/observations/isw-afp-km2.csv\`):" ;;
  esac
  echo
  "$truce" hindcast --observations "data/observations/$series.csv" \
    --origins 2024-06..2025-11 --leads 1,3,6 -n 20000 --seed 1 --format markdown --quiet
  echo
done
echo "With learning (--assimilate):"
echo
for series in deepstate-km2 isw-afp-km2; do
  echo "$series:"
  echo
  "$truce" hindcast --observations "data/observations/$series.csv" \
    --origins 2024-06..2025-11 --leads 1,3,6 -n 20000 --seed 1 --assimilate --format markdown --quiet
  echo
done
echo "With a flat season (every month 1.0):"
echo
for series in deepstate-km2 isw-afp-km2; do
  echo "$series:"
  echo
  "$truce" hindcast "$flat" --observations "data/observations/$series.csv" \
    --origins 2024-06..2025-11 --leads 1,3,6 -n 20000 --seed 1 --format markdown --quiet
  echo
done
