//! The serialized state of a [`DurationSummary`], and its validation on the way back in.
//!
//! The exact side statistics (n, total, min, max) are written in both modes even though exact
//! mode could recompute them: they make a truncated or edited list of durations detectable.

use super::sketch::LogSketch;
use super::{DurationSummary, Store, validate_alpha};
use crate::error::{Error, ErrorKind, Result};
use serde::{Deserialize, Serialize, Serializer};

/// What is written: borrows the durations rather than cloning them.
#[derive(Serialize)]
struct StateRef<'a> {
    n: u64,
    total_seconds: u128,
    min: Option<i64>,
    max: Option<i64>,
    quantiles: QuantilesRef<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum QuantilesRef<'a> {
    Exact {
        durations: &'a [i64],
    },
    Sketch {
        relative_accuracy: f64,
        zero_count: u64,
        /// (bucket key, count), by increasing key.
        bins: Vec<(i32, u64)>,
    },
}

/// What is read, before validation.
#[derive(Deserialize)]
pub(super) struct State {
    n: u64,
    total_seconds: u128,
    min: Option<i64>,
    max: Option<i64>,
    quantiles: Quantiles,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Quantiles {
    Exact {
        durations: Vec<i64>,
    },
    Sketch {
        relative_accuracy: f64,
        zero_count: u64,
        bins: Vec<(i32, u64)>,
    },
}

impl Serialize for DurationSummary {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let quantiles = match &self.store {
            Store::Exact(values) => QuantilesRef::Exact { durations: values },
            Store::Sketch(s) => QuantilesRef::Sketch {
                relative_accuracy: s.alpha(),
                zero_count: s.zero_count(),
                bins: s.bins().collect(),
            },
        };
        StateRef {
            n: self.n,
            total_seconds: self.total,
            min: self.extremes.map(|e| e.0),
            max: self.extremes.map(|e| e.1),
            quantiles,
        }
        .serialize(serializer)
    }
}

fn invalid(field: &str, value: impl std::fmt::Display, rule: &str) -> Error {
    Error::new(ErrorKind::InvalidState, rule)
        .with_record_type("duration_summary")
        .with_field(field)
        .with_value(value)
}

impl TryFrom<State> for DurationSummary {
    type Error = Error;

    fn try_from(s: State) -> Result<Self> {
        let extremes = check_extremes(&s)?;
        let store = match s.quantiles {
            Quantiles::Exact { durations } => {
                check_exact(&durations, s.n, s.total_seconds, extremes)?;
                Store::Exact(durations)
            }
            Quantiles::Sketch {
                relative_accuracy,
                zero_count,
                bins,
            } => {
                let alpha = validate_alpha(relative_accuracy).map_err(|_| {
                    invalid(
                        "relative_accuracy",
                        relative_accuracy,
                        "the relative accuracy of a sketch must be at least 1e-6 and less than 1",
                    )
                })?;
                Store::Sketch(Box::new(rebuild_sketch(
                    alpha, zero_count, &bins, s.n, extremes,
                )?))
            }
        };
        Ok(DurationSummary::from_parts(
            s.n,
            s.total_seconds,
            extremes,
            store,
        ))
    }
}

/// n, total, min and max agree with each other, whatever the mode.
fn check_extremes(s: &State) -> Result<Option<(i64, i64)>> {
    match (s.n, s.min, s.max) {
        (0, None, None) if s.total_seconds == 0 => Ok(None),
        (0, ..) => Err(invalid(
            "n",
            0,
            "an empty summary has no minimum, no maximum and a zero total",
        )),
        (n, Some(min), Some(max)) => {
            if min < 0 {
                return Err(invalid("min", min, "durations are never negative"));
            }
            if min > max {
                return Err(invalid(
                    "min",
                    min,
                    "the minimum must not exceed the maximum",
                ));
            }
            let n = u128::from(n);
            // n < 2^64 and max < 2^63, so neither product overflows.
            let lowest = n * min.unsigned_abs() as u128;
            let highest = n * max.unsigned_abs() as u128;
            if !(lowest..=highest).contains(&s.total_seconds) {
                return Err(invalid(
                    "total_seconds",
                    s.total_seconds,
                    "the total must lie between n × min and n × max",
                ));
            }
            Ok(Some((min, max)))
        }
        (n, ..) => Err(invalid(
            "n",
            n,
            "a non-empty summary has both a minimum and a maximum",
        )),
    }
}

fn check_exact(durations: &[i64], n: u64, total: u128, extremes: Option<(i64, i64)>) -> Result<()> {
    if durations.len() as u64 != n {
        return Err(invalid(
            "n",
            n,
            "n must equal the number of stored durations",
        ));
    }
    let mut sum = 0u128;
    let mut seen: Option<(i64, i64)> = None;
    for &d in durations {
        if d < 0 {
            return Err(invalid("durations", d, "durations are never negative"));
        }
        sum += u128::from(d.unsigned_abs());
        seen = Some(seen.map_or((d, d), |(lo, hi)| (lo.min(d), hi.max(d))));
    }
    if sum != total {
        return Err(invalid(
            "total_seconds",
            total,
            "the total must equal the sum of the stored durations",
        ));
    }
    if seen != extremes {
        return Err(invalid(
            "min",
            extremes.map_or(String::from("none"), |e| format!("{} / max {}", e.0, e.1)),
            "min and max must equal those of the stored durations",
        ));
    }
    Ok(())
}

fn rebuild_sketch(
    alpha: f64,
    zero_count: u64,
    bins: &[(i32, u64)],
    n: u64,
    extremes: Option<(i64, i64)>,
) -> Result<LogSketch> {
    let mut sketch = LogSketch::new(alpha);
    let mut count = zero_count;
    // Keys are checked against the exact min and max with a slack of one bucket: ln() may
    // differ in the last bit between platforms, which can move a value sitting on a bucket
    // boundary to its neighbour.
    let key_range = match extremes {
        Some((min, max)) if max > 0 => Some((
            sketch.key(min.max(1)).saturating_sub(1),
            sketch.key(max) + 1,
        )),
        _ => None,
    };
    let mut previous: Option<i32> = None;
    for &(key, c) in bins {
        if c == 0 {
            return Err(invalid("bins", key, "a sketch bin must not be empty"));
        }
        if previous.is_some_and(|p| p >= key) {
            return Err(invalid(
                "bins",
                key,
                "sketch bins must be in strictly increasing key order",
            ));
        }
        if !key_range.is_some_and(|(lo, hi)| (lo..=hi).contains(&key)) {
            return Err(invalid(
                "bins",
                key,
                "a sketch bin must lie between the buckets of the minimum and the maximum",
            ));
        }
        previous = Some(key);
        count = count
            .checked_add(c)
            .ok_or_else(|| invalid("bins", c, "the bin counts must add up to n"))?;
        sketch.add_bin(Some(key), c);
    }
    sketch.add_bin(None, zero_count);
    if count != n {
        return Err(invalid(
            "n",
            n,
            "n must equal the zero count plus the bin counts",
        ));
    }
    if key_range.is_some() && bins.is_empty() {
        return Err(invalid(
            "bins",
            "[]",
            "a sketch with a positive maximum has at least one bin",
        ));
    }
    // Zeros are counted apart, so they exist exactly when the minimum is 0.
    let min_is_zero = extremes.is_some_and(|(min, _)| min == 0);
    if (zero_count > 0) != min_is_zero {
        return Err(invalid(
            "zero_count",
            zero_count,
            "zero durations must be counted exactly when the minimum is 0",
        ));
    }
    Ok(sketch)
}

impl DurationSummary {
    /// Writes the state for a report state's bytes: n, total, min / max, then the durations
    /// (exact) or the zero count and the bins with their keys delta-encoded (sketch). The mode
    /// itself is not written: the report's options give it.
    pub(crate) fn encode(&self, w: &mut crate::wire::Writer) {
        w.u64(self.n);
        w.u128(self.total);
        if let Some((min, max)) = self.extremes {
            w.i64(min);
            w.i64(max);
        }
        match &self.store {
            Store::Exact(values) => {
                // Sorted, each as its step from the previous: the same bytes whatever the
                // order of pushes and merges, and small steps take one or two bytes.
                let mut sorted = values.clone();
                sorted.sort_unstable();
                let mut previous = 0i64;
                for d in sorted {
                    // Never negative (validated on every way in), so the steps are not either.
                    w.u64((d - previous).unsigned_abs());
                    previous = d;
                }
            }
            Store::Sketch(s) => {
                w.u64(s.zero_count());
                let bins: Vec<(i32, u64)> = s.bins().collect();
                w.u64(bins.len() as u64);
                let mut previous = 0i64;
                for (key, count) in bins {
                    w.i64(i64::from(key) - previous);
                    previous = i64::from(key);
                    w.u64(count);
                }
            }
        }
    }

    /// Reads what [`encode`](DurationSummary::encode) wrote, for a summary in `mode`, with
    /// every check of a deserialized state.
    pub(crate) fn decode(
        mode: crate::stats::QuantileMode,
        r: &mut crate::wire::Reader<'_>,
    ) -> Result<Self> {
        let n = r.u64()?;
        let total_seconds = r.u128()?;
        let (min, max) = if n > 0 {
            (Some(r.i64()?), Some(r.i64()?))
        } else {
            (None, None)
        };
        let quantiles = match mode {
            crate::stats::QuantileMode::Exact => {
                // One byte at least per duration: more than the bytes left is damage.
                if n > r.left() as u64 {
                    return Err(invalid("n", n, "more durations than the state holds"));
                }
                let mut durations = Vec::with_capacity(n as usize);
                let mut previous = 0i64;
                for _ in 0..n {
                    let step = r.u64()?;
                    previous = i64::try_from(step)
                        .ok()
                        .and_then(|s| previous.checked_add(s))
                        .ok_or_else(|| invalid("durations", step, "a duration overflows"))?;
                    durations.push(previous);
                }
                Quantiles::Exact { durations }
            }
            crate::stats::QuantileMode::Sketch { relative_accuracy } => {
                let zero_count = r.u64()?;
                let count = r.len(2)?;
                let mut bins = Vec::with_capacity(count);
                let mut previous = 0i64;
                for _ in 0..count {
                    let key = previous
                        .checked_add(r.i64()?)
                        .and_then(|k| i32::try_from(k).ok())
                        .ok_or_else(|| invalid("bins", previous, "a bin key overflows"))?;
                    previous = i64::from(key);
                    bins.push((key, r.u64()?));
                }
                Quantiles::Sketch {
                    relative_accuracy,
                    zero_count,
                    bins,
                }
            }
        };
        DurationSummary::try_from(State {
            n,
            total_seconds,
            min,
            max,
            quantiles,
        })
    }
}
