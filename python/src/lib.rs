//! `truce._truce`: the native core of the Python package.
//!
//! Thin by design, like the CLI: it converts, calls the libraries and returns. Structured
//! results cross the boundary as JSON text (the same serde serialisation the CLI prints) and
//! the Python layer turns them into dicts and DataFrames. Long work runs with the GIL released.

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use truce_bargain::backtest::run_backtest;
use truce_bargain::nash::Loss;
use truce_bargain::registry::{self, ModelConfig};
use truce_bargain::{ActorTable, SolveContext};
use truce_engine::builtin;
use truce_engine::load::{load_str, Loaded};
use truce_forecast::ensemble::{fingerprint, run_forecast, ForecastOptions};
use truce_forecast::part::Part;
use truce_forecast::summary::summarise;

create_exception!(truce, TruceError, PyValueError, "An error of truce: bad input, a refused part file, ...");
create_exception!(truce, ScenarioError, TruceError, "A scenario that does not parse or validate.");

/// Never set: the Python API has no Ctrl-C cancellation of a forecast.
static NEVER: AtomicBool = AtomicBool::new(false);

fn err(msg: impl ToString) -> PyErr {
    TruceError::new_err(msg.to_string())
}

fn json<T: serde::Serialize>(v: &T) -> PyResult<String> {
    serde_json::to_string(v).map_err(err)
}

fn load(label: &str, text: &str) -> PyResult<Loaded> {
    load_str(label, text).map_err(|e| ScenarioError::new_err(e.to_string()))
}

/// Built-in scenarios as `(name, description)` pairs.
#[pyfunction]
fn builtin_scenarios() -> Vec<(String, String)> {
    builtin::BUILTIN.iter().map(|b| (b.0.to_string(), b.1.to_string())).collect()
}

/// Resolves a path or a built-in name, as the CLI does: returns `(label, text)` where
/// `label` names the source in messages (`path` or `<built-in NAME>`).
#[pyfunction]
fn scenario_source(name: &str) -> PyResult<(String, String)> {
    let path = Path::new(name);
    if path.exists() {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ScenarioError::new_err(format!("{}: cannot read the file: {e}", path.display())))?;
        return Ok((path.display().to_string(), text));
    }
    match builtin::builtin(name) {
        Some(text) => Ok((format!("<built-in {name}>"), text.to_string())),
        None => Err(ScenarioError::new_err(format!(
            "unknown scenario `{name}`: no such file, and not a built-in scenario ({})",
            builtin::names().join(", ")
        ))),
    }
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

/// One traced run (`truce run --format json`) as JSON.
#[pyfunction]
fn run_trace(py: Python<'_>, label: &str, text: &str, seed: u64) -> PyResult<String> {
    let loaded = load(label, text)?;
    let trace = py.detach(|| truce_engine::trace::run_traced(&loaded.params, seed));
    json(&trace)
}

fn pool(threads: Option<usize>) -> PyResult<rayon::ThreadPool> {
    if threads == Some(0) {
        return Err(err("threads must be at least 1"));
    }
    rayon::ThreadPoolBuilder::new().num_threads(threads.unwrap_or(0)).build().map_err(err)
}

/// Runs a forecast or a shard of one; mirrors `truce forecast` (the fingerprint is taken from
/// the scenario text, the seed and the horizon).
#[allow(clippy::too_many_arguments)]
fn forecast_part_inner(
    py: Python<'_>,
    label: &str,
    text: &str,
    runs: u64,
    seed: u64,
    threads: Option<usize>,
    horizon: Option<u32>,
    shard: Option<(u64, u64)>,
) -> PyResult<Part> {
    if runs == 0 {
        return Err(err("n (runs) must be at least 1"));
    }
    let mut loaded = load(label, text)?;
    if let Some(h) = horizon {
        if h == 0 {
            return Err(err("horizon must be at least 1 week"));
        }
        loaded.params.horizon = h;
    }
    let fp = fingerprint(text, seed, loaded.params.horizon);
    let (k, n) = shard.unwrap_or((1, 1));
    if k == 0 || n == 0 || k > n {
        return Err(err(format!("shard {k}/{n}: expected K/N with 1 ≤ K ≤ N")));
    }
    if n > runs {
        return Err(err(format!("{n} shards for {runs} runs; use at most as many shards as runs")));
    }
    let (first_run, len) = truce_forecast::part::shard_range(k, n, runs);
    let pool = pool(threads)?;
    let opts = ForecastOptions { seed, first_run, runs: len, chunk: 16_384 };
    let run = py.detach(|| pool.install(|| run_forecast(&loaded, &fp, &opts, &|_| {}, &NEVER, None))).map_err(err)?;
    Ok(Part {
        shard: k,
        shards: n,
        total_runs: runs,
        first_run,
        runs: len,
        start: loaded.params.start,
        scenario_text: text.to_string(),
        aggregate: run.aggregate,
    })
}

/// A whole forecast: the summary as pretty JSON, byte for byte what
/// `truce forecast --format json --quiet` prints (without its final newline).
#[pyfunction]
#[pyo3(signature = (label, text, runs, seed, threads=None, horizon=None))]
fn forecast(
    py: Python<'_>,
    label: &str,
    text: &str,
    runs: u64,
    seed: u64,
    threads: Option<usize>,
    horizon: Option<u32>,
) -> PyResult<String> {
    let part = forecast_part_inner(py, label, text, runs, seed, threads, horizon, None)?;
    let summary = summarise(&part.aggregate, part.start, false);
    serde_json::to_string_pretty(&summary).map_err(err)
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
    let part = forecast_part_inner(py, label, text, runs, seed, threads, horizon, Some((shard, shards)))?;
    let bytes = py.detach(|| truce_forecast::part::encode(&part));
    Ok(PyBytes::new(py, &bytes))
}

/// Merges part files given as `(name, bytes)`; returns the summary as pretty JSON (what
/// `truce merge --format json` prints, without its final newline).
#[pyfunction]
fn merge_parts(py: Python<'_>, parts: Vec<(String, Vec<u8>)>) -> PyResult<String> {
    py.detach(|| {
        let mut decoded = Vec::with_capacity(parts.len());
        for (name, bytes) in &parts {
            decoded.push((name.clone(), truce_forecast::part::decode(name, bytes)?));
        }
        let (_, summary) = truce_forecast::part::merge_parts(&decoded)?;
        serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())
    })
    .map_err(err)
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
    let sol = py.detach(|| m.solve(&file.table, &SolveContext { rounds, seed })).map_err(err)?;
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
    let file = truce_io::deu::read_deu(Path::new(path)).map_err(err)?;
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
    m.add_function(wrap_pyfunction!(scenario_source, m)?)?;
    m.add_function(wrap_pyfunction!(scenario_json, m)?)?;
    m.add_function(wrap_pyfunction!(json_to_toml, m)?)?;
    m.add_function(wrap_pyfunction!(run_trace, m)?)?;
    m.add_function(wrap_pyfunction!(forecast, m)?)?;
    m.add_function(wrap_pyfunction!(forecast_part, m)?)?;
    m.add_function(wrap_pyfunction!(merge_parts, m)?)?;
    m.add_function(wrap_pyfunction!(bargain, m)?)?;
    m.add_function(wrap_pyfunction!(models, m)?)?;
    m.add_function(wrap_pyfunction!(backtest_deu, m)?)?;
    Ok(())
}
