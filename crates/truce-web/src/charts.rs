//! ECharts options for forecasts and runs, built as JSON with serde_json. The report and the
//! `truce serve` page both draw these options, so a chart looks the same in both places.
//! Only presentation lives here: every number comes from a [`Summary`] or a [`Trace`].

use serde::Serialize;
use serde_json::{json, Value};
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

/// A colour per war state, in the order of [`WarState::ALL`].
const COLORS: [&str; WarState::COUNT] = ["#9aa0a6", "#b08d1a", "#1f77b4", "#2f7d32", "#c0392b", "#8e44ad"];
/// A colour per event, in the order of [`WarEvent::ALL`] (the colour of the state that marks
/// it; black for any end of high-intensity war).
const EVENT_COLORS: [&str; WarEvent::COUNT] = ["#1f77b4", "#2f7d32", "#c0392b", "#8e44ad", "#b08d1a", "#222222"];

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

fn base(title_y: &str) -> Value {
    json!({
        "animationDuration": 300,
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
            "name": "observed", "type": "scatter", "symbolSize": 7, "color": "#d62728", "data": data,
        }));
    }
    if let Some(Value::Array(legend)) = o.pointer_mut("/legend/data") {
        legend.push(json!("observed"));
    }
    fan.caption.push_str(&format!(
        " Red points: the {} area observations the forecast was conditioned on (to {}); the fan starts the week after.",
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
                s.states_by_week.iter().map(|r| finite(r.p.get(k.name()).copied().unwrap_or(0.0))).collect();
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
            base("probability"),
            json!({
                "legend": {"top": 0, "type": "plain", "itemGap": 8},
                "grid": {"left": 64, "right": 24, "top": 64, "bottom": 56, "containLabel": true},
                "xAxis": {"type": "category", "data": dates, "boundaryGap": false},
                "yAxis": {"type": "value", "name": "probability", "nameLocation": "middle", "nameGap": 48, "min": 0, "max": 1},
                "series": series,
            }),
        ),
    });

    // Events by date: the probability that each has happened by each week.
    let edates: Vec<String> = s.events_by_week.iter().map(|r| date_str(r.date)).collect();
    let series: Vec<Value> = WarEvent::ALL
        .into_iter()
        .map(|e| {
            let data: Vec<Value> =
                s.events_by_week.iter().map(|r| finite(r.p.get(e.name()).copied().unwrap_or(0.0))).collect();
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
            base("probability"),
            json!({
                "legend": {"top": 0, "type": "plain", "itemGap": 8},
                "grid": {"left": 64, "right": 24, "top": 64, "bottom": 56, "containLabel": true},
                "xAxis": {"type": "category", "data": edates, "boundaryGap": false},
                "yAxis": {"type": "value", "name": "probability", "nameLocation": "middle", "nameGap": 48, "min": 0, "max": 1},
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
    let width: Vec<Value> = issues
        .iter()
        .map(|i| {
            let x = &s.terms[*i];
            finite(x.p90 - x.p10)
        })
        .collect();
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
            "tooltip": {"trigger": "item"},
            "legend": {"top": 0, "data": ["p10–p90", "median", "mean"]},
            "xAxis": {"type": "value", "min": 0, "max": 100, "name": "term (0–100)", "nameLocation": "middle", "nameGap": 28},
            "yAxis": {"type": "category", "data": names, "inverse": true},
            "series": [
                {"name": "p10", "type": "bar", "stack": "r", "itemStyle": {"color": "transparent"}, "silent": true, "data": t(|x| x.p10), "barWidth": 18},
                {"name": "p10–p90", "type": "bar", "stack": "r", "itemStyle": {"color": "#9ecae1"}, "data": width, "barWidth": 18},
                {"name": "median", "type": "scatter", "symbolSize": 12, "itemStyle": {"color": "#08519c"}, "data": t(|x| x.p50)},
                {"name": "mean", "type": "scatter", "symbol": "diamond", "symbolSize": 12, "itemStyle": {"color": "#e6550d"}, "data": t(|x| x.mean)},
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
                    {"name": "p10–p90", "type": "line", "stack": "band", "symbol": "none", "lineStyle": {"opacity": 0}, "areaStyle": {"color": "#c6dbef", "opacity": 0.9}, "silent": true, "tooltip": {"show": false}, "data": band},
                    {"name": "p10", "type": "line", "symbol": "none", "lineStyle": {"type": "dashed", "width": 1}, "color": "#6baed6", "data": p10},
                    {"name": "p90", "type": "line", "symbol": "none", "lineStyle": {"type": "dashed", "width": 1}, "color": "#6baed6", "data": p90},
                    {"name": "median", "type": "line", "symbol": "none", "lineStyle": {"width": 2.5}, "color": "#08519c", "data": p50},
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
                {"name": "p10–p90", "type": "bar", "stack": "r", "itemStyle": {"color": "#fcbba1"}, "data": cs.iter().map(|(_, x)| finite(x.p90.round() - x.p10.round())).collect::<Vec<_>>(), "barWidth": 18},
                {"name": "median", "type": "scatter", "symbolSize": 12, "itemStyle": {"color": "#a50f15"}, "data": q(|x| x.p50)},
                {"name": "mean", "type": "scatter", "symbol": "diamond", "symbolSize": 12, "itemStyle": {"color": "#525252"}, "data": q(|x| x.mean)},
            ],
        }),
    });

    // The share of runs at war with an open bargaining range.
    let rd: Vec<String> = s.range_open.iter().map(|r| date_str(week_end(s.start, r.week))).collect();
    let share: Vec<Value> = s.range_open.iter().map(|r| finite(r.share_open)).collect();
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
                    {"type": "value", "name": "share open", "min": 0, "max": 1, "nameLocation": "middle", "nameGap": 44},
                    {"type": "value", "name": "runs at war", "nameLocation": "middle", "nameGap": 56, "splitLine": {"show": false}},
                ],
                "series": [
                    {"name": "share open", "type": "line", "symbol": "none", "color": "#2f7d32", "areaStyle": {"opacity": 0.15}, "data": share},
                    {"name": "runs at war", "type": "line", "yAxisIndex": 1, "symbol": "none", "color": "#9aa0a6", "lineStyle": {"type": "dashed"}, "data": at_war},
                ],
            }),
        ),
    });

    // The most influential parameters.
    let top: Vec<&truce_forecast::summary::Sensitivity> = s.sensitivity.iter().take(12).collect();
    let params: Vec<&str> = top.iter().map(|x| x.parameter.as_str()).collect();
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
                "name": o, "type": "bar",
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
            "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
            "legend": {"top": 0},
            "xAxis": {"type": "value", "min": -1, "max": 1, "name": "rank correlation", "nameLocation": "middle", "nameGap": 28},
            "yAxis": {"type": "category", "data": params, "inverse": true},
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
        caption: "Weekly line of control. Dots mark talk rounds: red, the proposal was rejected; green, a \
                  settlement or ceasefire was agreed. The wide green stretch is a ceasefire."
            .into(),
        option: merge(
            base("km²"),
            json!({
                "xAxis": {"type": "category", "data": dates, "boundaryGap": false},
                "yAxis": {"type": "value", "name": "km²", "nameLocation": "middle", "nameGap": 64, "scale": true},
                "series": [
                    {"name": "line of control", "type": "line", "symbol": "none", "color": "#08519c", "data": km2},
                    {"name": "ceasefire", "type": "line", "symbol": "none", "color": "#74c476", "lineStyle": {"width": 7, "opacity": 0.6}, "z": 1, "data": ceasefire},
                    {"name": "talks: rejected", "type": "scatter", "symbolSize": 8, "color": "#c0392b", "data": rejected},
                    {"name": "talks: agreed", "type": "scatter", "symbolSize": 14, "symbol": "diamond", "color": "#2f7d32", "data": accepted},
                ],
            }),
        ),
    }];
    let rdates: Vec<String> = t.rounds.iter().map(|r| date_str(r.date)).collect();
    let proposal_series: Vec<Value> = l
        .params
        .issue_ids
        .iter()
        .map(|k| {
            json!({
                "name": issue_name(l, k), "type": "line", "symbolSize": 5,
                "data": t.rounds.iter().map(|r| finite(r.amended.get(k).copied().unwrap_or(f64::NAN))).collect::<Vec<_>>(),
            })
        })
        .collect();
    charts.push(Chart {
        id: "proposals".into(),
        title: "Proposal on the table, per issue".into(),
        caption: "Each round's proposal after supporters' amendments, on each issue's 0–100 scale.".into(),
        option: merge(
            base("term (0–100)"),
            json!({
                "xAxis": {"type": "category", "data": rdates.clone()},
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
                .map(|r| r.decisions.iter().find(|d| &d.actor == a).map_or(Value::Null, |d| finite(d.margin)))
                .collect();
            let mut s = json!({"name": a, "type": "line", "symbolSize": 6, "connectNulls": false, "data": data});
            if i == 0 {
                s["markLine"] =
                    json!({"silent": true, "symbol": "none", "lineStyle": {"color": "#555"}, "data": [{"yAxis": 0}]});
            }
            s
        })
        .collect();
    charts.push(Chart {
        id: "margins".into(),
        title: "Each veto player's margin".into(),
        caption: "Utility of the proposal minus the value of fighting on: above zero the actor accepts \
                  (up to the acceptance noise)."
            .into(),
        option: merge(
            base("margin"),
            json!({
                "xAxis": {"type": "category", "data": rdates},
                "series": margin_series,
            }),
        ),
    });
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
