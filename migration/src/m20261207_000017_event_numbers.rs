//! Numbers of the change feed that tell a caller nothing it may not see (#24).
//!
//! The event id counts every change, public or not, so its gaps counted the changes a caller
//! may not see. Two counters, fixed when an event is appended, number the log as each kind of
//! caller sees it: `public_seq`, the public events up to and including this one (on every
//! event, so a restricted event knows how many public ones came before it), and `owner_seq`,
//! on restricted events only, the restricted events of the same owner (a unit, a
//! municipality, or none) up to and including this one. A cursor names an event by one of
//! them; a caller's sequence numbers are sums of the ones it may see.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, integer_null};

use crate::helpers::{index, n};

/// Adds and fills `event.public_seq` and `event.owner_seq`, with their indexes.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if !m.has_column("event", "public_seq").await? {
            m.alter_table(
                Table::alter()
                    .table(n("event"))
                    .add_column(integer(n("public_seq")).default(0))
                    .to_owned(),
            )
            .await?;
        }
        if !m.has_column("event", "owner_seq").await? {
            m.alter_table(
                Table::alter()
                    .table(n("event"))
                    .add_column(integer_null(n("owner_seq")))
                    .to_owned(),
            )
            .await?;
        }
        // Window functions and UPDATE … FROM: the same SQL on SQLite (3.33 and later) and
        // PostgreSQL. NULL owners partition together, as one "no owner" group.
        let db = m.get_connection();
        db.execute_unprepared(
            "UPDATE event SET public_seq = s.n FROM (
                 SELECT id, SUM(CASE WHEN public THEN 1 ELSE 0 END) OVER (ORDER BY id) AS n
                 FROM event) AS s
             WHERE s.id = event.id",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE event SET owner_seq = s.n FROM (
                 SELECT id, ROW_NUMBER() OVER (
                     PARTITION BY owner_unit, owner_municipality ORDER BY id) AS n
                 FROM event WHERE NOT public) AS s
             WHERE s.id = event.id",
        )
        .await?;
        m.create_index(index("event", &["public", "public_seq"], false))
            .await?;
        m.create_index(index("event", &["owner_unit", "id"], false))
            .await?;
        m.create_index(index("event", &["owner_municipality", "id"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "ix_event_public_public_seq",
            "ix_event_owner_unit_id",
            "ix_event_owner_municipality_id",
        ] {
            m.drop_index(Index::drop().name(name).table(n("event")).to_owned())
                .await?;
        }
        for col in ["public_seq", "owner_seq"] {
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
