//! End-to-end tests of `truce backcast`: the built-in cases, a scenario file with its own
//! outcome file (the forecast is the same whatever the outcome says), errors, the report.
use std::path::Path;
use std::process::{Command, Output};

fn truce(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_truce")).args(args).output().expect("run truce")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

fn outcome_text(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/backcast/outcomes").join(format!("{name}.toml"));
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn builtin_cases_give_scores_for_truce_and_the_base_rate() {
    let v = json(&truce(&["backcast", "korea-1951", "iran-iraq-1987", "-n", "300", "--format", "json"]));
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0]["case"], "korea-1951");
    assert_eq!(cases[0]["first_end"][0], "ceasefire");
    assert_eq!(cases[0]["first_end"][1], serde_json::json!({"year": 1953, "month": 7, "day": 27}));
    assert_eq!(cases[0]["years"].as_array().unwrap().len(), 3);
    for key in ["mean_log", "mean_brier", "inside_90"] {
        assert_eq!(v["totals"][key].as_array().unwrap().len(), 2, "{key}");
    }
    assert_eq!(v["totals"]["case_years"], 6);
}

#[test]
fn the_table_names_every_case_and_the_verdict() {
    let o = truce(&["backcast", "-n", "200"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = String::from_utf8_lossy(&o.stdout);
    for name in ["korea-1951", "iran-iraq-1987", "vietnam-1968", "bosnia-1993", "ukraine-2022"] {
        assert!(t.contains(name), "{name} missing:\n{t}");
    }
    assert!(t.contains("Mean log score over 15 case-years"), "{t}");
}

#[test]
fn a_scenario_file_is_scored_on_its_outcome_file_and_its_forecast_ignores_it() {
    let dir = tempfile::tempdir().unwrap();
    let scen = dir.path().join("bosnia.toml");
    let o = truce(&["scenarios", "show", "bosnia-1993"]);
    assert!(o.status.success());
    std::fs::write(&scen, &o.stdout).unwrap();
    let real = dir.path().join("real.toml");
    std::fs::write(&real, outcome_text("bosnia-1993")).unwrap();
    let fake = dir.path().join("fake.toml");
    let altered = outcome_text("bosnia-1993").replace("from = 1994-12-23", "from = 1993-03-01");
    std::fs::write(&fake, altered).unwrap();
    let (s, r, f) = (scen.to_str().unwrap(), real.to_str().unwrap(), fake.to_str().unwrap());
    let a = json(&truce(&["backcast", s, "--outcome", r, "-n", "300", "--format", "json"]));
    let b = json(&truce(&["backcast", s, "--outcome", f, "-n", "300", "--format", "json"]));
    let (a, b) = (&a["cases"][0], &b["cases"][0]);
    // The forecast is the same: same fingerprint, same curve, same state probabilities.
    assert_eq!(a["fingerprint"], b["fingerprint"]);
    assert_eq!(a["curves"]["truce"], b["curves"]["truce"]);
    for y in 0..3 {
        assert_eq!(a["years"][y]["truce"]["probs"], b["years"][y]["truce"]["probs"]);
    }
    // The scores follow the outcome.
    assert_ne!(a["end_week"], b["end_week"]);
    assert_ne!(a["truce_end"], b["truce_end"]);
}

#[test]
fn a_file_without_an_outcome_and_a_bad_outcome_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let scen = dir.path().join("k.toml");
    std::fs::write(&scen, truce(&["scenarios", "show", "korea-1951"]).stdout).unwrap();
    let s = scen.to_str().unwrap();
    let o = truce(&["backcast", s]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no built-in outcome") && stderr(&o).contains("--outcome"), "{}", stderr(&o));

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, outcome_text("korea-1951").replace("state = \"ceasefire\"", "state = \"truce\"")).unwrap();
    let o = truce(&["backcast", s, "--outcome", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("bad.toml:") && e.contains("states[0].state") && e.contains("unknown state `truce`"), "{e}");

    let o = truce(&["backcast", "korea-1951", "--outcome", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no case left to pair it with"), "{}", stderr(&o));
}

#[test]
fn the_report_is_one_self_contained_page() {
    let dir = tempfile::tempdir().unwrap();
    let rep = dir.path().join("backcast.html");
    let o = truce(&["backcast", "ukraine-2022", "-n", "200", "-q", "--report", rep.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&rep).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("ukraine-2022") && html.contains("chart-end-ukraine-2022"));
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
}
