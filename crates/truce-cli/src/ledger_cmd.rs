//! The forecast ledger's files: `truce forecast --ledger DIR` appends a forecast with its
//! issue date (today, read here: the libraries never read the clock); `truce score --ledger
//! DIR OBSERVATIONS` checks the hash chain and scores every stored forecast on what was
//! observed after it was issued. The record format is `truce_forecast::ledger`'s.

use crate::score_cmd::{print_card, ScoreArgs};
use crate::{CliError, ReportFormat};
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use truce_engine::calendar::CivilDate;
use truce_forecast::ledger::{self, Record, FORECASTS_DIR, LEDGER_FILE};
use truce_forecast::observation::StartRule;
use truce_forecast::part::Part;
use truce_forecast::scorecard::{score, Scorecard, Stored};
use truce_io::output::write_atomic;

/// Today's date (UTC), the issue date of a forecast recorded now.
pub fn today() -> CivilDate {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    CivilDate::from_days((secs / 86_400) as i64)
}

/// Reads and checks a ledger (an absent ledger file is an empty ledger).
pub fn read_ledger(dir: &Path) -> Result<Vec<Record>, CliError> {
    let path = dir.join(LEDGER_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(CliError(format!("{}: cannot read: {e}", path.display()))),
    };
    ledger::verify(&text).map_err(|e| CliError(format!("{}: {e}", path.display())))
}

/// Appends a whole forecast to the ledger in `dir` (created if needed), issued today.
pub fn append(dir: &Path, part: &Part) -> Result<Record, CliError> {
    let records = read_ledger(dir)?;
    let forecasts = dir.join(FORECASTS_DIR);
    std::fs::create_dir_all(&forecasts)
        .map_err(|e| CliError(format!("{}: cannot create: {e}", forecasts.display())))?;
    let bytes = truce_forecast::part::encode(part);
    let seq = records.last().map_or(0, |r| r.seq + 1);
    let name = format!("{FORECASTS_DIR}/{seq:05}-{}.truce", &ledger::sha256_hex(&bytes)[..16]);
    let file = dir.join(&name);
    if file.exists() {
        return Err(CliError(format!("{}: already exists; the ledger and its files disagree", file.display())));
    }
    let record = ledger::new_record(
        records.last(),
        today(),
        &crate::web_cmd::now_utc(),
        part,
        &bytes,
        &name,
        env!("CARGO_PKG_VERSION"),
    );
    write_atomic(&file, &bytes)?;
    let path = dir.join(LEDGER_FILE);
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| CliError(format!("{}: cannot open for appending: {e}", path.display())))?;
    f.write_all(ledger::line(&record).as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| CliError(format!("{}: cannot append: {e}", path.display())))?;
    Ok(record)
}

/// One stored forecast scored.
#[derive(Serialize)]
struct Scored<'a> {
    record: &'a Record,
    /// Observations inside the forecast dated on or before the issue date: known when the
    /// forecast was issued, so not scored.
    known_when_issued: usize,
    scorecard: Scorecard,
}

/// `truce score --ledger DIR OBSERVATIONS`.
pub fn score_ledger(dir: &Path, observations: &Path, a: &ScoreArgs) -> Result<(), CliError> {
    let records = read_ledger(dir)?;
    if records.is_empty() {
        return Err(CliError(format!("{}: the ledger holds no forecast", dir.join(LEDGER_FILE).display())));
    }
    if let Some(out) = &a.out {
        crate::web_cmd::probe(out)?;
    }
    let mut scored = Vec::new();
    for r in &records {
        let file = dir.join(&r.forecast_file);
        let bytes = std::fs::read(&file).map_err(|e| CliError(format!("{}: cannot read: {e}", file.display())))?;
        ledger::check_forecast(r, &bytes).map_err(|e| CliError(format!("{}: {e}", dir.display())))?;
        let part = truce_forecast::saved::decode(&file.display().to_string(), &bytes)?;
        let agg = &part.aggregate;
        let obs =
            truce_io::observations::read_observations(observations, &agg.sides, StartRule::CasualtiesFrom(part.start))?;
        let known = |d: CivilDate| d >= part.start && d <= r.issued;
        let known_when_issued = obs.rows().iter().filter(|o| known(o.date)).count();
        let after = obs.filter(|o| !known(o.date));
        let scorecard = score(&Stored { aggregate: agg, start: part.start }, &agg.sides, &after, a.seed);
        scored.push(Scored { record: r, known_when_issued, scorecard });
    }
    if let Some(out) = &a.out {
        write_atomic(out, &crate::json_file(&scored)?)?;
    }
    let mut w = std::io::stdout().lock();
    match a.format {
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut w, &scored)?;
            writeln!(w)?;
        }
        ReportFormat::Table => {
            writeln!(w, "{}: {} forecasts, hash chain intact", dir.display(), records.len())?;
            for s in &scored {
                let r = s.record;
                writeln!(w)?;
                writeln!(
                    w,
                    "#{} issued {} — {} ({} runs, seed {}, from {} for {} weeks), fingerprint {}",
                    r.seq, r.issued, r.scenario, r.runs, r.seed, r.start, r.horizon_weeks, r.fingerprint
                )?;
                if s.known_when_issued > 0 {
                    writeln!(
                        w,
                        "{} observations inside the forecast were known when it was issued: not scored",
                        s.known_when_issued
                    )?;
                }
                print_card(&s.scorecard, &mut w)?;
            }
        }
    }
    Ok(())
}
