//! Reading and writing monitoring records. Every write runs in one transaction that also
//! appends its audit entry; updates are conditional on the version the client read, so two
//! concurrent writers cannot both win.
//!
//! Over 700 lines, not split yet (#11): it holds records, listing conditions, reporting years,
//! audit and annual reports; it splits along those lines into `store/{records,query,years,audit,
//! reports}.rs`, left for a change of its own so that the service layer above it stays stable.
// Over 700 lines: to be split into modules a newcomer can name under issue 11 (typed domain
// and one service layer), which reshapes this file anyway.

use std::collections::HashMap;

use chrono::Utc;
use entity::{annual_report, audit_entry, monitoring_record, record_link, reporting_year};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, SqlErr, TransactionTrait,
};
use serde_json::{Value, json};

use super::{RecordKind, ReviewState, Visibility};
use crate::auth::Viewer;
use crate::error::ApiError;
use crate::events::{self, ChangeType, NewEvent};
use crate::pagination::Page;

/// Who is writing, and in which request.
#[derive(Clone, Debug)]
pub struct Actor {
    /// The viewer.
    pub viewer: Viewer,
    /// The request's id, recorded in the audit trail.
    pub request_id: String,
}

/// A link of a record to what it is about: `(target type, code)`.
pub type Link = (String, String);

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
fn snapshot(m: &monitoring_record::Model, links: &[Link]) -> Value {
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

/// Who a create request is made by and for: the whole principal (role, unit, municipality
/// and subject of the token, and the owner the record gets), not the subject alone. Two tokens
/// may share a `sub` and differ in their unit or INE code; each must be a stranger to the
/// other's idempotency keys.
fn principal(actor: &Actor, new: &NewRecord) -> Value {
    let v = &actor.viewer;
    json!([
        v.role.claim().unwrap_or("anonymous"),
        v.unit,
        v.municipality,
        v.sub,
        new.owner_unit,
        new.owner_municipality
    ])
}

/// A hash of a create request; with `principal`, of who made it too. Without it, the hash
/// that records created before the principal was hashed carry.
fn hash_request(new: &NewRecord, principal: Option<&Value>) -> String {
    let content = json!([
        new.record_type.as_str(),
        new.code,
        new.year,
        new.payload,
        new.links,
        new.state.as_str()
    ]);
    let text = match principal {
        Some(p) => format!("v2:{}:{content}", p),
        None => content.to_string(),
    };
    // FNV-1a: only tells a retry from a different request under the same key.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let hex = format!("{h:016x}");
    if principal.is_some() {
        format!("v2:{hex}")
    } else {
        hex
    }
}

/// Whether `found`, the record an earlier request created under the same key, answers this
/// request: same content, same principal.
fn is_retry(found: &monitoring_record::Model, actor: &Actor, new: &NewRecord) -> bool {
    let v = &actor.viewer;
    let same_owner = found.owner_sub == v.sub.clone().unwrap_or_default()
        && found.owner_role == v.role.claim().unwrap_or("anonymous")
        && found.owner_unit == new.owner_unit
        && found.owner_municipality == new.owner_municipality;
    let hash = found.request_hash.as_deref();
    let same_request = hash == Some(hash_request(new, Some(&principal(actor, new))).as_str())
        // Created before the principal was part of the hash: the owner columns stand in.
        || hash == Some(hash_request(new, None).as_str());
    same_owner && same_request && found.record_type == new.record_type.as_str()
}

async fn write_links(txn: &DatabaseTransaction, id: i32, links: &[Link]) -> Result<(), ApiError> {
    record_link::Entity::delete_many()
        .filter(record_link::Column::RecordId.eq(id))
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
            record_id: Set(id),
            target_type: Set(t.clone()),
            target_code: Set(c.clone()),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
        });
    record_link::Entity::insert_many(rows).exec(txn).await?;
    Ok(())
}

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
pub async fn get(
    db: &DatabaseConnection,
    id: i32,
) -> Result<Option<monitoring_record::Model>, ApiError> {
    Ok(monitoring_record::Entity::find_by_id(id).one(db).await?)
}

/// A record by its public identifier (the key of its global ID).
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
    write_links(&txn, model.id, &new.links).await?;
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

fn stale(current: Option<&monitoring_record::Model>, id: i32) -> ApiError {
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
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    current: &monitoring_record::Model,
    expected_version: i32,
    changes: Changes,
) -> Result<monitoring_record::Model, ApiError> {
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
    write_links(&txn, current.id, &changes.links).await?;
    let after = monitoring_record::Entity::find_by_id(current.id)
        .one(&txn)
        .await?
        .ok_or(ApiError::Internal)?;
    audit(
        &txn,
        current.plan_id,
        actor,
        &current.record_type,
        Some(current.id),
        (
            current.owner_unit.clone(),
            current.owner_municipality.clone(),
        ),
        "UPDATE",
        Some(snapshot(current, &before_links)),
        Some(snapshot(&after, &changes.links)),
    )
    .await?;
    if current.state == ReviewState::Published.as_str() {
        // A coordinator's edit of a published record changes what everyone reads.
        crate::generation::bump(&txn).await?;
    }
    txn.commit().await?;
    Ok(after)
}

/// A review-state change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// DRAFT or RETURNED → SUBMITTED.
    Submit,
    /// SUBMITTED → PUBLISHED. A reviewer's own records go through `Submit` too: nothing is
    /// published that its reporter did not send for review.
    Publish,
    /// SUBMITTED → RETURNED, with a comment.
    Return,
    /// any but ARCHIVED → ARCHIVED.
    Archive,
}

impl Transition {
    /// The audit operation.
    pub fn operation(self) -> &'static str {
        match self {
            Transition::Submit => "SUBMIT",
            Transition::Publish => "PUBLISH",
            Transition::Return => "RETURN",
            Transition::Archive => "ARCHIVE",
        }
    }

    /// The event the change appends.
    pub fn change(self) -> ChangeType {
        match self {
            Transition::Submit => ChangeType::RecordSubmitted,
            Transition::Publish => ChangeType::RecordPublished,
            Transition::Return => ChangeType::RecordReturned,
            Transition::Archive => ChangeType::RecordArchived,
        }
    }

    fn allowed_from(self) -> &'static [ReviewState] {
        use ReviewState::{Draft, Published, Returned, Submitted};
        match self {
            Transition::Submit => &[Draft, Returned],
            Transition::Publish => &[Submitted],
            Transition::Return => &[Submitted],
            Transition::Archive => &[Draft, Submitted, Published, Returned],
        }
    }

    fn to(self) -> ReviewState {
        match self {
            Transition::Submit => ReviewState::Submitted,
            Transition::Publish => ReviewState::Published,
            Transition::Return => ReviewState::Returned,
            Transition::Archive => ReviewState::Archived,
        }
    }
}

/// Moves a record to its next review state if it is still at `expected_version`.
pub async fn transition(
    db: &DatabaseConnection,
    actor: &Actor,
    current: &monitoring_record::Model,
    expected_version: i32,
    step: Transition,
    comment: Option<Value>,
) -> Result<monitoring_record::Model, ApiError> {
    if current.version != expected_version {
        return Err(stale(Some(current), current.id));
    }
    let from = current.state.parse::<ReviewState>().map_err(|e| {
        tracing::error!(error = %e, id = current.id, "stored review state outside its set");
        ApiError::Internal
    })?;
    if !step.allowed_from().contains(&from) {
        let verb = match step {
            Transition::Submit => "submitted",
            Transition::Publish => "published",
            Transition::Return => "returned",
            Transition::Archive => "archived",
        };
        let why = match step {
            Transition::Publish | Transition::Return => {
                "; only SUBMITTED records are reviewed: submit it first"
            }
            Transition::Submit | Transition::Archive => "",
        };
        return Err(ApiError::Conflict {
            message: format!("a {} record cannot be {verb}{why}", current.state),
            current_version: Some(current.version),
        });
    }
    let txn = db.begin().await?;
    let now = Utc::now();
    let mut update = monitoring_record::Entity::update_many()
        .col_expr(
            monitoring_record::Column::State,
            Expr::value(step.to().as_str()),
        )
        .col_expr(monitoring_record::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            monitoring_record::Column::Version,
            Expr::col(monitoring_record::Column::Version).add(1),
        );
    if step == Transition::Publish {
        // The review is over: its comments stay in the audit trail, not on the public record.
        update = update
            .col_expr(monitoring_record::Column::PublishedAt, Expr::value(now))
            .col_expr(
                monitoring_record::Column::ReviewComment,
                Expr::value(Option::<Value>::None),
            );
    }
    if step == Transition::Return {
        update = update.col_expr(
            monitoring_record::Column::ReviewComment,
            Expr::value(comment),
        );
    }
    let result = update
        .filter(monitoring_record::Column::Id.eq(current.id))
        .filter(monitoring_record::Column::Version.eq(expected_version))
        .exec(&txn)
        .await?;
    if result.rows_affected != 1 {
        txn.rollback().await?;
        return Err(stale(get(db, current.id).await?.as_ref(), current.id));
    }
    let after = monitoring_record::Entity::find_by_id(current.id)
        .one(&txn)
        .await?
        .ok_or(ApiError::Internal)?;
    let record_links = links(&txn, current.id).await?;
    audit(
        &txn,
        current.plan_id,
        actor,
        &current.record_type,
        Some(current.id),
        (
            current.owner_unit.clone(),
            current.owner_municipality.clone(),
        ),
        step.operation(),
        Some(snapshot(current, &record_links)),
        Some(snapshot(&after, &record_links)),
    )
    .await?;
    events::append(
        &txn,
        NewEvent::record(step.change(), Some(&current.state), &after),
    )
    .await?;
    if step == Transition::Publish || from == ReviewState::Published {
        // Published, or no longer published: what anonymous callers read changes.
        crate::generation::bump(&txn).await?;
    }
    txn.commit().await?;
    Ok(after)
}

/// Conditions of a record listing.
#[derive(Clone, Debug)]
pub struct RecordQuery {
    /// The plan.
    pub plan_id: i32,
    /// The kind of record.
    pub record_type: RecordKind,
    /// Only this reporting year.
    pub year: Option<i32>,
    /// Only this review state.
    pub state: Option<ReviewState>,
    /// Only records linked to all of these `(type, code)`.
    pub links: Vec<Link>,
    /// Only records changed at or after this instant.
    pub updated_since: Option<chrono::DateTime<Utc>>,
}

impl RecordQuery {
    /// Every record of `record_type` in the plan `plan_id` (narrowed by the other fields).
    pub fn new(plan_id: i32, record_type: RecordKind) -> Self {
        Self {
            plan_id,
            record_type,
            year: None,
            state: None,
            links: Vec::new(),
            updated_since: None,
        }
    }
}

fn visibility_condition(vis: &Visibility) -> Condition {
    let published = monitoring_record::Column::State.eq(ReviewState::Published.as_str());
    match vis {
        Visibility::All => Condition::all(),
        Visibility::PublishedOnly => Condition::all().add(published),
        Visibility::PublishedOrUnits(units) => Condition::any()
            .add(published)
            .add(monitoring_record::Column::OwnerUnit.is_in(units.iter().cloned())),
        Visibility::PublishedOrMunicipality(ine) => Condition::any()
            .add(published)
            .add(monitoring_record::Column::OwnerMunicipality.eq(ine.as_str())),
    }
}

/// The condition selecting the records of `q` that `vis` lets a caller see (for callers that
/// page through them).
pub fn record_condition(q: &RecordQuery, vis: &Visibility) -> Condition {
    let mut cond = Condition::all()
        .add(monitoring_record::Column::PlanId.eq(q.plan_id))
        .add(monitoring_record::Column::RecordType.eq(q.record_type.as_str()))
        .add(visibility_condition(vis));
    if let Some(year) = q.year {
        cond = cond.add(monitoring_record::Column::Year.eq(year));
    }
    if let Some(s) = q.state {
        cond = cond.add(monitoring_record::Column::State.eq(s.as_str()));
    }
    if let Some(t) = q.updated_since {
        cond = cond.add(monitoring_record::Column::UpdatedAt.gte(t));
    }
    for (t, c) in &q.links {
        let mut sub = Query::select();
        sub.column(record_link::Column::RecordId)
            .from(record_link::Entity)
            .and_where(record_link::Column::TargetType.eq(t.as_str()))
            .and_where(record_link::Column::TargetCode.eq(c.as_str()));
        cond = cond.add(monitoring_record::Column::Id.in_subquery(sub));
    }
    cond
}

/// One page of the records matching `q` that `vis` lets the viewer see, newest first.
pub async fn list(
    db: &DatabaseConnection,
    q: &RecordQuery,
    vis: &Visibility,
    page: Page,
) -> Result<(Vec<monitoring_record::Model>, u64), ApiError> {
    let select = monitoring_record::Entity::find().filter(record_condition(q, vis));
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_desc(monitoring_record::Column::Year)
        .order_by_desc(monitoring_record::Column::Id)
        .offset(page.offset)
        .limit(page.limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Every record matching `q` that `vis` lets the viewer see, oldest first.
pub async fn all(
    db: &DatabaseConnection,
    q: &RecordQuery,
    vis: &Visibility,
) -> Result<Vec<monitoring_record::Model>, ApiError> {
    Ok(monitoring_record::Entity::find()
        .filter(record_condition(q, vis))
        .order_by_asc(monitoring_record::Column::Id)
        .all(db)
        .await?)
}

/// The links of many records.
pub async fn links_of(
    db: &DatabaseConnection,
    ids: &[i32],
) -> Result<HashMap<i32, Vec<Link>>, ApiError> {
    let rows = record_link::Entity::find()
        .filter(record_link::Column::RecordId.is_in(ids.iter().copied()))
        .order_by_asc(record_link::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<i32, Vec<Link>> = HashMap::new();
    for l in rows {
        out.entry(l.record_id)
            .or_default()
            .push((l.target_type, l.target_code));
    }
    Ok(out)
}

/// The reporting years of a plan, oldest first. A read: the rows are created by the seed
/// (see [`ensure_reporting_years`]).
pub async fn reporting_years(
    db: &DatabaseConnection,
    plan: &entity::plan::Model,
) -> Result<Vec<reporting_year::Model>, ApiError> {
    Ok(reporting_year::Entity::find()
        .filter(reporting_year::Column::PlanId.eq(plan.id))
        .order_by_asc(reporting_year::Column::Year)
        .all(db)
        .await?)
}

/// Creates, open, the reporting years of the plan's period that have no row yet. Called by
/// the seed and before a year is opened or closed; never by a read. New years are public, so
/// creating them bumps the content generation in the same transaction.
pub async fn ensure_reporting_years(
    db: &DatabaseConnection,
    plan: &entity::plan::Model,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    let existing = reporting_year::Entity::find()
        .filter(reporting_year::Column::PlanId.eq(plan.id))
        .all(&txn)
        .await?;
    let missing: Vec<_> = (plan.start_year..=plan.end_year)
        .filter(|y| !existing.iter().any(|r| r.year == *y))
        .map(|year| reporting_year::ActiveModel {
            id: NotSet,
            plan_id: Set(plan.id),
            year: Set(year),
            closed: Set(false),
            version: Set(1),
            closed_at: Set(None),
            closed_by: Set(None),
        })
        .collect();
    if !missing.is_empty() {
        // Two processes may race to create them; the unique key keeps one of each.
        reporting_year::Entity::insert_many(missing)
            .on_conflict_do_nothing_on([
                reporting_year::Column::PlanId,
                reporting_year::Column::Year,
            ])
            .exec(&txn)
            .await?;
        crate::generation::bump(&txn).await?;
    }
    txn.commit().await
}

/// Whether `year` of `plan_id` is closed.
pub async fn year_closed(
    db: &DatabaseConnection,
    plan_id: i32,
    year: i32,
) -> Result<bool, ApiError> {
    Ok(reporting_year::Entity::find()
        .filter(reporting_year::Column::PlanId.eq(plan_id))
        .filter(reporting_year::Column::Year.eq(year))
        .one(db)
        .await?
        .is_some_and(|y| y.closed))
}

/// Opens or closes a reporting year.
pub async fn set_year_closed(
    db: &DatabaseConnection,
    actor: &Actor,
    year: &reporting_year::Model,
    expected_version: Option<i32>,
    closed: bool,
) -> Result<reporting_year::Model, ApiError> {
    if expected_version.is_some_and(|v| v != year.version) {
        return Err(ApiError::Conflict {
            message: format!("the reporting year is at version {}", year.version),
            current_version: Some(year.version),
        });
    }
    let txn = db.begin().await?;
    let now = Utc::now();
    let result = reporting_year::Entity::update_many()
        .col_expr(reporting_year::Column::Closed, Expr::value(closed))
        .col_expr(
            reporting_year::Column::ClosedAt,
            Expr::value(closed.then_some(now)),
        )
        .col_expr(
            reporting_year::Column::ClosedBy,
            Expr::value(if closed {
                actor.viewer.sub.clone()
            } else {
                None
            }),
        )
        .col_expr(
            reporting_year::Column::Version,
            Expr::col(reporting_year::Column::Version).add(1),
        )
        .filter(reporting_year::Column::Id.eq(year.id))
        .filter(reporting_year::Column::Version.eq(year.version))
        .exec(&txn)
        .await?;
    if result.rows_affected != 1 {
        txn.rollback().await?;
        return Err(ApiError::Conflict {
            message: "the reporting year changed meanwhile; read it again".to_owned(),
            current_version: None,
        });
    }
    let after = reporting_year::Entity::find_by_id(year.id)
        .one(&txn)
        .await?
        .ok_or(ApiError::Internal)?;
    audit(
        &txn,
        year.plan_id,
        actor,
        "REPORTING_YEAR",
        Some(year.id),
        (None, None),
        if closed { "CLOSE_YEAR" } else { "OPEN_YEAR" },
        Some(json!({ "year": year.year, "closed": year.closed, "version": year.version })),
        Some(json!({ "year": after.year, "closed": after.closed, "version": after.version })),
    )
    .await?;
    let change = if closed {
        ChangeType::ReportingYearClosed
    } else {
        ChangeType::ReportingYearOpened
    };
    events::append(
        &txn,
        NewEvent::plan(change, year.plan_id, json!({ "year": after.year })),
    )
    .await?;
    // Reporting years and whether they are closed are public.
    crate::generation::bump(&txn).await?;
    txn.commit().await?;
    Ok(after)
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
    }
    let select = audit_entry::Entity::find().filter(cond);
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_desc(audit_entry::Column::Id)
        .offset(page.offset)
        .limit(page.limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// The published report of `year`, if any.
pub async fn published_report(
    db: &DatabaseConnection,
    plan_id: i32,
    year: i32,
) -> Result<Option<annual_report::Model>, ApiError> {
    Ok(annual_report::Entity::find()
        .filter(annual_report::Column::PlanId.eq(plan_id))
        .filter(annual_report::Column::Year.eq(year))
        .one(db)
        .await?)
}

/// Stores `content` as the published report of `year`; a second publication is a `CONFLICT`.
pub async fn publish_report(
    db: &DatabaseConnection,
    actor: &Actor,
    plan_id: i32,
    year: i32,
    content: Value,
) -> Result<annual_report::Model, ApiError> {
    let txn = db.begin().await?;
    let inserted = annual_report::ActiveModel {
        id: NotSet,
        plan_id: Set(plan_id),
        year: Set(year),
        published_at: Set(Utc::now()),
        published_by: Set(actor.viewer.sub.clone().unwrap_or_default()),
        content: Set(content.clone()),
    }
    .insert(&txn)
    .await;
    let model = match inserted {
        Ok(m) => m,
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            txn.rollback().await?;
            return Err(ApiError::Conflict {
                message: format!("the annual report of {year} is already published"),
                current_version: None,
            });
        }
        Err(err) => return Err(err.into()),
    };
    audit(
        &txn,
        plan_id,
        actor,
        "ANNUAL_REPORT",
        Some(model.id),
        (None, None),
        "PUBLISH_REPORT",
        None,
        Some(json!({ "year": year })),
    )
    .await?;
    events::append(
        &txn,
        NewEvent::plan(
            ChangeType::AnnualReportPublished,
            plan_id,
            json!({ "year": year }),
        ),
    )
    .await?;
    crate::generation::bump(&txn).await?;
    txn.commit().await?;
    Ok(model)
}
