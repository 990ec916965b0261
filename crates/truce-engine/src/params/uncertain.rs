//! The `[uncertainty]` table resolved against compiled parameters: one catalogue reference
//! and one distribution per path, plus the copula.
//!
//! A distribution must stay inside its parameter's valid range (a normal on a share is an
//! error that suggests a bounded distribution), so that sampling never needs to clamp.

use super::{Params, Problem};
use crate::catalogue::{ParamRef, Source};
use crate::scenario::Scenario;
use crate::uncertainty::{Dist, ParamSpec, UncertaintySet};

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
    if !problems.is_empty() {
        return Err(problems);
    }
    let correlation = if corr.is_empty() { None } else { Some(corr) };
    match UncertaintySet::new(specs, correlation) {
        Ok(set) => Ok(Uncertainty { paths, refs, set }),
        Err(e) => Err(vec![Problem { path: "correlations".into(), message: e.to_string() }]),
    }
}
