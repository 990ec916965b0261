//! Back-casts: forecasts of wars whose ends we know, made from the day their talks opened and
//! scored on what happened.
//!
//! A case is a scenario that starts at its forecast origin and uses only what was known then
//! (the built-ins: [`truce_engine::builtin::BACKCAST`]), plus an **outcome file** that records
//! what happened after the origin: the war's start (for the base rate), the date up to which
//! the record is complete, and the war's state from each dated change on ([`Outcome`]). The
//! scores, per case (`docs/backcast.md`):
//!
//! - the state of the war 1, 2 and 3 years after the origin (fighting, low activity, a
//!   ceasefire in force, settled, a side collapsed) as a categorical forecast — the share of
//!   runs in each state at that date — scored by its log and Brier scores
//!   ([`crate::score::Categorical`]);
//! - the realised time to the first end of high-intensity war as a PIT value (the share of
//!   runs whose high-intensity war ended earlier), and whether it lies in the forecast's
//!   central 90% (5–95%);
//! - the same scores for a **base-rate forecaster** that knows only the war's age at the
//!   origin: a Weibull fitted to the Correlates of War inter-state wars known at the origin
//!   (those that had ended by then, and those still going, right-censored at their age;
//!   `data/wars/`), conditional on the war's age, with every way of ending alike.
//!
//! What this module must never do: let an outcome reach a forecast. A case's forecast is made
//! by [`forecast_case`] from its [`ForecastJob`] alone; the outcome enters only
//! [`score_case`], after the forecast is finished, and nothing here feeds anything back into
//! the scenario, the job or the aggregate (tested: the forecast is bit-identical with an
//! outcome file removed or altered). It does no I/O: callers read files and pass their text
//! (the built-in outcome files and the COW data are embedded). It never reads the clock.

use crate::ensemble::ForecastAggregate;
use crate::job::{Forecast, ForecastJob, Hooks, JobError, JobOutput, Prepared};
use crate::score::{case_uniform, randomised_pit, Categorical, ScoreError};
use crate::selection::SelectionReport;
use serde::Serialize;
use truce_engine::calendar::CivilDate;
use truce_engine::outcome::{WarEvent, WarState};
use truce_engine::weibull::{Duration, Weibull};

/// The outcome files of the built-in cases, by scenario name.
pub const BUILTIN_OUTCOMES: &[(&str, &str)] = &[
    ("korea-1951", include_str!("../../../data/backcast/outcomes/korea-1951.toml")),
    ("iran-iraq-1987", include_str!("../../../data/backcast/outcomes/iran-iraq-1987.toml")),
    ("vietnam-1968", include_str!("../../../data/backcast/outcomes/vietnam-1968.toml")),
    ("bosnia-1993", include_str!("../../../data/backcast/outcomes/bosnia-1993.toml")),
    ("ukraine-2022", include_str!("../../../data/backcast/outcomes/ukraine-2022.toml")),
];

/// The Correlates of War inter-state wars (`data/wars/cow-interstate-wars.csv`), embedded so
/// that the base rate needs no file.
pub const COW_WARS_CSV: &str = include_str!("../../../data/wars/cow-interstate-wars.csv");

/// The outcome file of built-in case `name`.
pub fn builtin_outcome(name: &str) -> Option<&'static str> {
    BUILTIN_OUTCOMES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Years after the origin at which the war's state is scored.
pub const YEARS: [u32; 3] = [1, 2, 3];

/// The lower and upper quantile of the interval the realised time to the end is checked
/// against (the forecast's central 90%).
pub const INTERVAL: (f64, f64) = (0.05, 0.95);

/// The states a war can be in at a date, in reporting order: the engine's
/// [`WarState::ALL`] by JSON name (in outcome files a collapse names the side:
/// `collapsed_<side id>`, [`state_names`]).
pub const STATES: [&str; WarState::COUNT] =
    ["fighting", "low_activity", "ceasefire", "settled", "collapsed_first", "collapsed_second"];

/// Index of "fighting" in [`STATES`].
const FIGHTING: usize = WarState::Fighting as usize;

/// Why a back-cast could not be made.
#[derive(Debug, thiserror::Error)]
pub enum BackcastError {
    /// An outcome file is not valid: names the file, line, column and field.
    #[error("{file}:{line}:{column}: `{field}`: {problem}")]
    Outcome {
        /// The file (or label) of the outcome.
        file: String,
        /// 1-based line (0 if unknown).
        line: usize,
        /// 1-based column (0 if unknown).
        column: usize,
        /// The field's name.
        field: String,
        /// What is wrong and what was expected.
        problem: String,
    },
    /// The forecast job failed.
    #[error("{0}")]
    Job(String),
    /// The embedded war data or a fit failed.
    #[error("base rate: {0}")]
    BaseRate(String),
    /// A score could not be computed.
    #[error("score: {0}")]
    Score(#[from] ScoreError),
}

impl From<JobError> for BackcastError {
    fn from(e: JobError) -> Self {
        BackcastError::Job(e.describe(|o| o.name()))
    }
}

// ---- Outcome files ------------------------------------------------------------------------

/// One dated change of the war's state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The first day in the new state.
    pub from: CivilDate,
    /// Index into [`STATES`].
    pub state: usize,
    /// Where the date and the state come from.
    pub source: String,
}

/// What happened after a case's origin: read only by [`score_case`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// The scenario this outcome scores.
    pub scenario: String,
    /// The forecast origin (must equal the scenario's start).
    pub origin: CivilDate,
    /// When the war began (its age at the origin drives the base rate).
    pub war_start: CivilDate,
    /// The source of `war_start`.
    pub war_start_source: String,
    /// The record is complete up to this date; later states are unknown.
    pub observed_until: CivilDate,
    /// The source of `observed_until`.
    pub observed_until_source: String,
    /// What the case file says of the end, for people.
    pub note: String,
    /// The war's state from each date on (fighting before the first), dates increasing.
    pub states: Vec<Change>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomeFile {
    scenario: toml::Spanned<String>,
    origin: toml::Spanned<toml::value::Datetime>,
    war_start: toml::Spanned<toml::value::Datetime>,
    #[serde(default)]
    war_start_source: String,
    observed_until: toml::Spanned<toml::value::Datetime>,
    #[serde(default)]
    observed_until_source: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    states: Vec<ChangeFile>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeFile {
    from: toml::Spanned<toml::value::Datetime>,
    state: toml::Spanned<String>,
    #[serde(default)]
    source: String,
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before.chars().count(), |i| before[i + 1..].chars().count()) + 1;
    (line, column)
}

impl Outcome {
    /// Parses and checks an outcome file against the scenario it scores: `name` and `start`
    /// are the scenario's name and start date, `sides` its two side ids (a collapse is
    /// written `collapsed_<side id>`). `file` labels errors.
    pub fn parse(
        file: &str,
        text: &str,
        name: &str,
        start: CivilDate,
        sides: &[String],
    ) -> Result<Self, BackcastError> {
        let err = |span: std::ops::Range<usize>, field: &str, problem: String| {
            let (line, column) = line_col(text, span.start);
            BackcastError::Outcome { file: file.into(), line, column, field: field.into(), problem }
        };
        let raw: OutcomeFile = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((0, 0), |s| line_col(text, s.start));
            BackcastError::Outcome {
                file: file.into(),
                line,
                column,
                field: "outcome".into(),
                problem: e.message().to_string(),
            }
        })?;
        let date = |d: &toml::Spanned<toml::value::Datetime>, field: &str| -> Result<CivilDate, BackcastError> {
            match (d.get_ref().date, d.get_ref().time) {
                (Some(x), None) => {
                    let c = CivilDate { year: i32::from(x.year), month: u32::from(x.month), day: u32::from(x.day) };
                    if c.is_valid() {
                        Ok(c)
                    } else {
                        Err(err(d.span(), field, format!("{c} is not a calendar date")))
                    }
                }
                _ => Err(err(d.span(), field, "expected a date such as 1953-07-27 (no time)".into())),
            }
        };
        if raw.scenario.get_ref() != name {
            return Err(err(
                raw.scenario.span(),
                "scenario",
                format!("this outcome scores `{}`, not the scenario `{name}`", raw.scenario.get_ref()),
            ));
        }
        let origin = date(&raw.origin, "origin")?;
        if origin != start {
            return Err(err(
                raw.origin.span(),
                "origin",
                format!("{origin} is not the scenario's start {start}: the origin is where the forecast starts"),
            ));
        }
        let war_start = date(&raw.war_start, "war_start")?;
        if war_start > origin {
            return Err(err(raw.war_start.span(), "war_start", format!("{war_start} is after the origin {origin}")));
        }
        let observed_until = date(&raw.observed_until, "observed_until")?;
        if observed_until < origin {
            return Err(err(
                raw.observed_until.span(),
                "observed_until",
                format!("{observed_until} is before the origin {origin}"),
            ));
        }
        let names = state_names(sides);
        let mut states: Vec<Change> = Vec::with_capacity(raw.states.len());
        for (i, c) in raw.states.iter().enumerate() {
            let field = format!("states[{i}]");
            let from = date(&c.from, &format!("{field}.from"))?;
            let state = names.iter().position(|n| n == c.state.get_ref()).ok_or_else(|| {
                err(
                    c.state.span(),
                    &format!("{field}.state"),
                    format!("unknown state `{}`; expected one of: {}", c.state.get_ref(), names.join(", ")),
                )
            })?;
            if from <= origin || from > observed_until {
                return Err(err(
                    c.from.span(),
                    &format!("{field}.from"),
                    format!("{from} must lie after the origin {origin} and by observed_until {observed_until}"),
                ));
            }
            if let Some(prev) = states.last() {
                if from <= prev.from {
                    return Err(err(
                        c.from.span(),
                        &format!("{field}.from"),
                        format!("{from} is not after the previous change ({}): dates must increase", prev.from),
                    ));
                }
                if state == prev.state {
                    return Err(err(
                        c.state.span(),
                        &format!("{field}.state"),
                        format!("`{}` repeats the previous state: list changes only", names[state]),
                    ));
                }
            } else if state == FIGHTING {
                return Err(err(
                    c.state.span(),
                    &format!("{field}.state"),
                    "the war is fighting at the origin: the first change must be to another state".into(),
                ));
            }
            states.push(Change { from, state, source: c.source.clone() });
        }
        Ok(Outcome {
            scenario: raw.scenario.into_inner(),
            origin,
            war_start,
            war_start_source: raw.war_start_source,
            observed_until,
            observed_until_source: raw.observed_until_source,
            note: raw.note,
            states,
        })
    }

    /// The war's state on date `d` (index into [`STATES`]); `None` after `observed_until`.
    pub fn state_at(&self, d: CivilDate) -> Option<usize> {
        if d > self.observed_until {
            return None;
        }
        Some(self.states.iter().take_while(|c| c.from <= d).last().map_or(FIGHTING, |c| c.state))
    }

    /// The first date high-intensity war ended (the first change away from fighting), if it
    /// did by `observed_until`.
    pub fn first_end(&self) -> Option<&Change> {
        self.states.first()
    }

    /// The war's age at the origin, in days.
    pub fn age_days(&self) -> i64 {
        self.origin.to_days() - self.war_start.to_days()
    }
}

/// The state names of an outcome file: [`STATES`] with a collapse named by the side id.
pub fn state_names(sides: &[String]) -> Vec<String> {
    WarState::ALL.iter().map(|k| k.observed_name(sides)).collect()
}

/// The date `years` years after `d` (29 February becomes 28 February).
pub fn plus_years(d: CivilDate, years: u32) -> CivilDate {
    let y = d.year + years as i32;
    let c = CivilDate { year: y, month: d.month, day: d.day };
    if c.is_valid() {
        c
    } else {
        CivilDate { year: y, month: d.month, day: d.day - 1 }
    }
}

/// The forecast week (0-based, from `start`) that contains date `d`.
pub fn week_of(start: CivilDate, d: CivilDate) -> i64 {
    (d.to_days() - start.to_days()).div_euclid(7)
}

// ---- What the back-cast reads of a forecast ---------------------------------------------------

/// What a back-cast reads of a finished forecast: per week the number of runs in each state
/// ([`STATES`]), and per week the number of runs whose high-intensity war had ended by then.
/// Built from the aggregate only ([`CaseForecast::from_aggregate`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CaseForecast {
    /// Runs in the forecast.
    pub runs: u64,
    /// `states[week][state]`: runs in each state at the end of the week.
    pub states: Vec<[u64; WarState::COUNT]>,
    /// `ended_by[week]`: runs whose high-intensity war had ended by the end of the week.
    pub ended_by: Vec<u64>,
}

impl CaseForecast {
    /// Reads the states at each week (the aggregate's states at date: a ceasefire in force
    /// that week, whether or not it later broke down) and the end of high-intensity war by
    /// each week (the first week a run left high-intensity fighting: the event
    /// [`WarEvent::HighIntensityEnded`], as the Correlates of War date a war's end).
    pub fn from_aggregate(a: &ForecastAggregate) -> Self {
        let weeks = a.states.weeks();
        let mut states = Vec::with_capacity(weeks as usize);
        let mut ended_by = Vec::with_capacity(weeks as usize);
        for w in 0..weeks {
            let mut row = [0u64; WarState::COUNT];
            for k in WarState::ALL {
                row[k.index()] = a.states.count(w, k.index());
            }
            states.push(row);
            ended_by.push(a.events.cumulative_count(WarEvent::HighIntensityEnded.index(), w));
        }
        CaseForecast { runs: a.runs, states, ended_by }
    }

    /// Weeks covered (the horizon).
    pub fn weeks(&self) -> u32 {
        self.states.len() as u32
    }

    /// Share of runs whose high-intensity war had ended by the end of week `w` (0 before
    /// week 0; the last week's share after the horizon).
    pub fn cdf(&self, w: i64) -> f64 {
        if w < 0 || self.runs == 0 {
            return 0.0;
        }
        let i = (w as usize).min(self.ended_by.len().saturating_sub(1));
        self.ended_by.get(i).map_or(0.0, |&c| c as f64 / self.runs as f64)
    }

    /// The first week by whose end at least a share `p` of runs had ended (`None`: not within
    /// the horizon).
    pub fn quantile(&self, p: f64) -> Option<u32> {
        let need = p * self.runs as f64;
        self.ended_by.iter().position(|&c| c as f64 >= need).map(|w| w as u32)
    }
}

/// Runs a case's forecast: the job alone, no outcome. Returns the prepared job (for the
/// scenario as loaded) and the forecast.
pub fn forecast_case(job: &ForecastJob) -> Result<(Prepared, Forecast), BackcastError> {
    let prepared = job.prepare()?;
    match prepared.run(Hooks::none())? {
        JobOutput::Forecast(f) => Ok((prepared, *f)),
        JobOutput::Part(_) => Err(BackcastError::Job("a back-cast needs the whole forecast, not a shard".into())),
    }
}

// ---- The base-rate forecaster ---------------------------------------------------------------

/// One Correlates of War inter-state war: name and dates.
#[derive(Debug, Clone, PartialEq)]
pub struct War {
    /// COW war name.
    pub name: String,
    /// First day of fighting.
    pub start: CivilDate,
    /// Last day of fighting.
    pub end: CivilDate,
}

fn parse_date(s: &str) -> Option<CivilDate> {
    let mut it = s.split('-');
    let (y, m, d) = (it.next()?.parse().ok()?, it.next()?.parse().ok()?, it.next()?.parse().ok()?);
    let c = CivilDate { year: y, month: m, day: d };
    (it.next().is_none() && c.is_valid()).then_some(c)
}

/// The wars of a COW war-level CSV (`data/wars/cow-interstate-wars.csv`: columns `war_num,
/// war_name,start,end,duration_days,…`).
pub fn read_wars(csv_text: &str) -> Result<Vec<War>, BackcastError> {
    let mut r = csv::ReaderBuilder::new().from_reader(csv_text.as_bytes());
    let headers = r.headers().map_err(|e| BackcastError::BaseRate(e.to_string()))?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| BackcastError::BaseRate(format!("the war list has no column `{name}`")))
    };
    let (cn, cs, ce) = (col("war_name")?, col("start")?, col("end")?);
    let mut wars = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| BackcastError::BaseRate(format!("row {}: {e}", i + 2)))?;
        let field = |c: usize| rec.get(c).unwrap_or("");
        let (start, end) = match (parse_date(field(cs)), parse_date(field(ce))) {
            (Some(s), Some(e)) if e >= s => (s, e),
            _ => return Err(BackcastError::BaseRate(format!("row {}: bad start or end date", i + 2))),
        };
        wars.push(War { name: field(cn).to_string(), start, end });
    }
    Ok(wars)
}

/// The base-rate forecaster's Weibull of war durations: fitted by the engine's one
/// maximum-likelihood estimator ([`truce_engine::weibull::Weibull::fit`]) to the wars known at
/// the origin, with the wars still going then right-censored at their age.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BaseRateFit {
    /// Shape k (< 1: the hazard of ending falls as a war ages).
    pub shape: f64,
    /// Scale λ in days.
    pub scale_days: f64,
    /// Wars that had ended by the fit date.
    pub ended: usize,
    /// Wars still going at the fit date (censored).
    pub ongoing: usize,
}

impl BaseRateFit {
    /// Fits to the wars known at `origin`: those that had ended by then (duration in days,
    /// floored at 1) and those that had begun but not ended (censored at their age). Wars
    /// that began after `origin` are unknown and left out.
    pub fn fit_known_at(wars: &[War], origin: CivilDate) -> Result<Self, BackcastError> {
        let mut obs = Vec::new();
        for w in wars.iter().filter(|w| w.start < origin) {
            let ended = w.end < origin;
            let last = if ended { w.end } else { origin };
            let t = ((last.to_days() - w.start.to_days()) as f64).max(1.0);
            obs.push((if ended { Duration::Exact(t) } else { Duration::AtLeast(t) }, 1.0));
        }
        let ended = obs.iter().filter(|(d, _)| matches!(d, Duration::Exact(_))).count();
        if ended < 2 {
            return Err(BackcastError::BaseRate(format!(
                "need at least two ended wars with positive durations ({ended} ended of {})",
                obs.len()
            )));
        }
        let w = Weibull::fit(&obs).map_err(BackcastError::BaseRate)?;
        Ok(BaseRateFit { shape: w.shape, scale_days: w.scale, ended, ongoing: obs.len() - ended })
    }

    fn weibull(&self) -> Weibull {
        Weibull { shape: self.shape, scale: self.scale_days }
    }

    /// P(the war has ended within `more` days | it was still going at age `age` days).
    pub fn p_end_within(&self, age: f64, more: f64) -> f64 {
        self.weibull().p_end_within(age, more)
    }

    /// The time in days after age `age` by which the war has ended with probability `p`.
    pub fn remaining_quantile(&self, age: f64, p: f64) -> f64 {
        self.weibull().remaining_quantile(age, p)
    }
}

// ---- Scores -------------------------------------------------------------------------------------

/// A categorical forecast of the war's state at one date and its scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateScore {
    /// The probability of each state ([`STATES`] order; truce's are floored, see
    /// [`Categorical::from_counts`]).
    pub probs: Vec<f64>,
    /// The probability given to the realised state.
    pub p_observed: f64,
    /// Log score −ln p (nats; smaller is better).
    pub log: f64,
    /// Brier score Σ (p − o)² over the states (0–2; smaller is better).
    pub brier: f64,
}

impl StateScore {
    fn new(c: &Categorical, observed: usize) -> Self {
        StateScore {
            probs: c.probs().to_vec(),
            p_observed: c.probs()[observed],
            log: c.log_score(observed),
            brier: c.brier(observed),
        }
    }
}

/// The war's state some years after the origin: what happened and both forecasters' scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearScore {
    /// Years after the origin.
    pub years: u32,
    /// The date scored.
    pub date: CivilDate,
    /// The forecast week that contains it.
    pub week: u32,
    /// The realised state (its name in the outcome file).
    pub observed: String,
    /// truce's forecast.
    pub truce: StateScore,
    /// The base-rate forecaster's.
    pub base_rate: StateScore,
}

/// The realised time to the first end of high-intensity war against a forecast of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndScore {
    /// PIT: the share of runs (truce) or the probability (base rate) of an earlier end,
    /// randomised over the week's atom for truce; for a censored end, the lower bound
    /// F(censoring date).
    pub pit: f64,
    /// The forecast's 5%, 50% and 95% quantiles of the weeks to the end (`None`: not within
    /// the horizon).
    pub quantiles: [Option<f64>; 3],
    /// Whether the realised time lies in the central 90% ([`INTERVAL`]); for a censored end,
    /// whether it still can (fewer than 95% of the forecast's ends before the censoring date).
    pub inside_90: bool,
}

/// One scored case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseScore {
    /// The scenario's name.
    pub case: String,
    /// Its title.
    pub title: String,
    /// The forecast origin (the scenario's start).
    pub origin: CivilDate,
    /// The war's start and its age at the origin (days).
    pub war_start: CivilDate,
    /// Age at the origin in days.
    pub age_days: i64,
    /// The record is complete to this date.
    pub observed_until: CivilDate,
    /// The first end of high-intensity war: its state and date, if it came by
    /// `observed_until` (else the end is censored at that date).
    pub first_end: Option<(String, CivilDate)>,
    /// Weeks from the origin to the first end (or to the censoring date).
    pub end_week: i64,
    /// The end is right-censored (no end by `observed_until`).
    pub censored: bool,
    /// The war's final state by `observed_until`, and the note of the outcome file.
    pub final_state: String,
    /// What the outcome file says of the end.
    pub note: String,
    /// The forecast: runs, seed, horizon, fingerprint.
    pub runs: u64,
    /// Seed of the forecast.
    pub seed: u64,
    /// Horizon of the forecast (weeks).
    pub horizon: u32,
    /// Fingerprint of the forecast (scenario text, seed, horizon).
    pub fingerprint: String,
    /// The base-rate Weibull fitted on the wars known at the origin.
    pub weibull: BaseRateFit,
    /// The state 1, 2 and 3 years after the origin (dates not yet observed are left out).
    pub years: Vec<YearScore>,
    /// truce's forecast of the time to the end, scored.
    pub truce_end: EndScore,
    /// The base rate's.
    pub base_rate_end: EndScore,
    /// Both forecasts of the time to the end as curves, for pictures.
    pub curves: EndCurves,
    /// What selection by survival did to truce's forecast (`crate::selection`): the war's
    /// age in weeks as the scenario states it, the pilot runs that lasted it, the effective
    /// sample size; `None` when the scenario's war begins at its start.
    pub selection: Option<SelectionReport>,
}

/// The probability that high-intensity war has ended by each of a list of weeks, for truce
/// and the base rate (every [`CURVE_STEP`] weeks to the horizon).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndCurves {
    /// Weeks from the origin.
    pub weeks: Vec<u32>,
    /// truce: the share of runs whose high-intensity war had ended by the end of the week.
    pub truce: Vec<f64>,
    /// The base rate: the probability that the war had ended by then.
    pub base_rate: Vec<f64>,
}

/// Weeks between the points of [`EndCurves`].
pub const CURVE_STEP: u32 = 4;

/// Scores a finished forecast of a case against its outcome. `case_index` keys the uniform
/// that randomises the PIT ([`case_uniform`]).
pub fn score_case(
    prepared: &Prepared,
    forecast: &Forecast,
    outcome: &Outcome,
    wars: &[War],
    case_index: u64,
) -> Result<CaseScore, BackcastError> {
    let l = prepared.loaded();
    let start = l.params.start;
    let f = CaseForecast::from_aggregate(&forecast.aggregate);
    let sides: Vec<String> = l.params.sides.iter().map(|s| s.id.clone()).collect();
    let names = state_names(&sides);
    let weibull = BaseRateFit::fit_known_at(wars, outcome.origin)?;
    let age = outcome.age_days() as f64;
    let mut years = Vec::new();
    for y in YEARS {
        let date = plus_years(outcome.origin, y);
        let week = week_of(start, date);
        let Some(observed) = outcome.state_at(date) else { continue };
        if week < 0 || week >= i64::from(f.weeks()) {
            continue;
        }
        let truce = Categorical::from_counts(&f.states[week as usize])?;
        let p_end = weibull.p_end_within(age, (date.to_days() - outcome.origin.to_days()) as f64);
        let mut base = vec![p_end / (WarState::COUNT - 1) as f64; WarState::COUNT];
        base[FIGHTING] = 1.0 - p_end;
        let base = Categorical::from_probs(base)?;
        years.push(YearScore {
            years: y,
            date,
            week: week as u32,
            observed: names[observed].clone(),
            truce: StateScore::new(&truce, observed),
            base_rate: StateScore::new(&base, observed),
        });
    }
    let (end_date, censored) = match outcome.first_end() {
        Some(c) => (c.from, false),
        None => (outcome.observed_until, true),
    };
    let end_week = week_of(start, end_date);
    let end_days = (end_date.to_days() - outcome.origin.to_days()) as f64;
    let q = [INTERVAL.0, 0.5, INTERVAL.1].map(|p| f.quantile(p).map(f64::from));
    let (below, at) = (f.cdf(end_week - 1), f.cdf(end_week));
    let truce_end = if censored {
        EndScore { pit: at, quantiles: q, inside_90: at < INTERVAL.1 }
    } else {
        let inside = q[0].is_some_and(|lo| lo <= end_week as f64) && q[2].is_none_or(|hi| end_week as f64 <= hi);
        EndScore {
            pit: randomised_pit(below, at, case_uniform(forecast.aggregate.seed, case_index)),
            quantiles: q,
            inside_90: inside,
        }
    };
    let base_pit = weibull.p_end_within(age, end_days);
    let base_q = [INTERVAL.0, 0.5, INTERVAL.1].map(|p| {
        // In weeks from the origin.
        Some(weibull.remaining_quantile(age, p) / 7.0)
    });
    let base_rate_end = EndScore {
        pit: base_pit,
        quantiles: base_q,
        inside_90: if censored { base_pit < INTERVAL.1 } else { (INTERVAL.0..=INTERVAL.1).contains(&base_pit) },
    };
    let final_state = outcome.state_at(outcome.observed_until).map_or_else(String::new, |s| names[s].clone());
    let curve_weeks: Vec<u32> = (0..f.weeks()).step_by(CURVE_STEP as usize).collect();
    let curves = EndCurves {
        truce: curve_weeks.iter().map(|&w| f.cdf(i64::from(w))).collect(),
        base_rate: curve_weeks.iter().map(|&w| weibull.p_end_within(age, 7.0 * f64::from(w + 1))).collect(),
        weeks: curve_weeks,
    };
    Ok(CaseScore {
        case: l.params.name.clone(),
        title: l.scenario.scenario.title.clone(),
        origin: outcome.origin,
        war_start: outcome.war_start,
        age_days: outcome.age_days(),
        observed_until: outcome.observed_until,
        first_end: outcome.first_end().map(|c| (names[c.state].clone(), c.from)),
        end_week,
        censored,
        final_state,
        note: outcome.note.clone(),
        runs: forecast.aggregate.runs,
        seed: forecast.aggregate.seed,
        horizon: forecast.aggregate.horizon,
        fingerprint: forecast.aggregate.fingerprint.clone(),
        weibull,
        years,
        truce_end,
        base_rate_end,
        curves,
        selection: forecast.summary.selection.clone(),
    })
}

/// Totals over the scored cases.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    /// Case-years scored (state at 1, 2, 3 years).
    pub case_years: usize,
    /// Mean log score of the realised state, truce and the base rate.
    pub mean_log: [f64; 2],
    /// Mean Brier score, truce and the base rate.
    pub mean_brier: [f64; 2],
    /// Per year after the origin (1, 2, 3): mean log score, truce and the base rate.
    pub mean_log_by_year: Vec<(u32, [f64; 2])>,
    /// Cases whose realised time to the end lies in truce's central 90% (a censored end
    /// counts if it still can), and in the base rate's.
    pub inside_90: [usize; 2],
    /// Cases whose end is censored.
    pub censored: usize,
    /// Cases.
    pub cases: usize,
}

/// A whole back-cast: every case and the totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backcast {
    /// The scored cases, in the order given.
    pub cases: Vec<CaseScore>,
    /// Totals over them.
    pub totals: Totals,
}

impl Backcast {
    /// Totals over `cases`.
    pub fn new(cases: Vec<CaseScore>) -> Self {
        let all: Vec<&YearScore> = cases.iter().flat_map(|c| &c.years).collect();
        let mean = |xs: &[&YearScore], f: &dyn Fn(&YearScore) -> f64| {
            if xs.is_empty() {
                f64::NAN
            } else {
                xs.iter().map(|y| f(y)).sum::<f64>() / xs.len() as f64
            }
        };
        let by_year = YEARS
            .iter()
            .map(|&y| {
                let ys: Vec<&YearScore> = all.iter().copied().filter(|s| s.years == y).collect();
                (y, [mean(&ys, &|s| s.truce.log), mean(&ys, &|s| s.base_rate.log)])
            })
            .collect();
        let totals = Totals {
            case_years: all.len(),
            mean_log: [mean(&all, &|s| s.truce.log), mean(&all, &|s| s.base_rate.log)],
            mean_brier: [mean(&all, &|s| s.truce.brier), mean(&all, &|s| s.base_rate.brier)],
            mean_log_by_year: by_year,
            inside_90: [
                cases.iter().filter(|c| c.truce_end.inside_90).count(),
                cases.iter().filter(|c| c.base_rate_end.inside_90).count(),
            ],
            censored: cases.iter().filter(|c| c.censored).count(),
            cases: cases.len(),
        };
        Backcast { cases, totals }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> CivilDate {
        CivilDate { year: y, month: m, day }
    }

    #[test]
    fn weibull_fit_matches_the_reference_on_all_cow_wars() {
        // war-theory.md §4.1: k = 0.717, scale 327 days over the 95 wars (durations ≥ 1 day).
        let wars = read_wars(COW_WARS_CSV).unwrap();
        assert_eq!(wars.len(), 95);
        let w = BaseRateFit::fit_known_at(&wars, d(2100, 1, 1)).unwrap();
        assert_eq!((w.ended, w.ongoing), (95, 0));
        assert!((w.shape - 0.717).abs() < 0.0015, "{w:?}");
        assert!((w.scale_days - 327.0).abs() < 1.5, "{w:?}");
    }

    #[test]
    fn the_base_rate_knows_only_wars_begun_before_the_origin() {
        let wars = read_wars(COW_WARS_CSV).unwrap();
        let w = BaseRateFit::fit_known_at(&wars, d(1951, 7, 10)).unwrap();
        let begun = wars.iter().filter(|x| x.start < d(1951, 7, 10)).count();
        let ongoing = wars.iter().filter(|x| x.start < d(1951, 7, 10) && x.end >= d(1951, 7, 10)).count();
        assert_eq!((w.ended + w.ongoing, w.ongoing), (begun, ongoing));
        assert_eq!(ongoing, 1, "only the Korean War was going on 10 July 1951");
        // A censored war is not an ended one: censoring lengthens the fitted durations.
        let ended_only: Vec<War> = wars.iter().filter(|x| x.end < d(1951, 7, 10)).cloned().collect();
        let w2 = BaseRateFit::fit_known_at(&ended_only, d(1951, 7, 10)).unwrap();
        assert!(w.scale_days > w2.scale_days);
    }

    #[test]
    fn conditional_end_probability_is_a_distribution_in_time() {
        let w = BaseRateFit { shape: 0.72, scale_days: 327.0, ended: 2, ongoing: 0 };
        assert_eq!(w.p_end_within(100.0, 0.0), 0.0);
        let p1 = w.p_end_within(365.0, 365.0);
        let p2 = w.p_end_within(365.0, 730.0);
        assert!(0.0 < p1 && p1 < p2 && p2 < 1.0);
        // Falling hazard: an older war is less likely to end in the next year.
        assert!(w.p_end_within(1460.0, 365.0) < w.p_end_within(365.0, 365.0));
    }

    #[test]
    fn the_states_are_the_engines() {
        let names: Vec<&str> = WarState::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names, STATES);
        assert_eq!(state_names(&sides())[4], "collapsed_unc");
    }

    #[test]
    fn dates_and_weeks() {
        assert_eq!(plus_years(d(1952, 2, 29), 1), d(1953, 2, 28));
        assert_eq!(plus_years(d(1951, 7, 10), 2), d(1953, 7, 10));
        assert_eq!(week_of(d(1951, 7, 10), d(1953, 7, 27)), 106);
        assert_eq!(week_of(d(1951, 7, 10), d(1951, 7, 16)), 0);
        assert_eq!(week_of(d(1951, 7, 10), d(1951, 7, 17)), 1);
    }

    const SIDES: [&str; 2] = ["unc", "communists"];

    fn sides() -> Vec<String> {
        SIDES.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn an_outcome_gives_the_state_at_each_date() {
        let o = Outcome::parse("k", builtin_outcome("korea-1951").unwrap(), "korea-1951", d(1951, 7, 10), &sides())
            .unwrap();
        assert_eq!(o.state_at(d(1953, 7, 26)), Some(FIGHTING));
        assert_eq!(o.state_at(d(1953, 7, 27)), Some(2));
        assert_eq!(o.state_at(d(2030, 1, 1)), None);
        assert_eq!(o.age_days(), 380);
        assert_eq!(o.first_end().unwrap().from, d(1953, 7, 27));
    }

    #[test]
    fn bad_outcome_files_name_the_line_and_field() {
        let good = builtin_outcome("korea-1951").unwrap();
        let cases = [
            (good.replace("state = \"ceasefire\"", "state = \"armistice\""), "states[0].state", "unknown state"),
            (good.replace("from = 1953-07-27", "from = 1951-07-01"), "states[0].from", "after the origin"),
            (good.replace("origin = 1951-07-10", "origin = 1951-07-11"), "origin", "scenario's start"),
            (good.replace("scenario = \"korea-1951\"", "scenario = \"korea\""), "scenario", "not the scenario"),
            (good.replace("war_start = 1950-06-25", "war_start = 1952-06-25"), "war_start", "after the origin"),
            (good.replace("state = \"ceasefire\"", "state = \"fighting\""), "states[0].state", "first change"),
            (format!("{good}\nextra = 1\n"), "outcome", "unknown field"),
        ];
        for (text, field, problem) in cases {
            let e = Outcome::parse("k.toml", &text, "korea-1951", d(1951, 7, 10), &sides()).unwrap_err();
            let msg = e.to_string();
            assert!(msg.starts_with("k.toml:") && msg.contains(field) && msg.contains(problem), "{msg}");
            if let BackcastError::Outcome { line, .. } = e {
                assert!(line > 0, "{msg}");
            }
        }
    }

    #[test]
    fn every_builtin_outcome_parses_against_its_case() {
        for (name, text) in BUILTIN_OUTCOMES {
            let l = truce_engine::load::load_str(name, truce_engine::builtin::builtin(name).unwrap()).unwrap();
            let s: Vec<String> = l.params.sides.iter().map(|x| x.id.clone()).collect();
            Outcome::parse(name, text, name, l.params.start, &s).unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(BUILTIN_OUTCOMES.iter().map(|(n, _)| *n).collect::<Vec<_>>(), truce_engine::builtin::BACKCAST);
    }
}
