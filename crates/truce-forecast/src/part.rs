//! Shard files: the mergeable partial aggregate of a contiguous range of runs.
//!
//! Layout (text, versioned and checksummed):
//!
//! ```text
//! TRUCE-PART 4
//! fnv1a64 <16 hex digits of the body's checksum>
//! <body: JSON of Part>
//! ```
//!
//! The body carries the scenario's text (so `truce merge` can label its output), the shard's
//! place (K of N, run range) and the aggregate. Serialisation is deterministic, so recomputing
//! a shard gives the same bytes, and floats round-trip exactly. Encoding and decoding are
//! pure; reading and writing files is the caller's job.
//!
//! The checksum (FNV-1a, unkeyed) detects corruption and truncation, **not tampering**: anyone
//! can recompute it. So [`decode`] trusts nothing past it: every field and every length is
//! checked against the header ([`Part::validate`]): the shard's place (1 ≤ K ≤ N ≤ total runs,
//! the run range shard K must hold), the date, the horizon (1–5200 weeks), the scenario text
//! (it must load, and name, issues, sides, uncertain parameters, start date and fingerprint
//! must agree with the aggregate), and the aggregate's layout and counts (every histogram,
//! tally and week array sized by the horizon and the format's bin counts, counts summing to
//! the runs). No byte sequence can make [`decode`] or [`merge_parts`] panic or allocate more
//! than the file's own size implies; [`merge_parts`] validates its inputs again, so parts built
//! in memory get the same guarantee.

use crate::ensemble::{
    fingerprint, month_ends, ForecastAggregate, CASUALTY_BINS, KM2_BINS, RANK_OUTCOMES, RANK_RUNS, TERM_BINS,
};
use crate::hash::fnv1a64;
use crate::summary::{summarise, Summary};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use truce_engine::calendar::CivilDate;
use truce_engine::outcome::{WarEvent, WarState};

/// The longest horizon a part may have: the scenario limit of `truce-engine`.
pub use truce_engine::params::MAX_HORIZON_WEEKS;

/// Format version written in the first line (2: events by date, states at date, weekly
/// casualty and line-change histograms; 3: the line at the first ceasefire; 4: the collapses
/// by cause; older files are refused).
pub const VERSION: u32 = 4;
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

/// The run range of shard `k` (1-based) of `n` over `total` runs. Needs 1 ≤ k ≤ n (checked
/// by the callers; out-of-range arguments give an empty range instead of a panic).
pub fn shard_range(k: u64, n: u64, total: u64) -> (u64, u64) {
    if k == 0 || k > n {
        return (0, 0);
    }
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
    let part: Part = serde_json::from_slice(body).map_err(|e| format!("{name}: unreadable part body: {e}"))?;
    part.validate().map_err(|e| format!("{name}: invalid part: {e}"))?;
    Ok(part)
}

impl Part {
    /// Checks every field against the header (see the module doc); the error names the field.
    /// Cost: one load of the scenario text and one pass over the aggregate's arrays.
    pub fn validate(&self) -> Result<(), String> {
        let a = &self.aggregate;
        if !(self.shards >= 1 && (1..=self.shards).contains(&self.shard)) {
            return Err(format!("shard {}/{}: expected K/N with 1 ≤ K ≤ N", self.shard, self.shards));
        }
        if self.total_runs == 0 || self.shards > self.total_runs {
            return Err(format!("{} shards for {} runs: expected 1 ≤ shards ≤ runs", self.shards, self.total_runs));
        }
        let want = shard_range(self.shard, self.shards, self.total_runs);
        if (self.first_run, self.runs) != want || a.runs != self.runs {
            return Err(format!(
                "shard {}/{} of {} runs must hold runs {}..{}; it says {}..{} ({} in its aggregate)",
                self.shard,
                self.shards,
                self.total_runs,
                want.0,
                want.0 + want.1,
                self.first_run,
                self.first_run.saturating_add(self.runs),
                a.runs
            ));
        }
        if !self.start.is_valid() {
            return Err(format!("start: {} is not a calendar date", self.start));
        }
        let h = a.horizon;
        if !(1..=MAX_HORIZON_WEEKS).contains(&h) {
            return Err(format!("aggregate.horizon: {h} weeks; expected 1–{MAX_HORIZON_WEEKS}"));
        }
        self.validate_scenario()?;
        validate_aggregate(a, self.first_run, self.start)
    }

    /// The scenario text must load and agree with the aggregate's labels and fingerprint.
    fn validate_scenario(&self) -> Result<(), String> {
        let a = &self.aggregate;
        let l = truce_engine::load::load_str("<part scenario>", &self.scenario_text)
            .map_err(|e| format!("scenario_text does not load: {}", first_line(&e.to_string())))?;
        let p = &l.params;
        let sides: Vec<&str> = p.sides.iter().map(|s| s.id.as_str()).collect();
        let checks = [
            ("aggregate.scenario", p.name == a.scenario),
            ("aggregate.issues", p.issue_ids == a.issues),
            ("aggregate.sides", sides == a.sides.iter().map(String::as_str).collect::<Vec<_>>()),
            ("aggregate.params", l.uncertainty.paths == a.params),
            ("start", p.start == self.start),
            ("aggregate.fingerprint", fingerprint(&self.scenario_text, a.seed, a.horizon) == a.fingerprint),
        ];
        match checks.iter().find(|c| !c.1) {
            Some((field, _)) => Err(format!("{field} does not match the part's scenario text (seed, horizon)")),
            None => Ok(()),
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default()
}

/// Layout and counts of an aggregate of `a.runs` runs starting at `first_run`, of a scenario
/// starting on `start`.
fn validate_aggregate(a: &ForecastAggregate, first_run: u64, start: CivilDate) -> Result<(), String> {
    let (h, runs) = (a.horizon, a.runs);
    let fail = |field: &str, what: String| Err(format!("aggregate.{field}: {what}"));
    let ev = &a.events;
    if (ev.events(), ev.weeks(), ev.runs()) != (WarEvent::COUNT, h, runs) {
        return fail(
            "events",
            format!(
                "{} events × {} weeks over {} runs; expected {} × {h} over {runs}",
                ev.events(),
                ev.weeks(),
                ev.runs(),
                WarEvent::COUNT
            ),
        );
    }
    let st = &a.states;
    if (st.states(), st.weeks(), st.runs()) != (WarState::COUNT, h, runs) {
        return fail(
            "states",
            format!(
                "{} states × {} weeks over {} runs; expected {} × {h} over {runs}",
                st.states(),
                st.weeks(),
                st.runs(),
                WarState::COUNT
            ),
        );
    }
    if a.terms.len() != a.issues.len() {
        return fail("terms", format!("{} histograms for {} issues", a.terms.len(), a.issues.len()));
    }
    for (i, t) in a.terms.iter().enumerate() {
        if t.bins() != TERM_BINS
            || t.range() != (0.0, 100.0)
            || t.count().checked_add(t.nan_count()).is_none_or(|c| c > runs)
        {
            return fail(
                &format!("terms[{i}]"),
                format!("expected {TERM_BINS} bins on [0, 100) and at most {runs} values"),
            );
        }
    }
    let c = &a.ceasefire_line;
    if c.bins() != KM2_BINS || c.count().checked_add(c.nan_count()).is_none_or(|n| n > runs) {
        return fail("ceasefire_line", format!("expected {KM2_BINS} bins and at most {runs} values"));
    }
    let weekly = |field: &str, x: &crate::aggregate::WeekHistograms, weeks: u32, bins: usize| {
        if x.weeks() != weeks || x.bins() != bins {
            return fail(field, format!("{} weeks × {} bins; expected {weeks} × {bins}", x.weeks(), x.bins()));
        }
        match (0..weeks).find(|&w| x.count(w).checked_add(x.nan_count(w)) != Some(runs)) {
            Some(w) => fail(field, format!("week {w} does not hold one value per run ({runs})")),
            None => Ok(()),
        }
    };
    weekly("km2", &a.km2, h, KM2_BINS)?;
    weekly("km2_change", &a.km2_change, h, KM2_BINS)?;
    if a.month_ends != month_ends(start, h) {
        return fail("month_ends", format!("not the month ends of {h} weeks from {start}"));
    }
    weekly("monthly_change", &a.monthly_change, a.month_ends.len() as u32, KM2_BINS)?;
    if a.cum_casualties.len() != a.sides.len() {
        return fail("cum_casualties", format!("{} for {} sides", a.cum_casualties.len(), a.sides.len()));
    }
    for (i, c) in a.cum_casualties.iter().enumerate() {
        weekly(&format!("cum_casualties[{i}]"), c, h, CASUALTY_BINS)?;
        if c.range().0 != 0.0 {
            return fail(&format!("cum_casualties[{i}]"), "expected a range from 0".into());
        }
    }
    if a.at_war.len() != h as usize || a.range_open.len() != h as usize {
        return fail("at_war", format!("{} / {} weeks; expected {h}", a.at_war.len(), a.range_open.len()));
    }
    if let Some(w) = (0..h as usize).find(|&w| a.range_open[w] > a.at_war[w] || a.at_war[w] > runs) {
        return fail("range_open", format!("week {w}: expected range_open ≤ at_war ≤ runs ({runs})"));
    }
    let causes = truce_engine::talk::Blocker::COUNT;
    if a.blocked.len() != h as usize * causes {
        return fail("blocked", format!("{} counts; expected {h} weeks × {causes} causes", a.blocked.len()));
    }
    // At most one blocked talk slot per run and week.
    if let Some(w) = (0..h as usize).find(|&w| a.blocked[w * causes..(w + 1) * causes].iter().sum::<u64>() > runs) {
        return fail("blocked", format!("week {w}: more blocked talk slots than runs ({runs})"));
    }
    let kinds = truce_engine::outcome::CollapseCause::COUNT;
    if a.collapse_causes.len() != a.sides.len() * kinds {
        return fail(
            "collapse_causes",
            format!("{} counts; expected {} sides × {kinds} causes", a.collapse_causes.len(), a.sides.len()),
        );
    }
    // A run collapses at most once; u128: the sum of counts read from a file may overflow.
    if a.collapse_causes.iter().map(|&n| u128::from(n)).sum::<u128>() > u128::from(runs) {
        return fail("collapse_causes", format!("more collapses than runs ({runs})"));
    }
    if u128::from(a.breakdowns) > u128::from(runs) * u128::from(u32::MAX) {
        return fail("breakdowns", format!("{} for {runs} runs", a.breakdowns));
    }
    let rounds = a.rounds.raw();
    let most = i128::try_from(u128::from(runs) * u128::from(u32::MAX)).ok().and_then(|m| m.checked_mul(1 << 32));
    if rounds < 0 || most.is_some_and(|m| rounds > m) {
        return fail("rounds", "outside 0 … runs × u32::MAX".to_string());
    }
    let (capacity, params, outcomes) = a.ranks.layout();
    if (capacity, params, outcomes) != (RANK_RUNS, a.params.len(), RANK_OUTCOMES.len()) {
        return fail(
            "ranks",
            format!(
                "capacity {capacity} / {params} params / {outcomes} outcomes; expected {RANK_RUNS} / {} / {}",
                a.params.len(),
                RANK_OUTCOMES.len()
            ),
        );
    }
    if let Some((lo, hi)) = a.ranks.run_span() {
        if lo < first_run || hi - first_run >= runs {
            return fail("ranks", format!("runs {lo}..={hi} lie outside the shard's runs"));
        }
    }
    Ok(())
}

/// Merges parts into one summary. Every shard 1…N of one forecast must be present once.
/// Each part is validated first ([`Part::validate`]); a part of another forecast is named
/// with the field that differs (scenario, seed, horizon, runs or shard count).
pub fn merge_parts(parts: &[(String, Part)]) -> Result<(Part, Summary), String> {
    let Some((name0, first)) = parts.first() else {
        return Err("no part files given".into());
    };
    for (name, p) in parts {
        p.validate().map_err(|e| format!("{name}: invalid part: {e}"))?;
    }
    let n = first.shards;
    let mut seen: BTreeMap<u64, &str> = BTreeMap::new();
    for (name, p) in parts {
        let (a, f) = (&p.aggregate, &first.aggregate);
        let differ = [
            ("scenario", a.scenario.clone(), f.scenario.clone()),
            ("seed", a.seed.to_string(), f.seed.to_string()),
            ("horizon", format!("{} weeks", a.horizon), format!("{} weeks", f.horizon)),
            ("runs", p.total_runs.to_string(), first.total_runs.to_string()),
            ("shards", p.shards.to_string(), n.to_string()),
        ];
        let other_forecast = |detail: String| {
            format!(
                "{name}: belongs to another forecast than {name0}: {detail} (every shard needs the same scenario, \
                 -n, --seed and --horizon)"
            )
        };
        if let Some((what, mine, theirs)) = differ.iter().find(|d| d.1 != d.2) {
            return Err(other_forecast(format!("{name} has {what} {mine} but {name0} has {what} {theirs}")));
        }
        if a.fingerprint != f.fingerprint {
            return Err(other_forecast(format!(
                "the scenario texts differ (fingerprints {} and {})",
                a.fingerprint, f.fingerprint
            )));
        }
        if let Some(other) = seen.insert(p.shard, name) {
            return Err(format!("{name}: shard {}/{n} is given twice (also {other})", p.shard));
        }
    }
    if seen.len() as u64 != n {
        let missing: Vec<String> =
            (1..=n).filter(|k| !seen.contains_key(k)).take(10).map(|k| format!("{k}/{n}")).collect();
        let more = n - seen.len() as u64 - missing.len() as u64;
        let tail = if more > 0 { format!(" and {more} more") } else { String::new() };
        return Err(format!("missing shard(s): {}{tail}", missing.join(", ")));
    }
    parts
        .iter()
        .try_fold(0u64, |s, (_, p)| s.checked_add(p.aggregate.breakdowns))
        .ok_or("the parts' ceasefire breakdowns overflow a 64-bit count")?;
    let mut ordered: Vec<&Part> = parts.iter().map(|(_, p)| p).collect();
    ordered.sort_by_key(|p| p.shard);
    let mut agg = ordered[0].aggregate.clone();
    for p in &ordered[1..] {
        agg.merge(&p.aggregate).map_err(|e| e.to_string())?;
    }
    let mut summary = summarise(&agg, first.start, false);
    // What selection by survival did is a pure function of the scenario and the seed, as
    // every shard computed it; the merged summary reports it as the whole forecast would.
    let l = truce_engine::load::load_str("<part scenario>", &first.scenario_text).map_err(|e| e.to_string())?;
    summary.selection = crate::selection::select(&l, agg.seed).map_err(|e| e.to_string())?.map(|s| s.report);
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
