//! The hindcast report (`truce hindcast --report FILE.html`): one self-contained page with
//! the scores per lead, the PIT histograms and, for each origin, the forecast's fan over the
//! observed series.
//!
//! Only presentation: every number comes from a [`Hindcast`]. The library does not read the
//! clock (the caller passes the date in [`ReportMeta`]).

use crate::charts::{date_str, palette, Chart};
use crate::report::{esc, page, ReportMeta};
use serde_json::{json, Value};
use std::fmt::Write;
use truce_forecast::hindcast::{Hindcast, OriginResult, FAN};
use truce_forecast::observation::CivilDate;
use truce_forecast::scorecard::{Means, Scores};

// One colour per meaning, from the page's palette.
const TRUCE: &str = palette::MODEL;
const NO_CHANGE: &str = palette::BASELINE;
const DRIFT: &str = palette::BASELINE_DRIFT;
const OBSERVED: &str = palette::POINT;

fn r(x: f64) -> Value {
    if x.is_finite() {
        json!(x.round())
    } else {
        Value::Null
    }
}

fn crps_of(m: &Option<Means>) -> Value {
    match m {
        Some(Means::Numeric { crps, .. }) => r(*crps),
        _ => Value::Null,
    }
}

/// Bars of mean CRPS per lead for truce and the two baselines.
pub fn lead_chart(h: &Hindcast) -> Chart {
    let rows: Vec<_> = h.by_lead.iter().filter(|t| t.quantity == "km2_held").collect();
    let leads: Vec<String> = rows
        .iter()
        .map(|t| format!("{} month{} ({} cases)", t.lead, if t.lead == 1 { "" } else { "s" }, t.cases))
        .collect();
    let series = |name: &str, color: &str, f: &dyn Fn(&truce_forecast::hindcast::LeadTotal) -> Value| json!({"name": name, "type": "bar", "color": color, "data": rows.iter().map(|t| f(t)).collect::<Vec<_>>()});
    Chart {
        id: "crps-by-lead".into(),
        title: "Mean CRPS of the area held, by lead".into(),
        caption: "Lower is better; the three forecasters are scored on identical cases. CRPS is in km²: \
                  for a point forecast it is the absolute error."
            .into(),
        option: json!({
            "grid": {"left": 64, "right": 24, "top": 48, "bottom": 40, "containLabel": true},
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "xAxis": {"type": "category", "data": leads},
            "yAxis": {"type": "value", "name": "km²", "nameLocation": "middle", "nameGap": 56},
            "series": [
                series("truce", TRUCE, &|t| crps_of(&t.truce)),
                series("no change", NO_CHANGE, &|t| crps_of(&t.no_change)),
                series("drift, last 12 months", DRIFT, &|t| crps_of(&t.drift_12m)),
            ],
        }),
    }
}

/// PIT histograms of truce and the drift baseline.
pub fn pit_chart(h: &Hindcast) -> Chart {
    let bins: Vec<String> = (0..h.pit.truce.len())
        .map(|i| format!("{:.1}–{:.1}", i as f64 / h.pit.truce.len() as f64, (i + 1) as f64 / h.pit.truce.len() as f64))
        .collect();
    Chart {
        id: "pit".into(),
        title: "PIT histogram of the area forecasts".into(),
        caption: "Where each observation fell in its forecast distribution, over all leads. Flat when calibrated; \
                  U-shaped when forecasts are too narrow, humped when too wide, sloped when biased."
            .into(),
        option: json!({
            "grid": {"left": 64, "right": 24, "top": 48, "bottom": 40, "containLabel": true},
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "xAxis": {"type": "category", "data": bins, "name": "PIT"},
            "yAxis": {"type": "value", "name": "cases", "nameLocation": "middle", "nameGap": 40},
            "series": [
                {"name": "truce", "type": "bar", "color": TRUCE, "data": h.pit.truce},
                {"name": "drift, last 12 months", "type": "bar", "color": DRIFT, "data": h.pit.drift_12m},
            ],
        }),
    }
}

fn pair(d: CivilDate, v: f64) -> Value {
    json!([date_str(d), r(v)])
}

/// One origin's fan (5–95% and 25–75% bands, median) over the observed series from six
/// months before the origin to the end of the fan.
pub fn origin_chart(h: &Hindcast, o: &OriginResult) -> Chart {
    let s = &o.setup;
    let first = CivilDate::from_days(s.origin.to_days() - 183);
    let last = o.fan.last().map_or(s.origin, |f| f.date);
    let observed: Vec<Value> =
        h.observed.iter().filter(|(d, _)| *d >= first && *d <= last).map(|&(d, v)| pair(d, v)).collect();
    // Bands as stacked differences, starting at the origin from the observed level.
    let mut dates = vec![s.start_km2_date];
    dates.extend(o.fan.iter().map(|f| f.date));
    let q = |k: usize| -> Vec<f64> {
        let mut v = vec![s.start_km2];
        v.extend(o.fan.iter().map(|f| f.q[k]));
        v
    };
    let (q05, q25, q50, q75, q95) = (q(0), q(1), q(2), q(3), q(4));
    let band = |name: &str, lo: &[f64], hi: &[f64], stack: &str, opacity: f64| {
        vec![
            json!({"name": format!("{name} base"), "type": "line", "stack": stack, "symbol": "none",
                   "lineStyle": {"opacity": 0}, "tooltip": {"show": false},
                   "data": dates.iter().zip(lo).map(|(&d, &v)| pair(d, v)).collect::<Vec<_>>()}),
            json!({"name": name, "type": "line", "stack": stack, "symbol": "none", "lineStyle": {"opacity": 0},
                   "color": TRUCE, "itemStyle": {"opacity": opacity}, "areaStyle": {"color": TRUCE, "opacity": opacity},
                   "data": dates.iter().zip(lo.iter().zip(hi)).map(|(&d, (&a, &b))| pair(d, b - a)).collect::<Vec<_>>()}),
        ]
    };
    let mut series = band("5–95%", &q05, &q95, "outer", 0.15);
    series.extend(band("25–75%", &q25, &q75, "inner", 0.3));
    series.push(json!({"name": "median", "type": "line", "symbol": "none", "color": TRUCE,
                       "data": dates.iter().zip(&q50).map(|(&d, &v)| pair(d, v)).collect::<Vec<_>>()}));
    series.push(json!({"name": "observed", "type": "line", "color": OBSERVED, "symbolSize": 6,
                       "data": observed}));
    let scored: Vec<String> = o
        .cases
        .iter()
        .filter_map(|c| match c.case.truce {
            Scores::Numeric { crps, .. } => Some(format!("{}m: CRPS {:.0}", c.lead, crps)),
            _ => None,
        })
        .collect();
    Chart {
        id: format!("origin-{}", date_str(s.origin)),
        title: format!("From {}", date_str(s.origin)),
        caption: format!(
            "Start {:.0} km² (observed {}), drift {:.1} ± {:.1} km²/week. {}",
            s.start_km2,
            date_str(s.start_km2_date),
            s.drift.per_week,
            s.drift.se,
            scored.join(", ")
        ),
        option: json!({
            "grid": {"left": 64, "right": 24, "top": 40, "bottom": 40, "containLabel": true},
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0, "data": ["5–95%", "25–75%", "median", "observed"]},
            "xAxis": {"type": "time"},
            "yAxis": {"type": "value", "name": "km² held", "nameLocation": "middle", "nameGap": 68, "scale": true},
            "series": series,
        }),
    }
}

fn means_cells(m: &Option<Means>) -> String {
    match m {
        Some(Means::Numeric { crps, coverage_50, coverage_80, coverage_90, .. }) => format!(
            "<td class=\"num\">{crps:.0}</td><td class=\"num\">{:.0}/{:.0}/{:.0}%</td>",
            100.0 * coverage_50,
            100.0 * coverage_80,
            100.0 * coverage_90
        ),
        Some(Means::State { log_score, brier }) => {
            format!("<td class=\"num\">{log_score:.3}</td><td class=\"num\">{brier:.3}</td>")
        }
        None => "<td>–</td><td>–</td>".into(),
    }
}

/// The whole report. `observations` names the observations file.
pub fn hindcast_report(h: &Hindcast, observations: &str, meta: &ReportMeta) -> String {
    let mut body = String::new();
    let _ = write!(
        body,
        "<section class=\"card\"><h2>Scores per lead</h2><p class=\"caption\">Area held: mean CRPS (km²) and the share of \
         observations inside the central 50/80/90% intervals, on the cases every forecaster scored. \
         States: mean log score (nats) and Brier score.</p>\
         <table><tr><th>quantity</th><th class=\"num\">lead</th><th class=\"num\">cases</th>\
         <th class=\"num\">truce: CRPS or log</th><th class=\"num\">in 50/80/90% or Brier</th>\
         <th class=\"num\">no change</th><th class=\"num\"></th>\
         <th class=\"num\">drift 12m</th><th class=\"num\"></th></tr>"
    );
    for t in &h.by_lead {
        let _ = write!(
            body,
            "<tr><td>{}</td><td class=\"num\">{} m</td><td class=\"num\">{}</td>{}{}{}</tr>",
            esc(&t.quantity),
            t.lead,
            t.cases,
            means_cells(&t.truce),
            means_cells(&t.no_change),
            means_cells(&t.drift_12m)
        );
    }
    body.push_str("</table></section>\n");
    let mut charts = vec![lead_chart(h), pit_chart(h)];
    charts.extend(h.origins.iter().map(|o| origin_chart(h, o)));
    body.push_str(&crate::report::chart_cards(&charts));
    let _ = write!(
        body,
        "<section class=\"card\"><h2>Origins</h2><table><tr><th>origin</th><th class=\"num\">seed</th>\
         <th class=\"num\">start km²</th><th class=\"num\">drift km²/week</th><th>re-dating</th></tr>"
    );
    for o in &h.origins {
        let s = &o.setup;
        let _ = write!(
            body,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.0}</td><td class=\"num\">{:.1} ± {:.1}</td><td class=\"src\">{}</td></tr>",
            date_str(s.origin),
            s.seed,
            s.start_km2,
            s.drift.per_week,
            s.drift.se,
            esc(&if s.changes.is_empty() { "as written".to_string() } else { s.changes.join("; ") })
        );
    }
    for s in &h.skipped {
        let _ = write!(
            body,
            "<tr><td>{}</td><td colspan=\"4\" class=\"src\">skipped: {}</td></tr>",
            date_str(s.origin),
            esc(&s.reason)
        );
    }
    body.push_str("</table></section>\n");
    let header = format!(
        "<h1>Hindcast: {}</h1><div class=\"sub\">{} origins, leads {} months, against {}</div>{}",
        esc(&h.scenario),
        h.origins.len(),
        h.leads.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", "),
        esc(observations),
        crate::report::meta_line(meta, &[("fan quantiles", format!("{FAN:?}"))])
    );
    page(&format!("truce hindcast — {}", h.scenario), &header, &body, &charts)
}
