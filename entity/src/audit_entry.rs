//! The audit trail: one row per write, never changed through the API.

use sea_orm::entity::prelude::*;

/// A row of `audit_entry`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entry")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The plan.
    pub plan_id: i32,
    /// When the write happened.
    pub at: DateTimeUtc,
    /// Who wrote (token subject).
    pub actor_sub: Option<String>,
    /// The writer's role.
    pub actor_role: String,
    /// The writer's unit (areas).
    pub actor_unit: Option<String>,
    /// The writer's municipality (municipalities).
    pub actor_municipality: Option<String>,
    /// What was written: a monitoring record's type, REPORTING_YEAR or ANNUAL_REPORT.
    pub record_type: String,
    /// The record's id.
    pub record_id: Option<i32>,
    /// The record owner's unit, to show areas the entries about their records.
    pub owner_unit: Option<String>,
    /// The record owner's municipality.
    pub owner_municipality: Option<String>,
    /// CREATE, UPDATE, SUBMIT, PUBLISH, RETURN, ARCHIVE, OPEN_YEAR, CLOSE_YEAR, PUBLISH_REPORT.
    pub operation: String,
    /// The record before the write.
    pub before: Option<Json>,
    /// The record after the write.
    pub after: Option<Json>,
    /// The request that made the write.
    pub request_id: String,
}

/// No relations are declared: the API loads related rows by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
