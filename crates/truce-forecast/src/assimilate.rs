//! A forecast conditioned on what has been observed: the fight–talk engine as a [`Pomp`]
//! model run through the bootstrap particle filter ([`crate::filter`]), then continued to
//! the horizon with each particle's state (`truce forecast SCENARIO --observations OBS`).
//!
//! Particle `j` starts as run `j` of the unconditioned forecast: its parameters drawn from
//! the scenario's `[uncertainty]` exactly as the ensemble draws them, its simulation on the
//! stream of (seed, j). It is advanced week by week with the engine's stepping API
//! (`Sim::advance`) to each observed week, weighed by the observations' likelihood, and the
//! ensemble is resampled systematically when its ESS falls below half the particles; after a
//! resampling the particles' parameters are rejuvenated with Liu & West's kernel on the
//! normal-score scale of their prior (z = Φ⁻¹(F(θ)), so every parameter lives on ℝ), a
//! diagonal kernel on the parameters whose cloud has moved (`filter.rs`), and every copy
//! continues on its own slot's stream.
//! After the last observation the particles are made equally weighted and continue to the
//! horizon **with their state**; the forecast's week 0 is the week after the last observed
//! week (its as-of date): the forecast says what happens from there.
//!
//! The measurement model (`forecast-evaluation.md` §4.1), per observation:
//! - `km2_held` and `casualties_<side>`: a Student-t density with [`MeasureOptions::dof`]
//!   (4) degrees of freedom, centred on the particle's value, with the row's sd as its scale.
//!   Heavy tails on purpose: the sd of a map series covers the mapping, not the model's own
//!   error, and a Gaussian would make one surprising week (a revision, a run slightly off)
//!   wipe out all but a handful of particles; the t keeps the filter from collapsing while
//!   still pulling the ensemble within a few sds of the data.
//!   **A cumulative series** (its consecutive km² sds all differ: a level built from monthly
//!   gains, whose sd grows with each month between it and its anchor,
//!   `data/observations/README.md`) has *nested* errors: most of a row's sd is shared with its
//!   neighbours, so the change between two consecutive rows is known to √|sd_b² − sd_a²| —
//!   the error of the months between them — and the level only to the row's sd. Such a series
//!   is conditioned on **changes**: each km² row after the first is weighed as the change from
//!   the previous km² row (the particle's change between the two weeks, that change's sd as
//!   the t's scale), and the first as the change from the last row before the start when the
//!   scenario starts from that row's value (a hindcast, or the default scenario's 115,700
//!   km² of 30 November 2025), else as a level. After the last observation each particle's
//!   area is **re-anchored** at the last observed level: the forecast is of the series as
//!   observed, each particle's line moved by the offset between the series and its line at
//!   that week (the shared error persists, `Continuer::run`'s shift). A series with a repeated
//!   sd cannot be cumulative and is weighed as independent levels, as above, without a shift
//!   ([`MeasureOptions::cumulative`]).
//! - `state`: the particle's war state at the end of the week matches with probability
//!   1 − ε and each of the other five states has ε/5, ε = [`MeasureOptions::state_error`]
//!   (0.02): near 0/1, but a mis-coded date never makes every particle impossible.
//!
//! Observations dated before the scenario's start are the history that baselines use and are
//! not assimilated (they are counted in [`Filtering::ignored_before_start`]); observations
//! are grouped by the week that contains their date and weighed against the particle at that
//! week's end (at most six days later: the forecast's week 0 must start after every date it
//! assimilated), and one dated after the horizon's last week is an error. With no observation to assimilate the forecast is the
//! unconditioned forecast, bit for bit (tested).
//!
//! Resampling couples every particle at every observation, so a filtered forecast cannot be
//! split into shards that run apart: the job refuses `--shard` with observations.
//!
//! Pure: no I/O, no clock; it runs on the caller's rayon pool and its result does not depend
//! on the thread count (the filter's streams are keyed by child slot, its reductions run in
//! slot order, and aggregates merge exactly).

use crate::ensemble::{Continuer, ForecastAggregate, ForecastError};
use crate::filter::{pfilter, stream, FilterOptions, Purpose};
use crate::hash::Fnv1a;
use crate::observation::{Observations, Observed};
use crate::pomp::Pomp;
use crate::selection::{draw_params, Selection};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use truce_engine::calendar::CivilDate;
use truce_engine::load::Loaded;
use truce_engine::params::{Guard, Params};
use truce_engine::sim::{NoObserver, Run, Sim, WarState};
use truce_engine::special::{norm_cdf, norm_inv};
use truce_engine::uncertainty::PreparedDist;

/// The measurement model's and the filter's settings (fixed before any hindcast is scored:
/// `docs/observations.md`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeasureOptions {
    /// Degrees of freedom of the Student-t density of numbers (km², casualties).
    pub dof: f64,
    /// Probability that an observed state is mis-recorded.
    pub state_error: f64,
    /// Resample when ESS < this × particles.
    pub resample_below: f64,
    /// Liu–West discount δ of the parameter rejuvenation (`None`: none).
    pub liu_west: Option<f64>,
    /// Condition a cumulative km² series (consecutive sds all different) on its changes and
    /// continue from its last observed level (module docs); `false` weighs every km² row as
    /// an independent level (the treatment before `docs/hindcast.md`'s diagnosis).
    pub cumulative: bool,
}

impl Default for MeasureOptions {
    fn default() -> Self {
        MeasureOptions { dof: 4.0, state_error: 0.02, resample_below: 0.5, liu_west: Some(0.98), cumulative: true }
    }
}

/// The observations of one forecast week.
#[derive(Debug, Clone, PartialEq)]
pub struct ObsStep {
    /// The week (0-based from the scenario's start) they hold at the end of.
    pub week: u32,
    /// The last date among them.
    pub date: CivilDate,
    /// What was observed.
    pub obs: Vec<Observed>,
    /// The km² observation before this step's first (value, sd): the previous step's last,
    /// or for the first step with one, the last one before the start when the scenario starts
    /// from its value (the reference of a change, module docs); `None` when the step has no
    /// km² row or nothing to refer to. A second km² row of the same week refers to the first.
    pub km2_ref: Option<(f64, f64)>,
}

/// One observation step of a filtered forecast, as reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepRow {
    /// The last observation date of the week.
    pub date: CivilDate,
    /// The week from the scenario's start (0-based).
    pub week: u32,
    /// Observations assimilated that week.
    pub observations: usize,
    /// The area observed that week, if any: (km², its sd) — what the report draws.
    pub km2_held: Option<(f64, f64)>,
    /// The conditional log-likelihood.
    pub loglik: f64,
    /// Effective sample size after weighting.
    pub ess: f64,
    /// Whether the particles were resampled (and rejuvenated).
    pub resampled: bool,
    /// Whether every particle was impossible (a filtering failure).
    pub failed: bool,
}

/// What the filter did: the summary's `filter` section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Filtering {
    /// The date of the last observation assimilated (the scenario's start when none was).
    pub as_of: CivilDate,
    /// The scenario's start: the forecast now starts the week after the last observed week.
    pub scenario_start: CivilDate,
    /// Weeks of the scenario before the forecast's week 0 (0 when nothing was assimilated).
    pub weeks_assimilated: u32,
    /// Particles (the forecast's runs).
    pub particles: u64,
    /// Observations assimilated, and those dated before the scenario's start (not used).
    pub observations: usize,
    pub ignored_before_start: usize,
    /// The log-likelihood estimate of the observations (log L̂, unbiased on the L scale).
    pub loglik: f64,
    /// The smallest ESS over the steps (the particles when nothing was assimilated).
    pub min_ess: f64,
    /// Filtering failures (steps where no particle was possible).
    pub failures: usize,
    /// The measurement model and the filter's settings, in words.
    pub method: String,
    /// Per observed week.
    pub steps: Vec<StepRow>,
}

/// Groups the observations that fall within the scenario's weeks by week; returns the steps
/// and the number of observations dated before the start. An observation after the last
/// week of the horizon is an error naming its line.
pub fn observation_steps(params: &Params, obs: &Observations) -> Result<(Vec<ObsStep>, usize), ForecastError> {
    let (start, h) = (params.start, params.horizon);
    let mut steps: Vec<ObsStep> = Vec::new();
    let mut before = 0;
    // The last km² row so far: before the start only when the scenario starts from it.
    let mut last_km2: Option<(f64, f64)> = None;
    for o in obs.rows() {
        if o.date < start {
            before += 1;
            if let Observed::Km2Held { value, sd } = o.what {
                last_km2 = (value == params.start_km2).then_some((value, sd));
            }
            continue;
        }
        // The week that contains the date: the particle is weighed at that week's end, so
        // the forecast's week 0 (the week after) starts after every assimilated date.
        let days = o.date.to_days() - start.to_days();
        if days >= 7 * h as i64 {
            return Err(ForecastError::Observations(format!(
                "observations, line {}: dated {}, after the forecast's last week (the horizon of {h} weeks from {start} \
                 ends {}); lengthen the horizon or drop the row",
                o.line,
                o.date,
                crate::scorecard::week_end(start, h - 1)
            )));
        }
        let week = (days / 7) as u32;
        if steps.last().is_none_or(|s| s.week != week) {
            steps.push(ObsStep { week, date: o.date, obs: Vec::new(), km2_ref: None });
        }
        let s = steps.last_mut().expect("pushed above");
        s.obs.push(o.what);
        s.date = o.date;
        if let Observed::Km2Held { value, sd } = o.what {
            if !s.obs[..s.obs.len() - 1].iter().any(|o| matches!(o, Observed::Km2Held { .. })) {
                s.km2_ref = last_km2;
            }
            last_km2 = Some((value, sd));
        }
    }
    if let Some(last) = steps.last() {
        if last.week + 1 >= h {
            return Err(ForecastError::Observations(format!(
                "observations: the last one ({}) falls in the forecast's last week, so nothing is left to forecast; \
                 lengthen the horizon",
                last.date
            )));
        }
    }
    Ok((steps, before))
}

/// A particle: a run in progress and the parameters it carries (normal scores and values).
pub struct Particle {
    run: Run,
    /// Normal scores Φ⁻¹(F(θ)) of the sampled parameters (the estimation scale).
    z: Vec<f64>,
    /// The sampled parameters' values, in the `[uncertainty]` table's order.
    v: Vec<f64>,
    /// The values as [`Params::set`] writes them (rounded, guarded), valid while `guarded`:
    /// a particle is reloaded every observed week, and guarding its unchanged values again
    /// cost as much as simulating the week.
    g: Vec<f64>,
    /// Whether `g` holds `v` guarded (false after a draw or a rejuvenation changed `v`).
    guarded: bool,
    /// The run's area at the last step with a km² observation before the current one (at
    /// the start before the first): the particle's side of a change (module docs).
    ref_km2: f64,
}

impl Clone for Particle {
    fn clone(&self) -> Self {
        Particle {
            run: self.run.clone(),
            z: self.z.clone(),
            v: self.v.clone(),
            g: self.g.clone(),
            guarded: self.guarded,
            ref_km2: self.ref_km2,
        }
    }
    fn clone_from(&mut self, s: &Self) {
        let Particle { run, z, v, g, guarded, ref_km2 } = self;
        run.clone_from(&s.run);
        z.clone_from(&s.z);
        v.clone_from(&s.v);
        g.clone_from(&s.g);
        *guarded = s.guarded;
        *ref_km2 = s.ref_km2;
    }
}

/// A thread's workspace: the engine's [`Sim`] and the guarded values it holds at the sampled
/// parameters since its last load. What it holds never changes a result: a load writes
/// exactly the values that differ, so the workspace ends with the scenario's parameters and
/// the particle's values whatever particle it held before (the [`Pomp`] contract).
pub struct Workspace {
    sim: Sim,
    /// The guarded value at each `[uncertainty]` parameter, valid while `holds`.
    loaded: Vec<f64>,
    /// Whether the simulator's parameters are the scenario's with `loaded` written and its
    /// run constants derived from them (false until a first load, and after a draw).
    holds: bool,
}

impl Workspace {
    fn new(l: &Loaded) -> Self {
        Workspace { sim: Sim::new(&l.params), loaded: vec![0.0; l.uncertainty.len()], holds: false }
    }
}

/// The fight–talk engine as a POMP model over observation steps.
pub struct TruceModel<'a> {
    l: &'a Loaded,
    seed: u64,
    steps: &'a [ObsStep],
    measure: MeasureOptions,
    /// Whether the km² series is conditioned on changes ([`cumulative_series`]).
    nested: bool,
    /// The last km² observation: its step and value (the level a nested series' forecast
    /// continues from, [`TruceModel::shift`]); `None` without one.
    last_km2: Option<(usize, f64)>,
    /// The pool selected by survival to the war's age (`crate::selection`), which particles
    /// draw their parameters from as the forecast's runs do; `None`: the prior.
    selection: Option<Selection>,
    /// The `[uncertainty]` distributions, prepared once for the normal scores of every
    /// particle's parameters (their CDFs at the start, their quantiles after each
    /// rejuvenation): the same values as the plain methods', without a scan of a posterior's
    /// weights per particle.
    dists: Vec<PreparedDist>,
    /// Each `[uncertainty]` parameter's guard ([`Params::guard`]) when it does not depend on
    /// the particle (its range is not relative, or no sampled parameter moves what relative
    /// ranges read), computed once: a
    /// rejuvenated particle's values are guarded again at its next load.
    guards: Vec<Option<Guard>>,
    /// Whether a sampled parameter can move another's range ([`frame_moves`]): then the
    /// relative parameters' guards are not kept and a changed value has every value guarded
    /// again at the next load.
    relative: bool,
}

/// Whether a sampled parameter can change the range of another (a range relative to the
/// territorial mapping or the start's area, when one of those is sampled): found by moving
/// each sampled parameter and comparing the relative parameters' guards. When none can, every
/// guard is the scenario's, computed once.
fn frame_moves(l: &Loaded) -> bool {
    let refs = &l.uncertainty.refs;
    let rel: Vec<_> = refs.iter().filter(|r| r.param().range.is_relative()).collect();
    if rel.is_empty() {
        return false;
    }
    let base: Vec<Guard> = rel.iter().map(|r| l.params.guard(**r)).collect();
    refs.iter().any(|r| {
        let v = l.params.get(*r);
        [v - 1.0, v + 1.0, 0.5 * v, 2.0 * v].into_iter().any(|w| {
            let mut p = l.params.clone();
            p.set(*r, w);
            rel.iter().zip(&base).any(|(q, g)| p.guard(**q) != *g)
        })
    })
}

/// Whether the km² rows of `steps` form a cumulative series, weighed as changes: the option
/// is on and every km² row's sd differs from its reference's (a repeated sd cannot be the
/// sd of a level built month by month: each month adds error), with at least one reference.
pub fn cumulative_series(steps: &[ObsStep], m: &MeasureOptions) -> bool {
    let mut any = false;
    for s in steps {
        let mut reference = s.km2_ref;
        for o in &s.obs {
            if let Observed::Km2Held { value, sd } = *o {
                if let Some((_, sd_ref)) = reference {
                    if sd == sd_ref {
                        return false;
                    }
                    any = true;
                }
                reference = Some((value, sd));
            }
        }
    }
    m.cumulative && any
}

impl<'a> TruceModel<'a> {
    /// The model of scenario `l` (its parameters, horizon and `[uncertainty]`) under `seed`,
    /// observed at `steps`.
    pub fn new(l: &'a Loaded, seed: u64, steps: &'a [ObsStep], measure: MeasureOptions) -> Self {
        let nested = cumulative_series(steps, &measure);
        let last_km2 = steps.iter().enumerate().rev().find_map(|(t, s)| {
            s.obs.iter().rev().find_map(|o| match *o {
                Observed::Km2Held { value, .. } => Some((t, value)),
                _ => None,
            })
        });
        let dists = l.uncertainty.set.specs().iter().map(|s| PreparedDist::new(&s.dist)).collect();
        let relative = frame_moves(l);
        let guards: Vec<Option<Guard>> = l
            .uncertainty
            .refs
            .iter()
            .map(|r| (!relative || !r.param().range.is_relative()).then(|| l.params.guard(*r)))
            .collect();
        TruceModel { l, seed, steps, measure, nested, last_km2, selection: None, dists, guards, relative }
    }

    /// Whether the km² series is weighed as changes and the forecast re-anchored.
    pub fn nested(&self) -> bool {
        self.nested
    }

    /// The offset between the series and particle `x`'s line at the last km² observation
    /// (added to its area from there on), 0 unless the series is nested.
    fn shift(&self, x: &Particle) -> f64 {
        if !self.nested {
            return 0.0;
        }
        match self.last_km2 {
            // The particle stands at the end of the last step; `ref_km2` holds its area at an
            // earlier km² step.
            Some((t, y)) if t + 1 == self.steps.len() => y - x.run.km2(),
            Some((_, y)) => y - x.ref_km2,
            None => 0.0,
        }
    }

    /// The same model whose particles start from the draws selected by survival to the war's
    /// age (`crate::selection::select`), as the unconditioned forecast's runs do.
    pub fn with_selection(self, selection: Option<Selection>) -> Self {
        TruceModel { selection, ..self }
    }

    /// Writes the particle's parameters into the workspace and derives the run constants;
    /// the first load after its values changed guards them (exactly as [`Params::set`]) and
    /// keeps the result, later loads write it directly — and only the values that differ
    /// from those the workspace holds from its last load ([`Workspace`]): after a resampling
    /// neighbouring slots are mostly copies of one ancestor, which differ only in the
    /// parameters the kernel moved. Nothing written, nothing derived again.
    fn load(&self, w: &mut Workspace, x: &mut Particle) {
        let refs = &self.l.uncertainty.refs;
        if x.guarded && w.holds {
            let mut changed = false;
            for ((r, &g), held) in refs.iter().zip(&x.g).zip(w.loaded.iter_mut()) {
                if g.to_bits() != held.to_bits() {
                    w.sim.params_mut().write(*r, g);
                    *held = g;
                    changed = true;
                }
            }
            if changed {
                w.sim.refresh();
            }
            return;
        }
        let p = w.sim.params_mut();
        if x.guarded {
            for (r, &g) in refs.iter().zip(&x.g) {
                p.write(*r, g);
            }
        } else {
            for (((r, &v), g), guard) in refs.iter().zip(&x.v).zip(x.g.iter_mut()).zip(&self.guards) {
                *g = match guard {
                    Some(guard) => guard.apply(v),
                    None => p.guarded(*r, v),
                };
                p.write(*r, *g);
            }
            x.guarded = true;
        }
        w.loaded.copy_from_slice(&x.g);
        w.holds = true;
        w.sim.refresh();
    }

    /// log density of a Student-t with `self.measure.dof` degrees of freedom and scale `sd`
    /// at `y − x`.
    fn t_logpdf(&self, y: f64, x: f64, sd: f64) -> f64 {
        let nu = self.measure.dof;
        let d = (y - x) / sd;
        libm::lgamma((nu + 1.0) / 2.0)
            - libm::lgamma(nu / 2.0)
            - 0.5 * (nu * std::f64::consts::PI).ln()
            - sd.ln()
            - (nu + 1.0) / 2.0 * (d * d / nu).ln_1p()
    }
}

/// A normal score, with F clamped inside (0, 1) so that a value at a bounded support's end
/// stays finite.
fn score(u: f64) -> f64 {
    norm_inv(u.clamp(1e-12, 1.0 - 1e-12))
}

impl Pomp for TruceModel<'_> {
    type State = Particle;
    type Obs = ObsStep;
    type Work = Workspace;

    fn workspace(&self) -> Workspace {
        Workspace::new(self.l)
    }

    /// Run `slot` of the unconditioned forecast at week 0: the ensemble's parameter draw (from
    /// the pool selected by survival when the war began before the start)
    /// and simulation stream (`rng` is not used, so that no observation means the same
    /// forecast).
    fn rinit(&self, w: &mut Workspace, slot: u64, _rng: &mut ChaCha8Rng) -> Particle {
        // The draw overwrites the parameters the workspace held.
        w.holds = false;
        let sim = &mut w.sim;
        sim.reset_params(&self.l.params);
        let u = &self.l.uncertainty;
        let mut v = vec![0.0; u.len()];
        draw_params(self.l, self.selection.as_ref(), self.seed, slot, &mut v, sim.params_mut());
        let z = self.dists.iter().zip(&v).map(|(d, &x)| score(d.cdf(x))).collect();
        let run = sim.start(self.seed, slot);
        let g = vec![0.0; v.len()];
        let ref_km2 = run.km2();
        Particle { run, z, v, g, guarded: false, ref_km2 }
    }

    /// To the end of observed week `t` (or, for `t` = the number of steps, to the horizon).
    /// From the second step on the particle continues on the child slot's stream `rng`.
    fn rprocess(&self, w: &mut Workspace, x: &mut Particle, t: usize, rng: &mut ChaCha8Rng) {
        if t > 0 && self.steps[t - 1].obs.iter().any(|o| matches!(o, Observed::Km2Held { .. })) {
            x.ref_km2 = x.run.km2();
        }
        // A run that has ended never moves or draws again (`Sim::advance` returns at once):
        // nothing to load or reseed.
        if x.run.ended().is_some() {
            return;
        }
        self.load(w, x);
        if t > 0 {
            x.run.reseed(rng.clone());
        }
        let until = self.steps.get(t).map_or(u32::MAX, |s| s.week + 1);
        w.sim.advance(&mut x.run, until, &mut NoObserver);
    }

    fn dmeasure(&self, y: &ObsStep, x: &Particle, _t: usize) -> f64 {
        let mut l = 0.0;
        // The series' and the particle's side of the next change: a second km² row of the
        // week refers to the first, and the particle has not moved between them.
        let (mut reference, mut x_ref) = (y.km2_ref, x.ref_km2);
        for o in &y.obs {
            l += match *o {
                Observed::Km2Held { value, sd } => {
                    let l = match reference {
                        Some((y_ref, sd_ref)) if self.nested => {
                            // The change since the reference, with the error of the months between.
                            let scale = (sd * sd - sd_ref * sd_ref).abs().sqrt();
                            self.t_logpdf(value - y_ref, x.run.km2() - x_ref, scale)
                        }
                        _ => self.t_logpdf(value, x.run.km2(), sd),
                    };
                    (reference, x_ref) = (Some((value, sd)), x.run.km2());
                    l
                }
                Observed::Casualties { side, value, sd } => self.t_logpdf(value, x.run.casualties()[side], sd),
                Observed::State(s) => {
                    let e = self.measure.state_error;
                    if x.run.state() == s {
                        (1.0 - e).ln()
                    } else {
                        (e / (WarState::COUNT - 1) as f64).ln()
                    }
                }
            };
        }
        l
    }

    fn params<'b>(&self, x: &'b Particle) -> &'b [f64] {
        &x.z
    }

    /// Only the scores that changed are mapped back to values (the kernel moves the informed
    /// parameters only) and, while the guarded values are valid, guarded again in place; when
    /// some parameter's range depends on others (the territorial mapping), a change has every
    /// value guarded at the next load instead, as after a draw.
    fn set_params(&self, _w: &mut Workspace, x: &mut Particle, est: &[f64]) {
        let Particle { z, v, g, guarded, .. } = x;
        for (k, (&e, d)) in est.iter().zip(&self.dists).enumerate() {
            if e.to_bits() == z[k].to_bits() {
                continue;
            }
            z[k] = e;
            v[k] = d.quantile(norm_cdf(e).clamp(1e-12, 1.0 - 1e-12));
            match &self.guards[k] {
                Some(guard) if *guarded && !self.relative => g[k] = guard.apply(v[k]),
                _ => *guarded = false,
            }
        }
    }
}

/// The fingerprint of a filtered forecast: the forecast's, with every assimilated
/// observation and the filter's settings mixed in (a filtered forecast never merges or
/// compares as the unconditioned one).
pub fn fingerprint(base: &str, steps: &[ObsStep], m: &MeasureOptions) -> String {
    let mut h = Fnv1a::new().bytes(base.as_bytes()).bytes(b"observations");
    for s in steps {
        h = h.bytes(&s.week.to_le_bytes());
        for o in &s.obs {
            h = h.bytes(format!("{o:?}").as_bytes());
        }
    }
    h = h.bytes(format!("{m:?}").as_bytes());
    format!("{:016x}", h.finish())
}

/// A filtered forecast's result.
#[derive(Debug, Clone)]
pub struct FilteredForecast {
    /// The aggregate from the forecast's week 0 (the week after the last observed week).
    pub aggregate: ForecastAggregate,
    /// The date of the forecast's week 0's first day.
    pub start: CivilDate,
    /// What the filter did.
    pub filtering: Filtering,
    /// What selection by survival did to the particles' first draws (`crate::selection`).
    pub selection: Option<crate::selection::SelectionReport>,
}

/// Bytes one particle of a filtered forecast of `l` holds (its run's state and buffers, its
/// parameters, their normal scores and guarded values), for the job's memory admission.
pub fn particle_bytes(l: &Loaded) -> u64 {
    let run = Sim::new(&l.params).start(0, 0);
    (run.bytes() + std::mem::size_of::<Particle>() + 3 * l.uncertainty.len() * std::mem::size_of::<f64>()) as u64
}

/// Runs `particles` particles of scenario `l` through the observations and on to the
/// horizon, on the caller's rayon pool. `fp` is the aggregate's fingerprint ([`fingerprint`]).
pub fn filtered_forecast(
    l: &Loaded,
    fp: &str,
    steps: &[ObsStep],
    ignored_before_start: usize,
    particles: u64,
    seed: u64,
    measure: &MeasureOptions,
) -> Result<FilteredForecast, ForecastError> {
    if particles == 0 {
        return Err(ForecastError::NoRuns);
    }
    let model = TruceModel::new(l, seed, steps, *measure).with_selection(crate::selection::select(l, seed)?);
    let opts = FilterOptions {
        particles: particles as usize,
        seed,
        resample_below: measure.resample_below,
        liu_west: measure.liu_west,
    };
    let ys: &[ObsStep] = steps;
    let mut f = pfilter(&model, ys, &opts).map_err(|e| ForecastError::Observations(e.to_string()))?;
    f.equalise(seed, steps.len() as u64);
    let base = &l.params;
    let offset = steps.last().map_or(0, |s| s.week + 1);
    let mut rebased = base.clone();
    rebased.start = CivilDate::from_days(base.start.to_days() + 7 * offset as i64);
    rebased.horizon = base.horizon - offset;
    let t_end = steps.len();
    const CHUNK: usize = 256;
    // Folded into a few aggregates (one per rayon split, never one per chunk) and merged:
    // the merge is exact, associative and commutative, so the split does not matter.
    let empty = ForecastAggregate::new(l, &rebased, fp.to_string(), seed)?;
    let total = f
        .particles
        .par_chunks_mut(CHUNK)
        .enumerate()
        .fold(
            || (empty.clone(), Workspace::new(l), Continuer::new(rebased.horizon)),
            |(mut agg, mut w, mut cont), (c, chunk)| {
                for (i, p) in chunk.iter_mut().enumerate() {
                    let j = (c * CHUNK + i) as u64;
                    // An ended run is only recorded (`Sim::advance` returns its end at once).
                    if p.run.ended().is_none() {
                        model.load(&mut w, p);
                        if t_end > 0 {
                            p.run.reseed(stream(seed, Purpose::Propagate, t_end as u64, j));
                        }
                    }
                    let shift = model.shift(p);
                    cont.run(&mut agg, &mut w.sim, &mut p.run, offset, j, &p.v, shift);
                }
                (agg, w, cont)
            },
        )
        .map(|(agg, ..)| Ok::<_, ForecastError>(agg))
        .try_reduce(
            || empty.clone(),
            |mut a, b| {
                a.merge(&b)?;
                Ok(a)
            },
        )?;
    let rows: Vec<StepRow> = steps
        .iter()
        .zip(&f.steps)
        .map(|(s, r)| StepRow {
            date: s.date,
            week: s.week,
            observations: s.obs.len(),
            km2_held: s.obs.iter().rev().find_map(|o| match *o {
                Observed::Km2Held { value, sd } => Some((value, sd)),
                _ => None,
            }),
            loglik: r.loglik,
            ess: r.ess,
            resampled: r.resampled,
            failed: r.failed,
        })
        .collect();
    let filtering = Filtering {
        as_of: steps.last().map_or(base.start, |s| s.date),
        scenario_start: base.start,
        weeks_assimilated: offset,
        particles,
        observations: steps.iter().map(|s| s.obs.len()).sum(),
        ignored_before_start,
        loglik: f.loglik,
        min_ess: f.steps.iter().map(|s| s.ess).fold(particles as f64, f64::min),
        failures: f.failures,
        method: method(measure, model.nested()),
        steps: rows,
    };
    let selection = model.selection.as_ref().map(|s| s.report.clone());
    Ok(FilteredForecast { aggregate: total, start: rebased.start, filtering, selection })
}

/// The measurement model and filter settings, in words (for the summary and the report);
/// `nested`: the km² series was weighed as changes ([`cumulative_series`]).
pub fn method(m: &MeasureOptions, nested: bool) -> String {
    let lw = match m.liu_west {
        Some(d) => format!("Liu–West rejuvenation δ = {d} on the priors' normal scores"),
        None => "no parameter rejuvenation".into(),
    };
    let km2 = if nested {
        "km²: a cumulative series, each change since the previous km² row weighed with the change's sd \
         √|sd² − sd_prev²| as scale and the forecast continued from the last observed level; casualties"
    } else {
        "km² and casualties"
    };
    format!(
        "bootstrap particle filter; {km2}: Student-t (ν = {}) with the row's sd as scale; states: \
         matched with probability {} (error rate {}); systematic resampling when ESS < {} × particles; {lw}",
        m.dof,
        1.0 - m.state_error,
        m.state_error,
        m.resample_below
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use truce_engine::builtin;
    use truce_engine::load::load_str;

    /// A load writes only what differs from the workspace's last load: the workspace must
    /// end up exactly as a fresh one loaded with the same particle, whatever it held —
    /// another draw, a copy whose kernel moved a few values, or the same particle again —
    /// and a run advanced in it must be the same run, bit for bit.
    #[test]
    fn a_reused_workspace_loads_exactly_what_a_fresh_one_loads() {
        let text = builtin::builtin(builtin::DEFAULT).unwrap();
        let l = load_str("default", text).unwrap();
        let m = TruceModel::new(&l, 3, &[], MeasureOptions::default());
        let mut reused = m.workspace();
        let mut rng = stream(3, Purpose::Init, 0, 0);
        let mut a = m.rinit(&mut reused, 0, &mut rng);
        let b = m.rinit(&mut reused, 1, &mut rng);
        // A copy of `a` whose first three normal scores the kernel moved.
        let mut moved = a.clone();
        let mut z = moved.z.clone();
        for e in &mut z[..3] {
            *e += 0.3;
        }
        m.set_params(&mut reused, &mut moved, &z);
        assert!(z.len() > 3 && moved.v[..3] != a.v[..3] && moved.v[3..] == a.v[3..]);
        let advanced = |w: &mut Workspace, x: &Particle| {
            let mut run = x.run.clone();
            w.sim.advance(&mut run, 20, &mut NoObserver);
            (run.week(), run.km2().to_bits(), run.casualties().map(f64::to_bits), run.state())
        };
        // Each guarded (loaded once elsewhere), so that every load below but the first takes
        // the path that writes only what differs.
        let mut scratch = m.workspace();
        let (mut b, mut moved) = (b, moved);
        for x in [&mut a, &mut b, &mut moved] {
            m.load(&mut scratch, x);
        }
        for x in [a.clone(), b, moved, a.clone(), a] {
            let mut x = x;
            let mut y = x.clone();
            m.load(&mut reused, &mut x);
            let mut fresh = m.workspace();
            m.load(&mut fresh, &mut y);
            assert!(reused.holds && reused.loaded == x.g && x.g == y.g);
            // Debug, not ==: the parameters hold NaN where a value is absent.
            assert_eq!(format!("{:?}", reused.sim.params()), format!("{:?}", fresh.sim.params()));
            assert_eq!(advanced(&mut reused, &x), advanced(&mut fresh, &y));
        }
    }

    #[test]
    fn a_sampled_start_area_moves_the_relative_ranges_and_the_default_scenario_does_not() {
        let text = builtin::builtin(builtin::DEFAULT).unwrap();
        let l = load_str("default", text).unwrap();
        assert!(l.uncertainty.refs.iter().any(|r| r.param().range.is_relative()));
        assert!(!frame_moves(&l));
        let sampled = text.replacen(
            "[uncertainty]\n",
            "[uncertainty]\n\"issues.territory.start_km2\" = { dist = \"uniform\", low = 115000, high = 116500 }\n",
            1,
        );
        assert_ne!(sampled, text);
        let l = load_str("sampled start", &sampled).unwrap();
        assert!(frame_moves(&l));
        // Then the relative parameters are guarded at each load, not once.
        let m = TruceModel::new(&l, 1, &[], MeasureOptions::default());
        assert!(m.relative && m.guards.iter().any(Option::is_none));
    }
}
