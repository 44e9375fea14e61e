//! Survey KPIs: worked checks from docs/definitions.md, hand-worked statistics, every error, state
//! serialization, and the merge laws as properties.
//!
//! Reference values were computed independently with mpmath (python3, 40 digits):
//!
//! ```python
//! from mpmath import mp, mpf, sqrt, erfinv, erfc
//! mp.dps = 40
//! Z = lambda c: sqrt(2) * erfinv(mpf(c))        # two-sided normal quantile
//! def nps(P, Pa, D):                             # score and SE, in points
//!     n = P + Pa + D; p = mpf(P) / n; d = mpf(D) / n
//!     return 100 * (p - d), 100 * sqrt((p + d - (p - d) ** 2) / n)
//! def adj(P, Pa, D, z):                          # adjusted Wald: centre, SE, bounds
//!     n = P + Pa + D + 3; p = (P + mpf(3) / 4) / n; d = (D + mpf(3) / 4) / n
//!     se = 100 * sqrt((p + d - (p - d) ** 2) / n); c = 100 * (p - d)
//!     return c, se, c - z * se, c + z * se
//! def wilson(x, n, z):                           # in percent
//!     c = 2 * x + z * z; h = z * sqrt(z * z + 4 * mpf(x) * (n - x) / n); den = 2 * (n + z * z)
//!     return 100 * (c - h) / den, 100 * (c + h) / den
//! # NPS z-test: diff = a - b, se = sqrt(se_a**2 + se_b**2), z = diff / se, p = erfc(z / sqrt(2))
//! # CSAT z-test: pooled pp = (x1 + x2) / (n1 + n2), se = sqrt(pp (1 - pp) (1/n1 + 1/n2))
//! ```

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use supportkpi::ErrorKind;
use supportkpi::kpi::{
    Accumulator, Ces, CesAccumulator, CesDirection, CesOptions, CesScale, Csat, CsatAccumulator,
    CsatOptions, CsatScale, CustomCesScale, Kpi, Nps, NpsAccumulator, NpsOptions,
};
use supportkpi::model::{SurveyKind, SurveyResponse};
use supportkpi::stats::interval::Interval;

fn assert_close(got: f64, want: f64, tol: f64) {
    assert!((got - want).abs() <= tol, "got {got}, want {want}");
}

fn assert_interval(got: Interval, lower: f64, upper: f64, tol: f64) {
    assert_close(got.lower, lower, tol);
    assert_close(got.upper, upper, tol);
}

fn response(id: &str, kind: SurveyKind, score: i32) -> SurveyResponse {
    let at = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    SurveyResponse::new(id, at, kind, score).unwrap()
}

/// 30 promoters, 50 passives, 20 detractors.
fn nps_30_50_20() -> Vec<i32> {
    let mut v = vec![9; 15];
    v.extend([10; 15]);
    v.extend([7; 25]);
    v.extend([8; 25]);
    v.extend((0..20).map(|i| i % 7));
    v
}

// ---------------------------------------------------------------- NPS

#[test]
fn nps_spec_worked_checks() {
    let r = Nps::default().compute(nps_30_50_20()).unwrap();
    assert_eq!(r.score.value(), Some(10.0));
    assert_eq!(
        (r.promoters, r.passives, r.detractors, r.n),
        (30, 50, 20, 100)
    );

    let r = Nps::default().compute(1..=10).unwrap();
    assert_eq!(r.score.value(), Some(-40.0));

    let r = Nps::default().compute([10, 9, 9, 7, 3]).unwrap();
    assert_eq!((r.n, r.score.value()), (5, Some(40.0)));
}

#[test]
fn nps_shares_are_fractions() {
    let r = Nps::default().compute(nps_30_50_20()).unwrap();
    assert_eq!(r.promoter_share.value(), Some(0.3));
    assert_eq!(r.passive_share.value(), Some(0.5));
    assert_eq!(r.detractor_share.value(), Some(0.2));
}

#[test]
fn nps_score_is_not_rounded() {
    // 1 promoter of 3: 100/3 = 33.333…, the nearest double, not 33 or 33.33.
    let r = Nps::default().compute([10, 8, 8]).unwrap();
    assert_eq!(r.score.value(), Some(100.0 / 3.0));
}

#[test]
fn nps_standard_error_and_wald_interval() {
    // p = 0.3, d = 0.2: SE = 100·√((0.5 − 0.01)/100) = 7; 95%: 10 ± 1.959963984540054·7.
    let r = Nps::default().compute(nps_30_50_20()).unwrap();
    assert_close(r.standard_error.value().unwrap(), 7.0, 1e-12);
    let ci = r.ci95.value().unwrap();
    assert_interval(ci, -3.719_747_891_780_379_6, 23.719_747_891_780_38, 1e-12);
    assert_eq!(r.ci, r.ci95);
    assert_eq!(r.confidence, 0.95);
    assert!(!r.adjusted_wald);

    // 3 promoters, 1 passive, 1 detractor: SE = 100·√(0.64/5) = 35.77708763999664; the upper
    // bound 40 + 70.12 is clamped to 100.
    let r = Nps::default().compute([10, 10, 9, 8, 3]).unwrap();
    assert_close(
        r.standard_error.value().unwrap(),
        35.777_087_639_996_64,
        1e-12,
    );
    let ci = r.ci95.value().unwrap();
    assert_interval(ci, -30.121_803_246_126_53, 100.0, 1e-12);
}

#[test]
fn nps_custom_confidence_level() {
    // 90%: z = 1.6448536269514726; 10 ± 7z.
    let nps = Nps::new(NpsOptions::default().with_confidence(0.9)).unwrap();
    let r = nps.compute(nps_30_50_20()).unwrap();
    assert_interval(
        r.ci.value().unwrap(),
        -1.513_975_388_660_309,
        21.513_975_388_660_31,
        1e-12,
    );
    // ci95 stays the 95% interval.
    assert_interval(
        r.ci95.value().unwrap(),
        -3.719_747_891_780_379_6,
        23.719_747_891_780_38,
        1e-12,
    );
    assert_eq!(r.confidence, 0.9);
}

#[test]
fn nps_adjusted_wald() {
    let nps = Nps::new(NpsOptions::default().with_adjusted_wald(true)).unwrap();

    // P = 3, D = 1, n = 5 → p' = 3.75/8, d' = 1.75/8: centre 25, SE 27.95084971874737.
    let r = nps.compute([10, 10, 9, 8, 3]).unwrap();
    assert_eq!(r.score.value(), Some(40.0)); // the score itself is never adjusted
    assert_close(
        r.standard_error.value().unwrap(),
        35.777_087_639_996_64,
        1e-12,
    );
    assert_interval(
        r.ci95.value().unwrap(),
        -29.782_658_786_036_35,
        79.782_658_786_036_35,
        1e-12,
    );
    assert!(r.adjusted_wald);

    // 30/50/20 → centre 9.70873786407767, SE 6.9013439025334185.
    let r = nps.compute(nps_30_50_20()).unwrap();
    assert_interval(
        r.ci95.value().unwrap(),
        -3.817_647_629_812_936,
        23.235_123_357_968_277,
        1e-12,
    );

    // All promoters: Wald is the degenerate [100, 100]; adjusted Wald is not (centre 50,
    // SE 28.867513459481287, upper bound 106.58 clamped to 100).
    let r = nps.compute([10, 10, 10]).unwrap();
    assert_interval(
        r.ci95.value().unwrap(),
        -6.579_286_703_808_592,
        100.0,
        1e-12,
    );
    let wald = Nps::default().compute([10, 10, 10]).unwrap();
    assert_interval(wald.ci95.value().unwrap(), 100.0, 100.0, 0.0);
}

#[test]
fn nps_no_responses_is_undefined() {
    for nps in [
        Nps::default(),
        Nps::new(NpsOptions::default().with_adjusted_wald(true)).unwrap(),
    ] {
        let r = nps.compute(std::iter::empty::<i32>()).unwrap();
        assert_eq!(r.n, 0);
        for m in [
            &r.score,
            &r.promoter_share,
            &r.passive_share,
            &r.detractor_share,
            &r.standard_error,
        ] {
            assert_eq!(m.undefined_reason(), Some("no NPS responses"));
        }
        assert_eq!(r.ci95.undefined_reason(), Some("no NPS responses"));
        assert_eq!(r.ci.undefined_reason(), Some("no NPS responses"));
        assert!(r.distribution.iter().all(|(_, c)| c == 0));
    }
}

#[test]
fn nps_distribution_covers_the_scale() {
    let r = Nps::default().compute([10, 10, 0]).unwrap();
    let d: Vec<(i32, u64)> = r.distribution.iter().collect();
    assert_eq!(d.len(), 11);
    assert_eq!(d[0], (0, 1));
    assert_eq!(d[10], (10, 2));
    assert!(d[1..10].iter().all(|&(_, c)| c == 0));
    assert!(d.windows(2).all(|w| w[0].0 + 1 == w[1].0));
}

#[test]
fn nps_two_sample_z_test() {
    // +10 (SE 7) against −20 (20/40/40, SE 7.483314773547883): difference 30,
    // SE √105 = 10.246950765959598, z = 2.9277002188455996, p = 0.0034147911781178173.
    let a = Nps::default().compute(nps_30_50_20()).unwrap();
    let mut b_scores = vec![10; 20];
    b_scores.extend([8; 40]);
    b_scores.extend([2; 40]);
    let b = Nps::default().compute(b_scores).unwrap();
    assert_eq!(b.score.value(), Some(-20.0));
    let t = a.compare(&b).value().unwrap();
    assert_close(t.difference, 30.0, 1e-12);
    assert_close(t.standard_error, 10.246_950_765_959_598, 1e-12);
    assert_close(t.z, 2.927_700_218_845_599_6, 1e-12);
    assert_close(t.p_value, 0.003_414_791_178_117_817_3, 1e-15);
    // Reversed, the difference and z change sign; the p-value does not.
    let back = b.compare(&a).value().unwrap();
    assert_eq!(back.difference, -t.difference);
    assert_eq!(back.p_value, t.p_value);
}

#[test]
fn nps_z_test_undefined_cases() {
    let some = Nps::default().compute([10, 3]).unwrap();
    let none = Nps::default().compute(std::iter::empty::<i32>()).unwrap();
    assert_eq!(
        some.compare(&none).undefined_reason(),
        Some("no NPS responses on one side")
    );
    assert!(!none.compare(&some).is_defined());
    let all_promoters = Nps::default().compute([10, 9]).unwrap();
    let all_detractors = Nps::default().compute([0]).unwrap();
    assert_eq!(
        all_promoters.compare(&all_detractors).undefined_reason(),
        Some("both NPS standard errors are 0")
    );
}

// ---------------------------------------------------------------- CSAT

#[test]
fn csat_seven_of_ten() {
    let r = Csat::default()
        .compute([5, 4, 4, 5, 4, 5, 4, 3, 2, 1])
        .unwrap();
    assert_eq!((r.positive, r.n), (7, 10));
    assert_eq!(r.score.value(), Some(70.0));
    assert_eq!(r.mean.value(), Some(3.7));
    // Wilson 95%, in percent: 39.677814746114535 to 89.2208732593699 (mpmath).
    assert_interval(
        r.ci95.value().unwrap(),
        39.677_814_746_114_535,
        89.220_873_259_369_9,
        1e-9,
    );
    assert_eq!(r.scale, CsatScale::ONE_TO_FIVE);
    assert_eq!(r.positive_from, 4);
    assert_eq!(r.distribution.count(4), Some(4));
}

#[test]
fn csat_custom_confidence_and_extremes() {
    let csat = Csat::new(CsatOptions::default().with_confidence(0.9)).unwrap();
    let r = csat.compute([5, 4, 4, 5, 4, 5, 4, 3, 2, 1]).unwrap();
    // Wilson 90%: 44.1699795869835 to 87.31234160968022.
    assert_interval(
        r.ci.value().unwrap(),
        44.169_979_586_983_5,
        87.312_341_609_680_22,
        1e-9,
    );
    // None positive: the lower bound is exactly 0, the upper 48.989083645459736.
    let r = Csat::default().compute([1, 2, 3, 3]).unwrap();
    assert_eq!(r.score.value(), Some(0.0));
    assert_interval(r.ci95.value().unwrap(), 0.0, 48.989_083_645_459_736, 1e-9);
}

#[test]
fn csat_other_scales() {
    let on = |scale, scores: &[i32]| {
        Csat::new(CsatOptions::default().with_scale(scale))
            .unwrap()
            .compute(scores)
            .unwrap()
    };
    // 1–3: top box only.
    let r = on(CsatScale::ONE_TO_THREE, &[3, 3, 2, 1]);
    assert_eq!((r.positive_from, r.score.value()), (3, Some(50.0)));
    // 1–7: top-2-box is 6–7.
    let r = on(CsatScale::ONE_TO_SEVEN, &[7, 6, 5, 1]);
    assert_eq!((r.positive_from, r.score.value()), (6, Some(50.0)));
    // 1–10: 9–10.
    let r = on(CsatScale::ONE_TO_TEN, &[10, 9, 8, 1, 10]);
    assert_eq!((r.positive_from, r.score.value()), (9, Some(60.0)));
    assert_eq!(r.distribution.len(), 10);
    // Good/bad: 1 = good, 0 = bad; the mean is the good share.
    let r = on(CsatScale::GOOD_BAD, &[1, 1, 1, 0]);
    assert_eq!(r.score.value(), Some(75.0));
    assert_eq!(r.mean.value(), Some(0.75));
    // An explicit threshold wins over the scale's default.
    let csat = Csat::new(
        CsatOptions::default()
            .with_positive_from(8)
            .with_scale(CsatScale::ONE_TO_TEN),
    )
    .unwrap();
    assert_eq!(
        csat.compute([10, 9, 8, 1]).unwrap().score.value(),
        Some(75.0)
    );
}

#[test]
fn csat_no_responses_is_undefined() {
    let r = CsatAccumulator::default().finish();
    assert_eq!(r.n, 0);
    assert_eq!(r.score.undefined_reason(), Some("no CSAT responses"));
    assert_eq!(r.mean.undefined_reason(), Some("no CSAT responses"));
    assert_eq!(r.ci95.undefined_reason(), Some("no CSAT responses"));
    assert_eq!(r.ci.undefined_reason(), Some("no CSAT responses"));
}

#[test]
fn csat_two_proportion_z_test() {
    // 70/100 vs 60/100, pooled: difference 10 points, SE 6.745368781616021 points,
    // z = 1.4824986333222023, p = 0.13820766697402578.
    let mut a = vec![5; 70];
    a.extend([1; 30]);
    let mut b = vec![4; 60];
    b.extend([3; 40]);
    let (a, b) = (
        Csat::default().compute(a).unwrap(),
        Csat::default().compute(b).unwrap(),
    );
    let t = a.compare(&b).value().unwrap();
    assert_close(t.difference, 10.0, 1e-12);
    assert_close(t.standard_error, 6.745_368_781_616_021, 1e-12);
    assert_close(t.z, 1.482_498_633_322_202_3, 1e-12);
    assert_close(t.p_value, 0.138_207_666_974_025_78, 1e-14);

    let all = Csat::default().compute([5, 5]).unwrap();
    let none = CsatAccumulator::default().finish();
    assert!(!a.compare(&none).is_defined());
    assert_eq!(
        all.compare(&all).undefined_reason(),
        Some("all or none of the responses are positive")
    );
}

// ---------------------------------------------------------------- CES

#[test]
fn ces_effort_1_to_5() {
    let r = Ces::default().compute([1, 2, 2, 3, 4, 5, 1, 2]).unwrap();
    assert_eq!(r.scale, CesScale::EffortOneToFive);
    assert_eq!(r.n, 8);
    assert_eq!(r.mean.value(), Some(2.5)); // 20 / 8
    assert_eq!(r.easy, 5); // 1, 2, 2, 1, 2
    assert_eq!(r.easy_share.value(), Some(0.625));
    assert_eq!(
        r.distribution.as_slice(),
        &[(1, 2), (2, 3), (3, 1), (4, 1), (5, 1)]
    );
}

#[test]
fn ces_ease_1_to_7() {
    let ces = Ces::new(CesOptions::default().with_scale("ease_1_to_7".parse().unwrap())).unwrap();
    let r = ces.compute([7, 7, 6, 5, 4, 3, 1]).unwrap();
    assert_eq!(r.scale, CesScale::EaseOneToSeven);
    assert_eq!(r.mean.value(), Some(33.0 / 7.0));
    assert_eq!(r.easy, 4); // 7, 7, 6, 5
    assert_eq!(r.easy_share.value(), Some(4.0 / 7.0));
    assert_eq!(r.distribution.len(), 7);
}

#[test]
fn ces_custom_scale() {
    let scale = CustomCesScale::new(0, 10, CesDirection::HigherIsBetter, 8).unwrap();
    let ces = Ces::new(CesOptions::default().with_scale(CesScale::Custom(scale))).unwrap();
    let r = ces.compute([10, 8, 7, 0]).unwrap();
    assert_eq!(r.easy_share.value(), Some(0.5));
    assert_eq!(r.mean.value(), Some(6.25));
    assert_eq!(r.scale.to_string(), "custom_0_to_10");
    let lower = CustomCesScale::new(1, 4, CesDirection::LowerIsBetter, 1).unwrap();
    let ces = Ces::new(CesOptions::default().with_scale(CesScale::Custom(lower))).unwrap();
    assert_eq!(
        ces.compute([1, 2, 3, 4]).unwrap().easy_share.value(),
        Some(0.25)
    );
}

#[test]
fn ces_scale_names() {
    assert_eq!(
        "effort_1_to_5".parse::<CesScale>().unwrap(),
        CesScale::EffortOneToFive
    );
    assert_eq!(CesScale::EaseOneToSeven.to_string(), "ease_1_to_7");
    let e = "Effort_1_to_5".parse::<CesScale>().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidOption);
    assert_eq!(
        (e.field(), e.value()),
        (Some("scale"), Some("Effort_1_to_5"))
    );
}

#[test]
fn ces_no_responses_is_undefined() {
    let r = CesAccumulator::default().finish();
    assert_eq!(r.n, 0);
    assert_eq!(r.mean.undefined_reason(), Some("no CES responses"));
    assert_eq!(r.easy_share.undefined_reason(), Some("no CES responses"));
}

// ---------------------------------------------------------------- errors

#[test]
fn scores_off_the_scale() {
    let mut nps = NpsAccumulator::default();
    for bad in [11, -1, i32::MAX, i32::MIN] {
        let e = nps.push(&bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ScoreOutOfScale);
        assert_eq!(e.record().unwrap().record_type, "score");
        assert_eq!(e.field(), Some("score"));
        assert_eq!(e.value(), Some(bad.to_string().as_str()));
        assert!(e.to_string().contains("0-10"), "{e}");
    }
    assert_eq!(nps.n(), 0);

    let mut csat = CsatAccumulator::default();
    for bad in [0, 6] {
        let e = csat.push(&bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ScoreOutOfScale);
        assert!(e.to_string().contains("1-5"), "{e}");
    }
    let mut thumbs = Csat::new(CsatOptions::default().with_scale(CsatScale::GOOD_BAD))
        .unwrap()
        .accumulator();
    assert_eq!(
        thumbs.push(&2).unwrap_err().kind(),
        ErrorKind::ScoreOutOfScale
    );

    let mut ces = Ces::new(CesOptions::default().with_scale(CesScale::EaseOneToSeven))
        .unwrap()
        .accumulator();
    let e = ces.push(&8).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ScoreOutOfScale);
    assert_eq!(e.value(), Some("8"));
    assert!(e.to_string().contains("ease_1_to_7"), "{e}");
    assert_eq!(ces.n(), 0);
}

#[test]
fn bad_options() {
    for level in [0.0, 1.0, -0.1, 95.0, f64::NAN, f64::INFINITY] {
        let e = Nps::new(NpsOptions::default().with_confidence(level)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidOption);
        assert_eq!(e.field(), Some("confidence"));
        let e = Csat::new(CsatOptions::default().with_confidence(level)).unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::InvalidOption, Some("confidence"))
        );
    }
    for t in [0, 6] {
        let e = Csat::new(CsatOptions::default().with_positive_from(t)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidOption);
        assert_eq!(e.field(), Some("positive_from"));
        assert_eq!(e.value(), Some(t.to_string().as_str()));
    }
    for (min, max) in [(1, 1), (5, 1), (0, 101), (i32::MIN, i32::MAX)] {
        let e = CsatScale::new(min, max).unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::InvalidOption, Some("scale"))
        );
        let e = CustomCesScale::new(min, max, CesDirection::LowerIsBetter, min).unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::InvalidOption, Some("scale"))
        );
    }
    let e = CustomCesScale::new(1, 5, CesDirection::HigherIsBetter, 0).unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::InvalidOption, Some("easy_threshold"))
    );
}

#[test]
fn responses_of_the_wrong_kind() {
    let csat = response("S-9", SurveyKind::Csat, 5);
    let e = NpsAccumulator::default().push_response(&csat).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
    assert_eq!(e.field(), Some("kind"));
    assert_eq!(e.value(), Some("csat"));
    let rec = e.record().unwrap();
    assert_eq!(
        (rec.record_type, rec.id.as_deref()),
        ("survey_response", Some("S-9"))
    );
    assert!(e.to_string().contains("nps"), "{e}");

    let nps = response("S-10", SurveyKind::Nps, 5);
    let e = CsatAccumulator::default().push_response(&nps).unwrap_err();
    assert_eq!(
        (e.kind(), e.value()),
        (ErrorKind::InvalidValue, Some("nps"))
    );
    let e = CesAccumulator::default().push_response(&nps).unwrap_err();
    assert_eq!(
        (e.kind(), e.value()),
        (ErrorKind::InvalidValue, Some("nps"))
    );
}

#[test]
fn responses_off_the_scale_name_the_response() {
    let mut acc = CsatAccumulator::default();
    let e = acc
        .push_response(&response("S-3", SurveyKind::Csat, 9))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ScoreOutOfScale);
    let rec = e.record().unwrap();
    assert_eq!(
        (rec.record_type, rec.id.as_deref()),
        ("survey_response", Some("S-3"))
    );
    assert_eq!((e.field(), e.value()), (Some("score"), Some("9")));

    let mut acc = CesAccumulator::default();
    let e = acc
        .push_response(&response("S-4", SurveyKind::Ces, 7))
        .unwrap_err();
    assert_eq!(e.record().unwrap().id.as_deref(), Some("S-4"));

    let mut acc = NpsAccumulator::default();
    acc.push_response(&response("S-5", SurveyKind::Nps, 10))
        .unwrap();
    assert_eq!(acc.finish().promoters, 1);
}

#[test]
fn incompatible_merges() {
    let mut a = NpsAccumulator::default();
    a.push(&10).unwrap();
    let before = a.clone();
    let other = Nps::new(NpsOptions::default().with_adjusted_wald(true))
        .unwrap()
        .accumulator();
    assert_eq!(
        a.merge(other).unwrap_err().kind(),
        ErrorKind::IncompatibleMerge
    );
    let other = Nps::new(NpsOptions::default().with_confidence(0.9))
        .unwrap()
        .accumulator();
    assert_eq!(
        a.merge(other).unwrap_err().kind(),
        ErrorKind::IncompatibleMerge
    );
    assert_eq!(a, before);

    let mut a = CsatAccumulator::default();
    let other = Csat::new(CsatOptions::default().with_positive_from(5))
        .unwrap()
        .accumulator();
    let e = a.merge(other).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::IncompatibleMerge);
    assert!(e.to_string().contains("CSAT"), "{e}");
    let other = Csat::new(CsatOptions::default().with_scale(CsatScale::ONE_TO_SEVEN))
        .unwrap()
        .accumulator();
    assert_eq!(
        a.merge(other).unwrap_err().kind(),
        ErrorKind::IncompatibleMerge
    );

    let mut a = CesAccumulator::default();
    let other = Ces::new(CesOptions::default().with_scale(CesScale::EaseOneToSeven))
        .unwrap()
        .accumulator();
    assert_eq!(
        a.merge(other).unwrap_err().kind(),
        ErrorKind::IncompatibleMerge
    );
}

// ---------------------------------------------------------------- state

#[test]
fn accumulator_state_round_trips() {
    let mut nps = Nps::new(
        NpsOptions::default()
            .with_adjusted_wald(true)
            .with_confidence(0.9),
    )
    .unwrap()
    .accumulator();
    for s in [10, 9, 3, 7] {
        nps.push(&s).unwrap();
    }
    let json = serde_json::to_string(&nps).unwrap();
    assert_eq!(
        json,
        r#"{"options":{"adjusted_wald":true,"confidence":0.9},"n":4,"counts":[0,0,0,1,0,0,0,1,0,1,1]}"#
    );
    let back: NpsAccumulator = serde_json::from_str(&json).unwrap();
    assert_eq!(back, nps);
    assert_eq!(back.finish(), nps.finish());

    let mut csat = Csat::new(CsatOptions::default().with_scale(CsatScale::GOOD_BAD))
        .unwrap()
        .accumulator();
    csat.push(&1).unwrap();
    let json = serde_json::to_string(&csat).unwrap();
    assert_eq!(
        json,
        r#"{"options":{"scale":{"min":0,"max":1},"positive_from":1,"confidence":0.95},"n":1,"counts":[0,1]}"#
    );
    let back: CsatAccumulator = serde_json::from_str(&json).unwrap();
    assert_eq!(back, csat);

    let custom = CustomCesScale::new(0, 3, CesDirection::HigherIsBetter, 2).unwrap();
    let mut ces = Ces::new(CesOptions::default().with_scale(CesScale::Custom(custom)))
        .unwrap()
        .accumulator();
    ces.push(&3).unwrap();
    let json = serde_json::to_string(&ces).unwrap();
    assert_eq!(
        json,
        r#"{"options":{"scale":{"custom":{"min":0,"max":3,"better":"higher_is_better","easy_threshold":2}}},"n":1,"counts":[0,0,0,1]}"#
    );
    let back: CesAccumulator = serde_json::from_str(&json).unwrap();
    assert_eq!(back, ces);
}

#[test]
fn tampered_state_is_rejected() {
    let rejected = [
        // n does not match the counts
        (
            r#"{"options":{"adjusted_wald":false,"confidence":0.95},"n":5,"counts":[0,0,0,1,0,0,0,1,0,1,1]}"#,
            "sum of the counts",
        ),
        // 10 counts for an 11-point scale
        (
            r#"{"options":{"adjusted_wald":false,"confidence":0.95},"n":0,"counts":[0,0,0,0,0,0,0,0,0,0]}"#,
            "11 counts",
        ),
        // an invalid option
        (
            r#"{"options":{"adjusted_wald":false,"confidence":1.5},"n":0,"counts":[0,0,0,0,0,0,0,0,0,0,0]}"#,
            "confidence",
        ),
        // an unknown field
        (
            r#"{"options":{"adjusted_wald":false,"confidence":0.95},"n":0,"counts":[0,0,0,0,0,0,0,0,0,0,0],"x":1}"#,
            "unknown field",
        ),
        // counts that overflow the total
        (
            r#"{"options":{"adjusted_wald":false,"confidence":0.95},"n":0,"counts":[18446744073709551615,1,0,0,0,0,0,0,0,0,0]}"#,
            "overflow",
        ),
    ];
    for (json, why) in rejected {
        let e = serde_json::from_str::<NpsAccumulator>(json).unwrap_err();
        assert!(e.to_string().contains(why), "{json}: {e}");
    }

    let csat_rejected = [
        (
            r#"{"options":{"scale":{"min":1,"max":5},"positive_from":6,"confidence":0.95},"n":0,"counts":[0,0,0,0,0]}"#,
            "positive_from",
        ),
        (
            r#"{"options":{"scale":{"min":5,"max":1},"positive_from":1,"confidence":0.95},"n":0,"counts":[]}"#,
            "scale",
        ),
        (
            r#"{"options":{"scale":{"min":1,"max":7},"positive_from":6,"confidence":0.95},"n":0,"counts":[0,0,0,0,0]}"#,
            "7 counts",
        ),
    ];
    for (json, why) in csat_rejected {
        let e = serde_json::from_str::<CsatAccumulator>(json).unwrap_err();
        assert!(e.to_string().contains(why), "{json}: {e}");
    }

    let ces_rejected = [
        (
            r#"{"options":{"scale":{"custom":{"min":0,"max":3,"better":"higher_is_better","easy_threshold":9}}},"n":0,"counts":[0,0,0,0]}"#,
            "easy_threshold",
        ),
        (
            r#"{"options":{"scale":"effort_1_to_7"},"n":0,"counts":[0,0,0,0,0]}"#,
            "unknown variant",
        ),
        (
            r#"{"options":{"scale":"effort_1_to_5"},"n":1,"counts":[0,0,0,0,0]}"#,
            "sum of the counts",
        ),
    ];
    for (json, why) in ces_rejected {
        let e = serde_json::from_str::<CesAccumulator>(json).unwrap_err();
        assert!(e.to_string().contains(why), "{json}: {e}");
    }
}

#[test]
fn results_serialize() {
    let r = Nps::default().compute([10, 0]).unwrap();
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["score"], serde_json::json!({"value": 0.0}));
    assert_eq!(v["n"], 2);
    assert_eq!(v["distribution"][10], serde_json::json!([10, 1]));
    assert_eq!(v["ci95"]["value"]["lower"], -100.0);
    let r = CsatAccumulator::default().finish();
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(
        v["score"],
        serde_json::json!({"undefined": {"reason": "no CSAT responses"}})
    );
    let v = serde_json::to_value(CesAccumulator::default().finish()).unwrap();
    assert_eq!(v["scale"], "effort_1_to_5");
}

// ---------------------------------------------------------------- laws

/// The merge laws for one accumulator type, given a fresh-accumulator factory.
fn check_merge_laws<A>(new: impl Fn() -> A, a: &[i32], b: &[i32], c: &[i32])
where
    A: Accumulator<Record = i32> + Clone + PartialEq + std::fmt::Debug,
    A::Output: PartialEq + std::fmt::Debug,
{
    let fill = |xs: &[i32]| {
        let mut acc = new();
        for x in xs {
            acc.push(x).unwrap();
        }
        acc
    };
    let merged = |mut x: A, y: A| {
        x.merge(y).unwrap();
        x
    };
    let all: Vec<i32> = a.iter().chain(b).chain(c).copied().collect();
    let one_shot = fill(&all);

    // Splitting at every index and merging gives the one-shot state and result.
    for i in 0..=all.len() {
        let (left, right) = all.split_at(i);
        let m = merged(fill(left), fill(right));
        assert_eq!(m, one_shot);
        assert_eq!(m.finish(), one_shot.clone().finish());
    }
    // Commutative.
    assert_eq!(merged(fill(a), fill(b)), merged(fill(b), fill(a)));
    // Associative.
    assert_eq!(
        merged(merged(fill(a), fill(b)), fill(c)),
        merged(fill(a), merged(fill(b), fill(c)))
    );
    assert_eq!(merged(merged(fill(a), fill(b)), fill(c)), one_shot);
    // The empty accumulator is the identity.
    assert_eq!(merged(fill(a), new()), fill(a));
}

fn scores(lo: i32, hi: i32) -> impl Strategy<Value = Vec<i32>> {
    prop::collection::vec(lo..=hi, 0..25)
}

proptest! {
    #[test]
    fn nps_merge_laws(a in scores(0, 10), b in scores(0, 10), c in scores(0, 10), adj: bool) {
        let nps = Nps::new(NpsOptions::default().with_adjusted_wald(adj)).unwrap();
        check_merge_laws(|| nps.accumulator(), &a, &b, &c);
    }

    #[test]
    fn csat_merge_laws(a in scores(1, 5), b in scores(1, 5), c in scores(1, 5)) {
        check_merge_laws(CsatAccumulator::default, &a, &b, &c);
    }

    #[test]
    fn ces_merge_laws(a in scores(1, 7), b in scores(1, 7), c in scores(1, 7)) {
        let ces = Ces::new(CesOptions::default().with_scale(CesScale::EaseOneToSeven)).unwrap();
        check_merge_laws(|| ces.accumulator(), &a, &b, &c);
    }

    #[test]
    fn nps_in_range_and_matches_a_naive_count(xs in scores(0, 10), adj: bool) {
        let nps = Nps::new(NpsOptions::default().with_adjusted_wald(adj)).unwrap();
        let r = nps.compute(&xs).unwrap();
        let p = xs.iter().filter(|&&x| x >= 9).count() as u64;
        let d = xs.iter().filter(|&&x| x <= 6).count() as u64;
        prop_assert_eq!((r.promoters, r.detractors, r.n), (p, d, xs.len() as u64));
        prop_assert_eq!(r.promoters + r.passives + r.detractors, r.n);
        if let Some(score) = r.score.value() {
            prop_assert!((-100.0..=100.0).contains(&score));
            let naive = 100.0 * (p as f64 - d as f64) / xs.len() as f64;
            prop_assert!((score - naive).abs() < 1e-12);
            let ci = r.ci95.value().unwrap();
            prop_assert!(-100.0 <= ci.lower && ci.lower <= ci.upper && ci.upper <= 100.0);
            if !adj {
                prop_assert!(ci.contains(score));
            }
            prop_assert!(r.standard_error.value().unwrap() >= 0.0);
        } else {
            prop_assert!(xs.is_empty());
        }
    }

    #[test]
    fn csat_in_range(xs in scores(1, 5)) {
        let r = Csat::default().compute(&xs).unwrap();
        if let Some(score) = r.score.value() {
            prop_assert!((0.0..=100.0).contains(&score));
            let ci = r.ci95.value().unwrap();
            prop_assert!(0.0 <= ci.lower && ci.lower <= ci.upper && ci.upper <= 100.0);
            prop_assert!(ci.lower <= score + 1e-9 && score <= ci.upper + 1e-9);
            let mean = r.mean.value().unwrap();
            prop_assert!((1.0..=5.0).contains(&mean));
        } else {
            prop_assert!(xs.is_empty());
        }
    }

    #[test]
    fn ces_easy_share_in_range(xs in scores(1, 5)) {
        let r = Ces::default().compute(&xs).unwrap();
        if let Some(share) = r.easy_share.value() {
            prop_assert!((0.0..=1.0).contains(&share));
            prop_assert_eq!(r.easy, xs.iter().filter(|&&x| x <= 2).count() as u64);
        }
    }

    #[test]
    fn state_round_trips(xs in scores(0, 10)) {
        let mut acc = NpsAccumulator::default();
        for x in &xs {
            acc.push(x).unwrap();
        }
        let back: NpsAccumulator =
            serde_json::from_str(&serde_json::to_string(&acc).unwrap()).unwrap();
        prop_assert_eq!(back, acc);
    }
}
