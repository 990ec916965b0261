//! Loading scenario text: TOML → [`Scenario`] → [`Params`], with every error located.
//!
//! Syntax and type errors come from the TOML parser with their byte span; semantic errors
//! ([`crate::params::Problem`]) carry the field's path (`actors.russia.capability`), which is
//! looked up in the document to find its line and column. Unknown keys get a did-you-mean.
//! Parsing text is not I/O: reading the file is the caller's job.

use crate::params::{Params, Problem};
use crate::scenario::Scenario;
use std::fmt;

/// One located error in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// 1-based line and column, when known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// Dotted path of the field, when known.
    pub path: Option<String>,
    pub message: String,
}

/// All errors of a scenario file, with the file's name for display.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    pub file: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", self.file)?;
            if let Some(l) = d.line {
                write!(f, ":{l}")?;
                if let Some(c) = d.column {
                    write!(f, ":{c}")?;
                }
            }
            write!(f, ": ")?;
            if let Some(p) = &d.path {
                write!(f, "`{p}`: ")?;
            }
            write!(f, "{}", d.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// A parsed and validated scenario.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    pub params: Params,
    /// The resolved `[uncertainty]` table.
    pub uncertainty: crate::params::Uncertainty,
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

/// Adds a did-you-mean to serde's "unknown field `x`, expected one of `a`, `b`" (and to
/// "unknown variant"), through the engine's one did-you-mean ([`crate::suggest`]).
fn improve_message(msg: &str) -> String {
    let msg = msg.trim();
    // serde lists the options as "`a`, `b` or `c`": every other backquoted piece.
    let options = |tail: &'_ str| -> Vec<String> { tail.split('`').skip(1).step_by(2).map(String::from).collect() };
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        if let Some((field, tail)) = rest.split_once('`') {
            let options = options(tail);
            let all = options.join(", ");
            return match crate::suggest::closest(field, options.iter().map(String::as_str)) {
                Some(o) => format!("unknown key `{field}`; did you mean `{o}`? (expected one of: {all})"),
                None => format!("unknown key `{field}`; expected one of: {all}"),
            };
        }
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        if let Some((v, tail)) = rest.split_once('`') {
            let options = options(tail);
            if let Some(o) = crate::suggest::closest(v, options.iter().map(String::as_str)) {
                return format!("unknown value `{v}`; did you mean `{o}`? (expected one of: {})", options.join(", "));
            }
        }
    }
    msg.to_string()
}

/// The dotted path (as [`locate`] reads it: tables by key, an array's tables by their `id`,
/// else `name[i]`) of the innermost key whose value's span holds byte `offset`.
fn path_at(doc: &toml_edit::Document<String>, offset: usize) -> Option<String> {
    fn holds(span: Option<std::ops::Range<usize>>, offset: usize) -> bool {
        span.is_some_and(|sp| sp.start <= offset && offset < sp.end)
    }
    fn in_item(item: &toml_edit::Item, offset: usize, prefix: &str) -> Option<String> {
        match item {
            toml_edit::Item::Table(t) => {
                in_table(t.iter().map(|(k, v)| (k, v, t.key(k).and_then(|k| k.span()))), offset, prefix)
            }
            toml_edit::Item::ArrayOfTables(aot) => aot.iter().enumerate().find_map(|(i, t)| {
                let name = match t.get("id").and_then(|v| v.as_str()) {
                    Some(id) => format!("{prefix}.{id}"),
                    None => format!("{prefix}[{i}]"),
                };
                in_table(t.iter().map(|(k, v)| (k, v, t.key(k).and_then(|k| k.span()))), offset, &name)
            }),
            toml_edit::Item::Value(v) => in_value(v, offset, prefix),
            toml_edit::Item::None => None,
        }
    }
    fn in_value(v: &toml_edit::Value, offset: usize, prefix: &str) -> Option<String> {
        match v {
            toml_edit::Value::InlineTable(t) => t.iter().find_map(|(k, v)| {
                let key_span = t.key(k).and_then(|k| k.span());
                let path = join(prefix, k);
                (holds(key_span, offset) || holds(v.span(), offset)).then(|| in_value(v, offset, &path).unwrap_or(path))
            }),
            toml_edit::Value::Array(a) => a.iter().enumerate().find(|(_, v)| holds(v.span(), offset)).map(|(i, v)| {
                let path = format!("{prefix}[{i}]");
                in_value(v, offset, &path).unwrap_or(path)
            }),
            _ => None,
        }
    }
    fn in_table<'a>(
        entries: impl Iterator<Item = (&'a str, &'a toml_edit::Item, Option<std::ops::Range<usize>>)>,
        offset: usize,
        prefix: &str,
    ) -> Option<String> {
        for (k, v, key_span) in entries {
            let path = join(prefix, k);
            let span = match v {
                toml_edit::Item::Value(x) => x.span(),
                toml_edit::Item::Table(t) => t.span(),
                _ => None,
            };
            if holds(key_span.clone(), offset) || holds(span, offset) {
                return Some(in_item(v, offset, &path).unwrap_or(path));
            }
            // Tables and arrays of tables may lie anywhere in the file (a `[a.b]` header after
            // other tables): search inside them whatever their own span.
            if matches!(v, toml_edit::Item::Table(_) | toml_edit::Item::ArrayOfTables(_)) {
                if let Some(p) = in_item(v, offset, &path) {
                    return Some(p);
                }
            }
        }
        None
    }
    fn join(prefix: &str, k: &str) -> String {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    }
    in_item(doc.as_item(), offset, "")
}

/// Finds the byte span of a dotted path in the document.
fn locate(doc: &toml_edit::Document<String>, path: &str) -> Option<std::ops::Range<usize>> {
    let mut segs: Vec<(String, Option<usize>)> = Vec::new();
    let (head, uncertain) = match path.strip_prefix("uncertainty.") {
        Some(rest) => ("uncertainty", Some(rest)),
        None => (path, None),
    };
    for s in head.split('.') {
        match s.split_once('[') {
            Some((name, idx)) => segs.push((name.to_string(), idx.trim_end_matches(']').parse().ok())),
            None => segs.push((s.to_string(), None)),
        }
    }
    if let Some(u) = uncertain {
        segs.push((u.to_string(), None));
    }
    let mut item: &toml_edit::Item = doc.as_item();
    let mut best = None;
    let mut i = 0;
    while i < segs.len() {
        let (name, idx) = &segs[i];
        let next: Option<&toml_edit::Item> = match item {
            toml_edit::Item::Table(t) => {
                if let Some(k) = t.key(name) {
                    best = k.span().or(best);
                }
                t.get(name)
            }
            toml_edit::Item::Value(toml_edit::Value::InlineTable(t)) => {
                if let Some(k) = t.key(name) {
                    best = k.span().or(best);
                }
                None
            }
            toml_edit::Item::ArrayOfTables(aot) => {
                // An id segment: the table whose `id` equals the name.
                let found = aot.iter().find(|t| t.get("id").and_then(|v| v.as_str()) == Some(name.as_str()));
                match found {
                    Some(t) => {
                        best = t.span().or(best);
                        // Re-enter with the table as the current item.
                        let mut rest = String::new();
                        for (n, j) in &segs[i + 1..] {
                            if !rest.is_empty() {
                                rest.push('.');
                            }
                            rest.push_str(n);
                            if let Some(j) = j {
                                rest.push_str(&format!("[{j}]"));
                            }
                        }
                        return locate_in_table(t, &rest).or(best);
                    }
                    None => return best,
                }
            }
            _ => None,
        };
        let Some(mut next) = next else { return best };
        best = next.span().or(best);
        if let Some(j) = idx {
            match next {
                toml_edit::Item::ArrayOfTables(aot) => match aot.get(*j) {
                    Some(t) => {
                        best = t.span().or(best);
                        let rest: Vec<String> = segs[i + 1..].iter().map(|(n, _)| n.clone()).collect();
                        return locate_in_table(t, &rest.join(".")).or(best);
                    }
                    None => return best,
                },
                toml_edit::Item::Value(toml_edit::Value::Array(a)) => {
                    return a.get(*j).and_then(|v| v.span()).or(best);
                }
                _ => {}
            }
        }
        item = next;
        let _ = &mut next;
        i += 1;
    }
    best
}

fn locate_in_table(t: &toml_edit::Table, rest: &str) -> Option<std::ops::Range<usize>> {
    let mut best = t.span();
    if rest.is_empty() {
        return best;
    }
    let mut cur_table: Option<&toml_edit::Table> = Some(t);
    let mut cur_inline: Option<&toml_edit::InlineTable> = None;
    for name in rest.split('.') {
        if let Some(tb) = cur_table {
            if let Some(k) = tb.key(name) {
                best = k.span().or(best);
            }
            match tb.get(name) {
                Some(toml_edit::Item::Table(n)) => {
                    best = n.span().or(best);
                    cur_table = Some(n);
                }
                Some(toml_edit::Item::Value(toml_edit::Value::InlineTable(n))) => {
                    best = n.span().or(best);
                    cur_table = None;
                    cur_inline = Some(n);
                }
                Some(other) => return other.span().or(best),
                None => return best,
            }
        } else if let Some(it) = cur_inline {
            if let Some(k) = it.key(name) {
                best = k.span().or(best);
            }
            match it.get(name) {
                Some(toml_edit::Value::InlineTable(n)) => {
                    best = n.span().or(best);
                    cur_inline = Some(n);
                }
                Some(v) => return v.span().or(best),
                None => return best,
            }
        }
    }
    best
}

/// Parses and validates scenario text. `file` names the source in messages.
pub fn load_str(file: &str, text: &str) -> Result<Loaded, ScenarioError> {
    let err = |diagnostics| ScenarioError { file: file.to_string(), diagnostics };
    let scenario: Scenario = match toml::from_str(text) {
        Ok(s) => s,
        Err(e) => {
            let (line, column) = match e.span() {
                Some(sp) => {
                    let (l, c) = line_col(text, sp.start);
                    (Some(l), Some(c))
                }
                None => (None, None),
            };
            // A value the schema refuses (NaN, a string for a number, ...) is named by its key
            // path when the text parses as TOML; a syntax error has no path.
            let path = e.span().and_then(|sp| {
                let doc = toml_edit::Document::parse(text.to_string()).ok()?;
                path_at(&doc, sp.start)
            });
            return Err(err(vec![Diagnostic { line, column, path, message: improve_message(e.message()) }]));
        }
    };
    let compiled = Params::compile(&scenario)
        .and_then(|params| crate::params::compile_uncertainty(&scenario, &params).map(|u| (params, u)));
    match compiled {
        Ok((params, uncertainty)) => Ok(Loaded { scenario, params, uncertainty }),
        Err(problems) => {
            let doc = toml_edit::Document::parse(text.to_string()).ok();
            let diagnostics = problems
                .into_iter()
                .map(|Problem { path, message }| {
                    let span = doc.as_ref().and_then(|d| locate(d, &path));
                    let (line, column) = match span {
                        Some(sp) => {
                            let (l, c) = line_col(text, sp.start);
                            (Some(l), Some(c))
                        }
                        None => (None, None),
                    };
                    Diagnostic { line, column, path: Some(path), message }
                })
                .collect();
            Err(err(diagnostics))
        }
    }
}

/// Serialises a scenario back to TOML (sources kept as `{ value, source }` tables).
pub fn to_toml(s: &Scenario) -> Result<String, String> {
    toml::to_string_pretty(s).map_err(|e| e.to_string())
}
