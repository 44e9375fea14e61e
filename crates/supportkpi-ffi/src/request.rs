//! The JSON request of `supportkpi_report_json` (and the options of `supportkpi_report_new`):
//! parsing, with each failure sorted into the class the header documents.
//!
//! The request is read in two steps so that errors can be told apart: first its four parts are
//! cut out as raw JSON (a syntax error, a top level that is not an object or a key that is not
//! one of the four is `INVALID_JSON`), then each part is read on its own. Settings (`sources`,
//! `read`, `options`) that cannot be read are `INVALID_OPTION` unless a more precise kind
//! applies (an unknown zone, a malformed calendar); inline records whose JSON does not fit
//! their record type are `INVALID_JSON`; records that fit but break a rule (a resolution before
//! creation, a score off its scale) carry the rule's kind. Every serde message keeps its line
//! and column, counted in the whole request.

use crate::error::FfiError;
use crate::result::supportkpi_result;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;
use supportkpi::io::{ErrorMode, ReadOptions, Sources, TimestampFormat};
use supportkpi::model::{Money, SurveyKind, TicketBuilder};
use supportkpi::report::ReportOptions;
use supportkpi::{BusinessCalendar, CostEntry, Customer, Error, SurveyResponse, Ticket};

/// The request's parts, still as raw JSON text borrowed from the request.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequest<'a> {
    #[serde(borrow, default)]
    sources: Option<&'a RawValue>,
    #[serde(borrow, default)]
    records: Option<&'a RawValue>,
    #[serde(borrow, default)]
    read: Option<&'a RawValue>,
    #[serde(borrow, default)]
    options: Option<&'a RawValue>,
}

/// A parsed request: what to read, how, the inline records and the report's options.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) sources: Sources,
    pub(crate) read: ReadOptions,
    /// The read options without the preset: how inputs other than the helpdesk export
    /// (surveys, customers, costs) are read.
    pub(crate) canonical: ReadOptions,
    pub(crate) records: Records,
    pub(crate) options: ReportOptions,
}

/// The `read` part: the settings of `supportkpi::io::ReadOptions` a JSON caller can make.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ReadRequest {
    errors: Option<String>,
    timezone: Option<String>,
    timestamp_format: Option<String>,
    date_format: Option<String>,
    null_tokens: Option<Vec<String>>,
    currency: Option<String>,
    delimiter: Option<String>,
    keep_extra_columns: Option<bool>,
    check_duplicate_ids: Option<bool>,
}

/// The `records` part, each record in its JSON form. Tickets use the core's own builder; the
/// other three mirror the core's serialized forms (which are private) so that a record that
/// breaks a rule keeps its error kind instead of becoming a serde message.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawRecords {
    tickets: Option<Vec<TicketBuilder>>,
    surveys: Option<Vec<SurveyRecord>>,
    customers: Option<Vec<CustomerRecord>>,
    costs: Option<Vec<CostRecord>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SurveyRecord {
    id: String,
    #[serde(default)]
    ticket_id: Option<String>,
    #[serde(default)]
    customer_id: Option<String>,
    responded_at: DateTime<Utc>,
    kind: SurveyKind,
    score: i32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomerRecord {
    id: String,
    acquired_at: DateTime<Utc>,
    #[serde(default)]
    churned_at: Option<DateTime<Utc>>,
    #[serde(default)]
    recurring_revenue: Option<Money>,
    #[serde(default)]
    segment: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CostRecord {
    start: NaiveDate,
    end: NaiveDate,
    amount: Money,
    #[serde(default)]
    category: Option<String>,
}

/// One input of inline records: the records that passed their rules, and the index and error
/// of each that did not (lenient mode only; strict mode stops at the first).
#[derive(Debug)]
pub(crate) struct Inline<T> {
    pub(crate) records: Vec<T>,
    pub(crate) rejected: Vec<(usize, Error)>,
    /// How many records the request held (accepted + rejected).
    pub(crate) read: usize,
}

/// The inline records, per input; `None` when the request does not name that input.
#[derive(Debug, Default)]
pub(crate) struct Records {
    pub(crate) tickets: Option<Inline<Ticket>>,
    pub(crate) surveys: Option<Inline<SurveyResponse>>,
    pub(crate) customers: Option<Inline<Customer>>,
    pub(crate) costs: Option<Inline<CostEntry>>,
}

/// Parses a whole request.
pub(crate) fn parse(text: &str) -> Result<Request, FfiError> {
    let invalid_json = |e: serde_json::Error| {
        FfiError::new(
            supportkpi_result::InvalidJson,
            located("request_json", &e, text, text),
        )
    };
    let whole: &RawValue = serde_json::from_str(text).map_err(invalid_json)?;
    object(whole.get(), "request_json", supportkpi_result::InvalidJson)?;
    let raw: RawRequest<'_> = serde_json::from_str(text).map_err(invalid_json)?;
    let sources = match raw.sources {
        Some(part) => {
            object(part.get(), "sources", supportkpi_result::InvalidOption)?;
            serde_json::from_str::<Sources>(part.get())
                .map_err(|e| invalid_option("sources", &e, text, part.get()))?
        }
        None => Sources::default(),
    };
    let mut read = match raw.read {
        Some(part) => read_options(text, part.get())?,
        None => ReadOptions::new(),
    };
    let options = match raw.options {
        Some(part) => report_options(text, part.get())?,
        None => ReportOptions::default(),
    };
    // Files and Arrow streams are read with the report's survey scales, so a score off them is
    // a bad record of the read, with its file and line (set aside in lenient mode), as inline
    // ones are below; `canonical` (the surveys stream of `supportkpi_report_arrow`) included.
    read = read.survey_scales(options.csat, options.ces);
    let canonical = read.clone();
    // `io::load` applies a Zendesk or Freshdesk preset only through the read options; the
    // request names it once, in `sources`, so it goes to both.
    if let Some(preset) = sources.preset {
        read = read.preset(preset);
    }
    let records = match raw.records {
        Some(part) => records(text, part.get(), read.error_mode(), &options)?,
        None => Records::default(),
    };
    Ok(Request {
        sources,
        read,
        canonical,
        records,
        options,
    })
}

/// Parses report options on their own (`supportkpi_report_new`), with the classes of the
/// request's `options` part.
pub(crate) fn parse_options(text: &str) -> Result<ReportOptions, FfiError> {
    // A syntax error is the JSON's fault, not the option's.
    let _: &RawValue = serde_json::from_str(text).map_err(|e| {
        FfiError::new(
            supportkpi_result::InvalidJson,
            located("options_json", &e, text, text),
        )
    })?;
    report_options(text, text)
}

fn report_options(whole: &str, part: &str) -> Result<ReportOptions, FfiError> {
    object(part, "options", supportkpi_result::InvalidOption)?;
    // The zone and the calendar are checked first so that their errors keep their kinds
    // (serde would turn them into a message of an "invalid value").
    let value: serde_json::Value =
        serde_json::from_str(part).map_err(|e| invalid_option("options", &e, whole, part))?;
    if let Some(zone) = value.get("zone").and_then(serde_json::Value::as_str) {
        supportkpi::time::parse_zone(zone).map_err(|e| FfiError::at("options.zone", e))?;
    }
    if let Some(cal) = value.get("calendar").filter(|c| !c.is_null()) {
        calendar(cal)?;
    }
    serde_json::from_str::<ReportOptions>(part)
        .map_err(|e| invalid_option("options", &e, whole, part))
}

/// Checks `options.calendar`, naming the part that is wrong with its own kind.
fn calendar(cal: &serde_json::Value) -> Result<(), FfiError> {
    const PLACE: &str = "options.calendar";
    if let Some(name) = cal.get("timezone").and_then(serde_json::Value::as_str) {
        let zone = supportkpi::time::parse_zone(name).map_err(|e| FfiError::at(PLACE, e))?;
        if let Some(hours) = cal.get("hours").and_then(serde_json::Value::as_str) {
            BusinessCalendar::parse(hours, zone).map_err(|e| FfiError::at(PLACE, e))?;
        }
    }
    serde_json::from_value::<BusinessCalendar>(cal.clone()).map_err(|e| {
        FfiError::new(
            supportkpi_result::InvalidCalendar,
            format!(
                "{PLACE}: {e} (a calendar is {{\"timezone\", \"hours\", \"holidays\": \
                 [\"YYYY-MM-DD\", …], \"closures\"}})"
            ),
        )
    })?;
    Ok(())
}

fn read_options(whole: &str, part: &str) -> Result<ReadOptions, FfiError> {
    object(part, "read", supportkpi_result::InvalidOption)?;
    let r: ReadRequest =
        serde_json::from_str(part).map_err(|e| invalid_option("read", &e, whole, part))?;
    let at = |e| FfiError::at("read", e);
    let mut o = ReadOptions::new();
    if let Some(mode) = &r.errors {
        o = o.errors(mode.parse::<ErrorMode>().map_err(at)?);
    }
    if let Some(pattern) = r.timestamp_format {
        o = o.timestamps(TimestampFormat::pattern(pattern));
    }
    // After the pattern, which `zone` keeps.
    if let Some(zone) = &r.timezone {
        o = o.zone(zone).map_err(at)?;
    }
    if let Some(pattern) = r.date_format {
        o = o.date_format(pattern);
    }
    if let Some(tokens) = r.null_tokens {
        o = o.null_tokens(tokens);
    }
    if let Some(code) = &r.currency {
        o = o.currency(code).map_err(at)?;
    }
    if let Some(d) = &r.delimiter {
        match d.as_bytes() {
            [b] if b.is_ascii() => o = o.delimiter(*b),
            _ => {
                return Err(FfiError::new(
                    supportkpi_result::InvalidOption,
                    format!("read: field delimiter = {d:?}: a delimiter is one ASCII character"),
                ));
            }
        }
    }
    if let Some(on) = r.keep_extra_columns {
        o = o.keep_extra_columns(on);
    }
    if let Some(on) = r.check_duplicate_ids {
        o = o.check_duplicate_ids(on);
    }
    Ok(o)
}

fn records(
    whole: &str,
    part: &str,
    mode: ErrorMode,
    options: &ReportOptions,
) -> Result<Records, FfiError> {
    object(part, "records", supportkpi_result::InvalidJson)?;
    let raw: RawRecords = serde_json::from_str(part).map_err(|e| {
        FfiError::new(
            supportkpi_result::InvalidJson,
            located("records", &e, whole, part),
        )
    })?;
    // The rules a file reader applies across records, applied to each inline array as to one
    // file: a unique id, one currency, and scores on the report's scales.
    let mut ids = Unique::default();
    let tickets = raw
        .tickets
        .map(|v| {
            inline(v, "tickets", mode, TicketBuilder::build, |t: &Ticket| {
                ids.check(t.id().as_str())
            })
        })
        .transpose()?;
    let mut ids = Unique::default();
    let surveys = raw
        .surveys
        .map(|v| {
            inline(
                v,
                "surveys",
                mode,
                SurveyRecord::build,
                |s: &SurveyResponse| {
                    match s.kind() {
                        SurveyKind::Csat => options.csat.check_score(s.score()),
                        SurveyKind::Ces => options.ces.check_score(s.score()),
                        SurveyKind::Nps => Ok(()),
                    }
                    .map_err(|e| {
                        e.with_record_type("survey_response")
                            .with_id(s.id().as_str())
                    })?;
                    ids.check(s.id().as_str())
                },
            )
        })
        .transpose()?;
    let mut currency = OneCurrency::default();
    let customers = raw
        .customers
        .map(|v| {
            inline(
                v,
                "customers",
                mode,
                CustomerRecord::build,
                |c: &Customer| currency.check(c.recurring_revenue()),
            )
        })
        .transpose()?;
    let mut currency = OneCurrency::default();
    let costs = raw
        .costs
        .map(|v| {
            inline(v, "costs", mode, CostRecord::build, |c: &CostEntry| {
                currency.check(Some(c.amount()))
            })
        })
        .transpose()?;
    Ok(Records {
        tickets,
        surveys,
        customers,
        costs,
    })
}

/// The ids of one inline array so far: a second record with one is a duplicate, as in a file.
#[derive(Default)]
struct Unique(std::collections::HashMap<String, usize>);

impl Unique {
    fn check(&mut self, id: &str) -> Result<(), Error> {
        let n = self.0.len();
        match self.0.entry(id.to_owned()) {
            std::collections::hash_map::Entry::Occupied(first) => Err(Error::new(
                supportkpi::ErrorKind::DuplicateId,
                format!(
                    "an id appears once per input (first at index {})",
                    first.get()
                ),
            )
            .with_id(id)
            .with_field("id")
            .with_value(id)),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(n);
                Ok(())
            }
        }
    }
}

/// The currency of one inline array: the first accepted record's.
#[derive(Default)]
struct OneCurrency(Option<Money>);

impl OneCurrency {
    fn check(&mut self, money: Option<&Money>) -> Result<(), Error> {
        match (&self.0, money) {
            (Some(first), Some(m)) => first.same_currency(m),
            (None, Some(m)) => {
                self.0 = Some(*m);
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// Validates each record (`build`, then `check` with what came before); strict mode stops at
/// the first error, naming it by its index.
fn inline<R, T>(
    raw: Vec<R>,
    source: &str,
    mode: ErrorMode,
    build: fn(R) -> Result<T, Error>,
    mut check: impl FnMut(&T) -> Result<(), Error>,
) -> Result<Inline<T>, FfiError> {
    let read = raw.len();
    let mut records = Vec::with_capacity(read);
    let mut rejected = Vec::new();
    for (i, r) in raw.into_iter().enumerate() {
        match build(r).and_then(|t| check(&t).map(|()| t)) {
            Ok(t) => records.push(t),
            Err(e) if mode == ErrorMode::Strict => {
                return Err(FfiError::at(format_args!("records.{source}[{i}]"), e));
            }
            Err(e) => rejected.push((i, e)),
        }
    }
    Ok(Inline {
        records,
        rejected,
        read,
    })
}

impl SurveyRecord {
    fn build(self) -> Result<SurveyResponse, Error> {
        let mut s = SurveyResponse::new(self.id, self.responded_at, self.kind, self.score)?;
        if let Some(t) = self.ticket_id {
            s = s.with_ticket(t);
        }
        if let Some(c) = self.customer_id {
            s = s.with_customer(c);
        }
        Ok(s)
    }
}

impl CustomerRecord {
    fn build(self) -> Result<Customer, Error> {
        let mut c = Customer::new(self.id, self.acquired_at)?;
        if let Some(at) = self.churned_at {
            c = c.with_churned_at(at)?;
        }
        if let Some(m) = self.recurring_revenue {
            c = c.with_revenue(m);
        }
        if let Some(s) = self.segment {
            c = c.with_segment(s);
        }
        Ok(c)
    }
}

impl CostRecord {
    fn build(self) -> Result<CostEntry, Error> {
        let c = CostEntry::new(self.start, self.end, self.amount)?;
        Ok(match self.category {
            Some(cat) => c.with_category(cat),
            None => c,
        })
    }
}

/// Refuses a part that is not a JSON object: serde would otherwise read a struct from an array
/// by position, and `[1, 2]` would pass for a request.
fn object(part: &str, what: &str, code: supportkpi_result) -> Result<(), FfiError> {
    // Parts come from RawValue, which holds no surrounding whitespace; the options of
    // supportkpi_report_new are the caller's whole text, which may.
    if part.trim_start().starts_with('{') {
        return Ok(());
    }
    let found: String = part.trim_start().chars().take(20).collect();
    Err(FfiError::new(
        code,
        format!("{what}: expected a JSON object {{…}}, found {found}"),
    ))
}

fn invalid_option(what: &str, e: &serde_json::Error, whole: &str, part: &str) -> FfiError {
    FfiError::new(
        supportkpi_result::InvalidOption,
        located(what, e, whole, part),
    )
}

/// A serde message about `part` (a slice of `whole`), with its line and column counted in
/// `whole`, so that a caller can find the place in the text they sent.
fn located(what: &str, e: &serde_json::Error, whole: &str, part: &str) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let bare = full.strip_suffix(&suffix).unwrap_or(&full);
    let start = whole.as_ptr().addr();
    let offset = part.as_ptr().addr().wrapping_sub(start);
    if e.line() == 0 || offset > whole.len() || !whole.is_char_boundary(offset) {
        return format!("{what}: {full}");
    }
    let before = &whole[..offset];
    let base_line = before.matches('\n').count() + 1;
    let base_column = offset - before.rfind('\n').map_or(0, |p| p + 1);
    let (line, column) = if e.line() == 1 {
        (base_line, base_column + e.column())
    } else {
        (base_line + e.line() - 1, e.column())
    };
    format!("{what}: {bare} at line {line} column {column}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> (supportkpi_result, String) {
        let e = parse(text).unwrap_err();
        (e.code(), e.message().to_owned())
    }

    #[test]
    fn empty_request_is_the_defaults() {
        let r = parse("{}").unwrap();
        assert_eq!(r.sources, Sources::default());
        assert_eq!(r.options, ReportOptions::default());
        assert!(r.records.tickets.is_none());
        let r = parse(r#"{"sources": null, "options": null}"#).unwrap();
        assert_eq!(r.options, ReportOptions::default());
    }

    #[test]
    fn classes_of_errors() {
        let (c, m) = err("{\"options\": {\"period\": \"year\",}}");
        assert_eq!(c, supportkpi_result::InvalidJson, "{m}");
        assert!(m.contains("line 1 column"), "{m}");
        let (c, m) = err("{\"nope\": 1}");
        assert_eq!(c, supportkpi_result::InvalidJson, "{m}");
        assert!(m.contains("nope"), "{m}");
        let (c, m) = err("{\n  \"options\": {\n    \"perod\": \"year\"}}");
        assert_eq!(c, supportkpi_result::InvalidOption, "{m}");
        assert!(m.contains("perod") && m.contains("line 3 column"), "{m}");
        let (c, _) = err(r#"{"options": {"zone": "Mars/Base"}}"#);
        assert_eq!(c, supportkpi_result::UnknownTimeZone);
        let (c, _) = err(r#"{"read": {"timezone": "Mars/Base"}}"#);
        assert_eq!(c, supportkpi_result::UnknownTimeZone);
        let (c, _) = err(r#"{"read": {"errors": "sloppy"}}"#);
        assert_eq!(c, supportkpi_result::InvalidOption);
        let (c, _) = err(r#"{"sources": {"preset": "nosuchdesk"}}"#);
        assert_eq!(c, supportkpi_result::InvalidOption);
        let (c, m) =
            err(r#"{"options": {"calendar": {"timezone": "UTC", "hours": "Mon-Fri 9-5"}}}"#);
        assert_eq!(c, supportkpi_result::InvalidCalendar, "{m}");
        let (c, m) = err(r#"{"records": {"tickets": [
                {"id": "T-1", "created_at": "2021-06-01T08:00:00Z", "colour": 1}]}}"#);
        assert_eq!(c, supportkpi_result::InvalidJson, "{m}");
        assert!(m.contains("colour") && m.contains("line 2 column"), "{m}");
        let (c, m) = err(
            r#"{"records": {"tickets": [{"id": "T-1", "created_at": "2021-06-01T08:00:00Z",
                "resolved_at": "2021-06-01T07:00:00Z"}]}}"#,
        );
        assert_eq!(c, supportkpi_result::NegativeDuration, "{m}");
        assert!(
            m.starts_with("records.tickets[0]: ") && m.contains("resolved_at"),
            "{m}"
        );
    }

    #[test]
    fn the_clock_options_read_from_json() {
        use supportkpi::kpi::{SlaMetric, SlaTarget};
        use supportkpi::model::Status;
        let o = parse_options(
            r#"{"calendar": {"timezone": "UTC", "hours": "Mon-Fri 09:00-17:00"},
                "calendars": {"by": "team", "calendars": {
                    "Berlin": {"timezone": "Europe/Berlin", "hours": "Mon-Fri 09:00-17:00"}}},
                "status_time": {"requester_wait": ["new", "open"], "agent_work": ["open"]},
                "sla": {"next_reply": {"default": {"seconds": 7200, "clock": "calendar"}},
                        "pause": {"resolution": ["pending"]}}}"#,
        )
        .unwrap();
        let map = o.calendars.as_ref().unwrap();
        assert_eq!(map.get("Berlin").unwrap().zone().name(), "Europe/Berlin");
        assert!(!o.status_time.is_requester_wait(Status::OnHold));
        let sla = o.sla.as_ref().unwrap();
        assert_eq!(
            sla.target(SlaMetric::NextReply, None),
            Some(SlaTarget::calendar(7200).unwrap())
        );
        assert_eq!(
            sla.paused_in(SlaMetric::Resolution)
                .iter()
                .collect::<Vec<_>>(),
            [&Status::Pending]
        );
    }

    #[test]
    fn the_sections_read_from_json() {
        use supportkpi::report::{Section, SectionSet};
        let r = parse(r#"{"options": {"sections": ["cohorts", "intervals"]}}"#).unwrap();
        assert_eq!(
            r.options.sections,
            SectionSet::from([Section::Intervals, Section::Cohorts])
        );
        let (c, m) = err(r#"{"options": {"sections": ["heatmap"]}}"#);
        assert_eq!(c, supportkpi_result::InvalidOption, "{m}");
        assert!(
            m.contains("heatmap")
                && m.contains("intervals, arrivals, backlog_ages, revenue_retention, cohorts"),
            "{m}"
        );
    }

    #[test]
    fn lenient_inline_records_are_kept_aside() {
        let r = parse(
            r#"{"read": {"errors": "lenient"}, "records": {"surveys": [
                {"id": "S-1", "responded_at": "2021-06-01T08:00:00Z", "kind": "nps", "score": 9},
                {"id": "S-2", "responded_at": "2021-06-01T08:00:00Z", "kind": "nps",
                 "score": 11}]}}"#,
        )
        .unwrap();
        let s = r.records.surveys.unwrap();
        assert_eq!((s.records.len(), s.read), (1, 2));
        assert_eq!(s.rejected[0].0, 1);
    }

    #[test]
    fn locations_count_in_the_whole_text() {
        let whole = "{\n  \"a\": {\"b\": x}}";
        let part = &whole[whole.find("{\"b").unwrap()..];
        let e = serde_json::from_str::<serde_json::Value>(part).unwrap_err();
        let m = located("a", &e, whole, part);
        let direct = serde_json::from_str::<serde_json::Value>(whole).unwrap_err();
        let want = format!("at line {} column {}", direct.line(), direct.column());
        assert!(m.ends_with(&want), "{m} vs {want}");
    }
}
