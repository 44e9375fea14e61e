//! Reply times beyond the first (SPEC "Reply times beyond the first"): next reply time per
//! wait, average reply time per ticket, and the next-reply statistics of a period.

use super::duration::{Durations, add, add_all, business_seconds, calendar_seconds, invalid_state};
use super::{Accumulator, Kpi, NO_REPLIES, TicketAccumulator, TicketFacts, incompatible};
use crate::error::{Error, Result};
use crate::model::{Instant, Ticket, TicketHistory};
use crate::stats::{DurationStats, QuantileMode};
use crate::time::{BusinessCalendar, TeamCalendars};
use serde::{Deserialize, Serialize};

/// One answered wait: its length on both clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReplySeconds {
    /// The customer's message.
    pub from: Instant,
    /// The agent's reply.
    pub to: Instant,
    /// Whole calendar seconds of `[from, to)`.
    pub calendar_s: i64,
    /// Business seconds of `[from, to)` on the calendar given (`None` without one).
    pub business_s: Option<i64>,
}

/// One ticket's reply times, from its event history: the per-ticket facts the next-reply
/// statistics and a per-ticket table are made of.
///
/// - **Next reply times**: one per answered wait ([`TicketHistory::reply_waits`]: a public
///   customer message after an agent reply → the next public agent reply), in calendar and,
///   with a calendar, business seconds (capped at the calendar figure, as first response time).
/// - **Unanswered**: waits without a reply yet (the ticket ends open with the customer waiting).
/// - **Average reply time** = (first response time + every next reply time) / their count: the
///   mean time an agent took to answer the customer, first reply included (Freshdesk's
///   "average response time"); `None` without any answered reply.
///
/// # Example
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use supportkpi::kpi::TicketReplyTimes;
/// use supportkpi::model::{Author, DeriveOptions, EventKind, StatusMap, TicketHistory};
/// use supportkpi::TicketEvent;
///
/// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
/// let h = |m: i64| t0 + Duration::minutes(m);
/// let reply = |m, author| TicketEvent::new("T", h(m), EventKind::Reply { author, public: true });
/// let events = vec![
///     TicketEvent::new("T", t0, EventKind::Created),
///     reply(30, Author::Agent),     // first response: 30 min
///     reply(40, Author::Customer),  // waits…
///     reply(45, Author::Customer),  // …still the same wait
///     reply(100, Author::Agent),    // next reply: 60 min
/// ];
/// let history = TicketHistory::from_events("T", events, &StatusMap::canonical(), DeriveOptions::new())?;
/// let times = TicketReplyTimes::of(&history, None).unwrap();
/// assert_eq!(times.next_replies.iter().map(|r| r.calendar_s).collect::<Vec<_>>(), [3600]);
/// assert_eq!(times.unanswered, 0);
/// assert_eq!(times.average_reply_s, Some(2700.0)); // (1,800 + 3,600) / 2
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketReplyTimes {
    /// Each answered wait, in order.
    pub next_replies: Vec<ReplySeconds>,
    /// Waits still unanswered.
    pub unanswered: u64,
    /// Mean of the first response time and the next reply times, calendar seconds.
    pub average_reply_s: Option<f64>,
    /// The same in business seconds (with a calendar).
    pub average_reply_bh_s: Option<f64>,
}

impl TicketReplyTimes {
    /// The reply times of `history`, business time on `calendar` when given; `None` when its
    /// log records no replies ([`TicketHistory::records_replies`]).
    pub fn of(history: &TicketHistory, calendar: Option<&BusinessCalendar>) -> Option<Self> {
        if !history.records_replies() {
            return None;
        }
        let measure = |from: Instant, to: Instant| {
            let calendar_s = calendar_seconds(from, to);
            ReplySeconds {
                from,
                to,
                calendar_s,
                business_s: calendar.map(|cal| business_seconds(cal, from, to, calendar_s)),
            }
        };
        let mut next_replies = Vec::new();
        let mut unanswered = 0;
        for wait in history.reply_waits() {
            match wait.to {
                Some(to) => next_replies.push(measure(wait.from, to)),
                None => unanswered += 1,
            }
        }
        let t = history.ticket();
        let first = t.first_response_at().map(|at| measure(t.created_at(), at));
        let all: Vec<&ReplySeconds> = first.iter().chain(&next_replies).collect();
        let mean = |values: Vec<Option<i64>>| -> Option<f64> {
            let values: Option<Vec<i64>> = values.into_iter().collect();
            let values = values?;
            (!values.is_empty())
                .then(|| values.iter().map(|&v| v as f64).sum::<f64>() / values.len() as f64)
        };
        Some(TicketReplyTimes {
            average_reply_s: mean(all.iter().map(|r| Some(r.calendar_s)).collect()),
            average_reply_bh_s: mean(all.iter().map(|r| r.business_s).collect()),
            next_replies,
            unanswered,
        })
    }
}

/// Options of [`NextReplyTime`]: quantile mode and the business calendar.
///
/// ```
/// use supportkpi::kpi::NextReplyTimeOptions;
/// let o = NextReplyTimeOptions::default();
/// assert!(o.calendar.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextReplyTimeOptions {
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

impl NextReplyTimeOptions {}

super::duration::duration_options!(NextReplyTimeOptions; get_quantiles, get_calendar);

/// Next reply time: how long customers waited for an answer after the first one.
///
/// # Definition
///
/// - **A sample** is one answered wait of a ticket ([`TicketReplyTimes`]): from a public
///   customer message that follows a public agent reply to the next public agent reply (bots,
///   the system and private notes are not replies; further customer messages join the wait).
///   The statistics (`n` = answered waits, not tickets) are over every such wait.
/// - **Unanswered** waits (the ticket ends open, the customer waiting) are counted, not in the
///   statistics. A wait the agent ended by resolving the ticket is not a wait (see
///   [`derive_histories`](crate::model::derive_histories)).
/// - **Bucketing**: all of a ticket's waits belong to the period of its `created_at`, like its
///   first response time, so the tickets of a period carry all their reply times.
/// - **Only event histories** know their waits. A summary row, and a history whose log records
///   no replies, is counted in `replies_unknown`; when every ticket pushed is, the statistics
///   are undefined with the reason "the input records no replies".
///
/// # Example
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use supportkpi::kpi::{NextReplyTime, TicketKpi};
/// use supportkpi::model::{Author, DeriveOptions, EventKind, StatusMap, derive_histories};
/// use supportkpi::TicketEvent;
///
/// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
/// let h = |m: i64| t0 + Duration::minutes(m);
/// let reply = |id, m, author| TicketEvent::new(id, h(m), EventKind::Reply { author, public: true });
/// let events = vec![
///     TicketEvent::new("A", t0, EventKind::Created),
///     reply("A", 10, Author::Agent),
///     reply("A", 20, Author::Customer),
///     reply("A", 30, Author::Agent),    // 10 min
///     reply("A", 40, Author::Customer),
///     reply("A", 70, Author::Agent),    // 30 min
///     TicketEvent::new("B", t0, EventKind::Created),
///     reply("B", 5, Author::Agent),
///     reply("B", 6, Author::Customer),  // still waiting
/// ];
/// let histories = derive_histories(events, &StatusMap::canonical(), DeriveOptions::new())?;
/// let r = NextReplyTime::default().compute_histories(&histories)?;
/// assert_eq!((r.tickets, r.answered, r.unanswered), (2, 2, 1));
/// assert_eq!(r.calendar.mean.value(), Some(1200.0));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NextReplyTime {
    options: NextReplyTimeOptions,
}

impl NextReplyTime {
    /// The KPI with `options`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`](crate::ErrorKind::InvalidOption) for a sketch whose relative
    /// accuracy is not in `[1e-6, 1)`.
    pub fn new(options: NextReplyTimeOptions) -> Result<Self> {
        let probe = Durations::new(options.quantiles, false)?;
        TeamCalendars::check_default(options.team_calendars.as_ref(), options.calendar.as_ref())?;
        Ok(NextReplyTime {
            options: NextReplyTimeOptions {
                quantiles: probe.calendar.mode(),
                ..options
            },
        })
    }

    /// The options.
    pub fn options(&self) -> &NextReplyTimeOptions {
        &self.options
    }

    /// The instant that puts a ticket's waits in a period: its `created_at`.
    pub fn bucket_instant(&self, ticket: &Ticket) -> Option<Instant> {
        Some(ticket.created_at())
    }

    /// An empty accumulator.
    pub fn accumulator(&self) -> NextReplyTimeAccumulator {
        NextReplyTimeAccumulator {
            durations: Durations::empty(self.options.quantiles, self.options.calendar.is_some()),
            options: self.options.clone(),
            tickets: 0,
            unanswered: 0,
            replies_unknown: 0,
        }
    }
}

impl Kpi for NextReplyTime {
    type Accumulator = NextReplyTimeAccumulator;

    fn accumulator(&self) -> NextReplyTimeAccumulator {
        NextReplyTime::accumulator(self)
    }
}

/// The next-reply push / merge / finish state.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "NextReplyState")]
pub struct NextReplyTimeAccumulator {
    options: NextReplyTimeOptions,
    durations: Durations,
    tickets: u64,
    unanswered: u64,
    replies_unknown: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NextReplyState {
    options: NextReplyTimeOptions,
    durations: Durations,
    tickets: u64,
    unanswered: u64,
    replies_unknown: u64,
}

impl TryFrom<NextReplyState> for NextReplyTimeAccumulator {
    type Error = Error;
    fn try_from(s: NextReplyState) -> Result<Self> {
        let kpi = NextReplyTime::new(s.options)?;
        s.durations
            .validate(kpi.options.quantiles, kpi.options.calendar.is_some())?;
        if s.replies_unknown > s.tickets {
            return Err(invalid_state(
                "replies_unknown",
                "tickets with unknown replies are among the tickets",
            ));
        }
        Ok(NextReplyTimeAccumulator {
            options: kpi.options,
            durations: s.durations,
            tickets: s.tickets,
            unanswered: s.unanswered,
            replies_unknown: s.replies_unknown,
        })
    }
}

impl NextReplyTimeAccumulator {
    /// Writes the state without its options, for a report state's bytes.
    pub(crate) fn encode(&self, w: &mut crate::wire::Writer) {
        self.durations.encode(w);
        for v in [self.tickets, self.unanswered, self.replies_unknown] {
            w.u64(v);
        }
    }

    /// Reads what [`encode`](Self::encode) wrote, with the options of `self` (an empty
    /// accumulator of the report's options) and every check of a deserialized state.
    pub(crate) fn decode(&self, r: &mut crate::wire::Reader<'_>) -> Result<Self> {
        let durations = self.durations.decode(r)?;
        Self::try_from(NextReplyState {
            options: self.options.clone(),
            durations,
            tickets: r.u64()?,
            unanswered: r.u64()?,
            replies_unknown: r.u64()?,
        })
    }
}

impl Default for NextReplyTimeAccumulator {
    fn default() -> Self {
        NextReplyTime::default().accumulator()
    }
}

impl NextReplyTimeAccumulator {
    /// The options it was built with.
    pub fn options(&self) -> &NextReplyTimeOptions {
        &self.options
    }

    fn push_facts(&mut self, facts: TicketFacts<'_>) -> Result<()> {
        let tickets = add(self.tickets, 1)?;
        let times = facts
            .history
            .and_then(|h| TicketReplyTimes::of(h, self.options.calendar_for(facts.ticket)));
        let Some(times) = times else {
            let unknown = add(self.replies_unknown, 1)?;
            self.tickets = tickets;
            self.replies_unknown = unknown;
            return Ok(());
        };
        let unanswered = add(self.unanswered, times.unanswered)?;
        add(self.durations.len(), times.next_replies.len() as u64)?;
        // A wait never ends before it starts (events are in order), so no push below fails
        // and the accumulator changes all at once.
        for r in &times.next_replies {
            self.durations
                .push(r.calendar_s, r.business_s)
                .map_err(|e| {
                    e.with_record_type("ticket")
                        .with_id(facts.ticket.id().as_str())
                })?;
        }
        self.tickets = tickets;
        self.unanswered = unanswered;
        Ok(())
    }
}

impl Accumulator for NextReplyTimeAccumulator {
    type Record = Ticket;
    type Output = NextReplyTimeResult;

    /// Adds a summary ticket: its waits are unknown (`replies_unknown`).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidState`](crate::ErrorKind::InvalidState) on count overflow.
    fn push(&mut self, ticket: &Ticket) -> Result<()> {
        self.push_facts(TicketFacts::summary(ticket))
    }

    /// # Errors
    /// [`ErrorKind::IncompatibleMerge`](crate::ErrorKind::IncompatibleMerge) for other options;
    /// [`ErrorKind::InvalidState`](crate::ErrorKind::InvalidState) on overflow.
    fn merge(&mut self, other: Self) -> Result<()> {
        if self.options != other.options {
            return Err(incompatible("next reply time"));
        }
        let mut counts = [self.tickets, self.unanswered, self.replies_unknown];
        let [a, b, c] = &mut counts;
        add_all(
            [a, b, c],
            [other.tickets, other.unanswered, other.replies_unknown],
        )?;
        self.durations.merge(other.durations)?;
        [self.tickets, self.unanswered, self.replies_unknown] = counts;
        Ok(())
    }

    fn finish(self) -> NextReplyTimeResult {
        let answered = self.durations.len();
        let (mut calendar, mut business) = self.durations.finish();
        if answered == 0 {
            let reason = if self.tickets == 0 {
                "no tickets from an event log"
            } else if self.replies_unknown == self.tickets {
                NO_REPLIES
            } else {
                "no customer message after an agent reply was answered"
            };
            calendar.undefined_because(reason);
            if let Some(b) = &mut business {
                b.undefined_because(reason);
            }
        }
        NextReplyTimeResult {
            tickets: self.tickets,
            answered,
            unanswered: self.unanswered,
            replies_unknown: self.replies_unknown,
            calendar,
            business,
        }
    }
}

impl TicketAccumulator for NextReplyTimeAccumulator {
    fn push_history(&mut self, history: &TicketHistory) -> Result<()> {
        self.push_facts(TicketFacts::history(history))
    }
}

/// What [`NextReplyTime`] reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextReplyTimeResult {
    /// Tickets pushed.
    pub tickets: u64,
    /// Answered waits: the `n` of the statistics.
    pub answered: u64,
    /// Waits without a reply yet.
    pub unanswered: u64,
    /// Tickets whose replies are unknown (summary rows, logs without replies).
    pub replies_unknown: u64,
    /// Next reply times, calendar seconds.
    pub calendar: DurationStats,
    /// Next reply times, business seconds (with a calendar).
    pub business: Option<DurationStats>,
}
