//! The JSON Lines row source: one JSON object per line, one line in memory at a time.

use super::Advance;
use crate::error::{Error, ErrorKind};
use serde_json::{Map, Value};
use std::io::{BufRead, BufReader, Read};

pub(crate) struct JsonLinesSource<R> {
    reader: BufReader<R>,
    buf: Vec<u8>,
    line: u64,
    pub(crate) object: Map<String, Value>,
}

/// One line's bytes (its LF included or not) as a row into `object`; `None` for a blank line.
/// Shared with the columnar readers, which split a file into lines themselves.
pub(crate) fn parse_line(
    bytes: &[u8],
    line: u64,
    object: &mut Map<String, Value>,
) -> Option<Advance> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Some(Advance::Bad(
            Error::new(ErrorKind::InvalidValue, "the line is not valid UTF-8").with_line(line),
            line,
            false,
        ));
    };
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    Some(match serde_json::from_str::<Map<String, Value>>(text) {
        Ok(parsed) => {
            *object = parsed;
            Advance::Row(line)
        }
        Err(e) => Advance::Bad(
            Error::new(
                ErrorKind::InvalidValue,
                format!("expected one JSON object per line: {e}"),
            )
            .with_line(line),
            line,
            false,
        ),
    })
}

impl<R: Read> JsonLinesSource<R> {
    pub(crate) fn new(input: R) -> Self {
        JsonLinesSource {
            reader: BufReader::new(input),
            buf: Vec::new(),
            line: 0,
            object: Map::new(),
        }
    }

    /// Reads the next non-blank line into `self.object`.
    pub(crate) fn advance(&mut self) -> Advance {
        loop {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return Advance::Eof,
                Ok(_) => {}
                Err(e) => {
                    return Advance::Fatal(
                        Error::new(ErrorKind::Io, format!("reading the input failed: {e}"))
                            .with_source(e),
                    );
                }
            }
            self.line += 1;
            if let Some(step) = parse_line(&self.buf, self.line, &mut self.object) {
                return step;
            }
        }
    }
}
