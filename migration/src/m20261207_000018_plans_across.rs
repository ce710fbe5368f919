//! What plans say of each other (#26): an item of a later plan may continue items of an
//! earlier one (a line, an action, an expected result), and a plan may name an organization
//! as its own text did, where the shared registry now names it otherwise.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, json, json_null, pk_auto};

use crate::helpers::{fk, index, n};

/// Creates `line_continuation`, `action_continuation`, `result_continuation` and
/// `plan_organization_name`.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// The continuation tables: (table, item column, the items' table).
const CONTINUATIONS: [(&str, &str, &str); 3] = [
    ("line_continuation", "line_id", "strategic_line"),
    ("action_continuation", "action_id", "action"),
    ("result_continuation", "result_id", "expected_result"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, item, items) in CONTINUATIONS {
            m.create_table(
                Table::create()
                    .table(n(table))
                    .if_not_exists()
                    .col(pk_auto(n("id")))
                    .col(integer(n(item)))
                    // The item of the earlier plan that `item` continues.
                    .col(integer(n("continues_id")))
                    .col(integer(n("position")))
                    .foreign_key(&mut fk(table, item, items))
                    .foreign_key(&mut fk(table, "continues_id", items))
                    .to_owned(),
            )
            .await?;
            m.create_index(index(table, &[item, "continues_id"], true))
                .await?;
            m.create_index(index(table, &["continues_id"], false))
                .await?;
        }
        m.create_table(
            Table::create()
                .table(n("plan_organization_name"))
                .if_not_exists()
                .col(pk_auto(n("id")))
                .col(integer(n("plan_id")))
                .col(integer(n("organization_id")))
                .col(json(n("name")))
                .col(json_null(n("acronym")))
                .foreign_key(&mut fk("plan_organization_name", "plan_id", "plan"))
                .foreign_key(&mut fk(
                    "plan_organization_name",
                    "organization_id",
                    "organization",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "plan_organization_name",
            &["plan_id", "organization_id"],
            true,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "plan_organization_name",
            "result_continuation",
            "action_continuation",
            "line_continuation",
        ] {
            m.drop_table(Table::drop().table(n(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
