//! Regression tests of issue 16 for the bargaining core: no model returns inf or NaN, inputs
//! whose products would overflow are refused with the field named, and tables or runs over
//! the documented limits are refused before any work (quickly, without allocating).
use std::time::{Duration, Instant};
use truce_bargain::limits::{MAX_CAPABILITY, MAX_CELLS};
use truce_bargain::registry::{build, ModelConfig};
use truce_bargain::{ActorTable, Cell, Issue, ModelError, SolveContext, TableError};

fn table(n: usize, m: usize, cell: impl Fn(usize, usize) -> Cell) -> Result<ActorTable, TableError> {
    let actors = (0..n).map(|i| format!("a{i}")).collect();
    let issues = (0..m).map(|k| Issue::new_0_100(format!("i{k}"))).collect();
    let cells = (0..n * m).map(|ix| Some(cell(ix / m, ix % m))).collect();
    ActorTable::new(actors, issues, cells)
}

/// A deterministic spread of positions in [0, 100].
fn spread(a: usize, k: usize) -> f64 {
    ((a * 37 + k * 11) % 101) as f64
}

#[test]
fn capability_1e308_is_refused_with_the_field_named() {
    // Issue 16: two actors with capability 1e308 printed `inf` (`null` in JSON).
    let e = table(2, 1, |a, _| Cell { position: a as f64 * 10.0, salience: 1.0, capability: 1e308 }).unwrap_err();
    match &e {
        TableError::OutOfRange { actor, field, .. } => assert_eq!((actor.as_str(), *field), ("a0", "capability")),
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("only ratios matter"), "{e}");
    let e = table(2, 1, |a, _| Cell { position: 1e300 * a as f64, salience: 1.0, capability: 1.0 }).unwrap_err();
    assert!(matches!(e, TableError::OutOfRange { field: "position", .. }), "{e:?}");
}

#[test]
fn largest_accepted_magnitudes_give_finite_results_in_every_model() {
    // The largest capability and position the table takes: every model's result is finite
    // (or a clean error), never inf or NaN with success.
    let t = table(3, 2, |a, k| Cell {
        position: [0.0, 1e100, -1e100][a] * if k == 0 { 1.0 } else { 0.5 },
        salience: 0.5,
        capability: MAX_CAPABILITY,
    })
    .unwrap();
    let t100 = table(3, 2, |a, k| Cell { position: spread(a, k), salience: 0.5, capability: MAX_CAPABILITY }).unwrap();
    for name in ["mean", "unweighted-mean", "median", "nash", "bdm", "exchange", "smp"] {
        for (tab, sq) in [(&t, 1e100), (&t100, 50.0)] {
            let cfg = ModelConfig { status_quo: vec![Some(sq), Some(-sq)], ..Default::default() };
            match build(name, &cfg).unwrap().solve(tab, &SolveContext { rounds: Some(3), seed: 1 }) {
                Ok(s) => {
                    for r in s.issues.iter().flat_map(|i| &i.rounds) {
                        assert!(r.forecast.is_finite() && r.median.is_finite() && r.mean.is_finite(), "{name}: {r:?}");
                    }
                }
                Err(e) => assert!(!e.to_string().is_empty(), "{name}"),
            }
        }
    }
}

#[test]
fn nash_refuses_a_status_quo_that_would_overflow() {
    let t = table(2, 1, |a, _| Cell { position: 10.0 + a as f64, salience: 1.0, capability: 1.0 }).unwrap();
    let cfg = ModelConfig { status_quo: vec![Some(1e308)], ..Default::default() };
    let e = build("nash", &cfg).unwrap().solve(&t, &SolveContext::default()).unwrap_err();
    assert!(e.to_string().contains("status quo"), "{e}");
}

#[test]
fn zero_capability_smp_actor_is_located() {
    let t =
        table(4, 1, |a, _| Cell { position: spread(a, 0), salience: 0.5, capability: if a == 2 { 0.0 } else { 5.0 } })
            .unwrap();
    let e = build("smp", &ModelConfig::default()).unwrap().solve(&t, &SolveContext::default()).unwrap_err();
    match &e {
        ModelError::Actor { actor, field, message, .. } => {
            assert_eq!((*actor, *field), (2, "capability"));
            assert!(message.contains("`a2`") && message.contains("capability 0"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // Above KTAB's 1e8 the octic victory probabilities would overflow: refused the same way.
    let t = table(4, 1, |a, _| Cell { position: spread(a, 0), salience: 0.5, capability: 1e9 }).unwrap();
    let e = build("smp", &ModelConfig::default()).unwrap().solve(&t, &SolveContext::default()).unwrap_err();
    assert!(matches!(e, ModelError::Actor { actor: 0, field: "capability", .. }), "{e:?}");
}

/// Runs `name` on `t` and expects a `TooLarge` refusal within a second.
fn refused_quickly(name: &str, t: &ActorTable, rounds: Option<usize>) -> String {
    let start = Instant::now();
    let e = build(name, &ModelConfig::default()).unwrap().solve(t, &SolveContext { rounds, seed: 0 }).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(1), "{name}: refused only after {:?}", start.elapsed());
    assert!(matches!(e, ModelError::TooLarge(_)), "{name}: {e:?}");
    e.to_string()
}

#[test]
fn five_thousand_actors_are_refused_by_bdm_and_smp_before_starting() {
    // Issue 16: a 5,000-actor table ran bdm/smp without end.
    let t = table(5000, 1, |a, _| Cell { position: spread(a, 0), salience: 0.5, capability: 1.0 + a as f64 }).unwrap();
    let e = refused_quickly("bdm", &t, None);
    assert!(e.contains("bdm") && e.contains("--rounds"), "{e}");
    let e = refused_quickly("smp", &t, None);
    assert!(e.contains("smp") && e.contains("max-turns"), "{e}");
    // The static models are linear in the table and still run.
    assert!(build("median", &ModelConfig::default()).unwrap().solve(&t, &SolveContext::default()).is_ok());
}

#[test]
fn exchange_on_100_actors_by_500_issues_is_refused_before_starting() {
    // Issue 16: this passed 8 GB.
    let t = table(100, 500, |a, k| Cell { position: spread(a, k), salience: 0.002, capability: 1.0 }).unwrap();
    let e = refused_quickly("exchange", &t, None);
    assert!(e.contains("candidate exchanges") && e.contains("split the table"), "{e}");
}

#[test]
fn absurd_round_counts_are_refused_before_allocating() {
    let t = table(3, 2, |a, k| Cell { position: spread(a, k), salience: 0.4, capability: 1.0 }).unwrap();
    for name in ["bdm", "exchange"] {
        refused_quickly(name, &t, Some(usize::MAX));
        refused_quickly(name, &t, Some(1_000_000_000));
    }
    // SMP's turns are capped by `max-turns` (KTAB: 100), which a user may raise.
    let params = vec![("max-turns".to_string(), "1000000000".to_string())];
    let smp = build("smp", &ModelConfig { params, ..Default::default() }).unwrap();
    let e = smp.solve(&t, &SolveContext::default()).unwrap_err();
    assert!(matches!(e, ModelError::TooLarge(_)), "{e:?}");
}

#[test]
fn tables_over_the_cell_limit_are_refused() {
    let side = (MAX_CELLS as f64).sqrt() as usize + 1;
    assert!(matches!(truce_bargain::table::check_size(side, side), Err(TableError::TooLarge { .. })));
    assert!(truce_bargain::table::check_size(usize::MAX, 2).is_err());
    assert!(truce_bargain::table::check_size(1000, 1000).is_ok());
    let e = TableError::TooLarge { actors: 20_000, issues: 20_000 }.to_string();
    assert!(e.contains("4.00e8 cells") && e.contains("1000000"), "{e}");
}
