//! One run of the fight–talk loop.
//!
//! Each week: **fight** (generalised Lanchester attrition with a lognormal shock; a front
//! whose mean weekly movement rises monotonically with the effective force ratio, with a
//! defender's advantage, seasonality and Student-t shocks; strikes on economies; aid with
//! fatigue and a stop hazard), **learn** (each belligerent's belief about the front's drift,
//! a Normal mean updated by Bayes' rule with exponential forgetting), **talk** on cadence and
//! on events ([`crate::talk`]), then **end?** (settlement; ceasefire, with a breakdown hazard
//! afterwards; collapse of a side; low activity; stalemate at the horizon).
//!
//! Sources: the weekly loop of `docs/reference/war-theory.md` §2 (Wagner 2000; Slantchev
//! 2003; Smith & Stam 2004; Powell 2006), attrition laws §3 (Lanchester 1916; Helmbold 1961's
//! generalised form), the design brief `docs/reference/fight-talk-model.md`.
//!
//! A [`Sim`] owns every buffer a run needs; [`Sim::run`] allocates nothing and is a pure
//! function of the parameters and (seed, run index): the random stream is ChaCha8 seeded with
//! `seed` on stream `run_index`, and draws happen in a fixed order.

use crate::params::{Event, Params};
use crate::scenario::{EventKind, Role};
use crate::talk::{self, Frontier, Segment};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal, StudentT};
use serde::Serialize;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// A final-status agreement accepted by every veto player.
    Settlement,
    /// A ceasefire at the line that held to the horizon.
    Ceasefire,
    /// The first side collapsed.
    CollapseFirst,
    /// The second side collapsed.
    CollapseSecond,
    /// Fighting fell below the activity floor without agreement.
    LowActivity,
    /// The horizon was reached at war: "neither war nor peace".
    Stalemate,
}

impl OutcomeKind {
    /// All kinds, in reporting order.
    pub const ALL: [OutcomeKind; 6] = [
        OutcomeKind::Settlement,
        OutcomeKind::Ceasefire,
        OutcomeKind::CollapseFirst,
        OutcomeKind::CollapseSecond,
        OutcomeKind::LowActivity,
        OutcomeKind::Stalemate,
    ];
    pub fn index(self) -> usize {
        self as usize
    }
    /// Snake-case name (as in JSON).
    pub fn name(self) -> &'static str {
        match self {
            OutcomeKind::Settlement => "settlement",
            OutcomeKind::Ceasefire => "ceasefire",
            OutcomeKind::CollapseFirst => "collapse_first",
            OutcomeKind::CollapseSecond => "collapse_second",
            OutcomeKind::LowActivity => "low_activity",
            OutcomeKind::Stalemate => "stalemate",
        }
    }
}

/// Summary of one run (terms are in [`Sim::terms`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RunSummary {
    pub kind: OutcomeKind,
    /// Week the outcome began (the horizon for a stalemate).
    pub week: u32,
    /// Area held by the first side at the end (km²) and its index.
    pub km2: f64,
    pub index: f64,
    pub casualties: [f64; 2],
    /// Accumulated war costs per side (utility points).
    pub costs: [f64; 2],
    pub rounds: u32,
    /// Ceasefires that broke down before the horizon.
    pub breakdowns: u32,
    /// First week a talk round found the bargaining range open.
    pub first_open_week: Option<u32>,
}

/// What an observer sees each week (borrowed from the simulation).
#[derive(Debug, Clone, Copy)]
pub struct WeekView {
    pub week: u32,
    pub km2: f64,
    pub index: f64,
    /// Weekly gain of the first side (km²).
    pub gain: f64,
    pub casualties: [f64; 2],
    pub cum_casualties: [f64; 2],
    pub forces: [f64; 2],
    pub economy: [f64; 2],
    /// Aid received per side, in the scenario's aid unit.
    pub aid: [f64; 2],
    /// Each belligerent's believed drift (km²/week at intensity 1).
    pub belief: [f64; 2],
    pub intensity: f64,
    pub range_open: bool,
    pub ceasefire: bool,
}

/// A veto player's decision on a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Decision {
    pub actor: usize,
    /// Utility of the deal minus the value of war.
    pub margin: f64,
    pub accepted: bool,
    /// Whether the deal passes Powell's commitment check for this actor.
    pub commitment_ok: bool,
}

/// What an observer sees at each talk round.
#[derive(Debug, Clone, Copy)]
pub struct RoundView<'a> {
    pub week: u32,
    /// The mediator's proposal before amendments.
    pub proposal: &'a [f64],
    /// After supporters' amendments (what the veto players vote on).
    pub amended: &'a [f64],
    /// True when no deal beat war for both belligerents and the compromise was proposed.
    pub compromise: bool,
    pub range_open: bool,
    pub values_of_war: [f64; 2],
    pub decisions: &'a [Decision],
    pub ceasefire_margins: Option<[f64; 2]>,
    pub settled: bool,
    pub ceasefire: bool,
}

/// Watches a run. Both methods default to doing nothing, so an unobserved run costs nothing.
pub trait Observer {
    fn week(&mut self, _w: &WeekView) {}
    fn round(&mut self, _r: &RoundView<'_>) {}
    fn event(&mut self, _week: u32, _e: &Event) {}
    fn breakdown(&mut self, _week: u32) {}
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
pub struct Sim {
    p: Params,
    /// Calendar month (0–11) of each week, for the current start date and horizon.
    months: Vec<u8>,
    months_for: (crate::calendar::CivilDate, u32),
    /// Weekly aid decay factor and weekly stop probability per actor.
    aid_decay: Vec<f64>,
    aid_stop: Vec<f64>,
    // Derived at the start of each run.
    beta: [f64; 2],
    v_front: f64,
    aid0: [f64; 2],
    /// Saliences normalised to sum 1 per actor (utility weights).
    nsal: Vec<f64>,
    // Run state.
    pos: Vec<f64>,
    aid_level: Vec<f64>,
    aid_active: Vec<bool>,
    resolve: Vec<f64>,
    deal: Vec<f64>,
    amended: Vec<f64>,
    nodeal: Vec<f64>,
    forecast: Vec<f64>,
    terms: Vec<f64>,
    tmp_x: Vec<f64>,
    tmp_w: Vec<f64>,
    decisions: Vec<Decision>,
    frontier: Frontier,
    segments: Vec<Segment>,
}

/// Mutable state of the battlefield and beliefs during a run.
struct State {
    week: u32,
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
    ceasefire_until: Option<u32>,
    talks_due: bool,
}

impl Sim {
    /// A workspace for runs of `params` (allocates once).
    pub fn new(params: &Params) -> Self {
        let (n, m) = (params.n_actors(), params.n_issues());
        Sim {
            p: params.clone(),
            months: Vec::with_capacity(params.horizon as usize),
            months_for: (crate::calendar::CivilDate { year: 0, month: 1, day: 1 }, 0),
            aid_decay: vec![1.0; n],
            aid_stop: vec![0.0; n],
            beta: [0.0; 2],
            v_front: 0.0,
            aid0: [0.0; 2],
            nsal: vec![0.0; n * m],
            pos: vec![0.0; n * m],
            aid_level: vec![0.0; n],
            aid_active: vec![false; n],
            resolve: vec![1.0; n],
            deal: vec![0.0; m],
            amended: vec![0.0; m],
            nodeal: vec![0.0; m],
            forecast: vec![0.0; m],
            terms: vec![0.0; m],
            tmp_x: vec![0.0; n],
            tmp_w: vec![0.0; n],
            decisions: Vec::with_capacity(n),
            frontier: Frontier::with_capacity(m),
            segments: Vec::with_capacity(8 * m),
        }
    }

    /// The parameters the next run uses (write sampled values here).
    pub fn params_mut(&mut self) -> &mut Params {
        &mut self.p
    }
    pub fn params(&self) -> &Params {
        &self.p
    }
    /// Resets the parameters to `base` without reallocating.
    pub fn reset_params(&mut self, base: &Params) {
        self.p.clone_from(base);
    }
    /// Terms of the last run's outcome per issue (settlement terms; the line and no-deal
    /// values for any other outcome).
    pub fn terms(&self) -> &[f64] {
        &self.terms
    }

    fn prepare(&mut self) {
        let p = &self.p;
        let (n, m) = (p.n_actors(), p.n_issues());
        for a in 0..n {
            let s: f64 = (0..m).map(|k| p.salience[a * m + k]).sum();
            for k in 0..m {
                self.nsal[a * m + k] = if s > 0.0 { p.salience[a * m + k] / s } else { 1.0 / m as f64 };
            }
        }
        self.pos.copy_from_slice(&p.position);
        self.resolve.copy_from_slice(&p.resolve);
        self.aid0 = [0.0; 2];
        for a in 0..n {
            match p.aid[a] {
                Some((to, level, fatigue_y, hazard_y)) => {
                    self.aid_level[a] = level;
                    self.aid_active[a] = level > 0.0;
                    self.aid0[to] += level;
                    self.aid_decay[a] = (1.0 - fatigue_y).powf(1.0 / 52.0);
                    self.aid_stop[a] = 1.0 - (1.0 - hazard_y).powf(1.0 / 52.0);
                }
                None => {
                    self.aid_level[a] = 0.0;
                    self.aid_active[a] = false;
                }
            }
        }
        if self.months_for != (p.start, p.horizon) {
            self.months.clear();
            let d0 = p.start.to_days();
            self.months.extend(
                (0..p.horizon).map(|w| crate::calendar::CivilDate::from_days(d0 + 7 * w as i64).month as u8 - 1),
            );
            self.months_for = (p.start, p.horizon);
        }
        // Attrition calibration: side s loses casualties_per_week at the start, intensity 1.
        for s in 0..2 {
            let o = 1 - s;
            let (fs, fo) = (p.sides[s].forces, p.sides[o].forces);
            self.beta[o] = p.sides[s].casualties_per_week
                / (p.sides[o].effectiveness * fo.powf(p.exponent_p) * fs.powf(p.exponent_q));
        }
        // Front calibration: the first side gains calibrated_gain at the start, intensity 1.
        let phi0 = front_shape(p.start_force_ratio(), p.defender_advantage, p.gain_steepness);
        self.v_front = if p.calibrated_gain == 0.0 {
            p.max_gain
        } else if phi0 * p.calibrated_gain > 0.0 {
            (p.calibrated_gain / phi0.abs().max(0.05)).abs().min(p.max_gain)
        } else {
            // A sampled draw made the calibration unreachable: use the largest movement.
            p.max_gain
        };
    }

    fn aid_received(&self, side: usize) -> f64 {
        let p = &self.p;
        let mut total = 0.0;
        for a in 0..p.n_actors() {
            if let Some((to, ..)) = p.aid[a] {
                if to == side && self.aid_active[a] {
                    total += self.aid_level[a];
                }
            }
        }
        total
    }

    fn effectiveness(&self, st: &State, side: usize, aid: f64) -> f64 {
        let sd = &self.p.sides[side];
        let ratio = if self.aid0[side] > 0.0 { aid / self.aid0[side] } else { 1.0 };
        let off = if st.week < st.offensive[side].1 { st.offensive[side].0 } else { 1.0 };
        sd.effectiveness * (1.0 - sd.aid_dependence + sd.aid_dependence * ratio) * off
    }

    /// Expected mean drift at intensity 1 for a force ratio.
    fn drift(&self, rho: f64) -> f64 {
        self.v_front * front_shape(rho, self.p.defender_advantage, self.p.gain_steepness)
    }

    /// Runs one simulation. `observer` sees every week and round.
    pub fn run<O: Observer>(&mut self, seed: u64, run_index: u64, observer: &mut O) -> RunSummary {
        self.prepare();
        let mut rng = run_rng(seed, run_index);
        let p_horizon = self.p.horizon;
        let t_dist =
            StudentT::new(self.p.front_tail_dof).unwrap_or_else(|_| StudentT::new(3.0).expect("dof 3 is valid"));
        let drift0 = self.drift(self.p.start_force_ratio());
        let mut st = State {
            week: 0,
            km2: self.p.start_km2,
            forces: [self.p.sides[0].forces, self.p.sides[1].forces],
            economy: [self.p.sides[0].economy, self.p.sides[1].economy],
            cum_cas: [0.0; 2],
            costs: [0.0; 2],
            momentum: 0.0,
            belief: [drift0 + self.p.sides[0].optimism, drift0 - self.p.sides[1].optimism],
            belief_n: [self.p.sides[0].confidence_weeks, self.p.sides[1].confidence_weeks],
            pulse: 0.0,
            offensive: [(1.0, 0); 2],
            guarantee: self.p.guarantee_credibility,
            range_open: false,
            low_weeks: 0,
            rounds: 0,
            breakdowns: 0,
            first_open: None,
            ceasefire_until: None,
            talks_due: false,
        };
        let (kmin, kmax) = (self.p.km2_knots[0].1, self.p.km2_knots[self.p.km2_knots.len() - 1].1);
        let mut next_event = 0usize;
        let mut outcome: Option<OutcomeKind> = None;
        while st.week < p_horizon {
            let t = st.week;
            // Scheduled events.
            while next_event < self.p.events.len() && self.p.events[next_event].week <= t {
                self.apply_event(next_event, &mut st, drift0);
                observer.event(t, &self.p.events[next_event]);
                next_event += 1;
            }
            let month = self.months[t as usize] as usize;
            // A ceasefire: no fighting until it breaks down.
            if let Some(until) = st.ceasefire_until {
                if t < until {
                    let aid = [self.aid_received(0), self.aid_received(1)];
                    observer.week(&self.week_view(&st, 0.0, [0.0; 2], aid, 0.0, true));
                    st.week += 1;
                    continue;
                }
                st.ceasefire_until = None;
                st.breakdowns += 1;
                observer.breakdown(t);
            }
            // Fight.
            let fatigue = (-self.p.fatigue_per_year * t as f64 / 52.0).exp();
            let intensity = self.p.season[month] * fatigue * (1.0 + st.pulse);
            st.pulse *= self.p.escalation_decay;
            let aid = [self.aid_received(0), self.aid_received(1)];
            let eff = [self.effectiveness(&st, 0, aid[0]), self.effectiveness(&st, 1, aid[1])];
            let mut cas = [0.0; 2];
            for (s, c) in cas.iter_mut().enumerate() {
                let o = 1 - s;
                let mean = self.beta[o]
                    * eff[o]
                    * pow(st.forces[o], self.p.exponent_p)
                    * pow(st.forces[s], self.p.exponent_q)
                    * intensity;
                let z: f64 = StandardNormal.sample(&mut rng);
                let sig = self.p.casualty_noise;
                *c = (mean * (sig * z - 0.5 * sig * sig).exp()).min(st.forces[s]);
            }
            let rho = (eff[0] * st.forces[0]) / (eff[1] * st.forces[1]).max(1e-9);
            let shock: f64 = t_dist.sample(&mut rng);
            let mean_gain = intensity * self.drift(rho);
            let raw_gain = mean_gain + self.p.front_noise * intensity.sqrt() * shock;
            let new_km2 = (st.km2 + raw_gain).clamp(kmin, kmax);
            let gain = new_km2 - st.km2;
            st.km2 = new_km2;
            for s in 0..2 {
                let o = 1 - s;
                let sd = &self.p.sides[s];
                st.forces[s] =
                    (st.forces[s] - cas[s] * (1.0 - sd.return_to_duty) + sd.recruitment * st.economy[s]).max(0.0);
                let aid_ratio = if self.aid0[s] > 0.0 { aid[s] / self.aid0[s] } else { 0.0 };
                let damage = self.p.sides[o].strike * intensity;
                st.economy[s] =
                    (st.economy[s] + sd.recovery * (1.0 + aid_ratio) * (1.0 - st.economy[s]) - damage).clamp(0.0, 1.0);
                st.cum_cas[s] += cas[s];
                st.costs[s] += sd.war_cost_per_year / 52.0 * intensity;
            }
            // Aid fatigue and the stop hazard (one draw per active aid line).
            for a in 0..self.p.n_actors() {
                if self.p.aid[a].is_some() && self.aid_active[a] {
                    self.aid_level[a] *= self.aid_decay[a];
                    let u: f64 = rng.random();
                    if u < self.aid_stop[a] {
                        self.aid_active[a] = false;
                    }
                }
            }
            st.momentum = 0.8 * st.momentum + 0.2 * gain;
            // Learn: each side updates its belief about the drift at intensity 1.
            if intensity > 0.05 {
                let z = gain / intensity;
                for s in 0..2 {
                    let lambda = 1.0 - 1.0 / self.p.sides[s].memory_weeks;
                    st.belief_n[s] = lambda * st.belief_n[s] + 1.0;
                    st.belief[s] += (z - st.belief[s]) / st.belief_n[s];
                }
            }
            // End by collapse or low activity?
            for s in 0..2 {
                let sd = &self.p.sides[s];
                if st.forces[s] < sd.collapse_forces_fraction * sd.forces || st.economy[s] < sd.collapse_economy {
                    outcome = Some(if s == 0 { OutcomeKind::CollapseFirst } else { OutcomeKind::CollapseSecond });
                }
            }
            if st.km2 >= self.p.collapse_second_km2 {
                outcome = Some(OutcomeKind::CollapseSecond);
            }
            if st.km2 <= self.p.collapse_first_km2 {
                outcome = Some(OutcomeKind::CollapseFirst);
            }
            st.low_weeks = if intensity < self.p.low_activity_intensity { st.low_weeks + 1 } else { 0 };
            if outcome.is_none() && st.low_weeks >= self.p.low_activity_weeks {
                outcome = Some(OutcomeKind::LowActivity);
            }
            let week_view = self.week_view(&st, gain, cas, aid, intensity, false);
            if let Some(k) = outcome {
                observer.week(&week_view);
                self.set_terms_nodeal(&st);
                return self.summary(&st, k, t);
            }
            // Talk.
            let mut ended = None;
            if (t + 1).is_multiple_of(self.p.cadence) || st.talks_due {
                st.talks_due = false;
                ended = self.talk(&mut st, &mut rng, eff, observer);
            }
            observer.week(&self.week_view(&st, gain, cas, aid, intensity, st.ceasefire_until.is_some()));
            match ended {
                Some(OutcomeKind::Settlement) => return self.summary(&st, OutcomeKind::Settlement, t),
                Some(OutcomeKind::Ceasefire) => {
                    // Breakdown: geometric waiting time from the weekly hazard.
                    let g = st.guarantee * self.p.guarantee_breakdown_reduction;
                    let h_year = self.p.ceasefire_breakdown_per_year * (1.0 - g);
                    let h = 1.0 - (1.0 - h_year.min(0.999_999)).powf(1.0 / 52.0);
                    let u: f64 = rng.random();
                    let wait =
                        if h <= 0.0 { u32::MAX } else { ((1.0 - u).ln() / (1.0 - h).ln()).floor().min(1e9) as u32 + 1 };
                    let until = t.saturating_add(wait);
                    if until >= p_horizon {
                        // Held to the horizon: the weeks of frozen line still reach observers.
                        for w in t + 1..p_horizon {
                            st.week = w;
                            let aid = [self.aid_received(0), self.aid_received(1)];
                            observer.week(&self.week_view(&st, 0.0, [0.0; 2], aid, 0.0, true));
                        }
                        st.week = t;
                        self.set_terms_nodeal(&st);
                        return self.summary(&st, OutcomeKind::Ceasefire, t);
                    }
                    st.ceasefire_until = Some(until);
                }
                _ => {}
            }
            st.week += 1;
        }
        self.set_terms_nodeal(&st);
        self.summary(&st, OutcomeKind::Stalemate, p_horizon)
    }

    fn week_view(
        &self,
        st: &State,
        gain: f64,
        cas: [f64; 2],
        aid: [f64; 2],
        intensity: f64,
        ceasefire: bool,
    ) -> WeekView {
        WeekView {
            week: st.week,
            km2: st.km2,
            index: self.p.km2_to_index(st.km2),
            gain,
            casualties: cas,
            cum_casualties: st.cum_cas,
            forces: st.forces,
            economy: st.economy,
            aid,
            belief: st.belief,
            intensity,
            range_open: st.range_open,
            ceasefire,
        }
    }

    fn summary(&self, st: &State, kind: OutcomeKind, week: u32) -> RunSummary {
        RunSummary {
            kind,
            week,
            km2: st.km2,
            index: self.p.km2_to_index(st.km2),
            casualties: st.cum_cas,
            costs: st.costs,
            rounds: st.rounds,
            breakdowns: st.breakdowns,
            first_open_week: st.first_open,
        }
    }

    fn set_terms_nodeal(&mut self, st: &State) {
        for k in 0..self.p.n_issues() {
            self.terms[k] = if Some(k) == self.p.territorial { self.p.km2_to_index(st.km2) } else { self.p.no_deal[k] };
        }
    }

    fn apply_event(&mut self, i: usize, st: &mut State, drift0: f64) {
        let m = self.p.n_issues();
        let e = &self.p.events[i];
        match e.kind {
            EventKind::AidPackage => {
                if let Some(a) = e.actor {
                    self.aid_level[a] += e.amount;
                    self.aid_active[a] = self.aid_level[a] > 0.0;
                }
            }
            EventKind::AidStop => {
                if let Some(a) = e.actor {
                    self.aid_active[a] = false;
                }
            }
            EventKind::AidLevel => {
                if let Some(a) = e.actor {
                    self.aid_level[a] = e.amount;
                    self.aid_active[a] = e.amount > 0.0;
                }
            }
            EventKind::Election | EventKind::LeadershipChange => {
                if let Some(a) = e.actor {
                    for &(k, x) in &e.positions {
                        self.pos[a * m + k] = x;
                    }
                    if let Some(r) = e.resolve {
                        self.resolve[a] = r.max(1e-6);
                    }
                    if e.kind == EventKind::LeadershipChange {
                        if let Some(s) = self.p.side_of[a] {
                            if self.p.role[a] == Role::Belligerent {
                                let opt = e.optimism.unwrap_or(self.p.sides[s].optimism);
                                let sign = if s == 0 { 1.0 } else { -1.0 };
                                st.belief[s] = drift0 + sign * opt;
                                st.belief_n[s] = self.p.sides[s].confidence_weeks;
                            }
                        }
                    }
                }
                st.talks_due = true;
            }
            EventKind::Offensive => {
                if let Some(s) = e.side {
                    st.offensive[s] = (e.amount.max(0.0), st.week + e.weeks);
                }
            }
            EventKind::GuaranteeOffer => {
                st.guarantee = e.credibility;
                st.talks_due = true;
            }
            EventKind::Talks => st.talks_due = true,
        }
    }

    /// Anticipated change over the next commitment period from foreseen aid events:
    /// (loss of the probability of prevailing per side, change of drift, week it starts).
    fn anticipated(&self, st: &State, eff_now: [f64; 2]) -> ([f64; 2], f64, u32) {
        let p = &self.p;
        let mut level: [f64; 2] = [self.aid_received(0), self.aid_received(1)];
        let mut first = u32::MAX;
        let mut any = false;
        for e in &p.events {
            if !e.anticipated || e.week <= st.week || e.week > st.week + 52 {
                continue;
            }
            let Some(a) = e.actor else { continue };
            let Some((to, ..)) = p.aid[a] else { continue };
            let cur = if self.aid_active[a] { self.aid_level[a] } else { 0.0 };
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
            if self.aid0[s] > 0.0 {
                let now_ratio = self.aid_received(s) / self.aid0[s];
                let after_ratio = level[s].max(0.0) / self.aid0[s];
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

    /// One talk round. Returns `Some(Settlement | Ceasefire)` if the war stops.
    fn talk<O: Observer>(
        &mut self,
        st: &mut State,
        rng: &mut ChaCha8Rng,
        eff: [f64; 2],
        observer: &mut O,
    ) -> Option<OutcomeKind> {
        st.rounds += 1;
        let (n, m) = (self.p.n_actors(), self.p.n_issues());
        let terr = self.p.territorial.unwrap_or(0);
        let line = self.p.km2_to_index(st.km2);
        for k in 0..m {
            self.nodeal[k] = if k == terr { line } else { self.p.no_deal[k] };
        }
        let rho = (eff[0] * st.forces[0]) / (eff[1] * st.forces[1]).max(1e-9);
        let q = [talk::prevail(rho), 1.0 - talk::prevail(rho)];
        let (exo_loss, ddrift, ev_week) = self.anticipated(st, eff);
        // Value of war per belligerent (Fearon's p − c, made dynamic).
        let h = self.p.valuation_horizon;
        let fatigue = (-self.p.fatigue_per_year * st.week as f64 / 52.0).exp();
        let mut vwar = [0.0; 2];
        let noise_var =
            if self.p.front_tail_dof > 2.0 { self.p.front_tail_dof / (self.p.front_tail_dof - 2.0) } else { 9.0 };
        let (kmin, kmax) = (self.p.km2_knots[0].1, self.p.km2_knots[self.p.km2_knots.len() - 1].1);
        for s in 0..2 {
            let a = self.p.sides[s].belligerent;
            let after = if ev_week == u32::MAX { 0.0 } else { ((h - (ev_week - st.week) as f64) / h).clamp(0.0, 1.0) };
            let drift = st.belief[s] + ddrift * after;
            let k_hat = (st.km2 + h * fatigue * drift).clamp(kmin, kmax);
            let sd_w = self.p.front_noise * noise_var.sqrt();
            let sd_k = (h * sd_w * sd_w + h * h * sd_w * sd_w / st.belief_n[s].max(1e-9)).sqrt().max(1e-9);
            let l_hat = self.p.km2_to_index(k_hat);
            let dl =
                (self.p.km2_to_index((k_hat + sd_k).min(kmax)) - self.p.km2_to_index((k_hat - sd_k).max(kmin))) / 2.0;
            let mut u = 0.0;
            for k in 0..m {
                let x = if k == terr { l_hat } else { self.nodeal[k] };
                u -= self.nsal[a * m + k] * (x - self.pos[a * m + k]).abs() / 100.0;
            }
            let cost = h / 52.0 * fatigue * self.p.sides[s].war_cost_per_year / self.resolve[a];
            let risk = self.p.risk[a] * self.nsal[a * m + terr] * dl / 100.0;
            let p_collapse = if s == 1 && self.p.collapse_second_km2.is_finite() {
                1.0 - norm_cdf((self.p.collapse_second_km2 - k_hat) / sd_k)
            } else if s == 0 && self.p.collapse_first_km2.is_finite() {
                norm_cdf((self.p.collapse_first_km2 - k_hat) / sd_k)
            } else {
                0.0
            };
            vwar[s] = u - cost - risk - p_collapse;
        }
        // Leverage: capability scaled by battlefield momentum.
        let scale = self.p.calibrated_gain.abs().max(self.p.front_noise).max(1.0);
        let mom = (st.momentum / scale).clamp(-3.0, 3.0);
        let lev = [
            self.p.capability[self.p.sides[0].belligerent] * (self.p.momentum_leverage * mom).exp(),
            self.p.capability[self.p.sides[1].belligerent] * (-self.p.momentum_leverage * mom).exp(),
        ];
        let g = st.guarantee;
        // The mediator's proposal: the weighted Nash product over the frontier, if any deal
        // beats war for both; otherwise the compromise of current positions.
        let ctx =
            talk::UtilityContext { p: &self.p, pos: &self.pos, nsal: &self.nsal, nodeal: &self.nodeal, guarantee: g };
        let found = self.frontier.solve(
            &ctx,
            [self.p.sides[0].belligerent, self.p.sides[1].belligerent],
            vwar,
            lev,
            &mut self.segments,
            &mut self.deal,
        );
        let range_open = found.range_open;
        st.range_open = range_open;
        if range_open && st.first_open.is_none() {
            st.first_open = Some(st.week);
        }
        let compromise = !found.solved;
        if compromise {
            self.collective_forecast();
            self.deal.copy_from_slice(&self.forecast);
        }
        // Supporters' amendments.
        self.amended.copy_from_slice(&self.deal);
        for j in 0..n {
            if self.p.amends[j] {
                for k in 0..m {
                    let s = self.p.salience[j * m + k];
                    self.amended[k] += self.p.amendment_strength * s * (self.pos[j * m + k] - self.amended[k]);
                }
            }
        }
        // Acceptance by veto players, with Powell's commitment check.
        self.decisions.clear();
        let mut all = true;
        for a in 0..n {
            if !self.p.veto[a] {
                continue;
            }
            let ctx = talk::UtilityContext {
                p: &self.p,
                pos: &self.pos,
                nsal: &self.nsal,
                nodeal: &self.nodeal,
                guarantee: g,
            };
            let u = ctx.deal_utility(a, &self.amended);
            let (v, commitment_ok) = match self.p.side_of[a].filter(|_| self.p.role[a] == Role::Belligerent) {
                Some(s) => {
                    let deal_loss = ctx.power_loss(a, &self.amended);
                    let delta = (exo_loss[s] + (1.0 - g) * deal_loss - g * self.p.guarantee_power).max(0.0);
                    let c = self.p.sides[s].war_cost_per_year / self.resolve[a];
                    let dlt = self.p.commitment_discount;
                    (vwar[s], dlt * delta <= (1.0 - dlt) * (1.0 - q[s] + c))
                }
                None => (ctx.base_utility(a, &self.nodeal), true),
            };
            let margin = u - v;
            let pr = 1.0 / (1.0 + (-margin / self.p.acceptance_noise).exp());
            let draw: f64 = rng.random();
            let accepted = commitment_ok && draw < pr;
            all &= accepted;
            self.decisions.push(Decision { actor: a, margin, accepted, commitment_ok });
        }
        let mut cf_margins = None;
        let mut ceasefire = false;
        if !all {
            // Fallback: a ceasefire at the line, if both belligerents prefer it to war.
            let ctx = talk::UtilityContext {
                p: &self.p,
                pos: &self.pos,
                nsal: &self.nsal,
                nodeal: &self.nodeal,
                guarantee: g,
            };
            let mut mg = [0.0; 2];
            let mut both = true;
            for s in 0..2 {
                let a = self.p.sides[s].belligerent;
                // A freeze accepts the line: conceding it past a public red line costs the
                // same audience cost as a deal would.
                let terr_aud = ctx.issue_utility_audience(a, terr, self.nodeal[terr]);
                mg[s] = ctx.base_utility(a, &self.nodeal) + terr_aud - vwar[s];
                let pr = 1.0 / (1.0 + (-mg[s] / self.p.acceptance_noise).exp());
                let draw: f64 = rng.random();
                both &= draw < pr;
            }
            cf_margins = Some(mg);
            ceasefire = both;
        }
        observer.round(&RoundView {
            week: st.week,
            proposal: &self.deal,
            amended: &self.amended,
            compromise,
            range_open,
            values_of_war: vwar,
            decisions: &self.decisions,
            ceasefire_margins: cf_margins,
            settled: all,
            ceasefire,
        });
        if all {
            self.terms.copy_from_slice(&self.amended);
            return Some(OutcomeKind::Settlement);
        }
        if ceasefire {
            return Some(OutcomeKind::Ceasefire);
        }
        // No deal: concessions toward the round's collective forecast; the side losing ground
        // concedes faster, the side gaining hardens. Public red lines are never crossed.
        // The compromise proposal already computed it from these same positions.
        if !compromise {
            self.collective_forecast();
        }
        for a in 0..n {
            let base = self.p.concession_rate;
            let rate = match (self.p.role[a], self.p.side_of[a]) {
                (Role::Belligerent, Some(s)) => {
                    let own = if s == 0 { mom } else { -mom };
                    base * (1.0 - self.p.momentum_hardening * own.clamp(-1.0, 1.0)).clamp(0.0, 2.0)
                }
                _ => base,
            };
            for k in 0..m {
                let i = a * m + k;
                let mut x = self.pos[i] + rate * (self.forecast[k] - self.pos[i]);
                let r = if self.p.follows_line[a] && Some(k) == self.p.territorial {
                    self.nodeal[k]
                } else {
                    self.p.red_line[i]
                };
                if r.is_finite() {
                    x = if self.p.position[i] >= r { x.max(r) } else { x.min(r) };
                }
                self.pos[i] = x;
            }
        }
        // Failed talks can trigger an escalation pulse.
        let u: f64 = rng.random();
        if u < self.p.escalation_probability {
            st.pulse += self.p.escalation_pulse;
        }
        None
    }

    /// The collective forecast of current positions (compromise or median), into `forecast`.
    fn collective_forecast(&mut self) {
        let (n, m) = (self.p.n_actors(), self.p.n_issues());
        for k in 0..m {
            let mut c = 0;
            for a in 0..n {
                if self.p.role[a] == Role::Bystander {
                    continue;
                }
                self.tmp_x[c] = self.pos[a * m + k];
                self.tmp_w[c] = self.p.capability[a] * self.p.salience[a * m + k];
                c += 1;
            }
            let (x, w) = (&self.tmp_x[..c], &self.tmp_w[..c]);
            self.forecast[k] = match self.p.collective_model {
                crate::scenario::CollectiveModel::Mean => truce_bargain::mean::weighted_mean(x, w),
                crate::scenario::CollectiveModel::Median => {
                    truce_bargain::median::weighted_median(x, w, truce_bargain::median::TieRule::Lower)
                }
            }
            .unwrap_or(self.nodeal[k]);
        }
    }
}
