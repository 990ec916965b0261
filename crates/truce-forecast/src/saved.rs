//! A whole forecast as a file, to score later: the part-file format ([`crate::part`]) with
//! shard 1/1, holding every run's aggregate, the scenario text and the start date.
//!
//! `truce forecast --save F` and `truce merge --save F` write one; `truce score F OBS` and
//! the ledger read it. A shard's part (K/N with N > 1) is not a whole forecast: merge the
//! shards first. Encoding and decoding are pure; files are the caller's business.

use crate::ensemble::ForecastAggregate;
use crate::job::{Forecast, Prepared};
use crate::part::{self, Part};
use truce_engine::calendar::CivilDate;

/// A whole forecast as a part 1/1.
pub fn whole(scenario_text: &str, start: CivilDate, aggregate: ForecastAggregate) -> Part {
    Part {
        shard: 1,
        shards: 1,
        total_runs: aggregate.runs,
        first_run: 0,
        runs: aggregate.runs,
        start,
        scenario_text: scenario_text.to_string(),
        aggregate,
    }
}

/// The saved form of a job's whole forecast; an interrupted forecast is refused (a saved
/// forecast must hold every run it was asked for).
pub fn from_job(job: &Prepared, f: &Forecast) -> Result<Part, String> {
    let (_, runs) = job.run_range();
    if f.summary.interrupted || f.aggregate.runs != runs {
        return Err(format!(
            "the forecast holds {} of its {runs} runs: a saved forecast must be whole",
            f.aggregate.runs
        ));
    }
    Ok(whole(job.text(), job.loaded().params.start, f.aggregate.clone()))
}

/// Decodes a saved forecast (`name` labels errors): a part file that holds all the runs of
/// its forecast.
pub fn decode(name: &str, bytes: &[u8]) -> Result<Part, String> {
    let p = part::decode(name, bytes)?;
    if p.shards != 1 || p.first_run != 0 || p.runs != p.total_runs || p.aggregate.runs != p.runs {
        return Err(format!(
            "{name}: shard {}/{} of a forecast, not a whole forecast; merge the shards with `truce merge --save FILE` first",
            p.shard, p.shards
        ));
    }
    Ok(p)
}
