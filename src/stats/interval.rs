//! Confidence intervals and z-tests for proportions and scores.
//!
//! Everything here is closed-form normal theory, computed with a precise error function
//! (W. J. Cody's rational Chebyshev approximations, within a few units in the last place of
//! mpmath until the result underflows) and its inverse (Acklam's approximation polished by one
//! Halley step), so custom confidence levels cost nothing in accuracy. Those functions are the
//! crate's own arithmetic, not part of its API: [`z_for_confidence`] is the public way to a
//! normal quantile.
//!
//! ```
//! use supportkpi::stats::interval::{wilson_interval, Z_95};
//!
//! // 7 positive answers out of 10, 95% Wilson interval of the share.
//! let ci = wilson_interval(7, 10, Z_95).unwrap();
//! assert!((ci.lower - 0.396_778_147_461_145).abs() < 1e-12);
//! assert!((ci.upper - 0.892_208_732_593_699).abs() < 1e-12);
//! ```

use crate::error::{Error, ErrorKind};
use serde::Serialize;

/// The two-sided 95% normal quantile Φ⁻¹(0.975) = 1.959963984540054…, used for every `ci95`
/// (not the rounded 1.96).
pub const Z_95: f64 = 1.959_963_984_540_054_3;

/// A closed interval `[lower, upper]`, in the unit of the value it brackets.
///
/// ```
/// use supportkpi::stats::interval::Interval;
/// let ci = Interval { lower: 2.5, upper: 7.5 };
/// assert_eq!(ci.width(), 5.0);
/// assert!(ci.contains(7.5));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// The lower bound.
    pub lower: f64,
    /// The upper bound.
    pub upper: f64,
}

impl Interval {
    /// `upper − lower`.
    pub fn width(&self) -> f64 {
        self.upper - self.lower
    }

    /// True when `lower ≤ x ≤ upper`.
    pub fn contains(&self, x: f64) -> bool {
        self.lower <= x && x <= self.upper
    }

    /// Both bounds multiplied by `factor` (a share in 0–1 to a percentage, say).
    ///
    /// ```
    /// use supportkpi::stats::interval::Interval;
    /// let pct = Interval { lower: 0.25, upper: 0.5 }.scaled(100.0);
    /// assert_eq!(pct, Interval { lower: 25.0, upper: 50.0 });
    /// ```
    #[must_use]
    pub fn scaled(self, factor: f64) -> Interval {
        Interval {
            lower: self.lower * factor,
            upper: self.upper * factor,
        }
    }
}

/// The outcome of a two-sided z-test of a difference between two samples.
///
/// `difference` and `standard_error` are in the unit of the compared values (NPS points, CSAT
/// percentage points, or shares for [`two_proportion_z_test`]); `z` and `p_value` are unitless.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Comparison {
    /// First sample's value minus the second's.
    pub difference: f64,
    /// The standard error of the difference.
    pub standard_error: f64,
    /// `difference / standard_error`.
    pub z: f64,
    /// Two-sided p-value, `P(|Z| ≥ |z|)` under the standard normal.
    pub p_value: f64,
}

/// The z-test of `difference` with standard error `standard_error`.
///
/// `None` when the standard error is not a positive finite number (a test against no spread
/// has no meaning) or the difference is not finite.
///
/// ```
/// use supportkpi::stats::interval::z_test;
/// let t = z_test(1.959963984540054, 1.0).unwrap();
/// assert!((t.p_value - 0.05).abs() < 1e-14);
/// assert!(z_test(1.0, 0.0).is_none());
/// ```
pub fn z_test(difference: f64, standard_error: f64) -> Option<Comparison> {
    if !(standard_error.is_finite() && standard_error > 0.0 && difference.is_finite()) {
        return None;
    }
    let z = difference / standard_error;
    Some(Comparison {
        difference,
        standard_error,
        z,
        p_value: two_sided_p_value(z),
    })
}

/// The pooled two-proportion z-test of `x1 / n1` against `x2 / n2`, in shares (0–1).
///
/// The standard error is √(p̂(1 − p̂)(1/n₁ + 1/n₂)) with the pooled share p̂ = (x₁ + x₂) / (n₁ + n₂).
/// `None` when a sample is empty, a count exceeds its sample, or the pooled share is 0 or 1 (the
/// standard error is 0 then).
///
/// ```
/// use supportkpi::stats::interval::two_proportion_z_test;
/// let t = two_proportion_z_test(70, 100, 60, 100).unwrap();
/// assert!((t.difference - 0.1).abs() < 1e-15);
/// assert!((t.z - 1.4824986333222023).abs() < 1e-12);
/// ```
pub fn two_proportion_z_test(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<Comparison> {
    if n1 == 0 || n2 == 0 || x1 > n1 || x2 > n2 {
        return None;
    }
    let (x1, n1, x2, n2) = (x1 as f64, n1 as f64, x2 as f64, n2 as f64);
    let pooled = (x1 + x2) / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    z_test(x1 / n1 - x2 / n2, se)
}

/// The Wilson score interval of the share `successes / n` at normal quantile `z`, in 0–1.
///
/// Unlike the Wald interval it stays inside 0–1 and is not degenerate at 0 or n successes.
/// `None` when `n` is 0, `successes > n`, or `z` is not a positive finite number.
///
/// ```
/// use supportkpi::stats::interval::{wilson_interval, Z_95};
/// let ci = wilson_interval(0, 10, Z_95).unwrap();
/// assert_eq!(ci.lower, 0.0);
/// assert!(ci.upper > 0.0);
/// assert!(wilson_interval(1, 0, Z_95).is_none());
/// ```
pub fn wilson_interval(successes: u64, n: u64, z: f64) -> Option<Interval> {
    if n == 0 || successes > n || !(z.is_finite() && z > 0.0) {
        return None;
    }
    let (x, n) = (successes as f64, n as f64);
    let z2 = z * z;
    // The (2x + z² ± z√(z² + 4x(n − x)/n)) / 2(n + z²) form avoids computing p(1 − p) from a
    // rounded p, and makes the bound exactly 0 (or 1) at x = 0 (or x = n).
    let centre = 2.0 * x + z2;
    let half = z * (z2 + 4.0 * x * (n - x) / n).sqrt();
    let denom = 2.0 * (n + z2);
    Some(Interval {
        lower: ((centre - half) / denom).clamp(0.0, 1.0),
        upper: ((centre + half) / denom).clamp(0.0, 1.0),
    })
}

/// The normal quantile for a two-sided interval at `level` (0.95 → 1.959963984540054…).
///
/// # Errors
/// [`ErrorKind::InvalidOption`] (field `confidence`) unless `0 < level < 1`, or when the level
/// is so close to 0 (below about 1e-16) that the quantile would be 0.
///
/// # Example
/// ```
/// use supportkpi::stats::interval::z_for_confidence;
/// assert!((z_for_confidence(0.90)? - 1.6448536269514726).abs() < 1e-14);
/// assert!(z_for_confidence(1.0).is_err());
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn z_for_confidence(level: f64) -> Result<f64, Error> {
    if !(level > 0.0 && level < 1.0) {
        return Err(Error::new(
            ErrorKind::InvalidOption,
            "a confidence level lies strictly between 0 and 1",
        )
        .with_field("confidence")
        .with_value(level));
    }
    // 1 − level is inexact in binary, so the default level would come out an ulp away from the
    // constant; pin it, so an interval at 0.95 is bit for bit the `ci95` one.
    if level == 0.95 {
        return Ok(Z_95);
    }
    // 1 − (1 − level)/2 loses the low bits of small tails; the lower-tail quantile does not.
    match normal_quantile((1.0 - level) / 2.0) {
        // A level so small that 1 − level rounds to 1 would give z = 0: a zero-width interval.
        Some(q) if q < 0.0 => Ok(-q),
        _ => Err(Error::new(
            ErrorKind::InvalidOption,
            "confidence level too close to 0 for a nonzero interval",
        )
        .with_field("confidence")
        .with_value(level)),
    }
}

/// The standard normal cumulative distribution function Φ(x).
pub(crate) fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// The two-sided tail probability `P(|Z| ≥ |z|)` of the standard normal.
pub(crate) fn two_sided_p_value(z: f64) -> f64 {
    erfc(z.abs() / std::f64::consts::SQRT_2)
}

/// The standard normal quantile Φ⁻¹(p).
///
/// Acklam's rational approximation (relative error 1.2e-9) refined by one Halley step against
/// [`normal_cdf`], which brings it to full double precision. `None` unless `0 < p < 1`.
pub(crate) fn normal_quantile(p: f64) -> Option<f64> {
    if !(p > 0.0 && p < 1.0) {
        return None;
    }
    if p > 0.5 {
        // 1 − p is exact for p ≥ 0.5, and the lower tail is where Φ is computed accurately.
        return normal_quantile(1.0 - p).map(|q| -q);
    }
    if p == 0.5 {
        return Some(0.0);
    }
    let x = acklam(p);
    // Halley's step on Φ(x) − p; the error of Φ(x) is relative here since p ≤ 0.5.
    let e = normal_cdf(x) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    Some(x - u / (1.0 + x * u / 2.0))
}

fn acklam(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.024_25;
    if p < P_LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt.
///
/// W. J. Cody's rational Chebyshev approximations (Math. Comp. 1969), as in his SPECFUN `CALERF`.
/// The intervals and tests need only [`erfc`]; erf stays beside it, checked against mpmath, as
/// the other half of Cody's pair.
#[cfg(test)]
pub(crate) fn erf(x: f64) -> f64 {
    let y = x.abs();
    if y <= ERF_SMALL_LIMIT {
        erf_small(x)
    } else {
        // erfc(y) < 1 here, so 1 − erfc(y) loses nothing that matters for erf.
        let r = 1.0 - erfc_large(y);
        if x < 0.0 { -r } else { r }
    }
}

/// The complementary error function erfc(x) = 1 − erf(x), accurate in the far tail where
/// `1.0 - erf(x)` would be 0.
pub(crate) fn erfc(x: f64) -> f64 {
    let y = x.abs();
    if y <= ERF_SMALL_LIMIT {
        1.0 - erf_small(x)
    } else if x < 0.0 {
        2.0 - erfc_large(y)
    } else {
        erfc_large(y)
    }
}

const ERF_SMALL_LIMIT: f64 = 0.468_75;

/// erf on |x| ≤ 0.468_75: x · R(x²).
fn erf_small(x: f64) -> f64 {
    const A: [f64; 5] = [
        3.161_123_743_870_565_5,
        1.138_641_541_510_501_6e2,
        3.774_852_376_853_02e2,
        3.209_377_589_138_469_4e3,
        1.857_777_061_846_031_5e-1,
    ];
    const B: [f64; 4] = [
        2.360_129_095_234_412e1,
        2.440_246_379_344_441_7e2,
        1.282_616_526_077_372_3e3,
        2.844_236_833_439_171e3,
    ];
    // Below this x² underflows to nothing useful and erf(x) = 2x/√π to double precision.
    let ysq = if x.abs() > 1.11e-16 { x * x } else { 0.0 };
    let mut num = A[4] * ysq;
    let mut den = ysq;
    for i in 0..3 {
        num = (num + A[i]) * ysq;
        den = (den + B[i]) * ysq;
    }
    x * (num + A[3]) / (den + B[3])
}

/// erfc on y > 0.468_75.
fn erfc_large(y: f64) -> f64 {
    const C: [f64; 9] = [
        5.641_884_969_886_701e-1,
        8.883_149_794_388_377,
        6.611_919_063_714_163e1,
        2.986_351_381_974_001e2,
        8.819_522_212_417_69e2,
        1.712_047_612_634_070_7e3,
        2.051_078_377_826_071_6e3,
        1.230_339_354_797_997_2e3,
        2.153_115_354_744_038_3e-8,
    ];
    const D: [f64; 8] = [
        1.574_492_611_070_983_5e1,
        1.176_939_508_913_125e2,
        5.371_811_018_620_099e2,
        1.621_389_574_566_690_3e3,
        3.290_799_235_733_459_7e3,
        4.362_619_090_143_247e3,
        3.439_367_674_143_721_6e3,
        1.230_339_354_803_749_3e3,
    ];
    const P: [f64; 6] = [
        3.053_266_349_612_323_6e-1,
        3.603_448_999_498_044_5e-1,
        1.257_817_261_112_292_6e-1,
        1.608_378_514_874_228e-2,
        6.587_491_615_298_378e-4,
        1.631_538_713_730_209_7e-2,
    ];
    const Q: [f64; 5] = [
        2.568_520_192_289_822,
        1.872_952_849_923_460_4,
        5.279_051_029_514_285e-1,
        6.051_834_131_244_132e-2,
        2.335_204_976_268_691_8e-3,
    ];
    // 1/√π
    const FRAC_1_SQRT_PI: f64 = 0.564_189_583_547_756_3;
    // erfc underflows to 0 beyond this in double precision.
    const BIG: f64 = 26.543;
    if y.is_nan() {
        return y;
    }
    let r = if y <= 4.0 {
        let mut num = C[8] * y;
        let mut den = y;
        for i in 0..7 {
            num = (num + C[i]) * y;
            den = (den + D[i]) * y;
        }
        (num + C[7]) / (den + D[7])
    } else {
        if y >= BIG {
            return 0.0;
        }
        let ysq = 1.0 / (y * y);
        let mut num = P[5] * ysq;
        let mut den = ysq;
        for i in 0..4 {
            num = (num + P[i]) * ysq;
            den = (den + Q[i]) * ysq;
        }
        (FRAC_1_SQRT_PI - ysq * (num + P[4]) / (den + Q[4])) / y
    };
    // exp(−y²) split as exp(−t²)·exp(−(y − t)(y + t)) with t = y rounded down to 1/16: t² is
    // exact, so the rounding error of y² is not amplified by the exponential.
    let t = (y * 16.0).trunc() / 16.0;
    let del = (y - t) * (y + t);
    (-t * t).exp() * (-del).exp() * r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_normal_and_error_functions_hit_their_landmarks() {
        // The examples these internal functions carried when they were public.
        assert_eq!(normal_cdf(0.0), 0.5);
        assert!((normal_cdf(-1.959963984540054) - 0.025).abs() < 1e-15);
        assert_eq!(two_sided_p_value(0.0), 1.0);
        assert!((two_sided_p_value(-1.959963984540054) - 0.05).abs() < 1e-14);
        assert_eq!(normal_quantile(0.5), Some(0.0));
        assert!((normal_quantile(0.975).unwrap() - 1.959963984540054).abs() < 1e-15);
        assert_eq!(normal_quantile(1.0), None);
        assert_eq!(erf(0.0), 0.0);
        assert!((erf(1.0) - 0.842_700_792_949_714_9).abs() < 1e-15);
        assert_eq!(erf(-1.0), -erf(1.0));
        assert_eq!(erfc(0.0), 1.0);
        assert!((erfc(5.0) / 1.537_459_794_428_035e-12 - 1.0).abs() < 1e-14);
        assert!((erfc(-1.0) - 1.842_700_792_949_714_8).abs() < 1e-15);
    }

    // Reference values from mpmath at 40 digits:
    //   from mpmath import mp, erf, erfc, ncdf, sqrt, erfinv, mpf; mp.dps = 40
    //   erf(x), erfc(x) for each x below; sqrt(2)*erfinv(2*p - 1) for the quantiles.
    const ERF_CASES: [(f64, f64, f64); 10] = [
        // (x, erf(x), erfc(x))
        (1e-20, 1.128_379_167_095_512_5e-20, 1.0),
        (0.1, 0.112_462_916_018_284_9, 0.887_537_083_981_715_2),
        (0.468_75, 0.492_613_473_217_937_97, 0.507_386_526_782_062),
        (0.5, 0.520_499_877_813_046_5, 0.479_500_122_186_953_5),
        (1.0, 0.842_700_792_949_714_9, 0.157_299_207_050_285_13),
        (2.5, 0.999_593_047_982_555, 4.069_520_174_449_589e-4),
        (4.0, 0.999_999_984_582_742_1, 1.541_725_790_028_002e-8),
        (5.0, 0.999_999_999_998_462_6, 1.537_459_794_428_035e-12),
        (10.0, 1.0, 2.088_487_583_762_545e-45),
        (26.0, 1.0, 5.663_192_408_856_143e-296),
    ];

    #[test]
    fn erf_and_erfc_match_mpmath() {
        for (x, e, c) in ERF_CASES {
            assert!((erf(x) - e).abs() <= 1e-15 * e.abs(), "erf({x})");
            assert!((erf(-x) + e).abs() <= 1e-15 * e.abs(), "erf(-{x})");
            assert!((erfc(x) - c).abs() <= 2e-15 * c, "erfc({x}) = {}", erfc(x));
            assert!((erfc(-x) - (2.0 - c)).abs() <= 1e-15, "erfc(-{x})");
        }
        assert_eq!(erfc(30.0), 0.0);
        assert_eq!(erf(f64::INFINITY), 1.0);
        assert_eq!(erfc(f64::NEG_INFINITY), 2.0);
        assert!(erf(f64::NAN).is_nan() && erfc(f64::NAN).is_nan());
    }

    #[test]
    fn quantile_matches_mpmath() {
        let cases = [
            (1e-300, -37.047_096_299_361_2),
            (1e-10, -6.361_340_902_404_057),
            (0.001, -3.090_232_306_167_813_6),
            (0.024_25, -1.972_961_051_311_885),
            (0.025, -1.959_963_984_540_054_3),
            (0.3, -0.524_400_512_708_040_8),
            (0.7, 0.524_400_512_708_040_8),
            (0.975, Z_95),
            (0.999, 3.090_232_306_167_813_6),
        ];
        for (p, q) in cases {
            let got = normal_quantile(p).unwrap();
            assert!(
                (got - q).abs() <= 1e-14 * q.abs(),
                "Φ⁻¹({p}) = {got}, want {q}"
            );
        }
        assert_eq!(normal_quantile(0.0), None);
        assert_eq!(normal_quantile(f64::NAN), None);
    }

    #[test]
    fn quantile_inverts_cdf() {
        for i in 1..1000 {
            let p = f64::from(i) / 1000.0;
            let x = normal_quantile(p).unwrap();
            assert!((normal_cdf(x) - p).abs() < 1e-15, "p = {p}");
        }
    }

    #[test]
    fn confidence_levels() {
        assert_eq!(z_for_confidence(0.95).unwrap(), Z_95);
        // mpmath: sqrt(2)*erfinv(mpf('0.99'))
        assert!((z_for_confidence(0.99).unwrap() - 2.575_829_303_548_901).abs() < 1e-14);
        assert!(z_for_confidence(1e-10).unwrap() > 0.0);
        for bad in [0.0, 1e-300, 1.0, -0.5, 95.0, f64::NAN] {
            let e = z_for_confidence(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidOption);
            assert_eq!(e.field(), Some("confidence"));
        }
    }

    #[test]
    fn wilson_by_hand() {
        // 7 of 10, z = Z_95: (14 + z² ± z·√(z² + 8.4)) / (2·(10 + z²)); mpmath gives
        // 0.3967781474611453 and 0.8922087325936989.
        let ci = wilson_interval(7, 10, Z_95).unwrap();
        assert!((ci.lower - 0.396_778_147_461_145_3).abs() < 1e-15);
        assert!((ci.upper - 0.892_208_732_593_698_9).abs() < 1e-15);
        let all = wilson_interval(10, 10, Z_95).unwrap();
        assert_eq!(all.upper, 1.0);
        assert!(all.lower < 1.0);
        assert!(wilson_interval(11, 10, Z_95).is_none());
        assert!(wilson_interval(1, 10, 0.0).is_none());
    }

    #[test]
    fn two_proportion_undefined_without_spread() {
        assert!(two_proportion_z_test(10, 10, 5, 5).is_none());
        assert!(two_proportion_z_test(0, 10, 0, 5).is_none());
        assert!(two_proportion_z_test(0, 0, 0, 5).is_none());
    }
}
