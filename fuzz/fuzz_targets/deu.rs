//! DEU III files from arbitrary bytes, then the backtest inputs and a backtest of the cheap
//! models. Must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use truce_bargain::backtest::run_backtest;
use truce_bargain::registry::backtest_model;
use truce_bargain::SolveContext;
use truce_io::deu::{observed_issues, parse_deu_bytes, Capability};

fuzz_target!(|data: &[u8]| {
    let Ok(file) = parse_deu_bytes(Path::new("fuzz.tsv"), data.to_vec()) else {
        return;
    };
    for cap in [Capability::Equal, Capability::Council] {
        let issues = observed_issues(&file, cap);
        let models: Vec<_> =
            ["rp", "mean", "median", "nash"].iter().map(|m| (m.to_string(), backtest_model(m).unwrap())).collect();
        let _ = run_backtest(&issues, &models, &SolveContext { rounds: Some(2), seed: 0 });
    }
});
