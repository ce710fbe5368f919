//! A action of a later plan continuing a action of an earlier plan.

use sea_orm::entity::prelude::*;

/// A row of `action_continuation`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "action_continuation")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The action of the later plan.
    pub action_id: i32,
    /// The action of the earlier plan it continues.
    pub continues_id: i32,
    /// Order among what the action continues.
    pub position: i32,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
