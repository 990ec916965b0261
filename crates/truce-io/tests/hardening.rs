//! Regression tests of issue 16 for the table and DEU readers: one comment rule for every
//! table format, no silently dropped rows or fields, duplicate columns and issues refused, and
//! every error (invalid UTF-8 included) placed at file, line, column and field.
use std::path::{Path, PathBuf};
use truce_bargain::registry::{build, ModelConfig};
use truce_bargain::SolveContext;
use truce_io::table::{parse_table, read_table, TableFormat};

fn p() -> &'static Path {
    Path::new("t.csv")
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let f = dir.path().join(name);
    std::fs::write(&f, bytes).unwrap();
    f
}

const BDM: &str = "actor,capability,position,salience\nGreens,100,90,100\nBlues,50,10,80\nReds,20,40,50\n";

#[test]
fn the_comment_rule_is_the_same_in_every_table_format() {
    // Issue 16: `#Greens,100,90,100` was dropped in BDM while `"#Greens"` was kept in the long
    // format. Now: an unquoted `#` line is a comment everywhere, a quoted `#` name is data
    // everywhere.
    let bdm = parse_table(p(), &BDM.replace("Greens,", "#Greens,")).unwrap();
    assert_eq!(bdm.table.n_actors(), 2);
    let bdm = parse_table(p(), &BDM.replace("Greens,", "\"#Greens\",")).unwrap();
    assert_eq!(bdm.table.actors()[0], "#Greens");
    let long = "actor,issue,position,salience,capability\nGreens,x,90,100,100\nBlues,x,10,80,50\nReds,x,40,50,20\n";
    let t = parse_table(p(), &long.replace("Greens,", "#Greens,")).unwrap();
    assert_eq!((t.format, t.table.n_actors()), (TableFormat::Long, 2));
    let t = parse_table(p(), &long.replace("Greens,", "\"#Greens\",")).unwrap();
    assert_eq!(t.table.actors()[0], "#Greens");
    let ktab = "S,D,3,1\nActor,Description,Power,P,S\nGreens,g,100,90,100\nBlues,b,50,10,80\nReds,r,20,40,50\n";
    let t = parse_table(p(), &ktab.replace("Blues,", "# a note\nBlues,")).unwrap();
    assert_eq!((t.format, t.table.n_actors()), (TableFormat::Ktab, 3));
    let t = parse_table(p(), &ktab.replace("Greens,", "\"#Greens\",")).unwrap();
    assert_eq!(t.table.actors()[0], "#Greens");
    // A comment before the header, and indented: line numbers still count it.
    let e = parse_table(p(), &format!("# source: test\n{}", BDM.replace("Reds,20", "Reds,x"))).unwrap_err();
    assert_eq!(e.line, Some(5), "{e}");
    let t = parse_table(p(), &format!("  # note\n{BDM}")).unwrap();
    assert_eq!(t.table.n_actors(), 3);
}

#[test]
fn extra_fields_and_duplicate_columns_are_errors() {
    let e = parse_table(p(), &BDM.replace("Blues,50,10,80", "Blues,50,10,80,7")).unwrap_err();
    assert_eq!((e.line, e.column), (Some(3), Some(5)), "{e}");
    assert!(e.message.contains("5 fields; expected 4"), "{e}");
    // A trailing comma (blank extra field) is tolerated, as in KTAB files.
    assert!(parse_table(p(), &BDM.replace("Blues,50,10,80", "Blues,50,10,80,")).is_ok());
    let e = parse_table(p(), "actor,capability,position,salience,position\na,1,2,3,4\nb,1,2,3,4\n").unwrap_err();
    assert_eq!((e.line, e.column, e.field.as_deref()), (Some(1), Some(5), Some("position")), "{e}");
    assert!(e.message.contains("appears twice"), "{e}");
    let e = parse_table(p(), "actor,issue,position,salience,capability,Issue\na,x,1,2,3,y\n").unwrap_err();
    assert!(e.message.contains("appears twice"), "{e}");
    let k = "S,D,3,2\nActor,Description,Power,P,S1,P,S2\na,x,1,2,3,4,5\nb,x,1,2,3,4,5\nc,x,1,2,3,4,5\n";
    let e = parse_table(p(), k).unwrap_err();
    assert_eq!((e.line, e.column), (Some(2), Some(6)), "{e}");
    let k = "S,D,3,1\nActor,Description,Power,P,S\na,x,1,2,3,9\nb,x,1,2,3\nc,x,1,2,3\n";
    let e = parse_table(p(), k).unwrap_err();
    assert_eq!((e.line, e.column), (Some(3), Some(6)), "{e}");
}

#[test]
fn invalid_utf8_names_file_line_and_column() {
    let d = tempfile::tempdir().unwrap();
    let f = write(&d, "bad.csv", b"actor,capability,position,salience\nGreens,1,2,3\nBl\xe9us,1,2,3\n");
    let e = read_table(&f).unwrap_err();
    assert_eq!((e.line, e.column), (Some(3), Some(1)), "{e}");
    assert!(e.to_string().contains("bad.csv:3:1") && e.message.contains("UTF-8"), "{e}");
    let head = truce_io::deu::ACTOR_CODES
        .iter()
        .fold("prnr\tprname\tisnr\tintro".to_string(), |h, c| format!("{h}\tp{c}\ts{c}"))
        + "\trp\tout\n";
    let row = |isnr: &str, name: &[u8]| -> Vec<u8> {
        let mut r = b"d1\t".to_vec();
        r.extend_from_slice(name);
        r.extend_from_slice(format!("\t{isnr}\t01-01-05{}\t50\t60\n", "\t50\t50".repeat(30)).as_bytes());
        r
    };
    let mut bytes = head.clone().into_bytes();
    bytes.extend(row("i1", b"ok"));
    bytes.extend(row("i2", b"caf\xe9"));
    let e = truce_io::deu::read_deu(&write(&d, "deu.tsv", &bytes)).unwrap_err();
    assert_eq!((e.line, e.column, e.field.as_deref()), (Some(3), Some(2), Some("prname")), "{e}");
    // A duplicate DEU issue names both lines and the column.
    let mut bytes = head.into_bytes();
    bytes.extend(row("i1", b"a"));
    bytes.extend(row("i2", b"b"));
    bytes.extend(row("i1", b"c"));
    let e = truce_io::deu::read_deu(&write(&d, "dup.tsv", &bytes)).unwrap_err();
    assert_eq!((e.line, e.column, e.field.as_deref()), (Some(4), Some(3), Some("isnr")), "{e}");
    assert!(e.message.contains("first on line 2"), "{e}");
}

#[test]
fn one_actor_per_issue_table_is_refused_while_reading() {
    // Issue 16: a 418 KB long table with one actor per issue passed 8 GB in 9 s.
    let mut s = String::from("actor,issue,position,salience,capability\n");
    for i in 0..20_000 {
        s.push_str(&format!("actor{i},issue{i},50,50,1\n"));
    }
    assert!(s.len() > 400_000);
    let start = std::time::Instant::now();
    let e = parse_table(p(), &s).unwrap_err();
    assert!(start.elapsed().as_secs_f64() < 2.0, "{:?}", start.elapsed());
    assert!(e.message.contains("the limit is 1000000 cells"), "{e}");
    assert_eq!(e.line, Some(1002), "{e}");
    let e = parse_table(p(), "S,D,250,10000\nActor,Description,Power\n").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("numDims"), "{e}");
}

#[test]
fn magnitudes_that_would_overflow_are_refused_at_their_cell() {
    // Issue 16: two actors with capability 1e308 printed a forecast of `inf`.
    let e = parse_table(p(), "actor,capability,position,salience\na,1e308,4,50\nb,1e308,7,50\n").unwrap_err();
    assert_eq!((e.line, e.column, e.field.as_deref()), (Some(2), Some(2), Some("capability")), "{e}");
    let e = parse_table(p(), "actor,capability,position,salience\na,1,4e300,50\nb,1,7,50\n").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("position"), "{e}");
    let e = parse_table(p(), "actor,issue,position,salience,capability\na,x,4,50,1e200\nb,x,7,50,1\n").unwrap_err();
    assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("capability")), "{e}");
}

#[test]
fn a_model_complaint_about_an_actor_points_at_its_line() {
    // Issue 16: a zero-capability SMP actor was reported without a place.
    let f = parse_table(p(), "actor,capability,position,salience\na,1,4,50\nb,0,7,50\nc,2,5,50\n").unwrap();
    let e = build("smp", &ModelConfig::default()).unwrap().solve(&f.table, &SolveContext::default()).unwrap_err();
    let r = f.locate(p(), &e).expect("an actor error");
    assert_eq!((r.line, r.column, r.field.as_deref()), (Some(3), Some(2), Some("capability")), "{r}");
    assert!(r.to_string().starts_with("t.csv:3:2: field `capability`: smp: actor `b`"), "{r}");
    let k = "S,D,3,2\nActor,Description,Power,P1,S1,P2,S2\na,x,10,20,30,40,50\nb,y,0,30,40,50,60\nc,z,5,0,10,100,20\n";
    let f = parse_table(p(), k).unwrap();
    let e = build("smp", &ModelConfig::default()).unwrap().solve(&f.table, &SolveContext::default()).unwrap_err();
    let r = f.locate(p(), &e).unwrap();
    assert_eq!((r.line, r.column), (Some(4), Some(3)), "{r}");
}

/// Issue 16: a full disk while writing Parquet or CSV must be an error naming the file (and
/// leave nothing behind). Uses a 64 KB tmpfs where the test may mount one (root on Linux);
/// elsewhere the unit tests in `output.rs` cover the same paths with /dev/full.
#[test]
fn a_full_tmpfs_is_an_error_naming_the_file() {
    use truce_forecast::ensemble::{RowSink, RunRow};
    use truce_io::output::{run_columns, CsvRuns, ParquetRuns};
    let d = tempfile::tempdir().unwrap();
    let ok = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(d.path())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(self.0).status();
        }
    }
    let _guard = Unmount(d.path());
    let cols = run_columns(&["a".into(), "b".into()], &["t".into()], &["p".into()]);
    let rows: Vec<RunRow> = (0..20_000u64)
        .map(|i| RunRow {
            run: i,
            outcome: truce_engine::outcome::WarState::Ceasefire,
            collapse: None,
            week: (i % 150) as u32,
            km2: i as f64 * 1.37,
            index: 0.5 + i as f64 * 1e-5,
            casualties: [i as f64 * 3.1, i as f64 * 2.7],
            rounds: 4,
            breakdowns: 1,
            terms: vec![i as f64 % 97.0],
            params: vec![(i as f64).sqrt()],
        })
        .collect();
    let p = d.path().join("runs.csv");
    let mut csv = CsvRuns::create(&p, &cols).unwrap();
    let e = csv.write_rows(&rows).and_then(|_| csv.commit()).unwrap_err();
    assert!(e.contains("runs.csv") && e.contains("No space left"), "{e}");
    let p = d.path().join("runs.parquet");
    let mut pq = ParquetRuns::create(&p, &cols).unwrap();
    let e = pq.write_rows(&rows).and_then(|_| pq.commit()).unwrap_err();
    assert!(e.contains("runs.parquet") && e.contains("No space left"), "{e}");
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 0, "nothing left behind");
}
