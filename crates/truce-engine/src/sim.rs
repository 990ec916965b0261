//! One run of the fight–talk loop.
//!
//! [`Sim::run`] is a short driver over named phases. Each week, in this order:
//!
//! 1. **events** — the scenario's scheduled events take effect: aid packages, levels and
//!    stops; elections and leadership changes (positions, resolve, a new leader's belief; a
//!    leadership change, or an election the incumbent loses, brings a non-culpable
//!    successor); offensives; guarantee offers; calls for talks (which draw the mediator back).
//! 2. **ceasefire week** — while a ceasefire holds nobody fights and the line stays frozen;
//!    each week it may break down (a hazard lowered by guarantees and raised by a shift in the
//!    balance since it was agreed), and the war resumes that week. A ceasefire is an
//!    **armistice** ([`armistice`](self::armistice)): while it holds, the mediator's attention
//!    and, on cadence, talks on the political issues it left open, weighed against the
//!    armistice; a settlement then is a two-stage ending.
//! 3. **fight** — intensity (season × war fatigue × escalation pulse, × the low-activity
//!    factor while the war is in low activity); generalised
//!    Lanchester attrition with a lognormal shock (Lanchester 1916; Helmbold 1961's
//!    generalised form, `war-theory.md` §3); a front whose mean weekly movement rises
//!    monotonically with the effective force ratio, with a defender's advantage, seasonality
//!    and Student-t shocks; recruitment; strikes on economies and their recovery toward a
//!    target set by aid, sanctions and oil revenue; aid with fatigue and a stop hazard; the
//!    front's operations ([`crate::front`]): operational regimes with state-dependent
//!    hazards, the attacker's culmination (Clausewitz VII.4–5; Boulding 1962), prepared
//!    defences, effectiveness edges, mobilisation waves and oil shocks
//!    (`docs/reference/front-dynamics.md`); momentum.
//! 4. **learn** — each belligerent's belief about the front's drift, a Normal mean updated by
//!    Bayes' rule with exponential forgetting: fighting reveals information and beliefs
//!    converge (Wagner 2000; Slantchev 2003; Smith & Stam 2004).
//! 5. **objectives** and **end?** ([`breaking`](self::breaking)) — the decisive places that
//!    changed hands with the line (resolve moves with them); collapse of a side: certain past
//!    a floor or threshold (forces, economy, front), else a weekly hazard that rises as the
//!    side's forces, economy and places fall and while it misjudges the balance (Powell
//!    2004; `docs/reference/war-endings.md` §6).
//!    Then **aims** ([`aims`](self::aims), `docs/reference/war-endings.md` §10): each side's
//!    red lines follow its believed chance of prevailing, up with success and down, more
//!    slowly for the leader who made them public, with failure (Filson & Werner 2002;
//!    Slantchev 2003; Fearon 1994). No draws; off when `politics.*.aims_per_year` is 0.
//! 6. **the ways out of a war** ([`endings`](self::endings), `docs/reference/war-endings.md`):
//!    the pressure of war and ripeness; **politics** (a leader's irregular removal);
//!    **activity** (low activity begins, or flares up into high-intensity war); the
//!    mediator's **attention**.
//! 7. **talk**, when something called for it or on cadence while the mediator is engaged
//!    ([`crate::talk`]): the value of war
//!    (Fearon 1995's p − c, made dynamic: the line each side expects, and on every other
//!    issue its own terms with the probability of prevailing it believes in), the mediator's Nash proposal (Nash
//!    1950; Kalai 1977) or the compromise, supporters' amendments, the veto players' votes
//!    with Powell (2006)'s commitment check, the ceasefire fallback (an armistice valued by
//!    what later talks are expected to bring on the issues it leaves open); without agreement, the
//!    cause that blocked the round, concessions toward the collective forecast with momentum
//!    hardening, perhaps an escalation pulse, the mediator's frustration and perhaps a
//!    suspension. A settlement ends the run; a ceasefire is in force from the end of the week
//!    it was agreed.
//!
//! Every simulated week reaches the observers with the war's [`WarState`] at its end
//! (fighting, low activity, ceasefire, settled, a side collapsed). Settlement and collapse
//! end a run; a run that reaches its horizon ends in the state it is in (fighting: "neither
//! war nor peace"; low activity; or a ceasefire in force).
//!
//! **Horizon independence:** the horizon only says where to stop. Everything a run shows for
//! weeks before the horizon (states, line, casualties, events, rounds) is the same for any
//! longer horizon, under the same seed and run index: no draw, table or branch depends on
//! it (a ceasefire's breakdown is drawn week by week).
//!
//! Sources: the weekly loop of `docs/reference/war-theory.md` §2 (Wagner 2000; Slantchev
//! 2003; Smith & Stam 2004; Powell 2006), attrition laws §3 (Lanchester 1916; Helmbold 1961's
//! generalised form), the design brief `docs/reference/fight-talk-model.md` §2.
//!
//! A [`Sim`] owns every buffer a run needs; [`Sim::run`] allocates nothing and is a pure
//! function of the parameters and (seed, run index): the random stream is ChaCha8 seeded with
//! `seed` on stream `run_index`, and draws happen in a fixed order (per event: one for an
//! election with a turnover probability; per leader change, however it came: two for the
//! successor's private reservations; per ceasefire week: one for its breakdown, and while
//! it holds one for a mediation initiative and, per failed round under it, one for a
//! suspension; per
//! fought week: one normal per side for attrition, one Student-t for the front, one uniform
//! per active aid line, then per side one uniform each for an edge, a mobilisation wave and an
//! oil shock where the side's rate is positive (and one for an oil shock's sign when it
//! comes), one for the regime when regimes are on, then one per side whose collapse hazard is
//! on (`politics.*.collapse_per_year` > 0) for its breaking, one per side for a leader's removal,
//! one for low activity, one for a new mediation initiative; at the first talk round of a
//! run: each party's private reservation, one per veto player and one per belligerent for a
//! ceasefire; per failed talk round: one for escalation, one for a suspension of talks).
//! Phases must never draw out of this order or allocate.

use crate::front::{self, Front, Regime};
use crate::params::{Event, Params};
use crate::scenario::{EventKind, Role};
use crate::talk::{self, Blocker, Frontier, Segment};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal, StudentT};
use serde::Serialize;

pub use crate::outcome::{CollapseCause, EventWeeks, WarEvent, WarState};
pub use terms::CeasefireTermsView;

mod aims;
mod armistice;
mod breaking;
mod domains;
mod endings;
pub mod patrons;
mod terms;
mod truces;
use endings::{weekly, Pressure};
use patrons::{pressed_margin, ALLY};

/// Summary of one run (terms are in [`Sim::terms`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RunSummary {
    /// How the run ended: the war's state after the run's last week.
    pub state: WarState,
    /// Week the final state began; the horizon for a run still fighting at its end.
    pub week: u32,
    /// Area held by the first side at the end (km²).
    pub km2: f64,
    /// The same line on the territorial issue's 0–100 scale.
    pub index: f64,
    /// Cumulative casualties per side.
    pub casualties: [f64; 2],
    /// Accumulated war costs per side (utility points).
    pub costs: [f64; 2],
    /// Talk rounds held.
    pub rounds: u32,
    /// Ceasefires that broke down before the end of the run.
    pub breakdowns: u32,
    /// First week a talk round found the bargaining range open.
    pub first_open_week: Option<u32>,
    /// A two-stage ending: the week the armistice in force when the run settled was agreed
    /// (ceasefire first, settlement later); `None` for every other end.
    pub armistice_week: Option<u32>,
    /// What broke the side when the run ended in a collapse (`state` says which side);
    /// `None` for every other end.
    pub collapse: Option<CollapseCause>,
}

/// What an observer sees each week (borrowed from the simulation).
#[derive(Debug, Clone, Copy)]
pub struct WeekView {
    /// Week number from the start (0-based).
    pub week: u32,
    /// Area held by the first side at the end of the week (km²).
    pub km2: f64,
    /// The same line on the territorial issue's 0–100 scale.
    pub index: f64,
    /// Weekly gain of the first side (km²).
    pub gain: f64,
    /// This week's casualties per side.
    pub casualties: [f64; 2],
    /// Casualties per side since the start.
    pub cum_casualties: [f64; 2],
    /// Forces per side after the week's losses and recruits.
    pub forces: [f64; 2],
    /// Economy per side: 0 to 1, or up to what it recovers toward where that is above 1 (a war
    /// economy no longer held down by strikes or sanctions); collapse below the side's floor.
    pub economy: [f64; 2],
    /// Aid received per side, in the scenario's aid unit.
    pub aid: [f64; 2],
    /// Each belligerent's believed drift (km²/week at intensity 1).
    pub belief: [f64; 2],
    /// Fighting intensity (season × war fatigue × escalation × the regime's level; 0 under a
    /// ceasefire).
    pub intensity: f64,
    /// Who was on the offensive this week ([`Regime::Contested`] without regimes; the last
    /// regime under a ceasefire).
    pub regime: Regime,
    /// Whether the last talk round found a deal both belligerents prefer to war.
    pub range_open: bool,
    /// Whether a ceasefire held this week (no fighting). False in the week a ceasefire is
    /// agreed: that week was fought, and the ceasefire is in force from its end.
    pub ceasefire: bool,
    /// The war's state at the end of the week.
    pub state: WarState,
    /// The mediator's attention (0–1) after this week's update.
    pub attention: f64,
    /// Whether talks were suspended over an indivisible issue at the end of the week.
    pub suspended: bool,
    /// Ripeness (0–1) this week: the mutually hurting stalemate.
    pub ripeness: f64,
    /// What blocked the talks due this week: `None` when no round was due or a round agreed.
    pub blocked: Option<Blocker>,
    /// Effective force per soldier per side this week (aid, economy, offensives and edges
    /// included; 0 under a ceasefire): the side's combat power is this × its forces.
    pub effectiveness: [f64; 2],
    /// Whether an imposed ceasefire (`sim/terms.rs`) is in force from the end of this week:
    /// it marks [`WarEvent::CeasefireImposed`].
    pub imposed: bool,
    /// Whether a strike moratorium (`sim/truces.rs`) is in force from the end of this week:
    /// it marks [`WarEvent::StrikeMoratorium`].
    pub moratorium: bool,
    /// Whether a humanitarian pause (`sim/truces.rs`) is agreed and not yet over at the end of
    /// this week: it marks [`WarEvent::HumanitarianPause`].
    pub pause: bool,
    /// Days of this week on which a humanitarian pause held (0–7; 0 under a ceasefire).
    pub paused_days: u32,
    /// Whether a trade corridor (`sim/truces.rs`) is open at the end of this week: it marks
    /// [`WarEvent::TradeCorridor`].
    pub corridor: bool,
    /// The `[[domains]]` their holders hold at the end of this week (bit d: domain d, in file
    /// order; `sim/domains.rs`); 0 without domains.
    pub domains: u64,
}

/// A veto player's decision on a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Decision {
    /// Actor index (as in the scenario's actor list).
    pub actor: usize,
    /// Utility of the deal minus the actor's outside option (a belligerent's: war, or the
    /// armistice where it would be agreed or holds, [`RoundView::outside`]; a supporter's: no
    /// deal), with its suppliers' and a patron mediator's pull.
    pub margin: f64,
    /// Whether the actor accepted (its private reservation, drawn once per run, fell under
    /// its logistic acceptance probability, and the commitment check passed).
    pub accepted: bool,
    /// Whether the deal passes Powell's commitment check for this actor.
    pub commitment_ok: bool,
    /// The audience cost (≥ 0) of the deal's concessions past the actor's public red lines,
    /// already counted in `margin`.
    pub audience: f64,
}

/// What an observer sees at each talk round.
#[derive(Debug, Clone, Copy)]
pub struct RoundView<'a> {
    /// Week of the round.
    pub week: u32,
    /// The mediator's proposal before amendments.
    pub proposal: &'a [f64],
    /// After supporters' amendments (what the veto players vote on).
    pub amended: &'a [f64],
    /// True when no deal beat war for both belligerents and the compromise was proposed.
    pub compromise: bool,
    /// Whether some deal gives both belligerents more than their outside options
    /// ([`RoundView::outside`]).
    pub range_open: bool,
    /// Each belligerent's value of war (utility points; under an armistice, the armistice's).
    pub values_of_war: [f64; 2],
    /// Each belligerent's outside option for the deal, the disagreement point of the
    /// mediator's proposal and of the votes: where the freeze would be agreed if the deal
    /// failed (`protocol.deal_against_fallback`) or the round is held under an armistice, the
    /// armistice held or broken down into war, (1 − h) × its value + h × war's
    /// (`Sim::fallback_outside`); else its value of war.
    pub outside: [f64; 2],
    /// The veto players' decisions, in actor order.
    pub decisions: &'a [Decision],
    /// Each belligerent's margin for a ceasefire at the line (the armistice over war), in
    /// every round held in a war (none under an armistice): the freeze is voted before the
    /// deal, as the continuation of its failure.
    pub ceasefire_margins: Option<[f64; 2]>,
    /// Both belligerents (and coalition partners in the war) would accept the freeze: it is
    /// agreed if the deal fails (false under an armistice, where no freeze is voted on).
    pub fallback_agreed: bool,
    /// Every veto player accepted: the war ends in a settlement.
    pub settled: bool,
    /// Both belligerents accepted the ceasefire fallback.
    pub ceasefire: bool,
    /// Ripeness (0–1) when the round was held.
    pub ripeness: f64,
    /// What blocked the round when it failed (never [`Blocker::NoTalks`]).
    pub blocked: Option<Blocker>,
    /// The round was held under an armistice, on the political issues it left open: the
    /// parties weighed the deal against the armistice, not against war, and no freeze was
    /// voted on.
    pub armistice: bool,
    /// Who mediated the round (actor index): the protocol's mediator, or a patron that holds
    /// the mediator role (`sim/patrons.rs`).
    pub mediator: usize,
}

/// Watches a run. Every method defaults to doing nothing, so an unobserved run costs nothing.
/// Observers see the run's state and never change it.
pub trait Observer {
    /// Once per simulated week, after the week's fight and talk (or a ceasefire week), in
    /// week order with no gaps from week 0 to the run's last week.
    fn week(&mut self, _w: &WeekView) {}
    /// After each talk round's votes (before the week it belongs to).
    fn round(&mut self, _r: &RoundView<'_>) {}
    /// When a scheduled event takes effect (at the start of its week).
    fn event(&mut self, _week: u32, _e: &Event) {}
    /// When a ceasefire breaks down (the war resumes that week).
    fn breakdown(&mut self, _week: u32) {}
    /// When a side's leader is replaced by a non-culpable successor (irregular removal, a
    /// lost election or a scheduled leadership change).
    fn leader_change(&mut self, _week: u32, _side: usize) {}
    /// When objective `objective` (index in `Params::objectives`) falls to side `to` with the
    /// week's fighting (a fall and a recapture alike).
    fn objective(&mut self, _week: u32, _objective: usize, _to: usize) {}
    /// A patron's roles changed (bits of [`crate::scenario::PatronRole`]): a scheduled
    /// change, a supplier's cut-off, an ally's or a coalition partner's exit.
    fn patron(&mut self, _week: u32, _actor: usize, _from: u8, _to: u8) {}
    /// When actor `actor`'s public red line on issue `issue` moved across a whole point of
    /// the issue's scale with the side's fortunes (`sim/aims.rs`); `red_line` is where it
    /// stands now.
    fn aim(&mut self, _week: u32, _actor: usize, _issue: usize, _red_line: f64) {}
    /// The terms of a ceasefire agreed this week (imposed or not, monitors), before that
    /// week's [`Observer::week`]; only in scenarios with `[ceasefire_terms]`.
    fn ceasefire_terms(&mut self, _week: u32, _terms: &CeasefireTermsView) {}
    /// A strike moratorium agreed (`agreed`) after a talk round, or lapsed by its hazard, in
    /// `week` (`sim/truces.rs`); only in scenarios with `[strike_moratorium]`.
    fn moratorium(&mut self, _week: u32, _agreed: bool) {}
    /// A humanitarian pause agreed (`agreed`) after a session of talks, or broken down before
    /// its term, in `week` (`sim/truces.rs`); only in scenarios with `[humanitarian_pause]`.
    fn pause(&mut self, _week: u32, _agreed: bool) {}
    /// A trade corridor opened (`opened`) after a session of talks, or closed by its hazard, in
    /// `week` (`sim/truces.rs`); only in scenarios with `[trade_corridor]`.
    fn corridor(&mut self, _week: u32, _opened: bool) {}
    /// Domain `domain` (`[[domains]]`, file order) lost by its holder (`held` false) or
    /// regained (`held` true) before `week`'s fight (`sim/domains.rs`); only in scenarios
    /// with domains.
    fn domain(&mut self, _week: u32, _domain: usize, _held: bool) {}
}

/// An observer that ignores everything.
pub struct NoObserver;
impl Observer for NoObserver {}

/// Front law shape φ(ρ) ∈ (−1, 1): zero inside the defender's band [1/D, D], rising with
/// ln ρ beyond it (Helmbold-style monotone response to the force ratio).
#[inline]
pub fn front_shape(rho: f64, d: f64, kappa: f64) -> f64 {
    let l = rho.ln();
    let ld = d.ln();
    if l > ld {
        (kappa * (l - ld)).tanh()
    } else if l < -ld {
        (kappa * (l + ld)).tanh()
    } else {
        0.0
    }
}

pub use crate::special::norm_cdf;

/// The random stream of run `run_index` under `seed`: ChaCha8 keyed by the seed, on stream
/// number `run_index`. A run's draws then depend only on (seed, run index), never on which
/// thread or shard ran it, and streams of different runs never overlap.
pub fn run_rng(seed: u64, run_index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(run_index);
    rng
}

/// Bisection steps of the origin's belief gap ([`Sim::origin_gap`]): 2⁻¹⁶ of the front's
/// largest weekly movement.
const ORIGIN_BISECTIONS: u32 = 16;

/// x^e with the common exponents of the attrition law done without `powf`.
#[inline]
fn pow(x: f64, e: f64) -> f64 {
    if e == 1.0 {
        x
    } else if e == 0.0 {
        1.0
    } else if e == 2.0 {
        x * x
    } else {
        x.powf(e)
    }
}

/// The simulation workspace: parameters plus every buffer a run needs.
///
/// The buffers are split by who writes them, so that a talk round can hold one
/// [`talk::UtilityContext`] (borrowing the parameters, positions, normalised saliences and
/// no-deal values) while it writes its outputs into [`RoundBuffers`].
pub struct Sim {
    p: Params,
    /// Derived from the parameters at the start of each run; read-only during it.
    k: RunConstants,
    /// The run's own buffers (a stepped [`Run`] holds them between steps).
    b: RunBuffers,
    /// What a talk round writes.
    round: RoundBuffers,
    /// The start of a run under these parameters (its state at week 0 and its buffers after
    /// [`Sim::prepare`] and [`Sim::initial_state`]): the start is a function of the
    /// parameters alone (no draws), so later starts copy it ([`Sim::begin`]). `None` whenever
    /// the parameters may have changed ([`Sim::params_mut`] and [`Sim::reset_params`] clear it).
    origin: Option<State>,
    origin_b: RunBuffers,
}

/// The buffers that belong to one run, listed once: [`Sim`] works on them, a [`Run`]
/// carries them between steps (swapped in and out, never copied), and a snapshot clones them.
#[derive(Clone)]
struct RunBuffers {
    /// Current advocated positions (actor-major): events and concessions move them.
    pos: Vec<f64>,
    /// Resolve per actor (divides war costs): events change it.
    resolve: Vec<f64>,
    /// Aid per actor: the current level and whether the line still flows.
    aid_level: Vec<f64>,
    aid_active: Vec<bool>,
    /// No-deal values per issue at the current round (the line for the territorial issue).
    nodeal: Vec<f64>,
    /// Per actor, the share of its red lines' audience costs that applies at the current
    /// round (a successor's, lightened by ripeness).
    audience: Vec<f64>,
    /// Per actor, its private reservation for the run: the uniform its acceptance
    /// probability must exceed (drawn at the first talk round; see [`Sim::reserve`]).
    reserve: Vec<f64>,
    /// Terms of the run's outcome.
    terms: Vec<f64>,
    /// Per actor, the roles it holds now as a patron or partner (bits of
    /// [`crate::scenario::PatronRole`]; 0 for every other actor).
    roles: Vec<u8>,
    /// Per actor, the side it backs now: a patron's client (a `patron_roles` event with a
    /// `side` switches it), else the side its aid line goes to (0 for an actor with neither).
    /// Its aid line flows to this side.
    backs: Vec<usize>,
    /// Per side, the share of its suppliers' aid an embargo lets through (1: none).
    embargo: [f64; 2],
    /// Public red lines now (actor-major, as `Params::red_line`): the scenario's at the
    /// start, moved by the aims phase (`sim/aims.rs`) while a side's aims follow its fortunes.
    red_line: Vec<f64>,
    /// The `[[domains]]` held by their holders (bit d), and per side what the other's held
    /// domains let through (`sim/domains.rs`; free passage without domains).
    domains: u64,
    supply: [domains::Supply; 2],
}

impl RunBuffers {
    /// Copies `source` into these buffers without allocating (same scenario, same lengths;
    /// a derived `clone_from` would allocate a whole new set). The destructuring makes a
    /// new field a compile error here until it is copied too.
    fn copy_from(&mut self, source: &Self) {
        let RunBuffers {
            pos,
            resolve,
            aid_level,
            aid_active,
            nodeal,
            audience,
            reserve,
            terms,
            roles,
            backs,
            embargo,
            red_line,
            domains,
            supply,
        } = self;
        pos.clone_from(&source.pos);
        resolve.clone_from(&source.resolve);
        aid_level.clone_from(&source.aid_level);
        aid_active.clone_from(&source.aid_active);
        nodeal.clone_from(&source.nodeal);
        audience.clone_from(&source.audience);
        reserve.clone_from(&source.reserve);
        terms.clone_from(&source.terms);
        roles.clone_from(&source.roles);
        backs.clone_from(&source.backs);
        *embargo = source.embargo;
        red_line.clone_from(&source.red_line);
        *domains = source.domains;
        *supply = source.supply;
    }

    /// Bytes these buffers hold on the heap (a particle filter's memory estimate).
    fn heap_bytes(&self) -> usize {
        let RunBuffers {
            pos,
            resolve,
            aid_level,
            aid_active,
            nodeal,
            audience,
            reserve,
            terms,
            roles,
            backs,
            embargo: _,
            red_line,
            domains: _,
            supply: _,
        } = self;
        let f = |v: &Vec<f64>| v.capacity() * std::mem::size_of::<f64>();
        f(pos)
            + f(resolve)
            + f(aid_level)
            + aid_active.capacity()
            + f(nodeal)
            + f(audience)
            + f(reserve)
            + f(terms)
            + roles.capacity()
            + backs.capacity() * std::mem::size_of::<usize>()
            + f(red_line)
    }
}

/// Constants of a run, derived from the parameters by [`Sim::prepare`].
struct RunConstants {
    /// Calendar month (0–11) of each week, for the start date and horizon in `months_for`.
    months: Vec<u8>,
    months_for: (crate::calendar::CivilDate, u32),
    /// War fatigue exp(−`fatigue_per_year` · t / 52) of each week t before the horizon, for
    /// the fatigue (its bits) and horizon in `fatigue_for`: read by the fight and the value
    /// of war every week, recomputed only when either changes (a forecast that does not
    /// sample the fatigue computes it once).
    fatigue: Vec<f64>,
    fatigue_for: Option<(u64, u32)>,
    /// Weekly aid decay factor and weekly stop probability per actor.
    aid_decay: Vec<f64>,
    aid_stop: Vec<f64>,
    /// The actors with an `aid` line, in actor order, so that the weekly sums visit only
    /// those (parameters only, so once per run); each line flows to the side its actor backs
    /// now (`RunBuffers::backs`).
    aid_lines: Vec<usize>,
    /// Attrition coefficient per side (calibrated to the casualties of the first week).
    beta: [f64; 2],
    /// Scale of the weekly front movement at intensity 1: drift = v_front × φ(ρ), calibrated
    /// to the first week's gain.
    v_front: f64,
    /// Expected drift at the start (the belief before optimism).
    drift0: f64,
    /// Aid each side receives at the start.
    aid0: [f64; 2],
    /// Saliences normalised to sum 1 per actor (utility weights).
    nsal: Vec<f64>,
    /// The front's fat-tailed weekly shock.
    shock: StudentT<f64>,
    /// The front's and the economy's constants (`crate::front`).
    front: front::Constants,
    /// Weekly factor of the mediator's attention and weekly probability of a new initiative.
    attention_decay: f64,
    initiative: f64,
    /// Weekly probabilities of a supplier's cut-off and of an ally's or partner's exit, per
    /// actor; whether the scenario has patrons, partners or embargoes at all (else none of
    /// `sim/patrons.rs` runs), and whether it has partners.
    cutoff: Vec<f64>,
    exit: Vec<f64>,
    patrons: bool,
    partners: bool,
    /// Whether some patron has a positive `aid_leverage` (else no supplier's view is weighed
    /// and the rounds compute exactly what they did without it).
    say: bool,
    /// Whether some patron may take the mediator's seat as the war ripens (a positive
    /// `mediate_per_year`; else the seat phase never runs and draws nothing).
    seat: bool,
    /// Per side, the share of its gap a red line closes in a week of advance,
    /// 1 − exp(−`aims_per_year`/52) (`sim/aims.rs`; a parameter only, so once per run).
    aims_advance: [f64; 2],
    /// The collective forecast's participants and weights (parameters only, so once per run).
    collective: Collective,
}

/// Who weighs in on the collective forecast and with what weight, derived from the
/// parameters once per run ([`RoundBuffers::collective_forecast`] reads it every round): the
/// actors that are not bystanders, in actor order, and per issue their weights capability ×
/// salience and the weights' sum (summed in actor order, as the weighted mean sums them).
struct Collective {
    /// Actor indices of the participants, in actor order.
    who: Vec<usize>,
    /// Weights, issue-major: `w[k * who.len() + j]` for participant j on issue k.
    w: Vec<f64>,
    /// Per issue, the sum of its weights in participant order.
    sum: Vec<f64>,
}

impl Collective {
    /// Participants and weights of `p` (refilled in place: no allocation after the first).
    fn derive(&mut self, p: &Params) {
        let (n, m) = (p.n_actors(), p.n_issues());
        self.who.clear();
        self.who.extend((0..n).filter(|&a| p.role[a] != Role::Bystander));
        let c = self.who.len();
        self.w.clear();
        self.sum.clear();
        for k in 0..m {
            let mut sw = 0.0;
            for &a in &self.who {
                let w = p.capability[a] * p.salience[a * m + k];
                self.w.push(w);
                sw += w;
            }
            self.sum.push(sw);
        }
        debug_assert_eq!(self.w.len(), c * m);
    }
}

/// The buffers a talk round writes: the proposal, the amended deal, the votes, the collective
/// forecast and the frontier search's workspace.
struct RoundBuffers {
    /// The mediator's proposal.
    deal: Vec<f64>,
    /// The proposal after supporters' amendments (what the veto players vote on).
    amended: Vec<f64>,
    /// The collective forecast of current positions per issue.
    forecast: Vec<f64>,
    /// Positions of one issue's participants (the collective forecast's median).
    tmp_x: Vec<f64>,
    decisions: Vec<Decision>,
    frontier: Frontier,
    segments: Vec<Segment>,
    /// Per actor, a coalition partner's or a supplier's outside option this round (its value
    /// of war, or of the armistice under one).
    actor_war: Vec<f64>,
    /// Per actor, the weight of a supplier's view in its client's decisions this round
    /// (`sim/patrons.rs`, `supplier_outside`; 0 for every other actor).
    say: Vec<f64>,
}

/// Mutable state of the battlefield, beliefs and talks during a run.
#[derive(Clone)]
struct State {
    week: u32,
    /// Index of the next scheduled event.
    next_event: usize,
    km2: f64,
    forces: [f64; 2],
    economy: [f64; 2],
    cum_cas: [f64; 2],
    costs: [f64; 2],
    momentum: f64,
    belief: [f64; 2],
    belief_n: [f64; 2],
    pulse: f64,
    offensive: [(f64, u32); 2],
    guarantee: f64,
    range_open: bool,
    low_weeks: u32,
    rounds: u32,
    breakdowns: u32,
    first_open: Option<u32>,
    /// The week the ceasefire in force was agreed (it holds from the next week).
    ceasefire_since: Option<u32>,
    talks_due: bool,
    /// The operational regime, what lies behind it and the economic war's shocks.
    front: Front,
    /// ln ρ (the effective force ratio) when the ceasefire in force was agreed.
    ceasefire_lnrho: f64,
    /// The freeze margins of the ceasefire agreed this week, and the terms of the ceasefire
    /// in force (`sim/terms.rs`).
    ceasefire_margins: [f64; 2],
    ceasefire_pressed: bool,
    /// Area (km², signed: the first side's gain) an imposed ceasefire agreed this week handed
    /// over (`sim/terms.rs`).
    handover_km2: f64,
    terms: CeasefireTermsView,
    /// Whether a strike moratorium is in force (`sim/truces.rs`).
    moratorium: bool,
    /// Days of the humanitarian pause agreed still to run (`sim/truces.rs`), and the days of
    /// this week on which it held.
    pause_left: u32,
    paused: u32,
    /// Whether a trade corridor is open (`sim/truces.rs`).
    corridor: bool,
    /// The mediator's attention (0–1), whether talks are suspended over an indivisible
    /// issue, and the line (index) when the suspension began.
    attention: f64,
    suspended: bool,
    suspended_at: f64,
    /// This week's ripeness (0–1) and each side's pressure of war.
    ripeness: f64,
    pressure: Pressure,
    /// Whether the war is in low activity, since which week, and ln ρ when it began.
    low: bool,
    low_since: u32,
    low_lnrho: f64,
    /// Per side: whether the leader who began the war is in office, and the share of the
    /// side's red lines' audience costs its leader faces.
    culpable: [bool; 2],
    leader_audience: [f64; 2],
    /// What blocked this week's talks, if a round was due and failed or was not held.
    blocked: Option<Blocker>,
    /// Each belligerent's private reservation for a freeze at the line (as `Sim::reserve`).
    reserve_ceasefire: [f64; 2],
    /// The objectives the first side holds (bit i: objective i; `crate::objectives`), the
    /// value each side held at the start, and the value each has lost since (net of places
    /// taken; negative when it has gained).
    held: crate::objectives::Held,
    /// The lines under which `held` stays as it is (`objectives::held_span`, recomputed with
    /// it): a week whose line stays inside looks at no place. The places are the scenario's
    /// structure (no catalogue row), so no change of parameters mid-run moves them.
    held_span: (f64, f64),
    held_start: [f64; 2],
    lost: [f64; 2],
    /// Who mediates now (the protocol's mediator, or a patron that took the role), and the
    /// credibility of the guarantee its guarantor patrons offer (`sim/patrons.rs`).
    mediator: usize,
    patron_guarantee: f64,
    /// Each side's believed chance of prevailing at the origin (after the origin's
    /// selection): the anchor of its opening aims (`sim/aims.rs`).
    aim_q0: [f64; 2],
    /// Per side, the last retreat step of its aims and the bits of the exponent it came from
    /// (`sim/aims.rs`): a memo of a pure function, so a stale entry is never read.
    aim_retreat: [(u64, f64); 2],
    /// Per side, the last believed chance of prevailing ([`Sim::believed_prevail`]) with the
    /// bits of what it was computed from ([`Sim::believed_key`]): the aims phase computes it
    /// every week and the week's talk round reads it back. A memo of a pure function: a key
    /// that differs recomputes it.
    believed: [([u64; 3], f64); 2],
    /// Where the run's domain draws come from (`sim/domains.rs`; set at each start).
    domain_key: domains::DomainKey,
}

/// What the fight phase of one week produced (read by learn, end? and the observers).
#[derive(Clone, Copy)]
struct Fought {
    intensity: f64,
    regime: Regime,
    /// Aid received per side.
    aid: [f64; 2],
    /// Effective force per soldier per side (aid and offensives included).
    eff: [f64; 2],
    casualties: [f64; 2],
    /// Weekly gain of the first side (km²).
    gain: f64,
    /// The cost of a year of war per side at the economy the week leaves
    /// (`front::war_cost`), computed once by the fight and read again by the pressure phase;
    /// zero in a quiet week, which has no pressure phase.
    war_cost: [f64; 2],
}

impl Fought {
    /// A week without fighting (under a ceasefire).
    fn quiet(aid: [f64; 2], regime: Regime) -> Self {
        Fought { intensity: 0.0, regime, aid, eff: [0.0; 2], casualties: [0.0; 2], gain: 0.0, war_cost: [0.0; 2] }
    }
}

/// What a talk round agreed on, if anything.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Agreement {
    /// Every veto player accepted the deal (its terms are in `Sim::terms`).
    Settlement,
    /// Both belligerents accepted a freeze at the line.
    Ceasefire,
}

/// What a talk round weighs a deal against: the belligerents' values of war and what the
/// votes and the mediator read from the battlefield.
#[derive(Clone, Copy)]
struct WarValue {
    /// Value of war per side (Fearon's p − c, made dynamic).
    v: [f64; 2],
    /// Probability that each side prevails (Tullock contest of the force ratio).
    q: [f64; 2],
    /// Loss of that probability over the commitment period from foreseen aid events.
    exo_loss: [f64; 2],
    /// Battlefield momentum in units of the front's scale, within [−3, 3] (positive: the
    /// first side advances).
    mom: f64,
    /// The mediator's weights: capability scaled by momentum.
    leverage: [f64; 2],
    /// Effective cost of a year of war per side now (weighed in Powell's check): the
    /// economy-dependent cost (`Sim::war_cost`) scaled by destruction, crisis and resolve
    /// (`sim/endings.rs`, `pressure`).
    cost: [f64; 2],
    /// Per side, what a coalition partner's value of war shares with its lead's: the line
    /// (index) it expects after the valuation horizon, the spread of that line (index
    /// points), the cost of fighting over the horizon and the chance of the side's collapse.
    line: [f64; 2],
    spread: [f64; 2],
    horizon_cost: [f64; 2],
    p_collapse: [f64; 2],
}

/// The read-only inputs of one talk round, built once and shared by the proposal, the
/// amendments, the votes, the ceasefire fallback and the collective forecast.
struct RoundInputs<'a> {
    /// Utilities: parameters, positions, normalised saliences, no-deal values, guarantee,
    /// audience costs.
    u: talk::UtilityContext<'a>,
    war: WarValue,
    /// Utility the mediator adds to each side's margins (a patron's leverage over its
    /// client; 0 otherwise).
    lean: [f64; 2],
    /// Per actor, its roles now (a coalition partner votes while it is in the war).
    roles: &'a [u8],
    /// Per actor, the side it backs now (`RunBuffers::backs`).
    backs: &'a [usize],
    /// Whether suppliers' views are weighed (`RunConstants::say`).
    say: bool,
    /// The collective forecast's participants and weights (`RunConstants::collective`).
    collective: &'a Collective,
}

impl<'a> RoundInputs<'a> {
    /// The inputs of a round in state `st` against the value of war `war` (from the run's
    /// buffers and constants, borrowed apart from the round's own buffers).
    fn new(p: &'a Params, b: &'a RunBuffers, k: &'a RunConstants, st: &State, war: WarValue, lean: [f64; 2]) -> Self {
        RoundInputs {
            u: talk::UtilityContext {
                p,
                pos: &b.pos,
                nsal: &k.nsal,
                nodeal: &b.nodeal,
                guarantee: Sim::guarantee(st),
                audience: &b.audience,
                red_line: &b.red_line,
            },
            war,
            lean,
            roles: &b.roles,
            backs: &b.backs,
            say: k.say,
            collective: &k.collective,
        }
    }
}

/// A run in progress, for stepping a run week by week ([`Sim::start`], [`Sim::advance`]):
/// everything that carries from one week to the next — the battlefield, economies, beliefs,
/// talks, regime and ceasefire ([`State`]), the actors' positions, resolve and aid, and the
/// run's random generator. `Clone` (or `clone_from`, which reuses the buffers) is the
/// snapshot, assignment the restore: a particle filter copies a run at resampling and the copy
/// continues *with its state*. A run does not hold its parameters: the [`Sim`] that advances it
/// must hold the same parameters (or deliberately changed ones, see [`Sim::refresh`]).
pub struct Run {
    st: State,
    rng: ChaCha8Rng,
    b: RunBuffers,
    /// How the run ended, once it has (settlement, collapse, or the horizon reached).
    end: Option<RunSummary>,
}

impl Clone for Run {
    fn clone(&self) -> Self {
        Run { st: self.st.clone(), rng: self.rng.clone(), b: self.b.clone(), end: self.end }
    }

    /// Copies `source` into this run reusing its buffers: the allocation-free snapshot and
    /// restore of a particle filter's resampling step.
    fn clone_from(&mut self, source: &Self) {
        self.st.clone_from(&source.st);
        self.rng.clone_from(&source.rng);
        self.b.copy_from(&source.b);
        self.end = source.end;
    }
}

impl Run {
    /// Bytes this run holds, inline and on the heap: what each particle of a filter costs.
    pub fn bytes(&self) -> usize {
        std::mem::size_of::<Run>() + self.b.heap_bytes()
    }

    /// Weeks simulated so far: the next week to simulate.
    pub fn week(&self) -> u32 {
        self.st.week
    }
    /// The summary once the run has ended (settlement, collapse or the horizon), else `None`.
    pub fn ended(&self) -> Option<&RunSummary> {
        self.end.as_ref()
    }
    /// Area held by the first side now (km²): the line after the last simulated week.
    pub fn km2(&self) -> f64 {
        self.st.km2
    }
    /// Cumulative casualties per side now.
    pub fn casualties(&self) -> [f64; 2] {
        self.st.cum_cas
    }
    /// The war's state after the last simulated week (fighting before the first week).
    pub fn state(&self) -> WarState {
        match self.end {
            Some(e) => e.state,
            None if self.st.ceasefire_since.is_some() => WarState::Ceasefire,
            None if self.st.low => WarState::LowActivity,
            None => WarState::Fighting,
        }
    }
    /// Terms per issue once the run has ended (as [`Sim::terms`] after [`Sim::run`]).
    pub fn terms(&self) -> &[f64] {
        &self.b.terms
    }
    /// The actors' public red lines now (actor-major, as `Params::red_line`): the scenario's,
    /// moved with each side's fortunes where its aims follow them (`sim/aims.rs`).
    pub fn red_lines(&self) -> &[f64] {
        &self.b.red_line
    }
    /// Replaces the run's random stream: a particle copied at resampling continues on the
    /// stream of the slot that received it (so copies of one ancestor diverge), keyed by that
    /// slot and never by a thread (`forecast-evaluation.md` §6).
    pub fn reseed(&mut self, rng: ChaCha8Rng) {
        self.st.domain_key = domains::DomainKey::of(&rng);
        self.rng = rng;
    }
}

impl Sim {
    /// A workspace for runs of `params` (allocates once).
    pub fn new(params: &Params) -> Self {
        let (n, m) = (params.n_actors(), params.n_issues());
        // A run's buffers and the kept start's copy of them (`Sim::begin`) start alike.
        let b = RunBuffers {
            pos: vec![0.0; n * m],
            resolve: vec![1.0; n],
            aid_level: vec![0.0; n],
            aid_active: vec![false; n],
            nodeal: vec![0.0; m],
            audience: vec![1.0; n],
            reserve: vec![0.5; n],
            terms: vec![0.0; m],
            roles: vec![0; n],
            backs: vec![0; n],
            embargo: [1.0; 2],
            red_line: vec![f64::INFINITY; n * m],
            domains: 0,
            supply: [domains::Supply::FREE; 2],
        };
        let origin_b = b.clone();
        Sim {
            p: params.clone(),
            k: RunConstants {
                months: Vec::with_capacity(params.horizon as usize),
                months_for: (crate::calendar::CivilDate { year: 0, month: 1, day: 1 }, 0),
                fatigue: Vec::with_capacity(params.horizon as usize),
                fatigue_for: None,
                aid_decay: vec![1.0; n],
                aid_stop: vec![0.0; n],
                aid_lines: Vec::with_capacity(n),
                beta: [0.0; 2],
                v_front: 0.0,
                drift0: 0.0,
                aid0: [0.0; 2],
                nsal: vec![0.0; n * m],
                shock: StudentT::new(3.0).expect("dof 3 is valid"),
                front: front::Constants::default(),
                attention_decay: 1.0,
                initiative: 0.0,
                cutoff: vec![0.0; n],
                exit: vec![0.0; n],
                patrons: false,
                partners: false,
                say: false,
                seat: false,
                aims_advance: [0.0; 2],
                collective: Collective {
                    who: Vec::with_capacity(n),
                    w: Vec::with_capacity(n * m),
                    sum: Vec::with_capacity(m),
                },
            },
            b,
            round: RoundBuffers {
                deal: vec![0.0; m],
                amended: vec![0.0; m],
                forecast: vec![0.0; m],
                tmp_x: vec![0.0; n],
                decisions: Vec::with_capacity(n),
                frontier: Frontier::with_capacity(m),
                segments: Vec::with_capacity(8 * m),
                actor_war: vec![0.0; n],
                say: vec![0.0; n],
            },
            origin: None,
            origin_b,
        }
    }

    /// The parameters the next run uses (write sampled values here).
    pub fn params_mut(&mut self) -> &mut Params {
        self.origin = None;
        &mut self.p
    }
    /// The parameters of the next (or last) run.
    pub fn params(&self) -> &Params {
        &self.p
    }
    /// Resets the parameters to `base` without reallocating.
    pub fn reset_params(&mut self, base: &Params) {
        self.origin = None;
        self.p.clone_from(base);
    }
    /// Terms of the last run's outcome per issue (settlement terms; the line and no-deal
    /// values for any other outcome).
    pub fn terms(&self) -> &[f64] {
        &self.b.terms
    }

    /// Starts a run for stepping: the state at week 0 under the current parameters, and the
    /// random stream of (seed, run index) — the same start as [`Sim::run`]'s. Allocates the
    /// run's buffers (once per run; [`Sim::restart`] reuses them).
    pub fn start(&mut self, seed: u64, run_index: u64) -> Run {
        let mut st = self.begin();
        let rng = run_rng(seed, run_index);
        st.domain_key = domains::DomainKey::of(&rng);
        Run { st, rng, b: self.b.clone(), end: None }
    }

    /// Starts `run` again at week 0 for (seed, run index) under the current parameters,
    /// reusing its buffers (no allocation when `run` came from a [`Sim`] of the same scenario).
    pub fn restart(&mut self, run: &mut Run, seed: u64, run_index: u64) {
        run.st = self.begin();
        run.rng = run_rng(seed, run_index);
        run.st.domain_key = domains::DomainKey::of(&run.rng);
        run.b.copy_from(&self.b);
        run.end = None;
    }

    /// Derives the run constants again from the parameters, after `params_mut` changed them
    /// for a run in progress (a particle filter's parameter rejuvenation): the next
    /// [`Sim::advance`] continues the run from its state under the new parameters. Touches
    /// no run state and does not allocate.
    pub fn refresh(&mut self) {
        self.derive();
    }

    /// Advances `run` through the weeks before `until` (or to the horizon, or until it ends),
    /// the same weeks [`Sim::run`] would simulate with the same draws: a run advanced in
    /// pieces equals the run in one go, bit for bit. `observer` sees those weeks. Returns the
    /// summary once the run has ended (settlement, collapse, or the horizon reached), else
    /// `None`. The [`Sim`]'s parameters must be the run's (those it was started with, or
    /// changed and [`Sim::refresh`]ed). Does not allocate.
    pub fn advance<O: Observer>(&mut self, run: &mut Run, until: u32, observer: &mut O) -> Option<RunSummary> {
        if run.end.is_some() {
            return run.end;
        }
        self.swap_in(run);
        let stop = until.min(self.p.horizon);
        while run.st.week < stop {
            if let Some(end) = self.step(&mut run.st, &mut run.rng, observer) {
                run.end = Some(end);
                break;
            }
        }
        if run.end.is_none() && run.st.week >= self.p.horizon {
            run.end = Some(self.at_horizon(&run.st));
        }
        self.swap_in(run);
        run.end
    }

    /// Exchanges the run's actor buffers with the workspace's (in before stepping, back out
    /// after): O(1), no copy, no allocation.
    fn swap_in(&mut self, run: &mut Run) {
        std::mem::swap(&mut self.b, &mut run.b);
    }

    /// Runs one simulation. `observer` sees every week, round, event, breakdown and leader
    /// change.
    ///
    /// Each week, in order: **events**; a **ceasefire week** (no fighting) while a ceasefire
    /// holds; otherwise **fight**, **learn**, **end?** (collapse), **politics** (leader
    /// removal), **activity** (low activity begins or flares up), **attention** and, on
    /// cadence while the mediator is engaged or when something called for talks, **talk**
    /// (settlement, or a ceasefire in force from the end of the week). A run that reaches the
    /// horizon ends in the state it is in: a ceasefire in force, low activity, or fighting.
    pub fn run<O: Observer>(&mut self, seed: u64, run_index: u64, observer: &mut O) -> RunSummary {
        let mut rng = run_rng(seed, run_index);
        let mut st = self.begin();
        st.domain_key = domains::DomainKey::of(&rng);
        while st.week < self.p.horizon {
            if let Some(end) = self.step(&mut st, &mut rng, observer) {
                return end;
            }
        }
        self.at_horizon(&st)
    }

    /// One week of the loop (the body of [`Sim::run`]): the summary when the run ends this
    /// week (settlement or collapse), `None` when it goes on (`st.week` then moved on).
    #[inline]
    fn step<O: Observer>(&mut self, st: &mut State, rng: &mut ChaCha8Rng, observer: &mut O) -> Option<RunSummary> {
        st.blocked = None;
        self.events(st, rng, observer);
        if self.ceasefire_week(st, rng, observer) {
            // The armistice holds: talks may go on over what it left open.
            if let Some(end) = self.armistice_week(st, rng, observer) {
                return Some(end);
            }
            st.week += 1;
            return None;
        }
        if self.p.strike_moratorium.is_some() {
            self.moratorium_week(st, rng, observer);
        }
        if self.p.humanitarian_pause.is_some() {
            self.pause_week(st, rng, observer);
        }
        if self.p.trade_corridor.is_some() {
            self.corridor_week(st, rng, observer);
        }
        if !self.p.domains.is_empty() {
            self.domains_week(st, observer);
        }
        let fought = self.fight(st, rng);
        if self.k.patrons {
            self.patron_hazards(st, rng, observer);
        }
        self.learn(st, &fought);
        self.objectives(st, observer);
        if let Some((state, cause)) = self.end(st, fought.eff, rng) {
            observer.week(&self.week_view(st, &fought, state));
            let mut end = self.finish_at_line(st, state, st.week);
            end.collapse = Some(cause);
            return Some(end);
        }
        self.aims(st, observer);
        self.pressure(st, fought.war_cost);
        self.politics(st, rng, observer);
        self.activity(st, &fought, rng);
        self.attention(st, rng);
        if self.k.seat {
            self.patron_seat(st, rng, observer);
        }
        let talked = if self.talks_due(st) { self.session(st, rng, fought.eff, observer) } else { None };
        match talked {
            Some(Agreement::Settlement) => {
                observer.week(&self.week_view(st, &fought, WarState::Settled));
                return Some(self.summary(st, WarState::Settled, st.week));
            }
            Some(Agreement::Ceasefire) => {
                // The week was fought; the ceasefire is in force from its end.
                self.start_ceasefire(st, fought.eff);
                if self.p.ceasefire_terms.is_some() {
                    observer.ceasefire_terms(st.week, &st.terms);
                    if st.terms.handed_over_km2 != 0.0 {
                        // Places handed over change hands as places taken do (no draws).
                        self.objectives(st, observer);
                    }
                }
                observer.week(&self.week_view(st, &fought, WarState::Ceasefire));
            }
            None => {
                let state = if st.low { WarState::LowActivity } else { WarState::Fighting };
                observer.week(&self.week_view(st, &fought, state));
            }
        }
        st.week += 1;
        None
    }

    /// The summary of a run that reached the horizon without ending: it ends in the state it
    /// is in (a ceasefire in force, low activity, or fighting).
    fn at_horizon(&mut self, st: &State) -> RunSummary {
        match (st.ceasefire_since, st.low) {
            (Some(agreed), _) => self.finish_at_line(st, WarState::Ceasefire, agreed),
            (None, true) => self.finish_at_line(st, WarState::LowActivity, st.low_since),
            (None, false) => self.finish_at_line(st, WarState::Fighting, self.p.horizon),
        }
    }

    // ---- Setting up a run -------------------------------------------------------------

    /// The start of a run: [`Sim::prepare`] then [`Sim::initial_state`], kept; or, under the
    /// parameters of the last start, a copy of the start they gave (a selection's pilot runs
    /// start four times under each draw; a forecast's runs each draw their own and pay only
    /// the copy into the keeper, about a thirtieth of a start). The same state and buffers
    /// either way: the start draws nothing and reads only the parameters. The buffers that
    /// a start leaves as they were (the terms and the private reservations, written before
    /// they are read) are left as they were here too.
    fn begin(&mut self) -> State {
        if let Some(st) = &self.origin {
            std::mem::swap(&mut self.b.terms, &mut self.origin_b.terms);
            std::mem::swap(&mut self.b.reserve, &mut self.origin_b.reserve);
            self.b.copy_from(&self.origin_b);
            return st.clone();
        }
        self.prepare();
        let st = self.initial_state();
        self.origin_b.copy_from(&self.b);
        self.origin = Some(st.clone());
        st
    }

    /// Derives the run's constants from the parameters and resets the actors' state.
    fn prepare(&mut self) {
        self.derive();
        self.b.pos.copy_from_slice(&self.p.position);
        self.b.resolve.copy_from_slice(&self.p.resolve);
        self.b.red_line.copy_from_slice(&self.p.red_line);
        self.reset_aid();
        self.reset_domains();
    }

    /// Derives the run's constants ([`RunConstants`]) from the parameters; touches no state
    /// of a run, so that a run in progress can continue under changed parameters.
    fn derive(&mut self) {
        let p = &self.p;
        let (n, m) = (p.n_actors(), p.n_issues());
        for a in 0..n {
            let s: f64 = (0..m).map(|k| p.salience[a * m + k]).sum();
            for k in 0..m {
                self.k.nsal[a * m + k] = if s > 0.0 { p.salience[a * m + k] / s } else { 1.0 / m as f64 };
            }
        }
        self.aid_constants();
        let p = &self.p;
        let fatigue_for = Some((p.fatigue_per_year.to_bits(), p.horizon));
        if self.k.fatigue_for != fatigue_for {
            self.k.fatigue.clear();
            self.k.fatigue.extend((0..p.horizon).map(|t| (-p.fatigue_per_year * t as f64 / 52.0).exp()));
            self.k.fatigue_for = fatigue_for;
        }
        if self.k.months_for != (p.start, p.horizon) {
            self.k.months.clear();
            let d0 = p.start.to_days();
            self.k.months.extend(
                (0..p.horizon).map(|w| crate::calendar::CivilDate::from_days(d0 + 7 * w as i64).month as u8 - 1),
            );
            self.k.months_for = (p.start, p.horizon);
        }
        self.k.front = front::Constants::new(&self.p);
        let med = &self.p.mediation;
        self.k.attention_decay = 0.5f64.powf(1.0 / med.half_life_weeks);
        self.k.initiative = weekly(med.initiative_per_year);
        for s in 0..2 {
            self.k.aims_advance[s] = -(-self.p.politics[s].aims_per_year / 52.0).exp_m1();
        }
        self.k.collective.derive(&self.p);
        self.fit_first_week();
    }

    /// The aid lines' constants: the aid each side receives at the start, weekly fatigue and
    /// weekly stop hazard.
    fn aid_constants(&mut self) {
        let p = &self.p;
        self.k.aid0 = [0.0; 2];
        self.k.patrons = p.patron.iter().any(Option::is_some) || p.events.iter().any(|e| e.kind == EventKind::Embargo);
        self.k.partners = p.patron.iter().flatten().any(|pt| pt.partner);
        self.k.say = p.patron.iter().flatten().any(|pt| !pt.partner && pt.aid_leverage > 0.0);
        self.k.seat = p
            .patron
            .iter()
            .flatten()
            .any(|pt| !pt.partner && (pt.mediate_per_year > 0.0 || pt.leave_seat_per_year > 0.0));
        self.k.aid_lines.clear();
        for a in 0..p.n_actors() {
            let (cutoff, exit) = p.patron[a].as_ref().map_or((0.0, 0.0), |pt| (pt.cutoff_per_year, pt.exit_per_year));
            self.k.cutoff[a] = 1.0 - (1.0 - cutoff).powf(1.0 / 52.0);
            self.k.exit[a] = 1.0 - (1.0 - exit).powf(1.0 / 52.0);
            if let Some((to, level, fatigue_y, hazard_y)) = p.aid[a] {
                self.k.aid_lines.push(a);
                // The aid at the start: a patron's line counts if it supplies at the start.
                if patrons::start_roles(p, a) & patrons::SUPPLIER != 0 || p.patron[a].is_none() {
                    self.k.aid0[to] += level;
                }
                self.k.aid_decay[a] = (1.0 - fatigue_y).powf(1.0 / 52.0);
                self.k.aid_stop[a] = 1.0 - (1.0 - hazard_y).powf(1.0 / 52.0);
            }
        }
    }

    /// Aid lines at their starting levels.
    fn reset_aid(&mut self) {
        self.b.embargo = [1.0; 2];
        for a in 0..self.p.n_actors() {
            self.b.roles[a] = patrons::start_roles(&self.p, a);
            self.b.backs[a] = match (&self.p.patron[a], self.p.aid[a]) {
                (Some(pt), _) => pt.side,
                (None, Some((to, ..))) => to,
                (None, None) => 0,
            };
            let level = self.p.aid[a].map_or(0.0, |(_, level, ..)| level);
            self.b.aid_level[a] = level;
            self.b.aid_active[a] = level > 0.0;
        }
    }

    /// Calibrates attrition and the front to the scenario's first week, and sets the front's
    /// shock distribution.
    fn fit_first_week(&mut self) {
        let p = &self.p;
        // Attrition: side s loses casualties_per_week at the start, intensity 1.
        for s in 0..2 {
            let o = 1 - s;
            let (fs, fo) = (p.sides[s].forces, p.sides[o].forces);
            // A dispersed side's own forces weigh in its losses (Deitchman 1962; + 0 is q's bits).
            let q = p.exponent_q + p.sides[s].dispersal;
            self.k.beta[o] = p.sides[s].casualties_per_week
                / (p.sides[o].effectiveness * fo.powf(p.exponent_p) * fs.powf(q) * self.k.front.loss0[s]);
        }
        // Front: the first side gains calibrated_gain at the start, intensity 1.
        let phi0 = front_shape(p.start_force_ratio(), p.defender_advantage, p.gain_steepness);
        self.k.v_front = if p.calibrated_gain == 0.0 {
            p.max_gain
        } else if phi0 * p.calibrated_gain > 0.0 {
            (p.calibrated_gain / phi0.abs().max(0.05)).abs().min(p.max_gain)
        } else {
            // A sampled draw made the calibration unreachable: use the largest movement.
            p.max_gain
        };
        self.k.drift0 = self.drift(self.p.start_force_ratio());
        self.k.shock =
            StudentT::new(self.p.front_tail_dof).unwrap_or_else(|_| StudentT::new(3.0).expect("dof 3 is valid"));
    }

    /// The state at week 0: the scenario's line, forces and economies; each side's belief is
    /// the starting drift shifted by its optimism, and by the belief gap that a war still
    /// being fought at the origin implies ([`Sim::origin_gap`]).
    fn initial_state(&mut self) -> State {
        let mut st = self.origin_state();
        self.origin_objectives(&mut st);
        self.origin_gap(&mut st);
        self.origin_aims(&mut st);
        st
    }

    /// The scenario's state at week 0, beliefs shifted by the sampled optimism only.
    fn origin_state(&self) -> State {
        let (p, drift0) = (&self.p, self.k.drift0);
        State {
            week: 0,
            next_event: 0,
            km2: p.start_km2,
            forces: [p.sides[0].forces, p.sides[1].forces],
            economy: [p.sides[0].economy, p.sides[1].economy],
            cum_cas: [0.0; 2],
            costs: [0.0; 2],
            momentum: 0.0,
            belief: [drift0 + p.sides[0].optimism, drift0 - p.sides[1].optimism],
            belief_n: [p.sides[0].confidence_weeks, p.sides[1].confidence_weeks],
            pulse: 0.0,
            offensive: [(1.0, 0); 2],
            guarantee: p.guarantee_credibility,
            range_open: false,
            low_weeks: 0,
            rounds: 0,
            breakdowns: 0,
            first_open: None,
            ceasefire_since: None,
            talks_due: false,
            front: Front::start(&self.k.front),
            ceasefire_lnrho: 0.0,
            ceasefire_margins: [0.0; 2],
            ceasefire_pressed: false,
            handover_km2: 0.0,
            terms: CeasefireTermsView::default(),
            moratorium: false,
            pause_left: 0,
            paused: 0,
            corridor: false,
            attention: p.mediation.attention_start,
            suspended: false,
            suspended_at: 0.0,
            ripeness: 0.0,
            pressure: Pressure::default(),
            low: false,
            low_since: 0,
            low_lnrho: 0.0,
            culpable: [true; 2],
            leader_audience: [1.0; 2],
            blocked: None,
            reserve_ceasefire: [0.5; 2],
            held: 0,
            held_span: (f64::NAN, f64::NAN),
            held_start: [0.0; 2],
            lost: [0.0; 2],
            mediator: self.start_mediator(),
            patron_guarantee: self.patron_guarantee(),
            aim_q0: [0.5; 2],
            aim_retreat: [(f64::NAN.to_bits(), f64::NAN); 2],
            believed: [([f64::NAN.to_bits(); 3], f64::NAN); 2],
            domain_key: domains::DomainKey::default(),
        }
    }

    /// Selection at the origin (`docs/reference/war-endings.md` §8, §9): a war that is still
    /// being fought at the origin is a survivor of every earlier chance to settle or to freeze,
    /// so Fearon (1995)'s conditions hold there — no deal both sides prefer to war, and no
    /// armistice both prefer to war. Where the sampled beliefs leave either open, they are not
    /// those of a war that is going on: both sides' optimism is raised by the smallest common
    /// shift Δ (km²/week, at most the front's largest weekly movement) that closes both at the
    /// origin (mutual optimism, Smith & Stam 2004; the sampled optimism is the excess over
    /// that gap). Beliefs then converge by fighting (Slantchev 2003), and the range opens when
    /// they have. Where no such shift closes the armistice, the shift that closes the
    /// bargaining range alone; where none closes that either (war's value is not driven by
    /// beliefs there) nothing changes. Bisection over Δ; no draws.
    fn origin_gap(&mut self, st: &mut State) {
        let top = self.k.v_front;
        if top.is_nan() || top <= 0.0 || self.p.origin_selection == 0.0 {
            return;
        }
        let (sampled, d0) = (st.belief, self.k.drift0);
        let base = [d0, d0];
        let aid = self.aid();
        let eff = [self.effectiveness(st, 0, aid[0]), self.effectiveness(st, 1, aid[1])];
        self.pressure(st, [self.war_cost(st, 0), self.war_cost(st, 1)]);
        self.set_nodeal(st);
        self.set_audience(st);
        let mut open_at = |sim: &mut Sim, d: f64, freeze: bool| -> bool {
            st.belief = [base[0] + d, base[1] - d];
            sim.origin_open(st, eff, freeze)
        };
        // The war being fought means that neither a deal nor an armistice was acceptable to
        // both; where no belief closes the armistice too, the deal alone.
        let freeze = if open_at(self, 0.0, true) && !open_at(self, top, true) {
            Some(true)
        } else if open_at(self, 0.0, false) && !open_at(self, top, false) {
            Some(false)
        } else {
            None
        };
        if let Some(freeze) = freeze {
            let (mut lo, mut hi) = (0.0, top);
            for _ in 0..ORIGIN_BISECTIONS {
                let mid = 0.5 * (lo + hi);
                if open_at(self, mid, freeze) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let d = hi * self.p.origin_selection;
            st.belief = [sampled[0] + d, sampled[1] - d];
        } else {
            st.belief = sampled;
        }
        st.pressure = Pressure::default();
    }

    /// Whether some deal gives both belligerents more than war in state `st` (the frontier of
    /// a talk round, without a round: nothing is drawn or recorded), or, with `freeze`,
    /// whether the armistice gives both more than war.
    fn origin_open(&mut self, st: &State, eff: [f64; 2], freeze: bool) -> bool {
        let war = self.value_of_war(st, eff);
        let input = RoundInputs::new(&self.p, &self.b, &self.k, st, war, [0.0; 2]);
        let who = [self.p.sides[0].belligerent, self.p.sides[1].belligerent];
        let r = &mut self.round;
        if r.frontier.solve(&input.u, who, war.v, war.leverage, &mut r.segments, &mut r.deal).range_open {
            return true;
        }
        if !freeze {
            return false;
        }
        r.collective_forecast(&input.u, input.collective);
        let a = input.armistice_values(&r.forecast);
        a[0] > war.v[0] && a[1] > war.v[1]
    }

    // ---- Shared quantities --------------------------------------------------------------

    /// Aid each side receives this week (the sum over its active lines, in actor order; × the
    /// share an embargo lets through where the scenario has patrons or embargoes).
    #[inline]
    fn aid(&self) -> [f64; 2] {
        let mut total = [0.0; 2];
        for &a in &self.k.aid_lines {
            if self.b.aid_active[a] && (!self.k.patrons || self.supplies(a)) {
                total[self.b.backs[a]] += self.b.aid_level[a];
            }
        }
        let total = if self.k.patrons { [total[0] * self.b.embargo[0], total[1] * self.b.embargo[1]] } else { total };
        // × the share the other side's domains let through (1 without domains: exact).
        [total[0] * self.b.supply[0].aid, total[1] * self.b.supply[1].aid]
    }

    /// Effectiveness per soldier: the side's own, scaled by the aid and the economy it depends
    /// on (each relative to the start), by a running offensive event, and by its edge and its
    /// culmination (× exp(edge − exhaustion)).
    fn effectiveness(&self, st: &State, side: usize, aid: f64) -> f64 {
        let sd = &self.p.sides[side];
        let ratio = if self.k.aid0[side] > 0.0 { aid / self.k.aid0[side] } else { 1.0 };
        let off = if st.week < st.offensive[side].1 { st.offensive[side].0 } else { 1.0 };
        sd.effectiveness
            * (1.0 - sd.aid_dependence + sd.aid_dependence * ratio)
            * off
            * Front::economy_factor(&self.p, &self.k.front, side, st.economy[side])
            * st.front.edge_factor(side)
    }

    /// The cost of a year of war for a side now (`front::war_cost`: heavier on a weaker
    /// economy).
    fn war_cost(&self, st: &State, side: usize) -> f64 {
        front::war_cost(&self.p, &self.k.front, side, st.economy[side])
    }

    /// War fatigue in week `t`, exp(−`fatigue_per_year` · t / 52) (from the run's table).
    #[inline]
    fn fatigue(&self, t: u32) -> f64 {
        match self.k.fatigue.get(t as usize) {
            Some(&f) => f,
            None => (-self.p.fatigue_per_year * t as f64 / 52.0).exp(),
        }
    }

    /// Expected mean drift at intensity 1 for a force ratio.
    fn drift(&self, rho: f64) -> f64 {
        self.k.v_front * front_shape(rho, self.p.defender_advantage, self.p.gain_steepness)
    }

    // ---- Phase: events ------------------------------------------------------------------

    /// Applies every scheduled event due by this week, in schedule order.
    fn events<O: Observer>(&mut self, st: &mut State, rng: &mut ChaCha8Rng, observer: &mut O) {
        while st.next_event < self.p.events.len() && self.p.events[st.next_event].week <= st.week {
            self.apply_event(st.next_event, st, rng, observer);
            observer.event(st.week, &self.p.events[st.next_event]);
            st.next_event += 1;
        }
    }

    /// One event: aid lines change; elections and leadership changes move positions, resolve
    /// and (a new leader) the side's belief, and a leadership change (or an election the
    /// incumbent loses: one draw for an election with a turnover probability) brings a
    /// non-culpable successor; offensives raise effectiveness for a while; guarantee offers
    /// set the guarantee's credibility. All but offensives call for talks and draw the
    /// mediator back (attention 1, a suspension lifted).
    fn apply_event<O: Observer>(&mut self, i: usize, st: &mut State, rng: &mut ChaCha8Rng, observer: &mut O) {
        let m = self.p.n_issues();
        let e = &self.p.events[i];
        match e.kind {
            EventKind::AidPackage => {
                if let Some(a) = e.actor {
                    self.b.aid_level[a] += e.amount;
                    self.b.aid_active[a] = self.b.aid_level[a] > 0.0;
                }
            }
            EventKind::AidStop => {
                if let Some(a) = e.actor {
                    self.b.aid_active[a] = false;
                }
            }
            EventKind::AidLevel => {
                if let Some(a) = e.actor {
                    self.b.aid_level[a] = e.amount;
                    self.b.aid_active[a] = e.amount > 0.0;
                }
            }
            EventKind::Election | EventKind::LeadershipChange => {
                if let Some(a) = e.actor {
                    for &(k, x) in &e.positions {
                        self.b.pos[a * m + k] = x;
                    }
                    if let Some(r) = e.resolve {
                        self.b.resolve[a] = r.max(1e-6);
                    }
                    // A side's leader is its lead belligerent (a coalition partner's election
                    // moves its own positions and resolve only).
                    let side = self.p.side_of[a]
                        .filter(|&s| self.p.role[a] == Role::Belligerent && self.p.sides[s].belligerent == a);
                    if let Some(s) = side {
                        let replaced = match e.kind {
                            EventKind::LeadershipChange => {
                                let opt = e.optimism.unwrap_or(self.p.sides[s].optimism);
                                let sign = if s == 0 { 1.0 } else { -1.0 };
                                st.belief[s] = self.k.drift0 + sign * opt;
                                st.belief_n[s] = self.p.sides[s].confidence_weeks;
                                true
                            }
                            _ if e.turnover > 0.0 => {
                                let u: f64 = rng.random();
                                u < e.turnover
                            }
                            _ => false,
                        };
                        if replaced {
                            // A scheduled change sets resolve itself when it says so.
                            let resolve = if e.resolve.is_some() { 1.0 } else { self.p.politics[s].successor_resolve };
                            self.successor(st, s, resolve, rng, observer);
                        }
                    }
                }
                self.call_talks(st);
            }
            EventKind::Offensive => {
                if let Some(s) = e.side {
                    st.offensive[s] = (e.amount.max(0.0), st.week + e.weeks);
                }
            }
            EventKind::GuaranteeOffer => {
                st.guarantee = e.credibility;
                self.call_talks(st);
            }
            EventKind::Talks => self.call_talks(st),
            EventKind::Sanctions => {
                if let Some(s) = e.side {
                    st.front.set_sanctions(s, e.amount);
                }
            }
            EventKind::PatronRoles => {
                if let Some(a) = e.actor {
                    // A patron that switches sides may state its new positions with it.
                    for &(k, x) in &e.positions {
                        self.b.pos[a * m + k] = x;
                    }
                    let side = e.side.unwrap_or(self.b.backs[a]);
                    self.set_patron(a, e.roles, side, st, observer);
                }
            }
            EventKind::Embargo => {
                if let Some(s) = e.side {
                    self.b.embargo[s] = e.amount;
                }
            }
        }
    }

    // ---- The ceasefire week ---------------------------------------------------------------

    /// Under a ceasefire nobody fights: `true` comes back while it holds (the armistice week,
    /// [`Sim::armistice_week`], shows the week to the observers).
    /// Each week it may break down (one draw): the weekly hazard from the yearly one, lowered
    /// by credible guarantees (Fortna 2003) and raised by a shift of the effective force ratio
    /// since the ceasefire was agreed that a guarantee does not offset (Werner 1999; Powell
    /// 2006). In the week it breaks down the ceasefire ends and the war resumes.
    fn ceasefire_week<O: Observer>(&self, st: &mut State, rng: &mut ChaCha8Rng, observer: &mut O) -> bool {
        if st.ceasefire_since.is_none() {
            return false;
        }
        let p = &self.p;
        let g = Self::guarantee(st);
        let h_year = (p.ceasefire_breakdown_per_year * (1.0 - g * p.guarantee_breakdown_reduction)).min(0.999_999);
        let mut rate = -(1.0 - h_year).ln() / 52.0;
        if p.ceasefire_shift_weight > 0.0 {
            let aid = self.aid();
            let eff = [self.effectiveness(st, 0, aid[0]), self.effectiveness(st, 1, aid[1])];
            let shift = (self.ln_rho(st, eff) - st.ceasefire_lnrho).abs();
            rate *= (p.ceasefire_shift_weight * shift * (1.0 - g)).min(50.0).exp();
        }
        if p.ceasefire_terms.is_some() {
            // Imposed terms and monitors (`sim/terms.rs`).
            rate *= self.terms_hazard_factor(st);
        }
        let u: f64 = rng.random();
        if u >= -(-rate).exp_m1() {
            return true;
        }
        st.ceasefire_since = None;
        st.terms = CeasefireTermsView::default();
        st.breakdowns += 1;
        st.low = false;
        st.low_weeks = 0;
        observer.breakdown(st.week);
        false
    }

    // ---- Phase: fight ---------------------------------------------------------------------

    /// A week of fighting: intensity (season × war fatigue × escalation pulse × the
    /// low-activity factor while the war is in low activity, × the positional level on a
    /// positional front), attrition, the front, forces and economies (strikes hit at the
    /// intensity of the war, not of the front), aid fatigue and stops, the front's operations
    /// (culmination, digging in, shocks, the regime's next step), momentum.
    fn fight(&mut self, st: &mut State, rng: &mut ChaCha8Rng) -> Fought {
        let t = st.week;
        let month = self.k.months[t as usize] as usize;
        let fatigue = self.fatigue(t);
        // In low activity the war is fought at a fraction of its intensity (the talk phases'
        // regime, `activity`).
        let low = if st.low { self.p.low_activity_factor } else { 1.0 };
        let mut war = self.p.season[month] * fatigue * (1.0 + st.pulse) * low;
        if st.paused > 0 {
            // The days a humanitarian pause held are not fought (`sim/truces.rs`).
            war *= self.pause_factor(st.paused);
        }
        let regime = st.front.regime;
        let intensity = if regime == Regime::Positional { war * self.p.positional_intensity } else { war };
        st.pulse *= self.p.escalation_decay;
        let aid = self.aid();
        let eff = [self.effectiveness(st, 0, aid[0]), self.effectiveness(st, 1, aid[1])];
        let casualties = self.attrition(st, eff, intensity, rng);
        let gain = self.front(st, eff, intensity, rng);
        let war_cost = self.forces_and_economies(st, casualties, aid, intensity, war);
        let aid_after = self.aid_fatigue(rng);
        self.operations(st, gain, casualties, month, aid_after, rng);
        st.momentum = 0.8 * st.momentum + 0.2 * gain;
        Fought { intensity, regime, aid, eff, casualties, gain, war_cost }
    }

    /// Casualties per side: the generalised Lanchester law (Helmbold 1961) with a lognormal
    /// shock of mean one, never more than the side's forces; an attacker pays a premium, more
    /// against prepared defences (`loss_factors`). A side that fights dispersed
    /// (`sides.*.dispersal` d) loses × its forces^d on top: Deitchman's (1962) guerrilla,
    /// whom the other side can only hit by area fire, loses in proportion to the enemy's
    /// numbers and its own, while it aims its own fire (the square law's p = 1, q = 0 at
    /// d = 1). Draws one normal per side.
    fn attrition(&self, st: &State, eff: [f64; 2], intensity: f64, rng: &mut ChaCha8Rng) -> [f64; 2] {
        let p = &self.p;
        let m = st.front.loss_factors(p);
        let mut cas = [0.0; 2];
        for (s, c) in cas.iter_mut().enumerate() {
            let o = 1 - s;
            let mean = self.k.beta[o]
                * eff[o]
                * pow(st.forces[o], p.exponent_p)
                * pow(st.forces[s], p.exponent_q + p.sides[s].dispersal)
                * intensity
                * m[s];
            let z: f64 = StandardNormal.sample(rng);
            let sig = p.casualty_noise;
            *c = (mean * (sig * z - 0.5 * sig * sig).exp()).min(st.forces[s]);
        }
        cas
    }

    /// Moves the front: the regime's mean drift from the effective force ratio (before this
    /// week's losses) times intensity, plus a Student-t shock scaled by √intensity, within the
    /// map. Returns the first side's gain (km²). Draws one Student-t variate.
    fn front(&self, st: &mut State, eff: [f64; 2], intensity: f64, rng: &mut ChaCha8Rng) -> f64 {
        let p = &self.p;
        let (kmin, kmax) = (p.km2_knots[0].1, p.km2_knots[p.km2_knots.len() - 1].1);
        let rho = (eff[0] * st.forces[0]) / (eff[1] * st.forces[1]).max(1e-9);
        let shock: f64 = self.k.shock.sample(rng);
        let mean_gain = intensity * st.front.drift(p, self.k.v_front, rho);
        let raw_gain = mean_gain + p.front_noise * intensity.sqrt() * shock;
        let new_km2 = (st.km2 + raw_gain).clamp(kmin, kmax);
        let gain = new_km2 - st.km2;
        st.km2 = new_km2;
        gain
    }

    /// Forces lose casualties (less those returning to duty) and gain recruits in proportion
    /// to the economy, and mobilised personnel as they arrive; economies recover (faster with
    /// aid) toward their target (`economy_target`: potential, aid, sanctions, oil) and suffer
    /// the other side's strikes at the war's intensity `war`; casualties and war costs
    /// (`war_cost`: heavier on a weaker economy) accumulate. Returns each side's cost of a
    /// year of war at its new economy (the pressure phase reads it again: nothing in between
    /// changes an economy).
    fn forces_and_economies(&self, st: &mut State, cas: [f64; 2], aid: [f64; 2], intensity: f64, war: f64) -> [f64; 2] {
        let mut costs = [0.0; 2];
        for s in 0..2 {
            let o = 1 - s;
            let sd = &self.p.sides[s];
            let arriving = st.front.arrivals(&self.k.front, s);
            // What the other side's domains let through (`sim/domains.rs`; 1 and 0 without).
            let cut = self.b.supply[s];
            st.forces[s] = (st.forces[s] - cas[s] * (1.0 - sd.return_to_duty)
                + sd.recruitment * st.economy[s] * cut.reinforce
                + arriving * cut.reinforce)
                .max(0.0);
            let aid_ratio = if self.k.aid0[s] > 0.0 { aid[s] / self.k.aid0[s] } else { 0.0 };
            // Only the strikes a moratorium does not cover reach the economy while it holds
            // (`sim/truces.rs`; none at its default scope of 1).
            let mut damage = (self.p.sides[o].strike + cut.strike) * war;
            if st.moratorium {
                damage *= self.moratorium_left();
            }
            let target = st.front.economy_target(&self.p, s, aid[s], self.k.aid0[s]) * cut.revenue;
            // Arms bought cost the buyer's economy (0 without patrons: the sum is unchanged).
            let bought = self.arms_bought(s);
            st.economy[s] =
                (st.economy[s] + sd.recovery * (1.0 + aid_ratio) * (target - st.economy[s]) - damage - bought)
                    .clamp(0.0, target.max(1.0));
            st.cum_cas[s] += cas[s];
            costs[s] = self.war_cost(st, s);
            st.costs[s] += costs[s] / 52.0 * intensity;
        }
        costs
    }

    /// The front's operations after the week's fighting (`crate::front`): culmination,
    /// digging in and the shocks ([`Front::shocks`]), then, with regimes, the regime's next
    /// step ([`Front::transition`]) from each side's effective force ratio after the week
    /// (`aid`: the aid after the week's fatigue and stops, [`Sim::aid_fatigue`]'s).
    fn operations(&self, st: &mut State, gain: f64, cas: [f64; 2], month: usize, aid: [f64; 2], rng: &mut ChaCha8Rng) {
        let p = &self.p;
        st.front.shocks(p, &self.k.front, gain, cas, st.forces, rng);
        if p.regimes {
            let eff = [self.effectiveness(st, 0, aid[0]), self.effectiveness(st, 1, aid[1])];
            let rho = [
                (eff[0] * st.forces[0]) / (eff[1] * st.forces[1]).max(1e-9),
                (eff[1] * st.forces[1]) / (eff[0] * st.forces[0]).max(1e-9),
            ];
            st.front.transition(p, rho, p.season[month].max(0.05), rng);
        }
    }

    /// Aid fades by its fatigue rate and each active line may stop (one draw per active
    /// line, in actor order). Returns the aid each side receives after that: [`Sim::aid`]
    /// now, summed here in the same order over the same lines (those that flow and supply:
    /// exactly the lines this loop visits, less those that stopped), the same bits without
    /// a second pass.
    fn aid_fatigue(&mut self, rng: &mut ChaCha8Rng) -> [f64; 2] {
        let mut total = [0.0; 2];
        for i in 0..self.k.aid_lines.len() {
            let a = self.k.aid_lines[i];
            if self.b.aid_active[a] && self.supplies(a) {
                self.b.aid_level[a] *= self.k.aid_decay[a];
                let u: f64 = rng.random();
                if u < self.k.aid_stop[a] {
                    self.b.aid_active[a] = false;
                } else {
                    total[self.b.backs[a]] += self.b.aid_level[a];
                }
            }
        }
        let total = if self.k.patrons { [total[0] * self.b.embargo[0], total[1] * self.b.embargo[1]] } else { total };
        // × the share the other side's domains let through (1 without domains: exact).
        [total[0] * self.b.supply[0].aid, total[1] * self.b.supply[1].aid]
    }

    // ---- Phase: learn ---------------------------------------------------------------------

    /// Each side updates its belief about the drift at intensity 1 from the week's movement:
    /// a Normal mean by Bayes' rule with exponential forgetting (memory in weeks). Weeks of
    /// almost no fighting teach nothing.
    fn learn(&self, st: &mut State, f: &Fought) {
        if f.intensity > 0.05 {
            let z = f.gain / f.intensity;
            for s in 0..2 {
                let lambda = 1.0 - 1.0 / self.p.sides[s].memory_weeks;
                st.belief_n[s] = lambda * st.belief_n[s] + 1.0;
                st.belief[s] += (z - st.belief[s]) / st.belief_n[s];
            }
        }
    }

    // ---- Phase: end? --------------------------------------------------------------------

    /// Collapse of a side: certain when its forces or economy fall below its floor or the
    /// front passes its threshold (the front decides when both apply); otherwise, where a
    /// side's collapse hazard is on, the chance that it breaks first (`sim/breaking.rs`: one
    /// uniform per such side). Collapse ends the run. Returns the side's collapse and what
    /// broke it ([`CollapseCause`]; its forces when both its floors give way).
    fn end(&self, st: &State, eff: [f64; 2], rng: &mut ChaCha8Rng) -> Option<(WarState, CollapseCause)> {
        let p = &self.p;
        let mut outcome = None;
        for s in 0..2 {
            let sd = &p.sides[s];
            if st.forces[s] < sd.collapse_forces_fraction * sd.forces {
                outcome = Some((WarState::collapsed(s), CollapseCause::Forces));
            } else if st.economy[s] < sd.collapse_economy {
                outcome = Some((WarState::collapsed(s), CollapseCause::Economy));
            }
        }
        if st.km2 >= p.collapse_second_km2 {
            outcome = Some((WarState::CollapsedSecond, CollapseCause::Front));
        }
        if st.km2 <= p.collapse_first_km2 {
            outcome = Some((WarState::CollapsedFirst, CollapseCause::Front));
        }
        if outcome.is_some() {
            return outcome;
        }
        self.breaking(st, eff, rng).map(|state| (state, CollapseCause::Broke))
    }

    // ---- Phase: talk --------------------------------------------------------------------

    /// Whether a talk round is held this week, and clears a call for talks: when something
    /// called for talks, or on cadence while the mediator's attention is at or above its
    /// threshold and talks are not suspended. A scheduled round that is not held is blocked
    /// by [`Blocker::NoTalks`].
    fn talks_due(&self, st: &mut State) -> bool {
        let scheduled = (st.week + 1).is_multiple_of(self.p.cadence);
        let engaged = !st.suspended && st.attention >= self.p.mediation.threshold;
        let due = st.talks_due || (scheduled && engaged);
        st.talks_due = false;
        if scheduled && !due {
            st.blocked = Some(Blocker::NoTalks);
        }
        due
    }

    /// One talk round ([`Sim::session`] holds a week's): the value of war, then the continuation of a failed deal — the
    /// ceasefire fallback's vote (an armistice at the line, no draw) — and the deal weighed
    /// against the outside option actually available: where the armistice would be agreed,
    /// the armistice held or broken down into war ([`Sim::fallback_outside`];
    /// `protocol.deal_against_fallback`; Nash 1950, Binmore, Rubinstein & Wolinsky 1986: the
    /// disagreement point is what a party gets if this bargain fails), else war; then the mediator's proposal, supporters'
    /// amendments and the veto players' votes with Powell's commitment check (war's, as under
    /// an armistice). With no settlement, the armistice if it was agreed; with neither, the
    /// cause that blocked the round (in `st.blocked`) and concessions; the failure's other
    /// consequences are the session's ([`Sim::session`]).
    fn talk<O: Observer>(
        &mut self,
        st: &mut State,
        rng: &mut ChaCha8Rng,
        eff: [f64; 2],
        observer: &mut O,
    ) -> Option<Agreement> {
        st.rounds += 1;
        if st.rounds == 1 {
            self.reserve(st, rng);
        }
        self.set_nodeal(st);
        self.set_audience(st);
        let war = self.value_of_war(st, eff);
        self.partner_outside(st, &war);
        self.supplier_outside(st, &war);
        let (lean, pull, mediator) = (self.lean(st), self.pull(st), st.mediator);
        // The freeze that a failed deal would lead to, voted first (it reads no draws and
        // nothing the deal's round writes): the armistice at the compromise of current
        // positions, against war.
        let mut input = RoundInputs::new(&self.p, &self.b, &self.k, st, war, lean);
        self.round.collective_forecast(&input.u, input.collective);
        let mut armistice = input.armistice_values(&self.round.forecast);
        let pressure = input.freeze_pressure(&self.round.say, &self.round.actor_war, &self.round.forecast);
        let mut fallback = input.ceasefire_vote(st.reserve_ceasefire, armistice, pressure, &self.round.forecast);
        // A freeze with territory handed over (`sim/terms.rs`) is that line's armistice.
        if let Some(line) = fallback.handover {
            armistice =
                [0, 1].map(|s| input.armistice_value_at(self.p.sides[s].belligerent, &self.round.forecast, line));
        }
        // Coalition partners still in the war must accept the freeze too.
        if fallback.agreed {
            fallback.agreed = self.partners_freeze(st, &self.round.forecast, &war);
        }
        let against_armistice = fallback.agreed && self.p.deal_against_fallback != 0.0;
        if against_armistice {
            // The deal's disagreement point is the armistice (with its chance of breaking
            // down) for the belligerents, and for coalition partners and suppliers too.
            let outside = self.fallback_outside(st, &war, armistice);
            input = RoundInputs::new(&self.p, &self.b, &self.k, st, war, lean);
            input.war = WarValue { v: outside, ..war };
        }
        let round = &mut self.round;
        let (compromise, settled) = round.hold(&input, mediator, pull, st, &self.b.reserve);
        let ceasefire = !settled && fallback.agreed;
        let blocked = if settled || ceasefire { None } else { Some(round.blocker(st.range_open, &fallback)) };
        observer.round(&RoundView {
            week: st.week,
            proposal: &round.deal,
            amended: &round.amended,
            compromise,
            range_open: st.range_open,
            values_of_war: war.v,
            outside: input.war.v,
            decisions: &round.decisions,
            ceasefire_margins: Some(fallback.margins),
            fallback_agreed: fallback.agreed,
            settled,
            ceasefire,
            ripeness: st.ripeness,
            blocked,
            armistice: false,
            mediator,
        });
        if settled {
            self.b.terms.copy_from_slice(&round.amended);
            return Some(Agreement::Settlement);
        }
        if ceasefire {
            st.ceasefire_margins = fallback.margins;
            st.ceasefire_pressed = fallback.pressed[0] || fallback.pressed[1];
            // The line an imposed ceasefire hands over to the winner (`sim/terms.rs`).
            st.handover_km2 = 0.0;
            if let Some(line) = fallback.handover {
                let km2 = self.p.index_to_km2(line);
                st.handover_km2 = km2 - st.km2;
                st.km2 = km2;
            }
            return Some(Agreement::Ceasefire);
        }
        st.blocked = blocked;
        // The fallback already computed the forecast from these same positions.
        self.concede(st, war.mom, 1.0);
        None
    }

    /// A week's session of talks: up to `protocol.rounds_per_week` rounds ([`Sim::talk`]),
    /// each failed one conceding and the next voting on the positions it left; an agreement
    /// ends the session. Its failure is weighed once, after its last round: perhaps an
    /// escalation pulse (one draw), the mediator's frustration and perhaps a suspension over
    /// an indivisible issue (one draw), and a strike moratorium — so that a session of
    /// several rounds keeps the weekly hazards weekly. One round: the engine's round as before.
    fn session<O: Observer>(
        &mut self,
        st: &mut State,
        rng: &mut ChaCha8Rng,
        eff: [f64; 2],
        observer: &mut O,
    ) -> Option<Agreement> {
        for _ in 0..self.p.rounds_per_week.max(1) {
            if let Some(agreed) = self.talk(st, rng, eff, observer) {
                return Some(agreed);
            }
        }
        self.escalate(st, rng);
        self.after_failure(st, rng);
        self.moratorium_round(st, observer);
        if self.p.humanitarian_pause.is_some() {
            self.pause_round(st, rng, observer);
        }
        if self.p.trade_corridor.is_some() {
            self.corridor_round(st, rng, observer);
        }
        None
    }

    /// Each party's private reservation, drawn once per run at its first talk round (one
    /// uniform per veto player in actor order, then one per belligerent for the freeze):
    /// acceptance is quantal, P(accept) = 1 / (1 + exp(−margin / noise)), but the draw it is
    /// compared with is the party's fixed private type, not a fresh coin each round. A party
    /// accepts once its margin passes that private threshold: Fearon (1995)'s private
    /// information about costs and resolve is a type, not noise redrawn every fortnight, so
    /// the war ends when margins move (beliefs converge, positions concede, costs mount) and
    /// not by a lucky draw on an unchanged margin.
    fn reserve(&mut self, st: &mut State, rng: &mut ChaCha8Rng) {
        for a in 0..self.p.n_actors() {
            if self.p.veto[a] {
                self.b.reserve[a] = rng.random();
            }
        }
        for r in &mut st.reserve_ceasefire {
            *r = rng.random();
        }
    }

    /// No-deal values of this round: the current line on the territorial issue, the
    /// scenario's no-deal value on the others.
    fn set_nodeal(&mut self, st: &State) {
        let terr = self.p.territorial.unwrap_or(0);
        let line = self.p.km2_to_index(st.km2);
        for k in 0..self.p.n_issues() {
            self.b.nodeal[k] = if k == terr { line } else { self.p.no_deal[k] };
        }
    }

    /// The belligerents' values of war (Fearon's p − c, made dynamic): the utility of the
    /// front each expects after the valuation horizon under its own belief (foreseen aid
    /// events included; ground beyond its own claim counts as its claim), every other issue
    /// at `war_stakes` × (its own terms with the probability of prevailing it believes in,
    /// [`Sim::believed_prevail`], the other belligerent's otherwise) and the rest at no deal
    /// (war is fought to impose terms, Fearon 1995; mutual optimism, Smith & Stam 2004), less
    /// the cost of fighting on (the week's
    /// effective cost: destruction, crisis, resolve), the risk of the front's spread and the
    /// chance of its own collapse, all at the pace of low activity while the war is in it.
    /// Also the prevailing probabilities and the leverage the mediator weighs.
    fn value_of_war(&self, st: &State, eff: [f64; 2]) -> WarValue {
        let p = &self.p;
        let m = p.n_issues();
        let terr = p.territorial.unwrap_or(0);
        let rho = (eff[0] * st.forces[0]) / (eff[1] * st.forces[1]).max(1e-9);
        let q = [talk::prevail(rho), 1.0 - talk::prevail(rho)];
        let (exo_loss, ddrift, ev_week) = self.anticipated(st, eff);
        let h = p.valuation_horizon;
        // Low activity is expected to last: the front moves and costs accrue at its pace.
        let low = if st.low { p.low_activity_factor } else { 1.0 };
        let fatigue = self.fatigue(st.week) * low;
        let mut v = [0.0; 2];
        let (mut line, mut spread, mut horizon_cost, mut collapse) = ([0.0; 2], [0.0; 2], [0.0; 2], [0.0; 2]);
        let noise_var = if p.front_tail_dof > 2.0 { p.front_tail_dof / (p.front_tail_dof - 2.0) } else { 9.0 };
        let (kmin, kmax) = (p.km2_knots[0].1, p.km2_knots[p.km2_knots.len() - 1].1);
        for s in 0..2 {
            let a = p.sides[s].belligerent;
            let after = if ev_week == u32::MAX { 0.0 } else { ((h - (ev_week - st.week) as f64) / h).clamp(0.0, 1.0) };
            let drift = st.belief[s] + ddrift * after;
            let k_hat = (st.km2 + h * fatigue * drift).clamp(kmin, kmax);
            let sd_w = p.front_noise * (noise_var * low).sqrt();
            let sd_k = (h * sd_w * sd_w + h * h * sd_w * sd_w / st.belief_n[s].max(1e-9)).sqrt().max(1e-9);
            let l_hat = p.km2_to_index(k_hat);
            let dl = (p.km2_to_index((k_hat + sd_k).min(kmax)) - p.km2_to_index((k_hat - sd_k).max(kmin))) / 2.0;
            // Every other issue: what fighting on is expected to decide (`war_stakes` of it) —
            // the side's own terms with the probability of prevailing it believes in, the
            // other belligerent's otherwise (Fearon 1995's p) — the rest stays at no deal.
            let u = self.war_utility(st, s, a, l_hat);
            let cost = h / 52.0 * fatigue * st.pressure.cost[s];
            let risk = p.risk[a] * self.k.nsal[a * m + terr] * dl / 100.0;
            let p_collapse = if s == 1 && p.collapse_second_km2.is_finite() {
                1.0 - norm_cdf((p.collapse_second_km2 - k_hat) / sd_k)
            } else if s == 0 && p.collapse_first_km2.is_finite() {
                norm_cdf((p.collapse_first_km2 - k_hat) / sd_k)
            } else {
                0.0
            };
            v[s] = u - cost - risk - p_collapse;
            (line[s], spread[s], horizon_cost[s], collapse[s]) = (l_hat, dl, cost, p_collapse);
        }
        // Leverage: capability scaled by battlefield momentum.
        let scale = p.calibrated_gain.abs().max(p.front_noise).max(1.0);
        let mom = (st.momentum / scale).clamp(-3.0, 3.0);
        let leverage = [
            p.capability[p.sides[0].belligerent] * (p.momentum_leverage * mom).exp(),
            p.capability[p.sides[1].belligerent] * (-p.momentum_leverage * mom).exp(),
        ];
        WarValue {
            v,
            q,
            exo_loss,
            mom,
            leverage,
            cost: st.pressure.cost,
            line,
            spread,
            horizon_cost,
            p_collapse: collapse,
        }
    }

    /// Actor `a`'s utility of what fighting on brings its side `s` (the issues part of the
    /// value of war): the line `l_hat` the side expects (ground beyond the actor's own claim
    /// is no loss), every other issue at `war_stakes` × its own terms with the probability
    /// of prevailing the side believes in (the other side's lead's terms otherwise), the rest
    /// at no deal.
    #[inline]
    fn war_utility(&self, st: &State, s: usize, a: usize, l_hat: f64) -> f64 {
        let p = &self.p;
        let (m, terr) = (p.n_issues(), p.territorial.unwrap_or(0));
        let (w, qb) = (p.war_stakes, self.believed_prevail_kept(st, s));
        let o = p.sides[1 - s].belligerent;
        let mut u = 0.0;
        for k in 0..m {
            let own = self.b.pos[a * m + k];
            let gap = if k == terr {
                // Ground beyond the side's own claim is no loss: it can hand it back.
                if s == 0 {
                    (own - l_hat).max(0.0)
                } else {
                    (l_hat - own).max(0.0)
                }
            } else {
                (1.0 - w) * (self.b.nodeal[k] - own).abs() + w * (1.0 - qb) * (self.b.pos[o * m + k] - own).abs()
            };
            u -= self.k.nsal[a * m + k] * gap / 100.0;
        }
        u
    }

    /// The probability that side `s` prevails as it believes it (its Fearon p, in
    /// `docs/reference/war-endings.md` §8): the Tullock contest ([`talk::prevail`]) of the
    /// force ratio that its believed drift implies under the front law, φ = drift / v_front =
    /// tanh(κ ln ρ̂), read beyond the defender's band. Beliefs that diverge make both sides
    /// optimistic at once (Smith & Stam 2004); as fighting makes them converge, so do these
    /// (Slantchev 2003).
    fn believed_prevail(&self, st: &State, s: usize) -> f64 {
        let own = if s == 0 { st.belief[0] } else { -st.belief[1] };
        let phi = (own / self.k.v_front.max(1e-9)).clamp(-0.999, 0.999);
        // Within ±50: a nearly flat front law (κ → 0) must not make ρ̂ infinite (q is 0 or 1
        // to machine precision well before).
        let ln_rho = (phi.atanh() / self.p.gain_steepness.max(1e-9)).clamp(-50.0, 50.0);
        talk::prevail(ln_rho.exp())
    }

    /// What [`Sim::believed_prevail`] reads: side `s`'s belief, the front's scale and the
    /// front law's steepness, as bits.
    #[inline]
    fn believed_key(&self, st: &State, s: usize) -> [u64; 3] {
        [st.belief[s].to_bits(), self.k.v_front.to_bits(), self.p.gain_steepness.to_bits()]
    }

    /// [`Sim::believed_prevail`], read back from the run's memo (`State::believed`, written by
    /// the aims phase) when it was computed from the same inputs, else computed.
    #[inline]
    fn believed_prevail_kept(&self, st: &State, s: usize) -> f64 {
        let (key, q) = st.believed[s];
        if key == self.believed_key(st, s) {
            q
        } else {
            self.believed_prevail(st, s)
        }
    }

    /// Anticipated change over the next commitment period from foreseen aid events:
    /// (loss of the probability of prevailing per side, change of drift, week it starts).
    fn anticipated(&self, st: &State, eff_now: [f64; 2]) -> ([f64; 2], f64, u32) {
        let p = &self.p;
        let mut level: [f64; 2] = self.aid();
        let mut first = u32::MAX;
        let mut any = false;
        for e in &p.events {
            if !e.anticipated || e.week <= st.week || e.week > st.week + 52 {
                continue;
            }
            let Some(a) = e.actor else { continue };
            if p.aid[a].is_none() {
                continue;
            }
            let to = self.b.backs[a];
            let cur = if self.b.aid_active[a] { self.b.aid_level[a] } else { 0.0 };
            let new = match e.kind {
                EventKind::AidStop => 0.0,
                EventKind::AidLevel => e.amount,
                EventKind::AidPackage => cur + e.amount,
                _ => continue,
            };
            level[to] += new - cur;
            first = first.min(e.week);
            any = true;
        }
        if !any {
            return ([0.0; 2], 0.0, u32::MAX);
        }
        let mut eff_after = eff_now;
        for s in 0..2 {
            let sd = &p.sides[s];
            if self.k.aid0[s] > 0.0 {
                let now_ratio = self.aid()[s] / self.k.aid0[s];
                let after_ratio = level[s].max(0.0) / self.k.aid0[s];
                let base_now = 1.0 - sd.aid_dependence + sd.aid_dependence * now_ratio;
                let base_after = 1.0 - sd.aid_dependence + sd.aid_dependence * after_ratio;
                eff_after[s] = eff_now[s] * base_after / base_now.max(1e-9);
            }
        }
        let rho_now = (eff_now[0] * st.forces[0]) / (eff_now[1] * st.forces[1]).max(1e-9);
        let rho_after = (eff_after[0] * st.forces[0]) / (eff_after[1] * st.forces[1]).max(1e-9);
        let (q_now, q_after) = (talk::prevail(rho_now), talk::prevail(rho_after));
        let loss = [(q_now - q_after).max(0.0), (q_after - q_now).max(0.0)];
        (loss, self.drift(rho_after) - self.drift(rho_now), first)
    }

    /// No deal: positions move toward the round's collective forecast; the side losing
    /// ground concedes faster, the side gaining hardens (momentum), a side in economic crisis
    /// concedes faster; every rate × `scale` (1 in a war; `armistice_concession` under an
    /// armistice). Public red lines as they stand now (the line itself for actors that
    /// follow it; aims that moved, `sim/aims.rs`) are never crossed.
    fn concede(&mut self, st: &State, mom: f64, scale: f64) {
        let p = &self.p;
        let (n, m) = (p.n_actors(), p.n_issues());
        for a in 0..n {
            let base = p.concession_rate;
            let rate = scale
                * match (p.role[a], p.side_of[a]) {
                    (Role::Belligerent, Some(s)) => {
                        let own = if s == 0 { mom } else { -mom };
                        let crisis = 1.0 + p.politics[s].crisis_weight * st.pressure.crisis[s];
                        (base * crisis * (1.0 - p.momentum_hardening * own.clamp(-1.0, 1.0)).clamp(0.0, 2.0)).min(1.0)
                    }
                    _ => base,
                };
            for k in 0..m {
                let i = a * m + k;
                let mut x = self.b.pos[i] + rate * (self.round.forecast[k] - self.b.pos[i]);
                let r =
                    if p.follows_line[a] && Some(k) == p.territorial { self.b.nodeal[k] } else { self.b.red_line[i] };
                if r.is_finite() {
                    x = if p.position[i] >= r { x.max(r) } else { x.min(r) };
                }
                self.b.pos[i] = x;
            }
        }
    }

    /// Failed talks can trigger an escalation pulse (one draw).
    fn escalate(&self, st: &mut State, rng: &mut ChaCha8Rng) {
        let u: f64 = rng.random();
        if u < self.p.escalation_probability {
            st.pulse += self.p.escalation_pulse;
        }
    }

    // ---- The ceasefire and the end of a run ---------------------------------------------

    /// A ceasefire agreed this week: it holds from the next week, and breaks down by the
    /// weekly hazard of [`Sim::ceasefire_week`], which remembers the balance of this week.
    fn start_ceasefire(&mut self, st: &mut State, eff: [f64; 2]) {
        st.ceasefire_since = Some(st.week);
        st.ceasefire_lnrho = self.ln_rho(st, eff);
        st.terms = self.ceasefire_terms(st.ceasefire_margins, st.ceasefire_pressed);
        st.terms.handed_over_km2 = st.handover_km2;
        st.low = false;
        // A ceasefire supersedes a humanitarian pause still to run.
        st.pause_left = 0;
    }

    /// What the observers see of a fought week that ended in `state` (inline, so that an
    /// observer that ignores weeks does not pay for building the view).
    #[inline]
    fn week_view(&self, st: &State, f: &Fought, state: WarState) -> WeekView {
        self.view(st, f, state, false)
    }

    /// What the observers see of a week under a ceasefire (nobody fought).
    fn quiet_week_view(&self, st: &State) -> WeekView {
        let aid = self.aid();
        self.view(st, &Fought::quiet(aid, st.front.regime), WarState::Ceasefire, true)
    }

    #[inline]
    fn view(&self, st: &State, f: &Fought, state: WarState, ceasefire: bool) -> WeekView {
        WeekView {
            week: st.week,
            km2: st.km2,
            index: self.p.km2_to_index(st.km2),
            gain: f.gain,
            casualties: f.casualties,
            cum_casualties: st.cum_cas,
            forces: st.forces,
            economy: st.economy,
            aid: f.aid,
            belief: st.belief,
            intensity: f.intensity,
            regime: f.regime,
            range_open: st.range_open,
            ceasefire,
            state,
            attention: st.attention,
            suspended: st.suspended,
            ripeness: st.ripeness,
            blocked: st.blocked,
            effectiveness: f.eff,
            imposed: state == WarState::Ceasefire && st.terms.imposed_on.is_some(),
            moratorium: st.moratorium,
            pause: st.pause_left > 0,
            paused_days: if ceasefire { 0 } else { st.paused },
            corridor: st.corridor,
            domains: self.b.domains,
        }
    }

    /// Ends a run without a settlement: the terms are the line and the no-deal values.
    fn finish_at_line(&mut self, st: &State, state: WarState, week: u32) -> RunSummary {
        for k in 0..self.p.n_issues() {
            self.b.terms[k] =
                if Some(k) == self.p.territorial { self.p.km2_to_index(st.km2) } else { self.p.no_deal[k] };
        }
        self.summary(st, state, week)
    }

    fn summary(&self, st: &State, state: WarState, week: u32) -> RunSummary {
        RunSummary {
            state,
            week,
            km2: st.km2,
            index: self.p.km2_to_index(st.km2),
            casualties: st.cum_cas,
            costs: st.costs,
            rounds: st.rounds,
            breakdowns: st.breakdowns,
            first_open_week: st.first_open,
            armistice_week: if state == WarState::Settled { st.ceasefire_since } else { None },
            collapse: None,
        }
    }
}

/// The ceasefire fallback's vote: each belligerent's margin for a freeze at the line, the
/// audience cost inside it, and its decision.
#[derive(Clone, Copy)]
struct Fallback {
    margins: [f64; 2],
    /// Audience cost (≥ 0) of freezing the line short of a public red line, in the margin.
    audience: [f64; 2],
    accepted: [bool; 2],
    agreed: bool,
    /// Whether each side accepted only because of its patron mediator's pressure (`lean`):
    /// without it, its reservation would have refused (Werner & Yuen 2005's "unnatural"
    /// ceasefire; `sim/terms.rs`).
    pressed: [bool; 2],
    /// The line (index) the freeze hands over to the winner under an imposed ceasefire
    /// (`ceasefire_terms.handover`, `sim/terms.rs`): the winner voted on the freeze there.
    /// `None` without a handover; `margins` are the freeze's at the line as it stands.
    handover: Option<f64>,
}

impl Fallback {
    /// A vote not yet weighed: no margins, audience costs, pressure or handover, with the
    /// decisions `accepted` (and `agreed`, to be set from them).
    fn undecided(accepted: [bool; 2]) -> Self {
        Fallback { margins: [0.0; 2], audience: [0.0; 2], accepted, agreed: true, pressed: [false; 2], handover: None }
    }
}

impl RoundInputs<'_> {
    /// Side `s`'s margin for a freeze it values at `armistice`: over war, with its suppliers'
    /// pull `pressure` and the patron mediator's lean.
    fn freeze_margin(&self, s: usize, armistice: f64, pressure: (f64, f64)) -> f64 {
        let mut m = pressed_margin(armistice - self.war.v[s], pressure);
        if self.lean[s] != 0.0 {
            m += self.lean[s];
        }
        m
    }

    /// The ceasefire fallback: an armistice that freezes the line and leaves the political
    /// issues open, voted on by both belligerents, each accepting when its private
    /// reservation falls under the logistic probability of its margin of the armistice
    /// ([`RoundInputs::armistice_values`]) over war (no draw: the reservations were drawn at
    /// the first round).
    /// `pressure` is each side's suppliers' pull on its margin (`sim/patrons.rs`,
    /// [`RoundInputs::freeze_pressure`]). Under `ceasefire_terms.handover`, the winner of an
    /// imposed freeze then weighs it at the line the loser would hand over
    /// ([`RoundInputs::handover_vote`]; `forecast`: the compromise the armistice is valued at).
    fn ceasefire_vote(
        &self,
        reserve: [f64; 2],
        armistice: [f64; 2],
        pressure: [(f64, f64); 2],
        forecast: &[f64],
    ) -> Fallback {
        let (u, p) = (&self.u, self.u.p);
        let terr = p.territorial.unwrap_or(0);
        let mut f = Fallback::undecided([false; 2]);
        for s in 0..2 {
            let a = p.sides[s].belligerent;
            // The armistice's value holds the audience cost of freezing the line past a
            // public red line (the same as a deal's).
            let terr_aud = u.issue_utility_audience(a, terr, u.nodeal[terr]);
            f.margins[s] = self.freeze_margin(s, armistice[s], pressure[s]);
            f.audience[s] = -terr_aud;
            (f.accepted[s], f.pressed[s]) = self.freeze_decision(s, f.margins[s], reserve[s]);
        }
        if p.ceasefire_terms.as_ref().is_some_and(|t| t.handover > 0.0) {
            self.handover_vote(&mut f, reserve, pressure, forecast);
        }
        f.agreed = f.accepted[0] && f.accepted[1];
        f
    }

    /// Side `s`'s decision on a freeze for which its margin is `margin`: it accepts when its
    /// private reservation `reserve` falls under the logistic probability of the margin;
    /// `pressed` when it accepted only because of its patron mediator's lean (without it, its
    /// reservation would have refused).
    fn freeze_decision(&self, s: usize, margin: f64, reserve: f64) -> (bool, bool) {
        let accepted = self.freeze_accepts(margin, reserve);
        let pressed = self.lean[s] != 0.0 && accepted && !self.freeze_accepts(margin - self.lean[s], reserve);
        (accepted, pressed)
    }

    /// Whether a party whose private reservation is `reserve` accepts a freeze for which its
    /// margin is `margin`: the reservation falls under the logistic probability of the margin.
    fn freeze_accepts(&self, margin: f64, reserve: f64) -> bool {
        reserve < 1.0 / (1.0 + (-margin / self.u.p.acceptance_noise).exp())
    }
}

impl RoundBuffers {
    /// One round on `input`: the proposal, the patron mediator's lean, whether the range is
    /// open (recorded in `st`), the amendments and the veto players' votes against
    /// `input.war` (war, or under an armistice the armistice). `forecast` must hold the
    /// collective forecast of the current positions (the compromise). Returns (the
    /// compromise was proposed, every veto player accepted).
    fn hold(
        &mut self,
        input: &RoundInputs<'_>,
        mediator: usize,
        pull: f64,
        st: &mut State,
        reserve: &[f64],
    ) -> (bool, bool) {
        let found = self.propose(input);
        self.mediate(&input.u, mediator, pull);
        st.range_open = found.range_open;
        if found.range_open && st.first_open.is_none() {
            st.first_open = Some(st.week);
        }
        self.amend(&input.u);
        (!found.solved, self.vote(input, input.war.v, reserve))
    }

    /// The mediator's proposal, into `deal`: the weighted Nash product over the frontier if
    /// some deal beats war for both belligerents; otherwise the compromise of current
    /// positions, the collective forecast that every caller of [`RoundBuffers::hold`] has
    /// already computed into `forecast` from these positions (the armistice is valued at it).
    fn propose(&mut self, input: &RoundInputs<'_>) -> talk::FrontierResult {
        let p = input.u.p;
        let who = [p.sides[0].belligerent, p.sides[1].belligerent];
        let found =
            self.frontier.solve(&input.u, who, input.war.v, input.war.leverage, &mut self.segments, &mut self.deal);
        if !found.solved {
            self.deal.copy_from_slice(&self.forecast);
        }
        found
    }

    /// A patron that mediates leans its proposal toward its own positions: each issue moves
    /// the share `pull` of the way from the proposal to the mediator's position (a biased
    /// mediator, Kydd 2003). Nothing moves with a pull of 0 (every mediator but a patron).
    fn mediate(&mut self, u: &talk::UtilityContext<'_>, mediator: usize, pull: f64) {
        if pull == 0.0 {
            return;
        }
        let m = u.p.n_issues();
        for k in 0..m {
            self.deal[k] += pull * (u.pos[mediator * m + k] - self.deal[k]);
        }
    }

    /// Supporters with amending rights move the proposal toward their positions, in
    /// proportion to their saliences, into `amended`.
    fn amend(&mut self, u: &talk::UtilityContext<'_>) {
        let p = u.p;
        let m = p.n_issues();
        self.amended.copy_from_slice(&self.deal);
        for j in 0..p.n_actors() {
            if p.amends[j] {
                for k in 0..m {
                    let s = p.salience[j * m + k];
                    self.amended[k] += p.amendment_strength * s * (u.pos[j * m + k] - self.amended[k]);
                }
            }
        }
    }

    /// The veto players' votes on the amended deal, into `decisions`: each accepts when its
    /// private reservation falls under the logistic probability of its margin over its
    /// outside option (a belligerent's `outside`: war, or under an armistice the armistice;
    /// a supporter's: no deal), and a belligerent only if the deal passes Powell's commitment
    /// check. Returns whether all accepted.
    fn vote(&mut self, input: &RoundInputs<'_>, outside: [f64; 2], reserve: &[f64]) -> bool {
        let (u, war) = (&input.u, &input.war);
        let p = u.p;
        let g = u.guarantee;
        self.decisions.clear();
        let pressure = if input.say { self.deal_pressure(u, input.backs) } else { [(0.0, 0.0); 2] };
        let mut all = true;
        for a in 0..p.n_actors() {
            if !p.veto[a] {
                continue;
            }
            let side = p.side_of[a].filter(|_| p.role[a] == Role::Belligerent);
            // A coalition partner weighs the deal against its own value of war, and has no
            // say once it has left the war.
            let partner = side.is_some_and(|s| p.sides[s].belligerent != a);
            if partner && input.roles[a] & ALLY == 0 {
                continue;
            }
            let utility = u.deal_utility(a, &self.amended);
            let (v, commitment_ok) = match side {
                Some(s) => {
                    let deal_loss = u.power_loss(a, &self.amended);
                    let delta = (war.exo_loss[s] + (1.0 - g) * deal_loss - g * p.guarantee_power).max(0.0);
                    let c = war.cost[s];
                    let dlt = p.commitment_discount;
                    let v = if partner { self.actor_war[a] } else { outside[s] };
                    (v, dlt * delta <= (1.0 - dlt) * (1.0 - war.q[s] + c))
                }
                None => (u.base_utility(a, u.nodeal), true),
            };
            let mut margin = utility - v;
            // Its side's suppliers weigh in (restraint or encouragement), and a partner's lead.
            if let Some(s) = side {
                let pull = if partner {
                    let lead = p.sides[s].belligerent;
                    patrons::lead_pull(p, a, pressure[s], || u.deal_utility(lead, &self.amended) - outside[s])
                } else {
                    pressure[s]
                };
                margin = pressed_margin(margin, pull);
            }
            // A patron mediating presses its client's belligerents.
            if let Some(s) = side.filter(|&s| input.lean[s] != 0.0) {
                margin += input.lean[s];
            }
            let pr = 1.0 / (1.0 + (-margin / p.acceptance_noise).exp());
            let accepted = commitment_ok && reserve[a] < pr;
            all &= accepted;
            let audience = -(0..p.n_issues()).map(|k| u.issue_utility_audience(a, k, self.amended[k])).sum::<f64>();
            self.decisions.push(Decision { actor: a, margin, accepted, commitment_ok, audience });
        }
        all
    }

    /// The collective forecast of current positions (compromise or median) of all but
    /// bystanders (`c`, derived once per run), into `forecast`; the no-deal value where nobody
    /// weighs in. The mean is `truce_bargain::mean::weighted_mean`'s, the same operations in
    /// the same order with the weights' sum taken from `c` (summed in the same order: the
    /// same bits).
    fn collective_forecast(&mut self, u: &talk::UtilityContext<'_>, c: &Collective) {
        let p = u.p;
        let m = p.n_issues();
        let n = c.who.len();
        for k in 0..m {
            if n == 0 {
                self.forecast[k] = u.nodeal[k];
                continue;
            }
            let w = &c.w[k * n..(k + 1) * n];
            self.forecast[k] = match p.collective_model {
                crate::scenario::CollectiveModel::Mean => {
                    let sw = c.sum[k];
                    if sw > 0.0 {
                        let mut swx = 0.0;
                        for (&a, &wi) in c.who.iter().zip(w) {
                            swx += wi * u.pos[a * m + k];
                        }
                        swx / sw
                    } else {
                        c.who.iter().map(|&a| u.pos[a * m + k]).sum::<f64>() / n as f64
                    }
                }
                crate::scenario::CollectiveModel::Median => {
                    for (x, &a) in self.tmp_x.iter_mut().zip(&c.who) {
                        *x = u.pos[a * m + k];
                    }
                    truce_bargain::median::weighted_median(&self.tmp_x[..n], w, truce_bargain::median::TieRule::Lower)
                        .unwrap_or(u.nodeal[k])
                }
            };
        }
    }
}
