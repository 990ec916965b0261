//! `[[domains]]`: theatres beside the front (sea or air control; `sim/domains.rs`). The
//! structure is checked here — a non-empty unique id, a holder that is a side, strikes only
//! from the air, at most [`MAX_DOMAINS`] — and each domain compiled with its numbers at 0;
//! its numbers are catalogue parameters (`domains.<id>.…`), range-checked and written by
//! `values`.

use super::{check_id, Checker, Ids};
use crate::params::{Domain, MAX_DOMAINS};
use crate::scenario::{DomainKind, Scenario};

pub(super) fn compile(s: &Scenario, ids: &Ids<'_>, c: &mut Checker) -> Vec<Domain> {
    if s.domains.len() > MAX_DOMAINS {
        c.fail("domains", format!("{} domains; at most {MAX_DOMAINS}", s.domains.len()));
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::with_capacity(s.domains.len());
    for (i, d) in s.domains.iter().enumerate() {
        let p = format!("domains[{i}]");
        check_id(c, &seen, "domain", format!("{p}.id"), format!("{p}.id"), &d.id);
        seen.push(&d.id);
        let holder = ids.side(c, &format!("{p}.held_by"), &d.held_by).unwrap_or(0);
        if d.kind != DomainKind::Air && d.strike.value != 0.0 {
            c.fail(
                format!("{p}.strike"),
                format!("a {} domain cannot strike; strikes come from the air (kind = \"air\")", kind_name(d.kind)),
            );
        }
        out.push(Domain {
            id: d.id.clone(),
            kind: d.kind,
            holder,
            reinforcement_cut: 0.0,
            aid_cut: 0.0,
            revenue_cut: 0.0,
            strike: 0.0,
            loss_per_year: 0.0,
            regain_per_year: 0.0,
        });
    }
    out
}

fn kind_name(k: DomainKind) -> &'static str {
    match k {
        DomainKind::Sea => "sea",
        DomainKind::Air => "air",
    }
}
