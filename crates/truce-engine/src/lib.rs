//! # truce-engine: the fight–talk engine
//!
//! One run of a war that is fought and negotiated at once, week by week: fight (stochastic
//! attrition, a front that moves with the effective force ratio in operational regimes that
//! stall and turn, an economic war of strikes, sanctions and aid, shocks), learn (each
//! belligerent updates its belief about the front's drift), talk (value of war, a mediator's
//! Nash proposal, amendments, Powell's commitment check, stochastic acceptance by veto
//! players, a ceasefire fallback, concessions and hardening), end (settlement, collapse, low
//! activity). Each week ends in a war state ([`outcome::WarState`]: fighting, low activity,
//! ceasefire in force, settled, a side collapsed); events are dated by the states
//! ([`outcome::WarEvent`]). Design: `docs/reference/fight-talk-model.md`.
//!
//! Invariants: no I/O, no threads, no clock. A run is a pure function of (parameters, seed):
//! every random draw comes from the run's own ChaCha8 stream. The weekly loop does not
//! allocate: a [`sim::Sim`] owns its buffers and is reused across runs.

// Index loops over parallel struct-of-arrays buffers read more clearly than zipped iterators.
#![allow(clippy::needless_range_loop)]

pub mod base_rates;
pub mod builtin;
pub mod calendar;
pub mod calibrate;
pub mod catalogue;
pub mod edit;
pub mod front;
pub mod load;
pub mod objectives;
pub mod outcome;
pub mod params;
pub mod redate;
pub mod scenario;
pub mod sim;
pub mod special;
pub mod suggest;
pub mod talk;
pub mod trace;
pub mod uncertainty;
pub mod weibull;

pub use sim::run_rng;
