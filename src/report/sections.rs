//! The report's sections: what a report knows beyond its period × dimension rows — the 95%
//! intervals of each row's CSAT and NPS, when tickets arrive (weekday × hour heatmap, spike
//! days) and the age of the open backlog. Both engines fill them from the same KPI state as
//! the rows, once; the doors (Python, C through the JSON, the CLI's HTML) only render them.

use crate::kpi::{AgeBucket, Arrivals, BacklogSnapshot, Metric, SpikeDay, spike_days};
use crate::model::Instant;
use crate::stats::interval::Interval;
use crate::stats::trend::SpikeOptions;
use chrono::NaiveDate;
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sections {
    /// Per row: the CSAT and NPS intervals.
    pub intervals: Vec<RowIntervals>,
    /// Created tickets by local weekday (`[0]` = Monday) and hour (`[h]` = h:00–h:59).
    pub heatmap: [[u64; 24]; 7],
    /// Days whose created count is a spike, in date order.
    pub spike_days: Vec<SpikeDay>,
    /// The open backlog by age; `None` without tickets (and without `as_of`).
    pub backlog_ages: Option<BacklogAges>,
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
}

impl Flows {
    pub(super) fn into_sections(
        self,
        spikes: SpikeOptions,
        intervals: Vec<RowIntervals>,
    ) -> Sections {
        Sections {
            spike_days: spike_days(&self.arrivals.daily, spikes),
            heatmap: self.arrivals.heatmap,
            backlog_ages: self.snapshot,
            intervals,
        }
    }
}
