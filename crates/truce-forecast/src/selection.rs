//! Selection by survival: a war's age at the origin is evidence about its type.
//!
//! A scenario that says when its war began (`[scenario] war_began`, a dated fact known on
//! the start day) describes a war that has already lasted `a` weeks without ending. Wars
//! differ in their hazards of ending; those with high hazards leave the population of
//! ongoing wars first, so a war that is still going at age `a` is more likely to be of a
//! low-hazard type (`/docs/reference/war-endings.md` §15, after the frailty models of
//! war-termination §1.2). The forecast conditions on that fact by Bayes' rule: each
//! parameter draw θ of the `[uncertainty]` table (and of a `[weighted_sample]`) is weighted
//! by P(a war with parameters θ lasts `a` weeks), and every run of the forecast draws its
//! parameters from the weighted set.
//!
//! # How
//!
//! 1. A **pool** of [`POOL`] parameter draws, draw `j` from `run_rng(seed ^ POOL_KEY, j)`
//!    (exactly as a run draws its parameters, on its own key).
//! 2. **Pilot runs**: [`REPLICATES`] runs of each draw, replicate `r` of draw `j` on stream
//!    `run_rng(seed ^ PILOT_KEY, j · REPLICATES + r)`, each simulated from the origin for
//!    `a` weeks only. Draw `j`'s weight is the number of its pilot runs whose high-intensity
//!    war did not end within those weeks (the event the back-cast scores,
//!    [`WarEvent::HighIntensityEnded`]): an unbiased estimate of REPLICATES × P(survive `a`
//!    weeks | θⱼ). The pilot runs are independent of the forecast's runs (other keys), so
//!    nothing of a run's own future enters its weight: no look-ahead.
//! 3. Run `i` of the forecast picks draw `j` with probability proportional to its weight,
//!    by one uniform from `run_rng(seed ^ PICK_KEY, i)`, sets draw `j`'s parameters and
//!    simulates on its usual stream `run_rng(seed, i)`.
//!
//! The **stationarity approximation**: the model is simulated from the origin, so the
//! weight is the probability that the war, started in the origin's state with θ, would last
//! `a` weeks, standing in for the probability that the real war, under θ, lasted its first
//! `a` weeks. The two are equal when θ's hazard of ending does not depend on the war's stage.
//! Limits: the origin's state is not the war's first day (the front, forces, economies and
//! beliefs of the origin, and in a back-cast talks that have just opened, which a war's first
//! weeks did not have: the model's hazard at the origin can be higher than the war's was
//! before it, so quick-ending draws are penalised more than they should be); the scenario's
//! scheduled events fall inside the pilot's weeks at their dates after the origin, not
//! before it; and ages are counted in whole weeks (a war younger than a week selects
//! nothing).
//!
//! Determinism: the pool, the pilot runs and the picks are keyed by (seed, index), never by
//! a thread, and the weights are integers summed in pool order, so the forecast is
//! bit-identical for any thread count. Every shard of a sharded forecast computes the same
//! pool (its cost is paid once per shard) and picks by run index, so parts merge into the
//! one-pass forecast exactly. The selection is a function of (scenario, seed) only: the
//! fingerprint covers it. A scenario without `war_began`, with an age under a week, or
//! without uncertain parameters is not selected at all: its forecast is bit-identical to the
//! unconditioned one.
//!
//! What this module must never do: read an outcome, look at a forecast run's own future, or
//! let a thread or a shard change a weight.

use crate::ensemble::ForecastError;
use rayon::prelude::*;
use serde::Serialize;
use truce_engine::calendar::CivilDate;
use truce_engine::load::Loaded;
use truce_engine::outcome::WarEvent;
use truce_engine::params::Params;
use truce_engine::redate::civil;
use truce_engine::sim::{Observer, Run, Sim, WarState, WeekView};

/// Parameter draws in the pool that selection weights.
pub const POOL: u64 = 4096;
/// Pilot runs per pool draw (each on its own stream).
pub const REPLICATES: u64 = 4;
/// Key of the pool's parameter draws (different from the forecast's `PARAM_KEY`).
pub const POOL_KEY: u64 = 0x5e1e_c7ed_0000_0001;
/// Key of the pilot runs' simulation streams (different from the forecast's own seed).
pub const PILOT_KEY: u64 = 0x5e1e_c7ed_0000_0002;
/// Key of each forecast run's pick from the pool.
pub const PICK_KEY: u64 = 0x5e1e_c7ed_0000_0003;
/// Below this effective sample size the selection is refused: the forecast would rest on
/// a handful of parameter draws.
pub const MIN_ESS: f64 = 50.0;
/// Below this effective sample size the selection carries a warning.
pub const WARN_ESS: f64 = 400.0;
/// Weeks a pilot run advances between checks for its end (so that ended runs stop early).
const BLOCK: u32 = 8;

/// What the selection did, for reports (`truce forecast` prints it; the back-cast JSON
/// carries it). Serialised with its fields and `note` ([`SelectionReport::note`]), the
/// sentence every shell prints.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectionReport {
    /// When the war began (the scenario's `war_began`).
    pub war_began: CivilDate,
    /// The war's age at the origin in whole weeks: what the pilot runs must survive.
    pub age_weeks: u32,
    /// Parameter draws in the pool.
    pub pool: u64,
    /// Pilot runs per draw.
    pub replicates: u64,
    /// Pilot runs (of `pool × replicates`) whose war lasted `age_weeks`.
    pub survived: u64,
    /// Pool draws with at least one surviving pilot run (the draws a run can pick).
    pub draws_kept: u64,
    /// Kish's effective sample size of the weights, (Σw)² / Σw², out of `pool`.
    pub ess: f64,
    /// Set when the effective sample size is below [`WARN_ESS`].
    pub warning: Option<String>,
}

impl SelectionReport {
    /// What the selection did, for people, with its warning: the HTML report and the page
    /// print this, read from the forecast JSON's `selection.note` (one wording for every
    /// shell; the CLI prints [`SelectionReport::describe`] on stderr).
    pub fn note(&self) -> String {
        let d = self.describe();
        let mut chars = d.chars();
        let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
        match &self.warning {
            Some(w) => format!("{first}{}. {w}", chars.as_str()),
            None => format!("{first}{}.", chars.as_str()),
        }
    }

    /// One sentence saying what the selection did, for people (the CLI and the report).
    pub fn describe(&self) -> String {
        format!(
            "selection by survival: the war began {} ({} weeks before the start); {} of {} pilot runs lasted that \
             long; effective sample {:.0} of {} parameter draws",
            self.war_began,
            self.age_weeks,
            self.survived,
            self.pool * self.replicates,
            self.ess,
            self.pool
        )
    }
}

impl Serialize for SelectionReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            war_began: CivilDate,
            age_weeks: u32,
            pool: u64,
            replicates: u64,
            survived: u64,
            draws_kept: u64,
            ess: f64,
            warning: &'a Option<String>,
            note: String,
        }
        let SelectionReport { war_began, age_weeks, pool, replicates, survived, draws_kept, ess, warning } = self;
        Json {
            war_began: *war_began,
            age_weeks: *age_weeks,
            pool: *pool,
            replicates: *replicates,
            survived: *survived,
            draws_kept: *draws_kept,
            ess: *ess,
            warning,
            note: self.note(),
        }
        .serialize(s)
    }
}

/// A pool of parameter draws weighted by survival to the war's age: what a forecast's runs
/// draw their parameters from ([`Selection::apply`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// What it did.
    pub report: SelectionReport,
    /// Cumulative weights in pool order (`cumulative[j]` = Σ weights of draws 0..=j).
    cumulative: Vec<u64>,
}

/// The scenario's `war_began` and the war's age at its start in whole weeks; `None` without
/// `war_began`. (Load has checked the date: a plain date on or before the start.)
pub fn war_age(l: &Loaded) -> Option<(CivilDate, u32)> {
    let began = civil(&l.scenario.scenario.war_began.as_ref()?.date)?;
    let days = (l.params.start.to_days() - began.to_days()).max(0);
    Some((began, u32::try_from(days / 7).unwrap_or(u32::MAX)))
}

/// Watches a pilot run for the end of high-intensity war.
struct Ended(bool);

impl Observer for Ended {
    fn week(&mut self, w: &WeekView) {
        if WarEvent::HighIntensityEnded.marked_by(w.state) {
            self.0 = true;
        }
    }
}

/// How many of draw `j`'s pilot runs last `age` weeks without their high-intensity war
/// ending. `sim` holds parameters with horizon `age`; `run` is reused between pilot runs.
fn survivors(
    l: &Loaded,
    pilot: &Params,
    seed: u64,
    j: u64,
    sim: &mut Sim,
    run: &mut Option<Run>,
    buf: &mut [f64],
) -> u64 {
    sim.reset_params(pilot);
    l.uncertainty.apply(&mut truce_engine::run_rng(seed ^ POOL_KEY, j), buf, sim.params_mut());
    let mut alive = 0;
    for r in 0..REPLICATES {
        let stream = j * REPLICATES + r;
        let run = match run {
            Some(run) => {
                sim.restart(run, seed ^ PILOT_KEY, stream);
                run
            }
            None => run.insert(sim.start(seed ^ PILOT_KEY, stream)),
        };
        let mut ended = Ended(false);
        let mut until = 0;
        loop {
            until += BLOCK;
            let end = sim.advance(run, until, &mut ended);
            if ended.0 || end.is_some() {
                break;
            }
        }
        if !ended.0 && run.state() == WarState::Fighting {
            alive += 1;
        }
    }
    alive
}

/// The weights of pool draws `0..pool` on the caller's rayon pool: `weigh(state, j)` gives
/// draw `j`'s weight (its surviving pilot runs); each task owns one `state` made by `init`
/// (a simulation workspace). Every draw is weighed on its own streams, so the result is the
/// same for any thread count; weights come back in pool order.
pub fn weigh_pool<S>(pool: u64, init: impl Fn() -> S + Sync, weigh: impl Fn(&mut S, u64) -> u64 + Sync) -> Vec<u64> {
    let tasks = (rayon::current_num_threads() as u64 * 4).clamp(1, pool.max(1));
    let per = pool.div_ceil(tasks);
    (0..tasks)
        .into_par_iter()
        .map(|t| {
            let mut state = init();
            ((t * per).min(pool)..((t + 1) * per).min(pool)).map(|j| weigh(&mut state, j)).collect::<Vec<u64>>()
        })
        .collect::<Vec<_>>()
        .concat()
}

/// Kish's effective sample size of integer weights, (Σw)² / Σw² (0 when every weight is 0).
pub fn effective_sample_size(weights: &[u64]) -> f64 {
    let sum: u64 = weights.iter().sum();
    let squares: u64 = weights.iter().map(|w| w * w).sum();
    if squares == 0 {
        0.0
    } else {
        (sum as f64).powi(2) / squares as f64
    }
}

/// Weights the scenario's parameter draws by survival to the war's age (see the module
/// docs), on the caller's rayon pool. `None` when there is nothing to select: no
/// `war_began`, an age under a week, or no uncertain parameters. Errors when no pilot run
/// survives or the effective sample size is below [`MIN_ESS`], naming `war_began`.
pub fn select(l: &Loaded, seed: u64) -> Result<Option<Selection>, ForecastError> {
    let Some((began, age)) = war_age(l) else { return Ok(None) };
    if age == 0 || l.uncertainty.is_empty() {
        return Ok(None);
    }
    let mut pilot = l.params.clone();
    pilot.horizon = age;
    let init = || (Sim::new(&pilot), None, vec![0.0; l.uncertainty.len()]);
    let weights = weigh_pool(POOL, init, |(sim, run, buf), j| survivors(l, &pilot, seed, j, sim, run, buf));
    let survived: u64 = weights.iter().sum();
    let ess = effective_sample_size(&weights);
    let draws_kept = weights.iter().filter(|&&w| w > 0).count() as u64;
    let scenario = &l.params.name;
    if ess < MIN_ESS {
        return Err(ForecastError::Selection(format!(
            "scenario.war_began: the war began on {began}, {age} weeks before the start; {survived} of {} pilot runs \
             ({POOL} parameter draws × {REPLICATES}) of `{scenario}` lasted that long, an effective sample size of \
             {ess:.1} (below {MIN_ESS}): the scenario's parameters almost never produce a war of this age, so a \
             forecast conditioned on it would rest on a handful of draws. Check `war_began`, or widen the \
             `[uncertainty]` of what keeps this war going",
            POOL * REPLICATES
        )));
    }
    let warning = (ess < WARN_ESS).then(|| {
        format!(
            "selection by survival kept an effective sample of {ess:.0} of {POOL} parameter draws (below {WARN_ESS}): \
             few of the scenario's draws produce a war that lasts {age} weeks"
        )
    });
    Ok(Some(Selection::from_weights(
        &weights,
        SelectionReport {
            war_began: began,
            age_weeks: age,
            pool: POOL,
            replicates: REPLICATES,
            survived,
            draws_kept,
            ess,
            warning,
        },
    )))
}

impl Selection {
    /// A selection over pool draws with `weights` (in pool order; at least one positive).
    pub fn from_weights(weights: &[u64], report: SelectionReport) -> Self {
        let mut acc = 0;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += w;
                acc
            })
            .collect();
        Selection { report, cumulative }
    }

    /// The pool draw run `run` takes: index `j` with probability weight(j) / Σ weights, by
    /// one uniform from the run's pick stream.
    pub fn pick(&self, seed: u64, run: u64) -> u64 {
        use rand::Rng;
        let total = *self.cumulative.last().expect("a selection has a pool");
        let u: f64 = truce_engine::run_rng(seed ^ PICK_KEY, run).random::<f64>();
        let t = ((u * total as f64) as u64).min(total - 1);
        self.cumulative.partition_point(|&c| c <= t) as u64
    }

    /// Sets run `run`'s parameters: the pool draw it picks, drawn again from its stream
    /// into `params` (`buf` receives the sampled values, as `Uncertainty::apply` gives them).
    pub fn apply(&self, l: &Loaded, seed: u64, run: u64, buf: &mut [f64], params: &mut Params) {
        let j = self.pick(seed, run);
        l.uncertainty.apply(&mut truce_engine::run_rng(seed ^ POOL_KEY, j), buf, params);
    }

    /// The weight of pool draw `j` (surviving pilot runs), for tests and reports.
    pub fn weight(&self, j: u64) -> u64 {
        let j = j as usize;
        self.cumulative[j] - if j == 0 { 0 } else { self.cumulative[j - 1] }
    }
}

/// The parameters of run `run` of a forecast of `l` under `seed`: the selected pool draw
/// when `selection` is given, else the run's own draw on the forecast's parameter key.
pub fn draw_params(
    l: &Loaded,
    selection: Option<&Selection>,
    seed: u64,
    run: u64,
    buf: &mut [f64],
    params: &mut Params,
) {
    match selection {
        Some(s) => s.apply(l, seed, run, buf, params),
        None => {
            let mut prng = truce_engine::run_rng(seed ^ crate::ensemble::PARAM_KEY, run);
            l.uncertainty.apply(&mut prng, buf, params);
        }
    }
}
