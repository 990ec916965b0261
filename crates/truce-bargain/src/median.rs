//! The weighted median ("median voter", Black 1948), weights c_i · s_i.
//!
//! Actors are sorted by position; actors at the same position pool their weights; the
//! cumulative weight C_k is accumulated over distinct positions in ascending order.
//!
//! **Tie rule (project-wide): the lower weighted median**, the first position with
//! C_k ≥ W/2. The upper median (first C_k > W/2) and the midpoint are available as
//! [`TieRule`]s. They differ only when some C_k equals W/2; a C_k within a relative
//! [`HALF_TOLERANCE`] of W/2 counts as exactly half, so the half case is decided by the data,
//! not by floating-point accident (reference §1). Actors with zero weight are dropped; if the
//! total weight is zero the unweighted median of positions (same tie rule) is used.

use crate::model::{solve_static, BargainingModel, ModelError, Solution, SolveContext};
use crate::table::ActorTable;

/// Relative tolerance under which a cumulative weight counts as exactly half of the total.
/// Saliences are read on 0–100 and divided by 100, so sums such as 0.7 + 0.3 need not equal
/// 1.0 in binary; without a tolerance the half case would be decided by rounding.
pub const HALF_TOLERANCE: f64 = 1e-9;

/// Which median when the cumulative weight hits exactly half.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TieRule {
    /// First position with C_k ≥ W/2 (the project default).
    #[default]
    Lower,
    /// First position with C_k > W/2.
    Upper,
    /// Mean of the lower and upper medians.
    Midpoint,
}

/// Weighted median of `x` with weights `w` under `rule`; `None` for empty input.
pub fn weighted_median(x: &[f64], w: &[f64], rule: TieRule) -> Option<f64> {
    if x.is_empty() {
        return None;
    }
    let mut idx: Vec<usize> = (0..x.len()).filter(|&i| w[i] > 0.0).collect();
    let equal;
    let w = if idx.is_empty() {
        idx = (0..x.len()).collect();
        equal = vec![1.0; x.len()];
        &equal[..]
    } else {
        w
    };
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
    // Pool weights at equal positions, accumulating in sorted order.
    let total: f64 = idx.iter().map(|&i| w[i]).sum();
    let mut lower = None;
    let mut upper = None;
    let mut cum = 0.0;
    let mut j = 0;
    while j < idx.len() {
        let pos = x[idx[j]];
        while j < idx.len() && x[idx[j]] == pos {
            cum += w[idx[j]];
            j += 1;
        }
        // 2C − W, with |2C − W| ≤ HALF_TOLERANCE · W counted as exactly half.
        let excess = 2.0 * cum - total;
        let tol = HALF_TOLERANCE * total;
        if lower.is_none() && excess >= -tol {
            lower = Some(pos);
        }
        if excess > tol {
            upper = Some(pos);
            break;
        }
    }
    let lower = lower?;
    let upper = upper.unwrap_or(lower);
    Some(match rule {
        TieRule::Lower => lower,
        TieRule::Upper => upper,
        TieRule::Midpoint => 0.5 * (lower + upper),
    })
}

/// The weighted-median model.
#[derive(Debug, Clone, Copy, Default)]
pub struct Median {
    pub tie: TieRule,
    /// Use salience only (equal capability) — kept for DEU baselines; default c·s.
    pub salience_only: bool,
}

impl BargainingModel for Median {
    fn name(&self) -> &str {
        "median"
    }
    fn solve(&self, table: &ActorTable, _ctx: &SolveContext) -> Result<Solution, ModelError> {
        solve_static(self.name(), table, |_, v| {
            let w = if self.salience_only { v.salience.clone() } else { v.weights() };
            let note =
                (w.iter().sum::<f64>() <= 0.0).then(|| "all weights are zero: unweighted median used".to_string());
            Ok((weighted_median(&v.position, &w, self.tie).unwrap_or(f64::NAN), note))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_half_tie() {
        // Cumulative weight at 1.0 is exactly half.
        let x = [1.0, 2.0];
        let w = [1.0, 1.0];
        assert_eq!(weighted_median(&x, &w, TieRule::Lower), Some(1.0));
        assert_eq!(weighted_median(&x, &w, TieRule::Upper), Some(2.0));
        assert_eq!(weighted_median(&x, &w, TieRule::Midpoint), Some(1.5));
    }

    #[test]
    fn half_within_rounding_is_a_tie() {
        // 0.7 + 0.3 is 0.99999999999999989 in binary; the total is 2.0.
        let x = [1.0, 2.0, 3.0];
        let w = [0.7, 0.3, 1.0];
        assert_eq!(weighted_median(&x, &w, TieRule::Lower), Some(2.0));
        assert_eq!(weighted_median(&x, &w, TieRule::Upper), Some(3.0));
    }

    #[test]
    fn pooled_and_zero_weights() {
        assert_eq!(weighted_median(&[5.0, 1.0, 5.0], &[1.0, 1.5, 1.0], TieRule::Lower), Some(5.0));
        assert_eq!(weighted_median(&[5.0, 1.0, 9.0], &[0.0, 0.0, 0.0], TieRule::Lower), Some(5.0));
        assert_eq!(weighted_median(&[5.0, 1.0, 9.0], &[0.0, 1.0, 0.0], TieRule::Lower), Some(1.0));
        assert_eq!(weighted_median(&[], &[], TieRule::Lower), None);
    }
}
