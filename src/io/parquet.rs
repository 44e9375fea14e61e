//! Parquet files in (feature `parquet`): a file's row groups decoded on all cores into Arrow
//! record batches, which the Arrow readers ([`super::arrow`]) read with the CSV and JSON Lines
//! readers' rules. A row's line is its number in the file, counted from 1.

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
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet_error)?;
    Ok(builder
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect())
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
    // The decoder panics on some malformed files (arrow-ipc 59 on an embedded Arrow schema
    // with an integer 4160 bits wide, found by the parquet fuzz target): a bad file is an error
    // of that file, never a crash of the program reading it.
    let open = || open().map(AtEnd);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decode_all(&open)))
        .unwrap_or_else(|_| Err(parquet_error("the Parquet decoder failed on this file")))
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
    let meta = ArrowReaderMetadata::load(&open()?, ArrowReaderOptions::default())
        .map_err(parquet_error)?;
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
    let mut budget = length
        .saturating_mul(ELEMENTS_PER_BYTE)
        .saturating_add(ELEMENTS_AT_LEAST);
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

/// List, set and map elements a row group's page headers may claim per byte of the file.
const ELEMENTS_PER_BYTE: u64 = 16;

/// ... and in any case.
const ELEMENTS_AT_LEAST: u64 = 1 << 16;

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
        let mut walk = Walk {
            b: &bytes,
            at: 0,
            budget: *budget,
            reads_at_end: 0,
            short: false,
        };
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

/// A walk of a page header's Thrift compact bytes, as parquet 59's reader walks them.
struct Walk<'b> {
    b: &'b [u8],
    at: usize,
    /// List, set and map elements the header may still claim.
    budget: u64,
    /// Reads at the end of the bytes ([`AtEnd`] fails past [`READS_AT_END`]).
    reads_at_end: u32,
    /// Whether the walk ran past the end of the bytes it was given.
    short: bool,
}

/// Why a walk stopped.
#[derive(Debug, PartialEq)]
enum Stop {
    /// The decoder fails on the header by itself (or the walk ran out of bytes).
    Fails,
    /// The header's lists claim more elements than the budget has.
    Spent,
}

impl Walk<'_> {
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
            9 | 10 => {
                let h = self.byte()?;
                if h == 0 {
                    return Ok(());
                }
                let count = match h >> 4 {
                    15 => self.count()?,
                    n => u64::from(n),
                };
                self.elements(count, &[h & 0x0f], depth)
            }
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
}

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
        let mut w = Walk {
            b,
            at: 0,
            budget: 1 << 20,
            reads_at_end: 0,
            short: false,
        };
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
        let mut w = Walk {
            b: &bools,
            at: 0,
            budget: 1_000,
            reads_at_end: 0,
            short: false,
        };
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
