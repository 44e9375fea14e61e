//! [`ReportOptions`]: what a report computes and how (period, zone, grouping, filters, each
//! KPI's options), with its consuming setters and its JSON form.

use super::filter;
use crate::BusinessCalendar;
use crate::kpi::StatusTimeMapping;
use crate::kpi::{CesOptions, CostDenominator, CsatOptions, FcrDenominator, NpsOptions, SlaPolicy};
use crate::model::Instant;
use crate::stats::QuantileMode;
use crate::time::{Bucketer, Period};
use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// What a report computes and how: period, zone, business calendar, grouping, and each KPI's
/// options. [`Default`]: monthly in UTC, no calendar, no grouping, the KPI defaults of
/// docs/definitions.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReportOptions {
    /// Period length of the rows.
    pub period: Period,
    /// IANA zone the periods are cut in.
    pub zone: Tz,
    /// Business hours: when given, durations are reported in business time too (`*_bh_s`).
    pub calendar: Option<BusinessCalendar>,
    /// The dimension to group by (see the [module docs](crate::report)), or several separated
    /// by commas (`"team,priority"`: a row per combination, see [`filter`]); `None`: totals
    /// only. In JSON a string or a list of strings.
    #[serde(deserialize_with = "by_from_json")]
    pub by: Option<String>,
    /// Keeps the tickets passing every condition (see [`filter`]); empty: every ticket. In
    /// JSON `"where": ["channel in (email,web)", "priority=urgent"]`.
    #[serde(rename = "where")]
    pub filter: Vec<filter::Condition>,
    /// Exact quantiles (default) or a sketch with a relative error, for huge inputs.
    pub quantiles: QuantileMode,
    /// SLA targets; `None`: the `sla_*` columns are undefined.
    pub sla: Option<SlaPolicy>,
    /// The instant tickets are judged at for SLA (`None`: as final) and the end of the backlog.
    pub as_of: Option<Instant>,
    /// CSAT scale and threshold.
    pub csat: CsatOptions,
    /// NPS interval options.
    pub nps: NpsOptions,
    /// CES scale.
    pub ces: CesOptions,
    /// Which tickets divide the support cost.
    pub cost_denominator: CostDenominator,
    /// Which tickets divide first-contact resolutions.
    pub fcr_denominator: FcrDenominator,
    /// Report exactly the periods from the one containing the first date to the one containing
    /// the last; `None`: from the first to the last period with data.
    pub range: Option<(NaiveDate, NaiveDate)>,
    /// The most periods a report may have (default [`DEFAULT_MAX_PERIODS`]): the bound that
    /// keeps a report's memory and time proportional to its records, whatever their instants.
    /// A [`range`](Self::range) longer than this, or without a range, records whose instants
    /// span more periods, are an [`InvalidOption`](crate::ErrorKind::InvalidOption) error
    /// naming the record that stretched the span (see [`ReportOptions::max_periods`]).
    pub max_periods: u64,
    /// Which statuses count as requester wait and agent work (`requester_wait_*`,
    /// `agent_work_*` columns).
    pub status_time: StatusTimeMapping,
    /// A business calendar per team (or other dimension): every business-time measure of a
    /// ticket, and its business-clock SLA targets, use its team's calendar, `calendar` (which
    /// this needs) the others'.
    pub calendars: Option<crate::time::TeamCalendars>,
}

/// The default of [`ReportOptions::max_periods`]: 10,000 periods (27 years by day, 833 by month),
/// more than any real helpdesk's history and small enough that a report's rows fit in memory.
pub const DEFAULT_MAX_PERIODS: u64 = 10_000;

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            period: Period::Month,
            zone: Tz::UTC,
            calendar: None,
            by: None,
            filter: Vec::new(),
            quantiles: QuantileMode::Exact,
            sla: None,
            as_of: None,
            csat: CsatOptions::default(),
            nps: NpsOptions::default(),
            ces: CesOptions::default(),
            cost_denominator: CostDenominator::default(),
            fcr_denominator: FcrDenominator::default(),
            range: None,
            max_periods: DEFAULT_MAX_PERIODS,
            status_time: StatusTimeMapping::default(),
            calendars: None,
        }
    }
}

impl ReportOptions {
    /// Sets the period length.
    #[must_use]
    pub fn period(mut self, period: Period) -> Self {
        self.period = period;
        self
    }
    /// Sets the zone.
    #[must_use]
    pub fn zone(mut self, zone: Tz) -> Self {
        self.zone = zone;
        self
    }
    /// Sets the business calendar.
    #[must_use]
    pub fn calendar(mut self, calendar: BusinessCalendar) -> Self {
        self.calendar = Some(calendar);
        self
    }
    /// Sets a business calendar per team (or other dimension); needs [`calendar`](Self::calendar)
    /// as the default.
    #[must_use]
    pub fn calendars(mut self, calendars: crate::time::TeamCalendars) -> Self {
        self.calendars = Some(calendars);
        self
    }
    /// Sets which statuses count as requester wait and agent work.
    #[must_use]
    pub fn status_time(mut self, mapping: StatusTimeMapping) -> Self {
        self.status_time = mapping;
        self
    }
    /// Groups by a dimension.
    #[must_use]
    pub fn by(mut self, dimension: impl Into<String>) -> Self {
        self.by = Some(dimension.into());
        self
    }
    /// Groups by each combination of several dimensions (see [`filter`]).
    #[must_use]
    pub fn by_all<I, S>(mut self, dimensions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let names: Vec<String> = dimensions
            .into_iter()
            .map(|d| d.as_ref().to_owned())
            .collect();
        self.by = (!names.is_empty()).then(|| names.join(","));
        self
    }
    /// Adds a condition the tickets must pass (see [`filter`]).
    #[must_use]
    pub fn filter(mut self, condition: filter::Condition) -> Self {
        self.filter.push(condition);
        self
    }
    /// Sets the quantile mode.
    #[must_use]
    pub fn quantiles(mut self, mode: QuantileMode) -> Self {
        self.quantiles = mode;
        self
    }
    /// Sets the SLA policy.
    #[must_use]
    pub fn sla(mut self, policy: SlaPolicy) -> Self {
        self.sla = Some(policy);
        self
    }
    /// Sets the instant of judgement (SLA running vs breached, backlog snapshot).
    #[must_use]
    pub fn as_of(mut self, at: Instant) -> Self {
        self.as_of = Some(at);
        self
    }
    /// Sets the CSAT options.
    #[must_use]
    pub fn csat(mut self, options: CsatOptions) -> Self {
        self.csat = options;
        self
    }
    /// Sets the NPS options.
    #[must_use]
    pub fn nps(mut self, options: NpsOptions) -> Self {
        self.nps = options;
        self
    }
    /// Sets the CES options.
    #[must_use]
    pub fn ces(mut self, options: CesOptions) -> Self {
        self.ces = options;
        self
    }
    /// Sets the cost-per-ticket denominator.
    #[must_use]
    pub fn cost_denominator(mut self, denominator: CostDenominator) -> Self {
        self.cost_denominator = denominator;
        self
    }
    /// Sets the first-contact-resolution denominator.
    #[must_use]
    pub fn fcr_denominator(mut self, denominator: FcrDenominator) -> Self {
        self.fcr_denominator = denominator;
        self
    }
    /// Reports exactly the periods from `first` to `last` (local dates, both included).
    #[must_use]
    pub fn range(mut self, first: NaiveDate, last: NaiveDate) -> Self {
        self.range = Some((first, last));
        self
    }

    /// Bounds the number of periods (rows per dimension value) a report may have.
    ///
    /// Every instant of every record a report reads widens its span: a ticket's creation and
    /// resolutions, every event of a history, a response's instant, a cost entry's dates and
    /// a customer's acquisition and churn. Without a [`range`](Self::range), a span of more
    /// periods than this is refused when the record that stretches it is pushed (or when
    /// partitions are merged), before anything is allocated for the periods; with a range, the
    /// range is checked instead (records outside it add no rows).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::report::{Report, ReportInput, ReportOptions};
    /// use supportkpi::{ErrorKind, Period, Ticket};
    /// let created = Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap();
    /// let resolved = Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0).unwrap();
    /// let tickets = vec![Ticket::builder("T-1", created).resolved_at(resolved).build()?];
    /// let input = ReportInput { tickets, ..ReportInput::default() };
    /// let err = Report::compute(&input, &ReportOptions::default().period(Period::Day)).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidOption);
    /// assert_eq!(err.record().map(|r| r.id.as_deref()), Some(Some("T-1")));
    /// assert_eq!(err.field(), Some("resolved_at"));
    /// assert!(err.to_string().contains("max_periods"), "{err}");
    /// // By year the same ticket is 9,999 periods: within the bound.
    /// let report = Report::compute(&input, &ReportOptions::default().period(Period::Year))?;
    /// assert_eq!(report.total_rows().count(), 9999);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    #[must_use]
    pub fn max_periods(mut self, max: u64) -> Self {
        self.max_periods = max;
        self
    }

    /// The bucketer of the rows.
    pub fn bucketer(&self) -> Bucketer {
        Bucketer::new(self.period, self.zone)
    }

    /// Whether rows are split by customer segment.
    pub(super) fn by_segment(&self) -> bool {
        self.by.as_deref() == Some("segment")
    }
}

/// `by` in JSON: a name, a list of names, or null.
fn by_from_json<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum By {
        One(String),
        Several(Vec<String>),
    }
    Ok(match Option::<By>::deserialize(d)? {
        None => None,
        Some(By::One(s)) => Some(s),
        Some(By::Several(v)) if v.is_empty() => None,
        Some(By::Several(v)) => Some(v.join(",")),
    })
}
