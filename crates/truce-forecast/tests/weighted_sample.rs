//! A forecast of a scenario with a `[weighted_sample]` draws one row per run: the runs'
//! parameters reproduce the sample's weighted means (within Monte Carlo error) and never mix
//! rows.

use std::sync::atomic::AtomicBool;
use truce_forecast::ensemble::{RowSink, RunRow};
use truce_forecast::job::{ForecastJob, Hooks, Source};

struct Params(Vec<Vec<f64>>);

impl RowSink for Params {
    fn write_rows(&mut self, rows: &[RunRow]) -> Result<(), String> {
        self.0.extend(rows.iter().map(|r| r.params.clone()));
        Ok(())
    }
}

#[test]
fn a_forecast_reproduces_the_weighted_means() {
    // Three rows with a strong dependence (the second column rises with the first), weights
    // 1 : 2 : 3 : 4.
    let rows = [[5000.0, 0.25], [7000.0, 0.35], [8000.0, 0.4], [11000.0, 0.6]];
    let weights = [1.0, 2.0, 3.0, 4.0];
    let table = format!(
        "\n[weighted_sample]\npaths = [\"sides.russia.recruitment_per_week\", \"sides.russia.collapse_forces_fraction\"]\n\
         weights = {weights:?}\nrows = {rows:?}\n"
    );
    // The built-in without its shipped sample (the calibration's posterior of other paths)
    // and without `war_began`: selection by survival would reweight the rows
    // (`tests/selection.rs`); this test is about drawing them.
    let base: String = truce_engine::builtin::builtin("ukraine-2025-12")
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("war_began"))
        .map(|l| format!("{l}\n"))
        .collect();
    let base = &base[..base.find("\n[weighted_sample]\n").map_or(base.len(), |i| i + 1)];
    let text = format!("{base}{table}");
    let runs = 6000;
    let job =
        ForecastJob { horizon: Some(8), ..ForecastJob::new(Source::Text { label: "w.toml".into(), text }, runs, 11) };
    let p = job.prepare().unwrap();
    let n = p.loaded().uncertainty.len();
    let mut got = Params(Vec::new());
    let never = AtomicBool::new(false);
    p.run(Hooks { progress: &|_| {}, cancel: &never, rows: Some(&mut got) }).unwrap();
    assert_eq!(got.0.len(), runs as usize);
    let total: f64 = weights.iter().sum();
    for k in 0..2 {
        let mean: f64 = rows.iter().zip(&weights).map(|(r, w)| w * r[k]).sum::<f64>() / total;
        let var: f64 = rows.iter().zip(&weights).map(|(r, w)| w * (r[k] - mean).powi(2)).sum::<f64>() / total;
        let drawn: f64 = got.0.iter().map(|r| r[n - 2 + k]).sum::<f64>() / runs as f64;
        let se = (var / runs as f64).sqrt();
        assert!((drawn - mean).abs() < 4.0 * se, "column {k}: drawn mean {drawn}, weighted mean {mean} ± {se}");
    }
    for r in &got.0 {
        assert!(rows.iter().any(|row| row[0] == r[n - 2] && row[1] == r[n - 1]), "a run mixes rows: {r:?}");
    }
}
