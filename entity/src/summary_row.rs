//! Per-line rows of the closing summary table.

use sea_orm::entity::prelude::*;

use crate::i18n::*;

/// A row of `summary_row`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "summary_row")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The plan this record belongs to.
    pub plan_id: i32,
    /// The strategic line.
    pub line_id: i32,
    /// Priority zones and institutions.
    pub zones_and_institutions: I18n,
    /// Actor map.
    pub actor_map: I18n,
    /// Concrete actions, as summarised.
    pub concrete_actions: I18nList,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
