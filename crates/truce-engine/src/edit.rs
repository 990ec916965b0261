//! Edits: setting a scenario's numbers by dotted path (`actors.russia.positions.territory`).
//!
//! Every parameter of the catalogue is editable, with the catalogue's range checked before
//! the edit is made.
//!
//! Edits change the [`Scenario`] (keeping each number's source note, with the edit recorded)
//! and the result is serialised and loaded again, so that an edited scenario is validated by
//! exactly the code, and with exactly the messages, of `truce check`. Every shell that edits
//! (the page, Python, the forecast job) goes through here.
//!
//! **An edit fixes a sampled parameter.** Editing a path of the `[uncertainty]` table removes
//! its distribution (and every `[[correlations]]` entry naming it), so that every run of a
//! forecast uses the edited value: an edit is never silently overridden by a draw. Files are
//! untouched: `truce check` of a scenario file means what it did.

use crate::catalogue::{self, Source, Target};
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

/// Applies one edit by dotted path: any parameter of the catalogue
/// ([`crate::catalogue`]) present in the scenario. The horizon is not an edit but an option
/// of the forecast job (one mechanism for every shell). Unknown
/// paths (with a did-you-mean), values outside the parameter's range, fractional weeks and
/// non-finite values are errors.
pub fn apply_edit(s: &mut Scenario, path: &str, v: f64) -> Result<(), String> {
    if !v.is_finite() {
        return Err(format!("`{path}`: {v} is not a finite number"));
    }
    let r = catalogue::resolve(&*s, path).map_err(|e| format!("`{path}`: not an editable parameter{}", e.detail))?;
    let p = r.param();
    let frame = s.frame();
    if !p.range.contains(v, &frame) {
        return Err(format!("`{path}`: {v} is out of range; expected {}", p.range.expected(&frame)));
    }
    if p.whole && v.fract() != 0.0 {
        return Err(format!("`{path}`: {v} is not a whole number; expected {}", p.range.expected(&frame)));
    }
    match p.target(s, r.ix()) {
        Some(Target::Num(n)) => set_num(n, v),
        Some(Target::Weeks(w)) => *w = v as u32,
        Some(Target::Plain(x)) => *x = v,
        None => return Err(format!("`{path}`: not an editable parameter in this scenario")),
    }
    Ok(())
}

/// Drops `path`'s `[uncertainty]` distribution and the correlations that name it (or its
/// column of the `[weighted_sample]`, whose other columns keep their joint draw): the edited
/// value is then what every run uses. Returns whether the path was sampled.
pub fn fix_sampled(s: &mut Scenario, path: &str) -> bool {
    let was = s.uncertainty.remove(path).is_some();
    if was {
        s.correlations.retain(|c| c.a != path && c.b != path);
    }
    let joint = s.weighted_sample.as_mut().is_some_and(|w| w.remove_path(path));
    if s.weighted_sample.as_ref().is_some_and(|w| w.paths.is_empty()) {
        s.weighted_sample = None;
    }
    was || joint
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
        fix_sampled(&mut s, p);
    }
    let edited = to_toml(&s).map_err(|e| EditError::Edit(format!("cannot write the edited scenario: {e}")))?;
    let edited = format!("# Edited from {file}.\n{edited}");
    let l = load_str(&format!("{file} (edited)"), &edited).map_err(EditError::Scenario)?;
    Ok((l, edited))
}
