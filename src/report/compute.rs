//! `Report::compute*`: which engine computes a report, and the record engine's partitions.

use super::Report;
use super::{
    ReportAccumulator, ReportInput, ReportOptions, Routing, check_summary_history_twins, columnar,
    filter,
};
use crate::columnar::{SurveyTable, TicketTable};
use crate::error::{Error, ErrorKind};
use crate::model::{SurveyResponse, Ticket, TicketHistory};

/// How many records a partition of [`Report::compute`] holds at most.
pub(super) const PARTITION: usize = 64 * 1024;

/// The engine that computes an input, chosen by what the input is: both give the same table,
/// the columnar one several times faster even with the conversion, but the columns hold only
/// summary tickets, no team calendars, and instants of 1677–2262.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Engine {
    /// Summary tickets and responses whose every instant fits the columns.
    Columnar,
    /// Event histories, calendars per team (the columns carry no team for a ticket's
    /// calendar), or an instant outside the columns' range.
    Records,
}

impl Engine {
    /// The engine of `input` under `options`. Deciding here, rather than trying the conversion
    /// and falling back when it fails, keeps a conversion error an error.
    pub(super) fn of(input: &ReportInput, options: &ReportOptions) -> Engine {
        if input.histories.is_empty() && options.calendars.is_none() && input.fits_columns() {
            Engine::Columnar
        } else {
            Engine::Records
        }
    }
}

/// The ticket and survey tables of an [`Engine::Columnar`] input (only the free-form dimension
/// the report groups by is kept).
///
/// # Errors
/// A ticket or response the columns refuse.
pub(super) fn columns(
    input: &ReportInput,
    options: &ReportOptions,
) -> Result<(TicketTable, SurveyTable), Error> {
    Ok((
        TicketTable::for_report(&input.tickets, options.by.as_deref())?,
        SurveyTable::from_responses(&input.surveys)?,
    ))
}

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
    /// let options = ReportOptions::default().with_by("channel");
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
        // Filters and combinations select and label the tables' rows as the record path does
        // its records; the report keeps the options as given.
        let (share, scope) = (super::state::Share::Count, filter::Scope::Whole);
        columnar::partial_of(input, options, share, scope)?.finish()
    }

    /// Computes the report over all the input, in partitions (in parallel with the `parallel`
    /// feature); the result equals one sequential pass exactly.
    ///
    /// Summary tickets are turned into columns and computed by the engine of
    /// [`Report::compute_columnar`] (the same table, several times faster even with the
    /// conversion); event histories, calendars per team, or an instant outside the columns'
    /// 1677–2262 go to the record accumulators ([`Report::compute_records`]). The engine is
    /// chosen by what the input is: a ticket the columns refuse is an error, not a detour. For inputs of millions of tickets, reading
    /// straight into columns (`io::load_columnar`) saves the `Vec<Ticket>` as well.
    ///
    /// # Errors
    /// The options' errors ([`ReportAccumulator::new`]), [`ErrorKind::DuplicateId`] for a
    /// ticket given both as a summary row and as a history, and the first record a KPI rejects.
    pub fn compute(input: &ReportInput, options: &ReportOptions) -> Result<Report, Error> {
        Self::filtered(input, options, Self::compute_prepared)
    }

    /// `compute` over the input as the options' filters and dimensions prepare it (the
    /// filters applied, so `compute` runs without them), reporting the options as given.
    fn filtered(
        input: &ReportInput,
        options: &ReportOptions,
        compute: fn(&ReportInput, &ReportOptions) -> Result<Report, Error>,
    ) -> Result<Report, Error> {
        match filter::prepare(input, options, true)? {
            Some(prepared) => {
                let inner = ReportOptions {
                    filter: Vec::new(),
                    ..options.clone()
                };
                let mut report = compute(&prepared, &inner)?;
                report.options = options.clone();
                Ok(report)
            }
            None => compute(input, options),
        }
    }

    fn compute_prepared(input: &ReportInput, options: &ReportOptions) -> Result<Report, Error> {
        match Engine::of(input, options) {
            Engine::Columnar => {
                let (tickets, surveys) = columns(input, options)?;
                columnar::compute(
                    &columnar::Inputs {
                        tickets: &tickets,
                        surveys: &surveys,
                        customers: &input.customers,
                        costs: &input.costs,
                    },
                    options,
                )
            }
            Engine::Records => Self::compute_records_prepared(input, options),
        }
    }

    /// [`Report::compute`] through the record accumulators only, whatever the input: the path
    /// of event histories, and the reference the columnar engine is tested against.
    ///
    /// # Errors
    /// As [`Report::compute`].
    pub fn compute_records(input: &ReportInput, options: &ReportOptions) -> Result<Report, Error> {
        Self::filtered(input, options, Self::compute_records_prepared)
    }

    fn compute_records_prepared(
        input: &ReportInput,
        options: &ReportOptions,
    ) -> Result<Report, Error> {
        check_summary_history_twins(input)?;
        let routing = Routing::new(input, options.by.as_deref());
        check_rows_before(input, options, &routing)?;
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
        acc.finish()
    }
}

/// The record engine's check before its pass ([`table::check_rows_before`](super::table)).
pub(super) fn check_rows_before(
    input: &ReportInput,
    options: &ReportOptions,
    routing: &Routing<'_>,
) -> Result<(), Error> {
    let tickets = || {
        input
            .tickets
            .iter()
            .chain(input.histories.iter().map(TicketHistory::ticket))
    };
    let created = || {
        let created = tickets().map(Ticket::created_at);
        created.clone().min().zip(created.max())
    };
    let count = input.tickets.len() + input.histories.len();
    super::table::check_rows_before(options, created, count, || {
        tickets()
            .map(|t| routing.ticket(t).unwrap_or(super::NO_VALUE))
            .collect::<std::collections::HashSet<&str>>()
            .len()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DeriveOptions, EventKind, StatusMap, SurveyKind, derive_histories};
    use crate::{TicketEvent, time::TeamCalendars};
    use chrono::{Duration, TimeZone, Utc};

    fn input() -> ReportInput {
        let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
        ReportInput {
            tickets: vec![
                Ticket::builder("T-1", t0)
                    .resolved_at(t0 + Duration::hours(2))
                    .build()
                    .unwrap(),
            ],
            ..ReportInput::default()
        }
    }

    #[test]
    fn the_engine_follows_what_the_input_is() {
        let o = ReportOptions::default();
        assert_eq!(Engine::of(&input(), &o), Engine::Columnar);

        let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
        let events = [TicketEvent::new("T-2", t0, EventKind::Created)];
        let with_history = ReportInput {
            histories: derive_histories(events, &StatusMap::canonical(), DeriveOptions::new())
                .unwrap(),
            ..input()
        };
        assert_eq!(Engine::of(&with_history, &o), Engine::Records);

        let per_team = ReportOptions {
            calendars: Some(TeamCalendars::new()),
            ..ReportOptions::default()
        };
        assert_eq!(Engine::of(&input(), &per_team), Engine::Records);

        // A latest resolution in 2300 and a response in 1600: valid records the columns'
        // nanoseconds cannot hold.
        let mut late = input();
        let created = late.tickets[0].created_at();
        let far = Utc.with_ymd_and_hms(2300, 1, 1, 0, 0, 0).unwrap();
        late.tickets[0] = Ticket::builder("T-1", created)
            .resolved_at(far)
            .build()
            .unwrap();
        assert_eq!(Engine::of(&late, &o), Engine::Records);
        let early = Utc.with_ymd_and_hms(1600, 1, 1, 0, 0, 0).unwrap();
        let mut old = input();
        old.surveys = vec![SurveyResponse::new("S-1", early, SurveyKind::Csat, 5).unwrap()];
        assert_eq!(Engine::of(&old, &o), Engine::Records);
    }

    #[test]
    fn out_of_range_instants_go_to_the_records_and_give_their_table() {
        let mut late = input();
        let created = late.tickets[0].created_at();
        let far = Utc.with_ymd_and_hms(2300, 1, 1, 0, 0, 0).unwrap();
        late.tickets[0] = Ticket::builder("T-1", created)
            .resolved_at(far)
            .build()
            .unwrap();
        let o = ReportOptions::default().with_period(crate::Period::Year);
        let report = Report::compute(&late, &o).unwrap();
        assert_eq!(report, Report::compute_records(&late, &o).unwrap());
        // 2021 to 2300: 280 yearly rows, the ticket created in the first, resolved in the last.
        let rows: Vec<_> = report.total_rows().collect();
        assert_eq!(rows.len(), 280);
        assert_eq!((rows[0].tickets_created, rows[0].tickets_resolved), (1, 0));
        assert_eq!(rows[279].tickets_resolved, 1);
        // The state takes the same engine.
        assert_eq!(
            crate::report::ReportState::from_input(&late, &o)
                .unwrap()
                .finish()
                .unwrap(),
            report
        );
    }
}
