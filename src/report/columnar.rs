//! The columnar engine behind [`Report::compute_columnar`] (and [`Report::compute`] for summary
//! tickets): the same table as the record path ([`Report::compute_records`]) from a
//! [`ColumnarInput`], with less work per ticket.
//!
//! Where the row path routes each ticket through maps of cells keyed by period and dimension
//! text and keeps every backlog stay to sort it at the end, this engine
//! - turns the grouping dimension into small integer codes once (dictionary codes of the
//!   table), so a cell is found by index (a period of a dimension of many values, such as
//!   customer ids, keeps entries for the codes it meets only: [`SlotCodes`]);
//! - pushes a ticket only into its dimension's cell and makes each period's total by merging
//!   that period's dimension cells at the end (every KPI merge is exact, so the total is the
//!   one a push into it would give);
//! - counts volume and backlog changes per period in flat arrays: a summary ticket has one stay
//!   in the backlog (from creation to its closing instant), so the backlog at the end of a
//!   period is the running sum of entries minus exits up to it — no stay is kept, nothing is
//!   sorted;
//! - reads a ticket's instants, status and counts into a [`Ticket`] without text (no heap
//!   allocation) and feeds that to the KPI accumulators themselves — except on the
//!   calendar-only path ([`push_fast`]), which works out the cell instants of first-contact
//!   resolution and resolution time and the calendar seconds from the nanosecond columns.
//!
//! The instants that bucket first-contact resolution, resolution time and the cost denominator,
//! and a summary ticket's backlog stay, are the KPIs' own rule functions called on raw
//! nanoseconds ([`push_fast`], [`push_flows`]: `FcrDenominator::bucket_at`,
//! `ResolutionVariant::end_at`, `CostDenominator::bucket_at`, `summary_exit`); the equality
//! tests against [`Report::compute_records`] (`tests/it/columnar.rs`) check the whole table.

use super::Section;
use super::drill::{Drill, DrillLists, DrillTicket, Who};
use super::state::{Group, ReportState, Share};
use super::{Cell, Kpis, NO_VALUE, PARTITION, ReportOptions, Span};
use crate::columnar::{ColumnarInput, Dictionary, NO_INSTANT, SurveyTable, TicketTable, from_ns};
use crate::error::Error;
use crate::hash::IdHashBuilder;
use crate::kpi::{
    Accumulator, Arrivals, Exit, FcrDenominator, ResolutionVariant, TicketFacts, VolumeCounts,
    calendar_seconds_ns, keeps_open, summary_exit,
};
use crate::model::{CostEntry, Customer, Instant, Status, SurveyKind, Ticket};
use crate::par::{map_range, threads, try_map};
use crate::report::Report;
use crate::time::{LocalDates, PeriodKey, PeriodSpans};
use chrono::Datelike;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// The grouping dimension as dense codes `0..labels.len()`.
struct Dims<'a> {
    labels: Vec<String>,
    source: Source<'a>,
}

enum Source<'a> {
    /// No grouping.
    None,
    /// Dictionary codes (or [`Dictionary::NONE`]) mapped through `remap`, `none` for NONE.
    Codes {
        codes: &'a [u32],
        remap: Vec<u32>,
        none: u32,
    },
    /// The status, by its index in [`Status::ALL`].
    Status(&'a [Status]),
    /// Every ticket without a value.
    AllNone,
}

impl Dims<'_> {
    fn new<'a>(input: &Inputs<'a>, by: Option<&str>) -> Dims<'a> {
        let t = &input.tickets;
        let Some(by) = by else {
            return Dims {
                labels: Vec::new(),
                source: Source::None,
            };
        };
        // Labels: the dictionary's values, then "(none)" unless a value already reads so (the
        // row path groups a missing value and that text under one label).
        let from_dict = |d: &'a Dictionary, remap: Vec<u32>, mut labels: Vec<String>| -> Dims<'a> {
            let none = match labels.iter().position(|l| l == NO_VALUE) {
                Some(i) => i as u32,
                None => {
                    labels.push(NO_VALUE.to_owned());
                    (labels.len() - 1) as u32
                }
            };
            Dims {
                labels,
                source: Source::Codes {
                    codes: d.codes(),
                    remap,
                    none,
                },
            }
        };
        let identity = |d: &Dictionary| (0..d.values().len() as u32).collect::<Vec<_>>();
        // A built-in name reads its field, never a free-form column of that name (as the
        // record path's `Ticket::dimension`); the agents' columns exist once a ticket names one.
        let dict = match by {
            "channel" => Some(t.channel()),
            "priority" => Some(t.priority()),
            "team" => Some(t.team()),
            "assignee" => Some(t.assignee()),
            "customer_id" => Some(t.customer_id()),
            "first_responder" => t.first_responder(),
            "solver" => t.solver(),
            "status" | "segment" => None,
            other => t.dimension(other),
        };
        if let Some(d) = dict {
            return from_dict(d, identity(d), d.values().to_vec());
        }
        match by {
            "status" => Dims {
                // Every ticket has a status; "(none)" is for responses without a ticket.
                labels: Status::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .chain([NO_VALUE])
                    .map(str::to_owned)
                    .collect(),
                source: Source::Status(t.status()),
            },
            "segment" => {
                // As the row path: a customer id's segment is the last one given for it.
                let mut segment_of: HashMap<&str, &str> = HashMap::new();
                for c in input.customers {
                    if let Some(s) = c.segment() {
                        segment_of.insert(c.id().as_str(), s);
                    }
                }
                let mut labels: Vec<String> = Vec::new();
                let mut index: HashMap<&str, u32> = HashMap::new();
                let customers = t.customer_id();
                let mut remap = Vec::with_capacity(customers.values().len());
                for c in customers.values() {
                    remap.push(match segment_of.get(c.as_str()) {
                        Some(&s) => *index.entry(s).or_insert_with(|| {
                            labels.push(s.to_owned());
                            (labels.len() - 1) as u32
                        }),
                        None => Dictionary::NONE,
                    });
                }
                let mut dims = from_dict(customers, remap, labels);
                // A segment named "(none)" and no segment share one label, as in the row path.
                if let Source::Codes { remap, none, .. } = &mut dims.source {
                    for r in remap.iter_mut() {
                        if *r == Dictionary::NONE {
                            *r = *none;
                        }
                    }
                }
                dims
            }
            _ => Dims {
                labels: vec![NO_VALUE.to_owned()],
                source: Source::AllNone,
            },
        }
    }

    fn len(&self) -> usize {
        self.labels.len()
    }

    /// Ticket `i`'s code (0 without grouping).
    fn code(&self, i: usize) -> usize {
        match &self.source {
            Source::None | Source::AllNone => 0,
            Source::Codes { codes, remap, none } => {
                let c = codes[i];
                if c == Dictionary::NONE {
                    *none as usize
                } else {
                    remap[c as usize] as usize
                }
            }
            Source::Status(s) => s[i] as usize,
        }
    }
}

/// A dimension of at most this many values keeps an entry per value in every period of a
/// partition; one of more (customer ids) keeps entries for the values the period meets only.
const DENSE_CODES: usize = 256;

/// Which dimension code each per-code entry of a [`Slot`] holds.
enum SlotCodes {
    /// Entry `c` holds code `c`, for every code.
    Dense,
    /// The codes the period met, each at the entry of its first meeting: with a dense slot per
    /// period a partition of 64k tickets by 40k customers held 40k entries in each of its
    /// periods (gigabytes at 1M tickets), whatever its own tickets were.
    Sparse {
        entry: HashMap<u32, u32, IdHashBuilder>,
        codes: Vec<u32>,
    },
}

/// One period's state in a partition.
struct Slot {
    key: PeriodKey,
    codes: SlotCodes,
    /// One cell per entry (one in all without grouping).
    cells: Vec<Option<Cell>>,
    /// Volume counts: `[0]` the total, `[1 + entry]` per entry.
    counts: Vec<VolumeCounts>,
    /// Backlog entries minus exits, indexed as `counts`.
    delta: Vec<i64>,
    /// Backlog entries plus exits (a period where the backlog moved), indexed as `counts`.
    moves: Vec<u64>,
    /// Tickets dividing the support cost.
    cost_tickets: u64,
    /// The period's drill-down lists (fed only when the section is selected).
    drill: DrillLists,
}

impl Slot {
    fn new(key: PeriodKey, dims: usize, k: u32) -> Slot {
        // Entries: every code (one cell without grouping), or none until met.
        let (codes, n, cells) = if dims > DENSE_CODES {
            let entry = HashMap::default();
            let codes = Vec::new();
            (SlotCodes::Sparse { entry, codes }, 0, 0)
        } else {
            (SlotCodes::Dense, dims, dims.max(1))
        };
        Slot {
            key,
            codes,
            cells: (0..cells).map(|_| None).collect(),
            counts: vec![VolumeCounts::default(); n + 1],
            delta: vec![0; n + 1],
            moves: vec![0; n + 1],
            cost_tickets: 0,
            drill: DrillLists::new(k),
        }
    }

    /// The entry of dimension code `code`, made when the period first meets it.
    fn entry(&mut self, code: usize) -> usize {
        let SlotCodes::Sparse { entry, codes } = &mut self.codes else {
            return code;
        };
        let next = codes.len() as u32;
        let e = *entry.entry(code as u32).or_insert(next);
        if e == next {
            codes.push(code as u32);
            self.cells.push(None);
            self.counts.push(VolumeCounts::default());
            self.delta.push(0);
            self.moves.push(0);
        }
        e as usize
    }

    /// `(code, entry)` of every entry.
    fn entries(&self) -> Vec<(usize, usize)> {
        match &self.codes {
            SlotCodes::Dense => (0..self.counts.len() - 1).map(|c| (c, c)).collect(),
            SlotCodes::Sparse { codes, .. } => codes
                .iter()
                .enumerate()
                .map(|(e, &c)| (c as usize, e))
                .collect(),
        }
    }
}

/// A partition's state: its periods, in the order met.
struct Part {
    dims: usize,
    slots: Vec<Slot>,
    spans: PeriodSpans,
    /// Each period's slot (data over decades has thousands of day periods).
    index: HashMap<PeriodKey, usize>,
    /// The spans (`[start, end)`, UTC nanoseconds) of the last two periods found and their
    /// slots: a ticket's instants fall mostly in the periods of its creation and its
    /// resolution, and each is looked up several times.
    recent: [(i64, i64, usize); 2],
    /// The tickets' arrivals (for the sections), with the zone's dates.
    arrivals: Arrivals,
    dates: LocalDates,
    /// The backlog snapshot's bound when the options fix it (`state::snapshot_bound`), and
    /// the creation instants of the tickets open at it (their ages).
    bound: Option<i64>,
    open: Vec<i64>,
    /// Whether the options select the arrivals and the backlog ages (else they are not kept).
    keep_arrivals: bool,
    keep_open: bool,
    /// The drill-down: whether it is selected, its durations on the business clock, and its
    /// open tickets (the period lists are the slots').
    keep_drill: bool,
    business: bool,
    drill: Drill,
}

impl Part {
    fn new(options: &ReportOptions, dims: usize) -> Part {
        Part {
            dims,
            slots: Vec::new(),
            spans: PeriodSpans::new(options.bucketer()),
            index: HashMap::new(),
            recent: [(0, 0, 0); 2],
            arrivals: Arrivals::default(),
            dates: LocalDates::new(options.zone),
            keep_arrivals: options.sections.contains(Section::Arrivals),
            keep_open: options.sections.contains(Section::BacklogAges),
            keep_drill: options.sections.contains(Section::DrillDown),
            business: options.calendar.is_some(),
            drill: Drill::of(options),
            bound: super::state::snapshot_bound(options).map(|b| {
                b.timestamp_nanos_opt().unwrap_or(if b.timestamp() > 0 {
                    i64::MAX
                } else {
                    i64::MIN
                })
            }),
            open: Vec::new(),
        }
    }

    fn slot(&mut self, ns: i64) -> usize {
        for &(start, end, i) in &self.recent {
            if start <= ns && ns < end {
                return i;
            }
        }
        let (key, span) = self.spans.span(ns);
        // A few periods (months of a year) are found fastest by comparing them all.
        let found = if self.slots.len() <= 32 {
            self.slots.iter().position(|s| s.key == key)
        } else {
            self.index.get(&key).copied()
        };
        let i = match found {
            Some(i) => i,
            None => {
                self.index.insert(key, self.slots.len());
                self.slots.push(Slot::new(key, self.dims, self.drill.k()));
                self.slots.len() - 1
            }
        };
        if let Some((start, end)) = span {
            self.recent = [(start, end, i), self.recent[0]];
        }
        i
    }

    fn cell<'a>(&'a mut self, kpis: &Kpis, slot: usize, code: usize) -> &'a mut Cell {
        let s = &mut self.slots[slot];
        let e = s.entry(code);
        s.cells[e].get_or_insert_with(|| kpis.cell())
    }

    /// Volume and backlog: `[0]` and `[1 + code]` of the slot's counts.
    fn flow(&mut self, slot: usize, code: Option<usize>, f: impl Fn(&mut Slot, usize)) {
        let s = &mut self.slots[slot];
        f(s, 0);
        if let Some(c) = code {
            let e = s.entry(c);
            f(s, 1 + e);
        }
    }
}

/// Feeds tickets `rows` of the table into a new partition.
fn push_tickets(
    table: &TicketTable,
    rows: Range<usize>,
    dims: &Dims<'_>,
    kpis: &Kpis,
    options: &ReportOptions,
) -> Result<Part, Error> {
    let grouped = options.by.is_some();
    // Without business time or SLA targets the duration KPIs read calendar seconds only: the
    // engine works them out from the nanosecond columns and skips building instants.
    let calendar_only = options.calendar.is_none() && options.sla.is_none();
    let variant = kpis.art.options().variant;
    let mut part = Part::new(options, dims.len());
    let cols = table.raw();
    for i in rows {
        let raw = Raw {
            created: cols.created[i],
            first_response: cols.first_response[i],
            first_resolved: cols.first_resolved[i],
            resolved: cols.resolved[i],
            replies: cols.agent_replies[i],
            reopens: cols.reopens[i],
        };
        let code = dims.code(i);
        let who = Row {
            table,
            i,
            created: raw.created,
        };
        let result = if calendar_only {
            push_fast(
                &mut part,
                (&raw, &who),
                variant,
                options.fcr_denominator,
                code,
                kpis,
            )
        } else {
            let mut t = table.skeleton(i);
            // SLA targets are chosen by priority, the one text a duration KPI reads.
            if kpis.sla.is_some() {
                t.set_priority(table.priority().get(i));
            }
            push_cells(&mut part, &t, (&raw, &who), code, kpis)
        };
        result.map_err(|e| e.with_record_type("ticket").with_id(table.ids().get(i)))?;
        push_flows(
            &mut part,
            (&raw, &who),
            cols.status[i],
            grouped.then_some(code),
            options,
        );
    }
    Ok(part)
}

/// Ticket `i` of the table for the drill-down lists: its id to rank it, its text read only
/// when it enters a list.
struct Row<'a> {
    table: &'a TicketTable,
    i: usize,
    created: i64,
}

impl Who for Row<'_> {
    fn id(&self) -> &str {
        self.table.ids().get(self.i)
    }
    fn created_at(&self) -> Instant {
        from_ns(self.created)
    }
    fn entry(&self, seconds: i64, at: Instant, targets: Vec<String>) -> DrillTicket {
        let text = |d: &Dictionary| d.get(self.i).map(str::to_owned);
        DrillTicket {
            ticket_id: self.id().to_owned(),
            channel: text(self.table.channel()),
            priority: text(self.table.priority()),
            team: text(self.table.team()),
            created_at: from_ns(self.created),
            seconds,
            at,
            targets,
        }
    }
}

/// A ticket's instants as stored (nanoseconds, [`NO_INSTANT`] when absent).
struct Raw {
    created: i64,
    first_response: i64,
    first_resolved: i64,
    resolved: i64,
    replies: Option<u32>,
    reopens: Option<u32>,
}

impl Raw {
    /// The stored nanoseconds of one of the ticket's instants.
    fn ns(&self, at: Instant, skeleton: &Ticket) -> i64 {
        if at == skeleton.created_at() {
            self.created
        } else if Some(at) == skeleton.resolved_at() {
            self.resolved
        } else if Some(at) == skeleton.first_resolved_at() {
            self.first_resolved
        } else {
            at.timestamp_nanos_opt().unwrap_or(i64::MIN)
        }
    }
}

/// The duration KPIs of a ticket with the KPIs' own rules on a text-free ticket.
fn push_cells(
    part: &mut Part,
    t: &Ticket,
    (raw, who): (&Raw, &Row<'_>),
    code: usize,
    kpis: &Kpis,
) -> Result<(), Error> {
    let created = t.created_at();
    let fcr_at = kpis.fcr.bucket_instant(t);
    let s = part.slot(raw.created);
    let (frt, sla) = {
        let cell = part.cell(kpis, s, code);
        let frt = cell.frt.push_measured(TicketFacts::summary(t))?;
        let sla = match &mut cell.sla {
            Some(sla) => Some(sla.push_measured(TicketFacts::summary(t))?),
            None => None,
        };
        if fcr_at == Some(created) {
            cell.fcr.push(t)?;
        }
        (frt, sla)
    };
    if part.keep_drill {
        let business = part.business;
        let lists = &mut part.slots[s].drill;
        if let (Some(m), Some(at)) = (frt, t.first_response_at()) {
            lists.first_response(who, m, business, || at);
        }
        if let Some(sla) = &sla {
            lists.sla(who, sla);
        }
    }
    if let Some(at) = fcr_at.filter(|&at| at != created) {
        let s = part.slot(raw.ns(at, t));
        part.cell(kpis, s, code).fcr.push(t)?;
    }
    if let Some(at) = kpis.art.bucket_instant(t) {
        let s = part.slot(raw.ns(at, t));
        let measured = part
            .cell(kpis, s, code)
            .art
            .push_measured(TicketFacts::summary(t))?;
        if let (true, Some(m)) = (part.keep_drill, measured) {
            let business = part.business;
            part.slots[s].drill.resolution(who, m, business, || at);
        }
    }
    Ok(())
}

/// What [`push_cells`] does when the duration KPIs read calendar seconds only (no business
/// calendar, no SLA): the same cells, the same values, from the nanosecond columns.
fn push_fast(
    part: &mut Part,
    (raw, who): (&Raw, &Row<'_>),
    variant: ResolutionVariant,
    fcr_denominator: FcrDenominator,
    code: usize,
    kpis: &Kpis,
) -> Result<(), Error> {
    let resolved = (raw.resolved != NO_INSTANT).then_some(raw.resolved);
    let fcr_at = fcr_denominator.bucket_at(raw.created, resolved);
    let s = part.slot(raw.created);
    {
        let cell = part.cell(kpis, s, code);
        let frt = (raw.first_response != NO_INSTANT)
            .then(|| calendar_seconds_ns(raw.created, raw.first_response));
        cell.frt.push_calendar_seconds(frt)?;
        if fcr_at == Some(raw.created) {
            cell.fcr
                .push_parts(raw.replies, resolved.is_some(), raw.reopens)?;
        }
        if let (true, Some(seconds)) = (part.keep_drill, frt) {
            let at = || from_ns(raw.first_response);
            part.slots[s]
                .drill
                .first_response(who, (seconds, None), false, at);
        }
    }
    if let Some(at) = fcr_at.filter(|&at| at != raw.created) {
        let s = part.slot(at);
        part.cell(kpis, s, code)
            .fcr
            .push_parts(raw.replies, resolved.is_some(), raw.reopens)?;
    }
    let first = (raw.first_resolved != NO_INSTANT).then_some(raw.first_resolved);
    if let Some(end) = variant.end_at(resolved, first) {
        let s = part.slot(end);
        let seconds = calendar_seconds_ns(raw.created, end);
        part.cell(kpis, s, code)
            .art
            .push_calendar_seconds(seconds)?;
        if part.keep_drill {
            part.slots[s]
                .drill
                .resolution(who, (seconds, None), false, || from_ns(end));
        }
    }
    Ok(())
}

/// Volume, backlog and the cost denominator of a summary ticket: created at creation, its
/// latest resolution a resolution event, one stay in the backlog from creation to its
/// resolution (or cancellation, at creation when it has no resolution instant), or open.
fn push_flows(
    part: &mut Part,
    (raw, who): (&Raw, &Row<'_>),
    status: Status,
    flow_code: Option<usize>,
    options: &ReportOptions,
) {
    if part.keep_arrivals {
        part.arrivals.push(&mut part.dates, from_ns(raw.created));
    }
    let s = part.slot(raw.created);
    part.flow(s, flow_code, |sl, j| {
        sl.counts[j].created += 1;
        sl.delta[j] += 1;
        sl.moves[j] += 1;
    });
    let resolved = (raw.resolved != NO_INSTANT).then_some(raw.resolved);
    if let Some(at) = resolved {
        let s = part.slot(at);
        part.flow(s, flow_code, |sl, j| sl.counts[j].resolved += 1);
    }
    let exit = summary_exit(status.category(), raw.created, resolved);
    if (part.keep_open || part.keep_drill)
        && keeps_open(part.bound, raw.created, exit.map(|(at, _)| at))
    {
        if part.keep_open {
            part.open.push(raw.created);
        }
        if part.keep_drill {
            part.drill.open(who, from_ns(raw.created));
        }
    }
    if let Some((at, exit)) = exit {
        let cancelled = exit == Exit::Cancelled;
        let s = part.slot(at);
        part.flow(s, flow_code, |sl, j| {
            sl.delta[j] -= 1;
            sl.moves[j] += 1;
            if cancelled {
                sl.counts[j].cancelled += 1;
            }
        });
    }
    let cost_at = options.cost_denominator.bucket_at(raw.created, resolved);
    if let Some(at) = cost_at {
        let s = part.slot(at);
        part.slots[s].cost_tickets += 1;
    }
}

/// Feeds responses `rows` into a new partition, each into its ticket's dimension code.
fn push_surveys(
    table: &SurveyTable,
    rows: Range<usize>,
    dims: usize,
    codes: &SurveyCodes,
    kpis: &Kpis,
    options: &ReportOptions,
) -> Result<Part, Error> {
    let mut part = Part::new(options, dims);
    for i in rows {
        let r = table.skeleton(i);
        let code = codes.code(i);
        let s = part.slot(table.responded_at_ns()[i]);
        let cell = part.cell(kpis, s, code);
        match r.kind() {
            SurveyKind::Csat => cell.csat.push_response(&r),
            SurveyKind::Nps => cell.nps.push_response(&r),
            SurveyKind::Ces => cell.ces.push_response(&r),
        }
        .map_err(|e| {
            e.with_record_type("survey_response")
                .with_id(table.ids().get(i))
        })?;
    }
    Ok(part)
}

/// A response's dimension code: its ticket's, found by id; "(none)" when it has no ticket, the
/// ticket is not in the input, or the ticket has no value.
struct SurveyCodes {
    /// The code of every response (empty without grouping).
    codes: Vec<u32>,
}

impl SurveyCodes {
    fn new(input: &Inputs<'_>, dims: &Dims<'_>, grouped: bool) -> SurveyCodes {
        if !grouped || dims.len() == 0 {
            return SurveyCodes { codes: Vec::new() };
        }
        let none = dims.labels.iter().position(|l| l == NO_VALUE).unwrap_or(0) as u32;
        let mut codes = vec![none; input.surveys.len()];
        if input.surveys.any_linked() {
            for (j, code) in join(input.tickets, dims, input.surveys) {
                codes[j as usize] = code;
            }
        }
        SurveyCodes { codes }
    }

    fn code(&self, i: usize) -> usize {
        self.codes.get(i).map_or(0, |&c| c as usize)
    }
}

/// Ids up to this many bytes are compared inline in the join.
const INLINE: usize = 16;

/// An id of at most [`INLINE`] bytes, as a value: the join compares ids without reading the
/// tables' text (a read per comparison would be a cache miss per response).
#[derive(Clone, Copy, PartialEq, Eq, Default)]
struct ShortId {
    len: u8,
    bytes: [u8; INLINE],
}

impl ShortId {
    fn new(id: &str) -> Option<ShortId> {
        let b = id.as_bytes();
        let n = b.len();
        if n > INLINE {
            return None;
        }
        // Overlapping fixed-width loads of the first and the last bytes (the bytes both
        // cover are the same, so OR keeps them): a copy of a variable length would be a call
        // to memcpy per id.
        let le8 = |s: &[u8]| u128::from(u64::from_le_bytes(s.try_into().unwrap_or_default()));
        let le4 = |s: &[u8]| u128::from(u32::from_le_bytes(s.try_into().unwrap_or_default()));
        let v = match n {
            8.. => le8(&b[..8]) | le8(&b[n - 8..]) << (8 * (n - 8)),
            4.. => le4(&b[..4]) | le4(&b[n - 4..]) << (8 * (n - 4)),
            1.. => {
                u128::from(b[0])
                    | u128::from(b[n / 2]) << (8 * (n / 2))
                    | u128::from(b[n - 1]) << (8 * (n - 1))
            }
            0 => 0,
        };
        Some(ShortId {
            len: n as u8,
            bytes: v.to_le_bytes(),
        })
    }
}

impl std::hash::Hash for ShortId {
    // Two words and the length (three folds of the id hasher), where the derived hash would
    // also write the array's length and take the bytes through the slice path.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let (a, b) = self.bytes.split_at(8);
        let word = |w: &[u8]| u64::from_le_bytes(w.try_into().unwrap_or_default());
        state.write_u64(word(a));
        state.write_u64(word(b));
        state.write_u8(self.len);
    }
}

/// A side of the join within one partition: an id, its value (a ticket's dimension code, a
/// response's index) and the low half of the id's hash (the partition is its high bits).
#[derive(Clone, Copy, Default)]
struct Entry {
    id: ShortId,
    value: u32,
    hash: u32,
}

/// An open-addressing index of one partition's tickets (linear probing, at most half full):
/// slots hold positions in the partition's entries, so the table of a partition (64k to 128k
/// tickets) takes 0.5 to 1 MiB and stays in cache with them. It is built from entries whose
/// hashes are already known, so no id is hashed twice.
struct Index {
    slots: Vec<u32>,
    mask: usize,
}

impl Index {
    const EMPTY: u32 = u32::MAX;

    fn new() -> Index {
        Index {
            slots: Vec::new(),
            mask: 0,
        }
    }

    /// Indexes `build`: a later entry with the same id replaces an earlier one.
    fn fill(&mut self, build: &[Entry]) {
        let size = (2 * build.len()).next_power_of_two().max(16);
        self.slots.clear();
        self.slots.resize(size, Index::EMPTY);
        self.mask = size - 1;
        for (i, e) in build.iter().enumerate() {
            let s = self.slot_of(build, e);
            self.slots[s] = i as u32;
        }
    }

    /// The value of the entry of `build` with `probe`'s id.
    fn get(&self, build: &[Entry], probe: &Entry) -> Option<u32> {
        match self.slots[self.slot_of(build, probe)] {
            Index::EMPTY => None,
            t => Some(build[t as usize].value),
        }
    }

    /// The slot holding `e`'s id, else the empty slot its probe ends at (the index is at most
    /// half full, so there is one).
    fn slot_of(&self, build: &[Entry], e: &Entry) -> usize {
        let mut s = e.hash as usize & self.mask;
        loop {
            let t = self.slots[s];
            if t == Index::EMPTY
                || (build[t as usize].hash == e.hash && build[t as usize].id == e.id)
            {
                return s;
            }
            s = (s + 1) & self.mask;
        }
    }
}

/// One side of the join cut into partitions, chunk of rows by chunk of rows: chunk `c`'s
/// entries of partition `g` are `entries[c][starts[c][g]..starts[c][g + 1]]`, in row order.
struct Scattered {
    starts: Vec<Vec<u32>>,
    entries: Vec<Vec<Entry>>,
}

impl Scattered {
    /// The entries of rows `0..n` (`None`: the row takes no part) by the top `bits` bits of
    /// their ids' hashes. Each chunk hashes its ids once and places its entries with a
    /// counting sort of its own, so the rows are read once, on all cores, and nothing is
    /// shared between chunks.
    fn new(
        n: usize,
        bits: u32,
        hasher: IdHashBuilder,
        row: impl Fn(usize) -> Option<(ShortId, u32)> + Sync + Send,
    ) -> Scattered {
        use std::hash::BuildHasher;
        let count = 1usize << bits;
        let chunks = map_range(n.div_ceil(PARTITION), |c| {
            let rows = c * PARTITION..((c + 1) * PARTITION).min(n);
            let mut read: Vec<(u16, Entry)> = Vec::with_capacity(rows.len());
            let mut starts = vec![0u32; count + 1];
            for i in rows {
                if let Some((id, value)) = row(i) {
                    let h = hasher.hash_one(id);
                    let g = if bits == 0 {
                        0
                    } else {
                        (h >> (64 - bits)) as u16
                    };
                    starts[usize::from(g) + 1] += 1;
                    let hash = h as u32;
                    read.push((g, Entry { id, value, hash }));
                }
            }
            for g in 1..starts.len() {
                starts[g] += starts[g - 1];
            }
            let mut next = starts.clone();
            let mut entries = vec![Entry::default(); read.len()];
            for (g, e) in read {
                let at = &mut next[usize::from(g)];
                entries[*at as usize] = e;
                *at += 1;
            }
            (starts, entries)
        });
        let (starts, entries) = chunks.into_iter().unzip();
        Scattered { starts, entries }
    }

    /// Partition `g`'s entries, chunk by chunk.
    fn partition(&self, g: usize) -> impl Iterator<Item = &[Entry]> + '_ {
        self.starts
            .iter()
            .zip(&self.entries)
            .map(move |(s, e)| &e[s[g] as usize..s[g + 1] as usize])
    }
}

/// `(response, code)` for every response whose ticket is in the table.
///
/// A radix-partitioned hash join: the ids are split by hash into partitions small enough for an
/// index in cache, each thread taking a band of partitions (a single map over millions of
/// tickets costs a cache miss per insert and per lookup). Ids longer than [`INLINE`] bytes take
/// a plain map instead. A later ticket with the same id replaces an earlier one.
fn join(tickets: &TicketTable, dims: &Dims<'_>, surveys: &SurveyTable) -> Vec<(u32, u32)> {
    let ids = tickets.ids();
    if ids.iter().any(|id| id.len() > INLINE) {
        let map: HashMap<&str, u32, IdHashBuilder> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id, dims.code(i) as u32))
            .collect();
        return (0..surveys.len())
            .filter_map(|j| Some((j as u32, *map.get(surveys.ticket_id(j)?)?)))
            .collect();
    }
    let hasher = IdHashBuilder::default();
    // 64k to 128k tickets a partition: its index stays in cache. Each band visits every chunk
    // for each of its partitions (chunks × partitions, ~(n / 64k)² slices on each side: 20k at
    // 10M tickets, 1.5M at 100M), and each chunk keeps one start per partition (at most 64 KiB
    // against its ~1.8 MB of entries).
    let bits = (tickets.len() / 65_536).max(1).ilog2().min(14);
    let count = 1usize << bits;
    let build = Scattered::new(tickets.len(), bits, hasher, |i| {
        Some((ShortId::new(ids.get(i))?, dims.code(i) as u32))
    });
    // A response whose ticket id is longer than any ticket's matches none.
    let probe = Scattered::new(surveys.len(), bits, hasher, |j| {
        Some((ShortId::new(surveys.ticket_id(j)?)?, j as u32))
    });
    let bands = threads().min(count);
    let band = |b: usize| -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        let mut index = Index::new();
        for g in count * b / bands..count * (b + 1) / bands {
            // In input order: a later ticket with the same id replaces an earlier one.
            entries.clear();
            for part in build.partition(g) {
                entries.extend_from_slice(part);
            }
            index.fill(&entries);
            for part in probe.partition(g) {
                out.extend(
                    part.iter()
                        .filter_map(|p| Some((p.value, index.get(&entries, p)?))),
                );
            }
        }
        out
    };
    map_range(bands, band).into_iter().flatten().collect()
}

/// Every partition's state merged, by period.
struct Merged {
    slots: BTreeMap<PeriodKey, Slot>,
    arrivals: Arrivals,
    open: Vec<i64>,
    drill: Drill,
}

impl Merged {
    fn add(&mut self, part: Part) -> Result<(), Error> {
        self.arrivals.merge(part.arrivals);
        self.open.extend(part.open);
        self.drill.merge(part.drill)?;
        for s in part.slots {
            match self.slots.get_mut(&s.key) {
                None => {
                    self.slots.insert(s.key, s);
                }
                Some(ours) => {
                    let mut s = s;
                    ours.counts[0].add(&s.counts[0]);
                    ours.delta[0] += s.delta[0];
                    ours.moves[0] += s.moves[0];
                    let ungrouped = matches!(s.codes, SlotCodes::Dense) && s.counts.len() == 1;
                    if ungrouped {
                        merge_cells(&mut ours.cells[0], s.cells[0].take())?;
                    }
                    for (code, e) in s.entries() {
                        let o = ours.entry(code);
                        merge_cells(&mut ours.cells[o], s.cells[e].take())?;
                        ours.counts[1 + o].add(&s.counts[1 + e]);
                        ours.delta[1 + o] += s.delta[1 + e];
                        ours.moves[1 + o] += s.moves[1 + e];
                    }
                    ours.cost_tickets += s.cost_tickets;
                    ours.drill.merge(s.drill)?;
                }
            }
        }
        Ok(())
    }
}

/// Adds a partition's cell to the merged one.
fn merge_cells(ours: &mut Option<Cell>, theirs: Option<Cell>) -> Result<(), Error> {
    match (ours.as_mut(), theirs) {
        (_, None) => Ok(()),
        (None, Some(b)) => {
            *ours = Some(b);
            Ok(())
        }
        (Some(a), Some(b)) => a.merge(b),
    }
}

/// A columnar input, borrowed.
pub(super) struct Inputs<'a> {
    pub(super) tickets: &'a TicketTable,
    pub(super) surveys: &'a SurveyTable,
    pub(super) customers: &'a [Customer],
    pub(super) costs: &'a [CostEntry],
}

impl<'a> From<&'a ColumnarInput> for Inputs<'a> {
    fn from(c: &'a ColumnarInput) -> Self {
        Inputs {
            tickets: &c.tickets,
            surveys: &c.surveys,
            customers: &c.customers,
            costs: &c.costs,
        }
    }
}

/// Widens the report's span (see [`field@ReportOptions::max_periods`]) by the earliest and the
/// latest instant of each column that buckets a row, before anything is allocated per period:
/// the record named by an error is the one holding that instant.
fn widen_by_columns(
    span: &mut Span,
    options: &ReportOptions,
    input: &Inputs<'_>,
) -> Result<(), Error> {
    fn extremes(column: &[i64]) -> [Option<usize>; 2] {
        let mut lo: Option<usize> = None;
        let mut hi: Option<usize> = None;
        for (i, &ns) in column.iter().enumerate() {
            if ns == NO_INSTANT {
                continue;
            }
            if lo.is_none_or(|j| ns < column[j]) {
                lo = Some(i);
            }
            if hi.is_none_or(|j| ns > column[j]) {
                hi = Some(i);
            }
        }
        [lo, hi]
    }
    let raw = input.tickets.raw();
    for (column, field) in [
        (raw.created, "created_at"),
        (raw.resolved, "resolved_at"),
        (raw.first_resolved, "first_resolved_at"),
    ] {
        for i in extremes(column).into_iter().flatten() {
            let id = input.tickets.ids().get(i);
            span.widen_by(from_ns(column[i]), options, "ticket", Some(id), field)?;
        }
    }
    let column = input.surveys.responded_at_ns();
    for i in extremes(column).into_iter().flatten() {
        let id = input.surveys.ids().get(i);
        span.widen_by(
            from_ns(column[i]),
            options,
            "survey_response",
            Some(id),
            "responded_at",
        )?;
    }
    Ok(())
}

/// The columnar engine's check before its pass ([`table::check_rows_before`](super::table)):
/// the values are the codes its tickets carry.
fn check_rows_before(
    input: &Inputs<'_>,
    options: &ReportOptions,
    dims: &Dims<'_>,
) -> Result<(), Error> {
    let tickets = input.tickets;
    let created = || {
        let created = tickets.raw().created.iter().filter(|&&ns| ns != NO_INSTANT);
        let (lo, hi) = (created.clone().min(), created.max());
        lo.zip(hi).map(|(&lo, &hi)| (from_ns(lo), from_ns(hi)))
    };
    super::table::check_rows_before(options, created, tickets.len().min(dims.len()), || {
        let mut seen = vec![false; dims.len()];
        (0..tickets.len())
            .filter(|&i| !std::mem::replace(&mut seen[dims.code(i)], true))
            .count()
    })
}

pub(super) fn compute(input: &Inputs<'_>, options: &ReportOptions) -> Result<Report, Error> {
    partial(input, options, Share::Count)?.finish()
}

/// The state of a columnar input under any options: [`filtered`]'s input with the filter
/// applied (the state keeps the options as given), else the input itself.
pub(super) fn partial_of(
    input: &ColumnarInput,
    options: &ReportOptions,
    share: Share,
    scope: super::filter::Scope,
) -> Result<ReportState, Error> {
    let fields = super::filter::named_in(options, input.tickets.dimension_names());
    let Some(kept) = filtered(input, options, scope)? else {
        let mut state = partial(&input.into(), options, share)?;
        state.fields = fields;
        return Ok(state);
    };
    let inner = ReportOptions {
        filter: Vec::new(),
        ..options.clone()
    };
    let mut state = partial(&(&kept).into(), &inner, share)?;
    state.options = options.clone();
    state.fields = fields;
    Ok(state)
}

/// The columnar input as the options' filter and combination of dimensions leave it, as the
/// record path's `filter::prepare` leaves records (`None`: neither is set): the tickets every
/// condition passes (a field's value as grouping by it reads it, [`NO_VALUE`] without one;
/// `created_at` against local midnight in the report's zone), the responses to kept tickets
/// (all of them without a filter), and with several `by` names each ticket's labels joined by
/// [`COMBINATION_SEPARATOR`] as the free-form dimension named `by`. Customers and costs are
/// kept.
///
/// # Errors
/// As `filter::prepare`: an unknown field in a list of `by` names or in the filter, for a
/// whole input (`scope`).
fn filtered(
    input: &ColumnarInput,
    options: &ReportOptions,
    scope: super::filter::Scope,
) -> Result<Option<ColumnarInput>, Error> {
    use super::filter::{COMBINATION_SEPARATOR, Test, by_names, check_columnar};
    let by = options.by.as_deref().map(by_names).unwrap_or_default();
    check_columnar(input, options, scope)?;
    let several = by.len() > 1;
    if options.filter.is_empty() && !several {
        return Ok(None);
    }
    let inputs = Inputs::from(input);
    // A field's labels as grouping by it reads them (the agents from their columns).
    let labels = |field: &str| Dims::new(&inputs, Some(field));
    let t = &input.tickets;
    let mut keep = vec![true; t.len()];
    for c in &options.filter {
        // Which creations are on or after local midnight of `d`; a midnight outside the
        // columns' range is after every ticket (past it) or before every one.
        let on_or_after = |d: chrono::NaiveDate| {
            let at = crate::time::local_midnight(options.zone, d).timestamp_nanos_opt();
            move |created: i64| at.map_or(d.year() < 1970, |at| created >= at)
        };
        match &c.test {
            Test::In(values) => {
                let dims = labels(&c.field);
                let pass: Vec<bool> = dims
                    .labels
                    .iter()
                    .map(|l| values.iter().any(|v| v == l))
                    .collect();
                for (i, k) in keep.iter_mut().enumerate() {
                    *k &= pass[dims.code(i)];
                }
            }
            Test::Since(d) => {
                let since = on_or_after(*d);
                for (k, &c) in keep.iter_mut().zip(t.created_at_ns()) {
                    *k &= since(c);
                }
            }
            Test::Before(d) => {
                let since = on_or_after(*d);
                for (k, &c) in keep.iter_mut().zip(t.created_at_ns()) {
                    *k &= !since(c);
                }
            }
        }
    }
    let rows: Vec<usize> = (0..t.len()).filter(|&i| keep[i]).collect();
    let mut tickets = t.select(&rows);
    if several {
        // A combination's label by the labels' codes; equal labels (a value holding the
        // separator) share a code in the dictionary, as the record path's equal texts do.
        let dims: Vec<Dims<'_>> = by.iter().map(|n| labels(n)).collect();
        let label = |i: usize| {
            let parts: Vec<&str> = dims.iter().map(|d| d.labels[d.code(i)].as_str()).collect();
            parts.join(COMBINATION_SEPARATOR)
        };
        // A row's labels as one number, each dimension a digit in the base of its label count;
        // a product of bases past 128 bits (many dimensions of many values) interns the texts.
        let fits = dims
            .iter()
            .try_fold(1u128, |p, d| p.checked_mul(d.len() as u128))
            .is_some();
        let column = if fits {
            let key = |i: usize| {
                dims.iter()
                    .fold(0u128, |k, d| k * d.len() as u128 + d.code(i) as u128)
            };
            let mut index: HashMap<u128, u32, IdHashBuilder> = HashMap::default();
            let mut labels: Vec<String> = Vec::new();
            let mut codes = Vec::with_capacity(rows.len());
            for &i in &rows {
                let next = labels.len() as u32;
                codes.push(*index.entry(key(i)).or_insert_with(|| {
                    labels.push(label(i));
                    next
                }));
            }
            Dictionary::of_codes(codes.into_iter(), &labels)
        } else {
            let mut column = Dictionary::default();
            for &i in &rows {
                column.push(Some(&label(i)));
            }
            column
        };
        let name = options.by.as_deref().unwrap_or_default();
        tickets.set_dimension(name, column);
    }
    let surveys = if options.filter.is_empty() {
        input.surveys.clone()
    } else {
        // The standard hasher: with the id hasher this set took ~0.09 s more at 1M tickets
        // (measured, not understood; the join's partitioned index is another matter).
        let kept: std::collections::HashSet<&str> = rows.iter().map(|&i| t.ids().get(i)).collect();
        let s = &input.surveys;
        let rows: Vec<usize> = (0..s.len())
            .filter(|&j| s.ticket_id(j).is_some_and(|id| kept.contains(id)))
            .collect();
        s.select(&rows)
    };
    Ok(Some(ColumnarInput {
        tickets,
        surveys,
        customers: input.customers.clone(),
        costs: input.costs.clone(),
    }))
}

/// The columnar engine's state of an input: its partitions merged, with dimension labels in
/// place of the input's codes.
pub(super) fn partial(
    input: &Inputs<'_>,
    options: &ReportOptions,
    share: Share,
) -> Result<ReportState, Error> {
    // Customers and costs are few: the state takes them as records (and checks the options).
    let mut state = ReportState::new(options.clone())?;
    state.add_shared(input.customers, input.costs, share)?;
    widen_by_columns(&mut state.span, options, input)?;
    let kpis = &state.kpis;
    let grouped = options.by.is_some();
    let dims = Dims::new(input, options.by.as_deref());
    check_rows_before(input, options, &dims)?;
    let survey_codes = SurveyCodes::new(input, &dims, grouped);

    enum Job {
        Tickets(Range<usize>),
        Surveys(Range<usize>),
    }
    let ranges = |n: usize| {
        (0..n)
            .step_by(PARTITION)
            .map(move |a| a..(a + PARTITION).min(n))
    };
    let jobs: Vec<Job> = ranges(input.tickets.len())
        .map(Job::Tickets)
        .chain(ranges(input.surveys.len()).map(Job::Surveys))
        .collect();
    let run = |job: &Job| match job {
        Job::Tickets(r) => push_tickets(input.tickets, r.clone(), &dims, kpis, options),
        Job::Surveys(r) => push_surveys(
            input.surveys,
            r.clone(),
            dims.len(),
            &survey_codes,
            kpis,
            options,
        ),
    };
    let parts = try_map(&jobs, run)?;
    let mut merged = Merged {
        slots: BTreeMap::new(),
        arrivals: Arrivals::default(),
        open: Vec::new(),
        drill: Drill::of(options),
    };
    for p in parts {
        merged.add(p)?;
    }

    // Codes become labels; the total of each period is left to the finish (the sum of its
    // labels), so a state holds each duration once.
    let keep_drill = options.sections.contains(Section::DrillDown);
    for (key, mut slot) in merged.slots {
        let entries = slot.entries();
        if keep_drill {
            state.drill.add_period(key, slot.drill)?;
        }
        if slot.cost_tickets > 0 {
            state.cost.add_tickets(key, slot.cost_tickets)?;
        }
        let mut groups: BTreeMap<Option<String>, Group> = BTreeMap::new();
        if grouped {
            for (c, e) in entries {
                let g = Group {
                    cell: slot.cells[e].take(),
                    counts: slot.counts[1 + e],
                    delta: slot.delta[1 + e],
                    moves: slot.moves[1 + e],
                };
                if !g.is_empty() {
                    groups.insert(Some(dims.labels[c].clone()), g);
                }
            }
        } else {
            let g = Group {
                cell: slot.cells[0].take(),
                counts: slot.counts[0],
                delta: slot.delta[0],
                moves: slot.moves[0],
            };
            if !g.is_empty() {
                groups.insert(None, g);
            }
        }
        if !groups.is_empty() {
            state.periods.insert(key, groups);
        }
    }
    state.arrivals = merged.arrivals;
    state.open = merged.open.into_iter().map(from_ns).collect();
    state.drill.merge(merged.drill)?;
    state.open.sort_unstable();
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The overlapping loads give every length the id's own bytes, zero-padded.
    #[test]
    fn short_ids_hold_their_bytes() {
        let ids = ["0123456789abcdéf€", "0123456789abcdefg"];
        for (text, end) in ids.iter().flat_map(|t| (0..=t.len()).map(move |e| (t, e))) {
            let Some(id) = text.get(..end) else { continue };
            let short = ShortId::new(id);
            if id.len() > INLINE {
                assert!(short.is_none(), "{id}");
                continue;
            }
            let mut bytes = [0; INLINE];
            bytes[..id.len()].copy_from_slice(id.as_bytes());
            let expected = ShortId {
                len: id.len() as u8,
                bytes,
            };
            assert!(short == Some(expected), "{id:?}");
        }
        // The length tells apart ids that pad alike.
        assert!(ShortId::new("ab") != ShortId::new("ab\0"));
    }
}
