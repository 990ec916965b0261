//! Calibration of a scenario's `[uncertainty]` parameters to an observed series by ABC-SMC
//! (`truce calibrate`, `docs/calibration.md`): the fight–talk engine as an [`AbcModel`] run
//! through the generic sampler of [`crate::abc`], and the calibrated scenario it writes.
//!
//! **The prior** is the scenario's `[uncertainty]` table: the calibrated parameters are
//! moved on the normal-score scale z = Φ⁻¹(F(θ)), where the prior is exactly the copula's
//! N(0, R) (so correlations are respected and the kernel lives on ℝ); a value is F⁻¹(Φ(z)),
//! so every proposal maps inside its distribution's support, and a proposal with some
//! |z| > [`Z_MAX`] (beyond the 10⁻¹² quantiles the filter also clamps to) is outside the
//! support and rejected. Parameters of the table that are not calibrated (`--params`), and a
//! `[weighted_sample]`'s, are drawn from their distributions in every simulation (integrated
//! out); a calibrated set must be closed under `[[correlations]]`.
//!
//! **The data** are summaries of the observed series: per calendar month and quantity, the
//! last observation of the month (area held, each side's casualties, the war's state). A
//! simulation starts at the scenario's start and is advanced (the stepping API) to the end of
//! each observation's week; a number is compared with the run's value plus its measurement
//! noise (normal, the row's sd: noisy ABC, so ε → 0 targets the posterior given noisy data),
//! scaled by 1.4826 × its prior-predictive MAD (at least its sd); a state contributes 1 when
//! the run is in another state. Observations before the start are refused (a run cannot see
//! them); those after `as_of` are ignored and counted, so a hindcast origin never sees its
//! future. `from` re-dates the scenario to an earlier day ([`truce_engine::redate`]), starts
//! it from the area last observed on or before that day, calibrates on the observations in
//! (from, start], and writes the posterior into the scenario at its own start.
//!
//! **The output** is the same scenario with each calibrated parameter's prior replaced by a
//! joint `[weighted_sample]` of the last population (one row per particle, its weight; the
//! replaced priors recorded in it, `priors`); the parameter's own value (used by no run:
//! `truce run` takes the sample's median) is kept when it lies inside its column, else set
//! to the posterior median; checked by loading it again; plus [`Diagnostics`]. The text is the input text edited in place
//! ([`crate::in_place`]): every comment and untouched line stays.
//!
//! **A calibrated scenario calibrates from its priors**: an input that already has a
//! `[weighted_sample]` written by a calibration is first put back to its priors
//! ([`truce_engine::scenario::Scenario::with_priors`]) and its old sample is replaced, so
//! calibrating the output again with the same options and observations gives the same bytes
//! (idempotent; the built-in `ukraine-2025-12` is shipped that way).
//!
//! Pure: no I/O, no clock; it runs on the caller's rayon pool and its result is bit-identical
//! for any thread count (the sampler's guarantee).

use crate::abc::{
    abc_smc, cholesky, forward_solve, weighted_quantile, AbcModel, AbcOptions, Generation, ScaleRule, Stop,
};
use crate::observation::{Observations, Observed, Quantity};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::Serialize;
use truce_engine::calendar::CivilDate;
use truce_engine::load::{load_str, to_toml, Loaded};
use truce_engine::scenario::{Num, Scenario, WeightedSample};
use truce_engine::sim::{NoObserver, Run, Sim};
use truce_engine::special::norm_cdf;
use truce_engine::uncertainty::Dist;

/// A normal score beyond ±this is outside the prior's support (F within 10⁻¹² of 0 or 1).
pub const Z_MAX: f64 = 7.0;
/// The most particles per generation (the weights cost particles² per generation).
pub const MAX_PARTICLES: usize = 20_000;
/// The most generations.
pub const MAX_GENERATIONS: usize = 50;
/// The most particles × generations.
pub const MAX_PARTICLE_GENERATIONS: usize = 400_000;
/// The most simulations one calibration may run.
pub const MAX_SIMULATIONS: u64 = 50_000_000;

/// What `truce calibrate` asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrateOptions {
    /// Particles per generation.
    pub particles: usize,
    /// Generations after the prior's.
    pub generations: usize,
    /// Master seed.
    pub seed: u64,
    /// Ignore (and count) observations dated after this day.
    pub as_of: Option<CivilDate>,
    /// Calibrate from this earlier day (the scenario re-dated to it), on observations in
    /// (from, start].
    pub from: Option<CivilDate>,
    /// The paths to calibrate (every `[uncertainty]` path when `None`).
    pub params: Option<Vec<String>>,
    /// The simulation budget.
    pub max_simulations: u64,
    /// The kernel's covariance over the previous generation's (2: Beaumont et al.).
    pub kernel_scale: f64,
}

impl Default for CalibrateOptions {
    fn default() -> Self {
        CalibrateOptions {
            particles: 1000,
            generations: 8,
            seed: 1,
            as_of: None,
            from: None,
            params: None,
            max_simulations: 2_000_000,
            kernel_scale: 2.0,
        }
    }
}

/// Why a calibration could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalibrateError {
    /// A bad option (named in the message).
    #[error("{0}")]
    Option(String),
    /// The scenario does not load.
    #[error("{0}")]
    Scenario(String),
    /// The observations cannot be used (the row named in the message).
    #[error("{0}")]
    Observations(String),
    /// The sampler failed.
    #[error("{0}")]
    Sampler(String),
}

/// One summary of the observed series.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The observation's date and file line.
    pub date: CivilDate,
    /// 1-based line of the observations file.
    pub line: usize,
    /// The week (from the fit's start) at whose end it is compared.
    pub week: u32,
    /// What was observed.
    pub what: Observed,
}

/// Mean, sd and quantiles of one quantity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Moments {
    /// Mean.
    pub mean: f64,
    /// Standard deviation.
    pub sd: f64,
    /// 5% quantile.
    pub q05: f64,
    /// Median.
    pub q50: f64,
    /// 95% quantile.
    pub q95: f64,
}

impl Moments {
    /// Weighted moments of `x` (weights normalised), reductions in index order.
    pub fn weighted(x: &[f64], w: &[f64]) -> Self {
        let mean: f64 = x.iter().zip(w).fold(0.0, |s, (x, w)| s + w * x);
        let var: f64 = x.iter().zip(w).fold(0.0, |s, (x, w)| s + w * (x - mean) * (x - mean));
        Moments {
            mean,
            sd: var.max(0.0).sqrt(),
            q05: weighted_quantile(x, w, 0.05),
            q50: weighted_quantile(x, w, 0.5),
            q95: weighted_quantile(x, w, 0.95),
        }
    }

    /// A distribution's exact moments and quantiles.
    pub fn of(d: &Dist) -> Self {
        Moments {
            mean: d.mean(),
            sd: d.variance().max(0.0).sqrt(),
            q05: d.quantile(0.05),
            q50: d.quantile(0.5),
            q95: d.quantile(0.95),
        }
    }
}

/// A calibrated parameter: prior and posterior.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamDiagnostics {
    /// The `[uncertainty]` path.
    pub path: String,
    /// The prior (the distribution's exact values).
    pub prior: Moments,
    /// The posterior (the last population, weighted).
    pub posterior: Moments,
}

/// A summary of the observed series with its posterior predictive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryDiagnostics {
    /// The observation's date.
    pub date: CivilDate,
    /// `km2_held`, `casualties_<side>` or `state`.
    pub quantity: String,
    /// The observed number (1 for a state: the run is in the observed state).
    pub observed: f64,
    /// The observed state, for a state.
    pub state: Option<&'static str>,
    /// The scale of its term in the distance.
    pub scale: f64,
    /// The accepted simulations' values (with measurement noise), weighted.
    pub predictive: Moments,
}

/// What a calibration did (`--diagnostics FILE.json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostics {
    /// The scenario's name.
    pub scenario: String,
    /// The scenario's own start (where the posterior is written).
    pub scenario_start: CivilDate,
    /// Where the simulations start (the scenario's start, or `from`).
    pub fit_start: CivilDate,
    /// The `as_of` day, if given.
    pub as_of: Option<CivilDate>,
    /// Particles per generation.
    pub particles: usize,
    /// The master seed.
    pub seed: u64,
    /// Observation rows used (before keeping the last per month and quantity).
    pub observations_used: usize,
    /// Rows ignored as dated on or before `from` (the history before the fit's start).
    pub ignored_before: usize,
    /// Rows ignored as dated after `as_of` (or, with `from`, after the scenario's start).
    pub ignored_after: usize,
    /// Why the sampler stopped.
    pub stop: Stop,
    /// Simulations run in all.
    pub simulations: u64,
    /// Per generation: tolerance (null for the prior's ∞), ESS, acceptance rate, simulations.
    pub generations: Vec<Generation>,
    /// Per calibrated parameter.
    pub parameters: Vec<ParamDiagnostics>,
    /// Per summary of the observed series.
    pub summaries: Vec<SummaryDiagnostics>,
    /// The method, in words.
    pub method: String,
}

/// A calibration's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// The calibrated scenario (TOML), loadable: the input text edited in place (every
    /// comment kept), the posterior's `[weighted_sample]` at its end.
    pub text: String,
    /// The calibrated scenario as parsed (what [`serialised`] writes with the loader's
    /// serialiser; `text` loads to the same).
    pub scenario: Scenario,
    /// What the calibration did.
    pub diagnostics: Diagnostics,
}

/// The engine as an ABC model: θ = the calibrated parameters' normal scores.
struct EngineModel<'a> {
    l: &'a Loaded,
    /// Indices of the calibrated parameters in the `[uncertainty]` order.
    cal: Vec<usize>,
    /// The Cholesky factor of their copula correlation.
    chol: Vec<f64>,
    targets: Vec<Target>,
    observed: Vec<f64>,
}

/// A simulation's workspace: the engine and a run whose buffers are reused.
struct Work {
    sim: Sim,
    run: Option<Run>,
    buf: Vec<f64>,
}

impl EngineModel<'_> {
    /// The value of calibrated parameter `k` at normal score `z`.
    fn value(&self, k: usize, z: f64) -> f64 {
        let i = self.cal[k];
        let v = self.l.uncertainty.set.specs()[i].dist.quantile(norm_cdf(z).clamp(1e-12, 1.0 - 1e-12));
        if self.l.uncertainty.refs[i].param().whole {
            v.round()
        } else {
            v
        }
    }
}

impl AbcModel for EngineModel<'_> {
    type Work = Work;

    fn workspace(&self) -> Work {
        Work { sim: Sim::new(&self.l.params), run: None, buf: vec![0.0; self.l.uncertainty.len()] }
    }
    fn dim(&self) -> usize {
        self.cal.len()
    }
    fn observed(&self) -> &[f64] {
        &self.observed
    }
    fn scale(&self, k: usize) -> ScaleRule {
        match self.targets[k].what {
            Observed::Km2Held { sd, .. } | Observed::Casualties { sd, .. } => ScaleRule::Mad { floor: sd },
            Observed::State(_) => ScaleRule::Fixed(1.0),
        }
    }
    fn sample_prior(&self, rng: &mut ChaCha8Rng, theta: &mut [f64]) {
        let d = self.cal.len();
        let n: Vec<f64> = (0..d).map(|_| StandardNormal.sample(rng)).collect();
        for (a, t) in theta.iter_mut().enumerate() {
            *t = (0..=a).map(|b| self.chol[a * d + b] * n[b]).sum();
        }
    }
    fn log_prior(&self, theta: &[f64]) -> f64 {
        if theta.iter().any(|z| z.is_nan() || z.abs() > Z_MAX) {
            return f64::NEG_INFINITY;
        }
        let mut y = theta.to_vec();
        forward_solve(&self.chol, self.cal.len(), &mut y);
        -0.5 * y.iter().fold(0.0, |s, x| s + x * x)
    }
    fn simulate(&self, w: &mut Work, theta: &[f64], rng: &mut ChaCha8Rng, out: &mut [f64]) {
        let u = &self.l.uncertainty;
        w.sim.reset_params(&self.l.params);
        let mut prng = ChaCha8Rng::from_seed(rng.random());
        u.apply(&mut prng, &mut w.buf, w.sim.params_mut());
        for (k, &z) in theta.iter().enumerate() {
            let v = self.value(k, z);
            w.sim.params_mut().set(u.refs[self.cal[k]], v);
        }
        let run = match w.run.as_mut() {
            Some(r) => {
                w.sim.restart(r, 0, 0);
                r
            }
            None => w.run.insert(w.sim.start(0, 0)),
        };
        run.reseed(ChaCha8Rng::from_seed(rng.random()));
        for (o, t) in out.iter_mut().zip(&self.targets) {
            w.sim.advance(run, t.week + 1, &mut NoObserver);
            let noise = |sd: f64, rng: &mut ChaCha8Rng| -> f64 {
                let e: f64 = StandardNormal.sample(rng);
                sd * e
            };
            *o = match t.what {
                Observed::Km2Held { sd, .. } => run.km2() + noise(sd, rng),
                Observed::Casualties { side, sd, .. } => run.casualties()[side] + noise(sd, rng),
                Observed::State(s) => f64::from(u8::from(run.state() == s)),
            };
        }
    }
}

/// The method, in words (the diagnostics' `method`).
pub fn method(o: &AbcOptions) -> String {
    format!(
        "ABC-SMC (Beaumont et al. 2009 population Monte Carlo): priors = the scenario's [uncertainty] \
         distributions on their copula's normal-score scale (|z| > {Z_MAX} rejected); Gaussian kernel with twice \
         the weighted covariance × {} (1: Beaumont et al.); tolerance = the weighted {}-quantile of the previous generation's distances; \
         Euclidean distance over the last observation per month and quantity, numbers with normal measurement \
         noise (the row's sd) scaled by 1.4826 × their prior-predictive MAD (at least the sd), a state 1 when \
         missed; {} particles, at most {} generations, acceptance floor {}, at most {} simulations",
        o.kernel_scale / 2.0,
        o.alpha,
        o.particles,
        o.generations,
        o.min_acceptance,
        o.max_simulations
    )
}

fn check(o: &CalibrateOptions) -> Result<(), CalibrateError> {
    let bad = |m: String| Err(CalibrateError::Option(m));
    if !(2..=MAX_PARTICLES).contains(&o.particles) {
        return bad(format!("--particles {}: expected 2 to {MAX_PARTICLES}", o.particles));
    }
    if !(1..=MAX_GENERATIONS).contains(&o.generations) {
        return bad(format!("--generations {}: expected 1 to {MAX_GENERATIONS}", o.generations));
    }
    if o.particles * o.generations > MAX_PARTICLE_GENERATIONS {
        return bad(format!(
            "--particles × --generations = {} × {} is over {MAX_PARTICLE_GENERATIONS}: the weights alone would take \
             particles² × generations kernel evaluations; use fewer",
            o.particles, o.generations
        ));
    }
    if !(o.kernel_scale > 0.0 && o.kernel_scale <= 10.0) {
        return bad(format!("--kernel-scale {}: expected a number in (0, 10]", o.kernel_scale));
    }
    if o.max_simulations < o.particles as u64 || o.max_simulations > MAX_SIMULATIONS {
        return bad(format!(
            "--max-simulations {}: expected from the particles ({}) to {MAX_SIMULATIONS}",
            o.max_simulations, o.particles
        ));
    }
    Ok(())
}

/// The fit's scenario: the scenario itself, or re-dated to `from` and started from the area
/// last observed on or before it.
fn fit_scenario(
    label: &str,
    l: &Loaded,
    obs: &Observations,
    from: Option<CivilDate>,
) -> Result<Loaded, CalibrateError> {
    let Some(d) = from else {
        return Ok(l.clone());
    };
    if d >= l.params.start {
        return Err(CalibrateError::Option(format!(
            "--from {d}: must be before the scenario's start ({})",
            l.params.start
        )));
    }
    let Some(last) = obs.series(Quantity::Km2Held).filter(|o| o.date <= d).last() else {
        return Err(CalibrateError::Observations(format!(
            "--from {d}: no km2_held observation on or before it, to start the re-dated scenario from"
        )));
    };
    let y0 = last.what.number().expect("km2_held is a number");
    let re = truce_engine::redate::redate(&l.scenario, d).map_err(CalibrateError::Scenario)?;
    let mut s = re.scenario;
    let Some(issue) = s.issues.iter_mut().find(|i| i.territorial) else {
        return Err(CalibrateError::Scenario(
            "the scenario has no territorial issue to start from the observed area".into(),
        ));
    };
    issue.start_km2 = Some(Num {
        value: y0,
        source: Some(format!("calibration from {d}: observed {} (line {})", last.date, last.line)),
    });
    let text = to_toml(&s).map_err(CalibrateError::Scenario)?;
    load_str(&format!("{label} re-dated to {d}"), &text).map_err(|e| CalibrateError::Scenario(e.to_string()))
}

/// The summaries: the last observation per month and quantity in the window, with the
/// counts of rows ignored before and after it.
fn targets(
    obs: &Observations,
    fit_start: CivilDate,
    opts: &CalibrateOptions,
    scenario_start: CivilDate,
) -> Result<(Vec<Target>, usize, usize, usize), CalibrateError> {
    let (mut used, mut before, mut after) = (0, 0, 0);
    let mut out: Vec<Target> = Vec::new();
    for o in obs.rows() {
        if opts.as_of.is_some_and(|a| o.date > a) || (opts.from.is_some() && o.date > scenario_start) {
            after += 1;
            continue;
        }
        if o.date < fit_start || (opts.from.is_some() && o.date == fit_start) {
            if opts.from.is_none() {
                return Err(CalibrateError::Observations(format!(
                    "observations, line {}: dated {}, before the scenario's start ({fit_start}): a run starts there and \
                     cannot be compared with it; drop the rows before the start, or calibrate from an earlier day with \
                     --from DATE",
                    o.line, o.date
                )));
            }
            before += 1;
            continue;
        }
        if opts.from.is_some() && matches!(o.what, Observed::Casualties { .. }) {
            return Err(CalibrateError::Observations(format!(
                "observations, line {}: casualties count from the scenario's start, which --from moves; drop the \
                 casualties rows or calibrate at the scenario's start",
                o.line
            )));
        }
        used += 1;
        let week = ((o.date.to_days() - fit_start.to_days()) / 7) as u32;
        let t = Target { date: o.date, line: o.line, week, what: o.what };
        let same = |x: &Target| {
            x.what.quantity() == o.what.quantity() && (x.date.year, x.date.month) == (o.date.year, o.date.month)
        };
        match out.iter_mut().find(|x| same(x)) {
            Some(x) => *x = t,
            None => out.push(t),
        }
    }
    if out.is_empty() {
        return Err(CalibrateError::Observations(format!(
            "no observation to calibrate on: {before} dated on or before the fit's start ({fit_start}), {after} after \
             the window"
        )));
    }
    out.sort_by_key(|t| t.week);
    Ok((out, used, before, after))
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The `[weighted_sample]` table as TOML, one row per line (numbers in Rust's shortest
/// round-trip form, so the file reads back to the same bits), then the priors it replaced.
fn sample_toml(w: &WeightedSample) -> Result<String, CalibrateError> {
    let num = |x: &f64| format!("{x:?}");
    let mut t = String::from("[weighted_sample]\n");
    if let Some(src) = &w.source {
        t.push_str(&format!("source = {}\n", toml_string(src)));
    }
    let paths: Vec<String> = w.paths.iter().map(|p| toml_string(p)).collect();
    t.push_str(&format!("paths = [{}]\nweights = [\n", paths.join(", ")));
    for chunk in w.weights.chunks(6) {
        t.push_str(&format!("  {},\n", chunk.iter().map(num).collect::<Vec<_>>().join(", ")));
    }
    t.push_str("]\nrows = [\n");
    for r in &w.rows {
        t.push_str(&format!("  [{}],\n", r.iter().map(num).collect::<Vec<_>>().join(", ")));
    }
    t.push_str("]\n");
    for c in &w.prior_correlations {
        t.push_str(&format!(
            "prior_correlations = [{{ a = {}, b = {}, rho = {:?} }}]\n",
            toml_string(&c.a),
            toml_string(&c.b),
            c.rho
        ));
    }
    if !w.priors.is_empty() {
        t.push_str(
            "\n# The priors the sample replaced (truce calibrate starts from them again; a hindcast uses them).\n",
        );
        t.push_str("[weighted_sample.priors]\n");
        for (path, prior) in &w.priors {
            let v = crate::in_place::to_value(prior).map_err(CalibrateError::Sampler)?;
            t.push_str(&format!("{} = {}\n", toml_string(path), v.to_string().trim()));
        }
    }
    Ok(t)
}

/// The calibrated scenario written by the loader's serialiser (comments dropped): the form
/// `truce calibrate` wrote before it edited files in place; `Calibration::text` loads to the
/// same scenario (tested).
pub fn serialised(s: &Scenario) -> Result<String, CalibrateError> {
    let mut body = s.clone();
    let sample = body.weighted_sample.take();
    let body = to_toml(&body).map_err(CalibrateError::Scenario)?;
    let tail = match &sample {
        Some(w) => sample_toml(w)?,
        None => String::new(),
    };
    Ok(format!(
        "# {} calibrated by truce calibrate: the posterior of its calibrated parameters is the [weighted_sample] \
         table at the end (docs/calibration.md).\n{body}\n{tail}",
        s.scenario.name
    ))
}

/// FNV-1a of the summaries a calibration fitted (dates, quantities, values, sds), in hex: the
/// provenance names the data, not just the file.
fn targets_hash(targets: &[Target]) -> String {
    let mut h = crate::hash::Fnv1a::new();
    for t in targets {
        h = h.bytes(t.date.to_string().as_bytes()).bytes(&t.what.number().unwrap_or(f64::NAN).to_le_bytes());
        h = match t.what {
            Observed::Km2Held { sd, .. } => h.bytes(b"km2_held").bytes(&sd.to_le_bytes()),
            Observed::Casualties { side, sd, .. } => {
                h.bytes(b"casualties").bytes(&(side as u64).to_le_bytes()).bytes(&sd.to_le_bytes())
            }
            Observed::State(s) => h.bytes(b"state").bytes(s.name().as_bytes()),
        };
    }
    format!("{:016x}", h.finish())
}

/// The scenario a calibration starts from: the input, or, when it is already calibrated,
/// the input put back to the priors its sample replaced (loaded again).
fn prior_scenario(label: &str, input: &Loaded) -> Result<Loaded, CalibrateError> {
    match input.scenario.with_priors() {
        Ok(None) => Ok(input.clone()),
        Ok(Some(s)) => {
            let text = to_toml(&s).map_err(CalibrateError::Scenario)?;
            load_str(&format!("{label} (its priors)"), &text).map_err(|e| CalibrateError::Scenario(e.to_string()))
        }
        Err(e) => Err(CalibrateError::Scenario(format!(
            "{label}: the scenario already has a [weighted_sample] whose priors are unknown ({e}); calibrate the \
             scenario with its priors"
        ))),
    }
}

/// Calibrates scenario `text` (named `label`) on `obs`; `progress` hears every generation.
/// The provenance names the observations `OBS` and identifies them by their content (rows,
/// dates and FNV-1a hash of what was fitted), not by a file name: the same data give the
/// same text whether they came from a file (the CLI) or a DataFrame (Python).
pub fn calibrate(
    label: &str,
    text: &str,
    obs: &Observations,
    opts: &CalibrateOptions,
    progress: &(dyn Fn(&Generation) + Sync),
) -> Result<Calibration, CalibrateError> {
    check(opts)?;
    let input = load_str(label, text).map_err(|e| CalibrateError::Scenario(e.to_string()))?;
    let l = prior_scenario(label, &input)?;
    let mut fit = fit_scenario(label, &l, obs, opts.from)?;
    let (targets, used, before, after) = targets(obs, fit.params.start, opts, l.params.start)?;
    let last = targets.last().expect("at least one").week;
    if last + 1 > crate::job::MAX_HORIZON_WEEKS {
        return Err(CalibrateError::Observations(format!(
            "observations: the last one is {} weeks after the start, over {} weeks",
            last,
            crate::job::MAX_HORIZON_WEEKS
        )));
    }
    fit.params.horizon = last + 1;
    let u = &fit.uncertainty;
    let independent = u.set.joint_start();
    let cal: Vec<usize> = match &opts.params {
        None => (0..independent).collect(),
        Some(paths) => {
            let mut v = Vec::new();
            for p in paths {
                match u.paths[..independent].iter().position(|x| x == p) {
                    Some(i) if !v.contains(&i) => v.push(i),
                    Some(_) => return Err(CalibrateError::Option(format!("--params: `{p}` is given twice"))),
                    None => {
                        return Err(CalibrateError::Option(format!(
                            "--params: `{p}` has no distribution in the [uncertainty] table{}",
                            opts.from.map_or(String::new(), |d| format!(" of the scenario re-dated to {d}"))
                        )))
                    }
                }
            }
            v.sort_unstable();
            v
        }
    };
    if cal.is_empty() {
        return Err(CalibrateError::Option("nothing to calibrate: the [uncertainty] table is empty".into()));
    }
    let k = cal.len();
    let mut r = vec![0.0; k * k];
    for a in 0..k {
        r[a * k + a] = 1.0;
    }
    for &(i, j, rho) in u.set.correlation() {
        match (cal.iter().position(|&c| c == i), cal.iter().position(|&c| c == j)) {
            (Some(a), Some(b)) => {
                r[a * k + b] = rho;
                r[b * k + a] = rho;
            }
            (None, None) => {}
            _ => {
                return Err(CalibrateError::Option(format!(
                    "--params: `{}` and `{}` are correlated; calibrate both or neither",
                    u.paths[i], u.paths[j]
                )))
            }
        }
    }
    let chol =
        cholesky(&r, k).ok_or_else(|| CalibrateError::Scenario("the correlations are not positive definite".into()))?;
    let observed = targets.iter().map(|t| t.what.number().unwrap_or(1.0)).collect();
    let model = EngineModel { l: &fit, cal, chol, targets, observed };
    let abc = AbcOptions {
        particles: opts.particles,
        generations: opts.generations,
        seed: opts.seed,
        max_simulations: opts.max_simulations,
        kernel_scale: opts.kernel_scale,
        ..AbcOptions::default()
    };
    let pop = abc_smc(&model, &abc, progress).map_err(|e| CalibrateError::Sampler(e.to_string()))?;

    // The posterior's rows, in the values' own units.
    let n = opts.particles;
    let rows: Vec<Vec<f64>> =
        (0..n).map(|i| pop.particle(i).iter().enumerate().map(|(k, &z)| model.value(k, z)).collect()).collect();
    let paths: Vec<String> = model.cal.iter().map(|&i| u.paths[i].clone()).collect();
    let mut parameters = Vec::with_capacity(k);
    let mut s = l.scenario.clone();
    let mut priors = std::collections::BTreeMap::new();
    let mut prior_correlations = Vec::new();
    for (c, path) in paths.iter().enumerate() {
        let column: Vec<f64> = rows.iter().map(|r| r[c]).collect();
        let post = Moments::weighted(&column, &pop.weights);
        parameters.push(ParamDiagnostics {
            path: path.clone(),
            prior: Moments::of(&u.set.specs()[model.cal[c]].dist),
            posterior: post,
        });
        if let Some(p) = s.uncertainty.remove(path) {
            priors.insert(path.clone(), p);
        }
        for x in s.correlations.iter().filter(|x| x.a == *path || x.b == *path) {
            if !prior_correlations.contains(x) {
                prior_correlations.push(x.clone());
            }
        }
        s.correlations.retain(|x| x.a != *path && x.b != *path);
        // A sampled parameter's own value is used by no run (`truce run` uses the posterior's
        // median), but it must lie inside the sample's column: kept when it does (the
        // scenario's other values stay as written), else set to the posterior's median.
        let own = l.params.get(u.refs[model.cal[c]]);
        let (lo, hi) = column.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
        if !(lo <= own && own <= hi) {
            truce_engine::edit::apply_edit(&mut s, path, post.q50)
                .map_err(|e| CalibrateError::Sampler(format!("writing the posterior median: {e}")))?;
        }
    }
    let sides: Vec<String> = fit.params.sides.iter().map(|x| x.id.clone()).collect();
    let ns = model.targets.len();
    let summaries = model
        .targets
        .iter()
        .enumerate()
        .map(|(j, t)| {
            let x: Vec<f64> = (0..n).map(|i| pop.summaries[i * ns + j]).collect();
            SummaryDiagnostics {
                date: t.date,
                quantity: t.what.quantity().name(&sides),
                observed: model.observed[j],
                state: match t.what {
                    Observed::State(s) => Some(s.name()),
                    _ => None,
                },
                scale: pop.scales[j],
                predictive: Moments::weighted(&x, &pop.weights),
            }
        })
        .collect();
    // A built-in is named as it is typed (its label is `<built-in NAME>`).
    let shown = label.strip_prefix("<built-in ").and_then(|x| x.strip_suffix('>')).unwrap_or(label);
    let mut command = format!(
        "truce calibrate {shown} --observations OBS --particles {} --generations {} --seed {} \
         --max-simulations {}",
        opts.particles, opts.generations, opts.seed, opts.max_simulations
    );
    if opts.kernel_scale != 2.0 {
        command.push_str(&format!(" --kernel-scale {}", opts.kernel_scale));
    }
    if let Some(p) = &opts.params {
        command.push_str(&format!(" --params {}", p.join(",")));
    }
    if let Some(d) = opts.from {
        command.push_str(&format!(" --from {d}"));
    }
    if let Some(d) = opts.as_of {
        command.push_str(&format!(" --as-of {d}"));
    }
    let (first, last) = (model.targets.first().expect("non-empty").date, model.targets.last().expect("non-empty").date);
    let hash = targets_hash(&model.targets);
    let sample = WeightedSample {
        source: Some(format!(
            "the ABC-SMC posterior of {used} observations from {first} to {last} ({command}; stopped: {:?})",
            pop.stop
        )),
        paths,
        weights: pop.weights.clone(),
        rows,
        priors,
        prior_correlations,
    };
    let prov = crate::in_place::PROVENANCE;
    let tail = format!(
        "{prov} the posterior below (docs/calibration.md), written by truce {} with\n\
         {prov}   {command}\n\
         {prov} OBS: {} monthly summaries of {used} observation rows, {first} to {last}\n\
         {prov} (FNV-1a {hash}); fit from {}, stopped: {:?}, {} generations, final ESS {:.0} of {}.\n\
         {}",
        env!("CARGO_PKG_VERSION"),
        model.targets.len(),
        fit.params.start,
        pop.stop,
        pop.generations.len().saturating_sub(1),
        pop.generations.last().map_or(0.0, |g| g.ess),
        n,
        sample_toml(&sample)?
    );
    s.weighted_sample = Some(sample.clone());
    let text = crate::in_place::edit_in_place(text, &input.scenario, &s, &tail)
        .map_err(|e| CalibrateError::Scenario(format!("{label}: writing the calibration into its text: {e}")))?;
    let back = load_str(label, &text)
        .map_err(|e| CalibrateError::Sampler(format!("the calibrated scenario does not load: {e}")))?;
    if back.scenario != s {
        return Err(CalibrateError::Sampler(
            "the calibrated scenario does not read back as calibrated (the posterior bit for bit, every other value \
             as it was)"
                .into(),
        ));
    }
    let simulations = pop.generations.iter().map(|g| g.simulations).sum();
    let diagnostics = Diagnostics {
        scenario: l.params.name.clone(),
        scenario_start: l.params.start,
        fit_start: fit.params.start,
        as_of: opts.as_of,
        particles: n,
        seed: opts.seed,
        observations_used: used,
        ignored_before: before,
        ignored_after: after,
        stop: pop.stop,
        simulations,
        generations: pop.generations.clone(),
        parameters,
        summaries,
        method: method(&abc),
    };
    Ok(Calibration { text, scenario: s, diagnostics })
}

/// One replication of simulation-based calibration (`forecast-evaluation.md` §5): what was
/// true and where it fell in the posterior.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SbcReplication {
    /// The replication's index.
    pub index: u64,
    /// Per calibrated parameter, in `[uncertainty]` order.
    pub parameters: Vec<SbcParam>,
    /// Why the sampler stopped.
    pub stop: Stop,
    /// The last generation's effective sample size.
    pub ess: f64,
}

/// A calibrated parameter in one SBC replication.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SbcParam {
    /// The path.
    pub path: String,
    /// The value the synthetic data were simulated with (drawn from the prior).
    pub truth: f64,
    /// The posterior's weight below the truth (ties count half): uniform on (0, 1) over
    /// replications when the calibration is right (the normalised rank).
    pub rank: f64,
    /// Whether the truth is inside the posterior's central 90% interval.
    pub inside_90: bool,
}

/// The stream of SBC replication `n` (its truth, its data and its calibration's seed).
fn sbc_stream(seed: u64, n: u64) -> ChaCha8Rng {
    let key = crate::hash::Fnv1a::new().bytes(b"truce-sbc").bytes(&seed.to_le_bytes()).finish();
    let mut rng = ChaCha8Rng::seed_from_u64(key);
    rng.set_stream(n);
    rng
}

/// Simulates synthetic observations of scenario `text` (at its own start): the parameters in
/// `truth` (path → value) set, every other `[uncertainty]` parameter drawn from its prior,
/// one run; the area held at each of the next `months` month ends with normal noise of sd
/// `sd` km², and the state (`fighting` while the war goes on) at each.
pub fn synthetic_observations(
    label: &str,
    text: &str,
    truth: &[(String, f64)],
    months: u32,
    sd: f64,
    rng: &mut ChaCha8Rng,
) -> Result<Observations, CalibrateError> {
    use crate::observation::Observation;
    let mut l = load_str(label, text).map_err(|e| CalibrateError::Scenario(e.to_string()))?;
    let start = l.params.start;
    let ends: Vec<CivilDate> = (0..months)
        .map(|m| crate::hindcast::month_end(crate::hindcast::add_months(start, m)))
        .filter(|d| *d > start)
        .collect();
    let last = ends.last().ok_or_else(|| CalibrateError::Option("no month end to observe".into()))?;
    l.params.horizon = ((last.to_days() - start.to_days()) / 7) as u32 + 1;
    let mut sim = Sim::new(&l.params);
    let mut buf = vec![0.0; l.uncertainty.len()];
    let mut prng = ChaCha8Rng::from_seed(rng.random());
    l.uncertainty.apply(&mut prng, &mut buf, sim.params_mut());
    for (path, v) in truth {
        let r = l.params.resolve(path).map_err(|e| CalibrateError::Option(format!("`{path}`: {}", e.detail)))?;
        sim.params_mut().set(r, *v);
    }
    let mut run = sim.start(0, 0);
    run.reseed(ChaCha8Rng::from_seed(rng.random()));
    let mut rows = Vec::new();
    for d in ends {
        let week = ((d.to_days() - start.to_days()) / 7) as u32;
        sim.advance(&mut run, week + 1, &mut NoObserver);
        let e: f64 = StandardNormal.sample(rng);
        let line = rows.len() + 2;
        rows.push(Observation {
            line,
            date: d,
            what: Observed::Km2Held { value: (run.km2() + sd * e).max(0.0), sd },
            source: "synthetic".into(),
        });
        rows.push(Observation {
            line: line + 1,
            date: d,
            what: Observed::State(run.state()),
            source: "synthetic".into(),
        });
    }
    Ok(Observations::from_validated(rows))
}

/// One SBC replication: draws the calibrated parameters' truth from their prior (the
/// copula's normal scores), simulates `months` monthly observations with noise `sd`, and
/// calibrates with `opts` (its seed derived from the replication).
pub fn sbc_replication(
    label: &str,
    text: &str,
    opts: &CalibrateOptions,
    months: u32,
    sd: f64,
    seed: u64,
    n: u64,
) -> Result<SbcReplication, CalibrateError> {
    let l = load_str(label, text).map_err(|e| CalibrateError::Scenario(e.to_string()))?;
    let u = &l.uncertainty;
    let paths: Vec<String> = match &opts.params {
        Some(p) => p.clone(),
        None => u.paths[..u.set.joint_start()].to_vec(),
    };
    let mut rng = sbc_stream(seed, n);
    // The truth: drawn from the prior as a forecast draws it (the copula included).
    let mut draw = vec![0.0; u.len()];
    u.set.sample_into(&mut ChaCha8Rng::from_seed(rng.random()), &mut draw);
    let truth: Vec<(String, f64)> = paths
        .iter()
        .map(|p| {
            let i = u
                .paths
                .iter()
                .position(|x| x == p)
                .ok_or_else(|| CalibrateError::Option(format!("`{p}` is not sampled")))?;
            let v = if u.refs[i].param().whole { draw[i].round() } else { draw[i] };
            Ok((p.clone(), v))
        })
        .collect::<Result<_, CalibrateError>>()?;
    let obs = synthetic_observations(label, text, &truth, months, sd, &mut rng)?;
    let c = calibrate(label, text, &obs, &CalibrateOptions { seed: rng.random(), ..opts.clone() }, &|_| {})?;
    let back = load_str(label, &c.text).map_err(|e| CalibrateError::Scenario(e.to_string()))?;
    let w = back.scenario.weighted_sample.as_ref().expect("a calibration writes a weighted sample");
    let parameters = truth
        .iter()
        .map(|(path, t)| {
            let k = w.paths.iter().position(|p| p == path).expect("calibrated");
            let (mut below, mut total) = (0.0, 0.0);
            for (r, &wt) in w.rows.iter().zip(&w.weights) {
                total += wt;
                if r[k] < *t {
                    below += wt;
                } else if r[k] == *t {
                    below += 0.5 * wt;
                }
            }
            let d = c.diagnostics.parameters.iter().find(|p| p.path == *path).expect("diagnosed");
            SbcParam {
                path: path.clone(),
                truth: *t,
                rank: below / total,
                inside_90: d.posterior.q05 <= *t && *t <= d.posterior.q95,
            }
        })
        .collect();
    let ess = c.diagnostics.generations.last().map_or(0.0, |g| g.ess);
    Ok(SbcReplication { index: n, parameters, stop: c.diagnostics.stop, ess })
}
