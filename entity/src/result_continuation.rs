//! A expected result of a later plan continuing a expected result of an earlier plan.

use sea_orm::entity::prelude::*;

/// A row of `result_continuation`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "result_continuation")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The expected result of the later plan.
    pub result_id: i32,
    /// The expected result of the earlier plan it continues.
    pub continues_id: i32,
    /// Order among what the expected result continues.
    pub position: i32,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
