//! Proper scores against closed forms and the reference values of
//! `docs/reference/forecast-evaluation.md` §1.10, the hand-worked ensemble example, and
//! properties (CRPS ≥ 0; a point mass scores |x − y|; histograms converge to the normal).

use proptest::prelude::*;
use truce_forecast::score::*;

fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol, "{a} vs {b} (tolerance {tol})");
}

#[test]
fn normal_crps_matches_the_reference_values() {
    close(crps_normal(0.0, 1.0, 0.0), 0.2336949773, 1e-10);
    close(crps_normal(0.0, 1.0, 0.0), (2f64.sqrt() - 1.0) / std::f64::consts::PI.sqrt(), 1e-15);
    close(crps_normal(0.0, 1.0, 1.0), 0.6024413576, 1e-10);
    close(crps_normal(0.0, 1.0, 2.0), 1.4527918217, 1e-10);
    close(crps_normal(0.0, 1.0, -3.0), 2.4365747251, 1e-10);
    close(crps_normal(2.0, 0.5, 1.0), 0.7263959108, 1e-10);
    close(crps_normal(0.0, 2.0, 0.5), 0.5169996258, 1e-10);
    // Scale and shift (the scoringRules test file's properties).
    close(crps_normal(3.0, 4.0, 7.0), 4.0 * crps_normal(0.0, 1.0, 1.0), 1e-12);
}

#[test]
fn uniform_and_histogram_crps_match_the_reference_values() {
    let u = PiecewiseUniform::new(vec![0.0, 1.0], vec![1.0]).unwrap();
    close(u.crps(0.5), 1.0 / 12.0, 1e-15);
    close(u.crps(2.0), 4.0 / 3.0, 1e-15);
    let h = PiecewiseUniform::new(vec![0.0, 1.0, 3.0, 6.0], vec![0.2, 0.5, 0.3]).unwrap();
    close(h.crps(2.5), 0.4125, 1e-12);
    close(h.crps(7.0), 3.65, 1e-12);
    close(h.crps(-1.0), 2.55, 1e-12);
    close(h.crps(0.5), 1.10, 1e-12);
}

#[test]
fn ensemble_crps_matches_the_reference_values() {
    close(crps_ensemble(&[0.0, 0.0, 1.0, 3.0], 1.0), 0.375, 1e-12);
    close(crps_ensemble_fair(&[0.0, 0.0, 1.0, 3.0], 1.0), 1.0 / 6.0, 1e-12);
    let mut e = vec![-1.2, 0.3, 0.8, 2.5, -0.4];
    e.sort_by(f64::total_cmp);
    close(crps_ensemble(&e, 0.1), 0.332, 1e-12);
    close(crps_ensemble_fair(&e, 0.1), 0.16, 1e-12);
    close(crps_weighted(&[(1.0, 0.2), (2.0, 0.3), (4.0, 0.5)], 3.0), 0.54, 1e-12);
}

#[test]
fn the_hand_worked_ensemble_example() {
    // Members {1, 2, 4}, y = 3: empirical 2/3, fair 1/3 by the energy, sorted and integral
    // forms (forecast-evaluation.md §1.10).
    close(crps_ensemble(&[1.0, 2.0, 4.0], 3.0), 2.0 / 3.0, 1e-15);
    close(crps_ensemble_fair(&[1.0, 2.0, 4.0], 3.0), 1.0 / 3.0, 1e-15);
    // The same by the weighted form with equal weights, and by the histogram of atoms.
    let third = 1.0 / 3.0;
    close(crps_weighted(&[(1.0, third), (2.0, third), (4.0, third)], 3.0), 2.0 / 3.0, 1e-15);
    let atoms = PiecewiseUniform::new(vec![1.0, 1.0, 2.0, 2.0, 4.0, 4.0], vec![third, 0.0, third, 0.0, third]).unwrap();
    close(atoms.crps(3.0), 2.0 / 3.0, 1e-15);
    let ens = Ensemble::new(vec![4.0, 1.0, 2.0], EnsembleCrps::Empirical).unwrap();
    close(ens.crps(3.0), 2.0 / 3.0, 1e-15);
    close(Ensemble::new(vec![4.0, 1.0, 2.0], EnsembleCrps::Fair).unwrap().crps(3.0), 1.0 / 3.0, 1e-15);
}

#[test]
fn brier_and_log_scores_match_the_reference_values() {
    close(brier_binary(0.7, true), 0.09, 1e-15);
    close(brier_binary(0.7, false), 0.49, 1e-15);
    close(log_score(0.7), 0.356675, 1e-6);
    close(log_score(0.7) / std::f64::consts::LN_2, 0.514573, 1e-6);
    // The reference value 2.302585 nats is ln 10.
    close(log_score(1.0 - 0.9), std::f64::consts::LN_10, 1e-12);
    let c = Categorical::from_probs(vec![0.2, 0.5, 0.3]).unwrap();
    close(c.brier(1), 0.38, 1e-12);
    close(c.log_score(1), -(0.5f64.ln()), 1e-15);
    // Two categories: the sum form is twice the binary form.
    let b = Categorical::from_probs(vec![0.3, 0.7]).unwrap();
    close(b.brier(1), 2.0 * brier_binary(0.7, true), 1e-15);
}

#[test]
fn counts_are_floored_at_k_plus_a_half_over_m_plus_one() {
    // Two categories: (k + ½)/(m + 1).
    let c = Categorical::from_counts(&[0, 100]).unwrap();
    close(c.probs()[0], 0.5 / 101.0, 1e-15);
    close(c.probs()[1], 100.5 / 101.0, 1e-15);
    assert!(c.log_score(0).is_finite());
    // K categories: (k + ½)/(m + K/2), summing to 1.
    let c = Categorical::from_counts(&[0, 3, 7, 0, 0, 0]).unwrap();
    close(c.probs().iter().sum::<f64>(), 1.0, 1e-15);
    close(c.probs()[2], 7.5 / 13.0, 1e-15);
    // No runs: uniform.
    let c = Categorical::from_counts(&[0, 0, 0]).unwrap();
    close(c.probs()[1], 1.0 / 3.0, 1e-15);
    assert!(Categorical::from_counts(&[5]).is_err());
}

#[test]
fn interval_scores_match_the_reference_values() {
    close(interval_score(2.0, 8.0, 0.1, 10.0), 46.0, 1e-12);
    close(interval_score(2.0, 8.0, 0.1, 5.0), 6.0, 1e-12);
    close(interval_score(2.0, 8.0, 0.2, 1.0), 16.0, 1e-12);
    let n = Predictive::Normal { mean: 0.0, sd: 1.0 };
    let (l, u) = n.central_interval(0.9);
    close(u, 1.6448536, 1e-6);
    close(interval_score(l, u, 0.1, 0.0), 3.289707, 1e-6);
    close(interval_score(l, u, 0.1, 2.0), 10.392635, 1e-6);
}

#[test]
fn pit_values() {
    let n = Predictive::Normal { mean: 0.0, sd: 1.0 };
    close(n.pit(1.0, 0.3), 0.8413447, 1e-7);
    // Randomised PIT, Poisson(2), y = 1: F(0) = e⁻², F(1) = 3e⁻².
    let (f0, f1) = ((-2f64).exp(), 3.0 * (-2f64).exp());
    close(randomised_pit(f0, f1, 0.5), 0.2706706, 1e-7);
    close(f0, 0.1353353, 1e-7);
    // A point mass: 0 below, 1 above, the uniform at the atom.
    let p = Predictive::Point(5.0);
    assert_eq!(p.pit(4.0, 0.25), 0.0);
    assert_eq!(p.pit(6.0, 0.25), 1.0);
    assert_eq!(p.pit(5.0, 0.25), 0.25);
    // Keyed uniforms: reproducible, different by case.
    assert_eq!(case_uniform(7, 3), case_uniform(7, 3));
    assert_ne!(case_uniform(7, 3), case_uniform(7, 4));
    assert!((0.0..1.0).contains(&case_uniform(1, 1)));
}

#[test]
fn interval_membership() {
    let h = Predictive::Histogram(PiecewiseUniform::new(vec![0.0, 100.0], vec![1.0]).unwrap());
    let s = h.score(30.0, 0.5);
    assert_eq!(s.inside, [true, true, true]);
    let s = h.score(20.0, 0.5);
    assert_eq!(s.inside, [false, true, true]);
    let s = h.score(7.0, 0.5);
    assert_eq!(s.inside, [false, false, true]);
    let s = h.score(-1.0, 0.5);
    assert_eq!(s.inside, [false, false, false]);
    close(s.pit, 0.0, 0.0);
    close(s.median, 50.0, 1e-12);
    let p = Predictive::Point(3.0).score(3.0, 0.5);
    assert_eq!(p.inside, [true, true, true]);
    assert_eq!(p.crps, 0.0);
}

#[test]
fn bad_distributions_are_errors() {
    assert!(PiecewiseUniform::new(vec![0.0, 1.0], vec![0.5, 0.5]).is_err());
    assert!(PiecewiseUniform::new(vec![1.0, 0.0], vec![1.0]).is_err());
    assert!(PiecewiseUniform::new(vec![0.0, 1.0], vec![0.0]).is_err());
    assert!(PiecewiseUniform::new(vec![0.0, f64::NAN], vec![1.0]).is_err());
    assert!(PiecewiseUniform::new(vec![0.0, 1.0], vec![-1.0]).is_err());
    assert!(Ensemble::new(vec![], EnsembleCrps::Fair).is_err());
    assert!(Ensemble::new(vec![1.0, f64::NAN], EnsembleCrps::Fair).is_err());
    assert!(Categorical::from_probs(vec![0.0, 0.0]).is_err());
}

/// The threshold integral ∫ (F(z) − 1{y ≤ z})² dz by the midpoint rule on a fine grid.
fn crps_numeric(f: impl Fn(f64) -> f64, y: f64, lo: f64, hi: f64, n: usize) -> f64 {
    let dz = (hi - lo) / n as f64;
    (0..n)
        .map(|i| {
            let z = lo + (i as f64 + 0.5) * dz;
            let d = f(z) - f64::from(u8::from(y <= z));
            d * d * dz
        })
        .sum()
}

#[test]
fn histogram_crps_equals_the_threshold_integral() {
    let h = PiecewiseUniform::new(vec![-2.0, -1.0, -1.0, 0.5, 3.0, 3.0], vec![0.1, 0.2, 0.3, 0.25, 0.15]).unwrap();
    for y in [-3.0, -1.0, -0.5, 0.5, 2.0, 3.0, 4.5] {
        close(h.crps(y), crps_numeric(|z| h.cdf(z), y, -6.0, 8.0, 1_400_000), 2e-5);
    }
}

proptest! {
    #[test]
    fn crps_is_non_negative(
        probs in prop::collection::vec(0.0f64..1.0, 1..20),
        widths in prop::collection::vec(0.0f64..5.0, 20),
        start in -50.0f64..50.0,
        y in -100.0f64..100.0,
    ) {
        prop_assume!(probs.iter().sum::<f64>() > 1e-6);
        let mut edges = vec![start];
        for w in widths.iter().take(probs.len()) {
            edges.push(edges.last().unwrap() + w);
        }
        let h = PiecewiseUniform::new(edges, probs).unwrap();
        prop_assert!(h.crps(y) >= -1e-12);
        let pit = Predictive::Histogram(h).pit(y, 0.5);
        prop_assert!((0.0..=1.0).contains(&pit));
    }

    #[test]
    fn ensemble_crps_is_non_negative_and_fair_is_smaller(
        members in prop::collection::vec(-1e4f64..1e4, 1..60),
        y in -2e4f64..2e4,
    ) {
        let e = Ensemble::new(members.clone(), EnsembleCrps::Empirical).unwrap();
        let f = Ensemble::new(members, EnsembleCrps::Fair).unwrap();
        prop_assert!(e.crps(y) >= -1e-9);
        prop_assert!(f.crps(y) <= e.crps(y) + 1e-9);
    }

    #[test]
    fn a_point_mass_scores_the_absolute_error(x in -1e6f64..1e6, y in -1e6f64..1e6) {
        prop_assert_eq!(crps_point(x, y), (x - y).abs());
        let atom = PiecewiseUniform::new(vec![x, x], vec![1.0]).unwrap();
        prop_assert!((atom.crps(y) - (x - y).abs()).abs() <= 1e-9 * (1.0 + (x - y).abs()));
        prop_assert!((crps_ensemble(&[x], y) - (x - y).abs()).abs() <= 1e-9 * (1.0 + (x - y).abs()));
        prop_assert!((crps_normal(x, 0.0, y) - (x - y).abs()).abs() <= 1e-9);
        prop_assert!((crps_weighted(&[(x, 1.0)], y) - (x - y).abs()).abs() <= 1e-9 * (1.0 + (x - y).abs()));
    }

    #[test]
    fn weighted_equals_the_double_sum(
        xs in prop::collection::vec(-100.0f64..100.0, 1..15),
        ws in prop::collection::vec(0.01f64..1.0, 15),
        y in -150.0f64..150.0,
    ) {
        let total: f64 = ws.iter().take(xs.len()).sum();
        let mut pairs: Vec<(f64, f64)> = xs.iter().zip(&ws).map(|(&x, &w)| (x, w / total)).collect();
        let direct: f64 = pairs.iter().map(|(x, w)| w * (x - y).abs()).sum::<f64>()
            - 0.5 * pairs.iter().flat_map(|a| pairs.iter().map(move |b| a.1 * b.1 * (a.0 - b.0).abs())).sum::<f64>();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        prop_assert!((crps_weighted(&pairs, y) - direct).abs() <= 1e-9);
    }
}

#[test]
fn histogram_crps_tends_to_the_normal_as_bins_refine() {
    // N(μ, σ²) binned on ±8σ: the error falls as the bins narrow.
    let (mu, sd) = (100.0, 15.0);
    let mut errors = Vec::new();
    for bins in [20usize, 80, 320, 1280] {
        let (lo, hi) = (mu - 8.0 * sd, mu + 8.0 * sd);
        let w = (hi - lo) / bins as f64;
        let edges: Vec<f64> = (0..=bins).map(|k| lo + k as f64 * w).collect();
        let probs: Vec<f64> = (0..bins)
            .map(|k| {
                truce_forecast::norm_cdf((edges[k + 1] - mu) / sd) - truce_forecast::norm_cdf((edges[k] - mu) / sd)
            })
            .collect();
        let h = PiecewiseUniform::new(edges, probs).unwrap();
        let err: f64 =
            [70.0, 95.0, 100.0, 131.0].iter().map(|&y| (h.crps(y) - crps_normal(mu, sd, y)).abs()).fold(0.0, f64::max);
        errors.push(err);
    }
    assert!(errors.windows(2).all(|w| w[1] < w[0]), "{errors:?}");
    assert!(errors[3] < 1e-3, "{errors:?}");
}
