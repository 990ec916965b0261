//! The weighted median ("median voter", Black 1948), weights c_i · s_i.
//!
//! Actors are sorted by position; actors at the same position pool their weights; the
//! cumulative weight C_k is accumulated over distinct positions in ascending order.
//!
//! **Tie rule (project-wide): the lower weighted median**, the first position with
//! C_k ≥ W/2. The upper median (first C_k > W/2) and the midpoint are available as
//! [`TieRule`]s. They differ only when some C_k equals W/2; a C_k within a relative
//! [`HALF_TOLERANCE`] of W/2 counts as exactly half, so the half case is decided by the data,
//! not by floating-point accident (reference §1). Actors with zero weight are dropped; if the
//! total weight is zero the unweighted median of positions (same tie rule) is used.

use crate::model::{solve_static, BargainingModel, ModelError, Solution, SolveContext};
pub use crate::stats::{weighted_median, TieRule, HALF_TOLERANCE};
use crate::table::ActorTable;

/// The weighted-median model.
#[derive(Debug, Clone, Copy, Default)]
pub struct Median {
    pub tie: TieRule,
    /// Use salience only (equal capability) — kept for DEU baselines; default c·s.
    pub salience_only: bool,
}

impl BargainingModel for Median {
    fn name(&self) -> &str {
        "median"
    }
    fn solve(&self, table: &ActorTable, _ctx: &SolveContext) -> Result<Solution, ModelError> {
        solve_static(self.name(), table, |_, v| {
            let w = if self.salience_only { v.salience.clone() } else { v.weights() };
            let note =
                (w.iter().sum::<f64>() <= 0.0).then(|| "all weights are zero: unweighted median used".to_string());
            Ok((weighted_median(&v.position, &w, self.tie).unwrap_or(f64::NAN), note))
        })
    }
}
