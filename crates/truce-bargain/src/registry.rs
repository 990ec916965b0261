//! Models by name, for the command line, the backtest and the Python package.

use crate::bdm::{Bdm, Preset};
use crate::exchange::Exchange;
use crate::mean::{Mean, MeanWeights};
use crate::median::{Median, TieRule};
use crate::model::{BargainingModel, ModelError};
use crate::nash::{Loss, Nash};
use crate::smp::{
    BargnModel, BigRAdjust, BigRRange, InterVecBrgn, PCEModel, Smp, SmpParams, StateTransitions, ThirdPartyCommit,
    VictoryProbModel, VotingRule,
};

/// Options shared by models built by name.
#[derive(Debug, Clone, Default)]
pub struct ModelConfig {
    /// Named preset of a model with presets (`bdm`: `paper-literal`, `scholz-code`).
    pub preset: Option<String>,
    /// Status quo per issue for `nash` (`None`: no status quo; the compromise is used).
    pub status_quo: Vec<Option<f64>>,
    /// Loss for `nash`.
    pub loss: Loss,
    /// Model parameters as `key=value` pairs (`smp`: the nine KTAB parameters).
    pub params: Vec<(String, String)>,
}

/// Names accepted by [`build`], with a one-line description each.
pub const MODELS: &[(&str, &str)] = &[
    ("mean", "compromise model: capability × salience weighted mean (Achen 2006)"),
    ("unweighted-mean", "unweighted mean of positions (baseline)"),
    ("median", "capability × salience weighted lower median (Black 1948)"),
    ("nash", "asymmetric Nash bargaining solution, status quo as disagreement point"),
    ("bdm", "Bueno de Mesquita's expected-utility model (Scholz, Calbert & Smith 2011)"),
    ("smp", "KTAB's Spatial Model of Politics (KAPSARC)"),
    ("exchange", "Stokman & Van Oosten's equal-gain exchange model over pairs of issues"),
];

/// Builds a model by name.
pub fn build(name: &str, cfg: &ModelConfig) -> Result<Box<dyn BargainingModel + Sync>, ModelError> {
    if cfg.preset.is_some() && name != "bdm" {
        return Err(ModelError::Invalid(format!(
            "model `{name}` has no presets (only bdm has: {})",
            Preset::NAMES.join(", ")
        )));
    }
    if !cfg.params.is_empty() && name != "smp" {
        return Err(ModelError::Invalid(format!("model `{name}` takes no parameters (only smp does)")));
    }
    Ok(match name {
        "mean" => Box::new(Mean { weights: MeanWeights::CapabilitySalience }),
        "unweighted-mean" => Box::new(Mean { weights: MeanWeights::Equal }),
        "median" => Box::new(Median { tie: TieRule::Lower, salience_only: false }),
        "nash" => Box::new(Nash { loss: cfg.loss, status_quo: cfg.status_quo.clone(), ..Default::default() }),
        "bdm" => Box::new(match &cfg.preset {
            Some(p) => Bdm::with_preset(Preset::from_name(p)?),
            None => Bdm::default(),
        }),
        "smp" => Box::new(Smp { params: smp_params(&cfg.params)? }),
        "exchange" => Box::new(Exchange::default()),
        _ => {
            let names: Vec<&str> = MODELS.iter().map(|m| m.0).collect();
            return Err(ModelError::Invalid(format!("unknown model `{name}`; expected one of: {}", names.join(", "))));
        }
    })
}

fn pick<T: Copy + std::fmt::Debug>(key: &str, value: &str, options: &[T]) -> Result<T, ModelError> {
    let norm = |s: &str| s.to_ascii_lowercase().replace(['-', '_'], "");
    options.iter().copied().find(|o| norm(&format!("{o:?}")) == norm(value)).ok_or_else(|| {
        let names: Vec<String> = options.iter().map(|o| format!("{o:?}")).collect();
        ModelError::Invalid(format!(
            "smp parameter `{key}`: unknown value `{value}`; expected one of: {}",
            names.join(", ")
        ))
    })
}

/// The SMP parameter keys accepted by `--param`.
pub const SMP_KEYS: &[&str] = &[
    "vpm",
    "pcem",
    "stm",
    "voting-rule",
    "big-r-adjust",
    "big-r-range",
    "third-party-commit",
    "bargain-interp",
    "bargain-model",
    "ktab-compatible",
    "max-turns",
];

/// KTAB parameters from `key=value` pairs (KTAB's names; case, `-` and `_` ignored).
pub fn smp_params(kv: &[(String, String)]) -> Result<SmpParams, ModelError> {
    use VictoryProbModel as V;
    let mut p = SmpParams::default();
    for (k, v) in kv {
        match k.as_str() {
            "vpm" | "victory-prob-model" => {
                p.vpm = pick(k, v, &[V::Linear, V::Square, V::Quartic, V::Octic, V::Binary])?
            }
            "pcem" | "pce-model" => {
                p.pcem = pick(k, v, &[PCEModel::Conditional, PCEModel::MarkovIncentive, PCEModel::MarkovUniform])?
            }
            "stm" | "state-transitions" => {
                p.stm = pick(k, v, &[StateTransitions::Deterministic, StateTransitions::Stochastic])?
            }
            "voting-rule" | "vr" => {
                p.vr_cltn = pick(
                    k,
                    v,
                    &[
                        VotingRule::Binary,
                        VotingRule::PropBin,
                        VotingRule::Prop,
                        VotingRule::PropCbc,
                        VotingRule::Cubic,
                        VotingRule::ASymProsp,
                    ],
                )?
            }
            "big-r-adjust" => {
                p.big_r_adj = pick(
                    k,
                    v,
                    &[
                        BigRAdjust::None,
                        BigRAdjust::OneThird,
                        BigRAdjust::Half,
                        BigRAdjust::TwoThirds,
                        BigRAdjust::Full,
                    ],
                )?
            }
            "big-r-range" => p.big_r_rng = pick(k, v, &[BigRRange::Min, BigRRange::Mid, BigRRange::Max])?,
            "third-party-commit" => {
                p.tp_commit = pick(
                    k,
                    v,
                    &[ThirdPartyCommit::NoCommit, ThirdPartyCommit::SemiCommit, ThirdPartyCommit::FullCommit],
                )?
            }
            "bargain-interp" | "inter-vec-brgn" => {
                p.iv_brgn = pick(k, v, &[InterVecBrgn::S1P1, InterVecBrgn::S2P2, InterVecBrgn::S2PMax])?
            }
            "bargain-model" | "brgn-mod" => {
                p.brgn_mod =
                    pick(k, v, &[BargnModel::InitOnlyInterp, BargnModel::InitRcvrInterp, BargnModel::PWCompInterp])?
            }
            "ktab-compatible" => {
                p.ktab_compatible = v.parse().map_err(|_| {
                    ModelError::Invalid(format!("smp parameter `ktab-compatible`: `{v}` is not true or false"))
                })?
            }
            "max-turns" => {
                p.max_turns = v.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
                    ModelError::Invalid(format!("smp parameter `max-turns`: `{v}` is not a positive integer"))
                })?
            }
            _ => {
                return Err(ModelError::Invalid(format!(
                    "unknown smp parameter `{k}`; expected one of: {}",
                    SMP_KEYS.join(", ")
                )))
            }
        }
    }
    Ok(p)
}

/// Extra names accepted by [`backtest_model`] besides [`MODELS`].
pub const BACKTEST_EXTRA: &[(&str, &str)] = &[
    ("rp", "the reference point (status quo) as the forecast"),
    ("nash-quadratic", "the Nash solution with quadratic loss"),
    ("bdm-scholz", "bdm with the scholz-code preset"),
];

/// A model for a backtest by name: `nash` and `rp` use each issue's reference point,
/// `exchange` treats the issues of one proposal as one multi-issue space, `smp` runs KTAB's
/// corrected mode without zero-weight actors (so that every issue can be scored).
pub fn backtest_model(name: &str) -> Result<crate::backtest::BacktestModel, ModelError> {
    use crate::backtest::{BacktestModel, PositiveWeightsOnly};
    Ok(match name {
        "rp" => BacktestModel::ReferencePoint,
        "nash" => BacktestModel::Nash(Loss::Linear),
        "nash-quadratic" => BacktestModel::Nash(Loss::Quadratic),
        "exchange" => BacktestModel::PerGroup(build(name, &ModelConfig::default())?),
        "smp" => BacktestModel::PerIssue(Box::new(PositiveWeightsOnly(Smp {
            params: SmpParams { ktab_compatible: false, ..Default::default() },
        }))),
        "bdm-scholz" => BacktestModel::PerIssue(build(
            "bdm",
            &ModelConfig { preset: Some("scholz-code".into()), ..Default::default() },
        )?),
        _ => BacktestModel::PerIssue(build(name, &ModelConfig::default()).map_err(|e| {
            let extra: Vec<&str> = BACKTEST_EXTRA.iter().map(|x| x.0).collect();
            ModelError::Invalid(format!("{e}; also {}", extra.join(", ")))
        })?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn parameters_parse() {
        let kv = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        assert_eq!(smp_params(&kv("vpm", "square")).unwrap().vpm, VictoryProbModel::Square);
        assert_eq!(smp_params(&kv("pcem", "markov-uniform")).unwrap().pcem, PCEModel::MarkovUniform);
        assert!(smp_params(&kv("vpm", "cubic")).unwrap_err().to_string().contains("expected one of"));
        assert!(smp_params(&kv("nope", "x")).is_err());
        assert!(build("bdm", &ModelConfig { preset: Some("nope".into()), ..Default::default() }).is_err());
        assert!(build("mean", &ModelConfig { preset: Some("scholz-code".into()), ..Default::default() }).is_err());
        assert!(build("bdm", &ModelConfig { preset: Some("scholz-code".into()), ..Default::default() }).is_ok());
    }
}
