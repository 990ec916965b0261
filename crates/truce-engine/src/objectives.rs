//! Decisive places and a side that breaks before its area does (issues 12 and 18;
//! `docs/reference/war-endings.md` §6).
//!
//! An objective (`[[objectives]]`) is a named place on the front — a capital, a fortress
//! city, a port, a road junction — at a position on the line: the first side holds it while
//! the line (the area the first side holds) is at or past the place's km², the second side
//! below it. Each side values it on a documented scale (0–1: the share of the side's stake in
//! the war the place carries). Who holds what is a bit set ([`Held`]), a pure function of the
//! line, so a place can fall and be retaken as the front moves.
//!
//! The collapse hazard ([`collapse_rate`]) replaces the knife-edge of a floor with a weekly
//! hazard that a side breaks — its army dissolves or its government gives way — rising as its
//! forces, economy and held places fall, and while it misjudges the balance:
//!
//! λ = λ₀ · exp(w_d · (f + e) + w_o · o + w_m · m)   per year, weekly probability 1 − exp(−λ/52),
//!
//! with f and e the shares (0–1) of the way from the start to the forces and the economy
//! floors, o the value of the places the side held at the start and has lost, net of those
//! it has taken (≥ 0), and m its [`misjudgement`] (its believed weekly gain above what the
//! front's law gives at the force ratio now, which fades as fighting teaches it). The floors themselves stay certain collapse.
//! Where `politics.*.collapse_imbalance_weight` w_b is set, the exponent also has + w_b · b, b
//! how far the side is [`outmatched`] at the front (`docs/reference/war-endings.md` §17).
//! Sources: the per-round probability that a side wins outright of Powell (2004) and of
//! Filson & Werner (2002) (battles move the chance of a military decision), Smith & Stam
//! (2004)'s collapse as the front nears a side's end (`war-theory.md` §1.3–1.6); Goemans
//! (2000) and Reiter (2003) on a side's will breaking before its capacity; victory comes
//! early, to a side that misjudged the balance less (`war-termination.md` §2; Kreutz 2010);
//! the case files (Iran 1988 after al-Faw and Majnoon; the Krajina Serbs 1995) for places
//! whose fall broke a side.
//!
//! Pure functions: nothing here draws, allocates or reads the clock, and nothing here may
//! change the run state: the phase that applies them is `sim/breaking.rs`.

use crate::params::{Objective, Params};

/// The most objectives a scenario may name (they are a 64-bit set in the run state).
pub const MAX_OBJECTIVES: usize = 64;

/// The objectives the first side holds: bit i set when it holds objective i.
pub type Held = u64;

/// Who holds each objective with the line at `km2`: the first side holds those at or below
/// the line (`km2 ≥ place`), the second the rest.
pub fn held_by_first(objectives: &[Objective], km2: f64) -> Held {
    objectives.iter().enumerate().filter(|(_, o)| km2 >= o.km2).fold(0, |m, (i, _)| m | (1u64 << i))
}

/// The interval [lo, hi) of lines around `km2` under which [`held_by_first`] gives the same
/// set as at `km2`: lo the farthest place at or below the line (−∞ when none), hi the nearest
/// above it (+∞ when none). A line inside it changed no hands, so the weekly phase need not
/// look at every place (a NaN line or place is never inside: the caller then looks).
pub fn held_span(objectives: &[Objective], km2: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    for o in objectives {
        if km2 >= o.km2 {
            lo = lo.max(o.km2);
        } else {
            hi = hi.min(o.km2);
        }
    }
    (lo, hi)
}

/// The value (sum over places, on each place's 0–1 scale) of the objectives side `s` holds
/// under `held`.
pub fn held_value(objectives: &[Objective], held: Held, s: usize) -> f64 {
    let mut v = 0.0;
    for (i, o) in objectives.iter().enumerate() {
        let first = held & (1u64 << i) != 0;
        if first == (s == 0) {
            v += o.value[s];
        }
    }
    v
}

/// Side `s`'s decline toward its floors: the share of the way from the start to the forces
/// floor plus that to the economy floor, each within [0, 1].
pub fn decline(p: &Params, s: usize, forces: f64, economy: f64) -> f64 {
    let sd = &p.sides[s];
    let f_span = sd.forces * (1.0 - sd.collapse_forces_fraction);
    let f = if f_span > 0.0 { ((sd.forces - forces) / f_span).clamp(0.0, 1.0) } else { 0.0 };
    let e_span = sd.economy - sd.collapse_economy;
    let e = if e_span > 0.0 { ((sd.economy - economy) / e_span).clamp(0.0, 1.0) } else { 0.0 };
    f + e
}

/// How far a side misjudges the balance now: its believed weekly gain (`belief`, km² a week
/// toward it) above the gain the front's law gives at the force ratio now (`actual`), over
/// the front's largest weekly movement `scale`; ≥ 0. Fighting teaches (beliefs converge on
/// what the front does, Slantchev 2003), so it fades as the war goes on.
pub fn misjudgement(belief: f64, actual: f64, scale: f64) -> f64 {
    if scale > 0.0 {
        ((belief - actual) / scale).max(0.0)
    } else {
        0.0
    }
}

/// The yearly hazard that side `s` breaks: λ₀ · exp(w_d · decline + w_o · lost + w_m · m +
/// w_b · b), `lost` the net value of the places it has lost since the start (≥ 0), `m` its
/// [`misjudgement`], `b` how far it is [`outmatched`]. The exponent is capped at 50 so the
/// rate stays finite; 0 when λ₀ is 0 (the mechanism off). With w_b = 0 (the default) the
/// imbalance term is skipped, so the rate is the one before it, bit for bit.
pub fn collapse_rate(p: &Params, s: usize, decline: f64, lost: f64, misjudged: f64, outmatched: f64) -> f64 {
    let pol = &p.politics[s];
    if pol.collapse_per_year <= 0.0 {
        return 0.0;
    }
    pol.collapse_per_year * collapse_exponent(p, s, decline, lost, misjudged, outmatched).exp()
}

/// The exponent of [`collapse_rate`], w_d · decline + w_o · lost + w_m · m (+ w_b · b when
/// w_b ≠ 0) capped at 50 (a NaN gives 50): the rate is λ₀ · exp(this), so a bound of the rate
/// needs no `exp`.
pub fn collapse_exponent(p: &Params, s: usize, decline: f64, lost: f64, misjudged: f64, outmatched: f64) -> f64 {
    let pol = &p.politics[s];
    let mut x = pol.collapse_decline_weight * decline
        + pol.collapse_objective_weight * lost.max(0.0)
        + pol.collapse_misjudgement_weight * misjudged;
    if pol.collapse_imbalance_weight != 0.0 {
        x += pol.collapse_imbalance_weight * outmatched;
    }
    x.min(50.0)
}

/// How far a side is outmatched at the front: ln(the other side's combat power / its own)
/// when above 0, else 0, with `own_over_other` its combat power (effectiveness × forces) over
/// the other's. A NaN ratio gives 0 (no evidence of imbalance), a ratio of 0 a large finite
/// value, so the hazard's cap, not an infinity, bounds it.
pub fn outmatched(own_over_other: f64) -> f64 {
    if own_over_other.is_nan() {
        return 0.0;
    }
    let b = -own_over_other.max(1e-300).ln();
    if b > 0.0 {
        b
    } else {
        0.0
    }
}

/// The probability of at least one event in a week at `per_year` events a year.
pub fn weekly_probability(per_year: f64) -> f64 {
    -(-per_year / 52.0).exp_m1()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(km2: f64, v0: f64, v1: f64) -> Objective {
        Objective { id: "x".into(), name: String::new(), km2, value: [v0, v1] }
    }

    /// Inside the span the held set is the one at the line; at its ends it changes.
    #[test]
    fn the_held_set_is_constant_inside_its_span() {
        let o = [place(300.0, 0.2, 0.5), place(100.0, 0.1, 0.3), place(200.0, 0.1, 0.3)];
        for line in [-50.0, 0.0, 100.0, 150.0, 199.9, 200.0, 250.0, 300.0, 1e9] {
            let (lo, hi) = held_span(&o, line);
            assert!(lo <= line && line < hi, "{line} outside [{lo}, {hi})");
            let held = held_by_first(&o, line);
            for x in [lo, (lo.max(-1e3) + hi.min(1e3)) / 2.0, f64::from_bits(hi.to_bits() - 1)] {
                if lo <= x && x < hi {
                    assert_eq!(held_by_first(&o, x), held, "line {line}, x {x}");
                }
            }
            if hi.is_finite() {
                assert_ne!(held_by_first(&o, hi), held, "the set changes at the span's upper end");
            }
            if lo.is_finite() {
                assert_ne!(held_by_first(&o, f64::from_bits(lo.to_bits() - 1)), held, "and just below its lower end");
            }
        }
        assert_eq!(held_span(&o, 150.0), (100.0, 200.0));
        assert_eq!(held_span(&[], 5.0), (f64::NEG_INFINITY, f64::INFINITY));
        // A NaN line holds nothing: every place lies "above" it (the caller's `line >= lo`
        // is false for it, so it always looks at the places).
        assert_eq!(held_span(&o, f64::NAN), (f64::NEG_INFINITY, 100.0));
    }

    #[test]
    fn a_place_changes_hands_with_the_line() {
        let o = [place(100.0, 0.2, 0.5), place(200.0, 0.1, 0.3)];
        assert_eq!(held_by_first(&o, 50.0), 0);
        assert_eq!(held_by_first(&o, 100.0), 0b01);
        assert_eq!(held_by_first(&o, 250.0), 0b11);
        assert!((held_value(&o, 0b01, 0) - 0.2).abs() < 1e-12);
        assert!((held_value(&o, 0b01, 1) - 0.3).abs() < 1e-12);
        assert_eq!(held_value(&o, 0, 0), 0.0);
    }

    #[test]
    fn misjudgement_is_the_belief_above_recent_gains() {
        assert!((misjudgement(100.0, 40.0, 300.0) - 0.2).abs() < 1e-12);
        assert_eq!(misjudgement(40.0, 100.0, 300.0), 0.0);
        assert_eq!(misjudgement(100.0, 40.0, 0.0), 0.0);
    }
}
