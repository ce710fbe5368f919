//! The latest published record of each subject, found by the database: the current progress
//! of each action and the latest measurement of each indicator.
//!
//! One statement each, whose rows are one per action or indicator however many records the
//! plan holds: for each subject a correlated subquery picks the newest published record by
//! `(year, id)` with one seek down `ix_monitoring_record_plan_id_record_type_state_subject_year_id`
//! (the same SQL on SQLite and PostgreSQL). `subject` is copied from the payload by every
//! write ([`subject_of`]), so no JSON is read in SQL.

use entity::{action, monitoring_record};
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Order, Query, SelectStatement, SimpleExpr, SubQueryStatement,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::Value;
use tracing::instrument;

use super::super::{RecordKind, ReviewState};
use crate::error::ApiError;
use crate::traces::TARGET;

/// What a record of `kind` with `payload` is about, as `monitoring_record.subject` keeps it: a
/// progress update's action code, a measurement's indicator id as decimal text (as links name
/// indicators); `None` for kinds about several things or none.
pub fn subject_of(kind: RecordKind, payload: &Value) -> Option<String> {
    match kind {
        RecordKind::ProgressUpdate => payload.get("action")?.as_str().map(str::to_owned),
        RecordKind::Measurement => payload
            .get("indicator_id")?
            .as_i64()
            .map(|id| id.to_string()),
        _ => None,
    }
}

/// The id of the newest published record of `kind` in `plan_id` whose subject is `subject`
/// (an expression on the outer query), up to `year`: a scalar subquery.
fn newest(plan_id: i32, kind: RecordKind, subject: SimpleExpr, year: Option<i32>) -> SimpleExpr {
    let m = Alias::new("newest");
    let col = |c: monitoring_record::Column| Expr::col((m.clone(), c));
    let mut q = Query::select();
    q.expr(col(monitoring_record::Column::Id))
        .from_as(monitoring_record::Entity, m.clone())
        .and_where(col(monitoring_record::Column::PlanId).eq(plan_id))
        .and_where(col(monitoring_record::Column::RecordType).eq(kind.as_str()))
        .and_where(col(monitoring_record::Column::State).eq(ReviewState::Published.as_str()))
        .and_where(col(monitoring_record::Column::Subject).eq(subject))
        // Every progress update and measurement has a year (the service requires one); the
        // condition keeps NULLs, which the two databases order differently, out of the pick.
        .and_where(col(monitoring_record::Column::Year).is_not_null());
    if let Some(y) = year {
        q.and_where(col(monitoring_record::Column::Year).lte(y));
    }
    q.order_by((m.clone(), monitoring_record::Column::Year), Order::Desc)
        .order_by((m, monitoring_record::Column::Id), Order::Desc)
        .limit(1);
    SimpleExpr::SubQuery(None, Box::new(SubQueryStatement::from(q)))
}

/// The records whose ids `ids` selects (one row per subject), oldest first.
async fn records_in(
    db: &DatabaseConnection,
    ids: SelectStatement,
) -> Result<Vec<monitoring_record::Model>, ApiError> {
    Ok(monitoring_record::Entity::find()
        .filter(monitoring_record::Column::Id.in_subquery(ids))
        .all(db)
        .await?)
}

/// The latest published progress update of each action of the plan `plan_id` (by year, then
/// id), up to `year` when given. Actions with none have no row.
#[instrument(target = TARGET, name = "store.monitoring.latest_progress", skip_all)]
pub async fn latest_progress(
    db: &DatabaseConnection,
    plan_id: i32,
    year: Option<i32>,
) -> Result<Vec<monitoring_record::Model>, ApiError> {
    let a = Alias::new("subject_action");
    let ids = Query::select()
        .expr(newest(
            plan_id,
            RecordKind::ProgressUpdate,
            Expr::col((a.clone(), action::Column::Code)),
            year,
        ))
        .from_as(action::Entity, a.clone())
        .and_where(Expr::col((a, action::Column::PlanId)).eq(plan_id))
        .to_owned();
    records_in(db, ids).await
}

/// The latest published measurement of each indicator of the plan `plan_id` (whatever the
/// indicator's state: a reader who sees a draft indicator sees its status), by year, then id,
/// up to `year` when given. Indicators with none have no row.
#[instrument(target = TARGET, name = "store.monitoring.latest_measurements", skip_all)]
pub async fn latest_measurements(
    db: &DatabaseConnection,
    plan_id: i32,
    year: Option<i32>,
) -> Result<Vec<monitoring_record::Model>, ApiError> {
    let i = Alias::new("subject_indicator");
    let id_text = Expr::col((i.clone(), monitoring_record::Column::Id)).cast_as(Alias::new("TEXT"));
    let ids = Query::select()
        .expr(newest(plan_id, RecordKind::Measurement, id_text, year))
        .from_as(monitoring_record::Entity, i.clone())
        .and_where(Expr::col((i.clone(), monitoring_record::Column::PlanId)).eq(plan_id))
        .and_where(
            Expr::col((i, monitoring_record::Column::RecordType))
                .eq(RecordKind::Indicator.as_str()),
        )
        .to_owned();
    records_in(db, ids).await
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_subject_is_the_action_of_an_update_and_the_indicator_of_a_measurement() {
        let update = json!({ "action": "LE1.3", "status": "IN_PROGRESS" });
        let measurement = json!({ "indicator_id": 42, "value": "1.5" });
        assert_eq!(
            subject_of(RecordKind::ProgressUpdate, &update).as_deref(),
            Some("LE1.3")
        );
        assert_eq!(
            subject_of(RecordKind::Measurement, &measurement).as_deref(),
            Some("42")
        );
        assert_eq!(subject_of(RecordKind::Activity, &update), None);
        assert_eq!(subject_of(RecordKind::Measurement, &json!({})), None);
    }
}
