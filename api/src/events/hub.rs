//! Fan-out of committed events to the subscriptions of this process.
//!
//! One task per process reads the event log after the last sequence it has seen and broadcasts
//! what it finds. It reads only committed rows, so whatever wakes it is merely a hint:
//! [`poke`] from [`super::append`] in this process (SQLite, or the replica that wrote), a
//! PostgreSQL `NOTIFY` on [`super::CHANNEL`] from any replica (unless
//! `PLAN_API_PG_NOTIFY=false`), and, as the fallback when a notification is lost, a poll every
//! `PLAN_API_EVENTS_POLL_MS`.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use entity::event;
use sea_orm::{DatabaseBackend, DatabaseConnection};
use tokio::sync::{Notify, broadcast, watch};

use super::feed;
use crate::monitoring::Visibility;

/// Events buffered per subscriber before it lags (and catches up from the database).
const CAPACITY: usize = 1024;

static POKES: LazyLock<watch::Sender<u64>> = LazyLock::new(|| watch::channel(0).0);

/// Tells the hubs of this process that an event was appended. The appending transaction may
/// not have committed yet, so a woken hub reads again shortly after.
pub fn poke() {
    POKES.send_modify(|n| *n = n.wrapping_add(1));
}

/// The broadcaster of one application.
pub struct Hub {
    tx: broadcast::Sender<Arc<event::Model>>,
}

impl Hub {
    /// Starts the hub's reader over `db` (and, on PostgreSQL when `notify`, i.e.
    /// `PLAN_API_PG_NOTIFY`, its `LISTEN` connection). The tasks end once the hub is dropped.
    pub fn start(db: DatabaseConnection, poll: Duration, notify: bool) -> Arc<Hub> {
        let (tx, _) = broadcast::channel(CAPACITY);
        let hub = Arc::new(Hub { tx });
        let wake = Arc::new(Notify::new());
        if notify && db.get_database_backend() == DatabaseBackend::Postgres {
            tokio::spawn(listen(db.clone(), Arc::downgrade(&hub), wake.clone()));
        }
        tokio::spawn(read(db, Arc::downgrade(&hub), wake, poll));
        hub
    }

    /// A receiver of every event committed from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<event::Model>> {
        self.tx.subscribe()
    }
}

async fn read(
    db: DatabaseConnection,
    hub: std::sync::Weak<Hub>,
    wake: Arc<Notify>,
    poll: Duration,
) {
    let mut pokes = POKES.subscribe();
    let mut last = loop {
        match feed::latest(&db).await {
            Ok(n) => break n,
            Err(_) => tokio::time::sleep(Duration::from_secs(1)).await,
        }
        if hub.strong_count() == 0 {
            return;
        }
    };
    // After a local poke, the appending transaction commits a moment later: read again soon.
    let mut rechecks: Vec<Duration> = Vec::new();
    loop {
        let wait = rechecks.pop().unwrap_or(poll);
        tokio::select! {
            changed = pokes.changed() => {
                if changed.is_ok() {
                    rechecks = vec![
                        Duration::from_millis(400),
                        Duration::from_millis(100),
                        Duration::from_millis(20),
                    ];
                }
            }
            () = wake.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
        let Some(hub) = hub.upgrade() else {
            return;
        };
        while let Ok((rows, more)) =
            feed::page(&db, &Visibility::All, last, 500, feed::Selection::default()).await
        {
            let rows: Vec<Arc<event::Model>> = rows.into_iter().map(Arc::new).collect();
            if !rows.is_empty() {
                let _span = crate::traces::fanout_span(&rows, hub.tx.receiver_count()).entered();
                for row in rows {
                    last = last.max(row.id);
                    // No receivers is not an error: nobody is subscribed.
                    let _ = hub.tx.send(row);
                }
            }
            if !more {
                break;
            }
        }
    }
}

/// PostgreSQL: wakes the reader on every `NOTIFY` of a committed event, from any replica.
async fn listen(db: DatabaseConnection, hub: std::sync::Weak<Hub>, wake: Arc<Notify>) {
    use sea_orm::sqlx::postgres::PgListener;
    let pool = db.get_postgres_connection_pool().clone();
    while hub.strong_count() > 0 {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(l) => l,
            Err(err) => {
                tracing::warn!(%err, "cannot LISTEN for events; polling meanwhile");
                tokio::time::sleep(Duration::from_secs(5)).await;
                continue;
            }
        };
        if let Err(err) = listener.listen(super::CHANNEL).await {
            tracing::warn!(%err, "cannot LISTEN for events; polling meanwhile");
            tokio::time::sleep(Duration::from_secs(5)).await;
            continue;
        }
        // Ready: anything committed before now is read by the reader's next pass.
        wake.notify_one();
        crate::metrics::listening(super::CHANNEL, true);
        while hub.strong_count() > 0 {
            match tokio::time::timeout(Duration::from_secs(5), listener.recv()).await {
                Ok(Ok(_)) => wake.notify_one(),
                Ok(Err(err)) => {
                    tracing::warn!(%err, "the event LISTEN connection failed; reconnecting");
                    crate::metrics::listening(super::CHANNEL, false);
                    // The connection was lost: notifications may have been missed.
                    wake.notify_one();
                    break;
                }
                Err(_) => {}
            }
        }
    }
}
