//! `truce backcast`: forecast wars whose ends we know from the day their talks opened, and
//! score each forecast on what happened (`docs/backcast.md`).
//!
//! Thin: it resolves each case to a forecast job and an outcome file, runs the job
//! (`truce_forecast::backcast::forecast_case`, which never sees the outcome), scores it
//! (`score_case`) and prints a table, JSON or an HTML report.

use crate::forecast_cmd::job_error;
use crate::{CliError, ReportFormat};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use truce_engine::builtin;
use truce_forecast::backcast::{
    builtin_outcome, forecast_case, read_wars, score_case, Backcast, CaseScore, Outcome, COW_WARS_CSV, STATES,
};
use truce_forecast::job::{ForecastJob, Source};
use truce_io::output::write_atomic;

/// Default runs per case: all five built-in cases finish in well under a minute on two
/// cores.
pub const DEFAULT_RUNS: u64 = 20_000;

/// The arguments of `truce backcast`.
#[derive(Args, Debug)]
pub struct BackcastArgs {
    /// Cases: built-in back-cast scenarios (default: all of them) or scenario files; a
    /// scenario without a built-in outcome needs --outcome.
    pub cases: Vec<String>,
    /// Outcome file of a case without a built-in outcome (repeat it: the files pair with
    /// those cases in order). Format: docs/backcast.md.
    #[arg(long = "outcome", value_name = "FILE")]
    pub outcomes: Vec<PathBuf>,
    /// Runs per case.
    #[arg(short = 'n', long = "runs", default_value_t = DEFAULT_RUNS)]
    pub runs: u64,
    /// Seed of every case's forecast (the same seed gives the same scores).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores). The result does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Also write the JSON to this file (atomically).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write a self-contained HTML report to this file (atomically).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// No table (errors still print).
    #[arg(long, short)]
    pub quiet: bool,
}

/// One case to score: its scenario source and its outcome file (label, text).
struct Case {
    source: Source,
    outcome: (String, String),
}

/// Pairs each case with its outcome: a built-in back-cast case with its built-in outcome,
/// every other case with the next --outcome file.
fn resolve(a: &BackcastArgs) -> Result<Vec<Case>, CliError> {
    let names: Vec<String> =
        if a.cases.is_empty() { builtin::BACKCAST.iter().map(|s| s.to_string()).collect() } else { a.cases.clone() };
    let mut files = a.outcomes.iter();
    let mut cases = Vec::with_capacity(names.len());
    for name in &names {
        let is_file = std::path::Path::new(name).is_file();
        let outcome = match (is_file, builtin_outcome(name)) {
            (false, Some(text)) => (format!("<built-in outcome {name}>"), text.to_string()),
            _ => {
                let Some(p) = files.next() else {
                    return Err(CliError(format!(
                        "`{name}` has no built-in outcome: give its outcome file with --outcome FILE \
                         (built-in cases: {})",
                        builtin::BACKCAST.join(", ")
                    )));
                };
                let text = std::fs::read_to_string(p).map_err(|e| CliError(format!("{}: {e}", p.display())))?;
                (p.display().to_string(), text)
            }
        };
        cases.push(Case { source: Source::Named(name.clone()), outcome });
    }
    if let Some(p) = files.next() {
        return Err(CliError(format!(
            "--outcome {}: no case left to pair it with (each --outcome pairs with a case that has no built-in outcome)",
            p.display()
        )));
    }
    Ok(cases)
}

/// Runs `truce backcast`: checks every case, its outcome and the output paths first, then
/// forecasts and scores the cases in order and prints or writes the result.
pub fn backcast(a: &BackcastArgs) -> Result<(), CliError> {
    let cases = resolve(a)?;
    let wars = read_wars(COW_WARS_CSV)?;
    // Check every scenario and outcome before any forecast runs, and every output path.
    let mut jobs = Vec::with_capacity(cases.len());
    for c in &cases {
        let job = ForecastJob { threads: a.threads, ..ForecastJob::new(c.source.clone(), a.runs, a.seed) };
        let prepared = job.prepare().map_err(job_error)?;
        let l = prepared.loaded();
        let sides: Vec<String> = l.params.sides.iter().map(|s| s.id.clone()).collect();
        let outcome = Outcome::parse(&c.outcome.0, &c.outcome.1, &l.params.name, l.params.start, &sides)?;
        jobs.push((job, outcome));
    }
    if let Some(out) = &a.out {
        drop(truce_io::output::AtomicFile::create(out)?);
    }
    if let Some(r) = &a.report {
        crate::web_cmd::probe(r)?;
    }
    let mut scored = Vec::with_capacity(jobs.len());
    for (i, (job, outcome)) in jobs.iter().enumerate() {
        // The forecast is made from the job alone; the outcome enters only the score.
        let (prepared, forecast) = forecast_case(job)?;
        scored.push(score_case(&prepared, &forecast, outcome, &wars, i as u64)?);
    }
    let b = Backcast::new(scored);
    if let Some(out) = &a.out {
        write_atomic(out, &serde_json::to_vec_pretty(&b)?)?;
    }
    if let Some(r) = &a.report {
        crate::web_cmd::write_backcast_report(r, &b)?;
    }
    if !a.quiet || a.format == ReportFormat::Json {
        let mut w = std::io::stdout().lock();
        match a.format {
            ReportFormat::Json => {
                serde_json::to_writer_pretty(&mut w, &b)?;
                writeln!(w)?;
            }
            ReportFormat::Table => print_table(&b, &mut w)?,
        }
    }
    Ok(())
}

fn weeks(q: Option<f64>) -> String {
    q.map_or_else(|| "never".into(), |x| format!("{x:.0}"))
}

fn realised(c: &CaseScore) -> String {
    match &c.first_end {
        Some((s, d)) => format!("{s} {d} (wk {})", c.end_week),
        None => format!("none by {} (wk ≥ {})", c.observed_until, c.end_week),
    }
}

/// The back-cast as tables for people.
pub fn print_table(b: &Backcast, w: &mut impl Write) -> std::io::Result<()> {
    let t = &b.totals;
    let (runs, seed) = b.cases.first().map_or((0, 0), |c| (c.runs, c.seed));
    writeln!(w, "Back-cast: {} cases, {runs} runs each, seed {seed}", t.cases)?;
    writeln!(w, "truce against a base rate that knows only the war's age (COW durations, every end alike)")?;
    writeln!(w)?;
    writeln!(w, "Time to the first end of high-intensity war (weeks from the origin)")?;
    writeln!(
        w,
        "{:<15} {:<10} {:>6}  {:<38} {:>16} {:>6} {:>5}  {:>16} {:>6} {:>5}",
        "case", "origin", "age d", "realised", "truce 5/50/95%", "PIT", "in90", "base 5/50/95%", "PIT", "in90"
    )?;
    for c in &b.cases {
        let q = &c.truce_end.quantiles;
        let bq = &c.base_rate_end.quantiles;
        let pit = |p: f64| if c.censored { format!("≥{p:.2}") } else { format!("{p:.2}") };
        writeln!(
            w,
            "{:<15} {:<10} {:>6}  {:<38} {:>16} {:>6} {:>5}  {:>16} {:>6} {:>5}",
            c.case,
            c.origin.to_string(),
            c.age_days,
            realised(c),
            format!("{}/{}/{}", weeks(q[0]), weeks(q[1]), weeks(q[2])),
            pit(c.truce_end.pit),
            if c.truce_end.inside_90 { "yes" } else { "no" },
            format!("{}/{}/{}", weeks(bq[0]), weeks(bq[1]), weeks(bq[2])),
            pit(c.base_rate_end.pit),
            if c.base_rate_end.inside_90 { "yes" } else { "no" },
        )?;
    }
    writeln!(w)?;
    writeln!(w, "State of the war 1, 2 and 3 years after the origin (p: probability of what happened)")?;
    writeln!(
        w,
        "{:<15} {:>2}  {:<10} {:<17} {:>7} {:>7} {:>6} {:>6} {:>6} {:>6}",
        "case", "y", "date", "realised", "p truce", "p base", "log tr", "log bs", "Br tr", "Br bs"
    )?;
    for c in &b.cases {
        for y in &c.years {
            writeln!(
                w,
                "{:<15} {:>2}  {:<10} {:<17} {:>7.3} {:>7.3} {:>6.2} {:>6.2} {:>6.2} {:>6.2}",
                c.case,
                y.years,
                y.date.to_string(),
                y.observed,
                y.truce.p_observed,
                y.base_rate.p_observed,
                y.truce.log,
                y.base_rate.log,
                y.truce.brier,
                y.base_rate.brier
            )?;
        }
    }
    writeln!(w)?;
    let verdict = |a: f64, b: f64| if a < b { "truce better" } else { "base rate better" };
    writeln!(
        w,
        "Mean log score over {} case-years: truce {:.3}, base rate {:.3} ({})",
        t.case_years,
        t.mean_log[0],
        t.mean_log[1],
        verdict(t.mean_log[0], t.mean_log[1])
    )?;
    writeln!(w, "Mean Brier score: truce {:.3}, base rate {:.3}", t.mean_brier[0], t.mean_brier[1])?;
    for (y, m) in &t.mean_log_by_year {
        writeln!(w, "  year {y}: mean log score truce {:.3}, base rate {:.3}", m[0], m[1])?;
    }
    writeln!(
        w,
        "Realised time to the end inside the central 90%: truce {} of {}, base rate {} of {} ({} censored: counted if still possible)",
        t.inside_90[0], t.cases, t.inside_90[1], t.cases, t.censored
    )?;
    writeln!(w, "States: {}; truce's probabilities floored at (k + ½)/(n + 3).", STATES.join(", "))?;
    for c in &b.cases {
        if let Some(s) = &c.selection {
            // The library's sentence (as the forecast's report and page print it).
            writeln!(w, "{}: {}", c.case, s.note())?;
        }
    }
    Ok(())
}
