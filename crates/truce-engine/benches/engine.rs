//! One run of the default scenario (`ukraine-2025-12`: 156 weeks, talks every 2 weeks) with
//! no observer (the trace off), reusing one `Sim`. Target: ≤ 60 µs per run (median; issue
//! 13's speed bar; README's performance table says where it stands).
//!
//! Two measurements: `mixed runs` steps through run indices, so it averages over how runs
//! end (many settle or freeze before the horizon); `full horizon` repeats one run that
//! fights all 156 weeks, the worst case.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use truce_engine::builtin;
use truce_engine::load::load_str;
use truce_engine::sim::{NoObserver, Sim, WarState};

const SEED: u64 = 7;

fn one_run(c: &mut Criterion) {
    let name = "ukraine-2025-12";
    let p = load_str(name, builtin::builtin(name).unwrap()).unwrap().params;
    let mut sim = Sim::new(&p);
    let mut r = 0u64;
    c.bench_function("ukraine-2025-12 run, mixed runs (NoObserver, reused Sim)", |b| {
        b.iter(|| {
            r += 1;
            black_box(sim.run(black_box(SEED), r, &mut NoObserver))
        })
    });
    // The first run index that is still at war at the horizon.
    let full = (0..10_000u64)
        .find(|&i| sim.run(SEED, i, &mut NoObserver).state == WarState::Fighting)
        .expect("a run still fighting at the horizon among the first 10,000");
    c.bench_function("ukraine-2025-12 run, full horizon (NoObserver, reused Sim)", |b| {
        b.iter(|| black_box(sim.run(black_box(SEED), black_box(full), &mut NoObserver)))
    });
}

criterion_group!(benches, one_run);
criterion_main!(benches);
