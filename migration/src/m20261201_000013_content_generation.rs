//! The content generation: one row whose counter goes up, in the same transaction, with every
//! change to what anonymous callers see (a seed that loads changed data, a publication, an
//! archived or edited published record, a published annual report, a reporting year opened or
//! closed). Replicas compare it with the generation their response cache was filled at.
//!
//! `instance` is a random name for this database, so that a process holding several databases
//! (the tests do) tells their bumps apart.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, integer, string};

use crate::helpers::n;

/// Creates `content_generation` with its single row.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(n("content_generation"))
                .if_not_exists()
                .col(integer(n("id")).primary_key())
                .col(big_integer(n("generation")))
                .col(string(n("instance")))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute(
                Query::insert()
                    .into_table(n("content_generation"))
                    .columns([n("id"), n("generation"), n("instance")])
                    .values_panic([
                        1.into(),
                        1i64.into(),
                        uuid::Uuid::new_v4().to_string().into(),
                    ])
                    .on_conflict(OnConflict::column(n("id")).do_nothing().to_owned()),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(n("content_generation")).to_owned())
            .await
    }
}
