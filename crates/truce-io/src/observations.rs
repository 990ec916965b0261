//! The observations file: `date,quantity,value,sd,source` (`docs/observations.md`).
//!
//! [`parse_observations`] turns the text into [`ObservationRow`]s and checks everything that
//! does not depend on a scenario: the header, the number of fields, dates (`YYYY-MM-DD`,
//! real calendar days, ascending), the quantity's form, numbers (finite, not NaN, ≥ 0), the
//! sd (> 0 for numbers, empty for a state), state names, one value per quantity and date.
//! [`read_observations`] reads a file, parses it and validates it against a scenario's sides
//! and start ([`truce_forecast::observation::validate`]). Every error names the file, the
//! line, the column and its name, and says what was expected. There are no comment lines:
//! provenance belongs in the `source` column and in a README beside the file.

use crate::error::ReadError;
use std::collections::BTreeMap;
use std::path::Path;
use truce_forecast::observation::{
    validate, CivilDate, ObservationRow, Observations, QuantityName, RowValue, StartRule, StateName, COLUMNS,
};

/// Reads, parses and validates an observations file against a scenario's side ids (first
/// side first) and start rule.
pub fn read_observations(path: &Path, sides: &[String], rule: StartRule) -> Result<Observations, ReadError> {
    let text = std::fs::read_to_string(path).map_err(|e| ReadError::new(path, format!("cannot read the file: {e}")))?;
    observations_from_text(path, &text, sides, rule)
}

/// Parses and validates an observations file's text that did not come from a file (an
/// upload on the page, a Python data frame); `name` labels it in errors as a path would.
pub fn observations_from_text(
    name: &Path,
    text: &str,
    sides: &[String],
    rule: StartRule,
) -> Result<Observations, ReadError> {
    let rows = parse_observations(name, text)?;
    validate(rows, sides, rule).map_err(|e| ReadError::new(name, e.message).at(e.line, Some(e.column)).field(e.field))
}

/// Parses an observations file's text; `path` names it in errors.
pub fn parse_observations(path: &Path, text: &str) -> Result<Vec<ObservationRow>, ReadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header = format!("`{}`", COLUMNS.join(","));
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let first = match records.next() {
        None => return Err(ReadError::new(path, format!("the file is empty; expected the header {header}"))),
        Some(r) => r.map_err(|e| csv_error(path, e))?,
    };
    let line = |r: &csv::StringRecord| r.position().map_or(0, |p| p.line() as usize);
    let names: Vec<String> = first.iter().map(|s| s.trim().to_ascii_lowercase()).collect();
    if names != COLUMNS {
        let col = names.iter().zip(COLUMNS).position(|(a, b)| a != b).unwrap_or(names.len().min(COLUMNS.len()));
        return Err(ReadError::new(
            path,
            format!("the header is `{}`; expected exactly {header}", first.iter().collect::<Vec<_>>().join(",")),
        )
        .at(line(&first), Some(col + 1)));
    }
    let mut rows: Vec<ObservationRow> = Vec::new();
    let mut seen: BTreeMap<(CivilDate, String), usize> = BTreeMap::new();
    for rec in records {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let ln = line(&rec);
        if rec.len() == 1 && rec[0].trim().is_empty() {
            continue;
        }
        let err = |col: usize, m: String| ReadError::new(path, m).at(ln, Some(col)).field(COLUMNS[col - 1]);
        if rec.len() != COLUMNS.len() {
            return Err(ReadError::new(
                path,
                format!("{} fields; expected {} ({})", rec.len(), COLUMNS.len(), COLUMNS.join(",")),
            )
            .at(ln, None));
        }
        let date = parse_date(rec[0].trim()).map_err(|m| err(1, m))?;
        if let Some(prev) = rows.last() {
            if date < prev.date {
                return Err(err(
                    1,
                    format!("{date} comes after {} (line {}); expected dates in ascending order", prev.date, prev.line),
                ));
            }
        }
        let q = rec[1].trim();
        let quantity = QuantityName::parse(q).ok_or_else(|| {
            err(
                2,
                if q.is_empty() {
                    "missing quantity; expected km2_held, state or casualties_<side id>".into()
                } else {
                    format!("unknown quantity `{q}`; expected km2_held, state or casualties_<side id>")
                },
            )
        })?;
        let (raw_value, raw_sd) = (rec[2].trim(), rec[3].trim());
        let (value, sd) = match quantity {
            QuantityName::State => {
                let name = StateName::parse(raw_value).ok_or_else(|| {
                    err(
                        3,
                        if raw_value.is_empty() {
                            format!("missing value; expected a state: {}", StateName::EXPECTED)
                        } else {
                            format!("`{raw_value}` is not a state; expected {}", StateName::EXPECTED)
                        },
                    )
                })?;
                if !raw_sd.is_empty() {
                    return Err(err(4, format!("`{raw_sd}`: a state has no sd; leave the column empty")));
                }
                (RowValue::State(name), None)
            }
            _ => {
                let what = match quantity {
                    QuantityName::Km2Held => "km² held, a number ≥ 0",
                    _ => "cumulative casualties, a number ≥ 0",
                };
                let v = number(raw_value, what).map_err(|m| err(3, m))?;
                if v < 0.0 {
                    return Err(err(3, format!("{v} is negative; expected {what}")));
                }
                let sd = number(raw_sd, "the measurement error (sd), a number > 0").map_err(|m| err(4, m))?;
                if sd <= 0.0 {
                    return Err(err(
                        4,
                        format!("sd {sd} is not positive; expected the measurement error, a number > 0"),
                    ));
                }
                (RowValue::Number(v), Some(sd))
            }
        };
        if let Some(first) = seen.insert((date, quantity.to_string()), ln) {
            return Err(err(2, format!("a second `{quantity}` for {date} (the first is on line {first}); expected one value per quantity and date")));
        }
        rows.push(ObservationRow { line: ln, date, quantity, value, sd, source: rec[4].trim().to_string() });
    }
    Ok(rows)
}

fn csv_error(path: &Path, e: csv::Error) -> ReadError {
    let line = e.position().map(|p| p.line() as usize);
    let msg = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the file is not valid UTF-8".to_string(),
        _ => format!("unreadable CSV: {e}"),
    };
    let r = ReadError::new(path, msg);
    match line {
        Some(l) => r.at(l, None),
        None => r,
    }
}

/// A finite number; messages say what was expected.
fn number(raw: &str, expected: &str) -> Result<f64, String> {
    if raw.is_empty() {
        return Err(format!("missing value; expected {expected}"));
    }
    let v: f64 = raw.parse().map_err(|_| format!("`{raw}` is not a number; expected {expected}"))?;
    if v.is_nan() {
        return Err(format!("`{raw}` is NaN; expected {expected}"));
    }
    if !v.is_finite() {
        return Err(format!("`{raw}` is not finite; expected {expected}"));
    }
    Ok(v)
}

/// `YYYY-MM-DD`, a real calendar day.
fn parse_date(raw: &str) -> Result<CivilDate, String> {
    CivilDate::parse(raw)
}
