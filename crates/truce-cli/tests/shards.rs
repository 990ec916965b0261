//! End-to-end tests of `truce forecast --shard K/N` and `truce merge`: N = 1, 2, 3, 7 shards
//! merged give the one-pass JSON byte for byte; corrupt parts and parts of another forecast are
//! refused with a clear message and exit code 1.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const RUNS: &str = "3000";

fn truce(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_truce")).args(args).output().expect("run truce")
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "truce failed: {}", String::from_utf8_lossy(&o.stderr));
    o
}

fn refused(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(1), "expected a refusal; stdout: {}", String::from_utf8_lossy(&o.stdout));
    assert!(o.stdout.is_empty(), "a refused merge prints nothing on stdout");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn one_pass(seed: &str) -> Vec<u8> {
    ok(truce(&["forecast", "-n", RUNS, "--seed", seed, "--format", "json", "--quiet"])).stdout
}

/// Writes shard `k` of `n` of the built-in scenario to `dir/name`.
fn shard(dir: &Path, name: &str, k: u64, n: u64, seed: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let spec = format!("{k}/{n}");
    let mut args =
        vec!["forecast", "-n", RUNS, "--seed", seed, "--shard", &spec, "--out", out.to_str().unwrap(), "--quiet"];
    args.extend_from_slice(extra);
    ok(truce(&args));
    out
}

fn merge(parts: &[PathBuf]) -> Output {
    let mut args = vec!["merge".to_string(), "--format".into(), "json".into()];
    args.extend(parts.iter().map(|p| p.to_string_lossy().into_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    truce(&args)
}

#[test]
fn merged_shards_equal_the_one_pass_json_exactly() {
    let want = one_pass("1");
    let dir = tempfile::tempdir().unwrap();
    for n in [1u64, 2, 3, 7] {
        let mut parts: Vec<PathBuf> =
            (1..=n).map(|k| shard(dir.path(), &format!("n{n}-part-{k}.truce"), k, n, "1", &[])).collect();
        // Order on the command line does not matter.
        parts.reverse();
        let got = ok(merge(&parts)).stdout;
        assert!(got == want, "{n} shards merged differ from the one-pass JSON");
        // `--out` writes the same bytes as standard output.
        let out = dir.path().join(format!("merged-{n}.json"));
        let mut args: Vec<String> = vec!["merge".into(), "--out".into(), out.to_string_lossy().into_owned()];
        args.extend(parts.iter().map(|p| p.to_string_lossy().into_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(truce(&args));
        assert_eq!(std::fs::read(&out).unwrap(), want);
    }
}

#[test]
fn shard_files_are_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let a = shard(dir.path(), "a.truce", 2, 3, "1", &["--threads", "1"]);
    let b = shard(dir.path(), "b.truce", 2, 3, "1", &["--threads", "2"]);
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

#[test]
fn a_corrupt_part_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p1 = shard(dir.path(), "part-1.truce", 1, 2, "1", &[]);
    let p2 = shard(dir.path(), "part-2.truce", 2, 2, "1", &[]);
    let mut bytes = std::fs::read(&p2).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01; // flip one bit in the body
    std::fs::write(&p2, &bytes).unwrap();
    let err = refused(&merge(&[p1.clone(), p2.clone()]));
    assert!(err.contains("part-2.truce") && err.contains("checksum mismatch"), "{err}");

    // Truncated.
    std::fs::write(&p2, &bytes[..mid]).unwrap();
    let err = refused(&merge(&[p1.clone(), p2.clone()]));
    assert!(err.contains("checksum mismatch"), "{err}");

    // Not a part file at all.
    std::fs::write(&p2, "hello\n").unwrap();
    let err = refused(&merge(&[p1, p2]));
    assert!(err.contains("not a truce part file"), "{err}");
}

#[test]
fn parts_of_another_seed_or_scenario_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p1 = shard(dir.path(), "part-1.truce", 1, 2, "1", &[]);
    let seed2 = shard(dir.path(), "seed2-part-2.truce", 2, 2, "2", &[]);
    let err = refused(&merge(&[p1.clone(), seed2]));
    assert!(err.contains("seed2-part-2.truce") && err.contains("belongs to another forecast"), "{err}");
    assert!(err.contains("seed 2") && err.contains("seed 1"), "{err}");

    let other = dir.path().join("other-part-2.truce");
    ok(truce(&[
        "forecast",
        "generic-interstate",
        "-n",
        RUNS,
        "--seed",
        "1",
        "--shard",
        "2/2",
        "--out",
        other.to_str().unwrap(),
        "--quiet",
    ]));
    let err = refused(&merge(&[p1.clone(), other]));
    assert!(err.contains("belongs to another forecast") && err.contains("generic-interstate"), "{err}");

    // A shard of another split, a missing shard and a repeated shard.
    let of3 = shard(dir.path(), "of3.truce", 2, 3, "1", &[]);
    assert!(refused(&merge(&[p1.clone(), of3])).contains("belongs to another forecast"));
    assert!(refused(&merge(std::slice::from_ref(&p1))).contains("missing shard(s): 2/2"));
    let err = refused(&merge(&[p1.clone(), p1]));
    assert!(err.contains("given twice"), "{err}");
}

/// A part file of an older format version (2: before the line at the first ceasefire) is
/// refused with a message naming both versions, not misread.
#[test]
fn a_part_of_another_format_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let a = shard(dir.path(), "v-1.truce", 1, 2, "4", &[]);
    let b = shard(dir.path(), "v-2.truce", 2, 2, "4", &[]);
    let bytes = std::fs::read(&b).unwrap();
    let head = format!("TRUCE-PART {}\n", truce_forecast::part::VERSION);
    assert!(bytes.starts_with(head.as_bytes()), "parts start with `{}`", head.trim());
    let mut old = b"TRUCE-PART 2\n".to_vec();
    old.extend_from_slice(&bytes[head.len()..]);
    std::fs::write(&b, old).unwrap();
    let e = refused(&merge(&[a, b]));
    assert!(e.contains("v-2.truce: part format version 2 is not supported (this truce reads version 4)"), "{e}");
}
