//! A full trace of one run: every week and every talk round, for `truce run`, reports and
//! the Python package. Recording allocates; runs without a trace do not.
//!
//! Each week carries the war's state at its end; the outcome carries the run's final state
//! and the first week of each event ([`WarEvent`]) that happened, dated as the forecast
//! dates them ([`EventWeeks`]).

use crate::calendar::CivilDate;
use crate::outcome::{EventWeeks, WarEvent, WarState};
use crate::params::Params;
use crate::sim::{CeasefireTermsView, Decision, Observer, RoundView, RunSummary, WeekView};
use crate::talk::Blocker;
use serde::Serialize;
use std::collections::BTreeMap;

/// One week of the trace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekRecord {
    pub week: u32,
    pub date: CivilDate,
    pub km2: f64,
    pub index: f64,
    pub gain_km2: f64,
    pub casualties: [f64; 2],
    pub cum_casualties: [f64; 2],
    pub forces: [f64; 2],
    pub economy: [f64; 2],
    pub aid: [f64; 2],
    pub belief_drift: [f64; 2],
    pub intensity: f64,
    /// Who was on the offensive (`contested` without regimes).
    pub regime: crate::front::Regime,
    pub range_open: bool,
    pub ceasefire: bool,
    /// The war's state at the end of the week.
    pub state: WarState,
    /// Who holds each `[[domains]]` theatre at the end of the week (domain id → side id;
    /// `None`: its holder has lost it; `sim/domains.rs`); absent without domains.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub domains: BTreeMap<String, Option<String>>,
    /// Days of the week on which a humanitarian pause held (`sim/truces.rs`); absent when none.
    #[serde(skip_serializing_if = "is_zero")]
    pub paused_days: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// One veto player's decision, with names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionRecord {
    pub actor: String,
    pub margin: f64,
    pub accepted: bool,
    pub commitment_ok: bool,
}

/// One talk round of the trace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundRecord {
    pub week: u32,
    pub date: CivilDate,
    /// Mediator's proposal per issue id.
    pub proposal: BTreeMap<String, f64>,
    /// After supporters' amendments.
    pub amended: BTreeMap<String, f64>,
    /// Amendment per issue (amended − proposal).
    pub amendments: BTreeMap<String, f64>,
    pub compromise: bool,
    pub range_open: bool,
    pub values_of_war: BTreeMap<String, f64>,
    pub decisions: Vec<DecisionRecord>,
    pub ceasefire_margins: Option<BTreeMap<String, f64>>,
    pub settled: bool,
    pub ceasefire: bool,
    /// What blocked the round when it failed (the one list of causes, [`Blocker`]); `None`
    /// when it settled or agreed a ceasefire.
    pub blocked: Option<BlockedRecord>,
    /// Held under an armistice, on the political issues it left open (the deal was weighed
    /// against the armistice, held or broken down into war: `values_of_war` are then that
    /// blend, `docs/reference/war-endings.md` §9). In a round held in a war `values_of_war`
    /// are war's, also where the deal was weighed against the armistice that its failure would
    /// bring (`ceasefire_margins`, present in every such round, say whether it would be).
    pub armistice: bool,
    /// Who mediated the round (actor id): present only in scenarios with patrons, where a
    /// patron can take the mediator's seat (`docs/reference/patrons.md`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mediator: Option<String>,
}

/// The cause that blocked a talk round: its JSON name and the label a person reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockedRecord {
    pub name: &'static str,
    pub label: &'static str,
}

/// A scheduled event as it happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRecord {
    pub week: u32,
    pub date: CivilDate,
    pub kind: String,
    pub actor: Option<String>,
    pub note: String,
}

/// The outcome of the run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeRecord {
    /// The state after the run's last week.
    pub state: WarState,
    /// The week that state began (the horizon for a run still fighting).
    pub week: u32,
    pub date: CivilDate,
    pub terms: BTreeMap<String, f64>,
    pub km2_held: f64,
    pub index: f64,
    pub casualties: BTreeMap<String, f64>,
    pub costs: BTreeMap<String, f64>,
    pub rounds: u32,
    pub ceasefire_breakdowns: u32,
    /// The first week of each event that happened (JSON name → week), in event order.
    pub event_weeks: BTreeMap<String, u32>,
    /// A two-stage ending: the week the armistice was agreed that the settlement followed
    /// (ceasefire first, settlement later); `None` for every other end.
    pub armistice_week: Option<u32>,
}

/// The whole trace.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Trace {
    pub scenario: String,
    pub seed: u64,
    /// The forecast run whose parameters and stream this run used (`truce run --sample I`);
    /// `None`: each sampled parameter at its median, on stream 0.
    pub sample: Option<u64>,
    /// The values this run gave the `[uncertainty]` parameters (path → value); empty when
    /// the trace was made from parameters as given ([`run_traced`]).
    pub parameters: BTreeMap<String, f64>,
    pub sides: Vec<String>,
    pub weeks: Vec<WeekRecord>,
    pub rounds: Vec<RoundRecord>,
    pub events: Vec<EventRecord>,
    pub breakdowns: Vec<u32>,
    pub outcome: Option<OutcomeRecord>,
    /// Public aims that moved with a side's fortunes (`politics.*.aims_per_year`), each time
    /// a red line crossed a whole point of its scale; absent from the JSON when none moved
    /// (every trace of fixed red lines reads as before).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aims: Vec<AimRecord>,
    /// The terms of each ceasefire agreed (`[ceasefire_terms]`; `sim/terms.rs`); absent from
    /// the JSON in scenarios without the table.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ceasefire_terms: Vec<TermsRecord>,
    /// Each strike moratorium agreed or lapsed (`[strike_moratorium]`; `sim/truces.rs`), in
    /// week order; absent from the JSON when there was none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub moratoria: Vec<MoratoriumRecord>,
    /// Each humanitarian pause agreed or broken down before its term (`[humanitarian_pause]`;
    /// `sim/truces.rs`), in week order; absent from the JSON when there was none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pauses: Vec<PauseRecord>,
    /// Each trade corridor opened or closed (`[trade_corridor]`; `sim/truces.rs`), in week
    /// order; absent from the JSON when there was none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub corridors: Vec<CorridorRecord>,
    /// Each change of control of a `[[domains]]` theatre (`sim/domains.rs`), in week order;
    /// absent from the JSON when there was none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub domain_changes: Vec<DomainRecord>,
}

/// A domain lost by its holder or regained before a week's fight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainRecord {
    pub week: u32,
    pub date: CivilDate,
    /// The domain's id.
    pub domain: String,
    /// Its holder's side id.
    pub holder: String,
    /// True: regained this week; false: lost.
    pub held: bool,
}

/// A strike moratorium agreed after a talk round (`agreed`) or lapsed by its hazard in a week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MoratoriumRecord {
    pub week: u32,
    pub date: CivilDate,
    /// True: agreed this week (in force from its end); false: lapsed before this week's fight.
    pub agreed: bool,
}

/// A humanitarian pause agreed after a session of talks (`agreed`) or broken down before its
/// term in a week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PauseRecord {
    pub week: u32,
    pub date: CivilDate,
    /// True: agreed this week (it runs from the next); false: broke down before this week's
    /// fight was over.
    pub agreed: bool,
}

/// A trade corridor opened after a session of talks (`opened`) or closed by its hazard in a
/// week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorridorRecord {
    pub week: u32,
    pub date: CivilDate,
    /// True: opened this week (it lifts its cut from the next); false: closed before this
    /// week's fight.
    pub opened: bool,
}

/// The terms of a ceasefire agreed in a week: on whom it was imposed (a side id; `None`: a
/// freeze both sides wanted), whether third-party pressure forced it, whose monitors
/// deployed, and each side's margin for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermsRecord {
    pub week: u32,
    pub date: CivilDate,
    pub imposed_on: Option<String>,
    /// Whether a side accepted it only under its patron mediator's pressure.
    pub pressured: bool,
    pub monitors: Option<String>,
    /// Each side's margin for the freeze (side id → margin).
    pub margins: BTreeMap<String, f64>,
    /// Area the loser handed over under an imposed ceasefire (km², signed: the first side's
    /// gain; `ceasefire_terms.handover`); absent when none.
    #[serde(skip_serializing_if = "is_zero_f64")]
    pub handed_over_km2: f64,
}

fn is_zero_f64(x: &f64) -> bool {
    *x == 0.0
}

/// A public aim (a red line) that moved with its side's fortunes: where it stands after the
/// week, and where the scenario set it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AimRecord {
    pub week: u32,
    pub date: CivilDate,
    pub actor: String,
    pub issue: String,
    pub red_line: f64,
    /// The red line the scenario set (the opening aim).
    pub opening: f64,
}

/// An [`Observer`] that records a [`Trace`].
pub struct TraceObserver<'p> {
    p: &'p Params,
    /// What has been recorded so far.
    pub trace: Trace,
    events: EventWeeks,
    /// Whether the scenario has patrons or coalition partners (rounds then name their
    /// mediator).
    patrons: bool,
}

impl<'p> TraceObserver<'p> {
    /// An empty trace of a run of `p` under `seed` (names are taken from `p`).
    pub fn new(p: &'p Params, seed: u64) -> Self {
        TraceObserver {
            p,
            trace: Trace {
                scenario: p.name.clone(),
                seed,
                sides: p.sides.iter().map(|s| s.name.clone()).collect(),
                ..Default::default()
            },
            events: EventWeeks::new(),
            patrons: p.patron.iter().any(Option::is_some),
        }
    }

    fn by_issue(&self, v: &[f64]) -> BTreeMap<String, f64> {
        self.p.issue_ids.iter().cloned().zip(v.iter().copied()).collect()
    }

    /// Adds the outcome and returns the trace.
    pub fn finish(mut self, s: &RunSummary, terms: &[f64]) -> Trace {
        let sides: Vec<String> = self.p.sides.iter().map(|x| x.id.clone()).collect();
        let event_weeks =
            WarEvent::ALL.into_iter().filter_map(|e| Some((e.name().to_string(), self.events.week(e)?))).collect();
        self.trace.outcome = Some(OutcomeRecord {
            state: s.state,
            week: s.week,
            date: self.p.start.plus_weeks(s.week),
            terms: self.by_issue(terms),
            km2_held: s.km2,
            index: s.index,
            casualties: sides.iter().cloned().zip(s.casualties).collect(),
            costs: sides.iter().cloned().zip(s.costs).collect(),
            rounds: s.rounds,
            ceasefire_breakdowns: s.breakdowns,
            event_weeks,
            armistice_week: s.armistice_week,
        });
        self.trace
    }
}

impl Observer for TraceObserver<'_> {
    fn week(&mut self, w: &WeekView) {
        self.events.observe(w.week, w.state);
        self.events.observe_imposed(w.week, w.state, w.imposed);
        self.events.observe_moratorium(w.week, w.moratorium);
        self.events.observe_pause(w.week, w.pause);
        self.events.observe_corridor(w.week, w.corridor);
        self.trace.weeks.push(WeekRecord {
            week: w.week,
            date: self.p.start.plus_weeks(w.week),
            km2: w.km2,
            index: w.index,
            gain_km2: w.gain,
            casualties: w.casualties,
            cum_casualties: w.cum_casualties,
            forces: w.forces,
            economy: w.economy,
            aid: w.aid,
            belief_drift: w.belief,
            intensity: w.intensity,
            regime: w.regime,
            range_open: w.range_open,
            ceasefire: w.ceasefire,
            state: w.state,
            domains: self
                .p
                .domains
                .iter()
                .enumerate()
                .map(|(d, dom)| {
                    let holds = w.domains & (1u64 << d) != 0;
                    (dom.id.clone(), holds.then(|| self.p.sides[dom.holder].id.clone()))
                })
                .collect(),
            paused_days: w.paused_days,
        });
    }

    fn round(&mut self, r: &RoundView<'_>) {
        let amendments: Vec<f64> = r.amended.iter().zip(r.proposal).map(|(a, p)| a - p).collect();
        let sides: Vec<String> = self.p.sides.iter().map(|x| x.id.clone()).collect();
        let decisions = r
            .decisions
            .iter()
            .map(|d: &Decision| DecisionRecord {
                actor: self.p.actor_ids[d.actor].clone(),
                margin: d.margin,
                accepted: d.accepted,
                commitment_ok: d.commitment_ok,
            })
            .collect();
        self.trace.rounds.push(RoundRecord {
            week: r.week,
            date: self.p.start.plus_weeks(r.week),
            proposal: self.by_issue(r.proposal),
            amended: self.by_issue(r.amended),
            amendments: self.by_issue(&amendments),
            compromise: r.compromise,
            range_open: r.range_open,
            values_of_war: sides.iter().cloned().zip(r.values_of_war).collect(),
            decisions,
            ceasefire_margins: r.ceasefire_margins.map(|m| sides.iter().cloned().zip(m).collect()),
            settled: r.settled,
            ceasefire: r.ceasefire,
            blocked: r.blocked.map(|b: Blocker| BlockedRecord { name: b.name(), label: b.label() }),
            armistice: r.armistice,
            mediator: self.patrons.then(|| self.p.actor_ids[r.mediator].clone()),
        });
    }

    fn event(&mut self, week: u32, e: &crate::params::Event) {
        self.trace.events.push(EventRecord {
            week,
            date: self.p.start.plus_weeks(week),
            kind: format!("{:?}", e.kind),
            actor: e.actor.map(|a| self.p.actor_ids[a].clone()),
            note: match (e.kind, e.actor, e.side) {
                // A patron's switch of sides is said, whatever the author's note says.
                (crate::scenario::EventKind::PatronRoles, Some(a), Some(s)) => {
                    let said = format!("{} backs {}", self.p.actor_names[a], self.p.sides[s].name);
                    if e.note.is_empty() {
                        said
                    } else {
                        format!("{} ({said})", e.note)
                    }
                }
                _ => e.note.clone(),
            },
        });
    }

    fn patron(&mut self, week: u32, actor: usize, from: u8, to: u8) {
        use crate::scenario::PatronRole;
        self.trace.events.push(EventRecord {
            week,
            date: self.p.start.plus_weeks(week),
            kind: "PatronRoles".into(),
            actor: Some(self.p.actor_ids[actor].clone()),
            note: format!(
                "{}: {} → {}",
                self.p.actor_names[actor],
                PatronRole::describe(from),
                PatronRole::describe(to)
            ),
        });
    }

    fn breakdown(&mut self, week: u32) {
        self.trace.breakdowns.push(week);
    }

    fn ceasefire_terms(&mut self, week: u32, t: &CeasefireTermsView) {
        let ids: Vec<String> = self.p.sides.iter().map(|x| x.id.clone()).collect();
        self.trace.ceasefire_terms.push(TermsRecord {
            week,
            date: self.p.start.plus_weeks(week),
            imposed_on: t.imposed_on.map(|i| ids[i].clone()),
            pressured: t.pressured,
            monitors: t.monitors.map(|a| self.p.actor_ids[a].clone()),
            margins: ids.iter().cloned().zip(t.margins).collect(),
            handed_over_km2: t.handed_over_km2,
        });
    }

    fn domain(&mut self, week: u32, domain: usize, held: bool) {
        let dom = &self.p.domains[domain];
        self.trace.domain_changes.push(DomainRecord {
            week,
            date: self.p.start.plus_weeks(week),
            domain: dom.id.clone(),
            holder: self.p.sides[dom.holder].id.clone(),
            held,
        });
    }

    fn moratorium(&mut self, week: u32, agreed: bool) {
        self.trace.moratoria.push(MoratoriumRecord { week, date: self.p.start.plus_weeks(week), agreed });
    }

    fn pause(&mut self, week: u32, agreed: bool) {
        self.trace.pauses.push(PauseRecord { week, date: self.p.start.plus_weeks(week), agreed });
    }

    fn corridor(&mut self, week: u32, opened: bool) {
        self.trace.corridors.push(CorridorRecord { week, date: self.p.start.plus_weeks(week), opened });
    }

    fn aim(&mut self, week: u32, actor: usize, issue: usize, red_line: f64) {
        self.trace.aims.push(AimRecord {
            week,
            date: self.p.start.plus_weeks(week),
            actor: self.p.actor_ids[actor].clone(),
            issue: self.p.issue_ids[issue].clone(),
            red_line,
            opening: self.p.red_line[actor * self.p.n_issues() + issue],
        });
    }

    fn objective(&mut self, week: u32, objective: usize, to: usize) {
        let o = &self.p.objectives[objective];
        let name = if o.name.is_empty() { &o.id } else { &o.name };
        self.trace.events.push(EventRecord {
            week,
            date: self.p.start.plus_weeks(week),
            kind: "Objective".into(),
            actor: None,
            note: format!("{name} falls to {}", self.p.sides[to].name),
        });
    }
}

/// Runs one traced simulation.
pub fn run_traced(p: &Params, seed: u64) -> Trace {
    let mut sim = crate::sim::Sim::new(p);
    let mut obs = TraceObserver::new(p, seed);
    let s = sim.run(seed, 0, &mut obs);
    obs.finish(&s, sim.terms())
}
