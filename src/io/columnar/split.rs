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
use crate::io::csv::{CsvSource, builder, is_blank, not_utf8, wrong_width};
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
    file: File,
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
        threads() * 4
    }

    /// Parses CSV records of `buf` from `start` (just after a line feed) until the first
    /// record boundary at or after `bound`. `complete`: `buf` ends where the file does.
    fn csv_chunk(&self, buf: &[u8], start: usize, bound: usize, complete: bool) -> Chunk<K::Table> {
        let mut out = Chunk::new(start, bound);
        // The line feed before `start` is read as a blank line (see the module docs).
        let base = start - 1;
        let mut reader = builder(self.options)
            .has_headers(false)
            .from_reader(&buf[base..]);
        let mut record = csv::StringRecord::new();
        let layout = self.rows.layout();
        let record_type = self.rows.record_type();
        let mut cache = Cache::default();
        // A position's line relative to the chunk's first line (that of `start`): the first
        // record's position is the line feed before it.
        let relative = |p: &csv::Position| if p.byte() == 0 { 0 } else { p.line() - 2 };
        loop {
            let here = reader.position().clone();
            let at = (base + here.byte() as usize).max(start);
            if at >= bound {
                (out.end, out.newlines) = (at, relative(&here));
                break;
            }
            let read = reader.read_record(&mut record);
            if !complete && base + reader.position().byte() as usize == buf.len() {
                // This record may go on in the next window.
                (out.end, out.newlines, out.truncated) = (at, relative(&here), true);
                break;
            }
            let (line, result) = match read {
                Ok(false) => {
                    (out.end, out.newlines) = (buf.len(), relative(reader.position()));
                    break;
                }
                Ok(true) if is_blank(&record, layout.width) => continue,
                Ok(true) => {
                    let line = relative(record.position().unwrap_or(&here));
                    let result = if record.len() == layout.width {
                        self.rows.push_csv(&record, &mut out.table, &mut cache)
                    } else {
                        let row = crate::io::mapping::Row {
                            line,
                            cells: crate::io::mapping::Cells::Csv(&record),
                            layout,
                            options: self.options,
                        };
                        Err(rejection(
                            wrong_width(layout.width, record.len(), line),
                            record_type,
                            line,
                            row.id(),
                        ))
                    };
                    (line, result)
                }
                Err(e) => match e.kind() {
                    csv::ErrorKind::Utf8 { pos, .. } => {
                        let line = pos.as_ref().map_or(0, relative);
                        (
                            line,
                            Err(rejection(not_utf8(line), record_type, line, None)),
                        )
                    }
                    _ => {
                        out.fatal =
                            Some(crate::io::csv::io_error(&e).with_record_type(record_type));
                        break;
                    }
                },
            };
            match result {
                Ok(()) if self.check_ids => out.lines.push(line),
                Ok(()) => {}
                Err(error) => {
                    out.rejected.push((line, error));
                    if self.strict() {
                        out.stopped = true;
                        break;
                    }
                }
            }
        }
        out
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
        let parse = |(start, bound): (usize, usize)| match format {
            Format::Csv => self.csv_chunk(buf, start, bound, complete),
            Format::JsonLines => self.json_chunk(buf, start, bound),
        };
        let parsed = map_chunks(ranges, &parse);
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
        loop {
            let complete = input.eof;
            // JSON Lines: whole lines only, unless the file ends here.
            let limit = match format {
                Format::Csv => buf.len(),
                Format::JsonLines if complete => buf.len(),
                Format::JsonLines => buf[from..]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(from, |i| from + i + 1),
            };
            let (chunks, end) = self.window(format, &buf[..limit], from, complete);
            for chunk in chunks {
                line = self.merge(&mut m, chunk, line)?;
                if m.stopped {
                    break;
                }
            }
            if complete || m.stopped {
                break;
            }
            // Carry the rest of the window over; a CSV chunk's reader starts on the line feed
            // before its first record, so it stays in the buffer.
            let keep = match format {
                Format::Csv => end - 1,
                Format::JsonLines => end,
            };
            // A window in which no record ended holds part of one long record: grow it.
            window = if end > from {
                base
            } else {
                window.saturating_mul(2)
            };
            buf.drain(..keep);
            from = end - keep;
            input.fill(&mut buf, window)?;
        }
        self.finish(m)
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
        file,
        eof: false,
        record_type: schema.record_type,
    };
    let first = chunk
        .max(1)
        .saturating_mul(Reading::<K>::chunks_per_window());
    let mut buf = Vec::new();
    input.fill(&mut buf, first)?;
    let (layout, from) = match format {
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

#[cfg(feature = "parallel")]
fn threads() -> usize {
    rayon::current_num_threads().max(1)
}

#[cfg(not(feature = "parallel"))]
fn threads() -> usize {
    1
}

#[cfg(feature = "parallel")]
fn map_chunks<T: Send>(
    ranges: Vec<(usize, usize)>,
    f: &(impl Fn((usize, usize)) -> T + Sync),
) -> Vec<T> {
    use rayon::prelude::*;
    ranges.into_par_iter().map(f).collect()
}

#[cfg(not(feature = "parallel"))]
fn map_chunks<T>(ranges: Vec<(usize, usize)>, f: &impl Fn((usize, usize)) -> T) -> Vec<T> {
    ranges.into_iter().map(f).collect()
}
