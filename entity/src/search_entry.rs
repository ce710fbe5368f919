//! Folded text for accent- and case-insensitive search, rebuilt by the seed.

use sea_orm::entity::prelude::*;

/// A row of `search_entry`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_entry")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The plan this record belongs to; none for records shared by all plans.
    pub plan_id: Option<i32>,
    /// GraphQL type of the record.
    pub record_type: String,
    /// Code of the record.
    pub record_code: String,
    /// Field the text comes from.
    pub field: String,
    /// Language code.
    pub lang: String,
    /// Order of the record within its type.
    pub position: i32,
    /// The text.
    pub text: String,
    /// The text lower-cased, without accents.
    pub folded: String,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
