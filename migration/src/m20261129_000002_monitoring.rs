//! Monitoring and evaluation: reporting years, monitoring records and their links, the audit
//! trail and published annual reports.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index, n};

/// Creates the monitoring tables.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(n("reporting_year"))
                .if_not_exists()
                .col(pk_auto(n("id")))
                .col(integer(n("plan_id")))
                .col(integer(n("year")))
                .col(boolean(n("closed")))
                .col(integer(n("version")))
                .col(timestamp_with_time_zone_null(n("closed_at")))
                .col(string_null(n("closed_by")))
                .foreign_key(&mut fk("reporting_year", "plan_id", "plan"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("reporting_year", &["plan_id", "year"], true))
            .await?;

        m.create_table(
            Table::create()
                .table(n("monitoring_record"))
                .if_not_exists()
                .col(pk_auto(n("id")))
                .col(integer(n("plan_id")))
                .col(string(n("record_type")))
                .col(string_null(n("code")))
                .col(integer_null(n("year")))
                .col(string(n("state")))
                .col(integer(n("version")))
                .col(json(n("payload")))
                .col(json_null(n("review_comment")))
                .col(string(n("owner_sub")))
                .col(string(n("owner_role")))
                .col(string_null(n("owner_unit")))
                .col(string_null(n("owner_municipality")))
                .col(string_null(n("idempotency_key")))
                .col(string_null(n("request_hash")))
                .col(boolean(n("synthetic")))
                .col(timestamp_with_time_zone(n("created_at")))
                .col(timestamp_with_time_zone(n("updated_at")))
                .col(timestamp_with_time_zone_null(n("published_at")))
                .foreign_key(&mut fk("monitoring_record", "plan_id", "plan"))
                .to_owned(),
        )
        .await?;
        for (cols, unique) in [
            (&["plan_id", "record_type", "state"][..], false),
            (&["plan_id", "record_type", "year"][..], false),
            (&["plan_id", "record_type", "code"][..], true),
            (&["owner_sub", "idempotency_key"][..], true),
        ] {
            m.create_index(index("monitoring_record", cols, unique))
                .await?;
        }

        m.create_table(
            Table::create()
                .table(n("record_link"))
                .if_not_exists()
                .col(pk_auto(n("id")))
                .col(integer(n("record_id")))
                .col(string(n("target_type")))
                .col(string(n("target_code")))
                .col(integer(n("position")))
                .foreign_key(&mut fk("record_link", "record_id", "monitoring_record"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("record_link", &["record_id"], false))
            .await?;
        m.create_index(index("record_link", &["target_type", "target_code"], false))
            .await?;

        m.create_table(
            Table::create()
                .table(n("audit_entry"))
                .if_not_exists()
                .col(pk_auto(n("id")))
                .col(integer(n("plan_id")))
                .col(timestamp_with_time_zone(n("at")))
                .col(string_null(n("actor_sub")))
                .col(string(n("actor_role")))
                .col(string_null(n("actor_unit")))
                .col(string_null(n("actor_municipality")))
                .col(string(n("record_type")))
                .col(integer_null(n("record_id")))
                .col(string_null(n("owner_unit")))
                .col(string_null(n("owner_municipality")))
                .col(string(n("operation")))
                .col(json_null(n("before")))
                .col(json_null(n("after")))
                .col(string(n("request_id")))
                .foreign_key(&mut fk("audit_entry", "plan_id", "plan"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("audit_entry", &["record_type", "record_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table(n("annual_report"))
                .if_not_exists()
                .col(pk_auto(n("id")))
                .col(integer(n("plan_id")))
                .col(integer(n("year")))
                .col(timestamp_with_time_zone(n("published_at")))
                .col(string(n("published_by")))
                .col(json(n("content")))
                .foreign_key(&mut fk("annual_report", "plan_id", "plan"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("annual_report", &["plan_id", "year"], true))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "annual_report",
            "audit_entry",
            "record_link",
            "monitoring_record",
            "reporting_year",
        ] {
            m.drop_table(Table::drop().table(n(t)).to_owned()).await?;
        }
        Ok(())
    }
}
