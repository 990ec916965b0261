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
//! This module spawns no threads of its own (it runs on the caller's rayon pool) and does no
//! I/O: per-run rows go to a [`RowSink`] the caller provides.

use crate::aggregate::{FixedSum, Histogram, Incidence, MergeError, RankSample, WeekHistograms};
use crate::hash::Fnv1a;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use truce_engine::load::Loaded;
use truce_engine::params::Params;
use truce_engine::sim::{Observer, RunSummary, Sim, WarState, WeekView};

/// Key mixed into the seed for the parameter draws, so that run `i`'s parameters and its
/// simulation come from different, independent ChaCha8 keys.
pub const PARAM_KEY: u64 = 0x005e_ed0f_9a7a_3e7e;
/// Runs whose sampled parameters are kept for the rank correlations (the first, by index).
pub const RANK_RUNS: u64 = 10_000;
/// Outcomes correlated with the sampled parameters.
pub const RANK_OUTCOMES: [&str; 4] = ["settled", "end_week", "final_km2", "casualties_total"];
/// Bins of the settlement-terms histograms on 0–100 (resolution 0.1 point).
pub const TERM_BINS: usize = 1000;
/// Bins of the weekly line-of-control histograms (resolution: km² range / bins).
pub const KM2_BINS: usize = 4000;
/// Bins of the casualty histograms.
pub const CASUALTY_BINS: usize = 2000;

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
    pub incidence: Incidence,
    /// Settlement terms per issue (settled runs only).
    pub terms: Vec<Histogram>,
    /// Line of control (km² held by the first side) at the end of each week, all runs; after
    /// a run ends the line stays where it ended.
    pub km2: WeekHistograms,
    /// Total casualties per side over each run.
    pub casualties: Vec<Histogram>,
    /// Per week: runs at war, and runs at war whose last talk round found the range open.
    pub at_war: Vec<u64>,
    pub range_open: Vec<u64>,
    pub rounds: FixedSum,
    pub breakdowns: u64,
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
        let cas_hi: Vec<f64> = params.sides.iter().map(|s| (s.casualties_per_week * h as f64 * 3.0).max(1.0)).collect();
        let km2 = WeekHistograms::new(h, kmin, kmax, KM2_BINS).map_err(|e| {
            let issue = params.territorial.and_then(|k| params.issue_ids.get(k)).map_or("?", |s| s.as_str());
            ForecastError::Aggregate(format!(
                "issues.{issue}.km2: the km² mapping cannot be binned for a forecast: {e}"
            ))
        })?;
        let mut casualties = Vec::with_capacity(cas_hi.len());
        for (s, &hi) in params.sides.iter().zip(&cas_hi) {
            casualties.push(Histogram::new(0.0, hi, CASUALTY_BINS).map_err(|e| {
                ForecastError::Aggregate(format!(
                    "sides.{}.casualties_per_week: casualties over the horizon cannot be binned for a forecast: {e}",
                    s.id
                ))
            })?);
        }
        let term = Histogram::new(0.0, 100.0, TERM_BINS).map_err(|e| ForecastError::Aggregate(e.to_string()))?;
        Ok(ForecastAggregate {
            fingerprint,
            scenario: params.name.clone(),
            seed,
            horizon: h,
            issues: params.issue_ids.clone(),
            sides: params.sides.iter().map(|s| s.id.clone()).collect(),
            params: l.uncertainty.paths.clone(),
            runs: 0,
            incidence: Incidence::new(WarState::COUNT, h),
            terms: vec![term; params.issue_ids.len()],
            km2,
            casualties,
            at_war: vec![0; h as usize],
            range_open: vec![0; h as usize],
            rounds: FixedSum::new(),
            breakdowns: 0,
            ranks: RankSample::new(RANK_RUNS, l.uncertainty.len(), RANK_OUTCOMES.len()),
        })
    }

    /// Merges another shard of the same forecast. Exact: the result does not depend on the
    /// order or grouping of merges.
    pub fn merge(&mut self, o: &Self) -> Result<(), MergeError> {
        if self.fingerprint != o.fingerprint || self.horizon != o.horizon || self.seed != o.seed {
            return Err(MergeError::Mismatch {
                what: "forecast",
                detail: format!(
                    "{} (seed {}, horizon {}) is not the same forecast as {} (seed {}, horizon {})",
                    self.fingerprint, self.seed, self.horizon, o.fingerprint, o.seed, o.horizon
                ),
            });
        }
        // Check everything first, then apply, so that a failed merge changes nothing.
        let mut next = self.clone();
        next.incidence.merge(&o.incidence)?;
        for (a, b) in next.terms.iter_mut().zip(&o.terms) {
            a.merge(b)?;
        }
        next.km2.merge(&o.km2)?;
        for (a, b) in next.casualties.iter_mut().zip(&o.casualties) {
            a.merge(b)?;
        }
        for (a, b) in next.at_war.iter_mut().zip(&o.at_war) {
            *a += b;
        }
        for (a, b) in next.range_open.iter_mut().zip(&o.range_open) {
            *a += b;
        }
        next.rounds.merge(&o.rounds);
        next.breakdowns += o.breakdowns;
        next.ranks.merge(&o.ranks)?;
        next.runs += o.runs;
        *self = next;
        Ok(())
    }
}

/// Watches one run for the aggregate.
struct RunObserver<'a> {
    km2: &'a mut WeekHistograms,
    at_war: &'a mut [u64],
    range_open: &'a mut [u64],
    last_week: Option<u32>,
    last_km2: f64,
}

impl Observer for RunObserver<'_> {
    fn week(&mut self, w: &WeekView) {
        if w.week >= self.km2.weeks() {
            return;
        }
        self.km2.add(w.week, w.km2);
        if !w.ceasefire {
            self.at_war[w.week as usize] += 1;
            if w.range_open {
                self.range_open[w.week as usize] += 1;
            }
        }
        self.last_week = Some(w.week);
        self.last_km2 = w.km2;
    }
}

/// Runs `runs` runs starting at `first` into a fresh aggregate (one rayon task's work).
fn run_task(
    l: &Loaded,
    fp: &str,
    opts: &ForecastOptions,
    first: u64,
    runs: u64,
    rows: bool,
) -> Result<(ForecastAggregate, Vec<RunRow>), ForecastError> {
    let base = &l.params;
    let mut agg = ForecastAggregate::new(l, base, fp.to_string(), opts.seed)?;
    let mut sim = Sim::new(base);
    let mut sampled = vec![0.0; l.uncertainty.len()];
    let mut out = Vec::new();
    for i in first..first + runs {
        sim.reset_params(base);
        let mut prng = truce_engine::run_rng(opts.seed ^ PARAM_KEY, i);
        l.uncertainty.apply(&mut prng, &mut sampled, sim.params_mut());
        let (s, last_week, last_km2) = {
            let mut obs = RunObserver {
                km2: &mut agg.km2,
                at_war: &mut agg.at_war,
                range_open: &mut agg.range_open,
                last_week: None,
                last_km2: base.start_km2,
            };
            let s = sim.run(opts.seed, i, &mut obs);
            (s, obs.last_week, obs.last_km2)
        };
        // The line stays where the run ended.
        let from = last_week.map_or(0, |w| w + 1);
        for w in from..agg.horizon {
            agg.km2.add(w, last_km2);
        }
        record(&mut agg, &s, sim.terms(), i, &sampled);
        if rows {
            out.push(RunRow {
                run: i,
                outcome: s.state,
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
    if s.state == WarState::Fighting || s.week >= agg.horizon {
        agg.incidence.record_censored();
    } else {
        agg.incidence.record(s.state.index(), s.week);
    }
    if s.state == WarState::Settled {
        for (h, &t) in agg.terms.iter_mut().zip(terms) {
            h.add(t);
        }
    }
    for (h, &c) in agg.casualties.iter_mut().zip(&s.casualties) {
        h.add(c);
    }
    agg.rounds.add(s.rounds as f64);
    agg.breakdowns += s.breakdowns as u64;
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
}

/// The result of [`run_forecast`].
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastRun {
    pub aggregate: ForecastAggregate,
    /// True if `cancel` stopped the forecast early; the aggregate holds the runs that
    /// finished (a prefix of the run range, whole chunks).
    pub interrupted: bool,
}

/// Runs a forecast (or a shard of one) on the current rayon pool.
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
        let parts: Vec<(ForecastAggregate, Vec<RunRow>)> =
            ranges.par_iter().map(|&(a, b)| run_task(l, fp, opts, a, b - a, want_rows)).collect::<Result<_, _>>()?;
        for (agg, rows) in &parts {
            total.merge(agg)?;
            if let Some(s) = sink.as_deref_mut() {
                s.write_rows(rows).map_err(ForecastError::Rows)?;
            }
        }
        start += n;
        progress(start - opts.first_run);
    }
    Ok(ForecastRun { aggregate: total, interrupted })
}
