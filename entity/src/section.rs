//! Narrative sections of a plan (presentation, introduction, methodology, …).

use sea_orm::entity::prelude::*;

use crate::i18n::*;

/// A row of `section`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "section")]
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
    /// Roman numeral of the section in the document, or empty.
    pub numeral: String,
    /// Heading.
    pub title: I18n,
    /// Full text; paragraphs separated by a blank line.
    pub body: I18n,
    /// Who signs the section, when signed.
    pub signature: Option<I18n>,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
