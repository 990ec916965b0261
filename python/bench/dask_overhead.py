"""Dask overhead: a 200,000-run forecast on a 2-worker LocalCluster vs the local CLI.

Run from the repository root after scripts/test-python.sh:
    target/pyenv/bin/python python/bench/dask_overhead.py
"""
import subprocess, time, statistics, os
import truce, truce.dask
from distributed import Client, LocalCluster
N = 200_000
def cli():
    t = time.perf_counter()
    out = subprocess.run(["target/release/truce", "forecast", "-n", str(N), "--quiet", "--format", "json", "--threads", "2"], capture_output=True, check=True).stdout
    return time.perf_counter() - t, out
if __name__ == "__main__":
    t0 = time.perf_counter()
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as c, Client(c) as client:
        startup = time.perf_counter() - t0
        truce.dask.forecast("ukraine-2025-12", 100, client=client)
        a, b = [], []
        for rep in range(5):
            tc, out = cli(); a.append(tc)
            t = time.perf_counter()
            f = truce.dask.forecast("ukraine-2025-12", N, client=client, seed=1)
            b.append(time.perf_counter() - t)
            assert f.json + "\n" == out.decode()
            print(f"rep {rep}: cli {tc:.2f}s dask {b[-1]:.2f}s load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"startup {startup:.2f}s")
    print(f"cli  min {min(a):.2f} median {statistics.median(a):.2f}")
    print(f"dask min {min(b):.2f} median {statistics.median(b):.2f}")
    print(f"ratio min/min {min(b)/min(a):.3f} median/median {statistics.median(b)/statistics.median(a):.3f}; pairwise {[round(y/x,3) for x,y in zip(a,b)]}")
