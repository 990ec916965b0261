"""Forecasts over a Dask cluster: shards mapped over the workers, then merged exactly.

::

    from dask.distributed import Client, LocalCluster
    import truce, truce.dask

    with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster) as client:
        f = truce.dask.forecast("ukraine-2025-12", 1_000_000, client=client)
    assert f == truce.forecast("ukraine-2025-12", 1_000_000)   # identical, bit for bit

Each task computes one shard (a contiguous range of runs) and returns its part file bytes
(about 4 MB, whatever the number of runs); the client merges them. The result
does not depend on the number of shards, workers or threads. See ``docs/distributed.md`` for
Slurm and PBS clusters (dask-jobqueue).
"""

from __future__ import annotations

from typing import Any, Optional

from . import Forecast, ScenarioLike, _scenario, _truce
from . import merge_parts as _merge_parts

__all__ = ["forecast"]


def _worker_threads() -> Optional[int]:
    """The number of threads of the Dask worker running this task (None outside a worker)."""
    try:
        from distributed import get_worker

        w = get_worker()
    except Exception:  # not on a worker
        return None
    state = getattr(w, "state", None)
    n = getattr(state, "nthreads", None) or getattr(w, "nthreads", None)
    return int(n) if n else None


def _part(
    label: str,
    text: str,
    n: int,
    seed: int,
    shard: int,
    shards: int,
    threads: Optional[int],
    horizon: Optional[int],
) -> bytes:
    """One shard's part file bytes (runs on a worker; module level so that it pickles by name)."""
    if threads is None:
        threads = _worker_threads()
    return _truce.forecast_part(label, text, n, seed, shard, shards, threads, horizon)


def forecast(
    scenario: ScenarioLike,
    n: int = 100_000,
    client: Any = None,
    shards: Optional[int] = None,
    seed: int = 1,
    threads: Optional[int] = None,
    horizon: Optional[int] = None,
) -> Forecast:
    """Runs an ``n``-run forecast as ``shards`` tasks on a Dask cluster and merges the parts.

    The result equals :func:`truce.forecast` with the same scenario, ``n``, ``seed`` and
    ``horizon`` exactly. ``client``: a ``distributed.Client`` (default: the current one).
    ``shards``: number of tasks (default: the cluster's total worker threads, at least 1,
    at most ``n``). ``threads``: threads per task (default: the worker's thread count, so a
    worker with ``threads_per_worker=1`` runs one simulation thread per task). The scenario
    travels to the workers as TOML text, so workers need the ``truce`` package but no files.
    """
    if client is None:
        from distributed import get_client

        client = get_client()
    s = _scenario(scenario)
    n = int(n)
    if n < 1:
        raise _truce.TruceError("n (runs) must be at least 1")
    if shards is None:
        info = client.scheduler_info()
        workers = info.get("workers", {})
        shards = max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))
    if int(shards) < 1:
        raise _truce.TruceError("shards must be at least 1")
    shards = min(int(shards), n)
    ks = list(range(1, shards + 1))
    futures = client.map(
        _part,
        [s.label] * shards,
        [s.text] * shards,
        [n] * shards,
        [int(seed)] * shards,
        ks,
        [shards] * shards,
        [threads] * shards,
        [horizon] * shards,
        pure=False,
    )
    parts = client.gather(futures)
    return _merge_parts([(f"shard {k}/{shards}", p) for k, p in zip(ks, parts)])
