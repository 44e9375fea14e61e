//! Exact decimal sums, so that money totals do not depend on push order or partitioning.

use rust_decimal::Decimal;

/// `a + b` when Decimal can hold it exactly. Decimal's own addition silently rounds away
/// trailing digits once the 96-bit mantissa is full, and rounding makes sums depend on the order
/// of the additions; refusing instead keeps every accepted sum exact and order-free.
pub(crate) fn exact_add(a: Decimal, b: Decimal) -> Option<Decimal> {
    let s = a.checked_add(b)?;
    (s.scale() >= a.scale().max(b.scale())).then_some(s)
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
        assert_eq!(
            percent(Decimal::ONE, Decimal::from(3)).unwrap().round_dp(4),
            Decimal::new(333_333, 4)
        );
    }
}
