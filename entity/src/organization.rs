//! The organization registry, shared by all plans.

use sea_orm::entity::prelude::*;

use crate::i18n::*;

/// A row of `organization`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organization")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Stable code (INE code for municipalities).
    pub code: String,
    /// Order in the registry.
    pub position: i32,
    /// Kind of organization.
    pub kind: String,
    /// Name.
    pub name: I18n,
    /// Acronym in its Spanish form (the key glossary entries are matched on), when it has one.
    pub acronym: Option<String>,
    /// The acronym in each language, where it differs between languages.
    pub acronym_i18n: Option<I18n>,
    /// Containing organization.
    pub parent_id: Option<i32>,
    /// Other wordings used for it.
    pub aliases: StringList,
    /// INE code (municipalities).
    pub ine_code: Option<String>,
    /// INE control digit (municipalities).
    pub ine_control_digit: Option<String>,
    /// Comarca (municipalities).
    pub comarca: Option<String>,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
