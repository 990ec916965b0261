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
//! Rules shared by all three ([`crate::tabular`]): the file must be UTF-8 (a BOM is skipped);
//! a line whose first non-blank character is `#` is a comment (quote a name that starts with
//! `#`); a header may not name a column twice; a row may not have more fields than its header
//! (blank trailing fields, i.e. a trailing comma, excepted); other named columns are ignored;
//! capabilities lie in [0, 1e100] and positions within ±1e100 (KTAB: its own narrower
//! limits); at most a million cells (actors × issues). [`read_table`] picks the format from
//! the first line. Errors carry file, line, column (1-based field number), field name and the
//! expected range. This module never drops a row silently and never allocates more than the
//! size limit allows.

use crate::error::ReadError;
use crate::tabular::{blank_comments, decode_utf8, no_extra_fields, number, table_error, unique_header};
pub use crate::tabular::{TableFile, TableFormat};
use std::collections::HashMap;
use std::path::Path;
use truce_bargain::limits::{MAX_ABS_POSITION, MAX_CAPABILITY};
use truce_bargain::table::check_size;
use truce_bargain::{ActorTable, Cell, Issue};

/// Reads a table file in any supported format.
pub fn read_table(path: &Path) -> Result<TableFile, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| ReadError::new(path, format!("cannot read the file: {e}")))?;
    parse_table_bytes(path, bytes)
}

/// Parses the bytes of a table file: invalid UTF-8 is an error at its line and column; `path`
/// is used in error messages only.
pub fn parse_table_bytes(path: &Path, bytes: Vec<u8>) -> Result<TableFile, ReadError> {
    let text = decode_utf8(path, bytes, b',', false)?;
    parse_table(path, &text)
}

/// Parses table text; `path` is used in error messages only.
pub fn parse_table(path: &Path, text: &str) -> Result<TableFile, ReadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = blank_comments(text, false).lines().find(|l| !l.trim().is_empty()).map(str::to_string);
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
        return long(path, text);
    }
    if h.first() == Some(&"actor") {
        return bdm(path, text);
    }
    crate::ktab::parse_ktab(path, text)
}

struct Columns {
    idx: Vec<usize>,
}

fn columns(path: &Path, headers: &csv::StringRecord, want: &[&str]) -> Result<Columns, ReadError> {
    let line = record_line(headers).max(1);
    unique_header(path, line, headers.iter())?;
    let mut idx = Vec::new();
    for w in want {
        match headers.iter().position(|h| h.trim().eq_ignore_ascii_case(w)) {
            Some(i) => idx.push(i),
            None => {
                return Err(ReadError::new(
                    path,
                    format!("missing column `{w}`; expected the columns {}", want.join(",")),
                )
                .at(line, None));
            }
        }
    }
    Ok(Columns { idx })
}

/// The 1-based columns of `actor, issue, position, salience, capability` for [`TableFile`].
fn field_columns(c: &Columns, names: &[&str]) -> [usize; 5] {
    let mut out = [0; 5];
    for (slot, want) in ["actor", "issue", "position", "salience", "capability"].iter().enumerate() {
        if let Some(i) = names.iter().position(|n| n == want) {
            out[slot] = c.idx[i] + 1;
        }
    }
    out
}

fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes())
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

/// The size check of the table as it grows, at the line that makes it too large.
fn size_at(path: &Path, line: usize, actors: usize, issues: usize) -> Result<(), ReadError> {
    check_size(actors, issues).map_err(|e| ReadError::new(path, e.to_string()).at(line, None))
}

/// Reads the BDM single-issue table `actor,capability,position,salience`.
pub fn read_bdm(path: &Path, text: &str) -> Result<ActorTable, ReadError> {
    bdm(path, text).map(|f| f.table)
}

fn bdm(path: &Path, text: &str) -> Result<TableFile, ReadError> {
    let text = blank_comments(text, true);
    let mut rdr = csv_reader(&text);
    let headers = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let names = ["actor", "capability", "position", "salience"];
    let c = columns(path, &headers, &names)?;
    let mut actors = Vec::new();
    let mut cells = Vec::new();
    let mut lines = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = record_line(&rec);
        no_extra_fields(path, line, rec.len(), rec.iter(), headers.len())?;
        size_at(path, line, actors.len() + 1, 1)?;
        let name = get(path, &rec, c.idx[0], "actor")?.to_string();
        if name.is_empty() {
            return Err(ReadError::new(path, "empty actor name").at(line, Some(c.idx[0] + 1)).field("actor"));
        }
        let cap = number(
            path,
            (line, c.idx[1] + 1),
            "capability",
            get(path, &rec, c.idx[1], "capability")?,
            0.0..=MAX_CAPABILITY,
            "a number in [0, 1e100] (only ratios matter: divide every capability by a common factor)",
        )?;
        let pos = number(
            path,
            (line, c.idx[2] + 1),
            "position",
            get(path, &rec, c.idx[2], "position")?,
            -MAX_ABS_POSITION..=MAX_ABS_POSITION,
            "a finite number on the issue's scale, within ±1e100",
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
    let names_ = actors.clone();
    let table = ActorTable::new(actors, vec![issue], cells)
        .map_err(|e| table_error(path, e, |a| names_.iter().rposition(|n| n == a).map(|i| lines[i]), |_| None))?;
    Ok(TableFile {
        format: TableFormat::Bdm,
        table,
        title: None,
        cell_lines: lines,
        columns: field_columns(&c, &names),
    })
}

/// Reads the long format `actor,issue,position,salience,capability`.
pub fn read_long(path: &Path, text: &str) -> Result<ActorTable, ReadError> {
    long(path, text).map(|f| f.table)
}

fn long(path: &Path, text: &str) -> Result<TableFile, ReadError> {
    let text = blank_comments(text, true);
    let mut rdr = csv_reader(&text);
    let headers = rdr.headers().map_err(|e| csv_error(path, e))?.clone();
    let names = ["actor", "issue", "position", "salience", "capability"];
    let c = columns(path, &headers, &names)?;
    let mut actors: Vec<String> = Vec::new();
    let mut issues: Vec<String> = Vec::new();
    let mut actor_ix: HashMap<String, usize> = HashMap::new();
    // Issue name → (index, line and column where it was first named).
    let mut issue_ix: HashMap<String, (usize, usize)> = HashMap::new();
    let mut first_line: HashMap<(usize, usize), usize> = HashMap::new();
    let mut rows: Vec<(usize, usize, Cell, usize)> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let line = record_line(&rec);
        no_extra_fields(path, line, rec.len(), rec.iter(), headers.len())?;
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
            0.0..=MAX_CAPABILITY,
            "a number in [0, 1e100] (only ratios matter: divide every capability by a common factor)",
        )?;
        let a = match actor_ix.get(&actor) {
            Some(&a) => a,
            None => {
                size_at(path, line, actors.len() + 1, issues.len().max(1))?;
                actor_ix.insert(actor.clone(), actors.len());
                actors.push(actor.clone());
                actors.len() - 1
            }
        };
        let k = match issue_ix.get(&issue) {
            Some(&(k, _)) => k,
            None => {
                size_at(path, line, actors.len(), issues.len() + 1)?;
                issue_ix.insert(issue.clone(), (issues.len(), line));
                issues.push(issue.clone());
                issues.len() - 1
            }
        };
        if let Some(prev) = first_line.insert((a, k), line) {
            return Err(ReadError::new(
                path,
                format!("duplicate actor `{actor}` on issue `{issue}` (first given on line {prev})"),
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
    let mut cell_lines = vec![0; actors.len() * issues.len()];
    for (a, k, cell, line) in &rows {
        cells[a * issues.len() + k] = Some(*cell);
        cell_lines[a * issues.len() + k] = *line;
    }
    let issues = issues.into_iter().map(Issue::new_0_100).collect();
    let table = ActorTable::new(actors, issues, cells).map_err(|e| {
        table_error(
            path,
            e,
            |a| actor_ix.get(a).and_then(|&i| rows.iter().find(|r| r.0 == i)).map(|r| r.3),
            |k| issue_ix.get(k).map(|&(_, l)| (l, c.idx[1] + 1)),
        )
    })?;
    Ok(TableFile { format: TableFormat::Long, table, title: None, cell_lines, columns: field_columns(&c, &names) })
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
