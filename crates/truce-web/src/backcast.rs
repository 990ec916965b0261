//! The back-cast report: one self-contained HTML page (ECharts inlined) that shows, for each
//! historical case, truce's forecast and the base rate's against what happened
//! (`truce backcast --report FILE.html`).
//!
//! Presentation only: every number comes from a [`Backcast`]; the page never scores or
//! forecasts anything itself and never reads the clock (the caller passes the date in
//! [`ReportMeta`]).

use crate::charts::{date_str, palette, Chart};
use crate::report::{chart_cards, esc, page, ReportMeta};
use serde_json::{json, Value};
use std::fmt::Write;
use truce_forecast::backcast::{Backcast, CaseScore, STATES};

fn num(x: f64, digits: usize) -> String {
    if x.is_finite() {
        format!("{x:.digits$}")
    } else {
        "–".into()
    }
}

fn weeks(q: Option<f64>) -> String {
    q.map_or_else(|| "never".into(), |x| format!("{x:.0}"))
}

fn yes(b: bool) -> &'static str {
    if b {
        "<span class=\"acc\">yes</span>"
    } else {
        "<span class=\"rej\">no</span>"
    }
}

/// The chart of one case: truce's and the base rate's probability that high-intensity war
/// has ended by each week, with the realised end (or the censoring date) marked.
fn end_chart(c: &CaseScore) -> Chart {
    let x: Vec<Value> = c.curves.weeks.iter().map(|w| json!(w)).collect();
    let r = |v: &[f64]| v.iter().map(|p| json!((p * 1e4).round() / 1e4)).collect::<Vec<Value>>();
    let mark = if c.censored { format!("censored {}", c.observed_until) } else { "realised end".to_string() };
    Chart {
        id: format!("end-{}", c.case),
        title: format!("{}: time to the end", c.case),
        caption: format!(
            "Probability that high-intensity war has ended by each week after {} (the origin). The \
             vertical line is {} (week {}).",
            date_str(c.origin),
            if c.censored { "the date the record ends: no end by then" } else { "the realised first end" },
            c.end_week
        ),
        option: json!({
            "animation": false,
            "grid": {"left": 56, "right": 24, "top": 40, "bottom": 48, "containLabel": true},
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "xAxis": {"type": "value", "name": "weeks from the origin", "nameLocation": "middle", "nameGap": 28,
                      "min": 0, "max": c.horizon},
            "yAxis": {"type": "value", "name": "P(ended)", "min": 0, "max": 1},
            "series": [
                {"name": "truce", "type": "line", "symbol": "none", "color": palette::MODEL,
                 "data": x.iter().zip(r(&c.curves.truce)).map(|(a, b)| json!([a, b])).collect::<Vec<_>>(),
                 "markLine": {"symbol": "none", "label": {"formatter": mark},
                              "lineStyle": {"color": palette::POINT, "type": "dashed"},
                              "data": [{"xAxis": c.end_week}]}},
                {"name": "base rate (COW, age-conditional)", "type": "line", "symbol": "none", "color": palette::BASELINE,
                 "data": x.iter().zip(r(&c.curves.base_rate)).map(|(a, b)| json!([a, b])).collect::<Vec<_>>()},
            ],
        }),
    }
}

fn summary_table(b: &Backcast) -> String {
    let mut s = String::from(
        "<table><thead><tr><th>case</th><th>origin</th><th class=\"num\">age (days)</th><th>realised first end</th>\
         <th class=\"num\">truce 5 / 50 / 95% (weeks)</th><th class=\"num\">PIT</th><th>in 90%</th>\
         <th class=\"num\">base rate 5 / 50 / 95%</th><th class=\"num\">PIT</th><th>in 90%</th></tr></thead><tbody>",
    );
    for c in &b.cases {
        let q = &c.truce_end.quantiles;
        let bq = &c.base_rate_end.quantiles;
        let end = match &c.first_end {
            Some((st, d)) => format!("{} {} (week {})", esc(st), date_str(*d), c.end_week),
            None => format!("none by {} (week ≥ {})", date_str(c.observed_until), c.end_week),
        };
        let pit = |p: f64| if c.censored { format!("≥ {}", num(p, 2)) } else { num(p, 2) };
        let _ = write!(
            s,
            "<tr><td><b>{}</b><br><span class=\"src\">{}</span></td><td>{}</td><td class=\"num\">{}</td><td>{}</td>\
             <td class=\"num\">{} / {} / {}</td><td class=\"num\">{}</td><td>{}</td>\
             <td class=\"num\">{} / {} / {}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(&c.case),
            esc(&c.title),
            date_str(c.origin),
            c.age_days,
            end,
            weeks(q[0]),
            weeks(q[1]),
            weeks(q[2]),
            pit(c.truce_end.pit),
            yes(c.truce_end.inside_90),
            weeks(bq[0]),
            weeks(bq[1]),
            weeks(bq[2]),
            pit(c.base_rate_end.pit),
            yes(c.base_rate_end.inside_90),
        );
    }
    s.push_str("</tbody></table>");
    s
}

fn years_table(b: &Backcast) -> String {
    let mut s =
        String::from("<table><thead><tr><th>case</th><th class=\"num\">years</th><th>date</th><th>what happened</th>");
    for st in STATES {
        let _ = write!(s, "<th class=\"num\">truce: {}</th>", esc(&st.replace('_', " ")));
    }
    s.push_str(
        "<th class=\"num\">base: fighting</th><th class=\"num\">log truce</th><th class=\"num\">log base</th>\
         <th class=\"num\">Brier truce</th><th class=\"num\">Brier base</th></tr></thead><tbody>",
    );
    for c in &b.cases {
        for y in &c.years {
            let _ = write!(
                s,
                "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td><td><b>{}</b></td>",
                esc(&c.case),
                y.years,
                date_str(y.date),
                esc(&y.observed)
            );
            for p in &y.truce.probs {
                let _ = write!(s, "<td class=\"num\">{}%</td>", num(100.0 * p, 1));
            }
            let _ = write!(
                s,
                "<td class=\"num\">{}%</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                num(100.0 * y.base_rate.probs[0], 1),
                num(y.truce.log, 2),
                num(y.base_rate.log, 2),
                num(y.truce.brier, 2),
                num(y.base_rate.brier, 2)
            );
        }
    }
    s.push_str("</tbody></table>");
    s
}

fn case_notes(b: &Backcast) -> String {
    let mut s = String::new();
    for c in &b.cases {
        let _ = write!(
            s,
            "<details><summary>{} — {}</summary><p>{}</p><p class=\"caption\">War start {} (age {} days at the \
             origin); record complete to {}; final state {}. Base rate: Weibull shape {} and scale {} days fitted \
             on {} wars ended and {} going at the origin. Forecast: {} runs, seed {}, horizon {} weeks, \
             fingerprint {}.</p></details>",
            esc(&c.case),
            esc(&c.title),
            esc(&c.note),
            date_str(c.war_start),
            c.age_days,
            date_str(c.observed_until),
            esc(&c.final_state),
            num(c.weibull.shape, 3),
            num(c.weibull.scale_days, 0),
            c.weibull.ended,
            c.weibull.ongoing,
            c.runs,
            c.seed,
            c.horizon,
            esc(&c.fingerprint)
        );
    }
    s
}

/// The whole back-cast as a self-contained HTML page.
pub fn backcast_report(b: &Backcast, meta: &ReportMeta) -> String {
    let t = &b.totals;
    let charts: Vec<Chart> = b.cases.iter().map(end_chart).collect();
    let header = format!(
        "<h1>truce back-cast: {} historical wars</h1><div class=\"sub\">Each war forecast from the day its talks \
         opened, with only what was known then, and scored on what happened.</div><div class=\"meta\">\
         <span>truce: <b>{}</b></span><span>runs per case: <b>{}</b></span><span>seed: <b>{}</b></span>\
         <span>generated: <b>{}</b></span></div>",
        t.cases,
        esc(&meta.version),
        meta.runs,
        meta.seed,
        esc(&meta.generated)
    );
    let better = |a: f64, b: f64| if a < b { "truce is better" } else { "the base rate is better" };
    let mut body = String::new();
    let _ = write!(
        body,
        "<section class=\"card\"><h2>Scores</h2><p>Mean log score of the war's state 1, 2 and 3 years after the \
         origin, over {} case-years: truce <b>{}</b>, base rate <b>{}</b> ({}; smaller is better). Mean Brier \
         score: truce {}, base rate {}. Realised time to the end inside the central 90%: truce <b>{} of {}</b>, \
         base rate {} of {} ({} censored case(s) counted if the end can still fall inside).</p>\
         <p class=\"caption\">The base rate knows only the war's age at the origin: a Weibull fitted to the \
         Correlates of War inter-state wars known then, every way of ending alike. truce's state probabilities \
         are floored at (k + ½)/(n + 3) so that no state scores infinity.</p></section>",
        t.case_years,
        num(t.mean_log[0], 3),
        num(t.mean_log[1], 3),
        better(t.mean_log[0], t.mean_log[1]),
        num(t.mean_brier[0], 3),
        num(t.mean_brier[1], 3),
        t.inside_90[0],
        t.cases,
        t.inside_90[1],
        t.cases,
        t.censored
    );
    let _ = write!(
        body,
        "<section class=\"card\"><h2>Time to the first end of high-intensity war</h2><div class=\"scroll\">{}</div>\
         </section>",
        summary_table(b)
    );
    body.push_str(&chart_cards(&charts));
    let _ = write!(
        body,
        "<section class=\"card\"><h2>State of the war after 1, 2 and 3 years</h2><div class=\"scroll\">{}</div>\
         </section><section class=\"card\"><h2>Cases</h2>{}</section>",
        years_table(b),
        case_notes(b)
    );
    page("truce back-cast", &header, &body, &charts)
}
