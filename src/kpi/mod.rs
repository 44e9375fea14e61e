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
//!
//! **Options.** Every KPI's options are one value type with the same shape: each option is a
//! documented public field, `Default` gives the defaults of docs/definitions.md, and each field
//! has a consuming builder `with_<field>(self, value) -> Self`, so both
//! `NpsOptions { confidence: 0.9, ..NpsOptions::default() }` and
//! `NpsOptions::default().with_confidence(0.9)` read naturally. Options are checked in one
//! place, the KPI's `new(options)`, whichever way they were set (a field holds any value;
//! `new` refuses a bad one with [`ErrorKind::InvalidOption`]). The duration KPIs (first
//! response, next reply, resolution, status time) share their `quantiles`, `calendar` and
//! `team_calendars` builders. The 0.1 names (bare setters such as `quantiles(mode)` and
//! getters such as `get_quantiles()`) remain as deprecated aliases until 0.3.
//!
//! ```
//! use supportkpi::kpi::{Nps, NpsOptions};
//! let built = NpsOptions::default().with_confidence(0.9).with_adjusted_wald(true);
//! let literal = NpsOptions { confidence: 0.9, adjusted_wald: true };
//! assert_eq!(built, literal);
//! assert_eq!(Nps::new(built)?.options().confidence, 0.9);
//! // A bad value in a field is refused by the KPI, not by the field.
//! let err = Nps::new(NpsOptions { confidence: 95.0, ..literal }).unwrap_err();
//! assert_eq!(err.kind(), supportkpi::ErrorKind::InvalidOption);
//! # Ok::<(), supportkpi::Error>(())
//! ```

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
pub(crate) use duration::{calendar_seconds, calendar_seconds_ns};
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

#[cfg(test)]
#[allow(deprecated)]
mod deprecated_options {
    //! The 0.1 option names still set and read the same fields (until 0.3).
    use super::*;
    use crate::BusinessCalendar;
    use crate::model::Status;
    use crate::stats::QuantileMode;
    use crate::time::TeamCalendars;

    fn calendar() -> BusinessCalendar {
        BusinessCalendar::parse("Mon-Fri 09:00-17:00", chrono_tz::UTC).unwrap()
    }

    const SKETCH: QuantileMode = QuantileMode::Sketch {
        relative_accuracy: 0.01,
    };

    #[test]
    fn duration_options() {
        let teams = TeamCalendars::new().by("team").with("billing", calendar());
        let old = FirstResponseTimeOptions::default()
            .quantiles(SKETCH)
            .calendar(calendar())
            .team_calendars(teams.clone());
        let new = FirstResponseTimeOptions::default()
            .with_quantiles(SKETCH)
            .with_calendar(calendar())
            .with_team_calendars(teams.clone());
        assert_eq!(old, new);
        assert_eq!(old.quantiles, SKETCH);
        assert_eq!(old.get_quantiles(), SKETCH);
        assert_eq!(old.get_calendar(), Some(&calendar()));
        assert_eq!(old.team_calendars, Some(teams.clone()));
        // The same generated builders on the other three.
        let next = NextReplyTimeOptions::default().quantiles(SKETCH);
        assert_eq!(next.quantiles, SKETCH);
        assert_eq!(next.get_calendar(), None);
        let status = StatusTimeOptions::default().calendar(calendar());
        assert_eq!(status.calendar, Some(calendar()));
        assert_eq!(status.get_calendar(), Some(&calendar()));
        let art = ResolutionTimeOptions::default().team_calendars(teams.clone());
        assert_eq!(art.team_calendars, Some(teams));
    }

    #[test]
    fn resolution_and_status_time_options() {
        let old = ResolutionTimeOptions::default()
            .variant(ResolutionVariant::First)
            .exclude_waiting(true);
        assert_eq!(old.variant, ResolutionVariant::First);
        assert!(old.exclude_waiting);
        assert_eq!(old.get_variant(), ResolutionVariant::First);
        assert!(old.get_exclude_waiting());
        let mapping = StatusTimeMapping::default();
        let status = StatusTimeOptions::default().mapping(mapping.clone());
        assert_eq!(status.mapping, mapping);
        assert_eq!(status.get_mapping(), &mapping);
        let old = StatusTimeMapping::default()
            .requester_wait([Status::Pending])
            .agent_work([Status::Open]);
        assert_eq!(old.requester_wait, [Status::Pending].into());
        assert_eq!(
            old,
            StatusTimeMapping::default()
                .with_requester_wait([Status::Pending])
                .with_agent_work([Status::Open])
        );
    }

    #[test]
    fn survey_options() {
        let csat = CsatOptions::default()
            .scale(CsatScale::ONE_TO_TEN)
            .positive_from(8)
            .confidence(0.9);
        assert_eq!(
            (csat.scale, csat.positive_from, csat.confidence),
            (CsatScale::ONE_TO_TEN, Some(8), 0.9)
        );
        assert_eq!(
            (
                csat.get_scale(),
                csat.get_positive_from(),
                csat.get_confidence()
            ),
            (CsatScale::ONE_TO_TEN, 8, 0.9)
        );
        // The old getter resolved the scale's default; so does its replacement.
        let ten = CsatOptions::default().with_scale(CsatScale::ONE_TO_TEN);
        assert_eq!(ten.get_positive_from(), 9);
        assert_eq!(ten.effective_positive_from(), 9);
        let nps = NpsOptions::default().adjusted_wald(true).confidence(0.8);
        assert!(nps.adjusted_wald && nps.get_adjusted_wald());
        assert_eq!((nps.confidence, nps.get_confidence()), (0.8, 0.8));
        let ces = CesOptions::default().scale(CesScale::EaseOneToSeven);
        assert_eq!(ces.scale, CesScale::EaseOneToSeven);
        assert_eq!(ces.get_scale(), CesScale::EaseOneToSeven);
    }

    #[test]
    fn fcr_and_sla_options() {
        let fcr = FirstContactResolutionOptions::default().denominator(FcrDenominator::Resolved);
        assert_eq!(fcr.denominator, FcrDenominator::Resolved);
        assert_eq!(fcr.get_denominator(), FcrDenominator::Resolved);
        let at = chrono::DateTime::from_timestamp(1_600_000_000, 0).unwrap();
        let policy = SlaPolicy::new().resolution_default(SlaTarget::calendar(3600).unwrap());
        let sla = SlaOptions::new(policy.clone()).as_of(at);
        let new = SlaOptions::default()
            .with_policy(policy.clone())
            .with_as_of(at);
        assert_eq!(sla, new);
        assert_eq!((sla.as_of, sla.get_as_of()), (Some(at), Some(at)));
        assert_eq!(sla.get_policy(), &policy);
    }

    /// A field set directly is checked by the KPI's `new`, as the builders' values are.
    #[test]
    fn fields_are_checked_by_new() {
        let nan = QuantileMode::Sketch {
            relative_accuracy: f64::NAN,
        };
        let kind = |e: Error| e.kind();
        let frt = FirstResponseTimeOptions {
            quantiles: nan,
            ..FirstResponseTimeOptions::default()
        };
        assert_eq!(
            FirstResponseTime::new(frt).map_err(kind).unwrap_err(),
            ErrorKind::InvalidOption
        );
        let csat = CsatOptions {
            positive_from: Some(6),
            ..CsatOptions::default()
        };
        assert_eq!(
            Csat::new(csat).map_err(kind).unwrap_err(),
            ErrorKind::InvalidOption
        );
        let nps = NpsOptions {
            confidence: 1.5,
            ..NpsOptions::default()
        };
        assert_eq!(
            Nps::new(nps).map_err(kind).unwrap_err(),
            ErrorKind::InvalidOption
        );
        // Team calendars need the default calendar, however they were set.
        let status = StatusTimeOptions {
            team_calendars: Some(TeamCalendars::new()),
            ..StatusTimeOptions::default()
        };
        assert_eq!(
            StatusTime::new(status).map_err(kind).unwrap_err(),
            ErrorKind::InvalidOption
        );
    }
}
