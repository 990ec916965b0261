"""Scenario loading, validation errors (the CLI's messages), dict round trips, one run."""

import json

import pandas as pd
import pytest

import truce


def bad(tmp_path, text, name="bad.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def edit(text, old, new):
    assert old in text, old
    return text.replace(old, new, 1)


CASES = {
    "syntax": ("horizon_weeks = 260", "horizon_weeks = = 260"),
    "unknown_key": ("collapse_economy = 0.2", "colapse_economy = 0.2"),
    "out_of_range": ("horizon_weeks = 260", "horizon_weeks = 0"),
    "salience": ("province = 70", "province = 150"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_scenario_errors_match_cli(cli, tmp_path, generic_text, case):
    old, new = CASES[case]
    path = bad(tmp_path, edit(generic_text, old, new))
    p = cli("check", path, check=False)
    assert p.returncode == 1
    with pytest.raises(truce.ScenarioError) as e:
        truce.Scenario.load(str(path))
    assert p.stderr == f"error: {e.value}\n"
    assert isinstance(e.value, ValueError)
    # The same error from running or forecasting it.
    with pytest.raises(truce.ScenarioError):
        truce.forecast(str(path), n=10)


def test_unknown_scenario_matches_cli(cli):
    p = cli("check", "no-such-scenario", check=False)
    with pytest.raises(truce.ScenarioError) as e:
        truce.Scenario.load("no-such-scenario")
    assert p.stderr == f"error: {e.value}\n"


def test_from_dict_errors():
    d = truce.Scenario.load("generic-interstate").to_dict()
    d["scenario"]["horizon_weeks"] = 0
    with pytest.raises(truce.ScenarioError, match="out of range"):
        truce.Scenario.from_dict(d)
    d = truce.Scenario.load("generic-interstate").to_dict()
    d["sides"][0]["forcez"] = 1
    with pytest.raises(truce.ScenarioError, match="forcez"):
        truce.Scenario.from_dict(d)


def test_builtins_and_round_trip():
    names = truce.scenarios()
    assert "ukraine-2025-12" in names and "generic-interstate" in names
    for name in names:
        s = truce.Scenario.load(name)
        s.validate()
        d = s.to_dict()
        s2 = truce.Scenario.from_dict(d)
        assert s2 == s and hash(s2) == hash(s) and s2.text != s.text
        assert s2.to_dict() == d
        assert truce.Scenario.from_toml(s2.to_toml()) == s
        # Same scenario, same runs (the text differs, the model does not).
        assert truce.run(s2, seed=3).json == truce.run(s, seed=3).json


def test_run_equals_cli(cli):
    out = cli("run", "ukraine-2025-12", "--seed", 4, "--format", "json").stdout
    t = truce.run("ukraine-2025-12", seed=4)
    assert t.data == json.loads(out)
    weeks = t.weeks
    assert len(weeks) == len(t.data["weeks"])
    assert {"week", "date", "km2"} <= set(weeks.columns)
    d0 = t.data["weeks"][0]["date"]
    assert weeks["date"].iloc[0] == pd.Timestamp(d0["year"], d0["month"], d0["day"])
    assert weeks["date"].dtype.kind == "M" and t.rounds["date"].dtype.kind == "M"
    assert len(t.decisions) == sum(len(r["decisions"]) for r in t.data["rounds"])
    assert len(t.rounds) == len(t.data["rounds"])
    arrow = t.to_arrow()
    assert arrow["weeks"].num_rows == len(weeks)
    assert arrow["weeks"].to_pandas().equals(weeks)
    assert t.outcome == t.data["outcome"] and t.outcome["week"] >= 0


def test_per_side_columns_use_side_ids(cli, tmp_path):
    """`weeks`, `rounds` and `--runs-out` name per-side columns by side id (one naming)."""
    t = truce.run("ukraine-2025-12", seed=4)
    assert t.side_ids == ["russia", "ukraine"]
    assert {"casualties_russia", "casualties_ukraine"} <= set(t.weeks.columns)
    assert not [c for c in t.weeks.columns if "Russia" in c or "Ukraine" in c]
    assert "values_of_war_russia" in t.rounds.columns
    # A trace read back from JSON alone finds the same ids.
    assert list(truce.Trace(t.json).weeks.columns) == list(t.weeks.columns)
    runs = tmp_path / "runs.csv"
    cli("forecast", "-n", 50, "--quiet", "--runs-out", runs)
    header = runs.read_text().splitlines()[0].split(",")
    assert {"casualties_russia", "casualties_ukraine"} <= set(header)


def test_runs_out_names_what_broke_a_collapsed_side(cli, tmp_path):
    """`--runs-out` carries the collapse cause: set exactly on the rows that end in a collapse."""
    runs = tmp_path / "runs.parquet"
    cli("forecast", "-n", 200, "--quiet", "--runs-out", runs)
    df = pd.read_parquet(runs)
    collapsed = df["outcome"].str.startswith("collapsed_")
    assert collapsed.any()
    assert df.loc[collapsed, "collapse"].isin(["front", "forces", "economy", "broke"]).all()
    assert df.loc[~collapsed, "collapse"].isna().all()


def test_run_sample_equals_cli(cli):
    """``sample=i`` is ``truce run --sample I``: run i of the forecast with the same seed;
    without it, each sampled parameter is at its median."""
    out = cli("run", "ukraine-2025-12", "--seed", 4, "--sample", 9, "--format", "json").stdout
    t = truce.run("ukraine-2025-12", seed=4, sample=9)
    assert t.data == json.loads(out) and t.data["sample"] == 9
    median = truce.run("ukraine-2025-12", seed=4)
    assert median.data["sample"] is None
    assert median.data["parameters"]["sides.russia.war_cost_per_year"] == pytest.approx(0.11)
    assert t.data["parameters"] != median.data["parameters"]
