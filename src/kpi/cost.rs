//! Support cost per ticket (docs/definitions.md, "Cost per ticket").

use super::exact::exact_add;
use super::{Accumulator, Kpi, Metric, incompatible};
use crate::error::{Error, ErrorKind};
use crate::model::{CostEntry, Currency, Money, Ticket};
use crate::time::{Bucketer, Period, PeriodKey};
use chrono::Duration;
use chrono_tz::Tz;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Decimal places of an apportioned part (all but the last part of an entry).
pub const APPORTION_DP: u32 = 10;

/// Cost ÷ tickets for amounts given directly.
///
/// Undefined when `tickets` is 0.
///
/// # Example
/// ```
/// use rust_decimal::Decimal;
/// use supportkpi::kpi::cost_per_ticket;
/// use supportkpi::model::{Currency, Money};
/// let cost = Money::new(Decimal::from(100_000), Currency::new("USD")?);
/// let per = cost_per_ticket(cost, 2_000);
/// assert_eq!(per.to_string(), "50.00 USD");
/// assert!(!cost_per_ticket(cost, 0).is_defined());
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn cost_per_ticket(cost: Money, tickets: u64) -> Metric<Money> {
    divide(cost.amount, tickets, "no tickets").map(|v| Money::new(v, cost.currency))
}

fn divide(cost: Decimal, tickets: u64, reason: &str) -> Metric<Decimal> {
    if tickets == 0 {
        return Metric::undefined(reason);
    }
    cost.checked_div(Decimal::from(tickets)).map_or_else(
        || Metric::undefined("cost per ticket exceeds decimal range"),
        Metric::Value,
    )
}

/// Splits a cost entry over the periods it overlaps, by days (see the [`CostPerTicket`]).
///
/// Returns `(period, part)` in period order; the parts add up to the amount exactly.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// use supportkpi::CostEntry;
/// use supportkpi::kpi::apportion_by_days;
/// use supportkpi::model::{Currency, Money};
/// use supportkpi::time::Period;
/// let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
/// // 20 days: 12 in January (20th–31st), 8 in February.
/// let e = CostEntry::new(d(1, 20), d(2, 8), Money::new(Decimal::from(1000), Currency::new("EUR")?))?;
/// let parts = apportion_by_days(&e, Period::Month);
/// assert_eq!(parts[0].1.amount, Decimal::from(600));
/// assert_eq!(parts[1].1.amount, Decimal::from(400));
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn apportion_by_days(entry: &CostEntry, period: Period) -> Vec<(PeriodKey, Money)> {
    let b = Bucketer::new(period, Tz::UTC);
    let money = *entry.amount();
    let total_days = Decimal::from(entry.days());
    let last = b.key_of_date(entry.end());
    let mut k = b.key_of_date(entry.start());
    let mut given = Decimal::ZERO;
    let mut parts = Vec::new();
    while k < last {
        let from = entry.start().max(k.start);
        let to = k.end() - Duration::days(1);
        let days = Decimal::from((to - from).num_days() + 1);
        // amount × days / total ≤ amount, and amount × days fits unless the amount is within
        // a factor of the day count of Decimal's limit; then divide first.
        let part = money
            .amount
            .checked_mul(days)
            .and_then(|x| x.checked_div(total_days))
            .unwrap_or_else(|| money.amount / total_days * days)
            .round_dp_with_strategy(APPORTION_DP, RoundingStrategy::MidpointNearestEven);
        given += part;
        parts.push((k, Money::new(part, money.currency)));
        k = k.next();
    }
    parts.push((last, Money::new(money.amount - given, money.currency)));
    parts
}

/// Which tickets divide the cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostDenominator {
    /// Tickets resolved in the period, by their latest resolution (the default).
    #[default]
    Resolved,
    /// Tickets created in the period.
    Created,
}

impl CostDenominator {
    /// The instant that counts a ticket in a period's denominator: its latest resolution
    /// (`None` while unresolved) or its creation. The one rule behind
    /// [`CostPerTicketAccumulator::push_ticket`] and both report engines, over any instant type
    /// (an [`Instant`](crate::model::Instant), or the columns' nanoseconds).
    pub(crate) fn bucket_at<T>(self, created: T, resolved: Option<T>) -> Option<T> {
        match self {
            CostDenominator::Resolved => resolved,
            CostDenominator::Created => Some(created),
        }
    }

    fn missing(self) -> &'static str {
        match self {
            CostDenominator::Resolved => "no tickets resolved in the period",
            CostDenominator::Created => "no tickets created in the period",
        }
    }

    fn word(self) -> &'static str {
        match self {
            CostDenominator::Resolved => "resolved",
            CostDenominator::Created => "created",
        }
    }
}

/// Options of [`CostPerTicket`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostPerTicketOptions {
    /// Period length (default: month).
    pub period: Period,
    /// IANA zone tickets are bucketed in (default: UTC).
    pub zone: Tz,
    /// Which tickets divide the cost (default: resolved).
    pub denominator: CostDenominator,
}

impl Default for CostPerTicketOptions {
    fn default() -> Self {
        CostPerTicketOptions {
            period: Period::Month,
            zone: Tz::UTC,
            denominator: CostDenominator::Resolved,
        }
    }
}

impl CostPerTicketOptions {
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
    /// Sets the denominator.
    #[must_use]
    pub fn with_denominator(mut self, denominator: CostDenominator) -> Self {
        self.denominator = denominator;
        self
    }
}

/// Support cost per ticket (docs/definitions.md, "Cost per ticket").
///
/// **Cost per ticket** = support cost in the period / tickets resolved in the period (bucketed by
/// the latest resolution instant, in the zone). With [`CostDenominator::Created`] the denominator
/// is tickets created in the period (bucketed by creation). Zero tickets is
/// [`Metric::Undefined`] — not zero and not an error, so one empty period does not stop a report.
///
/// **Money.** Amounts are exact [`Decimal`]s in one currency (another currency is an
/// [`ErrorKind::MixedCurrencies`] error naming the entry). Sums are exact: an addition Decimal
/// could only do by rounding is refused with [`ErrorKind::InvalidValue`] rather than made order
/// dependent. The quotient is the one rounding step (Decimal division, 28 significant digits);
/// rounding to 2 places, half-even, happens only for display ([`CostPerTicketValue::rounded`],
/// `Display`).
///
/// **Apportioning.** A [`CostEntry`] covers an inclusive range of local dates. An entry that
/// crosses a period boundary is split by days: a period overlapping `d` of the entry's `D` days
/// gets amount × d / D, rounded half-even to 10 decimal places (far below any display precision;
/// a fixed scale keeps later sums exact); the *last* overlapped period gets the remainder, so the
/// parts add back to the amount exactly. See [`apportion_by_days`]. Dates are already local, so
/// costs do not depend on the zone; tickets do.
///
/// **Periods reported**: every period from the first to the last that has a cost or a ticket.
/// A period with tickets but no cost entry costs 0 (the cost data says nothing was spent then).
///
/// # Example
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use rust_decimal::Decimal;
/// use supportkpi::{CostEntry, Ticket};
/// use supportkpi::kpi::{Accumulator, CostPerTicket, Kpi};
/// use supportkpi::model::{Currency, Money};
///
/// let d = |day| NaiveDate::from_ymd_opt(2021, 6, day).unwrap();
/// let mut acc = CostPerTicket::default().accumulator();
/// acc.push_cost(&CostEntry::new(d(1), d(30), Money::new(Decimal::from(900), Currency::new("USD")?))?)?;
/// for i in 0..3 {
///     let created = Utc.with_ymd_and_hms(2021, 6, 10 + i, 9, 0, 0).unwrap();
///     acc.push_ticket(&Ticket::builder(format!("T-{i}"), created).resolved_at(created).build()?)?;
/// }
/// let r = acc.finish();
/// assert_eq!(r.periods[0].value.to_string(), "300.00 USD per ticket");
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CostPerTicket {
    options: CostPerTicketOptions,
}

impl CostPerTicket {
    /// Cost per ticket with these options.
    ///
    /// # Errors
    /// None today (every combination of options is valid); fallible for uniformity with the
    /// other KPIs and for options to come.
    ///
    /// # Example
    /// ```
    /// use supportkpi::kpi::{CostDenominator, CostPerTicket, CostPerTicketOptions};
    /// let k = CostPerTicket::new(CostPerTicketOptions::default().with_denominator(CostDenominator::Created))?;
    /// assert_eq!(k.options().denominator, CostDenominator::Created);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn new(options: CostPerTicketOptions) -> Result<Self, Error> {
        Ok(CostPerTicket { options })
    }

    /// The options.
    pub fn options(&self) -> &CostPerTicketOptions {
        &self.options
    }
}

impl Kpi for CostPerTicket {
    type Accumulator = CostPerTicketAccumulator;

    fn accumulator(&self) -> CostPerTicketAccumulator {
        CostPerTicketAccumulator {
            options: self.options,
            ..CostPerTicketAccumulator::default()
        }
    }
}

/// One input of [`CostPerTicketAccumulator::push`]: the accumulator takes costs *and* tickets,
/// so its record is either. The `push_*` methods take them by reference without wrapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CostRecord {
    /// A cost entry.
    Cost(CostEntry),
    /// A ticket, counted in the period of its resolution (or creation, per the options).
    Ticket(Ticket),
    /// A number of tickets in a period, given directly.
    Tickets {
        /// The period (of the accumulator's length).
        period: PeriodKey,
        /// How many tickets.
        count: u64,
    },
}

impl From<CostEntry> for CostRecord {
    fn from(c: CostEntry) -> Self {
        CostRecord::Cost(c)
    }
}

impl From<Ticket> for CostRecord {
    fn from(t: Ticket) -> Self {
        CostRecord::Ticket(t)
    }
}

/// The state of [`CostPerTicket`]: exact cost per period, ticket count per period, currency.
///
/// Serializable; deserializing re-checks that every period has the options' length, that the
/// total is the sum of the periods, and that costs have a currency ([`ErrorKind::InvalidState`]
/// otherwise).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CostAccRepr")]
pub struct CostPerTicketAccumulator {
    options: CostPerTicketOptions,
    currency: Option<Currency>,
    #[serde(with = "pairs")]
    cost: BTreeMap<PeriodKey, Decimal>,
    total_cost: Decimal,
    #[serde(with = "pairs")]
    tickets: BTreeMap<PeriodKey, u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CostAccRepr {
    options: CostPerTicketOptions,
    currency: Option<Currency>,
    #[serde(with = "pairs")]
    cost: BTreeMap<PeriodKey, Decimal>,
    total_cost: Decimal,
    #[serde(with = "pairs")]
    tickets: BTreeMap<PeriodKey, u64>,
}

impl TryFrom<CostAccRepr> for CostPerTicketAccumulator {
    type Error = Error;
    fn try_from(r: CostAccRepr) -> Result<Self, Error> {
        let bad = |rule: &str| Error::new(ErrorKind::InvalidState, rule.to_owned());
        let b = Bucketer::new(r.options.period, r.options.zone);
        if r.cost
            .keys()
            .chain(r.tickets.keys())
            .any(|k| b.key_of_date(k.start) != *k)
        {
            return Err(bad("cost state has a period of another length or start"));
        }
        if r.currency.is_none() && !r.cost.is_empty() {
            return Err(bad("cost state has costs but no currency"));
        }
        let sum = r
            .cost
            .values()
            .try_fold(Decimal::ZERO, |acc, v| exact_add(acc, *v));
        if sum != Some(r.total_cost) {
            return Err(bad("cost state total is not the sum of its periods"));
        }
        Ok(CostPerTicketAccumulator {
            options: r.options,
            currency: r.currency,
            cost: r.cost,
            total_cost: r.total_cost,
            tickets: r.tickets,
        })
    }
}

/// Maps keyed by [`PeriodKey`] as a list of `[key, value]` pairs: JSON object keys must be
/// strings, and a period key is a struct.
mod pairs {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    pub(super) fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        m: &BTreeMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(m.iter())
    }

    pub(super) fn deserialize<'de, K, V, D>(d: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        let v = Vec::<(K, V)>::deserialize(d)?;
        let n = v.len();
        let m: BTreeMap<K, V> = v.into_iter().collect();
        if m.len() != n {
            return Err(D::Error::custom("invalid_state: a period appears twice"));
        }
        Ok(m)
    }
}

fn not_exact(what: impl fmt::Display) -> Error {
    Error::new(
        ErrorKind::InvalidValue,
        "cost sums must stay exact within Decimal's 28 significant digits",
    )
    .with_field("amount")
    .with_value(what)
}

impl CostPerTicketAccumulator {
    /// Adds a cost entry, apportioned over the periods it overlaps.
    ///
    /// # Errors
    /// [`ErrorKind::MixedCurrencies`] when its currency differs from earlier entries';
    /// [`ErrorKind::InvalidValue`] when a sum would no longer be exact. The accumulator is
    /// unchanged then.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use rust_decimal::Decimal;
    /// use supportkpi::{CostEntry, ErrorKind};
    /// use supportkpi::kpi::{Accumulator, CostPerTicket, Kpi};
    /// use supportkpi::model::{Currency, Money};
    /// let d = NaiveDate::from_ymd_opt(2021, 6, 1).unwrap();
    /// let mut acc = CostPerTicket::default().accumulator();
    /// acc.push_cost(&CostEntry::new(d, d, Money::new(Decimal::ONE, Currency::new("USD")?))?)?;
    /// let eur = CostEntry::new(d, d, Money::new(Decimal::ONE, Currency::new("EUR")?))?;
    /// assert_eq!(acc.push_cost(&eur).unwrap_err().kind(), ErrorKind::MixedCurrencies);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn push_cost(&mut self, entry: &CostEntry) -> Result<(), Error> {
        let money = entry.amount();
        if let Some(have) = self.currency
            && have != money.currency
        {
            return Err(Error::new(
                ErrorKind::MixedCurrencies,
                format!("one computation takes one currency; already have {have}"),
            )
            .with_record_type("cost_entry")
            .with_id(format!("{}..={}", entry.start(), entry.end()))
            .with_field("amount")
            .with_value(money.currency));
        }
        let total = exact_add(self.total_cost, money.amount).ok_or_else(|| {
            not_exact(money.amount)
                .with_record_type("cost_entry")
                .with_id(format!("{}..={}", entry.start(), entry.end()))
        })?;
        let mut updates = Vec::new();
        for (k, part) in apportion_by_days(entry, self.options.period) {
            let have = self.cost.get(&k).copied().unwrap_or(Decimal::ZERO);
            let sum = exact_add(have, part.amount).ok_or_else(|| {
                not_exact(part.amount)
                    .with_record_type("cost_entry")
                    .with_id(format!("{}..={}", entry.start(), entry.end()))
            })?;
            updates.push((k, sum));
        }
        self.cost.extend(updates);
        self.total_cost = total;
        self.currency = Some(money.currency);
        Ok(())
    }

    /// Counts a ticket in the period of its latest resolution (an unresolved ticket is not
    /// counted), or of its creation with [`CostDenominator::Created`].
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] if the period's count would overflow `u64`.
    ///
    /// # Example
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::Ticket;
    /// use supportkpi::kpi::{Accumulator, CostPerTicket, Kpi};
    /// let t = Ticket::builder("T-1", Utc.with_ymd_and_hms(2021, 6, 1, 0, 0, 0).unwrap()).build()?;
    /// let mut acc = CostPerTicket::default().accumulator();
    /// acc.push_ticket(&t)?; // open: not resolved, so not counted
    /// assert!(acc.finish().periods.is_empty());
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn push_ticket(&mut self, ticket: &Ticket) -> Result<(), Error> {
        let at = self
            .options
            .denominator
            .bucket_at(ticket.created_at(), ticket.resolved_at());
        if let Some(at) = at {
            let k = Bucketer::new(self.options.period, self.options.zone).key(at);
            self.add_count(k, 1)
                .map_err(|e| e.with_record_type("ticket").with_id(ticket.id().as_str()))?;
        }
        Ok(())
    }

    /// Adds `count` tickets to a period, for counts given directly.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] when `period` is not a period of the options' length (its
    /// `start` must be a period start), or the count would overflow `u64`.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use supportkpi::kpi::{Accumulator, CostPerTicket, Kpi};
    /// use supportkpi::time::{Period, PeriodKey};
    /// let june = PeriodKey { start: NaiveDate::from_ymd_opt(2021, 6, 1).unwrap(), period: Period::Month };
    /// let mut acc = CostPerTicket::default().accumulator();
    /// acc.add_tickets(june, 2_000)?;
    /// assert!(acc.add_tickets(PeriodKey { period: Period::Day, ..june }, 1).is_err());
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn add_tickets(&mut self, period: PeriodKey, count: u64) -> Result<(), Error> {
        let b = Bucketer::new(self.options.period, self.options.zone);
        if b.key_of_date(period.start) != period {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!(
                    "ticket counts are per {} starting on a period start",
                    self.options.period
                ),
            )
            .with_field("period")
            .with_value(format!("{} {}", period.period, period.start)));
        }
        self.add_count(period, count)
    }

    fn add_count(&mut self, k: PeriodKey, n: u64) -> Result<(), Error> {
        let c = self.tickets.entry(k).or_default();
        *c = c.checked_add(n).ok_or_else(|| {
            Error::new(ErrorKind::InvalidValue, "ticket count overflows u64")
                .with_field("count")
                .with_value(n)
        })?;
        Ok(())
    }

    fn value(&self, cost: Decimal, tickets: u64) -> CostPerTicketValue {
        let d = self.options.denominator;
        let cost_per_ticket = match self.currency {
            None if tickets > 0 => Metric::undefined("no cost entries"),
            _ => divide(cost, tickets, d.missing()),
        };
        CostPerTicketValue {
            currency: self.currency,
            denominator: d,
            cost,
            tickets,
            cost_per_ticket,
        }
    }
}

impl Accumulator for CostPerTicketAccumulator {
    type Record = CostRecord;
    type Output = CostPerTicketResult;

    /// Adds a cost entry, a ticket or a ticket count (see [`push_cost`](Self::push_cost),
    /// [`push_ticket`](Self::push_ticket), [`add_tickets`](Self::add_tickets)).
    ///
    /// # Errors
    /// Those of the method the record goes to.
    fn push(&mut self, record: &CostRecord) -> Result<(), Error> {
        match record {
            CostRecord::Cost(c) => self.push_cost(c),
            CostRecord::Ticket(t) => self.push_ticket(t),
            CostRecord::Tickets { period, count } => self.add_tickets(*period, *count),
        }
    }

    /// # Errors
    /// [`ErrorKind::IncompatibleMerge`] for other options; [`ErrorKind::MixedCurrencies`] for
    /// another currency; [`ErrorKind::InvalidValue`] when a sum would no longer be exact. On
    /// error `self` is unchanged.
    fn merge(&mut self, other: Self) -> Result<(), Error> {
        if self.options != other.options {
            return Err(incompatible("cost per ticket"));
        }
        if let (Some(have), Some(got)) = (self.currency, other.currency)
            && have != got
        {
            return Err(Error::new(
                ErrorKind::MixedCurrencies,
                format!("one computation takes one currency; already have {have}"),
            )
            .with_record_type("cost_entry")
            .with_field("amount")
            .with_value(got));
        }
        let total = exact_add(self.total_cost, other.total_cost)
            .ok_or_else(|| not_exact(other.total_cost))?;
        let mut cost = self.cost.clone();
        for (k, v) in other.cost {
            let have = cost.get(&k).copied().unwrap_or(Decimal::ZERO);
            cost.insert(k, exact_add(have, v).ok_or_else(|| not_exact(v))?);
        }
        let mut tickets = self.tickets.clone();
        for (k, n) in other.tickets {
            let c = tickets.entry(k).or_default();
            *c = c.checked_add(n).ok_or_else(|| {
                Error::new(ErrorKind::InvalidValue, "ticket count overflows u64")
                    .with_field("count")
                    .with_value(n)
            })?;
        }
        self.cost = cost;
        self.tickets = tickets;
        self.total_cost = total;
        self.currency = self.currency.or(other.currency);
        Ok(())
    }

    fn finish(self) -> CostPerTicketResult {
        let b = Bucketer::new(self.options.period, self.options.zone);
        let touched = self.cost.keys().chain(self.tickets.keys()).copied();
        let keys = super::retention::report_keys(&b, None, touched);
        let periods = keys
            .into_iter()
            .map(|k| CostPerTicketPeriod {
                period: k,
                value: self.value(
                    self.cost.get(&k).copied().unwrap_or(Decimal::ZERO),
                    self.tickets.get(&k).copied().unwrap_or(0),
                ),
            })
            .collect();
        let all_tickets = self
            .tickets
            .values()
            .fold(0_u64, |a, n| a.saturating_add(*n));
        CostPerTicketResult {
            period: self.options.period,
            zone: self.options.zone,
            total: self.value(self.total_cost, all_tickets),
            periods,
        }
    }
}

/// Cost per ticket for every reported period, and over everything pushed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostPerTicketResult {
    /// The period length.
    pub period: Period,
    /// The zone tickets were bucketed in.
    pub zone: Tz,
    /// One row per period, in order.
    pub periods: Vec<CostPerTicketPeriod>,
    /// All cost over all tickets.
    pub total: CostPerTicketValue,
}

/// Cost per ticket of one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostPerTicketPeriod {
    /// The period.
    pub period: PeriodKey,
    /// The cost, tickets and quotient.
    #[serde(flatten)]
    pub value: CostPerTicketValue,
}

/// Cost, tickets and cost per ticket, exact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostPerTicketValue {
    /// The currency (`None` when no cost entry was pushed).
    pub currency: Option<Currency>,
    /// Which tickets `tickets` counts.
    pub denominator: CostDenominator,
    /// The cost, exact.
    pub cost: Decimal,
    /// Tickets resolved (or created) — the sample size.
    pub tickets: u64,
    /// cost / tickets (one Decimal division); undefined with no tickets, or with tickets but no
    /// cost entries at all (no currency to state it in).
    pub cost_per_ticket: Metric<Decimal>,
}

impl CostPerTicketValue {
    /// The value rounded for display: half-even to 2 places, always with 2 decimals.
    ///
    /// # Example
    /// ```
    /// use rust_decimal::Decimal;
    /// use supportkpi::kpi::{CostDenominator, CostPerTicketValue, Metric};
    /// let v = CostPerTicketValue {
    ///     currency: None,
    ///     denominator: CostDenominator::Resolved,
    ///     cost: Decimal::new(2_5, 1),
    ///     tickets: 1,
    ///     cost_per_ticket: Metric::Value(Decimal::new(12_345, 3)),
    /// };
    /// assert_eq!(v.rounded(), Metric::Value(Decimal::new(12_34, 2)));
    /// ```
    pub fn rounded(&self) -> Metric<Decimal> {
        self.rounded_dp(2)
    }

    /// The value rounded half-even to exactly `places` decimal places (50 → 50.00).
    pub fn rounded_dp(&self, places: u32) -> Metric<Decimal> {
        self.cost_per_ticket.clone().map(|v| {
            let mut r = v.round_dp_with_strategy(places, RoundingStrategy::MidpointNearestEven);
            r.rescale(places);
            r
        })
    }
}

impl fmt::Display for CostPerTicketValue {
    /// `50.00 USD per ticket`, or `undefined (no tickets resolved in the period)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.rounded(), self.currency) {
            (Metric::Value(v), Some(c)) => write!(f, "{v:.2} {c} per ticket"),
            (Metric::Value(v), None) => write!(f, "{v:.2} per ticket"),
            (Metric::Undefined(u), _) => write!(f, "{u}"),
        }
    }
}

impl fmt::Display for CostPerTicketPeriod {
    /// `2021-06: 50.00 USD per ticket (100000 / 2000 resolved)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = &self.value;
        write!(
            f,
            "{}: {} ({} / {} {})",
            self.period,
            v,
            v.cost,
            v.tickets,
            v.denominator.word()
        )
    }
}
