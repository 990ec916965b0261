//! The compromise model: the capability × salience weighted mean of positions.
//!
//! O = Σ c_i s_i x_i / Σ c_i s_i per issue (Van den Bos 1991; Achen 2006, "Institutional
//! realism and bargaining models", in Thomson et al. (eds), *The European Union Decides*).
//! It minimises Σ w_i (x − x_i)² and is the K → ∞ limit of the asymmetric Nash product with
//! quadratic loss (reference §2, §3.1). With all weights zero the unweighted mean is used.

use crate::model::{solve_static, BargainingModel, ModelError, Solution, SolveContext};
pub use crate::stats::weighted_mean;
use crate::table::ActorTable;

/// Which weights the compromise model uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MeanWeights {
    /// c_i · s_i (the compromise model).
    #[default]
    CapabilitySalience,
    /// c_i only.
    Capability,
    /// All actors equal (the unweighted mean).
    Equal,
}

/// The compromise model.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mean {
    pub weights: MeanWeights,
}

impl BargainingModel for Mean {
    fn name(&self) -> &str {
        "mean"
    }
    fn solve(&self, table: &ActorTable, _ctx: &SolveContext) -> Result<Solution, ModelError> {
        solve_static(self.name(), table, |_, v| {
            let w: Vec<f64> = match self.weights {
                MeanWeights::CapabilitySalience => v.weights(),
                MeanWeights::Capability => v.capability.clone(),
                MeanWeights::Equal => vec![1.0; v.len()],
            };
            let note = (w.iter().sum::<f64>() <= 0.0).then(|| "all weights are zero: unweighted mean used".to_string());
            Ok((weighted_mean(&v.position, &w).unwrap_or(f64::NAN), note))
        })
    }
}
