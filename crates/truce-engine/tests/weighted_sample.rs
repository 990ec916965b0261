//! The joint weighted sample `[weighted_sample]`: one row per draw (the parameters keep their
//! dependence), its marginals, and bad tables failing with the file's line and the field.

use truce_engine::builtin;
use truce_engine::load::{load_str, Diagnostic};
use truce_engine::run_rng;

/// The built-in without its shipped `[weighted_sample]` (its calibration's posterior), so
/// that a test can append its own.
fn base() -> String {
    let t = builtin::builtin("ukraine-2025-12").unwrap();
    let end = t.find("\n[weighted_sample]\n").map_or(t.len(), |i| i + 1);
    t[..end].to_string()
}

const GOOD: &str = r#"
[weighted_sample]
source = "test"
paths = ["sides.russia.recruitment_per_week", "sides.russia.collapse_forces_fraction"]
weights = [1.0, 2.0, 3.0]
rows = [
  [6000.0, 0.3],
  [8000.0, 0.4],
  [10000.0, 0.5],
]
"#;

fn with(table: &str) -> String {
    format!("{}{table}", base())
}

fn errors(text: &str) -> Vec<Diagnostic> {
    match load_str("bad.toml", text) {
        Ok(_) => panic!("the scenario loaded, but it should have failed"),
        Err(e) => {
            assert!(e.to_string().starts_with("bad.toml:"), "{e}");
            e.diagnostics
        }
    }
}

fn find<'a>(ds: &'a [Diagnostic], text: &str, field: &str, needle: &str, want: &[&str]) -> &'a Diagnostic {
    let d = ds
        .iter()
        .find(|d| want.iter().all(|w| d.message.contains(w)))
        .unwrap_or_else(|| panic!("no diagnostic contains {want:?}; got {ds:#?}"));
    assert_eq!(d.path.as_deref(), Some(field), "{d:?}");
    let at = text.rfind(needle).expect("needle in the text");
    let line = text[..at].matches('\n').count() + 1;
    assert_eq!(d.line, Some(line), "{d:?}");
    d
}

#[test]
fn draws_whole_rows_in_proportion_to_their_weights() {
    let l = load_str("t.toml", &with(GOOD)).unwrap();
    let u = &l.uncertainty;
    let n = u.len();
    assert_eq!(&u.paths[n - 2..], ["sides.russia.recruitment_per_week", "sides.russia.collapse_forces_fraction"]);
    let mut buf = vec![0.0; n];
    let mut counts = [0usize; 3];
    let draws = 30_000;
    for i in 0..draws {
        let mut rng = run_rng(7, i);
        u.set.sample_into(&mut rng, &mut buf);
        let row = match (buf[n - 2], buf[n - 1]) {
            (6000.0, 0.3) => 0,
            (8000.0, 0.4) => 1,
            (10000.0, 0.5) => 2,
            other => panic!("a draw mixes rows: {other:?}"),
        };
        counts[row] += 1;
    }
    for (k, &c) in counts.iter().enumerate() {
        let p = (k + 1) as f64 / 6.0;
        let se = (p * (1.0 - p) / draws as f64).sqrt();
        let got = c as f64 / draws as f64;
        assert!((got - p).abs() < 4.0 * se, "row {k}: {got} vs {p} ± {se}");
    }
    // The marginal is exact: cumulative weights 1/6, 1/2, 1, and a single run uses the
    // median, the first value whose cumulative weight exceeds 1/2.
    let spec = &u.set.specs()[n - 2];
    assert_eq!(spec.dist.cdf(8000.0), 0.5);
    assert_eq!(spec.dist.quantile(0.49), 8000.0);
    assert_eq!(spec.dist.quantile(0.5), 10000.0);
    assert!((spec.dist.mean() - 52000.0 / 6.0).abs() < 1e-9);
}

#[test]
fn the_sample_costs_one_uniform_per_parameter_and_leaves_the_others_alone() {
    let plain = load_str("t.toml", &base()).unwrap();
    let joint = load_str("t.toml", &with(GOOD)).unwrap();
    let (n, m) = (plain.uncertainty.len(), joint.uncertainty.len());
    assert_eq!(m, n + 2);
    let (mut a, mut b) = (vec![0.0; n], vec![0.0; m]);
    for i in 0..50 {
        plain.uncertainty.set.sample_into(&mut run_rng(3, i), &mut a);
        joint.uncertainty.set.sample_into(&mut run_rng(3, i), &mut b);
        assert_eq!(a[..], b[..n], "draw {i}: the [uncertainty] parameters changed");
    }
}

#[test]
fn an_edit_fixes_a_column_and_the_rest_stay_joint() {
    let text = with(GOOD);
    let mut edits = std::collections::BTreeMap::new();
    edits.insert("sides.russia.recruitment_per_week".to_string(), 9000.0);
    let (l, _) = truce_engine::edit::build("t.toml", &text, &edits).unwrap();
    assert!(!l.uncertainty.paths.iter().any(|p| p == "sides.russia.recruitment_per_week"));
    let w = l.scenario.weighted_sample.as_ref().unwrap();
    assert_eq!(w.paths, ["sides.russia.collapse_forces_fraction"]);
    assert_eq!(w.rows, [[0.3], [0.4], [0.5]]);
}

#[test]
fn bad_tables_name_the_line_and_the_field() {
    let t =
        with(&GOOD.replace("\"sides.russia.collapse_forces_fraction\"]", "\"sides.russia.colapse_forces_fraction\"]"));
    find(
        &errors(&t),
        &t,
        "weighted_sample.paths[1]",
        "\"sides.russia.colapse",
        &["unknown parameter path", "did you mean"],
    );

    let t = with(&GOOD.replace("\"sides.russia.collapse_forces_fraction\"]", "\"protocol.concession_rate\"]"));
    find(&errors(&t), &t, "weighted_sample.paths[1]", "\"protocol.concession_rate\"]", &["also in [uncertainty]"]);

    let t = with(&GOOD.replace("[8000.0, 0.4]", "[8000.0]"));
    find(&errors(&t), &t, "weighted_sample.rows[1]", "[8000.0]", &["1 values, expected 2"]);

    let t = with(&GOOD.replace("[8000.0, 0.4]", "[8000.0, 1.5]"));
    find(
        &errors(&t),
        &t,
        "weighted_sample.rows[1]",
        "[8000.0, 1.5]",
        &["collapse_forces_fraction` = 1.5 is out of range"],
    );

    let t = with(&GOOD.replace("[1.0, 2.0, 3.0]", "[1.0, 0.0, 3.0]"));
    find(&errors(&t), &t, "weighted_sample.weights[1]", "0.0, 3.0]", &["finite number > 0, got 0"]);

    let t = with(&GOOD.replace("[1.0, 2.0, 3.0]", "[1.0, 2.0]"));
    find(&errors(&t), &t, "weighted_sample.weights", "weights = [", &["3 rows, 2 weights"]);

    // The scenario's own value must lie inside each column's range (one scenario for run and
    // forecast).
    let t = with(&GOOD.replace("[8000.0, 0.4]", "[9000.0, 0.4]").replace("[6000.0, 0.3]", "[8500.0, 0.3]"));
    find(
        &errors(&t),
        &t,
        "weighted_sample.paths[0]",
        "\"sides.russia.recruitment_per_week\", ",
        &["lies outside what this distribution draws"],
    );
}

#[test]
fn recorded_priors_must_belong_to_the_sample_and_come_back_with_with_priors() {
    let prior = "\n[weighted_sample.priors]\n\"sides.russia.recruitment_per_week\" = { dist = \"uniform\", low = 5000, high = 11000 }\n";
    let l = load_str("good.toml", &with(&format!("{GOOD}{prior}"))).unwrap();
    let w = l.scenario.weighted_sample.as_ref().unwrap();
    assert_eq!(w.priors.len(), 1);
    // One column has no recorded prior: its prior is unknown.
    let e = l.scenario.with_priors().unwrap_err();
    assert!(e.contains("sides.russia.collapse_forces_fraction"), "{e}");
    // With both, the sample goes and the priors are back in [uncertainty].
    let both =
        format!("{prior}\"sides.russia.collapse_forces_fraction\" = {{ dist = \"uniform\", low = 0.3, high = 0.5 }}\n");
    let l = load_str("good.toml", &with(&format!("{GOOD}{both}"))).unwrap();
    let s = l.scenario.with_priors().unwrap().unwrap();
    assert!(s.weighted_sample.is_none());
    assert!(s.uncertainty.contains_key("sides.russia.recruitment_per_week"));
    assert!(s.uncertainty.contains_key("sides.russia.collapse_forces_fraction"));
    // A prior for a path that is not a column is refused, naming the field.
    let stray = "\n[weighted_sample.priors]\n\"sides.ukraine.recruitment_per_week\" = { dist = \"uniform\", low = 1, high = 2 }\n";
    let text = with(&format!("{GOOD}{stray}"));
    let ds = errors(&text);
    assert!(
        ds.iter().any(|d| d.path.as_deref().is_some_and(|p| p.contains("weighted_sample.priors"))
            && d.message.contains("not a path of the sample")),
        "{ds:?}"
    );
}
