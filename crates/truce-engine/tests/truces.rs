//! Partial truces: the strike moratorium (`[strike_moratorium]`; `docs/reference/war-endings.md`
//! §14; `sim/truces.rs`). While it holds the strikes' economic cost stops (the same seeds with
//! and without the table agree bit for bit until it is agreed, and the economies part then by
//! the strikes' damage), it lapses by its own hazard (none at 0), a scenario without the table
//! is untouched, one covering some targets (cities, energy) spares exactly its share of the
//! strikes, the event is dated and bad input is a located error. Every case adds the
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

/// A moratorium covering `scope` of the strikes (a cities-only or energy-only truce, the rest
/// of the strikes going on): it is agreed in the same weeks as one covering all of them (the
/// scope scales what both sides gain and give up alike), and in the first week fought under
/// it each economy is spared exactly `scope` of what a full moratorium spares it.
#[test]
fn a_moratorium_on_some_targets_spares_its_share_of_the_strikes() {
    let scoped = |scope: f64| {
        with(&format!("[strike_moratorium]\nloss_weight = 1.5\nbreakdown_per_year = 0\nscope = {scope}\n"))
    };
    let (plain, full, third) = (with(""), moratorium(1.5, 0.0), scoped(0.3));
    // (Debug text: the parameters hold NaN for "no red line".)
    assert_eq!(format!("{:?}", scoped(1.0)), format!("{full:?}"), "scope 1 is the default");
    let mut checked = 0;
    for run in 0..RUNS {
        let (a, b, c) = (watch(&plain, 5, run), watch(&full, 5, run), watch(&third, 5, run));
        assert_eq!(b.agreed, c.agreed, "run {run}: the scope does not change when it is agreed");
        let Some(&w) = b.agreed.first() else { continue };
        let upto = b.weeks.iter().take_while(|x| x.0 <= w).count();
        let (Some(x), Some(y), Some(z)) = (a.weeks.get(upto), b.weeks.get(upto), c.weeks.get(upto)) else { continue };
        if x.0 != y.0 || y.0 != z.0 {
            continue;
        }
        for s in 0..2 {
            let (spared_full, spared) = (y.1[s] - x.1[s], z.1[s] - x.1[s]);
            assert!(spared_full > 0.0, "run {run} side {s}: a full moratorium spared nothing");
            assert!(
                (spared - 0.3 * spared_full).abs() <= 1e-12 * x.1[s].abs().max(1.0),
                "run {run} side {s}: spared {spared}, a full moratorium {spared_full}"
            );
        }
        checked += 1;
    }
    assert!(checked > 10, "too few moratoria for the test to fail: {checked}");
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
    let ds = errors("[strike_moratorium]\nloss_weight = 1.5\nbreakdown_per_year = 12\nscope = 1.2\n");
    find(&ds, &["strike_moratorium.scope", "out of range"]);
    let ds = errors("[strike_moratorium]\nloss_weight = 1.5\nbreakdown_per_year = 12\nscope = nan\n");
    find(&ds, &["strike_moratorium.scope"]);
    let ds = errors("[strike_moratorium]\nloss_weight = nan\nbreakdown_per_year = 12\n");
    find(&ds, &["not a finite number"]);
    let ds = errors("[strike_moratorium]\nbreakdown_per_year = 12\n");
    find(&ds, &["loss_weight"]);
    let ds = errors("[strike_moratorium]\nloss_weight = 1.5\nbreakdown_per_year = 12\nlapse = 3\n");
    find(&ds, &["lapse"]);
}

// ---- The humanitarian pause ---------------------------------------------------------------

fn pause(agree: f64, days: u32, per_day: f64, scope: f64) -> Params {
    with(&format!(
        "[humanitarian_pause]\nagree_probability = {agree}\ndays = {days}\nbreakdown_per_day = {per_day}\nscope = {scope}\n"
    ))
}

/// Each week's view and the pauses agreed and broken down.
#[derive(Default)]
struct PauseWatch {
    weeks: Vec<WeekView>,
    agreed: Vec<u32>,
    broken: Vec<u32>,
}

impl Observer for PauseWatch {
    fn week(&mut self, w: &WeekView) {
        self.weeks.push(*w);
    }
    fn pause(&mut self, week: u32, agreed: bool) {
        if agreed {
            self.agreed.push(week)
        } else {
            self.broken.push(week)
        }
    }
}

fn watch_pauses(p: &Params, seed: u64, run: u64) -> PauseWatch {
    let mut w = PauseWatch::default();
    Sim::new(p).run(seed, run, &mut w);
    w
}

/// A pause agreed for certain that cannot break draws nothing: the run is the run without the
/// table week for week until the first pause, and the week after the agreement is fought at
/// `1 − scope · days / 7` of its intensity (0 for a whole week of the whole war: no casualties,
/// no ground).
#[test]
fn a_pause_stops_the_fighting_on_the_days_it_holds() {
    let plain = with("");
    let mut checked = 0;
    for (days, scope) in [(7, 1.0), (3, 1.0), (7, 0.25)] {
        let p = pause(1.0, days, 0.0, scope);
        for run in 0..RUNS {
            let (a, b) = (watch_pauses(&plain, 4, run), watch_pauses(&p, 4, run));
            let Some(&t) = b.agreed.first() else { continue };
            let t = t as usize;
            for w in 0..=t {
                assert_eq!(
                    format!("{:?}", a.weeks[w].forces),
                    format!("{:?}", b.weeks[w].forces),
                    "run {run} week {w}"
                );
                assert_eq!(a.weeks[w].km2.to_bits(), b.weeks[w].km2.to_bits(), "run {run} week {w}");
                assert_eq!(b.weeks[w].paused_days, 0);
            }
            assert!(b.weeks[t].pause, "the agreement week carries the pause flag");
            let (Some(x), Some(y)) = (a.weeks.get(t + 1), b.weeks.get(t + 1)) else { continue };
            if x.ceasefire || y.ceasefire {
                continue;
            }
            assert_eq!(y.paused_days, days, "run {run}");
            let want = x.intensity * (1.0 - scope * f64::from(days) / 7.0);
            assert!((y.intensity - want).abs() <= 1e-12 * x.intensity.max(1.0), "run {run}: {} vs {want}", y.intensity);
            if days == 7 && scope == 1.0 {
                assert_eq!(y.casualties, [0.0, 0.0], "run {run}");
                assert_eq!(y.gain, 0.0, "run {run}");
                assert!(x.casualties[0] > 0.0);
            }
            checked += 1;
        }
    }
    assert!(checked > 60, "too few pauses for the test to fail: {checked}");
}

/// Pauses that hold reduce a year's casualties (the same seeds, the whole war paused a week
/// after every failed session, against none).
#[test]
fn pauses_cost_fewer_lives() {
    let (plain, paused) = (with(""), pause(1.0, 7, 0.0, 1.0));
    let mean = |p: &Params| {
        let mut total = 0.0;
        for run in 0..RUNS {
            let w = watch_pauses(p, 11, run);
            let last = &w.weeks[w.weeks.len().min(52) - 1];
            total += last.cum_casualties[0] + last.cum_casualties[1];
        }
        total / RUNS as f64
    };
    let (a, b) = (mean(&plain), mean(&paused));
    assert!(b < 0.9 * a, "casualties in a year: with pauses {b:.0}, without {a:.0}");
}

/// The days held follow the daily hazard: a geometric number of days before the first
/// breakdown, capped by the pause's length. At h = 0.2 and 7 days the mean held is
/// Σₖ₌₁⁷ 0.8ᵏ = 3.161 and a share 1 − 0.8⁷ = 0.790 breaks down before its term.
#[test]
fn a_pause_breaks_down_by_its_daily_hazard() {
    let p = pause(1.0, 7, 0.2, 1.0);
    let (mut held, mut n, mut broken) = (Vec::new(), 0usize, 0usize);
    for run in 0..600 {
        let w = watch_pauses(&p, 21, run);
        for &t in &w.agreed {
            let Some(next) = w.weeks.get(t as usize + 1) else { continue };
            if next.ceasefire {
                continue;
            }
            held.push(f64::from(next.paused_days));
            n += 1;
            broken += usize::from(w.broken.contains(&(t + 1)));
        }
    }
    assert!(n > 2000, "too few pauses: {n}");
    let mean = held.iter().sum::<f64>() / n as f64;
    let sd = (held.iter().map(|h| (h - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
    let want: f64 = (1..=7).map(|k| 0.8f64.powi(k)).sum();
    assert!((mean - want).abs() < 4.0 * sd / (n as f64).sqrt(), "mean days held {mean:.3}, want {want:.3} (n {n})");
    let share = broken as f64 / n as f64;
    let q = 1.0 - 0.8f64.powi(7);
    assert!((share - q).abs() < 4.0 * (q * (1.0 - q) / n as f64).sqrt(), "broken {share:.3}, want {q:.3}");
    // A pause of 7 days that holds them all is never broken.
    let w = watch_pauses(&pause(1.0, 7, 0.0, 1.0), 21, 0);
    assert!(w.broken.is_empty());
}

/// A pause longer than a week runs on into the next: 10 days are 7 then 3.
#[test]
fn a_long_pause_runs_across_weeks() {
    let p = pause(1.0, 10, 0.0, 1.0);
    let mut seen = 0;
    for run in 0..RUNS {
        let w = watch_pauses(&p, 5, run);
        let Some(&t) = w.agreed.first() else { continue };
        let t = t as usize;
        let (Some(a), Some(b)) = (w.weeks.get(t + 1), w.weeks.get(t + 2)) else { continue };
        if a.ceasefire || b.ceasefire {
            continue;
        }
        assert_eq!((a.paused_days, b.paused_days), (7, 3), "run {run}");
        assert!(a.pause, "still to run after its first week");
        seen += 1;
    }
    assert!(seen > 20, "too few pauses: {seen}");
}

#[test]
fn the_pause_event_is_dated_by_the_trace() {
    let p = pause(0.3, 3, 0.2, 1.0);
    let mut seen = 0;
    for seed in 0..40 {
        let t = run_traced(&p, seed);
        let o = t.outcome.as_ref().unwrap();
        let first = t.pauses.iter().find(|m| m.agreed).map(|m| m.week);
        assert_eq!(o.event_weeks.get(WarEvent::HumanitarianPause.name()).copied(), first, "seed {seed}");
        if let Some(f) = first {
            assert!(t.weeks.iter().any(|w| w.week > f && w.paused_days > 0) || t.pauses.iter().any(|m| !m.agreed));
        }
        seen += usize::from(first.is_some());
    }
    assert!(seen > 5, "too few pauses for the test to fail: {seen}");
    let plain = run_traced(&with(""), 3);
    assert!(plain.pauses.is_empty());
    assert!(!plain.outcome.as_ref().unwrap().event_weeks.contains_key(WarEvent::HumanitarianPause.name()));
    assert!(!serde_json::to_string(&plain).unwrap().contains("pause"));
}

/// A table that never agrees, or whose pauses stop none of the fighting and draw nothing, is
/// the engine without it, bit for bit.
#[test]
fn a_pause_that_never_happens_or_stops_nothing_is_the_engine_bit_for_bit() {
    let a = with("");
    let mut sa = Sim::new(&a);
    for b in [pause(0.0, 3, 0.2, 1.0), pause(1.0, 7, 0.0, 0.0)] {
        let mut sb = Sim::new(&b);
        for run in 0..100 {
            let (x, y) = (
                sa.run(8, run, &mut truce_engine::sim::NoObserver),
                sb.run(8, run, &mut truce_engine::sim::NoObserver),
            );
            assert_eq!(format!("{x:?}"), format!("{y:?}"), "run {run}");
        }
    }
}

#[test]
fn bad_pauses_are_located_errors() {
    let ok = |k: &str, v: &str| {
        let mut t = String::from("[humanitarian_pause]\n");
        for (key, val) in [("agree_probability", "0.1"), ("days", "3"), ("breakdown_per_day", "0.2"), ("scope", "1")] {
            if key != k {
                t += &format!("{key} = {val}\n");
            } else if !v.is_empty() {
                t += &format!("{key} = {v}\n");
            }
        }
        t
    };
    find(&errors(&ok("days", "0")), &["humanitarian_pause.days", "out of range"]);
    find(&errors(&ok("days", "31")), &["humanitarian_pause.days", "out of range"]);
    find(&errors(&ok("days", "2.5")), &["humanitarian_pause.days"]);
    find(&errors(&ok("breakdown_per_day", "1.5")), &["humanitarian_pause.breakdown_per_day", "out of range"]);
    find(&errors(&ok("scope", "-0.1")), &["humanitarian_pause.scope", "out of range"]);
    find(&errors(&ok("agree_probability", "nan")), &["not a finite number"]);
    find(&errors(&ok("agree_probability", "")), &["agree_probability"]);
    find(&errors(&format!("{}hours = 5\n", ok("", ""))), &["hours"]);
}

// ---- The trade corridor: a blockade partly lifted by agreement ------------------------------

/// `korea-1951`: the UN Command (the first side) holds the sea (`[[domains]]` "sea",
/// revenue_cut 0.05 on the communists' economy).
fn korea(extra: &str) -> Params {
    let text = format!("{}\n{extra}\n", builtin::builtin("korea-1951").unwrap());
    load_str("corridor.toml", &text).unwrap_or_else(|e| panic!("{e}")).params
}

fn corridor(agree: f64, per_year: f64, scope: f64) -> String {
    format!(
        "[trade_corridor]\ndomain = \"sea\"\nagree_probability = {agree}\nbreakdown_per_year = {per_year}\nscope = {scope}\n"
    )
}

/// Each week's economies, whether fought, the corridor flag and the domains held; the
/// corridors opened and closed.
#[derive(Default)]
struct CorridorWatch {
    weeks: Vec<(u32, [f64; 2], bool, bool, u64)>,
    opened: Vec<u32>,
    closed: Vec<u32>,
}

impl Observer for CorridorWatch {
    fn week(&mut self, w: &WeekView) {
        self.weeks.push((w.week, w.economy, w.ceasefire, w.corridor, w.domains));
    }
    fn corridor(&mut self, week: u32, opened: bool) {
        if opened {
            self.opened.push(week)
        } else {
            self.closed.push(week)
        }
    }
}

fn watch_corridor(p: &Params, seed: u64, run: u64) -> CorridorWatch {
    let mut w = CorridorWatch::default();
    Sim::new(p).run(seed, run, &mut w);
    w
}

/// On the same seeds, a corridor opened for certain (no draw) leaves the run as it was until it
/// opens; in the next fought week the blockaded side's economy recovers toward a higher level,
/// and a corridor lifting half the cut gains it exactly half of what the whole gains (the
/// economy's step is linear in the level it recovers toward), while the holder's economy is
/// untouched.
#[test]
fn a_corridor_lifts_its_share_of_the_blockade() {
    let (none, full, half) = (korea(""), korea(&corridor(1.0, 0.0, 1.0)), korea(&corridor(1.0, 0.0, 0.5)));
    let mut checked = 0;
    for run in 0..RUNS {
        let (a, b, c) = (watch_corridor(&none, 5, run), watch_corridor(&full, 5, run), watch_corridor(&half, 5, run));
        assert_eq!(b.opened, c.opened, "run {run}: the scope does not change when it opens");
        let Some(&w) = b.opened.first() else { continue };
        assert!(b.closed.is_empty(), "run {run}: at a hazard of 0 it stays open");
        let upto = b.weeks.iter().take_while(|x| x.0 <= w).count();
        for i in 0..upto {
            assert_eq!(format!("{:?}", a.weeks[i].1), format!("{:?}", b.weeks[i].1), "run {run} week {i}");
        }
        assert!(b.weeks[upto - 1].3, "run {run}: open from the end of week {w}");
        let (Some(x), Some(y), Some(z)) = (a.weeks.get(upto), b.weeks.get(upto), c.weeks.get(upto)) else { continue };
        // A week fought by all three with the sea held.
        if x.0 != y.0 || y.0 != z.0 || x.2 || y.2 || z.2 || y.4 & 1 == 0 {
            continue;
        }
        assert_eq!(y.1[0].to_bits(), x.1[0].to_bits(), "run {run}: the holder's economy moved");
        let (whole, part) = (y.1[1] - x.1[1], z.1[1] - x.1[1]);
        assert!(whole > 0.0, "run {run}: the corridor gained the blockaded side nothing");
        assert!((part - 0.5 * whole).abs() <= 1e-12, "run {run}: half the cut lifted gained {part}, the whole {whole}");
        checked += 1;
    }
    println!("corridors checked {checked}");
    assert!(checked > 10, "too few corridors for the test to fail: {checked}");
}

/// A corridor opens only while its domain is held (a blockade to lift): with the sea mostly
/// lost, every opening falls in a week the sea is held, and there are fewer of them.
#[test]
fn a_corridor_opens_only_while_its_domain_is_held() {
    let contested = |extra: &str| {
        let text = builtin::builtin("korea-1951").unwrap().replacen(
            "loss_per_year = { value = 0.1,",
            "loss_per_year = { value = 52,",
            1,
        );
        load_str("corridor.toml", &format!("{text}\n{extra}\n")).unwrap_or_else(|e| panic!("{e}")).params
    };
    let (held, lost) = (korea(&corridor(1.0, 52.0, 1.0)), contested(&corridor(1.0, 52.0, 1.0)));
    let (mut n_held, mut n_lost) = (0, 0);
    for run in 0..RUNS {
        let w = watch_corridor(&lost, 5, run);
        for &o in &w.opened {
            let week = w.weeks.iter().find(|x| x.0 == o).expect("the week it opened");
            assert!(week.4 & 1 != 0, "run {run}: opened in week {o} with the sea lost");
        }
        n_lost += w.opened.len();
        n_held += watch_corridor(&held, 5, run).opened.len();
    }
    println!("openings with the sea contested {n_lost}, held {n_held}");
    assert!(n_lost > 10, "too few openings for the test to fail: {n_lost}");
    assert!(n_lost < n_held, "openings with the sea contested {n_lost}, held {n_held}");
}

#[test]
fn a_corridor_closes_by_its_hazard() {
    let (mut closed, mut weeks_open, mut weeks_open_fixed) = (0usize, 0usize, 0usize);
    let (closing, fixed) = (korea(&corridor(0.5, 26.0, 1.0)), korea(&corridor(0.5, 0.0, 1.0)));
    for run in 0..RUNS {
        let w = watch_corridor(&closing, 5, run);
        closed += w.closed.len();
        weeks_open += w.weeks.iter().filter(|x| x.3).count();
        assert!(w.opened.len() >= w.closed.len(), "run {run}: a closing follows an opening");
        weeks_open_fixed += watch_corridor(&fixed, 5, run).weeks.iter().filter(|x| x.3).count();
    }
    println!("closings {closed}; weeks open {weeks_open} (hazard 26), {weeks_open_fixed} (0)");
    assert!(closed > 10, "too few closings for the test to fail: {closed}");
    assert!(weeks_open < weeks_open_fixed, "weeks open: hazard 26 {weeks_open}, hazard 0 {weeks_open_fixed}");
}

#[test]
fn the_corridor_event_is_dated_by_the_trace() {
    let p = korea(&corridor(0.3, 2.0, 1.0));
    let mut seen = 0;
    for seed in 0..40 {
        let t = run_traced(&p, seed);
        let o = t.outcome.as_ref().unwrap();
        let first = t.corridors.iter().find(|c| c.opened).map(|c| c.week);
        assert_eq!(o.event_weeks.get(WarEvent::TradeCorridor.name()).copied(), first, "seed {seed}");
        seen += usize::from(first.is_some());
    }
    assert!(seen > 5, "too few corridors for the test to fail: {seen}");
    let plain = run_traced(&korea(""), 3);
    assert!(plain.corridors.is_empty());
    assert!(!plain.outcome.as_ref().unwrap().event_weeks.contains_key(WarEvent::TradeCorridor.name()));
    assert!(!serde_json::to_string(&plain).unwrap().contains("corridor"));
}

/// A table that never opens a corridor, or whose corridor lifts nothing and draws nothing, is
/// the engine without it, bit for bit.
#[test]
fn a_corridor_that_never_opens_or_lifts_nothing_is_the_engine_bit_for_bit() {
    let a = korea("");
    let mut sa = Sim::new(&a);
    for b in [korea(&corridor(0.0, 1.0, 1.0)), korea(&corridor(1.0, 0.0, 0.0))] {
        let mut sb = Sim::new(&b);
        for run in 0..100 {
            let (x, y) = (
                sa.run(8, run, &mut truce_engine::sim::NoObserver),
                sb.run(8, run, &mut truce_engine::sim::NoObserver),
            );
            assert_eq!(format!("{x:?}"), format!("{y:?}"), "run {run}");
        }
    }
}

#[test]
fn bad_corridors_are_located_errors() {
    let errs = |extra: &str| common::load_errors(&format!("{}\n{extra}\n", builtin::builtin("korea-1951").unwrap()));
    find(
        &errs(&corridor(0.1, 1.0, 1.0).replace("\"sea\"", "\"see\"")),
        &["trade_corridor.domain", "unknown domain `see`"],
    );
    find(&errs(&corridor(1.5, 1.0, 1.0)), &["trade_corridor.agree_probability", "out of range"]);
    find(&errs(&corridor(0.1, 60.0, 1.0)), &["trade_corridor.breakdown_per_year", "out of range"]);
    find(&errs(&corridor(0.1, 1.0, -0.5)), &["trade_corridor.scope", "out of range"]);
    let nan = corridor(0.1, 1.0, 1.0).replace("agree_probability = 0.1", "agree_probability = nan");
    find(&errs(&nan), &["not a finite number"]);
    find(&errs("[trade_corridor]\ndomain = \"sea\"\nbreakdown_per_year = 1\n"), &["agree_probability"]);
    find(&errs(&format!("{}ships = 3\n", corridor(0.1, 1.0, 1.0))), &["ships"]);
    // A corridor needs a domain: the default scenario has none.
    find(&errors(&corridor(0.1, 1.0, 1.0)), &["trade_corridor.domain", "unknown domain"]);
}
