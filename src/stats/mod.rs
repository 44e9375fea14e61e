//! Statistics behind the KPIs: duration summaries, confidence intervals, comparison tests.
pub mod interval;
