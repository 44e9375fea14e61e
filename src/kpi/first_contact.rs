//! First-contact resolution and touch counts (docs/definitions.md, "First-contact resolution").

use super::duration::{add, add_all, invalid_state};
use super::{Accumulator, Kpi, Metric, TicketAccumulator, TicketFacts, incompatible};
use crate::error::{Error, Result};
use crate::model::{Instant, Ticket, TicketHistory};
use serde::{Deserialize, Serialize};

/// The reason reply-based figures are undefined when no ticket's replies are known.
pub const NO_REPLIES: &str = "the input records no replies";

/// Which tickets divide the first-contact resolutions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FcrDenominator {
    /// Every ticket (with a known reply count), bucketed by creation: the default.
    #[default]
    AllTickets,
    /// Resolved tickets (with a known reply count), bucketed by their latest resolution.
    Resolved,
}

impl FcrDenominator {
    /// The instant that puts a ticket in a period: its creation, or its latest resolution
    /// (`None` while unresolved). The one rule behind
    /// [`FirstContactResolution::bucket_instant`] and the columnar report engine, over any
    /// instant type (an [`Instant`], or the columns' nanoseconds).
    pub(crate) fn bucket_at<T>(self, created: T, resolved: Option<T>) -> Option<T> {
        match self {
            FcrDenominator::AllTickets => Some(created),
            FcrDenominator::Resolved => resolved,
        }
    }
}

/// Options of [`FirstContactResolution`].
///
/// ```
/// use supportkpi::kpi::{FcrDenominator, FirstContactResolutionOptions};
/// let o = FirstContactResolutionOptions::default().with_denominator(FcrDenominator::Resolved);
/// assert_eq!(o.denominator, FcrDenominator::Resolved);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirstContactResolutionOptions {
    /// Which tickets divide the first-contact resolutions.
    #[serde(default)]
    pub denominator: FcrDenominator,
}

impl FirstContactResolutionOptions {
    /// Which tickets divide (default: [`FcrDenominator::AllTickets`]).
    #[must_use]
    pub fn with_denominator(mut self, denominator: FcrDenominator) -> Self {
        self.denominator = denominator;
        self
    }

    /// Deprecated alias of [`with_denominator`](Self::with_denominator).
    #[deprecated(since = "0.2.0", note = "use with_denominator")]
    #[must_use]
    pub fn denominator(self, denominator: FcrDenominator) -> Self {
        self.with_denominator(denominator)
    }

    /// Deprecated: read the public `denominator` field.
    #[deprecated(since = "0.2.0", note = "use the `denominator` field")]
    pub fn get_denominator(&self) -> FcrDenominator {
        self.denominator
    }
}

/// First-contact resolution (FCR): the share of tickets resolved on first contact, and the
/// one-, two- and multi-touch counts.
///
/// # Definition
///
/// - **Resolved** means the ticket has a `resolved_at` (a history: it *ends* resolved).
/// - **Touches** = public agent replies: the summary row's `agent_replies`, or the history's
///   [`public_agent_replies`](TicketHistory::public_agent_replies) (bots, the system and
///   private notes never count, nor the message an agent opened the ticket with).
/// - **Resolved on first contact** (the numerator): resolved, at most one touch, and never
///   reopened (`reopens == 0`). A ticket resolved with *no* public agent reply (closed by a
///   macro, solved by the customer) counts: it needed no second contact.
/// - **Denominator**: every ticket ([`FcrDenominator::AllTickets`], the default; bucketed by
///   `created_at`) or the resolved ones ([`FcrDenominator::Resolved`]; bucketed by the latest
///   resolution instant — for a ticket resolved on first contact, its only one). See
///   [`bucket_instant`](Self::bucket_instant).
/// - **Rate** = 100 × numerator / denominator; [`Metric::Undefined`] with a reason when the
///   denominator is 0.
/// - **Touch counts** are over the resolved tickets, reopened or not (like Zendesk's one-touch
///   tickets): `zero_touch` (no public agent reply), `one_touch` (1), `two_touch` (2),
///   `multi_touch` (3 or more); they add up to `resolved`.
/// - **Unknown reply count**: a summary row without `agent_replies` cannot be judged, so it is
///   left out of everything above — numerator, denominator, resolved and touch counts — and
///   counted in [`replies_unknown`](FirstContactResolutionResult::replies_unknown). Leaving it
///   out of the denominator only (counting it as "not first contact") would make an export
///   without the column report 0 %; leaving it out of both keeps the rate that of the tickets
///   that can be judged, and a rate over none is undefined. A history knows its replies unless
///   its log records none ([`DeriveOptions::records_replies`](crate::model::DeriveOptions::records_replies),
///   the ServiceNow preset): then it is unknown too. When every ticket's reply count is
///   unknown the reason is [`NO_REPLIES`], "the input records no replies".
/// - **Unknown reopen count**: likewise, a summary row with a known reply count but without
///   `reopens` (an export that does not carry it, such as Freshdesk's ticket CSV) cannot be
///   judged "never reopened": it is left out of everything and counted in
///   [`reopens_unknown`](FirstContactResolutionResult::reopens_unknown) — counting it as 0
///   reopens would overstate the rate. Histories always know their reopens.
///
/// # Example
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use supportkpi::Ticket;
/// use supportkpi::kpi::{FcrDenominator, FirstContactResolution, FirstContactResolutionOptions, Kpi};
///
/// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
/// let solved = |id: &str, replies, reopens| {
///     Ticket::builder(id, t0).resolved_at(t0 + Duration::hours(1))
///         .agent_replies(replies).reopens(reopens).build()
/// };
/// let tickets = [
///     solved("A", 1, 0)?, // first contact
///     solved("B", 0, 0)?, // first contact, zero touch
///     solved("C", 2, 0)?, // two touches
///     solved("D", 1, 1)?, // reopened
///     Ticket::builder("E", t0).agent_replies(1).reopens(0).build()?, // open
///     Ticket::builder("F", t0).resolved_at(t0).build()?, // reply count unknown
/// ];
/// let all = FirstContactResolution::default().compute(&tickets)?;
/// assert_eq!((all.numerator, all.denominator, all.replies_unknown), (2, 5, 1));
/// // Reopens unknown (an export without them): not judged, not counted as 0 reopens.
/// let g = Ticket::builder("G", t0).resolved_at(t0).agent_replies(1).build()?;
/// let with_g = FirstContactResolution::default().compute(tickets.iter().chain([&g]))?;
/// assert_eq!((with_g.denominator, with_g.reopens_unknown), (5, 1));
/// assert_eq!(all.rate_pct.value(), Some(40.0));
/// assert_eq!((all.zero_touch, all.one_touch, all.two_touch, all.multi_touch), (1, 2, 1, 0));
///
/// let of_resolved = FirstContactResolution::new(
///     FirstContactResolutionOptions::default().with_denominator(FcrDenominator::Resolved))?;
/// assert_eq!(of_resolved.compute(&tickets)?.rate_pct.value(), Some(50.0));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FirstContactResolution {
    options: FirstContactResolutionOptions,
}

impl FirstContactResolution {
    /// The KPI with `options`.
    ///
    /// # Errors
    /// None today (every denominator is valid); fallible like every KPI's `new`, so options
    /// added later can be checked without breaking callers.
    ///
    /// # Example
    /// ```
    /// use supportkpi::kpi::{FcrDenominator, FirstContactResolution, FirstContactResolutionOptions};
    /// let kpi = FirstContactResolution::new(FirstContactResolutionOptions::default())?;
    /// assert_eq!(kpi.options().denominator, FcrDenominator::AllTickets);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn new(options: FirstContactResolutionOptions) -> Result<Self> {
        Ok(FirstContactResolution { options })
    }

    /// The options.
    pub fn options(&self) -> &FirstContactResolutionOptions {
        &self.options
    }

    /// The instant that puts `ticket` in a period: `created_at` with the all-tickets
    /// denominator; the latest resolution with the resolved denominator (`None` for an
    /// unresolved ticket, which that denominator does not count).
    ///
    /// ```
    /// use chrono::{Duration, TimeZone, Utc};
    /// use supportkpi::Ticket;
    /// use supportkpi::kpi::{FcrDenominator, FirstContactResolution, FirstContactResolutionOptions};
    /// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let t = Ticket::builder("A", t0).resolved_at(t0 + Duration::days(2)).build()?;
    /// assert_eq!(FirstContactResolution::default().bucket_instant(&t), Some(t0));
    /// let resolved = FirstContactResolution::new(
    ///     FirstContactResolutionOptions::default().with_denominator(FcrDenominator::Resolved))?;
    /// assert_eq!(resolved.bucket_instant(&t), Some(t0 + Duration::days(2)));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn bucket_instant(&self, ticket: &Ticket) -> Option<Instant> {
        self.options
            .denominator
            .bucket_at(ticket.created_at(), ticket.resolved_at())
    }

    /// An empty accumulator (also [`Kpi::accumulator`]).
    pub fn accumulator(&self) -> FirstContactResolutionAccumulator {
        FirstContactResolutionAccumulator {
            options: self.options,
            counts: FcrCounts::default(),
        }
    }
}

impl Kpi for FirstContactResolution {
    type Accumulator = FirstContactResolutionAccumulator;

    fn accumulator(&self) -> FirstContactResolutionAccumulator {
        FirstContactResolution::accumulator(self)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FcrCounts {
    tickets: u64,
    replies_unknown: u64,
    // Absent from states written before it existed: none had an unknown reopen count.
    #[serde(default)]
    reopens_unknown: u64,
    resolved: u64,
    first_contact: u64,
    zero_touch: u64,
    one_touch: u64,
    two_touch: u64,
    multi_touch: u64,
}

impl FcrCounts {
    fn as_array(&self) -> [u64; 9] {
        [
            self.tickets,
            self.replies_unknown,
            self.reopens_unknown,
            self.resolved,
            self.first_contact,
            self.zero_touch,
            self.one_touch,
            self.two_touch,
            self.multi_touch,
        ]
    }

    fn slots(&mut self) -> [&mut u64; 9] {
        [
            &mut self.tickets,
            &mut self.replies_unknown,
            &mut self.reopens_unknown,
            &mut self.resolved,
            &mut self.first_contact,
            &mut self.zero_touch,
            &mut self.one_touch,
            &mut self.two_touch,
            &mut self.multi_touch,
        ]
    }

    fn validate(&self) -> Result<()> {
        let touches = [self.zero_touch, self.one_touch, self.two_touch]
            .into_iter()
            .try_fold(self.multi_touch, add);
        let among_tickets = add(self.resolved, self.replies_unknown)
            .and_then(|n| add(n, self.reopens_unknown))
            .is_ok_and(|n| n <= self.tickets);
        let rule = if touches != Ok(self.resolved) {
            "the touch counts add up to the resolved tickets"
        } else if self.first_contact > self.zero_touch.saturating_add(self.one_touch) {
            "first-contact resolutions have at most one touch"
        } else if !among_tickets {
            "resolved, unknown-reply and unknown-reopen tickets are among the tickets"
        } else {
            return Ok(());
        };
        Err(invalid_state("counts", rule))
    }
}

/// The first-contact resolution push / merge / finish state: eight counts.
///
/// Serializes as `{"options", "counts"}`; deserializing checks that the counts are consistent
/// (touch counts add up to the resolved tickets, first-contact resolutions have at most one
/// touch, resolved + unknown ≤ tickets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FcrState")]
pub struct FirstContactResolutionAccumulator {
    options: FirstContactResolutionOptions,
    counts: FcrCounts,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FcrState {
    options: FirstContactResolutionOptions,
    counts: FcrCounts,
}

impl TryFrom<FcrState> for FirstContactResolutionAccumulator {
    type Error = Error;
    fn try_from(s: FcrState) -> Result<Self> {
        let kpi = FirstContactResolution::new(s.options)?;
        s.counts.validate()?;
        Ok(FirstContactResolutionAccumulator {
            options: kpi.options,
            counts: s.counts,
        })
    }
}

impl Default for FirstContactResolutionAccumulator {
    /// An empty accumulator with the default options.
    fn default() -> Self {
        FirstContactResolution::default().accumulator()
    }
}

impl FirstContactResolutionAccumulator {
    /// The options it was built with.
    pub fn options(&self) -> &FirstContactResolutionOptions {
        &self.options
    }

    fn push_facts(&mut self, facts: TicketFacts<'_>) -> Result<()> {
        self.push_parts(
            facts.public_agent_replies(),
            facts.ticket.resolved_at().is_some(),
            facts.reopens(),
        )
        .map_err(|e| {
            e.with_record_type("ticket")
                .with_id(facts.ticket.id().as_str())
        })
    }

    /// Adds a ticket by what the KPI reads of it: public agent replies and reopens (when
    /// known), and whether it is resolved.
    pub(crate) fn push_parts(
        &mut self,
        replies: Option<u32>,
        resolved: bool,
        reopens: Option<u32>,
    ) -> Result<()> {
        let mut one = FcrCounts {
            tickets: 1,
            ..FcrCounts::default()
        };
        match (replies, reopens) {
            (None, _) => one.replies_unknown = 1,
            (Some(_), None) => one.reopens_unknown = 1,
            (Some(_), Some(_)) if !resolved => {}
            (Some(replies), Some(reopens)) => {
                one.resolved = 1;
                one.first_contact = u64::from(is_first_contact(Some(replies), true, reopens));
                match replies {
                    0 => one.zero_touch = 1,
                    1 => one.one_touch = 1,
                    2 => one.two_touch = 1,
                    _ => one.multi_touch = 1,
                }
            }
        }
        add_all(self.counts.slots(), one.as_array())
    }
}

/// Whether a ticket was resolved on first contact: resolved with at most one public agent
/// reply and never reopened (`false` when its reply count is unknown). The one rule the KPI and
/// the per-ticket table share.
pub(crate) fn is_first_contact(replies: Option<u32>, resolved: bool, reopens: u32) -> bool {
    resolved && replies.is_some_and(|r| r <= 1) && reopens == 0
}

impl Accumulator for FirstContactResolutionAccumulator {
    type Record = Ticket;
    type Output = FirstContactResolutionResult;

    /// Adds one summary ticket.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidState`](crate::ErrorKind::InvalidState) if a count would exceed
    /// 2⁶⁴ − 1; the accumulator is unchanged then.
    fn push(&mut self, ticket: &Ticket) -> Result<()> {
        self.push_facts(TicketFacts::summary(ticket))
    }

    /// # Errors
    /// [`ErrorKind::IncompatibleMerge`](crate::ErrorKind::IncompatibleMerge) for another
    /// denominator; [`ErrorKind::InvalidState`](crate::ErrorKind::InvalidState) on count
    /// overflow. `self` is unchanged on error.
    fn merge(&mut self, other: Self) -> Result<()> {
        if self.options != other.options {
            return Err(incompatible("first-contact resolution"));
        }
        add_all(self.counts.slots(), other.counts.as_array())
    }

    fn finish(self) -> FirstContactResolutionResult {
        let c = self.counts;
        let denominator_kind = self.options.denominator;
        let (denominator, reason) = match denominator_kind {
            FcrDenominator::AllTickets => (
                c.tickets - c.replies_unknown - c.reopens_unknown,
                "no tickets with known reply and reopen counts",
            ),
            FcrDenominator::Resolved => (
                c.resolved,
                "no resolved tickets with known reply and reopen counts",
            ),
        };
        let rate_pct = if denominator == 0 {
            // Every ticket's reply count unknown: the input cannot tell, which is the reason to
            // give (a log of status changes only, an export without the column).
            let reason = if c.tickets > 0 && c.replies_unknown == c.tickets {
                NO_REPLIES
            } else {
                reason
            };
            Metric::undefined(reason)
        } else {
            Metric::Value(100.0 * c.first_contact as f64 / denominator as f64)
        };
        FirstContactResolutionResult {
            rate_pct,
            numerator: c.first_contact,
            denominator,
            denominator_kind,
            tickets: c.tickets,
            resolved: c.resolved,
            replies_unknown: c.replies_unknown,
            reopens_unknown: c.reopens_unknown,
            zero_touch: c.zero_touch,
            one_touch: c.one_touch,
            two_touch: c.two_touch,
            multi_touch: c.multi_touch,
        }
    }
}

impl TicketAccumulator for FirstContactResolutionAccumulator {
    /// Adds one ticket by its history (exact public agent replies and reopens).
    fn push_history(&mut self, history: &TicketHistory) -> Result<()> {
        self.push_facts(TicketFacts::history(history))
    }
}

/// What [`FirstContactResolution`] reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirstContactResolutionResult {
    /// 100 × numerator / denominator; undefined when the denominator is 0.
    pub rate_pct: Metric<f64>,
    /// Tickets resolved on first contact.
    pub numerator: u64,
    /// Tickets with known reply and reopen counts (all-tickets denominator), or the resolved
    /// ones among them (resolved denominator).
    pub denominator: u64,
    /// Which denominator was used.
    pub denominator_kind: FcrDenominator,
    /// Tickets pushed, including those with an unknown reply or reopen count.
    pub tickets: u64,
    /// Resolved tickets with known reply and reopen counts.
    pub resolved: u64,
    /// Tickets whose reply count is unknown (summary rows without `agent_replies`, histories
    /// of a log without replies), left out of every other count.
    pub replies_unknown: u64,
    /// Summary rows with `agent_replies` but without `reopens`, left out of every other count.
    pub reopens_unknown: u64,
    /// Resolved tickets without a public agent reply.
    pub zero_touch: u64,
    /// Resolved tickets with exactly one public agent reply.
    pub one_touch: u64,
    /// Resolved tickets with exactly two.
    pub two_touch: u64,
    /// Resolved tickets with three or more.
    pub multi_touch: u64,
}

impl FirstContactResolutionAccumulator {
    /// Writes the eight counts, for a report state's bytes.
    pub(crate) fn encode(&self, w: &mut crate::wire::Writer) {
        for c in self.counts.as_array() {
            w.u64(c);
        }
    }

    /// Reads what [`encode`](Self::encode) wrote, with the options of `self` and the checks of
    /// a deserialized state.
    pub(crate) fn decode(&self, r: &mut crate::wire::Reader<'_>) -> Result<Self> {
        let mut counts = FcrCounts::default();
        for slot in counts.slots() {
            *slot = r.u64()?;
        }
        Self::try_from(FcrState {
            options: self.options,
            counts,
        })
    }
}
