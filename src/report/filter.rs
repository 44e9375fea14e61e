//! Several dimensions and filters: what [`field@ReportOptions::by`] lists and
//! [`field@ReportOptions::filter`] keeps.
//!
//! - **Several dimensions**: `by = "team,priority"` groups by each combination of the two; a
//!   row's `dimension` is the values joined by [`COMBINATION_SEPARATOR`] (`"billing / high"`),
//!   a missing one written [`NO_VALUE`]. The period's total row stays.
//! - **Filters**: each [`Condition`] keeps the tickets that pass it; all must pass. A survey
//!   response follows the ticket it rates (kept with it, dropped with it; a response that rates
//!   no ticket of the input is dropped once any filter is set). Customers and costs are kept.
//! - **Fields**: the ticket dimensions (`channel`, `priority`, `team`, `assignee`,
//!   `first_responder`, `solver`, `status`, `customer_id`), `segment`, every free-form dimension a ticket of the input carries, and
//!   for filters `created_at`. Any other name is an [`ErrorKind::InvalidOption`] listing them.
//! - **Names**: a built-in name always reads its field, on both engines:
//!   `first_responder` and `solver` are the agents a ticket was credited with
//!   ([`Ticket::first_responder`], [`Ticket::solver`]; [`NO_VALUE`] without one), never a
//!   free-form dimension of that name (a column kept with `keep_extra_columns`, a builder's
//!   `.dimension("first_responder", …)`), which stays on the ticket unread by `by` and
//!   `where`. To group by such a column, give it another name (`ColumnMapping::dimension`).

use super::{NO_VALUE, ReportInput, ReportOptions};
use crate::columnar::ColumnarInput;
use crate::error::{Error, ErrorKind};
use crate::model::{Ticket, TicketHistory, TicketId};
use crate::time::local_midnight;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

/// What joins the values of a combination of dimensions in a row's `dimension`.
pub const COMBINATION_SEPARATOR: &str = " / ";

/// The built-in fields, in the order an error lists them.
const BUILT_IN: [&str; 9] = [
    "channel",
    "priority",
    "team",
    "assignee",
    "first_responder",
    "solver",
    "status",
    "customer_id",
    "segment",
];

/// What a [`Condition`] asks of its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// The value is one of these ([`NO_VALUE`] matches a ticket without one).
    In(Vec<String>),
    /// `created_at` on or after local midnight of this date (in the report's zone).
    Since(NaiveDate),
    /// `created_at` before local midnight of this date (in the report's zone).
    Before(NaiveDate),
}

/// One condition of a filter: `field=value`, `field in (a,b)`, `created_at>=YYYY-MM-DD` or
/// `created_at<YYYY-MM-DD`. Serializes as that text.
///
/// ```
/// use supportkpi::report::filter::{Condition, Test};
/// let c: Condition = "channel in (email, web)".parse()?;
/// assert_eq!(c.field, "channel");
/// assert_eq!(c.test, Test::In(vec!["email".into(), "web".into()]));
/// assert_eq!(c.to_string(), "channel in (email,web)");
/// assert!("channel ~ email".parse::<Condition>().is_err());
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ConditionRepr", into = "String")]
pub struct Condition {
    /// The field it reads.
    pub field: String,
    /// What it asks.
    pub test: Test,
}

impl Condition {
    /// `field` is one of `values`.
    pub fn one_of<I, S>(field: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Condition {
            field: field.into(),
            test: Test::In(values.into_iter().map(Into::into).collect()),
        }
    }

    fn syntax(text: &str) -> Error {
        Error::new(
            ErrorKind::InvalidOption,
            "a condition is `field=value`, `field in (a,b)`, `created_at>=YYYY-MM-DD` or \
             `created_at<YYYY-MM-DD`",
        )
        .with_field("where")
        .with_value(text)
    }

    fn passes(&self, t: &Ticket, segments: &HashMap<&str, &str>, o: &ReportOptions) -> bool {
        match &self.test {
            Test::In(values) => {
                let v = ReportInput::ticket_dimension(t, Some(&self.field), segments)
                    .unwrap_or(NO_VALUE);
                values.iter().any(|x| x == v)
            }
            Test::Since(d) => t.created_at() >= local_midnight(o.zone, *d),
            Test::Before(d) => t.created_at() < local_midnight(o.zone, *d),
        }
    }
}

impl std::str::FromStr for Condition {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self, Error> {
        let bad = || Condition::syntax(text);
        let s = text.trim();
        let date = |v: &str| NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| bad());
        let name = |f: &str| {
            let f = f.trim();
            if f.is_empty() || f.contains(char::is_whitespace) {
                Err(bad())
            } else {
                Ok(f.to_owned())
            }
        };
        if let Some((f, v)) = s.split_once(">=") {
            return Ok(Condition {
                field: name(f)?,
                test: Test::Since(date(v)?),
            });
        }
        if let Some((f, v)) = s.split_once('<') {
            return Ok(Condition {
                field: name(f)?,
                test: Test::Before(date(v)?),
            });
        }
        if let Some((f, v)) = s.split_once('=') {
            let v = v.trim();
            if v.is_empty() {
                return Err(bad());
            }
            return Ok(Condition::one_of(name(f)?, [v]));
        }
        let lower = s.to_ascii_lowercase();
        if let Some(i) = lower.find(" in ")
            && let Some(list) = s[i + 4..]
                .trim()
                .strip_prefix('(')
                .and_then(|l| l.strip_suffix(')'))
        {
            let values: Vec<&str> = list.split(',').map(str::trim).collect();
            if values.iter().any(|v| v.is_empty()) {
                return Err(bad());
            }
            return Ok(Condition::one_of(name(&s[..i])?, values));
        }
        Err(bad())
    }
}

/// A condition in JSON: its text, or `{"field": …, "in": […]}` (for values holding commas).
#[derive(Deserialize)]
#[serde(untagged)]
enum ConditionRepr {
    Text(String),
    OneOf {
        field: String,
        #[serde(rename = "in")]
        values: Vec<String>,
    },
}

impl TryFrom<ConditionRepr> for Condition {
    type Error = Error;
    fn try_from(r: ConditionRepr) -> Result<Self, Error> {
        match r {
            ConditionRepr::Text(s) => s.parse(),
            ConditionRepr::OneOf { field, values } => Ok(Condition::one_of(field, values)),
        }
    }
}

impl From<Condition> for String {
    fn from(c: Condition) -> String {
        c.to_string()
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.test {
            Test::In(v) if v.len() == 1 => write!(f, "{}={}", self.field, v[0]),
            Test::In(v) => write!(f, "{} in ({})", self.field, v.join(",")),
            Test::Since(d) => write!(f, "{}>={d}", self.field),
            Test::Before(d) => write!(f, "{}<{d}", self.field),
        }
    }
}

/// Whose fields a check of the names the options give reads, and so what it may refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// A whole input: a name no ticket carries is unknown.
    Whole,
    /// One part of an input (a partition's state): a field its tickets lack may be on another
    /// part's, so names are not refused here; the merge of the states checks them
    /// ([`ReportState::check_fields`](super::ReportState::check_fields)).
    Part,
    /// Merged states: a name none of their records carried is unknown.
    States,
}

/// Checks the names of `by` (all of them with `strict` or several) and of the filter against
/// the built-in fields and the free-form dimension names `free`, as `scope` reads them.
fn validate(
    free: &BTreeSet<&str>,
    by: &[&str],
    options: &ReportOptions,
    strict: bool,
    scope: Scope,
) -> Result<(), Error> {
    let known =
        |name: &str| scope == Scope::Part || BUILT_IN.contains(&name) || free.contains(name);
    let unknown = |option: &str, name: &str, date: bool| {
        let mut names: Vec<&str> = BUILT_IN.to_vec();
        // A free-form name of a built-in field is that field here: listed once.
        names.extend(free.iter().copied().filter(|n| !BUILT_IN.contains(n)));
        if date {
            names.push("created_at");
        }
        let message = match scope {
            Scope::States => format!(
                "unknown field: no record of the merged states carries it; the fields are {} \
                 and the free-form dimensions the records carry",
                names.join(", ")
            ),
            Scope::Whole | Scope::Part => {
                format!("unknown field; the known fields are {}", names.join(", "))
            }
        };
        Error::new(ErrorKind::InvalidOption, message)
            .with_field(option)
            .with_value(name)
    };
    // A single unknown name keeps its old meaning (every ticket under NO_VALUE), which the
    // columnar engine shares; a list or a filter must name known fields. The doors check a
    // single name too, with `check_fields`.
    if by.len() > 1 || strict {
        for name in by {
            if !known(name) {
                return Err(unknown("by", name, false));
            }
        }
    }
    for c in &options.filter {
        match c.test {
            Test::In(_) if !known(&c.field) => return Err(unknown("where", &c.field, true)),
            Test::Since(_) | Test::Before(_) if c.field != "created_at" => {
                return Err(Error::new(
                    ErrorKind::InvalidOption,
                    "a date condition (>=, <) reads created_at",
                )
                .with_field("where")
                .with_value(&c.field));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The free-form names the options give (in `by`, even a single one, and in the filter's
/// value conditions) that `free`, an input's free-form dimension names, holds: what a part's
/// state notes for the merge's check of the names.
pub(crate) fn named_in<'a>(
    options: &ReportOptions,
    free: impl IntoIterator<Item = &'a str>,
) -> BTreeSet<String> {
    let named = named_free(options);
    if named.is_empty() {
        return BTreeSet::new();
    }
    free.into_iter()
        .filter(|f| named.contains(f))
        .map(str::to_owned)
        .collect()
}

/// The names the options give that are not built-in fields (nor `created_at`).
pub(crate) fn named_free(options: &ReportOptions) -> BTreeSet<&str> {
    let by = options.by.as_deref().map(by_names).unwrap_or_default();
    let filter = options.filter.iter().filter_map(|c| match c.test {
        Test::In(_) => Some(c.field.as_str()),
        Test::Since(_) | Test::Before(_) => None,
    });
    by.into_iter()
        .chain(filter)
        .filter(|n| !BUILT_IN.contains(n))
        .collect()
}

/// The merge's check of the names the options give against `seen`, the free-form names the
/// merged states' records carried (see [`Scope::States`]); `strict` checks a single `by` name
/// too, as [`check_fields`].
pub(crate) fn check_states(
    seen: &BTreeSet<String>,
    options: &ReportOptions,
    strict: bool,
) -> Result<(), Error> {
    let by = options.by.as_deref().map(by_names).unwrap_or_default();
    let free: BTreeSet<&str> = seen.iter().map(String::as_str).collect();
    validate(&free, &by, options, strict, Scope::States)
}

/// [`check_fields`] over a columnar input.
///
/// # Errors
/// As [`check_fields`].
pub fn check_columnar_fields(input: &ColumnarInput, options: &ReportOptions) -> Result<(), Error> {
    columnar_fields(input, options, true, Scope::Whole)
}

/// [`prepare`]'s check of the fields over a columnar input: a list of `by` names and the
/// filter name known fields (a single unknown `by` name keeps its meaning).
///
/// # Errors
/// As [`prepare`].
pub(crate) fn check_columnar(
    input: &ColumnarInput,
    options: &ReportOptions,
    scope: Scope,
) -> Result<(), Error> {
    columnar_fields(input, options, false, scope)
}

fn columnar_fields(
    input: &ColumnarInput,
    options: &ReportOptions,
    strict: bool,
    scope: Scope,
) -> Result<(), Error> {
    let by = options.by.as_deref().map(by_names).unwrap_or_default();
    let free: BTreeSet<&str> = input.tickets.dimension_names().collect();
    validate(&free, &by, options, strict, scope)
}

/// The names `by` lists (one or several, comma-separated).
pub(crate) fn by_names(by: &str) -> Vec<&str> {
    by.split(',').map(str::trim).collect()
}

/// Checks `by` and the filter against the input's fields, and when there is anything to do
/// (a filter, several dimensions) returns the input filtered and, with `combine`, each ticket
/// given its combination as the free-form dimension named `by`.
///
/// # Errors
/// [`ErrorKind::InvalidOption`] naming an unknown field (and listing the known ones), a date
/// condition on another field than `created_at`.
pub(crate) fn prepare(
    input: &ReportInput,
    options: &ReportOptions,
    combine: bool,
) -> Result<Option<ReportInput>, Error> {
    prepare_checked(input, options, combine, false, Scope::Whole).map(|(p, _)| p)
}

/// [`prepare`] (combining) for one part of an input ([`Scope::Part`]): the names the options
/// give are not refused but noted, with the free-form ones the part's tickets carry
/// ([`named_in`]) returned beside the prepared input for its state.
///
/// # Errors
/// A date condition on another field than `created_at`.
pub(crate) fn prepare_part(
    input: &ReportInput,
    options: &ReportOptions,
) -> Result<(Option<ReportInput>, BTreeSet<String>), Error> {
    prepare_checked(input, options, true, false, Scope::Part)
}

/// Checks that `by` (even a single name) and the filter name fields the input has: the check
/// the CLI, Python and C doors make before computing, so that a typo is an error listing the
/// known fields rather than a table of `(none)` rows.
///
/// # Errors
/// [`ErrorKind::InvalidOption`] (field `by` or `where`, value the name) listing the known
/// fields.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::report::{filter::check_fields, ReportInput, ReportOptions};
/// use supportkpi::Ticket;
/// let t0 = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
/// let input = ReportInput {
///     tickets: vec![Ticket::builder("T-1", t0).dimension("plan", "pro").build()?],
///     ..ReportInput::default()
/// };
/// assert!(check_fields(&input, &ReportOptions::default().with_by("plan")).is_ok());
/// let err = check_fields(&input, &ReportOptions::default().with_by("chanel")).unwrap_err();
/// assert_eq!((err.field(), err.value()), (Some("by"), Some("chanel")));
/// assert!(err.to_string().contains("channel, priority, team, assignee, first_responder, solver, status, customer_id, segment, plan"));
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn check_fields(input: &ReportInput, options: &ReportOptions) -> Result<(), Error> {
    prepare_checked(input, options, false, true, Scope::Whole).map(|_| ())
}

/// The prepared input (`None`: nothing to do) and the free-form fields the options name that
/// the input's tickets carry.
fn prepare_checked(
    input: &ReportInput,
    options: &ReportOptions,
    combine: bool,
    strict: bool,
    scope: Scope,
) -> Result<(Option<ReportInput>, BTreeSet<String>), Error> {
    let by = options.by.as_deref().map(by_names).unwrap_or_default();
    if by.is_empty() && options.filter.is_empty() {
        return Ok((None, BTreeSet::new()));
    }
    let tickets = || {
        input
            .tickets
            .iter()
            .chain(input.histories.iter().map(TicketHistory::ticket))
    };
    let free: BTreeSet<&str> = tickets()
        .flat_map(|t| t.dimensions().keys().map(String::as_str))
        .collect();
    validate(&free, &by, options, strict, scope)?;
    let seen = named_in(options, free);
    let several = by.len() > 1;
    if strict || (options.filter.is_empty() && !(several && combine)) {
        return Ok((None, seen));
    }
    let segments: HashMap<&str, &str> = input
        .customers
        .iter()
        .filter_map(|c| Some((c.id().as_str(), c.segment()?)))
        .collect();
    let keep = |t: &Ticket| {
        options
            .filter
            .iter()
            .all(|c| c.passes(t, &segments, options))
    };
    let label = |t: &Ticket| {
        by.iter()
            .map(|n| ReportInput::ticket_dimension(t, Some(n), &segments).unwrap_or(NO_VALUE))
            .collect::<Vec<_>>()
            .join(COMBINATION_SEPARATOR)
    };
    let name = options.by.clone().unwrap_or_default();
    let mut out = ReportInput {
        customers: input.customers.clone(),
        costs: input.costs.clone(),
        ..ReportInput::default()
    };
    for t in input.tickets.iter().filter(|t| keep(t)) {
        out.tickets.push(if several && combine {
            t.clone()
                .into_builder()
                .dimension(name.as_str(), label(t))
                .build()?
        } else {
            t.clone()
        });
    }
    for h in input.histories.iter().filter(|h| keep(h.ticket())) {
        let mut h = h.clone();
        if several && combine {
            let l = label(h.ticket());
            h.describe_ticket(|b| b.dimension(name.as_str(), l))?;
        }
        out.histories.push(h);
    }
    if options.filter.is_empty() {
        out.surveys = input.surveys.clone();
    } else {
        let kept: HashSet<&TicketId> = out
            .tickets
            .iter()
            .chain(out.histories.iter().map(TicketHistory::ticket))
            .map(Ticket::id)
            .collect();
        out.surveys = input
            .surveys
            .iter()
            .filter(|r| r.ticket_id().is_some_and(|id| kept.contains(id)))
            .cloned()
            .collect();
    }
    Ok((Some(out), seen))
}
