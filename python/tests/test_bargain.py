"""Bargaining on DataFrames (round trips, the CLI's results and messages) and the DEU backtest."""

import json

import pandas as pd
import pytest

import truce
from conftest import ROOT

EMISSION = ROOT / "data" / "bdm" / "emission-standards.csv"
DEU = ROOT / "data" / "deu" / "deu3-dev.tsv"


def long_frame():
    return pd.DataFrame(
        {
            "actor": ["a", "a", "b", "b", "c", "c"],
            "issue": ["territory", "security", "territory", "security", "territory", "security"],
            "position": [10.0, 80.0, 60.5, 20.0, 95.0, 33.25],
            "salience": [60.0, 40.0, 30.0, 70.0, 45.0, 55.0],
            "capability": [1.0, 1.0, 2.5, 2.5, 0.75, 0.75],
        }
    )


@pytest.mark.parametrize("model", ["mean", "median", "nash", "bdm", "exchange", "smp"])
def test_round_zero_is_the_input(model):
    df = long_frame()
    sol = truce.bargain(df, model=model, status_quo=50 if model == "nash" else None)
    r0 = sol.positions[sol.positions["round"] == 0]
    got = r0.set_index(["actor", "issue"])["position"].sort_index()
    want = df.set_index(["actor", "issue"])["position"].sort_index()
    pd.testing.assert_series_equal(got, want)
    assert set(sol.final) == {"territory", "security"}
    assert sol.to_arrow()["positions"].num_rows == len(sol.positions)


def test_sparse_table_round_trip():
    df = long_frame().iloc[:-1]  # actor c has no stance on security
    sol = truce.bargain(df, model="mean")
    r0 = sol.positions[sol.positions["round"] == 0].reset_index(drop=True)
    assert list(zip(r0["actor"], r0["issue"], r0["position"])) == sorted(
        zip(df["actor"], df["issue"], df["position"]), key=lambda t: (t[1] != "territory", t[0])
    )


def test_bdm_frame_equals_cli(cli):
    df = pd.read_csv(EMISSION)
    for model in ("mean", "median", "bdm"):
        out = json.loads(cli("bargain", EMISSION, "--model", model, "--format", "json").stdout)
        sol = truce.bargain(df, model=model)
        assert [r["forecast"] for i in out["issues"] for r in i["rounds"]] == list(sol.forecasts["forecast"])


def test_status_quo_by_issue():
    sol = truce.bargain(long_frame(), model="nash", status_quo={"territory": 40, "security": 70})
    assert set(sol.final) == {"territory", "security"}
    with pytest.raises(truce.TruceError, match="unknown issue `land`"):
        truce.bargain(long_frame(), model="nash", status_quo={"land": 40})


def test_table_errors_carry_the_readers_messages():
    df = long_frame()
    df.loc[1, "salience"] = 150
    with pytest.raises(truce.TruceError, match=r"<dataframe>:3:.*salience.*150 is out of range"):
        truce.bargain(df)
    with pytest.raises(truce.TruceError, match="missing column"):
        truce.bargain(df.drop(columns=["capability"]))
    with pytest.raises(truce.TruceError, match="unknown model|model"):
        truce.bargain(long_frame(), model="no-such-model")



def test_model_errors_point_at_the_actors_row():
    # A model's complaint about an actor is located at that actor's row, as the CLI's is.
    df = long_frame()
    df.loc[df["actor"] == "b", "capability"] = 0.0
    with pytest.raises(truce.TruceError, match=r"<dataframe>:4:\d+: field `capability`: smp: actor `b`"):
        truce.bargain(df, model="smp")

def test_backtest_deu_equals_cli(cli):
    out = json.loads(cli("backtest", "deu", DEU, "--models", "mean,median,rp", "--format", "json").stdout)
    r = truce.backtest_deu(DEU, models=["mean", "median", "rp"])
    assert r.summary == out["models"]
    assert len(r.issues) == out["issues_scored"]
    assert list(r.table["model"]) == ["mean", "median", "rp"]
    assert r.summary["mean"]["mae"] == pytest.approx(24.11, abs=0.005)


def test_backtest_deu_paths_from_any_directory(tmp_path, monkeypatch):
    """Relative paths are the caller's; the shipped file also reads by its name from anywhere."""
    want = truce.backtest_deu(DEU, models="mean").summary
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.tsv").write_bytes(DEU.read_bytes())
    for name in ("mine.tsv", "data/deu/deu3-dev.tsv", "deu3-dev.tsv"):
        assert truce.backtest_deu(name, models="mean").summary == want, name
    with pytest.raises(truce.TruceError, match="working directory"):
        truce.backtest_deu("other.tsv", models="mean")
