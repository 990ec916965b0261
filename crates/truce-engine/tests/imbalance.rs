//! A side outmatched at the front breaks sooner (issue 12's short decisive wars;
//! `docs/reference/war-endings.md` §17): the collapse hazard of §6 × exp(w_b · b), b =
//! ln(the other side's combat power / the side's) when above 0 (Bennett & Stam 1996: the
//! balance of capabilities shortens wars; Powell 2004: the per-round chance of a military
//! decision follows the balance). Arms share seeds and run indices (common random numbers,
//! `common/mod.rs`); a directional claim clears [`K_SE`] standard errors.

mod common;

use common::*;
use truce_engine::builtin;
use truce_engine::load::load_str;
use truce_engine::objectives::outmatched;
use truce_engine::params::Params;
use truce_engine::sim::{NoObserver, Sim, WarState};

/// `generic-interstate`'s fixed values (no `[uncertainty]`), B's forces `b_forces`, each
/// side's base collapse rate `rate` a year and the imbalance weight `w` for both sides.
fn lopsided(b_forces: f64, rate: f64, w: f64) -> Params {
    let text = builtin::builtin("generic-interstate").unwrap();
    let fixed = &text[..text.find("\n[uncertainty]").unwrap()];
    let mut p = load_str("generic-interstate", fixed).unwrap_or_else(|e| panic!("{e}")).params;
    p.sides[1].forces = b_forces;
    for s in 0..2 {
        p.politics[s].collapse_per_year = rate;
        p.politics[s].collapse_imbalance_weight = w;
    }
    p
}

/// Per run: whether side `s` collapsed within `weeks` weeks (1.0 or 0.0).
fn collapsed_within(p: &Params, runs: u64, seed: u64, s: usize, weeks: u32) -> Vec<f64> {
    let mut sim = Sim::new(p);
    let kind = if s == 0 { WarState::CollapsedFirst } else { WarState::CollapsedSecond };
    (0..runs).map(|r| sim.run(seed, r, &mut NoObserver)).map(|x| ind(x.state == kind && x.week < weeks)).collect()
}

/// The law: 0 when the side is at least even, ln of the ratio when outmatched; NaN gives 0
/// and a ratio of 0 a finite value.
#[test]
fn outmatched_is_the_log_of_the_deficit() {
    assert_eq!(outmatched(1.0), 0.0);
    assert_eq!(outmatched(3.0), 0.0);
    assert!((outmatched(0.5) - 2f64.ln()).abs() < 1e-12);
    assert_eq!(outmatched(f64::NAN), 0.0);
    assert!(outmatched(0.0).is_finite() && outmatched(0.0) > 600.0);
}

/// Outmatched 100,000 : 60,000 at the front (b ≈ 0.5 for B before effectiveness), B breaks
/// within six months more often with w_b = 3 than without, on the same draws; A, the
/// stronger side, gains less (its b is 0 unless the front turns against it).
#[test]
fn the_outmatched_side_breaks_sooner() {
    let (runs, seed) = (3000, 12);
    let off = lopsided(60_000.0, 0.2, 0.0);
    let on = lopsided(60_000.0, 0.2, 3.0);
    let (db, se_b, zb) = paired(&collapsed_within(&on, runs, seed, 1, 26), &collapsed_within(&off, runs, seed, 1, 26));
    let (da, _, _) = paired(&collapsed_within(&on, runs, seed, 0, 26), &collapsed_within(&off, runs, seed, 0, 26));
    println!("B broken within 26 weeks: +{db:.4} ± {se_b:.4} (z {zb:.1}); A: {da:+.4}");
    assert!(zb > K_SE, "the outmatched side did not break sooner: {db:.4} ± {se_b:.4}");
    assert!(db > da + 3.0 * se_b, "the stronger side gained as much: B {db:.4}, A {da:.4}");
}

/// At 0 the term is absent: the built-in (which does not set the key) is the scenario with the
/// key at 0, bit for bit, through the exact path and the shortcut alike; at 2 it is not.
#[test]
fn zero_is_no_imbalance_term() {
    let text = builtin::builtin("generic-interstate").unwrap();
    let absent = load_str("g", text).unwrap().params;
    assert_eq!(absent.politics[0].collapse_imbalance_weight, 0.0);
    let at = text.find("entrenchment = 1.0\n").unwrap() + "entrenchment = 1.0\n".len();
    let zero = load_str("g", &format!("{}collapse_imbalance_weight = 0\n{}", &text[..at], &text[at..])).unwrap().params;
    assert_eq!(common::run_digest(&absent), common::run_digest(&zero));
    let mut on = absent.clone();
    on.sides[1].forces = 60_000.0;
    let mut off = on.clone();
    for s in 0..2 {
        on.politics[s].collapse_per_year = 0.2;
        off.politics[s].collapse_per_year = 0.2;
        on.politics[s].collapse_imbalance_weight = 2.0;
    }
    assert_ne!(common::run_digest(&off), common::run_digest(&on), "a weight of 2 changed nothing");
}

/// Bad input is a located error naming the file, the line and the field: a negative weight
/// and NaN.
#[test]
fn bad_weight_is_a_located_error() {
    let text = builtin::builtin("generic-interstate").unwrap();
    let at = text.find("entrenchment = 1.0\n").unwrap() + "entrenchment = 1.0\n".len();
    let t = format!("{}collapse_imbalance_weight = -1\n{}", &text[..at], &text[at..]);
    let line = t[..at].matches('\n').count() + 1;
    let Err(e) = load_str("bad.toml", &t) else { panic!("a negative weight loaded") };
    assert!(e.to_string().starts_with("bad.toml:"), "the error does not name the file: {e}");
    let d = e
        .diagnostics
        .iter()
        .find(|d| d.path.as_deref() == Some("politics.a.collapse_imbalance_weight"))
        .unwrap_or_else(|| panic!("no diagnostic names the field: {:#?}", e.diagnostics));
    assert_eq!(d.line, Some(line), "wrong line in {d:?}");
    let t = format!("{}collapse_imbalance_weight = nan\n{}", &text[..at], &text[at..]);
    let Err(e) = load_str("bad.toml", &t) else { panic!("collapse_imbalance_weight = nan loaded") };
    assert!(e.to_string().starts_with(&format!("bad.toml:{line}:")), "not located at line {line}: {e}");
}
