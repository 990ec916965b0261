//! End-to-end tests of what a newcomer reads (issue 17): notes that keep their numbers, help
//! that describes every option, `--out` files equal to standard output, shipped data files
//! readable from any directory, shell completions and the manual page.
use std::path::Path;
use std::process::{Command, Output};

fn truce_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_truce")).current_dir(dir).args(args).output().expect("run truce")
}

fn truce(args: &[&str]) -> Output {
    truce_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn data(p: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data").join(p).to_string_lossy().into_owned()
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("UTF-8 output")
}

/// Notes say how many rounds were run, and in words, not as a Rust struct.
#[test]
fn bargain_notes_are_readable_and_say_the_rounds() {
    let out = ok(truce(&["bargain", &data("bdm/emission-standards.csv"), "--model", "bdm", "--rounds", "8"]));
    assert!(out.contains("note: preset paper-literal, 8 round(s)\n"), "{out}");
    for raw in ["BdmOptions", "{", "rounds: ", "bdm: bdm"] {
        assert!(!out.contains(raw), "`{raw}` in {out}");
    }
    let out = ok(truce(&["bargain", &data("bdm/emission-standards.csv"), "--model", "bdm", "--preset", "scholz-code"]));
    assert!(out.contains("note: preset scholz-code, 10 round(s)\n"), "{out}");
}

/// The backtest counts notes over issues but keeps their numbers (a value or a range).
#[test]
fn backtest_notes_keep_their_numbers() {
    let out = ok(truce(&["backtest", "deu", &data("deu/deu3-dev.tsv"), "--models", "bdm,smp,exchange", "--seed", "3"]));
    let notes: Vec<&str> = out.lines().filter(|l| l.starts_with("note")).collect();
    assert!(notes.contains(&"note (250 issues): bdm: preset paper-literal, 10 round(s)"), "{notes:#?}");
    let turns = notes.iter().find(|n| n.contains("KTAB SMP:")).expect("the smp note");
    assert!(turns.contains("KTAB SMP: 2–100 turn(s)"), "{turns}");
    let ex = notes.iter().find(|n| n.contains("ChaCha8")).expect("the exchange note");
    assert!(
        ex.ends_with("exact ties in gain broken by ChaCha8 seeded with 3") && ex.contains(" over 10 round(s)"),
        "{ex}"
    );
    for n in &notes {
        assert!(!n.contains(" turn(s);") || n.contains("100 turn(s)"), "{n}");
        assert!(!n.contains("bdm: bdm:") && !n.contains(" rounds;") && !n.contains("with \n"), "{n}");
    }
}

/// The shipped DEU file reads by its repository path from any directory, and a relative
/// path is taken from the working directory.
#[test]
fn shipped_deu_file_reads_from_any_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let want = ok(truce(&["backtest", "deu", &data("deu/deu3-dev.tsv"), "--models", "mean"]));
    for name in ["data/deu/deu3-dev.tsv", "deu3-dev.tsv"] {
        assert_eq!(ok(truce_in(tmp.path(), &["backtest", "deu", name, "--models", "mean"])), want, "{name}");
    }
    std::fs::copy(data("deu/deu3-dev.tsv"), tmp.path().join("mine.tsv")).unwrap();
    assert_eq!(ok(truce_in(tmp.path(), &["backtest", "deu", "mine.tsv", "--models", "mean"])), want);
    let o = truce_in(tmp.path(), &["backtest", "deu", "data/deu/other.tsv"]);
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && e.contains("working directory") && e.contains("data/deu/deu3-dev.tsv"), "{e}");
}

/// `truce scenarios` marks the default once.
#[test]
fn scenarios_mark_the_default_once() {
    let out = ok(truce(&["scenarios"]));
    assert_eq!(out.matches("default").count(), 1, "{out}");
    let line = out.lines().find(|l| l.contains("(default)")).unwrap();
    assert!(line.starts_with("ukraine-2025-12 ") && line.ends_with("(default)"), "{line}");
}

/// `--out` writes the bytes `--format json` prints, final newline included.
#[test]
fn out_files_equal_standard_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("f.json");
    let o = ok(truce(&["forecast", "-n", "200", "--quiet", "--format", "json", "--out", out.to_str().unwrap()]));
    assert!(o.ends_with("}\n"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), o);
}

/// `--model` lists its values; `--seed` and `scenarios show NAME` say what they are.
#[test]
fn help_describes_the_options() {
    let h = ok(truce(&["bargain", "--help"]));
    for m in ["mean", "unweighted-mean", "median", "nash", "bdm", "smp", "exchange"] {
        assert!(h.contains(&format!("- {m}:")), "{m} in {h}");
    }
    let h = ok(truce(&["forecast", "--help"]));
    let seed = h.lines().find(|l| l.contains("--seed <SEED>")).unwrap();
    assert!(seed.contains("same seed"), "{seed}");
    let h = ok(truce(&["scenarios", "show", "--help"]));
    assert!(h.contains("<NAME>\n          A built-in scenario's name") || h.contains("<NAME>  A built-in"), "{h}");
}

/// Completion scripts for the common shells and a manual page naming every subcommand.
#[test]
fn completions_and_man_page() {
    let subcommands = [
        "bargain",
        "backtest",
        "forecast",
        "merge",
        "score",
        "hindcast",
        "run",
        "check",
        "scenarios",
        "serve",
        "completions",
        "man",
    ];
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = ok(truce(&["completions", shell]));
        assert!(out.len() > 1000, "{shell}: {} bytes", out.len());
        for s in subcommands {
            assert!(out.contains(s), "{shell} completes {s}");
        }
    }
    let o = truce(&["completions", "tcsh"]);
    assert!(!o.status.success());
    let man = ok(truce(&["man"]));
    assert!(man.starts_with(".ie") || man.contains(".TH truce 1"), "{}", &man[..200.min(man.len())]);
    for s in subcommands {
        assert!(man.contains(&format!(".SH \"TRUCE {}\"", s.to_uppercase())), "man: section for {s}");
    }
    assert!(man.contains(".SH \"TRUCE BACKTEST DEU\"") && man.contains(".SH \"TRUCE SCENARIOS SHOW\""));
    assert!(man.contains("\\-\\-max\\-runs") || man.contains("max\\-runs"), "serve's options are in the page");
}
