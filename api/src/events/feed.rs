//! Reading the event log: in order, from a cursor, as far as the viewer may see, numbered as
//! that viewer sees it.
//!
//! A caller must learn nothing from the feed that its reads of the same records would hide,
//! and that includes how many changes it may not see. The log's own ids count every change, so
//! neither cursors nor sequence numbers are made of them. Two counters are fixed on each event
//! when it is appended ([`next_numbers`]): `public_seq`, the public events up to it, and, on
//! restricted events, `owner_seq`, the restricted events of the same [`Owner`] up to it.
//! - A cursor names its event by the counter of the group it belongs to (`p12`: the 12th
//!   public event; `u4:AMB-SRI`: the service's 4th restricted one), which only those who see
//!   that group may use.
//! - A caller's sequence numbers count what it sees: the public counter, plus the counters of
//!   the owners whose restricted events it sees (its unit's or municipality's). Callers who
//!   see the whole log get its ids (gaps there are rolled-back transactions, nothing hidden).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entity::event;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use tracing::instrument;

use super::ChangeType;
use crate::error::ApiError;
use crate::monitoring::Visibility;
use crate::traces::TARGET;

/// Whose restricted events a counter counts: the reporter's unit, its municipality, or no one
/// (records written by coordinators, seen only by those who see the whole log).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// An AMB unit (its code).
    Unit(String),
    /// A municipality (its INE code).
    Municipality(String),
    /// Neither.
    Nobody,
}

impl Owner {
    /// The owner of a restricted event with these columns.
    pub fn of(unit: Option<&str>, municipality: Option<&str>) -> Owner {
        match (unit, municipality) {
            (Some(u), _) => Owner::Unit(u.to_owned()),
            (None, Some(m)) => Owner::Municipality(m.to_owned()),
            (None, None) => Owner::Nobody,
        }
    }

    fn of_event(e: &event::Model) -> Owner {
        Owner::of(e.owner_unit.as_deref(), e.owner_municipality.as_deref())
    }

    /// The restricted events of this owner.
    fn restricted(&self) -> Condition {
        let c = Condition::all().add(event::Column::Public.eq(false));
        match self {
            Owner::Unit(u) => c.add(event::Column::OwnerUnit.eq(u.as_str())),
            Owner::Municipality(m) => c
                .add(event::Column::OwnerUnit.is_null())
                .add(event::Column::OwnerMunicipality.eq(m.as_str())),
            Owner::Nobody => c
                .add(event::Column::OwnerUnit.is_null())
                .add(event::Column::OwnerMunicipality.is_null()),
        }
    }

    /// Whether `vis` sees this owner's restricted events.
    fn seen_by(&self, vis: &Visibility) -> bool {
        match (vis, self) {
            (Visibility::All, _) => true,
            (Visibility::PublishedOrUnits(units), Owner::Unit(u)) => units.contains(u),
            (Visibility::PublishedOrMunicipality(ine), Owner::Municipality(m)) => ine == m,
            _ => false,
        }
    }
}

/// The owners whose restricted events `vis` sees, when it sees some but not all.
fn owners_seen(vis: &Visibility) -> Vec<Owner> {
    match vis {
        Visibility::PublishedOrUnits(units) => units.iter().cloned().map(Owner::Unit).collect(),
        Visibility::PublishedOrMunicipality(ine) => vec![Owner::Municipality(ine.clone())],
        Visibility::All | Visibility::PublishedOnly => Vec::new(),
    }
}

/// The counters of an event about to be appended (see the module's documentation). Appends
/// are serialized (an advisory lock on PostgreSQL, the one writer of SQLite), so the latest
/// rows hold the running counts.
pub async fn next_numbers<C: ConnectionTrait>(
    conn: &C,
    public: bool,
    owner: &Owner,
) -> Result<(i32, Option<i32>), ApiError> {
    let public_before: Option<i32> = event::Entity::find()
        .select_only()
        .column(event::Column::PublicSeq)
        .order_by_desc(event::Column::Id)
        .limit(1)
        .into_tuple()
        .one(conn)
        .await?;
    if public {
        return Ok((public_before.unwrap_or(0) + 1, None));
    }
    let owner_before = last_owner_seq(conn, owner, None).await?;
    Ok((public_before.unwrap_or(0), Some(owner_before + 1)))
}

/// `owner`'s counter at its last restricted event (before `before`, when given); 0 if none.
async fn last_owner_seq<C: ConnectionTrait>(
    conn: &C,
    owner: &Owner,
    before: Option<i32>,
) -> Result<i32, ApiError> {
    let mut cond = owner.restricted();
    if let Some(id) = before {
        cond = cond.add(event::Column::Id.lt(id));
    }
    let last: Option<Option<i32>> = event::Entity::find()
        .select_only()
        .column(event::Column::OwnerSeq)
        .filter(cond)
        .order_by_desc(event::Column::Id)
        .limit(1)
        .into_tuple()
        .one(conn)
        .await?;
    Ok(last.flatten().unwrap_or(0))
}

/// A durable cursor naming `e`, opaque to clients. It stays valid for as long as the log is
/// kept, so a consumer that was away resumes where it stopped.
pub fn cursor(e: &event::Model) -> String {
    let mark = if e.public {
        format!("p{}", e.public_seq)
    } else {
        let n = e.owner_seq.unwrap_or(0);
        match Owner::of_event(e) {
            Owner::Unit(u) => format!("u{n}:{u}"),
            Owner::Municipality(m) => format!("m{n}:{m}"),
            Owner::Nobody => format!("n{n}"),
        }
    };
    URL_SAFE_NO_PAD.encode(format!("change:{mark}"))
}

/// What a cursor names.
#[derive(Debug, PartialEq, Eq)]
enum Mark {
    /// The n-th public event (0: the start of the log).
    Public(i32),
    /// The n-th restricted event of an owner.
    Restricted(Owner, i32),
    /// A cursor issued before December 2026: an event id.
    Legacy(i32),
}

fn parse_mark(cursor: &str) -> Option<Mark> {
    let text = URL_SAFE_NO_PAD
        .decode(cursor.trim_end_matches('='))
        .ok()
        .and_then(|b| String::from_utf8(b).ok())?;
    let number = |s: &str| s.parse::<i32>().ok().filter(|n| *n >= 0);
    if let Some(id) = text.strip_prefix("event:") {
        return number(id).map(Mark::Legacy);
    }
    let mark = text.strip_prefix("change:")?;
    let (kind, rest) = mark.split_at_checked(1)?;
    let owned = |make: fn(String) -> Owner| -> Option<Mark> {
        let (n, code) = rest.split_once(':')?;
        let n = number(n).filter(|n| *n > 0)?;
        (!code.is_empty()).then(|| Mark::Restricted(make(code.to_owned()), n))
    };
    match kind {
        "p" => number(rest).map(Mark::Public),
        "n" => number(rest)
            .filter(|n| *n > 0)
            .map(|n| Mark::Restricted(Owner::Nobody, n)),
        "u" => owned(Owner::Unit),
        "m" => owned(Owner::Municipality),
        _ => None,
    }
}

/// The log position (an event id, 0 for the start) of `cursor`, for a viewer with `vis`;
/// `BAD_USER_INPUT` naming `field` when it is not a cursor this viewer may use. A cursor that
/// names a change the viewer may not see is refused exactly as a malformed one, so a refusal
/// tells nothing of what the viewer may not see.
#[instrument(target = TARGET, name = "store.events.resolve_cursor", skip_all)]
pub async fn resolve_cursor(
    db: &DatabaseConnection,
    vis: &Visibility,
    cursor: &str,
    field: &str,
) -> Result<i32, ApiError> {
    let refused = || {
        ApiError::bad_input(
            field,
            format!("{cursor:?} is not a cursor of the change feed"),
        )
    };
    let found: Option<i32> = match parse_mark(cursor).ok_or_else(refused)? {
        Mark::Public(0) => return Ok(0),
        Mark::Legacy(id) => {
            return if *vis == Visibility::All {
                Ok(id)
            } else {
                Err(ApiError::bad_input(
                    field,
                    "this cursor was issued before December 2026 and counts changes you \
                     may not see; read the feed again from its start (without a cursor) \
                     to get cursors of your own",
                ))
            };
        }
        Mark::Public(n) => {
            event::Entity::find()
                .select_only()
                .column(event::Column::Id)
                .filter(event::Column::Public.eq(true))
                .filter(event::Column::PublicSeq.eq(n))
                .into_tuple()
                .one(db)
                .await?
        }
        Mark::Restricted(owner, n) if owner.seen_by(vis) => {
            event::Entity::find()
                .select_only()
                .column(event::Column::Id)
                .filter(owner.restricted())
                .filter(event::Column::OwnerSeq.eq(n))
                .into_tuple()
                .one(db)
                .await?
        }
        Mark::Restricted(..) => None,
    };
    found.ok_or_else(refused)
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
fn of_types(types: Option<&[ChangeType]>, e: &event::Model) -> bool {
    types.is_none_or(|t| t.iter().any(|t| t.as_str() == e.event_type))
}

/// Which events of the log a reader asks for (all when every part is `None`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Selection<'a> {
    /// Only events of these types.
    pub types: Option<&'a [ChangeType]>,
    /// Only events about this plan (its id).
    pub plan: Option<i32>,
}

impl Selection<'_> {
    /// Whether `e` is selected (the same rule as the query, in memory).
    pub fn holds(&self, e: &event::Model) -> bool {
        of_types(self.types, e) && self.plan.is_none_or(|p| e.plan_id == Some(p))
    }

    /// Whether it leaves out some events.
    fn narrows(&self) -> bool {
        self.types.is_some() || self.plan.is_some()
    }
}

/// Up to `limit` events after position `after`, oldest first, that `vis` may see and that
/// `selection` selects; and whether more follow.
#[instrument(target = TARGET, name = "store.events.page", skip_all)]
pub async fn page(
    db: &DatabaseConnection,
    vis: &Visibility,
    after: i32,
    limit: u64,
    selection: Selection<'_>,
) -> Result<(Vec<event::Model>, bool), ApiError> {
    let mut cond = Condition::all()
        .add(event::Column::Id.gt(after))
        .add(visible(vis));
    if let Some(types) = selection.types {
        cond = cond.add(event::Column::EventType.is_in(types.iter().map(|t| t.as_str())));
    }
    if let Some(plan) = selection.plan {
        cond = cond.add(event::Column::PlanId.eq(plan));
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

/// An event with its sequence number as the viewer sees the log.
#[derive(Clone, Debug)]
pub struct Numbered {
    /// The event.
    pub event: event::Model,
    /// Its position among the events the viewer may see.
    pub sequence: i32,
}

/// [`page`], each event with its sequence number for `vis`.
#[instrument(target = TARGET, name = "store.events.numbered_page", skip_all)]
pub async fn numbered_page(
    db: &DatabaseConnection,
    vis: &Visibility,
    after: i32,
    limit: u64,
    selection: Selection<'_>,
) -> Result<(Vec<Numbered>, bool), ApiError> {
    let (rows, more) = page(db, vis, after, limit, selection).await?;
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return Ok((Vec::new(), more));
    };
    let mut numbering = Numbering::at(db, vis, first.id - 1).await?;
    // A narrower selection skips the viewer's own restricted events of other types or plans,
    // which still count: read their counters for the page's span.
    let mut skipped = Vec::new();
    let owners = owners_seen(vis);
    if selection.narrows() && !owners.is_empty() {
        let own = owners
            .iter()
            .fold(Condition::any(), |c, o| c.add(o.restricted()));
        skipped = event::Entity::find()
            .filter(own)
            .filter(event::Column::Id.between(first.id, last.id))
            .order_by_asc(event::Column::Id)
            .all(db)
            .await?;
    }
    let mut skipped = skipped.into_iter().peekable();
    let mut numbered = Vec::with_capacity(rows.len());
    for row in rows {
        while let Some(s) = skipped.next_if(|s| s.id < row.id) {
            numbering.pass(&s);
        }
        skipped.next_if(|s| s.id == row.id);
        if let Some(sequence) = numbering.pass(&row) {
            numbered.push(Numbered {
                event: row,
                sequence,
            });
        }
    }
    Ok((numbered, more))
}

/// A viewer's numbering of the log, kept as events pass in order.
#[derive(Clone, Debug)]
pub enum Numbering {
    /// The whole log: its own ids.
    Whole,
    /// Public events only: the public counter.
    Public,
    /// Public events and some owners' restricted ones: the public counter plus each owner's.
    Owners(Vec<(Owner, i32)>),
}

impl Numbering {
    /// The numbering of `vis` with every event up to position `at` passed.
    #[instrument(target = TARGET, name = "store.events.numbering", skip_all)]
    pub async fn at(db: &DatabaseConnection, vis: &Visibility, at: i32) -> Result<Self, ApiError> {
        Ok(match vis {
            Visibility::All => Numbering::Whole,
            Visibility::PublishedOnly => Numbering::Public,
            Visibility::PublishedOrUnits(_) | Visibility::PublishedOrMunicipality(_) => {
                let mut counts = Vec::new();
                for owner in owners_seen(vis) {
                    let n = last_owner_seq(db, &owner, Some(at.saturating_add(1))).await?;
                    counts.push((owner, n));
                }
                Numbering::Owners(counts)
            }
        })
    }

    /// Passes the next event of the log: its sequence number when the viewer sees it.
    pub fn pass(&mut self, e: &event::Model) -> Option<i32> {
        match self {
            Numbering::Whole => Some(e.id),
            Numbering::Public => e.public.then_some(e.public_seq),
            Numbering::Owners(counts) => {
                let mut seen = e.public;
                if !e.public {
                    let owner = Owner::of_event(e);
                    if let Some((_, n)) = counts.iter_mut().find(|(o, _)| *o == owner) {
                        *n = e.owner_seq.unwrap_or(*n + 1);
                        seen = true;
                    }
                }
                seen.then(|| e.public_seq + counts.iter().map(|(_, n)| n).sum::<i32>())
            }
        }
    }
}

/// The position of the latest event (0 when there is none).
#[instrument(target = TARGET, name = "store.events.latest", skip_all)]
pub async fn latest(db: &DatabaseConnection) -> Result<i32, ApiError> {
    Ok(event::Entity::find()
        .order_by_desc(event::Column::Id)
        .one(db)
        .await?
        .map_or(0, |e| e.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn cursors_parse_as_the_marks_they_were_made_of() {
        for (text, mark) in [
            ("change:p0", Some(Mark::Public(0))),
            ("change:p12", Some(Mark::Public(12))),
            (
                "change:u4:AMB-SRI",
                Some(Mark::Restricted(Owner::Unit("AMB-SRI".into()), 4)),
            ),
            (
                "change:m2:08101",
                Some(Mark::Restricted(Owner::Municipality("08101".into()), 2)),
            ),
            ("change:n7", Some(Mark::Restricted(Owner::Nobody, 7))),
            ("event:42", Some(Mark::Legacy(42))),
            ("change:p-1", None),
            ("change:n0", None),
            ("change:u4:", None),
            ("change:u4", None),
            ("change:x1", None),
            ("change:", None),
            ("event:x", None),
            ("anything", None),
        ] {
            assert_eq!(parse_mark(&encoded(text)), mark, "{text}");
        }
        assert_eq!(parse_mark("not base64 at all!"), None);
    }
}
