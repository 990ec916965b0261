//! Scoring speed (`cargo bench -p truce-forecast --bench score`): a saved 100,000-run forecast
//! of the default scenario decoded and scored against 100 observations (with both
//! baselines), and a 20-origin × 3-lead hindcast of 20,000 runs per origin on a synthetic
//! monthly series. Targets (issue 11): scoring well under a second; the hindcast under two
//! minutes on two cores.
use criterion::{criterion_group, criterion_main, Criterion};
use truce_engine::builtin;
use truce_forecast::hindcast::{add_months, hindcast, month_end, HindcastOptions};
use truce_forecast::job::{ForecastJob, Hooks, JobOutput, Source};
use truce_forecast::observation::{CivilDate, Observation, Observations, Observed};
use truce_forecast::scorecard::{score, Stored};

fn km2(line: usize, date: CivilDate, value: f64) -> Observation {
    Observation { line, date, what: Observed::Km2Held { value, sd: 50.0 }, source: String::new() }
}

fn bench(c: &mut Criterion) {
    let job = ForecastJob::new(Source::Builtin(builtin::DEFAULT.into()), 100_000, 1).prepare().unwrap();
    let JobOutput::Forecast(f) = job.run(Hooks::none()).unwrap() else { unreachable!() };
    let bytes = truce_forecast::part::encode(&truce_forecast::saved::from_job(&job, &f).unwrap());
    let start = job.loaded().params.start;
    // Six months of history, then 100 weekly observations inside the forecast.
    let mut rows: Vec<Observation> = (0..6)
        .map(|i| {
            km2(
                i + 2,
                month_end(add_months(CivilDate { year: 2025, month: 6, day: 1 }, i as u32)),
                113_000.0 + 400.0 * i as f64,
            )
        })
        .collect();
    rows.extend(
        (0..100).map(|w| {
            km2(w + 10, CivilDate::from_days(start.to_days() + 7 * w as i64 + 6), 115_700.0 + 80.0 * w as f64)
        }),
    );
    let obs = Observations::from_validated(rows);
    let sides = f.aggregate.sides.clone();
    let mut g = c.benchmark_group("score");
    g.sample_size(10);
    g.bench_function("decode_and_score_100k_runs_100_observations", |b| {
        b.iter(|| {
            let p = truce_forecast::saved::decode("bench", &bytes).unwrap();
            score(&Stored { aggregate: &p.aggregate, start: p.start }, &sides, &obs, 1)
        })
    });
    g.finish();

    // A monthly series from 2023 to Nov 2025: 20 origins from 2024-04, all with history.
    let rows: Vec<Observation> = (0..35u32)
        .map(|i| {
            km2(
                i as usize + 2,
                month_end(add_months(CivilDate { year: 2023, month: 1, day: 1 }, i)),
                100_000.0 + 300.0 * i as f64,
            )
        })
        .collect();
    let obs = Observations::from_validated(rows);
    let origins: Vec<CivilDate> = (0..20).map(|i| add_months(CivilDate { year: 2024, month: 4, day: 1 }, i)).collect();
    let opts =
        HindcastOptions { origins, leads: vec![1, 3, 6], runs: 20_000, seed: 1, threads: None, assimilate: false };
    let text = builtin::builtin(builtin::DEFAULT).unwrap();
    let mut g = c.benchmark_group("hindcast");
    g.sample_size(10);
    g.bench_function("20_origins_3_leads_20k_runs", |b| {
        b.iter(|| hindcast("ukraine", text, &obs, &opts, &|_, _| {}).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
