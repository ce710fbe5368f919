//! People who took part in drafting the plan.

use sea_orm::entity::prelude::*;

use crate::i18n::*;

/// A row of `participant`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "participant")]
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
    /// AMB, OTHER_PUBLIC_ADMINISTRATIONS or PUBLIC_PRIVATE_INSTITUTIONS.
    pub participant_group: String,
    /// Institution, as written.
    pub institution: I18n,
    /// Full name.
    pub name: String,
    /// Position held.
    pub job_title: I18n,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
