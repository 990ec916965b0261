//! Scenario TOML from arbitrary bytes: load (parse, validate, compile), one draw of the
//! uncertain parameters and one short run (at most 8 weeks). Must never panic: a bad scenario
//! is a `ScenarioError`.
#![no_main]
use libfuzzer_sys::fuzz_target;
use truce_engine::sim::{NoObserver, Sim};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut l) = truce_engine::load::load_str("fuzz.toml", text) else {
        return;
    };
    l.params.horizon = l.params.horizon.min(8);
    let mut sim = Sim::new(&l.params);
    let mut sampled = vec![0.0; l.uncertainty.len()];
    let mut rng = truce_engine::run_rng(1, 0);
    l.uncertainty.apply(&mut rng, &mut sampled, sim.params_mut());
    let _ = sim.run(1, 0, &mut NoObserver);
});
