//! `truce score FORECAST OBSERVATIONS`: a saved forecast scored against what was observed,
//! next to the no-change and 12-month drift baselines (`docs/observations.md`); with
//! `--ledger DIR`, every forecast stored in a ledger.

use crate::{CliError, ReportFormat};
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};
use truce_forecast::observation::StartRule;
use truce_forecast::scorecard::{score, Means, Scorecard, Scores, Stored, Total};
use truce_io::output::write_atomic;

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// FORECAST OBSERVATIONS: a forecast saved with `truce forecast --save` (or `truce merge
    /// --save`) and an observations CSV (`date,quantity,value,sd,source`). With --ledger,
    /// only OBSERVATIONS.
    #[arg(required = true, num_args = 1..=2, value_name = "FILES")]
    pub files: Vec<PathBuf>,
    /// Score every forecast stored in this ledger directory (`truce forecast --ledger`).
    #[arg(long, value_name = "DIR")]
    pub ledger: Option<PathBuf>,
    /// Seed of the randomised PIT and of the drift baseline's draws.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Also write the JSON to this file (atomically).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Reads a saved forecast.
pub fn read_saved(path: &Path) -> Result<truce_forecast::part::Part, CliError> {
    let bytes = std::fs::read(path).map_err(|e| CliError(format!("{}: cannot read: {e}", path.display())))?;
    Ok(truce_forecast::saved::decode(&path.display().to_string(), &bytes)?)
}

/// Scores one saved forecast against an observations file.
pub fn score_file(
    forecast: &truce_forecast::part::Part,
    observations: &Path,
    seed: u64,
) -> Result<Scorecard, CliError> {
    let agg = &forecast.aggregate;
    let obs =
        truce_io::observations::read_observations(observations, &agg.sides, StartRule::CasualtiesFrom(forecast.start))?;
    Ok(score(&Stored { aggregate: agg, start: forecast.start }, &agg.sides, &obs, seed))
}

pub fn run(a: &ScoreArgs) -> Result<(), CliError> {
    if let Some(dir) = &a.ledger {
        let [obs] = a.files.as_slice() else {
            return Err(CliError("with --ledger DIR, give only the observations file".into()));
        };
        return crate::ledger_cmd::score_ledger(dir, obs, a);
    }
    let [forecast, obs] = a.files.as_slice() else {
        return Err(CliError("expected FORECAST OBSERVATIONS (or --ledger DIR OBSERVATIONS)".into()));
    };
    if let Some(out) = &a.out {
        crate::web_cmd::probe(out)?;
    }
    let part = read_saved(forecast)?;
    let card = score_file(&part, obs, a.seed)?;
    if let Some(out) = &a.out {
        write_atomic(out, &crate::json_file(&card)?)?;
    }
    let mut w = std::io::stdout().lock();
    match a.format {
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut w, &card)?;
            writeln!(w)?;
        }
        ReportFormat::Table => {
            writeln!(
                w,
                "{} ({} runs, seed {}) scored against {}",
                part.aggregate.scenario,
                part.aggregate.runs,
                part.aggregate.seed,
                obs.display()
            )?;
            print_card(&card, &mut w)?;
        }
    }
    Ok(())
}

fn num(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.3}")
    }
}

fn cell(s: &Option<Scores>) -> String {
    match s {
        Some(Scores::Numeric { crps, .. }) => num(*crps),
        Some(Scores::State { log_score, .. }) => format!("{log_score:.3}"),
        None => "—".into(),
    }
}

fn mean_cells(m: &Option<Means>) -> String {
    match m {
        Some(Means::Numeric { crps, coverage_50, coverage_80, coverage_90, .. }) => format!(
            "CRPS {:>9}  in 50/80/90%: {:>3.0}/{:>3.0}/{:>3.0}%",
            num(*crps),
            100.0 * coverage_50,
            100.0 * coverage_80,
            100.0 * coverage_90
        ),
        Some(Means::State { log_score, brier }) => format!("log {log_score:.3} nats  Brier {brier:.3}"),
        None => "—".into(),
    }
}

/// The scorecard as a table for people.
pub fn print_card(card: &Scorecard, w: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        w,
        "forecast from {} for {} weeks; {} observations before the start (the baselines' history), {} after the end",
        card.start, card.weeks, card.before_start, card.after_end
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "{:<11} {:<20} {:>10} {:>10} {:>6} {:>9}  {:>9} {:>9} {:>9}",
        "date", "quantity", "observed", "median", "PIT", "50/80/90", "truce", "no change", "drift 12m"
    )?;
    writeln!(w, "{:>97}", "(CRPS, or log score for states)")?;
    for c in &card.cases {
        let observed = c.value.map(num).or_else(|| c.state.clone()).unwrap_or_default();
        let (median, pit, inside) = match c.truce {
            Scores::Numeric { median, pit, in_50, in_80, in_90, .. } => (
                num(median),
                format!("{pit:.2}"),
                [in_50, in_80, in_90].iter().map(|&b| if b { "y" } else { "n" }).collect::<Vec<_>>().join("/"),
            ),
            Scores::State { p_observed, .. } => (format!("p={p_observed:.3}"), String::new(), String::new()),
        };
        writeln!(
            w,
            "{:<11} {:<20} {:>10} {:>10} {:>6} {:>9}  {:>9} {:>9} {:>9}",
            c.date.to_string(),
            c.quantity,
            observed,
            median,
            pit,
            inside,
            cell(&Some(c.truce)),
            cell(&c.no_change),
            cell(&c.drift_12m)
        )?;
    }
    if card.cases.is_empty() {
        writeln!(w, "  (no observation lies inside the forecast)")?;
    }
    for n in &card.not_scored {
        writeln!(w, "  line {}: not scored: {}", n.line, n.reason)?;
    }
    writeln!(w)?;
    writeln!(w, "Totals (means; baselines and truce compared on the cases all three could score)")?;
    for t in &card.totals {
        print_total(t, w)?;
    }
    writeln!(w)?;
    writeln!(
        w,
        "Scores are against the value as observed (the sd is not convolved in); state probabilities floored at {}.",
        card.state_floor
    )?;
    Ok(())
}

fn print_total(t: &Total, w: &mut impl Write) -> std::io::Result<()> {
    writeln!(w, "  {} — {} cases: truce {}", t.quantity, t.cases, mean_cells(&t.truce))?;
    if t.compared > 0 {
        writeln!(w, "    on the {} compared cases:", t.compared)?;
        writeln!(w, "      truce      {}", mean_cells(&t.truce_compared))?;
        writeln!(w, "      no change  {}", mean_cells(&t.no_change))?;
        writeln!(w, "      drift 12m  {}", mean_cells(&t.drift_12m))?;
    } else {
        writeln!(w, "    no case could be scored by the baselines (no history before the start)")?;
    }
    Ok(())
}
