//! Weighted statistics shared by the models and by every [`Round`](crate::Round): the
//! weighted mean and the weighted median with its tie rule.
//!
//! This module sits below both [`crate::model`] (which reports a median and a mean for every
//! round) and the models built on them ([`crate::mean`], [`crate::median`]), so that no two
//! modules import each other. It must stay free of model logic: pure functions of slices,
//! summed in slice order (bit-reproducible), no allocation beyond the median's sort.

/// Weighted mean; `None` if the slices are empty. Falls back to the unweighted mean when the
/// weights sum to zero. Summation is sequential in slice order (bit-reproducible).
pub fn weighted_mean(x: &[f64], w: &[f64]) -> Option<f64> {
    if x.is_empty() {
        return None;
    }
    let (mut sw, mut swx) = (0.0, 0.0);
    for (xi, wi) in x.iter().zip(w) {
        sw += wi;
        swx += wi * xi;
    }
    if sw > 0.0 {
        Some(swx / sw)
    } else {
        Some(x.iter().sum::<f64>() / x.len() as f64)
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_basics() {
        assert_eq!(weighted_mean(&[], &[]), None);
        assert_eq!(weighted_mean(&[0.0, 10.0], &[1.0, 3.0]), Some(7.5));
        assert_eq!(weighted_mean(&[0.0, 10.0], &[0.0, 0.0]), Some(5.0));
    }

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
