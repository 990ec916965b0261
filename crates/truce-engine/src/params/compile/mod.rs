//! `Params::compile`: a scenario's checks and compilation, one module per concern.
//!
//! The structure comes first (ids, roles, references, the territorial mapping, events:
//! `issues`, `sides`, `actors`, `events`), then every catalogue parameter is range-checked
//! and written into `Params` (`values`), then the checks that span fields (`checks`: the
//! front's calibration, saliences, `[uncertainty]` paths). Every problem is collected, none
//! stops the others; ids are resolved by one [`Ids`] resolver with one did-you-mean.
//!
//! Nothing here may panic on bad input: a scenario with errors still compiles into a
//! placeholder `Params` that is thrown away.

mod actors;
mod checks;
mod domains;
mod events;
mod issues;
mod objectives;
mod sides;
mod values;

use super::{CeasefireTerms, HumanitarianPause, Params, Problem, StrikeMoratorium, TradeCorridor};
use crate::calendar::CivilDate;
use crate::catalogue::Range;
use crate::scenario::Scenario;

/// Collects problems.
#[derive(Default)]
pub(super) struct Checker {
    pub problems: Vec<Problem>,
}

impl Checker {
    pub fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem { path: path.into(), message: message.into() });
    }

    /// Checks `v` against a fixed range (one that does not depend on the scenario).
    pub fn range(&mut self, path: &str, v: f64, range: &Range) -> f64 {
        let frame = crate::catalogue::Frame::default();
        if !range.contains(v, &frame) {
            self.fail(path, format!("{v} is out of range; expected {}", range.expected(&frame)));
        }
        v
    }
}

/// Resolves issue, side and actor ids to indices, reporting unknown ones with a did-you-mean.
/// Ids are taken in file order; duplicates are reported by their concern and resolve to the
/// first.
pub(super) struct Ids<'a> {
    issues: Vec<&'a str>,
    sides: Vec<&'a str>,
    actors: Vec<&'a str>,
}

impl<'a> Ids<'a> {
    fn new(s: &'a Scenario) -> Self {
        Ids {
            issues: s.issues.iter().map(|x| x.id.as_str()).collect(),
            sides: s.sides.iter().map(|x| x.id.as_str()).collect(),
            actors: s.actors.iter().map(|x| x.id.as_str()).collect(),
        }
    }

    fn find(c: &mut Checker, what: &str, list: &[&str], path: &str, id: &str) -> Option<usize> {
        let r = list.iter().position(|x| *x == id);
        if r.is_none() {
            c.fail(path, format!("unknown {what} `{id}`{}", crate::suggest::did_you_mean(id, list.iter().copied())));
        }
        r
    }

    pub fn issue(&self, c: &mut Checker, path: &str, id: &str) -> Option<usize> {
        Self::find(c, "issue", &self.issues, path, id)
    }
    pub fn side(&self, c: &mut Checker, path: &str, id: &str) -> Option<usize> {
        Self::find(c, "side", &self.sides, path, id)
    }
    pub fn actor(&self, c: &mut Checker, path: &str, id: &str) -> Option<usize> {
        Self::find(c, "actor", &self.actors, path, id)
    }
}

/// Reports an empty or repeated id at `path`.
pub(super) fn check_id(c: &mut Checker, seen: &[&str], what: &str, index_path: String, id_path: String, id: &str) {
    if id.is_empty() {
        c.fail(index_path, "empty id");
    }
    if seen.contains(&id) {
        c.fail(id_path, format!("duplicate {what} id `{id}`"));
    }
}

/// A TOML date as a calendar date (no time of day).
pub(super) fn parse_date(d: &crate::scenario::Date) -> Option<CivilDate> {
    let date = d.date?;
    if d.time.is_some() {
        return None;
    }
    let c = CivilDate { year: date.year as i32, month: date.month as u32, day: date.day as u32 };
    c.is_valid().then_some(c)
}

/// The longest horizon a scenario may ask for (a century).
pub const MAX_HORIZON_WEEKS: u32 = 5200;

impl Params {
    /// Validates a scenario and compiles it. All problems are reported at once.
    pub fn compile(s: &Scenario) -> Result<Params, Vec<Problem>> {
        let mut c = Checker::default();
        let ids = Ids::new(s);
        let start = parse_date(&s.scenario.start).unwrap_or_else(|| {
            c.fail("scenario.start", "expected a date such as 2025-12-03");
            CivilDate { year: 2000, month: 1, day: 1 }
        });
        let horizon = s.scenario.horizon_weeks;
        if horizon == 0 || horizon > MAX_HORIZON_WEEKS {
            c.fail(
                "scenario.horizon_weeks",
                format!("{horizon} is out of range; expected 1–{MAX_HORIZON_WEEKS} weeks"),
            );
        }
        let issues = issues::compile(s, &mut c);
        checks::km2_mapping(s, &mut c);
        sides::check_ids(s, &mut c);
        let actors = actors::compile(s, &ids, &mut c);
        let sides = sides::compile(s, &ids, &actors, &mut c);
        let protocol = actors::protocol(s, &ids, &actors, &mut c);
        let events = events::compile(s, &ids, start, &actors, &mut c);
        checks::seasonality(s, &mut c);
        let objectives = objectives::compile(s, &ids, &issues.knots, &mut c);
        let domains = domains::compile(s, &ids, &mut c);
        for (path, message) in crate::redate::check_dates(s) {
            c.fail(path, message);
        }
        // The monitoring party is an actor of the scenario (a mediator, patron or guarantor).
        let monitors = s
            .ceasefire_terms
            .as_ref()
            .and_then(|t| t.monitors.as_ref())
            .and_then(|m| ids.actor(&mut c, "ceasefire_terms.monitors", m));
        // The corridor runs through one of the scenario's domains.
        let corridor = s.trade_corridor.as_ref().and_then(|t| {
            let ids: Vec<&str> = s.domains.iter().map(|d| d.id.as_str()).collect();
            Ids::find(&mut c, "domain", &ids, "trade_corridor.domain", &t.domain)
        });
        let mut params = Params {
            name: s.scenario.name.clone(),
            start,
            horizon,
            issue_ids: issues.ids,
            issue_names: issues.names,
            no_deal: vec![f64::NAN; issues.n],
            power_shift: vec![0.0; issues.n],
            territorial: issues.territorial,
            km2_knots: issues.knots,
            start_km2: 0.0,
            actor_ids: actors.ids,
            actor_names: actors.names,
            role: actors.role,
            side_of: actors.side_of,
            capability: vec![0.0; actors.n],
            veto: protocol.veto,
            amends: actors.amends,
            position: vec![50.0; actors.n * issues.n],
            salience: vec![0.0; actors.n * issues.n],
            red_line: vec![f64::NAN; actors.n * issues.n],
            audience_cost: vec![0.0; actors.n * issues.n],
            follows_line: actors.follows_line,
            resolve: vec![1.0; actors.n],
            risk: vec![0.0; actors.n],
            aid: actors.aid_to.iter().map(|to| to.map(|to| (to, 0.0, 0.0, 0.0))).collect(),
            patron: actors.patron.clone(),
            sides,
            exponent_p: 1.0,
            exponent_q: 0.0,
            casualty_noise: 0.0,
            calibrated_gain: 0.0,
            max_gain: 1.0,
            gain_steepness: 1.0,
            defender_advantage: 1.0,
            front_noise: 0.0,
            front_tail_dof: 3.0,
            regimes: s.combat.regimes,
            offensive_start_per_year: 0.0,
            offensive_end_per_year: 0.0,
            regime_ratio_exponent: 0.0,
            positional_intensity: 1.0,
            attacker_loss_factor: 1.0,
            culmination_per_1000_km2: 0.0,
            culmination_per_force_lost: 0.0,
            exhaustion_recovery_weeks: 1.0,
            preparation_advantage: 0.0,
            preparation_weeks: 1.0,
            preparation_belt_km2: 1.0,
            edge_weeks: 1.0,
            season: [1.0; 12],
            fatigue_per_year: 0.0,
            escalation_probability: 0.0,
            escalation_pulse: 0.0,
            escalation_decay: 0.0,
            cadence: 1,
            rounds_per_week: 1,
            mediator: protocol.mediator,
            acceptance_noise: 1.0,
            concession_rate: 0.0,
            momentum_hardening: 0.0,
            momentum_leverage: 0.0,
            valuation_horizon: 1.0,
            war_stakes: 1.0,
            origin_selection: 1.0,
            armistice_settles: 0.3,
            armistice_concession: 1.0,
            deal_against_fallback: 1.0,
            amendment_strength: 0.0,
            collective_model: s.protocol.collective_model,
            ceasefire_breakdown_per_year: 0.0,
            guarantee_breakdown_reduction: 0.0,
            guarantee_credibility: 0.0,
            guarantee_power: 0.0,
            commitment_discount: 0.0,
            ceasefire_shift_weight: 0.0,
            events,
            collapse_second_km2: f64::INFINITY,
            collapse_first_km2: f64::NEG_INFINITY,
            low_activity_intensity: 0.0,
            low_activity_weeks: 1,
            low_activity_factor: 1.0,
            low_activity_onset_per_year: 0.0,
            flare_up_per_year: 0.0,
            flare_up_shift_weight: 0.0,
            mediation: super::MediationParams {
                attention_start: 1.0,
                half_life_weeks: 1e6,
                threshold: 0.0,
                initiative_per_year: 0.0,
                failure_fatigue: 0.0,
                suspension_probability: 0.0,
                resume_line_points: 100.0,
            },
            ripeness: super::RipenessParams {
                win_km2_per_week: 50.0,
                hurt_half_per_year: 0.1,
                audience_relief: 0.0,
                destruction_weight: 0.0,
            },
            politics: [super::PoliticsParams::default(), super::PoliticsParams::default()],
            objectives,
            ceasefire_terms: s.ceasefire_terms.as_ref().map(|_| CeasefireTerms {
                imposed_gap: 0.0,
                imposed_breakdown: 1.0,
                pressured_breakdown: 1.0,
                monitors,
                monitor_breakdown: 1.0,
                handover: 0.0,
            }),
            strike_moratorium: s.strike_moratorium.as_ref().map(|_| StrikeMoratorium {
                loss_weight: 1.0,
                breakdown_per_year: 0.0,
                scope: 1.0,
            }),
            humanitarian_pause: s.humanitarian_pause.as_ref().map(|_| HumanitarianPause {
                agree_probability: 0.0,
                days: 1,
                breakdown_per_day: 0.0,
                scope: 0.0,
            }),
            trade_corridor: corridor.map(|domain| TradeCorridor {
                domain,
                agree_probability: 0.0,
                breakdown_per_year: 0.0,
                scope: 1.0,
            }),
            domains,
        };
        values::compile(s, &mut params, &mut c);
        checks::saliences(&params, &mut c);
        if c.problems.is_empty() {
            checks::calibration(&params, &mut c);
        }
        checks::uncertainty_paths(s, &mut c);
        if c.problems.is_empty() {
            Ok(params)
        } else {
            Err(c.problems)
        }
    }
}
