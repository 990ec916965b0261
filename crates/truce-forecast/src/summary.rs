//! The forecast a person reads, computed from a [`ForecastAggregate`]: events by date and
//! states at date (with Monte Carlo standard errors), the ceasefire that held to the horizon,
//! settlement terms, the line (quantiles, change since the start, monthly net change),
//! cumulative casualties, the open bargaining range and the parameters that moved the outcome.
//! The JSON schema is documented in `docs/forecast-schema.md`.
//!
//! Every figure dated before the horizon (weekly rows, the rows at 3, 6, 12, 24 and 36
//! months, complete calendar months) is the same under any longer horizon (same seed, same
//! runs): only the `horizon` row, `ceasefire_held_to_horizon`, the settlement terms, the line
//! at the first ceasefire and the per-run totals (talk rounds, breakdowns, sensitivity)
//! depend on where the runs stop.
//! This module only reads the aggregate: no I/O, no simulation.

use crate::ensemble::{week_end, ForecastAggregate, RANK_OUTCOMES};
use serde::Serialize;
use std::collections::BTreeMap;
use truce_engine::calendar::CivilDate;
use truce_engine::outcome::{CollapseCause, WarEvent, WarState};

/// Months at which the summary reports events and states (then the horizon).
pub const MONTHS: [u32; 5] = [3, 6, 12, 24, 36];

/// The quantiles reported of the line, per week (p5 … p95).
pub const LINE_QUANTILES: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

/// Probability with its Monte Carlo standard error √(p(1−p)/n).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prob {
    pub p: f64,
    pub se: f64,
}

/// Events by date and states at date at one reported date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtRow {
    /// `3 months`, …, `horizon`.
    pub label: String,
    /// Weeks elapsed: the figures are those at the end of week index `week − 1`.
    pub week: u32,
    /// The last day of that week.
    pub date: CivilDate,
    /// Event → probability that it happened by then.
    pub events: BTreeMap<String, Prob>,
    /// State → probability of being in it then (they sum to 1).
    pub states: BTreeMap<String, Prob>,
}

/// One week's probabilities: events by date, or states at date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekRow {
    /// Week index (0-based).
    pub week: u32,
    /// The week's last day.
    pub date: CivilDate,
    /// Event or state name → probability.
    #[serde(flatten)]
    pub p: BTreeMap<String, f64>,
}

/// Distribution of settlement terms on one issue.
/// The "why" table at one reported horizon: of the talk slots in the weeks since the previous
/// horizon (from week 0 for the first) that agreed nothing — in runs still at war in those
/// weeks — the share blocked by each cause (`truce_engine::talk::Blocker`; shares sum to 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhyRow {
    pub label: String,
    /// First week after the period (the period is weeks `from` … `week` − 1).
    pub week: u32,
    pub from: u32,
    /// Talk slots blocked in the period, over all runs.
    pub slots: u64,
    /// Share of those slots per cause (JSON name of the cause).
    pub shares: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermSummary {
    pub n: u64,
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    /// Counts in 20 bins of 5 points on 0–100.
    pub histogram: Vec<u64>,
}

/// Where the war froze: the line (km² held by the first side) at the first ceasefire, over
/// the runs that agreed one by the horizon (after any territory handed over with it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CeasefireLine {
    /// Runs with a first ceasefire by the horizon.
    pub n: u64,
    /// Null when `n` is 0.
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

/// The line's distribution in one week (km² held, or change since the start).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KmRow {
    /// Week index (0-based).
    pub week: u32,
    /// The week's last day.
    pub date: CivilDate,
    pub mean: f64,
    pub p5: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
    pub p95: f64,
}

/// Distribution of a quantity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantiles {
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

/// Distribution of a quantity in one week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekQuantiles {
    /// Week index (0-based).
    pub week: u32,
    /// The week's last day.
    pub date: CivilDate,
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

/// The line's net change over one calendar month (km², positive: the first side gained).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthRow {
    /// `YYYY-MM`.
    pub month: String,
    /// The month's weeks (indices, inclusive); the first month counts from the start.
    pub from_week: u32,
    pub to_week: u32,
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

/// Share of runs at war whose bargaining range was open, by week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RangeRow {
    pub week: u32,
    pub at_war: u64,
    pub share_open: f64,
}

/// A sampled parameter and its rank correlation with each outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    pub parameter: String,
    /// Outcome → Spearman correlation.
    pub spearman: BTreeMap<String, f64>,
    /// The largest |correlation| over outcomes (the ranking key).
    pub strength: f64,
}

/// The whole forecast summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub scenario: String,
    pub runs: u64,
    pub seed: u64,
    pub horizon_weeks: u32,
    pub start: CivilDate,
    pub sides: Vec<String>,
    /// Events by date and states at 3, 6, 12, 24, 36 months (those before the horizon) and at
    /// the horizon.
    pub at: Vec<AtRow>,
    /// Every week: the probability that each event happened by its end.
    pub events_by_week: Vec<WeekRow>,
    /// Every week: the share of runs in each state at its end (each row sums to 1).
    pub states_by_week: Vec<WeekRow>,
    /// Runs with a ceasefire in force at the end of the horizon (a ceasefire that held to
    /// the horizon): the one ceasefire figure that depends on the horizon.
    pub ceasefire_held_to_horizon: Prob,
    /// Per side (by id), the share of runs in which the side collapsed by the horizon, by
    /// what broke it (`truce_engine::outcome::CollapseCause`: `front`, the front past the
    /// side's threshold; `forces` and `economy`, a floor; `broke`, the collapse hazard before
    /// the floors). A side's causes sum to its `collapsed_*` state at the horizon.
    pub collapse_causes: BTreeMap<String, BTreeMap<String, Prob>>,
    /// Why talks failed, per reported date (the rows of `at`).
    pub why: Vec<WhyRow>,
    /// Settlement terms of the runs settled by the horizon.
    pub terms: BTreeMap<String, TermSummary>,
    /// The line at the first ceasefire, runs with one by the horizon.
    pub ceasefire_line: CeasefireLine,
    /// Km² held by the first side each week.
    pub km2_quantiles: Vec<KmRow>,
    /// The same as change since the start (km²).
    pub km2_change_quantiles: Vec<KmRow>,
    /// Net change of the line over each calendar month complete within the horizon.
    pub monthly_change: Vec<MonthRow>,
    /// Cumulative casualties per side at the horizon.
    pub casualties: BTreeMap<String, Quantiles>,
    /// Cumulative casualties per side since the start, each week.
    pub casualties_by_week: BTreeMap<String, Vec<WeekQuantiles>>,
    pub range_open: Vec<RangeRow>,
    /// Median week of settlement among runs that settle by the horizon.
    pub median_weeks_to_settlement: Option<f64>,
    pub mean_talk_rounds: f64,
    pub ceasefire_breakdowns: u64,
    pub sensitivity: Vec<Sensitivity>,
    pub interrupted: bool,
    /// A forecast conditioned on observations: what the particle filter did (as-of date,
    /// ESS, log-likelihood; `crate::assimilate::Filtering`); absent otherwise, so an
    /// unconditioned forecast's JSON is unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<crate::assimilate::Filtering>,
    /// What selection by survival did when the scenario's war began before its start (the
    /// war's age, the pilot runs that lasted it, the effective sample of parameter draws:
    /// `crate::selection`, docs/backcast.md); absent otherwise, so a forecast of a war that
    /// begins at its start has the JSON it had.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection: Option<crate::selection::SelectionReport>,
    /// Resolution of the reported quantiles (histogram bin widths): `km2`, `km2_change`
    /// (also the monthly change), `terms`, `casualties_<side>`.
    pub resolution: BTreeMap<String, f64>,
}

impl Summary {
    /// For each side that collapsed in some run by the horizon, the sentence the text and
    /// HTML reports print under the state table: "How <name> collapsed (<share> of runs by
    /// the horizon): <cause> <share>, …", the side's share as the state table shows it (its
    /// causes sum to it) and the causes in [`CollapseCause::ALL`] order. `side_names` are the
    /// sides' names for people, first side first.
    pub fn collapse_sentences<S: AsRef<str>>(&self, side_names: &[S]) -> Vec<String> {
        let horizon = self.at.last();
        let mut out = Vec::new();
        for (i, (id, name)) in self.sides.iter().zip(side_names).enumerate() {
            let Some(causes) = self.collapse_causes.get(id) else { continue };
            let total = horizon.and_then(|r| r.states.get(WarState::collapsed(i).name())).map_or(0.0, |x| x.p);
            if total > 0.0 {
                let parts: Vec<String> = CollapseCause::ALL
                    .iter()
                    .filter_map(|c| causes.get(c.name()).map(|x| format!("{} {:.1}%", c.label(), 100.0 * x.p)))
                    .collect();
                out.push(format!(
                    "How {} collapsed ({:.1}% of runs by the horizon): {}",
                    name.as_ref(),
                    100.0 * total,
                    parts.join(", ")
                ));
            }
        }
        out
    }
}

fn round6(x: f64) -> f64 {
    if x.is_finite() {
        (x * 1e6).round() / 1e6
    } else {
        x
    }
}

fn prob(p: f64, n: f64) -> Prob {
    Prob { p: round6(p), se: round6((p * (1.0 - p) / n).sqrt()) }
}

/// The reported dates: `(label, weeks elapsed)` at 3, 6, 12, 24, 36 months (those before
/// the horizon) and the horizon.
pub fn reported_weeks(horizon: u32) -> Vec<(String, u32)> {
    let mut v: Vec<(String, u32)> = MONTHS
        .iter()
        .map(|&m| (format!("{m} months"), ((m as f64) * 52.0 / 12.0).round() as u32))
        .filter(|&(_, w)| w >= 1 && w < horizon)
        .collect();
    v.push(("horizon".into(), horizon));
    v
}

/// Builds the summary. `start` is the scenario's start date.
pub fn summarise(a: &ForecastAggregate, start: CivilDate, interrupted: bool) -> Summary {
    let h = a.horizon;
    let last = h.saturating_sub(1);
    let n = a.runs.max(1) as f64;
    let events_at = |w: u32| -> BTreeMap<String, Prob> {
        WarEvent::ALL.iter().map(|e| (e.name().to_string(), prob(a.events.cumulative(e.index(), w), n))).collect()
    };
    let states_at = |w: u32| -> BTreeMap<String, Prob> {
        WarState::ALL.iter().map(|s| (s.name().to_string(), prob(a.states.share(w, s.index()), n))).collect()
    };
    let at = reported_weeks(h)
        .into_iter()
        .map(|(label, week)| AtRow {
            label,
            week,
            date: week_end(start, week - 1),
            events: events_at(week - 1),
            states: states_at(week - 1),
        })
        .collect::<Vec<_>>();
    let why = why_rows(a, &at);
    let events_by_week = (0..h)
        .map(|w| WeekRow {
            week: w,
            date: week_end(start, w),
            p: WarEvent::ALL
                .iter()
                .map(|e| (e.name().to_string(), round6(a.events.cumulative(e.index(), w))))
                .collect(),
        })
        .collect();
    let states_by_week = (0..h)
        .map(|w| WeekRow {
            week: w,
            date: week_end(start, w),
            p: WarState::ALL.iter().map(|s| (s.name().to_string(), round6(a.states.share(w, s.index())))).collect(),
        })
        .collect();
    let ceasefire_held_to_horizon = prob(a.states.share(last, WarState::Ceasefire.index()), n);
    let collapse_causes = a
        .sides
        .iter()
        .enumerate()
        .map(|(i, side)| {
            let by_cause = CollapseCause::ALL
                .iter()
                .map(|c| {
                    let count = a.collapse_causes.get(i * CollapseCause::COUNT + c.index()).copied().unwrap_or(0);
                    (c.name().to_string(), prob(count as f64 / n, n))
                })
                .collect();
            (side.clone(), by_cause)
        })
        .collect();
    let mut terms = BTreeMap::new();
    for (issue, hist) in a.issues.iter().zip(&a.terms) {
        let c = hist.count();
        let mut bins = vec![0u64; 20];
        if c > 0 {
            for (i, b) in bins.iter_mut().enumerate() {
                // Counts of 5-point bins from the quantile function would be approximate; the
                // histogram is re-binned exactly from its 0.1-point bins.
                *b = hist.count_between(i as f64 * 5.0, (i + 1) as f64 * 5.0);
            }
        }
        terms.insert(
            issue.clone(),
            TermSummary {
                n: c,
                mean: round6(if c > 0 { hist.mean() } else { f64::NAN }),
                p10: round6(if c > 0 { hist.quantile(0.1) } else { f64::NAN }),
                p50: round6(if c > 0 { hist.quantile(0.5) } else { f64::NAN }),
                p90: round6(if c > 0 { hist.quantile(0.9) } else { f64::NAN }),
                histogram: bins,
            },
        );
    }
    let cl = &a.ceasefire_line;
    let at_q = |q: f64| round6(if cl.count() > 0 { cl.quantile(q) } else { f64::NAN });
    let ceasefire_line = CeasefireLine {
        n: cl.count(),
        mean: round6(if cl.count() > 0 { cl.mean() } else { f64::NAN }),
        p10: at_q(0.1),
        p50: at_q(0.5),
        p90: at_q(0.9),
    };
    let line_rows = |hist: &crate::aggregate::WeekHistograms| -> Vec<KmRow> {
        (0..h)
            .map(|w| {
                let q = LINE_QUANTILES.map(|p| round6(hist.quantile(w, p)));
                KmRow {
                    week: w,
                    date: week_end(start, w),
                    mean: round6(hist.mean(w)),
                    p5: q[0],
                    p10: q[1],
                    p25: q[2],
                    p50: q[3],
                    p75: q[4],
                    p90: q[5],
                    p95: q[6],
                }
            })
            .collect()
    };
    let km2_quantiles = line_rows(&a.km2);
    let km2_change_quantiles = line_rows(&a.km2_change);
    let monthly_change = a
        .month_ends
        .iter()
        .enumerate()
        .map(|(m, &to)| {
            let hist = &a.monthly_change;
            let d = week_end(start, to);
            MonthRow {
                month: format!("{:04}-{:02}", d.year, d.month),
                from_week: if m == 0 { 0 } else { a.month_ends[m - 1] + 1 },
                to_week: to,
                mean: round6(hist.mean(m as u32)),
                p10: round6(hist.quantile(m as u32, 0.1)),
                p50: round6(hist.quantile(m as u32, 0.5)),
                p90: round6(hist.quantile(m as u32, 0.9)),
            }
        })
        .collect();
    let mut casualties = BTreeMap::new();
    let mut casualties_by_week = BTreeMap::new();
    for (side, hist) in a.sides.iter().zip(&a.cum_casualties) {
        let q = |w: u32| (round6(hist.mean(w)), [0.1, 0.5, 0.9].map(|p| round6(hist.quantile(w, p))));
        let (mean, [p10, p50, p90]) = q(last);
        casualties.insert(side.clone(), Quantiles { mean, p10, p50, p90 });
        let rows = (0..h)
            .map(|w| {
                let (mean, [p10, p50, p90]) = q(w);
                WeekQuantiles { week: w, date: week_end(start, w), mean, p10, p50, p90 }
            })
            .collect();
        casualties_by_week.insert(side.clone(), rows);
    }
    let range_open = (0..h as usize)
        .map(|w| RangeRow {
            week: w as u32,
            at_war: a.at_war[w],
            share_open: round6(if a.at_war[w] > 0 { a.range_open[w] as f64 / a.at_war[w] as f64 } else { 0.0 }),
        })
        .collect();
    // Median settlement week among runs settling by the horizon.
    let s = WarEvent::SettlementSigned.index();
    let settled = a.events.cumulative_count(s, last);
    let median_weeks_to_settlement = (settled > 0).then(|| {
        let half = settled.div_ceil(2);
        (0..h).find(|&w| a.events.cumulative_count(s, w) >= half).unwrap_or(last) as f64
    });
    let rho = a.ranks.spearman();
    let mut sensitivity: Vec<Sensitivity> = a
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let spearman: BTreeMap<String, f64> =
                RANK_OUTCOMES.iter().enumerate().map(|(j, o)| (o.to_string(), round6(rho[i][j]))).collect();
            let strength = spearman.values().filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()));
            Sensitivity { parameter: p.clone(), spearman, strength }
        })
        .collect();
    sensitivity.sort_by(|x, y| y.strength.total_cmp(&x.strength).then(x.parameter.cmp(&y.parameter)));
    let mut resolution = BTreeMap::new();
    resolution.insert("km2".to_string(), a.km2.bin_width());
    resolution.insert("km2_change".to_string(), a.km2_change.bin_width());
    resolution.insert("terms".to_string(), 100.0 / crate::ensemble::TERM_BINS as f64);
    for (side, hist) in a.sides.iter().zip(&a.cum_casualties) {
        resolution.insert(format!("casualties_{side}"), hist.bin_width());
    }
    Summary {
        scenario: a.scenario.clone(),
        runs: a.runs,
        seed: a.seed,
        horizon_weeks: h,
        start,
        sides: a.sides.clone(),
        at,
        events_by_week,
        states_by_week,
        ceasefire_held_to_horizon,
        collapse_causes,
        why,
        terms,
        ceasefire_line,
        km2_quantiles,
        km2_change_quantiles,
        monthly_change,
        casualties,
        casualties_by_week,
        range_open,
        median_weeks_to_settlement,
        mean_talk_rounds: round6(a.rounds.value() / n),
        ceasefire_breakdowns: a.breakdowns,
        sensitivity,
        interrupted,
        filter: None,
        selection: None,
        resolution,
    }
}

/// The "why" rows for the reported horizons `at` (exact counts; shares rounded).
fn why_rows(a: &ForecastAggregate, at: &[AtRow]) -> Vec<WhyRow> {
    use truce_engine::talk::Blocker;
    let n = Blocker::COUNT;
    let mut from = 0u32;
    let mut out = Vec::with_capacity(at.len());
    for r in at {
        let to = r.week.min(a.horizon).max(from);
        let mut counts = [0u64; Blocker::COUNT];
        for w in from as usize..to as usize {
            for (c, x) in counts.iter_mut().zip(&a.blocked[w * n..(w + 1) * n]) {
                *c += x;
            }
        }
        let slots: u64 = counts.iter().sum();
        let shares = Blocker::ALL
            .iter()
            .map(|b| {
                let v = if slots > 0 { counts[b.index()] as f64 / slots as f64 } else { 0.0 };
                (b.name().to_string(), round6(v))
            })
            .collect();
        out.push(WhyRow { label: r.label.clone(), week: to, from, slots, shares });
        from = to;
    }
    out
}
