//! Horizon independence: the horizon only says where a run stops. For weeks before a horizon
//! h1, a run's states, line, casualties, events, talk rounds and breakdowns are the same under
//! any longer horizon h2 (same seed, same run index, same parameter draws), and a run cut at
//! h1 ends in the state its longer twin is in at week h1 − 1.

use truce_engine::builtin;
use truce_engine::load::{load_str, Loaded};
use truce_engine::outcome::{WarEvent, WarState};
use truce_engine::params::Params;
use truce_engine::sim::Sim;
use truce_engine::trace::{Trace, TraceObserver};

fn loaded(name: &str) -> Loaded {
    load_str(name, builtin::builtin(name).expect("built-in")).unwrap_or_else(|e| panic!("{e}"))
}

/// Run `run` of `seed` with its parameters drawn as a forecast draws them (a key of our own:
/// any draw will do, as long as both horizons use the same), under horizon `h`.
fn traced(l: &Loaded, seed: u64, run: u64, h: u32) -> Trace {
    let mut p: Params = l.params.clone();
    let mut sampled = vec![0.0; l.uncertainty.len()];
    let mut prng = truce_engine::run_rng(seed ^ 0x1234_5678, run);
    l.uncertainty.apply(&mut prng, &mut sampled, &mut p);
    p.horizon = h;
    let mut sim = Sim::new(&p);
    let mut obs = TraceObserver::new(&p, seed);
    let s = sim.run(seed, run, &mut obs);
    obs.finish(&s, sim.terms())
}

fn json<T: serde::Serialize>(t: &T) -> String {
    serde_json::to_string(t).expect("serialisable")
}

#[test]
fn weeks_before_the_horizon_do_not_depend_on_it() {
    let pairs = [(1u32, 2u32), (13, 60), (52, 104), (60, 156), (104, 156), (156, 400)];
    let mut cut_in_ceasefire = 0;
    let mut cut_fighting = 0;
    let mut ended_before = 0;
    for name in builtin::names() {
        let l = loaded(name);
        for seed in [1u64, 7, 2026] {
            for run in 0..24u64 {
                for (h1, h2) in pairs {
                    let (a, b) = (traced(&l, seed, run, h1), traced(&l, seed, run, h2));
                    let at = format!("{name}, seed {seed}, run {run}, horizons {h1}/{h2}");
                    // Every simulated week is reported, in order, with no gaps.
                    for (i, w) in a.weeks.iter().chain(&b.weeks).enumerate() {
                        let expect = if i < a.weeks.len() { i } else { i - a.weeks.len() };
                        assert_eq!(w.week as usize, expect, "{at}: week {} out of order", w.week);
                    }
                    let n = a.weeks.len();
                    assert!(n <= h1 as usize, "{at}: {n} weeks reported past the horizon");
                    assert!(b.weeks.len() >= n, "{at}: the longer horizon reported fewer weeks");
                    assert_eq!(json(&a.weeks), json(&b.weeks[..n].to_vec()), "{at}: weeks differ");
                    let before = |t: &Trace| {
                        (
                            json(&t.rounds.iter().filter(|r| r.week < h1).collect::<Vec<_>>()),
                            json(&t.events.iter().filter(|e| e.week < h1).collect::<Vec<_>>()),
                            t.breakdowns.iter().filter(|&&w| w < h1).copied().collect::<Vec<_>>(),
                        )
                    };
                    assert_eq!(before(&a), before(&b), "{at}: rounds, events or breakdowns differ");
                    let (oa, ob) = (a.outcome.as_ref().unwrap(), b.outcome.as_ref().unwrap());
                    // Events dated before h1 are the same.
                    for e in WarEvent::ALL {
                        let wa = oa.event_weeks.get(e.name());
                        let wb = ob.event_weeks.get(e.name()).filter(|&&w| w < h1);
                        assert_eq!(wa, wb, "{at}: event {} dated differently", e.name());
                    }
                    if b.weeks.len() == n {
                        // The run ended by h1: the whole run is the same.
                        assert_eq!(json(&a), json(&b), "{at}: a run that ended by h1 differs");
                        ended_before += 1;
                    } else {
                        // Cut at h1: its final state is the state of week h1 − 1, and the
                        // line and casualties are those of that week.
                        let last = &b.weeks[h1 as usize - 1];
                        assert_eq!(oa.state, last.state, "{at}: final state");
                        assert_eq!(oa.km2_held, last.km2, "{at}: final line");
                        match oa.state {
                            WarState::Ceasefire => cut_in_ceasefire += 1,
                            WarState::Fighting => cut_fighting += 1,
                            s => panic!("{at}: a run cut by the horizon ended in {s:?}"),
                        }
                    }
                }
            }
        }
    }
    // The cases the property is about all occur (else the test proves nothing).
    assert!(
        cut_in_ceasefire > 0 && cut_fighting > 0 && ended_before > 0,
        "{cut_in_ceasefire}/{cut_fighting}/{ended_before}"
    );
}

#[test]
fn a_ceasefire_in_force_at_the_horizon_is_reported_week_by_week() {
    let l = loaded("ukraine-2025-12");
    let h = 156;
    let mut found = 0;
    for run in 0..200u64 {
        let t = traced(&l, 7, run, h);
        let o = t.outcome.as_ref().unwrap();
        if o.state != WarState::Ceasefire {
            continue;
        }
        found += 1;
        assert_eq!(t.weeks.len(), h as usize, "run {run}: every week up to the horizon is reported");
        let agreed = o.week as usize;
        assert!(o.event_weeks.contains_key("ceasefire_agreed"));
        assert!(t.weeks[agreed..].iter().all(|w| w.state == WarState::Ceasefire), "run {run}");
        // The agreement week was fought; the weeks after it are quiet.
        let quiet: Vec<bool> = t.weeks[agreed..].iter().map(|w| w.ceasefire).collect();
        assert!(!quiet[0] && quiet[1..].iter().all(|&q| q), "run {run}, agreed in week {agreed}: {quiet:?}");
        // Before it: fighting, or a ceasefire that broke down in the agreement week itself.
        assert!(
            agreed == 0 || t.weeks[agreed - 1].state == WarState::Fighting || t.breakdowns.contains(&o.week),
            "run {run}"
        );
    }
    assert!(found > 0, "no run of 200 ended in a ceasefire in force");
}
