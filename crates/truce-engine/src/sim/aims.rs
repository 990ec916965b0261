//! Aims that move, as a phase of [`Sim::run`] (issue 18, build item 2;
//! `docs/reference/war-endings.md` §10): a belligerent's public aims — its red lines — follow
//! its battlefield fortunes and expectations, up with success and down with failure, and a
//! leader who made them public climbs down more slowly than it advances.
//!
//! **Why.** War aims are not fixed at the outbreak. Bargaining models of war treat fighting
//! as the source of information that moves demands: a side that does better than it expected
//! raises what it asks, one that does worse lowers it (Filson & Werner 2002; Slantchev 2003;
//! Wagner 2000; `war-theory.md` FW2). Iran's aims grew after it retook Khorramshahr in May
//! 1982 (Saddam's removal and reparations, then the invasion of Iraq in July), and shrank
//! again in 1988 (the Iran–Iraq case file in `data/backcast/`). Climbing down is different: a leader who made an aim
//! public pays for retreating from it (Fearon 1994; Tomz 2007), and a culpable leader gambles
//! rather than concedes (Goemans 2000); a successor not culpable for the war is spared some of
//! that price (Croco 2011).
//!
//! **Form.** Side s's believed chance of prevailing q̂ (its Fearon p, `Sim::believed_prevail`)
//! is compared with q̂₀, the same at the origin. The fortune f = (q̂ − q̂₀)/(1 − q̂₀) when q̂ ≥ q̂₀,
//! (q̂ − q̂₀)/q̂₀ otherwise, lies in [−1, 1]. Each finite red line r₀ of the side's belligerent
//! (not one that follows the line: that one moves with the front already) has a target
//! r* = r₀ + f · (E − r₀), E the end of the issue's 0–100 scale it wants (100 if its position
//! is at or above r₀, else 0) when f ≥ 0, the other end when f < 0: the opening aim at the
//! origin's expectations, total victory at certainty, nothing at certain defeat. Each fought
//! week the red line closes 1 − exp(−λ/52) of its gap to r*, λ = `aims_per_year`, when the move
//! is an advance (toward E), and 1 − exp(−λρ/52) when it is a retreat, ρ = 1 − (1 − `aims_retreat`)
//! × the leader's audience share (1 for the culpable leader, `successor_audience` after a
//! change; ρ within [0, 1]). A retreat is slower, not forbidden: the audience bound is on its
//! speed, so a leader caught in a losing war still sheds its aims, over years rather than
//! weeks. The side's advocated position is moved with the red line where it would otherwise
//! stand short of it.
//!
//! **Off.** With λ = 0 for both sides nothing here runs (no state changes, no draws): runs are
//! bit-identical to fixed red lines. This phase never draws, never allocates, and never moves
//! anything but the side's red lines and its belligerent's positions.

use super::{Observer, Sim, State};
use crate::scenario::Role;

impl Sim {
    /// Each side's opening expectation: its believed chance of prevailing at the origin,
    /// after the origin's selection has set its beliefs (the anchor of its opening aims).
    pub(super) fn origin_aims(&self, st: &mut State) {
        st.aim_q0 = [self.believed_prevail(st, 0), self.believed_prevail(st, 1)];
    }

    /// Moves each side's red lines toward where its fortunes put them (module docs); an
    /// observer sees a red line that crossed a whole point of its scale. No draws.
    pub(super) fn aims<O: Observer>(&mut self, st: &mut State, observer: &mut O) {
        for s in 0..2 {
            let pol = &self.p.politics[s];
            if pol.aims_per_year <= 0.0 {
                continue;
            }
            let a = self.p.sides[s].belligerent;
            if self.p.role[a] != Role::Belligerent {
                continue;
            }
            let q = self.believed_prevail(st, s);
            // Kept for the week's talk round (`Sim::war_utility` reads it back).
            st.believed[s] = (self.believed_key(st, s), q);
            let f = fortune(q, st.aim_q0[s]);
            let advance_step = self.k.aims_advance[s];
            // The retreat's step only in a week where a red line retreats (the same value
            // whenever it is computed: nothing below changes what it reads), its `exp_m1`
            // only when its exponent changed (the audience share moves with a change of
            // leader or, under entrenchment, with losses).
            let mut retreat_step = None;
            let m = self.p.n_issues();
            for k in 0..m {
                if self.p.follows_line[a] && Some(k) == self.p.territorial {
                    continue;
                }
                let i = a * m + k;
                let r0 = self.p.red_line[i];
                if !r0.is_finite() {
                    continue;
                }
                let up = self.p.position[i] >= r0;
                let target = aim_target(r0, up, f);
                let r = self.b.red_line[i];
                let advancing = if up { target > r } else { target < r };
                let step = if advancing {
                    advance_step
                } else {
                    *retreat_step.get_or_insert_with(|| {
                        let retreat = (1.0 - (1.0 - pol.aims_retreat) * self.audience_share(st, s)).clamp(0.0, 1.0);
                        let x = -pol.aims_per_year * retreat / 52.0;
                        let memo = &mut st.aim_retreat[s];
                        if memo.0 != x.to_bits() {
                            *memo = (x.to_bits(), -x.exp_m1());
                        }
                        memo.1
                    })
                };
                let new = (r + step * (target - r)).clamp(0.0, 100.0);
                self.b.red_line[i] = new;
                // A side does not advocate less than it has publicly made its minimum.
                let x = &mut self.b.pos[i];
                *x = if up { x.max(new) } else { x.min(new) };
                if new.floor() != r.floor() {
                    observer.aim(st.week, a, k, new);
                }
            }
        }
    }
}

/// The fortune f ∈ [−1, 1] of a side whose believed chance of prevailing is `q` now and was
/// `q0` at the origin: the share of the way from its opening expectation to certain victory
/// (f > 0) or to certain defeat (f < 0).
#[inline]
pub(crate) fn fortune(q: f64, q0: f64) -> f64 {
    if q >= q0 {
        if q0 >= 1.0 {
            0.0
        } else {
            ((q - q0) / (1.0 - q0)).min(1.0)
        }
    } else if q0 <= 0.0 {
        0.0
    } else {
        ((q - q0) / q0).max(-1.0)
    }
}

/// Where fortune `f` puts an aim that opened at `r0` on a 0–100 scale, for a side that wants
/// the scale high (`up`) or low: r₀ at f = 0, the end it wants at f = 1, the other end at
/// f = −1, linear in between.
#[inline]
pub(crate) fn aim_target(r0: f64, up: bool, f: f64) -> f64 {
    let (want, give) = if up { (100.0, 0.0) } else { (0.0, 100.0) };
    if f >= 0.0 {
        r0 + f * (want - r0)
    } else {
        r0 - f * (give - r0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chance the aims phase keeps for the week's talk round is the computed one, and a
    /// belief that moved since is computed afresh.
    #[test]
    fn the_kept_chance_of_prevailing_is_the_computed_one() {
        let l = crate::load::load_str("u", crate::builtin::builtin("ukraine-2025-12").unwrap()).unwrap();
        let mut sim = Sim::new(&l.params);
        sim.prepare();
        let mut st = sim.initial_state();
        sim.aims(&mut st, &mut super::super::NoObserver);
        for s in 0..2 {
            assert_eq!(st.believed[s].0, sim.believed_key(&st, s), "the aims phase keeps side {s}'s");
            assert_eq!(sim.believed_prevail_kept(&st, s).to_bits(), sim.believed_prevail(&st, s).to_bits());
        }
        st.belief[0] += 0.5 * sim.k.v_front;
        let fresh = sim.believed_prevail(&st, 0);
        assert_ne!(st.believed[0].1.to_bits(), fresh.to_bits(), "the belief moved the chance");
        assert_eq!(sim.believed_prevail_kept(&st, 0).to_bits(), fresh.to_bits());
    }

    #[test]
    fn fortune_is_zero_at_the_origin_and_one_at_certainty() {
        assert_eq!(fortune(0.4, 0.4), 0.0);
        assert_eq!(fortune(1.0, 0.4), 1.0);
        assert_eq!(fortune(0.0, 0.4), -1.0);
        assert!((fortune(0.7, 0.4) - 0.5).abs() < 1e-12);
        assert!((fortune(0.2, 0.4) + 0.5).abs() < 1e-12);
        // Degenerate anchors do not divide by zero.
        assert_eq!(fortune(1.0, 1.0), 0.0);
        assert_eq!(fortune(0.0, 0.0), 0.0);
    }

    #[test]
    fn targets_run_from_the_opening_aim_to_the_ends_of_the_scale() {
        assert_eq!(aim_target(70.0, true, 0.0), 70.0);
        assert_eq!(aim_target(70.0, true, 1.0), 100.0);
        assert_eq!(aim_target(70.0, true, -1.0), 0.0);
        assert!((aim_target(70.0, true, 0.5) - 85.0).abs() < 1e-12);
        assert!((aim_target(30.0, false, 0.5) - 15.0).abs() < 1e-12);
        assert!((aim_target(30.0, false, -0.5) - 65.0).abs() < 1e-12);
    }
}
