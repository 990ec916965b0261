//! The asymmetric Nash bargaining solution with the status quo as disagreement point.
//!
//! Per issue, with disagreement point d (the status quo, DEU's reference point `rp`) and
//! weights w_i = c_i · s_i (salience enters only through the weights: a positive factor on
//! u_i adds ln s_i to the objective and does not move the maximiser):
//!
//! ```text
//! x* = argmax_{x ∈ F} Σ_i w_i ln(u_i(x) − u_i(d)),   F = { x : u_i(x) > u_i(d) ∀ i with w_i > 0 }
//! ```
//!
//! with linear loss u_i(x) = −|x − x_i| or quadratic loss u_i(x) = −(x − x_i)². Sources: Nash
//! (1950, *Econometrica* 18:155–162) and the asymmetric form of Kalai (1977); the DEU
//! literature's use of the reference point as disagreement point (Schneider, Finke & Bailer
//! 2010, *Political Studies* 58:85–103); derivations in `docs/reference/bargaining-models.md`
//! §3.2. For both losses actor i accepts exactly the open interval between d and its mirror
//! point 2x_i − d, so F is empty whenever actors sit on both sides of d or one sits at d. The
//! objective is strictly concave on F and is maximised by bisection on the sign of its
//! (left and right) derivative, to machine precision.
//!
//! Where F is empty, [`EmptySetRule`] decides; the default falls back to the compromise
//! model (c·s-weighted mean) and says so in the solution's notes. Issues are solved one by
//! one ("several issues at once" means a whole multi-issue table in one call).

use crate::model::{solve_static, BargainingModel, ModelError, Solution, SolveContext};
use crate::stats::weighted_mean;
use crate::table::ActorTable;

/// Utility form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Loss {
    /// u_i(x) = −|x − x_i|.
    #[default]
    Linear,
    /// u_i(x) = −(x − x_i)².
    Quadratic,
}

/// What to do when no point beats the status quo for every actor (`nash_empty_set`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EmptySetRule {
    /// Use the c·s-weighted mean (the compromise model) and note it. The default.
    #[default]
    FallBackToMean,
    /// Forecast the status quo.
    ReturnDisagreementPoint,
    /// Drop actors sitting exactly at d and retry; then fall back to the mean.
    DropActorsAtD,
    /// Report an error.
    Error,
}

/// Outcome of one issue's Nash problem.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NashOutcome {
    /// The maximiser of the Nash product.
    Solved(f64),
    /// F is empty.
    Empty,
}

/// Solves one issue. `x`, `w` are positions and weights; `d` the disagreement point.
pub fn nash_issue(x: &[f64], w: &[f64], d: f64, loss: Loss) -> NashOutcome {
    // Feasible interval: intersection of (min(d, m_i), max(d, m_i)), m_i = 2x_i − d.
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    let mut any = false;
    for (&xi, &wi) in x.iter().zip(w) {
        if wi <= 0.0 {
            continue;
        }
        any = true;
        let m = 2.0 * xi - d;
        lo = lo.max(d.min(m));
        hi = hi.min(d.max(m));
    }
    if !any || lo >= hi {
        return NashOutcome::Empty;
    }
    // Left and right derivatives of Σ w_i ln g_i at p (they differ only at a kink of the
    // linear loss). The objective is strictly concave, so the derivative falls monotonically
    // and bisection on its sign converges to the unique maximiser; derivatives, unlike
    // objective differences, stay accurate next to a flat maximum.
    let derivs = |p: f64| -> (f64, f64) {
        let (mut left, mut right) = (0.0, 0.0);
        for (&xi, &wi) in x.iter().zip(w) {
            if wi <= 0.0 {
                continue;
            }
            match loss {
                Loss::Linear => {
                    let g = (d - xi).abs() - (p - xi).abs();
                    let (sl, sr) = if p > xi {
                        (1.0, 1.0)
                    } else if p < xi {
                        (-1.0, -1.0)
                    } else {
                        (-1.0, 1.0)
                    };
                    left -= wi * sl / g;
                    right -= wi * sr / g;
                }
                Loss::Quadratic => {
                    let g = (d - xi).powi(2) - (p - xi).powi(2);
                    let v = -2.0 * wi * (p - xi) / g;
                    left += v;
                    right += v;
                }
            }
        }
        (left, right)
    };
    let (mut a, mut b) = (lo, hi);
    for _ in 0..200 {
        let m = 0.5 * (a + b);
        if m <= a || m >= b {
            break;
        }
        let (l, r) = derivs(m);
        if l >= 0.0 && r <= 0.0 {
            return NashOutcome::Solved(m);
        }
        if r > 0.0 {
            a = m;
        } else {
            b = m;
        }
    }
    NashOutcome::Solved(0.5 * (a + b))
}

/// The Nash bargaining model.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Nash {
    pub loss: Loss,
    pub empty_set: EmptySetRule,
    /// Status quo per issue (table order); `None` for an issue without one, which then uses
    /// the empty-set rule's fallback and is noted.
    pub status_quo: Vec<Option<f64>>,
}

impl BargainingModel for Nash {
    fn name(&self) -> &str {
        "nash"
    }
    fn solve(&self, table: &ActorTable, _ctx: &SolveContext) -> Result<Solution, ModelError> {
        let mut k = 0usize;
        solve_static(self.name(), table, |issue, v| {
            let d = self.status_quo.get(k).copied().flatten();
            k += 1;
            let w = v.weights();
            let mean = weighted_mean(&v.position, &w).unwrap_or(f64::NAN);
            let Some(d) = d else {
                return Ok((
                    mean,
                    Some(format!("issue `{issue}`: no status quo given; compromise (weighted mean) used")),
                ));
            };
            if !(d.is_finite() && d.abs() <= crate::limits::MAX_ABS_POSITION) {
                return Err(ModelError::Issue {
                    issue: issue.to_string(),
                    reason: format!("the status quo {d} is not a finite number within ±1e100"),
                });
            }
            match nash_issue(&v.position, &w, d, self.loss) {
                NashOutcome::Solved(x) => Ok((x, None)),
                NashOutcome::Empty => match self.empty_set {
                    EmptySetRule::FallBackToMean => Ok((mean, Some(format!("issue `{issue}`: no outcome beats the status quo {d} for every actor; compromise (weighted mean) used")))),
                    EmptySetRule::ReturnDisagreementPoint => Ok((d, Some(format!("issue `{issue}`: no outcome beats the status quo for every actor; status quo {d} forecast")))),
                    EmptySetRule::DropActorsAtD => {
                        let keep: Vec<usize> = (0..v.len()).filter(|&i| v.position[i] != d).collect();
                        let x: Vec<f64> = keep.iter().map(|&i| v.position[i]).collect();
                        let ww: Vec<f64> = keep.iter().map(|&i| w[i]).collect();
                        match nash_issue(&x, &ww, d, self.loss) {
                            NashOutcome::Solved(s) => Ok((s, Some(format!("issue `{issue}`: actors at the status quo dropped")))),
                            NashOutcome::Empty => Ok((mean, Some(format!("issue `{issue}`: no outcome beats the status quo even without actors at it; compromise used")))),
                        }
                    }
                    EmptySetRule::Error => Err(ModelError::Issue { issue: issue.to_string(), reason: format!("no outcome beats the status quo {d} for every actor") }),
                },
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric_linear_case() {
        // Two equal actors at 40 and 60, d = 0: F = (0, 80). Below 40 the gains are x and x
        // (product rising); on [40, 60] they are 80 − x and x, product (80 − x)x falling from
        // x = 40. The maximiser is the kink at 40.
        let r = nash_issue(&[40.0, 60.0], &[1.0, 1.0], 0.0, Loss::Linear);
        let NashOutcome::Solved(x) = r else { panic!() };
        assert!((x - 40.0).abs() < 1e-6, "{x}");
    }

    #[test]
    fn quadratic_case_matches_closed_form() {
        // One actor at 50, d = 0: F = (0, 100); argmax ln(2500 − (x−50)²) = 50.
        let NashOutcome::Solved(x) = nash_issue(&[50.0, 50.0], &[1.0, 3.0], 0.0, Loss::Quadratic) else { panic!() };
        assert!((x - 50.0).abs() < 1e-6, "{x}");
        // Two actors at 30 and 60, d = 0, equal weights: F = (0, 60).
        // f'(x) = −2(x−30)/(900 − (x−30)²) − 2(x−60)/(3600 − (x−60)²) = 0 → x = 40 − ... solve numerically
        let NashOutcome::Solved(x) = nash_issue(&[30.0, 60.0], &[1.0, 1.0], 0.0, Loss::Quadratic) else { panic!() };
        let g = |p: f64| {
            -2.0 * (p - 30.0) / (900.0 - (p - 30.0f64).powi(2)) - 2.0 * (p - 60.0) / (3600.0 - (p - 60.0f64).powi(2))
        };
        assert!(g(x).abs() < 1e-6 && x > 30.0 && x < 60.0, "{x}");
    }

    #[test]
    fn empty_when_actors_straddle_d() {
        assert_eq!(nash_issue(&[10.0, 90.0], &[1.0, 1.0], 50.0, Loss::Linear), NashOutcome::Empty);
        assert_eq!(nash_issue(&[50.0, 90.0], &[1.0, 1.0], 50.0, Loss::Quadratic), NashOutcome::Empty);
        // zero-weight actors do not constrain F
        assert!(matches!(nash_issue(&[10.0, 90.0], &[0.0, 1.0], 50.0, Loss::Linear), NashOutcome::Solved(_)));
    }
}
