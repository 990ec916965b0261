//! `truce serve` and the `--report FILE.html` options of `truce forecast`, `truce merge` and
//! `truce run`: thin wrappers over `truce_web`.

use crate::CliError;
use clap::Args;
use std::path::Path;
use truce_engine::calendar::CivilDate;
use truce_engine::load::Loaded;
use truce_engine::trace::Trace;
use truce_forecast::summary::Summary;
use truce_io::output::write_atomic;
use truce_web::report::{forecast_report, run_report, ReportMeta, VERSION};

/// The current UTC date and time, `2026-11-24 03:10 UTC` (the web library does not read the clock).
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let d = CivilDate::from_days((secs / 86_400) as i64);
    let s = secs % 86_400;
    format!("{:04}-{:02}-{:02} {:02}:{:02} UTC", d.year, d.month, d.day, s / 3600, (s % 3600) / 60)
}

/// Fails early, before any work, if the report file cannot be written.
pub fn probe(path: &Path) -> Result<(), CliError> {
    drop(truce_io::output::AtomicFile::create(path)?);
    Ok(())
}

/// Writes the forecast report atomically; `source` names the scenario's source (the job's
/// label: a path or `<built-in NAME>`).
pub fn write_forecast_report(path: &Path, s: &Summary, l: &Loaded, source: &str) -> Result<(), CliError> {
    let meta = ReportMeta {
        version: VERSION.into(),
        seed: s.seed,
        runs: s.runs,
        generated: now_utc(),
        source: source.to_string(),
    };
    write_atomic(path, forecast_report(s, l, &meta).as_bytes())?;
    Ok(())
}

/// Writes the single-run report atomically; `source` as for [`write_forecast_report`].
pub fn write_run_report(path: &Path, t: &Trace, l: &Loaded, source: &str) -> Result<(), CliError> {
    let meta =
        ReportMeta { version: VERSION.into(), seed: t.seed, runs: 1, generated: now_utc(), source: source.to_string() };
    write_atomic(path, run_report(t, l, &meta).as_bytes())?;
    Ok(())
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to bind. The default serves this machine only; any other address (0.0.0.0 to
    /// serve a network) needs --allow-remote.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Serve other machines: allows an address other than loopback and requires the access
    /// token printed at start on every API request (the page reads it from the printed
    /// address). Plain HTTP: use it on a trusted network only.
    #[arg(long = "allow-remote")]
    pub allow_remote: bool,
    /// With --allow-remote: a host name the page may be reached by (e.g. this machine's name);
    /// repeat for several. IP addresses need none; other names are refused (DNS rebinding).
    #[arg(long = "allow-host", value_name = "NAME", requires = "allow_remote")]
    pub allow_host: Vec<String>,
    /// Largest number of runs one forecast may ask for.
    #[arg(long = "max-runs", default_value_t = 200_000)]
    pub max_runs: u64,
    /// Forecasts that may run at the same time.
    #[arg(long = "max-jobs", default_value_t = 2)]
    pub max_jobs: usize,
    /// Largest scenario upload in KiB.
    #[arg(long = "max-upload-kib", default_value_t = 256)]
    pub max_upload_kib: usize,
    /// Longest horizon (weeks) a forecast may ask for (memory grows with it).
    #[arg(long = "max-horizon-weeks", default_value_t = 520)]
    pub max_horizon_weeks: u32,
    /// Worker threads for forecasts (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
}

/// `truce serve`.
pub fn serve(a: &ServeArgs) -> Result<(), CliError> {
    if a.max_runs == 0 || a.max_jobs == 0 || a.max_upload_kib == 0 {
        return Err(CliError("--max-runs, --max-jobs and --max-upload-kib must be at least 1".into()));
    }
    if a.threads == Some(0) {
        return Err(CliError("--threads must be at least 1".into()));
    }
    if let Some(t) = a.threads.filter(|&t| t > truce_forecast::job::MAX_THREADS) {
        return Err(CliError(format!("--threads must be at most {}, not {t}", truce_forecast::job::MAX_THREADS)));
    }
    let remote = if a.allow_remote {
        let token = truce_web::server::new_token().map_err(CliError)?;
        Some(truce_web::server::Remote { token, hosts: a.allow_host.clone() })
    } else {
        None
    };
    let cfg = truce_web::server::Config {
        max_runs: a.max_runs,
        max_jobs: a.max_jobs,
        max_upload: a.max_upload_kib.saturating_mul(1024),
        max_horizon_weeks: a.max_horizon_weeks,
        threads: a.threads.unwrap_or(0),
        keep_jobs: 64,
        now: now_utc,
        remote: remote.clone(),
        ..truce_web::server::Config::default()
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError(format!("cannot start the server runtime: {e}")))?;
    rt.block_on(async {
        let server = truce_web::server::Server::bind(&a.host, a.port, cfg).await?;
        let addr = server.local_addr();
        println!("listening on http://{addr}");
        if let Some(r) = &remote {
            let shown =
                if addr.ip().is_unspecified() { format!("THIS-MACHINE:{}", addr.port()) } else { addr.to_string() };
            println!("open http://{shown}/#token={}", r.token);
            warn_remote(addr, r);
        }
        use std::io::Write;
        let _ = std::io::stdout().flush();
        server
            .run(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    })
    .map_err(CliError)
}

/// The loud warning of a server that other machines may reach.
fn warn_remote(addr: std::net::SocketAddr, r: &truce_web::server::Remote) {
    let names = if r.hosts.is_empty() { "IP addresses only".to_string() } else { r.hosts.join(", ") };
    let lines = [
        format!("truce serve is reachable from other machines ({addr}, --allow-remote)."),
        "Anyone who can reach this port and has the token above can run forecasts on this".to_string(),
        "machine and read their results. Traffic is plain HTTP: the token and the scenarios".to_string(),
        "cross the network unencrypted. Use it on a trusted network only (or behind a TLS".to_string(),
        "proxy), and stop it when done.".to_string(),
        format!("Accepted host names: localhost, {names} (other names are refused)."),
    ];
    eprintln!("{}", "!".repeat(86));
    for l in lines {
        eprintln!("!! WARNING: {l}");
    }
    eprintln!("{}", "!".repeat(86));
}
