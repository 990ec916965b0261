//! Exactly mergeable streaming aggregates for ensemble forecasts.
//!
//! An ensemble of millions of runs is summarised on the fly, in shards (per thread, per
//! process, per machine), and the shards are merged. Every type here keeps only integer state
//! (counts, and sums in fixed point), plus order-independent extrema, so `merge` is exact,
//! associative and commutative: any split of the runs into shards, merged in any order,
//! equals one pass bit for bit. Memory is independent of the number of runs.
//!
//! Fixed point: a value x is stored as the integer `trunc(x · 2^32)` (toward zero) in an
//! `i128`, so the resolution is 2^-32 ≈ 2.3e-10 per value, and a sum over n values is exact
//! in that representation while |Σ x| < 2^95 ≈ 4e28. Sums of squares use the same scale, so
//! |x| must stay below about 1e13 for 10⁷ runs.
//!
//! This module does no I/O and spawns no threads; every type is `Serialize + Deserialize` so
//! that shard files can be written and merged elsewhere. The file format must round-trip f64
//! exactly (serde_json only with its `float_roundtrip` feature; JSON cannot carry the NaNs a
//! [`RankSample`] may hold), or bit-exactness is lost at the file boundary.

use crate::score::PiecewiseUniform;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// The fixed-point scale 2^32: a stored integer k means the value k / 2^32.
pub const FIXED_SCALE: f64 = 4_294_967_296.0;

/// Why two aggregates could not be merged. Merging never partially applies.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MergeError {
    /// The two aggregates were built with different layouts (ranges, bins, kinds, weeks, …).
    #[error("cannot merge {what}: {detail}")]
    Mismatch {
        /// Which aggregate type.
        what: &'static str,
        /// How they differ.
        detail: String,
    },
    /// The same run index was recorded in both rank samples (a run counted twice).
    #[error("run {0} appears in both rank samples: shards overlap")]
    DuplicateRun(u64),
    /// A per-bin counter would exceed its integer type.
    #[error("{0}: a bin count would overflow")]
    Overflow(&'static str),
}

/// Why a histogram cannot be made: its range or bins cannot bin values (a range that is not
/// finite, empty, wider than a float can span, or too narrow for its bins). A forecast reports
/// it as a scenario error; a checked scenario never produces one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RangeError(pub String);

fn mismatch(what: &'static str, detail: String) -> MergeError {
    MergeError::Mismatch { what, detail }
}

#[inline]
fn to_fixed(x: f64) -> i128 {
    let s = x * FIXED_SCALE;
    // Fast path through i64 (a single instruction); `as` saturates and maps NaN to 0.
    if s.abs() < 9.0e18 {
        s as i64 as i128
    } else {
        s as i128
    }
}

/// An exact, order-independent sum of f64 values in i128 fixed point (resolution 2^-32).
///
/// Why: floating-point sums depend on the order of addition, so shard merges would not
/// reproduce a single pass. Integer addition (wrapping, so associative even past overflow)
/// does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FixedSum {
    raw: i128,
}

impl FixedSum {
    /// An empty sum.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `trunc(x · 2^32)`; NaN adds nothing. Callers that must count NaNs do so themselves.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.raw = self.raw.wrapping_add(to_fixed(x));
    }

    /// Adds another shard's sum (exact).
    #[inline]
    pub fn merge(&mut self, other: &Self) {
        self.raw = self.raw.wrapping_add(other.raw);
    }

    /// The sum as f64 (one rounding, at the end).
    pub fn value(&self) -> f64 {
        self.raw as f64 / FIXED_SCALE
    }

    /// The raw fixed-point integer, for exact comparisons.
    pub fn raw(&self) -> i128 {
        self.raw
    }
}

/// Total-order minimum, so that ±0.0 ties resolve the same way in any merge order.
fn min_total(a: Option<f64>, x: f64) -> Option<f64> {
    Some(match a {
        Some(m) if m.total_cmp(&x) != Ordering::Greater => m,
        _ => x,
    })
}

fn max_total(a: Option<f64>, x: f64) -> Option<f64> {
    Some(match a {
        Some(m) if m.total_cmp(&x) != Ordering::Less => m,
        _ => x,
    })
}

fn check_range(lo: f64, hi: f64, bins: usize) -> Result<f64, String> {
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(format!("need finite lo < hi, got [{lo}, {hi})"));
    }
    if bins == 0 {
        return Err("need at least one bin".into());
    }
    if !(hi - lo).is_finite() {
        return Err(format!("range [{lo}, {hi}) is wider than a float can span"));
    }
    let scale = bins as f64 / (hi - lo);
    if !scale.is_finite() {
        return Err(format!("range [{lo}, {hi}) is too narrow for {bins} bins"));
    }
    Ok(scale)
}

/// Slot of x in a `[underflow, bins…, overflow]` array (x must not be NaN).
#[inline]
fn slot(lo: f64, hi: f64, scale: f64, bins: usize, x: f64) -> usize {
    if x < lo {
        0
    } else if x >= hi {
        bins + 1
    } else {
        (((x - lo) * scale) as usize).min(bins - 1) + 1
    }
}

/// Quantile from `[underflow, bins…, overflow]` counts, linear inside the bin; the under- and
/// overflow slots span `[low_end, lo)` and `[hi, high_end]`.
fn quantile_slots<T: Copy + Into<u64>>(
    counts: &[T],
    lo: f64,
    hi: f64,
    low_end: f64,
    high_end: f64,
    total: u64,
    p: f64,
) -> f64 {
    if total == 0 || p.is_nan() {
        return f64::NAN;
    }
    let bins = counts.len() - 2;
    let width = (hi - lo) / bins as f64;
    let target = p.clamp(0.0, 1.0) * total as f64;
    let mut cum = 0u64;
    for (s, &c) in counts.iter().enumerate() {
        let c: u64 = c.into();
        if c == 0 {
            continue;
        }
        if (cum + c) as f64 >= target {
            let frac = ((target - cum as f64) / c as f64).clamp(0.0, 1.0);
            let (left, right) = if s == 0 {
                (low_end, lo)
            } else if s == bins + 1 {
                (hi, high_end)
            } else {
                (lo + (s - 1) as f64 * width, lo + s as f64 * width)
            };
            return left + frac * (right - left);
        }
        cum += c;
    }
    high_end
}

/// A fixed-bin histogram of one scalar outcome, with exact count, mean and variance.
///
/// Why: fixed bins make merging exact, and quantiles come out with a resolution of one bin
/// width `(hi − lo) / bins`. Values below `lo` or at/above `hi` go to under/overflow slots
/// (whose quantiles interpolate towards the observed min/max); NaNs are counted apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "HistogramRepr")]
pub struct Histogram {
    lo: f64,
    hi: f64,
    /// `[underflow, bins…, overflow]`.
    counts: Vec<u64>,
    count: u64,
    nan: u64,
    sum: FixedSum,
    sum_sq: FixedSum,
    min: Option<f64>,
    max: Option<f64>,
    #[serde(skip)]
    scale: f64,
}

#[derive(Deserialize)]
struct HistogramRepr {
    lo: f64,
    hi: f64,
    counts: Vec<u64>,
    count: u64,
    nan: u64,
    sum: FixedSum,
    sum_sq: FixedSum,
    min: Option<f64>,
    max: Option<f64>,
}

impl TryFrom<HistogramRepr> for Histogram {
    type Error = String;
    fn try_from(r: HistogramRepr) -> Result<Self, String> {
        if r.counts.len() < 3 {
            return Err("histogram needs at least one bin".into());
        }
        let scale = check_range(r.lo, r.hi, r.counts.len() - 2)?;
        if checked_sum(r.counts.iter().copied()) != Some(r.count) {
            return Err("histogram count does not match its bins".into());
        }
        match (r.min, r.max) {
            (None, None) if r.count == 0 => {}
            (Some(lo), Some(hi)) if r.count > 0 && lo <= hi => {
                // Every stored term lies between trunc(min · 2^32) and trunc(max · 2^32), so an
                // exact (non-wrapping) sum lies between count times those; checked where the
                // bounds fit in i128.
                let n = i128::from(r.count);
                let (a, b) = (to_fixed(lo), to_fixed(hi));
                if let (Some(l), Some(h)) = (a.checked_mul(n), b.checked_mul(n)) {
                    if !(l..=h).contains(&r.sum.raw) {
                        return Err("histogram sum lies outside count × [min, max]".into());
                    }
                }
                let sq = to_fixed(lo * lo).max(to_fixed(hi * hi));
                if let Some(h) = sq.checked_mul(n) {
                    if !(0..=h).contains(&r.sum_sq.raw) {
                        return Err("histogram sum of squares lies outside count × [0, max²]".into());
                    }
                }
            }
            _ => return Err("histogram min/max do not match its count (both present, min ≤ max, iff count > 0)".into()),
        }
        Ok(Histogram {
            lo: r.lo,
            hi: r.hi,
            counts: r.counts,
            count: r.count,
            nan: r.nan,
            sum: r.sum,
            sum_sq: r.sum_sq,
            min: r.min,
            max: r.max,
            scale,
        })
    }
}

/// A sum of counts, `None` on overflow (a crafted file).
fn checked_sum(mut it: impl Iterator<Item = u64>) -> Option<u64> {
    it.try_fold(0u64, |a, c| a.checked_add(c))
}

impl Histogram {
    /// An empty histogram with `bins` equal bins on [lo, hi).
    ///
    /// Fails if lo/hi are not finite with lo < hi, the span overflows, bins is 0, or the range
    /// is too narrow for the bins: a range derived from a scenario is checked, never trusted.
    pub fn new(lo: f64, hi: f64, bins: usize) -> Result<Self, RangeError> {
        let scale = check_range(lo, hi, bins).map_err(|e| RangeError(format!("histogram: {e}")))?;
        let slots = bins.checked_add(2).ok_or_else(|| RangeError(format!("histogram: {bins} bins are too many")))?;
        Ok(Histogram {
            lo,
            hi,
            counts: vec![0; slots],
            count: 0,
            nan: 0,
            sum: FixedSum::new(),
            sum_sq: FixedSum::new(),
            min: None,
            max: None,
            scale,
        })
    }

    /// Number of values in the bins whose lower edge lies in [a, b) (exact, for re-binning at
    /// a multiple of the bin width; the last interval reaching `hi` also takes the overflow).
    pub fn count_between(&self, a: f64, b: f64) -> u64 {
        let bins = self.counts.len() - 2;
        let w = (self.hi - self.lo) / bins as f64;
        let mut c = 0;
        for i in 0..bins {
            let edge = self.lo + i as f64 * w + 0.5 * w;
            if edge >= a && edge < b {
                c += self.counts[i + 1];
            }
        }
        if b >= self.hi {
            c += self.counts[bins + 1];
        }
        if a <= self.lo {
            c += self.counts[0];
        }
        c
    }

    /// Records one value.
    #[inline]
    pub fn add(&mut self, x: f64) {
        if x.is_nan() {
            self.nan += 1;
            return;
        }
        let s = slot(self.lo, self.hi, self.scale, self.counts.len() - 2, x);
        self.counts[s] += 1;
        self.count += 1;
        self.sum.add(x);
        self.sum_sq.add(x * x);
        self.min = min_total(self.min, x);
        self.max = max_total(self.max, x);
    }

    /// Adds another shard's histogram (exact); fails if the layouts differ.
    pub fn merge(&mut self, other: &Self) -> Result<(), MergeError> {
        if self.lo != other.lo || self.hi != other.hi || self.counts.len() != other.counts.len() {
            return Err(mismatch(
                "histograms",
                format!(
                    "[{}, {}) × {} bins vs [{}, {}) × {} bins",
                    self.lo,
                    self.hi,
                    self.counts.len() - 2,
                    other.lo,
                    other.hi,
                    other.counts.len() - 2
                ),
            ));
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.count += other.count;
        self.nan += other.nan;
        self.sum.merge(&other.sum);
        self.sum_sq.merge(&other.sum_sq);
        if let Some(m) = other.min {
            self.min = min_total(self.min, m);
        }
        if let Some(m) = other.max {
            self.max = max_total(self.max, m);
        }
        Ok(())
    }

    /// Number of non-NaN values recorded (including under/overflow).
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Number of NaN values seen (excluded from everything else).
    pub fn nan_count(&self) -> u64 {
        self.nan
    }

    /// Exact mean from the fixed-point sum (not from the bins); NaN when empty.
    pub fn mean(&self) -> f64 {
        self.sum.value() / self.count as f64
    }

    /// Population variance E\[x²\] − mean² from the fixed-point sums; NaN when empty.
    /// Loses precision when |mean| ≫ sd (cancellation).
    pub fn variance(&self) -> f64 {
        let m = self.mean();
        (self.sum_sq.value() / self.count as f64 - m * m).max(0.0)
    }

    /// Smallest value seen, if any.
    pub fn min(&self) -> Option<f64> {
        self.min
    }

    /// Largest value seen, if any.
    pub fn max(&self) -> Option<f64> {
        self.max
    }

    /// Bin width: the resolution of [`Self::quantile`] inside [lo, hi).
    pub fn bin_width(&self) -> f64 {
        (self.hi - self.lo) / (self.counts.len() - 2) as f64
    }

    /// Number of bins on [lo, hi) (for validating files).
    pub fn bins(&self) -> usize {
        self.counts.len() - 2
    }

    /// The binned range [lo, hi) (for validating files).
    pub fn range(&self) -> (f64, f64) {
        (self.lo, self.hi)
    }

    /// The p-quantile (p ∈ [0, 1]), linear inside its bin, so accurate to one bin width;
    /// NaN when empty.
    pub fn quantile(&self, p: f64) -> f64 {
        let low_end = self.min.map_or(self.lo, |m| m.min(self.lo));
        let high_end = self.max.map_or(self.hi, |m| m.max(self.hi));
        quantile_slots(&self.counts, self.lo, self.hi, low_end, high_end, self.count, p)
    }
}

/// Competing-risks cumulative incidence over a horizon of `weeks` weeks.
///
/// Why: a run ends in one of K kinds of outcome (e.g. ceasefire, capitulation, collapse) in
/// some week, or is still going at the horizon (censored, e.g. stalemate). The fraction of runs
/// that ended in each kind by each week, plus the fraction still ongoing, sums to 1, which
/// is what a stacked outcome-over-time chart shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "IncidenceRepr")]
pub struct Incidence {
    kinds: usize,
    weeks: u32,
    /// `counts[kind * weeks + week]`: runs that ended in `kind` during `week`.
    counts: Vec<u64>,
    censored: u64,
    runs: u64,
}

#[derive(Deserialize)]
struct IncidenceRepr {
    kinds: usize,
    weeks: u32,
    counts: Vec<u64>,
    censored: u64,
    runs: u64,
}

impl TryFrom<IncidenceRepr> for Incidence {
    type Error = String;
    fn try_from(r: IncidenceRepr) -> Result<Self, String> {
        if r.kinds.checked_mul(r.weeks as usize) != Some(r.counts.len()) {
            return Err("incidence: the counts do not match kinds × weeks".into());
        }
        if checked_sum(r.counts.iter().copied()).and_then(|s| s.checked_add(r.censored)) != Some(r.runs) {
            return Err("incidence: events plus censored runs do not sum to its runs".into());
        }
        Ok(Incidence { kinds: r.kinds, weeks: r.weeks, counts: r.counts, censored: r.censored, runs: r.runs })
    }
}

impl Incidence {
    /// An empty tally for `kinds` event kinds over weeks `0..weeks`.
    pub fn new(kinds: usize, weeks: u32) -> Self {
        Incidence { kinds, weeks, counts: vec![0; kinds * weeks as usize], censored: 0, runs: 0 }
    }

    /// Records a run that ended with event `kind` in week `week` (0-based).
    ///
    /// # Panics
    /// If `kind >= kinds` or `week >= weeks` (an event past the horizon is a censored run:
    /// use [`Self::record_censored`]).
    #[inline]
    pub fn record(&mut self, kind: usize, week: u32) {
        assert!(
            kind < self.kinds && week < self.weeks,
            "Incidence::record: kind {kind} / week {week} outside {} kinds × {} weeks",
            self.kinds,
            self.weeks
        );
        self.counts[kind * self.weeks as usize + week as usize] += 1;
        self.runs += 1;
    }

    /// Records a run still ongoing at the horizon (censored).
    #[inline]
    pub fn record_censored(&mut self) {
        self.censored += 1;
        self.runs += 1;
    }

    /// Adds another shard's tally (exact); fails if kinds or weeks differ.
    pub fn merge(&mut self, other: &Self) -> Result<(), MergeError> {
        if self.kinds != other.kinds || self.weeks != other.weeks || self.counts.len() != other.counts.len() {
            return Err(mismatch(
                "incidence tallies",
                format!("{} kinds × {} weeks vs {} kinds × {} weeks", self.kinds, self.weeks, other.kinds, other.weeks),
            ));
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.censored += other.censored;
        self.runs += other.runs;
        Ok(())
    }

    /// Number of event kinds (not counting censoring).
    pub fn kinds(&self) -> usize {
        self.kinds
    }

    /// Horizon in weeks.
    pub fn weeks(&self) -> u32 {
        self.weeks
    }

    /// Runs recorded (events plus censored).
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// Runs that ended in `kind` in weeks `0..=week` (week clamped to the horizon).
    pub fn cumulative_count(&self, kind: usize, week: u32) -> u64 {
        let w = self.weeks as usize;
        let end = (week as usize).min(w.saturating_sub(1));
        self.counts[kind * w..kind * w + end + 1].iter().sum()
    }

    /// Runs with no event by the end of `week` (including those censored at the horizon).
    pub fn ongoing_count(&self, week: u32) -> u64 {
        self.runs - (0..self.kinds).map(|k| self.cumulative_count(k, week)).sum::<u64>()
    }

    /// Cumulative incidence: fraction of runs that ended in `kind` by the end of `week`.
    pub fn cumulative(&self, kind: usize, week: u32) -> f64 {
        self.cumulative_count(kind, week) as f64 / self.runs as f64
    }

    /// Fraction of runs with no event by the end of `week`; with [`Self::cumulative`] over
    /// all kinds it sums to 1 (exactly in counts, to rounding in f64).
    pub fn ongoing(&self, week: u32) -> f64 {
        self.ongoing_count(week) as f64 / self.runs as f64
    }

    /// Fraction of runs censored at the horizon (still going: stalemate).
    pub fn censored(&self) -> f64 {
        self.censored as f64 / self.runs as f64
    }

    /// Monte Carlo standard error √(p(1−p)/n) of [`Self::cumulative`].
    pub fn standard_error(&self, kind: usize, week: u32) -> f64 {
        let p = self.cumulative(kind, week);
        (p * (1.0 - p) / self.runs as f64).sqrt()
    }
}

/// The first `capacity` runs by run index, with their parameters and outcomes, for rank
/// correlations (which parameters drive which outcomes).
///
/// Why by run index and not by arrival: the kept set is then the same for any thread count
/// or sharding, and merging is a plain union.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RankSampleRepr")]
pub struct RankSample {
    capacity: u64,
    params: usize,
    outcomes: usize,
    /// run index → params followed by outcomes.
    rows: BTreeMap<u64, Vec<f64>>,
}

#[derive(Deserialize)]
struct RankSampleRepr {
    capacity: u64,
    params: usize,
    outcomes: usize,
    rows: BTreeMap<u64, Vec<f64>>,
}

impl TryFrom<RankSampleRepr> for RankSample {
    type Error = String;
    fn try_from(r: RankSampleRepr) -> Result<Self, String> {
        let width = r.params.checked_add(r.outcomes).ok_or("rank sample: too many columns")?;
        if let Some((run, row)) = r.rows.iter().find(|(_, row)| row.len() != width) {
            return Err(format!("rank sample: run {run} has {} values; expected {width}", row.len()));
        }
        if let Some(run) = r.rows.keys().next_back().filter(|&&k| k >= r.capacity) {
            return Err(format!("rank sample: run {run} is past its capacity {}", r.capacity));
        }
        Ok(RankSample { capacity: r.capacity, params: r.params, outcomes: r.outcomes, rows: r.rows })
    }
}

impl RankSample {
    /// An empty sample keeping runs `0..capacity` with `params` parameters and `outcomes`
    /// outcomes each.
    pub fn new(capacity: u64, params: usize, outcomes: usize) -> Self {
        RankSample { capacity, params, outcomes, rows: BTreeMap::new() }
    }

    /// Offers a run; keeps it (and returns true) if `run_index < capacity`.
    ///
    /// # Panics
    /// If the slice lengths differ from the declared counts, or the run was already recorded.
    pub fn record(&mut self, run_index: u64, params: &[f64], outcomes: &[f64]) -> bool {
        if run_index >= self.capacity {
            return false;
        }
        assert!(
            params.len() == self.params && outcomes.len() == self.outcomes,
            "RankSample::record: expected {} params and {} outcomes",
            self.params,
            self.outcomes
        );
        let row: Vec<f64> = params.iter().chain(outcomes).copied().collect();
        let old = self.rows.insert(run_index, row);
        assert!(old.is_none(), "RankSample::record: run {run_index} twice");
        true
    }

    /// Union with another shard's sample; fails on a layout mismatch or an overlapping run.
    pub fn merge(&mut self, other: &Self) -> Result<(), MergeError> {
        if self.capacity != other.capacity || self.params != other.params || self.outcomes != other.outcomes {
            return Err(mismatch(
                "rank samples",
                format!(
                    "capacity {} / {} params / {} outcomes vs {} / {} / {}",
                    self.capacity, self.params, self.outcomes, other.capacity, other.params, other.outcomes
                ),
            ));
        }
        if let Some(&dup) = other.rows.keys().find(|k| self.rows.contains_key(k)) {
            return Err(MergeError::DuplicateRun(dup));
        }
        for (&k, v) in &other.rows {
            self.rows.insert(k, v.clone());
        }
        Ok(())
    }

    /// Runs kept so far.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// (capacity, params, outcomes): the layout, for validating files.
    pub fn layout(&self) -> (u64, usize, usize) {
        (self.capacity, self.params, self.outcomes)
    }

    /// The smallest and largest run index kept, if any.
    pub fn run_span(&self) -> Option<(u64, u64)> {
        Some((*self.rows.keys().next()?, *self.rows.keys().next_back()?))
    }

    /// True when no run has been kept.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Spearman rank correlations, `result[param][outcome]`, using average ranks for ties.
    /// NaN where a column is constant, contains NaN, or fewer than 2 runs were kept.
    pub fn spearman(&self) -> Vec<Vec<f64>> {
        let cols = self.params + self.outcomes;
        let ranks: Vec<Option<Vec<f64>>> = (0..cols).map(|c| average_ranks(self.rows.values().map(|r| r[c]))).collect();
        (0..self.params)
            .map(|p| {
                (0..self.outcomes)
                    .map(|o| match (&ranks[p], &ranks[self.params + o]) {
                        (Some(a), Some(b)) => pearson(a, b),
                        _ => f64::NAN,
                    })
                    .collect()
            })
            .collect()
    }
}

/// Average ranks (1-based, ties share the mean of their positions); None if any NaN.
fn average_ranks(values: impl Iterator<Item = f64>) -> Option<Vec<f64>> {
    let v: Vec<f64> = values.collect();
    if v.iter().any(|x| x.is_nan()) {
        return None;
    }
    // Sorted by value, ties by index: a total order on distinct indices, so the unstable
    // sort (no scratch buffer) gives exactly the stable sort's order.
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_unstable_by(|&a, &b| v[a].total_cmp(&v[b]).then(a.cmp(&b)));
    let mut ranks = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        // `==` (not total order) so that -0.0 and 0.0 tie.
        while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = avg;
        }
        i = j + 1;
    }
    Some(ranks)
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    if a.len() < 2 {
        return f64::NAN;
    }
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        let (dx, dy) = (x - ma, y - mb);
        sab += dx * dy;
        saa += dx * dx;
        sbb += dy * dy;
    }
    if saa == 0.0 || sbb == 0.0 {
        return f64::NAN;
    }
    sab / (saa * sbb).sqrt()
}

/// One fixed-bin histogram per week, in one flat `u32` array, for fan charts (p10/p50/p90
/// of an outcome over time).
///
/// Why one array: 157 weeks × 2,000 bins is 1.3 MB in `u32`, cache-friendlier than 157
/// separate vectors, and it merges as one loop. Each bin counts at most one value per run, so
/// `u32` holds over 4 × 10⁹ runs; a merge that would overflow fails instead of wrapping.
/// Values outside [lo, hi) go to per-week under/overflow slots and their quantiles are
/// clamped to lo/hi; NaNs are counted apart. Each week also keeps the smallest and largest
/// value seen (order-independent), so that [`Self::distribution`] can place the under- and
/// overflow mass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "WeekHistogramsRepr")]
pub struct WeekHistograms {
    weeks: u32,
    bins: usize,
    lo: f64,
    hi: f64,
    /// `counts[week * (bins + 2) + slot]`, slot 0 = underflow, bins + 1 = overflow.
    counts: Vec<u32>,
    nan: Vec<u64>,
    sums: Vec<FixedSum>,
    /// Smallest and largest value per week.
    mins: Vec<Option<f64>>,
    maxs: Vec<Option<f64>>,
    #[serde(skip)]
    scale: f64,
}

#[derive(Deserialize)]
struct WeekHistogramsRepr {
    weeks: u32,
    bins: usize,
    lo: f64,
    hi: f64,
    counts: Vec<u32>,
    nan: Vec<u64>,
    sums: Vec<FixedSum>,
    mins: Vec<Option<f64>>,
    maxs: Vec<Option<f64>>,
}

impl TryFrom<WeekHistogramsRepr> for WeekHistograms {
    type Error = String;
    fn try_from(r: WeekHistogramsRepr) -> Result<Self, String> {
        let scale = check_range(r.lo, r.hi, r.bins)?;
        let w = r.weeks as usize;
        let slots = r.bins.checked_add(2).and_then(|b| b.checked_mul(w));
        if slots != Some(r.counts.len())
            || r.nan.len() != w
            || r.sums.len() != w
            || r.mins.len() != w
            || r.maxs.len() != w
        {
            return Err("week histograms: array lengths do not match weeks × bins".into());
        }
        for (w, slots) in r.counts.chunks(r.bins + 2).enumerate() {
            let empty = slots.iter().all(|&c| c == 0);
            let ok = match (r.mins[w], r.maxs[w]) {
                (None, None) => empty,
                (Some(lo), Some(hi)) => !empty && lo <= hi,
                _ => false,
            };
            if !ok {
                return Err(format!(
                    "week histograms: week {w}'s min/max do not match its counts (both present, min ≤ max, iff it holds values)"
                ));
            }
        }
        Ok(WeekHistograms {
            weeks: r.weeks,
            bins: r.bins,
            lo: r.lo,
            hi: r.hi,
            counts: r.counts,
            nan: r.nan,
            sums: r.sums,
            mins: r.mins,
            maxs: r.maxs,
            scale,
        })
    }
}

impl WeekHistograms {
    /// Empty histograms for weeks `0..weeks`, each with `bins` equal bins on [lo, hi).
    ///
    /// Fails as [`Histogram::new`] does, or if weeks × bins overflows.
    pub fn new(weeks: u32, lo: f64, hi: f64, bins: usize) -> Result<Self, RangeError> {
        let scale = check_range(lo, hi, bins).map_err(|e| RangeError(format!("week histograms: {e}")))?;
        let w = weeks as usize;
        let slots = bins
            .checked_add(2)
            .and_then(|b| b.checked_mul(w))
            .ok_or_else(|| RangeError(format!("week histograms: {weeks} weeks × {bins} bins are too many")))?;
        Ok(WeekHistograms {
            weeks,
            bins,
            lo,
            hi,
            counts: vec![0; slots],
            nan: vec![0; w],
            sums: vec![FixedSum::new(); w],
            mins: vec![None; w],
            maxs: vec![None; w],
            scale,
        })
    }

    /// Records value `x` for `week`.
    ///
    /// # Panics
    /// If `week >= weeks`.
    #[inline]
    pub fn add(&mut self, week: u32, x: f64) {
        let w = week as usize;
        if x.is_nan() {
            self.nan[w] += 1;
            return;
        }
        let s = slot(self.lo, self.hi, self.scale, self.bins, x);
        self.counts[w * (self.bins + 2) + s] += 1;
        self.sums[w].add(x);
        self.widen(w, x);
    }

    /// Records value `x` for every week of `weeks`: the same as [`Self::add`] for each, with
    /// the bin and the fixed-point value found once (a run's final value carried to the
    /// horizon).
    ///
    /// # Panics
    /// If `weeks.end > weeks`.
    pub fn add_weeks(&mut self, weeks: std::ops::Range<u32>, x: f64) {
        if x.is_nan() {
            for w in weeks {
                self.nan[w as usize] += 1;
            }
            return;
        }
        let s = slot(self.lo, self.hi, self.scale, self.bins, x);
        let fixed = to_fixed(x);
        let stride = self.bins + 2;
        for w in weeks {
            let w = w as usize;
            self.counts[w * stride + s] += 1;
            self.sums[w].raw = self.sums[w].raw.wrapping_add(fixed);
            self.widen(w, x);
        }
    }

    /// Widens week `w`'s range to hold `x` (not NaN). Most values lie strictly inside the
    /// range, where the partial order agrees with the total one: nothing to update, no total
    /// comparison.
    #[inline]
    fn widen(&mut self, w: usize, x: f64) {
        match self.mins[w] {
            Some(m) if m < x => {}
            cur => self.mins[w] = min_total(cur, x),
        }
        match self.maxs[w] {
            Some(m) if m > x => {}
            cur => self.maxs[w] = max_total(cur, x),
        }
    }

    /// Adds another shard's histograms (exact); fails on a layout mismatch or if a bin would
    /// overflow `u32` (then nothing is changed).
    pub fn merge(&mut self, other: &Self) -> Result<(), MergeError> {
        if self.weeks != other.weeks || self.bins != other.bins || self.lo != other.lo || self.hi != other.hi {
            return Err(mismatch(
                "week histograms",
                format!(
                    "{} weeks × [{}, {}) × {} bins vs {} weeks × [{}, {}) × {} bins",
                    self.weeks, self.lo, self.hi, self.bins, other.weeks, other.lo, other.hi, other.bins
                ),
            ));
        }
        if self.counts.iter().zip(&other.counts).any(|(a, b)| a.checked_add(*b).is_none()) {
            return Err(MergeError::Overflow("week histograms"));
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        for w in 0..self.weeks as usize {
            self.nan[w] += other.nan[w];
            self.sums[w].merge(&other.sums[w]);
            if let Some(m) = other.mins[w] {
                self.mins[w] = min_total(self.mins[w], m);
            }
            if let Some(m) = other.maxs[w] {
                self.maxs[w] = max_total(self.maxs[w], m);
            }
        }
        Ok(())
    }

    /// Number of weeks.
    pub fn weeks(&self) -> u32 {
        self.weeks
    }

    /// Number of bins per week on [lo, hi) (for validating files).
    pub fn bins(&self) -> usize {
        self.bins
    }

    /// The binned range [lo, hi) (for validating files).
    pub fn range(&self) -> (f64, f64) {
        (self.lo, self.hi)
    }

    /// NaN values recorded for `week`.
    pub fn nan_count(&self, week: u32) -> u64 {
        self.nan[week as usize]
    }

    /// The `[underflow, bins…, overflow]` counts of `week` (for exact scores of the stored
    /// distribution: `truce score`).
    pub fn slots(&self, week: u32) -> &[u32] {
        let stride = self.bins + 2;
        let w = week as usize;
        &self.counts[w * stride..(w + 1) * stride]
    }

    /// Non-NaN values recorded for `week` (summed from its bins: O(bins)).
    pub fn count(&self, week: u32) -> u64 {
        self.slots(week).iter().map(|&c| u64::from(c)).sum()
    }

    /// Exact mean for `week` from the fixed-point sum; NaN when empty.
    pub fn mean(&self, week: u32) -> f64 {
        self.sums[week as usize].value() / self.count(week) as f64
    }

    /// Bin width: the resolution of [`Self::quantile`].
    pub fn bin_width(&self) -> f64 {
        (self.hi - self.lo) / self.bins as f64
    }

    /// The p-quantile for `week`, linear inside its bin (one bin width resolution), clamped
    /// to [lo, hi]; NaN when the week is empty.
    pub fn quantile(&self, week: u32, p: f64) -> f64 {
        quantile_slots(self.slots(week), self.lo, self.hi, self.lo, self.hi, self.count(week), p)
    }

    /// The distribution of `week` as a piecewise-uniform histogram, for proper scores
    /// (`truce score`): each bin's count spread evenly over it, the values below `lo` over
    /// [smallest value, lo] and those at or above `hi` over [hi, largest value] (an atom at
    /// `hi` when nothing exceeds it, as for a line at the map's edge); NaNs are left out.
    /// `None` past the last week or when the week holds no value.
    pub fn distribution(&self, week: u32) -> Option<PiecewiseUniform> {
        if week >= self.weeks {
            return None;
        }
        let w = week as usize;
        let (min, max) = (self.mins[w]?, self.maxs[w]?);
        let slots = self.slots(week);
        let counts: Vec<u64> = slots[1..=self.bins].iter().map(|&c| u64::from(c)).collect();
        let (under, over) = (u64::from(slots[0]), u64::from(slots[self.bins + 1]));
        PiecewiseUniform::from_histogram(self.lo, self.hi, &counts, under, over, min, max).ok()
    }
}

/// State at date: how many runs were in each of `states` states at the end of each week.
///
/// Why: a run is in exactly one state each week, so each week's counts sum to the number of
/// runs exactly, and the shares form a stacked state-at-date chart. Counts only, so `merge`
/// is exact; nothing assumes a state is absorbing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "AtDateRepr")]
pub struct AtDate {
    states: usize,
    weeks: u32,
    /// `counts[week * states + state]`.
    counts: Vec<u64>,
    runs: u64,
}

#[derive(Deserialize)]
struct AtDateRepr {
    states: usize,
    weeks: u32,
    counts: Vec<u64>,
    runs: u64,
}

impl TryFrom<AtDateRepr> for AtDate {
    type Error = String;
    fn try_from(r: AtDateRepr) -> Result<Self, String> {
        if r.states == 0 || r.states.checked_mul(r.weeks as usize) != Some(r.counts.len()) {
            return Err("state-at-date tally: the counts do not match states × weeks".into());
        }
        if let Some(w) = r.counts.chunks(r.states).position(|row| checked_sum(row.iter().copied()) != Some(r.runs)) {
            return Err(format!("state-at-date tally: week {w} does not sum to its runs ({})", r.runs));
        }
        Ok(AtDate { states: r.states, weeks: r.weeks, counts: r.counts, runs: r.runs })
    }
}

impl AtDate {
    /// An empty tally of `states` states over weeks `0..weeks`.
    pub fn new(states: usize, weeks: u32) -> Self {
        AtDate { states, weeks, counts: vec![0; states * weeks as usize], runs: 0 }
    }

    /// Records one run's state in every week, `state_of(week)` (a state index `< states`).
    ///
    /// # Panics
    /// If a state index is out of range.
    #[inline]
    pub fn record_run(&mut self, mut state_of: impl FnMut(u32) -> usize) {
        for w in 0..self.weeks {
            let s = state_of(w);
            assert!(s < self.states, "AtDate::record_run: state {s} outside {} states", self.states);
            self.counts[w as usize * self.states + s] += 1;
        }
        self.runs += 1;
    }

    /// Adds another shard's tally (exact); fails if states or weeks differ.
    pub fn merge(&mut self, other: &Self) -> Result<(), MergeError> {
        if self.states != other.states || self.weeks != other.weeks || self.counts.len() != other.counts.len() {
            return Err(mismatch(
                "state-at-date tallies",
                format!(
                    "{} states × {} weeks vs {} states × {} weeks",
                    self.states, self.weeks, other.states, other.weeks
                ),
            ));
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.runs += other.runs;
        Ok(())
    }

    /// Number of weeks.
    pub fn weeks(&self) -> u32 {
        self.weeks
    }

    /// Number of states.
    pub fn states(&self) -> usize {
        self.states
    }

    /// Runs recorded.
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// Runs in `state` at the end of `week`.
    pub fn count(&self, week: u32, state: usize) -> u64 {
        self.counts[week as usize * self.states + state]
    }

    /// Share of runs in `state` at the end of `week` (NaN when no run was recorded).
    pub fn share(&self, week: u32, state: usize) -> f64 {
        self.count(week, state) as f64 / self.runs as f64
    }
}

/// Events by date: how many runs had their first occurrence of each of `events` events in
/// each week, so that the share that had an event by a week is a cumulative count.
///
/// Why first occurrences: events are not exclusive (a ceasefire can come before a
/// settlement), and each is counted once per run, so shares are probabilities and merging is
/// exact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ByDateRepr")]
pub struct ByDate {
    events: usize,
    weeks: u32,
    /// `counts[event * weeks + week]`: runs whose first `event` fell in `week`.
    counts: Vec<u64>,
    runs: u64,
}

#[derive(Deserialize)]
struct ByDateRepr {
    events: usize,
    weeks: u32,
    counts: Vec<u64>,
    runs: u64,
}

impl TryFrom<ByDateRepr> for ByDate {
    type Error = String;
    fn try_from(r: ByDateRepr) -> Result<Self, String> {
        if r.events.checked_mul(r.weeks as usize) != Some(r.counts.len()) {
            return Err("events-by-date tally: the counts do not match events × weeks".into());
        }
        let w = (r.weeks as usize).max(1);
        if let Some(e) = r.counts.chunks(w).position(|row| checked_sum(row.iter().copied()).is_none_or(|s| s > r.runs))
        {
            return Err(format!("events-by-date tally: event {e} happens more often than its runs ({})", r.runs));
        }
        Ok(ByDate { events: r.events, weeks: r.weeks, counts: r.counts, runs: r.runs })
    }
}

impl ByDate {
    /// An empty tally of `events` events over weeks `0..weeks`.
    pub fn new(events: usize, weeks: u32) -> Self {
        ByDate { events, weeks, counts: vec![0; events * weeks as usize], runs: 0 }
    }

    /// Records one run: the first week of each event (`None`, or a week at or past the last,
    /// when it did not happen within the weeks).
    ///
    /// # Panics
    /// If `first.len() != events`.
    pub fn record_run(&mut self, first: &[Option<u32>]) {
        assert_eq!(first.len(), self.events, "ByDate::record_run: expected {} events", self.events);
        for (e, w) in first.iter().enumerate() {
            if let Some(w) = w.filter(|&w| w < self.weeks) {
                self.counts[e * self.weeks as usize + w as usize] += 1;
            }
        }
        self.runs += 1;
    }

    /// Adds another shard's tally (exact); fails if events or weeks differ.
    pub fn merge(&mut self, other: &Self) -> Result<(), MergeError> {
        if self.events != other.events || self.weeks != other.weeks || self.counts.len() != other.counts.len() {
            return Err(mismatch(
                "events-by-date tallies",
                format!(
                    "{} events × {} weeks vs {} events × {} weeks",
                    self.events, self.weeks, other.events, other.weeks
                ),
            ));
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.runs += other.runs;
        Ok(())
    }

    /// Number of weeks.
    pub fn weeks(&self) -> u32 {
        self.weeks
    }

    /// Number of events.
    pub fn events(&self) -> usize {
        self.events
    }

    /// Runs recorded.
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// Runs whose first `event` fell in `week`.
    pub fn count_in(&self, event: usize, week: u32) -> u64 {
        self.counts[event * self.weeks as usize + week as usize]
    }

    /// Runs that had `event` by the end of `week` (weeks `0..=week`).
    pub fn cumulative_count(&self, event: usize, week: u32) -> u64 {
        let w = self.weeks as usize;
        let end = (week as usize).min(w.saturating_sub(1));
        if w == 0 {
            return 0;
        }
        self.counts[event * w..event * w + end + 1].iter().sum()
    }

    /// Share of runs that had `event` by the end of `week` (NaN when no run was recorded).
    pub fn cumulative(&self, event: usize, week: u32) -> f64 {
        self.cumulative_count(event, week) as f64 / self.runs as f64
    }
}
