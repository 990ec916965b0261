"""The Python forecast is the CLI's, byte for byte; parts and merging behave like the CLI's."""

import json

import pytest

import truce


@pytest.mark.parametrize("name,n,seed", [("ukraine-2025-12", 3000, 1), ("generic-interstate", 2000, 7)])
def test_forecast_equals_cli_json(cli, name, n, seed):
    out = cli("forecast", name, "-n", n, "--seed", seed, "--format", "json", "--quiet").stdout
    f = truce.forecast(name, n=n, seed=seed)
    assert f.json + "\n" == out  # the raw text, byte for byte
    assert f.summary == json.loads(out)
    assert f.summary["runs"] == n and f.summary["seed"] == seed


def test_forecast_from_path_and_threads_do_not_matter(cli, tmp_path, generic_text):
    p = tmp_path / "g.toml"
    p.write_text(generic_text)
    out = cli("forecast", p, "-n", 1500, "--seed", 3, "--format", "json", "--quiet", "--horizon", 100).stdout
    for threads in (1, 2):
        f = truce.forecast(str(p), n=1500, seed=3, threads=threads, horizon=100)
        assert f.json + "\n" == out


def test_parts_merge_like_the_cli(cli, tmp_path):
    n, seed = 2500, 5
    files = []
    for k in (1, 2, 3):
        path = tmp_path / f"part-{k}.truce"
        cli("forecast", "-n", n, "--seed", seed, "--shard", f"{k}/3", "--out", path, "--quiet")
        files.append(path)
        # The Python part file is the CLI's, byte for byte.
        assert truce.forecast_part("ukraine-2025-12", n, seed=seed, shard=k, shards=3) == path.read_bytes()
    merged = cli("merge", *files, "--format", "json").stdout
    parts = [p.read_bytes() for p in files]
    assert truce.merge_parts(reversed(parts)).json + "\n" == merged
    assert truce.merge_parts(parts) == truce.forecast(n=n, seed=seed)


def test_python_and_cli_parts_merge_together(cli, tmp_path):
    # Parts from different shells of the same forecast merge to the single-process result.
    n, seed = 2000, 8
    cli_part = tmp_path / "part-2.truce"
    cli("forecast", "generic-interstate", "-n", n, "--seed", seed, "--shard", "2/2", "--out", cli_part, "--quiet")
    py_part = tmp_path / "part-1.truce"
    py_part.write_bytes(truce.forecast_part("generic-interstate", n, seed=seed, shard=1, shards=2))
    one_pass = cli("forecast", "generic-interstate", "-n", n, "--seed", seed, "--format", "json", "--quiet").stdout
    assert cli("merge", py_part, cli_part, "--format", "json").stdout == one_pass
    assert truce.merge_parts([cli_part.read_bytes(), py_part.read_bytes()]).json + "\n" == one_pass


def test_states_and_events_come_from_the_engine():
    f = truce.forecast("generic-interstate", n=200, seed=1)
    horizon = f.summary["at"][-1]
    assert set(truce.WAR_STATES) == set(horizon["states"])
    assert set(truce.WAR_EVENTS) == set(horizon["events"])
    assert truce.WAR_STATES[0] == "fighting" and truce.WAR_STATES[-1] == "collapsed_second"
    assert truce.WAR_EVENTS[0] == "ceasefire_agreed" and truce.WAR_EVENTS[-1] == "trade_corridor"


def test_bad_parts_are_refused():
    a = truce.forecast_part("ukraine-2025-12", 1000, seed=1, shard=1, shards=2)
    b = truce.forecast_part("ukraine-2025-12", 1000, seed=1, shard=2, shards=2)
    other_seed = truce.forecast_part("ukraine-2025-12", 1000, seed=2, shard=2, shards=2)
    corrupt = bytearray(b)
    corrupt[len(corrupt) // 2] ^= 1
    with pytest.raises(truce.TruceError, match="checksum mismatch"):
        truce.merge_parts([a, bytes(corrupt)])
    with pytest.raises(truce.TruceError, match="belongs to another forecast"):
        truce.merge_parts([a, other_seed])
    with pytest.raises(truce.TruceError, match="missing shard"):
        truce.merge_parts([a])


def test_forecast_tables():
    f = truce.forecast("generic-interstate", n=1000, seed=2)
    s = f.summary
    assert len(f.states) == len(f.events) == s["horizon_weeks"]
    assert list(f.states.columns) == ["week", "date", *truce.WAR_STATES]
    assert (f.states[list(truce.WAR_STATES)].sum(axis=1) - 1.0).abs().max() < 1e-5
    at = f.at
    assert set(at["label"]) == {r["label"] for r in s["at"]} and set(at["table"]) == {"event", "state"}
    assert len(f.casualties_by_week) == 2 * s["horizon_weeks"]
    assert len(f.monthly_change) == len(s["monthly_change"]) > 0
    assert "p5" in f.km2 and "p95" in f.km2_change
    assert list(f.terms["issue"]) == list(s["terms"])
    assert len(f.km2) == s["horizon_weeks"] == len(s["km2_quantiles"])
    assert list(f.sensitivity["parameter"]) == [x["parameter"] for x in s["sensitivity"]]
    tables = f.to_arrow()
    assert tables["km2"].num_rows == len(f.km2)
    assert tables["states"].num_rows == len(f.states)


def test_bad_arguments_raise():
    with pytest.raises(truce.TruceError, match="^n must be at least 1"):
        truce.forecast(n=0)
    with pytest.raises(truce.TruceError, match="shards"):
        truce.forecast_part("ukraine-2025-12", 2, shard=1, shards=3)
    with pytest.raises(truce.TruceError, match="1 ≤ K ≤ N"):
        truce.forecast_part("ukraine-2025-12", 10, shard=3, shards=2)
    with pytest.raises(truce.TruceError, match="^horizon must be at least 1 week and at most 5200"):
        truce.forecast(n=10, horizon=5201)
    with pytest.raises(truce.TruceError, match="^threads must be at least 1"):
        truce.forecast(n=10, threads=0)


def test_the_gil_is_released_during_a_forecast():
    import threading
    import time

    done = threading.Event()

    def work():
        truce.forecast("ukraine-2025-12", n=20_000, seed=1, threads=1)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    ticks = 0
    while not done.is_set():
        time.sleep(0.002)
        ticks += 1  # needs the GIL after each sleep: blocked if the forecast held it
    t.join()
    assert ticks >= 10, f"the main thread ran only {ticks} times during the forecast"


_OBS = (
    "date,quantity,value,sd,source\n"
    "2026-01-07,km2_held,118500,150,synthetic\n"
    "2026-01-07,state,fighting,,synthetic\n"
    "2026-02-04,km2_held,119800,150,synthetic\n"
)


def test_forecast_with_observations_equals_the_cli(cli, tmp_path):
    import pandas as pd

    p = tmp_path / "obs.csv"
    p.write_text(_OBS)
    out = cli("forecast", "ukraine-2025-12", "-n", 600, "--seed", 4, "--observations", p, "--format", "json", "--quiet").stdout
    by_path = truce.forecast("ukraine-2025-12", n=600, seed=4, observations=str(p))
    assert by_path.json + "\n" == out
    df = pd.read_csv(p, dtype={"value": str})
    df["date"] = pd.to_datetime(df["date"])
    by_frame = truce.forecast("ukraine-2025-12", n=600, seed=4, observations=df, threads=1)
    assert by_frame.json == by_path.json
    f = by_frame.filter
    assert f is not None and f["observations"] == 3 and f["particles"] == 600
    steps = by_frame.filter_steps
    assert list(steps["km2_held"]) == [118500, 119800] and list(steps["km2_sd"]) == [150, 150]
    plain = truce.forecast("ukraine-2025-12", n=50)
    assert plain.filter is None
    # The war began in 2022: both forecasts start from draws selected by survival, and say so.
    for x in (plain, by_frame):
        s = x.selection
        assert s["war_began"] == {"year": 2022, "month": 2, "day": 24} and 0 < s["ess"] <= s["pool"]
    assert truce.forecast("generic-interstate", n=20).selection is None


def test_bad_observations_raise_with_their_line(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("date,quantity,value,sd,source\n2026-01-07,km2_held,-5,150,x\n")
    with pytest.raises(truce.TruceError, match=r"bad\.csv:2:3: field `value`"):
        truce.forecast("ukraine-2025-12", n=20, observations=str(p))
    with pytest.raises(truce.TruceError, match="lacks the column"):
        import pandas as pd

        truce.forecast("ukraine-2025-12", n=20, observations=pd.DataFrame({"date": ["2026-01-07"]}))
    with pytest.raises(truce.TruceError, match="cannot read the observations file"):
        truce.forecast("ukraine-2025-12", n=20, observations=str(tmp_path / "missing.csv"))
    with pytest.raises(truce.TruceError, match="expected a path or a pandas DataFrame"):
        truce.forecast("ukraine-2025-12", n=20, observations=42)


_CAL_OBS = (
    "date,quantity,value,sd,source\n"
    "2025-12-31,km2_held,116165,50,test\n"
    "2026-01-31,km2_held,116500,60,test\n"
    "2026-02-28,km2_held,116800,60,test\n"
)
_CAL_PARAMS = ["combat.calibrated_gain_km2_per_week", "sides.ukraine.aid_dependence"]


def test_calibrate_equals_the_cli(cli, tmp_path):
    import pandas as pd

    obs = tmp_path / "obs.csv"
    obs.write_text(_CAL_OBS)
    out, diag = tmp_path / "cal.toml", tmp_path / "diag.json"
    cli(
        "calibrate", "--observations", obs, "--params", ",".join(_CAL_PARAMS), "--particles", 80,
        "--generations", 2, "--seed", 3, "--out", out, "--diagnostics", diag, "--quiet",
    )
    c = truce.calibrate("ukraine-2025-12", pd.read_csv(obs), generations=2, particles=80, seed=3, params=_CAL_PARAMS)
    assert c.text == out.read_text()
    assert c.diagnostics_json + "\n" == diag.read_text()
    assert list(c.parameters["path"]) == _CAL_PARAMS
    assert list(c.generations["index"]) == [0, 1, 2]
    assert "[weighted_sample]" in c.scenario.to_toml()
    f = truce.forecast(c.scenario, n=100, horizon=10)
    assert f.summary["runs"] == 100


def test_calibrate_refuses_bad_input():
    with pytest.raises(truce.TruceError, match="as_of: `2026-02-30` is not a calendar day"):
        truce.calibrate("ukraine-2025-12", _write_tmp(_CAL_OBS), as_of="2026-02-30")
    with pytest.raises(truce.TruceError, match="expected a path or a pandas DataFrame"):
        truce.calibrate("ukraine-2025-12", 3)


def _write_tmp(text):
    import tempfile

    fh = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
    fh.write(text)
    fh.close()
    return fh.name
