//! `truce`: the command-line program. Thin by design: it parses arguments, calls the
//! libraries, and prints. No model logic lives here.

mod backcast_cmd;
mod bargain;
mod forecast_cmd;
mod hindcast_cmd;
mod ledger_cmd;
mod output;
mod scenario_cmd;
mod score_cmd;
mod web_cmd;

use clap::{Parser, Subcommand, ValueEnum};

use std::process::ExitCode;

/// Simulate and forecast wars that are fought and negotiated at the same time.
#[derive(Parser, Debug)]
#[command(name = "truce", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Forecast a multi-actor negotiation with a collective-decision model.
    Bargain(bargain::BargainArgs),
    /// Forecast historical wars from the day their talks opened and score them on what happened.
    Backcast(backcast_cmd::BackcastArgs),
    /// Score the bargaining models against real negotiation outcomes.
    #[command(subcommand)]
    Backtest(BacktestCommand),
    /// The main job: an ensemble forecast of a scenario under parameter uncertainty.
    Forecast(forecast_cmd::ForecastArgs),
    /// Merge shard part files into the single-process forecast.
    Merge(forecast_cmd::MergeArgs),
    /// Score a saved forecast (or a ledger's) against observations, next to two baselines.
    Score(score_cmd::ScoreArgs),
    /// Rolling-origin hindcasts: forecasts from past origins scored against what followed.
    Hindcast(hindcast_cmd::HindcastArgs),
    /// One run of the fight–talk simulation: a weekly narrative or the full JSON trace.
    Run(scenario_cmd::RunArgs),
    /// Validate a scenario file.
    Check(scenario_cmd::CheckArgs),
    /// List the built-in scenarios, or print one as TOML.
    Scenarios(scenario_cmd::ScenariosArgs),
    /// A local web page to edit a scenario, run forecasts and compare them.
    Serve(web_cmd::ServeArgs),
}

#[derive(Subcommand, Debug)]
enum BacktestCommand {
    /// DEU III (Decision-making in the European Union) combined data, tab-separated.
    Deu(bargain::DeuArgs),
}

/// Output format of tabular commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Table,
    Csv,
    Json,
}

/// Output format of commands without a CSV form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ReportFormat {
    #[default]
    Table,
    Json,
}

/// A user-facing error: printed as `error: ...`, exit code 1.
#[derive(Debug)]
pub struct CliError(pub String);

impl<E: std::fmt::Display> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Bargain(a) => bargain::run_bargain(&a),
        Command::Backtest(BacktestCommand::Deu(a)) => bargain::run_deu(&a),
        Command::Backcast(a) => backcast_cmd::backcast(&a),
        Command::Forecast(a) => forecast_cmd::forecast(&a),
        Command::Run(a) => scenario_cmd::run(&a),
        Command::Merge(a) => forecast_cmd::merge(&a),
        Command::Score(a) => score_cmd::run(&a),
        Command::Hindcast(a) => hindcast_cmd::run(&a),
        Command::Check(a) => scenario_cmd::check(&a),
        Command::Scenarios(a) => scenario_cmd::scenarios(&a),
        Command::Serve(a) => web_cmd::serve(&a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`truce … | head`) is not an error worth reporting.
        Err(CliError(m)) if m.contains("Broken pipe") => ExitCode::SUCCESS,
        Err(CliError(m)) => {
            eprintln!("error: {m}");
            ExitCode::FAILURE
        }
    }
}
