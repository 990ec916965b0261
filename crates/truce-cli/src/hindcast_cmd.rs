//! `truce hindcast SCENARIO --observations OBS --origins 2024-06..2025-11 --leads 1,3,6`:
//! rolling-origin hindcasts scored next to the baselines (`docs/hindcast.md`).

use crate::CliError;
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use truce_engine::builtin;
use truce_forecast::hindcast::{add_months, hindcast, Hindcast, HindcastOptions};
use truce_forecast::job::Source;
use truce_forecast::observation::{CivilDate, StartRule};
use truce_forecast::scorecard::Means;
use truce_io::output::write_atomic;

/// What `truce hindcast` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum HindcastFormat {
    /// A table for people.
    #[default]
    Table,
    /// The whole hindcast as JSON.
    Json,
    /// The score table in Markdown (what README's "How good are the forecasts?" shows).
    Markdown,
}

/// Runs per origin by default: 20 origins × 3 leads take well under two minutes on two cores.
pub const DEFAULT_RUNS: u64 = 20_000;

#[derive(Args, Debug)]
pub struct HindcastArgs {
    /// Scenario: a TOML file or a built-in name.
    #[arg(default_value = builtin::DEFAULT)]
    pub scenario: String,
    /// Observations CSV (`date,quantity,value,sd,source`): km2_held (and state) rows.
    #[arg(long)]
    pub observations: PathBuf,
    /// Origins, months: `2024-06..2025-11` (every month in between) or `2024-06,2025-01`.
    #[arg(long)]
    pub origins: String,
    /// Leads in months, e.g. `1,3,6`.
    #[arg(long, default_value = "1,3,6")]
    pub leads: String,
    /// Runs per origin.
    #[arg(short = 'n', long = "runs", default_value_t = DEFAULT_RUNS)]
    pub runs: u64,
    /// Master seed; each origin's seed is derived from it and the origin.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores). The result does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Learn from the data: start each origin 12 months earlier at the first observation of
    /// that window, with the scenario's own priors, and condition on every observation before
    /// the origin with the particle filter (instead of estimating the drift).
    #[arg(long)]
    pub assimilate: bool,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value_t = HindcastFormat::Table)]
    pub format: HindcastFormat,
    /// Also write the JSON to this file (atomically).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write a self-contained HTML report (the fans over the observed series).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// No progress line.
    #[arg(long, short)]
    pub quiet: bool,
}

fn month(s: &str) -> Result<CivilDate, CliError> {
    let bad = || CliError(format!("--origins: `{s}` is not a month; expected YYYY-MM, e.g. 2024-06"));
    let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
    let d = CivilDate { year: y.parse().map_err(|_| bad())?, month: m.parse().map_err(|_| bad())?, day: 1 };
    if y.len() != 4 || !d.is_valid() {
        return Err(bad());
    }
    Ok(d)
}

/// `2024-06..2025-11` or `2024-06,2024-09`: first days of months, ascending.
pub fn parse_origins(s: &str) -> Result<Vec<CivilDate>, CliError> {
    let out = if let Some((a, b)) = s.split_once("..") {
        let (a, b) = (month(a)?, month(b)?);
        if b < a {
            return Err(CliError(format!("--origins: `{s}` ends before it starts")));
        }
        let mut v = vec![a];
        while *v.last().expect("non-empty") < b {
            v.push(add_months(*v.last().expect("non-empty"), 1));
        }
        v
    } else {
        s.split(',').map(month).collect::<Result<Vec<_>, _>>()?
    };
    if out.windows(2).any(|w| w[1] <= w[0]) {
        return Err(CliError(format!("--origins: `{s}`: months must be ascending")));
    }
    if out.len() > 240 {
        return Err(CliError(format!("--origins: {} origins; at most 240", out.len())));
    }
    Ok(out)
}

/// `1,3,6`: leads in months, 1–60, ascending.
pub fn parse_leads(s: &str) -> Result<Vec<u32>, CliError> {
    let leads: Vec<u32> = s
        .split(',')
        .map(|x| x.trim().parse::<u32>().ok().filter(|l| (1..=60).contains(l)))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| CliError(format!("--leads: `{s}`; expected months from 1 to 60, e.g. 1,3,6")))?;
    if leads.windows(2).any(|w| w[1] <= w[0]) {
        return Err(CliError(format!("--leads: `{s}`: leads must be ascending")));
    }
    Ok(leads)
}

pub fn run(a: &HindcastArgs) -> Result<(), CliError> {
    let origins = parse_origins(&a.origins)?;
    let leads = parse_leads(&a.leads)?;
    if a.runs == 0 {
        return Err(CliError("-n/--runs must be at least 1".into()));
    }
    let (label, text) = Source::Named(a.scenario.clone()).read().map_err(crate::forecast_cmd::job_error)?;
    let loaded = truce_engine::load::load_str(&label, &text)?;
    let sides: Vec<String> = loaded.params.sides.iter().map(|s| s.id.clone()).collect();
    let obs = truce_io::observations::read_observations(&a.observations, &sides, StartRule::NoCasualties)?;
    for p in [&a.out, &a.report].into_iter().flatten() {
        crate::web_cmd::probe(p)?;
    }
    let show = !a.quiet && std::io::stderr().is_terminal();
    let progress = |i: usize, n: usize| {
        if show {
            eprint!("\rorigin {i}/{n}");
            if i == n {
                eprintln!();
            }
        }
    };
    let opts =
        HindcastOptions { origins, leads, runs: a.runs, seed: a.seed, threads: a.threads, assimilate: a.assimilate };
    let h = hindcast(&label, &text, &obs, &opts, &progress).map_err(|e| CliError(e.to_string()))?;
    if let Some(out) = &a.out {
        write_atomic(out, &crate::json_file(&h)?)?;
    }
    if let Some(r) = &a.report {
        let meta = truce_web::report::ReportMeta {
            version: truce_web::report::VERSION.into(),
            seed: a.seed,
            runs: a.runs,
            generated: crate::web_cmd::now_utc(),
            source: label.clone(),
        };
        let html = truce_web::hindcast_report::hindcast_report(&h, &a.observations.display().to_string(), &meta);
        write_atomic(r, html.as_bytes())?;
    }
    let mut w = std::io::stdout().lock();
    match a.format {
        HindcastFormat::Json => {
            serde_json::to_writer_pretty(&mut w, &h)?;
            writeln!(w)?;
        }
        HindcastFormat::Table => print_table(&h, &a.observations.display().to_string(), &mut w)?,
        HindcastFormat::Markdown => print_markdown(&h, &mut w)?,
    }
    Ok(())
}

fn skill(truce: f64, base: f64) -> String {
    if base > 0.0 {
        format!("{:+.0}%", 100.0 * (1.0 - truce / base))
    } else {
        "—".into()
    }
}

/// The hindcast as a table for people.
pub fn print_table(h: &Hindcast, obs: &str, w: &mut impl Write) -> std::io::Result<()> {
    writeln!(w, "Hindcast of {} against {} ({} runs per origin, seed {})", h.scenario, obs, h.runs, h.seed)?;
    writeln!(w, "{} origins forecast, {} skipped", h.origins.len(), h.skipped.len())?;
    writeln!(w)?;
    writeln!(w, "Area held (km²): mean CRPS per lead on identical cases (lower is better)")?;
    writeln!(
        w,
        "{:>5} {:>6} {:>9} {:>10} {:>10} {:>12} {:>12}   {:<17} {:>9}",
        "lead", "cases", "truce", "no change", "drift 12m", "vs no change", "vs drift", "truce in 50/80/90", "IS90"
    )?;
    for t in h.by_lead.iter().filter(|t| t.quantity == "km2_held") {
        if let (
            Some(Means::Numeric { crps, coverage_50, coverage_80, coverage_90, interval_score_90, .. }),
            Some(Means::Numeric { crps: nc, .. }),
            Some(Means::Numeric { crps: dr, .. }),
        ) = (t.truce, t.no_change, t.drift_12m)
        {
            writeln!(
                w,
                "{:>4}m {:>6} {:>9.0} {:>10.0} {:>10.0} {:>12} {:>12}   {:>4.0}/{:>3.0}/{:>3.0}%     {:>9.0}",
                t.lead,
                t.cases,
                crps,
                nc,
                dr,
                skill(crps, nc),
                skill(crps, dr),
                100.0 * coverage_50,
                100.0 * coverage_80,
                100.0 * coverage_90,
                interval_score_90
            )?;
        }
    }
    let states: Vec<_> = h.by_lead.iter().filter(|t| t.quantity == "state").collect();
    if !states.is_empty() {
        writeln!(w)?;
        writeln!(w, "State: mean log score (nats) and Brier score per lead")?;
        for t in states {
            let cell = |m: &Option<Means>| match m {
                Some(Means::State { log_score, brier }) => format!("{log_score:.3} / {brier:.3}"),
                _ => "—".into(),
            };
            writeln!(
                w,
                "{:>4}m {:>6} truce {}  no change {}  12-month frequencies {}",
                t.lead,
                t.cases,
                cell(&t.truce),
                cell(&t.no_change),
                cell(&t.drift_12m)
            )?;
        }
    }
    writeln!(w)?;
    let total: u64 = h.pit.truce.iter().sum();
    writeln!(w, "PIT histogram of truce's area forecasts ({} cases, 10 bins; flat when calibrated):", total)?;
    writeln!(w, "  {}", h.pit.truce.iter().map(|c| format!("{c:>3}")).collect::<Vec<_>>().join(" "))?;
    writeln!(w)?;
    writeln!(w, "Origins: start km² (observed), drift km²/week ± se (seasonality removed), re-dating")?;
    for o in &h.origins {
        let s = &o.setup;
        writeln!(
            w,
            "  {}  {:>8.0} ({})  {:>6.1} ± {:>5.1}  {}",
            s.origin,
            s.start_km2,
            s.start_km2_date,
            s.drift.per_week,
            s.drift.se,
            if s.changes.is_empty() { "as written".into() } else { s.changes.join("; ") }
        )?;
        if let Some(f) = &o.filter {
            writeln!(
                w,
                "      --assimilate: started {} from {:.0} km² (the drift above is not used), conditioned on {} \
                 observations to {}: log-likelihood {:.1}, smallest ESS {:.0} of {}, {} failures",
                f.scenario_start, s.start_km2, f.observations, f.as_of, f.loglik, f.min_ess, f.particles, f.failures
            )?;
        }
    }
    for s in &h.skipped {
        writeln!(w, "  {}  skipped: {}", s.origin, s.reason)?;
    }
    Ok(())
}

/// The per-lead scores as a Markdown table, with the PIT histogram and the origins used.
pub fn print_markdown(h: &Hindcast, w: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        w,
        "| lead | cases | truce CRPS (km²) | no change | drift, 12 months | truce vs no change | truce vs drift | truce in central 50/80/90% |"
    )?;
    writeln!(w, "|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    for t in h.by_lead.iter().filter(|t| t.quantity == "km2_held") {
        if let (
            Some(Means::Numeric { crps, coverage_50, coverage_80, coverage_90, .. }),
            Some(Means::Numeric { crps: nc, .. }),
            Some(Means::Numeric { crps: dr, .. }),
        ) = (t.truce, t.no_change, t.drift_12m)
        {
            writeln!(
                w,
                "| {} month{} | {} | {:.0} | {:.0} | {:.0} | {} | {} | {:.0}% / {:.0}% / {:.0}% |",
                t.lead,
                if t.lead == 1 { "" } else { "s" },
                t.cases,
                crps,
                nc,
                dr,
                skill(crps, nc),
                skill(crps, dr),
                100.0 * coverage_50,
                100.0 * coverage_80,
                100.0 * coverage_90
            )?;
        }
    }
    if h.origins.iter().any(|o| o.filter.is_some()) {
        writeln!(w)?;
        writeln!(
            w,
            "With `--assimilate`: each origin conditioned by the particle filter on every observation of the 12 months \
             before it (the drift is not estimated)."
        )?;
    }
    let first = h.origins.first().map(|o| o.setup.origin.to_string()).unwrap_or_default();
    let last = h.origins.last().map(|o| o.setup.origin.to_string()).unwrap_or_default();
    writeln!(w)?;
    writeln!(
        w,
        "{} origins from {first} to {last} ({} skipped: `--format table` says why), {} runs each, seed {}; \
         PIT histogram of truce (10 bins): {}.",
        h.origins.len(),
        h.skipped.len(),
        h.runs,
        h.seed,
        h.pit.truce.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" ")
    )?;
    Ok(())
}
