//! KTAB's Spatial Model of Politics (SMP): a turn-based model of multi-actor bargaining in which
//! actors challenge each other, form bargains by interpolation and adopt, each turn, the bargain
//! that wins a probabilistic Condorcet election (PCE) among all actors.
//!
//! # Sources
//!
//! Implemented from the specification in `docs/reference/bargaining-models.md` §6, which
//! describes the KAPSARC Toolkit for Behavioral Analysis (KTAB, © 2015 KAPSARC, MIT licence,
//! commit c57b72a0743e8e88da128552c6f8e6459645c53e: `kmodel/libsrc/kmodel.cpp`,
//! `examples/smp/libsrc/smp*.cpp`) and the model of B. P. Wise and S. Bankes ("Non-spatial
//! Probabilistic Condorcet Election Methodology", 2015). The SOE test data are from Efird,
//! Lester & Wise (2016), *Journal of East Asian Studies* 16:117–145.
//!
//! # What this module is for, and what it must never do
//!
//! [`Smp`] runs the model on an [`ActorTable`] (positions on each issue's scale, mapped to
//! [0, 1]; saliences on [0, 1]; capabilities as given) and returns one [`Round`](crate::Round)
//! per turn, turn 0 being the input. The lower-level [`run`] returns the full per-turn state
//! (positions, risk attitudes, unique positions and their probabilities). Like the whole crate,
//! this module does no I/O, spawns no threads and never reads the clock; the only randomness is
//! the stochastic state transition, drawn from a ChaCha8 generator seeded by
//! [`SolveContext::seed`].
//!
//! With the default parameters the run is deterministic and reproduces KTAB's own per-turn output
//! (positions within 0.01 on 0–100, probabilities within 1e−3; see `tests/smp.rs`).
//!
//! # Complexity
//!
//! KTAB evaluates every challenge from every actor's perspective for its logs (O(N⁴) per turn).
//! Only h = i (the initiator's own view, `probEduChlg(i, i, i, j)`) enters the decision, so this
//! implementation is O(N³ + N²·m) per turn: the risk PCE over all positions, the challenge
//! evaluations (O(N) per pair) and the queue elections (each voter's state value for a bargain
//! differs from its status-quo value in two terms only, O(1) per voter and bargain after an
//! O(N·m) precomputation per bargain). Buffers are flat struct-of-arrays reused across turns.
//!
//! # Choices and tie rules
//!
//! - Queue order (KTAB: thread scheduling): status quo, the actor's own proposal(s), then incoming
//!   proposals by initiator index. Deterministic winners: first maximum.
//! - Target ties: lowest target index. Unique positions: Euclidean distance < 1e−3 on [0, 1] to
//!   the representative (first actor) of an earlier unique position.
//! - `Round::forecast` is the position, on the issue, of the most probable unique position of
//!   the state (first on ties).
//! - `PropBin` votes w·(0.8Δ + 0.2·clamp(Δ/1e−8, −1, 1)) (the spec's "bin" read without a second
//!   weight factor).
//! - Stochastic transitions draw one uniform number per actor whose queue has more than one
//!   bargain, actors in index order, from `ChaCha8Rng::seed_from_u64(ctx.seed)` (reproducible,
//!   unlike KTAB, whose resolver threads share a generator).
//! - Ideals: CSV input gives KTAB an identity accommodation matrix, so ideals equal positions
//!   every turn; this implementation does the same (no accommodation matrix is exposed).
//!
//! # Known KTAB defects (§6.16) and what `ktab_compatible` keeps
//!
//! | Defect | `ktab_compatible = true` (default) | `false` |
//! |---|---|---|
//! | NoCommit ≡ FullCommit: a third party's two "join" values coincide, so it never votes | kept: only the principals count | the third party votes its sincere little-contest preference v⁰ |
//! | InitRcvrInterp / PWCompInterp use the utility change of `probEduChlg(j, i, i, j)` as a probability (`pjiJ`) | kept | j's estimated probability P_j(i ≻ j) |
//! | PWCompInterp weights j's bargain with i's capability | kept (plain average) | weights c_i, c_j |
//! | No guard for pMax = pMin in the risk attitudes (KTAB divides by zero) | clean `ModelError` | every R_i = 0 |
//! | KTAB throws when risk-aware and risk-neutral utilities coincide (‖u⁰ − u^R‖ ≤ 1e−6) | clean `ModelError` | no error |
//! | KTAB requires at least 3 actors | enforced | 2 actors allowed |
//!
//! With `ktab_compatible`, a bargain that this defect pushes off the issue scale (or makes
//! non-finite) is a clean `ModelError`. The details of the two non-default bargain models beyond
//! the specification are truce's reading: InitRcvrInterp queues both bargains (initiator's view
//! first) in both queues; PWCompInterp averages the two bargains coordinate by coordinate, with
//! no further rounding.
//!
//! In both modes a capability ≤ 0 or above KTAB's 1e8 ([`MAX_CAPABILITY`]), an actor with zero
//! total salience, a total salience above 1, a missing cell or a position outside the issue's
//! scale is a clean [`ModelError::Actor`] naming the actor (KTAB rejects them, partly by
//! throwing). [`Smp::solve`] refuses tables whose run could exceed the work limits of
//! [`crate::limits`] before it starts ([`check_limits`]). `VPModel` never affects challenge probabilities (KTAB: always
//! linear), kept in both modes as it is a modelling choice rather than a bug.

use crate::model::{
    round_from_view, BargainingModel, Diagnostics, IssueSolution, ModelError, OutcomeProbability, Solution,
    SolveContext,
};
use crate::table::ActorTable;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// KTAB's largest capability (`SMPModel::csvRead`); larger ones would overflow the octic
/// victory probabilities.
pub const MAX_CAPABILITY: f64 = 1e8;

/// KTAB's maximum number of turns (steps after the input state).
pub const MAX_TURNS: usize = 100;
/// Stop when the step's movement falls below this fraction of the first step's (from step 2).
pub const STOP_RATIO: f64 = 0.02;
/// Positions closer than this (Euclidean, on [0, 1]) are one unique position.
pub const POS_TOL: f64 = 1e-3;
/// Minimum expected gain for a challenge to be proposed.
pub const MIN_GAIN: f64 = 1e-5;
const MIN_CLTN: f64 = 1e-8;
const MIN_CHLG_CLTN: f64 = 1e-10;

/// Function f in the victory probability P(a ≻ b) = f(C_ab) / (f(C_ab) + f(C_ba)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VictoryProbModel {
    /// f(x) = x (KTAB default).
    #[default]
    Linear,
    /// f(x) = x².
    Square,
    /// f(x) = x⁴.
    Quartic,
    /// f(x) = x⁸.
    Octic,
    /// Near-deterministic: the side with 1.1× the other's strength wins.
    Binary,
}

/// How pairwise victory probabilities become option probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(clippy::upper_case_acronyms)]
pub enum PCEModel {
    /// P(a) ∝ Π_b P(a ≻ b) (KTAB default).
    #[default]
    Conditional,
    /// Markov chain with challenge probabilities proportional to incentives (Wise).
    MarkovIncentive,
    /// Markov chain with uniform challenge probabilities.
    MarkovUniform,
}

/// How the winning bargain of each queue is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StateTransitions {
    /// The most probable bargain, first on ties (KTAB default).
    #[default]
    Deterministic,
    /// A draw from the bargains' probabilities (seeded by `SolveContext::seed`).
    Stochastic,
}

/// Voter response v_k(a : b) to a utility difference Δ with weight w.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VotingRule {
    /// w · clamp(Δ / 1e−8, −1, 1).
    Binary,
    /// w · (0.8Δ + 0.2·clamp(Δ / 1e−8, −1, 1)).
    PropBin,
    /// w · Δ (KTAB default).
    #[default]
    Prop,
    /// w · (0.5Δ + 0.5Δ³).
    PropCbc,
    /// w · Δ³.
    Cubic,
    /// w · Δ for losses, (2/3) w · Δ for gains.
    ASymProsp,
}

/// h's estimate R^h_i of actor i's risk attitude.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BigRAdjust {
    /// R_h (h projects its own attitude).
    None,
    /// (2R_h + R_i)/3 (KTAB default).
    #[default]
    OneThird,
    /// (R_h + R_i)/2.
    Half,
    /// (R_h + 2R_i)/3.
    TwoThirds,
    /// R_i (exact knowledge).
    Full,
}

/// Range of the risk attitudes computed from position probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BigRRange {
    /// [0, 1].
    Min,
    /// [−½, 1] (KTAB default).
    #[default]
    Mid,
    /// [−1, 1].
    Max,
}

/// What a third party expects when it joins one side of a challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThirdPartyCommit {
    /// Never moves (identical join values: see the defects table).
    NoCommit,
    /// Moves only when on the losing side (KTAB default).
    #[default]
    SemiCommit,
    /// Always ends at the winner (identical join values: see the defects table).
    FullCommit,
}

/// How a bargain point is interpolated between initiator and target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InterVecBrgn {
    /// Weights s·p, rounded to 4 decimals on [0, 1].
    S1P1,
    /// Weights s²·p², rounded to 4 decimals on [0, 1] (KTAB default).
    #[default]
    S2P2,
    /// The less likely winner moves toward the more likely one; no rounding.
    S2PMax,
}

/// Whose view of the challenge forms the bargain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BargnModel {
    /// The initiator's probability only (KTAB default).
    #[default]
    InitOnlyInterp,
    /// Also queue the bargain from the target's view.
    InitRcvrInterp,
    /// Power-weighted average of the initiator's and the target's bargains.
    PWCompInterp,
}

/// The nine KTAB SMP parameters (defaults = KTAB's) plus the defect switch and the turn limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SmpParams {
    /// Victory probability model of the elections (not of challenges).
    pub vpm: VictoryProbModel,
    /// Probabilistic Condorcet election model.
    pub pcem: PCEModel,
    /// Deterministic or stochastic choice of each queue's winner.
    pub stm: StateTransitions,
    /// Voting rule of every coalition (`vrCltn`).
    pub vr_cltn: VotingRule,
    /// Perception of other actors' risk attitudes.
    pub big_r_adj: BigRAdjust,
    /// Range of the risk attitudes.
    pub big_r_rng: BigRRange,
    /// Third-party commitment in challenges.
    pub tp_commit: ThirdPartyCommit,
    /// Bargain interpolation.
    pub iv_brgn: InterVecBrgn,
    /// Whose view forms the bargain.
    pub brgn_mod: BargnModel,
    /// Keep KTAB's behaviour where it has known defects (see the module doc).
    pub ktab_compatible: bool,
    /// Maximum number of turns (KTAB: 100); `SolveContext::rounds` may lower it.
    pub max_turns: usize,
}

impl Default for SmpParams {
    fn default() -> Self {
        SmpParams {
            vpm: VictoryProbModel::default(),
            pcem: PCEModel::default(),
            stm: StateTransitions::default(),
            vr_cltn: VotingRule::default(),
            big_r_adj: BigRAdjust::default(),
            big_r_rng: BigRRange::default(),
            tp_commit: ThirdPartyCommit::default(),
            iv_brgn: InterVecBrgn::default(),
            brgn_mod: BargnModel::default(),
            ktab_compatible: true,
            max_turns: MAX_TURNS,
        }
    }
}

/// KTAB's Spatial Model of Politics as a [`BargainingModel`] (name `smp`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Smp {
    /// Model parameters.
    pub params: SmpParams,
}

/// The state of one turn (turn 0 = input), on the model's [0, 1] scale.
#[derive(Debug, Clone, PartialEq)]
pub struct SmpTurn {
    /// Positions, actor-major: `positions[i * n_dims + d]`.
    pub positions: Vec<f64>,
    /// Risk attitude R_i of each actor in this state.
    pub risk: Vec<f64>,
    /// Representative actor of each unique position.
    pub unique_reps: Vec<usize>,
    /// Index (into `unique_reps`) of the unique position each actor holds.
    pub unique_of: Vec<usize>,
    /// Probability of each unique position.
    pub unique_prob: Vec<f64>,
    /// Probability of the unique position each actor holds.
    pub actor_prob: Vec<f64>,
}

/// The result of [`run`].
#[derive(Debug, Clone, PartialEq)]
pub struct SmpRun {
    /// Number of actors.
    pub n_actors: usize,
    /// Number of dimensions (issues).
    pub n_dims: usize,
    /// One entry per state, turn 0 first.
    pub turns: Vec<SmpTurn>,
    /// `fractional_change[t − 1]` = D(s_{t−1}, s_t) / (D(s_0, s_1) + 1e−4) for t = 1…T.
    pub fractional_change: Vec<f64>,
}

// ---------------------------------------------------------------------------------------------
// Voting rules, monomorphised so that the hot loops carry no dispatch.

trait Rule {
    fn vote(w: f64, du: f64) -> f64;
}
struct RBinary;
struct RPropBin;
struct RProp;
struct RPropCbc;
struct RCubic;
struct RASym;
impl Rule for RBinary {
    #[inline(always)]
    fn vote(w: f64, du: f64) -> f64 {
        w * (du / 1e-8).clamp(-1.0, 1.0)
    }
}
impl Rule for RPropBin {
    #[inline(always)]
    fn vote(w: f64, du: f64) -> f64 {
        w * (0.8 * du + 0.2 * (du / 1e-8).clamp(-1.0, 1.0))
    }
}
impl Rule for RProp {
    #[inline(always)]
    fn vote(w: f64, du: f64) -> f64 {
        w * du
    }
}
impl Rule for RPropCbc {
    #[inline(always)]
    fn vote(w: f64, du: f64) -> f64 {
        w * (0.5 * du + 0.5 * du * du * du)
    }
}
impl Rule for RCubic {
    #[inline(always)]
    fn vote(w: f64, du: f64) -> f64 {
        w * du * du * du
    }
}
impl Rule for RASym {
    #[inline(always)]
    fn vote(w: f64, du: f64) -> f64 {
        if du < 0.0 {
            w * du
        } else {
            (2.0 / 3.0) * w * du
        }
    }
}

macro_rules! with_rule {
    ($vr:expr, $R:ident, $body:expr) => {
        match $vr {
            VotingRule::Binary => {
                type $R = RBinary;
                $body
            }
            VotingRule::PropBin => {
                type $R = RPropBin;
                $body
            }
            VotingRule::Prop => {
                type $R = RProp;
                $body
            }
            VotingRule::PropCbc => {
                type $R = RPropCbc;
                $body
            }
            VotingRule::Cubic => {
                type $R = RCubic;
                $body
            }
            VotingRule::ASymProsp => {
                type $R = RASym;
                $body
            }
        }
    };
}

/// KTAB's utility of distance d with risk attitude r.
#[inline(always)]
fn util(d: f64, r: f64) -> f64 {
    if d <= 1.0 {
        (1.0 - d) * (1.0 + d * r)
    } else {
        (1.0 - d) * (1.0 + r)
    }
}

#[inline(always)]
fn round4(y: f64) -> f64 {
    (y * 1e4 + 0.5).floor() / 1e4
}

#[inline]
fn blend(adj: BigRAdjust, rh: f64, ri: f64) -> f64 {
    match adj {
        BigRAdjust::None => rh,
        BigRAdjust::OneThird => (2.0 * rh + ri) / 3.0,
        BigRAdjust::Half => (rh + ri) / 2.0,
        BigRAdjust::TwoThirds => (rh + 2.0 * ri) / 3.0,
        BigRAdjust::Full => ri,
    }
}

#[inline]
fn vprob(vpm: VictoryProbModel, cab: f64, cba: f64) -> f64 {
    match vpm {
        VictoryProbModel::Linear => cab / (cab + cba),
        VictoryProbModel::Square => {
            let (a, b) = (cab * cab, cba * cba);
            a / (a + b)
        }
        VictoryProbModel::Quartic => {
            let (a, b) = (cab.powi(4), cba.powi(4));
            a / (a + b)
        }
        VictoryProbModel::Octic => {
            let (a, b) = (cab.powi(8), cba.powi(8));
            a / (a + b)
        }
        VictoryProbModel::Binary => {
            const SIG: f64 = 1.1;
            if cab >= SIG * cba {
                1.0 / (1.0 + 1e-6)
            } else if cba >= SIG * cab {
                1e-6 / (1.0 + 1e-6)
            } else {
                let r = cab / (cab + cba);
                (r * (SIG + 1.0) - 1.0) / (SIG - 1.0)
            }
        }
    }
}

/// Reusable buffers of a probabilistic Condorcet election.
#[derive(Default)]
struct Pce {
    c: Vec<f64>,
    pv: Vec<f64>,
    p: Vec<f64>,
    q: Vec<f64>,
    aux: Vec<f64>,
}

impl Pce {
    /// `scalarPCE`: `n` voters with weights `w`, `m` options, utilities option-major
    /// (`ut[a * n + k]` = U(k, a)). The result is left in `self.p`.
    fn run(&mut self, prm: &SmpParams, n: usize, m: usize, w: &[f64], ut: &[f64]) -> Result<(), ModelError> {
        self.c.clear();
        self.c.resize(m * m, 0.0);
        with_rule!(prm.vr_cltn, R, coalitions::<R>(n, m, w, ut, &mut self.c));
        self.pv.clear();
        self.pv.resize(m * m, 0.0);
        for a in 0..m {
            for b in 0..m {
                self.pv[a * m + b] = vprob(prm.vpm, self.c[a * m + b], self.c[b * m + a]);
            }
        }
        self.p.clear();
        self.p.resize(m, 1.0 / m as f64);
        match prm.pcem {
            PCEModel::Conditional => {
                for a in 0..m {
                    let mut pa = 1.0;
                    for b in 0..m {
                        pa *= self.pv[a * m + b];
                    }
                    self.p[a] = pa;
                }
                normalise(&mut self.p);
            }
            PCEModel::MarkovUniform => {
                self.q.clear();
                self.q.resize(m, 0.0);
                for _ in 0..100_000 {
                    let mut diff = 0.0f64;
                    for a in 0..m {
                        let mut qa = 0.0;
                        for b in 0..m {
                            qa += self.pv[a * m + b] * (self.p[a] + self.p[b]);
                        }
                        self.q[a] = qa / m as f64;
                        diff = diff.max((self.q[a] - self.p[a]).abs());
                    }
                    for a in 0..m {
                        self.p[a] = (self.p[a] + self.q[a]) / 2.0;
                    }
                    if diff < 1e-6 {
                        break;
                    }
                }
                normalise(&mut self.p);
            }
            PCEModel::MarkovIncentive => {
                // aux[a * m + b] = P[a → b], the probability that a is the one challenging b.
                self.aux.clear();
                self.aux.resize(m * m, 0.0);
                for b in 0..m {
                    let mut tot = 0.0;
                    for a in 0..m {
                        let mut inc = self.c[a * m + b] * self.pv[a * m + b];
                        if a == b {
                            inc += 1e-10;
                        }
                        self.aux[a * m + b] = inc;
                        tot += inc;
                    }
                    for a in 0..m {
                        self.aux[a * m + b] /= tot;
                    }
                }
                self.q.clear();
                self.q.resize(m, 0.0);
                for _ in 0..100_000 {
                    let mut diff = 0.0f64;
                    for i in 0..m {
                        let mut qi = 0.0;
                        for j in 0..m {
                            let ct_ij = self.p[i] * self.aux[j * m + i];
                            let ct_ji = self.p[j] * self.aux[i * m + j];
                            qi += self.pv[i * m + j] * (ct_ij + ct_ji);
                        }
                        self.q[i] = qi;
                        diff = diff.max((qi - self.p[i]).abs());
                    }
                    for i in 0..m {
                        self.p[i] = (self.p[i] + self.q[i]) / 2.0;
                    }
                    if diff < 1e-8 {
                        break;
                    }
                }
                normalise(&mut self.p);
            }
        }
        if self.p.iter().all(|p| p.is_finite() && *p >= 0.0) {
            Ok(())
        } else {
            Err(err("the probabilistic Condorcet election degenerated (all option products \
                 underflowed or a probability is not finite)"))
        }
    }
}

fn normalise(p: &mut [f64]) {
    let s: f64 = p.iter().sum();
    for x in p {
        *x /= s;
    }
}

/// KTAB's `coalitions`: C(a, b) = 1e−8 + Σ_k max(v_k(a:b), 0), summed over voters in order.
fn coalitions<R: Rule>(n: usize, m: usize, w: &[f64], ut: &[f64], c: &mut [f64]) {
    for a in 0..m {
        let ua = &ut[a * n..(a + 1) * n];
        for b in 0..a {
            let ub = &ut[b * n..(b + 1) * n];
            let (mut cab, mut cba) = (MIN_CLTN, MIN_CLTN);
            for k in 0..n {
                let v = R::vote(w[k], ua[k] - ub[k]);
                cab += v.max(0.0);
                cba += (-v).max(0.0);
            }
            c[a * m + b] = cab;
            c[b * m + a] = cba;
        }
        c[a * m + a] = MIN_CLTN;
    }
}

/// `probEduChlg(h, k, i, j)` given h's utilities U(n, i), U(n, j), U(n, n) for every n.
/// Returns (P_h(i ≻ j), expected utility change for k).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn chlg_core<R: Rule>(
    prm: &SmpParams,
    k: usize,
    i: usize,
    j: usize,
    sc: &[f64],
    s_tot: &[f64],
    uni: &[f64],
    unj: &[f64],
    unn: &[f64],
) -> (f64, f64) {
    let n_act = sc.len();
    let eu_sq = uni[k] + unj[k];
    let eu_vict = 2.0 * uni[k];
    let eu_def = 2.0 * unj[k];
    let vi = R::vote(sc[i], uni[i] - unj[i]);
    let vj = R::vote(sc[j], uni[j] - unj[j]);
    let (mut cij, mut cji) = (MIN_CHLG_CLTN, MIN_CHLG_CLTN);
    cij += vi.max(0.0);
    cji += (-vi).max(0.0);
    cij += vj.max(0.0);
    cji += (-vj).max(0.0);
    let (pij0, pji0) = (cij, cji);
    let sincere = !prm.ktab_compatible && prm.tp_commit != ThirdPartyCommit::SemiCommit;
    for n in 0..n_act {
        if n == i || n == j {
            continue;
        }
        let (a, b, c0) = (uni[n], unj[n], unn[n]);
        let v0 = R::vote(sc[n], a - b);
        let vn = if sincere {
            v0
        } else {
            let cp = pij0 + v0.max(0.0);
            let cm = pji0 + (-v0).max(0.0);
            let pi = cp / (cp + cm);
            let (eui, euj) = match prm.tp_commit {
                ThirdPartyCommit::SemiCommit => {
                    (pi * (2.0 * a + c0) + (1.0 - pi) * 3.0 * b, pi * 3.0 * a + (1.0 - pi) * (2.0 * b + c0))
                }
                ThirdPartyCommit::NoCommit => {
                    let e = pi * (2.0 * a + c0) + (1.0 - pi) * (2.0 * b + c0);
                    (e, e)
                }
                ThirdPartyCommit::FullCommit => {
                    let e = pi * 3.0 * a + (1.0 - pi) * 3.0 * b;
                    (e, e)
                }
            };
            R::vote(sc[n], eui - euj)
        };
        cij += vn.max(0.0);
        cji += (-vn).max(0.0);
    }
    let p = cij / (cij + cji);
    let sj = s_tot[j];
    let eu_chlg = (1.0 - sj) * eu_vict + sj * (p * eu_vict + (1.0 - p) * eu_def);
    (p, eu_chlg - eu_sq)
}

/// Per-run data and reusable per-turn buffers (flat, struct of arrays).
struct Engine {
    prm: SmpParams,
    n: usize,
    m: usize,
    cap: Vec<f64>,
    sal: Vec<f64>,
    inv_s2: Vec<f64>,
    s_tot: Vec<f64>,
    sc: Vec<f64>,
    x: Vec<f64>,
    ideal: Vec<f64>,
    // Per-turn state.
    vdt: Vec<f64>,
    risk: Vec<f64>,
    rself: Vec<f64>,
    reps: Vec<usize>,
    uof: Vec<usize>,
    uprob: Vec<f64>,
    aprob: Vec<f64>,
    // Scratch.
    ut: Vec<f64>,
    pce: Pce,
    rh: Vec<f64>,
    uni: Vec<f64>,
    unj: Vec<f64>,
    unn: Vec<f64>,
    // Step scratch: bargains, queues (CSR: `q_start[k]..q_start[k + 1]` into `q_items`),
    // status-quo sums, bargain values, new positions, bargain points.
    bg: Bargains,
    q_start: Vec<usize>,
    q_items: Vec<usize>,
    q_fill: Vec<usize>,
    sq: Vec<f64>,
    vb: Vec<f64>,
    newx: Vec<f64>,
    bpts: Vec<f64>,
}

fn err(msg: impl Into<String>) -> ModelError {
    ModelError::Invalid(format!("smp: {}", msg.into()))
}

impl Engine {
    fn new(table: &ActorTable, prm: SmpParams) -> Result<Self, ModelError> {
        let n = table.n_actors();
        let m = table.n_issues();
        let min_n = if prm.ktab_compatible { 3 } else { 2 };
        if n < min_n {
            return Err(err(format!("{n} actor(s); at least {min_n} are needed")));
        }
        let mut cap = vec![0.0; n];
        let mut sal = vec![0.0; n * m];
        let mut x = vec![0.0; n * m];
        for (d, issue) in table.issues().iter().enumerate() {
            let span = issue.scale_max - issue.scale_min;
            if !(span > 0.0 && span.is_finite()) {
                return Err(err(format!("issue `{}` has an empty scale", issue.name)));
            }
            for a in 0..n {
                let at = |field, message: String| ModelError::Actor {
                    actor: a,
                    issue: Some(d),
                    field,
                    message: format!("smp: {message}"),
                };
                let Some(c) = table.cell(a, d) else {
                    return Err(at(
                        "position",
                        format!(
                            "actor `{}` has no position on issue `{}`; SMP needs every cell",
                            table.actors()[a],
                            issue.name
                        ),
                    ));
                };
                let xv = (c.position - issue.scale_min) / span;
                if !(-1e-12..=1.0 + 1e-12).contains(&xv) {
                    return Err(at(
                        "position",
                        format!(
                            "actor `{}`, issue `{}`: position {} is outside the issue's scale",
                            table.actors()[a],
                            issue.name,
                            c.position
                        ),
                    ));
                }
                x[a * m + d] = xv;
                sal[a * m + d] = c.salience;
                if d == 0 {
                    cap[a] = c.capability;
                } else if c.capability != cap[a] {
                    return Err(at(
                        "capability",
                        format!("actor `{}`: SMP needs one capability per actor", table.actors()[a]),
                    ));
                }
            }
        }
        let mut inv_s2 = vec![0.0; n];
        let mut s_tot = vec![0.0; n];
        let mut sc = vec![0.0; n];
        for a in 0..n {
            let name = &table.actors()[a];
            let at = |field, message: String| ModelError::Actor {
                actor: a,
                issue: None,
                field,
                message: format!("smp: actor `{name}` {message}"),
            };
            if !(cap[a] > 0.0 && cap[a] <= MAX_CAPABILITY) {
                return Err(at(
                    "capability",
                    format!(
                        "has capability {}; KTAB's SMP needs a capability in (0, 1e8] (only ratios matter: \
                         divide every capability by a common factor)",
                        cap[a]
                    ),
                ));
            }
            let s: f64 = sal[a * m..(a + 1) * m].iter().sum();
            let s2: f64 = sal[a * m..(a + 1) * m].iter().map(|v| v * v).sum();
            if !(s > 0.0 && s2 > 0.0 && (1.0 / s2).is_finite()) {
                return Err(at("salience", "has zero total salience; KTAB needs it in (0, 1]".to_string()));
            }
            if s > 1.0 + 1e-9 {
                return Err(at("salience", format!("has total salience {s} (above 100 in files)")));
            }
            inv_s2[a] = 1.0 / s2;
            s_tot[a] = s;
            sc[a] = s * cap[a];
        }
        Ok(Engine {
            prm,
            n,
            m,
            cap,
            sal,
            inv_s2,
            s_tot,
            sc,
            ideal: x.clone(),
            x,
            vdt: vec![0.0; n * n],
            risk: vec![0.0; n],
            rself: vec![0.0; n],
            reps: Vec::with_capacity(n),
            uof: vec![0; n],
            uprob: Vec::with_capacity(n),
            aprob: vec![0.0; n],
            ut: Vec::with_capacity(n * n),
            pce: Pce::default(),
            rh: vec![0.0; n],
            uni: vec![0.0; n],
            unj: vec![0.0; n],
            unn: vec![0.0; n],
            bg: Bargains::default(),
            q_start: vec![0; n + 1],
            q_items: Vec::with_capacity(4 * n),
            q_fill: vec![0; n],
            sq: vec![0.0; n],
            vb: Vec::with_capacity(2 * n * n),
            newx: vec![0.0; n * m],
            bpts: vec![0.0; 4 * m],
        })
    }

    /// d_k(ξ_k, b) with k's salience weights.
    #[inline]
    fn dist_from_ideal(&self, k: usize, b: &[f64]) -> f64 {
        let m = self.m;
        let (s, xi) = (&self.sal[k * m..(k + 1) * m], &self.ideal[k * m..(k + 1) * m]);
        let mut acc = 0.0;
        for ((&sd, &xd), &bd) in s.iter().zip(xi).zip(b) {
            let t = sd * (xd - bd);
            acc += t * t;
        }
        (acc * self.inv_s2[k]).sqrt()
    }

    /// Distances, risk attitudes, unique positions and their probabilities of the current state.
    fn evaluate(&mut self) -> Result<(), ModelError> {
        let (n, m) = (self.n, self.m);
        // vdt[j * n + i] = vDiff(i, j) = d_i(ξ_i, x_j).
        for j in 0..n {
            for i in 0..n {
                let d = self.dist_from_ideal(i, &self.x[j * m..(j + 1) * m]);
                self.vdt[j * n + i] = d;
            }
        }
        // Risk-neutral PCE over all positions (duplicates included), capability weights.
        self.ut.clear();
        self.ut.extend(self.vdt.iter().map(|d| 1.0 - d));
        self.pce.run(&self.prm, n, n, &self.cap, &self.ut)?;
        let p = &self.pce.p;
        let (mut pmin, mut pmax) = (1.0f64, 0.0f64);
        for &v in p.iter() {
            pmin = pmin.min(v);
            pmax = pmax.max(v);
        }
        let span = pmax - pmin;
        if span.is_nan() || span <= 0.0 || !span.is_finite() {
            if self.prm.ktab_compatible {
                return Err(err("all positions are equally likely (pMax = pMin): KTAB's risk attitudes are \
                     undefined (division by zero)"));
            }
            self.risk.iter_mut().for_each(|r| *r = 0.0);
        } else {
            for (r, &pi) in self.risk.iter_mut().zip(p.iter()) {
                *r = match self.prm.big_r_rng {
                    BigRRange::Min => (pi - pmin) / (pmax - pmin),
                    BigRRange::Mid => (3.0 * pi - (pmax + 2.0 * pmin)) / (2.0 * (pmax - pmin)),
                    BigRRange::Max => (2.0 * pi - (pmax + pmin)) / (pmax - pmin),
                };
            }
        }
        for i in 0..n {
            self.rself[i] = blend(self.prm.big_r_adj, self.risk[i], self.risk[i]);
        }
        if self.prm.ktab_compatible {
            let mut ss = 0.0;
            for j in 0..n {
                for i in 0..n {
                    let d = self.vdt[j * n + i];
                    let t = (1.0 - d) - util(d, self.rself[i]);
                    ss += t * t;
                }
            }
            if ss.sqrt() <= 1e-6 {
                return Err(err("risk-aware and risk-neutral utilities coincide (KTAB stops with an error)"));
            }
        }
        // Unique positions.
        self.reps.clear();
        for i in 0..n {
            let xi = &self.x[i * m..(i + 1) * m];
            let mut found = None;
            for (u, &r) in self.reps.iter().enumerate() {
                let xr = &self.x[r * m..(r + 1) * m];
                let d2: f64 = xi.iter().zip(xr).map(|(a, b)| (a - b) * (a - b)).sum();
                if d2.sqrt() < POS_TOL {
                    found = Some(u);
                    break;
                }
            }
            self.uof[i] = match found {
                Some(u) => u,
                None => {
                    self.reps.push(i);
                    self.reps.len() - 1
                }
            };
        }
        // Outcome distribution: U(i, a) = aUtil[i](i, a), capability weights.
        let nu = self.reps.len();
        self.ut.clear();
        for &r in &self.reps {
            for i in 0..n {
                self.ut.push(util(self.vdt[r * n + i], self.rself[i]));
            }
        }
        self.pce.run(&self.prm, n, nu, &self.cap, &self.ut)?;
        self.uprob.clear();
        self.uprob.extend_from_slice(&self.pce.p);
        for i in 0..n {
            self.aprob[i] = self.uprob[self.uof[i]];
        }
        Ok(())
    }

    fn snapshot(&self) -> SmpTurn {
        SmpTurn {
            positions: self.x.clone(),
            risk: self.risk.clone(),
            unique_reps: self.reps.clone(),
            unique_of: self.uof.clone(),
            unique_prob: self.uprob.clone(),
            actor_prob: self.aprob.clone(),
        }
    }

    /// Fills `uni`, `unj`-style columns: out[n] = aUtil[h](n, j), with `rh` = R^h_n.
    #[inline]
    fn column(vdt: &[f64], rh: &[f64], n: usize, j: usize, out: &mut [f64]) {
        let col = &vdt[j * n..(j + 1) * n];
        for ((o, &d), &r) in out.iter_mut().zip(col).zip(rh) {
            *o = util(d, r);
        }
    }

    /// Loads h's perceived utilities of i's position (`uni`) and of own positions (`unn`).
    fn load_view(&mut self, h: usize, i: usize) {
        let n = self.n;
        for l in 0..n {
            self.rh[l] = blend(self.prm.big_r_adj, self.risk[h], self.risk[l]);
        }
        Self::column(&self.vdt, &self.rh, n, i, &mut self.uni);
        for l in 0..n {
            self.unn[l] = util(self.vdt[l * n + l], self.rh[l]);
        }
    }

    /// probEduChlg(h, k, i, j) in O(N) (used for the target's view of a chosen challenge).
    fn prob_edu_chlg(&mut self, h: usize, k: usize, i: usize, j: usize) -> (f64, f64) {
        self.load_view(h, i);
        Self::column(&self.vdt, &self.rh, self.n, j, &mut self.unj);
        let prm = self.prm;
        with_rule!(
            prm.vr_cltn,
            R,
            chlg_core::<R>(&prm, k, i, j, &self.sc, &self.s_tot, &self.uni, &self.unj, &self.unn)
        )
    }

    /// Best target of initiator i, with P_i(i ≻ j*), or `None`.
    fn best_target(&mut self, i: usize) -> Option<(usize, f64)> {
        let n = self.n;
        self.load_view(i, i);
        let prm = self.prm;
        let mut best: Option<(usize, f64)> = None;
        let mut best_gain = MIN_GAIN;
        with_rule!(prm.vr_cltn, R, {
            for j in 0..n {
                if j == i {
                    continue;
                }
                Self::column(&self.vdt, &self.rh, n, j, &mut self.unj);
                let (p, gain) = chlg_core::<R>(&prm, i, i, j, &self.sc, &self.s_tot, &self.uni, &self.unj, &self.unn);
                if gain > best_gain {
                    best_gain = gain;
                    best = Some((j, p));
                }
            }
        });
        best
    }

    /// Bargain points for i (→ `bi`) and j (→ `bj`) with p = P(i ≻ j).
    fn interpolate(&self, i: usize, j: usize, p: f64, bi: &mut [f64], bj: &mut [f64]) {
        let m = self.m;
        for d in 0..m {
            let (ti, tj) = (self.x[i * m + d], self.x[j * m + d]);
            let (si, sj) = (self.sal[i * m + d], self.sal[j * m + d]);
            match self.prm.iv_brgn {
                InterVecBrgn::S2P2 | InterVecBrgn::S1P1 => {
                    let (wi, wj) = if self.prm.iv_brgn == InterVecBrgn::S2P2 {
                        (si * si * p * p, sj * sj * (1.0 - p) * (1.0 - p))
                    } else {
                        (si * p, sj * (1.0 - p))
                    };
                    let den = wi + 1e-6 + wj;
                    bi[d] = round4(((wi + 1e-6) * ti + wj * tj) / den);
                    bj[d] = round4((wi * ti + (wj + 1e-6) * tj) / den);
                }
                InterVecBrgn::S2PMax => {
                    let (pi, pj) = (p, 1.0 - p);
                    let di = (pj - pi).max(0.0);
                    let dj = (pi - pj).max(0.0);
                    let fi = di * sj * sj / (di * sj * sj + 1e-6 + (1.0 - di) * si * si);
                    let fj = dj * si * si / (dj * si * si + 1e-6 + (1.0 - dj) * sj * sj);
                    bi[d] = ti + fi * (tj - ti);
                    bj[d] = tj + fj * (ti - tj);
                }
            }
        }
    }

    /// One step: challenges, bargains, queue elections, moves. Leaves the new positions in
    /// `self.x` (ideals follow, A = I).
    fn step(&mut self, rng: &mut ChaCha8Rng) -> Result<(), ModelError> {
        let (n, m) = (self.n, self.m);
        let mut bg = std::mem::take(&mut self.bg);
        let mut bpts = std::mem::take(&mut self.bpts);
        bg.clear();
        {
            let (bi, rest) = bpts.split_at_mut(m);
            let (bj, rest) = rest.split_at_mut(m);
            let (bi2, bj2) = rest.split_at_mut(m);
            for i in 0..n {
                let Some((j, p)) = self.best_target(i) else {
                    continue;
                };
                self.interpolate(i, j, p, bi, bj);
                match self.prm.brgn_mod {
                    BargnModel::InitOnlyInterp => bg.push(i, j, bi, bj),
                    BargnModel::InitRcvrInterp | BargnModel::PWCompInterp => {
                        let (pj, dj) = self.prob_edu_chlg(j, i, i, j);
                        let q = if self.prm.ktab_compatible { dj } else { pj };
                        self.interpolate(i, j, q, bi2, bj2);
                        if self.prm.brgn_mod == BargnModel::InitRcvrInterp {
                            bg.push(i, j, bi, bj);
                            bg.push(i, j, bi2, bj2);
                        } else {
                            let wi = self.cap[i];
                            let wj = if self.prm.ktab_compatible { self.cap[i] } else { self.cap[j] };
                            for d in 0..m {
                                bi[d] = (wi * bi[d] + wj * bi2[d]) / (wi + wj);
                                bj[d] = (wi * bj[d] + wj * bj2[d]) / (wi + wj);
                            }
                            bg.push(i, j, bi, bj);
                        }
                    }
                }
            }
        }
        self.bpts = bpts;
        // KTAB's `pjiJ` defect can feed a utility change (possibly negative) into the
        // interpolation as a probability; a bargain off the unit cube is then meaningless.
        let off = |v: &f64| !(-1e-9..=1.0 + 1e-9).contains(v);
        if bg.pos_init.iter().any(off) || bg.pos_rcvr.iter().any(off) {
            self.bg = bg;
            return Err(err("a bargain lies outside the issue scale (KTAB's target-view interpolation uses \
                 a utility change as a probability; set ktab_compatible = false)"));
        }
        // Queues: status quo (implicit), own proposals, then incoming by initiator index.
        let nb = bg.init.len();
        self.q_start.iter_mut().for_each(|v| *v = 0);
        for b in 0..nb {
            self.q_start[bg.init[b] + 1] += 1;
            self.q_start[bg.rcvr[b] + 1] += 1;
        }
        for k in 0..n {
            self.q_start[k + 1] += self.q_start[k];
        }
        self.q_items.clear();
        self.q_items.resize(2 * nb, 0);
        self.q_fill.copy_from_slice(&self.q_start[..n]);
        for b in 0..nb {
            let k = bg.init[b];
            self.q_items[self.q_fill[k]] = b;
            self.q_fill[k] += 1;
        }
        for b in 0..nb {
            let k = bg.rcvr[b];
            self.q_items[self.q_fill[k]] = b;
            self.q_fill[k] += 1;
        }
        // Voter values: sq[v] = Σ_l aUtil[v](v, l); vb[b * n + v] = V_v(β_b), which differs
        // from the status quo's sq[v] / N only in the initiator's and the receiver's terms.
        for v in 0..n {
            let mut acc = 0.0;
            for l in 0..n {
                acc += util(self.vdt[l * n + v], self.rself[v]);
            }
            self.sq[v] = acc;
        }
        self.vb.clear();
        self.vb.resize(nb * n, 0.0);
        for b in 0..nb {
            let (bi_, br_) = (bg.init[b], bg.rcvr[b]);
            let pi = &bg.pos_init[b * m..(b + 1) * m];
            let pr = &bg.pos_rcvr[b * m..(b + 1) * m];
            for v in 0..n {
                let r = self.rself[v];
                let a_i = util(self.vdt[bi_ * n + v], r);
                let a_r = util(self.vdt[br_ * n + v], r);
                let u_i = util(self.dist_from_ideal(v, pi), r);
                let u_r = util(self.dist_from_ideal(v, pr), r);
                self.vb[b * n + v] = (self.sq[v] - a_i + u_i - a_r + u_r) / n as f64;
            }
        }
        self.newx.copy_from_slice(&self.x);
        for k in 0..n {
            let q = &self.q_items[self.q_start[k]..self.q_start[k + 1]];
            if q.is_empty() {
                continue;
            }
            let nopt = q.len() + 1;
            self.ut.clear();
            self.ut.extend(self.sq.iter().map(|s| s / n as f64));
            for &b in q {
                self.ut.extend_from_slice(&self.vb[b * n..(b + 1) * n]);
            }
            self.pce.run(&self.prm, n, nopt, &self.cap, &self.ut)?;
            let p = &self.pce.p;
            let win = match self.prm.stm {
                StateTransitions::Deterministic => {
                    let mut w = 0;
                    for o in 1..nopt {
                        if p[o] > p[w] {
                            w = o;
                        }
                    }
                    w
                }
                StateTransitions::Stochastic => {
                    let r: f64 = rng.random();
                    let mut acc = 0.0;
                    let mut w = nopt - 1;
                    for (o, &po) in p.iter().enumerate() {
                        acc += po;
                        if r < acc {
                            w = o;
                            break;
                        }
                    }
                    w
                }
            };
            if win == 0 {
                continue;
            }
            let b = q[win - 1];
            let src = if bg.init[b] == k { &bg.pos_init[b * m..(b + 1) * m] } else { &bg.pos_rcvr[b * m..(b + 1) * m] };
            self.newx[k * m..(k + 1) * m].copy_from_slice(src);
        }
        self.bg = bg;
        std::mem::swap(&mut self.x, &mut self.newx);
        // Ideals with A = I.
        self.ideal.copy_from_slice(&self.x);
        Ok(())
    }
}

/// The bargains of one turn (flat arrays).
#[derive(Default)]
struct Bargains {
    init: Vec<usize>,
    rcvr: Vec<usize>,
    pos_init: Vec<f64>,
    pos_rcvr: Vec<f64>,
}

impl Bargains {
    fn clear(&mut self) {
        self.init.clear();
        self.rcvr.clear();
        self.pos_init.clear();
        self.pos_rcvr.clear();
    }
    fn push(&mut self, i: usize, j: usize, bi: &[f64], bj: &[f64]) {
        self.init.push(i);
        self.rcvr.push(j);
        self.pos_init.extend_from_slice(bi);
        self.pos_rcvr.extend_from_slice(bj);
    }
}

/// Turn distance D(s, s') = Σ_i ‖x_i − x_i'‖₂ on [0, 1].
fn turn_distance(a: &[f64], b: &[f64], m: usize) -> f64 {
    a.chunks(m).zip(b.chunks(m)).map(|(p, q)| p.iter().zip(q).map(|(u, v)| (u - v) * (u - v)).sum::<f64>().sqrt()).sum()
}

/// Runs the SMP on `table` until KTAB's stopping rule (or `ctx.rounds` turns) and returns every
/// state. Errors: invalid inputs (capability ≤ 0, zero salience, missing cells) and, with
/// `ktab_compatible`, the states where KTAB fails (see the module doc).
pub fn run(table: &ActorTable, params: &SmpParams, ctx: &SolveContext) -> Result<SmpRun, ModelError> {
    let mut e = Engine::new(table, *params)?;
    let max_turns = ctx.rounds.map_or(params.max_turns, |r| r.min(params.max_turns));
    let mut rng = ChaCha8Rng::seed_from_u64(ctx.seed);
    e.evaluate()?;
    let mut turns = vec![e.snapshot()];
    let mut fractional_change = Vec::new();
    let mut d01 = 0.0;
    let mut t = 0;
    while t < max_turns {
        t += 1;
        e.step(&mut rng)?;
        e.evaluate()?;
        turns.push(e.snapshot());
        // After the step, `newx` holds the previous positions.
        let d = turn_distance(&e.newx, &e.x, e.m);
        if t == 1 {
            d01 = d;
        }
        let ratio = d / (d01 + 1e-4);
        fractional_change.push(ratio);
        if t >= 2 && ratio < STOP_RATIO {
            break;
        }
    }
    Ok(SmpRun { n_actors: e.n, n_dims: e.m, turns, fractional_change })
}

impl SmpTurn {
    /// Index of the most probable unique position (first on ties).
    pub fn most_probable(&self) -> usize {
        let mut w = 0;
        for (u, &p) in self.unique_prob.iter().enumerate() {
            if p > self.unique_prob[w] {
                w = u;
            }
        }
        w
    }
}

impl BargainingModel for Smp {
    fn name(&self) -> &str {
        "smp"
    }

    fn solve(&self, table: &ActorTable, ctx: &SolveContext) -> Result<Solution, ModelError> {
        check_limits(table, &self.params, ctx)?;
        let r = run(table, &self.params, ctx)?;
        let (n, m) = (r.n_actors, r.n_dims);
        let mut issues = Vec::with_capacity(m);
        for (d, issue) in table.issues().iter().enumerate() {
            let view = table.issue_view(d);
            let span = issue.scale_max - issue.scale_min;
            let to_scale = |v: f64| issue.scale_min + v * span;
            let rounds = r
                .turns
                .iter()
                .enumerate()
                .map(|(t, st)| {
                    let pos: Vec<f64> = (0..n).map(|i| to_scale(st.positions[i * m + d])).collect();
                    let best = st.unique_reps[st.most_probable()];
                    let forecast = to_scale(st.positions[best * m + d]);
                    round_from_view(t, forecast, &view, &pos, n)
                })
                .collect();
            issues.push(IssueSolution { issue: issue.name.clone(), rounds });
        }
        let last = r.turns.last().expect("turn 0 is always present");
        let final_distribution = last
            .unique_reps
            .iter()
            .enumerate()
            .map(|(u, &rep)| OutcomeProbability {
                position: table
                    .issues()
                    .iter()
                    .enumerate()
                    .map(|(d, is)| is.scale_min + last.positions[rep * m + d] * (is.scale_max - is.scale_min))
                    .collect(),
                probability: last.unique_prob[u],
                actors: (0..n).filter(|&i| last.unique_of[i] == u).collect(),
            })
            .collect();
        let turns = r.turns.len() - 1;
        let mut notes = vec![format!("KTAB SMP: {turns} turn(s); the forecast is the most probable unique position")];
        let converged = turns >= 2 && r.fractional_change.last().is_some_and(|&c| c < STOP_RATIO);
        if !converged {
            notes.push(format!("stopped at the turn limit ({turns}) before KTAB's stopping rule was met"));
        }
        Solution {
            model: "smp".into(),
            actors: table.actors().to_vec(),
            issues,
            notes,
            diagnostics: Some(Diagnostics {
                actor_probability: r.turns.iter().map(|t| t.actor_prob.clone()).collect(),
                fractional_change: r.fractional_change,
                final_distribution,
            }),
        }
        .check_finite()
    }
}

/// Refuses, before any work, a table whose run could exceed the documented work or output
/// limits ([`crate::limits`]), counting the turn limit in full (KTAB's stopping rule usually
/// ends a run sooner, but not always). [`run`] itself does not check; [`Smp::solve`] does.
pub fn check_limits(table: &ActorTable, params: &SmpParams, ctx: &SolveContext) -> Result<(), ModelError> {
    let turns = ctx.rounds.map_or(params.max_turns, |r| r.min(params.max_turns));
    let (n, m) = (table.n_actors() as f64, table.n_issues() as f64);
    crate::limits::check_output("smp", turns, table.n_actors(), table.n_issues())?;
    crate::limits::check_work(
        "smp",
        turns as f64 * (5.0 * n * n * n + n * n * m),
        &format!(
            "up to {turns} turns × (5 × {}³ + {}² × {} issues)",
            table.n_actors(),
            table.n_actors(),
            table.n_issues()
        ),
        "use fewer turns (--rounds or --param max-turns=N) or fewer actors",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn soe() -> ActorTable {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/ktab/SOE-Pol-Comp.csv");
        // truce-io links its own copy of this crate in unit tests: rebuild the table.
        let t = truce_io::table::read_table(&p).unwrap().table;
        let issues = t.issues().iter().map(|i| crate::Issue::new_0_100(i.name.clone())).collect();
        let cells = (0..t.n_actors())
            .flat_map(|a| (0..t.n_issues()).map(move |k| (a, k)))
            .map(|(a, k)| {
                t.cell(a, k).map(|c| crate::Cell {
                    position: c.position,
                    salience: c.salience,
                    capability: c.capability,
                })
            })
            .collect();
        ActorTable::new(t.actors().to_vec(), issues, cells).unwrap()
    }

    #[test]
    fn primitives() {
        assert_eq!(round4(0.123_45), 0.1235);
        assert_eq!(round4(0.123_44), 0.1234);
        assert_eq!(util(0.0, 0.7), 1.0);
        assert_eq!(util(1.0, -0.5), 0.0);
        assert!(util(0.5, 1.0) > util(0.5, 0.0) && util(0.5, 0.0) > util(0.5, -0.5));
        for vpm in [
            VictoryProbModel::Linear,
            VictoryProbModel::Square,
            VictoryProbModel::Quartic,
            VictoryProbModel::Octic,
            VictoryProbModel::Binary,
        ] {
            assert_eq!(vprob(vpm, MIN_CLTN, MIN_CLTN), 0.5);
            for (a, b) in [(1.0, 2.0), (3.0, 1.0), (1.0, 1.05)] {
                let s = vprob(vpm, a, b) + vprob(vpm, b, a);
                assert!((s - 1.0).abs() < 1e-12, "{vpm:?} {a} {b}");
                assert!(vprob(vpm, a, b) < 0.5 || a >= b);
            }
        }
        assert_eq!(blend(BigRAdjust::Full, 1.0, 0.25), 0.25);
        assert_eq!(blend(BigRAdjust::None, 1.0, 0.25), 1.0);
    }

    #[test]
    fn pce_models_agree_on_a_condorcet_winner() {
        // Three voters, three options; option 1 is everyone's second choice and wins pairwise.
        let w = [1.0, 1.0, 1.0];
        // ut[a * 3 + k] = U(k, a)
        let ut = [1.0, 0.0, 0.2, 0.6, 0.6, 0.6, 0.0, 1.0, 0.2];
        for pcem in [PCEModel::Conditional, PCEModel::MarkovUniform, PCEModel::MarkovIncentive] {
            let prm = SmpParams { pcem, ..SmpParams::default() };
            let mut pce = Pce::default();
            pce.run(&prm, 3, 3, &w, &ut).unwrap();
            let s: f64 = pce.p.iter().sum();
            assert!((s - 1.0).abs() < 1e-9, "{pcem:?}");
            assert!(pce.p[1] > pce.p[0] && pce.p[1] > pce.p[2], "{pcem:?} {:?}", pce.p);
        }
    }

    #[test]
    fn every_parameter_value_runs() {
        let t = soe();
        let ctx = SolveContext { rounds: Some(8), seed: 3 };
        let d = SmpParams::default();
        let mut variants = vec![d];
        for v in
            [VictoryProbModel::Square, VictoryProbModel::Quartic, VictoryProbModel::Octic, VictoryProbModel::Binary]
        {
            variants.push(SmpParams { vpm: v, ..d });
        }
        for v in [PCEModel::MarkovIncentive, PCEModel::MarkovUniform] {
            variants.push(SmpParams { pcem: v, ..d });
        }
        variants.push(SmpParams { stm: StateTransitions::Stochastic, ..d });
        for v in
            [VotingRule::Binary, VotingRule::PropBin, VotingRule::PropCbc, VotingRule::Cubic, VotingRule::ASymProsp]
        {
            variants.push(SmpParams { vr_cltn: v, ..d });
        }
        for v in [BigRAdjust::None, BigRAdjust::Half, BigRAdjust::TwoThirds, BigRAdjust::Full] {
            variants.push(SmpParams { big_r_adj: v, ..d });
        }
        for v in [BigRRange::Min, BigRRange::Max] {
            variants.push(SmpParams { big_r_rng: v, ..d });
        }
        for v in [ThirdPartyCommit::NoCommit, ThirdPartyCommit::FullCommit] {
            variants.push(SmpParams { tp_commit: v, ..d });
        }
        for v in [InterVecBrgn::S1P1, InterVecBrgn::S2PMax] {
            variants.push(SmpParams { iv_brgn: v, ..d });
        }
        for v in [BargnModel::InitRcvrInterp, BargnModel::PWCompInterp] {
            variants.push(SmpParams { brgn_mod: v, ..d });
        }
        let fixed: Vec<SmpParams> = variants.iter().map(|p| SmpParams { ktab_compatible: false, ..*p }).collect();
        variants.extend(fixed);
        for p in &variants {
            let r = run(&t, p, &ctx).unwrap_or_else(|e| panic!("{p:?}: {e}"));
            for st in &r.turns {
                assert!(st.positions.iter().all(|x| (0.0..=1.0).contains(x)), "{p:?}");
                assert!(st.actor_prob.iter().all(|x| (0.0..=1.0).contains(x)), "{p:?}");
                let s: f64 = st.unique_prob.iter().sum();
                assert!((s - 1.0).abs() < 1e-9, "{p:?}");
            }
        }
    }

    #[test]
    fn corrections_leave_the_defaults_unchanged() {
        let t = soe();
        let ctx = SolveContext::default();
        let a = run(&t, &SmpParams::default(), &ctx).unwrap();
        let fixed = SmpParams { ktab_compatible: false, ..SmpParams::default() };
        assert_eq!(a, run(&t, &fixed, &ctx).unwrap());
    }

    #[test]
    fn commitment_defect_switch() {
        // NoCommit and FullCommit coincide in KTAB (third parties never vote) but not when
        // corrected.
        let t = soe();
        let ctx = SolveContext::default();
        let p = |tp, ktab_compatible| SmpParams { tp_commit: tp, ktab_compatible, ..SmpParams::default() };
        let no = run(&t, &p(ThirdPartyCommit::NoCommit, true), &ctx).unwrap();
        let full = run(&t, &p(ThirdPartyCommit::FullCommit, true), &ctx).unwrap();
        assert_eq!(no, full);
        let fixed = run(&t, &p(ThirdPartyCommit::NoCommit, false), &ctx).unwrap();
        assert_ne!(no, fixed);
    }
}
