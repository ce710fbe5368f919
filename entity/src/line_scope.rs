//! Scopes within a strategic line (LE1: EU, Euro-Mediterranean, UN and multilateral).

use sea_orm::entity::prelude::*;

use crate::i18n::*;

/// A row of `line_scope`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "line_scope")]
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
    /// The strategic line.
    pub line_id: i32,
    /// Name.
    pub title: I18n,
    /// Description.
    pub description: I18n,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
