//! The cohort retention matrix (docs/definitions.md, "Cohort matrix").

use super::retention::{RetentionOptions, Tenures, report_keys};
use super::{Accumulator, Kpi, incompatible};
use crate::error::Error;
use crate::model::Customer;
use crate::time::{Period, PeriodKey};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The cohort retention matrix (docs/definitions.md, "Cohort matrix").
///
/// Customers are grouped by the period of their acquisition (a calendar month in the zone by
/// default): that is their *cohort*. For each cohort and each k = 0, 1, 2, … the matrix gives
/// how many of the cohort are still active at the end of the k-th period after the acquisition
/// period (k = 0 is the end of the acquisition period itself, so a customer lost within its
/// first month is already missing at k = 0).
///
/// Tenures, churn-and-return and duplicates follow [`CustomerRetention`](super::CustomerRetention):
/// a customer who returns joins the cohort of the period it returned in, as a new member; its
/// first tenure counts as lost in its own cohort. A customer churned at exactly the first instant
/// of a period is not active at the end of that period.
///
/// The matrix runs through the last reported period: the one containing the range's last date
/// when [`RetentionOptions::range`] is set (cohorts acquired in the range are listed), otherwise
/// the last period any acquisition or churn falls in (every cohort is listed).
///
/// # Example
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::Customer;
/// use supportkpi::kpi::{CohortRetention, Kpi};
///
/// let at = |m, d| Utc.with_ymd_and_hms(2021, m, d, 0, 0, 0).unwrap();
/// let m = CohortRetention::default().compute([
///     Customer::new("a", at(1, 5))?,
///     Customer::new("b", at(1, 9))?.with_churned_at(at(2, 14))?,
/// ])?;
/// let shares: Vec<f64> = m.rows.iter().map(|r| r.share_pct).collect();
/// assert_eq!(shares, [100.0, 50.0]); // k = 0 (January), k = 1 (February)
/// # Ok::<(), supportkpi::Error>(())
/// ```
///
/// Options are [`RetentionOptions`]; the default period is a month, as the monthly cohorts
/// of docs/definitions.md are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CohortRetention {
    options: RetentionOptions,
}

impl CohortRetention {
    /// A cohort matrix with these options.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`](crate::ErrorKind::InvalidOption) when the range's last
    /// date is before its first.
    ///
    /// # Example
    /// ```
    /// use supportkpi::kpi::{CohortRetention, RetentionOptions};
    /// use supportkpi::time::Period;
    /// let weekly = CohortRetention::new(RetentionOptions::default().with_period(Period::Week))?;
    /// assert_eq!(weekly.options().period, Period::Week);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn new(options: RetentionOptions) -> Result<Self, Error> {
        options.validate()?;
        Ok(CohortRetention { options })
    }

    /// The options.
    pub fn options(&self) -> &RetentionOptions {
        &self.options
    }
}

impl Kpi for CohortRetention {
    type Accumulator = CohortRetentionAccumulator;

    fn accumulator(&self) -> CohortRetentionAccumulator {
        CohortRetentionAccumulator {
            options: self.options,
            tenures: Tenures::default(),
        }
    }
}

/// The state of [`CohortRetention`]: every tenure, by customer id.
///
/// Serializable; deserializing re-checks the options and that no customer's tenures overlap.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CohortAccRepr")]
pub struct CohortRetentionAccumulator {
    options: RetentionOptions,
    tenures: Tenures,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CohortAccRepr {
    options: RetentionOptions,
    tenures: Tenures,
}

impl TryFrom<CohortAccRepr> for CohortRetentionAccumulator {
    type Error = Error;
    fn try_from(r: CohortAccRepr) -> Result<Self, Error> {
        r.options.validate()?;
        Ok(CohortRetentionAccumulator {
            options: r.options,
            tenures: r.tenures,
        })
    }
}

impl Accumulator for CohortRetentionAccumulator {
    type Record = Customer;
    type Output = CohortMatrix;

    /// Adds one customer record (one tenure).
    ///
    /// # Errors
    /// [`ErrorKind::DuplicateId`](crate::ErrorKind::DuplicateId) when its tenure overlaps one
    /// already pushed for the same id.
    fn push(&mut self, record: &Customer) -> Result<(), Error> {
        self.tenures.push(record)
    }

    /// # Errors
    /// [`ErrorKind::IncompatibleMerge`](crate::ErrorKind::IncompatibleMerge) for other options;
    /// [`ErrorKind::DuplicateId`](crate::ErrorKind::DuplicateId) when a customer's tenures
    /// overlap across the two (then `self` is unchanged).
    fn merge(&mut self, other: Self) -> Result<(), Error> {
        if self.options != other.options {
            return Err(incompatible("cohort retention"));
        }
        self.tenures.merge(other.tenures)
    }

    fn finish(self) -> CohortMatrix {
        let b = self.options.bucketer();
        // cohort → (size, churn period → count)
        let mut cohorts: BTreeMap<PeriodKey, (u64, BTreeMap<PeriodKey, u64>)> = BTreeMap::new();
        let mut touched = Vec::new();
        for t in self.tenures.coalesced() {
            let ka = b.key(t.acquired_at);
            let entry = cohorts.entry(ka).or_default();
            entry.0 += 1;
            touched.push(ka);
            if let Some(c) = t.churned_at {
                let kc = b.key(c);
                *entry.1.entry(kc).or_default() += 1;
                touched.push(kc);
            }
        }
        let keys = report_keys(&b, self.options.range, touched.into_iter());
        let mut rows = Vec::new();
        if let (Some(first), Some(last)) = (keys.first().copied(), keys.last().copied()) {
            for (cohort, (size, churns)) in cohorts.range(first..=last) {
                let mut lost = 0;
                let mut churns = churns.iter().peekable();
                let mut period = *cohort;
                let mut k = 0;
                while period <= last {
                    while let Some((_, n)) = churns.next_if(|(kc, _)| **kc <= period) {
                        lost += n;
                    }
                    let active = size - lost;
                    rows.push(CohortRow {
                        cohort: *cohort,
                        k,
                        period,
                        size: *size,
                        active,
                        share_pct: 100.0 * active as f64 / *size as f64,
                    });
                    period = period.next();
                    k += 1;
                }
            }
        }
        CohortMatrix {
            period: self.options.period,
            zone: self.options.zone,
            rows,
        }
    }
}

/// The cohort retention matrix as a table: one row per (cohort, k), ordered by cohort then k.
///
/// Serializes as `{"period", "zone", "rows": [{"cohort", "k", "period", "size", "active",
/// "share_pct"}, …]}`; every listed cohort has at least one member, so every share is defined.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortMatrix {
    /// The period length of cohorts and of k.
    pub period: Period,
    /// The zone periods were cut in.
    pub zone: Tz,
    /// The rows.
    pub rows: Vec<CohortRow>,
}

impl CohortMatrix {
    /// The rows of one cohort, in order of k.
    pub fn cohort(&self, cohort: PeriodKey) -> impl Iterator<Item = &CohortRow> {
        self.rows.iter().filter(move |r| r.cohort == cohort)
    }
}

/// One cell of the cohort matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortRow {
    /// The acquisition period.
    pub cohort: PeriodKey,
    /// Periods after the acquisition period (0 = the acquisition period itself).
    pub k: u32,
    /// The period at whose end `active` is counted (`cohort` + k).
    pub period: PeriodKey,
    /// Customers acquired in the cohort period.
    pub size: u64,
    /// Of those, still active at the end of `period`.
    pub active: u64,
    /// 100 × active / size.
    pub share_pct: f64,
}
