//! A side that fights dispersed (`sides.*.dispersal`, Deitchman 1962; `docs/reference/
//! front-dynamics.md` §9): its losses are × its forces^dispersal, calibrated so that the
//! first week's casualties are the scenario's. Each test runs `generic-interstate` with side
//! `b` dispersed against the same scenario without, on the same seeds, so that a difference
//! is the mechanism's and not the draws'.

mod common;

use common::find_diagnostic as find;
use truce_engine::builtin;
use truce_engine::load::load_str;
use truce_engine::params::Params;
use truce_engine::sim::{NoObserver, Observer, Sim, WeekView};

fn base() -> &'static str {
    builtin::builtin("generic-interstate").unwrap()
}

/// The built-in with side `b`'s `dispersal` line (none: the built-in as it is).
fn with_b(line: Option<&str>) -> Params {
    let text = match line {
        Some(l) => {
            let t =
                base().replacen("id = \"b\"\nname = \"State B\"", &format!("id = \"b\"\nname = \"State B\"\n{l}"), 1);
            assert!(t.contains(l), "the built-in's side b moved");
            t
        }
        None => base().to_string(),
    };
    load_str("dispersal.toml", &text).unwrap_or_else(|e| panic!("{e}")).params
}

/// Each week's casualties and forces (after the week) per side.
#[derive(Default)]
struct Weeks(Vec<([f64; 2], [f64; 2])>);

impl Observer for Weeks {
    fn week(&mut self, w: &WeekView) {
        if !w.ceasefire {
            self.0.push((w.casualties, w.forces));
        }
    }
}

fn weeks(sim: &mut Sim, seed: u64, run: u64) -> Weeks {
    let mut w = Weeks::default();
    sim.run(seed, run, &mut w);
    w
}

#[test]
fn no_dispersal_is_the_engine_before_bit_for_bit() {
    let (plain, zero) = (with_b(None), with_b(Some("dispersal = 0")));
    let (mut a, mut b) = (Sim::new(&plain), Sim::new(&zero));
    for run in 0..200 {
        assert_eq!(a.run(9, run, &mut NoObserver), b.run(9, run, &mut NoObserver), "run {run}");
    }
}

#[test]
fn a_dispersed_side_loses_in_proportion_to_its_own_numbers() {
    // The first week is calibrated to the scenario's casualties either way; from the second,
    // with the same draws and the same state after the first, the dispersed side's losses
    // are the line side's × its forces now over its forces at the start (Deitchman's area
    // fire), and the other side's are unchanged.
    let (line, dispersed) = (with_b(None), with_b(Some("dispersal = 1")));
    let start = line.sides[1].forces;
    let (mut sa, mut sb) = (Sim::new(&line), Sim::new(&dispersed));
    let mut checked = 0;
    for run in 0..300 {
        let (x, y) = (weeks(&mut sa, 4, run), weeks(&mut sb, 4, run));
        if x.0.len() < 2 || y.0.len() < 2 {
            continue;
        }
        assert_eq!(x.0[0].0, y.0[0].0, "run {run}: the first week's casualties are calibrated alike");
        assert_eq!(x.0[0].1, y.0[0].1, "run {run}: the same forces after the first week");
        let ratio = y.0[0].1[1] / start;
        let (cx, cy) = (x.0[1].0, y.0[1].0);
        // Below the cap (casualties never exceed the forces), which the first weeks never reach.
        assert!(
            (cy[1] / cx[1] - ratio).abs() < 1e-9 * ratio,
            "run {run}: b's losses {} vs {} at forces ratio {ratio}",
            cy[1],
            cx[1]
        );
        assert_eq!(cy[0].to_bits(), cx[0].to_bits(), "run {run}: a's losses");
        checked += 1;
    }
    assert!(checked >= 100, "{checked} runs fought two weeks");
}

#[test]
fn a_dispersed_side_that_loses_men_loses_fewer_and_keeps_more_of_its_forces() {
    // Over the war, a dispersed side whose numbers fall is harder to wear down: its losses
    // fall with its numbers, so its forces a year in are larger than the same side's on a
    // line more often than not (same seeds, runs fought for a year in both).
    let (line, dispersed) = (with_b(None), with_b(Some("dispersal = 1")));
    let (mut sa, mut sb) = (Sim::new(&line), Sim::new(&dispersed));
    let (mut more, mut fewer, mut pairs) = (0, 0, 0);
    for run in 0..2000 {
        let (x, y) = (weeks(&mut sa, 8, run), weeks(&mut sb, 8, run));
        if x.0.len() < 52 || y.0.len() < 52 {
            continue;
        }
        pairs += 1;
        let (fx, fy) = (x.0[51].1[1], y.0[51].1[1]);
        // Only where b's forces fell on the line (the case the law is about).
        if fx < line.sides[1].forces {
            more += usize::from(fy > fx);
            fewer += usize::from(fy < fx);
        }
    }
    assert!(pairs >= 50, "{pairs} pairs fought a year");
    // A sign test over the pairs (the runs part after the first weeks: the front, the
    // economy and the talks follow the forces): z > 3.
    let z = (more as f64 - fewer as f64) / ((more + fewer) as f64).sqrt();
    assert!(
        z > 3.0 && z.is_finite(),
        "b's forces a year in, dispersed vs on a line: larger in {more}, smaller in {fewer} (z {z:.2})"
    );
}

#[test]
fn bad_dispersal_is_a_located_error() {
    for bad in ["-0.1", "1.5", "nan"] {
        let text = base().replacen(
            "id = \"b\"\nname = \"State B\"",
            &format!("id = \"b\"\nname = \"State B\"\ndispersal = {bad}"),
            1,
        );
        let ds = common::load_errors(&text);
        let d = find(&ds, &["dispersal"]);
        assert!(d.line.is_some(), "dispersal = {bad}: {d:?}");
    }
}
