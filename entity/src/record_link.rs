//! What a monitoring record is about: actions, lines, zones, partners, organizations,
//! municipalities, indicators. Kept as rows so that filters are plain SQL on both databases.

use sea_orm::entity::prelude::*;

/// A row of `record_link`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "record_link")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The monitoring record.
    pub record_id: i32,
    /// ACTION, LINE, ZONE, PARTNER, ORGANIZATION, MUNICIPALITY, EXPECTED_RESULT or INDICATOR.
    pub target_type: String,
    /// The target's code (an indicator's record id, as text).
    pub target_code: String,
    /// Order among the record's links of that type.
    pub position: i32,
}

/// No relations are declared: the API loads related rows by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
