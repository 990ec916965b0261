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
//! Without `[ceasefire_terms]` nothing here runs and the hazard is the engine's bit for bit.
//! Nothing here draws, allocates, or decides when a ceasefire begins or ends: it only
//! classifies the ceasefire the talks agreed and scales the hazard `Sim::ceasefire_week`
//! draws against.

use super::{Sim, State};

/// The terms of the ceasefire in force (or the last one agreed).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CeasefireTermsView {
    /// The side (0 or 1) on which the ceasefire was imposed (the loser), if it was.
    pub imposed_on: Option<usize>,
    /// Whether a side accepted it only under its patron mediator's pressure.
    pub pressured: bool,
    /// The actor whose monitors deployed with it, if any.
    pub monitors: Option<usize>,
    /// Each side's margin for the freeze in the vote that agreed it.
    pub margins: [f64; 2],
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
        let gap = (margins[0] - margins[1]).abs();
        let imposed = gap >= t.imposed_gap * self.p.acceptance_noise;
        let loser = if margins[0] >= margins[1] { 0 } else { 1 };
        CeasefireTermsView { imposed_on: imposed.then_some(loser), pressured, monitors: t.monitors, margins }
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
