//! Parser properties (issue 16), run by the normal `cargo test`: no reader panics on
//! arbitrary bytes or strings, whether random, shaped like each format, or a shipped file with
//! random edits; and every error carries the file name. Deeper, coverage-guided runs of the
//! same readers are the fuzz targets (`docs/fuzzing.md`).
use proptest::prelude::*;
use std::path::Path;
use truce_io::deu::{observed_issues, parse_deu, parse_deu_bytes, Capability, ACTOR_CODES};
use truce_io::table::{parse_table, parse_table_bytes};

fn data(p: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data").join(p)).unwrap()
}

/// Text from the characters that matter to the readers.
fn csvish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just(","),
            Just("\""),
            Just("#"),
            Just("\n"),
            Just("\r\n"),
            Just(" "),
            Just("\t"),
            Just("$$"),
            Just("&quot;"),
            Just("-"),
            Just("."),
            Just("e"),
            Just("1e308"),
            Just("NaN"),
            Just("999"),
            Just("0"),
            Just("50"),
            Just("100"),
            Just("a"),
            Just("é"),
            Just("\u{feff}"),
        ],
        0..120,
    )
    .prop_map(|v| v.concat())
}

/// A table-shaped text: one of the headers, then cells from `csvish`.
fn table_text() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just("actor,capability,position,salience\n".to_string()),
            Just("actor,issue,position,salience,capability\n".to_string()),
            Just("S,D,3,2\nActor,Description,Power,P1,S1,P2,S2\n".to_string()),
            Just("S,D,4,1,\nActor,Description,Power,P,S,\n".to_string()),
        ],
        csvish(),
    )
        .prop_map(|(h, body)| h + &body)
}

fn check_err(e: &truce_io::ReadError) {
    assert!(e.to_string().starts_with("t.csv") || e.to_string().starts_with("d.tsv"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn tables_never_panic_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Err(e) = parse_table_bytes(Path::new("t.csv"), bytes) {
            check_err(&e);
        }
    }

    #[test]
    fn tables_never_panic_on_shaped_text(text in table_text()) {
        match parse_table(Path::new("t.csv"), &text) {
            Ok(f) => prop_assert_eq!(f.cell_lines.len(), f.table.n_actors() * f.table.n_issues()),
            Err(e) => check_err(&e),
        }
    }

    #[test]
    fn shipped_tables_with_random_edits_never_panic(
        file in prop_oneof![
            Just("bdm/emission-standards.csv"),
            Just("ktab/dummyData_3Dim.csv"),
            Just("ktab/SOE-Pol-Comp.csv"),
        ],
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
    ) {
        let mut bytes = data(file);
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        if let Err(e) = parse_table_bytes(Path::new("t.csv"), bytes) {
            check_err(&e);
        }
    }

    #[test]
    fn deu_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300), rows in csvish()) {
        if let Err(e) = parse_deu_bytes(Path::new("d.tsv"), bytes) {
            check_err(&e);
        }
        let header = ACTOR_CODES.iter().fold("prnr\tprname\tisnr\tintro".to_string(), |h, c| format!("{h}\tp{c}\ts{c}"))
            + "\trp\tout\n";
        let text = header + &rows.replace(',', "\t");
        match parse_deu(Path::new("d.tsv"), &text) {
            Ok(f) => {
                let _ = observed_issues(&f, Capability::Council);
            }
            Err(e) => check_err(&e),
        }
    }

    #[test]
    fn shipped_deu_with_random_edits_never_panics(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
    ) {
        thread_local! { static DEU: Vec<u8> = data("deu/deu3-dev.tsv"); }
        let mut bytes = DEU.with(|d| d.clone());
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        match parse_deu_bytes(Path::new("d.tsv"), bytes) {
            Ok(f) => {
                let _ = observed_issues(&f, Capability::Equal);
            }
            Err(e) => check_err(&e),
        }
    }
}
