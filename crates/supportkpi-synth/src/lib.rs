//! A seeded synthetic helpdesk: a year of a fictional B2B SaaS company's support, for demos,
//! tests and benchmarks.
//!
//! [`Synth`] makes every record type — tickets with their event logs, CSAT / NPS / CES survey
//! responses linked to tickets, customers with segments and monthly recurring revenue (USD),
//! monthly support costs — with the shapes real support data has:
//!
//! - **arrivals**: exactly [`SynthOptions::tickets`] tickets, split over the days in proportion
//!   to a daily intensity (weekday > weekend, a growing customer base, a summer and a
//!   year-end dip) and within a day by an hourly profile in [`SynthOptions::zone`]. Drawing the
//!   day counts as a multinomial and the instants i.i.d. from the intensity is a Poisson
//!   process conditioned on its total, so the total is exact and the shape is Poisson's;
//! - **a spike week**: a bad release on the Monday nearest 40% through the range brings
//!   almost three times the usual volume, more urgent tickets and slower answers;
//! - **durations**: first response and resolution times are log-normal (by channel and
//!   priority), and agents work Monday to Friday 08:00–18:00 local, so a ticket filed on
//!   Friday evening waits for Monday;
//! - **conversations**: bot replies on web and chat, private notes, waits on the customer
//!   (pending) and on engineering (on hold), one-touch resolutions, reopens (about 6%), and
//!   solved tickets closing four days later; tickets still open at the end of the range stay
//!   open (the export is taken then);
//! - **surveys**: CSAT (1–5) on ~30% of resolved tickets, CES (effort, 1–5) on ~12%, NPS
//!   (0–10) on ~10%, scored worse for slow, reopened and long conversations;
//! - **a churn wave**: customers leave faster for a month about 62% through the range, and
//!   NPS sours in the six weeks before.
//!
//! Everything is determined by [`SynthOptions`]: the same options give the same records, byte
//! for byte. Each day's arrivals and each ticket draw from their own random stream (seeded
//! from the seed and the day or ticket number), so tickets are generated one at a time in
//! creation order without holding the data set in memory: [`Synth::tickets`] is an iterator,
//! and [`Synth::write`] streams any size to CSV or JSON Lines files in the canonical layout
//! that [`supportkpi::io`] reads (see its module docs).
//!
//! ```
//! use supportkpi_synth::{Synth, SynthOptions};
//!
//! let synth = Synth::new(SynthOptions::new(500).seed(7))?;
//! let data = synth.dataset();
//! assert_eq!(data.tickets.len(), 500);
//! assert!(data.events.len() > 5 * 500);
//! assert!(!data.surveys.is_empty() && !data.customers.is_empty() && !data.costs.is_empty());
//! // The same seed gives the same data.
//! assert_eq!(Synth::new(SynthOptions::new(500).seed(7))?.dataset(), data);
//! # Ok::<(), supportkpi::Error>(())
//! ```

mod population;
mod rng;
mod shape;
mod story;
mod write;

pub use write::{WriteOptions, Written};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use population::Population;
use rust_decimal::Decimal;
use shape::Shape;
use story::{CHANNELS, Happening, PRIORITIES, SEGMENTS, Story, TEAMS};
use supportkpi::model::{
    CostEntry, Currency, Customer, EventKind, Money, SurveyResponse, Ticket, TicketEvent,
};
use supportkpi::report::ReportInput;
use supportkpi::{Error, ErrorKind, Result};

/// Random-stream domains: each kind of draw has its own, so adding draws to one never shifts
/// another.
const DOMAIN_DAYS: u64 = 1;
const DOMAIN_ARRIVALS: u64 = 2;
const DOMAIN_TICKET: u64 = 3;
const DOMAIN_CUSTOMER: u64 = 4;

/// The most days a data set spans (about 100 years).
pub const MAX_DAYS: u32 = 36_600;

/// The most tickets a data set has: ten billion is beyond any disk the files would fit on,
/// and the count itself costs nothing; the customers are what is held in memory.
pub const MAX_TICKETS: u64 = 10_000_000_000;

/// The most customers a data set has (held in memory while tickets are drawn: about 1 GB).
pub const MAX_CUSTOMERS: u64 = 20_000_000;

/// The last day a data set may start from with its days and a year to spare: the tickets of
/// its last days are resolved, rated and written after it, and every date written must be one
/// the readers read back (four-digit years, up to 9999-12-31).
fn last_written_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(9998, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// What to generate. [`Default`]: 3,000 tickets over the 365 days from 2023-01-01, UTC,
/// seed 42, one customer per 25 tickets.
///
/// ```
/// use chrono::NaiveDate;
/// use supportkpi_synth::SynthOptions;
/// let o = SynthOptions::new(1_000_000)
///     .seed(7)
///     .start(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap())
///     .days(366)
///     .zone("Europe/Berlin")?;
/// assert_eq!(o.customers_or_default(), 40_000);
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthOptions {
    /// How many tickets (exactly).
    pub tickets: u64,
    /// The seed: the same options give the same data.
    pub seed: u64,
    /// The first local day.
    pub start: NaiveDate,
    /// How many days, from `start`.
    pub days: u32,
    /// The zone of the helpdesk's day: the hourly profile and the opening hours are local.
    pub zone: Tz,
    /// How many customers; `None`: one per 25 tickets, at least 30.
    pub customers: Option<u64>,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions::new(3_000)
    }
}

impl SynthOptions {
    /// `tickets` tickets with the other defaults.
    pub fn new(tickets: u64) -> Self {
        SynthOptions {
            tickets,
            seed: 42,
            start: NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default(),
            days: 365,
            zone: Tz::UTC,
            customers: None,
        }
    }

    /// Sets the number of tickets.
    #[must_use]
    pub fn tickets(mut self, n: u64) -> Self {
        self.tickets = n;
        self
    }

    /// Sets the seed.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the first day.
    #[must_use]
    pub fn start(mut self, start: NaiveDate) -> Self {
        self.start = start;
        self
    }

    /// Sets the number of days.
    #[must_use]
    pub fn days(mut self, days: u32) -> Self {
        self.days = days;
        self
    }

    /// Sets the zone by IANA name.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownTimeZone`] for a name that is not an IANA zone.
    pub fn zone(mut self, name: &str) -> Result<Self> {
        self.zone = supportkpi::time::parse_zone(name)?;
        Ok(self)
    }

    /// Sets the zone.
    #[must_use]
    pub fn with_zone(mut self, zone: Tz) -> Self {
        self.zone = zone;
        self
    }

    /// Sets the number of customers.
    #[must_use]
    pub fn customers(mut self, n: u64) -> Self {
        self.customers = Some(n);
        self
    }

    /// The number of customers: the one set, or one per 25 tickets (at least 30).
    pub fn customers_or_default(&self) -> u64 {
        self.customers
            .unwrap_or((self.tickets / 25).clamp(30, MAX_CUSTOMERS))
    }
}

/// The generator: built once from its options (customers and the daily volumes are drawn
/// then), it hands out tickets one at a time.
#[derive(Debug, Clone)]
pub struct Synth {
    options: SynthOptions,
    shape: Shape,
    population: Population,
    daily: Vec<u64>,
}

impl Synth {
    /// Draws the customers and the daily ticket counts.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] for 0 days or more than [`MAX_DAYS`], more than
    /// [`MAX_TICKETS`] tickets, 0 customers or more than [`MAX_CUSTOMERS`], a start before
    /// year 1, or days that (with a year of resolutions after them) run past the readers' last
    /// date, 9999-12-31. The default number of customers stops at [`MAX_CUSTOMERS`].
    ///
    /// # Example
    /// ```
    /// use supportkpi_synth::{Synth, SynthOptions};
    /// let synth = Synth::new(SynthOptions::new(10_000).seed(1))?;
    /// assert_eq!(synth.daily_counts().iter().sum::<u64>(), 10_000);
    /// assert!(Synth::new(SynthOptions::new(10).days(0)).is_err());
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn new(options: SynthOptions) -> Result<Synth> {
        if options.days == 0 || options.days > MAX_DAYS {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                format!("a synthetic data set spans 1 to {MAX_DAYS} days"),
            )
            .with_field("days")
            .with_value(options.days));
        }
        if options.tickets > MAX_TICKETS {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                format!("a synthetic data set has at most {MAX_TICKETS} tickets"),
            )
            .with_field("tickets")
            .with_value(options.tickets));
        }
        let first = NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN);
        let last = options
            .start
            .checked_add_days(chrono::Days::new(u64::from(options.days)));
        if options.start < first || last.is_none_or(|d| d > last_written_day()) {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                format!(
                    "a synthetic data set starts on or after 0001-01-01 and its days end by \
                     {}, a year before the readers' last date (9999-12-31)",
                    last_written_day()
                ),
            )
            .with_field("start")
            .with_value(options.start));
        }
        let n_customers = options.customers_or_default();
        if n_customers == 0 || n_customers > MAX_CUSTOMERS {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                format!("a synthetic data set has 1 to {MAX_CUSTOMERS} customers"),
            )
            .with_field("customers")
            .with_value(n_customers));
        }
        let shape = Shape::new(options.start, options.days, options.zone);
        let population = Population::new(n_customers, options.seed, &shape);
        // A multinomial, one day at a time: each day takes a binomial share of what is left.
        let mut rng = rng::Rng::stream(options.seed, DOMAIN_DAYS, 0);
        let mut left = options.tickets;
        let mut weight_left: f64 = shape.weights.iter().sum();
        let mut daily = Vec::with_capacity(shape.weights.len());
        for (i, w) in shape.weights.iter().enumerate() {
            let n = if i + 1 == shape.weights.len() {
                left
            } else {
                rng.binomial(left, w / weight_left)
            };
            daily.push(n);
            left -= n;
            weight_left -= w;
        }
        Ok(Synth {
            options,
            shape,
            population,
            daily,
        })
    }

    /// The options.
    pub fn options(&self) -> &SynthOptions {
        &self.options
    }

    /// Tickets created on each local day of the range.
    pub fn daily_counts(&self) -> &[u64] {
        &self.daily
    }

    /// The first day of the spike week.
    pub fn spike_week(&self) -> NaiveDate {
        self.shape.date(i64::from(self.shape.spike_start))
    }

    /// The first and last day of the churn wave.
    pub fn churn_wave(&self) -> (NaiveDate, NaiveDate) {
        let (a, b) = self.shape.churn_wave;
        (self.shape.date(i64::from(a)), self.shape.date(i64::from(b)))
    }

    /// The customers, in id order (`C-000001`, …).
    pub fn customers(&self) -> impl Iterator<Item = Customer> + '_ {
        (0..self.population.customers.len()).map(|i| self.customer(i as u32))
    }

    fn customer(&self, i: u32) -> Customer {
        let c = &self.population.customers[i as usize];
        let at = |d: i64| instant(self.shape.midnight(d));
        let mut customer = Customer::new(customer_id(i), at(c.acquired))
            .unwrap_or_else(|_| unreachable!("generated ids are never empty"))
            .with_revenue(Money::new(
                Decimal::new(c.mrr_cents as i64, 2),
                Currency::new("USD").unwrap_or_else(|_| unreachable!("USD is a currency")),
            ))
            .with_segment(SEGMENTS[usize::from(c.segment)]);
        if c.churned != i64::MAX {
            customer = customer
                .with_churned_at(at(c.churned))
                .unwrap_or_else(|_| unreachable!("churn follows acquisition"));
        }
        customer
    }

    /// Monthly support costs (USD) over the range: salaries for the agents the month's volume
    /// needs (one per 420 tickets a month, at least two, 5,200 a month each) and tooling,
    /// prorated for months the range covers only in part.
    pub fn costs(&self) -> Vec<CostEntry> {
        let usd = Currency::new("USD").unwrap_or_else(|_| unreachable!("USD is a currency"));
        let mut out = Vec::new();
        let first = self.options.start;
        let last = self.shape.date(i64::from(self.options.days) - 1);
        let mut month = NaiveDate::from_ymd_opt(first.year(), first.month(), 1).unwrap_or(first);
        while month <= last {
            let next = supportkpi::time::Period::Month.next_start(month);
            let month_days = (next - month).num_days();
            let a = month.max(first);
            let b = (next - Duration::days(1)).min(last);
            let covered = (b - a).num_days() + 1;
            let from = (a - first).num_days() as usize;
            let tickets: u64 = self.daily[from..from + covered as usize].iter().sum();
            let full_month = tickets as f64 * month_days as f64 / covered as f64;
            let agents = (full_month / 420.0).ceil().max(2.0) as i64;
            let prorate = |monthly_cents: i64| -> Decimal {
                Decimal::new(monthly_cents * covered / month_days, 2)
            };
            for (category, cents) in [
                ("salaries", agents * 520_000),
                ("tooling", agents * 6_500 + 45_000),
            ] {
                if let Ok(entry) = CostEntry::new(a, b, Money::new(prorate(cents), usd)) {
                    out.push(entry.with_category(category));
                }
            }
            month = next;
        }
        out
    }

    /// Every ticket, in creation order, with its events and surveys: a streaming iterator (one
    /// ticket in memory at a time).
    ///
    /// ```
    /// use supportkpi_synth::{Synth, SynthOptions};
    /// let synth = Synth::new(SynthOptions::new(100))?;
    /// let first = synth.tickets().next().unwrap();
    /// assert_eq!(first.ticket.id().as_str(), "T-00000001");
    /// assert_eq!(first.events[0].at, first.ticket.created_at());
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn tickets(&self) -> SynthTickets<'_> {
        SynthTickets {
            stories: self.stories(),
            story: Story::new(),
        }
    }

    pub(crate) fn stories(&self) -> Stories<'_> {
        Stories {
            synth: self,
            day: 0,
            times: Vec::new(),
            pos: 0,
            index: 0,
        }
    }

    /// The whole data set in memory (for demos and tests; stream [`tickets`](Self::tickets)
    /// or [`write`](Self::write) for big ones).
    pub fn dataset(&self) -> Dataset {
        let mut data = Dataset {
            customers: self.customers().collect(),
            costs: self.costs(),
            ..Dataset::default()
        };
        for t in self.tickets() {
            data.tickets.push(t.ticket);
            data.events.extend(t.events);
            data.surveys.extend(t.surveys);
        }
        data
    }

    fn records(&self, s: &Story) -> SynthTicket {
        let id = ticket_id(s.index);
        let mut b = Ticket::builder(id.as_str(), instant(s.created))
            .customer_id(customer_id(s.customer))
            .status(s.status)
            .channel(CHANNELS[usize::from(s.channel)])
            .priority(PRIORITIES[usize::from(s.priority)])
            .team(TEAMS[usize::from(s.team)])
            .assignee(agent(s.assignee))
            .agent_replies(s.agent_replies)
            .reopens(s.reopens);
        if let Some(t) = s.first_response {
            b = b.first_response_at(instant(t));
        }
        if let Some(t) = s.first_resolved {
            b = b.first_resolved_at(instant(t));
        }
        if let Some(t) = s.resolved {
            b = b.resolved_at(instant(t));
        }
        let ticket = b
            .build()
            .unwrap_or_else(|e| unreachable!("a generated ticket is valid: {e}"));
        let events = s
            .events
            .iter()
            .map(|e| {
                let kind = match e.what {
                    Happening::Created => EventKind::Created,
                    Happening::Reply { author, public } => EventKind::Reply { author, public },
                    Happening::Status(to) => EventKind::StatusChange {
                        to: to.as_str().to_owned(),
                    },
                    Happening::Assigned => EventKind::Assigned {
                        to: agent(s.assignee),
                    },
                };
                TicketEvent::new(id.as_str(), instant(e.at), kind)
            })
            .collect();
        let surveys = s
            .surveys
            .iter()
            .map(|v| {
                SurveyResponse::new(survey_id(s.index, v.kind), instant(v.at), v.kind, v.score)
                    .unwrap_or_else(|e| unreachable!("a generated response is valid: {e}"))
                    .with_ticket(id.as_str())
                    .with_customer(customer_id(s.customer))
            })
            .collect();
        SynthTicket {
            ticket,
            events,
            surveys,
        }
    }
}

/// One generated ticket: its summary row, its event log (which derives to the same summary)
/// and the survey responses about it.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthTicket {
    /// The summary row.
    pub ticket: Ticket,
    /// The events, in time order.
    pub events: Vec<TicketEvent>,
    /// The survey responses linked to the ticket.
    pub surveys: Vec<SurveyResponse>,
}

/// The iterator of [`Synth::tickets`].
#[derive(Debug)]
pub struct SynthTickets<'a> {
    stories: Stories<'a>,
    story: Story,
}

impl Iterator for SynthTickets<'_> {
    type Item = SynthTicket;

    fn next(&mut self) -> Option<SynthTicket> {
        if self.stories.next_into(&mut self.story) {
            Some(self.stories.synth.records(&self.story))
        } else {
            None
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.stories.synth.options.tickets - self.stories.index) as usize;
        (left, Some(left))
    }
}

/// Stories in creation order, one day's arrival instants in memory at a time.
#[derive(Debug)]
pub(crate) struct Stories<'a> {
    synth: &'a Synth,
    day: usize,
    times: Vec<i64>,
    pos: usize,
    index: u64,
}

impl Stories<'_> {
    /// Fills `story` with the next ticket; false at the end.
    pub(crate) fn next_into(&mut self, story: &mut Story) -> bool {
        while self.pos == self.times.len() {
            if self.day >= self.synth.daily.len() {
                return false;
            }
            self.arrivals(self.day);
            self.day += 1;
        }
        let created = self.times[self.pos];
        self.pos += 1;
        self.synth.tell(self.index, created, story);
        self.index += 1;
        true
    }

    fn arrivals(&mut self, day: usize) {
        let shape = &self.synth.shape;
        let d = day as i64;
        let mut rng = rng::Rng::stream(self.synth.options.seed, DOMAIN_ARRIVALS, day as u64);
        let midnight = shape.midnight(d);
        let next = shape.midnight(d + 1);
        let hours = shape.hours(d);
        self.times.clear();
        self.pos = 0;
        for _ in 0..self.synth.daily[day] {
            let h = rng.pick(hours) as i64;
            let t = midnight + h * 3600 + rng.below(3600) as i64;
            // A 23-hour day (DST) has no 23rd hour.
            self.times.push(t.min(next - 1));
        }
        self.times.sort_unstable();
    }
}

/// A whole generated data set in memory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    /// Tickets, summary form, in creation order.
    pub tickets: Vec<Ticket>,
    /// The tickets' event logs, ticket by ticket.
    pub events: Vec<TicketEvent>,
    /// Survey responses.
    pub surveys: Vec<SurveyResponse>,
    /// Customers.
    pub customers: Vec<Customer>,
    /// Monthly cost entries.
    pub costs: Vec<CostEntry>,
}

impl Dataset {
    /// A report's input from the summary tickets alone (no event histories: reopen instants
    /// unknown), surveys, customers and costs; see
    /// [`into_report_input_with_histories`](Dataset::into_report_input_with_histories).
    pub fn into_report_input(self) -> ReportInput {
        ReportInput {
            tickets: self.tickets,
            histories: Vec::new(),
            surveys: self.surveys,
            customers: self.customers,
            costs: self.costs,
        }
    }
}

impl Dataset {
    /// A report's input with every ticket known by its event history (exact reopens, every
    /// resolution, waiting time) and described by its summary row (channel, priority, customer…):
    /// the histories derived from `events`, joined with `tickets` by id.
    ///
    /// # Errors
    /// Never for a generated data set (its events derive without error); the derivation's
    /// errors otherwise.
    pub fn into_report_input_with_histories(self) -> Result<ReportInput> {
        let histories = supportkpi::model::derive_histories(
            self.events,
            &supportkpi::model::StatusMap::canonical(),
            supportkpi::model::DeriveOptions::new(),
        )?;
        let mut input = ReportInput {
            tickets: self.tickets,
            histories,
            surveys: self.surveys,
            customers: self.customers,
            costs: self.costs,
        };
        input.join_tickets_with_histories()?;
        Ok(input)
    }
}

fn instant(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

pub(crate) fn ticket_id(index: u64) -> String {
    format!("T-{:08}", index + 1)
}

pub(crate) fn customer_id(i: u32) -> String {
    format!("C-{:06}", u64::from(i) + 1)
}

pub(crate) fn agent(i: u8) -> String {
    format!("agent-{i:02}")
}

pub(crate) fn survey_id(index: u64, kind: supportkpi::model::SurveyKind) -> String {
    format!("S-{:08}-{}", index + 1, survey_kind(kind))
}

pub(crate) fn survey_kind(kind: supportkpi::model::SurveyKind) -> &'static str {
    match kind {
        supportkpi::model::SurveyKind::Csat => "csat",
        supportkpi::model::SurveyKind::Nps => "nps",
        supportkpi::model::SurveyKind::Ces => "ces",
    }
}

#[cfg(test)]
mod tests;
