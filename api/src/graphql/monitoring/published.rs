//! The standing of a plan's published records (current progress, latest measurements,
//! published indicators), read once per request.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Context;

use crate::error::ApiError;
use crate::graphql::db;
use crate::monitoring::report::Standing;

/// The per-request cache of [`Standing`]s, by plan id.
type Cache = tokio::sync::Mutex<HashMap<i32, Arc<Standing>>>;

/// The standing of the plan `plan_id`, read once per request: every summary and indicator
/// status of a response comes from the same rows.
pub(crate) async fn published<'a>(
    ctx: &Context<'a>,
    plan_id: i32,
) -> Result<Arc<Standing>, ApiError> {
    let Ok(cache) = ctx.data::<Cache>() else {
        return Ok(Arc::new(Standing::load(db(ctx)?, plan_id).await?));
    };
    let mut map = cache.lock().await;
    if let Some(s) = map.get(&plan_id) {
        return Ok(s.clone());
    }
    let loaded = Arc::new(Standing::load(db(ctx)?, plan_id).await?);
    map.insert(plan_id, loaded.clone());
    Ok(loaded)
}

/// The per-request cache of standings (see [`published`]).
pub fn published_cache() -> Cache {
    tokio::sync::Mutex::new(HashMap::new())
}
