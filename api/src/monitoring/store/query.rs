//! The conditions of a record listing, and the visibility rules as SQL.

use std::collections::HashMap;

use chrono::Utc;
use entity::{monitoring_record, record_link};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
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

fn visibility_condition(vis: &Visibility) -> Condition {
    let published = monitoring_record::Column::State.eq(ReviewState::Published.as_str());
    match vis {
        Visibility::All => Condition::all(),
        Visibility::PublishedOnly => Condition::all().add(published),
        Visibility::PublishedOrUnits(units) => Condition::any()
            .add(published)
            .add(monitoring_record::Column::OwnerUnit.is_in(units.iter().cloned())),
        Visibility::PublishedOrMunicipality(ine) => Condition::any()
            .add(published)
            .add(monitoring_record::Column::OwnerMunicipality.eq(ine.as_str())),
    }
}

/// The condition selecting the records of `q` that `vis` lets a caller see (for callers that
/// page through them).
pub fn record_condition(q: &RecordQuery, vis: &Visibility) -> Condition {
    let mut cond = Condition::all()
        .add(monitoring_record::Column::PlanId.eq(q.plan_id))
        .add(monitoring_record::Column::RecordType.eq(q.record_type.as_str()))
        .add(visibility_condition(vis));
    if let Some(year) = q.year {
        cond = cond.add(monitoring_record::Column::Year.eq(year));
    }
    if let Some(year) = q.up_to_year {
        cond = cond.add(monitoring_record::Column::Year.lte(year));
    }
    if let Some(s) = q.state {
        cond = cond.add(monitoring_record::Column::State.eq(s.as_str()));
    }
    if let Some(t) = q.updated_since {
        cond = cond.add(monitoring_record::Column::UpdatedAt.gte(t));
    }
    for (t, c) in &q.links {
        let mut sub = Query::select();
        sub.column(record_link::Column::RecordId)
            .from(record_link::Entity)
            .and_where(record_link::Column::TargetType.eq(t.as_str()))
            .and_where(record_link::Column::TargetCode.eq(c.as_str()));
        cond = cond.add(monitoring_record::Column::Id.in_subquery(sub));
    }
    cond
}

/// One page of the records matching `q` that `vis` lets the viewer see, newest first, and how
/// many there are in all. Counting them all reads every matching index entry; when the caller
/// does not need the count (`count` false), one record more than the page is read instead and
/// the total returned is only good for telling whether more follow (`offset + limit + 1` when
/// they do).
#[tracing::instrument(target = "plan_api::trace", name = "store.monitoring.list", skip_all)]
pub async fn list(
    db: &DatabaseConnection,
    q: &RecordQuery,
    vis: &Visibility,
    page: Page,
    count: bool,
) -> Result<(Vec<monitoring_record::Model>, u64), ApiError> {
    let select = monitoring_record::Entity::find().filter(record_condition(q, vis));
    let total = match count {
        true => Some(select.clone().count(db).await?),
        false => None,
    };
    let mut rows = select
        .order_by_desc(monitoring_record::Column::Year)
        .order_by_desc(monitoring_record::Column::Id)
        .offset(page.offset)
        .limit(page.limit + u64::from(total.is_none()))
        .all(db)
        .await?;
    let total = total.unwrap_or(page.offset + rows.len() as u64);
    rows.truncate(page.limit as usize);
    Ok((rows, total))
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
