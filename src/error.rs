//! The one error type of the library.
//!
//! Every fallible call returns [`Error`]: an opaque value with a [`kind`](Error::kind) and the
//! context a person needs to fix the input — which record (type, line, id), which field, which
//! value, and which rule it broke.
//!
//! ```
//! use supportkpi::{Error, ErrorKind};
//! use supportkpi::kpi::{Accumulator, Nps};
//!
//! let mut acc = Nps::default().accumulator();
//! let err: Error = acc.push(&11).unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::ScoreOutOfScale);
//! assert_eq!(err.field(), Some("score"));
//! assert_eq!(err.value(), Some("11"));
//! assert!(err.to_string().contains("0-10"), "{err}");
//! ```

use std::fmt;
use std::sync::Arc;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, as a stable category a caller can match on.
///
/// The bindings map each kind to a numbered C result code and to a Python exception subclass, so
/// variants are only ever added, never renamed. [`ErrorKind::ALL`] lists them all, in the order
/// the C codes number them; the bindings' tests walk it, so a new kind fails them until it has
/// its code and its class.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A required field is absent or empty.
    MissingField,
    /// A value could not be parsed or is not allowed for its field.
    InvalidValue,
    /// A timestamp could not be parsed, or a naive time has no declared zone.
    InvalidTimestamp,
    /// An end instant lies before its start (a response or resolution before creation).
    NegativeDuration,
    /// A survey score lies outside its scale.
    ScoreOutOfScale,
    /// A time zone name is not a known IANA zone.
    UnknownTimeZone,
    /// Amounts in different currencies were combined.
    MixedCurrencies,
    /// Two records share an id that must be unique.
    DuplicateId,
    /// A status name in the data has no entry in the status map.
    UnmappedStatus,
    /// A business calendar (hours text, intervals, holidays) is malformed.
    InvalidCalendar,
    /// An option value is invalid (a bad scale, threshold or window).
    InvalidOption,
    /// Two accumulators built with different options were merged.
    IncompatibleMerge,
    /// Serialized accumulator state is malformed or inconsistent.
    InvalidState,
    /// Reading input failed (file missing, unreadable, truncated).
    Io,
}

impl ErrorKind {
    /// Every kind, in a stable order: a new kind is appended, never inserted. The C result code
    /// of `ALL[i]` is `100 + i`, and [`as_str`](Self::as_str) is the name both bindings use.
    ///
    /// ```
    /// use supportkpi::ErrorKind;
    /// assert_eq!(ErrorKind::ALL[0], ErrorKind::MissingField);
    /// assert!(ErrorKind::ALL.iter().any(|k| k.as_str() == "score_out_of_scale"));
    /// ```
    pub const ALL: [ErrorKind; 14] = [
        ErrorKind::MissingField,
        ErrorKind::InvalidValue,
        ErrorKind::InvalidTimestamp,
        ErrorKind::NegativeDuration,
        ErrorKind::ScoreOutOfScale,
        ErrorKind::UnknownTimeZone,
        ErrorKind::MixedCurrencies,
        ErrorKind::DuplicateId,
        ErrorKind::UnmappedStatus,
        ErrorKind::InvalidCalendar,
        ErrorKind::InvalidOption,
        ErrorKind::IncompatibleMerge,
        ErrorKind::InvalidState,
        ErrorKind::Io,
    ];

    /// The kind named `name` ([`as_str`](Self::as_str)'s spelling), if there is one.
    ///
    /// ```
    /// use supportkpi::ErrorKind;
    /// assert_eq!(ErrorKind::from_name("io"), Some(ErrorKind::Io));
    /// assert_eq!(ErrorKind::from_name("IO"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// A short, stable, snake_case name for the kind (used by the bindings and in JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::MissingField => "missing_field",
            ErrorKind::InvalidValue => "invalid_value",
            ErrorKind::InvalidTimestamp => "invalid_timestamp",
            ErrorKind::NegativeDuration => "negative_duration",
            ErrorKind::ScoreOutOfScale => "score_out_of_scale",
            ErrorKind::UnknownTimeZone => "unknown_time_zone",
            ErrorKind::MixedCurrencies => "mixed_currencies",
            ErrorKind::DuplicateId => "duplicate_id",
            ErrorKind::UnmappedStatus => "unmapped_status",
            ErrorKind::InvalidCalendar => "invalid_calendar",
            ErrorKind::InvalidOption => "invalid_option",
            ErrorKind::IncompatibleMerge => "incompatible_merge",
            ErrorKind::InvalidState => "invalid_state",
            ErrorKind::Io => "io",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which record an error is about: its type, and where known its line (1-based, in the input
/// file, header included) and its id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordRef {
    /// The record type: `"ticket"`, `"event"`, `"survey_response"`, `"customer"`, `"cost_entry"`,
    /// or `"score"` / `"calendar"` for values that are not records.
    pub record_type: &'static str,
    /// The line in the input, when the record came from a file.
    pub line: Option<u64>,
    /// The record's id, when it has one.
    pub id: Option<String>,
    /// The input file, when the record came from one.
    pub file: Option<String>,
}

impl fmt::Display for RecordRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ty = if self.record_type.is_empty() {
            "record"
        } else {
            self.record_type
        };
        f.write_str(ty)?;
        if let Some(id) = &self.id {
            write!(f, " {id:?}")?;
        }
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, " ({file}:{line})")?,
            (Some(file), None) => write!(f, " ({file})")?,
            (None, Some(line)) => write!(f, " (line {line})")?,
            (None, None) => {}
        }
        Ok(())
    }
}

/// The error of every fallible supportkpi call.
///
/// It names the rule that was broken and, where they are known, the record, field and value.
/// `Display` renders all of it on one line: `ticket "T-7" (line 12): field resolved_at =
/// "2021-06-01T08:00:00Z": resolution before creation (created 2021-06-01T09:00:00Z)`.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    rule: String,
    record: Option<RecordRef>,
    field: Option<String>,
    value: Option<String>,
    source: Option<IoSource>,
}

/// The I/O error under an [`ErrorKind::Io`] error. Shared so that [`Error`] stays `Clone`;
/// two are equal when they say the same (`std::io::Error` has no equality of its own).
#[derive(Debug, Clone)]
struct IoSource(Arc<std::io::Error>);

impl PartialEq for IoSource {
    fn eq(&self, other: &Self) -> bool {
        self.0.kind() == other.0.kind() && self.0.to_string() == other.0.to_string()
    }
}

impl Eq for IoSource {}

impl Error {
    /// A new error of `kind` breaking `rule` (a short phrase saying what was expected).
    pub fn new(kind: ErrorKind, rule: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                rule: rule.into(),
                record: None,
                field: None,
                value: None,
                source: None,
            }),
        }
    }

    /// Keeps the I/O error this error stems from, so that callers can reach it through
    /// [`std::error::Error::source`] (its [`io::ErrorKind`](std::io::ErrorKind), its OS error
    /// code) rather than only as text in the rule.
    ///
    /// ```
    /// use std::error::Error as _;
    /// use supportkpi::{Error, ErrorKind};
    /// let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
    /// let err = Error::new(ErrorKind::Io, "cannot open the file: no such file").with_source(io);
    /// let source = err.source().unwrap().downcast_ref::<std::io::Error>().unwrap();
    /// assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
    /// ```
    #[must_use]
    pub fn with_source(mut self, source: std::io::Error) -> Self {
        self.inner.source = Some(IoSource(Arc::new(source)));
        self
    }

    /// The I/O error this error stems from, when it has one (also
    /// [`std::error::Error::source`]).
    pub fn io_source(&self) -> Option<&std::io::Error> {
        self.inner.source.as_ref().map(|s| &*s.0)
    }

    /// Names the field the error is about.
    #[must_use]
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.inner.field = Some(field.into());
        self
    }

    /// Records the offending value (as text).
    #[must_use]
    pub fn with_value(mut self, value: impl fmt::Display) -> Self {
        self.inner.value = Some(value.to_string());
        self
    }

    /// Names the record type, keeping any line or id already set.
    #[must_use]
    pub fn with_record_type(mut self, record_type: &'static str) -> Self {
        self.inner
            .record
            .get_or_insert_with(RecordRef::default)
            .record_type = record_type;
        self
    }

    /// Names the record's id, keeping its type and line.
    #[must_use]
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.inner.record.get_or_insert_with(RecordRef::default).id = Some(id.into());
        self
    }

    /// Names the line in the input, keeping the record's type and id.
    #[must_use]
    pub fn with_line(mut self, line: u64) -> Self {
        self.inner
            .record
            .get_or_insert_with(RecordRef::default)
            .line = Some(line);
        self
    }

    /// Names the input file the record came from, keeping its type, line and id.
    #[must_use]
    pub fn with_file(mut self, file: impl Into<String>) -> Self {
        self.inner
            .record
            .get_or_insert_with(RecordRef::default)
            .file = Some(file.into());
        self
    }

    /// The input file, when the record came from one.
    pub fn file(&self) -> Option<&str> {
        self.inner.record.as_ref().and_then(|r| r.file.as_deref())
    }

    /// The category of the error.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The rule that was broken, as a short phrase.
    pub fn rule(&self) -> &str {
        &self.inner.rule
    }

    /// The record the error is about, when known.
    pub fn record(&self) -> Option<&RecordRef> {
        self.inner.record.as_ref()
    }

    /// The line in the input, when the record came from a file.
    pub fn line(&self) -> Option<u64> {
        self.inner.record.as_ref().and_then(|r| r.line)
    }

    /// The field the error is about, when known.
    pub fn field(&self) -> Option<&str> {
        self.inner.field.as_deref()
    }

    /// The offending value as text, when known.
    pub fn value(&self) -> Option<&str> {
        self.inner.value.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(record) = &self.inner.record {
            write!(f, "{record}: ")?;
        }
        match (&self.inner.field, &self.inner.value) {
            (Some(field), Some(value)) => write!(f, "field {field} = {value:?}: ")?,
            (Some(field), None) => write!(f, "field {field}: ")?,
            (None, Some(value)) => write!(f, "value {value:?}: ")?,
            (None, None) => {}
        }
        f.write_str(&self.inner.rule)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("record", &self.inner.record)
            .field("field", &self.inner.field)
            .field("value", &self.inner.value)
            .field("rule", &self.inner.rule)
            .field("source", &self.io_source())
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|s| &*s.0 as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_record_field_value_rule() {
        let e = Error::new(ErrorKind::NegativeDuration, "resolution before creation")
            .with_record_type("ticket")
            .with_id("T-7")
            .with_line(12)
            .with_field("resolved_at")
            .with_value("2021-06-01T08:00:00Z");
        assert_eq!(
            e.to_string(),
            "ticket \"T-7\" (line 12): field resolved_at = \"2021-06-01T08:00:00Z\": \
             resolution before creation"
        );
        assert_eq!(e.kind(), ErrorKind::NegativeDuration);
        assert_eq!(e.line(), Some(12));
        assert_eq!(e.record().unwrap().id.as_deref(), Some("T-7"));
    }

    #[test]
    fn display_names_the_file_and_line_together() {
        let e = Error::new(ErrorKind::InvalidTimestamp, "expected RFC 3339")
            .with_record_type("ticket")
            .with_line(3)
            .with_file("tickets.csv")
            .with_field("created_at")
            .with_value("yesterday");
        assert_eq!(
            e.to_string(),
            "ticket (tickets.csv:3): field created_at = \"yesterday\": expected RFC 3339"
        );
        assert_eq!(e.file(), Some("tickets.csv"));
    }

    #[test]
    fn display_without_context_is_the_rule() {
        let e = Error::new(ErrorKind::InvalidOption, "window must be at least 1");
        assert_eq!(e.to_string(), "window must be at least 1");
        assert_eq!(e.field(), None);
    }

    #[test]
    fn all_lists_every_kind_once_with_distinct_names() {
        // No wildcard: a new variant does not compile here until it has its place in `ALL`.
        fn position(k: ErrorKind) -> usize {
            match k {
                ErrorKind::MissingField => 0,
                ErrorKind::InvalidValue => 1,
                ErrorKind::InvalidTimestamp => 2,
                ErrorKind::NegativeDuration => 3,
                ErrorKind::ScoreOutOfScale => 4,
                ErrorKind::UnknownTimeZone => 5,
                ErrorKind::MixedCurrencies => 6,
                ErrorKind::DuplicateId => 7,
                ErrorKind::UnmappedStatus => 8,
                ErrorKind::InvalidCalendar => 9,
                ErrorKind::InvalidOption => 10,
                ErrorKind::IncompatibleMerge => 11,
                ErrorKind::InvalidState => 12,
                ErrorKind::Io => 13,
            }
        }
        let mut names = std::collections::HashSet::new();
        for (i, k) in ErrorKind::ALL.into_iter().enumerate() {
            assert_eq!(position(k), i, "{k}");
            assert!(names.insert(k.as_str()), "duplicate name {k}");
            assert_eq!(ErrorKind::from_name(k.as_str()), Some(k));
            assert_eq!(k.to_string(), k.as_str());
        }
        assert_eq!(ErrorKind::from_name(""), None);
    }

    #[test]
    fn source_is_the_io_error_and_takes_part_in_equality() {
        use std::error::Error as _;
        let plain = Error::new(ErrorKind::Io, "reading the input failed");
        assert!(plain.source().is_none());
        let io = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "truncated");
        let e = plain.clone().with_source(io());
        let source = e
            .source()
            .unwrap()
            .downcast_ref::<std::io::Error>()
            .unwrap();
        assert_eq!(source.kind(), std::io::ErrorKind::UnexpectedEof);
        assert_eq!(e.io_source().unwrap().to_string(), "truncated");
        // Display stays the one line it was; the source is for callers that walk the chain.
        assert_eq!(e.to_string(), "reading the input failed");
        assert_eq!(e.clone(), e);
        assert_eq!(e, plain.clone().with_source(io()));
        assert_ne!(e, plain);
    }

    #[test]
    fn error_is_small() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}
