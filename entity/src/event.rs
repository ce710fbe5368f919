//! The event log: changes other systems may learn of, in commit order.

use sea_orm::entity::prelude::*;

/// A row of `event`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event")]
pub struct Model {
    /// The sequence: later events have larger ids.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The plan it is about, if any.
    pub plan_id: Option<i32>,
    /// RECORD_SUBMITTED, RECORD_PUBLISHED, RECORD_RETURNED, RECORD_ARCHIVED,
    /// ANNUAL_REPORT_PUBLISHED, REPORTING_YEAR_OPENED, REPORTING_YEAR_CLOSED,
    /// PLAN_CONTENT_CHANGED.
    pub event_type: String,
    /// The global ID of the object it is about.
    pub node_id: Option<String>,
    /// When the change was made.
    pub occurred_at: DateTimeUtc,
    /// Visible to everyone (otherwise only to those who may read the record unpublished).
    pub public: bool,
    /// The unit of the record's reporter (areas).
    pub owner_unit: Option<String>,
    /// The municipality of the record's reporter.
    pub owner_municipality: Option<String>,
    /// A small description of the change (kind, state, version, year).
    pub payload: Json,
    /// Public events up to and including this one.
    pub public_seq: i32,
    /// Restricted events only: the restricted events of the same owner (unit, municipality or
    /// none) up to and including this one.
    pub owner_seq: Option<i32>,
    /// The W3C `traceparent` of the span that appended the event (the request that made the
    /// change), so that what the event sets off later (webhook attempts) joins its trace.
    pub traceparent: Option<String>,
    /// The W3C `tracestate` that came with it, if any.
    pub tracestate: Option<String>,
}

/// No relations are declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
