//! Did-you-mean: the one place that decides which known name a mistyped one was meant to be.
//!
//! Unknown TOML keys and values (`load`), unknown ids (`params` compile) and unknown parameter
//! paths (`catalogue`) all suggest through here, with one similarity measure (Jaro–Winkler)
//! and one threshold, so the same typo gets the same help wherever it is made. This module
//! only formats text: it never decides whether something is an error.

/// Jaro–Winkler similarity above which a known name is suggested.
pub const THRESHOLD: f64 = 0.8;

/// Lists of options longer than this are cut in messages (parameter paths run to hundreds).
const LIST_CAP: usize = 12;

/// The known name most similar to `got`, if it is similar enough to be the one meant.
pub fn closest<'a>(got: &str, options: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    options
        .into_iter()
        .map(|o| (strsim::jaro_winkler(got, o), o))
        .filter(|(s, _)| *s > THRESHOLD)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, o)| o)
}

/// The options as a comma-separated list, cut after a dozen (with the total).
pub fn list(options: &[&str]) -> String {
    if options.len() <= LIST_CAP {
        options.join(", ")
    } else {
        format!("{}, … ({} in all)", options[..LIST_CAP].join(", "), options.len())
    }
}

/// A message tail: "; did you mean `x`?" when one option is close, otherwise
/// "; expected one of: a, b, …" (empty when there are no options).
pub fn did_you_mean<'a>(got: &str, options: impl IntoIterator<Item = &'a str>) -> String {
    let opts: Vec<&str> = options.into_iter().collect();
    match closest(got, opts.iter().copied()) {
        Some(o) => format!("; did you mean `{o}`?"),
        None if opts.is_empty() => String::new(),
        None => format!("; expected one of: {}", list(&opts)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_close_name_only() {
        assert_eq!(closest("capabilty", ["capability", "resolve"]), Some("capability"));
        assert_eq!(closest("zzz", ["capability", "resolve"]), None);
        assert_eq!(did_you_mean("ukrane", ["russia", "ukraine"]), "; did you mean `ukraine`?");
        assert_eq!(did_you_mean("x", ["russia", "ukraine"]), "; expected one of: russia, ukraine");
        assert_eq!(did_you_mean("x", []), "");
    }

    #[test]
    fn long_lists_are_cut() {
        let many: Vec<String> = (0..30).map(|i| format!("option{i}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let l = list(&refs);
        assert!(l.ends_with("… (30 in all)"), "{l}");
        assert!(!l.contains("option12"), "{l}");
    }
}
