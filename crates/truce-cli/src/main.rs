//! `truce`: the command-line program. Thin by design: it parses arguments, calls the
//! libraries, and prints. No model logic lives here.

mod backcast_cmd;
mod bargain;
mod calibrate_cmd;
mod forecast_cmd;
mod hindcast_cmd;
mod ledger_cmd;
mod output;
mod scenario_cmd;
mod score_cmd;
mod web_cmd;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use std::io::Write;
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
    /// Calibrate a scenario's [uncertainty] parameters to observations (ABC-SMC); writes the
    /// calibrated scenario.
    Calibrate(calibrate_cmd::CalibrateArgs),
    /// One run of the fight–talk simulation: a weekly narrative or the full JSON trace.
    Run(scenario_cmd::RunArgs),
    /// Validate a scenario file.
    Check(scenario_cmd::CheckArgs),
    /// List the built-in scenarios, or print one as TOML.
    Scenarios(scenario_cmd::ScenariosArgs),
    /// A local web page to edit a scenario, run forecasts and compare them.
    Serve(web_cmd::ServeArgs),
    /// Print a shell completion script to standard output (e.g. `truce completions bash`).
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to standard output (e.g. `truce man > truce.1`).
    Man,
}

#[derive(clap::Args, Debug)]
struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// `truce completions SHELL`: the completion script clap derives from the argument definitions,
/// so it can never fall behind them.
fn completions(a: &CompletionsArgs) -> Result<(), CliError> {
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "truce", &mut buf);
    write_stdout(&buf)
}

/// `truce man`: one roff page with every subcommand and its options.
fn man() -> Result<(), CliError> {
    let cmd = Cli::command();
    let mut buf = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    man.render_options_section(&mut buf)?;
    // Every subcommand (and sub-subcommand) as its own section, with its options.
    fn subcommands(cmd: &clap::Command, prefix: &str, buf: &mut Vec<u8>) -> std::io::Result<()> {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let name = format!("{prefix} {}", sub.get_name());
            let page = clap_mangen::Man::new(sub.clone().bin_name(name.clone()).display_name(name.clone()));
            writeln!(buf, ".SH \"{}\"", name.to_uppercase())?;
            page.render_synopsis_section(&mut *buf)?;
            page.render_description_section(&mut *buf)?;
            page.render_options_section(&mut *buf)?;
            subcommands(sub, &name, buf)?;
        }
        Ok(())
    }
    subcommands(&cmd, "truce", &mut buf)?;
    man.render_version_section(&mut buf)?;
    write_stdout(&buf)
}

fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

/// The bytes of a JSON file written by `--out`: pretty JSON and a final newline, exactly what
/// `--format json` prints on standard output, so that the two can be compared byte for byte.
pub fn json_file<T: serde::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, CliError> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    Ok(bytes)
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
        Command::Calibrate(a) => calibrate_cmd::run(&a),
        Command::Check(a) => scenario_cmd::check(&a),
        Command::Scenarios(a) => scenario_cmd::scenarios(&a),
        Command::Serve(a) => web_cmd::serve(&a),
        Command::Completions(a) => completions(&a),
        Command::Man => man(),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// clap's own consistency checks, and a description for every argument of every command
    /// (`truce … --help` never shows a bare option).
    #[test]
    fn every_argument_is_described() {
        Cli::command().debug_assert();
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            if cmd.get_about().is_none() {
                missing.push(format!("{path} (the command)"));
            }
            for a in cmd.get_arguments().filter(|a| !matches!(a.get_id().as_str(), "help" | "version")) {
                if a.get_help().is_none() && a.get_long_help().is_none() {
                    missing.push(format!("{path} {}", a.get_id()));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "truce", &mut missing);
        assert!(missing.is_empty(), "no description: {missing:?}");
    }
}
