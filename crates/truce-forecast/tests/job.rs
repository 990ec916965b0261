//! The forecast job: every bad option is refused with an error naming it; the fingerprint is
//! taken over the text actually loaded; results do not depend on the source's form, the
//! thread count or the sharding; the hooks see progress, cancellation and every run's row.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use truce_engine::builtin;
use truce_forecast::ensemble::{RowSink, RunRow};
use truce_forecast::job::{
    self, ForecastJob, Hooks, JobError, JobOption, JobOutput, Prepared, Shard, Source, MAX_HORIZON_WEEKS, MAX_THREADS,
};
use truce_forecast::part::encode;

const NAME: &str = "ukraine-2025-12";

fn job(runs: u64, seed: u64) -> ForecastJob {
    ForecastJob::new(Source::Builtin(NAME.into()), runs, seed)
}

fn invalid(j: &ForecastJob) -> (JobOption, String) {
    match j.prepare() {
        Err(JobError::Invalid { option, problem }) => (option, problem),
        other => panic!("{j:?}: expected an invalid option, got {other:?}"),
    }
}

fn whole(p: &Prepared) -> job::Forecast {
    match p.run(Hooks::none()).unwrap() {
        JobOutput::Forecast(f) => *f,
        JobOutput::Part(_) => panic!("a job without a shard made a part"),
    }
}

fn part(p: &Prepared) -> truce_forecast::part::Part {
    match p.run(Hooks::none()).unwrap() {
        JobOutput::Part(p) => *p,
        JobOutput::Forecast(_) => panic!("a shard made a whole forecast"),
    }
}

#[test]
fn every_bad_option_is_refused_and_named() {
    let cases: Vec<(ForecastJob, JobOption, &str)> = vec![
        (job(0, 1), JobOption::Runs, "must be at least 1"),
        (ForecastJob { shard: Some(Shard { k: 0, n: 2 }), ..job(10, 1) }, JobOption::Shard, "1 ≤ K ≤ N"),
        (ForecastJob { shard: Some(Shard { k: 3, n: 2 }), ..job(10, 1) }, JobOption::Shard, "1 ≤ K ≤ N"),
        (ForecastJob { shard: Some(Shard { k: 1, n: 0 }), ..job(10, 1) }, JobOption::Shard, "1 ≤ K ≤ N"),
        (ForecastJob { shard: Some(Shard { k: 1, n: 11 }), ..job(10, 1) }, JobOption::Shard, "11 shards for 10 runs"),
        (ForecastJob { horizon: Some(0), ..job(10, 1) }, JobOption::Horizon, "at least 1 week"),
        (ForecastJob { horizon: Some(MAX_HORIZON_WEEKS + 1), ..job(10, 1) }, JobOption::Horizon, "at most 5200"),
        (ForecastJob { threads: Some(0), ..job(10, 1) }, JobOption::Threads, "at least 1"),
        (ForecastJob { threads: Some(MAX_THREADS + 1), ..job(10, 1) }, JobOption::Threads, "at most 1024"),
        (ForecastJob { chunk: 0, ..job(10, 1) }, JobOption::Chunk, "at least 1"),
    ];
    for (j, option, want) in cases {
        let (got, problem) = invalid(&j);
        assert_eq!(got, option, "{j:?}");
        assert!(problem.contains(want), "{j:?}: {problem}");
        // Options are checked before the scenario is read: an unknown scenario does not hide them.
        let (got, _) = invalid(&ForecastJob { source: Source::Builtin("atlantis".into()), ..j });
        assert_eq!(got, option);
    }
    // Each shell names the option its own way.
    let e = job(0, 1).prepare().unwrap_err();
    assert_eq!(e.to_string(), "runs must be at least 1");
    assert_eq!(
        e.describe(|o| if o == JobOption::Runs { "-n/--runs" } else { o.name() }),
        "-n/--runs must be at least 1"
    );
    assert!(!e.is_scenario_error());
    // K/N text.
    assert_eq!(Shard::parse(" 2 / 8").unwrap(), Shard { k: 2, n: 8 });
    for bad in ["2", "a/3", "2/", "-1/3", "2-3"] {
        match Shard::parse(bad) {
            Err(JobError::Invalid { option: JobOption::Shard, problem }) => {
                assert!(problem.contains(&format!("`{bad}`")), "{problem}")
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
    // The edges are accepted.
    for ok in [
        ForecastJob { shard: Some(Shard { k: 10, n: 10 }), ..job(10, 1) },
        ForecastJob { horizon: Some(1), ..job(10, 1) },
        ForecastJob { horizon: Some(MAX_HORIZON_WEEKS), ..job(10, 1) },
        ForecastJob { threads: Some(1), chunk: 1, ..job(1, 1) },
    ] {
        ok.validate().unwrap_or_else(|e| panic!("{ok:?}: {e}"));
    }
}

#[test]
fn the_horizon_bound_is_the_one_truce_check_enforces() {
    let text = builtin::builtin(NAME).unwrap();
    let at = |h: u32| text.replace("horizon_weeks = 156", &format!("horizon_weeks = {h}"));
    assert_ne!(at(1), text, "the built-in scenario's horizon line moved");
    assert!(truce_engine::load::load_str("x", &at(MAX_HORIZON_WEEKS)).is_ok());
    assert!(truce_engine::load::load_str("x", &at(MAX_HORIZON_WEEKS + 1)).is_err());
}

#[test]
fn scenario_errors_are_scenario_errors() {
    let unknown = ForecastJob::new(Source::Named("no-such-scenario".into()), 10, 1).prepare().unwrap_err();
    assert!(matches!(unknown, JobError::UnknownScenario(_)) && unknown.is_scenario_error());
    assert!(unknown.to_string().contains("no such file, and not a built-in scenario"), "{unknown}");
    let builtin_only = ForecastJob::new(Source::Builtin("no-such-scenario".into()), 10, 1).prepare().unwrap_err();
    assert!(builtin_only.to_string().starts_with("unknown built-in scenario `no-such-scenario`"), "{builtin_only}");
    // A built-in source never reads a file, even one that exists.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    assert!(matches!(Source::Builtin(path.into()).read(), Err(JobError::UnknownScenario(_))));
    // A directory exists but is not readable as text.
    let dir = Source::Named(env!("CARGO_MANIFEST_DIR").into()).read().unwrap_err();
    assert!(matches!(dir, JobError::Unreadable(_)) && dir.to_string().contains("cannot read the file"), "{dir}");
    let bad = Source::Text { label: "bad.toml".into(), text: "[scenario]\nname = 3\n".into() };
    let e = ForecastJob::new(bad, 10, 1).prepare().unwrap_err();
    assert!(matches!(e, JobError::Scenario(_)) && e.to_string().starts_with("bad.toml:"), "{e}");
    let edits = |p: &str, v: f64| BTreeMap::from([(p.to_string(), v)]);
    for (path, v, want) in [
        ("actors.nobody.resolve", 1.0, "not an editable parameter"),
        ("actors.russia.resolve", f64::NAN, "not a finite number"),
        ("actors.russia.positions.territory", 150.0, "actors.russia.positions.territory"),
    ] {
        let e = ForecastJob { edits: edits(path, v), ..job(10, 1) }.prepare().unwrap_err();
        assert!(e.is_scenario_error() && e.to_string().contains(want), "{path}: {e}");
    }
}

#[test]
fn the_fingerprint_is_over_the_loaded_text_seed_and_horizon() {
    let base = job(100, 3).prepare().unwrap();
    // The same text by any route: the same fingerprint.
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../truce-engine/scenarios/ukraine-2025-12.toml");
    let named_file = ForecastJob::new(Source::Named(file.into()), 100, 3).prepare().unwrap();
    let named_builtin = ForecastJob::new(Source::Named(NAME.into()), 100, 3).prepare().unwrap();
    let text =
        ForecastJob::new(Source::Text { label: "t".into(), text: base.text().into() }, 100, 3).prepare().unwrap();
    assert_eq!(named_file.label(), file);
    assert_eq!(named_builtin.label(), "<built-in ukraine-2025-12>");
    for p in [&named_file, &named_builtin, &text] {
        assert_eq!(p.fingerprint(), base.fingerprint());
    }
    // Seed, horizon and edits each change it; the run count and threads do not.
    assert_ne!(job(100, 4).prepare().unwrap().fingerprint(), base.fingerprint());
    let h60 = ForecastJob { horizon: Some(60), ..job(100, 3) }.prepare().unwrap();
    assert_ne!(h60.fingerprint(), base.fingerprint());
    assert_eq!(h60.horizon(), 60);
    assert_eq!(h60.loaded().scenario.scenario.horizon_weeks, 60);
    let edits = BTreeMap::from([("actors.russia.resolve".to_string(), 1.5)]);
    let edited = ForecastJob { edits, ..job(100, 3) }.prepare().unwrap();
    assert_ne!(edited.fingerprint(), base.fingerprint());
    assert!(edited.text().contains("edited (was"), "the fingerprinted text is the edited one");
    assert_eq!(ForecastJob { threads: Some(2), ..job(7, 3) }.prepare().unwrap().fingerprint(), base.fingerprint());
}

#[test]
fn results_do_not_depend_on_threads_or_sharding() {
    let one = whole(&ForecastJob { threads: Some(1), ..job(1500, 9) }.prepare().unwrap());
    let three = whole(&ForecastJob { threads: Some(3), chunk: 101, ..job(1500, 9) }.prepare().unwrap());
    assert_eq!(one, three);
    assert!(!one.summary.interrupted && one.summary.runs == 1500);
    // Three shards, each from a different kind of source, merge to the whole.
    let text = builtin::builtin(NAME).unwrap().to_string();
    let sources =
        [Source::Builtin(NAME.into()), Source::Named(NAME.into()), Source::Text { label: "from text".into(), text }];
    let files: Vec<(String, Vec<u8>)> = sources
        .into_iter()
        .enumerate()
        .map(|(i, source)| {
            let k = i as u64 + 1;
            let j = ForecastJob { shard: Some(Shard { k, n: 3 }), ..ForecastJob::new(source, 1500, 9) };
            (format!("part-{k}"), encode(&part(&j.prepare().unwrap())))
        })
        .rev()
        .collect();
    let merged = job::merge(&files).unwrap();
    assert_eq!(merged.summary, one.summary);
    assert_eq!(merged.part.aggregate, one.aggregate);
    assert_eq!(merged.loaded().unwrap().params.horizon, 156);
    // A missing shard is refused.
    assert!(matches!(job::merge(&files[..2]), Err(JobError::Parts(m)) if m.contains("missing shard")));
}

struct Rows(Vec<u64>);

impl RowSink for Rows {
    fn write_rows(&mut self, rows: &[RunRow]) -> Result<(), String> {
        self.0.extend(rows.iter().map(|r| r.run));
        Ok(())
    }
}

#[test]
fn hooks_see_progress_rows_and_cancellation() {
    let p = ForecastJob { shard: Some(Shard { k: 2, n: 2 }), chunk: 100, ..job(500, 2) }.prepare().unwrap();
    assert_eq!(p.run_range(), (250, 250));
    let seen = Mutex::new(Vec::new());
    let progress = |d: u64| seen.lock().unwrap().push(d);
    let mut rows = Rows(Vec::new());
    let never = AtomicBool::new(false);
    let out = p.run(Hooks { progress: &progress, cancel: &never, rows: Some(&mut rows) }).unwrap();
    assert!(matches!(out, JobOutput::Part(ref x) if x.runs == 250 && x.first_run == 250));
    assert_eq!(*seen.lock().unwrap(), vec![100, 200, 250]);
    assert_eq!(rows.0, (250..500).collect::<Vec<_>>());
    // Cancelled after the first chunk: a shard is an error, a whole forecast covers what ran.
    let cancel = AtomicBool::new(false);
    let done = AtomicU64::new(0);
    let stop = |d: u64| {
        done.store(d, Ordering::SeqCst);
        cancel.store(true, Ordering::SeqCst);
    };
    let e = p.run(Hooks { progress: &stop, cancel: &cancel, rows: None }).unwrap_err();
    assert_eq!(e, JobError::Cancelled { done: 100, runs: 250 });
    cancel.store(false, Ordering::SeqCst);
    let w = ForecastJob { chunk: 100, ..job(500, 2) }.prepare().unwrap();
    let f = match w.run(Hooks { progress: &stop, cancel: &cancel, rows: None }).unwrap() {
        JobOutput::Forecast(f) => f,
        JobOutput::Part(_) => panic!("a part"),
    };
    assert!(f.summary.interrupted);
    assert_eq!(f.summary.runs, 100);
}

#[test]
fn a_trace_is_the_run_of_the_loaded_scenario_with_sampled_parameters_at_their_medians() {
    let p = ForecastJob { horizon: Some(20), ..job(1, 7) }.prepare().unwrap();
    let t = p.trace();
    assert_eq!((t.seed, t.sample), (7, None));
    assert!(t.weeks.len() <= 20);
    let l = p.loaded();
    // The medians, not the base values (the war costs' base values lie outside the ranges
    // the forecast samples).
    let cost = "sides.russia.war_cost_per_year";
    assert!((t.parameters[cost] - 0.11).abs() < 1e-12, "{:?}", t.parameters);
    assert_eq!(t.parameters.len(), l.uncertainty.len());
    let mut params = l.params.clone();
    for (r, spec) in l.uncertainty.refs.iter().zip(l.uncertainty.set.specs()) {
        params.set(*r, spec.dist.quantile(0.5));
    }
    let want = truce_engine::trace::run_traced(&params, 7);
    assert_eq!(serde_json::to_string(&t.weeks).unwrap(), serde_json::to_string(&want.weeks).unwrap());
    // The base values alone give another run.
    let base = truce_engine::trace::run_traced(&l.params, 7);
    assert_ne!(serde_json::to_string(&t.weeks).unwrap(), serde_json::to_string(&base.weeks).unwrap());
}

#[test]
fn run_sample_i_is_run_i_of_the_forecast() {
    struct Rows(Vec<RunRow>);
    impl RowSink for Rows {
        fn write_rows(&mut self, rows: &[RunRow]) -> Result<(), String> {
            self.0.extend_from_slice(rows);
            Ok(())
        }
    }
    for (name, seed) in [(NAME, 5u64), ("generic-interstate", 20_251_203)] {
        let p = ForecastJob { horizon: Some(104), ..ForecastJob::new(Source::Builtin(name.into()), 40, seed) }
            .prepare()
            .unwrap();
        let mut rows = Rows(Vec::new());
        p.run(Hooks { rows: Some(&mut rows), ..Hooks::none() }).unwrap();
        let l = p.loaded();
        for r in rows.0.iter().filter(|r| r.run % 7 == 3) {
            let t = job::run_trace(l, seed, job::RunParams::Sample(r.run)).unwrap();
            let o = t.outcome.as_ref().unwrap();
            let at = format!("{name}, seed {seed}, run {}", r.run);
            assert_eq!(t.sample, Some(r.run));
            assert_eq!(
                (o.state, o.week, o.rounds, o.ceasefire_breakdowns),
                (r.outcome, r.week, r.rounds, r.breakdowns),
                "{at}"
            );
            assert_eq!((o.km2_held.to_bits(), o.index.to_bits()), (r.km2.to_bits(), r.index.to_bits()), "{at}");
            let sides: Vec<&String> = o.casualties.keys().collect();
            assert_eq!(sides.len(), 2);
            let cas: Vec<f64> = l.params.sides.iter().map(|s| o.casualties[&s.id]).collect();
            assert_eq!(cas, r.casualties.to_vec(), "{at}");
            let terms: Vec<f64> = l.params.issue_ids.iter().map(|k| o.terms[k]).collect();
            assert_eq!(terms, r.terms, "{at}");
            let drawn: Vec<f64> = l.uncertainty.paths.iter().map(|k| t.parameters[k]).collect();
            assert_eq!(drawn, r.params, "{at}");
        }
    }
}

#[test]
fn check_lists_each_sampled_parameter_with_its_base_median_and_support() {
    let p = job(1, 1).prepare().unwrap();
    let sampled = job::sampled_params(p.loaded());
    let cost = sampled.iter().find(|x| x.path == "sides.russia.war_cost_per_year").unwrap();
    assert_eq!((cost.base, cost.support.as_str()), (0.11, "[0.06, 0.16]"));
    assert!((cost.median - 0.11).abs() < 1e-12);
    assert_eq!(sampled.len(), p.loaded().uncertainty.len());
}

#[test]
fn an_edit_fixes_a_sampled_parameter_so_the_forecast_moves() {
    // `protocol.guarantee_credibility` is drawn from uniform(0, 0.5) by the scenario's
    // [uncertainty]: an edit drops that draw, so every run uses the edited value.
    let path = "protocol.guarantee_credibility";
    let at = |v: f64| {
        let p = ForecastJob { edits: BTreeMap::from([(path.to_string(), v)]), ..job(400, 5) }.prepare().unwrap();
        assert!(!p.loaded().uncertainty.paths.iter().any(|x| x == path), "{path} is no longer sampled");
        assert!(!p.text().contains(&format!("\"{path}\" = {{ dist")), "the edited text has no distribution for it");
        p
    };
    let base = job(400, 5).prepare().unwrap();
    assert!(base.loaded().uncertainty.paths.iter().any(|x| x == path), "the scenario samples {path}");
    let (low, high) = (at(0.2), at(1.0));
    let (fl, fh) = (whole(&low), whole(&high));
    assert_ne!(
        serde_json::to_string(&fl.summary).unwrap(),
        serde_json::to_string(&fh.summary).unwrap(),
        "credibility 0.2 and 1 give different forecasts"
    );
    // Each run uses the edited value (a traced run reports the parameters it used).
    let t = high.trace();
    assert!(!t.parameters.contains_key(path));
    assert_eq!(high.loaded().uncertainty.len() + 1, base.loaded().uncertainty.len());
    // An edit of a parameter that is not sampled leaves the uncertainty set alone.
    let other = ForecastJob { edits: BTreeMap::from([("protocol.cadence_weeks".to_string(), 6.0)]), ..job(10, 5) };
    assert_eq!(other.prepare().unwrap().loaded().uncertainty.len(), base.loaded().uncertainty.len());
}

/// A filtered forecast holds every particle at once: its budget counts them, and a job whose
/// particles would not fit is refused before any exists, naming the runs.
#[test]
fn a_filtered_forecast_counts_its_particles_before_it_starts() {
    use truce_forecast::observation::{Observation, Observations, Observed};
    let with_obs = |runs: u64| {
        let mut j = job(runs, 1);
        let start = j.prepare().unwrap().loaded().params.start;
        j.observations = Some(Observations::from_validated(vec![Observation {
            line: 2,
            date: truce_engine::calendar::CivilDate::from_days(start.to_days() + 30),
            what: Observed::Km2Held { value: 118_000.0, sd: 200.0 },
            source: "synthetic".into(),
        }]));
        j
    };
    let plain = job(1000, 1).prepare().unwrap().budget(2, false);
    let filtered = with_obs(1000).prepare().unwrap().budget(2, false);
    assert_eq!(plain.particle_bytes, 0);
    // At least the run's state and its buffers, twice, per particle.
    assert!(filtered.particle_bytes >= 1000 * 2 * 200, "{filtered:?}");
    assert_eq!(filtered.bytes(), plain.bytes() + filtered.particle_bytes);
    // Runs whose particles exceed the job limit: refused at prepare, with the particles named.
    let per = filtered.particle_bytes / 1000;
    let too_many = job::MAX_JOB_BYTES / per + 1;
    match with_obs(too_many).prepare() {
        Err(JobError::TooLarge(b)) => {
            let why = b.describe(|o| o.name());
            assert!(why.contains("particles of the filter"), "{why}");
        }
        other => panic!("expected the job to be refused as too large, got {:?}", other.map(|_| ())),
    }
}
