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
                    return Advance::Fatal(Error::new(
                        ErrorKind::Io,
                        format!("reading the input failed: {e}"),
                    ));
                }
            }
            self.line += 1;
            let line = self.line;
            let Ok(text) = std::str::from_utf8(&self.buf) else {
                return Advance::Bad(
                    Error::new(ErrorKind::InvalidValue, "the line is not valid UTF-8")
                        .with_line(line),
                    line,
                    false,
                );
            };
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            return match serde_json::from_str::<Map<String, Value>>(text) {
                Ok(object) => {
                    self.object = object;
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
            };
        }
    }
}
