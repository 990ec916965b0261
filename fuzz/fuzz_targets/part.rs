//! Part files from arbitrary bytes: decode (checksum, then full validation), then a merge and
//! its summary. Must never panic or allocate unboundedly. Seeds carry a valid checksum; the
//! fuzzer mostly mutates bodies whose checksum then fails, so seed.sh also writes parts whose
//! checksum line is `fnv1a64 any`: this target recomputes the checksum for such inputs, so
//! that edited bodies reach the validation (as a forger's would).
#![no_main]
use libfuzzer_sys::fuzz_target;
use truce_forecast::part::{decode, merge_parts, VERSION};

fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

fuzz_target!(|data: &[u8]| {
    let forged;
    let any = format!("TRUCE-PART {VERSION}\nfnv1a64 any\n");
    let bytes = match data.strip_prefix(any.as_bytes()) {
        Some(body) => {
            let mut v = format!("TRUCE-PART {VERSION}\nfnv1a64 {:016x}\n", fnv(body)).into_bytes();
            v.extend_from_slice(body);
            forged = v;
            &forged[..]
        }
        None => data,
    };
    if let Ok(p) = decode("fuzz.truce", bytes) {
        let _ = merge_parts(&[("fuzz.truce".to_string(), p)]);
    }
});
