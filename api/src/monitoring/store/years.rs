//! Reporting years: created by the seed, opened and closed by coordinators.

use chrono::Utc;
use entity::reporting_year;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use serde_json::json;
use tracing::instrument;

use super::Actor;
use super::audit::audit;
use crate::error::ApiError;
use crate::events::{self, ChangeType, NewEvent};
use crate::traces::TARGET;

/// The reporting years of a plan, oldest first. A read: the rows are created by the seed
/// (see [`ensure_reporting_years`]).
#[instrument(target = TARGET, name = "store.monitoring.reporting_years", skip_all)]
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
#[instrument(target = TARGET, name = "store.monitoring.ensure_reporting_years", skip_all)]
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
#[instrument(target = TARGET, name = "store.monitoring.year_closed", skip_all)]
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
#[instrument(target = TARGET, name = "store.monitoring.set_year_closed", skip_all)]
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
