//! [`ReportAccumulator`]: the record engine's push / merge / finish state, and its serde form
//! (checked on deserialize against the options it carries).

use super::{
    Cell, Flow, Kpis, NO_VALUE, PeriodCells, Report, ReportInput, ReportOptions, Routing, Section,
    Span, TicketRef, push_retention, table,
};
use crate::error::{Error, ErrorKind};
use crate::kpi::{Accumulator, CostPerTicketAccumulator, CustomerRetentionAccumulator, Kpi};
use crate::model::{
    CostEntry, Customer, Instant, SurveyKind, SurveyResponse, Ticket, TicketHistory,
};
use crate::time::{CachedBucketer, PeriodKey};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The report's push / merge / finish state.
///
/// Records are pushed with their dimension value already resolved (the caller knows how:
/// [`ReportInput::ticket_dimension`] is the rule [`Report::compute`] uses), so that partitions
/// of tickets, surveys and customers can be pushed into different accumulators and merged.
///
/// # Errors on push
/// A record a KPI rejects is an error naming it; the accumulator must then be discarded (the
/// KPIs it had already reached keep the record).
#[derive(Debug, Clone)]
pub struct ReportAccumulator {
    pub(super) options: ReportOptions,
    pub(super) kpis: Kpis,
    /// The rows' bucketer with its last day and period remembered (records come mostly in
    /// time order): not state, rebuilt from the options.
    pub(super) bucketer: CachedBucketer,
    pub(super) cells: BTreeMap<PeriodKey, PeriodCells>,
    pub(super) flow_total: Flow,
    pub(super) flow_by: BTreeMap<String, Flow>,
    pub(super) cost: CostPerTicketAccumulator,
    pub(super) retention_total: CustomerRetentionAccumulator,
    pub(super) retention_by: BTreeMap<String, CustomerRetentionAccumulator>,
    /// The customers retention counted, for the revenue and cohort sections.
    pub(super) customers: super::sections::CustomerBook,
    /// The drill-down lists (fed only when the section is selected).
    pub(super) drill: super::drill::Drill,
    pub(super) span: Span,
    /// Whether an event history was pushed (reopens are known only then).
    pub(super) histories: bool,
}

impl ReportAccumulator {
    /// An empty report with these options.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] for an empty dimension name or a range that ends before it
    /// starts, and every KPI's own option errors (an SLA business target without a calendar…).
    pub fn new(options: ReportOptions) -> Result<Self, Error> {
        let kpis = Kpis::new(&options)?;
        let drill = super::drill::Drill::of(&options);
        Ok(ReportAccumulator {
            bucketer: CachedBucketer::new(options.bucketer()),
            flow_total: kpis.flow(),
            cost: kpis.cost.accumulator(),
            retention_total: kpis.retention.accumulator(),
            kpis,
            options,
            cells: BTreeMap::new(),
            flow_by: BTreeMap::new(),
            retention_by: BTreeMap::new(),
            customers: super::sections::CustomerBook::default(),
            drill,
            span: Span::default(),
            histories: false,
        })
    }

    /// The options.
    pub fn options(&self) -> &ReportOptions {
        &self.options
    }

    /// The cell of a period and dimension value (`None`: the period's total).
    fn cell(&mut self, at: Instant, dimension: Option<&str>) -> (&mut Cell, Option<&mut Cell>) {
        let key = self.bucketer.key(at);
        let kpis = &self.kpis;
        let cells = self.cells.entry(key).or_insert_with(|| PeriodCells {
            total: kpis.cell(),
            by: BTreeMap::new(),
        });
        let by = match dimension {
            Some(d) => {
                if !cells.by.contains_key(d) {
                    cells.by.insert(d.to_owned(), kpis.cell());
                }
                cells.by.get_mut(d)
            }
            None => None,
        };
        (&mut cells.total, by)
    }

    fn dimension_label<'a>(&self, value: Option<&'a str>) -> Option<&'a str> {
        self.options.by.as_ref().map(|_| value.unwrap_or(NO_VALUE))
    }

    fn push_ticket_ref(&mut self, t: TicketRef<'_>, dimension: Option<&str>) -> Result<(), Error> {
        self.span.widen_by_ticket(t, &self.options)?;
        let dim = self.dimension_label(dimension);
        let ticket = t.ticket();
        let created = ticket.created_at();
        let fcr_at = self.kpis.fcr.bucket_instant(ticket);
        let counted = {
            let (total, by) = self.cell(created, dim);
            let counted = total.push_created(t, fcr_at == Some(created))?;
            if let Some(cell) = by {
                cell.push_created(t, fcr_at == Some(created))?;
            }
            counted
        };
        if let Some(at) = fcr_at.filter(|&at| at != created) {
            let (total, by) = self.cell(at, dim);
            for cell in std::iter::once(total).chain(by) {
                t.feed(&mut cell.fcr)?;
            }
        }
        let mut resolved = None;
        if let Some(at) = self.kpis.art.bucket_instant(ticket) {
            let (total, by) = self.cell(at, dim);
            let measured = total.push_resolved(t)?;
            if let Some(cell) = by {
                cell.push_resolved(t)?;
            }
            resolved = measured.map(|m| (self.bucketer.key(at), at, m));
        }
        if self.options.sections.contains(super::Section::DrillDown) {
            // The values the total cells counted, and the stays the backlog snapshot keeps
            // open (`keeps_open` at the snapshot's bound, as the report state has them).
            let key = self.bucketer.key(created);
            let business = self.options.calendar.is_some();
            self.drill
                .push_record(ticket, (key, counted), resolved, business);
            let bound = super::state::snapshot_bound(&self.options);
            let drill = &mut self.drill;
            t.facts().for_each_stay(|s| {
                if crate::kpi::keeps_open(bound, s.from, s.to.map(|(at, _)| at)) {
                    drill.open(&ticket, s.from);
                }
            });
        }
        t.feed(&mut self.flow_total.volume)?;
        t.feed(&mut self.flow_total.backlog)?;
        if let Some(d) = dim {
            if !self.flow_by.contains_key(d) {
                self.flow_by.insert(d.to_owned(), self.kpis.flow());
            }
            if let Some(flow) = self.flow_by.get_mut(d) {
                t.feed(&mut flow.volume)?;
                t.feed(&mut flow.backlog)?;
            }
        }
        // The cost KPI's instant (`CostDenominator::bucket_at`), keyed with the report's cached
        // bucketer (the cost KPI is built with the report's period and zone).
        let cost_at = self
            .options
            .cost_denominator
            .bucket_at(created, ticket.resolved_at());
        if let Some(at) = cost_at {
            let key = self.bucketer.key(at);
            self.cost
                .add_tickets(key, 1)
                .map_err(|e| e.with_record_type("ticket").with_id(ticket.id().as_str()))?;
        }
        Ok(())
    }

    /// Adds a ticket in summary form with its dimension value (`None`: it has none).
    ///
    /// # Errors
    /// A KPI's error for the ticket.
    pub fn push_ticket(&mut self, ticket: &Ticket, dimension: Option<&str>) -> Result<(), Error> {
        self.push_ticket_ref(TicketRef::Summary(ticket), dimension)
    }

    /// Adds a ticket known by its event history.
    ///
    /// # Errors
    /// A KPI's error for the ticket.
    pub fn push_history(
        &mut self,
        history: &TicketHistory,
        dimension: Option<&str>,
    ) -> Result<(), Error> {
        self.histories = true;
        self.push_ticket_ref(TicketRef::History(history), dimension)
    }

    /// Adds a survey response with the dimension value of the ticket it rates.
    ///
    /// # Errors
    /// A score off its KPI's scale, naming the response.
    pub fn push_survey(
        &mut self,
        response: &SurveyResponse,
        dimension: Option<&str>,
    ) -> Result<(), Error> {
        self.span.widen_by_survey(response, &self.options)?;
        let dim = self.dimension_label(dimension);
        let (total, by) = self.cell(response.responded_at(), dim);
        for cell in std::iter::once(total).chain(by) {
            match response.kind() {
                SurveyKind::Csat => cell.csat.push_response(response)?,
                SurveyKind::Nps => cell.nps.push_response(response)?,
                SurveyKind::Ces => cell.ces.push_response(response)?,
            }
        }
        Ok(())
    }

    /// Adds a customer (retention; split by segment when the report groups by `segment`).
    ///
    /// # Errors
    /// Overlapping tenures of one customer id ([`ErrorKind::DuplicateId`]).
    pub fn push_customer(&mut self, customer: &Customer) -> Result<(), Error> {
        self.span.widen_by_customer(customer, &self.options)?;
        push_retention(
            (
                &mut self.retention_total,
                &mut self.retention_by,
                &mut self.customers,
            ),
            &self.kpis,
            &self.options,
            customer,
        )
    }

    /// Adds a support cost entry.
    ///
    /// # Errors
    /// [`ErrorKind::MixedCurrencies`] when its currency differs from earlier entries'.
    pub fn push_cost(&mut self, entry: &CostEntry) -> Result<(), Error> {
        self.span.widen_by_cost(entry, &self.options)?;
        self.cost.push_cost(entry)
    }

    /// Pushes a whole input, routing every record to its dimension value exactly as
    /// [`Report::compute`] does (a survey takes the value of the ticket it rates, which must be
    /// in the same input). For a partition computed elsewhere and merged later, keep a ticket's
    /// surveys (and, grouping by `segment`, its customer) in the ticket's partition.
    ///
    /// # Errors
    /// The first record a KPI rejects; the accumulator must then be discarded.
    pub fn push_input(&mut self, input: &ReportInput) -> Result<(), Error> {
        let by = self.options.by.clone();
        let routing = Routing::new(input, by.as_deref());
        for t in &input.tickets {
            self.push_ticket(t, routing.ticket(t))?;
        }
        for h in &input.histories {
            self.push_history(h, routing.ticket(h.ticket()))?;
        }
        for r in &input.surveys {
            self.push_survey(r, routing.survey(r))?;
        }
        for c in &input.customers {
            self.push_customer(c)?;
        }
        for e in &input.costs {
            self.push_cost(e)?;
        }
        Ok(())
    }

    /// Folds another partition's report into this one.
    ///
    /// # Errors
    /// [`ErrorKind::IncompatibleMerge`] when the options differ, and the KPIs' own merge errors
    /// (a customer's overlapping tenures across partitions, mixed currencies). After an error
    /// the accumulator must be discarded.
    pub fn merge(&mut self, other: ReportAccumulator) -> Result<(), Error> {
        if self.options != other.options {
            return Err(crate::kpi::incompatible("report"));
        }
        self.span.merge(other.span, &self.options)?;
        for (key, theirs) in other.cells {
            match self.cells.get_mut(&key) {
                None => {
                    self.cells.insert(key, theirs);
                }
                Some(ours) => {
                    ours.total.merge(theirs.total)?;
                    for (d, cell) in theirs.by {
                        match ours.by.get_mut(&d) {
                            Some(c) => c.merge(cell)?,
                            None => {
                                ours.by.insert(d, cell);
                            }
                        }
                    }
                }
            }
        }
        self.flow_total.merge(other.flow_total)?;
        for (d, flow) in other.flow_by {
            match self.flow_by.get_mut(&d) {
                Some(f) => f.merge(flow)?,
                None => {
                    self.flow_by.insert(d, flow);
                }
            }
        }
        self.histories |= other.histories;
        self.drill.merge(other.drill)?;
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

    /// Turns the state into the report table (`reopen_pct` undefined when no event history
    /// was pushed: summary rows record no reopen instants).
    pub fn finish(self) -> Report {
        let histories = self.histories;
        let report = table::assemble(self);
        if histories {
            report
        } else {
            report.without_reopen_rate()
        }
    }
}

/// The serialized form of a [`ReportAccumulator`]: the options and every KPI's state.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccumulatorState {
    options: ReportOptions,
    // A list, not a map: JSON object keys must be strings.
    cells: Vec<(PeriodKey, PeriodCells)>,
    flow_total: Flow,
    flow_by: BTreeMap<String, Flow>,
    cost: CostPerTicketAccumulator,
    retention_total: CustomerRetentionAccumulator,
    retention_by: BTreeMap<String, CustomerRetentionAccumulator>,
    /// The customers of the revenue and cohort sections (absent from states written before
    /// them).
    #[serde(default)]
    customers: Option<super::sections::CustomerBook>,
    /// The drill-down lists (none in states written before them).
    #[serde(default)]
    drill: Option<super::drill::Drill>,
    /// States written before the span was kept have none: their periods are bounded by the
    /// merge of the next state that has one.
    #[serde(default)]
    span: Span,
    #[serde(default)]
    histories: bool,
}

impl Serialize for ReportAccumulator {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Borrowing through a mirror would need a second struct of references; report states
        // are small next to their records, so a clone keeps this simple.
        AccumulatorState {
            options: self.options.clone(),
            cells: self.cells.iter().map(|(k, c)| (*k, c.clone())).collect(),
            flow_total: self.flow_total.clone(),
            flow_by: self.flow_by.clone(),
            cost: self.cost.clone(),
            retention_total: self.retention_total.clone(),
            retention_by: self.retention_by.clone(),
            customers: Some(self.customers.clone()),
            drill: Some(self.drill.clone()),
            span: self.span,
            histories: self.histories,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for ReportAccumulator {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let state = AccumulatorState::deserialize(d)?;
        ReportAccumulator::try_from(state).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<AccumulatorState> for ReportAccumulator {
    type Error = Error;

    /// Rebuilds the accumulator, checking that every part was made with the report's options
    /// (each KPI state checks itself when it is deserialized).
    fn try_from(s: AccumulatorState) -> Result<Self, Error> {
        // A state written before the drill-down lists, or before the sections' customers, has
        // nothing to give those sections: its report leaves them out (not computed, as an
        // unselected section) instead of lists and rates that would count none of its
        // tickets or customers. It then combines only with states that leave them out too.
        let mut options = s.options;
        let lacking: Vec<Section> = match (&s.drill, &s.customers) {
            (None, None) => vec![
                Section::DrillDown,
                Section::RevenueRetention,
                Section::Cohorts,
            ],
            (None, Some(_)) => vec![Section::DrillDown],
            (Some(_), None) => vec![Section::RevenueRetention, Section::Cohorts],
            (Some(_), Some(_)) => Vec::new(),
        };
        options.sections = options
            .sections
            .iter()
            .filter(|x| !lacking.contains(x))
            .collect();
        let mut acc = ReportAccumulator::new(options)?;
        let bad = |what: &str| {
            Error::new(
                ErrorKind::InvalidState,
                format!("report state: {what} was built with other options than the report's"),
            )
        };
        let template = acc.kpis.cell();
        let same_cell = |c: &Cell| {
            c.frt.options() == template.frt.options()
                && c.next.options() == template.next.options()
                && c.status.options() == template.status.options()
                && c.art.options() == template.art.options()
                && c.fcr.options() == template.fcr.options()
                && c.sla.is_some() == template.sla.is_some()
                && c.csat.options() == template.csat.options()
                && c.nps.options() == template.nps.options()
                && c.ces.options() == template.ces.options()
        };
        for (_, cells) in &s.cells {
            if !same_cell(&cells.total) || !cells.by.values().all(same_cell) {
                return Err(bad("a cell"));
            }
            if acc.options.by.is_none() && !cells.by.is_empty() {
                return Err(bad("a dimension cell"));
            }
        }
        let flow = acc.kpis.flow();
        let same_flow = |f: &Flow| {
            f.volume.options() == flow.volume.options()
                && f.backlog.options() == flow.backlog.options()
        };
        if !same_flow(&s.flow_total) || !s.flow_by.values().all(same_flow) {
            return Err(bad("volume or backlog"));
        }
        let n = s.cells.len();
        acc.cells = s.cells.into_iter().collect();
        if acc.cells.len() != n {
            return Err(Error::new(
                ErrorKind::InvalidState,
                "report state: a period appears twice among the cells",
            ));
        }
        acc.flow_total = s.flow_total;
        acc.flow_by = s.flow_by;
        acc.customers = s.customers.unwrap_or_default();
        if let Some(drill) = s.drill {
            drill.check(&acc.options)?;
            acc.drill = drill;
        }
        acc.span.merge(s.span, &acc.options)?;
        acc.histories = s.histories;
        // Merging into the fresh accumulators checks the options of these two for us.
        acc.cost.merge(s.cost).map_err(|_| bad("cost per ticket"))?;
        acc.retention_total
            .merge(s.retention_total)
            .map_err(|_| bad("retention"))?;
        for (d, r) in s.retention_by {
            let mut fresh = acc.kpis.retention.accumulator();
            fresh.merge(r).map_err(|_| bad("retention"))?;
            acc.retention_by.insert(d, fresh);
        }
        Ok(acc)
    }
}
