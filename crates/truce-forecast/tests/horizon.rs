//! The property of issue 11: for every week t ≤ h1 < h2, every by-date and at-date figure of a
//! forecast is identical bit for bit between horizons h1 and h2 (same scenario, seed and
//! runs). Checked on the summary (weekly rows, the rows at 3–36 months, complete months) and
//! on the aggregate's distributions (what proper scores are computed from), over several
//! (h1, h2, seed) on both built-in scenarios.

use serde::Serialize;
use truce_engine::outcome::{WarEvent, WarState};
use truce_forecast::job::{Forecast, ForecastJob, Hooks, JobOutput, Source};
use truce_forecast::score::PiecewiseUniform;

fn forecast(name: &str, runs: u64, seed: u64, horizon: u32) -> Forecast {
    let mut j = ForecastJob::new(Source::Builtin(name.into()), runs, seed);
    j.horizon = Some(horizon);
    j.threads = Some(2);
    match j.prepare().unwrap().run(Hooks::none()).unwrap() {
        JobOutput::Forecast(f) => *f,
        JobOutput::Part(_) => panic!("no shard was asked for"),
    }
}

fn json<T: Serialize>(t: &T) -> String {
    serde_json::to_string(t).unwrap()
}

/// The JSON of rows whose `week` is before `h`.
fn before<T: Serialize>(rows: &[T], h: u32, week: impl Fn(&T) -> u32) -> String {
    json(&rows.iter().filter(|r| week(r) < h).collect::<Vec<_>>())
}

/// A stored distribution's edges and probabilities as bits (`None` when not stored).
fn bits_of(d: Option<PiecewiseUniform>) -> Option<(Vec<u64>, Vec<u64>)> {
    let d = d.expect("every week before the horizon holds a distribution");
    Some((d.edges().iter().map(|x| x.to_bits()).collect(), d.probs().iter().map(|x| x.to_bits()).collect()))
}

fn same_before(a: &Forecast, b: &Forecast, h1: u32, at: &str) {
    let (s1, s2) = (&a.summary, &b.summary);
    assert_eq!(s1.events_by_week.len(), h1 as usize);
    assert_eq!(json(&s1.events_by_week), before(&s2.events_by_week, h1, |r| r.week), "{at}: events by week");
    assert_eq!(json(&s1.states_by_week), before(&s2.states_by_week, h1, |r| r.week), "{at}: states by week");
    assert_eq!(json(&s1.km2_quantiles), before(&s2.km2_quantiles, h1, |r| r.week), "{at}: km² quantiles");
    assert_eq!(json(&s1.km2_change_quantiles), before(&s2.km2_change_quantiles, h1, |r| r.week), "{at}: change");
    assert_eq!(json(&s1.range_open), before(&s2.range_open, h1, |r| r.week), "{at}: open range");
    assert_eq!(json(&s1.monthly_change), before(&s2.monthly_change, h1, |r| r.to_week), "{at}: monthly change");
    for (side, rows) in &s1.casualties_by_week {
        assert_eq!(json(rows), before(&s2.casualties_by_week[side], h1, |r| r.week), "{at}: casualties of {side}");
    }
    // Rows at 3, 6, 12, ... months: the same figures in both where they lie within h1.
    for r in s1.at.iter().filter(|r| r.label != "horizon") {
        let twin = s2.at.iter().find(|x| x.label == r.label).unwrap_or_else(|| panic!("{at}: no {} row", r.label));
        assert_eq!(json(r), json(twin), "{at}: {}", r.label);
    }
    // The horizon row of h1 equals h2's weekly figures at week h1 − 1.
    let hz = s1.at.last().unwrap();
    for e in WarEvent::ALL {
        assert_eq!(hz.events[e.name()].p, s2.events_by_week[h1 as usize - 1].p[e.name()], "{at}: {}", e.name());
    }
    for s in WarState::ALL {
        assert_eq!(hz.states[s.name()].p, s2.states_by_week[h1 as usize - 1].p[s.name()], "{at}: {}", s.name());
    }
    // The distributions behind proper scores, bit for bit.
    let (a1, a2) = (&a.aggregate, &b.aggregate);
    for w in 0..h1 {
        assert_eq!(bits_of(a1.km2_distribution(w)), bits_of(a2.km2_distribution(w)), "{at}: km² week {w}");
        for side in 0..2 {
            assert_eq!(
                bits_of(a1.casualties_distribution(side, w)),
                bits_of(a2.casualties_distribution(side, w)),
                "{at}: casualties of side {side}, week {w}"
            );
        }
        assert_eq!(a1.state_counts(w), a2.state_counts(w), "{at}: state counts week {w}");
        let bits = |p: Option<[f64; WarState::COUNT]>| p.unwrap().map(f64::to_bits);
        assert_eq!(bits(a1.state_probabilities(w)), bits(a2.state_probabilities(w)), "{at}: states week {w}");
        let bits = |p: Option<[f64; WarEvent::COUNT]>| p.unwrap().map(f64::to_bits);
        assert_eq!(bits(a1.event_probabilities(w)), bits(a2.event_probabilities(w)), "{at}: events week {w}");
    }
    assert!(a1.km2_distribution(h1).is_none() && a1.state_probabilities(h1).is_none());
}

#[test]
fn figures_before_the_horizon_do_not_depend_on_it() {
    let cases: [(&str, u32, u32, u64); 7] = [
        ("ukraine-2025-12", 1, 2, 5),
        ("ukraine-2025-12", 13, 60, 11),
        ("ukraine-2025-12", 52, 104, 20_251_203),
        ("ukraine-2025-12", 52, 156, 20_251_203),
        ("ukraine-2025-12", 104, 156, 3),
        ("generic-interstate", 26, 156, 7),
        ("generic-interstate", 60, 200, 1),
    ];
    for (name, h1, h2, seed) in cases {
        let (a, b) = (forecast(name, 300, seed, h1), forecast(name, 300, seed, h2));
        same_before(&a, &b, h1, &format!("{name}, seed {seed}, horizons {h1}/{h2}"));
    }
}

/// The figure that used to depend on the horizon: the probability of a first ceasefire by 12
/// months (52 weeks) is the same at horizons 52, 104 and 156 (it was 58.3%, 33.5%, 19.3% when
/// only ceasefires that held to the horizon counted).
#[test]
fn ceasefire_by_twelve_months_is_the_same_at_every_horizon() {
    let p = |h: u32| {
        let f = forecast("ukraine-2025-12", 1000, 2026, h);
        let (e, s) = (&f.summary.events_by_week[51], &f.summary.states_by_week[51]);
        (e.p["ceasefire_agreed"], s.p["ceasefire"], f.summary.ceasefire_held_to_horizon.p)
    };
    let (a, b, c) = (p(52), p(104), p(156));
    assert_eq!((a.0, a.1), (b.0, b.1));
    assert_eq!((a.0, a.1), (c.0, c.1));
    // Held to the horizon of 52 weeks: never more than were agreed by then.
    assert!(a.2 <= a.0, "{a:?}");
}
