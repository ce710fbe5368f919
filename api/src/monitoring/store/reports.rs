//! Published annual reports: stored once, frozen.

use chrono::Utc;
use entity::annual_report;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, DatabaseConnection, EntityTrait,
    QueryFilter, Set, SqlErr, TransactionTrait,
};
use serde_json::{Value, json};
use tracing::instrument;

use super::Actor;
use super::audit::audit;
use crate::error::ApiError;
use crate::events::{self, ChangeType, NewEvent};
use crate::traces::TARGET;

/// The published report of `year`, if any.
#[instrument(target = TARGET, name = "store.monitoring.published_report", skip_all)]
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
#[instrument(target = TARGET, name = "store.monitoring.publish_report", skip_all)]
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
