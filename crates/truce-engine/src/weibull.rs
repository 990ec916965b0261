//! The Weibull distribution of war durations and its one maximum-likelihood estimator.
//!
//! Durations reach it in three forms: known exactly (a Correlates of War war's days), known to
//! lie in an interval (a run whose first end fell in week w ended between w and w + 1 weeks),
//! or known only to exceed a value (a war still going: right-censored). The ensemble's
//! base-rate checks ([`crate::base_rates`]) and the back-cast base-rate forecaster both fit
//! through [`Weibull::fit`], so the two cannot drift apart. It is the plain MLE: no prior, no
//! smoothing; a fit whose maximum lies at the edge of the searched shapes is refused, not
//! clamped.

use serde::Serialize;

/// One observed duration, in any unit of time (the fit's scale comes back in the same unit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Duration {
    /// Ended at exactly this time (> 0): likelihood f(t).
    Exact(f64),
    /// Ended between the two times (0 ≤ a < b): likelihood S(a) − S(b).
    Between(f64, f64),
    /// Still going at this time (≥ 0): likelihood S(t).
    AtLeast(f64),
}

/// A Weibull distribution: survival S(t) = exp(−(t/scale)^shape).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Weibull {
    /// Shape k (< 1: the hazard of ending falls as a war ages).
    pub shape: f64,
    /// Scale λ, in the unit of the durations it was fitted to.
    pub scale: f64,
}

/// The shapes searched by [`Weibull::fit`]: far wider than any fitted to war durations
/// (0.72 on the Correlates of War inter-state wars).
pub const SHAPES: (f64, f64) = (0.01, 50.0);

impl Weibull {
    /// The cumulative hazard (t/λ)^k at `t` (0 for t ≤ 0).
    pub fn cum_hazard(&self, t: f64) -> f64 {
        (t.max(0.0) / self.scale).powf(self.shape)
    }

    /// P(the war has ended within `more` | it was still going at age `age`).
    pub fn p_end_within(&self, age: f64, more: f64) -> f64 {
        if more <= 0.0 {
            return 0.0;
        }
        1.0 - (-(self.cum_hazard(age + more) - self.cum_hazard(age))).exp()
    }

    /// The time t after `age` with P(ended within t | going at `age`) = p (0 ≤ p < 1): the
    /// inverse of [`Weibull::p_end_within`].
    pub fn remaining_quantile(&self, age: f64, p: f64) -> f64 {
        let h = self.cum_hazard(age) - (1.0 - p).ln();
        self.scale * h.powf(1.0 / self.shape) - age.max(0.0)
    }

    /// Maximum-likelihood fit to weighted durations `(duration, weight ≥ 0)`.
    ///
    /// The log-likelihood is profiled: for a fixed shape it is unimodal in ln λ, and the
    /// profile is unimodal in ln k, so two nested golden-section searches (80 steps each;
    /// about √ε relative precision on a smooth maximum, far below any use) find it. Its cost
    /// is 6,400 likelihood evaluations: group equal durations into one weighted entry.
    /// Errors: no duration that ended (the likelihood then grows without bound in λ), a
    /// non-finite or negative value or weight, or a maximum at the edge of [`SHAPES`].
    pub fn fit(obs: &[(Duration, f64)]) -> Result<Weibull, String> {
        let mut ended = 0.0;
        let (mut lo_t, mut hi_t) = (f64::INFINITY, 0.0f64);
        for &(d, w) in obs {
            if !(w >= 0.0 && w.is_finite()) {
                return Err(format!("weight {w} is not a finite number ≥ 0"));
            }
            let (ok, end, times) = match d {
                Duration::Exact(t) => (t > 0.0 && t.is_finite(), true, [t, t]),
                Duration::Between(a, b) => (a >= 0.0 && a < b && b.is_finite(), true, [a.max(b / 2.0), b]),
                Duration::AtLeast(t) => (t >= 0.0 && t.is_finite(), false, [t, t]),
            };
            if !ok {
                return Err(format!("{d:?} is not a valid duration"));
            }
            if w > 0.0 {
                if end {
                    ended += w;
                }
                for t in times.into_iter().filter(|&t| t > 0.0) {
                    lo_t = lo_t.min(t);
                    hi_t = hi_t.max(t);
                }
            }
        }
        if ended <= 0.0 || hi_t <= 0.0 {
            return Err("no duration that ended: the likelihood has no maximum".into());
        }
        let ll = |k: f64, scale: f64| {
            let cum = |t: f64| (t / scale).powf(k);
            let mut l = 0.0;
            for &(d, w) in obs {
                if w == 0.0 {
                    continue;
                }
                l += w * match d {
                    Duration::Exact(t) => k.ln() - scale.ln() + (k - 1.0) * (t / scale).ln() - cum(t),
                    // ln(e^−a − e^−b) = −a + ln(1 − e^(a − b)), stable for short intervals.
                    Duration::Between(a, b) => {
                        let (ha, hb) = (cum(a), cum(b));
                        -ha + (-(-(hb - ha)).exp_m1()).max(1e-300).ln()
                    }
                    Duration::AtLeast(t) => -cum(t),
                };
            }
            l
        };
        let golden = |lo: f64, hi: f64, f: &dyn Fn(f64) -> f64| {
            let (mut a, mut b) = (lo, hi);
            let g = (5f64.sqrt() - 1.0) / 2.0;
            for _ in 0..80 {
                let (c, d) = (b - g * (b - a), a + g * (b - a));
                if f(c) < f(d) {
                    a = c;
                } else {
                    b = d;
                }
            }
            (a + b) / 2.0
        };
        // ln λ: from far below the shortest duration to far above the longest (a small shape
        // puts the scale well beyond the data).
        let (ls_lo, ls_hi) = (lo_t.ln() - 25.0, hi_t.ln() + 400.0);
        let best_scale = |k: f64| golden(ls_lo, ls_hi.min(ls_lo + 700.0), &|ls: f64| ll(k, ls.exp())).exp();
        let (lk_lo, lk_hi) = (SHAPES.0.ln(), SHAPES.1.ln());
        let k = golden(lk_lo, lk_hi, &|lk: f64| {
            let k = lk.exp();
            ll(k, best_scale(k))
        })
        .exp();
        if k < SHAPES.0 * 1.0001 || k > SHAPES.1 / 1.0001 {
            return Err(format!("the maximum-likelihood shape lies at the edge of [{}, {}]", SHAPES.0, SHAPES.1));
        }
        Ok(Weibull { shape: k, scale: best_scale(k) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inverse-CDF durations on a fixed grid of a known Weibull.
    fn draws(k: f64, lam: f64, n: usize) -> Vec<f64> {
        (0..n).map(|i| lam * (-(1.0 - (i as f64 + 0.5) / n as f64).ln()).powf(1.0 / k)).collect()
    }

    /// Exact durations with right-censoring: the fit solves the closed-form score equation
    /// λ^k = Σ tᵢ^k / d, d/k + Σ_ended ln tᵢ − d Σ tᵢ^k ln tᵢ / Σ tᵢ^k = 0.
    #[test]
    fn exact_and_censored_durations_solve_the_score_equations() {
        let t = draws(0.72, 327.0, 400);
        let cut = 900.0;
        let obs: Vec<(Duration, f64)> =
            t.iter().map(|&x| (if x < cut { Duration::Exact(x) } else { Duration::AtLeast(cut) }, 1.0)).collect();
        let w = Weibull::fit(&obs).unwrap();
        let times: Vec<(f64, bool)> = t.iter().map(|&x| (x.min(cut), x < cut)).collect();
        let d = times.iter().filter(|x| x.1).count() as f64;
        let (mut a, mut b, mut s) = (0.0, 0.0, 0.0);
        for &(x, e) in &times {
            let p = x.powf(w.shape);
            a += p;
            b += p * x.ln();
            if e {
                s += x.ln();
            }
        }
        // The score's slope in k is about −d/k², so this bounds the shape's error: golden
        // section on a smooth maximum is precise to about √ε relative, far below any use.
        let score = d / w.shape + s - d * b / a;
        let dk = score.abs() * w.shape * w.shape / d;
        assert!(dk < 1e-7 * w.shape, "score {score}: shape off by about {dk}");
        assert!(((a / d).powf(1.0 / w.shape) / w.scale - 1.0).abs() < 1e-7, "{w:?}");
        assert!((w.shape - 0.72).abs() < 0.05 && (w.scale / 327.0 - 1.0).abs() < 0.1, "{w:?}");
    }

    /// Interval-censored durations (weekly resolution, counted per week as
    /// [`crate::base_rates::weibull`] does) recover the Weibull they came from.
    #[test]
    fn interval_censored_durations_recover_the_truth() {
        let mut per_week = vec![0.0; 2001];
        for t in draws(0.72, 40.0, 20_000) {
            per_week[((t.ceil().max(1.0) - 1.0) as usize).min(2000)] += 1.0;
        }
        let obs: Vec<(Duration, f64)> = per_week
            .iter()
            .enumerate()
            .map(|(w, &c)| {
                let w = w as f64;
                (if w < 2000.0 { Duration::Between(w, w + 1.0) } else { Duration::AtLeast(2000.0) }, c)
            })
            .collect();
        let w = Weibull::fit(&obs).unwrap();
        assert!((w.shape - 0.72).abs() < 0.03 && (w.scale / 40.0 - 1.0).abs() < 0.05, "{w:?}");
    }

    #[test]
    fn weights_are_repeated_observations() {
        let one = [(Duration::Exact(3.0), 2.0), (Duration::Exact(10.0), 1.0), (Duration::AtLeast(12.0), 1.0)];
        let rep = [
            (Duration::Exact(3.0), 1.0),
            (Duration::Exact(3.0), 1.0),
            (Duration::Exact(10.0), 1.0),
            (Duration::AtLeast(12.0), 1.0),
        ];
        let (a, b) = (Weibull::fit(&one).unwrap(), Weibull::fit(&rep).unwrap());
        assert!((a.shape / b.shape - 1.0).abs() < 1e-6 && (a.scale / b.scale - 1.0).abs() < 1e-6);
    }

    #[test]
    fn bad_inputs_are_errors_not_panics() {
        assert!(Weibull::fit(&[]).is_err());
        assert!(Weibull::fit(&[(Duration::AtLeast(5.0), 1.0)]).is_err(), "censored only");
        assert!(Weibull::fit(&[(Duration::Exact(f64::NAN), 1.0)]).is_err());
        assert!(Weibull::fit(&[(Duration::Exact(-1.0), 1.0)]).is_err());
        assert!(Weibull::fit(&[(Duration::Between(3.0, 2.0), 1.0)]).is_err());
        assert!(Weibull::fit(&[(Duration::Exact(1.0), -1.0)]).is_err());
        // One distinct duration: the likelihood grows without bound in k.
        assert!(Weibull::fit(&[(Duration::Exact(5.0), 1.0), (Duration::Exact(5.0), 1.0)]).is_err());
    }

    #[test]
    fn the_quantile_inverts_the_conditional_probability() {
        let w = Weibull { shape: 0.72, scale: 327.0 };
        for p in [0.05, 0.5, 0.95] {
            let t = w.remaining_quantile(365.0, p);
            assert!((w.p_end_within(365.0, t) - p).abs() < 1e-12);
        }
        // Falling hazard: an older war is less likely to end in the next year.
        assert!(w.p_end_within(1460.0, 365.0) < w.p_end_within(365.0, 365.0));
        assert_eq!(w.p_end_within(100.0, 0.0), 0.0);
    }
}
