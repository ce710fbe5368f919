//! Published annual activity reports, frozen as they were on publication.

use sea_orm::entity::prelude::*;

/// A row of `annual_report`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "annual_report")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The plan.
    pub plan_id: i32,
    /// The year reported on.
    pub year: i32,
    /// When it was published.
    pub published_at: DateTimeUtc,
    /// Who published it (token subject).
    pub published_by: String,
    /// The report as published.
    pub content: Json,
}

/// No relations are declared: the API loads related rows by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
