//! Selection by survival (`truce_forecast::selection`): the frailty oracle of
//! war-termination §1.2 (Gamma-distributed constant hazards conditioned on survival to t have
//! mean a/(b + t)); a war of age 0 gives the unconditioned forecast bit for bit; an older war
//! ends later (same seeds); the selected forecast is the same for any thread count and
//! sharding; a single sampled run is the forecast's run.

use rand::Rng;
use rand_distr::{Distribution, Gamma};
use truce_engine::builtin;
use truce_forecast::backcast::CaseForecast;
use truce_forecast::ensemble::ForecastAggregate;
use truce_forecast::job::{self, ForecastJob, Hooks, JobError, JobOutput, RunParams, Shard, Source};
use truce_forecast::run_rng;
use truce_forecast::selection::{
    effective_sample_size, weigh_pool, Selection, SelectionReport, PILOT_KEY, POOL, POOL_KEY, REPLICATES,
};

/// `name`'s text with `war_began` replaced by (or set to) `date`, or removed (`None`).
fn with_war_began(name: &str, date: Option<&str>) -> String {
    let text = builtin::builtin(name).unwrap();
    let kept: String = text.lines().filter(|l| !l.starts_with("war_began")).map(|l| format!("{l}\n")).collect();
    match date {
        None => kept,
        Some(d) => {
            let at = kept.find("horizon_weeks = ").expect("a horizon");
            let eol = at + kept[at..].find('\n').unwrap() + 1;
            format!("{}war_began = {{ date = {d}, source = \"test\" }}\n{}", &kept[..eol], &kept[eol..])
        }
    }
}

fn forecast(text: String, runs: u64, seed: u64, threads: usize) -> job::Forecast {
    let j = ForecastJob {
        threads: Some(threads),
        ..ForecastJob::new(Source::Text { label: "t".into(), text }, runs, seed)
    };
    match j.prepare().unwrap().run(Hooks::none()).unwrap() {
        JobOutput::Forecast(f) => *f,
        JobOutput::Part(_) => unreachable!(),
    }
}

fn bytes(a: &ForecastAggregate) -> Vec<u8> {
    serde_json::to_vec(a).unwrap()
}

fn report(weights: &[u64]) -> SelectionReport {
    SelectionReport {
        war_began: truce_engine::calendar::CivilDate { year: 2000, month: 1, day: 1 },
        age_weeks: 1,
        pool: weights.len() as u64,
        replicates: REPLICATES,
        survived: weights.iter().sum(),
        draws_kept: weights.iter().filter(|&&w| w > 0).count() as u64,
        ess: effective_sample_size(weights),
        warning: None,
    }
}

/// A low effective sample's warning is part of the sentence, after it.
#[test]
fn the_note_ends_with_the_warning() {
    let mut r = report(&[1, 0, 0, 0]);
    assert_eq!(r.note(), format!("S{}.", &r.describe()[1..]));
    r.warning = Some("few draws".into());
    assert_eq!(r.note(), format!("S{}. few draws", &r.describe()[1..]));
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!((v["note"].as_str(), v["warning"].as_str()), (Some(r.note().as_str()), Some("few draws")));
}

/// War-termination §1.2: a population of wars with constant weekly hazards λ ~ Gamma(shape
/// a, rate b); among those still going at t, λ ~ Gamma(a, b + t), mean a / (b + t). With
/// a = 2, b = 100 weeks, the reference's values: 0.0200 at t = 0, 0.01316 at 52, 0.0100 at
/// 100, 0.00781 at 156. The selection's pool, pilot streams, weights and picks recover them.
#[test]
fn frailty_oracle_gamma_hazards_conditioned_on_survival() {
    let (a, b): (f64, f64) = (2.0, 100.0);
    let gamma = Gamma::new(a, 1.0 / b).unwrap();
    let seed = 7;
    let lambda = |j: u64| gamma.sample(&mut run_rng(seed ^ POOL_KEY, j));
    for (t, reference) in [(0.0_f64, 0.0200_f64), (52.0, 0.01316), (100.0, 0.0100), (156.0, 0.00781)] {
        let want = a / (b + t);
        assert!((want - reference).abs() < 5e-6, "the oracle a / (b + t) = {want}, the reference {reference}");
        // Pilot: REPLICATES exponential lifetimes (weeks) per draw, each on its own stream.
        let weights = weigh_pool(
            POOL,
            || (),
            |_, j| {
                let l = lambda(j);
                (0..REPLICATES)
                    .filter(|r| {
                        let u: f64 = run_rng(seed ^ PILOT_KEY, j * REPLICATES + r).random();
                        -(1.0 - u).ln() / l > t
                    })
                    .count() as u64
            },
        );
        let total: u64 = weights.iter().sum();
        let weighted =
            weights.iter().enumerate().map(|(j, &w)| w as f64 * lambda(j as u64)).sum::<f64>() / total as f64;
        // Standard error of a weighted mean of Gamma(a, b + t) draws: sd / √ESS.
        let ess = effective_sample_size(&weights);
        let se = (a.sqrt() / (b + t)) / ess.sqrt();
        assert!((weighted - want).abs() < 5.0 * se, "t = {t}: weighted mean hazard {weighted}, want {want} (se {se})");
        // The forecast's picks draw from the same weighted set.
        let s = Selection::from_weights(&weights, report(&weights));
        let picks = 20_000;
        let picked = (0..picks).map(|i| lambda(s.pick(seed, i))).sum::<f64>() / picks as f64;
        assert!((picked - want).abs() < 7.0 * se, "t = {t}: picked mean hazard {picked}, want {want} (se {se})");
        if t > 0.0 {
            assert!(weighted < 0.9 * a / b, "t = {t}: survival must select lower hazards");
        }
    }
}

#[test]
fn a_draw_is_picked_in_proportion_to_its_weight() {
    let weights = [0, 3, 0, 1];
    let s = Selection::from_weights(&weights, report(&weights));
    let mut counts = [0u64; 4];
    for i in 0..40_000 {
        counts[s.pick(11, i) as usize] += 1;
    }
    assert_eq!((counts[0], counts[2]), (0, 0), "{counts:?}");
    let share = counts[1] as f64 / 40_000.0;
    assert!((share - 0.75).abs() < 0.01, "{counts:?}");
    assert_eq!(s.weight(1), 3);
    assert_eq!(effective_sample_size(&weights), 16.0 / 10.0);
}

/// Age 0 (no `war_began`, one on the start day, or one less than a week before it) gives the
/// unconditioned forecast bit for bit.
#[test]
fn age_zero_is_the_unconditioned_forecast() {
    let plain = forecast(with_war_began("korea-1951", None), 300, 3, 2);
    assert!(plain.summary.selection.is_none());
    for d in ["1951-07-10", "1951-07-04"] {
        let f = forecast(with_war_began("korea-1951", Some(d)), 300, 3, 2);
        assert!(f.summary.selection.is_none(), "{d}");
        // Everything but the fingerprint (taken over the text, which now has `war_began`).
        let mut a = f.aggregate.clone();
        assert_ne!(a.fingerprint, plain.aggregate.fingerprint);
        a.fingerprint.clone_from(&plain.aggregate.fingerprint);
        assert!(bytes(&plain.aggregate) == bytes(&a), "war_began {d}: the forecast changed");
    }
    // The built-in generic scenario starts at the war's onset: no selection.
    let g = forecast(builtin::builtin("generic-interstate").unwrap().to_string(), 50, 3, 1);
    assert!(g.summary.selection.is_none());
}

/// The longer the war has lasted, the later its forecast end (same seed, same runs).
#[test]
fn an_older_war_ends_later() {
    let mut medians = Vec::new();
    let mut shares = Vec::new();
    for d in ["1951-07-10", "1951-01-08", "1950-01-09", "1948-07-12"] {
        let f = forecast(with_war_began("korea-1951", Some(d)), 2000, 5, 2);
        let c = CaseForecast::from_aggregate(&f.aggregate);
        medians.push(c.quantile(0.5).unwrap_or(u32::MAX));
        shares.push(c.cdf(52));
        if let Some(s) = &f.summary.selection {
            assert!(s.ess >= truce_forecast::selection::MIN_ESS && s.survived > 0, "{d}: {s:?}");
        }
    }
    assert!(medians.windows(2).all(|w| w[0] <= w[1]), "median weeks to the end by age: {medians:?}");
    assert!(medians[3] > medians[0] + 10, "median weeks to the end by age: {medians:?}");
    // Neighbouring ages may tie: 2,000 runs give each share a Monte Carlo sd of about 0.011
    // (0.016 for a difference), and within a war the hazard may rise (a riper war draws a
    // patron mediator, patrons.md §6), so only a fall beyond two sds of the difference fails.
    assert!(shares.windows(2).all(|w| w[0] >= w[1] - 0.03), "P(end within a year) by age: {shares:?}");
    assert!(shares[3] < shares[0] - 0.05, "P(end within a year) by age: {shares:?}");
}

/// A selected forecast is bit-identical for 1 and 3 threads and for shards merged; a sampled
/// run uses the forecast's selected draw.
#[test]
fn selection_is_the_same_for_any_threads_and_shards() {
    let text = builtin::builtin("korea-1951").unwrap().to_string();
    let one = forecast(text.clone(), 240, 9, 1);
    let three = forecast(text.clone(), 240, 9, 3);
    assert!(one.summary.selection.is_some());
    assert_eq!(one.summary.selection, three.summary.selection);
    assert!(bytes(&one.aggregate) == bytes(&three.aggregate), "1 and 3 threads differ");
    let parts: Vec<(String, Vec<u8>)> = (1..=3)
        .map(|k| {
            let j = ForecastJob {
                shard: Some(Shard { k, n: 3 }),
                threads: Some(2),
                ..ForecastJob::new(Source::Text { label: "t".into(), text: text.clone() }, 240, 9)
            };
            match j.prepare().unwrap().run(Hooks::none()).unwrap() {
                JobOutput::Part(p) => (format!("p{k}"), truce_forecast::part::encode(&p)),
                JobOutput::Forecast(_) => unreachable!(),
            }
        })
        .collect();
    let merged = job::merge(&parts).unwrap();
    assert!(bytes(&merged.part.aggregate) == bytes(&one.aggregate), "merged shards differ from the whole");
    // `truce run --sample I`: run I's parameters are the selected pool draw's.
    let l = truce_engine::load::load_str("t", &text).unwrap();
    let s = truce_forecast::selection::select(&l, 9).unwrap().unwrap();
    let mut buf = vec![0.0; l.uncertainty.len()];
    let mut p = l.params.clone();
    s.apply(&l, 9, 17, &mut buf, &mut p);
    assert_eq!(format!("{:?}", job::run_params(&l, 9, RunParams::Sample(17)).unwrap()), format!("{p:?}"));
    // ... and not the unselected draw of the same run.
    let mut q = l.params.clone();
    truce_forecast::selection::draw_params(&l, None, 9, 17, &mut buf, &mut q);
    assert_ne!(format!("{q:?}"), format!("{p:?}"));
}

/// A war the scenario's parameters cannot keep going that long is refused, naming
/// `war_began`.
#[test]
fn a_collapsed_selection_is_refused() {
    // Korea's war would have to have lasted 90 years; `war_began` 4,700 weeks before.
    let text = with_war_began("korea-1951", Some("1861-07-01"));
    let j = ForecastJob::new(Source::Text { label: "t".into(), text }, 10, 1);
    match j.prepare().unwrap().run(Hooks::none()) {
        Err(e @ JobError::Forecast(_)) => {
            let m = e.to_string();
            assert!(m.contains("scenario.war_began") && m.contains("effective sample size"), "{m}");
            assert!(e.is_scenario_error());
        }
        other => panic!("expected a refused selection, got {other:?}"),
    }
    // `truce run --sample I` of that forecast is refused with the same error, not run on an
    // unselected draw; the median run needs no selection.
    let l = truce_engine::load::load_str("t", &with_war_began("korea-1951", Some("1861-07-01"))).unwrap();
    let m = job::run_trace(&l, 1, RunParams::Sample(3)).unwrap_err().to_string();
    assert!(m.contains("scenario.war_began") && m.contains("effective sample size"), "{m}");
    assert!(job::run_trace(&l, 1, RunParams::Median).is_ok());
}

/// The forecast's JSON carries what the selection did (the page and the report show it); a
/// war that begins at its start has no `selection` key at all.
#[test]
fn the_summary_json_reports_the_selection() {
    let f = forecast(builtin::builtin("korea-1951").unwrap().to_string(), 120, 4, 1);
    let v: serde_json::Value = serde_json::to_value(&f.summary).unwrap();
    let s = &v["selection"];
    assert_eq!(s["war_began"], serde_json::json!({ "year": 1950, "month": 6, "day": 25 }), "{s}");
    assert_eq!(s["age_weeks"], 54, "{s}");
    let ess = s["ess"].as_f64().unwrap();
    assert!(ess >= truce_forecast::selection::MIN_ESS && ess <= s["pool"].as_f64().unwrap(), "{s}");
    assert!(s["survived"].as_u64().unwrap() > 0, "{s}");
    let text = f.summary.selection.as_ref().unwrap().describe();
    assert!(text.starts_with("selection by survival: the war began 1950-06-25 (54 weeks before the start)"), "{text}");
    // The JSON carries the sentence people read (the report and the page print it as is).
    let note = s["note"].as_str().unwrap();
    assert_eq!(note, format!("S{}.", &text[1..]), "{s}");
    let g = forecast(builtin::builtin("generic-interstate").unwrap().to_string(), 30, 4, 1);
    let v: serde_json::Value = serde_json::to_value(&g.summary).unwrap();
    assert!(v.get("selection").is_none(), "{v:?}");
}
