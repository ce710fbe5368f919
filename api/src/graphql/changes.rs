//! The change feed (`changes` query) and its live form (`changes` subscription): the event log
//! as far as the viewer may see it, in commit order, with durable cursors.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::{Context, ErrorExtensions, ID, Object, Subscription};
use entity::event;
use futures_util::Stream;

use super::db;
use super::monitoring::ReviewState;
use super::scalars::DateTime;
use crate::error::ApiError;
use crate::events::hub::Hub;
use crate::events::{ChangeType, feed};
use crate::monitoring::service::Reads;
use crate::pagination::{PageInfo, page_size};
use crate::policy::{self, Operation};

/// One change: something another system may want to act on.
pub struct Change {
    event: Arc<event::Model>,
    /// Its position among the changes the viewer may see.
    sequence: i32,
}

impl Change {
    /// `event`, numbered as the viewer sees the log.
    pub(crate) fn numbered(n: feed::Numbered) -> Self {
        Change {
            sequence: n.sequence,
            event: Arc::new(n.event),
        }
    }

    /// `event`, for a viewer who sees the whole log (coordinators): numbered by its id.
    pub(crate) fn in_whole_log(event: event::Model) -> Self {
        Change {
            sequence: event.id,
            event: Arc::new(event),
        }
    }

    /// The payload's `key`, part of the record's review history (its version and the state it
    /// left): only for the viewers who may see that history, the reporter and the reviewers, as
    /// on the record itself.
    fn revision(&self, ctx: &Context<'_>, key: &str) -> Option<&serde_json::Value> {
        let e = &self.event;
        let target =
            policy::Target::of_owner(e.owner_unit.as_deref(), e.owner_municipality.as_deref());
        policy::allows(policy::viewer(ctx), Operation::ReadRevisions, Some(&target))
            .then(|| &e.payload[key])
    }
}

/// One change: something another system may want to act on. It tells its reader no more than
/// reading the record would: a record's version and earlier review state only to those who
/// may see its revisions, and no numbering that counts changes the reader may not see.
#[Object]
impl Change {
    /// Opaque, durable cursor of this change: pass it as `after` to read what followed. It is
    /// valid for every caller who may see this change.
    async fn cursor(&self) -> String {
        feed::cursor(&self.event)
    }
    /// Position of this change among the changes you may see: each later change you may see
    /// has the next number, and changes you may not see are not counted (callers who read the
    /// whole log see the log's own numbering, which may skip numbers).
    async fn sequence(&self) -> i32 {
        self.sequence
    }
    /// What happened.
    #[graphql(name = "type")]
    async fn change_type(&self) -> Result<ChangeType, ApiError> {
        ChangeType::from_stored(&self.event.event_type).ok_or(ApiError::Internal)
    }
    /// Global ID of what changed: a monitoring record, or the plan (for plan content, reporting
    /// years and annual reports). Refetch it with `node(id:)`.
    async fn node_id(&self) -> Option<ID> {
        self.event.node_id.clone().map(ID)
    }
    /// When it happened.
    async fn occurred_at(&self) -> DateTime {
        DateTime(self.event.occurred_at)
    }
    /// Code of the plan it belongs to.
    async fn plan(&self) -> Option<&str> {
        self.event.payload["plan"].as_str()
    }
    /// For record changes: the record's GraphQL type (`ProgressUpdate`, `Activity`, …).
    async fn record_type(&self) -> Option<&str> {
        self.event.payload["recordType"].as_str()
    }
    /// For record changes: the record's review state after the change.
    async fn state(&self) -> Option<ReviewState> {
        self.event.payload["state"]
            .as_str()
            .and_then(|s| s.parse().ok())
    }
    /// For record changes: its review state before the change (null when it was created in
    /// its new state). Part of the record's review history: null for callers who may not see
    /// its revisions (as its `version` is).
    async fn previous_state(&self, ctx: &Context<'_>) -> Option<ReviewState> {
        self.revision(ctx, "previousState")?.as_str()?.parse().ok()
    }
    /// For record changes: the record's version after the change. Null for callers who may
    /// not see the record's revisions (as on the record itself).
    async fn version(&self, ctx: &Context<'_>) -> Option<i32> {
        i32::try_from(self.revision(ctx, "version")?.as_i64()?).ok()
    }
    /// The year concerned: a record's reporting year, the reporting year opened or closed, the
    /// annual report's year.
    async fn year(&self) -> Option<i32> {
        self.event.payload["year"]
            .as_i64()
            .and_then(|v| i32::try_from(v).ok())
    }
}

/// A change in a page of the feed.
pub struct ChangeEdge(Change);

/// A change in a page of the feed.
#[Object]
impl ChangeEdge {
    /// Opaque, durable cursor of the change, for `after`.
    async fn cursor(&self) -> String {
        feed::cursor(&self.0.event)
    }
    /// The change.
    async fn node(&self) -> &Change {
        &self.0
    }
}

/// A page of the change feed, oldest first. It has no total count: the feed grows for as long
/// as the plan is monitored, and consumers page through it with `after` until `hasNextPage`
/// is false, then keep the last cursor for their next visit.
pub struct ChangeConnection {
    edges: Vec<ChangeEdge>,
    page_info: PageInfo,
}

/// A page of the change feed, oldest first. It has no total count: the feed grows for as long
/// as the plan is monitored, and consumers page through it with `after` until `hasNextPage`
/// is false, then keep the last cursor for their next visit.
#[Object]
impl ChangeConnection {
    /// The changes of this page, each with its cursor.
    async fn edges(&self) -> &[ChangeEdge] {
        &self.edges
    }
    /// The changes of this page.
    async fn nodes(&self) -> Vec<&Change> {
        self.edges.iter().map(|e| &e.0).collect()
    }
    /// Where this page lies in the feed. `endCursor` is null on an empty page: keep the cursor
    /// you had.
    async fn page_info(&self) -> &PageInfo {
        &self.page_info
    }
}

/// The id of the plan a `plan` argument names (`NOT_FOUND` when none has that code).
async fn plan_id(ctx: &Context<'_>, code: Option<&str>) -> Result<Option<i32>, ApiError> {
    match code {
        Some(code) => Ok(Some(
            crate::loaders::plan(super::loaders(ctx)?, Some(code))
                .await?
                .id,
        )),
        None => Ok(None),
    }
}

fn check_types(types: Option<Vec<ChangeType>>) -> Result<Option<Vec<ChangeType>>, ApiError> {
    match types {
        Some(t) if t.is_empty() => Err(ApiError::bad_input(
            "types",
            "name at least one change type, or leave types out for all",
        )),
        other => Ok(other),
    }
}

/// The `changes` root field.
#[derive(Default)]
pub struct ChangesQuery;

/// The `changes` root field.
#[Object]
impl ChangesQuery {
    /// Changes to the plan and its monitoring, oldest first, as far as the caller may see
    /// them: anonymous callers see public changes only (publications, reports, reporting
    /// years, plan content); areas and municipalities also those about their own records;
    /// readers and coordinators everything. A consumer keeps the last cursor it read and asks
    /// for what came `after` it, and so catches up after any downtime with nothing missed.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A cursor from an earlier page or change: only what came after it. \
                          From the start of the log when omitted."
        )]
        after: Option<String>,
        #[graphql(desc = "Page size (default 20, at most the server's page size cap).")]
        first: Option<i32>,
        #[graphql(desc = "Only changes of these types; all types when omitted.")] types: Option<
            Vec<ChangeType>,
        >,
        #[graphql(desc = "Only changes about this plan (its code); every plan's when omitted.")]
        plan: Option<String>,
    ) -> Result<ChangeConnection, ApiError> {
        let limit = page_size(super::page_cap(ctx), first)?;
        let types = check_types(types)?;
        let plan = plan_id(ctx, plan.as_deref()).await?;
        let reads = Reads::new(db(ctx)?.clone(), policy::viewer(ctx));
        let after_id = match &after {
            Some(c) => reads.change_cursor(c, "after").await?,
            None => 0,
        };
        let selection = feed::Selection {
            types: types.as_deref(),
            plan,
        };
        let (rows, more) = reads.changes(after_id, limit, selection).await?;
        let edges: Vec<ChangeEdge> = rows
            .into_iter()
            .map(|n| ChangeEdge(Change::numbered(n)))
            .collect();
        let page_info = PageInfo {
            has_next_page: more,
            has_previous_page: after_id > 0,
            start_cursor: edges.first().map(|e| feed::cursor(&e.0.event)),
            end_cursor: edges.last().map(|e| feed::cursor(&e.0.event)),
        };
        Ok(ChangeConnection { edges, page_info })
    }
}

/// The subscriptions running on one WebSocket connection, against its cap.
#[derive(Debug)]
pub struct SubscriptionSlots {
    running: AtomicUsize,
    max: usize,
}

impl SubscriptionSlots {
    /// Room for `max` subscriptions at once.
    pub fn new(max: usize) -> Arc<Self> {
        Arc::new(SubscriptionSlots {
            running: AtomicUsize::new(0),
            max,
        })
    }

    fn take(self: &Arc<Self>) -> Option<SlotGuard> {
        let taken = self
            .running
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            })
            .is_ok();
        taken.then(|| SlotGuard(self.clone()))
    }
}

/// A running subscription's place; freed when its stream ends or the client completes it.
struct SlotGuard(Arc<SubscriptionSlots>);

impl Drop for SlotGuard {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The state of one `changes` subscription.
struct Live {
    rx: tokio::sync::broadcast::Receiver<Arc<event::Model>>,
    reads: Reads,
    types: Option<Vec<ChangeType>>,
    plan: Option<i32>,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The last position delivered or passed over.
    last: i32,
    /// The subscriber's numbering of the log up to `last`, when known (it is read again after
    /// a catch-up from the database).
    numbering: Option<feed::Numbering>,
    /// Read from the database, not yet delivered.
    backlog: VecDeque<feed::Numbered>,
    /// The database may hold events after `last` that the broadcast will not bring (a replay
    /// from a cursor, or a subscriber that fell behind).
    catching_up: bool,
    _slot: Option<SlotGuard>,
}

const CATCH_UP_BATCH: u64 = 200;

impl Live {
    async fn next(&mut self) -> Option<Change> {
        loop {
            if self.expires_at.is_some_and(|t| t <= chrono::Utc::now()) {
                // The token ran out: the subscription ends; the client reconnects with a new one.
                return None;
            }
            if let Some(n) = self.backlog.pop_front() {
                self.last = n.event.id;
                return Some(Change::numbered(n));
            }
            if self.catching_up {
                let selection = feed::Selection {
                    types: self.types.as_deref(),
                    plan: self.plan,
                };
                let (rows, more) = self
                    .reads
                    .changes(self.last, CATCH_UP_BATCH, selection)
                    .await
                    .ok()?;
                self.catching_up = more;
                // The page passed over events the subscriber does not get: number afresh from
                // where the backlog ends.
                self.numbering = None;
                self.backlog.extend(rows);
                continue;
            }
            let numbering = match &mut self.numbering {
                Some(n) => n,
                None => self
                    .numbering
                    .insert(self.reads.numbering_at(self.last).await.ok()?),
            };
            match self.rx.recv().await {
                Ok(e) => {
                    if e.id <= self.last {
                        continue;
                    }
                    self.last = e.id;
                    let sequence = numbering.pass(&e);
                    if let Some(sequence) = sequence
                        && (feed::Selection {
                            types: self.types.as_deref(),
                            plan: self.plan,
                        })
                        .holds(&e)
                    {
                        return Some(Change { event: e, sequence });
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    self.catching_up = true;
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

/// The root subscription.
#[derive(Default)]
pub struct ChangesSubscription;

/// The root subscription.
#[Subscription]
impl ChangesSubscription {
    /// The same changes as the `changes` query, pushed as they are committed, with the same
    /// visibility (the token is the one given in `connection_init`). With `after`, the changes
    /// since that cursor come first, so a dashboard that reconnects misses nothing. The
    /// subscription ends when the token expires.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only changes of these types; all types when omitted.")] types: Option<
            Vec<ChangeType>,
        >,
        #[graphql(
            desc = "A cursor from the feed or an earlier change: replay what came after \
                          it first. Only changes from now on when omitted."
        )]
        after: Option<String>,
        #[graphql(desc = "Only changes about this plan (its code); every plan's when omitted.")]
        plan: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = Change> + use<>> {
        let types = check_types(types).map_err(|e| e.extend())?;
        let plan = plan_id(ctx, plan.as_deref())
            .await
            .map_err(|e| e.extend())?;
        let db = db(ctx).map_err(|e| e.extend())?.clone();
        let hub = ctx
            .data::<Arc<Hub>>()
            .map_err(|_| ApiError::Internal.extend())?;
        let slot = match ctx.data_opt::<Arc<SubscriptionSlots>>() {
            Some(slots) => Some(slots.take().ok_or_else(|| {
                async_graphql::Error::new(format!(
                    "at most {} subscriptions may run at once on one connection",
                    slots.max
                ))
                .extend_with(|_, e| e.set("code", "RATE_LIMITED"))
            })?),
            None => None,
        };
        let viewer = policy::viewer(ctx);
        let reads = Reads::new(db.clone(), viewer);
        let after = match &after {
            Some(c) => Some(
                reads
                    .change_cursor(c, "after")
                    .await
                    .map_err(|e| e.extend())?,
            ),
            None => None,
        };
        // Read the log's end before listening: whatever commits in between is read from the
        // database, and the broadcast's copies of it are skipped.
        let start = match after {
            Some(n) => n,
            None => feed::latest(&db).await.map_err(|e| e.extend())?,
        };
        let live = Live {
            rx: hub.subscribe(),
            reads,
            types,
            plan,
            expires_at: viewer.expires_at,
            last: start,
            numbering: None,
            backlog: VecDeque::new(),
            catching_up: true,
            _slot: slot,
        };
        Ok(futures_util::stream::unfold(live, |mut live| async move {
            live.next().await.map(|c| (c, live))
        }))
    }
}
