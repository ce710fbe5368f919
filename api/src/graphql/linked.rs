//! Monitoring records reached from another object (an action's progress updates, an
//! indicator's measurements, a municipality's activities and funded projects), batched through
//! the request's loader: two statements per resolver level, however many parents it has.
//!
//! The loader returns every record linked to a target; the resolver keeps those the viewer may
//! see ([`Visibility::sees`]), as `nodes` and `node` do, so one batch serves every viewer rule.

use std::collections::HashMap;

use async_graphql::Context;
use async_graphql::dataloader::Loader;
use entity::{monitoring_record, record_link};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::loaders;
use crate::error::ApiError;
use crate::loaders::Db;
use crate::policy;

/// The records of one kind, in one plan, linked to one target (`ACTION` `A1.1`, `INDICATOR`
/// `42`, `MUNICIPALITY` `08019`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LinkedRecords {
    /// The plan.
    pub plan_id: i32,
    /// The kind of record.
    pub record_type: crate::monitoring::RecordKind,
    /// The kind of target.
    pub target_type: &'static str,
    /// The target's code.
    pub code: String,
}

impl Loader<LinkedRecords> for Db {
    type Value = Vec<monitoring_record::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[LinkedRecords],
    ) -> Result<HashMap<LinkedRecords, Self::Value>, ApiError> {
        // The links of every target asked for: one statement per kind of target (one, in
        // practice: a resolver level asks for one kind).
        let mut codes: HashMap<&'static str, Vec<String>> = HashMap::new();
        for k in keys {
            codes.entry(k.target_type).or_default().push(k.code.clone());
        }
        let mut linked: HashMap<(&'static str, String), Vec<i32>> = HashMap::new();
        for (target_type, codes) in codes {
            let links = record_link::Entity::find()
                .filter(record_link::Column::TargetType.eq(target_type))
                .filter(record_link::Column::TargetCode.is_in(codes))
                .all(self.conn())
                .await?;
            for l in links {
                linked
                    .entry((target_type, l.target_code))
                    .or_default()
                    .push(l.record_id);
            }
        }
        // The records themselves: one statement.
        let ids: Vec<i32> = linked.values().flatten().copied().collect();
        let records: HashMap<i32, monitoring_record::Model> = if ids.is_empty() {
            HashMap::new()
        } else {
            monitoring_record::Entity::find()
                .filter(monitoring_record::Column::Id.is_in(ids))
                .order_by_asc(monitoring_record::Column::Id)
                .all(self.conn())
                .await?
                .into_iter()
                .map(|m| (m.id, m))
                .collect()
        };
        let mut out = HashMap::new();
        for k in keys {
            let mut rows: Vec<monitoring_record::Model> = linked
                .get(&(k.target_type, k.code.clone()))
                .into_iter()
                .flatten()
                .filter_map(|id| records.get(id))
                .filter(|m| m.plan_id == k.plan_id && m.record_type == k.record_type.as_str())
                .cloned()
                .collect();
            rows.sort_by_key(|m| m.id);
            rows.dedup_by_key(|m| m.id);
            out.insert(k.clone(), rows);
        }
        Ok(out)
    }
}

/// The current plan (the one a field without a `plan` argument is about), once per request.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CurrentPlan;

impl Loader<CurrentPlan> for Db {
    type Value = entity::plan::Model;
    type Error = ApiError;

    async fn load(
        &self,
        _keys: &[CurrentPlan],
    ) -> Result<HashMap<CurrentPlan, Self::Value>, ApiError> {
        let plan = crate::store::resolve_plan(self.conn(), None).await?;
        Ok(HashMap::from([(CurrentPlan, plan)]))
    }
}

/// The current plan, loaded at most once per request.
pub(crate) async fn current_plan(ctx: &Context<'_>) -> Result<entity::plan::Model, ApiError> {
    loaders(ctx)?
        .load_one(CurrentPlan)
        .await?
        .ok_or_else(|| ApiError::NotFound("no plan has been loaded".to_owned()))
}

/// The records of `key` that the viewer may see, oldest first.
pub(crate) async fn visible(
    ctx: &Context<'_>,
    key: LinkedRecords,
) -> Result<Vec<monitoring_record::Model>, ApiError> {
    let vis = policy::visibility(policy::viewer(ctx));
    Ok(loaders(ctx)?
        .load_one(key)
        .await?
        .unwrap_or_default()
        .into_iter()
        .filter(|m| vis.sees(m))
        .collect())
}
