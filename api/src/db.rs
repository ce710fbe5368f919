//! Connecting to the database and migrating it.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr, Statement};

/// Counts the SQL statements the connection executes; tests use it to catch N+1 queries.
/// On request it also keeps them (text and values), so that a test can replay what a request
/// read and count the rows the database returned.
#[derive(Clone, Debug, Default)]
pub struct StatementCounter {
    count: Arc<AtomicU64>,
    /// Whether statements are being kept: checked first, so that counting costs one atomic
    /// load more when nobody is recording.
    recording: Arc<AtomicBool>,
    kept: Arc<Mutex<Vec<Statement>>>,
}

impl StatementCounter {
    /// Statements executed so far.
    pub fn get(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// Starts keeping every statement executed from now on (forgetting any kept before).
    pub fn record(&self) {
        self.kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self.recording.store(true, Ordering::Relaxed);
    }

    /// Stops keeping statements; those kept since [`Self::record`], in order.
    pub fn recorded(&self) -> Vec<Statement> {
        self.recording.store(false, Ordering::Relaxed);
        std::mem::take(&mut *self.kept.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn executed(&self, statement: &Statement) {
        self.count.fetch_add(1, Ordering::Relaxed);
        if self.recording.load(Ordering::Relaxed) {
            self.kept
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(statement.clone());
        }
    }
}

/// Whether this process's writes send PostgreSQL `NOTIFY` (`PLAN_API_PG_NOTIFY`).
///
/// Process-wide rather than per connection because the notifications are sent from inside the
/// store's transactions, which are handed a transaction and not the configuration; the CLI sets
/// it once from the configuration before anything is written.
static PG_NOTIFY: AtomicBool = AtomicBool::new(true);

/// Turns this process's PostgreSQL `NOTIFY` on or off (on by default).
pub fn set_pg_notify(on: bool) {
    PG_NOTIFY.store(on, Ordering::Relaxed);
}

/// Whether this process's writes send PostgreSQL `NOTIFY`.
pub fn pg_notify() -> bool {
    PG_NOTIFY.load(Ordering::Relaxed)
}

/// The bytes SQLite aims to keep its memory under, across every connection of the process
/// (`PRAGMA soft_heap_limit`): a little more than its default page caches of 2 MiB for each of
/// the pool's default 10 connections.
pub const SQLITE_SOFT_HEAP_LIMIT: u64 = 32 * 1024 * 1024;

/// Opens a connection pool on `url` with the default pool settings.
pub async fn connect(url: &str) -> Result<(DatabaseConnection, StatementCounter), DbErr> {
    connect_with(&crate::Config {
        database_url: url.to_owned(),
        ..crate::Config::default()
    })
    .await
}

/// Opens the configured connection pool, counting statements into the returned counter (and
/// tracing each one run inside a sampled trace: see [`crate::traces`]).
///
/// The acquire timeout is short on purpose: when the database is away, requests fail fast
/// with `SERVICE_UNAVAILABLE` instead of piling up; the pool reconnects by itself when it is
/// back.
pub async fn connect_with(
    config: &crate::Config,
) -> Result<(DatabaseConnection, StatementCounter), DbErr> {
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .sqlx_logging(false)
        .max_connections(config.db_max_connections)
        .connect_timeout(Duration::from_secs(config.db_connect_timeout_secs))
        .acquire_timeout(Duration::from_secs(config.db_acquire_timeout_secs));
    // SQLite's own memory (page caches, sorters, temporary b-trees of every pooled
    // connection) comes from the C allocator, outside ours: a soft limit for the whole
    // process makes SQLite give cache pages back before it grows past it, so its share stays
    // bounded however large the database (#25).
    options
        .map_sqlx_sqlite_opts(|o| o.pragma("soft_heap_limit", SQLITE_SOFT_HEAP_LIMIT.to_string()));
    let mut db = Database::connect(options).await?;
    let counter = StatementCounter::default();
    let inner = counter.clone();
    db.set_metric_callback(move |info| {
        inner.executed(info.statement);
        crate::traces::statement(info);
    });
    Ok((db, counter))
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}
