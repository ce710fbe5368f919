//! The webhook outbox: the deliveries an event sets off, written with the event in its own
//! transaction (a rolled-back change queues nothing). What is written here, `webhooks` reads
//! and delivers; the event log never looks the other way.

use chrono::Utc;
use entity::{event, webhook_delivery, webhook_endpoint};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, DatabaseTransaction, EntityTrait,
    QueryFilter, QuerySelect, Set,
};

use crate::error::ApiError;

/// Where a webhook delivery stands.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "WebhookDeliveryStatus")]
pub enum DeliveryStatus {
    /// Not delivered yet: waiting for its first attempt or a retry.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Given up: every attempt within the retry window failed.
    Failed,
}

impl DeliveryStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "PENDING",
            DeliveryStatus::Delivered => "DELIVERED",
            DeliveryStatus::Failed => "FAILED",
        }
    }

    /// The status stored as `s`.
    pub fn from_stored(s: &str) -> Option<Self> {
        [Self::Pending, Self::Delivered, Self::Failed]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// Queues `event` for every enabled endpoint that wants its type, inside the event's own
/// transaction. Only public events are delivered: webhooks leave the service, so they carry
/// public facts only (see `webhooks`).
pub async fn enqueue(txn: &DatabaseTransaction, event: &event::Model) -> Result<(), ApiError> {
    if !event.public {
        return Ok(());
    }
    let endpoints: Vec<(i32, serde_json::Value)> = webhook_endpoint::Entity::find()
        .select_only()
        .column(webhook_endpoint::Column::Id)
        .column(webhook_endpoint::Column::EventTypes)
        .filter(webhook_endpoint::Column::Enabled.eq(true))
        .into_tuple()
        .all(txn)
        .await?;
    let now = Utc::now();
    for (endpoint_id, types) in endpoints {
        let wanted = types
            .as_array()
            .is_some_and(|a| a.iter().any(|t| t.as_str() == Some(&event.event_type)));
        if !wanted {
            continue;
        }
        webhook_delivery::ActiveModel {
            id: NotSet,
            message_id: Set(format!("msg_{}", uuid::Uuid::new_v4().simple())),
            endpoint_id: Set(endpoint_id),
            event_id: Set(event.id),
            status: Set(DeliveryStatus::Pending.as_str().to_owned()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            lease_until: Set(None),
            created_at: Set(now),
            completed_at: Set(None),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}
