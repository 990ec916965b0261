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

/// The front over an ensemble whose parameters are drawn as a forecast draws them: the
/// distribution of 12-month and monthly net changes, what the second side retakes, who is on
/// the offensive, and the economies. This is what the recorded Russia–Ukraine years are
/// checked against (`tests/front.rs`; `docs/reference/front-dynamics.md` §6): each recorded
/// year must be a plausible path, i.e. lie inside a central interval of these distributions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrontBands {
    /// Runs simulated.
    pub runs: usize,
    /// Net change of the first side's area over each forecast year (weeks 0–51, 52–103, …)
    /// that a run fought through (no ceasefire week, not ended), pooled over years; sorted.
    pub yearly: Vec<f64>,
    /// The same for the first forecast year only; sorted.
    pub first_year: Vec<f64>,
    /// Net change of each calendar month fought through, scaled to a mean month (30.44 days);
    /// sorted.
    pub monthly: Vec<f64>,
    /// Area the second side retook in each such year (the sum of the first side's weekly
    /// losses); sorted.
    pub retaken: Vec<f64>,
    /// Fighting weeks by regime: contested, positional, first side attacking, second side
    /// attacking.
    pub regime_weeks: [u64; 4],
    /// Offensives the second side launched, and those among them that gained ground (net
    /// over the offensive).
    pub second_offensives: u64,
    pub second_offensives_gaining: u64,
    /// Economy per side at the end of weeks 52, 104 and 156 of runs still fighting: medians.
    pub economy_median: [[f64; 2]; 3],
    /// Share of runs in which a side's economy fell below its collapse floor at some week.
    pub economy_below_floor: [f64; 2],
    /// Outcome counts over all runs.
    pub outcomes: Vec<(WarState, usize)>,
}

impl FrontBands {
    /// The q-quantile (0–1) of a sorted sample (nearest rank); NaN when empty.
    pub fn quantile(sorted: &[f64], q: f64) -> f64 {
        if sorted.is_empty() {
            return f64::NAN;
        }
        let i = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
        sorted[i]
    }
}

/// Records one run's weeks for [`front_bands`].
struct Weeks {
    gain: Vec<f64>,
    fought: Vec<bool>,
    regime: Vec<crate::front::Regime>,
    economy: Vec<[f64; 2]>,
}

impl Observer for Weeks {
    fn week(&mut self, w: &WeekView) {
        self.gain.push(w.gain);
        self.fought.push(!w.ceasefire);
        self.regime.push(w.regime);
        self.economy.push(w.economy);
    }
}

/// Simulates `runs` runs of a loaded scenario, drawing its `[uncertainty]` parameters per run
/// (stream `seed ^ 0x5eed` for the draws, `seed` for the runs), and summarises the front.
pub fn front_bands(l: &crate::load::Loaded, runs: usize, seed: u64) -> FrontBands {
    use crate::front::Regime;
    let base = &l.params;
    let mut sim = Sim::new(base);
    let mut sampled = vec![0.0; l.uncertainty.len()];
    let h = base.horizon as usize;
    let month_of: Vec<(i32, u32)> = (0..base.horizon)
        .map(|w| {
            let d = base.start.plus_weeks(w);
            (d.year, d.month)
        })
        .collect();
    let mut b = FrontBands {
        runs,
        yearly: Vec::new(),
        first_year: Vec::new(),
        monthly: Vec::new(),
        retaken: Vec::new(),
        regime_weeks: [0; 4],
        second_offensives: 0,
        second_offensives_gaining: 0,
        economy_median: [[f64::NAN; 2]; 3],
        economy_below_floor: [0.0; 2],
        outcomes: WarState::ALL.iter().map(|k| (*k, 0)).collect(),
    };
    let mut econ_at: [[Vec<f64>; 2]; 3] = Default::default();
    let mut below = [0usize; 2];
    let mut w = Weeks {
        gain: Vec::with_capacity(h),
        fought: Vec::with_capacity(h),
        regime: Vec::with_capacity(h),
        economy: Vec::with_capacity(h),
    };
    for r in 0..runs as u64 {
        sim.reset_params(base);
        let mut prng = crate::sim::run_rng(seed ^ 0x5eed, r);
        l.uncertainty.apply(&mut prng, &mut sampled, sim.params_mut());
        w.gain.clear();
        w.fought.clear();
        w.regime.clear();
        w.economy.clear();
        let s = sim.run(seed, r, &mut w);
        b.outcomes[s.state.index()].1 += 1;
        // A week counts when it was fought and the run went on after it (an ending week is
        // fought, but what follows is not war).
        let n = w.gain.len();
        let floor = [sim.params().sides[0].collapse_economy, sim.params().sides[1].collapse_economy];
        for side in 0..2 {
            if w.economy.iter().any(|e| e[side] < floor[side]) {
                below[side] += 1;
            }
        }
        for (y, at) in [(0usize, 52usize), (1, 104), (2, 156)] {
            if n >= at && w.fought[..at].iter().all(|f| *f) {
                for side in 0..2 {
                    econ_at[y][side].push(w.economy[at - 1][side]);
                }
            }
        }
        let mut y0 = 0;
        while y0 + 52 <= n {
            if w.fought[y0..y0 + 52].iter().all(|f| *f) {
                let net: f64 = w.gain[y0..y0 + 52].iter().sum();
                let back: f64 = w.gain[y0..y0 + 52].iter().filter(|g| **g < 0.0).map(|g| -g).sum();
                b.yearly.push(net);
                b.retaken.push(back);
                if y0 == 0 {
                    b.first_year.push(net);
                }
            }
            y0 += 52;
        }
        // Calendar months wholly inside the run, each fought through.
        let mut i = 0;
        while i < n {
            let m = month_of[i];
            let mut j = i;
            while j < h && month_of[j] == m {
                j += 1;
            }
            let whole = i > 0 || base.start.day <= 7;
            if whole && j <= n && j < h && w.fought[i..j].iter().all(|f| *f) {
                let sum: f64 = w.gain[i..j].iter().sum();
                b.monthly.push(sum * (30.44 / 7.0) / (j - i) as f64);
            }
            i = j;
        }
        let mut k = 0;
        while k < n {
            if w.fought[k] {
                b.regime_weeks[match w.regime[k] {
                    Regime::Contested => 0,
                    Regime::Positional => 1,
                    Regime::OffensiveFirst => 2,
                    Regime::OffensiveSecond => 3,
                }] += 1;
            }
            if w.regime[k] == Regime::OffensiveSecond && (k == 0 || w.regime[k - 1] != Regime::OffensiveSecond) {
                let mut e = k;
                while e < n && w.regime[e] == Regime::OffensiveSecond {
                    e += 1;
                }
                b.second_offensives += 1;
                if w.gain[k..e].iter().sum::<f64>() < 0.0 {
                    b.second_offensives_gaining += 1;
                }
            }
            k += 1;
        }
    }
    for v in [&mut b.yearly, &mut b.first_year, &mut b.monthly, &mut b.retaken] {
        v.sort_by(f64::total_cmp);
    }
    for y in 0..3 {
        for side in 0..2 {
            b.economy_median[y][side] = median(&mut econ_at[y][side]);
        }
    }
    b.economy_below_floor = [below[0] as f64 / runs as f64, below[1] as f64 / runs as f64];
    b
}
