"""truce: simulate and forecast wars that are fought and negotiated at the same time.

The Python face of the truce Rust libraries. Every computation runs in the native module
(``truce._truce``) with the GIL released; this layer only converts inputs and wraps results
in dicts and pandas DataFrames (``.to_arrow()`` gives pyarrow Tables). Results are the CLI's,
bit for bit: ``truce.forecast(s, n, seed).json`` is what ``truce forecast --format json``
prints.

Quick start::

    import truce
    s = truce.Scenario.load("ukraine-2025-12")      # a path, a built-in name, or from_dict
    t = truce.run(s, seed=1)                          # one run: t.weeks, t.rounds, t.outcome
    f = truce.forecast(s, n=100_000, seed=1)          # f.summary (dict), f.events, f.states, f.km2, ...
"""

from __future__ import annotations

import json as _json
import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _truce
from ._truce import ScenarioError, TruceError

__all__ = [
    "Scenario",
    "ScenarioError",
    "TruceError",
    "Trace",
    "Forecast",
    "Solution",
    "BacktestResult",
    "scenarios",
    "models",
    "run",
    "forecast",
    "forecast_part",
    "merge_parts",
    "calibrate",
    "Calibration",
    "bargain",
    "backtest_deu",
]

__version__: str = _truce.__version__

#: The war states (their JSON names) in reporting order: the state of a war at a date, and how
#: a run ended (the engine's one list).
WAR_STATES: Tuple[str, ...] = tuple(_truce.war_states())
#: The events reported by date (their JSON names) in reporting order (the engine's one list).
WAR_EVENTS: Tuple[str, ...] = tuple(_truce.war_events())


def _is_date(x: Any) -> bool:
    return isinstance(x, dict) and set(x) == {"year", "month", "day"}


def _frame(rows: Any, columns: Optional[Sequence[str]] = None):
    """A DataFrame of rows; calendar dates (``{year, month, day}``) become datetime64 columns."""
    import pandas as pd

    df = pd.DataFrame(rows, columns=list(columns) if columns is not None else None)
    for c in df.columns:
        if len(df) and _is_date(df[c].iloc[0]):
            df[c] = pd.to_datetime(pd.DataFrame(list(df[c]), columns=["year", "month", "day"]))
    return df


def _arrow(df):
    import pyarrow as pa

    return pa.Table.from_pandas(df, preserve_index=False)


class Scenario:
    """A validated scenario: its TOML text and the label that names it in messages.

    Build one with :meth:`load` (a path or a built-in name) or :meth:`from_dict`. Loading
    validates; errors raise :class:`ScenarioError` with the CLI's located message.
    """

    __slots__ = ("label", "text", "_dict")

    def __init__(self, text: str, label: str = "<string>") -> None:
        """Parses and validates scenario TOML ``text``; ``label`` names it in messages."""
        self.label = label
        self.text = text
        self._dict: Dict[str, Any] = _json.loads(_truce.scenario_json(label, text))

    @classmethod
    def load(cls, path_or_name: Union[str, "os.PathLike[str]"]) -> "Scenario":
        """Loads a scenario from a TOML file or a built-in name (see :func:`scenarios`)."""
        label, text = _truce.scenario_source(os.fspath(path_or_name))
        return cls(text, label)

    @classmethod
    def from_toml(cls, text: str, label: str = "<string>") -> "Scenario":
        """Loads a scenario from TOML text."""
        return cls(text, label)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], label: str = "<dict>") -> "Scenario":
        """Builds a scenario from a dict with the TOML file's structure (as :meth:`to_dict` gives)."""
        if not isinstance(d, Mapping):
            raise ScenarioError("a scenario must be a dict (a TOML table)")
        return cls(_truce.json_to_toml(_json.dumps(d, allow_nan=False)), label)

    def to_toml(self) -> str:
        """The scenario's TOML text (as loaded, or generated from the dict)."""
        return self.text

    def to_dict(self) -> Dict[str, Any]:
        """The scenario as a dict with the TOML file's structure (a fresh copy)."""
        return _json.loads(_json.dumps(self._dict))

    def validate(self) -> None:
        """Validates again (a Scenario is validated when built); raises :class:`ScenarioError`."""
        _truce.scenario_json(self.label, self.text)

    @property
    def name(self) -> str:
        """The scenario's name (``[scenario] name``)."""
        return str(self._dict.get("scenario", {}).get("name", ""))

    def __eq__(self, other: object) -> bool:
        """Scenarios are equal when their contents are (whatever their text's layout)."""
        return isinstance(other, Scenario) and self._dict == other._dict

    def __hash__(self) -> int:
        """Hash of the contents, consistent with ``==``."""
        return hash(_json.dumps(self._dict, sort_keys=True))

    def __repr__(self) -> str:
        """``Scenario('name', from <label>)``."""
        return f"Scenario({self.name!r}, from {self.label})"


ScenarioLike = Union[Scenario, str, "os.PathLike[str]", Mapping[str, Any]]


def _scenario(s: ScenarioLike) -> Scenario:
    if isinstance(s, Scenario):
        return s
    if isinstance(s, Mapping):
        return Scenario.from_dict(s)
    return Scenario.load(s)


def scenarios() -> Dict[str, str]:
    """The built-in scenarios: name → one-line description."""
    return dict(_truce.builtin_scenarios())


def models() -> Dict[str, str]:
    """The bargaining models: name → one-line description."""
    return dict(_truce.models())


class Trace:
    """One run of the fight–talk simulation (what ``truce run --format json`` prints).

    Attributes: ``json`` (the text), ``data`` (the parsed dict), ``outcome`` (dict),
    and the tables ``weeks``, ``rounds``, ``decisions``, ``events`` (pandas DataFrames).
    """

    def __init__(self, json_text: str, side_ids: Optional[Sequence[str]] = None) -> None:
        """Wraps the JSON text of a trace; ``side_ids``: the sides' ids in order (``run`` passes
        the scenario's; without them they are read from the outcome, whose keys are the ids)."""
        self.json: str = json_text
        self.data: Dict[str, Any] = _json.loads(json_text)
        self._side_ids: Optional[List[str]] = list(side_ids) if side_ids is not None else None

    @property
    def outcome(self) -> Optional[Dict[str, Any]]:
        """How the run ended: state, week, date, terms, km², casualties, costs, ..."""
        return self.data.get("outcome")

    @property
    def sides(self) -> List[str]:
        """The two fighting sides' names."""
        return list(self.data["sides"])

    @property
    def side_ids(self) -> List[str]:
        """The two sides' ids (``russia``), as the columns and the CLI name them."""
        if self._side_ids is not None:
            return list(self._side_ids)
        # The outcome's per-side maps are keyed by id (sorted); match each name to its id.
        keys = list(((self.outcome or {}).get("casualties") or {}).keys())
        ids = []
        for name in self.sides:
            match = [k for k in keys if k.lower() == name.lower() or k == _side_id(name)]
            ids.append(match[0] if len(match) == 1 else _side_id(name))
        return ids

    @property
    def weeks(self):
        """One row per week; per-side pairs become ``<field>_<side id>`` columns
        (``casualties_russia``, as ``--runs-out`` and ``rounds`` name them); ``date`` is datetime64."""
        sides = self.side_ids
        rows = []
        for w in self.data["weeks"]:
            row = {}
            for k, v in w.items():
                if isinstance(v, list):
                    for side, x in zip(sides, v):
                        row[f"{k}_{side}"] = x
                else:
                    row[k] = v
            rows.append(row)
        return _frame(rows)

    @property
    def rounds(self):
        """One row per talk round; per-issue maps become ``<field>_<issue>`` columns."""
        rows = []
        for r in self.data["rounds"]:
            row = {}
            for k, v in r.items():
                if k == "decisions":
                    continue
                if isinstance(v, dict) and not _is_date(v):
                    for i, x in v.items():
                        row[f"{k}_{i}"] = x
                else:
                    row[k] = v
            rows.append(row)
        return _frame(rows)

    @property
    def decisions(self):
        """One row per veto player's decision in each round."""
        rows = [
            {"week": r["week"], "date": r["date"], **d} for r in self.data["rounds"] for d in r["decisions"]
        ]
        return _frame(rows, ["week", "date", "actor", "margin", "accepted", "commitment_ok"])

    @property
    def events(self):
        """Scheduled events as they happened."""
        return _frame(self.data["events"], ["week", "date", "kind", "actor", "note"])

    def to_arrow(self) -> Dict[str, Any]:
        """The tables as pyarrow Tables: ``{"weeks", "rounds", "decisions", "events"}``."""
        return {k: _arrow(getattr(self, k)) for k in ("weeks", "rounds", "decisions", "events")}

    def __repr__(self) -> str:
        o = self.outcome or {}
        return f"Trace(seed={self.data['seed']}, outcome={o.get('state')!r} in week {o.get('week')})"


_LINE_COLUMNS = ("mean", "p5", "p10", "p25", "p50", "p75", "p90", "p95")


def run(scenario: ScenarioLike = "ukraine-2025-12", seed: int = 1, sample: Optional[int] = None) -> Trace:
    """Runs the simulation once with ``seed``; the same trace as ``truce run --seed``.

    Each ``[uncertainty]`` parameter takes the median of its distribution; with ``sample=i``
    the run is run ``i`` of ``forecast(..., seed=seed)`` (its parameter draw and its random
    stream), as ``truce run --seed S --sample I``.
    """
    s = _scenario(scenario)
    ids = [str(side["id"]) for side in s._dict.get("sides", [])]
    text = _truce.run_trace(s.label, s.text, int(seed), None if sample is None else int(sample))
    return Trace(text, side_ids=ids or None)


def _side_id(name: str) -> str:
    """A side id guessed from a name when a trace carries no ids: lower case, ``_`` for spaces."""
    return name.strip().lower().replace(" ", "_")


class Forecast:
    """An ensemble forecast's summary (what ``truce forecast --format json`` prints).

    ``summary`` is the dict, ``json`` the exact text; the tables ``events``, ``states``,
    ``at``, ``terms``, ``km2``, ``km2_change``, ``monthly_change``, ``casualties``,
    ``casualties_by_week``, ``range_open`` and ``sensitivity`` are pandas DataFrames built
    from it (``to_arrow()`` for pyarrow). Events by date and states at date do not depend on
    the horizon; ``summary["ceasefire_held_to_horizon"]`` is the one ceasefire figure that does.
    ``summary["collapse_causes"]`` says, per side, what broke it in the runs where it
    collapsed by the horizon (the front past its threshold, its forces or economy below
    their floors, or the collapse hazard before them).
    """

    def __init__(self, json_text: str) -> None:
        """Wraps the pretty JSON text of a forecast summary."""
        self.json: str = json_text
        self.summary: Dict[str, Any] = _json.loads(json_text)

    @property
    def events(self):
        """Events by date: ``week, date`` and, per event (``WAR_EVENTS``), the probability that
        it happened by the end of the week."""
        return _frame(self.summary["events_by_week"], ["week", "date", *WAR_EVENTS])

    @property
    def states(self):
        """States at date: ``week, date`` and, per state (``WAR_STATES``), the share of runs in
        it at the end of the week (each row sums to 1)."""
        return _frame(self.summary["states_by_week"], ["week", "date", *WAR_STATES])

    @property
    def at(self):
        """Events by date and states at 3, 6, 12, 24, 36 months and the horizon:
        ``label, week, date, table ('event' or 'state'), name, p, se``."""
        rows = [
            {"label": r["label"], "week": r["week"], "date": r["date"], "table": table, "name": k, **r[key][k]}
            for r in self.summary["at"]
            for table, key, names in (("event", "events", WAR_EVENTS), ("state", "states", WAR_STATES))
            for k in names
        ]
        return _frame(rows, ["label", "week", "date", "table", "name", "p", "se"])

    @property
    def terms(self):
        """Settlement terms per issue: ``issue, n, mean, p10, p50, p90`` (and the histogram)."""
        rows = [{"issue": k, **v} for k, v in self.summary["terms"].items()]
        return _frame(rows, ["issue", "n", "mean", "p10", "p50", "p90", "histogram"])

    @property
    def km2(self):
        """Km² held by the first side each week: ``week, date, mean, p5, p10, p25, p50, p75, p90, p95``."""
        return _frame(self.summary["km2_quantiles"], ["week", "date", *_LINE_COLUMNS])

    @property
    def km2_change(self):
        """The same as change since the start (km²)."""
        return _frame(self.summary["km2_change_quantiles"], ["week", "date", *_LINE_COLUMNS])

    @property
    def monthly_change(self):
        """Net change of the line over each complete calendar month:
        ``month, from_week, to_week, mean, p10, p50, p90`` (the first month from the start)."""
        return _frame(self.summary["monthly_change"], ["month", "from_week", "to_week", "mean", "p10", "p50", "p90"])

    @property
    def casualties(self):
        """Cumulative casualties per side at the horizon: ``side, mean, p10, p50, p90``."""
        rows = [{"side": k, **v} for k, v in self.summary["casualties"].items()]
        return _frame(rows, ["side", "mean", "p10", "p50", "p90"])

    @property
    def casualties_by_week(self):
        """Cumulative casualties since the start per side and week:
        ``side, week, date, mean, p10, p50, p90``."""
        rows = [{"side": k, **r} for k, v in self.summary["casualties_by_week"].items() for r in v]
        return _frame(rows, ["side", "week", "date", "mean", "p10", "p50", "p90"])

    @property
    def range_open(self):
        """Share of runs at war whose bargaining range was open: ``week, at_war, share_open``."""
        return _frame(self.summary["range_open"], ["week", "at_war", "share_open"])

    @property
    def sensitivity(self):
        """Parameters ranked by rank correlation with the outcomes: ``parameter, strength, <outcome>...``."""
        rows = [{"parameter": x["parameter"], "strength": x["strength"], **x["spearman"]} for x in self.summary["sensitivity"]]
        return _frame(rows)

    @property
    def filter(self) -> Optional[Dict[str, Any]]:
        """For a forecast conditioned on observations (``forecast(..., observations=...)``):
        the particle filter's summary (``as_of``, ``weeks_assimilated``, ``particles``,
        ``observations``, ``loglik``, ``min_ess``, ``failures``, ``method``, ``steps``);
        ``None`` for an unconditioned forecast."""
        return self.summary.get("filter")

    @property
    def selection(self) -> Optional[Dict[str, Any]]:
        """For a scenario whose war began before its start: what selection by survival did
        (``war_began``, ``age_weeks``, ``pool``, ``replicates``, ``survived``, ``draws_kept``,
        ``ess``, ``warning``; docs/forecast-schema.md); ``None`` otherwise."""
        return self.summary.get("selection")

    @property
    def filter_steps(self):
        """Per observed week of a filtered forecast: ``date, week, observations, km2_held,
        km2_sd, loglik, ess, resampled, failed`` (empty for an unconditioned forecast)."""
        rows = [
            {**{k: v for k, v in r.items() if k != "km2_held"},
             "km2_held": r["km2_held"][0] if r.get("km2_held") else None,
             "km2_sd": r["km2_held"][1] if r.get("km2_held") else None}
            for r in (self.filter or {}).get("steps", [])
        ]
        return _frame(rows, ["date", "week", "observations", "km2_held", "km2_sd", "loglik", "ess", "resampled", "failed"])

    def to_arrow(self) -> Dict[str, Any]:
        """Every table as a pyarrow Table, by name."""
        names = (
            "events",
            "states",
            "at",
            "terms",
            "km2",
            "km2_change",
            "monthly_change",
            "casualties",
            "casualties_by_week",
            "range_open",
            "sensitivity",
        )
        return {k: _arrow(getattr(self, k)) for k in names}

    def __eq__(self, other: object) -> bool:
        """Forecasts are equal when their summaries are, byte for byte."""
        return isinstance(other, Forecast) and self.json == other.json

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        s = self.summary
        return f"Forecast({s['scenario']!r}, runs={s['runs']}, seed={s['seed']}, horizon={s['horizon_weeks']} weeks)"


#: The columns of an observations file, in order (``docs/observations.md``).
OBSERVATION_COLUMNS: Tuple[str, ...] = ("date", "quantity", "value", "sd", "source")

ObservationsLike = Union[str, "os.PathLike[str]", Any]


def _observations(obs: ObservationsLike) -> Tuple[str, str]:
    """``(name, csv_text)`` of observations given as a path or a DataFrame with the columns
    :data:`OBSERVATION_COLUMNS` (dates as ``YYYY-MM-DD`` strings or datetimes; a state's
    ``sd`` empty/NaN). The native side parses and validates exactly as the CLI does."""
    if isinstance(obs, (str, os.PathLike)):
        path = os.fspath(obs)
        try:
            with open(path, encoding="utf-8") as fh:
                return path, fh.read()
        except OSError as e:
            raise TruceError(f"{path}: cannot read the observations file: {e}") from None
    if hasattr(obs, "to_csv") and hasattr(obs, "columns"):
        missing = [c for c in OBSERVATION_COLUMNS if c not in list(obs.columns)]
        if missing:
            raise TruceError(
                f"observations: the data frame lacks the column(s) {', '.join(missing)}; "
                f"expected {', '.join(OBSERVATION_COLUMNS)}"
            )
        df = obs[list(OBSERVATION_COLUMNS)].copy()
        if hasattr(df["date"], "dt"):
            df["date"] = df["date"].dt.strftime("%Y-%m-%d")
        return "<observations data frame>", df.to_csv(index=False, lineterminator="\n")
    raise TruceError(
        f"observations: expected a path or a pandas DataFrame with columns {', '.join(OBSERVATION_COLUMNS)}, "
        f"not {type(obs).__name__}"
    )


def forecast(
    scenario: ScenarioLike = "ukraine-2025-12",
    n: int = 100_000,
    seed: int = 1,
    threads: Optional[int] = None,
    horizon: Optional[int] = None,
    observations: Optional[ObservationsLike] = None,
) -> Forecast:
    """Runs an ensemble forecast of ``n`` runs; equal to ``truce forecast -n N --seed S``.

    ``threads`` (default: all cores) does not change the result. ``horizon`` overrides the
    scenario's horizon in weeks. ``observations`` (a path or a DataFrame with the columns
    ``date, quantity, value, sd, source``) conditions the forecast on what has been observed
    since the scenario's start with the particle filter, equal to ``truce forecast
    --observations FILE``: the forecast then starts the week after the last observed week, and
    :attr:`Forecast.filter` reports the filter (ESS, log-likelihood, per-step rows).
    """
    s = _scenario(scenario)
    obs = _observations(observations) if observations is not None else None
    return Forecast(_truce.forecast(s.label, s.text, int(n), int(seed), threads, horizon, obs))


class Calibration:
    """A calibration's result (``truce calibrate``): the calibrated scenario (its priors
    replaced by the posterior as a ``[weighted_sample]``) and what the sampler did.

    ``scenario`` is a :class:`Scenario` (forecast it with :func:`forecast`); ``text`` its
    TOML; ``diagnostics`` the ``--diagnostics`` JSON as a dict; ``generations`` and
    ``parameters`` the same as tables.
    """

    def __init__(self, text: str, diagnostics_json: str, label: str) -> None:
        """Wraps the calibrated TOML and the diagnostics JSON text."""
        self.text: str = text
        self.diagnostics_json: str = diagnostics_json
        self.diagnostics: Dict[str, Any] = _json.loads(diagnostics_json)
        self.scenario: Scenario = Scenario.from_toml(text, label=label)

    @property
    def generations(self):
        """Per generation: ``index, tolerance, ess, acceptance_rate, simulations`` (generation 0
        is the prior's, its tolerance ``None``: infinite)."""
        return _frame(self.diagnostics["generations"], ["index", "tolerance", "ess", "acceptance_rate", "simulations"])

    @property
    def parameters(self):
        """Per calibrated parameter: ``path`` and the prior's and posterior's ``mean, sd, q05,
        q50, q95`` (columns ``prior_mean`` ... ``posterior_q95``)."""
        rows = [
            {"path": p["path"], **{f"{k}_{m}": p[k][m] for k in ("prior", "posterior") for m in ("mean", "sd", "q05", "q50", "q95")}}
            for p in self.diagnostics["parameters"]
        ]
        cols = ["path"] + [f"{k}_{m}" for k in ("prior", "posterior") for m in ("mean", "sd", "q05", "q50", "q95")]
        return _frame(rows, cols)

    def __repr__(self) -> str:
        d = self.diagnostics
        return f"Calibration({d['scenario']!r}, parameters={len(d['parameters'])}, simulations={d['simulations']}, stop={d['stop']!r})"


def calibrate(
    scenario: ScenarioLike,
    observations: ObservationsLike,
    generations: int = 8,
    particles: int = 1000,
    seed: int = 1,
    as_of: Optional[str] = None,
    from_date: Optional[str] = None,
    params: Optional[Sequence[str]] = None,
    max_simulations: int = 2_000_000,
    kernel_scale: float = 2.0,
) -> Calibration:
    """ABC-SMC of the scenario's ``[uncertainty]`` parameters on observations; equal to
    ``truce calibrate SCENARIO --observations OBS`` with the same options (``from_date`` is
    ``--from``; dates ``YYYY-MM-DD``). ``observations`` is a path or a DataFrame as for
    :func:`forecast`. Bit for bit the CLI's calibrated scenario and diagnostics, whatever the
    thread count. See ``docs/calibration.md`` (calibrate the few parameters the series
    informs with ``params``: with many, the importance weights collapse)."""
    s = _scenario(scenario)
    obs = _observations(observations)
    text, diag = _truce.calibrate(
        s.label,
        s.text,
        obs,
        int(generations),
        int(particles),
        int(seed),
        as_of,
        from_date,
        list(params) if params is not None else None,
        int(max_simulations),
        float(kernel_scale),
    )
    return Calibration(text, diag, f"{s.label} (calibrated)")


def forecast_part(
    scenario: ScenarioLike,
    n: int,
    seed: int = 1,
    shard: int = 1,
    shards: int = 1,
    threads: Optional[int] = None,
    horizon: Optional[int] = None,
) -> bytes:
    """Computes shard ``shard`` of ``shards`` (1-based) of an ``n``-run forecast.

    Returns the bytes of a part file, identical to ``truce forecast --shard K/N --out FILE``;
    combine all of them with :func:`merge_parts` (or ``truce merge``).
    """
    s = _scenario(scenario)
    return _truce.forecast_part(s.label, s.text, int(n), int(seed), int(shard), int(shards), threads, horizon)


def merge_parts(parts: Iterable[Union[bytes, Tuple[str, bytes]]]) -> Forecast:
    """Merges the part files of every shard into the single-process forecast, exactly.

    ``parts`` are bytes (named ``part-1``, ...) or ``(name, bytes)`` pairs; names label errors.
    A corrupt part, a missing or repeated shard, or a part of another forecast raises
    :class:`TruceError`.
    """
    named = []
    for i, p in enumerate(parts):
        if isinstance(p, tuple):
            named.append((str(p[0]), bytes(p[1])))
        else:
            named.append((f"part-{i + 1}", bytes(p)))
    return Forecast(_truce.merge_parts(named))


class Solution:
    """A bargaining model's solution (``truce bargain --format json`` data).

    ``positions``: one row per round × issue × actor (``round, issue, actor, position``);
    ``forecasts``: one row per round × issue (``round, issue, forecast, median, mean``);
    ``final``: issue → final forecast; ``notes``; ``data`` (the full dict).
    """

    def __init__(self, json_text: str) -> None:
        """Wraps the JSON text of a solution."""
        self.json: str = json_text
        self.data: Dict[str, Any] = _json.loads(json_text)

    @property
    def model(self) -> str:
        """The model's name."""
        return str(self.data["model"])

    @property
    def notes(self) -> List[str]:
        """What the user must know about how the forecast was made (fallbacks, presets)."""
        return list(self.data["notes"])

    @property
    def positions(self):
        """Positions per round, issue and actor (actors without a stance are left out)."""
        actors = self.data["actors"]
        rows = [
            (r["round"], i["issue"], a, x)
            for i in self.data["issues"]
            for r in i["rounds"]
            for a, x in zip(actors, r["positions"])
            if x is not None
        ]
        return _frame(rows, ["round", "issue", "actor", "position"])

    @property
    def forecasts(self):
        """The forecast, c·s-weighted median and mean per round and issue."""
        rows = [
            (r["round"], i["issue"], r["forecast"], r["median"], r["mean"])
            for i in self.data["issues"]
            for r in i["rounds"]
        ]
        return _frame(rows, ["round", "issue", "forecast", "median", "mean"])

    @property
    def final(self) -> Dict[str, float]:
        """Issue → the final round's forecast."""
        return {i["issue"]: i["rounds"][-1]["forecast"] for i in self.data["issues"]}

    def to_arrow(self) -> Dict[str, Any]:
        """``{"positions", "forecasts"}`` as pyarrow Tables."""
        return {"positions": _arrow(self.positions), "forecasts": _arrow(self.forecasts)}

    def __repr__(self) -> str:
        return f"Solution(model={self.model!r}, final={self.final})"


_LONG = ["actor", "issue", "position", "salience", "capability"]
_BDM = ["actor", "capability", "position", "salience"]


def bargain(
    df: Any,
    model: str = "mean",
    rounds: Optional[int] = None,
    preset: Optional[str] = None,
    seed: int = 0,
    status_quo: Union[None, float, Mapping[str, float]] = None,
    loss: str = "linear",
    params: Optional[Mapping[str, str]] = None,
) -> Solution:
    """Runs a bargaining model on a DataFrame of actors, as ``truce bargain`` does on a file.

    ``df`` has the columns ``actor, issue, position, salience, capability`` (long format: one
    row per actor and issue, positions and saliences 0–100) or ``actor, capability, position,
    salience`` (BDM single issue). The table is validated by the same readers as the CLI's,
    so errors carry the same messages (naming ``<dataframe>`` with the CSV line and column).
    ``status_quo`` is one number for every issue or ``{issue: value}`` (for ``nash``);
    ``params`` are model parameters (``smp``).
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        df = pd.DataFrame(df)
    cols = [str(c).strip().lower() for c in df.columns]
    frame = df.copy()
    frame.columns = cols
    if "issue" in cols:
        want = _LONG
    else:
        want = _BDM
    missing = [c for c in want if c not in cols]
    if missing:
        raise TruceError(
            f"<dataframe>: missing column(s) {', '.join(missing)}; expected {', '.join(_LONG)} (long) or {', '.join(_BDM)} (BDM)"
        )
    csv = frame[want].to_csv(index=False, lineterminator="\n", float_format=None)
    sq = None if status_quo is None else _json.dumps(status_quo if isinstance(status_quo, Mapping) else float(status_quo))
    kv = [(str(k), str(v)) for k, v in (params or {}).items()]
    return Solution(_truce.bargain("<dataframe>", csv, model, rounds, preset, int(seed), sq, loss, kv))


class BacktestResult:
    """The DEU backtest: ``summary`` (model → n, mae, rmse, median_ae, as ``--format json``),
    ``issues`` (one row per issue with every model's forecast and error) and ``notes``."""

    def __init__(self, json_text: str) -> None:
        """Wraps the JSON text of a backtest report."""
        self.data: Dict[str, Any] = _json.loads(json_text)
        self.models: List[str] = list(self.data["models"])
        self.summary: Dict[str, Dict[str, float]] = {m: dict(s) for m, s in zip(self.models, self.data["summaries"])}
        self.notes: Dict[str, int] = {n: c for n, c in self.data["notes"]}

    @property
    def issues(self):
        """Per issue: ``proposal, issue, outcome`` and one forecast column per model."""
        rows = []
        for i in self.data["issues"]:
            row = {"proposal": i["group"], "issue": i["issue"], "outcome": i["outcome"]}
            row.update(zip(self.models, i["forecasts"]))
            rows.append(row)
        return _frame(rows, ["proposal", "issue", "outcome", *self.models])

    @property
    def table(self):
        """The summary as a DataFrame: ``model, n, mae, rmse, median_ae``."""
        return _frame([{"model": m, **s} for m, s in self.summary.items()], ["model", "n", "mae", "rmse", "median_ae"])

    def __repr__(self) -> str:
        return "BacktestResult(" + ", ".join(f"{m}: MAE {s['mae']:.2f}" for m, s in self.summary.items()) + ")"


def backtest_deu(
    path: Union[str, "os.PathLike[str]"],
    models: Union[str, Sequence[str]] = ("mean", "unweighted-mean", "median", "nash", "bdm", "smp", "exchange"),
    capability: str = "equal",
    seed: int = 0,
) -> BacktestResult:
    """Scores models against the outcomes in a DEU III file, as ``truce backtest deu`` does.

    ``models``: names (or a comma-separated string); also ``rp``, ``nash-quadratic``,
    ``bdm-scholz``. ``capability``: ``"equal"`` or ``"council"``.
    """
    if isinstance(models, str):
        models = models.split(",")
    return BacktestResult(_truce.backtest_deu(os.fspath(path), list(models), capability, int(seed)))
