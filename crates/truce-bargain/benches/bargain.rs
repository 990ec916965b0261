//! Benchmarks of the bargaining models (`cargo bench -p truce-bargain`).
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use truce_bargain::median::{weighted_median, TieRule};

fn bench_median(c: &mut Criterion) {
    let x: Vec<f64> = (0..100).map(|i| ((i * 37) % 101) as f64).collect();
    let w: Vec<f64> = (0..100).map(|i| 1.0 + (i % 7) as f64).collect();
    c.bench_function("weighted_median_100", |b| {
        b.iter(|| weighted_median(black_box(&x), black_box(&w), TieRule::Lower))
    });
}

criterion_group!(benches, bench_median);
criterion_main!(benches);
