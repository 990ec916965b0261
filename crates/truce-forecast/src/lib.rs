//! # truce-forecast: the ensemble-forecast core
//!
//! An ensemble forecast runs the fight–talk simulation many times (up to 10⁷ runs) under
//! parameter uncertainty and summarises the outcomes. This crate holds the two pure pieces
//! that shape that:
//!
//! - [`uncertainty`]: parameter distributions sampled by inverse CDF, and a Gaussian copula
//!   for correlated parameters ([`Dist`], [`UncertaintySet`]);
//! - [`aggregate`]: streaming summaries whose `merge` is exact, associative and commutative
//!   ([`Histogram`], [`FixedSum`], [`Incidence`], [`RankSample`], [`WeekHistograms`]), so
//!   the result is the same bit for bit for any thread count or sharding, and memory does not
//!   grow with the number of runs.
//!
//! Invariants: this crate does no I/O, spawns no threads and never reads the clock. Each run's
//! randomness comes from [`run_rng`], which depends only on (seed, run index).

pub mod aggregate;
mod special;
pub mod uncertainty;

pub use aggregate::{
    FixedSum, Histogram, Incidence, MergeError, RankSample, WeekHistograms, FIXED_SCALE,
};
pub use special::{norm_cdf, norm_inv};
pub use uncertainty::{Dist, ParamSpec, UncertaintyError, UncertaintySet, UncertaintySpec};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The random stream of run `run_index` under `seed`: ChaCha8 keyed by the seed, on stream
/// number `run_index`. Why: a run's draws then depend only on (seed, run index), never on
/// which thread or shard ran it, and streams of different runs never overlap.
pub fn run_rng(seed: u64, run_index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(run_index);
    rng
}
