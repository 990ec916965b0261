//! What every table reader shares: the result type ([`TableFile`]), number cells, the comment
//! rule, UTF-8 decoding with a place, header checks, and locating a model's complaint about one
//! actor in the file.
//!
//! It sits below [`crate::table`] (BDM and long formats, detection) and [`crate::ktab`], so
//! neither imports the other. It must never guess: a cell is a number in range or an error
//! naming file, line, column and field.
//!
//! **The comment rule** (every table format: BDM, long and KTAB): a line whose first
//! non-blank character is `#` is a comment and is skipped, wherever it appears (a line that
//! continues a quoted CSV field is data). An actor name starting with `#` must be quoted
//! (`"#Greens",100,90,100`). DEU files (a data export) have no comments.

use crate::error::ReadError;
use std::borrow::Cow;
use std::path::Path;
use truce_bargain::{ActorTable, ModelError, TableError};

/// The table formats truce reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Bdm,
    Long,
    Ktab,
}

/// A table together with format-specific metadata and where each cell came from.
#[derive(Debug, Clone, PartialEq)]
pub struct TableFile {
    pub format: TableFormat,
    pub table: ActorTable,
    /// Scenario name and description (KTAB title line), if any.
    pub title: Option<(String, String)>,
    /// Line (1-based) of each cell's row, actor-major like the table's cells (`a * issues +
    /// k`); 0 where the actor has no cell on the issue. Lets [`TableFile::locate`] point at
    /// the file when a model rejects an actor.
    pub cell_lines: Vec<usize>,
    /// 1-based columns of the fields `actor, issue, position, salience, capability` (0: none;
    /// KTAB's per-issue columns are computed).
    pub(crate) columns: [usize; 5],
}

impl TableFile {
    /// Turns a model's complaint about one actor ([`ModelError::Actor`]) into an error at the
    /// file's line, column and field; `None` for errors that are not about one actor.
    pub fn locate(&self, path: &Path, e: &ModelError) -> Option<ReadError> {
        let ModelError::Actor { actor, issue, field, message } = e else {
            return None;
        };
        let m = self.table.n_issues();
        let k = issue
            .filter(|&k| k < m)
            .or_else(|| (0..m).find(|&k| self.cell_lines.get(actor * m + k).is_some_and(|&l| l > 0)))
            .unwrap_or(0);
        let mut r = ReadError::new(path, message.clone()).field(*field);
        if let Some(&line) = self.cell_lines.get(actor * m + k).filter(|&&l| l > 0) {
            let name = ["actor", "issue", "position", "salience", "capability"];
            let col = match (self.format, *field) {
                (TableFormat::Ktab, "position") => 4 + 2 * k,
                (TableFormat::Ktab, "salience") => 5 + 2 * k,
                _ => name.iter().position(|n| n == field).map_or(0, |i| self.columns[i]),
            };
            r = r.at(line, (col > 0).then_some(col));
        }
        Some(r)
    }
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
    let v: f64 = t.parse().map_err(|_| err(format!("`{}` is not a number; expected {expected}", clip(t))))?;
    if !v.is_finite() {
        return Err(err(format!("`{}` is not a finite number; expected {expected}", clip(t))));
    }
    if !range.contains(&v) {
        return Err(err(format!("{v} is out of range; expected {expected}")));
    }
    Ok(v)
}

/// At most 40 characters of a cell, for messages (a cell may be a whole garbled line).
pub(crate) fn clip(s: &str) -> Cow<'_, str> {
    match s.char_indices().nth(40) {
        Some((i, _)) => Cow::Owned(format!("{}…", &s[..i])),
        None => Cow::Borrowed(s),
    }
}

/// Turns a table-level error into a read error at the right line: `actor_line` finds the
/// line of an actor's row, `issue_at` the line and column where an issue is named.
pub(crate) fn table_error(
    path: &Path,
    e: TableError,
    actor_line: impl Fn(&str) -> Option<usize>,
    issue_at: impl Fn(&str) -> Option<(usize, usize)>,
) -> ReadError {
    match &e {
        TableError::DuplicateActor(a) => {
            let mut r = ReadError::new(path, e.to_string()).field("actor");
            if let Some(l) = actor_line(a) {
                r = r.at(l, Some(1));
            }
            r
        }
        TableError::DuplicateIssue(k) => {
            let mut r = ReadError::new(path, e.to_string()).field("issue");
            if let Some((l, c)) = issue_at(k) {
                r = r.at(l, Some(c));
            }
            r
        }
        TableError::OutOfRange { actor, .. } => {
            let mut r = ReadError::new(path, e.to_string());
            if let Some(l) = actor_line(actor) {
                r = r.at(l, None);
            }
            r
        }
        _ => ReadError::new(path, e.to_string()),
    }
}

/// Applies the comment rule: every comment line becomes an empty line, so that line numbers
/// stay those of the file. With `multiline_quotes` (RFC 4180 CSV), a line that continues a
/// quoted field is never a comment.
pub(crate) fn blank_comments(text: &str, multiline_quotes: bool) -> Cow<'_, str> {
    let is_comment = |l: &str| l.trim_start().starts_with('#');
    if !text.lines().any(is_comment) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut in_quotes = false;
    for piece in text.split_inclusive('\n') {
        let body = piece.trim_end_matches(['\n', '\r']);
        if !in_quotes && is_comment(body) {
            out.push_str(&piece[body.len()..]);
        } else {
            out.push_str(piece);
        }
        if multiline_quotes && body.bytes().filter(|&b| b == b'"').count() % 2 == 1 {
            in_quotes = !in_quotes;
        }
    }
    Cow::Owned(out)
}

/// Decodes a file as UTF-8; invalid bytes are an error at their line and field (fields
/// separated by `sep`), named from the header line when `header` is given.
pub(crate) fn decode_utf8(path: &Path, bytes: Vec<u8>, sep: u8, header: bool) -> Result<String, ReadError> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let bytes = e.as_bytes();
            let off = e.utf8_error().valid_up_to();
            let line = 1 + bytes[..off].iter().filter(|&&b| b == b'\n').count();
            let start = bytes[..off].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let col = 1 + bytes[start..off].iter().filter(|&&b| b == sep).count();
            let mut r = ReadError::new(
                path,
                format!("invalid UTF-8 (byte 0x{:02X}); the file must be UTF-8 text: re-save it as UTF-8", bytes[off]),
            )
            .at(line, Some(col));
            if header && line > 1 {
                let first = &bytes[..bytes.iter().position(|&b| b == b'\n').unwrap_or(bytes.len())];
                let name = String::from_utf8_lossy(first).split(sep as char).nth(col - 1).map(|s| s.trim().to_string());
                if let Some(n) = name.filter(|n| !n.is_empty()) {
                    r = r.field(n);
                }
            }
            Err(r)
        }
    }
}

/// Refuses a header that names one column twice (case and blanks ignored), naming both
/// columns. Empty names (e.g. after a trailing comma) are not compared.
pub(crate) fn unique_header<'a>(
    path: &Path,
    line: usize,
    names: impl Iterator<Item = &'a str>,
) -> Result<(), ReadError> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, n) in names.enumerate() {
        let key = n.trim().to_lowercase();
        if key.is_empty() {
            continue;
        }
        if let Some(first) = seen.insert(key, i + 1) {
            return Err(ReadError::new(
                path,
                format!("column `{}` appears twice (also column {first}); give each column one name", n.trim()),
            )
            .at(line, Some(i + 1))
            .field(n.trim()));
        }
    }
    Ok(())
}

/// Refuses a row of `n` fields with more than `expected`, unless the extra fields are all blank (a
/// trailing comma).
pub(crate) fn no_extra_fields<'a>(
    path: &Path,
    line: usize,
    n: usize,
    fields: impl Iterator<Item = &'a str>,
    expected: usize,
) -> Result<(), ReadError> {
    if n <= expected {
        return Ok(());
    }
    let mut fields = fields.skip(expected);
    if let Some(i) = fields.position(|f| !f.trim().is_empty()) {
        return Err(ReadError::new(
            path,
            format!("the row has {n} fields; expected {expected} (an extra value is not read: remove it or name its column)"),
        )
        .at(line, Some(expected + i + 1)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_keep_line_numbers_and_quoted_fields() {
        assert_eq!(blank_comments("a\n#x\n  # y\r\nb\n", true), "a\n\n\r\nb\n");
        assert_eq!(blank_comments("a,\"two\n#lines\"\n#c\n", true), "a,\"two\n#lines\"\n\n");
        assert_eq!(blank_comments("\"#q\",1\n", true), "\"#q\",1\n");
        assert!(matches!(blank_comments("no comments\n", true), Cow::Borrowed(_)));
    }

    #[test]
    fn utf8_errors_have_a_place() {
        let e = decode_utf8(Path::new("f"), b"a\tb\tc\n1\t\xe9\t3\n".to_vec(), b'\t', true).unwrap_err();
        assert_eq!((e.line, e.column, e.field.as_deref()), (Some(2), Some(2), Some("b")));
        assert!(e.message.contains("0xE9"), "{e}");
        let e = decode_utf8(Path::new("f"), b"\xff".to_vec(), b',', true).unwrap_err();
        assert_eq!((e.line, e.column, e.field), (Some(1), Some(1), None));
    }

    #[test]
    fn headers_and_rows() {
        let e = unique_header(Path::new("f"), 1, ["actor", "x", " Actor "].into_iter()).unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(3)));
        assert!(e.message.contains("also column 1"), "{e}");
        assert!(unique_header(Path::new("f"), 1, ["a", "", ""].into_iter()).is_ok());
        assert!(no_extra_fields(Path::new("f"), 2, 3, ["a", "b", " "].into_iter(), 2).is_ok());
        let e = no_extra_fields(Path::new("f"), 2, 4, ["a", "b", "", "x"].into_iter(), 2).unwrap_err();
        assert_eq!(e.column, Some(4));
    }
}
