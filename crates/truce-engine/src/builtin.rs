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
    // Back-cast cases (docs/backcast.md): each starts the day talks opened and uses only what
    // was known then; their outcomes live in data/backcast/outcomes/, never read here.
    (
        "korea-1951",
        "back-cast: the Korean War from the opening of the armistice talks, 10 July 1951",
        include_str!("../scenarios/korea-1951.toml"),
    ),
    (
        "iran-iraq-1987",
        "back-cast: the Iran–Iraq War from UN Security Council resolution 598, 20 July 1987",
        include_str!("../scenarios/iran-iraq-1987.toml"),
    ),
    (
        "vietnam-1968",
        "back-cast: the Vietnam War from the first plenary of the Paris talks, 13 May 1968",
        include_str!("../scenarios/vietnam-1968.toml"),
    ),
    (
        "bosnia-1993",
        "back-cast: the Bosnian War from the Vance–Owen plan, 2 January 1993",
        include_str!("../scenarios/bosnia-1993.toml"),
    ),
    (
        "ukraine-2022",
        "back-cast: Russia–Ukraine from the first round of talks in Belarus, 28 February 2022",
        include_str!("../scenarios/ukraine-2022.toml"),
    ),
];

/// The built-in back-cast cases, in the order `truce backcast` reports them (the order of
/// [`BUILTIN`]). Each has an outcome sidecar in `data/backcast/outcomes/<name>.toml`.
pub const BACKCAST: &[&str] = &["korea-1951", "iran-iraq-1987", "vietnam-1968", "bosnia-1993", "ukraine-2022"];

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
