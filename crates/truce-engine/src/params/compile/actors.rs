//! Actors and who decides: ids, roles, sides, the issues their positions, saliences and red
//! lines name, who gives aid to whom; the protocol's mediator and veto players. (Their
//! numbers are catalogue rows.)

use super::{check_id, Checker, Ids};
use crate::scenario::{Role, Scenario};

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
}

pub(super) fn compile(s: &Scenario, ids: &Ids<'_>, c: &mut Checker) -> Actors {
    let n = s.actors.len();
    let mut seen: Vec<&str> = Vec::new();
    let mut side_of = Vec::with_capacity(n);
    let mut follows_line = vec![false; n];
    let mut aid_to = Vec::with_capacity(n);
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
    Protocol { mediator, veto }
}
