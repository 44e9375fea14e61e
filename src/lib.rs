//! # supportkpi
//!
//! The customer-support KPIs that B2B SaaS teams run their support on — CSAT, NPS, CES, first
//! response time, resolution time, ticket volume, first-contact resolution, backlog, SLA
//! attainment, retention and cost per ticket — computed the same way every time, with the
//! sample size and the definition attached to every number.
//!
//! ## A guided tour
//!
//! - [`model`]: the records ([`Ticket`], [`TicketEvent`], [`SurveyResponse`], [`Customer`],
//!   [`CostEntry`]); they validate themselves when built.
//! - [`time`]: [`Period`] bucketing in an IANA time zone, and the [`BusinessCalendar`] that turns
//!   two instants into open business seconds.
//! - [`stats`]: duration summaries (mean, median, p90, max; exact or sketched) and intervals.
//! - [`kpi`]: one accumulator per KPI: `push` records, `merge` partitions, `finish` a result.
//! - [`report`]: the one-pass [`Report`]: every KPI per period × dimension value, as a table.
//! - [`io`] (feature `io`, on by default): streaming CSV and JSON Lines readers for every
//!   record type, column mappings, and presets for ServiceNow, Zendesk and Freshdesk exports.
//! - [`Error`]: every failure names the record, field, value and rule.
//!
//! ```
//! use supportkpi::kpi::{Kpi, Nps};
//!
//! // 3 promoters, 1 passive, 1 detractor out of 5 responses.
//! let nps = Nps::default().compute([10, 9, 9, 7, 3])?;
//! assert_eq!(nps.n, 5);
//! assert_eq!(nps.score.value(), Some(40.0));
//! # Ok::<(), supportkpi::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// The examples in the docs are what users copy: they use no deprecated name.
#![doc(test(attr(deny(deprecated))))]

pub mod columnar;
pub mod error;
mod hash;
#[cfg(feature = "io")]
pub mod io;
pub mod kpi;
pub mod model;
mod par;
pub mod report;
pub mod stats;
pub mod time;
mod wire;

pub use error::{Error, ErrorKind, RecordRef, Result};
pub use model::{CostEntry, Customer, SurveyResponse, Ticket, TicketEvent};
pub use report::Report;
pub use time::{BusinessCalendar, Period};

// The README's Rust snippets run as doctests, so the front page cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
