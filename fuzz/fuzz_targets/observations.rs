//! Observations files from arbitrary bytes: parse (header, fields, dates, quantities, numbers,
//! states) and validate against the default scenario's sides and start, under both start
//! rules. Must never panic; an error must name a line.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use truce_forecast::observation::{validate, CivilDate, StartRule};
use truce_io::observations::parse_observations;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(rows) = parse_observations(Path::new("fuzz.csv"), text) else { return };
    let sides = ["russia".to_string(), "ukraine".to_string()];
    let start = CivilDate { year: 2025, month: 12, day: 1 };
    for rule in [StartRule::CasualtiesFrom(start), StartRule::NoCasualties] {
        let _ = validate(rows.clone(), &sides, rule);
    }
});
