//! Rolling-origin hindcasts: no observation dated on or after an origin reaches its
//! forecast (bit for bit), seeds derive from (seed, origin), the drift estimate, skipped
//! origins, and lead targets.

use truce_engine::builtin;
use truce_forecast::hindcast::*;
use truce_forecast::observation::{CivilDate, Observation, Observations, Observed, WarState};
use truce_forecast::scorecard::Scores;

fn d(y: i32, m: u32, day: u32) -> CivilDate {
    CivilDate { year: y, month: m, day }
}

/// Month-end levels from `from` (first of a month) for `months` months, gaining
/// `gain(i)` km² in month i, with a `state` row each month.
fn monthly(from: CivilDate, months: u32, start: f64, gain: impl Fn(u32) -> f64) -> Observations {
    let mut rows = Vec::new();
    let mut level = start;
    for i in 0..months {
        let date = month_end(add_months(from, i));
        level += gain(i);
        rows.push(Observation {
            line: 2 * i as usize + 2,
            date,
            what: Observed::Km2Held { value: level, sd: 50.0 },
            source: "test".into(),
        });
        rows.push(Observation {
            line: 2 * i as usize + 3,
            date,
            what: Observed::State(WarState::Fighting),
            source: "test".into(),
        });
    }
    Observations::from_validated(rows)
}

fn ukraine() -> &'static str {
    builtin::builtin("ukraine-2025-12").unwrap()
}

#[test]
fn an_origin_never_sees_later_observations() {
    let obs = monthly(d(2024, 1, 1), 24, 105_000.0, |i| 300.0 + 40.0 * (i % 5) as f64);
    let origin = d(2025, 3, 1);
    // Every observation dated on or after the origin changed: levels, and states.
    let changed = Observations::from_validated(
        obs.rows()
            .iter()
            .map(|o| {
                let mut o = o.clone();
                if o.date >= origin {
                    o.what = match o.what {
                        Observed::Km2Held { value, sd } => Observed::Km2Held { value: value * 1.1 + 7.0, sd: sd * 3.0 },
                        Observed::State(_) => Observed::State(WarState::Ceasefire),
                        other => other,
                    };
                }
                o
            })
            .collect(),
    );
    let a = setup_origin("u", ukraine(), &obs, origin, &[1, 3], 9).unwrap().unwrap();
    let b = setup_origin("u", ukraine(), &changed, origin, &[1, 3], 9).unwrap().unwrap();
    assert_eq!(a, b);
    assert_eq!(a.text, b.text);
    let fa = run_origin(&a, 300, Some(1)).unwrap();
    let fb = run_origin(&b, 300, Some(2)).unwrap();
    assert_eq!(fa, fb, "the forecast at the origin must be identical bit for bit");
    // ... while the scores of later leads do change.
    let opts = HindcastOptions {
        origins: vec![origin],
        leads: vec![1, 3],
        runs: 300,
        seed: 9,
        threads: Some(1),
        assimilate: false,
    };
    let ha = hindcast("u", ukraine(), &obs, &opts, &|_, _| {}).unwrap();
    let hb = hindcast("u", ukraine(), &changed, &opts, &|_, _| {}).unwrap();
    assert_eq!(ha.origins[0].fan, hb.origins[0].fan);
    assert_ne!(ha.origins[0].cases, hb.origins[0].cases);
}

#[test]
fn the_start_is_the_observed_state() {
    let obs = monthly(d(2024, 1, 1), 24, 105_000.0, |_| 400.0);
    let s = setup_origin("u", ukraine(), &obs, d(2025, 3, 1), &[1, 3, 6], 1).unwrap().unwrap();
    assert_eq!(s.start_km2_date, d(2025, 2, 28));
    assert_eq!(s.start_km2, 105_000.0 + 14.0 * 400.0);
    // Lead 6 ends on 31 Aug 2025: 184 days from 1 Mar → 27 weeks.
    assert_eq!(s.weeks, 27);
    assert!(s.text.contains("start = 2025-03-01"), "{}", &s.text[..300]);
    assert_eq!(s.seed, origin_seed(1, d(2025, 3, 1)));
    assert_ne!(origin_seed(1, d(2025, 3, 1)), origin_seed(1, d(2025, 4, 1)));
    assert_ne!(origin_seed(1, d(2025, 3, 1)), origin_seed(2, d(2025, 3, 1)));
    // The loaded text starts where it says.
    let l = truce_engine::load::load_str("x", &s.text).unwrap();
    assert_eq!(l.params.start_km2, s.start_km2);
    assert_eq!(l.params.horizon, 27);
}

#[test]
fn drift_estimates() {
    // 400 km² a month with no seasonality: the estimate is the rate per week of fighting.
    let h: Vec<(CivilDate, f64)> =
        (0..13).map(|i| (month_end(add_months(d(2024, 1, 1), i)), 1000.0 + 400.0 * i as f64)).collect();
    let flat = [1.0; 12];
    let e = estimate_drift(&h, &flat).unwrap();
    // The window is the 365 days before the last observation: 31 Jan 2024 falls out.
    assert_eq!((e.from, e.to, e.changes), (d(2024, 2, 29), d(2025, 1, 31), 11));
    let days = (e.to.to_days() - e.from.to_days()) as f64;
    assert!((e.per_week - 4400.0 / (days / 7.0)).abs() < 1e-9);
    // Months of different lengths make the monthly rates differ a little.
    assert!(e.se > 0.0 && e.se < 2.0, "{}", e.se);
    // A season twice as intense in every month halves the intensity-1 drift.
    let e2 = estimate_drift(&h, &[2.0; 12]).unwrap();
    assert!((e2.per_week - e.per_week / 2.0).abs() < 1e-9);
    // Too few changes.
    assert!(estimate_drift(&h[..3], &flat).unwrap_err().contains("2 change(s)"));
}

#[test]
fn origins_that_cannot_start_are_skipped_with_a_reason() {
    let obs = monthly(d(2024, 1, 1), 10, 105_000.0, |_| 300.0);
    let r = |o| setup_origin("u", ukraine(), &obs, o, &[1], 1).unwrap();
    assert!(r(d(2024, 3, 1)).unwrap_err().contains("at least 3 are needed"));
    assert!(r(d(2023, 6, 1)).unwrap_err().contains("no km2_held observation before the origin"));
    assert!(r(d(2025, 6, 1)).unwrap_err().contains("over 31 days earlier"));
    let mut rows = obs.rows().to_vec();
    rows.push(Observation {
        line: 99,
        date: d(2024, 10, 31),
        what: Observed::State(WarState::Ceasefire),
        source: String::new(),
    });
    rows.sort_by_key(|o| o.date);
    let obs = Observations::from_validated(rows);
    let e = setup_origin("u", ukraine(), &obs, d(2024, 11, 1), &[1], 1).unwrap().unwrap_err();
    assert!(e.contains("is not fighting"), "{e}");
}

#[test]
fn leads_score_the_last_observation_of_their_month() {
    let obs = monthly(d(2024, 1, 1), 24, 105_000.0, |_| 400.0);
    let opts = HindcastOptions {
        origins: vec![d(2025, 6, 1), d(2025, 11, 1)],
        leads: vec![1, 3],
        runs: 200,
        seed: 3,
        threads: Some(1),
        assimilate: false,
    };
    let h = hindcast("u", ukraine(), &obs, &opts, &|_, _| {}).unwrap();
    assert_eq!(h.origins.len(), 2);
    let o = &h.origins[0];
    let km: Vec<_> = o.cases.iter().filter(|c| c.case.quantity == "km2_held").collect();
    assert_eq!(
        km.iter().map(|c| (c.lead, c.case.date)).collect::<Vec<_>>(),
        vec![(1, d(2025, 6, 30)), (3, d(2025, 8, 31))]
    );
    // No-change scores the absolute error: 400 km² a month.
    let Some(Scores::Numeric { crps, .. }) = km[0].case.no_change else { panic!() };
    assert_eq!(crps, 400.0);
    // The 2025-11 origin has no observation three months on (the series ends in Dec 2025).
    let late = &h.origins[1];
    assert!(late.cases.iter().all(|c| c.lead == 1));
    assert!(h.by_lead.iter().any(|t| t.lead == 3 && t.quantity == "km2_held" && t.cases == 1));
    // A fan per week, starting near the observed level.
    assert_eq!(o.fan.len() as u32, o.setup.weeks);
    assert!((o.fan[0].q[2] - o.setup.start_km2).abs() < 1000.0);
}

/// The same series with the sds of a level built backwards, month by month, from an anchor
/// at its last row (30 km² there, 25 km² more error per month before it): the cumulative
/// series the filter weighs by its changes.
fn cumulative(obs: &Observations) -> Observations {
    let last = obs.rows().iter().rev().find(|o| matches!(o.what, Observed::Km2Held { .. })).map(|o| o.date).unwrap();
    Observations::from_validated(
        obs.rows()
            .iter()
            .map(|o| {
                let mut o = o.clone();
                if let Observed::Km2Held { value, .. } = o.what {
                    let months = ((last.year - o.date.year) * 12 + last.month as i32 - o.date.month as i32) as f64;
                    o.what = Observed::Km2Held { value, sd: (30.0f64.powi(2) + months * 25.0f64.powi(2)).sqrt() };
                }
                o
            })
            .collect(),
    )
}

#[test]
fn an_assimilating_origin_never_sees_later_observations_and_learns_from_earlier_ones() {
    let levels = monthly(d(2024, 1, 1), 24, 105_000.0, |i| 300.0 + 40.0 * (i % 5) as f64);
    // Independent levels (one sd) and a cumulative series (changes, re-anchored at the last).
    for (obs, nested) in [(cumulative(&levels), true), (levels, false)] {
        let origin = d(2025, 3, 1);
        let changed = Observations::from_validated(
            obs.rows()
                .iter()
                .map(|o| {
                    let mut o = o.clone();
                    if o.date >= origin {
                        if let Observed::Km2Held { value, sd } = o.what {
                            o.what = Observed::Km2Held { value: value * 1.1 + 7.0, sd: sd * 0.5 };
                        }
                    }
                    o
                })
                .collect(),
        );
        let (a, ka) = setup_assimilating("u", ukraine(), &obs, origin, &[1, 3], 9).unwrap().unwrap();
        let (b, kb) = setup_assimilating("u", ukraine(), &changed, origin, &[1, 3], 9).unwrap().unwrap();
        assert_eq!((&a, &ka), (&b, &kb));
        assert!(ka.rows().iter().all(|o| o.date < origin));
        // It starts at the first observation of the 12-month window, the day after it.
        assert_eq!(a.start_km2_date, a.drift.from);
        assert!(a.text.contains(&format!("start = {}", CivilDate::from_days(a.drift.from.to_days() + 1))));
        let opts = HindcastOptions {
            origins: vec![origin],
            leads: vec![1, 3],
            runs: 400,
            seed: 9,
            threads: Some(1),
            assimilate: true,
        };
        let ha = hindcast("u", ukraine(), &obs, &opts, &|_, _| {}).unwrap();
        let hb = hindcast("u", ukraine(), &changed, &HindcastOptions { threads: Some(2), ..opts.clone() }, &|_, _| {})
            .unwrap();
        assert_eq!(ha.origins[0].fan, hb.origins[0].fan, "the forecast at the origin must be identical bit for bit");
        assert_ne!(ha.origins[0].cases, hb.origins[0].cases);
        let f = ha.origins[0].filter.as_ref().expect("an assimilating origin reports its filter");
        // The window holds 13 month-ends (29 Feb 2024 to 28 Feb 2025); the first is the start,
        // so 12 km² and 12 state rows are assimilated; the forecast's week 0 begins on or after
        // the origin.
        assert_eq!(f.observations, 24, "{f:?}");
        assert!(f.as_of < origin && f.loglik.is_finite());
        assert!(ha.origins[0].fan[0].date >= origin);
        assert_eq!(f.method.contains("cumulative series"), nested, "{}", f.method);
        if nested {
            // Re-anchored: the first week's median lies within a week's advance of the last
            // level observed before the origin (28 Feb 2025).
            let last = ka.rows().iter().rev().find_map(|o| o.what.number()).unwrap();
            let median = ha.origins[0].fan[0].q[2];
            assert!((median - last).abs() < 250.0, "week 0 median {median} vs last observed {last}");
        }
    }
}

/// The shipped DeepState file: (date, value, sd) of its km² rows.
fn deepstate() -> Vec<(String, f64, f64)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/observations/deepstate-km2.csv");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.splitn(5, ',').collect();
            (f[1] == "km2_held").then(|| (f[0].to_string(), f[2].parse().unwrap(), f[3].parse().unwrap()))
        })
        .collect()
}

#[test]
fn the_deepstate_series_is_built_backwards_and_its_sd_grows_with_each_approximate_month() {
    let rows = deepstate();
    let at = |date: &str| rows.iter().position(|r| r.0 == date).unwrap_or_else(|| panic!("no row {date}"));
    let (first, end_2024) = (at("2023-12-31"), at("2024-12-31"));
    assert_eq!(first, 0, "the series reaches back to the end of 2023");
    // The exact run (2025): the sd grows by one exact month (25 km²) per month back from the
    // anchor, 30 km² at the end of November 2025.
    for w in rows[end_2024..].windows(2) {
        let month = w[0].2.powi(2) - w[1].2.powi(2);
        // (The file's sds are rounded to 1 km², hence the tolerance.)
        assert!((month - 625.0).abs() < 250.0, "{} → {}: a month's variance {month}", w[0].0, w[1].0);
    }
    // 2024 hangs from the end-2024 level less the year's approximate total: every 2024 level is
    // less certain than the end-2024 one by at least the total's sd (80 · √12 = 277 km²), each
    // month adds at least an exact month's variance and an approximate month (Jan, Feb, Apr,
    // Jun, Jul, Sep: sd 80) adds 80², and December's change carries the total's error.
    for r in &rows[..end_2024] {
        assert!(r.2.powi(2) >= rows[end_2024].2.powi(2) + 277.0f64.powi(2) - 300.0, "{r:?}");
    }
    for (i, w) in rows[..end_2024].windows(2).enumerate() {
        let month = w[1].2.powi(2) - w[0].2.powi(2);
        let approximate = matches!(i + 1, 1 | 2 | 4 | 6 | 7 | 9);
        let want = if approximate { 6400.0 } else { 625.0 };
        assert!((month - want).abs() < 800.0, "{} → {}: a month's variance {month}, want {want}", w[0].0, w[1].0);
        assert!(w[1].1 > w[0].1, "Russia gained every month of 2024");
    }
    let december = rows[end_2024 - 1].2.powi(2) - rows[end_2024].2.powi(2);
    assert!(december >= 277.0f64.powi(2), "December 2024's change: variance {december}");
    // Consecutive sds all differ: the filter reads the file as a cumulative series.
    assert!(rows.windows(2).all(|w| w[0].2 != w[1].2));
}

#[test]
fn the_issues_origins_all_exist_on_the_shipped_deepstate_series() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/observations/deepstate-km2.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut rows = Vec::new();
    for (i, l) in text.lines().enumerate().skip(1) {
        let f: Vec<&str> = l.splitn(5, ',').collect();
        let p: Vec<i32> = f[0].split('-').map(|x| x.parse().unwrap()).collect();
        let date = d(p[0], p[1] as u32, p[2] as u32);
        let what = match f[1] {
            "km2_held" => Observed::Km2Held { value: f[2].parse().unwrap(), sd: f[3].parse().unwrap() },
            "state" => Observed::State(WarState::Fighting),
            q => panic!("unexpected quantity {q}"),
        };
        rows.push(Observation { line: i + 1, date, what, source: String::new() });
    }
    let obs = Observations::from_validated(rows);
    for k in 0..18 {
        let origin = add_months(d(2024, 6, 1), k);
        let set = setup_assimilating("u", ukraine(), &obs, origin, &[1, 3, 6], 1).unwrap();
        assert!(set.is_ok(), "origin {origin} skipped: {:?}", set.err());
    }
}

#[test]
fn a_calibrated_scenario_is_hindcast_with_its_priors_not_its_posterior() {
    // The built-in ships calibrated on the DeepState months of 2025, which a hindcast scores:
    // every origin (plain and assimilating) must forecast from the priors the calibration
    // replaced, exactly as the uncalibrated scenario would.
    let shipped = truce_engine::load::load_str("u", ukraine()).unwrap();
    let w = shipped.scenario.weighted_sample.as_ref().expect("the built-in ships calibrated");
    let prior = shipped.scenario.with_priors().unwrap().unwrap();
    let prior_text = truce_engine::load::to_toml(&prior).unwrap();
    let obs = monthly(d(2024, 1, 1), 24, 110_000.0, |_| 300.0);
    let origin = d(2025, 6, 1);
    let plain = setup_origin("u", ukraine(), &obs, origin, &[1, 3], 9).unwrap().unwrap();
    let (assim, _) = setup_assimilating("u", ukraine(), &obs, origin, &[1, 3], 9).unwrap().unwrap();
    for (what, text) in [("plain", &plain.text), ("assimilating", &assim.text)] {
        let l = truce_engine::load::load_str(what, text).unwrap();
        assert!(l.scenario.weighted_sample.is_none(), "{what}: the posterior reached a hindcast");
        for p in &w.paths {
            assert!(l.scenario.uncertainty.contains_key(p), "{what}: `{p}` has no prior");
        }
    }
    // The same setups as the uncalibrated scenario's (the drift's prior replaces the gain's).
    assert_eq!(plain.text, setup_origin("u", &prior_text, &obs, origin, &[1, 3], 9).unwrap().unwrap().text);
    let (b, _) = setup_assimilating("u", &prior_text, &obs, origin, &[1, 3], 9).unwrap().unwrap();
    assert_eq!(assim.text, b.text);
    // Without the priors put back, the posterior would be forecast (the check can fail).
    let kept = truce_engine::redate::redate(&shipped.scenario, origin).unwrap();
    assert!(kept.scenario.weighted_sample.is_some());
}
