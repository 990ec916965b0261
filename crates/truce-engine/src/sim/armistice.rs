//! The armistice: a ceasefire that freezes the line and leaves the political issues for later
//! (issues 12, 14 and 18; `docs/reference/war-endings.md` §9), as phases of [`Sim::run`].
//!
//! - **What an armistice is worth** ([`RoundInputs::armistice_values`]): the line frozen where
//!   it is (with the audience cost of freezing it short of a public red line), and each
//!   political issue left open at what its parties expect from it later — a share
//!   `protocol.armistice_settles` settled by later talks at the compromise of current
//!   positions, the rest frozen at no deal (a frozen conflict: Korea since 1953, the Line of
//!   Control since 1949; `war-termination.md` §6). Neither no deal forever (which made a side
//!   that expects to gain refuse every freeze) nor war's own lottery (which made a freeze as
//!   good as fighting at no cost).
//! - **Talks under an armistice** ([`Sim::armistice_week`]): while the armistice holds, the
//!   mediator's attention goes on decaying and returning (no hurting stalemate draws it in:
//!   ripeness is 0 without fighting, Zartman 2000), and rounds on cadence weigh a deal against
//!   the armistice (held, or broken down into war with the chance [`Sim::armistice_risk`]:
//!   [`Sim::fallback_outside`]), not against war. A settlement agreed then is a **two-stage ending**
//!   (ceasefire first, settlement later: Egypt–Israel 1974–79), reported by
//!   [`RunSummary::armistice_week`] and by the weekly states (a run's weeks show the ceasefire,
//!   then the settlement).
//! - **A reason to freeze rather than settle**: a failed round under an armistice moves
//!   positions at the share `protocol.armistice_concession` of the concession rate. In a war,
//!   failed rounds concede because war hurts; once the line is frozen nothing hurts (ripeness
//!   is 0, Zartman 2000), so the armistice line becomes the status quo the parties live with
//!   and talks on what it left open stall (Korea since 1953, the Line of Control since 1949:
//!   `war-termination.md` §6; `docs/reference/war-endings.md` §11).
//!
//! - **The deal's outside option before a freeze** ([`Sim::fallback_outside`]): in a round held
//!   in a war where the freeze would be agreed if the deal failed, the deal is weighed against
//!   the same armistice held or broken (`protocol.deal_against_fallback`; `Sim::talk`).
//!
//! Breakdown stays the ceasefire week's Fortna hazard (`Sim::ceasefire_week`). Draws per
//! armistice week, after the breakdown draw: one for a mediation initiative; in a round that
//! fails, one for a suspension (no escalation: nobody fights). Nothing here allocates, fights
//! or learns, and nothing here decides a collapse.

use super::{Fallback, Fought, RoundInputs, RoundView, RunSummary, Sim, State, WarState};
use super::{Observer, WarValue};
use rand_chacha::ChaCha8Rng;

impl RoundInputs<'_> {
    /// Each belligerent's value of the armistice: the line frozen at the current line (its
    /// audience cost included, as a deal's), and every other issue at
    /// `armistice_settles` × the compromise `forecast` + the rest × no deal (the expected
    /// outcome of talks that may or may not settle it later; `war-termination.md` §6).
    pub(super) fn armistice_values(&self, forecast: &[f64]) -> [f64; 2] {
        let p = self.u.p;
        [
            self.armistice_value_of(p.sides[0].belligerent, forecast),
            self.armistice_value_of(p.sides[1].belligerent, forecast),
        ]
    }

    /// One belligerent's value of the armistice (a side's lead, or a coalition partner), as
    /// [`RoundInputs::armistice_values`] says.
    pub(super) fn armistice_value_of(&self, a: usize, forecast: &[f64]) -> f64 {
        let terr = self.u.p.territorial.unwrap_or(0);
        self.armistice_value_at(a, forecast, self.u.nodeal[terr])
    }

    /// [`RoundInputs::armistice_value_of`] for an armistice that freezes the line at `line`
    /// (index) rather than where it stands (a handover, `sim/terms.rs`).
    pub(super) fn armistice_value_at(&self, a: usize, forecast: &[f64], line: f64) -> f64 {
        let (u, p) = (&self.u, self.u.p);
        let (m, terr) = (p.n_issues(), p.territorial.unwrap_or(0));
        let sigma = p.armistice_settles;
        let mut x = u.issue_utility_audience(a, terr, line);
        for k in 0..m {
            let (own, w) = (u.pos[a * m + k], u.nsal[a * m + k]);
            let gap = if k == terr {
                (line - own).abs()
            } else {
                sigma * (forecast[k] - own).abs() + (1.0 - sigma) * (u.nodeal[k] - own).abs()
            };
            x -= w * gap / 100.0;
        }
        x
    }
}

impl Sim {
    /// The chance that an armistice agreed now breaks down within the valuation horizon: the
    /// Fortna hazard of [`Sim::ceasefire_week`] as it starts (a guarantee's reduction
    /// included; the terms of `sim/terms.rs` and a later shift of the balance are not known
    /// when the freeze is weighed), 1 − (1 − h_year)^(horizon / 52). 0 with
    /// `protocol.deal_against_fallback` 0: the engine before weighed a deal under an
    /// armistice against the armistice as if it held for sure.
    pub(super) fn armistice_risk(&self, st: &State) -> f64 {
        let p = &self.p;
        if p.deal_against_fallback == 0.0 {
            return 0.0;
        }
        let g = Self::guarantee(st);
        let h_year = (p.ceasefire_breakdown_per_year * (1.0 - g * p.guarantee_breakdown_reduction)).min(0.999_999);
        1.0 - (1.0 - h_year).powf(p.valuation_horizon / 52.0)
    }

    /// The outside options of a deal whose failure would bring the armistice (`Sim::talk`,
    /// `protocol.deal_against_fallback`): the disagreement point is what a party gets if
    /// this bargain fails (Nash 1950; Binmore, Rubinstein & Wolinsky 1986), here the
    /// armistice — both prefer a freeze to fighting but cannot agree on final status (UCDP's
    /// ceasefire, `war-termination.md` §2) — which holds or, with the chance
    /// [`Sim::armistice_risk`], breaks down into war (almost half of post-1945 ceasefires
    /// did, Fortna 2004): (1 − h) × the armistice's value + h × war's. Returns the
    /// belligerents' (from their values of the armistice `armistice` and of war `war.v`);
    /// coalition partners in the war and weighed suppliers get the same blend of their own
    /// values, in the round's `actor_war` (which holds their values of war on entry; the
    /// round's forecast holds the compromise of current positions).
    pub(super) fn fallback_outside(&mut self, st: &State, war: &WarValue, armistice: [f64; 2]) -> [f64; 2] {
        let h = self.armistice_risk(st);
        let blend = |freeze: f64, fight: f64| freeze - h * (freeze - fight);
        if self.k.partners || self.k.say {
            let input = RoundInputs::new(&self.p, &self.b, &self.k, st, *war, [0.0; 2]);
            for a in 0..self.p.n_actors() {
                let weighs = (self.k.partners && self.partner_in(a)) || (self.k.say && self.round.say[a] > 0.0);
                if weighs {
                    let freeze = input.armistice_value_of(a, &self.round.forecast);
                    self.round.actor_war[a] = blend(freeze, self.round.actor_war[a]);
                }
            }
        }
        [blend(armistice[0], war.v[0]), blend(armistice[1], war.v[1])]
    }

    /// A week under an armistice that held: no hurting stalemate (ripeness 0), the mediator's
    /// attention (one draw) and, when talks are due, a round on the open issues
    /// ([`Sim::armistice_talk`]). Observers see the quiet week; a settlement ends the run (a
    /// two-stage ending).
    pub(super) fn armistice_week<O: Observer>(
        &mut self,
        st: &mut State,
        rng: &mut ChaCha8Rng,
        observer: &mut O,
    ) -> Option<RunSummary> {
        st.ripeness = 0.0;
        self.attention(st, rng);
        let settled = self.talks_due(st) && self.armistice_session(st, rng, observer);
        // The "why" of blocked talks is about wars being fought.
        st.blocked = None;
        if settled {
            let aid = self.aid();
            observer.week(&self.view(st, &Fought::quiet(aid, st.front.regime), WarState::Settled, true));
            return Some(self.summary(st, WarState::Settled, st.week));
        }
        observer.week(&self.quiet_week_view(st));
        None
    }

    /// A talk round under an armistice: the mediator's proposal, amendments and the veto
    /// players' votes (Powell's commitment check included), each belligerent weighing the
    /// deal against the armistice's value, not war's (its q, leverage and cost are war's: the
    /// commitment problem is about what a resumed war would bring). Without agreement,
    /// concessions, and what blocked the round in `st.blocked` for the session's end
    /// ([`Sim::armistice_session`]). Returns whether
    /// every veto player accepted (the terms are then in the run's terms).
    fn armistice_talk<O: Observer>(&mut self, st: &mut State, observer: &mut O) -> bool {
        st.rounds += 1;
        self.set_nodeal(st);
        self.set_audience(st);
        let aid = self.aid();
        let eff = [self.effectiveness(st, 0, aid[0]), self.effectiveness(st, 1, aid[1])];
        let war = self.value_of_war(st, eff);
        let (lean, pull, mediator) = (self.lean(st), self.pull(st), st.mediator);
        let mut input = RoundInputs::new(&self.p, &self.b, &self.k, st, war, lean);
        self.round.collective_forecast(&input.u, input.collective);
        let armistice = input.armistice_values(&self.round.forecast);
        // Coalition partners and suppliers weigh a deal against the armistice too (the
        // round's forecast holds the compromise), with its chance of breaking down.
        self.partner_outside(st, &war);
        self.supplier_outside(st, &war);
        let outside = self.fallback_outside(st, &war, armistice);
        input = RoundInputs::new(&self.p, &self.b, &self.k, st, war, lean);
        input.war = WarValue { v: outside, ..war };
        let round = &mut self.round;
        let (compromise, settled) = round.hold(&input, mediator, pull, st, &self.b.reserve);
        // No freeze is voted on: the line is frozen already.
        let kept = Fallback::undecided([true; 2]);
        let blocked = if settled { None } else { Some(round.blocker(st.range_open, &kept)) };
        observer.round(&RoundView {
            week: st.week,
            proposal: &round.deal,
            amended: &round.amended,
            compromise,
            range_open: st.range_open,
            values_of_war: input.war.v,
            outside: input.war.v,
            decisions: &round.decisions,
            ceasefire_margins: None,
            fallback_agreed: false,
            settled,
            ceasefire: false,
            ripeness: st.ripeness,
            blocked,
            armistice: true,
            mediator,
        });
        if settled {
            self.b.terms.copy_from_slice(&round.amended);
            return true;
        }
        // `forecast` holds the compromise of these same positions (a compromise proposal
        // wrote the same values).
        // No war's costs push concessions under an armistice (Zartman 2000): the share
        // `armistice_concession` of the rate.
        self.concede(st, war.mom, self.p.armistice_concession);
        st.blocked = blocked;
        false
    }

    /// A week's session of talks under the armistice, as a war's ([`Sim::session`]): up to
    /// `protocol.rounds_per_week` rounds until one settles, then, without a settlement, the
    /// mediator's frustration and perhaps a suspension (one draw), once.
    fn armistice_session<O: Observer>(&mut self, st: &mut State, rng: &mut ChaCha8Rng, observer: &mut O) -> bool {
        for _ in 0..self.p.rounds_per_week.max(1) {
            if self.armistice_talk(st, observer) {
                return true;
            }
        }
        self.after_failure(st, rng);
        false
    }
}
