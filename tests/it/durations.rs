//! `DurationSummary`: hand-worked statistics, the sketch's accuracy, serde, and the merge laws.

use proptest::prelude::*;
use supportkpi::ErrorKind;
use supportkpi::kpi::Accumulator;
use supportkpi::stats::{DurationStats, DurationSummary, QuantileMode};

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

/// (n, mean, median, p90, min, max).
type Summary = (u64, f64, f64, f64, i64, i64);

/// The statistics, every one of them defined.
fn stats(s: DurationSummary) -> Summary {
    let st = s.finish();
    (
        st.n,
        st.mean.value().unwrap(),
        st.median.value().unwrap(),
        st.p90.value().unwrap(),
        st.min.value().unwrap(),
        st.max.value().unwrap(),
    )
}

#[test]
fn five_response_times() {
    let st = exact(&[60, 120, 180, 240, 3600]).finish();
    assert_eq!(st.n, 5);
    assert_eq!(st.total_seconds, 4200);
    assert_eq!(st.mean.value(), Some(840.0));
    assert_eq!(st.median.value(), Some(180.0));
    // h = 4 × 0.9 = 3.6 → 240 + 0.6 × (3600 − 240).
    assert_eq!(st.p90.value(), Some(2256.0));
    assert_eq!(st.min.value(), Some(60));
    assert_eq!(st.max.value(), Some(3600));
    assert_eq!(st.relative_error, None);
}

#[test]
fn hand_worked_sets() {
    // Order of pushes never matters: the sets are given unsorted on purpose.
    let cases: &[(&[i64], Summary)] = &[
        // Even n: median = (20 + 30) / 2; p90: h = 2.7 → 30 + 0.7 × 10.
        (&[40, 10, 30, 20], (4, 25.0, 25.0, 37.0, 10, 40)),
        // Ties: median inside the run of 5s; p90: h = 2.7 → 5 + 0.7 × 95.
        (&[5, 100, 5, 5], (4, 28.75, 5.0, 71.5, 5, 100)),
        // Odd n with ties: p90: h = 3.6 → 2 + 0.6 × 7.
        (&[9, 2, 1, 2, 2], (5, 3.2, 2.0, 6.2, 1, 9)),
        // A single value is every statistic.
        (&[42], (1, 42.0, 42.0, 42.0, 42, 42)),
        // Two values: median halfway, p90: h = 0.9 → 0 + 0.9 × 7.
        (&[7, 0], (2, 3.5, 3.5, 6.3, 0, 7)),
        // All zeros.
        (&[0, 0, 0], (3, 0.0, 0.0, 0.0, 0, 0)),
    ];
    for (values, expected) in cases {
        assert_eq!(stats(exact(values)), *expected, "{values:?}");
    }
}

#[test]
fn sketch_is_exact_where_it_can_be() {
    // One value, all zeros, and the extreme ranks come out exact in sketch mode too.
    assert_eq!(stats(sketch(0.01, &[42])), (1, 42.0, 42.0, 42.0, 42, 42));
    assert_eq!(stats(sketch(0.01, &[0, 0, 0])), (3, 0.0, 0.0, 0.0, 0, 0));
    let (n, mean, median, _, min, max) = stats(sketch(0.01, &[60, 120, 180, 240, 3600]));
    assert_eq!((n, mean, min, max), (5, 840.0, 60, 3600));
    assert!((median - 180.0).abs() <= 0.01 * 180.0);
    let mut s = sketch(0.01, &[60, 120, 180, 240, 3600]);
    assert_eq!(s.quantile(0.0).unwrap().value(), Some(60.0));
    assert_eq!(s.quantile(1.0).unwrap().value(), Some(3600.0));
}

#[test]
fn no_durations_is_undefined() {
    for s in [
        DurationSummary::exact(),
        DurationSummary::sketch(0.01).unwrap(),
    ] {
        let alpha = s.mode();
        let st = s.finish();
        assert_eq!(st.n, 0);
        assert_eq!(st.total_seconds, 0);
        for m in [&st.mean, &st.median, &st.p90] {
            assert_eq!(m.undefined_reason(), Some("no durations"), "{alpha:?}");
        }
        assert_eq!(st.min.undefined_reason(), Some("no durations"));
        assert_eq!(st.max.undefined_reason(), Some("no durations"));
    }
    assert_eq!(DurationSummary::default().mode(), QuantileMode::Exact);
    assert_eq!(
        DurationSummary::sketch(0.01)
            .unwrap()
            .finish()
            .relative_error,
        Some(0.01)
    );
}

#[test]
fn a_negative_duration_is_an_error_naming_it() {
    for mut s in [
        DurationSummary::exact(),
        DurationSummary::sketch(0.01).unwrap(),
    ] {
        s.push(&30).unwrap();
        let err = s.push(&-90).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NegativeDuration);
        assert_eq!(err.field(), Some("duration_seconds"));
        assert_eq!(err.value(), Some("-90"));
        assert!(err.to_string().contains("negative"), "{err}");
        // Unchanged by the rejected push.
        assert_eq!(s.len(), 1);
        assert_eq!(s.total_seconds(), 30);
        assert_eq!(stats(s).4, 30);
    }
}

#[test]
fn quantile_rejects_q_outside_0_1() {
    let mut s = exact(&[1, 2, 3]);
    for q in [-0.1, 1.000_001, f64::NAN] {
        let err = s.quantile(q).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidOption);
        assert_eq!(err.field(), Some("q"));
    }
}

#[test]
fn incompatible_merges_are_errors() {
    let pairs = [
        (
            DurationSummary::exact(),
            DurationSummary::sketch(0.01).unwrap(),
        ),
        (
            DurationSummary::sketch(0.01).unwrap(),
            DurationSummary::exact(),
        ),
        (
            DurationSummary::sketch(0.01).unwrap(),
            DurationSummary::sketch(0.02).unwrap(),
        ),
    ];
    for (mut a, b) in pairs {
        a.push(&5).unwrap();
        let err = a.merge(b).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::IncompatibleMerge);
        assert_eq!(a.len(), 1);
    }
}

/// splitmix64: a small deterministic generator, so the data set is the same on every run.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    /// A standard normal, by Box–Muller.
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.unit(), self.unit());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// Response times shaped like real ones: log-normal around an hour, a long tail to months,
/// and 2 % answered within the same second (zero).
fn response_times(n: usize) -> Vec<i64> {
    let mut rng = Rng(20_240_601);
    (0..n)
        .map(|_| {
            if rng.unit() < 0.02 {
                0
            } else {
                (3600f64.ln() + 1.5 * rng.normal()).exp().round() as i64
            }
        })
        .collect()
}

fn assert_within(alpha: f64, estimate: f64, exact: f64, what: &str) {
    // The bound is α relative to the value; the slack covers floating-point rounding only.
    let bound = alpha * exact * (1.0 + 1e-9) + 1e-9;
    assert!(
        (estimate - exact).abs() <= bound,
        "{what}: estimate {estimate} vs exact {exact} (α = {alpha})"
    );
}

#[test]
fn sketch_quantiles_are_within_alpha_on_100k_response_times() {
    let values = response_times(100_000);
    let mut exact = exact(&values);
    let qs: Vec<f64> = (0..=100).map(|i| f64::from(i) / 100.0).collect();
    let wanted: Vec<f64> = qs
        .iter()
        .map(|&q| exact.quantile(q).unwrap().value().unwrap())
        .collect();
    let e = exact.finish();
    for alpha in [0.01, 0.001, 0.05] {
        let mut sk = sketch(alpha, &values);
        for (&q, &want) in qs.iter().zip(&wanted) {
            let got = sk.quantile(q).unwrap().value().unwrap();
            assert_within(alpha, got, want, &format!("q = {q}"));
        }
        let s = sk.finish();
        assert_within(
            alpha,
            s.median.value().unwrap(),
            e.median.value().unwrap(),
            "median",
        );
        assert_within(alpha, s.p90.value().unwrap(), e.p90.value().unwrap(), "p90");
        // Everything else is exact in both modes.
        assert_eq!(
            (s.n, s.total_seconds, s.mean.clone()),
            (e.n, e.total_seconds, e.mean.clone())
        );
        assert_eq!(
            (s.min.clone(), s.max.clone()),
            (e.min.clone(), e.max.clone())
        );
        assert_eq!(s.relative_error, Some(alpha));
    }
}

#[test]
fn state_round_trips_in_both_modes() {
    let values = response_times(2_000);
    for s in [exact(&values), sketch(0.01, &values)] {
        let text = serde_json::to_string(&s).unwrap();
        let back: DurationSummary = serde_json::from_str(&text).unwrap();
        assert_eq!(back.mode(), s.mode());
        assert_eq!(back.len(), 2_000);
        // A deserialized partition merges with a local one.
        let mut merged = s.clone();
        merged.merge(back).unwrap();
        assert_eq!(merged.len(), 4_000);
        assert_eq!(
            serde_json::from_str::<DurationSummary>(&text)
                .unwrap()
                .finish(),
            s.finish()
        );
    }
}

#[test]
fn tampered_state_is_rejected() {
    let mut v = serde_json::to_value(exact(&[60, 120, 180])).unwrap();
    v["quantiles"]["exact"]["durations"][2] = 18.into();
    let err = serde_json::from_value::<DurationSummary>(v).unwrap_err();
    assert!(err.to_string().contains("total_seconds"), "{err}");

    let mut v = serde_json::to_value(sketch(0.01, &[60, 120, 180])).unwrap();
    v["n"] = 4.into();
    v["total_seconds"] = 400.into();
    let err = serde_json::from_value::<DurationSummary>(v).unwrap_err();
    assert!(
        err.to_string().contains("zero count plus the bin counts"),
        "{err}"
    );
}

#[test]
fn stats_serialize_with_their_undefined_reasons() {
    let v = serde_json::to_value(DurationSummary::exact().finish()).unwrap();
    assert_eq!(v["n"], 0);
    assert_eq!(v["median"]["undefined"]["reason"], "no durations");
    let st = exact(&[60, 120]).finish();
    let v = serde_json::to_value(&st).unwrap();
    assert_eq!(v["median"]["value"], 90.0);
    assert_eq!(serde_json::from_value::<DurationStats>(v).unwrap(), st);
}

/// The reference: a full sort and the textbook formula, h = (n − 1)·q in exact fractions.
fn reference_quantile(values: &[i64], num: i128, den: i128) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort();
    let t = (sorted.len() as i128 - 1) * num;
    let (k, r) = ((t / den) as usize, t % den);
    if r == 0 {
        // h is a whole rank: the value itself, with no rounding through a numerator.
        return sorted[k] as f64;
    }
    let lo = i128::from(sorted[k]);
    let hi = i128::from(*sorted.get(k + 1).unwrap_or(&sorted[k]));
    (den * lo + r * (hi - lo)) as f64 / den as f64
}

fn durations() -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => 0i64..100,
        4 => 0i64..10_000_000,
        1 => 0i64..=i64::MAX,
    ]
}

fn modes() -> impl Strategy<Value = QuantileMode> {
    prop_oneof![
        Just(QuantileMode::Exact),
        (1e-4f64..0.2).prop_map(|relative_accuracy| QuantileMode::Sketch { relative_accuracy }),
    ]
}

fn summary(mode: QuantileMode, values: &[i64]) -> DurationSummary {
    let mut s = DurationSummary::new(mode).unwrap();
    s.try_extend(values.iter().copied()).unwrap();
    s
}

fn merged(mode: QuantileMode, parts: &[&[i64]]) -> DurationStats {
    let mut acc = DurationSummary::new(mode).unwrap();
    for p in parts {
        acc.merge(summary(mode, p)).unwrap();
    }
    acc.finish()
}

proptest! {
    #[test]
    fn merge_is_associative_and_commutative(
        mode in modes(),
        a in prop::collection::vec(durations(), 0..20),
        b in prop::collection::vec(durations(), 0..20),
        c in prop::collection::vec(durations(), 0..20),
    ) {
        let abc = {
            let mut ab = summary(mode, &a);
            ab.merge(summary(mode, &b)).unwrap();
            ab.merge(summary(mode, &c)).unwrap();
            ab.finish()
        };
        let a_bc = {
            let mut bc = summary(mode, &b);
            bc.merge(summary(mode, &c)).unwrap();
            let mut x = summary(mode, &a);
            x.merge(bc).unwrap();
            x.finish()
        };
        prop_assert_eq!(&abc, &a_bc);
        prop_assert_eq!(&abc, &merged(mode, &[&c, &a, &b]));
        prop_assert_eq!(&abc, &merged(mode, &[&b, &c, &a]));
    }

    #[test]
    fn splitting_anywhere_and_merging_equals_one_shot(
        mode in modes(),
        values in prop::collection::vec(durations(), 0..40),
    ) {
        // Exactly equal in both modes: the sketch merges by adding bin counts.
        let one_shot = summary(mode, &values).finish();
        for i in 0..=values.len() {
            let (l, r) = values.split_at(i);
            prop_assert_eq!(&merged(mode, &[l, r]), &one_shot, "split at {}", i);
            prop_assert_eq!(&merged(mode, &[r, l]), &one_shot, "split at {}", i);
        }
    }

    #[test]
    fn exact_quantiles_equal_a_full_sort(
        values in prop::collection::vec(durations(), 1..60),
        q in 0.0f64..=1.0,
    ) {
        let mut s = exact(&values);
        let mut sorted = values.clone();
        sorted.sort();
        let h = q * (sorted.len() - 1) as f64;
        let k = h.floor() as usize;
        let hi = *sorted.get(k + 1).unwrap_or(&sorted[k]);
        let want = sorted[k] as f64 + (h - k as f64) * (hi - sorted[k]) as f64;
        prop_assert_eq!(s.quantile(q).unwrap().value(), Some(want));

        let st = s.finish();
        prop_assert_eq!(st.median.value(), Some(reference_quantile(&values, 1, 2)));
        prop_assert_eq!(st.p90.value(), Some(reference_quantile(&values, 9, 10)));
        prop_assert_eq!(st.min.value(), sorted.first().copied());
        prop_assert_eq!(st.max.value(), sorted.last().copied());
        let total: i128 = values.iter().map(|&v| i128::from(v)).sum();
        prop_assert_eq!(st.total_seconds, total as u128);
        let mean = st.mean.value().unwrap();
        let want_mean = total as f64 / values.len() as f64;
        prop_assert!((mean - want_mean).abs() <= want_mean * 1e-15);
    }

    #[test]
    fn sketch_quantiles_are_within_alpha(
        values in prop::collection::vec(durations(), 1..200),
        alpha in 1e-4f64..0.2,
        q in 0.0f64..=1.0,
    ) {
        let mut e = exact(&values);
        let mut s = sketch(alpha, &values);
        let want = e.quantile(q).unwrap().value().unwrap();
        let got = s.quantile(q).unwrap().value().unwrap();
        prop_assert!((got - want).abs() <= alpha * want * (1.0 + 1e-9) + 1e-9, "{} vs {}", got, want);
    }

    #[test]
    fn statistics_are_ordered(
        mode in modes(),
        values in prop::collection::vec(durations(), 1..100),
    ) {
        let st = summary(mode, &values).finish();
        let (min, max) = (st.min.value().unwrap() as f64, st.max.value().unwrap() as f64);
        let (median, p90) = (st.median.value().unwrap(), st.p90.value().unwrap());
        let mean = st.mean.value().unwrap();
        prop_assert!(min <= median && median <= p90 && p90 <= max, "{:?}", st);
        prop_assert!(min <= mean && mean <= max, "{:?}", st);
    }
}
