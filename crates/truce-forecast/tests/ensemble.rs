//! The ensemble: bit-identical for any thread count and any sharding; probabilities that sum
//! to 1; standard errors that shrink like 1/√n; base rates of the generic scenario.

use std::sync::atomic::AtomicBool;
use truce_engine::builtin;
use truce_engine::load::{load_str, Loaded};
use truce_engine::outcome::WarState;
use truce_forecast::ensemble::{fingerprint, run_forecast, ForecastAggregate, ForecastOptions};
use truce_forecast::summary::summarise;

fn loaded(name: &str) -> (Loaded, String) {
    let text = builtin::builtin(name).unwrap().to_string();
    (load_str(name, &text).unwrap(), text)
}

fn forecast(l: &Loaded, text: &str, seed: u64, first: u64, runs: u64, threads: usize, chunk: u64) -> ForecastAggregate {
    let fp = fingerprint(text, seed, l.params.horizon);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    let opts = ForecastOptions { seed, first_run: first, runs, chunk };
    let cancel = AtomicBool::new(false);
    pool.install(|| run_forecast(l, &fp, &opts, &|_| {}, &cancel, None)).unwrap().aggregate
}

fn json(l: &Loaded, a: &ForecastAggregate) -> String {
    serde_json::to_string(&summarise(a, l.params.start, false)).unwrap()
}

#[test]
fn identical_for_1_2_and_4_threads_and_any_chunking() {
    let (l, text) = loaded("ukraine-2025-12");
    let one = json(&l, &forecast(&l, &text, 11, 0, 3000, 1, 1000));
    assert_eq!(one, json(&l, &forecast(&l, &text, 11, 0, 3000, 2, 1000)), "2 threads");
    assert_eq!(one, json(&l, &forecast(&l, &text, 11, 0, 3000, 4, 1000)), "4 threads");
    assert_eq!(one, json(&l, &forecast(&l, &text, 11, 0, 3000, 3, 257)), "3 threads, odd chunks");
    // The aggregate itself, not only the summary, is identical.
    assert_eq!(forecast(&l, &text, 11, 0, 3000, 1, 1000), forecast(&l, &text, 11, 0, 3000, 4, 700));
}

#[test]
fn three_shards_merged_equal_one_pass() {
    let (l, text) = loaded("ukraine-2025-12");
    let whole = forecast(&l, &text, 5, 0, 2500, 2, 1024);
    let mut parts = vec![
        forecast(&l, &text, 5, 0, 800, 1, 1024),
        forecast(&l, &text, 5, 800, 900, 2, 333),
        forecast(&l, &text, 5, 1700, 800, 2, 1024),
    ];
    // Merge in a scrambled order: merging is exact and order-free.
    let mut merged = parts.remove(1);
    merged.merge(&parts[1]).unwrap();
    merged.merge(&parts[0]).unwrap();
    assert_eq!(merged, whole);
    assert_eq!(json(&l, &merged), json(&l, &whole));
    // Different seeds cannot merge.
    let other = forecast(&l, &text, 6, 0, 10, 1, 10);
    assert!(merged.merge(&other).is_err());
}

#[test]
fn state_shares_sum_to_one_and_events_only_accumulate() {
    let (l, text) = loaded("ukraine-2025-12");
    let a = forecast(&l, &text, 3, 0, 2000, 2, 1000);
    // Exactly in counts: every run is in one state each week.
    for w in 0..a.horizon {
        let total: u64 = (0..WarState::COUNT).map(|s| a.states.count(w, s)).sum();
        assert_eq!(total, a.runs, "week {w}");
    }
    let s = summarise(&a, l.params.start, false);
    for row in &s.at {
        let total: f64 = row.states.values().map(|p| p.p).sum();
        assert!((total - 1.0).abs() < 1e-5, "{}: {total}", row.label);
        for p in row.states.values().chain(row.events.values()) {
            assert!((0.0..=1.0).contains(&p.p));
        }
    }
    for row in &s.states_by_week {
        let total: f64 = row.p.values().sum();
        assert!((total - 1.0).abs() < 1e-5, "week {}: {total}", row.week);
    }
    for pair in s.events_by_week.windows(2) {
        for (k, p) in &pair[1].p {
            assert!(*p >= pair[0].p[k], "{k} fell in week {}", pair[1].week);
        }
    }
    // Every state but fighting ends high-intensity war, so the share of runs that left it by
    // a week is at least the share not fighting in that week; and the first ceasefire by a
    // week is at least the share in a ceasefire then.
    for (e, st) in s.events_by_week.iter().zip(&s.states_by_week) {
        assert!(e.p["high_intensity_ended"] + 1e-9 >= 1.0 - st.p["fighting"], "week {}", e.week);
        assert!(e.p["ceasefire_agreed"] + 1e-9 >= st.p["ceasefire"], "week {}", e.week);
    }
    let cf = s.ceasefire_held_to_horizon;
    assert_eq!(cf.p, s.at.last().unwrap().states["ceasefire"].p);
}

#[test]
fn standard_errors_shrink_like_one_over_root_n() {
    let (l, text) = loaded("ukraine-2025-12");
    let se = |n: u64| {
        let s = summarise(&forecast(&l, &text, 21, 0, n, 2, 4096), l.params.start, false);
        let p = &s.at.last().unwrap().events["ceasefire_agreed"];
        (p.se, p.p)
    };
    let (se1, p1) = se(1000);
    let (se4, p4) = se(16000);
    // 16× the runs: the standard error falls 4×, up to the change in p between the two runs
    // (each SE is √(p(1−p)/n); the ratio's p-part is checked separately).
    let expected = ((p1 * (1.0 - p1)) / (p4 * (1.0 - p4))).sqrt() * 4.0;
    assert!(se4 > 0.0 && ((se1 / se4) / expected - 1.0).abs() < 1e-3, "{se1} / {se4} vs {expected}");
    assert!((se1 / se4 - 4.0).abs() < 0.6, "ratio {}", se1 / se4);
}

// The generic scenario's durations against the Correlates of War are tested on the war's first
// end (the first week it leaves high-intensity war) in `truce-engine/tests/endings.rs`: the
// forecast's incidence dates final states, and a ceasefire that breaks down or low activity
// that flares up is not one.

/// The line at the first ceasefire is recorded once for every run that agreed a ceasefire by
/// the horizon (its count is the `ceasefire_agreed` event's at the horizon, exactly), lies in
/// the scenario's range, and moves toward the winner when the winner can demand territory
/// (`ceasefire_terms.handover`, `sim/terms.rs`), and more runs freeze when the winner weighs
/// the freeze at the line handed over.
#[test]
fn the_line_at_the_first_ceasefire_counts_every_first_ceasefire() {
    // The built-in with Russia's demand fixed at `share` (its `[uncertainty]` row dropped).
    let fixed = |share: f64| {
        let text: String = builtin::builtin("ukraine-2025-12")
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with("\"ceasefire_terms.handover\""))
            .map(|l| if l.starts_with("handover = ") { format!("handover = {share}\n") } else { format!("{l}\n") })
            .collect();
        assert_eq!(text.matches(&format!("handover = {share}\n")).count(), 1);
        (load_str("handover", &text).unwrap(), text)
    };
    let (l, text) = fixed(0.0);
    let a = forecast(&l, &text, 5, 0, 4000, 2, 1000);
    let s = summarise(&a, l.params.start, false);
    let agreed = s.at.last().unwrap().events["ceasefire_agreed"].p;
    let cl = &s.ceasefire_line;
    assert_eq!(cl.n, (agreed * a.runs as f64).round() as u64);
    assert!(cl.n > 50, "too few ceasefires for the test to fail: {}", cl.n);
    let (lo, hi) = (l.params.km2_knots.first().unwrap().1, l.params.km2_knots.last().unwrap().1);
    assert!(lo <= cl.p10 && cl.p10 <= cl.p50 && cl.p50 <= cl.p90 && cl.p90 <= hi, "{cl:?}");
    // Russia (the first side) imposes nearly every ceasefire here; with a demand of its whole
    // territorial position the line where the war froze moves its way.
    let (ld, demand) = fixed(1.0);
    let d = summarise(&forecast(&ld, &demand, 5, 0, 4000, 2, 1000), ld.params.start, false);
    // A winner that refused the freeze at the line as it stands may accept it with territory
    // handed over (`sim/terms.rs`): more runs agree a ceasefire.
    assert!(d.ceasefire_line.n > cl.n, "{} first ceasefires with a demand, {} without", d.ceasefire_line.n, cl.n);
    assert!(
        d.ceasefire_line.p50 > cl.p50 + 1000.0,
        "median {} with a demand, {} without",
        d.ceasefire_line.p50,
        cl.p50
    );
}

/// What broke each side (`collapse_causes`): per side, the causes count every run that ended
/// in its collapse, exactly the runs in its `collapsed_*` state at the horizon; in the default
/// scenario Ukraine's collapses include the front past its threshold and breaks before its
/// floors, so the table can tell them apart. The summary's shares are the counts over runs.
#[test]
fn collapse_causes_sum_to_the_collapses_at_the_horizon() {
    use truce_engine::outcome::CollapseCause;
    let (l, text) = loaded("ukraine-2025-12");
    let a = forecast(&l, &text, 3, 0, 2000, 2, 500);
    let at_horizon = a.state_counts(a.horizon - 1).unwrap();
    let k = CollapseCause::COUNT;
    assert_eq!(a.collapse_causes.len(), 2 * k);
    for side in 0..2 {
        let by_cause = &a.collapse_causes[side * k..(side + 1) * k];
        let total: u64 = by_cause.iter().sum();
        assert_eq!(total, at_horizon[WarState::collapsed(side).index()], "side {side}: {by_cause:?}");
    }
    let ukraine = &a.collapse_causes[k..];
    assert!(ukraine[CollapseCause::Front.index()] > 0, "{ukraine:?}");
    assert!(ukraine[CollapseCause::Broke.index()] > 0, "{ukraine:?}");
    let s = summarise(&a, l.params.start, false);
    let share = s.collapse_causes["ukraine"]["front"].p;
    assert!((share - ukraine[CollapseCause::Front.index()] as f64 / 2000.0).abs() < 1e-6, "{share}");
}
