//! Reading the event log: in order, from a cursor, as far as the viewer may see.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entity::event;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::ChangeType;
use crate::error::ApiError;
use crate::monitoring::Visibility;

/// A durable cursor: the event's sequence number, opaque to clients. It stays valid for as
/// long as the log is kept, so a consumer that was away resumes where it stopped.
pub fn cursor(id: i32) -> String {
    URL_SAFE_NO_PAD.encode(format!("event:{id}"))
}

/// The sequence number of a cursor; `BAD_USER_INPUT` naming `field` when it is not one.
pub fn decode_cursor(cursor: &str, field: &str) -> Result<i32, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor.trim_end_matches('='))
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("event:").and_then(|n| n.parse().ok()))
        .filter(|n: &i32| *n >= 0)
        .ok_or_else(|| {
            ApiError::bad_input(
                field,
                format!("{cursor:?} is not a cursor of the change feed"),
            )
        })
}

/// The events `vis` lets a viewer see: public ones, and restricted ones about records the
/// viewer may read unpublished.
pub fn visible(vis: &Visibility) -> Condition {
    let public = event::Column::Public.eq(true);
    match vis {
        Visibility::All => Condition::all(),
        Visibility::PublishedOnly => Condition::all().add(public),
        Visibility::PublishedOrUnits(units) => Condition::any()
            .add(public)
            .add(event::Column::OwnerUnit.is_in(units.iter().cloned())),
        Visibility::PublishedOrMunicipality(ine) => Condition::any()
            .add(public)
            .add(event::Column::OwnerMunicipality.eq(ine.as_str())),
    }
}

/// Whether a viewer with `vis` may see `e` (the same rule as [`visible`], in memory).
pub fn sees(vis: &Visibility, e: &event::Model) -> bool {
    e.public
        || match vis {
            Visibility::All => true,
            Visibility::PublishedOnly => false,
            Visibility::PublishedOrUnits(units) => {
                e.owner_unit.as_ref().is_some_and(|u| units.contains(u))
            }
            Visibility::PublishedOrMunicipality(ine) => e.owner_municipality.as_ref() == Some(ine),
        }
}

/// Whether `e` is of one of `types` (all types when `None`).
pub fn of_types(types: Option<&[ChangeType]>, e: &event::Model) -> bool {
    types.is_none_or(|t| t.iter().any(|t| t.as_str() == e.event_type))
}

/// Up to `limit` events after sequence `after`, oldest first, that `vis` may see and whose
/// type is one of `types`; and whether more follow.
pub async fn page(
    db: &DatabaseConnection,
    vis: &Visibility,
    after: i32,
    limit: u64,
    types: Option<&[ChangeType]>,
) -> Result<(Vec<event::Model>, bool), ApiError> {
    let mut cond = Condition::all()
        .add(event::Column::Id.gt(after))
        .add(visible(vis));
    if let Some(types) = types {
        cond = cond.add(event::Column::EventType.is_in(types.iter().map(|t| t.as_str())));
    }
    let mut rows = event::Entity::find()
        .filter(cond)
        .order_by_asc(event::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok((rows, more))
}

/// The sequence number of the latest event (0 when there is none).
pub async fn latest(db: &DatabaseConnection) -> Result<i32, ApiError> {
    Ok(event::Entity::find()
        .order_by_desc(event::Column::Id)
        .one(db)
        .await?
        .map_or(0, |e| e.id))
}
