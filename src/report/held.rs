//! [`HeldInput`]: an input in the form it was read — the columnar tables while every record
//! has that form, else records — and the report of either, by the engine of that form. The
//! doors (the CLI, Python) hold their inputs in it, so the choice of engine is made here once.

use super::filter::{check_columnar_fields, check_fields};
use super::{Report, ReportInput, ReportOptions, ReportState, Share, TicketMetrics};
use crate::columnar::{ColumnarInput, Dictionary};
use crate::error::Error;
use crate::model::{Customer, SurveyKind};

/// An input as read: the columnar tables ([`io::load_columnar`](crate::io::load_columnar),
/// the Arrow readers) or records ([`io::load`](crate::io::load): event logs, ServiceNow, what
/// the columns cannot hold). Both forms give the same report.
///
/// # Example
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::columnar::ColumnarInput;
/// use supportkpi::report::{HeldInput, ReportInput, ReportOptions};
/// use supportkpi::Ticket;
/// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
/// let rows = ReportInput {
///     tickets: vec![Ticket::builder("T-1", t0).channel("email").build()?],
///     ..ReportInput::default()
/// };
/// let columns = HeldInput::Columns(Box::new(ColumnarInput::from_input(&rows)?));
/// let options = ReportOptions::default().with_by("channel");
/// assert_eq!(columns.compute(&options)?, HeldInput::Rows(rows).compute(&options)?);
/// assert!(columns.any_ticket_has("channel") && !columns.any_ticket_has("priority"));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone)]
pub enum HeldInput {
    /// Records: summary tickets, event histories, responses, customers, costs.
    Rows(ReportInput),
    /// The columnar tables, with customers and costs as records.
    Columns(Box<ColumnarInput>),
}

impl HeldInput {
    /// The doors' check of the fields `by` (a single name too) and the filter name
    /// ([`filter::check_fields`](super::filter::check_fields), or its columnar twin).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`](crate::ErrorKind::InvalidOption) naming an unknown field.
    pub fn check_fields(&self, options: &ReportOptions) -> Result<(), Error> {
        match self {
            HeldInput::Rows(i) => check_fields(i, options),
            HeldInput::Columns(i) => check_columnar_fields(i, options),
        }
    }

    /// The report: [`Report::compute`] over records, [`Report::compute_columnar`] over the
    /// tables. It does not check a single `by` name: [`check_fields`](Self::check_fields)
    /// does.
    ///
    /// # Errors
    /// Those of the engine.
    pub fn compute(&self, options: &ReportOptions) -> Result<Report, Error> {
        match self {
            HeldInput::Rows(i) => Report::compute(i, options),
            HeldInput::Columns(i) => Report::compute_columnar(i, options),
        }
    }

    /// The report a door gives a user: [`check_fields`](Self::check_fields), then
    /// [`compute`](Self::compute).
    ///
    /// # Errors
    /// Those of both.
    pub fn report(&self, options: &ReportOptions) -> Result<Report, Error> {
        self.check_fields(options)?;
        self.compute(options)
    }

    /// The report state (one partition's part of a report): [`ReportState::from_input_shared`]
    /// or [`ReportState::from_columnar_shared`].
    ///
    /// # Errors
    /// Those of the engine.
    pub fn state(&self, options: &ReportOptions, share: Share) -> Result<ReportState, Error> {
        match self {
            HeldInput::Rows(i) => ReportState::from_input_shared(i, options, share),
            HeldInput::Columns(i) => ReportState::from_columnar_shared(i, options, share),
        }
    }

    /// The per-ticket table a door gives a user over the held input:
    /// [`check_fields`](Self::check_fields), then [`TicketMetrics::compute`]. The table is
    /// computed on records, so held tables give their tickets and responses as records first
    /// (a copy for the call).
    ///
    /// # Errors
    /// Those of both.
    pub fn ticket_metrics(&self, options: &ReportOptions) -> Result<TicketMetrics, Error> {
        self.check_fields(options)?;
        match self {
            HeldInput::Rows(i) => TicketMetrics::compute(i, options),
            HeldInput::Columns(c) => {
                let rows = ReportInput {
                    tickets: c.tickets.tickets().collect(),
                    surveys: c.surveys.responses().collect(),
                    customers: c.customers.clone(),
                    costs: c.costs.clone(),
                    ..ReportInput::default()
                };
                TicketMetrics::compute(&rows, options)
            }
        }
    }

    /// Tickets (summaries and histories alike), responses, customers and cost entries held.
    pub fn counts(&self) -> [usize; 4] {
        match self {
            HeldInput::Rows(i) => [
                i.tickets.len() + i.histories.len(),
                i.surveys.len(),
                i.customers.len(),
                i.costs.len(),
            ],
            HeldInput::Columns(i) => [
                i.tickets.len(),
                i.surveys.len(),
                i.customers.len(),
                i.costs.len(),
            ],
        }
    }

    /// Whether event histories were read (reopens are known only then).
    pub fn has_histories(&self) -> bool {
        matches!(self, HeldInput::Rows(i) if !i.histories.is_empty())
    }

    /// Whether summary tickets (not histories) were read.
    pub fn has_summary_tickets(&self) -> bool {
        match self {
            HeldInput::Rows(i) => !i.tickets.is_empty(),
            HeldInput::Columns(i) => !i.tickets.is_empty(),
        }
    }

    /// Whether some response is of `kind`.
    pub fn has_surveys_of(&self, kind: SurveyKind) -> bool {
        match self {
            HeldInput::Rows(i) => i.surveys.iter().any(|s| s.kind() == kind),
            HeldInput::Columns(i) => i.surveys.kind().contains(&kind),
        }
    }

    /// The customers.
    pub fn customers(&self) -> &[Customer] {
        match self {
            HeldInput::Rows(i) => &i.customers,
            HeldInput::Columns(i) => &i.customers,
        }
    }

    /// The cost entries.
    pub fn costs(&self) -> &[crate::CostEntry] {
        match self {
            HeldInput::Rows(i) => &i.costs,
            HeldInput::Columns(i) => &i.costs,
        }
    }

    /// Whether some ticket has a value of `field`: a ticket dimension (`channel`,
    /// `priority`, `team`, `assignee`, `customer_id`, the agents) or a free-form one, read as
    /// [`Ticket::dimension`](crate::Ticket::dimension) reads it.
    pub fn any_ticket_has(&self, field: &str) -> bool {
        let any = |d: &Dictionary| d.codes().iter().any(|&c| c != Dictionary::NONE);
        match self {
            HeldInput::Rows(i) => i
                .tickets
                .iter()
                .chain(i.histories.iter().map(|h| h.ticket()))
                .any(|t| t.dimension(field).is_some()),
            HeldInput::Columns(i) => {
                let t = &i.tickets;
                match field {
                    "channel" => any(t.channel()),
                    "priority" => any(t.priority()),
                    "team" => any(t.team()),
                    "assignee" => any(t.assignee()),
                    "customer_id" => any(t.customer_id()),
                    "first_responder" => t.first_responder().is_some_and(any),
                    "solver" => t.solver().is_some_and(any),
                    // Every ticket has a status.
                    "status" => !t.is_empty(),
                    other => t.dimension(other).is_some_and(any),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SurveyResponse;
    use crate::{Customer, Ticket};
    use chrono::{TimeZone, Utc};

    /// Both forms of one input answer alike, field by field.
    #[test]
    fn both_forms_describe_the_input_alike() {
        let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
        let rows = ReportInput {
            tickets: vec![
                Ticket::builder("T-1", t0)
                    .channel("email")
                    .customer_id("C-1")
                    .first_responder("ann")
                    .dimension("plan", "pro")
                    .dimension("solver", "zed")
                    .build()
                    .unwrap(),
                Ticket::builder("T-2", t0).team("tier1").build().unwrap(),
            ],
            surveys: vec![
                SurveyResponse::new("S-1", t0, SurveyKind::Nps, 9)
                    .unwrap()
                    .with_ticket("T-1"),
            ],
            customers: vec![Customer::new("C-1", t0).unwrap().with_segment("smb")],
            ..ReportInput::default()
        };
        let columns = HeldInput::Columns(Box::new(ColumnarInput::from_input(&rows).unwrap()));
        let rows = HeldInput::Rows(rows);
        let fields = [
            "channel",
            "priority",
            "team",
            "assignee",
            "customer_id",
            "first_responder",
            "solver",
            "status",
            "segment",
            "plan",
            "region",
        ];
        let answers = |h: &HeldInput| fields.map(|f| h.any_ticket_has(f));
        // By hand: channel, team, customer, the agent ann, statuses, plan; the free-form
        // "solver" is no agent.
        assert_eq!(
            answers(&rows),
            [
                true, false, true, false, true, true, false, true, false, true, false
            ]
        );
        assert_eq!(answers(&columns), answers(&rows));
        for h in [&rows, &columns] {
            assert_eq!(h.counts(), [2, 1, 1, 0]);
            assert!(h.has_surveys_of(SurveyKind::Nps) && !h.has_surveys_of(SurveyKind::Csat));
            assert!(h.has_summary_tickets() && !h.has_histories());
            assert_eq!(h.customers().len(), 1);
            let o = ReportOptions::default().with_by("plna");
            assert!(h.compute(&o).is_ok());
            assert_eq!(h.report(&o).unwrap_err().value(), Some("plna"));
            assert_eq!(h.ticket_metrics(&o).unwrap_err().value(), Some("plna"));
            // The per-ticket table: T-1 of C-1 (segment smb) with its NPS 9, T-2 without.
            let o = ReportOptions::default().with_filter("plan=pro".parse().unwrap());
            let table = h.ticket_metrics(&o).unwrap();
            let [t1] = &table.rows[..] else {
                panic!("{table:?}")
            };
            assert_eq!(t1.ticket_id, "T-1");
            assert_eq!(t1.segment.as_deref(), Some("smb"));
            assert_eq!((t1.nps_score, t1.survey_responses), (Some(9), 1));
        }
        assert_eq!(
            rows.ticket_metrics(&ReportOptions::default()).unwrap(),
            columns.ticket_metrics(&ReportOptions::default()).unwrap()
        );
    }
}
