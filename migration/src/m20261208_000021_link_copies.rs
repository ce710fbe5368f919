//! Counts where the data is (#25): each `record_link` row carries copies of its record's plan,
//! kind, review state, reporting year and owners, the columns every list filters on, so that a
//! list narrowed by a link (a municipality's activities, an action's progress updates) is
//! counted and paged from one index of `record_link` alone, instead of joining each of a
//! target's links to its record. The store writes the copies with the links and keeps `state`
//! in step on every review transition; rows written before get theirs here.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, integer_null, string, string_null};

use crate::helpers::{n, named_index};

/// Adds and fills the copies, and the index the link-narrowed lists read.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// The copied columns: the same names as on `monitoring_record`.
const COPIES: [&str; 6] = [
    "plan_id",
    "record_type",
    "state",
    "year",
    "owner_unit",
    "owner_municipality",
];

/// The index's name: the rule's `ix_{table}_{columns}` would pass PostgreSQL's 63 bytes.
const INDEX_NAME: &str = "ix_record_link_copies";

/// Target first, then what every list fixes (plan, kind), then its order (year, record, both
/// descending when read), then what visibility and the state filter test, so that counting and
/// paging read this index only.
const INDEX: [&str; 9] = [
    "target_type",
    "target_code",
    "plan_id",
    "record_type",
    "year",
    "record_id",
    "state",
    "owner_unit",
    "owner_municipality",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            integer(n("plan_id")).default(0).to_owned(),
            string(n("record_type")).default("").to_owned(),
            string(n("state")).default("").to_owned(),
            integer_null(n("year")),
            string_null(n("owner_unit")),
            string_null(n("owner_municipality")),
        ];
        for mut column in columns {
            let name = column.get_column_name();
            if !m.has_column("record_link", &name).await? {
                m.alter_table(
                    Table::alter()
                        .table(n("record_link"))
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
            }
        }
        // A row-value assignment from a correlated subquery: the same statement on SQLite
        // (3.15 and later) and PostgreSQL.
        let list = COPIES.join(", ");
        let from = COPIES.map(|c| format!("r.{c}")).join(", ");
        m.get_connection()
            .execute_unprepared(&format!(
                "UPDATE record_link SET ({list}) = \
                 (SELECT {from} FROM monitoring_record r WHERE r.id = record_link.record_id)"
            ))
            .await?;
        m.create_index(named_index(INDEX_NAME, "record_link", &INDEX, false))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name(INDEX_NAME)
                .table(n("record_link"))
                .to_owned(),
        )
        .await?;
        for column in COPIES {
            m.alter_table(
                Table::alter()
                    .table(n("record_link"))
                    .drop_column(n(column))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
