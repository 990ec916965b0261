//! The parameter catalogue: the one place where a scalar parameter of a scenario is defined.
//!
//! Each [`Param`] row names a path pattern (`sides.*.war_cost_per_year`), a label, a unit, a
//! valid [`Range`], whether it is measured or free, a one-line doc, a slider hint for the
//! page, and how to read and write it in a [`Scenario`] and in compiled [`Params`]. Everything
//! else derives from the rows: the range checks of `Params::compile`, parameter paths and
//! their resolution ([`resolve`], `Params::resolve/get/set`), the `[uncertainty]` paths,
//! edits by path (`crate::edit`), the web editor's knobs, and the parameter table of
//! `docs/scenario.md` ([`markdown`]). Adding a scalar parameter is one schema field plus one
//! row here.
//!
//! This module must never hold run-time state, and the weekly loop never reads it: a run
//! reads plain `Params` fields. Rows are only consulted when a scenario is compiled, edited
//! or sampled.

use crate::params::Params;
use crate::scenario::{BeliefSpec, Num, Scenario};
use crate::uncertainty::Support;

/// What the `*` segments of a pattern stand for, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// No wildcard: one value per scenario (`combat.exponent_p`).
    Global,
    /// One per side: `sides.<side>.…`, `beliefs.<side>.…`.
    Side,
    /// One per actor: `actors.<actor>.…`.
    Actor,
    /// One per actor and issue: `actors.<actor>.positions.<issue>`.
    ActorIssue,
    /// One per issue: `issues.<issue>.…`.
    Issue,
    /// One per calendar month, 1–12: `seasonality.monthly.<month>`.
    Month,
}

/// One kind of wildcard segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wild {
    Side,
    Actor,
    Issue,
    Month,
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
        }
    }
}

/// Indices of one instance of a row: the side, actor, issue or month its wildcards name
/// (unused ones are 0). Indices follow the scenario's order, which `Params` keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ix {
    pub side: usize,
    pub actor: usize,
    pub issue: usize,
    /// 0 = January.
    pub month: usize,
}

/// Where a parameter belongs: the scenario table it is written in, and a heading for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Issues,
    Sides,
    Actors,
    Combat,
    Seasonality,
    Intensity,
    Beliefs,
    Protocol,
    Termination,
}

impl Group {
    /// Every group, in the order of a scenario file.
    pub const ALL: [Group; 9] = [
        Group::Issues,
        Group::Sides,
        Group::Actors,
        Group::Combat,
        Group::Seasonality,
        Group::Intensity,
        Group::Beliefs,
        Group::Protocol,
        Group::Termination,
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
            Group::Protocol => "Talks",
            Group::Termination => "Termination",
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
            Group::Protocol => "[protocol]",
            Group::Termination => "[termination]",
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
    Unbounded,
    Closed(Limit),
    Open(Limit),
}

/// A parameter's valid values, with the phrase messages use ("a share in [0, 1]").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub low: End,
    pub high: End,
    /// What was expected, for people: "a share in [0, 1]".
    pub phrase: &'static str,
}

/// The numbers a scenario fixes that some ranges refer to (`None` when the scenario has no
/// territorial mapping or start; an end at an unknown limit does not bind).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Frame {
    pub map_low: Option<f64>,
    pub map_high: Option<f64>,
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
        let ((lo, lc), (hi, hc)) = self.interval(f);
        let inside = |x: f64| 1e-9 * x.abs().max(1.0);
        let mut v = v;
        if lo.is_finite() {
            let floor = if lc { lo } else { lo + inside(lo) };
            if v.is_nan() || v < floor {
                v = floor;
            }
        }
        if hi.is_finite() {
            let ceil = if hc { hi } else { hi - inside(hi) };
            if v > ceil {
                v = ceil;
            }
        }
        v
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
    pub value: f64,
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
    /// Whole weeks.
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
    pub scope: Scope,
    pub group: Group,
    /// Short label for people (the page's knobs).
    pub label: &'static str,
    /// Unit, or "" for a pure number.
    pub unit: &'static str,
    pub range: Range,
    /// Whole numbers only (weeks).
    pub whole: bool,
    pub basis: Basis,
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
    /// The value at `ix` in a scenario, if the scenario has it.
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
        }
    }
}

/// The ids a scenario's paths use, in the scenario's order.
#[derive(Debug, Clone, Default)]
pub struct Ids<'a> {
    pub issues: Vec<&'a str>,
    pub sides: Vec<&'a str>,
    pub actors: Vec<&'a str>,
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
    "<!-- parameter catalogue: generated from crates/truce-engine/src/catalogue.rs; do not edit -->";
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

// ---------------------------------------------------------------------------------------
// Accessor helpers for rows whose value sits behind a map or an option.

/// The default prior of a side without a `[beliefs.<side>]` table.
pub(crate) fn default_belief() -> BeliefSpec {
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

/// An actor's number on an issue, in one of its per-issue maps.
fn per_issue(
    s: &Scenario,
    i: Ix,
    map: fn(&crate::scenario::ActorSpec) -> &std::collections::BTreeMap<String, Num>,
) -> Option<Reading<'_>> {
    let issue = &s.issues.get(i.issue)?.id;
    map(s.actors.get(i.actor)?).get(issue).map(Reading::num)
}

fn red_line(s: &Scenario, i: Ix) -> Option<&crate::scenario::RedLine> {
    s.actors.get(i.actor)?.red_lines.get(&s.issues.get(i.issue)?.id)
}

fn red_line_mut(s: &mut Scenario, i: Ix) -> Option<&mut crate::scenario::RedLine> {
    let issue = s.issues.get(i.issue)?.id.clone();
    s.actors.get_mut(i.actor)?.red_lines.get_mut(&issue)
}

fn territorial_is(p: &Params, k: usize) -> bool {
    p.territorial == Some(k)
}

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
            range: POSITIVE,
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
            range: NONNEG,
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
            range: POSITIVE,
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
        range: ANY,
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
        range: POSITIVE,
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
        range: NONNEG,
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
    // ---- Seasonality.
    Param {
        path: "seasonality.monthly.*",
        scope: Scope::Month,
        group: Group::Seasonality,
        label: "intensity",
        unit: "multiplier",
        range: NONNEG,
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
        range: NONNEG,
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
        range: ANY,
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
        doc: "a run ends for low activity when intensity stays below this floor …",
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
];

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
