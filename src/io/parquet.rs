//! Parquet files in (feature `parquet`): a file's row groups decoded on all cores into Arrow
//! record batches, which the Arrow readers ([`super::arrow`]) read with the CSV and JSON Lines
//! readers' rules. A row's line is its number in the file, counted from 1.

use super::Format;
use crate::error::{Error, ErrorKind, Result};
use arrow_array::{RecordBatch, RecordBatchIterator};
use arrow_schema::{ArrowError, SchemaRef};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
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

/// Decodes the file's row groups, each on its own core (feature `parallel`), into batches in
/// file order. The batches are decoded before any row is read: the Arrow readers take whole
/// tables.
///
/// # Errors
/// [`ErrorKind::Io`] when the file cannot be opened or is not valid Parquet (the message
/// says why); errors name no file (the caller adds it).
pub(crate) fn batches(path: &Path) -> Result<Batches> {
    let open = || {
        File::open(path).map_err(|e| {
            Error::new(ErrorKind::Io, format!("cannot open the file: {e}"))
                .with_field("path")
                .with_value(path.display())
        })
    };
    let builder = ParquetRecordBatchReaderBuilder::try_new(open()?).map_err(parquet_error)?;
    let schema: SchemaRef = builder.schema().clone();
    let groups = builder.metadata().num_row_groups();
    let decode = |group: usize| -> Result<Vec<RecordBatch>> {
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
