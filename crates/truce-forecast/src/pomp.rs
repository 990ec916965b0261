//! A partially observed Markov process (POMP), the model interface of the particle filter
//! ([`crate::filter`]) and, later, of calibration: the names follow R's `pomp` (King, Nguyen &
//! Ionides 2016; `forecast-evaluation.md` §4.1 and §4.7).
//!
//! A model says how to draw a particle at time zero (`rinit`), how to move it to the next
//! observation (`rprocess`) and how likely an observation is given the particle
//! (`dmeasure`, in log space). Static parameters a particle carries are exposed on an
//! unconstrained estimation scale (`params`/`set_params`) so that the filter can rejuvenate
//! them (Liu & West 2001) without knowing what they mean.
//!
//! Implementations must be pure: randomness only from the generator they are handed (the
//! filter derives it from the master seed and the *child slot*, §6), no I/O, no clock, and a
//! workspace ([`Pomp::Work`]) that never carries anything from one particle to the next that
//! could change a result — the filter reuses workspaces across particles however the thread
//! pool schedules them.

use rand_chacha::ChaCha8Rng;

/// One partially observed Markov process.
pub trait Pomp: Sync {
    /// A particle: the latent state (and whatever static parameters it carries).
    type State: Clone + Send + Sync;
    /// One observation (or a set of observations at one time).
    type Obs: Sync;
    /// A per-thread workspace (buffers), created by [`Pomp::workspace`].
    type Work: Send;

    /// A fresh workspace.
    fn workspace(&self) -> Self::Work;
    /// Draws particle `slot` at time zero ("samples from the distribution of the state
    /// process at the zero-time"), from `rng`, the slot's own stream.
    fn rinit(&self, work: &mut Self::Work, slot: u64, rng: &mut ChaCha8Rng) -> Self::State;
    /// Advances a particle from the previous observation time to the time of observation
    /// `t` (0-based; `t` = the number of observations means "to the end", after the last),
    /// with `rng` the child slot's stream for this step.
    fn rprocess(&self, work: &mut Self::Work, x: &mut Self::State, t: usize, rng: &mut ChaCha8Rng);
    /// log density of observation `y` (the `t`-th) given the particle; may be
    /// `f64::NEG_INFINITY` (impossible), never NaN or +∞.
    fn dmeasure(&self, y: &Self::Obs, x: &Self::State, t: usize) -> f64;
    /// The particle's static parameters on the estimation scale (unconstrained); empty when
    /// the model carries none.
    fn params<'a>(&self, _x: &'a Self::State) -> &'a [f64] {
        &[]
    }
    /// Sets the particle's static parameters from values on the estimation scale (the
    /// rejuvenation kernel's output).
    fn set_params(&self, _work: &mut Self::Work, _x: &mut Self::State, _est: &[f64]) {}
}
