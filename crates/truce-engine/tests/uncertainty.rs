//! Distribution moments, quantile round trips, copula correlations and validation errors.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use truce_engine::run_rng;
use truce_engine::uncertainty::{Dist, JointSample, ParamSpec, PreparedDist, UncertaintyError, UncertaintySet};

const N: usize = 200_000;
/// Tolerance in standard errors for Monte Carlo checks (two-sided, ~6e-7 false alarm each).
const K_SE: f64 = 5.0;

fn all_dists() -> Vec<Dist> {
    vec![
        Dist::Uniform { low: -2.0, high: 5.0 },
        Dist::Normal { mean: 85.0, sd: 20.0 },
        Dist::TruncatedNormal { mean: 0.5, sd: 0.3, low: 0.0, high: 1.0 },
        // One-sided, far upper tail: exercises the survival-function branch.
        Dist::TruncatedNormal { mean: 0.0, sd: 1.0, low: 3.0, high: f64::MAX },
        Dist::Lognormal { median: 10.0, sigma: 0.5 },
        Dist::Beta { alpha: 2.0, beta: 5.0, low: None, high: None },
        Dist::Beta { alpha: 0.5, beta: 0.5, low: Some(-1.0), high: Some(3.0) },
        Dist::Triangular { low: 0.0, mode: 2.0, high: 10.0 },
        Dist::Choice { values: vec![1.0, 2.0, 5.0], weights: Some(vec![0.5, 0.0, 1.5]) },
        Dist::Choice { values: vec![-1.0, 1.0], weights: None },
    ]
}

/// Sample mean within K_SE standard errors of the analytic mean, and sample variance within
/// K_SE standard errors of the analytic variance, where SE(s²) ≈ √((m₄ − s⁴)/n) uses the
/// sample fourth central moment.
#[test]
fn sampled_moments_match_analytic() {
    let mut rng = ChaCha8Rng::seed_from_u64(20_260_101);
    for d in all_dists() {
        d.validate().unwrap();
        let xs: Vec<f64> = (0..N).map(|_| d.sample(&mut rng)).collect();
        let n = N as f64;
        let m = xs.iter().sum::<f64>() / n;
        let s2 = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n;
        let m4 = xs.iter().map(|x| (x - m).powi(4)).sum::<f64>() / n;
        let (want_m, want_v) = (d.mean(), d.variance());
        let se_m = (want_v / n).sqrt();
        let se_v = ((m4 - s2 * s2) / n).sqrt();
        assert!((m - want_m).abs() <= K_SE * se_m, "{d:?}: mean {m} vs {want_m} (se {se_m})");
        assert!((s2 - want_v).abs() <= K_SE * se_v, "{d:?}: variance {s2} vs {want_v} (se {se_v})");
    }
}

#[test]
fn known_moments() {
    // Spot checks of the analytic formulas against closed forms.
    let tn = Dist::TruncatedNormal { mean: 0.0, sd: 1.0, low: 0.0, high: f64::MAX };
    // Half-normal: mean √(2/π), variance 1 − 2/π.
    assert!((tn.mean() - (2.0 / std::f64::consts::PI).sqrt()).abs() < 1e-14);
    assert!((tn.variance() - (1.0 - 2.0 / std::f64::consts::PI)).abs() < 1e-14);
    let ln = Dist::Lognormal { median: 1.0, sigma: 1.0 };
    assert!((ln.mean() - 0.5f64.exp()).abs() < 1e-14);
    assert!((ln.quantile(0.5) - 1.0).abs() < 1e-15);
}

#[test]
fn quantile_cdf_round_trip() {
    for d in all_dists() {
        if matches!(d, Dist::Choice { .. }) {
            continue;
        }
        for i in 1..1000 {
            let u = f64::from(i) / 1000.0;
            let x = d.quantile(u);
            let back = d.cdf(x);
            assert!((back - u).abs() < 1e-11, "{d:?}: u={u} x={x} cdf={back}");
        }
    }
    // Choice: quantile picks the value whose cumulative weight first exceeds u.
    let c = Dist::Choice { values: vec![1.0, 2.0, 5.0], weights: Some(vec![0.5, 0.0, 1.5]) };
    assert_eq!(c.quantile(0.1), 1.0);
    assert_eq!(c.quantile(0.26), 5.0);
    assert_eq!(c.quantile(0.999_999), 5.0);
    assert!((c.cdf(1.5) - 0.25).abs() < 1e-15);
}

#[test]
fn bad_specs_give_clear_errors() {
    let cases: Vec<(Dist, &str)> = vec![
        (Dist::Normal { mean: 0.0, sd: 0.0 }, "sd must be > 0"),
        (Dist::Normal { mean: f64::NAN, sd: 1.0 }, "mean must be a finite number"),
        (Dist::Uniform { low: 1.0, high: 1.0 }, "low must be < high"),
        (Dist::Triangular { low: 0.0, mode: 3.0, high: 2.0 }, "low <= mode <= high"),
        (Dist::Beta { alpha: -1.0, beta: 1.0, low: None, high: None }, "alpha must be > 0"),
        (Dist::Beta { alpha: 1.0, beta: 1.0, low: Some(2.0), high: None }, "low must be < high"),
        (Dist::Lognormal { median: 0.0, sigma: 1.0 }, "median must be > 0"),
        (Dist::Choice { values: vec![], weights: None }, "values must not be empty"),
        (Dist::Choice { values: vec![1.0, 2.0], weights: Some(vec![1.0]) }, "one entry per value"),
        (Dist::Choice { values: vec![1.0, 2.0], weights: Some(vec![0.0, 0.0]) }, "positive finite sum"),
        (Dist::Choice { values: vec![1.0, 2.0], weights: Some(vec![-1.0, 2.0]) }, "weights must be >= 0"),
        (Dist::TruncatedNormal { mean: 0.0, sd: 1.0, low: 100.0, high: 200.0 }, "negligible probability"),
    ];
    for (d, want) in cases {
        let err = d.validate().unwrap_err();
        assert!(err.contains(want), "{d:?}: got {err:?}, want {want:?}");
    }
}

fn normals(n: usize) -> Vec<ParamSpec> {
    (0..n).map(|i| ParamSpec { path: format!("p{i}"), dist: Dist::Normal { mean: 0.0, sd: 1.0 } }).collect()
}

fn corr(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

/// Sample correlation of the copula normals within K_SE standard errors, SE(r) ≈ (1 − ρ²)/√n.
#[test]
fn copula_imposes_correlation() {
    let set = UncertaintySet::new(normals(4), Some(vec![(0, 1, 0.6), (2, 1, -0.3)])).unwrap();
    let mut cols: Vec<Vec<f64>> = (0..4).map(|_| Vec::with_capacity(N)).collect();
    let mut out = [0.0; 4];
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for _ in 0..N {
        set.sample_into(&mut rng, &mut out);
        for (c, &x) in cols.iter_mut().zip(&out) {
            c.push(x);
        }
    }
    let n = N as f64;
    for (i, j, rho) in [(0, 1, 0.6), (1, 2, -0.3), (0, 2, 0.0), (0, 3, 0.0), (1, 3, 0.0)] {
        let r = corr(&cols[i], &cols[j]);
        let se = (1.0 - rho * rho) / n.sqrt();
        assert!((r - rho).abs() <= K_SE * se, "({i},{j}): r={r} want {rho}");
    }
    // Marginals stay standard normal.
    for c in &cols {
        let m = c.iter().sum::<f64>() / n;
        assert!(m.abs() <= K_SE / n.sqrt(), "mean {m}");
    }
}

#[test]
fn uncorrelated_parameters_keep_their_streams() {
    // Adding a correlation between 0 and 1 must not change parameter 2's draws.
    let plain = UncertaintySet::new(normals(3), None).unwrap();
    let with = UncertaintySet::new(normals(3), Some(vec![(0, 1, 0.5)])).unwrap();
    let (mut a, mut b) = ([0.0; 3], [0.0; 3]);
    for run in 0..100 {
        plain.sample_into(&mut run_rng(1, run), &mut a);
        with.sample_into(&mut run_rng(1, run), &mut b);
        assert_eq!(a[2].to_bits(), b[2].to_bits());
        // The first row of L is (1, 0, …), so parameter 0 only goes through Φ(Φ⁻¹(u)) ≈ u.
        assert!((a[0] - b[0]).abs() <= 1e-12 * a[0].abs().max(1.0));
    }
}

#[test]
fn bad_correlations_give_clear_errors() {
    let err = |c: Vec<(usize, usize, f64)>| UncertaintySet::new(normals(3), Some(c)).unwrap_err();
    let msg = |e: UncertaintyError| e.to_string();
    assert!(msg(err(vec![(0, 1, 1.0)])).contains("|rho| must be < 1"));
    assert!(msg(err(vec![(0, 3, 0.1)])).contains("beyond the 3 given"));
    assert!(msg(err(vec![(1, 1, 0.1)])).contains("diagonal"));
    assert!(msg(err(vec![(0, 1, 0.1), (1, 0, 0.2)])).contains("more than once"));
    assert!(msg(err(vec![(0, 1, 0.9), (1, 2, 0.9), (0, 2, -0.9)])).contains("not positive definite"));
    let bad = UncertaintySet::new(
        vec![ParamSpec { path: "actors.north.strength".into(), dist: Dist::Normal { mean: 1.0, sd: -1.0 } }],
        None,
    )
    .unwrap_err();
    assert_eq!(bad.to_string(), "parameter 0 (actors.north.strength): sd must be > 0, got -1");
}

#[test]
fn serde_round_trip_and_validation() {
    let json = r#"{
        "specs": [
            {"path": "a", "dist": "normal", "mean": 85.0, "sd": 20.0},
            {"path": "b", "dist": "beta", "alpha": 2.0, "beta": 3.0, "low": 10.0, "high": 20.0},
            {"path": "c", "dist": "choice", "values": [1.0, 2.0]},
            {"path": "d", "dist": "lognormal", "median": 3.0, "sigma": 0.2},
            {"path": "e", "dist": "truncated_normal", "mean": 0.0, "sd": 1.0, "low": -1.0, "high": 2.0},
            {"path": "f", "dist": "triangular", "low": 0.0, "mode": 1.0, "high": 4.0},
            {"path": "g", "dist": "uniform", "low": 0.0, "high": 1.0}
        ],
        "correlation": [[0, 1, 0.4]]
    }"#;
    let set: UncertaintySet = serde_json::from_str(json).unwrap();
    assert_eq!(set.len(), 7);
    assert_eq!(set.specs()[1].dist.mean(), 14.0);
    let back: UncertaintySet = serde_json::from_str(&serde_json::to_string(&set).unwrap()).unwrap();
    assert_eq!(back, set);
    // Deserialising validates.
    let bad = r#"{"specs": [{"path": "a", "dist": "normal", "mean": 0.0, "sd": 0.0}]}"#;
    let e = serde_json::from_str::<UncertaintySet>(bad).unwrap_err();
    assert!(e.to_string().contains("sd must be > 0"), "{e}");
    let unknown = r#"{"specs": [{"path": "a", "dist": "gamma", "k": 1.0}]}"#;
    assert!(serde_json::from_str::<UncertaintySet>(unknown).is_err());
}

#[test]
fn draws_depend_only_on_seed_and_run() {
    let set = UncertaintySet::new(normals(5), Some(vec![(0, 4, 0.3)])).unwrap();
    let (mut a, mut b) = ([0.0; 5], [0.0; 5]);
    // Run 17 drawn alone equals run 17 drawn after other runs on other generators.
    set.sample_into(&mut run_rng(99, 17), &mut a);
    for r in 0..17 {
        set.sample_into(&mut run_rng(99, r), &mut b);
    }
    set.sample_into(&mut run_rng(99, 17), &mut b);
    assert_eq!(a.map(f64::to_bits), b.map(f64::to_bits));
    set.sample_into(&mut run_rng(99, 18), &mut b);
    assert_ne!(a.map(f64::to_bits), b.map(f64::to_bits));
}

/// A prepared distribution (the particle filter's rejuvenation and initial scores) gives the
/// plain methods' quantiles and CDFs bit for bit, including at the ends, NaN, zero weights,
/// unsorted values and a thousand-row posterior marginal, so that preparing one never
/// changes a forecast.
#[test]
fn prepared_distributions_agree_bit_for_bit() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let rows: Vec<Vec<f64>> = (0..1000).map(|_| vec![(rng.random::<f64>() * 50.0).round()]).collect();
    let weights: Vec<f64> =
        (0..1000).map(|i| rng.random::<f64>().powi(8) * if i % 7 == 0 { 1e-9 } else { 1.0 }).collect();
    let marginal = JointSample { columns: 1, weights, rows }.marginal(0);
    let mut dists = all_dists();
    dists.extend([
        marginal,
        // Unsorted values, zero weights at both ends and in the middle.
        Dist::Choice { values: vec![3.0, -1.0, 2.0, 2.0, 7.0], weights: Some(vec![0.0, 1.0, 0.0, 2.5, 0.0]) },
        Dist::Choice { values: vec![4.0], weights: Some(vec![3.0]) },
        Dist::Beta { alpha: 2.0, beta: 8.0, low: None, high: None },
    ]);
    let mut us: Vec<f64> = vec![f64::NAN, -1.0, 0.0, 1e-300, 1e-12, 0.5, 1.0 - 1e-12, 1.0, 2.0];
    us.extend((0..20_000).map(|_| rng.random::<f64>()));
    for d in &dists {
        let p = PreparedDist::new(d);
        let s = d.support();
        let (lo, hi) = (s.low.max(-1e6), s.high.min(1e6));
        for &u in &us {
            let (a, b) = (d.quantile(u), p.quantile(u));
            assert_eq!(a.to_bits(), b.to_bits(), "{d:?}: quantile({u}) {a} vs {b}");
            let x = lo + (hi - lo) * u.clamp(-0.1, 1.1);
            for x in [x, d.quantile(u), d.quantile(u) - 0.5, f64::NAN, f64::NEG_INFINITY, f64::INFINITY] {
                let (a, b) = (d.cdf(x), p.cdf(x));
                assert_eq!(a.to_bits(), b.to_bits(), "{d:?}: cdf({x}) {a} vs {b}");
            }
        }
    }
}
