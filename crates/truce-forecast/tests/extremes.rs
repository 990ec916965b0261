//! One validation for every entry point (issue 16): what `truce check` accepts, a forecast
//! runs without panicking, and what would break a forecast is refused by `check` with the
//! field's path — the same message the forecast job gives.

use std::collections::BTreeMap;
use truce_engine::catalogue::{self, Source as _};
use truce_forecast::job::{ForecastJob, Hooks, JobOutput, Source};

const GENERIC: &str = "generic-interstate";

/// `check`'s verdict on a built-in with `old` replaced by `new` in its text.
fn check_text(old: &str, new: &str) -> (String, Result<(), String>) {
    let text = truce_engine::builtin::builtin(GENERIC).unwrap();
    assert!(text.contains(old), "the built-in no longer contains {old:?}");
    let edited = text.replacen(old, new, 1);
    let verdict = truce_engine::load::load_str("edited.toml", &edited).map(|_| ()).map_err(|e| e.to_string());
    (edited, verdict)
}

/// The job's verdict on scenario text (labelled as `check` labels it).
fn job_on_text(text: &str) -> Result<(), String> {
    let source = Source::Text { label: "edited.toml".into(), text: text.into() };
    let job = ForecastJob { horizon: Some(20), ..ForecastJob::new(source, 16, 1) };
    job.prepare().map_err(|e| e.to_string()).and_then(|p| p.run(Hooks::none()).map(|_| ()).map_err(|e| e.to_string()))
}

/// The issue's reproducers: each used to pass `check` and then panic in the forecast.
/// Now `check` refuses each with the field's path, and the job says the same.
#[test]
fn issue_reproducers_are_refused_by_check_and_by_the_job_alike() {
    let cases = [
        ("casualties_per_week = 600", "casualties_per_week = 1e306", "sides.a.casualties_per_week"),
        ("km2 = [[0, 0], [100, 20000]]", "km2 = [[0, 0], [100, 1e-9]]", "issues.province.km2"),
        ("km2 = [[0, 0], [100, 20000]]", "km2 = [[0, 0], [100, 1e300]]", "issues.province.km2"),
    ];
    for (old, new, path) in cases {
        let (edited, verdict) = check_text(old, new);
        let err = verdict.expect_err(&format!("`{new}` must be refused by check"));
        assert!(err.contains(path), "check's message for `{new}` names {path}: {err}");
        let job = job_on_text(&edited).expect_err(&format!("`{new}` must be refused by the job"));
        assert!(job.contains(path), "the job's message for `{new}` names {path}: {job}");
        // The same reason, whoever asks: compare from the field's path on (the file name differs).
        let from_path = |s: &str| s.lines().find_map(|l| l.find(path).map(|i| l[i..].to_owned()));
        assert_eq!(from_path(&err), from_path(&job), "check and the job disagree about `{new}`");
    }
}

/// Every catalogue parameter of both built-ins set to each end of its valid range (or a
/// huge value where the range is open-ended): the job either refuses the scenario with an
/// error or runs a short forecast to the end. It never panics. The built-ins run without
/// their `war_began` (so each of these thousands of short forecasts skips selection by
/// survival's 16,384 pilot runs; `tests/selection.rs` covers the selection).
#[test]
fn every_parameter_at_its_range_ends_is_refused_or_runs() {
    let mut tried = 0;
    for name in truce_engine::builtin::names() {
        let text: String = truce_engine::builtin::builtin(name)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with("war_began"))
            .map(|l| format!("{l}\n"))
            .collect();
        let text = text.as_str();
        let l = truce_engine::load::load_str(name, text).unwrap();
        let frame = l.params.frame();
        for (r, path) in catalogue::instances(&l.scenario) {
            let p = r.param();
            let ((lo, lo_closed), (hi, hi_closed)) = p.range.interval(&frame);
            let big = 1e300;
            let inside = |v: f64, closed: bool, up: bool| {
                if !v.is_finite() {
                    if up {
                        big
                    } else {
                        -big
                    }
                } else if closed {
                    v
                } else if up {
                    v - 1e-9 * v.abs().max(1.0)
                } else {
                    v + 1e-9 * v.abs().max(1.0)
                }
            };
            for v in [inside(lo, lo_closed, false), inside(hi, hi_closed, true)] {
                let v = if p.whole { v.round() } else { v };
                let mut edits = BTreeMap::new();
                edits.insert(path.clone(), v);
                let job = ForecastJob {
                    edits,
                    horizon: Some(20),
                    ..ForecastJob::new(Source::Text { label: name.to_string(), text: text.to_string() }, 8, 1)
                };
                let Ok(prep) = job.prepare() else { continue };
                let out = std::panic::catch_unwind(|| prep.run(Hooks::none()));
                match out {
                    Err(_) => panic!("{name}: {path} = {v} passed the checks and panicked in the forecast"),
                    Ok(Ok(JobOutput::Forecast(_))) | Ok(Err(_)) => tried += 1,
                    Ok(Ok(_)) => unreachable!("a job without a shard returns a forecast"),
                }
            }
        }
    }
    assert!(tried > 100, "only {tried} extreme scenarios were accepted and run");
}
