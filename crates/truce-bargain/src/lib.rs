//! # truce-bargain: the bargaining core
//!
//! Collective-decision models that forecast what a multi-actor negotiation settles on:
//! the weighted median (Black 1948), the compromise model (Achen 2006), the asymmetric Nash
//! bargaining solution, Bueno de Mesquita's expected-utility model as reconstructed by
//! Scholz, Calbert & Smith (2011), KTAB's Spatial Model of Politics and Stokman & Van Oosten's
//! exchange model. Definitions follow `docs/reference/bargaining-models.md`.
//!
//! Invariants: this crate does no I/O, spawns no threads and never reads the clock. Every
//! random draw comes from a generator seeded by the caller ([`SolveContext::seed`]).
//!
//! All models share one input type, [`ActorTable`], and one output type, [`Solution`], and sit
//! behind one small trait, [`BargainingModel`].

pub mod backtest;
pub mod bdm;
pub mod exchange;
pub mod limits;
pub mod mean;
pub mod median;
pub mod model;
pub mod nash;
pub mod registry;
pub mod smp;
pub mod stats;
pub mod table;

pub use model::{BargainingModel, IssueSolution, ModelError, Round, Solution, SolveContext};
pub use table::{ActorTable, Cell, Issue, IssueView, TableError};
