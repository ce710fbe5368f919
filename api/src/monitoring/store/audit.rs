//! The audit trail: one entry appended with every change, in the same transaction, and read
//! by page.

use chrono::Utc;
use entity::{audit_entry, monitoring_record};
use sea_orm::sea_query::Order;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, Set,
};
use serde_json::Value;
use tracing::instrument;

use super::Actor;
use crate::error::ApiError;
use crate::pagination::Page;
use crate::store::page_of;
use crate::traces::TARGET;

/// Appends an audit entry.
#[expect(clippy::too_many_arguments, reason = "one column each")]
pub async fn audit<C: ConnectionTrait>(
    conn: &C,
    plan_id: i32,
    actor: &Actor,
    record_type: &str,
    record_id: Option<i32>,
    owner: (Option<String>, Option<String>),
    operation: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), ApiError> {
    let v = &actor.viewer;
    audit_entry::ActiveModel {
        id: NotSet,
        plan_id: Set(plan_id),
        at: Set(Utc::now()),
        actor_sub: Set(v.sub.clone()),
        actor_role: Set(v.role.claim().unwrap_or("anonymous").to_owned()),
        actor_unit: Set(v.unit.clone()),
        actor_municipality: Set(v.municipality.clone()),
        record_type: Set(record_type.to_owned()),
        record_id: Set(record_id),
        owner_unit: Set(owner.0),
        owner_municipality: Set(owner.1),
        operation: Set(operation.to_owned()),
        before: Set(before),
        after: Set(after),
        request_id: Set(actor.request_id.clone()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Appends the audit entry of `operation` on the existing record `current` (of its plan, kind
/// and owner), from `before` to `after`.
pub async fn audit_change<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    current: &monitoring_record::Model,
    operation: &str,
    before: Value,
    after: Value,
) -> Result<(), ApiError> {
    audit(
        conn,
        current.plan_id,
        actor,
        &current.record_type,
        Some(current.id),
        (
            current.owner_unit.clone(),
            current.owner_municipality.clone(),
        ),
        operation,
        Some(before),
        Some(after),
    )
    .await
}

/// Whose audit entries a viewer may read.
#[derive(Clone, Debug)]
pub enum AuditScope {
    /// All entries.
    All,
    /// Entries about records owned by these units.
    Units(Vec<String>),
    /// Entries about records of this municipality.
    Municipality(String),
}

/// Conditions of an audit listing.
#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    /// The plan.
    pub plan_id: i32,
    /// Only entries about this record: its stored kind and id.
    pub record: Option<(String, i32)>,
    /// Only this operation.
    pub operation: Option<String>,
    /// Only entries by this subject.
    pub actor_sub: Option<String>,
}

/// One page of audit entries, newest first.
#[instrument(target = TARGET, name = "store.monitoring.audit_page", skip_all)]
pub async fn audit_page(
    db: &DatabaseConnection,
    q: &AuditQuery,
    scope: &AuditScope,
    page: Page,
) -> Result<(Vec<audit_entry::Model>, u64), ApiError> {
    let mut cond = Condition::all().add(audit_entry::Column::PlanId.eq(q.plan_id));
    match scope {
        AuditScope::All => {}
        AuditScope::Units(units) => {
            cond = cond.add(audit_entry::Column::OwnerUnit.is_in(units.iter().cloned()));
        }
        AuditScope::Municipality(ine) => {
            cond = cond.add(audit_entry::Column::OwnerMunicipality.eq(ine.as_str()));
        }
    }
    if let Some((record_type, id)) = &q.record {
        cond = cond
            .add(audit_entry::Column::RecordType.eq(record_type.as_str()))
            .add(audit_entry::Column::RecordId.eq(*id));
    }
    if let Some(op) = &q.operation {
        cond = cond.add(audit_entry::Column::Operation.eq(op.as_str()));
    }
    if let Some(sub) = &q.actor_sub {
        cond = cond.add(audit_entry::Column::ActorSub.eq(sub.as_str()));
        // A filter matches only what its reader may see: a scoped reader sees the subjects of
        // its own unit's or municipality's writers only (`policy::sees_audit_actor`), so a
        // count of entries by anyone else's subject would confirm that subject.
        match scope {
            AuditScope::All => {}
            AuditScope::Units(units) => {
                cond = cond.add(audit_entry::Column::ActorUnit.is_in(units.iter().cloned()));
            }
            AuditScope::Municipality(ine) => {
                cond = cond.add(audit_entry::Column::ActorMunicipality.eq(ine.as_str()));
            }
        }
    }
    let select = audit_entry::Entity::find().filter(cond);
    let order = (audit_entry::Column::Id, Order::Desc);
    Ok(page_of(db, select, order, page).await?)
}
