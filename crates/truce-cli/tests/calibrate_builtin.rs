//! The shipped calibration of the built-in `ukraine-2025-12` is current: running
//! `scripts/calibrate-builtin.sh` (the one documented command) with this build's `truce`
//! writes the shipped scenario file and its diagnostics byte for byte. It fails when the
//! engine, the scenario's priors or the observations changed without the script being re-run
//! (about 10 s of CPU in a release build; skipped in debug builds, where it would take
//! minutes).
use std::path::Path;
use std::process::Command;

#[test]
fn the_shipped_calibration_is_what_the_script_writes() {
    if cfg!(debug_assertions) {
        eprintln!("skipped in a debug build: run `cargo test --release -p truce-cli --test calibrate_builtin`");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new("bash")
        .arg(root.join("scripts/calibrate-builtin.sh"))
        .arg(env!("CARGO_BIN_EXE_truce"))
        .arg(dir.path())
        .output()
        .expect("run bash");
    assert!(o.status.success(), "scripts/calibrate-builtin.sh failed: {}", String::from_utf8_lossy(&o.stderr));
    for (written, shipped) in [
        ("ukraine-2025-12.toml", "crates/truce-engine/scenarios/ukraine-2025-12.toml"),
        ("ukraine-2025-12-calibration.json", "docs/ukraine-2025-12-calibration.json"),
    ] {
        let a = std::fs::read(dir.path().join(written)).unwrap();
        let b = std::fs::read(root.join(shipped)).unwrap();
        assert!(
            a == b,
            "{shipped} is not what the calibration writes now (the engine, the scenario or the observations \
             changed since it was calibrated): run `bash scripts/calibrate-builtin.sh`, rebuild, check the diff \
             and commit it"
        );
    }
    // And the binary embeds the file as shipped (a stale build would forecast an old posterior).
    let shown =
        Command::new(env!("CARGO_BIN_EXE_truce")).args(["scenarios", "show", "ukraine-2025-12"]).output().unwrap();
    let file = std::fs::read(root.join("crates/truce-engine/scenarios/ukraine-2025-12.toml")).unwrap();
    assert!(shown.stdout == file, "`truce scenarios show ukraine-2025-12` is not the shipped file: rebuild");
}
