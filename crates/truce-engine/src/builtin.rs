//! Built-in scenarios, embedded in the binary so that a user's install has them.

/// (name, one-line description, TOML text).
pub const BUILTIN: &[(&str, &str, &str)] = &[
    (
        "ukraine-2025-12",
        "Russia–Ukraine from 3 December 2025, the day after the Moscow talks (the default)",
        include_str!("../scenarios/ukraine-2025-12.toml"),
    ),
    (
        "generic-interstate",
        "two comparable states, broad priors: for theory and base-rate checks",
        include_str!("../scenarios/generic-interstate.toml"),
    ),
];

/// The default scenario.
pub const DEFAULT: &str = "ukraine-2025-12";

/// The TOML text of a built-in scenario.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|b| b.0 == name).map(|b| b.2)
}

/// Names of the built-in scenarios.
pub fn names() -> Vec<&'static str> {
    BUILTIN.iter().map(|b| b.0).collect()
}
