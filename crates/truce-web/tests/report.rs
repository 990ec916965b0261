//! The reports are self-contained: no external URL in any script or link tag, every chart
//! container present, chart options valid JSON.

use serde_json::Value;
use std::sync::atomic::AtomicBool;
use truce_engine::builtin;
use truce_engine::load::{load_str, Loaded};
use truce_engine::trace::run_traced;
use truce_forecast::ensemble::{fingerprint, run_forecast, ForecastOptions};
use truce_forecast::summary::summarise;
use truce_web::report::{forecast_report, run_report, ReportMeta};

fn loaded() -> (Loaded, &'static str) {
    let text = builtin::builtin(builtin::DEFAULT).unwrap();
    (load_str("<built-in>", text).unwrap(), text)
}

fn meta(runs: u64) -> ReportMeta {
    ReportMeta {
        version: "0.1.0".into(),
        seed: 7,
        runs,
        generated: "2026-01-01 00:00 UTC".into(),
        source: "test".into(),
    }
}

/// Every `<script ...>` and `<link ...>` opening tag of the document.
fn tags(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    for pat in ["<script", "<link"] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(pat) {
            let start = from + i;
            let end = lower[start..].find('>').map_or(lower.len(), |e| start + e + 1);
            out.push(html[start..end].to_string());
            from = end;
        }
    }
    out
}

fn assert_self_contained(html: &str) {
    let t = tags(html);
    assert!(t.len() >= 3, "expected the inlined scripts, found {t:?}");
    for tag in t {
        let l = tag.to_ascii_lowercase();
        assert!(!l.contains("src=") && !l.contains("href="), "external reference in {tag}");
        assert!(!l.contains("http:") && !l.contains("https:") && !l.contains("//"), "URL in {tag}");
    }
}

fn charts_json(html: &str) -> Value {
    let open = "<script type=\"application/json\" id=\"truce-charts\">";
    let i = html.find(open).expect("charts element") + open.len();
    let j = html[i..].find("</script>").unwrap() + i;
    serde_json::from_str(&html[i..j].replace("<\\/", "</")).expect("chart options are valid JSON")
}

#[test]
fn forecast_report_is_self_contained_with_every_chart() {
    let (l, text) = loaded();
    let fp = fingerprint(text, 7, l.params.horizon);
    let opts = ForecastOptions { seed: 7, first_run: 0, runs: 400, chunk: 200 };
    let run = run_forecast(&l, &fp, &opts, &|_| {}, &AtomicBool::new(false), None).unwrap();
    let mut s = summarise(&run.aggregate, l.params.start, run.interrupted);
    assert!(!forecast_report(&s, &l, &meta(400)).contains("id=\"selection\""), "no selection, no line");
    s.selection = run.selection;
    let html = forecast_report(&s, &l, &meta(400));
    assert_self_contained(&html);
    // The war began in 2022: the report says what selection by survival did.
    assert!(
        html.contains("<p class=\"caption\" id=\"selection\">Selection by survival: the war began 2022-02-24 ("),
        "selection line"
    );
    for id in ["outcomes", "events", "terms", "fan", "casualties", "range", "sensitivity"] {
        assert!(html.contains(&format!("id=\"chart-{id}\"")), "missing chart {id}");
    }
    for id in ["events-table", "outcome-table", "ceasefire-held"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "missing {id}");
    }
    // What broke each side that collapsed, by cause (the front past its threshold first).
    assert!(
        html.contains("<p class=\"caption collapse-causes\">How Ukraine collapsed (")
            && html.contains("the front past its threshold "),
        "collapse causes"
    );
    // Events listed: those the scenario (ukraine-2025-12: ceasefire terms, no partial truce)
    // can produce, in the table and the chart alike.
    assert!(html.contains("imposed ceasefire agreed"));
    assert!(!html.contains("trade corridor opened") && !html.contains("strike moratorium agreed"));
    let charts = charts_json(&html);
    let events = charts.as_array().unwrap().iter().find(|c| c["id"] == "events").expect("events chart");
    let possible = truce_engine::outcome::WarEvent::ALL.iter().filter(|e| e.possible_in(&l.params)).count();
    assert_eq!(events["option"]["series"].as_array().unwrap().len(), possible);
    let charts = charts.as_array().unwrap();
    assert_eq!(charts.len(), 7);
    for c in charts {
        let series = c["option"]["series"].as_array().expect("series");
        assert!(!series.is_empty(), "{} has no series", c["id"]);
    }
    // Metadata and the scenario with its sources.
    for needle in
        ["seed: <b>7</b>", "runs: <b>400</b>", "2026-01-01 00:00 UTC", "truce: <b>0.1.0</b>", "scenario-table"]
    {
        assert!(html.contains(needle), "missing {needle}");
    }
    assert!(html.contains("Putin, 18 Sep 2025"), "source notes are shown");
    assert!(html.contains("echarts"), "ECharts is inlined");
}

#[test]
fn run_report_is_self_contained_and_lists_rounds() {
    let (l, _) = loaded();
    let t = run_traced(&l.params, 3);
    let html = run_report(&t, &l, &meta(1));
    assert_self_contained(&html);
    for id in ["line", "proposals", "margins", "run-casualties"] {
        assert!(html.contains(&format!("id=\"chart-{id}\"")), "missing chart {id}");
    }
    // The four run charts and a talk-round timeline per issue: the proposal against each veto
    // player's ideal point and red line.
    let charts = charts_json(&html);
    let charts = charts.as_array().unwrap();
    assert_eq!(charts.len(), 4 + l.scenario.issues.len());
    for issue in &l.scenario.issues {
        let c = charts.iter().find(|c| c["id"] == format!("round-issue-{}", issue.id)).expect("a timeline per issue");
        let names: Vec<&str> =
            c["option"]["series"].as_array().unwrap().iter().filter_map(|s| s["name"].as_str()).collect();
        assert_eq!(names[0], "proposal");
        assert!(names.iter().any(|n| n.ends_with(": ideal point")), "{names:?}");
    }
    assert!(
        charts.iter().any(|c| c["option"]["series"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"].as_str().is_some_and(|n| n.ends_with(": red line")))),
        "some veto player's red line is drawn"
    );
    let rows = html.matches("<tr><td>").count();
    assert!(rows >= t.rounds.len(), "one table row per talk round");
    assert!(html.contains("accepts") || html.contains("rejects"));
    // Every failed round carries its reason (the engine's one list of causes), and the table
    // says it.
    let failed: Vec<_> = t.rounds.iter().filter(|r| !r.settled && !r.ceasefire).collect();
    assert!(!failed.is_empty(), "seed 3 has failed rounds");
    for r in &failed {
        let why = r.blocked.as_ref().unwrap_or_else(|| panic!("round of week {} has no reason", r.week));
        // As the page writes it (a label may hold an apostrophe: "a veto player's margin").
        assert!(html.contains(&format!("blocked by {}", truce_web::report::esc(why.label))), "{}", why.label);
    }
    assert!(t.rounds.iter().filter(|r| r.settled || r.ceasefire).all(|r| r.blocked.is_none()));
}

#[test]
fn hostile_text_is_escaped() {
    let text = builtin::builtin(builtin::DEFAULT).unwrap().replacen(
        "title = \"",
        "title = \"</script><script>alert(1)</script> ",
        1,
    );
    let l = load_str("x", &text).unwrap();
    let t = run_traced(&l.params, 1);
    let html = run_report(&t, &l, &meta(1));
    assert!(!html.contains("<script>alert(1)"));
    assert_self_contained(&html);
}
