//! The parameters the page lets a user edit ("knobs"), and applying edits to a scenario.
//!
//! Edits change the [`Scenario`] (keeping each number's source note, with the edit recorded)
//! and the result is serialised and loaded again, so that an edited scenario is validated by
//! exactly the code, and with exactly the messages, of `truce check`.

use serde::Serialize;
use std::collections::BTreeMap;
use truce_engine::load::{load_str, to_toml, Loaded, ScenarioError};
use truce_engine::scenario::{Num, Scenario};

/// One editable parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Knob {
    /// Dotted path (`actors.russia.positions.territory`), the key of an edit.
    pub path: String,
    /// Group heading on the page (`Russia`, `Talks`, ...).
    pub group: String,
    /// Short label next to the input.
    pub label: String,
    /// The value in the scenario.
    pub value: f64,
    /// Slider range and step (the number input accepts any value; the engine validates).
    pub min: f64,
    /// Upper end of the slider.
    pub max: f64,
    /// Slider step.
    pub step: f64,
    /// The value's source note, if any.
    pub source: Option<String>,
    /// Whether `[uncertainty]` samples this parameter in forecasts (then the base value only
    /// matters for single runs).
    pub sampled: bool,
}

/// What the page needs to build its editor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Editor {
    /// The scenario's name.
    pub name: String,
    /// The scenario's title.
    pub title: String,
    /// The scenario's horizon.
    pub horizon_weeks: u32,
    /// The editable parameters, grouped by `group` in this order.
    pub knobs: Vec<Knob>,
}

fn nice_max(v: f64, floor: f64) -> f64 {
    let m = (v.abs() * 3.0).max(floor);
    let mag = 10f64.powf(m.log10().floor());
    (m / mag).ceil() * mag
}

/// The editable parameters of a scenario.
pub fn editor(l: &Loaded) -> Editor {
    let s = &l.scenario;
    let sampled = |p: &str| l.uncertainty.paths.iter().any(|x| x == p);
    let mut knobs = Vec::new();
    let mut push = |path: String, group: &str, label: String, n: &Num, min: f64, max: f64, step: f64| {
        knobs.push(Knob {
            sampled: sampled(&path),
            path,
            group: group.to_string(),
            label,
            value: n.value,
            min,
            max: max.max(n.value),
            step,
            source: n.source.clone(),
        });
    };
    let run = "Run";
    push(
        "scenario.horizon_weeks".into(),
        run,
        "horizon (weeks)".into(),
        &Num::new(s.scenario.horizon_weeks as f64),
        4.0,
        520.0,
        1.0,
    );
    let talks = "Talks";
    push(
        "protocol.cadence_weeks".into(),
        talks,
        "a talk round every (weeks)".into(),
        &Num::new(s.protocol.cadence_weeks as f64),
        1.0,
        52.0,
        1.0,
    );
    push(
        "protocol.concession_rate".into(),
        talks,
        "concession rate".into(),
        &s.protocol.concession_rate,
        0.0,
        0.3,
        0.005,
    );
    push(
        "protocol.guarantee_credibility".into(),
        talks,
        "guarantee credibility".into(),
        &s.protocol.guarantee_credibility,
        0.0,
        1.0,
        0.01,
    );
    push(
        "intensity.fatigue_per_year".into(),
        "Fighting",
        "war fatigue per year".into(),
        &s.intensity.fatigue_per_year,
        0.0,
        1.0,
        0.01,
    );
    for (side, b) in &s.beliefs {
        let g = format!("Beliefs: {side}");
        push(
            format!("beliefs.{side}.optimism_km2_per_week"),
            &g,
            "prior optimism (km²/week)".into(),
            &b.optimism_km2_per_week,
            -200.0,
            200.0,
            1.0,
        );
        push(
            format!("beliefs.{side}.confidence_weeks"),
            &g,
            "prior confidence (weeks)".into(),
            &b.confidence_weeks,
            0.0,
            260.0,
            1.0,
        );
    }
    for a in &s.actors {
        let g = if a.name.is_empty() { a.id.clone() } else { a.name.clone() };
        for issue in &s.issues {
            if let Some(n) = a.positions.get(&issue.id) {
                push(
                    format!("actors.{}.positions.{}", a.id, issue.id),
                    &g,
                    format!("position: {}", issue.id),
                    n,
                    0.0,
                    100.0,
                    0.5,
                );
            }
            if let Some(n) = a.saliences.get(&issue.id) {
                push(
                    format!("actors.{}.saliences.{}", a.id, issue.id),
                    &g,
                    format!("salience: {}", issue.id),
                    n,
                    0.0,
                    100.0,
                    1.0,
                );
            }
        }
        if let Some(aid) = &a.aid {
            let max = nice_max(aid.level.value, 5.0);
            push(
                format!("actors.{}.aid.level", a.id),
                &g,
                format!("aid level to {}", aid.to),
                &aid.level,
                0.0,
                max,
                max / 200.0,
            );
            push(
                format!("actors.{}.aid.fatigue_per_year", a.id),
                &g,
                "aid fatigue per year".into(),
                &aid.fatigue_per_year,
                0.0,
                1.0,
                0.01,
            );
            push(
                format!("actors.{}.aid.stop_hazard_per_year", a.id),
                &g,
                "aid stop hazard per year".into(),
                &aid.stop_hazard_per_year,
                0.0,
                1.0,
                0.01,
            );
        }
    }
    Editor {
        name: s.scenario.name.clone(),
        title: s.scenario.title.clone(),
        horizon_weeks: s.scenario.horizon_weeks,
        knobs,
    }
}

fn set_num(n: &mut Num, v: f64) {
    if n.value == v {
        return;
    }
    let was = n.value;
    n.value = v;
    let note = format!("edited in truce serve (was {was})");
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
    let edited = format!("# Edited in truce serve from {file}.\n{edited}");
    let l = load_str(&format!("{file} (edited)"), &edited).map_err(EditError::Scenario)?;
    Ok((l, edited))
}
