//! Calibration statistics of a scenario's first year, compared with observed bands
//! (`data/ukraine/`): weekly gains, the seasonal swing of monthly gains, the casualty ratio.

use crate::params::Params;
use crate::sim::{Observer, Sim, WarState, WeekView};
use serde::Serialize;

/// First-year statistics over runs that did not settle (or stop) within the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirstYear {
    /// Runs used (at war through the window).
    pub runs_used: usize,
    /// Runs simulated.
    pub runs: usize,
    /// Median over runs of the median weekly gain of the first side (km²).
    pub median_weekly_gain: f64,
    /// Mean gain per calendar month of the window divided by the overall mean, per month
    /// (January first), averaged over runs.
    pub monthly_swing: [f64; 12],
    /// Casualty ratio first:second side over the window, median over runs.
    pub casualty_ratio: f64,
    /// Final states over all runs (the state at the end of each run).
    pub outcomes: Vec<(WarState, usize)>,
}

struct Collect {
    weeks: u32,
    gains: Vec<f64>,
    cas: [f64; 2],
    month: Vec<usize>,
    at_war: bool,
}

impl Observer for Collect {
    fn week(&mut self, w: &WeekView) {
        if w.week < self.weeks {
            if w.ceasefire {
                self.at_war = false;
            }
            self.gains.push(w.gain);
            self.cas[0] += w.casualties[0];
            self.cas[1] += w.casualties[1];
        }
    }
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// Simulates `runs` runs (run indices 0…runs−1 of `seed`) and summarises the first `weeks`.
pub fn first_year(p: &Params, runs: usize, seed: u64, weeks: u32) -> FirstYear {
    let mut sim = Sim::new(p);
    let mut med_gain = Vec::new();
    let mut ratios = Vec::new();
    let mut swing_sum = [0.0; 12];
    let mut swing_n = 0usize;
    let mut outcomes: Vec<(WarState, usize)> = WarState::ALL.iter().map(|k| (*k, 0)).collect();
    let months: Vec<usize> = (0..weeks).map(|w| p.start.plus_weeks(w).month as usize - 1).collect();
    for r in 0..runs {
        let mut c = Collect {
            weeks,
            gains: Vec::with_capacity(weeks as usize),
            cas: [0.0; 2],
            month: months.clone(),
            at_war: true,
        };
        let s = sim.run(seed, r as u64, &mut c);
        outcomes[s.state.index()].1 += 1;
        let complete =
            c.gains.len() == weeks as usize && c.at_war && (s.state == WarState::Fighting || s.week >= weeks);
        if !complete {
            continue;
        }
        let mut g = c.gains.clone();
        med_gain.push(median(&mut g));
        ratios.push(c.cas[0] / c.cas[1].max(1e-9));
        let mean = c.gains.iter().sum::<f64>() / c.gains.len() as f64;
        if mean > 0.0 {
            let mut by = [0.0; 12];
            let mut cnt = [0usize; 12];
            for (i, g) in c.gains.iter().enumerate() {
                by[c.month[i]] += g;
                cnt[c.month[i]] += 1;
            }
            for m in 0..12 {
                if cnt[m] > 0 {
                    swing_sum[m] += by[m] / cnt[m] as f64 / mean;
                }
            }
            swing_n += 1;
        }
    }
    let mut monthly_swing = [0.0; 12];
    for m in 0..12 {
        monthly_swing[m] = if swing_n > 0 { swing_sum[m] / swing_n as f64 } else { f64::NAN };
    }
    FirstYear {
        runs_used: med_gain.len(),
        runs,
        median_weekly_gain: median(&mut med_gain),
        monthly_swing,
        casualty_ratio: median(&mut ratios),
        outcomes,
    }
}
