//! The content generation: a counter in the database that goes up, in the same transaction, with
//! every change to what anonymous callers see. The response cache keys its entries by it, so a
//! commit makes every older entry unreachable.
//!
//! How a process learns of a new generation:
//! - from its own writes at once: [`bump`] tells the process's trackers of that database that
//!   a generation is on its way; until they have read it from the database (which shows it only
//!   once committed), the cache is bypassed, so nothing read before the commit is ever stored
//!   under the new generation and nothing stale is served after it;
//! - on PostgreSQL from other replicas through `LISTEN`/`NOTIFY` (the notification is sent by
//!   the bump and delivered at commit; it only wakes the tracker, which then reads the row),
//!   unless `PLAN_API_PG_NOTIFY=false`;
//! - from anyone (another replica, `plan-api seed` run by hand) through a periodic read of the
//!   row every `PLAN_API_GENERATION_CHECK_MS` (500 ms by default).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, Weak};
use std::time::{Duration, Instant};

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, QueryResult, Statement,
};
use tokio::sync::Notify;

use chrono::{DateTime, Utc};

/// The `NOTIFY` channel of generation bumps.
pub const CHANNEL: &str = "plan_api_content_generation";

/// How long a tracker waits for a bump announced in-process to show up in the database before
/// it assumes the transaction was rolled back.
const PENDING_FOR: Duration = Duration::from_secs(5);
/// How often a tracker reads the row while a bump announced in-process is pending.
const PENDING_POLL: Duration = Duration::from_millis(5);

fn n(name: &str) -> Alias {
    Alias::new(name)
}

/// Moves the content generation on, inside `txn`: call it in the transaction of any change to
/// what anonymous callers see. Returns the new generation.
pub async fn bump<C: ConnectionTrait>(txn: &C) -> Result<i64, DbErr> {
    let mut update = Query::update();
    update
        .table(n("content_generation"))
        .value(n("generation"), Expr::col(n("generation")).add(1))
        .value(n("changed_at"), Utc::now())
        .and_where(Expr::col(n("id")).eq(1))
        .returning(Query::returning().columns([n("generation"), n("instance")]));
    let row = txn
        .query_one(&update)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("content_generation".to_owned()))?;
    let generation: i64 = row.try_get("", "generation")?;
    let instance: String = row.try_get("", "instance")?;
    if txn.get_database_backend() == DatabaseBackend::Postgres && crate::db::pg_notify() {
        // Transactional: delivered to listeners when (and only if) the transaction commits.
        txn.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), generation.to_string().into()],
        ))
        .await?;
    }
    announce(&instance, generation);
    Ok(generation)
}

/// The committed generation and this database's instance name.
pub async fn read<C: ConnectionTrait>(conn: &C) -> Result<(i64, String), DbErr> {
    let row = the_row(conn, "instance").await?;
    Ok((row.try_get("", "generation")?, row.try_get("", "instance")?))
}

/// The generation and `other` column of the one row of `content_generation`.
async fn the_row<C: ConnectionTrait>(conn: &C, other: &str) -> Result<QueryResult, DbErr> {
    let mut select = Query::select();
    select
        .columns([n("generation"), n(other)])
        .from(n("content_generation"))
        .and_where(Expr::col(n("id")).eq(1));
    conn.query_one(&select)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("content_generation".to_owned()))
}

/// The committed generation and when it was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// The generation.
    pub generation: i64,
    /// When it was reached (set by every bump; `None` only on a database that has not been
    /// bumped since the column was added and predates the migration's backfill).
    pub changed_at: Option<DateTime<Utc>>,
}

/// The committed generation and when it was reached, for HTTP validators (`ETag`,
/// `Last-Modified`) known before a response's body is read.
pub async fn stamp<C: ConnectionTrait>(conn: &C) -> Result<Stamp, DbErr> {
    let row = the_row(conn, "changed_at").await?;
    Ok(Stamp {
        generation: row.try_get("", "generation")?,
        changed_at: row.try_get("", "changed_at")?,
    })
}

/// The trackers of this process, by the instance name of their database.
static TRACKERS: LazyLock<Mutex<HashMap<String, Vec<Weak<Tracker>>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn announce(instance: &str, generation: i64) {
    let Ok(mut trackers) = TRACKERS.lock() else {
        return;
    };
    if let Some(list) = trackers.get_mut(instance) {
        list.retain(|t| t.strong_count() > 0);
        for tracker in list.iter().filter_map(Weak::upgrade) {
            tracker.expect(generation);
        }
    }
}

fn register(instance: &str, tracker: &Arc<Tracker>) {
    if let Ok(mut trackers) = TRACKERS.lock() {
        let list = trackers.entry(instance.to_owned()).or_default();
        list.retain(|t| t.strong_count() > 0);
        list.push(Arc::downgrade(tracker));
    }
}

/// A function called with each newly seen generation.
type Listener = Box<dyn Fn(i64) + Send + Sync>;

/// What one process knows of its database's content generation.
pub struct Tracker {
    /// The newest committed generation seen; negative until first read.
    known: AtomicI64,
    /// A generation announced in-process and not seen committed yet (0: none).
    awaiting: AtomicI64,
    /// Until when (ms since `epoch`) the awaited generation is waited for.
    awaiting_until: AtomicU64,
    epoch: Instant,
    wake: Notify,
    /// Called with each newly seen generation (the response cache empties itself).
    on_change: Mutex<Vec<Listener>>,
    /// How the last few new generations were learned, for tests and metrics.
    learned_by_notify: AtomicU64,
    /// Whether the PostgreSQL `LISTEN` is in place (notifications sent before are not seen).
    listening: AtomicBool,
    registered: AtomicBool,
}

impl Tracker {
    /// A tracker that knows nothing yet; [`Tracker::start`] makes it follow `db`.
    pub fn new() -> Arc<Self> {
        Arc::new(Tracker {
            known: AtomicI64::new(-1),
            awaiting: AtomicI64::new(0),
            awaiting_until: AtomicU64::new(0),
            epoch: Instant::now(),
            wake: Notify::new(),
            on_change: Mutex::new(Vec::new()),
            learned_by_notify: AtomicU64::new(0),
            listening: AtomicBool::new(false),
            registered: AtomicBool::new(false),
        })
    }

    /// Calls `f` with every newly seen generation.
    pub fn on_change(&self, f: impl Fn(i64) + Send + Sync + 'static) {
        if let Ok(mut list) = self.on_change.lock() {
            list.push(Box::new(f));
        }
    }

    /// The generation answers may be cached under, or `None` while it is unknown or a bump of
    /// this process is on its way to the database (answer afresh and store nothing).
    pub fn current(&self) -> Option<i64> {
        let known = self.known.load(Ordering::Acquire);
        if known < 0 {
            return None;
        }
        let awaiting = self.awaiting.load(Ordering::Acquire);
        if awaiting > known {
            if self.now_ms() < self.awaiting_until.load(Ordering::Acquire) {
                return None;
            }
            // Never committed (rolled back): stop waiting for it.
            let _ =
                self.awaiting
                    .compare_exchange(awaiting, 0, Ordering::AcqRel, Ordering::Relaxed);
        }
        Some(known)
    }

    /// Generations learned through a `NOTIFY` wake-up so far.
    pub fn learned_by_notify(&self) -> u64 {
        self.learned_by_notify.load(Ordering::Relaxed)
    }

    /// Whether this process is listening for PostgreSQL notifications right now.
    pub fn listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn expect(&self, generation: i64) {
        self.awaiting_until.store(
            self.now_ms() + u64::try_from(PENDING_FOR.as_millis()).unwrap_or(5000),
            Ordering::Release,
        );
        self.awaiting.fetch_max(generation, Ordering::AcqRel);
        self.wake.notify_one();
    }

    /// Records a committed generation; returns whether it was new.
    fn observe(&self, generation: i64) -> bool {
        let before = self.known.fetch_max(generation, Ordering::AcqRel);
        if generation > before {
            crate::metrics::generation(generation);
            if let Ok(list) = self.on_change.lock() {
                list.iter().for_each(|f| f(generation));
            }
            true
        } else {
            false
        }
    }

    async fn refresh(self: &Arc<Self>, db: &DatabaseConnection) -> bool {
        match read(db).await {
            Ok((generation, instance)) => {
                if !self.registered.swap(true, Ordering::AcqRel) {
                    register(&instance, self);
                }
                self.observe(generation)
            }
            Err(err) => {
                tracing::debug!(%err, "could not read the content generation");
                false
            }
        }
    }

    /// Reads the generation now, then follows it in the background for as long as the tracker
    /// lives: a periodic read every `check`, fast reads while a bump of this process is
    /// pending, and on PostgreSQL (when `notify`, i.e. `PLAN_API_PG_NOTIFY`) a `LISTEN` that
    /// wakes it when another replica commits one. The `LISTEN` uses a connection of its own on
    /// `database_url`, outside the pool.
    pub fn start(
        self: &Arc<Self>,
        db: DatabaseConnection,
        database_url: &str,
        check: Duration,
        notify: bool,
    ) {
        if tokio::runtime::Handle::try_current().is_err() {
            return;
        }
        let weak = Arc::downgrade(self);
        let poll_db = db.clone();
        tokio::spawn(async move {
            // The strong reference lives for one round (at most `check`): a dropped app ends
            // this task at its next round.
            while let Some(me) = weak.upgrade() {
                me.refresh(&poll_db).await;
                let pending =
                    me.awaiting.load(Ordering::Acquire) > me.known.load(Ordering::Acquire);
                let wait = if pending { PENDING_POLL } else { check };
                tokio::select! {
                    () = me.wake.notified() => {},
                    () = tokio::time::sleep(wait) => {},
                }
            }
        });
        if notify && db.get_database_backend() == DatabaseBackend::Postgres {
            let weak = Arc::downgrade(self);
            tokio::spawn(listen(weak, db, database_url.to_owned()));
        }
    }
}

/// `LISTEN` on PostgreSQL for as long as the tracker lives, reconnecting after a failure.
async fn listen(weak: Weak<Tracker>, db: DatabaseConnection, url: String) {
    use sea_orm::sqlx::postgres::PgListener;
    loop {
        if weak.strong_count() == 0 {
            return;
        }
        let mut listener = match PgListener::connect(&url).await {
            Ok(l) => l,
            Err(err) => {
                tracing::warn!(%err, "LISTEN connection failed; retrying in a second");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if let Err(err) = listener.listen(CHANNEL).await {
            tracing::warn!(%err, "LISTEN failed; retrying in a second");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        if let Some(me) = weak.upgrade() {
            me.listening.store(true, Ordering::Release);
            crate::metrics::listening(CHANNEL, true);
        }
        loop {
            match tokio::time::timeout(Duration::from_secs(1), listener.recv()).await {
                Err(_) => {
                    if weak.strong_count() == 0 {
                        return;
                    }
                }
                Ok(Ok(_)) => {
                    let Some(me) = weak.upgrade() else { return };
                    if me.refresh(&db).await {
                        me.learned_by_notify.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Ok(Err(err)) => {
                    tracing::warn!(%err, "LISTEN connection lost; reconnecting");
                    if let Some(me) = weak.upgrade() {
                        me.listening.store(false, Ordering::Release);
                    }
                    crate::metrics::listening(CHANNEL, false);
                    break;
                }
            }
        }
    }
}
