//! Re-dating a scenario to an earlier origin: what did not exist is switched off or dropped,
//! by the scenario's own dates, and the result loads.

use truce_engine::builtin;
use truce_engine::calendar::CivilDate;
use truce_engine::load::{load_str, to_toml};
use truce_engine::redate::{check_dates, redate, TALKS_OFF};
use truce_engine::scenario::Scenario;

fn d(y: i32, m: u32, day: u32) -> CivilDate {
    CivilDate { year: y, month: m, day }
}

fn ukraine() -> Scenario {
    load_str("u", builtin::builtin("ukraine-2025-12").unwrap()).unwrap().scenario
}

/// Loads a scenario after re-dating (it must validate as `truce check` does).
fn reload(s: &Scenario) -> truce_engine::load::Loaded {
    load_str("redated", &to_toml(s).unwrap()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn talks_before_they_existed_are_switched_off() {
    let r = redate(&ukraine(), d(2024, 6, 1)).unwrap();
    assert_eq!(r.scenario.protocol.cadence_weeks, TALKS_OFF);
    assert!(r.changes[0].contains("talks switched off (they exist since 2025-02-12)"), "{:?}", r.changes);
    let l = reload(&r.scenario);
    assert_eq!(l.params.start, d(2024, 6, 1));
    // No talk round before the last week of the longest horizon.
    assert_eq!(l.params.cadence, truce_engine::params::MAX_HORIZON_WEEKS);
    assert!(r.scenario.protocol.since.is_none(), "the re-dated talks do not exist, so they carry no date");
}

#[test]
fn talks_that_existed_stay() {
    let r = redate(&ukraine(), d(2025, 6, 1)).unwrap();
    assert_eq!(r.scenario.protocol.cadence_weeks, 2);
    assert!(!r.changes.iter().any(|c| c.contains("talks")), "{:?}", r.changes);
    reload(&r.scenario);
}

#[test]
fn events_not_announced_by_the_origin_are_dropped() {
    let r = redate(&ukraine(), d(2025, 6, 1)).unwrap();
    // Both elections were written into the scenario on its start (no `announced`).
    assert!(r.scenario.events.is_empty());
    assert!(
        r.changes.iter().any(|c| c.contains("not announced by the origin: 2026-09-18 election")),
        "{:?}",
        r.changes
    );
    let mut s = ukraine();
    s.events[0].announced = Some(truce_engine::redate::toml_date(d(2021, 1, 1)));
    let r = redate(&s, d(2025, 6, 1)).unwrap();
    assert_eq!(r.scenario.events.len(), 1);
    reload(&r.scenario);
}

#[test]
fn re_dating_to_its_own_start_changes_nothing() {
    let s = ukraine();
    let r = redate(&s, d(2025, 12, 3)).unwrap();
    assert_eq!(r.scenario, s);
    assert!(r.changes.is_empty());
}

fn dated(text_edit: impl Fn(&mut Scenario)) -> Scenario {
    let mut s = ukraine();
    text_edit(&mut s);
    s
}

#[test]
fn actors_and_aid_lines_that_came_later() {
    // A supporter that came later is removed with its uncertainty and events.
    let s = dated(|s| {
        let a = s.actors.iter_mut().find(|a| a.id == "europe_east").unwrap();
        a.since = Some(truce_engine::redate::toml_date(d(2025, 3, 1)));
    });
    let r = redate(&s, d(2025, 1, 1)).unwrap();
    assert!(!r.scenario.actors.iter().any(|a| a.id == "europe_east"));
    assert!(r.changes.iter().any(|c| c.contains("`europe_east` takes part since 2025-03-01: removed")));
    reload(&r.scenario);
    // The mediator that came later: the talks are off and its aid line goes.
    let s = dated(|s| {
        let a = s.actors.iter_mut().find(|a| a.id == "us").unwrap();
        a.since = Some(truce_engine::redate::toml_date(d(2025, 3, 1)));
    });
    let r = redate(&s, d(2025, 1, 1)).unwrap();
    let us = r.scenario.actors.iter().find(|a| a.id == "us").unwrap();
    assert!(us.aid.is_none());
    assert_eq!(r.scenario.protocol.cadence_weeks, TALKS_OFF);
    assert!(!r.scenario.uncertainty.contains_key("actors.us.aid.stop_hazard_per_year"));
    reload(&r.scenario);
    // An aid line that came later.
    let s = dated(|s| {
        let a = s.actors.iter_mut().find(|a| a.id == "us").unwrap();
        a.aid.as_mut().unwrap().since = Some(truce_engine::redate::toml_date(d(2025, 7, 14)));
    });
    let r = redate(&s, d(2025, 3, 1)).unwrap();
    assert!(r.scenario.actors.iter().find(|a| a.id == "us").unwrap().aid.is_none());
    assert_eq!(r.scenario.protocol.cadence_weeks, 2);
    assert!(r.changes.iter().any(|c| c.contains("aid line of `us` exists since 2025-07-14: removed")));
    reload(&r.scenario);
    let r = redate(&s, d(2025, 8, 1)).unwrap();
    assert!(r.scenario.actors.iter().find(|a| a.id == "us").unwrap().aid.is_some());
}

#[test]
fn bad_dates_are_refused() {
    let later = truce_engine::redate::toml_date(d(2026, 1, 1));
    let s = dated(|s| s.protocol.since = Some(later));
    let p = check_dates(&s);
    assert_eq!(p[0].0, "protocol.since");
    assert!(p[0].1.contains("2026-01-01 is after the scenario's start 2025-12-03"), "{p:?}");
    assert!(redate(&s, d(2025, 1, 1)).is_err());
    let s = dated(|s| s.actors[0].since = Some(truce_engine::redate::toml_date(d(2024, 1, 1))));
    assert!(check_dates(&s).iter().any(|(_, m)| m.contains("a belligerent cannot be dated")));
    let s = dated(|s| s.events[0].announced = Some(truce_engine::redate::toml_date(d(2025, 12, 1))));
    assert!(check_dates(&s).is_empty());
    assert!(check_dates(&ukraine()).is_empty());
}

#[test]
fn truce_check_refuses_a_since_after_the_start() {
    let text = builtin::builtin("ukraine-2025-12").unwrap().replace("since = 2025-02-12", "since = 2026-02-12");
    let e = load_str("late.toml", &text).unwrap_err().to_string();
    assert!(e.contains("`protocol.since`: 2026-02-12 is after the scenario's start 2025-12-03"), "{e}");
    assert!(e.starts_with("late.toml:"), "{e}");
}

/// The war's start is kept by a later origin (the war is older there) and dropped by an
/// origin before it (the war had not begun: age 0).
#[test]
fn war_began_is_kept_or_dropped_by_the_origin() {
    let u = ukraine();
    let began = u.scenario.war_began.clone().expect("ukraine-2025-12 says when its war began");
    let r = redate(&u, d(2023, 6, 1)).unwrap();
    assert_eq!(r.scenario.scenario.war_began, Some(began));
    assert!(!r.changes.iter().any(|c| c.contains("war_began")), "{:?}", r.changes);
    reload(&r.scenario);
    let r = redate(&u, d(2021, 6, 1)).unwrap();
    assert_eq!(r.scenario.scenario.war_began, None);
    assert!(r.changes.iter().any(|c| c.contains("`war_began` removed")), "{:?}", r.changes);
    reload(&r.scenario);
}
