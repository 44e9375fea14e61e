//! Duplicate ids in a filled table, on all cores.
//!
//! The streaming reader checks each accepted record's id against a map of the ids before it.
//! The result only depends on the order of the accepted records: a record is a duplicate when
//! an earlier accepted record has its id, and the error names the first of them. So the check
//! can run once the table is filled: ids are hashed, split by the top bits of their hash into
//! partitions of a few thousand rows each (rows keep their order inside a partition), and each
//! partition finds its repeats with a small table that stays in cache — one map of ten million
//! ids was a cache miss per row.

use crate::hash::IdHashBuilder;
use std::collections::HashMap;
use std::hash::BuildHasher;

/// Rows per partition, about: small enough for the partition's table to stay in cache.
const PARTITION_ROWS: usize = 16 * 1024;

/// The rows whose id an earlier row has, each with the first row of that id, by row.
pub(crate) fn duplicates<'t>(
    n: usize,
    id: impl Fn(usize) -> &'t str + Sync,
) -> Vec<(usize, usize)> {
    // Rows are u32 in the partitions (half the memory), u32::MAX marking an empty slot;
    // inputs beyond that take one map.
    if u32::try_from(n).is_err() || n == u32::MAX as usize {
        let mut first: HashMap<&str, usize, IdHashBuilder> = HashMap::default();
        return (0..n)
            .filter_map(|i| {
                let f = *first.entry(id(i)).or_insert(i);
                (f != i).then_some((i, f))
            })
            .collect();
    }
    let hasher = IdHashBuilder::default();
    let hashes: Vec<u64> = crate::par::map_range(n, |i| hasher.hash_one(id(i)));

    // Partitions by the top bits of the hash (the slots below use the low bits).
    let bits = (n / PARTITION_ROWS)
        .next_power_of_two()
        .trailing_zeros()
        .min(16);
    let part = |h: u64| {
        if bits == 0 {
            0
        } else {
            (h >> (64 - bits)) as usize
        }
    };
    let mut starts = vec![0usize; (1 << bits) + 1];
    for &h in &hashes {
        starts[part(h) + 1] += 1;
    }
    for p in 1..starts.len() {
        starts[p] += starts[p - 1];
    }
    let mut next = starts.clone();
    let mut rows = vec![0u32; n];
    for (i, &h) in hashes.iter().enumerate() {
        let p = part(h);
        rows[next[p]] = i as u32;
        next[p] += 1;
    }

    let find = |p: usize| -> Vec<(usize, usize)> {
        let rows = &rows[starts[p]..starts[p + 1]];
        // Open addressing, at most half full: (hash, row) per slot.
        let size = (rows.len() * 2).next_power_of_two().max(8);
        let mask = size - 1;
        let mut slots: Vec<(u64, u32)> = vec![(0, u32::MAX); size];
        let mut dups = Vec::new();
        for &r in rows {
            let h = hashes[r as usize];
            let mut s = h as usize & mask;
            loop {
                let (sh, sr) = slots[s];
                if sr == u32::MAX {
                    slots[s] = (h, r);
                    break;
                }
                // Equal hashes of different ids are possible: the ids decide.
                if sh == h && id(sr as usize) == id(r as usize) {
                    dups.push((r as usize, sr as usize));
                    break;
                }
                s = (s + 1) & mask;
            }
        }
        dups
    };
    let mut dups: Vec<(usize, usize)> = crate::par::map_range(1 << bits, find)
        .into_iter()
        .flatten()
        .collect();
    dups.sort_unstable();
    dups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(ids: &[String]) -> Vec<(usize, usize)> {
        let mut first = HashMap::new();
        (0..ids.len())
            .filter_map(|i| {
                let f = *first.entry(ids[i].as_str()).or_insert(i);
                (f != i).then_some((i, f))
            })
            .collect()
    }

    #[test]
    fn finds_every_repeat_with_its_first_row() {
        for n in [0, 1, 2, 100, 70_000] {
            // Every seventh id repeats an id three rows back, every 11th one from the start.
            let ids: Vec<String> = (0..n)
                .map(|i| match i {
                    i if i % 7 == 6 => format!("T-{}", i - 3),
                    i if i % 11 == 10 => "T-0".to_owned(),
                    i => format!("T-{i}"),
                })
                .collect();
            let got = duplicates(ids.len(), |i| ids[i].as_str());
            assert_eq!(got, naive(&ids), "{n}");
        }
    }
}
