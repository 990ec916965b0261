//! Per-run costs of the ensemble core: folding one run's results into the aggregates, and
//! drawing one run's parameter set. Criterion reports time per iteration = per run.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use truce_forecast::{run_rng, Dist, FixedSum, Histogram, Incidence, ParamSpec, UncertaintySet, WeekHistograms};

const WEEKS: u32 = 157;

struct Shard {
    inc: Incidence,
    hists: Vec<Histogram>,
    weekly: WeekHistograms,
    sums: [FixedSum; 4],
}

/// One run: 1 incidence record, 10 histogram adds, 157 week-histogram adds, 4 fixed sums.
fn bench_add_run(c: &mut Criterion) {
    let mut shard = Shard {
        inc: Incidence::new(4, WEEKS),
        hists: (0..10).map(|_| Histogram::new(0.0, 1000.0, 2000).unwrap()).collect(),
        weekly: WeekHistograms::new(WEEKS, 0.0, 1000.0, 2000).unwrap(),
        sums: [FixedSum::new(); 4],
    };
    // Pre-generated run data so that only aggregation is timed.
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let runs: Vec<(usize, u32, [f64; 10], Vec<f64>)> = (0..1024)
        .map(|_| {
            let mut path = Vec::with_capacity(WEEKS as usize);
            let mut x: f64 = rng.random_range(100.0..900.0);
            for _ in 0..WEEKS {
                x = (x + rng.random_range(-20.0..20.0)).clamp(-5.0, 1100.0);
                path.push(x);
            }
            let mut v = [0.0; 10];
            for e in &mut v {
                *e = rng.random_range(-50.0..1050.0);
            }
            (rng.random_range(0..5), rng.random_range(0..WEEKS), v, path)
        })
        .collect();
    let mut i = 0;
    c.bench_function("add one run (1 incidence, 10 hist, 157 week-hist, 4 sums)", |b| {
        b.iter(|| {
            let (kind, week, vals, path) = &runs[i & 1023];
            i += 1;
            if *kind < 4 {
                shard.inc.record(*kind, *week);
            } else {
                shard.inc.record_censored();
            }
            for (h, &v) in shard.hists.iter_mut().zip(vals) {
                h.add(v);
            }
            for (w, &x) in path.iter().enumerate() {
                shard.weekly.add(w as u32, x);
            }
            for (s, &v) in shard.sums.iter_mut().zip(vals) {
                s.add(v);
            }
        })
    });
    let mut j = 0;
    c.bench_function("summary only (1 incidence, 10 hist, 4 sums)", |b| {
        b.iter(|| {
            let (kind, week, vals, _) = &runs[j & 1023];
            j += 1;
            if *kind < 4 {
                shard.inc.record(*kind, *week);
            } else {
                shard.inc.record_censored();
            }
            for (h, &v) in shard.hists.iter_mut().zip(vals) {
                h.add(v);
            }
            for (s, &v) in shard.sums.iter_mut().zip(vals) {
                s.add(v);
            }
        })
    });
    let mut k = 0;
    c.bench_function("week histograms only (157 adds)", |b| {
        b.iter(|| {
            let (_, _, _, path) = &runs[k & 1023];
            k += 1;
            for (w, &x) in path.iter().enumerate() {
                shard.weekly.add(w as u32, x);
            }
        })
    });
    black_box(&shard);
    // Merging an empty shard costs the same as a full one and never overflows.
    let other = WeekHistograms::new(WEEKS, 0.0, 1000.0, 2000).unwrap();
    c.bench_function("merge week histograms (157 x 2000 bins)", |b| {
        b.iter(|| shard.weekly.merge(black_box(&other)).unwrap())
    });
}

/// One draw set: 12 parameters of mixed distributions, one correlated pair.
fn bench_sample(c: &mut Criterion) {
    let d = |dist| dist;
    let dists = vec![
        d(Dist::Normal { mean: 85.0, sd: 20.0 }),
        d(Dist::Normal { mean: 60.0, sd: 15.0 }),
        d(Dist::Uniform { low: 0.1, high: 0.9 }),
        d(Dist::TruncatedNormal { mean: 0.5, sd: 0.2, low: 0.0, high: 1.0 }),
        d(Dist::Lognormal { median: 3.0, sigma: 0.4 }),
        d(Dist::Beta { alpha: 2.0, beta: 5.0, low: None, high: None }),
        d(Dist::Triangular { low: 0.0, mode: 2.0, high: 10.0 }),
        d(Dist::Choice { values: vec![1.0, 2.0, 3.0], weights: Some(vec![0.2, 0.5, 0.3]) }),
        d(Dist::Uniform { low: 10.0, high: 20.0 }),
        d(Dist::Normal { mean: 0.0, sd: 1.0 }),
        d(Dist::Lognormal { median: 1.0, sigma: 0.1 }),
        d(Dist::Triangular { low: 1.0, mode: 1.5, high: 3.0 }),
    ];
    let specs: Vec<ParamSpec> =
        dists.into_iter().enumerate().map(|(i, dist)| ParamSpec { path: format!("p{i}"), dist }).collect();
    let set = UncertaintySet::new(specs, Some(vec![(0, 1, -0.5)])).unwrap();
    let mut out = vec![0.0; set.len()];
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    c.bench_function("sample_into (12 params, 1 correlated pair)", |b| {
        b.iter(|| {
            set.sample_into(&mut rng, &mut out);
            black_box(&out);
        })
    });
    let mut run = 0u64;
    c.bench_function("run_rng + sample_into (12 params)", |b| {
        b.iter(|| {
            let mut r = run_rng(42, run);
            run += 1;
            set.sample_into(&mut r, &mut out);
            black_box(&out);
        })
    });
}

criterion_group!(benches, bench_add_run, bench_sample);
criterion_main!(benches);
