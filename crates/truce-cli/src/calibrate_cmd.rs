//! `truce calibrate SCENARIO --observations OBS`: ABC-SMC over the scenario's `[uncertainty]`
//! parameters (`docs/calibration.md`); writes the calibrated scenario (the posterior as a
//! `[weighted_sample]`) and, on request, the diagnostics JSON. Files are written atomically
//! and probed before any work.

use crate::CliError;
use clap::Args;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use truce_engine::builtin;
use truce_forecast::calibration::{calibrate, CalibrateOptions, Diagnostics};
use truce_forecast::job::{ForecastJob, Source};
use truce_forecast::observation::CivilDate;
use truce_io::output::write_atomic;

#[derive(Args, Debug)]
pub struct CalibrateArgs {
    /// Scenario: a TOML file or a built-in name.
    #[arg(default_value = builtin::DEFAULT)]
    pub scenario: String,
    /// Observations CSV (`date,quantity,value,sd,source`): km2_held, state and casualties rows.
    #[arg(long)]
    pub observations: PathBuf,
    /// Generations after the prior's (the sampler may stop earlier).
    #[arg(long, default_value_t = 8)]
    pub generations: usize,
    /// Particles per generation (the rows of the posterior).
    #[arg(long, default_value_t = 1000)]
    pub particles: usize,
    /// Master seed: the result is a function of it (whatever the thread count).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Ignore observations dated after this day (YYYY-MM-DD); they are counted.
    #[arg(long)]
    pub as_of: Option<String>,
    /// Calibrate from this earlier day (YYYY-MM-DD): the scenario re-dated to it, started from
    /// the area last observed on or before it, fitted to the observations up to its own start;
    /// the posterior is written into the scenario at its own start.
    #[arg(long)]
    pub from: Option<String>,
    /// Calibrate only these `[uncertainty]` paths (comma-separated); the others are drawn
    /// from their priors in every simulation.
    #[arg(long, value_delimiter = ',')]
    pub params: Option<Vec<String>>,
    /// The most simulations in all (the sampler stops, keeping its last whole generation).
    #[arg(long, default_value_t = 2_000_000)]
    pub max_simulations: u64,
    /// The kernel's covariance as a multiple of the previous generation's weighted covariance
    /// (2: Beaumont et al. 2009; smaller keeps more effective particles with many parameters).
    #[arg(long, default_value_t = 2.0)]
    pub kernel_scale: f64,
    /// Worker threads (default: all cores). The result does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Write the calibrated scenario (TOML) here, atomically (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write the diagnostics (per generation and per parameter) as JSON here, atomically.
    #[arg(long)]
    pub diagnostics: Option<PathBuf>,
    /// Also write a self-contained HTML report (generations, the posterior predictive
    /// against the observations, prior and posterior per parameter), atomically.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// No progress lines.
    #[arg(long, short)]
    pub quiet: bool,
}

/// A `YYYY-MM-DD` option value.
fn date(flag: &str, s: &str) -> Result<CivilDate, CliError> {
    CivilDate::parse(s.trim()).map_err(|e| CliError(format!("{flag}: {e}, e.g. 2025-06-30")))
}

pub fn run(a: &CalibrateArgs) -> Result<(), CliError> {
    let opts = CalibrateOptions {
        particles: a.particles,
        generations: a.generations,
        seed: a.seed,
        as_of: a.as_of.as_deref().map(|s| date("--as-of", s)).transpose()?,
        from: a.from.as_deref().map(|s| date("--from", s)).transpose()?,
        params: a.params.clone(),
        max_simulations: a.max_simulations,
        kernel_scale: a.kernel_scale,
    };
    if let Some(t) = a.threads {
        if !(1..=truce_forecast::job::MAX_THREADS).contains(&t) {
            return Err(CliError(format!("--threads {t}: expected 1 to {}", truce_forecast::job::MAX_THREADS)));
        }
    }
    let source = Source::Named(a.scenario.clone());
    let (label, text) = source.read().map_err(crate::forecast_cmd::job_error)?;
    // Validated as a forecast's observations are (casualties count from the scenario's
    // start); other rows before the start are refused by the calibration, naming the first.
    let (sides, rule) =
        ForecastJob::new(source, 1, a.seed).observation_frame().map_err(crate::forecast_cmd::job_error)?;
    let obs = truce_io::observations::read_observations(&a.observations, &sides, rule)?;
    for p in [&a.out, &a.diagnostics, &a.report].into_iter().flatten() {
        crate::web_cmd::probe(p)?;
    }
    let show = !a.quiet && std::io::stderr().is_terminal();
    let progress = |g: &truce_forecast::abc::Generation| {
        if show {
            eprintln!(
                "generation {}: tolerance {:.4}, ESS {:.0}, acceptance {:.3}, {} simulations",
                g.index, g.tolerance, g.ess, g.acceptance_rate, g.simulations
            );
        }
    };
    let work = || calibrate(&label, &text, &obs, &opts, &progress);
    let c = match a.threads {
        Some(t) => rayon::ThreadPoolBuilder::new().num_threads(t).build()?.install(work),
        None => work(),
    }
    .map_err(|e| CliError(e.to_string()))?;
    if let Some(d) = &a.diagnostics {
        write_atomic(d, &crate::json_file(&c.diagnostics)?)?;
    }
    if let Some(r) = &a.report {
        let meta = truce_web::report::ReportMeta {
            version: truce_web::report::VERSION.into(),
            seed: a.seed,
            runs: c.diagnostics.simulations,
            generated: crate::web_cmd::now_utc(),
            source: label.clone(),
        };
        let obs = a.observations.display().to_string();
        let html = truce_web::calibration_report::calibration_report(&c.diagnostics, &obs, &meta);
        write_atomic(r, html.as_bytes())?;
    }
    match &a.out {
        Some(out) => {
            write_atomic(out, c.text.as_bytes())?;
            if !a.quiet {
                print_summary(&c.diagnostics, &mut std::io::stdout().lock())?;
            }
        }
        None => {
            crate::write_stdout(c.text.as_bytes())?;
            if !a.quiet {
                print_summary(&c.diagnostics, &mut std::io::stderr().lock())?;
            }
        }
    }
    Ok(())
}

/// The calibration for people: per generation, then prior against posterior per parameter.
pub fn print_summary(d: &Diagnostics, w: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        w,
        "Calibration of {} on {} observations (fit from {}; {} ignored before, {} after), {} particles, seed {}: \
         stopped ({:?}) after {} simulations",
        d.scenario,
        d.observations_used,
        d.fit_start,
        d.ignored_before,
        d.ignored_after,
        d.particles,
        d.seed,
        d.stop,
        d.simulations
    )?;
    writeln!(w, "{:>10} {:>10} {:>8} {:>11} {:>12}", "generation", "tolerance", "ESS", "acceptance", "simulations")?;
    for g in &d.generations {
        writeln!(
            w,
            "{:>10} {:>10.4} {:>8.0} {:>11.4} {:>12}",
            g.index, g.tolerance, g.ess, g.acceptance_rate, g.simulations
        )?;
    }
    writeln!(w)?;
    writeln!(w, "{:<48} {:>24} {:>24}", "parameter", "prior mean (sd)", "posterior mean (sd)")?;
    for p in &d.parameters {
        let f = |m: &truce_forecast::calibration::Moments| format!("{:.4} ({:.4})", m.mean, m.sd);
        writeln!(w, "{:<48} {:>24} {:>24}", p.path, f(&p.prior), f(&p.posterior))?;
    }
    Ok(())
}
