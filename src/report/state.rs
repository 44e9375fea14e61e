//! [`ReportState`]: the compact, mergeable, versioned state of a report.

use super::table::{Assembly, FlowResults, assemble_parts};
use super::{Cell, Kpis, NO_VALUE, PeriodCells, Report, ReportInput, ReportOptions, TicketRef};
use crate::error::{Error, ErrorKind};
use crate::kpi::{
    Accumulator, CostPerTicketAccumulator, CustomerRetentionAccumulator, Exit, Kpi, TicketFacts,
    VolumeCounts,
};
use crate::model::{SurveyKind, SurveyResponse};
use crate::time::{CachedBucketer, PeriodKey};
use crate::wire::{Reader, Writer, fmix64, fnv1a64, invalid};
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};

/// The first bytes of every encoded state.
const MAGIC: &[u8; 4] = b"SKRS";
/// The version of the encoding [`ReportState::to_bytes`] writes and the only one it reads.
pub const STATE_VERSION: u16 = 4;

/// What a period × dimension value holds: the per-cell KPIs and the flow counters.
#[derive(Debug, Clone)]
pub(super) struct Group {
    /// Durations, first-contact resolution, SLA and surveys; `None` until a record lands.
    pub(super) cell: Option<Cell>,
    /// Created, resolved, reopened and cancelled in the period.
    pub(super) counts: VolumeCounts,
    /// Backlog entries minus exits in the period.
    pub(super) delta: i64,
    /// Backlog entries plus exits in the period (whether the backlog moved).
    pub(super) moves: u64,
}

impl Group {
    pub(super) fn empty() -> Group {
        Group {
            cell: None,
            counts: VolumeCounts::default(),
            delta: 0,
            moves: 0,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.cell.is_none() && self.counts.is_zero() && self.moves == 0
    }

    fn merge(&mut self, other: Group) -> Result<(), Error> {
        match (&mut self.cell, other.cell) {
            (_, None) => {}
            (None, Some(c)) => self.cell = Some(c),
            (Some(a), Some(b)) => a.merge(b)?,
        }
        // Checked: a state read from bytes may hold any counts, and adding two must not
        // overflow (a panic in debug builds, a wrong count in release).
        let overflow = || invalid("a count overflows");
        let (a, b) = (&mut self.counts, &other.counts);
        for (mine, theirs) in [
            (&mut a.created, b.created),
            (&mut a.resolved, b.resolved),
            (&mut a.reopened, b.reopened),
            (&mut a.cancelled, b.cancelled),
        ] {
            *mine = mine.checked_add(theirs).ok_or_else(overflow)?;
        }
        self.delta = self
            .delta
            .checked_add(other.delta)
            .ok_or_else(|| invalid("a backlog count overflows"))?;
        self.moves = self
            .moves
            .checked_add(other.moves)
            .ok_or_else(|| invalid("a backlog count overflows"))?;
        Ok(())
    }

    /// A backlog entry (`+1`) or exit (`-1`).
    fn backlog(&mut self, step: i64) {
        self.delta += step;
        self.moves += 1;
    }
}

/// Whether the customers and costs of an input count in a state.
///
/// A report over partitions counts each customer and each cost entry once, yet every
/// partition needs the customers to find a ticket's segment (`by = "segment"`): give every
/// partition the customers and costs as [`Share::LookupOnly`] and count them in exactly one
/// state ([`Share::Count`], for instance a state made from the customers and costs alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Share {
    /// Customers feed retention and segments, costs feed cost per ticket.
    #[default]
    Count,
    /// Customers only give tickets their segment; costs are ignored.
    LookupOnly,
}

/// The state of a report over some of its records: mergeable, compact and versioned.
///
/// It holds, per period and dimension value (a label, not a code local to one input), the
/// counters of volume and backlog flow (created, resolved, reopened, cancelled; backlog
/// entries and exits — not the tickets' stays), the per-cell KPI states (duration summaries:
/// every duration in exact mode, a sketch with its stated relative error otherwise;
/// first-contact, SLA and survey counts), and the cost and retention states. Its size grows
/// with periods × dimension values (plus the durations in exact mode), not with tickets.
///
/// The backlog at the end of a period is the running sum of entries minus exits up to it,
/// so the counters of partitions add up to the backlog of all their tickets, exactly: every
/// `backlog_end` of [`ReportState::finish`] over merged states equals the one-process report.
///
/// - [`ReportState::from_columnar`] / [`ReportState::from_input`] make a partition's state
///   (the columnar engine's speed for summary tickets);
/// - [`ReportState::merge`] / [`combine`] add states (associative, commutative, with
///   [`ReportState::new`] as identity); states of other options are refused;
/// - [`ReportState::finish`] (or [`merge`]) gives the [`Report`];
/// - [`ReportState::to_bytes`] / [`ReportState::from_bytes`] move it between processes.
///
/// Partitions must keep a ticket's survey responses with the ticket (a response takes the
/// dimension value of the ticket it rates) and a ticket in one partition only:
/// [`bucket_of`] is the rule that guarantees both.
///
/// # Example
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use supportkpi::report::{self, Report, ReportInput, ReportOptions, ReportState};
/// use supportkpi::Ticket;
///
/// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
/// let tickets: Vec<Ticket> = (0..10)
///     .map(|i| Ticket::builder(format!("T-{i}"), t0 + Duration::hours(i)).channel("chat").build())
///     .collect::<Result<_, _>>()?;
/// let options = ReportOptions::default().with_by("channel");
/// // Each ticket goes to the bucket of its id, each bucket gives a state...
/// let mut buckets = vec![Vec::new(); 3];
/// for t in &tickets {
///     buckets[report::bucket_of(t.id().as_str(), 3) as usize].push(t.clone());
/// }
/// let states = buckets
///     .into_iter()
///     .map(|tickets| ReportState::from_input(&ReportInput { tickets, ..Default::default() }, &options))
///     .collect::<Result<Vec<_>, _>>()?;
/// // ...which travel as bytes and combine into the report over all tickets.
/// let bytes: Vec<Vec<u8>> = states.iter().map(ReportState::to_bytes).collect();
/// let back = bytes.iter().map(|b| ReportState::from_bytes(b)).collect::<Result<Vec<_>, _>>()?;
/// let all = ReportInput { tickets, ..Default::default() };
/// assert_eq!(report::merge(back)?, Report::compute(&all, &options)?);
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ReportState {
    pub(super) options: ReportOptions,
    pub(super) kpis: Kpis,
    /// Period → dimension label (`None` without grouping) → group.
    pub(super) periods: BTreeMap<PeriodKey, BTreeMap<Option<String>, Group>>,
    pub(super) cost: CostPerTicketAccumulator,
    pub(super) retention_total: CustomerRetentionAccumulator,
    pub(super) retention_by: BTreeMap<String, CustomerRetentionAccumulator>,
    /// The customers retention counted, for the revenue and cohort sections.
    pub(super) customers: super::sections::CustomerBook,
    /// The instants read into this state, to refuse an input that would stretch the report
    /// past [`field@ReportOptions::max_periods`] before anything is kept per period. Not encoded:
    /// the periods themselves are kept sparse, so a combined state stays bounded by its
    /// records.
    pub(super) span: super::Span,
    /// Whether an event history was read: reopens (and so the reopen rate) are known only
    /// then, as for [`ReportAccumulator`](super::ReportAccumulator).
    pub(super) histories: bool,
    /// When tickets were created (per local day, weekday × hour): the sections' heatmap and
    /// spike days.
    pub(super) arrivals: crate::kpi::Arrivals,
    /// The creation instants of the tickets open at the backlog snapshot (see
    /// [`snapshot_bound`]), sorted: its ages. This list grows with the open backlog, not with
    /// all tickets.
    pub(super) open: Vec<crate::model::Instant>,
    /// The drill-down lists: at most K tickets per list and period (fed only when the
    /// section is selected).
    pub(super) drill: super::drill::Drill,
    /// The free-form fields the options name (in `by` and the filter) that the records read
    /// into this state carry. A partition does not refuse a name its own tickets lack (another
    /// partition's may carry it); the merged states refuse a name none carried
    /// ([`check_fields`](ReportState::check_fields), [`merge`]). Bounded by the options.
    pub(super) fields: BTreeSet<String>,
}

/// The backlog snapshot's bound when the options fix it before any record is read: 1 ns after
/// `as_of` (its own events included), or the end of the range's last period. `None`: the
/// snapshot is at the end of the last period, after every event, so only tickets never closed
/// are open at it.
pub(super) fn snapshot_bound(o: &ReportOptions) -> Option<crate::model::Instant> {
    if let Some(at) = o.as_of {
        return Some(at + chrono::TimeDelta::nanoseconds(1));
    }
    o.range.map(|(_, last)| {
        let key = o.bucketer().key_of_date(last);
        crate::time::local_midnight(o.zone, key.end())
    })
}

impl ReportState {
    /// The empty state of these options: the identity of [`merge`](ReportState::merge).
    ///
    /// # Errors
    /// The options' errors, as [`ReportAccumulator::new`](super::ReportAccumulator::new).
    pub fn new(options: ReportOptions) -> Result<ReportState, Error> {
        let kpis = Kpis::new(&options)?;
        let drill = super::drill::Drill::of(&options);
        Ok(ReportState {
            cost: kpis.cost.accumulator(),
            retention_total: kpis.retention.accumulator(),
            kpis,
            options,
            periods: BTreeMap::new(),
            retention_by: BTreeMap::new(),
            customers: super::sections::CustomerBook::default(),
            span: super::Span::default(),
            histories: false,
            arrivals: crate::kpi::Arrivals::default(),
            open: Vec::new(),
            drill,
            fields: BTreeSet::new(),
        })
    }

    /// The options.
    pub fn options(&self) -> &ReportOptions {
        &self.options
    }

    /// The state of a columnar input: the columnar engine's work without its finish, at its
    /// speed. Customers and costs count ([`Share::Count`]).
    ///
    /// # Errors
    /// As [`Report::compute_columnar`].
    pub fn from_columnar(
        input: &crate::columnar::ColumnarInput,
        options: &ReportOptions,
    ) -> Result<ReportState, Error> {
        Self::from_columnar_shared(input, options, Share::Count)
    }

    /// [`from_columnar`](ReportState::from_columnar) with the customers and costs counted or
    /// used as lookups only (see [`Share`]).
    ///
    /// # Errors
    /// As [`Report::compute_columnar`].
    pub fn from_columnar_shared(
        input: &crate::columnar::ColumnarInput,
        options: &ReportOptions,
        share: Share,
    ) -> Result<ReportState, Error> {
        if options.calendars.is_some() {
            return Err(Error::new(
                crate::error::ErrorKind::InvalidOption,
                "calendars per team need the record path (ReportState::from_input over records)",
            )
            .with_field("calendars"));
        }
        super::columnar::partial_of(input, options, share, super::filter::Scope::Part)
    }

    /// The state of an input: by the columnar engine when it has no event histories and every
    /// instant fits the columns (as [`Report::compute`]), else by the record accumulators.
    ///
    /// # Errors
    /// As [`Report::compute`].
    pub fn from_input(input: &ReportInput, options: &ReportOptions) -> Result<ReportState, Error> {
        Self::from_input_shared(input, options, Share::Count)
    }

    /// [`from_input`](ReportState::from_input) with the customers and costs counted or used
    /// as lookups only (see [`Share`]).
    ///
    /// # Errors
    /// As [`Report::compute`].
    pub fn from_input_shared(
        input: &ReportInput,
        options: &ReportOptions,
        share: Share,
    ) -> Result<ReportState, Error> {
        // Filters and combinations of dimensions apply to the records first, as in
        // `Report::compute`; the state keeps the options as given. This input may be one
        // partition of many: the names the options give are noted, not checked.
        let (prepared, fields) = super::filter::prepare_part(input, options)?;
        let mut state = match prepared {
            Some(prepared) => {
                let inner = ReportOptions {
                    filter: Vec::new(),
                    ..options.clone()
                };
                let mut state = Self::from_prepared(&prepared, &inner, share)?;
                state.options = options.clone();
                state
            }
            None => Self::from_prepared(input, options, share)?,
        };
        state.fields = fields;
        Ok(state)
    }

    fn from_prepared(
        input: &ReportInput,
        options: &ReportOptions,
        share: Share,
    ) -> Result<ReportState, Error> {
        // The engine by what the input is, as `Report::compute`.
        if super::compute::Engine::of(input, options) == super::compute::Engine::Columnar {
            let (tickets, surveys) = super::compute::columns(input, options)?;
            return super::columnar::partial(
                &super::columnar::Inputs {
                    tickets: &tickets,
                    surveys: &surveys,
                    customers: &input.customers,
                    costs: &input.costs,
                },
                options,
                share,
            );
        }
        Self::from_records(input, options, share)
    }

    /// The record path: summary rows, event histories and responses pushed one by one with
    /// the KPIs' own rules, as [`Report::compute_records`] routes them.
    fn from_records(
        input: &ReportInput,
        options: &ReportOptions,
        share: Share,
    ) -> Result<ReportState, Error> {
        super::check_summary_history_twins(input)?;
        let mut state = ReportState::new(options.clone())?;
        state.add_shared(&input.customers, &input.costs, share)?;
        let routing = super::Routing::new(input, options.by.as_deref());
        super::compute::check_rows_before(input, options, &routing)?;
        let mut bucketer = CachedBucketer::new(options.bucketer());
        let mut dates = crate::time::LocalDates::new(options.zone);
        let bound = snapshot_bound(options);
        for t in &input.tickets {
            let t = TicketRef::Summary(t);
            state.push_ticket(
                &mut bucketer,
                &mut dates,
                bound,
                t,
                routing.ticket(t.ticket()),
            )?;
        }
        for h in &input.histories {
            state.histories = true;
            let dim = routing.ticket(h.ticket());
            let t = TicketRef::History(h);
            state.push_ticket(&mut bucketer, &mut dates, bound, t, dim)?;
        }
        for r in &input.surveys {
            state.push_survey(&mut bucketer, r, routing.survey(r))?;
        }
        state.open.sort_unstable();
        Ok(state)
    }

    /// Customers and costs into the retention and cost states, unless lookups only.
    pub(super) fn add_shared(
        &mut self,
        customers: &[crate::Customer],
        costs: &[crate::CostEntry],
        share: Share,
    ) -> Result<(), Error> {
        if share == Share::LookupOnly {
            return Ok(());
        }
        for c in customers {
            self.span.widen_by_customer(c, &self.options)?;
            super::push_retention(
                (
                    &mut self.retention_total,
                    &mut self.retention_by,
                    &mut self.customers,
                ),
                &self.kpis,
                &self.options,
                c,
            )?;
        }
        for e in costs {
            self.span.widen_by_cost(e, &self.options)?;
            self.cost.push_cost(e)?;
        }
        Ok(())
    }

    fn label(&self, value: Option<&str>) -> Option<String> {
        self.options
            .by
            .as_ref()
            .map(|_| value.unwrap_or(NO_VALUE).to_owned())
    }

    fn group(&mut self, key: PeriodKey, label: &Option<String>) -> &mut Group {
        let groups = self.periods.entry(key).or_default();
        if !groups.contains_key(label) {
            groups.insert(label.clone(), Group::empty());
        }
        groups.entry(label.clone()).or_insert_with(Group::empty)
    }

    fn cell(&mut self, key: PeriodKey, label: &Option<String>) -> &mut Cell {
        let template = &self.kpis;
        let groups = self.periods.entry(key).or_default();
        let group = groups.entry(label.clone()).or_insert_with(Group::empty);
        group.cell.get_or_insert_with(|| template.cell())
    }

    /// One ticket with the rules of `ReportAccumulator::push_ticket_ref` for the cells and of
    /// the volume and backlog KPIs for the flows.
    /// `dates` and `bound` for the sections: the ticket's arrival, and its stays open at the
    /// backlog snapshot (see [`snapshot_bound`]).
    fn push_ticket(
        &mut self,
        bucketer: &mut CachedBucketer,
        dates: &mut crate::time::LocalDates,
        bound: Option<crate::model::Instant>,
        t: TicketRef<'_>,
        value: Option<&str>,
    ) -> Result<(), Error> {
        self.span.widen_by_ticket(t, &self.options)?;
        let label = self.label(value);
        let ticket = t.ticket();
        let created = ticket.created_at();
        let fcr_at = self.kpis.fcr.bucket_instant(ticket);
        let created_key = bucketer.key(created);
        let counted = self
            .cell(created_key, &label)
            .push_created(t, fcr_at == Some(created))?;
        if let Some(at) = fcr_at.filter(|&at| at != created) {
            t.feed(&mut self.cell(bucketer.key(at), &label).fcr)?;
        }
        let mut resolved = None;
        if let Some(at) = self.kpis.art.bucket_instant(ticket) {
            let key = bucketer.key(at);
            let measured = self.cell(key, &label).push_resolved(t)?;
            resolved = measured.map(|m| (key, at, m));
        }
        let drill = self.options.sections.contains(super::Section::DrillDown);
        if drill {
            let business = self.options.calendar.is_some();
            self.drill
                .push_record(ticket, (created_key, counted), resolved, business);
        }
        let facts = match t {
            TicketRef::Summary(s) => TicketFacts::summary(s),
            TicketRef::History(h) => TicketFacts::history(h),
        };
        // `VolumeAccumulator::add` and `TicketFacts::for_each_stay`, counted per period.
        self.group(bucketer.key(created), &label).counts.created += 1;
        for at in facts.resolution_events_iter() {
            self.group(bucketer.key(at), &label).counts.resolved += 1;
        }
        for &at in facts.reopened_at() {
            self.group(bucketer.key(at), &label).counts.reopened += 1;
        }
        let mut stays = Vec::new();
        facts.for_each_stay(|s| stays.push(s));
        let sections = self.options.sections;
        if sections.contains(super::Section::Arrivals) {
            self.arrivals.push(dates, created);
        }
        let keep_open = sections.contains(super::Section::BacklogAges);
        for stay in stays {
            if crate::kpi::keeps_open(bound, stay.from, stay.to.map(|(at, _)| at)) {
                if keep_open {
                    self.open.push(stay.created);
                }
                if drill {
                    self.drill.open(&ticket, stay.from);
                }
            }
            self.group(bucketer.key(stay.from), &label).backlog(1);
            if let Some((at, exit)) = stay.to {
                let g = self.group(bucketer.key(at), &label);
                g.backlog(-1);
                if matches!(exit, Exit::Cancelled) {
                    g.counts.cancelled += 1;
                }
            }
        }
        let cost_at = self
            .options
            .cost_denominator
            .bucket_at(created, ticket.resolved_at());
        if let Some(at) = cost_at {
            self.cost
                .add_tickets(bucketer.key(at), 1)
                .map_err(|e| e.with_record_type("ticket").with_id(ticket.id().as_str()))?;
        }
        Ok(())
    }

    fn push_survey(
        &mut self,
        bucketer: &mut CachedBucketer,
        r: &SurveyResponse,
        value: Option<&str>,
    ) -> Result<(), Error> {
        self.span.widen_by_survey(r, &self.options)?;
        let label = self.label(value);
        let cell = self.cell(bucketer.key(r.responded_at()), &label);
        match r.kind() {
            SurveyKind::Csat => cell.csat.push_response(r),
            SurveyKind::Nps => cell.nps.push_response(r),
            SurveyKind::Ces => cell.ces.push_response(r),
        }
    }

    /// Adds another state: afterwards this one holds the records of both.
    ///
    /// # Errors
    /// [`ErrorKind::IncompatibleMerge`] for other options; the KPIs' own merge errors (a
    /// customer's overlapping tenures in both, mixed currencies, a count overflow). After an
    /// error the state must be discarded.
    pub fn merge(&mut self, other: ReportState) -> Result<(), Error> {
        if self.options != other.options {
            return Err(crate::kpi::incompatible("report state"));
        }
        self.span.merge(other.span, &self.options)?;
        self.histories |= other.histories;
        self.fields.extend(other.fields);
        self.arrivals.merge(other.arrivals);
        self.open.extend(other.open);
        self.open.sort_unstable();
        self.drill.merge(other.drill)?;
        for (key, groups) in other.periods {
            let ours = self.periods.entry(key).or_default();
            for (label, g) in groups {
                match ours.get_mut(&label) {
                    Some(o) => o.merge(g)?,
                    None => {
                        ours.insert(label, g);
                    }
                }
            }
        }
        self.cost.merge(other.cost)?;
        super::merge_retention(
            (
                &mut self.retention_total,
                &mut self.retention_by,
                &mut self.customers,
            ),
            (other.retention_total, other.retention_by, other.customers),
        )
    }

    /// Checks the fields the options name against the records merged into this state, as the
    /// doors check them before a report ([`filter::check_fields`](super::filter::check_fields)):
    /// each name in `by` (a single one too) and in the filter is a built-in field or a
    /// free-form dimension some record carried. A state of one partition does not check them,
    /// since a dimension its tickets lack may be on another partition's; [`merge`] checks a
    /// list of `by` names and the filter (a single unknown `by` name keeps its meaning, every
    /// ticket under `(none)`, as in [`Report::compute`]).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] (field `by` or `where`, value the name) for a name no
    /// record of the merged states carried.
    ///
    /// # Example
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::report::{self, ReportInput, ReportOptions, ReportState};
    /// use supportkpi::Ticket;
    /// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let part = |id: &str, plan: Option<&str>| -> Result<ReportState, supportkpi::Error> {
    ///     let mut t = Ticket::builder(id, t0);
    ///     if let Some(plan) = plan {
    ///         t = t.dimension("plan", plan);
    ///     }
    ///     let input = ReportInput { tickets: vec![t.build()?], ..Default::default() };
    ///     ReportState::from_input(&input, &ReportOptions::default().with_by("plan,channel"))
    /// };
    /// // The first partition's ticket has no plan: its state is still made...
    /// let (a, b) = (part("T-1", None)?, part("T-2", Some("pro"))?);
    /// assert!(a.check_fields().is_err());
    /// // ...and the merged states know the field.
    /// let both = report::combine([a, b])?;
    /// assert!(both.check_fields().is_ok());
    /// let err = report::merge([part("T-3", None)?]).unwrap_err();
    /// assert_eq!((err.field(), err.value()), (Some("by"), Some("plan")));
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn check_fields(&self) -> Result<(), Error> {
        super::filter::check_states(&self.fields, &self.options, true)
    }

    /// The report over every record merged into this state. It does not check the fields the
    /// options name: [`merge`] and [`check_fields`](ReportState::check_fields) do.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] when the report would have more rows than
    /// [`max_rows`](field@ReportOptions::max_rows) (checked before any row is made), or
    /// rows the host cannot allocate.
    pub fn finish(self) -> Result<Report, Error> {
        let ReportState {
            options,
            kpis,
            periods,
            cost,
            retention_total,
            retention_by,
            customers,
            span: _,
            histories,
            arrivals,
            open,
            drill,
            fields: _,
        } = self;
        let grouped = options.by.is_some();
        let new_flow = || FlowResults {
            volume: BTreeMap::new(),
            backlog: Vec::new(),
        };
        let mut cells: BTreeMap<PeriodKey, PeriodCells> = BTreeMap::new();
        let mut flow_total = new_flow();
        let mut flow_by: BTreeMap<String, FlowResults> = BTreeMap::new();
        let mut running_total: i64 = 0;
        let mut running: BTreeMap<String, i64> = BTreeMap::new();
        // Every stay is entered before it is left: a running count is never negative.
        let closing = |n: i64| u64::try_from(n).unwrap_or(0);
        let mut present_by_period = Vec::new();
        for (key, groups) in periods {
            let mut counts = VolumeCounts::default();
            let mut moves = 0u64;
            let mut present: Vec<(Option<String>, Cell)> = Vec::new();
            for (label, g) in groups {
                // Saturating: merged states have checked their sums per label; the totals
                // over labels could only overflow with counts no input can reach.
                counts.created = counts.created.saturating_add(g.counts.created);
                counts.resolved = counts.resolved.saturating_add(g.counts.resolved);
                counts.reopened = counts.reopened.saturating_add(g.counts.reopened);
                counts.cancelled = counts.cancelled.saturating_add(g.counts.cancelled);
                moves = moves.saturating_add(g.moves);
                running_total = running_total.saturating_add(g.delta);
                if let Some(l) = &label {
                    let run = running.entry(l.clone()).or_default();
                    *run = run.saturating_add(g.delta);
                    let run = *run;
                    let flow = if g.moves > 0 || !g.counts.is_zero() {
                        Some(flow_by.entry(l.clone()).or_insert_with(new_flow))
                    } else {
                        flow_by.get_mut(l)
                    };
                    if let Some(flow) = flow {
                        if !g.counts.is_zero() {
                            flow.volume.insert(key, g.counts);
                        }
                        if g.moves > 0 {
                            flow.backlog.push((key, closing(run)));
                        }
                    }
                }
                if let Some(c) = g.cell {
                    present.push((label, c));
                }
            }
            if !counts.is_zero() {
                flow_total.volume.insert(key, counts);
            }
            if moves > 0 {
                flow_total.backlog.push((key, closing(running_total)));
            }
            if !present.is_empty() {
                present_by_period.push((key, present));
            }
        }
        // Each period's total is the merge of its labels' cells (a copy of every duration of
        // the period): the periods are merged on all cores.
        let merged = crate::par::map_vec(present_by_period, |(key, mut present)| {
            let period = if grouped {
                let mut total = kpis.cell();
                let mut by = BTreeMap::new();
                for (label, c) in present {
                    // Exact merges: the total is the one a push into it would give. A merge of
                    // cells made from one template cannot fail; a failure would leave the total
                    // short, so it is not ignored silently in debug builds.
                    let merged = total.merge(c.clone());
                    debug_assert!(merged.is_ok());
                    by.insert(label.unwrap_or_default(), c);
                }
                PeriodCells { total, by }
            } else {
                let total = present.pop().map_or_else(|| kpis.cell(), |(_, c)| c);
                PeriodCells {
                    total,
                    by: BTreeMap::new(),
                }
            };
            (key, period)
        });
        cells.extend(merged);
        // The snapshot's instant as the Backlog KPI takes it (`snapshot_at`): `as_of`, else the
        // end of the backlog's last period (the range's, or the last with a move).
        let last_end = match options.range {
            Some(_) => snapshot_bound(&options),
            None => flow_total
                .backlog
                .last()
                .map(|(key, _)| crate::time::local_midnight(options.zone, key.end())),
        };
        let snapshot = crate::kpi::snapshot_at(options.as_of, last_end).map(|(at, _)| {
            let bounds = &kpis.backlog.options().age_bounds;
            let (backlog, ages) = crate::kpi::ages_at(bounds, at, open);
            super::BacklogAges { at, backlog, ages }
        });
        assemble_parts(Assembly {
            flows: super::sections::Flows {
                arrivals,
                snapshot,
                customers,
                drill,
            },
            options,
            kpis,
            cells,
            flow_total,
            flow_by,
            cost,
            retention_total,
            retention_by,
            histories,
        })
    }

    /// The state as bytes: `SKRS`, the version (u16 LE), the payload's length (u64 LE), the
    /// payload, and its FNV-1a 64 checksum (u64 LE, over everything before it). The payload
    /// holds the options (JSON, once), whether histories were read, the free-form fields the
    /// options name that the records carried, the dimension labels (once each), then per period and
    /// label the counters and cell states as varints, and the cost and retention states
    /// (JSON). Exact durations are sorted and delta-encoded (a few bytes each).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        // The options always serialize (plain data); the fallback keeps this infallible.
        if w.json(&self.options).is_err() {
            w.bytes(b"null");
        }
        w.u8(u8::from(self.histories));
        w.u64(self.fields.len() as u64);
        for f in &self.fields {
            w.str(f);
        }
        let mut labels: Vec<&String> = self
            .periods
            .values()
            .flat_map(|g| g.keys().flatten())
            .collect();
        labels.sort();
        labels.dedup();
        w.u64(labels.len() as u64);
        for l in &labels {
            w.str(l);
        }
        let index = |l: &Option<String>| -> u64 {
            match l {
                None => 0,
                Some(s) => labels.binary_search(&s).map_or(0, |i| i as u64 + 1),
            }
        };
        w.u64(self.periods.len() as u64);
        for (key, groups) in &self.periods {
            w.i64(i64::from(key.start.num_days_from_ce()));
            w.u64(groups.len() as u64);
            for (label, g) in groups {
                w.u64(index(label));
                let c = &g.counts;
                for v in [c.created, c.resolved, c.reopened, c.cancelled] {
                    w.u64(v);
                }
                w.i64(g.delta);
                w.u64(g.moves);
                match &g.cell {
                    None => w.u8(0),
                    Some(cell) => {
                        w.u8(1);
                        cell.encode(&mut w);
                    }
                }
            }
        }
        let json = |w: &mut Writer, v: &dyn erased::Json| {
            if v.write(w).is_err() {
                w.bytes(b"null");
            }
        };
        json(&mut w, &self.cost);
        json(&mut w, &self.retention_total);
        w.u64(self.retention_by.len() as u64);
        for (d, acc) in &self.retention_by {
            w.str(d);
            json(&mut w, acc);
        }
        // The sections' customers (revenue retention, cohorts): few, as records.
        json(&mut w, &self.customers);
        // The sections' arrivals and open tickets.
        w.u64(self.arrivals.daily.len() as u64);
        for (date, n) in &self.arrivals.daily {
            w.i64(i64::from(date.num_days_from_ce()));
            w.u64(*n);
        }
        for row in &self.arrivals.heatmap {
            for n in row {
                w.u64(*n);
            }
        }
        w.u64(self.open.len() as u64);
        let mut previous: Option<i64> = None;
        for at in &self.open {
            let secs = at.timestamp();
            match previous {
                // Sorted: a delta of seconds, never negative.
                Some(p) => w.u64(secs.abs_diff(p)),
                None => w.i64(secs),
            }
            w.u64(u64::from(at.timestamp_subsec_nanos()));
            previous = Some(secs);
        }
        // The drill-down lists: at most K tickets per list and period, as records.
        json(&mut w, &self.drill);
        let payload = w.buf;
        let mut out = Vec::with_capacity(payload.len() + 22);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&STATE_VERSION.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&payload);
        let sum = fnv1a64(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// Reads a state [`to_bytes`](ReportState::to_bytes) wrote, checking everything.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidState`] for bytes that are not a report state, a state of another
    /// encoding version, a truncated or damaged state (wrong length or checksum), and a state
    /// whose content breaks a rule (a count that does not add up, an unknown label, a period
    /// that does not start a period of the options…); the options' own errors.
    ///
    /// # Example
    /// ```
    /// use supportkpi::report::{ReportOptions, ReportState};
    /// let bytes = ReportState::new(ReportOptions::default())?.to_bytes();
    /// for n in 0..bytes.len() {
    ///     let err = ReportState::from_bytes(&bytes[..n]).unwrap_err();
    ///     assert_eq!(err.kind(), supportkpi::ErrorKind::InvalidState);
    /// }
    /// assert!(ReportState::from_bytes(&bytes).is_ok());
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<ReportState, Error> {
        if bytes.len() < 4 || &bytes[..4] != MAGIC {
            return Err(invalid(
                "not a supportkpi report state (it does not start with SKRS)",
            ));
        }
        if bytes.len() < 6 {
            return Err(invalid("the state ends early (truncated)"));
        }
        let version = u16::from_le_bytes([bytes[4], bytes[5]]);
        if version != STATE_VERSION {
            return Err(invalid(format!(
                "a report state of encoding version {version}; this supportkpi reads version \
                 {STATE_VERSION} only"
            ))
            .with_field("version")
            .with_value(version));
        }
        if bytes.len() < 14 {
            return Err(invalid("the state ends early (truncated)"));
        }
        let mut len = [0u8; 8];
        len.copy_from_slice(&bytes[6..14]);
        let len = u64::from_le_bytes(len);
        let expected = usize::try_from(len)
            .ok()
            .and_then(|l| l.checked_add(22))
            .ok_or_else(|| invalid("the state's length is damaged"))?;
        if bytes.len() < expected {
            return Err(invalid(format!(
                "the state ends early (truncated): {} of {expected} bytes",
                bytes.len()
            )));
        }
        if bytes.len() > expected {
            return Err(invalid(format!(
                "{} bytes after the end of the state",
                bytes.len() - expected
            )));
        }
        let body = &bytes[..expected - 8];
        let mut sum = [0u8; 8];
        sum.copy_from_slice(&bytes[expected - 8..]);
        if fnv1a64(body) != u64::from_le_bytes(sum) {
            return Err(invalid(
                "the state is damaged (its checksum does not match its bytes)",
            ));
        }
        let mut r = Reader::new(&body[14..]);
        let state = Self::read_payload(&mut r)?;
        if r.left() != 0 {
            return Err(invalid("bytes left over after the state's content"));
        }
        Ok(state)
    }

    fn read_payload(r: &mut Reader<'_>) -> Result<ReportState, Error> {
        let options: ReportOptions = r.json("the options")?;
        let mut state = ReportState::new(options)?;
        state.histories = match r.u8()? {
            0 => false,
            1 => true,
            b => return Err(invalid(format!("a histories flag of {b}, not 0 or 1"))),
        };
        let named = super::filter::named_free(&state.options);
        let count = r.len(1)?;
        for _ in 0..count {
            let f = r.str()?;
            if !named.contains(f) {
                return Err(invalid(format!(
                    "the state notes the field {f:?}, which its options do not name"
                )));
            }
            if state.fields.last().is_some_and(|p| p.as_str() >= f) {
                return Err(invalid("the fields are not in strictly increasing order"));
            }
            state.fields.insert(f.to_owned());
        }
        let grouped = state.options.by.is_some();
        let count = r.len(1)?;
        let mut labels: Vec<String> = Vec::with_capacity(count);
        for _ in 0..count {
            let l = r.str()?.to_owned();
            if labels.last().is_some_and(|p| *p >= l) {
                return Err(invalid("the labels are not in strictly increasing order"));
            }
            labels.push(l);
        }
        if !grouped && !labels.is_empty() {
            return Err(invalid("dimension labels in a state without grouping"));
        }
        let bucketer = state.options.bucketer();
        let template = state.kpis.cell();
        let periods = r.len(2)?;
        let mut previous: Option<PeriodKey> = None;
        let mut running: BTreeMap<Option<String>, i64> = BTreeMap::new();
        for _ in 0..periods {
            let day = r.i64()?;
            let start = i32::try_from(day)
                .ok()
                .and_then(NaiveDate::from_num_days_from_ce_opt)
                .ok_or_else(|| invalid(format!("a period starts on day {day}, not a date")))?;
            let key = bucketer.key_of_date(start);
            if key.start != start {
                return Err(invalid(format!(
                    "{start} does not start a {} period",
                    state.options.period
                )));
            }
            if previous.is_some_and(|p| p >= key) {
                return Err(invalid("the periods are not in increasing order"));
            }
            previous = Some(key);
            let n = r.len(8)?;
            let mut groups = BTreeMap::new();
            let mut last: Option<u64> = None;
            for _ in 0..n {
                let i = r.u64()?;
                if last.is_some_and(|p| p >= i) {
                    return Err(invalid("a period's labels are not in increasing order"));
                }
                last = Some(i);
                let label = match (i, grouped) {
                    (0, false) => None,
                    (i, true) if i > 0 => Some(
                        labels
                            .get((i - 1) as usize)
                            .ok_or_else(|| invalid(format!("label {i} is not in the table")))?
                            .clone(),
                    ),
                    _ => {
                        return Err(invalid(
                            "a group's label does not match the grouping of the options",
                        ));
                    }
                };
                let counts = VolumeCounts {
                    created: r.u64()?,
                    resolved: r.u64()?,
                    reopened: r.u64()?,
                    cancelled: r.u64()?,
                };
                let delta = r.i64()?;
                let moves = r.u64()?;
                if delta.unsigned_abs() > moves || (moves - delta.unsigned_abs()) % 2 != 0 {
                    return Err(invalid(format!(
                        "backlog entries minus exits ({delta}) and their sum ({moves}) disagree"
                    )));
                }
                let run = running.entry(label.clone()).or_default();
                *run = run
                    .checked_add(delta)
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| invalid("more backlog exits than entries"))?;
                let cell = if r.flag()? {
                    Some(template.decode(r)?)
                } else {
                    None
                };
                let g = Group {
                    cell,
                    counts,
                    delta,
                    moves,
                };
                if g.is_empty() {
                    return Err(invalid("an empty group"));
                }
                groups.insert(label, g);
            }
            state.periods.insert(key, groups);
        }
        let bad = |what: &str| {
            Error::new(
                ErrorKind::InvalidState,
                format!("report state: {what} was built with other options than the report's"),
            )
            .with_record_type("report_state")
        };
        let cost: CostPerTicketAccumulator = r.json("the cost state")?;
        state.cost.merge(cost).map_err(|_| bad("cost per ticket"))?;
        let retention: CustomerRetentionAccumulator = r.json("the retention state")?;
        state
            .retention_total
            .merge(retention)
            .map_err(|_| bad("retention"))?;
        let count = r.len(2)?;
        for _ in 0..count {
            let d = r.str()?.to_owned();
            if !state.options.by_segment() {
                return Err(invalid("retention by segment in a state not grouped by it"));
            }
            let acc: CustomerRetentionAccumulator = r.json("a segment's retention state")?;
            let mut fresh = state.kpis.retention.accumulator();
            fresh.merge(acc).map_err(|_| bad("retention"))?;
            if state.retention_by.insert(d, fresh).is_some() {
                return Err(invalid("a segment's retention appears twice"));
            }
        }
        let customers: super::sections::CustomerBook = r.json("the sections' customers")?;
        state.customers = customers;
        let days = r.len(2)?;
        let mut last_day: Option<NaiveDate> = None;
        for _ in 0..days {
            let day = r.i64()?;
            let date = i32::try_from(day)
                .ok()
                .and_then(NaiveDate::from_num_days_from_ce_opt)
                .ok_or_else(|| invalid(format!("an arrival day {day}, not a date")))?;
            if last_day.is_some_and(|d| d >= date) {
                return Err(invalid("the arrival days are not in increasing order"));
            }
            let n = r.u64()?;
            if n == 0 {
                return Err(invalid("an arrival day without arrivals"));
            }
            state.arrivals.daily.insert(date, n);
            last_day = Some(date);
        }
        for row in &mut state.arrivals.heatmap {
            for n in row.iter_mut() {
                *n = r.u64()?;
            }
        }
        let open = r.len(2)?;
        let mut previous: Option<i64> = None;
        for _ in 0..open {
            let secs = match previous {
                None => r.i64()?,
                Some(p) => i64::try_from(r.u64()?)
                    .ok()
                    .and_then(|d| p.checked_add(d))
                    .ok_or_else(|| invalid("an open ticket's instant is out of range"))?,
            };
            let nanos = u32::try_from(r.u64()?)
                .ok()
                .filter(|n| *n < 1_000_000_000)
                .ok_or_else(|| invalid("an open ticket's nanoseconds are out of range"))?;
            let at = chrono::DateTime::from_timestamp(secs, nanos)
                .ok_or_else(|| invalid("an open ticket's instant is out of range"))?;
            if state.open.last().is_some_and(|l| *l > at) {
                return Err(invalid("the open tickets are not in increasing order"));
            }
            state.open.push(at);
            previous = Some(secs);
        }
        let drill: super::drill::Drill = r.json("the drill-down lists")?;
        drill.check(&state.options)?;
        state.drill = drill;
        Ok(state)
    }
}

/// JSON writing through a trait object (one closure for the cost and retention states).
mod erased {
    use super::{Error, Writer};
    pub(super) trait Json {
        fn write(&self, w: &mut Writer) -> Result<(), Error>;
    }
    impl<T: serde::Serialize> Json for T {
        fn write(&self, w: &mut Writer) -> Result<(), Error> {
            w.json(self)
        }
    }
}

/// Combines states into one (a tree reduce's step): the state of all their records.
///
/// # Errors
/// [`ErrorKind::InvalidOption`] for no states at all (there are no options to make an empty
/// state of), and the errors of [`ReportState::merge`].
pub fn combine(states: impl IntoIterator<Item = ReportState>) -> Result<ReportState, Error> {
    let mut it = states.into_iter();
    let mut acc = it.next().ok_or_else(|| {
        Error::new(ErrorKind::InvalidOption, "combine needs at least one state")
            .with_field("states")
    })?;
    for s in it {
        acc.merge(s)?;
    }
    Ok(acc)
}

/// Combines states and finishes the report: [`combine`], the check of the fields a list of
/// `by` names and the filter give (as [`Report::compute`] checks them over a whole input; see
/// [`ReportState::check_fields`]), then [`ReportState::finish`].
///
/// # Errors
/// As [`combine`]; [`ErrorKind::InvalidOption`] for a field in a list of `by` names or in the
/// filter that no record of the states carried.
pub fn merge(states: impl IntoIterator<Item = ReportState>) -> Result<Report, Error> {
    let state = combine(states)?;
    super::filter::check_states(&state.fields, &state.options, false)?;
    state.finish()
}

/// The partition (bucket) of a ticket id among `buckets`: the rule that keeps a ticket, its
/// events and the survey responses rating it in one partition, so that a response always meets
/// its ticket and a duplicate id always meets its twin.
///
/// `bucket = ⌊h × buckets / 2⁶⁴⌋` with `h = fmix64(FNV-1a-64(UTF-8 bytes of the id))`: FNV-1a
/// 64 (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`) followed by MurmurHash3's
/// 64-bit finalizer (`h ^= h >> 33; h *= 0xff51afd7ed558ccd; h ^= h >> 33;
/// h *= 0xc4ceb9fe1a85ec53; h ^= h >> 33`). Written out here, it is the same on every
/// platform and in every version of supportkpi. `buckets = 0` is taken as 1.
///
/// # Example
/// ```
/// use supportkpi::report::bucket_of;
/// assert_eq!(bucket_of("T-1", 1), 0);
/// assert!(bucket_of("T-1", 16) < 16);
/// assert_eq!(bucket_of("T-1", 16), bucket_of("T-1", 16));
/// ```
pub fn bucket_of(id: &str, buckets: u32) -> u32 {
    let h = fmix64(fnv1a64(id.as_bytes()));
    ((u128::from(h) * u128::from(buckets.max(1))) >> 64) as u32
}

impl Cell {
    fn encode(&self, w: &mut Writer) {
        self.frt.encode(w);
        self.next.encode(w);
        self.status.encode(w);
        self.art.encode(w);
        self.fcr.encode(w);
        if let Some(sla) = &self.sla {
            sla.encode(w);
        }
        self.csat.encode(w);
        self.nps.encode(w);
        self.ces.encode(w);
    }

    /// Reads a cell with `self` (an empty cell of the options) as the template.
    fn decode(&self, r: &mut Reader<'_>) -> Result<Cell, Error> {
        Ok(Cell {
            frt: self.frt.decode(r)?,
            next: self.next.decode(r)?,
            status: self.status.decode(r)?,
            art: self.art.decode(r)?,
            fcr: self.fcr.decode(r)?,
            sla: match &self.sla {
                Some(t) => Some(Box::new(t.decode(r)?)),
                None => None,
            },
            csat: self.csat.decode(r)?,
            nps: self.nps.decode(r)?,
            ces: self.ces.decode(r)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::bucket_of;

    #[test]
    fn the_bucket_rule_is_fixed() {
        // Worked out independently (the Python test suite pins the same values): a change here
        // would send tickets of stored states to other buckets.
        assert_eq!(bucket_of("T-1", 16), 15);
        assert_eq!(bucket_of("T-2", 16), 11);
        assert_eq!(bucket_of("", 16), 14);
        assert_eq!(bucket_of("ticket \u{e9}", 16), 14);
        assert_eq!(bucket_of("T-1", 1000), 941);
        assert_eq!(bucket_of("T-1", 0), 0);
        assert_eq!(bucket_of("T-1", 1), 0);
        // Spread: 64k sequential ids over 16 buckets, each within 5 % of its share.
        let mut counts = [0u32; 16];
        for i in 0..65_536 {
            counts[bucket_of(&format!("T-{i:08}"), 16) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| (3_890..=4_300).contains(&c)),
            "{counts:?}"
        );
    }
}
