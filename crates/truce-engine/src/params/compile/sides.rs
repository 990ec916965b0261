//! Sides: exactly two, each led by its first belligerent actor (any further belligerent is a
//! coalition partner with `[actors.coalition]`); `[beliefs.<side>]` and
//! `[politics.<side>]` tables name sides. (Their numbers are catalogue rows.)

use super::actors::Actors;
use super::{check_id, Checker, Ids};
use crate::params::SideParams;
use crate::scenario::{Role, Scenario};

/// Checks the side ids and that there are two.
pub(super) fn check_ids(s: &Scenario, c: &mut Checker) {
    if s.sides.len() != 2 {
        c.fail("sides", format!("{} side(s) given; expected exactly 2 belligerent sides", s.sides.len()));
    }
    let mut seen: Vec<&str> = Vec::new();
    for (i, sd) in s.sides.iter().enumerate() {
        check_id(c, &seen, "side", format!("sides[{i}].id"), format!("sides.{}.id", sd.id), &sd.id);
        seen.push(&sd.id);
    }
}

/// A side before its numbers are filled in.
fn blank(id: String, name: String, belligerent: usize) -> SideParams {
    SideParams {
        id,
        name,
        forces: 1.0,
        recruitment: 0.0,
        return_to_duty: 0.0,
        effectiveness: 1.0,
        economy: 1.0,
        recovery: 0.0,
        strike: 0.0,
        casualties_per_week: 1.0,
        war_cost_per_year: 0.0,
        aid_dependence: 0.0,
        dispersal: 0.0,
        collapse_forces_fraction: 0.0,
        collapse_economy: 0.0,
        edge_rate: 0.0,
        edge_size: 0.0,
        mobilisation_rate: 0.0,
        mobilisation_size: 0.0,
        mobilisation_weeks: 1.0,
        economy_potential: 1.0,
        economy_aid_dependence: 0.0,
        sanctions_drag: 0.0,
        oil_rate: 0.0,
        oil_size: 0.0,
        oil_weeks: 1.0,
        economy_dependence: 0.0,
        economy_cost_elasticity: 0.0,
        belligerent,
        optimism: 0.0,
        confidence_weeks: 1.0,
        memory_weeks: 1.0,
    }
}

/// The two sides' structure, each with its belligerent actor.
pub(super) fn compile(s: &Scenario, ids: &Ids<'_>, actors: &Actors, c: &mut Checker) -> [SideParams; 2] {
    let mut out = Vec::with_capacity(2);
    for (i, sd) in s.sides.iter().enumerate().take(2) {
        let bell: Vec<usize> =
            (0..actors.n).filter(|&a| actors.role[a] == Role::Belligerent && actors.side_of[a] == Some(i)).collect();
        if bell.is_empty() {
            c.fail(
                format!("sides.{}", sd.id),
                format!("no belligerent actor on side `{}`; expected at least one", sd.id),
            );
        }
        // The first belligerent listed leads the side; every other one is a coalition
        // partner and says what share of the pooled forces is its own.
        for (j, &a) in bell.iter().enumerate() {
            let has = s.actors[a].coalition.is_some();
            if j == 0 && has {
                c.fail(
                    format!("actors.{}.coalition", actors.ids[a]),
                    format!(
                        "`{}` leads side `{}` (its first belligerent): only its partners have [actors.coalition]",
                        actors.ids[a], sd.id
                    ),
                );
            } else if j > 0 && !has {
                c.fail(
                    format!("actors.{}", actors.ids[a]),
                    format!(
                        "a second belligerent on side `{}` is a coalition partner of `{}`: give it [actors.coalition] (its share of the side's forces)",
                        sd.id, actors.ids[bell[0]]
                    ),
                );
            }
        }
        let name = if sd.name.is_empty() { sd.id.clone() } else { sd.name.clone() };
        out.push(blank(sd.id.clone(), name, bell.first().copied().unwrap_or(0)));
    }
    for key in s.beliefs.keys() {
        ids.side(c, &format!("beliefs.{key}"), key);
    }
    for key in s.politics.keys() {
        ids.side(c, &format!("politics.{key}"), key);
    }
    // Placeholders when sides are missing (already an error).
    while out.len() < 2 {
        out.push(out.first().cloned().unwrap_or_else(|| blank(String::new(), String::new(), 0)));
    }
    let second = out.pop().expect("two sides");
    let first = out.pop().expect("two sides");
    [first, second]
}
