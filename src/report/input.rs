//! [`ReportInput`]: everything a report reads, how summary rows and event histories of the
//! same tickets are joined, and how each record finds its dimension value (a response takes
//! its ticket's, a ticket under `segment` its customer's).

use super::IdHashBuilder;
use super::PARTITION;
use crate::error::{Error, ErrorKind};
use crate::model::{CostEntry, Customer, Instant, SurveyResponse, Ticket, TicketHistory, TicketId};
use std::collections::HashMap;

/// Everything a report reads. Tickets may come as summary rows, as event histories, or both
/// (distinct tickets).
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    /// Tickets in summary form.
    pub tickets: Vec<Ticket>,
    /// Tickets derived from event logs.
    pub histories: Vec<TicketHistory>,
    /// Survey responses.
    pub surveys: Vec<SurveyResponse>,
    /// Customers.
    pub customers: Vec<Customer>,
    /// Support cost entries.
    pub costs: Vec<CostEntry>,
}

impl crate::columnar::ColumnarInput {
    /// The columnar form of a [`ReportInput`] without event histories.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] when the input has histories, and
    /// [`ErrorKind::InvalidValue`] for an instant outside the columns' range.
    pub fn from_input(input: &ReportInput) -> Result<Self, Error> {
        if let Some(h) = input.histories.first() {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                "event histories have no columnar form: compute their report with Report::compute",
            )
            .with_record_type("ticket")
            .with_id(h.id().as_str()));
        }
        Ok(crate::columnar::ColumnarInput {
            tickets: crate::columnar::TicketTable::from_tickets(&input.tickets)?,
            surveys: crate::columnar::SurveyTable::from_responses(&input.surveys)?,
            customers: input.customers.clone(),
            costs: input.costs.clone(),
        })
    }
}

/// Which dimension value each record of an input belongs to, resolved once for the whole input
/// (a survey takes the value of the ticket it rates, found by id).
pub(super) struct Routing<'a> {
    by: Option<&'a str>,
    segments: HashMap<&'a str, &'a str>,
    tickets: TicketDims<'a>,
}

impl<'a> Routing<'a> {
    pub(super) fn new(input: &'a ReportInput, by: Option<&'a str>) -> Self {
        let segments: HashMap<&str, &str> = input
            .customers
            .iter()
            .filter_map(|c| Some((c.id().as_str(), c.segment()?)))
            .collect();
        // The map is one insert per ticket: only worth building when responses need it.
        let linked = input.surveys.iter().any(|r| r.ticket_id().is_some());
        let tickets = if by.is_some() && linked {
            let all = || {
                input
                    .tickets
                    .iter()
                    .chain(input.histories.iter().map(TicketHistory::ticket))
            };
            TicketDims::build(input.tickets.len() + input.histories.len(), |shard| {
                for t in all() {
                    shard(t.id(), ReportInput::ticket_dimension(t, by, &segments));
                }
            })
        } else {
            TicketDims::build(0, |_| {})
        };
        Routing {
            by,
            segments,
            tickets,
        }
    }

    pub(super) fn ticket(&self, t: &'a Ticket) -> Option<&'a str> {
        ReportInput::ticket_dimension(t, self.by, &self.segments)
    }

    pub(super) fn survey(&self, r: &SurveyResponse) -> Option<&'a str> {
        self.tickets.get(r.ticket_id()?)
    }
}

impl ReportInput {
    /// Joins the summary rows and the event histories of the same tickets, so that no ticket
    /// counts twice: each history keeps its event-derived instants and counts, and takes from
    /// the summary row of the same id the descriptive attributes it lacks (customer, channel,
    /// priority, team, assignee, free-form dimensions); the summary row is then dropped.
    /// Summary rows without a history stay. Returns how many tickets were joined.
    ///
    /// # Errors
    /// Never in practice: attributes alone cannot break a ticket's validation.
    ///
    /// # Example
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::model::{derive_histories, DeriveOptions, EventKind, StatusMap};
    /// use supportkpi::report::ReportInput;
    /// use supportkpi::{Ticket, TicketEvent};
    /// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let events = [TicketEvent::new("T-1", t0, EventKind::Created)];
    /// let mut input = ReportInput {
    ///     tickets: vec![Ticket::builder("T-1", t0).channel("chat").build()?],
    ///     histories: derive_histories(events, &StatusMap::canonical(), DeriveOptions::new())?,
    ///     ..ReportInput::default()
    /// };
    /// assert_eq!(input.join_tickets_with_histories()?, 1);
    /// assert!(input.tickets.is_empty());
    /// assert_eq!(input.histories[0].ticket().channel(), Some("chat"));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn join_tickets_with_histories(&mut self) -> Result<usize, Error> {
        if self.tickets.is_empty() || self.histories.is_empty() {
            return Ok(0);
        }
        let index: HashMap<TicketId, usize> = self
            .tickets
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id().clone(), i))
            .collect();
        let mut used = vec![false; self.tickets.len()];
        let mut joined = 0;
        for h in &mut self.histories {
            let Some(&i) = index.get(h.id()) else {
                continue;
            };
            used[i] = true;
            let row = &self.tickets[i];
            let have = h.ticket().clone();
            h.describe_ticket(|mut b| {
                if have.customer_id().is_none()
                    && let Some(c) = row.customer_id()
                {
                    b = b.customer_id(c.clone());
                }
                let pairs = [
                    (have.channel(), row.channel(), 0),
                    (have.priority(), row.priority(), 1),
                    (have.team(), row.team(), 2),
                    (have.assignee(), row.assignee(), 3),
                ];
                for (ours, theirs, which) in pairs {
                    if let (None, Some(v)) = (ours, theirs) {
                        b = match which {
                            0 => b.channel(v),
                            1 => b.priority(v),
                            2 => b.team(v),
                            _ => b.assignee(v),
                        };
                    }
                }
                for (k, v) in row.dimensions() {
                    if !have.dimensions().contains_key(k) {
                        b = b.dimension(k.as_str(), v.as_str());
                    }
                }
                b
            })?;
            joined += 1;
        }
        let mut used = used.into_iter();
        self.tickets.retain(|_| !used.next().unwrap_or(false));
        Ok(joined)
    }

    /// Whether every instant of the tickets and responses has a columnar form (the range of
    /// `columnar::to_ns`, 1677–2262): the instants `TicketTable` stores (creation, first
    /// response, first and latest resolution) and each response's.
    pub(super) fn fits_columns(&self) -> bool {
        let fits = |at: Instant| crate::columnar::to_ns(at, "", "", "").is_ok();
        self.tickets.iter().all(|t| {
            [
                Some(t.created_at()),
                t.first_response_at(),
                t.first_resolved_at(),
                t.resolved_at(),
            ]
            .into_iter()
            .flatten()
            .all(fits)
        }) && self.surveys.iter().all(|r| fits(r.responded_at()))
    }

    /// The dimension value of a ticket under `by`: the ticket's own dimension, or for `segment`
    /// its customer's segment (`segments` maps customer ids to segments).
    pub fn ticket_dimension<'a>(
        ticket: &'a Ticket,
        by: Option<&str>,
        segments: &HashMap<&'a str, &'a str>,
    ) -> Option<&'a str> {
        match by? {
            "segment" => ticket
                .customer_id()
                .and_then(|c| segments.get(c.as_str()).copied()),
            name => ticket.dimension(name),
        }
    }
}

/// [`ErrorKind::DuplicateId`] for a ticket given both as a summary row and as a history.
pub(super) fn check_summary_history_twins(input: &ReportInput) -> Result<(), Error> {
    if !input.tickets.is_empty() && !input.histories.is_empty() {
        let ids: std::collections::HashSet<&TicketId> =
            input.histories.iter().map(TicketHistory::id).collect();
        if let Some(t) = input.tickets.iter().find(|t| ids.contains(t.id())) {
            return Err(Error::new(
                ErrorKind::DuplicateId,
                "a ticket is both a summary row and an event history; join them first \
                 (ReportInput::join_tickets_with_histories)",
            )
            .with_record_type("ticket")
            .with_id(t.id().as_str())
            .with_field("id")
            .with_value(t.id()));
        }
    }
    Ok(())
}

/// Ticket id → dimension value, for the responses' join: split into one hash map per
/// thread by a band of the id's hash, each built by its own thread (a single map's inserts
/// were the largest sequential part of a report: one cache miss per ticket).
struct TicketDims<'a> {
    hasher: IdHashBuilder,
    shards: Vec<HashMap<&'a TicketId, Option<&'a str>, IdHashBuilder>>,
}

impl<'a> TicketDims<'a> {
    /// `each(insert)` must call `insert` for every ticket, in input order (a later ticket
    /// with the same id replaces an earlier one, as in one map); it runs once per shard.
    fn build<F>(n: usize, each: F) -> Self
    where
        F: Fn(&mut dyn FnMut(&'a TicketId, Option<&'a str>)) + Sync,
    {
        let hasher = IdHashBuilder::default();
        let count = if n < 2 * PARTITION {
            1
        } else {
            crate::par::threads()
        };
        let build = |i: usize| {
            let mut map = HashMap::with_capacity_and_hasher(n / count + 1, hasher);
            each(&mut |id, dim| {
                if shard_of(&hasher, id, count) == i {
                    map.insert(id, dim);
                }
            });
            map
        };
        TicketDims {
            hasher,
            shards: crate::par::map_range(count, build),
        }
    }

    fn get(&self, id: &TicketId) -> Option<&'a str> {
        let shard = shard_of(&self.hasher, id, self.shards.len());
        self.shards[shard].get(id).copied().flatten()
    }
}

/// The shard of an id: bits 32 and up of its hash, since hashbrown indexes its buckets by the
/// low bits and tags them with the top seven (a shard by those would leave buckets unused).
fn shard_of(hasher: &IdHashBuilder, id: &TicketId, count: usize) -> usize {
    use std::hash::BuildHasher;
    ((hasher.hash_one(id) >> 32) as usize) % count
}
