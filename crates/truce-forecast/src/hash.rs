//! The one stable hash of the crate: 64-bit FNV-1a, for forecast fingerprints and the
//! checksums of part files. Stable across platforms and versions (part files written by one
//! machine are checked by another); not cryptographic: it detects accidents, not attacks.

/// FNV-1a's offset basis: the hash of no bytes.
const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV-1a's 64-bit prime.
const PRIME: u64 = 0x100_0000_01b3;

/// An FNV-1a hasher fed piece by piece; `Fnv1a::new().bytes(a).bytes(b)` hashes `a` then `b`
/// as one stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fnv1a(u64);

impl Fnv1a {
    /// A hasher at the offset basis.
    pub fn new() -> Self {
        Fnv1a(OFFSET)
    }

    /// Feeds `bytes`.
    #[must_use]
    pub fn bytes(mut self, bytes: &[u8]) -> Self {
        for b in bytes {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(PRIME);
        }
        self
    }

    /// The hash of everything fed so far.
    pub fn finish(self) -> u64 {
        self.0
    }
}

impl Default for Fnv1a {
    fn default() -> Self {
        Self::new()
    }
}

/// The FNV-1a hash of `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    Fnv1a::new().bytes(bytes).finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_test_vectors() {
        // From the FNV reference test suite (Fowler, Noll, Vo).
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn pieces_hash_as_one_stream() {
        assert_eq!(Fnv1a::new().bytes(b"foo").bytes(b"bar").finish(), fnv1a64(b"foobar"));
    }
}
