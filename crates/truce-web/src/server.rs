//! `truce serve`: a page to edit a scenario, run forecasts with live progress, compare two
//! configurations on the same seed, and download the results; and the JSON API behind it.
//!
//! Every request is validated; errors come back as `{"error": "..."}` with a 4xx status and
//! the scenario messages of the CLI. A request is translated into a
//! [`truce_forecast::job::ForecastJob`] (a built-in name or uploaded text, edits, `n`, `seed`,
//! `horizon`) and the job's result is rendered: the page defines no forecast of its own.
//! Forecasts run on one rayon pool off the async runtime. The server never reads a file
//! named by a request (built-in scenarios and uploaded text only).

use crate::charts::{forecast_charts, run_charts, Chart};
use crate::edit::editor;
use crate::export::{summary_csv, TABLES};
use crate::report::{forecast_report, ReportMeta, ECHARTS_JS, VERSION};
use axum::body::{to_bytes, Body};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use truce_engine::builtin;
use truce_engine::load::Loaded;
use truce_forecast::job::{ForecastJob, Hooks, JobError, JobOption, JobOutput, LoadedSource, Prepared, Source};
use truce_forecast::summary::Summary;

/// The page, its script and its stylesheet.
const PAGE_HTML: &str = include_str!("../assets/page.html");
const APP_JS: &str = include_str!("../assets/app.js");

/// Limits and settings of a server.
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest number of runs one forecast may ask for.
    pub max_runs: u64,
    /// Forecasts that may run at the same time.
    pub max_jobs: usize,
    /// Largest scenario upload (bytes).
    pub max_upload: usize,
    /// Longest horizon (weeks) a forecast or run may ask for: memory grows with it.
    pub max_horizon_weeks: u32,
    /// Worker threads of the forecast pool (0: all cores).
    pub threads: usize,
    /// Finished jobs kept for download.
    pub keep_jobs: usize,
    /// The date and time shown in downloaded reports (the library does not read the clock).
    pub now: fn() -> String,
}

fn no_clock() -> String {
    "unknown".into()
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_runs: 200_000,
            max_jobs: 2,
            max_upload: 256 * 1024,
            max_horizon_weeks: 520,
            threads: 0,
            keep_jobs: 64,
            now: no_clock,
        }
    }
}

enum JobState {
    Running,
    Done(Arc<Summary>),
    Failed(String),
}

struct Job {
    id: u64,
    label: String,
    seed: u64,
    total: u64,
    done: AtomicU64,
    cancel: AtomicBool,
    state: Mutex<JobState>,
    /// The forecast job: its scenario (for rendering and download) and how to run it.
    prepared: Prepared,
}

/// Shared state of the server.
pub struct AppState {
    cfg: Config,
    jobs: Mutex<HashMap<u64, Arc<Job>>>,
    next_id: AtomicU64,
    running: AtomicUsize,
    pool: rayon::ThreadPool,
}

/// An API error: a status and a message, returned as `{"error": message}`.
#[derive(Debug)]
pub struct ApiError(pub StatusCode, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1, "status": self.0.as_u16() }))).into_response()
    }
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, msg.into())
}

/// How the page names a job's options in messages: as the request fields.
fn field(o: JobOption) -> &'static str {
    match o {
        JobOption::Runs => "n",
        o => o.name(),
    }
}

impl From<JobError> for ApiError {
    fn from(e: JobError) -> Self {
        let status = match &e {
            JobError::Invalid { .. } => StatusCode::BAD_REQUEST,
            JobError::UnknownScenario(_) => StatusCode::NOT_FOUND,
            e if e.is_scenario_error() => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError(status, e.describe(field))
    }
}

type ApiResult = Result<Response, ApiError>;

/// Builds the application (routes and state). Fails only if the thread pool cannot start.
pub fn app(cfg: Config) -> Result<Router, String> {
    app_with_state(cfg).map(|(r, _)| r)
}

fn app_with_state(cfg: Config) -> Result<(Router, Arc<AppState>), String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads)
        .thread_name(|i| format!("truce-forecast-{i}"))
        .build()
        .map_err(|e| format!("cannot start the forecast threads: {e}"))?;
    let state = Arc::new(AppState {
        cfg,
        jobs: Mutex::new(HashMap::new()),
        next_id: AtomicU64::new(1),
        running: AtomicUsize::new(0),
        pool,
    });
    let router = Router::new()
        .route("/", get(index))
        .route("/assets/echarts.min.js", get(|| async { js(ECHARTS_JS) }))
        .route("/assets/app.js", get(|| async { js(APP_JS) }))
        .route("/api/info", get(info))
        .route("/api/scenarios", get(list_scenarios))
        .route("/api/scenarios/{name}", get(get_scenario))
        .route("/api/scenario", post(post_scenario))
        .route("/api/upload", post(upload))
        .route("/api/forecast", post(start_forecast))
        .route("/api/compare", post(start_compare))
        .route("/api/run", post(single_run))
        .route("/api/jobs", get(list_jobs))
        .route("/api/jobs/{id}", get(job_status))
        .route("/api/jobs/{id}/cancel", post(cancel_job))
        .route("/api/jobs/{id}/result", get(job_result))
        .route("/api/jobs/{id}/summary.json", get(job_json))
        .route("/api/jobs/{id}/csv", get(job_csv))
        .route("/api/jobs/{id}/scenario.toml", get(job_toml))
        .route("/api/jobs/{id}/report.html", get(job_report))
        .fallback(|| async { ApiError(StatusCode::NOT_FOUND, "no such page or endpoint".into()) })
        .method_not_allowed_fallback(|| async {
            ApiError(StatusCode::METHOD_NOT_ALLOWED, "this endpoint does not take that method".into())
        })
        .with_state(state.clone());
    Ok((router, state))
}

/// Binds `host:port` (port 0: any free port), prints `listening on http://HOST:PORT` and
/// serves until Ctrl-C.
pub async fn serve(host: &str, port: u16, cfg: Config) -> Result<(), String> {
    let (router, state) = app_with_state(cfg)?;
    let listener = tokio::net::TcpListener::bind((host, port))
        .await
        .map_err(|e| format!("cannot listen on {host}:{port}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("listening on http://{addr}");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            let _ = tokio::signal::ctrl_c().await;
            // Stop the forecasts in progress (after their current chunk), so that the
            // process exits promptly.
            for j in state.jobs.lock().unwrap_or_else(|e| e.into_inner()).values() {
                j.cancel.store(true, Ordering::SeqCst);
            }
        })
        .await
        .map_err(|e| e.to_string())
}

fn js(s: &'static str) -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], s).into_response()
}

async fn index() -> Response {
    let html = PAGE_HTML.replace("/*TRUCE_CSS*/", crate::report::CSS).replace("TRUCE_VERSION", VERSION);
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

async fn info(State(st): State<Arc<AppState>>) -> Json<Value> {
    Json(json!({
        "version": VERSION,
        "max_runs": st.cfg.max_runs,
        "max_jobs": st.cfg.max_jobs,
        "max_upload": st.cfg.max_upload,
        "max_horizon_weeks": st.cfg.max_horizon_weeks,
        "running": st.running.load(Ordering::SeqCst),
        "csv_tables": TABLES,
        "default_scenario": builtin::DEFAULT,
    }))
}

async fn list_scenarios() -> Json<Value> {
    let v: Vec<Value> = builtin::BUILTIN
        .iter()
        .map(|(n, d, _)| json!({"name": n, "description": d, "default": *n == builtin::DEFAULT}))
        .collect();
    Json(json!(v))
}

fn scenario_json(l: &Loaded, toml: &str, file: &str) -> Value {
    json!({
        "name": l.scenario.scenario.name,
        "title": l.scenario.scenario.title,
        "file": file,
        "check": format!(
            "{file}: ok — {} issues, {} actors, {} events, {} uncertain parameters, horizon {} weeks",
            l.params.n_issues(), l.params.n_actors(), l.params.events.len(), l.scenario.uncertainty.len(), l.params.horizon
        ),
        "toml": toml,
        "editor": editor(l),
    })
}

async fn get_scenario(p: Result<Path<String>, PathRejection>) -> ApiResult {
    let Path(name) = p.map_err(|e| bad(e.body_text()))?;
    let s = Source::Builtin(name).load()?;
    Ok(Json(scenario_json(&s.loaded, &s.text, &s.label)).into_response())
}

/// A configuration: a base scenario (built-in name or uploaded text) and edits: the scenario
/// part of a forecast job.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    /// Built-in scenario name (ignored when `toml` is given).
    #[serde(default)]
    scenario: Option<String>,
    /// Scenario text.
    #[serde(default)]
    toml: Option<String>,
    /// The uploaded file's name, for messages.
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    edits: BTreeMap<String, f64>,
    #[serde(default)]
    label: Option<String>,
}

fn clean_name(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_control()).take(120).collect();
    if s.is_empty() {
        "upload.toml".into()
    } else {
        s
    }
}

impl AppState {
    /// The job's scenario source: the uploaded text (within the upload cap) or a built-in
    /// scenario (the default if none is named); never a file.
    fn source(&self, spec: &Spec) -> Result<Source, ApiError> {
        match (&spec.toml, &spec.scenario) {
            (Some(t), _) => {
                if t.len() > self.cfg.max_upload {
                    return Err(too_big(self.cfg.max_upload));
                }
                Ok(Source::Text { label: clean_name(spec.file.as_deref().unwrap_or("upload.toml")), text: t.clone() })
            }
            (None, name) => Ok(Source::Builtin(name.clone().unwrap_or_else(|| builtin::DEFAULT.to_string()))),
        }
    }
}

fn too_big(limit: usize) -> ApiError {
    ApiError(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the upload is larger than this server's limit of {} KiB", limit / 1024),
    )
}

async fn read_body(body: Body, limit: usize) -> Result<Vec<u8>, ApiError> {
    to_bytes(body, limit).await.map(|b| b.to_vec()).map_err(|_| too_big(limit))
}

async fn read_json<T: serde::de::DeserializeOwned>(st: &AppState, body: Body) -> Result<T, ApiError> {
    let bytes = read_body(body, st.cfg.max_upload * 2 + 16 * 1024).await?;
    serde_json::from_slice(&bytes).map_err(|e| bad(format!("invalid JSON request: {e}")))
}

async fn post_scenario(State(st): State<Arc<AppState>>, body: Body) -> ApiResult {
    let spec: Spec = read_json(&st, body).await?;
    let s = st.source(&spec)?.load_edited(&spec.edits)?;
    Ok(Json(scenario_json(&s.loaded, &s.text, &s.label)).into_response())
}

#[derive(Deserialize)]
struct UploadQuery {
    #[serde(default)]
    name: Option<String>,
}

async fn upload(
    State(st): State<Arc<AppState>>,
    q: Result<Query<UploadQuery>, QueryRejection>,
    body: Body,
) -> ApiResult {
    let Query(q) = q.map_err(|e| bad(e.body_text()))?;
    let bytes = read_body(body, st.cfg.max_upload).await?;
    let text = String::from_utf8(bytes).map_err(|_| bad("the upload is not UTF-8 text; a scenario is a TOML file"))?;
    let label = clean_name(q.name.as_deref().unwrap_or("upload.toml"));
    let LoadedSource { label, text, loaded } = Source::Text { label, text }.load()?;
    Ok(Json(scenario_json(&loaded, &text, &label)).into_response())
}

/// A forecast (or one run): a configuration and the run options `n`, `seed` and `horizon`
/// (weeks; the scenario's when absent).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ForecastReq {
    #[serde(flatten)]
    spec: Spec,
    #[serde(default = "default_n")]
    n: u64,
    #[serde(default = "one")]
    seed: u64,
    #[serde(default)]
    horizon: Option<u32>,
}

/// Two configurations on the same run options.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompareReq {
    a: Spec,
    b: Spec,
    #[serde(default = "default_n")]
    n: u64,
    #[serde(default = "one")]
    seed: u64,
    #[serde(default)]
    horizon: Option<u32>,
}

fn default_n() -> u64 {
    10_000
}
fn one() -> u64 {
    1
}

/// Releases a job slot when dropped (also if the forecast panics).
struct Slot(Arc<AppState>, usize);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.running.fetch_sub(self.1, Ordering::SeqCst);
    }
}

impl AppState {
    /// Translates a configuration and the run options into a prepared forecast job, within
    /// this server's caps on runs and horizon.
    fn prepare(&self, spec: &Spec, n: u64, seed: u64, horizon: Option<u32>) -> Result<Prepared, ApiError> {
        self.check_n(n)?;
        let job = ForecastJob {
            edits: spec.edits.clone(),
            horizon,
            // Small chunks: the page shows progress and cancels promptly.
            chunk: 2048,
            ..ForecastJob::new(self.source(spec)?, n, seed)
        };
        let prepared = job.prepare()?;
        let h = prepared.horizon();
        if h > self.cfg.max_horizon_weeks {
            return Err(bad(format!(
                "horizon of {h} weeks is above this server's cap of {} weeks (truce serve --max-horizon-weeks)",
                self.cfg.max_horizon_weeks
            )));
        }
        Ok(prepared)
    }

    /// This server's cap on runs (the job itself refuses 0).
    fn check_n(&self, n: u64) -> Result<(), ApiError> {
        if n > self.cfg.max_runs {
            return Err(bad(format!(
                "n = {n} is above this server's cap of {} runs (truce serve --max-runs)",
                self.cfg.max_runs
            )));
        }
        Ok(())
    }

    fn reserve(self: &Arc<Self>, k: usize) -> Result<Slot, ApiError> {
        let max = self.cfg.max_jobs;
        self.running
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |r| (r + k <= max).then_some(r + k))
            .map(|_| Slot(self.clone(), k))
            .map_err(|r| {
                ApiError(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "{r} forecast(s) running and this needs {k} more: the limit is {max} at a time \
                         (truce serve --max-jobs); wait for one to finish or cancel it"
                    ),
                )
            })
    }

    fn new_job(&self, prepared: Prepared, label: String) -> Arc<Job> {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let job = Arc::new(Job {
            id,
            label,
            seed: prepared.seed(),
            total: prepared.run_range().1,
            done: AtomicU64::new(0),
            cancel: AtomicBool::new(false),
            state: Mutex::new(JobState::Running),
            prepared,
        });
        let mut jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        // Forget the oldest finished jobs beyond the limit.
        if jobs.len() >= self.cfg.keep_jobs {
            let mut finished: Vec<u64> = jobs
                .values()
                .filter(|j| !matches!(*j.state.lock().unwrap_or_else(|e| e.into_inner()), JobState::Running))
                .map(|j| j.id)
                .collect();
            finished.sort_unstable();
            let excess = jobs.len() + 1 - self.cfg.keep_jobs;
            for id in finished.into_iter().take(excess) {
                jobs.remove(&id);
            }
        }
        jobs.insert(id, job.clone());
        job
    }

    fn launch(self: &Arc<Self>, job: Arc<Job>, slot: Slot) {
        let st = self.clone();
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            let progress = |d: u64| job.done.store(d, Ordering::Relaxed);
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let hooks = Hooks { progress: &progress, cancel: &job.cancel, rows: None };
                st.pool.install(|| job.prepared.run(hooks))
            }));
            let new = match r {
                Ok(Ok(JobOutput::Forecast(f))) => {
                    job.done.store(f.summary.runs, Ordering::Relaxed);
                    JobState::Done(Arc::new(f.summary))
                }
                Ok(Ok(JobOutput::Part(_))) => JobState::Failed("internal error: the page asked for a shard".into()),
                Ok(Err(e)) => JobState::Failed(e.to_string()),
                Err(_) => JobState::Failed("the forecast failed unexpectedly (internal error)".into()),
            };
            *job.state.lock().unwrap_or_else(|e| e.into_inner()) = new;
        });
    }

    fn job(&self, p: Result<Path<String>, PathRejection>) -> Result<Arc<Job>, ApiError> {
        let Path(id) = p.map_err(|e| bad(e.body_text()))?;
        let not_found =
            || ApiError(StatusCode::NOT_FOUND, format!("no job `{id}` (finished jobs are kept for a while)"));
        let n: u64 = id.parse().map_err(|_| not_found())?;
        self.jobs.lock().unwrap_or_else(|e| e.into_inner()).get(&n).cloned().ok_or_else(not_found)
    }
}

fn label_of(spec: &Spec, l: &Loaded, default: &str) -> String {
    let base = spec.label.clone().unwrap_or_else(|| default.to_string());
    let base: String = base.chars().take(60).collect();
    let e = spec.edits.len();
    format!(
        "{base}: {}{}",
        l.scenario.scenario.name,
        if e == 0 { String::new() } else { format!(" ({e} edit{})", if e == 1 { "" } else { "s" }) }
    )
}

async fn start_forecast(State(st): State<Arc<AppState>>, body: Body) -> ApiResult {
    let req: ForecastReq = read_json(&st, body).await?;
    let prepared = st.prepare(&req.spec, req.n, req.seed, req.horizon)?;
    let slot = st.reserve(1)?;
    let label = label_of(&req.spec, prepared.loaded(), "A");
    let job = st.new_job(prepared, label);
    let id = job.id;
    st.launch(job, slot);
    Ok((StatusCode::ACCEPTED, Json(json!({ "id": id }))).into_response())
}

async fn start_compare(State(st): State<Arc<AppState>>, body: Body) -> ApiResult {
    let req: CompareReq = read_json(&st, body).await?;
    let prepare = |spec: &Spec, which: &str| {
        st.prepare(spec, req.n, req.seed, req.horizon)
            .map_err(|ApiError(s, m)| ApiError(s, format!("configuration {which}: {m}")))
    };
    let (pa, pb) = (prepare(&req.a, "A")?, prepare(&req.b, "B")?);
    let slot = st.reserve(2)?;
    let (label_a, label_b) = (label_of(&req.a, pa.loaded(), "A"), label_of(&req.b, pb.loaded(), "B"));
    let a = st.new_job(pa, label_a);
    let b = st.new_job(pb, label_b);
    let ids = [a.id, b.id];
    // One slot each, released as each finishes.
    std::mem::forget(slot);
    st.launch(a, Slot(st.clone(), 1));
    st.launch(b, Slot(st.clone(), 1));
    Ok((StatusCode::ACCEPTED, Json(json!({ "ids": ids }))).into_response())
}

/// One traced run (fast: no job, no slot): the trace and its charts.
async fn single_run(State(st): State<Arc<AppState>>, body: Body) -> ApiResult {
    let req: ForecastReq = read_json(&st, body).await?;
    // One run: `n` does not apply.
    let prepared = st.prepare(&req.spec, 1, req.seed, req.horizon)?;
    let out = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let t = prepared.trace();
            let l = prepared.loaded();
            let charts = run_charts(&t, l);
            json!({ "trace": t, "charts": charts, "issues": l.params.issue_ids, "title": l.scenario.scenario.title })
        }))
    })
    .await;
    match out {
        Ok(Ok(v)) => Ok(Json(v).into_response()),
        _ => Err(ApiError(StatusCode::INTERNAL_SERVER_ERROR, "the run failed unexpectedly (internal error)".into())),
    }
}

fn status_json(j: &Job) -> Value {
    let (state, error, interrupted) = match &*j.state.lock().unwrap_or_else(|e| e.into_inner()) {
        JobState::Running => ("running", None, false),
        JobState::Done(s) => (if s.interrupted { "cancelled" } else { "done" }, None, s.interrupted),
        JobState::Failed(e) => ("failed", Some(e.clone()), false),
    };
    json!({
        "id": j.id, "label": j.label, "state": state, "done": j.done.load(Ordering::Relaxed), "total": j.total,
        "seed": j.seed, "error": error, "interrupted": interrupted, "cancel_requested": j.cancel.load(Ordering::Relaxed),
    })
}

async fn list_jobs(State(st): State<Arc<AppState>>) -> Json<Value> {
    let jobs = st.jobs.lock().unwrap_or_else(|e| e.into_inner());
    let mut v: Vec<(u64, Value)> = jobs.values().map(|j| (j.id, status_json(j))).collect();
    v.sort_by_key(|x| x.0);
    Json(json!(v.into_iter().map(|x| x.1).collect::<Vec<_>>()))
}

async fn job_status(State(st): State<Arc<AppState>>, p: Result<Path<String>, PathRejection>) -> ApiResult {
    let j = st.job(p)?;
    Ok(Json(status_json(&j)).into_response())
}

async fn cancel_job(State(st): State<Arc<AppState>>, p: Result<Path<String>, PathRejection>) -> ApiResult {
    let j = st.job(p)?;
    j.cancel.store(true, Ordering::SeqCst);
    Ok(Json(status_json(&j)).into_response())
}

fn summary_of(j: &Job) -> Result<Arc<Summary>, ApiError> {
    match &*j.state.lock().unwrap_or_else(|e| e.into_inner()) {
        JobState::Done(s) => Ok(s.clone()),
        JobState::Running => Err(ApiError(StatusCode::CONFLICT, format!("job {} is still running", j.id))),
        JobState::Failed(e) => Err(ApiError(StatusCode::CONFLICT, format!("job {} failed: {e}", j.id))),
    }
}

async fn job_result(State(st): State<Arc<AppState>>, p: Result<Path<String>, PathRejection>) -> ApiResult {
    let j = st.job(p)?;
    let s = summary_of(&j)?;
    let charts: Vec<Chart> = forecast_charts(&s, j.prepared.loaded());
    let side_names: Vec<&str> = j.prepared.loaded().params.sides.iter().map(|x| x.name.as_str()).collect();
    Ok(Json(json!({ "job": status_json(&j), "summary": &*s, "charts": charts, "side_names": side_names }))
        .into_response())
}

fn attachment(content_type: &'static str, name: &str, body: String) -> Response {
    let mut r = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

fn safe(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

async fn job_json(State(st): State<Arc<AppState>>, p: Result<Path<String>, PathRejection>) -> ApiResult {
    let j = st.job(p)?;
    let s = summary_of(&j)?;
    let body = serde_json::to_string_pretty(&*s).map_err(|e| bad(e.to_string()))?;
    Ok(attachment("application/json", &format!("{}-job{}.json", safe(&s.scenario), j.id), body))
}

#[derive(Deserialize)]
struct CsvQuery {
    #[serde(default)]
    table: Option<String>,
}

async fn job_csv(
    State(st): State<Arc<AppState>>,
    p: Result<Path<String>, PathRejection>,
    q: Result<Query<CsvQuery>, QueryRejection>,
) -> ApiResult {
    let j = st.job(p)?;
    let Query(q) = q.map_err(|e| bad(e.body_text()))?;
    let table = q.table.unwrap_or_else(|| "at".into());
    let s = summary_of(&j)?;
    let csv = summary_csv(&s, &table)
        .ok_or_else(|| bad(format!("unknown table `{table}`; the tables are: {}", TABLES.join(", "))))?;
    Ok(attachment("text/csv; charset=utf-8", &format!("{}-job{}-{}.csv", safe(&s.scenario), j.id, safe(&table)), csv))
}

async fn job_toml(State(st): State<Arc<AppState>>, p: Result<Path<String>, PathRejection>) -> ApiResult {
    let j = st.job(p)?;
    let l = j.prepared.loaded();
    Ok(attachment(
        "application/toml; charset=utf-8",
        &format!("{}.toml", safe(&l.params.name)),
        j.prepared.text().to_string(),
    ))
}

async fn job_report(State(st): State<Arc<AppState>>, p: Result<Path<String>, PathRejection>) -> ApiResult {
    let j = st.job(p)?;
    let s = summary_of(&j)?;
    let meta = ReportMeta {
        version: VERSION.into(),
        seed: j.seed,
        runs: s.runs,
        generated: (st.cfg.now)(),
        source: format!("{} — {}", j.prepared.label(), j.label),
    };
    let html = forecast_report(&s, j.prepared.loaded(), &meta);
    Ok(attachment("text/html; charset=utf-8", &format!("{}-job{}.html", safe(&s.scenario), j.id), html))
}
