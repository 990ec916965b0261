//! Checks that span fields: the seasonality table's shape, the territorial mapping's
//! magnitude and span, every actor caring about something, the front's calibration being
//! reachable, `[uncertainty]` paths existing.
//!
//! Values whose *derived* quantities would overflow are refused here with the field's path,
//! so that `check`, `run`, `forecast`, the page and Python accept exactly the same scenarios
//! and a forecast never meets a range it cannot bin.

use super::Checker;
use crate::catalogue;
use crate::params::Params;
use crate::scenario::Scenario;

/// Twelve multipliers, January first (each one's range is a catalogue row).
pub(super) fn seasonality(s: &Scenario, c: &mut Checker) {
    let n = s.seasonality.monthly.len();
    if n != 12 {
        c.fail("seasonality.monthly", format!("{n} multiplier(s) given; expected 12, January first"));
    }
}

/// The largest area (km²) a territorial mapping may name: 10⁹ (the Earth's surface is
/// 5.1 × 10⁸ km²), so that areas, their differences and a forecast's histogram of the line
/// stay finite.
const MAX_KM2: f64 = 1e9;
/// The narrowest territorial mapping (km² from index 0 to index 100): a forecast bins the
/// line into 4,000 equal bins over the mapping, which must be wide enough to resolve.
const MIN_KM2_SPAN: f64 = 1.0;

/// The territorial mapping's knots are finite areas within ±[`MAX_KM2`] and span at least
/// [`MIN_KM2_SPAN`] (their order and ends are checked with the issue's structure).
pub(super) fn km2_mapping(s: &Scenario, c: &mut Checker) {
    for is in s.issues.iter().filter(|i| i.territorial && i.km2.len() >= 2) {
        let path = format!("issues.{}.km2", is.id);
        if let Some(k) = is.km2.iter().find(|k| !(k[0].is_finite() && k[1].is_finite() && k[1].abs() <= MAX_KM2)) {
            c.fail(
                path,
                format!(
                    "knot [{}, {}]: index and km² must be finite, and km² within ±10⁹ (the Earth's surface is 5.1 × 10⁸ km²)",
                    k[0], k[1]
                ),
            );
            continue;
        }
        let span = is.km2[is.km2.len() - 1][1] - is.km2[0][1];
        if span > 0.0 && span < MIN_KM2_SPAN {
            c.fail(
                path,
                format!(
                    "the mapping spans {span} km² from index 0 to index 100; it must span at least {MIN_KM2_SPAN} km², \
                     so that a forecast can bin the line of control"
                ),
            );
        }
    }
}

/// An actor with every salience 0 cares about nothing and breaks the normalisation.
pub(super) fn saliences(p: &Params, c: &mut Checker) {
    let m = p.n_issues();
    if m == 0 {
        return;
    }
    for a in 0..p.n_actors() {
        if (0..m).all(|k| p.salience[a * m + k] == 0.0) {
            c.fail(
                format!("actors.{}.saliences", p.actor_ids[a]),
                "every salience is 0 (or missing); give at least one issue a positive salience",
            );
        }
    }
}

/// The calibrated gain must be reachable from the starting force ratio (run only on an
/// otherwise valid scenario: the ratio needs valid forces).
pub(super) fn calibration(p: &Params, c: &mut Checker) {
    let r0 = p.start_force_ratio();
    let d = p.defender_advantage;
    if p.calibrated_gain > 0.0 && r0 <= d {
        c.fail(
            "combat.calibrated_gain_km2_per_week",
            format!("a positive gain needs the first side's effective force ratio ({r0:.3}) above combat.defender_advantage ({d})"),
        );
    }
    if p.calibrated_gain < 0.0 && r0 >= 1.0 / d {
        c.fail(
            "combat.calibrated_gain_km2_per_week",
            format!(
                "a negative gain needs the first side's effective force ratio ({r0:.3}) below 1 / combat.defender_advantage ({:.3})",
                1.0 / d
            ),
        );
    }
}

/// Every `[uncertainty]` path names a parameter of this scenario.
pub(super) fn uncertainty_paths(s: &Scenario, c: &mut Checker) {
    for path in s.uncertainty.keys() {
        if let Err(e) = catalogue::resolve(s, path) {
            c.fail(format!("uncertainty.{path}"), format!("unknown parameter path `{path}`{}", e.detail));
        }
    }
}
