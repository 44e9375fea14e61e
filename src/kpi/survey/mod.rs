//! Survey KPIs (docs/definitions.md, "Survey KPIs"): [`Nps`], [`Csat`] and [`Ces`].
//!
//! Each accumulator keeps one count per point of its scale, so pushing is a checked increment,
//! merging is element-wise addition (exactly associative and commutative), and the state
//! serializes as a short list of counts. Every figure of a result is computed from those counts
//! at [`finish`](super::Accumulator::finish): merged partitions give bit-for-bit the one-shot
//! result.
//!
//! Units, everywhere in this module:
//! - a `score` is on the KPI's reporting scale: NPS points (−100 to 100), CSAT percent (0–100);
//! - a `*_share` is a fraction in 0–1 (multiply by 100 for a percentage);
//! - intervals and standard errors are in the unit of the value they belong to;
//! - `mean` is on the survey's own answer scale (1–5, say).

mod ces;
mod csat;
mod nps;

pub use ces::{Ces, CesAccumulator, CesDirection, CesOptions, CesResult, CesScale, CustomCesScale};
pub use csat::{Csat, CsatAccumulator, CsatOptions, CsatResult, CsatScale};
pub use nps::{Nps, NpsAccumulator, NpsOptions, NpsResult};

use crate::error::{Error, ErrorKind};
use crate::model::{SurveyKind, SurveyResponse};
use serde::Serialize;

/// The most points a survey scale may have (a 0–100 slider is the widest in use); it bounds the
/// state a deserialized accumulator may allocate.
pub const MAX_SCALE_POINTS: usize = 101;

/// How many answers each score got, in ascending score order, with a zero for every point of
/// the scale nobody chose.
///
/// Serializes as a list of `[score, count]` pairs.
///
/// ```
/// use supportkpi::kpi::{Kpi, Nps};
/// let r = Nps::default().compute([10, 10, 3])?;
/// assert_eq!(r.distribution.len(), 11);
/// assert_eq!(r.distribution.count(10), Some(2));
/// assert_eq!(r.distribution.count(4), Some(0));
/// assert_eq!(r.distribution.count(11), None);
/// assert_eq!(r.distribution.iter().next(), Some((0, 0)));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ScoreDistribution(Vec<(i32, u64)>);

impl ScoreDistribution {
    /// The `(score, count)` pairs, ascending by score.
    pub fn iter(&self) -> impl Iterator<Item = (i32, u64)> + '_ {
        self.0.iter().copied()
    }

    /// The pairs as a slice.
    pub fn as_slice(&self) -> &[(i32, u64)] {
        &self.0
    }

    /// The count of `score`, or `None` when it is not on the scale.
    pub fn count(&self, score: i32) -> Option<u64> {
        let first = self.0.first()?.0;
        let idx = usize::try_from(i64::from(score) - i64::from(first)).ok()?;
        self.0.get(idx).map(|&(_, c)| c)
    }

    /// The number of points on the scale.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for a scale with no points (never, for a distribution from a result).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> IntoIterator for &'a ScoreDistribution {
    type Item = &'a (i32, u64);
    type IntoIter = std::slice::Iter<'a, (i32, u64)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Per-point counts on the scale `min..=min + counts.len() - 1`, plus their total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Counts {
    min: i32,
    counts: Vec<u64>,
    n: u64,
}

impl Counts {
    /// Empty counts on `min..=max`; callers validate the scale first.
    pub(crate) fn new(min: i32, max: i32) -> Self {
        let points = usize::try_from(i64::from(max) - i64::from(min) + 1).unwrap_or(0);
        Counts {
            min,
            counts: vec![0; points],
            n: 0,
        }
    }

    /// Rebuilds counts from serialized state, checking that they fit the scale and add up to `n`.
    pub(crate) fn from_state(min: i32, max: i32, counts: Vec<u64>, n: u64) -> Result<Self, Error> {
        let expected = Counts::new(min, max).counts.len();
        if counts.len() != expected {
            return Err(Error::new(
                ErrorKind::InvalidState,
                format!("the scale {min}-{max} needs {expected} counts"),
            )
            .with_field("counts")
            .with_value(counts.len()));
        }
        let total = counts
            .iter()
            .try_fold(0u64, |acc, &c| acc.checked_add(c))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidState,
                    "the counts overflow a 64-bit total",
                )
                .with_field("counts")
            })?;
        if total != n {
            return Err(Error::new(
                ErrorKind::InvalidState,
                format!("n must equal the sum of the counts ({total})"),
            )
            .with_field("n")
            .with_value(n));
        }
        Ok(Counts { min, counts, n })
    }

    pub(crate) fn n(&self) -> u64 {
        self.n
    }

    pub(crate) fn as_slice(&self) -> &[u64] {
        &self.counts
    }

    /// Writes n and the per-point counts, for a report state's bytes.
    pub(crate) fn encode(&self, w: &mut crate::wire::Writer) {
        w.u64(self.n);
        w.u64(self.counts.len() as u64);
        for &c in &self.counts {
            w.u64(c);
        }
    }

    /// Reads what [`encode`](Counts::encode) wrote as `(counts, n)`, for `from_state`.
    pub(crate) fn decode(r: &mut crate::wire::Reader<'_>) -> Result<(Vec<u64>, u64), Error> {
        let n = r.u64()?;
        let len = r.len(1)?;
        let mut counts = Vec::with_capacity(len);
        for _ in 0..len {
            counts.push(r.u64()?);
        }
        Ok((counts, n))
    }

    fn index(&self, score: i32) -> Option<usize> {
        let idx = usize::try_from(i64::from(score) - i64::from(self.min)).ok()?;
        (idx < self.counts.len()).then_some(idx)
    }

    /// Counts one answer; `false` (and no change) when `score` is off the scale.
    pub(crate) fn add(&mut self, score: i32) -> Result<bool, Error> {
        let Some(idx) = self.index(score) else {
            return Ok(false);
        };
        let n = self.n.checked_add(1).ok_or_else(overflow)?;
        self.counts[idx] += 1; // cannot overflow: counts[idx] ≤ n < u64::MAX
        self.n = n;
        Ok(true)
    }

    /// Adds `other`'s counts; the caller has checked both are on the same scale.
    pub(crate) fn merge(&mut self, other: &Counts) -> Result<(), Error> {
        // All or nothing: build the sums first so an overflow leaves `self` unchanged.
        let n = self.n.checked_add(other.n).ok_or_else(overflow)?;
        let counts = self
            .counts
            .iter()
            .zip(&other.counts)
            .map(|(a, b)| a.checked_add(*b))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(overflow)?;
        self.counts = counts;
        self.n = n;
        Ok(())
    }

    /// How many answers satisfy `pred`.
    pub(crate) fn count_where(&self, pred: impl Fn(i32) -> bool) -> u64 {
        self.iter().filter(|&(s, _)| pred(s)).map(|(_, c)| c).sum()
    }

    fn iter(&self) -> impl Iterator<Item = (i32, u64)> + '_ {
        (self.min..).zip(self.counts.iter().copied())
    }

    /// The mean answer: the exact integer sum divided once, so it is independent of the order
    /// the answers came in.
    pub(crate) fn mean(&self) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let sum: i128 = self
            .iter()
            .map(|(s, c)| i128::from(s) * i128::from(c))
            .sum();
        Some(sum as f64 / self.n as f64)
    }

    pub(crate) fn distribution(&self) -> ScoreDistribution {
        ScoreDistribution(self.iter().collect())
    }
}

fn overflow() -> Error {
    Error::new(
        ErrorKind::InvalidState,
        "the response count overflows 64 bits",
    )
}

/// `100 · part / whole` with a single rounding (the numerator is exact in i128).
pub(crate) fn percent(part: i128, whole: u64) -> f64 {
    (part * 100) as f64 / whole as f64
}

/// The error for a score outside its scale.
pub(crate) fn off_scale(score: i32, rule: String) -> Error {
    Error::new(ErrorKind::ScoreOutOfScale, rule)
        .with_record_type("score")
        .with_field("score")
        .with_value(score)
}

/// Checks a response's kind, then re-labels a score error with the response it came from.
pub(crate) fn push_response(
    response: &SurveyResponse,
    kind: SurveyKind,
    push: impl FnOnce(i32) -> Result<(), Error>,
) -> Result<(), Error> {
    if response.kind() != kind {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            format!("a {kind} accumulator only takes {kind} responses"),
        )
        .with_record_type("survey_response")
        .with_id(response.id().as_str())
        .with_field("kind")
        .with_value(response.kind()));
    }
    push(response.score()).map_err(|e| {
        e.with_record_type("survey_response")
            .with_id(response.id().as_str())
    })
}

/// Validates a confidence level option and returns its normal quantile.
pub(crate) fn confidence_z(level: f64) -> Result<f64, Error> {
    crate::stats::interval::z_for_confidence(level)
}

/// Checks that a scale has at least two points and at most [`MAX_SCALE_POINTS`].
pub(crate) fn check_scale(min: i32, max: i32, field: &str) -> Result<(), Error> {
    let points = i64::from(max) - i64::from(min) + 1;
    if points < 2 || points > MAX_SCALE_POINTS as i64 {
        return Err(Error::new(
            ErrorKind::InvalidOption,
            format!("a scale runs from min to max with 2 to {MAX_SCALE_POINTS} points"),
        )
        .with_field(field.to_owned())
        .with_value(format!("{min}-{max}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_merge_mean() {
        let mut a = Counts::new(1, 5);
        assert!(a.add(5).unwrap());
        assert!(a.add(1).unwrap());
        assert!(!a.add(6).unwrap());
        assert!(!a.add(0).unwrap());
        assert_eq!(a.n(), 2);
        let mut b = Counts::new(1, 5);
        b.add(3).unwrap();
        a.merge(&b).unwrap();
        assert_eq!(a.as_slice(), &[1, 0, 1, 0, 1]);
        assert_eq!(a.mean(), Some(3.0));
        assert_eq!(Counts::new(1, 5).mean(), None);
        assert_eq!(a.count_where(|s| s >= 3), 2);
    }

    #[test]
    fn extreme_scores_do_not_overflow_the_index() {
        let mut a = Counts::new(0, 10);
        assert!(!a.add(i32::MIN).unwrap());
        assert!(!a.add(i32::MAX).unwrap());
        assert_eq!(a.distribution().count(i32::MIN), None);
    }

    #[test]
    fn merge_overflow_leaves_state_unchanged() {
        let mut a = Counts::from_state(0, 1, vec![u64::MAX, 0], u64::MAX).unwrap();
        let mut b = Counts::new(0, 1);
        b.add(0).unwrap();
        let before = a.clone();
        assert_eq!(a.merge(&b).unwrap_err().kind(), ErrorKind::InvalidState);
        assert_eq!(a, before);
        assert_eq!(a.add(1).unwrap_err().kind(), ErrorKind::InvalidState);
        assert_eq!(a, before);
    }

    #[test]
    fn state_is_checked() {
        assert!(Counts::from_state(1, 5, vec![1, 2, 3, 4, 5], 15).is_ok());
        let e = Counts::from_state(1, 5, vec![1, 2, 3, 4], 10).unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::InvalidState, Some("counts"))
        );
        let e = Counts::from_state(1, 5, vec![1, 2, 3, 4, 5], 14).unwrap_err();
        assert_eq!((e.kind(), e.field()), (ErrorKind::InvalidState, Some("n")));
        let e = Counts::from_state(0, 1, vec![u64::MAX, 1], 0).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidState);
    }

    #[test]
    fn scale_bounds() {
        assert!(check_scale(0, 1, "scale").is_ok());
        assert!(check_scale(0, 100, "scale").is_ok());
        assert!(check_scale(0, 101, "scale").is_err());
        assert!(check_scale(3, 3, "scale").is_err());
        assert!(check_scale(5, 1, "scale").is_err());
        assert!(check_scale(i32::MIN, i32::MAX, "scale").is_err());
    }
}
