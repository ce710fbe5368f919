//! Links between actions and organizations.

use sea_orm::entity::prelude::*;

/// A row of `action_organization`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "action_organization")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The action.
    pub action_id: i32,
    /// The organization.
    pub organization_id: i32,
    /// RESPONSIBLE or INVOLVED.
    pub role: String,
    /// Order within the table cell.
    pub position: i32,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
