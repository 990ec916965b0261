//! The terms of a ceasefire (`[ceasefire_terms]`; `docs/reference/war-endings.md` §13;
//! `sim/terms.rs`): an imposed ceasefire is reported as such (and not when the margins are
//! balanced), imposition and monitors change how long ceasefires last on the same seeds, a
//! scenario without the table is untouched, and bad input is a located error. Every case adds
//! the table to the `generic-interstate` built-in.

mod common;

use common::find_diagnostic as find;
use truce_engine::builtin;
use truce_engine::load::{load_str, Diagnostic};
use truce_engine::outcome::WarEvent;
use truce_engine::params::Params;
use truce_engine::sim::{CeasefireTermsView, NoObserver, Observer, RoundView, Sim, WeekView};
use truce_engine::trace::run_traced;

fn base() -> &'static str {
    builtin::builtin("generic-interstate").unwrap()
}

/// The built-in with `extra` appended.
fn with(extra: &str) -> Params {
    let text = format!("{}\n{extra}\n", base());
    load_str("terms.toml", &text).unwrap_or_else(|e| panic!("{e}")).params
}

fn terms(gap: f64, imposed: f64, monitors: Option<&str>, monitor: f64) -> Params {
    let m = monitors.map_or_else(String::new, |m| format!("monitors = \"{m}\"\n"));
    with(&format!(
        "[ceasefire_terms]\nimposed_gap = {gap}\nimposed_breakdown = {imposed}\n{m}monitor_breakdown = {monitor}\n"
    ))
}

/// What a run shows of its ceasefires: each agreeing round's margins, the terms reported, the
/// weeks flagged imposed, breakdowns.
#[derive(Default)]
struct Watch {
    margins: Vec<[f64; 2]>,
    terms: Vec<CeasefireTermsView>,
    imposed_weeks: Vec<u32>,
    breakdowns: u32,
}

impl Observer for Watch {
    fn round(&mut self, r: &RoundView<'_>) {
        if r.ceasefire {
            self.margins.push(r.ceasefire_margins.expect("a ceasefire is agreed by the freeze vote"));
        }
    }
    fn ceasefire_terms(&mut self, _week: u32, t: &CeasefireTermsView) {
        self.terms.push(*t);
    }
    fn week(&mut self, w: &WeekView) {
        if w.imposed {
            self.imposed_weeks.push(w.week);
        }
    }
    fn breakdown(&mut self, _week: u32) {
        self.breakdowns += 1;
    }
}

fn watch(p: &Params, seed: u64, n: u64) -> Vec<Watch> {
    let mut sim = Sim::new(p);
    (0..n)
        .map(|r| {
            let mut w = Watch::default();
            sim.run(seed, r, &mut w);
            w
        })
        .collect()
}

/// Ceasefires agreed in 400 runs of seed 5 (enough for each test to fail).
const RUNS: u64 = 400;

#[test]
fn an_imposed_ceasefire_is_reported_as_such_and_a_balanced_one_is_not() {
    let gap = 5.0;
    let p = terms(gap, 1.0, None, 1.0);
    let (mut imposed, mut balanced) = (0, 0);
    for w in watch(&p, 5, RUNS) {
        assert_eq!(w.margins.len(), w.terms.len(), "every ceasefire agreed reports its terms");
        for (m, t) in w.margins.iter().zip(&w.terms) {
            assert_eq!(&t.margins, m);
            let lopsided = (m[0] - m[1]).abs() >= gap * p.acceptance_noise;
            assert_eq!(t.imposed_on.is_some(), lopsided, "margins {m:?}");
            if let Some(loser) = t.imposed_on {
                // The loser is the side that gains most from stopping.
                assert!(m[loser] >= m[1 - loser]);
                imposed += 1;
            } else {
                balanced += 1;
            }
        }
        // The first week flagged imposed is the week an imposed ceasefire was agreed.
        if let Some(first) = w.terms.iter().position(|t| t.imposed_on.is_some()) {
            assert!(!w.imposed_weeks.is_empty(), "ceasefire {first} was imposed but no week says so");
        } else {
            assert!(w.imposed_weeks.is_empty());
        }
    }
    assert!(imposed > 20 && balanced > 20, "both kinds must occur for the test to fail: {imposed} / {balanced}");
}

#[test]
fn the_event_is_dated_by_the_trace_and_absent_without_imposition() {
    let always = terms(0.0, 1.0, Some("mediator"), 1.0);
    let never = terms(1e9, 1.0, None, 1.0);
    let (mut seen, mut ceasefires) = (0, 0);
    for seed in 0..60 {
        let t = run_traced(&always, seed);
        let o = t.outcome.as_ref().unwrap();
        let agreed = o.event_weeks.get(WarEvent::CeasefireAgreed.name());
        // With a gap of 0 every ceasefire is imposed: the two events share their week.
        assert_eq!(o.event_weeks.get(WarEvent::CeasefireImposed.name()), agreed, "seed {seed}");
        if let Some(&week) = agreed {
            seen += 1;
            let first = &t.ceasefire_terms[0];
            assert_eq!(first.week, week);
            assert!(first.imposed_on.is_some());
            assert_eq!(first.monitors.as_deref(), Some("mediator"));
        }
        let n = run_traced(&never, seed);
        let o = n.outcome.as_ref().unwrap();
        assert!(!o.event_weeks.contains_key(WarEvent::CeasefireImposed.name()));
        ceasefires += n.ceasefire_terms.len();
        assert!(n.ceasefire_terms.iter().all(|r| r.imposed_on.is_none() && r.monitors.is_none()));
    }
    assert!(seen > 5 && ceasefires > 5, "too few ceasefires for the test to fail: {seen}, {ceasefires}");
    // Without the table, the trace has no terms (and its JSON no key).
    let plain = run_traced(&with(""), 3);
    assert!(plain.ceasefire_terms.is_empty());
    assert!(!serde_json::to_string(&plain).unwrap().contains("ceasefire_terms"));
}

fn breakdowns(p: &Params) -> u32 {
    watch(p, 17, RUNS).iter().map(|w| w.breakdowns).sum()
}

#[test]
fn monitors_lengthen_ceasefires_on_the_same_seeds() {
    let none = breakdowns(&terms(1e9, 1.0, None, 0.3));
    let monitored = breakdowns(&terms(1e9, 1.0, Some("mediator"), 0.3));
    assert!(none > 10, "too few breakdowns without monitors for the test to fail: {none}");
    assert!(monitored < none, "breakdowns with monitors {monitored}, without {none}");
}

#[test]
fn an_imposed_ceasefire_breaks_by_its_own_factor() {
    let plain = breakdowns(&terms(0.0, 1.0, None, 1.0));
    let fragile = breakdowns(&terms(0.0, 3.0, None, 1.0));
    let durable = breakdowns(&terms(0.0, 0.3, None, 1.0));
    assert!(plain > 10, "too few breakdowns for the test to fail: {plain}");
    assert!(fragile > plain && durable < plain, "factor 0.3: {durable}, 1: {plain}, 3: {fragile}");
    // Where no ceasefire is imposed the factor does nothing.
    assert_eq!(breakdowns(&terms(1e9, 3.0, None, 1.0)), breakdowns(&terms(1e9, 1.0, None, 1.0)));
}

#[test]
fn neutral_terms_are_the_engine_without_the_table_bit_for_bit() {
    let (a, b) = (with(""), terms(4.6, 1.0, None, 1.0));
    let (mut sa, mut sb) = (Sim::new(&a), Sim::new(&b));
    for run in 0..200 {
        let (x, y) = (sa.run(8, run, &mut NoObserver), sb.run(8, run, &mut NoObserver));
        assert_eq!(format!("{x:?}"), format!("{y:?}"), "run {run}");
        assert_eq!(sa.terms(), sb.terms());
    }
}

/// A patron of side `a` that mediates with leverage on its client.
const PATRON_MEDIATOR: &str = r#"
[[actors]]
id = "patron"
role = "supporter"
side = "a"
capability = 0
positions = { province = 90, reparations = 90 }
saliences = { province = 50, reparations = 50 }
patron = { side = "a", roles = ["mediator"], mediator_leverage = 0.1 }
"#;

#[test]
fn a_ceasefire_forced_by_a_patron_mediator_is_pressured_and_breaks_by_its_factor() {
    let extra =
        |f: f64| format!("{PATRON_MEDIATOR}\n[ceasefire_terms]\nimposed_gap = 1e9\npressured_breakdown = {f}\n");
    let (plain, fragile) = (with(&extra(1.0)), with(&extra(3.0)));
    let pressured: usize = watch(&plain, 17, RUNS).iter().map(|w| w.terms.iter().filter(|t| t.pressured).count()).sum();
    assert!(pressured > 5, "too few pressured ceasefires for the test to fail: {pressured}");
    let (a, b) = (breakdowns(&plain), breakdowns(&fragile));
    assert!(b > a, "breakdowns with pressured factor 3: {b}, 1: {a}");
    // Without a patron mediator no ceasefire is pressured.
    let none: usize = watch(&terms(1e9, 1.0, None, 1.0), 17, RUNS)
        .iter()
        .map(|w| w.terms.iter().filter(|t| t.pressured).count())
        .sum();
    assert_eq!(none, 0);
}

/// Loads `text`, expecting failure, and returns the diagnostics (each must carry a line).
fn errors(extra: &str) -> Vec<Diagnostic> {
    common::load_errors(&format!("{}\n{extra}\n", base()))
}

#[test]
fn bad_terms_are_located_errors() {
    let ds = errors("[ceasefire_terms]\nimposed_gap = 4\nmonitors = \"un\"\n");
    find(&ds, &["ceasefire_terms.monitors", "unknown actor `un`"]);
    let ds = errors("[ceasefire_terms]\nimposed_gap = 4\nmonitor_breakdown = 20\n");
    find(&ds, &["ceasefire_terms.monitor_breakdown", "out of range"]);
    let ds = errors("[ceasefire_terms]\nimposed_gap = -1\n");
    find(&ds, &["ceasefire_terms.imposed_gap", "out of range"]);
    let ds = errors("[ceasefire_terms]\nimposed_gap = nan\n");
    find(&ds, &["not a finite number"]);
    let ds = errors("[ceasefire_terms]\nimposed_breakdown = 2\n");
    find(&ds, &["imposed_gap"]);
    let ds = errors("[ceasefire_terms]\nimposed_gap = 4\nmonitor = \"mediator\"\n");
    find(&ds, &["monitor"]);
    let ds = errors("[ceasefire_terms]\nimposed_gap = 4\nhandover = 1.5\n");
    find(&ds, &["ceasefire_terms.handover", "out of range"]);
    let ds = errors("[ceasefire_terms]\nimposed_gap = 4\nhandover = -0.1\n");
    find(&ds, &["ceasefire_terms.handover", "out of range"]);
    let ds = errors("[ceasefire_terms]\nimposed_gap = 4\nhandover = nan\n");
    find(&ds, &["not a finite number"]);
}

// ---- Territory handed over under an imposed ceasefire ---------------------------------------

/// Every ceasefire imposed (gap 0), the winner demanding `handover` of the gap to its
/// territorial position.
fn handover(share: f64) -> Params {
    with(&format!("[ceasefire_terms]\nimposed_gap = 0\nhandover = {share}\n"))
}

/// Each week's line and whether a ceasefire was agreed in it, and the terms reported.
#[derive(Default)]
struct Lines {
    km2: Vec<f64>,
    terms: Vec<(u32, CeasefireTermsView)>,
}

impl Observer for Lines {
    fn week(&mut self, w: &WeekView) {
        self.km2.push(w.km2);
    }
    fn ceasefire_terms(&mut self, week: u32, t: &CeasefireTermsView) {
        self.terms.push((week, *t));
    }
}

fn lines(p: &Params, seed: u64, run: u64) -> Lines {
    let mut l = Lines::default();
    Sim::new(p).run(seed, run, &mut l);
    l
}

/// On the same seeds, a run whose winner demands territory is the run without the demand
/// until its first ceasefire (the handover draws nothing, and the winner weighs the freeze at
/// the line handed over, which it values more: every freeze agreed without the demand is
/// agreed with it, so the first ceasefire comes no later); in that week the line moves by the
/// reported area toward the winner — the side with the smaller freeze margin, which gains.
/// Some winners that refused the freeze at the line accept it with territory handed over
/// (an earlier first ceasefire, always with a handover), and in the same week a larger demand
/// never takes less.
#[test]
fn an_imposed_ceasefire_hands_territory_to_the_winner() {
    let (none, half, full) = (handover(0.0), handover(0.5), handover(1.0));
    let (mut moved, mut partial, mut earlier) = (0, 0, 0);
    for run in 0..RUNS {
        let (a, b, c) = (lines(&none, 23, run), lines(&half, 23, run), lines(&full, 23, run));
        let Some(&(t, tf)) = c.terms.first() else { continue };
        let t = t as usize;
        let first_a = a.terms.first().map(|x| x.0 as usize);
        assert!(first_a.is_none_or(|f| f >= t), "run {run}: a ceasefire without the demand came first");
        assert!(a.km2.len() > t, "run {run}: the run without the demand ended before week {t}");
        for w in 0..t {
            assert_eq!(a.km2[w].to_bits(), c.km2[w].to_bits(), "run {run} week {w}");
        }
        let winner = 1 - tf.imposed_on.expect("every ceasefire is imposed at gap 0");
        let gained = if winner == 0 { tf.handed_over_km2 } else { -tf.handed_over_km2 };
        assert!(gained >= 0.0, "run {run}: the winner lost {gained} km²");
        assert!((c.km2[t] - (a.km2[t] + tf.handed_over_km2)).abs() < 1e-6, "run {run}: the line moved by the area");
        moved += usize::from(gained > 0.0);
        if first_a != Some(t) {
            // The winner refused the freeze at the line and accepted it with the handover.
            assert!(gained > 0.0, "run {run}: an earlier ceasefire without territory handed over");
            earlier += 1;
        }
        let Some(&(tb, th)) = b.terms.first() else { continue };
        if tb as usize != t {
            continue;
        }
        let gained_half = if winner == 0 { th.handed_over_km2 } else { -th.handed_over_km2 };
        assert!(gained_half <= gained + 1e-6, "run {run}: half the demand took more ({gained_half} > {gained})");
        // In index points (the demand is a share of an index gap; km² are a piecewise-linear
        // map of the index).
        let at = |x: f64| full.km2_to_index(x);
        let (d_full, d_half) = ((at(c.km2[t]) - at(a.km2[t])).abs(), (at(b.km2[t]) - at(a.km2[t])).abs());
        partial += usize::from(d_full > 0.0 && d_full < 2.0 * d_half - 1e-9);
    }
    println!("handovers {moved}, capped by the loser's reservation {partial}, accepted only with a handover {earlier}");
    assert!(moved > 10, "too few handovers for the test to fail: {moved}");
    // Where the whole demand is more than the loser accepts, it hands over less than twice
    // what half the demand takes: the loser's reservation caps the winner's price.
    assert!(partial > 0, "the loser's reservation never capped a handover");
    assert!(earlier > 0, "no winner accepted a freeze only because territory was handed over");
}

/// Places handed over change hands in the week of the handover, to the winner, as places
/// taken by fighting do (`generic-interstate` has a fortress city on each side of its line).
#[derive(Default)]
struct Places {
    km2: Vec<f64>,
    terms: Vec<(u32, CeasefireTermsView)>,
    fell: Vec<(u32, usize, usize)>,
}

impl Observer for Places {
    fn week(&mut self, w: &WeekView) {
        self.km2.push(w.km2);
    }
    fn ceasefire_terms(&mut self, week: u32, t: &CeasefireTermsView) {
        self.terms.push((week, *t));
    }
    fn objective(&mut self, week: u32, objective: usize, to: usize) {
        self.fell.push((week, objective, to));
    }
}

#[test]
fn places_handed_over_change_hands_that_week() {
    let p = handover(1.0);
    let mut handed = 0;
    for run in 0..RUNS {
        let mut w = Places::default();
        Sim::new(&p).run(31, run, &mut w);
        let Some(&(t, tf)) = w.terms.first() else { continue };
        if tf.handed_over_km2 == 0.0 {
            continue;
        }
        if t == 0 {
            continue;
        }
        let (prev, after) = (w.km2[t as usize - 1], w.km2[t as usize]);
        let before = after - tf.handed_over_km2;
        let winner = 1 - tf.imposed_on.unwrap();
        // Held by the first side while the line is at or past the place: a place changed
        // hands between two lines when it lies in (lower, upper].
        let between = |x: f64, y: f64, at: f64| at > x.min(y) && at <= x.max(y);
        for (i, o) in p.objectives.iter().enumerate() {
            let handed_over = between(before, after, o.km2) && !between(prev, before, o.km2);
            let reported = w.fell.iter().any(|&(wk, j, to)| wk == t && j == i && to == winner);
            if handed_over {
                assert!(
                    reported,
                    "run {run}: place {i} at {} km² handed over ({before} -> {after}), not reported",
                    o.km2
                );
            }
            if w.fell.iter().any(|&(wk, j, _)| wk == t && j == i) {
                // Whatever changed hands this week lay between last week's line and this one.
                assert!(between(prev, after, o.km2), "run {run}: place {i} reported but not crossed");
            }
            handed += usize::from(handed_over);
        }
    }
    assert!(handed > 0, "no place was handed over: the test cannot fail");
    println!("places handed over: {handed}");
}

/// With a demand of 0 the terms are the engine's bit for bit (nothing is computed).
#[test]
fn no_handover_is_the_engine_bit_for_bit() {
    let (a, b) = (with("[ceasefire_terms]\nimposed_gap = 0\n"), handover(0.0));
    let (mut sa, mut sb) = (Sim::new(&a), Sim::new(&b));
    for run in 0..100 {
        let (x, y) = (sa.run(8, run, &mut NoObserver), sb.run(8, run, &mut NoObserver));
        assert_eq!(format!("{x:?}"), format!("{y:?}"), "run {run}");
    }
}

/// The trace reports the area handed over with the ceasefire's terms, and only when there was
/// one.
#[test]
fn the_trace_reports_the_area_handed_over() {
    let p = handover(1.0);
    let mut seen = 0;
    for seed in 0..60 {
        let t = run_traced(&p, seed);
        for r in &t.ceasefire_terms {
            seen += usize::from(r.handed_over_km2 != 0.0);
        }
    }
    assert!(seen > 3, "too few handovers in traces: {seen}");
    let plain = run_traced(&with("[ceasefire_terms]\nimposed_gap = 0\n"), 3);
    assert!(!serde_json::to_string(&plain).unwrap().contains("handed_over"));
}
