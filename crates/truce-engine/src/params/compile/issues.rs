//! Issues: ids, the one territorial issue and its km² mapping, required keys per kind.
//! (Their numbers — `no_deal`, `power_shift`, `start_km2` — are catalogue rows.)

use super::{check_id, Checker};
use crate::scenario::Scenario;

/// The issues' structure.
pub(super) struct Issues {
    pub n: usize,
    pub ids: Vec<String>,
    pub names: Vec<String>,
    pub territorial: Option<usize>,
    /// (index, km²) knots of the territorial issue, strictly increasing.
    pub knots: Vec<(f64, f64)>,
}

pub(super) fn compile(s: &Scenario, c: &mut Checker) -> Issues {
    if s.issues.is_empty() {
        c.fail("issues", "a scenario needs at least one issue");
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut territorial = None;
    let mut knots = Vec::new();
    for (k, is) in s.issues.iter().enumerate() {
        let p = format!("issues.{}", is.id);
        check_id(c, &seen, "issue", format!("issues[{k}].id"), format!("{p}.id"), &is.id);
        seen.push(&is.id);
        if is.territorial {
            if territorial.is_some() {
                c.fail(format!("{p}.territorial"), "only one issue may be territorial");
            }
            territorial = Some(k);
            if is.km2.len() < 2 {
                c.fail(format!("{p}.km2"), "a territorial issue needs a km² mapping: at least two knots `[index, km²]`, e.g. km2 = [[0, 0], [100, 135800]]");
                continue;
            }
            if is.km2.windows(2).any(|w| !(w[1][0] > w[0][0] && w[1][1] > w[0][1])) {
                c.fail(format!("{p}.km2"), "knots must increase strictly in both index and km²");
            }
            let (lo, hi) = (is.km2[0], is.km2[is.km2.len() - 1]);
            if lo[0] != 0.0 || hi[0] != 100.0 {
                c.fail(format!("{p}.km2"), "the knots must run from index 0 to index 100");
            }
            knots = is.km2.iter().map(|k| (k[0], k[1])).collect();
            if is.start_km2.is_none() {
                c.fail(
                    format!("{p}.start_km2"),
                    "a territorial issue needs start_km2, the area the first side holds at the start",
                );
            }
        } else {
            if !is.km2.is_empty() || is.start_km2.is_some() {
                c.fail(
                    format!("{p}.km2"),
                    "km2 and start_km2 apply only to the territorial issue (set territorial = true)",
                );
            }
            if is.no_deal.is_none() {
                c.fail(format!("{p}.no_deal"), "missing: the issue's value without a deal (0–100)");
            }
        }
    }
    if territorial.is_none() && !s.issues.is_empty() {
        c.fail(
            "issues",
            "one issue must be territorial (territorial = true) so that the battlefield moves its status quo",
        );
    }
    Issues {
        n: s.issues.len(),
        ids: s.issues.iter().map(|i| i.id.clone()).collect(),
        names: s.issues.iter().map(|i| if i.name.is_empty() { i.id.clone() } else { i.name.clone() }).collect(),
        territorial,
        knots,
    }
}
