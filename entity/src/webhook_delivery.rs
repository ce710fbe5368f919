//! The webhook outbox: one delivery per event and endpoint, queued with the event.

use sea_orm::entity::prelude::*;

/// A row of `webhook_delivery`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_delivery")]
pub struct Model {
    /// Internal key; deliveries to one endpoint go in this order.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The `webhook-id` sent on every attempt (`msg_…`).
    #[sea_orm(unique)]
    pub message_id: String,
    /// The endpoint.
    pub endpoint_id: i32,
    /// The event delivered.
    pub event_id: i32,
    /// PENDING, DELIVERED or FAILED (given up).
    pub status: String,
    /// Attempts made (or claimed) so far.
    pub attempts: i32,
    /// When the next attempt is due.
    pub next_attempt_at: DateTimeUtc,
    /// A worker holds the delivery until then.
    pub lease_until: Option<DateTimeUtc>,
    /// When it was queued (with its event).
    pub created_at: DateTimeUtc,
    /// When it was delivered or given up.
    pub completed_at: Option<DateTimeUtc>,
}

/// No relations are declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
