//! The war's state in a week and the events reported by date: the one place outcome
//! vocabularies live.
//!
//! A run is in one [`WarState`] at the end of each week it simulates (fighting, low activity,
//! a ceasefire in force, settled, or one side collapsed); how a run ended is its state after
//! its last week. The [`WarEvent`]s reported by date (first ceasefire agreed, settlement
//! signed, collapse of each side, onset of low activity, any end of high-intensity war) are
//! defined here from the weekly states: an event has happened by week w when some week ≤ w
//! was in a state that marks it ([`WarEvent::marked_by`]); [`EventWeeks`] finds each event's
//! first week in a run.
//!
//! Every place that reports outcomes (the forecast aggregate and summary, the CLI table, the
//! charts and reports, the Python package) iterates [`WarState::ALL`] and [`WarEvent::ALL`]
//! and names them with `name` (the JSON name) or `label` (the name for people), so a new
//! state or event is added here and nowhere else. This module only names things and derives
//! events from states: it holds no model logic and never decides when a state begins.

use serde::Serialize;

/// The state of a war at the end of a week.
///
/// Settlement and collapse end a run; low activity and a ceasefire are states a run can leave
/// again (a flare-up, a breakdown). The forecast carries a run's last state forward over the
/// weeks after it ended. Nothing here assumes a state is absorbing: a mechanism may leave any
/// state again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum WarState {
    /// High-intensity war: the sides fight (also the state of a run still at war at its
    /// horizon: "neither war nor peace").
    Fighting,
    /// Fighting fell below the activity floor for long enough, without agreement.
    LowActivity,
    /// A ceasefire at the line is in force (from the end of the week it was agreed until the
    /// week it breaks down).
    Ceasefire,
    /// A final-status agreement accepted by every veto player has been signed.
    Settled,
    /// The first side collapsed (forces, economy or the front past its threshold).
    CollapsedFirst,
    /// The second side collapsed.
    CollapsedSecond,
}

impl WarState {
    /// All states, in reporting order (the order of tables and stacked charts).
    pub const ALL: [WarState; 6] = [
        WarState::Fighting,
        WarState::LowActivity,
        WarState::Ceasefire,
        WarState::Settled,
        WarState::CollapsedFirst,
        WarState::CollapsedSecond,
    ];

    /// The number of states (the length of per-state arrays).
    pub const COUNT: usize = Self::ALL.len();

    /// Position in [`WarState::ALL`] (the index of per-state arrays).
    pub fn index(self) -> usize {
        self as usize
    }

    /// Snake-case name, as in JSON (`collapsed_first`).
    pub fn name(self) -> &'static str {
        match self {
            WarState::Fighting => "fighting",
            WarState::LowActivity => "low_activity",
            WarState::Ceasefire => "ceasefire",
            WarState::Settled => "settled",
            WarState::CollapsedFirst => "collapsed_first",
            WarState::CollapsedSecond => "collapsed_second",
        }
    }

    /// The state with JSON name `name`, if any.
    pub fn from_name(name: &str) -> Option<WarState> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The collapse of side `side` (0: the first side, otherwise the second).
    pub fn collapsed(side: usize) -> WarState {
        if side == 0 {
            WarState::CollapsedFirst
        } else {
            WarState::CollapsedSecond
        }
    }

    /// The name of the state in a file a person writes, where a collapse names the side:
    /// `collapsed_<side id>` (`ids` are the two fighting sides' ids, first side first);
    /// every other state is its JSON name.
    pub fn observed_name<S: AsRef<str>>(self, ids: &[S]) -> String {
        let id = |i: usize| ids.get(i).map_or_else(|| ["first", "second"][i].to_string(), |s| s.as_ref().to_string());
        match self {
            WarState::CollapsedFirst => format!("collapsed_{}", id(0)),
            WarState::CollapsedSecond => format!("collapsed_{}", id(1)),
            k => k.name().to_string(),
        }
    }

    /// The state named `name` as [`WarState::observed_name`] writes it (`collapsed_<side id>`
    /// for a collapse), or by its JSON name.
    pub fn from_observed_name<S: AsRef<str>>(name: &str, ids: &[S]) -> Option<WarState> {
        Self::ALL.into_iter().find(|k| k.observed_name(ids) == name).or_else(|| Self::from_name(name))
    }

    /// The label a person reads; a collapse names the side (`sides` are the two fighting
    /// sides' names; a missing one reads "side 1" or "side 2").
    pub fn label<S: AsRef<str>>(self, sides: &[S]) -> String {
        match self {
            WarState::Fighting => "fighting".into(),
            WarState::LowActivity => "low activity".into(),
            WarState::Ceasefire => "ceasefire in force".into(),
            WarState::Settled => "settled".into(),
            WarState::CollapsedFirst => format!("{} collapsed", side_name(sides, 0)),
            WarState::CollapsedSecond => format!("{} collapsed", side_name(sides, 1)),
        }
    }
}

/// What broke a side that collapsed: the condition that ended the run in the week it
/// collapsed (`Sim::end`, in its order: a side's floors, then the front past a threshold,
/// which decides when both apply; then the collapse hazard of `sim/breaking.rs`). The front
/// crossing a threshold set in the scenario is a different claim from an army or an economy
/// that breaks, so the forecast reports a collapse by its cause (`collapse_causes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum CollapseCause {
    /// The front passed the side's threshold (`termination.collapse_first_km2` or
    /// `collapse_second_km2`).
    Front,
    /// The side's forces fell below their floor (`sides.*.collapse_forces_fraction`).
    Forces,
    /// The side's economy fell below its floor (`sides.*.collapse_economy`), its forces not.
    Economy,
    /// The side broke before its floors: the weekly collapse hazard
    /// (`politics.*.collapse_per_year` and its weights).
    Broke,
}

impl CollapseCause {
    /// All causes, in reporting order.
    pub const ALL: [CollapseCause; 4] =
        [CollapseCause::Front, CollapseCause::Forces, CollapseCause::Economy, CollapseCause::Broke];

    /// The number of causes (the length of per-cause arrays).
    pub const COUNT: usize = Self::ALL.len();

    /// Position in [`CollapseCause::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Snake-case name, as in JSON (`front`).
    pub fn name(self) -> &'static str {
        match self {
            CollapseCause::Front => "front",
            CollapseCause::Forces => "forces",
            CollapseCause::Economy => "economy",
            CollapseCause::Broke => "broke",
        }
    }

    /// The label a person reads.
    pub fn label(self) -> &'static str {
        match self {
            CollapseCause::Front => "the front past its threshold",
            CollapseCause::Forces => "forces below their floor",
            CollapseCause::Economy => "economy below its floor",
            CollapseCause::Broke => "broke before its floors",
        }
    }
}

fn side_name<S: AsRef<str>>(sides: &[S], i: usize) -> String {
    sides.get(i).map_or_else(|| format!("side {}", i + 1), |s| s.as_ref().to_string())
}

/// An event reported by date: the probability that it has happened by each week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum WarEvent {
    /// The first ceasefire was agreed (whether or not it held).
    CeasefireAgreed,
    /// A settlement was signed.
    SettlementSigned,
    /// The first side collapsed.
    CollapseFirst,
    /// The second side collapsed.
    CollapseSecond,
    /// Fighting fell to low activity for the first time.
    LowActivityOnset,
    /// High-intensity war ended for the first time, in any way: the first week whose state
    /// is not [`WarState::Fighting`].
    HighIntensityEnded,
    /// The first imposed ceasefire with terms was agreed (`sim/terms.rs`: one side accepted
    /// because fighting on was far worse; Werner & Yuen 2005). Not a state of its own (a
    /// ceasefire is in force either way): marked by the week's imposed flag
    /// ([`EventWeeks::observe_imposed`]), in scenarios with `[ceasefire_terms]` only.
    CeasefireImposed,
    /// The first strike moratorium was agreed (`sim/truces.rs`: a partial truce on long-range
    /// and energy strikes while the war goes on). Not a state: marked by the week's
    /// moratorium flag ([`EventWeeks::observe_moratorium`]), in scenarios with
    /// `[strike_moratorium]` only.
    StrikeMoratorium,
    /// The first humanitarian pause was agreed (`sim/truces.rs`: a few days without fighting
    /// while the war goes on). Not a state: marked by the week's pause flag
    /// ([`EventWeeks::observe_pause`]), in scenarios with `[humanitarian_pause]` only.
    HumanitarianPause,
    /// The first trade corridor was opened (`sim/truces.rs`: a blockade partly lifted by
    /// agreement while the war goes on). Not a state: marked by the week's corridor flag
    /// ([`EventWeeks::observe_corridor`]), in scenarios with `[trade_corridor]` only.
    TradeCorridor,
}

impl WarEvent {
    /// All events, in reporting order.
    pub const ALL: [WarEvent; 10] = [
        WarEvent::CeasefireAgreed,
        WarEvent::SettlementSigned,
        WarEvent::CollapseFirst,
        WarEvent::CollapseSecond,
        WarEvent::LowActivityOnset,
        WarEvent::HighIntensityEnded,
        WarEvent::CeasefireImposed,
        WarEvent::StrikeMoratorium,
        WarEvent::HumanitarianPause,
        WarEvent::TradeCorridor,
    ];

    /// The number of events (the length of per-event arrays).
    pub const COUNT: usize = Self::ALL.len();

    /// Position in [`WarEvent::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Snake-case name, as in JSON (`ceasefire_agreed`).
    pub fn name(self) -> &'static str {
        match self {
            WarEvent::CeasefireAgreed => "ceasefire_agreed",
            WarEvent::SettlementSigned => "settlement_signed",
            WarEvent::CollapseFirst => "collapse_first",
            WarEvent::CollapseSecond => "collapse_second",
            WarEvent::LowActivityOnset => "low_activity_onset",
            WarEvent::HighIntensityEnded => "high_intensity_ended",
            WarEvent::CeasefireImposed => "ceasefire_imposed",
            WarEvent::StrikeMoratorium => "strike_moratorium",
            WarEvent::HumanitarianPause => "humanitarian_pause",
            WarEvent::TradeCorridor => "trade_corridor",
        }
    }

    /// The event with JSON name `name`, if any.
    pub fn from_name(name: &str) -> Option<WarEvent> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The label a person reads; a collapse names the side (as [`WarState::label`]).
    pub fn label<S: AsRef<str>>(self, sides: &[S]) -> String {
        match self {
            WarEvent::CeasefireAgreed => "first ceasefire agreed".into(),
            WarEvent::SettlementSigned => "settlement signed".into(),
            WarEvent::CollapseFirst => format!("collapse of {}", side_name(sides, 0)),
            WarEvent::CollapseSecond => format!("collapse of {}", side_name(sides, 1)),
            WarEvent::LowActivityOnset => "onset of low activity".into(),
            WarEvent::HighIntensityEnded => "end of high-intensity war".into(),
            WarEvent::CeasefireImposed => "imposed ceasefire agreed".into(),
            WarEvent::StrikeMoratorium => "strike moratorium agreed".into(),
            WarEvent::HumanitarianPause => "humanitarian pause agreed".into(),
            WarEvent::TradeCorridor => "trade corridor opened".into(),
        }
    }

    /// Whether the scenario `p` can produce the event at all: an imposed ceasefire and the
    /// partial truces need their tables (`[ceasefire_terms]`, `[strike_moratorium]`,
    /// `[humanitarian_pause]`, `[trade_corridor]`); every other event any scenario can. The
    /// forecast JSON keeps every event's row (0 where impossible, a stable schema); the text
    /// table and the report list only these.
    pub fn possible_in(self, p: &crate::params::Params) -> bool {
        match self {
            WarEvent::CeasefireImposed => p.ceasefire_terms.is_some(),
            WarEvent::StrikeMoratorium => p.strike_moratorium.is_some(),
            WarEvent::HumanitarianPause => p.humanitarian_pause.is_some(),
            WarEvent::TradeCorridor => p.trade_corridor.is_some(),
            WarEvent::CeasefireAgreed
            | WarEvent::SettlementSigned
            | WarEvent::CollapseFirst
            | WarEvent::CollapseSecond
            | WarEvent::LowActivityOnset
            | WarEvent::HighIntensityEnded => true,
        }
    }

    /// Whether a week in `state` means the event has happened by that week: the event's first
    /// week is the first week in such a state. (A ceasefire is in force from the end of the
    /// week it was agreed, so the first ceasefire week is the week of the agreement.) An
    /// imposed ceasefire is a ceasefire with a flag, not a state: no state alone marks it
    /// ([`WarEvent::marked`]).
    pub fn marked_by(self, state: WarState) -> bool {
        match self {
            WarEvent::CeasefireAgreed => state == WarState::Ceasefire,
            WarEvent::SettlementSigned => state == WarState::Settled,
            WarEvent::CollapseFirst => state == WarState::CollapsedFirst,
            WarEvent::CollapseSecond => state == WarState::CollapsedSecond,
            WarEvent::LowActivityOnset => state == WarState::LowActivity,
            WarEvent::HighIntensityEnded => state != WarState::Fighting,
            WarEvent::CeasefireImposed
            | WarEvent::StrikeMoratorium
            | WarEvent::HumanitarianPause
            | WarEvent::TradeCorridor => false,
        }
    }

    /// Whether a week in `state`, with an imposed ceasefire in force from its end or not
    /// (`imposed`), means the event has happened by that week: [`WarEvent::marked_by`], and
    /// an imposed ceasefire marks [`WarEvent::CeasefireImposed`] (only under a ceasefire).
    pub fn marked(self, state: WarState, imposed: bool) -> bool {
        match self {
            WarEvent::CeasefireImposed => imposed && state == WarState::Ceasefire,
            e => e.marked_by(state),
        }
    }
}

/// The first week of each [`WarEvent`] in one run, found from its weekly states.
///
/// Why here: events are defined by states, and every consumer (the forecast aggregate, a
/// trace, a score) must date them the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EventWeeks {
    first: [Option<u32>; WarEvent::COUNT],
}

impl EventWeeks {
    /// No event yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that the run was in `state` at the end of `week` (weeks in increasing order).
    #[inline]
    pub fn observe(&mut self, week: u32, state: WarState) {
        for e in WarEvent::ALL {
            if self.first[e.index()].is_none() && e.marked_by(state) {
                self.first[e.index()] = Some(week);
            }
        }
    }

    /// Records that an imposed ceasefire was in force from the end of `week` when `imposed`
    /// (the week's [`crate::sim::WeekView::imposed`]; call with the same week as
    /// [`EventWeeks::observe`]).
    #[inline]
    pub fn observe_imposed(&mut self, week: u32, state: WarState, imposed: bool) {
        let e = WarEvent::CeasefireImposed;
        if self.first[e.index()].is_none() && e.marked(state, imposed) {
            self.first[e.index()] = Some(week);
        }
    }

    /// Records that a strike moratorium was in force from the end of `week` when
    /// `moratorium` (the week's [`crate::sim::WeekView::moratorium`]).
    #[inline]
    pub fn observe_moratorium(&mut self, week: u32, moratorium: bool) {
        let e = WarEvent::StrikeMoratorium;
        if moratorium && self.first[e.index()].is_none() {
            self.first[e.index()] = Some(week);
        }
    }

    /// Records that a humanitarian pause was agreed and not yet over at the end of `week` when
    /// `pause` (the week's [`crate::sim::WeekView::pause`]).
    #[inline]
    pub fn observe_pause(&mut self, week: u32, pause: bool) {
        let e = WarEvent::HumanitarianPause;
        if pause && self.first[e.index()].is_none() {
            self.first[e.index()] = Some(week);
        }
    }

    /// Records that a trade corridor was open at the end of `week` when `corridor` (the week's
    /// [`crate::sim::WeekView::corridor`]).
    #[inline]
    pub fn observe_corridor(&mut self, week: u32, corridor: bool) {
        let e = WarEvent::TradeCorridor;
        if corridor && self.first[e.index()].is_none() {
            self.first[e.index()] = Some(week);
        }
    }

    /// The first week of `event`, if it has happened.
    pub fn week(&self, event: WarEvent) -> Option<u32> {
        self.first[event.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_json_names_and_indices_the_positions() {
        for (i, k) in WarState::ALL.into_iter().enumerate() {
            assert_eq!(k.index(), i);
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.name()));
            assert_eq!(WarState::from_name(k.name()), Some(k));
        }
        for (i, e) in WarEvent::ALL.into_iter().enumerate() {
            assert_eq!(e.index(), i);
            assert_eq!(serde_json::to_string(&e).unwrap(), format!("\"{}\"", e.name()));
            assert_eq!(WarEvent::from_name(e.name()), Some(e));
        }
        assert_eq!(WarState::from_name("stalemate"), None);
        assert_eq!(WarEvent::from_name("ceasefire"), None);
    }

    #[test]
    fn labels_name_the_sides() {
        let sides = ["Russia", "Ukraine"];
        assert_eq!(WarState::CollapsedSecond.label(&sides), "Ukraine collapsed");
        assert_eq!(WarEvent::CollapseFirst.label(&sides), "collapse of Russia");
        assert_eq!(WarState::CollapsedFirst.label::<&str>(&[]), "side 1 collapsed");
        assert_eq!(WarState::Ceasefire.label(&sides), "ceasefire in force");
    }

    #[test]
    fn observed_names_use_side_ids() {
        let ids = ["russia", "ukraine"];
        assert_eq!(WarState::CollapsedSecond.observed_name(&ids), "collapsed_ukraine");
        assert_eq!(WarState::Ceasefire.observed_name(&ids), "ceasefire");
        assert_eq!(WarState::from_observed_name("collapsed_russia", &ids), Some(WarState::CollapsedFirst));
        assert_eq!(WarState::from_observed_name("collapsed_first", &ids), Some(WarState::CollapsedFirst));
        assert_eq!(WarState::from_observed_name("low_activity", &ids), Some(WarState::LowActivity));
        assert_eq!(WarState::from_observed_name("collapsed_nato", &ids), None);
    }

    #[test]
    fn events_are_first_weeks_of_their_states() {
        let mut e = EventWeeks::new();
        let weeks = [
            WarState::Fighting,
            WarState::Ceasefire,
            WarState::Ceasefire,
            WarState::Fighting,
            WarState::Ceasefire,
            WarState::Fighting,
            WarState::LowActivity,
            WarState::Fighting,
            WarState::Settled,
        ];
        for (w, s) in weeks.into_iter().enumerate() {
            e.observe(w as u32, s);
        }
        assert_eq!(e.week(WarEvent::CeasefireAgreed), Some(1));
        assert_eq!(e.week(WarEvent::HighIntensityEnded), Some(1));
        assert_eq!(e.week(WarEvent::LowActivityOnset), Some(6));
        assert_eq!(e.week(WarEvent::SettlementSigned), Some(8));
        assert_eq!(e.week(WarEvent::CollapseFirst), None);
        for s in WarState::ALL {
            // Every state but fighting ends high-intensity war; each event has one marking state
            // except that one.
            assert_eq!(WarEvent::HighIntensityEnded.marked_by(s), s != WarState::Fighting);
        }
    }

    #[test]
    fn an_imposed_ceasefire_is_marked_by_its_flag_under_a_ceasefire_only() {
        let mut e = EventWeeks::new();
        let weeks = [
            (WarState::Fighting, true),
            (WarState::Ceasefire, false),
            (WarState::Fighting, false),
            (WarState::Ceasefire, true),
            (WarState::Ceasefire, true),
        ];
        for (w, (s, imposed)) in weeks.into_iter().enumerate() {
            e.observe(w as u32, s);
            e.observe_imposed(w as u32, s, imposed);
        }
        assert_eq!(e.week(WarEvent::CeasefireAgreed), Some(1));
        assert_eq!(e.week(WarEvent::CeasefireImposed), Some(3));
        for s in WarState::ALL {
            assert!(!WarEvent::CeasefireImposed.marked_by(s));
            assert!(!WarEvent::CeasefireImposed.marked(s, false));
            assert_eq!(WarEvent::CeasefireImposed.marked(s, true), s == WarState::Ceasefire);
        }
    }

    #[test]
    fn a_strike_moratorium_is_marked_by_its_flag_only() {
        let mut e = EventWeeks::new();
        for (w, (s, m)) in [(WarState::Fighting, false), (WarState::Fighting, true), (WarState::Fighting, true)]
            .into_iter()
            .enumerate()
        {
            e.observe(w as u32, s);
            e.observe_moratorium(w as u32, m);
        }
        assert_eq!(e.week(WarEvent::StrikeMoratorium), Some(1));
        for s in WarState::ALL {
            assert!(!WarEvent::StrikeMoratorium.marked_by(s));
        }
    }

    #[test]
    fn a_humanitarian_pause_is_marked_by_its_flag_only() {
        let mut e = EventWeeks::new();
        for (w, p) in [false, false, true, false, true].into_iter().enumerate() {
            e.observe(w as u32, WarState::Fighting);
            e.observe_pause(w as u32, p);
        }
        assert_eq!(e.week(WarEvent::HumanitarianPause), Some(2));
        assert_eq!(e.week(WarEvent::StrikeMoratorium), None);
        assert_eq!(WarEvent::from_name("humanitarian_pause"), Some(WarEvent::HumanitarianPause));
        for s in WarState::ALL {
            assert!(!WarEvent::HumanitarianPause.marked_by(s));
        }
    }

    #[test]
    fn a_trade_corridor_is_marked_by_its_flag_only() {
        let mut e = EventWeeks::new();
        for (w, c) in [false, true, false, true].into_iter().enumerate() {
            e.observe(w as u32, WarState::Fighting);
            e.observe_corridor(w as u32, c);
        }
        assert_eq!(e.week(WarEvent::TradeCorridor), Some(1));
        assert_eq!(e.week(WarEvent::HumanitarianPause), None);
        assert_eq!(WarEvent::ALL.last(), Some(&WarEvent::TradeCorridor));
        assert_eq!(WarEvent::from_name("trade_corridor"), Some(WarEvent::TradeCorridor));
        for s in WarState::ALL {
            assert!(!WarEvent::TradeCorridor.marked_by(s));
        }
    }

    #[test]
    fn the_partial_truces_are_possible_only_with_their_tables() {
        let load = |name: &str| crate::load::load_str(name, crate::builtin::builtin(name).unwrap()).unwrap().params;
        let (generic, ukraine) = (load("generic-interstate"), load("ukraine-2025-12"));
        for e in WarEvent::ALL {
            let table = matches!(
                e,
                WarEvent::CeasefireImposed
                    | WarEvent::StrikeMoratorium
                    | WarEvent::HumanitarianPause
                    | WarEvent::TradeCorridor
            );
            assert_eq!(e.possible_in(&generic), !table, "{e:?} in generic-interstate");
        }
        // ukraine-2025-12 has ceasefire terms and no partial truce.
        assert!(WarEvent::CeasefireImposed.possible_in(&ukraine));
        assert!(!WarEvent::TradeCorridor.possible_in(&ukraine));
    }
}
