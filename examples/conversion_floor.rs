//! A lower bound for reading Arrow batches into a report, whatever the engine: the work the
//! readers' rules need on every row of the benchmark's Parquet data that the Rust report on
//! its own tables has already had done, with nothing copied or converted that an engine over
//! the Arrow buffers could leave where it is.
//!
//! Issue #14 asks for Python from a data frame in ≤ 1.2× the Rust report on its tables: the
//! conversion may take a fifth of the report. This probe times the least of that conversion:
//! - each ticket's and response's id hashed, the hashes sorted and checked for a repeat (the
//!   duplicate-id rule);
//! - channel, priority, team and status coded against their few values (the report groups,
//!   targets and counts by them), and each response's kind;
//! - each ticket's instants checked in order, each score against its scale.
//!
//! Timestamps stay in microseconds, ids and customers stay in the batches, nothing else is
//! read. `--views` casts the text columns to `Utf8View` first, as polars hands them over: a
//! value of at most 12 bytes is then coded by comparing its 16-byte view. The work is split over two threads as the reader splits it. `--no-ids` leaves the id
//! hashes out (the report's survey join hashes the ticket ids anyway; the responses' ids it
//! does not).
//!
//! ```sh
//! cargo build --release --example conversion_floor
//! target/release/examples/conversion_floor --data target/compare-data/tickets-1000000-seed-42 --runs 9
//! ```
//! The directory holds `tickets.parquet` and `surveys.parquet` as `bench_report generate
//! --format parquet` writes them (compare.py does on first use).

use std::error::Error as StdError;
use std::path::Path;
use std::time::Instant as Clock;

use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, TimestampMicrosecondType};
use arrow_array::{Array, RecordBatch, StringArray, StringViewArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

type Res<T> = Result<T, Box<dyn StdError + Send + Sync>>;

fn batches(path: &Path) -> Res<Vec<RecordBatch>> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(ParquetRecordBatchReaderBuilder::try_new(file)?
        .build()?
        .collect::<Result<_, _>>()?)
}

/// The core's id hash (the folded multiply of foldhash and wyhash), restated because the core
/// keeps it crate-private.
struct Fold(u64);

impl Fold {
    #[inline]
    fn hash(&self, s: &str) -> u64 {
        const K0: u64 = 0x2d35_8dcc_aa6c_78a5;
        const K1: u64 = 0x8bb8_4b93_962e_acc9;
        let fold = |a: u64, b: u64| {
            let m = u128::from(a) * u128::from(b);
            (m as u64) ^ ((m >> 64) as u64)
        };
        let bytes = s.as_bytes();
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = fold(h ^ u64::from_le_bytes(w), K0);
        }
        let rest = chunks.remainder();
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        fold(fold(h ^ u64::from_le_bytes(w), K1 ^ bytes.len() as u64), K1)
    }
}

/// A column's few values, compared in turn: what the tables' dictionaries do up to eight
/// values (length and first byte before the bytes), the cheapest lookup for so few.
#[derive(Default)]
struct Few(Vec<String>, Vec<(u128, u8)>);

impl Few {
    /// The code of row `i` of a view column: a value of at most 12 bytes is all in its
    /// 16-byte view (length, then the bytes, zero-padded), so the view is compared whole.
    #[inline]
    fn code_at(&mut self, col: &Text<'_>, i: usize) -> u8 {
        match col {
            Text::Plain(a) => self.code(a.value(i)),
            Text::View(a) => {
                let view = a.views()[i];
                if view as u32 > 12 {
                    return self.code(a.value(i));
                }
                if let Some(&(_, c)) = self.1.iter().find(|(v, _)| *v == view) {
                    return c;
                }
                let c = self.code(a.value(i));
                self.1.push((view, c));
                c
            }
        }
    }

    #[inline]
    fn code(&mut self, v: &str) -> u8 {
        let same = |s: &String| {
            s.len() == v.len() && s.as_bytes().first() == v.as_bytes().first() && s == v
        };
        match self.0.iter().position(same) {
            Some(c) => c as u8,
            None => {
                self.0.push(v.to_owned());
                (self.0.len() - 1) as u8
            }
        }
    }
}

/// What one thread's share gives: the codes a report would read, the sorted id hashes, and
/// how many rows break a rule (none in the benchmark's data).
#[derive(Default)]
struct Share {
    codes: Vec<[u8; 4]>,
    ticket_ids: Vec<u64>,
    survey_ids: Vec<u64>,
    broken: usize,
}

fn strings<'a>(b: &'a RecordBatch, name: &str) -> Res<&'a StringArray> {
    Ok(b.column_by_name(name)
        .ok_or_else(|| format!("no column {name}"))?
        .as_string_opt::<i32>()
        .ok_or_else(|| format!("{name} is not Utf8"))?)
}

/// A text column as the batch has it: `Utf8` as Parquet decodes it, `Utf8View` as polars
/// hands it over.
enum Text<'a> {
    Plain(&'a StringArray),
    View(&'a StringViewArray),
}

fn text<'a>(b: &'a RecordBatch, name: &str) -> Res<Text<'a>> {
    let col = b
        .column_by_name(name)
        .ok_or_else(|| format!("no column {name}"))?;
    if let Some(a) = col.as_string_view_opt() {
        return Ok(Text::View(a));
    }
    Ok(Text::Plain(strings(b, name)?))
}

impl Text<'_> {
    #[inline]
    fn value(&self, i: usize) -> &str {
        match self {
            Text::Plain(a) => a.value(i),
            Text::View(a) => a.value(i),
        }
    }
}

/// The batches with their text columns as `Utf8View` (`--views`).
fn as_views(batches: Vec<RecordBatch>) -> Res<Vec<RecordBatch>> {
    batches
        .into_iter()
        .map(|b| {
            let columns = b
                .columns()
                .iter()
                .map(|c| match c.data_type() {
                    DataType::Utf8 => arrow_cast::cast(c, &DataType::Utf8View),
                    _ => Ok(c.clone()),
                })
                .collect::<Result<Vec<_>, _>>()?;
            let fields: Vec<Field> = b
                .schema()
                .fields()
                .iter()
                .zip(&columns)
                .map(|(f, c)| f.as_ref().clone().with_data_type(c.data_type().clone()))
                .collect();
            Ok(RecordBatch::try_new(
                std::sync::Arc::new(Schema::new(fields)),
                columns,
            )?)
        })
        .collect()
}

fn share(tickets: &[RecordBatch], surveys: &[RecordBatch], ids: Option<&Fold>) -> Res<Share> {
    let mut out = Share::default();
    let rows: usize = tickets.iter().map(RecordBatch::num_rows).sum();
    out.codes.reserve(rows);
    out.ticket_ids.reserve(if ids.is_some() { rows } else { 0 });
    let mut few: [Few; 4] = Default::default();
    for b in tickets {
        let instant = |name: &str| -> Res<_> {
            Ok(b.column_by_name(name)
                .ok_or_else(|| format!("no column {name}"))?
                .as_primitive_opt::<TimestampMicrosecondType>()
                .ok_or_else(|| format!("{name} is not a timestamp in microseconds"))?)
        };
        let (created, first, resolved) = (
            instant("created_at")?,
            instant("first_response_at")?,
            instant("resolved_at")?,
        );
        let dims = [
            text(b, "channel")?,
            text(b, "priority")?,
            text(b, "team")?,
            text(b, "status")?,
        ];
        let id = text(b, "id")?;
        for i in 0..b.num_rows() {
            if let Some(h) = ids {
                out.ticket_ids.push(h.hash(id.value(i)));
            }
            let c = created.value(i);
            let before =
                |a: &arrow_array::TimestampMicrosecondArray| a.is_valid(i) && a.value(i) < c;
            out.broken += usize::from(created.is_null(i) || before(first) || before(resolved));
            let mut codes = [0u8; 4];
            for (k, d) in dims.iter().enumerate() {
                codes[k] = few[k].code_at(d, i);
            }
            out.codes.push(codes);
        }
    }
    let mut kinds = Few::default();
    for b in surveys {
        let (id, kind) = (text(b, "id")?, text(b, "kind")?);
        let score = b
            .column_by_name("score")
            .ok_or("no column score")?
            .as_primitive_opt::<Int64Type>()
            .ok_or("score is not Int64")?;
        for i in 0..b.num_rows() {
            if let Some(h) = ids {
                out.survey_ids.push(h.hash(id.value(i)));
            }
            let k = kinds.code_at(&kind, i);
            out.broken += usize::from(!(0..=10).contains(&score.value(i)));
            out.codes.push([k, 0, 0, 0]);
        }
    }
    out.ticket_ids.sort_unstable();
    out.survey_ids.sort_unstable();
    Ok(out)
}

/// Whether two sorted lists share a value.
fn shares(a: &[u64], b: &[u64]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let dir = Path::new(
        opt("--data")
            .ok_or("usage: conversion_floor --data DIR [--runs N] [--no-ids] [--views]")?,
    );
    let runs: usize = opt("--runs").map_or(Ok(7), |r| r.parse())?;
    let fold = Fold(0x9e37_79b9_7f4a_7c15);
    let ids = (!args.iter().any(|a| a == "--no-ids")).then_some(&fold);
    let mut tickets = batches(&dir.join("tickets.parquet"))?;
    let mut surveys = batches(&dir.join("surveys.parquet"))?;
    let views = args.iter().any(|a| a == "--views");
    if views {
        tickets = as_views(tickets)?;
        surveys = as_views(surveys)?;
    }
    let (t, s) = (tickets.len() / 2, surveys.len() / 2);
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let clock = Clock::now();
        let (a, b) = rayon::join(
            || share(&tickets[..t], &surveys[..s], ids),
            || share(&tickets[t..], &surveys[s..], ids),
        );
        let (a, b) = (a?, b?);
        let repeated = [&a, &b].iter().any(|x| {
            x.ticket_ids.windows(2).any(|w| w[0] == w[1])
                || x.survey_ids.windows(2).any(|w| w[0] == w[1])
        }) || shares(&a.ticket_ids, &b.ticket_ids)
            || shares(&a.survey_ids, &b.survey_ids);
        times.push(clock.elapsed().as_secs_f64());
        if repeated || a.broken + b.broken > 0 {
            return Err("the data breaks a rule: this probe times clean data only".into());
        }
        std::hint::black_box((&a.codes, &b.codes));
    }
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let rows: usize = tickets.iter().map(RecordBatch::num_rows).sum();
    println!(
        "{{\"tickets\":{rows},\"ids\":{},\"views\":{views},\"median\":{:.4},\"min\":{:.4},\"times\":{times:?}}}",
        ids.is_some(),
        sorted[sorted.len() / 2],
        sorted[0]
    );
    Ok(())
}
