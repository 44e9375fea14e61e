//! The relative-error quantile sketch behind [`QuantileMode::Sketch`](super::QuantileMode).
//!
//! The bucket mapping is DDSketch's, taken from `sketches_ddsketch::Config` (`key` puts `v` in
//! bucket `⌊log_γ v⌋`, `value` returns the point of the bucket within α of everything in it,
//! γ = (1 + α) / (1 − α)). The bins are kept here, in a sparse map, rather than in
//! `sketches_ddsketch::DDSketch`, because this accumulator needs four things that type does not
//! give:
//!
//! - serialized state it can validate: `DDSketch`'s serde form is its private store (bins,
//!   offsets, key range), which cannot be checked from outside, and a tampered offset makes a
//!   later `add` index out of bounds (a panic);
//! - merges that do not depend on float equality: `DDSketch::merge` requires the two `Config`s
//!   to be equal field by field, `f64`s included, and a JSON round trip without serde_json's
//!   `float_roundtrip` feature may move `gamma` by one unit in the last place;
//! - no collapsing: its store keeps at most `max_num_bins` bins (2,048 by default) and folds the
//!   lowest ones together beyond that, which silently voids the guarantee for low quantiles;
//! - exact ranks: `DDSketch::quantile` picks rank `⌊q·(n − 1)⌋` from a float product, and the
//!   interpolated quantile needs two adjacent ranks exactly.
//!
//! Durations are whole seconds, so every non-zero value is ≥ 1 and lands in a bucket with a
//! non-negative key; zero has no logarithm and is counted apart, exactly, like `DDSketch` does
//! for values below its `min_value`.

use sketches_ddsketch::Config;
use std::collections::BTreeMap;

/// The smallest accepted relative accuracy. Buckets are about 2α·v wide, so below it every
/// duration under 1/(2α) seconds (almost six days at 10⁻⁶) gets a bin of its own and exact mode
/// is the better tool; it also keeps the key of `i64::MAX` far from overflowing an `i32` (which
/// happens near α = 10⁻⁸).
pub(crate) const MIN_RELATIVE_ACCURACY: f64 = 1e-6;

/// Bins keyed by DDSketch bucket, plus an exact count of zero durations.
#[derive(Debug, Clone)]
pub(crate) struct LogSketch {
    alpha: f64,
    config: Config,
    zero_count: u64,
    bins: BTreeMap<i32, u64>,
}

impl LogSketch {
    /// An empty sketch; `alpha` must already be validated.
    pub(crate) fn new(alpha: f64) -> Self {
        // max_num_bins and min_value only matter to DDSketch's own store, which is not used.
        let config = Config::new(alpha, u32::MAX, 0.5);
        LogSketch {
            alpha,
            config,
            zero_count: 0,
            bins: BTreeMap::new(),
        }
    }

    pub(crate) fn alpha(&self) -> f64 {
        self.alpha
    }

    pub(crate) fn zero_count(&self) -> u64 {
        self.zero_count
    }

    /// The non-empty bins, by increasing key.
    pub(crate) fn bins(&self) -> impl Iterator<Item = (i32, u64)> + '_ {
        self.bins.iter().map(|(&k, &c)| (k, c))
    }

    /// The bucket a positive duration falls in.
    pub(crate) fn key(&self, seconds: i64) -> i32 {
        self.config.key(seconds as f64)
    }

    /// Adds a non-negative duration (the caller checked the sign).
    pub(crate) fn add(&mut self, seconds: i64) {
        if seconds == 0 {
            self.zero_count += 1;
        } else {
            *self.bins.entry(self.key(seconds)).or_insert(0) += 1;
        }
    }

    /// Adds `count` durations to bucket `key` (`None`: zeros). Used to rebuild from state.
    pub(crate) fn add_bin(&mut self, key: Option<i32>, count: u64) {
        match key {
            None => self.zero_count += count,
            Some(k) => *self.bins.entry(k).or_insert(0) += count,
        }
    }

    /// Adds every bin of `other`; both must have the same accuracy (the caller checked).
    pub(crate) fn merge(&mut self, other: LogSketch) {
        self.zero_count += other.zero_count;
        for (k, c) in other.bins {
            *self.bins.entry(k).or_insert(0) += c;
        }
    }

    /// Estimates of the order statistics of rank `k` and `k + 1` (0-based, `k + 1` clamped to
    /// the last rank) among `n`, each within α of the true one. The first and last ranks are
    /// the exact `min` and `max`, and every other estimate is clamped to `[min, max]` (which
    /// can only move it closer to the truth, since the truth lies in that range).
    pub(crate) fn ranks(&self, k: u64, n: u64, min: i64, max: i64) -> (f64, f64) {
        let last = n.saturating_sub(1);
        let at = |r: u64| {
            if r == 0 {
                min as f64
            } else if r >= last {
                max as f64
            } else {
                self.rank(r).clamp(min as f64, max as f64)
            }
        };
        let lo = at(k);
        let hi = if k >= last { lo } else { at(k + 1) };
        (lo, hi)
    }

    fn rank(&self, r: u64) -> f64 {
        if r < self.zero_count {
            return 0.0;
        }
        let mut seen = self.zero_count;
        let mut last = 0.0;
        for (&key, &count) in &self.bins {
            last = self.config.value(key);
            seen += count;
            if seen > r {
                break;
            }
        }
        last
    }
}
