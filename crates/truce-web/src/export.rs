//! CSV exports of a forecast summary, one table at a time. Only formatting: every number
//! comes from the [`Summary`].

use crate::charts::date_str;
use std::fmt::Write;
use truce_forecast::ensemble::week_end;
use truce_forecast::summary::{Summary, WeekRow};

/// The tables [`summary_csv`] can write.
pub const TABLES: [&str; 11] = [
    "at",
    "events_by_week",
    "states_by_week",
    "terms",
    "fan",
    "km2_change",
    "monthly_change",
    "casualties",
    "casualties_by_week",
    "range_open",
    "sensitivity",
];

/// Weekly probability rows as CSV: `week,date,<name>…`.
fn week_rows(o: &mut String, rows: &[WeekRow]) {
    let names: Vec<&String> = rows.first().map(|r| r.p.keys().collect()).unwrap_or_default();
    o.push_str("week,date");
    for k in &names {
        let _ = write!(o, ",{}", field(k));
    }
    o.push('\n');
    for r in rows {
        let _ = write!(o, "{},{}", r.week, date_str(r.date));
        for k in &names {
            let _ = write!(o, ",{}", num(r.p.get(*k).copied().unwrap_or(f64::NAN)));
        }
        o.push('\n');
    }
}

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
        "at" => {
            o.push_str("label,week,date,table,name,p,se\n");
            for r in &s.at {
                for (table, m) in [("event", &r.events), ("state", &r.states)] {
                    for (k, p) in m {
                        let _ = writeln!(
                            o,
                            "{},{},{},{table},{},{},{}",
                            field(&r.label),
                            r.week,
                            date_str(r.date),
                            field(k),
                            num(p.p),
                            num(p.se)
                        );
                    }
                }
            }
        }
        "events_by_week" => week_rows(&mut o, &s.events_by_week),
        "states_by_week" => week_rows(&mut o, &s.states_by_week),
        "terms" => {
            o.push_str("issue,n,mean,p10,p50,p90\n");
            for (k, t) in &s.terms {
                let _ =
                    writeln!(o, "{},{},{},{},{},{}", field(k), t.n, num(t.mean), num(t.p10), num(t.p50), num(t.p90));
            }
        }
        "fan" | "km2_change" => {
            let (rows, what) =
                if table == "fan" { (&s.km2_quantiles, "km2") } else { (&s.km2_change_quantiles, "change") };
            o.push_str("week,date");
            for q in ["mean", "p5", "p10", "p25", "p50", "p75", "p90", "p95"] {
                let _ = write!(o, ",{what}_{q}");
            }
            o.push('\n');
            for r in rows {
                let _ = write!(o, "{},{}", r.week, date_str(r.date));
                for x in [r.mean, r.p5, r.p10, r.p25, r.p50, r.p75, r.p90, r.p95] {
                    let _ = write!(o, ",{}", num(x));
                }
                o.push('\n');
            }
        }
        "monthly_change" => {
            o.push_str("month,from_week,to_week,mean,p10,p50,p90\n");
            for m in &s.monthly_change {
                let _ = writeln!(
                    o,
                    "{},{},{},{},{},{},{}",
                    m.month,
                    m.from_week,
                    m.to_week,
                    num(m.mean),
                    num(m.p10),
                    num(m.p50),
                    num(m.p90)
                );
            }
        }
        "casualties" => {
            o.push_str("side,mean,p10,p50,p90\n");
            for (k, q) in &s.casualties {
                let _ = writeln!(o, "{},{},{},{},{}", field(k), num(q.mean), num(q.p10), num(q.p50), num(q.p90));
            }
        }
        "casualties_by_week" => {
            o.push_str("side,week,date,mean,p10,p50,p90\n");
            for (k, rows) in &s.casualties_by_week {
                for q in rows {
                    let _ = writeln!(
                        o,
                        "{},{},{},{},{},{},{}",
                        field(k),
                        q.week,
                        date_str(q.date),
                        num(q.mean),
                        num(q.p10),
                        num(q.p50),
                        num(q.p90)
                    );
                }
            }
        }
        "range_open" => {
            o.push_str("week,date,at_war,share_open\n");
            for r in &s.range_open {
                let _ = writeln!(
                    o,
                    "{},{},{},{}",
                    r.week,
                    date_str(week_end(s.start, r.week)),
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
