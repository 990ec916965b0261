//! The generic bootstrap particle filter against the linear-Gaussian oracle of
//! `forecast-evaluation.md` §4.8: an AR(1) state observed with Gaussian noise, whose exact
//! log-likelihood the Kalman filter gives (−7.2780321 on the reference case). Also: the
//! filter is bit-identical for any thread count, and Liu–West rejuvenation keeps parameter
//! particles distinct and learns a parameter.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal, StandardNormal};
use truce_forecast::filter::{pfilter, FilterOptions};
use truce_forecast::pomp::Pomp;

/// X_0 ~ N(0, P0); X_t = φ X_{t−1} + N(0, q); Y_t = X_t + N(0, r) (+ μ, a static parameter the
/// particles carry when `learn_mu`).
struct Ar1 {
    phi: f64,
    q: f64,
    r: f64,
    p0: f64,
    learn_mu: bool,
}

#[derive(Clone)]
struct Particle {
    x: f64,
    mu: [f64; 1],
}

impl Pomp for Ar1 {
    type State = Particle;
    type Obs = f64;
    type Work = ();
    fn workspace(&self) {}
    fn rinit(&self, _: &mut (), _slot: u64, rng: &mut ChaCha8Rng) -> Particle {
        let x = Normal::new(0.0, self.p0.sqrt()).unwrap().sample(rng);
        let mu = if self.learn_mu { 4.0 * rng.random::<f64>() - 2.0 } else { 0.0 };
        Particle { x, mu: [mu] }
    }
    fn rprocess(&self, _: &mut (), p: &mut Particle, _t: usize, rng: &mut ChaCha8Rng) {
        let e: f64 = StandardNormal.sample(rng);
        p.x = self.phi * p.x + self.q.sqrt() * e;
    }
    fn dmeasure(&self, y: &f64, p: &Particle, _t: usize) -> f64 {
        let v = y - p.x - p.mu[0];
        -0.5 * ((2.0 * std::f64::consts::PI * self.r).ln() + v * v / self.r)
    }
    fn params<'a>(&self, p: &'a Particle) -> &'a [f64] {
        if self.learn_mu {
            &p.mu
        } else {
            &[]
        }
    }
    fn set_params(&self, _: &mut (), p: &mut Particle, est: &[f64]) {
        p.mu[0] = est[0];
    }
}

const Y: [f64; 5] = [0.5, -0.3, 1.2, 0.9, -0.4];

fn reference() -> Ar1 {
    Ar1 { phi: 0.8, q: 1.0, r: 0.5, p0: 1.0 / (1.0 - 0.64), learn_mu: false }
}

/// The Kalman filter's exact log-likelihood and final filtered mean and variance.
fn kalman(m: &Ar1, y: &[f64], p0: f64) -> (f64, f64, f64) {
    let (mut mean, mut p, mut ll) = (0.0, p0, 0.0);
    for &yt in y {
        let (mp, pp) = (m.phi * mean, m.phi * m.phi * p + m.q);
        let v = yt - mp;
        let s = pp + m.r;
        ll += -0.5 * ((2.0 * std::f64::consts::PI * s).ln() + v * v / s);
        let k = pp / s;
        mean = mp + k * v;
        p = (1.0 - k) * pp;
    }
    (ll, mean, p)
}

fn opts(particles: usize, seed: u64) -> FilterOptions {
    FilterOptions { particles, seed, resample_below: 2.0, liu_west: None }
}

#[test]
fn kalman_reference_values() {
    let m = reference();
    let (ll, mean, p) = kalman(&m, &Y, m.p0);
    assert!((ll + 7.2780321).abs() < 5e-7, "{ll}");
    assert!((mean + 0.091871).abs() < 5e-6 && (p - 0.355272).abs() < 5e-6, "{mean} {p}");
    let (ll1, ..) = kalman(&m, &Y, 1.0);
    assert!((ll1 + 7.0718202).abs() < 5e-7, "{ll1}");
}

/// As in §4.8, the particles start at x_0 ~ N(0, P0) and `rprocess` moves them to x_1 before
/// the first observation is weighed.
#[test]
fn the_filter_matches_the_kalman_log_likelihood() {
    let m = reference();
    let exact = kalman(&m, &Y, m.p0).0;
    let reps = 100;
    let lls: Vec<f64> = (0..reps).map(|s| pfilter(&m, &Y, &opts(1000, s)).unwrap().loglik).collect();
    let mean = lls.iter().sum::<f64>() / reps as f64;
    let sd = (lls.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / (reps - 1) as f64).sqrt();
    eprintln!("J = 1000, {reps} seeds: mean ℓ̂ {mean:.5} (exact {exact:.7}), sd {sd:.5}");
    // |mean ℓ̂ − ℓ| < 4·sd/√R + sd²/2 (Jensen's downward bias), §4.8's assertion.
    let tol = 4.0 * 0.061 / (reps as f64).sqrt() + 0.061f64.powi(2) / 2.0;
    assert!((mean - exact).abs() < tol, "mean ℓ̂ {mean} vs exact {exact} (tolerance {tol})");
    assert!(sd > 0.02 && sd < 0.12, "sd of ℓ̂ {sd} (the reference gives 0.061 at J = 1000)");
    // Unbiasedness of L̂: the mean of exp(ℓ̂ − ℓ) is 1 within Monte Carlo error.
    let ratio = lls.iter().map(|l| (l - exact).exp()).sum::<f64>() / reps as f64;
    assert!((ratio - 1.0).abs() < 0.05, "mean L̂/L = {ratio}");
    // The sd shrinks roughly like 1/√J.
    let small: Vec<f64> = (0..reps).map(|s| pfilter(&m, &Y, &opts(100, 1000 + s)).unwrap().loglik).collect();
    let ms = small.iter().sum::<f64>() / reps as f64;
    let sds = (small.iter().map(|l| (l - ms).powi(2)).sum::<f64>() / (reps - 1) as f64).sqrt();
    assert!(sds > 2.0 * sd && sds < 5.0 * sd, "sd at J = 100 {sds} vs J = 1000 {sd}");
}

#[test]
fn the_filter_mean_tracks_the_kalman_mean() {
    let m = reference();
    let (_, mean, p) = kalman(&m, &Y, m.p0);
    let j = 20_000;
    let f = pfilter(&m, &Y, &opts(j, 7)).unwrap();
    let fm: f64 = f.particles.iter().zip(&f.weights).map(|(x, w)| x.x * w).sum();
    assert!((fm - mean).abs() < 4.0 * (p / j as f64).sqrt() + 0.01, "filter mean {fm} vs {mean}");
    assert_eq!(f.steps.len(), 5);
    assert!(f.steps.iter().all(|s| s.resampled && !s.failed && s.ess >= 1.0 && s.ess <= j as f64));
}

#[test]
fn the_filter_is_bit_identical_for_any_thread_count() {
    let m = Ar1 { learn_mu: true, ..reference() };
    let o = FilterOptions { particles: 3000, seed: 42, resample_below: 0.5, liu_west: Some(0.95) };
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let f = pool.install(|| pfilter(&m, &Y, &o).unwrap());
        let xs: Vec<u64> = f.particles.iter().flat_map(|p| [p.x.to_bits(), p.mu[0].to_bits()]).collect();
        (f.loglik.to_bits(), xs, f.weights.iter().map(|w| w.to_bits()).collect::<Vec<_>>())
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(5));
}

#[test]
fn liu_west_learns_a_static_parameter_without_collapsing() {
    // Observations generated with μ = 1.5 on top of the AR(1) state: the posterior of μ moves
    // from the uniform prior on [−2, 2] toward 1.5 and keeps distinct values.
    let m = Ar1 { learn_mu: true, ..reference() };
    let mut rng = truce_forecast::run_rng(3, 0);
    let mut x: f64 = 0.0;
    let y: Vec<f64> = (0..60)
        .map(|_| {
            let (e, v): (f64, f64) = (StandardNormal.sample(&mut rng), StandardNormal.sample(&mut rng));
            x = 0.8 * x + e;
            x + 1.5 + 0.5f64.sqrt() * v
        })
        .collect();
    let o = FilterOptions { particles: 4000, seed: 9, resample_below: 0.5, liu_west: Some(0.98) };
    let f = pfilter(&m, &y, &o).unwrap();
    let mean: f64 = f.particles.iter().zip(&f.weights).map(|(p, w)| p.mu[0] * w).sum();
    assert!((mean - 1.5).abs() < 0.6, "posterior mean of μ {mean}");
    let mut mus: Vec<u64> = f.particles.iter().map(|p| p.mu[0].to_bits()).collect();
    mus.sort_unstable();
    mus.dedup();
    assert!(mus.len() > 1000, "only {} distinct values of μ: the cloud collapsed", mus.len());
    // Without rejuvenation the same filter keeps only a few of the initial values.
    let f0 = pfilter(&m, &y, &FilterOptions { liu_west: None, ..o }).unwrap();
    let mut mus0: Vec<u64> = f0.particles.iter().map(|p| p.mu[0].to_bits()).collect();
    mus0.sort_unstable();
    mus0.dedup();
    assert!(mus0.len() < mus.len() / 4, "{} vs {}", mus0.len(), mus.len());
}

/// Two static parameters, independent N(0, 1) and N(5, 2²) a priori; each observation y
/// is N(θ₀, 0.3²): the data inform the first, never the second.
struct Static;

impl Pomp for Static {
    type State = [f64; 2];
    type Obs = f64;
    type Work = ();
    fn workspace(&self) {}
    fn rinit(&self, _: &mut (), _slot: u64, rng: &mut ChaCha8Rng) -> [f64; 2] {
        let (u, v): (f64, f64) = (StandardNormal.sample(rng), StandardNormal.sample(rng));
        [u, 5.0 + 2.0 * v]
    }
    fn rprocess(&self, _: &mut (), _p: &mut [f64; 2], _t: usize, _rng: &mut ChaCha8Rng) {}
    fn dmeasure(&self, y: &f64, p: &[f64; 2], _t: usize) -> f64 {
        -0.5 * ((y - p[0]) / 0.3).powi(2)
    }
    fn params<'a>(&self, p: &'a [f64; 2]) -> &'a [f64] {
        p
    }
    fn set_params(&self, _: &mut (), p: &mut [f64; 2], est: &[f64]) {
        p.copy_from_slice(est);
    }
}

fn distinct(ps: &[[f64; 2]], k: usize) -> usize {
    let mut v: Vec<u64> = ps.iter().map(|p| p[k].to_bits()).collect();
    v.sort_unstable();
    v.dedup();
    v.len()
}

#[test]
fn the_kernel_moves_the_informed_parameter_and_leaves_the_other_as_resampled() {
    let j = 20_000;
    let o = FilterOptions { particles: j, seed: 4, resample_below: 0.5, liu_west: Some(0.98) };
    let start = pfilter(&Static, &[], &o).unwrap().particles;
    let y = [1.0; 20];
    let f = pfilter(&Static, &y, &o).unwrap();
    assert!(f.steps.iter().filter(|s| s.resampled).count() >= 2, "{:?}", f.steps);
    assert_eq!(f.informed, vec![true, false]);
    // The conjugate posterior of θ₀ after 20 observations of 1: precision 1 + 20/0.09.
    let w = &f.weights;
    let m: f64 = f.particles.iter().zip(w).map(|(p, w)| p[0] * w).sum();
    let v: f64 = f.particles.iter().zip(w).map(|(p, w)| (p[0] - m).powi(2) * w).sum();
    let prec = 1.0 + 20.0 / 0.09;
    assert!((m - 20.0 / 0.09 / prec).abs() < 0.02, "posterior mean of θ₀ {m} (exact {})", 20.0 / 0.09 / prec);
    assert!((v * prec - 1.0).abs() < 0.3, "posterior variance of θ₀ {v} (exact {})", 1.0 / prec);
    // θ₀ kept distinct values; θ₁ is only resampled: every value is one of the prior draws,
    // still about its prior.
    assert!(distinct(&f.particles, 0) > j / 2, "{} distinct θ₀", distinct(&f.particles, 0));
    let prior: std::collections::HashSet<u64> = start.iter().map(|p| p[1].to_bits()).collect();
    assert!(f.particles.iter().all(|p| prior.contains(&p[1].to_bits())));
    let m1: f64 = f.particles.iter().zip(w).map(|(p, w)| p[1] * w).sum();
    assert!((m1 - 5.0).abs() < 0.2, "θ₁'s mean {m1}");
    // Without rejuvenation θ₀ collapses onto a few prior draws.
    let f0 = pfilter(&Static, &y, &FilterOptions { liu_west: None, ..o }).unwrap();
    assert!(distinct(&f0.particles, 0) < distinct(&f.particles, 0) / 4);
    assert_eq!(f0.informed, Vec::<bool>::new());
}
