#![warn(missing_docs)]
//! The visual layer of truce: self-contained HTML reports (`truce forecast --report`,
//! `truce run --report`) and the interactive page of `truce serve`.
//!
//! No model logic lives here: the crate parses requests, calls the engine and forecast
//! libraries, and renders their results with Apache ECharts (vendored in `assets/`).

pub mod backcast;
pub mod calibration_report;
pub mod charts;
pub mod edit;
pub mod export;
pub mod hindcast_report;
pub mod report;
pub mod server;
