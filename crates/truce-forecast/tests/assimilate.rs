//! Filtered forecasts (`truce_forecast::assimilate`): with no observation the forecast is
//! the unconditioned one bit for bit; bit-identical for any thread count; conditioning on
//! synthetic observations far from the prior's median narrows the fan there and moves the
//! forecast after it.

use std::sync::atomic::AtomicBool;
use truce_engine::builtin;
use truce_engine::calendar::CivilDate;
use truce_engine::load::{load_str, Loaded};
use truce_forecast::assimilate::{filtered_forecast, observation_steps, MeasureOptions};
use truce_forecast::ensemble::{fingerprint, run_forecast, ForecastAggregate, ForecastOptions};
use truce_forecast::observation::{Observation, Observations, Observed};

fn loaded(name: &str, horizon: u32) -> (Loaded, String) {
    let text = builtin::builtin(name).unwrap().to_string();
    let mut l = load_str(name, &text).unwrap();
    l.params.horizon = horizon;
    (l, text)
}

fn unconditioned(l: &Loaded, text: &str, seed: u64, runs: u64) -> ForecastAggregate {
    let fp = fingerprint(text, seed, l.params.horizon);
    let opts = ForecastOptions { seed, first_run: 0, runs, chunk: 1000 };
    run_forecast(l, &fp, &opts, &|_| {}, &AtomicBool::new(false), None).unwrap().aggregate
}

fn filtered(
    l: &Loaded,
    text: &str,
    obs: &Observations,
    seed: u64,
    runs: u64,
) -> truce_forecast::assimilate::FilteredForecast {
    let fp = fingerprint(text, seed, l.params.horizon);
    let (steps, before) = observation_steps(&l.params, obs).unwrap();
    filtered_forecast(l, &fp, &steps, before, runs, seed, &MeasureOptions::default()).unwrap()
}

fn date(start: CivilDate, week: u32) -> CivilDate {
    CivilDate::from_days(start.to_days() + 7 * week as i64 + 6)
}

fn km2(start: CivilDate, week: u32, value: f64, sd: f64) -> Observation {
    Observation {
        line: 2 + week as usize,
        date: date(start, week),
        what: Observed::Km2Held { value, sd },
        source: "synthetic".into(),
    }
}

#[test]
fn no_observations_is_the_unconditioned_forecast_bit_for_bit() {
    for name in ["ukraine-2025-12", "generic-interstate"] {
        let (l, text) = loaded(name, 104);
        let a = unconditioned(&l, &text, 5, 1500);
        let f = filtered(&l, &text, &Observations::default(), 5, 1500);
        assert_eq!(f.start, l.params.start);
        assert_eq!(f.filtering.weeks_assimilated, 0);
        assert!(f.aggregate == a, "{name}: the filtered forecast without observations differs");
    }
    // Observations dated before the start are history, not assimilated.
    let (l, text) = loaded("ukraine-2025-12", 104);
    let before = CivilDate::from_days(l.params.start.to_days() - 30);
    let obs = Observations::from_validated(vec![Observation {
        line: 2,
        date: before,
        what: Observed::Km2Held { value: 1.0, sd: 1.0 },
        source: "old".into(),
    }]);
    let f = filtered(&l, &text, &obs, 5, 500);
    assert_eq!(f.filtering.ignored_before_start, 1);
    assert!(f.aggregate == unconditioned(&l, &text, 5, 500));
}

#[test]
fn bit_identical_for_any_thread_count() {
    let (l, text) = loaded("ukraine-2025-12", 80);
    let s = l.params.start;
    let k0 = l.params.start_km2;
    let obs = Observations::from_validated((1..=6).map(|i| km2(s, 4 * i, k0 + 300.0 * i as f64, 400.0)).collect());
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let f = pool.install(|| filtered(&l, &text, &obs, 9, 2000));
        (f.aggregate, f.filtering.loglik.to_bits(), serde_json::to_string(&f.filtering).unwrap())
    };
    let one = run(1);
    assert!(one == run(2), "2 threads");
    assert!(one == run(4), "4 threads");
}

#[test]
fn far_observations_narrow_the_fan_and_move_the_forecast() {
    let (l, text) = loaded("ukraine-2025-12", 120);
    let runs = 4000;
    let prior = unconditioned(&l, &text, 3, runs);
    let t = 20u32;
    let pt = prior.km2_distribution(t).unwrap();
    let (q05, q50, q95) = (pt.quantile(0.05), pt.quantile(0.5), pt.quantile(0.95));
    // Observe, weekly from week 12 to week T, a line that ends at the prior's 5% quantile
    // (far from its median), with a small measurement sd.
    let target = q05;
    let sd = ((q95 - q05) / 40.0).max(50.0);
    let k0 = l.params.start_km2;
    let obs = Observations::from_validated(
        (12..=t).map(|w| km2(l.params.start, w, k0 + (target - k0) * w as f64 / t as f64, sd)).collect(),
    );
    let f = filtered(&l, &text, &obs, 3, runs);
    assert_eq!(f.filtering.weeks_assimilated, t + 1);
    assert_eq!(f.start, CivilDate::from_days(l.params.start.to_days() + 7 * (t as i64 + 1)));
    assert!(f.filtering.loglik.is_finite() && f.filtering.failures == 0, "{:?}", f.filtering);
    // The fan at the week after T: narrow, within a few sds of the observed value.
    let post = f.aggregate.km2_distribution(0).unwrap();
    let (p10, p50, p90) = (post.quantile(0.1), post.quantile(0.5), post.quantile(0.9));
    let prior_next = prior.km2_distribution(t + 1).unwrap();
    let prior_width = prior_next.quantile(0.9) - prior_next.quantile(0.1);
    eprintln!(
        "prior at T: 5% {q05:.0}, median {q50:.0}, 95% {q95:.0}; observed {target:.0} ± {sd:.0}; \
         filtered: 10% {p10:.0}, median {p50:.0}, 90% {p90:.0}; ESS min {:.0}",
        f.filtering.min_ess
    );
    assert!((p50 - target).abs() < 4.0 * sd, "filtered median {p50} vs observed {target} (sd {sd})");
    assert!(p90 - p10 < 0.5 * prior_width, "filtered 80% width {} vs prior {prior_width}", p90 - p10);
    // Later weeks move with it: half a year on, the median is well below the prior's.
    let later = 26;
    let prior_later = prior.km2_distribution(t + 1 + later).unwrap().quantile(0.5);
    let post_later = f.aggregate.km2_distribution(later).unwrap().quantile(0.5);
    assert!(
        post_later < prior_later - 0.5 * (q50 - q05),
        "half a year later: filtered median {post_later} vs prior {prior_later}"
    );
}

#[test]
fn the_job_refuses_shards_with_observations_and_otherwise_runs_the_filter() {
    use truce_forecast::job::{ForecastJob, Hooks, JobError, JobOption, JobOutput, Shard, Source};
    let source = Source::Builtin("ukraine-2025-12".into());
    let obs = Observations::default();
    let job = ForecastJob {
        shard: Some(Shard { k: 1, n: 2 }),
        observations: Some(obs.clone()),
        ..ForecastJob::new(source.clone(), 100, 1)
    };
    match job.prepare() {
        Err(JobError::Invalid { option: JobOption::Shard, problem }) => {
            assert!(problem.contains("observations"), "{problem}")
        }
        other => panic!("expected a refusal of --shard, got {other:?}"),
    }
    let plain = ForecastJob { horizon: Some(60), ..ForecastJob::new(source, 800, 4) };
    let with = ForecastJob { observations: Some(obs), ..plain.clone() };
    let run = |j: &ForecastJob| match j.prepare().unwrap().run(Hooks::none()).unwrap() {
        JobOutput::Forecast(f) => *f,
        JobOutput::Part(_) => panic!("a whole forecast"),
    };
    let (a, b) = (run(&plain), run(&with));
    // Same runs, same summary; only the fingerprint (observations mixed in) and the
    // filter section differ.
    assert!(b.summary.filter.is_some() && a.summary.filter.is_none());
    let mut bs = b.summary.clone();
    bs.filter = None;
    assert_eq!(a.summary, bs);
    assert_ne!(a.aggregate.fingerprint, b.aggregate.fingerprint);
}

/// A cumulative series every 4 weeks from week 4 to week 24, on a line from the start that
/// gains `pace` a week, after a row the day before the start at the scenario's own start
/// level: built forwards from a level known to 300 km² (a year's total subtracted, as
/// DeepState's 2024), each step adding 50 km² of error.
fn cumulative_series(l: &Loaded, pace: f64) -> Observations {
    let s = l.params.start;
    let k0 = l.params.start_km2;
    let sd = |steps: u32| (300.0f64.powi(2) + steps as f64 * 50.0f64.powi(2)).sqrt();
    let mut rows = vec![Observation {
        line: 2,
        date: CivilDate::from_days(s.to_days() - 1),
        what: Observed::Km2Held { value: k0, sd: sd(0) },
        source: "synthetic".into(),
    }];
    rows.extend((1..=6).map(|i| km2(s, 4 * i, k0 + pace * (4 * i + 1) as f64, sd(i))));
    Observations::from_validated(rows)
}

#[test]
fn a_cumulative_series_is_weighed_by_its_changes_and_the_forecast_continues_from_its_last_level() {
    let (l, text) = loaded("ukraine-2025-12", 80);
    let obs = cumulative_series(&l, 150.0);
    let fp = fingerprint(&text, 4, l.params.horizon);
    let (steps, before) = observation_steps(&l.params, &obs).unwrap();
    // The first assimilated row refers to the row the scenario starts from; later ones to the
    // row before.
    assert_eq!(before, 1);
    assert_eq!(steps[0].km2_ref, Some((l.params.start_km2, 300.0)));
    assert!(steps.windows(2).all(|w| w[1].km2_ref
        == w[0].obs.iter().find_map(|o| match *o {
            Observed::Km2Held { value, sd } => Some((value, sd)),
            _ => None,
        })));
    let on = MeasureOptions::default();
    let off = MeasureOptions { cumulative: false, ..on };
    assert!(truce_forecast::assimilate::cumulative_series(&steps, &on));
    assert!(!truce_forecast::assimilate::cumulative_series(&steps, &off));
    let nested = filtered_forecast(&l, &fp, &steps, before, 3000, 4, &on).unwrap();
    let levels = filtered_forecast(&l, &fp, &steps, before, 3000, 4, &off).unwrap();
    assert!(nested.filtering.method.contains("cumulative series") && !levels.filtering.method.contains("cumulative"));
    let last = l.params.start_km2 + 150.0 * 25.0;
    let width = |f: &truce_forecast::assimilate::FilteredForecast| {
        let d = f.aggregate.km2_distribution(0).unwrap();
        (d.quantile(0.05), d.quantile(0.5), d.quantile(0.95))
    };
    let (n05, n50, n95) = width(&nested);
    let (l05, _, l95) = width(&levels);
    eprintln!("week 0: nested {n05:.0} {n50:.0} {n95:.0}; levels {l05:.0} {l95:.0}; last observed {last:.0}");
    // Re-anchored at the last observed level (its change known to 50 km², the level only to
    // 324 km²): the first week's median within a week's advance of it, and the fan much
    // narrower than when every row is an independent level whose sd is mostly shared error.
    assert!((n50 - last).abs() < 200.0, "nested: week 0 median {n50} vs last observed {last}");
    assert!(n95 - n05 < 0.6 * (l95 - l05), "nested 90% width {} vs levels {}", n95 - n05, l95 - l05);
    // A repeated sd is no cumulative series: the same rows with one sd are weighed as levels.
    let flat = Observations::from_validated(
        obs.rows()
            .iter()
            .map(|o| Observation {
                what: Observed::Km2Held { value: o.what.number().unwrap(), sd: 100.0 },
                ..o.clone()
            })
            .collect(),
    );
    let (flat_steps, _) = observation_steps(&l.params, &flat).unwrap();
    assert!(!truce_forecast::assimilate::cumulative_series(&flat_steps, &on));
}

#[test]
fn two_area_rows_in_one_week_chain_their_changes() {
    let (l, text) = loaded("ukraine-2025-12", 60);
    let s = l.params.start;
    let k0 = l.params.start_km2;
    let row = |line: usize, day: i64, value: f64, sd: f64| Observation {
        line,
        date: CivilDate::from_days(s.to_days() + day),
        what: Observed::Km2Held { value, sd },
        source: "synthetic".into(),
    };
    // Before the start (the scenario's own level), then days 8 and 12 (one week), then 20.
    let obs = Observations::from_validated(vec![
        row(2, -1, k0, 200.0),
        row(3, 8, k0 + 150.0, 190.0),
        row(4, 12, k0 + 200.0, 180.0),
        row(5, 20, k0 + 350.0, 170.0),
    ]);
    let (steps, _) = observation_steps(&l.params, &obs).unwrap();
    assert_eq!(steps.len(), 2);
    // The week's first row refers to the start's row, the next week's to the week's last.
    assert_eq!(steps[0].km2_ref, Some((k0, 200.0)));
    assert_eq!(steps[1].km2_ref, Some((k0 + 200.0, 180.0)));
    assert!(truce_forecast::assimilate::cumulative_series(&steps, &MeasureOptions::default()));
    let f = filtered(&l, &text, &obs, 2, 1000);
    assert!(f.filtering.loglik.is_finite() && f.filtering.failures == 0, "{:?}", f.filtering);
    // A repeated sd inside the week makes it no cumulative series.
    let flat = Observations::from_validated(vec![
        row(2, -1, k0, 200.0),
        row(3, 8, k0 + 150.0, 190.0),
        row(4, 12, k0 + 200.0, 190.0),
    ]);
    let (steps, _) = observation_steps(&l.params, &flat).unwrap();
    assert!(!truce_forecast::assimilate::cumulative_series(&steps, &MeasureOptions::default()));
}
