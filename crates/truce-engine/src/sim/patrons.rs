//! Patrons and coalitions (issue 18 item 4; `docs/reference/patrons.md`), as phases and
//! quantities of [`Sim::run`].
//!
//! - A **patron** (`[actors.patron]`) is a third party that holds, toward one client side, any
//!   of four roles at once, and changes them during a run:
//!   - **ally**: `ally_share` of the side's pooled forces are its own and leave with it
//!     (Clausewitz's "secession of allies", `war-termination.md` §3.2);
//!   - **supplier**: its aid line (`[actors.aid]`) flows only while it holds the role, and an
//!     embargo on the side lets only a share through; arms *sold* cost the buyer's economy
//!     `arms_cost_per_week` a week at the line's starting level (arms given cost nothing);
//!     and its client weighs the supplier's view of a deal or a freeze (**leverage**,
//!     [`Sim::supplier_outside`], [`pressed_margin`]): each belligerent of the side moves its
//!     margin the share w = `aid_leverage` × (the share of the side's effectiveness the
//!     supplier's aid carries now) of the way to the supplier's own margin (the supplier's
//!     positions and saliences valued against its value of war, as a coalition partner's
//!     are) — restraint when the supplier wants the deal more (the US and Rhee in 1953: Kydd
//!     2003's "on your side" counsel of restraint), encouragement when it prefers the war go
//!     on; a client that gets nothing from it owes it nothing (w = 0);
//!   - **mediator**: while it holds the role it runs the talks in place of the protocol's
//!     mediator: its proposal moves from the Nash point toward its own positions by
//!     `mediator_pull`, and it presses its client (`mediator_leverage` added to the client's
//!     margins for a deal or a freeze): a mediator "on your side" is believed when it counsels
//!     restraint (Kydd 2003) and delivers the side it backs (Svensson 2007), and leverage buys
//!     agreement in the short run (Beardsley 2008, 2011);
//!   - **guarantor**: the credibility of its guarantee (`guarantee`) applies while it holds
//!     the role, where it exceeds the protocol's (Fortna 2003: explicit third-party guarantees).
//!
//!   Roles change by scheduled `patron_roles` events (known at the start, as every event;
//!   one with a `side` also switches the side the patron backs, [`Sim::set_patron`]),
//!   by two hazards with generic priors — a supplier's cut-off and an ally's exit, each ×
//!   exp(`loss_weight` × the share of the way its client has lost toward its collapse line:
//!   patrons abandon losing clients, [`Sim::losing`]) — and by ripeness: a patron with a
//!   positive `mediate_per_year` takes the mediator's seat at that rate × the week's
//!   ripeness, and one with a positive `leave_seat_per_year` gives it back at that rate ×
//!   (1 − ripeness) ([`Sim::patron_seat`]).
//! - A **coalition partner** (`[actors.coalition]`) is a belligerent of a side other than the
//!   side's first (its lead): it keeps its own positions and red lines, has a veto on a
//!   settlement (as every belligerent) and a vote on a freeze, weighs each against its own
//!   value of war, and holds `share` of the side's pooled forces; it may leave the war (a
//!   hazard), which takes its forces and its votes (the rule: every belligerent still in the
//!   war must agree; Tsebelis 2002's veto players, Cunningham 2006 on wars with more veto
//!   players lasting longer).
//!
//! Draws (per fought week, after the fight phase, in actor order): one uniform per patron
//! holding the supplier role with a positive cut-off hazard, then one per ally or partner
//! still in the war with a positive exit hazard; after the mediator's attention, one per
//! patron with a positive `mediate_per_year` that does not hold the mediator role or a
//! positive `leave_seat_per_year` that holds it. A scenario
//! without patrons or partners draws nothing here and is bit for bit what it was before this
//! module; one whose `aid_leverage` is 0 everywhere computes every margin exactly as before
//! (the leverage never draws); a `loss_weight` of 0 leaves the hazards constant bit for bit,
//! and a `mediate_per_year` and `leave_seat_per_year` of 0 everywhere never run the seat phase.
//! Nothing here allocates, and nothing here may change a belligerent's own value of war or
//! of a deal: leverage acts on the margins of its decisions only.

use super::{Observer, RoundBuffers, RoundInputs, Sim, State, WarValue};
use crate::scenario::PatronRole;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The role bits, for short.
pub(super) const ALLY: u8 = 1;
pub(super) const SUPPLIER: u8 = 2;
pub(super) const MEDIATOR: u8 = 4;
pub(super) const GUARANTOR: u8 = 8;

impl Sim {
    /// Whether actor `a`'s aid line flows: every line but a patron's that does not hold the
    /// supplier role.
    #[inline]
    pub(super) fn supplies(&self, a: usize) -> bool {
        self.p.patron[a].is_none() || self.b.roles[a] & SUPPLIER != 0
    }

    /// The economy (E) side `side` pays this week for the arms it buys: each supplying
    /// patron's `arms_cost_per_week` × its line's level now over its starting level, × the
    /// share an embargo lets through. 0 without patrons.
    #[inline]
    pub(super) fn arms_bought(&self, side: usize) -> f64 {
        if !self.k.patrons {
            return 0.0;
        }
        let mut total = 0.0;
        for (a, pt) in self.p.patron.iter().enumerate() {
            let (Some(pt), Some((_, level0, ..))) = (pt, self.p.aid[a]) else { continue };
            if self.b.backs[a] == side && pt.arms_cost > 0.0 && level0 > 0.0 && self.b.aid_active[a] && self.supplies(a)
            {
                total += pt.arms_cost * self.b.aid_level[a] / level0 * self.b.embargo[side];
            }
        }
        total
    }

    /// The guarantee's credibility in force: the scheduled one, or a guarantor patron's where
    /// that is larger.
    #[inline]
    pub(super) fn guarantee(st: &State) -> f64 {
        st.guarantee.max(st.patron_guarantee)
    }

    /// The utility the mediator adds to each side's margins (its `mediator_leverage`, to its
    /// client only); 0 unless a patron mediates.
    pub(super) fn lean(&self, st: &State) -> [f64; 2] {
        let mut lean = [0.0; 2];
        if let Some(pt) = self.p.patron.get(st.mediator).and_then(Option::as_ref) {
            if !pt.partner && self.b.roles[st.mediator] & MEDIATOR != 0 {
                lean[self.b.backs[st.mediator]] = pt.leverage;
            }
        }
        lean
    }

    /// The mediator's pull toward its own positions this round (0 unless a patron mediates).
    pub(super) fn pull(&self, st: &State) -> f64 {
        match self.p.patron.get(st.mediator).and_then(Option::as_ref) {
            Some(pt) if !pt.partner && self.b.roles[st.mediator] & MEDIATOR != 0 => pt.pull,
            _ => 0.0,
        }
    }

    /// Whether actor `a` is a coalition partner still in the war.
    #[inline]
    pub(super) fn partner_in(&self, a: usize) -> bool {
        self.p.patron[a].as_ref().is_some_and(|pt| pt.partner) && self.b.roles[a] & ALLY != 0
    }

    /// The hazards of role changes (after the week's fighting): a supplier may cut its client
    /// off, an ally or a partner may leave the war, each the more likely the more its client
    /// has lost ([`Sim::losing`]). Draws as the module says.
    pub(super) fn patron_hazards<O: Observer>(&mut self, st: &mut State, rng: &mut ChaCha8Rng, observer: &mut O) {
        for a in 0..self.p.n_actors() {
            if self.b.roles[a] & SUPPLIER != 0 && self.k.cutoff[a] > 0.0 {
                let u: f64 = rng.random();
                if u < self.losing(st, a, self.k.cutoff[a]) {
                    let to = self.b.roles[a] & !SUPPLIER;
                    self.set_roles(a, to, st, observer);
                }
            }
        }
        for a in 0..self.p.n_actors() {
            if self.b.roles[a] & ALLY != 0 && self.k.exit[a] > 0.0 {
                let u: f64 = rng.random();
                if u < self.losing(st, a, self.k.exit[a]) {
                    let to = self.b.roles[a] & !ALLY;
                    self.set_roles(a, to, st, observer);
                }
            }
        }
    }

    /// The share of the way the line has moved from the start toward side `s`'s collapse
    /// line (`termination.*_km2`), within [0, 1]: how much of the ground it could lose before
    /// the front alone breaks it, it has lost (0 where it has gained, or has no room).
    pub(super) fn client_loss(&self, st: &State, s: usize) -> f64 {
        let p = &self.p;
        let (moved, room) = if s == 0 {
            (p.start_km2 - st.km2, p.start_km2 - p.collapse_first_km2)
        } else {
            (st.km2 - p.start_km2, p.collapse_second_km2 - p.start_km2)
        };
        if room > 0.0 && room.is_finite() {
            (moved / room).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// Patron `a`'s weekly hazard `weekly` (a cut-off or an exit) as its client loses: the
    /// yearly rate × exp(k · x), k its `loss_weight` and x [`Sim::client_loss`] of its client
    /// (the weekly probability 1 − (1 − weekly)^exp(k · x)). Exactly `weekly` when k is 0:
    /// the hazard is then constant, as before the mechanism.
    pub(super) fn losing(&self, st: &State, a: usize, weekly: f64) -> f64 {
        let Some(pt) = self.p.patron[a].as_ref().filter(|pt| pt.loss_weight > 0.0) else { return weekly };
        let x = self.client_loss(st, self.b.backs[a]);
        if x <= 0.0 {
            return weekly;
        }
        -((pt.loss_weight * x).exp() * (-weekly).ln_1p()).exp_m1()
    }

    /// The seat phase (after the mediator's attention): a patron that does not mediate takes
    /// the mediator's seat from the protocol's mediator at the yearly rate `mediate_per_year`
    /// × this week's ripeness — the hurting stalemate that draws the protocol's mediator in
    /// (Zartman 2000) draws the patron in too (Beardsley 2011: powerful third parties step in
    /// with leverage; `war-termination.md` §5). Taking the seat calls for talks
    /// ([`Sim::set_roles`]). One uniform per patron with a positive rate that does not hold
    /// the mediator role, in actor order; it takes the seat only while the protocol's
    /// mediator holds it (a patron does not unseat another). A patron that holds the role
    /// gives it back at the yearly rate `leave_seat_per_year` × (1 − ripeness): it steps back
    /// as the stalemate that drew it in eases (mediation comes in episodes: Greig 2005; Greig
    /// & Diehl 2012), one uniform per such patron with a positive rate, in the same order.
    pub(super) fn patron_seat<O: Observer>(&mut self, st: &mut State, rng: &mut ChaCha8Rng, observer: &mut O) {
        for a in 0..self.p.n_actors() {
            let Some(pt) = self.p.patron[a].as_ref().filter(|pt| !pt.partner) else { continue };
            let roles = self.b.roles[a];
            let holds = roles & MEDIATOR != 0;
            let (rate, weight, to) = if holds {
                (pt.leave_seat_per_year, 1.0 - st.ripeness, roles & !MEDIATOR)
            } else {
                (pt.mediate_per_year, st.ripeness, roles | MEDIATOR)
            };
            if rate <= 0.0 {
                continue;
            }
            let u: f64 = rng.random();
            // The seat is taken only from the protocol's mediator (a patron does not unseat another).
            if (holds || st.mediator == self.p.mediator) && super::endings::under_weekly(u, rate * weight) {
                self.set_roles(a, to, st, observer);
            }
        }
    }

    /// Actor `a`'s roles become `to`, toward the side it backs now ([`Sim::set_patron`]).
    pub(super) fn set_roles<O: Observer>(&mut self, a: usize, to: u8, st: &mut State, observer: &mut O) {
        let side = self.b.backs[a];
        self.set_patron(a, to, side, st, observer);
    }

    /// Actor `a`'s roles become `to` and the side it backs becomes `side` (a switch of sides
    /// comes only from a scheduled `patron_roles` event with a `side`): an ally's forces leave
    /// the side it leaves or gives up the role on (its `ally_share` of that side's pool) and
    /// join the side it backs when it takes the role there (so that they are `ally_share` of
    /// the new pool); its aid line flows to the side it backs ([`Sim::aid`]), its mediator's
    /// lean and its supplier's say go to that side, and its hazards follow that side's
    /// losses; the mediator's seat passes to a patron that becomes mediator (and back to the
    /// protocol's mediator when it gives the role up), which calls for talks; the guarantee
    /// in force is recomputed; the supplier role gates the aid line through
    /// [`Sim::supplies`]. Observers see a change of roles (a switch of sides is the event
    /// they see).
    pub(super) fn set_patron<O: Observer>(&mut self, a: usize, to: u8, side: usize, st: &mut State, observer: &mut O) {
        let Some(pt) = self.p.patron[a].as_ref() else { return };
        let (from, was) = (self.b.roles[a], self.b.backs[a]);
        if from == to && was == side {
            return;
        }
        let share = pt.ally_share;
        let switched = was != side;
        if from & ALLY != 0 && (to & ALLY == 0 || switched) {
            st.forces[was] *= 1.0 - share;
        }
        if to & ALLY != 0 && (from & ALLY == 0 || switched) {
            st.forces[side] /= 1.0 - share;
        }
        self.b.backs[a] = side;
        self.b.roles[a] = to;
        if to & MEDIATOR != 0 && from & MEDIATOR == 0 {
            st.mediator = a;
            self.call_talks(st);
        } else if to & MEDIATOR == 0 && st.mediator == a {
            st.mediator = self.p.mediator;
        }
        st.patron_guarantee = self.patron_guarantee();
        if from != to {
            observer.patron(st.week, a, from, to);
        }
    }

    /// Who mediates at the start: the last patron (in actor order) that holds the mediator
    /// role then, else the protocol's mediator.
    pub(super) fn start_mediator(&self) -> usize {
        (0..self.p.n_actors()).rev().find(|&a| self.b.roles[a] & MEDIATOR != 0).unwrap_or(self.p.mediator)
    }

    /// The largest credibility among the patrons that hold the guarantor role (0: none).
    pub(super) fn patron_guarantee(&self) -> f64 {
        let mut g: f64 = 0.0;
        for (a, pt) in self.p.patron.iter().enumerate() {
            if let Some(pt) = pt {
                if self.b.roles[a] & GUARANTOR != 0 {
                    g = g.max(pt.guarantee);
                }
            }
        }
        g
    }

    /// A coalition partner's value of war: its own positions and saliences valued as its
    /// side's lead values war (the line its side expects, every other issue by the chance of
    /// prevailing its side believes in), less its side's cost, its own risk and its side's
    /// chance of collapse.
    pub(super) fn partner_war_value(&self, st: &State, a: usize, side: usize, war: &WarValue) -> f64 {
        let p = &self.p;
        let (m, terr) = (p.n_issues(), p.territorial.unwrap_or(0));
        let u = self.war_utility(st, side, a, war.line[side]);
        let risk = p.risk[a] * self.k.nsal[a * m + terr] * war.spread[side] / 100.0;
        u - war.horizon_cost[side] - risk - war.p_collapse[side]
    }

    /// Writes each partner's value of war for this round into the round's buffer (where the
    /// armistice is the outside option, `Sim::fallback_outside` blends it in).
    pub(super) fn partner_outside(&mut self, st: &State, war: &WarValue) {
        if !self.k.partners {
            return;
        }
        for a in 0..self.p.n_actors() {
            if !self.partner_in(a) {
                continue;
            }
            let side = self.b.backs[a];
            self.round.actor_war[a] = self.partner_war_value(st, a, side, war);
        }
    }

    /// The weight of supplier `a`'s view in its client's decisions now: its `aid_leverage` ×
    /// the share of the client side's effectiveness that its aid carries this week — the
    /// side's `aid_dependence` d × its line's flow now over the side's aid at the start, over
    /// the aid factor of [`Sim::effectiveness`] (1 − d + d × all aid now over the start), so
    /// the shares of all suppliers and of the side's own effort sum to 1. 0 for every actor
    /// that is not a patron holding the supplier role with a line flowing to its client, and
    /// for a side that received no aid at the start (its effectiveness owes none to aid).
    /// `aid` is [`Sim::aid`] this week.
    fn say_of(&self, a: usize, aid: [f64; 2]) -> f64 {
        let Some(pt) = self.p.patron[a].as_ref().filter(|pt| !pt.partner && pt.aid_leverage > 0.0) else {
            return 0.0;
        };
        // Its line flows to the side it backs now (`RunBuffers::backs`).
        let s = self.b.backs[a];
        let flowing = if self.p.aid[a].is_some() && self.b.aid_active[a] && self.supplies(a) {
            self.b.aid_level[a] * self.b.embargo[s]
        } else {
            0.0
        };
        let aid0 = self.k.aid0[s];
        if flowing <= 0.0 || aid0 <= 0.0 {
            return 0.0;
        }
        let d = self.p.sides[s].aid_dependence;
        let share = d * (flowing / aid0) / (1.0 - d + d * aid[s] / aid0);
        pt.aid_leverage * share.clamp(0.0, 1.0)
    }

    /// Writes each supplier's weight in its client's decisions this round (`RoundBuffers::say`)
    /// and, where it is positive, the supplier's outside option (`actor_war`): its value of
    /// war — its own positions and saliences valued as its client's lead values war, less
    /// the side's cost and chance of collapse and its own risk, as a coalition partner's
    /// ([`Sim::partner_war_value`]): its view differs from its client's by its aims, not by
    /// a cost of war of its own, which is not measured (where the armistice is the outside
    /// option, `Sim::fallback_outside` blends it in). Nothing runs unless some patron has a
    /// positive `aid_leverage`.
    pub(super) fn supplier_outside(&mut self, st: &State, war: &WarValue) {
        if !self.k.say {
            return;
        }
        let aid = self.aid();
        for a in 0..self.p.n_actors() {
            let w = self.say_of(a, aid);
            self.round.say[a] = w;
            if w > 0.0 {
                let side = self.b.backs[a];
                self.round.actor_war[a] = self.partner_war_value(st, a, side, war);
            }
        }
    }

    /// Whether every partner still in the war accepts a freeze at the line: its margin of the
    /// armistice over its value of war (moved toward its side's suppliers' margins, plus the
    /// mediator's lean toward its side) against its private reservation (drawn at the first
    /// round as a veto player's; no draw here).
    pub(super) fn partners_freeze(&self, st: &State, forecast: &[f64], war: &WarValue) -> bool {
        if !self.k.partners {
            return true;
        }
        let lean = self.lean(st);
        let input = super::RoundInputs::new(&self.p, &self.b, &self.k, st, *war, lean);
        let pressure = input.freeze_pressure(&self.round.say, &self.round.actor_war, forecast);
        for a in 0..self.p.n_actors() {
            if !self.partner_in(a) {
                continue;
            }
            let side = self.b.backs[a];
            let own = input.armistice_value_of(a, forecast) - self.round.actor_war[a];
            let lead = self.p.sides[side].belligerent;
            let pull = lead_pull(&self.p, a, pressure[side], || input.armistice_value_of(lead, forecast) - war.v[side]);
            let margin = pressed_margin(own, pull) + lean[side];
            let pr = 1.0 / (1.0 + (-margin / self.p.acceptance_noise).exp());
            if self.b.reserve[a] >= pr {
                return false;
            }
        }
        true
    }
}

impl RoundBuffers {
    /// Per side, its suppliers' pull on the margins for the amended deal: (Σ w, Σ w × the
    /// supplier's margin), w its weight this round (`say`) and its margin the deal's utility
    /// to it over its outside option (`actor_war`). Both 0 for a side without a weighed
    /// supplier.
    pub(super) fn deal_pressure(&self, u: &crate::talk::UtilityContext<'_>, backs: &[usize]) -> [(f64, f64); 2] {
        let mut out = [(0.0, 0.0); 2];
        for (a, &w) in self.say.iter().enumerate() {
            if w > 0.0 {
                let side = backs[a];
                let margin = u.deal_utility(a, &self.amended) - self.actor_war[a];
                out[side].0 += w;
                out[side].1 += w * margin;
            }
        }
        out
    }
}

impl RoundInputs<'_> {
    /// Per side, its suppliers' pull on the margins for a freeze at the line, as
    /// [`RoundBuffers::deal_pressure`] with the supplier's margin of the armistice (valued at
    /// the compromise `forecast`) over its value of war. Both 0 unless suppliers are weighed.
    pub(super) fn freeze_pressure(&self, say: &[f64], actor_war: &[f64], forecast: &[f64]) -> [(f64, f64); 2] {
        let mut out = [(0.0, 0.0); 2];
        if !self.say {
            return out;
        }
        for (a, &w) in say.iter().enumerate() {
            if w > 0.0 {
                let side = self.backs[a];
                let margin = self.armistice_value_of(a, forecast) - actor_war[a];
                out[side].0 += w;
                out[side].1 += w * margin;
            }
        }
        out
    }
}

/// A belligerent's margin `own` for a deal or a freeze, moved toward its side's suppliers'
/// margins: own + Σ w (supplier's margin − own), from `(Σ w, Σ w × supplier's margin)`. A
/// supplier that agrees with its client changes nothing; one that wants the deal more
/// restrains it, one that prefers the war encourages it. Exactly `own` when Σ w = 0.
#[inline]
pub(super) fn pressed_margin(own: f64, (w, pulled): (f64, f64)) -> f64 {
    if w == 0.0 {
        own
    } else {
        own + (pulled - w * own)
    }
}

/// A coalition partner's pull toward its side's lead (`docs/reference/patrons.md` §7): its
/// suppliers' `pressure` (Σ w, Σ w × margin) with its lead counted as one more supplier of
/// weight w = `lead_leverage` × `dependence` and margin `lead_margin` (the lead's own margin
/// for the same deal or freeze, before any pressure on it) — the US buying Rhee's
/// acquiescence in 1953 with a treaty and aid (`KOREA.md` [3]), generalised: a partner that
/// fights on its lead's arms and money weighs the lead's view as a client weighs its
/// supplier's (§5). `pressure` unchanged (and `lead_margin` never computed) for every actor
/// that is not a partner with a positive weight.
#[inline]
pub(super) fn lead_pull(
    p: &crate::params::Params,
    a: usize,
    pressure: (f64, f64),
    lead_margin: impl FnOnce() -> f64,
) -> (f64, f64) {
    match p.patron[a].as_ref() {
        Some(pt) if pt.partner && pt.lead_leverage * pt.dependence > 0.0 => {
            let w = pt.lead_leverage * pt.dependence;
            (pressure.0 + w, pressure.1 + w * lead_margin())
        }
        _ => pressure,
    }
}

/// The roles a patron holds at the start, as bits.
pub(super) fn start_roles(p: &crate::params::Params, a: usize) -> u8 {
    p.patron[a].as_ref().map_or(0, |pt| pt.roles)
}

/// A set of roles as text for a person (`supplier+mediator`, `none`).
pub fn describe(roles: u8) -> String {
    PatronRole::describe(roles)
}
