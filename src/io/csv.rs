//! The CSV row source: RFC 4180 via the `csv` crate, one record in memory at a time.

use super::mapping::{Layout, Schema};
use super::{Advance, ReadOptions};
use crate::error::{Error, ErrorKind, Result};
use std::io::Read;

pub(crate) struct CsvSource<R> {
    reader: csv::Reader<R>,
    pub(crate) record: csv::StringRecord,
}

/// The csv crate's settings of every CSV reader (the streaming one and the columnar readers'
/// chunks, which must split records exactly alike).
pub(crate) fn builder(options: &ReadOptions) -> csv::ReaderBuilder {
    let mut b = csv::ReaderBuilder::new();
    // Rows of the wrong width are rejected one by one, not as a fatal parse error.
    b.flexible(true)
        .delimiter(options.delimiter)
        // The csv crate counts a CRLF row's line before consuming its LF, which puts every
        // later row one line early; ending rows at LF keeps physical line numbers, and the
        // CR left at the end of a row's last cell is trimmed like all surrounding whitespace.
        .terminator(csv::Terminator::Any(b'\n'));
    b
}

/// A blank CRLF line: a lone CR now (csv skips blank LF lines, and so do we).
pub(crate) fn is_blank(record: &csv::StringRecord, width: usize) -> bool {
    width > 1 && record.len() == 1 && record[0].trim().is_empty()
}

/// The error of a row of the wrong width.
pub(crate) fn wrong_width(width: usize, len: usize, line: u64) -> Error {
    Error::new(
        ErrorKind::InvalidValue,
        format!(
            "a row has as many fields as the header ({width}); this one has {len} (a truncated \
             or malformed row)"
        ),
    )
    .with_value(len)
    .with_line(line)
}

/// The error of a row that is not UTF-8.
pub(crate) fn not_utf8(line: u64) -> Error {
    Error::new(ErrorKind::InvalidValue, "the row is not valid UTF-8").with_line(line)
}

/// A failed read: the CSV reader's error, with the I/O error it carries (or itself, wrapped)
/// as the [`source`](std::error::Error::source).
pub(crate) fn io_error(e: csv::Error) -> Error {
    let rule = format!("reading the input failed: {e}");
    // csv's own `From<csv::Error> for io::Error` wraps even an I/O error, hiding its kind.
    let source = if e.is_io_error() {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => io,
            _ => std::io::Error::other(rule.clone()),
        }
    } else {
        std::io::Error::other(e)
    };
    Error::new(ErrorKind::Io, rule).with_source(source)
}

impl<R: Read> CsvSource<R> {
    /// Reads the header and resolves it into a layout.
    pub(crate) fn new(
        input: R,
        schema: Schema,
        options: &ReadOptions,
        mapping: &super::ColumnMapping,
    ) -> Result<(Self, Layout)> {
        let mut reader = builder(options).has_headers(true).from_reader(input);
        let header = reader.headers().map_err(|e| match e.kind() {
            csv::ErrorKind::Utf8 { .. } => {
                Error::new(ErrorKind::InvalidValue, "the header is not valid UTF-8")
                    .with_record_type(schema.record_type)
                    .with_line(1)
            }
            _ => io_error(e),
        })?;
        let names: Vec<&str> = header.iter().collect();
        super::mapping::check_preset_columns(schema, mapping, options, &names)
            .map_err(|e| e.with_line(1))?;
        let layout = Layout::from_header(schema, mapping, options.keep_extra_columns, &names)?;
        Ok((
            CsvSource {
                reader,
                record: csv::StringRecord::new(),
            },
            layout,
        ))
    }

    /// The byte offset the next record starts from (after the header, once built).
    pub(crate) fn position(&self) -> u64 {
        self.reader.position().byte()
    }

    /// Reads the next record into `self.record`.
    pub(crate) fn advance(&mut self, width: usize) -> Advance {
        let mut read = self.reader.read_record(&mut self.record);
        while matches!(read, Ok(true)) && is_blank(&self.record, width) {
            read = self.reader.read_record(&mut self.record);
        }
        match read {
            Ok(false) => Advance::Eof,
            Ok(true) => {
                let line = self.record.position().map_or(0, csv::Position::line);
                if self.record.len() != width {
                    return Advance::Bad(wrong_width(width, self.record.len(), line), line, true);
                }
                Advance::Row(line)
            }
            Err(e) => match e.kind() {
                csv::ErrorKind::Utf8 { pos, .. } => {
                    let line = pos.as_ref().map_or(0, csv::Position::line);
                    Advance::Bad(not_utf8(line), line, false)
                }
                _ => Advance::Fatal(io_error(e)),
            },
        }
    }
}
