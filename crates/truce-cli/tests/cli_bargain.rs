//! End-to-end tests of `truce bargain`, `truce backtest deu` and `truce forecast`.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn truce(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_truce")).args(args).output().expect("run truce")
}

fn data(p: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data").join(p).to_string_lossy().into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(dir: &tempfile::TempDir, name: &str, body: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, body).unwrap();
    p
}

#[test]
fn emission_standards_mean_and_median() {
    let o = truce(&["bargain", &data("bdm/emission-standards.csv"), "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let r0 = &v["issues"][0]["rounds"][0];
    assert_eq!(v["model"], "mean");
    assert!((r0["forecast"].as_f64().unwrap() - 7.389955686853767).abs() < 1e-12);
    assert_eq!(r0["median"].as_f64().unwrap(), 7.0);
    assert_eq!(r0["positions"]["France"].as_f64().unwrap(), 10.0);
    let o = truce(&["bargain", &data("bdm/emission-standards.csv"), "--model", "median", "--format", "csv"]);
    let s = stdout(&o);
    assert!(s.starts_with("round,issue,actor,position\n"), "{s}");
    assert!(s.contains("0,issue,_forecast,7\n"), "{s}");
    let o = truce(&["bargain", &data("bdm/emission-standards.csv"), "--model", "nash", "--status-quo", "4"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("note:"), "actors straddle or sit at the status quo 4: fallback noted");
}

#[test]
fn ktab_and_long_tables_run() {
    let o = truce(&["bargain", &data("ktab/SOE-Pol-Comp.csv"), "--model", "median", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["issues"].as_array().unwrap().len(), 2);
}

#[test]
fn bad_inputs_fail_clearly() {
    let d = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, &str, &str)> = vec![
        ("missing_col.csv", "actor,capability,position\na,1,4\nb,1,5\n", "missing column `salience`"),
        ("sal.csv", "actor,capability,position,salience\na,1,4,50\nb,1,5,101\n", ":3:4: field `salience`"),
        ("nan.csv", "actor,capability,position,salience\na,1,NaN,50\nb,1,5,10\n", "field `position`"),
        ("neg.csv", "actor,capability,position,salience\na,-2,4,50\nb,1,5,10\n", "field `capability`"),
        ("dup.csv", "actor,capability,position,salience\na,1,4,50\na,1,5,10\n", "more than once"),
        ("one.csv", "actor,capability,position,salience\na,1,4,50\n", "at least 2 actors"),
        ("empty.csv", "", "empty"),
        ("semi.csv", "actor;capability;position;salience\na;1;4;50\nb;1;5;10\n", "comma-separated"),
    ];
    for (name, body, want) in cases {
        let p = write(&d, name, body);
        let o = truce(&["bargain", p.to_str().unwrap()]);
        assert!(!o.status.success(), "{name} should fail");
        let e = stderr(&o);
        assert!(e.contains(want) && e.contains(name), "{name}: {e}");
        assert!(!e.contains("panicked"), "{e}");
    }
    let o = truce(&["bargain", &data("bdm/emission-standards.csv"), "--model", "nope"]);
    // clap checks the name against the registry's and lists them.
    let e = stderr(&o);
    assert!(!o.status.success() && e.contains("invalid value 'nope'") && e.contains("smp, exchange"), "{e}");
    let o = truce(&["bargain", "/nonexistent/file.csv"]);
    assert!(!o.status.success() && stderr(&o).contains("cannot read"));
}

#[test]
fn deu_backtest_json() {
    let o = truce(&[
        "backtest",
        "deu",
        &data("deu/deu3-dev.tsv"),
        "--models",
        "mean,unweighted-mean,median",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["issues_scored"], 250);
    assert!((v["models"]["mean"]["mae"].as_f64().unwrap() - 24.11).abs() <= 0.01);
    assert!((v["models"]["unweighted-mean"]["mae"].as_f64().unwrap() - 24.66).abs() <= 0.01);
    assert!((v["models"]["median"]["mae"].as_f64().unwrap() - 29.84).abs() <= 0.01);
    let o = truce(&[
        "backtest",
        "deu",
        &data("deu/deu3-dev.tsv"),
        "--models",
        "mean",
        "--capability",
        "council",
        "--per-issue",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["issues"].as_array().unwrap().len(), 250);
    let o = truce(&["backtest", "deu", &data("bdm/emission-standards.csv")]);
    assert!(!o.status.success(), "a non-DEU file is refused");
}

#[test]
fn smp_outputs_turns_probabilities_and_distribution() {
    let o = truce(&["bargain", &data("ktab/dummyData_3Dim.csv"), "--model", "smp", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["issues"][0]["rounds"].as_array().unwrap().len(), 11, "KTAB's 11 states (turns 0–10)");
    let d = &v["diagnostics"];
    assert_eq!(d["fractional_change"].as_array().unwrap().len(), 10);
    assert_eq!(d["actor_probability"].as_array().unwrap().len(), 11);
    assert!(!d["final_distribution"].as_array().unwrap().is_empty());
    let o = truce(&["bargain", &data("ktab/dummyData_3Dim.csv"), "--model", "smp", "--format", "csv"]);
    assert!(stdout(&o).starts_with("turn,actor,issue,position\n"));
    let o = truce(&["bargain", &data("ktab/dummyData_3Dim.csv"), "--model", "smp"]);
    let s = stdout(&o);
    assert!(s.contains("frac. change") && s.contains("final distribution"), "{s}");
    let o = truce(&["bargain", &data("ktab/dummyData_3Dim.csv"), "--model", "smp", "--param", "vpm=cubic"]);
    assert!(!o.status.success() && stderr(&o).contains("expected one of"));
}

#[test]
fn bad_ktab_files_fail_clearly() {
    let d = tempfile::tempdir().unwrap();
    let ok =
        "S,D,3,2\nActor,Description,Power,P1,S1,P2,S2\na,x,10,20,30,40,50\nb,y,20,30,40,50,60\nc,z,5,0,10,100,20\n";
    let cases = [
        ("count.csv", ok.replace("S,D,3,2", "S,D,4,2"), "declares 4 actors"),
        ("sum.csv", ok.replace("b,y,20,30,40,50,60", "b,y,20,30,60,50,60"), "sum to 120"),
        ("few.csv", "S,D,2,1\nActor,Description,Power,P1,S1\na,x,1,2,3\nb,y,1,2,3\n".to_string(), "[3, 250]"),
        ("text.csv", ok.replace("a,x,10,20", "a,x,ten,20"), "not a number"),
    ];
    for (name, body, want) in cases {
        let p = write(&d, name, &body);
        let o = truce(&["bargain", p.to_str().unwrap(), "--model", "smp"]);
        assert!(!o.status.success(), "{name}");
        assert!(stderr(&o).contains(want) && stderr(&o).contains(name), "{name}: {}", stderr(&o));
    }
}

#[test]
fn bdm_presets_from_the_command_line() {
    let o = truce(&[
        "bargain",
        &data("bdm/emission-standards.csv"),
        "--model",
        "bdm",
        "--preset",
        "scholz-code",
        "--rounds",
        "8",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let r1 = v["issues"][0]["rounds"][1]["median"].as_f64().unwrap();
    assert!((r1 - 8.415932315426764).abs() < 1e-6, "{r1}");
    let o = truce(&["bargain", &data("bdm/emission-standards.csv"), "--model", "bdm", "--preset", "nope"]);
    assert!(!o.status.success() && stderr(&o).contains("scholz-code"));
}

/// Issue 16 reproducers through the binary: each fails with exit 1 and a located message,
/// never with inf/NaN or after hours of work.
#[test]
fn issue_16_bargain_reproducers() {
    let d = tempfile::tempdir().unwrap();
    let big = write(&d, "big.csv", "actor,capability,position,salience\na,1e308,4,50\nb,1e308,7,50\n");
    for model in ["mean", "nash", "exchange"] {
        let o = truce(&["bargain", big.to_str().unwrap(), "--model", model, "--format", "json", "--status-quo", "5"]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{model}: {e}");
        assert!(e.contains("big.csv:2:2: field `capability`") && !stdout(&o).contains("null"), "{model}: {e}");
    }
    let zero = write(&d, "zero.csv", "actor,capability,position,salience\na,1,4,50\nb,0,7,50\nc,2,5,50\n");
    let o = truce(&["bargain", zero.to_str().unwrap(), "--model", "smp"]);
    let e = stderr(&o);
    assert!(!o.status.success() && e.contains("zero.csv:3:2: field `capability`: smp: actor `b`"), "{e}");
    let extra = write(&d, "extra.csv", "actor,capability,position,salience\na,1,4,50,9\nb,2,7,50\n");
    let o = truce(&["bargain", extra.to_str().unwrap()]);
    assert!(!o.status.success() && stderr(&o).contains("extra.csv:2:5"), "{}", stderr(&o));
    let mut many = String::from("actor,capability,position,salience\n");
    for i in 0..5000 {
        many.push_str(&format!("a{i},{},{},50\n", 1 + i % 7, i % 101));
    }
    let many = write(&d, "many.csv", &many);
    for model in ["bdm", "smp"] {
        let start = std::time::Instant::now();
        let o = truce(&["bargain", many.to_str().unwrap(), "--model", model]);
        assert!(start.elapsed().as_secs() < 10, "{model} took {:?}", start.elapsed());
        let e = stderr(&o);
        assert!(!o.status.success() && e.contains("the limit is"), "{model}: {e}");
    }
}
