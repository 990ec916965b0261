"""truce.dask.forecast on a LocalCluster of 2 worker processes equals the local forecast."""

import pytest

import truce
import truce.dask

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        with Client(cluster) as c:
            yield c


def test_dask_equals_local(client):
    assert len(client.scheduler_info()["workers"]) == 2
    local = truce.forecast("ukraine-2025-12", n=4000, seed=11)
    for shards in (None, 2, 3, 7):
        f = truce.dask.forecast("ukraine-2025-12", 4000, client=client, shards=shards, seed=11)
        assert f.json == local.json
        assert f.summary == local.summary


def test_dask_scenario_from_dict(client, generic_text):
    s = truce.Scenario.from_dict(truce.Scenario.from_toml(generic_text).to_dict())
    local = truce.forecast(s, n=1500, seed=4, horizon=60)
    f = truce.dask.forecast(s, 1500, client=client, shards=4, seed=4, horizon=60)
    assert f == local


def test_dask_errors_surface(client):
    with pytest.raises(truce.TruceError, match="shards must be at least 1"):
        truce.dask.forecast("ukraine-2025-12", 100, client=client, shards=0)
    with pytest.raises(truce.ScenarioError):
        truce.dask.forecast({"scenario": {"name": "x"}}, 100, client=client)
