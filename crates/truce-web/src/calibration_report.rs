//! The calibration report (`truce calibrate --report FILE.html`): one self-contained page
//! with the tolerance and the effective sample size per generation, the posterior predictive
//! fan of the area held against the observations, and the prior against the posterior of
//! every calibrated parameter.
//!
//! Only presentation: every number comes from the calibration's [`Diagnostics`]. The library
//! does not read the clock (the caller passes the date in [`ReportMeta`]).

use crate::charts::{date_str, Chart};
use crate::report::{esc, page, ReportMeta};
use serde_json::{json, Value};
use std::fmt::Write;
use truce_forecast::calibration::{Diagnostics, Moments};

const POSTERIOR: &str = "#08519c";
const OBSERVED: &str = "#c0392b";
const TOLERANCE: &str = "#b08d1a";

fn num(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        Value::Null
    }
}

/// Tolerance and ESS per generation (the prior's ∞ tolerance is left out).
pub fn generations_chart(d: &Diagnostics) -> Chart {
    let gens: Vec<String> = d.generations.iter().map(|g| g.index.to_string()).collect();
    Chart {
        id: "generations".into(),
        title: "Tolerance and effective sample size per generation".into(),
        caption: "Each generation accepts simulations within a tolerance (the weighted median of the previous \
                  generation's distances); the ESS says how many equally weighted particles the weights are worth."
            .into(),
        option: json!({
            "grid": {"left": 64, "right": 64, "top": 48, "bottom": 40, "containLabel": true},
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "xAxis": {"type": "category", "data": gens, "name": "generation"},
            "yAxis": [
                {"type": "value", "name": "tolerance", "nameLocation": "middle", "nameGap": 48},
                {"type": "value", "name": "ESS", "nameLocation": "middle", "nameGap": 48},
            ],
            "series": [
                {"name": "tolerance", "type": "line", "color": TOLERANCE,
                 "data": d.generations.iter().map(|g| num(g.tolerance)).collect::<Vec<_>>()},
                {"name": "ESS", "type": "bar", "yAxisIndex": 1, "color": POSTERIOR,
                 "data": d.generations.iter().map(|g| num(g.ess)).collect::<Vec<_>>()},
            ],
        }),
    }
}

/// The posterior predictive (5–95% band and median, with measurement noise) of the area
/// held at each observed month, and the observations.
pub fn predictive_chart(d: &Diagnostics) -> Chart {
    let rows: Vec<_> = d.summaries.iter().filter(|s| s.quantity == "km2_held").collect();
    let pair = |s: &truce_forecast::calibration::SummaryDiagnostics, v: f64| json!([date_str(s.date), num(v)]);
    Chart {
        id: "predictive".into(),
        title: "Posterior predictive of the area held against the observations".into(),
        caption: "The band holds 90% of the accepted simulations (with the observations' measurement noise), the \
                  line their median; the dots are what was observed."
            .into(),
        option: json!({
            "grid": {"left": 64, "right": 24, "top": 48, "bottom": 40, "containLabel": true},
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "xAxis": {"type": "time"},
            "yAxis": {"type": "value", "name": "km² held", "nameLocation": "middle", "nameGap": 68, "scale": true},
            "series": [
                {"name": "5% base", "type": "line", "stack": "band", "symbol": "none", "lineStyle": {"opacity": 0},
                 "tooltip": {"show": false}, "data": rows.iter().map(|s| pair(s, s.predictive.q05)).collect::<Vec<_>>()},
                {"name": "5–95%", "type": "line", "stack": "band", "symbol": "none", "lineStyle": {"opacity": 0},
                 "color": POSTERIOR, "areaStyle": {"color": POSTERIOR, "opacity": 0.25},
                 "data": rows.iter().map(|s| pair(s, s.predictive.q95 - s.predictive.q05)).collect::<Vec<_>>()},
                {"name": "median", "type": "line", "color": POSTERIOR, "symbol": "none",
                 "data": rows.iter().map(|s| pair(s, s.predictive.q50)).collect::<Vec<_>>()},
                {"name": "observed", "type": "scatter", "color": OBSERVED,
                 "data": rows.iter().map(|s| pair(s, s.observed)).collect::<Vec<_>>()},
            ],
        }),
    }
}

fn cells(m: &Moments) -> String {
    let f = |x: f64| format!("{x:.4}");
    format!(
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} – {} – {}</td>",
        f(m.mean),
        f(m.sd),
        f(m.q05),
        f(m.q50),
        f(m.q95)
    )
}

/// The whole report. `observations` names the observations file.
pub fn calibration_report(d: &Diagnostics, observations: &str, meta: &ReportMeta) -> String {
    let mut body = String::new();
    let _ = write!(
        body,
        "<section class=\"card\"><h2>Generations</h2><p class=\"caption\">Stopped: {}. {} simulations; {} observations \
         used ({} ignored before the fit's start, {} after the window).</p><table><tr><th class=\"num\">generation</th>\
         <th class=\"num\">tolerance</th><th class=\"num\">ESS</th><th class=\"num\">acceptance</th>\
         <th class=\"num\">simulations</th></tr>",
        esc(&format!("{:?}", d.stop)),
        d.simulations,
        d.observations_used,
        d.ignored_before,
        d.ignored_after
    );
    for g in &d.generations {
        let _ = write!(
            body,
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.0}</td><td class=\"num\">{:.4}</td>\
             <td class=\"num\">{}</td></tr>",
            g.index,
            if g.tolerance.is_finite() { format!("{:.4}", g.tolerance) } else { "∞".into() },
            g.ess,
            g.acceptance_rate,
            g.simulations
        );
    }
    body.push_str("</table></section>\n");
    let charts = vec![generations_chart(d), predictive_chart(d)];
    body.push_str(&crate::report::chart_cards(&charts));
    body.push_str(
        "<section class=\"card\"><h2>Prior and posterior per parameter</h2><table><tr><th>parameter</th>\
         <th class=\"num\">prior mean</th><th class=\"num\">sd</th><th class=\"num\">5% – 50% – 95%</th>\
         <th class=\"num\">posterior mean</th><th class=\"num\">sd</th><th class=\"num\">5% – 50% – 95%</th></tr>",
    );
    for p in &d.parameters {
        let _ = write!(body, "<tr><td>{}</td>{}{}</tr>", esc(&p.path), cells(&p.prior), cells(&p.posterior));
    }
    body.push_str("</table></section>\n");
    let _ = writeln!(body, "<section class=\"card\"><h2>Method</h2><p class=\"src\">{}</p></section>", esc(&d.method));
    let header = format!(
        "<h1>Calibration: {}</h1><div class=\"sub\">fit from {} on {}; the posterior is written at the scenario's start, {}</div>{}",
        esc(&d.scenario),
        date_str(d.fit_start),
        esc(observations),
        date_str(d.scenario_start),
        crate::report::meta_line(meta, &[("particles", d.particles.to_string())])
    );
    page(&format!("truce calibrate — {}", d.scenario), &header, &body, &charts)
}
