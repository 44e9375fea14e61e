//! Parquet files in (feature `parquet`): a file's row groups decoded on all cores into Arrow
//! record batches, which the Arrow readers ([`super::arrow`]) read with the CSV and JSON Lines
//! readers' rules. A row's line is its number in the file, counted from 1.
//!
//! The decoder (parquet 59) loops and allocates by counts written in the file: before it reads
//! the footer, and each row group's page headers, their Thrift is walked as it will read it,
//! and a file whose lists claim more elements than its bytes hold, whose dictionary page
//! claims more values than its bytes, or whose schema nests deeper than the decoder's
//! recursion can go on a thread's stack, is refused (docs/fuzzing.md).

use super::Format;
use crate::error::{Error, ErrorKind, Result};
use arrow_array::{RecordBatch, RecordBatchIterator};
use arrow_schema::{ArrowError, SchemaRef};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::basic::Type as Physical;
use parquet::file::metadata::{ColumnChunkMetaData, ParquetMetaData};
use parquet::file::reader::ChunkReader;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// The four bytes a Parquet file starts (and ends) with.
const MAGIC: &[u8; 4] = b"PAR1";

/// Rows per decoded batch.
const BATCH_ROWS: usize = 64 * 1024;

/// The record batches of a Parquet file, as a reader the Arrow readers take.
pub(crate) type Batches =
    RecordBatchIterator<std::vec::IntoIter<std::result::Result<RecordBatch, ArrowError>>>;

/// Whether the file at `path` is Parquet: by its extension (`.parquet`, `.pq`), else by its
/// first four bytes. A file that cannot be opened is not Parquet here: the reader that opens
/// it next names the I/O error.
pub(crate) fn is_parquet(path: &Path) -> bool {
    if Format::from_path(path) == Format::Parquet {
        return true;
    }
    let mut head = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == MAGIC)
}

/// The format of the file at `path`: the options' when they name one, else Parquet by
/// extension or content, else the extension's.
pub(crate) fn format_of(path: &Path, format: Option<Format>) -> Format {
    match format {
        Some(f) => f,
        None if is_parquet(path) => Format::Parquet,
        None => Format::from_path(path),
    }
}

fn parquet_error(e: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::Io,
        format!("reading the Parquet file failed: {e}"),
    )
}

/// The column names of the Parquet file at `path`, from its footer (no row is decoded): what
/// preset detection reads as the file's header.
///
/// # Errors
/// [`ErrorKind::Io`] when the file cannot be opened or is not valid Parquet.
pub(crate) fn column_names(path: &Path) -> Result<Vec<String>> {
    let file = File::open(path).map_err(|e| {
        Error::new(ErrorKind::Io, format!("cannot open the file: {e}"))
            .with_field("path")
            .with_value(path.display())
    })?;
    check_footer(&file)?;
    // The decoder's panic on an embedded Arrow schema ([`batches_with`]) is the footer's: the
    // column names meet it first.
    caught(|| {
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet_error)?;
        Ok(builder
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect())
    })
}

/// `decode()`, with a panic of the decoder as an error of the file: the decoder panics on some
/// malformed files (arrow-ipc 59 on an embedded Arrow schema with an integer 4160 bits wide,
/// found by the parquet fuzz target), and a bad file is an error of that file, never a crash of
/// the program reading it.
fn caught<T>(decode: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(decode))
        .unwrap_or_else(|_| Err(parquet_error("the Parquet decoder failed on this file")))
}

/// Decodes the file's row groups, each on its own core (feature `parallel`), into batches in
/// file order. The batches are decoded before any row is read: the Arrow readers take whole
/// tables.
///
/// # Errors
/// [`ErrorKind::Io`] when the file cannot be opened or is not valid Parquet (the message
/// says why); errors name no file (the caller adds it).
pub(crate) fn batches(path: &Path) -> Result<Batches> {
    batches_with(|| {
        File::open(path).map_err(|e| {
            Error::new(ErrorKind::Io, format!("cannot open the file: {e}"))
                .with_field("path")
                .with_value(path.display())
        })
    })
}

/// [`batches`] of a Parquet file already in memory: what the fuzz targets hand the readers
/// (a hostile file's bytes, without a file system in between).
pub(crate) fn batches_of_bytes(data: &[u8]) -> Result<Batches> {
    let data = bytes::Bytes::copy_from_slice(data);
    batches_with(|| Ok(data.clone()))
}

/// The batches of the Parquet file `open` opens (once for the footer, once per row group).
fn batches_with<R: ChunkReader + 'static>(
    open: impl Fn() -> Result<R> + Sync + Send,
) -> Result<Batches> {
    let open = || open().map(AtEnd);
    caught(|| decode_all(&open))
}

/// A file whose readers fail when read at their end again and again.
///
/// The decoder's page header reader (parquet 59, `ThriftReadInputProtocol::skip_bytes`) skips
/// a field by copying up to its length and does not check that it got there: at the end of
/// the file it skips nothing and succeeds, so an unknown field holding a list of two billion
/// doubles loops two billion times over an empty read (a 1.4 KB file found by the parquet
/// fuzz target took 10 s). A reader at its end reads nothing once or twice (`read_exact`,
/// `io::copy`); more than [`READS_AT_END`] times is this loop, and an error ends it.
struct AtEnd<R>(R);

/// Reads at the end a page header's reader may make before it is an error.
const READS_AT_END: u32 = 64;

/// [`AtEnd`]'s reader.
struct AtEndRead<T> {
    inner: T,
    at_end: u32,
}

impl<T: Read> Read for AtEndRead<T> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.at_end += 1;
            if self.at_end > READS_AT_END {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "a page header reads past the end of the file",
                ));
            }
        }
        Ok(n)
    }
}

impl<R: ChunkReader> parquet::file::reader::Length for AtEnd<R> {
    fn len(&self) -> u64 {
        self.0.len()
    }
}

impl<R: ChunkReader> ChunkReader for AtEnd<R> {
    type T = AtEndRead<R::T>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        Ok(AtEndRead {
            inner: self.0.get_read(start)?,
            at_end: 0,
        })
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<bytes::Bytes> {
        self.0.get_bytes(start, length)
    }
}

fn decode_all<R: ChunkReader + 'static>(
    open: &(impl Fn() -> Result<R> + Sync + Send),
) -> Result<Batches> {
    // The footer is parsed once; each row group's decoder starts from it.
    let input = open()?;
    check_footer(&input)?;
    let meta =
        ArrowReaderMetadata::load(&input, ArrowReaderOptions::default()).map_err(parquet_error)?;
    check_row_counts(meta.metadata())?;
    let schema: SchemaRef = meta.schema().clone();
    let groups = meta.metadata().num_row_groups();
    let decode = |group: usize| -> Result<Vec<RecordBatch>> {
        let input = open()?;
        check_page_headers(&input, meta.metadata(), group)?;
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(input, meta.clone())
            .with_row_groups(vec![group])
            .with_batch_size(BATCH_ROWS)
            .build()
            .map_err(parquet_error)?;
        reader
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(parquet_error)
    };
    let decoded = crate::par::map_range(groups, decode);
    let mut all = Vec::new();
    for group in decoded {
        all.extend(group?.into_iter().map(Ok));
    }
    Ok(RecordBatchIterator::new(all.into_iter(), schema))
}

/// Refuses a footer whose row counts disagree: the file's `num_rows` with the sum of its row
/// groups', or a row group's with one of its flat columns holding more values than it has rows
/// (a column that is not repeated holds one value, or null, per row).
///
/// The decoder reads by these counts without checking them: a file claiming 0 rows reads as
/// empty, without an error, and one claiming 1 row is decoded one row a batch (a million rows
/// of 20 MB took 2.5 GB and 3.5 s to load, where they take 0.55 GB and 0.4 s); a row group
/// claiming fewer rows than its columns hold loses the rest. Writers write the file's count as
/// the sum of the groups'; a column's count of fewer values than rows is let through, since
/// parquet-cpp before 2016 (PARQUET-666) counted a column's values without its nulls, and the
/// decoder reads the pages, not that count.
fn check_row_counts(meta: &ParquetMetaData) -> Result<()> {
    let claimed = meta.file_metadata().num_rows();
    let mut held: i64 = 0;
    for (g, group) in meta.row_groups().iter().enumerate() {
        let rows = group.num_rows();
        held = held.saturating_add(rows);
        for column in group.columns() {
            if column.column_descr().max_rep_level() == 0 && column.num_values() > rows {
                return Err(parquet_error(format!(
                    "row group {g} claims {rows} rows where its column {} holds {} values",
                    column.column_path().string(),
                    column.num_values()
                )));
            }
        }
    }
    if claimed != held {
        return Err(parquet_error(format!(
            "the file's footer claims {claimed} rows where its row groups hold {held}"
        )));
    }
    Ok(())
}

/// The bytes after the footer: its length (a little-endian u32) and the magic.
const TAIL: u64 = 8;

/// Refuses a file whose footer would make the decoder loop or allocate by a number written in
/// it rather than by its bytes, before the decoder reads it.
///
/// The decoder (parquet 59, `parquet_metadata_from_bytes`) reads the footer — FileMetaData,
/// and in it the schema, the row groups, their column chunks, statistics, key-value pairs —
/// with the page headers' skip ([`check_page_headers`]): a field it does not know, anywhere in
/// it, holding a list of 2^31 - 1 bools costs 3 s a read in a 1.4 KB file, a list of such lists
/// seconds more per 6 bytes. And it sizes the row groups' vector by the count their list claims
/// before reading one: 2^31 - 1 row groups asked for 206 GB, and the process aborted.
///
/// The footer is walked as the decoder reads it ([`Walk::footer_struct`] from
/// [`FILE_META_DATA`]) under the page headers' rule: its lists, sets and maps may claim
/// [`ELEMENTS_PER_BYTE`] elements per byte of the file (and [`ELEMENTS_AT_LEAST`]); a list the
/// decoder reads may not claim more elements than the bytes after it, each of which takes one
/// at least; a field the decoder reads, written as another type, is refused ([`Shape`] says
/// why); and the schema's tree may have [`SCHEMA_LEVELS`] levels ([`Tree`]). What the decoder
/// refuses by itself before any Thrift (no magic, a length past the file's start, an encrypted
/// footer, `PARE`, which this build does not read) is left to it.
fn check_footer<R: ChunkReader>(raw: &R) -> Result<()> {
    let length = parquet::file::reader::Length::len(raw);
    let Some(tail_at) = length.checked_sub(TAIL) else {
        return Ok(());
    };
    let Ok(tail) = raw.get_bytes(tail_at, TAIL as usize) else {
        return Ok(());
    };
    if tail.get(4..) != Some(MAGIC.as_slice()) {
        return Ok(());
    }
    let footer = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    let Some(at) = tail_at.checked_sub(footer) else {
        return Ok(());
    };
    let Some(bytes) = usize::try_from(footer)
        .ok()
        .and_then(|n| raw.get_bytes(at, n).ok())
    else {
        return Ok(());
    };
    let mut walk = Walk::new(&bytes, budget(length));
    match walk.footer_struct(&FILE_META_DATA) {
        Ok(_) | Err(Stop::Fails) => Ok(()),
        Err(Stop::Spent) => Err(parquet_error(
            "the file's footer claims more list elements than the file has bytes",
        )),
        Err(Stop::Refused(why)) => Err(parquet_error(format!("the file's footer {why}"))),
    }
}

/// Refuses a row group whose page headers would make the decoder loop or allocate by a number
/// written in the file rather than by the file's bytes, before the decoder reads them.
///
/// - **Lists.** The decoder (parquet 59, `skip_till_depth`) skips a field it does not know — a
///   writer's page header has none that is a list, set or map — by looping over the count the
///   list claims, and an element of type bool takes no byte in that loop: a list of two
///   billion bools is written in six bytes and costs two billion steps, and a header can hold
///   many. The elements of every list, set and map are counted; more of them in the row group
///   than [`ELEMENTS_PER_BYTE`] per byte of the file is an error.
/// - **Dictionaries.** The decoder (`DictDecoder::set_dict`) sizes a dictionary by the count
///   its page header claims and fills it before reading a value, so a page of a few bytes
///   claiming 663 million values took 5.3 GB (a 1.2 KB file found by the parquet fuzz target).
///   A PLAIN dictionary value takes at least 32 bits (INT32 and FLOAT 32, INT64 and DOUBLE 64,
///   INT96 96, a BYTE_ARRAY its 32-bit length, a FIXED_LEN_BYTE_ARRAY its width, a BOOLEAN one
///   bit) of the page's uncompressed size, which the decoder holds the page to: a dictionary
///   page claiming more values than that is an error.
///
/// Each page header of each column chunk is walked as the decoder will walk it ([`Walk`]: its
/// known fields read by their expected type, the rest skipped by its declared type, bools in
/// lists taking no byte), from a few bytes of the file, nothing decompressed. A header the
/// decoder would refuse on its own (cut short, an unknown type) ends the walk of its chunk:
/// the decoder names that error.
fn check_page_headers<R: ChunkReader + 'static>(
    raw: &R,
    file: &Arc<ParquetMetaData>,
    group: usize,
) -> Result<()> {
    let length = parquet::file::reader::Length::len(raw);
    let meta = file.row_group(group);
    let mut budget = budget(length);
    for c in 0..meta.num_columns() {
        let column = meta.column(c);
        let bits: u64 = match column.column_type() {
            Physical::BOOLEAN => 1,
            Physical::INT32 | Physical::FLOAT | Physical::BYTE_ARRAY => 32,
            Physical::INT64 | Physical::DOUBLE => 64,
            Physical::INT96 => 96,
            Physical::FIXED_LEN_BYTE_ARRAY => {
                8 * u64::try_from(column.column_descr().type_length())
                    .unwrap_or(0)
                    .max(1)
            }
        };
        each_page(raw, column, group, length, &mut budget, |page| {
            let (Some(DICTIONARY_PAGE), Some(values), Some(bytes)) =
                (page.kind, page.dictionary_values, page.uncompressed)
            else {
                return Ok(());
            };
            let (values, bytes) = (values.max(0).unsigned_abs(), bytes.max(0).unsigned_abs());
            if values.saturating_mul(bits) > bytes.saturating_mul(8) {
                return Err(parquet_error(format!(
                    "the dictionary page of column {} in row group {group} claims {values} \
                     values in {bytes} bytes",
                    column.column_path().string(),
                )));
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// Walks the page headers of a column chunk in order, to the chunk's end, handing each to
/// `each`; the elements their lists claim are spent from `budget`, and more than it has is
/// the error. A header the decoder fails on by itself ends the walk.
fn each_page<R: ChunkReader>(
    raw: &R,
    column: &ColumnChunkMetaData,
    group: usize,
    length: u64,
    budget: &mut u64,
    mut each: impl FnMut(&Page) -> Result<()>,
) -> Result<()> {
    let (start, len) = column.byte_range();
    let end = start.saturating_add(len).min(length);
    let mut at = start;
    while at < end {
        let page = match page_header(raw, at, length, budget) {
            Ok(page) => page,
            Err(Stop::Fails) => break,
            Err(Stop::Spent) => {
                return Err(parquet_error(format!(
                    "a page header of column {} in row group {group} claims more list \
                     elements than the file has bytes",
                    column.column_path().string(),
                )));
            }
            // The footer's walk alone refuses so; named all the same.
            Err(Stop::Refused(why)) => return Err(parquet_error(why)),
        };
        each(&page)?;
        let Ok(compressed) = u64::try_from(page.compressed) else {
            break;
        };
        at = at.saturating_add(page.length).saturating_add(compressed);
    }
    Ok(())
}

/// The page type of a dictionary page (parquet.thrift `PageType.DICTIONARY_PAGE`).
const DICTIONARY_PAGE: i64 = 2;

/// What the check reads of a page header.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Page {
    /// The header's length in bytes.
    length: u64,
    /// `compressed_page_size` (field 3): the bytes after the header.
    compressed: i64,
    /// `type` (field 1).
    kind: Option<i64>,
    /// `uncompressed_page_size` (field 2).
    uncompressed: Option<i64>,
    /// The dictionary page header's `num_values` (field 7, field 1).
    dictionary_values: Option<i64>,
}

/// List, set and map elements a row group's page headers, or the footer, may claim per byte
/// of the file.
const ELEMENTS_PER_BYTE: u64 = 16;

/// ... and in any case.
const ELEMENTS_AT_LEAST: u64 = 1 << 16;

/// The list, set and map elements a file of `length` bytes may claim in a row group's page
/// headers, or in its footer.
fn budget(length: u64) -> u64 {
    length
        .saturating_mul(ELEMENTS_PER_BYTE)
        .saturating_add(ELEMENTS_AT_LEAST)
}

/// How many bytes a page header is first read from: a writer's is ~20 to ~200.
const HEADER_WINDOW: u64 = 4096;

/// The page header at `at` as the decoder reads it, spending its lists' elements from
/// `budget` ([`Stop::Spent`] when it has not that many, [`Stop::Fails`] when the decoder fails
/// on the header by itself). The header is read from a few bytes first, and from the rest of
/// the file when it is longer (as the decoder reads it, up to the file's end).
fn page_header<R: ChunkReader>(
    raw: &R,
    at: u64,
    length: u64,
    budget: &mut u64,
) -> std::result::Result<Page, Stop> {
    let mut window = HEADER_WINDOW;
    loop {
        let len = (length - at).min(window);
        let bytes = usize::try_from(len)
            .ok()
            .and_then(|len| raw.get_bytes(at, len).ok())
            .ok_or(Stop::Fails)?;
        let mut walk = Walk::new(&bytes, *budget);
        let read = walk.page_header();
        if walk.short && len < length - at {
            window = length - at;
            continue;
        }
        if !matches!(read, Err(Stop::Spent)) {
            *budget = walk.budget;
        }
        return read;
    }
}

/// A walk of a page header's or the footer's Thrift compact bytes, as parquet 59's reader
/// walks them.
struct Walk<'b> {
    b: &'b [u8],
    at: usize,
    /// List, set and map elements the bytes may still claim.
    budget: u64,
    /// Reads at the end of the bytes ([`AtEnd`] fails past [`READS_AT_END`]).
    reads_at_end: u32,
    /// Whether the walk ran past the end of the bytes it was given.
    short: bool,
}

/// Why a walk stopped.
#[derive(Debug, PartialEq)]
enum Stop {
    /// The decoder fails on the bytes by themselves (or the walk ran out of them).
    Fails,
    /// The bytes' lists claim more elements than the budget has.
    Spent,
    /// The footer's walk refuses the bytes for the reason it names.
    Refused(String),
}

impl<'b> Walk<'b> {
    /// A walk from the start of `b`, which may claim `budget` list, set and map elements.
    fn new(b: &'b [u8], budget: u64) -> Walk<'b> {
        Walk {
            b,
            at: 0,
            budget,
            reads_at_end: 0,
            short: false,
        }
    }

    fn byte(&mut self) -> std::result::Result<u8, Stop> {
        match self.b.get(self.at) {
            Some(&v) => {
                self.at += 1;
                Ok(v)
            }
            None => {
                self.short = true;
                Err(Stop::Fails)
            }
        }
    }

    fn varint(&mut self) -> std::result::Result<u64, Stop> {
        let mut v = 0u64;
        let mut shift = 0u32;
        loop {
            let x = self.byte()?;
            v |= u64::from(x & 0x7f).wrapping_shl(shift);
            if x & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
        }
    }

    /// `skip_bytes`: copies up to `n` bytes and succeeds at the end.
    fn skip_bytes(&mut self, n: u64) -> std::result::Result<(), Stop> {
        let left = (self.b.len() - self.at) as u64;
        if n > left {
            self.at = self.b.len();
            self.short = true;
            self.reads_at_end += 1;
            if self.reads_at_end > READS_AT_END {
                return Err(Stop::Fails);
            }
        } else {
            self.at += n as usize;
        }
        Ok(())
    }

    fn spend(&mut self, n: u64) -> std::result::Result<(), Stop> {
        self.budget = self.budget.checked_sub(n).ok_or(Stop::Spent)?;
        Ok(())
    }

    /// A list's, set's or map's count: a varint the decoder reads as an i32.
    fn count(&mut self) -> std::result::Result<u64, Stop> {
        let n = self.varint()?;
        if n > i32::MAX as u64 {
            return Err(Stop::Fails);
        }
        Ok(n)
    }

    /// `count` elements of a list or set (one type) or a map (a key's and a value's type),
    /// spending each from the budget. A bool takes no byte, so elements of bools alone cost
    /// their count and nothing is read.
    fn elements(&mut self, count: u64, types: &[u8], depth: u8) -> std::result::Result<(), Stop> {
        if !types.iter().all(|t| (1..=13).contains(t)) {
            return Err(Stop::Fails);
        }
        self.spend(count.saturating_mul(types.len() as u64))?;
        if types.iter().all(|&t| t <= 2) {
            return Ok(());
        }
        for _ in 0..count {
            for &t in types {
                self.skip(t, depth - 1)?;
            }
        }
        Ok(())
    }

    /// A zigzag varint: an i16, i32 or i64.
    fn int(&mut self) -> std::result::Result<i64, Stop> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    /// A field header: `None` at the struct's end, else the declared type and the field id.
    ///
    /// The decoder's ids are i16s (`read_field_begin`): a delta past `i16::MAX` fails, and a
    /// full id is cut to 16 bits, so that 65,539 is field 3. An id read wider would be a field
    /// the walk skips by its declared type while the decoder reads it by its own, and the two
    /// would part ways over the bytes that follow.
    fn field(&mut self, last: i16) -> std::result::Result<Option<(u8, i16)>, Stop> {
        let h = self.byte()?;
        let kind = h & 0x0f;
        if kind == 0 {
            return Ok(None);
        }
        if kind > 13 {
            return Err(Stop::Fails);
        }
        let delta = i16::from(h >> 4);
        let id = if delta != 0 {
            last.checked_add(delta).ok_or(Stop::Fails)?
        } else {
            self.int()? as i16
        };
        Ok(Some((kind, id)))
    }

    /// `skip_till_depth`.
    fn skip(&mut self, kind: u8, depth: u8) -> std::result::Result<(), Stop> {
        if depth == 0 {
            return Err(Stop::Fails);
        }
        match kind {
            1 | 2 => Ok(()),
            3 => self.byte().map(drop),
            4..=6 => self.varint().map(drop),
            7 => self.skip_bytes(8),
            8 => {
                let n = self.varint()?;
                self.skip_bytes(n)
            }
            9 | 10 => match self.list_header()? {
                None => Ok(()),
                Some((count, kind)) => self.elements(count, &[kind], depth),
            },
            11 => {
                let count = self.count()?;
                if count == 0 {
                    return Ok(());
                }
                let kv = self.byte()?;
                self.elements(count, &[kv >> 4, kv & 0x0f], depth)
            }
            12 => {
                while let Some((kind, _)) = self.field(0)? {
                    self.skip(kind, depth - 1)?;
                }
                Ok(())
            }
            13 => self.skip_bytes(16),
            _ => Err(Stop::Fails),
        }
    }

    /// A struct whose known fields are read by their expected type (`expect`: `Some(Int)`,
    /// `Some(Bool)`, `Some(Struct(..))`) and the others skipped; each i32 field read is
    /// handed to `got` with its path (a nested struct's field `f` of field `s`: `s * 1000 + f`).
    fn fields(
        &mut self,
        expect: fn(i64) -> Option<Known>,
        path: i64,
        got: &mut dyn FnMut(i64, i64),
    ) -> std::result::Result<(), Stop> {
        let mut last = 0;
        while let Some((kind, id)) = self.field(last)? {
            match expect(i64::from(id)) {
                // `i32::read_thrift` keeps the varint's low 32 bits: a compressed page size
                // of 2^32 + 5 is 5 to the decoder, and the next header is 5 bytes on.
                Some(Known::Int) => got(path + i64::from(id), i64::from(self.int()? as i32)),
                // Read from the field header's type (an error if it is not a bool).
                Some(Known::Bool) => {
                    if kind > 2 {
                        return Err(Stop::Fails);
                    }
                }
                Some(Known::Struct(inner)) => {
                    self.fields(inner, (path + i64::from(id)) * 1000, got)?;
                }
                None => self.skip(kind, 64)?,
            }
            last = id;
        }
        Ok(())
    }

    /// `PageHeader::read_thrift_without_stats`: the fields the check needs; [`Stop::Fails`]
    /// where the decoder fails, or without a compressed page size.
    fn page_header(&mut self) -> std::result::Result<Page, Stop> {
        let mut page = Page {
            length: 0,
            compressed: -1,
            kind: None,
            uncompressed: None,
            dictionary_values: None,
        };
        let mut compressed = None;
        let read = self.fields(
            |id| match id {
                1..=4 => Some(Known::Int),
                5 => Some(Known::Struct(|id| {
                    (1..=4).contains(&id).then_some(Known::Int)
                })),
                6 => Some(Known::Struct(|_| None)),
                7 => Some(Known::Struct(|id| match id {
                    1 | 2 => Some(Known::Int),
                    3 => Some(Known::Bool),
                    _ => None,
                })),
                8 => Some(Known::Struct(|id| match id {
                    1..=6 => Some(Known::Int),
                    7 => Some(Known::Bool),
                    _ => None,
                })),
                _ => None,
            },
            0,
            &mut |path, v| match path {
                1 => page.kind = Some(v),
                2 => page.uncompressed = Some(v),
                3 => compressed = Some(v),
                7001 => page.dictionary_values = Some(v),
                _ => {}
            },
        );
        read?;
        Ok(Page {
            length: self.at as u64,
            compressed: compressed.ok_or(Stop::Fails)?,
            ..page
        })
    }

    /// A struct of the footer as the decoder reads `shape`: the fields it knows by their
    /// types, written as such ([`Stop::Refused`] when one is not), the others skipped by their
    /// written type; its [`Field::Children`] when it has them. The decoder reads the footer from
    /// memory, where a skip past the end fails; the walk goes on a little further (at most
    /// [`READS_AT_END`] skips), which is only more than the decoder does.
    fn footer_struct(&mut self, shape: &'static Shape) -> std::result::Result<Option<i32>, Stop> {
        let mut last = 0;
        let mut children = None;
        while let Some((kind, id)) = self.field(last)? {
            match (shape.fields)(id) {
                None => self.skip(kind, 64)?,
                Some(read) if wire(kind) != wire(read.kind()) => {
                    return Err(Stop::Refused(format!(
                        "writes field {id} of {} as {} where the decoder reads {}",
                        shape.name,
                        type_name(kind),
                        type_name(read.kind()),
                    )));
                }
                Some(Field::Value(_)) => self.skip(kind, 64)?,
                // `i32::read_thrift` keeps the varint's low 32 bits, and a field written twice
                // is the last one.
                Some(Field::Children) => children = Some(self.int()? as i32),
                Some(Field::Struct(inner) | Field::Node(inner)) => {
                    self.footer_struct(inner)?;
                }
                Some(Field::List(element)) => self.footer_list(*element, shape, id)?,
            }
            last = id;
        }
        Ok(children)
    }

    /// A list's or set's header: its element count and element type, `None` for the empty
    /// list's one zero byte (compact protocol: the count in the high nibble, 15 for a varint
    /// after it).
    fn list_header(&mut self) -> std::result::Result<Option<(u64, u8)>, Stop> {
        let h = self.byte()?;
        if h == 0 {
            return Ok(None);
        }
        let count = match h >> 4 {
            15 => self.count()?,
            n => u64::from(n),
        };
        Ok(Some((count, h & 0x0f)))
    }

    /// A list the decoder reads (field `id` of `shape`), of `element`s. The decoder sizes the
    /// row groups' vector by the claimed count before it reads one, and refuses its other lists
    /// claiming more elements than bytes left (`read_thrift_vec`): a list claiming more is
    /// refused, and the elements claimed are spent from the budget.
    fn footer_list(
        &mut self,
        element: Field,
        shape: &Shape,
        id: i16,
    ) -> std::result::Result<(), Stop> {
        let Some((count, kind)) = self.list_header()? else {
            return Ok(());
        };
        if wire(kind) != wire(element.kind()) {
            // A build that reads the list fails on it (`validate_list_type`); one that skips
            // it (the encryption fields) skips its elements by their written type.
            return self.elements(count, &[kind], 64);
        }
        let left = (self.b.len() - self.at) as u64;
        if count > left {
            return Err(Stop::Refused(format!(
                "claims {count} elements in the list of field {id} of {}, more than its {left} \
                 bytes left",
                shape.name,
            )));
        }
        self.spend(count)?;
        let mut tree = Tree::new(count);
        for _ in 0..count {
            match element {
                Field::Struct(inner) => {
                    self.footer_struct(inner)?;
                }
                Field::Node(inner) => {
                    let children = self.footer_struct(inner)?;
                    tree.node(children)?;
                }
                _ => self.skip(kind, 64)?,
            }
        }
        Ok(())
    }
}

/// The levels a schema's tree may have, the root's the first.
///
/// The decoder (parquet 59) builds the schema's tree recursively (`schema_from_array_helper`),
/// and walks it so again (`SchemaDescriptor::new`, the Arrow schema's conversion, the array
/// readers that decode the rows), a few stack frames a level: a footer of 10,000 levels (80 KB)
/// overflowed the stack, and the process aborted, which no catch can stop. On a thread of 2 MB
/// (a spawned thread's, a test's and rayon's) the decoder survived 414 levels in a debug build
/// and 328 in a release build, whose frames decoding the rows are larger (the footer and its
/// Arrow schema alone: 1,198). Reading 128 levels, column names and rows, takes 656 KB of it in
/// a debug build and 807 KB in a release build. A writer's schema has a few levels (a struct
/// holding a list: five); the decoder refuses arrow's own ArrowWriter files past 62 levels
/// (the Arrow schema they store passes flatbuffers' depth limit), and Arrow C++'s IPC refuses
/// types nested deeper than 64 (`kMaxNestingDepth`).
const SCHEMA_LEVELS: usize = 128;

/// The schema's tree as the decoder builds it from the list of SchemaElements, each a
/// [`Field::Node`]: the first is the root, and each group's `num_children` children follow it
/// depth-first; once a tree is complete, the next element is the root of another (which the
/// decoder refuses, after building it).
///
/// The decoder reserves a group's children by the count it claims before it reads one
/// (`Vec::with_capacity`, 8 bytes a child): a root claiming 2^31 - 1 children asked for 16 GB
/// in a file of 93 bytes, which aborts the process where that much cannot be had. A group may
/// claim no more children than the elements left after it: those after it but for the ones
/// its groups' children still to come take (one each at least). What the decoder reserves at
/// once is then 8 bytes per element of the list at most, where each group claiming every
/// element after it (127 groups, a million leaves) had it reserve 1 GB in an 11 MB file. A
/// tree that claims more, or fewer than none, the decoder fails on too.
struct Tree {
    /// Elements of the list.
    count: u64,
    /// The children each group open around the next element has still to come, outermost
    /// first (at most [`SCHEMA_LEVELS`] of them).
    open: Vec<u64>,
    /// Their sum: the elements after the one being walked that those children take.
    taken: u64,
    /// The element being walked, from 0.
    at: u64,
}

impl Tree {
    fn new(count: u64) -> Tree {
        Tree {
            count,
            open: Vec::new(),
            taken: 0,
            at: 0,
        }
    }

    /// The next element, a group of `children` children or (none, or 0) a leaf. An element
    /// deeper than [`SCHEMA_LEVELS`] is refused, and one claiming more children than the
    /// elements left after it.
    fn node(&mut self, children: Option<i32>) -> std::result::Result<(), Stop> {
        let at = self.at;
        let level = self.open.len() + 1;
        if level > SCHEMA_LEVELS {
            return Err(Stop::Refused(format!(
                "nests its schema deeper than {SCHEMA_LEVELS} levels: schema element {at} is \
                 at level {level}"
            )));
        }
        self.at += 1;
        // The elements after this one.
        let after = self.count.saturating_sub(self.at);
        if let Some(left) = self.open.last_mut() {
            *left -= 1;
            self.taken -= 1;
        }
        match children {
            Some(n) if n < 0 => {
                return Err(Stop::Refused(format!(
                    "claims {n} children of schema element {at}"
                )));
            }
            Some(n) if n > 0 => {
                let n = u64::from(n.unsigned_abs());
                let left = after.saturating_sub(self.taken);
                if n > left {
                    return Err(Stop::Refused(format!(
                        "claims {n} children of schema element {at}, more than the elements \
                         left after it ({left})"
                    )));
                }
                self.open.push(n);
                self.taken += n;
            }
            _ => {}
        }
        while self.open.last() == Some(&0) {
            self.open.pop();
        }
        Ok(())
    }
}

/// A field of the footer as the decoder reads it.
#[derive(Clone, Copy)]
enum Field {
    /// A value of one compact type ([`BOOL`], [`BYTE`], [`INT`], [`DOUBLE`], [`BINARY`]).
    Value(u8),
    Struct(&'static Shape),
    /// A list of values or of structs.
    List(&'static Field),
    /// A SchemaElement of FileMetaData's schema: a struct, and a node of the schema's tree
    /// ([`Tree`]).
    Node(&'static Shape),
    /// SchemaElement's `num_children`, an i32 the walk reads: the decoder builds the schema's
    /// tree by them.
    Children,
}

impl Field {
    /// The compact type the field is written as.
    fn kind(self) -> u8 {
        match self {
            Field::Value(kind) => kind,
            Field::Struct(_) | Field::Node(_) => 12,
            Field::List(_) => 9,
            Field::Children => 5,
        }
    }
}

/// A bool: no byte in a field (its type says true or false).
const BOOL: Field = Field::Value(1);
/// An i8: one byte.
const BYTE: Field = Field::Value(3);
/// An i16, i32, i64 or enum: one zigzag varint.
const INT: Field = Field::Value(5);
const DOUBLE: Field = Field::Value(7);
/// Bytes or a string: a varint length and that many bytes.
const BINARY: Field = Field::Value(8);

/// The compact types the decoder reads alike: true and false, i16, i32 and i64 (a varint
/// each), list and set.
fn wire(kind: u8) -> u8 {
    match kind {
        2 => 1,
        4 | 6 => 5,
        10 => 9,
        kind => kind,
    }
}

/// A compact type in words, for messages.
fn type_name(kind: u8) -> &'static str {
    match wire(kind) {
        1 => "a bool",
        3 => "a byte",
        5 => "an integer",
        7 => "a double",
        8 => "a binary",
        9 => "a list",
        11 => "a map",
        12 => "a struct",
        _ => "a uuid",
    }
}

/// A struct of the footer: its name in parquet.thrift and the fields the decoder reads, by id
/// (`parquet_metadata_from_bytes`, `read_row_group`, `read_column_chunk`,
/// `read_column_metadata` and the `thrift_struct!`s they read; a union as a struct of its
/// variants, of which the decoder reads one).
///
/// The decoder reads a field it knows by its own type, whatever type the field is written
/// as (it checks only a bool's written type and a list's element type): FileMetaData's version
/// written as a binary of 12 bytes is read as the varint of their length, and the 12 bytes as
/// fields — a list of 2^31 - 1 bools among them cost 3 s, and the file was read. A walk by
/// written types skips those bytes, so such a field is refused (no writer writes one). That
/// also keeps the walk right for the fields a build with parquet's `encryption` feature reads
/// and this one skips (FileMetaData's 8 and 9, ColumnChunk's 8 and 9, here with their types):
/// a field written as its type is the same bytes read or skipped.
struct Shape {
    name: &'static str,
    fields: fn(i16) -> Option<Field>,
}

const FILE_META_DATA: Shape = Shape {
    name: "FileMetaData",
    fields: |id| match id {
        1 | 3 => Some(INT),
        2 => Some(Field::List(&Field::Node(&SCHEMA_ELEMENT))),
        4 => Some(Field::List(&Field::Struct(&ROW_GROUP))),
        5 => Some(Field::List(&Field::Struct(&KEY_VALUE))),
        6 | 9 => Some(BINARY),
        7 => Some(Field::List(&Field::Struct(&COLUMN_ORDER))),
        8 => Some(Field::Struct(&ENCRYPTION_ALGORITHM)),
        _ => None,
    },
};

const SCHEMA_ELEMENT: Shape = Shape {
    name: "SchemaElement",
    fields: |id| match id {
        1..=3 | 6..=9 => Some(INT),
        4 => Some(BINARY),
        5 => Some(Field::Children),
        10 => Some(Field::Struct(&LOGICAL_TYPE)),
        _ => None,
    },
};

const LOGICAL_TYPE: Shape = Shape {
    name: "LogicalType",
    fields: |id| match id {
        1..=4 | 6 | 11..=15 => Some(Field::Struct(&EMPTY)),
        5 => Some(Field::Struct(&DECIMAL_TYPE)),
        7 | 8 => Some(Field::Struct(&TIMESTAMP_TYPE)),
        10 => Some(Field::Struct(&INT_TYPE)),
        16 => Some(Field::Struct(&VARIANT_TYPE)),
        17 => Some(Field::Struct(&GEOMETRY_TYPE)),
        18 => Some(Field::Struct(&GEOGRAPHY_TYPE)),
        _ => None,
    },
};

/// A union's variant of no fields (the decoder reads its one byte, the struct's end).
const EMPTY: Shape = Shape {
    name: "an empty struct",
    fields: |_| None,
};

const DECIMAL_TYPE: Shape = Shape {
    name: "DecimalType",
    fields: |id| matches!(id, 1 | 2).then_some(INT),
};

/// TimeType and TimestampType.
const TIMESTAMP_TYPE: Shape = Shape {
    name: "TimestampType",
    fields: |id| match id {
        1 => Some(BOOL),
        2 => Some(Field::Struct(&TIME_UNIT)),
        _ => None,
    },
};

const TIME_UNIT: Shape = Shape {
    name: "TimeUnit",
    fields: |id| (1..=3).contains(&id).then_some(Field::Struct(&EMPTY)),
};

const INT_TYPE: Shape = Shape {
    name: "IntType",
    fields: |id| match id {
        1 => Some(BYTE),
        2 => Some(BOOL),
        _ => None,
    },
};

const VARIANT_TYPE: Shape = Shape {
    name: "VariantType",
    fields: |id| (id == 1).then_some(BYTE),
};

const GEOMETRY_TYPE: Shape = Shape {
    name: "GeometryType",
    fields: |id| (id == 1).then_some(BINARY),
};

const GEOGRAPHY_TYPE: Shape = Shape {
    name: "GeographyType",
    fields: |id| match id {
        1 => Some(BINARY),
        2 => Some(INT),
        _ => None,
    },
};

const ROW_GROUP: Shape = Shape {
    name: "RowGroup",
    fields: |id| match id {
        1 => Some(Field::List(&Field::Struct(&COLUMN_CHUNK))),
        2 | 3 | 5 | 7 => Some(INT),
        4 => Some(Field::List(&Field::Struct(&SORTING_COLUMN))),
        _ => None,
    },
};

const SORTING_COLUMN: Shape = Shape {
    name: "SortingColumn",
    fields: |id| match id {
        1 => Some(INT),
        2 | 3 => Some(BOOL),
        _ => None,
    },
};

const COLUMN_CHUNK: Shape = Shape {
    name: "ColumnChunk",
    fields: |id| match id {
        1 | 9 => Some(BINARY),
        2 | 4..=7 => Some(INT),
        3 => Some(Field::Struct(&COLUMN_META_DATA)),
        8 => Some(Field::Struct(&COLUMN_CRYPTO_META_DATA)),
        _ => None,
    },
};

const COLUMN_META_DATA: Shape = Shape {
    name: "ColumnMetaData",
    fields: |id| match id {
        1 | 4..=7 | 9..=11 | 14 | 15 => Some(INT),
        2 => Some(Field::List(&INT)),
        12 => Some(Field::Struct(&STATISTICS)),
        13 => Some(Field::List(&Field::Struct(&PAGE_ENCODING_STATS))),
        16 => Some(Field::Struct(&SIZE_STATISTICS)),
        17 => Some(Field::Struct(&GEOSPATIAL_STATISTICS)),
        _ => None,
    },
};

const STATISTICS: Shape = Shape {
    name: "Statistics",
    fields: |id| match id {
        1 | 2 | 5 | 6 => Some(BINARY),
        3 | 4 => Some(INT),
        7 | 8 => Some(BOOL),
        _ => None,
    },
};

const PAGE_ENCODING_STATS: Shape = Shape {
    name: "PageEncodingStats",
    fields: |id| (1..=3).contains(&id).then_some(INT),
};

const SIZE_STATISTICS: Shape = Shape {
    name: "SizeStatistics",
    fields: |id| match id {
        1 => Some(INT),
        2 | 3 => Some(Field::List(&INT)),
        _ => None,
    },
};

const GEOSPATIAL_STATISTICS: Shape = Shape {
    name: "GeospatialStatistics",
    fields: |id| match id {
        1 => Some(Field::Struct(&BOUNDING_BOX)),
        2 => Some(Field::List(&INT)),
        _ => None,
    },
};

const BOUNDING_BOX: Shape = Shape {
    name: "BoundingBox",
    fields: |id| (1..=8).contains(&id).then_some(DOUBLE),
};

const KEY_VALUE: Shape = Shape {
    name: "KeyValue",
    fields: |id| matches!(id, 1 | 2).then_some(BINARY),
};

const COLUMN_ORDER: Shape = Shape {
    name: "ColumnOrder",
    fields: |id| (id == 1).then_some(Field::Struct(&EMPTY)),
};

const ENCRYPTION_ALGORITHM: Shape = Shape {
    name: "EncryptionAlgorithm",
    fields: |id| matches!(id, 1 | 2).then_some(Field::Struct(&AES_GCM)),
};

/// AesGcmV1 and AesGcmCtrV1.
const AES_GCM: Shape = Shape {
    name: "AesGcmV1",
    fields: |id| match id {
        1 | 2 => Some(BINARY),
        3 => Some(BOOL),
        _ => None,
    },
};

const COLUMN_CRYPTO_META_DATA: Shape = Shape {
    name: "ColumnCryptoMetaData",
    fields: |id| match id {
        1 => Some(Field::Struct(&EMPTY)),
        2 => Some(Field::Struct(&ENCRYPTION_WITH_COLUMN_KEY)),
        _ => None,
    },
};

const ENCRYPTION_WITH_COLUMN_KEY: Shape = Shape {
    name: "EncryptionWithColumnKey",
    fields: |id| match id {
        1 => Some(Field::List(&BINARY)),
        2 => Some(BINARY),
        _ => None,
    },
};

/// A field the decoder reads by its expected type.
#[derive(Clone, Copy)]
enum Known {
    /// An i32 (every integer of a page header is one).
    Int,
    Bool,
    Struct(fn(i64) -> Option<Known>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::{ErrorMode, ReadOptions, Sources, load, load_columnar};
    use arrow_array::{ArrayRef, Int64Array, StringArray, TimestampSecondArray};
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::WriterProperties;
    use std::sync::Arc;

    /// The walk of a header's bytes alone (no file behind them).
    fn walk(b: &[u8]) -> (Option<Page>, bool) {
        let mut w = Walk::new(b, 1 << 20);
        (w.page_header().ok(), w.short)
    }

    /// Page headers in the Thrift compact protocol, written by hand from parquet.thrift: a
    /// dictionary page (type 2) of 3 values in 21 bytes, the fuzz find's claim (663 million
    /// values in 16 bytes), a data page (type 0) with its data page header, and headers the
    /// decoder fails on (cut short, no compressed size, a known bool field of another type).
    #[test]
    fn page_headers_are_read_from_their_bytes() {
        let dictionary = [
            0x15, 0x04, 0x15, 0x2a, 0x15, 0x2a, 0x4c, 0x15, 0x06, 0x15, 0x00, 0x12, 0x00, 0x00,
        ];
        let page = |length, compressed, kind, uncompressed, dictionary_values| Page {
            length,
            compressed,
            kind: Some(kind),
            uncompressed: Some(uncompressed),
            dictionary_values,
        };
        assert_eq!(
            walk(&dictionary),
            (Some(page(14, 21, 2, 21, Some(3))), false)
        );
        let claim = [
            0x15, 0x04, 0x15, 0x20, 0x15, 0x20, 0x4c, 0x15, 0xfe, 0xff, 0xff, 0xf7, 0x04, 0x15,
            0x00, 0x12, 0x00, 0x00,
        ];
        assert_eq!(
            walk(&claim),
            (Some(page(18, 16, 2, 16, Some(662_700_031))), false)
        );
        // type 0 (a data page), sizes 8, a data page header (field 5) of 1 value, PLAIN.
        let data = [
            0x15, 0x00, 0x15, 0x10, 0x15, 0x10, 0x2c, 0x15, 0x02, 0x15, 0x00, 0x00, 0x00,
        ];
        assert_eq!(walk(&data), (Some(page(13, 8, 0, 8, None)), false));
        // Cut short: the decoder reads past the end.
        assert_eq!(walk(&data[..6]), (None, true));
        assert_eq!(walk(&dictionary[..9]), (None, true));
        assert_eq!(walk(&[]), (None, true));
        // No compressed page size: the decoder's required field is missing.
        assert_eq!(walk(&[0x15, 0x00, 0x15, 0x10, 0x00]).0, None);
        // The dictionary page header's is_sorted (field 3, a bool) written as an i32.
        let not_a_bool = [
            0x15, 0x04, 0x15, 0x2a, 0x15, 0x2a, 0x4c, 0x15, 0x06, 0x15, 0x00, 0x15, 0x00, 0x00,
            0x00,
        ];
        assert_eq!(walk(&not_a_bool).0, None);
        // An unknown field (id 9) holding a list of 1,000 bools: no byte each, 1,000 steps.
        let mut bools = data[..12].to_vec();
        bools.extend([0x49, 0xf1, 0xe8, 0x07, 0x00]);
        let mut w = Walk::new(&bools, 1_000);
        assert!(w.page_header().is_ok());
        assert_eq!(w.budget, 0);
        let mut w = Walk { budget: 999, ..w };
        w.at = 0;
        assert_eq!(w.page_header(), Err(Stop::Spent));
    }

    /// Field ids and i32s at the decoder's widths (`read_field_begin`'s i16 ids, with a
    /// checked delta; `i32::read_thrift`'s low 32 bits): read wider, a field the decoder reads
    /// would be one the walk skips by its declared type, or a page size would send the walk to
    /// another header than the decoder's next one.
    #[test]
    fn page_headers_are_read_at_the_decoders_widths() {
        let page = |length, compressed| Page {
            length,
            compressed,
            kind: Some(0),
            uncompressed: Some(8),
            dictionary_values: None,
        };
        // compressed_page_size under the full id 65,539 (zigzag 131,078): field 3.
        let id = [0x15, 0x00, 0x15, 0x10, 0x05, 0x86, 0x80, 0x08, 0x10, 0x00];
        assert_eq!(walk(&id), (Some(page(10, 8)), false));
        // compressed_page_size 2^32 + 8 (zigzag 2^33 + 16): 8.
        let size = [
            0x15, 0x00, 0x15, 0x10, 0x15, 0x90, 0x80, 0x80, 0x80, 0x20, 0x00,
        ];
        assert_eq!(walk(&size), (Some(page(11, 8)), false));
        // compressed_page_size 8, an unknown field 32,767 (full id, zigzag 65,534), then a
        // field one past it: the decoder fails on the delta.
        let past = [0x35, 0x10, 0x05, 0xfe, 0xff, 0x03, 0x00, 0x15, 0x00, 0x00];
        assert_eq!(walk(&past), (None, false));
        assert_eq!(
            walk(&[0x35, 0x10, 0x05, 0xfe, 0xff, 0x03, 0x00, 0x00])
                .0
                .map(|p| p.compressed),
            Some(8)
        );
    }

    /// The parquet fuzz target's find: 1.2 KB whose INT64 dictionary page claims 663 million
    /// values in 16 bytes (the decoder allocated 5.3 GB). Now an `io` error naming the column,
    /// the row group, the claim and the bytes, before the decoder sees the page.
    #[test]
    fn a_dictionary_page_claiming_more_values_than_its_bytes_is_refused() {
        let data = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fuzz/corpus/parquet/oom-dictionary-claims-663m-values.parquet"
        ));
        let e = batches_of_bytes(data).map(drop).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io);
        let text = e.to_string();
        assert!(
            text.contains(
                "the dictionary page of column created_at in row group 0 claims 662700031"
            ) && text.contains("values in 16 bytes"),
            "{text}"
        );
    }

    /// Page headers found by the parquet fuzz target, and two made from the find: an unknown
    /// field of the data page header (id 14) holds a map claiming 199,931,257 entries of a
    /// double and a bool, in a 1.4 KB file. The decoder skipped each entry, and a double at
    /// the end of the file is skipped without reading: 10 s, then "failed to fill whole
    /// buffer". With bool keys and values (one byte changed) each entry takes no byte: 3.7 s,
    /// and a count of 2^31 and more such maps make it hours. With 20,000 entries of doubles
    /// the claim is within the budget, and the reader's end stops the skips.
    #[test]
    fn page_headers_claiming_more_than_the_file_holds_fail_at_once() {
        let file = |name: &str| {
            std::fs::read(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("fuzz/corpus/parquet")
                    .join(name),
            )
            .unwrap()
        };
        let claims = "a page header of column reopens in row group 0 claims more list elements \
                      than the file has bytes";
        for (name, error) in [
            ("timeout-page-header-skips-at-end.parquet", claims),
            ("timeout-page-header-bool-map.parquet", claims),
            (
                "page-header-doubles-past-the-end.parquet",
                "a page header reads past the end of the file",
            ),
        ] {
            let e = batches_of_bytes(&file(name)).map(drop).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Io, "{name}");
            assert!(e.to_string().contains(error), "{name}: {e}");
        }
    }

    /// The walk reads a writer's page headers as the decoder does: every header of every
    /// chunk, to the chunk's end, with no list elements claimed.
    #[test]
    fn a_writers_page_headers_are_walked_to_each_chunks_end() {
        let path = temp("walk.parquet");
        write_tickets(&path);
        let written = bytes::Bytes::from(std::fs::read(&path).unwrap());
        std::fs::remove_file(&path).unwrap();
        let meta = ArrowReaderMetadata::load(&written, ArrowReaderOptions::default()).unwrap();
        let length = written.len() as u64;
        for (g, group) in meta.metadata().row_groups().iter().enumerate() {
            for column in group.columns() {
                let mut budget = 10;
                let mut pages = Vec::new();
                each_page(&written, column, g, length, &mut budget, |page| {
                    pages.push(*page);
                    Ok(())
                })
                .unwrap();
                // A dictionary page and a data page, which end where the chunk ends.
                assert_eq!(pages.len(), 2);
                assert_eq!(pages[0].kind, Some(DICTIONARY_PAGE));
                let walked: u64 = pages
                    .iter()
                    .map(|p| p.length + u64::try_from(p.compressed).unwrap())
                    .sum();
                assert_eq!(walked, column.byte_range().1);
                assert_eq!(budget, 10);
            }
        }
    }

    /// The walk reads what the parquet crate's own page reader reads, chunk by chunk: the
    /// dictionary page's claim and its (decompressed) size, on a writer's file with a
    /// dictionary in every chunk and on the hostile file's chunk.
    #[test]
    fn the_walk_reads_what_the_page_reader_reads() {
        use parquet::column::page::Page as Read;
        use parquet::file::properties::ReaderProperties;
        use parquet::file::reader::RowGroupReader;
        use parquet::file::serialized_reader::SerializedRowGroupReader;
        let path = temp("pages.parquet");
        write_tickets(&path);
        let written = std::fs::read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let hostile = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fuzz/corpus/parquet/oom-dictionary-claims-663m-values.parquet"
        ));
        let mut dictionaries = 0;
        for data in [written.as_slice(), hostile.as_slice()] {
            let raw = bytes::Bytes::copy_from_slice(data);
            let meta = ArrowReaderMetadata::load(&raw, ArrowReaderOptions::default()).unwrap();
            for group in meta.metadata().row_groups() {
                let props = Arc::new(ReaderProperties::builder().build());
                let reader =
                    SerializedRowGroupReader::new(Arc::new(raw.clone()), group, None, props)
                        .unwrap();
                for (c, column) in group.columns().iter().enumerate() {
                    let (start, _) = column.byte_range();
                    let mut budget = 1 << 20;
                    let Ok(page) = page_header(&raw, start, data.len() as u64, &mut budget) else {
                        // The hostile file's other chunks are not pages at all.
                        assert!(std::ptr::eq(data, hostile.as_slice()), "column {c}");
                        continue;
                    };
                    let mut pages = reader.get_column_page_reader(c).unwrap();
                    match pages.get_next_page().unwrap() {
                        Some(Read::DictionaryPage {
                            buf, num_values, ..
                        }) => {
                            dictionaries += 1;
                            assert_eq!(page.kind, Some(DICTIONARY_PAGE), "column {c}");
                            assert_eq!(page.dictionary_values, Some(i64::from(num_values)));
                            assert_eq!(page.uncompressed, Some(buf.len() as i64));
                        }
                        _ => assert_ne!(page.kind, Some(DICTIONARY_PAGE), "column {c}"),
                    }
                }
            }
        }
        // 4 row groups of 4 columns, and the two of the hostile file's chunks that are pages.
        assert_eq!(dictionaries, 18);
    }

    fn corpus(name: &str) -> Vec<u8> {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fuzz/corpus/parquet")
                .join(name),
        )
        .unwrap()
    }

    /// The footer's Thrift bytes of a Parquet file's.
    fn footer_of(file: &[u8]) -> &[u8] {
        let n = file.len();
        let len = u32::from_le_bytes(file[n - 8..n - 4].try_into().unwrap()) as usize;
        &file[n - 8 - len..n - 8]
    }

    /// The list elements the footer's walk spends, within the file's budget.
    fn walked(file: &[u8]) -> std::result::Result<u64, Stop> {
        let budget = budget(file.len() as u64);
        let mut w = Walk::new(footer_of(file), budget);
        w.footer_struct(&FILE_META_DATA)?;
        Ok(budget - w.budget)
    }

    /// Footers made from the corpus's tickets.parquet (1.4 KB, its footer 978 bytes), each 8
    /// to 13 bytes longer:
    /// - an unknown field of FileMetaData (id 100) holding a list of 2^31 - 1 bools: the
    ///   decoder took 3 s over it per read, 2.9 s for the column names, 6.1 s to load the
    ///   tickets, 18.2 s in the fuzz entry;
    /// - FileMetaData's version written as a binary of 12 bytes, which are that field and an
    ///   unknown i32: the decoder reads the length as the version (6) and the 12 bytes as
    ///   fields, 3 s per read; a walk by written types skips them;
    /// - a second list of row groups claiming 2^31 - 1 of them: the decoder asked for 206 GB
    ///   before reading one, and the process aborted.
    ///
    /// Each is now an `io` error naming the rule, before the decoder reads the footer.
    #[test]
    fn footers_claiming_more_than_the_file_holds_are_refused() {
        for (name, error) in [
            (
                "timeout-footer-bool-list.parquet",
                "the file's footer claims more list elements than the file has bytes",
            ),
            (
                "timeout-footer-version-hides-bool-list.parquet",
                "the file's footer writes field 1 of FileMetaData as a binary where the \
                 decoder reads an integer",
            ),
            (
                "crash-footer-claims-2g-row-groups.parquet",
                "the file's footer claims 2147483647 elements in the list of field 4 of \
                 FileMetaData, more than its 1 bytes left",
            ),
        ] {
            let data = corpus(name);
            let e = batches_of_bytes(&data).map(drop).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Io, "{name}");
            assert!(e.to_string().contains(error), "{name}: {e}");
            let path = temp(name);
            std::fs::write(&path, &data).unwrap();
            let e = column_names(&path).unwrap_err();
            std::fs::remove_file(&path).unwrap();
            assert_eq!(e.kind(), ErrorKind::Io, "{name}");
            assert!(e.to_string().contains(error), "{name}: {e}");
        }
        // An encrypted footer (`PARE`) is not walked: this build's decoder refuses it, as
        // before the walk.
        let mut encrypted = corpus("timeout-footer-bool-list.parquet");
        let n = encrypted.len();
        encrypted[n - 4..].copy_from_slice(b"PARE");
        let raw = bytes::Bytes::from(encrypted);
        assert_eq!(check_footer(&raw), Ok(()));
        let e = batches_of_bytes(&raw).map(drop).unwrap_err();
        assert!(
            e.to_string()
                .contains("has an encrypted footer but the encryption feature is disabled"),
            "{e}"
        );
    }

    /// The decoder's panic on the Arrow schema a file embeds (arrow-ipc 59, an integer 4160
    /// bits wide: the parquet fuzz target's find) is in the footer, so reading the column
    /// names (preset detection, before the rows) met it too, outside the rows' catch.
    #[test]
    fn the_decoders_panic_on_the_footer_is_an_error_of_the_column_names() {
        let name = "crash-arrow-ipc-int-4160-bits.parquet";
        let path = temp(name);
        std::fs::write(&path, corpus(name)).unwrap();
        let names = column_names(&path);
        std::fs::remove_file(&path).unwrap();
        let e = names.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io);
        assert_eq!(
            e.to_string(),
            "reading the Parquet file failed: the Parquet decoder failed on this file"
        );
    }

    /// A writer's footer: the walk reads it to its end, and its lists claim what the decoder
    /// reads of it: a schema element per column and the root, a row group, a column chunk, a
    /// key-value pair (the Arrow schema) and a column order, and per chunk its encodings, its
    /// path's one step (skipped by the decoder, walked all the same) and its page encoding
    /// stats: 126 elements, where the file (3.7 KB) may claim 16 per byte and 65,536.
    #[test]
    fn a_writers_footer_is_walked_to_its_end() {
        let path = temp("footer.parquet");
        write_tickets(&path);
        let written = bytes::Bytes::from(std::fs::read(&path).unwrap());
        std::fs::remove_file(&path).unwrap();
        let footer = footer_of(&written);
        let mut w = Walk::new(footer, budget(written.len() as u64));
        assert_eq!(w.footer_struct(&FILE_META_DATA), Ok(None));
        assert_eq!(w.at, footer.len());
        let options = ArrowReaderOptions::new().with_encoding_stats_as_mask(false);
        let meta = ArrowReaderMetadata::load(&written, options).unwrap();
        let file = meta.metadata().file_metadata();
        let mut claims = file.schema_descr().num_columns()
            + 1
            + meta.metadata().num_row_groups()
            + file.key_value_metadata().map_or(0, Vec::len)
            + file.column_orders().map_or(0, Vec::len);
        for group in meta.metadata().row_groups() {
            for column in group.columns() {
                claims += 1
                    + column.encodings().count()
                    + column.column_path().parts().len()
                    + column.page_encoding_stats().map_or(0, Vec::len);
                assert!(column.definition_level_histogram().is_none());
            }
        }
        assert_eq!(claims, 126);
        assert_eq!(walked(&written), Ok(126));
    }

    /// Thrift compact written by hand, every field under its full id (its type, then the
    /// id's zigzag varint), so that a field can go anywhere.
    fn varint(mut v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        while v > 0x7f {
            out.push(v as u8 | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
        out
    }

    fn field(kind: u8, id: i16, value: &[u8]) -> Vec<u8> {
        let id = i64::from(id);
        [
            vec![kind],
            varint(((id << 1) ^ (id >> 63)) as u64),
            value.to_vec(),
        ]
        .concat()
    }

    fn int(id: i16, v: i64) -> Vec<u8> {
        field(5, id, &varint(((v << 1) ^ (v >> 63)) as u64))
    }

    fn text(id: i16, v: &str) -> Vec<u8> {
        field(
            8,
            id,
            &[varint(v.len() as u64), v.as_bytes().to_vec()].concat(),
        )
    }

    /// A struct's fields and its end.
    fn fields(fields: &[Vec<u8>]) -> Vec<u8> {
        [fields.concat(), vec![0]].concat()
    }

    /// A list's header (`n` elements of type `kind`) and its elements.
    fn list(kind: u8, n: u64, elements: &[u8]) -> Vec<u8> {
        let head = if n < 15 {
            vec![(n as u8) << 4 | kind]
        } else {
            [vec![0xf0 | kind], varint(n)].concat()
        };
        [head, elements.to_vec()].concat()
    }

    /// A file of no rows whose footer is written by hand: version 2, a column `x` (INT64,
    /// required), one row group of its one column chunk, whose statistics hold `statistics`
    /// and FileMetaData `more` (fields each).
    fn hand_written(version: &[u8], statistics: &[u8], more: &[u8]) -> bytes::Bytes {
        let schema = [fields(&[text(4, "root"), int(5, 1)]), leaf()];
        with_schema(&schema, version, statistics, more)
    }

    /// The schema element of the column `x` (INT64, required).
    fn leaf() -> Vec<u8> {
        fields(&[int(1, 2), int(3, 0), text(4, "x")])
    }

    /// A group (required, but for the root: `root`) claiming `children` children.
    fn group(name: &str, children: i64) -> Vec<u8> {
        if name == "root" {
            return fields(&[text(4, name), int(5, children)]);
        }
        fields(&[int(3, 0), text(4, name), int(5, children)])
    }

    /// [`hand_written`] with these schema elements, whose one leaf is the column chunk's.
    fn with_schema(
        schema: &[Vec<u8>],
        version: &[u8],
        statistics: &[u8],
        more: &[u8],
    ) -> bytes::Bytes {
        let column_meta = fields(&[
            int(1, 2),
            field(9, 2, &list(5, 1, &[0])),
            int(4, 0),
            int(5, 0),
            int(6, 0),
            int(7, 0),
            int(9, 4),
            field(12, 12, &fields(&[statistics.to_vec()])),
        ]);
        let column = fields(&[int(2, 4), field(12, 3, &column_meta)]);
        let group = fields(&[field(9, 1, &list(12, 1, &column)), int(2, 0), int(3, 0)]);
        let footer = fields(&[
            version.to_vec(),
            field(9, 2, &list(12, schema.len() as u64, &schema.concat())),
            int(3, 0),
            field(9, 4, &list(12, 1, &group)),
            more.to_vec(),
        ]);
        let mut file = MAGIC.to_vec();
        file.extend(&footer);
        file.extend((footer.len() as u32).to_le_bytes());
        file.extend(MAGIC);
        bytes::Bytes::from(file)
    }

    /// Unknown fields anywhere in the footer, as the decoder reads them: a hand-written footer
    /// with a list of bools in its column's statistics, a list of lists of bools in
    /// FileMetaData, a map of bools in both. Its lists claim 5 elements (2 schema elements, a
    /// row group, a column chunk, an encoding) and the unknown ones theirs; to the file's
    /// budget (16 per byte and 65,536) the decoder reads it, one more is an error.
    #[test]
    fn unknown_fields_of_the_footer_are_walked_to_the_budget() {
        let version = int(1, 2);
        let bools = |n| field(9, 99, &list(1, n, &[]));
        let lists = |n, m| {
            let inner = list(1, m, &[]);
            field(10, 100, &list(9, n, &inner.repeat(n as usize)))
        };
        let map = |n| field(11, 101, &[varint(n), vec![0x12]].concat());
        let small = hand_written(&version, &[bools(3), map(2)].concat(), &lists(2, 3));
        let meta = ArrowReaderMetadata::load(&small, ArrowReaderOptions::default()).unwrap();
        assert_eq!(meta.metadata().num_row_groups(), 1);
        assert_eq!(meta.schema().field(0).name(), "x");
        assert_eq!(walked(&small), Ok(5 + 3 + 2 * 2 + 2 + 2 * 3));
        // 2^31 - 1 elements: the decoder's seconds, refused at once.
        let many = (1 << 31) - 1;
        for file in [
            hand_written(&version, &bools(many), &[]),
            hand_written(&version, &[], &lists(2, many)),
            hand_written(&version, &map(many), &[]),
        ] {
            assert_eq!(walked(&file), Err(Stop::Spent));
            let e = check_footer(&file).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Io);
            assert!(
                e.to_string().contains(
                    "the file's footer claims more list elements than the file has bytes"
                ),
                "{e}"
            );
        }
        // To the budget: the claim's varint is 3 bytes from 2^14 to 2^21.
        let length = hand_written(&version, &bools(1 << 14), &[]).len() as u64;
        let all = budget(length) - 5;
        let full = hand_written(&version, &bools(all), &[]);
        assert_eq!(full.len() as u64, length);
        assert_eq!(walked(&full), Ok(budget(length)));
        assert!(ArrowReaderMetadata::load(&full, ArrowReaderOptions::default()).is_ok());
        assert_eq!(
            walked(&hand_written(&version, &bools(all + 1), &[])),
            Err(Stop::Spent)
        );
    }

    /// The decoder reads a field it knows by its own type, whatever type it is written as
    /// (parquet 59's `thrift_struct!` and hand readers; only a bool's written type is
    /// checked): FileMetaData's version written as a binary of 6 bytes is read as the varint of
    /// their length (version 3), and the 6 bytes as fields. A walk by written types would skip
    /// them, so such a field is refused; i16, i32 and i64 are one varint, and read alike.
    #[test]
    fn a_known_field_written_as_another_type_is_refused() {
        let hidden = [field(9, 20, &list(1, 3, &[])), int(50, 0)].concat();
        assert_eq!(hidden.len(), 6);
        let retyped = [vec![0x08, 0x02], varint(6), hidden].concat();
        let file = hand_written(&retyped, &[], &[]);
        let meta = ArrowReaderMetadata::load(&file, ArrowReaderOptions::default()).unwrap();
        assert_eq!(meta.metadata().file_metadata().version(), 3);
        assert_eq!(
            walked(&file),
            Err(Stop::Refused(
                "writes field 1 of FileMetaData as a binary where the decoder reads an integer"
                    .into()
            ))
        );
        // The version as an i64, and as an i16: read alike.
        for kind in [4, 6] {
            let file = hand_written(&field(kind, 1, &varint(4)), &[], &[]);
            assert!(ArrowReaderMetadata::load(&file, ArrowReaderOptions::default()).is_ok());
            assert_eq!(walked(&file), Ok(5));
        }
        // A bool written as an i32 (Statistics' is_max_value_exact): the decoder fails too.
        let file = hand_written(&int(1, 2), &int(7, 1), &[]);
        assert!(ArrowReaderMetadata::load(&file, ArrowReaderOptions::default()).is_err());
        assert_eq!(
            walked(&file),
            Err(Stop::Refused(
                "writes field 7 of Statistics as an integer where the decoder reads a bool".into()
            ))
        );
        // The encodings (a list of i32s) written as a list of binaries: the decoder fails on
        // the element type and names it; the walk skips the list by its written type.
        let file = hand_written(&int(1, 2), &[], &[]);
        let encodings = [0x09, 0x04, 0x15, 0x00];
        let at = file.windows(4).position(|w| w == encodings).unwrap();
        // One binary of no bytes, as long as one i32 0: the footer's length stands.
        let binaries = list(8, 1, &[0x00]);
        assert_eq!(binaries.len(), 2);
        let file = bytes::Bytes::from([&file[..at + 2], &binaries, &file[at + 4..]].concat());
        assert_eq!(walked(&file), Ok(5));
        let e = batches_of_bytes(&file).map(drop).unwrap_err();
        assert!(e.to_string().contains("Expected list element type"), "{e}");
    }

    /// A schema of `levels` levels: the root, groups of one child (`each`'s bytes), and `x`.
    fn nested(levels: usize, each: &[u8]) -> bytes::Bytes {
        let mut schema = vec![group("root", 1)];
        schema.extend((2..levels).map(|_| each.to_vec()));
        schema.push(leaf());
        with_schema(&schema, &int(1, 2), &[], &[])
    }

    /// The decoder builds the schema's tree recursively: the corpus's schema of 10,000 levels
    /// (80 KB) overflowed the stack of a test's thread (2 MB), as one of 414 levels does in a
    /// debug build, and the process aborted ([`SCHEMA_LEVELS`] has the numbers). To
    /// [`SCHEMA_LEVELS`] the decoder reads it; one more is an `io` error naming the limit,
    /// before the decoder reads the footer, on a thread of 2 MB.
    #[test]
    fn a_schema_nested_deeper_than_the_limit_is_refused() {
        let g = group("g", 1);
        let deepest = nested(SCHEMA_LEVELS, &g);
        assert_eq!(walked(&deepest), Ok(SCHEMA_LEVELS as u64 + 3));
        let meta = ArrowReaderMetadata::load(&deepest, ArrowReaderOptions::default()).unwrap();
        let column = meta.metadata().file_metadata().schema_descr().column(0);
        assert_eq!(column.path().parts().len(), SCHEMA_LEVELS - 1);
        assert!(batches_of_bytes(&deepest).is_ok());
        let error = format!(
            "the file's footer nests its schema deeper than {SCHEMA_LEVELS} levels: schema \
             element {SCHEMA_LEVELS} is at level {}",
            SCHEMA_LEVELS + 1
        );
        let e = check_footer(&nested(SCHEMA_LEVELS + 1, &g)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io);
        assert!(e.to_string().contains(&error), "{e}");
        // A required group `g` of one child, its fields' ids by deltas: 8 bytes.
        let name = "crash-footer-schema-10k-levels-deep.parquet";
        let data = corpus(name);
        let compact = [0x35, 0x00, 0x18, 0x01, b'g', 0x15, 0x02, 0x00];
        assert_eq!(data, nested(10_000, &compact));
        let path = temp(name);
        std::fs::write(&path, &data).unwrap();
        let (rows, names) = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || (batches_of_bytes(&data).map(drop), column_names(&path)))
            .unwrap()
            .join()
            .unwrap();
        std::fs::remove_file(temp(name)).unwrap();
        for e in [rows.unwrap_err(), names.unwrap_err()] {
            assert_eq!(e.kind(), ErrorKind::Io);
            assert!(e.to_string().contains(&error), "{e}");
        }
    }

    /// The decoder reserves a group's children by the count its SchemaElement claims, before
    /// reading one (`Vec::with_capacity`, 8 bytes a child): the corpus's root claiming
    /// 2^31 - 1 children asked for 16 GB in a file of 93 bytes, and aborted under a limit of
    /// 8 GB ([`Tree`] has the rule). More than the elements left after it, or fewer than none,
    /// is an `io` error before the decoder reads the footer (which fails on each of them too);
    /// `num_children` is read at the decoder's width.
    #[test]
    fn a_schema_claiming_more_children_than_its_list_holds_is_refused() {
        let file = |schema: &[Vec<u8>]| with_schema(schema, &int(1, 2), &[], &[]);
        let name = "oom-footer-schema-claims-2g-children.parquet";
        let corpus_file = bytes::Bytes::from(corpus(name));
        assert_eq!(corpus_file, file(&[group("root", (1 << 31) - 1), leaf()]));
        for (raw, error) in [
            (
                corpus_file,
                "claims 2147483647 children of schema element 0, more than the elements left \
                 after it (1)",
            ),
            (
                file(&[group("root", -1), leaf()]),
                "claims -1 children of schema element 0",
            ),
            // 2^32 - 1 is -1 to the decoder.
            (
                file(&[group("root", (1 << 32) - 1), leaf()]),
                "claims -1 children of schema element 0",
            ),
            // The root's second child is one of the elements after g: g may claim one.
            (
                file(&[group("root", 2), group("g", 2), leaf(), leaf()]),
                "claims 2 children of schema element 1, more than the elements left after it \
                 (1)",
            ),
            // A chain of groups each claiming every element after it: the decoder reserved
            // each claim (1 GB for 127 groups and a million leaves, in an 11 MB file).
            (
                file(&[group("root", 3), group("g", 2), leaf(), leaf()]),
                "claims 2 children of schema element 1, more than the elements left after it \
                 (0)",
            ),
        ] {
            assert!(ArrowReaderMetadata::load(&raw, ArrowReaderOptions::default()).is_err());
            let e = check_footer(&raw).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Io);
            assert!(
                e.to_string()
                    .contains(&format!("the file's footer {error}")),
                "{e}"
            );
        }
        // As many as are left: read (one leaf, the column chunk's; 2^32 + 1 is 1).
        for schema in [
            [group("root", 1), group("g", 1), leaf()],
            [group("root", (1 << 32) + 1), group("g", 1), leaf()],
        ] {
            let raw = file(&schema);
            assert_eq!(walked(&raw), Ok(6));
            assert!(ArrowReaderMetadata::load(&raw, ArrowReaderOptions::default()).is_ok());
        }
        // The walk alone (the decoder wants a column chunk per leaf): g claims the one element
        // its root's second child leaves it.
        let raw = file(&[group("root", 2), group("g", 1), leaf(), leaf()]);
        assert_eq!(walked(&raw), Ok(7));
    }

    /// A writer's nested schema is walked to its end and read: a struct column holding an
    /// integer and a list of strings, whose strings are at level 5 (the root, the struct, the
    /// list's two groups, the element).
    #[test]
    fn a_writers_nested_schema_is_read() {
        use arrow_array::builder::{ListBuilder, StringBuilder};
        use arrow_array::{Array, StructArray};
        use arrow_schema::{DataType, Field as Column};
        let mut tags = ListBuilder::new(StringBuilder::new());
        for row in [&["vip", "eu"][..], &[], &["eu"]] {
            for tag in row {
                tags.values().append_value(tag);
            }
            tags.append(true);
        }
        let tags: ArrayRef = Arc::new(tags.finish());
        let n: ArrayRef = Arc::new(Int64Array::from(vec![1, 2, 3]));
        let info = StructArray::from(vec![
            (Arc::new(Column::new("n", DataType::Int64, false)), n),
            (
                Arc::new(Column::new("tags", tags.data_type().clone(), true)),
                tags,
            ),
        ]);
        let batch = RecordBatch::try_from_iter([
            (
                "id",
                Arc::new(StringArray::from(vec!["T-1", "T-2", "T-3"])) as ArrayRef,
            ),
            ("info", Arc::new(info) as ArrayRef),
        ])
        .unwrap();
        let mut written = Vec::new();
        let mut w = ArrowWriter::try_new(&mut written, batch.schema(), None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        let written = bytes::Bytes::from(written);
        let meta = ArrowReaderMetadata::load(&written, ArrowReaderOptions::default()).unwrap();
        let schema = meta.metadata().file_metadata().schema_descr();
        let levels: Vec<usize> = schema
            .columns()
            .iter()
            .map(|c| c.path().parts().len() + 1)
            .collect();
        assert_eq!(levels, [2, 3, 5]);
        // Its 7 schema elements are walked as the rest, to the footer's end.
        let footer = footer_of(&written);
        let mut w = Walk::new(footer, budget(written.len() as u64));
        assert_eq!(w.footer_struct(&FILE_META_DATA), Ok(None));
        assert_eq!(w.at, footer.len());
        let batches: Vec<RecordBatch> = batches_of_bytes(&written)
            .unwrap()
            .collect::<std::result::Result<_, _>>()
            .unwrap();
        assert_eq!(batches, [batch]);
        let path = temp("nested.parquet");
        std::fs::write(&path, &written).unwrap();
        let names = column_names(&path);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(names.unwrap(), ["id", "info"]);
    }

    fn temp(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("supportkpi-parquet-{}-{name}", std::process::id()))
    }

    /// 10 tickets in row groups of 3 rows (4 groups, decoded on their own), created an hour
    /// apart from 2021-06-01T00:00Z, resolved 30 minutes later; ticket 7 resolved before it
    /// was created.
    fn write_tickets(path: &Path) {
        let t0 = 1_622_505_600i64;
        let ids: Vec<String> = (1..=10).map(|i| format!("T-{i}")).collect();
        let created: Vec<i64> = (0..10).map(|i| t0 + 3600 * i).collect();
        let resolved: Vec<i64> = (0..10)
            .map(|i| if i == 6 { t0 } else { t0 + 3600 * i + 1800 })
            .collect();
        let batch = RecordBatch::try_from_iter([
            ("id", Arc::new(StringArray::from(ids)) as ArrayRef),
            (
                "created_at",
                Arc::new(TimestampSecondArray::from(created).with_timezone("UTC")) as ArrayRef,
            ),
            (
                "resolved_at",
                Arc::new(TimestampSecondArray::from(resolved).with_timezone("UTC")) as ArrayRef,
            ),
            (
                "reopens",
                Arc::new(Int64Array::from(vec![0i64; 10])) as ArrayRef,
            ),
        ])
        .unwrap();
        let props = WriterProperties::builder()
            .set_max_row_group_row_count(Some(3))
            .build();
        let file = File::create(path).unwrap();
        let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props)).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
    }

    /// `path`'s file with its footer's counts replaced where given: row group 0's rows and its
    /// columns' values (the footer
    /// written again by the parquet crate, every page, offset and other field as the writer
    /// wrote them), and the file's (patched in the bytes: the crate's writer sums the groups).
    fn with_row_counts(
        path: &Path,
        file_rows: Option<i64>,
        (group_rows, group_values): (Option<i64>, Option<i64>),
    ) -> Vec<u8> {
        use parquet::file::metadata::{ParquetMetaDataReader, ParquetMetaDataWriter};
        let read = |b: &[u8]| {
            ParquetMetaDataReader::new()
                .parse_and_finish(&bytes::Bytes::from(b.to_vec()))
                .unwrap()
        };
        let bytes = std::fs::read(path).unwrap();
        let meta = read(&bytes);
        let mut groups = meta.row_groups().to_vec();
        let mut group = groups[0].clone().into_builder();
        if let Some(n) = group_rows {
            group = group.set_num_rows(n);
        }
        if let Some(n) = group_values {
            let columns = groups[0]
                .columns()
                .iter()
                .map(|c| c.clone().into_builder().set_num_values(n).build().unwrap());
            group = group.set_column_metadata(columns.collect());
        }
        groups[0] = group.build().unwrap();
        let forged = meta.into_builder().set_row_groups(groups).build();
        let mut out = bytes[..bytes.len() - 8 - footer_of(&bytes).len()].to_vec();
        ParquetMetaDataWriter::new(&mut out, &forged)
            .finish()
            .unwrap();
        if let Some(n) = file_rows {
            // FileMetaData's field 3, `num_rows`, follows the schema: a field header of delta 1
            // and type i64 (0x16), then the zigzag varint of the sum, one byte below 64 rows.
            let rows = read(&out).file_metadata().num_rows();
            let (zig, forged) = ((rows << 1) as u8, (n << 1) as u8);
            let footer = out.len() - 8 - footer_of(&out).len();
            let at = out[footer..]
                .windows(2)
                .position(|w| w == [0x16, zig])
                .unwrap();
            out[footer + at + 1] = forged;
            assert_eq!(read(&out).file_metadata().num_rows(), n);
        }
        out
    }

    /// A footer's row counts that disagree lost rows without a word (a file claiming 0 rows
    /// read as empty) or decoded a row a batch (claiming 1); a row group claiming fewer rows
    /// than its columns hold lost the rest. Each is now an `io` error naming the counts.
    #[test]
    fn row_counts_that_disagree_are_refused() {
        let path = temp("counts.parquet");
        write_tickets(&path);
        let lenient = ReadOptions::new().errors(ErrorMode::Lenient);
        let load_bytes = |name: &str, bytes: Vec<u8>| {
            let forged = temp(name);
            std::fs::write(&forged, bytes).unwrap();
            let sources = Sources {
                tickets: Some(forged),
                ..Sources::default()
            };
            load(&sources, &lenient)
        };
        // The rewrite alone changes nothing: 10 rows, 9 tickets and the one reject.
        let same = load_bytes(
            "counts-same.parquet",
            with_row_counts(&path, None, (None, None)),
        )
        .unwrap();
        assert_eq!((same.input.tickets.len(), same.rejected.len()), (9, 1));
        // Fewer values than rows in a column, as parquet-cpp before 2016 counted them (without
        // the nulls): the pages are read as they are.
        let fewer = with_row_counts(&path, None, (None, Some(2)));
        let fewer = load_bytes("counts-fewer-values.parquet", fewer).unwrap();
        assert_eq!((fewer.input.tickets.len(), fewer.rejected.len()), (9, 1));
        for (name, file_rows, group_rows, rule) in [
            (
                "counts-0.parquet",
                Some(0),
                None,
                "the file's footer claims 0 rows where its row groups hold 10",
            ),
            (
                "counts-1.parquet",
                Some(1),
                None,
                "the file's footer claims 1 rows where its row groups hold 10",
            ),
            (
                "counts-group.parquet",
                Some(9),
                Some(2),
                "row group 0 claims 2 rows where its column id holds 3 values",
            ),
        ] {
            let e = load_bytes(name, with_row_counts(&path, file_rows, (group_rows, None)))
                .unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Io, "{e}");
            assert!(e.to_string().contains(rule), "{e}");
            assert!(e.to_string().contains(name), "{e}");
        }
    }

    #[test]
    fn row_groups_read_in_file_order_with_lines_and_rejects() {
        let path = temp("groups.parquet");
        write_tickets(&path);
        let groups = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap())
            .unwrap()
            .metadata()
            .num_row_groups();
        assert_eq!(groups, 4);
        let sources = Sources {
            tickets: Some(path.clone()),
            ..Sources::default()
        };
        let lenient = ReadOptions::new().errors(ErrorMode::Lenient);
        let loaded = load(&sources, &lenient).unwrap();
        let ids: Vec<&str> = loaded
            .input
            .tickets
            .iter()
            .map(|t| t.id().as_str())
            .collect();
        assert_eq!(
            ids,
            [
                "T-1", "T-2", "T-3", "T-4", "T-5", "T-6", "T-8", "T-9", "T-10"
            ]
        );
        assert_eq!(loaded.rejected.len(), 1);
        let bad = &loaded.rejected[0];
        assert_eq!(bad.rejected.line, 7);
        assert_eq!(bad.rejected.error.field(), Some("resolved_at"));
        assert!(bad.rejected.error.to_string().contains("groups.parquet"));
        let columns = load_columnar(&sources, &lenient).unwrap();
        assert_eq!(
            columns.input.tickets.tickets().collect::<Vec<_>>(),
            loaded.input.tickets
        );
        assert_eq!(columns.read, loaded.read);
        let strict = load(&sources, &ReadOptions::new()).unwrap_err();
        assert_eq!(strict.line(), Some(7));
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn not_parquet_and_broken_parquet() {
        let path = temp("broken.parquet");
        std::fs::write(&path, b"PAR1 and then nothing").unwrap();
        assert!(is_parquet(&path));
        let Err(e) = batches(&path) else {
            panic!("a file of the magic alone is not Parquet");
        };
        assert_eq!(e.kind(), ErrorKind::Io);
        let csv = temp("plain.csv");
        std::fs::write(&csv, b"id,created_at\n").unwrap();
        assert!(!is_parquet(&csv));
        assert_eq!(format_of(&csv, None), Format::Csv);
        assert_eq!(format_of(&path, Some(Format::Csv)), Format::Csv);
        std::fs::remove_file(&path).unwrap();
        std::fs::remove_file(&csv).unwrap();
    }
}
