//! The forecast a person reads: probabilities, terms, the line, casualties, the open
//! bargaining range and the parameters that moved the outcome, computed from a
//! [`ForecastAggregate`]. The JSON schema is documented in `docs/forecast-schema.md`.

use crate::ensemble::{ForecastAggregate, RANK_OUTCOMES};
use serde::Serialize;
use std::collections::BTreeMap;
use truce_engine::calendar::CivilDate;
use truce_engine::sim::WarState;

/// Months at which the summary table reports outcome probabilities.
pub const MONTHS: [u32; 5] = [3, 6, 12, 24, 36];

/// Probability with its Monte Carlo standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prob {
    pub p: f64,
    pub se: f64,
}

/// Cumulative incidence of every outcome by one week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CumulativeRow {
    pub week: u32,
    /// Outcome kind → cumulative probability; `ongoing` = still at war (or in a ceasefire that
    /// has not yet been counted) by that week.
    #[serde(flatten)]
    pub p: BTreeMap<String, f64>,
}

/// Probabilities at a named horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HorizonRow {
    pub label: String,
    pub week: u32,
    pub outcomes: BTreeMap<String, Prob>,
}

/// Distribution of settlement terms on one issue.
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

/// Fan-chart row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KmRow {
    pub week: u32,
    pub date: CivilDate,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

/// Distribution of a quantity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantiles {
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
    /// Outcome probabilities at the horizon.
    pub outcomes: BTreeMap<String, Prob>,
    pub at: Vec<HorizonRow>,
    pub cumulative: Vec<CumulativeRow>,
    pub terms: BTreeMap<String, TermSummary>,
    pub km2_quantiles: Vec<KmRow>,
    pub casualties: BTreeMap<String, Quantiles>,
    pub range_open: Vec<RangeRow>,
    /// Median week of settlement among runs that settle by the horizon.
    pub median_weeks_to_settlement: Option<f64>,
    pub mean_talk_rounds: f64,
    pub ceasefire_breakdowns: u64,
    pub sensitivity: Vec<Sensitivity>,
    pub interrupted: bool,
    /// Resolution of the reported quantiles (histogram bin widths).
    pub resolution: BTreeMap<String, f64>,
}

/// The name of the still-at-war column of [`CumulativeRow`]s: by a given week a run that
/// is still fighting at the horizon is simply ongoing.
pub const ONGOING: &str = "ongoing";

/// The key of `kind` in a [`CumulativeRow`]: its JSON name, or [`ONGOING`] for fighting.
pub fn cumulative_key(kind: WarState) -> &'static str {
    if kind == WarState::Fighting {
        ONGOING
    } else {
        kind.name()
    }
}

fn round6(x: f64) -> f64 {
    if x.is_finite() {
        (x * 1e6).round() / 1e6
    } else {
        x
    }
}

/// Builds the summary. `start` is the scenario's start date.
pub fn summarise(a: &ForecastAggregate, start: CivilDate, interrupted: bool) -> Summary {
    let h = a.horizon;
    let last = h.saturating_sub(1);
    let n = a.runs.max(1) as f64;
    let prob_at = |week: u32| -> BTreeMap<String, Prob> {
        let mut m = BTreeMap::new();
        for k in WarState::ALL {
            let p = if k == WarState::Fighting {
                a.incidence.ongoing(week)
            } else {
                a.incidence.cumulative(k.index(), week)
            };
            m.insert(k.name().to_string(), Prob { p: round6(p), se: round6((p * (1.0 - p) / n).sqrt()) });
        }
        m
    };
    let mut at = Vec::new();
    for months in MONTHS {
        let week = ((months as f64) * 52.0 / 12.0).round() as u32;
        if week <= h {
            at.push(HorizonRow {
                label: format!("{months} months"),
                week,
                outcomes: prob_at(week.saturating_sub(1).min(last)),
            });
        }
    }
    at.push(HorizonRow { label: "horizon".into(), week: h, outcomes: prob_at(last) });
    let cumulative = (0..h)
        .map(|w| {
            let mut p = BTreeMap::new();
            for k in WarState::ALL {
                let v =
                    if k == WarState::Fighting { a.incidence.ongoing(w) } else { a.incidence.cumulative(k.index(), w) };
                p.insert(cumulative_key(k).to_string(), round6(v));
            }
            CumulativeRow { week: w, p }
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
    let km2_quantiles = (0..h)
        .map(|w| KmRow {
            week: w,
            date: start.plus_weeks(w),
            p10: round6(a.km2.quantile(w, 0.1)),
            p50: round6(a.km2.quantile(w, 0.5)),
            p90: round6(a.km2.quantile(w, 0.9)),
        })
        .collect();
    let mut casualties = BTreeMap::new();
    for (side, hist) in a.sides.iter().zip(&a.casualties) {
        casualties.insert(
            side.clone(),
            Quantiles {
                mean: round6(hist.mean()),
                p10: round6(hist.quantile(0.1)),
                p50: round6(hist.quantile(0.5)),
                p90: round6(hist.quantile(0.9)),
            },
        );
    }
    let range_open = (0..h as usize)
        .map(|w| RangeRow {
            week: w as u32,
            at_war: a.at_war[w],
            share_open: round6(if a.at_war[w] > 0 { a.range_open[w] as f64 / a.at_war[w] as f64 } else { 0.0 }),
        })
        .collect();
    // Median settlement week among runs settling by the horizon.
    let s = WarState::Settled.index();
    let settled = a.incidence.cumulative_count(s, last);
    let median_weeks_to_settlement = (settled > 0).then(|| {
        let half = settled.div_ceil(2);
        (0..h).find(|&w| a.incidence.cumulative_count(s, w) >= half).unwrap_or(last) as f64
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
    resolution.insert("terms".to_string(), 100.0 / crate::ensemble::TERM_BINS as f64);
    Summary {
        scenario: a.scenario.clone(),
        runs: a.runs,
        seed: a.seed,
        horizon_weeks: h,
        start,
        sides: a.sides.clone(),
        outcomes: prob_at(last),
        at,
        cumulative,
        terms,
        km2_quantiles,
        casualties,
        range_open,
        median_weeks_to_settlement,
        mean_talk_rounds: round6(a.rounds.value() / n),
        ceasefire_breakdowns: a.breakdowns,
        sensitivity,
        interrupted,
        resolution,
    }
}
