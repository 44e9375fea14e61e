use super::{CustomerId, Instant, Money, not_before};
use crate::error::{Error, ErrorKind};
use serde::{Deserialize, Serialize};

/// A customer (account): when it was acquired, when (if) it churned, its recurring revenue.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use rust_decimal::Decimal;
/// use supportkpi::{Customer, model::{Currency, Money}};
/// let c = Customer::new("acme", Utc.with_ymd_and_hms(2021, 1, 1, 0, 0, 0).unwrap())?
///     .with_revenue(Money::new(Decimal::new(120000, 2), Currency::new("USD")?))
///     .with_segment("enterprise");
/// assert!(c.churned_at().is_none());
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CustomerRepr")]
pub struct Customer {
    id: CustomerId,
    acquired_at: Instant,
    churned_at: Option<Instant>,
    recurring_revenue: Option<Money>,
    segment: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomerRepr {
    id: CustomerId,
    acquired_at: Instant,
    #[serde(default)]
    churned_at: Option<Instant>,
    #[serde(default)]
    recurring_revenue: Option<Money>,
    #[serde(default)]
    segment: Option<String>,
}

impl TryFrom<CustomerRepr> for Customer {
    type Error = Error;
    fn try_from(r: CustomerRepr) -> Result<Self, Error> {
        let mut c = Customer::new(r.id, r.acquired_at)?;
        if let Some(at) = r.churned_at {
            c = c.with_churned_at(at)?;
        }
        c.recurring_revenue = r.recurring_revenue;
        c.segment = r.segment;
        Ok(c)
    }
}

impl Customer {
    /// A customer acquired at an instant.
    ///
    /// # Errors
    /// [`ErrorKind::MissingField`] for an empty id.
    pub fn new(id: impl Into<CustomerId>, acquired_at: Instant) -> Result<Self, Error> {
        let id = id.into();
        if id.as_str().trim().is_empty() {
            return Err(
                Error::new(ErrorKind::MissingField, "a customer needs an id")
                    .with_record_type("customer")
                    .with_field("id"),
            );
        }
        Ok(Customer {
            id,
            acquired_at,
            churned_at: None,
            recurring_revenue: None,
            segment: None,
        })
    }

    /// Marks the customer churned at an instant.
    ///
    /// # Errors
    /// [`ErrorKind::NegativeDuration`] when it is before acquisition.
    pub fn with_churned_at(mut self, at: Instant) -> Result<Self, Error> {
        not_before(
            "customer",
            self.id.as_str(),
            "churned_at",
            at,
            "acquired_at",
            self.acquired_at,
        )?;
        self.churned_at = Some(at);
        Ok(self)
    }

    /// Sets the recurring revenue (MRR or ARR, the caller's choice, one kind per computation).
    #[must_use]
    pub fn with_revenue(mut self, revenue: Money) -> Self {
        self.recurring_revenue = Some(revenue);
        self
    }

    /// Sets the segment (plan, tier, region…).
    #[must_use]
    pub fn with_segment(mut self, segment: impl Into<String>) -> Self {
        self.segment = Some(segment.into());
        self
    }

    /// The customer's id.
    pub fn id(&self) -> &CustomerId {
        &self.id
    }
    /// When it became a customer.
    pub fn acquired_at(&self) -> Instant {
        self.acquired_at
    }
    /// When it churned, if it did.
    pub fn churned_at(&self) -> Option<Instant> {
        self.churned_at
    }
    /// Its recurring revenue, when known.
    pub fn recurring_revenue(&self) -> Option<&Money> {
        self.recurring_revenue.as_ref()
    }
    /// Its segment, when known.
    pub fn segment(&self) -> Option<&str> {
        self.segment.as_deref()
    }

    /// Whether it is a customer at instant `t`: acquired at or before `t`, not churned at or
    /// before `t`.
    pub fn is_active_at(&self, t: Instant) -> bool {
        self.acquired_at <= t && self.churned_at.is_none_or(|c| c > t)
    }
}
