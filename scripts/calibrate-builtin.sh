#!/usr/bin/env bash
# Calibrates the built-in ukraine-2025-12 (docs/calibration.md, "Calibrating the built-in
# ukraine-2025-12"): ABC-SMC of the front's five parameters on the DeepState monthly areas
# dated before the scenario's start (the scenario re-dated to 2024-12-31 and fitted to
# January-November 2025), written into the scenario file in place (every comment kept; the
# priors recorded in [weighted_sample].priors) with the diagnostics next to it. The run is a
# pure function of the scenario's priors, the engine, the observations and these options, and
# calibrating the calibrated file again gives the same bytes: re-run this after any change to
# the engine or the scenario, then rebuild (the built-in is embedded in the binary).
# `crates/truce-cli/tests/calibrate_builtin.rs` fails, naming this script, when the shipped
# calibration is not what it writes. About 5 seconds of CPU.
#
#   scripts/calibrate-builtin.sh [path/to/truce [OUT_DIR]]
#
# Without a truce, a release build of this checkout (built first). Without OUT_DIR, the
# shipped files are overwritten; with it, the two files are written there instead.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -ge 1 ]]; then
  truce="$1"
else
  cargo build --release -p truce-cli --quiet
  truce=target/release/truce
fi
scenario=crates/truce-engine/scenarios/ukraine-2025-12.toml
diagnostics=docs/ukraine-2025-12-calibration.json
out="$scenario"
diag_out="$diagnostics"
if [[ $# -ge 2 ]]; then
  mkdir -p "$2"
  out="$2/ukraine-2025-12.toml"
  diag_out="$2/ukraine-2025-12-calibration.json"
fi
"$truce" calibrate "$scenario" --observations data/observations/deepstate-km2.csv --from 2024-12-31 \
  --params combat.calibrated_gain_km2_per_week,combat.offensive_start_per_year,combat.offensive_end_per_year,combat.positional_intensity,combat.culmination_per_1000_km2 \
  --particles 1000 --generations 6 --seed 1 --threads 2 \
  --out "$out" --diagnostics "$diag_out" --quiet
