//! Golden outputs: the forecast JSON of both built-in scenarios and a `truce run` trace,
//! byte for byte. They guard refactors that must not change results. When a change is
//! *meant* to change results, re-bless the files and say why in the commit:
//!
//! ```sh
//! TRUCE_BLESS=1 cargo test --release -p truce-cli --test golden
//! ```
use std::path::PathBuf;
use std::process::Command;

fn golden(name: &str, args: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_truce")).args(args).output().expect("run truce");
    assert!(o.status.success(), "truce {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("TRUCE_BLESS").is_some() {
        std::fs::write(&path, &o.stdout).expect("write golden file");
        return;
    }
    let want = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (bless with TRUCE_BLESS=1)", path.display()));
    if o.stdout != want {
        let got = String::from_utf8_lossy(&o.stdout);
        let want = String::from_utf8_lossy(&want);
        let line = got.lines().zip(want.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "truce {args:?} differs from {} at line {}:\n  got:  {}\n  want: {}",
            path.display(),
            line + 1,
            got.lines().nth(line).unwrap_or("<end>"),
            want.lines().nth(line).unwrap_or("<end>")
        );
    }
}

#[test]
fn default_forecast_is_unchanged() {
    golden("forecast-ukraine.json", &["forecast", "-n", "2000", "--seed", "11", "--format", "json", "--quiet"]);
}

#[test]
fn generic_forecast_is_unchanged() {
    golden(
        "forecast-generic.json",
        &["forecast", "generic-interstate", "-n", "2000", "--seed", "11", "--format", "json", "--quiet"],
    );
}

#[test]
fn forecast_with_a_horizon_is_unchanged() {
    golden(
        "forecast-ukraine-h60.json",
        &["forecast", "-n", "500", "--seed", "5", "--horizon", "60", "--format", "json", "--quiet"],
    );
}

#[test]
fn run_trace_is_unchanged() {
    golden("run-ukraine-seed7.json", &["run", "--seed", "7", "--format", "json"]);
}
