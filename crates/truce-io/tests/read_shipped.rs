//! Every shipped data file reads unchanged.
use std::path::Path;
use truce_io::table::{read_table, TableFormat};

fn data(p: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data").join(p)
}

#[test]
fn every_ktab_file_reads() {
    let expect = [
        ("SOE-Policy.csv", 26, 1),
        ("SOE-Competitive.csv", 34, 1),
        ("SOE-Pol-Comp.csv", 13, 2),
        ("dummyData_3Dim.csv", 7, 3),
        ("dummyData_6Dim.csv", 27, 6),
        ("dummyData-a040.csv", 40, 1),
        ("dummyData-a080.csv", 80, 1),
        ("dummyData-a160.csv", 160, 1),
    ];
    for (f, n, m) in expect {
        let t = read_table(&data(&format!("ktab/{f}"))).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.format, TableFormat::Ktab, "{f}");
        assert_eq!((t.table.n_actors(), t.table.n_issues()), (n, m), "{f}");
    }
    let t = read_table(&data("ktab/dummyData_3Dim.csv")).unwrap();
    assert_eq!(t.table.actors()[0], "SActor-00");
    assert_eq!(t.table.cell(0, 1).unwrap().position, 6.37);
}

#[test]
fn emission_standards_reads() {
    let t = read_table(&data("bdm/emission-standards.csv")).unwrap();
    assert_eq!(t.format, TableFormat::Bdm);
    assert_eq!(t.table.n_actors(), 10);
    assert_eq!(t.table.cell(4, 0).unwrap().salience, 0.6);
}
