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

#[test]
fn an_assimilating_origin_never_sees_later_observations_and_learns_from_earlier_ones() {
    let obs = monthly(d(2024, 1, 1), 24, 105_000.0, |i| 300.0 + 40.0 * (i % 5) as f64);
    let origin = d(2025, 3, 1);
    let changed = Observations::from_validated(
        obs.rows()
            .iter()
            .map(|o| {
                let mut o = o.clone();
                if o.date >= origin {
                    if let Observed::Km2Held { value, sd } = o.what {
                        o.what = Observed::Km2Held { value: value * 1.1 + 7.0, sd };
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
    let hb =
        hindcast("u", ukraine(), &changed, &HindcastOptions { threads: Some(2), ..opts.clone() }, &|_, _| {}).unwrap();
    assert_eq!(ha.origins[0].fan, hb.origins[0].fan, "the forecast at the origin must be identical bit for bit");
    assert_ne!(ha.origins[0].cases, hb.origins[0].cases);
    let f = ha.origins[0].filter.as_ref().expect("an assimilating origin reports its filter");
    // The window holds 13 month-ends (29 Feb 2024 to 28 Feb 2025); the first is the start, so
    // 12 km² and 12 state rows are assimilated; the forecast's week 0 begins on or after the
    // origin.
    assert_eq!(f.observations, 24, "{f:?}");
    assert!(f.as_of < origin && f.loglik.is_finite());
    assert!(ha.origins[0].fan[0].date >= origin);
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
