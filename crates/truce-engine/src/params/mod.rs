//! Compiled run parameters: what the weekly loop reads.
//!
//! [`Params`] holds plain numbers in struct-of-arrays layout, ids resolved to indices, dates
//! to week numbers, saliences normalised. [`Params::compile`] validates a [`Scenario`] and
//! builds them (`compile/`: one module per concern, the range checks from the parameter
//! catalogue); every problem carries the field's path (`actors.russia.capability`), which
//! [`crate::load`] turns into file:line:column. Parameter paths address single numbers for
//! ensembles: [`Params::resolve`] once, then [`Params::set`] per draw ([`Uncertainty`]).
//!
//! The weekly loop reads the fields directly; nothing here is consulted during a run.
//!
//! [`Scenario`]: crate::scenario::Scenario

mod compile;
mod uncertain;

pub use compile::MAX_HORIZON_WEEKS;
pub use uncertain::{compile_uncertainty, Uncertainty};

use crate::calendar::CivilDate;
use crate::catalogue::{self, ParamRef, Source, UnknownPath};
use crate::scenario::{CollectiveModel, EventKind, Role};

/// A problem found in a scenario: the field's dotted path and a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// Per-side parameters (two sides).
#[derive(Debug, Clone, PartialEq)]
pub struct SideParams {
    pub id: String,
    pub name: String,
    pub forces: f64,
    pub recruitment: f64,
    pub return_to_duty: f64,
    pub effectiveness: f64,
    pub economy: f64,
    pub recovery: f64,
    pub strike: f64,
    pub casualties_per_week: f64,
    pub war_cost_per_year: f64,
    pub aid_dependence: f64,
    /// Exponent added to the own-force exponent of this side's losses (Deitchman 1962).
    pub dispersal: f64,
    pub collapse_forces_fraction: f64,
    pub collapse_economy: f64,
    /// Effectiveness edges per year and the size of one (`docs/reference/front-dynamics.md`).
    pub edge_rate: f64,
    pub edge_size: f64,
    /// Mobilisation waves per year, personnel per wave, weeks over which a wave arrives.
    pub mobilisation_rate: f64,
    pub mobilisation_size: f64,
    pub mobilisation_weeks: f64,
    /// The economy's potential, its aid share, the drag of sanctions above the start's level.
    pub economy_potential: f64,
    pub economy_aid_dependence: f64,
    pub sanctions_drag: f64,
    /// Oil-revenue shocks per year, their size (points of E) and fade (weeks).
    pub oil_rate: f64,
    pub oil_size: f64,
    pub oil_weeks: f64,
    /// Share of effectiveness that depends on the economy; elasticity of the cost of war to it.
    pub economy_dependence: f64,
    pub economy_cost_elasticity: f64,
    /// Index of this side's belligerent actor.
    pub belligerent: usize,
    /// Prior belief.
    pub optimism: f64,
    pub confidence_weeks: f64,
    pub memory_weeks: f64,
}

/// A compiled scheduled event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub week: u32,
    pub kind: EventKind,
    pub actor: Option<usize>,
    pub side: Option<usize>,
    pub amount: f64,
    pub weeks: u32,
    pub credibility: f64,
    pub resolve: Option<f64>,
    pub optimism: Option<f64>,
    /// (issue, position) changes.
    pub positions: Vec<(usize, f64)>,
    pub anticipated: bool,
    /// An election of a belligerent: probability that a non-culpable successor takes over.
    pub turnover: f64,
    pub note: String,
    /// A `patron_roles` event: the new set of roles (bits of [`crate::scenario::PatronRole`]).
    pub roles: u8,
}

/// A patron's roles toward its client side, or a coalition partner's place on its own side
/// (`docs/reference/patrons.md`). A partner is an ally with a vote: its one role is
/// [`PatronRole::Ally`](crate::scenario::PatronRole) (in the war), and leaving ends it.
#[derive(Debug, Clone, PartialEq)]
pub struct PatronParams {
    /// The client side (a partner's own side).
    pub side: usize,
    /// Roles at the start (bits of [`crate::scenario::PatronRole`]).
    pub roles: u8,
    /// A coalition partner (a belligerent of the side), not a third party.
    pub partner: bool,
    /// Share of the side's pooled forces that leave with it (an ally's or a partner's).
    pub ally_share: f64,
    /// Economy (E) a week the client pays for the arms at the aid line's starting level.
    pub arms_cost: f64,
    /// As mediator: pull of the proposal toward its positions (0–1) and the utility added to
    /// its client's margins.
    pub pull: f64,
    pub leverage: f64,
    /// As supplier: the weight of its view in its client's decisions per unit of the share
    /// of the client's war effort its aid carries (0–1; 0: no say).
    pub aid_leverage: f64,
    /// As guarantor: the credibility of its guarantee (0–1).
    pub guarantee: f64,
    /// Yearly hazards: a supplier's cut-off, an ally's (or a partner's) exit.
    pub cutoff_per_year: f64,
    pub exit_per_year: f64,
    /// How the cut-off and exit hazards rise as the client loses: × exp(k · the share of the
    /// way from the start's line to the client's collapse line it has lost; 0: constant).
    pub loss_weight: f64,
    /// Yearly rate, at full ripeness, of taking the mediator's seat (× ripeness; 0: never).
    pub mediate_per_year: f64,
    /// Yearly rate of giving the seat back to the protocol's mediator, × (1 − ripeness)
    /// (0: only a scheduled event).
    pub leave_seat_per_year: f64,
    /// A partner's dependence on its side's lead (0–1) and the weight of the lead's view per
    /// unit of it: the partner's margins move `lead_leverage` × `dependence` of the way to
    /// its lead's (0: no pull).
    pub dependence: f64,
    pub lead_leverage: f64,
}

/// Mediator attention (`[mediation]`; `docs/reference/war-endings.md` §2).
#[derive(Debug, Clone, PartialEq)]
pub struct MediationParams {
    pub attention_start: f64,
    pub half_life_weeks: f64,
    pub threshold: f64,
    pub initiative_per_year: f64,
    pub failure_fatigue: f64,
    pub suspension_probability: f64,
    pub resume_line_points: f64,
}

/// Ripeness (`[ripeness]`; `docs/reference/war-endings.md` §1).
#[derive(Debug, Clone, PartialEq)]
pub struct RipenessParams {
    pub win_km2_per_week: f64,
    pub hurt_half_per_year: f64,
    pub audience_relief: f64,
    pub destruction_weight: f64,
}

/// One side's domestic politics (`[politics.<side>]`; `docs/reference/war-endings.md` §3).
#[derive(Debug, Clone, PartialEq)]
pub struct PoliticsParams {
    pub removal_per_year: f64,
    pub removal_loss_weight: f64,
    pub successor_audience: f64,
    pub successor_resolve: f64,
    pub gamble: f64,
    pub crisis_economy: f64,
    pub crisis_weight: f64,
    /// The weekly collapse hazard (`crate::objectives::collapse_rate`): the base rate per
    /// year and the weights of decline and of lost objectives; resolve lost per unit of
    /// objective value lost.
    pub collapse_per_year: f64,
    pub collapse_decline_weight: f64,
    pub collapse_objective_weight: f64,
    pub objective_resolve: f64,
    /// The weight of a misjudged balance in the collapse hazard.
    pub collapse_misjudgement_weight: f64,
    /// The weight of being outmatched in combat power at the front in the collapse hazard
    /// (`docs/reference/war-endings.md` §17); 0: none.
    pub collapse_imbalance_weight: f64,
    /// Aims that move (`crate::sim` `aims`): the yearly rate at which the side's red lines
    /// follow its expected fortunes (0: fixed), and the speed of climbing down relative to
    /// advancing for the leader who made them public.
    pub aims_per_year: f64,
    pub aims_retreat: f64,
    /// Entrenchment by costs paid (`docs/reference/war-endings.md` §12): the culpable
    /// leader's audience share × (1 + e · losses); 0: none.
    pub entrenchment: f64,
    /// Hope to outlast the other side (`docs/reference/war-endings.md` §16): the side's
    /// perceived stalemate × (1 − h), untouched by fighting; 0: none.
    pub outlast_hope: f64,
}

impl Default for PoliticsParams {
    /// No removal, no successor effect, no gamble, no crisis: the values of a side without a
    /// `[politics.<side>]` table.
    fn default() -> Self {
        PoliticsParams {
            removal_per_year: 0.0,
            removal_loss_weight: 0.0,
            successor_audience: 1.0,
            successor_resolve: 1.0,
            gamble: 0.0,
            crisis_economy: 0.0,
            crisis_weight: 0.0,
            collapse_per_year: 0.0,
            collapse_decline_weight: 0.0,
            collapse_objective_weight: 0.0,
            objective_resolve: 0.0,
            collapse_misjudgement_weight: 0.0,
            collapse_imbalance_weight: 0.0,
            aims_per_year: 0.0,
            aims_retreat: 1.0,
            entrenchment: 0.0,
            outlast_hope: 0.0,
        }
    }
}

/// Everything one run needs, as plain numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub name: String,
    pub start: CivilDate,
    pub horizon: u32,
    // Issues.
    pub issue_ids: Vec<String>,
    pub issue_names: Vec<String>,
    pub no_deal: Vec<f64>,
    pub power_shift: Vec<f64>,
    pub territorial: Option<usize>,
    /// Knots (index, km²), strictly increasing.
    pub km2_knots: Vec<(f64, f64)>,
    pub start_km2: f64,
    // Actors (struct of arrays; positions/saliences/red lines are actor-major a * m + k).
    pub actor_ids: Vec<String>,
    pub actor_names: Vec<String>,
    pub role: Vec<Role>,
    pub side_of: Vec<Option<usize>>,
    pub capability: Vec<f64>,
    pub veto: Vec<bool>,
    pub amends: Vec<bool>,
    pub position: Vec<f64>,
    /// Saliences on [0, 1] as given.
    pub salience: Vec<f64>,
    pub red_line: Vec<f64>,
    pub audience_cost: Vec<f64>,
    /// Actor's territorial red line is the current line of control.
    pub follows_line: Vec<bool>,
    pub resolve: Vec<f64>,
    pub risk: Vec<f64>,
    /// Aid: (receiving side, level, fatigue per year, stop hazard per year), or `None`.
    pub aid: Vec<Option<(usize, f64, f64, f64)>>,
    /// Per actor: its roles toward a side as a patron, or its place in a coalition
    /// (`[actors.patron]`, `[actors.coalition]`); `None` for every other actor.
    pub patron: Vec<Option<PatronParams>>,
    pub sides: [SideParams; 2],
    // Combat.
    pub exponent_p: f64,
    pub exponent_q: f64,
    pub casualty_noise: f64,
    pub calibrated_gain: f64,
    pub max_gain: f64,
    pub gain_steepness: f64,
    pub defender_advantage: f64,
    pub front_noise: f64,
    pub front_tail_dof: f64,
    /// Operational regimes and their hazards (`docs/reference/front-dynamics.md`).
    pub regimes: bool,
    pub offensive_start_per_year: f64,
    pub offensive_end_per_year: f64,
    pub regime_ratio_exponent: f64,
    pub positional_intensity: f64,
    pub attacker_loss_factor: f64,
    /// Culmination and recovery from it.
    pub culmination_per_1000_km2: f64,
    pub culmination_per_force_lost: f64,
    pub exhaustion_recovery_weeks: f64,
    /// Prepared defences.
    pub preparation_advantage: f64,
    pub preparation_weeks: f64,
    pub preparation_belt_km2: f64,
    /// Fade of an effectiveness edge (weeks).
    pub edge_weeks: f64,
    pub season: [f64; 12],
    // Intensity.
    pub fatigue_per_year: f64,
    pub escalation_probability: f64,
    pub escalation_pulse: f64,
    pub escalation_decay: f64,
    // Protocol.
    pub cadence: u32,
    /// Talk rounds a week with talks holds at most (`Sim::session`); 1: one round a week.
    pub rounds_per_week: u32,
    pub mediator: usize,
    pub acceptance_noise: f64,
    pub concession_rate: f64,
    pub momentum_hardening: f64,
    pub momentum_leverage: f64,
    pub valuation_horizon: f64,
    /// Share of the issues other than the line that fighting on is expected to decide
    /// (the rest stays at no deal): 0 values war by the line alone.
    pub war_stakes: f64,
    /// Share (0–1) of the belief gap that a war going on at the origin implies, applied to
    /// both sides' optimism (`Sim::origin_gap`); 0 switches the selection off.
    pub origin_selection: f64,
    /// Share (0–1) of each open political issue an armistice is expected to settle later at
    /// the compromise of current positions (`Sim::armistice_values`); the rest stays at no
    /// deal. 0: a freeze leaves the political issues at no deal forever.
    pub armistice_settles: f64,
    /// Share (0–1) of the concession rate that a failed round under an armistice carries
    /// (`sim/armistice.rs`); 1: as in a war.
    pub armistice_concession: f64,
    /// 1: a deal is weighed (by the mediator's Nash proposal and the votes) against the
    /// armistice where the freeze would be agreed if it failed, else against war (`Sim::talk`);
    /// 0: always against war (the engine before, bit for bit).
    pub deal_against_fallback: f64,
    pub amendment_strength: f64,
    pub collective_model: CollectiveModel,
    pub ceasefire_breakdown_per_year: f64,
    pub guarantee_breakdown_reduction: f64,
    pub guarantee_credibility: f64,
    pub guarantee_power: f64,
    pub commitment_discount: f64,
    pub ceasefire_shift_weight: f64,
    pub events: Vec<Event>,
    // Termination.
    pub collapse_second_km2: f64,
    pub collapse_first_km2: f64,
    pub low_activity_intensity: f64,
    pub low_activity_weeks: u32,
    pub low_activity_factor: f64,
    pub low_activity_onset_per_year: f64,
    pub flare_up_per_year: f64,
    pub flare_up_shift_weight: f64,
    // Ways out of the war.
    pub mediation: MediationParams,
    pub ripeness: RipenessParams,
    pub politics: [PoliticsParams; 2],
    /// Decisive places on the front (`[[objectives]]`), in file order; at most
    /// [`crate::objectives::MAX_OBJECTIVES`].
    pub objectives: Vec<Objective>,
    /// The terms of ceasefires (`[ceasefire_terms]`); `None`: a plain freeze, as before.
    pub ceasefire_terms: Option<CeasefireTerms>,
    /// A strike moratorium (`[strike_moratorium]`); `None`: strikes go on while the war does.
    pub strike_moratorium: Option<StrikeMoratorium>,
    /// A humanitarian pause (`[humanitarian_pause]`); `None`: no pause, as before.
    pub humanitarian_pause: Option<HumanitarianPause>,
    /// A trade corridor through a domain (`[trade_corridor]`); `None`: none, as before.
    pub trade_corridor: Option<TradeCorridor>,
    /// Theatres beside the front (`[[domains]]`; `sim/domains.rs`), in file order; at most
    /// [`MAX_DOMAINS`]. Empty: the front is the only theatre, as before.
    pub domains: Vec<Domain>,
}

/// The most `[[domains]]` a scenario may have (a run holds who controls them as bits of a
/// `u64`).
pub const MAX_DOMAINS: usize = 64;

/// A sea or air theatre (`[[domains]]`; `sim/domains.rs`): who holds it at the start, what
/// holding it cuts from the other side's supply, and how control changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Domain {
    /// Its id, for paths and the trace.
    pub id: String,
    /// Sea or air.
    pub kind: crate::scenario::DomainKind,
    /// The side (index) that holds it at the start and may lose and regain it.
    pub holder: usize,
    /// Share of the other side's reinforcements that do not reach the front while held.
    pub reinforcement_cut: f64,
    /// Share of the aid delivered to the other side that does not arrive while held.
    pub aid_cut: f64,
    /// Share of the other side's economic potential lost while held (trade, oil revenue).
    pub revenue_cut: f64,
    /// Air only: weekly reduction of the other side's E at intensity 1 while held.
    pub strike: f64,
    /// Hazards per year that the holder loses control, and regains it once lost.
    pub loss_per_year: f64,
    pub regain_per_year: f64,
}

/// A strike moratorium (`[strike_moratorium]`; `sim/truces.rs`): when both sides gain from one
/// and how fast it lapses.
#[derive(Debug, Clone, PartialEq)]
pub struct StrikeMoratorium {
    /// Weight of a loss to one's own economy against an equal loss inflicted.
    pub loss_weight: f64,
    /// Hazard per year that a moratorium in force lapses.
    pub breakdown_per_year: f64,
    /// Share of each side's strike damage it covers (its targets' share).
    pub scope: f64,
}

/// A humanitarian pause (`[humanitarian_pause]`; `sim/truces.rs`): a few days without
/// fighting, agreed by chance at a failed session of talks, that may break down day by day.
#[derive(Debug, Clone, PartialEq)]
pub struct HumanitarianPause {
    /// Probability that a session that agreed nothing agrees a pause (none in force).
    pub agree_probability: f64,
    /// Its length in days.
    pub days: u32,
    /// Hazard per day that it breaks down before its term.
    pub breakdown_per_day: f64,
    /// Share of the war's fighting that stops on the days it holds.
    pub scope: f64,
}

/// A trade corridor (`[trade_corridor]`; `sim/truces.rs`): a blockade partly lifted by
/// agreement while the war goes on, opened by chance at a failed session of talks.
#[derive(Debug, Clone, PartialEq)]
pub struct TradeCorridor {
    /// The domain (index in `Params::domains`) it runs through.
    pub domain: usize,
    /// Probability that a session that agreed nothing opens it (its domain held, none open).
    pub agree_probability: f64,
    /// Hazard per year that an open corridor closes.
    pub breakdown_per_year: f64,
    /// Share of the domain's revenue cut it lifts while open.
    pub scope: f64,
}

/// The terms of a ceasefire (`[ceasefire_terms]`; `sim/terms.rs`): when it counts as imposed
/// and what imposition and monitors do to its breakdown hazard.
#[derive(Debug, Clone, PartialEq)]
pub struct CeasefireTerms {
    /// Gap between the sides' freeze margins, in units of the acceptance noise, at which a
    /// ceasefire is imposed.
    pub imposed_gap: f64,
    /// Hazard multiplier of an imposed ceasefire.
    pub imposed_breakdown: f64,
    /// Hazard multiplier of a ceasefire a side accepted only under its patron mediator's
    /// pressure.
    pub pressured_breakdown: f64,
    /// The actor whose monitors deploy with every ceasefire.
    pub monitors: Option<usize>,
    /// Hazard multiplier while monitors are deployed.
    pub monitor_breakdown: f64,
    /// Share of the distance from the line to the winner's territorial position the winner
    /// demands under an imposed ceasefire (0: none).
    pub handover: f64,
}

/// A decisive place (`[[objectives]]`): held by the first side while the line is at or past
/// `km2`, by the second below it; its value (0–1) to each side.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    pub id: String,
    pub name: String,
    pub km2: f64,
    pub value: [f64; 2],
}

/// A parameter's guard ([`Params::guard`]): whole weeks rounded, then moved inside the
/// valid range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Guard {
    /// Whether the parameter counts whole weeks (rounded first).
    pub whole: bool,
    /// The range's floor and ceiling.
    pub bounds: catalogue::Bounds,
}

impl Guard {
    /// The guarded value of `v`.
    pub fn apply(&self, v: f64) -> f64 {
        self.bounds.apply(if self.whole { v.round() } else { v })
    }
}

impl Params {
    /// The number of actors.
    #[inline]
    pub fn n_actors(&self) -> usize {
        self.actor_ids.len()
    }
    /// The number of issues.
    #[inline]
    pub fn n_issues(&self) -> usize {
        self.issue_ids.len()
    }

    /// Effective force ratio of the first side over the second at the start: the front's
    /// calibration (`combat.calibrated_gain_km2_per_week`) is relative to it.
    pub fn start_force_ratio(&self) -> f64 {
        (self.sides[0].effectiveness * self.sides[0].forces) / (self.sides[1].effectiveness * self.sides[1].forces)
    }

    /// Every parameter path of this scenario, in catalogue order.
    pub fn paths(&self) -> Vec<String> {
        catalogue::instances(self).into_iter().map(|(_, p)| p).collect()
    }

    /// Resolves a dotted parameter path (`sides.ukraine.aid_dependence`).
    pub fn resolve(&self, path: &str) -> Result<ParamRef, UnknownPath> {
        catalogue::resolve(self, path)
    }

    /// The value a parameter has here, on the scenario's scale (saliences 0–100); NaN where
    /// this scenario has no such value.
    pub fn get(&self, r: ParamRef) -> f64 {
        r.param().value_in(self, r.ix()).unwrap_or(f64::NAN)
    }

    /// Writes a sampled value. `[uncertainty]` only admits distributions inside each
    /// parameter's valid range; as a guard, a value outside it is moved to the nearest valid
    /// one (whole weeks are rounded), so that a draw can never make a run invalid.
    pub fn set(&mut self, r: ParamRef, v: f64) {
        let g = self.guarded(r, v);
        self.write(r, g);
    }

    /// The value [`Params::set`] writes for `v`: rounded if the parameter counts whole
    /// weeks, moved inside its valid range (read against these parameters' territorial
    /// mapping where the range is relative to it).
    pub fn guarded(&self, r: ParamRef, v: f64) -> f64 {
        self.guard(r).apply(v)
    }

    /// What [`Params::guarded`] does to a value of `r`, computed once: a caller that guards
    /// many values of the same parameter applies it to each (the same result bit for bit).
    /// It depends on these parameters only when the range is relative to the territorial
    /// mapping ([`catalogue::Range::is_relative`]).
    pub fn guard(&self, r: ParamRef) -> Guard {
        let p = r.param();
        // Only ranges relative to the territorial mapping need it (this runs once per sampled
        // parameter per run).
        let frame = if p.range.is_relative() { self.frame() } else { catalogue::Frame::default() };
        Guard { whole: p.whole, bounds: p.range.bounds(&frame) }
    }

    /// Writes a value already [`Params::guarded`], without checking it again: the fast path
    /// of a particle filter that reloads the same particle's parameters every observed week.
    pub fn write(&mut self, r: ParamRef, guarded: f64) {
        if let Some(store) = r.param().store(self, r.ix()) {
            store.write(guarded);
        }
    }

    /// Index (0–100) of an area held by the first side, by the scenario's piecewise-linear map.
    pub fn km2_to_index(&self, km2: f64) -> f64 {
        interp(&self.km2_knots, km2, |k| k.1, |k| k.0)
    }

    /// Area held by the first side at an index.
    pub fn index_to_km2(&self, index: f64) -> f64 {
        interp(&self.km2_knots, index, |k| k.0, |k| k.1)
    }
}

fn interp(knots: &[(f64, f64)], x: f64, fx: impl Fn(&(f64, f64)) -> f64, fy: impl Fn(&(f64, f64)) -> f64) -> f64 {
    if knots.is_empty() {
        return x;
    }
    if x <= fx(&knots[0]) {
        return fy(&knots[0]);
    }
    for w in knots.windows(2) {
        let (x0, x1) = (fx(&w[0]), fx(&w[1]));
        if x <= x1 {
            let t = (x - x0) / (x1 - x0);
            return fy(&w[0]) + t * (fy(&w[1]) - fy(&w[0]));
        }
    }
    fy(&knots[knots.len() - 1])
}
