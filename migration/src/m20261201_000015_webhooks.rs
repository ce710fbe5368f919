//! Webhooks: the endpoints coordinators register, and the outbox of deliveries written in the
//! same transaction as each event (one row per event and endpoint), with every attempt logged.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{index, n, named_index};

/// Creates `webhook_endpoint`, `webhook_delivery` and `webhook_attempt`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(n("webhook_endpoint"))
                .if_not_exists()
                .col(pk_auto(n("id")))
                .col(string_uniq(n("public_id")))
                .col(string(n("url")))
                .col(string(n("description")))
                // The change types it wants, as a JSON array of their names.
                .col(json(n("event_types")))
                .col(boolean(n("enabled")))
                .col(string_null(n("disabled_reason")))
                // `whsec_…`: kept to sign with (HMAC needs the key itself).
                .col(string(n("secret")))
                .col(string_null(n("previous_secret")))
                .col(timestamp_with_time_zone_null(n(
                    "previous_secret_expires_at",
                )))
                .col(integer(n("consecutive_failures")))
                .col(string(n("created_by")))
                .col(timestamp_with_time_zone(n("created_at")))
                .col(timestamp_with_time_zone(n("updated_at")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(n("webhook_delivery"))
                .if_not_exists()
                // Also the order of deliveries to one endpoint: the order of their events.
                .col(pk_auto(n("id")))
                // The `webhook-id` header: the same on every attempt, for receivers to dedupe.
                .col(string_uniq(n("message_id")))
                .col(integer(n("endpoint_id")))
                .col(integer(n("event_id")))
                .col(string(n("status")))
                .col(integer(n("attempts")))
                .col(timestamp_with_time_zone(n("next_attempt_at")))
                // A worker holds a claimed delivery until then; past it, another may retry.
                .col(timestamp_with_time_zone_null(n("lease_until")))
                .col(timestamp_with_time_zone(n("created_at")))
                .col(timestamp_with_time_zone_null(n("completed_at")))
                .foreign_key(
                    ForeignKey::create()
                        .from(n("webhook_delivery"), n("endpoint_id"))
                        .to(n("webhook_endpoint"), n("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(n("webhook_delivery"), n("event_id"))
                        .to(n("event"), n("id")),
                )
                .to_owned(),
        )
        .await?;
        // Named before the naming rule held (the rule would end it in `_id_id`).
        m.create_index(named_index(
            "ix_webhook_delivery_status_endpoint_id",
            "webhook_delivery",
            &["status", "endpoint_id", "id"],
            false,
        ))
        .await?;
        m.create_index(index("webhook_delivery", &["endpoint_id", "id"], false))
            .await?;
        m.create_table(
            Table::create()
                .table(n("webhook_attempt"))
                .if_not_exists()
                .col(pk_auto(n("id")))
                .col(integer(n("delivery_id")))
                .col(integer(n("number")))
                .col(timestamp_with_time_zone(n("attempted_at")))
                .col(integer(n("duration_ms")))
                .col(integer_null(n("status_code")))
                // Null when the receiver answered 2xx.
                .col(string_null(n("error_class")))
                .col(string_null(n("error")))
                .foreign_key(
                    ForeignKey::create()
                        .from(n("webhook_attempt"), n("delivery_id"))
                        .to(n("webhook_delivery"), n("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("webhook_attempt", &["delivery_id"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["webhook_attempt", "webhook_delivery", "webhook_endpoint"] {
            m.drop_table(Table::drop().table(n(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
