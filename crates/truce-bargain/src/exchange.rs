//! Stokman & Van Oosten's exchange model ("equal gain"): actors trade voting positions across
//! pairs of issues, each conceding on the issue it cares relatively less about.
//!
//! Theory: F. N. Stokman and R. Van Oosten (1994), "The Exchange of Voting Positions: An
//! Object-Oriented Model of Policy Networks", in B. Bueno de Mesquita and F. N. Stokman (eds),
//! *European Community Decision Making*, Yale University Press, pp. 105–127. The procedure
//! follows the step-by-step description in `docs/reference/bargaining-models.md` §5 (itself a
//! description of the `decide-exchange-model` package; no code was ported). Randomised
//! variants (Dijkstra et al. 2018, random gain splits and exchange rates) are not implemented.
//!
//! One round (see [`run`]):
//! 1. O_d = Σ c s x / Σ c s per issue (the compromise model); actor i is "left" on d if
//!    x_id ≤ O_d, otherwise "right".
//! 2. For every pair of issues (p, q) and every pair of actors holding both, on opposite sides
//!    of the outcome on both issues, the actor with the lower s_p/s_q ratio (j) supplies p
//!    (moves toward its partner there) and the other (i) supplies q.
//! 3. Equal-gain shifts: j moves fully on p (Δ_p = |x_ip − x_jp| c_jp s_jp / S_p), Δ_q =
//!    Δ_p (s_ip + s_jp)/(s_iq + s_jq), i moves Δ_q S_q/(c_iq s_iq) on q; if i would overshoot
//!    j, roles reverse (i moves fully on q). The shift of an outcome is cut so that it does not
//!    pass the demanded position (the "NBS check"). Gain = Δ_p s_ip − Δ_q s_iq (equal for both).
//! 4. Validity: both moves > 1e-10, new positions inside the issue's scale, an actor's moves on
//!    one issue keep one direction within a round, gain ≥ 1e-10.
//! 5. Execution: repeatedly realise the candidate with the highest gain; exact ties (difference
//!    < 1e-20) are broken uniformly at random by a `ChaCha8Rng` seeded with the caller's seed,
//!    so the same seed always gives the same run. After each realisation every remaining
//!    candidate on either of the two issues is recomputed from the current voting positions
//!    and dropped if no longer valid.
//! 6. End of round: the forecast is the compromise outcome of the voting positions y; the next
//!    round starts from x' = (1 − λ) x + λ y with λ = 0.4 (1 − s) + 0.1 for every actor that
//!    moved on an issue (s its salience there).
//!
//! Interpretation choices where the description is silent: sides and the candidate list are
//! fixed at the start of a round (recomputation only updates or drops candidates); the NBS
//! check uses the outcome of the current voting positions and is applied to both issues of an
//! exchange; "consistent direction" is checked within a round (moves reset each round); the
//! partner's demand position is its current voting position; an actor needs c·s > 0 on both
//! issues to trade; [`Solution`] rounds r ≥ 1 report voting positions (so forecast = mean).
//!
//! Actors lacking an issue (`None` cells) take part only in pairs of issues they hold. Issues
//! whose weights sum to zero take part in no exchange; their outcome is the unweighted mean.
//!
//! This module does no I/O, spawns no threads and reads no clock; its only randomness is the
//! seeded tie-breaker.

use crate::model::{round_from_view, BargainingModel, IssueSolution, ModelError, Solution, SolveContext};
use crate::stats::weighted_mean;
use crate::table::ActorTable;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// Parameters of the exchange model; the defaults are those of the reference description.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExchangeOptions {
    /// Rounds to run when [`SolveContext::rounds`] is `None` (default 10; the model has no
    /// stopping rule of its own, and trajectories have mostly settled after ten rounds).
    pub rounds: usize,
    /// Weight of (1 − salience) in the next-round blend λ = w_s (1 − s) + w_f (default 0.4,
    /// `SALIENCE_WEIGHT`): actors caring less about an issue keep more of their concession.
    pub salience_weight: f64,
    /// Fixed part w_f of λ (default 0.1, `FIXED_WEIGHT`).
    pub fixed_weight: f64,
    /// Gains closer than this are an exact tie, broken at random (default 1e-20).
    pub tie_tolerance: f64,
    /// Smallest move that counts as a move (default 1e-10).
    pub min_move: f64,
    /// Smallest gain that makes an exchange worth doing (default 1e-10).
    pub min_gain: f64,
}

impl Default for ExchangeOptions {
    fn default() -> Self {
        ExchangeOptions {
            rounds: 10,
            salience_weight: 0.4,
            fixed_weight: 0.1,
            tie_tolerance: 1e-20,
            min_move: 1e-10,
            min_gain: 1e-10,
        }
    }
}

/// The exchange model behind the common trait, so that the CLI and backtests can run it like
/// any other model.
#[derive(Debug, Clone, Copy, Default)]
pub struct Exchange {
    /// Rounds, next-round blend weights and thresholds.
    pub options: ExchangeOptions,
}

/// One exchange realised in a round, so that tests and the CLI can show who traded what.
///
/// Actor `i` supplies (moves on) issue `supply_issue_i` and demands `supply_issue_j`; actor `j`
/// the reverse.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RealisedExchange {
    /// Table index of the actor supplying `supply_issue_i`.
    pub i: usize,
    /// Table index of the actor supplying `supply_issue_j`.
    pub j: usize,
    /// Issue on which `i` moves toward `j` (q in the reference).
    pub supply_issue_i: usize,
    /// Issue on which `j` moves toward `i` (p in the reference).
    pub supply_issue_j: usize,
    /// Signed moves `[move of i on supply_issue_i, move of j on supply_issue_j]`.
    pub moves: [f64; 2],
    /// Outcome shifts `[Δ on supply_issue_i, Δ on supply_issue_j]` (non-negative).
    pub shifts: [f64; 2],
    /// The (equal) gain of both actors, in salience-weighted outcome units.
    pub gain: f64,
}

/// What happened in one round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundExchanges {
    /// Exchanges in the order they were realised.
    pub exchanges: Vec<RealisedExchange>,
    /// Compromise outcome per issue after the round's exchanges (the round's forecast).
    pub outcomes: Vec<f64>,
    /// Voting positions after the exchanges, `[issue][actor]`.
    pub voting_positions: Vec<Vec<Option<f64>>>,
    /// Start positions of the next round (the blend of start and voting positions),
    /// `[issue][actor]`.
    pub next_positions: Vec<Vec<Option<f64>>>,
}

/// A whole run: the initial compromise outcomes and one entry per round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExchangeRun {
    /// Compromise outcome per issue of the input positions (round 0).
    pub initial_outcomes: Vec<f64>,
    /// One entry per round, in order.
    pub rounds: Vec<RoundExchanges>,
}

/// Fixed data of the table in flat `[actor * n_issues + issue]` arrays.
struct Data {
    n: usize,
    m: usize,
    sal: Vec<f64>,
    w: Vec<f64>,
    held: Vec<bool>,
    s_tot: Vec<f64>,
    lo: Vec<f64>,
    hi: Vec<f64>,
}

impl Data {
    fn new(t: &ActorTable) -> Self {
        let (n, m) = (t.n_actors(), t.n_issues());
        let mut d = Data {
            n,
            m,
            sal: vec![0.0; n * m],
            w: vec![0.0; n * m],
            held: vec![false; n * m],
            s_tot: vec![0.0; m],
            lo: t.issues().iter().map(|i| i.scale_min).collect(),
            hi: t.issues().iter().map(|i| i.scale_max).collect(),
        };
        for a in 0..n {
            for k in 0..m {
                if let Some(c) = t.cell(a, k) {
                    let ix = a * m + k;
                    d.held[ix] = true;
                    d.sal[ix] = c.salience;
                    d.w[ix] = c.capability * c.salience;
                    d.s_tot[k] += d.w[ix];
                }
            }
        }
        d
    }

    /// Compromise outcome of issue `k` for positions `x` (unweighted mean if S_k = 0).
    fn outcome(&self, x: &[f64], k: usize) -> f64 {
        let mut xs = Vec::with_capacity(self.n);
        let mut ws = Vec::with_capacity(self.n);
        for a in 0..self.n {
            let ix = a * self.m + k;
            if self.held[ix] {
                xs.push(x[ix]);
                ws.push(self.w[ix]);
            }
        }
        weighted_mean(&xs, &ws).unwrap_or(f64::NAN)
    }

    /// Whether actor `a` can trade on issue `k` at all.
    fn active(&self, a: usize, k: usize) -> bool {
        let ix = a * self.m + k;
        self.held[ix] && self.w[ix] > 0.0 && self.s_tot[k] > 0.0
    }

    fn positions_by_issue(&self, x: &[f64]) -> Vec<Vec<Option<f64>>> {
        (0..self.m)
            .map(|k| (0..self.n).map(|a| self.held[a * self.m + k].then(|| x[a * self.m + k])).collect())
            .collect()
    }
}

/// Mutable state within a round.
struct RoundState<'a> {
    d: &'a Data,
    opts: &'a ExchangeOptions,
    /// Voting positions.
    y: Vec<f64>,
    /// Direction of the round's moves per cell (0: none yet).
    dir: Vec<i8>,
    /// Current outcomes (of `y`).
    o: Vec<f64>,
}

fn sign(v: f64) -> f64 {
    if v > 0.0 {
        1.0
    } else {
        -1.0
    }
}

impl RoundState<'_> {
    /// The equal-gain exchange between actors `a` and `b` on issues `p`, `q` from the current
    /// voting positions, or `None` if it is not valid.
    fn compute(&self, a: usize, b: usize, p: usize, q: usize) -> Option<RealisedExchange> {
        let d = self.d;
        let m = d.m;
        let s = |act: usize, k: usize| d.sal[act * m + k];
        // j supplies p: the actor with the lower s_p / s_q (cross-multiplied; all s > 0).
        let (i, j) = if s(a, p) * s(b, q) < s(b, p) * s(a, q) { (b, a) } else { (a, b) };
        let (yip, yjp) = (self.y[i * m + p], self.y[j * m + p]);
        let (yiq, yjq) = (self.y[i * m + q], self.y[j * m + q]);
        let (dp, dq) = ((yip - yjp).abs(), (yjq - yiq).abs());
        if dp <= 0.0 || dq <= 0.0 {
            return None;
        }
        let (wjp, wiq) = (d.w[j * m + p], d.w[i * m + q]);
        let (sp, sq) = (d.s_tot[p], d.s_tot[q]);
        // Δ_q = r Δ_p equalises the gains (reference §5 step 5).
        let r = (s(i, p) + s(j, p)) / (s(i, q) + s(j, q));
        let mut delta_p = dp * wjp / sp;
        let mut delta_q = delta_p * r;
        let mut m_j = dp;
        let mut m_i = delta_q * sq / wiq;
        if m_i > dq {
            m_i = dq;
            delta_q = dq * wiq / sq;
            delta_p = delta_q / r;
            m_j = delta_p * sp / wjp;
        }
        // NBS check: the outcome on a supply issue must not pass the demanded position.
        let (dir_p, dir_q) = (sign(yip - yjp), sign(yjq - yiq));
        let room_p = (yip - self.o[p]) * dir_p;
        if delta_p > room_p {
            delta_p = room_p.max(0.0);
            delta_q = delta_p * r;
            m_j = delta_p * sp / wjp;
            m_i = delta_q * sq / wiq;
        }
        let room_q = (yjq - self.o[q]) * dir_q;
        if delta_q > room_q {
            delta_q = room_q.max(0.0);
            delta_p = delta_q / r;
            m_j = delta_p * sp / wjp;
            m_i = delta_q * sq / wiq;
        }
        let gain = delta_p * s(i, p) - delta_q * s(i, q);
        let ok_dir = |act: usize, k: usize, dir: f64| {
            let cur = self.dir[act * m + k];
            cur == 0 || f64::from(cur) == dir
        };
        let new_jp = if m_j >= dp { yip } else { yjp + dir_p * m_j };
        let new_iq = if m_i >= dq { yjq } else { yiq + dir_q * m_i };
        let in_scale = |v: f64, k: usize| v >= d.lo[k] && v <= d.hi[k];
        let valid = m_i.is_finite()
            && m_j.is_finite()
            && gain.is_finite()
            && m_i > self.opts.min_move
            && m_j > self.opts.min_move
            && gain >= self.opts.min_gain
            && ok_dir(j, p, dir_p)
            && ok_dir(i, q, dir_q)
            && in_scale(new_jp, p)
            && in_scale(new_iq, q);
        valid.then_some(RealisedExchange {
            i,
            j,
            supply_issue_i: q,
            supply_issue_j: p,
            moves: [new_iq - yiq, new_jp - yjp],
            shifts: [delta_q, delta_p],
            gain,
        })
    }

    fn realise(&mut self, e: &RealisedExchange) {
        let m = self.d.m;
        let (iq, jp) = (e.i * m + e.supply_issue_i, e.j * m + e.supply_issue_j);
        self.y[iq] += e.moves[0];
        self.y[jp] += e.moves[1];
        self.dir[iq] = if e.moves[0] > 0.0 { 1 } else { -1 };
        self.dir[jp] = if e.moves[1] > 0.0 { 1 } else { -1 };
        for k in [e.supply_issue_i, e.supply_issue_j] {
            self.o[k] = self.d.outcome(&self.y, k);
        }
    }
}

/// Runs the exchange model for `opts.rounds` rounds and returns every realised exchange, so
/// that tests and the CLI can show the trades behind a forecast. Ties in gain are broken by a
/// `ChaCha8Rng` seeded with `seed` (one generator for the whole run, drawn only on ties, so a
/// run without ties does not depend on the seed). Never panics; an issue nobody holds gets a
/// NaN outcome (the trait's `solve` rejects such tables first).
pub fn run(table: &ActorTable, opts: &ExchangeOptions, seed: u64) -> ExchangeRun {
    let rounds = opts.rounds;
    let d = Data::new(table);
    let (n, m) = (d.n, d.m);
    let mut x = vec![0.0; n * m];
    for a in 0..n {
        for k in 0..m {
            if let Some(c) = table.cell(a, k) {
                x[a * m + k] = c.position;
            }
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let initial_outcomes: Vec<f64> = (0..m).map(|k| d.outcome(&x, k)).collect();
    let mut out = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let o: Vec<f64> = (0..m).map(|k| d.outcome(&x, k)).collect();
        let left = |a: usize, k: usize| x[a * m + k] <= o[k];
        let mut st = RoundState { d: &d, opts, y: x.clone(), dir: vec![0; n * m], o: o.clone() };
        // Candidates in a fixed order: issue pairs p < q, then actor pairs a < b.
        let mut cands: Vec<((usize, usize, usize, usize), RealisedExchange)> = Vec::new();
        for p in 0..m {
            for q in p + 1..m {
                for a in 0..n {
                    if !(d.active(a, p) && d.active(a, q)) {
                        continue;
                    }
                    for b in a + 1..n {
                        if !(d.active(b, p) && d.active(b, q)) {
                            continue;
                        }
                        if left(a, p) == left(b, p) || left(a, q) == left(b, q) {
                            continue;
                        }
                        if let Some(e) = st.compute(a, b, p, q) {
                            cands.push(((a, b, p, q), e));
                        }
                    }
                }
            }
        }
        let mut done = Vec::new();
        while !cands.is_empty() {
            let best = cands.iter().map(|c| c.1.gain).fold(f64::NEG_INFINITY, f64::max);
            let tied: Vec<usize> = (0..cands.len()).filter(|&c| best - cands[c].1.gain < opts.tie_tolerance).collect();
            let pick = if tied.len() > 1 { tied[rng.random_range(0..tied.len())] } else { tied[0] };
            let (_, e) = cands.remove(pick);
            st.realise(&e);
            done.push(e);
            let touched = [e.supply_issue_i, e.supply_issue_j];
            let mut kept = Vec::with_capacity(cands.len());
            for (key @ (a, b, p, q), old) in cands {
                if touched.contains(&p) || touched.contains(&q) {
                    if let Some(new) = st.compute(a, b, p, q) {
                        kept.push((key, new));
                    }
                } else {
                    kept.push((key, old));
                }
            }
            cands = kept;
        }
        let outcomes: Vec<f64> = (0..m).map(|k| d.outcome(&st.y, k)).collect();
        let mut next = x.clone();
        for (ix, nx) in next.iter_mut().enumerate() {
            if st.dir[ix] != 0 {
                let lambda = opts.salience_weight * (1.0 - d.sal[ix]) + opts.fixed_weight;
                *nx = (1.0 - lambda) * x[ix] + lambda * st.y[ix];
            }
        }
        out.push(RoundExchanges {
            exchanges: done,
            outcomes,
            voting_positions: d.positions_by_issue(&st.y),
            next_positions: d.positions_by_issue(&next),
        });
        x = next;
    }
    ExchangeRun { initial_outcomes, rounds: out }
}

/// Refuses, before any work, a table whose candidate exchanges (issue pairs × actor pairs)
/// or run time would exceed the documented limits ([`crate::limits`]). [`run`] itself does
/// not check; [`Exchange::solve`] does.
pub fn check_limits(table: &ActorTable, rounds: usize) -> Result<(), ModelError> {
    use crate::limits::{check_output, check_work, count, MAX_EXCHANGE_CANDIDATES};
    let (n, m) = (table.n_actors() as f64, table.n_issues() as f64);
    check_output("exchange", rounds, table.n_actors(), table.n_issues())?;
    let candidates = m * (m - 1.0) / 2.0 * (n * (n - 1.0) / 2.0);
    if candidates > MAX_EXCHANGE_CANDIDATES {
        return Err(ModelError::TooLarge(format!(
            "exchange: {} actors × {} issues give up to {} candidate exchanges per round (issue pairs × actor \
             pairs); the limit is {}; split the table into smaller negotiations",
            table.n_actors(),
            table.n_issues(),
            count(candidates),
            count(MAX_EXCHANGE_CANDIDATES)
        )));
    }
    check_work(
        "exchange",
        rounds as f64 * candidates * 1000.0,
        &format!("{rounds} rounds × {} candidate exchanges", count(candidates)),
        "use fewer rounds (--rounds), actors or issues",
    )
}

impl BargainingModel for Exchange {
    fn name(&self) -> &str {
        "exchange"
    }

    /// Round 0 is the input with the compromise outcome as forecast; round r reports the
    /// voting positions after round r's exchanges and their compromise outcome (so the
    /// forecast equals the round's weighted mean).
    fn solve(&self, table: &ActorTable, ctx: &SolveContext) -> Result<Solution, ModelError> {
        let mut notes = Vec::new();
        for (k, issue) in table.issues().iter().enumerate() {
            let v = table.issue_view(k);
            if v.is_empty() {
                return Err(ModelError::Issue { issue: issue.name.clone(), reason: "no actor has a position".into() });
            }
            if v.weights().iter().sum::<f64>() <= 0.0 {
                notes.push(format!(
                    "issue `{}`: all weights are zero; no exchange on it, unweighted mean used",
                    issue.name
                ));
            }
        }
        if table.n_issues() < 2 {
            notes.push("single issue: no exchange is possible; the forecast is the compromise outcome".into());
        }
        let rounds = ctx.rounds.unwrap_or(self.options.rounds);
        check_limits(table, rounds)?;
        let opts = ExchangeOptions { rounds, ..self.options };
        let r = run(table, &opts, ctx.seed);
        let n_ex: usize = r.rounds.iter().map(|x| x.exchanges.len()).sum();
        notes.push(format!(
            "{n_ex} exchange(s) over {rounds} round(s); exact ties in gain broken by ChaCha8 seeded with {}",
            ctx.seed
        ));
        let n = table.n_actors();
        let issues = table
            .issues()
            .iter()
            .enumerate()
            .map(|(k, issue)| {
                let view = table.issue_view(k);
                let mut rounds = vec![round_from_view(0, r.initial_outcomes[k], &view, &view.position, n)];
                for (t, re) in r.rounds.iter().enumerate() {
                    let pos: Vec<f64> =
                        view.actor.iter().map(|&a| re.voting_positions[k][a].unwrap_or(f64::NAN)).collect();
                    rounds.push(round_from_view(t + 1, re.outcomes[k], &view, &pos, n));
                }
                IssueSolution { issue: issue.name.clone(), rounds }
            })
            .collect();
        Solution { model: self.name().to_string(), actors: table.actors().to_vec(), issues, notes, diagnostics: None }
            .check_finite()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Cell, Issue};

    fn opts(rounds: usize) -> ExchangeOptions {
        ExchangeOptions { rounds, ..Default::default() }
    }

    fn cell(p: f64, s: f64, c: f64) -> Option<Cell> {
        Some(Cell { position: p, salience: s, capability: c })
    }

    #[test]
    fn zero_weight_issue_takes_no_part() {
        // Issue y has all saliences 0: S_y = 0, no exchange may involve it, and its outcome is
        // the unweighted mean (0 + 100) / 2 = 50.
        let t = ActorTable::new(
            vec!["a".into(), "b".into()],
            vec![Issue::new_0_100("x"), Issue::new_0_100("y")],
            vec![cell(0.0, 0.9, 1.0), cell(0.0, 0.0, 1.0), cell(100.0, 0.1, 1.0), cell(100.0, 0.0, 1.0)],
        )
        .unwrap();
        let r = run(&t, &opts(3), 0);
        assert!(r.rounds.iter().all(|x| x.exchanges.is_empty()));
        assert_eq!(r.rounds[2].outcomes[1], 50.0);
        let s = Exchange::default().solve(&t, &SolveContext::default()).unwrap();
        assert!(s.notes.iter().any(|n| n.contains("all weights are zero")));
    }

    #[test]
    fn single_issue_is_compromise() {
        let t = ActorTable::new(
            vec!["a".into(), "b".into()],
            vec![Issue::new_0_100("x")],
            vec![cell(0.0, 0.5, 1.0), cell(100.0, 0.5, 3.0)],
        )
        .unwrap();
        let s = Exchange::default().solve(&t, &SolveContext::default()).unwrap();
        assert_eq!(s.issues[0].rounds.len(), 11);
        assert!(s.final_forecasts()[0] == 75.0);
        assert!(s.notes.iter().any(|n| n.contains("single issue")));
    }

    #[test]
    fn missing_cells_excluded() {
        // c has no stance on y, so it cannot trade (x, y); a–b can.
        let t = ActorTable::new(
            vec!["a".into(), "b".into(), "c".into()],
            vec![Issue::new_0_100("x"), Issue::new_0_100("y")],
            vec![
                cell(0.0, 0.8, 1.0),
                cell(0.0, 0.4, 1.0),
                cell(100.0, 0.2, 1.0),
                cell(100.0, 0.6, 1.0),
                cell(100.0, 0.1, 1.0),
                None,
            ],
        )
        .unwrap();
        let r = run(&t, &opts(2), 0);
        for re in &r.rounds {
            for e in &re.exchanges {
                assert!(e.i != 2 && e.j != 2);
            }
            assert_eq!(re.voting_positions[1][2], None);
        }
        assert!(!r.rounds[0].exchanges.is_empty());
    }
}
