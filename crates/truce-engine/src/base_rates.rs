//! How wars end over an ensemble: the statistics that base-rate checks compare with the
//! Correlates of War durations (`data/wars/`, `docs/reference/war-theory.md` §4.1) and the
//! termination literature (`docs/reference/war-endings.md`).
//!
//! A run's **first end** is the first week it leaves high-intensity war, whichever way: a
//! ceasefire agreed, a settlement signed, a side's collapse, or the onset of low activity (the
//! first week whose [`WarState`] is not fighting: [`crate::outcome::WarEvent::HighIntensityEnded`]). A
//! war the Correlates of War codes as ended has stopped being fought at war level, so its
//! duration is compared with the week of the first end (a ceasefire that later breaks down,
//! or low activity that flares up, still ended the first episode).
//!
//! Runs draw their parameters from the scenario's `[uncertainty]` table with a key of their
//! own (not the forecast's), then run on stream `run` of `seed`. This module only measures: it
//! changes no parameter and holds no model logic.

use crate::load::Loaded;
use crate::outcome::EventWeeks;
use crate::sim::{Observer, RoundView, Sim, WarState, WeekView};
use crate::talk::Blocker;
use crate::weibull::{Duration, Weibull};
use serde::Serialize;

/// Key mixed into the seed for the parameter draws of these statistics.
pub const PARAM_KEY: u64 = 0xe4d1_46c5_0b5e_7a11;

/// The first end of one run: its week (0-based) and the state the war entered; `None` if the
/// run was fighting throughout.
pub type FirstEnd = Option<(u32, WarState)>;

/// Watches a run for its first end and the causes that blocked its talks.
#[derive(Default)]
struct Watch {
    first: FirstEnd,
    events: EventWeeks,
    blocked: [u64; Blocker::COUNT],
    rounds: u64,
}

impl Observer for Watch {
    fn week(&mut self, w: &WeekView) {
        self.events.observe(w.week, w.state);
        self.events.observe_imposed(w.week, w.state, w.imposed);
        self.events.observe_moratorium(w.week, w.moratorium);
        self.events.observe_pause(w.week, w.pause);
        self.events.observe_corridor(w.week, w.corridor);
        if self.first.is_none() && w.state != WarState::Fighting {
            self.first = Some((w.week, w.state));
        }
        if let Some(b) = w.blocked {
            self.blocked[b.index()] += 1;
        }
    }
    fn round(&mut self, _r: &RoundView<'_>) {
        self.rounds += 1;
    }
}

/// What an ensemble's runs did.
#[derive(Debug, Clone, PartialEq)]
pub struct Ensemble {
    /// The horizon of every run (weeks).
    pub horizon: u32,
    /// Each run's first end.
    pub first: Vec<FirstEnd>,
    /// Each run's first week of each reported event (`outcome::WarEvent`).
    pub events: Vec<EventWeeks>,
    /// Each run's state after its last week, and the week that state began.
    pub last: Vec<(WarState, u32)>,
    /// Talk slots blocked by each cause, over all runs (indexed by [`Blocker::index`]).
    pub blocked: [u64; Blocker::COUNT],
    /// Talk rounds held, over all runs.
    pub rounds: u64,
}

/// Runs `runs` runs of a loaded scenario (run indices 0…runs−1 of `seed`), each with its
/// parameters drawn from the scenario's `[uncertainty]` table.
pub fn simulate(l: &Loaded, runs: u64, seed: u64) -> Ensemble {
    let base = &l.params;
    let mut sim = Sim::new(base);
    let mut sampled = vec![0.0; l.uncertainty.len()];
    let mut e = Ensemble {
        horizon: base.horizon,
        first: Vec::with_capacity(runs as usize),
        events: Vec::with_capacity(runs as usize),
        last: Vec::with_capacity(runs as usize),
        blocked: [0; Blocker::COUNT],
        rounds: 0,
    };
    for i in 0..runs {
        sim.reset_params(base);
        let mut prng = crate::run_rng(seed ^ PARAM_KEY, i);
        l.uncertainty.apply(&mut prng, &mut sampled, sim.params_mut());
        let mut w = Watch::default();
        let s = sim.run(seed, i, &mut w);
        e.first.push(w.first);
        e.events.push(w.events);
        e.last.push((s.state, s.week));
        for (a, b) in e.blocked.iter_mut().zip(w.blocked) {
            *a += b;
        }
        e.rounds += w.rounds;
    }
    e
}

/// The share of runs whose first end entered each state ([`WarState::Fighting`]: never
/// ended within the horizon), in [`WarState::ALL`] order.
pub fn first_end_shares(first: &[FirstEnd]) -> Vec<(WarState, f64)> {
    let n = first.len().max(1) as f64;
    WarState::ALL
        .iter()
        .map(|&k| {
            let c = first
                .iter()
                .filter(|f| match f {
                    Some((_, state)) => *state == k,
                    None => k == WarState::Fighting,
                })
                .count();
            (k, c as f64 / n)
        })
        .collect()
}

/// The share of runs in which `event` happened before week `weeks`.
pub fn event_by(events: &[EventWeeks], event: crate::outcome::WarEvent, weeks: u32) -> f64 {
    events.iter().filter(|e| e.week(event).is_some_and(|w| w < weeks)).count() as f64 / events.len().max(1) as f64
}

/// A life-table row: of the runs at war after `age` years, how many ended within the next
/// year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct YearRow {
    /// Age of the war in whole years.
    pub age: u32,
    /// Runs still at war after `age` years.
    pub at_risk: usize,
    /// Of those, runs whose first end fell in the next 52 weeks.
    pub ended: usize,
    /// `ended / at_risk`.
    pub p: f64,
}

/// P(end within the next year | at war after `age` years) for ages 0, 1, … while a whole
/// next year fits in the horizon.
pub fn next_year(first: &[FirstEnd], horizon: u32) -> Vec<YearRow> {
    let mut out = Vec::new();
    let mut age = 0u32;
    while (age + 1) * 52 <= horizon {
        let (s, e) = (age * 52, (age + 1) * 52);
        let alive = first.iter().filter(|f| f.is_none_or(|(w, _)| w >= s));
        let at_risk = alive.clone().count();
        let ended = alive.filter(|f| f.is_some_and(|(w, _)| w < e)).count();
        let p = if at_risk > 0 { ended as f64 / at_risk as f64 } else { f64::NAN };
        out.push(YearRow { age, at_risk, ended, p });
        age += 1;
    }
    out
}

/// The share of runs whose first end came within the first `weeks` weeks.
pub fn ended_within(first: &[FirstEnd], weeks: u32) -> f64 {
    first.iter().filter(|f| f.is_some_and(|(w, _)| w < weeks)).count() as f64 / first.len().max(1) as f64
}

/// Maximum-likelihood Weibull (shape, scale in weeks) of the durations to the first end,
/// by the one estimator [`crate::weibull::Weibull::fit`]. A run whose first end falls in week
/// w ended between w and w + 1 weeks after the start (interval-censored); a run at war at the
/// horizon H is right-censored there. Weekly resolution matters: durations of a few weeks are
/// common. `(NaN, NaN)` when no run ended (no maximum).
pub fn weibull(first: &[FirstEnd], horizon: u32) -> (f64, f64) {
    // Counts of first ends per week, and of censored runs.
    let mut ends = vec![0u64; horizon as usize + 1];
    let mut censored = 0u64;
    for f in first {
        match f {
            Some((w, _)) => ends[(*w).min(horizon) as usize] += 1,
            None => censored += 1,
        }
    }
    let mut obs: Vec<(Duration, f64)> = ends
        .iter()
        .enumerate()
        .filter(|(_, &c)| c > 0)
        .map(|(w, &c)| (Duration::Between(w as f64, w as f64 + 1.0), c as f64))
        .collect();
    obs.push((Duration::AtLeast(f64::from(horizon)), censored as f64));
    Weibull::fit(&obs).map_or((f64::NAN, f64::NAN), |w| (w.shape, w.scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The estimator recovers a known Weibull (inverse-CDF draws on a fixed grid).
    #[test]
    fn weibull_fit_recovers_its_shape() {
        let (k, lam) = (0.72, 40.0);
        let n = 20_000;
        let first: Vec<FirstEnd> = (0..n)
            .map(|i| {
                let u = (i as f64 + 0.5) / n as f64;
                let t = lam * (-(1.0 - u).ln()).powf(1.0 / k);
                let w = (t.ceil() as u32).max(1) - 1;
                (w < 2000).then_some((w, WarState::Settled))
            })
            .collect();
        let (kh, lh) = weibull(&first, 2000);
        assert!((kh - k).abs() < 0.03, "shape {kh}");
        assert!((lh / lam - 1.0).abs() < 0.05, "scale {lh}");
    }

    /// The life table on the Gamma-frailty oracle of `war-termination.md` §1.2 (a = 2,
    /// b = 100 weeks): S(52) = (100/152)² = 0.4328, so P(end in year 1) = 0.5672.
    #[test]
    fn next_year_matches_the_frailty_oracle() {
        let (a, b) = (2.0f64, 100.0f64);
        let n = 100_000;
        let first: Vec<FirstEnd> = (0..n)
            .map(|i| {
                let u = (i as f64 + 0.5) / n as f64;
                // Inverse of S(t) = (b / (b + t))^a.
                let t = b * ((1.0 - u).powf(-1.0 / a) - 1.0);
                let w = t.floor() as u32;
                (w < 520).then_some((w, WarState::Settled))
            })
            .collect();
        let rows = next_year(&first, 520);
        let s = |t: f64| (b / (b + t)).powf(a);
        for r in &rows[..4] {
            let t0 = r.age as f64 * 52.0;
            let want = 1.0 - s(t0 + 52.0) / s(t0);
            assert!((r.p - want).abs() < 0.01, "age {}: {} vs {want}", r.age, r.p);
        }
        // A pooled frailty hazard falls with age.
        assert!(rows[0].p > rows[1].p && rows[1].p > rows[2].p && rows[2].p > rows[3].p);
    }
}
