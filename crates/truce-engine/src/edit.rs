//! Edits: setting a scenario's numbers by dotted path (`actors.russia.positions.territory`).
//!
//! Edits change the [`Scenario`] (keeping each number's source note, with the edit recorded)
//! and the result is serialised and loaded again, so that an edited scenario is validated by
//! exactly the code, and with exactly the messages, of `truce check`. Every shell that edits
//! (the page, Python, the forecast job) goes through here.

use crate::load::{load_str, to_toml, Loaded, ScenarioError};
use crate::scenario::{Num, Scenario};
use std::collections::BTreeMap;

fn set_num(n: &mut Num, v: f64) {
    if n.value == v {
        return;
    }
    let was = n.value;
    n.value = v;
    let note = format!("edited (was {was})");
    n.source = Some(match n.source.take() {
        Some(s) if !s.is_empty() => format!("{s}; {note}"),
        _ => note,
    });
}

fn set_weeks(w: &mut u32, path: &str, v: f64) -> Result<(), String> {
    if !(1.0..=10_000.0).contains(&v) || v.fract() != 0.0 {
        return Err(format!("`{path}`: {v} is not a whole number of weeks between 1 and 10000"));
    }
    *w = v as u32;
    Ok(())
}

/// Applies one edit by dotted path. Unknown paths and non-finite values are errors.
pub fn apply_edit(s: &mut Scenario, path: &str, v: f64) -> Result<(), String> {
    if !v.is_finite() {
        return Err(format!("`{path}`: {v} is not a finite number"));
    }
    let unknown = || format!("`{path}`: not an editable parameter");
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        ["scenario", "horizon_weeks"] => set_weeks(&mut s.scenario.horizon_weeks, path, v)?,
        ["protocol", "cadence_weeks"] => set_weeks(&mut s.protocol.cadence_weeks, path, v)?,
        ["protocol", "concession_rate"] => set_num(&mut s.protocol.concession_rate, v),
        ["protocol", "guarantee_credibility"] => set_num(&mut s.protocol.guarantee_credibility, v),
        ["intensity", "fatigue_per_year"] => set_num(&mut s.intensity.fatigue_per_year, v),
        ["beliefs", side, field] => {
            let b = s.beliefs.get_mut(*side).ok_or_else(unknown)?;
            match *field {
                "optimism_km2_per_week" => set_num(&mut b.optimism_km2_per_week, v),
                "confidence_weeks" => set_num(&mut b.confidence_weeks, v),
                "memory_weeks" => set_num(&mut b.memory_weeks, v),
                _ => return Err(unknown()),
            }
        }
        ["actors", id, rest @ ..] => {
            let a = s.actors.iter_mut().find(|a| a.id == *id).ok_or_else(unknown)?;
            match rest {
                ["positions", issue] => set_num(a.positions.get_mut(*issue).ok_or_else(unknown)?, v),
                ["saliences", issue] => set_num(a.saliences.get_mut(*issue).ok_or_else(unknown)?, v),
                ["aid", field] => {
                    let aid = a.aid.as_mut().ok_or_else(unknown)?;
                    match *field {
                        "level" => set_num(&mut aid.level, v),
                        "fatigue_per_year" => set_num(&mut aid.fatigue_per_year, v),
                        "stop_hazard_per_year" => set_num(&mut aid.stop_hazard_per_year, v),
                        _ => return Err(unknown()),
                    }
                }
                ["resolve"] => set_num(&mut a.resolve, v),
                ["capability"] => set_num(&mut a.capability, v),
                _ => return Err(unknown()),
            }
        }
        _ => return Err(unknown()),
    }
    Ok(())
}

/// Why an edited scenario could not be built.
#[derive(Debug, Clone, PartialEq)]
pub enum EditError {
    /// The scenario text does not load (the CLI's message).
    Scenario(ScenarioError),
    /// An edit is invalid.
    Edit(String),
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EditError::Scenario(e) => write!(f, "{e}"),
            EditError::Edit(e) => write!(f, "{e}"),
        }
    }
}

/// Loads `text` (named `file` in messages), applies `edits` and loads the result again.
/// Returns the loaded scenario and its TOML text (the original text when there are no edits,
/// so comments survive).
pub fn build(file: &str, text: &str, edits: &BTreeMap<String, f64>) -> Result<(Loaded, String), EditError> {
    let l = load_str(file, text).map_err(EditError::Scenario)?;
    if edits.is_empty() {
        return Ok((l, text.to_string()));
    }
    let mut s = l.scenario.clone();
    for (p, v) in edits {
        apply_edit(&mut s, p, *v).map_err(EditError::Edit)?;
    }
    let edited = to_toml(&s).map_err(|e| EditError::Edit(format!("cannot write the edited scenario: {e}")))?;
    let edited = format!("# Edited from {file}.\n{edited}");
    let l = load_str(&format!("{file} (edited)"), &edited).map_err(EditError::Scenario)?;
    Ok((l, edited))
}
