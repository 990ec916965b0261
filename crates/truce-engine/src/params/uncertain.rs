//! The `[uncertainty]` table resolved against compiled parameters: one catalogue reference
//! and one distribution per path, plus the copula.
//!
//! A distribution must stay inside its parameter's valid range (a normal on a share is an
//! error that suggests a bounded distribution), so that sampling never needs to clamp; so
//! must every value of the `[weighted_sample]` rows, whose parameters follow the `[uncertainty]`
//! ones in draw order.

use super::{Params, Problem};
use crate::catalogue::{ParamRef, Source};
use crate::scenario::Scenario;
use crate::uncertainty::{Dist, JointSample, ParamSpec, UncertaintySet};

/// The scenario's uncertain parameters, resolved: one reference and one distribution each,
/// in the order of the `[uncertainty]` table (sorted by path), plus the copula.
#[derive(Debug, Clone)]
pub struct Uncertainty {
    /// The parameter paths, as written.
    pub paths: Vec<String>,
    /// Where each sampled value goes.
    pub refs: Vec<ParamRef>,
    /// The distributions and their copula.
    pub set: UncertaintySet,
}

impl Uncertainty {
    /// Draws one run's parameters into `params` from `rng`; `buf` holds the sampled values.
    pub fn apply<R: rand::Rng + ?Sized>(&self, rng: &mut R, buf: &mut [f64], params: &mut Params) {
        self.set.sample_into(rng, buf);
        for (r, v) in self.refs.iter().zip(buf.iter()) {
            params.set(*r, *v);
        }
    }
    /// The number of uncertain parameters.
    pub fn len(&self) -> usize {
        self.refs.len()
    }
    /// Whether no parameter is uncertain.
    pub fn is_empty(&self) -> bool {
        self.refs.is_empty()
    }
}

/// Checks that a distribution draws only valid values of the parameter `r`.
fn within_range(d: &Dist, r: ParamRef, p: &Params) -> Result<(), String> {
    let param = r.param();
    let frame = p.frame();
    let support = d.support();
    if param.range.admits(&support, &frame) {
        return Ok(());
    }
    Err(format!(
        "this distribution draws values in {}, outside the parameter's valid range {} ({}); use a \
         distribution bounded inside it: uniform, triangular, beta with low/high, or truncated_normal \
         with low/high",
        support.notation(),
        param.range.notation(),
        param.range.expected(&frame),
    ))
}

/// Checks that the scenario's own value of a sampled parameter lies where the distribution
/// draws: `truce run` uses the distribution's median and `truce forecast` its draws, so a base
/// value outside the support would describe a different scenario from the one that is run
/// (issue 11: one scenario for `run` and `forecast`).
fn base_inside(d: &Dist, path: &str, r: ParamRef, p: &Params) -> Result<(), String> {
    let base = p.get(r);
    let s = d.support();
    let above = if s.low_attained { base >= s.low } else { base > s.low };
    let below = if s.high_attained { base <= s.high } else { base < s.high };
    if above && below {
        return Ok(());
    }
    Err(format!(
        "the scenario's value of `{path}`, {base}, lies outside what this distribution draws ({}): \
         a run uses the distribution's median ({}) and a forecast its draws, never that value; set \
         `{path}` inside {} or widen the distribution",
        s.notation(),
        short(d.quantile(0.5)),
        s.notation(),
    ))
}

/// A number for a message: at most 6 decimals, trailing zeros dropped.
fn short(x: f64) -> String {
    let t = format!("{x:.6}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    if t == "-0" {
        "0".into()
    } else {
        t.to_string()
    }
}

/// Validates and resolves the `[uncertainty]` table and `correlations`. Unknown paths have
/// already been reported by `Params::compile`.
pub fn compile_uncertainty(s: &Scenario, p: &Params) -> Result<Uncertainty, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut specs = Vec::new();
    let mut refs = Vec::new();
    let mut paths = Vec::new();
    for (path, v) in &s.uncertainty {
        let at = format!("uncertainty.{path}");
        let Ok(r) = p.resolve(path) else {
            continue;
        };
        let mut v = v.clone();
        if let Some(t) = v.as_table_mut() {
            t.remove("source");
        }
        match v.try_into::<Dist>() {
            Ok(d) => match d.validate().and_then(|()| within_range(&d, r, p)).and_then(|()| base_inside(&d, path, r, p)) {
                Ok(()) => {
                    specs.push(ParamSpec { path: path.clone(), dist: d });
                    refs.push(r);
                    paths.push(path.clone());
                }
                Err(e) => problems.push(Problem { path: at, message: e }),
            },
            Err(e) => problems.push(Problem {
                path: at,
                message: format!(
                    "{}; expected e.g. {{ dist = \"normal\", mean = 85, sd = 15 }} with dist one of uniform, normal, truncated_normal, lognormal, beta, triangular, choice",
                    e.message().trim()
                ),
            }),
        }
    }
    let mut corr = Vec::new();
    for (i, c) in s.correlations.iter().enumerate() {
        let ia = paths.iter().position(|x| *x == c.a);
        let ib = paths.iter().position(|x| *x == c.b);
        match (ia, ib) {
            (Some(a), Some(b)) => corr.push((a, b, c.rho)),
            _ => problems.push(Problem {
                path: format!("correlations[{i}]"),
                message: format!("`{}` and `{}` must both be paths of the [uncertainty] table", c.a, c.b),
            }),
        }
    }
    let joint = s
        .weighted_sample
        .as_ref()
        .and_then(|w| weighted_sample(w, s, p, &mut specs, &mut refs, &mut paths, &mut problems));
    if !problems.is_empty() {
        return Err(problems);
    }
    let correlation = if corr.is_empty() { None } else { Some(corr) };
    let set = match joint {
        Some(j) => UncertaintySet::with_joint(specs, correlation, j),
        None => UncertaintySet::new(specs, correlation),
    };
    match set {
        Ok(set) => Ok(Uncertainty { paths, refs, set }),
        Err(e) => Err(vec![Problem { path: "correlations".into(), message: e.to_string() }]),
    }
}

/// At most this many bad values of a `[weighted_sample]` are reported (a posterior of
/// thousands of rows written with the wrong ranges should not print thousands of lines).
const MAX_ROW_PROBLEMS: usize = 10;

/// Validates `[weighted_sample]` against the parameters (paths known and not in
/// `[uncertainty]`, shape, weights, every value in its parameter's range, the scenario's
/// value inside each column's range) and appends its parameters, with their marginals, to
/// the draw order. Returns the joint sample when it is valid.
fn weighted_sample(
    w: &crate::scenario::WeightedSample,
    s: &Scenario,
    p: &Params,
    specs: &mut Vec<ParamSpec>,
    refs: &mut Vec<ParamRef>,
    paths: &mut Vec<String>,
    problems: &mut Vec<Problem>,
) -> Option<JointSample> {
    let before = problems.len();
    let mut cols = Vec::new();
    for (k, path) in w.paths.iter().enumerate() {
        let at = format!("weighted_sample.paths[{k}]");
        match p.resolve(path) {
            Err(_) => {
                let detail = crate::catalogue::resolve(s, path).err().map(|e| e.detail).unwrap_or_default();
                problems.push(Problem { path: at, message: format!("unknown parameter path `{path}`{detail}") });
            }
            Ok(_) if s.uncertainty.contains_key(path) => problems.push(Problem {
                path: at,
                message: format!(
                    "`{path}` is also in [uncertainty]: a parameter has one distribution; drop one of them"
                ),
            }),
            Ok(_) if w.paths[..k].contains(path) => {
                problems.push(Problem { path: at, message: format!("`{path}` is given twice") })
            }
            Ok(r) => cols.push(r),
        }
    }
    for path in w.priors.keys() {
        if !w.paths.contains(path) {
            problems.push(Problem {
                path: format!("weighted_sample.priors.{path}"),
                message: format!("`{path}` is not a path of the sample: a prior belongs to one of its columns"),
            });
        }
    }
    for (i, c) in w.prior_correlations.iter().enumerate() {
        if !(w.priors.contains_key(&c.a) && w.priors.contains_key(&c.b)) {
            problems.push(Problem {
                path: format!("weighted_sample.prior_correlations[{i}]"),
                message: format!("`{}` and `{}` must both be paths of weighted_sample.priors", c.a, c.b),
            });
        }
    }
    if w.rows.is_empty() {
        problems
            .push(Problem { path: "weighted_sample.rows".into(), message: "there must be at least one row".into() });
    }
    if w.weights.len() != w.rows.len() {
        problems.push(Problem {
            path: "weighted_sample.weights".into(),
            message: format!("one weight per row is expected: {} rows, {} weights", w.rows.len(), w.weights.len()),
        });
    }
    let mut shown = 0;
    for (i, &x) in w.weights.iter().enumerate() {
        if !(x.is_finite() && x > 0.0) && shown < MAX_ROW_PROBLEMS {
            shown += 1;
            problems.push(Problem {
                path: format!("weighted_sample.weights[{i}]"),
                message: format!("a weight must be a finite number > 0, got {x}"),
            });
        }
    }
    if problems.len() > before {
        return None;
    }
    let frame = p.frame();
    for (i, row) in w.rows.iter().enumerate() {
        if shown >= MAX_ROW_PROBLEMS {
            break;
        }
        let at = format!("weighted_sample.rows[{i}]");
        if row.len() != cols.len() {
            shown += 1;
            problems.push(Problem {
                path: at,
                message: format!("{} values, expected {} (one per path of `paths`)", row.len(), cols.len()),
            });
            continue;
        }
        for ((&v, r), path) in row.iter().zip(&cols).zip(&w.paths) {
            let param = r.param();
            if !v.is_finite() || !param.range.contains(v, &frame) {
                shown += 1;
                problems.push(Problem {
                    path: at.clone(),
                    message: format!("`{path}` = {v} is out of range; expected {}", param.range.expected(&frame)),
                });
                break;
            }
        }
    }
    if problems.len() > before {
        return None;
    }
    let joint = JointSample { columns: cols.len(), weights: w.weights.clone(), rows: w.rows.clone() };
    for (k, (r, path)) in cols.iter().zip(&w.paths).enumerate() {
        let d = joint.marginal(k);
        if let Err(e) = base_inside(&d, path, *r, p) {
            problems.push(Problem { path: format!("weighted_sample.paths[{k}]"), message: e });
            continue;
        }
        specs.push(ParamSpec { path: path.clone(), dist: d });
        refs.push(*r);
        paths.push(path.clone());
    }
    (problems.len() == before).then_some(joint)
}
