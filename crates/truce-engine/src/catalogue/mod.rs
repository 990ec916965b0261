//! The parameter catalogue: the one place where a scalar parameter of a scenario is defined.
//!
//! Each [`Param`] row names a path pattern (`sides.*.war_cost_per_year`), a label, a unit, a
//! valid [`Range`], whether it is measured or free, a one-line doc, a slider hint for the
//! page, and how to read and write it in a [`Scenario`] and in compiled [`Params`]. Everything
//! else derives from the rows: the range checks of `Params::compile`, parameter paths and
//! their resolution ([`resolve`], `Params::resolve/get/set`), the `[uncertainty]` paths,
//! edits by path (`crate::edit`), the web editor's knobs, and the parameter table of
//! `docs/scenario.md` ([`markdown`]). Adding a scalar parameter is one schema field plus one
//! row in `rows.rs`; this file holds the types, path resolution and the doc table.
//!
//! This module must never hold run-time state, and the weekly loop never reads it: a run
//! reads plain `Params` fields. Rows are only consulted when a scenario is compiled, edited
//! or sampled.

#![warn(missing_docs)]

mod rows;

pub use rows::CATALOGUE;

use crate::params::Params;
use crate::scenario::{Num, Scenario};
use crate::uncertainty::Support;

/// What the `*` segments of a pattern stand for, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// No wildcard: one value per scenario (`combat.exponent_p`).
    Global,
    /// One per side: `sides.<side>.…`, `beliefs.<side>.…`, `politics.<side>.…`.
    Side,
    /// One per actor: `actors.<actor>.…`.
    Actor,
    /// One per actor and issue: `actors.<actor>.positions.<issue>`.
    ActorIssue,
    /// One per issue: `issues.<issue>.…`.
    Issue,
    /// One per calendar month, 1–12: `seasonality.monthly.<month>`.
    Month,
    /// One per theatre beside the front: `domains.<domain>.…` (`[[domains]]`).
    Domain,
}

/// One kind of wildcard segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wild {
    Side,
    Actor,
    Issue,
    Month,
    Domain,
}

impl Scope {
    fn wildcards(self) -> &'static [Wild] {
        match self {
            Scope::Global => &[],
            Scope::Side => &[Wild::Side],
            Scope::Actor => &[Wild::Actor],
            Scope::ActorIssue => &[Wild::Actor, Wild::Issue],
            Scope::Issue => &[Wild::Issue],
            Scope::Month => &[Wild::Month],
            Scope::Domain => &[Wild::Domain],
        }
    }
}

/// Indices of one instance of a row: the side, actor, issue or month its wildcards name
/// (unused ones are 0). Indices follow the scenario's order, which `Params` keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ix {
    /// Index of the side (`sides.<side>`, `beliefs.<side>`).
    pub side: usize,
    /// Index of the actor.
    pub actor: usize,
    /// Index of the issue.
    pub issue: usize,
    /// 0 = January.
    pub month: usize,
    /// Index of the domain (`domains.<domain>`), in file order.
    pub domain: usize,
}

/// Where a parameter belongs: the scenario table it is written in, and a heading for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// `[[issues]]`.
    Issues,
    /// `[[sides]]`.
    Sides,
    /// `[[actors]]`.
    Actors,
    /// `[combat]`.
    Combat,
    /// `[seasonality]`.
    Seasonality,
    /// `[intensity]`.
    Intensity,
    /// `[beliefs.<side>]`.
    Beliefs,
    /// `[politics.<side>]`.
    Politics,
    /// `[protocol]`.
    Protocol,
    /// `[mediation]`.
    Mediation,
    /// `[ripeness]`.
    Ripeness,
    /// `[termination]`.
    Termination,
    /// `[[domains]]`.
    Domains,
}

impl Group {
    /// Every group, in the order of a scenario file.
    pub const ALL: [Group; 13] = [
        Group::Issues,
        Group::Sides,
        Group::Actors,
        Group::Combat,
        Group::Seasonality,
        Group::Intensity,
        Group::Beliefs,
        Group::Politics,
        Group::Protocol,
        Group::Mediation,
        Group::Ripeness,
        Group::Termination,
        Group::Domains,
    ];

    /// A heading for people.
    pub fn title(self) -> &'static str {
        match self {
            Group::Issues => "Issues",
            Group::Sides => "Sides",
            Group::Actors => "Actors",
            Group::Combat => "Fighting",
            Group::Seasonality => "Seasonality",
            Group::Intensity => "Intensity",
            Group::Beliefs => "Beliefs",
            Group::Politics => "Domestic politics",
            Group::Protocol => "Talks",
            Group::Mediation => "Mediator attention",
            Group::Ripeness => "Ripeness",
            Group::Termination => "Termination",
            Group::Domains => "Sea and air control",
        }
    }

    /// The scenario table the group's keys live in.
    pub fn table(self) -> &'static str {
        match self {
            Group::Issues => "[[issues]]",
            Group::Sides => "[[sides]]",
            Group::Actors => "[[actors]]",
            Group::Combat => "[combat]",
            Group::Seasonality => "[seasonality]",
            Group::Intensity => "[intensity]",
            Group::Beliefs => "[beliefs.<side>]",
            Group::Politics => "[politics.<side>]",
            Group::Protocol => "[protocol]",
            Group::Mediation => "[mediation]",
            Group::Ripeness => "[ripeness]",
            Group::Termination => "[termination]",
            Group::Domains => "[[domains]]",
        }
    }
}

/// Whether a parameter has a direct empirical counterpart. Free parameters are modelling
/// choices: calibration and priors are about them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Observable in principle (forces, casualties, stated positions, aid levels).
    Measured,
    /// A modelling parameter with no direct measurement.
    Free,
}

impl Basis {
    /// `measured` or `free`.
    pub fn name(self) -> &'static str {
        match self {
            Basis::Measured => "measured",
            Basis::Free => "free",
        }
    }
}

/// A range end's position: a number, or a number the scenario itself fixes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    /// A fixed number.
    Value(f64),
    /// The territorial mapping's area at index 0 (km²).
    MapLow,
    /// The territorial mapping's area at index 100 (km²).
    MapHigh,
    /// The area the first side holds at the start (km²).
    StartKm2,
}

/// One end of a [`Range`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum End {
    /// No bound (±∞; values must still be finite).
    Unbounded,
    /// The limit itself is valid.
    Closed(Limit),
    /// Values must stay strictly inside the limit.
    Open(Limit),
}

/// A parameter's valid values, with the phrase messages use ("a share in [0, 1]").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Lower end.
    pub low: End,
    /// Upper end.
    pub high: End,
    /// What was expected, for people: "a share in [0, 1]".
    pub phrase: &'static str,
}

/// The numbers a scenario fixes that some ranges refer to (`None` when the scenario has no
/// territorial mapping or start; an end at an unknown limit does not bind).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Frame {
    /// [`Limit::MapLow`].
    pub map_low: Option<f64>,
    /// [`Limit::MapHigh`].
    pub map_high: Option<f64>,
    /// [`Limit::StartKm2`].
    pub start_km2: Option<f64>,
}

const fn closed(v: f64) -> End {
    End::Closed(Limit::Value(v))
}
const fn open(v: f64) -> End {
    End::Open(Limit::Value(v))
}

/// Any finite number.
pub const ANY: Range = Range { low: End::Unbounded, high: End::Unbounded, phrase: "any number" };
/// A number > 0.
pub const POSITIVE: Range = Range { low: open(0.0), high: End::Unbounded, phrase: "a number > 0" };
/// A number ≥ 0.
pub const NONNEG: Range = Range { low: closed(0.0), high: End::Unbounded, phrase: "a number ≥ 0" };
/// A share in [0, 1].
pub const SHARE: Range = Range { low: closed(0.0), high: closed(1.0), phrase: "a share in [0, 1]" };
/// A probability in [0, 1].
pub const PROBABILITY: Range = Range { low: closed(0.0), high: closed(1.0), phrase: "a probability in [0, 1]" };
/// A number in [0, 1] that is neither a share nor a probability.
pub const UNIT: Range = Range { low: closed(0.0), high: closed(1.0), phrase: "a number in [0, 1]" };
/// A position on an issue's 0–100 scale.
pub const POSITION: Range = Range { low: closed(0.0), high: closed(100.0), phrase: "a position in [0, 100]" };
/// A salience on 0–100.
pub const SALIENCE: Range = Range { low: closed(0.0), high: closed(100.0), phrase: "a salience in [0, 100]" };
/// Whole weeks from 1 to 5,200 (a century, the longest horizon).
pub const WEEKS: Range = Range { low: closed(1.0), high: closed(5200.0), phrase: "whole weeks in [1, 5200]" };

impl Limit {
    fn resolve(self, f: &Frame) -> Option<f64> {
        match self {
            Limit::Value(v) => Some(v),
            Limit::MapLow => f.map_low,
            Limit::MapHigh => f.map_high,
            Limit::StartKm2 => f.start_km2,
        }
    }
    fn name(self) -> String {
        match self {
            Limit::Value(v) => fmt_num(v),
            Limit::MapLow => "km² at index 0".into(),
            Limit::MapHigh => "km² at index 100".into(),
            Limit::StartKm2 => "start_km2".into(),
        }
    }
}

fn fmt_num(v: f64) -> String {
    if v == f64::INFINITY {
        "∞".into()
    } else if v == f64::NEG_INFINITY {
        "−∞".into()
    } else if v < 0.0 {
        format!("−{}", -v)
    } else {
        format!("{v}")
    }
}

/// An end resolved against a frame: (value, closed?); unbounded ends give ±∞ (open).
fn end_at(e: End, f: &Frame, unbounded: f64) -> (f64, bool) {
    match e {
        End::Unbounded => (unbounded, false),
        End::Closed(l) => l.resolve(f).map_or((unbounded, false), |v| (v, true)),
        End::Open(l) => l.resolve(f).map_or((unbounded, false), |v| (v, false)),
    }
}

/// Where [`Range::guard`] moves a value: up to `floor` (NaN too) and down to `ceil`, each
/// only where that end is finite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// The least value kept, if the range has a finite lower end.
    pub floor: Option<f64>,
    /// The greatest value kept, if the range has a finite upper end.
    pub ceil: Option<f64>,
}

impl Bounds {
    /// `v` moved inside (NaN to the floor, when there is one).
    pub fn apply(&self, v: f64) -> f64 {
        let mut v = v;
        if let Some(floor) = self.floor {
            if v.is_nan() || v < floor {
                v = floor;
            }
        }
        if let Some(ceil) = self.ceil {
            if v > ceil {
                v = ceil;
            }
        }
        v
    }
}

impl Range {
    /// Does the range depend on the scenario (the territorial mapping or start)?
    pub fn is_relative(&self) -> bool {
        let rel = |e: End| matches!(e, End::Closed(l) | End::Open(l) if !matches!(l, Limit::Value(_)));
        rel(self.low) || rel(self.high)
    }

    /// The ends as numbers and whether each is closed; unbounded ends are ±∞.
    pub fn interval(&self, f: &Frame) -> ((f64, bool), (f64, bool)) {
        (end_at(self.low, f, f64::NEG_INFINITY), end_at(self.high, f, f64::INFINITY))
    }

    /// Is `v` a valid value?
    pub fn contains(&self, v: f64, f: &Frame) -> bool {
        let ((lo, lc), (hi, hc)) = self.interval(f);
        v.is_finite() && (v > lo || (lc && v == lo)) && (v < hi || (hc && v == hi))
    }

    /// What was expected, for messages; a relative range adds its ends in this scenario.
    pub fn expected(&self, f: &Frame) -> String {
        if self.is_relative() {
            let ((lo, lc), (hi, hc)) = self.interval(f);
            let (a, b) = (if lc { "[" } else { "(" }, if hc { "]" } else { ")" });
            format!("{} (here {a}{}, {}{b})", self.phrase, fmt_num(lo), fmt_num(hi))
        } else {
            self.phrase.to_string()
        }
    }

    /// The range in interval notation, with relative ends by name: `[0, 1]`, `(0, ∞)`,
    /// `(start_km2, km² at index 100]`.
    pub fn notation(&self) -> String {
        let lo = match self.low {
            End::Unbounded => "(−∞".to_string(),
            End::Closed(l) => format!("[{}", l.name()),
            End::Open(l) => format!("({}", l.name()),
        };
        let hi = match self.high {
            End::Unbounded => "∞)".to_string(),
            End::Closed(l) => format!("{}]", l.name()),
            End::Open(l) => format!("{})", l.name()),
        };
        format!("{lo}, {hi}")
    }

    /// `v` moved into the range: a guard for sampled values, which `[uncertainty]` already
    /// keeps inside (see [`Range::admits`]). An open end keeps a small margin inside it.
    pub fn guard(&self, v: f64, f: &Frame) -> f64 {
        self.bounds(f).apply(v)
    }

    /// The floor and ceiling [`Range::guard`] moves values to, computed once for many
    /// guards (a particle filter guards every particle's parameters after each rejuvenation).
    pub fn bounds(&self, f: &Frame) -> Bounds {
        let ((lo, lc), (hi, hc)) = self.interval(f);
        let inside = |x: f64| 1e-9 * x.abs().max(1.0);
        Bounds {
            floor: lo.is_finite().then(|| if lc { lo } else { lo + inside(lo) }),
            ceil: hi.is_finite().then(|| if hc { hi } else { hi - inside(hi) }),
        }
    }

    /// Does every value a distribution with this support can draw lie in the range?
    pub fn admits(&self, s: &Support, f: &Frame) -> bool {
        let ((lo, lc), (hi, hc)) = self.interval(f);
        let low_ok = s.low > lo || (s.low == lo && (lc || !s.low_attained));
        let high_ok = s.high < hi || (s.high == hi && (hc || !s.high_attained));
        low_ok && high_ok
    }
}

/// How the page's slider spans a parameter (the number box accepts any valid value).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Slider {
    /// The valid range, with this step.
    Valid(f64),
    /// The valid range (relative to the scenario), in 200 steps.
    Fine,
    /// This span (within the valid range) and step.
    Span(f64, f64, f64),
    /// From the range's lower end (or −top when unbounded below) to a round top ≈ 3 × the
    /// value, at least this floor; 200 steps.
    Scale(f64),
}

/// A value read from a scenario, with its source note.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading<'a> {
    /// The value, on the scenario's scale.
    pub value: f64,
    /// Its source note (a `[seasonality]` table's `source` for a month).
    pub source: Option<&'a str>,
}

impl<'a> Reading<'a> {
    fn num(n: &'a Num) -> Self {
        Reading { value: n.value, source: n.source.as_deref() }
    }
    fn plain(value: f64) -> Self {
        Reading { value, source: None }
    }
}

/// Where an edit writes in a scenario.
#[derive(Debug)]
pub enum Target<'a> {
    /// A number with its source note.
    Num(&'a mut Num),
    /// Whole weeks.
    Weeks(&'a mut u32),
    /// A bare number (seasonality).
    Plain(&'a mut f64),
}

/// Where a value goes in compiled parameters.
#[derive(Debug)]
pub enum Store<'a> {
    /// As is.
    Value(&'a mut f64),
    /// Divided by 100 (saliences are kept on [0, 1]).
    Percent(&'a mut f64),
    /// Whole weeks (or another whole count).
    Weeks(&'a mut u32),
}

impl Store<'_> {
    /// Writes `v` (already valid; weeks are whole).
    pub fn write(self, v: f64) {
        match self {
            Store::Value(x) => *x = v,
            Store::Percent(x) => *x = v / 100.0,
            Store::Weeks(x) => *x = v as u32,
        }
    }
}

/// Reading and writing a row in a scenario. `get` is `None` where the scenario has no such
/// value (an actor without aid, the territorial issue's no-deal value); absent optional
/// values with a default (a side's beliefs, a salience, a power shift) read as the default,
/// and `get_mut` creates them.
#[derive(Clone, Copy)]
pub(crate) struct InScenario {
    pub get: fn(&Scenario, Ix) -> Option<Reading<'_>>,
    pub get_mut: fn(&mut Scenario, Ix) -> Option<Target<'_>>,
}

/// Reading and writing a row in `Params`. `get` is `None` where the compiled scenario has no
/// such value; `put` is the field's place (`None` only where the structure lacks it).
#[derive(Clone, Copy)]
pub(crate) struct InParams {
    pub get: fn(&Params, Ix) -> Option<f64>,
    pub put: fn(&mut Params, Ix) -> Option<Store<'_>>,
}

/// One scalar parameter.
pub struct Param {
    /// Path pattern; `*` stands for an id (or a month, 1–12), as [`Param::scope`] says.
    pub path: &'static str,
    /// What the wildcards stand for.
    pub scope: Scope,
    /// The scenario table it is written in.
    pub group: Group,
    /// Short label for people (the page's knobs).
    pub label: &'static str,
    /// Unit, or "" for a pure number.
    pub unit: &'static str,
    /// Valid values: the one range that compile, edits, sampling and the page use.
    pub range: Range,
    /// Whole numbers only (weeks).
    pub whole: bool,
    /// Measured or free.
    pub basis: Basis,
    /// How the page's slider spans it.
    pub slider: Slider,
    /// One line: what the parameter means.
    pub doc: &'static str,
    /// When an instance exists, if not always ("only for actors that give aid").
    pub presence: &'static str,
    pub(crate) scenario: InScenario,
    pub(crate) params: InParams,
}

impl std::fmt::Debug for Param {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Param").field("path", &self.path).finish_non_exhaustive()
    }
}

impl Param {
    /// The value at `ix` in a scenario, if the scenario has it. `ix` must come from this
    /// scenario (or its compiled `Params`, which keep its order): [`instances`], [`resolve`].
    pub fn read<'a>(&self, s: &'a Scenario, ix: Ix) -> Option<Reading<'a>> {
        (self.scenario.get)(s, ix)
    }
    /// Where an edit at `ix` writes (creating an absent value that has a default).
    pub fn target<'a>(&self, s: &'a mut Scenario, ix: Ix) -> Option<Target<'a>> {
        (self.scenario.get_mut)(s, ix)
    }
    /// The compiled value at `ix` (on the scenario's scale: saliences 0–100), if present.
    pub fn value_in(&self, p: &Params, ix: Ix) -> Option<f64> {
        (self.params.get)(p, ix)
    }
    /// The compiled field at `ix`.
    pub fn store<'a>(&self, p: &'a mut Params, ix: Ix) -> Option<Store<'a>> {
        (self.params.put)(p, ix)
    }

    /// The concrete path of an instance.
    pub fn path_of(&self, ids: &Ids<'_>, ix: Ix) -> String {
        let mut wild = self.scope.wildcards().iter();
        let segs: Vec<String> = self
            .path
            .split('.')
            .map(|seg| {
                if seg != "*" {
                    return seg.to_string();
                }
                match wild.next() {
                    Some(Wild::Side) => ids.sides[ix.side].to_string(),
                    Some(Wild::Actor) => ids.actors[ix.actor].to_string(),
                    Some(Wild::Issue) => ids.issues[ix.issue].to_string(),
                    Some(Wild::Month) => (ix.month + 1).to_string(),
                    Some(Wild::Domain) => ids.domains[ix.domain].to_string(),
                    None => seg.to_string(),
                }
            })
            .collect();
        segs.join(".")
    }

    /// Every index combination of this row's scope (present or not).
    fn each_ix(&self, ids: &Ids<'_>) -> Vec<Ix> {
        let (n_s, n_a, n_k) = (ids.sides.len(), ids.actors.len(), ids.issues.len());
        match self.scope {
            Scope::Global => vec![Ix::default()],
            Scope::Side => (0..n_s).map(|side| Ix { side, ..Ix::default() }).collect(),
            Scope::Actor => (0..n_a).map(|actor| Ix { actor, ..Ix::default() }).collect(),
            Scope::Issue => (0..n_k).map(|issue| Ix { issue, ..Ix::default() }).collect(),
            Scope::ActorIssue => {
                (0..n_a).flat_map(|actor| (0..n_k).map(move |issue| Ix { actor, issue, ..Ix::default() })).collect()
            }
            Scope::Month => (0..12).map(|month| Ix { month, ..Ix::default() }).collect(),
            Scope::Domain => (0..ids.domains.len()).map(|domain| Ix { domain, ..Ix::default() }).collect(),
        }
    }
}

/// The ids a scenario's paths use, in the scenario's order.
#[derive(Debug, Clone, Default)]
pub struct Ids<'a> {
    /// Issue ids.
    pub issues: Vec<&'a str>,
    /// Side ids.
    pub sides: Vec<&'a str>,
    /// Actor ids.
    pub actors: Vec<&'a str>,
    /// Domain ids (`[[domains]]`).
    pub domains: Vec<&'a str>,
}

/// Something parameter paths resolve against: a scenario (for edits and checks) or compiled
/// parameters (for sampling). Both give the same paths for a valid scenario (tested).
pub trait Source {
    /// The ids, in order.
    fn ids(&self) -> Ids<'_>;
    /// Does the instance exist here?
    fn has(&self, p: &Param, ix: Ix) -> bool;
    /// The numbers relative ranges refer to.
    fn frame(&self) -> Frame;
}

impl Source for Scenario {
    fn ids(&self) -> Ids<'_> {
        Ids {
            issues: self.issues.iter().map(|i| i.id.as_str()).collect(),
            sides: self.sides.iter().map(|s| s.id.as_str()).collect(),
            actors: self.actors.iter().map(|a| a.id.as_str()).collect(),
            domains: self.domains.iter().map(|d| d.id.as_str()).collect(),
        }
    }
    fn has(&self, p: &Param, ix: Ix) -> bool {
        p.read(self, ix).is_some()
    }
    fn frame(&self) -> Frame {
        let t = self.issues.iter().find(|i| i.territorial);
        Frame {
            map_low: t.and_then(|i| i.km2.first()).map(|k| k[1]),
            map_high: t.and_then(|i| i.km2.last()).map(|k| k[1]),
            start_km2: t.and_then(|i| i.start_km2.as_ref()).map(|n| n.value),
        }
    }
}

impl Source for Params {
    fn ids(&self) -> Ids<'_> {
        Ids {
            issues: self.issue_ids.iter().map(String::as_str).collect(),
            sides: self.sides.iter().map(|s| s.id.as_str()).collect(),
            actors: self.actor_ids.iter().map(String::as_str).collect(),
            domains: self.domains.iter().map(|d| d.id.as_str()).collect(),
        }
    }
    fn has(&self, p: &Param, ix: Ix) -> bool {
        p.value_in(self, ix).is_some()
    }
    fn frame(&self) -> Frame {
        Frame {
            map_low: self.km2_knots.first().map(|k| k.1),
            map_high: self.km2_knots.last().map(|k| k.1),
            start_km2: self.territorial.map(|_| self.start_km2),
        }
    }
}

/// A resolved parameter path: a catalogue row and the indices its wildcards name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamRef {
    row: usize,
    ix: Ix,
}

impl ParamRef {
    /// The catalogue row.
    pub fn param(&self) -> &'static Param {
        &CATALOGUE[self.row]
    }
    /// The instance's indices.
    pub fn ix(&self) -> Ix {
        self.ix
    }
}

/// Every instance present in `src`, as (reference, concrete path), in catalogue order.
pub fn instances<S: Source + ?Sized>(src: &S) -> Vec<(ParamRef, String)> {
    let ids = src.ids();
    let mut out = Vec::new();
    for (row, p) in CATALOGUE.iter().enumerate() {
        for ix in p.each_ix(&ids) {
            if src.has(p, ix) {
                out.push((ParamRef { row, ix }, p.path_of(&ids, ix)));
            }
        }
    }
    out
}

/// Why a path does not name a parameter of a scenario. [`UnknownPath::detail`] continues a
/// sentence that names the path ("unknown parameter path `x`" + detail).
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownPath {
    /// Starts with "; " (a did-you-mean) or ": " (a reason).
    pub detail: String,
}

fn lookup(wild: Wild, ids: &Ids<'_>, seg: &str) -> Result<usize, String> {
    let (what, list) = match wild {
        Wild::Side => ("side", &ids.sides),
        Wild::Actor => ("actor", &ids.actors),
        Wild::Issue => ("issue", &ids.issues),
        Wild::Domain => ("domain", &ids.domains),
        Wild::Month => {
            return match seg.parse::<usize>() {
                Ok(m) if (1..=12).contains(&m) => Ok(m - 1),
                _ => Err(format!(": `{seg}` is not a month; expected 1–12 (1 = January)")),
            }
        }
    };
    list.iter()
        .position(|x| *x == seg)
        .ok_or_else(|| format!(": unknown {what} `{seg}`{}", crate::suggest::did_you_mean(seg, list.iter().copied())))
}

/// Resolves a concrete path (`actors.russia.positions.territory`) in `src`.
pub fn resolve<S: Source + ?Sized>(src: &S, path: &str) -> Result<ParamRef, UnknownPath> {
    let segs: Vec<&str> = path.split('.').collect();
    let ids = src.ids();
    let mut id_problem: Option<String> = None;
    for (row, p) in CATALOGUE.iter().enumerate() {
        let pat: Vec<&str> = p.path.split('.').collect();
        if pat.len() != segs.len() || pat.iter().zip(&segs).any(|(a, b)| *a != "*" && a != b) {
            continue;
        }
        let mut ix = Ix::default();
        let wild_segs = pat.iter().zip(&segs).filter(|(a, _)| **a == "*").map(|(_, b)| *b);
        let mut ok = true;
        for (seg, wild) in wild_segs.zip(p.scope.wildcards()) {
            match lookup(*wild, &ids, seg) {
                Ok(i) => match wild {
                    Wild::Side => ix.side = i,
                    Wild::Actor => ix.actor = i,
                    Wild::Issue => ix.issue = i,
                    Wild::Month => ix.month = i,
                    Wild::Domain => ix.domain = i,
                },
                Err(e) => {
                    id_problem.get_or_insert(e);
                    ok = false;
                    break;
                }
            }
        }
        if !ok {
            continue;
        }
        if !src.has(p, ix) {
            return Err(UnknownPath { detail: format!(": this scenario has no such value ({})", p.presence) });
        }
        return Ok(ParamRef { row, ix });
    }
    let detail = id_problem.unwrap_or_else(|| {
        let known: Vec<String> = instances(src).into_iter().map(|(_, p)| p).collect();
        crate::suggest::did_you_mean(path, known.iter().map(String::as_str))
    });
    Err(UnknownPath { detail })
}

/// The row with this pattern (`sides.*.forces`).
pub fn find(pattern: &str) -> Option<&'static Param> {
    CATALOGUE.iter().find(|p| p.path == pattern)
}

/// Marker lines around the generated table in `docs/scenario.md`.
pub const DOC_BEGIN: &str =
    "<!-- parameter catalogue: generated from crates/truce-engine/src/catalogue/rows.rs; do not edit -->";
/// End marker of the generated table.
pub const DOC_END: &str = "<!-- end of parameter catalogue -->";

/// The parameter table of `docs/scenario.md`, one section per group (the text between
/// [`DOC_BEGIN`] and [`DOC_END`]).
pub fn markdown() -> String {
    let mut out = String::new();
    for g in Group::ALL {
        let rows: Vec<&Param> = CATALOGUE.iter().filter(|p| p.group == g).collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n#### {} (`{}`)\n\n", g.title(), g.table()));
        out.push_str("| Path | Meaning | Unit | Valid | Kind |\n|---|---|---|---|---|\n");
        for p in rows {
            let mut meaning = p.doc.to_string();
            if !p.presence.is_empty() {
                meaning.push_str(&format!(" ({})", p.presence));
            }
            let valid = if p.whole { format!("{}, whole", p.range.notation()) } else { p.range.notation() };
            let unit = if p.unit.is_empty() { "—" } else { p.unit };
            out.push_str(&format!("| `{}` | {} | {} | {} | {} |\n", p.path, meaning, unit, valid, p.basis.name()));
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_unique_and_match_their_scope() {
        for (i, p) in CATALOGUE.iter().enumerate() {
            let stars = p.path.split('.').filter(|s| *s == "*").count();
            assert_eq!(stars, p.scope.wildcards().len(), "{}: wildcards and scope disagree", p.path);
            assert!(CATALOGUE[..i].iter().all(|q| q.path != p.path), "{} twice", p.path);
            assert!(!p.doc.is_empty() && !p.label.is_empty() && !p.range.phrase.is_empty(), "{}", p.path);
        }
    }

    #[test]
    fn ranges_check_their_ends() {
        let f = Frame::default();
        assert!(SHARE.contains(0.0, &f) && SHARE.contains(1.0, &f) && !SHARE.contains(1.000_001, &f));
        assert!(!POSITIVE.contains(0.0, &f) && POSITIVE.contains(1e-300, &f));
        assert!(!NONNEG.contains(f64::INFINITY, &f) && !ANY.contains(f64::NAN, &f));
        assert_eq!(POSITIVE.guard(-3.0, &f), 1e-9);
        assert_eq!(SHARE.guard(1.5, &f), 1.0);
        assert_eq!(SHARE.notation(), "[0, 1]");
        assert_eq!(POSITIVE.notation(), "(0, ∞)");
        let rel = find("termination.collapse_second_km2").unwrap().range;
        let f = Frame { map_low: Some(0.0), map_high: Some(100.0), start_km2: Some(40.0) };
        assert!(!rel.contains(40.0, &f) && rel.contains(40.5, &f) && rel.contains(100.0, &f));
        assert_eq!(rel.expected(&f), "km² above start_km2 and at most the mapping's end (here (40, 100])");
        assert_eq!(rel.notation(), "(start_km2, km² at index 100]");
        // Unknown scenario limits do not bind.
        assert!(rel.contains(1e9, &Frame::default()));
    }

    #[test]
    fn supports_are_admitted_only_inside() {
        let f = Frame::default();
        let s = |low, la, high, ha| Support { low, low_attained: la, high, high_attained: ha };
        assert!(SHARE.admits(&s(0.0, true, 1.0, true), &f));
        assert!(!SHARE.admits(&s(f64::NEG_INFINITY, false, f64::INFINITY, false), &f));
        assert!(POSITIVE.admits(&s(0.0, false, f64::INFINITY, false), &f), "a lognormal on (0, ∞)");
        assert!(!POSITIVE.admits(&s(0.0, true, 1.0, true), &f), "a uniform from 0 can draw 0");
    }
}
