//! Bad scenario files fail with clear, located errors: a line number, the field's path and
//! what was expected. Each case edits the `generic-interstate` built-in.

use truce_engine::builtin;
use truce_engine::load::{load_str, Diagnostic};

fn base() -> &'static str {
    builtin::builtin("generic-interstate").unwrap()
}

/// Replaces the first occurrence of `from` (which must exist) by `to`.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "test setup: `{from}` not in the scenario");
    text.replacen(from, to, 1)
}

/// Replaces the distribution of `path` in the `[uncertainty]` table (which must have one) by
/// `dist` (`dist = "normal", mean = 1, sd = 0`), keeping its source note: the tests do not
/// depend on the priors the built-in happens to have.
fn set_dist(text: &str, path: &str, dist: &str) -> String {
    let key = format!("\"{path}\" = {{ ");
    let at = text.find(&key).unwrap_or_else(|| panic!("test setup: `{path}` has no distribution in the scenario"));
    let start = at + key.len();
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let end = text[start..line_end].find(", source").or_else(|| text[start..line_end].rfind(" }")).map(|i| start + i);
    let end = end.unwrap_or_else(|| panic!("test setup: `{path}`'s distribution is not on one line"));
    format!("{}{dist}{}", &text[..start], &text[end..])
}

/// 1-based line of the first occurrence of `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).unwrap_or_else(|| panic!("test setup: `{needle}` not in the text"));
    text[..at].matches('\n').count() + 1
}

/// Loads `text`, expecting failure; returns the diagnostics.
fn errors(text: &str) -> Vec<Diagnostic> {
    match load_str("bad.toml", text) {
        Ok(_) => panic!("the scenario loaded, but it should have failed"),
        Err(e) => {
            assert!(!e.diagnostics.is_empty(), "an error without diagnostics");
            // The display form names the file and the line.
            let shown = e.to_string();
            assert!(shown.starts_with("bad.toml:"), "display lacks the file: {shown}");
            e.diagnostics
        }
    }
}

/// The diagnostic whose message contains every substring in `want`; it must carry a line.
fn find<'a>(ds: &'a [Diagnostic], want: &[&str]) -> &'a Diagnostic {
    let d = ds
        .iter()
        .find(|d| want.iter().all(|w| d.message.contains(w)))
        .unwrap_or_else(|| panic!("no diagnostic contains {want:?}; got {ds:#?}"));
    assert!(d.line.is_some(), "diagnostic without a line: {d:?}");
    assert!(d.column.is_some(), "diagnostic without a column: {d:?}");
    d
}

fn assert_path(d: &Diagnostic, path: &str) {
    assert_eq!(d.path.as_deref(), Some(path), "wrong path in {d:?}");
}

#[test]
fn base_scenario_loads() {
    load_str("generic-interstate.toml", base()).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn toml_syntax_error() {
    let text = edit(base(), "horizon_weeks = 260", "horizon_weeks = = 260");
    let ds = errors(&text);
    assert_eq!(ds.len(), 1);
    let d = &ds[0];
    assert_eq!(d.line, Some(line_of(&text, "horizon_weeks = =")), "{d:?}");
    assert!(d.message.contains("expected") || d.message.contains("invalid"), "{d:?}");
}

#[test]
fn unknown_key_with_did_you_mean() {
    let text = edit(base(), "capability = 1.0", "capabilty = 1.0");
    let ds = errors(&text);
    let d = find(&ds, &["unknown key `capabilty`", "did you mean `capability`?"]);
    assert_eq!(d.line, Some(line_of(&text, "capabilty")), "{d:?}");
}

#[test]
fn salience_out_of_range() {
    let text = edit(
        base(),
        "saliences = { province = 70, reparations = 30 }",
        "saliences = { province = 150, reparations = 30 }",
    );
    let ds = errors(&text);
    let d = find(&ds, &["150 is out of range", "expected a salience in [0, 100]"]);
    assert_path(d, "actors.a.saliences.province");
    assert_eq!(d.line, Some(line_of(&text, "province = 150")), "{d:?}");
}

/// A whole-number parameter (a 0/1 switch, weeks, rounds) given a fraction is refused at
/// load, as an edit refuses it.
#[test]
fn a_fraction_for_a_whole_number_is_refused() {
    let text = edit(base(), "armistice_concession = 0.5", "armistice_concession = 0.5\ndeal_against_fallback = 0.5");
    let ds = errors(&text);
    let d = find(&ds, &["0.5 is not a whole number", "[0, 1]"]);
    assert_path(d, "protocol.deal_against_fallback");
    assert_eq!(d.line, Some(line_of(&text, "deal_against_fallback = 0.5")), "{d:?}");
    // The same value whole loads.
    let whole = edit(base(), "armistice_concession = 0.5", "armistice_concession = 0.5\ndeal_against_fallback = 0");
    assert!(load_str("ok.toml", &whole).is_ok());
}

#[test]
fn horizon_zero() {
    let text = edit(base(), "horizon_weeks = 260", "horizon_weeks = 0");
    let ds = errors(&text);
    let d = find(&ds, &["0 is out of range", "expected 1–5200 weeks"]);
    assert_path(d, "scenario.horizon_weeks");
    assert_eq!(d.line, Some(line_of(&text, "horizon_weeks = 0")), "{d:?}");
}

#[test]
fn unknown_actor_in_event_with_did_you_mean() {
    let text = edit(
        base(),
        "[termination]",
        "[[events]]\ndate = 2000-06-05\nkind = \"election\"\nactor = \"mediatr\"\n\n[termination]",
    );
    let ds = errors(&text);
    let d = find(&ds, &["unknown actor `mediatr`", "did you mean `mediator`?"]);
    assert_path(d, "events[0].actor");
    assert_eq!(d.line, Some(line_of(&text, "actor = \"mediatr\"")), "{d:?}");
}

#[test]
fn duplicate_actor_ids() {
    let extra = "[[actors]]\nid = \"mediator\"\nrole = \"bystander\"\ncapability = 0.5\npositions = { province = 50, reparations = 50 }\nsaliences = { province = 10, reparations = 10 }\n\n[combat]";
    let text = edit(base(), "[combat]", extra);
    let ds = errors(&text);
    let d = find(&ds, &["duplicate actor id `mediator`"]);
    assert_path(d, "actors.mediator.id");
}

#[test]
fn duplicate_issue_ids() {
    let extra = "[[issues]]\nid = \"reparations\"\nlow = \"x\"\nhigh = \"y\"\nno_deal = 40\n\n[[sides]]";
    let text = edit(base(), "[[sides]]", extra);
    let ds = errors(&text);
    let d = find(&ds, &["duplicate issue id `reparations`"]);
    assert_path(d, "issues.reparations.id");
}

#[test]
fn territorial_issue_without_km2_mapping() {
    let text = edit(base(), "km2 = [[0, 0], [100, 20000]]\n", "");
    let ds = errors(&text);
    let d = find(&ds, &["a territorial issue needs a km² mapping"]);
    assert_path(d, "issues.province.km2");
    // Located at the issue's table (the key itself is missing).
    let l = d.line.unwrap();
    assert!(l >= line_of(&text, "[[issues]]") && l <= line_of(&text, "start_km2"), "{d:?}");
}

#[test]
fn unknown_uncertainty_path_with_did_you_mean() {
    let text = edit(base(), "\"sides.b.forces\" = { dist", "\"sides.b.forcs\" = { dist");
    let ds = errors(&text);
    let d = find(&ds, &["unknown parameter path `sides.b.forcs`", "did you mean `sides.b.forces`?"]);
    assert_path(d, "uncertainty.sides.b.forcs");
    assert_eq!(d.line, Some(line_of(&text, "\"sides.b.forcs\"")), "{d:?}");
}

#[test]
fn bad_distribution_sd_not_positive() {
    let text = set_dist(base(), "sides.b.forces", "dist = \"normal\", mean = 100000, sd = 0");
    let ds = errors(&text);
    let d = find(&ds, &["sd must be > 0, got 0"]);
    assert_path(d, "uncertainty.sides.b.forces");
    assert_eq!(d.line, Some(line_of(&text, "\"sides.b.forces\"")), "{d:?}");
}

#[test]
fn bad_distribution_low_not_below_high() {
    let text = set_dist(base(), "sides.b.forces", "dist = \"uniform\", low = 130000, high = 70000");
    let ds = errors(&text);
    let d = find(&ds, &["low must be < high", "low = 130000, high = 70000"]);
    assert_path(d, "uncertainty.sides.b.forces");
    assert_eq!(d.line, Some(line_of(&text, "\"sides.b.forces\"")), "{d:?}");
}

#[test]
fn bad_distribution_unknown_kind() {
    let text = set_dist(base(), "sides.b.forces", "dist = \"uniformm\", low = 70000, high = 130000");
    let ds = errors(&text);
    let d = find(&ds, &["uniformm", "expected e.g."]);
    assert_path(d, "uncertainty.sides.b.forces");
}

#[test]
fn correlation_with_unknown_path() {
    let text = format!(
        "{}\n[[correlations]]\na = \"sides.a.war_cost_per_year\"\nb = \"sides.b.war_cost_per_yr\"\nrho = 0.5\n",
        base()
    );
    let ds = errors(&text);
    let d = find(&ds, &["`sides.b.war_cost_per_yr`", "must both be paths of the [uncertainty] table"]);
    assert_path(d, "correlations[0]");
    assert_eq!(d.line, Some(line_of(&text, "[[correlations]]")), "{d:?}");
}

#[test]
fn several_problems_reported_at_once() {
    let mut text = edit(base(), "horizon_weeks = 260", "horizon_weeks = 0");
    text = edit(
        &text,
        "saliences = { province = 70, reparations = 30 }",
        "saliences = { province = 150, reparations = 30 }",
    );
    text = edit(
        &text,
        "[termination]",
        "[[events]]\ndate = 2000-06-05\nkind = \"election\"\nactor = \"mediatr\"\n\n[termination]",
    );
    text = edit(&text, "\"sides.b.forces\" = { dist", "\"sides.b.forcs\" = { dist");
    text = edit(&text, "cadence_weeks = 2", "cadence_weeks = 0");
    let ds = errors(&text);
    let want: [(&str, &str); 5] = [
        ("scenario.horizon_weeks", "out of range"),
        ("actors.a.saliences.province", "out of range"),
        ("events[0].actor", "unknown actor `mediatr`"),
        ("uncertainty.sides.b.forcs", "unknown parameter path"),
        ("protocol.cadence_weeks", "out of range"),
    ];
    for (path, msg) in want {
        let d = ds
            .iter()
            .find(|d| d.path.as_deref() == Some(path) && d.message.contains(msg))
            .unwrap_or_else(|| panic!("`{path}` ({msg}) not reported; got {ds:#?}"));
        assert!(d.line.is_some(), "{d:?}");
    }
    // Lines are distinct and in file order for these five.
    let mut lines: Vec<usize> = ds.iter().filter_map(|d| d.line).collect();
    lines.dedup();
    assert!(lines.len() >= 5, "{ds:#?}");
}

#[test]
fn distribution_outside_the_valid_range() {
    // A normal on a cost that must be ≥ 0.
    let text = set_dist(base(), "sides.a.war_cost_per_year", "dist = \"normal\", mean = 0.1, sd = 0.05");
    let ds = errors(&text);
    let d = find(&ds, &["draws values in (−∞, ∞)", "outside the parameter's valid range [0, ∞)", "truncated_normal"]);
    assert_path(d, "uncertainty.sides.a.war_cost_per_year");
    assert_eq!(d.line, Some(line_of(&text, "\"sides.a.war_cost_per_year\" = { dist = \"normal\"")), "{d:?}");
    // A uniform from 0 on a precision that must be > 0.
    let text = set_dist(base(), "beliefs.a.confidence_weeks", "dist = \"uniform\", low = 0, high = 52");
    let ds = errors(&text);
    let d = find(&ds, &["draws values in [0, 52]", "valid range (0, ∞) (a number > 0)"]);
    assert_path(d, "uncertainty.beliefs.a.confidence_weeks");
}

#[test]
fn unknown_id_in_an_uncertainty_path() {
    let text = edit(base(), "\"sides.b.forces\" = { dist", "\"sides.c.forces\" = { dist");
    let ds = errors(&text);
    let d = find(&ds, &["unknown parameter path `sides.c.forces`: unknown side `c`", "expected one of: a, b"]);
    assert_path(d, "uncertainty.sides.c.forces");
}

#[test]
fn negative_seasonality_names_the_month() {
    let text = edit(base(), "[combat]", "[seasonality]\nmonthly = [1, 1, -0.5, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n\n[combat]");
    let ds = errors(&text);
    let d = find(&ds, &["-0.5 is out of range", "expected a multiplier in [0, 100]"]);
    assert_path(d, "seasonality.monthly.3");
}

/// One scenario for `run` and `forecast` (issue 11): a sampled parameter's own value must lie
/// where its distribution draws, or `check` refuses it, naming the `[uncertainty]` path, the
/// value, the support and the median a run uses.
#[test]
fn a_base_value_outside_its_distributions_support_is_refused() {
    let text = set_dist(base(), "issues.province.power_shift", "dist = \"uniform\", low = 0.005, high = 0.02");
    let ds = errors(&text);
    let d = find(&ds, &["`issues.province.power_shift`, 0, lies outside", "[0.005, 0.02]", "median (0.0125)"]);
    assert_path(d, "uncertainty.issues.province.power_shift");
    // Inside the support (a closed end included) it loads.
    let ok = set_dist(base(), "issues.province.power_shift", "dist = \"uniform\", low = 0.0, high = 0.02");
    load_str("ok.toml", &ok).unwrap_or_else(|e| panic!("{e}"));
}

/// `war_began` (selection by survival): after the start, not a plain date, without a
/// source, a string, or an unknown key are errors located at the field.
#[test]
fn bad_war_began_is_a_located_error() {
    let with = |v: &str| edit(base(), "horizon_weeks = 260\n", &format!("horizon_weeks = 260\nwar_began = {v}\n"));
    // After the start.
    let text = with("{ date = 2000-02-01, source = \"s\" }");
    let ds = errors(&text);
    let d = find(&ds, &["2000-02-01 is after the scenario's start 2000-01-03"]);
    assert_path(d, "scenario.war_began.date");
    assert_eq!(d.line, Some(line_of(&text, "war_began")), "{d:?}");
    // A date with a time of day.
    let text = with("{ date = 1999-06-01T10:00:00, source = \"s\" }");
    let ds = errors(&text);
    let d = find(&ds, &["expected a date such as"]);
    assert_path(d, "scenario.war_began.date");
    assert_eq!(d.line, Some(line_of(&text, "war_began")), "{d:?}");
    // More than a century before the start.
    let text = with("{ date = 1890-01-01, source = \"s\" }");
    let ds = errors(&text);
    let d = find(&ds, &["more than 5200 weeks"]);
    assert_eq!(d.line, Some(line_of(&text, "war_began")), "{d:?}");
    // An empty source.
    let text = with("{ date = 1999-06-01, source = \" \" }");
    let ds = errors(&text);
    let d = find(&ds, &["say where the date comes from"]);
    assert_path(d, "scenario.war_began.source");
    assert_eq!(d.line, Some(line_of(&text, "war_began")), "{d:?}");
    // Malformed: a string for the date, a missing source, a bare date.
    for v in ["{ date = \"1999-06-01\", source = \"s\" }", "{ date = 1999-06-01 }", "1999-06-01"] {
        let text = with(v);
        let ds = errors(&text);
        assert!(
            ds.iter().any(|d| d.line == Some(line_of(&text, "war_began"))),
            "`war_began = {v}`: no error on its line: {ds:#?}"
        );
    }
    // A good one loads.
    load_str("ok.toml", &with("{ date = 1999-06-01, source = \"s\" }")).expect("a war begun before the start loads");
}

/// A value the schema refuses while reading (NaN, a string for a number) names its field, in
/// a table, an array of tables (by its `id`) and an inline `{ value, source }` table; a
/// syntax error has no field to name.
#[test]
fn refused_values_name_their_field() {
    for (from, to, needle, path, want) in [
        (
            "collapse_per_year = 0.003",
            "collapse_per_year = nan",
            "collapse_per_year = nan",
            "politics.a.collapse_per_year",
            "not a finite number",
        ),
        ("forces = 100000", "forces = \"many\"", "forces = \"many\"", "sides.a.forces", "expected a number"),
        (
            "forces = 100000",
            "forces = { value = inf, source = \"x\" }",
            "forces = { value = inf",
            "sides.a.forces.value",
            "not a finite number",
        ),
    ] {
        let text = edit(base(), from, to);
        let ds = errors(&text);
        assert_eq!(ds.len(), 1, "{ds:#?}");
        let d = find(&ds, &[want]);
        assert_path(d, path);
        assert_eq!(d.line, Some(line_of(&text, needle)), "{d:?}");
        let shown = load_str("bad.toml", &text).unwrap_err().to_string();
        assert!(shown.contains(&format!("`{path}`: ")), "{shown}");
    }
    let ds = errors(&edit(base(), "horizon_weeks = 260", "horizon_weeks = = 260"));
    assert_eq!(ds[0].path, None, "{ds:?}");
}
