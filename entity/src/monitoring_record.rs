//! Monitoring records: progress updates, activities, funded projects, indicators,
//! measurements and evaluations. The fields common to all are columns (state, version, owner,
//! year); the fields of each kind are a JSON payload validated by the API.

use sea_orm::entity::prelude::*;

/// A row of `monitoring_record`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "monitoring_record")]
pub struct Model {
    /// Surrogate key: internal only, never shown (one sequence across every kind).
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Random public identifier (a UUID), the key of the record's global ID. Filled for every
    /// row (the column is nullable only for SQLite's sake, see the migration).
    pub public_id: String,
    /// The plan.
    pub plan_id: i32,
    /// PROGRESS_UPDATE, ACTIVITY, FUNDED_PROJECT, INDICATOR, MEASUREMENT or EVALUATION.
    pub record_type: String,
    /// A human code, for kinds that have one (indicators).
    pub code: Option<String>,
    /// The reporting year the record belongs to, when it has one.
    pub year: Option<i32>,
    /// What the record is about, for kinds about one thing, copied from the payload on every
    /// write so that the latest record of each can be found in SQL: a progress update's action
    /// code, a measurement's indicator id (as text); none for the other kinds.
    pub subject: Option<String>,
    /// Review state: DRAFT, SUBMITTED, PUBLISHED, RETURNED or ARCHIVED.
    pub state: String,
    /// Optimistic-concurrency version, incremented by every write.
    pub version: i32,
    /// The kind's own fields.
    pub payload: Json,
    /// The reviewer's comment when the record was returned.
    pub review_comment: Option<Json>,
    /// Who reported it (token subject).
    pub owner_sub: String,
    /// The reporter's role.
    pub owner_role: String,
    /// The reporting unit (areas).
    pub owner_unit: Option<String>,
    /// The reporting municipality (municipalities).
    pub owner_municipality: Option<String>,
    /// The client's idempotency key of the create request.
    pub idempotency_key: Option<String>,
    /// A hash of the create request, to tell a retry from a reused key.
    pub request_hash: Option<String>,
    /// Whether this is synthetic demonstration data.
    pub synthetic: bool,
    /// When it was created.
    pub created_at: DateTimeUtc,
    /// When it was last changed.
    pub updated_at: DateTimeUtc,
    /// When it was last published.
    pub published_at: Option<DateTimeUtc>,
}

/// No relations are declared: the API loads related rows by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
