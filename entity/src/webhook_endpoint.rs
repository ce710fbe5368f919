//! A webhook endpoint registered by the plan's coordinators.

use sea_orm::entity::prelude::*;

/// A row of `webhook_endpoint`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoint")]
pub struct Model {
    /// Internal key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Random public identifier (the GraphQL ID).
    #[sea_orm(unique)]
    pub public_id: String,
    /// Where deliveries are POSTed.
    pub url: String,
    /// What the endpoint is for, for the coordinators.
    pub description: String,
    /// JSON array of the change types it wants (`["RECORD_PUBLISHED"]`).
    pub event_types: Json,
    /// Whether new events are queued and deliveries attempted.
    pub enabled: bool,
    /// Why it was disabled, when the service disabled it.
    pub disabled_reason: Option<String>,
    /// The signing secret (`whsec_` + base64).
    pub secret: String,
    /// The secret before the last rotation, still signing until it expires.
    pub previous_secret: Option<String>,
    /// When the previous secret stops signing.
    pub previous_secret_expires_at: Option<DateTimeUtc>,
    /// Failed attempts since the last success.
    pub consecutive_failures: i32,
    /// Subject of the coordinator who created it.
    pub created_by: String,
    /// When it was created.
    pub created_at: DateTimeUtc,
    /// When it was last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations are declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
