//! Theatres beside the front (issue 18 item 5; `docs/reference/domains.md`): **sea and air
//! control** (`[[domains]]`) that limits the other side's supply.
//!
//! - **What holding a domain does** ([`Sim::supply_of`]): while its holder holds it, the
//!   other side's supply through it is cut, each channel by its own share — reinforcements
//!   reaching the front (recruits and arriving mobilised personnel, `reinforcement_cut`), aid
//!   delivered to it, given or bought (`aid_cut`), and the level its economy recovers toward,
//!   the trade and oil revenue that moves through the domain (`revenue_cut`) — and an air
//!   domain adds its `strike` to the holder's strikes on the other's economy (interdiction and
//!   strategic bombing; Mahan 1890, Corbett 1911, Olson 1963, Lambert 2012, Pape 1996). Several
//!   domains held against a side multiply their shares let through and add their strikes. The
//!   scenario's recruitment, aid levels and economic potential are what a side would get with
//!   free passage: a domain held at the start cuts them from week 0.
//! - **How control changes** ([`Sim::domains_week`]): each fought week, before the fight, each
//!   domain whose hazard for its state is positive draws once — held: the holder loses it at
//!   `loss_per_year`; lost: regains it at `regain_per_year` — in file order. The uniforms come
//!   from the run's own stream under a new key ([`DomainKey`]: the run's ChaCha8 seed xor
//!   [`DOMAIN_KEY`], the run's stream number, the word position fixed by week and domain), so
//!   no other draw of the run moves and a run stepped in pieces draws the same. Weeks under a
//!   ceasefire draw nothing: control stands still while nobody fights.
//!
//! What the run reads lives in its buffers (`RunBuffers::domains`, the held set, and
//! `RunBuffers::supply`, per side what gets through), so that `Sim::aid` and the fight read
//! it where they read the embargo. Reported to observers ([`super::Observer::domain`], the
//! week's `WeekView::domains`) and in the trace (each week's holders, each change). Without
//! `[[domains]]` nothing here runs or draws, and the supply is 1 on every channel and 0 added
//! strike (products by 1 and sums with 0 are exact): the engine is bit for bit what it was.
//! This module never moves the front, decides a talk or touches an actor's state.

use super::{Observer, Sim, State};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Per side, what the other side's domains let through this week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Supply {
    /// Share of the side's reinforcements that reach the front.
    pub reinforce: f64,
    /// Share of the aid to the side that arrives.
    pub aid: f64,
    /// Share of the level its economy recovers toward that remains.
    pub revenue: f64,
    /// Weekly reduction of its E at intensity 1 added to the other side's strikes.
    pub strike: f64,
}

impl Supply {
    /// Free passage: nothing held against the side.
    pub const FREE: Supply = Supply { reinforce: 1.0, aid: 1.0, revenue: 1.0, strike: 0.0 };
}

/// The key xored into a run's seed for the domains' stream (32 bytes).
pub(super) const DOMAIN_KEY: [u8; 32] = *b"truce/domains/control-hazard/v1!";

/// Where a run's domain draws come from: its ChaCha8 seed xor [`DOMAIN_KEY`] and its stream
/// number (set at each start and reseed from the run's own stream).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct DomainKey {
    seed: [u8; 32],
    stream: u64,
}

impl DomainKey {
    /// The domains' key of a run whose main stream is `rng` (read, not advanced).
    pub fn of(rng: &ChaCha8Rng) -> Self {
        let mut seed = rng.get_seed();
        for (b, k) in seed.iter_mut().zip(DOMAIN_KEY) {
            *b ^= k;
        }
        DomainKey { seed, stream: rng.get_stream() }
    }

    /// The uniform of domain `d` in week `week`: a fixed word position of the key's stream.
    fn uniform(&self, rng: &mut ChaCha8Rng, week: u32, d: usize) -> f64 {
        // Two 32-bit words per f64, `MAX_DOMAINS` (64) slots per week.
        rng.set_word_pos((u128::from(week) * crate::params::MAX_DOMAINS as u128 + d as u128) * 2);
        rng.random()
    }
}

impl Sim {
    /// Control at the start: every domain held by its holder, and the supply that follows.
    pub(super) fn reset_domains(&mut self) {
        let n = self.p.domains.len();
        self.b.domains = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
        self.b.supply = self.supply_of(self.b.domains, false);
    }

    /// Per side, what gets through when the domains in `held` (bit d: domain d) are held by
    /// their holders: the product, in file order, of the shares each lets through, and the
    /// sum of the air strikes. With `corridor` (a trade corridor open, `sim/truces.rs`), its
    /// domain cuts only 1 − `scope` of its revenue cut.
    pub(super) fn supply_of(&self, held: u64, corridor: bool) -> [Supply; 2] {
        let mut supply = [Supply::FREE; 2];
        let open = if corridor { self.p.trade_corridor.as_ref() } else { None };
        for (d, dom) in self.p.domains.iter().enumerate() {
            if held & (1u64 << d) == 0 {
                continue;
            }
            let cut = &mut supply[1 - dom.holder];
            cut.reinforce *= 1.0 - dom.reinforcement_cut;
            cut.aid *= 1.0 - dom.aid_cut;
            let revenue_cut = match open {
                Some(t) if t.domain == d => dom.revenue_cut * (1.0 - t.scope),
                _ => dom.revenue_cut,
            };
            cut.revenue *= 1.0 - revenue_cut;
            cut.strike += dom.strike;
        }
        supply
    }

    /// A fought week's changes of control (the rule of the module docs); the supply follows
    /// at once, so this week's fight feels them. The supply is derived again every fought
    /// week, so a run whose parameters changed mid-run (`Sim::refresh`, a particle filter's
    /// rejuvenation) fights under its new shares from its next week.
    pub(super) fn domains_week<O: Observer>(&mut self, st: &State, observer: &mut O) {
        let mut rng: Option<ChaCha8Rng> = None;
        let mut held = self.b.domains;
        for (d, dom) in self.p.domains.iter().enumerate() {
            let bit = 1u64 << d;
            let holds = held & bit != 0;
            let rate = if holds { dom.loss_per_year } else { dom.regain_per_year };
            if rate <= 0.0 {
                continue;
            }
            let r = rng.get_or_insert_with(|| {
                let mut r = ChaCha8Rng::from_seed(st.domain_key.seed);
                r.set_stream(st.domain_key.stream);
                r
            });
            if st.domain_key.uniform(r, st.week, d) < -(-rate / 52.0).exp_m1() {
                held ^= bit;
                observer.domain(st.week, d, !holds);
            }
        }
        self.b.domains = held;
        self.b.supply = self.supply_of(held, st.corridor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_differs_from_the_run_stream_and_its_draws_are_fixed_by_week_and_domain() {
        let run = crate::sim::run_rng(7, 3);
        let k = DomainKey::of(&run);
        assert_ne!(k.seed, run.get_seed());
        assert_eq!(k.stream, 3);
        let mut r = ChaCha8Rng::from_seed(k.seed);
        r.set_stream(k.stream);
        let a = k.uniform(&mut r, 10, 2);
        let _ = k.uniform(&mut r, 4, 0);
        assert_eq!(k.uniform(&mut r, 10, 2), a, "a draw depends on (week, domain) only");
        assert_ne!(k.uniform(&mut r, 10, 3), a);
        assert!((0.0..1.0).contains(&a));
    }
}
