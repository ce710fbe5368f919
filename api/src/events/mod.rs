//! The event log: every change another AMB system may care about, appended with
//! [`append`] in the same transaction as the change itself.
//!
//! Because the row commits or rolls back with the change, the change feed (`changes`), the
//! subscriptions fanned out by [`hub`] and the webhook [`outbox`] never announce a change that did
//! not happen and never miss one that did. Events are read in `id` order; on PostgreSQL,
//! [`append`] takes a transaction-scoped advisory lock first so that ids are also committed in
//! order (without it, a transaction holding id 7 could commit after one holding id 8, and a
//! reader that had already moved past 8 would never see 7). SQLite has one writer at a time,
//! which gives the same guarantee for free.

pub mod feed;
pub mod hub;
pub mod outbox;

use chrono::Utc;
use entity::{event, monitoring_record};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ConnectionTrait, DatabaseBackend, DatabaseTransaction,
    EntityTrait, Set, Statement,
};
use serde_json::{Value, json};
use tracing::instrument;

use crate::error::ApiError;
use crate::monitoring::ReviewState;
use crate::traces::TARGET;

/// The PostgreSQL channel that wakes other replicas when an event commits.
pub const CHANNEL: &str = "plan_api_events";

/// The advisory lock serializing event appends on PostgreSQL (an arbitrary constant: "plan"
/// "events").
const APPEND_LOCK: i64 = 0x706c_616e_0065_7665;

/// The kinds of change the log records.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeType {
    /// A monitoring record was sent for review (visible to its reporter, readers and
    /// coordinators only).
    RecordSubmitted,
    /// A monitoring record was published: everyone may now read it.
    RecordPublished,
    /// A monitoring record was returned to its reporter with a comment (not public).
    RecordReturned,
    /// A monitoring record was archived. Public when the record had been published (it is no
    /// longer shown), restricted otherwise.
    RecordArchived,
    /// The annual activity report of a year was published and frozen.
    AnnualReportPublished,
    /// A reporting year was opened again for reporting.
    ReportingYearOpened,
    /// A reporting year was closed: its records are left to coordinators.
    ReportingYearClosed,
    /// The plan's content (its text, actions, organizations…) was reloaded from its data files
    /// and changed.
    PlanContentChanged,
}

impl ChangeType {
    /// Every change type.
    pub const ALL: [ChangeType; 8] = [
        ChangeType::RecordSubmitted,
        ChangeType::RecordPublished,
        ChangeType::RecordReturned,
        ChangeType::RecordArchived,
        ChangeType::AnnualReportPublished,
        ChangeType::ReportingYearOpened,
        ChangeType::ReportingYearClosed,
        ChangeType::PlanContentChanged,
    ];

    /// Whether events of this type can be public, and so reach webhooks. Submissions and
    /// returns are steps of a review, which only the reporter and the reviewers see.
    pub fn is_deliverable(self) -> bool {
        !matches!(
            self,
            ChangeType::RecordSubmitted | ChangeType::RecordReturned
        )
    }

    /// The stored (and wire) name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeType::RecordSubmitted => "RECORD_SUBMITTED",
            ChangeType::RecordPublished => "RECORD_PUBLISHED",
            ChangeType::RecordReturned => "RECORD_RETURNED",
            ChangeType::RecordArchived => "RECORD_ARCHIVED",
            ChangeType::AnnualReportPublished => "ANNUAL_REPORT_PUBLISHED",
            ChangeType::ReportingYearOpened => "REPORTING_YEAR_OPENED",
            ChangeType::ReportingYearClosed => "REPORTING_YEAR_CLOSED",
            ChangeType::PlanContentChanged => "PLAN_CONTENT_CHANGED",
        }
    }

    /// The change type stored as `name`.
    pub fn from_stored(name: &str) -> Option<ChangeType> {
        ChangeType::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// What a new event says and who may see it.
#[derive(Clone, Debug)]
pub struct NewEvent {
    /// The kind of change.
    pub change: ChangeType,
    /// The plan it is about.
    pub plan_id: Option<i32>,
    /// What it is about, to build its global ID from.
    pub subject: Subject,
    /// Everyone may see it.
    pub public: bool,
    /// Otherwise: the reporter's unit…
    pub owner_unit: Option<String>,
    /// …or municipality.
    pub owner_municipality: Option<String>,
    /// A small description (never texts of unpublished records).
    pub payload: Value,
}

/// The object an event is about.
#[derive(Clone, Debug)]
pub enum Subject {
    /// A monitoring record: its stored kind and public identifier.
    Record {
        /// Stored kind (`PROGRESS_UPDATE`).
        record_type: String,
        /// Random public identifier.
        public_id: String,
    },
    /// The plan itself (content changes, reporting years, annual reports).
    Plan,
}

impl NewEvent {
    /// A review-state change of a record, now `after`; `previous_state` is its state before
    /// (none when it was created in that state).
    pub fn record(
        change: ChangeType,
        previous_state: Option<&str>,
        after: &monitoring_record::Model,
    ) -> Self {
        // Archiving a published record tells the public it is gone; anything else about an
        // unpublished record is for those who may see it unpublished.
        let public = change == ChangeType::RecordPublished
            || (change == ChangeType::RecordArchived
                && previous_state == Some(ReviewState::Published.as_str()));
        NewEvent {
            change,
            plan_id: Some(after.plan_id),
            subject: Subject::Record {
                record_type: after.record_type.clone(),
                public_id: after.public_id.clone(),
            },
            public,
            owner_unit: after.owner_unit.clone(),
            owner_municipality: after.owner_municipality.clone(),
            payload: json!({
                "recordType": crate::monitoring::RecordKind::of_stored(&after.record_type)
                    .map(crate::monitoring::RecordKind::type_name),
                "state": after.state,
                "previousState": previous_state,
                "version": after.version,
                "year": after.year,
            }),
        }
    }

    /// A public change of the plan as a whole (`payload` describes it).
    pub fn plan(change: ChangeType, plan_id: i32, payload: Value) -> Self {
        NewEvent {
            change,
            plan_id: Some(plan_id),
            subject: Subject::Plan,
            public: true,
            owner_unit: None,
            owner_municipality: None,
            payload,
        }
    }
}

/// Appends `event` to the log inside `txn`, the transaction of the change it describes.
#[instrument(target = TARGET, name = "store.events.append", skip_all)]
pub async fn append(txn: &DatabaseTransaction, event: NewEvent) -> Result<event::Model, ApiError> {
    let backend = txn.get_database_backend();
    if backend == DatabaseBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            "SELECT pg_advisory_xact_lock($1)",
            [APPEND_LOCK.into()],
        ))
        .await?;
    }
    let plan_code = match event.plan_id {
        Some(id) => entity::plan::Entity::find_by_id(id)
            .one(txn)
            .await?
            .map(|p| p.code),
        None => None,
    };
    let node_id = match (&event.subject, &plan_code) {
        (
            Subject::Record {
                record_type,
                public_id,
            },
            Some(plan),
        ) => crate::monitoring::RecordKind::of_stored(record_type)
            .map(|k| crate::ids::GlobalId::of_plan_record(k.type_name(), plan, public_id).0),
        (Subject::Plan, Some(plan)) => Some(crate::ids::GlobalId::of_shared("Plan", plan).0),
        (_, None) => None,
    };
    let mut payload = event.payload;
    if let (Value::Object(map), Some(plan)) = (&mut payload, plan_code) {
        map.insert("plan".to_owned(), Value::String(plan));
    }
    let owner = feed::Owner::of(
        event.owner_unit.as_deref(),
        event.owner_municipality.as_deref(),
    );
    let (public_seq, owner_seq) = feed::next_numbers(txn, event.public, &owner).await?;
    // What the event sets off later (webhook attempts) continues the trace of this change.
    let (traceparent, tracestate) = crate::traces::stored_context();
    let model = event::ActiveModel {
        id: NotSet,
        plan_id: Set(event.plan_id),
        event_type: Set(event.change.as_str().to_owned()),
        node_id: Set(node_id),
        occurred_at: Set(Utc::now()),
        public: Set(event.public),
        owner_unit: Set(event.owner_unit),
        owner_municipality: Set(event.owner_municipality),
        payload: Set(payload),
        public_seq: Set(public_seq),
        owner_seq: Set(owner_seq),
        traceparent: Set(traceparent),
        tracestate: Set(tracestate),
    }
    .insert(txn)
    .await?;
    // The webhook outbox is written with the event: a rolled-back change queues nothing.
    outbox::enqueue(txn, &model).await?;
    if backend == DatabaseBackend::Postgres && crate::db::pg_notify() {
        // Delivered on commit only, and not at all on rollback: other replicas wake for
        // committed events alone.
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), model.id.to_string().into()],
        ))
        .await?;
    }
    hub::poke();
    Ok(model)
}
