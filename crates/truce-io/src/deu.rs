//! The DEU III combined format (Decision-making in the European Union; Arregui & Perarnaud,
//! doi:10.34810/data53, CC BY 4.0; format in `docs/reference/bargaining-models.md` §7).
//!
//! Tab-separated, one header row, 75 columns: `prnrnmc isnrnmc prnr prname isnr type council
//! proc counvte proccde issues intro finact`, positions `p<code>` of 30 actors, saliences
//! `s<code>`, then `rp` (reference point) and `out` (outcome). Cells may be double-quoted.
//!
//! Cleaning (reference §7.3): a value counts only if it parses as a number in [0, 100]
//! (blank, 999 and text are missing); an issue is scoreable only if `out` is present and at
//! least 3 actors have both a position and a salience. The defective `finact` column is not
//! read; `intro` (dd-mm-yy) is.
//!
//! Strict about the file's shape (never silently): the file must be UTF-8 (an invalid byte is
//! an error at its line and column, named from the header), the header may not name a column
//! twice, every row has exactly the header's number of fields, and an issue (`isnr`) appears
//! once. DEU files have no comment lines; blank lines are skipped.

use crate::error::ReadError;
use crate::tabular::{clip, decode_utf8, unique_header};
use std::path::Path;

/// DEU actor codes in column order.
pub const ACTOR_CODES: [&str; 30] = [
    "com", "ep", "at", "be", "bu", "cr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "el", "hu", "ie", "it", "lv", "lt",
    "lu", "mt", "nl", "pl", "pt", "ro", "si", "sk", "es", "se", "uk",
];

/// One issue row of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct DeuIssue {
    /// Line in the file (1-based).
    pub line: usize,
    pub proposal: String,
    pub proposal_name: String,
    pub issue: String,
    /// Introduction date (year, month, day), if parseable.
    pub intro: Option<(i32, u32, u32)>,
    /// Positions per actor code (ACTOR_CODES order); `None` = missing.
    pub position: [Option<f64>; 30],
    pub salience: [Option<f64>; 30],
    pub reference_point: Option<f64>,
    pub outcome: Option<f64>,
}

impl DeuIssue {
    /// Number of actors with both a position and a salience.
    pub fn n_complete(&self) -> usize {
        (0..30).filter(|&a| self.position[a].is_some() && self.salience[a].is_some()).count()
    }
    /// Scoreable under the reference cleaning rules.
    pub fn scoreable(&self) -> bool {
        self.outcome.is_some() && self.n_complete() >= 3
    }
}

/// A parsed DEU file.
#[derive(Debug, Clone, PartialEq)]
pub struct DeuFile {
    pub issues: Vec<DeuIssue>,
}

impl DeuFile {
    pub fn scoreable(&self) -> impl Iterator<Item = &DeuIssue> {
        self.issues.iter().filter(|i| i.scoreable())
    }
}

fn cell(raw: &str) -> &str {
    let t = raw.trim();
    t.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(t).trim()
}

/// A value counts only if it is a number in [0, 100].
fn value(raw: &str) -> Option<f64> {
    cell(raw).parse::<f64>().ok().filter(|v| (0.0..=100.0).contains(v))
}

fn date(raw: &str) -> Option<(i32, u32, u32)> {
    let mut it = cell(raw).split('-');
    let d: u32 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let y: i32 = it.next()?.parse().ok()?;
    let y = if y < 100 {
        if y >= 50 {
            1900 + y
        } else {
            2000 + y
        }
    } else {
        y
    };
    ((1..=31).contains(&d) && (1..=12).contains(&m)).then_some((y, m, d))
}

/// DEU files shipped with truce (`data/deu/`), embedded so that a user can name one from any
/// working directory: by its path in the repository or by a tail of it (`deu3-dev.tsv`).
pub const SHIPPED: &[(&str, &str)] = &[("data/deu/deu3-dev.tsv", include_str!("../../../data/deu/deu3-dev.tsv"))];

/// Reads a DEU file like [`read_deu`] (a relative path is relative to the working directory);
/// where no file is at `path` and `path` names a shipped file ([`SHIPPED`]), reads the embedded
/// copy instead. The error for a missing file names the working directory and the shipped names.
pub fn read_deu_or_shipped(path: &Path) -> Result<DeuFile, ReadError> {
    if path.exists() {
        return read_deu(path);
    }
    let named = |name: &&(&str, &str)| !path.as_os_str().is_empty() && Path::new(name.0).ends_with(path);
    if let Some((name, text)) = SHIPPED.iter().find(named) {
        return parse_deu(Path::new(name), text);
    }
    let cwd = std::env::current_dir().map_or_else(|_| "?".to_string(), |d| d.display().to_string());
    let shipped: Vec<&str> = SHIPPED.iter().map(|s| s.0).collect();
    Err(ReadError::new(
        path,
        format!(
            "no such file (relative paths are taken from the working directory, {cwd}); shipped files, \
             readable from anywhere by name: {}",
            shipped.join(", ")
        ),
    ))
}

/// Reads a DEU file.
pub fn read_deu(path: &Path) -> Result<DeuFile, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| ReadError::new(path, format!("cannot read the file: {e}")))?;
    parse_deu_bytes(path, bytes)
}

/// Parses the bytes of a DEU file: invalid UTF-8 is an error at its line, column and field;
/// `path` is used in messages.
pub fn parse_deu_bytes(path: &Path, bytes: Vec<u8>) -> Result<DeuFile, ReadError> {
    let text = decode_utf8(path, bytes, b'\t', true)?;
    parse_deu(path, &text)
}

/// Parses DEU text; `path` is used in messages.
pub fn parse_deu(path: &Path, text: &str) -> Result<DeuFile, ReadError> {
    let mut lines = text.lines().enumerate();
    let Some((_, header)) = lines.next() else {
        return Err(ReadError::new(path, "the file is empty; expected the DEU header row"));
    };
    let h: Vec<&str> = header.trim_end_matches('\r').split('\t').map(cell).collect();
    if h.len() == 1 {
        return Err(
            ReadError::new(path, "the header has a single column; expected tab-separated DEU columns").at(1, None)
        );
    }
    unique_header(path, 1, h.iter().copied())?;
    let col = |name: &str| -> Result<usize, ReadError> {
        h.iter()
            .position(|c| c.eq_ignore_ascii_case(name))
            .ok_or_else(|| ReadError::new(path, format!("missing column `{name}` in the header")).at(1, None))
    };
    let c_prnr = col("prnr")?;
    let c_prname = col("prname")?;
    let c_isnr = col("isnr")?;
    let c_intro = col("intro")?;
    let c_rp = col("rp")?;
    let c_out = col("out")?;
    let mut c_pos = [0usize; 30];
    let mut c_sal = [0usize; 30];
    for (a, code) in ACTOR_CODES.iter().enumerate() {
        c_pos[a] = col(&format!("p{code}"))?;
        c_sal[a] = col(&format!("s{code}"))?;
    }
    let mut issues = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, line) in lines {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != h.len() {
            return Err(ReadError::new(path, format!("the row has {} fields; the header has {}", f.len(), h.len()))
                .at(i + 1, None));
        }
        let isnr = cell(f[c_isnr]);
        if let Some(first) = seen.insert(isnr.to_string(), i + 1) {
            return Err(ReadError::new(
                path,
                format!("issue `{}` appears twice (first on line {first}); each issue has one row", clip(isnr)),
            )
            .at(i + 1, Some(c_isnr + 1))
            .field("isnr"));
        }
        let mut position = [None; 30];
        let mut salience = [None; 30];
        for a in 0..30 {
            position[a] = value(f[c_pos[a]]);
            salience[a] = value(f[c_sal[a]]);
        }
        issues.push(DeuIssue {
            line: i + 1,
            proposal: cell(f[c_prnr]).to_string(),
            proposal_name: cell(f[c_prname]).to_string(),
            issue: cell(f[c_isnr]).to_string(),
            intro: date(f[c_intro]),
            position,
            salience,
            reference_point: value(f[c_rp]),
            outcome: value(f[c_out]),
        });
    }
    Ok(DeuFile { issues })
}

#[cfg(test)]
mod tests {
    use super::*;
    /// Tests run in the crate's folder, where `data/deu/deu3-dev.tsv` is not a file: the
    /// shipped name still reads, the same as the repository's file; other names fail clearly.
    #[test]
    fn shipped_files_read_from_anywhere() {
        assert!(!Path::new("data/deu/deu3-dev.tsv").exists());
        let real = read_deu(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/deu/deu3-dev.tsv")).unwrap();
        for name in ["data/deu/deu3-dev.tsv", "deu3-dev.tsv"] {
            let f = read_deu_or_shipped(Path::new(name)).unwrap();
            assert_eq!(f.issues.len(), real.issues.len(), "{name}");
        }
        let e = read_deu_or_shipped(Path::new("data/deu/nope.tsv")).unwrap_err().to_string();
        assert!(
            e.contains("nope.tsv") && e.contains("working directory") && e.contains("data/deu/deu3-dev.tsv"),
            "{e}"
        );
        assert!(read_deu_or_shipped(Path::new("")).is_err());
    }

    #[test]
    fn values_and_dates() {
        assert_eq!(value(" 50 "), Some(50.0));
        assert_eq!(value("999"), None);
        assert_eq!(value("\"40\""), Some(40.0));
        assert_eq!(value(""), None);
        assert_eq!(date("26-01-00"), Some((2000, 1, 26)));
        assert_eq!(date("05-03-97"), Some((1997, 3, 5)));
    }
}

/// Capabilities for a DEU backtest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Capability {
    /// Every actor 1 (the only choice independent of outside data).
    #[default]
    Equal,
    /// Council voting weights of the treaty regime in force when the proposal was introduced
    /// (see [`council_weight`]); the Commission and the Parliament get the largest member's
    /// weight.
    Council,
}

/// Council of the EU voting weights (qualified-majority weights) by treaty regime.
///
/// - Before 1 May 2004 (Treaty of Amsterdam, EU-15; Art. 205(2) TEC): DE, FR, IT, UK 10;
///   ES 8; BE, EL, NL, PT 5; AT, SE 4; DK, IE, FI 3; LU 2 (total 87).
/// - 1 May – 31 October 2004 (2003 Act of Accession, Art. 26): the EU-15 weights above plus
///   PL 8; CZ, HU 5; EE, LV, LT, SI, SK 3; CY, MT 2.
/// - From 1 November 2004 (Treaty of Nice, Protocol on enlargement; 2005 Act of Accession for
///   BG and RO; 2012 Act of Accession for HR): DE, FR, IT, UK 29; ES, PL 27; RO 14; NL 13;
///   BE, CZ, EL, HU, PT 12; AT, BG, SE 10; DK, IE, LT, SK, FI, HR 7; CY, EE, LV, LU, SI 4;
///   MT 3 (total 345 for EU-27, 352 with HR).
/// - The Lisbon double majority (from 1 November 2014) has no weights; until 31 March 2017 any
///   member could ask for a vote under the Nice weights (Protocol 36, Art. 3). truce keeps the
///   Nice weights for proposals introduced after 1 November 2014: a documented proxy.
///
/// A state that was not yet a member on the date gets 0. `None` date: the Nice weights.
pub fn council_weight(code: &str, intro: Option<(i32, u32, u32)>) -> f64 {
    let date = intro.unwrap_or((2005, 1, 1));
    let joined = |c: &str| match c {
        "at" | "fi" | "se" => (1995, 1, 1),
        "cz" | "cy" | "ee" | "hu" | "lv" | "lt" | "mt" | "pl" | "sk" | "si" => (2004, 5, 1),
        "bu" | "ro" => (2007, 1, 1),
        "cr" => (2013, 7, 1),
        _ => (0, 1, 1),
    };
    if date < joined(code) {
        return 0.0;
    }
    let w = if date < (2004, 5, 1) || (date < (2004, 11, 1) && joined(code) < (2004, 5, 1)) {
        match code {
            "de" | "fr" | "it" | "uk" => 10.0,
            "es" => 8.0,
            "be" | "el" | "nl" | "pt" => 5.0,
            "at" | "se" => 4.0,
            "dk" | "ie" | "fi" => 3.0,
            "lu" => 2.0,
            _ => 0.0,
        }
    } else if date < (2004, 11, 1) {
        match code {
            "pl" => 8.0,
            "cz" | "hu" => 5.0,
            "ee" | "lv" | "lt" | "si" | "sk" => 3.0,
            "cy" | "mt" => 2.0,
            _ => 0.0,
        }
    } else {
        match code {
            "de" | "fr" | "it" | "uk" => 29.0,
            "es" | "pl" => 27.0,
            "ro" => 14.0,
            "nl" => 13.0,
            "be" | "cz" | "el" | "hu" | "pt" => 12.0,
            "at" | "bu" | "se" => 10.0,
            "dk" | "ie" | "lt" | "sk" | "fi" | "cr" => 7.0,
            "cy" | "ee" | "lv" | "lu" | "si" => 4.0,
            "mt" => 3.0,
            _ => 0.0,
        }
    };
    if code == "com" || code == "ep" {
        return if date < (2004, 11, 1) { 10.0 } else { 29.0 };
    }
    w
}

/// Scoreable issues as backtest inputs, in file order (issues of a proposal are adjacent).
pub fn observed_issues(file: &DeuFile, capability: Capability) -> Vec<truce_bargain::backtest::ObservedIssue> {
    use truce_bargain::{ActorTable, Cell, Issue};
    file.scoreable()
        .filter_map(|i| {
            let mut actors = Vec::new();
            let mut cells = Vec::new();
            for (a, code) in ACTOR_CODES.iter().enumerate() {
                if let (Some(p), Some(s)) = (i.position[a], i.salience[a]) {
                    let c = match capability {
                        Capability::Equal => 1.0,
                        Capability::Council => council_weight(code, i.intro),
                    };
                    actors.push(code.to_string());
                    cells.push(Some(Cell { position: p, salience: s / 100.0, capability: c }));
                }
            }
            let table = ActorTable::new(actors, vec![Issue::new_0_100(i.issue.clone())], cells).ok()?;
            Some(truce_bargain::backtest::ObservedIssue {
                group: i.proposal.clone(),
                id: i.issue.clone(),
                table,
                reference_point: i.reference_point,
                outcome: i.outcome?,
            })
        })
        .collect()
}
