//! [`DurationSummary`]: the accumulator behind every duration KPI (docs/definitions.md,
//! "Durations").

mod sketch;
mod state;

use crate::error::{Error, ErrorKind, Result};
use crate::kpi::{Accumulator, Metric, incompatible};
use serde::{Deserialize, Serialize};
use sketch::LogSketch;

/// The reason every statistic of an empty summary is undefined.
const NO_DURATIONS: &str = "no durations";

/// How a [`DurationSummary`] computes its quantiles (median, p90).
///
/// Whatever the mode, the count, total, mean, minimum and maximum are exact.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuantileMode {
    /// Keep every duration (8 bytes each) and compute quantiles exactly.
    #[default]
    Exact,
    /// Keep a DDSketch: quantiles within a relative error, in memory that grows with the
    /// logarithm of the range of the durations, not with their number.
    Sketch {
        /// α, the bound on the relative error of a quantile, in `[1e-6, 1)`; kept to 12
        /// significant digits, so that it survives a round trip through JSON exactly.
        relative_accuracy: f64,
    },
}

impl QuantileMode {
    fn validate(self) -> Result<Self> {
        Ok(match self {
            QuantileMode::Exact => self,
            QuantileMode::Sketch { relative_accuracy } => QuantileMode::Sketch {
                relative_accuracy: validate_alpha(relative_accuracy)?,
            },
        })
    }
}

/// Checks α and keeps it to 12 significant digits.
///
/// Sketches merge only with the same α, bit for bit, and a partition's α may come back from
/// JSON: serde_json's default float parsing is only guaranteed to the last bit for short
/// decimals (17-digit α's came back one unit in the last place off in testing). Twelve digits
/// round-trip through any decimal format, and no one tunes a sketch finer than that.
fn validate_alpha(alpha: f64) -> Result<f64> {
    // The range check is written so that NaN fails it.
    if (sketch::MIN_RELATIVE_ACCURACY..1.0).contains(&alpha) {
        // Formatting then parsing an in-range f64 cannot fail; the fallback only keeps this
        // panic-free.
        let short = format!("{alpha:.11e}").parse().unwrap_or(alpha);
        // Rounding to 12 digits cannot leave [1e-6, 1) except for α within 5e-13 of 1.
        Ok(if short < 1.0 { short } else { alpha })
    } else {
        Err(Error::new(
            ErrorKind::InvalidOption,
            "the relative accuracy of a sketch must be at least 1e-6 and less than 1",
        )
        .with_field("relative_accuracy")
        .with_value(alpha))
    }
}

/// Count, total, mean, median, p90, minimum and maximum of a set of durations (in seconds).
///
/// The accumulator of every duration KPI: first response time and resolution time, in calendar
/// or business seconds. [`push`](Accumulator::push) a duration, [`merge`](Accumulator::merge)
/// partitions, [`finish`](Accumulator::finish) into [`DurationStats`].
///
/// # Definitions
///
/// - **Mean** = total / n, from the exact integer total (the definitions' "total time / count").
/// - **Quantiles** (exact mode) interpolate linearly between the closest ranks, like numpy's
///   default `percentile`, Excel's `PERCENTILE.INC` and DuckDB's `quantile_cont`: with the
///   durations sorted as x₀ ≤ … ≤ xₙ₋₁ and h = (n − 1)·q, the q-quantile is
///   x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎). The median of an even count is the mean of the two
///   middle values. The median and p90 of [`DurationStats`] use q = 1/2 and q = 9/10 as exact
///   fractions, so their only rounding is one final division.
///
/// # Modes
///
/// - [`QuantileMode::Exact`] (the default) keeps every duration in a `Vec<i64>`: 8 bytes per
///   duration (800 MB for 100 million), and a merge appends. Finishing selects the order
///   statistics it needs in linear time rather than sorting.
/// - [`QuantileMode::Sketch`] keeps a DDSketch with relative accuracy α: each quantile is within
///   α of the exact one, relative to its value (`|estimate − exact| ≤ α·exact`, up to
///   floating-point rounding). Zero durations are counted exactly apart from the sketch (zero
///   has no logarithmic bucket), so they come out exactly 0, and every estimate is clamped to
///   the exact minimum and maximum (the lowest and highest ranks are those, exactly). Memory is one bin per occupied bucket: about
///   ln(max / min) / 2α bins (under 900 for α = 1 % over 1 second to a year). Use it for huge
///   inputs.
///
/// Merging is exactly associative and commutative in both modes (the sketch adds bin counts),
/// so the result over partitions merged in any order equals the one-shot result.
///
/// # Serialization
///
/// The state serializes (exact mode: the durations; sketch mode: the bins and the exact side
/// statistics) and is validated when deserialized: an inconsistent state (a count that does not
/// match the data, an invalid α, a minimum above the maximum…) is an
/// [`ErrorKind::InvalidState`] error.
///
/// # Why no `Extend` / `FromIterator`
///
/// A negative duration is an error, and those traits have no way to return one: they would
/// have to panic or drop it silently. [`try_extend`](DurationSummary::try_extend) is the
/// fallible bulk push.
///
/// # Example
///
/// ```
/// use supportkpi::kpi::Accumulator;
/// use supportkpi::stats::DurationSummary;
///
/// let mut frt = DurationSummary::exact();
/// for seconds in [60, 120, 180, 240, 3600] {
///     frt.push(&seconds)?;
/// }
/// let stats = frt.finish();
/// assert_eq!(stats.n, 5);
/// assert_eq!(stats.mean.value(), Some(840.0));
/// assert_eq!(stats.median.value(), Some(180.0));
/// // h = 4 × 0.9 = 3.6: 240 + 0.6 × (3600 − 240).
/// assert_eq!(stats.p90.value(), Some(2256.0));
/// assert_eq!(stats.max.value(), Some(3600));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "state::State")]
pub struct DurationSummary {
    n: u64,
    total: u128,
    /// (min, max), once a duration has been pushed.
    extremes: Option<(i64, i64)>,
    store: Store,
}

#[derive(Debug, Clone)]
enum Store {
    Exact(Vec<i64>),
    // Boxed: the sketch's state is three times an empty exact store, and a report keeps
    // several summaries in every cell.
    Sketch(Box<LogSketch>),
}

impl Default for DurationSummary {
    fn default() -> Self {
        DurationSummary::exact()
    }
}

impl DurationSummary {
    /// An empty summary computing its quantiles as `mode` says.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] for a sketch whose relative accuracy is not in `[1e-6, 1)`.
    ///
    /// # Example
    /// ```
    /// use supportkpi::ErrorKind;
    /// use supportkpi::stats::{DurationSummary, QuantileMode};
    ///
    /// let s = DurationSummary::new(QuantileMode::Sketch { relative_accuracy: 0.01 })?;
    /// assert_eq!(s.mode(), QuantileMode::Sketch { relative_accuracy: 0.01 });
    /// let err = DurationSummary::new(QuantileMode::Sketch { relative_accuracy: 1.5 }).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidOption);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn new(mode: QuantileMode) -> Result<Self> {
        let store = match mode.validate()? {
            QuantileMode::Exact => Store::Exact(Vec::new()),
            QuantileMode::Sketch { relative_accuracy } => {
                Store::Sketch(Box::new(LogSketch::new(relative_accuracy)))
            }
        };
        Ok(DurationSummary {
            n: 0,
            total: 0,
            extremes: None,
            store,
        })
    }

    /// An empty summary with exact quantiles (the default).
    ///
    /// # Example
    /// ```
    /// use supportkpi::stats::{DurationSummary, QuantileMode};
    /// assert_eq!(DurationSummary::exact().mode(), QuantileMode::Exact);
    /// ```
    pub fn exact() -> Self {
        DurationSummary {
            n: 0,
            total: 0,
            extremes: None,
            store: Store::Exact(Vec::new()),
        }
    }

    /// An empty summary whose quantiles come from a DDSketch with relative accuracy
    /// `relative_accuracy` (α): each quantile within α of the exact one, relative to its value.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] unless `1e-6 ≤ α < 1`. The lower bound is where the sketch
    /// stops paying: under it, every duration below 1/(2α) seconds (almost six days) would get
    /// a bin of its own, and exact mode is both smaller and exact. α is kept to 12 significant
    /// digits (see [`QuantileMode::Sketch`]).
    ///
    /// # Example
    /// ```
    /// use supportkpi::kpi::Accumulator;
    /// use supportkpi::stats::DurationSummary;
    ///
    /// let mut s = DurationSummary::sketch(0.01)?;
    /// for seconds in 1..=1000 {
    ///     s.push(&seconds)?;
    /// }
    /// let stats = s.finish();
    /// let median = stats.median.value().unwrap();
    /// assert!((median - 500.5).abs() <= 0.01 * 500.5);
    /// assert_eq!(stats.mean.value(), Some(500.5)); // exact in both modes
    /// assert_eq!(stats.relative_error, Some(0.01));
    /// assert!(DurationSummary::sketch(0.0).is_err());
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn sketch(relative_accuracy: f64) -> Result<Self> {
        DurationSummary::new(QuantileMode::Sketch { relative_accuracy })
    }

    /// How this summary computes quantiles.
    pub fn mode(&self) -> QuantileMode {
        match &self.store {
            Store::Exact(_) => QuantileMode::Exact,
            Store::Sketch(s) => QuantileMode::Sketch {
                relative_accuracy: s.alpha(),
            },
        }
    }

    /// The number of durations pushed (and merged in).
    pub fn len(&self) -> u64 {
        self.n
    }

    /// True when no duration has been pushed.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The exact sum of the durations, in seconds.
    pub fn total_seconds(&self) -> u128 {
        self.total
    }

    /// Pushes every duration of `durations`, stopping at the first negative one.
    ///
    /// # Errors
    /// The first [`ErrorKind::NegativeDuration`]; the durations before it stay pushed, exactly
    /// as with a loop of [`push`](Accumulator::push).
    ///
    /// # Example
    /// ```
    /// use supportkpi::ErrorKind;
    /// use supportkpi::stats::DurationSummary;
    ///
    /// let mut s = DurationSummary::exact();
    /// s.try_extend([30, 90])?;
    /// assert_eq!(s.len(), 2);
    /// let err = s.try_extend([10, -5, 20]).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::NegativeDuration);
    /// assert_eq!(s.len(), 3); // 10 was pushed, 20 was not
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn try_extend<I: IntoIterator<Item = i64>>(&mut self, durations: I) -> Result<()> {
        for d in durations {
            self.push(&d)?;
        }
        Ok(())
    }

    /// The q-quantile of the durations, by the definition in the type's documentation (in
    /// sketch mode, within its relative accuracy).
    ///
    /// This takes `&mut self` because exact mode selects in place: it reorders the stored
    /// durations (which changes no result) instead of copying them, in O(n) per call.
    ///
    /// `q` is used as the binary `f64` it is, so `quantile(0.9)` can differ from
    /// [`DurationStats::p90`] (computed with the exact fraction 9/10) in the last bit.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] when `q` is not in `[0, 1]` (NaN included).
    ///
    /// # Example
    /// ```
    /// use supportkpi::stats::DurationSummary;
    ///
    /// let mut s = DurationSummary::exact();
    /// s.try_extend([10, 20, 30, 40])?;
    /// assert_eq!(s.quantile(0.25)?.value(), Some(17.5)); // h = 0.75: 10 + 0.75 × 10
    /// assert_eq!(s.quantile(1.0)?.value(), Some(40.0));
    /// assert!(s.quantile(1.5).is_err());
    /// assert!(!DurationSummary::exact().quantile(0.5)?.is_defined());
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn quantile(&mut self, q: f64) -> Result<Metric<f64>> {
        if !(0.0..=1.0).contains(&q) {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                "a quantile must be between 0 and 1",
            )
            .with_field("q")
            .with_value(q));
        }
        let Some((min, max)) = self.extremes else {
            return Ok(Metric::undefined(NO_DURATIONS));
        };
        let pos = Position::of_float(self.n, q);
        Ok(Metric::Value(match &mut self.store {
            Store::Exact(values) => {
                let (lo, hi) = select_pair(values, pos.k);
                pos.lerp_exact(lo, hi)
            }
            Store::Sketch(s) => {
                let (lo, hi) = s.ranks(pos.k, self.n, min, max);
                pos.lerp(lo, hi)
            }
        }))
    }

    fn from_parts(n: u64, total: u128, extremes: Option<(i64, i64)>, store: Store) -> Self {
        DurationSummary {
            n,
            total,
            extremes,
            store,
        }
    }
}

fn count_overflow() -> Error {
    Error::new(
        ErrorKind::InvalidState,
        "the number of durations would exceed 2^64 - 1",
    )
}

impl Accumulator for DurationSummary {
    type Record = i64;
    type Output = DurationStats;

    /// Adds one duration, in whole seconds.
    ///
    /// # Errors
    /// [`ErrorKind::NegativeDuration`] naming the value when `seconds < 0` (an end before its
    /// start); the summary is unchanged then.
    ///
    /// # Example
    /// ```
    /// use supportkpi::ErrorKind;
    /// use supportkpi::kpi::Accumulator;
    /// use supportkpi::stats::DurationSummary;
    ///
    /// let mut s = DurationSummary::exact();
    /// s.push(&0)?;
    /// let err = s.push(&-60).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::NegativeDuration);
    /// assert_eq!(err.value(), Some("-60"));
    /// assert_eq!(s.len(), 1);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    fn push(&mut self, seconds: &i64) -> Result<()> {
        let seconds = *seconds;
        if seconds < 0 {
            return Err(Error::new(
                ErrorKind::NegativeDuration,
                "a duration must not be negative (an end before its start)",
            )
            .with_field("duration_seconds")
            .with_value(seconds));
        }
        let n = self.n.checked_add(1).ok_or_else(count_overflow)?;
        match &mut self.store {
            Store::Exact(values) => values.push(seconds),
            Store::Sketch(s) => s.add(seconds),
        }
        self.n = n;
        self.total += u128::from(seconds.unsigned_abs());
        self.extremes = Some(match self.extremes {
            None => (seconds, seconds),
            Some((min, max)) => (min.min(seconds), max.max(seconds)),
        });
        Ok(())
    }

    /// Folds `other` in: exact summaries concatenate their durations, sketches add their bins.
    ///
    /// # Errors
    /// [`ErrorKind::IncompatibleMerge`] when the modes differ (exact with sketch, or sketches
    /// of different relative accuracy); `self` is unchanged then.
    ///
    /// # Example
    /// ```
    /// use supportkpi::ErrorKind;
    /// use supportkpi::kpi::Accumulator;
    /// use supportkpi::stats::DurationSummary;
    ///
    /// let mut a = DurationSummary::exact();
    /// a.try_extend([60, 120])?;
    /// let mut b = DurationSummary::exact();
    /// b.try_extend([180])?;
    /// a.merge(b)?;
    /// assert_eq!(a.clone().finish().median.value(), Some(120.0));
    ///
    /// let err = a.merge(DurationSummary::sketch(0.01)?).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::IncompatibleMerge);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    fn merge(&mut self, other: Self) -> Result<()> {
        let n = self.n.checked_add(other.n).ok_or_else(count_overflow)?;
        match (&mut self.store, other.store) {
            (Store::Exact(mine), Store::Exact(mut theirs)) => {
                // Append the shorter to the longer: the copy is the smaller side.
                if mine.len() < theirs.len() {
                    std::mem::swap(mine, &mut theirs);
                }
                mine.append(&mut theirs);
            }
            // α bit for bit: sketches only merge when their buckets are the same.
            (Store::Sketch(mine), Store::Sketch(theirs))
                if mine.alpha().to_bits() == theirs.alpha().to_bits() =>
            {
                mine.merge(*theirs);
            }
            _ => return Err(incompatible("duration summary")),
        }
        self.n = n;
        self.total += other.total;
        self.extremes = match (self.extremes, other.extremes) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (e, None) | (None, e) => e,
        };
        Ok(())
    }

    fn finish(self) -> DurationStats {
        let relative_error = match &self.store {
            Store::Exact(_) => None,
            Store::Sketch(s) => Some(s.alpha()),
        };
        let Some((min, max)) = self.extremes else {
            return DurationStats {
                n: 0,
                total_seconds: 0,
                mean: Metric::undefined(NO_DURATIONS),
                median: Metric::undefined(NO_DURATIONS),
                p90: Metric::undefined(NO_DURATIONS),
                min: Metric::undefined(NO_DURATIONS),
                max: Metric::undefined(NO_DURATIONS),
                relative_error,
            };
        };
        let med = Position::of_ratio(self.n, 1, 2);
        let p90 = Position::of_ratio(self.n, 9, 10);
        let (median, p90) = match self.store {
            Store::Exact(mut values) => {
                // Select the median's rank, then p90's among the larger half only.
                let (m_lo, m_hi) = select_pair(&mut values, med.k);
                let (p_lo, p_hi) = if p90.k == med.k {
                    (m_lo, m_hi)
                } else {
                    let offset = med.k + 1;
                    let right = &mut values[usize::try_from(offset).unwrap_or(usize::MAX)..];
                    select_pair(right, p90.k - offset)
                };
                (med.lerp_exact(m_lo, m_hi), p90.lerp_exact(p_lo, p_hi))
            }
            Store::Sketch(s) => {
                let (m_lo, m_hi) = s.ranks(med.k, self.n, min, max);
                let (p_lo, p_hi) = s.ranks(p90.k, self.n, min, max);
                (med.lerp(m_lo, m_hi), p90.lerp(p_lo, p_hi))
            }
        };
        DurationStats {
            n: self.n,
            total_seconds: self.total,
            mean: Metric::Value(mean(self.total, self.n)),
            median: Metric::Value(median),
            p90: Metric::Value(p90),
            min: Metric::Value(min),
            max: Metric::Value(max),
            relative_error,
        }
    }
}

/// Total / n as the nearest `f64` when the total is exactly representable (below 2^53
/// seconds, 285 million years: always, in practice), within one unit in the last place
/// otherwise.
fn mean(total: u128, n: u64) -> f64 {
    const EXACT_F64: u128 = 1 << 53;
    if total <= EXACT_F64 {
        total as f64 / n as f64
    } else {
        let n = u128::from(n);
        (total / n) as f64 + (total % n) as f64 / n as f64
    }
}

/// The statistics of a set of durations, in seconds: what a duration KPI reports.
///
/// With no durations, every statistic is [`Metric::Undefined`] with the reason "no durations".
/// See [`DurationSummary`] for the definitions.
///
/// # Example
/// ```
/// use supportkpi::kpi::Accumulator;
/// use supportkpi::stats::DurationSummary;
///
/// let stats = DurationSummary::exact().finish();
/// assert_eq!(stats.n, 0);
/// assert_eq!(stats.median.undefined_reason(), Some("no durations"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DurationStats {
    /// How many durations were summarized.
    pub n: u64,
    /// Their exact sum, in seconds.
    pub total_seconds: u128,
    /// total / n.
    pub mean: Metric<f64>,
    /// The 0.5-quantile (the mean of the two middle values for an even count).
    pub median: Metric<f64>,
    /// The 0.9-quantile.
    pub p90: Metric<f64>,
    /// The shortest duration (exact in both modes).
    pub min: Metric<i64>,
    /// The longest duration (exact in both modes).
    pub max: Metric<i64>,
    /// The bound α on the relative error of [`median`](Self::median) and [`p90`](Self::p90)
    /// in sketch mode; `None` when they are exact. The other fields are always exact.
    pub relative_error: Option<f64>,
}

impl DurationStats {
    /// Gives every undefined statistic `reason` instead of the generic one (a KPI that knows
    /// why it has no durations says so: "the input records no replies").
    pub(crate) fn undefined_because(&mut self, reason: &str) {
        for m in [&mut self.mean, &mut self.median, &mut self.p90] {
            if !m.is_defined() {
                *m = Metric::undefined(reason);
            }
        }
        for m in [&mut self.min, &mut self.max] {
            if !m.is_defined() {
                *m = Metric::undefined(reason);
            }
        }
    }
}

/// Where a quantile sits among the sorted durations: rank `k = ⌊h⌋` plus a fraction of the
/// step to rank `k + 1`, for h = (n − 1)·q.
#[derive(Debug, Clone, Copy)]
struct Position {
    k: u64,
    frac: Fraction,
}

#[derive(Debug, Clone, Copy)]
enum Fraction {
    /// `r / den`, exactly.
    Ratio(u64, u64),
    Float(f64),
}

impl Position {
    /// h = (n − 1)·num/den in integers, so fixed quantiles suffer no rounding of h.
    fn of_ratio(n: u64, num: u64, den: u64) -> Self {
        let t = u128::from(n.saturating_sub(1)) * u128::from(num);
        let den128 = u128::from(den);
        Position {
            // t / den ≤ n − 1 because num ≤ den.
            k: u64::try_from(t / den128).unwrap_or(u64::MAX),
            frac: Fraction::Ratio(u64::try_from(t % den128).unwrap_or(0), den),
        }
    }

    fn of_float(n: u64, q: f64) -> Self {
        let last = n.saturating_sub(1);
        let h = q * last as f64;
        let k = (h.floor() as u64).min(last);
        Position {
            k,
            frac: Fraction::Float((h - k as f64).clamp(0.0, 1.0)),
        }
    }

    /// Interpolates between the integer order statistics `lo ≤ hi`.
    fn lerp_exact(self, lo: i64, hi: i64) -> f64 {
        match self.frac {
            Fraction::Ratio(0, _) => lo as f64,
            Fraction::Ratio(r, den) => {
                // One rounding: the numerator is exact in i128 (den ≤ 10 here).
                let num = i128::from(den) * i128::from(lo) + i128::from(r) * i128::from(hi - lo);
                num as f64 / den as f64
            }
            Fraction::Float(f) => lo as f64 + f * (hi - lo) as f64,
        }
    }

    /// Interpolates between estimated order statistics.
    fn lerp(self, lo: f64, hi: f64) -> f64 {
        let f = match self.frac {
            Fraction::Ratio(r, den) => r as f64 / den as f64,
            Fraction::Float(f) => f,
        };
        if f == 0.0 { lo } else { lo + f * (hi - lo) }
    }
}

/// The order statistics of rank `k` and `k + 1` (the latter = the former when `k` is the last
/// rank, where the interpolation weight is 0). Partially reorders `values`; `k < values.len()`.
fn select_pair(values: &mut [i64], k: u64) -> (i64, i64) {
    let k = usize::try_from(k)
        .unwrap_or(usize::MAX)
        .min(values.len() - 1);
    // After selection, everything right of `k` is ≥ the k-th, so rank k + 1 is their minimum.
    let (_, kth, right) = values.select_nth_unstable(k);
    let kth = *kth;
    (kth, right.iter().copied().min().unwrap_or(kth))
}

#[cfg(test)]
mod tests;
