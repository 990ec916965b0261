//! Compiling a [`Scenario`] into flat run parameters, with semantic validation.
//!
//! [`Params`] is what the weekly loop reads: plain numbers in struct-of-arrays layout, ids
//! resolved to indices, dates to week numbers, saliences normalised. Every check that a
//! scenario must pass lives here and reports the field's path (`actors.russia.capability`)
//! and what was expected; [`crate::check`] turns paths into file:line:column.
//!
//! Parameter paths also address single numbers for ensembles: [`Params::slot`] resolves a
//! path once, [`Params::set`] writes a sampled value.

use crate::calendar::CivilDate;
use crate::scenario::{CollectiveModel, EventKind, Num, Role, Scenario};

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
    pub collapse_forces_fraction: f64,
    pub collapse_economy: f64,
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
    pub note: String,
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
    pub season: [f64; 12],
    // Intensity.
    pub fatigue_per_year: f64,
    pub escalation_probability: f64,
    pub escalation_pulse: f64,
    pub escalation_decay: f64,
    // Protocol.
    pub cadence: u32,
    pub mediator: usize,
    pub acceptance_noise: f64,
    pub concession_rate: f64,
    pub momentum_hardening: f64,
    pub momentum_leverage: f64,
    pub valuation_horizon: f64,
    pub amendment_strength: f64,
    pub collective_model: CollectiveModel,
    pub ceasefire_breakdown_per_year: f64,
    pub guarantee_breakdown_reduction: f64,
    pub guarantee_credibility: f64,
    pub guarantee_power: f64,
    pub commitment_discount: f64,
    pub events: Vec<Event>,
    // Termination.
    pub collapse_second_km2: f64,
    pub collapse_first_km2: f64,
    pub low_activity_intensity: f64,
    pub low_activity_weeks: u32,
}

/// A resolved parameter path (see [`Params::slot`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Scalar(ScalarField),
    Side(usize, SideField),
    Actor(usize, ActorField),
    ActorIssue(usize, usize, ActorIssueField),
    Issue(usize, IssueField),
    Season(usize),
}

/// Scenario-wide numbers addressable by path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarField {
    ExponentP,
    ExponentQ,
    CasualtyNoise,
    CalibratedGain,
    MaxGain,
    GainSteepness,
    DefenderAdvantage,
    FrontNoise,
    FrontTailDof,
    FatiguePerYear,
    EscalationProbability,
    EscalationPulse,
    EscalationDecay,
    AcceptanceNoise,
    ConcessionRate,
    MomentumHardening,
    MomentumLeverage,
    ValuationHorizon,
    AmendmentStrength,
    CeasefireBreakdown,
    GuaranteeBreakdownReduction,
    GuaranteeCredibility,
    GuaranteePower,
    CommitmentDiscount,
    StartKm2,
}

const SCALARS: &[(&str, ScalarField)] = &[
    ("combat.exponent_p", ScalarField::ExponentP),
    ("combat.exponent_q", ScalarField::ExponentQ),
    ("combat.casualty_noise", ScalarField::CasualtyNoise),
    ("combat.calibrated_gain_km2_per_week", ScalarField::CalibratedGain),
    ("combat.max_gain_km2_per_week", ScalarField::MaxGain),
    ("combat.gain_steepness", ScalarField::GainSteepness),
    ("combat.defender_advantage", ScalarField::DefenderAdvantage),
    ("combat.front_noise_km2", ScalarField::FrontNoise),
    ("combat.front_tail_dof", ScalarField::FrontTailDof),
    ("intensity.fatigue_per_year", ScalarField::FatiguePerYear),
    ("intensity.escalation_probability", ScalarField::EscalationProbability),
    ("intensity.escalation_pulse", ScalarField::EscalationPulse),
    ("intensity.escalation_decay", ScalarField::EscalationDecay),
    ("protocol.acceptance_noise", ScalarField::AcceptanceNoise),
    ("protocol.concession_rate", ScalarField::ConcessionRate),
    ("protocol.momentum_hardening", ScalarField::MomentumHardening),
    ("protocol.momentum_leverage", ScalarField::MomentumLeverage),
    ("protocol.valuation_horizon_weeks", ScalarField::ValuationHorizon),
    ("protocol.amendment_strength", ScalarField::AmendmentStrength),
    ("protocol.ceasefire_breakdown_per_year", ScalarField::CeasefireBreakdown),
    ("protocol.guarantee_breakdown_reduction", ScalarField::GuaranteeBreakdownReduction),
    ("protocol.guarantee_credibility", ScalarField::GuaranteeCredibility),
    ("protocol.guarantee_power", ScalarField::GuaranteePower),
    ("protocol.commitment_discount", ScalarField::CommitmentDiscount),
];

/// Side numbers addressable as `sides.<id>.<field>` (and `beliefs.<id>.<field>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideField {
    Forces,
    Recruitment,
    ReturnToDuty,
    Effectiveness,
    Economy,
    Recovery,
    Strike,
    CasualtiesPerWeek,
    WarCostPerYear,
    AidDependence,
    CollapseForces,
    CollapseEconomy,
    Optimism,
    Confidence,
    Memory,
}

const SIDE_FIELDS: &[(&str, SideField)] = &[
    ("forces", SideField::Forces),
    ("recruitment_per_week", SideField::Recruitment),
    ("return_to_duty", SideField::ReturnToDuty),
    ("effectiveness", SideField::Effectiveness),
    ("economy", SideField::Economy),
    ("economy_recovery_per_week", SideField::Recovery),
    ("strike_capacity", SideField::Strike),
    ("casualties_per_week", SideField::CasualtiesPerWeek),
    ("war_cost_per_year", SideField::WarCostPerYear),
    ("aid_dependence", SideField::AidDependence),
    ("collapse_forces_fraction", SideField::CollapseForces),
    ("collapse_economy", SideField::CollapseEconomy),
];

const BELIEF_FIELDS: &[(&str, SideField)] = &[
    ("optimism_km2_per_week", SideField::Optimism),
    ("confidence_weeks", SideField::Confidence),
    ("memory_weeks", SideField::Memory),
];

/// Actor numbers addressable as `actors.<id>.<field>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorField {
    Capability,
    Resolve,
    Risk,
    AidLevel,
    AidFatigue,
    AidStopHazard,
}

/// Actor × issue numbers addressable as `actors.<id>.positions.<issue>` etc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorIssueField {
    Position,
    Salience,
    RedLine,
    AudienceCost,
}

/// Issue numbers addressable as `issues.<id>.<field>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueField {
    NoDeal,
    PowerShift,
}

fn num(v: &Num) -> f64 {
    v.value
}

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem { path: path.into(), message: message.into() });
    }
    fn range(&mut self, path: &str, v: f64, lo: f64, hi: f64, what: &str) -> f64 {
        if !(v >= lo && v <= hi) {
            self.fail(path, format!("{v} is out of range; expected {what}"));
        }
        v
    }
    fn positive(&mut self, path: &str, v: f64) -> f64 {
        if !(v > 0.0 && v.is_finite()) {
            self.fail(path, format!("{v} is out of range; expected a number > 0"));
        }
        v
    }
    fn nonneg(&mut self, path: &str, v: f64) -> f64 {
        if !(v >= 0.0 && v.is_finite()) {
            self.fail(path, format!("{v} is out of range; expected a number ≥ 0"));
        }
        v
    }
}

fn parse_date(d: &crate::scenario::Date) -> Option<CivilDate> {
    let date = d.date?;
    if d.time.is_some() {
        return None;
    }
    let c = CivilDate { year: date.year as i32, month: date.month as u32, day: date.day as u32 };
    c.is_valid().then_some(c)
}

impl Params {
    /// Validates a scenario and compiles it. All problems are reported at once.
    pub fn compile(s: &Scenario) -> Result<Params, Vec<Problem>> {
        let mut c = Checker { problems: Vec::new() };
        let start = parse_date(&s.scenario.start).unwrap_or_else(|| {
            c.fail("scenario.start", "expected a date such as 2025-12-03");
            CivilDate { year: 2000, month: 1, day: 1 }
        });
        let horizon = s.scenario.horizon_weeks;
        if horizon == 0 || horizon > 5200 {
            c.fail("scenario.horizon_weeks", format!("{horizon} is out of range; expected 1–5200 weeks"));
        }
        // Issues.
        let m = s.issues.len();
        if m == 0 {
            c.fail("issues", "a scenario needs at least one issue");
        }
        let mut issue_ids: Vec<String> = Vec::new();
        let mut territorial = None;
        let mut no_deal = Vec::new();
        let mut power_shift = Vec::new();
        let mut km2_knots = Vec::new();
        let mut start_km2 = 0.0;
        for (k, is) in s.issues.iter().enumerate() {
            let p = format!("issues.{}", is.id);
            if is.id.is_empty() {
                c.fail(format!("issues[{k}].id"), "empty id");
            }
            if issue_ids.contains(&is.id) {
                c.fail(format!("{p}.id"), format!("duplicate issue id `{}`", is.id));
            }
            issue_ids.push(is.id.clone());
            let nd = is.no_deal.as_ref().map(num).unwrap_or(f64::NAN);
            if is.territorial {
                if territorial.is_some() {
                    c.fail(format!("{p}.territorial"), "only one issue may be territorial");
                }
                territorial = Some(k);
                if is.km2.len() < 2 {
                    c.fail(format!("{p}.km2"), "a territorial issue needs a km² mapping: at least two knots `[index, km²]`, e.g. km2 = [[0, 0], [100, 135800]]");
                } else {
                    for w in is.km2.windows(2) {
                        if !(w[1][0] > w[0][0] && w[1][1] > w[0][1]) {
                            c.fail(format!("{p}.km2"), "knots must increase strictly in both index and km²");
                        }
                    }
                    let (lo, hi) = (is.km2[0], is.km2[is.km2.len() - 1]);
                    if lo[0] != 0.0 || hi[0] != 100.0 {
                        c.fail(format!("{p}.km2"), "the knots must run from index 0 to index 100");
                    }
                    km2_knots = is.km2.iter().map(|k| (k[0], k[1])).collect();
                    match &is.start_km2 {
                        Some(v) => {
                            start_km2 = c.range(
                                &format!("{p}.start_km2"),
                                v.value,
                                lo[1],
                                hi[1],
                                &format!("km² within the mapping [{}, {}]", lo[1], hi[1]),
                            )
                        }
                        None => c.fail(
                            format!("{p}.start_km2"),
                            "a territorial issue needs start_km2, the area the first side holds at the start",
                        ),
                    }
                }
            } else {
                if !is.km2.is_empty() || is.start_km2.is_some() {
                    c.fail(
                        format!("{p}.km2"),
                        "km2 and start_km2 apply only to the territorial issue (set territorial = true)",
                    );
                }
                match &is.no_deal {
                    Some(v) => {
                        c.range(&format!("{p}.no_deal"), v.value, 0.0, 100.0, "a number in [0, 100]");
                    }
                    None => c.fail(format!("{p}.no_deal"), "missing: the issue's value without a deal (0–100)"),
                }
            }
            no_deal.push(nd);
            power_shift.push(is.power_shift.as_ref().map(num).unwrap_or(0.0));
        }
        let issue_index = |c: &mut Checker, path: &str, id: &str| -> Option<usize> {
            let r = issue_ids.iter().position(|x| x == id);
            if r.is_none() {
                c.fail(path, format!("unknown issue `{id}`{}", crate::suggest::did_you_mean(id, issue_ids.iter().map(String::as_str))));
            }
            r
        };
        // Sides.
        let mut side_ids: Vec<String> = Vec::new();
        if s.sides.len() != 2 {
            c.fail("sides", format!("{} side(s) given; expected exactly 2 belligerent sides", s.sides.len()));
        }
        for (i, sd) in s.sides.iter().enumerate() {
            if side_ids.contains(&sd.id) {
                c.fail(format!("sides.{}.id", sd.id), format!("duplicate side id `{}`", sd.id));
            }
            if sd.id.is_empty() {
                c.fail(format!("sides[{i}].id"), "empty id");
            }
            side_ids.push(sd.id.clone());
        }
        let side_index = |c: &mut Checker, path: &str, id: &str| -> Option<usize> {
            let r = side_ids.iter().position(|x| x == id);
            if r.is_none() {
                c.fail(path, format!("unknown side `{id}`{}", crate::suggest::did_you_mean(id, side_ids.iter().map(String::as_str))));
            }
            r
        };
        // Actors.
        let n = s.actors.len();
        let mut actor_ids: Vec<String> = Vec::new();
        let mut actor_names = Vec::new();
        let mut role = Vec::new();
        let mut side_of = Vec::new();
        let mut capability = Vec::new();
        let mut veto = Vec::new();
        let mut amends = Vec::new();
        let mut position = vec![50.0; n * m];
        let mut salience = vec![0.0; n * m];
        let mut red_line = vec![f64::NAN; n * m];
        let mut audience_cost = vec![0.0; n * m];
        let mut follows_line = vec![false; n];
        let mut resolve = Vec::new();
        let mut risk = Vec::new();
        let mut aid = Vec::new();
        for (a, ac) in s.actors.iter().enumerate() {
            let p = format!("actors.{}", ac.id);
            if ac.id.is_empty() {
                c.fail(format!("actors[{a}].id"), "empty id");
            }
            if actor_ids.contains(&ac.id) {
                c.fail(format!("{p}.id"), format!("duplicate actor id `{}`", ac.id));
            }
            actor_ids.push(ac.id.clone());
            actor_names.push(if ac.name.is_empty() { ac.id.clone() } else { ac.name.clone() });
            role.push(ac.role);
            let sd = match &ac.side {
                Some(sid) => side_index(&mut c, &format!("{p}.side"), sid),
                None => {
                    if matches!(ac.role, Role::Belligerent | Role::Supporter) {
                        c.fail(format!("{p}.side"), "belligerents and supporters need a side");
                    }
                    None
                }
            };
            side_of.push(sd);
            capability.push(c.nonneg(&format!("{p}.capability"), ac.capability.value));
            veto.push(ac.veto);
            amends.push(ac.amends);
            resolve.push(c.positive(&format!("{p}.resolve"), ac.resolve.value));
            risk.push(c.range(&format!("{p}.risk"), ac.risk.value, -1.0, 1.0, "a number in [−1, 1]"));
            for (iid, v) in &ac.positions {
                if let Some(k) = issue_index(&mut c, &format!("{p}.positions.{iid}"), iid) {
                    position[a * m + k] =
                        c.range(&format!("{p}.positions.{iid}"), v.value, 0.0, 100.0, "a position in [0, 100]");
                }
            }
            for (k, iid) in issue_ids.iter().enumerate() {
                if !ac.positions.contains_key(iid) {
                    c.fail(format!("{p}.positions"), format!("missing the position on issue `{iid}`"));
                }
                let _ = k;
            }
            for (iid, v) in &ac.saliences {
                if let Some(k) = issue_index(&mut c, &format!("{p}.saliences.{iid}"), iid) {
                    salience[a * m + k] =
                        c.range(&format!("{p}.saliences.{iid}"), v.value, 0.0, 100.0, "a salience in [0, 100]") / 100.0;
                }
            }
            for (iid, rl) in &ac.red_lines {
                if let Some(k) = issue_index(&mut c, &format!("{p}.red_lines.{iid}"), iid) {
                    if rl.follows_line {
                        if !s.issues[k].territorial {
                            c.fail(
                                format!("{p}.red_lines.{iid}.follows_line"),
                                "only the territorial issue's red line can follow the line of control",
                            );
                        }
                        follows_line[a] = true;
                    } else {
                        match &rl.at {
                            Some(at) => {
                                red_line[a * m + k] = c.range(
                                    &format!("{p}.red_lines.{iid}.at"),
                                    at.value,
                                    0.0,
                                    100.0,
                                    "a position in [0, 100]",
                                )
                            }
                            None => c.fail(
                                format!("{p}.red_lines.{iid}"),
                                "missing `at` (or set follows_line = true on the territorial issue)",
                            ),
                        }
                    }
                    audience_cost[a * m + k] =
                        c.nonneg(&format!("{p}.red_lines.{iid}.audience_cost"), rl.audience_cost.value);
                }
            }
            match &ac.aid {
                Some(ad) => {
                    if ac.role != Role::Supporter && ac.role != Role::Mediator {
                        c.fail(format!("{p}.aid"), "only supporters and mediators give aid");
                    }
                    let to = side_index(&mut c, &format!("{p}.aid.to"), &ad.to).unwrap_or(0);
                    aid.push(Some((
                        to,
                        c.nonneg(&format!("{p}.aid.level"), ad.level.value),
                        c.range(
                            &format!("{p}.aid.fatigue_per_year"),
                            ad.fatigue_per_year.value,
                            0.0,
                            1.0,
                            "a share in [0, 1]",
                        ),
                        c.range(
                            &format!("{p}.aid.stop_hazard_per_year"),
                            ad.stop_hazard_per_year.value,
                            0.0,
                            1.0,
                            "a probability in [0, 1]",
                        ),
                    )));
                }
                None => aid.push(None),
            }
        }
        let actor_index = |c: &mut Checker, path: &str, id: &str| -> Option<usize> {
            let r = actor_ids.iter().position(|x| x == id);
            if r.is_none() {
                c.fail(path, format!("unknown actor `{id}`{}", crate::suggest::did_you_mean(id, actor_ids.iter().map(String::as_str))));
            }
            r
        };
        // Sides compiled, each with one belligerent actor.
        let mut sides_v = Vec::new();
        for (i, sd) in s.sides.iter().enumerate().take(2) {
            let p = format!("sides.{}", sd.id);
            let bell: Vec<usize> = (0..n).filter(|&a| role[a] == Role::Belligerent && side_of[a] == Some(i)).collect();
            if bell.len() != 1 {
                c.fail(&p, format!("{} belligerent actor(s) on side `{}`; expected exactly one", bell.len(), sd.id));
            }
            let b = s.beliefs.get(&sd.id);
            let (opt, conf, mem) = match b {
                Some(b) => (
                    b.optimism_km2_per_week.value,
                    c.positive(&format!("beliefs.{}.confidence_weeks", sd.id), b.confidence_weeks.value),
                    c.range(&format!("beliefs.{}.memory_weeks", sd.id), b.memory_weeks.value, 1.0, 1e6, "weeks ≥ 1"),
                ),
                None => (0.0, 26.0, 52.0),
            };
            sides_v.push(SideParams {
                id: sd.id.clone(),
                name: if sd.name.is_empty() { sd.id.clone() } else { sd.name.clone() },
                forces: c.positive(&format!("{p}.forces"), sd.forces.value),
                recruitment: c.nonneg(&format!("{p}.recruitment_per_week"), sd.recruitment_per_week.value),
                return_to_duty: c.range(
                    &format!("{p}.return_to_duty"),
                    sd.return_to_duty.value,
                    0.0,
                    0.99,
                    "a share in [0, 0.99]",
                ),
                effectiveness: c.positive(&format!("{p}.effectiveness"), sd.effectiveness.value),
                economy: c.range(&format!("{p}.economy"), sd.economy.value, 0.01, 1.0, "a number in (0, 1]"),
                recovery: c.range(
                    &format!("{p}.economy_recovery_per_week"),
                    sd.economy_recovery_per_week.value,
                    0.0,
                    1.0,
                    "a share in [0, 1]",
                ),
                strike: c.range(
                    &format!("{p}.strike_capacity"),
                    sd.strike_capacity.value,
                    0.0,
                    1.0,
                    "a share in [0, 1]",
                ),
                casualties_per_week: c.positive(&format!("{p}.casualties_per_week"), sd.casualties_per_week.value),
                war_cost_per_year: c.nonneg(&format!("{p}.war_cost_per_year"), sd.war_cost_per_year.value),
                aid_dependence: c.range(
                    &format!("{p}.aid_dependence"),
                    sd.aid_dependence.value,
                    0.0,
                    1.0,
                    "a share in [0, 1]",
                ),
                collapse_forces_fraction: c.range(
                    &format!("{p}.collapse_forces_fraction"),
                    sd.collapse_forces_fraction.value,
                    0.0,
                    1.0,
                    "a share in [0, 1]",
                ),
                collapse_economy: c.range(
                    &format!("{p}.collapse_economy"),
                    sd.collapse_economy.value,
                    0.0,
                    1.0,
                    "a number in [0, 1]",
                ),
                belligerent: bell.first().copied().unwrap_or(0),
                optimism: opt,
                confidence_weeks: conf,
                memory_weeks: mem,
            });
        }
        for key in s.beliefs.keys() {
            side_index(&mut c, &format!("beliefs.{key}"), key);
        }
        while sides_v.len() < 2 {
            sides_v.push(sides_v.first().cloned().unwrap_or_else(|| SideParams {
                id: String::new(),
                name: String::new(),
                forces: 1.0,
                recruitment: 0.0,
                return_to_duty: 0.0,
                effectiveness: 1.0,
                economy: 1.0,
                recovery: 0.0,
                strike: 0.0,
                casualties_per_week: 1.0,
                war_cost_per_year: 0.0,
                aid_dependence: 0.0,
                collapse_forces_fraction: 0.0,
                collapse_economy: 0.0,
                belligerent: 0,
                optimism: 0.0,
                confidence_weeks: 1.0,
                memory_weeks: 1.0,
            }));
        }
        let sides: [SideParams; 2] = [sides_v[0].clone(), sides_v[1].clone()];
        if territorial.is_none() && m > 0 {
            c.fail(
                "issues",
                "one issue must be territorial (territorial = true) so that the battlefield moves its status quo",
            );
        }
        // Combat.
        let cb = &s.combat;
        let season: Vec<f64> = s.seasonality.monthly.clone();
        if season.len() != 12 || season.iter().any(|v| !(*v >= 0.0 && v.is_finite())) {
            c.fail("seasonality.monthly", "expected 12 non-negative multipliers, January first");
        }
        let mut season_arr = [1.0; 12];
        for (i, v) in season.iter().take(12).enumerate() {
            season_arr[i] = *v;
        }
        // Protocol.
        let pr = &s.protocol;
        if pr.cadence_weeks == 0 {
            c.fail("protocol.cadence_weeks", "0 is out of range; expected at least 1 week");
        }
        let mediator = actor_index(&mut c, "protocol.mediator", &pr.mediator).unwrap_or(0);
        for (i, v) in pr.veto.iter().enumerate() {
            if let Some(a) = actor_index(&mut c, &format!("protocol.veto[{i}]"), v) {
                veto[a] = true;
            }
        }
        if pr.veto.is_empty() {
            for a in 0..n {
                if role[a] == Role::Belligerent {
                    veto[a] = true;
                }
            }
        }
        // Events.
        let mut events = Vec::new();
        for (i, e) in s.events.iter().enumerate() {
            let p = format!("events[{i}]");
            let Some(date) = parse_date(&e.date) else {
                c.fail(format!("{p}.date"), "expected a date such as 2026-03-01");
                continue;
            };
            let days = date.to_days() - start.to_days();
            if days < 0 {
                c.fail(format!("{p}.date"), format!("{date} is before the scenario start {start}"));
                continue;
            }
            let week = (days / 7) as u32;
            let actor = e.actor.as_ref().and_then(|a| actor_index(&mut c, &format!("{p}.actor"), a));
            let side = e.side.as_ref().and_then(|sd| side_index(&mut c, &format!("{p}.side"), sd));
            let needs_actor = matches!(
                e.kind,
                EventKind::AidPackage
                    | EventKind::AidStop
                    | EventKind::AidLevel
                    | EventKind::Election
                    | EventKind::LeadershipChange
            );
            if needs_actor && e.actor.is_none() {
                c.fail(format!("{p}.actor"), format!("a `{:?}` event needs an actor", e.kind).to_lowercase());
            }
            if matches!(e.kind, EventKind::AidPackage | EventKind::AidStop | EventKind::AidLevel) {
                if let Some(a) = actor {
                    if aid[a].is_none() {
                        c.fail(
                            format!("{p}.actor"),
                            format!("actor `{}` gives no aid (no [actors.aid] table)", actor_ids[a]),
                        );
                    }
                }
            }
            if e.kind == EventKind::Offensive && e.side.is_none() {
                c.fail(format!("{p}.side"), "an offensive needs a side");
            }
            let amount = e.amount.as_ref().map(num).unwrap_or(match e.kind {
                EventKind::Offensive => 1.3,
                _ => 0.0,
            });
            if matches!(e.kind, EventKind::AidPackage | EventKind::AidLevel | EventKind::Offensive)
                && e.amount.is_none()
            {
                c.fail(format!("{p}.amount"), "missing: this event needs an amount");
            }
            let credibility = e.credibility.as_ref().map(num).unwrap_or(0.0);
            c.range(&format!("{p}.credibility"), credibility, 0.0, 1.0, "a number in [0, 1]");
            let mut positions = Vec::new();
            for (iid, v) in &e.positions {
                if let Some(k) = issue_index(&mut c, &format!("{p}.positions.{iid}"), iid) {
                    positions.push((
                        k,
                        c.range(&format!("{p}.positions.{iid}"), v.value, 0.0, 100.0, "a position in [0, 100]"),
                    ));
                }
            }
            events.push(Event {
                week,
                kind: e.kind,
                actor,
                side,
                amount,
                weeks: e.weeks.unwrap_or(8),
                credibility,
                resolve: e.resolve.as_ref().map(num),
                optimism: e.optimism_km2_per_week.as_ref().map(num),
                positions,
                anticipated: e.anticipated,
                note: e.note.clone().unwrap_or_default(),
            });
        }
        events.sort_by_key(|e| e.week);
        let t = &s.termination;
        let (kmin, kmax) = (km2_knots.first().map_or(0.0, |k| k.1), km2_knots.last().map_or(1.0, |k| k.1));
        let collapse_second_km2 = t.collapse_second_km2.as_ref().map_or(f64::INFINITY, num);
        let collapse_first_km2 = t.collapse_first_km2.as_ref().map_or(f64::NEG_INFINITY, num);
        if collapse_second_km2.is_finite() && !(collapse_second_km2 > start_km2 && collapse_second_km2 <= kmax) {
            c.fail(
                "termination.collapse_second_km2",
                format!(
                    "{collapse_second_km2} is out of range; expected above start_km2 ({start_km2}) and at most {kmax}"
                ),
            );
        }
        if collapse_first_km2.is_finite() && !(collapse_first_km2 < start_km2 && collapse_first_km2 >= kmin) {
            c.fail(
                "termination.collapse_first_km2",
                format!(
                    "{collapse_first_km2} is out of range; expected below start_km2 ({start_km2}) and at least {kmin}"
                ),
            );
        }
        let params = Params {
            name: s.scenario.name.clone(),
            start,
            horizon,
            issue_names: s
                .issues
                .iter()
                .map(|i| if i.name.is_empty() { i.id.clone() } else { i.name.clone() })
                .collect(),
            issue_ids,
            no_deal,
            power_shift,
            territorial,
            km2_knots,
            start_km2,
            actor_ids,
            actor_names,
            role,
            side_of,
            capability,
            veto,
            amends,
            position,
            salience,
            red_line,
            audience_cost,
            follows_line,
            resolve,
            risk,
            aid,
            sides,
            exponent_p: c.range("combat.exponent_p", cb.exponent_p.value, 0.0, 2.0, "a number in [0, 2]"),
            exponent_q: c.range("combat.exponent_q", cb.exponent_q.value, 0.0, 2.0, "a number in [0, 2]"),
            casualty_noise: c.range("combat.casualty_noise", cb.casualty_noise.value, 0.0, 2.0, "a number in [0, 2]"),
            calibrated_gain: cb.calibrated_gain_km2_per_week.value,
            max_gain: c.positive("combat.max_gain_km2_per_week", cb.max_gain_km2_per_week.value),
            gain_steepness: c.positive("combat.gain_steepness", cb.gain_steepness.value),
            defender_advantage: c.range(
                "combat.defender_advantage",
                cb.defender_advantage.value,
                1.0,
                10.0,
                "a number in [1, 10]",
            ),
            front_noise: c.nonneg("combat.front_noise_km2", cb.front_noise_km2.value),
            front_tail_dof: c.range(
                "combat.front_tail_dof",
                cb.front_tail_dof.value,
                1.0,
                1000.0,
                "a number in [1, 1000]",
            ),
            season: season_arr,
            fatigue_per_year: c.range(
                "intensity.fatigue_per_year",
                s.intensity.fatigue_per_year.value,
                0.0,
                1.0,
                "a share in [0, 1]",
            ),
            escalation_probability: c.range(
                "intensity.escalation_probability",
                s.intensity.escalation_probability.value,
                0.0,
                1.0,
                "a probability in [0, 1]",
            ),
            escalation_pulse: c.nonneg("intensity.escalation_pulse", s.intensity.escalation_pulse.value),
            escalation_decay: c.range(
                "intensity.escalation_decay",
                s.intensity.escalation_decay.value,
                0.0,
                1.0,
                "a factor in [0, 1]",
            ),
            cadence: pr.cadence_weeks.max(1),
            mediator,
            acceptance_noise: c.positive("protocol.acceptance_noise", pr.acceptance_noise.value),
            concession_rate: c.range(
                "protocol.concession_rate",
                pr.concession_rate.value,
                0.0,
                1.0,
                "a share in [0, 1]",
            ),
            momentum_hardening: c.nonneg("protocol.momentum_hardening", pr.momentum_hardening.value),
            momentum_leverage: c.nonneg("protocol.momentum_leverage", pr.momentum_leverage.value),
            valuation_horizon: c.range(
                "protocol.valuation_horizon_weeks",
                pr.valuation_horizon_weeks.value,
                1.0,
                520.0,
                "weeks in [1, 520]",
            ),
            amendment_strength: c.range(
                "protocol.amendment_strength",
                pr.amendment_strength.value,
                0.0,
                1.0,
                "a share in [0, 1]",
            ),
            collective_model: pr.collective_model,
            ceasefire_breakdown_per_year: c.range(
                "protocol.ceasefire_breakdown_per_year",
                pr.ceasefire_breakdown_per_year.value,
                0.0,
                1.0,
                "a probability in [0, 1]",
            ),
            guarantee_breakdown_reduction: c.range(
                "protocol.guarantee_breakdown_reduction",
                pr.guarantee_breakdown_reduction.value,
                0.0,
                1.0,
                "a share in [0, 1]",
            ),
            guarantee_credibility: c.range(
                "protocol.guarantee_credibility",
                pr.guarantee_credibility.value,
                0.0,
                1.0,
                "a number in [0, 1]",
            ),
            guarantee_power: c.range(
                "protocol.guarantee_power",
                pr.guarantee_power.value,
                0.0,
                1.0,
                "probability points in [0, 1]",
            ),
            commitment_discount: c.range(
                "protocol.commitment_discount",
                pr.commitment_discount.value,
                0.0,
                0.9999,
                "a factor in [0, 1)",
            ),
            events,
            collapse_second_km2,
            collapse_first_km2,
            low_activity_intensity: c.nonneg("termination.low_activity_intensity", t.low_activity_intensity.value),
            low_activity_weeks: t.low_activity_weeks.max(1),
        };
        // Saliences must not all be zero for an actor.
        for a in 0..n {
            if (0..m).all(|k| params.salience[a * m + k] == 0.0) && m > 0 {
                c.fail(
                    format!("actors.{}.saliences", params.actor_ids[a]),
                    "every salience is 0 (or missing); give at least one issue a positive salience",
                );
            }
        }
        // The calibration must be reachable from the starting force ratio.
        if c.problems.is_empty() {
            let r0 = params.start_force_ratio();
            let d = params.defender_advantage;
            if params.calibrated_gain > 0.0 && r0 <= d {
                c.fail("combat.calibrated_gain_km2_per_week", format!("a positive gain needs the first side's effective force ratio ({r0:.3}) above combat.defender_advantage ({d})"));
            }
            if params.calibrated_gain < 0.0 && r0 >= 1.0 / d {
                c.fail("combat.calibrated_gain_km2_per_week", format!("a negative gain needs the first side's effective force ratio ({r0:.3}) below 1 / combat.defender_advantage ({:.3})", 1.0 / d));
            }
        }
        // Uncertainty paths must exist.
        for path in s.uncertainty.keys() {
            if params.slot(path).is_none() {
                c.fail(
                    format!("uncertainty.{path}"),
                    format!(
                        "unknown parameter path `{path}`{}",
                        crate::suggest::did_you_mean(path, params.paths().iter().map(String::as_str).collect::<Vec<_>>())
                    ),
                );
            }
        }
        if c.problems.is_empty() {
            Ok(params)
        } else {
            Err(c.problems)
        }
    }

    /// Effective force ratio of the first side over the second at the start: the front's
    /// calibration (`combat.calibrated_gain_km2_per_week`) is relative to it.
    pub fn start_force_ratio(&self) -> f64 {
        (self.sides[0].effectiveness * self.sides[0].forces) / (self.sides[1].effectiveness * self.sides[1].forces)
    }

    pub fn n_actors(&self) -> usize {
        self.actor_ids.len()
    }
    pub fn n_issues(&self) -> usize {
        self.issue_ids.len()
    }

    /// Every addressable parameter path.
    pub fn paths(&self) -> Vec<String> {
        let mut v: Vec<String> = SCALARS.iter().map(|s| s.0.to_string()).collect();
        if let Some(k) = self.territorial {
            v.push(format!("issues.{}.start_km2", self.issue_ids[k]));
        }
        for s in &self.sides {
            v.extend(SIDE_FIELDS.iter().map(|f| format!("sides.{}.{}", s.id, f.0)));
            v.extend(BELIEF_FIELDS.iter().map(|f| format!("beliefs.{}.{}", s.id, f.0)));
        }
        for (a, id) in self.actor_ids.iter().enumerate() {
            v.push(format!("actors.{id}.capability"));
            v.push(format!("actors.{id}.resolve"));
            v.push(format!("actors.{id}.risk"));
            if self.aid[a].is_some() {
                v.extend(
                    ["level", "fatigue_per_year", "stop_hazard_per_year"]
                        .iter()
                        .map(|f| format!("actors.{id}.aid.{f}")),
                );
            }
            for is in &self.issue_ids {
                v.push(format!("actors.{id}.positions.{is}"));
                v.push(format!("actors.{id}.saliences.{is}"));
                v.push(format!("actors.{id}.red_lines.{is}.at"));
                v.push(format!("actors.{id}.red_lines.{is}.audience_cost"));
            }
        }
        for is in &self.issue_ids {
            v.push(format!("issues.{is}.no_deal"));
            v.push(format!("issues.{is}.power_shift"));
        }
        v.extend((1..=12).map(|mo| format!("seasonality.monthly.{mo}")));
        v
    }

    /// Resolves a dotted parameter path.
    pub fn slot(&self, path: &str) -> Option<Slot> {
        if let Some((_, f)) = SCALARS.iter().find(|s| s.0 == path) {
            return Some(Slot::Scalar(*f));
        }
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            ["sides", id, f] => {
                let s = self.sides.iter().position(|s| s.id == *id)?;
                SIDE_FIELDS.iter().find(|x| x.0 == *f).map(|x| Slot::Side(s, x.1))
            }
            ["beliefs", id, f] => {
                let s = self.sides.iter().position(|s| s.id == *id)?;
                BELIEF_FIELDS.iter().find(|x| x.0 == *f).map(|x| Slot::Side(s, x.1))
            }
            ["actors", id, f] => {
                let a = self.actor_ids.iter().position(|x| x == id)?;
                let f = match *f {
                    "capability" => ActorField::Capability,
                    "resolve" => ActorField::Resolve,
                    "risk" => ActorField::Risk,
                    _ => return None,
                };
                Some(Slot::Actor(a, f))
            }
            ["actors", id, "aid", f] => {
                let a = self.actor_ids.iter().position(|x| x == id)?;
                self.aid[a]?;
                let f = match *f {
                    "level" => ActorField::AidLevel,
                    "fatigue_per_year" => ActorField::AidFatigue,
                    "stop_hazard_per_year" => ActorField::AidStopHazard,
                    _ => return None,
                };
                Some(Slot::Actor(a, f))
            }
            ["actors", id, kind, issue] => {
                let a = self.actor_ids.iter().position(|x| x == id)?;
                let k = self.issue_ids.iter().position(|x| x == issue)?;
                let f = match *kind {
                    "positions" => ActorIssueField::Position,
                    "saliences" => ActorIssueField::Salience,
                    _ => return None,
                };
                Some(Slot::ActorIssue(a, k, f))
            }
            ["actors", id, "red_lines", issue, f] => {
                let a = self.actor_ids.iter().position(|x| x == id)?;
                let k = self.issue_ids.iter().position(|x| x == issue)?;
                let f = match *f {
                    "at" => ActorIssueField::RedLine,
                    "audience_cost" => ActorIssueField::AudienceCost,
                    _ => return None,
                };
                Some(Slot::ActorIssue(a, k, f))
            }
            ["issues", id, f] => {
                let k = self.issue_ids.iter().position(|x| x == id)?;
                match *f {
                    "no_deal" => Some(Slot::Issue(k, IssueField::NoDeal)),
                    "power_shift" => Some(Slot::Issue(k, IssueField::PowerShift)),
                    "start_km2" if Some(k) == self.territorial => Some(Slot::Scalar(ScalarField::StartKm2)),
                    _ => None,
                }
            }
            ["seasonality", "monthly", mo] => {
                let mo: usize = mo.parse().ok()?;
                (1..=12).contains(&mo).then_some(Slot::Season(mo - 1))
            }
            _ => None,
        }
    }

    /// Writes a value into a slot. Values are clamped to the field's valid range so that a
    /// sampled draw can never make a run invalid (the range is documented per field).
    pub fn set(&mut self, slot: Slot, v: f64) {
        let m = self.n_issues();
        let share = |v: f64| v.clamp(0.0, 1.0);
        match slot {
            Slot::Scalar(f) => {
                let p = match f {
                    ScalarField::ExponentP => &mut self.exponent_p,
                    ScalarField::ExponentQ => &mut self.exponent_q,
                    ScalarField::CasualtyNoise => &mut self.casualty_noise,
                    ScalarField::CalibratedGain => &mut self.calibrated_gain,
                    ScalarField::MaxGain => &mut self.max_gain,
                    ScalarField::GainSteepness => &mut self.gain_steepness,
                    ScalarField::DefenderAdvantage => &mut self.defender_advantage,
                    ScalarField::FrontNoise => &mut self.front_noise,
                    ScalarField::FrontTailDof => &mut self.front_tail_dof,
                    ScalarField::FatiguePerYear => &mut self.fatigue_per_year,
                    ScalarField::EscalationProbability => &mut self.escalation_probability,
                    ScalarField::EscalationPulse => &mut self.escalation_pulse,
                    ScalarField::EscalationDecay => &mut self.escalation_decay,
                    ScalarField::AcceptanceNoise => &mut self.acceptance_noise,
                    ScalarField::ConcessionRate => &mut self.concession_rate,
                    ScalarField::MomentumHardening => &mut self.momentum_hardening,
                    ScalarField::MomentumLeverage => &mut self.momentum_leverage,
                    ScalarField::ValuationHorizon => &mut self.valuation_horizon,
                    ScalarField::AmendmentStrength => &mut self.amendment_strength,
                    ScalarField::CeasefireBreakdown => &mut self.ceasefire_breakdown_per_year,
                    ScalarField::GuaranteeBreakdownReduction => &mut self.guarantee_breakdown_reduction,
                    ScalarField::GuaranteeCredibility => &mut self.guarantee_credibility,
                    ScalarField::GuaranteePower => &mut self.guarantee_power,
                    ScalarField::CommitmentDiscount => &mut self.commitment_discount,
                    ScalarField::StartKm2 => &mut self.start_km2,
                };
                *p = v;
                self.exponent_p = self.exponent_p.clamp(0.0, 2.0);
                self.exponent_q = self.exponent_q.clamp(0.0, 2.0);
                self.casualty_noise = self.casualty_noise.clamp(0.0, 2.0);
                self.max_gain = self.max_gain.max(1e-6);
                self.gain_steepness = self.gain_steepness.max(1e-6);
                self.defender_advantage = self.defender_advantage.clamp(1.0, 10.0);
                self.front_noise = self.front_noise.max(0.0);
                self.front_tail_dof = self.front_tail_dof.clamp(1.0, 1000.0);
                self.fatigue_per_year = share(self.fatigue_per_year);
                self.escalation_probability = share(self.escalation_probability);
                self.escalation_pulse = self.escalation_pulse.max(0.0);
                self.escalation_decay = share(self.escalation_decay);
                self.acceptance_noise = self.acceptance_noise.max(1e-9);
                self.concession_rate = share(self.concession_rate);
                self.momentum_hardening = self.momentum_hardening.max(0.0);
                self.momentum_leverage = self.momentum_leverage.max(0.0);
                self.valuation_horizon = self.valuation_horizon.clamp(1.0, 520.0);
                self.amendment_strength = share(self.amendment_strength);
                self.ceasefire_breakdown_per_year = share(self.ceasefire_breakdown_per_year);
                self.guarantee_breakdown_reduction = share(self.guarantee_breakdown_reduction);
                self.guarantee_credibility = share(self.guarantee_credibility);
                self.guarantee_power = share(self.guarantee_power);
                self.commitment_discount = self.commitment_discount.clamp(0.0, 0.9999);
                if let (Some(lo), Some(hi)) = (self.km2_knots.first(), self.km2_knots.last()) {
                    self.start_km2 = self.start_km2.clamp(lo.1, hi.1);
                }
            }
            Slot::Side(s, f) => {
                let sd = &mut self.sides[s];
                match f {
                    SideField::Forces => sd.forces = v.max(1.0),
                    SideField::Recruitment => sd.recruitment = v.max(0.0),
                    SideField::ReturnToDuty => sd.return_to_duty = v.clamp(0.0, 0.99),
                    SideField::Effectiveness => sd.effectiveness = v.max(1e-6),
                    SideField::Economy => sd.economy = v.clamp(0.01, 1.0),
                    SideField::Recovery => sd.recovery = share(v),
                    SideField::Strike => sd.strike = share(v),
                    SideField::CasualtiesPerWeek => sd.casualties_per_week = v.max(1e-6),
                    SideField::WarCostPerYear => sd.war_cost_per_year = v.max(0.0),
                    SideField::AidDependence => sd.aid_dependence = share(v),
                    SideField::CollapseForces => sd.collapse_forces_fraction = share(v),
                    SideField::CollapseEconomy => sd.collapse_economy = share(v),
                    SideField::Optimism => sd.optimism = v,
                    SideField::Confidence => sd.confidence_weeks = v.max(1e-6),
                    SideField::Memory => sd.memory_weeks = v.max(1.0),
                }
            }
            Slot::Actor(a, f) => match f {
                ActorField::Capability => self.capability[a] = v.max(0.0),
                ActorField::Resolve => self.resolve[a] = v.max(1e-6),
                ActorField::Risk => self.risk[a] = v.clamp(-1.0, 1.0),
                ActorField::AidLevel => {
                    if let Some(x) = &mut self.aid[a] {
                        x.1 = v.max(0.0)
                    }
                }
                ActorField::AidFatigue => {
                    if let Some(x) = &mut self.aid[a] {
                        x.2 = share(v)
                    }
                }
                ActorField::AidStopHazard => {
                    if let Some(x) = &mut self.aid[a] {
                        x.3 = share(v)
                    }
                }
            },
            Slot::ActorIssue(a, k, f) => match f {
                ActorIssueField::Position => self.position[a * m + k] = v.clamp(0.0, 100.0),
                ActorIssueField::Salience => self.salience[a * m + k] = v.clamp(0.0, 100.0) / 100.0,
                ActorIssueField::RedLine => self.red_line[a * m + k] = v.clamp(0.0, 100.0),
                ActorIssueField::AudienceCost => self.audience_cost[a * m + k] = v.max(0.0),
            },
            Slot::Issue(k, f) => match f {
                IssueField::NoDeal => self.no_deal[k] = v.clamp(0.0, 100.0),
                IssueField::PowerShift => self.power_shift[k] = v,
            },
            Slot::Season(mo) => self.season[mo] = v.max(0.0),
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

/// The scenario's uncertain parameters, resolved: one slot and one distribution each, in
/// the order of the `[uncertainty]` table (sorted by path), plus the copula.
#[derive(Debug, Clone)]
pub struct Uncertainty {
    pub paths: Vec<String>,
    pub slots: Vec<Slot>,
    pub set: crate::uncertainty::UncertaintySet,
}

impl Uncertainty {
    /// Draws one run's parameters into `params` from `rng`; `buf` holds the sampled values.
    pub fn apply<R: rand::Rng + ?Sized>(&self, rng: &mut R, buf: &mut [f64], params: &mut Params) {
        self.set.sample_into(rng, buf);
        for (slot, v) in self.slots.iter().zip(buf.iter()) {
            params.set(*slot, *v);
        }
    }
    pub fn len(&self) -> usize {
        self.slots.len()
    }
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

/// Validates and resolves the `[uncertainty]` table and `correlations`.
pub fn compile_uncertainty(s: &Scenario, p: &Params) -> Result<Uncertainty, Vec<Problem>> {
    use crate::uncertainty::{Dist, ParamSpec, UncertaintySet};
    let mut problems = Vec::new();
    let mut specs = Vec::new();
    let mut slots = Vec::new();
    let mut paths = Vec::new();
    for (path, v) in &s.uncertainty {
        let at = format!("uncertainty.{path}");
        let Some(slot) = p.slot(path) else {
            // Already reported by `Params::compile`.
            continue;
        };
        let mut v = v.clone();
        if let Some(t) = v.as_table_mut() {
            t.remove("source");
        }
        match v.try_into::<Dist>() {
            Ok(d) => match d.validate() {
                Ok(()) => {
                    specs.push(ParamSpec { path: path.clone(), dist: d });
                    slots.push(slot);
                    paths.push(path.clone());
                }
                Err(e) => problems.push(Problem { path: at, message: e }),
            },
            Err(e) => problems.push(Problem {
                path: at,
                message: format!(
                    "{}; expected e.g. {{ dist = \"normal\", mean = 85, sd = 15 }} with dist one of uniform, normal, truncated_normal, lognormal, beta, triangular, choice",
                    e.message().trim()
                ),
            }),
        }
    }
    let mut corr = Vec::new();
    for (i, c) in s.correlations.iter().enumerate() {
        let ia = paths.iter().position(|x| *x == c.a);
        let ib = paths.iter().position(|x| *x == c.b);
        match (ia, ib) {
            (Some(a), Some(b)) => corr.push((a, b, c.rho)),
            _ => problems.push(Problem {
                path: format!("correlations[{i}]"),
                message: format!("`{}` and `{}` must both be paths of the [uncertainty] table", c.a, c.b),
            }),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let correlation = if corr.is_empty() { None } else { Some(corr) };
    match UncertaintySet::new(specs, correlation) {
        Ok(set) => Ok(Uncertainty { paths, slots, set }),
        Err(e) => Err(vec![Problem { path: "correlations".into(), message: e.to_string() }]),
    }
}
