//! Hand-computed cases and properties of the Stokman & Van Oosten exchange model.
use proptest::prelude::*;
use truce_bargain::exchange::{run, Exchange, ExchangeOptions};
use truce_bargain::mean::weighted_mean;
use truce_bargain::{ActorTable, BargainingModel, Cell, Issue, SolveContext};

const EPS: f64 = 1e-9;

fn opts(rounds: usize) -> ExchangeOptions {
    ExchangeOptions { rounds, ..Default::default() }
}

fn cell(p: f64, s: f64, c: f64) -> Option<Cell> {
    Some(Cell { position: p, salience: s, capability: c })
}

fn table(actors: &[&str], n_issues: usize, cells: Vec<Option<Cell>>) -> ActorTable {
    let issues = (0..n_issues).map(|k| Issue::new_0_100(format!("i{k}"))).collect();
    ActorTable::new(actors.iter().map(|a| a.to_string()).collect(), issues, cells).unwrap()
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < EPS, "{a} != {b}");
}

/// Two actors, two issues (p = 0, q = 1), capabilities 1.
///
/// A: p x=0 s=0.8, q x=0 s=0.4.   B: p x=100 s=0.2, q x=100 s=0.6.
///
/// Round 1.
/// - S_p = 0.8 + 0.2 = 1.0, O_p = (0·0.8 + 100·0.2)/1 = 20; S_q = 0.4 + 0.6 = 1.0,
///   O_q = (0·0.4 + 100·0.6)/1 = 60. A is left on both, B right on both: a candidate.
/// - s_Ap/s_Aq = 2 > s_Bp/s_Bq = 1/3, so B (j) supplies p and A (i) supplies q.
/// - B moves fully on p: Δp = |0 − 100|·(1·0.2)/1.0 = 20.
/// - Δq = Δp (s_Ap + s_Bp)/(s_Aq + s_Bq) = 20·1.0/1.0 = 20.
/// - A's move on q: m_A = Δq S_q/(c s_Aq) = 20·1.0/0.4 = 50 < 100 (no overshoot).
/// - NBS check: O_p 20 → 0, exactly A's position (not beyond); O_q 60 → 80 ≤ 100.
/// - Gain = Δp s_Ap − Δq s_Aq = 16 − 8 = 8 (= Δq s_Bq − Δp s_Bp = 12 − 4 for B).
/// - Voting positions: B on p 100 → 0 (move −100), A on q 0 → 50 (move +50).
/// - Outcomes: O_p = 0, O_q = 0.4·50 + 0.6·100 = 80.
/// - Next start: B on p: λ = 0.4(1 − 0.2) + 0.1 = 0.42, x' = 0.58·100 + 0.42·0 = 58;
///   A on q: λ = 0.4(1 − 0.4) + 0.1 = 0.34, x' = 0.66·0 + 0.34·50 = 17.
///
/// Round 2 (A: p 0, q 17; B: p 58, q 100).
/// - O_p = 0.2·58 = 11.6, O_q = 0.4·17 + 0.6·100 = 66.8; still opposite sides on both.
/// - Δp = 58·0.2 = 11.6, Δq = 11.6, m_A = 11.6/0.4 = 29 < 83; NBS: room on p 11.6 (lands
///   on A), room on q 100 − 66.8 = 33.2.
/// - Gain = 11.6·0.8 − 11.6·0.4 = 4.64. B on p 58 → 0, A on q 17 → 46.
/// - Outcomes O_p = 0, O_q = 0.4·46 + 60 = 78.4. Next: B p 0.58·58 = 33.64,
///   A q 0.66·17 + 0.34·46 = 26.86.
fn two_by_two() -> ActorTable {
    table(&["A", "B"], 2, vec![cell(0.0, 0.8, 1.0), cell(0.0, 0.4, 1.0), cell(100.0, 0.2, 1.0), cell(100.0, 0.6, 1.0)])
}

#[test]
fn hand_computed_single_exchange() {
    let r = run(&two_by_two(), &opts(2), 7);
    close(r.initial_outcomes[0], 20.0);
    close(r.initial_outcomes[1], 60.0);

    let r1 = &r.rounds[0];
    assert_eq!(r1.exchanges.len(), 1);
    let e = r1.exchanges[0];
    assert_eq!((e.i, e.j, e.supply_issue_i, e.supply_issue_j), (0, 1, 1, 0));
    close(e.shifts[0], 20.0); // Δq
    close(e.shifts[1], 20.0); // Δp
    close(e.moves[0], 50.0); // A on q
    close(e.moves[1], -100.0); // B on p
    close(e.gain, 8.0);
    close(r1.outcomes[0], 0.0);
    close(r1.outcomes[1], 80.0);
    close(r1.voting_positions[0][1].unwrap(), 0.0);
    close(r1.voting_positions[1][0].unwrap(), 50.0);
    close(r1.next_positions[0][1].unwrap(), 58.0);
    close(r1.next_positions[1][0].unwrap(), 17.0);
    // Positions that did not move stay put.
    assert_eq!(r1.next_positions[0][0], Some(0.0));
    assert_eq!(r1.next_positions[1][1], Some(100.0));

    let r2 = &r.rounds[1];
    assert_eq!(r2.exchanges.len(), 1);
    let e = r2.exchanges[0];
    close(e.shifts[1], 11.6);
    close(e.shifts[0], 11.6);
    close(e.moves[0], 29.0);
    close(e.moves[1], -58.0);
    close(e.gain, 4.64);
    close(r2.outcomes[0], 0.0);
    close(r2.outcomes[1], 78.4);
    close(r2.next_positions[0][1].unwrap(), 33.64);
    close(r2.next_positions[1][0].unwrap(), 26.86);
}

#[test]
fn solution_rounds_match_run() {
    let t = two_by_two();
    let ctx = SolveContext { rounds: Some(2), seed: 1 };
    let s = Exchange::default().solve(&t, &ctx).unwrap();
    assert_eq!(s.model, "exchange");
    assert_eq!(s.issues[0].rounds.len(), 3);
    close(s.issues[0].rounds[0].forecast, 20.0);
    close(s.issues[1].rounds[0].forecast, 60.0);
    close(s.issues[1].rounds[1].forecast, 80.0);
    close(s.issues[1].rounds[2].forecast, 78.4);
    // Round r reports voting positions, whose weighted mean is the forecast.
    for i in &s.issues {
        for r in &i.rounds {
            close(r.forecast, r.mean);
        }
    }
    assert_eq!(s.issues[1].rounds[1].positions, vec![Some(50.0), Some(100.0)]);
}

fn assert_static(t: &ActorTable, expected: [f64; 2]) {
    let r = run(t, &opts(5), 0);
    for re in &r.rounds {
        assert!(re.exchanges.is_empty());
        for (k, &want) in expected.iter().enumerate() {
            close(re.outcomes[k], want);
            assert_eq!(re.next_positions[k], re.voting_positions[k]);
            let v = t.issue_view(k);
            let held: Vec<f64> = re.next_positions[k].iter().flatten().copied().collect();
            assert_eq!(held, v.position);
            close(weighted_mean(&v.position, &v.weights()).unwrap(), want);
        }
    }
}

/// Same side on one issue: A (30, 20) s (0.5, 0.5), B (30, 80) s (0.3, 0.7), capabilities 1.
/// O_p = 30, so both are "left" on p (x ≤ O): no candidate pair. Forecast = compromise:
/// O_p = 30, O_q = (0.5·20 + 0.7·80)/1.2 = 66/1.2 = 55.
#[test]
fn no_exchange_same_side() {
    let t = table(
        &["A", "B"],
        2,
        vec![cell(30.0, 0.5, 1.0), cell(20.0, 0.5, 1.0), cell(30.0, 0.3, 1.0), cell(80.0, 0.7, 1.0)],
    );
    assert_static(&t, [30.0, 55.0]);
}

/// Opposite sides on both issues but equal salience ratios: A (0, 0) s (0.4, 0.2),
/// B (100, 100) s (0.6, 0.3). s_p/s_q = 2 for both, so Δq = Δp (0.4+0.6)/(0.2+0.3) = 2Δp and
/// the gain Δp·0.4 − 2Δp·0.2 = 0 < 1e-10: no valid exchange. O_p = 60/1.0 = 60,
/// O_q = 30/0.5 = 60.
#[test]
fn no_exchange_zero_gain() {
    let t = table(
        &["A", "B"],
        2,
        vec![cell(0.0, 0.4, 1.0), cell(0.0, 0.2, 1.0), cell(100.0, 0.6, 1.0), cell(100.0, 0.3, 1.0)],
    );
    assert_static(&t, [60.0, 60.0]);
}

/// A tie: A (0, 0) s (0.8, 0.2) c 2; B and C identical at (100, 100) s (0.2, 0.8) c 1.
/// S_p = 1.6 + 0.2 + 0.2 = 2, O_p = 40/2 = 20; S_q = 0.4 + 0.8 + 0.8 = 2, O_q = 160/2 = 80.
/// Candidates A–B and A–C (B–C are on the same side). For each, B (or C) supplies p:
/// Δp = 100·0.2/2 = 10, Δq = 10·(0.8 + 0.2)/(0.2 + 0.8) = 10, m_A = 10·2/0.4 = 50, gain =
/// 10·0.8 − 10·0.2 = 6, bit-for-bit equal. Both need A's move on q; the first is drawn at random.
/// After it, O_p = 10 and O_q = 90 and the other is recomputed: Δp = 10 (room 10), m_A = 50
/// (distance 50), gain 6 again, so A ends at 100 on q and B, C at 0 on p.
fn tie_table() -> ActorTable {
    table(
        &["A", "B", "C"],
        2,
        vec![
            cell(0.0, 0.8, 2.0),
            cell(0.0, 0.2, 2.0),
            cell(100.0, 0.2, 1.0),
            cell(100.0, 0.8, 1.0),
            cell(100.0, 0.2, 1.0),
            cell(100.0, 0.8, 1.0),
        ],
    )
}

#[test]
fn tie_broken_by_seed() {
    let t = tie_table();
    let opts = opts(1);
    let first = |seed: u64| run(&t, &opts, seed).rounds[0].exchanges[0].j;
    let mut seen = [false; 3];
    for seed in 0..32 {
        let a = first(seed);
        assert_eq!(a, first(seed), "same seed, same choice");
        seen[a] = true;
    }
    assert!(seen[1] && seen[2], "both partners chosen first over seeds");

    let r = run(&t, &opts, 3);
    let re = &r.rounds[0];
    assert_eq!(re.exchanges.len(), 2);
    for e in &re.exchanges {
        assert_eq!(e.i, 0);
        close(e.gain, 6.0);
        close(e.shifts[0], 10.0);
        close(e.shifts[1], 10.0);
        close(e.moves[0], 50.0);
        close(e.moves[1], -100.0);
    }
    close(re.outcomes[0], 0.0);
    close(re.outcomes[1], 100.0);
}

fn arb_table() -> impl Strategy<Value = ActorTable> {
    (2usize..7, 1usize..5).prop_flat_map(|(n, m)| {
        let c = prop::option::weighted(0.85, (0.0f64..=100.0, 0.0f64..=1.0, 0.0f64..10.0));
        prop::collection::vec(c, n * m).prop_map(move |cells| {
            let names: Vec<String> = (0..n).map(|a| format!("a{a}")).collect();
            let issues = (0..m).map(|k| Issue::new_0_100(format!("i{k}"))).collect();
            let cells = cells
                .into_iter()
                .map(|c| c.map(|(position, salience, capability)| Cell { position, salience, capability }))
                .collect();
            ActorTable::new(names, issues, cells).unwrap()
        })
    })
}

proptest! {
    #[test]
    fn forecasts_in_range_and_deterministic(t in arb_table(), seed in any::<u64>()) {
        let ctx = SolveContext { rounds: Some(6), seed };
        let model = Exchange::default();
        let s = match model.solve(&t, &ctx) {
            Ok(s) => s,
            Err(_) => {
                // Only an issue nobody holds is an error.
                prop_assert!((0..t.n_issues()).any(|k| t.issue_view(k).is_empty()));
                return Ok(());
            }
        };
        prop_assert_eq!(&s, &model.solve(&t, &ctx).unwrap());
        prop_assert_eq!(
            run(&t, &opts(6), seed),
            run(&t, &opts(6), seed)
        );
        for (k, is) in s.issues.iter().enumerate() {
            let v = t.issue_view(k);
            let lo = v.position.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.position.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            for r in &is.rounds {
                prop_assert!((0.0..=100.0).contains(&r.forecast));
                prop_assert!(r.forecast >= lo - 1e-9 && r.forecast <= hi + 1e-9);
                for p in r.positions.iter().flatten() {
                    prop_assert!(*p >= lo - 1e-9 && *p <= hi + 1e-9);
                }
            }
        }
        for re in run(&t, &opts(6), seed).rounds {
            for e in re.exchanges {
                prop_assert!(e.gain >= 1e-10);
                prop_assert!(e.i != e.j && e.supply_issue_i != e.supply_issue_j);
            }
        }
    }
}

/// The NBS check binds. A: p 20 s 0.8, q 0 s 0.4; B: p 100 s 0.2, q 100 s 0.6; C: p 0 s 0.5
/// and no stance on q (so C trades nothing). Capabilities 1.
/// - S_p = 1.5, O_p = (16 + 20 + 0)/1.5 = 24; S_q = 1, O_q = 60. B supplies p.
/// - Full move: Δp = 80·0.2/1.5 = 10.67 but the room to A's position is 24 − 20 = 4: cut to
///   Δp = 4, Δq = 4·(0.8 + 0.2)/(0.4 + 0.6) = 4, m_B = 4·1.5/0.2 = 30, m_A = 4·1/0.4 = 10.
/// - Gain = 4·0.8 − 4·0.4 = 1.6. B on p 100 → 70, A on q 0 → 10.
/// - O_p = (16 + 14)/1.5 = 20 (exactly A's position), O_q = 0.4·10 + 60 = 64.
/// - Next: B p 0.58·100 + 0.42·70 = 87.4; A q 0.34·10 = 3.4.
#[test]
fn nbs_check_cuts_the_shift() {
    let t = table(
        &["A", "B", "C"],
        2,
        vec![
            cell(20.0, 0.8, 1.0),
            cell(0.0, 0.4, 1.0),
            cell(100.0, 0.2, 1.0),
            cell(100.0, 0.6, 1.0),
            cell(0.0, 0.5, 1.0),
            None,
        ],
    );
    let r = run(&t, &opts(1), 0);
    close(r.initial_outcomes[0], 24.0);
    let re = &r.rounds[0];
    assert_eq!(re.exchanges.len(), 1);
    let e = re.exchanges[0];
    assert_eq!((e.i, e.j), (0, 1));
    close(e.shifts[1], 4.0);
    close(e.shifts[0], 4.0);
    close(e.moves[1], -30.0);
    close(e.moves[0], 10.0);
    close(e.gain, 1.6);
    close(re.outcomes[0], 20.0);
    close(re.outcomes[1], 64.0);
    close(re.next_positions[0][1].unwrap(), 87.4);
    close(re.next_positions[1][0].unwrap(), 3.4);
}

/// Overshoot: roles reverse. A: p 0 s 0.8, q 0 s 0.1; B: p 100 s 0.2, q 100 s 0.9; c = 1.
/// - S_p = 1, O_p = 20; S_q = 1, O_q = 90. B supplies p.
/// - First try: Δp = 100·0.2 = 20, Δq = 20·1.0/1.0 = 20, m_A = 20/0.1 = 200 > 100: A would
///   overshoot B. Reverse: A moves fully on q, Δq = 100·0.1/1 = 10, Δp = 10·1.0/1.0 = 10,
///   m_B = 10·1/0.2 = 50.
/// - NBS: room on p 20 ≥ 10; room on q 100 − 90 = 10 ≥ 10.
/// - Gain = 10·0.8 − 10·0.1 = 7. O_p = 0.2·50 = 10, O_q = 100.
#[test]
fn overshoot_reverses_roles() {
    let t = table(
        &["A", "B"],
        2,
        vec![cell(0.0, 0.8, 1.0), cell(0.0, 0.1, 1.0), cell(100.0, 0.2, 1.0), cell(100.0, 0.9, 1.0)],
    );
    let re = &run(&t, &opts(1), 0).rounds[0];
    assert_eq!(re.exchanges.len(), 1);
    let e = re.exchanges[0];
    close(e.moves[0], 100.0);
    close(e.moves[1], -50.0);
    close(e.shifts[0], 10.0);
    close(e.shifts[1], 10.0);
    close(e.gain, 7.0);
    close(re.outcomes[0], 10.0);
    close(re.outcomes[1], 100.0);
}
