//! Monitoring and evaluation commitments.

use sea_orm::entity::prelude::*;

use crate::i18n::*;

/// A row of `monitoring_commitment`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "monitoring_commitment")]
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
    /// ANNUAL_ACTIVITY_REPORT, MID_TERM_EVALUATION or FINAL_EVALUATION.
    pub kind: String,
    /// Year due, when stated.
    pub year: Option<i32>,
    /// The commitment.
    pub text: I18n,
}

/// No relations are declared: the API loads related rows by key through DataLoaders.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
