//! Prints the front's bands over an ensemble (12-month and monthly net changes, what the
//! second side retakes, regimes, economies): `cargo run --release -p truce-engine --example
//! front -- [SCENARIO.toml|name] [runs] [path=value …]` (each `path=value` sets a
//! catalogue parameter before the ensemble; sampled parameters are still drawn). The recorded Russia–Ukraine years to compare with
//! are in `docs/reference/front-dynamics.md` §6.
use truce_engine::calibrate::{front_bands, FrontBands};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map(String::as_str).unwrap_or("ukraine-2025-12");
    let runs: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let text = match truce_engine::builtin::builtin(name) {
        Some(t) => t.to_string(),
        None => std::fs::read_to_string(name).expect("read scenario"),
    };
    let mut l = truce_engine::load::load_str(name, &text).unwrap_or_else(|e| panic!("{e}"));
    for edit in args.iter().skip(3) {
        let (path, v) = edit.split_once('=').unwrap_or_else(|| panic!("`{edit}`: expected path=value"));
        let v: f64 = v.parse().unwrap_or_else(|e| panic!("`{edit}`: {e}"));
        let r = l.params.resolve(path).unwrap_or_else(|e| panic!("`{path}`: {e:?}"));
        l.params.set(r, v);
    }
    let b = front_bands(&l, runs, 1);
    let q = |v: &[f64]| {
        [0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975]
            .iter()
            .map(|q| format!("{:.0}", FrontBands::quantile(v, *q)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    println!("quantiles 2.5 5 10 25 50 75 90 95 97.5 %");
    println!("yearly ({}):     {}", b.yearly.len(), q(&b.yearly));
    println!("first year ({}): {}", b.first_year.len(), q(&b.first_year));
    println!("monthly ({}):   {}", b.monthly.len(), q(&b.monthly));
    println!("retaken ({}):    {}", b.retaken.len(), q(&b.retaken));
    let tot: u64 = b.regime_weeks.iter().sum();
    println!(
        "regime weeks: contested {:.3} positional {:.3} first {:.3} second {:.3}",
        b.regime_weeks[0] as f64 / tot as f64,
        b.regime_weeks[1] as f64 / tot as f64,
        b.regime_weeks[2] as f64 / tot as f64,
        b.regime_weeks[3] as f64 / tot as f64
    );
    println!("second side's offensives: {} ({} gained ground)", b.second_offensives, b.second_offensives_gaining);
    println!("economy medians at 52/104/156: {:?}; below floor: {:?}", b.economy_median, b.economy_below_floor);
    println!("outcomes: {:?}", b.outcomes);
}
