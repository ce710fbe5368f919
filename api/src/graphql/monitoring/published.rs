//! The published records of a plan, loaded once per request.

use async_graphql::Context;

use crate::error::ApiError;
use crate::graphql::db;
use crate::monitoring::report::Published;

/// The published records of a plan, loaded once per request.
pub(crate) async fn published<'a>(
    ctx: &Context<'a>,
    plan_id: i32,
) -> Result<std::sync::Arc<Published>, ApiError> {
    type Cache = tokio::sync::Mutex<std::collections::HashMap<i32, std::sync::Arc<Published>>>;
    let cache = ctx.data::<Cache>().ok();
    if let Some(cache) = cache {
        let mut map = cache.lock().await;
        if let Some(p) = map.get(&plan_id) {
            return Ok(p.clone());
        }
        let loaded = std::sync::Arc::new(Published::load(db(ctx)?, plan_id).await?);
        map.insert(plan_id, loaded.clone());
        return Ok(loaded);
    }
    Ok(std::sync::Arc::new(
        Published::load(db(ctx)?, plan_id).await?,
    ))
}

/// The per-request cache of published records (see [`published`]).
pub fn published_cache()
-> tokio::sync::Mutex<std::collections::HashMap<i32, std::sync::Arc<Published>>> {
    tokio::sync::Mutex::new(std::collections::HashMap::new())
}
