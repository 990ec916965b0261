//! Shard files: the mergeable partial aggregate of a contiguous range of runs.
//!
//! Layout (text, versioned and checksummed):
//!
//! ```text
//! TRUCE-PART 2
//! fnv1a64 <16 hex digits of the body's checksum>
//! <body: JSON of Part>
//! ```
//!
//! The body carries the scenario's text (so `truce merge` can label its output), the shard's
//! place (K of N, run range) and the aggregate. Serialisation is deterministic, so recomputing
//! a shard gives the same bytes, and floats round-trip exactly. Encoding and decoding are
//! pure; reading and writing files is the caller's job.

use crate::ensemble::ForecastAggregate;
use crate::hash::fnv1a64;
use crate::summary::{summarise, Summary};
use serde::{Deserialize, Serialize};
use truce_engine::calendar::CivilDate;

/// Format version written in the first line (2: events by date, states at date, weekly
/// casualty and line-change histograms; version 1 files are refused).
pub const VERSION: u32 = 2;
const MAGIC: &str = "TRUCE-PART";

/// One shard's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// 1-based shard number and shard count.
    pub shard: u64,
    pub shards: u64,
    /// Runs of the whole forecast, and this shard's range [first_run, first_run + runs).
    pub total_runs: u64,
    pub first_run: u64,
    pub runs: u64,
    pub start: CivilDate,
    /// The scenario text the shard ran (labels for the merged output).
    pub scenario_text: String,
    pub aggregate: ForecastAggregate,
}

/// The run range of shard `k` (1-based) of `n` over `total` runs.
pub fn shard_range(k: u64, n: u64, total: u64) -> (u64, u64) {
    let a = (k - 1) as u128 * total as u128 / n as u128;
    let b = k as u128 * total as u128 / n as u128;
    (a as u64, (b - a) as u64)
}

/// Encodes a part.
pub fn encode(p: &Part) -> Vec<u8> {
    let body = serde_json::to_vec(p).expect("a part always serialises");
    let mut out = format!("{MAGIC} {VERSION}\nfnv1a64 {:016x}\n", fnv1a64(&body)).into_bytes();
    out.extend_from_slice(&body);
    out
}

/// Decodes a part, checking the version and the checksum. `name` labels errors.
pub fn decode(name: &str, bytes: &[u8]) -> Result<Part, String> {
    let mut lines = bytes.splitn(3, |b| *b == b'\n');
    let head = lines.next().map(String::from_utf8_lossy).unwrap_or_default();
    let Some(v) = head.strip_prefix(&format!("{MAGIC} ")) else {
        return Err(format!("{name}: not a truce part file (expected a first line `{MAGIC} {VERSION}`)"));
    };
    if v.trim() != VERSION.to_string() {
        return Err(format!(
            "{name}: part format version {} is not supported (this truce reads version {VERSION})",
            v.trim()
        ));
    }
    let sum = lines.next().map(String::from_utf8_lossy).unwrap_or_default();
    let want = sum.strip_prefix("fnv1a64 ").and_then(|h| u64::from_str_radix(h.trim(), 16).ok());
    let body = lines.next().unwrap_or_default();
    match want {
        Some(w) if w == fnv1a64(body) => {}
        Some(_) => {
            return Err(format!("{name}: checksum mismatch: the file is corrupt or truncated; recompute this shard"))
        }
        None => return Err(format!("{name}: missing or malformed checksum line")),
    }
    serde_json::from_slice(body).map_err(|e| format!("{name}: unreadable part body: {e}"))
}

/// Merges parts into one summary. Every shard 1…N of one forecast must be present once.
pub fn merge_parts(parts: &[(String, Part)]) -> Result<(Part, Summary), String> {
    let Some((name0, first)) = parts.first() else {
        return Err("no part files given".into());
    };
    let n = first.shards;
    let mut seen = vec![None::<&str>; n as usize];
    for (name, p) in parts {
        if p.aggregate.fingerprint != first.aggregate.fingerprint || p.shards != n || p.total_runs != first.total_runs {
            return Err(format!(
                "{name}: belongs to another forecast than {name0} (scenario {}, seed {}, {} runs in {} shards vs scenario {}, seed {}, {} runs in {} shards)",
                p.aggregate.scenario, p.aggregate.seed, p.total_runs, p.shards, first.aggregate.scenario, first.aggregate.seed, first.total_runs, n
            ));
        }
        let slot = &mut seen[(p.shard - 1) as usize];
        if let Some(other) = slot {
            return Err(format!("{name}: shard {}/{n} is given twice (also {other})", p.shard));
        }
        *slot = Some(name);
        if (p.first_run, p.runs) != shard_range(p.shard, n, p.total_runs) || p.aggregate.runs != p.runs {
            return Err(format!("{name}: shard {}/{n} does not hold the runs it should", p.shard));
        }
    }
    let missing: Vec<String> =
        seen.iter().enumerate().filter(|(_, s)| s.is_none()).map(|(i, _)| format!("{}/{n}", i + 1)).collect();
    if !missing.is_empty() {
        return Err(format!("missing shard(s): {}", missing.join(", ")));
    }
    let mut ordered: Vec<&Part> = parts.iter().map(|(_, p)| p).collect();
    ordered.sort_by_key(|p| p.shard);
    let mut agg = ordered[0].aggregate.clone();
    for p in &ordered[1..] {
        agg.merge(&p.aggregate).map_err(|e| e.to_string())?;
    }
    let summary = summarise(&agg, first.start, false);
    let merged = Part {
        shard: 1,
        shards: 1,
        total_runs: first.total_runs,
        first_run: 0,
        runs: agg.runs,
        start: first.start,
        scenario_text: first.scenario_text.clone(),
        aggregate: agg,
    };
    Ok((merged, summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_exactly() {
        for total in [1u64, 7, 100, 1_000_003] {
            for n in 1..=7u64 {
                let mut next = 0;
                for k in 1..=n {
                    let (a, len) = shard_range(k, n, total);
                    assert_eq!(a, next);
                    next = a + len;
                }
                assert_eq!(next, total);
            }
        }
    }
}
