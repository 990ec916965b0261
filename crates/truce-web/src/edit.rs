//! The parameters the page lets a user edit ("knobs"), and applying edits to a scenario.
//!
//! Every knob is an instance of a row of the engine's parameter catalogue
//! ([`truce_engine::catalogue`]): its label, unit, doc, slider range and step come from the
//! row, so the page offers exactly the values `truce check` accepts. Applying edits lives in
//! [`truce_engine::edit`], shared by every shell. This module holds no parameter knowledge
//! of its own.

use serde::Serialize;
use truce_engine::catalogue::{self, Frame, Group, Param, Scope, Slider, Source};
use truce_engine::load::Loaded;

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
    /// Unit of the value ("" for a pure number).
    pub unit: String,
    /// One line on what the parameter means (shown on hover).
    pub doc: String,
    /// The value in the scenario.
    pub value: f64,
    /// Lower end of the slider, inside the parameter's valid range (the number input accepts
    /// any value; the engine validates).
    pub min: f64,
    /// Upper end of the slider.
    pub max: f64,
    /// Slider step.
    pub step: f64,
    /// The value's source note, if any.
    pub source: Option<String>,
    /// What the ends of an issue's 0–100 scale mean (`0: … · 100: …`), for a position or red
    /// line on an issue; empty otherwise.
    pub scale: String,
    /// Whether `[uncertainty]` samples this parameter in forecasts (then its base value is not
    /// used: a single run takes the distribution's median, `truce_forecast::job::run_params`).
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

/// A round number about three times `v`, at least `floor`: the top of a magnitude's slider.
fn nice_max(v: f64, floor: f64) -> f64 {
    let m = (v.abs() * 3.0).max(floor);
    let mag = 10f64.powf(m.log10().floor());
    (m / mag).ceil() * mag
}

/// The slider (min, max, step) of a parameter with value `v`: the row's hint, kept inside the
/// valid range (an open end one step inside), widened to show `v`.
pub fn slider(p: &Param, v: f64, frame: &Frame) -> (f64, f64, f64) {
    let ((lo, lo_closed), (hi, hi_closed)) = p.range.interval(frame);
    let scale = |floor: f64| {
        let top = nice_max(v, floor);
        (if lo.is_finite() { lo } else { -top }, top, top / 200.0)
    };
    let (a, b, step) = match p.slider {
        Slider::Valid(step) if lo.is_finite() && hi.is_finite() => (lo, hi, step),
        Slider::Fine if lo.is_finite() && hi.is_finite() && hi > lo => (lo, hi, (hi - lo) / 200.0),
        Slider::Span(a, b, step) => (a, b, step),
        Slider::Scale(floor) => scale(floor),
        // A range the scenario leaves open (no territorial mapping): a magnitude slider.
        Slider::Valid(_) | Slider::Fine => scale(1.0),
    };
    let a = if a < lo || (a == lo && !lo_closed) { lo + if lo_closed { 0.0 } else { step } } else { a };
    let b = if b > hi || (b == hi && !hi_closed) { hi - if hi_closed { 0.0 } else { step } } else { b };
    (a.min(v), b.max(v), step)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The editable parameters of a scenario: every catalogue parameter it has.
pub fn editor(l: &Loaded) -> Editor {
    let s = &l.scenario;
    let frame = s.frame();
    let ids = s.ids();
    let display = |id: &str, name: &str| if name.is_empty() { id.to_string() } else { name.to_string() };
    let mut knobs: Vec<(usize, Knob)> = Vec::new();
    for (r, path) in catalogue::instances(s) {
        let (p, ix) = (r.param(), r.ix());
        let Some(reading) = p.read(s, ix) else { continue };
        // Page order: talks and fighting first, then each side, the issues, each actor.
        let (rank, group) = match p.group {
            Group::Protocol => (0, p.group.title().to_string()),
            Group::Mediation => (5, p.group.title().to_string()),
            Group::Ripeness => (6, p.group.title().to_string()),
            Group::Combat => (1, p.group.title().to_string()),
            Group::Intensity => (2, p.group.title().to_string()),
            Group::Seasonality => (3, p.group.title().to_string()),
            Group::Termination => (4, p.group.title().to_string()),
            Group::Domains => {
                let d = &s.domains[ix.domain];
                (30 + ix.domain, format!("{}: {}", p.group.title(), display(&d.id, &d.name)))
            }
            Group::Sides | Group::Beliefs | Group::Politics => {
                let sd = &s.sides[ix.side];
                (10 + ix.side, format!("Side: {}", display(&sd.id, &sd.name)))
            }
            Group::Issues => (20, p.group.title().to_string()),
            Group::Actors => {
                let a = &s.actors[ix.actor];
                (100 + ix.actor, display(&a.id, &a.name))
            }
        };
        let issue = s.issues.get(ix.issue);
        let label = match p.scope {
            Scope::ActorIssue | Scope::Issue => {
                format!("{}: {}", p.label, issue.map_or(ids.issues[ix.issue].to_string(), |i| display(&i.id, &i.name)))
            }
            Scope::Month => format!("{}: {}", p.label, MONTHS[ix.month]),
            Scope::Global | Scope::Side | Scope::Actor | Scope::Domain => p.label.to_string(),
        };
        let (min, max, step) = slider(p, reading.value, &frame);
        knobs.push((
            rank,
            Knob {
                sampled: l.uncertainty.paths.contains(&path),
                path,
                group,
                label,
                unit: p.unit.to_string(),
                doc: p.doc.to_string(),
                value: reading.value,
                min,
                max,
                step,
                source: reading.source.map(str::to_string),
                scale: match (p.scope, issue) {
                    (Scope::ActorIssue | Scope::Issue, Some(i)) if p.unit.contains("0–100") && !i.low.is_empty() => {
                        format!("0: {} · 100: {}", i.low, i.high)
                    }
                    _ => String::new(),
                },
            },
        ));
    }
    knobs.sort_by_key(|k| k.0);
    Editor {
        name: s.scenario.name.clone(),
        title: s.scenario.title.clone(),
        horizon_weeks: s.scenario.horizon_weeks,
        knobs: knobs.into_iter().map(|k| k.1).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use truce_engine::builtin;
    use truce_engine::load::load_str;

    #[test]
    fn knobs_are_the_catalogue_and_stay_inside_its_ranges() {
        for name in builtin::names() {
            let l = load_str(name, builtin::builtin(name).unwrap()).unwrap_or_else(|e| panic!("{e}"));
            let ed = editor(&l);
            let mut want: Vec<String> = catalogue::instances(&l.scenario).into_iter().map(|x| x.1).collect();
            let mut got: Vec<String> = ed.knobs.iter().map(|k| k.path.clone()).collect();
            want.sort();
            got.sort();
            assert_eq!(got, want, "{name}: a knob per catalogue parameter");
            assert!(!got.iter().any(|p| p == "scenario.horizon_weeks"), "the horizon is a run option");
            let frame = l.scenario.frame();
            for k in &ed.knobs {
                let r = catalogue::resolve(&l.scenario, &k.path).unwrap();
                let p = r.param();
                assert!(k.step > 0.0 && k.min < k.max && k.min <= k.value && k.value <= k.max, "{name}: {k:?}");
                assert_eq!((k.unit.as_str(), k.doc.as_str()), (p.unit, p.doc));
                assert_eq!(k.sampled, l.uncertainty.paths.contains(&k.path));
                // Both ends of the slider are values the engine accepts.
                for end in [k.min, k.max] {
                    assert!(p.range.contains(end, &frame), "{name}: `{}` slider end {end} is invalid", k.path);
                    let mut s = l.scenario.clone();
                    apply_edit(&mut s, &k.path, end).unwrap_or_else(|e| panic!("{name}: {e}"));
                }
            }
            // Talks first; the page opens the first three groups, none of them an actor's.
            assert_eq!(ed.knobs[0].group, "Talks");
            let mut groups: Vec<&str> = Vec::new();
            for k in &ed.knobs {
                if groups.last() != Some(&k.group.as_str()) {
                    assert!(!groups.contains(&k.group.as_str()), "{name}: group `{}` split", k.group);
                    groups.push(&k.group);
                }
            }
            let actor_groups: Vec<String> = l
                .scenario
                .actors
                .iter()
                .map(|a| if a.name.is_empty() { a.id.clone() } else { a.name.clone() })
                .collect();
            assert!(groups[..3].iter().all(|g| !actor_groups.iter().any(|a| a == g)), "{groups:?}");
        }
    }
}
