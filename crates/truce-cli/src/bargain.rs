//! `truce bargain`, `truce backtest deu` and (until the fight–talk forecast lands) `truce forecast`.

use crate::output::{print_backtest, print_solution};
use crate::{CliError, Format, ReportFormat};
use clap::Args;
use std::path::PathBuf;
use truce_bargain::backtest::run_backtest;
use truce_bargain::nash::Loss;
use truce_bargain::registry::{self, ModelConfig};
use truce_bargain::{ActorTable, SolveContext};
use truce_io::deu::{observed_issues, read_deu_or_shipped, Capability};

#[derive(Args, Debug)]
pub struct BargainArgs {
    /// Actor table: BDM (`actor,capability,position,salience`), long
    /// (`actor,issue,position,salience,capability`) or KTAB CSV. Lines starting with `#` are
    /// comments (quote a name that starts with `#`).
    pub file: PathBuf,
    /// Model to run.
    #[arg(long, short, default_value = "mean", value_parser = model_names())]
    pub model: String,
    /// Rounds for iterative models.
    #[arg(long)]
    pub rounds: Option<usize>,
    /// Named preset of the model (bdm: paper-literal, scholz-code).
    #[arg(long)]
    pub preset: Option<String>,
    /// `table` for reading; `csv` one row per round, issue and actor; `json` everything.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Seed for models that break ties or draw at random: the same seed gives the same result.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Status quo for `nash`: one number for every issue, or `issue=value,...`.
    #[arg(long)]
    pub status_quo: Option<String>,
    /// Model parameter `KEY=VALUE` (repeatable); smp takes KTAB's nine parameters, e.g.
    /// `--param vpm=square --param pcem=markov-incentive --param stm=stochastic`.
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Loss function for `nash`.
    #[arg(long, value_enum, default_value_t = LossArg::Linear)]
    pub loss: LossArg,
}

/// The model names of the registry, each with its description, for `--model`'s help and
/// its check.
fn model_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        registry::MODELS.iter().map(|(name, what)| clap::builder::PossibleValue::new(*name).help(*what)),
    )
}

/// How far an outcome is from an actor's ideal counts against the actor in `nash`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LossArg {
    /// The distance.
    Linear,
    /// The squared distance.
    Quadratic,
}

impl From<LossArg> for Loss {
    fn from(l: LossArg) -> Loss {
        match l {
            LossArg::Linear => Loss::Linear,
            LossArg::Quadratic => Loss::Quadratic,
        }
    }
}

/// Parses `--status-quo`: `50` or `territory=40,security=70`.
pub fn parse_status_quo(raw: &str, table: &ActorTable) -> Result<Vec<Option<f64>>, CliError> {
    let n = table.n_issues();
    let num = |s: &str| -> Result<f64, CliError> {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| CliError(format!("--status-quo: `{s}` is not a finite number")))
    };
    if !raw.contains('=') {
        return Ok(vec![Some(num(raw)?); n]);
    }
    let mut out = vec![None; n];
    for part in raw.split(',') {
        let (k, v) =
            part.split_once('=').ok_or_else(|| CliError(format!("--status-quo: `{part}` is not `issue=value`")))?;
        let idx = table.issues().iter().position(|i| i.name == k.trim()).ok_or_else(|| {
            let names: Vec<&str> = table.issues().iter().map(|i| i.name.as_str()).collect();
            CliError(format!("--status-quo: unknown issue `{}`; the issues are: {}", k.trim(), names.join(", ")))
        })?;
        out[idx] = Some(num(v)?);
    }
    Ok(out)
}

pub fn run_bargain(a: &BargainArgs) -> Result<(), CliError> {
    let file = truce_io::table::read_table(&a.file)?;
    let status_quo = match &a.status_quo {
        Some(s) => parse_status_quo(s, &file.table)?,
        None => Vec::new(),
    };
    if a.rounds == Some(0) {
        return Err(CliError("--rounds must be at least 1".into()));
    }
    let mut params = Vec::new();
    for p in &a.params {
        let (k, v) = p.split_once('=').ok_or_else(|| CliError(format!("--param: `{p}` is not KEY=VALUE")))?;
        params.push((k.trim().to_string(), v.trim().to_string()));
    }
    let cfg = ModelConfig { preset: a.preset.clone(), status_quo, loss: a.loss.into(), params };
    let model = registry::build(&a.model, &cfg)?;
    // A model's complaint about one actor points at the actor's line in the file.
    let sol = model
        .solve(&file.table, &SolveContext { rounds: a.rounds, seed: a.seed })
        .map_err(|e| file.locate(&a.file, &e).map_or_else(|| CliError(e.to_string()), |r| CliError(r.to_string())))?;
    print_solution(&sol, a.format, &mut std::io::stdout().lock())?;
    Ok(())
}

#[derive(Args, Debug)]
pub struct DeuArgs {
    /// DEU III combined file (tab-separated), relative to the working directory; the shipped
    /// `data/deu/deu3-dev.tsv` (or `deu3-dev.tsv`) reads from any directory.
    pub file: PathBuf,
    /// Comma-separated models to score: any of `truce bargain --model`'s, and `rp` (the
    /// reference point), `nash-quadratic`, `bdm-scholz` (bdm with the scholz-code preset).
    #[arg(long, default_value = "mean,unweighted-mean,median,nash,bdm,smp,exchange")]
    pub models: String,
    /// Capabilities: all equal, or Council voting weights of the period.
    #[arg(long, value_enum, default_value_t = CapabilityArg::Equal)]
    pub capability: CapabilityArg,
    /// `table` for reading, `json` for programs.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Also list every issue's forecasts and errors.
    #[arg(long)]
    pub per_issue: bool,
    /// Seed for models that break ties at random.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// Where an actor's capability in the DEU backtest comes from.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CapabilityArg {
    /// Every actor the same.
    Equal,
    /// The Council's voting weights of the treaty regime in force when the proposal came.
    Council,
}

pub fn run_deu(a: &DeuArgs) -> Result<(), CliError> {
    let file = read_deu_or_shipped(&a.file)?;
    let cap = match a.capability {
        CapabilityArg::Equal => Capability::Equal,
        CapabilityArg::Council => Capability::Council,
    };
    let issues = observed_issues(&file, cap);
    if issues.is_empty() {
        return Err(CliError(format!(
            "{}: no scoreable issue (an outcome and at least 3 actors with position and salience)",
            a.file.display()
        )));
    }
    let mut models = Vec::new();
    for m in a.models.split(',').map(str::trim).filter(|m| !m.is_empty()) {
        models.push((m.to_string(), registry::backtest_model(m).map_err(|e| CliError(format!("--models: {e}")))?));
    }
    if models.is_empty() {
        return Err(CliError("--models: give at least one model".into()));
    }
    let report = run_backtest(&issues, &models, &SolveContext { rounds: None, seed: a.seed })?;
    print_backtest(&report, a.format, a.per_issue, &mut std::io::stdout().lock())?;
    Ok(())
}
