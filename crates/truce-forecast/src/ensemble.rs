//! The ensemble: many runs of the fight–talk engine under parameter uncertainty, folded into
//! one exactly mergeable [`ForecastAggregate`].
//!
//! Run `i` draws its uncertain parameters and all of its simulation randomness from
//! [`run_rng`](crate::run_rng)`(seed, i)` (parameters first, then the run on stream `i` of
//! the same seed with the simulation's own generator), so a run's result depends only on
//! (scenario, seed, i). Runs are processed in chunks; inside a chunk, rayon spreads
//! contiguous tasks over the caller's thread pool and each task folds its runs into its own
//! aggregate; task aggregates are merged in task order. Every accumulator is integer-valued (counts, fixed-point sums),
//! so merging is exact and the result is bit-identical for any thread count, chunk size or
//! split into shards. Memory is flat in the number of runs.
//!
//! What a run contributes, week by week, is what it emitted for that week; after its last
//! week the run's final state, line and casualties are carried forward to the horizon. So
//! every by-date and at-date figure for weeks before a horizon h is the same under any longer
//! horizon (the engine's runs are horizon-independent and every histogram range is fixed by
//! the scenario, never by h).
//!
//! # Distributions for proper scores
//!
//! A [`ForecastAggregate`] (what a forecast or a merged part file holds) gives, for week `w`
//! (0-based; week w covers days `start + 7w … start + 7w + 6` and its values hold at the end
//! of its last day), the forecast distribution of
//!
//! - the km² held by the first side: [`ForecastAggregate::km2_distribution`];
//! - the cumulative casualties of side `s` since the start:
//!   [`ForecastAggregate::casualties_distribution`];
//! - the war's state: [`ForecastAggregate::state_probabilities`] (and events by date:
//!   [`ForecastAggregate::event_probabilities`]);
//!
//! each as a [`PiecewiseUniform`] (the one piecewise-uniform type, `crate::score`'s: bin
//! edges and probabilities, the under/overflow mass spread to the smallest/largest value
//! seen), or counts ([`ForecastAggregate::state_counts`]) and probabilities per [`WarState`];
//! `crate::scorecard::Stored` reads exactly these to score a forecast. The
//! resolutions: km² held, [`KM2_BINS`] bins over the map's range (`km2_knots`); change since
//! the start and monthly net change, [`KM2_BINS`] bins over ± that range; cumulative
//! casualties, [`CASUALTY_BINS`] bins on [0, [`CASUALTY_YEARS`] years × 52 × the side's
//! `casualties_per_week`), with larger values in the overflow.
//!
//! This module spawns no threads of its own (it runs on the caller's rayon pool) and does no
//! I/O: per-run rows go to a [`RowSink`] the caller provides.

use crate::aggregate::{AtDate, ByDate, FixedSum, Histogram, MergeError, RangeError, RankSample, WeekHistograms};
use crate::hash::Fnv1a;
use crate::score::PiecewiseUniform;
use crate::selection::{draw_params, Selection, SelectionReport};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use truce_engine::calendar::CivilDate;
use truce_engine::load::Loaded;
use truce_engine::outcome::{CollapseCause, EventWeeks, WarEvent};
use truce_engine::params::Params;
use truce_engine::sim::{Observer, RunSummary, Sim, WarState, WeekView};
use truce_engine::talk::Blocker;

/// Key mixed into the seed for the parameter draws, so that run `i`'s parameters and its
/// simulation come from different, independent ChaCha8 keys.
pub const PARAM_KEY: u64 = 0x005e_ed0f_9a7a_3e7e;
/// Runs whose sampled parameters are kept for the rank correlations (the first, by index).
pub const RANK_RUNS: u64 = 10_000;
/// Outcomes correlated with the sampled parameters.
pub const RANK_OUTCOMES: [&str; 4] = ["settled", "end_week", "final_km2", "casualties_total"];
/// Bins of the settlement-terms histograms on 0–100 (resolution 0.1 point).
pub const TERM_BINS: usize = 1000;
/// Bins of the weekly line-of-control histograms (resolution: km² range / bins; the change
/// histograms have the same number of bins over twice the range).
pub const KM2_BINS: usize = 4000;
/// Bins of the weekly cumulative-casualty histograms.
pub const CASUALTY_BINS: usize = 4000;
/// The casualty histograms span this many years of the side's starting weekly casualties
/// (`casualties_per_week`): a range fixed by the scenario, never by the horizon.
pub const CASUALTY_YEARS: f64 = 10.0;

/// Options of a forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForecastOptions {
    pub seed: u64,
    /// First run index (a shard's start) and number of runs.
    pub first_run: u64,
    pub runs: u64,
    /// Runs per chunk (progress and cancellation granularity; does not change results).
    pub chunk: u64,
}

/// One run's result, for per-run output files.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRow {
    pub run: u64,
    pub outcome: WarState,
    /// What broke the side when the run ended in a collapse; `None` otherwise.
    pub collapse: Option<CollapseCause>,
    pub week: u32,
    pub km2: f64,
    pub index: f64,
    pub casualties: [f64; 2],
    pub rounds: u32,
    pub breakdowns: u32,
    /// Terms per issue (settlement terms; the line and no-deal values otherwise).
    pub terms: Vec<f64>,
    /// Sampled values of the uncertain parameters, in the scenario's path order.
    pub params: Vec<f64>,
}

/// Receives per-run rows in run order.
pub trait RowSink {
    fn write_rows(&mut self, rows: &[RunRow]) -> Result<(), String>;
}

/// Everything a forecast accumulates. Merge shards with [`ForecastAggregate::merge`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastAggregate {
    /// Identifies the scenario, parameters and options; shards with different fingerprints
    /// cannot be merged.
    pub fingerprint: String,
    pub scenario: String,
    pub seed: u64,
    pub horizon: u32,
    pub issues: Vec<String>,
    pub sides: Vec<String>,
    pub params: Vec<String>,
    pub runs: u64,
    /// Events by date: the first week of each [`WarEvent`] per run.
    pub events: ByDate,
    /// State at date: the [`WarState`] of each run at the end of each week (after a run's
    /// last week, its final state).
    pub states: AtDate,
    /// Settlement terms per issue (runs settled by the horizon).
    pub terms: Vec<Histogram>,
    /// Line of control (km² held by the first side) at the end of each week, all runs; after
    /// a run ends the line stays where it ended.
    pub km2: WeekHistograms,
    /// The line's change since the run's start (km²), each week.
    pub km2_change: WeekHistograms,
    /// The line (km² held by the first side) at the end of the week each run's first
    /// ceasefire was agreed, after any territory handed over with it (`sim/terms.rs`): where
    /// the war would freeze. Runs with a first ceasefire by the horizon.
    pub ceasefire_line: Histogram,
    /// The last week of each calendar month that is complete within the horizon (a week
    /// belongs to the month of its last day), in order.
    pub month_ends: Vec<u32>,
    /// The line's net change over each complete calendar month (indexed like `month_ends`;
    /// the first month counts from the start).
    pub monthly_change: WeekHistograms,
    /// Cumulative casualties per side since the start, each week.
    pub cum_casualties: Vec<WeekHistograms>,
    /// Per week: runs at war, and runs at war whose last talk round found the range open.
    pub at_war: Vec<u64>,
    pub range_open: Vec<u64>,
    /// Per week, talk slots that agreed nothing, by the cause that blocked them
    /// (`truce_engine::talk::Blocker`, [`Blocker::COUNT`] counts per week, in
    /// [`Blocker::ALL`] order): the forecast's "why" table.
    pub blocked: Vec<u64>,
    pub rounds: FixedSum,
    pub breakdowns: u64,
    /// Runs that ended in a side's collapse, by side and by what broke it
    /// (`truce_engine::outcome::CollapseCause`): `sides × CollapseCause::COUNT` counts, side
    /// by side, in [`CollapseCause::ALL`] order. They sum to the runs collapsed at the horizon.
    pub collapse_causes: Vec<u64>,
    pub ranks: RankSample,
}

/// The fingerprint of a forecast: FNV-1a over the scenario text, the seed and the horizon.
/// Two shards merge only if their fingerprints are equal.
pub fn fingerprint(scenario_text: &str, seed: u64, horizon: u32) -> String {
    let h = Fnv1a::new().bytes(scenario_text.as_bytes()).bytes(&seed.to_le_bytes()).bytes(&horizon.to_le_bytes());
    format!("{:016x}", h.finish())
}

impl ForecastAggregate {
    /// An empty aggregate for `params` (the horizon is `params.horizon`). Fails, as a
    /// scenario error, if a histogram range derived from the scenario cannot be binned (a
    /// scenario that passed `truce check` never does).
    pub fn new(l: &Loaded, params: &Params, fingerprint: String, seed: u64) -> Result<Self, ForecastError> {
        let h = params.horizon;
        let (kmin, kmax) = match (params.km2_knots.first(), params.km2_knots.last()) {
            (Some(a), Some(b)) => (a.1, b.1),
            _ => (f64::NAN, f64::NAN),
        };
        let span = (kmax - kmin).max(1.0);
        let month_ends = month_ends(params.start, h);
        let issue = params.territorial.and_then(|k| params.issue_ids.get(k)).map_or("?", |s| s.as_str());
        let km2_error = |e: RangeError| {
            ForecastError::Aggregate(format!(
                "issues.{issue}.km2: the km² mapping cannot be binned for a forecast: {e}"
            ))
        };
        let km2 = WeekHistograms::new(h, kmin, kmax, KM2_BINS).map_err(km2_error)?;
        let km2_change = WeekHistograms::new(h, -span, span, KM2_BINS).map_err(km2_error)?;
        let monthly_change = WeekHistograms::new(month_ends.len() as u32, -span, span, KM2_BINS).map_err(km2_error)?;
        let mut cum_casualties = Vec::with_capacity(params.sides.len());
        for s in &params.sides {
            cum_casualties.push(
                WeekHistograms::new(h, 0.0, casualty_range(s.casualties_per_week), CASUALTY_BINS).map_err(|e| {
                    ForecastError::Aggregate(format!(
                    "sides.{}.casualties_per_week: casualties over the horizon cannot be binned for a forecast: {e}",
                    s.id
                ))
                })?,
            );
        }
        let term = Histogram::new(0.0, 100.0, TERM_BINS).map_err(|e| ForecastError::Aggregate(e.to_string()))?;
        let ceasefire_line = Histogram::new(kmin, kmax, KM2_BINS).map_err(km2_error)?;
        Ok(ForecastAggregate {
            fingerprint,
            scenario: params.name.clone(),
            seed,
            horizon: h,
            issues: params.issue_ids.clone(),
            sides: params.sides.iter().map(|s| s.id.clone()).collect(),
            params: l.uncertainty.paths.clone(),
            runs: 0,
            events: ByDate::new(WarEvent::COUNT, h),
            states: AtDate::new(WarState::COUNT, h),
            terms: vec![term; params.issue_ids.len()],
            km2,
            km2_change,
            ceasefire_line,
            monthly_change,
            month_ends,
            cum_casualties,
            at_war: vec![0; h as usize],
            range_open: vec![0; h as usize],
            blocked: vec![0; h as usize * Blocker::COUNT],
            rounds: FixedSum::new(),
            breakdowns: 0,
            collapse_causes: vec![0; params.sides.len() * CollapseCause::COUNT],
            ranks: RankSample::new(RANK_RUNS, l.uncertainty.len(), RANK_OUTCOMES.len()),
        })
    }

    /// Merges another shard of the same forecast. Exact: the result does not depend on the
    /// order or grouping of merges. A failed merge changes nothing.
    pub fn merge(&mut self, o: &Self) -> Result<(), MergeError> {
        let mut next = self.clone();
        next.merge_in_place(o)?;
        *self = next;
        Ok(())
    }

    /// [`Self::merge`] without the copy that makes a failed merge change nothing: on an
    /// error `self` may be partly merged, so only a caller that then discards it (the
    /// ensemble's own fold, whose tasks' aggregates never mismatch) may use it. The same
    /// result as `merge` on success.
    fn merge_in_place(&mut self, o: &Self) -> Result<(), MergeError> {
        if self.fingerprint != o.fingerprint || self.horizon != o.horizon || self.seed != o.seed {
            return Err(MergeError::Mismatch {
                what: "forecast",
                detail: format!(
                    "{} (seed {}, horizon {}) is not the same forecast as {} (seed {}, horizon {})",
                    self.fingerprint, self.seed, self.horizon, o.fingerprint, o.seed, o.horizon
                ),
            });
        }
        if self.month_ends != o.month_ends
            || self.cum_casualties.len() != o.cum_casualties.len()
            || self.collapse_causes.len() != o.collapse_causes.len()
        {
            return Err(MergeError::Mismatch {
                what: "forecast",
                detail: "the calendar months or the sides differ".into(),
            });
        }
        let next = self;
        next.events.merge(&o.events)?;
        next.states.merge(&o.states)?;
        for (a, b) in next.terms.iter_mut().zip(&o.terms) {
            a.merge(b)?;
        }
        next.km2.merge(&o.km2)?;
        next.km2_change.merge(&o.km2_change)?;
        next.ceasefire_line.merge(&o.ceasefire_line)?;
        next.monthly_change.merge(&o.monthly_change)?;
        for (a, b) in next.cum_casualties.iter_mut().zip(&o.cum_casualties) {
            a.merge(b)?;
        }
        for (a, b) in next.at_war.iter_mut().zip(&o.at_war) {
            *a += b;
        }
        for (a, b) in next.range_open.iter_mut().zip(&o.range_open) {
            *a += b;
        }
        for (a, b) in next.blocked.iter_mut().zip(&o.blocked) {
            *a += b;
        }
        next.rounds.merge(&o.rounds);
        next.breakdowns += o.breakdowns;
        for (a, b) in next.collapse_causes.iter_mut().zip(&o.collapse_causes) {
            *a += b;
        }
        next.ranks.merge(&o.ranks)?;
        next.runs += o.runs;
        Ok(())
    }

    /// The distribution of the km² held by the first side at the end of `week`; `None` at or
    /// past the horizon.
    pub fn km2_distribution(&self, week: u32) -> Option<PiecewiseUniform> {
        self.km2.distribution(week)
    }

    /// The distribution of side `side`'s (0: first, 1: second) cumulative casualties since
    /// the start, at the end of `week`; `None` at or past the horizon or for another side.
    pub fn casualties_distribution(&self, side: usize, week: u32) -> Option<PiecewiseUniform> {
        self.cum_casualties.get(side)?.distribution(week)
    }

    /// How many runs were in each [`WarState`] at the end of `week` (indexed by
    /// [`WarState::index`]; they sum to `runs` exactly): what log and Brier scores of a
    /// `state` observation are computed from. `None` at or past the horizon or before any run
    /// was recorded.
    pub fn state_counts(&self, week: u32) -> Option<[u64; WarState::COUNT]> {
        if week >= self.horizon || self.states.runs() == 0 {
            return None;
        }
        Some(std::array::from_fn(|s| self.states.count(week, s)))
    }

    /// The probability of each [`WarState`] at the end of `week` (indexed by
    /// [`WarState::index`]; they sum to 1 up to rounding, exactly in counts); `None` at or
    /// past the horizon or before any run was recorded.
    pub fn state_probabilities(&self, week: u32) -> Option<[f64; WarState::COUNT]> {
        if week >= self.horizon || self.states.runs() == 0 {
            return None;
        }
        Some(std::array::from_fn(|s| self.states.share(week, s)))
    }

    /// The probability that each [`WarEvent`] has happened by the end of `week` (indexed by
    /// [`WarEvent::index`]); `None` at or past the horizon or before any run was recorded.
    pub fn event_probabilities(&self, week: u32) -> Option<[f64; WarEvent::COUNT]> {
        if week >= self.horizon || self.events.runs() == 0 {
            return None;
        }
        Some(std::array::from_fn(|e| self.events.cumulative(e, week)))
    }
}

/// The upper end of a side's cumulative-casualty histograms: [`CASUALTY_YEARS`] years at the
/// side's starting weekly casualties (at least 1).
pub fn casualty_range(casualties_per_week: f64) -> f64 {
    (casualties_per_week * 52.0 * CASUALTY_YEARS).max(1.0)
}

/// The last day of week `week` (0-based) of a forecast starting on `start`: the week's values
/// hold at the end of that day.
pub fn week_end(start: CivilDate, week: u32) -> CivilDate {
    CivilDate::from_days(start.to_days() + 7 * week as i64 + 6)
}

/// The weeks `< weeks` that end a calendar month (the next week's last day falls in another
/// month): a week belongs to the month of its last day, and a month is complete within the
/// horizon when its last week is.
pub fn month_ends(start: CivilDate, weeks: u32) -> Vec<u32> {
    (0..weeks).filter(|&w| week_end(start, w).month != week_end(start, w + 1).month).collect()
}

/// What one run contributes, week by week (a task owns one and reuses it across runs).
struct RunRecorder {
    /// Each week's state index, for [`AtDate::record_run`].
    states: Vec<u8>,
    events: EventWeeks,
    /// The last week recorded and its values, carried forward after the run's end.
    next_week: u32,
    last_km2: f64,
    last_cas: [f64; 2],
    last_state: WarState,
    start_km2: f64,
    /// Index of the next month end and the line at the previous one.
    month: usize,
    month_km2: f64,
}

impl RunRecorder {
    fn new(horizon: u32) -> Self {
        RunRecorder {
            states: vec![0; horizon as usize],
            events: EventWeeks::new(),
            next_week: 0,
            last_km2: 0.0,
            last_cas: [0.0; 2],
            last_state: WarState::Fighting,
            start_km2: 0.0,
            month: 0,
            month_km2: 0.0,
        }
    }

    fn start(&mut self, start_km2: f64) {
        self.events = EventWeeks::new();
        self.next_week = 0;
        self.last_km2 = start_km2;
        self.last_cas = [0.0; 2];
        self.last_state = WarState::Fighting;
        self.start_km2 = start_km2;
        self.month = 0;
        self.month_km2 = start_km2;
    }

    /// One week's values (emitted by the run or carried forward).
    #[inline]
    fn week(&mut self, agg: &mut ForecastAggregate, week: u32, km2: f64, cas: [f64; 2], state: WarState) {
        agg.km2.add(week, km2);
        agg.km2_change.add(week, km2 - self.start_km2);
        for (h, &c) in agg.cum_casualties.iter_mut().zip(&cas) {
            h.add(week, c);
        }
        if agg.month_ends.get(self.month) == Some(&week) {
            agg.monthly_change.add(self.month as u32, km2 - self.month_km2);
            self.month_km2 = km2;
            self.month += 1;
        }
        self.states[week as usize] = state.index() as u8;
        self.events.observe(week, state);
        self.next_week = week + 1;
        (self.last_km2, self.last_cas, self.last_state) = (km2, cas, state);
    }

    /// Carries the run's last state, line and casualties to the horizon and records its
    /// states and events: what [`RunRecorder::week`] records for each week after the run's
    /// last, the same values with each histogram's bin found once
    /// ([`WeekHistograms::add_weeks`]).
    fn finish(&mut self, agg: &mut ForecastAggregate) {
        let (from, to) = (self.next_week, agg.horizon);
        if from < to {
            let (km2, cas, state) = (self.last_km2, self.last_cas, self.last_state);
            agg.km2.add_weeks(from..to, km2);
            agg.km2_change.add_weeks(from..to, km2 - self.start_km2);
            for (h, &c) in agg.cum_casualties.iter_mut().zip(&cas) {
                h.add_weeks(from..to, c);
            }
            while let Some(&end) = agg.month_ends.get(self.month).filter(|&&end| end < to) {
                debug_assert!(end >= from, "month ends before the carried weeks were recorded");
                agg.monthly_change.add(self.month as u32, km2 - self.month_km2);
                self.month_km2 = km2;
                self.month += 1;
            }
            self.states[from as usize..to as usize].fill(state.index() as u8);
            // The same state every week: the first carried week marks all it can.
            self.events.observe(from, state);
            self.next_week = to;
        }
        let states = &self.states;
        agg.states.record_run(|w| states[w as usize] as usize);
        let first: [Option<u32>; WarEvent::COUNT] = std::array::from_fn(|e| self.events.week(WarEvent::ALL[e]));
        agg.events.record_run(&first);
    }
}

/// Watches one run for the aggregate.
struct RunObserver<'a> {
    agg: &'a mut ForecastAggregate,
    rec: &'a mut RunRecorder,
    /// The run's week that is the aggregate's week 0 (0 but for a forecast continued from
    /// an as-of week, [`Continuer`]).
    offset: u32,
    /// Added to the run's area before it is recorded (0 but for a filtered forecast that
    /// continues from the last observed level, [`Continuer::run`]).
    shift: f64,
}

impl Observer for RunObserver<'_> {
    fn week(&mut self, w: &WeekView) {
        let week = w.week - self.offset;
        if week >= self.agg.horizon {
            return;
        }
        if w.state == WarState::Ceasefire && !w.ceasefire && self.rec.events.week(WarEvent::CeasefireAgreed).is_none() {
            // The week the run's first ceasefire was agreed (the line after any handover).
            self.agg.ceasefire_line.add(w.km2 + self.shift);
        }
        self.rec.week(self.agg, week, w.km2 + self.shift, w.cum_casualties, w.state);
        self.rec.events.observe_imposed(week, w.state, w.imposed);
        self.rec.events.observe_moratorium(week, w.moratorium);
        self.rec.events.observe_pause(week, w.pause);
        self.rec.events.observe_corridor(week, w.corridor);
        if !w.ceasefire {
            self.agg.at_war[week as usize] += 1;
            if w.range_open {
                self.agg.range_open[week as usize] += 1;
            }
        }
        if let Some(b) = w.blocked {
            self.agg.blocked[week as usize * Blocker::COUNT + b.index()] += 1;
        }
    }
}

/// Folds runs in progress into an aggregate whose week 0 is a run's week `offset` (a
/// filtered forecast continued from its as-of week, `crate::assimilate`): each run goes on
/// to its horizon with its state, and contributes exactly what a run of the ensemble
/// contributes for those weeks (its line's change counts from where it stood at `offset`).
/// With `offset` 0 and runs just started, the result is the ensemble's, bit for bit.
pub(crate) struct Continuer {
    rec: RunRecorder,
}

impl Continuer {
    /// A continuer for aggregates of `horizon` weeks.
    pub(crate) fn new(horizon: u32) -> Self {
        Continuer { rec: RunRecorder::new(horizon) }
    }

    /// Advances `run` (whose parameters `sim` holds) to its end and folds the weeks from
    /// `offset` on into `agg`; `index` and `sampled` are the run's index and sampled
    /// parameters (for the rank correlations). `shift` is added to the area recorded: the
    /// offset between an observed series and the run's line (`crate::assimilate`), so that a
    /// filtered forecast is of the series as observed; 0 records the run's own line.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn run(
        &mut self,
        agg: &mut ForecastAggregate,
        sim: &mut Sim,
        run: &mut truce_engine::sim::Run,
        offset: u32,
        index: u64,
        sampled: &[f64],
        shift: f64,
    ) {
        self.rec.start(run.km2() + shift);
        self.rec.last_cas = run.casualties();
        self.rec.last_state = run.state();
        let end = sim.advance(run, u32::MAX, &mut RunObserver { agg, rec: &mut self.rec, offset, shift });
        let end = end.expect("a run advanced without a limit ends by its horizon");
        self.rec.finish(agg);
        record(agg, &end, run.terms(), index, sampled);
    }
}

/// Runs `runs` runs starting at `first` into a fresh aggregate (one rayon task's work).
fn run_task(
    l: &Loaded,
    fp: &str,
    opts: &ForecastOptions,
    selection: Option<&Selection>,
    first: u64,
    runs: u64,
    rows: bool,
) -> Result<(ForecastAggregate, Vec<RunRow>), ForecastError> {
    let base = &l.params;
    let mut agg = ForecastAggregate::new(l, base, fp.to_string(), opts.seed)?;
    let mut sim = Sim::new(base);
    let mut sampled = vec![0.0; l.uncertainty.len()];
    let mut rec = RunRecorder::new(agg.horizon);
    let mut out = Vec::new();
    for i in first..first + runs {
        sim.reset_params(base);
        draw_params(l, selection, opts.seed, i, &mut sampled, sim.params_mut());
        rec.start(sim.params().start_km2);
        let s = sim.run(opts.seed, i, &mut RunObserver { agg: &mut agg, rec: &mut rec, offset: 0, shift: 0.0 });
        // The run's final state, line and casualties stay to the horizon.
        rec.finish(&mut agg);
        record(&mut agg, &s, sim.terms(), i, &sampled);
        if rows {
            out.push(RunRow {
                run: i,
                outcome: s.state,
                collapse: s.collapse,
                week: s.week,
                km2: s.km2,
                index: s.index,
                casualties: s.casualties,
                rounds: s.rounds,
                breakdowns: s.breakdowns,
                terms: sim.terms().to_vec(),
                params: sampled.clone(),
            });
        }
    }
    Ok((agg, out))
}

fn record(agg: &mut ForecastAggregate, s: &RunSummary, terms: &[f64], run: u64, sampled: &[f64]) {
    agg.runs += 1;
    if s.state == WarState::Settled {
        for (h, &t) in agg.terms.iter_mut().zip(terms) {
            h.add(t);
        }
    }
    agg.rounds.add(s.rounds as f64);
    agg.breakdowns += s.breakdowns as u64;
    let side = match s.state {
        WarState::CollapsedFirst => Some(0),
        WarState::CollapsedSecond => Some(1),
        _ => None,
    };
    if let (Some(side), Some(cause)) = (side, s.collapse) {
        if let Some(n) = agg.collapse_causes.get_mut(side * CollapseCause::COUNT + cause.index()) {
            *n += 1;
        }
    }
    if run < RANK_RUNS {
        let settled = if s.state == WarState::Settled { 1.0 } else { 0.0 };
        agg.ranks.record(run, sampled, &[settled, s.week as f64, s.km2, s.casualties[0] + s.casualties[1]]);
    }
}

/// Why a forecast could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ForecastError {
    #[error("the number of runs must be at least 1")]
    NoRuns,
    #[error(transparent)]
    Merge(#[from] MergeError),
    #[error("writing per-run rows failed: {0}")]
    Rows(String),
    /// The scenario gives a histogram range that cannot be binned (a scenario error).
    #[error("{0}")]
    Aggregate(String),
    /// Selection by survival collapsed (`crate::selection`): names `war_began`.
    #[error("{0}")]
    Selection(String),
    /// Observations that cannot condition this forecast (`crate::assimilate`).
    #[error("{0}")]
    Observations(String),
}

/// The result of [`run_forecast`].
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastRun {
    pub aggregate: ForecastAggregate,
    /// True if `cancel` stopped the forecast early; the aggregate holds the runs that
    /// finished (a prefix of the run range, whole chunks).
    pub interrupted: bool,
    /// What selection by survival did (`crate::selection`); `None` when the scenario's war
    /// begins at its start (nothing selected).
    pub selection: Option<SelectionReport>,
}

/// Runs a forecast (or a shard of one) on the current rayon pool. A scenario whose war
/// began before its start first weights its parameter draws by survival to that age
/// ([`crate::selection::select`]); every run then draws from the weighted pool.
///
/// `progress` is called after each chunk with the number of runs done; `cancel` is checked
/// between chunks; `sink` receives per-run rows in run order.
pub fn run_forecast(
    l: &Loaded,
    fp: &str,
    opts: &ForecastOptions,
    progress: &(dyn Fn(u64) + Sync),
    cancel: &AtomicBool,
    mut sink: Option<&mut dyn RowSink>,
) -> Result<ForecastRun, ForecastError> {
    if opts.runs == 0 {
        return Err(ForecastError::NoRuns);
    }
    let mut total = ForecastAggregate::new(l, &l.params, fp.to_string(), opts.seed)?;
    let selection = crate::selection::select(l, opts.seed)?;
    let chunk = opts.chunk.max(1);
    let tasks_per_chunk = (rayon::current_num_threads() as u64 * 4).max(1);
    let want_rows = sink.is_some();
    let end = opts.first_run + opts.runs;
    let mut start = opts.first_run;
    let mut interrupted = false;
    while start < end {
        if cancel.load(Ordering::Relaxed) {
            interrupted = true;
            break;
        }
        let n = chunk.min(end - start);
        let per = n.div_ceil(tasks_per_chunk);
        let ranges: Vec<(u64, u64)> = (0..tasks_per_chunk)
            .map(|t| (start + t * per, (start + (t + 1) * per).min(start + n)))
            .filter(|(a, b)| a < b)
            .collect();
        let parts: Vec<(ForecastAggregate, Vec<RunRow>)> = ranges
            .par_iter()
            .map(|&(a, b)| run_task(l, fp, opts, selection.as_ref(), a, b - a, want_rows))
            .collect::<Result<_, _>>()?;
        for (agg, rows) in &parts {
            total.merge_in_place(agg)?;
            if let Some(s) = sink.as_deref_mut() {
                s.write_rows(rows).map_err(ForecastError::Rows)?;
            }
        }
        start += n;
        progress(start - opts.first_run);
    }
    Ok(ForecastRun { aggregate: total, interrupted, selection: selection.map(|s| s.report) })
}
