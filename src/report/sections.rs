//! The report's sections: what a report knows beyond its period × dimension rows — the 95%
//! intervals of each row's CSAT and NPS, when tickets arrive (weekday × hour heatmap, spike
//! days), the age of the open backlog, revenue retention (GRR, NRR), the cohort matrix and the
//! drill-down lists (the tickets behind the numbers, `drill.rs`).
//! Both engines fill them from the same KPI state as the rows, once; the doors (Python, C
//! through the JSON, the CLI's HTML) only render them.

use super::ReportOptions;
use super::drill::{Drill, DrillDown};
use crate::error::Error;
use crate::kpi::{
    Accumulator, AgeBucket, Arrivals, BacklogSnapshot, CohortRetention, Kpi, Metric,
    RetentionOptions, RevenueRetention, RevenueRetentionOptions, RevenueSnapshot, SpikeDay,
    spike_days,
};
use crate::model::{Currency, Customer, Instant};
use crate::stats::interval::Interval;
use crate::stats::trend::SpikeOptions;
use crate::time::PeriodKey;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a [`Report`](super::Report) carries besides its rows.
///
/// - `intervals`: one entry per row of the report, in the rows' order: the Wilson 95%
///   interval of the row's `csat_pct` and the 95% interval of its `nps` (docs/definitions.md,
///   "CSAT" and "NPS"), with their n and, when undefined, the reason.
/// - `heatmap` and `spike_days`: tickets created by local weekday (`[0]` = Monday) × hour in
///   the report's zone, and the days whose created count is a spike (robust z-score over the
///   trailing 28 days, threshold 3.5: [`Volume`](crate::kpi::Volume)'s defaults).
/// - `backlog_ages`: the open backlog at the report's `as_of` (or at the end of the backlog's
///   last period) by age since creation ([`Backlog`](crate::kpi::Backlog)'s snapshot).
/// - `revenue_retention`: gross and net revenue retention of each of the report's periods
///   ([`RevenueRetention`] over the snapshots [`RevenueSnapshot::from_customers`] reads from
///   the report's customers in its zone; docs/definitions.md, "Revenue retention from
///   customers"). Totals only, not per dimension value. Empty without customers.
/// - `drill_down`: per report period the tickets behind the slowest first responses, the
///   slowest resolutions and the SLA breaches, and the oldest tickets open at the backlog
///   snapshot, the first K ([`ReportOptions::drill_down_top`]) of each list with its n
///   ([`DrillDown`]; docs/definitions.md, "Drill-down"). Totals only.
/// - `cohorts`: the cohort matrix (cohorts of the report's period, a month by default, in its
///   zone) of the customers acquired in the report's periods, k running through its last
///   period ([`CohortRetention`]; docs/definitions.md, "Cohort matrix"). Totals only. Empty
///   without customers.
///
/// The customers counted are those of the report's retention: with
/// [`Share::LookupOnly`](super::Share::LookupOnly) a state adds none.
///
/// Each part is computed only when [`ReportOptions::sections`] selects it (default: all; see
/// [`Section`]): an unselected part is empty — no intervals, a zero heatmap and no spike days
/// (`arrivals`), `backlog_ages` `None`, no revenue retention or cohort lines, `drill_down`
/// `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sections {
    /// Per row: the CSAT and NPS intervals (empty unless [`Section::Intervals`] is selected).
    pub intervals: Vec<RowIntervals>,
    /// Created tickets by local weekday (`[0]` = Monday) and hour (`[h]` = h:00–h:59); zero
    /// unless [`Section::Arrivals`] is selected.
    pub heatmap: [[u64; 24]; 7],
    /// Days whose created count is a spike, in date order ([`Section::Arrivals`]).
    pub spike_days: Vec<SpikeDay>,
    /// The open backlog by age; `None` without tickets (and without `as_of` or `range`, which
    /// fix the snapshot's instant), or unless [`Section::BacklogAges`] is selected.
    pub backlog_ages: Option<BacklogAges>,
    /// Per report period: GRR and NRR of the customers with revenue at its start (empty
    /// unless [`Section::RevenueRetention`] is selected).
    #[serde(default)]
    pub revenue_retention: Vec<RevenueRetentionRow>,
    /// Per cohort (acquisition period): its size and how many are active k periods on (empty
    /// unless [`Section::Cohorts`] is selected).
    #[serde(default)]
    pub cohorts: Vec<CohortLine>,
    /// The tickets behind the numbers (`None` unless [`Section::DrillDown`] is selected).
    #[serde(default)]
    pub drill_down: Option<DrillDown>,
}

/// Revenue retention of one report period (docs/definitions.md, "Revenue retention").
///
/// Amounts are exact decimals (text in JSON) in `currency`. When the rates cannot be computed
/// (no customer with revenue at the period start, customers' revenue in more than one
/// currency, a negative revenue) they are `None` and `undefined` says why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevenueRetentionRow {
    /// The period's first day.
    pub period_start: NaiveDate,
    /// The day after the period (as a row's `period_end`).
    pub period_end: NaiveDate,
    /// Gross revenue retention, percent: 100 × Σ min(start, end) / Σ start.
    pub grr_pct: Option<Decimal>,
    /// Net revenue retention, percent: 100 × Σ end / Σ start.
    pub nrr_pct: Option<Decimal>,
    /// The starting cohort: customers with revenue at the period start (the rates' n).
    pub n: u64,
    /// Of those, customers at zero revenue at the end of the period.
    pub churned: u64,
    /// Σ start revenue of the starting cohort.
    pub start_revenue: Option<Decimal>,
    /// Σ end revenue of the starting cohort (customers acquired in the period excluded).
    pub end_revenue: Option<Decimal>,
    /// The currency of the amounts (`None` when there is not exactly one).
    pub currency: Option<Currency>,
    /// Why each `None` field is undefined, by field name.
    pub undefined: BTreeMap<String, String>,
}

/// One cohort of the cohort matrix: the customers acquired in one report period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortLine {
    /// The first day of the acquisition period.
    pub cohort_start: NaiveDate,
    /// Customers acquired in it (a returning customer counts again in its return's cohort).
    pub size: u64,
    /// `active[k]`: of those, still active at the end of the k-th period after the
    /// acquisition period (`[0]`: at the end of the acquisition period itself), through the
    /// report's last period.
    pub active: Vec<u64>,
    /// `share_pct[k]` = 100 × `active[k]` / `size`.
    pub share_pct: Vec<f64>,
}

/// The customer records a report counts, kept as records: the revenue and cohort sections are
/// worked out from them once the report's periods are known. Sorted (by id, acquisition,
/// churn) when serialized and when finished, so a state's bytes and sections do not depend on
/// the order of pushes and merges (retention has refused two records of one id and
/// acquisition, so the order is total).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "Vec<Customer>", into = "Vec<Customer>")]
pub(super) struct CustomerBook {
    customers: Vec<Customer>,
}

fn order(c: &Customer) -> (&str, Instant, Option<Instant>) {
    (c.id().as_str(), c.acquired_at(), c.churned_at())
}

impl From<Vec<Customer>> for CustomerBook {
    fn from(mut customers: Vec<Customer>) -> Self {
        customers.sort_by(|a, b| order(a).cmp(&order(b)));
        CustomerBook { customers }
    }
}

impl From<CustomerBook> for Vec<Customer> {
    fn from(b: CustomerBook) -> Self {
        b.sorted()
    }
}

impl CustomerBook {
    pub(super) fn push(&mut self, c: &Customer) {
        self.customers.push(c.clone());
    }

    pub(super) fn merge(&mut self, other: CustomerBook) {
        self.customers.extend(other.customers);
    }

    fn sorted(mut self) -> Vec<Customer> {
        self.customers.sort_by(|a, b| order(a).cmp(&order(b)));
        self.customers
    }

    /// The revenue retention and cohorts over the report's periods `keys`, each only when the
    /// options select it (else empty, and not worked out).
    pub(super) fn finish(
        self,
        o: &ReportOptions,
        keys: &[PeriodKey],
    ) -> (Vec<RevenueRetentionRow>, Vec<CohortLine>) {
        let (Some(first), Some(last)) = (keys.first(), keys.last()) else {
            return (Vec::new(), Vec::new());
        };
        if self.customers.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let book = CustomerBook {
            customers: self.sorted(),
        };
        let range = Some((first.start, last.start));
        let revenue = if o.sections.contains(Section::RevenueRetention) {
            book.revenue(o, keys, range)
        } else {
            Vec::new()
        };
        let cohorts = if o.sections.contains(Section::Cohorts) {
            // The book holds the customers retention accepted, whose push refuses the one
            // error a cohort push has (overlapping tenures of an id, `DuplicateId`), and the
            // options are the report's, already checked: an error here is a bug, not input.
            match book.cohorts(o, range) {
                Ok(lines) => lines,
                Err(e) => {
                    debug_assert!(false, "cohorts of accepted customers failed: {e}");
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        (revenue, cohorts)
    }

    fn revenue(
        &self,
        o: &ReportOptions,
        keys: &[PeriodKey],
        range: Option<(NaiveDate, NaiveDate)>,
    ) -> Vec<RevenueRetentionRow> {
        let computed = (|| -> Result<_, Error> {
            if self
                .customers
                .iter()
                .all(|c| c.recurring_revenue().is_none())
            {
                return Ok(None);
            }
            let options = RevenueRetentionOptions {
                period: o.period,
                range,
            };
            let mut acc = RevenueRetention::new(options)?.accumulator();
            for s in RevenueSnapshot::from_customers(&self.customers, o.zone)? {
                acc.push(&s)?;
            }
            Ok(Some(acc.finish()))
        })();
        let why = match &computed {
            Ok(None) => Some("no customer has a recurring revenue".to_owned()),
            Err(e) => Some(format!("revenue retention: {e}")),
            Ok(Some(_)) => None,
        };
        let result = computed.ok().flatten();
        let mut periods = result.iter().flat_map(|r| &r.periods).peekable();
        let currency = result.as_ref().and_then(|r| r.currency);
        keys.iter()
            .map(|k| {
                let mut undefined = BTreeMap::new();
                let p = periods.next_if(|p| p.period == *k);
                let mut row = RevenueRetentionRow {
                    period_start: k.start,
                    period_end: k.end(),
                    grr_pct: None,
                    nrr_pct: None,
                    n: 0,
                    churned: 0,
                    start_revenue: None,
                    end_revenue: None,
                    currency: None,
                    undefined: BTreeMap::new(),
                };
                match (p, &why) {
                    (Some(p), None) => {
                        let mut rate = |m: &Metric<Decimal>, field: &str| match m {
                            Metric::Value(v) => Some(*v),
                            Metric::Undefined(u) => {
                                undefined.insert(field.to_owned(), u.reason().to_owned());
                                None
                            }
                        };
                        row.grr_pct = rate(&p.grr_pct, "grr_pct");
                        row.nrr_pct = rate(&p.nrr_pct, "nrr_pct");
                        row.n = p.starting_customers;
                        row.churned = p.churned_customers;
                        row.start_revenue = Some(p.start_revenue);
                        row.end_revenue = Some(p.end_revenue);
                        row.currency = currency;
                    }
                    (_, reason) => {
                        let reason = reason
                            .clone()
                            .unwrap_or_else(|| "no revenue retention for the period".to_owned());
                        for f in [
                            "grr_pct",
                            "nrr_pct",
                            "start_revenue",
                            "end_revenue",
                            "currency",
                        ] {
                            undefined.insert(f.to_owned(), reason.clone());
                        }
                    }
                }
                row.undefined = undefined;
                row
            })
            .collect()
    }

    fn cohorts(
        &self,
        o: &ReportOptions,
        range: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<Vec<CohortLine>, Error> {
        let options = RetentionOptions {
            period: o.period,
            zone: o.zone,
            range,
        };
        let mut acc = CohortRetention::new(options)?.accumulator();
        for c in &self.customers {
            acc.push(c)?;
        }
        let mut lines: Vec<CohortLine> = Vec::new();
        for row in acc.finish().rows {
            match lines.last_mut() {
                Some(l) if l.cohort_start == row.cohort.start => {
                    l.active.push(row.active);
                    l.share_pct.push(row.share_pct);
                }
                _ => lines.push(CohortLine {
                    cohort_start: row.cohort.start,
                    size: row.size,
                    active: vec![row.active],
                    share_pct: vec![row.share_pct],
                }),
            }
        }
        Ok(lines)
    }
}

/// The 95% intervals of one report row's CSAT and NPS.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RowIntervals {
    /// The row's period start.
    pub period_start: NaiveDate,
    /// The row's dimension value; `None` on a total row.
    pub dimension: Option<String>,
    /// Lower bound of the CSAT Wilson 95% interval, percent.
    pub csat_low_pct: Option<f64>,
    /// Upper bound of the CSAT Wilson 95% interval, percent.
    pub csat_high_pct: Option<f64>,
    /// CSAT responses (the row's `csat_n`).
    pub csat_n: u64,
    /// Lower bound of the NPS 95% interval, NPS points.
    pub nps_low: Option<f64>,
    /// Upper bound of the NPS 95% interval, NPS points.
    pub nps_high: Option<f64>,
    /// NPS responses (the row's `nps_n`).
    pub nps_n: u64,
    /// Why each `None` field is undefined, by field name.
    pub undefined: BTreeMap<String, String>,
}

impl RowIntervals {
    /// The intervals of a row from its CSAT and NPS results' `ci95`.
    pub(super) fn new(
        period_start: NaiveDate,
        dimension: Option<String>,
        csat: (&Metric<Interval>, u64),
        nps: (&Metric<Interval>, u64),
    ) -> Self {
        let mut undefined = BTreeMap::new();
        let mut bounds = |m: &Metric<Interval>, low: &str, high: &str| match m {
            Metric::Value(i) => (Some(i.lower), Some(i.upper)),
            Metric::Undefined(u) => {
                for f in [low, high] {
                    undefined.insert(f.to_owned(), u.reason().to_owned());
                }
                (None, None)
            }
        };
        let (csat_low_pct, csat_high_pct) = bounds(csat.0, "csat_low_pct", "csat_high_pct");
        let (nps_low, nps_high) = bounds(nps.0, "nps_low", "nps_high");
        RowIntervals {
            period_start,
            dimension,
            csat_low_pct,
            csat_high_pct,
            csat_n: csat.1,
            nps_low,
            nps_high,
            nps_n: nps.1,
            undefined,
        }
    }
}

/// The open backlog at one instant by age since creation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacklogAges {
    /// The instant.
    pub at: Instant,
    /// Tickets open then.
    pub backlog: u64,
    /// Their ages by bucket, in order (counts add up to `backlog`).
    pub ages: Vec<AgeBucket>,
}

impl From<BacklogSnapshot> for BacklogAges {
    fn from(s: BacklogSnapshot) -> Self {
        BacklogAges {
            at: s.at,
            backlog: s.backlog,
            ages: s.ages,
        }
    }
}

/// What an engine hands the assembly for the sections (the intervals come from the cells).
#[derive(Debug, Default)]
pub(super) struct Flows {
    pub(super) arrivals: Arrivals,
    pub(super) snapshot: Option<BacklogAges>,
    pub(super) customers: CustomerBook,
    pub(super) drill: Drill,
}

impl Flows {
    pub(super) fn into_sections(
        self,
        spikes: SpikeOptions,
        (options, keys): (&ReportOptions, &[PeriodKey]),
        intervals: Vec<RowIntervals>,
    ) -> Sections {
        let selected = options.sections;
        let (revenue_retention, cohorts) = self.customers.finish(options, keys);
        let arrivals = selected.contains(Section::Arrivals);
        let open_at = self.snapshot.as_ref().map(|s| s.at);
        let drill_down = selected
            .contains(Section::DrillDown)
            .then(|| self.drill.finish(keys, open_at));
        Sections {
            spike_days: if arrivals {
                spike_days(&self.arrivals.daily, spikes)
            } else {
                Vec::new()
            },
            heatmap: if arrivals {
                self.arrivals.heatmap
            } else {
                [[0; 24]; 7]
            },
            backlog_ages: self
                .snapshot
                .filter(|_| selected.contains(Section::BacklogAges)),
            intervals,
            revenue_retention,
            cohorts,
            drill_down,
        }
    }
}

/// One of the report's [`Sections`], to select with [`ReportOptions::sections`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    /// `intervals`: each row's CSAT and NPS 95% intervals.
    Intervals,
    /// `arrivals`: the weekday × hour heatmap and the spike days.
    Arrivals,
    /// `backlog_ages`: the open backlog by age.
    BacklogAges,
    /// `revenue_retention`: GRR and NRR per period.
    RevenueRetention,
    /// `cohorts`: the cohort matrix.
    Cohorts,
    /// `drill_down`: the tickets behind the numbers.
    DrillDown,
}

impl Section {
    /// Every section, in the order of [`Sections`]' fields.
    pub const ALL: [Section; 6] = [
        Section::Intervals,
        Section::Arrivals,
        Section::BacklogAges,
        Section::RevenueRetention,
        Section::Cohorts,
        Section::DrillDown,
    ];

    /// The section's name in JSON, Python and the CLI (`"backlog_ages"`).
    pub const fn name(self) -> &'static str {
        match self {
            Section::Intervals => "intervals",
            Section::Arrivals => "arrivals",
            Section::BacklogAges => "backlog_ages",
            Section::RevenueRetention => "revenue_retention",
            Section::Cohorts => "cohorts",
            Section::DrillDown => "drill_down",
        }
    }

    const fn bit(self) -> u8 {
        1 << self as u8
    }
}

impl std::fmt::Display for Section {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Section {
    type Err = Error;

    /// Parses a section's [`name`](Section::name) (surrounding blanks ignored).
    ///
    /// # Errors
    /// [`InvalidOption`](crate::ErrorKind::InvalidOption) naming the value and listing the
    /// valid names.
    fn from_str(s: &str) -> Result<Self, Error> {
        let name = s.trim();
        Section::ALL
            .into_iter()
            .find(|x| x.name() == name)
            .ok_or_else(|| {
                let valid: Vec<&str> = Section::ALL.iter().map(|x| x.name()).collect();
                Error::new(
                    crate::ErrorKind::InvalidOption,
                    format!("a section is one of {}", valid.join(", ")),
                )
                .with_field("sections")
                .with_value(s)
            })
    }
}

/// The sections a report computes ([`ReportOptions::sections`]); [`Default`]: all of them.
///
/// An unselected section is not computed at all (not only hidden): its part of [`Sections`] is
/// empty (`None`, an empty list or a zero heatmap), and the engines and
/// [`ReportState`](super::ReportState) do not keep what it needs. In JSON a list of names
/// (`["intervals", "backlog_ages"]`); an unknown name is an
/// [`InvalidOption`](crate::ErrorKind::InvalidOption) error listing the valid ones.
///
/// ```
/// use supportkpi::report::{Section, SectionSet};
/// let set: SectionSet = "intervals, cohorts".parse()?;
/// assert!(set.contains(Section::Cohorts) && !set.contains(Section::RevenueRetention));
/// assert_eq!(set, SectionSet::from_iter([Section::Cohorts, Section::Intervals]));
/// assert_eq!(SectionSet::default(), SectionSet::ALL);
/// assert!("heat".parse::<SectionSet>().unwrap_err().to_string().contains("backlog_ages"));
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SectionSet(u8);

impl SectionSet {
    /// Every section (the default).
    pub const ALL: SectionSet = SectionSet((1 << Section::ALL.len()) - 1);
    /// No section: the rows only.
    pub const NONE: SectionSet = SectionSet(0);

    /// Whether `section` is selected.
    pub const fn contains(self, section: Section) -> bool {
        self.0 & section.bit() != 0
    }

    /// This set with `section` too.
    #[must_use]
    pub const fn with(self, section: Section) -> SectionSet {
        SectionSet(self.0 | section.bit())
    }

    /// The selected sections, in the order of [`Section::ALL`].
    pub fn iter(self) -> impl Iterator<Item = Section> {
        Section::ALL.into_iter().filter(move |s| self.contains(*s))
    }

    /// Whether every section is selected.
    pub const fn is_all(&self) -> bool {
        self.0 == Self::ALL.0
    }
}

impl Default for SectionSet {
    fn default() -> Self {
        SectionSet::ALL
    }
}

impl std::fmt::Debug for SectionSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl FromIterator<Section> for SectionSet {
    fn from_iter<I: IntoIterator<Item = Section>>(iter: I) -> Self {
        iter.into_iter().fold(SectionSet::NONE, SectionSet::with)
    }
}

impl<const N: usize> From<[Section; N]> for SectionSet {
    fn from(sections: [Section; N]) -> Self {
        sections.into_iter().collect()
    }
}

impl From<Section> for SectionSet {
    fn from(section: Section) -> Self {
        SectionSet::NONE.with(section)
    }
}

impl std::str::FromStr for SectionSet {
    type Err = Error;

    /// Parses names separated by commas (`"intervals,cohorts"`); an empty string is
    /// [`NONE`](SectionSet::NONE).
    fn from_str(s: &str) -> Result<Self, Error> {
        s.split(',')
            .filter(|n| !n.trim().is_empty())
            .map(str::parse)
            .collect()
    }
}

impl Serialize for SectionSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(Section::name))
    }
}

impl<'de> Deserialize<'de> for SectionSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|n| n.parse::<Section>().map_err(serde::de::Error::custom))
            .collect()
    }
}
