//! Monitoring records reached from another object (an action's progress updates, an
//! indicator's measurements, a municipality's activities and funded projects), batched through
//! the request's loader: two statements per resolver level, however many parents it has.
//!
//! The viewer's visibility is part of the loader's key and is applied in SQL by the store's
//! [`record_condition`], the same condition the lists use: a record the viewer may not see
//! never leaves the database.

use std::collections::HashMap;

use async_graphql::Context;
use async_graphql::dataloader::Loader;
use entity::{monitoring_record, record_link};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{db, loaders};
use crate::error::ApiError;
use crate::loaders::Db;
use crate::monitoring::service::Reads;
use crate::monitoring::store::{RecordQuery, record_condition};
use crate::monitoring::{RecordKind, Visibility};
use crate::policy;

/// The records of one kind, in one plan, linked to one target (`ACTION` `A1.1`, `INDICATOR`
/// `42`, `MUNICIPALITY` `08019`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LinkedRecords {
    /// The plan.
    pub plan_id: i32,
    /// The kind of record.
    pub record_type: RecordKind,
    /// The kind of target.
    pub target_type: &'static str,
    /// The target's code.
    pub code: String,
}

/// [`LinkedRecords`] as one viewer sees them: the loader's key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VisibleLinked {
    /// What is asked for.
    pub linked: LinkedRecords,
    /// What the viewer may see.
    pub visibility: Visibility,
}

impl Loader<VisibleLinked> for Db {
    type Value = Vec<monitoring_record::Model>;
    type Error = ApiError;

    #[tracing::instrument(
        target = "plan_api::trace",
        name = "db.batch",
        skip_all,
        fields(plan_api.loader = "VisibleLinked", plan_api.keys = keys.len())
    )]
    async fn load(
        &self,
        keys: &[VisibleLinked],
    ) -> Result<HashMap<VisibleLinked, Self::Value>, ApiError> {
        // The links of every target asked for: one statement per kind of target (one, in
        // practice: a resolver level asks for one kind).
        let mut codes: HashMap<&'static str, Vec<String>> = HashMap::new();
        for k in keys {
            codes
                .entry(k.linked.target_type)
                .or_default()
                .push(k.linked.code.clone());
        }
        let mut linked: HashMap<(&'static str, String), Vec<i32>> = HashMap::new();
        for (target_type, codes) in codes {
            let links = record_link::Entity::find()
                .filter(record_link::Column::TargetType.eq(target_type))
                .filter(record_link::Column::TargetCode.is_in(codes))
                .all(self.conn())
                .await?;
            for link in links {
                linked
                    .entry((target_type, link.target_code))
                    .or_default()
                    .push(link.record_id);
            }
        }
        let ids_of = |k: &LinkedRecords| -> &[i32] {
            linked
                .get(&(k.target_type, k.code.clone()))
                .map_or(&[], Vec::as_slice)
        };
        // The records the viewer may see: one statement per plan, kind and visibility (one,
        // in practice), filtered in SQL.
        let mut groups: HashMap<(i32, RecordKind, &Visibility), Vec<i32>> = HashMap::new();
        for k in keys {
            groups
                .entry((k.linked.plan_id, k.linked.record_type, &k.visibility))
                .or_default()
                .extend_from_slice(ids_of(&k.linked));
        }
        let mut records: HashMap<(i32, RecordKind, &Visibility), HashMap<i32, _>> = HashMap::new();
        for ((plan_id, record_type, visibility), ids) in groups {
            if ids.is_empty() {
                continue;
            }
            let query = RecordQuery::new(plan_id, record_type);
            let rows = monitoring_record::Entity::find()
                .filter(record_condition(&query, visibility))
                .filter(monitoring_record::Column::Id.is_in(ids))
                .order_by_asc(monitoring_record::Column::Id)
                .all(self.conn())
                .await?;
            records.insert(
                (plan_id, record_type, visibility),
                rows.into_iter().map(|m| (m.id, m)).collect(),
            );
        }
        let mut out = HashMap::new();
        for k in keys {
            let group = (k.linked.plan_id, k.linked.record_type, &k.visibility);
            let mut rows: Vec<monitoring_record::Model> = records
                .get(&group)
                .map(|found| {
                    ids_of(&k.linked)
                        .iter()
                        .filter_map(|id| found.get(id))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            rows.sort_by_key(|m| m.id);
            rows.dedup_by_key(|m| m.id);
            out.insert(k.clone(), rows);
        }
        Ok(out)
    }
}

/// The records of `key` that the viewer may see, oldest first.
pub(crate) async fn visible(
    ctx: &Context<'_>,
    key: LinkedRecords,
) -> Result<Vec<monitoring_record::Model>, ApiError> {
    let reads = Reads::new(db(ctx)?.clone(), policy::viewer(ctx));
    Ok(loaders(ctx)?
        .load_one(VisibleLinked {
            linked: key,
            visibility: reads.visibility().clone(),
        })
        .await?
        .unwrap_or_default())
}
