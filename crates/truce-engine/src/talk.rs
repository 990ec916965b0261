//! The negotiation's utilities and the mediator's proposal.
//!
//! - **Utility of a deal** d for actor i: salience-weighted closeness to i's current position,
//!   u_i(d) = −Σ_k ŝ_ik |d_k − x_ik| / 100 (ŝ normalised to sum 1, so u ∈ [−1, 0]), minus the
//!   audience cost a_ik per 100 points conceded past a public red line, minus, for a
//!   belligerent, the future power the deal takes from it (Powell 2006: terms that shift
//!   power, e.g. ceding a fortified belt or capping an army), discounted by the credibility
//!   g of third-party guarantees.
//! - **Proposal**: the mediator maximises the weighted Nash product
//!   Π_i (u_i(d) − V_i)^{w_i} over the two belligerents' gains over their values of war
//!   (Nash 1950; Kalai 1977's asymmetric form), weights w_i = leverage. Utilities are
//!   separable, concave and piecewise linear in each issue, so the Pareto frontier is found
//!   exactly by sorting issue segments by the rate at which one side's gain buys the other's
//!   loss (a fractional knapsack), and the product is maximised in closed form on the
//!   segment where its derivative changes sign. No iteration, no allocation.
//! - **Prevailing probability** for Powell's check: a Tullock contest q = ρ² / (1 + ρ²) of the
//!   effective force ratio ρ (Tullock 1980; Hirshleifer 1989).
//! - **Why a round failed** ([`Blocker`]): the one list of causes that block talks, in the
//!   order in which a failed round is attributed to them.
//!
//! This module computes utilities and names causes; it holds no run state and draws nothing.

use crate::params::Params;
use serde::Serialize;

/// What blocked the talks due in a week: the one list of causes (the forecast's "why" table
/// iterates [`Blocker::ALL`]). A failed round is attributed to the first cause that applies,
/// in this order (`docs/reference/war-endings.md` §5):
///
/// 1. [`Blocker::NoTalks`]: a scheduled round was not held (the mediator's attention had
///    lapsed, or talks were suspended);
/// 2. [`Blocker::Commitment`]: some deal beat war for both belligerents, but the proposal
///    failed a belligerent's commitment check (Powell 2006);
/// 3. [`Blocker::RedLine`]: a veto player (or, when no deal beat war, a belligerent asked to
///    freeze the line) refused, and would not have without the audience cost of a public red
///    line;
/// 4. [`Blocker::Margin`]: some deal beat war for both, but a veto player's margin over war
///    (after amendments, with the noise of acceptance) made it refuse;
/// 5. [`Blocker::NoRange`]: no deal beat war for both belligerents, and the freeze at the line
///    was refused for reasons other than a red line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Blocker {
    /// A scheduled round was not held.
    NoTalks,
    /// The commitment check failed.
    Commitment,
    /// A public red line's audience cost.
    RedLine,
    /// A veto player's margin over war.
    Margin,
    /// No deal beat war for both belligerents.
    NoRange,
}

impl Blocker {
    /// All causes, in reporting order.
    pub const ALL: [Blocker; 5] =
        [Blocker::Margin, Blocker::RedLine, Blocker::Commitment, Blocker::NoRange, Blocker::NoTalks];
    /// The number of causes (the length of per-cause arrays).
    pub const COUNT: usize = Self::ALL.len();

    /// Position in [`Blocker::ALL`] (the index of per-cause arrays).
    pub fn index(self) -> usize {
        match self {
            Blocker::Margin => 0,
            Blocker::RedLine => 1,
            Blocker::Commitment => 2,
            Blocker::NoRange => 3,
            Blocker::NoTalks => 4,
        }
    }

    /// Snake-case name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Blocker::NoTalks => "no_talks",
            Blocker::Commitment => "commitment",
            Blocker::RedLine => "red_line",
            Blocker::Margin => "margin",
            Blocker::NoRange => "no_range",
        }
    }

    /// The label a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Blocker::NoTalks => "no talks held",
            Blocker::Commitment => "commitment check",
            Blocker::RedLine => "a red line",
            Blocker::Margin => "a veto player's margin",
            Blocker::NoRange => "no open range",
        }
    }
}

/// Probability that the first side prevails, from the effective force ratio.
#[inline]
pub fn prevail(rho: f64) -> f64 {
    let r2 = rho * rho;
    r2 / (1.0 + r2)
}

/// What utilities depend on during a round: the read-only inputs of a talk round, built once
/// per round and shared by the proposal, the votes and the ceasefire fallback.
pub struct UtilityContext<'a> {
    /// The run's parameters (red lines, audience costs, power shifts, roles).
    pub p: &'a Params,
    /// Current advocated positions (actor-major).
    pub pos: &'a [f64],
    /// Saliences normalised per actor.
    pub nsal: &'a [f64],
    /// No-deal values per issue (the line for the territorial issue).
    pub nodeal: &'a [f64],
    /// Credibility of third-party guarantees in [0, 1].
    pub guarantee: f64,
    /// Per actor, the share of its red lines' audience costs that applies now (a non-culpable
    /// successor's, lightened by ripeness).
    pub audience: &'a [f64],
    /// Public red lines now (actor-major, as `Params::red_line`; they move with a side's
    /// fortunes where its aims do, `sim/aims.rs`).
    pub red_line: &'a [f64],
}

// `issue_utility` is the hot spot of a talk round (the frontier search evaluates it at every
// breakpoint). Its parts are forced inline: left to LLVM, inlining them flipped with unrelated
// edits elsewhere in the crate and cost about 8% of a run's instructions.
impl UtilityContext<'_> {
    /// Utility of actor `a` for value `x` on issue `k`, deal terms included.
    #[inline]
    pub fn issue_utility(&self, a: usize, k: usize, x: f64) -> f64 {
        let m = self.p.n_issues();
        let i = a * m + k;
        let u = -self.nsal[i] * (x - self.pos[i]).abs() / 100.0;
        u + self.issue_utility_audience(a, k, x) - (1.0 - self.guarantee) * self.issue_power_loss(a, k, x)
    }

    /// The audience-cost part of [`Self::issue_utility`] (≤ 0).
    #[inline(always)]
    pub fn issue_utility_audience(&self, a: usize, k: usize, x: f64) -> f64 {
        let i = a * self.p.n_issues() + k;
        let r = self.red_line(a, k);
        if !r.is_finite() {
            return 0.0;
        }
        let beyond = if self.p.position[i] >= r { (r - x).max(0.0) } else { (x - r).max(0.0) };
        -self.p.audience_cost[i] * self.audience[a] * beyond / 100.0
    }

    /// Actor `a`'s red line on issue `k` now (the line of control if it follows the line).
    #[inline(always)]
    pub fn red_line(&self, a: usize, k: usize) -> f64 {
        if self.p.follows_line[a] && Some(k) == self.p.territorial {
            self.nodeal[k]
        } else {
            self.red_line[a * self.p.n_issues() + k]
        }
    }

    /// Future power (probability points) actor `a`'s side loses if issue `k` is settled at `x`.
    #[inline(always)]
    pub fn issue_power_loss(&self, a: usize, k: usize, x: f64) -> f64 {
        let ps = self.p.power_shift[k];
        if ps == 0.0 || self.p.role[a] != crate::scenario::Role::Belligerent {
            return 0.0;
        }
        let shift = ps * (x - self.nodeal[k]);
        match self.p.side_of[a] {
            Some(0) => (-shift).max(0.0),
            Some(_) => shift.max(0.0),
            None => 0.0,
        }
    }

    /// Total power loss of a deal for actor `a`.
    pub fn power_loss(&self, a: usize, d: &[f64]) -> f64 {
        d.iter().enumerate().map(|(k, &x)| self.issue_power_loss(a, k, x)).sum()
    }

    /// Utility of a deal, audience costs and power losses included.
    pub fn deal_utility(&self, a: usize, d: &[f64]) -> f64 {
        d.iter().enumerate().map(|(k, &x)| self.issue_utility(a, k, x)).sum()
    }

    /// Salience-weighted closeness only (no audience cost, no power term): the value of an
    /// outcome that is not a negotiated concession (the battlefield line, a ceasefire).
    pub fn base_utility(&self, a: usize, d: &[f64]) -> f64 {
        let m = self.p.n_issues();
        d.iter().enumerate().map(|(k, &x)| -self.nsal[a * m + k] * (x - self.pos[a * m + k]).abs() / 100.0).sum()
    }
}

/// One actor's utility on one issue as plain numbers (`UtilityContext::issue_law`): the
/// frontier search evaluates it at every breakpoint, so the lookups, the red line's side and
/// the power-loss branch of [`UtilityContext::issue_utility`] are resolved once per issue.
/// [`IssueLaw::at`] performs exactly the same floating-point operations, in the same order, as
/// `issue_utility`, so the two agree bit for bit (tested).
#[derive(Debug, Clone, Copy)]
struct IssueLaw {
    /// −ŝ_ik, the normalised salience negated (the closeness term's factor).
    neg_sal: f64,
    /// The actor's advocated position x_ik.
    pos: f64,
    /// The red line now, when finite.
    red: Option<f64>,
    /// Whether the actor's stated position lies at or above its red line.
    up: bool,
    /// −a_ik × the actor's audience share (the audience term's factor).
    audience: f64,
    /// Power shift of the issue and the belligerent's side, when a deal here can cost power.
    power: Option<(f64, usize)>,
    /// The no-deal value of the issue (power is lost relative to it).
    nodeal: f64,
    /// 1 − the guarantees' credibility.
    exposed: f64,
}

impl IssueLaw {
    /// The utility at `x` (as [`UtilityContext::issue_utility`]).
    #[inline(always)]
    fn at(&self, x: f64) -> f64 {
        let u = self.neg_sal * (x - self.pos).abs() / 100.0;
        let audience = match self.red {
            None => 0.0,
            Some(r) => {
                let beyond = if self.up { (r - x).max(0.0) } else { (x - r).max(0.0) };
                self.audience * beyond / 100.0
            }
        };
        let loss = match self.power {
            None => 0.0,
            Some((ps, side)) => {
                let shift = ps * (x - self.nodeal);
                if side == 0 {
                    (-shift).max(0.0)
                } else {
                    shift.max(0.0)
                }
            }
        };
        u + audience - self.exposed * loss
    }
}

impl UtilityContext<'_> {
    /// Actor `a`'s utility on issue `k` resolved to an [`IssueLaw`].
    #[inline(always)]
    fn issue_law(&self, a: usize, k: usize) -> IssueLaw {
        let i = a * self.p.n_issues() + k;
        let r = self.red_line(a, k);
        let ps = self.p.power_shift[k];
        let power = if ps == 0.0 || self.p.role[a] != crate::scenario::Role::Belligerent {
            None
        } else {
            self.p.side_of[a].map(|side| (ps, side))
        };
        IssueLaw {
            neg_sal: -self.nsal[i],
            pos: self.pos[i],
            red: r.is_finite().then_some(r),
            up: self.p.position[i] >= r,
            audience: -self.p.audience_cost[i] * self.audience[a],
            power,
            nodeal: self.nodeal[k],
            exposed: 1.0 - self.guarantee,
        }
    }
}

/// Sorts a handful of values by `f64::total_cmp` (insertion sort: the breakpoints of one issue
/// are at most eight, where the library sort's set-up costs more than the sort). Any correct
/// sort gives the same result under a total order.
#[inline]
fn sort_few(v: &mut [f64]) {
    for i in 1..v.len() {
        let x = v[i];
        let mut j = i;
        while j > 0 && v[j - 1].total_cmp(&x) == std::cmp::Ordering::Greater {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
    }
}

/// One linear piece of the frontier: moving issue `k` from `from` to `to` gains the first
/// belligerent `gain` and costs the second `loss`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// Issue index.
    pub k: usize,
    /// Value of the issue where the piece starts.
    pub from: f64,
    /// Value of the issue where the piece ends.
    pub to: f64,
    /// The first belligerent's utility gain along the piece.
    pub gain: f64,
    /// The second belligerent's utility loss along the piece (negative: it gains too).
    pub loss: f64,
    order: u32,
    /// gain / loss (∞ where the second side gains too): the greedy order's key.
    rate: f64,
}

/// Result of a frontier search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrontierResult {
    /// Some deal gives both belligerents more than their values of war.
    pub range_open: bool,
    /// The Nash proposal was found (written to the deal buffer).
    pub solved: bool,
}

/// The most breakpoints one issue's two utilities have: 0, 100, both positions, both red
/// lines and the no-deal value of an issue that shifts power.
const MAX_POINTS: usize = 7;

/// The frontier search's workspace: one issue's breakpoints and both belligerents' utilities
/// at them (fixed arrays: the search never allocates).
pub struct Frontier {
    points: [f64; MAX_POINTS],
    u0: [f64; MAX_POINTS],
    u1: [f64; MAX_POINTS],
}

impl Frontier {
    /// The workspace for a search over `m` issues (its size does not depend on `m`: the
    /// search holds one issue's breakpoints at a time).
    pub fn with_capacity(m: usize) -> Self {
        let _ = m;
        Frontier { points: [0.0; MAX_POINTS], u0: [0.0; MAX_POINTS], u1: [0.0; MAX_POINTS] }
    }

    /// Maximises the weighted Nash product of the two belligerents' gains over `v`.
    /// Writes the proposal into `deal` when one exists.
    pub fn solve(
        &mut self,
        ctx: &UtilityContext<'_>,
        who: [usize; 2],
        v: [f64; 2],
        w: [f64; 2],
        segs: &mut Vec<Segment>,
        deal: &mut [f64],
    ) -> FrontierResult {
        let m = ctx.p.n_issues();
        segs.clear();
        let (a0, a1) = (who[0], who[1]);
        let mut order = 0u32;
        let mut u = [0.0; 2];
        for k in 0..m {
            // Breakpoints of both piecewise-linear utilities on [0, 100].
            let (law0, law1) = (ctx.issue_law(a0, k), ctx.issue_law(a1, k));
            let all = &mut self.points;
            all[..4].copy_from_slice(&[0.0, 100.0, law0.pos, law1.pos]);
            let mut n = 4;
            for r in [law0.red, law1.red].into_iter().flatten() {
                all[n] = r;
                n += 1;
            }
            if ctx.p.power_shift[k] != 0.0 {
                all[n] = ctx.nodeal[k].clamp(0.0, 100.0);
                n += 1;
            }
            sort_few(&mut all[..n]);
            // Drop repeats (as `Vec::dedup`: each value against the last one kept).
            let mut kept = 1;
            for i in 1..n {
                if all[i] != all[kept - 1] {
                    all[kept] = all[i];
                    kept += 1;
                }
            }
            let pts = &all[..kept];
            // Both utilities at every breakpoint, computed once.
            let (u0, u1) = (&mut self.u0[..kept], &mut self.u1[..kept]);
            for (j, &x) in pts.iter().enumerate() {
                u0[j] = law0.at(x);
                u1[j] = law1.at(x);
            }
            let (u0, u1) = (&*u0, &*u1);
            // Start at the second belligerent's best point, walk toward the first's.
            let best = |mine: &[f64], other: &[f64]| -> usize {
                let mut bi = 0;
                for j in 1..mine.len() {
                    if mine[j] > mine[bi] || (mine[j] == mine[bi] && other[j] > other[bi]) {
                        bi = j;
                    }
                }
                bi
            };
            let start = best(u1, u0);
            let end = best(u0, u1);
            deal[k] = pts[start];
            // The utilities of the starting deal, summed over issues in order (computed
            // above: the laws at the starting point).
            u[0] += u0[start];
            u[1] += u1[start];
            if start == end {
                continue;
            }
            let step: isize = if end > start { 1 } else { -1 };
            let mut j = start as isize;
            while j != end as isize {
                let (i0, i1) = (j as usize, (j + step) as usize);
                let (x0, x1) = (pts[i0], pts[i1]);
                let gain = u0[i1] - u0[i0];
                let loss = u1[i0] - u1[i1];
                if gain <= 0.0 {
                    break;
                }
                let rate = if loss <= 0.0 { f64::INFINITY } else { gain / loss };
                segs.push(Segment { k, from: x0, to: x1, gain, loss, order, rate });
                order += 1;
                j += step;
            }
        }
        // Greedy by rate gain/loss (concavity keeps each issue's own pieces in order): an
        // insertion sort, the pieces being few; the order is total (ties broken by `order`),
        // so any correct sort gives the same sequence.
        for i in 1..segs.len() {
            let s = segs[i];
            let mut j = i;
            while j > 0 && s.rate.total_cmp(&segs[j - 1].rate).then(segs[j - 1].order.cmp(&s.order)).is_gt() {
                segs[j] = segs[j - 1];
                j -= 1;
            }
            segs[j] = s;
        }
        let (mut g0, mut g1) = (u[0] - v[0], u[1] - v[1]);
        let mut open = g0 > 0.0 && g1 > 0.0;
        for s in segs.iter() {
            let (a, b) = (s.gain, s.loss);
            // Feasible part of the segment: g0 + aτ > 0 and g1 − bτ > 0. On a piece where the
            // second side gains too (b < 0) its surplus grows, so it bounds τ from below.
            let lo0 = if g0 > 0.0 { 0.0 } else { -g0 / a };
            let lo1 = if g1 > 0.0 {
                0.0
            } else if b < 0.0 {
                g1 / b
            } else {
                f64::INFINITY
            };
            let lo = lo0.max(lo1);
            let hi = if b > 0.0 { g1 / b } else { f64::INFINITY };
            if lo >= 1.0 && hi >= 1.0 {
                // Still short of a side's value of war: take the whole piece.
                deal[s.k] = s.to;
                g0 += a;
                g1 -= b;
                continue;
            }
            if lo >= hi || hi <= 0.0 {
                // The second side's gain runs out before the first side's appears.
                return FrontierResult { range_open: open, solved: false };
            }
            open = true;
            // Stationary point of w0 ln(g0 + aτ) + w1 ln(g1 − bτ).
            let tau = if b <= 0.0 { 1.0 } else { (w[0] * a * g1 - w[1] * b * g0) / (a * b * (w[0] + w[1])) };
            let tau = tau.clamp(lo, hi.min(1.0));
            if tau >= 1.0 {
                deal[s.k] = s.to;
                g0 += a;
                g1 -= b;
                continue;
            }
            deal[s.k] = s.from + tau * (s.to - s.from);
            return FrontierResult { range_open: true, solved: true };
        }
        FrontierResult { range_open: open, solved: open && g0 > 0.0 && g1 > 0.0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_str;

    /// The frontier's resolved per-issue law is `issue_utility` bit for bit, for every actor,
    /// issue and value, with red lines that follow the line, guarantees and power shifts.
    #[test]
    fn issue_law_is_issue_utility_bit_for_bit() {
        let l = load_str("u", crate::builtin::builtin("ukraine-2025-12").unwrap()).unwrap();
        let p = &l.params;
        let m = p.n_issues();
        let nsal: Vec<f64> = (0..p.n_actors() * m).map(|i| 0.05 + (i % 7) as f64 * 0.11).collect();
        let audience: Vec<f64> = (0..p.n_actors()).map(|a| 0.3 + a as f64 * 0.17).collect();
        let mut red_line = p.red_line.clone();
        red_line[0] = f64::INFINITY;
        let mut power_checked = false;
        for nodeal in [vec![85.2, 0.0, 50.0, 10.0], vec![-3.0, 100.0, 0.5, 99.0]] {
            for guarantee in [0.0, 0.2, 1.0] {
                let ctx = UtilityContext {
                    p,
                    pos: &p.position,
                    nsal: &nsal,
                    nodeal: &nodeal,
                    guarantee,
                    audience: &audience,
                    red_line: &red_line,
                };
                for a in 0..p.n_actors() {
                    for k in 0..m {
                        let law = ctx.issue_law(a, k);
                        power_checked |= law.power.is_some();
                        for j in -40..=1040 {
                            let x = j as f64 / 10.0 + 0.013;
                            assert_eq!(
                                law.at(x).to_bits(),
                                ctx.issue_utility(a, k, x).to_bits(),
                                "actor {a} issue {k} x {x}"
                            );
                        }
                    }
                }
            }
        }
        assert!(power_checked, "the default scenario has an issue that shifts power");
    }

    #[test]
    fn sort_few_sorts_by_total_order() {
        let mut v = [3.0, -0.0, 0.0, f64::INFINITY, -1.5, 3.0, 100.0, 0.0];
        let mut w = v;
        sort_few(&mut v);
        w.sort_unstable_by(f64::total_cmp);
        assert_eq!(v.map(f64::to_bits), w.map(f64::to_bits));
    }

    /// Brute force over a grid agrees with the frontier search on the default scenario.
    #[test]
    fn frontier_maximises_the_nash_product() {
        let l = load_str("u", crate::builtin::builtin("ukraine-2025-12").unwrap()).unwrap();
        let p = &l.params;
        let m = p.n_issues();
        let mut nsal = vec![0.0; p.n_actors() * m];
        for a in 0..p.n_actors() {
            let s: f64 = (0..m).map(|k| p.salience[a * m + k]).sum();
            for k in 0..m {
                nsal[a * m + k] = p.salience[a * m + k] / s;
            }
        }
        let nodeal = vec![85.2, 0.0, 50.0, 10.0];
        let audience = vec![1.0; p.n_actors()];
        let ctx = UtilityContext {
            p,
            pos: &p.position,
            nsal: &nsal,
            nodeal: &nodeal,
            guarantee: 0.2,
            audience: &audience,
            red_line: &p.red_line,
        };
        let who = [p.sides[0].belligerent, p.sides[1].belligerent];
        let w = [1.0, 0.6];
        for v in [[-0.45, -0.45], [-0.40, -0.30], [-0.50, -0.55], [-0.2, -0.2]] {
            let mut f = Frontier::with_capacity(m);
            let mut segs = Vec::new();
            let mut deal = vec![0.0; m];
            let r = f.solve(&ctx, who, v, w, &mut segs, &mut deal);
            let obj = |d: &[f64]| {
                let (g0, g1) = (ctx.deal_utility(who[0], d) - v[0], ctx.deal_utility(who[1], d) - v[1]);
                if g0 > 0.0 && g1 > 0.0 {
                    w[0] * g0.ln() + w[1] * g1.ln()
                } else {
                    f64::NEG_INFINITY
                }
            };
            // Grid search on 5-point steps (21^4 deals).
            let mut best = f64::NEG_INFINITY;
            for a in 0..21 {
                for b in 0..21 {
                    for c in 0..21 {
                        for e in 0..21 {
                            let d = [a as f64 * 5.0, b as f64 * 5.0, c as f64 * 5.0, e as f64 * 5.0];
                            best = best.max(obj(&d));
                        }
                    }
                }
            }

            if best.is_finite() {
                assert!(r.solved && r.range_open, "{v:?}: the grid found a deal but the frontier did not");
                assert!(obj(&deal) >= best - 1e-9, "{v:?}: frontier {} < grid {best}", obj(&deal));
            } else {
                assert!(!r.solved, "{v:?}: no grid deal beats war, yet the frontier solved");
            }
        }
    }
}
