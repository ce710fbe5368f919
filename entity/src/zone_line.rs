//! How a strategic line applies in a zone.

use sea_orm::entity::prelude::*;

use crate::i18n::*;

/// A row of `zone_line`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "zone_line")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The zone.
    pub zone_id: i32,
    /// The strategic line.
    pub line_id: i32,
    /// Order within the zone.
    pub position: i32,
    /// How the line applies.
    pub text: I18n,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
