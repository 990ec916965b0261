//! Rendering of model results as tables, CSV and JSON.

use crate::{Format, ReportFormat};
use serde_json::{json, Map, Value};
use std::io::Write;
use truce_bargain::backtest::BacktestReport;
use truce_bargain::Solution;

/// JSON value of a solution: `{"model", "issues": [{"issue", "rounds": [{"round", "forecast",
/// "median", "mean", "positions": {actor: x}}]}], "notes", "diagnostics"?}`.
pub fn solution_json(sol: &Solution) -> Value {
    let issues: Vec<Value> = sol
        .issues
        .iter()
        .map(|is| {
            let rounds: Vec<Value> = is
                .rounds
                .iter()
                .map(|r| {
                    let mut pos = Map::new();
                    for (a, p) in sol.actors.iter().zip(&r.positions) {
                        if let Some(p) = p {
                            pos.insert(a.clone(), json!(p));
                        }
                    }
                    json!({"round": r.round, "forecast": r.forecast, "median": r.median, "mean": r.mean, "positions": pos})
                })
                .collect();
            json!({"issue": is.issue, "rounds": rounds})
        })
        .collect();
    let mut v = json!({"model": sol.model, "issues": issues, "notes": sol.notes});
    if let Some(d) = &sol.diagnostics {
        v["diagnostics"] = serde_json::to_value(d).unwrap_or(Value::Null);
    }
    v
}

pub fn print_solution(sol: &Solution, format: Format, w: &mut impl Write) -> std::io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *w, &solution_json(sol))?;
            writeln!(w)
        }
        Format::Csv => {
            let turn = sol.diagnostics.is_some();
            if turn {
                writeln!(w, "turn,actor,issue,position")?;
            } else {
                writeln!(w, "round,issue,actor,position")?;
            }
            for is in &sol.issues {
                for r in &is.rounds {
                    for (a, p) in sol.actors.iter().zip(&r.positions) {
                        if let Some(p) = p {
                            if turn {
                                writeln!(w, "{},{},{},{}", r.round, csv_field(a), csv_field(&is.issue), p)?;
                            } else {
                                writeln!(w, "{},{},{},{}", r.round, csv_field(&is.issue), csv_field(a), p)?;
                            }
                        }
                    }
                    if turn {
                        writeln!(w, "{},_forecast,{},{}", r.round, csv_field(&is.issue), r.forecast)?;
                    } else {
                        writeln!(w, "{},{},_forecast,{}", r.round, csv_field(&is.issue), r.forecast)?;
                    }
                }
            }
            Ok(())
        }
        Format::Table => {
            writeln!(w, "model: {}", sol.model)?;
            for is in &sol.issues {
                writeln!(w, "\nissue: {}", is.issue)?;
                let change = sol.diagnostics.as_ref().map(|d| &d.fractional_change);
                write!(w, "{:>5}  {:>10}  {:>10}  {:>10}", "round", "forecast", "median", "mean")?;
                if change.is_some() {
                    write!(w, "  {:>12}", "frac. change")?;
                }
                writeln!(w)?;
                for r in &is.rounds {
                    write!(w, "{:>5}  {:>10.4}  {:>10.4}  {:>10.4}", r.round, r.forecast, r.median, r.mean)?;
                    if let Some(c) = change {
                        match r.round.checked_sub(1).and_then(|i| c.get(i)) {
                            Some(x) => write!(w, "  {x:>12.4}")?,
                            None => write!(w, "  {:>12}", "")?,
                        }
                    }
                    writeln!(w)?;
                }
            }
            if let Some(d) = &sol.diagnostics {
                if !d.final_distribution.is_empty() {
                    writeln!(w, "\nfinal distribution over distinct positions:")?;
                    for o in &d.final_distribution {
                        let who: Vec<&str> = o.actors.iter().map(|&a| sol.actors[a].as_str()).collect();
                        let pos: Vec<String> = o.position.iter().map(|x| format!("{x:.2}")).collect();
                        writeln!(w, "  p = {:.4}  at ({})  held by {}", o.probability, pos.join(", "), who.join(", "))?;
                    }
                }
            }
            for n in &sol.notes {
                writeln!(w, "note: {n}")?;
            }
            writeln!(w)
        }
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn print_backtest(
    r: &BacktestReport,
    format: ReportFormat,
    per_issue: bool,
    w: &mut impl Write,
) -> std::io::Result<()> {
    let n_issues = r.issues.len();
    match format {
        ReportFormat::Json => {
            let mut models = Map::new();
            for (m, s) in r.models.iter().zip(&r.summaries) {
                models.insert(m.clone(), json!({"n": s.n, "mae": s.mae, "rmse": s.rmse, "median_ae": s.median_ae}));
            }
            let mut v = json!({"issues_scored": n_issues, "models": models});
            if !r.notes.is_empty() {
                v["notes"] = r.notes.iter().map(|(n, c)| json!({"note": n, "count": c})).collect();
            }
            if per_issue {
                v["issues"] = r
                    .issues
                    .iter()
                    .map(|i| {
                        let f: Map<String, Value> =
                            r.models.iter().zip(&i.forecasts).map(|(m, f)| (m.clone(), json!(f))).collect();
                        json!({"proposal": i.group, "issue": i.issue, "outcome": i.outcome, "forecasts": f})
                    })
                    .collect();
            }
            serde_json::to_writer_pretty(&mut *w, &v)?;
            writeln!(w)
        }
        ReportFormat::Table => {
            writeln!(w, "issues scored: {n_issues}")?;
            writeln!(w, "{:<18} {:>5} {:>8} {:>8} {:>10}", "model", "n", "MAE", "RMSE", "median AE")?;
            for (m, s) in r.models.iter().zip(&r.summaries) {
                writeln!(w, "{:<18} {:>5} {:>8.2} {:>8.2} {:>10.2}", m, s.n, s.mae, s.rmse, s.median_ae)?;
            }
            for (n, c) in &r.notes {
                writeln!(w, "note ({c} issues): {n}")?;
            }
            if per_issue {
                write!(w, "\n{:<10} {:<14} {:>8}", "proposal", "issue", "outcome")?;
                for m in &r.models {
                    write!(w, " {:>16}", m)?;
                }
                writeln!(w)?;
                for i in &r.issues {
                    write!(w, "{:<10} {:<14} {:>8.1}", i.group, i.issue, i.outcome)?;
                    for f in &i.forecasts {
                        match f {
                            Some(f) => write!(w, " {:>8.2} ({:>+6.1})", f, f - i.outcome)?,
                            None => write!(w, " {:>16}", "—")?,
                        }
                    }
                    writeln!(w)?;
                }
            }
            Ok(())
        }
    }
}
