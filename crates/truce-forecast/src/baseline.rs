//! Naive baselines built from the observations alone, to score truce against.
//!
//! A forecast is worth something only if it beats what a person gets without a model. Two
//! baselines, from the probabilistic versions of `forecast-evaluation.md` §2.2, each using
//! only observations dated before the forecast's start (its information set):
//!
//! - **no change** (persistence): a point mass at the last value observed before the start
//!   (its CRPS is the absolute error); for a `state`, the last state observed persists with
//!   probability (k + ½)/(m + 1), where k of the m consecutive pairs of earlier state
//!   observations stayed the same, and the rest is spread evenly over the other states;
//! - **drift over the last 12 months with its empirical spread** (drift, bootstrap): the
//!   changes between consecutive observations of the 12 months (365 days) before the last
//!   one, as rates per day; a path to a target H days ahead draws k rates with replacement
//!   (k = H divided by the mean spacing of the observations, rounded, at least 1), each
//!   carried over H/k days, and adds them to the last value. [`DRIFT_DRAWS`] paths from a
//!   stream keyed by the case, scored with the fair CRPS (they are a sample of the
//!   baseline's distribution). For a `state`, the frequencies of each state among the
//!   observations of those 12 months, floored as the forecast's are ((k + ½)/(m + K/2)).
//!
//! Pure: no I/O, no clock; every draw comes from a ChaCha8 stream keyed by (seed, case).

use crate::observation::{CivilDate, WarState};
use crate::score::{Categorical, Ensemble, EnsembleCrps, Predictive};
use rand::Rng;

/// Days in the drift baseline's window.
pub const WINDOW_DAYS: i64 = 365;
/// Bootstrap paths of the drift baseline per case.
pub const DRIFT_DRAWS: usize = 10_000;
/// Key mixed into the seed of the drift baseline's draws.
pub const DRIFT_KEY: u64 = 0x0d71_f7ba_5e11_0002;

/// Why a baseline cannot forecast a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// No observation of the quantity before the start.
    NoHistory,
    /// Fewer than two changes in the 12 months before the last observation.
    TooFewChanges,
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unavailable::NoHistory => f.write_str("no observation of this quantity before the forecast's start"),
            Unavailable::TooFewChanges => {
                f.write_str("fewer than two changes between observations in the 12 months before the start")
            }
        }
    }
}

/// The no-change forecast of a number: a point mass at the last value of `history`
/// (dates ascending, all before the start).
pub fn no_change(history: &[(CivilDate, f64)]) -> Result<Predictive, Unavailable> {
    history.last().map(|&(_, y)| Predictive::Point(y)).ok_or(Unavailable::NoHistory)
}

/// The steps of the drift window: (days, change) between consecutive observations dated
/// within [`WINDOW_DAYS`] of the last one.
fn steps(history: &[(CivilDate, f64)]) -> Vec<(i64, f64)> {
    let Some(&(t0, _)) = history.last() else { return Vec::new() };
    let from = t0.to_days() - WINDOW_DAYS;
    let window: Vec<&(CivilDate, f64)> = history.iter().filter(|(d, _)| d.to_days() >= from).collect();
    window
        .windows(2)
        .map(|w| (w[1].0.to_days() - w[0].0.to_days(), w[1].1 - w[0].1))
        .filter(|&(days, _)| days > 0)
        .collect()
}

/// The drift forecast of a number at `target`: bootstrap paths of the last 12 months'
/// changes from the last value of `history` (dates ascending, all before the start), drawn
/// from the stream keyed by (`seed`, `case`).
pub fn drift(history: &[(CivilDate, f64)], target: CivilDate, seed: u64, case: u64) -> Result<Predictive, Unavailable> {
    let &(t0, y0) = history.last().ok_or(Unavailable::NoHistory)?;
    let steps = steps(history);
    if steps.len() < 2 {
        return Err(Unavailable::TooFewChanges);
    }
    let rates: Vec<f64> = steps.iter().map(|&(d, c)| c / d as f64).collect();
    let spacing = steps.iter().map(|&(d, _)| d as f64).sum::<f64>() / steps.len() as f64;
    let h = (target.to_days() - t0.to_days()).max(0) as f64;
    let k = ((h / spacing).round() as usize).max(1);
    let piece = h / k as f64;
    let mut rng = truce_engine::run_rng(seed ^ DRIFT_KEY, case);
    let draws: Vec<f64> = (0..DRIFT_DRAWS)
        .map(|_| {
            let mut y = y0;
            for _ in 0..k {
                y += piece * rates[rng.random_range(0..rates.len())];
            }
            y
        })
        .collect();
    Ok(Predictive::Ensemble(Ensemble::new(draws, EnsembleCrps::Fair).expect("finite draws from finite data")))
}

/// The persistence forecast of the state: the last state of `history` (dates ascending,
/// all before the start) persists with probability (k + ½)/(m + 1) over the m consecutive
/// pairs of which k stayed the same; the rest is spread evenly over the other states.
pub fn state_persistence(history: &[(CivilDate, WarState)]) -> Result<Categorical, Unavailable> {
    let &(_, last) = history.last().ok_or(Unavailable::NoHistory)?;
    let m = history.len() - 1;
    let k = history.windows(2).filter(|w| w[0].1 == w[1].1).count();
    let stay = (k as f64 + 0.5) / (m as f64 + 1.0);
    let others = (1.0 - stay) / (WarState::ALL.len() - 1) as f64;
    let probs = WarState::ALL.iter().map(|&s| if s == last { stay } else { others }).collect();
    Ok(Categorical::from_probs(probs).expect("valid probabilities"))
}

/// The 12-month frequency forecast of the state: each state's share of the observations of
/// the 12 months before the last one, floored as (k + ½)/(m + K/2).
pub fn state_frequencies(history: &[(CivilDate, WarState)]) -> Result<Categorical, Unavailable> {
    let &(t0, _) = history.last().ok_or(Unavailable::NoHistory)?;
    let from = t0.to_days() - WINDOW_DAYS;
    let mut counts = [0u64; WarState::ALL.len()];
    for (d, s) in history {
        if d.to_days() >= from {
            counts[s.index()] += 1;
        }
    }
    Ok(Categorical::from_counts(&counts).expect("six categories"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> CivilDate {
        CivilDate { year: y, month: m, day }
    }

    #[test]
    fn no_change_is_the_last_value() {
        assert_eq!(no_change(&[(d(2025, 1, 1), 3.0), (d(2025, 2, 1), 5.0)]), Ok(Predictive::Point(5.0)));
        assert_eq!(no_change(&[]), Err(Unavailable::NoHistory));
    }

    #[test]
    fn drift_adds_sampled_changes() {
        // Two steps of +10 and +30 over 10 days each; 20 days ahead: two pieces.
        let h = [(d(2025, 1, 1), 0.0), (d(2025, 1, 11), 10.0), (d(2025, 1, 21), 40.0)];
        let Ok(Predictive::Ensemble(e)) = drift(&h, d(2025, 2, 10), 1, 7) else { panic!() };
        let m = e.members();
        assert_eq!(m.len(), DRIFT_DRAWS);
        // Sums of two draws from {10, 30}: 60, 80 or 100 with probabilities ¼, ½, ¼.
        assert!(m.iter().all(|&x| x == 60.0 || x == 80.0 || x == 100.0));
        let mid = m.iter().filter(|&&x| x == 80.0).count() as f64 / m.len() as f64;
        assert!((mid - 0.5).abs() < 0.02, "{mid}");
        // Same key, same draws; another key, other draws.
        assert_eq!(drift(&h, d(2025, 2, 10), 1, 7), drift(&h, d(2025, 2, 10), 1, 7));
        assert_ne!(drift(&h, d(2025, 2, 10), 1, 7), drift(&h, d(2025, 2, 10), 1, 8));
        assert_eq!(drift(&h[..2], d(2025, 2, 10), 1, 7), Err(Unavailable::TooFewChanges));
    }

    #[test]
    fn drift_uses_the_last_twelve_months_only() {
        let h = [(d(2023, 1, 1), -1e6), (d(2024, 6, 1), 0.0), (d(2024, 12, 1), 6.0), (d(2025, 6, 1), 12.0)];
        assert_eq!(steps(&h), vec![(183, 6.0), (182, 6.0)]);
    }

    #[test]
    fn state_baselines() {
        let f = WarState::Fighting;
        let c = WarState::Ceasefire;
        let h = [(d(2025, 1, 1), f), (d(2025, 2, 1), f), (d(2025, 3, 1), c), (d(2025, 4, 1), c)];
        let p = state_persistence(&h).unwrap();
        // 2 of 3 pairs stayed: (2.5)/(4).
        assert!((p.probs()[c.index()] - 0.625).abs() < 1e-15);
        assert!((p.probs().iter().sum::<f64>() - 1.0).abs() < 1e-15);
        let q = state_frequencies(&h).unwrap();
        assert!((q.probs()[f.index()] - 2.5 / 7.0).abs() < 1e-15);
        assert_eq!(state_persistence(&[]), Err(Unavailable::NoHistory));
    }
}
