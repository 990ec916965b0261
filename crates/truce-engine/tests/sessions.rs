//! The talks' clock inside the weekly step: `protocol.rounds_per_week` (`Sim::session`). A
//! week with talks holds a session of up to that many rounds, each failed round conceding,
//! until one agrees; the session's failure (escalation, the mediator's frustration, a
//! suspension, a strike moratorium) is weighed once, after its last round. Checked here: one
//! round a week is the engine as it was; a session holds several rounds of the same week and
//! stops at an agreement; the failure's consequences stay weekly (the mediator's attention
//! falls once per failed session, not once per round); more rounds a week end wars sooner
//! (Rubinstein 1982: the shorter the interval between offers, the sooner concessions meet);
//! bad values are located errors.

mod common;

use common::{find_diagnostic, load_errors, paired, run_digest, K_SE};
use truce_engine::builtin;
use truce_engine::load::load_str;
use truce_engine::params::Params;
use truce_engine::sim::{Observer, RoundView, Sim, WeekView};

fn base() -> &'static str {
    builtin::builtin("generic-interstate").unwrap()
}

/// `generic-interstate` with `lines` added to its `[protocol]` table.
fn text_with(lines: &str) -> String {
    let text = base().replacen("[protocol]\n", &format!("[protocol]\n{lines}\n"), 1);
    assert_ne!(text, base(), "the built-in has a [protocol] table");
    text
}

fn with(lines: &str) -> Params {
    load_str("sessions.toml", &text_with(lines)).unwrap_or_else(|e| panic!("{e}")).params
}

/// Each round's week and whether it agreed; each week's attention and ripeness; the weeks
/// of leader changes (which call for talks: the mediator's attention back to 1).
#[derive(Default)]
struct Watch {
    rounds: Vec<(u32, bool)>,
    weeks: Vec<(u32, f64, f64)>,
    leaders: Vec<u32>,
}

impl Observer for Watch {
    fn round(&mut self, r: &RoundView<'_>) {
        self.rounds.push((r.week, r.settled || r.ceasefire));
    }
    fn week(&mut self, w: &WeekView) {
        self.weeks.push((w.week, w.attention, w.ripeness));
    }
    fn leader_change(&mut self, week: u32, _side: usize) {
        self.leaders.push(week);
    }
}

fn watch(p: &Params, seed: u64, run: u64) -> Watch {
    let mut w = Watch::default();
    Sim::new(p).run(seed, run, &mut w);
    w
}

#[test]
fn one_round_a_week_is_the_engine_as_it_was() {
    let default = load_str("default.toml", base()).unwrap().params;
    assert_eq!(default.rounds_per_week, 1);
    assert_eq!(run_digest(&with("rounds_per_week = 1")), run_digest(&default));
    // And it is not a no-op: three rounds change the runs.
    assert_ne!(run_digest(&with("rounds_per_week = 3")), run_digest(&default));
}

#[test]
fn a_session_holds_several_rounds_of_one_week_and_stops_at_an_agreement() {
    let p = with("rounds_per_week = 3");
    let (mut full, mut agreed_early) = (0, 0);
    for run in 0..200 {
        let w = watch(&p, 11, run);
        let mut i = 0;
        while i < w.rounds.len() {
            let week = w.rounds[i].0;
            let n = w.rounds[i..].iter().take_while(|r| r.0 == week).count();
            let session = &w.rounds[i..i + n];
            assert!(n <= 3, "run {run}, week {week}: {n} rounds");
            // Only a session's last round can agree, and a session shorter than three agreed.
            assert!(session[..n - 1].iter().all(|r| !r.1), "run {run}, week {week}: {session:?}");
            assert!(n == 3 || session[n - 1].1, "run {run}, week {week}: {session:?}");
            full += usize::from(n == 3);
            agreed_early += usize::from(n < 3);
            i += n;
        }
    }
    assert!(full > 100, "few full sessions: {full}");
    assert!(agreed_early > 0, "no session ended early at an agreement");
}

/// With no initiative and no suspension, the attention a week ends with is its start (the
/// last week's decayed, at least this week's ripeness) × (1 − failure fatigue) once for a
/// failed session, whatever its number of rounds (weeks with a leader change, which calls
/// for talks and restores the attention, are left out).
#[test]
fn a_failed_session_frustrates_the_mediator_once() {
    let mut p = with("rounds_per_week = 4");
    p.cadence = 1;
    let m = &mut p.mediation;
    (m.initiative_per_year, m.failure_fatigue, m.threshold, m.suspension_probability) = (0.0, 0.5, 0.0, 0.0);
    let decay = 0.5f64.powf(1.0 / p.mediation.half_life_weeks);
    let mut checked = 0;
    for run in 0..100 {
        let w = watch(&p, 5, run);
        for pair in w.weeks.windows(2) {
            let ((_, before, _), (week, after, ripeness)) = (pair[0], pair[1]);
            let session: Vec<_> = w.rounds.iter().filter(|r| r.0 == week).collect();
            if session.len() != 4 || w.leaders.contains(&week) {
                continue;
            }
            let start = (before * decay).max(ripeness);
            assert!(
                (after - 0.5 * start).abs() <= 1e-12 * start.max(1e-300),
                "run {run}, week {week}: attention {before} → {after}, expected 0.5 × {start}"
            );
            checked += 1;
        }
    }
    assert!(checked > 200, "too few failed sessions checked: {checked}");
}

/// Daily rounds against one a week, the same runs: the first agreement (a ceasefire or a
/// settlement) comes sooner. Measured (seed 21, 2,000 runs, agreed within three years): one
/// round 646, two 689, three 712, seven 755; daily − weekly 0.055, paired z 6.9.
#[test]
fn more_rounds_a_week_bring_the_first_agreement_sooner() {
    let first_by = |p: &Params, run: u64, week: u32| {
        let w = watch(p, 21, run);
        f64::from(u8::from(w.rounds.iter().any(|r| r.1 && r.0 <= week)))
    };
    let (one, daily) = (with("rounds_per_week = 1"), with("rounds_per_week = 7"));
    let n = 2000;
    let a: Vec<f64> = (0..n).map(|r| first_by(&one, r, 156)).collect();
    let b: Vec<f64> = (0..n).map(|r| first_by(&daily, r, 156)).collect();
    let (d, se, z) = paired(&b, &a);
    assert!(z > K_SE, "agreed within three years: daily − weekly = {d:.4} ± {se:.4} (z {z:.1})");
}

#[test]
fn a_bad_number_of_rounds_is_a_located_error() {
    for (value, want) in [("0", "out of range"), ("8", "[1, 7]"), ("2.5", "not a whole number"), ("nan", "finite")] {
        let errors = load_errors(&text_with(&format!("rounds_per_week = {value}")));
        let d = find_diagnostic(&errors, &["rounds_per_week", want]);
        assert!(d.line.is_some(), "{value}: no line in {d:?}");
    }
}
