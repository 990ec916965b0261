//! Invariants of the static models (mean, median, Nash) on random tables: forecasts lie within
//! the actors' range; permuting the actors changes nothing; scaling every capability by a
//! positive constant changes nothing.
use proptest::prelude::*;
use truce_bargain::mean::{Mean, MeanWeights};
use truce_bargain::median::{Median, TieRule};
use truce_bargain::nash::{Loss, Nash};
use truce_bargain::{ActorTable, BargainingModel, Cell, Issue, SolveContext};

fn table(rows: &[(f64, f64, f64)], issues: usize) -> ActorTable {
    let n = rows.len() / issues;
    let actors = (0..n).map(|i| format!("a{i}")).collect();
    let iss = (0..issues).map(|k| Issue::new_0_100(format!("i{k}"))).collect();
    let cells = rows.iter().map(|&(p, s, c)| Some(Cell { position: p, salience: s, capability: c })).collect();
    ActorTable::new(actors, iss, cells).unwrap()
}

fn models(sq: Vec<Option<f64>>) -> Vec<Box<dyn BargainingModel>> {
    vec![
        Box::new(Mean { weights: MeanWeights::CapabilitySalience }),
        Box::new(Mean { weights: MeanWeights::Equal }),
        Box::new(Median { tie: TieRule::Lower, salience_only: false }),
        Box::new(Nash { loss: Loss::Linear, status_quo: sq.clone(), ..Default::default() }),
        Box::new(Nash { loss: Loss::Quadratic, status_quo: sq, ..Default::default() }),
    ]
}

/// (cells as (position, salience, capability), issues, status quo per issue, permutation, scale)
type Case = (Vec<(f64, f64, f64)>, usize, Vec<Option<f64>>, Vec<usize>, f64);

fn arb_rows() -> impl Strategy<Value = Case> {
    (2usize..9, 1usize..4).prop_flat_map(|(n, m)| {
        (
            prop::collection::vec((0.0f64..100.0, 0.01f64..1.0, 0.01f64..10.0), n * m),
            Just(m),
            prop::collection::vec(prop::option::of(0.0f64..100.0), m),
            Just((0..n).collect::<Vec<_>>()).prop_shuffle(),
            0.01f64..100.0,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn forecasts_in_range_and_invariant((rows, m, sq, perm, scale) in arb_rows()) {
        let t = table(&rows, m);
        let permuted = t.permute_actors(&perm);
        let scaled = t.map_capability(|_, c| c * scale).unwrap();
        let ctx = SolveContext::default();
        for model in models(sq.clone()) {
            let f = model.solve(&t, &ctx).unwrap().final_forecasts();
            let fp = model.solve(&permuted, &ctx).unwrap().final_forecasts();
            let fs = model.solve(&scaled, &ctx).unwrap().final_forecasts();
            for k in 0..m {
                let v = t.issue_view(k);
                let lo = v.position.iter().cloned().fold(f64::INFINITY, f64::min);
                let hi = v.position.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                prop_assert!(f[k] >= lo - 1e-9 && f[k] <= hi + 1e-9, "{}: {} outside [{lo}, {hi}]", model.name(), f[k]);
                prop_assert!((f[k] - fp[k]).abs() <= 1e-9 * (1.0 + f[k].abs()), "{}: permutation moved {} to {}", model.name(), f[k], fp[k]);
                prop_assert!((f[k] - fs[k]).abs() <= 1e-9 * (1.0 + f[k].abs()), "{}: capability scale moved {} to {}", model.name(), f[k], fs[k]);
            }
        }
    }
}

#[test]
fn emission_standards_golden_values() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/bdm/emission-standards.csv");
    let t = truce_io::table::read_table(&path).unwrap().table;
    let ctx = SolveContext::default();
    let mean = Mean::default().solve(&t, &ctx).unwrap().final_forecasts()[0];
    let median = Median::default().solve(&t, &ctx).unwrap().final_forecasts()[0];
    assert!((mean - 7.389955686853767).abs() < 1e-12, "{mean}");
    assert_eq!(median, 7.0);
    let unweighted = Mean { weights: MeanWeights::Equal }.solve(&t, &ctx).unwrap().final_forecasts()[0];
    let cap = Mean { weights: MeanWeights::Capability }.solve(&t, &ctx).unwrap().final_forecasts()[0];
    assert!((unweighted - 6.7).abs() < 1e-12 && (cap - 7.475247524752475).abs() < 1e-3, "{unweighted} {cap}");
}
