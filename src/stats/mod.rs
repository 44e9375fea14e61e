//! Statistics behind the KPIs: duration summaries, confidence intervals, comparison tests.

mod summary;
pub use summary::{DurationStats, DurationSummary, QuantileMode};
pub mod interval;
pub mod trend;
