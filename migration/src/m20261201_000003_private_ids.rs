//! Identifiers that reveal nothing, and review comments off published records.
//!
//! Monitoring records get a random public identifier (a UUID) for their global IDs: the
//! surrogate key is one sequence across every kind, so IDs built from it let anyone count the
//! records they may not see from the gaps between those they may. Rows of a deployed database
//! get theirs here; the API gives every new row one.
//!
//! Published records drop the reviewer's comment they kept from an earlier return: comments
//! are internal to the review, and the audit trail keeps every one of them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::string_null;

use crate::helpers::{index, n};

/// Adds `monitoring_record.public_id` and clears published records' review comments.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Nullable only because SQLite cannot add a NOT NULL column without a constant
        // default; every row is filled below, and the API always writes it.
        m.alter_table(
            Table::alter()
                .table(n("monitoring_record"))
                .add_column(string_null(n("public_id")))
                .to_owned(),
        )
        .await?;

        let db = m.get_connection();
        let rows = db
            .query_all(
                Query::select()
                    .column(n("id"))
                    .from(n("monitoring_record"))
                    .and_where(Expr::col(n("public_id")).is_null()),
            )
            .await?;
        for row in rows {
            let id: i32 = row.try_get("", "id")?;
            db.execute(
                Query::update()
                    .table(n("monitoring_record"))
                    .value(n("public_id"), uuid::Uuid::new_v4().to_string())
                    .and_where(Expr::col(n("id")).eq(id)),
            )
            .await?;
        }
        m.create_index(index("monitoring_record", &["public_id"], true))
            .await?;

        db.execute(
            Query::update()
                .table(n("monitoring_record"))
                // A literal NULL: PostgreSQL refuses a text-typed parameter for a json column.
                .value(n("review_comment"), Expr::cust("NULL"))
                .and_where(Expr::col(n("state")).eq("PUBLISHED")),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("uq_monitoring_record_public_id")
                .table(n("monitoring_record"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(n("monitoring_record"))
                .drop_column(n("public_id"))
                .to_owned(),
        )
        .await
    }
}
