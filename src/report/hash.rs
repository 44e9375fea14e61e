//! A fast, per-process seeded hasher for maps keyed by record ids.
//!
//! A report joins survey responses to their tickets and a reader checks ids for duplicates:
//! one hash-map operation per record, on short ids. The standard SipHash-1-3 is built to
//! resist adversarial keys at a cost that showed up as the single largest item in a report's
//! profile. This hasher is the folded multiply of foldhash / wyhash: 8 bytes per multiply,
//! seeded once per process from the standard library's random keys, so the bucket of an id
//! cannot be predicted from outside the process — collisions cannot be planted in an input
//! file the way they could with a fixed-seed hash.

use std::hash::{BuildHasher, Hasher, RandomState};
use std::sync::OnceLock;

/// Odd 64-bit constants from the fractional digits of pi (as in foldhash).
const K0: u64 = 0x243f_6a88_85a3_08d3;
const K1: u64 = 0x1319_8a2e_0370_7344;

fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

fn process_seed() -> u64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    *SEED.get_or_init(|| RandomState::new().hash_one(0x5eed_u64))
}

/// Builds [`IdHasher`]s with the process's seed: the hasher of the readers' duplicate-id check,
/// the responses' join and the columnar dictionaries.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdHashBuilder {
    seed: u64,
}

impl Default for IdHashBuilder {
    fn default() -> Self {
        IdHashBuilder {
            seed: process_seed(),
        }
    }
}

impl BuildHasher for IdHashBuilder {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher { h: self.seed }
    }
}

/// The hasher [`IdHashBuilder`] builds: the folded multiply of foldhash / wyhash, seeded once
/// per process.
#[derive(Debug, Clone)]
pub(crate) struct IdHasher {
    h: u64,
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.h;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = fold(h ^ u64::from_le_bytes(w), K0);
        }
        let rest = chunks.remainder();
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        // The length goes in too, so "ab" and "ab\0" differ.
        self.h = fold(h ^ u64::from_le_bytes(w), K1 ^ bytes.len() as u64);
    }

    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.h = fold(self.h ^ i, K0);
    }

    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }

    fn finish(&self) -> u64 {
        fold(self.h, K1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_spread_over_buckets() {
        // Sequential ids, the usual shape, must not collide in the low bits hashbrown uses.
        let b = IdHashBuilder::default();
        let low: HashSet<u64> = (0..100_000)
            .map(|i| b.hash_one(format!("T-{i:08}")) & 0xF_FFFF)
            .collect();
        assert!(low.len() > 90_000, "{}", low.len());
        assert_ne!(b.hash_one("ab"), b.hash_one("ab\0"));
        assert_ne!(b.hash_one(""), b.hash_one("\0"));
        assert_eq!(b.hash_one("T-1"), b.hash_one(String::from("T-1")));
    }
}
