//! Prints first-year calibration statistics: `cargo run --release -p truce-engine --example calib -- [SCENARIO.toml|name] [runs]`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map(String::as_str).unwrap_or("ukraine-2025-12");
    let runs: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(500);
    let text = match truce_engine::builtin::builtin(name) {
        Some(t) => t.to_string(),
        None => std::fs::read_to_string(name).expect("read scenario"),
    };
    let l = truce_engine::load::load_str(name, &text).unwrap_or_else(|e| panic!("{e}"));
    let s = truce_engine::calibrate::first_year(&l.params, runs, 1, 52);
    println!("{}", serde_json::to_string_pretty(&s).unwrap());
}
