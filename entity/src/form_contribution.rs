//! What a form of intervention contributes to a strategic line.

use sea_orm::entity::prelude::*;

use crate::i18n::*;

/// A row of `form_contribution`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "form_contribution")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The form of intervention.
    pub form_id: i32,
    /// The strategic line.
    pub line_id: i32,
    /// Order within the form.
    pub position: i32,
    /// The contribution.
    pub text: I18n,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
