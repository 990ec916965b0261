//! The front's operations and the economic war, for the weekly loop's *fight* phase: who is
//! attacking (operational regimes), how an attack weakens as it advances (the culminating
//! point), how a defender digs in, the hazards with which offensives start and end, the
//! shocks to each side's effectiveness, force generation and oil revenue, and what each
//! side's economy recovers toward (aid, sanctions, oil) and what a year of war costs it.
//! `crate::sim` calls these from its *fight* phase and keeps the run's [`Front`] in its state.
//!
//! Sources (`docs/reference/front-dynamics.md`): Clausewitz, *On War* VII.4–5 (the attack's
//! decreasing force and its culminating point); Boulding 1962 (the loss-of-strength
//! gradient); `war-termination.md` §3.3 (why offensives stall: losses, supply distance,
//! prepared defences, reserves) and §8 (stylised front dynamics: long attritional phases,
//! failed set-piece offensives against prepared defences, short defender breakthroughs).
//!
//! Nothing here allocates or reads the catalogue; [`Front::shocks`] and [`Front::transition`]
//! draw from the run's stream they are handed, in the order `crate::sim` documents, and
//! nothing else draws.

use crate::params::Params;
use crate::sim::front_shape;
use rand::Rng;
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

/// Per-run constants of the front and the economy, derived once from the parameters.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Constants {
    /// Economy per side at the start (effectiveness and the cost of war are relative to it).
    pub econ0: [f64; 2],
    /// The regime of week 0: the side the calibrated gain says is advancing.
    pub regime0: Regime,
    /// Attrition multiplier per side in the regime of week 0 (the calibration divides by it).
    pub loss0: [f64; 2],
    /// Weekly probabilities per side of an effectiveness edge, a mobilisation wave and an
    /// oil-revenue shock; the log size of an edge; weekly personnel of a wave.
    edge_p: [f64; 2],
    edge_log: [f64; 2],
    mob_p: [f64; 2],
    mob_flow: [f64; 2],
    oil_p: [f64; 2],
    /// Weekly persistence factors: of an edge, of exhaustion, of an oil shock per side.
    edge_keep: f64,
    exhaustion_keep: f64,
    oil_keep: [f64; 2],
}

impl Default for Constants {
    fn default() -> Self {
        Constants {
            econ0: [1.0; 2],
            regime0: Regime::Contested,
            loss0: [1.0; 2],
            edge_p: [0.0; 2],
            edge_log: [0.0; 2],
            mob_p: [0.0; 2],
            mob_flow: [0.0; 2],
            oil_p: [0.0; 2],
            edge_keep: 1.0,
            exhaustion_keep: 1.0,
            oil_keep: [1.0; 2],
        }
    }
}

impl Constants {
    /// The regime of week 0 (the side the calibrated gain says is advancing; without a
    /// calibration, the stronger side), the attrition multipliers of that regime, and the
    /// shocks' weekly probabilities and persistence.
    pub(crate) fn new(p: &Params) -> Self {
        let mut k = Constants::default();
        for s in 0..2 {
            let sd = &p.sides[s];
            k.econ0[s] = sd.economy;
            k.edge_p[s] = weekly(sd.edge_rate, 1.0);
            k.edge_log[s] = (1.0 + sd.edge_size).ln();
            k.mob_p[s] = weekly(sd.mobilisation_rate, 1.0);
            k.mob_flow[s] = sd.mobilisation_size / sd.mobilisation_weeks.max(1.0);
            k.oil_p[s] = weekly(sd.oil_rate, 1.0);
            k.oil_keep[s] = (-1.0 / sd.oil_weeks.max(1.0)).exp();
        }
        k.edge_keep = (-1.0 / p.edge_weeks.max(1.0)).exp();
        k.exhaustion_keep = (-1.0 / p.exhaustion_recovery_weeks.max(1.0)).exp();
        let rho0 = p.start_force_ratio();
        k.regime0 = if !p.regimes {
            Regime::Contested
        } else if p.calibrated_gain > 0.0 || (p.calibrated_gain == 0.0 && rho0 > 1.0) {
            Regime::OffensiveFirst
        } else if p.calibrated_gain < 0.0 || rho0 < 1.0 {
            Regime::OffensiveSecond
        } else {
            Regime::Positional
        };
        k.loss0 = loss_factors(p, k.regime0, [0.0; 2]);
        k
    }
}

/// Attrition multipliers per side in a regime: an attacker's losses × `attacker_loss_factor`
/// × (1 + `preparation_advantage` × the defender's preparation), the defender's ÷
/// `attacker_loss_factor`; 1 for both without an attacker. Prepared defences make an attack
/// costlier (`war-termination.md` §3.3, T7).
pub(crate) fn loss_factors(p: &Params, regime: Regime, preparation: [f64; 2]) -> [f64; 2] {
    match regime.attacker() {
        None => [1.0; 2],
        Some(a) => {
            let mut m = [1.0 / p.attacker_loss_factor; 2];
            m[a] = p.attacker_loss_factor * (1.0 + p.preparation_advantage * preparation[1 - a]);
            m
        }
    }
}

/// The cost of a year of war for a side with economy `e` now: heavier on a weaker economy,
/// × (E at the start / E)^elasticity.
pub(crate) fn war_cost(p: &Params, k: &Constants, side: usize, e: f64) -> f64 {
    let sd = &p.sides[side];
    if sd.economy_cost_elasticity == 0.0 {
        return sd.war_cost_per_year;
    }
    let ratio = k.econ0[side] / e.max(0.01);
    // x^1 is x exactly (IEEE pow, and the library's): the scenarios' default elasticity skips
    // the `powf`, the fight's costliest call (`war_cost_skips_the_power_at_one` checks it).
    if sd.economy_cost_elasticity == 1.0 {
        return sd.war_cost_per_year * ratio;
    }
    sd.war_cost_per_year * ratio.powf(sd.economy_cost_elasticity)
}

/// The front's state in one run: the regime and what lies behind it, and the economic war's
/// running shocks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Front {
    /// Who is on the offensive.
    pub regime: Regime,
    /// Culmination per side: its effectiveness × exp(−exhaustion).
    exhaustion: [f64; 2],
    /// Each side's prepared defences in [0, 1].
    preparation: [f64; 2],
    /// Each side's effectiveness edge (log multiplier), fading as the enemy adapts.
    edge: [f64; 2],
    /// Personnel of mobilisation waves still to arrive per side.
    mobilising: [f64; 2],
    /// Oil-revenue shock per side (points of economic potential), fading.
    oil: [f64; 2],
    /// Sanctions level per side relative to the start's (1 = as at the start).
    sanctions: [f64; 2],
    /// exp(edge − exhaustion) per side ([`Front::edge_factor`]), recomputed whenever the edge
    /// or the exhaustion changes (only [`Front::start`] and [`Front::shocks`] change them): a
    /// week reads it several times (effectiveness before and after the fighting, the value
    /// of war, talks), so caching it saves an `exp` per read and changes no bit.
    factor: [f64; 2],
}

impl Front {
    /// The front at the start: the regime of week 0, nobody culminated, dug in or shocked.
    pub(crate) fn start(k: &Constants) -> Self {
        Front {
            regime: k.regime0,
            exhaustion: [0.0; 2],
            preparation: [0.0; 2],
            edge: [0.0; 2],
            mobilising: [0.0; 2],
            oil: [0.0; 2],
            sanctions: [1.0; 2],
            factor: [0.0; 2],
        }
        .with_factors()
    }

    /// Recomputes the cached exp(edge − exhaustion) of both sides.
    #[inline]
    fn with_factors(mut self) -> Self {
        self.refresh_factors();
        self
    }

    /// Recomputes the cached exp(edge − exhaustion) of both sides (after a change to either).
    #[inline]
    fn refresh_factors(&mut self) {
        for s in 0..2 {
            self.factor[s] = (self.edge[s] - self.exhaustion[s]).exp();
        }
    }

    /// A side's effectiveness multiplier from its economy: the share `economy_dependence`
    /// scales with the economy relative to the start's.
    pub(crate) fn economy_factor(p: &Params, k: &Constants, side: usize, economy: f64) -> f64 {
        let sd = &p.sides[side];
        1.0 - sd.economy_dependence + sd.economy_dependence * economy / k.econ0[side]
    }

    /// A side's effectiveness multiplier from its edge and its culmination: exp(edge −
    /// exhaustion).
    pub(crate) fn edge_factor(&self, side: usize) -> f64 {
        self.factor[side]
    }

    /// Attrition multipliers per side this week ([`loss_factors`] with the defences as dug).
    pub(crate) fn loss_factors(&self, p: &Params) -> [f64; 2] {
        loss_factors(p, self.regime, self.preparation)
    }

    /// A side's defender's advantage with its prepared defences.
    fn advantage(&self, p: &Params, side: usize) -> f64 {
        prepared_advantage(p.defender_advantage, p.preparation_advantage, self.preparation[side])
    }

    /// The mean weekly movement at intensity 1 in the week's regime (`v`: the calibrated
    /// scale): without regimes the force-ratio law both ways; in an offensive only toward the
    /// attacker, against the defender's prepared advantage; none on a positional front.
    pub(crate) fn drift(&self, p: &Params, v: f64, rho: f64) -> f64 {
        let d = |s: usize| self.advantage(p, s);
        match self.regime {
            Regime::Contested => v * front_shape(rho, d(if rho >= 1.0 { 1 } else { 0 }), p.gain_steepness),
            Regime::Positional => 0.0,
            Regime::OffensiveFirst => v * front_shape(rho, d(1), p.gain_steepness).max(0.0),
            Regime::OffensiveSecond => v * front_shape(rho, d(0), p.gain_steepness).min(0.0),
        }
    }

    /// What a side's economy recovers toward: the potential, less the aid it depends on that
    /// has gone (`aid` against `aid0` at the start), less the drag of sanctions above the
    /// start's level, plus oil-revenue shocks.
    pub(crate) fn economy_target(&self, p: &Params, side: usize, aid: f64, aid0: f64) -> f64 {
        let sd = &p.sides[side];
        let aid_share = if aid0 > 0.0 { 1.0 - sd.economy_aid_dependence * (1.0 - aid / aid0) } else { 1.0 };
        sd.economy_potential * aid_share - sd.sanctions_drag * (self.sanctions[side] - 1.0) + self.oil[side]
    }

    /// Sets the sanctions level on a side (a `sanctions` event).
    pub(crate) fn set_sanctions(&mut self, side: usize, level: f64) {
        self.sanctions[side] = level.max(0.0);
    }

    /// Mobilised personnel arriving this week on a side (taken from those still to arrive).
    pub(crate) fn arrivals(&mut self, k: &Constants, side: usize) -> f64 {
        let arriving = self.mobilising[side].min(k.mob_flow[side]);
        self.mobilising[side] -= arriving;
        arriving
    }

    /// After the week's fighting: the attacker's culmination grows with its advance (`gain`,
    /// the first side's) and its losses (`cas` against `forces`) while a side not advancing
    /// recovers; prepared defences dig in and are overrun by movement; effectiveness edges,
    /// mobilisation waves and oil-revenue shocks arrive and fade. Draws, per side with a
    /// positive rate: one uniform for an edge, one for a wave, one for an oil shock (and one
    /// for its sign when it comes).
    pub(crate) fn shocks<R: Rng + ?Sized>(
        &mut self,
        p: &Params,
        k: &Constants,
        gain: f64,
        cas: [f64; 2],
        forces: [f64; 2],
        rng: &mut R,
    ) {
        let attacker = match self.regime {
            Regime::Contested if gain > 0.0 => Some(0),
            Regime::Contested if gain < 0.0 => Some(1),
            r => r.attacker(),
        };
        for s in 0..2 {
            if attacker == Some(s) {
                let advance = if s == 0 { gain } else { -gain }.max(0.0);
                let lost = cas[s] / forces[s].max(1.0);
                self.exhaustion[s] +=
                    p.culmination_per_1000_km2 * advance / 1000.0 + p.culmination_per_force_lost * lost;
            } else {
                self.exhaustion[s] *= k.exhaustion_keep;
            }
            if p.preparation_advantage > 0.0 {
                self.preparation[s] = dig(self.preparation[s], p.preparation_weeks, gain.abs(), p.preparation_belt_km2);
            }
        }
        for s in 0..2 {
            let sd = &p.sides[s];
            self.edge[s] *= k.edge_keep;
            if k.edge_p[s] > 0.0 && rng.random::<f64>() < k.edge_p[s] {
                self.edge[s] += k.edge_log[s];
            }
            if k.mob_p[s] > 0.0 && rng.random::<f64>() < k.mob_p[s] {
                self.mobilising[s] += sd.mobilisation_size;
            }
            self.oil[s] *= k.oil_keep[s];
            if k.oil_p[s] > 0.0 && rng.random::<f64>() < k.oil_p[s] {
                self.oil[s] += if rng.random::<f64>() < 0.5 { sd.oil_size } else { -sd.oil_size };
            }
        }
        self.refresh_factors();
    }

    /// Whether the draw `u` lies above every hazard of [`Front::transition`] this week, so
    /// that the regime surely stays and the `powf` and `exp` of the exact hazards are not
    /// needed. Only where each ratio term is at most 1 (its ratio (ρ/D)^k with ρ ≤ D and
    /// k ≥ 0: the computed power of a base ≤ 1 is ≤ 1): then a hazard is at most
    /// rate · mult / 52 with mult ≤ the season's factor (1 − e^(−x) ≤ x, within an ulp of 1 as
    /// computed, under the 10⁻⁹ and 10⁻¹⁵ margins). Exact: it decides as the comparisons
    /// below; anything else (a NaN, a negative exponent or rate) takes the exact path.
    fn surely_unchanged(&self, p: &Params, rho: [f64; 2], season: f64, u: f64) -> bool {
        let k = p.regime_ratio_exponent;
        if k.is_nan() || k < 0.0 || season.is_nan() || season <= 0.0 {
            return false;
        }
        let bound = |per_year: f64, mult: f64| per_year * mult / 52.0 * (1.0 + 1e-9) + 1e-15;
        let below_one = |rho: f64, d: f64| (rho / d).max(1e-9) <= 1.0;
        match self.regime.attacker() {
            None => {
                let per_year = p.offensive_start_per_year;
                per_year >= 0.0
                    && below_one(rho[0], self.advantage(p, 1))
                    && below_one(rho[1], self.advantage(p, 0))
                    && u > bound(per_year, season) + bound(per_year, season)
            }
            Some(a) => {
                let per_year = p.offensive_end_per_year;
                per_year >= 0.0 && below_one(self.advantage(p, 1 - a), rho[a]) && u > bound(per_year, 1.0 / season)
            }
        }
    }

    /// The regime's next step (one uniform), given each side's effective force ratio `rho`
    /// (culmination, edges, aid and economy included) and the month's `season` multiplier.
    /// From a positional front each side launches an offensive with weekly hazard
    /// `offensive_start_per_year` × season × (ρ_s / D_o)^k, D_o the other side's prepared
    /// advantage; an offensive ends with hazard `offensive_end_per_year` ÷ season ×
    /// (D_o / ρ_a)^k: it stalls as it culminates, and a culminated attacker invites the
    /// defender's counter-offensive (Clausewitz VII.5: "the reaction follows").
    pub(crate) fn transition<R: Rng + ?Sized>(&mut self, p: &Params, rho: [f64; 2], season: f64, rng: &mut R) {
        let k = p.regime_ratio_exponent;
        let u: f64 = rng.random();
        if self.surely_unchanged(p, rho, season, u) {
            return;
        }
        match self.regime.attacker() {
            None => {
                let h0 = weekly(p.offensive_start_per_year, season * ratio_term(rho[0], self.advantage(p, 1), k));
                let h1 = weekly(p.offensive_start_per_year, season * ratio_term(rho[1], self.advantage(p, 0), k));
                if u < h0 {
                    self.regime = Regime::OffensiveFirst;
                } else if u < (h0 + h1).min(1.0) {
                    self.regime = Regime::OffensiveSecond;
                }
            }
            Some(a) => {
                let h = weekly(p.offensive_end_per_year, ratio_term(self.advantage(p, 1 - a), rho[a], k) / season);
                if u < h {
                    self.regime = Regime::Positional;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut at elasticity 1 is the `powf` it skips, bit for bit, over economies from
    /// ruin to boom (and the floor of 0.01 below them).
    #[test]
    fn war_cost_skips_the_power_at_one() {
        let l = crate::load::load_str("u", crate::builtin::builtin("ukraine-2025-12").unwrap()).unwrap();
        let mut p = l.params;
        p.sides[0].economy_cost_elasticity = 1.0;
        let k = Constants::new(&p);
        for i in 0..20_000 {
            let e = i as f64 * 1.37e-4 - 0.1;
            let sd = &p.sides[0];
            let exact = sd.war_cost_per_year * (k.econ0[0] / e.max(0.01)).powf(1.0);
            assert_eq!(war_cost(&p, &k, 0, e).to_bits(), exact.to_bits(), "economy {e}");
        }
        // Another elasticity still takes the power.
        p.sides[0].economy_cost_elasticity = 1.5;
        let r = k.econ0[0] / 0.5;
        assert_eq!(war_cost(&p, &k, 0, 0.5).to_bits(), (p.sides[0].war_cost_per_year * r.powf(1.5)).to_bits());
    }

    /// The cached edge factor is exp(edge − exhaustion) bit for bit after every week's shocks.
    #[test]
    fn cached_edge_factor_follows_the_shocks() {
        use rand::SeedableRng;
        let l = crate::load::load_str("u", crate::builtin::builtin("ukraine-2025-12").unwrap()).unwrap();
        let mut p = l.params;
        p.sides[0].edge_rate = 20.0;
        p.sides[1].edge_rate = 20.0;
        let k = Constants::new(&p);
        let mut f = Front::start(&k);
        assert_eq!(f.edge_factor(0), 1.0);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut moved = false;
        for week in 0..200 {
            let gain = if week % 3 == 0 { 40.0 } else { -25.0 };
            f.shocks(&p, &k, gain, [900.0, 1100.0], [5e5, 6e5], &mut rng);
            for s in 0..2 {
                let expected = (f.edge[s] - f.exhaustion[s]).exp();
                assert_eq!(f.edge_factor(s).to_bits(), expected.to_bits(), "week {week} side {s}");
                moved |= f.edge_factor(s) != 1.0;
            }
        }
        assert!(moved, "the edges and the exhaustion moved");
    }

    /// The regime's shortcut never skips a change: wherever it says "surely unchanged", the
    /// draw lies at or above the exact hazards, over regimes, force ratios, defences,
    /// seasons and exponents, with draws at and around each hazard; and it does skip.
    #[test]
    fn surely_unchanged_never_skips_a_change() {
        use rand::SeedableRng;
        let l = crate::load::load_str("u", crate::builtin::builtin("ukraine-2025-12").unwrap()).unwrap();
        let mut p = l.params;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let (mut skipped, mut tried) = (0, 0);
        for _ in 0..20_000 {
            p.regime_ratio_exponent = [0.0, 0.5, 2.0, 4.0, 6.0][rng.random_range(0..5)];
            p.offensive_start_per_year = rng.random_range(0.0..20.0);
            p.offensive_end_per_year = rng.random_range(0.0..20.0);
            let k = Constants::new(&p);
            let mut f = Front::start(&k);
            f.regime = [Regime::Positional, Regime::OffensiveFirst, Regime::OffensiveSecond][rng.random_range(0..3)];
            f.preparation = [rng.random_range(0.0..1.0), rng.random_range(0.0..1.0)];
            let rho = [rng.random_range(0.2..3.0), rng.random_range(0.2..3.0)];
            let season = rng.random_range(0.05..1.5);
            let e = p.regime_ratio_exponent;
            let (h, h_sum) = match f.regime.attacker() {
                None => {
                    let h0 = weekly(p.offensive_start_per_year, season * ratio_term(rho[0], f.advantage(&p, 1), e));
                    let h1 = weekly(p.offensive_start_per_year, season * ratio_term(rho[1], f.advantage(&p, 0), e));
                    (h0, (h0 + h1).min(1.0))
                }
                Some(a) => {
                    let h = weekly(p.offensive_end_per_year, ratio_term(f.advantage(&p, 1 - a), rho[a], e) / season);
                    (h, h)
                }
            };
            let mut us = vec![h, h_sum, f64::from_bits(h_sum.to_bits() + 1), rng.random(), rng.random()];
            if h_sum > 0.0 {
                us.push(f64::from_bits(h_sum.to_bits() - 1));
            }
            for u in us {
                tried += 1;
                if f.surely_unchanged(&p, rho, season, u) {
                    skipped += 1;
                    assert!(u >= h && u >= h_sum, "skipped a change: u {u}, hazards {h} {h_sum}");
                }
            }
        }
        assert!(skipped * 10 > tried, "the shortcut skipped only {skipped} of {tried} draws");
    }

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
