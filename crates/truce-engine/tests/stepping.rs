//! The stepping API: a run started with `Sim::start` and advanced in pieces (`Sim::advance`)
//! is the run of `Sim::run`, bit for bit; a snapshot (`Run::clone`) restored later continues
//! exactly as the original did; runs advanced in turn on one `Sim` (as a particle filter does)
//! do not disturb each other; parameters changed mid-run and `refresh`ed take effect from
//! the next week on.

use truce_engine::builtin;
use truce_engine::load::{load_str, Loaded};
use truce_engine::params::Params;
use truce_engine::sim::{NoObserver, Run, Sim};
use truce_engine::trace::{Trace, TraceObserver};

fn loaded(name: &str) -> Loaded {
    load_str(name, builtin::builtin(name).expect("built-in")).unwrap_or_else(|e| panic!("{e}"))
}

/// The parameters of run `run`, drawn from the scenario's `[uncertainty]`.
fn drawn(l: &Loaded, seed: u64, run: u64, horizon: u32) -> Params {
    let mut p: Params = l.params.clone();
    let mut sampled = vec![0.0; l.uncertainty.len()];
    let mut prng = truce_engine::run_rng(seed ^ 0x1234_5678, run);
    l.uncertainty.apply(&mut prng, &mut sampled, &mut p);
    p.horizon = horizon;
    p
}

fn json<T: serde::Serialize>(t: &T) -> String {
    serde_json::to_string(t).expect("serialisable")
}

fn in_one_go(p: &Params, seed: u64, run: u64) -> String {
    let mut sim = Sim::new(p);
    let mut obs = TraceObserver::new(p, seed);
    let s = sim.run(seed, run, &mut obs);
    json(&obs.finish(&s, sim.terms()))
}

/// Advances `r` to its end in pieces of the given lengths (cycled), all weeks seen by `obs`.
fn in_pieces(sim: &mut Sim, r: &mut Run, pieces: &[u32], mut obs: TraceObserver<'_>) -> Trace {
    let mut i = 0;
    let summary = loop {
        let until = r.week() + pieces[i % pieces.len()];
        if let Some(s) = sim.advance(r, until, &mut obs) {
            break s;
        }
        i += 1;
    };
    // Advancing an ended run changes nothing and returns the same summary.
    assert_eq!(sim.advance(r, u32::MAX, &mut NoObserver), Some(summary));
    obs.finish(&summary, r.terms())
}

#[test]
fn a_run_advanced_in_pieces_is_the_run_in_one_go() {
    let mut compared = 0;
    for name in builtin::names() {
        let l = loaded(name);
        for seed in [3u64, 2026] {
            for run in 0..12u64 {
                let p = drawn(&l, seed, run, 260);
                let whole = in_one_go(&p, seed, run);
                for pieces in [&[1u32][..], &[5, 1, 13], &[52], &[400]] {
                    let mut sim = Sim::new(&p);
                    let mut r = sim.start(seed, run);
                    assert_eq!(r.week(), 0);
                    let t = in_pieces(&mut sim, &mut r, pieces, TraceObserver::new(&p, seed));
                    assert_eq!(json(&t), whole, "{name}, seed {seed}, run {run}, pieces {pieces:?}");
                    compared += 1;
                }
            }
        }
    }
    assert!(compared >= 48, "only {compared} comparisons");
}

#[test]
fn a_snapshot_restored_continues_as_the_original_did() {
    for name in builtin::names() {
        let l = loaded(name);
        for run in 0..8u64 {
            let p = drawn(&l, 11, run, 208);
            let whole = in_one_go(&p, 11, run);
            let mut sim = Sim::new(&p);
            let mut obs = TraceObserver::new(&p, 11);
            let mut r = sim.start(11, run);
            sim.advance(&mut r, 30, &mut obs);
            let snapshot = r.clone();
            // The original goes on to the end, unobserved ...
            sim.advance(&mut r, u32::MAX, &mut NoObserver);
            let ended = *r.ended().expect("ended at the horizon at the latest");
            // ... and the restored snapshot goes the same way, with the same draws: the weeks
            // before the snapshot and those after it make the whole run.
            r.clone_from(&snapshot);
            assert_eq!(r.week(), snapshot.week());
            let t = in_pieces(&mut sim, &mut r, &[7], obs);
            assert_eq!(r.ended(), Some(&ended), "{name} run {run}: the restored run ended differently");
            assert_eq!(json(&t), whole, "{name} run {run}");
        }
    }
}

#[test]
fn runs_advanced_in_turn_on_one_sim_do_not_disturb_each_other() {
    let l = loaded("ukraine-2025-12");
    let p = drawn(&l, 5, 0, 156);
    let wholes: Vec<String> = (0..6).map(|i| in_one_go(&p, 5, i)).collect();
    let mut sim = Sim::new(&p);
    let mut runs: Vec<Run> = (0..6).map(|i| sim.start(5, i)).collect();
    let mut obs: Vec<TraceObserver> = (0..6).map(|_| TraceObserver::new(&p, 5)).collect();
    let mut ends = vec![None; 6];
    for until in (4..=160).step_by(4) {
        for (i, (r, o)) in runs.iter_mut().zip(obs.iter_mut()).enumerate() {
            ends[i] = sim.advance(r, until, o);
        }
    }
    for (i, o) in obs.into_iter().enumerate() {
        let t = o.finish(&ends[i].expect("ended by the horizon"), runs[i].terms());
        assert_eq!(json(&t), wholes[i], "run {i}");
    }
}

#[test]
fn changed_parameters_take_effect_from_the_next_week() {
    let l = loaded("ukraine-2025-12");
    let mut p = drawn(&l, 5, 0, 104);
    // The run must still be fought at week 60 for the front to show the change: no side
    // breaks before its floors here.
    for s in 0..2 {
        p.politics[s].collapse_per_year = 0.0;
    }
    let mut sim = Sim::new(&p);
    // The first run still fought at week 60 (no ceasefire, no end before).
    let run = (0..200u64)
        .find(|&i| {
            let mut r = sim.start(5, i);
            sim.advance(&mut r, 60, &mut NoObserver);
            r.ended().is_none() && r.state() == truce_engine::sim::WarState::Fighting
        })
        .expect("a run still fought at week 60");
    let mut a = sim.start(5, run);
    sim.advance(&mut a, 20, &mut NoObserver);
    let mut b = a.clone();
    sim.advance(&mut a, 60, &mut NoObserver);
    // The same state under a tenfold faster front moves the line further.
    let fast = sim.params().max_gain * 10.0;
    sim.params_mut().max_gain = fast;
    sim.params_mut().calibrated_gain *= 10.0;
    sim.refresh();
    sim.advance(&mut b, 60, &mut NoObserver);
    assert_ne!(a.km2(), b.km2(), "the parameters changed nothing");
}
