//! The observations reader: a good file reads, and each bad file gives its own clear error
//! naming the file, line, column and what was expected.

use std::path::Path;
use truce_forecast::observation::{CivilDate, Observed, Quantity, StartRule, WarState};
use truce_io::observations::{parse_observations, read_observations};
use truce_io::ReadError;

const HEADER: &str = "date,quantity,value,sd,source\n";

fn sides() -> Vec<String> {
    vec!["russia".into(), "ukraine".into()]
}

fn start() -> CivilDate {
    CivilDate { year: 2025, month: 1, day: 1 }
}

/// Writes `body` (after the header unless `raw`) to a file and reads it.
fn read(body: &str) -> Result<truce_forecast::observation::Observations, ReadError> {
    read_with(&format!("{HEADER}{body}"), StartRule::CasualtiesFrom(start()))
}

fn read_with(text: &str, rule: StartRule) -> Result<truce_forecast::observation::Observations, ReadError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("obs.csv");
    std::fs::write(&path, text).unwrap();
    read_observations(&path, &sides(), rule).map_err(|mut e| {
        // Keep only the file name so messages compare across machines.
        e.path = Path::new("obs.csv").to_path_buf();
        e
    })
}

/// The error's text, checked to name the file, line and column.
fn error(body: &str, line: usize, column: Option<usize>) -> String {
    let e = read(body).expect_err("this file must be refused");
    assert_eq!((e.line, e.column), (Some(line), column), "{e}");
    let s = e.to_string();
    assert!(s.starts_with("obs.csv:"), "{s}");
    s
}

#[test]
fn a_good_file_reads() {
    let obs = read(
        "2024-12-31,km2_held,111877,50,\"DeepState, derived\"\n\
         2024-12-31,state,fighting,,no ceasefire\n\
         2025-01-31,km2_held,112202,55,DeepState\n\
         2025-02-28,casualties_russia,120000,5000,estimate\n\
         2025-03-01,state,collapsed_ukraine,,\n",
    )
    .unwrap();
    let rows = obs.rows();
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0].what, Observed::Km2Held { value: 111877.0, sd: 50.0 });
    assert_eq!(rows[0].source, "DeepState, derived");
    assert_eq!(rows[0].line, 2);
    assert_eq!(rows[1].what, Observed::State(WarState::Fighting));
    assert_eq!(rows[3].what, Observed::Casualties { side: 0, value: 120000.0, sd: 5000.0 });
    assert_eq!(rows[4].what, Observed::State(WarState::CollapsedSecond));
    assert_eq!(obs.series(Quantity::Km2Held).count(), 2);
    assert_eq!(obs.before(CivilDate { year: 2025, month: 1, day: 31 }).rows().len(), 2);
}

#[test]
fn a_byte_order_mark_and_blank_lines_are_fine() {
    let text = format!("\u{feff}{HEADER}2025-01-31,km2_held,1,1,x\n\n2025-02-28,km2_held,2,1,x\n");
    assert_eq!(read_with(&text, StartRule::NoCasualties).unwrap().rows().len(), 2);
}

#[test]
fn empty_file() {
    let e = read_with("", StartRule::NoCasualties).unwrap_err();
    assert!(e.to_string().contains("the file is empty; expected the header `date,quantity,value,sd,source`"), "{e}");
}

#[test]
fn wrong_header() {
    let e = read_with("date,quantity,value,source\n", StartRule::NoCasualties).unwrap_err();
    assert_eq!((e.line, e.column), (Some(1), Some(4)));
    assert!(e.to_string().contains("expected exactly `date,quantity,value,sd,source`"), "{e}");
}

#[test]
fn wrong_number_of_fields() {
    let s = error("2025-01-31,km2_held,1,1\n", 2, None);
    assert!(s.contains("4 fields; expected 5"), "{s}");
}

#[test]
fn bad_date() {
    let s = error("31/01/2025,km2_held,1,1,x\n", 2, Some(1));
    assert!(s.contains("field `date`: `31/01/2025` is not a date; expected YYYY-MM-DD"), "{s}");
    let s = error("2025-02-30,km2_held,1,1,x\n", 2, Some(1));
    assert!(s.contains("`2025-02-30` is not a calendar day"), "{s}");
    let s = error(",km2_held,1,1,x\n", 2, Some(1));
    assert!(s.contains("missing date"), "{s}");
}

#[test]
fn unsorted_dates() {
    let s = error("2025-02-28,km2_held,1,1,x\n2025-01-31,km2_held,1,1,x\n", 3, Some(1));
    assert!(s.contains("2025-01-31 comes after 2025-02-28 (line 2); expected dates in ascending order"), "{s}");
}

#[test]
fn unknown_quantity() {
    let s = error("2025-01-31,km2,1,1,x\n", 2, Some(2));
    assert!(
        s.contains("field `quantity`: unknown quantity `km2`; expected km2_held, state or casualties_<side id>"),
        "{s}"
    );
}

#[test]
fn unknown_side() {
    let s = error("2025-01-31,casualties_belarus,1,1,x\n", 2, Some(2));
    assert!(s.contains("unknown side `belarus`"), "{s}");
    assert!(s.contains("`russia` or `ukraine`"), "{s}");
    let s = error("2025-01-31,state,collapsed_belarus,,x\n", 2, Some(3));
    assert!(s.contains("unknown side `belarus` in `collapsed_belarus`"), "{s}");
}

#[test]
fn casualties_before_the_start() {
    let s = error("2024-12-31,casualties_russia,1,1,x\n", 2, Some(1));
    assert!(s.contains("2024-12-31 is before the scenario's start (2025-01-01)"), "{s}");
    // Area and state rows before the start are history for the baselines.
    assert!(read("2024-12-31,km2_held,1,1,x\n2024-12-31,state,fighting,,x\n").is_ok());
}

#[test]
fn casualties_in_a_hindcast() {
    let e = read_with(&format!("{HEADER}2025-01-31,casualties_russia,1,1,x\n"), StartRule::NoCasualties).unwrap_err();
    assert!(e.to_string().contains("a hindcast moves the start to each origin"), "{e}");
}

#[test]
fn nan_and_non_numbers() {
    let s = error("2025-01-31,km2_held,NaN,1,x\n", 2, Some(3));
    assert!(s.contains("field `value`: `NaN` is NaN; expected km² held"), "{s}");
    let s = error("2025-01-31,km2_held,inf,1,x\n", 2, Some(3));
    assert!(s.contains("not finite"), "{s}");
    let s = error("2025-01-31,km2_held,lots,1,x\n", 2, Some(3));
    assert!(s.contains("`lots` is not a number"), "{s}");
    let s = error("2025-01-31,km2_held,1,nan,x\n", 2, Some(4));
    assert!(s.contains("field `sd`: `nan` is NaN"), "{s}");
}

#[test]
fn negative_value() {
    let s = error("2025-01-31,casualties_ukraine,-5,1,x\n", 2, Some(3));
    assert!(s.contains("-5 is negative"), "{s}");
}

#[test]
fn negative_or_zero_sd() {
    let s = error("2025-01-31,km2_held,1,0,x\n", 2, Some(4));
    assert!(s.contains("sd 0 is not positive"), "{s}");
    let s = error("2025-01-31,km2_held,1,-3,x\n", 2, Some(4));
    assert!(s.contains("sd -3 is not positive"), "{s}");
}

#[test]
fn missing_value_and_sd() {
    let s = error("2025-01-31,km2_held,,1,x\n", 2, Some(3));
    assert!(s.contains("missing value; expected km² held"), "{s}");
    let s = error("2025-01-31,km2_held,5,,x\n", 2, Some(4));
    assert!(s.contains("missing value; expected the measurement error"), "{s}");
    let s = error("2025-01-31,state,,,x\n", 2, Some(3));
    assert!(s.contains("missing value; expected a state"), "{s}");
}

#[test]
fn state_not_in_the_list() {
    let s = error("2025-01-31,state,truce,,x\n", 2, Some(3));
    assert!(
        s.contains(
            "`truce` is not a state; expected fighting, ceasefire, settled, low_activity or collapsed_<side id>"
        ),
        "{s}"
    );
}

#[test]
fn sd_given_for_a_state() {
    let s = error("2025-01-31,state,fighting,0.1,x\n", 2, Some(4));
    assert!(s.contains("a state has no sd"), "{s}");
}

#[test]
fn two_values_for_one_quantity_and_date() {
    let s = error("2025-01-31,km2_held,1,1,x\n2025-01-31,km2_held,2,1,y\n", 3, Some(2));
    assert!(s.contains("a second `km2_held` for 2025-01-31 (the first is on line 2)"), "{s}");
}

#[test]
fn parse_alone_needs_no_scenario() {
    let rows =
        parse_observations(Path::new("x.csv"), &format!("{HEADER}2020-01-01,casualties_anyone,3,1,x\n")).unwrap();
    assert_eq!(rows.len(), 1);
}

#[test]
fn the_shipped_observation_files_read() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/observations");
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    for e in entries {
        let p = e.unwrap().path();
        if p.extension().and_then(|x| x.to_str()) == Some("csv") {
            let obs = read_observations(&p, &sides(), StartRule::NoCasualties).unwrap_or_else(|e| panic!("{e}"));
            assert!(obs.series(Quantity::Km2Held).count() >= 10, "{}", p.display());
        }
    }
}
