//! The trace context of the request that appended an event (#28): webhook attempts, made
//! later by a worker, continue that request's trace and pass it on to the receiver.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::string_null;

use crate::helpers::n;

/// Adds `event.traceparent` and `event.tracestate` (nullable: events appended before, or
/// outside any trace, have none).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for col in ["traceparent", "tracestate"] {
            if !m.has_column("event", col).await? {
                m.alter_table(
                    Table::alter()
                        .table(n("event"))
                        .add_column(string_null(n(col)))
                        .to_owned(),
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["traceparent", "tracestate"] {
            m.alter_table(
                Table::alter()
                    .table(n("event"))
                    .drop_column(n(col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
