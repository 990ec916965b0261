//! `load::to_toml` of each built-in scenario re-loads to the same parameters.

use truce_engine::builtin;
use truce_engine::load::{load_str, to_toml};

#[test]
fn builtins_round_trip_through_toml() {
    for name in builtin::names() {
        let first = load_str(name, builtin::builtin(name).unwrap()).unwrap_or_else(|e| panic!("{e}"));
        let text = to_toml(&first.scenario).unwrap_or_else(|e| panic!("{name}: to_toml failed: {e}"));
        let second = load_str(&format!("{name} (round trip)"), &text)
            .unwrap_or_else(|e| panic!("{name}: the serialised scenario does not load:\n{e}\n---\n{text}"));
        // `Params` holds NaN for "no red line" and the territorial no-deal value, and NaN is
        // not equal to itself, so compare the full debug rendering (NaN prints as `NaN`).
        assert_eq!(format!("{:?}", first.params), format!("{:?}", second.params), "{name}: Params changed");
        assert_eq!(first.scenario, second.scenario, "{name}: Scenario changed");
        assert_eq!(first.uncertainty.paths, second.uncertainty.paths, "{name}: uncertainty paths changed");
        assert_eq!(
            format!("{:?}", first.uncertainty.set),
            format!("{:?}", second.uncertainty.set),
            "{name}: uncertainty specs changed"
        );
        // (Scenario equality covers every number's `source` note too.)
        // Serialising again is a fixed point.
        assert_eq!(to_toml(&second.scenario).unwrap(), text, "{name}: to_toml is not a fixed point");
    }
}
