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
/// Sums are exact [`Decimal`]s; the one rounding is the final division (28 significant digits),
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

    fn finish(self) -> RevenueRetentionResult {
        let b = Bucketer::new(self.options.period, Tz::UTC);
        let touched = self
            .snapshots
            .values()
            .flat_map(|m| m.keys())
            .map(|d| b.key_of_date(*d));
        let keys = report_keys(&b, self.options.range, touched);
        let periods = keys
            .into_iter()
            .map(|k| period_row(&self.snapshots, k))
            .collect();
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

fn period_row(
    snapshots: &BTreeMap<CustomerId, BTreeMap<NaiveDate, Decimal>>,
    k: PeriodKey,
) -> RevenuePeriod {
    let (start_day, end_day) = (k.start, k.end());
    let mut start = Sum::ZERO;
    let mut retained = Sum::ZERO;
    let mut end = Sum::ZERO;
    let mut expansion = Sum::ZERO;
    let mut contraction = Sum::ZERO;
    let mut churned = Sum::ZERO;
    let (mut cohort, mut lost) = (0_u64, 0_u64);
    let at = |m: &BTreeMap<NaiveDate, Decimal>, day: NaiveDate| {
        m.range(..=day)
            .next_back()
            .map_or(Decimal::ZERO, |(_, v)| *v)
    };
    for by_date in snapshots.values() {
        let s = at(by_date, start_day);
        if s <= Decimal::ZERO {
            continue;
        }
        let e = at(by_date, end_day);
        cohort += 1;
        start.add(s);
        end.add(e);
        retained.add(s.min(e));
        if e.is_zero() {
            lost += 1;
            churned.add(s);
        } else if e < s {
            contraction.add(exact_sub(s, e).unwrap_or(s - e));
        } else {
            expansion.add(exact_sub(e, s).unwrap_or(e - s));
        }
    }
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
        grr_pct: rate(&retained),
        nrr_pct: rate(&end),
        start_revenue: start.value,
        retained_revenue: retained.value,
        end_revenue: end.value,
        expansion: expansion.value,
        contraction: contraction.value,
        churned_revenue: churned.value,
    }
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
