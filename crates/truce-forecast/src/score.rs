//! Proper scores of probabilistic forecasts: CRPS, log and Brier scores, PIT, central
//! intervals and the interval score.
//!
//! Every score is negatively oriented (smaller is better). The formulas and the reference
//! values the tests assert are those of `docs/reference/forecast-evaluation.md` §1 (copied
//! from the project's shared reference): CRPS of a normal in closed form (§1.3), of an
//! ensemble in the sorted O(m log m) forms, empirical and fair, and of a weighted ensemble
//! (§1.4), of a piecewise-uniform histogram exactly, segment by segment (§1.5); log and
//! Brier scores of a categorical forecast (§1.6); PIT, randomised where the forecast has
//! atoms (§1.8); the interval score (§1.7).
//!
//! A forecast of a number is a [`Predictive`]: a histogram ([`PiecewiseUniform`], what the
//! ensemble stores per week), a normal, an ensemble ([`Ensemble`]) or a point mass. A forecast
//! of a category is a [`Categorical`], whose probabilities are floored so that nothing that
//! can happen scores +∞ (see [`Categorical::from_counts`]).
//!
//! This module is pure: no I/O, no threads, no clock. Randomness (the randomised PIT) comes
//! only from a uniform the caller passes, which callers derive from a keyed stream
//! ([`case_uniform`]) so every number here is reproducible.

use rand::Rng;
use truce_engine::special::{norm_cdf, norm_pdf};

/// The central interval levels every scored case reports membership of.
pub const LEVELS: [f64; 3] = [0.5, 0.8, 0.9];

/// Key mixed into the seed of the randomised PIT's uniforms, so they never share a stream
/// with a simulation run or a parameter draw.
pub const PIT_KEY: u64 = 0x0715_c0de_5eed_0001;

/// Why a forecast distribution could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoreError {
    /// The inputs do not describe a distribution (lengths, NaN, negative mass, no mass).
    #[error("not a distribution: {0}")]
    Invalid(String),
}

fn invalid(m: impl Into<String>) -> ScoreError {
    ScoreError::Invalid(m.into())
}

/// The uniform on [0, 1) that randomises the PIT of case `case` under `seed`: the first
/// draw of ChaCha8 keyed by `seed ^ PIT_KEY` on stream `case`. Same (seed, case), same value.
pub fn case_uniform(seed: u64, case: u64) -> f64 {
    truce_engine::run_rng(seed ^ PIT_KEY, case).random::<f64>()
}

/// The randomised PIT u = F(y−) + v·(F(y) − F(y−)): the PIT of a continuous forecast when
/// there is no atom at y, uniform over the atom otherwise (Czado, Gneiting & Held 2009).
pub fn randomised_pit(f_left: f64, f_right: f64, v: f64) -> f64 {
    f_left + v * (f_right - f_left)
}

/// CRPS of a point forecast x: |x − y|.
pub fn crps_point(x: f64, y: f64) -> f64 {
    (x - y).abs()
}

/// CRPS of N(μ, σ²) at y in closed form: σ [z(2Φ(z) − 1) + 2φ(z) − 1/√π], z = (y − μ)/σ
/// (Gneiting, Raftery, Westveld & Goldman 2005). σ = 0 is a point mass.
pub fn crps_normal(mu: f64, sigma: f64, y: f64) -> f64 {
    if sigma == 0.0 {
        return crps_point(mu, y);
    }
    let z = (y - mu) / sigma;
    sigma * (z * (2.0 * norm_cdf(z) - 1.0) + 2.0 * norm_pdf(z) - 1.0 / std::f64::consts::PI.sqrt())
}

/// CRPS of the empirical distribution of an ensemble at y (sorted form, §1.4):
/// (2/m) Σ [1{y ≤ x₍ᵢ₎} − (2i − 1)/(2m)] (x₍ᵢ₎ − y). `sorted` must be ascending and non-empty.
pub fn crps_ensemble(sorted: &[f64], y: f64) -> f64 {
    let m = sorted.len() as f64;
    let mut s = 0.0;
    for (i, &x) in sorted.iter().enumerate() {
        let ind = if y <= x { 1.0 } else { 0.0 };
        s += (ind - (2.0 * i as f64 + 1.0) / (2.0 * m)) * (x - y);
    }
    2.0 * s / m
}

/// The fair CRPS of an ensemble at y (Ferro 2014), for members that are a sample of the
/// forecast rather than the forecast itself: (2/m) Σ [1{y ≤ x₍ᵢ₎} − (i − 1)/(m − 1)] (x₍ᵢ₎ − y);
/// |x − y| for one member. `sorted` must be ascending and non-empty.
pub fn crps_ensemble_fair(sorted: &[f64], y: f64) -> f64 {
    let m = sorted.len();
    if m == 1 {
        return crps_point(sorted[0], y);
    }
    let mut s = 0.0;
    for (i, &x) in sorted.iter().enumerate() {
        let ind = if y <= x { 1.0 } else { 0.0 };
        s += (ind - i as f64 / (m - 1) as f64) * (x - y);
    }
    2.0 * s / m as f64
}

/// CRPS of a weighted ensemble at y: Σ wᵢ|xᵢ − y| − ½ ΣΣ wᵢwⱼ|xᵢ − xⱼ|, in the sorted
/// O(m log m) form Σ w₍ᵢ₎|x₍ᵢ₎ − y| − Σ w₍ᵢ₎ x₍ᵢ₎ (Cᵢ₋₁ + Cᵢ − 1) with Cᵢ the cumulative
/// weights. `sorted` holds (x, w) ascending in x with weights summing to 1.
pub fn crps_weighted(sorted: &[(f64, f64)], y: f64) -> f64 {
    let (mut a, mut b, mut c) = (0.0, 0.0, 0.0);
    for &(x, w) in sorted {
        let next = c + w;
        a += w * (x - y).abs();
        b += w * x * (c + next - 1.0);
        c = next;
    }
    a - b
}

/// The interval score of a central (1 − α) interval [l, u] at y (Gneiting & Raftery 2007
/// §6.2): (u − l) + (2/α)(l − y)·1{y < l} + (2/α)(y − u)·1{y > u}.
pub fn interval_score(l: f64, u: f64, alpha: f64, y: f64) -> f64 {
    let mut s = u - l;
    if y < l {
        s += 2.0 / alpha * (l - y);
    }
    if y > u {
        s += 2.0 / alpha * (y - u);
    }
    s
}

/// A piecewise-uniform distribution: mass `probs[k]` spread evenly over
/// [`edges[k]`, `edges[k + 1]`]. A bin of zero width is a point mass (an atom).
///
/// Why: it is exactly what a fixed-bin histogram of an ensemble says, and its CRPS, CDF and
/// quantiles have exact closed forms, so a stored forecast is scored without resampling.
#[derive(Debug, Clone, PartialEq)]
pub struct PiecewiseUniform {
    edges: Vec<f64>,
    probs: Vec<f64>,
}

impl PiecewiseUniform {
    /// A distribution from non-decreasing finite `edges` (one more than `probs`) and
    /// non-negative `probs`, normalised to sum to 1 (they must have some mass).
    pub fn new(edges: Vec<f64>, probs: Vec<f64>) -> Result<Self, ScoreError> {
        if edges.len() != probs.len() + 1 || probs.is_empty() {
            return Err(invalid(format!(
                "{} edges for {} bins; need one more edge than bins",
                edges.len(),
                probs.len()
            )));
        }
        if edges.iter().any(|e| !e.is_finite()) || edges.windows(2).any(|w| w[1] < w[0]) {
            return Err(invalid("bin edges must be finite and non-decreasing"));
        }
        if probs.iter().any(|p| !(p.is_finite() && *p >= 0.0)) {
            return Err(invalid("bin probabilities must be finite and non-negative"));
        }
        let total: f64 = probs.iter().sum();
        if total <= 0.0 {
            return Err(invalid("the bins hold no mass"));
        }
        let probs = probs.into_iter().map(|p| p / total).collect();
        Ok(PiecewiseUniform { edges, probs })
    }

    /// The distribution of a fixed-bin histogram: `counts` in equal bins on [lo, hi), plus
    /// `under` values below lo and `over` values at or above hi. The tails are spread
    /// evenly over [low_end, lo] and [hi, high_end] (the smallest and largest values seen;
    /// equal to lo or hi they are atoms there). Bins with no mass are dropped.
    #[allow(clippy::too_many_arguments)]
    pub fn from_histogram(
        lo: f64,
        hi: f64,
        counts: &[u64],
        under: u64,
        over: u64,
        low_end: f64,
        high_end: f64,
    ) -> Result<Self, ScoreError> {
        let masses: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
        Self::from_masses(lo, hi, &masses, under as f64, over as f64, low_end, high_end)
    }

    /// As [`Self::from_histogram`] with masses (counts or probabilities) instead of counts.
    #[allow(clippy::too_many_arguments)]
    pub fn from_masses(
        lo: f64,
        hi: f64,
        masses: &[f64],
        under: f64,
        over: f64,
        low_end: f64,
        high_end: f64,
    ) -> Result<Self, ScoreError> {
        if !(lo.is_finite() && hi.is_finite() && lo < hi) || masses.is_empty() {
            return Err(invalid(format!("histogram range [{lo}, {hi}) with {} bins", masses.len())));
        }
        if !(low_end.is_finite() && high_end.is_finite()) {
            return Err(invalid("the tails' ends must be finite"));
        }
        let w = (hi - lo) / masses.len() as f64;
        let mut edges = Vec::new();
        let mut probs = Vec::new();
        let mut push = |a: f64, b: f64, c: f64| {
            if c <= 0.0 || c.is_nan() {
                return;
            }
            match edges.last() {
                None => edges.push(a),
                // A stretch without mass between two bins: a bin of probability 0.
                Some(&last) if last != a => {
                    edges.push(a);
                    probs.push(0.0);
                }
                Some(_) => {}
            }
            edges.push(b);
            probs.push(c);
        };
        push(low_end.min(lo), lo, under);
        for (k, &c) in masses.iter().enumerate() {
            let a = lo + k as f64 * w;
            let b = if k + 1 == masses.len() { hi } else { lo + (k + 1) as f64 * w };
            push(a, b, c);
        }
        push(hi, high_end.max(hi), over);
        Self::new(edges, probs)
    }

    /// The bin edges.
    pub fn edges(&self) -> &[f64] {
        &self.edges
    }

    /// The bin probabilities (summing to 1).
    pub fn probs(&self) -> &[f64] {
        &self.probs
    }

    /// F(x) = P(X ≤ x).
    pub fn cdf(&self, x: f64) -> f64 {
        self.cdf_inner(x, true)
    }

    /// F(x−) = P(X < x): differs from [`Self::cdf`] only at an atom.
    pub fn cdf_left(&self, x: f64) -> f64 {
        self.cdf_inner(x, false)
    }

    fn cdf_inner(&self, x: f64, inclusive: bool) -> f64 {
        let mut f = 0.0;
        for (k, &p) in self.probs.iter().enumerate() {
            let (a, b) = (self.edges[k], self.edges[k + 1]);
            if b < x || (b == x && (inclusive || a < b)) {
                f += p;
            } else if a < x {
                f += p * (x - a) / (b - a);
            } else {
                break;
            }
        }
        f.min(1.0)
    }

    /// The p-quantile: the smallest x with F(x) ≥ p, linear inside a bin.
    pub fn quantile(&self, p: f64) -> f64 {
        let p = p.clamp(0.0, 1.0);
        let mut f = 0.0;
        for (k, &q) in self.probs.iter().enumerate() {
            if q > 0.0 && f + q >= p {
                let (a, b) = (self.edges[k], self.edges[k + 1]);
                let frac = ((p - f) / q).clamp(0.0, 1.0);
                return a + frac * (b - a);
            }
            f += q;
        }
        *self.edges.last().expect("at least two edges")
    }

    /// The mean.
    pub fn mean(&self) -> f64 {
        self.probs.iter().enumerate().map(|(k, &p)| p * 0.5 * (self.edges[k] + self.edges[k + 1])).sum()
    }

    /// The exact CRPS at y: the threshold integral ∫ (F(z) − 1{y ≤ z})² dz summed over the
    /// segments on which F is linear (§1.5). Atoms need no special case: a segment of zero
    /// width adds nothing and F jumps across it.
    pub fn crps(&self, y: f64) -> f64 {
        let e = &self.edges;
        let k = self.probs.len();
        let mut total = 0.0;
        if y < e[0] {
            total += e[0] - y;
        }
        if y > e[k] {
            total += y - e[k];
        }
        // ∫ over [xa, xb] of (linear F from fa to fb, minus c)².
        let seg = |xa: f64, xb: f64, fa: f64, fb: f64, c: f64| {
            let (a, b) = (fa - c, fb - c);
            (xb - xa) * (a * a + a * b + b * b) / 3.0
        };
        let mut f = 0.0;
        for (i, &p) in self.probs.iter().enumerate() {
            let (a, b) = (e[i], e[i + 1]);
            let (fa, fb) = (f, (f + p).min(1.0));
            if b <= y {
                total += seg(a, b, fa, fb, 0.0);
            } else if a >= y {
                total += seg(a, b, fa, fb, 1.0);
            } else {
                let fy = fa + (fb - fa) * (y - a) / (b - a);
                total += seg(a, y, fa, fy, 0.0) + seg(y, b, fy, fb, 1.0);
            }
            f = fb;
        }
        total
    }
}

/// How an ensemble's CRPS is estimated (§1.4): `Empirical` when the members *are* the
/// forecast, `Fair` when they are a Monte Carlo sample of it (unbiased for the CRPS of the
/// distribution they were drawn from, whatever the number of members).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnsembleCrps {
    /// The empirical distribution of the members.
    Empirical,
    /// Ferro's fair estimator.
    Fair,
}

/// An equally weighted ensemble, kept sorted.
#[derive(Debug, Clone, PartialEq)]
pub struct Ensemble {
    sorted: Vec<f64>,
    estimator: EnsembleCrps,
}

impl Ensemble {
    /// An ensemble of finite members (at least one), scored with `estimator`.
    pub fn new(mut members: Vec<f64>, estimator: EnsembleCrps) -> Result<Self, ScoreError> {
        if members.is_empty() {
            return Err(invalid("an ensemble needs at least one member"));
        }
        if members.iter().any(|x| !x.is_finite()) {
            return Err(invalid("ensemble members must be finite"));
        }
        members.sort_by(f64::total_cmp);
        Ok(Ensemble { sorted: members, estimator })
    }

    /// The members, ascending.
    pub fn members(&self) -> &[f64] {
        &self.sorted
    }

    /// F(x) of the empirical distribution: the share of members ≤ x.
    pub fn cdf(&self, x: f64) -> f64 {
        self.sorted.partition_point(|&m| m <= x) as f64 / self.sorted.len() as f64
    }

    /// F(x−): the share of members < x.
    pub fn cdf_left(&self, x: f64) -> f64 {
        self.sorted.partition_point(|&m| m < x) as f64 / self.sorted.len() as f64
    }

    /// The p-quantile of the empirical distribution: x₍⌈mp⌉₎ (the smallest member with
    /// F ≥ p; the first member for p = 0).
    pub fn quantile(&self, p: f64) -> f64 {
        let m = self.sorted.len();
        let k = (p.clamp(0.0, 1.0) * m as f64).ceil() as usize;
        self.sorted[k.clamp(1, m) - 1]
    }

    /// The CRPS at y with the ensemble's estimator.
    pub fn crps(&self, y: f64) -> f64 {
        match self.estimator {
            EnsembleCrps::Empirical => crps_ensemble(&self.sorted, y),
            EnsembleCrps::Fair => crps_ensemble_fair(&self.sorted, y),
        }
    }
}

/// A forecast of one number, in any of the forms truce scores.
#[derive(Debug, Clone, PartialEq)]
pub enum Predictive {
    /// A piecewise-uniform histogram (the ensemble's stored distribution).
    Histogram(PiecewiseUniform),
    /// N(mean, sd²).
    Normal {
        /// The mean.
        mean: f64,
        /// The standard deviation (> 0).
        sd: f64,
    },
    /// An ensemble of draws.
    Ensemble(Ensemble),
    /// A point forecast (the no-change baseline).
    Point(f64),
}

impl Predictive {
    /// F(x).
    pub fn cdf(&self, x: f64) -> f64 {
        match self {
            Predictive::Histogram(h) => h.cdf(x),
            Predictive::Normal { mean, sd } => norm_cdf((x - mean) / sd),
            Predictive::Ensemble(e) => e.cdf(x),
            Predictive::Point(p) => f64::from(u8::from(x >= *p)),
        }
    }

    /// F(x−).
    pub fn cdf_left(&self, x: f64) -> f64 {
        match self {
            Predictive::Histogram(h) => h.cdf_left(x),
            Predictive::Normal { mean, sd } => norm_cdf((x - mean) / sd),
            Predictive::Ensemble(e) => e.cdf_left(x),
            Predictive::Point(p) => f64::from(u8::from(x > *p)),
        }
    }

    /// The p-quantile.
    pub fn quantile(&self, p: f64) -> f64 {
        match self {
            Predictive::Histogram(h) => h.quantile(p),
            Predictive::Normal { mean, sd } => mean + sd * truce_engine::special::norm_inv(p),
            Predictive::Ensemble(e) => e.quantile(p),
            Predictive::Point(x) => *x,
        }
    }

    /// The CRPS at y (exact for histograms, normals and points; the ensemble's estimator).
    pub fn crps(&self, y: f64) -> f64 {
        match self {
            Predictive::Histogram(h) => h.crps(y),
            Predictive::Normal { mean, sd } => crps_normal(*mean, *sd, y),
            Predictive::Ensemble(e) => e.crps(y),
            Predictive::Point(x) => crps_point(*x, y),
        }
    }

    /// The PIT at y, randomised over an atom at y by the uniform `v` ([`case_uniform`]).
    pub fn pit(&self, y: f64, v: f64) -> f64 {
        randomised_pit(self.cdf_left(y), self.cdf(y), v)
    }

    /// The central interval of probability `level`: [q((1 − level)/2), q((1 + level)/2)].
    pub fn central_interval(&self, level: f64) -> (f64, f64) {
        let a = (1.0 - level) / 2.0;
        (self.quantile(a), self.quantile(1.0 - a))
    }

    /// Scores one observation: CRPS, PIT, membership of the central [`LEVELS`] intervals
    /// and the interval score of the 90% interval.
    pub fn score(&self, y: f64, v: f64) -> NumericScore {
        let inside = LEVELS.map(|l| {
            let (a, b) = self.central_interval(l);
            a <= y && y <= b
        });
        let (l90, u90) = self.central_interval(0.9);
        NumericScore {
            crps: self.crps(y),
            pit: self.pit(y, v),
            inside,
            interval_score_90: interval_score(l90, u90, 0.1, y),
            median: self.quantile(0.5),
        }
    }
}

/// The scores of one numeric observation against one forecast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumericScore {
    /// CRPS, in the observation's unit.
    pub crps: f64,
    /// PIT F(y) (randomised over an atom).
    pub pit: f64,
    /// Whether y lies in the central 50%, 80% and 90% intervals ([`LEVELS`]).
    pub inside: [bool; 3],
    /// Interval score of the central 90% interval (α = 0.1).
    pub interval_score_90: f64,
    /// The forecast's median, for reading the table.
    pub median: f64,
}

/// A forecast over categories, with probabilities that are never 0 or 1.
///
/// Why the floor: the log score of an outcome given probability 0 is +∞, and an ensemble of
/// m runs that never saw an outcome does not know it is impossible. Counts k of m become
/// (k + ½)/(m + K/2) over K categories (a Jeffreys-type estimate; for two categories the
/// (k + ½)/(m + 1) of the forecast-evaluation reference §1.6). A choice, not a standard:
/// it is stated with every score.
#[derive(Debug, Clone, PartialEq)]
pub struct Categorical {
    probs: Vec<f64>,
}

impl Categorical {
    /// Floored probabilities from counts over K ≥ 2 categories (m = Σ counts may be 0:
    /// then every category gets 1/K).
    pub fn from_counts(counts: &[u64]) -> Result<Self, ScoreError> {
        if counts.len() < 2 {
            return Err(invalid("a categorical forecast needs at least two categories"));
        }
        let m: u64 = counts.iter().sum();
        let denom = m as f64 + counts.len() as f64 / 2.0;
        Ok(Categorical { probs: counts.iter().map(|&k| (k as f64 + 0.5) / denom).collect() })
    }

    /// Probabilities given directly (a baseline's), finite, non-negative and normalised
    /// to sum to 1.
    pub fn from_probs(probs: Vec<f64>) -> Result<Self, ScoreError> {
        if probs.len() < 2 || probs.iter().any(|p| !(p.is_finite() && *p >= 0.0)) {
            return Err(invalid("need at least two finite, non-negative probabilities"));
        }
        let total: f64 = probs.iter().sum();
        if total <= 0.0 {
            return Err(invalid("the probabilities sum to 0"));
        }
        Ok(Categorical { probs: probs.into_iter().map(|p| p / total).collect() })
    }

    /// The probabilities.
    pub fn probs(&self) -> &[f64] {
        &self.probs
    }

    /// Log score −ln p(observed) in nats (Good 1952).
    pub fn log_score(&self, observed: usize) -> f64 {
        -self.probs[observed].ln()
    }

    /// Brier score in its multi-category sum form Σₖ (pₖ − oₖ)² (Brier 1950; range 0–2;
    /// twice the binary (p − o)² for two categories).
    pub fn brier(&self, observed: usize) -> f64 {
        self.probs.iter().enumerate().map(|(k, &p)| (p - f64::from(u8::from(k == observed))).powi(2)).sum()
    }
}

/// The log score −ln p of an event given probability p (nats).
pub fn log_score(p: f64) -> f64 {
    -p.ln()
}

/// The binary Brier score (p − o)² of an event given probability p, with outcome o.
pub fn brier_binary(p: f64, happened: bool) -> f64 {
    (p - f64::from(u8::from(happened))).powi(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b}");
    }

    #[test]
    fn histogram_from_counts_spreads_tails() {
        let h = PiecewiseUniform::from_histogram(0.0, 10.0, &[0, 2, 0, 0, 2], 1, 1, -5.0, 10.0).unwrap();
        // under on [-5, 0], bins [2,4] and [8,10], over as an atom at 10.
        assert_eq!(h.edges(), &[-5.0, 0.0, 2.0, 4.0, 8.0, 10.0, 10.0]);
        close(h.cdf(0.0), 1.0 / 6.0, 1e-15);
        close(h.cdf_left(10.0), 5.0 / 6.0, 1e-15);
        close(h.cdf(10.0), 1.0, 1e-15);
    }

    #[test]
    fn quantile_inverts_the_cdf() {
        let h = PiecewiseUniform::new(vec![0.0, 1.0, 3.0, 6.0], vec![0.2, 0.5, 0.3]).unwrap();
        for p in [0.1, 0.2, 0.45, 0.7, 0.95] {
            close(h.cdf(h.quantile(p)), p, 1e-12);
        }
    }
}
