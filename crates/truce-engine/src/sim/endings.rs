//! The ways out of a war, as phases of [`Sim::run`] (issue 12; `docs/reference/war-endings.md`):
//! the pressure of war and ripeness (Zartman's mutually hurting stalemate; Leventoğlu &
//! Slantchev's accumulated destruction), domestic politics (irregular removal of a leader, a
//! non-culpable successor, the gamble for resurrection, economic crisis), low activity as a
//! state of the war that may flare up, the mediator's attention (decay, initiatives,
//! suspension over indivisible issues), and why a talk round failed ([`Blocker`]).
//!
//! Each phase reads and writes the run state of [`super`]; each draws at most the uniforms its
//! doc names, always, so that the order of draws never depends on the path of a run. Nothing
//! here allocates, and nothing here fights or learns: the front, attrition, the economy and
//! beliefs are the fight and learn phases' (`sim.rs`).

use super::Observer;
use super::{Fallback, Fought, RoundBuffers, Sim, State};
use crate::scenario::Role;
use crate::talk::Blocker;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The probability of at least one event in a week of a Poisson process with `per_year`
/// events a year.
#[inline]
pub(super) fn weekly(per_year: f64) -> f64 {
    -(-per_year / 52.0).exp_m1()
}

/// A power of two no smaller than e^y (for y ≤ 50, as the hazards cap their exponents), for
/// bounding a hazard without its `exp`: 2^(⌈y · log₂e⌉ + 1) exceeds e^y by a factor of 2 to
/// 4, far more than the last-ulp errors of the product and of the library's `exp`. A NaN
/// gives infinity (no bound).
#[inline]
pub(super) fn exp_upper(y: f64) -> f64 {
    let n = ceil(y * std::f64::consts::LOG2_E) + 1.0;
    if n < -1000.0 {
        f64::from_bits(23u64 << 52) // 2^-1000 > e^y
    } else if n <= 1000.0 {
        f64::from_bits(((n as i64 + 1023) as u64) << 52)
    } else {
        f64::INFINITY
    }
}

/// ⌈t⌉ as `f64::ceil` gives it (the sign of a zero aside), without its library call:
/// baseline x86-64 has no rounding instruction, and `ceil` was a tenth of the collapse
/// draw's cost. Below 2⁵² in magnitude the truncation to an integer is exact; above it every
/// `f64` is an integer already, and infinities and NaN come back as they are.
#[inline]
fn ceil(t: f64) -> f64 {
    if t.abs() < 4_503_599_627_370_496.0 {
        let i = t as i64 as f64;
        if i < t {
            i + 1.0
        } else {
            i
        }
    } else {
        t
    }
}

/// `u < weekly(per_year)`, exactly, without the `expm1` when `u` lies above per_year / 52
/// (as most weeks' draws lie above a small hazard): 1 − e^(−x) ≤ x for every x, and the
/// library's `expm1` is within an ulp of it, far inside the 10⁻⁹ margin. A NaN or negative
/// rate takes the exact path.
#[inline]
pub(super) fn under_weekly(u: f64, per_year: f64) -> bool {
    let x = per_year / 52.0;
    if x >= 0.0 && u > x * (1.0 + 1e-9) {
        return false;
    }
    u < weekly(per_year)
}

/// How hard the war presses on each side this week (`docs/reference/war-endings.md` §1, §3).
#[derive(Clone, Copy, Default)]
pub(super) struct Pressure {
    /// Effective cost of a year of war at full intensity, in utility points: the side's cost,
    /// raised by accumulated destruction and economic crisis, divided by its resolve (raised
    /// by a culpable leader's gamble for resurrection).
    pub(super) cost: [f64; 2],
    /// Losses: casualties so far / starting forces, plus the economic crisis (0–1).
    pub(super) losses: [f64; 2],
    /// Depth of the economic crisis (0–1).
    pub(super) crisis: [f64; 2],
}

impl Sim {
    // ---- Events: calls for talks and leader changes -------------------------------------

    /// Something calls for talks: a round this week, the mediator's full attention, and an
    /// end to any suspension.
    pub(super) fn call_talks(&self, st: &mut State) {
        st.talks_due = true;
        st.attention = 1.0;
        st.suspended = false;
    }

    /// Side `s`'s leader is replaced by a non-culpable successor (Croco 2011): the audience
    /// costs of the side's red lines fall to the successor's share, resolve is scaled by
    /// `resolve`, the side's private reservations are drawn afresh, and the change calls for
    /// talks.
    ///
    /// The reservation ([`Sim::reserve`]) is the party's private type — what it will accept,
    /// known to it alone. A new leader is a new type: the successor's costs, resolve and
    /// domestic constraints are its own and unknown to the other side (Croco 2011; Quiroz
    /// Flores 2012 on the leader's tenure as the unit of a state's war policy; Goemans 2000),
    /// so keeping the predecessor's draw would let a dead or ousted leader's private
    /// threshold bind the successor. Two uniforms, always: the belligerent's reservation for a
    /// deal, then the side's for a freeze at the line (before the run's first round they are
    /// drawn and then replaced by that round's draws).
    pub(super) fn successor<O: Observer>(
        &mut self,
        st: &mut State,
        s: usize,
        resolve: f64,
        rng: &mut ChaCha8Rng,
        observer: &mut O,
    ) {
        let pol = &self.p.politics[s];
        let a = self.p.sides[s].belligerent;
        st.culpable[s] = false;
        st.leader_audience[s] = pol.successor_audience;
        self.b.resolve[a] = (self.b.resolve[a] * resolve).max(1e-6);
        let (deal, freeze): (f64, f64) = (rng.random(), rng.random());
        if self.p.veto[a] {
            self.b.reserve[a] = deal;
        }
        st.reserve_ceasefire[s] = freeze;
        self.call_talks(st);
        observer.leader_change(st.week, s);
    }

    // ---- Phase: politics ----------------------------------------------------------------

    /// The pressure of war on each side this week and the ripeness it makes
    /// (`docs/reference/war-endings.md` §1, §3).
    ///
    /// - Losses L = casualties so far / starting forces + crisis, with the crisis
    ///   x = (E* − E) / E* below the side's crisis level E* (0 above it).
    /// - Effective cost of a year of war c = c₀(E) · (1 + w_D · casualties / forces)
    ///   · (1 + w_x · x) / (resolve · (1 + g · L) while the culpable leader is in office):
    ///   destruction accumulates (Leventoğlu & Slantchev 2007), a crisis hurts, a culpable
    ///   leader who fears removal gambles for resurrection (Goemans 2000).
    /// - Ripeness R = min over sides of stalemate × hurt (Zartman 2000): stalemate = 1 − (the
    ///   side's believed weekly gain / the gain that is a way to win), within [0, 1], × (1 −
    ///   the side's hope to outlast the other, which fighting does not touch: Spaniel & Bils
    ///   2018, `docs/reference/war-endings.md` §16); hurt = pain / (pain + half), pain = c ×
    ///   the activity factor.
    ///
    /// `war_cost` is each side's c₀(E) now (`Sim::war_cost`; the week's fight computed it).
    pub(super) fn pressure(&self, st: &mut State, war_cost: [f64; 2]) {
        let p = &self.p;
        let low = if st.low { p.low_activity_factor } else { 1.0 };
        let mut r = f64::INFINITY;
        for s in 0..2 {
            let (sd, pol) = (&p.sides[s], &p.politics[s]);
            let destruction = st.cum_cas[s] / sd.forces.max(1e-9);
            let crisis = if pol.crisis_economy > 0.0 {
                ((pol.crisis_economy - st.economy[s]) / pol.crisis_economy).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let losses = destruction + crisis;
            let gamble = if st.culpable[s] { 1.0 + pol.gamble * losses } else { 1.0 };
            let resolve = self.b.resolve[sd.belligerent] * gamble;
            // The economy-dependent cost of a year of war (`crate::front::war_cost`).
            let cost =
                war_cost[s] * (1.0 + p.ripeness.destruction_weight * destruction) * (1.0 + pol.crisis_weight * crisis)
                    / resolve.max(1e-9);
            st.pressure.cost[s] = cost;
            st.pressure.losses[s] = losses;
            st.pressure.crisis[s] = crisis;
            let gain = if s == 0 { st.belief[0] } else { -st.belief[1] };
            let mut stalemate = (1.0 - gain / p.ripeness.win_km2_per_week).clamp(0.0, 1.0);
            // No way to win on the ground, and no hope that the other side quits first: the
            // hope rests on the other's aims, which fighting does not reveal (§16).
            if pol.outlast_hope > 0.0 {
                stalemate *= 1.0 - pol.outlast_hope;
            }
            let pain = cost * low;
            let hurt = pain / (pain + p.ripeness.hurt_half_per_year);
            r = r.min(stalemate * hurt);
        }
        st.ripeness = r;
    }

    /// A leader may be removed (one draw per side, first side first): the yearly rate of
    /// irregular removal rises with losses, rate · exp(w · L) (Chiozza & Goemans 2004; the
    /// hazard rising with the costs of war, `war-termination.md` §7). A successor is not
    /// culpable for the war.
    pub(super) fn politics<O: Observer>(&mut self, st: &mut State, rng: &mut ChaCha8Rng, observer: &mut O) {
        for s in 0..2 {
            let pol = &self.p.politics[s];
            let u: f64 = rng.random();
            if pol.removal_per_year <= 0.0 {
                continue;
            }
            let y = (pol.removal_loss_weight * st.pressure.losses[s]).min(50.0);
            // Most weeks' draws lie above even a bound of the hazard: then no exp at all.
            if u > pol.removal_per_year * exp_upper(y) / 52.0 * (1.0 + 1e-9) {
                continue;
            }
            let rate = pol.removal_per_year * y.exp();
            if under_weekly(u, rate) {
                let resolve = self.p.politics[s].successor_resolve;
                self.successor(st, s, resolve, rng, observer);
            }
        }
    }

    // ---- Phase: activity ----------------------------------------------------------------

    /// Low activity, a state of the war (`war-termination.md` §6; one draw a week). Fighting
    /// settles into low activity without agreement when intensity has stayed below the floor
    /// for long enough, or, at a rate scaled by ripeness, when both sides see no way to win
    /// and are hurting (mutual exhaustion with a defensive advantage). Low activity flares up
    /// into high-intensity war at a rate that a shift of the effective force ratio since it
    /// began raises: rate · exp(w · |Δ ln ρ|).
    pub(super) fn activity(&self, st: &mut State, f: &Fought, rng: &mut ChaCha8Rng) {
        let p = &self.p;
        let u: f64 = rng.random();
        if st.low {
            let shift = (self.ln_rho(st, f.eff) - st.low_lnrho).abs();
            let rate = p.flare_up_per_year * (p.flare_up_shift_weight * shift).min(50.0).exp();
            if under_weekly(u, rate) {
                st.low = false;
                st.low_weeks = 0;
            }
            return;
        }
        st.low_weeks = if f.intensity < p.low_activity_intensity { st.low_weeks + 1 } else { 0 };
        if st.low_weeks >= p.low_activity_weeks || under_weekly(u, p.low_activity_onset_per_year * st.ripeness) {
            st.low = true;
            st.low_since = st.week;
            st.low_lnrho = self.ln_rho(st, f.eff);
        }
    }

    /// ln of the effective force ratio (first side over second).
    pub(super) fn ln_rho(&self, st: &State, eff: [f64; 2]) -> f64 {
        ((eff[0] * st.forces[0]).max(1e-12) / (eff[1] * st.forces[1]).max(1e-12)).ln()
    }

    // ---- Phase: attention ---------------------------------------------------------------

    /// The mediator's attention (`war-termination.md` §5.1; one draw a week): it decays by its
    /// half-life; a new initiative (a new plan, a new envoy) brings it back to 1 and lifts a
    /// suspension; a battlefield change of `resume_line_points` since a suspension began lifts
    /// it too; ripeness draws the mediator in (attention at least R).
    pub(super) fn attention(&self, st: &mut State, rng: &mut ChaCha8Rng) {
        let med = &self.p.mediation;
        st.attention *= self.k.attention_decay;
        let u: f64 = rng.random();
        if u < self.k.initiative {
            st.attention = 1.0;
            st.suspended = false;
        }
        if st.suspended && (self.p.km2_to_index(st.km2) - st.suspended_at).abs() >= med.resume_line_points {
            st.attention = 1.0;
            st.suspended = false;
        }
        st.attention = st.attention.max(st.ripeness);
    }

    // ---- After a failed talk round ------------------------------------------------------

    /// After a failed session the mediator loses some attention; one whose last round was
    /// blocked (`st.blocked`) by a red line or the commitment check (an issue neither side
    /// can concede) suspends talks with the scenario's probability, until a shock lifts the
    /// suspension (one draw, always made).
    pub(super) fn after_failure(&self, st: &mut State, rng: &mut ChaCha8Rng) {
        let med = &self.p.mediation;
        st.attention *= 1.0 - med.failure_fatigue;
        let u: f64 = rng.random();
        let indivisible = matches!(st.blocked, Some(Blocker::RedLine | Blocker::Commitment));
        if indivisible && u < med.suspension_probability {
            st.suspended = true;
            st.suspended_at = self.p.km2_to_index(st.km2);
        }
    }

    /// Side `s`'s leader's share of the audience costs of its red lines, before ripeness's
    /// relief: the leader's own (1 for the culpable one, `successor_audience` after a change),
    /// × (1 + entrenchment · losses) while the leader who began the war is in office — it must
    /// justify what the war has cost (Iklé 1971; Goemans 2000; `docs/reference/war-endings.md`
    /// §12). A successor is spared (Croco 2011); an entrenchment of 0 leaves the share as it is.
    pub(super) fn audience_share(&self, st: &State, s: usize) -> f64 {
        let e = self.p.politics[s].entrenchment;
        if e > 0.0 && st.culpable[s] {
            st.leader_audience[s] * (1.0 + e * st.pressure.losses[s])
        } else {
            st.leader_audience[s]
        }
    }

    /// The share of each actor's audience costs that applies this round: a belligerent's is
    /// its leader's (a non-culpable successor's is lower), lightened by ripeness, ×
    /// (1 − relief · R): under a mutually hurting stalemate a way out can be sold at home
    /// (Zartman 2000). While the leader who began the war is in office, its share is also ×
    /// (1 + entrenchment · losses): costs paid entrench the aims they were paid for (Iklé
    /// 1971; Goemans 2000; `docs/reference/war-endings.md` §12).
    pub(super) fn set_audience(&mut self, st: &State) {
        let relief = 1.0 - self.p.ripeness.audience_relief * st.ripeness;
        let share = [self.audience_share(st, 0), self.audience_share(st, 1)];
        for a in 0..self.p.n_actors() {
            self.b.audience[a] = match self.p.side_of[a] {
                Some(s) if self.p.role[a] == Role::Belligerent => share[s] * relief,
                _ => 1.0,
            };
        }
    }
}

impl RoundBuffers {
    /// Why a round that reached neither a settlement nor a ceasefire failed (the order of
    /// [`Blocker`]): with some deal beating war for both belligerents, a failed commitment
    /// check, else a refusal that a red line's audience cost explains, else a veto player's
    /// margin; with none, a belligerent's refusal of the freeze that a red line explains, else
    /// no open range.
    pub(super) fn blocker(&self, range_open: bool, f: &Fallback) -> Blocker {
        let red = |margin: f64, audience: f64| margin < 0.0 && audience > 0.0 && margin + audience >= 0.0;
        if range_open {
            if self.decisions.iter().any(|d| !d.commitment_ok) {
                return Blocker::Commitment;
            }
            let refused = self.decisions.iter().filter(|d| !d.accepted);
            if refused.clone().any(|d| red(d.margin, d.audience)) {
                Blocker::RedLine
            } else {
                Blocker::Margin
            }
        } else if (0..2).any(|s| !f.accepted[s] && red(f.margins[s], f.audience[s])) {
            Blocker::RedLine
        } else {
            Blocker::NoRange
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{run_rng, NoObserver, Sim};
    use super::{ceil, exp_upper, under_weekly, weekly};
    use rand::Rng;

    /// The cheap bound is never below the library's exp, and within a factor of 4 of it.
    #[test]
    fn exp_upper_bounds_exp() {
        let mut rng = run_rng(6, 0);
        let mut ys: Vec<f64> = vec![0.0, -0.0, 50.0, -700.0, -745.0, -1e300, f64::NEG_INFINITY, 1e-300, -1e-300];
        ys.extend((0..20_000).map(|_| rng.random_range(-800.0..50.0)));
        ys.extend((-100..=100).map(|i| i as f64 * std::f64::consts::LN_2));
        for y in ys {
            let (b, e) = (exp_upper(y), y.exp());
            assert!(b >= e, "exp_upper({y}) = {b} < exp = {e}");
            if y > -690.0 {
                assert!(b <= 4.0 * e * (1.0 + 1e-12), "exp_upper({y}) = {b} is loose against {e}");
            }
        }
        assert_eq!(exp_upper(f64::NAN), f64::INFINITY);
    }

    /// The inline ceiling is the library's, at integers, their neighbours, halves, zeros,
    /// huge values, infinities and NaN.
    #[test]
    fn ceil_is_the_library_ceil() {
        let mut ts = vec![0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 4_503_599_627_370_496.0, -4_503_599_627_370_495.5];
        ts.extend([1e300, -1e300, f64::INFINITY, f64::NEG_INFINITY, f64::MIN_POSITIVE, -f64::MIN_POSITIVE]);
        for i in -2000..=2000 {
            let x = i as f64 * 0.37;
            ts.extend([x, f64::from_bits(x.to_bits() + 1), f64::from_bits(x.to_bits().wrapping_sub(1))]);
        }
        for t in ts.into_iter().filter(|t| !t.is_nan()) {
            let (mine, lib) = (ceil(t), t.ceil());
            assert!(mine == lib, "ceil({t}) = {mine}, the library's {lib}");
        }
        assert!(ceil(f64::NAN).is_nan());
    }

    /// The shortcut decides exactly as the comparison with the weekly probability, at the
    /// probability's own value and its neighbours, for small, large, zero, negative and
    /// non-finite rates.
    #[test]
    fn under_weekly_is_the_exact_comparison() {
        let mut rates = vec![0.0, -0.0, -1.0, 1e-300, 1e-12, f64::INFINITY, f64::NAN, f64::NEG_INFINITY];
        rates.extend((0..400).map(|i| 1e-6 * 1.1f64.powi(i)));
        let mut rng = run_rng(5, 0);
        for &r in &rates {
            let w = weekly(r);
            let mut us = vec![0.0, w, f64::from_bits(w.to_bits().wrapping_add(1)), r / 52.0, 0.5, 1.0 - 1e-16];
            if w > 0.0 {
                us.push(f64::from_bits(w.to_bits() - 1));
            }
            us.extend((0..50).map(|_| rng.random::<f64>()));
            for u in us {
                assert_eq!(under_weekly(u, r), u < w, "u {u} rate {r}");
            }
        }
    }

    /// A leader change draws the side's reservations afresh (two uniforms from the run's
    /// stream, the deal's then the freeze's) and leaves the other side's alone.
    #[test]
    fn a_successor_draws_a_fresh_reservation() {
        let l = crate::load::load_str("g", crate::builtin::builtin("generic-interstate").unwrap()).unwrap();
        let mut sim = Sim::new(&l.params);
        sim.prepare();
        let mut st = sim.initial_state();
        let mut rng = run_rng(1, 0);
        sim.reserve(&mut st, &mut rng);
        let (deal_before, freeze_before) = (sim.b.reserve.clone(), st.reserve_ceasefire);
        let mut ahead = rng.clone();
        let (deal, freeze): (f64, f64) = (ahead.random(), ahead.random());
        sim.successor(&mut st, 0, 1.0, &mut rng, &mut NoObserver);
        let (a, b) = (sim.p.sides[0].belligerent, sim.p.sides[1].belligerent);
        assert_eq!(sim.b.reserve[a], deal, "the successor's reservation is the next draw");
        assert_eq!(st.reserve_ceasefire[0], freeze, "and its reservation for a freeze the one after");
        assert_ne!(sim.b.reserve[a], deal_before[a], "the predecessor's reservation was kept");
        assert_eq!(sim.b.reserve[b], deal_before[b], "the other side's reservation changed");
        assert_eq!(st.reserve_ceasefire[1], freeze_before[1], "the other side's freeze reservation changed");
        assert!(!st.culpable[0] && st.culpable[1]);
    }
}
