//! `truce._truce`: the native core of the Python package.
//!
//! Thin by design, like the CLI: it converts, calls the libraries and returns. A forecast is a
//! [`ForecastJob`] (the same job the CLI and the page run), so its results are the CLI's byte
//! for byte. Structured results cross the boundary as JSON text (the same serde serialisation
//! the CLI prints) and the Python layer turns them into dicts and DataFrames. Long work runs
//! with the GIL released.

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::path::Path;
use truce_bargain::backtest::run_backtest;
use truce_bargain::nash::Loss;
use truce_bargain::registry::{self, ModelConfig};
use truce_bargain::{ActorTable, SolveContext};
use truce_engine::builtin;
use truce_engine::load::{load_str, Loaded};
use truce_engine::outcome::{WarEvent, WarState};
use truce_forecast::job::{self, ForecastJob, Hooks, JobError, JobOption, JobOutput, Shard, Source};

create_exception!(truce, TruceError, PyValueError, "An error of truce: bad input, a refused part file, ...");
create_exception!(truce, ScenarioError, TruceError, "A scenario that does not parse or validate.");

fn err(msg: impl ToString) -> PyErr {
    TruceError::new_err(msg.to_string())
}

fn json<T: serde::Serialize>(v: &T) -> PyResult<String> {
    serde_json::to_string(v).map_err(err)
}

/// A job error as a Python exception: `ScenarioError` for the scenario's, `TruceError` for
/// the rest; options are named as the Python arguments (`n`, `horizon`, ...).
fn job_err(e: JobError) -> PyErr {
    let name = |o: JobOption| match o {
        JobOption::Runs => "n",
        o => o.name(),
    };
    if e.is_scenario_error() {
        ScenarioError::new_err(e.describe(name))
    } else {
        TruceError::new_err(e.describe(name))
    }
}

fn load(label: &str, text: &str) -> PyResult<Loaded> {
    load_str(label, text).map_err(|e| ScenarioError::new_err(e.to_string()))
}

/// Built-in scenarios as `(name, description)` pairs.
#[pyfunction]
fn builtin_scenarios() -> Vec<(String, String)> {
    builtin::BUILTIN.iter().map(|b| (b.0.to_string(), b.1.to_string())).collect()
}

/// The war states' JSON names, in reporting order (the engine's one list): the state of a war
/// at a date, and how a run ended.
#[pyfunction]
fn war_states() -> Vec<&'static str> {
    WarState::ALL.iter().map(|k| k.name()).collect()
}

/// The events' JSON names, in reporting order (the engine's one list): what is reported by
/// date.
#[pyfunction]
fn war_events() -> Vec<&'static str> {
    WarEvent::ALL.iter().map(|e| e.name()).collect()
}

/// Resolves a path or a built-in name with the job's resolver (the CLI's): returns
/// `(label, text)` where `label` names the source in messages (`path` or `<built-in NAME>`).
#[pyfunction]
fn scenario_source(name: &str) -> PyResult<(String, String)> {
    Source::Named(name.to_string()).read().map_err(job_err)
}

/// Parses and validates scenario text; raises `ScenarioError` with the CLI's message.
/// Returns the scenario as JSON (the same structure as the TOML).
#[pyfunction]
fn scenario_json(label: &str, text: &str) -> PyResult<String> {
    json(&load(label, text)?.scenario)
}

/// Drops `null`s (TOML has none; an absent key is the same thing for the scenario).
fn strip_nulls(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, strip_nulls(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(strip_nulls).collect()),
        x => x,
    }
}

/// Converts a scenario given as JSON (a dict) to TOML text. Validation is left to loading.
#[pyfunction]
fn json_to_toml(json_text: &str) -> PyResult<String> {
    let v: serde_json::Value = serde_json::from_str(json_text).map_err(err)?;
    if !v.is_object() {
        return Err(ScenarioError::new_err("a scenario must be a dict (a TOML table)"));
    }
    toml::to_string_pretty(&strip_nulls(v)).map_err(|e| ScenarioError::new_err(format!("<dict>: {e}")))
}

/// One traced run (`truce run --format json [--sample I]`) as JSON: sampled parameters at
/// their medians, or run `sample` of the forecast's draws.
#[pyfunction]
#[pyo3(signature = (label, text, seed, sample=None))]
fn run_trace(py: Python<'_>, label: &str, text: &str, seed: u64, sample: Option<u64>) -> PyResult<String> {
    use truce_forecast::job::RunParams;
    let loaded = load(label, text)?;
    let which = sample.map_or(RunParams::Median, RunParams::Sample);
    let trace = py.detach(|| truce_forecast::job::run_trace(&loaded, seed, which)).map_err(|e| job_err(e.into()))?;
    json(&trace)
}

/// Observations to condition a forecast on: `(name, text)` of an observations file
/// (`docs/observations.md`); the name labels errors as a path would.
type ObservationsText = (String, String);

/// Runs the forecast job on scenario text with the GIL released; with observations, the
/// particle filter's forecast (`truce forecast --observations`).
#[allow(clippy::too_many_arguments)]
fn run_job(
    py: Python<'_>,
    label: &str,
    text: &str,
    runs: u64,
    seed: u64,
    threads: Option<usize>,
    horizon: Option<u32>,
    shard: Option<Shard>,
    observations: Option<ObservationsText>,
) -> PyResult<JobOutput> {
    let mut job = ForecastJob {
        horizon,
        shard,
        threads,
        ..ForecastJob::new(Source::Text { label: label.to_string(), text: text.to_string() }, runs, seed)
    };
    if let Some((name, csv)) = observations {
        let (sides, rule) = job.observation_frame().map_err(job_err)?;
        job.observations =
            Some(truce_io::observations::observations_from_text(Path::new(&name), &csv, &sides, rule).map_err(err)?);
    }
    let prepared = job.prepare().map_err(job_err)?;
    py.detach(|| prepared.run(Hooks::none())).map_err(job_err)
}

/// A whole forecast: the summary as pretty JSON, byte for byte what
/// `truce forecast --format json --quiet [--observations FILE]` prints (without its final
/// newline); `observations` is `(name, csv_text)`.
#[pyfunction]
#[pyo3(signature = (label, text, runs, seed, threads=None, horizon=None, observations=None))]
#[allow(clippy::too_many_arguments)]
fn forecast(
    py: Python<'_>,
    label: &str,
    text: &str,
    runs: u64,
    seed: u64,
    threads: Option<usize>,
    horizon: Option<u32>,
    observations: Option<ObservationsText>,
) -> PyResult<String> {
    match run_job(py, label, text, runs, seed, threads, horizon, None, observations)? {
        JobOutput::Forecast(f) => serde_json::to_string_pretty(&f.summary).map_err(err),
        JobOutput::Part(_) => Err(err("internal error: a whole forecast returned a part")),
    }
}

/// Shard `shard` of `shards` of a forecast: the bytes of a part file, as written by
/// `truce forecast --shard K/N --out FILE`.
#[pyfunction]
#[pyo3(signature = (label, text, runs, seed, shard, shards, threads=None, horizon=None))]
#[allow(clippy::too_many_arguments)]
fn forecast_part<'py>(
    py: Python<'py>,
    label: &str,
    text: &str,
    runs: u64,
    seed: u64,
    shard: u64,
    shards: u64,
    threads: Option<usize>,
    horizon: Option<u32>,
) -> PyResult<Bound<'py, PyBytes>> {
    let shard = Some(Shard { k: shard, n: shards });
    match run_job(py, label, text, runs, seed, threads, horizon, shard, None)? {
        JobOutput::Part(part) => Ok(PyBytes::new(py, &py.detach(|| truce_forecast::part::encode(&part)))),
        JobOutput::Forecast(_) => Err(err("internal error: a shard returned a whole forecast")),
    }
}

/// `truce calibrate`: ABC-SMC of the scenario's `[uncertainty]` parameters on observations
/// `(name, csv_text)` (validated as the CLI validates them). Returns `(calibrated scenario
/// TOML, diagnostics JSON)`, byte for byte what `truce calibrate --out --diagnostics` writes.
#[pyfunction]
#[pyo3(signature = (label, text, observations, generations, particles, seed, as_of=None, from_date=None, params=None, max_simulations=2_000_000, kernel_scale=2.0))]
#[allow(clippy::too_many_arguments)]
fn calibrate(
    py: Python<'_>,
    label: &str,
    text: &str,
    observations: ObservationsText,
    generations: usize,
    particles: usize,
    seed: u64,
    as_of: Option<&str>,
    from_date: Option<&str>,
    params: Option<Vec<String>>,
    max_simulations: u64,
    kernel_scale: f64,
) -> PyResult<(String, String)> {
    use truce_engine::calendar::CivilDate;
    use truce_forecast::calibration::{calibrate, CalibrateOptions};
    let date = |name: &str, s: Option<&str>| {
        s.map(|s| CivilDate::parse(s.trim()).map_err(|e| err(format!("{name}: {e}")))).transpose()
    };
    let opts = CalibrateOptions {
        particles,
        generations,
        seed,
        as_of: date("as_of", as_of)?,
        from: date("from_date", from_date)?,
        params,
        max_simulations,
        kernel_scale,
    };
    let job = ForecastJob::new(Source::Text { label: label.to_string(), text: text.to_string() }, 1, seed);
    let (sides, rule) = job.observation_frame().map_err(job_err)?;
    let (name, csv) = observations;
    let obs = truce_io::observations::observations_from_text(Path::new(&name), &csv, &sides, rule).map_err(err)?;
    let c = py.detach(|| calibrate(label, text, &obs, &opts, &|_| {})).map_err(err)?;
    Ok((c.text, serde_json::to_string_pretty(&c.diagnostics).map_err(err)?))
}

/// Merges part files given as `(name, bytes)`; returns the summary as pretty JSON (what
/// `truce merge --format json` prints, without its final newline).
#[pyfunction]
fn merge_parts(py: Python<'_>, parts: Vec<(String, Vec<u8>)>) -> PyResult<String> {
    let merged = py.detach(|| job::merge(&parts)).map_err(job_err)?;
    serde_json::to_string_pretty(&merged.summary).map_err(err)
}

/// Status quo from JSON: a number for every issue, or `{issue: value}`.
fn status_quo(raw: Option<&str>, table: &ActorTable) -> PyResult<Vec<Option<f64>>> {
    let Some(raw) = raw else { return Ok(Vec::new()) };
    let v: serde_json::Value = serde_json::from_str(raw).map_err(err)?;
    let n = table.n_issues();
    let num = |x: &serde_json::Value| {
        x.as_f64().filter(|v| v.is_finite()).ok_or_else(|| err(format!("status_quo: `{x}` is not a finite number")))
    };
    match &v {
        serde_json::Value::Object(m) => {
            let mut out = vec![None; n];
            for (k, x) in m {
                let idx = table.issues().iter().position(|i| i.name == *k).ok_or_else(|| {
                    let names: Vec<&str> = table.issues().iter().map(|i| i.name.as_str()).collect();
                    err(format!("status_quo: unknown issue `{k}`; the issues are: {}", names.join(", ")))
                })?;
                out[idx] = Some(num(x)?);
            }
            Ok(out)
        }
        x => Ok(vec![Some(num(x)?); n]),
    }
}

/// Runs a bargaining model on a table given as CSV text (any format `truce bargain` reads).
/// Returns the `Solution` as JSON.
#[pyfunction]
#[pyo3(signature = (name, csv, model, rounds=None, preset=None, seed=0, status_quo_json=None, loss="linear", params=Vec::new()))]
#[allow(clippy::too_many_arguments)]
fn bargain(
    py: Python<'_>,
    name: &str,
    csv: &str,
    model: &str,
    rounds: Option<usize>,
    preset: Option<String>,
    seed: u64,
    status_quo_json: Option<&str>,
    loss: &str,
    params: Vec<(String, String)>,
) -> PyResult<String> {
    let file = truce_io::table::parse_table(Path::new(name), csv).map_err(err)?;
    if rounds == Some(0) {
        return Err(err("rounds must be at least 1"));
    }
    let loss = match loss {
        "linear" => Loss::Linear,
        "quadratic" => Loss::Quadratic,
        _ => return Err(err(format!("loss `{loss}`: expected `linear` or `quadratic`"))),
    };
    let cfg = ModelConfig { preset, status_quo: status_quo(status_quo_json, &file.table)?, loss, params };
    let m = registry::build(model, &cfg).map_err(err)?;
    // A model error about an actor points at that actor's row, as the CLI's does.
    let sol = py
        .detach(|| m.solve(&file.table, &SolveContext { rounds, seed }))
        .map_err(|e| file.locate(Path::new(name), &e).map_or_else(|| err(e.to_string()), err))?;
    json(&sol)
}

/// Models by name with a description each.
#[pyfunction]
fn models() -> Vec<(String, String)> {
    registry::MODELS.iter().map(|m| (m.0.to_string(), m.1.to_string())).collect()
}

/// The DEU III backtest (`truce backtest deu`); returns the `BacktestReport` as JSON.
#[pyfunction]
#[pyo3(signature = (path, models, capability="equal", seed=0))]
fn backtest_deu(py: Python<'_>, path: &str, models: Vec<String>, capability: &str, seed: u64) -> PyResult<String> {
    let cap = match capability {
        "equal" => truce_io::deu::Capability::Equal,
        "council" => truce_io::deu::Capability::Council,
        _ => return Err(err(format!("capability `{capability}`: expected `equal` or `council`"))),
    };
    let file = truce_io::deu::read_deu_or_shipped(Path::new(path)).map_err(err)?;
    let issues = truce_io::deu::observed_issues(&file, cap);
    if issues.is_empty() {
        return Err(err(format!(
            "{path}: no scoreable issue (an outcome and at least 3 actors with position and salience)"
        )));
    }
    let mut ms = Vec::new();
    for m in models.iter().map(|m| m.trim()).filter(|m| !m.is_empty()) {
        ms.push((m.to_string(), registry::backtest_model(m).map_err(|e| err(format!("models: {e}")))?));
    }
    if ms.is_empty() {
        return Err(err("models: give at least one model"));
    }
    let report = py.detach(|| run_backtest(&issues, &ms, &SolveContext { rounds: None, seed })).map_err(err)?;
    json(&report)
}

/// The extension module.
#[pymodule]
fn _truce(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("TruceError", m.py().get_type::<TruceError>())?;
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(builtin_scenarios, m)?)?;
    m.add_function(wrap_pyfunction!(war_states, m)?)?;
    m.add_function(wrap_pyfunction!(war_events, m)?)?;
    m.add_function(wrap_pyfunction!(scenario_source, m)?)?;
    m.add_function(wrap_pyfunction!(scenario_json, m)?)?;
    m.add_function(wrap_pyfunction!(json_to_toml, m)?)?;
    m.add_function(wrap_pyfunction!(run_trace, m)?)?;
    m.add_function(wrap_pyfunction!(forecast, m)?)?;
    m.add_function(wrap_pyfunction!(forecast_part, m)?)?;
    m.add_function(wrap_pyfunction!(merge_parts, m)?)?;
    m.add_function(wrap_pyfunction!(calibrate, m)?)?;
    m.add_function(wrap_pyfunction!(bargain, m)?)?;
    m.add_function(wrap_pyfunction!(models, m)?)?;
    m.add_function(wrap_pyfunction!(backtest_deu, m)?)?;
    Ok(())
}
