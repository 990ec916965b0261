//! Patrons and coalitions (`docs/reference/patrons.md`): each mechanism can change a run, and
//! a scenario that does not use them is untouched. Every case adds actors or events to the
//! `generic-interstate` built-in; every comparison is on the same seeds, so that a difference
//! is the mechanism's and not the draws'.

mod common;

use common::find_diagnostic as find;
use truce_engine::builtin;
use truce_engine::load::{load_str, Diagnostic};
use truce_engine::params::Params;
use truce_engine::sim::{NoObserver, Observer, RoundView, Sim, WarState, WeekView};
use truce_engine::trace::run_traced;

fn base() -> &'static str {
    builtin::builtin("generic-interstate").unwrap()
}

/// The built-in with `extra` appended (array-of-tables entries such as `[[actors]]` or
/// `[[events]]` join the arrays above).
fn with(extra: &str) -> Params {
    let text = format!("{}\n{extra}\n", base());
    load_str("patrons.toml", &text).unwrap_or_else(|e| panic!("{e}")).params
}

/// Side `b`'s supplier: an aid line that side `b`'s effectiveness and economy depend on.
const SUPPLIER: &str = r#"
[[actors]]
id = "patron"
role = "supporter"
side = "b"
capability = 0.5
positions = { province = 10, reparations = 10 }
saliences = { province = 50, reparations = 50 }
aid = { to = "b", level = 1.0 }
patron = { side = "b", roles = ["supplier"] }
"#;

/// Makes side `b` depend on its supplier (effectiveness and economy).
fn dependent(text: &str) -> String {
    let from = "[[sides]]\nid = \"b\"\n";
    assert!(text.contains(from), "test setup: side b not found");
    text.replacen(from, &format!("{from}aid_dependence = 0.5\neconomy_aid_dependence = 0.5\n"), 1)
}

fn with_dependent(extra: &str) -> Params {
    let text = format!("{}\n{extra}\n", dependent(base()));
    load_str("patrons.toml", &text).unwrap_or_else(|e| panic!("{e}")).params
}

#[derive(Default)]
struct Watch {
    mediators: Vec<(u32, usize)>,
    aid_b: Vec<f64>,
    forces_b: Vec<f64>,
    power_b: Vec<f64>,
    economy_b: Vec<f64>,
    ceasefires: u32,
    changes: Vec<(u32, usize, u8, u8)>,
}

impl Observer for Watch {
    fn week(&mut self, w: &WeekView) {
        self.aid_b.push(w.aid[1]);
        self.forces_b.push(w.forces[1]);
        self.power_b.push(w.forces[1] * w.effectiveness[1]);
        self.economy_b.push(w.economy[1]);
    }
    fn round(&mut self, r: &RoundView<'_>) {
        self.mediators.push((r.week, r.mediator));
        self.ceasefires += u32::from(r.ceasefire);
    }
    fn patron(&mut self, week: u32, actor: usize, from: u8, to: u8) {
        self.changes.push((week, actor, from, to));
    }
}

fn watch(p: &Params, seed: u64, run: u64) -> Watch {
    let mut w = Watch::default();
    Sim::new(p).run(seed, run, &mut w);
    w
}

#[test]
fn a_patron_switching_from_supplier_to_mediator_changes_who_mediates_and_the_aid() {
    let switch = r#"
[[events]]
date = 2000-03-06
kind = "patron_roles"
actor = "patron"
roles = ["mediator"]
note = "the supplier stops its arms and takes over the talks"
"#;
    let stays = with(SUPPLIER);
    let turns = with(&format!("{SUPPLIER}{switch}"));
    let (mediator, patron) = (stays.mediator, stays.actor_ids.iter().position(|a| a == "patron").unwrap());
    assert_ne!(mediator, patron);
    let switch_week = 9; // 2000-03-06 is nine weeks after the start (2000-01-03)
    let (mut checked, mut after) = (0, 0);
    for run in 0..20 {
        let (a, b) = (watch(&stays, 3, run), watch(&turns, 3, run));
        // Without the change the protocol's mediator runs every round.
        assert!(a.mediators.iter().all(|&(_, m)| m == mediator));
        for &(week, m) in &b.mediators {
            let expect = if week >= switch_week { patron } else { mediator };
            assert_eq!(m, expect, "run {run}, week {week}");
            after += usize::from(week >= switch_week);
        }
        // The aid flows until the switch and stops with it.
        let weeks = b.aid_b.len();
        if weeks > switch_week as usize {
            assert!(b.aid_b[..switch_week as usize].iter().all(|&x| x > 0.0), "run {run}: {:?}", b.aid_b);
            assert!(b.aid_b[switch_week as usize..].iter().all(|&x| x == 0.0), "run {run}");
            assert!(a.aid_b[switch_week as usize..].iter().all(|&x| x > 0.0), "run {run}");
            assert_eq!(b.changes.first().map(|c| (c.0, c.1)), Some((switch_week, patron)));
            checked += 1;
        }
    }
    assert!(checked >= 5 && after >= 5, "too few runs reached the switch: {checked} runs, {after} rounds after it");
    // The trace records the change and names the mediator of each round.
    let t = run_traced(&turns, 3);
    assert!(
        t.events.iter().any(|e| e.kind == "PatronRoles" && e.note.contains("supplier → mediator")),
        "{:?}",
        t.events
    );
    assert!(t.rounds.iter().all(|r| r.mediator.is_some()));
}

#[test]
fn a_mediating_patron_pulls_the_proposal_toward_its_positions() {
    let mediating = r#"
[[actors]]
id = "patron"
role = "supporter"
side = "b"
capability = 0.5
positions = { province = 0, reparations = 0 }
saliences = { province = 50, reparations = 50 }
patron = { side = "b", roles = ["mediator"], mediator_pull = 0.5 }
"#;
    let neutral = mediating.replace("mediator_pull = 0.5", "mediator_pull = 0");
    let (pulled, plain) = (with(mediating), with(&neutral));
    let rounds = |p: &Params| run_traced(p, 5).rounds;
    let (a, b) = (rounds(&pulled), rounds(&plain));
    let first = |r: &[truce_engine::trace::RoundRecord]| r.first().map(|x| x.proposal["reparations"]).unwrap();
    // The first round's positions are the same in both: the pull alone moves the proposal.
    assert!(first(&a) < first(&b) - 1.0, "pulled {} vs plain {}", first(&a), first(&b));
}

#[test]
fn a_supplier_cut_off_lowers_the_sides_forces_and_economy_on_the_same_seeds() {
    let keeps = with_dependent(SUPPLIER);
    let cut =
        with_dependent(&SUPPLIER.replace("roles = [\"supplier\"]", "roles = [\"supplier\"], cutoff_per_year = 1"));
    let mut n = 0;
    for run in 0..40 {
        let (a, b) = (watch(&keeps, 9, run), watch(&cut, 9, run));
        // A yearly hazard of 1 cuts the supplier off in the first fought week.
        assert_eq!(b.changes.first().map(|c| c.0), Some(0), "run {run}");
        let w = 8.min(a.power_b.len()).min(b.power_b.len());
        // Week 0 is fought with the aid; from week 1 the side fights without it: its combat
        // power (forces × effectiveness) and its economy are lower, week after week.
        assert_eq!(a.power_b[0], b.power_b[0], "run {run}");
        for t in 1..w {
            if a.power_b[t] == 0.0 {
                break; // a ceasefire week
            }
            assert!(b.power_b[t] < a.power_b[t], "run {run}, week {t}: {} vs {}", b.power_b[t], a.power_b[t]);
            assert!(b.economy_b[t] < a.economy_b[t], "run {run}, week {t}");
        }
        n += usize::from(w == 8);
    }
    assert!(n >= 20, "too few runs lasted eight weeks: {n}");
}

#[test]
fn arms_sold_cost_the_buyers_economy() {
    let given = with(SUPPLIER);
    let sold = with(&SUPPLIER.replace("roles = [\"supplier\"]", "roles = [\"supplier\"], arms_cost_per_week = 0.002"));
    let (a, b) = (watch(&given, 1, 0), watch(&sold, 1, 0));
    assert!(b.economy_b[0] < a.economy_b[0], "sold {} vs given {}", b.economy_b[0], a.economy_b[0]);
}

#[test]
fn an_embargo_cuts_the_aid_that_gets_through() {
    let embargo = r#"
[[events]]
date = 2000-01-03
kind = "embargo"
side = "b"
amount = 0.25
"#;
    let open = with(SUPPLIER);
    let closed = with(&format!("{SUPPLIER}{embargo}"));
    let (a, b) = (watch(&open, 2, 0), watch(&closed, 2, 0));
    assert!((b.aid_b[0] - 0.25 * a.aid_b[0]).abs() < 1e-12, "{} vs {}", b.aid_b[0], a.aid_b[0]);
    // An embargo acts on any aid line, a patron's or not.
    let plain = SUPPLIER.replace("patron = { side = \"b\", roles = [\"supplier\"] }\n", "");
    let (a, b) = (watch(&with(&plain), 2, 0), watch(&with(&format!("{plain}{embargo}")), 2, 0));
    assert!(a.aid_b[0] > 0.0);
    assert!((b.aid_b[0] - 0.25 * a.aid_b[0]).abs() < 1e-12, "{} vs {}", b.aid_b[0], a.aid_b[0]);
}

#[test]
fn an_allys_exit_takes_its_share_of_the_forces() {
    let ally = r#"
[[actors]]
id = "friend"
role = "supporter"
side = "b"
capability = 0.5
positions = { province = 10, reparations = 10 }
saliences = { province = 50, reparations = 50 }
patron = { side = "b", roles = ["ally"], ally_share = 0.4, exit_per_year = 1 }
"#;
    let stays = with(&ally.replace("exit_per_year = 1", "exit_per_year = 0"));
    let leaves = with(ally);
    let (a, b) = (watch(&stays, 4, 0), watch(&leaves, 4, 0));
    // The same week 0 is fought; the ally leaves after it.
    assert!(
        (b.forces_b[0] - 0.6 * a.forces_b[0]).abs() < 1e-6 * a.forces_b[0],
        "{} vs {}",
        b.forces_b[0],
        a.forces_b[0]
    );
}

/// A coalition partner of side `a` that will accept no freeze: its red line on the province
/// is its own position, and freezing the line short of it costs it heavily.
const PARTNER: &str = r#"
[[actors]]
id = "partner"
role = "belligerent"
side = "a"
capability = 0.5
positions = { province = 100, reparations = 100 }
saliences = { province = 90, reparations = 10 }
red_lines = { province = { at = 100, audience_cost = 20.0 } }
coalition = { share = 0.3, exit_per_year = 0 }
"#;

#[test]
fn a_coalition_partners_exit_changes_the_ceasefire_vote() {
    let without = with("");
    let stays = with(PARTNER);
    let leaves = with(&PARTNER.replace("exit_per_year = 0", "exit_per_year = 1"));
    let n = 400;
    let count = |p: &Params| -> (u32, usize) {
        let mut sim = Sim::new(p);
        let (mut cf, mut ended_cf) = (0, 0);
        for run in 0..n {
            let mut w = Watch::default();
            let s = sim.run(21, run, &mut w);
            cf += w.ceasefires;
            ended_cf += usize::from(s.state == WarState::Ceasefire);
        }
        (cf, ended_cf)
    };
    let (none, stay, leave) = (count(&without), count(&stays), count(&leaves));
    assert!(none.0 > 0, "the base scenario agrees no ceasefire in {n} runs: the test cannot fail");
    // While the partner is in the war, no freeze passes: its vote blocks every one.
    assert_eq!(stay.0, 0, "ceasefires with the partner in: {stay:?}");
    // Once it has left (in its first week), freezes pass again.
    assert!(leave.0 > 0, "no ceasefire after the partner left: {leave:?} (without a partner: {none:?})");
    // Its exit is recorded and takes its share of the side's forces.
    let w = watch(&leaves, 21, 0);
    let partner = leaves.actor_ids.iter().position(|a| a == "partner").unwrap();
    assert_eq!(w.changes.first().map(|c| (c.0, c.1, c.3)), Some((0, partner, 0)));
}

#[test]
fn a_patron_that_is_only_its_aid_line_runs_bit_for_bit_as_the_aid_line() {
    let plain = SUPPLIER.replace("patron = { side = \"b\", roles = [\"supplier\"] }\n", "");
    let (a, b) = (with(&plain), with(SUPPLIER));
    let (mut sa, mut sb) = (Sim::new(&a), Sim::new(&b));
    for run in 0..50 {
        let (x, y) = (sa.run(8, run, &mut NoObserver), sb.run(8, run, &mut NoObserver));
        assert_eq!(format!("{x:?}"), format!("{y:?}"), "run {run}");
        assert_eq!(sa.terms(), sb.terms());
    }
}

/// Loads `text`, expecting failure, and returns the diagnostics (each must carry a line).
fn errors(extra: &str) -> Vec<Diagnostic> {
    common::load_errors(&format!("{}\n{extra}\n", base()))
}

#[test]
fn bad_patrons_and_partners_are_located_errors() {
    // An unknown client side, with a did-you-mean.
    let ds = errors(&SUPPLIER.replace("patron = { side = \"b\"", "patron = { side = \"bb\""));
    find(&ds, &["unknown side `bb`", "did you mean"]);
    // A supplier without an aid line to its client.
    let ds = errors(&SUPPLIER.replace("aid = { to = \"b\", level = 1.0 }\n", ""));
    find(&ds, &["a supplier needs an aid line"]);
    // A role named twice; a value out of range; NaN.
    let ds = errors(&SUPPLIER.replace("roles = [\"supplier\"]", "roles = [\"supplier\", \"supplier\"]"));
    find(&ds, &["named twice"]);
    let ds = errors(&SUPPLIER.replace("roles = [\"supplier\"]", "roles = [\"supplier\"], ally_share = 1.5"));
    find(&ds, &["actors.patron.patron.ally_share", "out of range"]);
    let ds = errors(&SUPPLIER.replace("roles = [\"supplier\"]", "roles = [\"supplier\"], guarantee = nan"));
    find(&ds, &["not a finite number"]);
    // A role change before the start; an unknown actor; a non-patron; roles on another event.
    let change = |date: &str, actor: &str| {
        format!("{SUPPLIER}\n[[events]]\ndate = {date}\nkind = \"patron_roles\"\nactor = \"{actor}\"\nroles = []\n")
    };
    let ds = errors(&change("1999-12-27", "patron"));
    find(&ds, &["before the scenario start"]);
    let ds = errors(&change("2000-02-07", "patronn"));
    find(&ds, &["unknown actor `patronn`"]);
    let ds = errors(&change("2000-02-07", "mediator"));
    find(&ds, &["is not a patron"]);
    let ds = errors("[[events]]\ndate = 2000-02-07\nkind = \"talks\"\nroles = []\n");
    find(&ds, &["only a `patron_roles` event has `roles`"]);
    // A second belligerent without [actors.coalition]; a coalition on a supporter; a patron
    // that is a belligerent.
    let ds = errors(&PARTNER.replace("coalition = { share = 0.3, exit_per_year = 0 }\n", ""));
    find(&ds, &["coalition partner", "[actors.coalition]"]);
    let ds =
        errors(&SUPPLIER.replace("patron = { side = \"b\", roles = [\"supplier\"] }", "coalition = { share = 0.2 }"));
    find(&ds, &["only a belligerent can be a coalition partner"]);
    let ds = errors(&PARTNER.replace("coalition = { share = 0.3, exit_per_year = 0 }", "patron = { side = \"a\" }"));
    find(&ds, &["a belligerent cannot be a patron"]);
    let ds = errors(&PARTNER.replace("share = 0.3", "share = 0"));
    find(&ds, &["actors.partner.coalition.share", "out of range"]);
}

#[test]
fn re_dating_before_a_suppliers_aid_line_drops_the_supplier_role() {
    use truce_engine::calendar::CivilDate;
    let dated =
        SUPPLIER.replace("aid = { to = \"b\", level = 1.0 }", "aid = { to = \"b\", level = 1.0, since = 1999-12-06 }");
    let text = format!("{}\n{dated}\n", base());
    let s = load_str("patrons.toml", &text).unwrap_or_else(|e| panic!("{e}")).scenario;
    let r = truce_engine::redate::redate(&s, CivilDate { year: 1999, month: 11, day: 1 }).unwrap();
    let patron = r.scenario.actors.iter().find(|a| a.id == "patron").unwrap();
    assert!(patron.aid.is_none());
    assert!(patron.patron.as_ref().unwrap().roles.is_empty());
    assert!(r.changes.iter().any(|c| c.contains("no longer a supplier")), "{:?}", r.changes);
    // The re-dated scenario loads.
    let out = toml::to_string(&r.scenario).unwrap();
    load_str("redated.toml", &out).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_guarantor_patron_makes_ceasefires_last() {
    let guarantor = r#"
[[actors]]
id = "guarantor"
role = "supporter"
side = "b"
capability = 0
positions = { province = 10, reparations = 10 }
saliences = { province = 50, reparations = 50 }
patron = { side = "b", roles = ["guarantor"], guarantee = 1.0 }
"#;
    let none = with(&guarantor.replace("roles = [\"guarantor\"]", "roles = []"));
    let guaranteed = with(guarantor);
    #[derive(Default)]
    struct Breaks(u32);
    impl Observer for Breaks {
        fn breakdown(&mut self, _week: u32) {
            self.0 += 1;
        }
    }
    let count = |p: &Params| -> u32 {
        let mut sim = Sim::new(p);
        (0..400)
            .map(|r| {
                let mut b = Breaks::default();
                sim.run(17, r, &mut b);
                b.0
            })
            .sum()
    };
    let (a, b) = (count(&none), count(&guaranteed));
    assert!(a > 10, "too few breakdowns without a guarantee for the test to fail: {a}");
    assert!(b < a, "breakdowns with a guarantor {b}, without {a}");
}

/// Side `b`'s supplier with a say: its `aid_leverage` and its positions `pos` (province,
/// reparations).
fn leaning(pos: (f64, f64), leverage: f64) -> String {
    SUPPLIER
        .replace(
            "positions = { province = 10, reparations = 10 }",
            &format!("positions = {{ province = {}, reparations = {} }}", pos.0, pos.1),
        )
        .replace("roles = [\"supplier\"]", &format!("roles = [\"supplier\"], aid_leverage = {leverage}"))
}

/// The first round's margins of side `b`'s lead: for the deal, and for the freeze.
#[derive(Default)]
struct FirstRound(Option<(f64, Option<f64>)>);

impl Observer for FirstRound {
    fn round(&mut self, r: &RoundView<'_>) {
        if self.0.is_none() {
            let deal = r.decisions.iter().find(|d| d.actor == 1).map(|d| d.margin).unwrap();
            self.0 = Some((deal, r.ceasefire_margins.map(|m| m[1])));
        }
    }
}

fn first_round(p: &Params, seed: u64, run: u64) -> Option<(f64, Option<f64>)> {
    let mut w = FirstRound::default();
    Sim::new(p).run(seed, run, &mut w);
    w.0
}

/// Settlements and ceasefires agreed over `n` runs (the same seeds for every arm).
fn agreements(p: &Params, n: u64) -> u32 {
    let mut sim = Sim::new(p);
    let mut total = 0;
    for run in 0..n {
        let mut w = Watch::default();
        let s = sim.run(31, run, &mut w);
        total += w.ceasefires + u32::from(s.state == WarState::Settled);
    }
    total
}

#[test]
fn a_supplier_that_wants_the_deal_presses_its_dependent_client_to_accept() {
    // A dove: the supplier's aims are the middle of both issues, where a deal lands.
    let off = with_dependent(&leaning((50.0, 50.0), 0.0));
    let dove = with_dependent(&leaning((50.0, 50.0), 1.0));
    let (mut rounds, mut freezes) = (0, 0);
    for run in 0..20 {
        let (Some(a), Some(b)) = (first_round(&off, 12, run), first_round(&dove, 12, run)) else { continue };
        // Everything before the first vote is the same: the supplier's view alone moves the
        // margins, up (it wants the deal, and the freeze, more than its client).
        assert!(b.0 > a.0, "run {run}: deal margin {} with the dove, {} without", b.0, a.0);
        rounds += 1;
        if let (Some(x), Some(y)) = (a.1, b.1) {
            assert!(y > x, "run {run}: freeze margin {y} with the dove, {x} without");
            freezes += 1;
        }
    }
    assert!(rounds >= 10 && freezes >= 5, "too few first rounds to compare: {rounds}, {freezes} freezes");
    // Over an ensemble on the same seeds, the dove's client agrees more often.
    let (n_off, n_dove) = (agreements(&off, 300), agreements(&dove, 300));
    assert!(n_dove > n_off, "agreements with a dove supplier {n_dove}, without its say {n_off}");
}

#[test]
fn a_supplier_that_prefers_the_war_encourages_its_client_to_fight_on() {
    // A hawk: its client's aims (0, 0) and a public commitment of its own to the client's
    // recovery of the province (a red line at 30 with a heavy audience cost), which every
    // deal and every freeze near the line breaks.
    let hawkish = |leverage: f64| {
        leaning((0.0, 0.0), leverage)
            .replace("aid = { to", "red_lines = { province = { at = 30, audience_cost = 5.0 } }\naid = { to")
    };
    let (off, hawk) = (with_dependent(&hawkish(0.0)), with_dependent(&hawkish(1.0)));
    let mut rounds = 0;
    for run in 0..20 {
        let (Some(a), Some(b)) = (first_round(&off, 12, run), first_round(&hawk, 12, run)) else { continue };
        assert!(b.0 < a.0, "run {run}: deal margin {} with the hawk, {} without", b.0, a.0);
        if let (Some(x), Some(y)) = (a.1, b.1) {
            assert!(y < x, "run {run}: freeze margin {y} with the hawk, {x} without");
        }
        rounds += 1;
    }
    assert!(rounds >= 10, "too few first rounds to compare: {rounds}");
    let (n_off, n_hawk) = (agreements(&off, 300), agreements(&hawk, 300));
    assert!(n_hawk < n_off, "agreements with a hawk supplier {n_hawk}, without its say {n_off}");
}

#[test]
fn a_supplier_whose_aid_does_not_reach_its_client_has_no_say() {
    // The same dove, but its aid is stopped before the first round (a full embargo on the
    // side at the start), or the side's effectiveness owes nothing to aid: the client owes it
    // nothing, and every run is bit for bit the run without its say.
    let embargo = "\n[[events]]\ndate = 2000-01-03\nkind = \"embargo\"\nside = \"b\"\namount = 0\n";
    let arms = [
        (
            with_dependent(&format!("{}{embargo}", leaning((50.0, 50.0), 0.0))),
            with_dependent(&format!("{}{embargo}", leaning((50.0, 50.0), 1.0))),
        ),
        (with(&leaning((50.0, 50.0), 0.0)), with(&leaning((50.0, 50.0), 1.0))),
    ];
    for (off, on) in &arms {
        let (mut sa, mut sb) = (Sim::new(off), Sim::new(on));
        for run in 0..40 {
            let (x, y) = (sa.run(8, run, &mut NoObserver), sb.run(8, run, &mut NoObserver));
            assert_eq!(format!("{x:?}"), format!("{y:?}"), "run {run}");
            assert_eq!(sa.terms(), sb.terms());
        }
        let (a, b) = (run_traced(off, 3), run_traced(on, 3));
        assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    }
    // With the aid flowing, the same supplier does change the runs (the test can fail).
    let (off, on) = (with_dependent(&leaning((50.0, 50.0), 0.0)), with_dependent(&leaning((50.0, 50.0), 1.0)));
    let differ = (0..40).any(|run| {
        let (x, y) = (Sim::new(&off).run(8, run, &mut NoObserver), Sim::new(&on).run(8, run, &mut NoObserver));
        format!("{x:?}") != format!("{y:?}")
    });
    assert!(differ, "the supplier's say changed no run");
}

#[test]
fn a_suppliers_leverage_out_of_range_is_a_located_error() {
    for bad in ["-0.1", "1.5", "nan", "inf"] {
        let ds = errors(&leaning((50.0, 50.0), 0.0).replace("aid_leverage = 0", &format!("aid_leverage = {bad}")));
        // Out of range: the field's path and its line; not a number: its line and column.
        if bad.parse::<f64>().is_ok_and(f64::is_finite) {
            find(&ds, &["actors.patron.patron.aid_leverage", "out of range"]);
        } else {
            let d = find(&ds, &["not a finite number"]);
            assert!(d.column.is_some(), "{bad}: {d:?}");
        }
    }
}
