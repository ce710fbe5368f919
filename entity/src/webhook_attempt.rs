//! One attempt at a webhook delivery, for the delivery log.

use sea_orm::entity::prelude::*;

/// A row of `webhook_attempt`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_attempt")]
pub struct Model {
    /// Internal key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The delivery.
    pub delivery_id: i32,
    /// 1 for the first attempt.
    pub number: i32,
    /// When it started.
    pub attempted_at: DateTimeUtc,
    /// How long it took.
    pub duration_ms: i32,
    /// The receiver's HTTP status, when it answered.
    pub status_code: Option<i32>,
    /// Why it failed (null on success).
    pub error_class: Option<String>,
    /// A short description of the failure (never the receiver's body).
    pub error: Option<String>,
}

/// No relations are declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
