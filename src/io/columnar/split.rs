//! One file into one table, on all cores.
//!
//! The file is read in *windows* of a few tens of megabytes (so a file is never in memory
//! whole), and each window is cut into *chunks* that are parsed in parallel, each into its own
//! table and list of rejected records; the chunks are then appended in order.
//!
//! ## Where a chunk starts
//! A CSV record ends at a line feed outside quotes, and which line feeds are inside quotes is
//! only known by parsing from the start. So a chunk's start is a *guess* — just after a line
//! feed some megabytes on — and each chunk is parsed until its first record starting at or
//! after the next chunk's guess. If the guess was a record boundary, the previous chunk stops
//! exactly there (record boundaries are the same whatever boundary parsing starts from), and
//! the next chunk's records are those of one sequential pass. If not (the line feed was inside a
//! quoted field), the previous chunk stops further on, and the next chunk is parsed again from
//! there, after the parallel pass. By induction from the header, every record kept is one a
//! sequential reader gives, with the same line: there is no scan of the file before the
//! parallel parse, and no guess about quotes. Line numbers come out relative to each chunk's
//! start and are fixed up when the chunks are appended, from each chunk's count of line feeds.
//!
//! A chunk's reader starts on the line feed before its first record, which it reads as a blank
//! line: so the csv crate's skipping of a UTF-8 byte order mark, which it does at the start of
//! its input, happens at the start of the file only, as in one sequential pass.
//!
//! ## The end of a window
//! A record that reaches the end of a window may continue in the next one: it is left, with
//! the rest of the window, for the next window (whose buffer starts with it). A window in which
//! no record ends grows until one does.
//!
//! JSON Lines records are lines, so a chunk starts after any line feed and needs no check.

use super::dups::duplicates;
use super::rows::{Cache, Rows};
use crate::error::{Error, ErrorKind, Result};
use crate::io::csv::{CsvSource, builder, not_utf8, wrong_width};
use crate::io::jsonl::parse_line;
use crate::io::mapping::Layout;
use crate::io::{Advance, ErrorMode, Format, ReadOptions, Rejected, duplicate_id, rejection};
use serde_json::Map;
use std::fs::File;
use std::io::Read;

/// The default bytes per chunk: large enough that starting a chunk costs nothing, small
/// enough that a window of several per thread keeps memory low.
pub(crate) const CHUNK_BYTES: usize = 4 << 20;

/// A file read into a table: the accepted records, the rejected ones, and how many were read.
#[derive(Debug)]
pub(crate) struct TableOutcome<T> {
    pub(crate) table: T,
    pub(crate) rejected: Vec<Rejected>,
    pub(crate) read: u64,
}

/// The file and how far it has been read.
struct Input {
    file: crate::io::LineLimit<File>,
    eof: bool,
    record_type: &'static str,
}

impl Input {
    /// Appends up to `n` more bytes of the file to `buf` (no zeroing: the file reads into
    /// the spare capacity).
    fn fill(&mut self, buf: &mut Vec<u8>, n: usize) -> Result<()> {
        let got = (&mut self.file)
            .take(n as u64)
            .read_to_end(buf)
            .map_err(|e| {
                Error::new(ErrorKind::Io, format!("reading the input failed: {e}"))
                    .with_record_type(self.record_type)
                    .with_source(e)
            })?;
        self.eof = got < n;
        Ok(())
    }
}

/// What one chunk of a window gave.
struct Chunk<T> {
    /// Where it started and the next chunk's guessed start (offsets in the window).
    start: usize,
    bound: usize,
    /// Where its last record ended: the first record boundary at or after `bound`, or where
    /// it stopped early.
    end: usize,
    /// Stopped before `bound` at a record that reaches the window's end (it carries over).
    truncated: bool,
    /// Stopped at its first rejected record (strict mode).
    stopped: bool,
    table: T,
    /// Each accepted row's line, relative to the chunk's first line (when ids are checked).
    lines: Vec<u64>,
    /// Each accepted row's id field as the input names it (JSON Lines, when ids are checked:
    /// an object's keys may be spelled differently from the next one's), as an index into
    /// `names`.
    id_names: Vec<u32>,
    names: Vec<String>,
    /// Rejected records, by relative line.
    rejected: Vec<(u64, Error)>,
    /// Line feeds in `start..end`.
    newlines: u64,
    /// An error that ends the reading (not a record's).
    fatal: Option<Error>,
}

impl<T: Default> Chunk<T> {
    fn new(start: usize, bound: usize) -> Self {
        Chunk {
            start,
            bound,
            end: start,
            truncated: false,
            stopped: false,
            table: T::default(),
            lines: Vec::new(),
            id_names: Vec::new(),
            names: Vec::new(),
            rejected: Vec::new(),
            newlines: 0,
            fatal: None,
        }
    }
}

/// How a file is read: the reader of its records, the options, and the chunk size.
pub(crate) struct Reading<'a, K> {
    pub(crate) rows: &'a K,
    pub(crate) options: &'a ReadOptions,
    pub(crate) chunk: usize,
    /// Whether ids are checked for duplicates.
    pub(crate) check_ids: bool,
}

impl<K: Rows> Reading<'_, K> {
    fn strict(&self) -> bool {
        self.options.error_mode() == ErrorMode::Strict
    }

    /// Chunks per window: several per thread, so a slow chunk does not idle the others.
    fn chunks_per_window() -> usize {
        crate::par::threads() * 4
    }

    /// Parses CSV records of `buf` from `start` (just after a line feed) until the first
    /// record boundary at or after `bound`. `complete`: `buf` ends where the file does.
    ///
    /// A record whose line has no quote is split here, at the delimiters (see [`split_line`]):
    /// that is all the csv crate does with such a line, and the crate's machinery (its state
    /// machine, a copy of every byte, a record type) was a quarter of reading a ticket. A line
    /// with a quote goes to the csv crate, from the line feed before it.
    fn csv_chunk(&self, buf: &[u8], start: usize, bound: usize, complete: bool) -> Chunk<K::Table> {
        let mut out = Chunk::new(start, bound);
        let record_type = self.rows.record_type();
        let delimiter = self.options.delimiter;
        // A delimiter that is a line feed, a quote or not ASCII cannot be split on bytes.
        let fast = delimiter.is_ascii() && delimiter != b'\n' && delimiter != b'"';
        let mut cache = Cache::default();
        let mut fields: Vec<&str> = Vec::new();
        let mut ends: Vec<usize> = Vec::new();
        let mut quoted: Option<(csv::Reader<std::io::Cursor<&[u8]>>, csv::StringRecord)> = None;
        // Where the next record is read from (after the previous one, before any blank lines:
        // the csv crate gives a record that line), and its line relative to `start`'s.
        let mut p = start;
        let mut line = 0u64;
        loop {
            if p >= bound {
                (out.end, out.newlines) = (p, line);
                break;
            }
            // Blank lines (a lone LF) are no records.
            let blank = buf[p..].iter().take_while(|&&b| b == b'\n').count();
            let q = p + blank;
            if q == buf.len() {
                // Nothing but blank lines up to the window's end.
                (out.end, out.newlines) = if complete {
                    (q, line + blank as u64)
                } else {
                    out.truncated = true;
                    (p, line)
                };
                break;
            }
            let split = if fast {
                split_line(buf, q, delimiter, &mut ends)
            } else {
                None
            };
            let (next, newlines, result) = match split {
                Some(lf) if lf == buf.len() && !complete => {
                    // The line may go on in the next window.
                    (out.end, out.newlines, out.truncated) = (p, line, true);
                    break;
                }
                Some(lf) => {
                    let next = (lf + 1).min(buf.len());
                    let newlines = blank as u64 + u64::from(lf < buf.len());
                    let result = match std::str::from_utf8(&buf[q..lf]) {
                        // The delimiters are ASCII: fields are valid when the line is.
                        Ok(text) => {
                            fields.clear();
                            let mut from = 0;
                            for &end in &ends {
                                fields.push(&text[from..end - q]);
                                from = end - q + 1;
                            }
                            fields.push(&text[from..]);
                            self.record(&fields, line, &mut out.table, &mut cache)
                        }
                        Err(_) => Err(rejection(not_utf8(line), record_type, line, None)),
                    };
                    (next, newlines, result)
                }
                None => {
                    // The csv crate, from the line feed before the record (read as a blank
                    // line, so no byte order mark is skipped there).
                    let (reader, record) = quoted.get_or_insert_with(|| {
                        let reader = builder(self.options)
                            .has_headers(false)
                            .from_reader(std::io::Cursor::new(buf));
                        (reader, csv::StringRecord::new())
                    });
                    let mut at = csv::Position::new();
                    at.set_byte((q - 1) as u64).set_line(1);
                    if let Err(e) = reader.seek(at) {
                        out.fatal = Some(crate::io::csv::io_error(e).with_record_type(record_type));
                        break;
                    }
                    let read = reader.read_record(record);
                    let next = reader.position().byte() as usize;
                    if !complete && next == buf.len() {
                        (out.end, out.newlines, out.truncated) = (p, line, true);
                        break;
                    }
                    // Counted, not taken from the reader: a seek to where the reader already
                    // is keeps its line count.
                    let newlines = blank as u64 + count_lf(&buf[q..next]);
                    let result = match read {
                        Ok(true) => {
                            let fields: Vec<&str> = record.iter().collect();
                            self.record(&fields, line, &mut out.table, &mut cache)
                        }
                        // Only blank lines were left (they are counted above).
                        Ok(false) => Ok(false),
                        Err(e) => match e.kind() {
                            csv::ErrorKind::Utf8 { .. } => {
                                Err(rejection(not_utf8(line), record_type, line, None))
                            }
                            _ => {
                                out.fatal =
                                    Some(crate::io::csv::io_error(e).with_record_type(record_type));
                                break;
                            }
                        },
                    };
                    (next, newlines, result.map(|_| true))
                }
            };
            match result {
                Ok(true) if self.check_ids => out.lines.push(line),
                Ok(_) => {}
                Err(error) => {
                    out.rejected.push((line, error));
                    if self.strict() {
                        out.stopped = true;
                        break;
                    }
                }
            }
            p = next;
            line += newlines;
        }
        out
    }

    /// One record's fields into the table: `Ok(true)` accepted, `Ok(false)` a blank CRLF line
    /// (no record), `Err` its rejection.
    fn record(
        &self,
        fields: &[&str],
        line: u64,
        table: &mut K::Table,
        cache: &mut Cache,
    ) -> Result<bool> {
        let layout = self.rows.layout();
        let width = layout.width;
        if width > 1 && fields.len() == 1 && fields[0].trim().is_empty() {
            // A blank CRLF line is a lone CR: skipped, as the streaming reader skips it.
            return Ok(false);
        }
        if fields.len() != width {
            let record = csv::StringRecord::from(fields);
            let row = crate::io::mapping::Row {
                line,
                cells: crate::io::mapping::Cells::Csv(&record),
                layout,
                options: self.options,
            };
            return Err(rejection(
                wrong_width(width, fields.len(), line),
                self.rows.record_type(),
                line,
                row.id(),
            ));
        }
        self.rows.push_csv(fields, table, cache).map(|()| true)
    }

    /// Parses the JSON Lines of `buf[start..bound]` (whole lines).
    fn json_chunk(&self, buf: &[u8], start: usize, bound: usize) -> Chunk<K::Table> {
        let mut out = Chunk::new(start, bound);
        out.end = bound;
        let mut object = Map::new();
        let record_type = self.rows.record_type();
        let id_key = self.rows.layout().schema.id_key.unwrap_or("id");
        let mut p = start;
        let mut line = 0;
        while p < bound {
            let next = buf[p..bound]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bound, |i| p + i + 1);
            let bytes = &buf[p..next];
            p = next;
            line += 1;
            let rel = line - 1;
            let result = match parse_line(bytes, rel, &mut object) {
                None => continue,
                Some(Advance::Row(_)) => {
                    let pushed = self.rows.push_json(&object, &mut out.table);
                    if pushed.is_ok() && self.check_ids {
                        let name = self.rows.json_source_name(&object, id_key);
                        let index = match out.names.iter().position(|n| *n == name) {
                            Some(i) => i,
                            None => {
                                out.names.push(name);
                                out.names.len() - 1
                            }
                        };
                        out.id_names.push(index as u32);
                    }
                    pushed
                }
                Some(Advance::Bad(error, ..)) => Err(rejection(error, record_type, rel, None)),
                // A line in memory cannot fail to be read.
                Some(Advance::Fatal(error)) => {
                    out.fatal = Some(error.with_record_type(record_type));
                    break;
                }
                Some(Advance::Eof) => break,
            };
            match result {
                Ok(()) if self.check_ids => out.lines.push(rel),
                Ok(()) => {}
                Err(error) => {
                    out.rejected.push((rel, error));
                    if self.strict() {
                        out.stopped = true;
                        break;
                    }
                }
            }
        }
        out.newlines = buf[start..p.min(bound)]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        out
    }

    /// The chunks of the window `buf[from..]`, parsed in parallel and checked in order: the
    /// ones a sequential pass agrees with, and where the last of them ends.
    fn window(
        &self,
        format: Format,
        buf: &[u8],
        from: usize,
        complete: bool,
    ) -> (Vec<Chunk<K::Table>>, usize) {
        let mut starts = vec![from];
        loop {
            let last = starts[starts.len() - 1];
            match next_start(buf, last + self.chunk, format) {
                Some(s) if s < buf.len() => starts.push(s),
                _ => break,
            }
        }
        let ranges: Vec<(usize, usize)> = starts
            .iter()
            .copied()
            .zip(starts[1..].iter().copied().chain([buf.len()]))
            .collect();
        // Only text reaches the splitter: read_table refuses a Parquet file.
        let parse = |(start, bound): (usize, usize)| match format {
            Format::JsonLines => self.json_chunk(buf, start, bound),
            _ => self.csv_chunk(buf, start, bound, complete),
        };
        let parsed = crate::par::map(&ranges, |&r| parse(r));
        let mut at = from;
        let mut kept = Vec::with_capacity(parsed.len());
        for chunk in parsed {
            let chunk = if chunk.start == at {
                chunk
            } else if at >= chunk.bound {
                // The chunk before read past this one's whole range (a long quoted field).
                continue;
            } else {
                // The guessed start was inside a record: parse again from the real one.
                parse((at, chunk.bound))
            };
            at = chunk.end;
            let stop = chunk.truncated || chunk.stopped || chunk.fatal.is_some();
            kept.push(chunk);
            if stop {
                break;
            }
        }
        (kept, at)
    }
}

/// The bytes of `w` equal to `b`: the high bit of each set (exact: no carry crosses bytes).
fn eq_mask(w: u64, b: u8) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = w ^ (u64::from(b) * 0x0101_0101_0101_0101);
    // A byte of x is zero iff that byte of w is b: then neither its low seven bits plus 0x7f
    // nor its high bit set bit 7.
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// The line of `buf` from `from`, split at `delimiter`: the delimiters' offsets into `ends`,
/// and the line feed's offset (or `buf.len()`), or `None` when a quote comes first (the csv
/// crate then reads the record). Eight bytes at a time.
fn split_line(buf: &[u8], from: usize, delimiter: u8, ends: &mut Vec<usize>) -> Option<usize> {
    ends.clear();
    let mut i = from;
    let words = buf.get(from..).unwrap_or_default().chunks_exact(8);
    for word in words {
        let Ok(bytes) = <[u8; 8]>::try_from(word) else {
            break;
        };
        let w = u64::from_le_bytes(bytes);
        let lf = eq_mask(w, b'\n');
        // Bits of the bytes before the first line feed (all, without one).
        let before = if lf == 0 {
            u64::MAX
        } else {
            (lf & lf.wrapping_neg()) - 1
        };
        if eq_mask(w, b'"') & before != 0 {
            return None;
        }
        let mut d = eq_mask(w, delimiter) & before;
        while d != 0 {
            ends.push(i + d.trailing_zeros() as usize / 8);
            d &= d - 1;
        }
        if lf != 0 {
            return Some(i + lf.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    for (j, &b) in buf.get(i..).unwrap_or_default().iter().enumerate() {
        match b {
            b'\n' => return Some(i + j),
            b'"' => return None,
            _ if b == delimiter => ends.push(i + j),
            _ => {}
        }
    }
    Some(buf.len())
}

/// The guessed start of a chunk: just after the first line feed at or after `at - 1` that is
/// not followed by another (a blank line belongs to the record after it).
fn next_start(buf: &[u8], at: usize, format: Format) -> Option<usize> {
    let mut p = at.checked_sub(1)?;
    loop {
        let lf = p + buf.get(p..)?.iter().position(|&b| b == b'\n')?;
        if format == Format::JsonLines || buf.get(lf + 1) != Some(&b'\n') {
            return Some(lf + 1);
        }
        p = lf + 1;
    }
}

/// Accepted rows and rejected records so far, in file order.
struct Merged<T> {
    table: T,
    lines: Vec<u64>,
    /// Per accepted row, its id field's name (JSON Lines), as an index into `names`.
    id_names: Vec<u32>,
    names: Vec<String>,
    rejected: Vec<Rejected>,
    read: u64,
    stopped: bool,
}

impl<T: Default> Merged<T> {
    fn new() -> Self {
        Merged {
            table: T::default(),
            lines: Vec::new(),
            id_names: Vec::new(),
            names: Vec::new(),
            rejected: Vec::new(),
            read: 0,
            stopped: false,
        }
    }
}

impl<K: Rows> Reading<'_, K> {
    /// Appends a checked chunk whose first line is `line`; returns the line after it.
    fn merge(&self, m: &mut Merged<K::Table>, chunk: Chunk<K::Table>, line: u64) -> Result<u64> {
        if let Some(e) = chunk.fatal {
            return Err(e);
        }
        m.read += (K::len(&chunk.table) + chunk.rejected.len()) as u64;
        m.lines.extend(chunk.lines.iter().map(|r| line + r));
        let remap: Vec<u32> = chunk
            .names
            .into_iter()
            .map(|name| match m.names.iter().position(|n| *n == name) {
                Some(i) => i as u32,
                None => {
                    m.names.push(name);
                    (m.names.len() - 1) as u32
                }
            })
            .collect();
        m.id_names
            .extend(chunk.id_names.iter().map(|&i| remap[i as usize]));
        for (rel, error) in chunk.rejected {
            let line = line + rel;
            m.rejected.push(Rejected {
                line,
                error: error.with_line(line),
            });
        }
        if K::len(&m.table) == 0 {
            // Nothing to merge into: take the chunk's table as is.
            m.table = chunk.table;
        } else {
            K::append(&mut m.table, chunk.table);
        }
        m.stopped |= chunk.stopped;
        Ok(line + chunk.newlines)
    }

    /// Reads the file's records after `buf[..from]` (the header, or nothing), `buf` holding
    /// the file's first bytes.
    ///
    /// Appending a window's chunks to the table is sequential (a dictionary's new values get
    /// their codes in file order): it runs while the next window is read and parsed, so that
    /// it does not leave the other cores idle.
    fn read(
        &self,
        input: &mut Input,
        format: Format,
        mut buf: Vec<u8>,
        mut from: usize,
    ) -> Result<TableOutcome<K::Table>> {
        let base = self.chunk.max(1).saturating_mul(Self::chunks_per_window());
        let mut window = base;
        let mut line = 1 + count_lf(&buf[..from]);
        let mut m = Merged::new();
        let mut complete = input.eof;
        let (mut pending, mut end) = self.window(
            format,
            &buf[..limit(format, &buf, from, complete)],
            from,
            complete,
        );
        loop {
            if complete {
                self.merge_all(&mut m, pending, &mut line)?;
                break;
            }
            // Carry the rest of the window over; a CSV chunk's reader starts on the line feed
            // before its first record, so it stays in the buffer.
            let keep = match format {
                Format::JsonLines => end,
                _ => end - 1,
            };
            // A window in which no record ended holds part of one long record: grow it.
            window = if end > from {
                base
            } else {
                window.saturating_mul(2)
            };
            let next = |buf: &mut Vec<u8>, input: &mut Input| -> Result<_> {
                buf.drain(..keep);
                let from = end - keep;
                input.fill(buf, window)?;
                let complete = input.eof;
                let (chunks, end) = self.window(
                    format,
                    &buf[..limit(format, buf, from, complete)],
                    from,
                    complete,
                );
                Ok((chunks, end, from, complete))
            };
            let (merged, parsed) = crate::par::join(
                || self.merge_all(&mut m, pending, &mut line),
                || next(&mut buf, input),
            );
            merged?;
            if m.stopped {
                break;
            }
            (pending, end, from, complete) = parsed?;
        }
        self.finish(m)
    }

    /// Appends checked chunks in order, until one stops the reading (strict mode).
    fn merge_all(
        &self,
        m: &mut Merged<K::Table>,
        chunks: Vec<Chunk<K::Table>>,
        line: &mut u64,
    ) -> Result<()> {
        for chunk in chunks {
            if m.stopped {
                break;
            }
            *line = self.merge(m, chunk, *line)?;
        }
        Ok(())
    }

    /// Checks the ids of the accepted rows for duplicates, then returns the outcome, or in
    /// strict mode the first rejected record's error.
    fn finish(&self, m: Merged<K::Table>) -> Result<TableOutcome<K::Table>> {
        let Merged {
            table,
            lines,
            id_names,
            names,
            mut rejected,
            read,
            ..
        } = m;
        let dups = if self.check_ids {
            duplicates(K::len(&table), |i| K::id(&table, i))
        } else {
            Vec::new()
        };
        let layout = self.rows.layout();
        let id_key = layout.schema.id_key.unwrap_or("id");
        let dup_error = |row: usize, first: usize| {
            let id = K::id(&table, row);
            let field = match id_names.get(row) {
                Some(&i) => names[i as usize].clone(),
                None => layout.csv_source_name(id_key).to_owned(),
            };
            let line = lines[row];
            let error = duplicate_id(lines[first], field, id);
            Rejected {
                line,
                error: rejection(error, self.rows.record_type(), line, Some(id.to_owned())),
            }
        };
        if self.strict() {
            // The first bad record: a duplicate id before the first other rejection, or that.
            let first_dup = dups.first().map(|&(row, first)| dup_error(row, first));
            let first = match (first_dup, rejected.into_iter().next()) {
                (Some(d), Some(r)) if r.line < d.line => Some(r),
                (Some(d), _) => Some(d),
                (None, r) => r,
            };
            return match first {
                Some(r) => Err(r.error),
                None => Ok(TableOutcome {
                    table,
                    rejected: Vec::new(),
                    read,
                }),
            };
        }
        if dups.is_empty() {
            return Ok(TableOutcome {
                table,
                rejected,
                read,
            });
        }
        // Rejected records in file order: the parse errors and the duplicates, merged by line
        // (each record has its own first line).
        let mut dup_rejected: Vec<Rejected> = dups
            .iter()
            .map(|&(row, first)| dup_error(row, first))
            .collect();
        let drop: Vec<usize> = dups.iter().map(|&(row, _)| row).collect();
        let table = K::without_rows(&table, &drop)?;
        rejected.append(&mut dup_rejected);
        rejected.sort_by_key(|r| r.line);
        Ok(TableOutcome {
            table,
            rejected,
            read,
        })
    }
}

/// Where a window's records end: the buffer's end, except for JSON Lines whose last line may
/// go on in the next window (unless the file ends here).
fn limit(format: Format, buf: &[u8], from: usize, complete: bool) -> usize {
    match format {
        Format::JsonLines if !complete => buf[from..]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(from, |i| from + i + 1),
        _ => buf.len(),
    }
}

fn count_lf(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Reads a file of records into a table, by `make`'s reader of the layout the file has (its
/// CSV header's, or for JSON Lines the mapping's).
#[allow(clippy::too_many_arguments)]
pub(crate) fn read_table<K: Rows>(
    file: File,
    format: Format,
    schema: crate::io::mapping::Schema,
    mapping: &crate::io::ColumnMapping,
    options: &ReadOptions,
    chunk: usize,
    check_ids: bool,
    make: impl FnOnce(Layout) -> K,
) -> Result<TableOutcome<K::Table>> {
    let mut input = Input {
        file: crate::io::LineLimit::new(file),
        eof: false,
        record_type: schema.record_type,
    };
    let first = chunk
        .max(1)
        .saturating_mul(Reading::<K>::chunks_per_window());
    let mut buf = Vec::new();
    input.fill(&mut buf, first)?;
    let (layout, from) = match format {
        #[cfg(feature = "parquet")]
        Format::Parquet => {
            return Err(Error::new(
                ErrorKind::InvalidOption,
                "a Parquet file is not split as text",
            )
            .with_field("format")
            .with_value("parquet"));
        }
        Format::JsonLines => (
            Layout::for_json(schema, mapping, options.keep_extra_columns)?,
            0,
        ),
        Format::Csv => {
            // The header is read once whole: until its record ends before the buffer does.
            loop {
                let mut probe = builder(options).has_headers(false).from_reader(&buf[..]);
                let mut record = csv::ByteRecord::new();
                // Errors are the header reader's to report, below.
                let _ = probe.read_byte_record(&mut record);
                if (probe.position().byte() as usize) < buf.len() || input.eof {
                    break;
                }
                let more = buf.len().max(first);
                input.fill(&mut buf, more)?;
            }
            let (source, layout) = CsvSource::new(&buf[..], schema, options, mapping)?;
            (layout, source.position() as usize)
        }
    };
    let rows = make(layout);
    let reading = Reading {
        rows: &rows,
        options,
        chunk: chunk.max(1),
        check_ids,
    };
    if format == Format::Csv && from == 0 {
        // An empty file, or a header that is all of it.
        return reading.finish(Merged::new());
    }
    reading.read(&mut input, format, buf, from)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `split_line` byte by byte.
    fn naive(buf: &[u8], from: usize, delimiter: u8) -> Option<(usize, Vec<usize>)> {
        let mut ends = Vec::new();
        for (i, &b) in buf.iter().enumerate().skip(from) {
            if b == b'\n' {
                return Some((i, ends));
            }
            if b == b'"' {
                return None;
            }
            if b == delimiter {
                ends.push(i);
            }
        }
        Some((buf.len(), ends))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5_000))]
        #[test]
        fn split_line_is_a_byte_by_byte_scan(
            bytes in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b',', b';', b'"', b'\n', b'\r', 0xc3, 0xa9, 0x80, 0xff, 0x7f]),
                0..70,
            ),
            from in 0usize..70,
            delimiter in proptest::sample::select(vec![b',', b';', b'\t']),
        ) {
            let from = from.min(bytes.len());
            let mut ends = Vec::new();
            let got = split_line(&bytes, from, delimiter, &mut ends).map(|lf| (lf, ends));
            proptest::prop_assert_eq!(got, naive(&bytes, from, delimiter));
        }
    }

    #[test]
    fn eq_mask_marks_exactly_the_equal_bytes() {
        for b in 0..=255u8 {
            for other in [0u8, 1, 0x7f, 0x80, 0xff, b.wrapping_add(1), b] {
                let w = u64::from_le_bytes([other, b, 0, 0xff, 0x80, 0x7f, b, other]);
                let m = eq_mask(w, b);
                for (i, &x) in w.to_le_bytes().iter().enumerate() {
                    assert_eq!(m >> (8 * i) & 0xff, if x == b { 0x80 } else { 0 });
                }
            }
        }
    }
}
