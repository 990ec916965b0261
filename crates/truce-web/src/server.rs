//! `truce serve`: a page to edit a scenario, run forecasts with live progress, compare two
//! configurations on the same seed, and download the results; and the JSON API behind it.
//!
//! Every request is validated; errors come back as `{"error": "..."}` with a 4xx status and
//! the scenario messages of the CLI. A request is translated into a
//! [`truce_forecast::job::ForecastJob`] (a built-in name or uploaded text, edits, `n`, `seed`,
//! `horizon`, and for a forecast optionally uploaded observations to condition it on) and the
//! job's result is rendered: the page defines no forecast of its own.
//! Forecasts run on one rayon pool off the async runtime. The server never reads a file
//! named by a request (built-in scenarios and uploaded text only).
//!
//! **No web page may drive it.** Before any handler runs, every request passes [`Access`]:
//! its `Host` must name this server (the bound address, `localhost`, a loopback address, or
//! with `--allow-remote` an IP literal or a name given with `--allow-host`), which defeats DNS
//! rebinding; a state-changing request (any method but GET and HEAD) must be same-origin
//! (`Origin`, `Sec-Fetch-Site`) and carry `Content-Type: application/json`
//! (`application/toml` for an upload), so a cross-origin form or `text/plain` POST never
//! starts a job; with `--allow-remote` every API request needs the access token. Job ids are
//! 128 random bits from the OS. Connections have header, body and write timeouts and their
//! number is capped, so a slow client cannot hold the server. [`Server::bind`] refuses an
//! address other than loopback unless [`Config::remote`] is set.
//!
//! It must never: accept a request before the checks above, start a job from a body that is
//! not the expected JSON object, or answer an input error with a 5xx.

use crate::charts::{charts_json, forecast_charts, run_charts, Chart};
use crate::edit::editor;
use crate::export::{summary_csv, TABLES};
use crate::report::{forecast_report, ReportMeta, ECHARTS_JS, VERSION};
use axum::body::{to_bytes, Body};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
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
    /// How long a client may take to send a request's headers; also how long a kept-alive
    /// connection may sit idle. A client that sends half a request is then disconnected.
    pub header_timeout: Duration,
    /// How long a client may take to send a request's body (answered with 408 after it).
    pub body_timeout: Duration,
    /// How long a response may wait for a client that does not read it.
    pub write_timeout: Duration,
    /// Connections served at the same time; more wait in the listen queue.
    pub max_connections: usize,
    /// Serving a network: `None` (the default) serves loopback only and needs no token;
    /// `Some` allows any address and then requires the token on every API request.
    pub remote: Option<Remote>,
}

/// What serving beyond this machine takes: a token that every API request must carry, and
/// the DNS names the page may be reached by.
#[derive(Debug, Clone)]
pub struct Remote {
    /// The access token: `Authorization: Bearer TOKEN` (or, for downloads, `?token=TOKEN`).
    pub token: String,
    /// Host names (besides IP literals and `localhost`) accepted in `Host`: the names this
    /// machine is reached by (`--allow-host`). Any other name is refused (DNS rebinding).
    pub hosts: Vec<String>,
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
            header_timeout: Duration::from_secs(5),
            body_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(30),
            max_connections: 256,
            remote: None,
        }
    }
}

enum JobState {
    Running,
    Done(Arc<Summary>),
    Failed(String),
}

struct Job {
    /// 128 random bits from the OS in hex: unguessable, so one client cannot read or cancel
    /// another's jobs by counting.
    id: String,
    /// Creation order, for listing and forgetting the oldest (never shown).
    seq: u64,
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
    access: Access,
    jobs: Mutex<HashMap<String, Arc<Job>>>,
    next_seq: AtomicU64,
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
        // Not a request field: the server's own pool.
        JobOption::Threads => "truce serve --threads",
        o => o.name(),
    }
}

impl From<JobError> for ApiError {
    /// Every input error is a 4xx with its message; only a failure of the server itself
    /// (its threads, a rows sink it does not use) is a 5xx. Exhaustive, so that a new kind
    /// of job error must be placed.
    fn from(e: JobError) -> Self {
        let status = match &e {
            JobError::Invalid { .. } | JobError::TooLarge(_) => StatusCode::BAD_REQUEST,
            JobError::UnknownScenario(_) => StatusCode::NOT_FOUND,
            JobError::Unreadable(_) | JobError::Scenario(_) | JobError::Edit(_) | JobError::Parts(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            JobError::Forecast(
                truce_forecast::ensemble::ForecastError::Aggregate(_)
                | truce_forecast::ensemble::ForecastError::Selection(_),
            ) => StatusCode::UNPROCESSABLE_ENTITY,
            JobError::Cancelled { .. } => StatusCode::CONFLICT,
            JobError::Threads(_) | JobError::Forecast(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError(status, e.describe(field))
    }
}

type ApiResult = Result<Response, ApiError>;

/// Builds the application (routes, state and the access checks) as served at `addr`, the
/// address `Host` and `Origin` must name. Fails only if the thread pool cannot start.
pub fn app(cfg: Config, addr: SocketAddr) -> Result<Router, String> {
    app_with_state(cfg, addr).map(|(r, _)| r)
}

fn app_with_state(cfg: Config, addr: SocketAddr) -> Result<(Router, Arc<AppState>), String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads)
        .thread_name(|i| format!("truce-forecast-{i}"))
        .build()
        .map_err(|e| format!("cannot start the forecast threads: {e}"))?;
    let state = Arc::new(AppState {
        access: Access { addr, remote: cfg.remote.clone() },
        cfg,
        jobs: Mutex::new(HashMap::new()),
        next_seq: AtomicU64::new(0),
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
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state.clone());
    Ok((router, state))
}

/// A bound server: the listener, the application and its state. Bind, print the address,
/// then [`Server::run`].
pub struct Server {
    listener: tokio::net::TcpListener,
    addr: SocketAddr,
    router: Router,
    state: Arc<AppState>,
}

impl Server {
    /// Binds `host:port` (port 0: any free port). An address other than loopback is refused
    /// unless `cfg.remote` is set (then every API request needs its token).
    pub async fn bind(host: &str, port: u16, cfg: Config) -> Result<Server, String> {
        let listener = tokio::net::TcpListener::bind((host, port))
            .await
            .map_err(|e| format!("cannot listen on {host}:{port}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        if !addr.ip().is_loopback() && cfg.remote.is_none() {
            return Err(format!(
                "refusing to serve on {addr}: it is not a loopback address, so other machines could \
                 run forecasts here; to serve a network, pass --allow-remote (every API request then \
                 needs the access token printed at start)"
            ));
        }
        let (router, state) = app_with_state(cfg, addr)?;
        Ok(Server { listener, addr, router, state })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until `shutdown` completes, then cancels the forecasts in progress (after
    /// their current chunk) and lets open connections finish their response.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), String> {
        let Server { listener, router, state, .. } = self;
        let cfg = &state.cfg;
        let max = cfg.max_connections.clamp(1, 1 << 20);
        let slots = Arc::new(tokio::sync::Semaphore::new(max));
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let timeouts = (cfg.header_timeout, cfg.write_timeout);
        tokio::pin!(shutdown);
        loop {
            let permit = tokio::select! {
                _ = &mut shutdown => break,
                p = slots.clone().acquire_owned() => p.map_err(|e| e.to_string())?,
            };
            let stream = tokio::select! {
                _ = &mut shutdown => break,
                r = listener.accept() => match r {
                    Ok((stream, _)) => stream,
                    // Out of file descriptors and the like: wait a little rather than spin.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            tokio::spawn(connection(stream, router.clone(), timeouts, permit, stop_rx.clone()));
        }
        for j in state.jobs.lock().unwrap_or_else(|e| e.into_inner()).values() {
            j.cancel.store(true, Ordering::SeqCst);
        }
        let _ = stop_tx.send(true);
        // Every connection holds a slot until it closes: wait for them (briefly).
        let _ = tokio::time::timeout(Duration::from_secs(5), slots.acquire_many(max as u32)).await;
        Ok(())
    }
}

/// Serves one connection over HTTP/1.1 with a header timeout (which also ends an idle
/// kept-alive connection) and a write timeout; `stop` asks it to finish gracefully.
async fn connection(
    stream: tokio::net::TcpStream,
    router: Router,
    (header_timeout, write_timeout): (Duration, Duration),
    _slot: tokio::sync::OwnedSemaphorePermit,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let io = hyper_util::rt::TokioIo::new(WriteDeadline::new(stream, write_timeout));
    let service = hyper_util::service::TowerToHyperService::new(router);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(header_timeout).keep_alive(true);
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    let stopped = async move {
        let _ = stop.wait_for(|s| *s).await;
    };
    tokio::select! {
        _ = conn.as_mut() => {}
        () = stopped => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(Duration::from_secs(5), conn).await;
        }
    }
}

/// A stream whose writes fail with `TimedOut` once they have waited `limit` for the peer to
/// read: a client that stops reading a response cannot hold its connection forever.
struct WriteDeadline<S> {
    inner: S,
    limit: Duration,
    waiting: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<S> WriteDeadline<S> {
    fn new(inner: S, limit: Duration) -> Self {
        WriteDeadline { inner, limit, waiting: None }
    }

    /// Called when a write is pending: starts the clock, or fails once it has run out.
    fn pending<T>(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<T>> {
        let limit = self.limit;
        let sleep = self.waiting.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => {
                Poll::Ready(Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "the client stopped reading")))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn progress<T>(&mut self, p: Poll<std::io::Result<T>>, cx: &mut Context<'_>) -> Poll<std::io::Result<T>> {
        match p {
            Poll::Ready(r) => {
                self.waiting = None;
                Poll::Ready(r)
            }
            Poll::Pending => self.pending(cx),
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for WriteDeadline<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WriteDeadline<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        let p = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.progress(p, cx)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let p = Pin::new(&mut self.inner).poll_flush(cx);
        self.progress(p, cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let p = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.progress(p, cx)
    }
}

/// A new access token: 128 random bits from the OS, in hex.
pub fn new_token() -> Result<String, String> {
    random_hex()
}

fn random_hex() -> Result<String, String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| format!("cannot draw random bits from the OS: {e}"))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// Who may talk to this server: the address it is served at and, when serving a network,
/// the token and host names. Checked before any handler ([`guard`]).
#[derive(Debug, Clone)]
struct Access {
    addr: SocketAddr,
    remote: Option<Remote>,
}

/// Splits a `Host` value into its name (lower case, IPv6 in brackets, no trailing dot) and
/// port; `None` if it is malformed.
fn split_host(h: &str) -> Option<(String, Option<u16>)> {
    let (name, port) = match h.strip_prefix('[') {
        Some(rest) => {
            let (inside, after) = rest.split_once(']')?;
            let port = match after {
                "" => None,
                a => Some(a.strip_prefix(':')?),
            };
            (format!("[{inside}]"), port)
        }
        None => match h.split_once(':') {
            Some((n, p)) => (n.to_string(), Some(p)),
            None => (h.to_string(), None),
        },
    };
    let port = match port {
        None => None,
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => Some(p.parse::<u16>().ok()?),
        Some(_) => return None,
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    (!name.is_empty()).then_some((name, port))
}

/// The IP address a host name spells, if it is an IP literal (`127.0.0.1`, `[::1]`).
fn ip_literal(name: &str) -> Option<IpAddr> {
    match name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        Some(v6) => v6.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6),
        None => name.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4),
    }
}

/// Equality that takes as long for any two strings of the same length (the token).
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn forbidden(msg: impl Into<String>) -> ApiError {
    ApiError(StatusCode::FORBIDDEN, msg.into())
}

impl Access {
    /// Whether `Host` names this server. A port, if given, must be the bound one (a missing
    /// port cannot reach this server through a browser unless it is on port 80). Names:
    /// `localhost`, loopback addresses and the bound address; serving a network, also any IP
    /// literal when bound to every address (DNS rebinding needs a name) and the `--allow-host`
    /// names. Any other name is what a DNS-rebinding page would send.
    fn host_ok(&self, host: &str) -> bool {
        let Some((name, port)) = split_host(host) else { return false };
        if port.is_some_and(|p| p != self.addr.port()) {
            return false;
        }
        if name == "localhost" {
            return true;
        }
        if let Some(ip) = ip_literal(&name) {
            let bound = self.addr.ip();
            return ip.is_loopback() || ip == bound || (bound.is_unspecified() && self.remote.is_some());
        }
        self.remote
            .as_ref()
            .is_some_and(|r| r.hosts.iter().any(|h| h.trim_end_matches('.').eq_ignore_ascii_case(&name)))
    }

    /// The checks every request passes before its handler; see the module docs.
    fn check(&self, method: &Method, uri: &axum::http::Uri, headers: &HeaderMap) -> Result<(), ApiError> {
        let text = |name: header::HeaderName| -> Result<Option<&str>, ApiError> {
            match headers.get(&name) {
                None => Ok(None),
                Some(v) => v.to_str().map(Some).map_err(|_| bad(format!("the {name} header is not plain text"))),
            }
        };
        // 1. Host: DNS rebinding.
        let host = text(header::HOST)?.ok_or_else(|| bad("the request has no Host header"))?;
        let authority = uri.authority().map(|a| a.as_str());
        if !self.host_ok(host) || authority.is_some_and(|a| !self.host_ok(a)) {
            return Err(forbidden(format!(
                "Host `{host}` does not name this server ({}); requests must address it by its own \
                 address or localhost (a defence against DNS rebinding){}",
                self.addr,
                if self.remote.is_some() { "; name other host names with --allow-host" } else { "" }
            )));
        }
        // 2. The token, when serving a network: on every API request.
        if let Some(r) = &self.remote {
            if uri.path().starts_with("/api/") {
                let bearer = text(header::AUTHORIZATION)?.and_then(|v| v.strip_prefix("Bearer ")).map(str::trim);
                let query = (method == Method::GET || method == Method::HEAD)
                    .then(|| uri.query()?.split('&').find_map(|kv| kv.strip_prefix("token=")).map(str::to_string))
                    .flatten();
                let given = bearer.map(str::to_string).or(query);
                if !given.is_some_and(|t| same_secret(&t, &r.token)) {
                    return Err(ApiError(
                        StatusCode::UNAUTHORIZED,
                        "this server needs its access token: open the address `truce serve` printed \
                         (…/#token=…), or send `Authorization: Bearer TOKEN`"
                            .into(),
                    ));
                }
            }
        }
        // 3. State-changing requests: same origin only, and an explicit content type that a
        //    cross-origin form or `text/plain` POST cannot send without a CORS preflight (which
        //    this server never grants).
        if method == Method::GET || method == Method::HEAD {
            return Ok(());
        }
        if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site"))? {
            if !matches!(site, "same-origin" | "none") {
                return Err(forbidden(format!("cross-origin request refused (Sec-Fetch-Site: {site})")));
            }
        }
        if let Some(origin) = text(header::ORIGIN)? {
            let ours = origin.strip_prefix("http://").is_some_and(|o| o.eq_ignore_ascii_case(host));
            if !ours {
                return Err(forbidden(format!(
                    "cross-origin request refused: Origin `{origin}` is not this page (http://{host})"
                )));
            }
        }
        let want = if uri.path() == "/api/upload" { "application/toml" } else { "application/json" };
        let given = text(header::CONTENT_TYPE)?;
        let media = given.map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
        if media.as_deref() != Some(want) {
            return Err(ApiError(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "{} {} needs Content-Type: {want}, not {}",
                    method,
                    uri.path(),
                    given.map_or("none".to_string(), |g| format!("`{g}`"))
                ),
            ));
        }
        Ok(())
    }
}

/// Runs [`Access::check`] before every route (and the fallback).
async fn guard(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    match st.access.check(req.method(), req.uri(), req.headers()) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
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

/// An uploaded file's name for messages: control characters dropped, at most 120
/// characters, `default` if nothing is left.
fn clean_name(s: &str, default: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_control()).take(120).collect();
    if s.is_empty() {
        default.into()
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
                Ok(Source::Text {
                    label: clean_name(spec.file.as_deref().unwrap_or_default(), "upload.toml"),
                    text: t.clone(),
                })
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

/// Reads a body of at most `limit` bytes within the body timeout (408 after it: a client
/// that sends half a body does not hold its connection).
async fn read_body(st: &AppState, body: Body, limit: usize) -> Result<Vec<u8>, ApiError> {
    let t = st.cfg.body_timeout;
    match tokio::time::timeout(t, to_bytes(body, limit)).await {
        Ok(r) => r.map(|b| b.to_vec()).map_err(|_| too_big(limit)),
        Err(_) => Err(ApiError(
            StatusCode::REQUEST_TIMEOUT,
            format!("the request body did not arrive within {} s", t.as_secs_f64()),
        )),
    }
}

/// The JSON kind of a value, for messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads a JSON request that must be an object (as must each of `nested`, where present):
/// serde would otherwise read `[]` as a struct of defaults and start a default forecast.
async fn read_json<T: serde::de::DeserializeOwned>(st: &AppState, body: Body, nested: &[&str]) -> Result<T, ApiError> {
    // Two uploads at most (a scenario and observations, or two scenarios), escaped in JSON.
    let bytes = read_body(st, body, st.cfg.max_upload * 3 + 16 * 1024).await?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|e| bad(format!("invalid JSON request: {e}")))?;
    let Value::Object(fields) = &v else {
        return Err(bad(format!("the request body must be a JSON object such as {{\"n\": 1000}}, not {}", kind(&v))));
    };
    for name in nested {
        if let Some(x) = fields.get(*name).filter(|x| !x.is_object()) {
            return Err(bad(format!("`{name}` must be a JSON object (a configuration), not {}", kind(x))));
        }
    }
    serde_json::from_value(v).map_err(|e| bad(format!("invalid JSON request: {e}")))
}

async fn post_scenario(State(st): State<Arc<AppState>>, body: Body) -> ApiResult {
    let spec: Spec = read_json(&st, body, &[]).await?;
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
    let bytes = read_body(&st, body, st.cfg.max_upload).await?;
    let text = String::from_utf8(bytes).map_err(|_| bad("the upload is not UTF-8 text; a scenario is a TOML file"))?;
    let label = clean_name(q.name.as_deref().unwrap_or_default(), "upload.toml");
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
    /// An observations file's text (`date,quantity,value,sd,source`, docs/observations.md)
    /// to condition the forecast on with the particle filter (`truce forecast --observations`).
    #[serde(default)]
    observations: Option<String>,
    /// The observations file's name, for messages.
    #[serde(default)]
    observations_file: Option<String>,
}

impl ForecastReq {
    /// The observations as `(name, text)`, within the upload cap.
    fn observations(&self, cap: usize) -> Result<Option<(String, &str)>, ApiError> {
        let Some(text) = &self.observations else { return Ok(None) };
        if text.len() > cap {
            return Err(too_big(cap));
        }
        let name = clean_name(self.observations_file.as_deref().unwrap_or_default(), "observations.csv");
        Ok(Some((name, text)))
    }
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
    /// this server's caps on runs and horizon; with observations `(name, text)`, the
    /// forecast conditioned on them (validated as `truce forecast --observations` does).
    fn prepare(
        &self,
        spec: &Spec,
        n: u64,
        seed: u64,
        horizon: Option<u32>,
        observations: Option<(String, &str)>,
    ) -> Result<Prepared, ApiError> {
        self.check_n(n)?;
        let mut job = ForecastJob {
            edits: spec.edits.clone(),
            horizon,
            // Small chunks: the page shows progress and cancels promptly.
            chunk: 2048,
            ..ForecastJob::new(self.source(spec)?, n, seed)
        };
        if let Some((name, text)) = observations {
            let (sides, rule) = job.observation_frame()?;
            let obs = truce_io::observations::observations_from_text(std::path::Path::new(&name), text, &sides, rule)
                .map_err(|e| bad(e.to_string()))?;
            job.observations = Some(obs);
        }
        let prepared = job.prepare()?;
        let h = prepared.horizon();
        if h > self.cfg.max_horizon_weeks {
            return Err(bad(format!(
                "horizon of {h} weeks is above this server's cap of {} weeks (truce serve --max-horizon-weeks)",
                self.cfg.max_horizon_weeks
            )));
        }
        // The job's memory and work on this server's pool, refused here as a 400 rather
        // than as a failed job.
        prepared.admit(self.pool.current_num_threads(), false)?;
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

    fn new_job(&self, prepared: Prepared, label: String) -> Result<Arc<Job>, ApiError> {
        let id = random_hex().map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, e))?;
        let seq = self.next_seq.fetch_add(1, Ordering::SeqCst);
        let job = Arc::new(Job {
            id,
            seq,
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
            let mut finished: Vec<(u64, String)> = jobs
                .values()
                .filter(|j| !matches!(*j.state.lock().unwrap_or_else(|e| e.into_inner()), JobState::Running))
                .map(|j| (j.seq, j.id.clone()))
                .collect();
            finished.sort_unstable();
            let excess = jobs.len() + 1 - self.cfg.keep_jobs;
            for (_, id) in finished.into_iter().take(excess) {
                jobs.remove(&id);
            }
        }
        jobs.insert(job.id.clone(), job.clone());
        Ok(job)
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
        if id.len() > 64 {
            return Err(not_found());
        }
        self.jobs.lock().unwrap_or_else(|e| e.into_inner()).get(&id).cloned().ok_or_else(not_found)
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
    let req: ForecastReq = read_json(&st, body, &[]).await?;
    let prepared = st.prepare(&req.spec, req.n, req.seed, req.horizon, req.observations(st.cfg.max_upload)?)?;
    let slot = st.reserve(1)?;
    let mut label = label_of(&req.spec, prepared.loaded(), "A");
    if prepared.is_filtered() {
        label.push_str(" | conditioned on observations");
    }
    let job = st.new_job(prepared, label)?;
    let id = job.id.clone();
    st.launch(job, slot);
    Ok((StatusCode::ACCEPTED, Json(json!({ "id": id }))).into_response())
}

async fn start_compare(State(st): State<Arc<AppState>>, body: Body) -> ApiResult {
    let req: CompareReq = read_json(&st, body, &["a", "b"]).await?;
    let prepare = |spec: &Spec, which: &str| {
        st.prepare(spec, req.n, req.seed, req.horizon, None)
            .map_err(|ApiError(s, m)| ApiError(s, format!("configuration {which}: {m}")))
    };
    let (pa, pb) = (prepare(&req.a, "A")?, prepare(&req.b, "B")?);
    let slot = st.reserve(2)?;
    let (label_a, label_b) = (label_of(&req.a, pa.loaded(), "A"), label_of(&req.b, pb.loaded(), "B"));
    let a = st.new_job(pa, label_a)?;
    let b = st.new_job(pb, label_b)?;
    let ids = [a.id.clone(), b.id.clone()];
    // One slot each, released as each finishes.
    std::mem::forget(slot);
    st.launch(a, Slot(st.clone(), 1));
    st.launch(b, Slot(st.clone(), 1));
    Ok((StatusCode::ACCEPTED, Json(json!({ "ids": ids }))).into_response())
}

/// One traced run (fast: no job, no slot): the trace and its charts.
async fn single_run(State(st): State<Arc<AppState>>, body: Body) -> ApiResult {
    let req: ForecastReq = read_json(&st, body, &[]).await?;
    // One run: `n` does not apply, nor do observations (a run is not conditioned).
    if req.observations.is_some() {
        return Err(bad("one run is not conditioned on observations: upload them for a forecast instead"));
    }
    let prepared = st.prepare(&req.spec, 1, req.seed, req.horizon, None)?;
    let out = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let t = prepared.trace();
            let l = prepared.loaded();
            let charts = run_charts(&t, l);
            json!({ "trace": t, "charts": charts_json(&charts), "issues": l.params.issue_ids, "title": l.scenario.scenario.title })
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
    let mut v: Vec<(u64, Value)> = jobs.values().map(|j| (j.seq, status_json(j))).collect();
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
    // The causes that block talks, [JSON name, label] in reporting order, for the why table.
    let blockers: Vec<[&str; 2]> = truce_engine::talk::Blocker::ALL.iter().map(|b| [b.name(), b.label()]).collect();
    // What broke a side that collapsed, [JSON name, label] in reporting order.
    let collapse_causes: Vec<[&str; 2]> =
        truce_engine::outcome::CollapseCause::ALL.iter().map(|c| [c.name(), c.label()]).collect();
    Ok(Json(json!({
        "job": status_json(&j), "summary": &*s, "charts": charts_json(&charts), "side_names": side_names,
        "blockers": blockers, "collapse_causes": collapse_causes,
    }))
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
    Ok(attachment("application/json", &format!("{}-job{}.json", safe(&s.scenario), &j.id[..8]), body))
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
    Ok(attachment(
        "text/csv; charset=utf-8",
        &format!("{}-job{}-{}.csv", safe(&s.scenario), &j.id[..8], safe(&table)),
        csv,
    ))
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
    Ok(attachment("text/html; charset=utf-8", &format!("{}-job{}.html", safe(&s.scenario), &j.id[..8]), html))
}
