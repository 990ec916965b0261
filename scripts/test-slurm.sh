#!/usr/bin/env bash
# The Slurm recipe of docs/distributed.md, tested on a real one-node Slurm cluster.
# Run alone or by scripts/test.sh (suite `slurm`; skip it with --skip slurm).
#
# Installs Debian's slurm-wlm and munge if missing (apt-get with root or passwordless sudo;
# where that is impossible the suite is skipped, exit code 77, with a message). Then, all in a
# temporary folder, with its own munge key and socket and free ports: starts munged, a
# generated minimal slurm.conf, slurmctld and slurmd (the node declares 16 CPUs whatever
# the machine has, so that the recipe's `--cpus-per-task=8` fits; two tasks run at a time).
# In a work folder holding scenario.toml (examples/two-sides.toml) and the doc's job script
# (docs/examples/forecast-array.sbatch, which the doc includes verbatim), it runs the doc's
# submit block exactly as written, with `truce` on PATH and RUNS=$TRUCE_SLURM_RUNS (64000)
# in the environment, waits for the queue to empty, and checks: every array task and the
# merge completed, 32 parts, the merged forecast.json equals a single process's
# `truce forecast ... --out` byte for byte, and a task re-run alone (the doc's
# `sbatch --array=17`) writes the same bytes. Stops every daemon it started.
# Closing line: `slurm: N passed, N failed`. Needs root (Slurm's daemons run as root here).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
. scripts/lib.sh
RUNS=${TRUCE_SLURM_RUNS:-64000}
SECONDS=0

export PATH="$PATH:/usr/sbin:/sbin"   # the daemons live there
missing() {
    local c
    for c in sbatch squeue scontrol scancel sinfo slurmctld slurmd munged mungekey; do
        command -v "$c" >/dev/null 2>&1 || return 0
    done
    return 1
}
if missing; then
    if ! can_apt; then
        echo "skipped: Slurm and munge are not installed and cannot be installed here (no apt-get"
        echo "         with root or passwordless sudo). To run this suite, install Debian's slurm-wlm"
        echo "         and munge (or your system's Slurm >= 22) and run it as root."
        exit "$SKIP_RC"
    fi
    apt_install slurm slurm-wlm munge || { echo "slurm: 0 passed, 1 failed"; exit 1; }
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "skipped: the one-node Slurm cluster needs root (slurmd runs jobs as their user);"
    echo "         run this suite as root, or skip it: bash scripts/test.sh --skip slurm"
    exit "$SKIP_RC"
fi

# The binary under test: $TRUCE_BIN if set (e.g. an installed truce), else a fresh release build.
if [ -n "${TRUCE_BIN:-}" ]; then
    echo "== slurm: using TRUCE_BIN=$TRUCE_BIN"
else
    echo "== slurm: building target/release/truce"
    cargo build --release --locked -p truce-cli || { echo "slurm: 0 passed, 1 failed"; exit 1; }
    TRUCE_BIN="$ROOT/target/release/truce"
fi

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok      $1"; }
bad() { failed=$((failed + 1)); echo "FAILED  $1"; }

TMP=$(mktemp -d /tmp/truce-slurm.XXXXXX)
chmod 755 "$TMP"
mkdir -p "$TMP/munge" "$TMP/state" "$TMP/spool" "$TMP/bin" "$TMP/work"
chmod 700 "$TMP/munge"
mkdir -p "$TMP/sock" && chmod 755 "$TMP/sock"
KEEP="$ROOT/target/slurm-test"

cleanup() {
    if [ -f "$TMP/slurm.conf" ]; then # only this script's cluster, never the machine's own
        SLURM_CONF="$TMP/slurm.conf" scancel --quiet --user root 2>/dev/null
    fi
    local f
    for f in slurmd slurmctld; do
        [ -s "$TMP/$f.pid" ] && kill "$(cat "$TMP/$f.pid")" 2>/dev/null
    done
    sleep 1
    [ -S "$TMP/sock/munge.sock" ] && munged --socket="$TMP/sock/munge.sock" --stop >/dev/null 2>&1
    rm -rf "$KEEP"
    mkdir -p "$KEEP"
    cp "$TMP"/*.log "$TMP/slurm.conf" "$KEEP/" 2>/dev/null
    cp -r "$TMP/work/logs" "$KEEP/job-logs" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM   # so that cleanup runs when interrupted

echo "== slurm: munged (own key and socket in $TMP)"
mungekey --create --keyfile="$TMP/munge/munge.key" || exit 1
munged --socket="$TMP/sock/munge.sock" --key-file="$TMP/munge/munge.key" --log-file="$TMP/munged.log" \
    --pid-file="$TMP/munged.pid" --seed-file="$TMP/munge/munged.seed" || { cat "$TMP/munged.log"; exit 1; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=$((20000 + RANDOM % 20000))
while ! port_free "$port" || ! port_free $((port + 1)); do port=$((port + 2)); done
HOST=$(uname -n | cut -d. -f1)

cat >"$TMP/slurm.conf" <<EOF
# A one-node cluster for scripts/test-slurm.sh (generated; nothing outside $TMP).
ClusterName=truce-test
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$TMP/sock/munge.sock
StateSaveLocation=$TMP/state
SlurmdSpoolDir=$TMP/spool
SlurmctldPidFile=$TMP/slurmctld.pid
SlurmdPidFile=$TMP/slurmd.pid
SlurmctldLogFile=$TMP/slurmctld.log
SlurmdLogFile=$TMP/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
MinJobAge=3600
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=16 State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$TMP/slurm.conf"

echo "== slurm: slurmctld and slurmd (ports $port, $((port + 1)))"
slurmctld -f "$SLURM_CONF" || { cat "$TMP/slurmctld.log"; exit 1; }
slurmd -f "$SLURM_CONF" -N "$HOST" || { cat "$TMP/slurmd.log"; exit 1; }
state=""
for _ in $(seq 1 120); do
    state=$(sinfo -h -o %t 2>/dev/null | head -n 1)
    [ "$state" = "idle" ] && break
    sleep 0.5
done
if [ "$state" != "idle" ]; then
    bad "the one-node cluster did not come up (node state: ${state:-none})"
    tail -n 20 "$TMP/slurmctld.log" "$TMP/slurmd.log"
    echo "slurm: $passed passed, $failed failed"
    exit 1
fi
ok "one-node cluster up: $(sinfo -h -o '%P %D %c %t' | head -n 1) (${SECONDS}s)"

# The work folder: scenario.toml, the doc's job script, `truce` on PATH.
W="$TMP/work"
cp examples/two-sides.toml "$W/scenario.toml"
cp docs/examples/forecast-array.sbatch "$W/forecast-array.sbatch"
ln -s "$TRUCE_BIN" "$TMP/bin/truce"
export PATH="$TMP/bin:$PATH"
export RUNS

# The doc's submit block, exactly as written: the block that names this script.
awk -v out="$TMP" -f scripts/md-blocks.awk docs/distributed.md
n=$(awk -F'\t' '{print $1}' "$TMP/index" | while read -r i; do head -n 1 "$TMP/$i" | grep -q 'scripts/test-slurm.sh' && echo "$i"; done | head -n 1)
if [ -z "$n" ]; then
    bad "docs/distributed.md has no block whose first line names scripts/test-slurm.sh"
    echo "slurm: $passed passed, $failed failed"
    exit 1
fi
echo "== slurm: the doc's submit block (docs/distributed.md), RUNS=$RUNS"
sed 's/^/   | /' "$TMP/$n"
if (cd "$W" && bash -euo pipefail "$TMP/$n"); then
    ok "the submit block ran (sbatch accepted the array and the merge)"
else
    bad "the submit block failed"
fi

# Waits (10 minutes at most) until no job is left that can still run; a job whose
# dependency can never be satisfied (its array failed) is cancelled and reported.
wait_queue() {
    local i stuck
    for i in $(seq 1 1200); do
        stuck=$(squeue -h -o '%i %r' 2>/dev/null | awk '$2 == "DependencyNeverSatisfied" {print $1}')
        if [ -n "$stuck" ]; then
            echo "        job(s) $stuck can never start (a task they depend on failed): cancelled"
            echo "$stuck" | xargs scancel
        fi
        [ -z "$(squeue -h -o %i 2>/dev/null)" ] && return 0
        sleep 0.5
    done
    return 1
}
if wait_queue; then ok "the queue emptied (${SECONDS}s)"; else bad "jobs still queued after 10 minutes"; squeue; fi

states=$(scontrol -o show job 2>/dev/null | grep -oE 'JobState=[A-Z_]+' | sort | uniq -c | tr -s ' \n' ' ')
ncomp=$(scontrol -o show job 2>/dev/null | grep -c 'JobState=COMPLETED')
if [ "$ncomp" -eq 33 ]; then
    ok "32 array tasks and the merge job COMPLETED"
else
    bad "job states: $states (want 33 COMPLETED)"
    ls "$W/logs" 2>/dev/null | head
    tail -n 5 "$W"/logs/* 2>/dev/null | head -n 40
    grep -iE 'error|fail' "$TMP/slurmd.log" | tail -n 10
fi

nparts=$(ls "$W"/parts/part-*.truce 2>/dev/null | wc -l)
if [ "$nparts" -eq 32 ]; then ok "32 part files"; else bad "$nparts part files, want 32"; fi

echo "== slurm: the same forecast in a single process"
if ! truce forecast "$W/scenario.toml" -n "$RUNS" --seed 1 --quiet --out "$W/single.json"; then
    bad "the single-process forecast failed"
elif [ ! -f "$W/forecast.json" ]; then
    bad "the merge job wrote no forecast.json"
elif cmp "$W/forecast.json" "$W/single.json"; then
    ok "merged forecast.json = single process, byte for byte ($(wc -c <"$W/single.json") bytes)"
else
    bad "merged forecast.json differs from the single process"
fi

echo "== slurm: a task re-run alone (sbatch --array=17) gives the same part"
cp "$W/parts/part-17.truce" "$TMP/part-17.first" 2>/dev/null
if (cd "$W" && sbatch --quiet --array=17 forecast-array.sbatch) && wait_queue &&
    cmp "$W/parts/part-17.truce" "$TMP/part-17.first"; then
    ok "part 17 recomputed alone: same bytes"
else
    bad "part 17 recomputed alone differs or failed"
fi

echo "== slurm: ${SECONDS}s; daemons' logs and the job logs in target/slurm-test/"
echo "slurm: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
