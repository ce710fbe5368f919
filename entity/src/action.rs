//! Actions of the strategic lines (LE1.1 … LE5.1).

use sea_orm::entity::prelude::*;

use crate::i18n::*;

/// A row of `action`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "action")]
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
    /// The scope within the line, if any.
    pub scope_id: Option<i32>,
    /// The action.
    pub title: I18n,
    /// Responsible units, as worded in the plan.
    pub responsible_text: I18n,
    /// Actors to involve, as worded in the plan.
    pub involved_text: I18n,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
