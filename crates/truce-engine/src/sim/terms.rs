//! The terms of a ceasefire (issue 18 item 3; `docs/reference/war-endings.md` §13): whether it
//! was imposed, whose monitors deploy with it, and what both do to its breakdown hazard.
//!
//! - **Imposed** ([`Sim::ceasefire_terms`]): read from the freeze vote's margins. Both sides
//!   accepted, but when their margins differ by at least `ceasefire_terms.imposed_gap` units
//!   of the acceptance noise (the loser's odds of accepting that many e-folds above the
//!   winner's), one side (the loser: the larger margin) accepts because fighting on is far
//!   worse, while the other (the winner) barely prefers the freeze to pressing on. Werner &
//!   Yuen (2005) find that ceasefires after consistent battle outcomes last longer and Fortna
//!   (2004) that decisive victories make peace more durable: its hazard is ×
//!   `imposed_breakdown` (prior below 1). This is the event
//!   [`crate::outcome::WarEvent::CeasefireImposed`].
//! - **Pressured**: a side accepted only because its patron mediator pressed it (its vote
//!   without the mediator's leverage would have refused): Werner & Yuen (2005)'s "unnatural"
//!   ceasefire forced by third parties, which fails more often (`war-termination.md` §4,
//!   T10). Its hazard is × `pressured_breakdown`.
//! - **Monitors** of a named party (`ceasefire_terms.monitors`: a mediator, patron or
//!   guarantor) deploy with every ceasefire; Fortna (2004, 2008) finds monitors and
//!   peacekeepers lengthen ceasefires: its hazard is × `monitor_breakdown`.
//!
//! - **Territory handed over** ([`RoundInputs::handover_line`]): under an imposed ceasefire
//!   the winner names its price, the loser's withdrawal toward the winner's territorial
//!   position: `ceasefire_terms.handover` of the distance from the line to it. The loser hands
//!   over as much of that as still leaves the freeze above its private reservation (the same
//!   acceptance rule as the freeze vote, with the armistice valued at the new line): an
//!   ultimatum in which the winner takes the surplus it can (Putin, 27 Nov 2025: "If
//!   Ukrainian forces leave the territories they hold, then we will stop combat operations",
//!   `data/ukraine/facts.md`; Armenia's handover of three districts in November 2020). The
//!   winner votes on the freeze at that line ([`RoundInputs::handover_vote`]): a winner that
//!   would press on rather than freeze where the line stands may accept a freeze that hands
//!   it ground, and one that accepted the line as it stands accepts a line moved its way. The
//!   line moves there in the week the ceasefire is agreed; the terms report the area
//!   (`CeasefireTermsView::handed_over_km2`). At `handover` 0 nothing is computed.
//!
//! Without `[ceasefire_terms]` nothing here runs and the hazard is the engine's bit for bit.
//! Nothing here draws, allocates, or decides when a ceasefire begins or ends: it classifies
//! the ceasefire the talks agreed, sets the line it hands over and scales the hazard
//! `Sim::ceasefire_week` draws against.

use super::{RoundInputs, Sim, State};

/// The terms of the ceasefire in force (or the last one agreed).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CeasefireTermsView {
    /// The side (0 or 1) on which the ceasefire was imposed (the loser), if it was.
    pub imposed_on: Option<usize>,
    /// Whether a side accepted it only under its patron mediator's pressure.
    pub pressured: bool,
    /// The actor whose monitors deployed with it, if any.
    pub monitors: Option<usize>,
    /// Each side's margin for the freeze at the line as it stood in the vote that agreed it
    /// (under a handover the winner decided at the line handed over).
    pub margins: [f64; 2],
    /// Area the loser handed over under it (km², signed: the first side's gain; 0 when none).
    pub handed_over_km2: f64,
}

/// The side a ceasefire agreed with freeze margins `margins` was imposed on (the larger
/// margin), when the margins differ by at least `imposed_gap` × the acceptance noise.
fn imposed_on(margins: [f64; 2], imposed_gap: f64, noise: f64) -> Option<usize> {
    let gap = (margins[0] - margins[1]).abs();
    let loser = if margins[0] >= margins[1] { 0 } else { 1 };
    (gap >= imposed_gap * noise).then_some(loser)
}

impl RoundInputs<'_> {
    /// The line (index) and the winner's demand under a handover: `handover` of the way from
    /// the line to the winner's territorial position. `None` without a territorial issue or a
    /// handover, or when that position does not lie beyond the line.
    fn handover_target(&self, winner: usize, handover: f64) -> Option<(f64, f64)> {
        let p = self.u.p;
        let terr = p.territorial?;
        let line = self.u.nodeal[terr];
        let demand = self.u.pos[p.sides[winner].belligerent * p.n_issues() + terr];
        // The index is the first side's holdings: side 0 gains by a higher line.
        let toward = if winner == 0 { demand - line } else { line - demand };
        (handover > 0.0 && toward > 0.0).then_some((line, line + handover * (demand - line)))
    }

    /// The line (index) the freeze moves to once `loser` has handed over what the winner
    /// demands (`target`, from `line`) and still accepts (the module docs; its suppliers'
    /// pull `pressure`, its reservation `reserve`); `None` when it accepts no share of it.
    /// `forecast`: the collective forecast the armistice is valued at.
    fn handover_line(
        &self,
        loser: usize,
        (line, target): (f64, f64),
        pressure: (f64, f64),
        reserve: f64,
        forecast: &[f64],
    ) -> Option<f64> {
        let a = self.u.p.sides[loser].belligerent;
        let accepts = |x: f64| {
            let margin = self.freeze_margin(loser, self.armistice_value_at(a, forecast, x), pressure);
            self.freeze_accepts(margin, reserve)
        };
        if accepts(target) {
            return Some(target);
        }
        // The loser accepts the freeze at the line (it agreed it) and refuses the whole
        // demand: the most it accepts lies between, found by bisection on the share handed
        // over (its value falls as the line moves away from it).
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        for _ in 0..40 {
            let mid = 0.5 * (lo + hi);
            if accepts(line + mid * (target - line)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        (lo > 0.0).then_some(line + lo * (target - line))
    }

    /// The freeze vote under a handover (the module docs): when the freeze at the line would
    /// be imposed and its loser accepts it there, the loser's price is the line
    /// [`RoundInputs::handover_line`] finds, and the winner decides at that line (its margin
    /// for the armistice valued there, against the same reservation). A winner that accepted
    /// the line as it stands accepts a line moved its way; one that refused it may accept
    /// the freeze with territory handed over (Putin's offer of 27 Nov 2025). Sets
    /// `f.handover` when the winner accepts; `f.margins` stay the margins at the line, the
    /// balance that made the freeze imposed.
    pub(super) fn handover_vote(
        &self,
        f: &mut super::Fallback,
        reserve: [f64; 2],
        pressure: [(f64, f64); 2],
        forecast: &[f64],
    ) {
        let p = self.u.p;
        let Some(t) = p.ceasefire_terms.as_ref() else { return };
        let Some(loser) = imposed_on(f.margins, t.imposed_gap, p.acceptance_noise) else { return };
        let w = 1 - loser;
        let Some(demand) = self.handover_target(w, t.handover) else { return };
        if !f.accepted[loser] {
            return;
        }
        let winner_margin =
            |x: f64| self.freeze_margin(w, self.armistice_value_at(p.sides[w].belligerent, forecast, x), pressure[w]);
        // The winner's value rises toward its position: one that refuses the whole demand
        // refuses every share of it, and the loser's price need not be found.
        if !f.accepted[w] && !self.freeze_accepts(winner_margin(demand.1), reserve[w]) {
            return;
        }
        let Some(line) = self.handover_line(loser, demand, pressure[loser], reserve[loser], forecast) else { return };
        (f.accepted[w], f.pressed[w]) = self.freeze_decision(w, winner_margin(line), reserve[w]);
        f.handover = f.accepted[w].then_some(line);
    }
}

impl Sim {
    /// The terms of a ceasefire agreed with the freeze margins `margins`: imposed on the side
    /// with the larger margin when the gap is at least `imposed_gap` × the acceptance noise;
    /// `pressured` when a side accepted only under its patron mediator's pressure; monitors
    /// of the named party. Without `[ceasefire_terms]`: no terms.
    pub(super) fn ceasefire_terms(&self, margins: [f64; 2], pressured: bool) -> CeasefireTermsView {
        let Some(t) = &self.p.ceasefire_terms else {
            return CeasefireTermsView { margins, ..Default::default() };
        };
        CeasefireTermsView {
            imposed_on: imposed_on(margins, t.imposed_gap, self.p.acceptance_noise),
            pressured,
            monitors: t.monitors,
            margins,
            handed_over_km2: 0.0,
        }
    }

    /// The factor on the ceasefire in force's breakdown hazard from its terms (1 without
    /// `[ceasefire_terms]`).
    pub(super) fn terms_hazard_factor(&self, st: &State) -> f64 {
        let Some(t) = &self.p.ceasefire_terms else {
            return 1.0;
        };
        let mut f = 1.0;
        if st.terms.imposed_on.is_some() {
            f *= t.imposed_breakdown;
        }
        if st.terms.pressured {
            f *= t.pressured_breakdown;
        }
        if st.terms.monitors.is_some() {
            f *= t.monitor_breakdown;
        }
        f
    }
}
