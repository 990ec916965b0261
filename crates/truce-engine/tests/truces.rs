//! Partial truces: the strike moratorium (`[strike_moratorium]`; `docs/reference/war-endings.md`
//! §14; `sim/truces.rs`). While it holds the strikes' economic cost stops (the same seeds with
//! and without the table agree bit for bit until it is agreed, and the economies part then by
//! the strikes' damage), it lapses by its own hazard (none at 0), a scenario without the table
//! is untouched, the event is dated and bad input is a located error. Every case adds the
//! table to the `ukraine-2025-12` built-in (both sides strike: Russia 0.002, Ukraine 0.0015).

mod common;

use common::find_diagnostic as find;
use truce_engine::builtin;
use truce_engine::load::{load_str, Diagnostic};
use truce_engine::outcome::WarEvent;
use truce_engine::params::Params;
use truce_engine::sim::{Observer, Sim, WeekView};
use truce_engine::trace::run_traced;

fn base() -> &'static str {
    builtin::builtin("ukraine-2025-12").unwrap()
}

/// The built-in with `extra` appended.
fn with(extra: &str) -> Params {
    let text = format!("{}\n{extra}\n", base());
    load_str("truces.toml", &text).unwrap_or_else(|e| panic!("{e}")).params
}

fn moratorium(loss_weight: f64, per_year: f64) -> Params {
    with(&format!("[strike_moratorium]\nloss_weight = {loss_weight}\nbreakdown_per_year = {per_year}\n"))
}

/// Each week's economies and moratorium flag, and the moratoria agreed and lapsed.
#[derive(Default)]
struct Watch {
    weeks: Vec<(u32, [f64; 2], bool)>,
    agreed: Vec<u32>,
    lapsed: Vec<u32>,
}

impl Observer for Watch {
    fn week(&mut self, w: &WeekView) {
        self.weeks.push((w.week, w.economy, w.moratorium));
    }
    fn moratorium(&mut self, week: u32, agreed: bool) {
        if agreed {
            self.agreed.push(week)
        } else {
            self.lapsed.push(week)
        }
    }
}

fn watch(p: &Params, seed: u64, run: u64) -> Watch {
    let mut w = Watch::default();
    Sim::new(p).run(seed, run, &mut w);
    w
}

const RUNS: u64 = 150;

#[test]
fn a_moratorium_stops_the_strikes_economic_cost_while_it_holds() {
    let (plain, held) = (with(""), moratorium(1.5, 0.0));
    let (mut agreed, mut parted) = (0, 0);
    for run in 0..RUNS {
        let (a, b) = (watch(&plain, 5, run), watch(&held, 5, run));
        let Some(&w) = b.agreed.first() else { continue };
        agreed += 1;
        assert!(b.lapsed.is_empty() && b.agreed.len() == 1, "run {run}: at a hazard of 0 it holds");
        // Up to the week it is agreed, the runs are the same week for week.
        let upto = b.weeks.iter().take_while(|x| x.0 <= w).count();
        assert_eq!(
            format!("{:?}", &a.weeks[..upto]),
            format!("{:?}", &b.weeks[..upto].iter().map(|x| (x.0, x.1, false)).collect::<Vec<_>>()),
            "run {run}"
        );
        assert!(b.weeks[upto - 1].2, "run {run}: in force from the end of week {w}");
        // The first week fought under it: the same state, the same draws, no strike damage.
        if let (Some(x), Some(y)) = (a.weeks.get(upto), b.weeks.get(upto)) {
            if x.0 == y.0 {
                for s in 0..2 {
                    assert!(y.1[s] >= x.1[s], "run {run} side {s}: {} < {}", y.1[s], x.1[s]);
                }
                if y.1[0] > x.1[0] && y.1[1] > x.1[1] {
                    parted += 1;
                }
            }
        }
    }
    assert!(agreed > 10 && parted > 5, "too few moratoria for the test to fail: {agreed} agreed, {parted} parted");
}

#[test]
fn no_moratorium_when_one_side_loses_by_it() {
    // Russia strikes 0.002, Ukraine 0.0015: at a weight of 1.2 Russia gives up more than it
    // gains (1.2 × 0.0015 < 0.002).
    let p = moratorium(1.2, 0.0);
    assert!((0..RUNS).all(|run| watch(&p, 5, run).agreed.is_empty()));
    let q = moratorium(1.4, 0.0);
    assert!((0..RUNS).any(|run| !watch(&q, 5, run).agreed.is_empty()));
}

#[test]
fn a_moratorium_lapses_by_its_hazard() {
    let (mut lapses, mut weeks_held) = (0usize, 0usize);
    for run in 0..RUNS {
        let w = watch(&moratorium(1.5, 52.0), 5, run);
        lapses += w.lapsed.len();
        weeks_held += w.weeks.iter().filter(|x| x.2).count();
        assert!(w.agreed.len() >= w.lapsed.len(), "run {run}: a lapse follows an agreement");
    }
    let held = moratorium(1.5, 0.0);
    let held_weeks: usize = (0..RUNS).map(|run| watch(&held, 5, run).weeks.iter().filter(|x| x.2).count()).sum();
    assert!(lapses > 10, "too few lapses for the test to fail: {lapses}");
    assert!(weeks_held < held_weeks, "weeks under a moratorium: hazard 52 {weeks_held}, hazard 0 {held_weeks}");
}

#[test]
fn the_event_is_dated_by_the_trace() {
    let p = moratorium(1.5, 12.0);
    let mut seen = 0;
    for seed in 0..40 {
        let t = run_traced(&p, seed);
        let o = t.outcome.as_ref().unwrap();
        let first = t.moratoria.iter().find(|m| m.agreed).map(|m| m.week);
        assert_eq!(o.event_weeks.get(WarEvent::StrikeMoratorium.name()).copied(), first, "seed {seed}");
        seen += usize::from(first.is_some());
    }
    assert!(seen > 5, "too few moratoria for the test to fail: {seen}");
    let plain = run_traced(&with(""), 3);
    assert!(plain.moratoria.is_empty());
    assert!(!plain.outcome.as_ref().unwrap().event_weeks.contains_key(WarEvent::StrikeMoratorium.name()));
    assert!(!serde_json::to_string(&plain).unwrap().contains("moratori"));
}

#[test]
fn a_table_that_never_agrees_is_the_engine_without_it_bit_for_bit() {
    let (a, b) = (with(""), moratorium(0.5, 12.0));
    let (mut sa, mut sb) = (Sim::new(&a), Sim::new(&b));
    for run in 0..100 {
        let (x, y) =
            (sa.run(8, run, &mut truce_engine::sim::NoObserver), sb.run(8, run, &mut truce_engine::sim::NoObserver));
        assert_eq!(format!("{x:?}"), format!("{y:?}"), "run {run}");
    }
}

/// The diagnostics of the base scenario with `extra` appended, which must fail to load.
fn errors(extra: &str) -> Vec<Diagnostic> {
    common::load_errors(&format!("{}\n{extra}\n", base()))
}

#[test]
fn bad_moratoria_are_located_errors() {
    let ds = errors("[strike_moratorium]\nloss_weight = 1.5\nbreakdown_per_year = 60\n");
    find(&ds, &["strike_moratorium.breakdown_per_year", "out of range"]);
    let ds = errors("[strike_moratorium]\nloss_weight = -1\nbreakdown_per_year = 12\n");
    find(&ds, &["strike_moratorium.loss_weight", "out of range"]);
    let ds = errors("[strike_moratorium]\nloss_weight = nan\nbreakdown_per_year = 12\n");
    find(&ds, &["not a finite number"]);
    let ds = errors("[strike_moratorium]\nbreakdown_per_year = 12\n");
    find(&ds, &["loss_weight"]);
    let ds = errors("[strike_moratorium]\nloss_weight = 1.5\nbreakdown_per_year = 12\nlapse = 3\n");
    find(&ds, &["lapse"]);
}
