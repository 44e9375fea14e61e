//! [`Buckets`]: "how many sorted keys are at or below `x`" in constant time for keys spread
//! evenly enough, and in `O(log n)` at worst.
//!
//! The business calendar asks this for every instant it measures: which piece of its
//! cumulative open-time function the instant falls in, among a few hundred (a DST zone's
//! offset changes, and the holidays). A binary search over them was most of the cost of a
//! business duration; a bucket table narrows it to the keys that share the instant's bucket,
//! usually none or one, and reads the answer without a branch on the data then.

/// A sorted list of keys with a bucket table over it.
///
/// Bucket `b` covers the values from `base + b * 2^shift` to `base + (b + 1) * 2^shift - 1`,
/// and `starts[b + 1]` is the number of keys below it, so a value in bucket `b` has between
/// `starts[b + 1]` and `starts[b + 2]` keys at or below it. `starts[0] = 0` plays that part
/// for the values below `base`, the first key; the last bucket is open-ended (`starts` ends
/// with the number of keys).
#[derive(Debug, Clone)]
pub(crate) struct Buckets {
    /// The keys and one more: a bucket's first key can then be read without checking that
    /// the bucket has one.
    keys: Vec<i64>,
    base: i64,
    shift: u32,
    starts: Vec<u32>,
    /// The last bucket, `starts.len() - 3`.
    last: u64,
}

/// Buckets per key, at most: enough that evenly spread keys rarely share one, few enough that
/// the table stays a few times the size of the keys.
const BUCKETS_PER_KEY: i64 = 4;

impl Buckets {
    /// The table for `keys`, which must be sorted.
    pub(crate) fn new(keys: &[i64]) -> Buckets {
        debug_assert!(keys.is_sorted());
        // Counts are u32 in the table; the calendar's lists are far shorter (a zone has a few
        // hundred offset changes, a calendar a few thousand holidays at most).
        let n = u32::try_from(keys.len()).expect("fewer than 2^32 keys");
        let mut padded = Vec::with_capacity(keys.len() + 1);
        padded.extend_from_slice(keys);
        padded.push(i64::MAX);
        let (Some(&first), Some(&last)) = (keys.first(), keys.last()) else {
            return Buckets {
                keys: padded,
                base: 0,
                shift: 0,
                // One empty bucket.
                starts: vec![0, 0, 0],
                last: 0,
            };
        };
        let span = i128::from(last) - i128::from(first);
        let most = BUCKETS_PER_KEY * i64::from(n);
        let mut shift = 0;
        while (span >> shift) >= i128::from(most) {
            shift += 1;
        }
        // `span >> shift < most`: the last key is in bucket `buckets - 1`.
        let buckets = usize::try_from(span >> shift).unwrap_or(0) + 1;
        let mut starts = Vec::with_capacity(buckets + 2);
        starts.push(0);
        let mut below = 0;
        for b in 0..buckets {
            let from = i128::from(first) + ((b as i128) << shift);
            while below < keys.len() && i128::from(keys[below]) < from {
                below += 1;
            }
            starts.push(below as u32);
        }
        starts.push(n);
        Buckets {
            keys: padded,
            base: first,
            shift,
            last: buckets as u64 - 1,
            starts,
        }
    }

    /// The keys.
    #[cfg(test)]
    pub(crate) fn keys(&self) -> &[i64] {
        &self.keys[..self.keys.len() - 1]
    }

    /// The number of keys at or below `x`: `keys.partition_point(|&k| k <= x)`.
    #[inline(always)]
    pub(crate) fn count_le(&self, x: i64) -> usize {
        // `x - base` as u64 is exact when `x >= base`, even across the whole i64 range.
        let bucket = ((x as u64).wrapping_sub(self.base as u64) >> self.shift).min(self.last);
        let b = if x < self.base {
            0
        } else {
            bucket as usize + 1
        };
        let (lo, hi) = (self.starts[b] as usize, self.starts[b + 1] as usize);
        if hi - lo <= 1 {
            // The common case, without a branch on the data: `keys[lo]` exists (the padding),
            // and counts only when it is in the bucket.
            lo + usize::from((self.keys[lo] <= x) & (lo < hi))
        } else {
            lo + self.keys[lo..hi].partition_point(|&k| k <= x)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(keys: &[i64], x: i64) {
        let b = Buckets::new(keys);
        assert_eq!(
            b.count_le(x),
            keys.partition_point(|&k| k <= x),
            "keys {keys:?}, x {x}"
        );
    }

    #[test]
    fn edges() {
        check(&[], 0);
        check(&[5], 4);
        check(&[5], 5);
        check(&[5, 5, 5], 5);
        check(&[i64::MIN, i64::MAX], 0);
        check(&[i64::MIN, i64::MAX], i64::MAX);
        check(&[i64::MIN, i64::MAX], i64::MIN);
        check(&[-3, 0, 7], i64::MAX);
        check(&[-3, 0, 7], i64::MIN);
    }

    proptest! {
        #[test]
        fn equals_a_binary_search(
            mut keys in prop::collection::vec(prop_oneof![-1_000i64..1_000, any::<i64>()], 0..60),
            xs in prop::collection::vec(prop_oneof![-1_100i64..1_100, any::<i64>()], 1..40),
        ) {
            keys.sort_unstable();
            let b = Buckets::new(&keys);
            for x in xs {
                prop_assert_eq!(b.count_le(x), keys.partition_point(|&k| k <= x));
            }
        }
    }
}
