use super::*;
use proptest::prelude::*;

fn exact(values: &[i64]) -> DurationSummary {
    let mut s = DurationSummary::exact();
    s.try_extend(values.iter().copied()).unwrap();
    s
}

fn sketch(alpha: f64, values: &[i64]) -> DurationSummary {
    let mut s = DurationSummary::sketch(alpha).unwrap();
    s.try_extend(values.iter().copied()).unwrap();
    s
}

#[test]
fn ratio_position_has_no_rounding() {
    // n = 5, q = 9/10: h = 3.6.
    let p = Position::of_ratio(5, 9, 10);
    assert_eq!(p.k, 3);
    assert!(matches!(p.frac, Fraction::Ratio(6, 10)));
    assert_eq!(p.lerp_exact(240, 3600), 2256.0);
    // n = 1: h = 0 for every q.
    let p = Position::of_ratio(1, 9, 10);
    assert_eq!(p.k, 0);
    assert!(matches!(p.frac, Fraction::Ratio(0, 10)));
}

#[test]
fn float_position_clamps_to_the_last_rank() {
    let p = Position::of_float(4, 1.0);
    assert_eq!(p.k, 3);
    let p = Position::of_float(4, 0.25);
    assert_eq!(p.k, 0);
    assert_eq!(p.lerp_exact(10, 20), 17.5);
}

#[test]
fn select_pair_finds_adjacent_ranks() {
    let mut v = vec![5, 1, 4, 2, 3];
    assert_eq!(select_pair(&mut v, 0), (1, 2));
    assert_eq!(select_pair(&mut v, 3), (4, 5));
    assert_eq!(select_pair(&mut v, 4), (5, 5));
    let mut ties = vec![7, 7, 7];
    assert_eq!(select_pair(&mut ties, 1), (7, 7));
}

#[test]
fn mean_is_exact_for_small_totals_and_close_for_huge_ones() {
    assert_eq!(mean(4200, 5), 840.0);
    assert_eq!(mean(7, 2), 3.5);
    assert_eq!(mean(1, 3), 1.0 / 3.0);
    let total = u128::from(u64::MAX) * 3 + 1;
    let m = mean(total, 3);
    assert_eq!(m, u64::MAX as f64);
}

#[test]
fn sketch_counts_zeros_exactly() {
    let s = sketch(0.01, &[0, 0, 0, 10]);
    let stats = s.finish();
    assert_eq!(stats.median.value(), Some(0.0));
    assert_eq!(stats.min.value(), Some(0));
    // p90: h = 2.7, between 0 and 10 (the max, clamped exactly).
    assert_eq!(stats.p90.value(), Some(7.0));
}

#[test]
fn sketch_of_one_repeated_value_is_exact() {
    let stats = sketch(0.05, &[3600; 7]).finish();
    assert_eq!(stats.median.value(), Some(3600.0));
    assert_eq!(stats.p90.value(), Some(3600.0));
}

#[test]
fn relative_accuracy_bounds() {
    for bad in [0.0, -0.1, 1.0, 2.0, 1e-7, f64::NAN, f64::INFINITY] {
        let err = DurationSummary::sketch(bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidOption, "{bad}");
        assert_eq!(err.field(), Some("relative_accuracy"));
    }
    for good in [1e-6, 0.001, 0.01, 0.5, 0.999_999] {
        assert!(DurationSummary::sketch(good).is_ok(), "{good}");
    }
}

#[test]
fn extreme_durations_stay_within_alpha() {
    // The largest representable duration must still map to a sane bucket at the finest α.
    for alpha in [1e-6, 0.01, 0.9] {
        let stats = sketch(alpha, &[1, i64::MAX, i64::MAX]).finish();
        assert_eq!(stats.max.value(), Some(i64::MAX));
        let median = stats.median.value().unwrap();
        let exact = i64::MAX as f64;
        assert!(
            (median - exact).abs() <= alpha * exact * (1.0 + 1e-9),
            "{alpha}: {median}"
        );
        assert_eq!(stats.total_seconds, 1 + 2 * i64::MAX as u128);
    }
}

#[test]
fn merge_into_an_empty_exact_summary_moves_the_larger_side() {
    let mut a = DurationSummary::exact();
    a.merge(exact(&[3, 1, 2])).unwrap();
    assert_eq!(a.len(), 3);
    assert_eq!(a.finish().median.value(), Some(2.0));
}

#[test]
fn failed_merge_leaves_self_unchanged() {
    let mut a = sketch(0.01, &[1, 2, 3]);
    let err = a.merge(sketch(0.02, &[4])).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::IncompatibleMerge);
    assert_eq!(a.len(), 3);
    assert_eq!(a.total_seconds(), 6);
}

fn json(s: &DurationSummary) -> serde_json::Value {
    serde_json::to_value(s).unwrap()
}

fn reject(v: serde_json::Value, field: &str) {
    let text = v.to_string();
    let err = serde_json::from_value::<DurationSummary>(v).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains(field), "{msg} (state {text})");
}

#[test]
fn exact_state_shape() {
    let v = json(&exact(&[60, 0]));
    assert_eq!(
        v,
        serde_json::json!({
            "n": 2, "total_seconds": 60, "min": 0, "max": 60,
            "quantiles": {"exact": {"durations": [60, 0]}}
        })
    );
}

#[test]
fn tampered_exact_states_are_rejected() {
    let good = json(&exact(&[60, 120, 180]));
    let mut v = good.clone();
    v["n"] = 4.into();
    reject(v, "field n");
    let mut v = good.clone();
    v["total_seconds"] = 361.into();
    reject(v, "field total_seconds");
    let mut v = good.clone();
    v["quantiles"]["exact"]["durations"][0] = (-60).into();
    reject(v, "negative");
    let mut v = good.clone();
    v["min"] = 61.into();
    v["total_seconds"] = 360.into();
    reject(v, "min");
    let mut v = good.clone();
    v["min"] = 200.into();
    reject(v, "field min");
    let mut v = good.clone();
    v["max"] = serde_json::Value::Null;
    reject(v, "field n");
    let mut v = json(&DurationSummary::exact());
    v["total_seconds"] = 1.into();
    reject(v, "field n");
}

#[test]
fn tampered_sketch_states_are_rejected() {
    let good = json(&sketch(0.01, &[0, 60, 120, 3600]));
    assert_eq!(good["quantiles"]["sketch"]["zero_count"], 1);
    let mut v = good.clone();
    v["quantiles"]["sketch"]["relative_accuracy"] = 1.5.into();
    reject(v, "field relative_accuracy");
    let mut v = good.clone();
    v["quantiles"]["sketch"]["zero_count"] = 2.into();
    reject(v, "field n");
    let mut v = good.clone();
    v["quantiles"]["sketch"]["bins"][0][1] = 0.into();
    reject(v, "field bins");
    let mut v = good.clone();
    v["quantiles"]["sketch"]["bins"][0][0] = 100_000.into();
    reject(v, "field bins");
    let mut v = good.clone();
    let bins = v["quantiles"]["sketch"]["bins"].as_array_mut().unwrap();
    bins.swap(0, 1);
    reject(v, "field bins");
    let mut v = good.clone();
    v["min"] = 1.into();
    reject(v, "field zero_count");
    let mut v = good.clone();
    v["quantiles"]["sketch"]["bins"] = serde_json::json!([]);
    v["quantiles"]["sketch"]["zero_count"] = 4.into();
    reject(v, "field bins");
}

proptest! {
    #[test]
    fn state_round_trips(values in prop::collection::vec(0i64..1_000_000, 0..60), alpha in 1e-4f64..0.5) {
        for s in [exact(&values), sketch(alpha, &values)] {
            let text = serde_json::to_string(&s).unwrap();
            let back: DurationSummary = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(back.mode(), s.mode());
            prop_assert_eq!(back.finish(), s.finish());
        }
    }
}
