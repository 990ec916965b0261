//! ABC-SMC (population Monte Carlo), generic over an [`AbcModel`]: Beaumont, Cornuet, Marin &
//! Robert (2009) and Toni et al. (2009), as written in `forecast-evaluation.md` §3.3. The
//! normal–normal oracle of the tests (§3.9) and the fight–talk engine
//! ([`crate::calibration`]) run through this same code.
//!
//! Generation 0 draws every particle from the prior (tolerance ∞). Generation t ≥ 1 sets its
//! tolerance ε_t to the weighted α-quantile of the previous generation's distances (never
//! below [`AbcOptions::eps_min`]), and fills each slot by proposing θ* = θ_j + L·z (j drawn by
//! the previous weights, L the Cholesky factor of **twice** the previous generation's weighted
//! covariance, [`AbcOptions::kernel_scale`]), rejecting a θ* outside the prior's support (π(θ*) = 0) without simulating,
//! and simulating until a distance ≤ ε_t; the new weight is π(θ*) / Σ_j w_j N(θ*; θ_j, Σ_t),
//! whose kernel is exactly the proposal's. Distances are Euclidean over summaries scaled per
//! summary ([`ScaleRule`]: a fixed scale, or 1.4826 × the MAD of generation 0's simulations
//! around their median, floored), fixed after generation 0 so that every ε is on one scale.
//!
//! Stopping (each rule deterministic, never a clock): ε reaches `eps_min`, the acceptance
//! rate of a generation falls below `min_acceptance`, the generation cap, or a slot that
//! needs more than `max_attempts` proposals or its share of what is left of
//! `max_simulations` — then that generation is discarded and the previous one is the result.
//!
//! Determinism, whatever the thread count (§3.7, §6): slot i of generation t draws from its
//! own stream keyed by (seed, t, i) ([`stream`]); its attempts consume that stream in order;
//! slots run in parallel on the caller's rayon pool, each writing only its own entry;
//! quantiles (a stable sort on (distance, slot)), means, covariances, ESS and the weights'
//! normalisation are sequential reductions in slot order. No I/O, no clock, no threads of
//! its own.

use crate::hash::Fnv1a;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};

/// How one summary is scaled in the distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ScaleRule {
    /// Divide by this fixed scale (> 0).
    Fixed(f64),
    /// Divide by 1.4826 × the MAD of generation 0's simulated values, at least `floor` (> 0).
    Mad {
        /// The smallest scale (e.g. the observation's measurement sd).
        floor: f64,
    },
}

/// A simulator with a prior: what ABC-SMC needs of a model.
///
/// Implementations must be pure: randomness only from the generator handed in, no I/O, and a
/// workspace that carries nothing from one simulation to the next that could change a result.
pub trait AbcModel: Sync {
    /// A per-thread workspace.
    type Work: Send;
    /// A fresh workspace.
    fn workspace(&self) -> Self::Work;
    /// The number of parameters (θ's length, ≥ 1).
    fn dim(&self) -> usize;
    /// The observed summaries.
    fn observed(&self) -> &[f64];
    /// How summary `k` is scaled.
    fn scale(&self, k: usize) -> ScaleRule;
    /// Draws θ from the prior into `theta`.
    fn sample_prior(&self, rng: &mut ChaCha8Rng, theta: &mut [f64]);
    /// The prior's log density at θ up to a constant; `f64::NEG_INFINITY` outside its support.
    fn log_prior(&self, theta: &[f64]) -> f64;
    /// Simulates the summaries under θ into `out` (length `observed().len()`).
    fn simulate(&self, work: &mut Self::Work, theta: &[f64], rng: &mut ChaCha8Rng, out: &mut [f64]);
}

/// The options of a calibration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AbcOptions {
    /// Particles per generation (≥ 2).
    pub particles: usize,
    /// The most generations after generation 0 (≥ 1).
    pub generations: usize,
    /// Master seed.
    pub seed: u64,
    /// The tolerance quantile α ∈ (0, 1) (0.5: pyABC's median).
    pub alpha: f64,
    /// Stop once ε reaches this (ε never goes below it).
    pub eps_min: f64,
    /// Stop after a generation whose acceptance rate is below this.
    pub min_acceptance: f64,
    /// The most proposals one slot may make in a generation; beyond it the generation is
    /// discarded and the calibration stops.
    pub max_attempts: u64,
    /// The kernel's covariance as a multiple of the previous generation's weighted
    /// covariance: 2 is Beaumont et al.'s; smaller values keep more effective particles when
    /// many parameters are barely informed by the data (the weights π/q then vary less), at
    /// the cost of smaller moves.
    pub kernel_scale: f64,
    /// The most simulations in all (generation 0 included): a generation's slots may make at
    /// most (what is left) / particles proposals each, so the total never exceeds it.
    pub max_simulations: u64,
}

impl Default for AbcOptions {
    fn default() -> Self {
        AbcOptions {
            particles: 1000,
            generations: 8,
            seed: 1,
            alpha: 0.5,
            eps_min: 0.0,
            min_acceptance: 0.01,
            max_attempts: 2000,
            kernel_scale: 2.0,
            max_simulations: u64::MAX,
        }
    }
}

/// One generation, as reported.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Generation {
    /// 0 is the prior.
    pub index: usize,
    /// The tolerance ε (∞ for generation 0: serialised as null).
    pub tolerance: f64,
    /// Effective sample size of the weights (1/Σ w²).
    pub ess: f64,
    /// Particles / proposals (proposals outside the prior's support count).
    pub acceptance_rate: f64,
    /// Simulations run (proposals inside the support).
    pub simulations: u64,
}

/// Why the calibration stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// The generation cap.
    Generations,
    /// ε reached `eps_min`.
    Tolerance,
    /// A generation's acceptance rate fell below `min_acceptance`.
    Acceptance,
    /// A slot needed more than `max_attempts` proposals (that generation was discarded).
    Attempts,
    /// The simulation budget left too few proposals for a generation (or a slot used up its
    /// share: that generation was discarded).
    Budget,
    /// The weighted covariance of the particles had collapsed (every particle the same).
    Degenerate,
}

/// The last population and the history.
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    /// Particles × dim, row-major.
    pub theta: Vec<f64>,
    /// Normalised weights (sum 1).
    pub weights: Vec<f64>,
    /// Each particle's (scaled) distance.
    pub distances: Vec<f64>,
    /// Each particle's simulated summaries (particles × summaries, row-major): the posterior
    /// predictive at the observations.
    pub summaries: Vec<f64>,
    /// The parameters' number.
    pub dim: usize,
    /// Every generation, 0 first.
    pub generations: Vec<Generation>,
    /// The summaries' scales.
    pub scales: Vec<f64>,
    /// Why it stopped.
    pub stop: Stop,
}

impl Population {
    /// Particle `i`'s parameters.
    pub fn particle(&self, i: usize) -> &[f64] {
        &self.theta[i * self.dim..(i + 1) * self.dim]
    }
}

/// Why a calibration could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AbcError {
    /// A bad option.
    #[error("{0}")]
    Option(String),
    /// The model produced a NaN summary or prior density.
    #[error("{0}")]
    Model(String),
}

/// The stream of slot `slot` in generation `generation`: ChaCha8 keyed by an FNV-1a hash of
/// (seed, generation), on stream number `slot` (§3.7).
pub fn stream(seed: u64, generation: u64, slot: u64) -> ChaCha8Rng {
    let key = Fnv1a::new().bytes(b"truce-abc").bytes(&seed.to_le_bytes()).bytes(&generation.to_le_bytes()).finish();
    let mut rng = ChaCha8Rng::seed_from_u64(key);
    rng.set_stream(slot);
    rng
}

/// Effective sample size 1/Σ w² of normalised weights, summed in slot order.
pub fn ess(w: &[f64]) -> f64 {
    1.0 / w.iter().fold(0.0, |s, &x| s + x * x)
}

/// The weighted α-quantile of `d`: the smallest value whose cumulative weight, in the order
/// of a stable sort on (value, index), reaches α × the total.
pub fn weighted_quantile(d: &[f64], w: &[f64], alpha: f64) -> f64 {
    let mut idx: Vec<usize> = (0..d.len()).collect();
    idx.sort_by(|&a, &b| d[a].total_cmp(&d[b]).then(a.cmp(&b)));
    let total: f64 = w.iter().sum();
    let mut acc = 0.0;
    for &i in &idx {
        acc += w[i];
        if acc >= alpha * total {
            return d[i];
        }
    }
    d[*idx.last().expect("non-empty")]
}

/// The weighted mean and covariance (dim × dim, row-major) of `theta` (n × dim), in slot order.
pub fn weighted_cov(theta: &[f64], w: &[f64], dim: usize) -> (Vec<f64>, Vec<f64>) {
    let mut mean = vec![0.0; dim];
    for (i, &wi) in w.iter().enumerate() {
        for (m, &x) in mean.iter_mut().zip(&theta[i * dim..(i + 1) * dim]) {
            *m += wi * x;
        }
    }
    let mut cov = vec![0.0; dim * dim];
    for (i, &wi) in w.iter().enumerate() {
        let x = &theta[i * dim..(i + 1) * dim];
        for a in 0..dim {
            let da = x[a] - mean[a];
            for b in 0..=a {
                cov[a * dim + b] += wi * da * (x[b] - mean[b]);
            }
        }
    }
    for a in 0..dim {
        for b in 0..a {
            cov[b * dim + a] = cov[a * dim + b];
        }
    }
    (mean, cov)
}

/// The lower Cholesky factor of a symmetric matrix (n × n, row-major), or `None` when it is
/// not positive definite.
pub fn cholesky(m: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = m[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if !(s > 0.0 && s.is_finite()) {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// Solves L y = x in place (L lower triangular, n × n): the whitening of the kernel.
pub fn forward_solve(l: &[f64], n: usize, x: &mut [f64]) {
    for i in 0..n {
        let mut s = x[i];
        for k in 0..i {
            s -= l[i * n + k] * x[k];
        }
        x[i] = s / l[i * n + i];
    }
}

/// The unnormalised log-weight of a new particle (§3.3): log π(θ*) − log Σ_j w_j exp(−½‖u* −
/// u_j‖²), with u = L⁻¹θ the whitened coordinates under the proposal kernel's Cholesky factor
/// (the kernel's normalising constant is common to every particle and cancels). Summed in
/// slot order, shifted by the largest term.
pub fn log_weight(log_prior: f64, u_star: &[f64], u_prev: &[f64], w_prev: &[f64], dim: usize) -> f64 {
    let mut q = Vec::with_capacity(w_prev.len());
    let mut top = f64::NEG_INFINITY;
    for (j, &w) in w_prev.iter().enumerate() {
        let uj = &u_prev[j * dim..(j + 1) * dim];
        let d2: f64 = u_star.iter().zip(uj).fold(0.0, |s, (a, b)| s + (a - b) * (a - b));
        let t = w.ln() - 0.5 * d2;
        top = top.max(t);
        q.push(t);
    }
    let s: f64 = q.iter().fold(0.0, |s, &t| s + (t - top).exp());
    log_prior - (top + s.ln())
}

/// Normalises log-weights in slot order; returns the weights.
fn normalise(lw: &[f64]) -> Vec<f64> {
    let top = lw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let w: Vec<f64> = lw.iter().map(|&l| (l - top).exp()).collect();
    let total: f64 = w.iter().sum();
    w.into_iter().map(|x| x / total).collect()
}

/// The scaled Euclidean distance between simulated and observed summaries.
fn distance(s: &[f64], y: &[f64], scales: &[f64]) -> f64 {
    s.iter().zip(y).zip(scales).fold(0.0, |a, ((s, y), c)| a + ((s - y) / c).powi(2)).sqrt()
}

/// A slot's outcome in one generation.
struct Slot {
    theta: Vec<f64>,
    summaries: Vec<f64>,
    distance: f64,
    proposals: u64,
    simulations: u64,
    accepted: bool,
}

fn check_options(o: &AbcOptions) -> Result<(), AbcError> {
    let bad = |m: &str| Err(AbcError::Option(m.into()));
    if o.particles < 2 {
        return bad("the number of particles must be at least 2");
    }
    if o.generations < 1 {
        return bad("the number of generations must be at least 1");
    }
    if !(o.alpha > 0.0 && o.alpha < 1.0) {
        return bad("the tolerance quantile alpha must be in (0, 1)");
    }
    if !(o.eps_min >= 0.0 && o.eps_min.is_finite()) {
        return bad("the smallest tolerance must be a finite number ≥ 0");
    }
    if !(0.0..1.0).contains(&o.min_acceptance) {
        return bad("the smallest acceptance rate must be in [0, 1)");
    }
    if o.max_attempts < 1 {
        return bad("the most proposals per slot must be at least 1");
    }
    if !(o.kernel_scale > 0.0 && o.kernel_scale.is_finite()) {
        return bad("the kernel scale must be a finite number > 0");
    }
    if o.max_simulations < o.particles as u64 {
        return bad("the simulation budget must cover at least generation 0 (one simulation per particle)");
    }
    Ok(())
}

/// Runs ABC-SMC on `model` with `opts`; `progress` hears each finished generation.
pub fn abc_smc<M: AbcModel>(
    model: &M,
    opts: &AbcOptions,
    progress: &(dyn Fn(&Generation) + Sync),
) -> Result<Population, AbcError> {
    check_options(opts)?;
    let (n, dim, y) = (opts.particles, model.dim(), model.observed());
    let ns = y.len();
    // Generation 0: the prior.
    let slots: Vec<Slot> = (0..n)
        .into_par_iter()
        .map_init(
            || (model.workspace(), vec![0.0; dim]),
            |(work, theta), i| {
                let mut rng = stream(opts.seed, 0, i as u64);
                model.sample_prior(&mut rng, theta);
                let mut sim = ChaCha8Rng::from_seed(rng.random());
                let mut s = vec![0.0; ns];
                model.simulate(work, theta, &mut sim, &mut s);
                Slot { theta: theta.clone(), summaries: s, distance: 0.0, proposals: 1, simulations: 1, accepted: true }
            },
        )
        .collect();
    let mut scales = Vec::with_capacity(ns);
    for k in 0..ns {
        let c = match model.scale(k) {
            ScaleRule::Fixed(c) => c,
            ScaleRule::Mad { floor } => {
                let v: Vec<f64> = slots.iter().map(|s| s.summaries[k]).collect();
                (1.4826 * mad(&v)).max(floor)
            }
        };
        if !(c > 0.0 && c.is_finite()) {
            return Err(AbcError::Model(format!("summary {k}: scale {c} is not a positive number")));
        }
        scales.push(c);
    }
    let mut theta: Vec<f64> = Vec::with_capacity(n * dim);
    let mut distances = Vec::with_capacity(n);
    let mut summaries = Vec::with_capacity(n * ns);
    for (i, s) in slots.iter().enumerate() {
        summaries.extend_from_slice(&s.summaries);
        let d = distance(&s.summaries, y, &scales);
        if d.is_nan() {
            return Err(AbcError::Model(format!("particle {i} of generation 0: a summary is NaN")));
        }
        theta.extend_from_slice(&s.theta);
        distances.push(d);
    }
    let mut weights = vec![1.0 / n as f64; n];
    let g0 =
        Generation { index: 0, tolerance: f64::INFINITY, ess: n as f64, acceptance_rate: 1.0, simulations: n as u64 };
    progress(&g0);
    let mut generations = vec![g0];
    let mut stop = Stop::Generations;
    let mut spent = n as u64;
    for t in 1..=opts.generations {
        let share = (opts.max_simulations - spent) / n as u64;
        let (cap, cap_stop) =
            if share < opts.max_attempts { (share, Stop::Budget) } else { (opts.max_attempts, Stop::Attempts) };
        if cap == 0 {
            stop = Stop::Budget;
            break;
        }
        let eps = weighted_quantile(&distances, &weights, opts.alpha).max(opts.eps_min);
        let (_, cov) = weighted_cov(&theta, &weights, dim);
        let kernel: Vec<f64> = cov.iter().map(|c| opts.kernel_scale * c).collect();
        let Some(l) = cholesky(&kernel, dim) else {
            stop = Stop::Degenerate;
            break;
        };
        let mut cum = Vec::with_capacity(n);
        let mut acc = 0.0;
        for &w in &weights {
            acc += w;
            cum.push(acc);
        }
        // Set when a slot used up its proposals: the generation is then discarded whatever the
        // other slots do, so they stop too instead of simulating for nothing (that generation
        // was most of a many-parameter calibration's time). Nothing of a discarded generation
        // is kept or counted, so the result does not depend on when the others saw it.
        let doomed = AtomicBool::new(false);
        let slots: Vec<Slot> = (0..n)
            .into_par_iter()
            .map_init(
                || (model.workspace(), vec![0.0; ns]),
                |(work, s), i| {
                    let mut rng = stream(opts.seed, t as u64, i as u64);
                    let mut out = Slot {
                        theta: vec![0.0; dim],
                        summaries: Vec::new(),
                        distance: f64::INFINITY,
                        proposals: 0,
                        simulations: 0,
                        accepted: false,
                    };
                    while out.proposals < cap {
                        if doomed.load(Ordering::Relaxed) {
                            break;
                        }
                        out.proposals += 1;
                        let u: f64 = rng.random::<f64>() * acc;
                        let j = cum.partition_point(|&c| c <= u).min(n - 1);
                        let z: Vec<f64> = (0..dim).map(|_| StandardNormal.sample(&mut rng)).collect();
                        for a in 0..dim {
                            let mut x = theta[j * dim + a];
                            for (b, zb) in z.iter().enumerate().take(a + 1) {
                                x += l[a * dim + b] * zb;
                            }
                            out.theta[a] = x;
                        }
                        if model.log_prior(&out.theta) == f64::NEG_INFINITY {
                            continue;
                        }
                        let mut sim = ChaCha8Rng::from_seed(rng.random());
                        out.simulations += 1;
                        model.simulate(work, &out.theta, &mut sim, s);
                        let d = distance(s, y, &scales);
                        if d <= eps {
                            out.summaries.extend_from_slice(s);
                            out.distance = d;
                            out.accepted = true;
                            break;
                        }
                    }
                    if !out.accepted {
                        doomed.store(true, Ordering::Relaxed);
                    }
                    out
                },
            )
            .collect();
        if slots.iter().any(|s| !s.accepted) {
            stop = cap_stop;
            break;
        }
        // Whitened coordinates of the previous and the new particles (slot order).
        let whiten = |x: &[f64]| {
            let mut u = x.to_vec();
            forward_solve(&l, dim, &mut u);
            u
        };
        let u_prev: Vec<f64> = (0..n).flat_map(|j| whiten(&theta[j * dim..(j + 1) * dim])).collect();
        let lw: Vec<f64> = slots
            .par_iter()
            .map(|s| log_weight(model.log_prior(&s.theta), &whiten(&s.theta), &u_prev, &weights, dim))
            .collect();
        if let Some(i) = lw.iter().position(|x| x.is_nan()) {
            return Err(AbcError::Model(format!("particle {i} of generation {t}: its weight is NaN")));
        }
        weights = normalise(&lw);
        theta.clear();
        distances.clear();
        summaries.clear();
        let (mut proposals, mut simulations) = (0u64, 0u64);
        for s in &slots {
            theta.extend_from_slice(&s.theta);
            summaries.extend_from_slice(&s.summaries);
            distances.push(s.distance);
            proposals += s.proposals;
            simulations += s.simulations;
        }
        spent += proposals;
        let g = Generation {
            index: t,
            tolerance: eps,
            ess: ess(&weights),
            acceptance_rate: n as f64 / proposals as f64,
            simulations,
        };
        progress(&g);
        generations.push(g);
        if eps <= opts.eps_min {
            stop = Stop::Tolerance;
            break;
        }
        if g.acceptance_rate < opts.min_acceptance {
            stop = Stop::Acceptance;
            break;
        }
    }
    Ok(Population { theta, weights, distances, summaries, dim, generations, scales, stop })
}

/// The median absolute deviation around the median (sorted copies; deterministic).
fn mad(v: &[f64]) -> f64 {
    let med = |x: &mut Vec<f64>| {
        x.sort_by(f64::total_cmp);
        let m = x.len();
        if m % 2 == 1 {
            x[m / 2]
        } else {
            0.5 * (x[m / 2 - 1] + x[m / 2])
        }
    };
    let mut a = v.to_vec();
    let m = med(&mut a);
    let mut d: Vec<f64> = v.iter().map(|x| (x - m).abs()).collect();
    med(&mut d)
}
