//! Priority themes.

use sea_orm::entity::prelude::*;

use crate::i18n::*;

/// A row of `theme`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "theme")]
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
    /// OWN_COMPETENCE, GROWING or OTHER.
    pub category: String,
    /// Name.
    pub title: I18n,
    /// Sub-topics.
    pub subtopics: I18nList,
    /// Wording in the closing summary table.
    pub summary_label: Option<I18n>,
    /// Description, when the plan gives one.
    pub description: Option<I18n>,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
