//! ABC-SMC against the oracles of `forecast-evaluation.md` §3: the weight formula's test
//! values (§3.3), the ESS example (§3.6) and the normal–normal ABC posterior at ε = 0.1
//! (§3.9), through the same generic code the scenario calibration uses; bit-identical results
//! for 1 and 2 threads.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use truce_forecast::abc::{
    abc_smc, ess, log_weight, weighted_cov, weighted_quantile, AbcModel, AbcOptions, ScaleRule, Stop,
};

/// y₁…y₂₀ ~ N(θ, 1), prior θ ~ N(0, 1), summary the sample mean, observed ȳ = 1.
struct NormalNormal {
    y: [f64; 1],
}

impl AbcModel for NormalNormal {
    type Work = ();
    fn workspace(&self) {}
    fn dim(&self) -> usize {
        1
    }
    fn observed(&self) -> &[f64] {
        &self.y
    }
    fn scale(&self, _k: usize) -> ScaleRule {
        ScaleRule::Fixed(1.0)
    }
    fn sample_prior(&self, rng: &mut ChaCha8Rng, theta: &mut [f64]) {
        theta[0] = StandardNormal.sample(rng);
    }
    fn log_prior(&self, theta: &[f64]) -> f64 {
        -0.5 * theta[0] * theta[0]
    }
    fn simulate(&self, _w: &mut (), theta: &[f64], rng: &mut ChaCha8Rng, out: &mut [f64]) {
        let mut s = 0.0;
        for _ in 0..20 {
            let e: f64 = StandardNormal.sample(rng);
            s += theta[0] + e;
        }
        out[0] = s / 20.0;
    }
}

fn moments(p: &truce_forecast::abc::Population) -> (f64, f64) {
    let (mean, cov) = weighted_cov(&p.theta, &p.weights, 1);
    (mean[0], cov[0].sqrt())
}

#[test]
fn weight_formula_and_ess_match_the_reference_values() {
    // Previous population (4, 5, 6) with weights (¼, ½, ¼): mean 5, variance ½, kernel
    // variance 1 (so the whitened coordinates are the values). Prior U(0, 10): density 0.1.
    let (prev, w) = ([4.0, 5.0, 6.0], [0.25, 0.5, 0.25]);
    let (m, c) = weighted_cov(&prev, &w, 1);
    assert!((m[0] - 5.0).abs() < 1e-15 && (c[0] - 0.5).abs() < 1e-15);
    let norm = (2.0 * std::f64::consts::PI).sqrt();
    for (star, want) in [(5.5, 0.337350), (4.0, 0.426951), (9.0, 85.088)] {
        let got = log_weight(0.1f64.ln(), &[star], &prev, &w, 1).exp() * norm;
        assert!((got / want - 1.0).abs() < 2e-5, "θ* = {star}: {got} vs {want}");
    }
    assert!((ess(&[0.1, 0.2, 0.3, 0.4]) - 1.0 / 0.3).abs() < 1e-12);
    assert_eq!(weighted_quantile(&[3.0, 1.0, 2.0, 4.0], &[0.25; 4], 0.5), 2.0);
}

#[test]
fn normal_normal_posterior_at_eps_0_1() {
    let opts = AbcOptions {
        particles: 4000,
        generations: 30,
        seed: 9,
        eps_min: 0.1,
        min_acceptance: 0.0,
        max_attempts: 1_000_000,
        ..AbcOptions::default()
    };
    let p = abc_smc(&NormalNormal { y: [1.0] }, &opts, &|_| {}).unwrap();
    assert_eq!(p.stop, Stop::Tolerance, "{:?}", p.generations);
    let last = p.generations.last().unwrap();
    assert_eq!(last.tolerance, 0.1);
    let (mean, sd) = moments(&p);
    // π_0.1: mean 0.949363, sd 0.225018 (§3.9). Monte Carlo error from the ESS; the test
    // fails for the exact posterior's sd (0.218) only by a little, so check the mean tightly
    // and the sd within 4 standard errors.
    let e = last.ess;
    eprintln!("normal–normal at ε = 0.1: mean {mean:.6}, sd {sd:.6}, ESS {e:.0}, generations {}", p.generations.len());
    assert!(e > 1000.0, "ESS {e}");
    let se_mean = 0.225018 / e.sqrt();
    let se_sd = 0.225018 / (2.0 * e).sqrt();
    assert!((mean - 0.949363).abs() < 4.0 * se_mean, "mean {mean} vs 0.949363 ± {se_mean} (ESS {e})");
    assert!((sd - 0.225018).abs() < 4.0 * se_sd, "sd {sd} vs 0.225018 ± {se_sd} (ESS {e})");
    // Every accepted distance is within the last tolerance.
    assert!(p.distances.iter().all(|&d| d <= 0.1));
}

#[test]
fn prior_proposals_outside_the_support_are_never_simulated() {
    /// The same model with θ restricted to [0, 2].
    struct Bounded(NormalNormal);
    impl AbcModel for Bounded {
        type Work = ();
        fn workspace(&self) {}
        fn dim(&self) -> usize {
            1
        }
        fn observed(&self) -> &[f64] {
            &self.0.y
        }
        fn scale(&self, _k: usize) -> ScaleRule {
            ScaleRule::Fixed(1.0)
        }
        fn sample_prior(&self, rng: &mut ChaCha8Rng, theta: &mut [f64]) {
            theta[0] = 2.0 * rng.random::<f64>();
        }
        fn log_prior(&self, theta: &[f64]) -> f64 {
            if (0.0..=2.0).contains(&theta[0]) {
                0.0
            } else {
                f64::NEG_INFINITY
            }
        }
        fn simulate(&self, w: &mut (), theta: &[f64], rng: &mut ChaCha8Rng, out: &mut [f64]) {
            assert!((0.0..=2.0).contains(&theta[0]), "simulated outside the support: {}", theta[0]);
            self.0.simulate(w, theta, rng, out);
        }
    }
    let opts = AbcOptions { particles: 500, generations: 5, seed: 3, ..AbcOptions::default() };
    let p = abc_smc(&Bounded(NormalNormal { y: [0.05] }), &opts, &|_| {}).unwrap();
    assert!(p.theta.iter().all(|t| (0.0..=2.0).contains(t)));
    // Proposals outside count against the acceptance rate but cost no simulation.
    let g = p.generations.last().unwrap();
    assert!(g.simulations < (500.0 / g.acceptance_rate).round() as u64, "{g:?}");
}

#[test]
fn bit_identical_for_one_and_two_threads() {
    let opts = AbcOptions { particles: 700, generations: 4, seed: 5, ..AbcOptions::default() };
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| abc_smc(&NormalNormal { y: [1.0] }, &opts, &|_| {}).unwrap())
    };
    let (a, b) = (run(1), run(2));
    assert_eq!(a, b);
    assert_ne!(a, abc_smc(&NormalNormal { y: [1.0] }, &AbcOptions { seed: 6, ..opts }, &|_| {}).unwrap());
}

#[test]
fn the_simulation_budget_stops_at_the_last_whole_generation() {
    let base = AbcOptions { particles: 300, generations: 10, seed: 2, eps_min: 0.01, ..AbcOptions::default() };
    let full = abc_smc(&NormalNormal { y: [1.0] }, &base, &|_| {}).unwrap();
    // A budget that covers about three generations.
    let spent: u64 = full.generations.iter().take(3).map(|g| (300.0 / g.acceptance_rate).round() as u64).sum();
    let capped =
        abc_smc(&NormalNormal { y: [1.0] }, &AbcOptions { max_simulations: spent + 10, ..base }, &|_| {}).unwrap();
    assert_eq!(capped.stop, Stop::Budget, "{:?}", capped.generations);
    assert!(capped.generations.len() < full.generations.len());
    let total: u64 = capped.generations.iter().map(|g| g.simulations).sum();
    assert!(total <= spent + 10, "{total} simulations over the budget {}", spent + 10);
    // What it returns is a whole generation of the uncapped run (same streams).
    let g = capped.generations.len();
    assert_eq!(capped.generations[..], full.generations[..g]);
    assert!(abc_smc(&NormalNormal { y: [1.0] }, &AbcOptions { max_simulations: 299, ..base }, &|_| {}).is_err());
}

/// [`NormalNormal`] that counts its simulations.
struct Counting {
    inner: NormalNormal,
    calls: std::sync::atomic::AtomicU64,
}

impl AbcModel for Counting {
    type Work = ();
    fn workspace(&self) {}
    fn dim(&self) -> usize {
        1
    }
    fn observed(&self) -> &[f64] {
        self.inner.observed()
    }
    fn scale(&self, k: usize) -> ScaleRule {
        self.inner.scale(k)
    }
    fn sample_prior(&self, rng: &mut ChaCha8Rng, theta: &mut [f64]) {
        self.inner.sample_prior(rng, theta)
    }
    fn log_prior(&self, theta: &[f64]) -> f64 {
        self.inner.log_prior(theta)
    }
    fn simulate(&self, w: &mut (), theta: &[f64], rng: &mut ChaCha8Rng, out: &mut [f64]) {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.inner.simulate(w, theta, rng, out)
    }
}

/// A generation that a slot's exhausted share dooms stops every slot (without it, each of
/// the 300 slots would simulate at least once more): the discarded generation costs a few
/// simulations, and the result is the same for 1 and 2 threads.
#[test]
fn a_doomed_generation_stops_its_other_slots() {
    let base = AbcOptions { particles: 300, generations: 10, seed: 2, eps_min: 0.01, ..AbcOptions::default() };
    let full = abc_smc(&NormalNormal { y: [1.0] }, &base, &|_| {}).unwrap();
    // Three proposals per slot left for the fourth generation.
    let spent: u64 = full.generations.iter().take(3).map(|g| (300.0 / g.acceptance_rate).round() as u64).sum();
    let opts = AbcOptions { max_simulations: spent + 3 * 300, ..base };
    let run = |threads: usize| {
        let model = Counting { inner: NormalNormal { y: [1.0] }, calls: 0.into() };
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let p = pool.install(|| abc_smc(&model, &opts, &|_| {}).unwrap());
        (p, model.calls.into_inner())
    };
    let ((a, calls), (b, _)) = (run(1), run(2));
    assert_eq!(a, b);
    assert_eq!(a.stop, Stop::Budget, "{:?}", a.generations);
    let kept: u64 = a.generations.iter().map(|g| g.simulations).sum();
    assert!(calls - kept < 300, "the discarded generation simulated {} times", calls - kept);
}
