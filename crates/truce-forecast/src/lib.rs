//! # truce-forecast: the ensemble-forecast core
//!
//! An ensemble forecast runs the fight–talk simulation many times (up to 10⁷ runs) under
//! parameter uncertainty and summarises the outcomes. This crate holds the two pure pieces
//! that shape that:
//!
//! - [`uncertainty`] (defined in `truce-engine`, whose scenarios carry it): parameter distributions sampled by inverse CDF, and a Gaussian copula
//!   for correlated parameters ([`Dist`], [`UncertaintySet`]);
//! - [`aggregate`]: streaming summaries whose `merge` is exact, associative and commutative
//!   ([`Histogram`], [`FixedSum`], [`Incidence`], [`RankSample`], [`WeekHistograms`], and
//!   [`ByDate`] / [`AtDate`] for events by date and states at date), so the result is the
//!   same bit for bit for any thread count or sharding, and memory does not grow with the
//!   number of runs. A week's distribution comes out as a [`score::PiecewiseUniform`] for
//!   proper scores (see [`ensemble`]'s "Distributions for proper scores").
//!
//! - [`ensemble`]: the parallel driver (on the caller's rayon pool) and [`summary`]: the
//!   forecast a person reads; [`part`]: shard files and their merge; [`hash`]: the one
//!   stable hash (fingerprints, checksums).
//! - [`job`]: **the** definition of a forecast (scenario source, edits, runs, seed, horizon,
//!   shard, threads), validated, fingerprinted and run. The CLI, the page and Python only
//!   translate their input into a [`job::ForecastJob`] and render its result.
//!
//! Invariants: the only I/O is [`job::Source::read`] reading a named scenario file; nothing
//! is ever written and the clock is never read. The ensemble runs on the caller's rayon pool;
//! the only threads of the crate's own are the pool of a job that asks for a thread count.
//! Each run's randomness comes from [`run_rng`], which depends only on (seed, run index), so
//! results do not depend on the shell, the thread count or the sharding.
//!
//! How a driver uses it (the engine call is a stand-in):
//!
//! ```
//! use truce_forecast::{run_rng, Dist, Histogram, Incidence, ParamSpec, UncertaintySet};
//!
//! let set = UncertaintySet::new(
//!     vec![
//!         ParamSpec { path: "north.strength".into(), dist: Dist::Normal { mean: 85.0, sd: 20.0 } },
//!         ParamSpec { path: "south.resolve".into(), dist: Dist::Uniform { low: 0.2, high: 0.8 } },
//!     ],
//!     Some(vec![(0, 1, -0.4)]),
//! )
//! .unwrap();
//! // One shard per worker, each covering any subset of run indices.
//! let mut shards = vec![(Incidence::new(2, 157), Histogram::new(0.0, 200.0, 400).unwrap()); 2];
//! let mut params = vec![0.0; set.len()];
//! for run in 0..1000u64 {
//!     let mut rng = run_rng(2026, run);
//!     set.sample_into(&mut rng, &mut params);
//!     let weeks = (params[0] * params[1]) as u32; // stand-in for the engine
//!     let (inc, hist) = &mut shards[(run % 2) as usize];
//!     if weeks < 157 { inc.record(0, weeks) } else { inc.record_censored() }
//!     hist.add(params[0]);
//! }
//! let (mut inc, mut hist) = shards[0].clone();
//! inc.merge(&shards[1].0).unwrap();
//! hist.merge(&shards[1].1).unwrap();
//! assert_eq!(inc.runs(), 1000);
//! let total: f64 = inc.cumulative(0, 156) + inc.cumulative(1, 156) + inc.ongoing(156);
//! assert!((total - 1.0).abs() < 1e-12);
//! ```

pub mod abc;
pub mod aggregate;
pub mod assimilate;
pub mod backcast;
pub mod baseline;
pub mod calibration;
pub mod ensemble;
pub mod filter;
pub mod hash;
pub mod hindcast;
pub mod in_place;
pub mod job;
pub mod ledger;
pub mod observation;
pub mod part;
pub mod pomp;
pub mod saved;
pub mod score;
pub mod scorecard;
pub mod selection;
pub mod summary;

pub use aggregate::{
    AtDate, ByDate, FixedSum, Histogram, Incidence, MergeError, RangeError, RankSample, WeekHistograms, FIXED_SCALE,
};
pub use truce_engine::run_rng;
pub use truce_engine::special::{norm_cdf, norm_inv};
pub use truce_engine::uncertainty::{self, Dist, ParamSpec, UncertaintyError, UncertaintySet, UncertaintySpec};
