//! Customer effort score (CES).

use super::{Counts, ScoreDistribution, check_scale, off_scale};
use crate::error::{Error, ErrorKind};
use crate::kpi::{Accumulator, Kpi, Metric, incompatible};
use crate::model::{SurveyKind, SurveyResponse};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

const NO_RESPONSES: &str = "no CES responses";

/// Which end of a CES scale is the good one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CesDirection {
    /// Low scores are good ("how much effort": 1 = very low effort).
    LowerIsBetter,
    /// High scores are good ("the company made it easy": 7 = strongly agree).
    HigherIsBetter,
}

/// A CES scale of your own: its range, its better direction and where "easy" starts.
///
/// "Easy" is `min..=easy_threshold` when lower is better and `easy_threshold..=max` when higher
/// is better.
///
/// ```
/// use supportkpi::kpi::{CesDirection, CustomCesScale};
/// // A 0–10 ease question where 8–10 counts as easy.
/// let s = CustomCesScale::new(0, 10, CesDirection::HigherIsBetter, 8)?;
/// assert!(s.is_easy(8) && !s.is_easy(7));
/// assert!(CustomCesScale::new(1, 5, CesDirection::LowerIsBetter, 6).is_err());
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "CustomCesScaleRepr")]
pub struct CustomCesScale {
    min: i32,
    max: i32,
    better: CesDirection,
    easy_threshold: i32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomCesScaleRepr {
    min: i32,
    max: i32,
    better: CesDirection,
    easy_threshold: i32,
}

impl TryFrom<CustomCesScaleRepr> for CustomCesScale {
    type Error = Error;
    fn try_from(r: CustomCesScaleRepr) -> Result<Self, Error> {
        CustomCesScale::new(r.min, r.max, r.better, r.easy_threshold)
    }
}

impl CustomCesScale {
    /// The scale `min..=max`, better toward `better`, easy from `easy_threshold` on.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`]: field `scale` unless the range has 2 to
    /// [`MAX_SCALE_POINTS`](super::MAX_SCALE_POINTS) points, field `easy_threshold` unless the
    /// threshold is on the scale.
    ///
    /// # Example
    /// ```
    /// use supportkpi::kpi::{CesDirection, CustomCesScale};
    /// let s = CustomCesScale::new(1, 3, CesDirection::LowerIsBetter, 1)?;
    /// assert_eq!(s.easy_threshold(), 1);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn new(
        min: i32,
        max: i32,
        better: CesDirection,
        easy_threshold: i32,
    ) -> Result<CustomCesScale, Error> {
        check_scale(min, max, "scale")?;
        if !(min..=max).contains(&easy_threshold) {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                format!("easy_threshold must be on the {min}-{max} scale"),
            )
            .with_field("easy_threshold")
            .with_value(easy_threshold));
        }
        Ok(CustomCesScale {
            min,
            max,
            better,
            easy_threshold,
        })
    }

    /// The lowest score.
    pub fn min(&self) -> i32 {
        self.min
    }

    /// The highest score.
    pub fn max(&self) -> i32 {
        self.max
    }

    /// Which end is good.
    pub fn better(&self) -> CesDirection {
        self.better
    }

    /// The last easy score (lower is better) or the first (higher is better).
    pub fn easy_threshold(&self) -> i32 {
        self.easy_threshold
    }

    /// True when `score` counts as easy.
    pub fn is_easy(&self, score: i32) -> bool {
        match self.better {
            CesDirection::LowerIsBetter => score <= self.easy_threshold,
            CesDirection::HigherIsBetter => score >= self.easy_threshold,
        }
    }
}

/// A CES answer scale: one of the two the field uses, or a custom one.
///
/// Parses from (and displays as) its name: `"effort_1_to_5"`, `"ease_1_to_7"`; serializes as
/// that name, or as `{"custom": {...}}`.
///
/// ```
/// use supportkpi::kpi::{CesDirection, CesScale};
/// let s: CesScale = "ease_1_to_7".parse()?;
/// assert_eq!(s, CesScale::EaseOneToSeven);
/// assert_eq!((s.min(), s.max(), s.easy_threshold()), (1, 7, 5));
/// assert_eq!(s.better(), CesDirection::HigherIsBetter);
/// assert_eq!(CesScale::default().to_string(), "effort_1_to_5");
/// assert!("ces_1_to_5".parse::<CesScale>().is_err());
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum CesScale {
    /// "How much effort did you personally have to put forth?": 1 = very low effort … 5 = very
    /// high effort; lower is better; easy = 1–2. The classic CES, and the default.
    #[default]
    #[serde(rename = "effort_1_to_5")]
    EffortOneToFive,
    /// CES 2.0, "The company made it easy for me to handle my issue": 1 = strongly disagree …
    /// 7 = strongly agree; higher is better; easy = 5–7.
    #[serde(rename = "ease_1_to_7")]
    EaseOneToSeven,
    /// A scale of your own.
    #[serde(rename = "custom")]
    Custom(CustomCesScale),
}

impl CesScale {
    const EFFORT: CustomCesScale = CustomCesScale {
        min: 1,
        max: 5,
        better: CesDirection::LowerIsBetter,
        easy_threshold: 2,
    };
    const EASE: CustomCesScale = CustomCesScale {
        min: 1,
        max: 7,
        better: CesDirection::HigherIsBetter,
        easy_threshold: 5,
    };

    fn spec(&self) -> CustomCesScale {
        match self {
            CesScale::EffortOneToFive => CesScale::EFFORT,
            CesScale::EaseOneToSeven => CesScale::EASE,
            CesScale::Custom(c) => *c,
        }
    }

    /// The name: `"effort_1_to_5"`, `"ease_1_to_7"` or `"custom"`.
    pub fn name(&self) -> &'static str {
        match self {
            CesScale::EffortOneToFive => "effort_1_to_5",
            CesScale::EaseOneToSeven => "ease_1_to_7",
            CesScale::Custom(_) => "custom",
        }
    }

    /// The lowest score.
    pub fn min(&self) -> i32 {
        self.spec().min
    }

    /// The highest score.
    pub fn max(&self) -> i32 {
        self.spec().max
    }

    /// Which end is good.
    pub fn better(&self) -> CesDirection {
        self.spec().better
    }

    /// The last easy score (lower is better) or the first (higher is better).
    pub fn easy_threshold(&self) -> i32 {
        self.spec().easy_threshold
    }

    /// True when `score` counts as easy.
    pub fn is_easy(&self, score: i32) -> bool {
        self.spec().is_easy(score)
    }
}

impl fmt::Display for CesScale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CesScale::Custom(c) => write!(f, "custom_{}_to_{}", c.min, c.max),
            named => f.write_str(named.name()),
        }
    }
}

impl FromStr for CesScale {
    type Err = Error;

    /// Parses `"effort_1_to_5"` or `"ease_1_to_7"`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] (field `scale`) for any other text; custom scales are
    /// built with [`CustomCesScale::new`].
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "effort_1_to_5" => Ok(CesScale::EffortOneToFive),
            "ease_1_to_7" => Ok(CesScale::EaseOneToSeven),
            _ => Err(Error::new(
                ErrorKind::InvalidOption,
                "a CES scale is \"effort_1_to_5\" or \"ease_1_to_7\"",
            )
            .with_field("scale")
            .with_value(s)),
        }
    }
}

/// The options of [`Ces`]: the scale.
///
/// ```
/// use supportkpi::kpi::{CesOptions, CesScale};
/// let opts = CesOptions::default().with_scale(CesScale::EaseOneToSeven);
/// assert_eq!(opts.scale, CesScale::EaseOneToSeven);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CesOptions {
    /// The scale scores are on.
    pub scale: CesScale,
}

impl CesOptions {
    /// Whether a score is on the scale: what the accumulator checks on `push`, for a reader
    /// to check at read time.
    ///
    /// # Errors
    /// [`ErrorKind::ScoreOutOfScale`](crate::ErrorKind::ScoreOutOfScale) off the scale, the
    /// rule naming the scale.
    pub fn check_score(&self, score: i32) -> Result<(), Error> {
        let s = self.scale;
        if (s.min()..=s.max()).contains(&score) {
            Ok(())
        } else {
            Err(off_scale(
                score,
                format!("a CES score on {s} is on the {}-{} scale", s.min(), s.max()),
            ))
        }
    }

    /// The answer scale (default `effort_1_to_5`).
    #[must_use]
    pub fn with_scale(mut self, scale: CesScale) -> Self {
        self.scale = scale;
        self
    }

    /// Deprecated alias of [`with_scale`](Self::with_scale).
    #[deprecated(since = "0.2.0", note = "use with_scale")]
    #[must_use]
    pub fn scale(self, scale: CesScale) -> Self {
        self.with_scale(scale)
    }

    /// Deprecated: read the public `scale` field.
    #[deprecated(since = "0.2.0", note = "use the `scale` field")]
    pub fn get_scale(&self) -> CesScale {
        self.scale
    }
}

/// The customer effort score KPI: mean score, share "easy" and distribution.
///
/// ```
/// use supportkpi::kpi::{Ces, CesOptions, CesScale, Kpi};
/// let r = Ces::default().compute([1, 2, 2, 4])?;
/// assert_eq!(r.mean.value(), Some(2.25));
/// assert_eq!(r.easy_share.value(), Some(0.75));
/// let ease = Ces::new(CesOptions::default().with_scale(CesScale::EaseOneToSeven))?;
/// assert_eq!(ease.compute([7, 5, 4, 1])?.easy_share.value(), Some(0.5));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ces {
    options: CesOptions,
}

impl Ces {
    /// The KPI with `options`.
    ///
    /// # Errors
    /// None today: a [`CesScale`] is valid once built. The `Result` keeps every KPI's `new`
    /// alike, so options added later can be checked here.
    ///
    /// # Example
    /// ```
    /// use supportkpi::kpi::{Ces, CesOptions, CesScale};
    /// let ces = Ces::new(CesOptions::default().with_scale("ease_1_to_7".parse()?))?;
    /// assert_eq!(ces.options().scale, CesScale::EaseOneToSeven);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn new(options: CesOptions) -> Result<Ces, Error> {
        Ok(Ces { options })
    }

    /// An empty accumulator with these options (also [`Kpi::accumulator`], callable without
    /// the trait in scope).
    ///
    /// ```
    /// use supportkpi::kpi::{Accumulator, Ces};
    /// let mut acc = Ces::default().accumulator();
    /// acc.push(&1)?;
    /// assert_eq!(acc.finish().n, 1);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn accumulator(&self) -> CesAccumulator {
        let s = self.options.scale;
        CesAccumulator {
            options: self.options,
            counts: Counts::new(s.min(), s.max()),
        }
    }

    /// The options.
    pub fn options(&self) -> &CesOptions {
        &self.options
    }
}

impl Kpi for Ces {
    type Accumulator = CesAccumulator;

    fn accumulator(&self) -> CesAccumulator {
        Ces::accumulator(self)
    }
}

/// The CES push / merge / finish state: one count per point of the scale.
///
/// Serializes as `{"options": {"scale": …}, "n": …, "counts": [...]}`; deserializing checks the
/// scale, that there is one count per point and that they add up to `n`.
///
/// ```
/// use supportkpi::kpi::{Accumulator, CesAccumulator};
/// let mut acc = CesAccumulator::default();
/// acc.push(&1)?;
/// let json = serde_json::to_string(&acc).unwrap();
/// assert_eq!(json, r#"{"options":{"scale":"effort_1_to_5"},"n":1,"counts":[1,0,0,0,0]}"#);
/// let back: CesAccumulator = serde_json::from_str(&json).unwrap();
/// assert_eq!(back, acc);
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CesState", into = "CesState")]
pub struct CesAccumulator {
    options: CesOptions,
    counts: Counts,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CesState {
    options: CesOptions,
    n: u64,
    counts: Vec<u64>,
}

impl From<CesAccumulator> for CesState {
    fn from(acc: CesAccumulator) -> Self {
        CesState {
            options: acc.options,
            n: acc.counts.n(),
            counts: acc.counts.as_slice().to_vec(),
        }
    }
}

impl TryFrom<CesState> for CesAccumulator {
    type Error = Error;
    fn try_from(s: CesState) -> Result<Self, Error> {
        let ces = Ces::new(s.options)?;
        let scale = ces.options.scale;
        Ok(CesAccumulator {
            options: ces.options,
            counts: Counts::from_state(scale.min(), scale.max(), s.counts, s.n)?,
        })
    }
}

impl Default for CesAccumulator {
    /// An empty accumulator on `effort_1_to_5`.
    fn default() -> Self {
        Ces::default().accumulator()
    }
}

impl CesAccumulator {
    /// Adds one survey response's score.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] (field `kind`) for a response that is not a CES response,
    /// and the errors of [`push`](Accumulator::push); both name the response's id.
    ///
    /// # Example
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::{ErrorKind, SurveyResponse};
    /// use supportkpi::model::SurveyKind;
    /// use supportkpi::kpi::CesAccumulator;
    /// let at = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let mut acc = CesAccumulator::default();
    /// acc.push_response(&SurveyResponse::new("S-1", at, SurveyKind::Ces, 2)?)?;
    /// let nps = SurveyResponse::new("S-2", at, SurveyKind::Nps, 2)?;
    /// assert_eq!(acc.push_response(&nps).unwrap_err().kind(), ErrorKind::InvalidValue);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn push_response(&mut self, response: &SurveyResponse) -> Result<(), Error> {
        super::push_response(response, SurveyKind::Ces, |s| self.push(&s))
    }

    /// The number of responses so far.
    pub fn n(&self) -> u64 {
        self.counts.n()
    }

    /// The options the accumulator was built with.
    pub fn options(&self) -> &CesOptions {
        &self.options
    }
}

impl Accumulator for CesAccumulator {
    type Record = i32;
    type Output = CesResult;

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
            return Err(incompatible("CES"));
        }
        self.counts.merge(&other.counts)
    }

    fn finish(self) -> CesResult {
        let scale = self.options.scale;
        let c = &self.counts;
        let n = c.n();
        let easy = c.count_where(|s| scale.is_easy(s));
        let undefined = || Metric::undefined(NO_RESPONSES);
        CesResult {
            mean: c.mean().map_or_else(undefined, Metric::Value),
            easy_share: if n == 0 {
                undefined()
            } else {
                Metric::Value(easy as f64 / n as f64)
            },
            easy,
            n,
            distribution: c.distribution(),
            scale,
        }
    }
}

/// A CES: mean, share easy, distribution, and the scale they are on.
///
/// `mean` is on the scale (read it with [`CesScale::better`]: lower is better on
/// `effort_1_to_5`); `easy_share` is a fraction in 0–1. With no responses both are undefined
/// ("no CES responses") and `n` is 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CesResult {
    /// The mean score.
    pub mean: Metric<f64>,
    /// easy / n, in 0–1.
    pub easy_share: Metric<f64>,
    /// Responses in the scale's easy range.
    pub easy: u64,
    /// All responses.
    pub n: u64,
    /// Responses per point of the scale.
    pub distribution: ScoreDistribution,
    /// The scale.
    pub scale: CesScale,
}

impl CesAccumulator {
    /// Writes the counts, for a report state's bytes.
    pub(crate) fn encode(&self, w: &mut crate::wire::Writer) {
        self.counts.encode(w);
    }

    /// Reads what [`encode`](Self::encode) wrote, with the options of `self` and the checks of
    /// a deserialized state.
    pub(crate) fn decode(&self, r: &mut crate::wire::Reader<'_>) -> Result<Self, Error> {
        let (counts, n) = super::Counts::decode(r)?;
        Self::try_from(CesState {
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
    fn named_scales() {
        let r = Ces::default().compute([1, 1, 2, 3, 5]).unwrap();
        assert_eq!(r.mean.value(), Some(2.4));
        assert_eq!((r.easy, r.n), (3, 5));
        assert_eq!(r.easy_share.value(), Some(0.6));
        let ease = Ces::new(CesOptions::default().with_scale(CesScale::EaseOneToSeven)).unwrap();
        let r = ease.compute([7, 6, 5, 4, 3, 2, 1, 7]).unwrap();
        assert_eq!(r.mean.value(), Some(4.375));
        assert_eq!(r.easy_share.value(), Some(0.5));
        assert_eq!(r.distribution.count(7), Some(2));
    }

    #[test]
    fn empty_is_undefined() {
        let r = CesAccumulator::default().finish();
        assert_eq!(r.mean.undefined_reason(), Some(NO_RESPONSES));
        assert_eq!(r.easy_share.undefined_reason(), Some(NO_RESPONSES));
        assert_eq!(r.n, 0);
    }

    #[test]
    fn off_scale_names_the_scale() {
        let mut acc = CesAccumulator::default();
        let e = acc.push(&6).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ScoreOutOfScale);
        assert!(e.to_string().contains("effort_1_to_5"), "{e}");
        assert!(e.to_string().contains("1-5"), "{e}");
    }
}
