//! `Report::compute*`: which engine computes a report, and the record engine's partitions.

use super::Report;
use super::{
    ReportAccumulator, ReportInput, ReportOptions, Routing, check_summary_history_twins, columnar,
    filter,
};
use crate::error::{Error, ErrorKind};
use crate::model::{SurveyResponse, Ticket, TicketHistory};

/// How many records a partition of [`Report::compute`] holds at most.
pub(super) const PARTITION: usize = 64 * 1024;

impl Report {
    /// Computes the report over a columnar input: the same table [`Report::compute`] gives for
    /// the same records, in less time and memory on large inputs.
    ///
    /// # Errors
    /// As [`Report::compute`].
    ///
    /// # Example
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::columnar::{ColumnarInput, TicketTable};
    /// use supportkpi::report::{Report, ReportInput, ReportOptions};
    /// use supportkpi::Ticket;
    /// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let input = ReportInput {
    ///     tickets: vec![Ticket::builder("T-1", t0).channel("chat").build()?],
    ///     ..ReportInput::default()
    /// };
    /// let options = ReportOptions::default().by("channel");
    /// let columns = ColumnarInput::from_input(&input)?;
    /// assert_eq!(Report::compute_columnar(&columns, &options)?, Report::compute(&input, &options)?);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn compute_columnar(
        input: &crate::columnar::ColumnarInput,
        options: &ReportOptions,
    ) -> Result<Report, Error> {
        if options.calendars.is_some() {
            // The columns carry no team for a ticket's calendar: refuse rather than measure
            // every ticket on the default.
            return Err(Error::new(
                ErrorKind::InvalidOption,
                "calendars per team need the record path (Report::compute over records)",
            )
            .with_field("calendars"));
        }
        // Filters and combinations are applied to records (Report::compute).
        if filter::needs_rows(options) {
            let rows = ReportInput {
                tickets: input.tickets.tickets().collect(),
                surveys: input.surveys.responses().collect(),
                customers: input.customers.clone(),
                costs: input.costs.clone(),
                ..ReportInput::default()
            };
            return Report::compute(&rows, options);
        }
        columnar::compute(&input.into(), options)
    }

    /// Computes the report over all the input, in partitions (in parallel with the `parallel`
    /// feature); the result equals one sequential pass exactly.
    ///
    /// Without event histories the input is turned into columns and computed by the engine of
    /// [`Report::compute_columnar`] (the same table, several times faster even with the
    /// conversion); with histories, or an instant outside the columns' 1677–2262, by the record
    /// accumulators ([`Report::compute_records`]). For inputs of millions of tickets, reading
    /// straight into columns (`io::load_columnar`) saves the `Vec<Ticket>` as well.
    ///
    /// # Errors
    /// The options' errors ([`ReportAccumulator::new`]), [`ErrorKind::DuplicateId`] for a
    /// ticket given both as a summary row and as a history, and the first record a KPI rejects.
    pub fn compute(input: &ReportInput, options: &ReportOptions) -> Result<Report, Error> {
        if let Some(prepared) = filter::prepare(input, options, true)? {
            let inner = ReportOptions {
                filter: Vec::new(),
                ..options.clone()
            };
            let mut report = Self::compute_prepared(&prepared, &inner)?;
            report.options = options.clone();
            return Ok(report);
        }
        Self::compute_prepared(input, options)
    }

    fn compute_prepared(input: &ReportInput, options: &ReportOptions) -> Result<Report, Error> {
        // Summary tickets go through the columnar engine (the same table, several times
        // faster even with the conversion); event histories, and instants beyond the columns'
        // range, through the record accumulators.
        if input.histories.is_empty()
            && options.calendars.is_none()
            && let Ok(tickets) =
                crate::columnar::TicketTable::for_report(&input.tickets, options.by.as_deref())
            && let Ok(surveys) = crate::columnar::SurveyTable::from_responses(&input.surveys)
        {
            return columnar::compute(
                &columnar::Inputs {
                    tickets: &tickets,
                    surveys: &surveys,
                    customers: &input.customers,
                    costs: &input.costs,
                },
                options,
            );
        }
        Self::compute_records_prepared(input, options)
    }

    /// [`Report::compute`] through the record accumulators only, whatever the input: the path
    /// of event histories, and the reference the columnar engine is tested against.
    ///
    /// # Errors
    /// As [`Report::compute`].
    pub fn compute_records(input: &ReportInput, options: &ReportOptions) -> Result<Report, Error> {
        if let Some(prepared) = filter::prepare(input, options, true)? {
            let inner = ReportOptions {
                filter: Vec::new(),
                ..options.clone()
            };
            let mut report = Self::compute_records_prepared(&prepared, &inner)?;
            report.options = options.clone();
            return Ok(report);
        }
        Self::compute_records_prepared(input, options)
    }

    fn compute_records_prepared(
        input: &ReportInput,
        options: &ReportOptions,
    ) -> Result<Report, Error> {
        check_summary_history_twins(input)?;
        let routing = Routing::new(input, options.by.as_deref());
        enum Part<'a> {
            Tickets(&'a [Ticket]),
            Histories(&'a [TicketHistory]),
            Surveys(&'a [SurveyResponse]),
        }
        let mut parts: Vec<Part<'_>> = Vec::new();
        parts.extend(input.tickets.chunks(PARTITION).map(Part::Tickets));
        parts.extend(input.histories.chunks(PARTITION).map(Part::Histories));
        parts.extend(input.surveys.chunks(PARTITION).map(Part::Surveys));

        let run = |part: &Part<'_>| -> Result<ReportAccumulator, Error> {
            let mut acc = ReportAccumulator::new(options.clone())?;
            match part {
                Part::Tickets(ts) => {
                    for t in *ts {
                        acc.push_ticket(t, routing.ticket(t))?;
                    }
                }
                Part::Histories(hs) => {
                    for h in *hs {
                        acc.push_history(h, routing.ticket(h.ticket()))?;
                    }
                }
                Part::Surveys(rs) => {
                    for r in *rs {
                        acc.push_survey(r, routing.survey(r))?;
                    }
                }
            }
            Ok(acc)
        };

        let mut acc = ReportAccumulator::new(options.clone())?;
        for c in &input.customers {
            acc.push_customer(c)?;
        }
        for e in &input.costs {
            acc.push_cost(e)?;
        }
        for part in crate::par::try_map(&parts, run)? {
            acc.merge(part)?;
        }
        Ok(acc.finish())
    }
}
