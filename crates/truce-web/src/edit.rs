//! The parameters the page lets a user edit ("knobs"), and applying edits to a scenario.
//!
//! Applying edits lives in [`truce_engine::edit`], shared by every shell.

use serde::Serialize;
use truce_engine::load::Loaded;
use truce_engine::scenario::Num;

pub use truce_engine::edit::{apply_edit, build, EditError};

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
