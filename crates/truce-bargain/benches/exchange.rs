//! Benchmark of the exchange model: 30 actors × 6 issues × 10 rounds
//! (`cargo bench -p truce-bargain --bench exchange`).
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use truce_bargain::exchange::{run, ExchangeOptions};
use truce_bargain::{ActorTable, Cell, Issue};

/// A deterministic pseudo-random table (no RNG dependency in the bench).
fn table(n: usize, m: usize) -> ActorTable {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let actors = (0..n).map(|a| format!("a{a}")).collect();
    let issues = (0..m).map(|k| Issue::new_0_100(format!("i{k}"))).collect();
    let cells = (0..n * m)
        .map(|_| {
            Some(Cell {
                position: (100.0 * next()).round(),
                salience: 0.05 + 0.95 * next(),
                capability: 1.0 + 9.0 * next(),
            })
        })
        .collect();
    ActorTable::new(actors, issues, cells).unwrap()
}

fn bench_exchange(c: &mut Criterion) {
    let t = table(30, 6);
    let opts = ExchangeOptions { rounds: 10, ..Default::default() };
    let r = run(&t, &opts, 0);
    let n: usize = r.rounds.iter().map(|x| x.exchanges.len()).sum();
    eprintln!("exchange_30x6x10: {n} exchanges realised");
    c.bench_function("exchange_30x6x10", |b| b.iter(|| run(black_box(&t), &opts, black_box(0))));
}

criterion_group!(benches, bench_exchange);
criterion_main!(benches);
