//! The front's mechanisms (`crate::front`, `docs/reference/front-dynamics.md`) against the
//! recorded Russia–Ukraine years and the propositions of `war-termination.md` §9 that they
//! represent: T6 (an attack weakens as it advances), T7 (prepared defences slow an attack and
//! raise its cost), T8 (fat-tailed weekly movement), T21 (a near-static front over years with
//! heavy fighting), and the defender's initiative (a counter-offensive that gains ground).
//!
//! The recorded years are a band check, not a fit: each must lie inside a stated central
//! interval of the ensemble's distribution. Mechanism tests compare an arm with the mechanism
//! against one without it, so that each can fail if the mechanism stops working.

use truce_engine::builtin;
use truce_engine::calibrate::{front_bands, FrontBands};
use truce_engine::front::Regime;
use truce_engine::load::{load_str, Loaded};
use truce_engine::params::Params;
use truce_engine::sim::{Observer, Sim, WeekView};

const SEED: u64 = 20_231_231;

fn ukraine() -> Loaded {
    load_str("ukraine-2025-12", builtin::builtin("ukraine-2025-12").unwrap()).unwrap()
}

/// Every fought week of a run: (regime, first side's gain, casualties per side).
#[derive(Default)]
struct Weeks(Vec<(Regime, f64, [f64; 2])>);

impl Observer for Weeks {
    fn week(&mut self, w: &WeekView) {
        if !w.ceasefire {
            self.0.push((w.regime, w.gain, w.casualties));
        }
    }
}

fn simulate(p: &Params, runs: u64, seed: u64) -> Vec<Vec<(Regime, f64, [f64; 2])>> {
    let mut sim = Sim::new(p);
    (0..runs)
        .map(|r| {
            let mut w = Weeks::default();
            sim.run(seed, r, &mut w);
            w.0
        })
        .collect()
}

/// The base scenario's front without the season and war fatigue, so that changes within an
/// offensive come from the front's own state.
fn flat(mut p: Params) -> Params {
    p.season = [1.0; 12];
    p.fatigue_per_year = 0.0;
    p
}

/// Recorded years (`/work/shared/data/backcast/ukraine-monthly-2023-2025.csv`,
/// `data/ukraine/facts.md` §1.3), Russian net gain in km²: 2023 DeepState 683 occupied − 395
/// liberated; 2024 DeepState ≈3,600 and AFP–ISW ≈4,000; 2025 DeepState 4,336. Each must lie
/// inside the central 90% of the ensemble's 12-month net changes (all forecast years pooled,
/// parameters drawn as a forecast draws them); what Ukraine retook in 2023 (395 km²) inside
/// the central 90% of the area retaken in a year; and every recorded month (−25 km², WarMapper
/// Apr 2023, to ≈839 km², ISW Nov 2024) inside the central 95% of monthly net changes.
#[test]
fn recorded_years_are_plausible_paths() {
    let b = front_bands(&ukraine(), 2_000, SEED);
    let q = |v: &[f64], x: f64| FrontBands::quantile(v, x);
    println!(
        "yearly q05 {:.0} q50 {:.0} q95 {:.0}; monthly q025 {:.0} q975 {:.0}; retaken q05 {:.0} q95 {:.0}",
        q(&b.yearly, 0.05),
        q(&b.yearly, 0.5),
        q(&b.yearly, 0.95),
        q(&b.monthly, 0.025),
        q(&b.monthly, 0.975),
        q(&b.retaken, 0.05),
        q(&b.retaken, 0.95)
    );
    assert!(b.yearly.len() >= 1_000, "too few years fought through: {}", b.yearly.len());
    for (year, net) in [("2023", 288.0), ("2024 DeepState", 3_600.0), ("2024 AFP–ISW", 4_000.0), ("2025", 4_336.0)] {
        let (lo, hi) = (q(&b.yearly, 0.05), q(&b.yearly, 0.95));
        assert!((lo..=hi).contains(&net), "{year}: net {net} km² outside the central 90% [{lo:.0}, {hi:.0}]");
    }
    let (lo, hi) = (q(&b.retaken, 0.05), q(&b.retaken, 0.95));
    assert!((lo..=hi).contains(&395.0), "2023 liberated 395 km² outside [{lo:.0}, {hi:.0}]");
    for month in [-25.0, 39.0, 126.0, 564.0, 730.0, 839.0] {
        let (lo, hi) = (q(&b.monthly, 0.025), q(&b.monthly, 0.975));
        assert!(
            (lo..=hi).contains(&month),
            "a recorded month of {month} km² outside the central 95% [{lo:.0}, {hi:.0}]"
        );
    }
}

/// The defender can take the initiative by mechanism: Ukraine launches offensives, a share of
/// them gain ground, and a year of net Ukrainian gain is not rare (≥ 2% of years) — while
/// Russia remains the side attacking most weeks.
#[test]
fn the_defender_takes_the_initiative_and_gains_ground() {
    let b = front_bands(&ukraine(), 2_000, SEED ^ 1);
    println!("{:?} second offensives {} gaining {}", b.regime_weeks, b.second_offensives, b.second_offensives_gaining);
    assert!(b.second_offensives >= 50, "only {} Ukrainian offensives in 2,000 runs", b.second_offensives);
    assert!(
        b.second_offensives_gaining * 5 >= b.second_offensives,
        "only {} of {} Ukrainian offensives gained ground",
        b.second_offensives_gaining,
        b.second_offensives
    );
    let gaining_years = b.yearly.iter().filter(|x| **x < 0.0).count() as f64 / b.yearly.len() as f64;
    assert!(gaining_years >= 0.02, "Ukraine gains ground in only {:.2}% of years", 100.0 * gaining_years);
    assert!(b.regime_weeks[2] > b.regime_weeks[3], "Russia must attack more weeks than Ukraine: {:?}", b.regime_weeks);
}

/// Mean attacker gain per week over weeks `[from, to)` of the first side's offensives that
/// lasted at least `to` weeks, and the number of such offensives.
fn gain_within_offensives(runs: &[Vec<(Regime, f64, [f64; 2])>], from: usize, to: usize) -> (f64, usize) {
    let (mut sum, mut n, mut count) = (0.0, 0usize, 0usize);
    for w in runs {
        let mut k = 0;
        while k < w.len() {
            if w[k].0 != Regime::OffensiveFirst {
                k += 1;
                continue;
            }
            let mut e = k;
            while e < w.len() && w[e].0 == Regime::OffensiveFirst {
                e += 1;
            }
            if e - k >= to {
                sum += w[k + from..k + to].iter().map(|x| x.1).sum::<f64>();
                n += to - from;
                count += 1;
            }
            k = e;
        }
    }
    (sum / n.max(1) as f64, count)
}

/// T6: within an offensive, the attacker's km²/week falls with its depth of advance and its
/// losses (Clausewitz VII.4–5, Boulding's loss-of-strength gradient). Over Russia's
/// offensives lasting ≥ 40 weeks, on a flat season without war fatigue: the mean gain in weeks
/// 30–39 is at most 85% of that in weeks 0–9 with culmination, and without culmination
/// (nor digging in) it is at least 95% of it — the fall is the mechanism's.
#[test]
fn t6_an_attack_weakens_as_it_advances() {
    let mut p = flat(ukraine().params);
    p.culmination_per_1000_km2 = 0.04;
    p.culmination_per_force_lost = 0.15;
    let with = simulate(&p, 1_500, SEED);
    let (early, n) = gain_within_offensives(&with, 0, 10);
    let (late, _) = gain_within_offensives(&with, 30, 40);
    p.culmination_per_1000_km2 = 0.0;
    p.culmination_per_force_lost = 0.0;
    p.preparation_advantage = 0.0;
    let without = simulate(&p, 1_500, SEED + 1);
    let (early0, n0) = gain_within_offensives(&without, 0, 10);
    let (late0, _) = gain_within_offensives(&without, 30, 40);
    println!("with: {early:.1} → {late:.1} ({n}); without: {early0:.1} → {late0:.1} ({n0})");
    assert!(n >= 200 && n0 >= 200, "too few long offensives: {n}, {n0}");
    assert!(late <= 0.85 * early, "culmination: weeks 30–39 gain {late:.1} vs weeks 0–9 {early:.1}");
    assert!(late0 >= 0.95 * early0, "without culmination: {late0:.1} vs {early0:.1}");
}

/// Over all weeks of the first side's offensives: the attacker's casualties per km² taken and
/// its mean gain per offensive week.
fn offensive_cost_and_speed(runs: &[Vec<(Regime, f64, [f64; 2])>]) -> (f64, f64) {
    let (mut cas, mut gain, mut n) = (0.0, 0.0, 0usize);
    for w in runs {
        for (r, g, c) in w {
            if *r == Regime::OffensiveFirst {
                cas += c[0];
                gain += g;
                n += 1;
            }
        }
    }
    (cas / gain.max(1.0), gain / n.max(1) as f64)
}

/// T7: prepared defences raise the cost and lower the speed of attack (`war-termination.md`
/// §3.3, the 2023 counter-offensive). Raising the advantage of full preparation from 0 to its
/// prior's top (0.4) raises Russia's casualties per km² taken by ≥ 15% and lowers its
/// km² per offensive week by ≥ 10%.
#[test]
fn t7_prepared_defences_slow_the_attack_and_raise_its_cost() {
    let mut p = ukraine().params;
    p.preparation_advantage = 0.0;
    let (cost0, speed0) = offensive_cost_and_speed(&simulate(&p, 1_500, SEED));
    p.preparation_advantage = 0.4;
    let (cost1, speed1) = offensive_cost_and_speed(&simulate(&p, 1_500, SEED + 1));
    println!("unprepared: {cost0:.1} cas/km², {speed0:.1} km²/wk; prepared: {cost1:.1}, {speed1:.1}");
    assert!(cost1 >= 1.15 * cost0, "casualties per km²: {cost1:.1} prepared vs {cost0:.1}");
    assert!(speed1 <= 0.9 * speed0, "km² per week: {speed1:.1} prepared vs {speed0:.1}");
}

/// Excess kurtosis of a sample.
fn excess_kurtosis(v: &[f64]) -> f64 {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let m2 = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n;
    let m4 = v.iter().map(|x| (x - m).powi(4)).sum::<f64>() / n;
    m4 / (m2 * m2) - 3.0
}

/// Mean over runs fought ≥ 52 weeks of the excess kurtosis of a run's own weekly gains (so
/// that differences between runs' parameters and paths do not count as tails).
fn within_run_kurtosis(p: &Params, seed: u64) -> f64 {
    let ks: Vec<f64> = simulate(p, 1_000, seed)
        .into_iter()
        .filter(|w| w.len() >= 52)
        .map(|w| excess_kurtosis(&w.iter().map(|x| x.1).collect::<Vec<_>>()))
        .collect();
    ks.iter().sum::<f64>() / ks.len().max(1) as f64
}

/// T8: weekly front movement is fat-tailed (`war-termination.md` §8.1). With the scenario's
/// Student-t(3) shock a run's weekly gains have a large excess kurtosis (> 2); and the
/// regimes alone fatten them: with a near-normal shock (t with 200 degrees of freedom), a
/// run's excess kurtosis is higher by > 0.15 with the regimes on (a mixture of positional and
/// offensive weeks) than with them off (no culmination, no digging in, a flat season), where
/// it is ≈ 0 (the estimate of a hundred-odd weeks is biased a little below 0).
#[test]
fn t8_weekly_movement_is_fat_tailed() {
    let mut p = ukraine().params;
    // A claim about the front's law: runs are not cut short by a side breaking (the
    // kurtosis of a shorter run is biased further below 0, whatever the front does).
    for s in 0..2 {
        p.politics[s].collapse_per_year = 0.0;
    }
    let k = within_run_kurtosis(&p, SEED);
    p.front_tail_dof = 200.0;
    let k_regimes = within_run_kurtosis(&p, SEED + 1);
    p.regimes = false;
    p.culmination_per_1000_km2 = 0.0;
    p.culmination_per_force_lost = 0.0;
    p.preparation_advantage = 0.0;
    p.season = [1.0; 12];
    let k_none = within_run_kurtosis(&p, SEED + 2);
    println!("excess kurtosis: scenario {k:.2}, regimes with a normal shock {k_regimes:.2}, neither {k_none:.2}");
    assert!(k > 2.0, "scenario: {k:.2}");
    assert!(k_none.abs() < 0.3, "no regimes, near-normal shock: {k_none:.2}");
    assert!(k_regimes - k_none > 0.15, "regimes {k_regimes:.2} vs none {k_none:.2}");
}

/// T21: a near-static front over years is compatible with continuous heavy fighting
/// (`war-termination.md` §8.1: 0.97% of Ukraine changed hands in ≈33 months). Over the
/// ensemble (parameters drawn), a share ≥ 2% of two-year windows fought through move the line
/// by less than 1,500 km² net (0.25% of Ukraine) while each side loses ≥ 100,000 casualties.
#[test]
fn t21_a_static_front_with_heavy_casualties() {
    let l = ukraine();
    let mut sim = Sim::new(&l.params);
    let mut sampled = vec![0.0; l.uncertainty.len()];
    let (mut windows, mut static_heavy) = (0usize, 0usize);
    for r in 0..2_000u64 {
        sim.reset_params(&l.params);
        let mut prng = truce_engine::sim::run_rng(SEED ^ 0x5eed, r);
        l.uncertainty.apply(&mut prng, &mut sampled, sim.params_mut());
        let mut w = Weeks::default();
        sim.run(SEED, r, &mut w);
        let w = w.0;
        if w.len() >= 104 {
            windows += 1;
            let net: f64 = w[..104].iter().map(|x| x.1).sum();
            let cas = w[..104].iter().fold([0.0; 2], |a, x| [a[0] + x.2[0], a[1] + x.2[1]]);
            if net.abs() < 1_500.0 && cas[0] >= 100_000.0 && cas[1] >= 100_000.0 {
                static_heavy += 1;
            }
        }
    }
    let share = static_heavy as f64 / windows.max(1) as f64;
    println!("{static_heavy} of {windows} two-year windows static with heavy casualties ({:.1}%)", 100.0 * share);
    assert!(windows >= 200, "too few runs fought two years: {windows}");
    assert!(share >= 0.02, "static heavy-fighting windows: {:.2}%", 100.0 * share);
}
