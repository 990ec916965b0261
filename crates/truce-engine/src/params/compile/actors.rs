//! Actors and who decides: ids, roles, sides, the issues their positions, saliences and red
//! lines name, who gives aid to whom; the protocol's mediator and veto players. (Their
//! numbers are catalogue rows.)

use super::{check_id, Checker, Ids};
use crate::params::PatronParams;
use crate::scenario::{PatronRole, Role, Scenario};

/// The actors' structure.
pub(super) struct Actors {
    pub n: usize,
    pub ids: Vec<String>,
    pub names: Vec<String>,
    pub role: Vec<Role>,
    pub side_of: Vec<Option<usize>>,
    pub amends: Vec<bool>,
    /// The actor's territorial red line is the current line of control.
    pub follows_line: Vec<bool>,
    /// The side an actor's aid goes to, if it gives aid.
    pub aid_to: Vec<Option<usize>>,
    /// Must accept a deal (`veto = true`; the protocol may add more).
    pub veto: Vec<bool>,
    /// The client side of a patron (`[actors.patron]`).
    pub patron_side: Vec<Option<usize>>,
    /// Patrons and coalition partners, their structure (numbers are written by the
    /// catalogue rows afterwards).
    pub patron: Vec<Option<PatronParams>>,
}

/// A list of roles as bits; a role named twice is an error at `path`.
pub(super) fn role_bits(roles: &[PatronRole], path: &str, c: &mut Checker) -> u8 {
    let mut bits = 0u8;
    for (i, r) in roles.iter().enumerate() {
        if bits & r.bit() != 0 {
            c.fail(format!("{path}[{i}]"), format!("role `{}` named twice", r.name()));
        }
        bits |= r.bit();
    }
    bits
}

/// A patron's or a partner's structure: the client side, the roles at the start, whether it
/// is a partner (the side's own belligerent). Numbers are zero until the catalogue writes them.
fn patron_of(
    s: &Scenario,
    a: usize,
    ids: &Ids<'_>,
    side_of: Option<usize>,
    aid_to: Option<usize>,
    c: &mut Checker,
) -> (Option<usize>, Option<PatronParams>) {
    let ac = &s.actors[a];
    let p = format!("actors.{}", ac.id);
    let blank = |side: usize, roles: u8, partner: bool| PatronParams {
        side,
        roles,
        partner,
        ally_share: 0.0,
        arms_cost: 0.0,
        pull: 0.0,
        leverage: 0.0,
        aid_leverage: 0.0,
        guarantee: 0.0,
        cutoff_per_year: 0.0,
        exit_per_year: 0.0,
        loss_weight: 0.0,
        mediate_per_year: 0.0,
        leave_seat_per_year: 0.0,
        dependence: 0.0,
        lead_leverage: 0.0,
    };
    if ac.coalition.is_some() && ac.role != Role::Belligerent {
        c.fail(
            format!("{p}.coalition"),
            "only a belligerent can be a coalition partner (a third party is a [actors.patron])",
        );
    }
    if let Some(pt) = &ac.patron {
        if ac.role == Role::Belligerent {
            c.fail(
                format!("{p}.patron"),
                "a belligerent cannot be a patron: a second belligerent on a side is a coalition partner ([actors.coalition])",
            );
            return (None, None);
        }
        let side = ids.side(c, &format!("{p}.patron.side"), &pt.side);
        let roles = role_bits(&pt.roles, &format!("{p}.patron.roles"), c);
        if let Some(sd) = side {
            if roles & PatronRole::Supplier.bit() != 0 && aid_to != Some(sd) {
                c.fail(
                    format!("{p}.patron.roles"),
                    "a supplier needs an aid line to its client side ([actors.aid] with `to` = the patron's side)",
                );
            }
        }
        return (side, side.map(|sd| blank(sd, roles, false)));
    }
    match (&ac.coalition, ac.role, side_of) {
        (Some(_), Role::Belligerent, Some(sd)) => (None, Some(blank(sd, PatronRole::Ally.bit(), true))),
        _ => (None, None),
    }
}

pub(super) fn compile(s: &Scenario, ids: &Ids<'_>, c: &mut Checker) -> Actors {
    let n = s.actors.len();
    let mut seen: Vec<&str> = Vec::new();
    let mut side_of = Vec::with_capacity(n);
    let mut follows_line = vec![false; n];
    let mut aid_to = Vec::with_capacity(n);
    let mut patron_side = Vec::with_capacity(n);
    let mut patron = Vec::with_capacity(n);
    for (a, ac) in s.actors.iter().enumerate() {
        let p = format!("actors.{}", ac.id);
        check_id(c, &seen, "actor", format!("actors[{a}].id"), format!("{p}.id"), &ac.id);
        seen.push(&ac.id);
        side_of.push(match &ac.side {
            Some(sid) => ids.side(c, &format!("{p}.side"), sid),
            None => {
                if matches!(ac.role, Role::Belligerent | Role::Supporter) {
                    c.fail(format!("{p}.side"), "belligerents and supporters need a side");
                }
                None
            }
        });
        for iid in ac.positions.keys() {
            ids.issue(c, &format!("{p}.positions.{iid}"), iid);
        }
        for is in &s.issues {
            if !ac.positions.contains_key(&is.id) {
                c.fail(format!("{p}.positions"), format!("missing the position on issue `{}`", is.id));
            }
        }
        for iid in ac.saliences.keys() {
            ids.issue(c, &format!("{p}.saliences.{iid}"), iid);
        }
        for (iid, rl) in &ac.red_lines {
            let Some(k) = ids.issue(c, &format!("{p}.red_lines.{iid}"), iid) else {
                continue;
            };
            if rl.follows_line {
                if !s.issues[k].territorial {
                    c.fail(
                        format!("{p}.red_lines.{iid}.follows_line"),
                        "only the territorial issue's red line can follow the line of control",
                    );
                }
                follows_line[a] = true;
            } else if rl.at.is_none() {
                c.fail(
                    format!("{p}.red_lines.{iid}"),
                    "missing `at` (or set follows_line = true on the territorial issue)",
                );
            }
        }
        aid_to.push(ac.aid.as_ref().map(|ad| {
            if ac.role != Role::Supporter && ac.role != Role::Mediator {
                c.fail(format!("{p}.aid"), "only supporters and mediators give aid");
            }
            ids.side(c, &format!("{p}.aid.to"), &ad.to).unwrap_or(0)
        }));
        let (ps, pp) = patron_of(s, a, ids, side_of[a], aid_to[a], c);
        patron_side.push(ps);
        patron.push(pp);
    }
    Actors {
        n,
        ids: s.actors.iter().map(|a| a.id.clone()).collect(),
        names: s.actors.iter().map(|a| if a.name.is_empty() { a.id.clone() } else { a.name.clone() }).collect(),
        role: s.actors.iter().map(|a| a.role).collect(),
        side_of,
        amends: s.actors.iter().map(|a| a.amends).collect(),
        follows_line,
        aid_to,
        veto: s.actors.iter().map(|a| a.veto).collect(),
        patron_side,
        patron,
    }
}

/// The protocol's players.
pub(super) struct Protocol {
    pub mediator: usize,
    /// Who must accept a deal.
    pub veto: Vec<bool>,
}

/// The mediator and the veto players (default: the belligerents).
pub(super) fn protocol(s: &Scenario, ids: &Ids<'_>, actors: &Actors, c: &mut Checker) -> Protocol {
    let pr = &s.protocol;
    let mediator = ids.actor(c, "protocol.mediator", &pr.mediator).unwrap_or(0);
    let mut veto = actors.veto.clone();
    for (i, v) in pr.veto.iter().enumerate() {
        if let Some(a) = ids.actor(c, &format!("protocol.veto[{i}]"), v) {
            veto[a] = true;
        }
    }
    if pr.veto.is_empty() {
        for a in 0..actors.n {
            if actors.role[a] == Role::Belligerent {
                veto[a] = true;
            }
        }
    }
    // Every belligerent still in the war must agree to a settlement: a coalition partner
    // always has a veto (`docs/reference/patrons.md`).
    for (a, pt) in actors.patron.iter().enumerate() {
        if pt.as_ref().is_some_and(|pt| pt.partner) {
            veto[a] = true;
        }
    }
    Protocol { mediator, veto }
}
