//! The forecast job's API gives what the CLI gives, byte for byte: a shard's part file, and
//! a forecast with a horizon (the golden `truce forecast --horizon 60` output). A part made
//! through the API and a part made by the CLI merge to the single-process forecast.
use std::path::PathBuf;
use std::process::Command;
use truce_forecast::job::{self, ForecastJob, Hooks, JobOutput, Shard, Source};
use truce_forecast::part::encode;

fn truce(args: &[&str]) -> Vec<u8> {
    let o = Command::new(env!("CARGO_BIN_EXE_truce")).args(args).output().expect("run truce");
    assert!(o.status.success(), "truce {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

fn run(j: ForecastJob) -> JobOutput {
    j.prepare().unwrap().run(Hooks::none()).unwrap()
}

#[test]
fn horizon_via_the_job_equals_the_golden_cli_output() {
    let j = ForecastJob { horizon: Some(60), ..ForecastJob::new(Source::Named("ukraine-2025-12".into()), 500, 5) };
    let JobOutput::Forecast(f) = run(j) else { panic!("a whole forecast was asked for") };
    let mut got = serde_json::to_vec_pretty(&f.summary).unwrap();
    got.push(b'\n');
    let golden = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/forecast-ukraine-h60.json");
    assert!(got == std::fs::read(golden).unwrap(), "the job's --horizon 60 forecast differs from the golden output");
}

#[test]
fn a_job_part_is_the_cli_part_and_they_merge_with_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let cli_part = dir.path().join("part-2.truce");
    let out = cli_part.to_str().unwrap();
    truce(&["forecast", "generic-interstate", "-n", "1200", "--seed", "4", "--shard", "2/3", "--out", out, "--quiet"]);
    let cli_bytes = std::fs::read(&cli_part).unwrap();
    let shard = |k: u64| {
        let j = ForecastJob {
            shard: Some(Shard { k, n: 3 }),
            threads: Some(2),
            ..ForecastJob::new(Source::Builtin("generic-interstate".into()), 1200, 4)
        };
        let JobOutput::Part(p) = run(j) else { panic!("a shard was asked for") };
        encode(&p)
    };
    assert!(shard(2) == cli_bytes, "the job's part 2/3 differs from the CLI's bytes");
    // Parts from the API (1 and 3) and from the CLI (2) merge to the one-pass forecast.
    let files =
        vec![("api-1".to_string(), shard(1)), ("cli-2".to_string(), cli_bytes), ("api-3".to_string(), shard(3))];
    let merged = job::merge(&files).unwrap();
    let mut got = serde_json::to_vec_pretty(&merged.summary).unwrap();
    got.push(b'\n');
    let one_pass =
        truce(&["forecast", "generic-interstate", "-n", "1200", "--seed", "4", "--format", "json", "--quiet"]);
    assert!(got == one_pass, "merged API and CLI parts differ from the one-pass forecast");
    // And `truce merge` accepts the API's parts next to the CLI's.
    for (name, bytes) in &files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let paths: Vec<String> = files.iter().map(|(n, _)| dir.path().join(n).to_string_lossy().into_owned()).collect();
    let mut args = vec!["merge", "--format", "json"];
    args.extend(paths.iter().map(String::as_str));
    assert!(truce(&args) == one_pass);
}
