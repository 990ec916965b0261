//! Observations: what was seen, to score forecasts against.
//!
//! A user writes them in a CSV file with exactly the columns `date,quantity,value,sd,source`
//! (`docs/observations.md`); `truce_io::observations` reads the file into
//! [`ObservationRow`]s, checking everything that does not depend on a scenario (dates, numbers,
//! the sd, the order). [`validate`] then checks the rows against the scenario a forecast ran
//! (side ids, its start) and resolves names to indices, giving [`Observations`].
//!
//! Quantities: `km2_held` (area held by the first side at the end of the date, km², with its
//! measurement sd), `state` (the war's state on the date: `fighting`, `ceasefire`, `settled`,
//! `collapsed_<side id>`, `low_activity`; no sd) and `casualties_<side id>` (that side's
//! cumulative killed and wounded since the scenario's start, with its sd).
//!
//! This module is pure: no I/O (reading files is `truce-io`'s job), no clock.

use std::fmt;
/// Dates of observations (re-exported so readers need not depend on the engine).
pub use truce_engine::calendar::CivilDate;

/// The file's columns, in order (1-based column numbers in errors follow this order).
pub const COLUMNS: [&str; 5] = ["date", "quantity", "value", "sd", "source"];

/// A quantity as named in a row, before the scenario is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuantityName {
    /// `km2_held`.
    Km2Held,
    /// `state`.
    State,
    /// `casualties_<side id>`.
    Casualties(String),
}

impl fmt::Display for QuantityName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuantityName::Km2Held => f.write_str("km2_held"),
            QuantityName::State => f.write_str("state"),
            QuantityName::Casualties(s) => write!(f, "casualties_{s}"),
        }
    }
}

impl QuantityName {
    /// Parses a `quantity` cell; `None` if it is none of the three forms.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "km2_held" => Some(QuantityName::Km2Held),
            "state" => Some(QuantityName::State),
            _ => {
                s.strip_prefix("casualties_").filter(|id| !id.is_empty()).map(|id| QuantityName::Casualties(id.into()))
            }
        }
    }
}

/// A war state as named in a row, before the scenario is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateName {
    /// `fighting`.
    Fighting,
    /// `ceasefire` (in force on the date).
    Ceasefire,
    /// `settled`.
    Settled,
    /// `low_activity`.
    LowActivity,
    /// `collapsed_<side id>`.
    Collapsed(String),
}

impl StateName {
    /// The names a `state` row may carry, for messages.
    pub const EXPECTED: &'static str = "fighting, ceasefire, settled, low_activity or collapsed_<side id>";

    /// Parses a `state` value; `None` if it is not one of the names.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "fighting" => Some(StateName::Fighting),
            "ceasefire" => Some(StateName::Ceasefire),
            "settled" => Some(StateName::Settled),
            "low_activity" => Some(StateName::LowActivity),
            _ => s.strip_prefix("collapsed_").filter(|id| !id.is_empty()).map(|id| StateName::Collapsed(id.into())),
        }
    }
}

/// A row's value: a number (`km2_held`, `casualties_*`) or a state name (`state`).
#[derive(Debug, Clone, PartialEq)]
pub enum RowValue {
    /// A finite number ≥ 0.
    Number(f64),
    /// A state name.
    State(StateName),
}

/// One row of an observations file, checked for everything but the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservationRow {
    /// 1-based line in the file (for errors).
    pub line: usize,
    /// The date the value holds at the end of.
    pub date: CivilDate,
    /// What was observed.
    pub quantity: QuantityName,
    /// The value.
    pub value: RowValue,
    /// Measurement error (sd, > 0) of a number; `None` for a state.
    pub sd: Option<f64>,
    /// Free text: where the value comes from.
    pub source: String,
}

/// The state of a war on a date: the categories a `state` observation and the forecast's
/// state at date share (the engine's one list; a file names a collapse by its side,
/// [`WarState::observed_name`]).
pub use truce_engine::outcome::WarState;

/// What a validated observation says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Observed {
    /// Area held by the first side (km²) with its measurement sd.
    Km2Held {
        /// km².
        value: f64,
        /// Measurement sd, km² (> 0).
        sd: f64,
    },
    /// Cumulative casualties of side `side` (index) since the scenario's start.
    Casualties {
        /// Index of the side in the scenario.
        side: usize,
        /// Killed and wounded.
        value: f64,
        /// Measurement sd (> 0).
        sd: f64,
    },
    /// The war's state.
    State(WarState),
}

/// Which quantity an observation is of, as a key for series and totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Quantity {
    /// `km2_held`.
    Km2Held,
    /// `casualties_<side>`, by side index.
    Casualties(usize),
    /// `state`.
    State,
}

impl Quantity {
    /// The quantity's name in files and reports.
    pub fn name(self, sides: &[String]) -> String {
        match self {
            Quantity::Km2Held => "km2_held".into(),
            Quantity::Casualties(s) => format!("casualties_{}", sides[s]),
            Quantity::State => "state".into(),
        }
    }
}

impl Observed {
    /// Its quantity.
    pub fn quantity(&self) -> Quantity {
        match self {
            Observed::Km2Held { .. } => Quantity::Km2Held,
            Observed::Casualties { side, .. } => Quantity::Casualties(*side),
            Observed::State(_) => Quantity::State,
        }
    }

    /// The number observed (`None` for a state).
    pub fn number(&self) -> Option<f64> {
        match self {
            Observed::Km2Held { value, .. } | Observed::Casualties { value, .. } => Some(*value),
            Observed::State(_) => None,
        }
    }
}

/// One validated observation.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// 1-based line in the file.
    pub line: usize,
    /// The date the value holds at the end of.
    pub date: CivilDate,
    /// What was observed.
    pub what: Observed,
    /// Where it comes from.
    pub source: String,
}

/// Observations validated against a scenario, in file order (dates ascending).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Observations {
    rows: Vec<Observation>,
}

impl Observations {
    /// Observations already validated (tests, and callers that build them in code); they
    /// must be in ascending date order.
    pub fn from_validated(rows: Vec<Observation>) -> Self {
        debug_assert!(rows.windows(2).all(|w| w[0].date <= w[1].date));
        Observations { rows }
    }

    /// All observations, dates ascending.
    pub fn rows(&self) -> &[Observation] {
        &self.rows
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The observations of one quantity, dates ascending.
    pub fn series(&self, q: Quantity) -> impl Iterator<Item = &Observation> {
        self.rows.iter().filter(move |o| o.what.quantity() == q)
    }

    /// The observations `keep` accepts, in order.
    pub fn filter(&self, keep: impl Fn(&Observation) -> bool) -> Observations {
        Observations { rows: self.rows.iter().filter(|o| keep(o)).cloned().collect() }
    }

    /// Only the observations dated strictly before `date`: the information set of a forecast
    /// starting that day.
    pub fn before(&self, date: CivilDate) -> Observations {
        Observations { rows: self.rows.iter().filter(|o| o.date < date).cloned().collect() }
    }
}

/// An observation that does not fit the scenario, located in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservationError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column ([`COLUMNS`] order).
    pub column: usize,
    /// The column's name.
    pub field: &'static str,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for ObservationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {} (`{}`): {}", self.line, self.column, self.field, self.message)
    }
}

impl std::error::Error for ObservationError {}

/// What [`validate`] checks the dates against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartRule {
    /// Casualty counts start at the scenario's start, so a `casualties_*` row dated before
    /// it is an error. `km2_held` and `state` rows before the start are the history the
    /// baselines need and are kept.
    CasualtiesFrom(CivilDate),
    /// A hindcast moves the start to each origin: casualty counts from a start that moves
    /// cannot be scored, so `casualties_*` rows are refused.
    NoCasualties,
}

/// Checks rows against a scenario's side ids (first side first) and start, and resolves
/// side names to indices.
pub fn validate(
    rows: Vec<ObservationRow>,
    sides: &[String],
    rule: StartRule,
) -> Result<Observations, ObservationError> {
    let side = |id: &str| sides.iter().position(|s| s == id);
    let known = || sides.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" or ");
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let err = |column: usize, message: String| ObservationError {
            line: r.line,
            column,
            field: COLUMNS[column - 1],
            message,
        };
        let number = |v: &RowValue| match v {
            RowValue::Number(x) => Ok(*x),
            RowValue::State(_) => Err(err(3, "expected a number".into())),
        };
        let sd = || r.sd.ok_or_else(|| err(4, "missing sd; expected the measurement error, a number > 0".into()));
        let what = match &r.quantity {
            QuantityName::Km2Held => Observed::Km2Held { value: number(&r.value)?, sd: sd()? },
            QuantityName::Casualties(id) => {
                let s = side(id).ok_or_else(|| {
                    err(2, format!("unknown side `{id}` in `casualties_{id}`; this scenario's sides are {}", known()))
                })?;
                match rule {
                    StartRule::CasualtiesFrom(start) if r.date < start => {
                        return Err(err(
                            1,
                            format!(
                                "{} is before the scenario's start ({start}); casualties are counted from the start",
                                r.date
                            ),
                        ))
                    }
                    StartRule::NoCasualties => {
                        return Err(err(
                            2,
                            format!(
                                "`casualties_{id}`: a hindcast moves the start to each origin and casualties are counted from the start; remove casualty rows (score them with `truce score`)"
                            ),
                        ))
                    }
                    StartRule::CasualtiesFrom(_) => {}
                }
                Observed::Casualties { side: s, value: number(&r.value)?, sd: sd()? }
            }
            QuantityName::State => {
                let RowValue::State(name) = &r.value else {
                    return Err(err(3, format!("expected a state: {}", StateName::EXPECTED)));
                };
                Observed::State(match name {
                    StateName::Fighting => WarState::Fighting,
                    StateName::Ceasefire => WarState::Ceasefire,
                    StateName::Settled => WarState::Settled,
                    StateName::LowActivity => WarState::LowActivity,
                    StateName::Collapsed(id) => match side(id) {
                        Some(0) => WarState::CollapsedFirst,
                        Some(_) => WarState::CollapsedSecond,
                        None => {
                            return Err(err(
                                3,
                                format!(
                                    "unknown side `{id}` in `collapsed_{id}`; this scenario's sides are {}",
                                    known()
                                ),
                            ))
                        }
                    },
                })
            }
        };
        out.push(Observation { line: r.line, date: r.date, what, source: r.source });
    }
    Ok(Observations { rows: out })
}
