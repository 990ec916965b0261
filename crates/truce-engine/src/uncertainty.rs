//! Parameter uncertainty for ensemble forecasts: one-dimensional distributions ([`Dist`]) and
//! a set of named parameters with optional rank-style correlations imposed by a Gaussian
//! copula ([`UncertaintySet`]).
//!
//! Every distribution is sampled by its inverse CDF ([`Dist::quantile`]) from a uniform
//! u ∈ (0, 1). That is what lets the copula work: independent normals are correlated with the
//! Cholesky factor of the correlation matrix, mapped through Φ to correlated uniforms, and
//! then through each parameter's quantile function. Marginals are preserved exactly; the
//! correlation given is that of the underlying normals (the "copula correlation").
//!
//! A set may end with a *joint weighted sample* ([`JointSample`]): rows of values of several
//! parameters with a weight each (a calibration's posterior, `truce calibrate`). A draw picks
//! one row, so the parameters keep their dependence; each of its parameters is described by
//! its exact marginal (a [`Dist::Choice`] over the column's values), which is what a single
//! run's median and the particle filter's normal scores read.
//!
//! This module does no I/O and spawns no threads; randomness comes only from the caller's
//! generator, one `u64` per parameter per draw set, so each run's parameters depend only on
//! the stream the caller hands in.

use crate::special::{beta_cdf, beta_inv, beta_inv_lnb, ln_beta, norm_cdf, norm_inv, norm_pdf};
use rand::distr::Open01;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// A one-dimensional parameter distribution, as written in a scenario's uncertainty block.
///
/// Serialised internally tagged by `dist`, in snake case, e.g. TOML
/// `{ dist = "normal", mean = 85.0, sd = 20.0 }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case")]
pub enum Dist {
    /// Uniform on [low, high).
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound (> low).
        high: f64,
    },
    /// Normal with the given mean and standard deviation.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (> 0).
        sd: f64,
    },
    /// Normal(mean, sd) conditioned on [low, high]; `mean`/`sd` are those of the parent
    /// normal, not of the truncated result.
    TruncatedNormal {
        /// Parent normal's mean.
        mean: f64,
        /// Parent normal's standard deviation (> 0).
        sd: f64,
        /// Lower truncation point.
        low: f64,
        /// Upper truncation point (> low).
        high: f64,
    },
    /// Log-normal parameterised by its median and log-scale spread:
    /// X = median · exp(sigma · Z), Z ~ N(0, 1). So ln X ~ N(ln median, sigma²) and
    /// E\[X\] = median · exp(sigma² / 2). Chosen because the median is what experts state.
    Lognormal {
        /// Median of X (> 0).
        median: f64,
        /// Standard deviation of ln X (> 0).
        sigma: f64,
    },
    /// Beta(alpha, beta) on [0, 1], optionally rescaled linearly to [low, high]
    /// (both default to 0 and 1).
    Beta {
        /// First shape parameter (> 0).
        alpha: f64,
        /// Second shape parameter (> 0).
        beta: f64,
        /// Lower end after rescaling (default 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        low: Option<f64>,
        /// Upper end after rescaling (default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        high: Option<f64>,
    },
    /// Triangular on [low, high] with its peak at mode.
    Triangular {
        /// Lower bound.
        low: f64,
        /// Most likely value (low ≤ mode ≤ high).
        mode: f64,
        /// Upper bound (> low).
        high: f64,
    },
    /// A discrete choice among `values`, with optional non-negative `weights` (equal if absent).
    /// Its quantile maps u to the first value whose cumulative weight exceeds u.
    Choice {
        /// The possible values (non-empty).
        values: Vec<f64>,
        /// Relative weights, one per value (≥ 0, positive sum).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weights: Option<Vec<f64>>,
    },
}

/// The values a distribution can draw: from `low` to `high`, each end either drawn
/// (`attained`) or only approached (a lognormal's 0, a normal's ±∞).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Support {
    pub low: f64,
    pub low_attained: bool,
    pub high: f64,
    pub high_attained: bool,
}

impl Support {
    /// Interval notation: `[0, 1]`, `(0, ∞)`, `(−∞, ∞)`.
    pub fn notation(&self) -> String {
        let num = |v: f64| {
            if v == f64::INFINITY {
                "∞".to_string()
            } else if v == f64::NEG_INFINITY {
                "−∞".to_string()
            } else {
                format!("{v}")
            }
        };
        let (a, b) = (if self.low_attained { "[" } else { "(" }, if self.high_attained { "]" } else { ")" });
        format!("{a}{}, {}{b}", num(self.low), num(self.high))
    }
}

fn finite(name: &str, x: f64) -> Result<(), String> {
    if x.is_finite() {
        Ok(())
    } else {
        Err(format!("{name} must be a finite number, got {x}"))
    }
}

fn positive(name: &str, x: f64) -> Result<(), String> {
    finite(name, x)?;
    if x > 0.0 {
        Ok(())
    } else {
        Err(format!("{name} must be > 0, got {x}"))
    }
}

fn ordered(low: f64, high: f64) -> Result<(), String> {
    finite("low", low)?;
    finite("high", high)?;
    if low < high {
        Ok(())
    } else {
        Err(format!("low must be < high, got low = {low}, high = {high}"))
    }
}

impl Dist {
    /// Checks the parameters, so that bad scenario files fail with a message instead of NaNs.
    pub fn validate(&self) -> Result<(), String> {
        match *self {
            Dist::Uniform { low, high } => ordered(low, high),
            Dist::Normal { mean, sd } => {
                finite("mean", mean)?;
                positive("sd", sd)
            }
            Dist::TruncatedNormal { mean, sd, low, high } => {
                finite("mean", mean)?;
                positive("sd", sd)?;
                ordered(low, high)?;
                let (a, b) = ((low - mean) / sd, (high - mean) / sd);
                if trunc_mass(a, b) < 1e-300 {
                    return Err(format!(
                        "truncation interval [{low}, {high}] has negligible probability under \
                         normal(mean = {mean}, sd = {sd})"
                    ));
                }
                Ok(())
            }
            Dist::Lognormal { median, sigma } => {
                positive("median", median)?;
                positive("sigma", sigma)
            }
            Dist::Beta { alpha, beta, low, high } => {
                positive("alpha", alpha)?;
                positive("beta", beta)?;
                ordered(low.unwrap_or(0.0), high.unwrap_or(1.0))
            }
            Dist::Triangular { low, mode, high } => {
                ordered(low, high)?;
                finite("mode", mode)?;
                if low <= mode && mode <= high {
                    Ok(())
                } else {
                    Err(format!(
                        "mode must satisfy low <= mode <= high, got low = {low}, mode = {mode}, \
                         high = {high}"
                    ))
                }
            }
            Dist::Choice { ref values, ref weights } => {
                if values.is_empty() {
                    return Err("values must not be empty".into());
                }
                for &v in values {
                    finite("every value", v)?;
                }
                if let Some(w) = weights {
                    if w.len() != values.len() {
                        return Err(format!(
                            "weights must have one entry per value: {} values, {} weights",
                            values.len(),
                            w.len()
                        ));
                    }
                    for &x in w {
                        finite("every weight", x)?;
                        if x < 0.0 {
                            return Err(format!("weights must be >= 0, got {x}"));
                        }
                    }
                    let total: f64 = w.iter().sum();
                    if total <= 0.0 || !total.is_finite() {
                        return Err(format!("weights must have a positive finite sum, got {total}"));
                    }
                }
                Ok(())
            }
        }
    }

    /// The values the distribution can draw (its support), so that a parameter's valid
    /// range can be checked against it before any sampling. Assumes [`Dist::validate`]
    /// passed.
    pub fn support(&self) -> Support {
        let closed = |low: f64, high: f64| Support { low, low_attained: true, high, high_attained: true };
        match *self {
            Dist::Uniform { low, high }
            | Dist::TruncatedNormal { low, high, .. }
            | Dist::Triangular { low, high, .. } => closed(low, high),
            Dist::Normal { .. } => {
                Support { low: f64::NEG_INFINITY, low_attained: false, high: f64::INFINITY, high_attained: false }
            }
            Dist::Lognormal { .. } => {
                Support { low: 0.0, low_attained: false, high: f64::INFINITY, high_attained: false }
            }
            Dist::Beta { low, high, .. } => closed(low.unwrap_or(0.0), high.unwrap_or(1.0)),
            Dist::Choice { ref values, .. } => closed(
                values.iter().copied().fold(f64::INFINITY, f64::min),
                values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ),
        }
    }

    /// Inverse CDF at u ∈ (0, 1): the sampling primitive the copula needs.
    ///
    /// u outside (0, 1) gives the support's end (possibly ±∞); NaN gives NaN. Assumes
    /// [`Dist::validate`] passed.
    pub fn quantile(&self, u: f64) -> f64 {
        match *self {
            Dist::Uniform { low, high } => low + u.clamp(0.0, 1.0) * (high - low),
            Dist::Normal { mean, sd } => mean + sd * norm_inv(u),
            Dist::TruncatedNormal { mean, sd, low, high } => {
                let z = trunc_std_quantile((low - mean) / sd, (high - mean) / sd, u);
                (mean + sd * z).clamp(low, high)
            }
            Dist::Lognormal { median, sigma } => median * (sigma * norm_inv(u)).exp(),
            Dist::Beta { alpha, beta, low, high } => {
                let (lo, hi) = (low.unwrap_or(0.0), high.unwrap_or(1.0));
                lo + (hi - lo) * beta_inv(alpha, beta, u.clamp(0.0, 1.0))
            }
            Dist::Triangular { low, mode, high } => {
                let u = u.clamp(0.0, 1.0);
                let width = high - low;
                let split = (mode - low) / width;
                if u < split {
                    low + (u * width * (mode - low)).sqrt()
                } else {
                    high - ((1.0 - u) * width * (high - mode)).sqrt()
                }
            }
            Dist::Choice { ref values, ref weights } => {
                if u.is_nan() {
                    return f64::NAN;
                }
                match weights {
                    None => {
                        let n = values.len();
                        let i = ((u.clamp(0.0, 1.0) * n as f64) as usize).min(n - 1);
                        values[i]
                    }
                    Some(w) => {
                        let total: f64 = w.iter().sum();
                        let target = u.clamp(0.0, 1.0) * total;
                        let mut acc = 0.0;
                        let mut last = 0;
                        for (i, &wi) in w.iter().enumerate() {
                            if wi > 0.0 {
                                acc += wi;
                                last = i;
                                if target < acc {
                                    return values[i];
                                }
                            }
                        }
                        values[last]
                    }
                }
            }
        }
    }

    /// CDF P(X ≤ x); the inverse of [`Dist::quantile`], used to check it and for diagnostics.
    pub fn cdf(&self, x: f64) -> f64 {
        match *self {
            Dist::Uniform { low, high } => ((x - low) / (high - low)).clamp(0.0, 1.0),
            Dist::Normal { mean, sd } => norm_cdf((x - mean) / sd),
            Dist::TruncatedNormal { mean, sd, low, high } => {
                if x <= low {
                    return 0.0;
                }
                if x >= high {
                    return 1.0;
                }
                let (a, b, z) = ((low - mean) / sd, (high - mean) / sd, (x - mean) / sd);
                (trunc_mass(a, z) / trunc_mass(a, b)).clamp(0.0, 1.0)
            }
            Dist::Lognormal { median, sigma } => {
                if x <= 0.0 {
                    0.0
                } else {
                    norm_cdf((x / median).ln() / sigma)
                }
            }
            Dist::Beta { alpha, beta, low, high } => {
                let (lo, hi) = (low.unwrap_or(0.0), high.unwrap_or(1.0));
                beta_cdf(alpha, beta, (x - lo) / (hi - lo))
            }
            Dist::Triangular { low, mode, high } => {
                if x <= low {
                    0.0
                } else if x >= high {
                    1.0
                } else if x <= mode {
                    (x - low) * (x - low) / ((high - low) * (mode - low))
                } else {
                    1.0 - (high - x) * (high - x) / ((high - low) * (high - mode))
                }
            }
            Dist::Choice { ref values, ref weights } => {
                let weight = |i: usize| weights.as_ref().map_or(1.0, |w| w[i]);
                let total: f64 = (0..values.len()).map(weight).sum();
                let below: f64 = (0..values.len()).filter(|&i| values[i] <= x).map(weight).sum();
                below / total
            }
        }
    }

    /// Draws one value with the caller's generator (one `u64` consumed), for uses without
    /// correlation.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.quantile(rng.sample(Open01))
    }

    /// Analytic mean, so that reports can show what a spec implies (and tests can check it).
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Uniform { low, high } => 0.5 * (low + high),
            Dist::Normal { mean, .. } => mean,
            Dist::TruncatedNormal { mean, sd, low, high } => {
                let (a, b) = ((low - mean) / sd, (high - mean) / sd);
                mean + sd * (norm_pdf(a) - norm_pdf(b)) / trunc_mass(a, b)
            }
            Dist::Lognormal { median, sigma } => median * (0.5 * sigma * sigma).exp(),
            Dist::Beta { alpha, beta, low, high } => {
                let (lo, hi) = (low.unwrap_or(0.0), high.unwrap_or(1.0));
                lo + (hi - lo) * alpha / (alpha + beta)
            }
            Dist::Triangular { low, mode, high } => (low + mode + high) / 3.0,
            Dist::Choice { ref values, ref weights } => {
                let weight = |i: usize| weights.as_ref().map_or(1.0, |w| w[i]);
                let total: f64 = (0..values.len()).map(weight).sum();
                (0..values.len()).map(|i| weight(i) * values[i]).sum::<f64>() / total
            }
        }
    }

    /// Analytic variance, for the same reasons as [`Dist::mean`].
    pub fn variance(&self) -> f64 {
        match *self {
            Dist::Uniform { low, high } => (high - low) * (high - low) / 12.0,
            Dist::Normal { sd, .. } => sd * sd,
            Dist::TruncatedNormal { mean, sd, low, high } => {
                let (a, b) = ((low - mean) / sd, (high - mean) / sd);
                let z = trunc_mass(a, b);
                let (pa, pb) = (norm_pdf(a), norm_pdf(b));
                // x·φ(x) → 0 at ±∞; avoid ∞·0.
                let t = |x: f64, p: f64| if x.is_finite() { x * p } else { 0.0 };
                let d = (pa - pb) / z;
                sd * sd * (1.0 + (t(a, pa) - t(b, pb)) / z - d * d)
            }
            Dist::Lognormal { median, sigma } => {
                let s2 = sigma * sigma;
                (s2.exp() - 1.0) * median * median * s2.exp()
            }
            Dist::Beta { alpha, beta, low, high } => {
                let (lo, hi) = (low.unwrap_or(0.0), high.unwrap_or(1.0));
                let s = alpha + beta;
                (hi - lo) * (hi - lo) * alpha * beta / (s * s * (s + 1.0))
            }
            Dist::Triangular { low, mode, high } => {
                (low * low + mode * mode + high * high - low * mode - low * high - mode * high) / 18.0
            }
            Dist::Choice { ref values, ref weights } => {
                let weight = |i: usize| weights.as_ref().map_or(1.0, |w| w[i]);
                let total: f64 = (0..values.len()).map(weight).sum();
                let m = self.mean();
                (0..values.len()).map(|i| weight(i) * (values[i] - m) * (values[i] - m)).sum::<f64>() / total
            }
        }
    }
}

/// A [`Dist`] prepared for many evaluations of its quantile and CDF (a particle filter maps
/// every particle's parameters through them after each resampling): what the plain methods
/// recompute on every call is computed once. A weighted [`Dist::Choice`] keeps its
/// cumulative weights, so that its quantile is a binary search (O(log n) instead of a scan
/// of every weight, which a calibrated posterior of a thousand rows made the filter's largest
/// cost) and, when its values ascend (a [`JointSample::marginal`] always does), so is its CDF;
/// a [`Dist::Beta`] keeps ln B(α, β).
///
/// Results are those of [`Dist::quantile`] and [`Dist::cdf`] **bit for bit** (the same sums
/// in the same order; tested): preparing a distribution never changes a forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedDist {
    dist: Dist,
    fast: Fast,
}

/// What [`PreparedDist`] precomputed.
#[derive(Debug, Clone, PartialEq)]
enum Fast {
    /// Nothing to precompute: the plain methods are O(1).
    Plain,
    /// A weighted choice: `cum[i]` is the sum of `weights[..=i]` in index order (a zero weight
    /// repeats its predecessor, which is what the scan's skipping of it amounts to), `total`
    /// the sum of all of them, `last` the last index with a positive weight, `ascending`
    /// whether the values are strictly increasing (the CDF's prefix is then a prefix sum).
    Choice { cum: Vec<f64>, total: f64, last: usize, ascending: bool },
    /// A Beta: ln B(α, β).
    Beta { lnb: f64 },
}

impl PreparedDist {
    /// Prepares `dist` (assumed to have passed [`Dist::validate`]).
    pub fn new(dist: &Dist) -> Self {
        let fast = match *dist {
            Dist::Choice { ref values, weights: Some(ref w) } => {
                let mut cum = Vec::with_capacity(w.len());
                let mut acc = 0.0;
                let mut last = 0;
                for (i, &wi) in w.iter().enumerate() {
                    if wi > 0.0 {
                        acc += wi;
                        last = i;
                    }
                    cum.push(acc);
                }
                let total: f64 = w.iter().sum();
                let ascending = values.windows(2).all(|p| p[0] < p[1]);
                Fast::Choice { cum, total, last, ascending }
            }
            Dist::Beta { alpha, beta, .. } => Fast::Beta { lnb: ln_beta(alpha, beta) },
            _ => Fast::Plain,
        };
        PreparedDist { dist: dist.clone(), fast }
    }

    /// The distribution prepared.
    pub fn dist(&self) -> &Dist {
        &self.dist
    }

    /// [`Dist::quantile`], bit for bit.
    pub fn quantile(&self, u: f64) -> f64 {
        match (&self.fast, &self.dist) {
            (Fast::Choice { cum, total, last, .. }, Dist::Choice { values, .. }) => {
                if u.is_nan() {
                    return f64::NAN;
                }
                let target = u.clamp(0.0, 1.0) * total;
                // The first index whose cumulative weight exceeds the target: the scan's
                // answer (a zero weight never first exceeds it, its cumulative weight being
                // its predecessor's); none when the sums end at or below it.
                let i = cum.partition_point(|&c| c <= target);
                values[if i < cum.len() { i } else { *last }]
            }
            (&Fast::Beta { lnb }, &Dist::Beta { alpha, beta, low, high }) => {
                let (lo, hi) = (low.unwrap_or(0.0), high.unwrap_or(1.0));
                lo + (hi - lo) * beta_inv_lnb(alpha, beta, u.clamp(0.0, 1.0), lnb)
            }
            _ => self.dist.quantile(u),
        }
    }

    /// [`Dist::cdf`], bit for bit.
    pub fn cdf(&self, x: f64) -> f64 {
        match (&self.fast, &self.dist) {
            (Fast::Choice { cum, total, ascending: true, .. }, Dist::Choice { values, .. }) => {
                // The values at or below x are a prefix; its weight is the prefix sum.
                let k = values.partition_point(|&v| v <= x);
                // An empty prefix is the plain method's empty sum (its sign of zero too).
                let below = if k == 0 { std::iter::empty::<f64>().sum() } else { cum[k - 1] };
                below / total
            }
            _ => self.dist.cdf(x),
        }
    }
}

/// P(a < Z ≤ b) for standard normal Z, computed in whichever tail avoids cancellation.
fn trunc_mass(a: f64, b: f64) -> f64 {
    if a > 0.0 {
        norm_cdf(-a) - norm_cdf(-b)
    } else {
        norm_cdf(b) - norm_cdf(a)
    }
}

/// Quantile of the standard normal truncated to [a, b].
fn trunc_std_quantile(a: f64, b: f64, u: f64) -> f64 {
    if u.is_nan() {
        return f64::NAN;
    }
    let u = u.clamp(0.0, 1.0);
    if a > 0.0 {
        // Upper tail: work with survival functions Φ(−x) to keep relative accuracy.
        let (sa, sb) = (norm_cdf(-a), norm_cdf(-b));
        -norm_inv(sa - u * (sa - sb))
    } else {
        let (fa, fb) = (norm_cdf(a), norm_cdf(b));
        norm_inv(fa + u * (fb - fa))
    }
}

/// One uncertain parameter: the engine path it overrides and its distribution.
///
/// Serialised flat, e.g. TOML `{ path = "actors.north.strength", dist = "normal", mean = 85.0,
/// sd = 20.0 }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamSpec {
    /// Dotted path of the scenario parameter this draw replaces (interpreted by the engine).
    pub path: String,
    /// Its distribution.
    #[serde(flatten)]
    pub dist: Dist,
}

/// Why an uncertainty set was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UncertaintyError {
    /// A parameter's distribution is invalid.
    #[error("parameter {index} ({path}): {message}")]
    Dist {
        /// Position in `specs`.
        index: usize,
        /// The parameter's path.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The correlation entries do not form a valid correlation matrix.
    #[error("correlation: {0}")]
    Correlation(String),
    /// The joint weighted sample is malformed or inconsistent with the set.
    #[error("joint sample: {0}")]
    Joint(String),
}

/// The serialised form of an [`UncertaintySet`]: what a scenario file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UncertaintySpec {
    /// The uncertain parameters, in draw order.
    pub specs: Vec<ParamSpec>,
    /// Copula correlations `(i, j, rho)` between parameters i and j (indices into `specs`);
    /// pairs not listed are uncorrelated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation: Option<Vec<(usize, usize, f64)>>,
    /// A joint weighted sample giving the last [`JointSample::columns`] parameters of `specs`
    /// (whose distributions must be its marginals, [`JointSample::marginal`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joint: Option<JointSample>,
}

/// A joint weighted sample of several parameters: rows of values, one weight per row. A
/// draw picks one row with probability proportional to its weight, so the parameters keep
/// the dependence the rows carry (a posterior from `truce calibrate`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JointSample {
    /// Number of parameters each row gives (the last ones of the set).
    pub columns: usize,
    /// One weight per row (finite, > 0; need not sum to 1).
    pub weights: Vec<f64>,
    /// The rows, each with `columns` finite values.
    pub rows: Vec<Vec<f64>>,
}

impl JointSample {
    /// Checks the shape and the numbers; messages name the row (0-based) at fault.
    pub fn validate(&self) -> Result<(), String> {
        if self.rows.is_empty() {
            return Err("rows must not be empty".into());
        }
        if self.weights.len() != self.rows.len() {
            return Err(format!(
                "weights must have one entry per row: {} rows, {} weights",
                self.rows.len(),
                self.weights.len()
            ));
        }
        for (i, &w) in self.weights.iter().enumerate() {
            if !(w.is_finite() && w > 0.0) {
                return Err(format!("weights[{i}] must be a finite number > 0, got {w}"));
            }
        }
        if !self.weights.iter().sum::<f64>().is_finite() {
            return Err("the weights' sum must be finite".into());
        }
        for (i, r) in self.rows.iter().enumerate() {
            if r.len() != self.columns {
                return Err(format!("rows[{i}] has {} values, expected {} (one per path)", r.len(), self.columns));
            }
            if let Some(v) = r.iter().find(|v| !v.is_finite()) {
                return Err(format!("rows[{i}]: every value must be a finite number, got {v}"));
            }
        }
        Ok(())
    }

    /// The exact marginal of column `k`: a choice over the column's distinct values in
    /// ascending order, each with the summed weight of its rows (so quantile and CDF agree).
    /// Assumes [`JointSample::validate`] passed.
    pub fn marginal(&self, k: usize) -> Dist {
        let mut pairs: Vec<(f64, f64)> = self.rows.iter().zip(&self.weights).map(|(r, &w)| (r[k], w)).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (mut values, mut weights): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
        for (v, w) in pairs {
            match values.last() {
                Some(&last) if last == v => *weights.last_mut().expect("same length") += w,
                _ => {
                    values.push(v);
                    weights.push(w);
                }
            }
        }
        Dist::Choice { values, weights: Some(weights) }
    }
}

/// A validated set of uncertain parameters, ready to draw from without allocating.
///
/// Each draw set consumes exactly one `u64` per parameter from the caller's generator, in
/// `specs` order, whether or not the parameter is correlated; adding a correlation never
/// shifts other parameters' streams. Uncorrelated parameters use their uniform directly;
/// correlated ones go through Φ⁻¹, the Cholesky factor, and Φ (Gaussian copula).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "UncertaintySpec", into = "UncertaintySpec")]
pub struct UncertaintySet {
    spec: UncertaintySpec,
    /// Indices of parameters that take part in at least one correlation, ascending.
    corr_idx: Vec<usize>,
    /// Lower-triangular Cholesky factor of the correlation matrix restricted to `corr_idx`,
    /// row-major m × m.
    chol: Vec<f64>,
    /// The joint sample's normalised cumulative weights, summed in row order (empty without
    /// one).
    joint_cum: Vec<f64>,
}

impl UncertaintySet {
    /// Validates the distributions and the correlation matrix (symmetric by construction,
    /// |rho| < 1, positive definite) and precomputes its Cholesky factor.
    pub fn new(specs: Vec<ParamSpec>, correlation: Option<Vec<(usize, usize, f64)>>) -> Result<Self, UncertaintyError> {
        Self::try_from(UncertaintySpec { specs, correlation, joint: None })
    }

    /// Like [`Self::new`], with a joint weighted sample giving the last `joint.columns`
    /// parameters (their `specs` entries must be the sample's marginals).
    pub fn with_joint(
        specs: Vec<ParamSpec>,
        correlation: Option<Vec<(usize, usize, f64)>>,
        joint: JointSample,
    ) -> Result<Self, UncertaintyError> {
        Self::try_from(UncertaintySpec { specs, correlation, joint: Some(joint) })
    }

    /// The joint weighted sample, if the set ends with one.
    pub fn joint(&self) -> Option<&JointSample> {
        self.spec.joint.as_ref()
    }

    /// Index in `specs` of the first parameter the joint sample gives (`len()` without one).
    pub fn joint_start(&self) -> usize {
        self.len() - self.spec.joint.as_ref().map_or(0, |j| j.columns)
    }

    /// The parameters, in draw order (`out[i]` of [`Self::sample_into`] is `specs()[i]`).
    pub fn specs(&self) -> &[ParamSpec] {
        &self.spec.specs
    }

    /// The correlation entries as given.
    pub fn correlation(&self) -> &[(usize, usize, f64)] {
        self.spec.correlation.as_deref().unwrap_or(&[])
    }

    /// Number of parameters (the length `sample_into` expects).
    pub fn len(&self) -> usize {
        self.spec.specs.len()
    }

    /// True when there are no uncertain parameters.
    pub fn is_empty(&self) -> bool {
        self.spec.specs.is_empty()
    }

    /// Draws one joint set of parameter values into `out` (length [`Self::len`]), without
    /// allocating. Consumes exactly `len()` `u64`s from `rng`. With a joint sample, the
    /// uniform of its first parameter picks the row (the first whose cumulative weight
    /// exceeds it) and the uniforms of its other parameters go unused.
    ///
    /// # Panics
    /// If `out.len() != self.len()`.
    pub fn sample_into<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        assert_eq!(out.len(), self.len(), "sample_into: output slice has the wrong length");
        for o in out.iter_mut() {
            *o = rng.sample(Open01);
        }
        let m = self.corr_idx.len();
        if m > 0 {
            // Uniforms → independent normals for the correlated block.
            for &i in &self.corr_idx {
                out[i] = norm_inv(out[i]);
            }
            // y = L z in place: row k needs z_0..z_k, so go from the last row up.
            for k in (0..m).rev() {
                let row = &self.chol[k * m..k * m + k + 1];
                let mut y = 0.0;
                for (l, &c) in row.iter().enumerate() {
                    y += c * out[self.corr_idx[l]];
                }
                out[self.corr_idx[k]] = norm_cdf(y);
            }
        }
        let start = self.joint_start();
        for (o, s) in out[..start].iter_mut().zip(&self.spec.specs) {
            *o = s.dist.quantile(*o);
        }
        if let Some(j) = &self.spec.joint {
            let u = out[start];
            let row = self.joint_cum.partition_point(|&c| c <= u).min(j.rows.len() - 1);
            out[start..].copy_from_slice(&j.rows[row]);
        }
    }
}

impl TryFrom<UncertaintySpec> for UncertaintySet {
    type Error = UncertaintyError;

    fn try_from(spec: UncertaintySpec) -> Result<Self, Self::Error> {
        for (index, s) in spec.specs.iter().enumerate() {
            s.dist.validate().map_err(|message| UncertaintyError::Dist { index, path: s.path.clone(), message })?;
        }
        let n = spec.specs.len();
        let entries = spec.correlation.as_deref().unwrap_or(&[]);
        let err = |m: String| Err(UncertaintyError::Correlation(m));
        let mut joint_cum = Vec::new();
        if let Some(j) = &spec.joint {
            let bad = |m: String| Err(UncertaintyError::Joint(m));
            if j.columns == 0 || j.columns > n {
                return bad(format!("it gives {} parameters, of the {n} in the set", j.columns));
            }
            j.validate().map_err(UncertaintyError::Joint)?;
            for k in 0..j.columns {
                if spec.specs[n - j.columns + k].dist != j.marginal(k) {
                    return bad(format!(
                        "parameter {} ({}) is not described by its column's marginal",
                        n - j.columns + k,
                        spec.specs[n - j.columns + k].path
                    ));
                }
            }
            if let Some(&(a, b, _)) = entries.iter().find(|&&(a, b, _)| a.max(b) >= n - j.columns) {
                return bad(format!(
                    "the correlation entry ({a}, {b}) names a parameter of the joint sample, whose \
                     dependence is in its rows"
                ));
            }
            let total: f64 = j.weights.iter().sum();
            let mut acc = 0.0;
            for &w in &j.weights {
                acc += w;
                joint_cum.push(acc / total);
            }
        }
        let mut involved = vec![false; n];
        for &(i, j, rho) in entries {
            if i >= n || j >= n {
                return err(format!("entry ({i}, {j}) refers to a parameter beyond the {n} given"));
            }
            if i == j {
                return err(format!("entry ({i}, {j}) is on the diagonal, which is always 1"));
            }
            if !rho.is_finite() || rho.abs() >= 1.0 {
                return err(format!("entry ({i}, {j}): |rho| must be < 1, got {rho}"));
            }
            involved[i] = true;
            involved[j] = true;
        }
        let corr_idx: Vec<usize> = (0..n).filter(|&i| involved[i]).collect();
        let m = corr_idx.len();
        let pos = |i: usize| corr_idx.binary_search(&i).expect("index is involved");
        let mut r = vec![0.0; m * m];
        let mut set = vec![false; m * m];
        for k in 0..m {
            r[k * m + k] = 1.0;
        }
        for &(i, j, rho) in entries {
            let (a, b) = (pos(i), pos(j));
            if set[a * m + b] {
                return err(format!("the pair ({i}, {j}) is given more than once"));
            }
            set[a * m + b] = true;
            set[b * m + a] = true;
            r[a * m + b] = rho;
            r[b * m + a] = rho;
        }
        // Cholesky–Banachiewicz: R = L Lᵀ.
        let mut chol = vec![0.0; m * m];
        for k in 0..m {
            for c in 0..=k {
                let mut s = r[k * m + c];
                for l in 0..c {
                    s -= chol[k * m + l] * chol[c * m + l];
                }
                if c == k {
                    if s <= 1e-12 {
                        return err(format!(
                            "the correlation matrix is not positive definite (it fails at \
                             parameter {} ({})); the correlations given are mutually \
                             inconsistent",
                            corr_idx[k], spec.specs[corr_idx[k]].path
                        ));
                    }
                    chol[k * m + k] = s.sqrt();
                } else {
                    chol[k * m + c] = s / chol[c * m + c];
                }
            }
        }
        Ok(UncertaintySet { spec, corr_idx, chol, joint_cum })
    }
}

impl From<UncertaintySet> for UncertaintySpec {
    fn from(set: UncertaintySet) -> Self {
        set.spec
    }
}
