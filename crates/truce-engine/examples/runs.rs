//! The engine bench's workload without the timer, for instruction counts (the machine-independent
//! speed figure of README's *Performance*): runs 1..=N of a scenario with its fixed parameters
//! (nothing sampled), seed 7, one reused `Sim`, no observer; prints the weeks simulated. Under
//! callgrind, `valgrind --tool=callgrind target/profiling/examples/runs ukraine-2025-12 2000`
//! (built with `cargo build --profile profiling -p truce-engine --example runs`; loading the
//! scenario is part of the count, about 38 million instructions).
//! `cargo run --release -p truce-engine --example runs -- [SCENARIO.toml|name] [runs]`.

use truce_engine::sim::{NoObserver, Sim};

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "ukraine-2025-12".into());
    let n: u64 = match args.next().map(|s| s.parse()) {
        None => 2000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("error: runs must be a whole number: {e}");
            std::process::exit(2);
        }
    };
    let text = match truce_engine::builtin::builtin(&name) {
        Some(t) => t.to_string(),
        None => match std::fs::read_to_string(&name) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read {name}: {e}");
                std::process::exit(2);
            }
        },
    };
    let p = match truce_engine::load::load_str(&name, &text) {
        Ok(l) => l.params,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let mut sim = Sim::new(&p);
    let weeks: u64 = (1..=n).map(|r| u64::from(sim.run(7, r, &mut NoObserver).week)).sum();
    println!("{n} runs of {name}: {weeks} weeks");
}
