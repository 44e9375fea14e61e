//! What every ticket KPI reads from a ticket, whether it came as a summary row or as a history
//! derived from events.
//!
//! Ticket accumulators take [`Ticket`]s (their [`Accumulator::Record`]) and
//! [`TicketHistory`]s ([`TicketAccumulator::push_history`]). A history knows more than a summary
//! row: when each reopen happened, every resolution, and the time spent waiting on the customer.
//! Where a KPI needs that and only has a summary row, it uses the documented approximation of
//! [`TicketFacts`] below and says so in its own docs.

use crate::error::Error;
use crate::kpi::{Accumulator, Kpi};
use crate::model::{Instant, StatusCategory, Ticket, TicketHistory};
use serde::{Deserialize, Serialize};
use std::borrow::{Borrow, Cow};

/// An accumulator of a ticket KPI: it takes summary tickets and event-derived histories alike.
pub trait TicketAccumulator: Accumulator<Record = Ticket> {
    /// Adds one ticket known by its event history (exact reopen instants, resolutions and
    /// waiting time).
    ///
    /// # Errors
    /// As [`Accumulator::push`].
    fn push_history(&mut self, history: &TicketHistory) -> Result<(), Error>;
}

/// The one-shot convenience over histories, for every KPI whose accumulator is a
/// [`TicketAccumulator`].
pub trait TicketKpi: Kpi
where
    Self::Accumulator: TicketAccumulator,
{
    /// Pushes every history and finishes.
    ///
    /// # Errors
    /// The first history's error, as [`TicketAccumulator::push_history`] reports it.
    fn compute_histories<I>(
        &self,
        histories: I,
    ) -> Result<<Self::Accumulator as Accumulator>::Output, Error>
    where
        I: IntoIterator,
        I::Item: Borrow<TicketHistory>,
    {
        let mut acc = self.accumulator();
        for h in histories {
            acc.push_history(h.borrow())?;
        }
        Ok(acc.finish())
    }
}

impl<K> TicketKpi for K
where
    K: Kpi,
    K::Accumulator: TicketAccumulator,
{
}

/// A ticket as the KPIs see it: its summary, and its history when there is one.
///
/// From a summary row alone (no history), these approximations hold — each ticket KPI repeats
/// the ones it relies on in its docs:
/// - **open intervals**: a ticket is open from creation until its latest resolution (a reopened
///   ticket's gap between resolution and reopen is unknown, so it counts as open); one still
///   open (including one reopened and not yet resolved again) is open from creation on; a
///   cancelled ticket without a resolution instant never counts as open;
/// - **resolutions**: the first and the latest resolution only;
/// - **reopen instants** and **waiting time**: unknown.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TicketFacts<'a> {
    pub(crate) ticket: &'a Ticket,
    pub(crate) history: Option<&'a TicketHistory>,
}

impl<'a> TicketFacts<'a> {
    pub(crate) fn summary(ticket: &'a Ticket) -> Self {
        TicketFacts {
            ticket,
            history: None,
        }
    }

    pub(crate) fn history(history: &'a TicketHistory) -> Self {
        TicketFacts {
            ticket: history.ticket(),
            history: Some(history),
        }
    }

    /// When the ticket counts in the backlog: `[from, to)`, `to = None` while still open.
    pub(crate) fn open_intervals(&self) -> Cow<'a, [(Instant, Option<Instant>)]> {
        if let Some(h) = self.history {
            return Cow::Borrowed(h.open_intervals());
        }
        let t = self.ticket;
        let created = t.created_at();
        Cow::Owned(match t.status().category() {
            StatusCategory::Open => vec![(created, None)],
            StatusCategory::Resolved => vec![(created, Some(t.resolved_at().unwrap_or(created)))],
            StatusCategory::Cancelled => match t.resolved_at() {
                Some(at) => vec![(created, Some(at))],
                None => Vec::new(),
            },
        })
    }

    /// Every resolution instant, in order.
    pub(crate) fn resolutions(&self) -> Cow<'a, [Instant]> {
        if let Some(h) = self.history {
            return Cow::Borrowed(h.resolutions());
        }
        let t = self.ticket;
        Cow::Owned(match (t.first_resolved_at(), t.resolved_at()) {
            (Some(first), Some(last)) if first != last => vec![first, last],
            (Some(first), _) => vec![first],
            (None, Some(last)) => vec![last],
            (None, None) => Vec::new(),
        })
    }

    /// Reopen instants: exact from a history, unknown (empty) from a summary.
    pub(crate) fn reopened_at(&self) -> &'a [Instant] {
        self.history.map_or(&[], TicketHistory::reopened_at)
    }

    /// The resolutions that count as resolution *events* (volume): every resolution of a
    /// history; for a summary row only its latest resolution, because its reopen is unknown and
    /// counting the first resolution too would show two resolutions of one open interval.
    pub(crate) fn resolution_events(&self) -> Cow<'a, [Instant]> {
        if let Some(h) = self.history {
            return Cow::Borrowed(h.resolutions());
        }
        Cow::Owned(self.ticket.resolved_at().into_iter().collect())
    }

    /// Each stay in the backlog with how it began and ended, for the backlog flow
    /// (opening + created + re-entered − resolved − cancelled = closing).
    ///
    /// The stays are [`open_intervals`](Self::open_intervals): the first is entered by creation,
    /// later ones by a re-entry (a reopen, or a return from cancelled). A stay ends in a
    /// resolution when a resolution closed it (a history's walk records it; a summary row's
    /// stay, when its end is its resolution instant), otherwise in a cancellation (cancelled or
    /// merged). A summary row cancelled without a resolution instant
    /// never counts as open, yet it was created and it left: it gets an empty stay at its
    /// creation instant, ended by a cancellation there (its real cancellation instant is
    /// unknown).
    pub(crate) fn backlog_stays(&self) -> Vec<Stay> {
        let intervals = self.open_intervals();
        let resolutions = self.resolution_events();
        let created = self.ticket.created_at();
        if intervals.is_empty() {
            return vec![Stay {
                created,
                from: created,
                reentry: false,
                to: Some((created, Exit::Cancelled)),
            }];
        }
        intervals
            .iter()
            .enumerate()
            .map(|(i, &(from, to))| Stay {
                created,
                from,
                reentry: i > 0,
                to: to.map(|at| {
                    // A history knows what closed each interval (solved, reopened and
                    // cancelled in one instant: the instant alone does not say); a summary
                    // row's one interval closes at a resolution exactly when it is one.
                    let resolved = match self.history {
                        Some(h) => h.closed_by_resolution(i),
                        None => resolutions.binary_search(&at).is_ok(),
                    };
                    let exit = if resolved {
                        Exit::Resolved
                    } else {
                        Exit::Cancelled
                    };
                    (at, exit)
                }),
            })
            .collect()
    }

    /// [`resolution_events`](Self::resolution_events) without allocating for a summary row
    /// (the report calls it for every ticket).
    pub(crate) fn resolution_events_iter(&self) -> impl Iterator<Item = Instant> + 'a {
        let (events, latest): (&'a [Instant], Option<Instant>) = match self.history {
            Some(h) => (h.resolutions(), None),
            None => (&[], self.ticket.resolved_at()),
        };
        events.iter().copied().chain(latest)
    }

    /// Calls `f` with each of [`backlog_stays`](Self::backlog_stays); a summary row's one
    /// stay is worked out directly, without the vectors of the general path (the report calls
    /// this twice for every ticket).
    pub(crate) fn for_each_stay(&self, mut f: impl FnMut(Stay)) {
        if self.history.is_some() {
            self.backlog_stays().into_iter().for_each(f);
            return;
        }
        // `open_intervals` gives a summary row one interval from creation: open, or closed at
        // the latest resolution (at creation when there is none); a cancelled row without a
        // resolution has none, and `backlog_stays` gives it the empty stay closed at creation.
        // A closing instant is a resolution exactly when it is `resolved_at`.
        let t = self.ticket;
        let created = t.created_at();
        let to = summary_exit(t.status().category(), created, t.resolved_at());
        f(Stay {
            created,
            from: created,
            reentry: false,
            to,
        });
    }

    /// Calendar seconds spent in a waiting status (pending, on hold) within `[a, b)`; `None`
    /// when unknown (a summary row).
    pub(crate) fn waiting_seconds_between(&self, a: Instant, b: Instant) -> Option<i64> {
        self.history.map(|h| h.waiting_seconds_between(a, b))
    }

    /// Waiting intervals `[from, to)` clipped to `[a, b)`, for business-time exclusion; `None`
    /// when unknown (a summary row).
    pub(crate) fn waiting_intervals_between(
        &self,
        a: Instant,
        b: Instant,
    ) -> Option<Vec<(Instant, Instant)>> {
        let h = self.history?;
        Some(
            h.status_spans()
                .iter()
                .filter(|s| s.status.is_waiting())
                .filter_map(|s| {
                    let from = s.from.max(a);
                    let to = s.to.unwrap_or(b).min(b);
                    (from < to).then_some((from, to))
                })
                .collect(),
        )
    }

    /// Public agent replies (the first-contact measure): exact from a history (`None` when its
    /// log records no replies), the summary's `agent_replies` otherwise (`None` when the
    /// export lacks it).
    pub(crate) fn public_agent_replies(&self) -> Option<u32> {
        match self.history {
            Some(h) => h.records_replies().then(|| h.public_agent_replies()),
            None => self.ticket.agent_replies(),
        }
    }

    /// False for a history whose log records no replies: its first response is unknown, not
    /// missing. A summary row says nothing either way (true).
    pub(crate) fn records_replies(&self) -> bool {
        self.history.is_none_or(TicketHistory::records_replies)
    }

    /// How many times the ticket was reopened: exact from a history, the summary's `reopens`
    /// otherwise (`None` when the export lacks it).
    pub(crate) fn reopens(&self) -> Option<u32> {
        match self.history {
            Some(h) => Some(h.reopens()),
            None => self.ticket.reopens(),
        }
    }
}

/// Where a summary row's one stay in the backlog ends: never while its status is open; at its
/// latest resolution when it has one; else (closed or cancelled without a resolution) at
/// creation, as a cancellation. The one rule behind [`TicketFacts::for_each_stay`],
/// [`Backlog::compute_table`](crate::kpi::Backlog::compute_table) and the columnar report's
/// backlog counts (`report::columnar::push_flows`), over any instant type (an [`Instant`], or
/// the columns' nanoseconds).
pub(crate) fn summary_exit<T: Copy>(
    category: StatusCategory,
    created: T,
    resolved: Option<T>,
) -> Option<(T, Exit)> {
    match category {
        StatusCategory::Open => None,
        StatusCategory::Resolved | StatusCategory::Cancelled => Some(match resolved {
            Some(at) => (at, Exit::Resolved),
            None => (created, Exit::Cancelled),
        }),
    }
}

/// How a stay in the backlog ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Exit {
    /// Resolved (solved or closed).
    Resolved,
    /// Left without a resolution: cancelled or merged.
    Cancelled,
}

/// One stay of a ticket in the backlog: `[from, to)`, `to = None` while it lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) struct Stay {
    /// The ticket's creation (ages are measured from it).
    pub(crate) created: Instant,
    /// When the stay began.
    pub(crate) from: Instant,
    /// False for the stay that began at creation, true for a reopen or a return from cancelled.
    pub(crate) reentry: bool,
    /// When and how it ended.
    pub(crate) to: Option<(Instant, Exit)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-place rules over nanoseconds, as the columnar engine calls them: the same
    /// answers as over instants (the KPIs' calls), worked out by hand.
    #[test]
    fn rule_functions_over_any_instant_type() {
        use crate::kpi::{CostDenominator, FcrDenominator, ResolutionVariant};
        use StatusCategory::{Cancelled, Open, Resolved};
        assert_eq!(summary_exit(Open, 1_i64, Some(5)), None);
        assert_eq!(
            summary_exit(Resolved, 1_i64, Some(5)),
            Some((5, Exit::Resolved))
        );
        assert_eq!(
            summary_exit(Resolved, 1_i64, None),
            Some((1, Exit::Cancelled))
        );
        assert_eq!(
            summary_exit(Cancelled, 1_i64, None),
            Some((1, Exit::Cancelled))
        );
        assert_eq!(FcrDenominator::AllTickets.bucket_at(1_i64, None), Some(1));
        assert_eq!(FcrDenominator::Resolved.bucket_at(1_i64, Some(5)), Some(5));
        assert_eq!(CostDenominator::Created.bucket_at(1_i64, None), Some(1));
        assert_eq!(CostDenominator::Resolved.bucket_at(1_i64, None), None);
        assert_eq!(
            ResolutionVariant::First.end_at(Some(5_i64), Some(3)),
            Some(3)
        );
        assert_eq!(ResolutionVariant::First.end_at(Some(5_i64), None), Some(5));
        assert_eq!(
            ResolutionVariant::Full.end_at(Some(5_i64), Some(3)),
            Some(5)
        );
        assert_eq!(ResolutionVariant::Full.end_at(None, Some(3_i64)), None);
    }

    #[test]
    fn summary_fast_paths_equal_the_general_ones() {
        let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
        for status in Status::ALL {
            for resolved in [None, Some(t0 + Duration::hours(5))] {
                let mut b = Ticket::builder("T", t0).status(status);
                if let Some(at) = resolved {
                    b = b.first_resolved_at(t0 + Duration::hours(2)).resolved_at(at);
                }
                let t = b.build().unwrap();
                let facts = TicketFacts::summary(&t);
                let mut stays = Vec::new();
                facts.for_each_stay(|s| stays.push(s));
                assert_eq!(stays, facts.backlog_stays(), "{status:?} {resolved:?}");
                let events: Vec<Instant> = facts.resolution_events_iter().collect();
                assert_eq!(events, facts.resolution_events().to_vec());
            }
        }
    }
    use crate::model::Status;
    use chrono::{Duration, TimeZone, Utc};

    fn t0() -> Instant {
        Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap()
    }

    #[test]
    fn summary_approximations() {
        let resolved = Ticket::builder("a", t0())
            .first_resolved_at(t0() + Duration::hours(1))
            .resolved_at(t0() + Duration::hours(5))
            .reopens(1)
            .build()
            .unwrap();
        let f = TicketFacts::summary(&resolved);
        assert_eq!(
            f.open_intervals().as_ref(),
            [(t0(), Some(t0() + Duration::hours(5)))]
        );
        assert_eq!(f.resolutions().len(), 2);
        assert!(f.reopened_at().is_empty());
        assert_eq!(
            f.waiting_seconds_between(t0(), t0() + Duration::hours(5)),
            None
        );
        assert_eq!(f.reopens(), Some(1));

        let cancelled = Ticket::builder("b", t0())
            .status(Status::Cancelled)
            .build()
            .unwrap();
        assert!(TicketFacts::summary(&cancelled).open_intervals().is_empty());

        let open = Ticket::builder("c", t0()).build().unwrap();
        assert_eq!(
            TicketFacts::summary(&open).open_intervals().as_ref(),
            [(t0(), None)]
        );
    }
}
