//! Actor-table readers: three formats, one [`ActorTable`].
//!
//! - **BDM single-issue table** (`actor,capability,position,salience`): one issue, positions
//!   on the issue's own scale (years in the emission-standards example), salience 0–100.
//! - **Long format** (`actor,issue,position,salience,capability`): one row per actor and
//!   issue; positions on 0–100, salience 0–100, capability ≥ 0 (may differ by issue).
//! - **KTAB CSV** (`SMPModel::csvRead`; `docs/reference/bargaining-models.md` §6.15): a title
//!   line with the actor and dimension counts, a header line, then one line per actor; quoted
//!   fields keep commas, `$$` stands for a comma, numbers may carry spaces, a trailing comma
//!   is tolerated. Every file in `data/ktab/` reads unchanged.
//!
//! [`read_table`] picks the format from the first line. Errors carry file, line, column
//! (1-based field number), field name and the expected range.

use crate::error::ReadError;
use std::path::Path;
use truce_bargain::{ActorTable, Cell, Issue, TableError};

/// The table formats truce reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Bdm,
    Long,
    Ktab,
}

/// A table together with format-specific metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct TableFile {
    pub format: TableFormat,
    pub table: ActorTable,
    /// Scenario name and description (KTAB title line), if any.
    pub title: Option<(String, String)>,
}

/// Reads a table file in any supported format.
pub fn read_table(path: &Path) -> Result<TableFile, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|e| ReadError::new(path, format!("cannot read the file: {e}")))?;
    parse_table(path, &text)
}

/// Parses table text; `path` is used in error messages only.
pub fn parse_table(path: &Path, text: &str) -> Result<TableFile, ReadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().find(|l| !l.trim().is_empty());
    let Some(first) = first else {
        return Err(ReadError::new(
            path,
            "the file is empty; expected a header line such as `actor,capability,position,salience`",
        ));
    };
    let header: Vec<String> = first.split(',').map(|s| s.trim().to_ascii_lowercase()).collect();
    if header.len() == 1 {
        let delim = [';', '\t', '|'].into_iter().find(|d| first.contains(*d));
        let hint = match delim {
            Some('\t') => " (found tabs)".to_string(),
            Some(d) => format!(" (found `{d}`)"),
            None => String::new(),
        };
        return Err(ReadError::new(
            path,
            format!("the header has a single column; expected comma-separated values{hint}"),
        )
        .at(1, None));
    }
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    if h.first() == Some(&"actor") && h.contains(&"issue") {
        return read_long(path, text).map(|table| TableFile { format: TableFormat::Long, table, title: None });
    }
    if h.first() == Some(&"actor") {
        return read_bdm(path, text).map(|table| TableFile { format: TableFormat::Bdm, table, title: None });
    }
    crate::ktab::parse_ktab(path, text)
}

/// Validates a number cell: finite and within [lo, hi].
pub(crate) fn number(
    path: &Path,
    (line, col): (usize, usize),
    field: &str,
    raw: &str,
    range: std::ops::RangeInclusive<f64>,
    expected: &str,
) -> Result<f64, ReadError> {
    let err = |m: String| ReadError::new(path, m).at(line, Some(col)).field(field);
    let t = raw.trim();
    if t.is_empty() {
        return Err(err(format!("missing value; expected {expected}")));
    }
    let v: f64 = t.parse().map_err(|_| err(format!("`{t}` is not a number; expected {expected}")))?;
    if !v.is_finite() {
        return Err(err(format!("`{t}` is not a finite number; expected {expected}")));
    }
    if !range.contains(&v) {
        return Err(err(format!("{v} is out of range; expected {expected}")));
    }
    Ok(v)
}

/// Turns a table-level error into a read error at the right line.
pub(crate) fn table_error(path: &Path, e: TableError, actor_line: impl Fn(&str) -> Option<usize>) -> ReadError {
    match &e {
        TableError::DuplicateActor(a) => {
            let mut r = ReadError::new(path, e.to_string()).field("actor");
            if let Some(l) = actor_line(a) {
                r = r.at(l, Some(1));
            }
            r
        }
        _ => ReadError::new(path, e.to_string()),
    }
}

struct Columns {
    idx: Vec<usize>,
}

fn columns(path: &Path, headers: &csv::StringRecord, want: &[&str]) -> Result<Columns, ReadError> {
    let mut idx = Vec::new();
    for w in want {
        match headers.iter().position(|h| h.trim().eq_ignore_ascii_case(w)) {
            Some(i) => idx.push(i),
            None => {
                return Err(ReadError::new(
                    path,
                    format!("missing column `{w}`; expected the columns {}", want.join(",")),
                )
                .at(1, None));
            }
        }
    }
    Ok(Columns { idx })
}

fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).comment(Some(b'#')).from_reader(text.as_bytes())
}

fn record_line(r: &csv::StringRecord) -> usize {
    r.position().map_or(0, |p| p.line() as usize)
}

fn csv_error(path: &Path, e: csv::Error) -> ReadError {
    let line = e.position().map(|p| p.line() as usize);
    let mut r = ReadError::new(path, format!("malformed CSV: {e}"));
    if let Some(l) = line {
        r = r.at(l, None);
    }
    r
}

fn get<'a>(path: &Path, rec: &'a csv::StringRecord, i: usize, field: &str) -> Result<&'a str, ReadError> {
    rec.get(i).ok_or_else(|| {
        ReadError::new(path, format!("the row has {} fields; column `{field}` is missing", rec.len()))
            .at(record_line(rec), Some(i + 1))
            .field(field)
    })
}

/// Reads the BDM single-issue table `actor,capability,position,salience`.
pub fn read_bdm(path: &Path, text: &str) -> Result<ActorTable, ReadError> {
    let mut rdr = csv_reader(text);
    let headers = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let c = columns(path, &headers, &["actor", "capability", "position", "salience"])?;
    let mut actors = Vec::new();
    let mut cells = Vec::new();
    let mut lines = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = record_line(&rec);
        let name = get(path, &rec, c.idx[0], "actor")?.to_string();
        if name.is_empty() {
            return Err(ReadError::new(path, "empty actor name").at(line, Some(c.idx[0] + 1)).field("actor"));
        }
        let cap = number(
            path,
            (line, c.idx[1] + 1),
            "capability",
            get(path, &rec, c.idx[1], "capability")?,
            0.0..=f64::MAX,
            "a number ≥ 0",
        )?;
        let pos = number(
            path,
            (line, c.idx[2] + 1),
            "position",
            get(path, &rec, c.idx[2], "position")?,
            f64::MIN..=f64::MAX,
            "a finite number on the issue's scale",
        )?;
        let sal = number(
            path,
            (line, c.idx[3] + 1),
            "salience",
            get(path, &rec, c.idx[3], "salience")?,
            0.0..=100.0,
            "a number in [0, 100]",
        )?;
        actors.push(name);
        lines.push(line);
        cells.push(Some(Cell { position: pos, salience: sal / 100.0, capability: cap }));
    }
    if actors.is_empty() {
        return Err(ReadError::new(path, "the file has a header but no actor rows; expected at least 2 actors"));
    }
    let pos: Vec<f64> = cells.iter().flatten().map(|c| c.position).collect();
    let (lo, hi) = pos.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
    let issue = Issue { name: "issue".to_string(), scale_min: lo, scale_max: hi };
    let names = actors.clone();
    ActorTable::new(actors, vec![issue], cells)
        .map_err(|e| table_error(path, e, |a| names.iter().rposition(|n| n == a).map(|i| lines[i])))
}

/// Reads the long format `actor,issue,position,salience,capability`.
pub fn read_long(path: &Path, text: &str) -> Result<ActorTable, ReadError> {
    let mut rdr = csv_reader(text);
    let headers = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let c = columns(path, &headers, &["actor", "issue", "position", "salience", "capability"])?;
    let mut actors: Vec<String> = Vec::new();
    let mut issues: Vec<String> = Vec::new();
    let mut rows: Vec<(usize, usize, Cell, usize)> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = record_line(&rec);
        let actor = get(path, &rec, c.idx[0], "actor")?.to_string();
        let issue = get(path, &rec, c.idx[1], "issue")?.to_string();
        if actor.is_empty() {
            return Err(ReadError::new(path, "empty actor name").at(line, Some(c.idx[0] + 1)).field("actor"));
        }
        if issue.is_empty() {
            return Err(ReadError::new(path, "empty issue name").at(line, Some(c.idx[1] + 1)).field("issue"));
        }
        let pos = number(
            path,
            (line, c.idx[2] + 1),
            "position",
            get(path, &rec, c.idx[2], "position")?,
            0.0..=100.0,
            "a number in [0, 100]",
        )?;
        let sal = number(
            path,
            (line, c.idx[3] + 1),
            "salience",
            get(path, &rec, c.idx[3], "salience")?,
            0.0..=100.0,
            "a number in [0, 100]",
        )?;
        let cap = number(
            path,
            (line, c.idx[4] + 1),
            "capability",
            get(path, &rec, c.idx[4], "capability")?,
            0.0..=f64::MAX,
            "a number ≥ 0",
        )?;
        let a = actors.iter().position(|x| *x == actor).unwrap_or_else(|| {
            actors.push(actor.clone());
            actors.len() - 1
        });
        let k = issues.iter().position(|x| *x == issue).unwrap_or_else(|| {
            issues.push(issue.clone());
            issues.len() - 1
        });
        if let Some(prev) = rows.iter().find(|r| r.0 == a && r.1 == k) {
            return Err(ReadError::new(
                path,
                format!("duplicate actor `{actor}` on issue `{issue}` (first given on line {})", prev.3),
            )
            .at(line, Some(c.idx[0] + 1))
            .field("actor"));
        }
        rows.push((a, k, Cell { position: pos, salience: sal / 100.0, capability: cap }, line));
    }
    if rows.is_empty() {
        return Err(ReadError::new(path, "the file has a header but no rows; expected at least 2 actors"));
    }
    let mut cells = vec![None; actors.len() * issues.len()];
    for (a, k, cell, _) in &rows {
        cells[a * issues.len() + k] = Some(*cell);
    }
    let issues = issues.into_iter().map(Issue::new_0_100).collect();
    ActorTable::new(actors, issues, cells).map_err(|e| table_error(path, e, |_| None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("t.csv")
    }

    #[test]
    fn reads_bdm() {
        let t = parse_table(p(), "actor,capability,position,salience\na,1,4,50\nb,2,7,100\n").unwrap();
        assert_eq!(t.format, TableFormat::Bdm);
        assert_eq!(t.table.cell(1, 0).unwrap().salience, 1.0);
    }

    #[test]
    fn bdm_errors_name_the_spot() {
        let e = parse_table(p(), "actor,capability,position,salience\na,1,4,50\nb,2,7,150\n").unwrap_err();
        assert_eq!((e.line, e.column, e.field.as_deref()), (Some(3), Some(4), Some("salience")));
        assert!(e.to_string().contains("[0, 100]"), "{e}");
        let e = parse_table(p(), "actor,capability,position,salience\na,-1,4,50\nb,2,7,10\n").unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("capability")));
        let e = parse_table(p(), "actor,capability,position,salience\na,1,NaN,50\nb,2,7,10\n").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("position"));
        let e = parse_table(p(), "actor,capability,position\na,1,4\nb,2,7\n").unwrap_err();
        assert!(e.message.contains("missing column `salience`"), "{e}");
        let e = parse_table(p(), "actor,capability,position,salience\na,1,4,50\na,2,7,10\n").unwrap_err();
        assert!(e.message.contains("more than once") && e.line == Some(3), "{e}");
        let e = parse_table(p(), "actor,capability,position,salience\na,1,4,50\n").unwrap_err();
        assert!(e.message.contains("at least 2"), "{e}");
        let e = parse_table(p(), "").unwrap_err();
        assert!(e.message.contains("empty"), "{e}");
        let e = parse_table(p(), "actor;capability;position;salience\na;1;4;50\n").unwrap_err();
        assert!(e.message.contains("comma-separated") && e.message.contains(';'), "{e}");
    }

    #[test]
    fn reads_long() {
        let t = parse_table(p(), "actor,issue,position,salience,capability\na,x,10,50,1\nb,x,20,50,2\nb,y,30,40,2\n")
            .unwrap();
        assert_eq!(t.format, TableFormat::Long);
        assert_eq!(t.table.n_issues(), 2);
        assert_eq!(t.table.cell(0, 1), None);
        let e = parse_table(p(), "actor,issue,position,salience,capability\na,x,10,50,1\na,x,20,50,2\n").unwrap_err();
        assert!(e.message.contains("duplicate actor `a` on issue `x`"), "{e}");
        let e = parse_table(p(), "actor,issue,position,salience,capability\na,x,101,50,1\nb,x,20,50,2\n").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("position"));
    }
}
