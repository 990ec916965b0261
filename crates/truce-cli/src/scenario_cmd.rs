//! `truce run`, `truce check`, `truce scenarios`.

use crate::forecast_cmd::job_error;
use crate::CliError;
use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;
use truce_engine::builtin;
use truce_engine::load::Loaded;
use truce_engine::trace::Trace;
use truce_forecast::job::{run_trace, sampled_params, LoadedSource, RunParams, Source};

/// Loads a scenario from a path or a built-in name (the job's resolver, shared by every
/// shell).
fn load_scenario(name: &str) -> Result<LoadedSource, CliError> {
    Source::Named(name.to_string()).load().map_err(job_error)
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario: a TOML file or a built-in name.
    #[arg(default_value = builtin::DEFAULT)]
    pub scenario: String,
    /// Seed of the run's random draws: the same seed gives the same run.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Run I of `truce forecast --seed S`: its parameter draw and random stream. Without it,
    /// each `[uncertainty]` parameter takes the median of its distribution.
    #[arg(long, value_name = "I")]
    pub sample: Option<u64>,
    /// `text`: a weekly narrative with every talk round; `json`: the full trace.
    #[arg(long, value_enum, default_value_t = RunFormat::Text)]
    pub format: RunFormat,
    /// Also write a self-contained HTML report with charts to this file (atomically).
    #[arg(long)]
    pub report: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RunFormat {
    Text,
    Json,
}

pub fn run(a: &RunArgs) -> Result<(), CliError> {
    let LoadedSource { label, loaded, .. } = load_scenario(&a.scenario)?;
    let which = a.sample.map_or(RunParams::Median, RunParams::Sample);
    let trace = run_trace(&loaded, a.seed, which)?;
    if let Some(r) = &a.report {
        crate::web_cmd::write_run_report(r, &trace, &loaded, &label)?;
    }
    let mut out = std::io::stdout().lock();
    match a.format {
        RunFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &trace)?;
            writeln!(out)?;
        }
        RunFormat::Text => narrative(&loaded, &trace, &mut out)?,
    }
    Ok(())
}

fn fmt_k(x: f64) -> String {
    if x.abs() >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if x.abs() >= 1e4 {
        format!("{:.0}k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

/// A readable weekly narrative with every talk round.
pub fn narrative(l: &Loaded, t: &Trace, w: &mut impl Write) -> std::io::Result<()> {
    let p = &l.params;
    let (s0, s1) = (&p.sides[0].name, &p.sides[1].name);
    let draw = match t.sample {
        Some(i) => format!("run {i} of the forecast's parameter draws"),
        None if t.parameters.is_empty() => "parameters as given".to_string(),
        None => "sampled parameters at their medians".to_string(),
    };
    writeln!(w, "{} — {} (seed {}, {draw})", p.name, l.scenario.scenario.title, t.seed)?;
    writeln!(
        w,
        "start {}, horizon {} weeks; talks every {} weeks, mediator {}",
        p.start, p.horizon, p.cadence, p.actor_names[p.mediator]
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "{:<10} {:>9} {:>9} {:>15} {:>6} {:>15}",
        "date",
        "km² held",
        "gain",
        format!("cas {}/{}", &s0[..s0.len().min(3)], &s1[..s1.len().min(3)]),
        "aid",
        "belief drift",
    )?;
    let mut ri = 0;
    let mut quiet_since: Option<usize> = None;
    for (i, wk) in t.weeks.iter().enumerate() {
        // Weeks of a holding ceasefire are summarised in one line.
        let frozen = wk.ceasefire && wk.gain_km2 == 0.0 && !t.rounds.iter().any(|r| r.week == wk.week);
        if frozen {
            quiet_since.get_or_insert(i);
            let next_frozen = t.weeks.get(i + 1).is_some_and(|n| n.ceasefire && n.gain_km2 == 0.0);
            if next_frozen {
                continue;
            }
            let from = &t.weeks[quiet_since.take().unwrap_or(i)];
            writeln!(
                w,
                "{:<10} … {}: the ceasefire holds ({} weeks)",
                from.date.to_string(),
                wk.date,
                wk.week - from.week + 1
            )?;
            continue;
        }
        let flag = if wk.ceasefire {
            "ceasefire"
        } else if wk.range_open {
            "range open"
        } else {
            ""
        };
        writeln!(
            w,
            "{:<10} {:>9.0} {:>+9.0} {:>15} {:>6.2} {:>15}  {}",
            wk.date.to_string(),
            wk.km2,
            wk.gain_km2,
            format!("{}/{}", fmt_k(wk.casualties[0]), fmt_k(wk.casualties[1])),
            wk.aid[1],
            format!("{:+.0}/{:+.0}", wk.belief_drift[0], wk.belief_drift[1]),
            flag
        )?;
        while ri < t.rounds.len() && t.rounds[ri].week == wk.week {
            let r = &t.rounds[ri];
            let terms: Vec<String> = p.issue_ids.iter().map(|k| format!("{k} {:.1}", r.amended[k])).collect();
            let kind = if r.compromise { "compromise" } else { "Nash proposal" };
            // A round under an armistice weighs the deal against the armistice, not war.
            let under = if r.armistice { " (under the armistice)" } else { "" };
            writeln!(w, "  talks{under}: {kind}: {}", terms.join(", "))?;
            let am: Vec<String> =
                r.amendments.iter().filter(|(_, v)| v.abs() > 0.05).map(|(k, v)| format!("{k} {v:+.1}")).collect();
            if !am.is_empty() {
                writeln!(w, "    amendments: {}", am.join(", "))?;
            }
            for d in &r.decisions {
                let why = if !d.commitment_ok { " (fails the commitment check)" } else { "" };
                writeln!(
                    w,
                    "    {:<12} {} margin {:+.3}{}",
                    d.actor,
                    if d.accepted { "accepts" } else { "rejects" },
                    d.margin,
                    why
                )?;
            }
            if let Some(m) = &r.ceasefire_margins {
                let v: Vec<String> = m.iter().map(|(k, x)| format!("{k} {x:+.3}")).collect();
                writeln!(
                    w,
                    "    ceasefire at the line: margins {}{}",
                    v.join(", "),
                    if r.ceasefire { " — agreed" } else { " — no" }
                )?;
            }
            ri += 1;
        }
    }
    if let Some(o) = &t.outcome {
        writeln!(w)?;
        writeln!(w, "outcome: {} in week {} ({})", o.state.name(), o.week, o.date)?;
        if let Some(a) = o.armistice_week {
            writeln!(w, "two-stage ending: an armistice agreed in week {a}, the settlement in week {}", o.week)?;
        }
        let terms: Vec<String> = o.terms.iter().map(|(k, v)| format!("{k} {v:.1}")).collect();
        writeln!(w, "terms: {}", terms.join(", "))?;
        writeln!(w, "line: {:.0} km² held by {} (index {:.1})", o.km2_held, s0, o.index)?;
        let cas: Vec<String> = o.casualties.iter().map(|(k, v)| format!("{k} {}", fmt_k(*v))).collect();
        writeln!(
            w,
            "casualties: {}; talk rounds: {}; ceasefire breakdowns: {}",
            cas.join(", "),
            o.rounds,
            o.ceasefire_breakdowns
        )?;
    }
    Ok(())
}

/// `x` to 5 significant digits without trailing zeros (0.17961961 → 0.17962, 90 → 90).
fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (4 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let t = format!("{x:.digits$}");
    if t.contains('.') {
        t.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        t
    }
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Scenario TOML file (or a built-in name).
    pub file: String,
}

pub fn check(a: &CheckArgs) -> Result<(), CliError> {
    let l = load_scenario(&a.file)?.loaded;
    println!(
        "{}: ok — {} issues, {} actors, {} events, {} uncertain parameters, horizon {} weeks",
        a.file,
        l.params.n_issues(),
        l.params.n_actors(),
        l.params.events.len(),
        l.scenario.uncertainty.len(),
        l.params.horizon
    );
    // A sampled parameter's base value is a reference point: say what runs and forecasts use.
    for p in sampled_params(&l) {
        println!(
            "  sampled {}: base value {}; `truce run` uses the median {}, `truce forecast` draws from {}",
            p.path,
            short(p.base),
            short(p.median),
            p.support
        );
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct ScenariosArgs {
    // Without a subcommand: list the built-in scenarios.
    #[command(subcommand)]
    pub command: Option<ScenariosCommand>,
}

#[derive(Subcommand, Debug)]
pub enum ScenariosCommand {
    /// Print a built-in scenario as TOML, to copy and edit.
    Show {
        /// A built-in scenario's name, as `truce scenarios` lists them.
        name: String,
    },
}

pub fn scenarios(a: &ScenariosArgs) -> Result<(), CliError> {
    match &a.command {
        None => {
            for (name, desc, _) in builtin::BUILTIN {
                // Some descriptions already say so: the mark is printed once, here.
                let desc = desc.trim_end().trim_end_matches("(the default)").trim_end();
                let mark = if *name == builtin::DEFAULT { " (default)" } else { "" };
                println!("{name:<20} {desc}{mark}");
            }
            Ok(())
        }
        Some(ScenariosCommand::Show { name }) => {
            let (_, text) = Source::Builtin(name.clone()).read().map_err(job_error)?;
            print!("{text}");
            Ok(())
        }
    }
}
