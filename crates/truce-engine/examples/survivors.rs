//! Diagnoses what ends old wars (issue 12; `docs/reference/war-endings.md` §12): for an
//! ensemble with its priors drawn per run, compares the sampled parameters of wars that end in
//! their first year, wars that survive two years and then end within two more (by how they
//! end), and wars still fought at four years, as the mean percentile rank of each parameter in
//! each group (0.5: no different from all runs); what blocked the talks of wars past two
//! years; and, among wars still fought, the mean ripeness, perceived stalemate (the smaller of
//! the two sides' 1 − believed gain / `ripeness.win_km2_per_week`, before any hope to outlast
//! the other) and onsets of low activity by half-year of age (`war-endings.md` §12, §16). `cargo run --release -p truce-engine --example survivors -- [SCENARIO|name] [runs] [seed]`.
use truce_engine::base_rates::PARAM_KEY;
use truce_engine::sim::{Observer, RoundView, Sim, WarState, WeekView};
use truce_engine::talk::Blocker;

/// Half-years of age in the ripeness table.
const HALVES: usize = 10;

#[derive(Default)]
struct Watch {
    first: Option<(u32, WarState)>,
    blocked_old: [u64; Blocker::COUNT],
    open_at_2: Option<bool>,
    /// The run's `ripeness.win_km2_per_week`.
    win: f64,
    /// Per half-year of age, over the weeks up to the first end: ripeness, stalemate, weeks,
    /// onsets of low activity.
    by_age: [[f64; 4]; HALVES],
}

impl Observer for Watch {
    fn week(&mut self, w: &WeekView) {
        let half = (w.week / 26) as usize;
        if self.first.is_none() && half < HALVES {
            let m0 = (1.0 - w.belief[0] / self.win).clamp(0.0, 1.0);
            let m1 = (1.0 + w.belief[1] / self.win).clamp(0.0, 1.0);
            let a = &mut self.by_age[half];
            a[0] += w.ripeness;
            a[1] += m0.min(m1);
            a[2] += 1.0;
            a[3] += f64::from(u8::from(w.state == WarState::LowActivity));
        }
        if self.first.is_none() && w.state != WarState::Fighting {
            self.first = Some((w.week, w.state));
        }
        if w.week == 104 {
            self.open_at_2 = Some(w.range_open);
        }
        if w.week >= 104 && self.first.is_none() {
            if let Some(b) = w.blocked {
                self.blocked_old[b.index()] += 1;
            }
        }
    }
    fn round(&mut self, _r: &RoundView<'_>) {}
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map(String::as_str).unwrap_or("generic-interstate");
    let runs: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(4000);
    let seed: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(12);
    let text = match truce_engine::builtin::builtin(name) {
        Some(t) => t.to_string(),
        None => std::fs::read_to_string(name).expect("read scenario"),
    };
    let l = truce_engine::load::load_str(name, &text).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Sim::new(&l.params);
    let n = l.uncertainty.paths.len();
    let mut draws: Vec<Vec<f64>> = Vec::new();
    let mut firsts = Vec::new();
    let mut blocked = [0u64; Blocker::COUNT];
    let mut by_age = [[0.0f64; 4]; HALVES];
    for i in 0..runs {
        sim.reset_params(&l.params);
        let mut prng = truce_engine::sim::run_rng(seed ^ PARAM_KEY, i);
        let mut buf = vec![0.0; n];
        l.uncertainty.apply(&mut prng, &mut buf, sim.params_mut());
        let mut w = Watch { win: sim.params().ripeness.win_km2_per_week, ..Watch::default() };
        sim.run(seed, i, &mut w);
        for (t, a) in by_age.iter_mut().zip(&w.by_age) {
            for (x, y) in t.iter_mut().zip(a) {
                *x += y;
            }
        }
        for (a, b) in blocked.iter_mut().zip(w.blocked_old) {
            *a += b;
        }
        draws.push(buf);
        firsts.push(w.first);
    }
    // Groups: 0 ended in year 0; 1..=4 ended in years 2–3 by kind (low activity, ceasefire,
    // settled, collapse); 5 still fighting at 4 years.
    let group = |f: &Option<(u32, WarState)>| -> Option<usize> {
        match f {
            Some((w, _)) if *w < 52 => Some(0),
            Some((w, k)) if (104..208).contains(w) => Some(match k {
                WarState::LowActivity => 1,
                WarState::Ceasefire => 2,
                WarState::Settled => 3,
                _ => 4,
            }),
            Some((w, _)) if *w >= 208 => Some(5),
            None => Some(5),
            _ => None,
        }
    };
    let names = ["year0", "LA 2-3", "CF 2-3", "set 2-3", "col 2-3", "alive 4"];
    let mut count = [0usize; 6];
    for f in &firsts {
        if let Some(g) = group(f) {
            count[g] += 1;
        }
    }
    println!("{:60} {}", "parameter (mean percentile rank)", names.map(|s| format!("{s:>8}")).join(""));
    println!("{:60} {}", "n", count.map(|c| format!("{c:>8}")).join(""));
    for (j, path) in l.uncertainty.paths.iter().enumerate() {
        let mut v: Vec<(f64, usize)> = draws.iter().enumerate().map(|(i, d)| (d[j], i)).collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut rank = vec![0.0; v.len()];
        for (r, &(_, i)) in v.iter().enumerate() {
            rank[i] = (r as f64 + 0.5) / v.len() as f64;
        }
        let mut s = [0.0; 6];
        for (i, f) in firsts.iter().enumerate() {
            if let Some(g) = group(f) {
                s[g] += rank[i];
            }
        }
        let row: Vec<String> = (0..6).map(|g| format!("{:>8.2}", s[g] / count[g].max(1) as f64)).collect();
        println!("{:60} {}", path, row.join(""));
    }
    let total: u64 = blocked.iter().sum();
    println!("talk slots of wars past two years, blocked ({total}):");
    for b in Blocker::ALL {
        println!("  {:12} {:.3}", b.name(), blocked[b.index()] as f64 / total.max(1) as f64);
    }
    println!("wars still fought, by half-year of age: mean ripeness, mean stalemate, weeks, low-activity onsets per 1,000 weeks");
    for (h, a) in by_age.iter().enumerate() {
        let n = a[2].max(1.0);
        println!(
            "  {:>4.1} y {:>7.3} {:>7.3} {:>8} {:>7.2}",
            h as f64 / 2.0,
            a[0] / n,
            a[1] / n,
            a[2],
            1000.0 * a[3] / n
        );
    }
}
