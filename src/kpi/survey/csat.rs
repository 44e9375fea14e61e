//! Customer satisfaction (CSAT).

use super::{Counts, ScoreDistribution, check_scale, confidence_z, off_scale, percent};
use crate::error::{Error, ErrorKind};
use crate::kpi::{Accumulator, Kpi, Metric, incompatible};
use crate::model::{SurveyKind, SurveyResponse};
use crate::stats::interval::{Comparison, Interval, Z_95, two_proportion_z_test, wilson_interval};
use serde::{Deserialize, Serialize};

const NO_RESPONSES: &str = "no CSAT responses";

/// A CSAT answer scale: the integer scores `min..=max`.
///
/// Good/bad surveys (thumbs up / down) are the scale 0–1 with 1 = good and 0 = bad, so the
/// positive share is the share of 1s and the mean is that share too.
///
/// ```
/// use supportkpi::kpi::CsatScale;
/// assert_eq!(CsatScale::default(), CsatScale::ONE_TO_FIVE);
/// let s = CsatScale::new(0, 10)?;
/// assert_eq!((s.min(), s.max()), (0, 10));
/// assert!(CsatScale::new(5, 1).is_err());
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "CsatScaleRepr")]
pub struct CsatScale {
    min: i32,
    max: i32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CsatScaleRepr {
    min: i32,
    max: i32,
}

impl TryFrom<CsatScaleRepr> for CsatScale {
    type Error = Error;
    fn try_from(r: CsatScaleRepr) -> Result<Self, Error> {
        CsatScale::new(r.min, r.max)
    }
}

impl Default for CsatScale {
    /// 1–5.
    fn default() -> Self {
        CsatScale::ONE_TO_FIVE
    }
}

impl CsatScale {
    /// 1–3.
    pub const ONE_TO_THREE: CsatScale = CsatScale { min: 1, max: 3 };
    /// 1–5, the default.
    pub const ONE_TO_FIVE: CsatScale = CsatScale { min: 1, max: 5 };
    /// 1–7.
    pub const ONE_TO_SEVEN: CsatScale = CsatScale { min: 1, max: 7 };
    /// 1–10.
    pub const ONE_TO_TEN: CsatScale = CsatScale { min: 1, max: 10 };
    /// Good/bad: 1 = good, 0 = bad.
    pub const GOOD_BAD: CsatScale = CsatScale { min: 0, max: 1 };

    /// The scale `min..=max`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] (field `scale`) unless it has 2 to
    /// [`MAX_SCALE_POINTS`](super::MAX_SCALE_POINTS) points.
    ///
    /// # Example
    /// ```
    /// use supportkpi::kpi::CsatScale;
    /// assert_eq!(CsatScale::new(1, 7)?, CsatScale::ONE_TO_SEVEN);
    /// assert!(CsatScale::new(1, 1).is_err());
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn new(min: i32, max: i32) -> Result<CsatScale, Error> {
        check_scale(min, max, "scale")?;
        Ok(CsatScale { min, max })
    }

    /// The lowest score.
    pub fn min(&self) -> i32 {
        self.min
    }

    /// The highest score.
    pub fn max(&self) -> i32 {
        self.max
    }

    /// The threshold used when none is given: top-2-box (`max − 1`) on scales of 5 points or
    /// more, top box (`max`) on shorter ones, where the second box would be the midpoint or
    /// "bad".
    ///
    /// ```
    /// use supportkpi::kpi::CsatScale;
    /// assert_eq!(CsatScale::ONE_TO_FIVE.default_positive_from(), 4);
    /// assert_eq!(CsatScale::ONE_TO_TEN.default_positive_from(), 9);
    /// assert_eq!(CsatScale::ONE_TO_THREE.default_positive_from(), 3);
    /// assert_eq!(CsatScale::GOOD_BAD.default_positive_from(), 1);
    /// ```
    pub fn default_positive_from(&self) -> i32 {
        if i64::from(self.max) - i64::from(self.min) + 1 >= 5 {
            self.max - 1
        } else {
            self.max
        }
    }
}

/// The options of [`Csat`]: the scale, the lowest positive score, the interval level.
///
/// ```
/// use supportkpi::kpi::{CsatOptions, CsatScale};
/// let opts = CsatOptions::default().with_scale(CsatScale::ONE_TO_TEN).with_positive_from(8);
/// assert_eq!(opts.effective_positive_from(), 8);
/// // Without a threshold, the scale's default applies.
/// assert_eq!(CsatOptions::default().with_scale(CsatScale::ONE_TO_TEN).effective_positive_from(), 9);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsatOptions {
    /// The scale scores are on (default 1–5).
    pub scale: CsatScale,
    /// The lowest score that counts as satisfied; `None`: the scale's default (see
    /// [`CsatOptions::effective_positive_from`]).
    #[serde(default)]
    pub positive_from: Option<i32>,
    /// The level of the Wilson interval (default 0.95).
    pub confidence: f64,
}

impl Default for CsatOptions {
    /// Scale 1–5, positive = 4 or 5, intervals at 95%.
    fn default() -> Self {
        CsatOptions {
            scale: CsatScale::ONE_TO_FIVE,
            positive_from: None,
            confidence: 0.95,
        }
    }
}

impl CsatOptions {
    /// Whether a score is on the scale: what the accumulator checks on `push`, for a reader
    /// to check at read time.
    ///
    /// # Errors
    /// [`ErrorKind::ScoreOutOfScale`](crate::ErrorKind::ScoreOutOfScale) off the scale, the
    /// rule naming the scale.
    pub fn check_score(&self, score: i32) -> Result<(), Error> {
        let s = self.scale;
        if (s.min..=s.max).contains(&score) {
            Ok(())
        } else {
            Err(off_scale(
                score,
                format!("a CSAT score is on the {}-{} scale", s.min, s.max),
            ))
        }
    }

    /// The answer scale (default 1–5).
    #[must_use]
    pub fn with_scale(mut self, scale: CsatScale) -> Self {
        self.scale = scale;
        self
    }

    /// Deprecated alias of [`with_scale`](Self::with_scale).
    #[deprecated(since = "0.2.0", note = "use with_scale")]
    #[must_use]
    pub fn scale(self, scale: CsatScale) -> Self {
        self.with_scale(scale)
    }

    /// The lowest score counted as positive (default: the scale's
    /// [`default_positive_from`](CsatScale::default_positive_from)); checked by [`Csat::new`].
    #[must_use]
    pub fn with_positive_from(mut self, score: i32) -> Self {
        self.positive_from = Some(score);
        self
    }

    /// Deprecated alias of [`with_positive_from`](Self::with_positive_from).
    #[deprecated(since = "0.2.0", note = "use with_positive_from")]
    #[must_use]
    pub fn positive_from(self, score: i32) -> Self {
        self.with_positive_from(score)
    }

    /// The level of [`CsatResult::ci`] (default 0.95); checked by [`Csat::new`].
    #[must_use]
    pub fn with_confidence(mut self, level: f64) -> Self {
        self.confidence = level;
        self
    }

    /// Deprecated alias of [`with_confidence`](Self::with_confidence).
    #[deprecated(since = "0.2.0", note = "use with_confidence")]
    #[must_use]
    pub fn confidence(self, level: f64) -> Self {
        self.with_confidence(level)
    }

    /// Deprecated: read the public `scale` field.
    #[deprecated(since = "0.2.0", note = "use the `scale` field")]
    pub fn get_scale(&self) -> CsatScale {
        self.scale
    }

    /// The lowest score counted as positive: `positive_from`, or the scale's
    /// [`default_positive_from`](CsatScale::default_positive_from) when it is `None`.
    pub fn effective_positive_from(&self) -> i32 {
        self.positive_from
            .unwrap_or_else(|| self.scale.default_positive_from())
    }

    /// Deprecated alias of [`effective_positive_from`](Self::effective_positive_from).
    #[deprecated(since = "0.2.0", note = "use effective_positive_from")]
    pub fn get_positive_from(&self) -> i32 {
        self.effective_positive_from()
    }

    /// Deprecated: read the public `confidence` field.
    #[deprecated(since = "0.2.0", note = "use the `confidence` field")]
    pub fn get_confidence(&self) -> f64 {
        self.confidence
    }

    /// The options with the default threshold written out, so equal meanings compare equal.
    fn resolved(self) -> Self {
        CsatOptions {
            positive_from: Some(self.effective_positive_from()),
            ..self
        }
    }
}

/// The CSAT KPI: 100 × positive / responses.
///
/// ```
/// use supportkpi::kpi::{Csat, Kpi};
/// let r = Csat::default().compute([5, 4, 4, 3, 1])?;
/// assert_eq!(r.score.value(), Some(60.0));
/// assert_eq!(r.mean.value(), Some(3.4));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Csat {
    options: CsatOptions,
}

impl Default for Csat {
    fn default() -> Self {
        Csat {
            options: CsatOptions::default().resolved(),
        }
    }
}

impl Csat {
    /// The KPI with `options`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] when `positive_from` (field `positive_from`) is not on the
    /// scale, or unless 0 < confidence < 1 (field `confidence`).
    ///
    /// # Example
    /// ```
    /// use supportkpi::ErrorKind;
    /// use supportkpi::kpi::{Csat, CsatOptions, CsatScale, Kpi};
    /// let thumbs = Csat::new(CsatOptions::default().with_scale(CsatScale::GOOD_BAD))?;
    /// assert_eq!(thumbs.compute([1, 1, 0, 1])?.score.value(), Some(75.0));
    /// let err = Csat::new(CsatOptions::default().with_positive_from(6)).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidOption);
    /// assert_eq!(err.field(), Some("positive_from"));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn new(options: CsatOptions) -> Result<Csat, Error> {
        let options = options.resolved();
        let t = options.effective_positive_from();
        let scale = options.scale;
        if !(scale.min..=scale.max).contains(&t) {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                format!(
                    "positive_from must be on the {}-{} scale",
                    scale.min, scale.max
                ),
            )
            .with_field("positive_from")
            .with_value(t));
        }
        confidence_z(options.confidence)?;
        Ok(Csat { options })
    }

    /// An empty accumulator with these options (also [`Kpi::accumulator`], callable without
    /// the trait in scope).
    ///
    /// ```
    /// use supportkpi::kpi::{Accumulator, Csat};
    /// let mut acc = Csat::default().accumulator();
    /// acc.push(&5)?;
    /// assert_eq!(acc.finish().n, 1);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn accumulator(&self) -> CsatAccumulator {
        CsatAccumulator {
            options: self.options,
            counts: Counts::new(self.options.scale.min, self.options.scale.max),
        }
    }

    /// The options, with the threshold resolved.
    pub fn options(&self) -> &CsatOptions {
        &self.options
    }
}

impl Kpi for Csat {
    type Accumulator = CsatAccumulator;

    fn accumulator(&self) -> CsatAccumulator {
        Csat::accumulator(self)
    }
}

/// The CSAT push / merge / finish state: one count per point of the scale.
///
/// Serializes as `{"options": {...}, "n": …, "counts": [...]}`; deserializing checks the
/// options, that there is one count per point of the scale and that they add up to `n`.
///
/// ```
/// use supportkpi::kpi::{Accumulator, CsatAccumulator};
/// let mut acc = CsatAccumulator::default();
/// acc.push(&5)?;
/// acc.push(&2)?;
/// assert_eq!(acc.finish().score.value(), Some(50.0));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CsatState", into = "CsatState")]
pub struct CsatAccumulator {
    options: CsatOptions,
    counts: Counts,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CsatState {
    options: CsatOptions,
    n: u64,
    counts: Vec<u64>,
}

impl From<CsatAccumulator> for CsatState {
    fn from(acc: CsatAccumulator) -> Self {
        CsatState {
            options: acc.options,
            n: acc.counts.n(),
            counts: acc.counts.as_slice().to_vec(),
        }
    }
}

impl TryFrom<CsatState> for CsatAccumulator {
    type Error = Error;
    fn try_from(s: CsatState) -> Result<Self, Error> {
        let csat = Csat::new(s.options)?;
        let scale = csat.options.scale;
        Ok(CsatAccumulator {
            options: csat.options,
            counts: Counts::from_state(scale.min, scale.max, s.counts, s.n)?,
        })
    }
}

impl Default for CsatAccumulator {
    /// An empty accumulator with the default options.
    fn default() -> Self {
        Csat::default().accumulator()
    }
}

impl CsatAccumulator {
    /// Adds one survey response's score.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] (field `kind`) for a response that is not a CSAT response,
    /// and the errors of [`push`](Accumulator::push); both name the response's id.
    ///
    /// # Example
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::{ErrorKind, SurveyResponse};
    /// use supportkpi::model::SurveyKind;
    /// use supportkpi::kpi::CsatAccumulator;
    /// let at = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let mut acc = CsatAccumulator::default();
    /// acc.push_response(&SurveyResponse::new("S-1", at, SurveyKind::Csat, 5)?)?;
    /// let err = acc
    ///     .push_response(&SurveyResponse::new("S-2", at, SurveyKind::Csat, 7)?)
    ///     .unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::ScoreOutOfScale);
    /// assert_eq!(err.record().unwrap().id.as_deref(), Some("S-2"));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn push_response(&mut self, response: &SurveyResponse) -> Result<(), Error> {
        super::push_response(response, SurveyKind::Csat, |s| self.push(&s))
    }

    /// The number of responses so far.
    pub fn n(&self) -> u64 {
        self.counts.n()
    }

    /// The options the accumulator was built with (threshold resolved).
    pub fn options(&self) -> &CsatOptions {
        &self.options
    }
}

impl Accumulator for CsatAccumulator {
    type Record = i32;
    type Output = CsatResult;

    /// Adds one score.
    ///
    /// # Errors
    /// [`ErrorKind::ScoreOutOfScale`] (record type `score`, field `score`) off the scale.
    fn push(&mut self, score: &i32) -> Result<(), Error> {
        if self.counts.add(*score)? {
            Ok(())
        } else {
            self.options.check_score(*score)
        }
    }

    fn merge(&mut self, other: Self) -> Result<(), Error> {
        if self.options != other.options {
            return Err(incompatible("CSAT"));
        }
        self.counts.merge(&other.counts)
    }

    fn finish(self) -> CsatResult {
        let positive_from = self.options.effective_positive_from();
        let confidence = self.options.confidence;
        let c = &self.counts;
        let n = c.n();
        let positive = c.count_where(|s| s >= positive_from);
        // Options were validated when the KPI (or the deserialized state) was built.
        let z = confidence_z(confidence).unwrap_or(Z_95);
        let wilson = |z: f64| match wilson_interval(positive, n, z) {
            Some(i) => Metric::Value(i.scaled(100.0)),
            None => Metric::undefined(NO_RESPONSES),
        };
        CsatResult {
            score: if n == 0 {
                Metric::undefined(NO_RESPONSES)
            } else {
                Metric::Value(percent(i128::from(positive), n))
            },
            positive,
            n,
            mean: c
                .mean()
                .map_or_else(|| Metric::undefined(NO_RESPONSES), Metric::Value),
            ci95: wilson(Z_95),
            ci: wilson(z),
            confidence,
            scale: self.options.scale,
            positive_from,
            distribution: c.distribution(),
        }
    }
}

/// A CSAT with its mean, Wilson interval and distribution.
///
/// `score` and the intervals are in percent (0–100); `mean` is on the answer scale. With no
/// responses every metric is undefined ("no CSAT responses") and `n` is 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CsatResult {
    /// 100 × positive / n, a single rounding of the exact ratio.
    pub score: Metric<f64>,
    /// Responses scoring `positive_from` or more.
    pub positive: u64,
    /// All responses.
    pub n: u64,
    /// The mean score, on the answer scale.
    pub mean: Metric<f64>,
    /// The Wilson 95% interval of the positive share, in percent.
    pub ci95: Metric<Interval>,
    /// The Wilson interval at [`confidence`](CsatResult::confidence), in percent; equal to
    /// `ci95` at the default 0.95.
    pub ci: Metric<Interval>,
    /// The level of `ci`.
    pub confidence: f64,
    /// The answer scale.
    pub scale: CsatScale,
    /// The lowest positive score.
    pub positive_from: i32,
    /// Responses per point of the scale.
    pub distribution: ScoreDistribution,
}

impl CsatResult {
    /// The pooled two-proportion z-test of `self.score − other.score`; `difference` and
    /// `standard_error` are in percentage points.
    ///
    /// Undefined when either side has no responses, or when the pooled share is 0 or 100%
    /// (the standard error is 0 then).
    ///
    /// ```
    /// use supportkpi::kpi::{Csat, Kpi};
    /// let mut before = vec![5; 60];
    /// before.extend([2; 40]);
    /// let mut after = vec![5; 70];
    /// after.extend([2; 30]);
    /// let (b, a) = (Csat::default().compute(&before)?, Csat::default().compute(&after)?);
    /// let t = a.compare(&b).value().unwrap();
    /// assert!((t.difference - 10.0).abs() < 1e-12);
    /// assert!((t.z - 1.4824986333222023).abs() < 1e-12);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn compare(&self, other: &CsatResult) -> Metric<Comparison> {
        if self.n == 0 || other.n == 0 {
            return Metric::undefined("no CSAT responses on one side");
        }
        match two_proportion_z_test(self.positive, self.n, other.positive, other.n) {
            Some(t) => Metric::Value(Comparison {
                difference: t.difference * 100.0,
                standard_error: t.standard_error * 100.0,
                ..t
            }),
            None => Metric::undefined("all or none of the responses are positive"),
        }
    }
}

impl CsatAccumulator {
    /// Writes the counts, for a report state's bytes.
    pub(crate) fn encode(&self, w: &mut crate::wire::Writer) {
        self.counts.encode(w);
    }

    /// Reads what [`encode`](Self::encode) wrote, with the options of `self` and the checks of
    /// a deserialized state.
    pub(crate) fn decode(&self, r: &mut crate::wire::Reader<'_>) -> Result<Self, Error> {
        let (counts, n) = super::Counts::decode(r)?;
        Self::try_from(CsatState {
            options: self.options,
            n,
            counts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seven_of_ten() {
        let r = Csat::default()
            .compute([5, 5, 4, 4, 4, 5, 4, 3, 2, 1])
            .unwrap();
        assert_eq!((r.positive, r.n), (7, 10));
        assert_eq!(r.score.value(), Some(70.0));
        assert_eq!(r.mean.value(), Some(3.7));
        // Wilson at z = Φ⁻¹(0.975) by mpmath (see stats::interval): 39.67781474611453 to
        // 89.22087325936989.
        let ci = r.ci95.value().unwrap();
        assert!((ci.lower - 39.677_814_746_114_53).abs() < 1e-9);
        assert!((ci.upper - 89.220_873_259_369_9).abs() < 1e-9);
        assert_eq!(r.ci, r.ci95);
        assert_eq!(r.positive_from, 4);
    }

    #[test]
    fn empty_is_undefined() {
        let r = CsatAccumulator::default().finish();
        assert_eq!(r.n, 0);
        assert_eq!(r.score.undefined_reason(), Some(NO_RESPONSES));
        assert_eq!(r.mean.undefined_reason(), Some(NO_RESPONSES));
        assert_eq!(r.ci95.undefined_reason(), Some(NO_RESPONSES));
        assert_eq!(r.distribution.len(), 5);
    }

    #[test]
    fn threshold_and_scale_resolve_before_comparing() {
        let a = Csat::new(CsatOptions::default().with_positive_from(4)).unwrap();
        assert_eq!(a, Csat::default());
        let mut acc = a.accumulator();
        acc.merge(CsatAccumulator::default()).unwrap();
    }
}
