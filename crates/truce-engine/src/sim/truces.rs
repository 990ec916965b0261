//! Partial truces by domain (issue 18 item 3; `docs/reference/war-endings.md` §14): a **strike
//! moratorium** on long-range strikes (all of them, or some targets: energy, cities), a
//! **humanitarian pause** of a few days and a **trade corridor** through a blockade, each
//! agreed while the war goes on and each with its own hazard of ending early.
//!
//! The strike moratorium:
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
//! - **Holds**: while in force, neither side's strikes on the targets it covers reach the
//!   other's economy: the strike term of `forces_and_economies` is × 1 − `scope`
//!   ([`Sim::moratorium_left`]; 0 at the default scope of 1, all strikes). `scope` is the share
//!   of the strike damage its targets carry: energy (March 2025), or cities (the moratorium on
//!   attacks on civilian centres the UN Secretary-General brokered between Iran and Iraq in
//!   June 1984, `data/backcast/IRAN-IRAQ.md` [2][10]). It scales both sides' gains and losses
//!   alike, so it does not change when a moratorium is agreed. Everything else in the week is
//!   fought as before.
//! - **Lapses** ([`Sim::moratorium_week`]): each week fought under it, one draw against the
//!   weekly hazard `1 − exp(−breakdown_per_year / 52)` (the 30-day energy-infrastructure
//!   moratorium of March 2025 lapsed at its term amid mutual accusations of violations; from
//!   public reporting, not in the stored sources, `data/ukraine/facts.md`); it may be agreed
//!   again at a later round. At a hazard of 0 it
//!   holds and nothing is drawn.
//!
//! Reported as the event [`crate::outcome::WarEvent::StrikeMoratorium`] (the first week a
//! moratorium is in force from the end of, `WeekView::moratorium`) and to observers
//! (`Observer::moratorium`).
//!
//! The humanitarian pause (evacuation corridors, aid convoys, an exchange of prisoners or
//! hostages; Russia and Ukraine agreed corridors at their second round, 3 Mar 2022, and they
//! repeatedly broke down, case file `RUSSIA-UKRAINE-2022.md`):
//!
//! - **Agreed** ([`Sim::pause_round`]): after a session of talks that agreed nothing, when no
//!   pause is still to run, one draw against `humanitarian_pause.agree_probability` (none at
//!   0 or 1; a humanitarian pause is agreed for reasons outside the bargaining over the war's
//!   issues: mediators' and patrons' pressure, an exchange; its chance is a prior, not a
//!   margin). It
//!   runs for `days` days from the start of the next week, across weeks if longer than seven.
//! - **Holds** ([`Sim::pause_week`]): on the days it holds, `scope` of the war's fighting
//!   stops: the week's intensity (attrition, the front, strikes) is multiplied by
//!   `1 − scope · held / 7` ([`Sim::pause_factor`]). Talks, politics and aid go on.
//! - **Breaks down**: each day it may break down with probability `breakdown_per_day`; one
//!   draw per week fought under it gives the days it held that week (a geometric number of
//!   days, capped by the days it had left in the week). Broken, it is over; a later session
//!   may agree another. A ceasefire supersedes it.
//!
//! Reported as the event [`crate::outcome::WarEvent::HumanitarianPause`] (the first week a pause
//! is agreed and not yet over at the end of, `WeekView::pause`), the days held each week
//! (`WeekView::paused_days`) and to observers (`Observer::pause`).
//!
//! The trade corridor (the Black Sea Grain Initiative, 22 Jul 2022 – 17 Jul 2023; Hodeidah,
//! 13 Dec 2018; public reporting, not in the stored sources):
//!
//! - **Opened** ([`Sim::corridor_round`]): after a session that agreed nothing, with no
//!   corridor open and its domain (`trade_corridor.domain`, a `[[domains]]` theatre) held by
//!   its holder, one draw against `agree_probability` (none at 0 or 1): brokered beside the
//!   war's issues, so a prior, as the pause's.
//! - **Open**: from the next week the domain cuts only 1 − `scope` of its `revenue_cut`
//!   (`Sim::supply_of`); its cuts of reinforcements and aid stay.
//! - **Closes** ([`Sim::corridor_week`]): each week fought while open, one draw against
//!   1 − exp(−`breakdown_per_year`/52), before the domains' phase derives the week's supply.
//!
//! Reported as the event [`crate::outcome::WarEvent::TradeCorridor`] (`WeekView::corridor`)
//! and to observers (`Observer::corridor`).
//!
//! Without `[strike_moratorium]`, `[humanitarian_pause]` or `[trade_corridor]` nothing of that
//! truce runs or draws: the engine is bit for bit what it was. Nothing here decides when talks happen or
//! what a round's votes are.

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

    /// The share of the strikes that still hit while a moratorium holds: 1 − its scope (0 at
    /// the default scope of 1: exactly none, as before the scope).
    pub(super) fn moratorium_left(&self) -> f64 {
        self.p.strike_moratorium.as_ref().map_or(1.0, |m| 1.0 - m.scope)
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
        if st.moratorium && lapses(rng, m.breakdown_per_year) {
            st.moratorium = false;
            observer.moratorium(st.week, false);
        }
    }

    /// After a session that agreed nothing: with no pause still to run, one draw against the
    /// chance a humanitarian pause is agreed (none at a chance of 0 or 1); agreed, it runs
    /// from the start of the next week.
    pub(super) fn pause_round<O: Observer>(&self, st: &mut State, rng: &mut ChaCha8Rng, observer: &mut O) {
        let Some(h) = &self.p.humanitarian_pause else {
            return;
        };
        if st.pause_left == 0 && by_chance(rng, h.agree_probability) {
            st.pause_left = h.days;
            observer.pause(st.week, true);
        }
    }

    /// Before a week's fight: the days of the week a pause still to run holds (`st.paused`),
    /// one draw for its breakdown when it can break down. Broken before its term, it is over.
    pub(super) fn pause_week<O: Observer>(&self, st: &mut State, rng: &mut ChaCha8Rng, observer: &mut O) {
        st.paused = 0;
        let Some(h) = &self.p.humanitarian_pause else {
            return;
        };
        if st.pause_left == 0 {
            return;
        }
        let due = st.pause_left.min(7);
        let held = if h.breakdown_per_day <= 0.0 {
            due
        } else if h.breakdown_per_day >= 1.0 {
            0
        } else {
            // Days survived before the first breakdown: P(held ≥ k) = (1 − h)^k.
            let u: f64 = rng.random();
            let k = (u.ln() / (-h.breakdown_per_day).ln_1p()).floor();
            if k >= due as f64 {
                due
            } else {
                k as u32
            }
        };
        st.paused = held;
        if held < due {
            st.pause_left = 0;
            observer.pause(st.week, false);
        } else {
            st.pause_left -= due;
        }
    }

    /// The share of a week's fighting left when a pause held `held` days of it.
    pub(super) fn pause_factor(&self, held: u32) -> f64 {
        let scope = self.p.humanitarian_pause.as_ref().map_or(0.0, |h| h.scope);
        1.0 - scope * f64::from(held.min(7)) / 7.0
    }

    /// After a session that agreed nothing: with no corridor open and its domain held by its
    /// holder, one draw against the chance a trade corridor is opened (none at 0 or 1); open,
    /// it lifts its share of the domain's revenue cut from the next fought week.
    pub(super) fn corridor_round<O: Observer>(&self, st: &mut State, rng: &mut ChaCha8Rng, observer: &mut O) {
        let Some(t) = &self.p.trade_corridor else {
            return;
        };
        let held = self.b.domains & (1u64 << t.domain) != 0;
        if !st.corridor && held && by_chance(rng, t.agree_probability) {
            st.corridor = true;
            observer.corridor(st.week, true);
        }
    }

    /// A week fought with a corridor open: one draw against its weekly hazard; closed, this
    /// week's supply is cut again (the domains' phase after it derives the supply). No draw
    /// with none open, nor at a hazard of 0 (it stays open).
    pub(super) fn corridor_week<O: Observer>(&self, st: &mut State, rng: &mut ChaCha8Rng, observer: &mut O) {
        let Some(t) = &self.p.trade_corridor else {
            return;
        };
        if st.corridor && lapses(rng, t.breakdown_per_year) {
            st.corridor = false;
            observer.corridor(st.week, false);
        }
    }
}

/// One draw against the weekly hazard of a truce that ends at `per_year` a year; none at 0
/// (it holds).
fn lapses(rng: &mut ChaCha8Rng, per_year: f64) -> bool {
    per_year > 0.0 && rng.random::<f64>() < -(-per_year / 52.0).exp_m1()
}

/// Whether a truce agreed with probability `p` is agreed: no draw at 0 (never) or 1 (always).
fn by_chance(rng: &mut ChaCha8Rng, p: f64) -> bool {
    p > 0.0 && (p >= 1.0 || rng.random::<f64>() < p)
}
