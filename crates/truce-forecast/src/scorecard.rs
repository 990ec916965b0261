//! Scoring a stored forecast against observations, next to the two baselines.
//!
//! [`score`] takes what a forecast says week by week ([`WeeklyForecast`]: the histogram of
//! the area held, of each side's cumulative casualties, the count of runs in each state)
//! and the observations, and scores every observation dated inside the forecast: CRPS (exact
//! for the stored histogram), PIT, membership of the central 50/80/90% intervals and the
//! 90% interval score for numbers; log and Brier scores for states. The same cases are
//! scored by the baselines of [`crate::baseline`], built from the observations dated before
//! the forecast's start only. Totals per quantity compare truce and the baselines on the
//! cases all three could score (never means over different case sets).
//!
//! Dates: the forecast's week w holds the state at the end of day start + 7w + 6. An
//! observation dated d (at the end of d) is scored against the week whose end is nearest
//! (at most 3 days away); it lies inside the forecast if start ≤ d ≤ start + 7·weeks − 1.
//!
//! Measurement error: the observation's sd is reported with each case but the forecast is
//! scored against the value as observed, not convolved with N(0, sd²). The baselines are
//! scored the same way, so comparisons stay fair; in a hindcast the forecast starts from an
//! observed level, so what it forecasts is the observed series itself; and the sd of the
//! shipped series (tens of km²) is small beside the forecasts' spread (hundreds to
//! thousands of km²). `docs/observations.md` says this for users.
//!
//! Pure: no I/O, no clock; the randomised PIT and the drift baseline draw from streams
//! keyed by (seed, case).

use crate::baseline::{self, Unavailable};
use crate::ensemble::ForecastAggregate;
use crate::hash::Fnv1a;
use crate::observation::{CivilDate, Observations, Observed, Quantity, WarState};
use crate::score::{case_uniform, Categorical, NumericScore, PiecewiseUniform, Predictive};
use serde::Serialize;

/// The floor applied to forecast state probabilities, as reported with every state score.
pub const STATE_FLOOR: &str = "(k + 1/2)/(m + K/2) over K = 6 states from k of m runs";

/// What a stored forecast says about each week, for scoring.
pub trait WeeklyForecast {
    /// The forecast's first day.
    fn start(&self) -> CivilDate;
    /// Number of weeks.
    fn weeks(&self) -> u32;
    /// The area held by the first side at the end of `week` (None if not stored).
    fn km2(&self, week: u32) -> Option<PiecewiseUniform>;
    /// Side `side`'s cumulative casualties at the end of `week` (None if not stored).
    fn casualties(&self, side: usize, week: u32) -> Option<PiecewiseUniform>;
    /// Runs in each [`WarState`] (index order) at the end of `week` (None if not stored).
    fn states(&self, week: u32) -> Option<[u64; 6]>;
}

/// A stored forecast (a whole forecast's aggregate and its start date) as a
/// [`WeeklyForecast`].
#[derive(Debug, Clone, Copy)]
pub struct Stored<'a> {
    /// The aggregate (a merged or one-shard part's).
    pub aggregate: &'a ForecastAggregate,
    /// The scenario's start.
    pub start: CivilDate,
}

impl WeeklyForecast for Stored<'_> {
    fn start(&self) -> CivilDate {
        self.start
    }

    fn weeks(&self) -> u32 {
        self.aggregate.horizon
    }

    fn km2(&self, week: u32) -> Option<PiecewiseUniform> {
        self.aggregate.km2_distribution(week)
    }

    fn casualties(&self, side: usize, week: u32) -> Option<PiecewiseUniform> {
        self.aggregate.casualties_distribution(side, week)
    }

    fn states(&self, week: u32) -> Option<[u64; 6]> {
        self.aggregate.state_counts(week)
    }
}

/// The forecast week an observation dated `date` is scored against: the week whose end is
/// nearest to the end of `date`; None outside [start, start + 7·weeks − 1].
pub fn week_of(start: CivilDate, weeks: u32, date: CivilDate) -> Option<u32> {
    let days = date.to_days() - start.to_days();
    if days < 0 || days > 7 * weeks as i64 - 1 {
        return None;
    }
    Some(((2 * days - 5).div_euclid(14)).clamp(0, weeks as i64 - 1) as u32)
}

/// The date whose end week `week` ends at.
pub fn week_end(start: CivilDate, week: u32) -> CivilDate {
    CivilDate::from_days(start.to_days() + 7 * week as i64 + 6)
}

/// The scores of one case by one forecaster.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Scores {
    /// A number (`km2_held`, `casualties_*`).
    Numeric {
        /// CRPS in the quantity's unit.
        crps: f64,
        /// PIT (randomised over an atom).
        pit: f64,
        /// The forecast's median.
        median: f64,
        /// In the central 50% interval?
        in_50: bool,
        /// In the central 80% interval?
        in_80: bool,
        /// In the central 90% interval?
        in_90: bool,
        /// Interval score of the central 90% interval.
        interval_score_90: f64,
    },
    /// A state.
    State {
        /// −ln p(observed state), nats.
        log_score: f64,
        /// Multi-category Brier score Σ (p − o)², range 0–2.
        brier: f64,
        /// The probability given to the observed state (after the floor).
        p_observed: f64,
    },
}

impl Scores {
    fn numeric(s: NumericScore) -> Self {
        Scores::Numeric {
            crps: s.crps,
            pit: s.pit,
            median: s.median,
            in_50: s.inside[0],
            in_80: s.inside[1],
            in_90: s.inside[2],
            interval_score_90: s.interval_score_90,
        }
    }

    fn state(c: &Categorical, observed: WarState) -> Self {
        Scores::State {
            log_score: c.log_score(observed.index()),
            brier: c.brier(observed.index()),
            p_observed: c.probs()[observed.index()],
        }
    }
}

/// Means of scores over a set of cases.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Means {
    /// Numbers.
    Numeric {
        /// Mean CRPS.
        crps: f64,
        /// Share of cases inside the central 50% interval (nominal 0.5).
        coverage_50: f64,
        /// ... 80% (nominal 0.8).
        coverage_80: f64,
        /// ... 90% (nominal 0.9).
        coverage_90: f64,
        /// Mean interval score of the 90% interval.
        interval_score_90: f64,
        /// Mean PIT (0.5 when calibrated).
        pit_mean: f64,
    },
    /// States.
    State {
        /// Mean log score, nats.
        log_score: f64,
        /// Mean Brier score.
        brier: f64,
    },
}

/// Sums scores of one forecaster in a fixed order, for [`Means`].
#[derive(Debug, Clone, Default)]
pub struct Accumulator {
    n: usize,
    sums: [f64; 6],
    state: bool,
}

impl Accumulator {
    /// Adds one case.
    pub fn add(&mut self, s: &Scores) {
        self.n += 1;
        match *s {
            Scores::Numeric { crps, pit, in_50, in_80, in_90, interval_score_90, .. } => {
                for (acc, v) in self.sums.iter_mut().zip([
                    crps,
                    f64::from(u8::from(in_50)),
                    f64::from(u8::from(in_80)),
                    f64::from(u8::from(in_90)),
                    interval_score_90,
                    pit,
                ]) {
                    *acc += v;
                }
            }
            Scores::State { log_score, brier, .. } => {
                self.state = true;
                self.sums[0] += log_score;
                self.sums[1] += brier;
            }
        }
    }

    /// Number of cases added.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The means (None when empty).
    pub fn means(&self) -> Option<Means> {
        if self.n == 0 {
            return None;
        }
        let m = |k: usize| self.sums[k] / self.n as f64;
        Some(if self.state {
            Means::State { log_score: m(0), brier: m(1) }
        } else {
            Means::Numeric {
                crps: m(0),
                coverage_50: m(1),
                coverage_80: m(2),
                coverage_90: m(3),
                interval_score_90: m(4),
                pit_mean: m(5),
            }
        })
    }
}

/// One observation scored by truce and the baselines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    /// Line in the observations file.
    pub line: usize,
    /// The observation's date.
    pub date: CivilDate,
    /// `km2_held`, `state` or `casualties_<side>`.
    pub quantity: String,
    /// The forecast week scored against (its end is `week_end`).
    pub week: u32,
    /// The day week `week` ends.
    pub week_end: CivilDate,
    /// The number observed (None for a state).
    pub value: Option<f64>,
    /// The state observed, as the file names it (None for a number).
    pub state: Option<String>,
    /// The observation's measurement sd (reported, not convolved: see the module docs).
    pub sd: Option<f64>,
    /// truce's scores.
    pub truce: Scores,
    /// The no-change baseline's scores (None when it has no history).
    pub no_change: Option<Scores>,
    /// The 12-month drift baseline's scores (None when it has too little history).
    pub drift_12m: Option<Scores>,
    /// Why a baseline could not score this case.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Means per quantity: truce over all its cases, and truce and both baselines over the
/// cases all three scored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Total {
    /// The quantity.
    pub quantity: String,
    /// Cases truce scored.
    pub cases: usize,
    /// truce's means over them.
    pub truce: Option<Means>,
    /// Cases truce and both baselines scored.
    pub compared: usize,
    /// truce's means over the compared cases.
    pub truce_compared: Option<Means>,
    /// The no-change baseline's means over the compared cases.
    pub no_change: Option<Means>,
    /// The drift baseline's means over the compared cases.
    pub drift_12m: Option<Means>,
}

/// An observation inside the forecast that could not be scored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotScored {
    /// Line in the observations file.
    pub line: usize,
    /// Why.
    pub reason: String,
}

/// A forecast scored against observations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard {
    /// The forecast's start and length.
    pub start: CivilDate,
    /// Weeks.
    pub weeks: u32,
    /// Seed of the randomised PIT and the drift baseline.
    pub seed: u64,
    /// How state probabilities are floored.
    pub state_floor: &'static str,
    /// Observations before the start (the baselines' history; not scored).
    pub before_start: usize,
    /// Observations after the forecast's last week (not scored).
    pub after_end: usize,
    /// Every scored observation.
    pub cases: Vec<Case>,
    /// Means per quantity (km2_held, casualties by side, state).
    pub totals: Vec<Total>,
    /// Observations inside the forecast that could not be scored, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_scored: Vec<NotScored>,
}

/// A stable key for the random streams of a case.
pub fn case_key(start: CivilDate, date: CivilDate, quantity: &str, purpose: &str) -> u64 {
    Fnv1a::new()
        .bytes(&start.to_days().to_le_bytes())
        .bytes(&date.to_days().to_le_bytes())
        .bytes(quantity.as_bytes())
        .bytes(&[0])
        .bytes(purpose.as_bytes())
        .finish()
}

/// Scores `forecast` against `obs`. `sides` are the scenario's side ids (first side first).
pub fn score(forecast: &dyn WeeklyForecast, sides: &[String], obs: &Observations, seed: u64) -> Scorecard {
    let (start, weeks) = (forecast.start(), forecast.weeks());
    let history = obs.before(start);
    let mut card = Scorecard {
        start,
        weeks,
        seed,
        state_floor: STATE_FLOOR,
        before_start: history.rows().len(),
        after_end: 0,
        cases: Vec::new(),
        totals: Vec::new(),
        not_scored: Vec::new(),
    };
    for o in obs.rows() {
        if o.date < start {
            continue;
        }
        let Some(week) = week_of(start, weeks, o.date) else {
            card.after_end += 1;
            continue;
        };
        let q = o.what.quantity();
        let name = q.name(sides);
        let v = |purpose: &str| case_uniform(seed, case_key(start, o.date, &name, purpose));
        let mut notes = Vec::new();
        let mut note = |who: &str, e: Unavailable| notes.push(format!("{who}: {e}"));
        let (truce, no_change, drift_12m) = match o.what {
            Observed::Km2Held { value, .. } | Observed::Casualties { value, .. } => {
                let dist = match q {
                    Quantity::Km2Held => forecast.km2(week),
                    Quantity::Casualties(s) => forecast.casualties(s, week),
                    Quantity::State => None,
                };
                let Some(dist) = dist else {
                    card.not_scored.push(NotScored {
                        line: o.line,
                        reason: format!("the forecast stores no distribution of {name}"),
                    });
                    continue;
                };
                let past: Vec<(CivilDate, f64)> =
                    history.series(q).filter_map(|h| h.what.number().map(|x| (h.date, x))).collect();
                let nc = match baseline::no_change(&past) {
                    Ok(p) => Some(Scores::numeric(p.score(value, v("no_change")))),
                    Err(e) => {
                        note("no_change", e);
                        None
                    }
                };
                let dr = match baseline::drift(&past, o.date, seed, case_key(start, o.date, &name, "drift_draws")) {
                    Ok(p) => Some(Scores::numeric(p.score(value, v("drift_12m")))),
                    Err(e) => {
                        note("drift_12m", e);
                        None
                    }
                };
                (Scores::numeric(Predictive::Histogram(dist).score(value, v("truce"))), nc, dr)
            }
            Observed::State(observed) => {
                let Some(counts) = forecast.states(week) else {
                    card.not_scored
                        .push(NotScored { line: o.line, reason: "the forecast stores no state at date".into() });
                    continue;
                };
                let c = Categorical::from_counts(&counts).expect("six categories");
                let past: Vec<(CivilDate, WarState)> = history
                    .series(Quantity::State)
                    .filter_map(|h| match h.what {
                        Observed::State(s) => Some((h.date, s)),
                        _ => None,
                    })
                    .collect();
                let nc = match baseline::state_persistence(&past) {
                    Ok(b) => Some(Scores::state(&b, observed)),
                    Err(e) => {
                        note("no_change", e);
                        None
                    }
                };
                let dr = match baseline::state_frequencies(&past) {
                    Ok(b) => Some(Scores::state(&b, observed)),
                    Err(e) => {
                        note("drift_12m", e);
                        None
                    }
                };
                (Scores::state(&c, observed), nc, dr)
            }
        };
        let (value, state, sd) = match o.what {
            Observed::Km2Held { value, sd } | Observed::Casualties { value, sd, .. } => (Some(value), None, Some(sd)),
            Observed::State(s) => (None, Some(s.observed_name(sides)), None),
        };
        card.cases.push(Case {
            line: o.line,
            date: o.date,
            quantity: name,
            week,
            week_end: week_end(start, week),
            value,
            state,
            sd,
            truce,
            no_change,
            drift_12m,
            notes,
        });
    }
    card.totals = totals(&card.cases);
    card
}

/// Means per quantity, in the order km2_held, casualties by side, state.
pub fn totals(cases: &[Case]) -> Vec<Total> {
    let mut names: Vec<&str> = cases.iter().map(|c| c.quantity.as_str()).collect();
    names.sort_by_key(|n| {
        (
            if *n == "km2_held" {
                0
            } else if *n == "state" {
                2
            } else {
                1
            },
            *n,
        )
    });
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let (mut all, mut t, mut n, mut d) =
                (Accumulator::default(), Accumulator::default(), Accumulator::default(), Accumulator::default());
            for c in cases.iter().filter(|c| c.quantity == name) {
                all.add(&c.truce);
                if let (Some(nc), Some(dr)) = (&c.no_change, &c.drift_12m) {
                    t.add(&c.truce);
                    n.add(nc);
                    d.add(dr);
                }
            }
            Total {
                quantity: name.to_string(),
                cases: all.n(),
                truce: all.means(),
                compared: t.n(),
                truce_compared: t.means(),
                no_change: n.means(),
                drift_12m: d.means(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_of_dates() {
        let s = CivilDate { year: 2025, month: 1, day: 1 };
        let at = |days: i64| CivilDate::from_days(s.to_days() + days);
        assert_eq!(week_of(s, 4, at(-1)), None);
        assert_eq!(week_of(s, 4, at(0)), Some(0));
        assert_eq!(week_of(s, 4, at(6)), Some(0));
        assert_eq!(week_of(s, 4, at(9)), Some(0));
        assert_eq!(week_of(s, 4, at(10)), Some(1));
        assert_eq!(week_of(s, 4, at(13)), Some(1));
        assert_eq!(week_of(s, 4, at(27)), Some(3));
        assert_eq!(week_of(s, 4, at(28)), None);
        assert_eq!(week_end(s, 1), at(13));
    }
}
