//! Exact decimal sums, so that money totals do not depend on push order or partitioning.

use rust_decimal::Decimal;

/// `a + b` when Decimal can hold it exactly, at the larger of the two scales (so an exact sum
/// has the largest scale of its terms, whatever their order), a zero result being +0.
/// Decimal's own addition silently rounds away trailing digits once the 96-bit mantissa is
/// full, and rounding makes sums depend on the order of the additions; refusing instead keeps
/// every accepted sum exact and order-free.
pub(crate) fn exact_add(a: Decimal, b: Decimal) -> Option<Decimal> {
    let scale = a.scale().max(b.scale());
    let mut s = a.checked_add(b)?;
    if s.scale() < scale && (a.is_zero() || b.is_zero()) {
        // Decimal returns the other operand as it is when one is zero (`1.5 + 0.00` is `1.5`):
        // the sum is exact, only the zero's scale was dropped.
        s.rescale(scale);
    }
    if s.is_zero() {
        // `0 + -0.00` is `-0.00` in Decimal: one sign for zero, whatever the order.
        s.set_sign_positive(true);
    }
    (s.scale() >= scale).then_some(s)
}

/// `a − b`, exact or `None` (see [`exact_add`]).
pub(crate) fn exact_sub(a: Decimal, b: Decimal) -> Option<Decimal> {
    exact_add(a, -b)
}

/// 100 × `num` / `den`, the one rounding step (Decimal division keeps 28 significant digits).
pub(crate) fn percent(num: Decimal, den: Decimal) -> Option<Decimal> {
    match num.checked_mul(Decimal::ONE_HUNDRED) {
        Some(n) => n.checked_div(den),
        None => num.checked_div(den)?.checked_mul(Decimal::ONE_HUNDRED),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_sums_keep_scale_and_refuse_rounding() {
        let a = Decimal::new(150, 2);
        assert_eq!(exact_add(a, a).unwrap().to_string(), "3.00");
        let tiny = Decimal::from_i128_with_scale(1, 28);
        let big = Decimal::from(1_000_000_000_000_i64);
        assert_eq!(exact_add(big, tiny), None);
        assert_eq!(exact_add(Decimal::MAX, Decimal::ONE), None);
        assert_eq!(exact_sub(a, a), Some(Decimal::new(0, 2)));
        // A zero term keeps its scale in the sum, in either order, and a zero sum is +0.
        let zero2 = Decimal::new(0, 2);
        for (x, y) in [(Decimal::new(15, 1), zero2), (zero2, Decimal::new(15, 1))] {
            assert_eq!(exact_add(x, y).unwrap().to_string(), "1.50");
        }
        assert_eq!(exact_add(Decimal::ZERO, zero2).unwrap().to_string(), "0.00");
        assert_eq!(exact_add(zero2, Decimal::ZERO).unwrap().to_string(), "0.00");
        let neg_zero = -zero2;
        assert!(neg_zero.is_sign_negative());
        let z = exact_add(Decimal::ZERO, neg_zero).unwrap();
        assert!(z.is_sign_positive() && z.to_string() == "0.00");
        // A zero whose scale the other operand cannot take is not exact.
        assert_eq!(exact_add(Decimal::MAX, Decimal::new(0, 1)), None);
        assert_eq!(
            percent(Decimal::ONE, Decimal::from(3)).unwrap().round_dp(4),
            Decimal::new(333_333, 4)
        );
    }
}
