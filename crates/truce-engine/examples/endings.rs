//! Prints how an ensemble's wars end (first-end shares, P(end within the next year | age), the
//! Weibull shape, the share over within one and two weeks, the ends by duration band (≤ 13
//! weeks, 13–52, > 52), what blocked talks):
//! `cargo run --release -p truce-engine --example endings -- [SCENARIO.toml|name] [runs] [seed]`.
use truce_engine::base_rates::{ended_within, first_end_shares, next_year, simulate, weibull};
use truce_engine::talk::Blocker;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map(String::as_str).unwrap_or("generic-interstate");
    let runs: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(4000);
    let seed: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let text = match truce_engine::builtin::builtin(name) {
        Some(t) => t.to_string(),
        None => std::fs::read_to_string(name).expect("read scenario"),
    };
    let l = truce_engine::load::load_str(name, &text).unwrap_or_else(|e| panic!("{e}"));
    let e = simulate(&l, runs, seed);
    println!("first ends:");
    for (k, p) in first_end_shares(&e.first) {
        println!("  {:16} {:.4}", k.name(), p);
    }
    println!("first-end week quartiles by kind:");
    for k in truce_engine::sim::WarState::ALL {
        let mut w: Vec<u32> = e.first.iter().filter_map(|f| f.filter(|x| x.1 == k).map(|x| x.0)).collect();
        w.sort_unstable();
        if !w.is_empty() {
            let q = |f: f64| w[((w.len() - 1) as f64 * f) as usize];
            println!("  {:16} {:>5} {:>5} {:>5}  (n {})", k.name(), q(0.25), q(0.5), q(0.75), w.len());
        }
    }
    println!("at the horizon:");
    for k in truce_engine::sim::WarState::ALL {
        let c = e.last.iter().filter(|x| x.0 == k).count();
        println!("  {:16} {:.4}", k.name(), c as f64 / runs as f64);
    }
    println!("P(end within the next year | age):");
    for r in next_year(&e.first, e.horizon) {
        println!("  age {}: {:.3} ({} of {})", r.age, r.p, r.ended, r.at_risk);
    }
    println!("first ends by year of war (low activity, ceasefire, settled, collapse 1, collapse 2):");
    for y in 0..e.horizon.div_ceil(52) {
        let c: Vec<usize> = truce_engine::sim::WarState::ALL[1..]
            .iter()
            .map(|&k| e.first.iter().filter(|f| f.is_some_and(|(w, kind)| kind == k && w / 52 == y)).count())
            .collect();
        println!("  year {y}: {c:?}");
    }
    println!("first ends by duration band (≤ 13 weeks, 13–52, > 52; low activity, ceasefire, settled, collapse 1, collapse 2):");
    for (lo, hi) in [(0u32, 13u32), (13, 52), (52, u32::MAX)] {
        let c: Vec<usize> = truce_engine::sim::WarState::ALL[1..]
            .iter()
            .map(|&k| e.first.iter().filter(|f| f.is_some_and(|(w, kind)| kind == k && w >= lo && w < hi)).count())
            .collect();
        println!("  {lo:>3}–{:<4} {c:?}", if hi == u32::MAX { "end".to_string() } else { hi.to_string() });
    }
    println!("ended within 13 weeks {:.4}, 26 weeks {:.4}", ended_within(&e.first, 13), ended_within(&e.first, 26));
    let (k, scale) = weibull(&e.first, e.horizon);
    println!("weibull shape {k:.3}, scale {scale:.1} weeks");
    println!("ended within 1 week {:.4}, 2 weeks {:.4}", ended_within(&e.first, 1), ended_within(&e.first, 2));
    let total: u64 = e.blocked.iter().sum();
    println!("talk slots blocked ({total}; rounds held {}):", e.rounds);
    for b in Blocker::ALL {
        println!("  {:12} {:.3}", b.name(), e.blocked[b.index()] as f64 / total.max(1) as f64);
    }
}
