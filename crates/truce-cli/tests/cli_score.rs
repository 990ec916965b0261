//! End-to-end tests of `truce score`, `--save`, the ledger and `truce hindcast`.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn truce(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_truce")).args(args).output().expect("run truce")
}

fn ok(args: &[&str]) -> Output {
    let o = truce(args);
    assert!(o.status.success(), "truce {args:?} failed: {}", String::from_utf8_lossy(&o.stderr));
    o
}

fn fails(args: &[&str]) -> String {
    let o = truce(args);
    assert_eq!(o.status.code(), Some(1), "truce {args:?} should fail: {}", String::from_utf8_lossy(&o.stdout));
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel)
}

/// Observations around the default scenario's start (3 Dec 2025): history before it and
/// two months inside it.
const OBS: &str = "date,quantity,value,sd,source\n\
2025-08-31,km2_held,114669,50,DeepState\n\
2025-09-30,km2_held,114928,50,DeepState\n\
2025-10-31,km2_held,115195,50,DeepState\n\
2025-11-30,km2_held,115700,50,DeepState\n\
2025-11-30,state,fighting,,war\n\
2025-12-31,km2_held,116165,50,DeepState\n\
2026-01-31,km2_held,116500,60,made up for the test\n";

#[test]
fn a_saved_forecast_is_scored_against_observations() {
    let dir = tempfile::tempdir().unwrap();
    let (f, obs) = (dir.path().join("f.truce"), dir.path().join("obs.csv"));
    std::fs::write(&obs, OBS).unwrap();
    ok(&["forecast", "-n", "500", "--seed", "4", "--quiet", "--save", s(&f)]);
    let o = ok(&["score", s(&f), s(&obs), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["before_start"], 5);
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    let c = &cases[0];
    assert_eq!(c["date"], serde_json::json!({"year": 2025, "month": 12, "day": 31}));
    assert_eq!(c["quantity"], "km2_held");
    assert_eq!(c["week"], 3);
    assert!(c["truce"]["crps"].as_f64().unwrap() >= 0.0);
    assert!((0.0..=1.0).contains(&c["truce"]["pit"].as_f64().unwrap()));
    assert_eq!(c["no_change"]["crps"].as_f64().unwrap(), 465.0);
    assert!(c["drift_12m"]["crps"].is_number());
    let t = &v["totals"][0];
    assert_eq!(
        (t["quantity"].as_str(), t["cases"].as_u64(), t["compared"].as_u64()),
        (Some("km2_held"), Some(2), Some(2))
    );
    // The table says the same, and the same inputs give the same bytes.
    let table = String::from_utf8(ok(&["score", s(&f), s(&obs)]).stdout).unwrap();
    assert!(table.contains("2025-12-31") && table.contains("km2_held — 2 cases"), "{table}");
    assert_eq!(ok(&["score", s(&f), s(&obs), "--format", "json"]).stdout, o.stdout);
}

#[test]
fn merge_save_equals_forecast_save_and_shards_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    ok(&["forecast", "-n", "600", "--seed", "2", "--quiet", "--save", s(&p("one.truce"))]);
    ok(&["forecast", "-n", "600", "--seed", "2", "--quiet", "--shard", "1/2", "--out", s(&p("a.part"))]);
    ok(&["forecast", "-n", "600", "--seed", "2", "--quiet", "--shard", "2/2", "--out", s(&p("b.part"))]);
    ok(&["merge", s(&p("b.part")), s(&p("a.part")), "--save", s(&p("merged.truce"))]);
    assert_eq!(std::fs::read(p("one.truce")).unwrap(), std::fs::read(p("merged.truce")).unwrap());
    std::fs::write(p("obs.csv"), OBS).unwrap();
    let e = fails(&["score", s(&p("a.part")), s(&p("obs.csv"))]);
    assert!(e.contains("shard 1/2 of a forecast, not a whole forecast"), "{e}");
    let e = fails(&["forecast", "-n", "10", "--shard", "1/2", "--out", s(&p("x")), "--save", s(&p("y"))]);
    assert!(e.contains("--save needs the whole forecast"), "{e}");
}

#[test]
fn a_bad_observations_file_is_named_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let (f, obs) = (dir.path().join("f.truce"), dir.path().join("obs.csv"));
    ok(&["forecast", "-n", "100", "--quiet", "--save", s(&f)]);
    std::fs::write(&obs, "date,quantity,value,sd,source\n2025-12-31,casualties_belarus,5,1,x\n").unwrap();
    let e = fails(&["score", s(&f), s(&obs)]);
    assert!(e.contains(&format!("{}:2:2: field `quantity`: unknown side `belarus`", s(&obs))), "{e}");
    assert!(e.contains("`russia` or `ukraine`"), "{e}");
}

#[test]
fn the_ledger_records_and_scores_and_detects_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (l, obs) = (dir.path().join("ledger"), dir.path().join("obs.csv"));
    std::fs::write(&obs, OBS).unwrap();
    let o = ok(&["forecast", "-n", "300", "--seed", "1", "--ledger", s(&l)]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("recorded as forecast #0"));
    ok(&["forecast", "-n", "200", "--seed", "2", "--quiet", "--ledger", s(&l)]);
    let text = std::fs::read_to_string(l.join("ledger.jsonl")).unwrap();
    assert_eq!(text.lines().count(), 2);
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["prev_hash"], "0".repeat(64));
    assert_eq!(first["runs"], 300);
    let second: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
    assert_eq!(second["prev_hash"], first["hash"]);
    let v: serde_json::Value =
        serde_json::from_slice(&ok(&["score", "--ledger", s(&l), s(&obs), "--format", "json"]).stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    // Issued today (after the observations' dates): all of them were known when issued.
    assert_eq!(v[0]["known_when_issued"], 2);
    // A changed record breaks its hash.
    std::fs::write(l.join("ledger.jsonl"), text.replacen("\"runs\":300", "\"runs\":3000", 1)).unwrap();
    let e = fails(&["score", "--ledger", s(&l), s(&obs)]);
    assert!(e.contains("line 1: the record does not match its hash"), "{e}");
    // A removed record breaks the chain.
    std::fs::write(l.join("ledger.jsonl"), text.lines().nth(1).unwrap()).unwrap();
    let e = fails(&["score", "--ledger", s(&l), s(&obs)]);
    assert!(e.contains("line 1: prev_hash is not the hash of the record before it"), "{e}");
    // A changed forecast file is caught.
    std::fs::write(l.join("ledger.jsonl"), &text).unwrap();
    let file = l.join(first["forecast_file"].as_str().unwrap());
    let mut bytes = std::fs::read(&file).unwrap();
    let n = bytes.len();
    bytes[n - 2] ^= 1;
    std::fs::write(&file, bytes).unwrap();
    let e = fails(&["score", "--ledger", s(&l), s(&obs)]);
    assert!(e.contains("the forecast was changed after it was issued"), "{e}");
}

#[test]
fn hindcast_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let (json, html) = (dir.path().join("h.json"), dir.path().join("h.html"));
    let obs = repo("data/observations/deepstate-km2.csv");
    let o = ok(&[
        "hindcast",
        "--observations",
        s(&obs),
        "--origins",
        "2024-03..2024-06",
        "--leads",
        "1,3",
        "-n",
        "300",
        "--out",
        s(&json),
        "--report",
        s(&html),
        "--quiet",
    ]);
    let table = String::from_utf8(o.stdout).unwrap();
    assert!(table.contains("3 origins forecast, 1 skipped"), "{table}");
    assert!(table.contains("2024-03-01  skipped: 2 change(s)"), "{table}");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let by_lead = v["by_lead"].as_array().unwrap();
    let km1 = by_lead.iter().find(|t| t["lead"] == 1 && t["quantity"] == "km2_held").unwrap();
    assert_eq!(km1["cases"], 3);
    for k in ["truce", "no_change", "drift_12m"] {
        assert!(km1[k]["crps"].as_f64().unwrap() > 0.0, "{k}");
    }
    assert_eq!(v["pit"]["truce"].as_array().unwrap().len(), 10);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("chart-origin-2024-04-01") && page.contains("Mean CRPS of the area held"));
    let lower = page.replace(truce_web::report::ECHARTS_JS, "").to_ascii_lowercase();
    assert!(!lower.contains("<script src") && !lower.contains("<link") && !lower.contains("http"), "self-contained");
    // The same command gives the same JSON.
    let again = dir.path().join("again.json");
    ok(&[
        "hindcast",
        "--observations",
        s(&obs),
        "--origins",
        "2024-03..2024-06",
        "--leads",
        "1,3",
        "-n",
        "300",
        "--out",
        s(&again),
        "--quiet",
        "--threads",
        "1",
    ]);
    assert_eq!(std::fs::read(&json).unwrap(), std::fs::read(&again).unwrap());
    // Bad options.
    assert!(
        fails(&["hindcast", "--observations", s(&obs), "--origins", "2025-13"]).contains("`2025-13` is not a month")
    );
    assert!(
        fails(&["hindcast", "--observations", s(&obs), "--origins", "2025-03", "--leads", "3,1"]).contains("ascending")
    );
}
