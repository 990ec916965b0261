//! End-to-end tests of `truce calibrate`: the calibrated scenario and the diagnostics files,
//! the same bytes for any thread count, `--from` and `--as-of`, and clear errors (before any
//! file is written).
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

/// Four months after the default scenario's start (3 Dec 2025).
const OBS: &str = "date,quantity,value,sd,source\n\
2025-12-31,km2_held,116165,50,test\n\
2025-12-31,state,fighting,,test\n\
2026-01-31,km2_held,116500,60,test\n\
2026-02-28,km2_held,116800,60,test\n\
2026-03-31,km2_held,117300,60,test\n";

const PARAMS: &str = "combat.calibrated_gain_km2_per_week,sides.ukraine.aid_dependence";

#[test]
fn writes_a_loadable_calibrated_scenario_and_diagnostics_whatever_the_threads() {
    let dir = tempfile::tempdir().unwrap();
    let obs = dir.path().join("obs.csv");
    std::fs::write(&obs, OBS).unwrap();
    let run = |threads: &str, tag: &str| {
        let (out, diag) = (dir.path().join(format!("cal{tag}.toml")), dir.path().join(format!("diag{tag}.json")));
        ok(&[
            "calibrate",
            "--observations",
            s(&obs),
            "--params",
            PARAMS,
            "--particles",
            "100",
            "--generations",
            "2",
            "--threads",
            threads,
            "--out",
            s(&out),
            "--diagnostics",
            s(&diag),
            "--quiet",
        ]);
        (std::fs::read(out).unwrap(), std::fs::read(diag).unwrap())
    };
    let (a, b) = (run("1", "1"), run("2", "2"));
    assert_eq!(a, b, "the result depends on the thread count");
    let text = String::from_utf8(a.0).unwrap();
    assert!(text.contains("[weighted_sample]"));
    let cal = dir.path().join("cal1.toml");
    ok(&["check", s(&cal)]);
    ok(&["forecast", s(&cal), "-n", "200", "--horizon", "20", "--quiet"]);
    let d: serde_json::Value = serde_json::from_slice(&a.1).unwrap();
    assert_eq!(d["generations"].as_array().unwrap().len(), 3);
    assert!(d["generations"][0]["tolerance"].is_null(), "the prior's tolerance is ∞");
    assert_eq!(d["parameters"].as_array().unwrap().len(), 2);
    assert_eq!(d["observations_used"], 5);
    for k in ["mean", "sd", "q05", "q50", "q95"] {
        assert!(d["parameters"][0]["posterior"][k].is_f64(), "{k}");
    }
    // As of 2026-01-31: two rows later are ignored and counted.
    let out = dir.path().join("asof.toml");
    let diag = dir.path().join("asof.json");
    ok(&[
        "calibrate",
        "--observations",
        s(&obs),
        "--params",
        PARAMS,
        "--particles",
        "100",
        "--generations",
        "1",
        "--as-of",
        "2026-01-31",
        "--out",
        s(&out),
        "--diagnostics",
        s(&diag),
        "--quiet",
    ]);
    let d: serde_json::Value = serde_json::from_slice(&std::fs::read(diag).unwrap()).unwrap();
    assert_eq!((d["observations_used"].as_u64(), d["ignored_after"].as_u64()), (Some(3), Some(2)));
}

#[test]
fn calibrates_from_an_earlier_day_on_the_shipped_series() {
    let dir = tempfile::tempdir().unwrap();
    let (out, diag, report) = (dir.path().join("cal.toml"), dir.path().join("d.json"), dir.path().join("r.html"));
    ok(&[
        "calibrate",
        "ukraine-2025-12",
        "--observations",
        s(&repo("data/observations/deepstate-km2.csv")),
        "--from",
        "2024-12-31",
        "--params",
        PARAMS,
        "--particles",
        "100",
        "--generations",
        "2",
        "--out",
        s(&out),
        "--diagnostics",
        s(&diag),
        "--report",
        s(&report),
        "--quiet",
    ]);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Posterior predictive") && html.contains("combat.calibrated_gain_km2_per_week"));
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"), "the report links outside");
    let d: serde_json::Value = serde_json::from_slice(&std::fs::read(diag).unwrap()).unwrap();
    assert_eq!(d["fit_start"], serde_json::json!({"year": 2024, "month": 12, "day": 31}));
    assert_eq!(d["scenario_start"], serde_json::json!({"year": 2025, "month": 12, "day": 3}));
    assert_eq!(d["ignored_before"], 26);
    // The posterior is written into the scenario at its own start.
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("start = 2025-12-03"), "the calibrated scenario keeps its start");
    ok(&["check", s(&out)]);
}

#[test]
fn errors_are_clear_and_leave_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cal.toml");
    // The shipped series is dated before the default scenario's start.
    let e = fails(&["calibrate", "--observations", s(&repo("data/observations/deepstate-km2.csv")), "--out", s(&out)]);
    assert!(e.contains("line 2") && e.contains("before the scenario's start") && e.contains("--from"), "{e}");
    let obs = dir.path().join("obs.csv");
    std::fs::write(&obs, OBS).unwrap();
    for (args, want) in [
        (vec!["--particles", "20000", "--generations", "50"], "--particles × --generations"),
        (vec!["--as-of", "2026-02-30"], "--as-of: `2026-02-30` is not a calendar day"),
        (vec!["--from", "2026-01-01"], "--from 2026-01-01: must be before the scenario's start"),
        (vec!["--params", "protocol.nope"], "--params: `protocol.nope`"),
    ] {
        let mut a = vec!["calibrate", "--observations", s(&obs), "--out", s(&out)];
        a.extend(args);
        let e = fails(&a);
        assert!(e.contains(want), "{e}");
    }
    assert!(!out.exists(), "a failed calibration wrote its output");
}
