//! When the content generation last moved: `content_generation.changed_at`, set by every bump
//! in the same transaction. The downloads answer `Last-Modified` and `If-Modified-Since` from
//! it without reading the data they describe.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::timestamp_with_time_zone_null;
use sea_orm_migration::sea_orm;

use crate::helpers::n;

/// Adds `content_generation.changed_at`, set to now on the existing row.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Idempotent: a database whose table already has the column (made by hand, or by a
        // build that ran this change before it was a migration) keeps it.
        if !m.has_column("content_generation", "changed_at").await? {
            m.alter_table(
                Table::alter()
                    .table(n("content_generation"))
                    .add_column(timestamp_with_time_zone_null(n("changed_at")))
                    .to_owned(),
            )
            .await?;
        }
        m.get_connection()
            .execute(
                Query::update()
                    .table(n("content_generation"))
                    .value(
                        n("changed_at"),
                        sea_orm::prelude::ChronoDateTimeUtc::from(std::time::SystemTime::now()),
                    )
                    .and_where(Expr::col(n("id")).eq(1)),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(n("content_generation"))
                .drop_column(n("changed_at"))
                .to_owned(),
        )
        .await
    }
}
