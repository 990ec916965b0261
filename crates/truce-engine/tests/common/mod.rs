//! What the theory and base-rate tests share: the frozen theory scenario, runs under common
//! random numbers, and the statistics behind every stated margin.
//!
//! **Common random numbers.** Arms that differ only in the factor under test run the same
//! run indices of the same seed, so run i of every arm starts from the same random stream: a
//! difference between arms comes from the factor, not from different draws. Paired
//! statistics ([`paired`]) then compare run i with run i. Where a mechanism makes an exact
//! prediction under common random numbers (two arms identical run by run, or one arm's
//! ceasefire breaking no later than the other's), the tests assert it exactly.
//!
//! **Margins.** A directional claim must clear [`K_SE`] standard errors (one-sided false-alarm
//! probability ≈ 3·10⁻⁵ if the factor had no effect; seeds are fixed, so every test is
//! deterministic). A claim of no effect must stay within [`K_SE`].

#![allow(dead_code)]

use truce_engine::load::{load_str, Diagnostic};
use truce_engine::params::{Event, Params};
use truce_engine::scenario::EventKind;
use truce_engine::sim::{NoObserver, Observer, RunSummary, Sim};

/// Margin: standard errors a difference must clear.
pub const K_SE: f64 = 4.0;

/// The theory tests' base: `generic-interstate` as first released, frozen in
/// `tests/data/theory-base.toml` (the built-in is calibrated to base rates and may change).
/// None of the ways out of a war is switched on in it: each test switches on what it tests.
pub fn theory_base() -> Params {
    load_str("theory-base.toml", include_str!("../data/theory-base.toml")).unwrap().params
}

/// One run: its summary and its terms.
pub struct Run {
    pub s: RunSummary,
    pub terms: Vec<f64>,
}

/// Runs 0…n−1 of `seed` (the same streams in every arm that uses the same seed).
pub fn runs(p: &Params, n: u64, seed: u64) -> Vec<Run> {
    let mut sim = Sim::new(p);
    (0..n)
        .map(|r| {
            let s = sim.run(seed, r, &mut NoObserver);
            Run { s, terms: sim.terms().to_vec() }
        })
        .collect()
}

/// Runs 0…n−1 of `seed`, each watched by a fresh observer.
pub fn watched<O: Observer + Default>(p: &Params, n: u64, seed: u64) -> Vec<(RunSummary, O)> {
    let mut sim = Sim::new(p);
    (0..n)
        .map(|r| {
            let mut o = O::default();
            let s = sim.run(seed, r, &mut o);
            (s, o)
        })
        .collect()
}

/// Mean and its standard error.
pub fn mean_se(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (m, (var / n).sqrt())
}

/// Proportion and its standard error.
pub fn prop_se(k: usize, n: usize) -> (f64, f64) {
    let p = k as f64 / n.max(1) as f64;
    (p, (p * (1.0 - p) / n.max(1) as f64).sqrt())
}

/// z of a difference a − b of two independent estimates: (difference, se, z).
pub fn diff(a: (f64, f64), b: (f64, f64)) -> (f64, f64, f64) {
    let d = a.0 - b.0;
    let se = (a.1 * a.1 + b.1 * b.1).sqrt();
    (d, se, z_of(d, se))
}

/// The paired difference of run-by-run values a_i − b_i: (mean difference, se, z).
pub fn paired(a: &[f64], b: &[f64]) -> (f64, f64, f64) {
    assert_eq!(a.len(), b.len(), "paired arms must have the same runs");
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    let (m, se) = mean_se(&d);
    (m, se, z_of(m, se))
}

fn z_of(d: f64, se: f64) -> f64 {
    if se > 0.0 {
        d / se
    } else if d == 0.0 {
        0.0
    } else {
        f64::INFINITY * d.signum()
    }
}

/// 1.0 where the predicate holds, else 0.0 (for paired proportions).
pub fn ind(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

/// Sets the same value on both sides.
pub fn sides(p: &mut Params, f: impl Fn(&mut truce_engine::params::SideParams)) {
    for s in p.sides.iter_mut() {
        f(s);
    }
}

/// A scheduled event of `kind` at `week`, with nothing else set.
pub fn event(week: u32, kind: EventKind) -> Event {
    Event {
        week,
        kind,
        actor: None,
        side: None,
        amount: 0.0,
        weeks: 0,
        credibility: 0.0,
        resolve: None,
        optimism: None,
        positions: Vec::new(),
        anticipated: false,
        turnover: 0.0,
        note: String::new(),
        roles: 0,
    }
}

/// Adds an event, keeping the schedule sorted by week.
pub fn schedule(p: &mut Params, e: Event) {
    p.events.push(e);
    p.events.sort_by_key(|e| e.week);
}

/// Index of actor `id`.
pub fn actor(p: &Params, id: &str) -> usize {
    p.actor_ids.iter().position(|a| a == id).unwrap_or_else(|| panic!("no actor {id}"))
}

/// Index of issue `id`.
pub fn issue(p: &Params, id: &str) -> usize {
    p.issue_ids.iter().position(|a| a == id).unwrap_or_else(|| panic!("no issue {id}"))
}

/// The diagnostics of a scenario text that must fail to load (as file `bad.toml`); the error's
/// display form must name the file and carry at least one diagnostic.
pub fn load_errors(text: &str) -> Vec<Diagnostic> {
    match load_str("bad.toml", text) {
        Ok(_) => panic!("the scenario loaded, but it should have failed"),
        Err(e) => {
            assert!(!e.diagnostics.is_empty(), "an error without diagnostics");
            assert!(e.to_string().starts_with("bad.toml:"), "{e}");
            e.diagnostics
        }
    }
}

/// The diagnostic whose message or path contains every substring in `want`; it must carry a
/// line.
pub fn find_diagnostic<'a>(ds: &'a [Diagnostic], want: &[&str]) -> &'a Diagnostic {
    let d = ds
        .iter()
        .find(|d| want.iter().all(|w| d.message.contains(w) || d.path.as_deref().is_some_and(|p| p.contains(w))))
        .unwrap_or_else(|| panic!("no diagnostic contains {want:?}; got {ds:#?}"));
    assert!(d.line.is_some(), "diagnostic without a line: {d:?}");
    d
}

/// The week, area (its bits) and rounds of 300 runs of `p` under seed 7: equal digests mean
/// the same runs, for tests that a parameter at 0 is the parameter absent.
pub fn run_digest(p: &Params) -> Vec<(u32, u64, u32)> {
    let mut sim = Sim::new(p);
    (0..300)
        .map(|r| {
            let s = sim.run(7, r, &mut NoObserver);
            (s.week, s.km2.to_bits(), s.rounds)
        })
        .collect()
}
