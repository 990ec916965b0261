//! # truce-io: reading and writing truce's files
//!
//! Readers for actor tables (the BDM single-issue table, KTAB's multi-issue CSV, the long
//! format), the DEU III data, and atomic file output. Every error names the file, line,
//! column and field and says what was expected.

pub mod deu;
pub mod error;
pub mod ktab;
pub mod observations;
pub mod output;
pub mod table;
pub mod tabular;

pub use error::ReadError;
