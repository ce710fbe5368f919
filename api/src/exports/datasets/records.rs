//! The monitoring records a download reads: published ones only, as an anonymous caller sees
//! them, a page at a time.

use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::error::ApiError;
use crate::monitoring::RecordKind;
use crate::monitoring::service::Reads;
use crate::monitoring::store::RecordQuery;

/// The plan's published records of `record_type`, decoded, oldest first: the records the
/// policy lets an anonymous caller see.
pub async fn published<T: serde::de::DeserializeOwned>(
    db: &DatabaseConnection,
    plan_id: i32,
    record_type: RecordKind,
) -> Result<Vec<(entity::monitoring_record::Model, T)>, ApiError> {
    let q = RecordQuery::new(plan_id, record_type);
    let rows = Reads::anonymous(db.clone()).all(&q).await?;
    rows.into_iter()
        .map(|m| {
            let p = serde_json::from_value(m.payload.clone()).map_err(|e| {
                tracing::error!(record = m.id, error = %e, "undecodable monitoring payload");
                ApiError::Internal
            })?;
            Ok((m, p))
        })
        .collect()
}

/// How many monitoring records a download reads at a time.
pub const PAGE: u64 = 200;

/// The plan's published records of one kind, oldest first, a page at a time: the records the
/// policy lets an anonymous caller see.
pub(super) struct Pages<'db> {
    inner: sea_orm::Paginator<
        'db,
        DatabaseConnection,
        sea_orm::SelectModel<entity::monitoring_record::Model>,
    >,
}

impl<'db> Pages<'db> {
    pub(super) fn new(db: &'db DatabaseConnection, plan_id: i32, record_type: RecordKind) -> Self {
        use entity::monitoring_record;
        let q = RecordQuery::new(plan_id, record_type);
        Pages {
            inner: monitoring_record::Entity::find()
                .filter(Reads::anonymous(db.clone()).condition(&q))
                .order_by_asc(monitoring_record::Column::Id)
                .paginate(db, PAGE),
        }
    }

    /// The next page, decoded; `None` after the last.
    pub(super) async fn next<T: serde::de::DeserializeOwned>(
        &mut self,
    ) -> Result<Option<Vec<(entity::monitoring_record::Model, T)>>, ApiError> {
        let Some(rows) = self.inner.fetch_and_next().await? else {
            return Ok(None);
        };
        rows.into_iter()
            .map(decode)
            .collect::<Result<_, _>>()
            .map(Some)
    }
}

fn decode<T: serde::de::DeserializeOwned>(
    m: entity::monitoring_record::Model,
) -> Result<(entity::monitoring_record::Model, T), ApiError> {
    let p = serde_json::from_value(m.payload.clone()).map_err(|e| {
        tracing::error!(record = m.id, error = %e, "undecodable monitoring payload");
        ApiError::Internal
    })?;
    Ok((m, p))
}
