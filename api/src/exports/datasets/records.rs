//! The monitoring records a download reads: published ones only, as an anonymous caller sees
//! them, a page at a time.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

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
/// policy lets an anonymous caller see. Each page starts after the last id of the one before
/// (not at an offset), so every page is one seek down the index however far the download is.
pub(super) struct Pages<'db> {
    db: &'db DatabaseConnection,
    condition: sea_orm::Condition,
    after: Option<i32>,
    done: bool,
}

impl<'db> Pages<'db> {
    pub(super) fn new(db: &'db DatabaseConnection, plan_id: i32, record_type: RecordKind) -> Self {
        let q = RecordQuery::new(plan_id, record_type);
        Pages {
            db,
            condition: Reads::anonymous(db.clone()).condition(&q),
            after: None,
            done: false,
        }
    }

    /// The next page, decoded; `None` after the last.
    pub(super) async fn next<T: serde::de::DeserializeOwned>(
        &mut self,
    ) -> Result<Option<Vec<(entity::monitoring_record::Model, T)>>, ApiError> {
        use entity::monitoring_record::{Column, Entity};
        if self.done {
            return Ok(None);
        }
        let mut select = Entity::find().filter(self.condition.clone());
        if let Some(id) = self.after {
            select = select.filter(Column::Id.gt(id));
        }
        let rows = select
            .order_by_asc(Column::Id)
            .limit(PAGE)
            .all(self.db)
            .await?;
        self.done = (rows.len() as u64) < PAGE;
        match rows.last() {
            Some(last) => self.after = Some(last.id),
            None => return Ok(None),
        }
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
