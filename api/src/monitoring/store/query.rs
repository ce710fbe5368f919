//! The conditions of a record listing, and the visibility rules as SQL.

use std::collections::HashMap;

use chrono::Utc;
use entity::{monitoring_record, record_link};
use sea_orm::sea_query::{
    Alias, DynIden, Expr, ExprTrait, IntoIden, JoinType, Order, Query, SelectStatement,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use tracing::instrument;

use super::super::{RecordKind, ReviewState, Visibility};
use super::Link;
use crate::error::ApiError;
use crate::pagination::Page;
use crate::traces::TARGET;

/// Conditions of a record listing.
#[derive(Clone, Debug)]
pub struct RecordQuery {
    /// The plan.
    pub plan_id: i32,
    /// The kind of record.
    pub record_type: RecordKind,
    /// Only this reporting year.
    pub year: Option<i32>,
    /// Only reporting years up to this one.
    pub up_to_year: Option<i32>,
    /// Only this review state.
    pub state: Option<ReviewState>,
    /// Only records linked to all of these `(type, code)`.
    pub links: Vec<Link>,
    /// Only records changed at or after this instant.
    pub updated_since: Option<chrono::DateTime<Utc>>,
}

impl RecordQuery {
    /// Every record of `record_type` in the plan `plan_id` (narrowed by the other fields).
    pub fn new(plan_id: i32, record_type: RecordKind) -> Self {
        Self {
            plan_id,
            record_type,
            year: None,
            up_to_year: None,
            state: None,
            links: Vec::new(),
            updated_since: None,
        }
    }
}

/// A column of `table` by name. The filtered columns have the same names on
/// `monitoring_record` and among the copies each `record_link` row carries.
fn col(table: &'static str, name: &'static str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(name)))
}

fn visibility_condition(vis: &Visibility, table: &'static str) -> Condition {
    let published = col(table, "state").eq(ReviewState::Published.as_str());
    match vis {
        Visibility::All => Condition::all(),
        Visibility::PublishedOnly => Condition::all().add(published),
        Visibility::PublishedOrUnits(units) => Condition::any()
            .add(published)
            .add(col(table, "owner_unit").is_in(units.iter().cloned())),
        Visibility::PublishedOrMunicipality(ine) => Condition::any()
            .add(published)
            .add(col(table, "owner_municipality").eq(ine.as_str())),
    }
}

/// The conditions of `q` and `vis` on the columns a record's links carry copies of (all but
/// `updated_since` and the links), tested on `table`.
fn copied_condition(q: &RecordQuery, vis: &Visibility, table: &'static str) -> Condition {
    let mut cond = Condition::all()
        .add(col(table, "plan_id").eq(q.plan_id))
        .add(col(table, "record_type").eq(q.record_type.as_str()))
        .add(visibility_condition(vis, table));
    if let Some(year) = q.year {
        cond = cond.add(col(table, "year").eq(year));
    }
    if let Some(year) = q.up_to_year {
        cond = cond.add(col(table, "year").lte(year));
    }
    if let Some(s) = q.state {
        cond = cond.add(col(table, "state").eq(s.as_str()));
    }
    cond
}

/// The conditions of `q` that only the record itself can answer: `updated_since` and the
/// links in `links`.
fn own_condition(q: &RecordQuery, links: &[Link]) -> Condition {
    let mut cond = Condition::all();
    if let Some(t) = q.updated_since {
        cond = cond.add(monitoring_record::Column::UpdatedAt.gte(t));
    }
    for (t, c) in links {
        let mut sub = Query::select();
        sub.column(record_link::Column::RecordId)
            .from(record_link::Entity)
            .and_where(record_link::Column::TargetType.eq(t.as_str()))
            .and_where(record_link::Column::TargetCode.eq(c.as_str()));
        cond = cond.add(monitoring_record::Column::Id.in_subquery(sub));
    }
    cond
}

/// The condition selecting the records of `q` that `vis` lets a caller see (for callers that
/// page through them).
pub fn record_condition(q: &RecordQuery, vis: &Visibility) -> Condition {
    copied_condition(q, vis, "monitoring_record").add(own_condition(q, &q.links))
}

/// The condition selecting the links of the records of `q` (but its links and
/// `updated_since`) that `vis` lets a caller see, tested on the copies of the records' columns
/// each `record_link` row carries.
pub fn link_condition(q: &RecordQuery, vis: &Visibility) -> Condition {
    copied_condition(q, vis, "record_link")
}

/// One page of the records matching `q` that `vis` lets the viewer see, newest first, and how
/// many there are in all. Counting them all reads every matching index entry; when the caller
/// does not need the count (`count` false), one record more than the page is read instead and
/// the total returned is only good for telling whether more follow (`offset + limit + 1` when
/// they do).
#[instrument(target = TARGET, name = "store.monitoring.list", skip_all)]
pub async fn list(
    db: &DatabaseConnection,
    q: &RecordQuery,
    vis: &Visibility,
    page: Page,
    count: bool,
) -> Result<(Vec<monitoring_record::Model>, u64), ApiError> {
    if let Some((first, rest)) = q.links.split_first() {
        return list_linked(db, q, vis, page, count, first, rest).await;
    }
    let select = monitoring_record::Entity::find().filter(record_condition(q, vis));
    let total = match count {
        true => Some(select.clone().count(db).await?),
        false => None,
    };
    let rows = select
        .order_by_desc(monitoring_record::Column::Year)
        .order_by_desc(monitoring_record::Column::Id)
        .offset(page.offset)
        .limit(page.limit + u64::from(total.is_none()))
        .all(db)
        .await?;
    Ok(paged(rows, total, page))
}

/// [`list`] for a listing narrowed by links: read from the first link's entries in the index
/// of `record_link` (target, plan, kind, year, record), which carry copies of everything the
/// listing filters on, so that the page walks that index in order and the count reads that
/// index only, instead of joining each of a target's links to its record. The record itself is
/// read for the page's rows, and tested only for `updated_since` and any further links.
async fn list_linked(
    db: &DatabaseConnection,
    q: &RecordQuery,
    vis: &Visibility,
    page: Page,
    count: bool,
    (target_type, code): &Link,
    rest: &[Link],
) -> Result<(Vec<monitoring_record::Model>, u64), ApiError> {
    let on_link = link_condition(q, vis)
        .add(record_link::Column::TargetType.eq(target_type.as_str()))
        .add(record_link::Column::TargetCode.eq(code.as_str()));
    let own = own_condition(q, rest);
    let joined = |select: &mut SelectStatement, to: DynIden| {
        select.join(
            JoinType::InnerJoin,
            to,
            Expr::col((monitoring_record::Entity, monitoring_record::Column::Id))
                .equals((record_link::Entity, record_link::Column::RecordId)),
        );
    };
    let total = match count {
        true => {
            let mut select = Query::select();
            select
                .expr_as(Expr::cust("COUNT(*)"), Alias::new("total"))
                .from(record_link::Entity)
                .cond_where(on_link.clone());
            if !own.is_empty() {
                joined(&mut select, monitoring_record::Entity.into_iden());
                select.cond_where(own.clone());
            }
            let row = db.query_one(&select).await?.ok_or(ApiError::Internal)?;
            let total: i64 = row.try_get("", "total")?;
            Some(u64::try_from(total).unwrap_or(0))
        }
        false => None,
    };
    let mut select = monitoring_record::Entity::find()
        .filter(on_link)
        .filter(own)
        .into_query();
    joined(&mut select, record_link::Entity.into_iden());
    select
        .order_by(
            (record_link::Entity, record_link::Column::Year),
            Order::Desc,
        )
        .order_by(
            (record_link::Entity, record_link::Column::RecordId),
            Order::Desc,
        )
        .offset(page.offset)
        .limit(page.limit + u64::from(total.is_none()));
    let rows = db
        .query_all(&select)
        .await?
        .iter()
        .map(|row| monitoring_record::Model::from_query_result(row, ""))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(paged(rows, total, page))
}

/// A page's rows and total from what was read: one row more than the page when not counted.
fn paged(
    mut rows: Vec<monitoring_record::Model>,
    total: Option<u64>,
    page: Page,
) -> (Vec<monitoring_record::Model>, u64) {
    let total = total.unwrap_or(page.offset + rows.len() as u64);
    rows.truncate(page.limit as usize);
    (rows, total)
}

/// Every record matching `q` that `vis` lets the viewer see, oldest first.
#[instrument(target = TARGET, name = "store.monitoring.all", skip_all)]
pub async fn all(
    db: &DatabaseConnection,
    q: &RecordQuery,
    vis: &Visibility,
) -> Result<Vec<monitoring_record::Model>, ApiError> {
    Ok(monitoring_record::Entity::find()
        .filter(record_condition(q, vis))
        .order_by_asc(monitoring_record::Column::Id)
        .all(db)
        .await?)
}

/// The links of many records.
#[instrument(target = TARGET, name = "store.monitoring.links_of", skip_all)]
pub async fn links_of(
    db: &DatabaseConnection,
    ids: &[i32],
) -> Result<HashMap<i32, Vec<Link>>, ApiError> {
    let rows = record_link::Entity::find()
        .filter(record_link::Column::RecordId.is_in(ids.iter().copied()))
        .order_by_asc(record_link::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<i32, Vec<Link>> = HashMap::new();
    for l in rows {
        out.entry(l.record_id)
            .or_default()
            .push((l.target_type, l.target_code));
    }
    Ok(out)
}
