//! The rules of the record types read into columnar tables — summary tickets (one row per
//! ticket: the canonical layout and the Zendesk, Freshdesk, Jira and HubSpot exports) and
//! survey responses — written once over any reader's cells.
//!
//! Three readers take such a record from a row: the streaming reader (CSV records and JSON
//! objects, through [`mapping::Row`](super::mapping::Row)), the CSV fast path of the columnar
//! loader (borrowed fields, instants as nanoseconds, declining what it does not take as is) and
//! the Arrow table reader (typed columns). Each implements [`Cells`], the field accessors; the
//! rules — which fields a layout reads, in which order (the first bad field is the error), and
//! what it makes of them — are [`Rules::read`]: the fields every layout shares here, each
//! layout's own in its module ([`records::canonical`](super::records::canonical),
//! [`zendesk::times`](super::presets::zendesk::times),
//! [`freshdesk::times`](super::presets::freshdesk::times),
//! [`presets::resolved_when_resolved`](super::presets::resolved_when_resolved)); a survey
//! response's are [`response`].

use super::mapping::Row;
use super::presets::minutes_after;
use super::{Preset, ReadOptions};
use crate::error::{Error, Result};
use crate::model::{Instant, Status, SurveyKind, SurveyResponse, Ticket};
use std::borrow::Cow;
use std::str::FromStr;

/// The fields the layouts read (the canonical tickets', the presets' own, the responses').
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    Id,
    CustomerId,
    CreatedAt,
    FirstResponseAt,
    FirstResolvedAt,
    ResolvedAt,
    Status,
    Channel,
    Priority,
    Team,
    Assignee,
    AgentReplies,
    Reopens,
    /// Zendesk: the requester (the customer when the file has no `Requester id`).
    Requester,
    /// Zendesk: minutes from creation to the first reply.
    FirstReplyMinutes,
    /// Zendesk: minutes from creation to the first resolution.
    FirstResolutionMinutes,
    /// Zendesk: minutes from creation to the latest resolution.
    FullResolutionMinutes,
    /// Freshdesk: the company (the customer when the file has no `Contact ID`).
    Company,
    /// Freshdesk: the closing instant (the resolution when the file has none).
    ClosedAt,
    /// A survey response's ticket.
    TicketId,
    /// A survey response's instant.
    RespondedAt,
    /// A survey response's kind (CSAT, NPS, CES).
    Kind,
    /// A survey response's score.
    Score,
}

impl Key {
    /// Every key, in the order of [`Key::index`].
    pub(crate) const ALL: [Key; 23] = [
        Key::Id,
        Key::CustomerId,
        Key::CreatedAt,
        Key::FirstResponseAt,
        Key::FirstResolvedAt,
        Key::ResolvedAt,
        Key::Status,
        Key::Channel,
        Key::Priority,
        Key::Team,
        Key::Assignee,
        Key::AgentReplies,
        Key::Reopens,
        Key::Requester,
        Key::FirstReplyMinutes,
        Key::FirstResolutionMinutes,
        Key::FullResolutionMinutes,
        Key::Company,
        Key::ClosedAt,
        Key::TicketId,
        Key::RespondedAt,
        Key::Kind,
        Key::Score,
    ];

    /// The key's name in the layouts' schemas.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Key::Id => "id",
            Key::CustomerId => "customer_id",
            Key::CreatedAt => "created_at",
            Key::FirstResponseAt => "first_response_at",
            Key::FirstResolvedAt => "first_resolved_at",
            Key::ResolvedAt => "resolved_at",
            Key::Status => "status",
            Key::Channel => "channel",
            Key::Priority => "priority",
            Key::Team => "team",
            Key::Assignee => "assignee",
            Key::AgentReplies => "agent_replies",
            Key::Reopens => "reopens",
            Key::Requester => "requester",
            Key::FirstReplyMinutes => "first_reply_minutes",
            Key::FirstResolutionMinutes => "first_resolution_minutes",
            Key::FullResolutionMinutes => "full_resolution_minutes",
            Key::Company => "company",
            Key::ClosedAt => "closed_at",
            Key::TicketId => "ticket_id",
            Key::RespondedAt => "responded_at",
            Key::Kind => "kind",
            Key::Score => "score",
        }
    }

    /// The key's place in [`Key::ALL`] (for per-key tables of resolved columns).
    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

/// A row's fields, as one reader gives them.
///
/// `Fail` is why a field could not be read: the readers' [`Error`](crate::Error), or for the
/// CSV fast path `()` (it declines, and the streaming parser gives the exact error).
pub(crate) trait Cells {
    /// A field's text, trimmed (borrowed where the reader can).
    type Text: AsRef<str>;
    /// An instant, as the reader holds it.
    type At: Copy + Ord;
    /// A field that could not be read.
    type Fail;

    /// The key's text; `None` when absent or a null token.
    fn text(&mut self, key: Key) -> Result<Option<Self::Text>, Self::Fail>;
    /// The failure of a required key that is absent.
    fn missing(&self, key: Key) -> Self::Fail;
    /// An instant, read with the options' timestamp format.
    fn instant(&mut self, key: Key) -> Result<Option<Self::At>, Self::Fail>;
    /// A whole number (`what` describes it in the error).
    fn number<T: FromStr + TryFrom<i64>>(
        &mut self,
        key: Key,
        what: &'static str,
    ) -> Result<Option<T>, Self::Fail>;
    /// The failure of a value the rules refuse (`rule` says what was expected).
    fn invalid(&self, key: Key, value: &str, rule: &'static str) -> Self::Fail;
    /// The failure of a record's own validation; `key` names the field it is about when the
    /// error does not.
    fn fail(&self, key: Option<Key>, error: Error) -> Self::Fail;
    /// `created` plus the key's minutes, as
    /// [`minutes_after`](super::presets::minutes_after) adds them.
    fn after_minutes(
        &mut self,
        key: Key,
        created: Self::At,
    ) -> Result<Option<Self::At>, Self::Fail>;
    /// The status, through the status map in force.
    fn status(&mut self) -> Result<Option<Status>, Self::Fail>;
    /// Reads the columns kept as dimensions into the reader's row.
    fn dimensions(&mut self) -> Result<(), Self::Fail>;
    /// Adds the key's column to the row's dimensions, named as the input names it.
    fn dimension(&mut self, key: Key, value: &Self::Text);
    /// Whether the input has a column for the key.
    fn has_column(&self, key: Key) -> bool;
    /// Whether columns outside the layout are kept as dimensions.
    fn keeps_extra_columns(&self) -> bool;
}

/// A summary ticket's fields, before the ticket's own validation (the builder's, or the
/// table's `push_row`). Dimensions stay with the reader ([`Cells::dimensions`]).
pub(crate) struct Summary<T, At> {
    pub(crate) id: T,
    pub(crate) created: At,
    pub(crate) customer_id: Option<T>,
    pub(crate) channel: Option<T>,
    pub(crate) priority: Option<T>,
    pub(crate) team: Option<T>,
    pub(crate) assignee: Option<T>,
    pub(crate) agent_replies: Option<u32>,
    pub(crate) reopens: Option<u32>,
    pub(crate) status: Option<Status>,
    pub(crate) first_response: Option<At>,
    pub(crate) first_resolved: Option<At>,
    pub(crate) resolved: Option<At>,
}

/// The key's text, which must be present.
pub(crate) fn required<C: Cells>(c: &mut C, key: Key) -> Result<C::Text, C::Fail> {
    match c.text(key)? {
        Some(t) => Ok(t),
        None => Err(c.missing(key)),
    }
}

/// The fields every summary layout reads first, in this order: the id, the creation, then the
/// attributes (customer, channel, priority, team, assignee, replies, reopens, dimensions).
pub(crate) fn start<C: Cells>(c: &mut C) -> Result<Summary<C::Text, C::At>, C::Fail> {
    let id = required(c, Key::Id)?;
    let created = match c.instant(Key::CreatedAt)? {
        Some(at) => at,
        None => return Err(c.missing(Key::CreatedAt)),
    };
    let customer_id = c.text(Key::CustomerId)?;
    let channel = c.text(Key::Channel)?;
    let priority = c.text(Key::Priority)?;
    let team = c.text(Key::Team)?;
    let assignee = c.text(Key::Assignee)?;
    let agent_replies = c.number(Key::AgentReplies, "a whole number of replies")?;
    let reopens = c.number(Key::Reopens, "a whole number of reopens")?;
    c.dimensions()?;
    Ok(Summary {
        id,
        created,
        customer_id,
        channel,
        priority,
        team,
        assignee,
        agent_replies,
        reopens,
        status: None,
        first_response: None,
        first_resolved: None,
        resolved: None,
    })
}

/// A preset's customer column of last resort (Zendesk's requester, Freshdesk's company): a
/// dimension when extra columns are kept, and the customer when the input has no customer
/// column.
pub(crate) fn customer_fallback<C: Cells>(
    c: &mut C,
    key: Key,
    s: &mut Summary<C::Text, C::At>,
) -> Result<(), C::Fail> {
    if let Some(v) = c.text(key)? {
        if c.keeps_extra_columns() {
            c.dimension(key, &v);
        }
        if !c.has_column(Key::CustomerId) {
            s.customer_id = Some(v);
        }
    }
    Ok(())
}

/// Which layout's rules read a summary ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rules {
    /// The canonical layout.
    Canonical,
    /// The Zendesk ticket export.
    Zendesk,
    /// The Freshdesk ticket export.
    Freshdesk,
    /// Jira's and HubSpot's exports: a status, and a resolution kept only when resolved.
    ResolvedWhenResolved,
}

impl Rules {
    /// The rules of a preset's summary tickets (`None`: the preset has none).
    pub(crate) fn of(preset: Option<Preset>) -> Option<Rules> {
        match preset {
            None => Some(Rules::Canonical),
            Some(Preset::Zendesk) => Some(Rules::Zendesk),
            Some(Preset::Freshdesk) => Some(Rules::Freshdesk),
            Some(Preset::Jira | Preset::Hubspot) => Some(Rules::ResolvedWhenResolved),
            Some(_) => None,
        }
    }

    /// Reads a summary ticket's fields by these rules.
    pub(crate) fn read<C: Cells>(self, c: &mut C) -> Result<Summary<C::Text, C::At>, C::Fail> {
        let mut s = start(c)?;
        match self {
            Rules::Canonical => super::records::canonical(c, &mut s)?,
            Rules::Zendesk => super::presets::zendesk::times(c, &mut s)?,
            Rules::Freshdesk => super::presets::freshdesk::times(c, &mut s)?,
            Rules::ResolvedWhenResolved => super::presets::resolved_when_resolved(c, &mut s)?,
        }
        Ok(s)
    }
}

/// The streaming reader's cells: a CSV record or a JSON object, through its [`Row`].
struct RowCells<'r, 'a> {
    row: &'r Row<'a>,
    /// Dimensions in the reader's order: the extra columns, then a preset's own.
    dimensions: Vec<(String, String)>,
}

impl<'a> Cells for RowCells<'_, 'a> {
    type Text = Cow<'a, str>;
    type At = Instant;
    type Fail = Error;

    fn text(&mut self, key: Key) -> Result<Option<Cow<'a, str>>> {
        self.row.text(key.name())
    }

    fn missing(&self, key: Key) -> Error {
        self.row.missing(key.name())
    }

    fn instant(&mut self, key: Key) -> Result<Option<Instant>> {
        self.row.instant(key.name())
    }

    fn number<T: FromStr + TryFrom<i64>>(
        &mut self,
        key: Key,
        what: &'static str,
    ) -> Result<Option<T>> {
        self.row.number(key.name(), what)
    }

    fn invalid(&self, key: Key, value: &str, rule: &'static str) -> Error {
        self.row.invalid(key.name(), value, rule)
    }

    fn fail(&self, key: Option<Key>, error: Error) -> Error {
        match key {
            Some(k) => error.with_field(self.row.source_name(k.name())),
            None => error,
        }
    }

    fn after_minutes(&mut self, key: Key, created: Instant) -> Result<Option<Instant>> {
        let Some(minutes) = self.row.decimal(key.name())? else {
            return Ok(None);
        };
        minutes_after(created, minutes)
            .map(Some)
            .map_err(|e| e.with_field(self.row.source_name(key.name())))
    }

    fn status(&mut self) -> Result<Option<Status>> {
        let map = self.row.options.statuses();
        self.row.parsed(Key::Status.name(), |s| map.resolve(s))
    }

    fn dimensions(&mut self) -> Result<()> {
        self.dimensions = self.row.dimensions();
        Ok(())
    }

    fn dimension(&mut self, key: Key, value: &Cow<'a, str>) {
        self.dimensions
            .push((self.row.source_name(key.name()), value.as_ref().to_owned()));
    }

    fn has_column(&self, key: Key) -> bool {
        self.row.has_column(key.name())
    }

    fn keeps_extra_columns(&self) -> bool {
        self.row.options.keep_extra_columns
    }
}

/// A summary ticket from the streaming reader's row, by `rules`.
pub(crate) fn ticket(row: &Row<'_>, rules: Rules) -> Result<Ticket> {
    let mut cells = RowCells {
        row,
        dimensions: Vec::new(),
    };
    let s = rules.read(&mut cells)?;
    let mut b = Ticket::builder(s.id.as_ref(), s.created);
    if let Some(v) = s.customer_id {
        b = b.customer_id(v.into_owned());
    }
    if let Some(v) = s.channel {
        b = b.channel(v.into_owned());
    }
    if let Some(v) = s.priority {
        b = b.priority(v.into_owned());
    }
    if let Some(v) = s.team {
        b = b.team(v.into_owned());
    }
    if let Some(v) = s.assignee {
        b = b.assignee(v.into_owned());
    }
    if let Some(n) = s.agent_replies {
        b = b.agent_replies(n);
    }
    if let Some(n) = s.reopens {
        b = b.reopens(n);
    }
    for (name, value) in cells.dimensions {
        b = b.dimension(name, value);
    }
    if let Some(st) = s.status {
        b = b.status(st);
    }
    if let Some(at) = s.first_response {
        b = b.first_response_at(at);
    }
    if let Some(at) = s.first_resolved {
        b = b.first_resolved_at(at);
    }
    if let Some(at) = s.resolved {
        b = b.resolved_at(at);
    }
    b.build()
}

/// [`ticket`] by the canonical rules (a [`Parse`](super::Parse) of the canonical plan).
pub(crate) fn canonical_ticket(row: &Row<'_>) -> Result<Ticket> {
    ticket(row, Rules::Canonical)
}

/// [`ticket`] by the Zendesk export's rules.
pub(crate) fn zendesk_ticket(row: &Row<'_>) -> Result<Ticket> {
    ticket(row, Rules::Zendesk)
}

/// [`ticket`] by the Freshdesk export's rules.
pub(crate) fn freshdesk_ticket(row: &Row<'_>) -> Result<Ticket> {
    ticket(row, Rules::Freshdesk)
}

/// [`ticket`] by the Jira and HubSpot exports' rules.
pub(crate) fn resolved_when_resolved_ticket(row: &Row<'_>) -> Result<Ticket> {
    ticket(row, Rules::ResolvedWhenResolved)
}

impl<T: AsRef<str>, At> Summary<T, At> {
    /// The row a columnar table takes ([`TicketTable::push_row`](crate::columnar::TicketTable)
    /// and `push_row_ns`), instants left out: a reader adds them as it holds them (instants,
    /// or nanoseconds beside the row).
    pub(crate) fn row<'a>(
        &'a self,
        dimensions: &'a [(&'a str, &'a str)],
    ) -> crate::columnar::TicketRow<'a> {
        let text = |t: &'a Option<T>| t.as_ref().map(AsRef::as_ref);
        crate::columnar::TicketRow {
            id: self.id.as_ref(),
            customer_id: text(&self.customer_id),
            created_at: None,
            first_response_at: None,
            first_resolved_at: None,
            resolved_at: None,
            status: self.status,
            channel: text(&self.channel),
            priority: text(&self.priority),
            team: text(&self.team),
            assignee: text(&self.assignee),
            // Summary exports name no agents: only event logs credit them.
            first_responder: None,
            solver: None,
            agent_replies: self.agent_replies,
            reopens: self.reopens,
            dimensions,
        }
    }
}

/// A survey response's fields, validated as [`SurveyResponse::new`] and the options' scales
/// validate them; the links (ticket, customer) are read after.
pub(crate) struct Response<T, At> {
    pub(crate) id: T,
    pub(crate) at: At,
    pub(crate) kind: SurveyKind,
    pub(crate) score: i32,
    pub(crate) ticket_id: Option<T>,
    pub(crate) customer_id: Option<T>,
}

/// A survey kind's name, any ASCII case (`csat`, `nps`, `ces`; none has `-`, `_` or a space,
/// so the readers' folding of those to `_` matches nothing more).
pub(crate) fn survey_kind(text: &str) -> Option<SurveyKind> {
    [
        ("csat", SurveyKind::Csat),
        ("nps", SurveyKind::Nps),
        ("ces", SurveyKind::Ces),
    ]
    .into_iter()
    .find(|(name, _)| text.eq_ignore_ascii_case(name))
    .map(|(_, kind)| kind)
}

/// A survey response, in this order: the id, the instant, the kind, the score (validated by
/// [`SurveyResponse::new`]'s rules, then the options' scales), then the ticket and customer.
pub(crate) fn response<C: Cells>(
    c: &mut C,
    options: &ReadOptions,
) -> Result<Response<C::Text, C::At>, C::Fail> {
    let id = required(c, Key::Id)?;
    let at = match c.instant(Key::RespondedAt)? {
        Some(at) => at,
        None => return Err(c.missing(Key::RespondedAt)),
    };
    let kind_text = required(c, Key::Kind)?;
    let Some(kind) = survey_kind(kind_text.as_ref()) else {
        return Err(c.invalid(
            Key::Kind,
            kind_text.as_ref(),
            "expected one of csat, nps, ces",
        ));
    };
    required(c, Key::Score)?;
    let score = c
        .number::<i32>(Key::Score, "a whole-number score")?
        .unwrap_or_default();
    if let Err(e) = SurveyResponse::check(id.as_ref(), kind, score) {
        return Err(c.fail(None, e));
    }
    if let Err(e) = options.check_score(kind, score) {
        return Err(c.fail(Some(Key::Score), e));
    }
    let ticket_id = c.text(Key::TicketId)?;
    let customer_id = c.text(Key::CustomerId)?;
    Ok(Response {
        id,
        at,
        kind,
        score,
        ticket_id,
        customer_id,
    })
}

/// A survey response from the streaming reader's row (a [`Parse`](super::Parse) of the
/// survey plan).
pub(crate) fn survey(row: &Row<'_>) -> Result<SurveyResponse> {
    let mut cells = RowCells {
        row,
        dimensions: Vec::new(),
    };
    let r = response(&mut cells, row.options)?;
    let mut out = SurveyResponse::new(r.id.into_owned(), r.at, r.kind, r.score)?;
    if let Some(t) = r.ticket_id {
        out = out.with_ticket(t.into_owned());
    }
    if let Some(c) = r.customer_id {
        out = out.with_customer(c.into_owned());
    }
    Ok(out)
}
