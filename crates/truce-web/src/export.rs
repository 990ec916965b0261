//! CSV exports of a forecast summary, one table at a time.

use crate::charts::date_str;
use std::fmt::Write;
use truce_forecast::summary::Summary;

/// The tables [`summary_csv`] can write.
pub const TABLES: [&str; 7] = ["outcomes", "cumulative", "terms", "fan", "casualties", "range_open", "sensitivity"];

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

/// One table of the summary as CSV (header first), or `None` for an unknown table name.
pub fn summary_csv(s: &Summary, table: &str) -> Option<String> {
    let mut o = String::new();
    match table {
        "outcomes" => {
            o.push_str("label,week,outcome,p,se\n");
            for r in &s.at {
                for (k, p) in &r.outcomes {
                    let _ = writeln!(o, "{},{},{},{},{}", field(&r.label), r.week, field(k), num(p.p), num(p.se));
                }
            }
        }
        "cumulative" => {
            let kinds: Vec<&String> = s.cumulative.first().map(|r| r.p.keys().collect()).unwrap_or_default();
            o.push_str("week,date");
            for k in &kinds {
                let _ = write!(o, ",{}", field(k));
            }
            o.push('\n');
            for r in &s.cumulative {
                let _ = write!(o, "{},{}", r.week, date_str(s.start.plus_weeks(r.week)));
                for k in &kinds {
                    let _ = write!(o, ",{}", num(r.p.get(*k).copied().unwrap_or(f64::NAN)));
                }
                o.push('\n');
            }
        }
        "terms" => {
            o.push_str("issue,n,mean,p10,p50,p90\n");
            for (k, t) in &s.terms {
                let _ =
                    writeln!(o, "{},{},{},{},{},{}", field(k), t.n, num(t.mean), num(t.p10), num(t.p50), num(t.p90));
            }
        }
        "fan" => {
            o.push_str("week,date,km2_p10,km2_p50,km2_p90\n");
            for r in &s.km2_quantiles {
                let _ = writeln!(o, "{},{},{},{},{}", r.week, date_str(r.date), num(r.p10), num(r.p50), num(r.p90));
            }
        }
        "casualties" => {
            o.push_str("side,mean,p10,p50,p90\n");
            for (k, q) in &s.casualties {
                let _ = writeln!(o, "{},{},{},{},{}", field(k), num(q.mean), num(q.p10), num(q.p50), num(q.p90));
            }
        }
        "range_open" => {
            o.push_str("week,date,at_war,share_open\n");
            for r in &s.range_open {
                let _ = writeln!(
                    o,
                    "{},{},{},{}",
                    r.week,
                    date_str(s.start.plus_weeks(r.week)),
                    r.at_war,
                    num(r.share_open)
                );
            }
        }
        "sensitivity" => {
            let outs: Vec<&String> = s.sensitivity.first().map(|r| r.spearman.keys().collect()).unwrap_or_default();
            o.push_str("parameter,strength");
            for k in &outs {
                let _ = write!(o, ",spearman_{}", field(k));
            }
            o.push('\n');
            for r in &s.sensitivity {
                let _ = write!(o, "{},{}", field(&r.parameter), num(r.strength));
                for k in &outs {
                    let _ = write!(o, ",{}", num(r.spearman.get(*k).copied().unwrap_or(f64::NAN)));
                }
                o.push('\n');
            }
        }
        _ => return None,
    }
    Some(o)
}
