//! Review-state changes: submit, publish, return, archive.

use chrono::Utc;
use entity::monitoring_record;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::Value;
use tracing::instrument;

use super::Actor;
use super::audit::audit_change;
use super::records::{copy_state, get, links, snapshot, stale};
use crate::error::ApiError;
use crate::events::{self, ChangeType, NewEvent};
use crate::monitoring::ReviewState;
use crate::traces::TARGET;

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
#[instrument(target = TARGET, name = "store.monitoring.transition", skip_all)]
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
    copy_state(&txn, current.id, step.to()).await?;
    let after = monitoring_record::Entity::find_by_id(current.id)
        .one(&txn)
        .await?
        .ok_or(ApiError::Internal)?;
    let record_links = links(&txn, current.id).await?;
    audit_change(
        &txn,
        actor,
        current,
        step.operation(),
        snapshot(current, &record_links),
        snapshot(&after, &record_links),
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
