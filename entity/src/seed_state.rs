//! What the seed last loaded, so that an unchanged seed is a no-op.

use sea_orm::entity::prelude::*;

/// A row of `seed_state`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "seed_state")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Plan code.
    pub plan_code: String,
    /// Hash of the data files loaded.
    pub content_hash: String,
    /// When they were loaded.
    pub loaded_at: DateTimeUtc,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
