//! A plan (the Internationalisation Plan 2021-2025, and the plans that follow it).

use sea_orm::entity::prelude::*;

use crate::i18n::*;

/// A row of `plan`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Stable code, e.g. `AMB-PI-2021-2025`.
    pub code: String,
    /// Whether this is the plan served when no code is given.
    pub current: bool,
    /// Full title.
    pub title: I18n,
    /// Short title.
    pub short_title: I18n,
    /// First year covered.
    pub start_year: i32,
    /// Last year covered.
    pub end_year: i32,
    /// Date of approval.
    pub approved_on: Date,
    /// Approving body.
    pub approved_by: I18n,
    /// The sentence recording the approval.
    pub approval_statement: I18n,
    /// Publication month, `YYYY-MM`.
    pub published: String,
    /// Place of publication.
    pub published_place: String,
    /// Legal deposit number.
    pub legal_deposit: String,
    /// Copyright notice.
    pub copyright: String,
    /// Languages the plan is published in (ISO 639-1).
    pub publication_languages: StringList,
    /// Why the plan is published in several languages.
    pub publication_note: I18n,
    /// The general objective.
    pub general_objective: I18n,
    /// Credit lines of the publication.
    pub credits: CreditList,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
