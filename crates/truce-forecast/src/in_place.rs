//! Writes an edited scenario **into its own source text**, keeping every comment, the order
//! of keys and tables and the formatting of whatever did not change (`truce calibrate`'s
//! writer, `docs/calibration.md`). The loader's serialiser (`truce_engine::load::to_toml`)
//! rewrites a whole file and drops its comments, which in a built-in scenario carry every
//! number's source; this module instead compares the scenario before and after the edit
//! (both serialised the same way) and patches only the leaves that differ into the parsed
//! document (`toml_edit`): changed values are replaced (keeping their surrounding
//! whitespace and comments), removed keys and array elements are deleted (a comment above a
//! removed key moves to the key below it), new keys are inserted.
//!
//! The `[weighted_sample]` table is not patched: it is dropped from the text and the caller's
//! rendering of it appended at the end, after the rest of the document in canonical form
//! (no trailing blank lines), so that writing the same sample into its own output gives the
//! same bytes again (idempotent). Comment lines above the old table that start with
//! [`PROVENANCE`] are the writer's own and are replaced; other comments there are kept.
//!
//! It never decides what changes (the caller's `after` does), never touches a leaf that is
//! equal before and after, and never panics on odd input: a document that does not parse, or
//! a shape it cannot patch, is an error value.

use std::fmt::Write as _;
use toml_edit::{DocumentMut, Item, TableLike};
use truce_engine::scenario::Scenario;

/// The start of the comment lines the writer puts above `[weighted_sample]` (replaced on
/// every write; other comments there are kept).
pub const PROVENANCE: &str = "# calibration:";

/// Patches `original` (the text `before` was loaded from) so that it describes `after`,
/// then appends `tail` (the `[weighted_sample]` as TOML, with its provenance comment lines,
/// or nothing). Every comment and untouched line of `original` is kept.
pub fn edit_in_place(original: &str, before: &Scenario, after: &Scenario, tail: &str) -> Result<String, String> {
    let mut doc: DocumentMut = original.parse().map_err(|e| format!("the scenario text does not parse: {e}"))?;
    let value = |s: &Scenario| -> Result<toml::Table, String> {
        let mut s = s.clone();
        s.weighted_sample = None;
        match toml::Value::try_from(&s).map_err(|e| e.to_string())? {
            toml::Value::Table(t) => Ok(t),
            _ => Err("a scenario serialises to a table".into()),
        }
    };
    let (b, a) = (value(before)?, value(after)?);
    // The old sample goes; comments above it that are not the writer's own stay.
    let mut kept = String::new();
    if let Some(old) = doc.as_table_mut().remove("weighted_sample") {
        if let Some(prefix) = old.as_table().and_then(|t| t.decor().prefix()).and_then(|p| p.as_str()) {
            for line in prefix.lines().filter(|l| !l.trim_start().starts_with(PROVENANCE)) {
                kept.push_str(line);
                kept.push('\n');
            }
        }
    }
    patch_table(doc.as_table_mut(), &b, &a, "")?;
    let mut out = doc.to_string();
    out.push_str(&kept);
    let len = out.trim_end().len();
    out.truncate(len);
    out.push('\n');
    if !tail.is_empty() {
        out.push('\n');
        out.push_str(tail);
    }
    Ok(out)
}

/// The dotted location of a key, for errors.
fn at(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn patch_table(t: &mut dyn TableLike, b: &toml::Table, a: &toml::Table, path: &str) -> Result<(), String> {
    // Removed keys: their comment (the key's prefix) moves to the next key that stays.
    let keys: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
    let mut carried = String::new();
    for k in &keys {
        if b.contains_key(k) && !a.contains_key(k) {
            if let Some(p) = t.key(k).and_then(|key| key.leaf_decor().prefix()).and_then(|p| p.as_str()) {
                if p.contains('#') {
                    carried.push_str(p);
                }
            }
            t.remove(k);
        } else if !carried.is_empty() {
            if let Some(mut key) = t.key_mut(k) {
                let own = key.leaf_decor().prefix().and_then(|p| p.as_str()).unwrap_or("").to_string();
                let joined = format!("{carried}{}", own.trim_start_matches(' '));
                key.leaf_decor_mut().set_prefix(joined);
                carried.clear();
            }
        }
    }
    for (k, av) in a {
        match (b.get(k), t.get_mut(k)) {
            (Some(bv), _) if bv == av => {}
            (Some(bv), Some(item)) => patch_item(item, bv, av, &at(path, k))?,
            // New, or a default the file did not spell out: written as a value.
            (_, None) => {
                t.insert(k, Item::Value(to_value(av)?));
            }
            (None, Some(item)) => *item = Item::Value(to_value(av)?),
        }
    }
    Ok(())
}

fn patch_item(item: &mut Item, b: &toml::Value, a: &toml::Value, path: &str) -> Result<(), String> {
    match (item, b, a) {
        (Item::Table(t), toml::Value::Table(bt), toml::Value::Table(at)) => patch_table(t, bt, at, path),
        (Item::Value(toml_edit::Value::InlineTable(t)), toml::Value::Table(bt), toml::Value::Table(at)) => {
            patch_table(t, bt, at, path)
        }
        (Item::ArrayOfTables(arr), toml::Value::Array(ba), toml::Value::Array(aa)) => {
            if ba.len() == aa.len() {
                for (i, (bv, av)) in ba.iter().zip(aa).enumerate() {
                    match (arr.get_mut(i), bv, av) {
                        (Some(t), toml::Value::Table(bt), toml::Value::Table(at)) => {
                            patch_table(t, bt, at, &format!("{path}[{i}]"))?
                        }
                        _ => return Err(format!("{path}[{i}]: not a table in the scenario text")),
                    }
                }
                Ok(())
            } else if let Some(gone) = removed(ba, aa) {
                for i in gone.into_iter().rev() {
                    arr.remove(i);
                }
                Ok(())
            } else {
                Err(format!("{path}: an array of tables changed beyond removing entries; cannot edit it in place"))
            }
        }
        (Item::Value(v), _, _) => patch_value(v, b, a, path),
        (item, _, _) => {
            *item = Item::Value(to_value(a)?);
            Ok(())
        }
    }
}

fn patch_value(v: &mut toml_edit::Value, b: &toml::Value, a: &toml::Value, path: &str) -> Result<(), String> {
    if let (toml_edit::Value::Array(arr), toml::Value::Array(ba), toml::Value::Array(aa)) = (&mut *v, b, a) {
        if ba.len() == aa.len() && arr.len() == ba.len() {
            for (i, (bv, av)) in ba.iter().zip(aa).enumerate() {
                if bv != av {
                    let x = arr.get_mut(i).ok_or_else(|| format!("{path}[{i}]: missing in the scenario text"))?;
                    patch_value(x, bv, av, &format!("{path}[{i}]"))?;
                }
            }
            return Ok(());
        }
    }
    if let (toml_edit::Value::InlineTable(t), toml::Value::Table(bt), toml::Value::Table(at)) = (&mut *v, b, a) {
        return patch_table(t, bt, at, path);
    }
    let decor = v.decor().clone();
    *v = to_value(a)?;
    *v.decor_mut() = decor;
    Ok(())
}

/// The indices of `before` whose removal leaves `after` (in order), if that is all that
/// changed.
fn removed(before: &[toml::Value], after: &[toml::Value]) -> Option<Vec<usize>> {
    let mut gone = Vec::new();
    let mut j = 0;
    for (i, x) in before.iter().enumerate() {
        if j < after.len() && after[j] == *x {
            j += 1;
        } else {
            gone.push(i);
        }
    }
    (j == after.len()).then_some(gone)
}

/// A `toml` value as a `toml_edit` value (tables inline), with default formatting.
pub(crate) fn to_value(v: &toml::Value) -> Result<toml_edit::Value, String> {
    Ok(match v {
        toml::Value::String(s) => s.as_str().into(),
        toml::Value::Integer(i) => (*i).into(),
        toml::Value::Float(f) => (*f).into(),
        toml::Value::Boolean(b) => (*b).into(),
        toml::Value::Datetime(d) => {
            let mut s = String::new();
            let _ = write!(s, "{d}");
            toml_edit::Value::Datetime(toml_edit::Formatted::new(
                s.parse().map_err(|e| format!("a date that does not read back: {s}: {e}"))?,
            ))
        }
        toml::Value::Array(xs) => {
            let mut arr = toml_edit::Array::new();
            for x in xs {
                arr.push(to_value(x)?);
            }
            toml_edit::Value::Array(arr)
        }
        toml::Value::Table(t) => {
            let mut it = toml_edit::InlineTable::new();
            for (k, x) in t {
                it.insert(k, to_value(x)?);
            }
            toml_edit::Value::InlineTable(it)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use truce_engine::load::load_str;

    fn scenario_text() -> String {
        truce_engine::builtin::builtin("generic-interstate").unwrap().to_string()
    }

    #[test]
    fn a_changed_value_keeps_its_comments_and_a_removed_key_hands_its_comment_down() {
        let text = scenario_text();
        let before = load_str("t", &text).unwrap().scenario;
        let path = before.uncertainty.keys().next().unwrap().clone();
        let mut after = before.clone();
        after.uncertainty.remove(&path);
        after.combat.casualty_noise = truce_engine::scenario::Num { value: 0.123, source: Some("edited".into()) };
        // A comment above the removed entry.
        let marked = text.replacen(&format!("\"{path}\""), &format!("# about the first prior\n\"{path}\""), 1);
        assert_ne!(marked, text, "the prior is written as a quoted key");
        let out = edit_in_place(&marked, &before, &after, "").unwrap();
        let l = load_str("t", &out).unwrap();
        assert_eq!(l.scenario, after);
        assert!(out.contains("# about the first prior\n"), "{out}");
        assert!(!out.contains(&format!("\"{path}\" =")));
        let comments = |t: &str| t.lines().filter(|l| l.trim_start().starts_with('#')).count();
        assert_eq!(comments(&out), comments(&marked));
    }

    #[test]
    fn the_tail_replaces_the_old_sample_and_other_comments_stay() {
        let tail = format!("{PROVENANCE} mine\n[weighted_sample]\npaths = []\nweights = []\nrows = []\n");
        let s = load_str("t", &scenario_text()).unwrap().scenario;
        let text = format!("{}\n# a note of the author\n\n{tail}", scenario_text());
        let once = edit_in_place(&text, &s, &s, &tail).unwrap();
        assert!(once.contains("# a note of the author\n"));
        assert_eq!(once.matches("[weighted_sample]").count(), 1);
        assert_eq!(edit_in_place(&once, &s, &s, &tail).unwrap(), once, "idempotent");
    }

    #[test]
    fn bad_text_is_an_error() {
        let s = load_str("t", &scenario_text()).unwrap().scenario;
        assert!(edit_in_place("[scenario\n", &s, &s, "").unwrap_err().contains("does not parse"));
    }
}
