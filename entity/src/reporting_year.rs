//! Reporting years of a plan: open, or closed to everyone but admins.

use sea_orm::entity::prelude::*;

/// A row of `reporting_year`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reporting_year")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The plan.
    pub plan_id: i32,
    /// The year.
    pub year: i32,
    /// Whether the year is closed.
    pub closed: bool,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// When it was closed.
    pub closed_at: Option<DateTimeUtc>,
    /// Who closed it (token subject).
    pub closed_by: Option<String>,
}

/// No relations are declared: the API loads related rows by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
