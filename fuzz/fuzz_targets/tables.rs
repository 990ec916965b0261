//! Actor tables (BDM, long, KTAB; format detection included) from arbitrary bytes, then every
//! bargaining model on what parses. Must never panic: bad input is a `ReadError` or a
//! `ModelError`, and a model's success is a finite result.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use truce_bargain::registry::{build, ModelConfig};
use truce_bargain::SolveContext;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = truce_io::table::parse_table_bytes(Path::new("fuzz.csv"), data.to_vec()) else {
        return;
    };
    let t = &file.table;
    let (n, m) = (t.n_actors(), t.n_issues());
    let ctx = SolveContext { rounds: Some(2), seed: 1 };
    // The static models are linear in the table; the iterative ones only on small tables, so
    // that one execution stays fast (their limits are tested elsewhere).
    let mut models = vec!["mean", "unweighted-mean", "median", "nash"];
    if n * m <= 24 {
        models.extend(["bdm", "smp", "exchange"]);
    }
    let status_quo = (0..m).map(|k| Some(t.cell(0, k).map_or(50.0, |c| c.position))).collect();
    let cfg = ModelConfig { status_quo, ..Default::default() };
    for name in models {
        match build(name, &cfg).expect("a known model").solve(t, &ctx) {
            Ok(sol) => assert!(sol.final_forecasts().iter().all(|x| x.is_finite()), "{name}: non-finite forecast"),
            Err(e) => {
                let _ = file.locate(Path::new("fuzz.csv"), &e);
            }
        }
    }
});
