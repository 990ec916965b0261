//! Scheduled events: dates to weeks, the actors, sides and issues they name, the fields each
//! kind needs. Event numbers are scheduled inputs, not catalogue parameters, but they share
//! the catalogue's ranges where they set the same thing (a position, a resolve).

use super::actors::Actors;
use super::{parse_date, Checker, Ids};
use crate::calendar::CivilDate;
use crate::catalogue::{self, POSITION, PROBABILITY, UNIT};
use crate::params::Event;
use crate::scenario::{EventKind, Scenario};

/// An offensive's effectiveness multiplier when the event gives none.
const DEFAULT_OFFENSIVE: f64 = 1.3;
/// An offensive's length in weeks when the event gives none.
const DEFAULT_WEEKS: u32 = 8;
/// A sanctions level relative to the start's: 0 lifted, 1 as at the start, at most 10.
const SANCTIONS: catalogue::Range = catalogue::Range {
    low: catalogue::End::Closed(catalogue::Limit::Value(0.0)),
    high: catalogue::End::Closed(catalogue::Limit::Value(10.0)),
    phrase: "a sanctions level in [0, 10] (1 = as at the start, 0 = lifted)",
};

pub(super) fn compile(s: &Scenario, ids: &Ids<'_>, start: CivilDate, actors: &Actors, c: &mut Checker) -> Vec<Event> {
    let resolve_range = catalogue::find("actors.*.resolve").map(|p| p.range);
    let mut events = Vec::new();
    for (i, e) in s.events.iter().enumerate() {
        let p = format!("events[{i}]");
        let Some(date) = parse_date(&e.date) else {
            c.fail(format!("{p}.date"), "expected a date such as 2026-03-01");
            continue;
        };
        let days = date.to_days() - start.to_days();
        if days < 0 {
            c.fail(format!("{p}.date"), format!("{date} is before the scenario start {start}"));
            continue;
        }
        let actor = e.actor.as_ref().and_then(|a| ids.actor(c, &format!("{p}.actor"), a));
        let side = e.side.as_ref().and_then(|sd| ids.side(c, &format!("{p}.side"), sd));
        let about_aid = matches!(e.kind, EventKind::AidPackage | EventKind::AidStop | EventKind::AidLevel);
        let needs_actor =
            about_aid || matches!(e.kind, EventKind::Election | EventKind::LeadershipChange | EventKind::PatronRoles);
        if needs_actor && e.actor.is_none() {
            c.fail(format!("{p}.actor"), format!("a `{:?}` event needs an actor", e.kind).to_lowercase());
        }
        if let (true, Some(a)) = (about_aid, actor) {
            if actors.aid_to[a].is_none() {
                c.fail(format!("{p}.actor"), format!("actor `{}` gives no aid (no [actors.aid] table)", actors.ids[a]));
            }
        }
        let roles = patron_roles(e, &p, actor, actors, c);
        if e.kind == EventKind::Embargo {
            if e.side.is_none() {
                c.fail(format!("{p}.side"), "an embargo needs the side it is imposed on");
            }
            if let Some(a) = &e.amount {
                c.range(&format!("{p}.amount"), a.value, &UNIT);
            }
        }
        if e.kind == EventKind::Offensive && e.side.is_none() {
            c.fail(format!("{p}.side"), "an offensive needs a side");
        }
        if e.kind == EventKind::Sanctions && e.side.is_none() {
            c.fail(format!("{p}.side"), "a sanctions event needs the side it sanctions");
        }
        if let (EventKind::Sanctions, Some(a)) = (e.kind, &e.amount) {
            c.range(&format!("{p}.amount"), a.value, &SANCTIONS);
        }
        if matches!(
            e.kind,
            EventKind::AidPackage
                | EventKind::AidLevel
                | EventKind::Offensive
                | EventKind::Sanctions
                | EventKind::Embargo
        ) && e.amount.is_none()
        {
            c.fail(format!("{p}.amount"), "missing: this event needs an amount");
        }
        let amount = e.amount.as_ref().map_or(
            match e.kind {
                EventKind::Offensive => DEFAULT_OFFENSIVE,
                _ => 0.0,
            },
            |n| n.value,
        );
        let credibility = e.credibility.as_ref().map_or(0.0, |n| n.value);
        c.range(&format!("{p}.credibility"), credibility, &UNIT);
        let turnover = e.turnover.as_ref().map_or(0.0, |n| n.value);
        if e.turnover.is_some() {
            c.range(&format!("{p}.turnover"), turnover, &PROBABILITY);
            if e.kind != EventKind::Election {
                c.fail(format!("{p}.turnover"), "only an election has a turnover probability");
            } else if let Some(a) = actor.filter(|&a| actors.role[a] != crate::scenario::Role::Belligerent) {
                c.fail(
                    format!("{p}.turnover"),
                    format!("actor `{}` is not a belligerent: only a side's leader can be replaced", actors.ids[a]),
                );
            }
        }
        if let (Some(r), Some(range)) = (&e.resolve, &resolve_range) {
            c.range(&format!("{p}.resolve"), r.value, range);
        }
        let mut positions = Vec::new();
        for (iid, v) in &e.positions {
            if let Some(k) = ids.issue(c, &format!("{p}.positions.{iid}"), iid) {
                positions.push((k, c.range(&format!("{p}.positions.{iid}"), v.value, &POSITION)));
            }
        }
        events.push(Event {
            week: (days / 7) as u32,
            kind: e.kind,
            actor,
            side,
            amount,
            weeks: e.weeks.unwrap_or(DEFAULT_WEEKS),
            credibility,
            resolve: e.resolve.as_ref().map(|n| n.value),
            optimism: e.optimism_km2_per_week.as_ref().map(|n| n.value),
            positions,
            anticipated: e.anticipated,
            turnover,
            note: e.note.clone().unwrap_or_default(),
            roles,
        });
    }
    events.sort_by_key(|e| e.week);
    events
}

/// A `patron_roles` event's new roles as bits: only that kind has `roles`, its actor must be a
/// patron (`[actors.patron]`), and a supplier needs an aid line to its client.
fn patron_roles(e: &crate::scenario::EventSpec, p: &str, actor: Option<usize>, actors: &Actors, c: &mut Checker) -> u8 {
    let Some(roles) = &e.roles else {
        if e.kind == EventKind::PatronRoles {
            c.fail(
                format!("{p}.roles"),
                "missing: a `patron_roles` event needs the new `roles` (a list, may be empty)",
            );
        }
        return 0;
    };
    if e.kind != EventKind::PatronRoles {
        c.fail(format!("{p}.roles"), "only a `patron_roles` event has `roles`");
        return 0;
    }
    let bits = super::actors::role_bits(roles, &format!("{p}.roles"), c);
    if let Some(a) = actor {
        match actors.patron_side[a] {
            None => c.fail(
                format!("{p}.actor"),
                format!("actor `{}` is not a patron (no [actors.patron] table)", actors.ids[a]),
            ),
            Some(side) => {
                if bits & crate::scenario::PatronRole::Supplier.bit() != 0 && actors.aid_to[a] != Some(side) {
                    c.fail(
                        format!("{p}.roles"),
                        format!("actor `{}` cannot supply: it has no aid line to its client side", actors.ids[a]),
                    );
                }
            }
        }
    }
    bits
}
