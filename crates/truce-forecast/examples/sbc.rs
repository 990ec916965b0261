//! Simulation-based calibration of `truce calibrate` (`docs/calibration.md`,
//! `forecast-evaluation.md` §5): per replication, draw the calibrated parameters' truth from
//! their prior, simulate the scenario with it (every other `[uncertainty]` parameter drawn
//! from its prior too), observe the area held at each month end with normal noise, calibrate,
//! and record where each truth falls in its posterior.
//!
//! ```text
//! cargo run --release -p truce-forecast --example sbc -- reps=20 particles=500 generations=6 \
//!     months=24 sd=100 params=combat.calibrated_gain_km2_per_week,sides.ukraine.aid_dependence
//! ```
//!
//! Options (`key=value`): `scenario` (a built-in name or a file; default ukraine-2025-12),
//! `params` (comma-separated `[uncertainty]` paths; default: the front's five), `reps` (20),
//! `particles` (500), `generations` (6), `months` (24), `sd` (100 km²), `seed` (1),
//! `only=PATHS` (keep only these `[uncertainty]` entries: a small model), `json=FILE` (one
//! replication per line), `observations=FILE` (write replication 0's synthetic observations
//! as a CSV and stop: the input of the speed measurement).
//!
//! It prints, per parameter, the share of replications whose truth lies inside the posterior's
//! central 90% interval (target 80–97%) and the histogram of the normalised ranks in 10 bins
//! (uniform when the calibration is right; ∩-shaped when the posterior is too wide, as ABC's
//! ε > 0 makes it; ∪-shaped when too narrow) with its χ² (9 d.f.: 16.9 at 5%).

use rand::SeedableRng;
use std::collections::BTreeMap;
use std::io::Write;
use truce_forecast::calibration::{sbc_replication, synthetic_observations, CalibrateOptions};
use truce_forecast::observation::Observed;

const FRONT: &str = "combat.calibrated_gain_km2_per_week,sides.ukraine.aid_dependence,\
sides.ukraine.recruitment_per_week,sides.russia.mobilisation_per_year,sides.ukraine.mobilisation_per_year";

fn main() -> Result<(), String> {
    let mut o: BTreeMap<String, String> = BTreeMap::new();
    for a in std::env::args().skip(1) {
        let (k, v) = a.split_once('=').ok_or_else(|| format!("`{a}`: expected key=value"))?;
        o.insert(k.to_string(), v.to_string());
    }
    let get = |k: &str, d: &str| o.get(k).cloned().unwrap_or_else(|| d.to_string());
    let num = |k: &str, d: &str| get(k, d).parse::<f64>().map_err(|_| format!("{k}: not a number"));
    let scenario = get("scenario", "ukraine-2025-12");
    let mut text = match truce_engine::builtin::builtin(&scenario) {
        Some(t) => t.to_string(),
        None => std::fs::read_to_string(&scenario).map_err(|e| format!("{scenario}: {e}"))?,
    };
    if let Some(only) = o.get("only") {
        let keep: Vec<&str> = only.split(',').collect();
        let at = text.find("[uncertainty]\n").ok_or("the scenario has no [uncertainty] table")?;
        let lines: Vec<&str> =
            text[at..].lines().skip(1).filter(|l| keep.iter().any(|k| l.starts_with(&format!("\"{k}\"")))).collect();
        if lines.len() != keep.len() {
            return Err("only=: every path must have a one-line distribution in [uncertainty]".into());
        }
        text = format!("{}[uncertainty]\n{}\n", &text[..at], lines.join("\n"));
    }
    let params: Vec<String> = get("params", FRONT).split(',').map(str::to_string).collect();
    let opts = CalibrateOptions {
        particles: num("particles", "500")? as usize,
        generations: num("generations", "6")? as usize,
        params: Some(params.clone()),
        max_simulations: num("max_simulations", "5000000")? as u64,
        kernel_scale: num("kernel_scale", "2")?,
        ..CalibrateOptions::default()
    };
    let (reps, months, sd, seed) =
        (num("reps", "20")? as u64, num("months", "24")? as u32, num("sd", "100")?, num("seed", "1")? as u64);
    if let Some(path) = o.get("observations") {
        let l = truce_engine::load::load_str("t", &text).map_err(|e| e.to_string())?;
        let truth: Vec<(String, f64)> = params
            .iter()
            .map(|p| {
                let r = l.params.resolve(p).map_err(|e| format!("{p}: {}", e.detail))?;
                Ok((p.clone(), l.params.get(r)))
            })
            .collect::<Result<_, String>>()?;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let obs = synthetic_observations(&scenario, &text, &truth, months, sd, &mut rng).map_err(|e| e.to_string())?;
        let mut f = std::fs::File::create(path).map_err(|e| e.to_string())?;
        writeln!(f, "date,quantity,value,sd,source").map_err(|e| e.to_string())?;
        for r in obs.rows() {
            let line = match r.what {
                Observed::Km2Held { value, sd } => format!("{},km2_held,{value:.0},{sd},synthetic", r.date),
                Observed::State(s) => format!("{},state,{},,synthetic", r.date, s.name()),
                Observed::Casualties { .. } => continue,
            };
            writeln!(f, "{line}").map_err(|e| e.to_string())?;
        }
        eprintln!("wrote {} rows to {path} (the scenario's values of {} parameters)", obs.rows().len(), params.len());
        return Ok(());
    }
    let mut json = match o.get("json") {
        Some(p) => Some(std::fs::File::create(p).map_err(|e| e.to_string())?),
        None => None,
    };
    let mut ranks: Vec<Vec<f64>> = vec![Vec::new(); params.len()];
    let mut inside = vec![0u64; params.len()];
    let t0 = std::time::Instant::now();
    for n in 0..reps {
        let r = sbc_replication(&scenario, &text, &opts, months, sd, seed, n).map_err(|e| e.to_string())?;
        for (k, p) in r.parameters.iter().enumerate() {
            ranks[k].push(p.rank);
            inside[k] += u64::from(p.inside_90);
        }
        eprintln!("replication {n}: stop {:?}, ESS {:.0}, {:.0} s", r.stop, r.ess, t0.elapsed().as_secs_f64());
        if let Some(f) = json.as_mut() {
            writeln!(f, "{}", serde_json::to_string(&r).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        }
    }
    println!(
        "SBC of {scenario}: {reps} replications, {months} monthly areas (sd {sd} km²), {} particles, {} generations, seed {seed}",
        opts.particles, opts.generations
    );
    println!("{:<44} {:>9} {:>6}  rank histogram (10 bins)", "parameter", "in 90%", "χ²");
    for (k, p) in params.iter().enumerate() {
        let mut bins = [0u64; 10];
        for &r in &ranks[k] {
            bins[((r * 10.0) as usize).min(9)] += 1;
        }
        let e = reps as f64 / 10.0;
        let chi2: f64 = bins.iter().map(|&b| (b as f64 - e).powi(2) / e).sum();
        let hist: Vec<String> = bins.iter().map(|b| b.to_string()).collect();
        println!("{p:<44} {:>8.0}% {chi2:>6.1}  {}", 100.0 * inside[k] as f64 / reps as f64, hist.join(" "));
    }
    Ok(())
}
