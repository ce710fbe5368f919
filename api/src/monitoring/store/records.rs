//! Creating, reading and updating monitoring records.

use std::collections::HashMap;

use chrono::Utc;
use entity::{monitoring_record, record_link};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set, SqlErr, TransactionTrait,
};
use serde_json::{Value, json};
use tracing::instrument;

use super::super::{RecordKind, ReviewState};
use super::audit::{audit, audit_change};
use super::idempotency::{hash_request, is_retry, principal};
use super::latest::subject_of;
use super::{Actor, Link};
use crate::error::ApiError;
use crate::events::{self, ChangeType, NewEvent};
use crate::traces::TARGET;

/// A record to create.
#[derive(Clone, Debug)]
pub struct NewRecord {
    /// Its kind.
    pub record_type: RecordKind,
    /// Its human code, for indicators.
    pub code: Option<String>,
    /// Its reporting year.
    pub year: Option<i32>,
    /// Its kind's fields.
    pub payload: Value,
    /// What it is about.
    pub links: Vec<Link>,
    /// The unit it belongs to (areas' records).
    pub owner_unit: Option<String>,
    /// The municipality it belongs to (municipalities' records).
    pub owner_municipality: Option<String>,
    /// DRAFT, or SUBMITTED when the reporter submits it at once.
    pub state: ReviewState,
    /// Synthetic demonstration data.
    pub synthetic: bool,
}

/// Changes to a record's content.
#[derive(Clone, Debug)]
pub struct Changes {
    /// New code.
    pub code: Option<String>,
    /// New year.
    pub year: Option<i32>,
    /// New fields.
    pub payload: Value,
    /// New links.
    pub links: Vec<Link>,
}

/// A record as the audit trail keeps it.
pub(super) fn snapshot(m: &monitoring_record::Model, links: &[Link]) -> Value {
    json!({
        "id": m.id,
        "type": m.record_type,
        "code": m.code,
        "year": m.year,
        "state": m.state,
        "version": m.version,
        "payload": m.payload,
        "reviewComment": m.review_comment,
        "links": links.iter().map(|(t, c)| json!([t, c])).collect::<Vec<_>>(),
    })
}

/// Replaces the links of `record`, each row with its copies of the record's filtered columns
/// (see `entity::record_link`).
async fn write_links(
    txn: &DatabaseTransaction,
    record: &monitoring_record::Model,
    links: &[Link],
) -> Result<(), ApiError> {
    record_link::Entity::delete_many()
        .filter(record_link::Column::RecordId.eq(record.id))
        .exec(txn)
        .await?;
    if links.is_empty() {
        return Ok(());
    }
    let rows = links
        .iter()
        .enumerate()
        .map(|(i, (t, c))| record_link::ActiveModel {
            id: NotSet,
            record_id: Set(record.id),
            target_type: Set(t.clone()),
            target_code: Set(c.clone()),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            plan_id: Set(record.plan_id),
            record_type: Set(record.record_type.clone()),
            state: Set(record.state.clone()),
            year: Set(record.year),
            owner_unit: Set(record.owner_unit.clone()),
            owner_municipality: Set(record.owner_municipality.clone()),
        });
    record_link::Entity::insert_many(rows).exec(txn).await?;
    Ok(())
}

/// Keeps the state copied onto the links of record `id` in step with the record's.
pub(super) async fn copy_state(
    txn: &DatabaseTransaction,
    id: i32,
    state: ReviewState,
) -> Result<(), ApiError> {
    record_link::Entity::update_many()
        .col_expr(record_link::Column::State, Expr::value(state.as_str()))
        .filter(record_link::Column::RecordId.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}

/// The links of a record, in order.
pub async fn links<C: ConnectionTrait>(conn: &C, id: i32) -> Result<Vec<Link>, ApiError> {
    Ok(record_link::Entity::find()
        .filter(record_link::Column::RecordId.eq(id))
        .order_by_asc(record_link::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|l| (l.target_type, l.target_code))
        .collect())
}

/// A record by id.
#[instrument(target = TARGET, name = "store.monitoring.get", skip_all)]
pub async fn get(
    db: &DatabaseConnection,
    id: i32,
) -> Result<Option<monitoring_record::Model>, ApiError> {
    Ok(monitoring_record::Entity::find_by_id(id).one(db).await?)
}

/// A record by its public identifier (the key of its global ID).
#[instrument(target = TARGET, name = "store.monitoring.by_public_id", skip_all)]
pub async fn by_public_id(
    db: &DatabaseConnection,
    public_id: &str,
) -> Result<Option<monitoring_record::Model>, ApiError> {
    Ok(monitoring_record::Entity::find()
        .filter(monitoring_record::Column::PublicId.eq(public_id))
        .one(db)
        .await?)
}

/// The kind and public identifier of many records, by surrogate key.
#[instrument(target = TARGET, name = "store.monitoring.public_ids", skip_all)]
pub async fn public_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> Result<HashMap<i32, (String, String)>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(monitoring_record::Entity::find()
        .filter(monitoring_record::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, (m.record_type, m.public_id)))
        .collect())
}

/// Creates a record, or returns the one an earlier request with the same idempotency key
/// created (and `false`). The same key with a different request is a `CONFLICT`.
#[instrument(target = TARGET, name = "store.monitoring.create", skip_all)]
pub async fn create(
    db: &DatabaseConnection,
    plan_id: i32,
    actor: &Actor,
    new: NewRecord,
    idempotency_key: &str,
) -> Result<(monitoring_record::Model, bool), ApiError> {
    let sub = actor.viewer.sub.clone().unwrap_or_default();
    let hash = hash_request(&new, Some(&principal(actor, &new)));
    // Keys are unique per subject (the index); a record found under this subject's key but
    // made by another principal, or for another request, is a CONFLICT that tells nothing of it.
    let existing = |db: &DatabaseConnection| {
        let sub = sub.clone();
        let key = idempotency_key.to_owned();
        let db = db.clone();
        async move {
            monitoring_record::Entity::find()
                .filter(monitoring_record::Column::OwnerSub.eq(sub))
                .filter(monitoring_record::Column::IdempotencyKey.eq(key))
                .one(&db)
                .await
        }
    };
    let replay = |found: monitoring_record::Model| {
        if is_retry(&found, actor, &new) {
            Ok((found, false))
        } else {
            Err(ApiError::Conflict {
                message: "this idempotency key was already used for a different request".to_owned(),
                current_version: None,
            })
        }
    };
    if let Some(found) = existing(db).await? {
        return replay(found);
    }
    let now = Utc::now();
    let txn = db.begin().await?;
    let inserted = monitoring_record::ActiveModel {
        id: NotSet,
        plan_id: Set(plan_id),
        record_type: Set(new.record_type.as_str().to_owned()),
        code: Set(new.code.clone()),
        year: Set(new.year),
        subject: Set(subject_of(new.record_type, &new.payload)),
        state: Set(new.state.as_str().to_owned()),
        version: Set(1),
        payload: Set(new.payload.clone()),
        review_comment: Set(None),
        public_id: Set(uuid::Uuid::new_v4().to_string()),
        owner_sub: Set(sub.clone()),
        owner_role: Set(actor.viewer.role.claim().unwrap_or("anonymous").to_owned()),
        owner_unit: Set(new.owner_unit.clone()),
        owner_municipality: Set(new.owner_municipality.clone()),
        idempotency_key: Set(Some(idempotency_key.to_owned())),
        request_hash: Set(Some(hash.clone())),
        synthetic: Set(new.synthetic),
        created_at: Set(now),
        updated_at: Set(now),
        published_at: Set(None),
    }
    .insert(&txn)
    .await;
    let model = match inserted {
        Ok(m) => m,
        Err(err) => {
            txn.rollback().await?;
            return match err.sql_err() {
                // A concurrent retry with the same key won the race: answer as it did.
                Some(SqlErr::UniqueConstraintViolation(_)) => match existing(db).await? {
                    Some(found) => replay(found),
                    None => Err(ApiError::Conflict {
                        message: format!(
                            "a record with code {:?} already exists",
                            new.code.unwrap_or_default()
                        ),
                        current_version: None,
                    }),
                },
                _ => Err(err.into()),
            };
        }
    };
    write_links(&txn, &model, &new.links).await?;
    audit(
        &txn,
        plan_id,
        actor,
        new.record_type.as_str(),
        Some(model.id),
        (model.owner_unit.clone(), model.owner_municipality.clone()),
        "CREATE",
        None,
        Some(snapshot(&model, &new.links)),
    )
    .await?;
    if new.state == ReviewState::Submitted {
        events::append(
            &txn,
            NewEvent::record(ChangeType::RecordSubmitted, None, &model),
        )
        .await?;
    }
    txn.commit().await?;
    Ok((model, true))
}

pub(super) fn stale(current: Option<&monitoring_record::Model>, id: i32) -> ApiError {
    match current {
        Some(m) => ApiError::Conflict {
            message: format!(
                "the record changed since you read it: it is at version {}; read it again and \
                 reapply your change",
                m.version
            ),
            current_version: Some(m.version),
        },
        None => ApiError::NotFound(format!("no monitoring record {id}")),
    }
}

/// Applies `changes` if the record is still at `expected_version`.
#[instrument(target = TARGET, name = "store.monitoring.update", skip_all)]
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    current: &monitoring_record::Model,
    expected_version: i32,
    changes: Changes,
) -> Result<monitoring_record::Model, ApiError> {
    // A record keeps its kind: the service loads it as the kind of the change.
    let kind: RecordKind = current.record_type.parse()?;
    let txn = db.begin().await?;
    // Write first, read after: on SQLite a transaction that reads before it writes can
    // deadlock with a concurrent writer ("database is locked"); the conditional UPDATE makes
    // the loser of a race wait and then find the version changed.
    let result = monitoring_record::Entity::update_many()
        .col_expr(
            monitoring_record::Column::Code,
            Expr::value(changes.code.clone()),
        )
        .col_expr(monitoring_record::Column::Year, Expr::value(changes.year))
        .col_expr(
            monitoring_record::Column::Payload,
            Expr::value(changes.payload.clone()),
        )
        .col_expr(
            monitoring_record::Column::Subject,
            Expr::value(subject_of(kind, &changes.payload)),
        )
        .col_expr(
            monitoring_record::Column::UpdatedAt,
            Expr::value(Utc::now()),
        )
        .col_expr(
            monitoring_record::Column::Version,
            Expr::col(monitoring_record::Column::Version).add(1),
        )
        .filter(monitoring_record::Column::Id.eq(current.id))
        .filter(monitoring_record::Column::Version.eq(expected_version))
        .exec(&txn)
        .await;
    let result = match result {
        Ok(r) => r,
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            txn.rollback().await?;
            return Err(ApiError::Conflict {
                message: format!(
                    "a record with code {:?} already exists",
                    changes.code.unwrap_or_default()
                ),
                current_version: None,
            });
        }
        Err(err) => return Err(err.into()),
    };
    if result.rows_affected != 1 {
        txn.rollback().await?;
        return Err(stale(get(db, current.id).await?.as_ref(), current.id));
    }
    let before_links = links(&txn, current.id).await?;
    let after = monitoring_record::Entity::find_by_id(current.id)
        .one(&txn)
        .await?
        .ok_or(ApiError::Internal)?;
    write_links(&txn, &after, &changes.links).await?;
    audit_change(
        &txn,
        actor,
        current,
        "UPDATE",
        snapshot(current, &before_links),
        snapshot(&after, &changes.links),
    )
    .await?;
    if current.state == ReviewState::Published.as_str() {
        // A coordinator's edit of a published record changes what everyone reads.
        crate::generation::bump(&txn).await?;
    }
    txn.commit().await?;
    Ok(after)
}
