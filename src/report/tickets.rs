//! The per-ticket table: every per-ticket fact the report aggregates, one row per ticket.
//!
//! An analyst who reads "FRT p90 6.3 h in January" is asked "which tickets?" next. The
//! [`TicketMetrics`] table answers it: one [`TicketMetricsRow`] per ticket (summary row or event
//! history) with its dimensions, its instants, its first response and resolution times in
//! calendar and business seconds, its replies, reopens and first-contact flag, where it stands
//! against each SLA target, whether it is open at the report's end and how old it is, and the
//! scores of the surveys that rate it.
//!
//! Every value comes from the same rule the report's KPIs use (first response and resolution
//! time, first contact, SLA status, backlog membership): the report is this table aggregated.
//! Grouping the rows by the period of the bucketing instant each KPI uses (see the table in
//! [`crate::report`]) and by a dimension gives the report's counts, means and exact quantiles:
//!
//! | report columns | rows | bucketed by |
//! |---|---|---|
//! | `tickets_created` | all | `created_at` |
//! | `frt_*` (`n`, mean, median, p90), `frt_unanswered` | `frt_s` set / not set | `created_at` |
//! | `resolution_*` | `resolution_s` set | `resolved_at` |
//! | `first_contact_resolution_*` | `first_contact_resolved` set | `created_at` |
//! | `sla_*` | the `sla_*_status` columns | `created_at` |
//! | `backlog_end` of the last period | `open_at_end` | — |
//!
//! For the first K tickets of such questions without a row per ticket — the slowest first
//! responses and resolutions and the SLA breaches of each period, the oldest open tickets —
//! the report carries its [`DrillDown`](super::DrillDown) section, kept as the report is
//! computed.
//!
//! **The report's end** ([`TicketMetrics::end`]) is the backlog snapshot's instant:
//! [`field@ReportOptions::as_of`] when given, else the end of the report's last ticket period (the
//! last of [`field@ReportOptions::range`], or the last period holding a ticket's creation,
//! resolution, reopen or cancellation).
//!
//! **Surveys follow their ticket**: `csat_score`, `nps_score` and `ces_score` are the score of
//! the latest response of that kind rating the ticket (by response instant; the later in the
//! input on a tie). Responses without a ticket id rate no ticket.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use supportkpi::report::{ReportInput, ReportOptions, TicketMetrics};
//! use supportkpi::Ticket;
//!
//! let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
//! let input = ReportInput {
//!     tickets: vec![
//!         Ticket::builder("T-1", t0).first_response_at(t0 + Duration::minutes(30))
//!             .resolved_at(t0 + Duration::hours(4)).agent_replies(1).reopens(0)
//!             .channel("email").build()?,
//!         Ticket::builder("T-2", t0 + Duration::days(1)).channel("chat").build()?,
//!     ],
//!     ..ReportInput::default()
//! };
//! let table = TicketMetrics::compute(&input, &ReportOptions::default())?;
//! let [t1, t2] = &table.rows[..] else { unreachable!() };
//! assert_eq!((t1.frt_s, t1.resolution_s), (Some(1800), Some(4 * 3600)));
//! assert_eq!(t1.first_contact_resolved, Some(true));
//! assert_eq!((t2.frt_s, t2.open_at_end), (None, true));
//! // The month's end: June 29th 09:00 to July 1st 00:00.
//! assert_eq!(t2.age_s, Some(39 * 3600));
//! assert!(table.to_csv().starts_with("ticket_id,channel,priority,"));
//! # Ok::<(), supportkpi::Error>(())
//! ```

use super::{Kpis, ReportInput, ReportOptions, TicketRef, check_summary_history_twins};
use crate::error::Error;
use crate::kpi::{SlaStatus, TicketFacts, is_first_contact};
use crate::model::{Instant, SurveyKind, Ticket, TicketId};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

/// The table's fixed columns, in order; the free-form dimensions the tickets carry follow
/// `segment`, by name, a dimension named like one of these columns under a name of its own
/// (see [`TicketMetrics::columns`]).
pub const TICKET_COLUMNS: [&str; 34] = [
    "ticket_id",
    "channel",
    "priority",
    "team",
    "assignee",
    "first_responder",
    "solver",
    "status",
    "customer_id",
    "segment",
    "created_at",
    "first_response_at",
    "first_resolved_at",
    "resolved_at",
    "frt_s",
    "frt_bh_s",
    "resolution_s",
    "resolution_bh_s",
    "agent_replies",
    "reopens",
    "resolutions",
    "first_contact_resolved",
    "sla_first_response_status",
    "sla_first_response_breached_at",
    "sla_resolution_status",
    "sla_resolution_breached_at",
    "open_at_end",
    "open_since",
    "age_s",
    "csat_score",
    "nps_score",
    "ces_score",
    "survey_responses",
    "merged_into",
];

/// Where the free-form dimension columns go: after `segment`.
pub(crate) const DIMENSIONS_AFTER: usize = 10;

/// What the column of a free-form dimension named like a fixed column is named after: `frt_s`
/// is written `frt_s_dimension` (see [`TicketMetrics::columns`]).
const DIMENSION_SUFFIX: &str = "_dimension";

/// The column name of each free-form dimension of `names` (sorted and distinct, as
/// [`TicketMetrics::dimension_names`]), in their order. Every door writes these names, so the
/// rule lives here once.
fn dimension_columns(names: &[String]) -> Vec<String> {
    // A renamed dimension yields to every name a source wrote (a `frt_s_dimension` column keeps
    // its name) and to the names given before it, so that distinctness rests on no property
    // of the fixed names' spelling.
    let mut taken: BTreeSet<&str> = TICKET_COLUMNS.into_iter().collect();
    taken.extend(names.iter().map(String::as_str));
    let mut given = Vec::with_capacity(names.len());
    for n in names {
        if !TICKET_COLUMNS.contains(&n.as_str()) {
            given.push(n.clone());
            continue;
        }
        let base = format!("{n}{DIMENSION_SUFFIX}");
        let mut name = base.clone();
        let mut i = 2;
        while taken.contains(name.as_str()) || given.contains(&name) {
            name = format!("{base}_{i}");
            i += 1;
        }
        given.push(name);
    }
    given
}

/// One ticket's facts, as the report reads them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketMetricsRow {
    /// The ticket's id.
    pub ticket_id: String,
    /// Its channel.
    pub channel: Option<String>,
    /// Its priority.
    pub priority: Option<String>,
    /// Its team.
    pub team: Option<String>,
    /// Its assignee (a history's last assignment).
    pub assignee: Option<String>,
    /// The agent of its first response (from an event log whose replies name their agent;
    /// `None` for summary rows, which do not record it).
    pub first_responder: Option<String>,
    /// The agent of its latest resolution (from an event log whose status changes name their
    /// agent, set when it ends resolved; `None` for summary rows).
    pub solver: Option<String>,
    /// Its status (snake_case canonical name).
    pub status: String,
    /// Its customer.
    pub customer_id: Option<String>,
    /// Its customer's segment (joined through `customer_id`).
    pub segment: Option<String>,
    /// Its free-form dimensions.
    pub dimensions: BTreeMap<String, String>,
    /// When it was created.
    pub created_at: Instant,
    /// Its first public agent reply.
    pub first_response_at: Option<Instant>,
    /// Its first resolution (set when it ends resolved).
    pub first_resolved_at: Option<Instant>,
    /// Its latest resolution (set when it ends resolved).
    pub resolved_at: Option<Instant>,
    /// First response time, calendar seconds (`None`: unanswered).
    pub frt_s: Option<i64>,
    /// First response time, business seconds (with a calendar).
    pub frt_bh_s: Option<i64>,
    /// Resolution time, calendar seconds (`None`: unresolved).
    pub resolution_s: Option<i64>,
    /// Resolution time, business seconds (with a calendar).
    pub resolution_bh_s: Option<i64>,
    /// Public agent replies (`None`: the source does not record them).
    pub agent_replies: Option<u32>,
    /// Times it was reopened (`None`: the source does not record it, e.g. Freshdesk's CSV).
    pub reopens: Option<u32>,
    /// Resolutions it went through (a history's every resolution; a summary row's latest).
    pub resolutions: u32,
    /// Resolved on first contact (`None`: reply or reopen count unknown, so outside the rate).
    pub first_contact_resolved: Option<bool>,
    /// Against the first-response target (`None`: no policy or no target for it).
    pub sla_first_response: Option<SlaStatus>,
    /// Against the resolution target.
    pub sla_resolution: Option<SlaStatus>,
    /// Open at the report's end ([`TicketMetrics::end`]).
    pub open_at_end: bool,
    /// Since when it is open at the report's end (its creation, or its last reopen).
    pub open_since: Option<Instant>,
    /// Its age at the report's end when open there: end − `created_at`, seconds.
    pub age_s: Option<i64>,
    /// The latest CSAT score given for it.
    pub csat_score: Option<i32>,
    /// The latest NPS score given for it.
    pub nps_score: Option<i32>,
    /// The latest CES score given for it.
    pub ces_score: Option<i32>,
    /// Survey responses rating it, of every kind.
    pub survey_responses: u32,
    /// The ticket it was merged into (event histories).
    pub merged_into: Option<String>,
}

/// The per-ticket table (see the [module docs](self)).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketMetrics {
    /// The options it was computed with.
    pub options: ReportOptions,
    /// The report's end: the instant `open_at_end` and `age_s` are judged at (`None` without
    /// tickets or `as_of`).
    pub end: Option<Instant>,
    /// Free-form dimension names carried by any ticket, sorted: the keys of each row's
    /// [`dimensions`](TicketMetricsRow::dimensions). Each is a column, under this name unless
    /// it is one of the fixed [`TICKET_COLUMNS`] (see [`columns`](TicketMetrics::columns) and
    /// [`dimension_columns`](TicketMetrics::dimension_columns)).
    pub dimension_names: Vec<String>,
    /// One row per ticket: summary rows first, then histories, each in input order.
    pub rows: Vec<TicketMetricsRow>,
}

/// One value of a row, for the writers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(Option<bool>),
    Time(Option<Instant>),
}

impl Value {
    fn to_csv(&self) -> String {
        match self {
            // Formula-safe, as the report's CSV (`csv_text`): an id or a team named `=1+1` is
            // text, not a spreadsheet formula.
            Value::Text(Some(s)) => super::table::csv_text(s, false),
            Value::Int(Some(v)) => v.to_string(),
            Value::Bool(Some(b)) => b.to_string(),
            Value::Time(Some(t)) => rfc3339(*t),
            _ => String::new(),
        }
    }

    fn to_json(&self) -> String {
        match self {
            Value::Text(Some(s)) => super::table::json_value(s),
            Value::Int(Some(v)) => v.to_string(),
            Value::Bool(Some(b)) => b.to_string(),
            Value::Time(Some(t)) => super::table::json_value(&rfc3339(*t)),
            _ => "null".into(),
        }
    }
}

/// An instant as RFC 3339 in UTC, to the second unless it has a fraction.
fn rfc3339(t: Instant) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// The name of an SLA status in the table: `met`, `breached`, `running`, or `paused` (running
/// with its clock stopped in a pause status: never met).
pub fn sla_status_name(s: &SlaStatus) -> &'static str {
    match s {
        SlaStatus::Met => "met",
        SlaStatus::Breached { .. } => "breached",
        SlaStatus::Running { .. } => "running",
        SlaStatus::Paused => "paused",
    }
}

fn breached_at(s: Option<SlaStatus>) -> Option<Instant> {
    match s? {
        SlaStatus::Breached { at } => Some(at),
        _ => None,
    }
}

impl TicketMetricsRow {
    /// The row's values in [`TicketMetrics::columns`] order (`names`: the table's free-form
    /// dimension names).
    pub(crate) fn values(&self, names: &[String]) -> Vec<Value> {
        use Value::{Bool as B, Int as I, Text as T, Time as At};
        let int = |v: Option<u32>| I(v.map(i64::from));
        let mut v = vec![
            T(Some(self.ticket_id.clone())),
            T(self.channel.clone()),
            T(self.priority.clone()),
            T(self.team.clone()),
            T(self.assignee.clone()),
            T(self.first_responder.clone()),
            T(self.solver.clone()),
            T(Some(self.status.clone())),
            T(self.customer_id.clone()),
            T(self.segment.clone()),
            At(Some(self.created_at)),
            At(self.first_response_at),
            At(self.first_resolved_at),
            At(self.resolved_at),
            I(self.frt_s),
            I(self.frt_bh_s),
            I(self.resolution_s),
            I(self.resolution_bh_s),
            int(self.agent_replies),
            int(self.reopens),
            int(Some(self.resolutions)),
            B(self.first_contact_resolved),
            T(self
                .sla_first_response
                .as_ref()
                .map(|s| sla_status_name(s).to_owned())),
            At(breached_at(self.sla_first_response)),
            T(self
                .sla_resolution
                .as_ref()
                .map(|s| sla_status_name(s).to_owned())),
            At(breached_at(self.sla_resolution)),
            B(Some(self.open_at_end)),
            At(self.open_since),
            I(self.age_s),
            I(self.csat_score.map(i64::from)),
            I(self.nps_score.map(i64::from)),
            I(self.ces_score.map(i64::from)),
            int(Some(self.survey_responses)),
            T(self.merged_into.clone()),
        ];
        let dims = names
            .iter()
            .map(|n| T(self.dimensions.get(n).cloned()))
            .collect::<Vec<_>>();
        v.splice(DIMENSIONS_AFTER..DIMENSIONS_AFTER, dims);
        v
    }
}

impl TicketMetrics {
    /// The table over `input` with the report's `options`: the rows [`crate::Report::compute`]
    /// aggregates for the same input and options.
    ///
    /// Filters ([`field@ReportOptions::filter`]) keep the rows of the tickets passing them.
    ///
    /// # Errors
    /// As [`crate::Report::compute`]: the options' errors (an unknown field in `by` or the
    /// filter), [`crate::ErrorKind::DuplicateId`]
    /// for a ticket given both as a summary row and as a history, and a ticket the SLA policy
    /// cannot judge (a business target without a calendar).
    pub fn compute(input: &ReportInput, options: &ReportOptions) -> Result<TicketMetrics, Error> {
        let kpis = Kpis::new(options)?;
        let prepared = super::filter::prepare(input, options, false)?;
        let input = prepared.as_ref().unwrap_or(input);
        check_summary_history_twins(input)?;
        let refs: Vec<TicketRef<'_>> = input
            .tickets
            .iter()
            .map(TicketRef::Summary)
            .chain(input.histories.iter().map(TicketRef::History))
            .collect();

        // The report's end: the backlog's snapshot instant.
        let b = options.bucketer();
        let last_end = match options.range {
            Some((_, last)) => Some(b.end_instant(b.key_of_date(last))),
            None => {
                let mut latest: Option<Instant> = None;
                for t in &refs {
                    facts(t).for_each_stay(|s| {
                        let at = s.to.map_or(s.from, |(to, _)| to.max(s.from));
                        latest = Some(latest.map_or(at, |l| l.max(at)));
                    });
                }
                latest.map(|at| b.end_instant(b.key(at)))
            }
        };
        let snapshot = crate::kpi::snapshot_at(options.as_of, last_end);

        let segments: HashMap<&str, &str> = input
            .customers
            .iter()
            .filter_map(|c| Some((c.id().as_str(), c.segment()?)))
            .collect();
        let mut scores: HashMap<&TicketId, Scores> = HashMap::new();
        for r in &input.surveys {
            if let Some(id) = r.ticket_id() {
                let s = scores.entry(id).or_default();
                s.responses += 1;
                let slot = &mut s.latest[match r.kind() {
                    SurveyKind::Csat => 0,
                    SurveyKind::Nps => 1,
                    SurveyKind::Ces => 2,
                }];
                if slot.is_none_or(|(at, _)| at <= r.responded_at()) {
                    *slot = Some((r.responded_at(), r.score()));
                }
            }
        }

        let row = |t: &TicketRef<'_>| -> Result<TicketMetricsRow, Error> {
            let f = facts(t);
            let ticket: &Ticket = f.ticket;
            let frt = kpis.frt.options().measure(ticket);
            let art = kpis
                .art
                .options()
                .measure(f)
                .map_err(|e| e.with_record_type("ticket").with_id(ticket.id().as_str()))?;
            // As the SLA KPI judges it: a history by its status spans (pauses stop the clock).
            let sla = match (&kpis.sla, t) {
                (Some(sla), TicketRef::History(h)) => Some(
                    sla.options()
                        .policy
                        .evaluate_history(h, sla.options().as_of)?,
                ),
                (Some(sla), TicketRef::Summary(_)) => {
                    Some(sla.options().policy.evaluate(ticket, sla.options().as_of)?)
                }
                (None, _) => None,
            };
            let replies = f.public_agent_replies();
            let reopens = f.reopens();
            let mut open_since = None;
            if let Some((_, bound)) = snapshot {
                f.for_each_stay(|s| {
                    if s.open_at(bound) {
                        open_since = Some(s.from);
                    }
                });
            }
            let age_s = match (open_since, snapshot) {
                (Some(_), Some((at, _))) => Some((at - ticket.created_at()).num_seconds()),
                _ => None,
            };
            let s = scores.get(ticket.id());
            let score = |i: usize| s.and_then(|s| s.latest[i]).map(|(_, v)| v);
            Ok(TicketMetricsRow {
                ticket_id: ticket.id().as_str().to_owned(),
                channel: ticket.channel().map(str::to_owned),
                priority: ticket.priority().map(str::to_owned),
                team: ticket.team().map(str::to_owned),
                assignee: ticket.assignee().map(str::to_owned),
                first_responder: ticket.first_responder().map(str::to_owned),
                solver: ticket.solver().map(str::to_owned),
                status: ticket.status().as_str().to_owned(),
                customer_id: ticket.customer_id().map(|c| c.as_str().to_owned()),
                segment: ticket
                    .customer_id()
                    .and_then(|c| segments.get(c.as_str()))
                    .map(|s| (*s).to_owned()),
                dimensions: ticket.dimensions().clone(),
                created_at: ticket.created_at(),
                first_response_at: ticket.first_response_at(),
                first_resolved_at: ticket.first_resolved_at(),
                resolved_at: ticket.resolved_at(),
                frt_s: frt.map(|(c, _)| c),
                frt_bh_s: frt.and_then(|(_, b)| b),
                resolution_s: art.map(|(c, _)| c),
                resolution_bh_s: art.and_then(|(_, b)| b),
                agent_replies: replies,
                reopens,
                resolutions: u32::try_from(f.resolution_events_iter().count()).unwrap_or(u32::MAX),
                first_contact_resolved: replies
                    .zip(reopens)
                    .map(|(r, o)| is_first_contact(Some(r), ticket.resolved_at().is_some(), o)),
                sla_first_response: sla.and_then(|s| s.first_response),
                sla_resolution: sla.and_then(|s| s.resolution),
                open_at_end: open_since.is_some(),
                open_since,
                age_s,
                csat_score: score(0),
                nps_score: score(1),
                ces_score: score(2),
                survey_responses: s.map_or(0, |s| s.responses),
                merged_into: match t {
                    TicketRef::History(h) => h.merged_into().map(|m| m.as_str().to_owned()),
                    TicketRef::Summary(_) => None,
                },
            })
        };
        let rows = crate::par::try_map(&refs, row)?;
        let names: BTreeSet<&String> = refs
            .iter()
            .flat_map(|t| t.ticket().dimensions().keys())
            .collect();
        Ok(TicketMetrics {
            options: options.clone(),
            end: snapshot.map(|(at, _)| at),
            dimension_names: names.into_iter().cloned().collect(),
            rows,
        })
    }

    /// The rows, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, TicketMetricsRow> {
        self.rows.iter()
    }

    /// The column names, every one distinct: [`TICKET_COLUMNS`] with the free-form dimensions
    /// after `segment` ([`dimension_columns`](Self::dimension_columns)). CSV, JSON and Arrow
    /// (so Python's `to_pandas`, `to_polars` and `to_dicts`, and the CLI's `tickets`) write
    /// these names.
    ///
    /// The fixed columns keep their names. A free-form dimension keeps its name unless it is
    /// one of them (a helpdesk export's `frt_s` or `ticket_id` column kept with
    /// [`keep_extra_columns`](crate::io::ReadOptions::keep_extra_columns), a builder's
    /// `.dimension("first_responder", …)`): it is then written `<name>_dimension`, or
    /// `<name>_dimension_2`, `_3`, … the first that no free-form dimension is named and no
    /// earlier one was given. With dimensions `frt_s` and `frt_s_dimension`, the first is
    /// written `frt_s_dimension_2` and the second keeps its name.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::report::{ReportInput, ReportOptions, TicketMetrics};
    /// use supportkpi::Ticket;
    ///
    /// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
    /// let input = ReportInput {
    ///     tickets: vec![Ticket::builder("T-1", t0).dimension("frt_s", "12")
    ///         .dimension("plan", "pro").build()?],
    ///     ..ReportInput::default()
    /// };
    /// let table = TicketMetrics::compute(&input, &ReportOptions::default())?;
    /// assert_eq!(table.dimension_names, ["frt_s", "plan"]);
    /// assert_eq!(table.dimension_columns(), ["frt_s_dimension", "plan"]);
    /// assert_eq!(&table.columns()[9..12], ["segment", "frt_s_dimension", "plan"]);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn columns(&self) -> Vec<String> {
        let mut c: Vec<String> = TICKET_COLUMNS.iter().map(|s| (*s).to_owned()).collect();
        c.splice(DIMENSIONS_AFTER..DIMENSIONS_AFTER, self.dimension_columns());
        c
    }

    /// The column name of each of [`dimension_names`](Self::dimension_names), in its order:
    /// the name itself, or for one of the fixed [`TICKET_COLUMNS`] the name
    /// [`columns`](Self::columns) gives it. Zipped with `dimension_names`, it maps a column back
    /// to the dimension it holds.
    pub fn dimension_columns(&self) -> Vec<String> {
        dimension_columns(&self.dimension_names)
    }

    /// The table as CSV: a header of [`columns`](Self::columns), one line per ticket, an empty
    /// field for a missing value, instants in RFC 3339 UTC. A free-form dimension's name is
    /// written as a text value is (quoted when it holds a comma, a quote or a line break; a
    /// leading `=`, `+`, `-`, `@`, tab or carriage return made text with a `'`), so the header
    /// has one field per column.
    pub fn to_csv(&self) -> String {
        // The names come from the input (a kept column's header), as the values do.
        let header: Vec<String> = self
            .columns()
            .iter()
            .map(|c| super::table::csv_text(c, false))
            .collect();
        let mut out = header.join(",");
        out.push('\n');
        for row in &self.rows {
            let fields: Vec<String> = row
                .values(&self.dimension_names)
                .iter()
                .map(Value::to_csv)
                .collect();
            out.push_str(&fields.join(","));
            out.push('\n');
        }
        out
    }

    /// The table as JSON: `{"columns": […], "rows": [{column: value, …}]}`, `null` for a
    /// missing value.
    pub fn to_json(&self) -> String {
        let columns = self.columns();
        let mut out = String::from("{\"columns\":");
        out.push_str(&super::table::json_value(&columns));
        out.push_str(",\"rows\":[");
        for (i, row) in self.rows.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('{');
            for (j, (name, v)) in columns
                .iter()
                .zip(row.values(&self.dimension_names))
                .enumerate()
            {
                if j > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{}:{}", super::table::json_value(name), v.to_json());
            }
            out.push('}');
        }
        out.push_str("]}");
        out
    }
}

impl<'a> IntoIterator for &'a TicketMetrics {
    type Item = &'a TicketMetricsRow;
    type IntoIter = std::slice::Iter<'a, TicketMetricsRow>;
    fn into_iter(self) -> Self::IntoIter {
        self.rows.iter()
    }
}

fn facts<'a>(t: &TicketRef<'a>) -> TicketFacts<'a> {
    match *t {
        TicketRef::Summary(t) => TicketFacts::summary(t),
        TicketRef::History(h) => TicketFacts::history(h),
    }
}

/// A ticket's survey responses: how many, and the latest (instant, score) per kind.
#[derive(Default)]
struct Scores {
    responses: u32,
    latest: [Option<(Instant, i32)>; 3],
}
