//! Net Promoter Score.

use super::{Counts, ScoreDistribution, confidence_z, off_scale, percent};
use crate::error::Error;
use crate::kpi::{Accumulator, Kpi, Metric, incompatible};
use crate::model::{NPS_SCALE, NPS_SCALE_RULE, SurveyKind, SurveyResponse};
use crate::stats::interval::{Comparison, Interval, Z_95, z_test};
use serde::{Deserialize, Serialize};

const NO_RESPONSES: &str = "no NPS responses";

/// The options of [`Nps`]: which interval to report, at which level.
///
/// ```
/// use supportkpi::kpi::NpsOptions;
/// let opts = NpsOptions::default().with_adjusted_wald(true).with_confidence(0.9);
/// assert!(opts.adjusted_wald);
/// assert_eq!(opts.confidence, 0.9);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NpsOptions {
    /// Adjusted-Wald intervals (see [`with_adjusted_wald`](Self::with_adjusted_wald)) instead
    /// of plain Wald (the default).
    pub adjusted_wald: bool,
    /// The level of the interval (default 0.95).
    pub confidence: f64,
}

impl Default for NpsOptions {
    /// Wald intervals at 95%.
    fn default() -> Self {
        NpsOptions {
            adjusted_wald: false,
            confidence: 0.95,
        }
    }
}

impl NpsOptions {
    /// Whether a score is on the 0–10 scale: what the accumulator checks on `push`, for a
    /// caller that must check before it pushes anywhere (the report's cells).
    ///
    /// # Errors
    /// [`ErrorKind::ScoreOutOfScale`](crate::ErrorKind::ScoreOutOfScale) off the scale.
    pub(crate) fn check_score(&self, score: i32) -> Result<(), Error> {
        if (NPS_SCALE.0..=NPS_SCALE.1).contains(&score) {
            Ok(())
        } else {
            Err(off_scale(score, NPS_SCALE_RULE.into()))
        }
    }

    /// Report adjusted-Wald intervals (Rocks & Sauro): ¾ of a response is added to the promoters
    /// and to the detractors, and n becomes n + 3, before the interval is built around the
    /// adjusted score. Better coverage than plain Wald on small samples and at ±100.
    #[must_use]
    pub fn with_adjusted_wald(mut self, yes: bool) -> Self {
        self.adjusted_wald = yes;
        self
    }

    /// Deprecated alias of [`with_adjusted_wald`](Self::with_adjusted_wald).
    #[deprecated(since = "0.2.0", note = "use with_adjusted_wald")]
    #[must_use]
    pub fn adjusted_wald(self, yes: bool) -> Self {
        self.with_adjusted_wald(yes)
    }

    /// The level of [`NpsResult::ci`] (default 0.95); checked by [`Nps::new`].
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

    /// Deprecated: read the public `adjusted_wald` field.
    #[deprecated(since = "0.2.0", note = "use the `adjusted_wald` field")]
    pub fn get_adjusted_wald(&self) -> bool {
        self.adjusted_wald
    }

    /// Deprecated: read the public `confidence` field.
    #[deprecated(since = "0.2.0", note = "use the `confidence` field")]
    pub fn get_confidence(&self) -> f64 {
        self.confidence
    }
}

/// The Net Promoter Score KPI: 100 × (promoters − detractors) / responses, on the 0–10 scale
/// (promoters 9–10, passives 7–8, detractors 0–6).
///
/// ```
/// use supportkpi::kpi::{Kpi, Nps};
/// // Ratings 1 to 10: 2 promoters, 2 passives, 6 detractors.
/// let r = Nps::default().compute(1..=10)?;
/// assert_eq!(r.score.value(), Some(-40.0));
/// assert_eq!((r.promoters, r.passives, r.detractors, r.n), (2, 2, 6, 10));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Nps {
    options: NpsOptions,
}

impl Nps {
    /// The KPI with `options`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`](crate::ErrorKind::InvalidOption) (field `confidence`) unless 0 < confidence < 1.
    ///
    /// # Example
    /// ```
    /// use supportkpi::ErrorKind;
    /// use supportkpi::kpi::{Nps, NpsOptions};
    /// let nps = Nps::new(NpsOptions::default().with_adjusted_wald(true))?;
    /// assert!(nps.options().adjusted_wald);
    /// let err = Nps::new(NpsOptions::default().with_confidence(95.0)).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidOption);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn new(options: NpsOptions) -> Result<Nps, Error> {
        confidence_z(options.confidence)?;
        Ok(Nps { options })
    }

    /// An empty accumulator with these options (also [`Kpi::accumulator`], callable without
    /// the trait in scope).
    ///
    /// ```
    /// use supportkpi::kpi::{Accumulator, Nps};
    /// let mut acc = Nps::default().accumulator();
    /// acc.push(&10)?;
    /// assert_eq!(acc.finish().n, 1);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn accumulator(&self) -> NpsAccumulator {
        NpsAccumulator {
            options: self.options,
            counts: Counts::new(NPS_SCALE.0, NPS_SCALE.1),
        }
    }

    /// The options.
    pub fn options(&self) -> &NpsOptions {
        &self.options
    }
}

impl Kpi for Nps {
    type Accumulator = NpsAccumulator;

    fn accumulator(&self) -> NpsAccumulator {
        Nps::accumulator(self)
    }
}

/// The NPS push / merge / finish state: one count per score 0–10.
///
/// Serializes as `{"options": {...}, "n": …, "counts": [11 counts]}`; deserializing checks the
/// options, that there are 11 counts and that they add up to `n`.
///
/// ```
/// use supportkpi::kpi::{Accumulator, Kpi, Nps, NpsAccumulator};
/// let mut east = Nps::default().accumulator();
/// east.push(&10)?;
/// let mut west = NpsAccumulator::default();
/// west.push(&0)?;
/// east.merge(west)?;
/// assert_eq!(east.finish().score.value(), Some(0.0));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "NpsState", into = "NpsState")]
pub struct NpsAccumulator {
    options: NpsOptions,
    counts: Counts,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct NpsState {
    options: NpsOptions,
    n: u64,
    counts: Vec<u64>,
}

impl From<NpsAccumulator> for NpsState {
    fn from(acc: NpsAccumulator) -> Self {
        NpsState {
            options: acc.options,
            n: acc.counts.n(),
            counts: acc.counts.as_slice().to_vec(),
        }
    }
}

impl TryFrom<NpsState> for NpsAccumulator {
    type Error = Error;
    fn try_from(s: NpsState) -> Result<Self, Error> {
        let nps = Nps::new(s.options)?;
        Ok(NpsAccumulator {
            options: nps.options,
            counts: Counts::from_state(NPS_SCALE.0, NPS_SCALE.1, s.counts, s.n)?,
        })
    }
}

impl Default for NpsAccumulator {
    /// An empty accumulator with the default options.
    fn default() -> Self {
        Nps::default().accumulator()
    }
}

impl NpsAccumulator {
    /// Adds one survey response's score.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) (field `kind`) for a response that is not an NPS response,
    /// and the errors of [`push`](Accumulator::push); both name the response's id.
    ///
    /// # Example
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::SurveyResponse;
    /// use supportkpi::model::SurveyKind;
    /// use supportkpi::kpi::NpsAccumulator;
    /// let at = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let mut acc = NpsAccumulator::default();
    /// acc.push_response(&SurveyResponse::new("S-1", at, SurveyKind::Nps, 9)?)?;
    /// let csat = SurveyResponse::new("S-2", at, SurveyKind::Csat, 4)?;
    /// let err = acc.push_response(&csat).unwrap_err();
    /// assert_eq!(err.record().unwrap().id.as_deref(), Some("S-2"));
    /// assert_eq!(acc.n(), 1);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn push_response(&mut self, response: &SurveyResponse) -> Result<(), Error> {
        super::push_response(response, SurveyKind::Nps, |s| self.push(&s))
    }

    /// The number of responses so far.
    pub fn n(&self) -> u64 {
        self.counts.n()
    }

    /// The options the accumulator was built with.
    pub fn options(&self) -> &NpsOptions {
        &self.options
    }
}

impl Accumulator for NpsAccumulator {
    type Record = i32;
    type Output = NpsResult;

    /// Adds one score.
    ///
    /// # Errors
    /// [`ErrorKind::ScoreOutOfScale`](crate::ErrorKind::ScoreOutOfScale) (record type `score`, field `score`) outside 0–10.
    fn push(&mut self, score: &i32) -> Result<(), Error> {
        if self.counts.add(*score)? {
            Ok(())
        } else {
            self.options.check_score(*score)
        }
    }

    fn merge(&mut self, other: Self) -> Result<(), Error> {
        if self.options != other.options {
            return Err(incompatible("NPS"));
        }
        self.counts.merge(&other.counts)
    }

    fn finish(self) -> NpsResult {
        let c = &self.counts;
        let promoters = c.count_where(|s| s >= 9);
        let detractors = c.count_where(|s| s <= 6);
        let n = c.n();
        let passives = n - promoters - detractors;
        let distribution = c.distribution();
        let confidence = self.options.confidence;
        let adjusted_wald = self.options.adjusted_wald;
        if n == 0 {
            let u = || Metric::undefined(NO_RESPONSES);
            return NpsResult {
                score: u(),
                promoters,
                passives,
                detractors,
                n,
                promoter_share: u(),
                passive_share: u(),
                detractor_share: u(),
                standard_error: u(),
                ci95: Metric::undefined(NO_RESPONSES),
                ci: Metric::undefined(NO_RESPONSES),
                confidence,
                adjusted_wald,
                distribution,
            };
        }
        let (p, d) = (i128::from(promoters), i128::from(detractors));
        let share = |k: u64| Metric::Value(k as f64 / n as f64);
        // Options were validated when the KPI (or the deserialized state) was built.
        let z = confidence_z(confidence).unwrap_or(Z_95);
        let (ci95, ci) = if adjusted_wald {
            (
                adjusted_wald_interval(p, d, n, Z_95),
                adjusted_wald_interval(p, d, n, z),
            )
        } else {
            (wald_interval(p, d, n, Z_95), wald_interval(p, d, n, z))
        };
        NpsResult {
            score: Metric::Value(percent(p - d, n)),
            promoters,
            passives,
            detractors,
            n,
            promoter_share: share(promoters),
            passive_share: share(passives),
            detractor_share: share(detractors),
            standard_error: Metric::Value(nps_se(p, d, i128::from(n))),
            ci95: Metric::Value(ci95),
            ci: Metric::Value(ci),
            confidence,
            adjusted_wald,
            distribution,
        }
    }
}

/// 100·√((p + d − (p − d)²)/n) with p = P/n, d = D/n, i.e. 100·√(((P + D)·n − (P − D)²) / n³):
/// the numerator is an exact integer (and never negative), so no cancellation.
fn nps_se(p: i128, d: i128, n: i128) -> f64 {
    let num = (p + d) * n - (p - d) * (p - d);
    let n = n as f64;
    100.0 * (num as f64).sqrt() / (n * n.sqrt())
}

fn clamp_points(centre: f64, half: f64) -> Interval {
    // An NPS lies in −100..=100; a normal-theory bound beyond that carries no information.
    Interval {
        lower: (centre - half).clamp(-100.0, 100.0),
        upper: (centre + half).clamp(-100.0, 100.0),
    }
}

fn wald_interval(p: i128, d: i128, n: u64, z: f64) -> Interval {
    clamp_points(percent(p - d, n), z * nps_se(p, d, i128::from(n)))
}

/// The adjusted-Wald interval, in quarters so the arithmetic stays exact: P' = 4P + 3,
/// D' = 4D + 3, n' = 4(n + 3), and the SE of the adjusted score is that of P'/n', D'/n' over
/// n + 3 responses.
fn adjusted_wald_interval(p: i128, d: i128, n: u64, z: f64) -> Interval {
    let (p4, d4, n4) = (4 * p + 3, 4 * d + 3, 4 * (i128::from(n) + 3));
    let centre = ((p4 - d4) * 100) as f64 / n4 as f64;
    let var_num = (p4 + d4) * n4 - (p4 - d4) * (p4 - d4);
    let n_adj = (i128::from(n) + 3) as f64;
    let se = 100.0 * (var_num as f64).sqrt() / (n4 as f64 * n_adj.sqrt());
    clamp_points(centre, z * se)
}

/// An NPS with its counts, shares, standard error and intervals.
///
/// Shares are fractions in 0–1; `score`, `standard_error` and the intervals are in NPS points
/// (−100 to 100). With no responses every metric is undefined ("no NPS responses") and `n` is 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NpsResult {
    /// 100 × (promoters − detractors) / n, a single rounding of the exact ratio.
    pub score: Metric<f64>,
    /// Responses scoring 9 or 10.
    pub promoters: u64,
    /// Responses scoring 7 or 8.
    pub passives: u64,
    /// Responses scoring 0 to 6.
    pub detractors: u64,
    /// All responses.
    pub n: u64,
    /// promoters / n, in 0–1.
    pub promoter_share: Metric<f64>,
    /// passives / n, in 0–1.
    pub passive_share: Metric<f64>,
    /// detractors / n, in 0–1.
    pub detractor_share: Metric<f64>,
    /// 100·√((p + d − (p − d)²)/n), the standard error of the score, from the observed
    /// counts (never adjusted); it is the one [`compare`](NpsResult::compare) uses.
    pub standard_error: Metric<f64>,
    /// The 95% interval of the score (z = 1.959963984540054…): Wald (score ± z·SE) or
    /// adjusted-Wald per [`NpsOptions::adjusted_wald`]; clamped to −100..=100.
    pub ci95: Metric<Interval>,
    /// The same interval at [`confidence`](NpsResult::confidence); equal to `ci95` at the
    /// default 0.95.
    pub ci: Metric<Interval>,
    /// The level of `ci`.
    pub confidence: f64,
    /// Whether the intervals are adjusted-Wald.
    pub adjusted_wald: bool,
    /// Responses per score 0–10.
    pub distribution: ScoreDistribution,
}

impl NpsResult {
    /// The two-sample z-test of `self.score − other.score`, with standard error
    /// √(SE₁² + SE₂²) from the two `standard_error`s.
    ///
    /// Undefined when either side has no responses or both standard errors are 0.
    ///
    /// ```
    /// use supportkpi::kpi::{Kpi, Nps};
    /// let a = Nps::default().compute([10, 10, 9, 8, 3])?;
    /// let b = Nps::default().compute([10, 6, 5, 8, 3])?;
    /// let t = a.compare(&b).value().unwrap();
    /// assert_eq!(t.difference, 80.0); // +40 vs −40
    /// assert!((t.z - 2.5_f64.sqrt()).abs() < 1e-12); // SEs of 35.78 each
    /// assert!(t.p_value > 0.05);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn compare(&self, other: &NpsResult) -> Metric<Comparison> {
        let (Some(a), Some(b), Some(se_a), Some(se_b)) = (
            self.score.value(),
            other.score.value(),
            self.standard_error.value(),
            other.standard_error.value(),
        ) else {
            return Metric::undefined("no NPS responses on one side");
        };
        match z_test(a - b, se_a.hypot(se_b)) {
            Some(t) => Metric::Value(t),
            None => Metric::undefined("both NPS standard errors are 0"),
        }
    }
}

impl NpsAccumulator {
    /// Writes the counts, for a report state's bytes.
    pub(crate) fn encode(&self, w: &mut crate::wire::Writer) {
        self.counts.encode(w);
    }

    /// Reads what [`encode`](Self::encode) wrote, with the options of `self` and the checks of
    /// a deserialized state.
    pub(crate) fn decode(&self, r: &mut crate::wire::Reader<'_>) -> Result<Self, Error> {
        let (counts, n) = super::Counts::decode(r)?;
        Self::try_from(NpsState {
            options: self.options,
            n,
            counts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn thirty_promoters_twenty_detractors_is_ten() {
        let mut scores = vec![10; 30];
        scores.extend([7; 50]);
        scores.extend([0; 20]);
        let r = Nps::default().compute(&scores).unwrap();
        assert_eq!(r.score.value(), Some(10.0));
        assert_eq!(
            (r.promoters, r.passives, r.detractors, r.n),
            (30, 50, 20, 100)
        );
        assert_eq!(r.promoter_share.value(), Some(0.3));
        assert_eq!(r.passive_share.value(), Some(0.5));
        assert_eq!(r.detractor_share.value(), Some(0.2));
        // SE = 100·√((0.3 + 0.2 − 0.1²)/100) = 100·√0.0049 = 7.
        assert!(close(r.standard_error.value().unwrap(), 7.0, 1e-12));
        // 95%: 10 ± 1.959963984540054·7 = 10 ± 13.719747891780380 (mpmath).
        let ci = r.ci95.value().unwrap();
        assert!(close(ci.lower, -3.719_747_891_780_379_6, 1e-12), "{ci:?}");
        assert!(close(ci.upper, 23.719_747_891_780_38, 1e-12), "{ci:?}");
        assert_eq!(r.ci, r.ci95);
    }

    #[test]
    fn ratings_one_to_ten_is_minus_forty() {
        let r = Nps::default().compute(1..=10).unwrap();
        assert_eq!(r.score.value(), Some(-40.0));
    }

    #[test]
    fn empty_is_undefined() {
        let r = NpsAccumulator::default().finish();
        assert_eq!(r.n, 0);
        for m in [
            &r.score,
            &r.promoter_share,
            &r.passive_share,
            &r.detractor_share,
            &r.standard_error,
        ] {
            assert_eq!(m.undefined_reason(), Some(NO_RESPONSES));
        }
        assert_eq!(r.ci95.undefined_reason(), Some(NO_RESPONSES));
        assert_eq!(r.ci.undefined_reason(), Some(NO_RESPONSES));
        assert_eq!(r.distribution.len(), 11);
    }

    #[test]
    fn wald_is_clamped_and_degenerate_at_the_extremes() {
        let r = Nps::default().compute([10, 10, 10]).unwrap();
        assert_eq!(r.standard_error.value(), Some(0.0));
        assert_eq!(
            r.ci95.value(),
            Some(Interval {
                lower: 100.0,
                upper: 100.0
            })
        );
        let r = Nps::default().compute([10, 10, 10, 10, 0]).unwrap();
        assert_eq!(r.ci95.value().unwrap().upper, 100.0);
    }
}
