//! Part files against crafted input (issue 16): the checksum is unkeyed, so an edited body
//! with a recomputed checksum must still be refused with a message naming the field, and no
//! byte sequence may panic or allocate unboundedly in `decode` or `merge_parts`. Valid parts
//! of both built-in scenarios (and a shorter horizon) validate and merge as before.

use proptest::prelude::*;
use serde_json::Value;
use std::sync::atomic::AtomicBool;
use truce_engine::builtin;
use truce_engine::load::load_str;
use truce_forecast::ensemble::{fingerprint, run_forecast, ForecastOptions};
use truce_forecast::part::{decode, encode, merge_parts, shard_range, Part, VERSION};

/// Shard `k` of `n` of a `runs`-run forecast of a built-in scenario, as `truce forecast
/// --shard` builds it.
fn part(name: &str, horizon: Option<u32>, runs: u64, k: u64, n: u64) -> Part {
    let text = builtin::builtin(name).unwrap().to_string();
    let mut l = load_str(name, &text).unwrap();
    if let Some(h) = horizon {
        l.params.horizon = h;
    }
    let fp = fingerprint(&text, 7, l.params.horizon);
    let (first_run, len) = shard_range(k, n, runs);
    let opts = ForecastOptions { seed: 7, first_run, runs: len, chunk: 64 };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let run = pool.install(|| run_forecast(&l, &fp, &opts, &|_| {}, &AtomicBool::new(false), None)).unwrap();
    Part {
        shard: k,
        shards: n,
        total_runs: runs,
        first_run,
        runs: len,
        start: l.params.start,
        scenario_text: text,
        aggregate: run.aggregate,
    }
}

/// Integers too wide for `serde_json::Value` (the i128 fixed-point sums) travel through it as
/// strings with this prefix.
const WIDE: &str = "@wide:";

/// Quotes (`to_value`) or unquotes (`!to_value`) every integer of 19 or more digits outside
/// strings, so that a body survives a round trip through `serde_json::Value`.
fn wide_ints(json: &str, to_value: bool) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(json.len());
    let (mut in_str, mut esc) = (false, false);
    let b = json.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i] as char;
        if in_str {
            if !to_value && !esc && c == '"' && json[i + 1..].starts_with(WIDE) {
                let end = i + 1 + json[i + 1..].find('"').unwrap();
                out.extend_from_slice(&json.as_bytes()[i + 1 + WIDE.len()..end]);
                i = end + 1;
                continue;
            }
            in_str = c != '"' || esc;
            esc = c == '\\' && !esc;
            out.push(b[i]);
            i += 1;
            continue;
        }
        if c == '"' {
            if !to_value && json[i + 1..].starts_with(WIDE) {
                let end = i + 1 + json[i + 1..].find('"').unwrap();
                out.extend_from_slice(&json.as_bytes()[i + 1 + WIDE.len()..end]);
                i = end + 1;
                continue;
            }
            in_str = true;
            out.push(b[i]);
            i += 1;
            continue;
        }
        if to_value && (c == '-' || c.is_ascii_digit()) {
            let end = i + 1 + b[i + 1..].iter().take_while(|d| d.is_ascii_digit()).count();
            let tok = &json[i..end];
            let frac = b.get(end).is_some_and(|&d| d == b'.' || d == b'e' || d == b'E');
            // Digits right after a '.' are a fraction (0.00012345678901234567), not a wide int.
            let fraction = i > 0 && b[i - 1] == b'.';
            if tok.trim_start_matches('-').len() >= 19 && !frac && !fraction {
                out.extend_from_slice(format!("\"{WIDE}{tok}\"").as_bytes());
                i = end;
            } else {
                // A float is copied whole: its fraction's digits are not an integer token.
                let end = if frac {
                    end + b[end..].iter().take_while(|d| d.is_ascii_digit() || b".eE+-".contains(d)).count()
                } else {
                    end
                };
                out.extend_from_slice(&b[i..end]);
                i = end;
            }
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// Encodes an edited JSON body with a correct checksum (what an attacker can do).
fn forge(body: &Value) -> Vec<u8> {
    let body = wide_ints(&serde_json::to_string(body).unwrap(), false).into_bytes();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in &body {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    let mut out = format!("TRUCE-PART {VERSION}\nfnv1a64 {h:016x}\n").into_bytes();
    out.extend_from_slice(&body);
    out
}

fn body(p: &Part) -> Value {
    serde_json::from_str(&wide_ints(&serde_json::to_string(p).unwrap(), true)).unwrap()
}

/// Decodes a forged part and merges it with `other` (its partner shard): must not panic.
fn try_merge(bytes: &[u8], other: &Part) -> Result<(), String> {
    let p = decode("forged.truce", bytes)?;
    merge_parts(&[("forged.truce".into(), p), ("other.truce".into(), other.clone())]).map(|_| ())
}

#[test]
fn valid_parts_validate_and_merge_exactly() {
    for (name, horizon) in [("ukraine-2025-12", None), ("generic-interstate", None), ("ukraine-2025-12", Some(9))] {
        let parts: Vec<(String, Part)> = (1..=3)
            .map(|k| {
                let p = part(name, horizon, 60, k, 3);
                let bytes = encode(&p);
                let back = decode("p", &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(back, p);
                assert_eq!(encode(&back), bytes, "encode is deterministic");
                assert_eq!(decode("f", &forge(&body(&p))).unwrap(), p, "the forging helper round-trips");
                (format!("p{k}"), back)
            })
            .collect();
        let (merged, _) = merge_parts(&parts).unwrap();
        merged.validate().unwrap();
        assert_eq!(merged.aggregate, part(name, horizon, 60, 1, 1).aggregate, "{name}");
    }
}

#[test]
fn the_reported_crafted_parts_are_refused_with_the_field_named() {
    let (p1, p2) = (part("ukraine-2025-12", Some(6), 20, 1, 2), part("ukraine-2025-12", Some(6), 20, 2, 2));
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut b = body(&p1);
        f(&mut b);
        try_merge(&forge(&b), &p2).unwrap_err()
    };
    // part.rs:105 panicked: a shard index past the shard count.
    let e = edit(&|b| b["shard"] = 5.into());
    assert!(e.contains("shard 5/2"), "{e}");
    // aggregate.rs:562 panicked: a shortened rank row.
    let e = edit(&|b| {
        let row = b["aggregate"]["ranks"]["rows"]["0"].as_array_mut().unwrap();
        row.truncate(2);
    });
    assert!(e.contains("rank sample: run 0 has 2 values"), "{e}");
    // 16 TB allocation and capacity overflow: shards = 10^12 and 2^64 − 1.
    let e = edit(&|b| b["shards"] = 1_000_000_000_000u64.into());
    assert!(e.contains("1000000000000 shards for 20 runs"), "{e}");
    let e = edit(&|b| b["shards"] = u64::MAX.into());
    assert!(e.contains("shards for 20 runs"), "{e}");
    // Accepted before: an impossible date and a scenario text that does not parse.
    let e = edit(&|b| b["start"] = serde_json::json!({"year": 2025, "month": 13, "day": 40}));
    assert!(e.contains("start: 2025-13-40 is not a calendar date"), "{e}");
    let e = edit(&|b| b["scenario_text"] = "garbage".into());
    assert!(e.contains("scenario_text does not load"), "{e}");
    // More lengths and counts that must agree with the header.
    let e = edit(&|b| b["shard"] = 0.into());
    assert!(e.contains("shard 0/2"), "{e}");
    let e = edit(&|b| b["aggregate"]["at_war"].as_array_mut().unwrap().push(0.into()));
    assert!(e.contains("aggregate.at_war"), "{e}");
    let e = edit(&|b| b["aggregate"]["horizon"] = 4_000_000_000u32.into());
    assert!(e.contains("aggregate.horizon"), "{e}");
    let e = edit(&|b| b["aggregate"]["states"]["runs"] = 11.into());
    assert!(e.contains("state-at-date"), "{e}");
    let e = edit(&|b| b["aggregate"]["events"]["runs"] = 11.into());
    assert!(e.contains("aggregate.events"), "{e}");
    let e = edit(&|b| b["aggregate"]["km2_change"]["mins"][0] = serde_json::Value::Null);
    assert!(e.contains("min/max"), "{e}");
    let e = edit(&|b| b["aggregate"]["month_ends"] = serde_json::json!([0]));
    assert!(e.contains("aggregate.month_ends") || e.contains("aggregate.monthly_change"), "{e}");
    let e = edit(&|b| b["aggregate"]["km2"]["bins"] = u64::MAX.into());
    assert!(e.contains("week histograms"), "{e}");
    let e = edit(&|b| b["aggregate"]["seed"] = 8.into());
    assert!(e.contains("fingerprint"), "{e}");
    let e = edit(&|b| b["aggregate"]["issues"][0] = "other".into());
    assert!(e.contains("aggregate.issues"), "{e}");
    let e = edit(&|b| b["aggregate"]["breakdowns"] = u64::MAX.into());
    assert!(e.contains("breakdowns"), "{e}");
    let e = edit(&|b| b["aggregate"]["collapse_causes"][0] = u64::MAX.into());
    assert!(e.contains("collapse_causes: more collapses than runs"), "{e}");
    let e = edit(&|b| b["aggregate"]["collapse_causes"].as_array_mut().unwrap().pop().map(|_| ()).unwrap());
    assert!(e.contains("collapse_causes") && e.contains("expected 2 sides × 4 causes"), "{e}");
    let e = edit(&|b| b["aggregate"]["terms"][0]["count"] = 3.into());
    assert!(e.contains("histogram count"), "{e}");
}

#[test]
fn mismatched_horizons_say_which_file_has_which() {
    // Issue 16: both sides of the mismatch were described identically.
    let a = part("ukraine-2025-12", Some(6), 20, 1, 2);
    let b = part("ukraine-2025-12", Some(9), 20, 2, 2);
    let e = merge_parts(&[("a.truce".into(), a.clone()), ("b.truce".into(), b)]).unwrap_err();
    assert!(e.contains("b.truce has horizon 9 weeks but a.truce has horizon 6 weeks"), "{e}");
    let e = merge_parts(&[("a.truce".into(), a)]).unwrap_err();
    assert_eq!(e, "missing shard(s): 2/2");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Arbitrary bytes, and arbitrary bytes behind a valid header and checksum, never panic.
    #[test]
    fn decode_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = decode("x", &bytes);
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in &bytes {
            h ^= *b as u64;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        let mut forged = format!("TRUCE-PART {VERSION}\nfnv1a64 {h:016x}\n").into_bytes();
        forged.extend_from_slice(&bytes);
        let _ = decode("x", &forged);
    }
}

/// One edit of a JSON document: the path is chosen by `picks`, the new value by `kind`.
fn mutate(v: &mut Value, picks: &[usize], kind: u8, n: u64) {
    if let Some((&p, rest)) = picks.split_first() {
        match v {
            Value::Object(m) if !m.is_empty() => {
                let key = m.keys().nth(p % m.len()).unwrap().clone();
                return mutate(m.get_mut(&key).unwrap(), rest, kind, n);
            }
            Value::Array(a) if !a.is_empty() => {
                let i = p % a.len();
                return mutate(&mut a[i], rest, kind, n);
            }
            _ => {}
        }
    }
    let cur = v;
    *cur = match kind % 9 {
        0 => Value::from(n),
        1 => Value::from(u64::MAX - n % 3),
        2 => Value::from(-(n as i64 % 1000) - 1),
        3 => Value::from(n as f64 * 1e300),
        4 => Value::from("x"),
        5 => Value::Null,
        6 => Value::Array(vec![]),
        7 => match cur.take() {
            Value::Array(mut a) => {
                a.truncate(n as usize % (a.len() + 1));
                Value::Array(a)
            }
            Value::Object(mut m) => {
                let k = m.keys().next().cloned();
                if let Some(k) = k {
                    m.remove(&k);
                }
                Value::Object(m)
            }
            other => other,
        },
        _ => Value::from(n % 3),
    };
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Edited bodies with a recomputed checksum (up to three edits anywhere in the JSON) are
    /// decoded and merged with the partner shard without a panic.
    #[test]
    fn forged_parts_never_panic(edits in prop::collection::vec(
        (prop::collection::vec(any::<usize>(), 1..6), any::<u8>(), any::<u64>()), 1..4)
    ) {
        thread_local! {
            static PARTS: (Value, Part) = {
                let p1 = part("ukraine-2025-12", Some(4), 12, 1, 2);
                (body(&p1), part("ukraine-2025-12", Some(4), 12, 2, 2))
            };
        }
        PARTS.with(|(b, p2)| {
            let mut b = b.clone();
            for (picks, kind, n) in &edits {
                mutate(&mut b, picks, *kind, *n);
            }
            let _ = try_merge(&forge(&b), p2);
        });
    }
}
