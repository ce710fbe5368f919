//! Monitoring records reached from other objects: an action's progress updates, an
//! indicator's measurements, a municipality's activities and funded projects, each as a list
//! of the most recently recorded (at most [`UNPAGED_LIMIT`], by year then id) and as a
//! connection that pages through them all, most recently recorded first.

use async_graphql::Context;
use entity::monitoring_record;

use super::ProgressUpdate;
use crate::error::ApiError;
use crate::graphql::linked::{self, LinkedRecords, UNPAGED_LIMIT};
use crate::monitoring::RecordKind;
use crate::pagination::Page;

/// How a stored record of a plan (its code) becomes a GraphQL record type.
pub(crate) type Wrap<T> = fn(monitoring_record::Model, &str) -> Result<T, ApiError>;

/// The first [`UNPAGED_LIMIT`] records: what the list fields without paging return.
const UNPAGED: Page = Page {
    offset: 0,
    limit: UNPAGED_LIMIT,
};

/// The key of an action's progress updates.
fn action_key(action: &entity::action::Model) -> LinkedRecords {
    LinkedRecords {
        plan_id: action.plan_id,
        record_type: RecordKind::ProgressUpdate,
        target_type: "ACTION",
        code: action.code.clone(),
        year: None,
    }
}

/// The key of an indicator's measurements.
pub(crate) fn indicator_key(indicator: &monitoring_record::Model) -> LinkedRecords {
    LinkedRecords {
        plan_id: indicator.plan_id,
        record_type: RecordKind::Measurement,
        target_type: "INDICATOR",
        code: indicator.id.to_string(),
        year: None,
    }
}

/// The key of the records of a kind involving a municipality in a plan.
pub(crate) fn municipality_key(
    ine: &str,
    record_type: RecordKind,
    year: Option<i32>,
    plan: &entity::plan::Model,
) -> LinkedRecords {
    LinkedRecords {
        plan_id: plan.id,
        record_type,
        target_type: "MUNICIPALITY",
        code: ine.to_owned(),
        year,
    }
}

/// One page of the records of `key` the viewer may see, most recently recorded first, as `T`:
/// the page's items, the page, and how many records there are in all when the response shows
/// `totalCount` (else a total that only tells whether more follow; for a connection's `new`).
pub(crate) async fn linked_page<T>(
    ctx: &Context<'_>,
    key: LinkedRecords,
    plan: &str,
    first: Option<i32>,
    after: Option<String>,
    wrap: Wrap<T>,
) -> Result<(Vec<T>, Page, u64), ApiError> {
    let page = crate::graphql::page(ctx, first, after.as_deref())?;
    // Counting is the one part that grows with the parent's records: only when shown.
    let count = ctx.look_ahead().field("totalCount").exists();
    let slice = linked::visible(ctx, key, page, count).await?;
    let items = slice
        .rows
        .into_iter()
        .map(|m| wrap(m, plan))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((items, page, slice.total))
}

/// The [`UNPAGED_LIMIT`] most recently recorded records of `key` the viewer may see, newest
/// first (by year, then id), as `T`.
pub(crate) async fn linked_newest<T>(
    ctx: &Context<'_>,
    key: LinkedRecords,
    plan: &str,
    wrap: Wrap<T>,
) -> Result<Vec<T>, ApiError> {
    let mut rows = linked::visible(ctx, key, UNPAGED, false).await?.rows;
    rows.sort_by_key(|m| std::cmp::Reverse((m.year, m.id)));
    rows.into_iter().map(|m| wrap(m, plan)).collect()
}

/// The newest progress updates of an action that the caller sees, newest first.
pub(crate) async fn action_progress(
    ctx: &Context<'_>,
    action: &entity::action::Model,
    plan: &str,
) -> Result<Vec<ProgressUpdate>, ApiError> {
    linked_newest(ctx, action_key(action), plan, ProgressUpdate::from_model).await
}

/// A page of the progress updates of an action that the caller sees, most recently recorded
/// first.
pub(crate) async fn action_progress_page(
    ctx: &Context<'_>,
    action: &entity::action::Model,
    plan: &str,
    first: Option<i32>,
    after: Option<String>,
) -> Result<super::ProgressUpdateConnection, ApiError> {
    let (items, page, total) = linked_page(
        ctx,
        action_key(action),
        plan,
        first,
        after,
        ProgressUpdate::from_model,
    )
    .await?;
    Ok(super::ProgressUpdateConnection::new(items, page, total))
}

/// The current progress of an action: its latest published update.
pub(crate) async fn current_progress(
    ctx: &Context<'_>,
    action: &entity::action::Model,
    plan: &str,
) -> Result<Option<ProgressUpdate>, ApiError> {
    linked::current_progress(ctx, action.plan_id, &action.code)
        .await?
        .map(|m| ProgressUpdate::from_model(m, plan))
        .transpose()
}

/// The most recently recorded records of a kind involving a municipality, in `plans`, that the
/// caller sees, newest first (by year, then id): at most [`UNPAGED_LIMIT`] in all.
pub(crate) async fn municipality_records<T>(
    ctx: &Context<'_>,
    ine: &str,
    record_type: RecordKind,
    year: Option<i32>,
    plans: &[std::sync::Arc<entity::plan::Model>],
    wrap: Wrap<T>,
) -> Result<Vec<T>, ApiError> {
    let mut rows = Vec::new();
    for plan in plans {
        let key = municipality_key(ine, record_type, year, plan);
        let found = linked::visible(ctx, key, UNPAGED, false).await?.rows;
        rows.extend(found.into_iter().map(|m| (m, plan.code.as_str())));
    }
    rows.sort_by_key(|(m, _)| std::cmp::Reverse((m.year, m.id)));
    rows.truncate(UNPAGED_LIMIT as usize);
    rows.into_iter().map(|(m, plan)| wrap(m, plan)).collect()
}
