//! What a monitoring record is about: actions, lines, zones, partners, organizations,
//! municipalities, indicators. Kept as rows so that filters are plain SQL on both databases.
//! Each row carries copies of the columns of its record that lists filter on (plan, kind,
//! state, year, owners): the store writes them with the links and on every review transition.

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
    /// Copy of the record's plan, so that lists narrowed by a link read this table only.
    pub plan_id: i32,
    /// Copy of the record's kind.
    pub record_type: String,
    /// Copy of the record's review state, kept in step by every transition.
    pub state: String,
    /// Copy of the record's reporting year.
    pub year: Option<i32>,
    /// Copy of the record's owning AMB unit.
    pub owner_unit: Option<String>,
    /// Copy of the record's owning municipality (INE code).
    pub owner_municipality: Option<String>,
}

/// No relations are declared: the API loads related rows by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
