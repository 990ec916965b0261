//! The documented limits of the bargaining core: magnitudes, table sizes and work.
//!
//! Why: every model must return finite numbers or a clear error, and must refuse work that
//! would not finish or would exhaust memory *before* starting it. These checks live in the
//! library, so the CLI, the Python package and the web page all get the same limits and the
//! same messages.
//!
//! - **Magnitudes** ([`MAX_CAPABILITY`], [`MAX_ABS_POSITION`]): with |x| and c at most 1e100,
//!   every product and sum the models form (c·s·x summed over a million cells, (x − d)², the
//!   mirror point 2x − d) stays far below f64's 1.8e308, so no model overflows to inf or NaN.
//!   Only ratios of capabilities matter in every model, so larger ones can be divided by a
//!   common factor.
//! - **Table size** ([`MAX_CELLS`]): actors × issues cells are stored densely; a million cells
//!   is 32 MB. Readers check this before allocating the table.
//! - **Work** ([`MAX_WORK`]): the iterative models estimate their elementary steps from the
//!   table's shape and the number of rounds before they start (BDM: rounds × Σ n_k³ over
//!   issues; SMP: turns × (n³ + n²·m); exchange: rounds × (issue pairs × actor pairs) with its
//!   own memory bound [`MAX_EXCHANGE_CANDIDATES`]). The budget is about a minute of one core.
//!
//! This module holds constants and checks only: no model logic, no I/O.

use crate::model::ModelError;

/// Largest accepted capability. Only ratios matter: divide larger capabilities by a common
/// factor.
pub const MAX_CAPABILITY: f64 = 1e100;

/// Largest accepted |position| (on the issue's own scale) and |status quo|.
pub const MAX_ABS_POSITION: f64 = 1e100;

/// Most cells (actors × issues) a table may have; cells are stored densely.
pub const MAX_CELLS: usize = 1_000_000;

/// Most elementary steps an iterative model may plan to take (about a minute of one core).
pub const MAX_WORK: f64 = 2e10;

/// Most candidate exchanges (issue pairs × actor pairs) the exchange model may hold in one
/// round (about 100 bytes each, twice while they are recomputed: at most about 200 MB).
pub const MAX_EXCHANGE_CANDIDATES: f64 = 1e6;

/// Most positions a solution may report: (rounds + 1) × actors × issues (16 bytes each, so
/// at most 160 MB).
pub const MAX_OUTPUT: f64 = 1e7;

/// Formats a large count readably (`1.3e12`), exact below a million.
pub fn count(x: f64) -> String {
    if x < 1e6 {
        format!("{}", x as u64)
    } else {
        format!("{x:.2e}")
    }
}

/// Refuses a run whose estimated work exceeds [`MAX_WORK`]. `what` describes the estimate
/// (e.g. `10 rounds × 5000³ actors`), `hint` says how to get under the limit.
pub fn check_work(model: &str, work: f64, what: &str, hint: &str) -> Result<(), ModelError> {
    if work.is_finite() && work <= MAX_WORK {
        return Ok(());
    }
    Err(ModelError::TooLarge(format!(
        "{model}: the table needs about {} steps ({what}); the limit is {} (about a minute); {hint}",
        count(work),
        count(MAX_WORK)
    )))
}

/// Refuses a run whose reported trajectory ((rounds + 1) × actors × issues positions) would
/// exceed [`MAX_OUTPUT`].
pub fn check_output(model: &str, rounds: usize, actors: usize, issues: usize) -> Result<(), ModelError> {
    let size = (rounds as f64 + 1.0) * actors as f64 * issues as f64;
    if size <= MAX_OUTPUT {
        return Ok(());
    }
    Err(ModelError::TooLarge(format!(
        "{model}: {rounds} rounds × {actors} actors × {issues} issues would report {} positions; the limit is {}; \
         use fewer rounds",
        count(size),
        count(MAX_OUTPUT)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_check_names_the_estimate() {
        assert!(check_work("bdm", 1e9, "x", "y").is_ok());
        let e = check_work("bdm", 1.25e12, "10 rounds × 5000³", "use fewer actors").unwrap_err();
        let s = e.to_string();
        assert!(s.contains("1.25e12") && s.contains("5000³") && s.contains("fewer actors"), "{s}");
        assert!(check_work("bdm", f64::INFINITY, "x", "y").is_err());
        assert_eq!(count(4950.0), "4950");
        assert!(check_output("bdm", 10, 100, 1).is_ok());
        let e = check_output("bdm", usize::MAX, 2, 1).unwrap_err().to_string();
        assert!(e.contains("fewer rounds"), "{e}");
    }
}
