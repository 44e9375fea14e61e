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
/// A record a KPI rejects (or whose instants stretch the report past
/// [`field@ReportOptions::max_periods`]) is an error naming it, and the accumulator is then as it
/// was before the push: every such check is made before anything changes, so a caller may
/// skip the record and go on. Left out of that are the errors no built record causes: a
/// count that would pass 2⁶⁴ − 1 ([`ErrorKind::InvalidState`]; [`ErrorKind::InvalidValue`],
/// field `count`, for cost per ticket) and the KPIs' guards against a negative duration. They
/// can come after part of the record was counted: after one the accumulator must be
/// discarded.
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
        // All or nothing: what a ticket can be refused for (the span, an SLA deadline) is
        // checked on copies first; the pushes below can then only fail on a count overflow.
        let mut span = self.span;
        span.widen_by_ticket(t, &self.options)?;
        let sla = self.kpis.judge_sla(t)?;
        self.span = span;
        let dim = self.dimension_label(dimension);
        let ticket = t.ticket();
        let created = ticket.created_at();
        let fcr_at = self.kpis.fcr.bucket_instant(ticket);
        let counted = {
            let (total, by) = self.cell(created, dim);
            let counted = total.push_created_judged(t, fcr_at == Some(created), sla)?;
            if let Some(cell) = by {
                cell.push_created_judged(t, fcr_at == Some(created), sla)?;
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
    /// [`ErrorKind::InvalidOption`] naming the ticket and the field of the instant that
    /// stretches the report past `max_periods`; the SLA policy's error for a ticket it cannot
    /// judge ([`SlaPolicy::evaluate`](crate::kpi::SlaPolicy::evaluate)). The accumulator is
    /// unchanged after these; see [Errors on push](ReportAccumulator#errors-on-push) for the
    /// errors after which it is not.
    pub fn push_ticket(&mut self, ticket: &Ticket, dimension: Option<&str>) -> Result<(), Error> {
        self.push_ticket_ref(TicketRef::Summary(ticket), dimension)
    }

    /// Adds a ticket known by its event history.
    ///
    /// # Errors
    /// As [`push_ticket`](Self::push_ticket), an event's instant named by field `at`.
    pub fn push_history(
        &mut self,
        history: &TicketHistory,
        dimension: Option<&str>,
    ) -> Result<(), Error> {
        self.push_ticket_ref(TicketRef::History(history), dimension)?;
        // Only once it is in: a refused history must not give the report a reopen rate.
        self.histories = true;
        Ok(())
    }

    /// Adds a survey response with the dimension value of the ticket it rates.
    ///
    /// # Errors
    /// [`ErrorKind::ScoreOutOfScale`] for a score off its KPI's scale, and
    /// [`ErrorKind::InvalidOption`] for a response that stretches the report past
    /// `max_periods`, each naming the response; the accumulator is unchanged then.
    pub fn push_survey(
        &mut self,
        response: &SurveyResponse,
        dimension: Option<&str>,
    ) -> Result<(), Error> {
        // Checked before the cells are looked up: a lookup creates the period's cells, and a
        // refused response must not add its period to the report.
        let mut span = self.span;
        span.widen_by_survey(response, &self.options)?;
        self.kpis.check_survey(response)?;
        self.span = span;
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
    /// Overlapping tenures of one customer id ([`ErrorKind::DuplicateId`]), and
    /// [`ErrorKind::InvalidOption`] for a tenure that stretches the report past `max_periods`;
    /// the accumulator is unchanged then.
    pub fn push_customer(&mut self, customer: &Customer) -> Result<(), Error> {
        let mut span = self.span;
        span.widen_by_customer(customer, &self.options)?;
        // All or nothing: the total retention refuses an overlap before it changes, and a
        // segment's holds a subset of the total's tenures, so it cannot refuse what the total
        // took.
        push_retention(
            (
                &mut self.retention_total,
                &mut self.retention_by,
                &mut self.customers,
            ),
            &self.kpis,
            &self.options,
            customer,
        )?;
        self.span = span;
        Ok(())
    }

    /// Adds a support cost entry.
    ///
    /// # Errors
    /// [`ErrorKind::MixedCurrencies`] when its currency differs from earlier entries';
    /// [`ErrorKind::InvalidValue`] when a sum would no longer be exact;
    /// [`ErrorKind::InvalidOption`] for dates that stretch the report past `max_periods`. The
    /// accumulator is unchanged then.
    pub fn push_cost(&mut self, entry: &CostEntry) -> Result<(), Error> {
        let mut span = self.span;
        span.widen_by_cost(entry, &self.options)?;
        // The cost KPI checks everything before it changes.
        self.cost.push_cost(entry)?;
        self.span = span;
        Ok(())
    }

    /// Pushes a whole input, routing every record to its dimension value exactly as
    /// [`Report::compute`] does (a survey takes the value of the ticket it rates, which must be
    /// in the same input). For a partition computed elsewhere and merged later, keep a ticket's
    /// surveys (and, grouping by `segment`, its customer) in the ticket's partition.
    ///
    /// # Errors
    /// The first record refused (see the `push_*` methods). The records before it stay
    /// pushed and none after it is, so the accumulator then holds part of the input: discard
    /// it, or push the rest yourself.
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
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] when the report would have more rows than
    /// [`max_rows`](field@ReportOptions::max_rows) (checked before any row is made), or
    /// rows the host cannot allocate.
    pub fn finish(self) -> Result<Report, Error> {
        table::assemble(self)
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
                // The policy too: a ticket is judged once with the report's policy and the
                // result pushed into every cell.
                && c.sla.as_ref().map(|s| s.options()) == template.sla.as_ref().map(|s| s.options())
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

#[cfg(test)]
mod tests {
    //! A rejected push leaves the accumulator as it was: pushing a bad record and then good
    //! ones gives the state (and the report) of the good ones alone.
    use super::*;
    use crate::kpi::{CsatOptions, SlaPolicy, SlaTarget};
    use crate::model::{Currency, DeriveOptions, EventKind, Money, StatusMap, TicketEvent};
    use crate::time::{BusinessCalendar, Period};
    use chrono::{NaiveDate, TimeZone, Utc};

    fn at(day: u32, hour: u32) -> Instant {
        Utc.with_ymd_and_hms(2021, 6, day, hour, 0, 0).unwrap()
    }

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 6, day).unwrap()
    }

    enum Rec {
        Ticket(Ticket, Option<&'static str>),
        History(TicketHistory),
        Survey(SurveyResponse, Option<&'static str>),
        Customer(Customer),
        Cost(CostEntry),
    }

    fn push(acc: &mut ReportAccumulator, r: &Rec) -> Result<(), Error> {
        match r {
            Rec::Ticket(t, d) => acc.push_ticket(t, *d),
            Rec::History(h) => acc.push_history(h, None),
            Rec::Survey(s, d) => acc.push_survey(s, *d),
            Rec::Customer(c) => acc.push_customer(c),
            Rec::Cost(e) => acc.push_cost(e),
        }
    }

    /// Pushes `before`, `bad` (which must be rejected with `kind`) and `after` into one
    /// accumulator, `before` and `after` into another, and compares their states and reports.
    fn rejected_leaves_no_trace(
        options: ReportOptions,
        before: &[Rec],
        bad: Rec,
        kind: ErrorKind,
        after: &[Rec],
    ) {
        let mut dirty = ReportAccumulator::new(options.clone()).unwrap();
        let mut clean = ReportAccumulator::new(options).unwrap();
        for r in before {
            push(&mut dirty, r).unwrap();
            push(&mut clean, r).unwrap();
        }
        let err = push(&mut dirty, &bad).expect_err("the bad record is rejected");
        assert_eq!(err.kind(), kind, "{err}");
        for r in after {
            push(&mut clean, r).unwrap();
            push(&mut dirty, r).expect("a good record after a rejected one is accepted");
        }
        assert_eq!(
            serde_json::to_value(&dirty).unwrap(),
            serde_json::to_value(&clean).unwrap()
        );
        assert_eq!(dirty.finish(), clean.finish());
    }

    fn ticket(id: &str, created: Instant, resolved: Option<Instant>) -> Ticket {
        let b = Ticket::builder(id, created)
            .first_response_at(created)
            .channel("email");
        match resolved {
            Some(r) => b.resolved_at(r).build().unwrap(),
            None => b.build().unwrap(),
        }
    }

    fn days(max: u64) -> ReportOptions {
        ReportOptions::default()
            .with_period(Period::Day)
            .with_max_periods(max)
    }

    #[test]
    fn a_survey_off_its_scale_adds_no_cell() {
        // The bad response's cells (September, total and `email`) would add four empty months.
        let survey = |id: &str, at, score| {
            Rec::Survey(
                SurveyResponse::new(id, at, SurveyKind::Csat, score).unwrap(),
                Some("email"),
            )
        };
        let options = ReportOptions::default()
            .with_period(Period::Month)
            .with_by("channel")
            .with_csat(CsatOptions::default());
        let sept = Utc.with_ymd_and_hms(2021, 9, 15, 0, 0, 0).unwrap();
        rejected_leaves_no_trace(
            options,
            &[Rec::Ticket(ticket("T-1", at(1, 9), None), Some("email"))],
            survey("S-bad", sept, 9),
            ErrorKind::ScoreOutOfScale,
            &[survey("S-1", at(2, 9), 5)],
        );
    }

    #[test]
    fn a_refused_survey_is_named_as_its_kpi_names_it() {
        // The report checks scores before it pushes; its error is the KPI's own.
        use crate::kpi::{Ces, CesOptions, CesScale, Csat};
        let options = ReportOptions::default()
            .with_csat(CsatOptions::default())
            .with_ces(CesOptions::default().with_scale(CesScale::EaseOneToSeven));
        for (kind, score) in [
            (SurveyKind::Csat, 6),
            (SurveyKind::Csat, 0),
            (SurveyKind::Ces, 8),
        ] {
            let r = SurveyResponse::new("S-9", at(1, 9), kind, score).unwrap();
            let mut acc = ReportAccumulator::new(options.clone()).unwrap();
            let ours = acc.push_survey(&r, None).unwrap_err();
            let theirs = match kind {
                SurveyKind::Csat => Csat::new(options.csat)
                    .unwrap()
                    .accumulator()
                    .push_response(&r),
                _ => Ces::new(options.ces)
                    .unwrap()
                    .accumulator()
                    .push_response(&r),
            }
            .unwrap_err();
            assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
            assert_eq!(ours.kind(), ErrorKind::ScoreOutOfScale);
        }
    }

    #[test]
    fn a_survey_off_its_scale_does_not_widen_the_span() {
        // Day 1 to day 12 is twelve periods, past the bound; day 5 to day 12 is eight.
        let bad = SurveyResponse::new("S-bad", at(1, 9), SurveyKind::Csat, 9).unwrap();
        rejected_leaves_no_trace(
            days(10),
            &[Rec::Ticket(ticket("T-1", at(5, 9), None), None)],
            Rec::Survey(bad, None),
            ErrorKind::ScoreOutOfScale,
            &[Rec::Ticket(ticket("T-2", at(12, 9), None), None)],
        );
    }

    #[test]
    fn a_ticket_past_the_bound_does_not_widen_the_span() {
        // Created on day 5, resolved on day 20: refused at `resolved_at`, after `created_at`
        // and the refused instant itself were taken into the span.
        rejected_leaves_no_trace(
            days(10),
            &[Rec::Ticket(ticket("T-1", at(5, 9), None), None)],
            Rec::Ticket(ticket("T-bad", at(5, 9), Some(at(20, 9))), None),
            ErrorKind::InvalidOption,
            &[Rec::Ticket(ticket("T-2", at(3, 9), Some(at(4, 9))), None)],
        );
    }

    #[test]
    fn a_ticket_the_sla_cannot_judge_leaves_no_trace() {
        // Urgent tickets have a business-time target of 100 years on a calendar open one
        // minute a week: a deadline past the instants chrono holds, found after the creation
        // cell's first response time had taken the ticket.
        let cal = BusinessCalendar::parse("Mon 09:00-09:01", chrono_tz::UTC).unwrap();
        let policy = SlaPolicy::new()
            .calendar(cal)
            .first_response_default(SlaTarget::calendar(3_600).unwrap())
            .first_response(
                "urgent",
                SlaTarget::business(crate::kpi::MAX_SLA_TARGET_SECONDS).unwrap(),
            );
        let options = ReportOptions::default()
            .with_period(Period::Month)
            .with_by("channel")
            .with_sla(policy);
        let urgent = Ticket::builder("T-bad", at(2, 9))
            .first_response_at(at(2, 10))
            .resolved_at(at(3, 9))
            .priority("urgent")
            .channel("email")
            .build()
            .unwrap();
        rejected_leaves_no_trace(
            options,
            &[Rec::Ticket(ticket("T-1", at(1, 9), None), Some("email"))],
            Rec::Ticket(urgent, Some("email")),
            ErrorKind::InvalidValue,
            &[Rec::Ticket(
                ticket("T-2", at(4, 9), Some(at(5, 9))),
                Some("email"),
            )],
        );
    }

    #[test]
    fn a_rejected_history_does_not_mark_the_report_as_read_from_a_log() {
        // Without a history pushed the report has no reopen rate; a refused one must not
        // give it one.
        let ev = |at, kind| TicketEvent::new("H-bad", at, kind);
        let events = vec![
            ev(at(1, 9), EventKind::Created),
            ev(
                at(30, 9),
                EventKind::StatusChange {
                    to: "solved".into(),
                },
            ),
        ];
        let h = TicketHistory::from_events(
            "H-bad",
            events,
            &StatusMap::canonical(),
            DeriveOptions::new(),
        )
        .unwrap();
        rejected_leaves_no_trace(
            days(10),
            &[Rec::Ticket(ticket("T-1", at(2, 9), Some(at(3, 9))), None)],
            Rec::History(h),
            ErrorKind::InvalidOption,
            &[Rec::Ticket(ticket("T-2", at(4, 9), None), None)],
        );
    }

    #[test]
    fn an_overlapping_customer_does_not_widen_the_span() {
        let a = |acquired| Customer::new("C-1", acquired).unwrap();
        rejected_leaves_no_trace(
            days(10),
            &[Rec::Customer(a(at(5, 9)))],
            Rec::Customer(a(at(1, 9))),
            ErrorKind::DuplicateId,
            &[Rec::Ticket(ticket("T-1", at(12, 9), None), None)],
        );
    }

    #[test]
    fn a_cost_in_another_currency_does_not_widen_the_span() {
        let cost = |day, currency| {
            let money = Money::new(
                rust_decimal::Decimal::from(100),
                Currency::new(currency).unwrap(),
            );
            Rec::Cost(CostEntry::new(date(day), date(day), money).unwrap())
        };
        rejected_leaves_no_trace(
            days(10),
            &[cost(5, "USD")],
            cost(1, "EUR"),
            ErrorKind::MixedCurrencies,
            &[Rec::Ticket(ticket("T-1", at(12, 9), None), None)],
        );
    }
}
