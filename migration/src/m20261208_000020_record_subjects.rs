//! Aggregates where the data is (#25): the latest published progress update of each action and
//! the latest published measurement of each indicator are found by the database, one index
//! seek each, instead of by reading every record of the plan and its JSON payload.
//!
//! `monitoring_record.subject` holds what a record of a kind about one thing is about (a
//! progress update's action code, a measurement's indicator id as text), copied from the
//! payload by every write; rows written before get theirs here. The other indexes serve the
//! filters of the lists, the links, the audit trail and the change feed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::string_null;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::helpers::{index, n};

/// Adds and fills `monitoring_record.subject`, and the indexes of every read filter.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// The indexes added: (table, columns). Each ends with `id` where its reads page or pick the
/// newest by id, so that PostgreSQL walks the index in order instead of sorting.
const INDEXES: [(&str, &[&str]); 8] = [
    (
        "monitoring_record",
        &["plan_id", "record_type", "state", "subject", "year", "id"],
    ),
    (
        "monitoring_record",
        &["plan_id", "record_type", "state", "year", "id"],
    ),
    ("record_link", &["target_type", "target_code", "record_id"]),
    ("audit_entry", &["plan_id", "id"]),
    ("audit_entry", &["plan_id", "owner_unit", "id"]),
    ("audit_entry", &["plan_id", "owner_municipality", "id"]),
    ("audit_entry", &["plan_id", "actor_sub", "id"]),
    ("event", &["plan_id", "id"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if !m.has_column("monitoring_record", "subject").await? {
            m.alter_table(
                Table::alter()
                    .table(n("monitoring_record"))
                    .add_column(string_null(n("subject")))
                    .to_owned(),
            )
            .await?;
        }
        // The same values the API writes (`store::subject_of`): the payload's `action` string,
        // and its `indicator_id` number as decimal text. JSON is read with each database's
        // own operator; nothing else here differs between them.
        let (action, indicator) = match m.get_database_backend() {
            DatabaseBackend::Postgres => (
                "CASE WHEN json_typeof(payload->'action') = 'string' \
                 THEN payload->>'action' END",
                "CASE WHEN json_typeof(payload->'indicator_id') = 'number' \
                 THEN payload->>'indicator_id' END",
            ),
            _ => (
                "CASE WHEN json_type(payload, '$.action') = 'text' \
                 THEN json_extract(payload, '$.action') END",
                "CASE WHEN json_type(payload, '$.indicator_id') = 'integer' \
                 THEN CAST(json_extract(payload, '$.indicator_id') AS TEXT) END",
            ),
        };
        let db = m.get_connection();
        for (kind, expr) in [("PROGRESS_UPDATE", action), ("MEASUREMENT", indicator)] {
            db.execute_unprepared(&format!(
                "UPDATE monitoring_record SET subject = {expr} WHERE record_type = '{kind}'"
            ))
            .await?;
        }
        for (table, cols) in INDEXES {
            m.create_index(index(table, cols, false)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, cols) in INDEXES {
            let name = format!("ix_{table}_{}", cols.join("_"));
            m.drop_index(Index::drop().name(name).table(n(table)).to_owned())
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table(n("monitoring_record"))
                .drop_column(n("subject"))
                .to_owned(),
        )
        .await
    }
}
