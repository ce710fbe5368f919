//! An organization as one plan's text names it, where the shared registry now names it
//! otherwise.

use sea_orm::entity::prelude::*;

use crate::i18n::*;

/// A row of `plan_organization_name`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_organization_name")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The plan.
    pub plan_id: i32,
    /// The organization of the registry.
    pub organization_id: i32,
    /// Its name in the plan.
    pub name: I18n,
    /// Its acronym in the plan, when it had one.
    pub acronym: Option<I18n>,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
