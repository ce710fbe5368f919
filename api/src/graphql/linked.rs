//! Monitoring records reached from another object (an action's progress updates, an
//! indicator's measurements, a municipality's activities and funded projects), batched through
//! the request's loader: one statement per resolver level, however many parents it has, and
//! never more rows per parent than the slice asked for.
//!
//! The viewer's visibility is part of the loader's key and is applied in SQL by the store's
//! [`link_condition`], the condition the lists narrowed by a link use, on the copies of the
//! records' columns each link carries: a record the viewer may not see never leaves the
//! database. Each parent's slice is a walk down the link index from its end (most recently
//! recorded first) that stops at the slice's end, all parents' walks in one `UNION ALL`; the
//! count, one grouped statement more on the links' index alone, only when a response shows
//! it. So a page of a nested list reads its page, whatever the parent holds, and its count
//! reads the parent's index entries, not its records.

use std::collections::HashMap;

use async_graphql::Context;
use entity::{monitoring_record, record_link};
use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait, JoinType, Order, Query, SelectStatement, UnionType,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult,
    QueryFilter, QueryTrait,
};

use super::{db, loaders};
use crate::error::ApiError;
use crate::loaders::Db;
use crate::monitoring::service::Reads;
use crate::monitoring::store::{self, RecordQuery, link_condition};
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
/// `activities`, `fundedProjects`): the most recently recorded ones. Their `…Connection` twins
/// page through the rest.
pub const UNPAGED_LIMIT: u64 = PAGE_SIZE_CEILING;

/// [`LinkedRecords`] as one viewer sees them, and which of them: the loader's key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VisibleLinked {
    /// What is asked for.
    pub linked: LinkedRecords,
    /// What the viewer may see.
    pub visibility: Visibility,
    /// Which of them, most recently recorded first: records `offset + 1 ..= offset + limit`.
    pub slice: (u64, u64),
    /// Whether to count them all (only when a response shows the count).
    pub count: bool,
}

/// A slice of a parent's linked records, most recently recorded first, and how many the viewer
/// sees in all.
#[derive(Clone, Debug, Default)]
pub struct LinkedSlice {
    /// The records of the slice, most recently recorded (highest id) first.
    pub rows: Vec<monitoring_record::Model>,
    /// How many records of the parent the viewer sees, across all slices, when counted; else
    /// only whether more follow: `offset + rows + 1` when they do.
    pub total: u64,
}

/// One group of keys read together: everything but the target's code.
type Group<'a> = (
    i32,
    RecordKind,
    &'static str,
    Option<i32>,
    &'a Visibility,
    (u64, u64),
    bool,
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
            self.count,
        )
    }
}

/// The conditions of one group on the links to the group's kind of target, tested on the
/// copies of their records' columns each link carries (see `entity::record_link`).
fn group_links(group: &Group<'_>) -> Condition {
    let (plan_id, record_type, target_type, year, visibility, _, _) = *group;
    let query = RecordQuery {
        year,
        ..RecordQuery::new(plan_id, record_type)
    };
    link_condition(&query, visibility).add(record_link::Column::TargetType.eq(target_type))
}

/// The records of one group joined to their links to the group's kind of target (the
/// records' columns selected, no target code chosen yet).
fn linked_records(group: &Group<'_>) -> SelectStatement {
    let mut select = monitoring_record::Entity::find()
        .filter(group_links(group))
        .into_query();
    select.join(
        JoinType::InnerJoin,
        record_link::Entity,
        Expr::col((record_link::Entity, record_link::Column::RecordId))
            .equals((monitoring_record::Entity, monitoring_record::Column::Id)),
    );
    select
}

/// The records of one group linked to `code`, most recently recorded first, the slice
/// `(offset, limit)` and one more (to tell whether more follow): a walk down the link index
/// `(target_type, target_code, record_id)` from its end that stops at the slice's end, so its
/// cost is the slice's, not the parent's whole list.
fn slice_of(group: &Group<'_>, code: &str, alias: usize) -> SelectStatement {
    let (offset, limit) = group.5;
    let mut walk = linked_records(group);
    walk.and_where(record_link::Column::TargetCode.eq(code))
        .expr_as(Expr::val(code), Alias::new("linked_code"))
        .order_by(
            (record_link::Entity, record_link::Column::RecordId),
            Order::Desc,
        )
        .limit(limit.saturating_add(1))
        .offset(offset);
    let mut outer = Query::select();
    outer
        .column(Asterisk)
        .from_subquery(walk, Alias::new(format!("linked_{alias}")));
    outer
}

/// How many records of one group each of `codes` has: one statement on the links' index
/// alone (their copies of the records' columns answer every condition), grouped by code.
async fn counts(
    db: &DatabaseConnection,
    group: &Group<'_>,
    codes: &[String],
) -> Result<HashMap<String, u64>, ApiError> {
    let code = (record_link::Entity, record_link::Column::TargetCode);
    let mut count = Query::select();
    count
        .expr_as(Expr::col(code), Alias::new("linked_code"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("linked_total"))
        .from(record_link::Entity)
        .cond_where(group_links(group))
        .and_where(record_link::Column::TargetCode.is_in(codes.iter().cloned()))
        .group_by_col(code);
    let mut out = HashMap::new();
    for row in db.query_all(&count).await? {
        let code: String = row.try_get("", "linked_code")?;
        let total: i64 = row.try_get("", "linked_total")?;
        out.insert(code, u64::try_from(total).unwrap_or(0));
    }
    Ok(out)
}

crate::loaders::batch_loaders!(VisibleLinked => LinkedSlice: visible_slices;);

impl Db {
    async fn visible_slices(
        &self,
        keys: &[VisibleLinked],
    ) -> Result<HashMap<VisibleLinked, LinkedSlice>, ApiError> {
        // One statement per group (one, in practice: a resolver level asks for one kind of
        // record, in one plan, as one viewer): each parent's slice, one after the other.
        let mut groups: HashMap<Group<'_>, Vec<String>> = HashMap::new();
        for k in keys {
            let codes = groups.entry(k.group()).or_default();
            if !codes.contains(&k.linked.code) {
                codes.push(k.linked.code.clone());
            }
        }
        let mut found: HashMap<(Group<'_>, String), LinkedSlice> = HashMap::new();
        for (group, codes) in groups {
            let mut slices = codes
                .iter()
                .enumerate()
                .map(|(i, c)| slice_of(&group, c, i));
            let Some(mut all) = slices.next() else {
                continue;
            };
            for next in slices {
                all.union(UnionType::All, next);
            }
            for row in self.conn().query_all(&all).await? {
                let code: String = row.try_get("", "linked_code")?;
                let slice = found.entry((group, code)).or_default();
                slice
                    .rows
                    .push(monitoring_record::Model::from_query_result(&row, "")?);
            }
            let (offset, limit) = group.5;
            let totals = match group.6 {
                true => Some(counts(self.conn(), &group, &codes).await?),
                false => None,
            };
            for code in codes {
                let slice = found.entry((group, code.clone())).or_default();
                slice.total = match &totals {
                    Some(t) => t.get(&code).copied().unwrap_or(0),
                    None => offset + slice.rows.len() as u64,
                };
                slice.rows.truncate(limit as usize);
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

crate::loaders::batch_loaders!(CurrentProgress => ProgressByAction: progress_by_action;);

/// Each action's current progress, by action code.
type ProgressByAction = std::sync::Arc<HashMap<String, monitoring_record::Model>>;

impl Db {
    async fn progress_by_action(
        &self,
        keys: &[CurrentProgress],
    ) -> Result<HashMap<CurrentProgress, ProgressByAction>, ApiError> {
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

/// The records of `key` that the viewer may see, the slice `page` of them, most recently
/// recorded first, counted in all when `count` (else `total` only tells whether more follow).
pub(crate) async fn visible(
    ctx: &Context<'_>,
    linked: LinkedRecords,
    page: Page,
    count: bool,
) -> Result<LinkedSlice, ApiError> {
    let reads = Reads::new(db(ctx)?.clone(), policy::viewer(ctx));
    Ok(loaders(ctx)?
        .load_one(VisibleLinked {
            linked,
            visibility: reads.visibility().clone(),
            slice: (page.offset, page.limit),
            count,
        })
        .await?
        .unwrap_or_default())
}
