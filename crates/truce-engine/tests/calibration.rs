//! The default scenario's first year against the 2024–2025 bands (`data/ukraine/`,
//! `docs/reference/war-theory.md` §3.4, P20): weekly km² gains, the seasonal swing of monthly
//! gains, and the casualty ratio. Statistics come from `calibrate::first_year` over runs that
//! stayed at war through the first 52 weeks.

use truce_engine::builtin;
use truce_engine::calibrate::{first_year, FirstYear};
use truce_engine::load::load_str;

const RUNS: usize = 2_000;
const SEED: u64 = 20_251_203;
const WEEKS: u32 = 52;

fn stats() -> FirstYear {
    let l = load_str("ukraine-2025-12", builtin::builtin("ukraine-2025-12").unwrap()).unwrap();
    let fy = first_year(&l.params, RUNS, SEED, WEEKS);
    println!("{fy:#?}");
    // Enough runs at war through the year for the medians below to be stable.
    assert!(fy.runs_used >= RUNS / 4, "only {} of {} runs stayed at war for a year", fy.runs_used, fy.runs);
    fy
}

/// Median weekly Russian gain within the observed 60–120 km² (DeepState 2025 ≈83 km²/week;
/// 2024 ≈ 80–90; facts §1.3).
#[test]
fn median_weekly_gain_in_band() {
    let fy = stats();
    let g = fy.median_weekly_gain;
    assert!((60.0..=120.0).contains(&g), "median weekly gain {g:.1} km² outside [60, 120]");
}

/// Monthly gains swing with the season. The observed multipliers run ≈0.4–1.5 of the mean;
/// tolerance: every month's mean gain within [0.3, 1.7] × the year's mean, and the months
/// with the largest and smallest mean gain are those of the scenario's season table
/// (November and March). Measured on a front that the force ratio alone moves (no regimes,
/// culmination or digging in): with them, an offensive that culminates, a counter-offensive
/// or defences dug over the year move the mean gain between months by design (checked against
/// the recorded years in `tests/front.rs`), which would hide the season's own swing.
#[test]
fn monthly_swing_follows_the_season() {
    let mut l = load_str("ukraine-2025-12", builtin::builtin("ukraine-2025-12").unwrap()).unwrap();
    l.params.regimes = false;
    l.params.culmination_per_1000_km2 = 0.0;
    l.params.culmination_per_force_lost = 0.0;
    l.params.preparation_advantage = 0.0;
    let fy = first_year(&l.params, RUNS, SEED, WEEKS);
    let sw = fy.monthly_swing;
    for (m, v) in sw.iter().enumerate() {
        assert!((0.3..=1.7).contains(v), "month {} swing {v:.3} outside [0.3, 1.7]; all: {sw:?}", m + 1);
    }
    let argmax = |v: &[f64; 12]| (0..12).max_by(|&a, &b| v[a].total_cmp(&v[b])).unwrap();
    let argmin = |v: &[f64; 12]| (0..12).min_by(|&a, &b| v[a].total_cmp(&v[b])).unwrap();
    let season = l.params.season;
    assert_eq!(argmax(&sw) + 1, argmax(&season) + 1, "peak month differs: swing {sw:?}, season {season:?}");
    assert_eq!(argmin(&sw) + 1, argmin(&season) + 1, "trough month differs: swing {sw:?}, season {season:?}");
}

/// Casualty ratio Russia : Ukraine within 1.8–2.6 (war-theory §3.4; facts §3).
#[test]
fn casualty_ratio_in_band() {
    let fy = stats();
    let r = fy.casualty_ratio;
    assert!((1.8..=2.6).contains(&r), "casualty ratio {r:.3} outside [1.8, 2.6]");
}
