//! Parquet files in (feature `parquet`): a file's row groups decoded on all cores into Arrow
//! record batches, which the Arrow readers ([`super::arrow`]) read with the CSV and JSON Lines
//! readers' rules. A row's line is its number in the file, counted from 1.

use super::Format;
use crate::error::{Error, ErrorKind, Result};
use arrow_array::{RecordBatch, RecordBatchIterator};
use arrow_schema::{ArrowError, SchemaRef};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Type as Physical;
use parquet::column::page::Page;
use parquet::file::reader::{ChunkReader, FileReader};
use parquet::file::serialized_reader::SerializedFileReader;
use std::fs::File;
use std::io::Read;
use std::path::Path;

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
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decode_all(&open)))
        .unwrap_or_else(|_| Err(parquet_error("the Parquet decoder failed on this file")))
}

fn decode_all<R: ChunkReader + 'static>(
    open: &(impl Fn() -> Result<R> + Sync + Send),
) -> Result<Batches> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(open()?).map_err(parquet_error)?;
    let schema: SchemaRef = builder.schema().clone();
    let groups = builder.metadata().num_row_groups();
    let decode = |group: usize| -> Result<Vec<RecordBatch>> {
        check_dictionaries(open()?, group)?;
        let reader = ParquetRecordBatchReaderBuilder::try_new(open()?)
            .map_err(parquet_error)?
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

/// Refuses a dictionary page that claims more values than its bytes can hold, before the
/// decoder reads it: the decoder (parquet 59, `DictDecoder::set_dict`) sizes the dictionary by
/// the count the page header claims and fills it before reading a value, so a page of a few
/// bytes claiming 663 million values took 5.3 GB (a 1.2 KB file found by the parquet fuzz
/// target). Resource use follows the file's bytes, not a number written in it: a PLAIN
/// dictionary value takes at least 32 bits (INT32 and FLOAT 32, INT64 and DOUBLE 64, INT96 96,
/// a BYTE_ARRAY its 32-bit length, a FIXED_LEN_BYTE_ARRAY its width, a BOOLEAN one bit).
/// Only each column chunk's first page is read here (a dictionary page comes first).
fn check_dictionaries<R: ChunkReader + 'static>(reader: R, group: usize) -> Result<()> {
    let file = SerializedFileReader::new(reader).map_err(parquet_error)?;
    let row_group = file.get_row_group(group).map_err(parquet_error)?;
    let meta = row_group.metadata();
    for c in 0..row_group.num_columns() {
        let mut pages = row_group.get_column_page_reader(c).map_err(parquet_error)?;
        if !pages
            .peek_next_page()
            .map_err(parquet_error)?
            .is_some_and(|p| p.is_dict)
        {
            continue;
        }
        let Some(Page::DictionaryPage {
            buf, num_values, ..
        }) = pages.get_next_page().map_err(parquet_error)?
        else {
            continue;
        };
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
        let room = (buf.len() as u64).saturating_mul(8) / bits;
        if u64::from(num_values) > room {
            return Err(parquet_error(format!(
                "the dictionary page of column {} in row group {group} claims {num_values} \
                 values in {} bytes",
                column.column_path().string(),
                buf.len()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::{ErrorMode, ReadOptions, Sources, load, load_columnar};
    use arrow_array::{ArrayRef, Int64Array, StringArray, TimestampSecondArray};
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::WriterProperties;
    use std::sync::Arc;

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
