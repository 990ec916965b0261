//! The bootstrap particle filter (Gordon, Salmond & Smith 1993), generic over a [`Pomp`]
//! model: the AR(1) Kalman oracle of the tests and the fight–talk engine
//! ([`crate::assimilate`]) run through this same code. Reference: `forecast-evaluation.md`
//! §4.2 (the algorithm, adaptive resampling, filtering failures), §4.3 (systematic
//! resampling), §4.4 (Liu & West 2001 parameter rejuvenation, here with a diagonal kernel on
//! the parameters whose cloud has moved: `Kernel`) and §6 (determinism).
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
    /// Which static parameters the Liu–West kernel found informed and moved (`Kernel`);
    /// empty without rejuvenation, observations or parameters.
    pub informed: Vec<bool>,
    /// The last resampling's discarded particles, reused as storage by [`Filtered::equalise`]
    /// (`None` when the filter never resampled).
    spare: Option<Vec<S>>,
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
    let mut kernel = match opts.liu_west {
        Some(delta) if !ys.is_empty() => Kernel::new(model, &x, delta),
        _ => None,
    };
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
            if let Some(k) = kernel.as_mut() {
                k.rejuvenate(model, &mut x, seed, t as u64);
            }
        }
        steps.push(Step { loglik: lt, ess: e, resampled: resample, failed: false });
    }
    let informed = kernel.map_or(Vec::new(), |k| k.informed);
    Ok(Filtered { particles: x, weights, loglik: total, steps, failures, informed, spare: next })
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
    /// from its own stream, (seed, resample, `step`, 0). Returns whether it resampled. Frees
    /// the filter's spare particles.
    pub fn equalise(&mut self, seed: u64, step: u64) -> bool {
        let j = self.particles.len();
        let flat = 1.0 / j as f64;
        // Freed here either way: the particles go on to the horizon without it.
        let mut spare = self.spare.take();
        if self.weights.iter().all(|&w| w == flat) {
            return false;
        }
        let u: f64 = stream(seed, Purpose::Resample, step, 0).random();
        let mut a = vec![0usize; j];
        systematic(&self.weights, u, &mut a);
        // As a resampling inside the filter: each ancestor's first child takes it, only the
        // further children are copied, into the last resampling's discarded particles.
        resample_into(&mut self.particles, &mut spare, &a);
        self.weights.iter_mut().for_each(|w| *w = flat);
        true
    }
}

/// How far (in the prior cloud's standard deviations) a parameter's mean or standard deviation
/// must have moved from the starting cloud's for the rejuvenation to move it ([`Kernel`]).
pub const INFORMED: f64 = 0.1;

/// Liu–West rejuvenation with a **diagonal kernel on the informed parameters** (Liu & West
/// 2001, `forecast-evaluation.md` §4.4, restricted): after a resampling (equal weights) each
/// slot's parameter k, if informed, moves to a θ_k + (1 − a) θ̄_k + h σ_k ε_k, with θ̄_k and σ_k²
/// the particles' mean and variance of that parameter and ε_k standard normal from the slot's
/// jitter stream; a parameter not (yet) informed keeps its resampled value.
///
/// Informed: its cloud has moved — its mean has left the starting cloud's by more than
/// [`INFORMED`] starting standard deviations, or its standard deviation has changed by more
/// than that fraction, at this or an earlier resampling (once informed, always). Found from
/// the cloud alone, whatever the model. A cloud moves because the weights favour some values
/// (the data inform the parameter) or because the resamplings' genealogy has thinned it
/// (degeneracy, what rejuvenation exists to repair): either way it is then moved. With few
/// particles the genealogy moves every cloud soon and the rule moves almost every parameter;
/// with many it moves mostly what the data move (the default scenario, 30 weekly area rows,
/// of its 102 parameters: read as levels, 7 at 100,000 particles, 12 at 20,000, 85 at 2,000;
/// as a cumulative series, resampled at 27 steps, 18, 78 and 102).
///
/// As the full kernel, it keeps each moved parameter's mean and variance (a² + h² = 1) and
/// gives duplicated particles distinct values where the data concentrate them; its noise is
/// N(0, diag V) on the informed coordinates, so their covariances shrink by a² (0.98 at δ =
/// 0.98) per resampling except where the weights rebuild them. A parameter the data do not
/// move is left as resampled: its values are the surviving ancestors' draws from the prior,
/// which is its posterior. Why not the full kernel: with about a hundred parameters its
/// covariance and L·ε cost d² per particle and resampling, and each moved parameter costs a Φ,
/// a quantile and a guard; they made a filtered forecast almost three times an unconditioned
/// one (`docs/observations.md`, "Cost").
struct Kernel {
    /// Liu & West's a and h.
    a: f64,
    h: f64,
    /// The starting cloud's mean and standard deviation of each parameter.
    mean0: Vec<f64>,
    sd0: Vec<f64>,
    /// Whether each parameter has been found informed.
    informed: Vec<bool>,
}

impl Kernel {
    /// The kernel of discount `delta` for the starting particles `x`; `None` when they carry
    /// no parameter.
    fn new<M: Pomp>(model: &M, x: &[M::State], delta: f64) -> Option<Kernel> {
        let d = model.params(x.first()?).len();
        if d == 0 {
            return None;
        }
        let zero = vec![0.0; d];
        let (mean0, sd0) = moments(x, &zero, |p| model.params(p));
        let (a, h) = liu_west_constants(delta);
        Some(Kernel { a, h, mean0, sd0, informed: vec![false; d] })
    }

    /// Rejuvenates the equally weighted particles `x` after the resampling of `step`.
    fn rejuvenate<M: Pomp>(&mut self, model: &M, x: &mut [M::State], seed: u64, step: u64) {
        let (mean, sd) = moments(x, &self.mean0, |p| model.params(p));
        for (k, inf) in self.informed.iter_mut().enumerate() {
            let s0 = self.sd0[k];
            *inf |= s0 > 0.0 && ((mean[k] - self.mean0[k]).abs() > INFORMED * s0 || (sd[k] - s0).abs() > INFORMED * s0);
        }
        if !self.informed.iter().any(|&i| i) {
            return;
        }
        let (a, h) = (self.a, self.h);
        // (k, shrunk mean, noise scale) of the parameters that move.
        let moved: Vec<(usize, f64, f64)> =
            (0..mean.len()).filter(|&k| self.informed[k]).map(|k| (k, (1.0 - a) * mean[k], h * sd[k])).collect();
        let d = mean.len();
        x.par_iter_mut().enumerate().for_each_init(
            || (model.workspace(), vec![0.0; d]),
            |(w, th), (s, p)| {
                let mut rng = stream(seed, Purpose::Jitter, step, s as u64);
                th.copy_from_slice(model.params(p));
                for &(k, m, scale) in &moved {
                    let e: f64 = StandardNormal.sample(&mut rng);
                    th[k] = a * th[k] + m + scale * e;
                }
                model.set_params(w, p, th);
            },
        );
    }
}

/// Slots per block of the rejuvenation's sums (fixed: the blocks, not the threads, set the
/// order of the additions).
const SUM_BLOCK: usize = 1024;

/// Per-coordinate mean and standard deviation (divisor n) of the equally weighted `d`-vectors
/// `f(x[s])`, `d` = `shift.len()`, in one pass of sums of (v − shift) and its square (a shift
/// near the mean keeps the variance's digits); summed in parallel over fixed blocks of slots,
/// in slot order within a block, the blocks then added in block order: the result does not
/// depend on the thread count.
fn moments<T: Sync>(x: &[T], shift: &[f64], f: impl Fn(&T) -> &[f64] + Sync) -> (Vec<f64>, Vec<f64>) {
    let d = shift.len();
    let partial: Vec<Vec<f64>> = x
        .par_chunks(SUM_BLOCK)
        .map(|block| {
            let mut acc = vec![0.0; 2 * d];
            let (s1, s2) = acc.split_at_mut(d);
            for p in block {
                for (((a, b), v), c) in s1.iter_mut().zip(s2.iter_mut()).zip(f(p)).zip(shift) {
                    let e = v - c;
                    *a += e;
                    *b += e * e;
                }
            }
            acc
        })
        .collect();
    let mut total = vec![0.0; 2 * d];
    for b in &partial {
        for (t, v) in total.iter_mut().zip(b) {
            *t += v;
        }
    }
    let n = x.len().max(1) as f64;
    let (s1, s2) = total.split_at(d);
    let mean = s1.iter().zip(shift).map(|(s, c)| c + s / n).collect();
    let sd = s1.iter().zip(s2).map(|(a, b)| (b / n - (a / n) * (a / n)).max(0.0).sqrt()).collect();
    (mean, sd)
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
    fn moments_test_values() {
        let rows: Vec<[f64; 2]> = vec![[1.0, 10.0], [2.0, 10.0], [3.0, 10.0], [6.0, 10.0]];
        for shift in [[0.0, 0.0], [2.5, 10.0]] {
            let (m, sd) = moments(&rows, &shift, |r| &r[..]);
            assert!((m[0] - 3.0).abs() < 1e-15 && m[1] == 10.0, "{m:?}");
            assert!((sd[0] - 3.5f64.sqrt()).abs() < 1e-14 && sd[1] == 0.0, "{sd:?}");
        }
        // Far from 0 with little spread: shifted by the mean, the spread keeps its digits.
        let rows: Vec<[f64; 1]> = vec![[1e9 + 1.0], [1e9 - 1.0]];
        let (m, sd) = moments(&rows, &[1e9], |r| &r[..]);
        assert_eq!((m[0], sd[0]), (1e9, 1.0));
    }

    /// Particles that are their own parameters (for the kernel alone).
    struct Cloud;

    impl Pomp for Cloud {
        type State = [f64; 2];
        type Obs = ();
        type Work = ();
        fn workspace(&self) {}
        fn rinit(&self, _: &mut (), _slot: u64, rng: &mut ChaCha8Rng) -> [f64; 2] {
            let (u, v): (f64, f64) = (StandardNormal.sample(rng), StandardNormal.sample(rng));
            // Means 0 and 5, sds 1 and 2, correlation 0.6.
            [u, 5.0 + 2.0 * (0.6 * u + 0.8 * v)]
        }
        fn rprocess(&self, _: &mut (), _p: &mut [f64; 2], _t: usize, _rng: &mut ChaCha8Rng) {}
        fn dmeasure(&self, _y: &(), _p: &[f64; 2], _t: usize) -> f64 {
            0.0
        }
        fn params<'a>(&self, p: &'a [f64; 2]) -> &'a [f64] {
            p
        }
        fn set_params(&self, _: &mut (), p: &mut [f64; 2], est: &[f64]) {
            p.copy_from_slice(est);
        }
    }

    #[test]
    fn the_kernel_keeps_each_moved_parameters_mean_and_variance() {
        let j = 20_000;
        let mut x: Vec<[f64; 2]> =
            (0..j).map(|s| Cloud.rinit(&mut (), s, &mut stream(4, Purpose::Init, 0, s))).collect();
        let start = x.clone();
        let mut k = Kernel::new(&Cloud, &x, 0.98).unwrap();
        // Nothing has moved the cloud: nothing is informed and nothing moves.
        k.rejuvenate(&Cloud, &mut x, 4, 0);
        assert_eq!((k.informed.clone(), &x), (vec![false, false], &start));
        // Both informed: 20 rejuvenations of the same cloud.
        k.informed = vec![true, true];
        for step in 1..=20 {
            k.rejuvenate(&Cloud, &mut x, 4, step);
        }
        let zero = [0.0; 2];
        let ((m0, s0), (m, s)) = (moments(&start, &zero, |p| &p[..]), moments(&x, &zero, |p| &p[..]));
        for i in 0..2 {
            // Each step adds h² = 0.0203 of the variance as noise: the mean moves by about
            // √(20 · 0.0203 / J) sds, the variance by a few times √(2/J) of itself.
            assert!((m[i] - m0[i]).abs() < 5.0 * s0[i] * (20.0 * 0.0203 / j as f64).sqrt(), "{i}: {m0:?} → {m:?}");
            assert!(((s[i] / s0[i]).powi(2) - 1.0).abs() < 0.06, "{i}: {s0:?} → {s:?}");
        }
        assert!(x.iter().zip(&start).all(|(p, q)| p[0] != q[0] && p[1] != q[1]));
        // The covariance shrinks by a² per step: the correlation 0.6 goes to 0.6 a⁴⁰ ≈ 0.40.
        let r = |c: &[[f64; 2]], m: &[f64], s: &[f64]| {
            c.iter().map(|p| (p[0] - m[0]) * (p[1] - m[1])).sum::<f64>() / j as f64 / (s[0] * s[1])
        };
        let (r0, r20) = (r(&start, &m0, &s0), r(&x, &m, &s));
        let want = r0 * liu_west_constants(0.98).0.powi(40);
        assert!((r20 - want).abs() < 0.03, "correlation {r0} → {r20}, expected about {want}");
    }
}
