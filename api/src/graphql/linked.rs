//! Monitoring records reached from another object (an action's progress updates, an
//! indicator's measurements, a municipality's activities and funded projects), batched through
//! the request's loader: one statement per resolver level, however many parents it has, and
//! never more rows per parent than the slice asked for.
//!
//! The viewer's visibility is part of the loader's key and is applied in SQL by the store's
//! [`record_condition`], the same condition the lists use: a record the viewer may not see
//! never leaves the database. The database numbers each parent's records newest first and
//! counts them (window functions, the same SQL on SQLite and PostgreSQL), so a page of a
//! nested list reads its page, whatever the parent holds.

use std::collections::HashMap;

use async_graphql::Context;
use async_graphql::dataloader::Loader;
use entity::{monitoring_record, record_link};
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, JoinType, Order, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryTrait,
};

use super::{db, loaders};
use crate::error::ApiError;
use crate::loaders::Db;
use crate::monitoring::service::Reads;
use crate::monitoring::store::{self, RecordQuery, record_condition};
use crate::monitoring::{RecordKind, Visibility};
use crate::pagination::{PAGE_SIZE_CEILING, Page};
use crate::policy;

/// The records of one kind, in one plan, linked to one target (`ACTION` `A1.1`, `INDICATOR`
/// `42`, `MUNICIPALITY` `08019`), of one reporting year when `year` is set.
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
    /// Only this reporting year.
    pub year: Option<i32>,
}

/// The most records a list field without paging returns (`progressHistory`, `measurements`,
/// `activities`, `fundedProjects`): the newest ones. Their `…Connection` twins page through
/// the rest.
pub const UNPAGED_LIMIT: u64 = PAGE_SIZE_CEILING;

/// [`LinkedRecords`] as one viewer sees them, and which of them: the loader's key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VisibleLinked {
    /// What is asked for.
    pub linked: LinkedRecords,
    /// What the viewer may see.
    pub visibility: Visibility,
    /// Which of them, newest first: records `offset + 1 ..= offset + limit`.
    pub slice: (u64, u64),
}

/// A slice of a parent's linked records, newest first, and how many the viewer sees in all.
#[derive(Clone, Debug, Default)]
pub struct LinkedSlice {
    /// The records of the slice, newest first (by year, records without one last, then id).
    pub rows: Vec<monitoring_record::Model>,
    /// How many records of the parent the viewer sees, across all slices.
    pub total: u64,
}

/// Numbers each parent's records newest first; the same order as the lists' (`year DESC, id
/// DESC`), with records without a year last on both databases.
const RANK: &str = "ROW_NUMBER() OVER (PARTITION BY record_link.target_code ORDER BY \
    CASE WHEN monitoring_record.year IS NULL THEN 1 ELSE 0 END, \
    monitoring_record.year DESC, monitoring_record.id DESC)";
/// Counts each parent's records.
const TOTAL: &str = "COUNT(*) OVER (PARTITION BY record_link.target_code)";

/// One group of keys read by one statement: everything but the target's code.
type Group<'a> = (
    i32,
    RecordKind,
    &'static str,
    Option<i32>,
    &'a Visibility,
    (u64, u64),
);

impl VisibleLinked {
    /// The group of keys this one is read with.
    fn group(&self) -> Group<'_> {
        let l = &self.linked;
        let v = &self.visibility;
        (
            l.plan_id,
            l.record_type,
            l.target_type,
            l.year,
            v,
            self.slice,
        )
    }
}

impl Loader<VisibleLinked> for Db {
    type Value = LinkedSlice;
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
        // One statement per group (one, in practice: a resolver level asks for one kind of
        // record, in one plan, as one viewer).
        let mut groups: HashMap<Group<'_>, Vec<String>> = HashMap::new();
        for k in keys {
            groups
                .entry(k.group())
                .or_default()
                .push(k.linked.code.clone());
        }
        let mut found: HashMap<(Group<'_>, String), LinkedSlice> = HashMap::new();
        for (group, codes) in groups {
            let (plan_id, record_type, target_type, year, visibility, (offset, limit)) = group;
            let query = RecordQuery {
                year,
                ..RecordQuery::new(plan_id, record_type)
            };
            let mut inner = monitoring_record::Entity::find()
                .filter(record_condition(&query, visibility))
                .filter(record_link::Column::TargetType.eq(target_type))
                .filter(record_link::Column::TargetCode.is_in(codes))
                .into_query();
            inner
                .join(
                    JoinType::InnerJoin,
                    record_link::Entity,
                    Expr::col((record_link::Entity, record_link::Column::RecordId))
                        .equals((monitoring_record::Entity, monitoring_record::Column::Id)),
                )
                .expr_as(
                    Expr::col((record_link::Entity, record_link::Column::TargetCode)),
                    Alias::new("linked_code"),
                )
                .expr_as(Expr::cust(RANK), Alias::new("linked_rank"))
                .expr_as(Expr::cust(TOTAL), Alias::new("linked_total"));
            let rank = || Expr::col(Alias::new("linked_rank"));
            let bounds = rank()
                .gt(offset as i64)
                .and(rank().lte(offset.saturating_add(limit) as i64));
            let mut outer = Query::select();
            outer
                .column(Asterisk)
                .from_subquery(inner, Alias::new("linked"))
                // The first record always comes, so a slice past the end still knows the
                // total.
                .and_where(bounds.or(rank().eq(1)))
                .order_by(Alias::new("linked_rank"), Order::Asc);
            for row in self.conn().query_all(&outer).await? {
                let code: String = row.try_get("", "linked_code")?;
                let rank: i64 = row.try_get("", "linked_rank")?;
                let total: i64 = row.try_get("", "linked_total")?;
                let slice = found.entry((group, code)).or_default();
                slice.total = u64::try_from(total).unwrap_or(0);
                if u64::try_from(rank).is_ok_and(|r| r > offset) {
                    slice
                        .rows
                        .push(monitoring_record::Model::from_query_result(&row, "")?);
                }
            }
        }
        Ok(keys
            .iter()
            .map(|k| {
                let slice = found
                    .get(&(k.group(), k.linked.code.clone()))
                    .cloned()
                    .unwrap_or_default();
                (k.clone(), slice)
            })
            .collect())
    }
}

/// The current progress of every action of a plan (its newest published update, by year then
/// id), by action code: the loader's key is the plan's id. One statement per plan, one row per
/// action, however many updates each has (see [`store::latest_progress`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CurrentProgress(pub i32);

impl Loader<CurrentProgress> for Db {
    type Value = std::sync::Arc<HashMap<String, monitoring_record::Model>>;
    type Error = ApiError;

    #[tracing::instrument(
        target = "plan_api::trace",
        name = "db.batch",
        skip_all,
        fields(plan_api.loader = "CurrentProgress", plan_api.keys = keys.len())
    )]
    async fn load(
        &self,
        keys: &[CurrentProgress],
    ) -> Result<HashMap<CurrentProgress, Self::Value>, ApiError> {
        let mut out = HashMap::new();
        for &key in keys {
            let rows = store::latest_progress(self.conn(), key.0, None).await?;
            let by_action = rows
                .into_iter()
                .filter_map(|m| Some((m.subject.clone()?, m)))
                .collect();
            out.insert(key, std::sync::Arc::new(by_action));
        }
        Ok(out)
    }
}

/// The current progress of the action `code` of the plan `plan_id`.
pub(crate) async fn current_progress(
    ctx: &Context<'_>,
    plan_id: i32,
    code: &str,
) -> Result<Option<monitoring_record::Model>, ApiError> {
    let all = loaders(ctx)?.load_one(CurrentProgress(plan_id)).await?;
    Ok(all.and_then(|by_action| by_action.get(code).cloned()))
}

/// The records of `key` that the viewer may see, the slice `page` of them, newest first.
pub(crate) async fn visible(
    ctx: &Context<'_>,
    linked: LinkedRecords,
    page: Page,
) -> Result<LinkedSlice, ApiError> {
    let reads = Reads::new(db(ctx)?.clone(), policy::viewer(ctx));
    Ok(loaders(ctx)?
        .load_one(VisibleLinked {
            linked,
            visibility: reads.visibility().clone(),
            slice: (page.offset, page.limit),
        })
        .await?
        .unwrap_or_default())
}
