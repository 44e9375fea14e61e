//! Customer retention and logo churn (docs/definitions.md, "Customer retention and logo churn").

use super::{Accumulator, Kpi, Metric, incompatible};
use crate::error::{Error, ErrorKind};
use crate::model::{Customer, CustomerId, Instant};
use crate::time::{Bucketer, Period, PeriodKey};
use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Retention rate = 100 × (E − N) / S from counts given directly.
///
/// `start` is S (customers at the start), `end` is E (at the end), `new` is N (acquired during
/// the period and still active at its end — see the [`CustomerRetention`] for why N excludes
/// customers acquired and lost within the period).
///
/// # Errors
/// [`ErrorKind::InvalidValue`] for inconsistent counts: N > E (more new customers still active
/// than customers active), or E − N > S (more starting customers retained than there were).
///
/// # Example
/// ```
/// use supportkpi::kpi::retention_rate;
/// // 200 at the start, 180 at the end, 30 of them new: 150 of the 200 stayed.
/// assert_eq!(retention_rate(200, 180, 30)?.value(), Some(75.0));
/// assert!(!retention_rate(0, 5, 5)?.is_defined());
/// assert!(retention_rate(10, 5, 6).is_err());
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn retention_rate(start: u64, end: u64, new: u64) -> Result<Metric<f64>, Error> {
    if new > end {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            format!(
                "new customers still active (N) cannot exceed customers at the end (E = {end})"
            ),
        )
        .with_field("new")
        .with_value(new));
    }
    let retained = end - new;
    if retained > start {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            format!(
                "retained customers (E − N = {retained}) cannot exceed customers at the start (S = {start})"
            ),
        )
        .with_field("end")
        .with_value(end));
    }
    Ok(pct(
        retained,
        start,
        "no customers at the start of the period",
    ))
}

/// Logo churn = 100 × lost / S from counts given directly.
///
/// # Errors
/// [`ErrorKind::InvalidValue`] when more customers are lost than there were at the start.
///
/// # Example
/// ```
/// use supportkpi::kpi::logo_churn_rate;
/// assert_eq!(logo_churn_rate(200, 50)?.value(), Some(25.0));
/// assert!(!logo_churn_rate(0, 0)?.is_defined());
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn logo_churn_rate(start: u64, lost: u64) -> Result<Metric<f64>, Error> {
    if lost > start {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            format!("customers lost cannot exceed customers at the start (S = {start})"),
        )
        .with_field("lost")
        .with_value(lost));
    }
    Ok(pct(lost, start, "no customers at the start of the period"))
}

fn pct(part: u64, whole: u64, reason: &str) -> Metric<f64> {
    if whole == 0 {
        Metric::undefined(reason)
    } else {
        Metric::Value(100.0 * part as f64 / whole as f64)
    }
}

/// Options of [`CustomerRetention`] and [`CohortRetention`](super::CohortRetention): the
/// period length, the zone periods are cut in, and optionally the dates to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionOptions {
    /// Period length (default: month).
    pub period: Period,
    /// IANA zone the periods are cut in (default: UTC).
    pub zone: Tz,
    /// Report the periods containing `first` through the one containing `last` (local dates).
    /// `None` (the default): from the first to the last period any acquisition or churn falls in.
    pub range: Option<(NaiveDate, NaiveDate)>,
}

impl Default for RetentionOptions {
    fn default() -> Self {
        RetentionOptions {
            period: Period::Month,
            zone: Tz::UTC,
            range: None,
        }
    }
}

impl RetentionOptions {
    /// Sets the period length.
    #[must_use]
    pub fn with_period(mut self, period: Period) -> Self {
        self.period = period;
        self
    }

    /// Sets the zone.
    #[must_use]
    pub fn with_zone(mut self, zone: Tz) -> Self {
        self.zone = zone;
        self
    }

    /// Reports exactly the periods containing `first` through the one containing `last`.
    #[must_use]
    pub fn with_range(mut self, first: NaiveDate, last: NaiveDate) -> Self {
        self.range = Some((first, last));
        self
    }

    /// The bucketer these options describe.
    pub fn bucketer(&self) -> Bucketer {
        Bucketer::new(self.period, self.zone)
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        if let Some((first, last)) = self.range
            && last < first
        {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                format!("a report range ends on or after its first date ({first})"),
            )
            .with_field("range")
            .with_value(last));
        }
        Ok(())
    }
}

/// The periods to report: the range's, or first..=last of the touched ones.
pub(crate) fn report_keys(
    b: &Bucketer,
    range: Option<(NaiveDate, NaiveDate)>,
    touched: impl Iterator<Item = PeriodKey>,
) -> Vec<PeriodKey> {
    let bounds = match range {
        Some((first, last)) => Some((b.key_of_date(first), b.key_of_date(last))),
        None => touched.fold(None, |acc: Option<(PeriodKey, PeriodKey)>, k| match acc {
            None => Some((k, k)),
            Some((lo, hi)) => Some((lo.min(k), hi.max(k))),
        }),
    };
    let mut keys = Vec::new();
    if let Some((mut k, last)) = bounds {
        while k <= last {
            keys.push(k);
            k = k.next();
        }
    }
    keys
}

/// One customer record's span: active from `acquired_at` (included) to `churned_at` (excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) struct Tenure {
    pub(crate) acquired_at: Instant,
    pub(crate) churned_at: Option<Instant>,
}

impl Tenure {
    fn ends_after(&self, t: Instant) -> bool {
        self.churned_at.is_none_or(|c| c > t)
    }

    fn overlaps(&self, other: &Tenure) -> bool {
        self == other || (other.ends_after(self.acquired_at) && self.ends_after(other.acquired_at))
    }
}

/// Every customer's tenures, kept whole so that partitions merge exactly and a duplicate id is
/// caught even when its two records land in different partitions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub(crate) struct Tenures {
    by_customer: BTreeMap<CustomerId, Vec<Tenure>>,
}

impl Tenures {
    fn conflict(&self, id: &CustomerId, t: &Tenure) -> Result<(), Error> {
        if let Some(existing) = self
            .by_customer
            .get(id)
            .and_then(|ts| ts.iter().find(|e| e.overlaps(t)))
        {
            let until = existing
                .churned_at
                .map_or_else(|| "open-ended".to_owned(), |c| c.to_rfc3339());
            return Err(Error::new(
                ErrorKind::DuplicateId,
                format!(
                    "records of one customer id must not overlap in time (already have a tenure \
                     from {} to {until})",
                    existing.acquired_at.to_rfc3339()
                ),
            )
            .with_record_type("customer")
            .with_id(id.as_str())
            .with_field("acquired_at")
            .with_value(t.acquired_at.to_rfc3339()));
        }
        Ok(())
    }

    fn insert_unchecked(&mut self, id: CustomerId, t: Tenure) {
        let ts = self.by_customer.entry(id).or_default();
        let at = ts.partition_point(|e| e < &t);
        ts.insert(at, t);
    }

    pub(crate) fn push(&mut self, c: &Customer) -> Result<(), Error> {
        let t = Tenure {
            acquired_at: c.acquired_at(),
            churned_at: c.churned_at(),
        };
        self.conflict(c.id(), &t)?;
        self.insert_unchecked(c.id().clone(), t);
        Ok(())
    }

    /// Checks everything first so that a failed merge leaves `self` unchanged.
    pub(crate) fn merge(&mut self, other: Tenures) -> Result<(), Error> {
        for (id, ts) in &other.by_customer {
            for t in ts {
                self.conflict(id, t)?;
            }
        }
        for (id, ts) in other.by_customer {
            for t in ts {
                self.insert_unchecked(id.clone(), t);
            }
        }
        Ok(())
    }

    /// Each customer's tenures with back-to-back ones (churned at the instant it returned)
    /// joined into one.
    pub(crate) fn coalesced(&self) -> impl Iterator<Item = Tenure> + '_ {
        self.by_customer.values().flat_map(|ts| {
            let mut out: Vec<Tenure> = Vec::with_capacity(ts.len());
            for t in ts {
                match out.last_mut() {
                    Some(prev) if prev.churned_at == Some(t.acquired_at) => {
                        prev.churned_at = t.churned_at;
                    }
                    _ => out.push(*t),
                }
            }
            out
        })
    }
}

impl<'de> Deserialize<'de> for Tenures {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = BTreeMap::<CustomerId, Vec<Tenure>>::deserialize(d)?;
        let mut out = Tenures::default();
        for (id, ts) in raw {
            for t in ts {
                let c = Customer::new(id.clone(), t.acquired_at).and_then(|c| match t.churned_at {
                    Some(at) => c.with_churned_at(at),
                    None => Ok(c),
                });
                c.and_then(|c| out.push(&c)).map_err(invalid_state)?;
            }
        }
        Ok(out)
    }
}

pub(crate) fn invalid_state<E: serde::de::Error>(e: Error) -> E {
    E::custom(Error::new(
        ErrorKind::InvalidState,
        format!("inconsistent accumulator state: {e}"),
    ))
}

/// Customer retention and logo churn (docs/definitions.md, "Customer retention and logo churn").
///
/// # Definitions
///
/// For one period (a [`Period`] in a time zone), over *tenures* (one [`Customer`] record is one
/// tenure, from `acquired_at` to `churned_at`, or open-ended):
///
/// - **S** (`start`): tenures carried into the period — acquired before its first instant and not
///   churned before it.
/// - **N** (`new`): tenures acquired during the period *and still active at its end*. A customer
///   acquired and lost within the same period is counted in `acquired` (and in `lost_new`), not
///   in N: it was never active at the end, so counting it in N would subtract it from E − N
///   without it being in E, and E − N could go negative. With this N, **E − N is exactly the
///   number of starting customers still active at the end** (`retained`), so
///   0 ≤ E − N ≤ S and retention stays within 0–100 %.
/// - **E** (`end`): tenures active at the period's end, which is also S of the next period.
/// - **retention** = 100 × (E − N) / S; **logo churn** = 100 × `lost` / S, where `lost` = S −
///   (E − N) are the starting customers gone by the end. The two add up to 100. S = 0 makes both
///   [`Metric::Undefined`].
///
/// Acquisitions and churns are *events*: each belongs to the period its instant falls in, in the
/// zone, like every other bucketed record. So a customer acquired at exactly a period's first
/// instant (the common case for date-only data: 2021-06-01T00:00) is new in that period, and one
/// churned at exactly that instant is lost in that period. (This differs from
/// [`Customer::is_active_at`] only at that one instant.)
///
/// **Churn and return.** The same customer id may appear in several records whose tenures do not
/// overlap: the customer left and came back. The return is a *new acquisition* in the period it
/// happens (and a new member of that month's cohort); the earlier tenure's churn is a loss. A
/// return at the very instant of the churn (one record ends when the next begins, as a plan
/// change often looks in exports) is not a churn: the two records are read as one continuous
/// tenure. Overlapping tenures for one id — including the same record pushed twice — are an
/// [`ErrorKind::DuplicateId`] error.
///
/// **Which periods are reported.** Those containing the dates of [`RetentionOptions::range`]
/// when it is set; otherwise every period from the first to the last one in which an
/// acquisition or churn happened. Set a range for an "as of today" report: without one, a
/// quiet stretch after the last event is not reported.
///
/// # Example
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::Customer;
/// use supportkpi::kpi::{CustomerRetention, Kpi, RetentionOptions};
/// use supportkpi::time::Period;
///
/// let at = |m, d| Utc.with_ymd_and_hms(2021, m, d, 0, 0, 0).unwrap();
/// let customers = [
///     Customer::new("a", at(1, 10))?,                          // stays
///     Customer::new("b", at(1, 20))?.with_churned_at(at(2, 5))?, // lost in February
///     Customer::new("c", at(2, 3))?,                           // new in February
/// ];
/// let r = CustomerRetention::new(RetentionOptions::default().with_period(Period::Month))?
///     .compute(&customers)?;
/// let feb = &r.periods[1];
/// assert_eq!(feb.period.to_string(), "2021-02");
/// assert_eq!((feb.start, feb.end, feb.new), (2, 2, 1));
/// assert_eq!(feb.retention_pct.value(), Some(50.0));
/// assert_eq!(feb.logo_churn_pct.value(), Some(50.0));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerRetention {
    options: RetentionOptions,
}

impl CustomerRetention {
    /// Retention with these options.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] when the range's last date is before its first.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use supportkpi::kpi::{CustomerRetention, RetentionOptions};
    /// let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
    /// assert!(CustomerRetention::new(RetentionOptions::default().with_range(d(1), d(6))).is_ok());
    /// assert!(CustomerRetention::new(RetentionOptions::default().with_range(d(6), d(1))).is_err());
    /// ```
    pub fn new(options: RetentionOptions) -> Result<Self, Error> {
        options.validate()?;
        Ok(CustomerRetention { options })
    }

    /// The options.
    pub fn options(&self) -> &RetentionOptions {
        &self.options
    }
}

impl Kpi for CustomerRetention {
    type Accumulator = CustomerRetentionAccumulator;

    fn accumulator(&self) -> CustomerRetentionAccumulator {
        CustomerRetentionAccumulator {
            options: self.options,
            tenures: Tenures::default(),
        }
    }
}

/// The state of [`CustomerRetention`]: every tenure, by customer id.
///
/// Serializable; deserializing re-checks the options and that no customer's tenures overlap
/// ([`ErrorKind::InvalidState`] otherwise).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RetentionAccRepr")]
pub struct CustomerRetentionAccumulator {
    options: RetentionOptions,
    tenures: Tenures,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RetentionAccRepr {
    options: RetentionOptions,
    tenures: Tenures,
}

impl TryFrom<RetentionAccRepr> for CustomerRetentionAccumulator {
    type Error = Error;
    fn try_from(r: RetentionAccRepr) -> Result<Self, Error> {
        r.options.validate()?;
        Ok(CustomerRetentionAccumulator {
            options: r.options,
            tenures: r.tenures,
        })
    }
}

impl CustomerRetentionAccumulator {
    /// Finishes over exactly the periods containing `first` to `last` (local dates), whatever
    /// the options' range: for a report that lines retention up with other KPIs' periods.
    ///
    /// # Example
    /// ```
    /// use chrono::{NaiveDate, TimeZone, Utc};
    /// use supportkpi::Customer;
    /// use supportkpi::kpi::{Accumulator, CustomerRetention, Kpi};
    /// let mut acc = CustomerRetention::default().accumulator();
    /// acc.push(&Customer::new("a", Utc.with_ymd_and_hms(2021, 1, 10, 0, 0, 0).unwrap())?)?;
    /// let d = |m| NaiveDate::from_ymd_opt(2021, m, 1).unwrap();
    /// let r = acc.finish_over(d(3), d(4));
    /// assert_eq!(r.periods.len(), 2);
    /// assert_eq!(r.periods[0].retention_pct.value(), Some(100.0));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn finish_over(mut self, first: NaiveDate, last: NaiveDate) -> CustomerRetentionResult {
        self.options.range = Some((first.min(last), last.max(first)));
        self.finish()
    }
}

impl Accumulator for CustomerRetentionAccumulator {
    type Record = Customer;
    type Output = CustomerRetentionResult;

    /// Adds one customer record (one tenure).
    ///
    /// # Errors
    /// [`ErrorKind::DuplicateId`] when its tenure overlaps one already pushed for the same id.
    fn push(&mut self, record: &Customer) -> Result<(), Error> {
        self.tenures.push(record)
    }

    /// # Errors
    /// [`ErrorKind::IncompatibleMerge`] for other options; [`ErrorKind::DuplicateId`] when a
    /// customer's tenures overlap across the two (then `self` is unchanged).
    fn merge(&mut self, other: Self) -> Result<(), Error> {
        if self.options != other.options {
            return Err(incompatible("customer retention"));
        }
        self.tenures.merge(other.tenures)
    }

    fn finish(self) -> CustomerRetentionResult {
        let b = self.options.bucketer();
        #[derive(Default, Clone, Copy)]
        struct Flow {
            acquired: u64,
            churned: u64,
            both: u64,
        }
        let mut flows: BTreeMap<PeriodKey, Flow> = BTreeMap::new();
        let mut spans = Vec::new();
        for t in self.tenures.coalesced() {
            let ka = b.key(t.acquired_at);
            let kc = t.churned_at.map(|c| b.key(c));
            flows.entry(ka).or_default().acquired += 1;
            if let Some(kc) = kc {
                let f = flows.entry(kc).or_default();
                f.churned += 1;
                if kc == ka {
                    f.both += 1;
                }
            }
            spans.push((ka, kc));
        }
        let keys = report_keys(&b, self.options.range, flows.keys().copied());
        let mut periods = Vec::with_capacity(keys.len());
        if let Some(first) = keys.first() {
            let mut start = spans
                .iter()
                .filter(|(ka, kc)| ka < first && kc.is_none_or(|kc| kc >= *first))
                .count() as u64;
            for k in keys {
                let f = flows.get(&k).copied().unwrap_or_default();
                // Every counted churn is of a tenure acquired no later, so this cannot underflow.
                let end = start + f.acquired - f.churned;
                let new = f.acquired - f.both;
                let lost = f.churned - f.both;
                let retained = start - lost;
                periods.push(RetentionPeriod {
                    period: k,
                    start,
                    end,
                    new,
                    acquired: f.acquired,
                    lost,
                    lost_new: f.both,
                    retained,
                    retention_pct: pct(retained, start, "no customers at the start of the period"),
                    logo_churn_pct: pct(lost, start, "no customers at the start of the period"),
                });
                start = end;
            }
        }
        CustomerRetentionResult {
            period: self.options.period,
            zone: self.options.zone,
            customers: self.tenures.by_customer.len() as u64,
            periods,
        }
    }
}

/// Retention and logo churn for every reported period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerRetentionResult {
    /// The period length.
    pub period: Period,
    /// The zone periods were cut in.
    pub zone: Tz,
    /// Distinct customer ids seen (the sample size).
    pub customers: u64,
    /// One row per period, in order.
    pub periods: Vec<RetentionPeriod>,
}

/// Retention counts and rates of one period. `end − new == retained == start − lost`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RetentionPeriod {
    /// The period.
    pub period: PeriodKey,
    /// S: customers carried into the period.
    pub start: u64,
    /// E: customers active at the end (S of the next period).
    pub end: u64,
    /// N: customers acquired during the period and still active at its end.
    pub new: u64,
    /// All acquisitions during the period, including those lost again within it.
    pub acquired: u64,
    /// Starting customers lost during the period.
    pub lost: u64,
    /// Customers both acquired and lost during the period (in `acquired`, not in N nor `lost`).
    pub lost_new: u64,
    /// E − N: starting customers still active at the end.
    pub retained: u64,
    /// 100 × (E − N) / S; undefined when S = 0.
    pub retention_pct: Metric<f64>,
    /// 100 × lost / S; undefined when S = 0.
    pub logo_churn_pct: Metric<f64>,
}
