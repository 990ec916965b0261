//! Theatres beside the front (`[[domains]]`; `docs/reference/domains.md`; `sim/domains.rs`):
//! sea control held by one side cuts the other's reinforcements, so that side is weaker at
//! week 52 and collapses more often (paired runs, z printed); aid and revenue are cut by
//! their shares, an air domain's strikes cost the other's economy; control lost at a hazard
//! restores supply (and the trace says who holds what); a domain that cuts nothing leaves
//! every run bit for bit as without it (its draws come from a stream of their own); stepping
//! in pieces equals the run in one go; bad input is an error naming file, line and field.
//! The cases append a `[[domains]]` table to `generic-interstate` (no aid) or, for aid,
//! `ukraine-2025-12` (Ukraine is supplied).

mod common;

use common::{find_diagnostic as find, ind, paired, run_digest, K_SE};
use truce_engine::builtin;
use truce_engine::load::{load_str, Diagnostic};
use truce_engine::outcome::WarState;
use truce_engine::params::Params;
use truce_engine::sim::{NoObserver, Observer, RunSummary, Sim, WeekView};
use truce_engine::trace::run_traced;

/// `name` with `extra` appended, loaded.
fn with_in(name: &str, extra: &str) -> Params {
    let text = format!("{}\n{extra}\n", builtin::builtin(name).unwrap());
    load_str("domains.toml", &text).unwrap_or_else(|e| panic!("{e}")).params
}

fn with(extra: &str) -> Params {
    with_in("generic-interstate", extra)
}

/// A domain of `kind` held by `held_by` with the given keys (`key = value` lines).
fn domain(id: &str, kind: &str, held_by: &str, keys: &str) -> String {
    format!("[[domains]]\nid = \"{id}\"\nkind = \"{kind}\"\nheld_by = \"{held_by}\"\n{keys}\n")
}

/// Each week's forces, economies, aid and held domains, and the changes of control.
#[derive(Default)]
struct Watch {
    weeks: Vec<WeekView>,
    changes: Vec<(u32, usize, bool)>,
}

impl Observer for Watch {
    fn week(&mut self, w: &WeekView) {
        self.weeks.push(*w);
    }
    fn domain(&mut self, week: u32, domain: usize, held: bool) {
        self.changes.push((week, domain, held));
    }
}

/// Runs 0…n−1 of seed 11, watched.
fn watched(p: &Params, n: u64) -> Vec<(RunSummary, Watch)> {
    let mut sim = Sim::new(p);
    (0..n)
        .map(|r| {
            let mut w = Watch::default();
            let s = sim.run(11, r, &mut w);
            (s, w)
        })
        .collect()
}

/// The second side's forces at week `week`, or at its last week where the run ended sooner.
fn forces_b(w: &Watch, week: u32) -> f64 {
    w.weeks.iter().take_while(|x| x.week <= week).last().map_or(f64::NAN, |x| x.forces[1])
}

const RUNS: u64 = 2000;

#[test]
fn sea_control_cuts_the_others_reinforcements_so_it_is_weaker_and_collapses_more_often() {
    let plain = with("");
    let sea = with(&domain("straits", "sea", "a", "reinforcement_cut = 0.5\nrevenue_cut = 0.2"));
    let (a, b) = (watched(&plain, RUNS), watched(&sea, RUNS));
    let fa: Vec<f64> = a.iter().map(|r| forces_b(&r.1, 52)).collect();
    let fb: Vec<f64> = b.iter().map(|r| forces_b(&r.1, 52)).collect();
    let (d, se, z) = paired(&fb, &fa);
    println!("B's forces at week 52, held − free: {d:.0} (se {se:.0}, z {z:.1})");
    assert!(z < -K_SE, "B's forces at week 52 must fall under the blockade: {d} (z {z})");
    let ca: Vec<f64> = a.iter().map(|r| ind(r.0.state == WarState::CollapsedSecond)).collect();
    let cb: Vec<f64> = b.iter().map(|r| ind(r.0.state == WarState::CollapsedSecond)).collect();
    let (d, se, z) = paired(&cb, &ca);
    println!("P(B collapses), held − free: {d:.3} (se {se:.3}, z {z:.1})");
    assert!(z > K_SE, "B must collapse more often under the blockade: {d} (z {z})");
}

#[test]
fn each_channel_is_cut_by_its_share_from_the_first_week() {
    // Aid: Ukraine's aid arrives at half while Russia holds the sea (the first week's aid is
    // the scenario's, so exactly × 0.5).
    let (free, held) = (
        with_in("ukraine-2025-12", ""),
        with_in("ukraine-2025-12", &domain("black_sea", "sea", "russia", "aid_cut = 0.5")),
    );
    let (x, y) = (&watched(&free, 1)[0].1.weeks[0], &watched(&held, 1)[0].1.weeks[0]);
    assert!(x.aid[1] > 0.0);
    assert_eq!(y.aid[1], x.aid[1] * 0.5);
    assert_eq!(y.aid[0], x.aid[0], "the holder's own aid is not cut");
    // Revenue: the second side's economy falls toward a lower level; an air domain's strikes
    // cost it more.
    let plain = watched(&with(""), 300);
    for (keys, kind) in [("revenue_cut = 0.3", "sea"), ("strike = 0.005", "air")] {
        let cut = watched(&with(&domain("d", kind, "a", keys)), 300);
        let e = |r: &[(RunSummary, Watch)]| -> Vec<f64> {
            r.iter().map(|x| x.1.weeks.iter().take_while(|w| w.week <= 26).last().unwrap().economy[1]).collect()
        };
        let (d, se, z) = paired(&e(&cut), &e(&plain));
        println!("{keys}: B's economy at week 26, held − free: {d:.4} (se {se:.4}, z {z:.1})");
        assert!(z < -K_SE, "{keys}: {d} (z {z})");
    }
}

#[test]
fn control_lost_at_a_hazard_restores_supply() {
    let keys = "reinforcement_cut = 0.5\nrevenue_cut = 0.2";
    let held = with(&domain("straits", "sea", "a", keys));
    let lost = with(&domain("straits", "sea", "a", &format!("{keys}\nloss_per_year = 26")));
    let (h, l) = (watched(&held, RUNS), watched(&lost, RUNS));
    assert!(h.iter().all(|r| r.1.changes.is_empty()), "no hazard, no change");
    let n_lost = l.iter().filter(|r| !r.1.changes.is_empty()).count();
    assert!(n_lost > RUNS as usize / 2, "too few losses for the test to fail: {n_lost}");
    for (_, w) in &l {
        // Once lost (regain 0) it stays lost, and the week's view says so.
        assert!(w.changes.len() <= 1 && w.changes.iter().all(|c| !c.2 && c.1 == 0));
        if let Some(&(week, ..)) = w.changes.first() {
            assert!(w.weeks.iter().all(|x| (x.domains & 1 == 0) == (x.week >= week)));
        }
    }
    let fh: Vec<f64> = h.iter().map(|r| forces_b(&r.1, 52)).collect();
    let fl: Vec<f64> = l.iter().map(|r| forces_b(&r.1, 52)).collect();
    let (d, se, z) = paired(&fl, &fh);
    println!("B's forces at week 52, lost at 26/yr − held: {d:.0} (se {se:.0}, z {z:.1})");
    assert!(z > K_SE, "losing control must restore B's reinforcements: {d} (z {z})");
    // Regained: both ways, in turn.
    let both = with(&domain("straits", "sea", "a", &format!("{keys}\nloss_per_year = 26\nregain_per_year = 26")));
    let mut flips = 0;
    for (_, w) in watched(&both, 200) {
        for (i, c) in w.changes.iter().enumerate() {
            assert_eq!(c.2, i % 2 == 1, "lost, regained, lost, …");
        }
        flips += w.changes.len();
    }
    assert!(flips > 400, "too few changes for the test to fail: {flips}");
}

#[test]
fn the_trace_says_who_holds_each_domain_and_when_it_changed() {
    let p = with(&format!(
        "{}{}",
        domain("straits", "sea", "a", "reinforcement_cut = 0.2\nloss_per_year = 26\nregain_per_year = 13"),
        domain("skies", "air", "b", "strike = 0.001")
    ));
    let t = run_traced(&p, 4);
    assert!(!t.domain_changes.is_empty(), "a change is due within weeks at these hazards");
    for c in &t.domain_changes {
        assert_eq!((c.domain.as_str(), c.holder.as_str()), ("straits", "a"));
        let w = t.weeks.iter().find(|w| w.week == c.week).unwrap();
        assert_eq!(w.domains["straits"].as_deref(), c.held.then_some("a"));
    }
    assert!(t.weeks.iter().all(|w| w.domains["skies"].as_deref() == Some("b")));
    let json = serde_json::to_string(&t).unwrap();
    assert!(json.contains("\"domain_changes\"") && json.contains("\"straits\""));
    let plain = run_traced(&with(""), 4);
    assert!(!serde_json::to_string(&plain).unwrap().contains("domain"), "absent without domains");
}

#[test]
fn a_domain_that_cuts_nothing_is_the_engine_without_it_bit_for_bit() {
    // Its control changes (its own stream), but nothing flows through it: every run is the
    // same, draw for draw.
    let plain = with("");
    let idle = with(&domain("straits", "sea", "a", "loss_per_year = 20\nregain_per_year = 20"));
    assert_eq!(run_digest(&plain), run_digest(&idle));
    let changed = watched(&idle, 50).iter().filter(|r| !r.1.changes.is_empty()).count();
    assert!(changed > 25, "the domain must change hands for the test to mean anything: {changed}");
}

#[test]
fn a_run_stepped_in_pieces_is_the_run_in_one_go() {
    let p = with(&domain("straits", "sea", "a", "reinforcement_cut = 0.3\nloss_per_year = 13\nregain_per_year = 13"));
    let mut sim = Sim::new(&p);
    for r in 0..40 {
        let whole = sim.run(9, r, &mut NoObserver);
        let mut run = sim.start(9, r);
        let mut end = None;
        for until in [3, 17, 18, 60, u32::MAX] {
            end = sim.advance(&mut run, until, &mut NoObserver);
        }
        assert_eq!(format!("{:?}", end.unwrap()), format!("{whole:?}"), "run {r}");
    }
}

#[test]
fn a_domains_shares_are_parameters_that_can_be_sampled_and_edited() {
    let text = format!("{}\n{}\n", builtin::builtin("generic-interstate").unwrap(), domain("straits", "sea", "a", ""))
        .replace(
            "[uncertainty]\n",
            "[uncertainty]\n\"domains.straits.reinforcement_cut\" = { dist = \"uniform\", low = 0.0, high = 0.5 }\n",
        );
    let l = load_str("sampled.toml", &text).unwrap_or_else(|e| panic!("{e}"));
    assert!(l.uncertainty.paths.iter().any(|p| p == "domains.straits.reinforcement_cut"));
    let edit = |v: f64| std::collections::BTreeMap::from([("domains.straits.aid_cut".to_string(), v)]);
    let (edited, _) = truce_engine::edit::build("edited.toml", &text, &edit(0.4)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(edited.params.domains[0].aid_cut, 0.4);
    let bad = truce_engine::edit::build("edited.toml", &text, &edit(1.4));
    assert!(bad.is_err(), "an edit outside [0, 1] is refused");
}

/// The diagnostics of `generic-interstate` with `extra` appended, which must fail to load.
fn errors(extra: &str) -> Vec<Diagnostic> {
    common::load_errors(&format!("{}\n{extra}\n", builtin::builtin("generic-interstate").unwrap()))
}

#[test]
fn bad_domains_are_errors_naming_file_line_and_field() {
    let ds = errors(&domain("straits", "sea", "a", "aid_cut = 1.5"));
    find(&ds, &["domains.straits.aid_cut", "out of range"]);
    let ds = errors(&domain("straits", "sea", "a", "reinforcement_cut = -0.1"));
    find(&ds, &["domains.straits.reinforcement_cut", "out of range"]);
    let ds = errors(&domain("straits", "sea", "a", "revenue_cut = nan"));
    find(&ds, &["revenue_cut", "not a finite number"]);
    let ds = errors(&domain("straits", "sea", "a", "loss_per_year = 60"));
    find(&ds, &["domains.straits.loss_per_year", "out of range"]);
    let ds = errors(&domain("straits", "sea", "nobody", ""));
    find(&ds, &["held_by", "unknown side `nobody`"]);
    let ds = errors(&format!("{}{}", domain("straits", "sea", "a", ""), domain("straits", "air", "b", "")));
    find(&ds, &["domains[1].id", "duplicate domain id `straits`"]);
    let ds = errors(&domain("straits", "sea", "a", "strike = 0.01"));
    find(&ds, &["domains[0].strike", "cannot strike"]);
    let ds = errors(&domain("straits", "land", "a", ""));
    find(&ds, &["kind"]);
    let ds = errors(&domain("straits", "sea", "a", "blockade = 0.5"));
    find(&ds, &["blockade"]);
}
