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
    Some(match serde_json::from_str::<UniqueKeys>(text) {
        Ok(UniqueKeys(parsed)) => {
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

/// A JSON object whose keys are each given once: a key given twice is an error of the line
/// (serde_json keeps the last, which would silently drop a value).
struct UniqueKeys(Map<String, Value>);

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = UniqueKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut access: A,
            ) -> Result<UniqueKeys, A::Error> {
                let mut map = Map::new();
                while let Some(key) = access.next_key::<String>()? {
                    if map.contains_key(&key) {
                        return Err(serde::de::Error::custom(format_args!(
                            "the key {key:?} is given twice"
                        )));
                    }
                    let value: Value = access.next_value()?;
                    map.insert(key, value);
                }
                Ok(UniqueKeys(map))
            }
        }
        d.deserialize_map(Keys)
    }
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
