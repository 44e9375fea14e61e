//! The columns of a table (an Arrow record batch, a data frame) resolved once for a reader, so
//! that a columnar reader follows the JSON Lines reader's rules without a text round trip.

use super::mapping::{ColumnMapping, Layout, Schema};
use super::{ReadOptions, TimestampFormat, records, survey_plan, ticket_plan};
use crate::error::Result;
use crate::io::Preset;
use crate::model::StatusMap;
use serde_json::{Map, Value};

/// Which column of a table feeds each field of a record type, and which columns are kept as
/// free-form dimensions — resolved exactly as the JSON Lines reader resolves the keys of every
/// object of that table (a table row is an object keyed by column name): the same
/// [`ColumnMapping`](super::ColumnMapping) (layered over a preset's), the same precedence of a
/// mapped column over one named like the field, the same extra columns. With it a reader of
/// typed columns (the Arrow reader, [`crate::io::arrow`]) finds its fields once per table instead of
/// once per value, and reads them under the plan's options (a preset's status map filled in).
///
/// Fields are named by the reader's keys: the canonical fields
/// of the [module docs](crate::io#the-canonical-layout), plus a preset's own columns
/// (`requester`, `first_reply_minutes`, `first_resolution_minutes`, `full_resolution_minutes`
/// for Zendesk; `company`, `closed_at` for Freshdesk).
///
#[derive(Debug, Clone)]
pub(crate) struct TableLayout {
    layout: Layout,
    /// A row as the JSON Lines reader sees it: column name → column index.
    object: Map<String, Value>,
    /// By key index: the column feeding it.
    columns: Vec<Option<usize>>,
    dimensions: Vec<(usize, String)>,
    options: ReadOptions,
    check_duplicate_ids: bool,
}

impl TableLayout {
    /// The layout of a table of tickets (summary rows) read with `options`: the canonical
    /// layout, or a Zendesk or Freshdesk export with its preset. `columns` are the table's
    /// column names in order; a name given twice is its last column, as a key given twice in a
    /// JSON object is its last value.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`](crate::ErrorKind::InvalidOption) for a mapping to an
    /// unknown field, or a preset that does not read tickets (ServiceNow: an event log).
    pub(crate) fn tickets(columns: &[&str], options: &ReadOptions) -> Result<TableLayout> {
        let plan = ticket_plan(options)?;
        Self::new(plan.schema, &plan.mapping, plan.options, columns)
    }

    /// The layout of a table of survey responses read with `options`; see
    /// [`tickets`](TableLayout::tickets).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidOption`](crate::ErrorKind::InvalidOption) for a mapping to an
    /// unknown field, or any preset (presets read helpdesk exports, not responses).
    pub(crate) fn surveys(columns: &[&str], options: &ReadOptions) -> Result<TableLayout> {
        let plan = survey_plan(options)?;
        debug_assert_eq!(plan.schema.record_type, records::SURVEY.record_type);
        Self::new(plan.schema, &plan.mapping, plan.options, columns)
    }

    fn new(
        schema: Schema,
        mapping: &ColumnMapping,
        options: ReadOptions,
        columns: &[&str],
    ) -> Result<TableLayout> {
        let layout = Layout::for_json(schema, mapping, options.keep_extra_columns)?;
        // A row as the JSON Lines reader sees it: an object keyed by column name, in the
        // object's own key order, each key's value its (last) column.
        let mut object = Map::new();
        for (i, name) in columns.iter().enumerate() {
            object.insert((*name).to_owned(), Value::from(i));
        }
        let index = |v: &Value| v.as_u64().and_then(|i| usize::try_from(i).ok());
        let fields = schema
            .keys
            .iter()
            .map(|key| index(layout.json_value(key, &object)?.1))
            .collect();
        let dimensions = object
            .iter()
            .filter_map(|(name, v)| Some((index(v)?, layout.json_dimension(name)?)))
            .collect();
        let check_duplicate_ids = options.check_duplicate_ids && schema.id_key.is_some();
        Ok(TableLayout {
            layout,
            object,
            columns: fields,
            dimensions,
            options,
            check_duplicate_ids,
        })
    }

    /// The record type, as errors name it (`"ticket"`, `"survey_response"`).
    pub(crate) fn record_type(&self) -> &'static str {
        self.layout.schema.record_type
    }

    /// The column feeding `key`, if any.
    pub(crate) fn column(&self, key: &str) -> Option<usize> {
        let k = self.layout.schema.keys.iter().position(|k| *k == key)?;
        self.columns[k]
    }

    /// The name errors give `name` (a key, or a column name): the column feeding it as the
    /// JSON Lines reader finds it, or else `name` itself.
    pub(crate) fn source_name<'a>(&'a self, name: &'a str) -> &'a str {
        self.layout
            .json_value(name, &self.object)
            .map_or(name, |(k, _)| k)
    }

    /// The columns kept as free-form dimensions (column, dimension name), in the order the
    /// JSON Lines reader adds them (a name given twice keeps its last value).
    pub(crate) fn dimensions(&self) -> &[(usize, String)] {
        &self.dimensions
    }

    /// The cell texts that mean "no value" ([`ReadOptions::null_tokens`]).
    pub(crate) fn null_tokens(&self) -> &[String] {
        &self.options.null_tokens
    }

    /// How timestamp text is read.
    pub(crate) fn timestamps(&self) -> &TimestampFormat {
        &self.options.timestamps
    }

    /// The status map in force: the options', else the preset's, else the canonical one.
    pub(crate) fn status_map(&self) -> &StatusMap {
        self.options.statuses()
    }

    /// Whether extra columns are kept as dimensions ([`ReadOptions::keep_extra_columns`]).
    pub(crate) fn keeps_extra_columns(&self) -> bool {
        self.options.keep_extra_columns
    }

    /// Whether a second record with an id already read is a
    /// [`DuplicateId`](crate::ErrorKind::DuplicateId) error
    /// ([`ReadOptions::check_duplicate_ids`]).
    pub(crate) fn checks_duplicate_ids(&self) -> bool {
        self.check_duplicate_ids
    }

    /// The preset the table is read with.
    pub(crate) fn preset(&self) -> Option<Preset> {
        self.options.preset_kind()
    }
}
