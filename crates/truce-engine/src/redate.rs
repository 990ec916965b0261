//! Re-dating a scenario to another origin, true to what existed on that day.
//!
//! A hindcast starts a scenario written for one day (the default: 3 December 2025) at
//! earlier origins. Parts of it did not exist then: talks that began later, a mediator, a
//! supporter or an aid line that came later, events nobody had announced. The scenario says
//! since when each exists with optional dates (`docs/scenario.md`, "Dates of existence"):
//!
//! - `[protocol] since`: talks exist from this date. Before it there are no talk rounds: the
//!   re-dated protocol's cadence is [`TALKS_OFF`] weeks (the longest horizon) and
//!   `talks` events are dropped; nothing but collapse or low activity can end the war.
//! - `[[actors]] since`: the actor takes part from this date. Before it a supporter or
//!   bystander is removed, with its aid line, its events and its `[uncertainty]` entries; a
//!   mediator or veto player keeps its entry (the protocol names it) but loses its aid line,
//!   and the talks are off, since they do not exist without it. Belligerents cannot be dated.
//! - `aid.since`: the aid line exists from this date; before it the actor gives no aid.
//! - `[[events]] announced`: when the event became known (absent: the scenario's start).
//!   Only events announced by the origin and dated on or after it are kept.
//!
//! [`redate`] applies these rules and sets the start; nothing else changes (every value is
//! still the scenario's own: re-dating removes what did not exist, it does not add what
//! existed then and is not in the scenario). The rules know nothing about any particular
//! war. Pure: no I/O, no clock.

use crate::calendar::CivilDate;
use crate::scenario::{Date, EventKind, Role, Scenario};

/// The cadence (weeks) that switches talks off: the longest cadence a scenario may have,
/// equal to the longest horizon, so the only round it could hold is in the last week of a
/// 5200-week (century) run. A hindcast runs a few months at most.
pub const TALKS_OFF: u32 = crate::params::MAX_HORIZON_WEEKS;

/// A scenario re-dated to an origin, with what was changed, for reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Redated {
    /// The scenario as it stood on the origin.
    pub scenario: Scenario,
    /// What was switched off or dropped, one line each.
    pub changes: Vec<String>,
}

/// A TOML date as a civil date (None if it is not a plain, valid date).
pub fn civil(d: &Date) -> Option<CivilDate> {
    let date = d.date?;
    if d.time.is_some() || d.offset.is_some() {
        return None;
    }
    let c = CivilDate { year: date.year as i32, month: date.month as u32, day: date.day as u32 };
    c.is_valid().then_some(c)
}

/// A civil date as a TOML date.
pub fn toml_date(c: CivilDate) -> Date {
    Date {
        date: Some(toml::value::Date { year: c.year as u16, month: c.month as u8, day: c.day as u8 }),
        time: None,
        offset: None,
    }
}

/// Problems with a scenario's dates of existence, as (field path, message): a date that is
/// not a plain date, a `since` after the scenario's start (the scenario describes its start:
/// what it contains exists then), an `announced` after its event or after the start, a dated
/// belligerent.
pub fn check_dates(s: &Scenario) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(start) = civil(&s.scenario.start) else { return out };
    let check = |out: &mut Vec<(String, String)>, path: String, d: &Option<Date>, what: &str| {
        if let Some(d) = d {
            match civil(d) {
                None => out.push((path, "expected a date such as 2025-02-12".into())),
                Some(c) if c > start => out.push((path, format!("{c} is after the scenario's start {start}; {what}"))),
                Some(_) => {}
            }
        }
    };
    if let Some(w) = &s.scenario.war_began {
        let began = Some(w.date);
        check(
            &mut out,
            "scenario.war_began.date".into(),
            &began,
            "the war a scenario describes has begun by its start",
        );
        if let Some(c) = civil(&w.date) {
            if start.to_days() - c.to_days() > 7 * i64::from(crate::params::MAX_HORIZON_WEEKS) {
                out.push((
                    "scenario.war_began.date".into(),
                    format!(
                        "{c} is more than {} weeks (a century) before the scenario's start {start}",
                        crate::params::MAX_HORIZON_WEEKS
                    ),
                ));
            }
        }
        if w.source.trim().is_empty() {
            out.push(("scenario.war_began.source".into(), "say where the date comes from".into()));
        }
    }
    check(&mut out, "protocol.since".into(), &s.protocol.since, "the talks a scenario describes exist at its start");
    for a in &s.actors {
        check(&mut out, format!("actors.{}.since", a.id), &a.since, "every actor of a scenario exists at its start");
        if let Some(aid) = &a.aid {
            check(
                &mut out,
                format!("actors.{}.aid.since", a.id),
                &aid.since,
                "every aid line of a scenario exists at its start",
            );
        }
    }
    for (i, e) in s.events.iter().enumerate() {
        check(&mut out, format!("events[{i}].announced"), &e.announced, "a scenario's events are known at its start");
        if let (Some(a), Some(d)) = (e.announced.as_ref().and_then(civil), civil(&e.date)) {
            if a > d {
                out.push((format!("events[{i}].announced"), format!("{a} is after the event's date {d}")));
            }
        }
    }
    for a in s.actors.iter().filter(|a| a.role == Role::Belligerent && a.since.is_some()) {
        out.push((
            format!("actors.{}.since", a.id),
            "a belligerent cannot be dated: the war has it from the start".into(),
        ));
    }
    out
}

/// Re-dates `s` to `origin` (see the module docs). Errors if the scenario's own dates are
/// malformed ([`check_dates`]).
pub fn redate(s: &Scenario, origin: CivilDate) -> Result<Redated, String> {
    if let Some((path, msg)) = check_dates(s).into_iter().next() {
        return Err(format!("`{path}`: {msg}"));
    }
    let start = civil(&s.scenario.start).ok_or("`scenario.start`: expected a date such as 2025-12-03")?;
    let exists = |d: &Option<Date>| d.as_ref().and_then(civil).is_none_or(|d| d <= origin);
    let mut r = s.clone();
    let mut changes = Vec::new();
    r.scenario.start = toml_date(origin);
    let mut talks = exists(&s.protocol.since);
    if !talks {
        changes.push(format!(
            "talks switched off (they exist since {})",
            s.protocol.since.as_ref().and_then(civil).expect("checked")
        ));
    }
    let mut removed: Vec<String> = Vec::new();
    let mut no_aid: Vec<String> = Vec::new();
    for a in &mut r.actors {
        if exists(&a.since) {
            if let Some(aid) = &a.aid {
                if !exists(&aid.since) {
                    changes.push(format!(
                        "aid line of `{}` exists since {}: removed",
                        a.id,
                        aid.since.as_ref().and_then(civil).expect("checked")
                    ));
                    a.aid = None;
                    no_aid.push(a.id.clone());
                }
            }
            continue;
        }
        let since = a.since.as_ref().and_then(civil).expect("checked");
        let in_protocol = s.protocol.mediator == a.id || s.protocol.veto.contains(&a.id);
        if in_protocol {
            if talks {
                changes.push(format!("`{}` takes part since {since} and the talks need it: talks switched off", a.id));
            }
            talks = false;
            if a.aid.take().is_some() {
                changes.push(format!("`{}` takes part since {since}: its aid line removed", a.id));
                no_aid.push(a.id.clone());
            }
        } else {
            changes.push(format!("`{}` takes part since {since}: removed", a.id));
            removed.push(a.id.clone());
        }
    }
    r.actors.retain(|a| !removed.contains(&a.id));
    // A patron whose aid line is gone supplies nothing: the supplier role goes with the line
    // (at the start and in its scheduled role changes).
    let supplier = crate::scenario::PatronRole::Supplier;
    for a in r.actors.iter_mut().filter(|a| no_aid.contains(&a.id)) {
        if let Some(pt) = a.patron.as_mut().filter(|pt| pt.roles.contains(&supplier)) {
            pt.roles.retain(|&x| x != supplier);
            changes.push(format!("`{}` has no aid line: no longer a supplier", a.id));
        }
    }
    for e in r.events.iter_mut().filter(|e| e.actor.as_ref().is_some_and(|a| no_aid.contains(a))) {
        if let Some(roles) = e.roles.as_mut() {
            roles.retain(|&x| x != supplier);
        }
    }
    if !talks {
        r.protocol.cadence_weeks = TALKS_OFF;
    }
    // What remains exists at the origin: no date of existence may lie after it.
    let later = |d: &mut Option<Date>| {
        if d.as_ref().and_then(civil).is_some_and(|d| d > origin) {
            *d = None;
        }
    };
    later(&mut r.protocol.since);
    // A war that began after the origin had not begun then: the re-dated scenario starts it.
    if r.scenario.war_began.as_ref().and_then(|w| civil(&w.date)).is_some_and(|d| d > origin) {
        r.scenario.war_began = None;
        changes.push("the war began after the origin: `war_began` removed (age 0)".into());
    }
    for a in &mut r.actors {
        later(&mut a.since);
        if let Some(aid) = &mut a.aid {
            later(&mut aid.since);
        }
    }
    let dropped_path = |path: &str| {
        let mut parts = path.split('.');
        parts.next() == Some("actors")
            && parts.next().is_some_and(|id| {
                removed.iter().any(|r| r == id) || (no_aid.iter().any(|r| r == id) && parts.next() == Some("aid"))
            })
    };
    if let Some(w) = r.weighted_sample.as_mut() {
        let gone: Vec<String> = w.paths.iter().filter(|p| dropped_path(p)).cloned().collect();
        for p in &gone {
            w.remove_path(p);
        }
        if !gone.is_empty() {
            changes.push(format!("{} [weighted_sample] columns of removed actors or aid lines dropped", gone.len()));
        }
        if w.paths.is_empty() {
            r.weighted_sample = None;
        }
    }
    let before = r.uncertainty.len();
    r.uncertainty.retain(|path, _| !dropped_path(path));
    r.correlations.retain(|c| !dropped_path(&c.a) && !dropped_path(&c.b));
    if r.uncertainty.len() < before {
        changes.push(format!(
            "{} [uncertainty] entries of removed actors or aid lines dropped",
            before - r.uncertainty.len()
        ));
    }
    let (mut past, mut unannounced, mut orphaned) = (Vec::new(), Vec::new(), Vec::new());
    r.events.retain(|e| {
        let date = civil(&e.date).expect("the scenario validated");
        let announced = e.announced.as_ref().and_then(civil).unwrap_or(start);
        let what = format!("{date} {}", format!("{:?}", e.kind).to_lowercase());
        if date < origin {
            past.push(what);
        } else if announced > origin {
            unannounced.push(what);
        } else if (e.kind == EventKind::Talks && !talks)
            || e.actor.as_ref().is_some_and(|a| removed.contains(a))
            || (matches!(e.kind, EventKind::AidPackage | EventKind::AidStop | EventKind::AidLevel)
                && e.actor.as_ref().is_some_and(|a| no_aid.contains(a)))
        {
            orphaned.push(what);
        } else {
            return true;
        }
        false
    });
    for (list, why) in [
        (past, "dated before the origin"),
        (unannounced, "not announced by the origin"),
        (orphaned, "about talks, an actor or an aid line that did not exist"),
    ] {
        if !list.is_empty() {
            changes.push(format!("events dropped, {why}: {}", list.join(", ")));
        }
    }
    Ok(Redated { scenario: r, changes })
}

/// Sets the `[uncertainty]` entry of `path` to a truncated normal `[mean, sd, low, high]`
/// with a source note (a hindcast's estimate of a parameter from observations).
pub fn set_truncated_normal(s: &mut Scenario, path: &str, [mean, sd, low, high]: [f64; 4], source: &str) {
    let mut t = toml::map::Map::new();
    t.insert("dist".into(), "truncated_normal".into());
    t.insert("mean".into(), mean.into());
    t.insert("sd".into(), sd.into());
    t.insert("low".into(), low.into());
    t.insert("high".into(), high.into());
    t.insert("source".into(), source.into());
    s.uncertainty.insert(path.into(), toml::Value::Table(t));
}
