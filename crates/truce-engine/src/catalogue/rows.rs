//! The rows of the parameter catalogue, in the order of a scenario file, and the accessors
//! they share. A new scalar parameter is one row here (and its schema field).

use super::*;
use crate::scenario::{ActorSpec, BeliefSpec, DomainKind, PoliticsSpec, RedLine};
use std::collections::BTreeMap;

/// The default prior of a side without a `[beliefs.<side>]` table.
fn default_belief() -> BeliefSpec {
    BeliefSpec { optimism_km2_per_week: Num::new(0.0), confidence_weeks: Num::new(26.0), memory_weeks: Num::new(52.0) }
}

fn belief(s: &Scenario, i: Ix, f: fn(&BeliefSpec) -> &Num) -> Option<Reading<'_>> {
    let side = &s.sides.get(i.side)?.id;
    Some(match s.beliefs.get(side) {
        Some(b) => Reading::num(f(b)),
        None => Reading::plain(f(&default_belief()).value),
    })
}

fn belief_mut(s: &mut Scenario, i: Ix, f: fn(&mut BeliefSpec) -> &mut Num) -> Option<Target<'_>> {
    let side = s.sides.get(i.side)?.id.clone();
    Some(Target::Num(f(s.beliefs.entry(side).or_insert_with(default_belief))))
}

fn politics(s: &Scenario, i: Ix, f: fn(&PoliticsSpec) -> &Num) -> Option<Reading<'_>> {
    let side = &s.sides.get(i.side)?.id;
    Some(match s.politics.get(side) {
        Some(t) => Reading::num(f(t)),
        None => Reading::plain(f(&PoliticsSpec::default()).value),
    })
}

fn politics_mut(s: &mut Scenario, i: Ix, f: fn(&mut PoliticsSpec) -> &mut Num) -> Option<Target<'_>> {
    let side = s.sides.get(i.side)?.id.clone();
    Some(Target::Num(f(s.politics.entry(side).or_default())))
}

/// A `[politics.<side>]` number: the scenario's table (its default without one) and the
/// side's `PoliticsParams`.
macro_rules! politics {
    ($f:ident) => {
        (
            InScenario { get: |s, i| politics(s, i, |t| &t.$f), get_mut: |s, i| politics_mut(s, i, |t| &mut t.$f) },
            field!(|p, i| p.politics[i.side].$f),
        )
    };
}

/// An actor's number on an issue, in one of its per-issue maps.
fn per_issue(s: &Scenario, i: Ix, map: fn(&ActorSpec) -> &BTreeMap<String, Num>) -> Option<Reading<'_>> {
    let issue = &s.issues.get(i.issue)?.id;
    map(s.actors.get(i.actor)?).get(issue).map(Reading::num)
}

fn red_line(s: &Scenario, i: Ix) -> Option<&RedLine> {
    s.actors.get(i.actor)?.red_lines.get(&s.issues.get(i.issue)?.id)
}

fn red_line_mut(s: &mut Scenario, i: Ix) -> Option<&mut RedLine> {
    let issue = s.issues.get(i.issue)?.id.clone();
    s.actors.get_mut(i.actor)?.red_lines.get_mut(&issue)
}

fn territorial_is(p: &Params, k: usize) -> bool {
    p.territorial == Some(k)
}

/// A signed area per week or an area (km²): within ±10⁹ km² (the Earth's surface is
/// 5.1 × 10⁸ km²), so that the front's movements and their sums stay finite.
const KM2_ANY: Range = Range { low: closed(-1e9), high: closed(1e9), phrase: "a number in [−10⁹, 10⁹]" };

/// A `Num` at a place expression in the scenario.
macro_rules! num {
    (|$s:ident, $i:ident| $place:expr) => {
        InScenario { get: |$s, $i| Some(Reading::num(&$place)), get_mut: |$s, $i| Some(Target::Num(&mut $place)) }
    };
}

/// An `f64` at a place expression in `Params`, always present.
macro_rules! field {
    (|$p:ident, $i:ident| $place:expr) => {
        InParams { get: |$p, $i| Some($place), put: |$p, $i| Some(Store::Value(&mut $place)) }
    };
}

/// Sides are per-side in both the scenario and `Params`.
macro_rules! side {
    ($s:ident, $p:ident) => {
        (num!(|s, i| s.sides[i.side].$s), field!(|p, i| p.sides[i.side].$p))
    };
}

/// A domain's number: per domain in both the scenario and `Params` (absent where the
/// scenario has no such domain).
macro_rules! domain {
    ($f:ident) => {
        (
            InScenario {
                get: |s, i| s.domains.get(i.domain).map(|d| Reading::num(&d.$f)),
                get_mut: |s, i| s.domains.get_mut(i.domain).map(|d| Target::Num(&mut d.$f)),
            },
            InParams {
                get: |p, i| p.domains.get(i.domain).map(|d| d.$f),
                put: |p, i| p.domains.get_mut(i.domain).map(|d| Store::Value(&mut d.$f)),
            },
        )
    };
}

/// Poisson rates per year (at most one a week on average).
const PER_YEAR: Range = Range { low: closed(0.0), high: closed(52.0), phrase: "a rate per year in [0, 52]" };
/// An e-folding time in weeks.
/// An ally's or a partner's share of its side's pooled forces: below 1, so that the side
/// keeps forces of its own when it leaves.
const ALLY_SHARE: Range = Range { low: closed(0.0), high: closed(0.95), phrase: "a share in [0, 0.95]" };
const PARTNER_SHARE: Range = Range { low: open(0.0), high: closed(0.95), phrase: "a share in (0, 0.95]" };
/// A multiplier on a hazard: from 0 (it never happens) to ten times as likely.
const HAZARD_FACTOR: Range = Range { low: closed(0.0), high: closed(10.0), phrase: "a multiplier in [0, 10]" };
/// A weight of one's own losses against those inflicted: from 0 to ten times as heavy.
const LOSS_WEIGHT: Range = Range { low: closed(0.0), high: closed(10.0), phrase: "a weight in [0, 10]" };
const ROUNDS_PER_WEEK: Range =
    Range { low: closed(1.0), high: closed(7.0), phrase: "whole rounds in [1, 7] (7: one a day)" };
const FADE_WEEKS: Range = Range { low: closed(1.0), high: closed(520.0), phrase: "weeks in [1, 520]" };

/// The catalogue. Rows are in the order of a scenario file; every check, edit, knob and doc
/// row derives from here.
pub static CATALOGUE: &[Param] = &[
    // ---- Issues.
    Param {
        path: "issues.*.no_deal",
        scope: Scope::Issue,
        group: Group::Issues,
        label: "no-deal value",
        unit: "index 0–100",
        range: Range { phrase: "a number in [0, 100]", ..POSITION },
        whole: false,
        basis: Basis::Measured,
        slider: Slider::Valid(0.5),
        doc: "the issue's value without a deal, on its 0–100 scale",
        presence: "not for the territorial issue, whose no-deal value is the line of control",
        scenario: InScenario {
            get: |s, i| {
                let is = s.issues.get(i.issue)?;
                if is.territorial {
                    return None;
                }
                is.no_deal.as_ref().map(Reading::num)
            },
            get_mut: |s, i| {
                let is = s.issues.get_mut(i.issue)?;
                if is.territorial {
                    return None;
                }
                is.no_deal.as_mut().map(Target::Num)
            },
        },
        params: InParams {
            get: |p, i| (!territorial_is(p, i.issue)).then(|| p.no_deal[i.issue]),
            put: |p, i| Some(Store::Value(&mut p.no_deal[i.issue])),
        },
    },
    Param {
        path: "issues.*.power_shift",
        scope: Scope::Issue,
        group: Group::Issues,
        label: "power shift",
        unit: "probability points / index point",
        range: ANY,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(-0.05, 0.05, 0.0005),
        doc: "future power (Powell 2006's q) moved toward the first side per point a deal lies above the no-deal value (toward the second side below it): power-conferring terms such as a fortified belt or an army cap",
        presence: "",
        scenario: InScenario {
            get: |s, i| {
                let is = s.issues.get(i.issue)?;
                Some(is.power_shift.as_ref().map_or(Reading::plain(0.0), Reading::num))
            },
            get_mut: |s, i| Some(Target::Num(s.issues.get_mut(i.issue)?.power_shift.get_or_insert_with(Num::default))),
        },
        params: field!(|p, i| p.power_shift[i.issue]),
    },
    Param {
        path: "issues.*.start_km2",
        scope: Scope::Issue,
        group: Group::Issues,
        label: "area held at the start",
        unit: "km²",
        range: Range {
            low: End::Closed(Limit::MapLow),
            high: End::Closed(Limit::MapHigh),
            phrase: "km² within the territorial mapping",
        },
        whole: false,
        basis: Basis::Measured,
        slider: Slider::Fine,
        doc: "the area the first side holds at the start",
        presence: "the territorial issue only",
        scenario: InScenario {
            get: |s, i| {
                let is = s.issues.get(i.issue)?;
                if !is.territorial {
                    return None;
                }
                is.start_km2.as_ref().map(Reading::num)
            },
            get_mut: |s, i| {
                let is = s.issues.get_mut(i.issue)?;
                if !is.territorial {
                    return None;
                }
                is.start_km2.as_mut().map(Target::Num)
            },
        },
        params: InParams {
            get: |p, i| territorial_is(p, i.issue).then_some(p.start_km2),
            put: |p, _i| Some(Store::Value(&mut p.start_km2)),
        },
    },
    // ---- Sides.
    {
        let (scenario, params) = side!(forces, forces);
        Param {
            path: "sides.*.forces",
            scope: Scope::Side,
            group: Group::Sides,
            label: "forces",
            unit: "personnel",
            range: Range { low: open(0.0), high: closed(1e8), phrase: "a number in (0, 10⁸]" },
            whole: false,
            basis: Basis::Measured,
            slider: Slider::Scale(1000.0),
            doc: "committed combat strength on the front",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(recruitment_per_week, recruitment);
        Param {
            path: "sides.*.recruitment_per_week",
            scope: Scope::Side,
            group: Group::Sides,
            label: "recruitment",
            unit: "personnel / week",
            range: Range { low: closed(0.0), high: closed(1e6), phrase: "a number in [0, 10⁶]" },
            whole: false,
            basis: Basis::Measured,
            slider: Slider::Scale(100.0),
            doc: "new personnel per week at full economy",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(return_to_duty, return_to_duty);
        Param {
            path: "sides.*.return_to_duty",
            scope: Scope::Side,
            group: Group::Sides,
            label: "return to duty",
            unit: "share of casualties",
            range: Range { low: closed(0.0), high: closed(0.99), phrase: "a share in [0, 0.99]" },
            whole: false,
            basis: Basis::Measured,
            slider: Slider::Valid(0.01),
            doc: "share of casualties that return to duty",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(effectiveness, effectiveness);
        Param {
            path: "sides.*.effectiveness",
            scope: Scope::Side,
            group: Group::Sides,
            label: "effectiveness",
            unit: "multiplier",
            range: POSITIVE,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 3.0, 0.01),
            doc: "combat effectiveness multiplier before aid",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(economy, economy);
        Param {
            path: "sides.*.economy",
            scope: Scope::Side,
            group: Group::Sides,
            label: "economy",
            unit: "capacity E",
            range: Range { low: closed(0.01), high: closed(1.0), phrase: "a number in [0.01, 1]" },
            whole: false,
            basis: Basis::Free,
            slider: Slider::Valid(0.01),
            doc: "economic capacity E at the start (1 = full)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(economy_recovery_per_week, recovery);
        Param {
            path: "sides.*.economy_recovery_per_week",
            scope: Scope::Side,
            group: Group::Sides,
            label: "economic recovery",
            unit: "share of the gap / week",
            range: SHARE,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 0.1, 0.001),
            doc: "weekly recovery of E toward 1, as a share of the gap (aid speeds it)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(strike_capacity, strike);
        Param {
            path: "sides.*.strike_capacity",
            scope: Scope::Side,
            group: Group::Sides,
            label: "strike capacity",
            unit: "E / week",
            range: SHARE,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 0.02, 0.0001),
            doc: "weekly reduction of the other side's E by strikes at intensity 1",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(casualties_per_week, casualties_per_week);
        Param {
            path: "sides.*.casualties_per_week",
            scope: Scope::Side,
            group: Group::Sides,
            label: "casualties",
            unit: "personnel / week",
            range: Range { low: open(0.0), high: closed(1e6), phrase: "a number in (0, 10⁶]" },
            whole: false,
            basis: Basis::Measured,
            slider: Slider::Scale(100.0),
            doc: "casualties this side suffers per week at the start, intensity 1 (calibrates the attrition law)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(war_cost_per_year, war_cost_per_year);
        Param {
            path: "sides.*.war_cost_per_year",
            scope: Scope::Side,
            group: Group::Sides,
            label: "war cost per year",
            unit: "utility / year",
            range: NONNEG,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 0.5, 0.005),
            doc: "cost of a year of war in utility points (the deal space spans 1)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(aid_dependence, aid_dependence);
        Param {
            path: "sides.*.aid_dependence",
            scope: Scope::Side,
            group: Group::Sides,
            label: "aid dependence",
            unit: "share",
            range: SHARE,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Valid(0.01),
            doc: "share of this side's effectiveness that depends on foreign aid",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(dispersal, dispersal);
        Param {
            path: "sides.*.dispersal",
            scope: Scope::Side,
            group: Group::Sides,
            label: "dispersal",
            unit: "exponent",
            range: SHARE,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Valid(0.05),
            doc: "how far this side fights dispersed and concealed (guerrilla war without a front): its losses are × its forces^dispersal, so at 1 area fire hits it in proportion to its own numbers (Deitchman 1962); 0: a front the enemy aims at",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(collapse_forces_fraction, collapse_forces_fraction);
        Param {
            path: "sides.*.collapse_forces_fraction",
            scope: Scope::Side,
            group: Group::Sides,
            label: "collapse below forces",
            unit: "share of the start",
            range: SHARE,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Valid(0.01),
            doc: "the side collapses when its forces fall below this share of the start",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(collapse_economy, collapse_economy);
        Param {
            path: "sides.*.collapse_economy",
            scope: Scope::Side,
            group: Group::Sides,
            label: "collapse below economy",
            unit: "capacity E",
            range: UNIT,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Valid(0.01),
            doc: "the side collapses when its economy falls below this level",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(effectiveness_shocks_per_year, edge_rate);
        Param {
            path: "sides.*.effectiveness_shocks_per_year",
            scope: Scope::Side,
            group: Group::Sides,
            label: "effectiveness edges",
            unit: "edges / year",
            range: PER_YEAR,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 4.0, 0.05),
            doc: "effectiveness edges this side wins per year (a drone or glide-bomb edge, a supplier's decision): a Poisson process, 0 = none (`docs/reference/front-dynamics.md` §4)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(effectiveness_shock_size, edge_size);
        Param {
            path: "sides.*.effectiveness_shock_size",
            scope: Scope::Side,
            group: Group::Sides,
            label: "edge size",
            unit: "relative change",
            range: Range { low: closed(-0.9), high: closed(5.0), phrase: "a relative change in [−0.9, 5]" },
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(-0.5, 1.0, 0.01),
            doc: "one edge multiplies the side's effectiveness by 1 + size when it arrives; it fades as the enemy adapts (`combat.effectiveness_shock_weeks`)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(mobilisation_per_year, mobilisation_rate);
        Param {
            path: "sides.*.mobilisation_per_year",
            scope: Scope::Side,
            group: Group::Sides,
            label: "mobilisation waves",
            unit: "waves / year",
            range: PER_YEAR,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 2.0, 0.01),
            doc: "mobilisation waves per year (a Poisson process), 0 = none",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(mobilisation_size, mobilisation_size);
        Param {
            path: "sides.*.mobilisation_size",
            scope: Scope::Side,
            group: Group::Sides,
            label: "mobilisation wave",
            unit: "personnel",
            range: NONNEG,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Scale(10000.0),
            doc: "personnel one mobilisation wave adds to the side's forces",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(mobilisation_weeks, mobilisation_weeks);
        Param {
            path: "sides.*.mobilisation_weeks",
            scope: Scope::Side,
            group: Group::Sides,
            label: "wave arrives over",
            unit: "weeks",
            range: FADE_WEEKS,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(1.0, 52.0, 1.0),
            doc: "weeks over which a wave's personnel reach the front, in equal weekly parts",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(economy_potential, economy_potential);
        Param {
            path: "sides.*.economy_potential",
            scope: Scope::Side,
            group: Group::Sides,
            label: "economic potential",
            unit: "capacity E",
            range: Range { low: open(0.0), high: closed(2.0), phrase: "a number in (0, 2]" },
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.1, 1.5, 0.01),
            doc: "the level E recovers toward with the start's aid and sanctions and no shocks (1 = full; above 1 keeps E at 1 despite steady strikes)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(economy_aid_dependence, economy_aid_dependence);
        Param {
            path: "sides.*.economy_aid_dependence",
            scope: Scope::Side,
            group: Group::Sides,
            label: "economy's aid share",
            unit: "share",
            range: SHARE,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Valid(0.01),
            doc: "share of the economic potential sustained by foreign aid: the potential × (1 − share × (1 − aid / aid at the start))",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(sanctions_drag, sanctions_drag);
        Param {
            path: "sides.*.sanctions_drag",
            scope: Scope::Side,
            group: Group::Sides,
            label: "sanctions drag",
            unit: "E / sanctions level",
            range: UNIT,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Valid(0.01),
            doc: "economic potential lost per unit the sanctions level rises above the start's (gained when sanctions are relieved; `sanctions` events set the level)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(oil_shocks_per_year, oil_rate);
        Param {
            path: "sides.*.oil_shocks_per_year",
            scope: Scope::Side,
            group: Group::Sides,
            label: "oil-revenue shocks",
            unit: "shocks / year",
            range: PER_YEAR,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 4.0, 0.05),
            doc: "oil-revenue shocks per year (a Poisson process; each raises or lowers the potential with equal chance), 0 = none",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(oil_shock_size, oil_size);
        Param {
            path: "sides.*.oil_shock_size",
            scope: Scope::Side,
            group: Group::Sides,
            label: "oil shock size",
            unit: "capacity E",
            range: UNIT,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 0.3, 0.005),
            doc: "points of economic potential one oil-revenue shock adds or removes",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(oil_shock_weeks, oil_weeks);
        Param {
            path: "sides.*.oil_shock_weeks",
            scope: Scope::Side,
            group: Group::Sides,
            label: "oil shock fades over",
            unit: "weeks",
            range: FADE_WEEKS,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(1.0, 260.0, 1.0),
            doc: "weeks over which an oil-revenue shock fades (e-folding)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(economy_dependence, economy_dependence);
        Param {
            path: "sides.*.economy_dependence",
            scope: Scope::Side,
            group: Group::Sides,
            label: "effectiveness from the economy",
            unit: "share",
            range: SHARE,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Valid(0.01),
            doc: "share of the side's effectiveness that depends on its economy: × (1 − share + share × E / E at the start)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = side!(economy_cost_elasticity, economy_cost_elasticity);
        Param {
            path: "sides.*.economy_cost_elasticity",
            scope: Scope::Side,
            group: Group::Sides,
            label: "cost of war vs economy",
            unit: "elasticity",
            range: Range { low: closed(0.0), high: closed(5.0), phrase: "a number in [0, 5]" },
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 3.0, 0.05),
            doc: "the cost of a year of war × (E at the start / E)^elasticity: a war weighs more on a weaker economy",
            presence: "",
            scenario,
            params,
        }
    },
    // ---- Actors.
    Param {
        path: "actors.*.capability",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "capability",
        unit: "weight",
        range: NONNEG,
        whole: false,
        basis: Basis::Measured,
        slider: Slider::Scale(10.0),
        doc: "weight in the compromise and, for belligerents, leverage in the Nash product",
        presence: "",
        scenario: num!(|s, i| s.actors[i.actor].capability),
        params: field!(|p, i| p.capability[i.actor]),
    },
    Param {
        path: "actors.*.resolve",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "resolve",
        unit: "divisor of war costs",
        range: POSITIVE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 3.0, 0.01),
        doc: "how heavily war costs weigh: costs are divided by resolve",
        presence: "",
        scenario: num!(|s, i| s.actors[i.actor].resolve),
        params: field!(|p, i| p.resolve[i.actor]),
    },
    Param {
        path: "actors.*.risk",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "risk attitude",
        unit: "",
        range: Range { low: closed(-1.0), high: closed(1.0), phrase: "a number in [−1, 1]" },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "> 0 risk averse (the uncertainty of war's outcome costs), < 0 risk acceptant",
        presence: "",
        scenario: num!(|s, i| s.actors[i.actor].risk),
        params: field!(|p, i| p.risk[i.actor]),
    },
    Param {
        path: "actors.*.positions.*",
        scope: Scope::ActorIssue,
        group: Group::Actors,
        label: "position",
        unit: "index 0–100",
        range: POSITION,
        whole: false,
        basis: Basis::Measured,
        slider: Slider::Valid(0.5),
        doc: "the actor's position on the issue",
        presence: "",
        scenario: InScenario {
            get: |s, i| per_issue(s, i, |a| &a.positions),
            get_mut: |s, i| {
                let issue = s.issues.get(i.issue)?.id.clone();
                s.actors.get_mut(i.actor)?.positions.get_mut(&issue).map(Target::Num)
            },
        },
        params: InParams {
            get: |p, i| Some(p.position[i.actor * p.issue_ids.len() + i.issue]),
            put: |p, i| Some(Store::Value(&mut p.position[i.actor * p.issue_ids.len() + i.issue])),
        },
    },
    Param {
        path: "actors.*.saliences.*",
        scope: Scope::ActorIssue,
        group: Group::Actors,
        label: "salience",
        unit: "0–100",
        range: SALIENCE,
        whole: false,
        basis: Basis::Measured,
        slider: Slider::Valid(1.0),
        doc: "how much the issue matters to the actor (normalised per actor inside the model; missing = 0)",
        presence: "",
        scenario: InScenario {
            get: |s, i| {
                s.issues.get(i.issue)?;
                s.actors.get(i.actor)?;
                Some(per_issue(s, i, |a| &a.saliences).unwrap_or(Reading::plain(0.0)))
            },
            get_mut: |s, i| {
                let issue = s.issues.get(i.issue)?.id.clone();
                Some(Target::Num(s.actors.get_mut(i.actor)?.saliences.entry(issue).or_default()))
            },
        },
        params: InParams {
            get: |p, i| Some(p.salience[i.actor * p.issue_ids.len() + i.issue] * 100.0),
            put: |p, i| Some(Store::Percent(&mut p.salience[i.actor * p.issue_ids.len() + i.issue])),
        },
    },
    Param {
        path: "actors.*.red_lines.*.at",
        scope: Scope::ActorIssue,
        group: Group::Actors,
        label: "red line",
        unit: "index 0–100",
        range: POSITION,
        whole: false,
        basis: Basis::Measured,
        slider: Slider::Valid(0.5),
        doc: "where the actor's public red line on the issue lies",
        presence: "actors with a red line on the issue that does not follow the line of control",
        scenario: InScenario {
            get: |s, i| {
                let rl = red_line(s, i)?;
                if rl.follows_line {
                    return None;
                }
                rl.at.as_ref().map(Reading::num)
            },
            get_mut: |s, i| {
                let rl = red_line_mut(s, i)?;
                if rl.follows_line {
                    return None;
                }
                rl.at.as_mut().map(Target::Num)
            },
        },
        params: InParams {
            get: |p, i| {
                let v = p.red_line[i.actor * p.issue_ids.len() + i.issue];
                (!v.is_nan()).then_some(v)
            },
            put: |p, i| Some(Store::Value(&mut p.red_line[i.actor * p.issue_ids.len() + i.issue])),
        },
    },
    Param {
        path: "actors.*.red_lines.*.audience_cost",
        scope: Scope::ActorIssue,
        group: Group::Actors,
        label: "audience cost",
        unit: "utility / 100 points",
        range: NONNEG,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 10.0, 0.1),
        doc: "utility lost per 100 points a deal concedes past the red line",
        presence: "actors with a red line on the issue",
        scenario: InScenario {
            get: |s, i| red_line(s, i).map(|rl| Reading::num(&rl.audience_cost)),
            get_mut: |s, i| red_line_mut(s, i).map(|rl| Target::Num(&mut rl.audience_cost)),
        },
        params: InParams {
            get: |p, i| {
                let at = i.actor * p.issue_ids.len() + i.issue;
                let has = !p.red_line[at].is_nan() || (p.follows_line[i.actor] && territorial_is(p, i.issue));
                has.then_some(p.audience_cost[at])
            },
            put: |p, i| Some(Store::Value(&mut p.audience_cost[i.actor * p.issue_ids.len() + i.issue])),
        },
    },
    Param {
        path: "actors.*.aid.level",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "aid level",
        unit: "scenario's aid unit",
        range: NONNEG,
        whole: false,
        basis: Basis::Measured,
        slider: Slider::Scale(5.0),
        doc: "aid to the receiving side at the start, in the scenario's aid unit (e.g. € bn a month)",
        presence: "actors that give aid",
        scenario: InScenario {
            get: |s, i| s.actors.get(i.actor)?.aid.as_ref().map(|a| Reading::num(&a.level)),
            get_mut: |s, i| s.actors.get_mut(i.actor)?.aid.as_mut().map(|a| Target::Num(&mut a.level)),
        },
        params: InParams {
            get: |p, i| p.aid[i.actor].map(|a| a.1),
            put: |p, i| p.aid[i.actor].as_mut().map(|a| Store::Value(&mut a.1)),
        },
    },
    Param {
        path: "actors.*.aid.fatigue_per_year",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "aid fatigue",
        unit: "share / year",
        range: SHARE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "share of the aid level lost per year",
        presence: "actors that give aid",
        scenario: InScenario {
            get: |s, i| s.actors.get(i.actor)?.aid.as_ref().map(|a| Reading::num(&a.fatigue_per_year)),
            get_mut: |s, i| s.actors.get_mut(i.actor)?.aid.as_mut().map(|a| Target::Num(&mut a.fatigue_per_year)),
        },
        params: InParams {
            get: |p, i| p.aid[i.actor].map(|a| a.2),
            put: |p, i| p.aid[i.actor].as_mut().map(|a| Store::Value(&mut a.2)),
        },
    },
    Param {
        path: "actors.*.aid.stop_hazard_per_year",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "aid stop hazard",
        unit: "probability / year",
        range: PROBABILITY,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "probability per year that the aid stops for good",
        presence: "actors that give aid",
        scenario: InScenario {
            get: |s, i| s.actors.get(i.actor)?.aid.as_ref().map(|a| Reading::num(&a.stop_hazard_per_year)),
            get_mut: |s, i| {
                s.actors.get_mut(i.actor)?.aid.as_mut().map(|a| Target::Num(&mut a.stop_hazard_per_year))
            }
        },
        params: InParams {
            get: |p, i| p.aid[i.actor].map(|a| a.3),
            put: |p, i| p.aid[i.actor].as_mut().map(|a| Store::Value(&mut a.3)),
        },
    },
    Param {
        path: "actors.*.patron.ally_share",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "ally's share of the forces",
        unit: "share of the side's forces",
        range: ALLY_SHARE,
        whole: false,
        basis: Basis::Measured,
        slider: Slider::Valid(0.01),
        doc: "as an ally: the share of its client side's pooled forces (`[[sides]]` forces include it) that are the patron's own and leave with it",
        presence: "actors that are patrons",
        scenario: InScenario {
            get: |s, i| s.actors.get(i.actor)?.patron.as_ref().map(|x| Reading::num(&x.ally_share)),
            get_mut: |s, i| s.actors.get_mut(i.actor)?.patron.as_mut().map(|x| Target::Num(&mut x.ally_share)),
        },
        params: InParams {
            get: |p, i| p.patron.get(i.actor)?.as_ref().filter(|x| !x.partner).map(|x| x.ally_share),
            put: |p, i| p.patron.get_mut(i.actor)?.as_mut().filter(|x| !x.partner).map(|x| Store::Value(&mut x.ally_share)),
        },
    },
    Param {
        path: "actors.*.patron.arms_cost_per_week",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "price of bought arms",
        unit: "E / week",
        range: SHARE,
        whole: false,
        basis: Basis::Measured,
        slider: Slider::Valid(0.001),
        doc: "as a supplier: economic capacity E a week its client pays for the arms at the aid line's starting level (0: arms given, not sold)",
        presence: "actors that are patrons",
        scenario: InScenario {
            get: |s, i| s.actors.get(i.actor)?.patron.as_ref().map(|x| Reading::num(&x.arms_cost_per_week)),
            get_mut: |s, i| s.actors.get_mut(i.actor)?.patron.as_mut().map(|x| Target::Num(&mut x.arms_cost_per_week)),
        },
        params: InParams {
            get: |p, i| p.patron.get(i.actor)?.as_ref().filter(|x| !x.partner).map(|x| x.arms_cost),
            put: |p, i| p.patron.get_mut(i.actor)?.as_mut().filter(|x| !x.partner).map(|x| Store::Value(&mut x.arms_cost)),
        },
    },
    Param {
        path: "actors.*.patron.mediator_pull",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "mediator's pull",
        unit: "share of the way",
        range: SHARE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "as the mediator: the share of the way its proposal moves from the Nash point toward its own positions (a biased mediator; Kydd 2003)",
        presence: "actors that are patrons",
        scenario: InScenario {
            get: |s, i| s.actors.get(i.actor)?.patron.as_ref().map(|x| Reading::num(&x.mediator_pull)),
            get_mut: |s, i| s.actors.get_mut(i.actor)?.patron.as_mut().map(|x| Target::Num(&mut x.mediator_pull)),
        },
        params: InParams {
            get: |p, i| p.patron.get(i.actor)?.as_ref().filter(|x| !x.partner).map(|x| x.pull),
            put: |p, i| p.patron.get_mut(i.actor)?.as_mut().filter(|x| !x.partner).map(|x| Store::Value(&mut x.pull)),
        },
    },
    Param {
        path: "actors.*.patron.mediator_leverage",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "mediator's leverage",
        unit: "utility",
        range: NONNEG,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 1.0, 0.01),
        doc: "as the mediator: utility added to its client's margins for a deal or a freeze (its pressure on the side it backs; Kydd 2003; Beardsley 2011)",
        presence: "actors that are patrons",
        scenario: InScenario {
            get: |s, i| s.actors.get(i.actor)?.patron.as_ref().map(|x| Reading::num(&x.mediator_leverage)),
            get_mut: |s, i| s.actors.get_mut(i.actor)?.patron.as_mut().map(|x| Target::Num(&mut x.mediator_leverage)),
        },
        params: InParams {
            get: |p, i| p.patron.get(i.actor)?.as_ref().filter(|x| !x.partner).map(|x| x.leverage),
            put: |p, i| p.patron.get_mut(i.actor)?.as_mut().filter(|x| !x.partner).map(|x| Store::Value(&mut x.leverage)),
        },
    },
    Param {
        path: "actors.*.patron.aid_leverage",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "supplier's leverage",
        unit: "weight 0–1",
        range: UNIT,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "as a supplier: the weight its client gives the supplier's view of a deal or a freeze, per unit of the share of the client's war effort its aid carries now (the client's margin moves that share × weight of the way to the supplier's; 0: aid buys no say; Kydd 2003)",
        presence: "actors that are patrons",
        scenario: InScenario {
            get: |s, i| s.actors.get(i.actor)?.patron.as_ref().map(|x| Reading::num(&x.aid_leverage)),
            get_mut: |s, i| s.actors.get_mut(i.actor)?.patron.as_mut().map(|x| Target::Num(&mut x.aid_leverage)),
        },
        params: InParams {
            get: |p, i| p.patron.get(i.actor)?.as_ref().filter(|x| !x.partner).map(|x| x.aid_leverage),
            put: |p, i| p.patron.get_mut(i.actor)?.as_mut().filter(|x| !x.partner).map(|x| Store::Value(&mut x.aid_leverage)),
        },
    },
    Param {
        path: "actors.*.patron.guarantee",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "guarantee credibility",
        unit: "credibility 0–1",
        range: UNIT,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "as a guarantor: the credibility of its guarantee while it holds the role (the larger of it and `protocol.guarantee_credibility` applies; Fortna 2003)",
        presence: "actors that are patrons",
        scenario: InScenario {
            get: |s, i| s.actors.get(i.actor)?.patron.as_ref().map(|x| Reading::num(&x.guarantee)),
            get_mut: |s, i| s.actors.get_mut(i.actor)?.patron.as_mut().map(|x| Target::Num(&mut x.guarantee)),
        },
        params: InParams {
            get: |p, i| p.patron.get(i.actor)?.as_ref().filter(|x| !x.partner).map(|x| x.guarantee),
            put: |p, i| p.patron.get_mut(i.actor)?.as_mut().filter(|x| !x.partner).map(|x| Store::Value(&mut x.guarantee)),
        },
    },
    Param {
        path: "actors.*.patron.cutoff_per_year",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "supplier cut-off hazard",
        unit: "probability / year",
        range: PROBABILITY,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "as a supplier: probability per year that it cuts its client off (the supplier role ends; recorded in the trace)",
        presence: "actors that are patrons",
        scenario: InScenario {
            get: |s, i| s.actors.get(i.actor)?.patron.as_ref().map(|x| Reading::num(&x.cutoff_per_year)),
            get_mut: |s, i| s.actors.get_mut(i.actor)?.patron.as_mut().map(|x| Target::Num(&mut x.cutoff_per_year)),
        },
        params: InParams {
            get: |p, i| p.patron.get(i.actor)?.as_ref().filter(|x| !x.partner).map(|x| x.cutoff_per_year),
            put: |p, i| p.patron.get_mut(i.actor)?.as_mut().filter(|x| !x.partner).map(|x| Store::Value(&mut x.cutoff_per_year)),
        },
    },
    Param {
        path: "actors.*.patron.exit_per_year",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "ally exit hazard",
        unit: "probability / year",
        range: PROBABILITY,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "as an ally: probability per year that its forces leave the war (the ally role ends; Clausewitz's \"secession of allies\")",
        presence: "actors that are patrons",
        scenario: InScenario {
            get: |s, i| s.actors.get(i.actor)?.patron.as_ref().map(|x| Reading::num(&x.exit_per_year)),
            get_mut: |s, i| s.actors.get_mut(i.actor)?.patron.as_mut().map(|x| Target::Num(&mut x.exit_per_year)),
        },
        params: InParams {
            get: |p, i| p.patron.get(i.actor)?.as_ref().filter(|x| !x.partner).map(|x| x.exit_per_year),
            put: |p, i| p.patron.get_mut(i.actor)?.as_mut().filter(|x| !x.partner).map(|x| Store::Value(&mut x.exit_per_year)),
        },
    },
    Param {
        path: "actors.*.patron.loss_weight",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "abandonment of a losing client",
        unit: "weight",
        range: LOSS_WEIGHT,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 3.0, 0.05),
        doc: "as a supplier or an ally: its cut-off and exit hazards × exp(k · x), x = the share of the way the line has moved from the start toward its client's collapse line (0–1; 0: constant hazards; patrons abandon losing clients, Clausewitz's secession of allies)",
        presence: "actors that are patrons",
        scenario: InScenario {
            get: |s, i| s.actors.get(i.actor)?.patron.as_ref().map(|x| Reading::num(&x.loss_weight)),
            get_mut: |s, i| s.actors.get_mut(i.actor)?.patron.as_mut().map(|x| Target::Num(&mut x.loss_weight)),
        },
        params: InParams {
            get: |p, i| p.patron.get(i.actor)?.as_ref().filter(|x| !x.partner).map(|x| x.loss_weight),
            put: |p, i| p.patron.get_mut(i.actor)?.as_mut().filter(|x| !x.partner).map(|x| Store::Value(&mut x.loss_weight)),
        },
    },
    Param {
        path: "actors.*.patron.mediate_per_year",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "patron drawn in by ripeness",
        unit: "rate / year at full ripeness",
        range: PER_YEAR,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 4.0, 0.05),
        doc: "the yearly rate at which it takes the mediator's seat from the protocol's mediator, × this week's ripeness (the hurting stalemate that draws the protocol's mediator in; Zartman 2000; 0: never by ripeness)",
        presence: "actors that are patrons",
        scenario: InScenario {
            get: |s, i| s.actors.get(i.actor)?.patron.as_ref().map(|x| Reading::num(&x.mediate_per_year)),
            get_mut: |s, i| s.actors.get_mut(i.actor)?.patron.as_mut().map(|x| Target::Num(&mut x.mediate_per_year)),
        },
        params: InParams {
            get: |p, i| p.patron.get(i.actor)?.as_ref().filter(|x| !x.partner).map(|x| x.mediate_per_year),
            put: |p, i| p.patron.get_mut(i.actor)?.as_mut().filter(|x| !x.partner).map(|x| Store::Value(&mut x.mediate_per_year)),
        },
    },
    Param {
        path: "actors.*.patron.leave_seat_per_year",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "patron steps back as the war eases",
        unit: "rate / year, no ripeness",
        range: PER_YEAR,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 4.0, 0.05),
        doc: "the yearly rate at which, holding the mediator's seat, it gives it back to the protocol's mediator, × (1 − this week's ripeness): a backer steps into the chair while the war is ripe and steps back when the hurting stalemate that drew it in eases (mediation comes in episodes: Greig 2005, Greig & Diehl 2012; a mediator with leverage pursues its own interests and its attention is limited, Beardsley 2011); 0: only a scheduled event takes the role away",
        presence: "actors that are patrons",
        scenario: InScenario {
            get: |s, i| s.actors.get(i.actor)?.patron.as_ref().map(|x| Reading::num(&x.leave_seat_per_year)),
            get_mut: |s, i| s.actors.get_mut(i.actor)?.patron.as_mut().map(|x| Target::Num(&mut x.leave_seat_per_year)),
        },
        params: InParams {
            get: |p, i| p.patron.get(i.actor)?.as_ref().filter(|x| !x.partner).map(|x| x.leave_seat_per_year),
            put: |p, i| p.patron.get_mut(i.actor)?.as_mut().filter(|x| !x.partner).map(|x| Store::Value(&mut x.leave_seat_per_year)),
        },
    },
    Param {
        path: "actors.*.coalition.share",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "partner's share of the forces",
        unit: "share of the side's forces",
        range: PARTNER_SHARE,
        whole: false,
        basis: Basis::Measured,
        slider: Slider::Valid(0.01),
        doc: "a coalition partner's share of its side's pooled forces (`[[sides]]` forces include it); they leave with it",
        presence: "coalition partners",
        scenario: InScenario {
            get: |s, i| s.actors.get(i.actor)?.coalition.as_ref().map(|x| Reading::num(&x.share)),
            get_mut: |s, i| s.actors.get_mut(i.actor)?.coalition.as_mut().map(|x| Target::Num(&mut x.share)),
        },
        params: InParams {
            get: |p, i| p.patron.get(i.actor)?.as_ref().filter(|x| x.partner).map(|x| x.ally_share),
            put: |p, i| p.patron.get_mut(i.actor)?.as_mut().filter(|x| x.partner).map(|x| Store::Value(&mut x.ally_share)),
        },
    },
    Param {
        path: "actors.*.coalition.exit_per_year",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "partner exit hazard",
        unit: "probability / year",
        range: PROBABILITY,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "probability per year that a coalition partner leaves the war: its forces go and it no longer votes on a deal or a freeze",
        presence: "coalition partners",
        scenario: InScenario {
            get: |s, i| s.actors.get(i.actor)?.coalition.as_ref().map(|x| Reading::num(&x.exit_per_year)),
            get_mut: |s, i| s.actors.get_mut(i.actor)?.coalition.as_mut().map(|x| Target::Num(&mut x.exit_per_year)),
        },
        params: InParams {
            get: |p, i| p.patron.get(i.actor)?.as_ref().filter(|x| x.partner).map(|x| x.exit_per_year),
            put: |p, i| p.patron.get_mut(i.actor)?.as_mut().filter(|x| x.partner).map(|x| Store::Value(&mut x.exit_per_year)),
        },
    },
    Param {
        path: "actors.*.coalition.dependence",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "partner's dependence on its lead",
        unit: "share of its war effort",
        range: SHARE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "the share of a coalition partner's war effort that its side's lead carries (arms, money, forces): with `lead_leverage`, how far the partner's margins move toward its lead's (the US and Rhee, 1953; 0: no pull)",
        presence: "coalition partners",
        scenario: InScenario {
            get: |s, i| s.actors.get(i.actor)?.coalition.as_ref().map(|x| Reading::num(&x.dependence)),
            get_mut: |s, i| s.actors.get_mut(i.actor)?.coalition.as_mut().map(|x| Target::Num(&mut x.dependence)),
        },
        params: InParams {
            get: |p, i| p.patron.get(i.actor)?.as_ref().filter(|x| x.partner).map(|x| x.dependence),
            put: |p, i| p.patron.get_mut(i.actor)?.as_mut().filter(|x| x.partner).map(|x| Store::Value(&mut x.dependence)),
        },
    },
    Param {
        path: "actors.*.coalition.lead_leverage",
        scope: Scope::Actor,
        group: Group::Actors,
        label: "lead's leverage over a partner",
        unit: "weight 0–1",
        range: UNIT,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "the weight a coalition partner gives its side's lead's view of a deal or a freeze per unit of its `dependence` (the partner's margin moves that weight × dependence of the way to the lead's; a supplier's `aid_leverage` for the lead; 0: no say)",
        presence: "coalition partners",
        scenario: InScenario {
            get: |s, i| s.actors.get(i.actor)?.coalition.as_ref().map(|x| Reading::num(&x.lead_leverage)),
            get_mut: |s, i| s.actors.get_mut(i.actor)?.coalition.as_mut().map(|x| Target::Num(&mut x.lead_leverage)),
        },
        params: InParams {
            get: |p, i| p.patron.get(i.actor)?.as_ref().filter(|x| x.partner).map(|x| x.lead_leverage),
            put: |p, i| p.patron.get_mut(i.actor)?.as_mut().filter(|x| x.partner).map(|x| Store::Value(&mut x.lead_leverage)),
        },
    },
    // ---- Combat.
    Param {
        path: "combat.exponent_p",
        scope: Scope::Global,
        group: Group::Combat,
        label: "Lanchester exponent p",
        unit: "",
        range: Range { low: closed(0.0), high: closed(2.0), phrase: "a number in [0, 2]" },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.05),
        doc: "generalised Lanchester law: casualties of A ∝ F_B^p · F_A^q (square law p = 1, q = 0)",
        presence: "",
        scenario: num!(|s, _i| s.combat.exponent_p),
        params: field!(|p, _i| p.exponent_p),
    },
    Param {
        path: "combat.exponent_q",
        scope: Scope::Global,
        group: Group::Combat,
        label: "Lanchester exponent q",
        unit: "",
        range: Range { low: closed(0.0), high: closed(2.0), phrase: "a number in [0, 2]" },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.05),
        doc: "the own-force exponent of the generalised Lanchester law",
        presence: "",
        scenario: num!(|s, _i| s.combat.exponent_q),
        params: field!(|p, _i| p.exponent_q),
    },
    Param {
        path: "combat.casualty_noise",
        scope: Scope::Global,
        group: Group::Combat,
        label: "casualty noise",
        unit: "sd of log",
        range: Range { low: closed(0.0), high: closed(2.0), phrase: "a number in [0, 2]" },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "sd of the mean-one lognormal weekly shock on casualties",
        presence: "",
        scenario: num!(|s, _i| s.combat.casualty_noise),
        params: field!(|p, _i| p.casualty_noise),
    },
    Param {
        path: "combat.calibrated_gain_km2_per_week",
        scope: Scope::Global,
        group: Group::Combat,
        label: "calibrated gain",
        unit: "km² / week",
        range: KM2_ANY,
        whole: false,
        basis: Basis::Measured,
        slider: Slider::Scale(100.0),
        doc: "mean weekly gain of the first side at the start, intensity 1 (0: no calibration; the drift follows the force ratio)",
        presence: "",
        scenario: num!(|s, _i| s.combat.calibrated_gain_km2_per_week),
        params: field!(|p, _i| p.calibrated_gain),
    },
    Param {
        path: "combat.max_gain_km2_per_week",
        scope: Scope::Global,
        group: Group::Combat,
        label: "largest movement",
        unit: "km² / week",
        range: Range { low: open(0.0), high: closed(1e9), phrase: "a number in (0, 10⁹]" },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Scale(100.0),
        doc: "largest mean weekly movement of the front as the force ratio grows",
        presence: "",
        scenario: num!(|s, _i| s.combat.max_gain_km2_per_week),
        params: field!(|p, _i| p.max_gain),
    },
    Param {
        path: "combat.gain_steepness",
        scope: Scope::Global,
        group: Group::Combat,
        label: "front steepness κ",
        unit: "",
        range: POSITIVE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 5.0, 0.05),
        doc: "κ: movement = v·tanh(κ·ln(ρ/D)) outside the defender's band [1/D, D]",
        presence: "",
        scenario: num!(|s, _i| s.combat.gain_steepness),
        params: field!(|p, _i| p.gain_steepness),
    },
    Param {
        path: "combat.defender_advantage",
        scope: Scope::Global,
        group: Group::Combat,
        label: "defender's advantage D",
        unit: "force ratio",
        range: Range { low: closed(1.0), high: closed(10.0), phrase: "a number in [1, 10]" },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(1.0, 3.0, 0.01),
        doc: "the force ratio an attacker needs before it advances at all",
        presence: "",
        scenario: num!(|s, _i| s.combat.defender_advantage),
        params: field!(|p, _i| p.defender_advantage),
    },
    Param {
        path: "combat.front_noise_km2",
        scope: Scope::Global,
        group: Group::Combat,
        label: "front noise",
        unit: "km²",
        range: Range { low: closed(0.0), high: closed(1e9), phrase: "a number in [0, 10⁹]" },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Scale(10.0),
        doc: "scale of the weekly Student-t shock on the front",
        presence: "",
        scenario: num!(|s, _i| s.combat.front_noise_km2),
        params: field!(|p, _i| p.front_noise),
    },
    Param {
        path: "combat.front_tail_dof",
        scope: Scope::Global,
        group: Group::Combat,
        label: "front shock tails",
        unit: "degrees of freedom",
        range: Range { low: closed(1.0), high: closed(1000.0), phrase: "a number in [1, 1000]" },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(1.0, 30.0, 0.5),
        doc: "degrees of freedom of the front shock (small = fat tails, breakthroughs)",
        presence: "",
        scenario: num!(|s, _i| s.combat.front_tail_dof),
        params: field!(|p, _i| p.front_tail_dof),
    },
    Param {
        path: "combat.offensive_start_per_year",
        scope: Scope::Global,
        group: Group::Combat,
        label: "offensives started",
        unit: "offensives / year",
        range: PER_YEAR,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 12.0, 0.1),
        doc: "with `regimes`: offensives a side launches per year from a positional front at a force ratio equal to the defender's advantage, × the month's seasonality",
        presence: "",
        scenario: num!(|s, _i| s.combat.offensive_start_per_year),
        params: field!(|p, _i| p.offensive_start_per_year),
    },
    Param {
        path: "combat.offensive_end_per_year",
        scope: Scope::Global,
        group: Group::Combat,
        label: "offensives ended",
        unit: "offensives / year",
        range: PER_YEAR,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 12.0, 0.1),
        doc: "with `regimes`: offensives that end per year at a force ratio equal to the defender's advantage, ÷ the month's seasonality",
        presence: "",
        scenario: num!(|s, _i| s.combat.offensive_end_per_year),
        params: field!(|p, _i| p.offensive_end_per_year),
    },
    Param {
        path: "combat.regime_ratio_exponent",
        scope: Scope::Global,
        group: Group::Combat,
        label: "regime ratio exponent",
        unit: "",
        range: Range { low: closed(0.0), high: closed(20.0), phrase: "a number in [0, 20]" },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 10.0, 0.1),
        doc: "with `regimes`: both hazards follow (ρ / D)^k, ρ the side's effective force ratio, D the defender's (prepared) advantage",
        presence: "",
        scenario: num!(|s, _i| s.combat.regime_ratio_exponent),
        params: field!(|p, _i| p.regime_ratio_exponent),
    },
    Param {
        path: "combat.positional_intensity",
        scope: Scope::Global,
        group: Group::Combat,
        label: "positional intensity",
        unit: "multiplier",
        range: Range { phrase: "a multiplier in [0, 1]", ..UNIT },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "with `regimes`: fighting intensity (casualties, costs, noise) of a positional front relative to an offensive",
        presence: "",
        scenario: num!(|s, _i| s.combat.positional_intensity),
        params: field!(|p, _i| p.positional_intensity),
    },
    Param {
        path: "combat.attacker_loss_factor",
        scope: Scope::Global,
        group: Group::Combat,
        label: "attacker's loss premium",
        unit: "multiplier",
        range: Range { low: closed(1.0), high: closed(5.0), phrase: "a multiplier in [1, 5]" },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(1.0, 3.0, 0.01),
        doc: "with `regimes`: the attacker's casualties × this and the defender's ÷ this (calibrated to the start's regime)",
        presence: "",
        scenario: num!(|s, _i| s.combat.attacker_loss_factor),
        params: field!(|p, _i| p.attacker_loss_factor),
    },
    Param {
        path: "combat.culmination_per_1000_km2",
        scope: Scope::Global,
        group: Group::Combat,
        label: "culmination by depth",
        unit: "log effectiveness / 1,000 km²",
        range: NONNEG,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 1.0, 0.005),
        doc: "the attacker's log effectiveness falls by this per 1,000 km² it advances (Clausewitz's culminating point; Boulding's loss-of-strength gradient); 0 = none",
        presence: "",
        scenario: num!(|s, _i| s.combat.culmination_per_1000_km2),
        params: field!(|p, _i| p.culmination_per_1000_km2),
    },
    Param {
        path: "combat.culmination_per_force_lost",
        scope: Scope::Global,
        group: Group::Combat,
        label: "culmination by losses",
        unit: "log effectiveness / force lost",
        range: NONNEG,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 2.0, 0.01),
        doc: "the attacker's log effectiveness falls by this per force-equivalent of casualties while advancing; 0 = none",
        presence: "",
        scenario: num!(|s, _i| s.combat.culmination_per_force_lost),
        params: field!(|p, _i| p.culmination_per_force_lost),
    },
    Param {
        path: "combat.exhaustion_recovery_weeks",
        scope: Scope::Global,
        group: Group::Combat,
        label: "recovery from culmination",
        unit: "weeks",
        range: FADE_WEEKS,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(1.0, 104.0, 1.0),
        doc: "weeks over which a side not advancing rebuilds its reserves and recovers from culmination (e-folding)",
        presence: "",
        scenario: num!(|s, _i| s.combat.exhaustion_recovery_weeks),
        params: field!(|p, _i| p.exhaustion_recovery_weeks),
    },
    Param {
        path: "combat.preparation_advantage",
        scope: Scope::Global,
        group: Group::Combat,
        label: "prepared defences",
        unit: "multiplier",
        range: Range { low: closed(0.0), high: closed(10.0), phrase: "a number in [0, 10]" },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 2.0, 0.01),
        doc: "fully prepared defences raise the defender's advantage D and the attacker's losses × (1 + this); 0 = no digging in",
        presence: "",
        scenario: num!(|s, _i| s.combat.preparation_advantage),
        params: field!(|p, _i| p.preparation_advantage),
    },
    Param {
        path: "combat.preparation_weeks",
        scope: Scope::Global,
        group: Group::Combat,
        label: "time to dig in",
        unit: "weeks",
        range: FADE_WEEKS,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(1.0, 104.0, 1.0),
        doc: "weeks a defender needs to prepare its defences (e-folding)",
        presence: "",
        scenario: num!(|s, _i| s.combat.preparation_weeks),
        params: field!(|p, _i| p.preparation_weeks),
    },
    Param {
        path: "combat.preparation_belt_km2",
        scope: Scope::Global,
        group: Group::Combat,
        label: "depth of prepared belt",
        unit: "km²",
        range: POSITIVE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Scale(100.0),
        doc: "km² of enemy advance that overrun a side's prepared defences by a factor e",
        presence: "",
        scenario: num!(|s, _i| s.combat.preparation_belt_km2),
        params: field!(|p, _i| p.preparation_belt_km2),
    },
    Param {
        path: "combat.effectiveness_shock_weeks",
        scope: Scope::Global,
        group: Group::Combat,
        label: "edge fades over",
        unit: "weeks",
        range: FADE_WEEKS,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(1.0, 104.0, 1.0),
        doc: "weeks over which an effectiveness edge fades as the enemy adapts (e-folding)",
        presence: "",
        scenario: num!(|s, _i| s.combat.effectiveness_shock_weeks),
        params: field!(|p, _i| p.edge_weeks),
    },
    // ---- Seasonality.
    Param {
        path: "seasonality.monthly.*",
        scope: Scope::Month,
        group: Group::Seasonality,
        label: "intensity",
        unit: "multiplier",
        range: Range { low: closed(0.0), high: closed(100.0), phrase: "a multiplier in [0, 100]" },
        whole: false,
        basis: Basis::Measured,
        slider: Slider::Span(0.0, 2.0, 0.01),
        doc: "intensity multiplier of a calendar month (1 = January; mean about 1)",
        presence: "",
        scenario: InScenario {
            get: |s, i| {
                let v = *s.seasonality.monthly.get(i.month)?;
                Some(Reading { value: v, source: s.seasonality.source.as_deref() })
            },
            get_mut: |s, i| s.seasonality.monthly.get_mut(i.month).map(Target::Plain),
        },
        params: field!(|p, i| p.season[i.month]),
    },
    // ---- Intensity.
    Param {
        path: "intensity.fatigue_per_year",
        scope: Scope::Global,
        group: Group::Intensity,
        label: "war fatigue",
        unit: "share / year",
        range: SHARE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "share of intensity lost per year of war (exhaustion)",
        presence: "",
        scenario: num!(|s, _i| s.intensity.fatigue_per_year),
        params: field!(|p, _i| p.fatigue_per_year),
    },
    Param {
        path: "intensity.escalation_probability",
        scope: Scope::Global,
        group: Group::Intensity,
        label: "escalation probability",
        unit: "probability / failed round",
        range: PROBABILITY,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "probability that failed talks trigger an escalation pulse",
        presence: "",
        scenario: num!(|s, _i| s.intensity.escalation_probability),
        params: field!(|p, _i| p.escalation_probability),
    },
    Param {
        path: "intensity.escalation_pulse",
        scope: Scope::Global,
        group: Group::Intensity,
        label: "escalation pulse",
        unit: "intensity",
        range: Range { low: closed(0.0), high: closed(100.0), phrase: "a number in [0, 100]" },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 2.0, 0.01),
        doc: "size of a pulse, added to the intensity multiplier",
        presence: "",
        scenario: num!(|s, _i| s.intensity.escalation_pulse),
        params: field!(|p, _i| p.escalation_pulse),
    },
    Param {
        path: "intensity.escalation_decay",
        scope: Scope::Global,
        group: Group::Intensity,
        label: "escalation decay",
        unit: "factor / week",
        range: Range { phrase: "a factor in [0, 1]", ..UNIT },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "weekly decay factor of a pulse",
        presence: "",
        scenario: num!(|s, _i| s.intensity.escalation_decay),
        params: field!(|p, _i| p.escalation_decay),
    },
    // ---- Beliefs.
    Param {
        path: "beliefs.*.optimism_km2_per_week",
        scope: Scope::Side,
        group: Group::Beliefs,
        label: "prior optimism",
        unit: "km² / week",
        range: KM2_ANY,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(-200.0, 200.0, 1.0),
        doc: "how far the side's prior mean of the front's drift lies from the true one in its favour (0 without a table)",
        presence: "",
        scenario: InScenario {
            get: |s, i| belief(s, i, |b| &b.optimism_km2_per_week),
            get_mut: |s, i| belief_mut(s, i, |b| &mut b.optimism_km2_per_week),
        },
        params: field!(|p, i| p.sides[i.side].optimism),
    },
    Param {
        path: "beliefs.*.confidence_weeks",
        scope: Scope::Side,
        group: Group::Beliefs,
        label: "prior confidence",
        unit: "weeks of evidence",
        range: POSITIVE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 260.0, 1.0),
        doc: "precision of the prior, in weeks of observation (26 without a table)",
        presence: "",
        scenario: InScenario {
            get: |s, i| belief(s, i, |b| &b.confidence_weeks),
            get_mut: |s, i| belief_mut(s, i, |b| &mut b.confidence_weeks),
        },
        params: field!(|p, i| p.sides[i.side].confidence_weeks),
    },
    Param {
        path: "beliefs.*.memory_weeks",
        scope: Scope::Side,
        group: Group::Beliefs,
        label: "memory",
        unit: "weeks",
        range: Range { low: closed(1.0), high: closed(1e6), phrase: "weeks in [1, 1000000]" },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(1.0, 520.0, 1.0),
        doc: "memory of the learning; older evidence is discounted (52 by default)",
        presence: "",
        scenario: InScenario {
            get: |s, i| belief(s, i, |b| &b.memory_weeks),
            get_mut: |s, i| belief_mut(s, i, |b| &mut b.memory_weeks),
        },
        params: field!(|p, i| p.sides[i.side].memory_weeks),
    },
    // ---- Politics.
    {
        let (scenario, params) = politics!(removal_per_year);
        Param {
            path: "politics.*.removal_per_year",
            scope: Scope::Side,
            group: Group::Politics,
            label: "leader removal",
            unit: "rate / year",
            range: NONNEG,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 0.5, 0.005),
            doc: "rate of the leader's irregular removal (coup, ouster, death) with no losses; weekly probability 1 − exp(−rate/52) (0 without a table)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = politics!(removal_loss_weight);
        Param {
            path: "politics.*.removal_loss_weight",
            scope: Scope::Side,
            group: Group::Politics,
            label: "removal: weight of losses",
            unit: "per unit of losses",
            range: NONNEG,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 10.0, 0.1),
            doc: "removal rate × exp(w · losses), losses = casualties so far / starting forces + economic crisis (0–1)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = politics!(successor_audience);
        Param {
            path: "politics.*.successor_audience",
            scope: Scope::Side,
            group: Group::Politics,
            label: "successor's audience costs",
            unit: "share of the predecessor's",
            range: NONNEG,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 2.0, 0.01),
            doc: "a non-culpable successor's audience costs for crossing the side's red lines, as a share of the culpable leader's (Croco 2011; 1 without a table)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = politics!(successor_resolve);
        Param {
            path: "politics.*.successor_resolve",
            scope: Scope::Side,
            group: Group::Politics,
            label: "successor's resolve",
            unit: "share of the predecessor's",
            range: POSITIVE,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.05, 2.0, 0.01),
            doc: "a successor's resolve as a share of its predecessor's (1 without a table)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = politics!(gamble);
        Param {
            path: "politics.*.gamble",
            scope: Scope::Side,
            group: Group::Politics,
            label: "gamble for resurrection",
            unit: "per unit of losses",
            range: NONNEG,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 5.0, 0.05),
            doc: "a culpable leader's resolve × (1 + g · losses): a leader who fears forcible removal fights on (Goemans 2000; 0 without a table)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = politics!(crisis_economy);
        Param {
            path: "politics.*.crisis_economy",
            scope: Scope::Side,
            group: Group::Politics,
            label: "economic crisis below",
            unit: "capacity E",
            range: UNIT,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Valid(0.01),
            doc: "economy level below which the side is in crisis; the crisis deepens linearly to 1 at E = 0 (0: never)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = politics!(crisis_weight);
        Param {
            path: "politics.*.crisis_weight",
            scope: Scope::Side,
            group: Group::Politics,
            label: "weight of a crisis",
            unit: "",
            range: NONNEG,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 5.0, 0.05),
            doc: "at full crisis the side's war costs and its actors' concessions are × (1 + w)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = politics!(collapse_per_year);
        Param {
            path: "politics.*.collapse_per_year",
            scope: Scope::Side,
            group: Group::Politics,
            label: "collapse hazard",
            unit: "rate / year",
            range: NONNEG,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 1.0, 0.005),
            doc: "rate at which the side breaks (its army dissolves or its government gives way) at the start's forces, economy and places; weekly probability 1 − exp(−λ/52), λ = rate · exp(w_d · decline + w_o · places lost + w_m · misjudgement) (Powell 2004; 0 without a table: collapse only at the floors)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = politics!(collapse_decline_weight);
        Param {
            path: "politics.*.collapse_decline_weight",
            scope: Scope::Side,
            group: Group::Politics,
            label: "collapse: weight of decline",
            unit: "per unit of decline",
            range: NONNEG,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 10.0, 0.1),
            doc: "collapse hazard × exp(w · decline), decline = the share of the way from the start to the forces floor plus that to the economy floor (each 0–1)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = politics!(collapse_objective_weight);
        Param {
            path: "politics.*.collapse_objective_weight",
            scope: Scope::Side,
            group: Group::Politics,
            label: "collapse: weight of lost places",
            unit: "per unit of value",
            range: NONNEG,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 10.0, 0.1),
            doc: "collapse hazard × exp(w · lost), lost = the value (0–1 each) of the `[[objectives]]` the side held at the start and has lost, net of those it has taken",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = politics!(objective_resolve);
        Param {
            path: "politics.*.objective_resolve",
            scope: Scope::Side,
            group: Group::Politics,
            label: "resolve lost with places",
            unit: "per unit of value",
            range: NONNEG,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 5.0, 0.05),
            doc: "the side's resolve × exp(−r · lost) as its `[[objectives]]` fall (restored as they are retaken): a lost place makes the war costlier to go on with",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = politics!(collapse_misjudgement_weight);
        Param {
            path: "politics.*.collapse_misjudgement_weight",
            scope: Scope::Side,
            group: Group::Politics,
            label: "collapse: weight of a misjudged balance",
            unit: "per front's largest movement",
            range: NONNEG,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 20.0, 0.1),
            doc: "collapse hazard × exp(w · m), m = how far the side's believed weekly gain exceeds the mean gain the front's law gives at the force ratio now, over the front's largest weekly movement: victory comes early, to the side that misjudged the balance less (war-termination.md §2; Kreutz 2010)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = politics!(collapse_imbalance_weight);
        Param {
            path: "politics.*.collapse_imbalance_weight",
            scope: Scope::Side,
            group: Group::Politics,
            label: "collapse: weight of being outmatched",
            unit: "per log of the force ratio",
            range: NONNEG,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 10.0, 0.1),
            doc: "collapse hazard × exp(w · b), b = ln(the other side's combat power at the front / the side's) when above 0: a side outmatched at the front breaks sooner, so lopsided wars end early and decisively (Bennett & Stam 1996; Powell 2004; war-endings.md §17)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = politics!(aims_per_year);
        Param {
            path: "politics.*.aims_per_year",
            scope: Scope::Side,
            group: Group::Politics,
            label: "aims follow fortunes",
            unit: "share of the gap / year",
            range: PER_YEAR,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 5.0, 0.05),
            doc: "the side's red lines move toward where its believed chance of prevailing puts them (its opening aim at the origin's belief, total victory at certainty, capitulation at none), closing 1 − exp(−rate · t) of the gap in t years: demands rise with success and fall with failure (Filson & Werner 2002; Slantchev 2003; Goemans 2000); 0: fixed red lines (without a table)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = politics!(aims_retreat);
        Param {
            path: "politics.*.aims_retreat",
            scope: Scope::Side,
            group: Group::Politics,
            label: "aims: speed of climbing down",
            unit: "share of the speed of advance",
            range: SHARE,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 1.0, 0.01),
            doc: "a culpable leader lowers a public aim at this share of the speed at which aims rise (audience costs: Fearon 1994; Tomz 2007; Croco 2011); a successor's climb-down is faster, 1 − (1 − r) · its audience share (1 without a table: symmetric)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = politics!(entrenchment);
        Param {
            path: "politics.*.entrenchment",
            scope: Scope::Side,
            group: Group::Politics,
            label: "entrenchment by costs paid",
            unit: "per unit of losses",
            range: NONNEG,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 5.0, 0.05),
            doc: "while the leader who began the war is in office, its audience share of the side's red lines × (1 + e · losses), losses = casualties so far / starting forces + economic crisis: the more the war has cost, the dearer any deal or freeze short of a public aim, because terms must justify the sacrifice (Iklé 1971; Goemans 2000); a successor is spared (Croco 2011); 0: none (without a table)",
            presence: "",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = politics!(outlast_hope);
        Param {
            path: "politics.*.outlast_hope",
            scope: Scope::Side,
            group: Group::Politics,
            label: "hope to outlast the other side",
            unit: "share",
            range: SHARE,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Span(0.0, 1.0, 0.01),
            doc: "the side's belief, which fighting does not test, that the other side's aims are limited and it will give up first: its perceived stalemate (no way to win) × (1 − h), so ripeness, the mediator it draws in and the onset of low activity stay low while it hopes; uncertainty about aims, unlike uncertainty about power, is not revealed by fighting, so wars where it is large last long (Spaniel & Bils 2018; Slantchev 2003); 0: none (without a table)",
            presence: "",
            scenario,
            params,
        }
    },
    // ---- Protocol.
    Param {
        path: "protocol.cadence_weeks",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "a talk round every",
        unit: "weeks",
        range: WEEKS,
        whole: true,
        basis: Basis::Free,
        slider: Slider::Span(1.0, 52.0, 1.0),
        doc: "weeks between scheduled talk rounds (elections, guarantee offers and `talks` events add rounds)",
        presence: "",
        scenario: InScenario {
            get: |s, _i| Some(Reading::plain(s.protocol.cadence_weeks as f64)),
            get_mut: |s, _i| Some(Target::Weeks(&mut s.protocol.cadence_weeks)),
        },
        params: InParams { get: |p, _i| Some(p.cadence as f64), put: |p, _i| Some(Store::Weeks(&mut p.cadence)) },
    },
    Param {
        path: "protocol.rounds_per_week",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "talk rounds in a week of talks",
        unit: "rounds",
        range: ROUNDS_PER_WEEK,
        whole: true,
        basis: Basis::Free,
        slider: Slider::Span(1.0, 7.0, 1.0),
        doc: "the clock of the talks inside the weekly step: a week with talks holds a session of up to this many rounds (7: one a day), each failed round conceding as a round does and the next voting on the positions it left, the session's failure (escalation pulse, the mediator's frustration, a suspension, a strike moratorium) weighed once after its last round, so that the weekly hazards stay weekly; an agreement ends the session. The interval between offers is the bargaining's clock: the shorter it is, the sooner in calendar time concessions meet (Rubinstein 1982; Binmore, Rubinstein & Wolinsky 1986), as in round-the-clock summitry (Dayton's 21 days, Camp David's 13) or daily crisis diplomacy in wars of a few weeks; 1: one round a week (the engine before)",
        presence: "",
        scenario: num!(|s, _i| s.protocol.rounds_per_week),
        params: InParams {
            get: |p, _i| Some(p.rounds_per_week as f64),
            put: |p, _i| Some(Store::Weeks(&mut p.rounds_per_week)),
        },
    },
    Param {
        path: "protocol.acceptance_noise",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "acceptance noise",
        unit: "utility",
        range: POSITIVE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 0.05, 0.0005),
        doc: "logistic noise of acceptance: P(accept) = 1 / (1 + exp(−margin / noise))",
        presence: "",
        scenario: num!(|s, _i| s.protocol.acceptance_noise),
        params: field!(|p, _i| p.acceptance_noise),
    },
    Param {
        path: "protocol.concession_rate",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "concession rate",
        unit: "share / failed round",
        range: SHARE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 0.3, 0.005),
        doc: "share of the gap to the collective forecast an actor concedes after a failed round",
        presence: "",
        scenario: num!(|s, _i| s.protocol.concession_rate),
        params: field!(|p, _i| p.concession_rate),
    },
    Param {
        path: "protocol.momentum_hardening",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "momentum hardening",
        unit: "",
        range: NONNEG,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 5.0, 0.05),
        doc: "how strongly battlefield momentum speeds the loser's and slows the winner's concessions",
        presence: "",
        scenario: num!(|s, _i| s.protocol.momentum_hardening),
        params: field!(|p, _i| p.momentum_hardening),
    },
    Param {
        path: "protocol.momentum_leverage",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "momentum leverage",
        unit: "",
        range: NONNEG,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 5.0, 0.05),
        doc: "how strongly momentum scales the belligerents' leverage in the Nash product",
        presence: "",
        scenario: num!(|s, _i| s.protocol.momentum_leverage),
        params: field!(|p, _i| p.momentum_leverage),
    },
    Param {
        path: "protocol.valuation_horizon_weeks",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "valuation horizon",
        unit: "weeks",
        range: Range { low: closed(1.0), high: closed(520.0), phrase: "weeks in [1, 520]" },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(1.0),
        doc: "weeks of fighting over which each side values war",
        presence: "",
        scenario: num!(|s, _i| s.protocol.valuation_horizon_weeks),
        params: field!(|p, _i| p.valuation_horizon),
    },
    Param {
        path: "protocol.war_stakes",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "war stakes",
        unit: "share",
        range: SHARE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "share of the issues other than the line that fighting on decides: war is valued on them by the believed chance of imposing one's terms (Fearon 1995's p); 1 = Fearon's war decides everything, 0 = only the line",
        presence: "",
        scenario: num!(|s, _i| s.protocol.war_stakes),
        params: field!(|p, _i| p.war_stakes),
    },
    Param {
        path: "protocol.origin_selection",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "selection at the origin",
        unit: "share",
        range: SHARE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "share of the belief gap that a war still fought at the origin implies (the smallest common optimism that closes the bargaining range), added to both sides' sampled optimism; 0 = off",
        presence: "",
        scenario: num!(|s, _i| s.protocol.origin_selection),
        params: field!(|p, _i| p.origin_selection),
    },
    Param {
        path: "protocol.armistice_settles",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "armistice settles later",
        unit: "share",
        range: SHARE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "share of each political issue an armistice leaves open that its parties expect later talks to settle at the compromise of current positions, the rest frozen at no deal (Fortna 2004: 15 follow-up agreements after 48 interstate ceasefires); 0 = a freeze leaves politics at no deal forever",
        presence: "",
        scenario: num!(|s, _i| s.protocol.armistice_settles),
        params: field!(|p, _i| p.armistice_settles),
    },
    Param {
        path: "protocol.armistice_concession",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "concessions under an armistice",
        unit: "share of the concession rate",
        range: SHARE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "share of the concession rate (and of its momentum and crisis terms) that a failed round under an armistice carries: once the line is frozen no costs of war push the parties to concede (Zartman 2000: no hurting stalemate, no movement), so the armistice line becomes the status quo (Korea since 1953, the Line of Control: war-termination.md §6); 1 = as in a war",
        presence: "",
        scenario: num!(|s, _i| s.protocol.armistice_concession),
        params: field!(|p, _i| p.armistice_concession),
    },
    Param {
        path: "protocol.deal_against_fallback",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "a deal weighed against the armistice",
        unit: "switch (0 or 1)",
        range: SHARE,
        whole: true,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 1.0, 1.0),
        doc: "1: where the freeze at the line would be agreed if the deal failed, each party weighs the deal, and the mediator's Nash proposal takes its disagreement point, at the armistice's value with its chance h of breaking down into war within the valuation horizon, (1 − h) × armistice + h × war, h from ceasefire_breakdown_per_year (the outside option actually available: Nash 1950, Binmore, Rubinstein & Wolinsky 1986; the armistice as that option: UCDP's ceasefire, both prefer a freeze to fighting but cannot agree on final status; almost half of ceasefires broke down, Fortna 2004), else at war's; rounds under an armistice weigh the same blend; 0: always against war, and under an armistice against it as if it held for sure (the engine before)",
        presence: "",
        scenario: num!(|s, _i| s.protocol.deal_against_fallback),
        params: field!(|p, _i| p.deal_against_fallback),
    },
    Param {
        path: "protocol.amendment_strength",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "amendment strength",
        unit: "share × salience",
        range: SHARE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "how far an amending supporter pulls the proposal toward itself (× its salience)",
        presence: "",
        scenario: num!(|s, _i| s.protocol.amendment_strength),
        params: field!(|p, _i| p.amendment_strength),
    },
    Param {
        path: "protocol.ceasefire_breakdown_per_year",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "ceasefire breakdown",
        unit: "probability / year",
        range: PROBABILITY,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "hazard of a ceasefire breaking down without guarantees",
        presence: "",
        scenario: num!(|s, _i| s.protocol.ceasefire_breakdown_per_year),
        params: field!(|p, _i| p.ceasefire_breakdown_per_year),
    },
    Param {
        path: "protocol.guarantee_breakdown_reduction",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "guarantee: breakdown cut",
        unit: "share",
        range: SHARE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "how much a fully credible guarantee cuts the breakdown hazard",
        presence: "",
        scenario: num!(|s, _i| s.protocol.guarantee_breakdown_reduction),
        params: field!(|p, _i| p.guarantee_breakdown_reduction),
    },
    Param {
        path: "ceasefire_terms.imposed_gap",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "imposed ceasefire: margin gap",
        unit: "units of the acceptance noise",
        range: NONNEG,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "a ceasefire is imposed when the sides' margins for the freeze differ by at least this many units of the acceptance noise: the loser accepts because fighting on is far worse, the winner barely prefers the freeze to pressing on (Werner & Yuen 2005's imposed ceasefires, read from the votes; war-endings.md §13); prior 2 (the loser's acceptance probability near 0.9 while the winner's is near 0.5)",
        presence: "scenarios with a [ceasefire_terms] table",
        scenario: InScenario {
            get: |s, _i| s.ceasefire_terms.as_ref().map(|t| Reading::num(&t.imposed_gap)),
            get_mut: |s, _i| s.ceasefire_terms.as_mut().map(|t| Target::Num(&mut t.imposed_gap)),
        },
        params: InParams {
            get: |p, _i| p.ceasefire_terms.as_ref().map(|t| t.imposed_gap),
            put: |p, _i| p.ceasefire_terms.as_mut().map(|t| Store::Value(&mut t.imposed_gap)),
        },
    },
    Param {
        path: "ceasefire_terms.imposed_breakdown",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "imposed ceasefire: hazard factor",
        unit: "× breakdown hazard",
        range: HAZARD_FACTOR,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "multiplier on the breakdown hazard of an imposed ceasefire (one side accepted because fighting on was far worse, the other barely preferred the freeze): Werner & Yuen 2005 find ceasefires after consistent battle outcomes last longer (the right terms are apparent), Fortna 2004 that decisive victories make peace more durable; Werner & Yuen's failing ceasefires are those forced by third parties (`pressured_breakdown`); prior 0.8, 1 = no effect",
        presence: "scenarios with a [ceasefire_terms] table",
        scenario: InScenario {
            get: |s, _i| s.ceasefire_terms.as_ref().map(|t| Reading::num(&t.imposed_breakdown)),
            get_mut: |s, _i| s.ceasefire_terms.as_mut().map(|t| Target::Num(&mut t.imposed_breakdown)),
        },
        params: InParams {
            get: |p, _i| p.ceasefire_terms.as_ref().map(|t| t.imposed_breakdown),
            put: |p, _i| p.ceasefire_terms.as_mut().map(|t| Store::Value(&mut t.imposed_breakdown)),
        },
    },
    Param {
        path: "ceasefire_terms.pressured_breakdown",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "pressured ceasefire: hazard factor",
        unit: "× breakdown hazard",
        range: HAZARD_FACTOR,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "multiplier on the breakdown hazard of a ceasefire a side accepted only because its patron mediator pressed it (its freeze vote would have refused without the mediator's leverage): Werner & Yuen 2005, 'unnatural' ceasefires that come about as a consequence of third-party pressure are significantly more likely to fail (war-termination.md §4, T10); prior 1.5, 1 = no effect",
        presence: "scenarios with a [ceasefire_terms] table",
        scenario: InScenario {
            get: |s, _i| s.ceasefire_terms.as_ref().map(|t| Reading::num(&t.pressured_breakdown)),
            get_mut: |s, _i| s.ceasefire_terms.as_mut().map(|t| Target::Num(&mut t.pressured_breakdown)),
        },
        params: InParams {
            get: |p, _i| p.ceasefire_terms.as_ref().map(|t| t.pressured_breakdown),
            put: |p, _i| p.ceasefire_terms.as_mut().map(|t| Store::Value(&mut t.pressured_breakdown)),
        },
    },
    Param {
        path: "ceasefire_terms.monitor_breakdown",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "monitors: hazard factor",
        unit: "× breakdown hazard",
        range: HAZARD_FACTOR,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "multiplier on the breakdown hazard while the monitors or peacekeepers of the party `ceasefire_terms.monitors` are deployed (Fortna 2004, 2008: monitors and peacekeepers lengthen ceasefires, the hazard of renewed war falls by half or more; UNIIMOG 1988, the NNSC in Korea 1953); prior 0.6, 1 = no effect",
        presence: "scenarios with a [ceasefire_terms] table",
        scenario: InScenario {
            get: |s, _i| s.ceasefire_terms.as_ref().map(|t| Reading::num(&t.monitor_breakdown)),
            get_mut: |s, _i| s.ceasefire_terms.as_mut().map(|t| Target::Num(&mut t.monitor_breakdown)),
        },
        params: InParams {
            get: |p, _i| p.ceasefire_terms.as_ref().map(|t| t.monitor_breakdown),
            put: |p, _i| p.ceasefire_terms.as_mut().map(|t| Store::Value(&mut t.monitor_breakdown)),
        },
    },
    Param {
        path: "strike_moratorium.loss_weight",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "strike moratorium: own-loss weight",
        unit: "× damage inflicted",
        range: LOSS_WEIGHT,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "weight of the damage the other side's strikes do to a side's economy against the damage its own strikes do (both from `sides.*.strike_capacity`): a moratorium on strikes is agreed at a failed talk round when loss_weight × the other's strike capacity exceeds its own for both sides (loss aversion, Kahneman & Tversky 1979; mutual restraint, Schelling 1966; war-endings.md §14); at 1 or below no moratorium is ever agreed; prior 1.5",
        presence: "scenarios with a [strike_moratorium] table",
        scenario: InScenario {
            get: |s, _i| s.strike_moratorium.as_ref().map(|t| Reading::num(&t.loss_weight)),
            get_mut: |s, _i| s.strike_moratorium.as_mut().map(|t| Target::Num(&mut t.loss_weight)),
        },
        params: InParams {
            get: |p, _i| p.strike_moratorium.as_ref().map(|t| t.loss_weight),
            put: |p, _i| p.strike_moratorium.as_mut().map(|t| Store::Value(&mut t.loss_weight)),
        },
    },
    Param {
        path: "strike_moratorium.breakdown_per_year",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "strike moratorium: lapse hazard",
        unit: "per year",
        range: PER_YEAR,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.1),
        doc: "hazard per year that a strike moratorium in force lapses (one draw per week fought under it; war-endings.md §14): the 30-day Russian–Ukrainian energy-infrastructure moratorium of March 2025 lapsed at its term amid accusations of violations, a life of about a month (public reporting, not in the stored sources); prior 12 (a mean life of about a month), 0 = it holds",
        presence: "scenarios with a [strike_moratorium] table",
        scenario: InScenario {
            get: |s, _i| s.strike_moratorium.as_ref().map(|t| Reading::num(&t.breakdown_per_year)),
            get_mut: |s, _i| s.strike_moratorium.as_mut().map(|t| Target::Num(&mut t.breakdown_per_year)),
        },
        params: InParams {
            get: |p, _i| p.strike_moratorium.as_ref().map(|t| t.breakdown_per_year),
            put: |p, _i| p.strike_moratorium.as_mut().map(|t| Store::Value(&mut t.breakdown_per_year)),
        },
    },
    Param {
        path: "protocol.guarantee_credibility",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "guarantee credibility",
        unit: "0–1",
        range: UNIT,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "credibility of third-party guarantees at the start (0 = cheap talk)",
        presence: "",
        scenario: num!(|s, _i| s.protocol.guarantee_credibility),
        params: field!(|p, _i| p.guarantee_credibility),
    },
    Param {
        path: "protocol.guarantee_power",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "guarantee: power restored",
        unit: "probability points",
        range: Range { phrase: "probability points in [0, 1]", ..UNIT },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "future power a fully credible guarantee returns to the guaranteed side",
        presence: "",
        scenario: num!(|s, _i| s.protocol.guarantee_power),
        params: field!(|p, _i| p.guarantee_power),
    },
    Param {
        path: "protocol.commitment_discount",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "commitment discount δ",
        unit: "factor / year",
        range: Range { low: closed(0.0), high: closed(0.9999), phrase: "a factor in [0, 1), at most 0.9999" },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "δ of Powell's (2006) commitment check, per year",
        presence: "",
        scenario: num!(|s, _i| s.protocol.commitment_discount),
        params: field!(|p, _i| p.commitment_discount),
    },
    Param {
        path: "protocol.ceasefire_shift_weight",
        scope: Scope::Global,
        group: Group::Protocol,
        label: "ceasefire: weight of a power shift",
        unit: "per unit of |Δ ln ρ|",
        range: NONNEG,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 20.0, 0.1),
        doc: "a ceasefire's breakdown hazard × exp(w · |Δ ln ρ| · (1 − guarantee)), Δ ln ρ the change of the effective force ratio since it was agreed (Werner 1999; Powell 2006)",
        presence: "",
        scenario: num!(|s, _i| s.protocol.ceasefire_shift_weight),
        params: field!(|p, _i| p.ceasefire_shift_weight),
    },
    // ---- Mediation.
    Param {
        path: "mediation.attention_start",
        scope: Scope::Global,
        group: Group::Mediation,
        label: "attention at the start",
        unit: "0–1",
        range: UNIT,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "the mediator's attention at the start (1 without a table)",
        presence: "",
        scenario: num!(|s, _i| s.mediation.attention_start),
        params: field!(|p, _i| p.mediation.attention_start),
    },
    Param {
        path: "mediation.attention_half_life_weeks",
        scope: Scope::Global,
        group: Group::Mediation,
        label: "attention half-life",
        unit: "weeks",
        range: Range { low: closed(1.0), high: closed(1e6), phrase: "weeks in [1, 1000000]" },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(1.0, 104.0, 1.0),
        doc: "weeks for attention to halve without news (1,000,000 without a table: no decay)",
        presence: "",
        scenario: num!(|s, _i| s.mediation.attention_half_life_weeks),
        params: field!(|p, _i| p.mediation.half_life_weeks),
    },
    Param {
        path: "mediation.attention_threshold",
        scope: Scope::Global,
        group: Group::Mediation,
        label: "talks need attention",
        unit: "0–1",
        range: UNIT,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "scheduled rounds are held only while attention is at least this (0 without a table: always)",
        presence: "",
        scenario: num!(|s, _i| s.mediation.attention_threshold),
        params: field!(|p, _i| p.mediation.threshold),
    },
    Param {
        path: "mediation.initiative_per_year",
        scope: Scope::Global,
        group: Group::Mediation,
        label: "new initiatives",
        unit: "rate / year",
        range: NONNEG,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 6.0, 0.05),
        doc: "rate of new initiatives (a new plan, a new envoy): attention back to 1, a suspension lifted",
        presence: "",
        scenario: num!(|s, _i| s.mediation.initiative_per_year),
        params: field!(|p, _i| p.mediation.initiative_per_year),
    },
    Param {
        path: "mediation.failure_fatigue",
        scope: Scope::Global,
        group: Group::Mediation,
        label: "attention lost per failed round",
        unit: "share",
        range: SHARE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "share of attention the mediator loses after each failed round",
        presence: "",
        scenario: num!(|s, _i| s.mediation.failure_fatigue),
        params: field!(|p, _i| p.mediation.failure_fatigue),
    },
    Param {
        path: "mediation.suspension_probability",
        scope: Scope::Global,
        group: Group::Mediation,
        label: "suspension over an indivisible issue",
        unit: "probability / blocked round",
        range: PROBABILITY,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "probability that a round blocked by a red line or the commitment check suspends talks until a shock (a new initiative, a leader change, an event, a battlefield change)",
        presence: "",
        scenario: num!(|s, _i| s.mediation.suspension_probability),
        params: field!(|p, _i| p.mediation.suspension_probability),
    },
    Param {
        path: "mediation.resume_line_points",
        scope: Scope::Global,
        group: Group::Mediation,
        label: "battlefield change that resumes talks",
        unit: "index points",
        range: Range { phrase: "index points in [0, 100]", ..POSITION },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.1),
        doc: "a suspension ends when the line has moved this far since it began",
        presence: "",
        scenario: num!(|s, _i| s.mediation.resume_line_points),
        params: field!(|p, _i| p.mediation.resume_line_points),
    },
    // ---- Ripeness.
    Param {
        path: "ripeness.win_km2_per_week",
        scope: Scope::Global,
        group: Group::Ripeness,
        label: "believed gain that is a way to win",
        unit: "km² / week",
        range: POSITIVE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Scale(10.0),
        doc: "a side whose believed weekly gain reaches this sees a way to win; below it the stalemate it perceives grows linearly to 1 at no gain",
        presence: "",
        scenario: num!(|s, _i| s.ripeness.win_km2_per_week),
        params: field!(|p, _i| p.ripeness.win_km2_per_week),
    },
    Param {
        path: "ripeness.hurt_half_per_year",
        scope: Scope::Global,
        group: Group::Ripeness,
        label: "pain at which hurt is ½",
        unit: "utility / year",
        range: POSITIVE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.001, 1.0, 0.001),
        doc: "a side's hurt is pain / (pain + this), pain its effective war cost per year",
        presence: "",
        scenario: num!(|s, _i| s.ripeness.hurt_half_per_year),
        params: field!(|p, _i| p.ripeness.hurt_half_per_year),
    },
    Param {
        path: "ripeness.audience_relief",
        scope: Scope::Global,
        group: Group::Ripeness,
        label: "audience costs lifted when ripe",
        unit: "share",
        range: SHARE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "share of every red line's audience cost lifted at full ripeness (0 without a table)",
        presence: "",
        scenario: num!(|s, _i| s.ripeness.audience_relief),
        params: field!(|p, _i| p.ripeness.audience_relief),
    },
    Param {
        path: "ripeness.destruction_weight",
        scope: Scope::Global,
        group: Group::Ripeness,
        label: "weight of accumulated destruction",
        unit: "per unit of casualties / forces",
        range: NONNEG,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 10.0, 0.05),
        doc: "war costs × (1 + w · casualties so far / starting forces): destruction makes peace possible (Leventoğlu & Slantchev 2007; 0 without a table)",
        presence: "",
        scenario: num!(|s, _i| s.ripeness.destruction_weight),
        params: field!(|p, _i| p.ripeness.destruction_weight),
    },
    // ---- Termination.
    Param {
        path: "termination.collapse_second_km2",
        scope: Scope::Global,
        group: Group::Termination,
        label: "second side collapses at",
        unit: "km²",
        range: Range {
            low: End::Open(Limit::StartKm2),
            high: End::Closed(Limit::MapHigh),
            phrase: "km² above start_km2 and at most the mapping's end",
        },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Fine,
        doc: "the second side collapses when the first holds at least this area",
        presence: "when set",
        scenario: InScenario {
            get: |s, _i| s.termination.collapse_second_km2.as_ref().map(Reading::num),
            get_mut: |s, _i| s.termination.collapse_second_km2.as_mut().map(Target::Num),
        },
        params: InParams {
            get: |p, _i| p.collapse_second_km2.is_finite().then_some(p.collapse_second_km2),
            put: |p, _i| Some(Store::Value(&mut p.collapse_second_km2)),
        },
    },
    Param {
        path: "termination.collapse_first_km2",
        scope: Scope::Global,
        group: Group::Termination,
        label: "first side collapses at",
        unit: "km²",
        range: Range {
            low: End::Closed(Limit::MapLow),
            high: End::Open(Limit::StartKm2),
            phrase: "km² below start_km2 and at least the mapping's start",
        },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Fine,
        doc: "the first side collapses when it holds at most this area",
        presence: "when set",
        scenario: InScenario {
            get: |s, _i| s.termination.collapse_first_km2.as_ref().map(Reading::num),
            get_mut: |s, _i| s.termination.collapse_first_km2.as_mut().map(Target::Num),
        },
        params: InParams {
            get: |p, _i| p.collapse_first_km2.is_finite().then_some(p.collapse_first_km2),
            put: |p, _i| Some(Store::Value(&mut p.collapse_first_km2)),
        },
    },
    Param {
        path: "termination.low_activity_intensity",
        scope: Scope::Global,
        group: Group::Termination,
        label: "low activity below",
        unit: "intensity",
        range: NONNEG,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 1.0, 0.01),
        doc: "the war settles into low activity when intensity stays below this floor …",
        presence: "",
        scenario: num!(|s, _i| s.termination.low_activity_intensity),
        params: field!(|p, _i| p.low_activity_intensity),
    },
    Param {
        path: "termination.low_activity_weeks",
        scope: Scope::Global,
        group: Group::Termination,
        label: "low activity for",
        unit: "weeks",
        range: WEEKS,
        whole: true,
        basis: Basis::Free,
        slider: Slider::Span(1.0, 52.0, 1.0),
        doc: "… for this many consecutive weeks",
        presence: "",
        scenario: InScenario {
            get: |s, _i| Some(Reading::plain(s.termination.low_activity_weeks as f64)),
            get_mut: |s, _i| Some(Target::Weeks(&mut s.termination.low_activity_weeks)),
        },
        params: InParams {
            get: |p, _i| Some(p.low_activity_weeks as f64),
            put: |p, _i| Some(Store::Weeks(&mut p.low_activity_weeks)),
        },
    },
    Param {
        path: "termination.low_activity_factor",
        scope: Scope::Global,
        group: Group::Termination,
        label: "intensity in low activity",
        unit: "multiplier",
        range: Range { phrase: "a factor in [0, 1]", ..UNIT },
        whole: false,
        basis: Basis::Free,
        slider: Slider::Valid(0.01),
        doc: "intensity multiplier while the war is in low activity (1 without it)",
        presence: "",
        scenario: num!(|s, _i| s.termination.low_activity_factor),
        params: field!(|p, _i| p.low_activity_factor),
    },
    Param {
        path: "termination.low_activity_onset_per_year",
        scope: Scope::Global,
        group: Group::Termination,
        label: "settling into low activity",
        unit: "rate / year at full ripeness",
        range: NONNEG,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 6.0, 0.05),
        doc: "rate of settling into low activity without agreement, × ripeness (mutual stalemate and hurt)",
        presence: "",
        scenario: num!(|s, _i| s.termination.low_activity_onset_per_year),
        params: field!(|p, _i| p.low_activity_onset_per_year),
    },
    Param {
        path: "termination.flare_up_per_year",
        scope: Scope::Global,
        group: Group::Termination,
        label: "flare-ups",
        unit: "rate / year",
        range: NONNEG,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 2.0, 0.01),
        doc: "rate at which low activity flares up into high-intensity war with the balance unchanged",
        presence: "",
        scenario: num!(|s, _i| s.termination.flare_up_per_year),
        params: field!(|p, _i| p.flare_up_per_year),
    },
    Param {
        path: "termination.flare_up_shift_weight",
        scope: Scope::Global,
        group: Group::Termination,
        label: "flare-ups: weight of a power shift",
        unit: "per unit of |Δ ln ρ|",
        range: NONNEG,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 20.0, 0.1),
        doc: "flare-up rate × exp(w · |Δ ln ρ|), Δ ln ρ the change of the effective force ratio since low activity began",
        presence: "",
        scenario: num!(|s, _i| s.termination.flare_up_shift_weight),
        params: field!(|p, _i| p.flare_up_shift_weight),
    },
    {
        let (scenario, params) = domain!(reinforcement_cut);
        Param {
            path: "domains.*.reinforcement_cut",
            scope: Scope::Domain,
            group: Group::Domains,
            label: "reinforcements cut",
            unit: "share",
            range: SHARE,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Valid(0.01),
            doc: "share of the other side's reinforcements (recruits and arriving mobilised personnel) that do not reach the front while the holder holds the domain: blockade of sea lines and interdiction of land routes from the air (Mahan 1890 on command of the sea; Pape 1996 ch. 3 and 5: interdiction bites on mechanised armies that move heavy supply and little on light infantry that lives off little; domains.md §3); prior 0.1 against a mechanised army, 0.05 against light infantry",
            presence: "scenarios with `[[domains]]`",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = domain!(aid_cut);
        Param {
            path: "domains.*.aid_cut",
            scope: Scope::Domain,
            group: Group::Domains,
            label: "aid cut",
            unit: "share",
            range: SHARE,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Valid(0.01),
            doc: "share of the aid delivered to the other side (given or bought from its suppliers) that does not arrive while the domain is held: its ports blockaded or its air bridge closed (Olson 1963: wartime blockades seldom starve a belligerent but cut the volume of its imports and raise their cost; Lambert 2012 on economic warfare; domains.md §3); prior 0.25",
            presence: "scenarios with `[[domains]]`",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = domain!(revenue_cut);
        Param {
            path: "domains.*.revenue_cut",
            scope: Scope::Domain,
            group: Group::Domains,
            label: "revenue cut",
            unit: "share of E potential",
            range: SHARE,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Valid(0.01),
            doc: "share of the other side's economic potential (the level E recovers toward) lost while the domain is held: the trade and oil revenue that moves through it, the share of the economy that is sea-borne × the share interdicted (Olson 1963; Lambert 2012; domains.md §3); prior 0.05",
            presence: "scenarios with `[[domains]]`",
            scenario,
            params,
        }
    },
    Param {
        path: "domains.*.strike",
        scope: Scope::Domain,
        group: Group::Domains,
        label: "air strikes",
        unit: "E / week",
        range: SHARE,
        whole: false,
        basis: Basis::Free,
        slider: Slider::Span(0.0, 0.02, 0.0001),
        doc: "air domains only: weekly reduction of the other side's E at intensity 1 by the holder's air campaign while it holds the domain, added to its `sides.*.strike_capacity` (and stopped by a strike moratorium as that is; Pape 1996 ch. 2: bombing the economy rarely coerces, but its damage is real; domains.md §3); prior 0.002",
        presence: "air domains of `[[domains]]`",
        scenario: InScenario {
            get: |s, i| s.domains.get(i.domain).filter(|d| d.kind == DomainKind::Air).map(|d| Reading::num(&d.strike)),
            get_mut: |s, i| {
                s.domains.get_mut(i.domain).filter(|d| d.kind == DomainKind::Air).map(|d| Target::Num(&mut d.strike))
            },
        },
        params: InParams {
            get: |p, i| p.domains.get(i.domain).filter(|d| d.kind == DomainKind::Air).map(|d| d.strike),
            put: |p, i| {
                p.domains.get_mut(i.domain).filter(|d| d.kind == DomainKind::Air).map(|d| Store::Value(&mut d.strike))
            },
        },
    },
    {
        let (scenario, params) = domain!(loss_per_year);
        Param {
            path: "domains.*.loss_per_year",
            scope: Scope::Domain,
            group: Group::Domains,
            label: "control lost",
            unit: "per year",
            range: PER_YEAR,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Valid(0.01),
            doc: "hazard per year that the holder loses control of the domain (one draw per fought week while it holds it, from the domains' own stream; domains.md §2): command of the sea or the air, once won, is seldom lost within a war, but it is contested (Corbett 1911: command is normally in dispute); prior 0.1, 0 = held throughout",
            presence: "scenarios with `[[domains]]`",
            scenario,
            params,
        }
    },
    {
        let (scenario, params) = domain!(regain_per_year);
        Param {
            path: "domains.*.regain_per_year",
            scope: Scope::Domain,
            group: Group::Domains,
            label: "control regained",
            unit: "per year",
            range: PER_YEAR,
            whole: false,
            basis: Basis::Free,
            slider: Slider::Valid(0.01),
            doc: "hazard per year that the holder regains control once it has lost it (one draw per fought week while lost; domains.md §2); prior 1 (a lost command is contested back within about a year), 0 = lost for good",
            presence: "scenarios with `[[domains]]`",
            scenario,
            params,
        }
    },
];
