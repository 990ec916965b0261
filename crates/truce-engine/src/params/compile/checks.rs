//! Checks that span fields: the seasonality table's shape, every actor caring about
//! something, the front's calibration being reachable, `[uncertainty]` paths existing.

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
