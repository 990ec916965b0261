//! Partial truces by domain (issue 18 item 3; `docs/reference/war-endings.md` §14): a **strike
//! moratorium** on long-range and energy strikes, agreed while the war goes on, with its own
//! hazard of lapsing.
//!
//! - **Agreed** ([`Sim::moratorium_round`]): at a talk round that ends in neither a
//!   settlement nor a ceasefire, when none is in force, each side weighs the strike channel
//!   (`sides.*.strike_capacity`: the weekly reduction of the other's economy E at intensity 1,
//!   `Sim::forces_and_economies`): what it gains is the damage the other's strikes do to it,
//!   weighted by `strike_moratorium.loss_weight` (a loss to one's own economy weighs more than
//!   an equal loss inflicted: loss aversion, Kahneman & Tversky 1979; the mutual-restraint
//!   logic of Schelling 1966), what it gives up is the damage its own strikes do. The war's
//!   intensity multiplies both and cancels. A moratorium is agreed when both sides gain:
//!   `loss_weight · strike[other] > strike[own]` for each side (with no strikes on one side,
//!   the other would give something for nothing: no moratorium).
//! - **Holds**: while in force, neither side's strikes reach the other's economy (the strike
//!   term of `forces_and_economies` is 0); everything else in the week is fought as before.
//! - **Lapses** ([`Sim::moratorium_week`]): each week fought under it, one draw against the
//!   weekly hazard `1 − exp(−breakdown_per_year / 52)` (the 30-day energy-infrastructure
//!   moratorium of March 2025 lapsed at its term amid mutual accusations of violations; from
//!   public reporting, not in the stored sources, `data/ukraine/facts.md`); it may be agreed
//!   again at a later round. At a hazard of 0 it
//!   holds and nothing is drawn.
//!
//! Reported as the event [`crate::outcome::WarEvent::StrikeMoratorium`] (the first week a
//! moratorium is in force from the end of, `WeekView::moratorium`) and to observers
//! (`Observer::moratorium`). Without `[strike_moratorium]` nothing here runs or draws: the
//! engine is bit for bit what it was. Nothing here decides when talks happen or what a
//! round's votes are; it never touches the front, forces or any other channel.

use super::{Observer, Sim, State};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

impl Sim {
    /// Whether both sides gain from a strike moratorium (the rule of the module docs); false
    /// without `[strike_moratorium]`.
    pub(super) fn moratorium_gains(&self) -> bool {
        let Some(m) = &self.p.strike_moratorium else {
            return false;
        };
        let strike = [self.p.sides[0].strike, self.p.sides[1].strike];
        (0..2).all(|s| m.loss_weight * strike[1 - s] - strike[s] > 0.0)
    }

    /// After a talk round that agreed nothing: a moratorium is agreed when none is in force
    /// and both sides gain; it holds from the end of this week.
    pub(super) fn moratorium_round<O: Observer>(&self, st: &mut State, observer: &mut O) {
        if self.p.strike_moratorium.is_some() && !st.moratorium && self.moratorium_gains() {
            st.moratorium = true;
            observer.moratorium(st.week, true);
        }
    }

    /// A week fought under a moratorium: one draw against its weekly hazard; when it lapses,
    /// this week's strikes hit again. No draw without a moratorium in force, nor at a hazard
    /// of 0 (it cannot lapse).
    pub(super) fn moratorium_week<O: Observer>(&self, st: &mut State, rng: &mut ChaCha8Rng, observer: &mut O) {
        let Some(m) = &self.p.strike_moratorium else {
            return;
        };
        if !st.moratorium || m.breakdown_per_year <= 0.0 {
            return;
        }
        let u: f64 = rng.random();
        if u < -(-m.breakdown_per_year / 52.0).exp_m1() {
            st.moratorium = false;
            observer.moratorium(st.week, false);
        }
    }
}
