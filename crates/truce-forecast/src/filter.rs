//! The bootstrap particle filter (Gordon, Salmond & Smith 1993), generic over a [`Pomp`]
//! model: the AR(1) Kalman oracle of the tests and the fight–talk engine
//! ([`crate::assimilate`]) run through this same code. Reference: `forecast-evaluation.md`
//! §4.2 (the algorithm, adaptive resampling, filtering failures), §4.3 (systematic
//! resampling), §4.4 (Liu & West 2001 parameter rejuvenation) and §6 (determinism).
//!
//! Determinism, whatever the thread count: every random stream is keyed by the master seed,
//! a purpose, the step and the **child slot** that receives the result ([`stream`]), never by
//! a thread or an ancestor; resampling uses one uniform per step from its own stream; every
//! reduction over particles (max, Σ exp, cumulative weights, means, covariances, ESS) runs
//! sequentially in slot order. Particles are propagated and weighted in parallel on the
//! caller's rayon pool, each writing only its own slot.
//!
//! The log-likelihood estimate uses the carried normalised weights (adaptive resampling):
//! ℓ_t = log Σ_j W_{t−1}^j g(y_t | x_t^j), so exp(ℓ) is unbiased for the likelihood. A step
//! where every particle has likelihood 0 is a *filtering failure*: it is counted, ℓ_t is set
//! to log([`FAILURE_TOL`]) and the particles and weights are kept (pomp's rule).
//!
//! This module does no I/O, reads no clock and spawns no threads of its own.

use crate::hash::Fnv1a;
use crate::pomp::Pomp;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use serde::Serialize;

/// pomp's `tol`: the likelihood a step is given when every particle is lost.
pub const FAILURE_TOL: f64 = 1e-17;

/// What a random stream is for (mixed into its key, so streams of different purposes never
/// coincide).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Drawing particles at time zero.
    Init,
    /// Propagating to an observation (or to the end).
    Propagate,
    /// The one uniform of a systematic resampling.
    Resample,
    /// The rejuvenation kernel's normal draws.
    Jitter,
}

/// The stream for (seed, purpose, step, slot): ChaCha8 keyed by an FNV-1a hash of (seed,
/// purpose, step), on stream number `slot`. Keyed by the child slot that receives the result
/// (§6): which thread runs it, or which ancestor the slot copied, changes nothing.
pub fn stream(seed: u64, purpose: Purpose, step: u64, slot: u64) -> ChaCha8Rng {
    let key = Fnv1a::new()
        .bytes(b"truce-filter")
        .bytes(&seed.to_le_bytes())
        .bytes(&[purpose as u8])
        .bytes(&step.to_le_bytes())
        .finish();
    let mut rng = ChaCha8Rng::seed_from_u64(key);
    rng.set_stream(slot);
    rng
}

/// Options of a filter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FilterOptions {
    /// Number of particles J (≥ 1).
    pub particles: usize,
    /// Master seed of every stream.
    pub seed: u64,
    /// Resample when ESS < `resample_below` × J (0.5 is customary; above 1: every step).
    pub resample_below: f64,
    /// Liu–West discount δ ∈ (0, 1] for rejuvenating the particles' static parameters after
    /// each resampling; `None`: no rejuvenation.
    pub liu_west: Option<f64>,
}

/// What one observation step did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Step {
    /// The conditional log-likelihood ℓ_t.
    pub loglik: f64,
    /// The effective sample size after weighting (1/Σ W², in [1, J]).
    pub ess: f64,
    /// Whether the particles were resampled (and rejuvenated) after this step.
    pub resampled: bool,
    /// Whether every particle was lost (a filtering failure).
    pub failed: bool,
}

/// The filter's result: the particles at the last observation with their normalised weights,
/// and the log-likelihood estimate.
#[derive(Debug, Clone)]
pub struct Filtered<S> {
    /// The particles, by slot.
    pub particles: Vec<S>,
    /// Their normalised weights (sum 1).
    pub weights: Vec<f64>,
    /// log L̂ = Σ_t ℓ_t.
    pub loglik: f64,
    /// Per observation step.
    pub steps: Vec<Step>,
    /// Number of filtering failures.
    pub failures: usize,
}

/// Why a filter could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FilterError {
    /// No particles.
    #[error("the number of particles must be at least 1")]
    NoParticles,
    /// A bad option value.
    #[error("{0}")]
    Option(String),
    /// The model's measurement density was NaN or +∞.
    #[error("observation {step}: the measurement density of particle {slot} is {value}, not a log-density")]
    Density {
        /// Observation index.
        step: usize,
        /// Particle slot.
        slot: usize,
        /// The bad value.
        value: f64,
    },
}

/// Effective sample size of normalised weights, 1/Σ w² (summed in index order).
pub fn ess(w: &[f64]) -> f64 {
    let mut s = 0.0;
    for &x in w {
        s += x * x;
    }
    1.0 / s
}

/// Systematic resampling (§4.3): with normalised weights `w` and one uniform `u` ∈ [0, 1),
/// writes into `out` (length N) the ancestor of each slot: the smallest i with (k + u)/N <
/// c_i, c the cumulative weights summed in index order; the guard at N − 1 is pomp's fix for
/// cumulative sums that end slightly below 1. Ancestors come out non-decreasing, and index i
/// appears ⌊N w_i⌋ or ⌈N w_i⌉ times.
pub fn systematic(w: &[f64], u: f64, out: &mut [usize]) {
    let n = w.len();
    let mut i = 0;
    let mut ci = w.first().copied().unwrap_or(0.0);
    for (k, o) in out.iter_mut().enumerate() {
        let p = (k as f64 + u) / n as f64;
        while i + 1 < n && p >= ci {
            i += 1;
            ci += w[i];
        }
        *o = i;
    }
}

/// Liu & West's shrinkage a = (3δ − 1)/(2δ) and kernel scale h = √(1 − a²) for a discount
/// δ ∈ (0, 1].
pub fn liu_west_constants(delta: f64) -> (f64, f64) {
    let a = (3.0 * delta - 1.0) / (2.0 * delta);
    (a, (1.0 - a * a).max(0.0).sqrt())
}

/// Runs the bootstrap filter of `model` through the observations `ys`, on the caller's rayon
/// pool; bit-identical for any thread count.
pub fn pfilter<M: Pomp>(model: &M, ys: &[M::Obs], opts: &FilterOptions) -> Result<Filtered<M::State>, FilterError> {
    let j = opts.particles;
    if j == 0 {
        return Err(FilterError::NoParticles);
    }
    if opts.resample_below.is_nan() || opts.resample_below < 0.0 {
        return Err(FilterError::Option(format!("resample_below must be ≥ 0, not {}", opts.resample_below)));
    }
    if let Some(d) = opts.liu_west {
        if !(d > 0.0 && d <= 1.0) {
            return Err(FilterError::Option(format!("the Liu–West discount must lie in (0, 1], not {d}")));
        }
    }
    let seed = opts.seed;
    let mut x: Vec<M::State> = (0..j)
        .into_par_iter()
        .map_init(|| model.workspace(), |w, s| model.rinit(w, s as u64, &mut stream(seed, Purpose::Init, 0, s as u64)))
        .collect();
    let mut weights = vec![1.0 / j as f64; j];
    let mut logl = vec![0.0; j];
    let mut ancestors = vec![0usize; j];
    let mut next: Option<Vec<M::State>> = None;
    let mut steps = Vec::with_capacity(ys.len());
    let mut total = 0.0;
    let mut failures = 0;
    for (t, y) in ys.iter().enumerate() {
        x.par_iter_mut().zip(logl.par_iter_mut()).enumerate().for_each_init(
            || model.workspace(),
            |w, (s, (xs, l))| {
                model.rprocess(w, xs, t, &mut stream(seed, Purpose::Propagate, t as u64, s as u64));
                *l = model.dmeasure(y, xs, t);
            },
        );
        let mut m = f64::NEG_INFINITY;
        for (s, &l) in logl.iter().enumerate() {
            if l.is_nan() || l == f64::INFINITY {
                return Err(FilterError::Density { step: t, slot: s, value: l });
            }
            m = m.max(l);
        }
        if m == f64::NEG_INFINITY {
            failures += 1;
            let lt = FAILURE_TOL.ln();
            total += lt;
            steps.push(Step { loglik: lt, ess: ess(&weights), resampled: false, failed: true });
            continue;
        }
        let mut sum = 0.0;
        for (w, &l) in weights.iter_mut().zip(&logl) {
            *w *= (l - m).exp();
            sum += *w;
        }
        let lt = m + sum.ln();
        total += lt;
        for w in weights.iter_mut() {
            *w /= sum;
        }
        let e = ess(&weights);
        let resample = e < opts.resample_below * j as f64;
        if resample {
            let u: f64 = stream(seed, Purpose::Resample, t as u64, 0).random();
            systematic(&weights, u, &mut ancestors);
            resample_into(&mut x, &mut next, &ancestors);
            weights.iter_mut().for_each(|w| *w = 1.0 / j as f64);
            if let Some(delta) = opts.liu_west {
                rejuvenate(model, &mut x, delta, seed, t as u64);
            }
        }
        steps.push(Step { loglik: lt, ess: e, resampled: resample, failed: false });
    }
    Ok(Filtered { particles: x, weights, loglik: total, steps, failures })
}

/// Replaces the particles `x` by their ancestors' copies (`ancestors[s]` for slot `s`, non-
/// decreasing as [`systematic`] writes them), reusing `spare`, the previous resampling's
/// discarded particles, as the new slots' storage. Each ancestor's first child takes the
/// ancestor itself (a swap, no copy) and only its further children are cloned, in parallel,
/// so that a resampling copies the duplicates and nothing else. The first resampling, with
/// no spare particles yet, clones every slot once.
fn resample_into<S: Clone + Send + Sync>(x: &mut Vec<S>, spare: &mut Option<Vec<S>>, ancestors: &[usize]) {
    let Some(buf) = spare.as_mut() else {
        *spare = Some(ancestors.par_iter().map(|&a| x[a].clone()).collect());
        std::mem::swap(x, spare.as_mut().expect("set above"));
        return;
    };
    let first = |s: usize| s == 0 || ancestors[s] != ancestors[s - 1];
    // The further children first, while every ancestor is still in `x`.
    buf.par_iter_mut().zip(ancestors.par_iter()).enumerate().for_each(|(s, (n, &a))| {
        if !first(s) {
            n.clone_from(&x[a]);
        }
    });
    // Then each first child takes its ancestor (distinct ancestors: a swap each).
    for (s, &a) in ancestors.iter().enumerate() {
        if first(s) {
            std::mem::swap(&mut buf[s], &mut x[a]);
        }
    }
    std::mem::swap(x, buf);
}

impl<S: Clone + Send + Sync> Filtered<S> {
    /// Makes the weights equal by one more systematic resampling when they are not already
    /// (an equally weighted ensemble is what a forecast's counts need); its uniform comes
    /// from its own stream, (seed, resample, `step`, 0). Returns whether it resampled.
    pub fn equalise(&mut self, seed: u64, step: u64) -> bool {
        let j = self.particles.len();
        let flat = 1.0 / j as f64;
        if self.weights.iter().all(|&w| w == flat) {
            return false;
        }
        let u: f64 = stream(seed, Purpose::Resample, step, 0).random();
        let mut a = vec![0usize; j];
        systematic(&self.weights, u, &mut a);
        // One parallel copy of each chosen ancestor (a serial clone of every particle first
        // would copy them all twice).
        self.particles = a.par_iter().map(|&i| self.particles[i].clone()).collect();
        self.weights.iter_mut().for_each(|w| *w = flat);
        true
    }
}

/// Slots per block of the rejuvenation's covariance sum (fixed: the blocks, not the threads,
/// set the order of the additions).
const COV_BLOCK: usize = 1024;

/// Liu–West rejuvenation after a resampling (equal weights): each slot's parameters move to
/// a θ + (1 − a) θ̄ + h L ε, with θ̄ and V = L Lᵀ the particles' mean and covariance (summed in
/// slot order) and ε standard normal from the slot's jitter stream. Keeps the cloud's mean
/// and variance while giving duplicated particles distinct parameters.
fn rejuvenate<M: Pomp>(model: &M, x: &mut [M::State], delta: f64, seed: u64, step: u64) {
    let d = match x.first() {
        Some(p) => model.params(p).len(),
        None => 0,
    };
    if d == 0 {
        return;
    }
    let n = x.len() as f64;
    let mut mean = vec![0.0; d];
    for p in x.iter() {
        for (m, v) in mean.iter_mut().zip(model.params(p)) {
            *m += v;
        }
    }
    mean.iter_mut().for_each(|m| *m /= n);
    // The lower triangle of Σ (θ − θ̄)(θ − θ̄)ᵀ: in parallel over fixed blocks of slots (each
    // summed in slot order, one contiguous row at a time), the blocks then added in block
    // order, so the result does not depend on the thread count.
    let partial: Vec<Vec<f64>> = x
        .par_chunks(COV_BLOCK)
        .map(|block| {
            let mut cov = vec![0.0; d * d];
            let mut dev = vec![0.0; d];
            for p in block {
                for ((e, t), m) in dev.iter_mut().zip(model.params(p)).zip(&mean) {
                    *e = t - m;
                }
                for r in 0..d {
                    axpy(&mut cov[r * d..r * d + r + 1], dev[r], &dev[..r + 1]);
                }
            }
            cov
        })
        .collect();
    let mut cov = vec![0.0; d * d];
    for block in &partial {
        for (c, b) in cov.iter_mut().zip(block) {
            *c += b;
        }
    }
    for r in 0..d {
        for c in 0..=r {
            cov[r * d + c] /= n;
            cov[c * d + r] = cov[r * d + c];
        }
    }
    let l = cholesky(&cov, d);
    // Lᵀ, so that column c of L is contiguous: L ε is accumulated column by column, every
    // row's sum still in column order (the same additions as a row's dot product, bit for
    // bit), but the rows' sums are independent lanes the compiler vectorises instead of one
    // chain of dependent additions per row.
    let mut lt = vec![0.0; d * d];
    for r in 0..d {
        for c in 0..=r {
            lt[c * d + r] = l[r * d + c];
        }
    }
    let (a, h) = liu_west_constants(delta);
    x.par_iter_mut().enumerate().for_each_init(
        || (model.workspace(), vec![0.0; d], vec![0.0; d], vec![0.0; d]),
        |(w, eps, z, th), (s, p)| {
            let mut rng = stream(seed, Purpose::Jitter, step, s as u64);
            for e in eps.iter_mut() {
                *e = StandardNormal.sample(&mut rng);
            }
            z.iter_mut().for_each(|v| *v = 0.0);
            for (c, &e) in eps.iter().enumerate() {
                // z[r] += L[r][c] ε[c] for the rows r ≥ c (L is lower triangular).
                axpy(&mut z[c..], e, &lt[c * d + c..(c + 1) * d]);
            }
            let old = model.params(p);
            for r in 0..d {
                th[r] = a * old[r] + (1.0 - a) * mean[r] + h * z[r];
            }
            model.set_params(w, p, th);
        },
    );
}

/// y ← y + a·x, element by element (each y[i] gets exactly `y[i] + a * x[i]`, so the result
/// is the plain loop's bit for bit), four lanes at a time so that the compiler vectorises
/// it: the rejuvenation's covariance and kernel are d² of these per particle.
fn axpy(y: &mut [f64], a: f64, x: &[f64]) {
    let n = y.len().min(x.len());
    let (y, x) = (&mut y[..n], &x[..n]);
    let mut yc = y.chunks_exact_mut(4);
    let mut xc = x.chunks_exact(4);
    for (yv, xv) in (&mut yc).zip(&mut xc) {
        yv[0] += a * xv[0];
        yv[1] += a * xv[1];
        yv[2] += a * xv[2];
        yv[3] += a * xv[3];
    }
    for (yv, xv) in yc.into_remainder().iter_mut().zip(xc.remainder()) {
        *yv += a * xv;
    }
}

/// The lower Cholesky factor of a symmetric positive semi-definite d×d matrix (row-major);
/// a pivot that is not positive (a parameter without spread, or collinear ones) gives a zero
/// column, so the kernel does not move along it.
fn cholesky(a: &[f64], d: usize) -> Vec<f64> {
    let mut l = vec![0.0; d * d];
    for r in 0..d {
        for c in 0..=r {
            let mut s = a[r * d + c];
            for k in 0..c {
                s -= l[r * d + k] * l[c * d + k];
            }
            if r == c {
                l[r * d + r] = if s > 1e-300 { s.sqrt() } else { 0.0 };
            } else {
                l[r * d + c] = if l[c * d + c] > 0.0 { s / l[c * d + c] } else { 0.0 };
            }
        }
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn systematic_resampling_test_values() {
        let w = [0.1, 0.2, 0.3, 0.4];
        let mut out = [0usize; 4];
        for (u, want) in [(0.5, [1, 2, 3, 3]), (0.0, [0, 1, 2, 3]), (0.9, [1, 2, 3, 3])] {
            systematic(&w, u, &mut out);
            assert_eq!(out, want, "u = {u}");
        }
        // The guard: cumulative weights that end below 1 never run past the last index.
        let w = [0.3, 0.3, 0.3999999];
        let mut out = [0usize; 3];
        systematic(&w, 0.999_999, &mut out);
        assert_eq!(out[2], 2);
    }

    #[test]
    fn ess_and_liu_west_test_values() {
        assert!((ess(&[0.1, 0.2, 0.3, 0.4]) - 1.0 / 0.30).abs() < 1e-12);
        assert!((ess(&[0.25; 4]) - 4.0).abs() < 1e-12);
        for (delta, a, h) in [(0.95, 0.973684, 0.227901), (0.98, 0.989796, 0.142492), (0.99, 0.994949, 0.100377)] {
            let (ga, gh) = liu_west_constants(delta);
            assert!((ga - a).abs() < 5e-7 && (gh - h).abs() < 5e-7, "δ = {delta}: {ga} {gh}");
        }
    }

    #[test]
    fn axpy_is_the_plain_loop_bit_for_bit() {
        for n in 0..11 {
            let x: Vec<f64> = (0..n).map(|i| 0.1 * i as f64 - 0.37).collect();
            let mut y: Vec<f64> = (0..n).map(|i| 1.0 / (i as f64 + 3.0)).collect();
            let mut want = y.clone();
            for (w, v) in want.iter_mut().zip(&x) {
                *w += 0.731 * v;
            }
            axpy(&mut y, 0.731, &x);
            assert_eq!(
                y.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                want.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn cholesky_factors_and_tolerates_a_flat_direction() {
        let a = [4.0, 2.0, 2.0, 3.0];
        let l = cholesky(&a, 2);
        assert!((l[0] - 2.0).abs() < 1e-12 && (l[2] - 1.0).abs() < 1e-12 && (l[3] - 2f64.sqrt()).abs() < 1e-12);
        let l = cholesky(&[0.0, 0.0, 0.0, 1.0], 2);
        assert_eq!(l, vec![0.0, 0.0, 0.0, 1.0]);
    }
}
