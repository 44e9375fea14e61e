use super::{CustomerId, Instant, SurveyId, TicketId};
use crate::error::{Error, ErrorKind};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The NPS scale's lowest and highest score: the one definition of "an NPS score is 0–10",
/// checked by [`SurveyResponse::new`] (and the columnar tables through it) and counted over by
/// the NPS KPI ([`Nps`](crate::kpi::Nps)).
pub(crate) const NPS_SCALE: (i32, i32) = (0, 10);

/// The rule an off-scale NPS score breaks, in every error that names it.
pub(crate) const NPS_SCALE_RULE: &str = "an NPS score is on the 0-10 scale";

/// Which survey a response answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurveyKind {
    /// Customer satisfaction (CSAT).
    Csat,
    /// Net Promoter Score (0–10).
    Nps,
    /// Customer effort score.
    Ces,
}

impl fmt::Display for SurveyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SurveyKind::Csat => "csat",
            SurveyKind::Nps => "nps",
            SurveyKind::Ces => "ces",
        })
    }
}

/// One survey response.
///
/// NPS scores are checked against 0–10 here, because NPS has one scale. CSAT and CES scales are
/// options of their KPIs, which check each score when it is pushed.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use supportkpi::{SurveyResponse, model::SurveyKind};
/// let at = Utc.with_ymd_and_hms(2021, 6, 28, 9, 0, 0).unwrap();
/// let r = SurveyResponse::new("S-1", at, SurveyKind::Nps, 9)?.with_ticket("T-1");
/// assert_eq!(r.score(), 9);
/// assert!(SurveyResponse::new("S-2", at, SurveyKind::Nps, 11).is_err());
/// # Ok::<(), supportkpi::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SurveyResponseRepr")]
pub struct SurveyResponse {
    id: SurveyId,
    ticket_id: Option<TicketId>,
    customer_id: Option<CustomerId>,
    responded_at: Instant,
    kind: SurveyKind,
    score: i32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SurveyResponseRepr {
    id: SurveyId,
    #[serde(default)]
    ticket_id: Option<TicketId>,
    #[serde(default)]
    customer_id: Option<CustomerId>,
    responded_at: Instant,
    kind: SurveyKind,
    score: i32,
}

impl TryFrom<SurveyResponseRepr> for SurveyResponse {
    type Error = Error;
    fn try_from(r: SurveyResponseRepr) -> Result<Self, Error> {
        let mut s = SurveyResponse::new(r.id, r.responded_at, r.kind, r.score)?;
        s.ticket_id = r.ticket_id;
        s.customer_id = r.customer_id;
        Ok(s)
    }
}

impl SurveyResponse {
    /// A response of `kind` with `score`.
    ///
    /// # Errors
    /// [`ErrorKind::MissingField`] for an empty id; [`ErrorKind::ScoreOutOfScale`] for an NPS
    /// score outside 0–10.
    pub fn new(
        id: impl Into<SurveyId>,
        responded_at: Instant,
        kind: SurveyKind,
        score: i32,
    ) -> Result<Self, Error> {
        let id = id.into();
        Self::check(id.as_str(), kind, score)?;
        Ok(SurveyResponse {
            id,
            ticket_id: None,
            customer_id: None,
            responded_at,
            kind,
            score,
        })
    }

    /// [`SurveyResponse::new`]'s validation (shared with the columnar tables).
    pub(crate) fn check(id: &str, kind: SurveyKind, score: i32) -> Result<(), Error> {
        if id.trim().is_empty() {
            return Err(
                Error::new(ErrorKind::MissingField, "a survey response needs an id")
                    .with_record_type("survey_response")
                    .with_field("id"),
            );
        }
        if kind == SurveyKind::Nps && !(NPS_SCALE.0..=NPS_SCALE.1).contains(&score) {
            return Err(Error::new(ErrorKind::ScoreOutOfScale, NPS_SCALE_RULE)
                .with_record_type("survey_response")
                .with_id(id)
                .with_field("score")
                .with_value(score));
        }
        Ok(())
    }

    /// A response without text (an empty id, no links), for KPIs that read only its instant,
    /// kind and score.
    pub(crate) fn skeleton(responded_at: Instant, kind: SurveyKind, score: i32) -> Self {
        SurveyResponse {
            id: SurveyId::from(String::new()),
            ticket_id: None,
            customer_id: None,
            responded_at,
            kind,
            score,
        }
    }

    pub(crate) fn set_id(&mut self, id: SurveyId) {
        self.id = id;
    }

    /// Links the response to the ticket it rates.
    #[must_use]
    pub fn with_ticket(mut self, id: impl Into<TicketId>) -> Self {
        self.ticket_id = Some(id.into());
        self
    }

    /// Links the response to the customer who gave it.
    #[must_use]
    pub fn with_customer(mut self, id: impl Into<CustomerId>) -> Self {
        self.customer_id = Some(id.into());
        self
    }

    /// The response's id.
    pub fn id(&self) -> &SurveyId {
        &self.id
    }
    /// The ticket it rates, when linked.
    pub fn ticket_id(&self) -> Option<&TicketId> {
        self.ticket_id.as_ref()
    }
    /// The customer who gave it, when known.
    pub fn customer_id(&self) -> Option<&CustomerId> {
        self.customer_id.as_ref()
    }
    /// When it was given.
    pub fn responded_at(&self) -> Instant {
        self.responded_at
    }
    /// Which survey it answers.
    pub fn kind(&self) -> SurveyKind {
        self.kind
    }
    /// The score as given.
    pub fn score(&self) -> i32 {
        self.score
    }
}
