//! Scoring a forecast against observations: which observations are scored, against which
//! week, by which forecaster, and the totals over identical cases.

use truce_forecast::observation::{CivilDate, Observation, Observations, Observed, WarState};
use truce_forecast::score::{crps_point, PiecewiseUniform};
use truce_forecast::scorecard::{score, Means, Scores, WeeklyForecast};

struct Flat {
    start: CivilDate,
    weeks: u32,
}

impl WeeklyForecast for Flat {
    fn start(&self) -> CivilDate {
        self.start
    }
    fn weeks(&self) -> u32 {
        self.weeks
    }
    fn km2(&self, week: u32) -> Option<PiecewiseUniform> {
        let c = 1000.0 + 10.0 * week as f64;
        Some(PiecewiseUniform::new(vec![c - 50.0, c + 50.0], vec![1.0]).unwrap())
    }
    fn casualties(&self, _side: usize, _week: u32) -> Option<PiecewiseUniform> {
        None
    }
    fn states(&self, _week: u32) -> Option<[u64; 6]> {
        Some([90, 0, 10, 0, 0, 0])
    }
}

fn d(y: i32, m: u32, day: u32) -> CivilDate {
    CivilDate { year: y, month: m, day }
}

fn km2(line: usize, date: CivilDate, value: f64) -> Observation {
    Observation { line, date, what: Observed::Km2Held { value, sd: 10.0 }, source: String::new() }
}

fn state(line: usize, date: CivilDate, s: WarState) -> Observation {
    Observation { line, date, what: Observed::State(s), source: String::new() }
}

fn sides() -> Vec<String> {
    vec!["a".into(), "b".into()]
}

#[test]
fn scores_what_lies_inside_the_forecast() {
    let f = Flat { start: d(2025, 3, 1), weeks: 8 };
    let obs = Observations::from_validated(vec![
        km2(2, d(2024, 12, 31), 900.0),
        state(3, d(2024, 12, 31), WarState::Fighting),
        km2(4, d(2025, 1, 31), 940.0),
        state(5, d(2025, 1, 31), WarState::Fighting),
        km2(6, d(2025, 2, 28), 990.0),
        state(7, d(2025, 2, 28), WarState::Fighting),
        km2(8, d(2025, 3, 31), 1040.0),
        state(9, d(2025, 3, 31), WarState::Ceasefire),
        km2(10, d(2025, 4, 30), 1100.0),
        km2(11, d(2025, 5, 31), 1150.0),
    ]);
    let card = score(&f, &sides(), &obs, 1);
    assert_eq!(card.before_start, 6);
    assert_eq!(card.after_end, 2);
    assert_eq!(card.cases.len(), 2);
    let c = &card.cases[0];
    // 31 March is day 30: nearest week end is week 3's (day 27).
    assert_eq!((c.week, c.week_end), (3, d(2025, 3, 28)));
    let Scores::Numeric { crps, median, in_90, .. } = c.truce else { panic!() };
    assert!((median - 1030.0).abs() < 1e-9);
    assert!(in_90);
    let u = PiecewiseUniform::new(vec![980.0, 1080.0], vec![1.0]).unwrap();
    assert!((crps - u.crps(1040.0)).abs() < 1e-12);
    let Some(Scores::Numeric { crps: nc, .. }) = c.no_change else { panic!() };
    assert_eq!(nc, crps_point(990.0, 1040.0));
    assert!(matches!(c.drift_12m, Some(Scores::Numeric { .. })));
    let s = &card.cases[1];
    assert_eq!(s.state.as_deref(), Some("ceasefire"));
    let Scores::State { p_observed, log_score, .. } = s.truce else { panic!() };
    assert!((p_observed - 10.5 / 103.0).abs() < 1e-15);
    assert!((log_score + p_observed.ln()).abs() < 1e-15);
    // Persistence: 2 of 2 pairs stayed fighting: P(fighting) = 2.5/3, the rest over 5.
    let Some(Scores::State { p_observed: pn, .. }) = s.no_change else { panic!() };
    assert!((pn - (0.5 / 3.0) / 5.0).abs() < 1e-15);
    assert_eq!(card.totals.len(), 2);
    assert_eq!(card.totals[0].quantity, "km2_held");
    assert_eq!((card.totals[0].cases, card.totals[0].compared), (1, 1));
    let Some(Means::Numeric { crps: mean, coverage_90, .. }) = card.totals[0].truce else { panic!() };
    assert_eq!(mean, crps);
    assert_eq!(coverage_90, 1.0);
    assert_eq!(card.totals[1].quantity, "state");
    // Same inputs, same card (keyed randomness).
    assert_eq!(card, score(&f, &sides(), &obs, 1));
}

#[test]
fn cases_without_history_are_scored_but_not_compared() {
    let f = Flat { start: d(2025, 3, 1), weeks: 8 };
    let obs = Observations::from_validated(vec![km2(2, d(2025, 3, 10), 1000.0), km2(3, d(2025, 3, 20), 1010.0)]);
    let card = score(&f, &sides(), &obs, 1);
    assert_eq!(card.cases.len(), 2);
    assert!(card.cases.iter().all(|c| c.no_change.is_none() && c.drift_12m.is_none()));
    assert!(card.cases[0].notes[0].contains("no observation of this quantity before the forecast's start"));
    assert_eq!((card.totals[0].cases, card.totals[0].compared), (2, 0));
    assert!(card.totals[0].no_change.is_none());
}

#[test]
fn missing_distributions_are_listed() {
    let f = Flat { start: d(2025, 3, 1), weeks: 8 };
    let obs = Observations::from_validated(vec![Observation {
        line: 2,
        date: d(2025, 3, 10),
        what: Observed::Casualties { side: 1, value: 5.0, sd: 1.0 },
        source: String::new(),
    }]);
    let card = score(&f, &sides(), &obs, 1);
    assert!(card.cases.is_empty());
    assert!(card.not_scored[0].reason.contains("casualties_b"));
}

/// A stored forecast (the aggregate a forecast or a merged part holds) scores `km2_held`,
/// `casualties_<side>` and `state` observations: its weekly distributions and state counts
/// are the ones the summary reports.
#[test]
fn a_stored_forecast_scores_km2_casualties_and_states() {
    use truce_forecast::job::{ForecastJob, Hooks, JobOutput, Source};
    use truce_forecast::scorecard::Stored;
    let mut j = ForecastJob::new(Source::Builtin("ukraine-2025-12".into()), 200, 3);
    j.horizon = Some(30);
    let p = j.prepare().unwrap();
    let JobOutput::Forecast(f) = p.run(Hooks::none()).unwrap() else { panic!("no shard was asked for") };
    let a = &f.aggregate;
    let stored = Stored { aggregate: a, start: f.summary.start };
    let week = 9;
    let counts = stored.states(week).unwrap();
    assert_eq!(counts.iter().sum::<u64>(), 200);
    assert_eq!(counts[WarState::Fighting.index()] as f64 / 200.0, f.summary.states_by_week[9].p["fighting"]);
    let cas = stored.casualties(1, week).unwrap();
    let median = f.summary.casualties_by_week[&f.summary.sides[1]][9].p50;
    assert!(
        (cas.quantile(0.5) - median).abs() <= a.cum_casualties[1].bin_width() + 1e-9,
        "{} vs {median}",
        cas.quantile(0.5)
    );
    assert!(stored.casualties(2, week).is_none() && stored.states(30).is_none());
    let date = truce_forecast::scorecard::week_end(f.summary.start, week);
    let obs = Observations::from_validated(vec![
        Observation {
            line: 2,
            date,
            what: Observed::Casualties { side: 1, value: median, sd: 1.0 },
            source: String::new(),
        },
        state(3, date, WarState::Fighting),
        km2(4, date, f.summary.km2_quantiles[9].p50),
    ]);
    let sides = f.summary.sides.clone();
    let card = score(&stored, &sides, &obs, 1);
    assert!(card.not_scored.is_empty(), "{:?}", card.not_scored);
    assert_eq!(card.cases.len(), 3);
    let q: Vec<&str> = card.cases.iter().map(|c| c.quantity.as_str()).collect();
    assert!(q.contains(&"state") && q.contains(&"km2_held") && q.iter().any(|x| x.starts_with("casualties_")), "{q:?}");
}
