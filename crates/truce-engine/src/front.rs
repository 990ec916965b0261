//! Operational regimes of the front and the pure laws behind them: who is attacking, how an
//! attack weakens as it advances (the culminating point), how a defender digs in, and the
//! hazards with which offensives start and end. The weekly loop (`crate::sim`, phase
//! *fight*) keeps the state and draws; this module only computes.
//!
//! Sources (`docs/reference/front-dynamics.md`): Clausewitz, *On War* VII.4–5 (the attack's
//! decreasing force and its culminating point); Boulding 1962 (the loss-of-strength
//! gradient); `war-termination.md` §3.3 (why offensives stall: losses, supply distance,
//! prepared defences, reserves) and §8 (stylised front dynamics: long attritional phases,
//! failed set-piece offensives against prepared defences, short defender breakthroughs).
//!
//! Nothing here draws random numbers, allocates or reads the catalogue.

use serde::Serialize;

/// Who is on the offensive this week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// No regimes (`combat.regimes = false`): the force ratio alone moves the front, either way.
    Contested,
    /// Neither side attacks: both dig in, the line moves only by the weekly shock.
    Positional,
    /// The first side attacks; the second defends.
    OffensiveFirst,
    /// The second side attacks; the first defends.
    OffensiveSecond,
}

impl Regime {
    /// The offensive of `side` (0 or 1).
    pub fn offensive(side: usize) -> Regime {
        if side == 0 {
            Regime::OffensiveFirst
        } else {
            Regime::OffensiveSecond
        }
    }

    /// The attacking side, if one side is on the offensive.
    pub fn attacker(self) -> Option<usize> {
        match self {
            Regime::OffensiveFirst => Some(0),
            Regime::OffensiveSecond => Some(1),
            Regime::Contested | Regime::Positional => None,
        }
    }
}

/// The defender's advantage with prepared defences: D · (1 + a · P), P ∈ [0, 1] the
/// defender's preparation, a the advantage of full preparation.
#[inline]
pub fn prepared_advantage(d: f64, advantage: f64, preparation: f64) -> f64 {
    d * (1.0 + advantage * preparation)
}

/// Weekly probability of an event with yearly Poisson rate `per_year` × `mult`.
#[inline]
pub fn weekly(per_year: f64, mult: f64) -> f64 {
    let rate = per_year * mult / 52.0;
    if rate.is_finite() {
        1.0 - (-rate).exp()
    } else {
        1.0
    }
}

/// (ρ / D)^k with ρ the side's effective force ratio and D the advantage it must beat,
/// bounded so that hazards stay finite.
#[inline]
pub fn ratio_term(rho: f64, d: f64, k: f64) -> f64 {
    let x = (rho / d).max(1e-9);
    if k == 0.0 {
        1.0
    } else {
        x.powf(k).min(1e6)
    }
}

/// A side's preparation after a week: it digs toward 1 with e-folding time `weeks`, and
/// the enemy's advance through it (`taken` km²) overruns it by a factor e per `belt` km².
#[inline]
pub fn dig(preparation: f64, weeks: f64, taken: f64, belt: f64) -> f64 {
    let dug = preparation + (1.0 - preparation) / weeks.max(1.0);
    (dug * (-taken.max(0.0) / belt).exp()).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attackers_and_offensives_agree() {
        assert_eq!(Regime::offensive(0).attacker(), Some(0));
        assert_eq!(Regime::offensive(1).attacker(), Some(1));
        assert_eq!(Regime::Positional.attacker(), None);
        assert_eq!(Regime::Contested.attacker(), None);
    }

    #[test]
    fn weekly_probability_of_a_yearly_rate() {
        assert_eq!(weekly(0.0, 3.0), 0.0);
        assert!((weekly(52.0, 1.0) - (1.0 - (-1.0f64).exp())).abs() < 1e-15);
        assert_eq!(weekly(1.0, f64::INFINITY), 1.0);
        // 1 a year: about 1/52 a week.
        assert!((weekly(1.0, 1.0) - 1.0 / 52.0).abs() < 2e-4);
    }

    #[test]
    fn digging_converges_and_an_advance_overruns_it() {
        let mut p = 0.0;
        for _ in 0..26 {
            p = dig(p, 26.0, 0.0, 500.0);
        }
        assert!((p - (1.0 - (1.0 - 1.0 / 26.0f64).powi(26))).abs() < 1e-12, "{p}");
        assert!((0.6..0.7).contains(&p), "26 weeks dig ≈ 1 − 1/e: {p}");
        let q = dig(p, 26.0, 500.0, 500.0);
        assert!((q - (p + (1.0 - p) / 26.0) / std::f64::consts::E).abs() < 1e-12);
        assert_eq!(dig(1.0, 26.0, -100.0, 500.0), 1.0, "a retreat does not overrun the other side's belt");
    }

    #[test]
    fn ratio_term_is_one_at_the_threshold_and_monotone() {
        assert!((ratio_term(1.2, 1.2, 4.0) - 1.0).abs() < 1e-12);
        assert!(ratio_term(1.5, 1.2, 4.0) > ratio_term(1.3, 1.2, 4.0));
        assert_eq!(ratio_term(0.1, 1.0, 0.0), 1.0);
        assert!(ratio_term(1e12, 1.0, 20.0) <= 1e6);
        assert!((prepared_advantage(1.2, 0.5, 1.0) - 1.8).abs() < 1e-12);
    }
}
