//! Benchmarks of KTAB's Spatial Model of Politics (`cargo bench -p truce-bargain --bench smp`).
//!
//! Full runs on KTAB's scaling inputs (40, 80, 160 actors) and the time of one turn on
//! synthetic one-dimensional tables of 10–320 actors, with the empirical complexity exponent
//! (log-log slope of time per turn against the number of actors) printed at the end.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};
use truce_bargain::smp::Smp;
use truce_bargain::{ActorTable, BargainingModel, Cell, Issue, SolveContext};

fn ktab(name: &str) -> ActorTable {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/ktab").join(name);
    truce_io::table::read_table(&p).unwrap().table
}

/// A deterministic pseudo-random one-dimensional table with `n` actors.
fn synthetic(n: usize) -> ActorTable {
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15 ^ n as u64;
    let mut next = move || {
        s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let cells = (0..n)
        .map(|_| {
            Some(Cell {
                position: (100.0 * next() * 100.0).round() / 100.0,
                salience: 0.1 + 0.8 * next(),
                capability: 1.0 + 99.0 * next(),
            })
        })
        .collect();
    ActorTable::new((0..n).map(|i| format!("A{i:03}")).collect(), vec![Issue::new_0_100("x")], cells).unwrap()
}

fn full_runs(c: &mut Criterion) {
    let mut g = c.benchmark_group("smp_full_run");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    for (label, file) in
        [("a040", "dummyData-a040.csv"), ("a080", "dummyData-a080.csv"), ("a160", "dummyData-a160.csv")]
    {
        let t = ktab(file);
        g.bench_function(label, |b| b.iter(|| Smp::default().solve(black_box(&t), &SolveContext::default()).unwrap()));
    }
    g.finish();
}

const SIZES: [usize; 6] = [10, 20, 40, 80, 160, 320];

/// One turn: the input state's evaluation plus one step and the new state's evaluation.
fn one_turn(t: &ActorTable) {
    let ctx = SolveContext { rounds: Some(1), seed: 0 };
    black_box(Smp::default().solve(t, &ctx).unwrap());
}

fn per_turn(c: &mut Criterion) {
    let mut g = c.benchmark_group("smp_one_turn_1d");
    g.sample_size(10).measurement_time(Duration::from_secs(3));
    for n in SIZES {
        let t = synthetic(n);
        g.bench_with_input(BenchmarkId::from_parameter(n), &t, |b, t| b.iter(|| one_turn(t)));
    }
    g.finish();

    // Empirical exponent: median of repeated timings, log-log slopes.
    let mut pts = Vec::new();
    for n in SIZES {
        let t = synthetic(n);
        let reps = (2_000_000 / (n * n * n)).clamp(3, 200);
        let mut times: Vec<f64> = (0..reps)
            .map(|_| {
                let s = Instant::now();
                one_turn(&t);
                s.elapsed().as_secs_f64()
            })
            .collect();
        times.sort_by(f64::total_cmp);
        pts.push((n as f64, times[times.len() / 2]));
    }
    println!("\nSMP time per turn (1-D synthetic), median:");
    for w in pts.windows(2) {
        let k = (w[1].1 / w[0].1).ln() / (w[1].0 / w[0].0).ln();
        println!(
            "  N {:>4} → {:>4}: {:>10.3} ms → {:>10.3} ms, exponent {:.2}",
            w[0].0,
            w[1].0,
            w[0].1 * 1e3,
            w[1].1 * 1e3,
            k
        );
    }
    let (xs, ys): (Vec<f64>, Vec<f64>) = pts.iter().map(|(n, t)| (n.ln(), t.ln())).unzip();
    let mx = xs.iter().sum::<f64>() / xs.len() as f64;
    let my = ys.iter().sum::<f64>() / ys.len() as f64;
    let slope = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum::<f64>()
        / xs.iter().map(|x| (x - mx) * (x - mx)).sum::<f64>();
    println!("  least-squares exponent over N = 10…320: {slope:.2}\n");
}

criterion_group!(benches, full_runs, per_turn);
criterion_main!(benches);
