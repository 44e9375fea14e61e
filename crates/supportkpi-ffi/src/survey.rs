//! NPS, CSAT and CES over C arrays of scores, with results as plain structs.

use crate::arg;
use crate::error::{FfiError, guard};
use crate::result::supportkpi_result;
use supportkpi::kpi::{
    Accumulator, Ces, CesDirection, CesOptions, CesScale, Csat, CsatOptions, CsatScale, Kpi,
    Metric, Nps, NpsOptions,
};
use supportkpi::stats::interval::Interval;

/// A number that may be undefined (no responses, a zero denominator).
///
/// Read `value` only when `defined` is true. When it is false the library stores NaN in
/// `value`, so that a caller who forgets the check computes NaN rather than a plausible 0; the
/// meaning is carried by `defined`, never by the value.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct supportkpi_metric {
    /// True when `value` holds a value.
    pub defined: bool,
    /// The value; NaN when `defined` is false.
    pub value: f64,
}

impl From<&Metric<f64>> for supportkpi_metric {
    fn from(m: &Metric<f64>) -> Self {
        match m.value() {
            Some(value) => supportkpi_metric {
                defined: true,
                value,
            },
            None => supportkpi_metric {
                defined: false,
                value: f64::NAN,
            },
        }
    }
}

/// An interval that may be undefined, with the conventions of `supportkpi_metric`: read
/// `lower` and `upper` only when `defined` is true (they are NaN otherwise).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct supportkpi_interval {
    /// True when `lower` and `upper` hold values.
    pub defined: bool,
    /// The lower bound; NaN when `defined` is false.
    pub lower: f64,
    /// The upper bound; NaN when `defined` is false.
    pub upper: f64,
}

impl From<&Metric<Interval>> for supportkpi_interval {
    fn from(m: &Metric<Interval>) -> Self {
        match m.as_value() {
            Some(i) => supportkpi_interval {
                defined: true,
                lower: i.lower,
                upper: i.upper,
            },
            None => supportkpi_interval {
                defined: false,
                lower: f64::NAN,
                upper: f64::NAN,
            },
        }
    }
}

/// Pushes every score, naming the first bad one by its index, and finishes.
fn compute<K>(kpi: &K, scores: &[i32]) -> Result<<K::Accumulator as Accumulator>::Output, FfiError>
where
    K: Kpi,
    K::Accumulator: Accumulator<Record = i32>,
{
    let mut acc = kpi.accumulator();
    for (i, score) in scores.iter().enumerate() {
        acc.push(score)
            .map_err(|e| FfiError::at(format_args!("scores[{i}]"), e))?;
    }
    Ok(acc.finish())
}

/// Reads an optional options struct: NULL means the defaults.
///
/// # Safety
/// A non-NULL `ptr` must point to an initialized, aligned `T`.
unsafe fn options_or<T: Copy>(ptr: *const T, default: T) -> T {
    if ptr.is_null() {
        default
    } else {
        // SAFETY: non-NULL, and valid per the caller's contract.
        unsafe { ptr.read() }
    }
}

// ---------------------------------------------------------------------------------------------
// NPS

/// The options of `supportkpi_nps`. Start from `supportkpi_nps_options_default()` and change
/// fields, so that fields added in later versions get their defaults.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct supportkpi_nps_options {
    /// The level of `ci`, strictly between 0 and 1 (default 0.95).
    pub confidence: f64,
    /// Report adjusted-Wald intervals (¾ of a response added to promoters and detractors, n + 3)
    /// instead of plain Wald (default false).
    pub adjusted_wald: bool,
}

/// An NPS: 100 × (promoters − detractors) / n on the 0–10 scale (promoters 9–10, passives 7–8,
/// detractors 0–6).
///
/// `score`, `standard_error` and the intervals are in NPS points (−100 to 100); the shares are
/// fractions in 0–1. With no responses (`n == 0`) every metric is undefined.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct supportkpi_nps_result {
    /// 100 × (promoters − detractors) / n, exact (no rounding inside).
    pub score: supportkpi_metric,
    /// Responses scoring 9 or 10.
    pub promoters: u64,
    /// Responses scoring 7 or 8.
    pub passives: u64,
    /// Responses scoring 0 to 6.
    pub detractors: u64,
    /// All responses.
    pub n: u64,
    /// promoters / n.
    pub promoter_share: supportkpi_metric,
    /// passives / n.
    pub passive_share: supportkpi_metric,
    /// detractors / n.
    pub detractor_share: supportkpi_metric,
    /// 100·√((p + d − (p − d)²)/n), from the observed shares.
    pub standard_error: supportkpi_metric,
    /// The 95% interval of the score (Wald or adjusted-Wald per the options), clamped to
    /// −100..100.
    pub ci95: supportkpi_interval,
    /// The same interval at `confidence`.
    pub ci: supportkpi_interval,
    /// The level of `ci`.
    pub confidence: f64,
    /// Whether the intervals are adjusted-Wald.
    pub adjusted_wald: bool,
    /// Responses per score: `distribution[s]` is the count of score `s`, 0 to 10.
    pub distribution: [u64; 11],
}

/// The default NPS options: Wald intervals, `ci` at 95%.
///
/// Ownership: returns a plain value; nothing to free.
#[unsafe(no_mangle)]
pub extern "C" fn supportkpi_nps_options_default() -> supportkpi_nps_options {
    // A struct of two constants: nothing here can unwind.
    let d = NpsOptions::default();
    supportkpi_nps_options {
        confidence: d.confidence,
        adjusted_wald: d.adjusted_wald,
    }
}

/// Computes the NPS of `len` scores on the 0–10 scale.
///
/// `options` may be NULL for the defaults. `scores` may be NULL when `len` is 0; no scores is
/// not an error: `*out` then has `n == 0` and every metric undefined.
///
/// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`out` NULL, or `scores` NULL with
/// `len > 0`); `..._INVALID_ARGUMENT` (`len` too large for an array);
/// `..._SCORE_OUT_OF_SCALE` (a score outside 0–10, named by its index in the message);
/// `..._INVALID_OPTION` (a confidence level not strictly between 0 and 1). `*out` is written
/// only on success.
///
/// Ownership: borrows `scores` and `options` for the call; the caller owns `*out`, a plain
/// value with nothing to free.
///
/// # Safety
///
/// `scores` must point to `len` readable `int32_t` (or be NULL with `len == 0`), `options` to
/// a `supportkpi_nps_options` or be NULL, `out` to writable memory for one
/// `supportkpi_nps_result`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_nps(
    scores: *const i32,
    len: usize,
    options: *const supportkpi_nps_options,
    out: *mut supportkpi_nps_result,
) -> supportkpi_result {
    guard(|| {
        arg::out(out, "out")?;
        // SAFETY: per this function's contract.
        let scores = unsafe { arg::slice(scores, len, "scores") }?;
        // SAFETY: per this function's contract.
        let o = unsafe { options_or(options, supportkpi_nps_options_default()) };
        let nps = Nps::new(
            NpsOptions::default()
                .with_confidence(o.confidence)
                .with_adjusted_wald(o.adjusted_wald),
        )
        .map_err(|e| FfiError::at("options", e))?;
        let r = compute(&nps, scores)?;
        let mut distribution = [0u64; 11];
        for (score, count) in r.distribution.iter() {
            // The NPS scale is 0..=10, so every score indexes the array.
            if let Some(slot) = usize::try_from(score)
                .ok()
                .and_then(|i| distribution.get_mut(i))
            {
                *slot = count;
            }
        }
        let result = supportkpi_nps_result {
            score: (&r.score).into(),
            promoters: r.promoters,
            passives: r.passives,
            detractors: r.detractors,
            n: r.n,
            promoter_share: (&r.promoter_share).into(),
            passive_share: (&r.passive_share).into(),
            detractor_share: (&r.detractor_share).into(),
            standard_error: (&r.standard_error).into(),
            ci95: (&r.ci95).into(),
            ci: (&r.ci).into(),
            confidence: r.confidence,
            adjusted_wald: r.adjusted_wald,
            distribution,
        };
        // SAFETY: checked non-NULL above; writable per the contract.
        unsafe { arg::write(out, result) };
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// CSAT

/// The options of `supportkpi_csat`. Start from `supportkpi_csat_options_default()` and change
/// fields, so that fields added in later versions get their defaults.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct supportkpi_csat_options {
    /// The lowest score of the answer scale (default 1).
    pub scale_min: i32,
    /// The highest score of the answer scale (default 5); the scale has 2 to 101 points.
    /// Good/bad surveys are the scale 0–1 with 1 = good.
    pub scale_max: i32,
    /// When true, `positive_from` is the lowest positive score; when false (the default) the
    /// scale's own default applies: top-2-box (`scale_max - 1`) on scales of 5 points or more,
    /// top box (`scale_max`) on shorter ones.
    pub has_positive_from: bool,
    /// The lowest score counted as positive, read only when `has_positive_from` is true; it
    /// must lie on the scale.
    pub positive_from: i32,
    /// The level of `ci`, strictly between 0 and 1 (default 0.95).
    pub confidence: f64,
}

/// A CSAT: 100 × positive / n, with the mean score and Wilson intervals of the positive share.
///
/// `score` and the intervals are in percent (0–100); `mean` is on the answer scale. With no
/// responses (`n == 0`) every metric is undefined.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct supportkpi_csat_result {
    /// 100 × positive / n.
    pub score: supportkpi_metric,
    /// Responses scoring `positive_from` or more.
    pub positive: u64,
    /// All responses.
    pub n: u64,
    /// The mean score, on the answer scale.
    pub mean: supportkpi_metric,
    /// The Wilson 95% interval of the positive share, in percent.
    pub ci95: supportkpi_interval,
    /// The Wilson interval at `confidence`, in percent.
    pub ci: supportkpi_interval,
    /// The level of `ci`.
    pub confidence: f64,
    /// The lowest score of the scale.
    pub scale_min: i32,
    /// The highest score of the scale.
    pub scale_max: i32,
    /// The lowest positive score actually used (the scale's default when none was given).
    pub positive_from: i32,
}

/// The default CSAT options: scale 1–5, positive = 4 or 5, `ci` at 95%.
///
/// Ownership: returns a plain value; nothing to free.
#[unsafe(no_mangle)]
pub extern "C" fn supportkpi_csat_options_default() -> supportkpi_csat_options {
    // A struct of constants: nothing here can unwind.
    let d = CsatOptions::default();
    let scale = d.scale;
    supportkpi_csat_options {
        scale_min: scale.min(),
        scale_max: scale.max(),
        has_positive_from: false,
        positive_from: 0,
        confidence: d.confidence,
    }
}

/// Computes the CSAT of `len` scores.
///
/// `options` may be NULL for the defaults (scale 1–5, positive = 4 or 5). `scores` may be
/// NULL when `len` is 0; no scores is not an error: `*out` then has `n == 0` and every metric
/// undefined.
///
/// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`out` NULL, or `scores` NULL with
/// `len > 0`); `..._INVALID_ARGUMENT` (`len` too large for an array);
/// `..._SCORE_OUT_OF_SCALE` (a score off the scale, named by its index in the message);
/// `..._INVALID_OPTION` (a scale of fewer than 2 or more than 101 points, `positive_from` off
/// the scale, a confidence level not strictly between 0 and 1). `*out` is written only on
/// success.
///
/// Ownership: borrows `scores` and `options` for the call; the caller owns `*out`, a plain
/// value with nothing to free.
///
/// # Safety
///
/// `scores` must point to `len` readable `int32_t` (or be NULL with `len == 0`), `options` to
/// a `supportkpi_csat_options` or be NULL, `out` to writable memory for one
/// `supportkpi_csat_result`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_csat(
    scores: *const i32,
    len: usize,
    options: *const supportkpi_csat_options,
    out: *mut supportkpi_csat_result,
) -> supportkpi_result {
    guard(|| {
        arg::out(out, "out")?;
        // SAFETY: per this function's contract.
        let scores = unsafe { arg::slice(scores, len, "scores") }?;
        // SAFETY: per this function's contract.
        let o = unsafe { options_or(options, supportkpi_csat_options_default()) };
        let scale =
            CsatScale::new(o.scale_min, o.scale_max).map_err(|e| FfiError::at("options", e))?;
        let mut opts = CsatOptions::default()
            .with_scale(scale)
            .with_confidence(o.confidence);
        if o.has_positive_from {
            opts = opts.with_positive_from(o.positive_from);
        }
        let csat = Csat::new(opts).map_err(|e| FfiError::at("options", e))?;
        let r = compute(&csat, scores)?;
        let result = supportkpi_csat_result {
            score: (&r.score).into(),
            positive: r.positive,
            n: r.n,
            mean: (&r.mean).into(),
            ci95: (&r.ci95).into(),
            ci: (&r.ci).into(),
            confidence: r.confidence,
            scale_min: r.scale.min(),
            scale_max: r.scale.max(),
            positive_from: r.positive_from,
        };
        // SAFETY: checked non-NULL above; writable per the contract.
        unsafe { arg::write(out, result) };
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// CES

/// The named CES scales, passed to `supportkpi_ces` as a `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum supportkpi_ces_scale {
    /// "How much effort did you personally have to put forth?": 1 = very low effort … 5 = very
    /// high effort; lower is better; easy = 1–2. The classic CES, and the default.
    Effort_1_To_5 = 0,
    /// CES 2.0, "The company made it easy for me to handle my issue": 1 = strongly disagree …
    /// 7 = strongly agree; higher is better; easy = 5–7.
    Ease_1_To_7 = 1,
}

/// A CES: mean score, share "easy", on the scale it was computed on.
///
/// `mean` is on the answer scale (read it with `lower_is_better`); `easy_share` is a fraction
/// in 0–1. With no responses (`n == 0`) both are undefined.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct supportkpi_ces_result {
    /// The mean score.
    pub mean: supportkpi_metric,
    /// easy / n, in 0–1.
    pub easy_share: supportkpi_metric,
    /// Responses in the scale's easy range.
    pub easy: u64,
    /// All responses.
    pub n: u64,
    /// The scale, a `supportkpi_ces_scale` value.
    pub scale: u32,
    /// The lowest score of the scale.
    pub scale_min: i32,
    /// The highest score of the scale.
    pub scale_max: i32,
    /// The last easy score when lower is better, the first when higher is better.
    pub easy_threshold: i32,
    /// True when low scores are good (`effort_1_to_5`).
    pub lower_is_better: bool,
}

/// Computes the CES of `len` scores on a named scale.
///
/// `scale` is a `supportkpi_ces_scale` value. `scores` may be NULL when `len` is 0; no scores
/// is not an error: `*out` then has `n == 0` and both metrics undefined.
///
/// Returns `SUPPORTKPI_RESULT_OK`; `..._NULL_POINTER` (`out` NULL, or `scores` NULL with
/// `len > 0`); `..._INVALID_ARGUMENT` (`len` too large for an array);
/// `..._SCORE_OUT_OF_SCALE` (a score off the scale, named by its index in the message);
/// `..._INVALID_OPTION` (`scale` is not a `supportkpi_ces_scale`). `*out` is written only on
/// success.
///
/// Ownership: borrows `scores` for the call; the caller owns `*out`, a plain value with nothing
/// to free.
///
/// # Safety
///
/// `scores` must point to `len` readable `int32_t` (or be NULL with `len == 0`), `out` to
/// writable memory for one `supportkpi_ces_result`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn supportkpi_ces(
    scores: *const i32,
    len: usize,
    scale: u32,
    out: *mut supportkpi_ces_result,
) -> supportkpi_result {
    guard(|| {
        arg::out(out, "out")?;
        // SAFETY: per this function's contract.
        let scores = unsafe { arg::slice(scores, len, "scores") }?;
        // A plain number on the C side: an enum parameter holding a value outside the enum
        // would be undefined behaviour in Rust, so the number is checked here instead.
        let named = match scale {
            s if s == supportkpi_ces_scale::Effort_1_To_5 as u32 => CesScale::EffortOneToFive,
            s if s == supportkpi_ces_scale::Ease_1_To_7 as u32 => CesScale::EaseOneToSeven,
            other => {
                return Err(FfiError::new(
                    supportkpi_result::InvalidOption,
                    format!(
                        "scale: {other} is not a supportkpi_ces_scale \
                         (0 = SUPPORTKPI_CES_SCALE_EFFORT_1_TO_5, 1 = SUPPORTKPI_CES_SCALE_EASE_1_TO_7)"
                    ),
                ));
            }
        };
        let ces = Ces::new(CesOptions::default().with_scale(named))
            .map_err(|e| FfiError::at("scale", e))?;
        let r = compute(&ces, scores)?;
        let result = supportkpi_ces_result {
            mean: (&r.mean).into(),
            easy_share: (&r.easy_share).into(),
            easy: r.easy,
            n: r.n,
            scale,
            scale_min: r.scale.min(),
            scale_max: r.scale.max(),
            easy_threshold: r.scale.easy_threshold(),
            lower_is_better: r.scale.better() == CesDirection::LowerIsBetter,
        };
        // SAFETY: checked non-NULL above; writable per the contract.
        unsafe { arg::write(out, result) };
        Ok(())
    })
}
