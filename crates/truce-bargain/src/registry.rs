//! Models by name, for the command line, the backtest and the Python package.

use crate::exchange::Exchange;
use crate::mean::{Mean, MeanWeights};
use crate::median::{Median, TieRule};
use crate::model::{BargainingModel, ModelError};
use crate::nash::{Loss, Nash};

/// Options shared by models built by name.
#[derive(Debug, Clone, Default)]
pub struct ModelConfig {
    /// Named preset of a model with presets (`bdm`: `paper-literal`, `scholz-code`).
    pub preset: Option<String>,
    /// Status quo per issue for `nash` (`None`: no status quo; the compromise is used).
    pub status_quo: Vec<Option<f64>>,
    /// Loss for `nash`.
    pub loss: Loss,
}

/// Names accepted by [`build`], with a one-line description each.
pub const MODELS: &[(&str, &str)] = &[
    (
        "mean",
        "compromise model: capability × salience weighted mean (Achen 2006)",
    ),
    ("unweighted-mean", "unweighted mean of positions (baseline)"),
    (
        "median",
        "capability × salience weighted lower median (Black 1948)",
    ),
    (
        "nash",
        "asymmetric Nash bargaining solution, status quo as disagreement point",
    ),
    (
        "exchange",
        "Stokman & Van Oosten's equal-gain exchange model over pairs of issues",
    ),
];

/// Builds a model by name.
pub fn build(name: &str, cfg: &ModelConfig) -> Result<Box<dyn BargainingModel + Sync>, ModelError> {
    if cfg.preset.is_some() && !has_presets(name) {
        return Err(ModelError::Invalid(format!(
            "model `{name}` has no presets"
        )));
    }
    Ok(match name {
        "mean" => Box::new(Mean {
            weights: MeanWeights::CapabilitySalience,
        }),
        "unweighted-mean" => Box::new(Mean {
            weights: MeanWeights::Equal,
        }),
        "median" => Box::new(Median {
            tie: TieRule::Lower,
            salience_only: false,
        }),
        "nash" => Box::new(Nash {
            loss: cfg.loss,
            status_quo: cfg.status_quo.clone(),
            ..Default::default()
        }),
        "exchange" => Box::new(Exchange::default()),
        _ => {
            let names: Vec<&str> = MODELS.iter().map(|m| m.0).collect();
            return Err(ModelError::Invalid(format!(
                "unknown model `{name}`; expected one of: {}",
                names.join(", ")
            )));
        }
    })
}

fn has_presets(_name: &str) -> bool {
    false
}
