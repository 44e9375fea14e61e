//! Readers: records from CSV and JSON Lines files, and presets for real helpdesk exports.
//!
//! Feature `io` (on by default). Everything here streams: a reader holds one row in memory at a
//! time, so a file of any size can be read through the iterator; the `read_*` functions collect
//! the accepted records (and the rejected ones) into a [`ReadOutcome`].
//!
//! ## The canonical layout
//! With no [`ColumnMapping`] and no [`Preset`], columns (CSV) or keys (JSON Lines) are named as
//! the record fields; `examples/data/` has one file of each (and a README). Required fields are
//! in **bold**; every other column may be absent, and a cell may be null (see
//! [`ReadOptions::null_tokens`]).
//!
//! | record | fields |
//! |---|---|
//! | [`Ticket`] | **`id`**, `customer_id`, **`created_at`**, `first_response_at`, `first_resolved_at`, `resolved_at`, `status`, `channel`, `priority`, `team`, `assignee`, `agent_replies`, `reopens` |
//! | [`TicketEvent`] | **`ticket_id`**, **`at`**, **`kind`** (`created`, `reply`, `status_change`, `assigned`, `merged`), `author` (`agent`, `customer`, `bot`, `system`; for a reply), `public` (for a reply; default true), `to` (the status or assignee, for `status_change` / `assigned`), `into` (for `merged`), `agent` (who wrote the reply or changed the status: the ticket's `first_responder` and `solver`) |
//! | [`SurveyResponse`] | **`id`**, `ticket_id`, `customer_id`, **`responded_at`**, **`kind`** (`csat`, `nps`, `ces`), **`score`** |
//! | [`Customer`] | **`id`**, **`acquired_at`**, `churned_at`, `recurring_revenue`, `currency`, `segment` |
//! | [`CostEntry`] | **`start`**, **`end`** (dates, both included), **`amount`**, `currency`, `category` |
//!
//! Timestamps follow [`TimestampFormat`]; dates (cost periods) [`ReadOptions::date_format`];
//! statuses go through [`ReadOptions::status_map`] (default: the canonical names and their
//! synonyms); amounts are exact decimals (`1234.50`); a currency is a three-letter code, from
//! the `currency` column or [`ReadOptions::currency`]. Extra columns become free-form ticket
//! dimensions when [`ReadOptions::keep_extra_columns`] is on.
//!
//! ## Errors: strict and lenient
//! A header without a required column is an error before any record. After that each bad
//! record is a [`Rejected`]: its line (1-based, physical lines, the header is line 1) and an
//! [`Error`] naming the record type, the id when it could be read, the field, the value and the
//! rule. [`ErrorMode::Strict`] (the default) stops at the first one; [`ErrorMode::Lenient`]
//! carries on and returns them all. Either way accepted + rejected = records read.
//!
//! ```
//! use supportkpi::io::{ErrorMode, ReadOptions, TicketReader};
//! use supportkpi::ErrorKind;
//!
//! let csv = "id,created_at,resolved_at\n\
//!            T-1,2021-06-01T08:00:00Z,2021-06-01T09:00:00Z\n\
//!            T-2,2021-06-01T08:00:00Z,2021-06-01T07:00:00Z\n\
//!            T-3,yesterday,\n";
//! let lenient = ReadOptions::new().errors(ErrorMode::Lenient);
//! let outcome = TicketReader::csv(csv.as_bytes(), &lenient)?.read_all()?;
//! assert_eq!((outcome.records.len(), outcome.rejected.len(), outcome.read), (1, 2, 3));
//! let first = &outcome.rejected[0];
//! assert_eq!((first.line, first.error.kind()), (3, ErrorKind::NegativeDuration));
//! assert_eq!(first.error.field(), Some("resolved_at"));
//!
//! let strict = TicketReader::csv(csv.as_bytes(), &ReadOptions::new())?.read_all();
//! assert_eq!(strict.unwrap_err().line(), Some(3));
//! # Ok::<(), supportkpi::Error>(())
//! ```
//!
//! ## Presets
//! [`Preset::ServiceNow`] reads the ServiceNow incident event log into ticket histories
//! ([`read_servicenow`]); [`Preset::Zendesk`] and [`Preset::Freshdesk`] read their ticket CSV
//! exports as tickets (set with [`ReadOptions::preset`]). Each preset's module documents its
//! column mapping.

#[cfg(feature = "arrow")]
pub mod arrow;
mod columnar;
mod csv;
#[doc(hidden)]
pub mod fuzz_entry;
mod jsonl;
mod limit;
mod load;
mod mapping;
#[cfg(feature = "parquet")]
mod parquet;
pub mod presets;
pub(crate) mod records;
mod rules;
#[cfg(feature = "arrow")]
mod table;
mod timestamp;

#[doc(hidden)]
pub use columnar::load_columnar_in_chunks;
pub use columnar::{LoadedColumnar, load_columnar};
use limit::LineLimit;
pub use limit::MAX_LINE_BYTES;
pub use load::{EventLog, Loaded, SourceKind, SourceRejected, Sources, load};

/// The canonical columns of a record type, in order: the header the readers take without a
/// mapping or preset (examples/data/README.md), and the one `supportkpi-synth` writes.
///
/// ```
/// use supportkpi::io::{SourceKind, canonical_columns};
/// assert_eq!(canonical_columns(SourceKind::Costs), ["start", "end", "amount", "currency", "category"]);
/// ```
pub const fn canonical_columns(kind: SourceKind) -> &'static [&'static str] {
    match kind {
        SourceKind::Tickets => records::TICKET.keys,
        SourceKind::Events => records::EVENT.keys,
        SourceKind::Surveys => records::SURVEY.keys,
        SourceKind::Customers => records::CUSTOMER.keys,
        SourceKind::Costs => records::COST.keys,
    }
}
pub use mapping::ColumnMapping;
pub use presets::Preset;
pub use presets::servicenow::{EventLogOutcome, read_servicenow, read_servicenow_from};
#[cfg(feature = "arrow")]
pub(crate) use table::TableLayout;
pub use timestamp::TimestampFormat;

use self::csv::CsvSource;
use self::jsonl::JsonLinesSource;
use self::mapping::{Cells, Layout, Row, Schema};
use crate::error::{Error, ErrorKind, Result};
use crate::hash::IdHashBuilder;
use crate::kpi::{CesOptions, CsatOptions};
use crate::model::{Currency, EventOrder, StatusMap, SurveyKind};
use crate::{CostEntry, Customer, SurveyResponse, Ticket, TicketEvent};
use chrono_tz::Tz;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// What a reader does with a bad record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ErrorMode {
    /// Stop at the first bad record and return its error (the default).
    #[default]
    Strict,
    /// Keep going, and return every bad record with its error.
    Lenient,
}

impl std::str::FromStr for ErrorMode {
    type Err = Error;

    /// `"strict"` or `"lenient"`, any case.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`] for anything else.
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "strict" => Ok(ErrorMode::Strict),
            "lenient" => Ok(ErrorMode::Lenient),
            _ => Err(
                Error::new(ErrorKind::InvalidOption, "expected strict or lenient")
                    .with_field("errors")
                    .with_value(s),
            ),
        }
    }
}

/// The file format of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Comma-separated values with a header row (RFC 4180 quoting; LF or CRLF line ends).
    Csv,
    /// JSON Lines: one JSON object per line; blank lines are skipped.
    JsonLines,
    /// Apache Parquet (feature `parquet`): read by [`load`] and [`load_columnar`], written by
    /// `Synth::write` (crate `supportkpi-synth`); the streaming record readers take CSV and
    /// JSON Lines only.
    #[cfg(feature = "parquet")]
    Parquet,
}

impl Format {
    /// The format a path's extension names: `.jsonl`, `.ndjson` and `.json` are JSON Lines,
    /// `.parquet` and `.pq` Parquet (feature `parquet`), anything else CSV.
    ///
    /// # Example
    /// ```
    /// use supportkpi::io::Format;
    /// assert_eq!(Format::from_path("tickets.ndjson"), Format::JsonLines);
    /// assert_eq!(Format::from_path("tickets.CSV"), Format::Csv);
    /// assert_eq!(Format::from_path("tickets.parquet"), Format::Parquet);
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Format {
        let ext = path
            .as_ref()
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" | "ndjson" | "json" => Format::JsonLines,
            #[cfg(feature = "parquet")]
            "parquet" | "pq" => Format::Parquet,
            _ => Format::Csv,
        }
    }
}

/// Options of every reader; [`Default`] is [`ReadOptions::new`]. Consuming setters.
///
/// # Example
/// ```
/// use supportkpi::io::{ErrorMode, ReadOptions, TimestampFormat};
///
/// let options = ReadOptions::new()
///     .errors(ErrorMode::Lenient)
///     .timestamps(TimestampFormat::pattern("%d/%m/%Y %H:%M"))
///     .zone("Europe/Berlin")?
///     .null_tokens(["", "n/a"])
///     .keep_extra_columns(true);
/// assert_eq!(options.error_mode(), ErrorMode::Lenient);
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ReadOptions {
    mode: ErrorMode,
    format: Option<Format>,
    pub(crate) timestamps: TimestampFormat,
    pattern_set: bool,
    pub(crate) date_format: String,
    pub(crate) null_tokens: Vec<String>,
    pub(crate) mapping: ColumnMapping,
    pub(crate) keep_extra_columns: bool,
    pub(crate) status_map: Option<StatusMap>,
    pub(crate) currency: Option<Currency>,
    preset: Option<Preset>,
    check_duplicate_ids: bool,
    pub(crate) delimiter: u8,
    pub(crate) event_order: Option<EventOrder>,
    pub(crate) survey_scales: Option<(CsatOptions, CesOptions)>,
    /// Whether a line longer than [`MAX_LINE_BYTES`] is an error: off for the JSON Lines the
    /// Arrow and Parquet readers write themselves (a long cell of a table is not a runaway
    /// file; their input is already in memory).
    pub(crate) line_limit: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions::new()
    }
}

impl ReadOptions {
    /// The defaults: strict; format from the file extension; [`TimestampFormat::auto`] in UTC;
    /// dates `%Y-%m-%d`; null tokens `""`, `"?"` and `"NULL"`; the canonical layout; extra
    /// columns ignored; the canonical status names; no default currency; duplicate ids checked;
    /// comma-separated.
    pub fn new() -> Self {
        ReadOptions {
            mode: ErrorMode::Strict,
            format: None,
            timestamps: TimestampFormat::auto(),
            pattern_set: false,
            date_format: "%Y-%m-%d".to_owned(),
            null_tokens: vec![String::new(), "?".to_owned(), "NULL".to_owned()],
            mapping: ColumnMapping::new(),
            keep_extra_columns: false,
            status_map: None,
            currency: None,
            preset: None,
            check_duplicate_ids: true,
            event_order: None,
            delimiter: b',',
            survey_scales: None,
            line_limit: true,
        }
    }

    /// Checks CSAT and CES scores against these scales while reading (NPS scores are always
    /// checked against 0–10), so that a score off its scale is a bad record with its file and
    /// line — set aside by a lenient read — rather than an error of the report that reads
    /// it. The doors (`supportkpi report`, Python's `sk.report`, C's
    /// `supportkpi_report_json`) pass the report's own scales. Default: not checked here.
    ///
    /// ```
    /// use supportkpi::io::{ErrorMode, ReadOptions, read_surveys};
    /// use supportkpi::kpi::{CesOptions, CsatOptions};
    /// # let dir = std::env::temp_dir().join(format!("sk-scales-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("surveys.csv");
    /// std::fs::write(&path, "id,responded_at,kind,score\n\
    ///     S-1,2021-06-01T00:00:00Z,csat,5\nS-2,2021-06-01T00:00:00Z,csat,0\n\
    ///     S-3,2021-06-01T00:00:00Z,ces,6\n").unwrap();
    /// let options = ReadOptions::new()
    ///     .errors(ErrorMode::Lenient)
    ///     .survey_scales(CsatOptions::default(), CesOptions::default());
    /// let read = read_surveys(&path, &options)?;
    /// assert_eq!((read.records.len(), read.rejected.len()), (1, 2));
    /// assert_eq!(read.rejected[0].line, 3);
    /// assert_eq!(read.rejected[1].error.kind(), supportkpi::ErrorKind::ScoreOutOfScale);
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    #[must_use]
    pub fn survey_scales(mut self, csat: CsatOptions, ces: CesOptions) -> Self {
        self.survey_scales = Some((csat, ces));
        self
    }

    /// A score against the scales of [`survey_scales`](Self::survey_scales), if set: the check
    /// the readers make, for other readers (Arrow tables) to make the same.
    ///
    /// # Errors
    /// [`ErrorKind::ScoreOutOfScale`] for a CSAT or CES score off its scale.
    pub fn check_score(&self, kind: SurveyKind, score: i32) -> Result<()> {
        match (&self.survey_scales, kind) {
            (Some((csat, _)), SurveyKind::Csat) => csat.check_score(score),
            (Some((_, ces)), SurveyKind::Ces) => ces.check_score(score),
            _ => Ok(()),
        }
    }

    /// The first survey kind whose scores [`check_score`](Self::check_score) checks
    /// differently under `other`'s scales, with this read's range and `other`'s (`"1-5"`, or
    /// `"unchecked"` without [`survey_scales`](Self::survey_scales)). Only a scale's range
    /// takes part in reading: a caller that reads once and reports many times (the Python
    /// door's `prepare`) refuses a report whose scales would have read the records otherwise.
    ///
    /// ```
    /// use supportkpi::io::ReadOptions;
    /// use supportkpi::kpi::{CesOptions, CsatOptions, CsatScale};
    /// use supportkpi::model::SurveyKind;
    /// let read = ReadOptions::new().survey_scales(CsatOptions::default(), CesOptions::default());
    /// let mut stricter = CsatOptions::default();
    /// stricter.positive_from = Some(5);
    /// let same_range = ReadOptions::new().survey_scales(stricter, CesOptions::default());
    /// assert_eq!(read.scores_checked_differently(&same_range), None);
    /// let mut wider = CsatOptions::default();
    /// wider.scale = CsatScale::ONE_TO_TEN;
    /// let other = ReadOptions::new().survey_scales(wider, CesOptions::default());
    /// assert_eq!(
    ///     read.scores_checked_differently(&other),
    ///     Some((SurveyKind::Csat, "1-5".to_owned(), "1-10".to_owned()))
    /// );
    /// ```
    pub fn scores_checked_differently(
        &self,
        other: &ReadOptions,
    ) -> Option<(SurveyKind, String, String)> {
        let range = |o: &ReadOptions, kind: SurveyKind| {
            o.survey_scales.as_ref().map(|(csat, ces)| match kind {
                SurveyKind::Ces => (ces.scale.min(), ces.scale.max()),
                _ => (csat.scale.min(), csat.scale.max()),
            })
        };
        let text = |r: Option<(i32, i32)>| {
            r.map_or_else(
                || "unchecked".to_owned(),
                |(min, max)| format!("{min}-{max}"),
            )
        };
        [SurveyKind::Csat, SurveyKind::Ces]
            .into_iter()
            .find(|&k| range(self, k) != range(other, k))
            .map(|k| (k, text(range(self, k)), text(range(other, k))))
    }

    /// Strict (stop at the first bad record) or lenient (return every bad record).
    #[must_use]
    pub fn errors(mut self, mode: ErrorMode) -> Self {
        self.mode = mode;
        self
    }

    /// The error mode.
    pub fn error_mode(&self) -> ErrorMode {
        self.mode
    }

    /// The file format, instead of guessing it from the extension ([`Format::from_path`]).
    #[must_use]
    pub fn format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }

    /// How timestamps are written (pattern and zone); replaces a preset's default pattern.
    #[must_use]
    pub fn timestamps(mut self, format: TimestampFormat) -> Self {
        self.timestamps = format;
        self.pattern_set = true;
        self
    }

    /// The IANA zone naive local times are in (default UTC), keeping the pattern.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownTimeZone`] for a name that is not an IANA zone.
    pub fn zone(self, name: &str) -> Result<Self> {
        Ok(self.with_zone(crate::time::parse_zone(name)?))
    }

    /// The zone naive local times are in, keeping the pattern.
    #[must_use]
    pub fn with_zone(mut self, zone: Tz) -> Self {
        self.timestamps = self.timestamps.with_zone(zone);
        self
    }

    /// The chrono pattern of dates (cost periods), `%Y-%m-%d` by default.
    #[must_use]
    pub fn date_format(mut self, pattern: impl Into<String>) -> Self {
        self.date_format = pattern.into();
        self
    }

    /// The cell texts that mean "no value" (compared after trimming whitespace); they replace
    /// the defaults `""`, `"?"` and `"NULL"`. A JSON `null` is always no value.
    #[must_use]
    pub fn null_tokens<S: Into<String>>(mut self, tokens: impl IntoIterator<Item = S>) -> Self {
        self.null_tokens = tokens.into_iter().map(Into::into).collect();
        self
    }

    /// The column mapping (layered over a preset's, taking precedence).
    #[must_use]
    pub fn mapping(mut self, mapping: ColumnMapping) -> Self {
        self.mapping = mapping;
        self
    }

    /// Keeps columns that feed no field as free-form ticket dimensions, named by their header
    /// (off by default; only tickets have dimensions).
    #[must_use]
    pub fn keep_extra_columns(mut self, on: bool) -> Self {
        self.keep_extra_columns = on;
        self
    }

    /// The status map for ticket statuses (and ServiceNow states), replacing the default (the
    /// canonical names, or the preset's vocabulary).
    #[must_use]
    pub fn status_map(mut self, map: StatusMap) -> Self {
        self.status_map = Some(map);
        self
    }

    /// The currency of amounts whose row has no currency.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] unless `code` is a three-letter code.
    pub fn currency(mut self, code: &str) -> Result<Self> {
        self.currency = Some(Currency::new(code)?);
        Ok(self)
    }

    /// Reads a helpdesk export through a preset's mapping, statuses and formats.
    #[must_use]
    pub fn preset(mut self, preset: Preset) -> Self {
        self.preset = Some(preset);
        self
    }

    /// The preset, if any.
    pub fn preset_kind(&self) -> Option<Preset> {
        self.preset
    }

    /// Whether a second record with an id already read (tickets, survey responses, customers)
    /// is rejected with [`ErrorKind::DuplicateId`] (on by default; it keeps one id and line per
    /// record in memory).
    #[must_use]
    pub fn check_duplicate_ids(mut self, on: bool) -> Self {
        self.check_duplicate_ids = on;
        self
    }

    /// The order in which an event log's events are taken per ticket. Unset, each reader keeps
    /// its documented default: the source's own order for the ServiceNow incident log (its rows
    /// are in update order and its timestamps can run backwards), time order for the canonical
    /// event log. [`EventOrder::Time`] sorts a ServiceNow export that is not in update order.
    #[must_use]
    pub fn event_order(mut self, order: EventOrder) -> Self {
        self.event_order = Some(order);
        self
    }

    /// The CSV field delimiter (default `,`; `;` and tab are common in spreadsheet exports).
    #[must_use]
    pub fn delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = delimiter;
        self
    }

    /// The status map in force (set by the plan; the canonical one otherwise).
    pub(crate) fn statuses(&self) -> &StatusMap {
        static CANONICAL: std::sync::OnceLock<StatusMap> = std::sync::OnceLock::new();
        self.status_map
            .as_ref()
            .unwrap_or_else(|| CANONICAL.get_or_init(StatusMap::canonical))
    }

    /// The timestamp pattern text timestamps are read with: the one set, else the preset's
    /// default (none: [`TimestampFormat::auto`]).
    #[cfg(feature = "arrow")]
    pub(crate) fn pattern_in_force(&self) -> Option<&str> {
        match (self.pattern_set, self.preset) {
            (false, Some(preset)) => preset.default_timestamp_pattern(),
            _ => self.timestamps.pattern_str(),
        }
    }

    /// These options with a preset's default timestamp pattern, unless one was set.
    pub(crate) fn with_default_pattern(&self, pattern: &str) -> ReadOptions {
        let mut o = self.clone();
        if !o.pattern_set {
            o.timestamps = TimestampFormat::pattern(pattern).with_zone(o.timestamps.time_zone());
        }
        o
    }
}

/// A record the reader could not accept: its line and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The record's first line in the input (1-based; the CSV header is line 1).
    pub line: u64,
    /// The error, naming the record type, line, id (when readable), field, value and rule.
    pub error: Error,
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

/// What a `read_*` call returns: the accepted records, the rejected ones, and how many records
/// were read. `records.len() + rejected.len() == read`, always.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOutcome<T> {
    /// The accepted records, in input order.
    pub records: Vec<T>,
    /// The rejected records, in input order (empty in strict mode, which returns the error).
    pub rejected: Vec<Rejected>,
    /// Records read: accepted + rejected.
    pub read: u64,
}

/// One step of a row source.
pub(crate) enum Advance {
    /// A row is ready, starting on this line.
    Row(u64),
    /// A row that cannot be read as a record (wrong width, bad UTF-8, bad JSON), its line, and
    /// whether its cells are still readable (for the id in the error).
    Bad(Error, u64, bool),
    /// The input cannot be read further.
    Fatal(Error),
    /// The end of the input.
    Eof,
}

enum Source<R> {
    Csv(CsvSource<R>),
    Json(JsonLinesSource<R>),
}

/// Parses one row into a record.
pub(crate) type Parse<T> = fn(&Row<'_>) -> Result<T>;

/// A streaming reader of records of type `T` from `R`: an iterator of
/// `Result<T, Rejected>`, one row in memory at a time.
///
/// Built per record type through the aliases [`TicketReader`], [`EventReader`],
/// [`SurveyReader`], [`CustomerReader`] and [`CostReader`], with `csv`, `json_lines` or
/// `from_path`. In strict mode the iterator ends after the first `Err`. An input that cannot be
/// read further (an I/O error) ends it with one last `Err` of kind [`ErrorKind::Io`] and line 0,
/// which is not a record and not counted.
///
/// # Example
/// Counting without collecting:
/// ```
/// use supportkpi::io::{ReadOptions, SurveyReader};
///
/// let jsonl = r#"{"id":"S-1","responded_at":"2021-06-01T08:00:00Z","kind":"nps","score":9}
/// {"id":"S-2","responded_at":"2021-06-01T09:00:00Z","kind":"nps","score":3}"#;
/// let mut promoters = 0;
/// for response in SurveyReader::json_lines(jsonl.as_bytes(), &ReadOptions::new())? {
///     promoters += u32::from(response.map_err(|r| r.error)?.score() >= 9);
/// }
/// assert_eq!(promoters, 1);
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub struct RecordReader<T, R> {
    source: Source<LineLimit<R>>,
    layout: Layout,
    options: ReadOptions,
    parse: Parse<T>,
    currency_of: Option<fn(&T) -> Option<Currency>>,
    /// The currency of the first accepted record that had one.
    currency: Option<Currency>,
    seen: Option<HashMap<String, u64, IdHashBuilder>>,
    read: u64,
    /// The line of the record [`next`](Iterator::next) gave last.
    line: u64,
    done: bool,
}

impl<T, R> fmt::Debug for RecordReader<T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordReader")
            .field("record_type", &self.layout.schema.record_type)
            .field("read", &self.read)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// Reads tickets ([`Ticket`]); see [`RecordReader`].
///
/// # Example
/// ```
/// use supportkpi::io::{ReadOptions, TicketReader};
/// let csv = "id,created_at,status\nT-1,2021-06-01 08:00,open\n";
/// let ticket = TicketReader::csv(csv.as_bytes(), &ReadOptions::new())?.next().unwrap();
/// assert_eq!(ticket.unwrap().status().as_str(), "open");
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub type TicketReader<R> = RecordReader<Ticket, R>;
/// Reads ticket events ([`TicketEvent`]); see [`RecordReader`].
///
/// # Example
/// ```
/// use supportkpi::io::{EventReader, ReadOptions};
/// use supportkpi::model::EventKind;
/// let csv = "ticket_id,at,kind,to\nT-1,2021-06-01T08:00:00Z,status_change,solved\n";
/// let event = EventReader::csv(csv.as_bytes(), &ReadOptions::new())?.next().unwrap().unwrap();
/// assert_eq!(event.kind, EventKind::StatusChange { to: "solved".into() });
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub type EventReader<R> = RecordReader<TicketEvent, R>;
/// Reads survey responses ([`SurveyResponse`]); see [`RecordReader`].
///
/// # Example
/// ```
/// use supportkpi::io::{ReadOptions, SurveyReader};
/// let csv = "id,responded_at,kind,score\nS-1,2021-06-01T08:00:00Z,csat,5\n";
/// let r = SurveyReader::csv(csv.as_bytes(), &ReadOptions::new())?.next().unwrap().unwrap();
/// assert_eq!(r.score(), 5);
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub type SurveyReader<R> = RecordReader<SurveyResponse, R>;
/// Reads customers ([`Customer`]); see [`RecordReader`].
///
/// # Example
/// ```
/// use supportkpi::io::{CustomerReader, ReadOptions};
/// let csv = "id,acquired_at,recurring_revenue,currency\nacme,2021-01-01,1200.50,EUR\n";
/// let c = CustomerReader::csv(csv.as_bytes(), &ReadOptions::new())?.next().unwrap().unwrap();
/// assert_eq!(c.recurring_revenue().unwrap().to_string(), "1200.50 EUR");
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub type CustomerReader<R> = RecordReader<Customer, R>;
/// Reads cost entries ([`CostEntry`]); see [`RecordReader`].
///
/// # Example
/// ```
/// use supportkpi::io::{CostReader, ReadOptions};
/// let csv = "start,end,amount\n2021-06-01,2021-06-30,30000\n";
/// let options = ReadOptions::new().currency("USD")?;
/// let c = CostReader::csv(csv.as_bytes(), &options)?.next().unwrap().unwrap();
/// assert_eq!(c.days(), 30);
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub type CostReader<R> = RecordReader<CostEntry, R>;

/// How a record type is read under some options: schema, parser, base mapping, options.
pub(crate) struct Plan<T> {
    pub(crate) schema: Schema,
    pub(crate) parse: Parse<T>,
    pub(crate) mapping: ColumnMapping,
    pub(crate) options: ReadOptions,
    /// The currency of a record that carries money: a reader takes one currency (the first
    /// record's) and rejects the records in another, so that a lenient read sets them aside
    /// with their line instead of the report failing on them later.
    pub(crate) currency_of: Option<fn(&T) -> Option<Currency>>,
}

impl<T> Plan<T> {
    fn canonical(schema: Schema, parse: Parse<T>, options: &ReadOptions) -> Result<Plan<T>> {
        if let Some(preset) = options.preset {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                format!(
                    "the {preset} preset does not read {} records ({})",
                    schema.record_type,
                    preset.reads()
                ),
            )
            .with_field("preset")
            .with_value(preset));
        }
        Ok(Plan {
            schema,
            parse,
            mapping: options.mapping.clone(),
            options: options.clone(),
            currency_of: None,
        })
    }
}

impl<T, R: Read> RecordReader<T, R> {
    pub(crate) fn with_plan(input: R, format: Format, plan: Plan<T>) -> Result<Self> {
        let Plan {
            schema,
            parse,
            mapping,
            options,
            currency_of,
        } = plan;
        let input = if options.line_limit {
            LineLimit::new(input)
        } else {
            LineLimit::unbounded(input)
        };
        let (source, layout) = match format {
            Format::Csv => {
                let (source, layout) = CsvSource::new(input, schema, &options, &mapping)?;
                (Source::Csv(source), layout)
            }
            Format::JsonLines => (
                Source::Json(JsonLinesSource::new(input)),
                Layout::for_json(schema, &mapping, options.keep_extra_columns)?,
            ),
            // A Parquet file's footer is at its end: it is read whole, not streamed row by row.
            #[cfg(feature = "parquet")]
            Format::Parquet => {
                return Err(Error::new(
                    ErrorKind::InvalidOption,
                    "a Parquet file is read by io::load or io::load_columnar, not by a \
                     streaming record reader",
                )
                .with_field("format")
                .with_value("parquet"));
            }
        };
        let seen = (options.check_duplicate_ids
            && schema.id_key.is_some()
            && schema.record_type != "event")
            .then(HashMap::default);
        Ok(RecordReader {
            source,
            layout,
            options,
            parse,
            currency_of,
            currency: None,
            seen,
            read: 0,
            line: 0,
            done: false,
        })
    }

    /// Records read so far (accepted + rejected).
    pub fn records_read(&self) -> u64 {
        self.read
    }

    /// The first line of the record the iterator gave last (0 before the first).
    pub(crate) fn last_line(&self) -> u64 {
        self.line
    }

    /// Reads every remaining record into a [`ReadOutcome`], by the options' error mode.
    ///
    /// # Errors
    /// In strict mode, the first bad record's error (with its line); in both modes, an
    /// [`ErrorKind::Io`] error when the input cannot be read further.
    ///
    /// # Example
    /// See the [module docs](crate::io#errors-strict-and-lenient).
    pub fn read_all(mut self) -> Result<ReadOutcome<T>> {
        let mut records = Vec::new();
        let mut rejected = Vec::new();
        while let Some(item) = self.next() {
            match item {
                Ok(record) => records.push(record),
                Err(r) if r.error.kind() == ErrorKind::Io && r.line == 0 => return Err(r.error),
                Err(r) if self.options.mode == ErrorMode::Strict => return Err(r.error),
                Err(r) => rejected.push(r),
            }
        }
        Ok(ReadOutcome {
            records,
            rejected,
            read: self.read,
        })
    }

    fn reject(&mut self, error: Error, line: u64, id: Option<String>) -> Rejected {
        self.read += 1;
        if self.options.mode == ErrorMode::Strict {
            self.done = true;
        }
        let error = rejection(error, self.layout.schema.record_type, line, id);
        Rejected { line, error }
    }
}

/// A rejected record's error: its record type, its line, and its id unless the error names one.
pub(crate) fn rejection(
    error: Error,
    record_type: &'static str,
    line: u64,
    id: Option<String>,
) -> Error {
    let error = error.with_record_type(record_type).with_line(line);
    match (id, error.record().and_then(|r| r.id.as_ref())) {
        (Some(id), None) => error.with_id(id),
        _ => error,
    }
}

/// Parses a row with `parse`; a model error names the column as the input spells it.
pub(crate) fn parse_row<T>(parse: Parse<T>, row: &Row<'_>) -> Result<T> {
    parse(row).map_err(|e| rename_field(e, row))
}

/// Model errors name canonical fields; this names the column as the input spells it.
pub(crate) fn rename_field(e: Error, row: &Row<'_>) -> Error {
    match e.field().map(|f| (f.to_owned(), row.source_name(f))) {
        Some((field, source)) if field != source => e.with_field(source),
        _ => e,
    }
}

/// The error of a second record with an id first read on `first_line`.
pub(crate) fn duplicate_id(first_line: u64, field: String, id: &str) -> Error {
    Error::new(
        ErrorKind::DuplicateId,
        format!("an id appears once per input (first on line {first_line})"),
    )
    .with_field(field)
    .with_value(id)
}

impl<T, R: Read> Iterator for RecordReader<T, R> {
    type Item = std::result::Result<T, Rejected>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let step = match &mut self.source {
            Source::Csv(s) => s.advance(self.layout.width),
            Source::Json(s) => s.advance(),
        };
        let line = match step {
            Advance::Eof => {
                self.done = true;
                return None;
            }
            Advance::Fatal(error) => {
                self.done = true;
                let error = error.with_record_type(self.layout.schema.record_type);
                return Some(Err(Rejected { line: 0, error }));
            }
            Advance::Bad(error, line, cells) => {
                self.line = line;
                let id = match (&self.source, cells) {
                    (Source::Csv(s), true) => Row {
                        line,
                        cells: Cells::Csv(&s.record),
                        layout: &self.layout,
                        options: &self.options,
                    }
                    .id(),
                    _ => None,
                };
                return Some(Err(self.reject(error, line, id)));
            }
            Advance::Row(line) => line,
        };
        self.line = line;
        let row = Row {
            line,
            cells: match &self.source {
                Source::Csv(s) => Cells::Csv(&s.record),
                Source::Json(s) => Cells::Json(&s.object),
            },
            layout: &self.layout,
            options: &self.options,
        };
        let id = row.id();
        let parsed = parse_row(self.parse, &row).and_then(|record| {
            let theirs = self.currency_of.and_then(|f| f(&record));
            match (self.currency, theirs) {
                (Some(ours), Some(theirs)) if ours != theirs => Err(Error::new(
                    ErrorKind::MixedCurrencies,
                    format!("one input takes one currency: its first is {ours}"),
                )
                .with_field(row.source_name("currency"))
                .with_value(theirs)),
                _ => Ok(record),
            }
        });
        // One hash lookup per accepted id, and the id moves into the map: this check was a
        // third of reading a file (a lookup, then an insert of a clone).
        let (result, id) = match (parsed, &mut self.seen, id) {
            (Ok(record), Some(seen), Some(id)) => match seen.entry(id) {
                Entry::Occupied(e) => {
                    let field = row.source_name(self.layout.schema.id_key.unwrap_or("id"));
                    let error = duplicate_id(*e.get(), field, e.key());
                    (Err(error), Some(e.key().clone()))
                }
                Entry::Vacant(e) => {
                    e.insert(line);
                    (Ok(record), None)
                }
            },
            (other, _, id) => (other, id),
        };
        Some(match result {
            Ok(record) => {
                self.read += 1;
                if self.currency.is_none() {
                    self.currency = self.currency_of.and_then(|f| f(&record));
                }
                Ok(record)
            }
            Err(error) => Err(self.reject(error, line, id)),
        })
    }
}

fn open(path: &Path) -> Result<File> {
    File::open(path).map_err(|e| {
        Error::new(ErrorKind::Io, format!("cannot open the file: {e}"))
            .with_field("path")
            .with_value(path.display())
            .with_source(e)
    })
}

macro_rules! reader_for {
    ($record:ty, $alias:literal, $plan:path, $read_fn:ident, $what:literal, $example:literal) => {
        impl<R: Read> RecordReader<$record, R> {
            #[doc = concat!("A reader of ", $what, " from CSV (the header is read now).")]
            ///
            /// # Errors
            /// [`ErrorKind::MissingField`] when the header lacks a required column (line 1);
            /// [`ErrorKind::InvalidOption`] for a mapping to an unknown field, two columns
            /// feeding one field, or a preset that does not read this record type;
            /// [`ErrorKind::Io`] when the input cannot be read.
            ///
            /// # Example
            #[doc = concat!("See [`", $alias, "`].")]
            pub fn csv(input: R, options: &ReadOptions) -> Result<Self> {
                RecordReader::with_plan(input, Format::Csv, $plan(options)?)
            }

            #[doc = concat!("A reader of ", $what, " from JSON Lines.")]
            ///
            /// # Errors
            /// [`ErrorKind::InvalidOption`] for a mapping to an unknown field or a preset
            /// that does not read this record type.
            ///
            /// # Example
            #[doc = concat!("See [`", $alias, "`].")]
            pub fn json_lines(input: R, options: &ReadOptions) -> Result<Self> {
                RecordReader::with_plan(input, Format::JsonLines, $plan(options)?)
            }

            #[doc = concat!("A reader of ", $what, " from `input` in `format`.")]
            ///
            /// # Errors
            /// Those of [`csv`](Self::csv) and [`json_lines`](Self::json_lines).
            ///
            /// # Example
            #[doc = concat!("See [`", $alias, "`].")]
            pub fn from_reader(input: R, format: Format, options: &ReadOptions) -> Result<Self> {
                RecordReader::with_plan(input, format, $plan(options)?)
            }
        }

        impl RecordReader<$record, File> {
            #[doc = concat!("A reader of ", $what, " from a file; the format is ")]
            /// [`ReadOptions::format`] or else the extension's ([`Format::from_path`]).
            ///
            /// # Errors
            /// [`ErrorKind::Io`] when the file cannot be opened; those of
            /// [`csv`](Self::csv) and [`json_lines`](Self::json_lines).
            ///
            /// # Example
            #[doc = concat!("See [`", stringify!($read_fn), "`].")]
            pub fn from_path(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Self> {
                let path = path.as_ref();
                let format = options.format.unwrap_or_else(|| Format::from_path(path));
                RecordReader::with_plan(open(path)?, format, $plan(options)?)
            }
        }

        #[doc = concat!("Reads every ", $what, " of a file (CSV, JSON Lines or Parquet, see ")]
        /// [`Format::from_path`]; a file that starts with Parquet's magic `PAR1` is Parquet
        /// whatever its name) by the options' error mode. A Parquet file is read by the Arrow
        /// readers ([`arrow`]), its row groups decoded on all cores; a row's line is its
        /// number in the file (from 1).
        ///
        /// # Errors
        /// In strict mode the first bad record's error; in both modes the errors of
        /// [`RecordReader::from_path`] and I/O errors.
        ///
        /// # Example
        /// ```
        #[doc = $example]
        /// # Ok::<(), supportkpi::Error>(())
        /// ```
        pub fn $read_fn(
            path: impl AsRef<Path>,
            options: &ReadOptions,
        ) -> Result<ReadOutcome<$record>> {
            #[cfg(feature = "parquet")]
            if parquet::format_of(path.as_ref(), options.format) == Format::Parquet {
                return arrow::$read_fn(parquet::batches(path.as_ref())?, options);
            }
            RecordReader::<$record, File>::from_path(path, options)?.read_all()
        }
    };
}

fn ticket_plan(options: &ReadOptions) -> Result<Plan<Ticket>> {
    match options.preset {
        Some(preset) => preset.ticket_plan(options),
        None => Plan::canonical(records::TICKET, rules::canonical_ticket, options),
    }
}
fn event_plan(options: &ReadOptions) -> Result<Plan<TicketEvent>> {
    Plan::canonical(records::EVENT, records::event, options)
}
fn survey_plan(options: &ReadOptions) -> Result<Plan<SurveyResponse>> {
    Plan::canonical(records::SURVEY, rules::survey, options)
}
fn customer_plan(options: &ReadOptions) -> Result<Plan<Customer>> {
    let mut plan = Plan::canonical(records::CUSTOMER, records::customer, options)?;
    plan.currency_of = Some(|c: &Customer| c.recurring_revenue().map(|m| m.currency));
    Ok(plan)
}
fn cost_plan(options: &ReadOptions) -> Result<Plan<CostEntry>> {
    let mut plan = Plan::canonical(records::COST, records::cost, options)?;
    plan.currency_of = Some(|c: &CostEntry| Some(c.amount().currency));
    Ok(plan)
}

reader_for!(
    Ticket,
    "TicketReader",
    ticket_plan,
    read_tickets,
    "tickets",
    "let path = concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/examples/data/tickets.csv\");\n\
     let outcome = supportkpi::io::read_tickets(path, &supportkpi::io::ReadOptions::new())?;\n\
     assert_eq!(outcome.records.len() as u64, outcome.read);"
);
reader_for!(
    TicketEvent,
    "EventReader",
    event_plan,
    read_events,
    "ticket events",
    "let path = concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/examples/data/events.csv\");\n\
     let outcome = supportkpi::io::read_events(path, &supportkpi::io::ReadOptions::new())?;\n\
     assert!(outcome.rejected.is_empty());"
);
reader_for!(
    SurveyResponse,
    "SurveyReader",
    survey_plan,
    read_surveys,
    "survey responses",
    "let path = concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/examples/data/surveys.csv\");\n\
     let outcome = supportkpi::io::read_surveys(path, &supportkpi::io::ReadOptions::new())?;\n\
     assert_eq!(outcome.records.len() as u64, outcome.read);"
);
reader_for!(
    Customer,
    "CustomerReader",
    customer_plan,
    read_customers,
    "customers",
    "let path = concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/examples/data/customers.csv\");\n\
     let outcome = supportkpi::io::read_customers(path, &supportkpi::io::ReadOptions::new())?;\n\
     assert!(!outcome.records.is_empty());"
);
reader_for!(
    CostEntry,
    "CostReader",
    cost_plan,
    read_costs,
    "cost entries",
    "let path = concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/examples/data/costs.csv\");\n\
     let outcome = supportkpi::io::read_costs(path, &supportkpi::io::ReadOptions::new())?;\n\
     assert!(!outcome.records.is_empty());"
);
