//! The drill-down section: per report period, the tickets behind the slowest first responses,
//! the slowest resolutions and the SLA breaches, and the oldest tickets open at the report's
//! end — the first K of each list with its n, kept while the engines push the tickets.
//!
//! Each engine hands the lists the very value its cells counted (the first response and
//! resolution times the duration KPIs measured, the SLA statuses the SLA KPI judged, the
//! backlog stays the snapshot keeps open), so a list's n is its row's n and no rule is
//! applied twice. A list keeps at most K tickets whatever the input's size (a heap whose top
//! is the least of the kept ones); two lists merge by offering one's tickets to the other
//! and adding their n, so partitions merge exactly.

use super::ReportOptions;
use crate::error::{Error, ErrorKind};
use crate::kpi::{SlaMetric, SlaStatus, TicketSla};
use crate::model::{Instant, Ticket};
use crate::time::PeriodKey;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BinaryHeap};

/// The default of [`ReportOptions::drill_down_top`](field@ReportOptions::drill_down_top):
/// 20 tickets per list.
pub const DEFAULT_DRILL_DOWN_TOP: u32 = 20;

/// The most tickets a drill-down list may keep
/// ([`ReportOptions::drill_down_top`](field@ReportOptions::drill_down_top)): the section's
/// memory is periods × 3 lists × K tickets, so K stays a list a person reads, not a table.
pub const MAX_DRILL_DOWN_TOP: u32 = 1_000;

/// The tickets behind a report's numbers ([`Section::DrillDown`](super::Section::DrillDown);
/// docs/definitions.md, "Drill-down").
///
/// Totals only, not per dimension value (as revenue retention): each list ranks every ticket
/// of the report (after its filters). Durations are on the report's clock: business seconds
/// when the report has a business calendar, else calendar seconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DrillDown {
    /// K: the most tickets each list holds (the report's `drill_down_top`).
    pub top: u32,
    /// One entry per report period, in the rows' order.
    pub periods: Vec<DrillDownPeriod>,
    /// The instant the open tickets are judged at: the `backlog_ages` section's (the report's
    /// `as_of`, else the end of the backlog's last period: the range's, or the last with a
    /// ticket's move); `None` without any (no `as_of`, no `range`, no tickets).
    pub open_at: Option<Instant>,
    /// The tickets open at `open_at`, oldest first (`seconds`: age = `open_at` − creation,
    /// `at`: since when it is open — its creation or its last reopen); n = the open backlog.
    pub oldest_open: DrillList,
}

/// The lists of one report period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrillDownPeriod {
    /// The period's first day.
    pub period_start: NaiveDate,
    /// The day after the period (as a row's `period_end`).
    pub period_end: NaiveDate,
    /// Tickets created in the period with a first response, slowest first (`seconds`: first
    /// response time, `at`: the first response); n = the total row's FRT n.
    pub slowest_first_responses: DrillList,
    /// Tickets resolved in the period (by the instant that buckets resolution time), slowest
    /// first (`seconds`: resolution time, `at`: that resolution); n = the row's
    /// `resolution_n`.
    pub slowest_resolutions: DrillList,
    /// Tickets created in the period in breach of their first-response or resolution target
    /// (as the report judges them: as final, or at `as_of`), earliest breach first (`at`: the
    /// earliest of the two breaches, `seconds`: from creation to it, calendar seconds,
    /// `targets`: the targets breached); empty without an SLA policy. Next-reply and
    /// periodic-update targets, judged once per reply, are not listed.
    pub sla_breaches: DrillList,
}

/// One drill-down list: its first K tickets and how many it ranks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DrillList {
    /// Tickets the list ranks (all of them, not only those shown).
    pub n: u64,
    /// The first K, in the list's order, ties broken by ticket id.
    pub tickets: Vec<DrillTicket>,
}

/// A ticket in a drill-down list. Ordered by its fields in turn (what breaks a tie between two
/// tickets of one id, which the report counts twice).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DrillTicket {
    /// The ticket's id.
    pub ticket_id: String,
    /// Its channel.
    pub channel: Option<String>,
    /// Its priority.
    pub priority: Option<String>,
    /// Its team.
    pub team: Option<String>,
    /// When it was created.
    pub created_at: Instant,
    /// The list's value, whole seconds (see each list).
    pub seconds: i64,
    /// The list's instant (see each list).
    pub at: Instant,
    /// The SLA targets breached (`first_response`, `resolution`), in that order; empty in
    /// the other lists.
    pub targets: Vec<String>,
}

/// A ticket as the engines know it: its id for the ranking, the rest only when it enters.
pub(super) trait Who {
    fn id(&self) -> &str;
    fn created_at(&self) -> Instant;
    fn entry(&self, seconds: i64, at: Instant, targets: Vec<String>) -> DrillTicket;
}

impl Who for &Ticket {
    fn id(&self) -> &str {
        Ticket::id(self).as_str()
    }
    fn created_at(&self) -> Instant {
        Ticket::created_at(self)
    }
    fn entry(&self, seconds: i64, at: Instant, targets: Vec<String>) -> DrillTicket {
        DrillTicket {
            ticket_id: Ticket::id(self).as_str().to_owned(),
            channel: self.channel().map(str::to_owned),
            priority: self.priority().map(str::to_owned),
            team: self.team().map(str::to_owned),
            created_at: Ticket::created_at(self),
            seconds,
            at,
            targets,
        }
    }
}

/// Which list: how it ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Order {
    /// Largest `seconds` first.
    Slowest,
    /// Earliest `at` first.
    Earliest,
    /// Earliest `created_at` first (the oldest).
    Oldest,
}

impl Order {
    fn rank(self, seconds: i64, at: Instant, created: Instant) -> (i64, u32) {
        let instant = |t: Instant| (t.timestamp(), t.timestamp_subsec_nanos());
        match self {
            Order::Slowest => (seconds.saturating_neg(), 0),
            Order::Earliest => instant(at),
            Order::Oldest => instant(created),
        }
    }
}

/// A kept ticket with its rank (smaller is first).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Ranked {
    rank: (i64, u32),
    ticket: DrillTicket,
}

// The whole ticket breaks ties of rank and id: the order is total, so the kept tickets do not
// depend on the order they came in.

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.rank, &self.ticket).cmp(&(other.rank, &other.ticket))
    }
}

/// The first K of a list while tickets arrive: a max-heap of at most K, its top the last kept.
/// Serialized with the kept tickets in order, so that a state's bytes do not depend on the
/// order of pushes and merges.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(into = "TopKForm", from = "TopKForm")]
pub(super) struct TopK {
    order: Order,
    k: u32,
    n: u64,
    kept: BinaryHeap<Ranked>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopKForm {
    order: Order,
    k: u32,
    n: u64,
    kept: Vec<Ranked>,
}

impl From<TopK> for TopKForm {
    fn from(t: TopK) -> Self {
        TopKForm {
            order: t.order,
            k: t.k,
            n: t.n,
            kept: t.kept.into_sorted_vec(),
        }
    }
}

impl From<TopKForm> for TopK {
    fn from(f: TopKForm) -> Self {
        TopK {
            order: f.order,
            k: f.k,
            n: f.n,
            kept: f.kept.into(),
        }
    }
}

impl TopK {
    fn new(order: Order, k: u32) -> TopK {
        TopK {
            order,
            k,
            n: 0,
            kept: BinaryHeap::new(),
        }
    }

    /// Counts a ticket and keeps it when it ranks among the first K; its id is read only on a
    /// tie of rank with the last kept, and `entry` builds it (and its text) only when kept.
    fn offer(
        &mut self,
        rank: (i64, u32),
        who: &(impl Who + ?Sized),
        entry: impl FnOnce() -> DrillTicket,
    ) {
        use std::cmp::Ordering::{Equal, Less};
        self.n = self.n.saturating_add(1);
        if (self.kept.len() as u64) < u64::from(self.k) {
            self.kept.push(Ranked {
                rank,
                ticket: entry(),
            });
            return;
        }
        let Some(last) = self.kept.peek() else {
            return;
        };
        let before = match rank.cmp(&last.rank) {
            Equal => who.id().cmp(last.ticket.ticket_id.as_str()),
            other => other,
        };
        // Of the same rank and id (a ticket counted twice), the whole ticket decides.
        if matches!(before, Less | Equal) {
            self.replace_last(Ranked {
                rank,
                ticket: entry(),
            });
        }
    }

    /// Puts `r` in place of the last kept ticket when it comes before it.
    fn replace_last(&mut self, r: Ranked) {
        if let Some(mut last) = self.kept.peek_mut()
            && r < *last
        {
            *last = r;
        }
    }

    /// Keeps an already ranked ticket (from another list) when it ranks among the first K.
    fn keep(&mut self, r: Ranked) {
        if (self.kept.len() as u64) < u64::from(self.k) {
            self.kept.push(r);
        } else {
            self.replace_last(r);
        }
    }

    fn merge(&mut self, other: TopK) -> Result<(), Error> {
        self.n = self
            .n
            .checked_add(other.n)
            .ok_or_else(|| crate::wire::invalid("a drill-down count overflows"))?;
        for r in other.kept {
            self.keep(r);
        }
        Ok(())
    }

    fn finish(self) -> DrillList {
        DrillList {
            n: self.n,
            tickets: self
                .kept
                .into_sorted_vec()
                .into_iter()
                .map(|r| r.ticket)
                .collect(),
        }
    }

    /// Whether a list read from a state keeps its own rules.
    fn check(&self, order: Order, k: u32) -> Result<(), Error> {
        let bad = self.order != order
            || self.k != k
            || self.kept.len() as u64 > u64::from(k)
            || self.kept.len() as u64 > self.n
            || self
                .kept
                .iter()
                .any(|r| r.rank != order.rank(r.ticket.seconds, r.ticket.at, r.ticket.created_at));
        if bad {
            return Err(crate::wire::invalid(
                "a drill-down list does not follow the report's options",
            ));
        }
        Ok(())
    }
}

/// One period's lists.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DrillLists {
    frt: TopK,
    resolution: TopK,
    sla: TopK,
}

impl DrillLists {
    pub(super) fn new(k: u32) -> DrillLists {
        DrillLists {
            frt: TopK::new(Order::Slowest, k),
            resolution: TopK::new(Order::Slowest, k),
            sla: TopK::new(Order::Earliest, k),
        }
    }

    /// A ticket created in the period, with the first response time its cell counted
    /// (calendar and business seconds) and its first response (worked out only when the
    /// ticket enters the list).
    pub(super) fn first_response(
        &mut self,
        who: &impl Who,
        measured: (i64, Option<i64>),
        business: bool,
        at: impl FnOnce() -> Instant,
    ) {
        slowest(&mut self.frt, who, measured, business, at);
    }

    /// A ticket resolved in the period (the instant resolution time buckets it by), with the
    /// resolution time its cell counted.
    pub(super) fn resolution(
        &mut self,
        who: &impl Who,
        measured: (i64, Option<i64>),
        business: bool,
        at: impl FnOnce() -> Instant,
    ) {
        slowest(&mut self.resolution, who, measured, business, at);
    }

    /// A ticket created in the period, with the statuses its cell's SLA counted: a breach of
    /// its first-response or resolution target puts it in the list, at its earliest breach.
    pub(super) fn sla(&mut self, who: &impl Who, sla: &TicketSla) {
        let mut first: Option<Instant> = None;
        let mut targets = Vec::new();
        for m in BREACH_TARGETS {
            if let Some(SlaStatus::Breached { at }) = sla.get(m) {
                first = Some(first.map_or(at, |f| f.min(at)));
                targets.push(m);
            }
        }
        let Some(at) = first else {
            return;
        };
        let created = who.created_at();
        let seconds = crate::kpi::calendar_seconds(created, at);
        let rank = Order::Earliest.rank(seconds, at, created);
        self.sla.offer(rank, who, || {
            who.entry(
                seconds,
                at,
                targets.iter().map(|m| m.as_str().to_owned()).collect(),
            )
        });
    }

    /// Whether no ticket reached the lists (such lists are not kept in a state's bytes).
    fn is_empty(&self) -> bool {
        self.frt.n == 0 && self.resolution.n == 0 && self.sla.n == 0
    }

    pub(super) fn merge(&mut self, other: DrillLists) -> Result<(), Error> {
        self.frt.merge(other.frt)?;
        self.resolution.merge(other.resolution)?;
        self.sla.merge(other.sla)
    }
}

/// The targets whose breach puts a ticket in the breaches list: the ticket's own two deadlines.
/// Next-reply and periodic-update targets are judged once per reply (a ticket may breach and
/// meet them many times); their attainment is in the `sla_*` columns.
const BREACH_TARGETS: [SlaMetric; 2] = [SlaMetric::FirstResponse, SlaMetric::Resolution];

/// The value on the report's clock, offered to a slowest-first list.
fn slowest(
    list: &mut TopK,
    who: &impl Who,
    (calendar, business_seconds): (i64, Option<i64>),
    business: bool,
    at: impl FnOnce() -> Instant,
) {
    let seconds = match (business, business_seconds) {
        (true, Some(b)) => b,
        _ => calendar,
    };
    // Slowest first: the rank is the duration alone.
    let rank = (seconds.saturating_neg(), 0);
    list.offer(rank, who, || who.entry(seconds, at(), Vec::new()));
}

/// The drill-down's state in an engine: the lists of each period met, and the open tickets.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Drill {
    k: u32,
    /// A list, not a map: JSON object keys must be strings.
    #[serde(with = "periods_as_list")]
    periods: BTreeMap<PeriodKey, DrillLists>,
    open: TopK,
}

mod periods_as_list {
    use super::{BTreeMap, DrillLists, PeriodKey};
    use serde::{Deserialize, Deserializer, Serializer};
    pub(super) fn serialize<S: Serializer>(
        m: &BTreeMap<PeriodKey, DrillLists>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        // Periods whose lists no ticket reached are left out: the bytes do not depend on
        // which engine met a period first.
        s.collect_seq(m.iter().filter(|(_, l)| !l.is_empty()))
    }
    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<PeriodKey, DrillLists>, D::Error> {
        let v = Vec::<(PeriodKey, DrillLists)>::deserialize(d)?;
        let n = v.len();
        let m: BTreeMap<_, _> = v.into_iter().collect();
        if m.len() != n {
            return Err(serde::de::Error::custom(
                "a drill-down period appears twice",
            ));
        }
        Ok(m)
    }
}

impl Default for Drill {
    fn default() -> Self {
        Drill::new(DEFAULT_DRILL_DOWN_TOP)
    }
}

impl Drill {
    pub(super) fn new(k: u32) -> Drill {
        Drill {
            k,
            periods: BTreeMap::new(),
            open: TopK::new(Order::Oldest, k),
        }
    }

    /// K.
    pub(super) fn k(&self) -> u32 {
        self.k
    }

    /// The drill-down state of these options.
    pub(super) fn of(o: &ReportOptions) -> Drill {
        Drill::new(o.drill_down_top)
    }

    /// The lists of the period `key`.
    pub(super) fn period(&mut self, key: PeriodKey) -> &mut DrillLists {
        let k = self.k;
        self.periods
            .entry(key)
            .or_insert_with(|| DrillLists::new(k))
    }

    /// What the record engines hand the lists for one ticket: its creation cell's counts
    /// (`created`, in the period `created_key`) and, when resolution time counted it, the
    /// period, instant and time of that resolution.
    pub(super) fn push_record(
        &mut self,
        t: &Ticket,
        (created_key, created): (PeriodKey, super::cells::Created),
        resolved: Option<(PeriodKey, Instant, (i64, Option<i64>))>,
        business: bool,
    ) {
        let lists = self.period(created_key);
        if let (Some(m), Some(at)) = (created.frt, t.first_response_at()) {
            lists.first_response(&t, m, business, || at);
        }
        if let Some(sla) = &created.sla {
            lists.sla(&t, sla);
        }
        if let Some((key, at, m)) = resolved {
            self.period(key).resolution(&t, m, business, || at);
        }
    }

    /// A ticket's stay open at the backlog snapshot (`since`: the stay's start).
    pub(super) fn open(&mut self, who: &impl Who, since: Instant) {
        let created = who.created_at();
        let rank = Order::Oldest.rank(0, since, created);
        // The age needs the snapshot's instant, known at the finish.
        self.open
            .offer(rank, who, || who.entry(0, since, Vec::new()));
    }

    /// Adds a partition's lists (the period lists found in both merged, n added).
    pub(super) fn merge(&mut self, other: Drill) -> Result<(), Error> {
        if self.k != other.k {
            return Err(crate::kpi::incompatible("drill-down"));
        }
        for (key, lists) in other.periods {
            match self.periods.get_mut(&key) {
                Some(ours) => ours.merge(lists)?,
                None => {
                    self.periods.insert(key, lists);
                }
            }
        }
        self.open.merge(other.open)
    }

    /// Inserts the lists of a period (the columnar engine keeps them by slot).
    pub(super) fn add_period(&mut self, key: PeriodKey, lists: DrillLists) -> Result<(), Error> {
        if lists.is_empty() {
            return Ok(());
        }
        match self.periods.get_mut(&key) {
            Some(ours) => ours.merge(lists),
            None => {
                self.periods.insert(key, lists);
                Ok(())
            }
        }
    }

    /// Checks a drill-down read from a state against its options.
    pub(super) fn check(&self, o: &ReportOptions) -> Result<(), Error> {
        if self.k != o.drill_down_top {
            return Err(crate::wire::invalid(
                "a drill-down kept for another drill_down_top",
            ));
        }
        let bucketer = o.bucketer();
        for (key, l) in &self.periods {
            if bucketer.key_of_date(key.start) != *key {
                return Err(crate::wire::invalid(format!(
                    "{} does not start a {} period",
                    key.start, o.period
                )));
            }
            l.frt.check(Order::Slowest, self.k)?;
            l.resolution.check(Order::Slowest, self.k)?;
            l.sla.check(Order::Earliest, self.k)?;
        }
        self.open.check(Order::Oldest, self.k)
    }

    /// The section over the report's periods `keys`, the open tickets aged at `open_at`.
    pub(super) fn finish(mut self, keys: &[PeriodKey], open_at: Option<Instant>) -> DrillDown {
        let k = self.k;
        let periods = keys
            .iter()
            .map(|key| {
                let l = self
                    .periods
                    .remove(key)
                    .unwrap_or_else(|| DrillLists::new(k));
                DrillDownPeriod {
                    period_start: key.start,
                    period_end: key.end(),
                    slowest_first_responses: l.frt.finish(),
                    slowest_resolutions: l.resolution.finish(),
                    sla_breaches: l.sla.finish(),
                }
            })
            .collect();
        let oldest_open = match open_at {
            Some(at) => {
                let mut list = self.open.finish();
                for t in &mut list.tickets {
                    t.seconds = crate::kpi::calendar_seconds(t.created_at, at);
                }
                list
            }
            None => DrillList::default(),
        };
        DrillDown {
            top: k,
            periods,
            open_at,
            oldest_open,
        }
    }
}

/// Checks [`ReportOptions::drill_down_top`](field@ReportOptions::drill_down_top).
pub(super) fn check_top(o: &ReportOptions) -> Result<(), Error> {
    if o.drill_down_top > MAX_DRILL_DOWN_TOP {
        return Err(Error::new(
            ErrorKind::InvalidOption,
            format!(
                "a drill-down list keeps at most {MAX_DRILL_DOWN_TOP} tickets (it is a list to \
                 read; the per-ticket table has them all)"
            ),
        )
        .with_field("drill_down_top")
        .with_value(o.drill_down_top));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A ticket of a list: its id, channel (two tickets of one id differ by it) and seconds.
    #[derive(Debug)]
    struct T(&'static str, Option<&'static str>, i64);

    fn t0() -> Instant {
        chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap()
    }

    impl Who for T {
        fn id(&self) -> &str {
            self.0
        }
        fn created_at(&self) -> Instant {
            t0()
        }
        fn entry(&self, seconds: i64, at: Instant, targets: Vec<String>) -> DrillTicket {
            DrillTicket {
                ticket_id: self.0.to_owned(),
                channel: self.1.map(str::to_owned),
                priority: None,
                team: None,
                created_at: t0(),
                seconds,
                at,
                targets,
            }
        }
    }

    fn ticket() -> impl Strategy<Value = T> {
        (
            prop::sample::select(vec!["a", "b", "c"]),
            prop::option::of(prop::sample::select(vec!["x", "y"])),
            0i64..4,
        )
            .prop_map(|(id, channel, s)| T(id, channel, s))
    }

    fn offered(k: u32, tickets: &[T]) -> TopK {
        let mut list = TopK::new(Order::Slowest, k);
        for t in tickets {
            slowest(&mut list, t, (t.2, None), false, t0);
        }
        list
    }

    proptest! {
        /// A list is the first K of all its tickets sorted by the list's order, ties by the
        /// whole entry (id first), whatever the order of offers and merges; n counts them all.
        #[test]
        fn a_list_is_the_first_k_of_its_tickets_sorted(
            tickets in prop::collection::vec(ticket(), 0..12),
            k in 0u32..5,
            cut in 0usize..12,
        ) {
            let mut want: Vec<DrillTicket> =
                tickets.iter().map(|t| t.entry(t.2, t0(), Vec::new())).collect();
            want.sort_by(|a, b| (-a.seconds, a).cmp(&(-b.seconds, b)));
            want.truncate(k as usize);
            let whole = offered(k, &tickets).finish();
            prop_assert_eq!(whole.n, tickets.len() as u64);
            prop_assert_eq!(&whole.tickets, &want);
            let cut = cut.min(tickets.len());
            let (a, b) = tickets.split_at(cut);
            let mut merged = offered(k, b);
            merged.merge(offered(k, a)).unwrap();
            prop_assert_eq!(merged.finish(), whole);
        }
    }
}
