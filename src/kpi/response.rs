//! First response time (docs/definitions.md, "First response time").

use super::duration::{Durations, add, add_all, business_seconds, calendar_seconds, invalid_state};
use super::{Accumulator, Kpi, NO_REPLIES, TicketAccumulator, TicketFacts, incompatible};
use crate::error::{Error, Result};
use crate::model::{Instant, Ticket, TicketHistory};
use crate::stats::{DurationStats, QuantileMode};
use crate::time::{BusinessCalendar, TeamCalendars};
use serde::{Deserialize, Serialize};

/// Options of [`FirstResponseTime`]: how quantiles are computed, and the business calendar that
/// adds business-time statistics.
///
/// ```
/// use supportkpi::BusinessCalendar;
/// use supportkpi::kpi::FirstResponseTimeOptions;
/// use supportkpi::stats::QuantileMode;
///
/// let cal = BusinessCalendar::parse("Mon-Fri 10:00-18:00", chrono_tz::UTC)?;
/// let options = FirstResponseTimeOptions::default()
///     .with_quantiles(QuantileMode::Sketch { relative_accuracy: 0.01 })
///     .with_calendar(cal.clone());
/// assert_eq!(options.calendar.as_ref(), Some(&cal));
/// assert_eq!(FirstResponseTimeOptions::default().quantiles, QuantileMode::Exact);
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirstResponseTimeOptions {
    /// Exact quantiles (the default) or a sketch with a relative error, for huge inputs.
    #[serde(default)]
    pub quantiles: QuantileMode,
    /// The business calendar that adds business-time statistics (`*_bh`); `None`: calendar
    /// time only.
    #[serde(default)]
    pub calendar: Option<BusinessCalendar>,
    /// A business calendar per team (or other dimension), `calendar` (which this needs) for
    /// the other tickets.
    #[serde(default)]
    pub team_calendars: Option<TeamCalendars>,
}

impl FirstResponseTimeOptions {
    /// One ticket's first response time: calendar seconds and, with a calendar, business
    /// seconds; `None` for an unanswered ticket. The one rule the KPI and the per-ticket table
    /// share.
    pub(crate) fn measure(&self, t: &Ticket) -> Option<(i64, Option<i64>)> {
        let responded = t.first_response_at()?;
        let created = t.created_at();
        let calendar = calendar_seconds(created, responded);
        let business = self
            .calendar_for(t)
            .map(|cal| business_seconds(cal, created, responded, calendar));
        Some((calendar, business))
    }
}

super::duration::duration_options!(FirstResponseTimeOptions; get_quantiles, get_calendar);

/// First response time (FRT): how long a customer waited for the first public agent reply.
///
/// # Definition
///
/// - **Per ticket**: `first_response_at − created_at`, in whole calendar seconds (the
///   difference truncated, as [`Ticket::first_response_seconds`]) and, with a calendar in the
///   options, in business seconds: the open seconds of `[created_at, first_response_at)`
///   ([`BusinessCalendar::business_seconds`]), capped at the calendar figure so that business
///   ≤ calendar holds to the second even for instants with fractions of a second.
/// - `first_response_at` is the summary row's, or the one the event-log derivation gives
///   (the first public agent reply — not a bot, not a private note — and for a ticket an agent
///   opened with a public message, the next one): summary rows and histories go through the
///   same code, so a history and its own summary give the same figures.
/// - **Statistics** (`n` = answered tickets): mean = total / n, median, p90, min, max, as
///   [`DurationSummary`](crate::stats::DurationSummary) defines them.
/// - **Unanswered** tickets (no first response) are excluded from the statistics and counted
///   in [`unanswered`](FirstResponseTimeResult::unanswered); every ticket pushed is either
///   answered or unanswered.
/// - **A log without replies**: a history whose log records no replies
///   ([`TicketHistory::records_replies`]) is neither answered nor unanswered: it is counted in
///   [`replies_unknown`](FirstResponseTimeResult::replies_unknown), and when every ticket is,
///   the statistics are undefined with the reason "the input records no replies".
/// - **Bucketing**: a ticket belongs to the period of its `created_at`
///   ([`bucket_instant`](Self::bucket_instant)), answered or not, so a period's unanswered count
///   is the tickets created in it still waiting.
///
/// # Example
///
/// The reference spans of docs/definitions.md ("Time") on its Mon–Fri 10:00–18:00 UTC calendar:
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::{BusinessCalendar, Ticket};
/// use supportkpi::kpi::{FirstResponseTime, FirstResponseTimeOptions, Kpi};
///
/// let at = |d, h| Utc.with_ymd_and_hms(2021, 6, d, h, 0, 0).unwrap();
/// let cal = BusinessCalendar::parse("Mon-Fri 10:00-18:00", chrono_tz::UTC)?;
/// let frt = FirstResponseTime::new(FirstResponseTimeOptions::default().with_calendar(cal))?;
/// let tickets = [
///     Ticket::builder("A", at(28, 11)).first_response_at(at(28, 12)).build()?, // 1 h, 1 h
///     Ticket::builder("B", at(28, 12)).first_response_at(at(28, 20)).build()?, // 8 h, 6 h
///     Ticket::builder("C", at(28, 13)).build()?, // unanswered
/// ];
/// let r = frt.compute(&tickets)?;
/// assert_eq!((r.tickets, r.answered, r.unanswered), (3, 2, 1));
/// assert_eq!(r.calendar.mean.value(), Some(4.5 * 3600.0));
/// assert_eq!(r.business.unwrap().mean.value(), Some(3.5 * 3600.0));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FirstResponseTime {
    options: FirstResponseTimeOptions,
}

impl FirstResponseTime {
    /// The KPI with `options`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`](crate::ErrorKind::InvalidOption) for a sketch whose relative
    /// accuracy is not in `[1e-6, 1)` (field `relative_accuracy`).
    ///
    /// # Example
    /// ```
    /// use supportkpi::ErrorKind;
    /// use supportkpi::kpi::{FirstResponseTime, FirstResponseTimeOptions};
    /// use supportkpi::stats::QuantileMode;
    /// let bad = FirstResponseTimeOptions::default()
    ///     .with_quantiles(QuantileMode::Sketch { relative_accuracy: 0.0 });
    /// assert_eq!(FirstResponseTime::new(bad).unwrap_err().kind(), ErrorKind::InvalidOption);
    /// ```
    pub fn new(options: FirstResponseTimeOptions) -> Result<Self> {
        // Validates (and normalizes) the mode once, so every accumulator is built infallibly.
        let probe = Durations::new(options.quantiles, false)?;
        TeamCalendars::check_default(options.team_calendars.as_ref(), options.calendar.as_ref())?;
        Ok(FirstResponseTime {
            options: FirstResponseTimeOptions {
                quantiles: probe.calendar.mode(),
                ..options
            },
        })
    }

    /// The options (with the quantile mode normalized).
    pub fn options(&self) -> &FirstResponseTimeOptions {
        &self.options
    }

    /// The instant that puts `ticket` in a period: its `created_at` (always `Some`; an
    /// `Option` like every ticket KPI's, whose bucketing instant may be missing).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::Ticket;
    /// use supportkpi::kpi::FirstResponseTime;
    /// let created = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let t = Ticket::builder("A", created).build()?;
    /// assert_eq!(FirstResponseTime::default().bucket_instant(&t), Some(created));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn bucket_instant(&self, ticket: &Ticket) -> Option<Instant> {
        Some(ticket.created_at())
    }

    /// An empty accumulator (also [`Kpi::accumulator`]).
    pub fn accumulator(&self) -> FirstResponseTimeAccumulator {
        FirstResponseTimeAccumulator {
            durations: Durations::empty(self.options.quantiles, self.options.calendar.is_some()),
            unanswered: 0,
            replies_unknown: 0,
            options: self.options.clone(),
        }
    }
}

impl Kpi for FirstResponseTime {
    type Accumulator = FirstResponseTimeAccumulator;

    fn accumulator(&self) -> FirstResponseTimeAccumulator {
        FirstResponseTime::accumulator(self)
    }
}

/// The first response time push / merge / finish state.
///
/// Serializes as `{"options", "durations", "unanswered"}` (the durations: one calendar and, with
/// a calendar, one business summary); deserializing validates the options, the summaries'
/// consistency with them and with each other (same count, business total ≤ calendar total).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::Ticket;
/// use supportkpi::kpi::{Accumulator, FirstResponseTimeAccumulator};
/// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
/// let mut a = FirstResponseTimeAccumulator::default();
/// a.push(&Ticket::builder("A", t0).first_response_at(t0 + chrono::Duration::minutes(10)).build()?)?;
/// let mut b = FirstResponseTimeAccumulator::default();
/// b.push(&Ticket::builder("B", t0).build()?)?;
/// let json = serde_json::to_string(&b)?;
/// a.merge(serde_json::from_str(&json)?)?;
/// let r = a.finish();
/// assert_eq!((r.answered, r.unanswered, r.calendar.max.value()), (1, 1, Some(600)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "FirstResponseTimeState")]
pub struct FirstResponseTimeAccumulator {
    options: FirstResponseTimeOptions,
    durations: Durations,
    unanswered: u64,
    #[serde(default)]
    replies_unknown: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FirstResponseTimeState {
    options: FirstResponseTimeOptions,
    durations: Durations,
    unanswered: u64,
    #[serde(default)]
    replies_unknown: u64,
}

impl TryFrom<FirstResponseTimeState> for FirstResponseTimeAccumulator {
    type Error = Error;
    fn try_from(s: FirstResponseTimeState) -> Result<Self> {
        let kpi = FirstResponseTime::new(s.options)?;
        s.durations
            .validate(kpi.options.quantiles, kpi.options.calendar.is_some())?;
        add(s.durations.len(), s.unanswered)
            .and_then(|n| add(n, s.replies_unknown))
            .map_err(|_| invalid_state("unanswered", "the ticket count exceeds 2^64 - 1"))?;
        Ok(FirstResponseTimeAccumulator {
            options: kpi.options,
            durations: s.durations,
            unanswered: s.unanswered,
            replies_unknown: s.replies_unknown,
        })
    }
}

impl Default for FirstResponseTimeAccumulator {
    /// An empty accumulator with the default options (exact quantiles, calendar time only).
    fn default() -> Self {
        FirstResponseTime::default().accumulator()
    }
}

impl FirstResponseTimeAccumulator {
    /// The options it was built with.
    pub fn options(&self) -> &FirstResponseTimeOptions {
        &self.options
    }

    /// Tickets pushed, or the overflow error.
    fn tickets(&self) -> Result<u64> {
        add(
            add(self.durations.len(), self.unanswered)?,
            self.replies_unknown,
        )
    }

    /// Adds a summary ticket by its first response time in calendar seconds, worked out by the
    /// caller (`None`: unanswered); only for options without a business calendar.
    pub(crate) fn push_calendar_seconds(&mut self, seconds: Option<i64>) -> Result<()> {
        debug_assert!(self.options.calendar.is_none());
        let Some(calendar) = seconds else {
            self.unanswered = add(self.unanswered, 1)?;
            return Ok(());
        };
        add(self.tickets()?, 1)?;
        self.durations.push(calendar, None)
    }

    fn push_facts(&mut self, facts: TicketFacts<'_>) -> Result<()> {
        self.push_measured(facts).map(|_| ())
    }

    /// Adds a ticket and hands back the time it was counted with (`None`: unanswered, or
    /// its log records no replies): the report's drill-down lists take it from here rather
    /// than measuring the ticket again.
    pub(crate) fn push_measured(
        &mut self,
        facts: TicketFacts<'_>,
    ) -> Result<Option<(i64, Option<i64>)>> {
        let t = facts.ticket;
        if !facts.records_replies() {
            add(self.tickets()?, 1)?;
            self.replies_unknown += 1;
            return Ok(None);
        }
        let Some((calendar, business)) = self.options.measure(t) else {
            add(self.tickets()?, 1)?;
            self.unanswered += 1;
            return Ok(None);
        };
        add(self.tickets()?, 1)?;
        self.durations
            .push(calendar, business)
            .map_err(|e| e.with_record_type("ticket").with_id(t.id().as_str()))?;
        Ok(Some((calendar, business)))
    }
}

impl Accumulator for FirstResponseTimeAccumulator {
    type Record = Ticket;
    type Output = FirstResponseTimeResult;

    /// Adds one summary ticket.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidState`](crate::ErrorKind::InvalidState) if the ticket count would
    /// exceed 2⁶⁴ − 1. A [`Ticket`] cannot hold a response before its creation, so no ticket is
    /// rejected otherwise.
    fn push(&mut self, ticket: &Ticket) -> Result<()> {
        self.push_facts(TicketFacts::summary(ticket))
    }

    /// # Errors
    /// [`ErrorKind::IncompatibleMerge`](crate::ErrorKind::IncompatibleMerge) for other options;
    /// [`ErrorKind::InvalidState`](crate::ErrorKind::InvalidState) on count overflow. `self` is
    /// unchanged on error.
    fn merge(&mut self, other: Self) -> Result<()> {
        if self.options != other.options {
            return Err(incompatible("first response time"));
        }
        let mut unanswered = self.unanswered;
        let mut unknown = self.replies_unknown;
        add_all(
            [&mut unanswered, &mut unknown],
            [other.unanswered, other.replies_unknown],
        )?;
        add(
            add(
                add(self.durations.len(), other.durations.len())?,
                unanswered,
            )?,
            unknown,
        )?;
        self.durations.merge(other.durations)?;
        self.unanswered = unanswered;
        self.replies_unknown = unknown;
        Ok(())
    }

    fn finish(self) -> FirstResponseTimeResult {
        let answered = self.durations.len();
        let (mut calendar, mut business) = self.durations.finish();
        if answered == 0 && self.unanswered == 0 && self.replies_unknown > 0 {
            calendar.undefined_because(NO_REPLIES);
            if let Some(b) = &mut business {
                b.undefined_because(NO_REPLIES);
            }
        }
        FirstResponseTimeResult {
            tickets: answered + self.unanswered + self.replies_unknown,
            answered,
            unanswered: self.unanswered,
            replies_unknown: self.replies_unknown,
            calendar,
            business,
        }
    }
}

impl TicketAccumulator for FirstResponseTimeAccumulator {
    /// Adds one ticket by its history; its first response is the derived one, so the result is
    /// the same as for [`history.ticket()`](TicketHistory::ticket).
    fn push_history(&mut self, history: &TicketHistory) -> Result<()> {
        self.push_facts(TicketFacts::history(history))
    }
}

/// What [`FirstResponseTime`] reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirstResponseTimeResult {
    /// Tickets pushed: `answered + unanswered + replies_unknown`.
    pub tickets: u64,
    /// Tickets with a first response: the `n` of the statistics.
    pub answered: u64,
    /// Tickets without one, excluded from the statistics.
    pub unanswered: u64,
    /// Histories of a log that records no replies: neither answered nor unanswered, excluded
    /// from the statistics (which, when these are all the tickets, are undefined with the
    /// reason "the input records no replies").
    pub replies_unknown: u64,
    /// First response times in calendar seconds.
    pub calendar: DurationStats,
    /// First response times in business seconds, when the options carry a calendar.
    pub business: Option<DurationStats>,
}

impl FirstResponseTimeAccumulator {
    /// Writes the state without its options, for a report state's bytes.
    pub(crate) fn encode(&self, w: &mut crate::wire::Writer) {
        self.durations.encode(w);
        w.u64(self.unanswered);
        w.u64(self.replies_unknown);
    }

    /// Reads what [`encode`](Self::encode) wrote, with the options of `self` (an empty
    /// accumulator of the report's options) and every check of a deserialized state.
    pub(crate) fn decode(&self, r: &mut crate::wire::Reader<'_>) -> Result<Self> {
        let durations = self.durations.decode(r)?;
        let unanswered = r.u64()?;
        let replies_unknown = r.u64()?;
        Self::try_from(FirstResponseTimeState {
            options: self.options.clone(),
            durations,
            unanswered,
            replies_unknown,
        })
    }
}
