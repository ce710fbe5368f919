//! Quantitative figures stated by a plan.

use sea_orm::entity::prelude::*;

use crate::i18n::*;

/// A row of `key_figure`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "key_figure")]
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
    /// Short label.
    pub label: I18n,
    /// Exact decimal value, as text.
    pub value: String,
    /// Unit code (EUR, PERSON, PERCENT, …).
    pub unit: String,
    /// EXACT, MORE_THAN or ABOUT.
    pub comparator: String,
    /// Year the figure refers to, when stated.
    pub year: Option<i32>,
    /// Code of the section the figure comes from.
    pub section_code: String,
    /// The sentence the figure comes from, verbatim.
    pub sentence: I18n,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
