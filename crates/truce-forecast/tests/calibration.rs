//! `truce calibrate` on the engine: the calibrated scenario (posterior as a weighted sample,
//! values kept inside it), written into its own text (comments kept, the same
//! scenario as the serialiser's, idempotent), the observation window (before the start
//! refused, after `as_of` never seen), bit-identical results for 1 and 2 threads, recovery of
//! a parameter from synthetic data, and an SBC smoke run.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use truce_forecast::calibration::{
    calibrate, sbc_replication, serialised, synthetic_observations, CalibrateError, CalibrateOptions,
};
use truce_forecast::observation::{Observation, Observations, Observed};

const GAIN: &str = "combat.calibrated_gain_km2_per_week";
const AID: &str = "sides.ukraine.aid_dependence";

/// The built-in as shipped (calibrated: a calibration starts from the priors it records).
fn text() -> &'static str {
    truce_engine::builtin::builtin("ukraine-2025-12").unwrap()
}

/// The two priors of [`two`], as the built-in's `[uncertainty]` had them before its
/// calibration moved the gain's into `[weighted_sample].priors`.
const TWO_PRIORS: &str = "\"combat.calibrated_gain_km2_per_week\" = { dist = \"truncated_normal\", mean = 85, sd = 15, \
                          low = 55, high = 130 }\n\"sides.ukraine.aid_dependence\" = { dist = \"uniform\", low = 0.2, high = 0.5 }";

/// The default scenario with only the gain and Ukraine's aid dependence uncertain: a small
/// model whose data can inform its parameters (with all 86 priors, the others' spread hides
/// a single parameter's signal in 12 monthly areas). Neither side breaks before its floors
/// (`politics.*.collapse_per_year` = 0): a synthetic truth that collapses early freezes its
/// line, and these tests check how the front's gain is learnt, not the collapse hazard.
fn two() -> String {
    let mut hazard_off = String::new();
    for line in text().lines() {
        let off = line.starts_with("collapse_per_year = ");
        hazard_off.push_str(if off { "collapse_per_year = 0.0" } else { line });
        hazard_off.push('\n');
    }
    assert_eq!(hazard_off.matches("collapse_per_year = 0.0\n").count(), 2);
    let t = hazard_off.as_str();
    // Everything from [uncertainty] on (its priors and the shipped posterior) goes.
    let at = t.find("[uncertainty]\n").unwrap();
    format!("{}[uncertainty]\n{TWO_PRIORS}\n", &t[..at])
}

fn small(params: &[&str]) -> CalibrateOptions {
    CalibrateOptions {
        particles: 200,
        generations: 3,
        seed: 4,
        params: Some(params.iter().map(|s| s.to_string()).collect()),
        ..CalibrateOptions::default()
    }
}

/// 12 monthly observations of the default scenario run with the gain at `gain`.
fn synthetic(gain: f64, seed: u64) -> Observations {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    synthetic_observations("t", text(), &[(GAIN.into(), gain)], 12, 50.0, &mut rng).unwrap()
}

#[test]
fn writes_the_posterior_as_a_weighted_sample_and_keeps_the_values_inside_it() {
    let obs = synthetic(120.0, 1);
    let c = calibrate("t", text(), &obs, &small(&[GAIN, AID]), &|_| {}).unwrap();
    let l = truce_engine::load::load_str("calibrated.toml", &c.text).unwrap();
    let w = l.scenario.weighted_sample.as_ref().unwrap();
    assert_eq!(w.paths, [GAIN, AID]);
    assert_eq!(w.rows.len(), 200);
    assert!((w.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    assert!(!l.scenario.uncertainty.contains_key(GAIN) && !l.scenario.uncertainty.contains_key(AID));
    // The other priors are untouched (the shipped calibration's priors are back).
    let shipped = truce_engine::load::load_str("t", text()).unwrap();
    let before = shipped.scenario.with_priors().unwrap().expect("the built-in ships calibrated");
    assert_eq!(l.scenario.uncertainty.len() + 2, before.uncertainty.len());
    assert_eq!(w.priors.keys().collect::<Vec<_>>(), [GAIN, AID], "the replaced priors are recorded");
    assert_eq!(w.priors[AID], before.uncertainty[AID]);
    for (k, path) in [GAIN, AID].iter().enumerate() {
        let d = c.diagnostics.parameters.iter().find(|p| p.path == *path).unwrap();
        // The scenario's own value is kept when inside the posterior's rows (else their median).
        let r = l.params.resolve(path).unwrap();
        let was = truce_engine::load::load_str("t", text()).unwrap();
        let column: Vec<f64> = w.rows.iter().map(|row| row[k]).collect();
        let inside = |v: f64| column.iter().any(|&x| x <= v) && column.iter().any(|&x| x >= v);
        let own = was.params.get(was.params.resolve(path).unwrap());
        let want = if inside(own) { own } else { d.posterior.q50 };
        assert_eq!(l.params.get(r), want, "{path}");
        assert!(w.rows.iter().all(|row| row[k] >= d.posterior.q05.min(row[k])));
    }
    assert_eq!(c.diagnostics.generations.len(), 4);
    assert_eq!(c.diagnostics.observations_used, 24);
    assert_eq!(c.diagnostics.summaries.len(), 24);
}

#[test]
fn the_posterior_follows_the_data() {
    // The prior's gain is 85 ± 14 (truncated normal on [55, 130]); data made at 60 and at 120
    // (everything else at the scenario's values) must give posteriors apart in that order,
    // each narrower than the prior. The engine's own randomness (shocks, regimes, aid) keeps
    // the tolerance well above 0, so the posteriors stay wide: this checks direction.
    let two = two();
    let post = |gain: f64| {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let obs = synthetic_observations("t", &two, &[(GAIN.into(), gain)], 12, 50.0, &mut rng).unwrap();
        let opts = CalibrateOptions { particles: 400, generations: 6, ..small(&[GAIN, AID]) };
        let c = calibrate("t", &two, &obs, &opts, &|_| {}).unwrap();
        c.diagnostics.parameters[0].clone()
    };
    let (slow, fast) = (post(60.0), post(120.0));
    eprintln!("gain 60: {:?}\ngain 120: {:?}", slow.posterior, fast.posterior);
    assert!(fast.posterior.mean - slow.posterior.mean > 15.0, "{slow:?}\n{fast:?}");
    assert!(slow.posterior.mean < slow.prior.mean && fast.posterior.mean > fast.prior.mean);
    assert!(slow.posterior.sd < slow.prior.sd && fast.posterior.sd < fast.prior.sd);
}

#[test]
fn bit_identical_for_one_and_two_threads() {
    let obs = synthetic(90.0, 3);
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| calibrate("t", text(), &obs, &small(&[GAIN, AID]), &|_| {}).unwrap())
    };
    let (a, b) = (run(1), run(2));
    assert_eq!(a.text, b.text);
    assert_eq!(serde_json::to_string(&a.diagnostics).unwrap(), serde_json::to_string(&b.diagnostics).unwrap());
}

#[test]
fn observations_after_as_of_are_never_seen() {
    let obs = synthetic(90.0, 4);
    let as_of = obs.rows()[11].date; // the 6th month end (2 rows a month)
                                     // The same file with every later row changed.
    let altered: Vec<Observation> = obs
        .rows()
        .iter()
        .map(|o| {
            let mut o = o.clone();
            if o.date > as_of {
                if let Observed::Km2Held { value, sd } = o.what {
                    o.what = Observed::Km2Held { value: value + 5000.0, sd };
                }
            }
            o
        })
        .collect();
    let altered = Observations::from_validated(altered);
    let opts = CalibrateOptions { as_of: Some(as_of), ..small(&[GAIN]) };
    let a = calibrate("t", text(), &obs, &opts, &|_| {}).unwrap();
    let b = calibrate("t", text(), &altered, &opts, &|_| {}).unwrap();
    assert_eq!(a.text, b.text);
    assert_eq!(a.diagnostics.observations_used, 12);
    assert_eq!(a.diagnostics.ignored_after, 12);
    let all = calibrate("t", text(), &altered, &small(&[GAIN]), &|_| {}).unwrap();
    assert_ne!(a.text, all.text, "the later rows matter when they are in the window");
}

#[test]
fn refuses_observations_before_the_start_and_bad_options() {
    let obs = synthetic(90.0, 5);
    let mut rows = obs.rows().to_vec();
    let mut early = rows[0].clone();
    early.date = truce_engine::calendar::CivilDate { year: 2025, month: 11, day: 30 };
    early.line = 2;
    for r in &mut rows {
        r.line += 1;
    }
    rows.insert(0, early);
    let e = calibrate("t", text(), &Observations::from_validated(rows), &small(&[GAIN]), &|_| {}).unwrap_err();
    let m = e.to_string();
    assert!(matches!(e, CalibrateError::Observations(_)) && m.contains("line 2") && m.contains("--from"), "{m}");

    for (o, want) in [
        (CalibrateOptions { particles: 1, ..small(&[GAIN]) }, "--particles 1"),
        (CalibrateOptions { particles: 20_000, generations: 50, ..small(&[GAIN]) }, "--particles × --generations"),
        (CalibrateOptions { max_simulations: 10, ..small(&[GAIN]) }, "--max-simulations 10"),
        (CalibrateOptions { kernel_scale: 0.0, ..small(&[GAIN]) }, "--kernel-scale 0"),
        (small(&["protocol.nonexistent"]), "--params: `protocol.nonexistent`"),
    ] {
        let e = calibrate("t", text(), &obs, &o, &|_| {}).unwrap_err().to_string();
        assert!(e.contains(want), "{e}");
    }
}

#[test]
fn sbc_smoke() {
    // A few replications of simulation-based calibration on one parameter: each truth is
    // drawn from the prior, the data simulated with it, and the posterior must be a
    // posterior of that data (its normalised rank in (0, 1), and the truth inside the 90%
    // interval in most replications). The real run (≥ 20 replications) is
    // `cargo run --release -p truce-forecast --example sbc` (docs/calibration.md).
    let opts = CalibrateOptions { particles: 300, generations: 4, ..small(&[GAIN]) };
    let mut inside = 0;
    let reps = 4;
    for n in 0..reps {
        let r = sbc_replication("t", text(), &opts, 12, 300.0, 17, n).unwrap();
        let p = &r.parameters[0];
        assert!((0.0..=1.0).contains(&p.rank), "{r:?}");
        assert!(r.ess > 10.0, "{r:?}");
        inside += usize::from(p.inside_90);
    }
    assert!(inside >= reps as usize - 1, "the truth was inside the 90% interval in {inside} of {reps} replications");
}

#[test]
fn correlated_priors_are_calibrated_together() {
    let t = format!("{}\n[[correlations]]\na = \"{GAIN}\"\nb = \"{AID}\"\nrho = 0.8\n", two());
    let obs = {
        let mut rng = ChaCha8Rng::seed_from_u64(8);
        synthetic_observations("t", &t, &[], 6, 50.0, &mut rng).unwrap()
    };
    let e = calibrate("t", &t, &obs, &small(&[GAIN]), &|_| {}).unwrap_err().to_string();
    assert!(e.contains("are correlated; calibrate both or neither"), "{e}");
    let c = calibrate("t", &t, &obs, &small(&[GAIN, AID]), &|_| {}).unwrap();
    let l = truce_engine::load::load_str("calibrated.toml", &c.text).unwrap();
    assert!(l.scenario.correlations.is_empty(), "the correlation went with the priors");
    // The prior's dependence shows in the posterior's rows: the two columns still rise together.
    let w = l.scenario.weighted_sample.unwrap();
    let (m0, m1) = (c.diagnostics.parameters[0].posterior.mean, c.diagnostics.parameters[1].posterior.mean);
    let cov: f64 = w.rows.iter().zip(&w.weights).map(|(r, x)| x * (r[0] - m0) * (r[1] - m1)).sum();
    assert!(cov > 0.0, "covariance {cov}");
}

/// The comment lines of a TOML text (the calibration's own provenance lines excepted).
fn comments(t: &str) -> Vec<&str> {
    t.lines()
        .map(str::trim)
        .filter(|l| l.starts_with('#') && !l.starts_with(truce_forecast::in_place::PROVENANCE))
        .collect()
}

#[test]
fn the_text_keeps_every_comment_and_loads_as_the_serialised_scenario() {
    let obs = synthetic(100.0, 9);
    let c = calibrate("t", text(), &obs, &small(&[GAIN, AID]), &|_| {}).unwrap();
    // Every comment of the input, in its order (the built-in's carry every number's source).
    let (was, now) = (comments(text()), comments(&c.text));
    assert!(was.len() > 50, "{}", was.len());
    let mut it = now.iter();
    for line in &was {
        assert!(it.any(|x| x == line), "comment lost or moved out of order: {line}");
    }
    // Every line the calibration does not change is the input's, byte for byte.
    let kept = text().lines().filter(|l| c.text.lines().any(|x| x == *l)).count();
    let start = text().find("[weighted_sample]").unwrap();
    let outside_sample = text()[..start].lines().count();
    assert!(kept >= outside_sample - 10, "{kept} of {outside_sample} lines kept");
    // The same scenario as the loader's serialiser writes (the form before in-place edits).
    let ours = truce_engine::load::load_str("in place", &c.text).unwrap();
    let theirs = truce_engine::load::load_str("serialised", &serialised(&c.scenario).unwrap()).unwrap();
    assert_eq!(ours.scenario, theirs.scenario);
    assert_eq!(ours.scenario, c.scenario);
    assert!(ours.scenario.scenario.description.contains("Calibrated"), "the description is kept");
}

#[test]
fn calibrating_the_calibrated_text_again_gives_the_same_bytes() {
    let obs = synthetic(100.0, 10);
    let opts = small(&[GAIN, AID]);
    let once = calibrate("t", text(), &obs, &opts, &|_| {}).unwrap();
    let twice = calibrate("t", &once.text, &obs, &opts, &|_| {}).unwrap();
    assert!(once.text == twice.text, "not idempotent");
    // Another set of parameters starts from the same priors: the old sample's come back.
    let gain_only = calibrate("t", &once.text, &obs, &small(&[GAIN]), &|_| {}).unwrap();
    let l = truce_engine::load::load_str("t", &gain_only.text).unwrap();
    let w = l.scenario.weighted_sample.as_ref().unwrap();
    assert_eq!(w.paths, [GAIN]);
    let prior = truce_engine::load::load_str("t", text()).unwrap().scenario.with_priors().unwrap().unwrap();
    assert_eq!(l.scenario.uncertainty[AID], prior.uncertainty[AID], "the aid dependence's prior is back");
    // A sample whose priors are not recorded cannot be calibrated from its priors.
    let at = once.text.find("[weighted_sample.priors]").unwrap();
    let e = calibrate("t", &once.text[..at], &obs, &opts, &|_| {}).unwrap_err().to_string();
    assert!(e.contains("priors are unknown") && e.contains(GAIN), "{e}");
}
