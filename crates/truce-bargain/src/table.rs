//! The Actor/Issue model shared by every reader and every model.
//!
//! An [`ActorTable`] holds actors, issues and, for each (actor, issue) pair, an optional
//! [`Cell`]: position on the issue's own scale, salience on [0, 1] and capability. Capability
//! is stored per cell because some formats (the long format, Stokman's `#D` rows) allow it to
//! differ by issue; formats with one capability per actor repeat it.
//!
//! The table is validated on construction ([`ActorTable::new`]): positions finite within
//! ±1e100, saliences in [0, 1], capabilities in [0, 1e100], unique actor and issue names, at
//! most [`crate::limits::MAX_CELLS`] cells (see [`crate::limits`] for why). Readers in `truce-io` add
//! file, line and column to these errors.

use crate::limits::{MAX_ABS_POSITION, MAX_CAPABILITY};
use serde::Serialize;
use thiserror::Error;

/// One issue (dimension) of a negotiation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Issue {
    /// Name as given in the input (a column header, the `issue` field).
    pub name: String,
    /// Lower end of the issue's scale (0 on the project scale; 4 years in the BDM example
    /// would still use the positions' own range for distances).
    pub scale_min: f64,
    /// Upper end of the issue's scale (100 on the project scale).
    pub scale_max: f64,
}

impl Issue {
    /// An issue on the project's 0–100 scale.
    pub fn new_0_100(name: impl Into<String>) -> Self {
        Issue { name: name.into(), scale_min: 0.0, scale_max: 100.0 }
    }
}

/// One actor's stance on one issue.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cell {
    /// Position on the issue's own scale.
    pub position: f64,
    /// Salience on [0, 1] (input files use 0–100; readers divide by 100).
    pub salience: f64,
    /// Capability (clout, power); only ratios matter in every model.
    pub capability: f64,
}

/// Why a table is invalid. Readers wrap this with file and line information.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum TableError {
    #[error("actor `{0}` appears more than once")]
    DuplicateActor(String),
    #[error("issue `{0}` appears more than once")]
    DuplicateIssue(String),
    #[error("actor `{actor}`, issue `{issue}`: {field} is {value}, expected {expected}")]
    OutOfRange { actor: String, issue: String, field: &'static str, value: f64, expected: String },
    #[error("the table has {0} actor(s); at least {1} actors are needed")]
    TooFewActors(usize, usize),
    #[error("the table has no issues")]
    NoIssues,
    #[error("cells has {got} entries; expected actors × issues = {expected}")]
    Shape { got: usize, expected: usize },
    #[error(
        "the table has {actors} actors × {issues} issues = {} cells; the limit is {} cells \
         (every actor has a cell on every issue: split the table, or merge issues)",
        crate::limits::count(*actors as f64 * *issues as f64),
        crate::limits::MAX_CELLS
    )]
    TooLarge { actors: usize, issues: usize },
}

/// Checks the size limit ([`crate::limits::MAX_CELLS`]) before a reader allocates a table of
/// `actors` × `issues` cells.
pub fn check_size(actors: usize, issues: usize) -> Result<(), TableError> {
    match actors.checked_mul(issues) {
        Some(c) if c <= crate::limits::MAX_CELLS => Ok(()),
        _ => Err(TableError::TooLarge { actors, issues }),
    }
}

/// Actors × issues, with an optional [`Cell`] per pair. Row-major: `cells[a * n_issues + k]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorTable {
    actors: Vec<String>,
    issues: Vec<Issue>,
    cells: Vec<Option<Cell>>,
}

/// The actors present on one issue, as parallel slices (struct of arrays), in table order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IssueView {
    /// Index of each present actor in the table.
    pub actor: Vec<usize>,
    pub position: Vec<f64>,
    pub salience: Vec<f64>,
    pub capability: Vec<f64>,
}

impl IssueView {
    /// Influence weights c_i · s_i.
    pub fn weights(&self) -> Vec<f64> {
        self.capability.iter().zip(&self.salience).map(|(c, s)| c * s).collect()
    }
    pub fn len(&self) -> usize {
        self.position.len()
    }
    pub fn is_empty(&self) -> bool {
        self.position.is_empty()
    }
}

/// Minimum number of actors a table must have.
pub const MIN_ACTORS: usize = 2;

impl ActorTable {
    /// Builds and validates a table. `cells` is row-major (actor-major).
    pub fn new(actors: Vec<String>, issues: Vec<Issue>, cells: Vec<Option<Cell>>) -> Result<Self, TableError> {
        if issues.is_empty() {
            return Err(TableError::NoIssues);
        }
        if actors.len() < MIN_ACTORS {
            return Err(TableError::TooFewActors(actors.len(), MIN_ACTORS));
        }
        check_size(actors.len(), issues.len())?;
        if cells.len() != actors.len() * issues.len() {
            return Err(TableError::Shape { got: cells.len(), expected: actors.len() * issues.len() });
        }
        let mut seen = std::collections::HashSet::with_capacity(actors.len());
        if let Some(a) = actors.iter().find(|a| !seen.insert(a.as_str())) {
            return Err(TableError::DuplicateActor(a.clone()));
        }
        let mut seen = std::collections::HashSet::with_capacity(issues.len());
        if let Some(k) = issues.iter().find(|k| !seen.insert(k.name.as_str())) {
            return Err(TableError::DuplicateIssue(k.name.clone()));
        }
        let t = ActorTable { actors, issues, cells };
        for a in 0..t.actors.len() {
            for k in 0..t.issues.len() {
                if let Some(c) = t.cell(a, k) {
                    t.check_cell(a, k, c)?;
                }
            }
        }
        Ok(t)
    }

    fn check_cell(&self, a: usize, k: usize, c: Cell) -> Result<(), TableError> {
        let err = |field, value, expected: &str| TableError::OutOfRange {
            actor: self.actors[a].clone(),
            issue: self.issues[k].name.clone(),
            field,
            value,
            expected: expected.to_string(),
        };
        if !(c.position.is_finite() && c.position.abs() <= MAX_ABS_POSITION) {
            return Err(err("position", c.position, "a finite number within ±1e100"));
        }
        if !(0.0..=1.0).contains(&c.salience) {
            return Err(err("salience", c.salience, "a number in [0, 1] (0–100 in files)"));
        }
        if !(c.capability >= 0.0 && c.capability <= MAX_CAPABILITY) {
            return Err(err(
                "capability",
                c.capability,
                "a number in [0, 1e100] (only ratios matter: divide every capability by a common factor)",
            ));
        }
        Ok(())
    }

    pub fn actors(&self) -> &[String] {
        &self.actors
    }
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }
    pub fn n_actors(&self) -> usize {
        self.actors.len()
    }
    pub fn n_issues(&self) -> usize {
        self.issues.len()
    }
    /// The cell of actor `a` on issue `k`, if the actor has a stance on it.
    pub fn cell(&self, a: usize, k: usize) -> Option<Cell> {
        self.cells[a * self.issues.len() + k]
    }

    /// Number of actors with a stance on issue `k` (for work estimates).
    pub fn present(&self, k: usize) -> usize {
        (0..self.actors.len()).filter(|&a| self.cell(a, k).is_some()).count()
    }

    /// The present actors on issue `k` as parallel slices.
    pub fn issue_view(&self, k: usize) -> IssueView {
        let mut v = IssueView::default();
        for a in 0..self.actors.len() {
            if let Some(c) = self.cell(a, k) {
                v.actor.push(a);
                v.position.push(c.position);
                v.salience.push(c.salience);
                v.capability.push(c.capability);
            }
        }
        v
    }

    /// A copy with every capability replaced by `f(actor index, capability)`.
    pub fn map_capability(&self, f: impl Fn(usize, f64) -> f64) -> Result<Self, TableError> {
        let n = self.issues.len();
        let cells = self
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| c.map(|c| Cell { capability: f(i / n, c.capability), ..c }))
            .collect();
        ActorTable::new(self.actors.clone(), self.issues.clone(), cells)
    }

    /// A copy with actors reordered by `perm` (new index i holds old actor `perm[i]`).
    pub fn permute_actors(&self, perm: &[usize]) -> Self {
        let n = self.issues.len();
        let actors = perm.iter().map(|&p| self.actors[p].clone()).collect();
        let mut cells = Vec::with_capacity(self.cells.len());
        for &p in perm {
            cells.extend_from_slice(&self.cells[p * n..(p + 1) * n]);
        }
        ActorTable { actors, issues: self.issues.clone(), cells }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(p: f64, s: f64, c: f64) -> Option<Cell> {
        Some(Cell { position: p, salience: s, capability: c })
    }

    #[test]
    fn rejects_duplicates_and_ranges() {
        let is = vec![Issue::new_0_100("x")];
        let e = ActorTable::new(vec!["a".into(), "a".into()], is.clone(), vec![cell(1.0, 0.5, 1.0); 2]);
        assert_eq!(e, Err(TableError::DuplicateActor("a".into())));
        let e =
            ActorTable::new(vec!["a".into(), "b".into()], is.clone(), vec![cell(1.0, 1.5, 1.0), cell(1.0, 0.5, 1.0)]);
        assert!(matches!(e, Err(TableError::OutOfRange { field: "salience", .. })));
        let e = ActorTable::new(
            vec!["a".into(), "b".into()],
            is.clone(),
            vec![cell(f64::NAN, 0.5, 1.0), cell(1.0, 0.5, 1.0)],
        );
        assert!(matches!(e, Err(TableError::OutOfRange { field: "position", .. })));
        let e =
            ActorTable::new(vec!["a".into(), "b".into()], is.clone(), vec![cell(1.0, 0.5, -1.0), cell(1.0, 0.5, 1.0)]);
        assert!(matches!(e, Err(TableError::OutOfRange { field: "capability", .. })));
        let e = ActorTable::new(vec!["a".into()], is, vec![cell(1.0, 0.5, 1.0)]);
        assert_eq!(e, Err(TableError::TooFewActors(1, 2)));
    }

    #[test]
    fn permutation_and_view() {
        let is = vec![Issue::new_0_100("x"), Issue::new_0_100("y")];
        let t = ActorTable::new(
            vec!["a".into(), "b".into(), "c".into()],
            is,
            vec![
                cell(1.0, 0.1, 1.0),
                None,
                cell(2.0, 0.2, 2.0),
                cell(20.0, 0.2, 2.0),
                cell(3.0, 0.3, 3.0),
                cell(30.0, 0.3, 3.0),
            ],
        )
        .unwrap();
        let v = t.issue_view(1);
        assert_eq!(v.actor, vec![1, 2]);
        assert_eq!(v.position, vec![20.0, 30.0]);
        let p = t.permute_actors(&[2, 0, 1]);
        assert_eq!(p.actors(), &["c".to_string(), "a".into(), "b".into()]);
        assert_eq!(p.cell(1, 1), None);
        assert_eq!(p.cell(0, 0).unwrap().position, 3.0);
    }
}
