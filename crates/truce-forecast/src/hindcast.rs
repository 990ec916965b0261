//! Rolling-origin hindcasts: start a scenario at past origins from what was observed then,
//! forecast, and score each lead against what was observed afterwards, next to the
//! baselines on exactly the same cases (`forecast-evaluation.md` §2.1, `docs/hindcast.md`).
//!
//! At each origin o (the first day of a month):
//!
//! 1. the **information set** is the observations dated before o — nothing dated on or
//!    after o reaches the forecast ([`Observations::before`] is applied first, so the
//!    forecast cannot depend on later observations: tested bit for bit);
//! 2. the scenario is **re-dated** to o ([`truce_engine::redate`]): talks, actors, aid lines
//!    and events that did not exist then are switched off or dropped; a calibrated scenario
//!    is first put back to its priors ([`prior_scenario`]: a posterior fitted to the scored
//!    months would score the model on its own training data);
//! 3. it **starts from the observed state**: the area held is the last `km2_held` observed
//!    before o (at most [`MAX_STALE_DAYS`] old); the front's drift at intensity 1
//!    (`combat.calibrated_gain_km2_per_week`) is the change over the 12 months before it
//!    divided by the seasonal intensity of those days (the scenario's `[seasonality]`),
//!    with the changes between consecutive observations as its sample; where the scenario
//!    samples that parameter, its distribution becomes a normal around the estimate with
//!    the estimate's standard error (truncated at ±4 se, keeping the estimate's sign). An
//!    origin needs at least [`MIN_CHANGES`] changes in those 12 months and must be at war
//!    (a last `state` other than `fighting` cannot be a scenario's start);
//! 4. it runs with the seed derived from (seed, origin) ([`origin_seed`]) for as many weeks
//!    as the longest lead needs;
//! 5. each lead L (months) is scored on the last observation of each quantity in the L-th
//!    month from o (lead 1: the month of o), with [`crate::scorecard`] — truce, no change
//!    and 12-month drift on the same cases.
//!
//! Pure but for the forecast job: no files, no clock. The per-origin forecasts run one
//! after another on the caller's rayon pool (or the job's threads).

use crate::hash::Fnv1a;
use crate::job::{ForecastJob, Hooks, JobError, JobOutput, Source};
use crate::observation::{CivilDate, Observation, Observations, Observed, Quantity, WarState};
use crate::scorecard::{score, Accumulator, Case, Means, Scores, Stored};
use serde::Serialize;
use truce_engine::load::{load_str, to_toml};
use truce_engine::redate::redate;
use truce_engine::scenario::Num;

/// The oldest the last area observation before an origin may be (days).
pub const MAX_STALE_DAYS: i64 = 31;
/// The fewest changes between area observations in the 12 months before an origin.
pub const MIN_CHANGES: usize = 3;
/// The drift window (days).
pub const WINDOW_DAYS: i64 = 365;
/// The parameter the drift sets.
pub const DRIFT_PATH: &str = "combat.calibrated_gain_km2_per_week";
/// Quantiles of the fans kept for the report.
pub const FAN: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];
/// Bins of the PIT histograms.
pub const PIT_BINS: usize = 10;

/// What to hindcast.
#[derive(Debug, Clone, PartialEq)]
pub struct HindcastOptions {
    /// Origins: the first day of each month, ascending.
    pub origins: Vec<CivilDate>,
    /// Leads in months (≥ 1), ascending.
    pub leads: Vec<u32>,
    /// Runs per origin.
    pub runs: u64,
    /// The master seed; each origin's is [`origin_seed`].
    pub seed: u64,
    /// Worker threads of each origin's forecast (None: the caller's pool).
    pub threads: Option<usize>,
    /// Learn from the data (`--assimilate`): start each origin's scenario at the first area
    /// observation of the 12 months before the origin, with the scenario's own priors, and
    /// condition it on every observation from there to the origin with the particle filter
    /// ([`crate::assimilate`]) instead of estimating the drift ([`setup_assimilating`]).
    pub assimilate: bool,
}

/// Why an origin was not forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    /// The origin.
    pub origin: CivilDate,
    /// Why.
    pub reason: String,
}

/// The drift the scenario was started with at an origin.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Drift {
    /// km² per week at intensity 1 (seasonality removed).
    pub per_week: f64,
    /// Its standard error (sd of the changes' rates / √n).
    pub se: f64,
    /// Changes it rests on.
    pub changes: usize,
    /// The first and last observation used.
    pub from: CivilDate,
    /// The last observation used.
    pub to: CivilDate,
}

impl Drift {
    /// The first area observation of the drift's window among `known`: its date and value.
    fn first_observed(&self, known: &Observations) -> (CivilDate, f64) {
        km2_series(known).into_iter().find(|(d, _)| *d == self.from).unwrap_or((self.from, f64::NAN))
    }
}

/// How an origin's forecast was set up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Setup {
    /// The origin (the forecast's start).
    pub origin: CivilDate,
    /// Its seed.
    pub seed: u64,
    /// Weeks forecast.
    pub weeks: u32,
    /// The area held at the start: the last observation before the origin.
    pub start_km2: f64,
    /// Its date.
    pub start_km2_date: CivilDate,
    /// The drift.
    pub drift: Drift,
    /// What re-dating switched off or dropped.
    pub changes: Vec<String>,
    /// The scenario text the forecast ran.
    #[serde(skip)]
    pub text: String,
}

/// One quantile row of an origin's fan.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FanRow {
    /// The day the week ends.
    pub date: CivilDate,
    /// km² at [`FAN`]'s quantiles.
    pub q: [f64; 5],
}

/// A case with its lead.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeadCase {
    /// Lead in months.
    pub lead: u32,
    /// The case, scored by truce and both baselines.
    #[serde(flatten)]
    pub case: Case,
}

/// One origin's forecast and scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OriginResult {
    /// How it was set up.
    pub setup: Setup,
    /// The area-held fan, week by week (for the report).
    pub fan: Vec<FanRow>,
    /// The scored cases.
    pub cases: Vec<LeadCase>,
    /// With `--assimilate`: what the particle filter did before the origin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<crate::assimilate::Filtering>,
}

/// Means per lead and quantity, over the cases truce and both baselines scored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeadTotal {
    /// Lead in months.
    pub lead: u32,
    /// `km2_held` or `state`.
    pub quantity: String,
    /// Cases.
    pub cases: usize,
    /// truce.
    pub truce: Option<Means>,
    /// No change.
    pub no_change: Option<Means>,
    /// 12-month drift.
    pub drift_12m: Option<Means>,
}

/// PIT histograms of the numeric cases (all leads): counts in [`PIT_BINS`] equal bins.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PitHistograms {
    /// truce.
    pub truce: Vec<u64>,
    /// No change (a point mass: its PIT is 0 or 1 unless the value did not change).
    pub no_change: Vec<u64>,
    /// 12-month drift.
    pub drift_12m: Vec<u64>,
}

/// A whole hindcast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hindcast {
    /// The scenario's name.
    pub scenario: String,
    /// Runs per origin.
    pub runs: u64,
    /// The master seed.
    pub seed: u64,
    /// Leads (months).
    pub leads: Vec<u32>,
    /// Origins forecast.
    pub origins: Vec<OriginResult>,
    /// Origins not forecast, and why.
    pub skipped: Vec<Skipped>,
    /// Means per lead and quantity.
    pub by_lead: Vec<LeadTotal>,
    /// PIT histograms.
    pub pit: PitHistograms,
    /// The observed area series (for the report).
    pub observed: Vec<(CivilDate, f64)>,
}

/// Why a hindcast could not run at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HindcastError {
    /// Bad options.
    #[error("{0}")]
    Options(String),
    /// The scenario does not load, or an origin's forecast failed.
    #[error(transparent)]
    Job(#[from] JobError),
    /// The scenario cannot be re-dated.
    #[error("{0}")]
    Redate(String),
}

/// The seed of the forecast at `origin`: FNV-1a over the master seed and the origin, so
/// rerunning one origin reproduces its forecast.
pub fn origin_seed(seed: u64, origin: CivilDate) -> u64 {
    Fnv1a::new().bytes(b"hindcast").bytes(&seed.to_le_bytes()).bytes(&origin.to_days().to_le_bytes()).finish()
}

/// The first day of the month `months` after `d`'s month.
pub fn add_months(d: CivilDate, months: u32) -> CivilDate {
    let m0 = d.year as i64 * 12 + (d.month as i64 - 1) + months as i64;
    CivilDate { year: (m0 / 12) as i32, month: (m0 % 12) as u32 + 1, day: 1 }
}

/// The last day of `d`'s month.
pub fn month_end(d: CivilDate) -> CivilDate {
    CivilDate::from_days(add_months(d, 1).to_days() - 1)
}

fn km2_series(obs: &Observations) -> Vec<(CivilDate, f64)> {
    obs.series(Quantity::Km2Held).filter_map(|o| o.what.number().map(|v| (o.date, v))).collect()
}

/// The drift at intensity 1 from the area observations of `history` (all before the
/// origin): the change over the 12 months before the last one divided by the seasonal
/// intensity of those days, with the standard error of the changes' rates.
pub fn estimate_drift(history: &[(CivilDate, f64)], seasonality: &[f64]) -> Result<Drift, String> {
    let &(t0, _) = history.last().ok_or("no km2_held observation before the origin")?;
    let from = t0.to_days() - WINDOW_DAYS;
    let window: Vec<(CivilDate, f64)> = history.iter().copied().filter(|(d, _)| d.to_days() >= from).collect();
    let season = |day: i64| {
        let m = CivilDate::from_days(day).month as usize;
        seasonality.get(m - 1).copied().unwrap_or(1.0)
    };
    // Weeks of intensity-1 fighting between two dates (ends of days a and b).
    let effective_weeks = |a: CivilDate, b: CivilDate| (a.to_days() + 1..=b.to_days()).map(season).sum::<f64>() / 7.0;
    let rates: Vec<f64> = window
        .windows(2)
        .filter(|w| w[1].0 > w[0].0)
        .filter_map(|w| {
            let e = effective_weeks(w[0].0, w[1].0);
            (e > 0.0).then(|| (w[1].1 - w[0].1) / e)
        })
        .collect();
    if rates.len() < MIN_CHANGES {
        return Err(format!(
            "{} change(s) between km2_held observations in the 12 months before the origin; at least {MIN_CHANGES} are needed to estimate the drift",
            rates.len()
        ));
    }
    let (first, last) = (window[0], window[window.len() - 1]);
    let e = effective_weeks(first.0, last.0);
    if e <= 0.0 {
        return Err("the seasonal intensity is zero over the drift window".into());
    }
    let per_week = (last.1 - first.1) / e;
    let n = rates.len() as f64;
    let mean = rates.iter().sum::<f64>() / n;
    let var = rates.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1.0);
    Ok(Drift { per_week, se: (var / n).sqrt(), changes: rates.len(), from: first.0, to: last.0 })
}

/// The scenario a hindcast re-dates: a calibrated scenario's priors, never its posterior,
/// which was fitted to months a hindcast scores (`forecast-evaluation.md` §2.5; the built-in
/// `ukraine-2025-12` ships calibrated on the DeepState months of 2025). A weighted sample
/// without recorded priors (not written by `truce calibrate`) is the scenario's own and stays.
pub fn prior_scenario(s: &truce_engine::scenario::Scenario) -> truce_engine::scenario::Scenario {
    match s.with_priors() {
        Ok(Some(p)) => p,
        Ok(None) | Err(_) => s.clone(),
    }
}

/// Sets up the forecast at `origin` from the scenario text and the observations dated
/// before the origin (later ones are removed first). Returns the setup or why the origin
/// is skipped.
pub fn setup_origin(
    label: &str,
    scenario_text: &str,
    obs: &Observations,
    origin: CivilDate,
    leads: &[u32],
    seed: u64,
) -> Result<Result<Setup, String>, HindcastError> {
    let known = obs.before(origin);
    let history = km2_series(&known);
    let Some(&(t0, y0)) = history.last() else {
        return Ok(Err("no km2_held observation before the origin".into()));
    };
    if origin.to_days() - t0.to_days() > MAX_STALE_DAYS {
        return Ok(Err(format!(
            "the last km2_held observation before the origin is from {t0}, over {MAX_STALE_DAYS} days earlier"
        )));
    }
    if let Some(last) = known.series(Quantity::State).last() {
        if last.what != Observed::State(WarState::Fighting) {
            return Ok(Err(format!(
                "the war's last observed state ({}) is not fighting: a scenario starts at war",
                last.date
            )));
        }
    }
    let loaded = load_str(label, scenario_text).map_err(|e| HindcastError::Job(JobError::Scenario(e)))?;
    let drift = match estimate_drift(&history, &loaded.scenario.seasonality.monthly) {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    let re = redate(&prior_scenario(&loaded.scenario), origin).map_err(HindcastError::Redate)?;
    let mut s = re.scenario;
    let last_target = month_end(add_months(origin, leads.iter().copied().max().unwrap_or(1) - 1));
    let weeks = ((last_target.to_days() - origin.to_days() + 1) as u32).div_ceil(7);
    s.scenario.horizon_weeks = weeks;
    let note = format!("hindcast from {origin}: observed {t0}");
    let Some(issue) = s.issues.iter_mut().find(|i| i.territorial) else {
        return Err(HindcastError::Redate(
            "the scenario has no territorial issue: a hindcast starts from the area held".into(),
        ));
    };
    issue.start_km2 = Some(Num { value: y0, source: Some(note.clone()) });
    s.combat.calibrated_gain_km2_per_week = Num {
        value: drift.per_week,
        source: Some(format!(
            "hindcast from {origin}: drift {} to {} over {} changes, seasonality removed",
            drift.from, drift.to, drift.changes
        )),
    };
    if s.uncertainty.contains_key(DRIFT_PATH) {
        if drift.se > 0.0 {
            let (m, se) = (drift.per_week, drift.se);
            let (mut low, mut high) = (m - 4.0 * se, m + 4.0 * se);
            // The engine calibrates the front to the drift's sign: keep it.
            if m > 0.0 {
                low = low.max(m / 10.0);
            } else if m < 0.0 {
                high = high.min(m / 10.0);
            }
            truce_engine::redate::set_truncated_normal(
                &mut s,
                DRIFT_PATH,
                [m, se, low, high],
                "hindcast: the drift's standard error",
            );
        } else {
            s.uncertainty.remove(DRIFT_PATH);
            s.correlations.retain(|c| c.a != DRIFT_PATH && c.b != DRIFT_PATH);
        }
    }
    let text = to_toml(&s).map_err(HindcastError::Redate)?;
    let text = format!("# {} re-dated to {origin} for a hindcast.\n{text}", loaded.params.name);
    Ok(Ok(Setup {
        origin,
        seed: origin_seed(seed, origin),
        weeks,
        start_km2: y0,
        start_km2_date: t0,
        drift,
        changes: re.changes,
        text,
    }))
}

/// Runs the forecast of a set-up origin; returns its aggregate.
pub fn run_origin(
    setup: &Setup,
    runs: u64,
    threads: Option<usize>,
) -> Result<crate::ensemble::ForecastAggregate, JobError> {
    let job = ForecastJob {
        threads,
        ..ForecastJob::new(
            Source::Text { label: format!("hindcast origin {}", setup.origin), text: setup.text.clone() },
            runs,
            setup.seed,
        )
    };
    match job.prepare()?.run(Hooks::none())? {
        JobOutput::Forecast(f) => Ok(f.aggregate),
        JobOutput::Part(_) => unreachable!("a job without a shard gives a whole forecast"),
    }
}

/// Sets up an assimilating forecast at `origin` (`truce hindcast --assimilate`). The origin
/// is forecast exactly when the plain hindcast forecasts it ([`setup_origin`]'s rules, so
/// both score the same cases). The scenario is re-dated to the day after the first area
/// observation of the 12-month drift window and starts from that observation, with the
/// scenario's own `[uncertainty]` priors (the drift is *not* estimated); the forecast then
/// conditions on every observation dated from that start to the day before the origin (the
/// returned observations: nothing on or after the origin) and continues from the week after
/// the last of them. The setup's `drift` is the plain hindcast's estimate, reported for
/// comparison and not used.
pub fn setup_assimilating(
    label: &str,
    scenario_text: &str,
    obs: &Observations,
    origin: CivilDate,
    leads: &[u32],
    seed: u64,
) -> Result<Result<(Setup, Observations), String>, HindcastError> {
    let plain = match setup_origin(label, scenario_text, obs, origin, leads, seed)? {
        Ok(s) => s,
        Err(reason) => return Ok(Err(reason)),
    };
    let known = obs.before(origin);
    let (d0, y0) = plain.drift.first_observed(&known);
    let start = CivilDate::from_days(d0.to_days() + 1);
    let loaded = load_str(label, scenario_text).map_err(|e| HindcastError::Job(JobError::Scenario(e)))?;
    let re = redate(&prior_scenario(&loaded.scenario), start).map_err(HindcastError::Redate)?;
    let mut s = re.scenario;
    let last_target = month_end(add_months(origin, leads.iter().copied().max().unwrap_or(1) - 1));
    let weeks = ((last_target.to_days() - start.to_days() + 1) as u32).div_ceil(7);
    s.scenario.horizon_weeks = weeks;
    let Some(issue) = s.issues.iter_mut().find(|i| i.territorial) else {
        return Err(HindcastError::Redate(
            "the scenario has no territorial issue: a hindcast starts from the area held".into(),
        ));
    };
    issue.start_km2 =
        Some(Num { value: y0, source: Some(format!("assimilating hindcast to {origin}: observed {d0}")) });
    let text = to_toml(&s).map_err(HindcastError::Redate)?;
    let text =
        format!("# {} re-dated to {start} for an assimilating hindcast to {origin}.\n{text}", loaded.params.name);
    let setup = Setup { weeks, start_km2: y0, start_km2_date: d0, changes: re.changes, text, ..plain };
    Ok(Ok((setup, known)))
}

/// Runs the filtered forecast of an assimilating setup on `known`: the aggregate, the date
/// of its week 0 and what the filter did.
pub fn run_assimilating(
    setup: &Setup,
    known: &Observations,
    runs: u64,
    threads: Option<usize>,
) -> Result<(crate::ensemble::ForecastAggregate, CivilDate, crate::assimilate::Filtering), JobError> {
    let job = ForecastJob {
        threads,
        observations: Some(known.clone()),
        ..ForecastJob::new(
            Source::Text { label: format!("assimilating hindcast to {}", setup.origin), text: setup.text.clone() },
            runs,
            setup.seed,
        )
    };
    match job.prepare()?.run(Hooks::none())? {
        JobOutput::Forecast(f) => {
            let filtering = f.summary.filter.clone().ok_or_else(|| {
                JobError::Forecast(crate::ensemble::ForecastError::Observations("the forecast was not filtered".into()))
            })?;
            Ok((f.aggregate, f.summary.start, filtering))
        }
        JobOutput::Part(_) => unreachable!("a job without a shard gives a whole forecast"),
    }
}

/// The observations a lead is scored on: for each quantity, the last observation in the
/// L-th month from the origin.
fn targets(obs: &Observations, origin: CivilDate, lead: u32) -> Vec<Observation> {
    let (a, b) = (add_months(origin, lead - 1), month_end(add_months(origin, lead - 1)));
    let mut out: Vec<Observation> = Vec::new();
    for q in [Quantity::Km2Held, Quantity::State] {
        if let Some(o) = obs.series(q).filter(|o| o.date >= a && o.date <= b).last() {
            out.push(o.clone());
        }
    }
    out
}

/// Runs a whole hindcast of the scenario text (`label` names it) against `obs`.
pub fn hindcast(
    label: &str,
    scenario_text: &str,
    obs: &Observations,
    opts: &HindcastOptions,
    progress: &dyn Fn(usize, usize),
) -> Result<Hindcast, HindcastError> {
    if opts.origins.is_empty() || opts.leads.is_empty() || opts.leads.contains(&0) {
        return Err(HindcastError::Options("need at least one origin and leads of at least 1 month".into()));
    }
    if opts.runs == 0 {
        return Err(HindcastError::Options("runs must be at least 1".into()));
    }
    let loaded = load_str(label, scenario_text).map_err(|e| HindcastError::Job(JobError::Scenario(e)))?;
    let sides: Vec<String> = loaded.params.sides.iter().map(|s| s.id.clone()).collect();
    let mut origins = Vec::new();
    let mut skipped = Vec::new();
    for (i, &origin) in opts.origins.iter().enumerate() {
        progress(i, opts.origins.len());
        let set = if opts.assimilate {
            setup_assimilating(label, scenario_text, obs, origin, &opts.leads, opts.seed)?.map(|(s, k)| (s, Some(k)))
        } else {
            setup_origin(label, scenario_text, obs, origin, &opts.leads, opts.seed)?.map(|s| (s, None))
        };
        let (setup, known) = match set {
            Ok(s) => s,
            Err(reason) => {
                skipped.push(Skipped { origin, reason });
                continue;
            }
        };
        let mut scored: Vec<Observation> = obs.before(origin).rows().to_vec();
        let mut lead_of = Vec::new();
        for &lead in &opts.leads {
            for t in targets(obs, origin, lead) {
                lead_of.push((t.line, lead));
                scored.push(t);
            }
        }
        if lead_of.is_empty() {
            skipped.push(Skipped { origin, reason: "no observation at any lead".into() });
            continue;
        }
        scored.sort_by_key(|o| (o.date, o.line));
        let (agg, start, filter) = match &known {
            Some(k) => {
                let (agg, start, f) = run_assimilating(&setup, k, opts.runs, opts.threads)?;
                (agg, start, Some(f))
            }
            None => (run_origin(&setup, opts.runs, opts.threads)?, origin, None),
        };
        let card = score(&Stored { aggregate: &agg, start }, &sides, &Observations::from_validated(scored), setup.seed);
        let cases = card
            .cases
            .into_iter()
            .filter_map(|c| lead_of.iter().find(|(l, _)| *l == c.line).map(|&(_, lead)| LeadCase { lead, case: c }))
            .collect();
        let fan = (0..agg.horizon)
            .map(|w| FanRow { date: crate::scorecard::week_end(start, w), q: FAN.map(|p| agg.km2.quantile(w, p)) })
            .collect();
        origins.push(OriginResult { setup, fan, cases, filter });
    }
    progress(opts.origins.len(), opts.origins.len());
    let by_lead = lead_totals(&origins, &opts.leads);
    let pit = pit_histograms(&origins);
    Ok(Hindcast {
        scenario: loaded.params.name.clone(),
        runs: opts.runs,
        seed: opts.seed,
        leads: opts.leads.clone(),
        origins,
        skipped,
        by_lead,
        pit,
        observed: km2_series(obs),
    })
}

/// Means per lead and quantity over the cases all three forecasters scored.
fn lead_totals(origins: &[OriginResult], leads: &[u32]) -> Vec<LeadTotal> {
    let mut out = Vec::new();
    for &lead in leads {
        for q in ["km2_held", "state"] {
            let (mut t, mut n, mut d) = (Accumulator::default(), Accumulator::default(), Accumulator::default());
            for c in origins.iter().flat_map(|o| &o.cases).filter(|c| c.lead == lead && c.case.quantity == q) {
                if let (Some(nc), Some(dr)) = (&c.case.no_change, &c.case.drift_12m) {
                    t.add(&c.case.truce);
                    n.add(nc);
                    d.add(dr);
                }
            }
            if t.n() > 0 {
                out.push(LeadTotal {
                    lead,
                    quantity: q.into(),
                    cases: t.n(),
                    truce: t.means(),
                    no_change: n.means(),
                    drift_12m: d.means(),
                });
            }
        }
    }
    out
}

fn pit_histograms(origins: &[OriginResult]) -> PitHistograms {
    let mut h = PitHistograms { truce: vec![0; PIT_BINS], no_change: vec![0; PIT_BINS], drift_12m: vec![0; PIT_BINS] };
    let bin = |p: f64| ((p * PIT_BINS as f64) as usize).min(PIT_BINS - 1);
    for c in origins.iter().flat_map(|o| &o.cases) {
        let (Some(nc), Some(dr)) = (&c.case.no_change, &c.case.drift_12m) else { continue };
        for (hist, s) in [(&mut h.truce, &c.case.truce), (&mut h.no_change, nc), (&mut h.drift_12m, dr)] {
            if let Scores::Numeric { pit, .. } = s {
                hist[bin(*pit)] += 1;
            }
        }
    }
    h
}
