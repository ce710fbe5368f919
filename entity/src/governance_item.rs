//! Governance of the plan.

use sea_orm::entity::prelude::*;

use crate::i18n::*;

/// A row of `governance_item`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "governance_item")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The plan this record belongs to.
    pub plan_id: i32,
    /// Stable code, unique within the plan.
    pub code: String,
    /// Order in the source document.
    pub position: i32,
    /// Name.
    pub title: I18n,
    /// Summary-table wording.
    pub summary: Option<I18n>,
    /// Description.
    pub description: I18n,
    /// Codes of the organizations it names.
    pub organizations: StringList,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
