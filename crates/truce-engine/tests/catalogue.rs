//! The parameter catalogue is complete and is the one definition of every parameter: it
//! covers every number of the schema; scenario and compiled parameters agree on paths and
//! values; compile, edits and sampling use its ranges; every path is editable and round-trips;
//! unknown paths get a did-you-mean; `docs/scenario.md` carries its table.
//!
//! `TRUCE_BLESS=1 cargo test --release -p truce-engine --test catalogue` rewrites the table
//! in `docs/scenario.md`.

use std::collections::{BTreeMap, BTreeSet};
use truce_engine::builtin;
use truce_engine::catalogue::{self, Source, Target, CATALOGUE};
use truce_engine::edit::{apply_edit, build};
use truce_engine::load::{load_str, Loaded};
use truce_engine::params::Params;
use truce_engine::scenario::Scenario;

const EVERY_FIELD: &str = include_str!("data/every-field.toml");
const THEORY: &str = include_str!("data/theory-base.toml");

/// Every scenario at hand: the built-ins, the theory base, and the one that sets every key.
fn scenarios() -> Vec<(String, String, Loaded)> {
    let mut v: Vec<(String, String)> =
        builtin::names().iter().map(|n| (n.to_string(), builtin::builtin(n).unwrap().to_string())).collect();
    v.push(("theory-base".into(), THEORY.into()));
    v.push(("every-field".into(), EVERY_FIELD.into()));
    v.into_iter()
        .map(|(n, t)| {
            let l = load_str(&n, &t).unwrap_or_else(|e| panic!("{e}"));
            (n, t, l)
        })
        .collect()
}

/// Numbers of the schema that are deliberately not catalogue parameters, with the reason.
const NOT_PARAMETERS: &[(&str, &str)] = &[
    ("scenario.horizon_weeks", "a run option (the forecast's horizon), not a model parameter"),
    ("issues.*.km2.", "the territorial mapping: a table of knots, not a scalar"),
    ("events.", "a scheduled event's inputs, checked with the event (params/compile/events.rs)"),
    ("objectives.", "a place on the territorial map, checked with the place (params/compile/objectives.rs)"),
    ("uncertainty.", "a distribution's parameters"),
    ("correlations.", "a copula correlation between two parameters"),
];

/// What a walk over a serialised scenario finds, by pattern (ids and indices as `*`).
#[derive(Default)]
struct Found {
    /// Numbers.
    nums: Vec<String>,
    /// Keys set somewhere (with any value).
    set: BTreeSet<String>,
    /// Keys left unset (null) somewhere.
    unset: BTreeSet<String>,
}

fn walk(v: &serde_json::Value, path: &str, ids: &BTreeSet<String>, f: &mut Found) {
    let join = |seg: &str| if path.is_empty() { seg.to_string() } else { format!("{path}.{seg}") };
    if v.is_null() {
        f.unset.insert(path.to_string());
        return;
    }
    f.set.insert(path.to_string());
    match v {
        serde_json::Value::Number(_) => f.nums.push(path.to_string()),
        serde_json::Value::Array(a) => {
            for x in a {
                walk(x, &join("*"), ids, f);
            }
        }
        serde_json::Value::Object(o) => {
            // A number with its source note.
            if o.contains_key("value") && o.keys().all(|k| k == "value" || k == "source") {
                return walk(&o["value"], path, ids, f);
            }
            for (k, x) in o {
                // `[uncertainty]` keys are whole parameter paths; map keys are ids.
                let seg = if path == "uncertainty" || ids.contains(k) { "*" } else { k.as_str() };
                walk(x, &join(seg), ids, f);
            }
        }
        _ => {}
    }
}

#[test]
fn every_number_of_the_schema_is_a_catalogue_parameter() {
    let l = load_str("every-field.toml", EVERY_FIELD).unwrap_or_else(|e| panic!("{e}"));
    let s = &l.scenario;
    let ids: BTreeSet<String> =
        s.ids().issues.iter().chain(&s.ids().sides).chain(&s.ids().actors).map(|x| x.to_string()).collect();
    let json = serde_json::to_value(s).unwrap();
    let mut found = Found::default();
    walk(&json, "", &ids, &mut found);
    // Optional keys are unset where they cannot apply (a belligerent's aid), but each must be
    // set somewhere, so that a new optional number cannot hide.
    let never: Vec<&String> = found.unset.iter().filter(|k| !found.set.contains(*k)).collect();
    assert!(
        never.is_empty(),
        "keys never set in tests/data/every-field.toml (set them, and give numbers a catalogue row): {never:?}"
    );
    let nums = found.nums;
    let patterns: BTreeSet<&str> = CATALOGUE.iter().map(|p| p.path).collect();
    let mut used = BTreeSet::new();
    for n in &nums {
        if patterns.contains(n.as_str()) {
            used.insert(n.clone());
            continue;
        }
        let excluded = NOT_PARAMETERS.iter().any(|(x, _)| n == x || (x.ends_with('.') && n.starts_with(x)));
        assert!(
            excluded,
            "`{n}` is a number of the schema without a row in the parameter catalogue \
             (crates/truce-engine/src/catalogue/rows.rs); add one, or list it in NOT_PARAMETERS with a reason"
        );
    }
    // And the file exercises every row.
    for p in CATALOGUE {
        assert!(used.contains(p.path), "`{}` is not set in tests/data/every-field.toml", p.path);
    }
}

#[test]
fn scenario_and_params_agree_on_paths_and_values() {
    for (name, _, l) in scenarios() {
        let from_scenario = catalogue::instances(&l.scenario);
        let paths: Vec<&String> = from_scenario.iter().map(|x| &x.1).collect();
        let from_params = l.params.paths();
        assert_eq!(paths, from_params.iter().collect::<Vec<_>>(), "{name}: paths differ");
        for (r, path) in &from_scenario {
            let read = r.param().read(&l.scenario, r.ix()).unwrap().value;
            let got = l.params.get(l.params.resolve(path).unwrap());
            assert!(
                (read - got).abs() <= 1e-12 * read.abs().max(1.0),
                "{name}: `{path}` is {read} in the file, {got} compiled"
            );
        }
    }
}

/// A valid value near `v`, different from it.
/// A valid value near `v`: inside the parameter's range and, for a sampled parameter, inside
/// its distribution's support (`support`: low, high), where compile requires the base value.
fn nudge(p: &catalogue::Param, v: f64, s: &Scenario, support: Option<(f64, f64)>) -> f64 {
    let f = s.frame();
    let step = if p.whole { 1.0 } else { 0.01 * v.abs().max(1.0) };
    let (lo, hi) = support.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
    [v + step, v - step, v + step / 100.0, v - step / 100.0, v + step / 1e4, v - step / 1e4]
        .into_iter()
        .find(|x| p.range.contains(*x, &f) && (lo..=hi).contains(x))
        .unwrap_or_else(|| panic!("{}: no valid value near {v}", p.path))
}

#[test]
fn every_path_is_editable_and_round_trips() {
    for (name, text, l) in scenarios() {
        for (r, path) in catalogue::instances(&l.scenario) {
            let p = r.param();
            let old = p.read(&l.scenario, r.ix()).unwrap();
            // A front that starts inside the defender's band (a standing front, as in the
            // back-cast cases korea-1951 and iran-iraq-1987) admits only 0, "uncalibrated": any
            // other gain is unreachable (checks::calibration), so there is nothing near it to edit.
            let d = l.params.defender_advantage;
            let r0 = l.params.start_force_ratio();
            if path == "combat.calibrated_gain_km2_per_week" && old.value == 0.0 && r0 <= d && r0 >= 1.0 / d {
                continue;
            }
            let support = l.uncertainty.paths.iter().position(|x| *x == path).map(|i| {
                let s = l.uncertainty.set.specs()[i].dist.support();
                (s.low, s.high)
            });
            let new = nudge(p, old.value, &l.scenario, support);
            let edits = BTreeMap::from([(path.clone(), new)]);
            let (e, _) = build(&name, &text, &edits).unwrap_or_else(|e| panic!("{name}: `{path}` = {new}: {e}"));
            let after = p.read(&e.scenario, r.ix()).unwrap();
            assert_eq!(after.value, new, "{name}: `{path}`");
            let r2 = e.params.resolve(&path).unwrap();
            assert!((e.params.get(r2) - new).abs() <= 1e-12 * new.abs().max(1.0), "{name}: `{path}` compiled");
            // A number with a source records the edit.
            let mut probe = l.scenario.clone();
            if let Some(Target::Num(_)) = p.target(&mut probe, r.ix()) {
                let note = after.source.unwrap_or_default();
                assert!(note.contains(&format!("edited (was {})", old.value)), "{name}: `{path}`: {note}");
            }
        }
    }
}

#[test]
fn compile_and_edits_reject_values_past_every_bound() {
    for (name, _, l) in scenarios() {
        let frame = l.scenario.frame();
        for (r, path) in catalogue::instances(&l.scenario) {
            let p = r.param();
            let ((lo, lo_closed), (hi, hi_closed)) = p.range.interval(&frame);
            // Just past each finite end (a whole step for weeks; the end itself when open).
            let past = |end: f64, closed: bool, dir: f64| match (p.whole, closed) {
                (true, _) => end + dir,
                (false, true) => end + dir * 1e-6 * end.abs().max(1.0),
                (false, false) => end,
            };
            let mut outside = Vec::new();
            if lo.is_finite() {
                outside.push(past(lo, lo_closed, -1.0));
            }
            if hi.is_finite() {
                outside.push(past(hi, hi_closed, 1.0));
            }
            for bad in outside {
                // Edits check the range before editing ...
                let mut s = l.scenario.clone();
                let e = apply_edit(&mut s, &path, bad).expect_err(&format!("{name}: `{path}` = {bad} accepted"));
                assert!(e.contains(&path) && e.contains(p.range.phrase), "{name}: {e}");
                // ... and compile rejects the value written straight into the scenario.
                let mut s = l.scenario.clone();
                match p.target(&mut s, r.ix()).unwrap() {
                    Target::Num(n) => n.value = bad,
                    Target::Plain(x) => *x = bad,
                    Target::Weeks(w) => *w = bad as u32,
                }
                let problems = Params::compile(&s).expect_err(&format!("{name}: `{path}` = {bad} compiled"));
                assert!(
                    problems.iter().any(|q| q.path == path && q.message.contains(p.range.phrase)),
                    "{name}: `{path}` = {bad}: {problems:?}"
                );
            }
        }
    }
}

#[test]
fn unknown_paths_get_a_did_you_mean() {
    let l = load_str("ukraine", builtin::builtin("ukraine-2025-12").unwrap()).unwrap();
    let mut s = l.scenario.clone();
    let cases = [
        ("actors.russia.positon.territory", "did you mean `actors.russia.positions.territory`?"),
        ("actors.rusia.resolve", "unknown actor `rusia`; did you mean `russia`?"),
        ("sides.russia.war_cost_per_yer", "did you mean `sides.russia.war_cost_per_year`?"),
        ("seasonality.monthly.13", "`13` is not a month"),
        ("actors.russia.aid.level", "this scenario has no such value (actors that give aid)"),
        ("issues.territory.no_deal", "this scenario has no such value (not for the territorial issue"),
    ];
    for (path, want) in cases {
        let e = apply_edit(&mut s, path, 1.0).expect_err(path);
        assert!(e.contains("not an editable parameter") && e.contains(want), "{path}: {e}");
        let e = l.params.resolve(path).expect_err(path);
        assert!(e.detail.contains(want), "{path}: {}", e.detail);
    }
    assert_eq!(s, l.scenario, "failed edits changed the scenario");
}

#[test]
fn sampled_values_are_guarded_and_weeks_rounded() {
    let l = load_str("ukraine", builtin::builtin("ukraine-2025-12").unwrap()).unwrap();
    let mut p = l.params.clone();
    let share = p.resolve("protocol.concession_rate").unwrap();
    p.set(share, 1.5);
    assert_eq!(p.concession_rate, 1.0);
    let cadence = p.resolve("protocol.cadence_weeks").unwrap();
    p.set(cadence, 3.4);
    assert_eq!(p.cadence, 3);
    let sal = p.resolve("actors.russia.saliences.territory").unwrap();
    p.set(sal, 40.0);
    assert_eq!(p.get(sal), 40.0);
    let k = p.issue_ids.iter().position(|x| x == "territory").unwrap();
    assert_eq!(p.salience[p.actor_ids.iter().position(|x| x == "russia").unwrap() * p.n_issues() + k], 0.4);
    let start = p.resolve("issues.territory.start_km2").unwrap();
    p.set(start, 1e12);
    assert_eq!(p.start_km2, p.km2_knots.last().unwrap().1, "clamped to the mapping");
}

fn doc_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/scenario.md")
}

#[test]
fn the_doc_table_is_the_catalogue() {
    let doc = std::fs::read_to_string(doc_path()).unwrap();
    let (Some(b), Some(e)) = (doc.find(catalogue::DOC_BEGIN), doc.find(catalogue::DOC_END)) else {
        panic!("docs/scenario.md lacks the markers `{}` … `{}`", catalogue::DOC_BEGIN, catalogue::DOC_END);
    };
    let start = b + catalogue::DOC_BEGIN.len() + 1;
    let want = catalogue::markdown();
    if std::env::var_os("TRUCE_BLESS").is_some() {
        let fresh = format!("{}{}{}", &doc[..start], want, &doc[e..]);
        std::fs::write(doc_path(), fresh).unwrap();
        return;
    }
    assert!(
        doc[start..e] == want,
        "the parameter table in docs/scenario.md differs from the catalogue; regenerate it with \
         `TRUCE_BLESS=1 cargo test --release -p truce-engine --test catalogue`"
    );
}
