//! The one-pass report: every KPI for each (period × dimension value) cell, plus totals.
//!
//! A user arrives with tickets (or an event log), survey responses, customers and costs; they
//! leave with one table whose rows are periods (in the report's zone) and, when grouped by a
//! dimension, one row per dimension value beside each period's total row. The columns are named
//! with their units (see [`ReportRow`]); a value that cannot be computed is `None` in the row,
//! with its reason in [`ReportRow::undefined`] — never 0.
//!
//! There are two engines, and they give equal tables (`tests/it/columnar.rs` checks it):
//!
//! - the **record path** ([`Report::compute_records`], and [`Report::compute`] for event
//!   histories, calendars per team, or instants the columns cannot hold) routes each record
//!   to its cells and lets the KPI accumulators of [`crate::kpi`] compute the cells' numbers,
//!   each cell picked by the KPI's own `bucket_instant`; the cost denominator's instant is
//!   `CostDenominator::bucket_at`, keyed with the report's cached bucketer. The table adds
//!   only ratios of sums of those numbers (`reopen_pct`, the overall `sla_attainment_pct`).
//! - the **columnar engine** (`columnar.rs`: [`Report::compute_columnar`], and
//!   [`Report::compute`] for every other input) pushes into the KPI accumulators for the
//!   durations, first-contact resolution, SLA and surveys (without a business calendar or SLA,
//!   the calendar seconds and FCR parts it reads from the nanosecond columns: `push_fast`),
//!   and works on raw instants for the rest by calling the same rule functions over nanoseconds: `FcrDenominator::bucket_at`,
//!   `ResolutionVariant::end_at`, `CostDenominator::bucket_at`, and `summary_exit` (a summary
//!   ticket's one stay in the backlog, as `TicketFacts::for_each_stay` has it).
//!
//! Both give the report's [`Sections`] from the same state as the rows: each row's CSAT and
//! NPS intervals from its cells, the arrivals (heatmap, spike days) and the backlog snapshot
//! (ages) from the total's volume and backlog, revenue retention and cohorts from the
//! customers retention counted, the drill-down lists from the values the cells counted.
//!
//! The rules themselves are in docs/definitions.md ("The report"). Which instant buckets a
//! record:
//!
//! | columns | bucketed by |
//! |---|---|
//! | `tickets_created`, `frt_*`, `next_reply_*`, `first_contact_resolution_pct`, `sla_*` | ticket creation |
//! | `tickets_resolved`, `resolution_*`, `status_time_n`, `requester_wait_*`, `agent_work_*`, `on_hold_*`, `pending_*` | resolution (the latest) |
//! | `tickets_reopened` | reopen (event logs only) |
//! | `reopen_pct` (= 100 × reopens / resolutions, `reopen_n` = resolutions) | both instants |
//! | `backlog_end` | open at the end of the period |
//! | `csat_*`, `nps*`, `ces_*` | response instant |
//! | `cost_per_ticket` | cost apportioned by days / tickets resolved in the period |
//! | `retention_pct` | customers active at the start and end of the period |
//!
//! **Dimensions.** [`field@ReportOptions::by`] names one: a ticket dimension (`channel`,
//! `priority`, `team`, `assignee`, `status`, `customer_id`, or any free-form column) or
//! `segment` (the customer's segment, joined through the ticket's `customer_id`). A survey
//! response takes the dimension value of the ticket it rates. Tickets without a value are grouped under
//! [`NO_VALUE`]. Cost per ticket is only reported on total rows (costs carry no dimension);
//! retention is split only by `segment`.
//!
//! **Partitions.** [`ReportAccumulator`] follows the accumulator laws: push records, merge
//! partitions in any order (its state serializes, so partitions may be computed in other
//! processes), finish into a [`Report`]. [`Report::compute`] splits the input into partitions
//! and, with the `parallel` feature (on by default), runs them on all cores; the result is
//! identical to one sequential pass because every merge is exact.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use supportkpi::report::{Report, ReportInput, ReportOptions};
//! use supportkpi::{Period, Ticket};
//!
//! let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
//! let tickets = vec![
//!     Ticket::builder("T-1", t0).first_response_at(t0 + Duration::minutes(30))
//!         .resolved_at(t0 + Duration::hours(4)).agent_replies(1).channel("email").build()?,
//!     Ticket::builder("T-2", t0 + Duration::days(1)).channel("chat").build()?,
//! ];
//! let input = ReportInput { tickets, ..ReportInput::default() };
//! let options = ReportOptions::default().with_period(Period::Month).with_by("channel");
//! let report = Report::compute(&input, &options)?;
//! let june = report.total_rows().next().unwrap();
//! assert_eq!(june.period_start.to_string(), "2021-06-01");
//! assert_eq!((june.tickets_created, june.tickets_resolved, june.backlog_end), (2, 1, 1));
//! assert_eq!(june.frt_mean_s, Some(1800.0));
//! assert_eq!(june.frt_unanswered, 1);
//! assert_eq!(june.csat_pct, None);
//! assert_eq!(june.undefined["csat_pct"], "no CSAT responses");
//! assert_eq!(report.rows.len(), 3); // the total row and one per channel
//! # Ok::<(), supportkpi::Error>(())
//! ```

#[cfg(feature = "arrow")]
mod arrow;
// Where things are: `options` (ReportOptions), `input` (ReportInput, the joins and each
// record's dimension value), `compute` (Report::compute*: which engine runs), `cells` (the KPIs
// built from the options and the cells both engines fill), `span` (the max_periods bound),
// `accumulator` (the record engine), `columnar` (the columnar engine), `state` (the compact
// mergeable state), `table` (rows, columns, CSV/JSON), `sections` (what a report carries
// besides its rows).
mod accumulator;
mod cells;
mod columnar;
mod compute;
mod drill;
pub mod filter;
mod held;
mod input;
mod options;
mod sections;
mod span;
mod state;
mod table;
pub mod tickets;

pub use accumulator::ReportAccumulator;
pub use drill::{
    DEFAULT_DRILL_DOWN_TOP, DrillDown, DrillDownPeriod, DrillList, DrillTicket, MAX_DRILL_DOWN_TOP,
};
pub use held::HeldInput;
pub use input::ReportInput;
pub use options::{DEFAULT_MAX_PERIODS, DEFAULT_MAX_ROWS, ReportOptions};
pub use sections::{BacklogAges, RowIntervals, Section, SectionSet, Sections};
pub use state::{ReportState, STATE_VERSION, Share, bucket_of, combine, merge};
pub use table::{COLUMNS, Column, ColumnType, Report, ReportRow, column, column_names, csv_text};
pub use tickets::{TICKET_COLUMNS, TicketMetrics, TicketMetricsRow};

// The engines' shared parts, named here so that every file of the module reaches them as
// `super::X`.
pub(crate) use crate::hash::IdHashBuilder;
use cells::{Cell, Flow, Kpis, PeriodCells, TicketRef, merge_retention, push_retention};
use compute::PARTITION;
use input::{Routing, check_summary_history_twins};
use span::Span;

/// The label of the rows for records that have no value for the report's dimension.
pub const NO_VALUE: &str = "(none)";
