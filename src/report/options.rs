//! [`ReportOptions`]: what a report computes and how (period, zone, grouping, filters, each
//! KPI's options), with its `with_<field>` builders and its JSON form.

use super::drill::DEFAULT_DRILL_DOWN_TOP;
use super::filter;
use super::sections::SectionSet;
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
///
/// The options follow the KPIs' convention ([`kpi`](crate::kpi), "Options"): each is a public
/// field with a consuming builder `with_<field>(self, value) -> Self`, so a chain of builders
/// and a struct literal say the same thing. The grouping has two: [`with_by`](Self::with_by)
/// takes one dimension (or several written with commas), [`with_by_all`](Self::with_by_all) a
/// list; [`with_filter`](Self::with_filter) adds one condition per call. Nothing is checked
/// when an option is set: [`Report::compute`](super::Report::compute) and the report
/// accumulator check them all. The 0.1 bare setters (`period(p)`, `by(d)`, `by_all(ds)`, …)
/// remain as deprecated aliases until 0.3.
///
/// ```
/// use supportkpi::Period;
/// use supportkpi::report::{ReportOptions, filter::Condition};
/// let built = ReportOptions::default()
///     .with_period(Period::Week)
///     .with_zone(chrono_tz::Europe::Paris)
///     .with_by_all(["team", "priority"])
///     .with_filter("channel in (email,web)".parse::<Condition>()?);
/// let literal = ReportOptions {
///     period: Period::Week,
///     zone: chrono_tz::Europe::Paris,
///     by: Some("team,priority".into()),
///     filter: vec!["channel in (email,web)".parse::<Condition>()?],
///     ..ReportOptions::default()
/// };
/// assert_eq!(built, literal);
/// // The JSON form reads the same options, `by` as a list or as one string.
/// let json = r#"{"period": "week", "zone": "Europe/Paris", "by": ["team", "priority"],
///                "where": ["channel in (email,web)"]}"#;
/// assert_eq!(serde_json::from_str::<ReportOptions>(json).unwrap(), built);
/// # Ok::<(), supportkpi::Error>(())
/// ```
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
    /// A [`range`](field@Self::range) longer than this, or without a range, records whose instants
    /// span more periods, are an [`InvalidOption`](crate::ErrorKind::InvalidOption) error
    /// naming the record that stretched the span (see
    /// [`with_max_periods`](Self::with_max_periods)).
    pub max_periods: u64,
    /// The most rows a report may have (default [`DEFAULT_MAX_ROWS`]): a row per period and,
    /// grouped, one per (period, dimension value), so grouping by a field of many values
    /// (`customer_id`) over many periods is an [`InvalidOption`](crate::ErrorKind::InvalidOption)
    /// error naming the grouping, raised before any row is made, rather than memory the host
    /// does not have (see [`with_max_rows`](Self::with_max_rows)).
    #[serde(skip_serializing_if = "is_default_max_rows")]
    pub max_rows: u64,
    /// Which statuses count as requester wait and agent work (`requester_wait_*`,
    /// `agent_work_*` columns).
    pub status_time: StatusTimeMapping,
    /// A business calendar per team (or other dimension): every business-time measure of a
    /// ticket, and its business-clock SLA targets, use its team's calendar, `calendar` (which
    /// this needs) the others'.
    pub calendars: Option<crate::time::TeamCalendars>,
    /// The [`Sections`](super::Sections) the report computes (default: all). An unselected
    /// section is not computed, and stays empty. In JSON a list of names
    /// (`"sections": ["intervals", "backlog_ages"]`, see [`SectionSet`]); absent: all.
    #[serde(skip_serializing_if = "SectionSet::is_all")]
    pub sections: SectionSet,
    /// K: how many tickets each list of the [drill-down](super::DrillDown) section keeps
    /// (default [`DEFAULT_DRILL_DOWN_TOP`], at most [`MAX_DRILL_DOWN_TOP`](super::MAX_DRILL_DOWN_TOP): more is an
    /// [`InvalidOption`](crate::ErrorKind::InvalidOption) error; 0 keeps only the counts).
    #[serde(skip_serializing_if = "is_default_top")]
    pub drill_down_top: u32,
}

fn is_default_top(k: &u32) -> bool {
    *k == DEFAULT_DRILL_DOWN_TOP
}

fn is_default_max_rows(n: &u64) -> bool {
    *n == DEFAULT_MAX_ROWS
}

/// The default of [`ReportOptions::max_periods`](field@ReportOptions::max_periods): 10,000
/// periods (27 years by day, 833 by month), more than any real helpdesk's history and small
/// enough that a report's rows fit in memory.
pub const DEFAULT_MAX_PERIODS: u64 = 10_000;

/// The default of [`ReportOptions::max_rows`](field@ReportOptions::max_rows): 500,000 rows
/// (a monthly report by customer over two years of 20,000 customers). A row takes about
/// 10 KB until it is written, most of it the reasons of its undefined cells, so the bound
/// keeps a report's rows within about 5 GB; a table of one row per ticket is the per-ticket
/// table ([`TicketMetrics`](super::TicketMetrics)), which has no such bound.
pub const DEFAULT_MAX_ROWS: u64 = 500_000;

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
            max_rows: DEFAULT_MAX_ROWS,
            status_time: StatusTimeMapping::default(),
            calendars: None,
            sections: SectionSet::ALL,
            drill_down_top: DEFAULT_DRILL_DOWN_TOP,
        }
    }
}

impl ReportOptions {
    /// Sets the period length of the rows.
    #[must_use]
    pub fn with_period(mut self, period: Period) -> Self {
        self.period = period;
        self
    }
    /// Sets the zone the periods are cut in.
    #[must_use]
    pub fn with_zone(mut self, zone: Tz) -> Self {
        self.zone = zone;
        self
    }
    /// Sets the business calendar (durations are then reported in business time too).
    #[must_use]
    pub fn with_calendar(mut self, calendar: BusinessCalendar) -> Self {
        self.calendar = Some(calendar);
        self
    }
    /// Sets a business calendar per team (or other dimension); needs
    /// [`with_calendar`](Self::with_calendar) as the default.
    #[must_use]
    pub fn with_calendars(mut self, calendars: crate::time::TeamCalendars) -> Self {
        self.calendars = Some(calendars);
        self
    }
    /// Sets which statuses count as requester wait and agent work.
    #[must_use]
    pub fn with_status_time(mut self, mapping: StatusTimeMapping) -> Self {
        self.status_time = mapping;
        self
    }
    /// Groups by one dimension, or by several written with commas (`"team,priority"`), as the
    /// [`by`](field@Self::by) field holds them.
    #[must_use]
    pub fn with_by(mut self, dimension: impl Into<String>) -> Self {
        self.by = Some(dimension.into());
        self
    }
    /// Groups by each combination of several dimensions (see [`filter`]): the names joined
    /// with commas into [`by`](field@Self::by), as the JSON list form reads them; no names: totals
    /// only.
    #[must_use]
    pub fn with_by_all<I, S>(mut self, dimensions: I) -> Self
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
    /// Adds a condition the tickets must pass (see [`filter`]): each call appends one to
    /// [`filter`](field@Self::filter), and a ticket must pass them all.
    #[must_use]
    pub fn with_filter(mut self, condition: filter::Condition) -> Self {
        self.filter.push(condition);
        self
    }
    /// Sets the quantile mode.
    #[must_use]
    pub fn with_quantiles(mut self, mode: QuantileMode) -> Self {
        self.quantiles = mode;
        self
    }
    /// Sets the SLA policy.
    #[must_use]
    pub fn with_sla(mut self, policy: SlaPolicy) -> Self {
        self.sla = Some(policy);
        self
    }
    /// Sets the instant of judgement (SLA running vs breached, backlog snapshot).
    #[must_use]
    pub fn with_as_of(mut self, at: Instant) -> Self {
        self.as_of = Some(at);
        self
    }
    /// Sets the CSAT options.
    #[must_use]
    pub fn with_csat(mut self, options: CsatOptions) -> Self {
        self.csat = options;
        self
    }
    /// Sets the NPS options.
    #[must_use]
    pub fn with_nps(mut self, options: NpsOptions) -> Self {
        self.nps = options;
        self
    }
    /// Sets the CES options.
    #[must_use]
    pub fn with_ces(mut self, options: CesOptions) -> Self {
        self.ces = options;
        self
    }
    /// Sets the cost-per-ticket denominator.
    #[must_use]
    pub fn with_cost_denominator(mut self, denominator: CostDenominator) -> Self {
        self.cost_denominator = denominator;
        self
    }
    /// Sets the first-contact-resolution denominator.
    #[must_use]
    pub fn with_fcr_denominator(mut self, denominator: FcrDenominator) -> Self {
        self.fcr_denominator = denominator;
        self
    }
    /// Reports exactly the periods from `first` to `last` (local dates, both included).
    #[must_use]
    pub fn with_range(mut self, first: NaiveDate, last: NaiveDate) -> Self {
        self.range = Some((first, last));
        self
    }

    /// Bounds the number of periods (rows per dimension value) a report may have.
    ///
    /// Every instant of every record a report reads widens its span: a ticket's creation and
    /// resolutions, every event of a history, a response's instant, a cost entry's dates and
    /// a customer's acquisition and churn. Without a [`range`](field@Self::range), a span of more
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
    /// let by_day = ReportOptions::default().with_period(Period::Day);
    /// let err = Report::compute(&input, &by_day).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidOption);
    /// assert_eq!(err.record().map(|r| r.id.as_deref()), Some(Some("T-1")));
    /// assert_eq!(err.field(), Some("resolved_at"));
    /// assert!(err.to_string().contains("max_periods"), "{err}");
    /// // By year the same ticket is 9,999 periods: within the bound.
    /// let by_year = ReportOptions::default().with_period(Period::Year);
    /// let report = Report::compute(&input, &by_year)?;
    /// assert_eq!(report.total_rows().count(), 9999);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    #[must_use]
    pub fn with_max_periods(mut self, max: u64) -> Self {
        self.max_periods = max;
        self
    }
    /// Sets the most rows a report may have ([`DEFAULT_MAX_ROWS`] unless set). A report of
    /// more is an [`InvalidOption`](crate::ErrorKind::InvalidOption) error naming the grouping
    /// (field `by`, or `period` without one), from [`Report::compute`](super::Report::compute),
    /// [`merge`](super::merge) and every `finish`, before any row is made.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use supportkpi::{ErrorKind, Period, Ticket};
    /// use supportkpi::report::{Report, ReportInput, ReportOptions};
    /// let day = |d| Utc.with_ymd_and_hms(2024, 3, d, 9, 0, 0).unwrap();
    /// // Three customers over ten days: 10 periods × (3 values + the total) = 40 rows.
    /// let tickets = (0..30)
    ///     .map(|i| {
    ///         Ticket::builder(format!("T-{i}"), day(1 + i % 10))
    ///             .customer_id(format!("C-{}", i % 3))
    ///             .build()
    ///     })
    ///     .collect::<Result<Vec<_>, _>>()?;
    /// let input = ReportInput { tickets, ..ReportInput::default() };
    /// let daily = ReportOptions::default().with_period(Period::Day).with_by("customer_id");
    /// assert_eq!(Report::compute(&input, &daily)?.rows.len(), 40);
    /// let err = Report::compute(&input, &daily.clone().with_max_rows(39)).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidOption);
    /// assert_eq!((err.field(), err.value()), (Some("by"), Some("customer_id")));
    /// assert!(err.to_string().contains("max_rows = 39"), "{err}");
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    #[must_use]
    pub fn with_max_rows(mut self, max: u64) -> Self {
        self.max_rows = max;
        self
    }

    /// Selects the sections the report computes (see [`sections`](Self::sections)).
    ///
    /// ```
    /// use supportkpi::report::{ReportOptions, Section, SectionSet};
    /// let o = ReportOptions::default().with_sections([Section::Intervals, Section::Cohorts]);
    /// assert!(o.sections.contains(Section::Cohorts));
    /// assert!(!o.sections.contains(Section::RevenueRetention));
    /// let rows_only = ReportOptions::default().with_sections(SectionSet::NONE);
    /// assert_eq!(rows_only.sections.iter().count(), 0);
    /// ```
    #[must_use]
    pub fn with_sections(mut self, sections: impl Into<SectionSet>) -> Self {
        self.sections = sections.into();
        self
    }

    /// Sets K, the tickets each drill-down list keeps (see
    /// [`drill_down_top`](field@Self::drill_down_top)).
    ///
    /// ```
    /// use supportkpi::report::{Report, ReportInput, ReportOptions};
    /// use supportkpi::ErrorKind;
    /// let o = ReportOptions::default().with_drill_down_top(5);
    /// assert_eq!(o.drill_down_top, 5);
    /// let absurd = ReportOptions::default().with_drill_down_top(1_000_000);
    /// let err = Report::compute(&ReportInput::default(), &absurd).unwrap_err();
    /// assert_eq!((err.kind(), err.field()), (ErrorKind::InvalidOption, Some("drill_down_top")));
    /// ```
    #[must_use]
    pub fn with_drill_down_top(mut self, k: u32) -> Self {
        self.drill_down_top = k;
        self
    }

    // The 0.1 names, until 0.3: thin aliases of the builders above.

    /// Deprecated alias of [`with_period`](Self::with_period).
    #[deprecated(since = "0.2.0", note = "use with_period")]
    #[must_use]
    pub fn period(self, period: Period) -> Self {
        self.with_period(period)
    }
    /// Deprecated alias of [`with_zone`](Self::with_zone).
    #[deprecated(since = "0.2.0", note = "use with_zone")]
    #[must_use]
    pub fn zone(self, zone: Tz) -> Self {
        self.with_zone(zone)
    }
    /// Deprecated alias of [`with_calendar`](Self::with_calendar).
    #[deprecated(since = "0.2.0", note = "use with_calendar")]
    #[must_use]
    pub fn calendar(self, calendar: BusinessCalendar) -> Self {
        self.with_calendar(calendar)
    }
    /// Deprecated alias of [`with_calendars`](Self::with_calendars).
    #[deprecated(since = "0.2.0", note = "use with_calendars")]
    #[must_use]
    pub fn calendars(self, calendars: crate::time::TeamCalendars) -> Self {
        self.with_calendars(calendars)
    }
    /// Deprecated alias of [`with_status_time`](Self::with_status_time).
    #[deprecated(since = "0.2.0", note = "use with_status_time")]
    #[must_use]
    pub fn status_time(self, mapping: StatusTimeMapping) -> Self {
        self.with_status_time(mapping)
    }
    /// Deprecated alias of [`with_by`](Self::with_by).
    #[deprecated(since = "0.2.0", note = "use with_by")]
    #[must_use]
    pub fn by(self, dimension: impl Into<String>) -> Self {
        self.with_by(dimension)
    }
    /// Deprecated alias of [`with_filter`](Self::with_filter).
    #[deprecated(since = "0.2.0", note = "use with_filter")]
    #[must_use]
    pub fn filter(self, condition: filter::Condition) -> Self {
        self.with_filter(condition)
    }
    /// Deprecated alias of [`with_quantiles`](Self::with_quantiles).
    #[deprecated(since = "0.2.0", note = "use with_quantiles")]
    #[must_use]
    pub fn quantiles(self, mode: QuantileMode) -> Self {
        self.with_quantiles(mode)
    }
    /// Deprecated alias of [`with_sla`](Self::with_sla).
    #[deprecated(since = "0.2.0", note = "use with_sla")]
    #[must_use]
    pub fn sla(self, policy: SlaPolicy) -> Self {
        self.with_sla(policy)
    }
    /// Deprecated alias of [`with_as_of`](Self::with_as_of).
    #[deprecated(since = "0.2.0", note = "use with_as_of")]
    #[must_use]
    pub fn as_of(self, at: Instant) -> Self {
        self.with_as_of(at)
    }
    /// Deprecated alias of [`with_csat`](Self::with_csat).
    #[deprecated(since = "0.2.0", note = "use with_csat")]
    #[must_use]
    pub fn csat(self, options: CsatOptions) -> Self {
        self.with_csat(options)
    }
    /// Deprecated alias of [`with_nps`](Self::with_nps).
    #[deprecated(since = "0.2.0", note = "use with_nps")]
    #[must_use]
    pub fn nps(self, options: NpsOptions) -> Self {
        self.with_nps(options)
    }
    /// Deprecated alias of [`with_ces`](Self::with_ces).
    #[deprecated(since = "0.2.0", note = "use with_ces")]
    #[must_use]
    pub fn ces(self, options: CesOptions) -> Self {
        self.with_ces(options)
    }
    /// Deprecated alias of [`with_cost_denominator`](Self::with_cost_denominator).
    #[deprecated(since = "0.2.0", note = "use with_cost_denominator")]
    #[must_use]
    pub fn cost_denominator(self, denominator: CostDenominator) -> Self {
        self.with_cost_denominator(denominator)
    }
    /// Deprecated alias of [`with_fcr_denominator`](Self::with_fcr_denominator).
    #[deprecated(since = "0.2.0", note = "use with_fcr_denominator")]
    #[must_use]
    pub fn fcr_denominator(self, denominator: FcrDenominator) -> Self {
        self.with_fcr_denominator(denominator)
    }
    /// Deprecated alias of [`with_max_periods`](Self::with_max_periods).
    #[deprecated(since = "0.2.0", note = "use with_max_periods")]
    #[must_use]
    pub fn max_periods(self, max: u64) -> Self {
        self.with_max_periods(max)
    }
    /// Deprecated alias of [`with_by_all`](Self::with_by_all).
    #[deprecated(since = "0.2.0", note = "use with_by_all")]
    #[must_use]
    pub fn by_all<I, S>(self, dimensions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.with_by_all(dimensions)
    }
    /// Deprecated alias of [`with_range`](Self::with_range).
    #[deprecated(since = "0.2.0", note = "use with_range")]
    #[must_use]
    pub fn range(self, first: NaiveDate, last: NaiveDate) -> Self {
        self.with_range(first, last)
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

#[cfg(test)]
mod deprecated_options {
    //! The 0.1 names of the report's options still set the same fields (until 0.3).
    #![allow(deprecated)]
    use super::*;
    use crate::kpi::{CesScale, CsatScale, SlaTarget};
    use crate::time::TeamCalendars;

    /// Every alias against its builder, each on a default so that a no-op alias would fail,
    /// and the fields the aliases set checked by value.
    #[test]
    fn each_alias_sets_the_field_of_its_builder() {
        let d = ReportOptions::default;
        let calendar = BusinessCalendar::parse("Mon-Fri 09:00-17:00", Tz::UTC).unwrap();
        let teams = TeamCalendars::new()
            .by("team")
            .with("billing", calendar.clone());
        let mapping = StatusTimeMapping::default().with_agent_work([crate::model::Status::New]);
        let condition: filter::Condition = "channel in (email,web)".parse().unwrap();
        let sketch = QuantileMode::Sketch {
            relative_accuracy: 0.01,
        };
        let policy = SlaPolicy::new().resolution_default(SlaTarget::calendar(3600).unwrap());
        let at = chrono::DateTime::from_timestamp(1_600_000_000, 0).unwrap();
        let csat = CsatOptions::default().with_scale(CsatScale::ONE_TO_TEN);
        let nps = NpsOptions::default().with_confidence(0.9);
        let ces = CesOptions::default().with_scale(CesScale::EaseOneToSeven);
        let first = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(2024, 3, 31).unwrap();
        let paris = chrono_tz::Europe::Paris;

        let pairs = [
            (d().period(Period::Week), d().with_period(Period::Week)),
            (d().zone(paris), d().with_zone(paris)),
            (
                d().calendar(calendar.clone()),
                d().with_calendar(calendar.clone()),
            ),
            (
                d().calendars(teams.clone()),
                d().with_calendars(teams.clone()),
            ),
            (
                d().status_time(mapping.clone()),
                d().with_status_time(mapping.clone()),
            ),
            (d().by("team,priority"), d().with_by("team,priority")),
            (
                d().by_all(["team", "priority"]),
                d().with_by_all(["team", "priority"]),
            ),
            (
                d().by_all(Vec::<String>::new()),
                d().with_by_all(Vec::<String>::new()),
            ),
            (
                d().filter(condition.clone()),
                d().with_filter(condition.clone()),
            ),
            (d().quantiles(sketch), d().with_quantiles(sketch)),
            (d().sla(policy.clone()), d().with_sla(policy.clone())),
            (d().as_of(at), d().with_as_of(at)),
            (d().csat(csat), d().with_csat(csat)),
            (d().nps(nps), d().with_nps(nps)),
            (d().ces(ces), d().with_ces(ces)),
            (
                d().cost_denominator(CostDenominator::Created),
                d().with_cost_denominator(CostDenominator::Created),
            ),
            (
                d().fcr_denominator(FcrDenominator::Resolved),
                d().with_fcr_denominator(FcrDenominator::Resolved),
            ),
            (d().range(first, last), d().with_range(first, last)),
            (d().max_periods(12), d().with_max_periods(12)),
        ];
        for (i, (old, new)) in pairs.iter().enumerate() {
            assert_eq!(old, new, "alias #{i}");
        }
        // Each pair changed its field (the empty `by_all` aside, which leaves `by` unset).
        let unchanged: Vec<usize> = (0..pairs.len()).filter(|&i| pairs[i].0 == d()).collect();
        assert_eq!(unchanged, [7]);

        // The fields, by value: `by` joins a list with commas, `filter` appends.
        let old = d()
            .period(Period::Week)
            .zone(paris)
            .by_all(["team", "priority"])
            .filter(condition.clone())
            .filter(condition.clone())
            .range(first, last)
            .max_periods(12);
        assert_eq!(old.period, Period::Week);
        assert_eq!(old.zone, paris);
        assert_eq!(old.by.as_deref(), Some("team,priority"));
        assert_eq!(old.filter, [condition.clone(), condition]);
        assert_eq!(old.range, Some((first, last)));
        assert_eq!(old.max_periods, 12);
        // A later `by` replaces the grouping, as before.
        assert_eq!(old.by("channel").by.as_deref(), Some("channel"));
    }
}
