//! Benchmark of the BDM expected-utility model (`cargo bench -p truce-bargain --bench bdm`):
//! 100 actors × 10 rounds, both presets, on a deterministic pseudo-random table (no I/O).
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use truce_bargain::bdm::{Bdm, Preset};
use truce_bargain::table::{ActorTable, Cell, Issue};
use truce_bargain::{BargainingModel, SolveContext};

/// An n-actor, one-issue table from a fixed xorshift sequence. `grid`: positions on a 0–100
/// grid of step 5, so that actors share positions as in real data; otherwise all distinct
/// (the worst case: one distinct position per actor).
fn table(n: usize, grid: bool) -> ActorTable {
    let mut s: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let cells = (0..n)
        .map(|_| {
            Some(Cell {
                position: if grid { (next() * 20.0).round() * 5.0 } else { next() * 100.0 },
                salience: 0.1 + 0.9 * next(),
                capability: 0.05 + next(),
            })
        })
        .collect();
    let actors = (0..n).map(|i| format!("a{i}")).collect();
    ActorTable::new(actors, vec![Issue::new_0_100("x")], cells).unwrap()
}

fn bench_bdm(c: &mut Criterion) {
    let ctx = SolveContext { rounds: Some(10), seed: 0 };
    for (kind, grid) in [("grid", true), ("distinct", false)] {
        let t = table(100, grid);
        for p in Preset::ALL {
            let m = Bdm::with_preset(p);
            c.bench_function(&format!("bdm_{}_100x10_{kind}", p.name()), |b| {
                b.iter(|| m.solve(black_box(&t), &ctx).unwrap())
            });
        }
    }
}

criterion_group!(benches, bench_bdm);
criterion_main!(benches);
