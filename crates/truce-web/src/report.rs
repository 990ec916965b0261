//! Self-contained HTML reports: one file that opens offline, with ECharts inlined.
//!
//! The library does not read the clock: the caller passes the generation date in
//! [`ReportMeta`].

use crate::charts::{data_table, date_str, forecast_charts, run_charts, Chart};
use serde_json::Value;
use std::fmt::Write;
use truce_engine::load::Loaded;
use truce_engine::outcome::{WarEvent, WarState};
use truce_engine::talk::Blocker;
use truce_engine::trace::Trace;
use truce_forecast::summary::{Prob, Summary};

/// The vendored Apache ECharts (see `assets/README.md`).
pub const ECHARTS_JS: &str = include_str!("../assets/echarts.min.js");

/// The version of truce that wrote a report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Run metadata shown in a report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportMeta {
    /// truce version (normally [`VERSION`]).
    pub version: String,
    /// Seed of the forecast or run.
    pub seed: u64,
    /// Number of runs (1 for a single-run report).
    pub runs: u64,
    /// When the report was generated, as the caller wants it shown (e.g. `2026-11-24 03:10 UTC`).
    pub generated: String,
    /// Where the scenario came from (a path or `built-in NAME`).
    pub source: String,
}

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// JSON safe to place inside a `<script>` element.
pub fn script_json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into()).replace("</", "<\\/").replace("<!--", "<\\!--")
}

/// Shared stylesheet of reports and the serve page: one palette, a layout that works from
/// 360 px up (cards shrink to the screen, wide tables scroll inside their own box, long values
/// wrap) and a print sheet in which every table prints whole and no chart splits.
pub const CSS: &str = r#"
:root { --fg:#1d1d1f; --muted:#5f6368; --line:#dadce0; --bg:#fafafa; --accent:#08519c;
  --ok:#00664A; --bad:#A13F00; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0; background: var(--bg); }
header.top { background: #fff; border-bottom: 1px solid var(--line); padding: 14px 24px; }
header.top h1 { margin: 0; font-size: 20px; }
header.top .sub { color: var(--muted); }
main { padding: 16px 24px; max-width: 1400px; margin: 0 auto; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(560px, 100%), 1fr)); gap: 16px; }
.grid > * { min-width: 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
.card h2 { font-size: 15px; margin: 0 0 4px; }
.card h3 { font-size: 14px; margin: 8px 0 4px; }
.card p.caption { color: var(--muted); margin: 0 0 6px; font-size: 12.5px; }
.chart { width: 100%; height: 340px; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.wrap { white-space: normal; overflow-wrap: anywhere; text-align: left; }
td code { overflow-wrap: anywhere; }
td.src { color: var(--muted); overflow-wrap: anywhere; }
.meta { display: flex; flex-wrap: wrap; gap: 6px 18px; color: var(--muted); font-size: 12.5px; margin-top: 4px; }
.meta b { color: var(--fg); font-weight: 600; }
.acc { color: var(--ok); font-weight: 600; } .rej { color: var(--bad); font-weight: 600; }
details summary { cursor: pointer; font-weight: 600; }
.scroll { max-height: 520px; overflow: auto; }
.scroll-x { max-width: 100%; overflow-x: auto; }
.scroll:focus, .scroll-x:focus { outline: 2px solid var(--accent); outline-offset: 2px; }
.warn { background: #fff4e5; border: 1px solid #f0c36d; padding: 6px 10px; border-radius: 6px; }
details.data { margin-top: 4px; font-size: 12.5px; }
details.data summary { font-weight: 400; color: var(--muted); }
@media (max-width: 700px) {
  header.top, main { padding-left: 10px; padding-right: 10px; }
  .grid { gap: 10px; }
  .card { padding: 10px 8px; }
  .chart { height: 300px; }
  td.num, th.num { white-space: normal; }
}
@media print {
  body { background: #fff; font-size: 11px; }
  main { max-width: none; padding: 0; }
  header.top { border: 0; padding: 0 0 8px; }
  .grid { display: block; }
  .card { border: 0; padding: 0; margin: 0 0 12px; break-inside: auto; }
  .chart { width: 17cm; height: 9cm; break-inside: avoid; page-break-inside: avoid; }
  .card:has(> .chart) { break-inside: avoid; page-break-inside: avoid; }
  .scroll, .scroll-x { max-height: none !important; overflow: visible !important; }
  table { font-size: 9.5px; }
  td.num, th.num { white-space: normal; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
}
"#;

/// The script that draws every chart of a page from the `charts` JSON element.
const INIT_JS: &str = r#"
(function () {
  var charts = JSON.parse(document.getElementById('truce-charts').textContent);
  window.truceCharts = {};
  charts.forEach(function (c) {
    var el = document.getElementById('chart-' + c.id);
    if (!el) return;
    var ch = echarts.init(el, null, { renderer: 'svg' });
    c.option.animation = false;
    ch.setOption(c.option);
    window.truceCharts[c.id] = ch;
  });
  window.addEventListener('resize', function () {
    Object.keys(window.truceCharts).forEach(function (k) { window.truceCharts[k].resize(); });
  });
  // Printing opens the collapsed scenario table.
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  });
  document.body.setAttribute('data-charts-ready', String(charts.length));
})();
"#;

/// A whole self-contained page: the header, the body and the charts it draws.
pub(crate) fn page(title: &str, header: &str, body: &str, charts: &[Chart]) -> String {
    let mut h = String::with_capacity(ECHARTS_JS.len() + body.len() + 200_000);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"truce {VERSION}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <header class=\"top\">{header}</header>\n<main>\n{body}\n</main>\n",
        esc(title)
    );
    h.push_str("<script>\n");
    h.push_str(ECHARTS_JS);
    h.push_str("\n</script>\n<script type=\"application/json\" id=\"truce-charts\">");
    h.push_str(&script_json(&charts));
    h.push_str("</script>\n<script>");
    h.push_str(INIT_JS);
    h.push_str("</script>\n</body>\n</html>\n");
    h
}

/// A grid of chart cards (title, caption, container).
pub(crate) fn chart_cards(charts: &[Chart]) -> String {
    let mut s = String::from("<section class=\"grid\">\n");
    for c in charts {
        let _ = writeln!(
            s,
            "<div class=\"card\"><h2>{}</h2><p class=\"caption\">{}</p><div class=\"chart\" id=\"chart-{}\" role=\"img\" aria-label=\"{}: {} The data table below gives every value.\"></div>{}</div>",
            esc(&c.title),
            esc(&c.caption),
            esc(&c.id),
            esc(&c.title),
            esc(&c.caption),
            data_table(c)
        );
    }
    s.push_str("</section>\n");
    s
}

/// The line of run metadata under a report's title.
pub(crate) fn meta_line(m: &ReportMeta, extra: &[(&str, String)]) -> String {
    let mut s = String::from("<div class=\"meta\">");
    let mut item = |k: &str, v: &str| {
        let _ = write!(s, "<span>{k}: <b>{}</b></span>", esc(v));
    };
    item("truce", &m.version);
    item("scenario", &m.source);
    item("seed", &m.seed.to_string());
    item("runs", &m.runs.to_string());
    for (k, v) in extra {
        item(k, v);
    }
    item("generated", &m.generated);
    s.push_str("</div>");
    s
}

fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        "–".into()
    } else if x.abs() >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if x.abs() >= 1e4 {
        format!("{:.0}k", x / 1e3)
    } else if x == x.round() {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.3}")
    }
}

fn pct(p: f64) -> String {
    if p.is_finite() {
        format!("{:.1}%", p * 100.0)
    } else {
        "–".into()
    }
}

/// One row of the scenario table: a dotted path, its value and its source note.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRow {
    /// Dotted path, as in `[uncertainty]` and the editor.
    pub path: String,
    /// The value as shown.
    pub value: String,
    /// The source note (empty if none).
    pub source: String,
}

fn leaf(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_f64().map(fmt_num).unwrap_or_else(|| n.to_string()),
        other => other.to_string(),
    }
}

fn flatten(prefix: &str, v: &Value, out: &mut Vec<ScenarioRow>) {
    let join = |k: &str| if prefix.is_empty() { k.to_string() } else { format!("{prefix}.{k}") };
    match v {
        Value::Object(m) => {
            if let Some(d) = m.get("$__toml_private_datetime") {
                out.push(ScenarioRow { path: prefix.into(), value: leaf(d), source: String::new() });
            } else if m.contains_key("value") && m.keys().all(|k| k == "value" || k == "source") {
                out.push(ScenarioRow {
                    path: prefix.into(),
                    value: m.get("value").map(leaf).unwrap_or_default(),
                    source: m.get("source").map(leaf).unwrap_or_default(),
                });
            } else {
                for (k, x) in m {
                    if prefix.is_empty() && k == "uncertainty" {
                        if let Value::Object(u) = x {
                            for (p, d) in u {
                                let (src, d) = match d {
                                    Value::Object(o) => {
                                        let mut o = o.clone();
                                        let s = o.remove("source").map(|s| leaf(&s)).unwrap_or_default();
                                        (s, Value::Object(o))
                                    }
                                    other => (String::new(), other.clone()),
                                };
                                out.push(ScenarioRow {
                                    path: format!("uncertainty.\"{p}\""),
                                    value: d.to_string(),
                                    source: src,
                                });
                            }
                        }
                        continue;
                    }
                    flatten(&join(k), x, out);
                }
            }
        }
        Value::Array(a) if a.iter().all(|x| x.get("id").and_then(Value::as_str).is_some()) && !a.is_empty() => {
            for x in a {
                let id = x.get("id").and_then(Value::as_str).unwrap_or_default();
                flatten(&join(id), x, out);
            }
        }
        Value::Array(a) if a.iter().any(|x| x.is_object()) => {
            for (i, x) in a.iter().enumerate() {
                flatten(&join(&i.to_string()), x, out);
            }
        }
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(leaf).collect();
            out.push(ScenarioRow {
                path: prefix.into(),
                value: format!("[{}]", items.join(", ")),
                source: String::new(),
            })
        }
        Value::Null => {}
        other => out.push(ScenarioRow { path: prefix.into(), value: leaf(other), source: String::new() }),
    }
}

/// Every value of the scenario with its source note, by dotted path (`actors.russia.capability`).
pub fn scenario_rows(l: &Loaded) -> Vec<ScenarioRow> {
    let mut out = Vec::new();
    if let Ok(v) = serde_json::to_value(&l.scenario) {
        flatten("", &v, &mut out);
    }
    out.retain(|r| !r.path.ends_with(".id") && r.path != "scenario.description");
    out
}

fn scenario_section(l: &Loaded) -> String {
    let sc = &l.scenario.scenario;
    let mut s = String::from("<section class=\"card\" style=\"margin-top:16px\"><h2>Scenario</h2>");
    let _ = write!(s, "<p><b>{}</b> — {}</p>", esc(&sc.name), esc(&sc.title));
    if !sc.description.trim().is_empty() {
        let _ = write!(s, "<p>{}</p>", esc(sc.description.trim()));
    }
    if !sc.sources.is_empty() {
        s.push_str("<p><b>Sources</b></p><ul>");
        for src in &sc.sources {
            let _ = write!(s, "<li>{}</li>", esc(src));
        }
        s.push_str("</ul>");
    }
    s.push_str(
        "<details><summary>Every parameter with its source</summary><div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Every parameter with its source\"><table id=\"scenario-table\">\
         <thead><tr><th>parameter</th><th class=\"num\">value</th><th>source</th></tr></thead><tbody>",
    );
    for r in scenario_rows(l) {
        let _ = write!(
            s,
            "<tr><td><code>{}</code></td><td class=\"num wrap\">{}</td><td class=\"src\">{}</td></tr>",
            esc(&r.path),
            esc(&r.value),
            esc(&r.source)
        );
    }
    s.push_str("</tbody></table></div></details></section>\n");
    s
}

/// The forecast report: charts, the probability table, terms, casualties, the scenario with
/// its sources and the run metadata.
pub fn forecast_report(s: &Summary, l: &Loaded, meta: &ReportMeta) -> String {
    let sides: Vec<String> = l.params.sides.iter().map(|x| x.name.clone()).collect();
    let charts = forecast_charts(s, l);
    let title = format!("truce forecast — {}", l.scenario.scenario.title);
    let header = format!(
        "<h1>{}</h1><div class=\"sub\">Ensemble forecast of {} runs from {} over {} weeks</div>{}",
        esc(&l.scenario.scenario.title),
        s.runs,
        date_str(s.start),
        s.horizon_weeks,
        meta_line(meta, &[("start", date_str(s.start)), ("horizon", format!("{} weeks", s.horizon_weeks))])
    );
    let mut b = String::new();
    if s.interrupted {
        b.push_str("<p class=\"warn\">This forecast was interrupted: it covers only the runs that finished.</p>");
    }
    // The war's age at the start reweighted the parameter draws (docs/backcast.md).
    if let Some(sel) = &s.selection {
        let class = if sel.warning.is_some() { "warn" } else { "caption" };
        b.push_str(&format!("<p class=\"{class}\" id=\"selection\">{}</p>", esc(&sel.note())));
    }
    // Events by date and states at date.
    b.push_str("<section class=\"card\" style=\"margin-bottom:16px\"><h2>Events by date</h2><p class=\"caption\">The probability that each event has happened by each date, ± Monte Carlo standard error (percentage points).</p>");
    let head = |b: &mut String, id: &str, name: &str| {
        let _ = write!(
            b,
            "<div class=\"scroll-x\" tabindex=\"0\" role=\"region\" aria-label=\"{name}\"><table id=\"{id}\"><thead><tr><th scope=\"col\">{name}</th>"
        );
        for r in &s.at {
            let _ = write!(b, "<th class=\"num\">{} ({})</th>", esc(&r.label), date_str(r.date));
        }
        b.push_str("</tr></thead><tbody>");
    };
    let cell = |b: &mut String, p: Option<&Prob>| match p {
        Some(p) => {
            let _ = write!(b, "<td class=\"num\">{} ± {:.1}</td>", pct(p.p), p.se * 100.0);
        }
        None => b.push_str("<td class=\"num\">–</td>"),
    };
    head(&mut b, "events-table", "event by date");
    // Only the events this scenario can produce (the JSON keeps every row).
    for e in WarEvent::ALL.into_iter().filter(|e| e.possible_in(&l.params)) {
        let _ = write!(b, "<tr><td>{}</td>", esc(&e.label(&sides)));
        for r in &s.at {
            cell(&mut b, r.events.get(e.name()));
        }
        b.push_str("</tr>");
    }
    b.push_str("</tbody></table></div><h2>State at date</h2><p class=\"caption\">The share of runs in each state at each date (they sum to 100%), ± Monte Carlo standard error.</p>");
    head(&mut b, "outcome-table", "state at date");
    for k in WarState::ALL {
        let _ = write!(b, "<tr><td>{}</td>", esc(&k.label(&sides)));
        for r in &s.at {
            cell(&mut b, r.states.get(k.name()));
        }
        b.push_str("</tr>");
    }
    b.push_str("</tbody></table></div>");
    let held = s.ceasefire_held_to_horizon;
    let _ = writeln!(
        b,
        "<p class=\"caption\" id=\"ceasefire-held\">Ceasefire that held to the horizon (in force at the end of week {}): {} ± {:.1}.</p>",
        s.horizon_weeks,
        pct(held.p),
        held.se * 100.0
    );
    // What broke each side that collapsed (the front past a threshold is not an army that broke).
    for line in s.collapse_sentences(&sides) {
        let _ = writeln!(b, "<p class=\"caption collapse-causes\">{}.</p>", esc(&line));
    }
    let _ = writeln!(
        b,
        "<p class=\"caption\">Median time to settlement among runs that settle: {}. Mean talk rounds per run: {:.1}. Ceasefire breakdowns: {} over {} runs.</p></section>",
        s.median_weeks_to_settlement.map_or("–".into(), |w| format!("{w:.0} weeks")),
        s.mean_talk_rounds,
        s.ceasefire_breakdowns,
        s.runs
    );
    b.push_str(&why_section(s));
    b.push_str(&chart_cards(&charts));
    // Terms table.
    b.push_str("<section class=\"grid\" style=\"margin-top:16px\"><div class=\"card\"><h2>Settlement terms</h2><div class=\"scroll-x\" tabindex=\"0\" role=\"region\" aria-label=\"Settlement terms\"><table id=\"terms-table\"><thead><tr><th>issue</th><th>0 means</th><th>100 means</th><th class=\"num\">n</th><th class=\"num\">p10</th><th class=\"num\">median</th><th class=\"num\">p90</th><th class=\"num\">mean</th></tr></thead><tbody>");
    let mut ids: Vec<&String> = l.params.issue_ids.iter().filter(|i| s.terms.contains_key(*i)).collect();
    ids.extend(s.terms.keys().filter(|k| !l.params.issue_ids.contains(k)));
    for id in ids {
        let t = &s.terms[id];
        let spec = l.scenario.issues.iter().find(|i| &i.id == id);
        let _ = write!(
            b,
            "<tr><td>{}</td><td class=\"src\">{}</td><td class=\"src\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(spec.map_or(id.as_str(), |i| if i.name.is_empty() { &i.id } else { &i.name })),
            esc(spec.map_or("", |i| &i.low)),
            esc(spec.map_or("", |i| &i.high)),
            t.n,
            fmt_num(t.p10),
            fmt_num(t.p50),
            fmt_num(t.p90),
            fmt_num(t.mean)
        );
    }
    b.push_str("</tbody></table></div></div><div class=\"card\"><h2>Cumulative casualties and the line at the horizon</h2><div class=\"scroll-x\" tabindex=\"0\" role=\"region\" aria-label=\"Casualties and the line\"><table><thead><tr><th></th><th class=\"num\">p10</th><th class=\"num\">median</th><th class=\"num\">p90</th><th class=\"num\">mean</th></tr></thead><tbody>");
    for (side, q) in &s.casualties {
        let _ = write!(
            b,
            "<tr><td>casualties {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(l.params.sides.iter().find(|x| &x.id == side).map_or(side.as_str(), |x| x.name.as_str())),
            fmt_num(q.p10),
            fmt_num(q.p50),
            fmt_num(q.p90),
            fmt_num(q.mean)
        );
    }
    if let Some(k) = s.km2_quantiles.last() {
        let _ = write!(
            b,
            "<tr><td>km² held by {} ({})</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td></td></tr>",
            esc(sides.first().map_or("", |x| x.as_str())),
            date_str(k.date),
            fmt_num(k.p10),
            fmt_num(k.p50),
            fmt_num(k.p90)
        );
    }
    let cl = &s.ceasefire_line;
    if cl.n > 0 {
        // Where the war froze (`ceasefire_line`): the runs that agreed a ceasefire by the horizon.
        let _ = write!(
            b,
            "<tr id=\"ceasefire-line\"><td>km² held by {} at the first ceasefire ({} runs)</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(sides.first().map_or("", |x| x.as_str())),
            cl.n,
            fmt_num(cl.p10),
            fmt_num(cl.p50),
            fmt_num(cl.p90),
            fmt_num(cl.mean)
        );
    }
    b.push_str("</tbody></table></div></div></section>\n");
    b.push_str(&scenario_section(l));
    page(&title, &header, &b, &charts)
}

/// The "why the talks failed" card: per reported period, the talk slots that agreed nothing in
/// runs still at war, and the share blocked by each cause ([`Blocker`], first that applies).
pub fn why_section(s: &Summary) -> String {
    let mut b = String::from(
        "<section class=\"card\" style=\"margin-bottom:16px\"><h2>Why the talks failed</h2><p class=\"caption\">For runs still \
         fighting: of the talk slots in each period that agreed nothing, the share blocked by each cause (the first that \
         applies: a veto player's margin over war, a red line, the commitment check, no deal better than war for both, no \
         talks held). Shares of each row sum to 100%.</p><div class=\"scroll-x\" tabindex=\"0\" role=\"region\" \
         aria-label=\"Why the talks failed\"><table id=\"why-table\"><thead><tr><th scope=\"col\">period</th><th scope=\"col\" class=\"num\">blocked talk slots</th>",
    );
    for c in Blocker::ALL {
        let _ = write!(b, "<th scope=\"col\" class=\"num\">{}</th>", esc(c.label()));
    }
    b.push_str("</tr></thead><tbody>");
    for r in s.why.iter().filter(|r| r.week > r.from) {
        let _ = write!(
            b,
            "<tr><th scope=\"row\">to {} (weeks {}–{})</th><td class=\"num\">{} over {} runs</td>",
            esc(&r.label),
            r.from,
            r.week - 1,
            r.slots,
            s.runs
        );
        for c in Blocker::ALL {
            let _ = write!(b, "<td class=\"num\">{}</td>", pct(r.shares.get(c.name()).copied().unwrap_or(f64::NAN)));
        }
        b.push_str("</tr>");
    }
    b.push_str("</tbody></table></div></section>\n");
    b
}

/// The run report: the line over time with talk rounds marked, and each round's proposal,
/// each veto player's decision and margin.
pub fn run_report(t: &Trace, l: &Loaded, meta: &ReportMeta) -> String {
    let charts = run_charts(t, l);
    let title = format!("truce run — {}", l.scenario.scenario.title);
    let outcome = match &t.outcome {
        Some(o) => format!(
            "{} in week {} ({})",
            o.state.label(&l.params.sides.iter().map(|s| s.name.as_str()).collect::<Vec<_>>()),
            o.week,
            date_str(o.date)
        ),
        None => "none".into(),
    };
    let header = format!(
        "<h1>{}</h1><div class=\"sub\">One run, seed {}: {}</div>{}",
        esc(&l.scenario.scenario.title),
        t.seed,
        esc(&outcome),
        meta_line(meta, &[("outcome", outcome.clone()), ("talk rounds", t.rounds.len().to_string())])
    );
    let mut b = chart_cards(&charts);
    b.push_str("<section class=\"card\" style=\"margin-top:16px\"><h2>Talk rounds</h2><div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Talk rounds\"><table id=\"rounds-table\"><thead><tr><th>date</th><th>week</th><th>proposal</th>");
    for (k, id) in l.params.issue_ids.iter().enumerate() {
        let name = l.params.issue_names.get(k).filter(|n| !n.is_empty()).unwrap_or(id);
        let _ = write!(b, "<th class=\"num\">{}</th>", esc(name));
    }
    b.push_str("<th>decisions (margin)</th><th>result</th></tr></thead><tbody>");
    for r in &t.rounds {
        let _ = write!(
            b,
            "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td>",
            date_str(r.date),
            r.week,
            if r.compromise { "compromise" } else { "Nash proposal" }
        );
        for id in &l.params.issue_ids {
            let p = r.proposal.get(id).copied().unwrap_or(f64::NAN);
            let a = r.amended.get(id).copied().unwrap_or(f64::NAN);
            if (a - p).abs() > 0.05 {
                let _ = write!(b, "<td class=\"num\">{p:.1} → {a:.1}</td>");
            } else {
                let _ = write!(b, "<td class=\"num\">{a:.1}</td>");
            }
        }
        b.push_str("<td>");
        for d in &r.decisions {
            let _ = write!(
                b,
                "<span class=\"{}\">{} {}</span> (margin {:+.3}){}<br>",
                if d.accepted { "acc" } else { "rej" },
                esc(&d.actor),
                if d.accepted { "accepts" } else { "rejects" },
                d.margin,
                if d.commitment_ok { "" } else { " fails the commitment check" }
            );
        }
        if let Some(m) = &r.ceasefire_margins {
            let v: Vec<String> = m.iter().map(|(k, x)| format!("{} {x:+.3}", esc(k))).collect();
            let _ = write!(b, "ceasefire at the line: {}", v.join(", "));
        }
        let res = if r.settled {
            "<span class=\"acc\">settled</span>"
        } else if r.ceasefire {
            "<span class=\"acc\">ceasefire</span>"
        } else if r.range_open {
            "no deal (range open)"
        } else {
            "no deal"
        };
        let why = r.blocked.as_ref().map_or(String::new(), |x| format!("<br>blocked by {}", esc(x.label)));
        let _ = write!(b, "</td><td>{res}{why}</td></tr>");
    }
    b.push_str("</tbody></table></div></section>\n");
    if !t.events.is_empty() {
        b.push_str("<section class=\"card\" style=\"margin-top:16px\"><h2>Events</h2><div class=\"scroll-x\" tabindex=\"0\" role=\"region\" aria-label=\"Events of the run\"><table><thead><tr><th>date</th><th>kind</th><th>actor</th><th>note</th></tr></thead><tbody>");
        for e in &t.events {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"src\">{}</td></tr>",
                date_str(e.date),
                esc(&e.kind),
                esc(e.actor.as_deref().unwrap_or("")),
                esc(&e.note)
            );
        }
        b.push_str("</tbody></table></div></section>\n");
    }
    if let Some(o) = &t.outcome {
        b.push_str("<section class=\"card\" style=\"margin-top:16px\"><h2>Outcome</h2><table><tbody>");
        let _ = write!(b, "<tr><td>outcome</td><td>{}</td></tr>", esc(&outcome));
        let terms: Vec<String> = o.terms.iter().map(|(k, v)| format!("{} {v:.1}", esc(k))).collect();
        let _ = write!(b, "<tr><td>terms</td><td>{}</td></tr>", terms.join(", "));
        let _ = write!(b, "<tr><td>line</td><td>{:.0} km² (index {:.1})</td></tr>", o.km2_held, o.index);
        let cas: Vec<String> = o.casualties.iter().map(|(k, v)| format!("{} {}", esc(k), fmt_num(*v))).collect();
        let _ = write!(b, "<tr><td>casualties</td><td>{}</td></tr>", cas.join(", "));
        let _ = write!(
            b,
            "<tr><td>talk rounds / ceasefire breakdowns</td><td>{} / {}</td></tr>",
            o.rounds, o.ceasefire_breakdowns
        );
        b.push_str("</tbody></table></section>\n");
    }
    b.push_str(&scenario_section(l));
    page(&title, &header, &b, &charts)
}
