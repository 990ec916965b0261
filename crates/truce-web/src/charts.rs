//! ECharts options for forecasts and runs, built as JSON with serde_json. The report and the
//! `truce serve` page both draw these options, so a chart looks the same in both places.
//! Only presentation lives here: every number comes from a [`Summary`] or a [`Trace`].

use serde::Serialize;
use serde_json::{json, Value};
use std::fmt::Write;
use truce_engine::calendar::CivilDate;
use truce_engine::load::Loaded;
use truce_engine::outcome::{WarEvent, WarState};
use truce_engine::trace::Trace;
use truce_forecast::ensemble::week_end;
use truce_forecast::summary::Summary;

/// One chart: a container id, a title, a caption and the ECharts option.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// Stable id (`outcomes`, `terms`, `fan`, ...); the HTML container is `chart-<id>`.
    pub id: String,
    /// Heading shown above the chart.
    pub title: String,
    /// One or two sentences on how to read the chart.
    pub caption: String,
    /// The ECharts option object.
    pub option: Value,
}

/// The one palette of every chart (Okabe–Ito: distinguishable under deuteranopia, protanopia
/// and tritanopia), each colour with one meaning wherever it appears. Charts and reports name
/// these constants instead of writing colours, so a meaning cannot drift between charts.
pub mod palette {
    /// Still fighting; the number of runs at war.
    pub const FIGHTING: &str = "#999999";
    /// Low activity (a frozen war without an agreement).
    pub const LOW_ACTIVITY: &str = "#E69F00";
    /// A ceasefire (agreed or in force).
    pub const CEASEFIRE: &str = "#56B4E9";
    /// A settlement (signed or in force); an agreed talk round.
    pub const SETTLED: &str = "#009E73";
    /// The first side collapsed.
    pub const COLLAPSE_FIRST: &str = "#D55E00";
    /// The second side collapsed.
    pub const COLLAPSE_SECOND: &str = "#CC79A7";
    /// truce's central estimate: a median, the line of control, the share with an open range.
    pub const MODEL: &str = "#0072B2";
    /// The p10–p90 band around [`MODEL`].
    pub const BAND: &str = "rgba(0,114,178,0.25)";
    /// A point value that is not the median: a mean, an observation, a rejected round.
    pub const POINT: &str = "#000000";
    /// A naive baseline forecaster: no change from the last observation; the base rate.
    pub const BASELINE: &str = "#999999";
    /// The second naive baseline: the drift of the last 12 months.
    pub const BASELINE_DRIFT: &str = "#E69F00";
    /// Series with no fixed meaning (issues, actors, sides), in order.
    pub const CATEGORICAL: [&str; 8] =
        ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#999999"];
}

/// A colour per war state, in the order of [`WarState::ALL`].
const COLORS: [&str; WarState::COUNT] = [
    palette::FIGHTING,
    palette::LOW_ACTIVITY,
    palette::CEASEFIRE,
    palette::SETTLED,
    palette::COLLAPSE_FIRST,
    palette::COLLAPSE_SECOND,
];
/// A colour per event, in the order of [`WarEvent::ALL`] (the colour of the state that marks
/// it; black, dashed, for any end of high-intensity war; the model's blue for an imposed
/// ceasefire, a kind of ceasefire, and for the partial truces, a strike moratorium, a
/// humanitarian pause and a trade corridor).
const EVENT_COLORS: [&str; WarEvent::COUNT] = [
    palette::CEASEFIRE,
    palette::SETTLED,
    palette::COLLAPSE_FIRST,
    palette::COLLAPSE_SECOND,
    palette::LOW_ACTIVITY,
    palette::POINT,
    palette::MODEL,
    palette::MODEL,
    palette::MODEL,
    palette::MODEL,
];

/// `2025-12-03`.
pub fn date_str(d: CivilDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

fn side_names(l: &Loaded) -> Vec<String> {
    l.params.sides.iter().map(|s| s.name.clone()).collect()
}

fn issue_name(l: &Loaded, id: &str) -> String {
    l.params
        .issue_ids
        .iter()
        .position(|i| i == id)
        .and_then(|k| l.params.issue_names.get(k))
        .filter(|n| !n.is_empty())
        .cloned()
        .unwrap_or_else(|| id.to_string())
}

fn finite(x: f64) -> Value {
    if x.is_finite() {
        json!((x * 1e4).round() / 1e4)
    } else {
        Value::Null
    }
}

/// A probability in [0, 1] as a percentage (two decimals), as the charts show them.
fn percent(p: f64) -> Value {
    finite((p * 1e4).round() / 100.0)
}

fn base(title_y: &str) -> Value {
    json!({
        "animationDuration": 300,
        "color": palette::CATEGORICAL,
        "grid": {"left": 64, "right": 24, "top": 48, "bottom": 56, "containLabel": true},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "type": "scroll"},
        "yAxis": {"type": "value", "name": title_y, "nameLocation": "middle", "nameGap": 56},
    })
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        for (k, v) in b {
            a.insert(k, v);
        }
    }
    a
}

/// A forecast conditioned on observations (`truce forecast --observations`): the areas it
/// assimilated, drawn as points before its first week on the fan chart (the fan's series get
/// no value there), and the caption says so.
fn observed_on_fan(fan: &mut Chart, f: &truce_forecast::assimilate::Filtering) {
    let points: Vec<(String, f64)> =
        f.steps.iter().filter_map(|st| st.km2_held.map(|(v, _)| (date_str(st.date), v))).collect();
    if points.is_empty() {
        return;
    }
    let n = points.len();
    let o = &mut fan.option;
    if let Some(Value::Array(dates)) = o.pointer_mut("/xAxis/data") {
        let mut all: Vec<Value> = points.iter().map(|(d, _)| json!(d)).collect();
        all.append(dates);
        *dates = all;
    }
    let weeks = o.pointer("/xAxis/data").and_then(Value::as_array).map_or(n, |d| d.len()) - n;
    if let Some(Value::Array(series)) = o.pointer_mut("/series") {
        for sr in series.iter_mut() {
            if let Some(Value::Array(data)) = sr.get_mut("data") {
                let mut all = vec![Value::Null; n];
                all.append(data);
                *data = all;
            }
        }
        let mut data: Vec<Value> = points.iter().map(|(_, v)| finite(v.round())).collect();
        data.extend(std::iter::repeat_n(Value::Null, weeks));
        series.push(json!({
            "name": "observed", "type": "scatter", "symbolSize": 7, "color": palette::POINT, "data": data,
        }));
    }
    if let Some(Value::Array(legend)) = o.pointer_mut("/legend/data") {
        legend.push(json!("observed"));
    }
    fan.caption.push_str(&format!(
        " Black points: the {} area observations the forecast was conditioned on (to {}); the fan starts the week after.",
        n,
        date_str(f.as_of)
    ));
}

/// Every chart of a forecast: the state of the war at each date (id `outcomes`), events by
/// date (id `events`), settlement terms, the line of control as a fan chart, casualties, the
/// open bargaining range and the sensitivity. The series of the first two carry the JSON
/// name of their state or event as `id` and its label as `name`, in the engine's order, so
/// the page builds its tables from them instead of a list of its own.
pub fn forecast_charts(s: &Summary, l: &Loaded) -> Vec<Chart> {
    let sides = side_names(l);
    let dates: Vec<String> = s.states_by_week.iter().map(|r| date_str(r.date)).collect();
    let mut charts = Vec::new();

    // State at date: stacked shares of runs in each state.
    let series: Vec<Value> = WarState::ALL
        .into_iter()
        .map(|k| {
            let data: Vec<Value> =
                s.states_by_week.iter().map(|r| percent(r.p.get(k.name()).copied().unwrap_or(0.0))).collect();
            json!({
                "id": k.name(), "name": k.label(&sides), "type": "line", "stack": "p", "symbol": "none",
                "areaStyle": {"opacity": 0.85}, "lineStyle": {"width": 0.5}, "color": COLORS[k.index()], "data": data,
            })
        })
        .collect();
    charts.push(Chart {
        id: "outcomes".into(),
        title: "State of the war at each date".into(),
        caption: format!(
            "The share of the {} runs in each state at the end of each week (a ceasefire counts while it is in \
             force; it may break down later); the grey band is still fighting. Bands stack to 100%.",
            s.runs
        ),
        option: merge(
            base("probability (%)"),
            json!({
                "legend": {"top": 0, "type": "plain", "itemGap": 8},
                "grid": {"left": 64, "right": 24, "top": 64, "bottom": 56, "containLabel": true},
                "xAxis": {"type": "category", "data": dates, "boundaryGap": false},
                "yAxis": {"type": "value", "name": "probability (%)", "nameLocation": "middle", "nameGap": 48, "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
                "series": series,
            }),
        ),
    });

    // Events by date: the probability that each has happened by each week.
    let edates: Vec<String> = s.events_by_week.iter().map(|r| date_str(r.date)).collect();
    let series: Vec<Value> = WarEvent::ALL
        .into_iter()
        .filter(|e| e.possible_in(&l.params))
        .map(|e| {
            let data: Vec<Value> =
                s.events_by_week.iter().map(|r| percent(r.p.get(e.name()).copied().unwrap_or(0.0))).collect();
            let dashed = e == WarEvent::HighIntensityEnded;
            json!({
                "id": e.name(), "name": e.label(&sides), "type": "line", "symbol": "none", "color": EVENT_COLORS[e.index()],
                "lineStyle": {"width": if dashed { 1.5 } else { 2.0 }, "type": if dashed { "dashed" } else { "solid" }},
                "data": data,
            })
        })
        .collect();
    charts.push(Chart {
        id: "events".into(),
        title: "Events by date".into(),
        caption: format!(
            "The probability that each event has happened by each date (its first occurrence; the {} runs \
             give a Monte Carlo standard error of at most {:.1} points). These do not depend on the horizon.",
            s.runs,
            50.0 / (s.runs.max(1) as f64).sqrt()
        ),
        option: merge(
            base("probability (%)"),
            json!({
                "legend": {"top": 0, "type": "plain", "itemGap": 8},
                "grid": {"left": 64, "right": 24, "top": 64, "bottom": 56, "containLabel": true},
                "xAxis": {"type": "category", "data": edates, "boundaryGap": false},
                "yAxis": {"type": "value", "name": "probability (%)", "nameLocation": "middle", "nameGap": 48, "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
                "series": series,
            }),
        ),
    });

    // Settlement terms per issue: p10–p90 range, median and mean.
    // Issues in the scenario's order, then any others.
    let mut issues: Vec<&String> = l.params.issue_ids.iter().filter(|i| s.terms.contains_key(*i)).collect();
    issues.extend(s.terms.keys().filter(|k| !l.params.issue_ids.contains(k)));
    let names: Vec<String> = issues.iter().map(|i| issue_name(l, i)).collect();
    let t = |f: fn(&truce_forecast::summary::TermSummary) -> f64| -> Vec<Value> {
        issues.iter().map(|i| finite(f(&s.terms[*i]))).collect()
    };
    // The bar is drawn as its width on top of an invisible p10 bar; its tooltip and its data
    // table say the range itself (`range`, read by [`data_table`]).
    let width: Vec<Value> = issues
        .iter()
        .zip(&names)
        .map(|(i, n)| {
            let x = &s.terms[*i];
            range_item(n, x.p10, x.p90, x.p90 - x.p10, "")
        })
        .collect();
    let range: Vec<Value> = issues.iter().map(|i| json!([finite(s.terms[*i].p10), finite(s.terms[*i].p90)])).collect();
    let settled = s.terms.values().map(|t| t.n).max().unwrap_or(0);
    charts.push(Chart {
        id: "terms".into(),
        title: "Settlement terms per issue".into(),
        caption: format!(
            "Among the {settled} runs that settle: the bar spans the 10th to the 90th percentile of the agreed \
             term on the issue's 0–100 scale; the dot is the median, the diamond the mean."
        ),
        option: json!({
            "animationDuration": 300,
            "grid": {"left": 24, "right": 32, "top": 40, "bottom": 40, "containLabel": true},
            "color": palette::CATEGORICAL,
            "tooltip": {"trigger": "item"},
            "legend": {"top": 0, "data": ["p10–p90", "median", "mean"]},
            "xAxis": {"type": "value", "min": 0, "max": 100, "name": "term (0–100)", "nameLocation": "middle", "nameGap": 28},
            "yAxis": {"type": "category", "data": names, "inverse": true},
            "series": [
                {"name": "p10", "type": "bar", "stack": "r", "itemStyle": {"color": "transparent"}, "silent": true, "data": t(|x| x.p10), "barWidth": 18},
                {"name": "p10–p90", "type": "bar", "stack": "r", "itemStyle": {"color": palette::BAND}, "data": width, "range": range, "barWidth": 18},
                {"name": "median", "type": "scatter", "symbolSize": 12, "itemStyle": {"color": palette::MODEL}, "data": t(|x| x.p50)},
                {"name": "mean", "type": "scatter", "symbol": "diamond", "symbolSize": 12, "itemStyle": {"color": palette::POINT}, "data": t(|x| x.mean)},
            ],
        }),
    });

    // The line of control as a fan chart.
    let kd: Vec<String> = s.km2_quantiles.iter().map(|r| date_str(r.date)).collect();
    let p10: Vec<Value> = s.km2_quantiles.iter().map(|r| finite(r.p10.round())).collect();
    let band: Vec<Value> = s.km2_quantiles.iter().map(|r| finite(r.p90.round() - r.p10.round())).collect();
    let p50: Vec<Value> = s.km2_quantiles.iter().map(|r| finite(r.p50.round())).collect();
    let p90: Vec<Value> = s.km2_quantiles.iter().map(|r| finite(r.p90.round())).collect();
    let first = sides.first().cloned().unwrap_or_default();
    charts.push(Chart {
        id: "fan".into(),
        title: format!("Line of control: km² held by {first}"),
        caption: "The shaded band holds the middle 80% of runs each week (10th to 90th percentile); \
                  the dark line is the median. Runs that ended keep their final line."
            .into(),
        option: merge(
            base("km²"),
            json!({
                "legend": {"top": 0, "data": ["median", "p10", "p90"]},
                "xAxis": {"type": "category", "data": kd, "boundaryGap": false},
                "yAxis": {"type": "value", "name": "km²", "nameLocation": "middle", "nameGap": 64, "scale": true},
                "series": [
                    {"name": "band base", "type": "line", "stack": "band", "symbol": "none", "lineStyle": {"opacity": 0}, "silent": true, "tooltip": {"show": false}, "data": p10.clone()},
                    {"name": "p10–p90", "type": "line", "stack": "band", "symbol": "none", "lineStyle": {"opacity": 0}, "areaStyle": {"color": palette::BAND, "opacity": 1}, "silent": true, "tooltip": {"show": false}, "data": band},
                    {"name": "p10", "type": "line", "symbol": "none", "lineStyle": {"type": "dashed", "width": 1}, "color": palette::MODEL, "data": p10},
                    {"name": "p90", "type": "line", "symbol": "none", "lineStyle": {"type": "dashed", "width": 1}, "color": palette::MODEL, "data": p90},
                    {"name": "median", "type": "line", "symbol": "none", "lineStyle": {"width": 2.5}, "color": palette::MODEL, "data": p50},
                ],
            }),
        ),
    });

    if let (Some(f), Some(fan)) = (&s.filter, charts.last_mut()) {
        observed_on_fan(fan, f);
    }

    // Casualties per side.
    let cs: Vec<(&String, &truce_forecast::summary::Quantiles)> = s.casualties.iter().collect();
    let cnames: Vec<String> = cs
        .iter()
        .map(|(k, _)| {
            l.params.sides.iter().find(|sd| &sd.id == *k).map(|sd| sd.name.clone()).unwrap_or_else(|| k.to_string())
        })
        .collect();
    let q = |f: fn(&truce_forecast::summary::Quantiles) -> f64| -> Vec<Value> {
        cs.iter().map(|(_, x)| finite(f(x).round())).collect()
    };
    charts.push(Chart {
        id: "casualties".into(),
        title: "Casualties by the horizon".into(),
        caption: "Killed and wounded from the start to the horizon: the bar spans the 10th to the 90th \
                  percentile; the dot is the median, the diamond the mean."
            .into(),
        option: json!({
            "animationDuration": 300,
            "grid": {"left": 24, "right": 40, "top": 40, "bottom": 40, "containLabel": true},
            "tooltip": {"trigger": "item"},
            "legend": {"top": 0, "data": ["p10–p90", "median", "mean"]},
            "xAxis": {"type": "value", "name": "casualties", "nameLocation": "middle", "nameGap": 28},
            "yAxis": {"type": "category", "data": cnames, "inverse": true},
            "series": [
                {"name": "p10", "type": "bar", "stack": "r", "itemStyle": {"color": "transparent"}, "silent": true, "data": q(|x| x.p10), "barWidth": 18},
                {"name": "p10–p90", "type": "bar", "stack": "r", "itemStyle": {"color": palette::BAND}, "range": cs.iter().map(|(_, x)| json!([finite(x.p10.round()), finite(x.p90.round())])).collect::<Vec<_>>(), "data": cs.iter().zip(&cnames).map(|((_, x), n)| range_item(n, x.p10.round(), x.p90.round(), x.p90.round() - x.p10.round(), " killed and wounded")).collect::<Vec<_>>(), "barWidth": 18},
                {"name": "median", "type": "scatter", "symbolSize": 12, "itemStyle": {"color": palette::MODEL}, "data": q(|x| x.p50)},
                {"name": "mean", "type": "scatter", "symbol": "diamond", "symbolSize": 12, "itemStyle": {"color": palette::POINT}, "data": q(|x| x.mean)},
            ],
        }),
    });

    // The share of runs at war with an open bargaining range.
    let rd: Vec<String> = s.range_open.iter().map(|r| date_str(week_end(s.start, r.week))).collect();
    let share: Vec<Value> = s.range_open.iter().map(|r| percent(r.share_open)).collect();
    let at_war: Vec<Value> = s.range_open.iter().map(|r| json!(r.at_war)).collect();
    charts.push(Chart {
        id: "range".into(),
        title: "Runs with an open bargaining range".into(),
        caption: "Among the runs still at war each week, the share in which some deal leaves every veto player \
                  better off than fighting on (left axis); the number of runs still at war (right axis)."
            .into(),
        option: merge(
            base("share open"),
            json!({
                "xAxis": {"type": "category", "data": rd, "boundaryGap": false},
                "yAxis": [
                    {"type": "value", "name": "share open (%)", "min": 0, "max": 100, "nameLocation": "middle", "nameGap": 44, "axisLabel": {"formatter": "{value}%"}},
                    {"type": "value", "name": "runs at war", "nameLocation": "middle", "nameGap": 56, "splitLine": {"show": false}},
                ],
                "series": [
                    {"name": "share open", "type": "line", "symbol": "none", "color": palette::MODEL, "areaStyle": {"opacity": 0.15}, "data": share},
                    {"name": "runs at war", "type": "line", "yAxisIndex": 1, "symbol": "none", "color": palette::FIGHTING, "lineStyle": {"type": "dashed"}, "data": at_war},
                ],
            }),
        ),
    });

    // The most influential parameters.
    let top: Vec<&truce_forecast::summary::Sensitivity> = s.sensitivity.iter().take(12).collect();
    // Plain labels from the parameter catalogue (through the editor's knobs), the path on hover.
    let knobs = crate::edit::editor(l).knobs;
    let params: Vec<Value> = top
        .iter()
        .map(|x| {
            let label = knobs.iter().find(|k| k.path == x.parameter).map_or(x.parameter.clone(), |k| {
                format!(
                    "{} — {}{}",
                    k.group,
                    k.label,
                    if k.unit.is_empty() { String::new() } else { format!(" ({})", k.unit) }
                )
            });
            json!(label)
        })
        .collect();
    let first_side = sides.first().cloned().unwrap_or_default();
    let mut outs: Vec<&String> = Vec::new();
    for x in &top {
        for k in x.spearman.keys() {
            if !outs.contains(&k) {
                outs.push(k);
            }
        }
    }
    let sens_series: Vec<Value> = outs
        .iter()
        .map(|o| {
            json!({
                "name": outcome_label(o, &first_side), "type": "bar",
                "data": top.iter().map(|x| finite(x.spearman.get(*o).copied().unwrap_or(f64::NAN))).collect::<Vec<_>>(),
            })
        })
        .collect();
    charts.push(Chart {
        id: "sensitivity".into(),
        title: "Most influential parameters".into(),
        caption: "Spearman rank correlation of each sampled parameter (under [uncertainty]) with each result \
                  over the runs, strongest first. Correlation, not causation."
            .into(),
        option: json!({
            "animationDuration": 300,
            "grid": {"left": 24, "right": 32, "top": 40, "bottom": 40, "containLabel": true},
            "color": palette::CATEGORICAL,
            "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
            "legend": {"top": 0},
            "xAxis": {"type": "value", "min": -1, "max": 1, "name": "rank correlation", "nameLocation": "middle", "nameGap": 28},
            "yAxis": {"type": "category", "data": params, "inverse": true, "axisLabel": {"width": 240, "overflow": "break"}},
            "series": sens_series,
        }),
    });
    charts
}

/// Charts of one run: the line with talk rounds marked, each round's proposal, and each
/// veto player's margin.
pub fn run_charts(t: &Trace, l: &Loaded) -> Vec<Chart> {
    let sides = side_names(l);
    let dates: Vec<String> = t.weeks.iter().map(|w| date_str(w.date)).collect();
    let km2: Vec<Value> = t.weeks.iter().map(|w| finite(w.km2.round())).collect();
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    for r in &t.rounds {
        let y = t.weeks.iter().find(|w| w.week == r.week).map_or(f64::NAN, |w| w.km2);
        let point = json!([date_str(r.date), finite(y)]);
        if r.settled || r.ceasefire {
            accepted.push(point);
        } else {
            rejected.push(point);
        }
    }
    let ceasefire: Vec<Value> = t.weeks.iter().map(|w| if w.ceasefire { finite(w.km2) } else { Value::Null }).collect();
    let first = sides.first().cloned().unwrap_or_default();
    let mut charts = vec![Chart {
        id: "line".into(),
        title: format!("Line of control: km² held by {first}"),
        caption: "Weekly line of control. Talk rounds are marked: a black triangle, the proposal was rejected; \
                  a green diamond, a settlement or ceasefire was agreed. The wide light-blue stretch is a ceasefire."
            .into(),
        option: merge(
            base("km²"),
            json!({
                "xAxis": {"type": "category", "data": dates, "boundaryGap": false},
                "yAxis": {"type": "value", "name": "km²", "nameLocation": "middle", "nameGap": 64, "scale": true},
                "series": [
                    {"name": "line of control", "type": "line", "symbol": "none", "color": palette::MODEL, "data": km2},
                    {"name": "ceasefire", "type": "line", "symbol": "none", "color": palette::CEASEFIRE, "lineStyle": {"width": 7, "opacity": 0.6}, "z": 1, "data": ceasefire},
                    {"name": "talks: rejected", "type": "scatter", "symbolSize": 9, "symbol": "triangle", "color": palette::POINT, "data": rejected},
                    {"name": "talks: agreed", "type": "scatter", "symbolSize": 14, "symbol": "diamond", "color": palette::SETTLED, "data": accepted},
                ],
            }),
        ),
    }];
    let proposal_series: Vec<Value> = l
        .params
        .issue_ids
        .iter()
        .map(|k| {
            json!({
                "name": issue_name(l, k), "type": "line", "symbolSize": 5,
                "data": t.rounds.iter().map(|r| json!([date_str(r.date), finite(r.amended.get(k).copied().unwrap_or(f64::NAN))])).collect::<Vec<_>>(),
            })
        })
        .collect();
    charts.push(Chart {
        id: "proposals".into(),
        title: "Proposal on the table, per issue".into(),
        caption: "Each round's proposal after supporters' amendments, on each issue's 0–100 scale, on a time axis \
                  (a long gap between rounds, such as a ceasefire, shows as one)."
            .into(),
        option: merge(
            base("term (0–100)"),
            json!({
                "xAxis": {"type": "time"},
                "yAxis": {"type": "value", "name": "term (0–100)", "nameLocation": "middle", "nameGap": 40, "min": 0, "max": 100},
                "series": proposal_series,
            }),
        ),
    });
    let mut actors: Vec<String> = Vec::new();
    for r in &t.rounds {
        for d in &r.decisions {
            if !actors.contains(&d.actor) {
                actors.push(d.actor.clone());
            }
        }
    }
    let margin_series: Vec<Value> = actors
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let data: Vec<Value> = t
                .rounds
                .iter()
                .map(|r| {
                    json!([
                        date_str(r.date),
                        r.decisions.iter().find(|d| &d.actor == a).map_or(Value::Null, |d| finite(d.margin))
                    ])
                })
                .collect();
            let who = l.scenario.actors.iter().find(|x| &x.id == a).filter(|x| !x.name.is_empty()).map_or(a.as_str(), |x| &x.name);
            let mut s = json!({"name": who, "type": "line", "symbolSize": 6, "connectNulls": false, "data": data});
            if i == 0 {
                s["markLine"] =
                    json!({"silent": true, "symbol": "none", "lineStyle": {"color": palette::FIGHTING}, "data": [{"yAxis": 0}]});
            }
            s
        })
        .collect();
    charts.push(Chart {
        id: "margins".into(),
        title: "Each veto player's margin".into(),
        caption: "Utility of the proposal minus the value of fighting on. Above zero the actor prefers the deal \
                  (up to the acceptance noise), but it still rejects one that fails its commitment check or crosses \
                  a red line: the talk-round table gives each decision's reason."
            .into(),
        option: merge(
            base("margin"),
            json!({
                "xAxis": {"type": "time"},
                "series": margin_series,
            }),
        ),
    });
    charts.extend(round_timelines(t, l, &actors));
    let cas: Vec<Value> = (0..2)
        .map(|i| {
            json!({
                "name": sides.get(i).cloned().unwrap_or_default(), "type": "line", "symbol": "none",
                "data": t.weeks.iter().map(|w| finite(w.cum_casualties[i].round())).collect::<Vec<_>>(),
            })
        })
        .collect();
    charts.push(Chart {
        id: "run-casualties".into(),
        title: "Cumulative casualties".into(),
        caption: "Killed and wounded since the start, per side.".into(),
        option: merge(
            base("casualties"),
            json!({
                "xAxis": {"type": "category", "data": t.weeks.iter().map(|w| date_str(w.date)).collect::<Vec<_>>(), "boundaryGap": false},
                "series": cas,
            }),
        ),
    });
    charts
}

/// A bar item drawn as its width (on an invisible bar at `lo`) whose tooltip says the range
/// `lo–hi`, never the width.
fn range_item(name: &str, lo: f64, hi: f64, width: f64, unit: &str) -> Value {
    let f = |x: f64| if x.abs() >= 1000.0 { format!("{x:.0}") } else { format!("{x:.1}") };
    json!({
        "value": finite(width),
        "tooltip": {"formatter": format!("{name}: p10–p90 {}–{}{unit}", f(lo), f(hi))},
    })
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => "–".into(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), |x| format!("{}", (x * 1e4).round() / 1e4)),
        Value::String(s) => s.clone(),
        Value::Object(o) => o.get("value").map_or_else(String::new, cell),
        Value::Array(a) => a.iter().map(cell).collect::<Vec<_>>().join(", "),
        Value::Bool(b) => b.to_string(),
    }
}

fn first_axis(v: Option<&Value>) -> Option<&Value> {
    match v {
        Some(Value::Array(a)) => a.first(),
        other => other,
    }
}

/// The text alternative of a chart: its data as an HTML table (rows: the category axis;
/// columns: the series that carry data), inside a `<details>` so that it takes no room until
/// opened. Invisible helper series (`silent`) are left out; a range bar shows its `p10–p90`
/// range, not its drawn width; scatter points `[category, value]` land on their row.
pub fn data_table(c: &Chart) -> String {
    use crate::report::esc;
    let o = &c.option;
    let axis_cats = |a: Option<&Value>| {
        first_axis(a)
            .filter(|x| x.get("type").and_then(Value::as_str) == Some("category"))
            .and_then(|x| x.get("data"))
            .and_then(Value::as_array)
            .cloned()
    };
    let series: Vec<&Value> = o
        .get("series")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter(|s| s.get("silent") != Some(&Value::Bool(true))).collect())
        .unwrap_or_default();
    // On a time axis the rows are the dates of the points, in order of appearance.
    let pair_keys = || {
        let mut keys: Vec<Value> = Vec::new();
        for s in &series {
            for d in s.get("data").and_then(Value::as_array).into_iter().flatten() {
                if let Some(k) = d.as_array().filter(|p| p.len() == 2).map(|p| &p[0]) {
                    if !keys.contains(k) {
                        keys.push(k.clone());
                    }
                }
            }
        }
        keys
    };
    let (cats, head) = match (axis_cats(o.get("xAxis")), axis_cats(o.get("yAxis"))) {
        (Some(c), _) => (c, "date"),
        (None, Some(c)) => (c, ""),
        (None, None) => (pair_keys(), "date"),
    };
    let mut cols: Vec<(String, Vec<String>)> = Vec::new();
    for s in &series {
        let name = s.get("name").map(cell).unwrap_or_default();
        let data = s.get("data").and_then(Value::as_array).cloned().unwrap_or_default();
        let mut col = vec![String::new(); cats.len()];
        if let Some(r) = s.get("range").and_then(Value::as_array) {
            for (i, x) in r.iter().enumerate().take(cats.len()) {
                let a = x.as_array().map(|p| p.iter().map(cell).collect::<Vec<_>>().join("–")).unwrap_or_default();
                col[i] = a;
            }
        } else {
            for (i, d) in data.iter().enumerate() {
                match d {
                    Value::Array(p) if p.len() == 2 => {
                        if let Some(k) = cats.iter().position(|c| c == &p[0]) {
                            col[k] = cell(&p[1]);
                        }
                    }
                    other if i < cats.len() => col[i] = cell(other),
                    _ => {}
                }
            }
        }
        cols.push((name, col));
    }
    let mut h = format!(
        "<details class=\"data\"><summary>Data table: {}</summary><div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Data of {}\"><table><thead><tr><th scope=\"col\">{}</th>",
        esc(&c.title),
        esc(&c.title),
        head
    );
    for (n, _) in &cols {
        let _ = write!(h, "<th scope=\"col\" class=\"num\">{}</th>", esc(n));
    }
    h.push_str("</tr></thead><tbody>");
    for (i, cat) in cats.iter().enumerate() {
        let _ = write!(h, "<tr><th scope=\"row\">{}</th>", esc(&cell(cat)));
        for (_, col) in &cols {
            let _ = write!(h, "<td class=\"num\">{}</td>", esc(&col[i]));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table></div></details>");
    h
}

/// Charts as JSON for the page, each with its data table (`table`, from [`data_table`]).
pub fn charts_json(charts: &[Chart]) -> Vec<Value> {
    charts
        .iter()
        .map(|c| {
            let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
            v["table"] = Value::String(data_table(c));
            v
        })
        .collect()
}

/// One chart per issue: the proposal on the table at each talk round against each veto
/// player's ideal point (its position in the scenario) and red line (where it sets one; a red
/// line that follows the line of control is drawn at the line's index that week).
fn round_timelines(t: &Trace, l: &Loaded, actors: &[String]) -> Vec<Chart> {
    let sc = &l.scenario;
    let dates: Vec<String> = t.rounds.iter().map(|r| date_str(r.date)).collect();
    let flat = |v: f64| -> Vec<Value> { dates.iter().map(|d| json!([d, finite(v)])).collect() };
    let mut out = Vec::new();
    for issue in &sc.issues {
        let name = issue_name(l, &issue.id);
        let mut series = vec![json!({
            "name": "proposal", "type": "line", "symbolSize": 6, "color": palette::MODEL, "lineStyle": {"width": 2.5},
            "data": t.rounds.iter().map(|r| json!([date_str(r.date), finite(r.amended.get(&issue.id).copied().unwrap_or(f64::NAN))])).collect::<Vec<_>>(),
        })];
        for (i, id) in actors.iter().enumerate() {
            let Some(a) = sc.actors.iter().find(|a| &a.id == id) else { continue };
            let who = if a.name.is_empty() { a.id.clone() } else { a.name.clone() };
            let color = palette::CATEGORICAL[1 + i % (palette::CATEGORICAL.len() - 1)];
            if let Some(p) = a.positions.get(&issue.id) {
                series.push(json!({
                    "name": format!("{who}: ideal point"), "type": "line", "symbol": "none", "color": color,
                    "lineStyle": {"type": "dashed", "width": 1.5}, "data": flat(p.value),
                }));
            }
            if let Some(rl) = a.red_lines.get(&issue.id) {
                let data: Vec<Value> = if rl.follows_line {
                    t.rounds
                        .iter()
                        .map(|r| {
                            let x = t.weeks.iter().find(|w| w.week == r.week).map_or(f64::NAN, |w| w.index);
                            json!([date_str(r.date), finite(x)])
                        })
                        .collect()
                } else {
                    rl.at.as_ref().map_or_else(Vec::new, |x| flat(x.value))
                };
                if !data.is_empty() {
                    series.push(json!({
                        "name": format!("{who}: red line"), "type": "line", "symbol": "none", "color": color,
                        "lineStyle": {"type": "dotted", "width": 2.5}, "data": data,
                    }));
                }
            }
        }
        out.push(Chart {
            id: format!("round-issue-{}", issue.id),
            title: format!("Talk rounds on {name}"),
            caption: format!(
                "The proposal at each round (solid blue) against each veto player's ideal point (dashed: its position in the \
                 scenario) and red line (dotted, where it sets one). 0 means {}; 100 means {}.",
                if issue.low.is_empty() { "the issue's low end" } else { &issue.low },
                if issue.high.is_empty() { "the issue's high end" } else { &issue.high }
            ),
            option: merge(
                base("term (0–100)"),
                json!({
                    "xAxis": {"type": "time"},
                    "yAxis": {"type": "value", "name": "term (0–100)", "nameLocation": "middle", "nameGap": 40, "min": 0, "max": 100},
                    "series": series,
                }),
            ),
        });
    }
    out
}

/// What a sensitivity outcome (`truce_forecast::ensemble::RANK_OUTCOMES`) means, in words.
fn outcome_label(o: &str, first_side: &str) -> String {
    match o {
        "settled" => "settled (1) or not (0)".into(),
        "end_week" => "week the run ended".into(),
        "final_km2" => format!("km² held by {first_side} at the end"),
        "casualties_total" => "casualties, both sides".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_table_says_ranges_skips_helpers_and_places_points() {
        let c = Chart {
            id: "t".into(),
            title: "Terms <x>".into(),
            caption: String::new(),
            option: json!({
                "yAxis": {"type": "category", "data": ["territory", "guarantees"]},
                "series": [
                    {"name": "p10", "silent": true, "data": [10, 20]},
                    {"name": "p10–p90", "data": [range_item("territory", 10.0, 40.0, 30.0, ""), range_item("guarantees", 20.0, 25.0, 5.0, "")],
                     "range": [[10, 40], [20, 25]]},
                    {"name": "median", "data": [25, 22.5]},
                    {"name": "talks", "data": [["guarantees", 7]]},
                ],
            }),
        };
        let h = data_table(&c);
        assert!(h.contains("Data table: Terms &lt;x&gt;"), "{h}");
        assert!(!h.contains(">p10<"), "the invisible helper bar is not a column: {h}");
        assert!(h.contains("<td class=\"num\">10–40</td>") && h.contains("<td class=\"num\">20–25</td>"), "{h}");
        assert!(!h.contains(">30<"), "the drawn width is not shown as a value: {h}");
        assert!(h.contains("<th scope=\"row\">guarantees</th><td class=\"num\">20–25</td><td class=\"num\">22.5</td><td class=\"num\">7</td>"), "{h}");
        // The tooltip of a range bar says the range, not the width.
        assert_eq!(
            range_item("territory", 10.0, 40.0, 30.0, "")["tooltip"]["formatter"],
            "territory: p10–p90 10.0–40.0"
        );
    }
}
