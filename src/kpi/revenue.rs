//! Gross and net revenue retention (docs/definitions.md, "Revenue retention").

use super::exact::{exact_add, exact_sub, percent};
use super::retention::report_keys;
use super::{Accumulator, Kpi, Metric, incompatible};
use crate::error::{Error, ErrorKind};
use crate::model::{Currency, Customer, CustomerId, Money};
use crate::time::{Bucketer, Period, PeriodKey};
use chrono::NaiveDate;
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Bound::{Excluded, Included};

const REC: &str = "revenue_snapshot";

/// A customer's recurring revenue from a local date on (until its next snapshot).
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// use supportkpi::kpi::RevenueSnapshot;
/// use supportkpi::model::{Currency, Money};
/// let on = NaiveDate::from_ymd_opt(2021, 6, 1).unwrap();
/// let s = RevenueSnapshot::new("acme", on, Money::new(Decimal::new(120_000, 2), Currency::new("EUR")?))?;
/// assert_eq!(s.on(), on);
/// let neg = Money::new(Decimal::from(-1), Currency::new("EUR")?);
/// assert!(RevenueSnapshot::new("acme", on, neg).is_err());
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SnapshotRepr")]
pub struct RevenueSnapshot {
    customer_id: CustomerId,
    on: NaiveDate,
    recurring_revenue: Money,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotRepr {
    customer_id: CustomerId,
    on: NaiveDate,
    recurring_revenue: Money,
}

impl TryFrom<SnapshotRepr> for RevenueSnapshot {
    type Error = Error;
    fn try_from(r: SnapshotRepr) -> Result<Self, Error> {
        RevenueSnapshot::new(r.customer_id, r.on, r.recurring_revenue)
    }
}

impl RevenueSnapshot {
    /// A snapshot: `customer_id`'s recurring revenue is `recurring_revenue` from `on`.
    ///
    /// # Errors
    /// [`ErrorKind::MissingField`] for an empty id; [`ErrorKind::InvalidValue`] for a negative
    /// amount.
    pub fn new(
        customer_id: impl Into<CustomerId>,
        on: NaiveDate,
        recurring_revenue: Money,
    ) -> Result<Self, Error> {
        let customer_id = customer_id.into();
        if customer_id.as_str().trim().is_empty() {
            return Err(Error::new(
                ErrorKind::MissingField,
                "a revenue snapshot needs a customer id",
            )
            .with_record_type(REC)
            .with_field("customer_id"));
        }
        if recurring_revenue.amount.is_sign_negative() && !recurring_revenue.amount.is_zero() {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                "recurring revenue is zero (churned) or positive",
            )
            .with_record_type(REC)
            .with_id(customer_id.as_str())
            .with_field("recurring_revenue")
            .with_value(recurring_revenue.amount));
        }
        Ok(RevenueSnapshot {
            customer_id,
            on,
            recurring_revenue,
        })
    }

    /// The customer.
    pub fn customer_id(&self) -> &CustomerId {
        &self.customer_id
    }
    /// The first local date the amount applies to.
    pub fn on(&self) -> NaiveDate {
        self.on
    }
    /// The recurring revenue from that date on.
    pub fn recurring_revenue(&self) -> &Money {
        &self.recurring_revenue
    }

    /// The snapshots that customer records say (docs/definitions.md, "Revenue retention from
    /// customers"): the one rule the report's revenue-retention section reads its customers by.
    ///
    /// A [`Customer`] with a recurring revenue has that revenue from the local date (in `zone`)
    /// of its acquisition, and zero from the local date of its churn. A customer without a
    /// recurring revenue gives no snapshot (it has none to retain). Several records of one id
    /// (churn and return) are read in order of acquisition; when two of a customer's changes
    /// fall on the same local date the later one is the day's snapshot (a churn on the day of
    /// its acquisition leaves zero; a return on the day of the churn leaves the new revenue).
    /// The snapshots come sorted by customer id, then date.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] for a negative recurring revenue (naming the customer).
    ///
    /// # Example
    /// ```
    /// use chrono::{NaiveDate, TimeZone, Utc};
    /// use chrono_tz::America::New_York;
    /// use rust_decimal::Decimal;
    /// use supportkpi::Customer;
    /// use supportkpi::kpi::RevenueSnapshot;
    /// use supportkpi::model::{Currency, Money};
    ///
    /// let usd = Money::new(Decimal::from(90), Currency::new("USD")?);
    /// // 03:00 UTC on March 1 is still February 28 in New York.
    /// let a = Customer::new("a", Utc.with_ymd_and_hms(2021, 3, 1, 3, 0, 0).unwrap())?
    ///     .with_revenue(usd)
    ///     .with_churned_at(Utc.with_ymd_and_hms(2021, 6, 10, 12, 0, 0).unwrap())?;
    /// let s = RevenueSnapshot::from_customers([&a], New_York)?;
    /// let d = |m, d| NaiveDate::from_ymd_opt(2021, m, d).unwrap();
    /// let got: Vec<_> = s.iter().map(|s| (s.on(), s.recurring_revenue().amount)).collect();
    /// assert_eq!(got, [(d(2, 28), Decimal::from(90)), (d(6, 10), Decimal::ZERO)]);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn from_customers<'a>(
        customers: impl IntoIterator<Item = &'a Customer>,
        zone: Tz,
    ) -> Result<Vec<RevenueSnapshot>, Error> {
        let mut by_id: BTreeMap<&CustomerId, Vec<(&Customer, Money)>> = BTreeMap::new();
        for c in customers {
            if let Some(m) = c.recurring_revenue() {
                by_id.entry(c.id()).or_default().push((c, *m));
            }
        }
        let local = |t: crate::model::Instant| t.with_timezone(&zone).date_naive();
        let mut out = Vec::new();
        for (id, mut records) in by_id {
            records.sort_by_key(|(c, _)| (c.acquired_at(), c.churned_at()));
            let mut days: BTreeMap<NaiveDate, Money> = BTreeMap::new();
            for (c, revenue) in records {
                days.insert(local(c.acquired_at()), revenue);
                if let Some(at) = c.churned_at() {
                    days.insert(local(at), Money::zero(revenue.currency));
                }
            }
            for (on, revenue) in days {
                out.push(
                    RevenueSnapshot::new(id.clone(), on, revenue)
                        .map_err(|e| e.with_record_type("customer"))?,
                );
            }
        }
        Ok(out)
    }
}

/// Options of [`RevenueRetention`]. No zone: snapshots carry local dates already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevenueRetentionOptions {
    /// Period length (default: month).
    pub period: Period,
    /// Report the periods containing `first` through the one containing `last`. `None` (the
    /// default): from the period of the earliest snapshot to that of the latest.
    pub range: Option<(NaiveDate, NaiveDate)>,
}

impl Default for RevenueRetentionOptions {
    fn default() -> Self {
        RevenueRetentionOptions {
            period: Period::Month,
            range: None,
        }
    }
}

impl RevenueRetentionOptions {
    /// Sets the period length.
    #[must_use]
    pub fn with_period(mut self, period: Period) -> Self {
        self.period = period;
        self
    }

    /// Reports exactly the periods containing `first` through the one containing `last`.
    #[must_use]
    pub fn with_range(mut self, first: NaiveDate, last: NaiveDate) -> Self {
        self.range = Some((first, last));
        self
    }

    fn validate(&self) -> Result<(), Error> {
        super::RetentionOptions {
            period: self.period,
            zone: Tz::UTC,
            range: self.range,
        }
        .validate()
    }
}

/// Gross and net revenue retention (docs/definitions.md, "Revenue retention").
///
/// A [`Customer`](crate::Customer) has one `recurring_revenue`, which cannot say how revenue
/// *changed*, so revenue retention reads its own record: a [`RevenueSnapshot`] says "from this
/// local date on, this customer's recurring revenue is this amount" (MRR or ARR, one kind and one
/// currency per computation). A churned customer is a snapshot of zero.
///
/// # Definitions
///
/// For a period, a customer's **start revenue** is its latest snapshot dated on or before the
/// period's first day, and its **end revenue** its latest snapshot dated on or before the first
/// day after the period (which is the next period's start revenue, so nothing falls between
/// periods). Monthly snapshots dated on the 1st ("MRR on June 1") and on the last day ("MRR at
/// June 30") both read naturally: June runs from the June-1 (or May-31) value to the July-1 (or
/// June-30) value. A customer with no snapshot yet has zero.
///
/// The **starting cohort** is the customers with start revenue > 0; customers acquired during the
/// period are not in it. Over that cohort, with s the start and e the end revenue:
///
/// - **GRR** = 100 × Σ min(e, s) / Σ s — expansion excluded, churn counted as e = 0; GRR ≤ 100.
/// - **NRR** = 100 × Σ e / Σ s — expansion included; GRR ≤ NRR.
///
/// Sums are exact [`Decimal`]s, at the largest scale of their terms (`100.5` and `200.00` sum to
/// `300.50`; a sum of no terms is `0`); the one rounding is the final division (28 significant digits),
/// and both rates are [`Decimal`] percentages. For a float, convert at the very end
/// (`rust_decimal::prelude::ToPrimitive::to_f64`). An empty cohort makes both undefined.
///
/// Periods reported: those containing the dates of
/// [`RevenueRetentionOptions::range`] when set; otherwise from the period of the earliest
/// snapshot to the period of the latest. (With snapshots on the 1st, the latest period then ends
/// on its own start value; set a range to leave it out.)
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// use supportkpi::kpi::{Kpi, RevenueRetention, RevenueRetentionOptions, RevenueSnapshot};
/// use supportkpi::model::{Currency, Money};
///
/// let usd = |v: i64| Money::new(Decimal::from(v), Currency::new("USD").unwrap());
/// let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
/// let snaps = [
///     RevenueSnapshot::new("a", d(1), usd(100))?,
///     RevenueSnapshot::new("a", d(2), usd(150))?, // expansion
///     RevenueSnapshot::new("b", d(1), usd(100))?,
///     RevenueSnapshot::new("b", d(2), usd(0))?,   // churn
/// ];
/// let opts = RevenueRetentionOptions::default().with_range(d(1), d(1));
/// let r = RevenueRetention::new(opts)?.compute(&snaps)?;
/// let jan = &r.periods[0];
/// assert_eq!(jan.grr_pct.value(), Some(Decimal::from(50)));
/// assert_eq!(jan.nrr_pct.value(), Some(Decimal::from(75)));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RevenueRetention {
    options: RevenueRetentionOptions,
}

impl RevenueRetention {
    /// Revenue retention with these options.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] when the range's last date is before its first.
    ///
    /// # Example
    /// ```
    /// use supportkpi::kpi::{RevenueRetention, RevenueRetentionOptions};
    /// use supportkpi::time::Period;
    /// let q = RevenueRetention::new(RevenueRetentionOptions::default().with_period(Period::Quarter))?;
    /// assert_eq!(q.options().period, Period::Quarter);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn new(options: RevenueRetentionOptions) -> Result<Self, Error> {
        options.validate()?;
        Ok(RevenueRetention { options })
    }

    /// The options.
    pub fn options(&self) -> &RevenueRetentionOptions {
        &self.options
    }
}

impl Kpi for RevenueRetention {
    type Accumulator = RevenueRetentionAccumulator;

    fn accumulator(&self) -> RevenueRetentionAccumulator {
        RevenueRetentionAccumulator {
            options: self.options,
            currency: None,
            snapshots: BTreeMap::new(),
        }
    }
}

/// The state of [`RevenueRetention`]: every snapshot, by customer and date, and the currency.
///
/// Serializable; deserializing re-checks the options and that no amount is negative
/// ([`ErrorKind::InvalidState`] otherwise).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RevenueAccRepr")]
pub struct RevenueRetentionAccumulator {
    options: RevenueRetentionOptions,
    currency: Option<Currency>,
    snapshots: BTreeMap<CustomerId, BTreeMap<NaiveDate, Decimal>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RevenueAccRepr {
    options: RevenueRetentionOptions,
    currency: Option<Currency>,
    snapshots: BTreeMap<CustomerId, BTreeMap<NaiveDate, Decimal>>,
}

impl TryFrom<RevenueAccRepr> for RevenueRetentionAccumulator {
    type Error = Error;
    fn try_from(r: RevenueAccRepr) -> Result<Self, Error> {
        r.options.validate()?;
        let bad = |rule: &str| Error::new(ErrorKind::InvalidState, rule.to_owned());
        if r.currency.is_none() && !r.snapshots.is_empty() {
            return Err(bad("revenue retention state has snapshots but no currency"));
        }
        for (id, by_date) in &r.snapshots {
            if id.as_str().trim().is_empty() || by_date.is_empty() {
                return Err(bad("revenue retention state has an empty customer entry"));
            }
            if by_date
                .values()
                .any(|v| v.is_sign_negative() && !v.is_zero())
            {
                return Err(bad("revenue retention state has a negative amount"));
            }
        }
        Ok(RevenueRetentionAccumulator {
            options: r.options,
            currency: r.currency,
            snapshots: r.snapshots,
        })
    }
}

fn mixed(id: &CustomerId, have: Currency, got: Currency) -> Error {
    Error::new(
        ErrorKind::MixedCurrencies,
        format!("one computation takes one currency; already have {have}"),
    )
    .with_record_type(REC)
    .with_id(id.as_str())
    .with_field("recurring_revenue")
    .with_value(got)
}

fn duplicate(id: &CustomerId, on: NaiveDate) -> Error {
    Error::new(
        ErrorKind::DuplicateId,
        "one snapshot per customer and date (already have one for this date)",
    )
    .with_record_type(REC)
    .with_id(id.as_str())
    .with_field("on")
    .with_value(on)
}

impl Accumulator for RevenueRetentionAccumulator {
    type Record = RevenueSnapshot;
    type Output = RevenueRetentionResult;

    /// Adds one snapshot.
    ///
    /// # Errors
    /// [`ErrorKind::MixedCurrencies`] when its currency differs from the ones pushed before;
    /// [`ErrorKind::DuplicateId`] when the customer already has a snapshot on that date.
    fn push(&mut self, s: &RevenueSnapshot) -> Result<(), Error> {
        let cur = s.recurring_revenue.currency;
        if let Some(have) = self.currency
            && have != cur
        {
            return Err(mixed(&s.customer_id, have, cur));
        }
        let by_date = self.snapshots.entry(s.customer_id.clone()).or_default();
        if by_date.contains_key(&s.on) {
            return Err(duplicate(&s.customer_id, s.on));
        }
        by_date.insert(s.on, s.recurring_revenue.amount);
        self.currency = Some(cur);
        Ok(())
    }

    /// # Errors
    /// [`ErrorKind::IncompatibleMerge`] for other options; [`ErrorKind::MixedCurrencies`] for
    /// another currency; [`ErrorKind::DuplicateId`] when both have a snapshot for the same
    /// customer and date. On error `self` is unchanged.
    fn merge(&mut self, other: Self) -> Result<(), Error> {
        if self.options != other.options {
            return Err(incompatible("revenue retention"));
        }
        if let (Some(have), Some(got)) = (self.currency, other.currency)
            && have != got
        {
            let id = other.snapshots.keys().next().map_or("", CustomerId::as_str);
            return Err(mixed(&CustomerId::from(id), have, got));
        }
        for (id, by_date) in &other.snapshots {
            if let Some(mine) = self.snapshots.get(id)
                && let Some(on) = by_date.keys().find(|d| mine.contains_key(d))
            {
                return Err(duplicate(id, *on));
            }
        }
        self.currency = self.currency.or(other.currency);
        for (id, by_date) in other.snapshots {
            self.snapshots.entry(id).or_default().extend(by_date);
        }
        Ok(())
    }

    /// Costs O(snapshots × log periods + periods), not periods × customers: each customer
    /// adds one part per run of periods its revenue does not change in.
    fn finish(self) -> RevenueRetentionResult {
        let b = Bucketer::new(self.options.period, Tz::UTC);
        let touched = self
            .snapshots
            .values()
            .flat_map(|m| m.keys())
            .map(|d| b.key_of_date(*d));
        let keys = report_keys(&b, self.options.range, touched);
        let periods = sweep(&self.snapshots, &keys);
        RevenueRetentionResult {
            period: self.options.period,
            currency: self.currency,
            customers: self.snapshots.len() as u64,
            periods,
        }
    }
}

/// An exact running sum that remembers if it ever could not stay exact.
#[derive(Clone, Copy)]
struct Sum {
    value: Decimal,
    exact: bool,
}

impl Sum {
    const ZERO: Sum = Sum {
        value: Decimal::ZERO,
        exact: true,
    };

    fn add(&mut self, x: Decimal) {
        match exact_add(self.value, x) {
            Some(v) => self.value = v,
            None => {
                self.exact = false;
                self.value = self.value.saturating_add(x);
            }
        }
    }
}

/// The six sums of a period, in this order in [`Part::terms`] and [`row`].
const START: usize = 0;
const RETAINED: usize = 1;
const END: usize = 2;
const EXPANSION: usize = 3;
const CONTRACTION: usize = 4;
const CHURNED: usize = 5;
const SUMS: usize = 6;

/// One cohort member's share of a period's sums: what it adds to each (if anything) and
/// whether it is lost.
struct Part {
    terms: [Option<Decimal>; SUMS],
    lost: bool,
}

/// The definition for one customer whose revenue is `s` at the period start and `e` at its
/// end: `None` outside the starting cohort (s = 0). Both ways of computing a period
/// ([`period_row`] and [`sweep`]) read customers through this one function.
fn part(s: Decimal, e: Decimal) -> Option<Part> {
    if s <= Decimal::ZERO {
        return None;
    }
    let mut terms = [Some(s), Some(s.min(e)), Some(e), None, None, None];
    let lost = e.is_zero();
    if lost {
        terms[CHURNED] = Some(s);
    } else if e < s {
        terms[CONTRACTION] = Some(exact_sub(s, e).unwrap_or(s - e));
    } else {
        terms[EXPANSION] = Some(exact_sub(e, s).unwrap_or(e - s));
    }
    Some(Part { terms, lost })
}

/// The amount in force on `day`: the latest snapshot on or before it, zero before the first.
fn at(by_date: &BTreeMap<NaiveDate, Decimal>, day: NaiveDate) -> Decimal {
    by_date
        .range(..=day)
        .next_back()
        .map_or(Decimal::ZERO, |(_, v)| *v)
}

/// One period computed customer by customer, adding each part to exact running [`Sum`]s in
/// customer order. [`sweep`] falls back to it for a period whose sums cannot all stay exact
/// (there the saturated value depends on the order of the additions, which this fixes).
fn period_row(
    snapshots: &BTreeMap<CustomerId, BTreeMap<NaiveDate, Decimal>>,
    k: PeriodKey,
) -> RevenuePeriod {
    let mut sums = [Sum::ZERO; SUMS];
    let (mut cohort, mut lost) = (0_u64, 0_u64);
    for by_date in snapshots.values() {
        if let Some(p) = part(at(by_date, k.start), at(by_date, k.end())) {
            cohort += 1;
            lost += u64::from(p.lost);
            for (sum, term) in sums.iter_mut().zip(p.terms) {
                if let Some(t) = term {
                    sum.add(t);
                }
            }
        }
    }
    row(k, cohort, lost, &sums)
}

fn row(k: PeriodKey, cohort: u64, lost: u64, sums: &[Sum; SUMS]) -> RevenuePeriod {
    let start = &sums[START];
    let rate = |num: &Sum| -> Metric<Decimal> {
        if cohort == 0 {
            return Metric::undefined("no customers with recurring revenue at the period start");
        }
        if !(num.exact && start.exact) {
            return Metric::undefined("revenue sums exceed exact decimal precision");
        }
        percent(num.value, start.value).map_or_else(
            || Metric::undefined("revenue ratio exceeds decimal range"),
            Metric::Value,
        )
    };
    RevenuePeriod {
        period: k,
        starting_customers: cohort,
        churned_customers: lost,
        grr_pct: rate(&sums[RETAINED]),
        nrr_pct: rate(&sums[END]),
        start_revenue: start.value,
        retained_revenue: sums[RETAINED].value,
        end_revenue: sums[END].value,
        expansion: sums[EXPANSION].value,
        contraction: sums[CONTRACTION].value,
        churned_revenue: sums[CHURNED].value,
    }
}

/// Decimal's scales, 0 to 28.
const SCALES: usize = 29;

/// Difference arrays over period indices for one of the six sums, one per scale: a part
/// active over periods `from..to` adds its mantissa (and a count) at `from` and takes it back
/// at `to`. Kept per scale because an exact sum's scale is the largest of its terms': a
/// running Decimal that a leaving term is subtracted from would keep that term's scale.
struct Lane {
    by_scale: [Vec<(i128, i64)>; SCALES],
}

impl Lane {
    fn new() -> Self {
        Lane {
            by_scale: std::array::from_fn(|_| Vec::new()),
        }
    }

    fn add(&mut self, from: usize, to: usize, x: Decimal, len: usize) {
        let d = &mut self.by_scale[x.scale() as usize];
        if d.is_empty() {
            d.resize(len, (0, 0));
        }
        // Wrapping: the running sums these differences add up to are true sums of at most
        // 2^31 mantissas below 2^96 (see `sweep`), so they fit an i128 whatever the order.
        let m = x.mantissa();
        d[from] = (d[from].0.wrapping_add(m), d[from].1 + 1);
        d[to] = (d[to].0.wrapping_sub(m), d[to].1 - 1);
    }
}

/// The exact sum of the terms counted in `running` (mantissa sum and count per scale): the
/// value at the largest scale present (0 for no terms, a zero sum being +0), as the running
/// [`Sum`] of [`period_row`] has it; `None` when Decimal cannot hold it exactly, which is
/// exactly when that running sum stops being exact (all terms are ≥ 0, so every partial sum is
/// at most the total, at a scale at most the total's).
fn exact_total(running: &[(i128, i64); SCALES]) -> Option<Decimal> {
    let Some(scale) = running.iter().rposition(|(_, n)| *n > 0) else {
        return Some(Decimal::ZERO);
    };
    let mut m: i128 = 0;
    for (s, (ms, n)) in running.iter().enumerate().take(scale + 1) {
        if *n > 0 {
            let up = 10_i128.checked_pow((scale - s) as u32)?;
            m = m.checked_add(ms.checked_mul(up)?)?;
        }
    }
    Decimal::try_from_i128_with_scale(m, scale as u32).ok()
}

/// Every period of `keys` (consecutive, as [`report_keys`] makes them) without reading every
/// customer in every period.
///
/// A customer's start revenue is a step function of the period boundaries (the starts, then
/// the last end: each period's end is the next one's start), changing only at the boundary on
/// or after each of its snapshots. Between two changes its [`part`] is the same in every
/// period, so each customer adds one constant part per run of periods to difference arrays
/// ([`Lane`]): O(snapshots × log periods) in all, plus O(periods) to add them up. Each
/// period's sums come out as the exact values [`period_row`] computes, at the same scale
/// ([`exact_total`]); a period where one would not be exact is computed by [`period_row`].
fn sweep(
    snapshots: &BTreeMap<CustomerId, BTreeMap<NaiveDate, Decimal>>,
    keys: &[PeriodKey],
) -> Vec<RevenuePeriod> {
    let (Some(first), Some(last)) = (keys.first(), keys.last()) else {
        return Vec::new();
    };
    if snapshots.len() >= 1 << 31 {
        // Beyond what `Lane`'s i128 sums are shown to hold (and any memory).
        return keys.iter().map(|k| period_row(snapshots, *k)).collect();
    }
    let n = keys.len();
    let bounds: Vec<NaiveDate> = keys.iter().map(|k| k.start).chain([last.end()]).collect();
    let mut lanes: [Lane; SUMS] = std::array::from_fn(|_| Lane::new());
    let mut counts = vec![(0_i64, 0_i64); n + 1]; // (cohort, lost) differences
    let mut add = |from: usize, to: usize, s: Decimal, e: Decimal| {
        if from >= to {
            return;
        }
        let Some(p) = part(s, e) else { return };
        counts[from].0 += 1;
        counts[to].0 -= 1;
        if p.lost {
            counts[from].1 += 1;
            counts[to].1 -= 1;
        }
        for (lane, term) in lanes.iter_mut().zip(p.terms) {
            if let Some(t) = term {
                lane.add(from, to, t, n + 1);
            }
        }
    };
    for by_date in snapshots.values() {
        // `v` is in force at boundaries j.. until the next change.
        let (mut j, mut v) = (0, at(by_date, first.start));
        let mut later = by_date
            .range((Excluded(first.start), Included(bounds[n])))
            .peekable();
        while let Some((day, amount)) = later.next() {
            let at_j = bounds.partition_point(|b| b < day); // the first boundary on or after
            if later.peek().is_some_and(|(next, _)| **next <= bounds[at_j]) {
                continue; // a later snapshot is in force at that boundary
            }
            add(j, at_j - 1, v, v);
            add(at_j - 1, at_j, v, *amount);
            (j, v) = (at_j, *amount);
        }
        add(j, n, v, v);
    }
    let mut running = [[(0_i128, 0_i64); SCALES]; SUMS];
    let (mut cohort, mut lost) = (0_i64, 0_i64);
    keys.iter()
        .enumerate()
        .map(|(i, k)| {
            cohort += counts[i].0;
            lost += counts[i].1;
            let mut sums = [Sum::ZERO; SUMS];
            let mut exact = true;
            for ((lane, run), sum) in lanes.iter().zip(&mut running).zip(&mut sums) {
                for (d, r) in lane.by_scale.iter().zip(run.iter_mut()) {
                    if let Some((m, c)) = d.get(i) {
                        *r = (r.0.wrapping_add(*m), r.1 + c);
                    }
                }
                match exact_total(run) {
                    Some(value) => sum.value = value,
                    None => exact = false,
                }
            }
            if exact {
                row(*k, cohort as u64, lost as u64, &sums)
            } else {
                period_row(snapshots, *k)
            }
        })
        .collect()
}

/// Revenue retention for every reported period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RevenueRetentionResult {
    /// The period length.
    pub period: Period,
    /// The currency of every amount (`None` when there were no snapshots).
    pub currency: Option<Currency>,
    /// Distinct customers with snapshots (the sample size).
    pub customers: u64,
    /// One row per period, in order.
    pub periods: Vec<RevenuePeriod>,
}

/// Revenue retention of one period's starting cohort. Amounts are exact, in the result's
/// currency: `retained = start − contraction − churned` and `end = retained + expansion`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RevenuePeriod {
    /// The period.
    pub period: PeriodKey,
    /// Customers with revenue at the period start (the cohort; the sample size of the rates).
    pub starting_customers: u64,
    /// Of those, customers at zero revenue at the end.
    pub churned_customers: u64,
    /// Σ start revenue over the cohort.
    pub start_revenue: Decimal,
    /// Σ min(start, end) over the cohort.
    pub retained_revenue: Decimal,
    /// Σ end revenue over the cohort (customers acquired during the period excluded).
    pub end_revenue: Decimal,
    /// Σ (end − start) over customers whose revenue grew.
    pub expansion: Decimal,
    /// Σ (start − end) over customers whose revenue shrank but did not reach zero.
    pub contraction: Decimal,
    /// Σ start over customers at zero revenue at the end.
    pub churned_revenue: Decimal,
    /// Gross revenue retention, percent: 100 × retained / start. Undefined for an empty cohort.
    pub grr_pct: Metric<Decimal>,
    /// Net revenue retention, percent: 100 × end / start. Undefined for an empty cohort.
    pub nrr_pct: Metric<Decimal>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn show(p: &RevenuePeriod) -> String {
        format!(
            "{p:?} {} {} {} {} {} {} {:?} {:?}",
            p.start_revenue,
            p.retained_revenue,
            p.end_revenue,
            p.expansion,
            p.contraction,
            p.churned_revenue,
            p.grr_pct.value().map(|v| v.to_string()),
            p.nrr_pct.value().map(|v| v.to_string())
        )
    }

    fn check(book: &BTreeMap<CustomerId, BTreeMap<NaiveDate, Decimal>>, period: Period) {
        let b = Bucketer::new(period, Tz::UTC);
        let touched = book
            .values()
            .flat_map(|m| m.keys())
            .map(|d| b.key_of_date(*d));
        let keys = report_keys(&b, None, touched);
        let fast: Vec<String> = sweep(book, &keys).iter().map(show).collect();
        let slow: Vec<String> = keys.iter().map(|k| show(&period_row(book, *k))).collect();
        assert_eq!(fast, slow);
    }

    fn amount() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (0..29_u32).prop_map(|s| Decimal::new(0, s)),
            (1..u64::MAX, 0..29_u32).prop_map(|(m, s)| Decimal::from_i128_with_scale(m.into(), s)),
            (1..(1_i128 << 96), 0..29_u32).prop_map(|(m, s)| Decimal::from_i128_with_scale(m, s)),
            (1..1000_i64, 0..3_u32).prop_map(|(m, s)| Decimal::new(m, s)),
        ]
    }

    proptest! {
        // The sweep against the customer-by-customer sums, down to the scale, at every size
        // and scale Decimal has: where a sum overflows or cannot keep its scale, both give the
        // same (undefined, saturated) row.
        #[test]
        fn sweep_is_period_row(
            customers in prop::collection::vec(
                prop::collection::btree_map(0..60_i64, amount(), 0..5), 0..6),
            weekly in any::<bool>(),
        ) {
            let d0 = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
            let book = customers
                .into_iter()
                .enumerate()
                .filter(|(_, m)| !m.is_empty())
                .map(|(i, m)| {
                    let m = m.into_iter().map(|(d, v)| (d0 + chrono::Duration::days(d), v));
                    (CustomerId::from(format!("c{i}").as_str()), m.collect())
                })
                .collect();
            check(&book, if weekly { Period::Week } else { Period::Day });
        }
    }

    #[test]
    fn a_zero_keeps_its_scale_in_either_customer_order() {
        // Until exact_add kept a zero's scale, a churn recorded as 0.00 beside whole amounts
        // made GRR and NRR undefined ("exceed exact decimal precision"): `50 + 0.00` and
        // `0.00 + 50` came back as `50`, a scale lost, which read as a rounded sum.
        let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
        for (churned, kept) in [("a", "b"), ("b", "a")] {
            let snap = |id: &str, m, v| {
                let eur = Currency::new("EUR").unwrap();
                RevenueSnapshot::new(id, d(m), Money::new(v, eur)).unwrap()
            };
            let snaps = [
                snap(churned, 1, Decimal::from(100)),
                snap(churned, 2, Decimal::new(0, 2)),
                snap(kept, 1, Decimal::from(50)),
            ];
            let opts = RevenueRetentionOptions::default().with_range(d(1), d(1));
            let jan = RevenueRetention::new(opts)
                .unwrap()
                .compute(&snaps)
                .unwrap()
                .periods[0]
                .clone();
            assert_eq!(
                [
                    &jan.start_revenue,
                    &jan.retained_revenue,
                    &jan.end_revenue,
                    &jan.expansion
                ]
                .map(ToString::to_string),
                ["150", "50.00", "50.00", "0"]
            );
            assert_eq!(jan.churned_revenue, Decimal::from(100));
            assert_eq!(
                jan.grr_pct.value().unwrap().round_dp(4),
                Decimal::new(333_333, 4)
            );
            assert_eq!(jan.nrr_pct, jan.grr_pct);
        }
    }

    #[test]
    fn overflowing_periods_fall_back_to_the_ordered_sums() {
        let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
        let big = Decimal::MAX - Decimal::ONE;
        let book: BTreeMap<_, _> = [("a", big), ("b", big), ("c", Decimal::new(150, 2))]
            .into_iter()
            .map(|(id, v)| (CustomerId::from(id), BTreeMap::from([(d(1), v), (d(3), v)])))
            .collect();
        check(&book, Period::Month);
        let b = Bucketer::new(Period::Month, Tz::UTC);
        let rows = sweep(
            &book,
            &report_keys(&b, None, [b.key_of_date(d(1))].into_iter()),
        );
        assert_eq!(rows[0].starting_customers, 3);
        assert!(rows[0].grr_pct.value().is_none());
    }
}
