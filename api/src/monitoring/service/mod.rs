//! The one way monitoring records are written, whoever writes them: the GraphQL mutations and
//! `plan-api demo-data` both call this service. Each write goes, in this order, through the
//! policy (who may), validation (what is acceptable), links (what the record is about), the
//! store (one transaction with its audit entry and event) and the content generation.
//!
//! Nothing here knows GraphQL: inputs are domain types, errors are [`ApiError`]s whose field
//! paths are domain names (`percent_complete`, `indicator`), which the GraphQL layer maps to
//! its argument paths.
//!
//! - [`create`]: creating and updating records of each kind;
//! - [`transition`]: submit, publish, return, archive; publishing the annual report;
//! - [`years`]: opening and closing reporting years;
//! - [`targets`]: what the policy is asked about a record (also used by `viewer { can }`);
//! - [`reads`]: the reads, with what the viewer may see applied once ([`Reads`]).

pub mod create;
pub mod reads;
pub mod targets;
pub mod transition;
pub mod years;

use entity::monitoring_record;
use sea_orm::{DatabaseConnection, EntityTrait};
use serde_json::Value;

use super::RecordKind;
use super::store::{self, Actor};
use crate::auth::{Role, Viewer};
use crate::error::ApiError;
use crate::policy;

pub use create::{
    ActivityDraft, Draft, EvaluationDraft, FundedProjectDraft, IndicatorDraft, MeasurementDraft,
    ProgressDraft,
};
pub use reads::Reads;
pub use store::Transition;

/// Writes monitoring records on behalf of one actor.
pub struct Service {
    db: DatabaseConnection,
    actor: Actor,
    synthetic: bool,
}

/// A record a client named: its kind, plan and public id, as its ID decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordRef {
    /// The record's kind.
    pub kind: RecordKind,
    /// The code of the plan it belongs to.
    pub plan: String,
    /// Its public id.
    pub public_id: String,
    /// How the caller wrote it (its global ID), for messages.
    pub shown_as: String,
}

impl RecordRef {
    /// The reference of a stored record of plan `plan`.
    pub fn of(record: &monitoring_record::Model, plan: &str) -> Option<Self> {
        Some(Self {
            kind: RecordKind::of_stored(&record.record_type)?,
            plan: plan.to_owned(),
            public_id: record.public_id.clone(),
            shown_as: record.public_id.clone(),
        })
    }
}

/// A record as the caller named it: its reference, or why what was sent names no record (the
/// message of a `BAD_USER_INPUT`, raised only when the record is needed, so that a refusal
/// by the policy still comes first).
pub type RecordId = Result<RecordRef, String>;

/// A record as written: the stored row and the code of its plan.
#[derive(Clone, Debug)]
pub struct Written {
    /// The stored record.
    pub record: monitoring_record::Model,
    /// The code of its plan.
    pub plan: String,
    /// Whether this call created it (false when an idempotent retry found it).
    pub created: bool,
}

/// Who a record belongs to: `(unit, municipality)`.
pub type Owner = (Option<String>, Option<String>);

/// The owner of what `viewer` reports: its unit (areas) or its municipality (municipalities).
pub fn owner_of(viewer: &Viewer) -> Owner {
    match viewer.role {
        Role::Area => (viewer.unit.clone(), None),
        Role::Municipality => (None, viewer.municipality.clone()),
        _ => (None, None),
    }
}

impl Service {
    /// The service acting as `actor`.
    pub fn new(db: DatabaseConnection, actor: Actor) -> Self {
        Self {
            db,
            actor,
            synthetic: false,
        }
    }

    /// The same, marking what it creates as synthetic demonstration data.
    pub fn synthetic(mut self) -> Self {
        self.synthetic = true;
        self
    }

    fn viewer(&self) -> &Viewer {
        &self.actor.viewer
    }

    /// Refuses with `FORBIDDEN` when the record's period is closed and the viewer may not
    /// change it: its year is closed, or its plan is no longer the current one.
    async fn check_year(&self, plan_id: i32, year: Option<i32>) -> Result<(), ApiError> {
        let plan = entity::plan::Entity::find_by_id(plan_id)
            .one(&self.db)
            .await?
            .ok_or(ApiError::Internal)?;
        policy::check_plan_current(self.viewer(), &plan.code, plan.current)?;
        if let Some(y) = year {
            let closed = store::year_closed(&self.db, plan_id, y).await?;
            policy::check_year_open(self.viewer(), y, closed)?;
        }
        Ok(())
    }

    /// Loads the record `id` names if the viewer may see it and it is of `expected` kind;
    /// problems with the ID are reported on `field`.
    async fn load(
        &self,
        id: &RecordId,
        expected: Option<RecordKind>,
        field: &str,
    ) -> Result<(monitoring_record::Model, String), ApiError> {
        let reference = id
            .as_ref()
            .map_err(|why| ApiError::bad_input(field, why.clone()))?;
        if expected.is_some_and(|e| e != reference.kind) {
            return Err(ApiError::bad_input(
                field,
                format!(
                    "this mutation does not take a {}",
                    reference.kind.type_name()
                ),
            ));
        }
        let not_found = || {
            ApiError::NotFound(format!(
                "no monitoring record with ID {}",
                reference.shown_as
            ))
        };
        let record = store::by_public_id(&self.db, &reference.public_id)
            .await?
            .ok_or_else(not_found)?;
        let plan = crate::store::plan_by_code(&self.db, &reference.plan).await?;
        if record.record_type != reference.kind.as_str()
            || plan.is_none_or(|p| p.id != record.plan_id)
            || !policy::visibility(self.viewer()).sees(&record)
        {
            return Err(not_found());
        }
        Ok((record, reference.plan.clone()))
    }

    /// The plan `code` names (the current one when `None`); an unknown code is a problem of
    /// the input's `plan`.
    async fn plan(&self, code: Option<&str>) -> Result<entity::plan::Model, ApiError> {
        crate::store::resolve_plan(&self.db, code)
            .await
            .map_err(|e| match e {
                ApiError::NotFound(m) => ApiError::bad_input("plan", m),
                other => other,
            })
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(|_| ApiError::Internal)
}

fn decode<T: serde::de::DeserializeOwned>(m: &monitoring_record::Model) -> Result<T, ApiError> {
    serde_json::from_value(m.payload.clone()).map_err(|e| {
        tracing::error!(error = %e, id = m.id, "stored monitoring payload does not decode");
        ApiError::Internal
    })
}
