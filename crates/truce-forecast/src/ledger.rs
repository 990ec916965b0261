//! The forecast ledger: forecasts recorded when they were issued, so they can be scored on
//! what happens afterwards and never quietly changed (`forecast-evaluation.md` §2.4).
//!
//! A ledger is a directory with `ledger.jsonl`, one [`Record`] per line, and the saved
//! forecasts (part files 1/1, [`crate::saved`]) under `forecasts/`. Each record names its
//! issue date (passed in by the caller: this crate never reads the clock), the scenario's
//! fingerprint and SHA-256, the seed, runs and horizon, the forecast file and its SHA-256,
//! and the hash of the record before it; its own `hash` is the SHA-256 of its canonical JSON
//! (sorted keys, no whitespace, without `hash`). Changing, removing or reordering a record,
//! or changing a forecast file, breaks the chain, and [`verify`] says where. Records are only
//! ever appended.
//!
//! This module is pure: it builds and checks records from bytes; reading and appending files
//! is the caller's job (the CLI).

use crate::part::Part;
use crate::score::LEVELS;
use crate::scorecard::STATE_FLOOR;
use serde::{Deserialize, Serialize};
use truce_engine::calendar::CivilDate;

/// The ledger file inside a ledger directory.
pub const LEDGER_FILE: &str = "ledger.jsonl";
/// The directory of saved forecasts inside a ledger directory.
pub const FORECASTS_DIR: &str = "forecasts";
/// `prev_hash` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// How the random streams are derived, recorded with every forecast (§6.7).
pub const RNG: &str = "ChaCha8 (rand_chacha 0.9): run i draws its parameters from stream i of seed ^ PARAM_KEY and its run from stream i of seed";

/// One issued forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Position in the ledger, from 0.
    pub seq: u64,
    /// The day the forecast was issued (its information set ends there).
    pub issued: CivilDate,
    /// Wall-clock time of writing, as the caller gives it (e.g. `2026-11-24 03:10 UTC`).
    pub created_utc: String,
    /// The scenario's name.
    pub scenario: String,
    /// The forecast's fingerprint (scenario text, seed, horizon).
    pub fingerprint: String,
    /// SHA-256 of the scenario text the forecast ran.
    pub scenario_sha256: String,
    /// The forecast's start date.
    pub start: CivilDate,
    /// Weeks forecast.
    pub horizon_weeks: u32,
    /// Runs.
    pub runs: u64,
    /// Seed.
    pub seed: u64,
    /// The random streams.
    pub rng: String,
    /// How the forecast is scored: CRPS exact for the stored histograms, the state floor,
    /// the interval levels.
    pub scoring: String,
    /// The truce version that made it.
    pub truce_version: String,
    /// The saved forecast, relative to the ledger directory.
    pub forecast_file: String,
    /// SHA-256 of the saved forecast's bytes.
    pub forecast_sha256: String,
    /// The previous record's `hash` ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// SHA-256 of this record's canonical JSON without this field.
    pub hash: String,
}

/// Why a ledger does not check out.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LedgerError {
    /// A line is not a record.
    #[error("line {line}: not a ledger record: {detail}")]
    Unreadable {
        /// 1-based line.
        line: usize,
        /// The parser's message.
        detail: String,
    },
    /// A record's contents do not match its hash, or the chain is broken.
    #[error("line {line}: {detail}")]
    Broken {
        /// 1-based line.
        line: usize,
        /// What does not match.
        detail: String,
    },
}

/// The canonical JSON of a record without its `hash`: keys sorted, no whitespace.
pub fn canonical(r: &Record) -> String {
    let mut v = serde_json::to_value(r).expect("a record serialises");
    if let Some(m) = v.as_object_mut() {
        m.remove("hash");
    }
    // serde_json's map is ordered by key (no `preserve_order`), so this is canonical.
    serde_json::to_string(&v).expect("a value serialises")
}

/// A new record for the forecast `part` saved as `forecast_file` with bytes `saved`,
/// following `prev` (None for the first record).
pub fn new_record(
    prev: Option<&Record>,
    issued: CivilDate,
    created_utc: &str,
    part: &Part,
    saved: &[u8],
    forecast_file: &str,
    truce_version: &str,
) -> Record {
    let a = &part.aggregate;
    let mut r = Record {
        seq: prev.map_or(0, |p| p.seq + 1),
        issued,
        created_utc: created_utc.to_string(),
        scenario: a.scenario.clone(),
        fingerprint: a.fingerprint.clone(),
        scenario_sha256: sha256_hex(part.scenario_text.as_bytes()),
        start: part.start,
        horizon_weeks: a.horizon,
        runs: a.runs,
        seed: a.seed,
        rng: RNG.to_string(),
        scoring: format!(
            "CRPS exact for the stored histograms; state probabilities floored at {STATE_FLOOR}; central intervals {:?}",
            LEVELS
        ),
        truce_version: truce_version.to_string(),
        forecast_file: forecast_file.to_string(),
        forecast_sha256: sha256_hex(saved),
        prev_hash: prev.map_or_else(|| GENESIS.to_string(), |p| p.hash.clone()),
        hash: String::new(),
    };
    r.hash = sha256_hex(canonical(&r).as_bytes());
    r
}

/// The line a record is written as (canonical JSON with its hash, and a newline).
pub fn line(r: &Record) -> String {
    let v = serde_json::to_value(r).expect("a record serialises");
    format!("{}\n", serde_json::to_string(&v).expect("a value serialises"))
}

/// Parses and checks a ledger's text: every record's hash, the chain of `prev_hash`, the
/// sequence numbers, and issue dates that never go back in time.
pub fn verify(text: &str) -> Result<Vec<Record>, LedgerError> {
    let mut out: Vec<Record> = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let line = i + 1;
        if l.trim().is_empty() {
            continue;
        }
        let r: Record = serde_json::from_str(l).map_err(|e| LedgerError::Unreadable { line, detail: e.to_string() })?;
        let broken = |detail: String| LedgerError::Broken { line, detail };
        let want = sha256_hex(canonical(&r).as_bytes());
        if r.hash != want {
            return Err(broken("the record does not match its hash: it was changed after it was written".into()));
        }
        let (seq, prev) = out.last().map_or((0, GENESIS), |p| (p.seq + 1, p.hash.as_str()));
        if r.prev_hash != prev {
            return Err(broken(
                "prev_hash is not the hash of the record before it: a record was removed, inserted or reordered".into(),
            ));
        }
        if r.seq != seq {
            return Err(broken(format!("record number {} where {seq} was expected", r.seq)));
        }
        if let Some(p) = out.last() {
            if r.issued < p.issued {
                return Err(broken(format!("issued {} before the record before it ({})", r.issued, p.issued)));
            }
        }
        out.push(r);
    }
    Ok(out)
}

/// Checks a forecast file's bytes against its record.
pub fn check_forecast(r: &Record, bytes: &[u8]) -> Result<(), String> {
    if sha256_hex(bytes) != r.forecast_sha256 {
        return Err(format!(
            "{}: its SHA-256 differs from record {} ({}): the forecast was changed after it was issued",
            r.forecast_file, r.seq, r.forecast_sha256
        ));
    }
    Ok(())
}

/// SHA-256 (FIPS 180-4) of `data`, as 64 lowercase hex digits.
pub fn sha256_hex(data: &[u8]) -> String {
    sha256(data).iter().map(|b| format!("{b:02x}")).collect()
}

const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
    0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
    0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
    0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
];

/// SHA-256 (FIPS 180-4): a small, dependency-free implementation (the ledger needs a hash
/// that detects deliberate changes, which the crate's FNV-1a does not).
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h: [u32; 8] =
        [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    let mut msg = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bits.to_be_bytes());
    let mut w = [0u32; 64];
    for block in msg.chunks_exact(64) {
        for (t, word) in block.chunks_exact(4).enumerate() {
            w[t] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for t in 16..64 {
            let s0 = w[t - 15].rotate_right(7) ^ w[t - 15].rotate_right(18) ^ (w[t - 15] >> 3);
            let s1 = w[t - 2].rotate_right(17) ^ w[t - 2].rotate_right(19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16].wrapping_add(s0).wrapping_add(w[t - 7]).wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for t in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh.wrapping_add(s1).wrapping_add(ch).wrapping_add(K[t]).wrapping_add(w[t]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (i, x) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_test_vectors() {
        // FIPS 180-4 examples and the empty message.
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(
            sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(
            sha256_hex(&vec![b'a'; 1_000_000]),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }
}
