//! Aims that move (issue 18, build item 2; `docs/reference/war-endings.md` §10): a side's red
//! lines follow its fortunes — up with success, down with failure within the audience bound —
//! and the winner can end past its opening aim; with the rate at 0 the engine is today's, bit
//! for bit. Arms share seeds and run indices (common random numbers, `common/mod.rs`); a
//! directional claim clears [`K_SE`] standard errors.

mod common;

use common::*;
use truce_engine::builtin;
use truce_engine::load::{load_str, Diagnostic};
use truce_engine::params::Params;
use truce_engine::scenario::EventKind;
use truce_engine::sim::{NoObserver, Sim, WarState};

/// Runs per arm.
const N: u64 = 2_000;

fn fnv(h: &mut u64, x: u64) {
    for b in x.to_le_bytes() {
        *h ^= b as u64;
        *h = h.wrapping_mul(0x100000001b3);
    }
}

fn builtin_params(name: &str) -> Params {
    load_str(name, builtin::builtin(name).unwrap()).unwrap().params
}

/// A built-in's parameters as given, without leader changes (no removals, no elections or
/// scheduled leadership changes): a successor now draws a fresh reservation, so runs with
/// leader changes differ from the engine before aims by design (build item 2).
fn without_leader_changes(name: &str) -> Params {
    let mut p = builtin_params(name);
    for s in 0..2 {
        p.politics[s].removal_per_year = 0.0;
    }
    p.events.retain(|e| !matches!(e.kind, EventKind::Election | EventKind::LeadershipChange));
    p
}

/// A digest of 300 runs' summaries and terms under seed 5.
fn digest(p: &Params) -> u64 {
    let mut sim = Sim::new(p);
    let mut h = 0xcbf29ce484222325u64;
    for r in 0..300 {
        let s = sim.run(5, r, &mut NoObserver);
        fnv(&mut h, s.week as u64);
        fnv(&mut h, s.km2.to_bits());
        fnv(&mut h, s.casualties[0].to_bits());
        fnv(&mut h, s.costs[1].to_bits());
        fnv(&mut h, s.rounds as u64);
        fnv(&mut h, format!("{:?}", s.state).len() as u64 * 1000 + s.breakdowns as u64);
        for t in sim.terms() {
            fnv(&mut h, t.to_bits());
        }
    }
    h
}

/// With both sides' rate at 0 the engine is the engine before aims, bit for bit: the digests
/// were computed by the engine of commit b5b490d (before this mechanism) from the same
/// parameters. Both built-ins exercise every phase (regimes, objectives, collapse hazards,
/// low activity, the armistice, the mediator).
#[test]
fn rate_zero_is_the_engine_before_aims() {
    for (name, want) in [("generic-interstate", 0xaec1a0cb80d220ed_u64), ("ukraine-2025-12", 0x680cca97fccc734a)] {
        let mut p = without_leader_changes(name);
        for s in 0..2 {
            p.politics[s].aims_per_year = 0.0;
        }
        // Concessions under an armistice as in a war (the engine before §11 of war-endings).
        p.armistice_concession = 1.0;
        // No entrenchment by costs paid (the engine before §12 of war-endings).
        for s in 0..2 {
            p.politics[s].entrenchment = 0.0;
        }
        // Deals weighed against war (the engine before §9's deal weighed against the armistice).
        p.deal_against_fallback = 0.0;
        assert_eq!(digest(&p), want, "{name}: rate 0 changed the runs");
        // The retreat speed alone changes nothing while the rate is 0.
        for s in 0..2 {
            p.politics[s].aims_retreat = 0.0;
        }
        assert_eq!(digest(&p), want, "{name}: the retreat speed acted at rate 0");
    }
}

/// The arms' base: `generic-interstate` as given, no leader changes, aims that move for side
/// A only (B's reparations line stays where it is, so A's moves are its own).
fn aims_base(rate: f64, retreat: f64) -> Params {
    let mut p = without_leader_changes("generic-interstate");
    p.politics[0].aims_per_year = rate;
    p.politics[0].aims_retreat = retreat;
    p.politics[1].aims_per_year = 0.0;
    p
}

/// Side `side` launches an offensive the other did not foresee: effectiveness × `amount`
/// from week 1 for 40 weeks (beliefs start from the force ratio before it).
fn with_offensive(mut p: Params, side: usize, amount: f64) -> Params {
    let mut e = event(1, EventKind::Offensive);
    e.side = Some(side);
    e.amount = amount;
    e.weeks = 40;
    p.events.push(e);
    p.events.sort_by_key(|e| e.week);
    p
}

/// Actor `a`'s red line on issue `k` after week `until` (or at the run's end), per run.
fn red_lines_at(p: &Params, until: u32, a: usize, k: usize) -> Vec<(f64, u32)> {
    let mut sim = Sim::new(p);
    let m = p.n_issues();
    (0..N)
        .map(|r| {
            let mut run = sim.start(7, r);
            sim.advance(&mut run, until, &mut NoObserver);
            (run.red_lines()[a * m + k], run.week())
        })
        .collect()
}

fn actor(p: &Params, id: &str) -> usize {
    p.actor_ids.iter().position(|x| x == id).unwrap()
}

fn issue(p: &Params, id: &str) -> usize {
    p.issue_ids.iter().position(|x| x == id).unwrap()
}

/// Success raises demands: the same runs with and without an offensive of A's that its
/// beliefs did not foresee; A's red line on reparations (opening 70) after 30 weeks is higher
/// where the offensive succeeded, and above its opening aim on average there. With the rate
/// at 0 it stays at 70 in both arms.
#[test]
fn success_raises_demands() {
    let base = aims_base(1.5, 0.5);
    let (a, k) = (actor(&base, "a"), issue(&base, "reparations"));
    let r0 = base.red_line[a * base.n_issues() + k];
    let calm: Vec<f64> = red_lines_at(&base, 30, a, k).into_iter().map(|x| x.0).collect();
    let pushed: Vec<f64> =
        red_lines_at(&with_offensive(base.clone(), 0, 1.6), 30, a, k).into_iter().map(|x| x.0).collect();
    let (d, se, z) = paired(&pushed, &calm);
    assert!(z > K_SE, "success did not raise A's demands: {d:.3} ± {se:.3} points");
    let (m, se) = mean_se(&pushed);
    assert!(m - r0 > K_SE * se, "after a successful offensive A's aim {m:.2} ± {se:.2} is not above its opening {r0}");
    let off = with_offensive(aims_base(0.0, 0.5), 0, 1.6);
    assert!(red_lines_at(&off, 30, a, k).iter().all(|x| x.0 == r0), "aims moved at rate 0");
}

/// Failure lowers demands, within the audience bound: the same runs with and without an
/// offensive of B's; A's red line falls where it failed, and never faster than the culpable
/// leader's retreat speed allows (each week closes at most 1 − exp(−λρ/52) of the way to the
/// bottom of the scale, so after t weeks r ≥ r₀ · exp(−λρt/52)); a slower retreat (ρ = 0.1)
/// keeps it higher, run by run on average.
#[test]
fn failure_lowers_demands_within_the_audience_bound() {
    let (rate, retreat) = (1.5, 0.5);
    let base = aims_base(rate, retreat);
    let (a, k) = (actor(&base, "a"), issue(&base, "reparations"));
    let r0 = base.red_line[a * base.n_issues() + k];
    let calm: Vec<f64> = red_lines_at(&base, 30, a, k).into_iter().map(|x| x.0).collect();
    let beaten = red_lines_at(&with_offensive(base.clone(), 1, 1.6), 30, a, k);
    let beaten_r: Vec<f64> = beaten.iter().map(|x| x.0).collect();
    let (d, se, z) = paired(&beaten_r, &calm);
    assert!(z < -K_SE, "failure did not lower A's demands: {d:.3} ± {se:.3} points");
    let (m, se) = mean_se(&beaten_r);
    assert!(r0 - m > K_SE * se, "after B's offensive A's aim {m:.2} ± {se:.2} is not below its opening {r0}");
    for (r, weeks) in &beaten {
        let floor = r0 * (-rate * retreat * *weeks as f64 / 52.0).exp();
        assert!(*r >= floor - 1e-9, "A's aim fell to {r:.3} in {weeks} weeks, below the audience bound {floor:.3}");
    }
    // A leader who climbs down at a tenth of the speed of advance keeps more of its aim.
    let stubborn: Vec<f64> =
        red_lines_at(&with_offensive(aims_base(rate, 0.1), 1, 1.6), 30, a, k).into_iter().map(|x| x.0).collect();
    let (d, se, z) = paired(&stubborn, &beaten_r);
    assert!(z > K_SE, "a slower retreat did not keep the aim higher: {d:.3} ± {se:.3} points");
}

/// The winner can end past its opening aim. A's opening demand is its red line (70 on both
/// issues, as a side that asks for exactly what it says it must have). With the rate at 0, a
/// settlement's terms never pass 70 in A's favour: positions never pass A's (its red line
/// holds it at 70 and the collective forecast lies below), and a deal lies between the
/// belligerents' positions (no power shift, no amending supporters). With aims that move, A
/// presses on and some settlements do.
#[test]
fn the_winner_can_end_past_its_opening_aim() {
    let past = |p: &Params| -> (usize, usize) {
        let rs = runs(p, N, 3);
        let settled: Vec<&Run> = rs.iter().filter(|r| r.s.state == WarState::Settled).collect();
        let beyond = settled.iter().filter(|r| r.terms.iter().any(|&t| t > 70.0 + 1e-9)).count();
        (beyond, settled.len())
    };
    let set_up = |rate: f64| {
        let mut p = aims_base(rate, 0.5);
        let a = actor(&p, "a");
        let m = p.n_issues();
        for k in 0..m {
            p.position[a * m + k] = 70.0;
            p.red_line[a * m + k] = 70.0;
        }
        with_offensive(p, 0, 1.6)
    };
    let (fixed, n_fixed) = past(&set_up(0.0));
    assert!(n_fixed > 50, "too few settlements to test ({n_fixed})");
    assert_eq!(fixed, 0, "with fixed aims {fixed} of {n_fixed} settlements passed A's opening aim");
    let (moving, n_moving) = past(&set_up(1.5));
    assert!(moving > 0, "with moving aims no settlement (of {n_moving}) passed A's opening aim");
}

/// The mechanism is wired into both built-ins: a prior in `[uncertainty]` for each side's
/// rate and retreat (the loader checks that it stays inside the catalogue's range), and the
/// built-ins' own values are on.
#[test]
fn built_ins_sample_moving_aims() {
    for name in ["generic-interstate", "ukraine-2025-12"] {
        let l = load_str(name, builtin::builtin(name).unwrap()).unwrap();
        let sides: Vec<String> = l.params.sides.iter().map(|s| s.id.clone()).collect();
        for s in &sides {
            for field in ["aims_per_year", "aims_retreat"] {
                let path = format!("politics.{s}.{field}");
                assert!(l.uncertainty.paths.contains(&path), "{name}: `{path}` has no prior in [uncertainty]");
            }
        }
        assert!(l.params.politics.iter().all(|p| p.aims_per_year > 0.0), "{name}: aims do not move");
    }
}

fn errors(text: &str) -> Vec<Diagnostic> {
    match load_str("bad.toml", text) {
        Ok(_) => panic!("the scenario loaded, but it should have failed"),
        Err(e) => e.diagnostics,
    }
}

fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).unwrap();
    text[..at].matches('\n').count() + 1
}

/// Bad values are refused with the field's path, its line and what was expected.
#[test]
fn bad_aims_are_located_errors() {
    let base = builtin::builtin("generic-interstate").unwrap();
    let cases = [
        ("aims_retreat = 0.5", "aims_retreat = 1.5", "politics.a.aims_retreat", "[0, 1]"),
        ("aims_per_year = 1.5", "aims_per_year = -1", "politics.a.aims_per_year", "a rate per year in [0, 52]"),
        ("armistice_concession = 0.5", "armistice_concession = 1.5", "protocol.armistice_concession", "[0, 1]"),
    ];
    for (from, to, path, expected) in cases {
        assert!(base.contains(from));
        let text = base.replacen(from, to, 1);
        let ds = errors(&text);
        let d = ds
            .iter()
            .find(|d| d.path.as_deref() == Some(path))
            .unwrap_or_else(|| panic!("no diagnostic for {path}: {ds:#?}"));
        assert!(d.message.contains(expected), "{d:?}");
        assert_eq!(d.line, Some(line_of(&text, to)), "{d:?}");
    }
    // A prior that leaves the range is refused at its line in [uncertainty].
    let from = "\"politics.a.aims_retreat\" = { dist = \"uniform\", low = 0.0, high = 1.0";
    let text = base.replacen(from, "\"politics.a.aims_retreat\" = { dist = \"uniform\", low = 0.0, high = 2.0", 1);
    assert_ne!(text, base);
    let ds = errors(&text);
    let d = ds
        .iter()
        .find(|d| d.path.as_deref() == Some("uncertainty.politics.a.aims_retreat"))
        .unwrap_or_else(|| panic!("no diagnostic for the prior: {ds:#?}"));
    assert!(d.message.contains("outside the parameter's valid range [0, 1]"), "{d:?}");
    assert_eq!(d.line, Some(line_of(&text, "\"politics.a.aims_retreat\" = { dist")), "{d:?}");
}
