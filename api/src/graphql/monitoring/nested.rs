//! Monitoring records reached from other objects: an action's progress updates, a
//! municipality's activities and funded projects.

use async_graphql::Context;
use entity::monitoring_record;

use super::ProgressUpdate;
use crate::error::ApiError;
use crate::monitoring::{RecordKind, ReviewState};

/// The progress updates of an action that the caller sees, newest first.
pub(crate) async fn action_progress(
    ctx: &Context<'_>,
    action: &entity::action::Model,
    plan: &str,
) -> Result<Vec<ProgressUpdate>, ApiError> {
    let key = crate::graphql::linked::LinkedRecords {
        plan_id: action.plan_id,
        record_type: RecordKind::ProgressUpdate,
        target_type: "ACTION",
        code: action.code.clone(),
    };
    let mut out = crate::graphql::linked::visible(ctx, key)
        .await?
        .into_iter()
        .map(|m| ProgressUpdate::from_model(m, plan))
        .collect::<Result<Vec<_>, _>>()?;
    out.sort_by_key(|u| std::cmp::Reverse((u.m.year, u.m.id)));
    Ok(out)
}

/// The current progress of an action: its latest published update.
pub(crate) async fn current_progress(
    ctx: &Context<'_>,
    action: &entity::action::Model,
    plan: &str,
) -> Result<Option<ProgressUpdate>, ApiError> {
    Ok(action_progress(ctx, action, plan)
        .await?
        .into_iter()
        .find(|u| u.m.state == ReviewState::Published.as_str()))
}

/// The records of a kind involving a municipality, in `plans`, that the caller sees, newest
/// first.
pub(crate) async fn municipality_records<T>(
    ctx: &Context<'_>,
    ine: &str,
    record_type: RecordKind,
    year: Option<i32>,
    plans: &[std::sync::Arc<entity::plan::Model>],
    wrap: fn(monitoring_record::Model, &str) -> Result<T, ApiError>,
) -> Result<Vec<T>, ApiError> {
    let mut rows = Vec::new();
    for plan in plans {
        let key = crate::graphql::linked::LinkedRecords {
            plan_id: plan.id,
            record_type,
            target_type: "MUNICIPALITY",
            code: ine.to_owned(),
        };
        let found = crate::graphql::linked::visible(ctx, key).await?;
        rows.extend(found.into_iter().map(|m| (m, plan.code.as_str())));
    }
    rows.retain(|(m, _)| year.is_none_or(|y| m.year == Some(y)));
    rows.sort_by_key(|(m, _)| std::cmp::Reverse((m.year, m.id)));
    rows.into_iter().map(|(m, plan)| wrap(m, plan)).collect()
}
