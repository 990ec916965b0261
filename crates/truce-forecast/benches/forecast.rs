//! Forecast throughput (`cargo bench -p truce-forecast --bench forecast`): runs of the
//! default scenario per second on 1 and 2 threads, and the speed-up. Targets (issue 5):
//! 1,000,000 runs ≤ 60 s on 2 cores; 2 threads ≥ 1.8× one.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::sync::atomic::AtomicBool;
use truce_engine::builtin;
use truce_engine::load::load_str;
use truce_forecast::ensemble::{fingerprint, run_forecast, ForecastOptions};

const RUNS: u64 = 20_000;

fn bench(c: &mut Criterion) {
    let text = builtin::builtin(builtin::DEFAULT).unwrap();
    let l = load_str("ukraine-2025-12", text).unwrap();
    let fp = fingerprint(text, 1, l.params.horizon);
    let mut g = c.benchmark_group("forecast_ukraine_20k_runs");
    g.sample_size(10);
    g.throughput(Throughput::Elements(RUNS));
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        g.bench_function(format!("threads_{threads}"), |b| {
            b.iter(|| {
                let opts = ForecastOptions { seed: 1, first_run: 0, runs: RUNS, chunk: 16_384 };
                let cancel = AtomicBool::new(false);
                pool.install(|| run_forecast(&l, &fp, &opts, &|_| {}, &cancel, None)).unwrap()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
