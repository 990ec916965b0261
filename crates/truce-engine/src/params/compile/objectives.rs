//! `[[objectives]]`: decisive places on the front. Their numbers are scheduled inputs of the
//! scenario's map (like events), not catalogue parameters: each is checked here — a
//! non-empty unique id, a position inside the territorial map, values per side id in [0, 1]
//! — and at most [`MAX_OBJECTIVES`] of them.

use super::{check_id, Checker, Ids};
use crate::catalogue::UNIT;
use crate::objectives::MAX_OBJECTIVES;
use crate::params::Objective;
use crate::scenario::Scenario;

pub(super) fn compile(s: &Scenario, ids: &Ids<'_>, knots: &[(f64, f64)], c: &mut Checker) -> Vec<Objective> {
    if s.objectives.is_empty() {
        return Vec::new();
    }
    if s.objectives.len() > MAX_OBJECTIVES {
        c.fail("objectives", format!("{} objectives; at most {MAX_OBJECTIVES}", s.objectives.len()));
    }
    let map = match (knots.first(), knots.last()) {
        (Some(a), Some(b)) => Some((a.1, b.1)),
        _ => {
            c.fail("objectives", "objectives need a territorial issue: they lie on its line (km²)");
            None
        }
    };
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::with_capacity(s.objectives.len());
    for (i, o) in s.objectives.iter().enumerate() {
        let p = format!("objectives[{i}]");
        check_id(c, &seen, "objective", format!("{p}.id"), format!("{p}.id"), &o.id);
        seen.push(&o.id);
        let km2 = o.km2.value;
        if let Some((lo, hi)) = map {
            if !(km2 > lo && km2 <= hi) {
                c.fail(
                    format!("{p}.km2"),
                    format!("{km2} lies outside the territorial map; expected a line in ({lo}, {hi}] km²"),
                );
            }
        }
        let mut value = [0.0; 2];
        for (side, v) in &o.values {
            let path = format!("{p}.values.{side}");
            if let Some(sd) = ids.side(c, &path, side) {
                value[sd] = c.range(&path, v.value, &UNIT);
            }
        }
        out.push(Objective { id: o.id.clone(), name: o.name.clone(), km2, value });
    }
    out
}
