use super::Money;
use crate::error::{Error, ErrorKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A support cost over a date range (salaries, tooling, outsourcing for a month, say).
///
/// The range is of whole local dates, `start` and `end` both included. Cost KPIs apportion an
/// entry that crosses a period boundary by days.
///
/// ```
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// use supportkpi::{CostEntry, model::{Currency, Money}};
/// let jan = CostEntry::new(
///     NaiveDate::from_ymd_opt(2021, 1, 1).unwrap(),
///     NaiveDate::from_ymd_opt(2021, 1, 31).unwrap(),
///     Money::new(Decimal::new(100_000, 0), Currency::new("USD")?),
/// )?.with_category("salaries");
/// assert_eq!(jan.days(), 31);
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CostEntryRepr")]
pub struct CostEntry {
    start: NaiveDate,
    end: NaiveDate,
    amount: Money,
    category: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CostEntryRepr {
    start: NaiveDate,
    end: NaiveDate,
    amount: Money,
    #[serde(default)]
    category: Option<String>,
}

impl TryFrom<CostEntryRepr> for CostEntry {
    type Error = Error;
    fn try_from(r: CostEntryRepr) -> Result<Self, Error> {
        let mut c = CostEntry::new(r.start, r.end, r.amount)?;
        c.category = r.category;
        Ok(c)
    }
}

impl CostEntry {
    /// A cost over `start..=end`.
    ///
    /// # Errors
    /// [`ErrorKind::NegativeDuration`] when `end` is before `start`.
    pub fn new(start: NaiveDate, end: NaiveDate, amount: Money) -> Result<Self, Error> {
        if end < start {
            return Err(Error::new(
                ErrorKind::NegativeDuration,
                format!("a cost period ends on or after its start ({start})"),
            )
            .with_record_type("cost_entry")
            .with_field("end")
            .with_value(end));
        }
        Ok(CostEntry {
            start,
            end,
            amount,
            category: None,
        })
    }

    /// Sets the category.
    #[must_use]
    pub fn with_category(mut self, category: impl Into<String>) -> Self {
        self.category = Some(category.into());
        self
    }

    /// First day covered.
    pub fn start(&self) -> NaiveDate {
        self.start
    }
    /// Last day covered (included).
    pub fn end(&self) -> NaiveDate {
        self.end
    }
    /// The amount.
    pub fn amount(&self) -> &Money {
        &self.amount
    }
    /// The category, when given.
    pub fn category(&self) -> Option<&str> {
        self.category.as_deref()
    }
    /// Number of days covered (at least 1).
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}
