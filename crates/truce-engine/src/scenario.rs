//! The scenario schema: what a user writes in a scenario TOML file.
//!
//! Every number may carry its source: write `forces = 700_000` or
//! `forces = { value = 700_000, source = "Putin, 18 Sep 2025 (data/ukraine/facts.md §2)" }`.
//! Unknown keys are errors (with a did-you-mean, see [`crate::load`]). Positions are on the
//! issue's 0–100 scale, saliences on 0–100 as in every truce input, rates per week unless the
//! name says otherwise. The schema is documented field by field in `docs/scenario.md`.
//!
//! This module only describes the file. Every scalar field also has a row in
//! [`crate::catalogue`] (its range, unit, doc and how compile, edits and the page reach it):
//! a new numeric field needs one there, or the catalogue's coverage test fails.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// A number with an optional source note.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Num {
    pub value: f64,
    pub source: Option<String>,
}

impl Num {
    pub fn new(value: f64) -> Self {
        Num { value, source: None }
    }
}

impl From<f64> for Num {
    fn from(v: f64) -> Self {
        Num::new(v)
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.source {
            None => s.serialize_f64(self.value),
            Some(src) => {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("value", &self.value)?;
                m.serialize_entry("source", src)?;
                m.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, or a table `{ value = <number>, source = \"...\" }`")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                if v.is_finite() {
                    Ok(Num::new(v))
                } else {
                    Err(E::custom(format!("{v} is not a finite number")))
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num::new(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num::new(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Num, A::Error> {
                let mut value: Option<f64> = None;
                let mut source: Option<String> = None;
                while let Some(k) = map.next_key::<String>()? {
                    match k.as_str() {
                        "value" => value = Some(map.next_value::<Num>()?.value),
                        "source" => source = Some(map.next_value()?),
                        other => return Err(de::Error::unknown_field(other, &["value", "source"])),
                    }
                }
                let value = value.ok_or_else(|| de::Error::missing_field("value"))?;
                Ok(Num { value, source })
            }
        }
        d.deserialize_any(V)
    }
}

/// A date as written in TOML (`2025-12-03`).
pub type Date = toml::value::Datetime;

/// The whole scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub scenario: Meta,
    pub issues: Vec<IssueSpec>,
    pub sides: Vec<SideSpec>,
    pub actors: Vec<ActorSpec>,
    #[serde(default)]
    pub combat: Combat,
    #[serde(default)]
    pub seasonality: Seasonality,
    #[serde(default)]
    pub intensity: Intensity,
    #[serde(default)]
    pub beliefs: BTreeMap<String, BeliefSpec>,
    pub protocol: Protocol,
    #[serde(default)]
    pub events: Vec<EventSpec>,
    #[serde(default)]
    pub termination: Termination,
    /// Mediator attention: when talks are held (`docs/reference/war-endings.md` §2).
    #[serde(default)]
    pub mediation: Mediation,
    /// Ripeness: the mutually hurting stalemate (`docs/reference/war-endings.md` §1).
    #[serde(default)]
    pub ripeness: Ripeness,
    /// Domestic politics per side id: leader removal, culpability, economic crisis
    /// (`docs/reference/war-endings.md` §3).
    #[serde(default)]
    pub politics: BTreeMap<String, PoliticsSpec>,
    /// Distributions per parameter path, for ensembles (`truce forecast`):
    /// `"path" = { dist = "normal", mean = 85, sd = 15, source = "..." }`.
    #[serde(default)]
    pub uncertainty: BTreeMap<String, toml::Value>,
    /// Correlations between uncertain parameters (Gaussian copula).
    #[serde(default)]
    pub correlations: Vec<Correlation>,
    /// A joint weighted sample of parameters (part of the uncertainty schema: a
    /// calibration's posterior, `truce calibrate`): each run draws one row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighted_sample: Option<WeightedSample>,
    /// Decisive places on the front (`[[objectives]]`; `docs/reference/war-endings.md` §6):
    /// their fall moves the sides' resolve and the hazard that a side breaks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objectives: Vec<ObjectiveSpec>,
    /// The terms of a ceasefire (`[ceasefire_terms]`; `docs/reference/war-endings.md` §13):
    /// when a ceasefire counts as imposed, how that and monitors of a named party change its
    /// breakdown hazard. Absent: every ceasefire is a plain freeze, as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceasefire_terms: Option<CeasefireTermsSpec>,
    /// A partial truce in one domain (`[strike_moratorium]`; `docs/reference/war-endings.md`
    /// §14): long-range and energy strikes suspended by agreement while the war goes on.
    /// Absent: no moratorium, as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strike_moratorium: Option<StrikeMoratoriumSpec>,
    /// A partial truce of days (`[humanitarian_pause]`; `docs/reference/war-endings.md`
    /// §14): fighting stops for a few days, for evacuations, aid convoys or exchanges, while
    /// the war goes on. Absent: no pause, as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub humanitarian_pause: Option<HumanitarianPauseSpec>,
    /// A partial truce at sea or in the air: a trade corridor through a domain
    /// (`[trade_corridor]`; `docs/reference/war-endings.md` §14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_corridor: Option<TradeCorridorSpec>,
    /// Theatres beside the front (`[[domains]]`; `docs/reference/domains.md`): sea or air
    /// control held by a side that cuts the other's reinforcements, aid and revenue, and (air)
    /// strikes its economy. Absent: the front is the only theatre, as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<DomainSpec>,
}

/// The kind of a theatre beside the front (`[[domains]]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DomainKind {
    /// Sea control: blockade of trade and of deliveries by sea (Mahan; Lambert).
    Sea,
    /// Air control: interdiction of supply and strikes on the economy (Pape 1996).
    Air,
}

/// `[[domains]]`: a sea or air theatre held by one side (`sim/domains.rs`). While the holder
/// holds it, the other side's supply through it is cut by a share per channel; control is
/// lost (and may be regained) by weekly hazards. Every number has a catalogue row
/// (`domains.<id>.…`); an effect left out is 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainSpec {
    /// Unique id (the `<id>` of its parameter paths).
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// Sea or air.
    pub kind: DomainKind,
    /// The side that holds the domain at the start.
    pub held_by: String,
    /// Share (0–1) of the other side's reinforcements (recruits and arriving mobilised
    /// personnel) that do not reach the front while the domain is held.
    #[serde(default)]
    pub reinforcement_cut: Num,
    /// Share (0–1) of the aid delivered to the other side (given or bought) that does not
    /// arrive while the domain is held.
    #[serde(default)]
    pub aid_cut: Num,
    /// Share (0–1) of the other side's economic potential lost while the domain is held: the
    /// trade and oil revenue that moves through it.
    #[serde(default)]
    pub revenue_cut: Num,
    /// Air only: weekly reduction of the other side's economy (E) at intensity 1, added to
    /// the holder's `strike_capacity` while the domain is held.
    #[serde(default)]
    pub strike: Num,
    /// Hazard per year that the holder loses control (one draw per fought week while held).
    #[serde(default)]
    pub loss_per_year: Num,
    /// Hazard per year that the holder regains control once lost (one draw per fought week
    /// while lost).
    #[serde(default)]
    pub regain_per_year: Num,
    /// What the domain is and where its numbers come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `[strike_moratorium]`: when the sides agree to stop striking each other's economies and
/// how fast such a moratorium lapses (`sim/truces.rs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrikeMoratoriumSpec {
    /// Weight of a loss to one's own economy against an equal loss inflicted by one's own
    /// strikes: a moratorium is agreed when each side's weighted loss from the other's strikes
    /// exceeds the damage its own strikes do.
    pub loss_weight: Num,
    /// Hazard per year that a moratorium in force lapses (the weeks fought under it).
    pub breakdown_per_year: Num,
    /// Share (0–1) of each side's strike damage the moratorium covers: the share its targets
    /// carry (energy, cities); 1 (the default): all long-range strikes stop.
    #[serde(default = "one")]
    pub scope: Num,
}

/// `[humanitarian_pause]`: how often a failed session of talks agrees a pause of a few days
/// in the fighting, how long it is and how fast it breaks down (`sim/truces.rs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HumanitarianPauseSpec {
    /// Probability that a session of talks that agreed nothing agrees a pause, when none is in
    /// force.
    pub agree_probability: Num,
    /// The pause's length in days, from the start of the next week.
    pub days: Num,
    /// Hazard per day that a pause in force breaks down before its term.
    pub breakdown_per_day: Num,
    /// Share of the war's fighting that stops on the days the pause holds.
    pub scope: Num,
}

/// `[trade_corridor]`: how often a failed session of talks opens a corridor for trade through
/// a domain the other side holds (a blockade), how fast it lapses and how much of the domain's
/// revenue cut it lifts (`sim/truces.rs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TradeCorridorSpec {
    /// The `[[domains]]` id the corridor runs through.
    pub domain: String,
    /// Probability that a session of talks that agreed nothing opens the corridor, while its
    /// domain is held and no corridor is open.
    pub agree_probability: Num,
    /// Hazard per year that an open corridor closes (the weeks fought while it is open).
    pub breakdown_per_year: Num,
    /// Share (0–1) of the domain's `revenue_cut` the open corridor lifts; 1 (the default): all.
    #[serde(default = "one")]
    pub scope: Num,
}

/// `[ceasefire_terms]`: what a ceasefire's terms are and what they do to its durability
/// (Fortna 2004; Werner & Yuen 2005; `war-termination.md` §4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CeasefireTermsSpec {
    /// A ceasefire is imposed when the two sides' margins for it differ by at least this many
    /// units of the acceptance noise: one side (the loser) accepts because fighting on is far
    /// worse, the other (the winner) barely prefers the freeze to pressing on.
    pub imposed_gap: Num,
    /// Multiplier on the breakdown hazard of an imposed ceasefire (Werner & Yuen 2005:
    /// imposed ceasefires fail more often).
    #[serde(default = "one")]
    pub imposed_breakdown: Num,
    /// Multiplier on the breakdown hazard of a ceasefire a side accepted only because its
    /// patron mediator pressed it (Werner & Yuen 2005: "unnatural" ceasefires fail more).
    #[serde(default = "one")]
    pub pressured_breakdown: Num,
    /// The party whose monitors or peacekeepers deploy with every ceasefire (an actor id: a
    /// mediator, patron or guarantor); absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitors: Option<String>,
    /// Multiplier on the breakdown hazard while monitors are deployed (Fortna 2004: monitors
    /// and peacekeepers lengthen ceasefires).
    #[serde(default = "one")]
    pub monitor_breakdown: Num,
    /// Share (0–1) of the distance from the line to the winner's territorial position that
    /// the loser hands over under an imposed ceasefire, as far as the loser still prefers the
    /// freeze to war (`sim/terms.rs`); 0 (the default): the line freezes where it stands.
    #[serde(default)]
    pub handover: Num,
}

/// `[weighted_sample]`: rows of values of several parameters, one weight per row; a forecast
/// draws one row per run (with probability proportional to its weight), which keeps the
/// parameters' dependence. A path here must not also be in `[uncertainty]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightedSample {
    /// Where the sample comes from (e.g. the command that computed it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The parameter paths, one per column.
    pub paths: Vec<String>,
    /// One weight per row (finite, > 0).
    pub weights: Vec<f64>,
    /// The rows: one value per path each.
    pub rows: Vec<Vec<f64>>,
    /// The priors the sample replaced (written by `truce calibrate`): path → the
    /// `[uncertainty]` entry it had. Never drawn; kept so that calibrating the calibrated
    /// scenario again, or a hindcast of it (which must not use a posterior fitted to the
    /// months it scores), starts from the same priors ([`Scenario::with_priors`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub priors: BTreeMap<String, toml::Value>,
    /// The `[[correlations]]` entries between those priors that the sample replaced.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prior_correlations: Vec<Correlation>,
}

impl WeightedSample {
    /// Removes the column of `path`; returns whether there was one. A sample left without
    /// columns should be dropped by the caller.
    pub fn remove_path(&mut self, path: &str) -> bool {
        let Some(k) = self.paths.iter().position(|p| p == path) else {
            return false;
        };
        self.paths.remove(k);
        for r in &mut self.rows {
            if k < r.len() {
                r.remove(k);
            }
        }
        self.priors.remove(path);
        self.prior_correlations.retain(|c| c.a != path && c.b != path);
        true
    }
}

impl Scenario {
    /// The scenario before its calibration: the `[weighted_sample]` dropped and the priors it
    /// replaced put back into `[uncertainty]` and `[[correlations]]` (the parameters' own
    /// values stay: a sampled parameter's value is used by no run). `Ok(None)` when there is
    /// no sample; an error naming the first path without a recorded prior when the sample
    /// was not written by a calibration (its priors are unknown).
    pub fn with_priors(&self) -> Result<Option<Scenario>, String> {
        let Some(w) = &self.weighted_sample else {
            return Ok(None);
        };
        if let Some(p) = w.paths.iter().find(|p| !w.priors.contains_key(*p)) {
            return Err(format!(
                "weighted_sample.priors: `{p}` has no recorded prior (the sample was not written by truce calibrate), \
                 so its prior is unknown"
            ));
        }
        let mut s = self.clone();
        s.weighted_sample = None;
        for (path, prior) in &w.priors {
            s.uncertainty.insert(path.clone(), prior.clone());
        }
        s.correlations.extend(w.prior_correlations.iter().cloned());
        Ok(Some(s))
    }
}

/// A decisive place or zone on the front (a capital, a fortress city, a port, a road
/// junction): it lies at a position on the line, so the first side holds it while the line
/// (the area the first side holds) is at or past `km2`, and the second side below it. Its
/// value to each side is the share (0–1) of that side's stake in the war the place carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveSpec {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// The line (km² held by the first side) at which the place falls to the first side;
    /// below it the second side holds it.
    pub km2: Num,
    /// Value per side id, 0–1: the share of the side's stake in the war the place carries
    /// (1: losing it alone would break most states). A side not named values it at 0.
    #[serde(default)]
    pub values: BTreeMap<String, Num>,
    /// Why the place matters and where the values come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A rank correlation between two uncertain parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correlation {
    pub a: String,
    pub b: String,
    /// Correlation of the underlying normals, in (−1, 1).
    pub rho: f64,
}

/// Name, dates and documentation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub start: Date,
    pub horizon_weeks: u32,
    /// When the war began, if it began before `start`: a fact known on the start day, so
    /// not look-ahead. A war that has lasted this long is evidence about its type: the
    /// forecast keeps the parameter draws under which a war would have lasted so long
    /// (`truce_forecast::selection`, `docs/backcast.md`, "Selection by survival"). Absent:
    /// the war begins at `start` (age 0: nothing is selected).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub war_began: Option<WarBegan>,
    /// General sources the file draws on.
    #[serde(default)]
    pub sources: Vec<String>,
}

/// The day a war began and where that date comes from (`[scenario] war_began`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarBegan {
    /// The first day of the war; on or before the scenario's start.
    pub date: Date,
    /// Where the date comes from (required: the date decides which parameter draws count).
    pub source: String,
}

/// One negotiated issue on 0–100.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueSpec {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// What 0 means.
    pub low: String,
    /// What 100 means.
    pub high: String,
    /// Value of the issue without a deal (ignored for the territorial issue, whose no-deal
    /// value is the line of control).
    #[serde(default)]
    pub no_deal: Option<Num>,
    /// Whether the battlefield moves this issue's status quo (at most one issue).
    #[serde(default)]
    pub territorial: bool,
    /// Territorial issue: knots `[index, km²]` mapping the index to the area held by the
    /// first side, strictly increasing in both.
    #[serde(default)]
    pub km2: Vec<[f64; 2]>,
    /// Territorial issue: the area the first side holds at the start (km²).
    #[serde(default)]
    pub start_km2: Option<Num>,
    /// Future power shifted toward the first side per point the deal lies above the no-deal
    /// value (toward the second side below it), in points of the probability of prevailing
    /// (Powell 2006's q). Power-conferring terms: the fortress belt, army caps.
    #[serde(default)]
    pub power_shift: Option<Num>,
}

/// A belligerent side's military and economic state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SideSpec {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// Committed combat strength on the front (personnel).
    pub forces: Num,
    /// New personnel per week at full economy.
    pub recruitment_per_week: Num,
    /// Share of casualties that return to duty.
    #[serde(default)]
    pub return_to_duty: Num,
    /// Combat effectiveness multiplier (before aid).
    #[serde(default = "one")]
    pub effectiveness: Num,
    /// Economic capacity E in (0, 1] at the start.
    #[serde(default = "one")]
    pub economy: Num,
    /// Weekly recovery of E toward 1 (share of the gap).
    #[serde(default)]
    pub economy_recovery_per_week: Num,
    /// Weekly reduction of the other side's E by strikes at intensity 1.
    #[serde(default)]
    pub strike_capacity: Num,
    /// Casualties this side suffers per week at the start (calibrates the attrition law).
    pub casualties_per_week: Num,
    /// Cost of a year of war in utility points (the deal space spans 0–1).
    pub war_cost_per_year: Num,
    /// Share of this side's effectiveness that depends on foreign aid.
    #[serde(default)]
    pub aid_dependence: Num,
    /// How far this side fights dispersed and concealed, without a line the enemy can aim
    /// at (0–1; 0: a front). Its losses are × (its forces)^dispersal: at 1, the guerrilla
    /// of Deitchman's (1962) law, hit by area fire in proportion to its own numbers.
    #[serde(default)]
    pub dispersal: Num,
    /// The side collapses when its forces fall below this share of the start.
    #[serde(default = "collapse_forces")]
    pub collapse_forces_fraction: Num,
    /// The side collapses when its economy falls below this level.
    #[serde(default = "collapse_economy")]
    pub collapse_economy: Num,
    /// Effectiveness edges this side wins per year (technology, a supplier's decision); 0:
    /// none.
    #[serde(default)]
    pub effectiveness_shocks_per_year: Num,
    /// Size of one edge: the side's effectiveness × (1 + size) when it arrives.
    #[serde(default = "edge_size")]
    pub effectiveness_shock_size: Num,
    /// Mobilisation waves per year; 0: none.
    #[serde(default)]
    pub mobilisation_per_year: Num,
    /// Personnel one wave adds.
    #[serde(default)]
    pub mobilisation_size: Num,
    /// Weeks over which a wave's personnel arrive.
    #[serde(default = "mobilisation_weeks")]
    pub mobilisation_weeks: Num,
    /// The level E recovers toward with the start's aid and sanctions and no shocks (1: full).
    #[serde(default = "one")]
    pub economy_potential: Num,
    /// Share of that potential that depends on foreign aid (relative to the start's aid).
    #[serde(default)]
    pub economy_aid_dependence: Num,
    /// Potential lost per unit of sanctions above the start's level (gained when relieved).
    #[serde(default)]
    pub sanctions_drag: Num,
    /// Oil-revenue shocks per year (each raises or lowers the potential); 0: none.
    #[serde(default)]
    pub oil_shocks_per_year: Num,
    /// Size of one oil-revenue shock, in points of E.
    #[serde(default = "oil_size")]
    pub oil_shock_size: Num,
    /// Weeks over which an oil-revenue shock fades (e-folding).
    #[serde(default = "oil_weeks")]
    pub oil_shock_weeks: Num,
    /// Share of the side's effectiveness that depends on its economy (relative to the start).
    #[serde(default)]
    pub economy_dependence: Num,
    /// Elasticity of the cost of war to the economy: cost × (E₀ / E)^elasticity.
    #[serde(default)]
    pub economy_cost_elasticity: Num,
}

fn one() -> Num {
    Num::new(1.0)
}
/// An armistice's parties expect about a third of what it leaves open to be settled later:
/// Fortna (2004) codes 15 follow-up agreements after 48 interstate ceasefires, 1946–94.
fn armistice_settles_default() -> Num {
    Num::new(0.3)
}
fn collapse_forces() -> Num {
    Num::new(0.3)
}
fn collapse_economy() -> Num {
    Num::new(0.2)
}
fn edge_size() -> Num {
    Num::new(0.2)
}
fn mobilisation_weeks() -> Num {
    Num::new(12.0)
}
fn oil_size() -> Num {
    Num::new(0.05)
}
fn oil_weeks() -> Num {
    Num::new(52.0)
}

/// Actor roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Belligerent,
    Mediator,
    Supporter,
    Bystander,
}

/// A public red line: conceding past `at` costs `audience_cost` utility per 100 points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedLine {
    /// Where the line is (ignored when `follows_line`).
    #[serde(default)]
    pub at: Option<Num>,
    pub audience_cost: Num,
    /// Territorial issue only: the red line is the current line of control ("no withdrawal
    /// from the territory we hold"), wherever the battlefield puts it.
    #[serde(default)]
    pub follows_line: bool,
}

/// A supporter's aid to a side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AidSpec {
    /// Receiving side.
    pub to: String,
    /// Aid level at the start, in the scenario's aid unit (e.g. € bn a month).
    pub level: Num,
    /// Share of the level lost per year (fatigue).
    #[serde(default)]
    pub fatigue_per_year: Num,
    /// Probability per year that aid stops for good.
    #[serde(default)]
    pub stop_hazard_per_year: Num,
    /// Since when the aid line exists (absent: always). A scenario re-dated to an earlier
    /// origin ([`crate::redate`]) has no such line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Date>,
}

/// A role a patron can hold toward its client side; roles change during a run (scheduled
/// `patron_roles` events, a supplier's cut-off, an ally's exit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PatronRole {
    /// Its forces fight with the side's (`ally_share` of the side's pooled forces).
    Ally,
    /// Its aid line (`[actors.aid]`, to the client side) flows: arms given, or sold where
    /// `arms_cost_per_week` > 0.
    Supplier,
    /// It runs the talks: the proposal leans toward its positions (`mediator_pull`) and it
    /// presses its client to accept (`mediator_leverage`).
    Mediator,
    /// It guarantees a settlement or ceasefire with credibility `guarantee`.
    Guarantor,
}

impl PatronRole {
    /// Every role, in the order of their bits ([`PatronRole::bit`]).
    pub const ALL: [PatronRole; 4] =
        [PatronRole::Ally, PatronRole::Supplier, PatronRole::Mediator, PatronRole::Guarantor];

    /// The role's bit in a set of roles (a `u8`).
    pub fn bit(self) -> u8 {
        match self {
            PatronRole::Ally => 1,
            PatronRole::Supplier => 2,
            PatronRole::Mediator => 4,
            PatronRole::Guarantor => 8,
        }
    }

    /// The role's name as written in a scenario.
    pub fn name(self) -> &'static str {
        match self {
            PatronRole::Ally => "ally",
            PatronRole::Supplier => "supplier",
            PatronRole::Mediator => "mediator",
            PatronRole::Guarantor => "guarantor",
        }
    }

    /// A set of roles as text (`supplier+mediator`, `none`), for traces and reports.
    pub fn describe(set: u8) -> String {
        let names: Vec<&str> = Self::ALL.iter().filter(|r| set & r.bit() != 0).map(|r| r.name()).collect();
        if names.is_empty() {
            "none".into()
        } else {
            names.join("+")
        }
    }
}

/// `[actors.patron]`: a third party's roles toward one side (its client) and the numbers
/// each role needs. Every number is a catalogue parameter (`actors.*.patron.*`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatronSpec {
    /// The client side.
    pub side: String,
    /// The roles it holds at the start (none is allowed: a patron that only later supplies
    /// or mediates, by a scheduled event).
    #[serde(default)]
    pub roles: Vec<PatronRole>,
    /// Ally: the share of the client side's forces (as given in `[[sides]]`, which pool every
    /// contingent) that are its own; they leave with it.
    #[serde(default)]
    pub ally_share: Num,
    /// Supplier: the client's economy (E) lost a week paying for the arms at the aid line's
    /// starting level (0: the arms are given).
    #[serde(default)]
    pub arms_cost_per_week: Num,
    /// Mediator: the share of the way its proposal moves from the Nash point toward its own
    /// positions (a biased mediator's pull).
    #[serde(default)]
    pub mediator_pull: Num,
    /// Mediator: utility added to its client's margins for a deal or a freeze (its leverage
    /// over the side it backs: Kydd 2003, Beardsley 2011).
    #[serde(default)]
    pub mediator_leverage: Num,
    /// Guarantor: the credibility (0–1) of its guarantee while it holds the role.
    #[serde(default)]
    pub guarantee: Num,
    /// Supplier: the weight (0–1) its client gives the supplier's view of a deal or a
    /// freeze, per unit of the share of its war effort the supplier's aid carries now (0: aid
    /// buys no say; `docs/reference/patrons.md` §5).
    #[serde(default)]
    pub aid_leverage: Num,
    /// Supplier: yearly hazard that it cuts its client off (the supplier role ends).
    #[serde(default)]
    pub cutoff_per_year: Num,
    /// Ally: yearly hazard that its forces leave the war (the ally role ends).
    #[serde(default)]
    pub exit_per_year: Num,
    /// Supplier and ally: how fast the cut-off and exit hazards rise as the client loses;
    /// each is × exp(k · x), x the share of the way the line has moved from the start toward
    /// the client's collapse line (0: constant hazards; `docs/reference/patrons.md` §6).
    #[serde(default)]
    pub loss_weight: Num,
    /// Mediator: the yearly rate at full ripeness at which it takes the mediator's seat from
    /// the protocol's mediator (× this week's ripeness; 0: never by ripeness).
    #[serde(default)]
    pub mediate_per_year: Num,
    /// Mediator: the yearly rate at which it gives the mediator's seat back to the
    /// protocol's mediator, × (1 − this week's ripeness) (0: only a scheduled event).
    #[serde(default)]
    pub leave_seat_per_year: Num,
    /// Why it holds these roles, from what was known at the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `[actors.coalition]`: a coalition partner's share of its side's pooled forces and the
/// hazard that it leaves the war. Every number is a catalogue parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoalitionSpec {
    /// The share of the side's forces (as given in `[[sides]]`) that are the partner's own.
    pub share: Num,
    /// Yearly hazard that the partner leaves the war (its forces go, it no longer votes).
    #[serde(default)]
    pub exit_per_year: Num,
    /// The share (0–1) of the partner's war effort that its side's lead carries (arms,
    /// money, forces): what the lead holds over it (`docs/reference/patrons.md` §7).
    #[serde(default)]
    pub dependence: Num,
    /// The weight (0–1) the partner gives its lead's view of a deal or a freeze, per unit of
    /// its `dependence` (0: the lead buys no say), as a supplier's `aid_leverage`.
    #[serde(default)]
    pub lead_leverage: Num,
    /// Why it is a partner, from what was known at the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One actor of the negotiation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorSpec {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub role: Role,
    /// Side (belligerents and supporters).
    #[serde(default)]
    pub side: Option<String>,
    pub capability: Num,
    /// Must this actor accept a deal?
    #[serde(default)]
    pub veto: bool,
    /// May this actor amend the mediator's proposal?
    #[serde(default)]
    pub amends: bool,
    /// Positions per issue id (0–100).
    pub positions: BTreeMap<String, Num>,
    /// Saliences per issue id (0–100).
    pub saliences: BTreeMap<String, Num>,
    #[serde(default)]
    pub red_lines: BTreeMap<String, RedLine>,
    /// How heavily war costs weigh: costs are divided by resolve.
    #[serde(default = "one")]
    pub resolve: Num,
    /// Risk attitude in [−1, 1]: > 0 risk averse (war's uncertainty costs), < 0 acceptant.
    #[serde(default)]
    pub risk: Num,
    #[serde(default)]
    pub aid: Option<AidSpec>,
    /// A third party's roles toward a side (`[actors.patron]`: ally, arms supplier, mediator,
    /// guarantor; `docs/reference/patrons.md`). Not for belligerents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patron: Option<PatronSpec>,
    /// A coalition partner: a second (third, …) belligerent on a side, with its own aims,
    /// its own say in a settlement and a ceasefire, its share of the side's pooled forces,
    /// and its own exit (`[actors.coalition]`; `docs/reference/patrons.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coalition: Option<CoalitionSpec>,
    /// Since when the actor takes part (absent: always). A scenario re-dated to an earlier
    /// origin ([`crate::redate`]) leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Date>,
}

/// The attrition and front laws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Combat {
    /// Generalised Lanchester exponents: L_A ∝ F_B^p · F_A^q (square law p = 1, q = 0).
    pub exponent_p: Num,
    pub exponent_q: Num,
    /// Sd of the mean-one lognormal weekly shock on casualties.
    pub casualty_noise: Num,
    /// Mean weekly gain of the first side at the start, intensity 1 (km²).
    pub calibrated_gain_km2_per_week: Num,
    /// Largest mean weekly movement (km²) as the force ratio grows.
    pub max_gain_km2_per_week: Num,
    /// Steepness κ of the movement in ln(force ratio).
    pub gain_steepness: Num,
    /// Force ratio an attacker needs before it advances at all.
    pub defender_advantage: Num,
    /// Scale of the weekly Student-t shock on the front (km²).
    pub front_noise_km2: Num,
    /// Degrees of freedom of that shock (small = fat tails, breakthroughs).
    pub front_tail_dof: Num,
    /// Operational regimes (`docs/reference/front-dynamics.md`): the front moves only where
    /// one side is on the offensive; offensives start and end with state-dependent hazards.
    /// `false`: the force ratio alone moves the front, both ways (no regime draws).
    pub regimes: bool,
    /// Offensives a side launches per year from a positional front at a force ratio equal to
    /// the defender's advantage, in a month of intensity 1.
    pub offensive_start_per_year: Num,
    /// Offensives that end per year at a force ratio equal to the defender's advantage.
    pub offensive_end_per_year: Num,
    /// How steeply both hazards follow the force ratio: (ρ / D)^k.
    pub regime_ratio_exponent: Num,
    /// Fighting intensity of a positional front relative to an offensive.
    pub positional_intensity: Num,
    /// Attacker's casualties × this, the defender's ÷ this (1: no premium on attack).
    pub attacker_loss_factor: Num,
    /// Culmination: fall of the attacker's log effectiveness per 1,000 km² it advances.
    pub culmination_per_1000_km2: Num,
    /// Culmination: fall of the attacker's log effectiveness per force-equivalent it loses.
    pub culmination_per_force_lost: Num,
    /// Weeks over which a side not on the offensive recovers from culmination (e-folding).
    pub exhaustion_recovery_weeks: Num,
    /// How much fully prepared defences raise the defender's advantage and the attacker's
    /// losses: × (1 + this × preparation); 0: no digging in.
    pub preparation_advantage: Num,
    /// Weeks a defender needs to prepare its defences (e-folding).
    pub preparation_weeks: Num,
    /// km² of enemy advance that overrun prepared defences by a factor e.
    pub preparation_belt_km2: Num,
    /// Weeks over which an effectiveness edge fades as the enemy adapts (e-folding).
    pub effectiveness_shock_weeks: Num,
}

impl Default for Combat {
    fn default() -> Self {
        Combat {
            exponent_p: Num::new(1.0),
            exponent_q: Num::new(0.0),
            casualty_noise: Num::new(0.25),
            calibrated_gain_km2_per_week: Num::new(50.0),
            max_gain_km2_per_week: Num::new(500.0),
            gain_steepness: Num::new(1.5),
            defender_advantage: Num::new(1.1),
            front_noise_km2: Num::new(40.0),
            front_tail_dof: Num::new(3.0),
            regimes: false,
            offensive_start_per_year: Num::new(2.0),
            offensive_end_per_year: Num::new(1.0),
            regime_ratio_exponent: Num::new(4.0),
            positional_intensity: Num::new(0.5),
            attacker_loss_factor: Num::new(1.0),
            culmination_per_1000_km2: Num::new(0.0),
            culmination_per_force_lost: Num::new(0.0),
            exhaustion_recovery_weeks: Num::new(26.0),
            preparation_advantage: Num::new(0.0),
            preparation_weeks: Num::new(26.0),
            preparation_belt_km2: Num::new(500.0),
            effectiveness_shock_weeks: Num::new(26.0),
        }
    }
}

/// Intensity multipliers by calendar month (January first), mean about 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Seasonality {
    pub monthly: Vec<f64>,
    #[serde(default)]
    pub source: Option<String>,
}

impl Default for Seasonality {
    fn default() -> Self {
        Seasonality { monthly: vec![1.0; 12], source: None }
    }
}

/// War intensity beyond the season: fatigue and escalation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Intensity {
    /// Share of intensity lost per year of war (exhaustion).
    pub fatigue_per_year: Num,
    /// Probability that failed talks trigger an escalation pulse.
    pub escalation_probability: Num,
    /// Size of a pulse (added to the intensity multiplier).
    pub escalation_pulse: Num,
    /// Weekly decay factor of a pulse.
    pub escalation_decay: Num,
}

impl Default for Intensity {
    fn default() -> Self {
        Intensity {
            fatigue_per_year: Num::new(0.0),
            escalation_probability: Num::new(0.0),
            escalation_pulse: Num::new(0.3),
            escalation_decay: Num::new(0.8),
        }
    }
}

/// A belligerent's prior belief about the front's weekly drift (km², first side positive).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BeliefSpec {
    /// How far the prior mean lies from the true starting drift in this side's favour (km²/week).
    pub optimism_km2_per_week: Num,
    /// Prior precision, in weeks of observation.
    pub confidence_weeks: Num,
    /// Memory of the learning (weeks); older evidence is discounted.
    #[serde(default = "memory")]
    pub memory_weeks: Num,
}

fn memory() -> Num {
    Num::new(52.0)
}

/// Which collective-decision model moves positions after failed talks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum CollectiveModel {
    #[default]
    Mean,
    Median,
}

/// The negotiation protocol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Protocol {
    /// A talk round every this many weeks (and on `talks` events).
    pub cadence_weeks: u32,
    /// Talk rounds a week with talks can hold (1, the default: one): a session of rounds in
    /// which each failed round concedes, its failure's consequences drawn once after the last.
    #[serde(default = "one")]
    pub rounds_per_week: Num,
    pub mediator: String,
    /// Actors who must accept (default: the belligerents).
    #[serde(default)]
    pub veto: Vec<String>,
    /// Logistic noise of acceptance: P(accept) = 1 / (1 + exp(−margin / noise)).
    pub acceptance_noise: Num,
    /// Share of the gap to the collective forecast an actor concedes after a failed round.
    pub concession_rate: Num,
    /// How strongly battlefield momentum speeds the loser's and slows the winner's concessions.
    #[serde(default = "one")]
    pub momentum_hardening: Num,
    /// How strongly momentum scales the belligerents' leverage in the Nash product.
    #[serde(default = "one")]
    pub momentum_leverage: Num,
    /// Weeks of fighting over which each side values war.
    pub valuation_horizon_weeks: Num,
    /// Share of the issues other than the line that fighting on is expected to decide: each
    /// side values war on them by its believed chance of imposing its terms (Fearon 1995).
    #[serde(default = "one")]
    pub war_stakes: Num,
    /// Share of the belief gap that a war still fought at the origin implies, added to both
    /// sides' optimism (selection at the origin; 0 switches it off).
    #[serde(default = "one")]
    pub origin_selection: Num,
    /// Share of each political issue an armistice leaves open that its parties expect later
    /// talks to settle at the compromise of current positions; the rest stays frozen at no
    /// deal (a frozen conflict). 0 values a freeze at no deal forever.
    #[serde(default = "armistice_settles_default")]
    pub armistice_settles: Num,
    /// Share of the concession rate that a failed round under an armistice carries (no war's
    /// costs push concessions once the line is frozen); 1: as in a war.
    #[serde(default = "one")]
    pub armistice_concession: Num,
    /// 1 (the default): a deal is weighed against the armistice where the freeze would be
    /// agreed if the deal failed (the outside option actually available), else against war;
    /// 0: always against war.
    #[serde(default = "one")]
    pub deal_against_fallback: Num,
    /// How far an amending supporter pulls the proposal toward itself (× its salience).
    #[serde(default)]
    pub amendment_strength: Num,
    #[serde(default)]
    pub collective_model: CollectiveModel,
    /// Weekly-equivalent hazard of a ceasefire breaking down without guarantees (per year).
    pub ceasefire_breakdown_per_year: Num,
    /// How much a fully credible guarantee cuts that hazard (share).
    #[serde(default)]
    pub guarantee_breakdown_reduction: Num,
    /// Credibility of third-party guarantees at the start, in [0, 1].
    #[serde(default)]
    pub guarantee_credibility: Num,
    /// Future power a fully credible guarantee returns to the guaranteed side (probability points).
    #[serde(default)]
    pub guarantee_power: Num,
    /// Powell (2006) check: discount factor per commitment period.
    #[serde(default = "discount")]
    pub commitment_discount: Num,
    /// Since when these talks exist (absent: always). A scenario re-dated to an earlier
    /// origin ([`crate::redate`]) holds no talk rounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Date>,
    /// How strongly a shift in the balance since a ceasefire began raises its breakdown
    /// hazard: × exp(w · |Δ ln ρ| · (1 − guarantee)) (Werner 1999; Powell 2006).
    #[serde(default)]
    pub ceasefire_shift_weight: Num,
}

fn discount() -> Num {
    Num::new(0.9)
}

/// Kinds of scheduled events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// One-off addition to a supporter's aid level (`amount`).
    AidPackage,
    /// A supporter's aid stops (`actor`).
    AidStop,
    /// A supporter's aid level is set (`amount`).
    AidLevel,
    /// An election: an actor's positions/resolve change (`positions`, `resolve`).
    Election,
    /// A leadership change: as an election, and the side's belief is reset (`optimism`).
    LeadershipChange,
    /// An offensive: a side's effectiveness × `amount` for `weeks`.
    Offensive,
    /// A third-party guarantee offer with `credibility` in [0, 1].
    GuaranteeOffer,
    /// Extra talks this week.
    Talks,
    /// Sanctions on a side change: `amount` is the new level relative to the start's (1 = as
    /// at the start, 0 = lifted, above 1 = tightened); the side's economic potential moves by
    /// its `sanctions_drag` per unit.
    Sanctions,
    /// A patron's roles change (`actor`, `roles`: the new set, e.g. a supplier that turns
    /// mediator; `docs/reference/patrons.md`).
    PatronRoles,
    /// An arms embargo on a side: `amount` is the share of its suppliers' aid that still gets
    /// through (0 = total, 1 = lifted).
    Embargo,
}

/// A scheduled event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    pub date: Date,
    pub kind: EventKind,
    #[serde(default)]
    pub actor: Option<String>,
    #[serde(default)]
    pub side: Option<String>,
    #[serde(default)]
    pub amount: Option<Num>,
    #[serde(default)]
    pub weeks: Option<u32>,
    #[serde(default)]
    pub credibility: Option<Num>,
    #[serde(default)]
    pub resolve: Option<Num>,
    #[serde(default)]
    pub optimism_km2_per_week: Option<Num>,
    #[serde(default)]
    pub positions: BTreeMap<String, Num>,
    /// Do the belligerents foresee it (aid cliffs enter the value of war and Powell's check)?
    #[serde(default)]
    pub anticipated: bool,
    /// When the event became known (absent: at the scenario's start). A scenario re-dated
    /// to an earlier origin ([`crate::redate`]) keeps only events known by then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announced: Option<Date>,
    /// An election of a belligerent: the probability that the incumbent loses and a
    /// non-culpable successor takes over (Croco 2011).
    #[serde(default)]
    pub turnover: Option<Num>,
    #[serde(default)]
    pub note: Option<String>,
    /// A `patron_roles` event: the patron's new set of roles (empty: it drops them all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<PatronRole>>,
}

/// Collapse thresholds and the low-activity regime (a war that settles into lower-intensity
/// exchange without agreement, and may flare up again).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Termination {
    /// The second side collapses when the first holds at least this many km².
    pub collapse_second_km2: Option<Num>,
    /// The first side collapses when it holds at most this many km².
    pub collapse_first_km2: Option<Num>,
    /// Low activity begins when intensity stays below this floor ...
    pub low_activity_intensity: Num,
    /// ... for this many consecutive weeks.
    pub low_activity_weeks: u32,
    /// Intensity multiplier while the war is in low activity (1 = unchanged).
    pub low_activity_factor: Num,
    /// Yearly hazard of settling into low activity under a full mutually hurting stalemate
    /// (scaled by ripeness, 0–1).
    pub low_activity_onset_per_year: Num,
    /// Yearly hazard that low activity flares up into high-intensity war, with the balance
    /// unchanged since it began.
    pub flare_up_per_year: Num,
    /// How strongly a shift in the balance raises that hazard: × exp(w · |Δ ln ρ|).
    pub flare_up_shift_weight: Num,
}

impl Default for Termination {
    fn default() -> Self {
        Termination {
            collapse_second_km2: None,
            collapse_first_km2: None,
            low_activity_intensity: Num::new(0.2),
            low_activity_weeks: 8,
            low_activity_factor: Num::new(1.0),
            low_activity_onset_per_year: Num::new(0.0),
            flare_up_per_year: Num::new(0.0),
            flare_up_shift_weight: Num::new(0.0),
        }
    }
}

/// Mediator attention (§5.1 of `war-termination.md`): a state in [0, 1] that decays between
/// events, jumps to 1 at events, leader changes and new initiatives and rises with ripeness;
/// scheduled rounds are held only while it is at or above a threshold and talks are not
/// suspended. Without the table, talks are always held on cadence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Mediation {
    /// Attention at the start, in [0, 1].
    pub attention_start: Num,
    /// Weeks for attention to halve without news.
    pub attention_half_life_weeks: Num,
    /// Scheduled rounds are held only at or above this attention.
    pub attention_threshold: Num,
    /// Yearly hazard of a new initiative (a new plan, a new envoy): attention back to 1 and a
    /// suspension lifted.
    pub initiative_per_year: Num,
    /// Share of attention lost after each failed round (the mediator's frustration).
    pub failure_fatigue: Num,
    /// Probability that a round blocked by a red line or the commitment check (an issue
    /// neither side can concede) suspends talks until a shock.
    pub suspension_probability: Num,
    /// A suspension ends when the line has moved this many index points since it began.
    pub resume_line_points: Num,
}

impl Default for Mediation {
    fn default() -> Self {
        Mediation {
            attention_start: Num::new(1.0),
            attention_half_life_weeks: Num::new(1e6),
            attention_threshold: Num::new(0.0),
            initiative_per_year: Num::new(0.0),
            failure_fatigue: Num::new(0.0),
            suspension_probability: Num::new(0.0),
            resume_line_points: Num::new(100.0),
        }
    }
}

/// Ripeness (Zartman 2000): a mutually hurting stalemate, both sides seeing no way to win and
/// hurting, draws the mediator in and makes proposals land; accumulated destruction makes the
/// war costlier to continue (Leventoğlu & Slantchev 2007). Without the table, ripeness has no
/// effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Ripeness {
    /// A side whose believed weekly gain reaches this sees a way to win (km²/week).
    pub win_km2_per_week: Num,
    /// Pain (effective war cost, utility points per year) at which a side's hurt is ½.
    pub hurt_half_per_year: Num,
    /// Share of public red lines' audience costs lifted at full ripeness (the "way out").
    pub audience_relief: Num,
    /// War cost × (1 + w · casualties so far / starting forces): accumulated destruction.
    pub destruction_weight: Num,
}

impl Default for Ripeness {
    fn default() -> Self {
        Ripeness {
            win_km2_per_week: Num::new(50.0),
            hurt_half_per_year: Num::new(0.1),
            audience_relief: Num::new(0.0),
            destruction_weight: Num::new(0.0),
        }
    }
}

/// A side's domestic politics (§7 of `war-termination.md`): irregular removal of its leader,
/// the culpability of a successor, the gamble for resurrection, economic crisis. Without a
/// table, none of these act.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PoliticsSpec {
    /// Yearly hazard of the leader's irregular removal with no losses.
    pub removal_per_year: Num,
    /// Hazard × exp(w · losses), losses = casualties / starting forces + economic crisis.
    pub removal_loss_weight: Num,
    /// A non-culpable successor's audience costs, as a share of the culpable leader's.
    pub successor_audience: Num,
    /// A successor's resolve, as a share of the predecessor's.
    pub successor_resolve: Num,
    /// Gamble for resurrection: a culpable leader's resolve × (1 + g · losses).
    pub gamble: Num,
    /// Economy level below which the side is in economic crisis (0: never).
    pub crisis_economy: Num,
    /// At full crisis, war costs and concessions are × (1 + w).
    pub crisis_weight: Num,
    /// Yearly hazard that the side breaks (its army or government gives way) at the start's
    /// forces, economy and places; 0: the side collapses only at its floors.
    pub collapse_per_year: Num,
    /// Hazard × exp(w · decline), decline = the share of the way from the start to the forces
    /// floor plus that to the economy floor (each 0–1).
    pub collapse_decline_weight: Num,
    /// Hazard × exp(w · lost), lost = the value (0–1 per place) of the objectives the side
    /// held at the start and has lost, net of those it has taken.
    pub collapse_objective_weight: Num,
    /// Resolve × exp(−r · lost) as places fall (and back as they are retaken).
    pub objective_resolve: Num,
    /// Hazard × exp(w · misjudgement), misjudgement = how far the side's believed weekly gain
    /// exceeds what the front's law gives at the force ratio now, in units of the front's
    /// largest movement: a side that
    /// misjudged the balance breaks early, before fighting has taught it better.
    pub collapse_misjudgement_weight: Num,
    /// Hazard × exp(w · b), b = ln(the other side's combat power at the front / the side's),
    /// when above 0 (`docs/reference/war-endings.md` §17): a side outmatched at the front
    /// breaks sooner, so lopsided wars end early and decisively (Bennett & Stam 1996); 0: none.
    pub collapse_imbalance_weight: Num,
    /// Aims that move (`docs/reference/war-endings.md` §10): the share of the gap between the
    /// side's public aims (its red lines) and where its expected fortunes put them that closes
    /// per year; 0: aims stay where the scenario sets them.
    pub aims_per_year: Num,
    /// How fast the culpable leader who made the aims public climbs down, as a share of the
    /// speed at which aims advance (audience costs; a successor climbs down faster).
    pub aims_retreat: Num,
    /// Entrenchment by costs paid (`docs/reference/war-endings.md` §12): while the leader who
    /// began the war is in office, its audience share of the side's red lines is × (1 + e ·
    /// losses), losses = casualties so far / starting forces + economic crisis: the more a war
    /// has cost, the dearer terms that do not justify the cost (Iklé 1971; Goemans 2000); 0:
    /// none.
    pub entrenchment: Num,
    /// Hope to outlast the other side (`docs/reference/war-endings.md` §16): the side's belief,
    /// which fighting does not test, that the other side's aims are limited and it will give
    /// up first (Spaniel & Bils 2018); its perceived stalemate is × (1 − h), so a side that
    /// still hopes to outlast the other is not ripe however the front goes; 0: none.
    pub outlast_hope: Num,
}

impl Default for PoliticsSpec {
    fn default() -> Self {
        PoliticsSpec {
            removal_per_year: Num::new(0.0),
            removal_loss_weight: Num::new(0.0),
            successor_audience: Num::new(1.0),
            successor_resolve: Num::new(1.0),
            gamble: Num::new(0.0),
            crisis_economy: Num::new(0.0),
            crisis_weight: Num::new(0.0),
            collapse_per_year: Num::new(0.0),
            collapse_decline_weight: Num::new(0.0),
            collapse_objective_weight: Num::new(0.0),
            objective_resolve: Num::new(0.0),
            collapse_misjudgement_weight: Num::new(0.0),
            collapse_imbalance_weight: Num::new(0.0),
            aims_per_year: Num::new(0.0),
            aims_retreat: Num::new(1.0),
            entrenchment: Num::new(0.0),
            outlast_hope: Num::new(0.0),
        }
    }
}
