//! The column pass of the Arrow table reader: a block of rows read a column at a time.
//!
//! The row path ([`read_rows`](super::read_rows)) reads each row through the layout's rules, a
//! cell at a time, asking every cell what kind its column is. Most tables handed over by a data
//! frame are plain — the canonical columns, as Arrow timestamps, strings and integers — and for
//! those a block of rows is read column by column: the instants scaled to nanoseconds, the
//! statuses resolved once per distinct text, an Arrow dictionary's values (polars
//! `Categorical`, pyarrow `dictionary`) interned once per value and block, a `Utf8View`
//! column's short values (polars text) coded once per value and block, every row checked
//! by the tables' own rules ([`TicketTable::checked_ns`], [`SurveyResponse::check`], the
//! options' scales). Only when
//! every row of the block is accepted as it is are its rows appended; otherwise the block
//! declines, nothing of it is kept, and the row path reads it and names its errors. A block
//! read here is therefore the block the row path would have read: the pass changes the cost,
//! never an outcome (the reader property tests compare every outcome with CSV, JSON Lines and
//! Parquet; the tests below compare the pass with the quick path on single blocks, and read
//! tables of several blocks through the reader).
//!
//! What the pass takes (anything else declines, per block): ids, texts and statuses from
//! string or dictionary columns (or no column, or an all-null one), instants from Arrow
//! timestamps read as instants ([`Fields::direct_times`], zoned or read as UTC), counts and
//! scores from integer columns when no null token could equal a number's text. For tickets,
//! only the canonical layout without kept dimensions (the presets' rules and free-form
//! dimensions stay with the row path).

use super::super::cells::{Strs, View};
use super::{Col, Fields, Ids, StatusCache, Text, scaled_ns};
use crate::columnar::{
    Dictionary, NO_INSTANT, RowNs, SurveyRow, SurveyTable, TicketRow, TicketTable,
};
use crate::io::ReadOptions;
use crate::io::rules::{Key, survey_kind};
use crate::model::{Status, SurveyKind, SurveyResponse};
use arrow_array::{Array, Int64Array};
use std::ops::Range;

/// Rows a block has: its instants and statuses stay in the cache between the check and the
/// append. A block with a bad row is read twice (the pass up to that row, then the row path):
/// a table with a bad row in every block costs the pass's work on top of the row path's.
pub(super) const BLOCK: usize = 1024;

/// A text column as the pass reads it: no values (no column, or all null), or strings.
#[derive(Clone, Copy)]
enum Texts<'v, 'a> {
    None,
    Strings(&'v View<'a>),
}

impl<'a> Texts<'_, 'a> {
    /// The column of `key`; `None` when the pass does not read its kind (the row path writes
    /// numbers, booleans and other values as text).
    fn of<'v>(views: &'v [View<'a>], key: Col<'_>) -> Option<Texts<'v, 'a>> {
        match key.col.map(|c| &views[c]) {
            None | Some(View::Null) => Some(Texts::None),
            Some(v @ View::Text { .. }) => Some(Texts::Strings(v)),
            Some(_) => None,
        }
    }

    /// Row `i`'s text as the reader keeps it ([`Fields::keep`]: trimmed, `None` for a null or a
    /// null token).
    #[inline]
    fn get(self, f: &Fields<'_>, i: usize) -> Option<&'a str> {
        match self {
            Texts::None => None,
            Texts::Strings(v) => v.str_at(i).and_then(|s| f.keep(s)),
        }
    }
}

/// What a block's rows of a `Utf8View` column gave, by their 16-byte views. A value of at most
/// 12 bytes is all in its view (its length, then its bytes), so rows with equal such views
/// have equal values, and a later row takes an earlier one's outcome without its text being
/// read or looked up again (polars hands text over as views; a channel or a status repeats on
/// most rows). A longer value's view names its buffer and offset, which writers give each row
/// anew, so such rows are read as text.
struct ByView<'v, T> {
    /// `None` for other columns, and once a block has more distinct short values than
    /// [`BY_VIEW`] (a column of many values would pay for the scan and gain nothing).
    views: Option<&'v [u128]>,
    valid: Option<&'v arrow_array::BooleanArray>,
    seen: Vec<(u128, T)>,
}

/// Distinct short values a [`ByView`] keeps per block.
const BY_VIEW: usize = 32;

/// The longest value a view holds whole.
const INLINE_VIEW: u32 = 12;

impl<'v, T: Copy> ByView<'v, T> {
    fn of(texts: Texts<'v, '_>) -> ByView<'v, T> {
        let (views, valid) = match texts {
            Texts::Strings(View::Text {
                strs: Strs::View(a),
                keys: None,
                valid,
            }) => (Some(&a.views()[..]), valid.as_ref()),
            _ => (None, None),
        };
        ByView {
            views,
            valid,
            seen: Vec::new(),
        }
    }

    /// Row `i`'s outcome: `outcome()`'s, or an earlier row's with the same short value. `None`
    /// (the row is refused) is not kept.
    #[inline]
    fn get(&mut self, i: usize, outcome: impl FnOnce() -> Option<T>) -> Option<T> {
        let Some(views) = self.views else {
            return outcome();
        };
        // A null's view is not its value's (it may be an empty string's).
        if self.valid.is_some_and(|v| !v.value(i)) {
            return outcome();
        }
        let view = views[i];
        if view as u32 > INLINE_VIEW {
            return outcome();
        }
        if let Some(&(_, t)) = self.seen.iter().find(|(v, _)| *v == view) {
            return Some(t);
        }
        if self.seen.len() == BY_VIEW {
            self.views = None;
            return outcome();
        }
        let t = outcome()?;
        self.seen.push((view, t));
        Some(t)
    }
}

/// A text column the table interns (channel, priority, team, assignee): an Arrow dictionary's
/// rows by their key, its values looked up once each per block; other columns row by row (a
/// `Utf8View` column's short values once each per block, [`ByView`]).
enum Coder<'v, 'a> {
    Rows(Texts<'v, 'a>, ByView<'v, u32>),
    Keys {
        view: &'v View<'a>,
        keys: &'v [usize],
        valid: Option<&'v arrow_array::BooleanArray>,
        /// The table's code of each of the dictionary's values, once looked up.
        codes: Vec<Option<u32>>,
    },
}

impl<'v, 'a> Coder<'v, 'a> {
    fn of(texts: Texts<'v, 'a>) -> Coder<'v, 'a> {
        match texts {
            Texts::Strings(
                view @ View::Text {
                    strs,
                    keys: Some(keys),
                    valid,
                },
            ) if strs.len() <= BLOCK => Coder::Keys {
                view,
                keys,
                valid: valid.as_ref(),
                codes: vec![None; strs.len()],
            },
            // A dictionary larger than a block would cost more to cache than to read.
            texts => Coder::Rows(texts, ByView::of(texts)),
        }
    }

    /// Row `i`'s code in `dictionary`, as [`Dictionary::code_for`] of its kept text.
    #[inline]
    fn code(&mut self, f: &Fields<'_>, dictionary: &mut Dictionary, i: usize) -> u32 {
        match self {
            Coder::Rows(texts, by_view) => by_view
                .get(i, || Some(dictionary.code_for(texts.get(f, i))))
                .unwrap_or(Dictionary::NONE),
            Coder::Keys {
                view,
                keys,
                valid,
                codes,
            } => {
                // A null key is a row's own null: its key indexes no value.
                if valid.is_some_and(|v| !v.value(i)) {
                    return Dictionary::NONE;
                }
                let k = keys[i];
                *codes[k].get_or_insert_with(|| {
                    dictionary.code_for(view.str_at(i).and_then(|s| f.keep(s)))
                })
            }
        }
    }
}

/// An integer column as the pass reads it: no values, or Arrow integers whose text no null
/// token could equal.
#[derive(Clone, Copy)]
enum Ints<'v> {
    None,
    Int(&'v Int64Array),
}

impl<'v> Ints<'v> {
    fn of(f: &Fields<'_>, views: &'v [View<'_>], key: Col<'_>) -> Option<Ints<'v>> {
        match key.col.map(|c| &views[c]) {
            None | Some(View::Null) => Some(Ints::None),
            // A null token equal to a number's text is read by the row path. (Such a token starts
            // with a digit or `-`, which also turns off `direct_times`, so no block whose
            // creation the pass can read gets here: the guard keeps the rule local.)
            Some(View::Int(a)) if !f.numbers_nullable => Some(Ints::Int(a)),
            Some(_) => None,
        }
    }

    /// Row `i`'s value (`Ok(None)`: null), `Err` when it does not fit `T`.
    #[inline]
    fn get<T: TryFrom<i64>>(self, i: usize) -> Result<Option<T>, ()> {
        match self {
            Ints::None => Ok(None),
            Ints::Int(a) if a.is_null(i) => Ok(None),
            Ints::Int(a) => T::try_from(a.value(i)).map(Some).map_err(drop),
        }
    }
}

/// The instants of `key` over `rows` as nanoseconds into `out` ([`NO_INSTANT`]: absent), as
/// [`Fields::instant_ns`] reads them; `false` when the column is not one the pass reads as it
/// is (text, a naive timestamp read in a zone other than UTC) or an instant does not fit the
/// columns.
fn instants(
    f: &Fields<'_>,
    views: &[View<'_>],
    key: Col<'_>,
    rows: Range<usize>,
    out: &mut Vec<i64>,
) -> bool {
    out.clear();
    match key.col.map(|c| &views[c]) {
        None | Some(View::Null) => {
            out.resize(rows.len(), NO_INSTANT);
            true
        }
        Some(View::Timestamp {
            values,
            unit,
            aware,
        }) if f.direct_times && (*aware || f.utc) => {
            let raw = &values.values()[rows.clone()];
            let nulls = values.nulls();
            for (i, &v) in rows.zip(raw) {
                if nulls.is_some_and(|n| n.is_null(i)) {
                    out.push(NO_INSTANT);
                    continue;
                }
                match scaled_ns(v, *unit) {
                    Some(ns) => out.push(ns),
                    None => return false,
                }
            }
            true
        }
        Some(_) => false,
    }
}

/// The ticket pass's buffers, reused from block to block.
#[derive(Default)]
pub(super) struct TicketPass {
    statuses: StatusCache,
    /// Created, first response, first and latest resolution, by row of the block.
    ns: [Vec<i64>; 4],
    status: Vec<Status>,
    /// Agent replies and reopens, by row of the block.
    counts: Vec<[Option<u32>; 2]>,
}

impl TicketPass {
    /// Reads the rows `rows` of a batch (`views`, whose first row is the table's `first`) and
    /// appends them to `table` and their ids to `ids` when every one is accepted as it is;
    /// `false`, with both unchanged, otherwise.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn read<'a>(
        &mut self,
        f: &Fields<'_>,
        cols: &[Col<'_>; Key::ALL.len()],
        views: &[View<'a>],
        rows: Range<usize>,
        first: u64,
        table: &mut TicketTable,
        ids: &mut Ids<'a>,
    ) -> bool {
        let col = |k: Key| cols[k.index()];
        let (Some(id), Some(status)) = (
            Texts::of(views, col(Key::Id)),
            Texts::of(views, col(Key::Status)),
        ) else {
            return false;
        };
        let texts = [
            Key::CustomerId,
            Key::Channel,
            Key::Priority,
            Key::Team,
            Key::Assignee,
        ]
        .map(|k| Texts::of(views, col(k)));
        let [
            Some(customer),
            Some(channel),
            Some(priority),
            Some(team),
            Some(assignee),
        ] = texts
        else {
            return false;
        };
        let mut coders = [channel, priority, team, assignee].map(Coder::of);
        let (Some(replies), Some(reopens)) = (
            Ints::of(f, views, col(Key::AgentReplies)),
            Ints::of(f, views, col(Key::Reopens)),
        ) else {
            return false;
        };
        let keys = [
            Key::CreatedAt,
            Key::FirstResponseAt,
            Key::FirstResolvedAt,
            Key::ResolvedAt,
        ];
        for (k, out) in keys.into_iter().zip(&mut self.ns) {
            if !instants(f, views, col(k), rows.clone(), out) {
                return false;
            }
        }
        // Every row's check before any row is appended.
        self.status.clear();
        self.counts.clear();
        let mut kept_ids = Vec::with_capacity(rows.len());
        let mut statuses = ByView::of(status);
        let [created, response, first_resolved, resolved] = &mut self.ns;
        for (j, i) in rows.clone().enumerate() {
            let Some(id) = id.get(f, i) else {
                return false;
            };
            kept_ids.push(id);
            let Some(given) = statuses.get(i, || match status.get(f, i) {
                None => Some(None),
                Some(text) => f
                    .status_of(text, col(Key::Status), &mut self.statuses)
                    .ok()
                    .map(Some),
            }) else {
                return false;
            };
            let (Ok(replies), Ok(reopens)) = (replies.get::<u32>(i), reopens.get::<u32>(i)) else {
                return false;
            };
            let row = RowNs {
                created: created[j],
                first_response: response[j],
                first_resolved: first_resolved[j],
                resolved: resolved[j],
            };
            let Some((stored, s)) = TicketTable::checked_ns(id, row, given) else {
                return false;
            };
            [first_resolved[j], resolved[j]] = [stored[2], stored[3]];
            self.status.push(s);
            self.counts.push([replies, reopens]);
        }
        for ((j, i), id) in rows.enumerate().zip(kept_ids) {
            let [agent_replies, reopens] = self.counts[j];
            let mut codes = [0; 4];
            for ((code, coder), dictionary) in codes
                .iter_mut()
                .zip(&mut coders)
                .zip(table.text_dictionaries())
            {
                *code = coder.code(f, dictionary, i);
            }
            table.push_coded(
                &TicketRow {
                    id,
                    customer_id: customer.get(f, i),
                    agent_replies,
                    reopens,
                    ..TicketRow::default()
                },
                [created[j], response[j], first_resolved[j], resolved[j]],
                self.status[j],
                codes,
            );
            ids.accept(Text::Borrowed(id), first + i as u64 + 1);
        }
        true
    }
}

/// The survey pass's buffers, reused from block to block.
#[derive(Default)]
pub(super) struct SurveyPass {
    at: Vec<i64>,
    kind: Vec<SurveyKind>,
    score: Vec<i32>,
}

impl SurveyPass {
    /// [`TicketPass::read`] for survey responses ([`rules::response`](crate::io::rules)'s
    /// fields and checks).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn read<'a>(
        &mut self,
        f: &Fields<'_>,
        cols: &[Col<'_>; Key::ALL.len()],
        options: &ReadOptions,
        views: &[View<'a>],
        rows: Range<usize>,
        first: u64,
        table: &mut SurveyTable,
        ids: &mut Ids<'a>,
    ) -> bool {
        let col = |k: Key| cols[k.index()];
        let (Some(id), Some(kind), Some(ticket), Some(customer), Some(score)) = (
            Texts::of(views, col(Key::Id)),
            Texts::of(views, col(Key::Kind)),
            Texts::of(views, col(Key::TicketId)),
            Texts::of(views, col(Key::CustomerId)),
            Ints::of(f, views, col(Key::Score)),
        ) else {
            return false;
        };
        if !instants(f, views, col(Key::RespondedAt), rows.clone(), &mut self.at) {
            return false;
        }
        self.kind.clear();
        self.score.clear();
        let mut kept_ids = Vec::with_capacity(rows.len());
        let mut kinds = ByView::of(kind);
        for (j, i) in rows.clone().enumerate() {
            let (Some(id), Some(kind)) = (
                id.get(f, i),
                kinds.get(i, || kind.get(f, i).and_then(survey_kind)),
            ) else {
                return false;
            };
            let Ok(Some(score)) = score.get::<i32>(i) else {
                return false;
            };
            if self.at[j] == NO_INSTANT
                || SurveyResponse::check(id, kind, score).is_err()
                || options.check_score(kind, score).is_err()
            {
                return false;
            }
            self.kind.push(kind);
            self.score.push(score);
            kept_ids.push(id);
        }
        for ((j, i), id) in rows.enumerate().zip(kept_ids) {
            let at = self.at[j];
            table.push_columns(
                &SurveyRow {
                    id,
                    ticket_id: ticket.get(f, i),
                    customer_id: customer.get(f, i),
                    responded_at: crate::columnar::from_ns(at),
                    kind: self.kind[j],
                    score: self.score[j],
                },
                at,
            );
            ids.accept(Text::Borrowed(id), first + i as u64 + 1);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{polars_like, polars_like_surveys, temporal, tickets_of};
    use super::super::*;
    use super::*;
    use crate::model::{Ticket, TicketBuilder};
    use arrow_array::builder::{Int64Builder, StringViewBuilder, TimestampMicrosecondBuilder};
    use arrow_array::{ArrayRef, RecordBatch};
    use std::sync::Arc;

    fn example_tickets() -> Vec<Ticket> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/tickets.csv");
        crate::io::read_tickets(path, &ReadOptions::new())
            .unwrap()
            .records
    }

    fn example_surveys() -> Vec<SurveyResponse> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/surveys.csv");
        crate::io::read_surveys(path, &ReadOptions::new())
            .unwrap()
            .records
    }

    /// `batch` with the column `name` replaced.
    fn with_column(batch: &RecordBatch, name: &str, array: ArrayRef) -> RecordBatch {
        let schema = batch.schema();
        let c = schema.index_of(name).unwrap();
        let mut arrays = batch.columns().to_vec();
        arrays[c] = array;
        let fields: Vec<arrow_schema::Field> = schema
            .fields()
            .iter()
            .zip(&arrays)
            .map(|(f, a)| arrow_schema::Field::new(f.name(), a.data_type().clone(), true))
            .collect();
        RecordBatch::try_new(Arc::new(arrow_schema::Schema::new(fields)), arrays).unwrap()
    }

    /// A text column of `n` rows, row `i` being `value(i)`.
    fn texts(n: usize, value: impl Fn(usize) -> Option<String>) -> ArrayRef {
        let mut b = StringViewBuilder::new();
        for i in 0..n {
            b.append_option(value(i));
        }
        Arc::new(b.finish())
    }

    fn micros(n: usize, value: impl Fn(usize) -> Option<i64>) -> ArrayRef {
        let mut b = TimestampMicrosecondBuilder::with_capacity(n);
        for i in 0..n {
            b.append_option(value(i));
        }
        Arc::new(b.finish().with_timezone("UTC"))
    }

    fn ints(n: usize, value: impl Fn(usize) -> Option<i64>) -> ArrayRef {
        let mut b = Int64Builder::with_capacity(n);
        for i in 0..n {
            b.append_option(value(i));
        }
        Arc::new(b.finish())
    }

    fn hashes(ids: Ids<'_>) -> Vec<u64> {
        match ids {
            Ids::Hashes(v, _) => v,
            _ => panic!("the pass runs with hashed ids"),
        }
    }

    /// What the pass and the quick path make of every row of `batch` as one block: the pass's
    /// table and id hashes (`None`: it declined, and then it appended nothing), and the quick
    /// path's, with the rows the quick path declined.
    #[allow(clippy::type_complexity)]
    fn ticket_paths(
        batch: &RecordBatch,
        options: &ReadOptions,
    ) -> (
        Option<(TicketTable, Vec<u64>)>,
        (TicketTable, Vec<u64>),
        Vec<usize>,
    ) {
        let schema = batch.schema();
        let names = names_of(&schema);
        let t = temporal();
        let columns = prepare(&names, std::slice::from_ref(batch), &t).unwrap();
        let layout = TableLayout::tickets(&names, options).unwrap();
        let views = cells::views(&names, &columns[0]).unwrap();
        let mut parser = TicketParser {
            r: RowReader::new(Fields::new(&layout, &names, &t)),
            rules: Rules::Canonical,
            pass: Some(TicketPass::default()),
        };
        let n = batch.num_rows();
        let (mut table, mut ids) = (TicketTable::new(), Ids::new(true, false, n));
        let took = parser.bulk(&views, 0..n, 0, &mut table, &mut ids);
        let ids = hashes(ids);
        let pass = if took {
            Some((table, ids))
        } else {
            assert!(
                table.is_empty() && ids.is_empty(),
                "a declined block appends nothing"
            );
            None
        };
        let (mut quick, mut quick_ids, mut declined) =
            (TicketTable::new(), Ids::new(true, false, n), Vec::new());
        for i in 0..n {
            match parser.quick(Row { views: &views, i }, &mut quick, |_| true) {
                Some(id) => quick_ids.accept(id, i as u64 + 1),
                None => declined.push(i),
            }
        }
        (pass, (quick, hashes(quick_ids)), declined)
    }

    #[test]
    fn a_plain_block_is_the_quick_paths_rows() {
        let want = example_tickets();
        let batch = polars_like(&want);
        let (pass, quick, declined) = ticket_paths(&batch, &ReadOptions::new());
        let (table, ids) = pass.expect("the pass reads a polars frame's tickets");
        assert!(declined.is_empty());
        assert_eq!(table, quick.0);
        assert_eq!(ids, quick.1);
        assert_eq!(table.tickets().collect::<Vec<_>>(), want);

        // Without first resolutions or statuses, the pass fills in what the builder does: the
        // first resolution is the latest, the status solved when resolved, else open.
        let n = batch.num_rows();
        let bare = with_column(&batch, "first_resolved_at", micros(n, |_| None));
        let bare = with_column(&bare, "status", texts(n, |_| None));
        let (pass, quick, declined) = ticket_paths(&bare, &ReadOptions::new());
        let (table, _) = pass.expect("the pass reads tickets without those columns' values");
        assert!(declined.is_empty());
        assert_eq!(table, quick.0);
        let rebuilt: Vec<Ticket> = want
            .iter()
            .map(|t| {
                let mut b = Ticket::builder(t.id().as_str(), t.created_at());
                if let Some(c) = t.customer_id() {
                    b = b.customer_id(c.as_str());
                }
                if let Some(at) = t.first_response_at() {
                    b = b.first_response_at(at);
                }
                if let Some(at) = t.resolved_at() {
                    b = b.resolved_at(at);
                }
                for (value, set) in [
                    (
                        t.channel(),
                        TicketBuilder::channel as fn(TicketBuilder, String) -> _,
                    ),
                    (t.priority(), TicketBuilder::priority),
                    (t.team(), TicketBuilder::team),
                    (t.assignee(), TicketBuilder::assignee),
                ] {
                    if let Some(v) = value {
                        b = set(b, v.to_owned());
                    }
                }
                if let Some(n) = t.agent_replies() {
                    b = b.agent_replies(n);
                }
                if let Some(n) = t.reopens() {
                    b = b.reopens(n);
                }
                b.build().unwrap()
            })
            .collect();
        assert!(rebuilt.iter().any(|t| t.status() == Status::Solved));
        assert!(rebuilt.iter().any(|t| t.status() == Status::Open));
        assert_eq!(table.tickets().collect::<Vec<_>>(), rebuilt);
    }

    /// Dictionary-encoded texts (polars `Categorical`, pyarrow `dictionary`) are interned once
    /// per dictionary value and block: the same table as the quick path's row-by-row reading,
    /// through null keys, null values, a null token and text to trim.
    #[test]
    fn dictionary_columns_read_as_the_quick_path_reads_them() {
        use arrow_array::types::Int32Type;
        use arrow_array::{DictionaryArray, Int32Array, StringArray};
        let want = example_tickets();
        let batch = polars_like(&want);
        let n = batch.num_rows();
        // Values: a plain one, one to trim, a null token, a null; keys cycle through them,
        // with every seventh key null.
        let values = StringArray::from(vec![Some("email"), Some("  chat "), Some("NULL"), None]);
        let keys = Int32Array::from_iter((0..n).map(|i| (i % 7 != 6).then_some((i % 4) as i32)));
        let coded: ArrayRef =
            Arc::new(DictionaryArray::<Int32Type>::try_new(keys, Arc::new(values)).unwrap());
        let mut batch = with_column(&batch, "channel", coded.clone());
        for name in ["priority", "team"] {
            batch = with_column(&batch, name, coded.clone());
        }
        let (pass, quick, declined) = ticket_paths(&batch, &ReadOptions::new());
        let (table, ids) = pass.expect("the pass reads dictionary columns");
        assert!(declined.is_empty());
        assert_eq!(table, quick.0);
        assert_eq!(ids, quick.1);
        let expected = |i: usize| match (i % 7 != 6).then_some(i % 4) {
            Some(0) => Some("email"),
            Some(1) => Some("chat"),
            _ => None,
        };
        for i in 0..n {
            assert_eq!(table.channel().get(i), expected(i), "row {i}");
            assert_eq!(table.team().get(i), expected(i), "row {i}");
        }
        // Two values, each interned once (no row's null or token is a value).
        assert_eq!(table.channel().values().len(), 2);
    }

    /// `Utf8View` texts (polars) are coded by their views within a block: the same table as the
    /// quick path's reading of each row's text, through short values repeated, text to trim, a
    /// null token, an empty string beside nulls (a null's view may be an empty string's), and
    /// values of 12 bytes (in the view) and 13 (not).
    #[test]
    fn view_columns_read_as_the_quick_path_reads_them() {
        let want = example_tickets();
        let batch = polars_like(&want);
        let n = batch.num_rows();
        const CYCLE: [Option<&str>; 8] = [
            Some("email"),
            Some("  chat "),
            Some("NULL"),
            None,
            Some(""),
            Some("twelve bytes"),
            Some("thirteen byte"),
            Some("chat"),
        ];
        let value = |i: usize| CYCLE[i % CYCLE.len()];
        let column = texts(n, |i| value(i).map(str::to_owned));
        let mut batch = batch;
        for name in ["channel", "priority", "team", "assignee"] {
            batch = with_column(&batch, name, column.clone());
        }
        let (pass, quick, declined) = ticket_paths(&batch, &ReadOptions::new());
        let (table, ids) = pass.expect("the pass reads view columns");
        assert!(declined.is_empty());
        assert_eq!(table, quick.0);
        assert_eq!(ids, quick.1);
        let expected = |i: usize| match i % CYCLE.len() {
            0 => Some("email"),
            1 | 7 => Some("chat"),
            5 => Some("twelve bytes"),
            6 => Some("thirteen byte"),
            _ => None,
        };
        for i in 0..n {
            for dictionary in [table.channel(), table.assignee()] {
                assert_eq!(dictionary.get(i), expected(i), "row {i}");
            }
        }
        assert_eq!(table.channel().values().len(), 4);
        // The example's statuses, each a short view repeated, are the quick path's too.
        let statuses: std::collections::BTreeSet<_> = table.status().iter().collect();
        assert!(statuses.len() >= 2, "{statuses:?}");

        // Without the empty string as a null token, "" is a value, and the null before it
        // (whose view is an empty string's) stays none.
        let options = ReadOptions::new().null_tokens(["NULL"]);
        let (pass, quick, declined) = ticket_paths(&batch, &options);
        let (table, _) = pass.expect("the pass reads view columns");
        assert!(declined.is_empty());
        assert_eq!(table, quick.0);
        for i in 0..n {
            let want = match i % CYCLE.len() {
                3 => None,
                4 => Some(""),
                _ => expected(i),
            };
            assert_eq!(table.team().get(i), want, "row {i}");
        }
    }

    /// Views as writers lay them out: deduplicated (equal long values share a view), spread
    /// over several data buffers, sliced, and short values that share a length and their first
    /// bytes; and a column with more distinct short values in a block than the pass keeps.
    /// Every row's value is the one its text gives.
    #[test]
    fn view_layouts_read_as_the_quick_path_reads_them() {
        let want = example_tickets();
        let batch = polars_like(&want);
        let n = batch.num_rows();
        const CYCLE: [Option<&str>; 7] = [
            Some("thirteen-one!"),
            Some("team-a1"),
            Some("thirteen-two!"),
            Some("team-a2"),
            None,
            Some(" team-a1"),
            Some("thirteen-one!"),
        ];
        let value = |i: usize| CYCLE[i % CYCLE.len()];
        let build = |mut b: StringViewBuilder, skip: usize| -> ArrayRef {
            for i in 0..n + skip {
                b.append_option(value(i + CYCLE.len() - skip % CYCLE.len()));
            }
            let a: ArrayRef = Arc::new(b.finish());
            a.slice(skip, n)
        };
        let deduplicated = build(StringViewBuilder::new().with_deduplicate_strings(), 0);
        let buffers = build(StringViewBuilder::new().with_fixed_block_size(64), 0);
        let sliced = build(StringViewBuilder::new().with_fixed_block_size(64), 3);
        let many = texts(n, |i| Some(format!("a{:02}", i % 40)));
        let mut batch = batch;
        for (name, column) in [
            ("channel", &deduplicated),
            ("priority", &buffers),
            ("team", &sliced),
            ("assignee", &many),
        ] {
            batch = with_column(&batch, name, column.clone());
        }
        let (pass, quick, declined) = ticket_paths(&batch, &ReadOptions::new());
        let (table, _) = pass.expect("the pass reads view columns");
        assert!(declined.is_empty());
        assert_eq!(table, quick.0);
        let expected = |i: usize| value(i).map(str::trim);
        for i in 0..n {
            for dictionary in [table.channel(), table.priority(), table.team()] {
                assert_eq!(dictionary.get(i), expected(i), "row {i}");
            }
            assert_eq!(
                table.assignee().get(i),
                Some(format!("a{:02}", i % 40).as_str())
            );
        }
        assert_eq!(table.team().values().len(), 4);
    }

    /// Each row the rules refuse (or the columns cannot hold) makes the pass decline the whole
    /// block, and the quick path declines that row alone.
    #[test]
    fn a_block_with_a_row_the_rules_refuse_is_left_to_the_row_path() {
        let want = example_tickets();
        let batch = polars_like(&want);
        let n = batch.num_rows();
        let k = n / 2;
        let created = want[k].created_at().timestamp_micros();
        let same_text = |name: &str| -> Vec<Option<String>> {
            let c = batch.schema().index_of(name).unwrap();
            let a = batch
                .column(c)
                .as_any()
                .downcast_ref::<arrow_array::StringViewArray>();
            let a = a.unwrap();
            (0..n)
                .map(|i| (!a.is_null(i)).then(|| a.value(i).to_owned()))
                .collect()
        };
        let ids = same_text("id");
        let statuses = same_text("status");
        let at = |f: fn(&Ticket) -> Option<chrono::DateTime<chrono::Utc>>| {
            want.iter()
                .map(|t| f(t).map(|at| at.timestamp_micros()))
                .collect::<Vec<_>>()
        };
        let response = at(Ticket::first_response_at);
        let resolved = at(Ticket::resolved_at);
        let cases: Vec<(&str, RecordBatch)> = vec![
            (
                "a null id",
                with_column(
                    &batch,
                    "id",
                    texts(n, |i| (i != k).then(|| ids[i].clone()).flatten()),
                ),
            ),
            (
                "a blank id",
                with_column(
                    &batch,
                    "id",
                    texts(n, |i| {
                        if i == k {
                            Some("   ".into())
                        } else {
                            ids[i].clone()
                        }
                    }),
                ),
            ),
            (
                "no creation",
                with_column(
                    &batch,
                    "created_at",
                    micros(n, |i| {
                        (i != k).then(|| want[i].created_at().timestamp_micros())
                    }),
                ),
            ),
            (
                "a response before the creation",
                with_column(
                    &batch,
                    "first_response_at",
                    micros(n, |i| {
                        if i == k {
                            Some(created - 1)
                        } else {
                            response[i]
                        }
                    }),
                ),
            ),
            (
                "a resolution past 2262 (no nanoseconds in an i64)",
                with_column(
                    &batch,
                    "resolved_at",
                    micros(n, |i| {
                        if i == k {
                            Some(32_503_680_000_000_000)
                        } else {
                            resolved[i]
                        }
                    }),
                ),
            ),
            (
                "a status the map does not have",
                with_column(
                    &batch,
                    "status",
                    texts(n, |i| {
                        if i == k {
                            Some("weird".into())
                        } else {
                            statuses[i].clone()
                        }
                    }),
                ),
            ),
            (
                "negative replies",
                with_column(&batch, "agent_replies", ints(n, |i| (i == k).then_some(-1))),
            ),
        ];
        for (case, batch) in cases {
            let (pass, _, declined) = ticket_paths(&batch, &ReadOptions::new());
            assert!(pass.is_none(), "{case}: the pass took the block");
            assert_eq!(declined, vec![k], "{case}");
        }
        // Text instants and numbers as text are the row path's (it writes and parses them).
        let as_text = with_column(
            &batch,
            "created_at",
            texts(n, |i| Some(want[i].created_at().to_rfc3339())),
        );
        let (pass, _, declined) = ticket_paths(&as_text, &ReadOptions::new());
        assert!(pass.is_none() && declined.is_empty());
    }

    /// Through the reader: a table of several blocks with bad rows at a block's start, middle
    /// and end and at the table's end keeps every other row in order, rejects each bad one on
    /// its line (lenient), and stops at the first (strict).
    #[test]
    fn a_declined_block_loses_no_row_and_moves_no_line() {
        let t0 = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2024, 1, 1, 9, 0, 0).unwrap();
        let n = 3 * BLOCK + 10;
        let bad_rows = [BLOCK, BLOCK + 17, 2 * BLOCK - 1, 2 * BLOCK, n - 1];
        let all: Vec<Ticket> = (0..n)
            .map(|i| {
                Ticket::builder(format!("T-{i}"), t0 + chrono::Duration::minutes(i as i64))
                    .channel(["email", "chat", "phone"][i % 3])
                    .team(["tier1", "tier2"][i % 2])
                    .assignee(format!("agent-{}", i % 50))
                    .agent_replies((i % 5) as u32)
                    .reopens((i % 2) as u32)
                    .build()
                    .unwrap()
            })
            .collect();
        let good = polars_like(&all);
        let bad = with_column(
            &good,
            "status",
            texts(n, |i| {
                Some(
                    if bad_rows.contains(&i) {
                        "weird"
                    } else {
                        "open"
                    }
                    .into(),
                )
            }),
        );
        let options = ReadOptions::new().errors(ErrorMode::Lenient);
        let Read::Table {
            table,
            rejected,
            read,
        } = tickets_of(&bad, &options)
        else {
            panic!("read as text")
        };
        assert_eq!(read, n as u64);
        let lines: Vec<u64> = rejected.iter().map(|r| r.line).collect();
        let want_lines: Vec<u64> = bad_rows.iter().map(|&i| i as u64 + 1).collect();
        assert_eq!(lines, want_lines);
        assert!(
            rejected
                .iter()
                .all(|r| r.error.kind() == ErrorKind::UnmappedStatus)
        );
        let kept: Vec<Ticket> = (0..n)
            .filter(|i| !bad_rows.contains(i))
            .map(|i| all[i].clone())
            .collect();
        assert_eq!(table.tickets().collect::<Vec<_>>(), kept);
        let Err(e) = tickets(
            &bad.schema(),
            std::slice::from_ref(&bad),
            &ReadOptions::new(),
            &temporal(),
            true,
        ) else {
            panic!("strict mode stops at the bad row")
        };
        assert_eq!(e.record().and_then(|r| r.line), Some(BLOCK as u64 + 1));
    }

    /// The pass over responses: every row as the quick path reads it, and a bad row declines.
    #[test]
    fn survey_blocks_read_as_the_quick_path_and_decline_bad_rows() {
        let want = example_surveys();
        let batch = polars_like_surveys(&want);
        let n = batch.num_rows();
        let run = |batch: &RecordBatch, options: &ReadOptions| {
            let schema = batch.schema();
            let names = names_of(&schema);
            let t = temporal();
            let columns = prepare(&names, std::slice::from_ref(batch), &t).unwrap();
            let layout = TableLayout::surveys(&names, options).unwrap();
            let views = cells::views(&names, &columns[0]).unwrap();
            let mut parser = SurveyParser {
                r: RowReader::new(Fields::new(&layout, &names, &t)),
                options,
                pass: SurveyPass::default(),
            };
            let (mut table, mut ids) = (SurveyTable::new(), Ids::new(true, false, n));
            let took = parser.bulk(&views, 0..n, 0, &mut table, &mut ids);
            let mut quick = SurveyTable::new();
            let declined: Vec<usize> = (0..n)
                .filter(|&i| {
                    parser
                        .quick(Row { views: &views, i }, &mut quick, |_| true)
                        .is_none()
                })
                .collect();
            (took.then_some(table), quick, declined)
        };
        let (pass, quick, declined) = run(&batch, &ReadOptions::new());
        assert!(declined.is_empty());
        assert_eq!(
            pass.expect("the pass reads a polars frame's responses"),
            quick
        );
        let k = n / 2;
        let kinds: Vec<String> = want.iter().map(|r| r.kind().to_string()).collect();
        let cases: Vec<(&str, RecordBatch)> = vec![
            (
                "an unknown kind",
                with_column(
                    &batch,
                    "kind",
                    texts(n, |i| {
                        Some(if i == k {
                            "stars".into()
                        } else {
                            kinds[i].clone()
                        })
                    }),
                ),
            ),
            (
                "no score",
                with_column(
                    &batch,
                    "score",
                    ints(n, |i| (i != k).then(|| i64::from(want[i].score()))),
                ),
            ),
            (
                "no instant",
                with_column(
                    &batch,
                    "responded_at",
                    micros(n, |i| {
                        (i != k).then(|| want[i].responded_at().timestamp_micros())
                    }),
                ),
            ),
            ("an NPS of 11", {
                let b = with_column(
                    &batch,
                    "kind",
                    texts(n, |i| {
                        Some(if i == k {
                            "nps".into()
                        } else {
                            kinds[i].clone()
                        })
                    }),
                );
                with_column(
                    &b,
                    "score",
                    ints(n, |i| {
                        Some(if i == k {
                            11
                        } else {
                            i64::from(want[i].score())
                        })
                    }),
                )
            }),
        ];
        for (case, batch) in cases {
            let (pass, _, declined) = run(&batch, &ReadOptions::new());
            assert!(pass.is_none(), "{case}: the pass took the block");
            assert_eq!(declined, vec![k], "{case}");
        }
    }
    /// The options' survey scales are the pass's rule too: a CSAT of 6 declines its block, and
    /// the reader sets it aside on its line.
    #[test]
    fn survey_scales_decline_a_block_and_reject_on_the_line() {
        use crate::kpi::{CesOptions, CsatOptions};
        let want = example_surveys();
        let n = want.len();
        let k = n / 2;
        let batch = polars_like_surveys(&want);
        let batch = with_column(
            &batch,
            "kind",
            texts(n, |i| {
                Some(if i == k {
                    "csat".into()
                } else {
                    want[i].kind().to_string()
                })
            }),
        );
        let batch = with_column(
            &batch,
            "score",
            ints(n, |i| {
                Some(if i == k {
                    6
                } else {
                    i64::from(want[i].score())
                })
            }),
        );
        let scales =
            ReadOptions::new().survey_scales(CsatOptions::default(), CesOptions::default());
        let schema = batch.schema();
        let names = names_of(&schema);
        let t = temporal();
        let columns = prepare(&names, std::slice::from_ref(&batch), &t).unwrap();
        let layout = TableLayout::surveys(&names, &scales).unwrap();
        let views = cells::views(&names, &columns[0]).unwrap();
        let mut pass = SurveyPass::default();
        let f = Fields::new(&layout, &names, &t);
        let cols = Key::ALL.map(|k| f.key(k.name()));
        let (mut table, mut ids) = (SurveyTable::new(), Ids::new(true, false, n));
        assert!(!pass.read(&f, &cols, &scales, &views, 0..n, 0, &mut table, &mut ids));
        assert!(table.is_empty());
        // Without the scales the same block is the pass's.
        let bare = ReadOptions::new();
        assert!(pass.read(&f, &cols, &bare, &views, 0..n, 0, &mut table, &mut ids));
        assert_eq!(table.len(), n);

        let lenient = scales.errors(ErrorMode::Lenient);
        let Read::Table {
            table,
            rejected,
            read,
        } = surveys(&schema, std::slice::from_ref(&batch), &lenient, &t, true).unwrap()
        else {
            panic!("read as text")
        };
        assert_eq!((table.len(), rejected.len(), read), (n - 1, 1, n as u64));
        assert_eq!(rejected[0].line, k as u64 + 1);
        assert_eq!(rejected[0].error.kind(), ErrorKind::ScoreOutOfScale);
    }

    /// Tickets whose extra columns are kept as dimensions are the row path's: the reader keeps
    /// every row's dimension.
    #[test]
    fn kept_dimensions_are_read_by_the_row_path() {
        let want = example_tickets();
        let batch = polars_like(&want);
        let n = batch.num_rows();
        let mut columns = batch.columns().to_vec();
        columns.push(texts(n, |i| Some(["north", "south"][i % 2].into())));
        let mut fields: Vec<arrow_schema::Field> = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.as_ref().clone())
            .collect();
        fields.push(arrow_schema::Field::new(
            "region",
            arrow_schema::DataType::Utf8View,
            true,
        ));
        let batch =
            RecordBatch::try_new(Arc::new(arrow_schema::Schema::new(fields)), columns).unwrap();
        let options = ReadOptions::new().keep_extra_columns(true);
        let Read::Table {
            table, rejected, ..
        } = tickets_of(&batch, &options)
        else {
            panic!("read as text")
        };
        assert!(rejected.is_empty());
        let region = table
            .dimension("region")
            .expect("the extra column is a dimension");
        for i in 0..n {
            assert_eq!(region.get(i), Some(["north", "south"][i % 2]), "row {i}");
        }
    }
}
