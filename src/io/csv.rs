//! The CSV row source: RFC 4180 via the `csv` crate, one record in memory at a time.

use super::mapping::{Layout, Schema};
use super::{Advance, ReadOptions};
use crate::error::{Error, ErrorKind, Result};
use std::io::Read;

pub(crate) struct CsvSource<R> {
    reader: csv::Reader<R>,
    pub(crate) record: csv::StringRecord,
}

fn io_error(e: &csv::Error) -> Error {
    Error::new(ErrorKind::Io, format!("reading the input failed: {e}"))
}

impl<R: Read> CsvSource<R> {
    /// Reads the header and resolves it into a layout.
    pub(crate) fn new(
        input: R,
        schema: Schema,
        options: &ReadOptions,
        mapping: &super::ColumnMapping,
    ) -> Result<(Self, Layout)> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            // Rows of the wrong width are rejected one by one, not as a fatal parse error.
            .flexible(true)
            .delimiter(options.delimiter)
            // The csv crate counts a CRLF row's line before consuming its LF, which puts every
            // later row one line early; ending rows at LF keeps physical line numbers, and the
            // CR left at the end of a row's last cell is trimmed like all surrounding whitespace.
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(input);
        let header = reader.headers().map_err(|e| match e.kind() {
            csv::ErrorKind::Utf8 { .. } => {
                Error::new(ErrorKind::InvalidValue, "the header is not valid UTF-8")
                    .with_record_type(schema.record_type)
                    .with_line(1)
            }
            _ => io_error(&e),
        })?;
        let names: Vec<&str> = header.iter().collect();
        let layout = Layout::from_header(schema, mapping, options.keep_extra_columns, &names)?;
        Ok((
            CsvSource {
                reader,
                record: csv::StringRecord::new(),
            },
            layout,
        ))
    }

    /// Reads the next record into `self.record`.
    pub(crate) fn advance(&mut self, width: usize) -> Advance {
        let mut read = self.reader.read_record(&mut self.record);
        // A blank CRLF line is a lone CR now; csv skips blank LF lines, and so do we.
        while matches!(read, Ok(true))
            && width > 1
            && self.record.len() == 1
            && self.record[0].trim().is_empty()
        {
            read = self.reader.read_record(&mut self.record);
        }
        match read {
            Ok(false) => Advance::Eof,
            Ok(true) => {
                let line = self.record.position().map_or(0, csv::Position::line);
                if self.record.len() != width {
                    return Advance::Bad(
                        Error::new(
                            ErrorKind::InvalidValue,
                            format!(
                                "a row has as many fields as the header ({width}); this one has \
                                 {} (a truncated or malformed row)",
                                self.record.len()
                            ),
                        )
                        .with_value(self.record.len())
                        .with_line(line),
                        line,
                        true,
                    );
                }
                Advance::Row(line)
            }
            Err(e) => match e.kind() {
                csv::ErrorKind::Utf8 { pos, .. } => {
                    let line = pos.as_ref().map_or(0, csv::Position::line);
                    Advance::Bad(
                        Error::new(ErrorKind::InvalidValue, "the row is not valid UTF-8")
                            .with_line(line),
                        line,
                        false,
                    )
                }
                _ => Advance::Fatal(io_error(&e)),
            },
        }
    }
}
