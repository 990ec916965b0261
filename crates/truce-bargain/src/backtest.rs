//! Scoring forecasts against observed outcomes: MAE, RMSE and median absolute error.

use crate::model::{BargainingModel, ModelError, SolveContext};
use crate::table::ActorTable;
use serde::Serialize;

/// Error summary of one model over a set of issues.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorSummary {
    pub n: usize,
    pub mae: f64,
    pub rmse: f64,
    pub median_ae: f64,
}

/// Summarises absolute errors (in issue order; summation is sequential, so reproducible).
/// The median of an even count is the mean of the two middle values.
pub fn summarise(abs_errors: &[f64]) -> ErrorSummary {
    let n = abs_errors.len();
    if n == 0 {
        return ErrorSummary { n, mae: f64::NAN, rmse: f64::NAN, median_ae: f64::NAN };
    }
    let mae = abs_errors.iter().sum::<f64>() / n as f64;
    let rmse = (abs_errors.iter().map(|e| e * e).sum::<f64>() / n as f64).sqrt();
    let mut s = abs_errors.to_vec();
    s.sort_by(f64::total_cmp);
    let median_ae = if n % 2 == 1 { s[n / 2] } else { 0.5 * (s[n / 2 - 1] + s[n / 2]) };
    ErrorSummary { n, mae, rmse, median_ae }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn summary() {
        let s = summarise(&[1.0, 3.0, 2.0, 4.0]);
        assert_eq!(s.n, 4);
        assert_eq!(s.mae, 2.5);
        assert_eq!(s.median_ae, 2.5);
        assert!((s.rmse - (30.0f64 / 4.0).sqrt()).abs() < 1e-12);
    }

    /// Notes counted over issues keep their numbers: one value where all agree, else a range.
    #[test]
    fn notes_keep_their_numbers() {
        let tally = |notes: &[&str]| {
            let mut t: Option<NoteTally> = None;
            for n in notes {
                let (key, numbers) = generic_note(n);
                match &mut t {
                    Some(t) => {
                        assert_eq!(t.key, key, "one note");
                        t.add(&numbers)
                    }
                    None => t = Some(NoteTally::new(key, numbers)),
                }
            }
            let t = t.unwrap();
            (t.render(), t.count)
        };
        assert_eq!(tally(&["smp: KTAB SMP: 12 turn(s)", "smp: KTAB SMP: 3 turn(s)"]).0, "smp: KTAB SMP: 3–12 turn(s)");
        assert_eq!(
            tally(&[
                "exchange: 2 exchange(s) over 10 round(s); seeded with 0",
                "exchange: 0 exchange(s) over 10 round(s); seeded with 0"
            ]),
            ("exchange: 0–2 exchange(s) over 10 round(s); seeded with 0".to_string(), 2)
        );
        assert_eq!(
            tally(&["smp: stopped at the turn limit (100) before"]).0,
            "smp: stopped at the turn limit (100) before"
        );
        assert_eq!(tally(&["nash: issue `a 1`: 2.5 used", "nash: issue `b`: 2.5 used"]).0, "nash: issue …: 2.5 used");
    }
}

/// One observed negotiation issue: the actors' stances, the status quo and the outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedIssue {
    /// Group of issues negotiated together (a DEU proposal); multi-issue models such as the
    /// exchange model treat a group as one multi-issue space.
    pub group: String,
    /// Issue identifier.
    pub id: String,
    /// A one-issue table of the actors with both position and salience.
    pub table: ActorTable,
    /// Reference point (status quo), if known.
    pub reference_point: Option<f64>,
    /// The observed outcome.
    pub outcome: f64,
}

/// How a backtested model forecasts.
pub enum BacktestModel {
    /// A model solved on each issue's own table; `Nash` gets the issue's reference point.
    PerIssue(Box<dyn BargainingModel + Sync>),
    /// The Nash solution with the issue's reference point as disagreement point.
    Nash(crate::nash::Loss),
    /// A multi-issue model solved once per group on the group's issues together.
    PerGroup(Box<dyn BargainingModel + Sync>),
    /// The reference point itself (scored only where there is one).
    ReferencePoint,
}

/// Per-issue forecasts and errors.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueForecasts {
    pub group: String,
    pub issue: String,
    pub outcome: f64,
    /// One entry per model, in the order given; `None` where the model does not apply.
    pub forecasts: Vec<Option<f64>>,
}

/// The result of a backtest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestReport {
    pub models: Vec<String>,
    pub summaries: Vec<ErrorSummary>,
    pub issues: Vec<IssueForecasts>,
    /// Notes from models (fallbacks), counted by text.
    pub notes: Vec<(String, usize)>,
}

/// Joins one-issue tables of the same group into a multi-issue table (actors in first-seen
/// order; an actor missing from an issue gets no cell there).
pub fn join_group(issues: &[&ObservedIssue]) -> Result<ActorTable, ModelError> {
    let mut actors: Vec<String> = Vec::new();
    for i in issues {
        for a in i.table.actors() {
            if !actors.contains(a) {
                actors.push(a.clone());
            }
        }
    }
    let n = issues.len();
    let mut cells = vec![None; actors.len() * n];
    let mut iss = Vec::with_capacity(n);
    for (k, i) in issues.iter().enumerate() {
        let mut issue = i.table.issues()[0].clone();
        issue.name = i.id.clone();
        iss.push(issue);
        for (a0, name) in i.table.actors().iter().enumerate() {
            let a = actors.iter().position(|x| x == name).unwrap_or(0);
            cells[a * n + k] = i.table.cell(a0, 0);
        }
    }
    Ok(ActorTable::new(actors, iss, cells)?)
}

/// Forecasts every issue with every model and scores the absolute errors.
pub fn run_backtest(
    issues: &[ObservedIssue],
    models: &[(String, BacktestModel)],
    ctx: &SolveContext,
) -> Result<BacktestReport, ModelError> {
    let mut rows: Vec<IssueForecasts> = issues
        .iter()
        .map(|i| IssueForecasts {
            group: i.group.clone(),
            issue: i.id.clone(),
            outcome: i.outcome,
            forecasts: vec![None; models.len()],
        })
        .collect();
    let mut tallies: Vec<NoteTally> = Vec::new();
    let mut note = |m: &str, s: &str| {
        let (key, numbers) = generic_note(&format!("{m}: {s}"));
        match tallies.iter_mut().find(|t| t.key == key) {
            Some(t) => t.add(&numbers),
            None => tallies.push(NoteTally::new(key, numbers)),
        }
    };
    for (mi, (name, model)) in models.iter().enumerate() {
        match model {
            BacktestModel::PerIssue(m) => {
                for (r, i) in rows.iter_mut().zip(issues) {
                    match m.solve(&i.table, ctx) {
                        Ok(s) => {
                            s.notes.iter().for_each(|n| note(name, n));
                            r.forecasts[mi] = Some(s.final_forecasts()[0]);
                        }
                        // A model that cannot solve an issue is not scored on it; the reason
                        // is counted in the notes.
                        Err(e) => note(name, &format!("not scored: {e}")),
                    }
                }
            }
            BacktestModel::Nash(loss) => {
                for (r, i) in rows.iter_mut().zip(issues) {
                    let m =
                        crate::nash::Nash { loss: *loss, status_quo: vec![i.reference_point], ..Default::default() };
                    match m.solve(&i.table, ctx) {
                        Ok(s) => {
                            s.notes.iter().for_each(|n| note(name, n));
                            r.forecasts[mi] = Some(s.final_forecasts()[0]);
                        }
                        // A model that cannot solve an issue is not scored on it; the reason
                        // is counted in the notes.
                        Err(e) => note(name, &format!("not scored: {e}")),
                    }
                }
            }
            BacktestModel::ReferencePoint => {
                for (r, i) in rows.iter_mut().zip(issues) {
                    r.forecasts[mi] = i.reference_point;
                }
            }
            BacktestModel::PerGroup(m) => {
                let mut start = 0;
                while start < issues.len() {
                    let g = &issues[start].group;
                    let end = start + issues[start..].iter().take_while(|i| &i.group == g).count();
                    let members: Vec<&ObservedIssue> = issues[start..end].iter().collect();
                    let table = join_group(&members)?;
                    match m.solve(&table, ctx) {
                        Ok(s) => {
                            s.notes.iter().for_each(|n| note(name, n));
                            for (k, f) in s.final_forecasts().into_iter().enumerate() {
                                rows[start + k].forecasts[mi] = Some(f);
                            }
                        }
                        Err(e) => note(name, &format!("not scored: {e}")),
                    }
                    start = end;
                }
            }
        }
    }
    let summaries = (0..models.len())
        .map(|mi| {
            let errs: Vec<f64> = rows.iter().filter_map(|r| r.forecasts[mi].map(|f| (f - r.outcome).abs())).collect();
            summarise(&errs)
        })
        .collect();
    let notes = tallies.iter().map(|t| (t.render(), t.count)).collect();
    Ok(BacktestReport { models: models.iter().map(|(n, _)| n.clone()).collect(), summaries, issues: rows, notes })
}

/// The placeholder of a number in a note's key (a private-use character: no note has it).
const NUMBER: char = '\u{E000}';

/// Splits a note into a key that issues share and the numbers in it: a quoted issue name
/// becomes `…`, each number a placeholder (so that `12 turn(s)` and `30 turn(s)` count as one note).
fn generic_note(s: &str) -> (String, Vec<f64>) {
    let s = match (s.find('`'), s.rfind('`')) {
        (Some(a), Some(b)) if b > a => format!("{}…{}", &s[..a], &s[b + 1..]),
        _ => s.to_string(),
    };
    let mut numbers = Vec::new();
    let words: Vec<String> = s
        .split(' ')
        .map(|w| {
            // A number may sit in brackets or before a comma: `(100)`, `10,`.
            let core = w.trim_matches(|c: char| "(),;:".contains(c));
            let numeric = core.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+')
                && core.chars().any(|c| c.is_ascii_digit());
            match core.parse::<f64>() {
                Ok(x) if numeric => {
                    numbers.push(x);
                    w.replacen(core, &NUMBER.to_string(), 1)
                }
                _ => w.to_string(),
            }
        })
        .collect();
    (words.join(" "), numbers)
}

/// One note counted over issues, with the range of each of its numbers.
struct NoteTally {
    key: String,
    /// `(min, max)` of each number of the note, in order.
    ranges: Vec<(f64, f64)>,
    count: usize,
}

impl NoteTally {
    fn new(key: String, numbers: Vec<f64>) -> Self {
        NoteTally { key, ranges: numbers.iter().map(|&x| (x, x)).collect(), count: 1 }
    }

    fn add(&mut self, numbers: &[f64]) {
        for (r, &x) in self.ranges.iter_mut().zip(numbers) {
            *r = (r.0.min(x), r.1.max(x));
        }
        self.count += 1;
    }

    /// The note with its numbers back: one value where every issue had the same, else
    /// `min–max` (`KTAB SMP: 3–100 turn(s)`).
    fn render(&self) -> String {
        let mut ranges = self.ranges.iter();
        let mut out = String::with_capacity(self.key.len());
        for c in self.key.chars() {
            if c != NUMBER {
                out.push(c);
                continue;
            }
            match ranges.next() {
                Some(&(lo, hi)) if lo == hi => out.push_str(&lo.to_string()),
                Some(&(lo, hi)) => out.push_str(&format!("{lo}–{hi}")),
                None => out.push(c),
            }
        }
        out
    }
}

/// Runs a model on the actors with positive weight (capability × salience > 0) only.
/// Models such as KTAB's SMP reject zero-salience or zero-capability actors, who have no
/// influence in any of the models; in a backtest they are dropped rather than failing the
/// issue. Positions of dropped actors are reported unchanged.
pub struct PositiveWeightsOnly<M>(pub M);

impl<M: BargainingModel> BargainingModel for PositiveWeightsOnly<M> {
    fn name(&self) -> &str {
        self.0.name()
    }
    fn solve(&self, table: &ActorTable, ctx: &SolveContext) -> Result<crate::Solution, ModelError> {
        let (m, n) = (table.n_issues(), table.n_actors());
        let keep: Vec<usize> = (0..n)
            .filter(|&a| (0..m).any(|k| table.cell(a, k).is_some_and(|c| c.capability * c.salience > 0.0)))
            .collect();
        if keep.len() == n {
            return self.0.solve(table, ctx);
        }
        let actors = keep.iter().map(|&a| table.actors()[a].clone()).collect();
        let cells = keep.iter().flat_map(|&a| (0..m).map(move |k| (a, k))).map(|(a, k)| table.cell(a, k)).collect();
        let sub = ActorTable::new(actors, table.issues().to_vec(), cells)?;
        // Errors about one actor refer to the sub-table: map them back to the table's index.
        let mut s = self.0.solve(&sub, ctx).map_err(|e| match e {
            ModelError::Actor { actor, issue, field, message } => {
                ModelError::Actor { actor: keep[actor], issue, field, message }
            }
            e => e,
        })?;
        s.actors = table.actors().to_vec();
        for (k, is) in s.issues.iter_mut().enumerate() {
            for r in &mut is.rounds {
                let mut all: Vec<Option<f64>> = (0..n).map(|a| table.cell(a, k).map(|c| c.position)).collect();
                for (i, &a) in keep.iter().enumerate() {
                    all[a] = r.positions[i];
                }
                r.positions = all;
            }
        }
        s.notes.push(format!("{} actor(s) without weight left out", n - keep.len()));
        Ok(s)
    }
}
