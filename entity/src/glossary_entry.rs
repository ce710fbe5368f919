//! The plan's glossary of acronyms.

use sea_orm::entity::prelude::*;

use crate::i18n::*;

/// A row of `glossary_entry`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "glossary_entry")]
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
    /// The acronym in its Spanish form.
    pub acronym: String,
    /// The acronym in each language.
    pub acronym_i18n: I18n,
    /// What it stands for.
    pub meaning: I18n,
    /// Original-language name, when given.
    pub original: Option<String>,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
