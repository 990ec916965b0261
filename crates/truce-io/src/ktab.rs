//! KTAB's multi-issue CSV (`SMPModel::csvRead`, KTAB commit c57b72a; reference §6.15).
//!
//! ```text
//! line 1:  <scenario name>, <description>, <numActors>, <numDims>[, ignored fields]
//! line 2:  Actor, Description, <Power|Influence>, <Dim1 name>, <Sal1 header>, ...
//! line 3+: <actor>, <description>, <capability>, <pos_1>, <sal_1>, <pos_2>, <sal_2>, ...
//! ```
//!
//! Field rules follow KTAB's bundled minicsv reader: a `"` at the start of a field opens a
//! quoted field in which commas are kept (surrounding quotes trimmed, `&quot;` → `"`); `$$`
//! inside a field is a literal comma; numbers may carry spaces; a trailing comma is tolerated.
//! Limits as in KTAB: 3 ≤ actors ≤ 250, at least one dimension, actor names 1–25 characters,
//! capability in [0, 1e8], positions and saliences in [0, 100], an actor's saliences summing
//! to at most 100. Unlike KTAB, an error is reported with a non-zero exit.
//!
//! Shared with the other table formats ([`crate::tabular`]): a line whose first non-blank
//! character is `#` is a comment; the header may not name a dimension twice; a header or
//! actor line may not have more fields than the title line's counts imply (a trailing comma
//! excepted; the title line itself may carry extra fields, as in KTAB); at most a million
//! cells (actors × dimensions). This module never drops a line silently.

use crate::error::ReadError;
use crate::tabular::{blank_comments, no_extra_fields, number, table_error, unique_header, TableFile, TableFormat};
use std::path::Path;
use truce_bargain::table::check_size;
use truce_bargain::{ActorTable, Cell, Issue};

/// Splits one line into fields the way KTAB's reader does.
pub fn split_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut at_start = true;
    let mut quoted = false;
    for ch in line.chars() {
        if at_start && ch == '"' {
            quoted = true;
            at_start = false;
            continue;
        }
        at_start = false;
        if quoted {
            if ch == '"' {
                quoted = false;
            } else {
                cur.push(ch);
            }
            continue;
        }
        if ch == ',' {
            out.push(std::mem::take(&mut cur));
            at_start = true;
            continue;
        }
        cur.push(ch);
    }
    out.push(cur);
    // A trailing comma (possibly followed by blanks) is tolerated.
    if out.len() > 1 && out.last().is_some_and(|s| s.trim().is_empty()) {
        out.pop();
    }
    out.into_iter().map(|f| f.replace("&quot;", "\"").replace("$$", ",")).collect()
}

/// The KTAB limits.
pub const MIN_ACTORS: usize = 3;
pub const MAX_ACTORS: usize = 250;
pub const MAX_CAPABILITY: f64 = 1e8;

/// Parses a KTAB CSV file.
pub fn parse_ktab(path: &Path, text: &str) -> Result<TableFile, ReadError> {
    let text = blank_comments(text, false);
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let Some(&(l1, title)) = lines.first() else {
        return Err(ReadError::new(path, "the file is empty"));
    };
    let t = split_fields(title);
    if t.len() < 4 {
        return Err(ReadError::new(
            path,
            format!("the first line has {} field(s); expected a KTAB title line `<name>, <description>, <numActors>, <numDims>` or a header `actor,capability,position,salience` / `actor,issue,position,salience,capability`", t.len()),
        )
        .at(l1, None));
    }
    let count = |col: usize, field: &str, lo: usize, hi: usize| -> Result<usize, ReadError> {
        let raw = t[col].trim();
        raw.parse::<usize>().ok().filter(|v| (lo..=hi).contains(v)).ok_or_else(|| {
            ReadError::new(path, format!("`{raw}` is not valid; expected an integer in [{lo}, {hi}]"))
                .at(l1, Some(col + 1))
                .field(field)
        })
    };
    let n_actors = count(2, "numActors", MIN_ACTORS, MAX_ACTORS)?;
    let n_dims = count(3, "numDims", 1, 10_000)?;
    check_size(n_actors, n_dims).map_err(|e| ReadError::new(path, e.to_string()).at(l1, Some(4)).field("numDims"))?;
    let name = t[0].trim().to_string();
    let desc = t[1].trim().to_string();
    if name.chars().count() > 512 || desc.chars().count() > 512 {
        return Err(ReadError::new(path, "scenario name and description must be at most 512 characters").at(l1, None));
    }
    let Some(&(l2, header)) = lines.get(1) else {
        return Err(ReadError::new(
            path,
            "missing the header line (line 2: Actor, Description, Power, <dim>, <salience>, ...)",
        ));
    };
    let h = split_fields(header);
    let want = 3 + 2 * n_dims;
    if h.len() < want {
        return Err(ReadError::new(
            path,
            format!("the header has {} fields; expected {want} (3 + 2 × {n_dims} dimensions)", h.len()),
        )
        .at(l2, None));
    }
    no_extra_fields(path, l2, h.len(), h.iter().map(String::as_str), want)?;
    unique_header(path, l2, h.iter().take(want).map(String::as_str))?;
    let mut issues = Vec::with_capacity(n_dims);
    for d in 0..n_dims {
        let dn = h[3 + 2 * d].trim().to_string();
        if dn.chars().count() > 256 {
            return Err(ReadError::new(path, "dimension names must be at most 256 characters").at(l2, Some(4 + 2 * d)));
        }
        issues.push(Issue::new_0_100(if dn.is_empty() { format!("dim{d}") } else { dn }));
    }
    let rows = &lines[2..];
    if rows.len() != n_actors {
        return Err(ReadError::new(
            path,
            format!("the title line declares {n_actors} actors but the file has {} actor line(s)", rows.len()),
        )
        .at(l1, Some(3))
        .field("numActors"));
    }
    let mut actors = Vec::with_capacity(n_actors);
    let mut cells = Vec::with_capacity(n_actors * n_dims);
    let mut actor_lines = Vec::with_capacity(n_actors);
    for &(ln, row) in rows {
        let f = split_fields(row);
        if f.len() < want {
            return Err(ReadError::new(path, format!("the line has {} fields; expected {want} (actor, description, capability, then position and salience for {n_dims} dimension(s))", f.len())).at(ln, None));
        }
        no_extra_fields(path, ln, f.len(), f.iter().map(String::as_str), want)?;
        let an = f[0].trim().to_string();
        if an.is_empty() || an.chars().count() > 25 {
            return Err(ReadError::new(path, format!("actor name `{an}` must have 1–25 characters"))
                .at(ln, Some(1))
                .field("actor"));
        }
        if f[1].trim().chars().count() > 256 {
            return Err(ReadError::new(path, "actor description must be at most 256 characters")
                .at(ln, Some(2))
                .field("description"));
        }
        let cap = number(path, (ln, 3), "capability", &f[2], 0.0..=MAX_CAPABILITY, "a number in [0, 1e8]")?;
        let mut sal_sum = 0.0;
        for d in 0..n_dims {
            let dim = &issues[d].name;
            let pos = number(
                path,
                (ln, 4 + 2 * d),
                &format!("position ({dim})"),
                &f[3 + 2 * d],
                0.0..=100.0,
                "a number in [0, 100]",
            )?;
            let sal = number(
                path,
                (ln, 5 + 2 * d),
                &format!("salience ({dim})"),
                &f[4 + 2 * d],
                0.0..=100.0,
                "a number in [0, 100]",
            )?;
            sal_sum += sal;
            cells.push(Some(Cell { position: pos, salience: sal / 100.0, capability: cap }));
        }
        if sal_sum > 100.0 + 1e-9 {
            return Err(ReadError::new(
                path,
                format!("actor `{an}`: saliences sum to {sal_sum}; expected at most 100 over all dimensions"),
            )
            .at(ln, Some(5))
            .field("salience"));
        }
        actors.push(an);
        actor_lines.push(ln);
    }
    let names = actors.clone();
    let dims: Vec<String> = issues.iter().map(|i| i.name.clone()).collect();
    let table = ActorTable::new(actors, issues, cells).map_err(|e| {
        table_error(
            path,
            e,
            |a| names.iter().rposition(|n| n == a).map(|i| actor_lines[i]),
            |k| dims.iter().rposition(|d| d == k).map(|d| (l2, 4 + 2 * d)),
        )
    })?;
    let cell_lines = actor_lines.iter().flat_map(|&l| std::iter::repeat_n(l, n_dims)).collect();
    Ok(TableFile { format: TableFormat::Ktab, table, title: Some((name, desc)), cell_lines, columns: [1, 0, 0, 0, 3] })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        assert_eq!(split_fields("a, b ,c,"), vec!["a", " b ", "c"]);
        assert_eq!(split_fields("\"x, y\",z$$w"), vec!["x, y", "z,w"]);
        assert_eq!(
            split_fields("DummyData_3Dim ,\"Dummy scenario\",7,3,"),
            vec!["DummyData_3Dim ", "Dummy scenario", "7", "3"]
        );
    }

    fn parse(s: &str) -> Result<TableFile, ReadError> {
        parse_ktab(Path::new("k.csv"), s)
    }

    const OK: &str =
        "S,D,3,2\nActor,Description,Power,P1,S1,P2,S2\na,x,10,20,30,40,50\nb,y,20,30,40,50,60\nc,z,5,0,10,100,20\n";

    #[test]
    fn good_file() {
        let t = parse(OK).unwrap();
        assert_eq!(t.table.n_actors(), 3);
        assert_eq!(t.table.issues()[1].name, "P2");
        assert_eq!(t.table.cell(2, 1).unwrap().position, 100.0);
    }

    #[test]
    fn bad_files() {
        let e = parse(&OK.replace("S,D,3,2", "S,D,4,2")).unwrap_err();
        assert!(e.message.contains("declares 4 actors but the file has 3"), "{e}");
        let e = parse(&OK.replace("b,y,20,30,40,50,60", "b,y,20,30,60,50,60")).unwrap_err();
        assert!(e.message.contains("sum to 120"), "{e}");
        assert_eq!(e.line, Some(4));
        let e = parse("S,D,2,1\nActor,Description,Power,P1,S1\na,x,1,2,3\nb,y,1,2,3\n").unwrap_err();
        assert!(e.message.contains("[3, 250]"), "{e}");
        let e = parse(&OK.replace("a,x,10,20", "a,x,ten,20")).unwrap_err();
        assert_eq!((e.line, e.column, e.field.as_deref()), (Some(3), Some(3), Some("capability")));
        assert!(e.message.contains("not a number"));
        let e = parse(&OK.replace("c,z,5,0,10", "c,z,5,abc,10")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("position (P1)"));
    }
}
