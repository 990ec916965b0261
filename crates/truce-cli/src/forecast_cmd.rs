//! `truce forecast`: the ensemble forecast, the main job.

use crate::{CliError, ReportFormat};
use clap::Args;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use truce_engine::builtin;
use truce_engine::load::Loaded;
use truce_engine::outcome::{WarEvent, WarState};
use truce_forecast::ensemble::RowSink;
use truce_forecast::job::{self, ForecastJob, Hooks, JobError, JobOption, JobOutput, Shard, Source};
use truce_forecast::summary::{Prob, Summary};
use truce_io::output::{run_columns, write_atomic, CsvRuns, ParquetRuns};

/// Default number of runs: finishes in a few seconds on two cores.
pub const DEFAULT_RUNS: u64 = 100_000;

#[derive(Args, Debug)]
pub struct ForecastArgs {
    /// Scenario: a TOML file or a built-in name.
    #[arg(default_value = builtin::DEFAULT)]
    pub scenario: String,
    /// Number of runs.
    #[arg(short = 'n', long = "runs", default_value_t = DEFAULT_RUNS)]
    pub runs: u64,
    /// Seed of the ensemble: the same seed, runs and scenario give the same forecast.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores). The result does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Override the scenario's horizon (weeks).
    #[arg(long)]
    pub horizon: Option<u32>,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Also write the JSON summary to this file (atomically).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write one row per run to this file: `.parquet` or `.csv`.
    #[arg(long = "runs-out")]
    pub runs_out: Option<PathBuf>,
    /// No progress bar and no table (errors still print).
    #[arg(long, short)]
    pub quiet: bool,
    /// Compute only shard K of N (a contiguous range of the runs) and write its mergeable
    /// partial aggregate to --out (see `truce merge`).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Also write a self-contained HTML report with charts to this file (atomically).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Also save the whole forecast to this file (a part file 1/1, e.g. `F.truce`) to score
    /// it later with `truce score F.truce OBSERVATIONS`.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Also record the whole forecast in this ledger directory, issued today, to score it
    /// later on what happens (`truce score --ledger DIR OBSERVATIONS`).
    #[arg(long, value_name = "DIR")]
    pub ledger: Option<PathBuf>,
    /// Condition the forecast on these observations (`date,quantity,value,sd,source`, as
    /// for `truce score`): the runs become a particle filter's particles, weighed by each
    /// observation dated from the scenario's start on, and the forecast starts the week
    /// after the last observed week (docs/observations.md).
    #[arg(long, value_name = "OBS")]
    pub observations: Option<PathBuf>,
}

enum Rows {
    Csv(CsvRuns),
    Parquet(Box<ParquetRuns>),
}

impl Rows {
    fn sink(&mut self) -> &mut (dyn RowSink + Send) {
        match self {
            Rows::Csv(c) => c,
            Rows::Parquet(p) => p.as_mut(),
        }
    }
    fn commit(self) -> Result<(), String> {
        match self {
            Rows::Csv(c) => c.commit(),
            Rows::Parquet(p) => p.commit(),
        }
    }
}

/// Set by Ctrl-C; checked between chunks.
static CANCEL: AtomicBool = AtomicBool::new(false);

/// How the CLI spells a job's options in messages.
fn flag(o: JobOption) -> &'static str {
    match o {
        JobOption::Runs => "-n/--runs",
        JobOption::Horizon => "--horizon",
        JobOption::Shard => "--shard",
        JobOption::Threads => "--threads",
        JobOption::Chunk => "chunk",
    }
}

/// A job error as the CLI says it.
pub fn job_error(e: JobError) -> CliError {
    CliError(e.describe(flag))
}

pub fn forecast(a: &ForecastArgs) -> Result<(), CliError> {
    let shard = a.shard.as_deref().map(Shard::parse).transpose().map_err(job_error)?;
    let mut job = ForecastJob {
        horizon: a.horizon,
        shard,
        threads: a.threads,
        ..ForecastJob::new(Source::Named(a.scenario.clone()), a.runs, a.seed)
    };
    job.validate().map_err(job_error)?;
    if let Some(path) = &a.observations {
        for (given, what) in [
            (
                a.runs_out.is_some(),
                "--runs-out (a filtered forecast's runs are resampled particles, not runs from the start)",
            ),
            (
                a.save.is_some() || a.ledger.is_some(),
                "--save or --ledger (a saved forecast starts at the scenario's start)",
            ),
        ] {
            if given {
                return Err(CliError(format!("--observations cannot be combined with {what}")));
            }
        }
        // The observations are checked against the scenario's sides and start.
        let (sides, rule) = job.observation_frame().map_err(job_error)?;
        job.observations = Some(truce_io::observations::read_observations(path, &sides, rule)?);
        job.validate().map_err(job_error)?;
    }
    if shard.is_some() && a.out.is_none() {
        return Err(CliError("--shard needs --out FILE for the part file".into()));
    }
    if shard.is_some() && a.ledger.is_some() {
        return Err(CliError("--ledger records a whole forecast: not with --shard".into()));
    }
    if shard.is_some() && a.save.is_some() {
        return Err(CliError(
            "--save needs the whole forecast: a shard writes its part to --out; use `truce merge --save`".into(),
        ));
    }
    if shard.is_some() && a.report.is_some() {
        return Err(CliError("--report needs the whole forecast: use it with `truce merge`, not --shard".into()));
    }
    let job = job.prepare().map_err(job_error)?;
    let loaded = job.loaded();
    // Open every output first: an unwritable path fails before any work, leaving nothing.
    let mut rows = match &a.runs_out {
        None => None,
        Some(p) => {
            let cols = run_columns(
                &loaded.params.sides.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
                &loaded.params.issue_ids,
                &loaded.uncertainty.paths,
            );
            match p.extension().and_then(|e| e.to_str()) {
                Some("csv") => Some(Rows::Csv(CsvRuns::create(p, &cols)?)),
                Some("parquet") => Some(Rows::Parquet(Box::new(ParquetRuns::create(p, &cols)?))),
                _ => return Err(CliError(format!("--runs-out {}: expected a .parquet or .csv file", p.display()))),
            }
        }
    };
    if let Some(out) = &a.out {
        // Probe writability now; the summary itself is written at the end.
        drop(truce_io::output::AtomicFile::create(out)?);
    }
    if let Some(r) = &a.report {
        crate::web_cmd::probe(r)?;
    }
    if let Some(f) = &a.save {
        crate::web_cmd::probe(f)?;
    }
    let _ = ctrlc::set_handler(|| CANCEL.store(true, Ordering::SeqCst));
    let (first_run, runs) = job.run_range();
    let show = !a.quiet && std::io::stderr().is_terminal();
    let bar = if show {
        let b = indicatif::ProgressBar::new(runs);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} runs ({per_sec}, ETA {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let progress = |done: u64| bar.set_position(done);
    let hooks = Hooks { progress: &progress, cancel: &CANCEL, rows: rows.as_mut().map(Rows::sink) };
    let result = job.run(hooks);
    bar.finish_and_clear();
    let output = result.map_err(|e| match e {
        JobError::Cancelled { done, .. } => {
            CliError(format!("stopped by Ctrl-C after {done} of {runs} runs: no part file written"))
        }
        e => job_error(e),
    })?;
    if let Some(r) = rows {
        r.commit()?;
    }
    let f = match output {
        JobOutput::Part(part) => {
            let out = a.out.as_ref().expect("checked above");
            write_atomic(out, &truce_forecast::part::encode(&part))?;
            if !a.quiet {
                eprintln!(
                    "shard {}/{}: runs {first_run}..{} written to {}",
                    part.shard,
                    part.shards,
                    first_run + runs,
                    out.display()
                );
            }
            return Ok(());
        }
        JobOutput::Forecast(f) => f,
    };
    let summary = &f.summary;
    if let (Some(s), false) = (&f.summary.selection, a.quiet) {
        eprintln!("{}", s.describe());
    }
    if let Some(w) = f.summary.selection.as_ref().and_then(|s| s.warning.as_ref()) {
        eprintln!("warning: {w}");
    }
    if summary.interrupted {
        eprintln!("interrupted: {} of {} runs finished; the summary covers those runs", summary.runs, runs);
    }
    if let Some(out) = &a.out {
        write_atomic(out, &crate::json_file(summary)?)?;
    }
    if let Some(r) = &a.report {
        crate::web_cmd::write_forecast_report(r, summary, loaded, job.label())?;
    }
    if !summary.interrupted && (a.save.is_some() || a.ledger.is_some()) {
        let part = truce_forecast::saved::from_job(&job, &f)?;
        if let Some(path) = &a.save {
            write_atomic(path, &truce_forecast::part::encode(&part))?;
        }
        if let Some(dir) = &a.ledger {
            let r = crate::ledger_cmd::append(dir, &part)?;
            if !a.quiet {
                eprintln!(
                    "recorded as forecast #{} in {} (issued {}, hash {})",
                    r.seq,
                    dir.display(),
                    r.issued,
                    &r.hash[..16]
                );
            }
        }
    }
    if !a.quiet || a.format == ReportFormat::Json {
        let mut w = std::io::stdout().lock();
        match a.format {
            ReportFormat::Json => {
                serde_json::to_writer_pretty(&mut w, summary)?;
                writeln!(w)?;
            }
            ReportFormat::Table => print_table(summary, loaded, &mut w)?,
        }
    }
    if summary.interrupted {
        return Err(CliError("stopped by Ctrl-C".into()));
    }
    Ok(())
}

/// The forecast as a table for people.
fn print_table(s: &Summary, l: &Loaded, w: &mut impl Write) -> std::io::Result<()> {
    let p = &l.params;
    writeln!(w, "{} — {}", s.scenario, l.scenario.scenario.title)?;
    writeln!(
        w,
        "{} runs, seed {}, start {}, horizon {} weeks{}",
        s.runs,
        s.seed,
        s.start,
        s.horizon_weeks,
        if s.interrupted { " (interrupted)" } else { "" }
    )?;
    if let Some(f) = &s.filter {
        writeln!(
            w,
            "Conditioned on {} observations up to {} (the scenario's first {} weeks, from {}; the forecast starts \
             the week after): log-likelihood {:.2}, smallest ESS {:.0} of {} particles, {} filtering failures",
            f.observations,
            f.as_of,
            f.weeks_assimilated,
            f.scenario_start,
            f.loglik,
            f.min_ess,
            f.particles,
            f.failures
        )?;
        if f.ignored_before_start > 0 {
            writeln!(
                w,
                "({} observations dated before the scenario's start were not assimilated)",
                f.ignored_before_start
            )?;
        }
    }
    writeln!(w)?;
    let sides: Vec<&str> = p.sides.iter().map(|s| s.name.as_str()).collect();
    let header = |w: &mut dyn Write| -> std::io::Result<()> {
        write!(w, "{:<26}", "")?;
        for r in &s.at {
            write!(w, " {:>14}", r.label)?;
        }
        writeln!(w)?;
        write!(w, "{:<26}", "")?;
        for r in &s.at {
            write!(w, " {:>14}", r.date.to_string())?;
        }
        writeln!(w)
    };
    let cell = |w: &mut dyn Write, pr: &Prob| write!(w, " {:>7.1}% ±{:>4.1}", 100.0 * pr.p, 100.0 * pr.se);
    writeln!(w, "Events by date: probability that each has happened by then (± Monte Carlo standard error, points)")?;
    header(w)?;
    // Only the events this scenario can produce (the JSON keeps every row).
    for e in WarEvent::ALL.into_iter().filter(|e| e.possible_in(p)) {
        write!(w, "{:<26}", e.label(&sides))?;
        for r in &s.at {
            cell(w, &r.events[e.name()])?;
        }
        writeln!(w)?;
    }
    writeln!(w)?;
    writeln!(w, "State at date: share of runs in each state then (± Monte Carlo standard error, points)")?;
    header(w)?;
    for k in WarState::ALL {
        write!(w, "{:<26}", k.label(&sides))?;
        for r in &s.at {
            cell(w, &r.states[k.name()])?;
        }
        writeln!(w)?;
    }
    let held = s.ceasefire_held_to_horizon;
    writeln!(
        w,
        "Ceasefire that held to the horizon (in force at the end of week {}): {:.1}% ± {:.1}",
        s.horizon_weeks,
        100.0 * held.p,
        100.0 * held.se
    )?;
    // What broke each side that collapsed: a threshold of the front is not an army that broke.
    for line in s.collapse_sentences(&sides) {
        writeln!(w, "{line}")?;
    }
    let cl = &s.ceasefire_line;
    if cl.n > 0 {
        writeln!(
            w,
            "Line at the first ceasefire ({} runs; km² held by {}): p10 {:.0} / p50 {:.0} / p90 {:.0}",
            cl.n, p.sides[0].name, cl.p10, cl.p50, cl.p90
        )?;
    }
    writeln!(w)?;
    let settled = s.terms.values().next().map_or(0, |t| t.n);
    writeln!(w, "Settlement terms ({} settled runs; 0–100 scale)", settled)?;
    writeln!(w, "{:<14} {:>7} {:>7} {:>7} {:>7}   0 = … / 100 = …", "issue", "mean", "p10", "p50", "p90")?;
    for (k, id) in p.issue_ids.iter().enumerate() {
        let t = &s.terms[id];
        let ends = format!("{} / {}", l.scenario.issues[k].low, l.scenario.issues[k].high);
        writeln!(w, "{:<14} {:>7.1} {:>7.1} {:>7.1} {:>7.1}   {}", id, t.mean, t.p10, t.p50, t.p90, ends)?;
    }
    if let Some(m) = s.median_weeks_to_settlement {
        writeln!(w, "median time to settlement (settled runs): {m:.0} weeks")?;
    }
    writeln!(w)?;
    writeln!(
        w,
        "Line of control: km² held by {} (p5 / p25 / p50 / p75 / p95) and change since the start (p10 / p50 / p90)",
        p.sides[0].name
    )?;
    let weeks: Vec<u32> = s.at.iter().map(|r| r.week - 1).collect();
    for &wk in &weeks {
        let (r, c) = (&s.km2_quantiles[wk as usize], &s.km2_change_quantiles[wk as usize]);
        writeln!(
            w,
            "  {}  {:>9.0} {:>9.0} {:>9.0} {:>9.0} {:>9.0}   {:>+8.0} {:>+8.0} {:>+8.0}",
            r.date, r.p5, r.p25, r.p50, r.p75, r.p95, c.p10, c.p50, c.p90
        )?;
    }
    if !s.monthly_change.is_empty() {
        writeln!(w, "Net change over calendar months (km², p10 / p50 / p90; the first month from the start)")?;
        for (i, m) in s.monthly_change.iter().enumerate().filter(|(i, _)| *i < 6 || i % 6 == 5) {
            let note = if i == 0 { "  (from the start)" } else { "" };
            writeln!(w, "  {}  {:>+8.0} {:>+8.0} {:>+8.0}{}", m.month, m.p10, m.p50, m.p90, note)?;
        }
    }
    writeln!(w)?;
    writeln!(w, "Cumulative casualties since the start (p10 / p50 / p90)")?;
    for (i, side) in s.sides.iter().enumerate() {
        for &wk in &weeks {
            let c = &s.casualties_by_week[side][wk as usize];
            writeln!(w, "  {:<12} {}  {:>9.0} {:>9.0} {:>9.0}", p.sides[i].name, c.date, c.p10, c.p50, c.p90)?;
        }
    }
    writeln!(w)?;
    writeln!(w, "Why talks failed (share of blocked talk slots, runs at war in the period)")?;
    write!(w, "  {:<12} {:>9}", "period to", "slots")?;
    for b in truce_engine::talk::Blocker::ALL {
        write!(w, " {:>12}", b.name())?;
    }
    writeln!(w)?;
    for r in s.why.iter().filter(|r| r.week > r.from) {
        write!(w, "  {:<12} {:>9}", r.label, r.slots)?;
        for b in truce_engine::talk::Blocker::ALL {
            write!(w, " {:>11.0}%", 100.0 * r.shares[b.name()])?;
        }
        writeln!(w)?;
    }
    writeln!(w)?;
    write!(w, "Bargaining range open (share of runs at war):")?;
    for r in s.range_open.iter().filter(|r| r.week % 26 == 25) {
        write!(w, "  wk {} {:.0}%", r.week + 1, 100.0 * r.share_open)?;
    }
    writeln!(w)?;
    writeln!(w)?;
    writeln!(
        w,
        "Parameters that moved the outcome most (Spearman, first {} runs)",
        truce_forecast::ensemble::RANK_RUNS.min(s.runs)
    )?;
    writeln!(w, "  {:<42} {:>9} {:>9} {:>9}", "parameter", "settled", "end week", "final km²")?;
    for x in s.sensitivity.iter().take(6) {
        writeln!(
            w,
            "  {:<42} {:>+9.2} {:>+9.2} {:>+9.2}",
            x.parameter, x.spearman["settled"], x.spearman["end_week"], x.spearman["final_km2"]
        )?;
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Part files written by `truce forecast --shard K/N --out FILE`.
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Also write the JSON summary to this file (atomically).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write a self-contained HTML report with charts to this file (atomically).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Also save the merged forecast to this file (a part file 1/1) for `truce score`.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
}

/// `truce merge`: the exact single-process result from shards.
pub fn merge(a: &MergeArgs) -> Result<(), CliError> {
    let mut files = Vec::new();
    for p in &a.parts {
        let bytes = std::fs::read(p).map_err(|e| CliError(format!("{}: cannot read: {e}", p.display())))?;
        files.push((p.display().to_string(), bytes));
    }
    let merged = job::merge(&files).map_err(job_error)?;
    let summary = &merged.summary;
    if let Some(out) = &a.out {
        write_atomic(out, &crate::json_file(summary)?)?;
    }
    if let Some(path) = &a.save {
        write_atomic(path, &truce_forecast::part::encode(&merged.part))?;
    }
    if let Some(r) = &a.report {
        let loaded = merged.loaded().map_err(job_error)?;
        crate::web_cmd::write_forecast_report(r, summary, &loaded, job::MERGED_LABEL)?;
    }
    let mut w = std::io::stdout().lock();
    match a.format {
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut w, summary)?;
            writeln!(w)?;
        }
        ReportFormat::Table => print_table(summary, &merged.loaded().map_err(job_error)?, &mut w)?,
    }
    Ok(())
}
