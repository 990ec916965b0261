//! Golden DEU baselines on the vendored development file (reference §7; issue tolerances).
use std::path::Path;
use truce_bargain::backtest::{run_backtest, BacktestModel};
use truce_bargain::mean::{Mean, MeanWeights};
use truce_bargain::median::{Median, TieRule};
use truce_bargain::SolveContext;
use truce_io::deu::{council_weight, observed_issues, read_deu, Capability};

fn dev() -> truce_io::deu::DeuFile {
    read_deu(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/deu/deu3-dev.tsv")).unwrap()
}

#[test]
fn dev_file_counts() {
    let f = dev();
    assert_eq!(f.issues.len(), 260);
    assert_eq!(f.scoreable().count(), 250);
}

#[test]
fn equal_capability_baselines() {
    let issues = observed_issues(&dev(), Capability::Equal);
    assert_eq!(issues.len(), 250);
    let models = vec![
        ("mean".to_string(), BacktestModel::PerIssue(Box::new(Mean { weights: MeanWeights::CapabilitySalience }))),
        ("unweighted-mean".to_string(), BacktestModel::PerIssue(Box::new(Mean { weights: MeanWeights::Equal }))),
        ("median".to_string(), BacktestModel::PerIssue(Box::new(Median { tie: TieRule::Lower, salience_only: false }))),
    ];
    let r = run_backtest(&issues, &models, &SolveContext::default()).unwrap();
    let mae: Vec<f64> = r.summaries.iter().map(|s| s.mae).collect();
    assert!((mae[0] - 24.11).abs() <= 0.01, "salience-weighted mean MAE {}", mae[0]);
    assert!((mae[1] - 24.66).abs() <= 0.01, "unweighted mean MAE {}", mae[1]);
    assert!((mae[2] - 29.84).abs() <= 0.01, "salience-weighted lower median MAE {}", mae[2]);
    assert!(r.summaries.iter().all(|s| s.n == 250));
}

#[test]
fn council_weights_by_regime() {
    assert_eq!(council_weight("de", Some((2000, 1, 26))), 10.0);
    assert_eq!(council_weight("pl", Some((2000, 1, 26))), 0.0);
    assert_eq!(council_weight("pl", Some((2004, 6, 1))), 8.0);
    assert_eq!(council_weight("pl", Some((2005, 6, 1))), 27.0);
    assert_eq!(council_weight("ro", Some((2006, 6, 1))), 0.0);
    assert_eq!(council_weight("ro", Some((2008, 6, 1))), 14.0);
    assert_eq!(council_weight("com", Some((2008, 6, 1))), 29.0);
    // EU-15 total 87; EU-27 Nice total 345.
    let codes = truce_io::deu::ACTOR_CODES;
    let t = |d| codes.iter().filter(|c| **c != "com" && **c != "ep").map(|c| council_weight(c, Some(d))).sum::<f64>();
    assert_eq!(t((2000, 1, 1)), 87.0);
    assert_eq!(t((2008, 1, 1)), 345.0);
    assert_eq!(t((2014, 1, 1)), 352.0);
}
