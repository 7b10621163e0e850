//! A fast, non-cryptographic hasher for the engine's maps.
//!
//! The standard `SipHash` resists hash flooding, which costs a fifth of an order's time here.
//! The keys of these maps are client order ids, symbols and trade ids, from an authenticated
//! caller or the venue, in maps the engine keeps bounded (closed orders are pruned, recent trade
//! ids capped), so flooding is not a threat worth that price. The mixing step is the
//! multiply-rotate one of Firefox's and rustc's `FxHasher`: one rotate, xor and multiply per
//! eight bytes.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// An odd constant with well-spread bits (the one `FxHasher` uses).
const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The hasher; build maps with [`FastMap`] and [`FastSet`].
#[derive(Debug, Default, Clone, Copy)]
pub struct FastHasher {
    hash: u64,
}

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0_u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The tail's length goes in the byte it cannot fill, so a tail ending in zero bytes
            // does not read the same as a shorter one padded with zeros.
            let mut word = [0_u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            word[7] = u8::try_from(rest.len()).unwrap_or(0);
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    #[inline]
    fn write_u64(&mut self, word: u64) {
        self.add(word);
    }

    #[inline]
    fn write_usize(&mut self, word: usize) {
        self.add(word as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // The multiply only carries low bits upwards, so ids that differ in their later bytes
        // ("lat-1234", "lat-1235") would share their low bits, the ones that pick the bucket.
        // Fold the high half down before the table sees the hash.
        let folded = (self.hash ^ (self.hash >> 32)).wrapping_mul(SEED);
        folded ^ (folded >> 29)
    }
}

/// A `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;
/// A `HashSet` with [`FastHasher`].
pub type FastSet<T> = HashSet<T, BuildHasherDefault<FastHasher>>;

#[cfg(test)]
mod tests {
    use std::hash::BuildHasher;

    use super::*;

    fn hash(text: &str) -> u64 {
        BuildHasherDefault::<FastHasher>::default().hash_one(text)
    }

    #[test]
    fn equal_keys_hash_equal_and_near_keys_differ() {
        assert_eq!(hash("lat-123456"), hash("lat-123456"));
        assert_ne!(hash("lat-123456"), hash("lat-123457"));
        // The zero-padded tail must not make a shorter key collide with a longer one.
        assert_ne!(hash("abc"), hash("abc\0"));
    }

    #[test]
    fn ids_differing_only_in_later_bytes_spread_over_buckets() {
        // The low 10 bits pick the bucket of a 1024-bucket table.
        let buckets: std::collections::HashSet<u64> =
            (0..1_000).map(|i| hash(&format!("lat-{i:06}")) & 1023).collect();
        assert!(buckets.len() > 500, "{} buckets used by 1000 ids", buckets.len());
    }

    #[test]
    fn fast_map_finds_what_it_holds() {
        let mut map: FastMap<String, u32> = FastMap::default();
        for i in 0..1_000 {
            map.insert(format!("o-{i}"), i);
        }
        assert_eq!(map.get("o-777"), Some(&777));
        assert_eq!(map.len(), 1_000);
    }
}
