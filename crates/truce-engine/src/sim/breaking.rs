//! Decisive places and a side that breaks, as phases of [`Sim::run`] (issues 12 and 18;
//! `docs/reference/war-endings.md` §6; the laws are in [`crate::objectives`]).
//!
//! - **objectives**: after the week's fighting, the places that changed hands with the line
//!   are reported to the observers, and each side's resolve moves with the value of the
//!   places it has lost (or taken) since the start.
//! - **breaking**: the weekly hazard that a side breaks before it reaches its floors (one
//!   uniform per side whose base rate is positive, first side first).
//!
//! Each phase reads and writes the run state of [`super`], draws only the uniforms its doc
//! names (always, where a side's rate is positive, so that the order of draws never depends
//! on the path of a run), and allocates nothing. Neither fights, learns nor talks.

use super::endings::exp_upper;
use super::{Observer, Sim, State, WarState};
use crate::objectives::{self, held_by_first, held_span, held_value};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

impl Sim {
    /// Who holds each objective at the start, and the value each side holds then.
    pub(super) fn origin_objectives(&self, st: &mut State) {
        let o = &self.p.objectives;
        st.held = held_by_first(o, st.km2);
        st.held_span = held_span(o, st.km2);
        st.held_start = [held_value(o, st.held, 0), held_value(o, st.held, 1)];
        st.lost = [0.0; 2];
    }

    /// The places that changed hands this week: each is reported ([`Observer::objective`]),
    /// and each side's resolve is scaled by exp(−r · Δlost), lost = the value it held at the
    /// start less the value it holds now (negative when it has taken more than it lost), so
    /// a place retaken restores what its fall took. No draws.
    pub(super) fn objectives<O: Observer>(&mut self, st: &mut State, observer: &mut O) {
        let o = &self.p.objectives;
        if o.is_empty() || (st.km2 >= st.held_span.0 && st.km2 < st.held_span.1) {
            // No place changed hands: the line stayed between the same places.
            return;
        }
        let held = held_by_first(o, st.km2);
        st.held_span = held_span(o, st.km2);
        let changed = held ^ st.held;
        if changed == 0 {
            return;
        }
        for i in 0..o.len() {
            if changed & (1u64 << i) != 0 {
                let to = if held & (1u64 << i) != 0 { 0 } else { 1 };
                observer.objective(st.week, i, to);
            }
        }
        st.held = held;
        for s in 0..2 {
            let lost = st.held_start[s] - held_value(o, held, s);
            let r = self.p.politics[s].objective_resolve;
            if r > 0.0 && lost != st.lost[s] {
                let a = self.p.sides[s].belligerent;
                self.b.resolve[a] = (self.b.resolve[a] * (-r * (lost - st.lost[s])).exp()).max(1e-6);
            }
            st.lost[s] = lost;
        }
    }

    /// The weekly hazard that side `s` breaks now ([`objectives::collapse_rate`] as a weekly
    /// probability), with `eff` the week's effectiveness per soldier: its misjudgement is its
    /// believed drift above the drift the front's law gives for the force ratio now, and how
    /// far it is outmatched is the same ratio's log (only when its weight is set). 0 with the
    /// mechanism off.
    // Out of line: inlined into `breaking`, its logarithms were hoisted above the shortcut
    // (`surely_unbroken`) and computed every week.
    #[inline(never)]
    pub(super) fn collapse_probability(&self, st: &State, eff: [f64; 2], s: usize) -> f64 {
        let decline = objectives::decline(&self.p, s, st.forces[s], st.economy[s]);
        let sign = if s == 0 { 1.0 } else { -1.0 };
        let rho = (eff[0] * st.forces[0]) / (eff[1] * st.forces[1]).max(1e-9);
        let m = objectives::misjudgement(sign * st.belief[s], sign * self.drift(rho), self.k.v_front);
        let b = if self.p.politics[s].collapse_imbalance_weight != 0.0 {
            objectives::outmatched(if s == 0 { rho } else { 1.0 / rho.max(1e-300) })
        } else {
            0.0
        };
        objectives::weekly_probability(objectives::collapse_rate(&self.p, s, decline, st.lost[s], m, b))
    }

    /// Whether the draw `u` lies above every value [`Sim::collapse_probability`] can take for
    /// side `s` this week, whatever the front's law says of the force ratio: the law's drift
    /// lies within ±v (v = the front's largest weekly movement, × a tanh), so the
    /// misjudgement is at most that against a drift of −v toward the side, and the hazard at
    /// most its rate there over 52 (1 − e^(−x) ≤ x). Then the side does not break, and the
    /// logs, tanh and exponentials of the exact probability are skipped. Exact: the bound
    /// takes the same operations on inputs no smaller (each monotone; a NaN caps the
    /// exponent at its maximum, as in the exact rate), with a 10⁻⁹ margin for the library's
    /// last-ulp errors; a negative misjudgement weight takes the exact path. The bound's own
    /// `exp` is skipped too where the draw lies above λ₀ × a power of two above it
    /// ([`exp_upper`]), which is above the bound.
    fn surely_unbroken(&self, st: &State, s: usize, u: f64) -> bool {
        let v = self.k.v_front;
        let pol = &self.p.politics[s];
        // Being outmatched has no bound independent of the force ratio: with its weight set,
        // every draw takes the exact path.
        if v.is_nan() || v <= 0.0 || pol.collapse_misjudgement_weight < 0.0 || pol.collapse_imbalance_weight != 0.0 {
            return false;
        }
        let decline = objectives::decline(&self.p, s, st.forces[s], st.economy[s]);
        let sign = if s == 0 { 1.0 } else { -1.0 };
        let m = objectives::misjudgement(sign * st.belief[s], -v, v);
        let per_year = pol.collapse_per_year;
        // The imbalance weight is 0 here (checked above): its term is skipped.
        let y = objectives::collapse_exponent(&self.p, s, decline, st.lost[s], m, 0.0);
        if per_year > 0.0 && u > per_year * exp_upper(y) / 52.0 * (1.0 + 1e-9) {
            return true;
        }
        let rate = objectives::collapse_rate(&self.p, s, decline, st.lost[s], m, 0.0);
        u > rate / 52.0 * (1.0 + 1e-9)
    }

    /// A side may break this week before its floors (one uniform per side whose base rate is
    /// positive, first side first). When both break in the same week, the one whose draw
    /// fell deeper under its hazard (u / p smaller: earlier in the week under a constant
    /// hazard) is the one that collapsed.
    pub(super) fn breaking(&self, st: &State, eff: [f64; 2], rng: &mut ChaCha8Rng) -> Option<WarState> {
        let mut first: Option<(f64, usize)> = None;
        for s in 0..2 {
            if self.p.politics[s].collapse_per_year <= 0.0 {
                continue;
            }
            let u: f64 = rng.random();
            if self.surely_unbroken(st, s, u) {
                continue;
            }
            let prob = self.collapse_probability(st, eff, s);
            if u < prob {
                let when = u / prob;
                if first.is_none_or(|(w, _)| when < w) {
                    first = Some((when, s));
                }
            }
        }
        first.map(|(_, s)| WarState::collapsed(s))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{run_rng, Sim};
    use rand::Rng;

    /// The shortcut never skips a draw that breaks a side: wherever it says "surely not",
    /// the draw is not under the exact weekly probability, over states spread around the
    /// origin and draws at, just above and just below each probability, and it does skip
    /// most ordinary draws.
    #[test]
    fn surely_unbroken_never_skips_a_break() {
        let l = crate::load::load_str("u", crate::builtin::builtin("ukraine-2025-12").unwrap()).unwrap();
        let mut sim = Sim::new(&l.params);
        sim.p.politics[0].collapse_per_year = 0.5;
        sim.prepare();
        let st0 = sim.initial_state();
        let mut rng = run_rng(9, 0);
        let (mut skipped, mut tried) = (0, 0);
        for _ in 0..3000 {
            let mut st = st0.clone();
            for s in 0..2 {
                st.forces[s] *= rng.random_range(0.2..1.5);
                st.economy[s] *= rng.random_range(0.2..1.2);
                st.belief[s] += rng.random_range(-3.0..3.0) * sim.k.v_front;
                st.lost[s] = rng.random_range(-1.0..2.0);
            }
            let eff = [rng.random_range(0.1..3.0), rng.random_range(0.1..3.0)];
            for s in 0..2 {
                let prob = sim.collapse_probability(&st, eff, s);
                let mut us: Vec<f64> = vec![prob, prob * (1.0 + 1e-15), prob * (1.0 - 1e-15), 0.0];
                us.push(f64::from_bits(prob.to_bits() + 1));
                us.extend((0..4).map(|_| rng.random::<f64>()));
                for u in us {
                    tried += 1;
                    if sim.surely_unbroken(&st, s, u) {
                        skipped += 1;
                        assert!(u >= prob, "skipped a break: u {u} < p {prob}");
                    }
                }
            }
        }
        // Four of the nine draws per side are ordinary uniforms, the rest sit at the probability.
        assert!(skipped * 5 > tried, "the shortcut skipped only {skipped} of {tried} draws");
    }
}
