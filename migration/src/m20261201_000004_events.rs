//! The event log: one row per change another system may learn of, written in the same
//! transaction as the change (so nothing that commits is missed and nothing rolled back is
//! announced). The change feed reads it, subscriptions are fanned out from it, webhooks are
//! delivered from it.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{index, n};

/// Creates `event`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(n("event"))
                .if_not_exists()
                // The sequence: events are read in this order, and cursors are built from it.
                .col(pk_auto(n("id")))
                .col(integer_null(n("plan_id")))
                .col(string(n("event_type")))
                .col(string_null(n("node_id")))
                .col(timestamp_with_time_zone(n("occurred_at")))
                // Who may see it: everyone, or only those who may read the record's unpublished
                // state (its reporter's unit or municipality, readers, coordinators).
                .col(boolean(n("public")))
                .col(string_null(n("owner_unit")))
                .col(string_null(n("owner_municipality")))
                .col(json(n("payload")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("event", &["event_type", "id"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(n("event")).to_owned())
            .await
    }
}
