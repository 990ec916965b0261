//! End-to-end tests of `truce forecast`, `truce run`, `truce check` and `truce scenarios`.
use std::process::{Command, Output};

fn truce(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_truce")).args(args).output().expect("run truce")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn forecast_json_has_the_documented_keys() {
    let o = truce(&["forecast", "-n", "400", "--seed", "3", "--format", "json", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for k in [
        "scenario",
        "runs",
        "seed",
        "horizon_weeks",
        "at",
        "events_by_week",
        "states_by_week",
        "ceasefire_held_to_horizon",
        "collapse_causes",
        "terms",
        "km2_quantiles",
        "km2_change_quantiles",
        "monthly_change",
        "casualties",
        "casualties_by_week",
        "range_open",
        "sensitivity",
    ] {
        assert!(v.get(k).is_some(), "missing key {k}");
    }
    assert_eq!(v["scenario"], "ukraine-2025-12");
    assert_eq!(v["runs"], 400);
    assert_eq!(v["horizon_weeks"], 156);
    let horizon = v["at"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(horizon["label"], "horizon");
    assert!(horizon["states"]["settled"]["p"].is_number() && horizon["states"]["settled"]["se"].is_number());
    assert!(horizon["events"]["ceasefire_agreed"]["p"].is_number());
    assert_eq!(v["states_by_week"].as_array().unwrap().len(), 156);
    assert_eq!(v["km2_quantiles"].as_array().unwrap().len(), 156);
    assert!(v["terms"]["territory"]["p50"].is_number() || v["terms"]["territory"]["n"] == 0);
}

#[test]
fn forecast_writes_outputs_atomically() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("summary.json");
    let csv = d.path().join("runs.csv");
    let pq = d.path().join("runs.parquet");
    let o = truce(&[
        "forecast",
        "-n",
        "300",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
        "--runs-out",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["runs"], 300);
    let rows = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(rows.lines().count(), 301, "header + one row per run");
    assert!(rows.starts_with(
        "run,outcome,collapse,week,km2,index,casualties_russia,casualties_ukraine,rounds,breakdowns,term_territory"
    ));
    // The collapse column names the cause exactly on the rows that ended in a collapse.
    for line in rows.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let collapsed = f[1].starts_with("collapsed_");
        assert_eq!(collapsed, !f[2].is_empty(), "{line}");
        assert!(f[2].is_empty() || ["front", "forces", "economy", "broke"].contains(&f[2]), "{line}");
    }
    let o = truce(&["forecast", "-n", "300", "--quiet", "--runs-out", pq.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(&std::fs::read(&pq).unwrap()[..4], b"PAR1");
    // Nothing but the three outputs: no temporary files left behind.
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 3);
}

#[test]
fn bad_forecast_inputs_fail_cleanly() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("x.json");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["forecast".into(), "-n".into(), "0".into()], "at least 1"),
        (
            vec!["forecast".into(), "no-such-scenario".into(), "-n".into(), "10".into()],
            "unknown scenario `no-such-scenario`",
        ),
        (
            vec!["forecast".into(), "-n".into(), "10".into(), "--horizon".into(), "0".into()],
            "--horizon must be at least 1",
        ),
        (
            vec!["forecast".into(), "-n".into(), "10".into(), "--threads".into(), "0".into()],
            "--threads must be at least 1",
        ),
        (
            vec!["forecast".into(), "-n".into(), "10".into(), "--horizon".into(), "5201".into()],
            "--horizon must be at least 1 week and at most 5200 weeks, not 5201",
        ),
        (
            vec!["forecast".into(), "-n".into(), "10".into(), "--threads".into(), "1025".into()],
            "--threads must be at least 1 and at most 1024",
        ),
        (
            vec![
                "forecast".into(),
                "-n".into(),
                "3".into(),
                "--shard".into(),
                "4/4".into(),
                "--out".into(),
                out.to_string_lossy().into(),
            ],
            "--shard `4/4`: 4 shards for 3 runs",
        ),
        (
            vec!["forecast".into(), "-n".into(), "10".into(), "--out".into(), "/nonexistent-dir/x.json".into()],
            "does not exist",
        ),
        (
            vec![
                "forecast".into(),
                "-n".into(),
                "10".into(),
                "--runs-out".into(),
                d.path().join("r.txt").to_string_lossy().into(),
            ],
            "expected a .parquet or .csv",
        ),
        (
            vec![
                "forecast".into(),
                "-n".into(),
                "10".into(),
                "--shard".into(),
                "3/2".into(),
                "--out".into(),
                out.to_string_lossy().into(),
            ],
            "1 ≤ K ≤ N",
        ),
    ];
    for (args, want) in cases {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = truce(&a);
        assert!(!o.status.success(), "{a:?} should fail");
        let e = stderr(&o);
        assert!(e.contains(want), "{a:?}: {e}");
        assert!(!e.contains("panicked"), "{e}");
    }
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 0, "no partial files");
}

#[test]
fn run_is_deterministic_and_narrates() {
    let a = truce(&["run", "--seed", "9", "--format", "json"]);
    let b = truce(&["run", "--seed", "9", "--format", "json"]);
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(a.stdout, b.stdout);
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    assert!(v["weeks"].as_array().unwrap().len() > 1);
    assert!(v["rounds"][0]["decisions"][0]["margin"].is_number());
    let o = &v["outcome"];
    for k in ["state", "week", "date", "terms", "km2_held", "casualties", "event_weeks"] {
        assert!(o.get(k).is_some(), "outcome.{k}");
    }
    assert!(v["sample"].is_null());
    assert_eq!(v["parameters"]["sides.russia.war_cost_per_year"], 0.11, "the median, not the base value 0.02");
    let t = truce(&["run", "--seed", "9"]);
    let text = String::from_utf8_lossy(&t.stdout);
    assert!(text.contains("talks:") && text.contains("margin") && text.contains("outcome:"), "{text}");
    assert!(text.contains("sampled parameters at their medians"), "{text}");
}

/// `truce run --seed S --sample I` is run I of `truce forecast --seed S` (its row in
/// `--runs-out`), at the same (the scenario's) horizon.
#[test]
fn run_sample_reproduces_the_forecasts_run() {
    let d = tempfile::tempdir().unwrap();
    let rows = d.path().join("runs.csv");
    let f = truce(&["forecast", "-n", "20", "--seed", "4", "-q", "--runs-out", rows.to_str().unwrap()]);
    assert!(f.status.success(), "{}", stderr(&f));
    let csv = std::fs::read_to_string(&rows).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = csv.lines().nth(13).unwrap().split(',').collect();
    let col = |k: &str| row[header.iter().position(|h| *h == k).unwrap_or_else(|| panic!("no column {k}: {header:?}"))];
    assert_eq!(col("run"), "12");
    let o = truce(&["run", "--seed", "4", "--sample", "12", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["sample"], 12);
    let week = v["outcome"]["week"].as_u64().unwrap();
    assert_eq!(col("week"), week.to_string());
    let km2: f64 = col("km2").parse().unwrap();
    assert_eq!(km2, v["outcome"]["km2_held"].as_f64().unwrap(), "the same line, bit for bit");
    assert_eq!(col("outcome"), v["outcome"]["state"].as_str().unwrap());
}

#[test]
fn scenarios_list_show_and_check() {
    let o = truce(&["scenarios"]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("ukraine-2025-12") && s.contains("generic-interstate"));
    let o = truce(&["scenarios", "show", "generic-interstate"]);
    assert!(o.status.success());
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("copy.toml");
    std::fs::write(&p, &o.stdout).unwrap();
    let c = truce(&["check", p.to_str().unwrap()]);
    assert!(c.status.success(), "{}", stderr(&c));
    let out = String::from_utf8_lossy(&c.stdout);
    assert!(out.contains("sampled sides.a.war_cost_per_year: base value"), "{out}");
    assert!(out.contains("`truce run` uses the median"), "{out}");
    std::fs::write(&p, String::from_utf8_lossy(&o.stdout).replace("capability = 1.0", "capabilty = 1.0")).unwrap();
    let c = truce(&["check", p.to_str().unwrap()]);
    assert!(!c.status.success());
    let e = stderr(&c);
    assert!(e.contains("copy.toml:") && e.contains("did you mean `capability`"), "{e}");
    let o = truce(&["scenarios", "show", "nope"]);
    assert!(!o.status.success() && stderr(&o).contains("unknown built-in scenario"));
}

/// The text table lists the events the scenario can produce: an imposed ceasefire only with
/// `[ceasefire_terms]`, the partial truces only with their tables (the JSON keeps every row).
#[test]
fn the_text_table_lists_only_the_events_the_scenario_can_produce() {
    let text = |args: &[&str]| {
        let o = truce(args);
        assert!(o.status.success(), "{}", stderr(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    let generic = text(&["forecast", "generic-interstate", "-n", "200", "--horizon", "20"]);
    assert!(generic.contains("first ceasefire agreed"), "{generic}");
    for absent in
        ["imposed ceasefire agreed", "strike moratorium agreed", "humanitarian pause agreed", "trade corridor opened"]
    {
        assert!(!generic.contains(absent), "{absent} listed for generic-interstate");
    }
    let ukraine = text(&["forecast", "-n", "200", "--horizon", "20"]);
    assert!(ukraine.contains("imposed ceasefire agreed"), "{ukraine}");
    assert!(!ukraine.contains("trade corridor opened"));
    let json = text(&["forecast", "generic-interstate", "-n", "200", "--horizon", "20", "--format", "json"]);
    assert!(json.contains("\"trade_corridor\""), "the JSON keeps every event's row");
}

/// The text table says what broke each side that collapsed, and the causes it gives add up
/// to the side's collapse at the horizon as the state table shows it (to rounding).
#[test]
fn the_text_table_says_what_broke_each_side() {
    let o = truce(&["forecast", "-n", "600", "--seed", "4"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    let line = out.lines().find(|l| l.starts_with("How Ukraine collapsed (")).unwrap_or_else(|| panic!("{out}"));
    let pct = |s: &str| s.trim().trim_end_matches('%').parse::<f64>().unwrap();
    let total = pct(&line["How Ukraine collapsed (".len()..line.find("% of runs").unwrap()]);
    let row = out.lines().find(|l| l.starts_with("Ukraine collapsed ")).unwrap();
    let horizon = pct(row.split_whitespace().rev().nth(2).unwrap());
    assert_eq!(total, horizon, "{line}\n{row}");
    let causes = &line[line.find("): ").unwrap() + 3..];
    let parts: Vec<f64> = causes.split(", ").map(|c| pct(c.rsplit(' ').next().unwrap())).collect();
    assert_eq!(parts.len(), 4, "{causes}");
    assert!((parts.iter().sum::<f64>() - total).abs() <= 0.25, "{causes} vs {total}");
    assert!(causes.starts_with("the front past its threshold "), "{causes}");
}
