//! The one small trait every bargaining model implements, and the shared output type.
//!
//! A model takes an [`ActorTable`] and returns a [`Solution`]: for each issue, a list of
//! rounds, round 0 being the input. Static models (median, mean, Nash) return round 0 and a
//! forecast; dynamic models (BDM, SMP, exchange) return one round per iteration. Every round
//! also reports the c·s-weighted median and mean of the positions at that round, so that
//! dynamic models can be compared with the published trajectories.

use crate::stats::{weighted_mean, weighted_median, TieRule};
use crate::table::{ActorTable, IssueView, TableError};
use serde::Serialize;
use thiserror::Error;

/// What every model run needs besides its own options.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SolveContext {
    /// Number of rounds for iterative models (`None`: the model's default or stopping rule).
    pub rounds: Option<usize>,
    /// Seed for any random choice (tie-breaking, stochastic transitions). Models never use
    /// another source of randomness.
    pub seed: u64,
}

/// Why a model could not produce a forecast.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ModelError {
    #[error(transparent)]
    Table(#[from] TableError),
    #[error("issue `{issue}`: {reason}")]
    Issue { issue: String, reason: String },
    #[error("{0}")]
    Invalid(String),
    /// One actor's input is unusable for this model. `actor` (and `issue`, where the problem
    /// is one cell) index the table, so that a reader can point at the file's line; the
    /// message names the actor.
    #[error("{message}")]
    Actor { actor: usize, issue: Option<usize>, field: &'static str, message: String },
    /// The run would exceed a documented size, memory or work limit ([`crate::limits`]);
    /// refused before it starts.
    #[error("{0}")]
    TooLarge(String),
}

/// The state of one issue after one round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Round {
    /// 0 is the input state.
    pub round: usize,
    /// The model's forecast of the outcome at this round.
    pub forecast: f64,
    /// c·s-weighted lower median of the positions at this round.
    pub median: f64,
    /// c·s-weighted mean of the positions at this round.
    pub mean: f64,
    /// Positions of the table's actors (`None` where an actor has no stance on the issue).
    pub positions: Vec<Option<f64>>,
}

/// The trajectory of one issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueSolution {
    pub issue: String,
    pub rounds: Vec<Round>,
}

/// The result of one model run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Solution {
    /// Model name as used on the command line (`mean`, `bdm`, ...).
    pub model: String,
    /// Actor names in table order (the index of `Round::positions`).
    pub actors: Vec<String>,
    pub issues: Vec<IssueSolution>,
    /// Things the user must know about how the forecast was made (fallbacks, presets).
    pub notes: Vec<String>,
    /// Extra per-round output of models that produce it (KTAB SMP); `None` otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<Diagnostics>,
}

/// Per-round probabilities and convergence of models that compute them (KTAB SMP).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Diagnostics {
    /// `actor_probability[r][a]`: probability of the (unique) position actor `a` holds at round
    /// `r` (KTAB's per-actor "prob"; sums exceed 1 when actors share a position).
    pub actor_probability: Vec<Vec<f64>>,
    /// `fractional_change[t - 1]` for step t = 1…T: D(s_{t−1}, s_t) / (D(s_0, s_1) + 1e−4).
    pub fractional_change: Vec<f64>,
    /// Distribution over the distinct final positions.
    pub final_distribution: Vec<OutcomeProbability>,
}

/// One distinct outcome (a position vector over all issues) and its probability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeProbability {
    /// Position per issue, on the issue's scale.
    pub position: Vec<f64>,
    pub probability: f64,
    /// Indices of the actors holding this position.
    pub actors: Vec<usize>,
}

impl Solution {
    /// Refuses a result holding inf or NaN, so that no model can report a non-finite forecast
    /// with success. Every model calls this before returning; the input limits
    /// ([`crate::limits`]) make it unreachable in practice, so a failure is a bug to report.
    pub fn check_finite(self) -> Result<Self, ModelError> {
        let bad = |what: String| {
            Err(ModelError::Invalid(format!(
                "{}: {what} is not a finite number (a numerical failure: please report the input)",
                self.model
            )))
        };
        for is in &self.issues {
            for r in &is.rounds {
                let at = |f: &str| format!("issue `{}`, round {}: the {f}", is.issue, r.round);
                if !r.forecast.is_finite() {
                    return bad(at("forecast"));
                }
                if !(r.median.is_finite() && r.mean.is_finite()) {
                    return bad(at("median or mean"));
                }
                if r.positions.iter().flatten().any(|x| !x.is_finite()) {
                    return bad(at("position of an actor"));
                }
            }
        }
        if let Some(d) = &self.diagnostics {
            let probs = d.actor_probability.iter().flatten().chain(&d.fractional_change);
            let dist = d.final_distribution.iter().flat_map(|o| o.position.iter().chain([&o.probability]));
            if probs.chain(dist).any(|x| !x.is_finite()) {
                return bad("a diagnostic probability or position".to_string());
            }
        }
        Ok(self)
    }

    /// The final forecast per issue.
    pub fn final_forecasts(&self) -> Vec<f64> {
        self.issues.iter().map(|i| i.rounds.last().map_or(f64::NAN, |r| r.forecast)).collect()
    }
}

/// A collective-decision model. One required method; adding a model touches one new file.
pub trait BargainingModel {
    /// Name used on the command line and in outputs.
    fn name(&self) -> &str;
    /// Runs the model on a table.
    fn solve(&self, table: &ActorTable, ctx: &SolveContext) -> Result<Solution, ModelError>;
}

/// Builds a [`Round`] from positions of the issue's present actors, filling in median and mean.
/// `positions` is parallel to `view`; `n_actors` is the table's actor count.
pub fn round_from_view(round: usize, forecast: f64, view: &IssueView, positions: &[f64], n_actors: usize) -> Round {
    let w = view.weights();
    let mut all = vec![None; n_actors];
    for (i, &a) in view.actor.iter().enumerate() {
        all[a] = Some(positions[i]);
    }
    Round {
        round,
        forecast,
        median: weighted_median(positions, &w, TieRule::Lower).unwrap_or(f64::NAN),
        mean: weighted_mean(positions, &w).unwrap_or(f64::NAN),
        positions: all,
    }
}

/// Solves a static (one-shot) model issue by issue: `forecast(view)` gives the forecast and an
/// optional note for the issue.
pub fn solve_static(
    name: &str,
    table: &ActorTable,
    mut forecast: impl FnMut(&str, &IssueView) -> Result<(f64, Option<String>), ModelError>,
) -> Result<Solution, ModelError> {
    let mut issues = Vec::with_capacity(table.n_issues());
    let mut notes = Vec::new();
    for (k, issue) in table.issues().iter().enumerate() {
        let view = table.issue_view(k);
        if view.is_empty() {
            return Err(ModelError::Issue { issue: issue.name.clone(), reason: "no actor has a position".into() });
        }
        let (f, note) = forecast(&issue.name, &view)?;
        if let Some(n) = note {
            notes.push(n);
        }
        issues.push(IssueSolution {
            issue: issue.name.clone(),
            rounds: vec![round_from_view(0, f, &view, &view.position, table.n_actors())],
        });
    }
    Solution { model: name.to_string(), actors: table.actors().to_vec(), issues, notes, diagnostics: None }
        .check_finite()
}
