//! Decisive places and the collapse hazard (`[[objectives]]`, `politics.*.collapse_*`;
//! `docs/reference/war-endings.md` §6): each mechanism can change the outcome, the hazard is
//! zero with the mechanism off, and bad objectives fail with located errors, never a panic.
//!
//! Arms differ only in the factor under test and share seeds and run indices (common random
//! numbers, `common/mod.rs`).

mod common;

use common::{ind, paired, runs, theory_base, K_SE};
use truce_engine::builtin;
use truce_engine::load::load_str;
use truce_engine::objectives::{collapse_rate, decline, held_by_first, MAX_OBJECTIVES};
use truce_engine::params::{Objective, Params};
use truce_engine::sim::{Observer, Sim, WarState};

const N: u64 = 2000;
const SEED: u64 = 18;

/// The theory base fought without talks (no round is ever due) and without floors (the
/// hazard is the only way to collapse), A a tenth more effective.
fn fought_out() -> Params {
    let mut p = theory_base();
    p.cadence = 100_000;
    p.sides[0].effectiveness *= 1.1;
    p.collapse_first_km2 = f64::NEG_INFINITY;
    p.collapse_second_km2 = f64::INFINITY;
    for s in 0..2 {
        p.sides[s].collapse_forces_fraction = 0.0;
        p.sides[s].collapse_economy = 0.0;
    }
    p
}

/// [`fought_out`] with B's collapse hazard on and one place just ahead of the start's line,
/// which A (the stronger side) takes in most runs; `value` is what it is worth to B.
fn with_place(value: f64) -> Params {
    let mut p = fought_out();
    p.politics[1].collapse_per_year = 0.05;
    p.politics[1].collapse_objective_weight = 4.0;
    p.objectives.push(Objective {
        id: "fort".into(),
        name: "B's fortress".into(),
        km2: p.start_km2 + 150.0,
        value: [0.0, value],
    });
    p
}

/// Falls and recaptures an observer saw: (week, objective, side it fell to).
#[derive(Default)]
struct Falls(Vec<(u32, usize, usize)>);
impl Observer for Falls {
    fn objective(&mut self, week: u32, objective: usize, to: usize) {
        self.0.push((week, objective, to));
    }
}

#[test]
fn a_places_fall_raises_the_chance_of_collapse() {
    let valued = runs(&with_place(0.8), N, SEED);
    let worthless = runs(&with_place(0.0), N, SEED);
    let a: Vec<f64> = valued.iter().map(|r| ind(r.s.state == WarState::CollapsedSecond)).collect();
    let b: Vec<f64> = worthless.iter().map(|r| ind(r.s.state == WarState::CollapsedSecond)).collect();
    let (d, se, z) = paired(&a, &b);
    assert!(z > K_SE, "B's collapse: valued place − worthless place = {d:.4} ± {se:.4} (z {z:.1})");
}

#[test]
fn falls_and_recaptures_reach_the_observers() {
    let p = with_place(0.8);
    let mut sim = Sim::new(&p);
    let (mut fell, mut retaken) = (0, 0);
    for r in 0..200 {
        let mut o = Falls::default();
        sim.run(SEED, r, &mut o);
        // Falls alternate between the sides, the first one to A (B holds it at the start).
        for (i, &(_, k, to)) in o.0.iter().enumerate() {
            assert_eq!(k, 0);
            assert_eq!(to, if i % 2 == 0 { 0 } else { 1 }, "run {r}: {:?}", o.0);
        }
        fell += usize::from(!o.0.is_empty());
        retaken += usize::from(o.0.len() >= 2);
    }
    assert!(fell > 100, "the place fell in only {fell} of 200 runs");
    assert!(retaken > 0, "the place was never retaken");
    // The trace records each change of hands as an event of the run.
    let t = truce_engine::trace::run_traced(&p, SEED);
    let places = t.events.iter().filter(|e| e.kind == "Objective").count();
    let seen = {
        let mut o = Falls::default();
        Sim::new(&p).run(SEED, 0, &mut o);
        o.0.len()
    };
    assert_eq!(places, seen);
}

#[test]
fn the_hazard_is_zero_with_the_mechanism_off() {
    let mut p = theory_base();
    p.politics[1].collapse_decline_weight = 5.0;
    p.politics[1].collapse_objective_weight = 5.0;
    assert_eq!(collapse_rate(&p, 1, 2.0, 1.0, 0.5, 0.0), 0.0);
    p.politics[1].collapse_per_year = 0.5;
    assert!(collapse_rate(&p, 1, 2.0, 1.0, 0.5, 0.0) > 0.5 * (5.0f64 * 3.0).exp() * 0.99);
    // With the floors out of reach and the rate at 0 nobody collapses; at a positive rate
    // some side does (so the first half can fail).
    let off = fought_out();
    let collapsed = |p: &Params| {
        runs(p, 500, SEED)
            .iter()
            .filter(|r| matches!(r.s.state, WarState::CollapsedFirst | WarState::CollapsedSecond))
            .count()
    };
    assert_eq!(collapsed(&off), 0);
    let mut on = off.clone();
    on.politics[0].collapse_per_year = 1.0;
    on.politics[1].collapse_per_year = 1.0;
    assert!(collapsed(&on) > 50, "a rate of 1 a year broke only {} of 500 runs", collapsed(&on));
}

#[test]
fn the_mechanism_off_draws_nothing() {
    // Objectives with no weight and no rate change nothing: runs are identical, bit for bit.
    let base = theory_base();
    let mut placed = base.clone();
    placed.objectives.push(Objective {
        id: "x".into(),
        name: String::new(),
        km2: base.start_km2 + 100.0,
        value: [0.5, 0.5],
    });
    for (a, b) in runs(&base, 300, SEED).iter().zip(runs(&placed, 300, SEED).iter()) {
        assert_eq!(a.s, b.s);
    }
}

#[test]
fn a_side_that_misjudged_the_balance_breaks_early() {
    // B expects to gain ground a week (optimism) while A, a tenth stronger, pushes it back:
    // with the misjudgement weight on, B breaks more often in the first half-year, and the
    // weight's effect fades as B learns (the second half-year's extra breaks are fewer).
    let arm = |w: f64| {
        let mut p = fought_out();
        p.sides[1].optimism = 150.0;
        p.politics[1].collapse_per_year = 0.05;
        p.politics[1].collapse_misjudgement_weight = w;
        runs(&p, N, SEED)
    };
    let (on, off) = (arm(6.0), arm(0.0));
    let broke = |rs: &[common::Run], from: u32, to: u32| -> Vec<f64> {
        rs.iter().map(|r| ind(r.s.state == WarState::CollapsedSecond && (from..to).contains(&r.s.week))).collect()
    };
    let (d, se, z) = paired(&broke(&on, 0, 26), &broke(&off, 0, 26));
    assert!(z > K_SE, "B's breaks in weeks 0–25: misjudgement on − off = {d:.4} ± {se:.4} (z {z:.1})");
    let (late, _, _) = paired(&broke(&on, 156, 260), &broke(&off, 156, 260));
    assert!(late < d, "the misjudgement's effect did not fade: early {d:.4}, late {late:.4}");
}

#[test]
fn decline_runs_from_the_start_to_the_floors() {
    let p = theory_base();
    let sd = &p.sides[0];
    assert_eq!(decline(&p, 0, sd.forces, sd.economy), 0.0);
    let at_floor = decline(&p, 0, sd.forces * sd.collapse_forces_fraction, sd.collapse_economy);
    assert!((at_floor - 2.0).abs() < 1e-12, "{at_floor}");
    assert_eq!(decline(&p, 0, sd.forces * 2.0, 1.0), 0.0);
}

#[test]
fn losing_a_place_moves_resolve_and_so_the_talks() {
    // The generic war at its point values, talks on, a place worth much to B just ahead of
    // the line: with resolve lost to its fall, B weighs the war's cost more and runs change.
    let l = load_str("g", base()).unwrap();
    let mut hit = l.params;
    hit.objectives =
        vec![Objective { id: "f".into(), name: String::new(), km2: hit.start_km2 + 50.0, value: [0.0, 0.8] }];
    for s in 0..2 {
        hit.politics[s].collapse_per_year = 0.0;
        hit.politics[s].objective_resolve = 0.0;
    }
    hit.politics[1].objective_resolve = 2.0;
    let mut none = hit.clone();
    none.politics[1].objective_resolve = 0.0;
    let a = runs(&hit, 500, SEED);
    let b = runs(&none, 500, SEED);
    let diff = a.iter().zip(&b).filter(|(x, y)| x.s != y.s).count();
    assert!(diff > 50, "resolve lost with the place changed only {diff} of 500 runs");
}

#[test]
fn the_built_ins_place_their_objectives_inside_the_map() {
    for name in ["generic-interstate", "ukraine-2025-12"] {
        let l = load_str(name, builtin::builtin(name).unwrap()).unwrap_or_else(|e| panic!("{e}"));
        let p = &l.params;
        assert!(!p.objectives.is_empty(), "{name} has no objectives");
        let (lo, hi) = (p.km2_knots[0].1, p.km2_knots[p.km2_knots.len() - 1].1);
        assert!(p.objectives.iter().all(|o| o.km2 > lo && o.km2 <= hi));
        assert!(p.politics.iter().all(|x| x.collapse_per_year > 0.0), "{name}: the hazard is off");
        // Who holds what at the start follows from the line.
        let held = held_by_first(&p.objectives, p.start_km2);
        for (i, o) in p.objectives.iter().enumerate() {
            assert_eq!(held & (1 << i) != 0, p.start_km2 >= o.km2);
        }
    }
}

// ---- Bad input: located errors, never a panic.

fn base() -> &'static str {
    builtin::builtin("generic-interstate").unwrap()
}

/// The error of loading `text`, which must fail (`why` says why it should).
fn refused(text: &str, why: &str) -> truce_engine::load::ScenarioError {
    match load_str("bad.toml", text) {
        Ok(_) => panic!("the scenario loaded: {why}"),
        Err(e) => e,
    }
}

fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "test setup: `{from}` not in the scenario");
    text.replacen(from, to, 1)
}

fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).unwrap_or_else(|| panic!("test setup: `{needle}` not in the text"));
    text[..at].matches('\n').count() + 1
}

/// Loads `text`, expecting an error that names `path` at the line of `needle` and says
/// each of `want`.
fn fails(text: &str, path: &str, needle: &str, want: &[&str]) {
    let e = match load_str("bad.toml", text) {
        Ok(_) => panic!("the scenario loaded, but it should have failed at {path}"),
        Err(e) => e,
    };
    let d = e
        .diagnostics
        .iter()
        .find(|d| want.iter().all(|w| d.message.contains(w)))
        .unwrap_or_else(|| panic!("no diagnostic says {want:?}: {:#?}", e.diagnostics));
    assert_eq!(d.path.as_deref(), Some(path), "{d:?}");
    assert_eq!(d.line, Some(line_of(text, needle)), "{d:?}");
    assert!(e.to_string().starts_with("bad.toml:"), "{e}");
}

#[test]
fn an_objective_off_the_map_is_located() {
    let t = edit(base(), "km2 = 7500", "km2 = 25000");
    fails(&t, "objectives[0].km2", "km2 = 25000", &["25000 lies outside the territorial map", "(0, 20000]"]);
}

#[test]
fn an_unknown_side_in_a_value_has_a_did_you_mean() {
    let t = edit(base(), "values = { a = 0.25, b = 0.1 }", "values = { a = 0.25, bb = 0.1 }");
    fails(&t, "objectives[0].values.bb", "bb = 0.1", &["unknown side `bb`", "did you mean `b`?"]);
}

#[test]
fn a_value_out_of_range_is_located() {
    let t = edit(base(), "values = { a = 0.1, b = 0.25 }", "values = { a = 0.1, b = 1.5 }");
    fails(&t, "objectives[1].values.b", "b = 1.5", &["1.5 is out of range", "[0, 1]"]);
}

#[test]
fn a_repeated_objective_id_is_located() {
    let t = edit(base(), "id = \"b_fortress\"", "id = \"a_fortress\"");
    let e = refused(&t, "a repeated id must fail");
    assert!(e.diagnostics.iter().any(|d| d.message.contains("duplicate objective id `a_fortress`")), "{e}");
}

#[test]
fn a_missing_position_and_an_unknown_key_are_errors() {
    let t = edit(base(), "km2 = 7500\n", "");
    let e = refused(&t, "an objective without km2 must fail");
    assert!(e.to_string().contains("km2"), "{e}");
    let t = edit(base(), "km2 = 7500", "km2 = 7500\nvalu = 3");
    let e = refused(&t, "an unknown key must fail");
    assert!(e.to_string().contains("unknown") && e.to_string().contains("valu"), "{e}");
}

#[test]
fn too_many_objectives_are_refused() {
    let mut t = base().to_string();
    for i in 0..=MAX_OBJECTIVES {
        t.push_str(&format!("\n[[objectives]]\nid = \"p{i}\"\nkm2 = {}\n", 1000 + i));
    }
    let e = refused(&t, "too many objectives must fail");
    assert!(e.to_string().contains(&format!("at most {MAX_OBJECTIVES}")), "{e}");
}

#[test]
fn garbage_in_objectives_never_panics() {
    for bad in [
        "[[objectives]]\nid = \"\"\nkm2 = nan\n",
        "[[objectives]]\nid = \"x\"\nkm2 = 1e308\nvalues = { a = -1e308 }\n",
        "[[objectives]]\nid = \"x\"\nkm2 = \"far\"\n",
        "[[objectives]]\nkm2 = 100\n",
        "objectives = 3\n",
        "[[objectives]]\nid = \"x\"\nkm2 = 100\nvalues = { a = { value = 2, source = \"s\" } }\n",
    ] {
        let t = format!("{}\n{bad}", base());
        assert!(load_str("bad.toml", &t).is_err(), "accepted: {bad}");
    }
}
