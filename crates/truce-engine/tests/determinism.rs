//! A run is a pure function of (parameters, seed, run index): identical traces for the same
//! seed, different traces for different seeds, and no state leaking between runs of a reused
//! [`Sim`].

use truce_engine::builtin;
use truce_engine::load::load_str;
use truce_engine::params::Params;
use truce_engine::sim::{NoObserver, RunSummary, Sim};
use truce_engine::trace::{run_traced, Trace, TraceObserver};

fn params(name: &str) -> Params {
    let text = builtin::builtin(name).unwrap_or_else(|| panic!("no built-in `{name}`"));
    load_str(name, text).unwrap_or_else(|e| panic!("{e}")).params
}

fn json<T: serde::Serialize>(t: &T) -> String {
    serde_json::to_string(t).expect("serialisable")
}

/// A traced run on a given (possibly reused) workspace.
fn traced_on(sim: &mut Sim, p: &Params, seed: u64, run_index: u64) -> Trace {
    let mut obs = TraceObserver::new(p, seed);
    let s = sim.run(seed, run_index, &mut obs);
    obs.finish(&s, sim.terms())
}

#[test]
fn same_seed_gives_identical_json_trace() {
    for name in builtin::names() {
        let p = params(name);
        for seed in [0u64, 1, 42, 20_251_203, u64::MAX] {
            let a = json(&run_traced(&p, seed));
            let b = json(&run_traced(&p, seed));
            assert_eq!(a, b, "{name}, seed {seed}: two traced runs differ");
            // A freshly loaded copy of the parameters gives the same trace too.
            let c = json(&run_traced(&params(name), seed));
            assert_eq!(a, c, "{name}, seed {seed}: reloading the scenario changed the trace");
        }
    }
}

#[test]
fn different_seeds_give_different_traces() {
    for name in builtin::names() {
        let p = params(name);
        // Compare the weekly records only: the `seed` field alone would always differ.
        let weeks: Vec<String> = (1..=5u64).map(|seed| json(&run_traced(&p, seed).weeks)).collect();
        for i in 0..weeks.len() {
            for j in i + 1..weeks.len() {
                assert_ne!(weeks[i], weeks[j], "{name}: seeds {} and {} gave identical weeks", i + 1, j + 1);
            }
        }
    }
}

#[test]
fn reused_sim_matches_fresh_sim() {
    for name in builtin::names() {
        let p = params(name);
        let mut reused = Sim::new(&p);
        // Interleave seeds and run indices, observed and unobserved runs, so that any state
        // left over by one run (positions, aid, resolve, buffers) would show in the next.
        let plan: [(u64, u64); 8] = [(7, 0), (7, 1), (3, 5), (7, 0), (11, 2), (3, 5), (0, 0), (7, 1)];
        for &(seed, idx) in &plan {
            let _ = reused.run(seed ^ 0xdead, idx + 100, &mut NoObserver);
            let got = json(&traced_on(&mut reused, &p, seed, idx));
            let want = json(&traced_on(&mut Sim::new(&p), &p, seed, idx));
            assert_eq!(got, want, "{name}: reused Sim differs from a fresh one at (seed {seed}, run {idx})");
        }
    }
}

#[test]
fn params_mut_then_reset_leaves_no_trace() {
    let p = params("generic-interstate");
    let mut sim = Sim::new(&p);
    let want = sim.run(9, 4, &mut NoObserver);
    // A sampled draw written into the workspace, then reset.
    sim.params_mut().sides[0].war_cost_per_year = 3.0;
    sim.params_mut().sides[1].optimism = 90.0;
    let changed = sim.run(9, 4, &mut NoObserver);
    assert_ne!(json(&changed), json(&want), "the parameter change should matter");
    sim.reset_params(&p);
    assert_eq!(json(&sim.run(9, 4, &mut NoObserver)), json(&want));
}

#[test]
fn result_depends_only_on_seed_and_run_index() {
    for name in builtin::names() {
        let p = params(name);
        let n = 40u64;
        let seed = 12_345;
        // Forward order on one workspace.
        let mut sim = Sim::new(&p);
        let fwd: Vec<(RunSummary, Vec<f64>)> = (0..n)
            .map(|r| {
                let s = sim.run(seed, r, &mut NoObserver);
                (s, sim.terms().to_vec())
            })
            .collect();
        // Reverse order, and a stride order, on other workspaces.
        let mut sim2 = Sim::new(&p);
        for r in (0..n).rev() {
            let s = sim2.run(seed, r, &mut NoObserver);
            assert_eq!(json(&(s, sim2.terms())), json(&fwd[r as usize]), "{name}: run {r} depends on order");
        }
        let mut sim3 = Sim::new(&p);
        for r in (0..n).map(|i| (i * 7) % n) {
            let s = sim3.run(seed, r, &mut NoObserver);
            assert_eq!(json(&(s, sim3.terms())), json(&fwd[r as usize]), "{name}: run {r} depends on order");
        }
        // Different run indices are different streams.
        let distinct: std::collections::BTreeSet<String> =
            fwd.iter().map(|(s, _)| format!("{:?}", s.casualties)).collect();
        assert!(distinct.len() as u64 >= n - 1, "{name}: run indices share streams ({} distinct)", distinct.len());
        // The same run index under another seed is another stream.
        let other = Sim::new(&p).run(seed + 1, 0, &mut NoObserver);
        assert_ne!(json(&other.casualties), json(&fwd[0].0.casualties), "{name}: seed ignored");
    }
}

/// The start of a run under unchanged parameters is kept and copied (`Sim::begin`): starts
/// after the first two equal a fresh workspace's, through `run`, `start` and `restart`, and a
/// change through `params_mut` is seen at the very next start.
#[test]
fn a_kept_start_equals_a_fresh_one_and_follows_the_parameters() {
    let p = params("ukraine-2025-12");
    let mut sim = Sim::new(&p);
    for r in 0..4u64 {
        let got = json(&traced_on(&mut sim, &p, 5, r));
        assert_eq!(got, json(&traced_on(&mut Sim::new(&p), &p, 5, r)), "run {r} on a reused workspace");
    }
    // Stepping from a kept start, then a restart of the same run.
    let mut run = sim.start(5, 2);
    let stepped = sim.advance(&mut run, u32::MAX, &mut NoObserver).expect("ends by the horizon");
    sim.restart(&mut run, 5, 2);
    let again = sim.advance(&mut run, u32::MAX, &mut NoObserver).expect("ends by the horizon");
    let fresh = Sim::new(&p).run(5, 2, &mut NoObserver);
    assert_eq!(json(&stepped), json(&fresh));
    assert_eq!(json(&again), json(&fresh));
    // A change of the parameters between starts.
    let mut q = p.clone();
    q.sides[0].optimism += 40.0;
    sim.params_mut().sides[0].optimism += 40.0;
    let changed = json(&traced_on(&mut sim, &q, 5, 1));
    assert_eq!(changed, json(&traced_on(&mut Sim::new(&q), &q, 5, 1)), "the change is seen at the next start");
    assert_ne!(changed, json(&traced_on(&mut Sim::new(&p), &p, 5, 1)), "the change should matter");
    for r in 0..3u64 {
        assert_eq!(json(&traced_on(&mut sim, &q, 5, r)), json(&traced_on(&mut Sim::new(&q), &q, 5, r)));
    }
}
