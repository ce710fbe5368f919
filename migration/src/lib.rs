//! Schema migrations of the plan API.
//!
//! Portable by construction: tables are described with sea-query's builders only, so the same
//! migrations run on SQLite (the embedded default) and PostgreSQL (production).

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261129_000001_plan_content;
mod m20261129_000002_monitoring;
mod m20261201_000003_private_ids;
mod m20261201_000004_events;
mod m20261201_000013_content_generation;
mod m20261201_000015_webhooks;
mod m20261201_000016_generation_changed_at;
mod m20261207_000017_event_numbers;
mod m20261207_000018_plans_across;
mod m20261208_000019_event_trace_context;
mod m20261208_000020_record_subjects;
mod m20261208_000021_link_copies;

/// The ordered list of migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_plan_content::Migration),
            Box::new(m20261129_000002_monitoring::Migration),
            Box::new(m20261201_000003_private_ids::Migration),
            Box::new(m20261201_000004_events::Migration),
            Box::new(m20261201_000013_content_generation::Migration),
            Box::new(m20261201_000015_webhooks::Migration),
            Box::new(m20261201_000016_generation_changed_at::Migration),
            Box::new(m20261207_000017_event_numbers::Migration),
            Box::new(m20261207_000018_plans_across::Migration),
            Box::new(m20261208_000019_event_trace_context::Migration),
            Box::new(m20261208_000020_record_subjects::Migration),
            Box::new(m20261208_000021_link_copies::Migration),
        ]
    }
}
