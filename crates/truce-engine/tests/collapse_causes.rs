//! What broke a side that collapsed (`truce_engine::outcome::CollapseCause`): each of the
//! four conditions of `Sim::end` is reported as the cause when it alone can end the run, the
//! front decides when it applies with a floor (the order of `Sim::end`), and every end that is
//! not a collapse has none. The forecast sums these per side (`collapse_causes`); a threshold
//! of the front is a different claim from an army or an economy that breaks, so a user must
//! be able to tell them apart.

use truce_engine::builtin;
use truce_engine::load::load_str;
use truce_engine::params::Params;
use truce_engine::sim::{CollapseCause, NoObserver, Sim, WarState};

/// `generic-interstate`'s fixed values with every way to collapse off: no floors, thresholds
/// beyond the map, no collapse hazard.
fn nothing_breaks() -> Params {
    let text = builtin::builtin("generic-interstate").unwrap();
    let fixed = &text[..text.find("\n[uncertainty]").unwrap()];
    let mut p = load_str("generic-interstate", fixed).unwrap_or_else(|e| panic!("{e}")).params;
    for s in 0..2 {
        p.sides[s].collapse_forces_fraction = 0.0;
        p.sides[s].collapse_economy = f64::NEG_INFINITY;
        p.politics[s].collapse_per_year = 0.0;
    }
    p.collapse_first_km2 = f64::NEG_INFINITY;
    p.collapse_second_km2 = f64::INFINITY;
    p
}

/// The ends of `runs` runs: (state, week, km², cause).
fn ends(p: &Params, runs: u64) -> Vec<(WarState, u32, f64, Option<CollapseCause>)> {
    let mut sim = Sim::new(p);
    (0..runs)
        .map(|r| {
            let s = sim.run(5, r, &mut NoObserver);
            (s.state, s.week, s.km2, s.collapse)
        })
        .collect()
}

/// Every collapse among `e` is of `side` with `cause`, and there is at least one.
fn all_collapses_are(e: &[(WarState, u32, f64, Option<CollapseCause>)], side: usize, cause: CollapseCause) {
    let collapsed: Vec<_> =
        e.iter().filter(|x| matches!(x.0, WarState::CollapsedFirst | WarState::CollapsedSecond)).collect();
    assert!(!collapsed.is_empty(), "no run collapsed");
    for x in collapsed {
        assert_eq!(x.0, WarState::collapsed(side), "{x:?}");
        assert_eq!(x.3, Some(cause), "{x:?}");
    }
}

#[test]
fn ends_that_are_not_collapses_have_no_cause() {
    let e = ends(&nothing_breaks(), 300);
    assert!(e.iter().all(|x| !matches!(x.0, WarState::CollapsedFirst | WarState::CollapsedSecond)));
    assert!(e.iter().all(|x| x.3.is_none()), "a cause without a collapse");
    // And in the built-in generic war, a cause comes with every collapse and only then.
    let text = builtin::builtin("generic-interstate").unwrap();
    let fixed = &text[..text.find("\n[uncertainty]").unwrap()];
    let p = load_str("generic-interstate", fixed).unwrap().params;
    for x in ends(&p, 500) {
        let collapsed = matches!(x.0, WarState::CollapsedFirst | WarState::CollapsedSecond);
        assert_eq!(x.3.is_some(), collapsed, "{x:?}");
    }
}

/// The front past the second side's threshold: a threshold just beyond the start's line.
#[test]
fn the_front_past_its_threshold() {
    let mut p = nothing_breaks();
    p.collapse_second_km2 = p.start_km2 + 50.0;
    let e = ends(&p, 300);
    all_collapses_are(&e, 1, CollapseCause::Front);
    for x in e.iter().filter(|x| x.0 == WarState::CollapsedSecond) {
        assert!(x.2 >= p.collapse_second_km2, "{x:?}: collapsed by the front short of its threshold");
    }
}

/// Forces below their floor: a floor just under the start's forces is crossed by the first
/// weeks' losses.
#[test]
fn forces_below_their_floor() {
    let mut p = nothing_breaks();
    p.sides[0].collapse_forces_fraction = 0.999;
    all_collapses_are(&ends(&p, 200), 0, CollapseCause::Forces);
}

/// Economy below its floor (forces above theirs): a floor above any economy.
#[test]
fn economy_below_its_floor() {
    let mut p = nothing_breaks();
    p.sides[1].collapse_economy = 1e9;
    let e = ends(&p, 50);
    all_collapses_are(&e, 1, CollapseCause::Economy);
    assert!(e.iter().all(|x| x.1 == 0), "an economy floor above any economy breaks the side in week 0");
}

/// Both floors at once: the forces are named (the order of `Sim::end`).
#[test]
fn forces_before_economy_when_both_give_way() {
    let mut p = nothing_breaks();
    p.sides[1].collapse_economy = 1e9;
    p.sides[1].collapse_forces_fraction = 1e9;
    all_collapses_are(&ends(&p, 50), 1, CollapseCause::Forces);
}

/// A floor and the front in the same week: the front decides.
#[test]
fn the_front_decides_over_a_floor() {
    let mut p = nothing_breaks();
    p.sides[0].collapse_economy = 1e9;
    p.collapse_second_km2 = f64::NEG_INFINITY;
    all_collapses_are(&ends(&p, 50), 1, CollapseCause::Front);
}

/// The collapse hazard before any floor: a side that breaks within weeks.
#[test]
fn broke_before_its_floors() {
    let mut p = nothing_breaks();
    p.politics[0].collapse_per_year = 50.0;
    all_collapses_are(&ends(&p, 300), 0, CollapseCause::Broke);
}
