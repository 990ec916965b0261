//! Entrenchment by costs paid (issue 12's long-war hazard; `docs/reference/war-endings.md`
//! §12): while the leader who began a war is in office, its audience share of the side's red
//! lines is × (1 + e · losses), so the longer and costlier the war, the dearer any deal or
//! freeze short of a public aim (Iklé 1971; Goemans 2000), and a successor is spared (Croco
//! 2011). Arms share seeds and run indices (common random numbers, `common/mod.rs`); a
//! directional claim clears [`K_SE`] standard errors.

mod common;

use common::*;
use truce_engine::base_rates::{next_year, simulate, weibull};
use truce_engine::builtin;
use truce_engine::load::{load_str, Loaded};
use truce_engine::scenario::EventKind;

/// `generic-interstate` with both sides' entrenchment at `e` and no other change; with
/// `priors`, its `[uncertainty]` table except the entrenchment rows (so `e` holds in every
/// run), without, the scenario's fixed values only.
fn generic(e: f64, priors: bool) -> Loaded {
    let text = builtin::builtin("generic-interstate").unwrap();
    let mut out = String::new();
    for line in text.lines() {
        if !priors && line.starts_with("[uncertainty]") {
            break;
        }
        if line.starts_with("\"politics.a.entrenchment\"") || line.starts_with("\"politics.b.entrenchment\"") {
            continue;
        }
        if line.starts_with("entrenchment = ") {
            out.push_str(&format!("entrenchment = {e}\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert_eq!(out.matches("\nentrenchment = ").count(), 2, "both sides' entrenchment is set in the built-in");
    load_str("generic-interstate", &out).unwrap()
}

/// Of the wars still fought after `age` years, the share whose first end comes within the
/// next year, with its standard error and the number at risk.
fn hazard(l: &Loaded, runs: u64, age: usize) -> (f64, f64, usize) {
    let e = simulate(l, runs, 12);
    let rows = next_year(&e.first, e.horizon);
    let (k, _) = weibull(&e.first, e.horizon);
    let p: Vec<String> = rows.iter().take(4).map(|r| format!("{:.3}", r.p)).collect();
    println!("P(end within the next year | age 0..3) {}; Weibull shape {k:.3}", p.join(" / "));
    let r = rows[age];
    let (p, se) = prop_se(r.ended, r.at_risk);
    (p, se, r.at_risk)
}

/// The mechanism lowers the hazard of old wars: with the scenario's fixed values (one war, its
/// runs differing only in the fortunes of war), the share of wars fought for two years that
/// end within the third is lower with entrenchment than without. Measured (4,000 runs, seed
/// 12): 0.622 at e = 0, 0.340 at e = 2 (life tables 0.062 / 0.291 / 0.622 / 0.696 against
/// 0.056 / 0.167 / 0.340 / 0.420; Weibull shape 2.55 against 2.14).
#[test]
fn entrenchment_lowers_the_hazard_of_old_wars() {
    let off = hazard(&generic(0.0, false), 4_000, 2);
    let on = hazard(&generic(2.0, false), 4_000, 2);
    let (d, se, z) = diff((on.0, on.1), (off.0, off.1));
    println!("age 2: off {:.3} (n {}), on {:.3} (n {}); difference {d:.3} ± {se:.3}", off.0, off.2, on.0, on.2);
    assert!(z < -K_SE, "entrenchment did not lower the hazard at age 2: {d:.3} ± {se:.3}");
}

/// A successor is spared (Croco 2011): when side A's leader is replaced in week 0, before any
/// cost is paid, A's entrenchment changes nothing, run by run; without the change it does
/// (so the comparison can fail).
#[test]
fn a_successor_is_spared_entrenchment() {
    let base = |e: f64, change: bool| {
        let mut p = generic(0.0, false).params;
        p.politics[0].entrenchment = e;
        p.politics[0].removal_per_year = 0.0;
        if change {
            let a = p.sides[0].belligerent;
            schedule(&mut p, truce_engine::params::Event { actor: Some(a), ..event(0, EventKind::LeadershipChange) });
        }
        p
    };
    assert_eq!(
        common::run_digest(&base(0.0, true)),
        common::run_digest(&base(3.0, true)),
        "a successor's audience costs were entrenched"
    );
    assert_ne!(
        common::run_digest(&base(0.0, false)),
        common::run_digest(&base(3.0, false)),
        "entrenchment never acted on the culpable leader"
    );
}

/// At 0 the mechanism is absent: the scenario with entrenchment 0 runs as the scenario
/// without the key, bit for bit (the digests of `tests/aims.rs` pin that to the engine before
/// aims, entrenchment included).
#[test]
fn zero_is_no_entrenchment() {
    let text = builtin::builtin("generic-interstate").unwrap();
    let without: String =
        text.lines().filter(|l| !l.starts_with("entrenchment = ")).map(|l| format!("{l}\n")).collect();
    let absent = load_str("generic-interstate", &without).unwrap().params;
    let mut zero = absent.clone();
    assert_eq!(zero.politics[0].entrenchment, 0.0);
    zero.politics[1].entrenchment = 0.0;
    assert_eq!(common::run_digest(&absent), common::run_digest(&zero));
    let mut on = absent.clone();
    on.politics[1].entrenchment = 1.0;
    assert_ne!(common::run_digest(&absent), common::run_digest(&on), "entrenchment 1 changed nothing");
}
