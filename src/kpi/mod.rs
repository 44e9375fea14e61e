//! The KPIs, each as an accumulator (docs/definitions.md, "Aggregation").
//!
//! Every KPI follows one pattern:
//!
//! 1. a KPI value (`Nps`, `Csat`, …) holds its options and is built with `new(options)`, which
//!    validates them (or `Default` for the defaults of
//!    docs/definitions.md);
//! 2. [`Kpi::accumulator`] gives an empty [`Accumulator`];
//! 3. [`Accumulator::push`] adds one record (checking it), [`Accumulator::merge`] folds in another
//!    accumulator (associative and commutative, so partitions can be merged in any order), and
//!    [`Accumulator::finish`] turns the state into a typed result;
//! 4. [`Kpi::compute`] does all of that over an iterator, for the common case.
//!
//! A value that cannot be computed (no responses, a zero denominator) is a
//! [`Metric::Undefined`] carrying the reason — never 0, never NaN.

use crate::error::{Error, ErrorKind};
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::fmt;

mod survey;
mod ticket;
pub use survey::{
    Ces, CesAccumulator, CesDirection, CesOptions, CesResult, CesScale, Csat, CsatAccumulator,
    CsatOptions, CsatResult, CsatScale, CustomCesScale, MAX_SCALE_POINTS, Nps, NpsAccumulator,
    NpsOptions, NpsResult, ScoreDistribution,
};
pub(crate) use ticket::{Exit, TicketFacts, summary_exit};
pub use ticket::{TicketAccumulator, TicketKpi};

/// The push / merge / finish state of one KPI.
pub trait Accumulator: Sized {
    /// What one [`push`](Accumulator::push) takes (a score, a ticket, a customer…).
    type Record: ?Sized;
    /// What [`finish`](Accumulator::finish) returns.
    type Output;

    /// Adds one record.
    ///
    /// # Errors
    /// An [`Error`] naming the field, value and rule when the record breaks the KPI's rules (a
    /// score off the scale, say); the accumulator is unchanged then.
    fn push(&mut self, record: &Self::Record) -> Result<(), Error>;

    /// Folds `other` into `self`. Merging is associative and commutative: the result over
    /// partitions merged in any order equals the result over all records at once.
    ///
    /// # Errors
    /// [`ErrorKind::IncompatibleMerge`] when the two were built with different options.
    fn merge(&mut self, other: Self) -> Result<(), Error>;

    /// Turns the state into the result.
    fn finish(self) -> Self::Output;
}

/// A KPI with its options: a factory of accumulators.
pub trait Kpi {
    /// The accumulator this KPI computes with.
    type Accumulator: Accumulator;

    /// An empty accumulator with this KPI's options.
    fn accumulator(&self) -> Self::Accumulator;

    /// Pushes every record and finishes: the one-shot convenience.
    ///
    /// # Errors
    /// The first record's error, as [`Accumulator::push`] reports it.
    fn compute<I>(&self, records: I) -> Result<<Self::Accumulator as Accumulator>::Output, Error>
    where
        I: IntoIterator,
        I::Item: Borrow<<Self::Accumulator as Accumulator>::Record>,
    {
        let mut acc = self.accumulator();
        for r in records {
            acc.push(r.borrow())?;
        }
        Ok(acc.finish())
    }
}

/// Why a value is undefined.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Undefined {
    reason: String,
}

impl Undefined {
    /// An undefined value with its reason (`"no NPS responses"`, `"no customers at the start of
    /// the period"`).
    pub fn new(reason: impl Into<String>) -> Self {
        Undefined {
            reason: reason.into(),
        }
    }

    /// The reason, as a short phrase.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for Undefined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "undefined ({})", self.reason)
    }
}

/// A KPI value that is either defined or explicitly undefined with a reason.
///
/// ```
/// use supportkpi::kpi::{Metric, Undefined};
/// let m: Metric<f64> = Metric::Undefined(Undefined::new("no responses"));
/// assert_eq!(m.value(), None);
/// assert_eq!(m.to_string(), "undefined (no responses)");
/// assert_eq!(Metric::Value(10.0).value(), Some(10.0));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric<T> {
    /// The value.
    Value(T),
    /// No value, and why.
    Undefined(Undefined),
}

impl<T> Metric<T> {
    /// An undefined metric with its reason.
    pub fn undefined(reason: impl Into<String>) -> Self {
        Metric::Undefined(Undefined::new(reason))
    }

    /// The value, when defined.
    pub fn value(&self) -> Option<T>
    where
        T: Copy,
    {
        match self {
            Metric::Value(v) => Some(*v),
            Metric::Undefined(_) => None,
        }
    }

    /// The value by reference, when defined.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Metric::Value(v) => Some(v),
            Metric::Undefined(_) => None,
        }
    }

    /// The reason, when undefined.
    pub fn undefined_reason(&self) -> Option<&str> {
        match self {
            Metric::Value(_) => None,
            Metric::Undefined(u) => Some(u.reason()),
        }
    }

    /// True when defined.
    pub fn is_defined(&self) -> bool {
        matches!(self, Metric::Value(_))
    }

    /// Maps a defined value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Metric<U> {
        match self {
            Metric::Value(v) => Metric::Value(f(v)),
            Metric::Undefined(u) => Metric::Undefined(u),
        }
    }
}

impl<T: fmt::Display> fmt::Display for Metric<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Metric::Value(v) => v.fmt(f),
            Metric::Undefined(u) => u.fmt(f),
        }
    }
}

/// The error every accumulator returns when merged with one built with other options.
pub(crate) fn incompatible(what: &str) -> Error {
    Error::new(
        ErrorKind::IncompatibleMerge,
        format!("cannot merge {what} accumulators built with different options"),
    )
}

mod backlog;
mod cohort;
mod cost;
mod duration;
mod exact;
mod first_contact;
mod reply;
mod resolution;
mod response;
mod retention;
mod revenue;
mod sla;
mod status_time;
mod volume;
// Named one by one rather than by glob, so that what `kpi` publishes is this list and a
// module's helper cannot leak into it by being made `pub`.
pub use backlog::{
    AgeBucket, Backlog, BacklogAccumulator, BacklogOptions, BacklogPeriod, BacklogResult,
    BacklogSnapshot,
};
// Crate-internal helpers the per-ticket table (report::tickets) shares with the KPIs.
pub(crate) use backlog::snapshot_at;
pub(crate) use backlog::{ages_at, keeps_open};
pub use cohort::{CohortMatrix, CohortRetention, CohortRetentionAccumulator, CohortRow};
pub use cost::{
    APPORTION_DP, CostDenominator, CostPerTicket, CostPerTicketAccumulator, CostPerTicketOptions,
    CostPerTicketPeriod, CostPerTicketResult, CostPerTicketValue, CostRecord, apportion_by_days,
    cost_per_ticket,
};
pub(crate) use first_contact::is_first_contact;
pub use first_contact::{
    FcrDenominator, FirstContactResolution, FirstContactResolutionAccumulator,
    FirstContactResolutionOptions, FirstContactResolutionResult, NO_REPLIES,
};
pub use reply::{
    NextReplyTime, NextReplyTimeAccumulator, NextReplyTimeOptions, NextReplyTimeResult,
    ReplySeconds, TicketReplyTimes,
};
pub use resolution::{
    ResolutionTime, ResolutionTimeAccumulator, ResolutionTimeOptions, ResolutionTimeResult,
    ResolutionVariant,
};
pub use response::{
    FirstResponseTime, FirstResponseTimeAccumulator, FirstResponseTimeOptions,
    FirstResponseTimeResult,
};
pub use retention::{
    CustomerRetention, CustomerRetentionAccumulator, CustomerRetentionResult, RetentionOptions,
    RetentionPeriod, logo_churn_rate, retention_rate,
};
pub use revenue::{
    RevenuePeriod, RevenueRetention, RevenueRetentionAccumulator, RevenueRetentionOptions,
    RevenueRetentionResult, RevenueSnapshot,
};
pub use sla::{
    MAX_SLA_TARGET_SECONDS, Sla, SlaAccumulator, SlaAttainment, SlaClock, SlaMetric, SlaOptions,
    SlaPolicy, SlaResult, SlaStatus, SlaTarget, TicketSla,
};
pub use status_time::{
    Seconds, StatusTime, StatusTimeAccumulator, StatusTimeMapping, StatusTimeOptions,
    StatusTimeResult, StatusTimeStats, TicketStatusTimes,
};
pub(crate) use volume::{Arrivals, spike_days};
pub use volume::{
    DimensionCounts, SpikeDay, Volume, VolumeAccumulator, VolumeCounts, VolumeOptions,
    VolumePeriod, VolumeResult,
};
