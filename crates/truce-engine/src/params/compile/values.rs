//! Every catalogue parameter: range-checked against its row and written into `Params`
//! through its row, so that checks and compilation cannot drift apart.

use super::Checker;
use crate::catalogue::{self, Source};
use crate::params::Params;
use crate::scenario::Scenario;

pub(super) fn compile(s: &Scenario, params: &mut Params, c: &mut Checker) {
    let frame = s.frame();
    for (r, path) in catalogue::instances(s) {
        let (p, ix) = (r.param(), r.ix());
        // More than two sides is an error already; only two are compiled.
        if ix.side >= 2 {
            continue;
        }
        let Some(reading) = p.read(s, ix) else { continue };
        let v = reading.value;
        if !p.range.contains(v, &frame) {
            c.fail(path, format!("{v} is out of range; expected {}", p.range.expected(&frame)));
        } else if p.whole && v.fract() != 0.0 {
            // As an edit refuses it (`edit.rs`): a whole quantity (weeks, rounds, a switch).
            c.fail(path, format!("{v} is not a whole number; expected {}", p.range.expected(&frame)));
        }
        if let Some(store) = p.store(params, ix) {
            store.write(v);
        }
    }
}
