//! The delivery worker: claims due deliveries from the outbox, POSTs them signed, records the
//! attempt, and schedules a retry or gives up.
//!
//! Claiming: a delivery is due when it is the oldest pending one of an enabled endpoint, its
//! next attempt is due and no worker holds its lease. The claim sets a lease and counts the
//! attempt in one UPDATE; on PostgreSQL its subquery picks the rows `FOR UPDATE SKIP LOCKED`,
//! so replicas claiming at the same moment take different rows and never the same attempt.
//! The attempt number claimed is the fencing token: a worker records its result only if the
//! delivery is still at that attempt (a worker whose lease ran out cannot overwrite a later
//! one). SQLite has a single writer, so the same statements are enough there.
//!
//! Waking: on every event the hub broadcasts (in-process, or from other replicas through
//! PostgreSQL `NOTIFY`), when the earliest retry falls due, and at least every
//! `PLAN_API_WEBHOOK_POLL_MS`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use entity::{event, webhook_attempt, webhook_delivery, webhook_endpoint};
use sea_orm::sea_query::{Expr, Func, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, Condition, DatabaseBackend,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
    TransactionTrait,
};
use tokio::sync::{broadcast, watch};
use tracing::Instrument;

use super::{DeliveryErrorClass, DeliveryStatus, Settings, guard, sign};
use crate::error::ApiError;

/// A running worker; [`Worker::stop`] ends it after the attempts in flight.
pub struct Worker {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Worker {
    /// Starts delivering from `db`, woken by `events` (a receiver of the event hub).
    pub fn start(
        db: DatabaseConnection,
        events: broadcast::Receiver<Arc<event::Model>>,
        settings: Settings,
    ) -> Result<Worker, ApiError> {
        let client = client(&settings)?;
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(run(db, client, Arc::new(settings), events, stopped));
        Ok(Worker { stop, task })
    }

    /// Stops claiming new deliveries; the attempts in flight go on ([`Worker::stop`] waits for
    /// them). A stopping server calls it when the stop is asked for, so that the attempts finish
    /// while its connections drain rather than after.
    pub fn stop_claiming(&self) {
        let _ = self.stop.send(true);
    }

    /// Stops claiming, lets the attempts in flight finish (each is bounded by the timeout),
    /// and returns when the worker has ended.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// The HTTP client: no redirects, no proxy, timeouts, the guarded resolver, HTTPS through
/// rustls with the platform's trust roots.
pub fn client(settings: &Settings) -> Result<reqwest::Client, ApiError> {
    // Already installed is fine: one provider per process.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        .https_only(!settings.allow_http)
        .user_agent(concat!("plan-api-webhooks/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(Arc::new(guard::GuardedResolver {
            allow_private: settings.allow_private,
        }))
        .build()
        .map_err(|err| {
            tracing::error!(%err, "cannot build the webhook HTTP client");
            ApiError::Internal
        })
}

async fn run(
    db: DatabaseConnection,
    client: reqwest::Client,
    settings: Arc<Settings>,
    mut events: broadcast::Receiver<Arc<event::Model>>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut hub_open = true;
    loop {
        loop {
            if *stopped.borrow() {
                return;
            }
            let claimed = match claim(&db, &settings).await {
                Ok(c) => c,
                Err(err) => {
                    tracing::warn!(%err, "webhook worker cannot claim deliveries");
                    break;
                }
            };
            if claimed.is_empty() {
                break;
            }
            futures_util::future::join_all(
                claimed
                    .into_iter()
                    .map(|c| attempt(&db, &client, &settings, c)),
            )
            .await;
        }
        let wait = match next_due(&db).await {
            Ok(Some(at)) => (at - Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .max(Duration::from_millis(5))
                .min(settings.poll),
            _ => settings.poll,
        };
        tokio::select! {
            _ = stopped.changed() => return,
            received = events.recv(), if hub_open => {
                if matches!(received, Err(broadcast::error::RecvError::Closed)) {
                    hub_open = false;
                }
            }
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// A claimed delivery, with what sending it needs.
struct Claimed {
    delivery: webhook_delivery::Model,
    endpoint: webhook_endpoint::Model,
    event: event::Model,
}

fn heads() -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .expr(Func::min(Expr::col(webhook_delivery::Column::Id)))
        .from(webhook_delivery::Entity)
        .and_where(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.as_str()))
        .group_by_col(webhook_delivery::Column::EndpointId)
        .to_owned()
}

fn enabled_endpoints() -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(webhook_endpoint::Column::Id)
        .from(webhook_endpoint::Entity)
        .and_where(webhook_endpoint::Column::Enabled.eq(true))
        .to_owned()
}

/// Claims up to `concurrency` due deliveries, at most one per endpoint, in one statement (an
/// UPDATE of the rows its subquery picks; on PostgreSQL the subquery locks them `FOR UPDATE
/// SKIP LOCKED`). One write statement, not a read then a write: on SQLite a transaction that
/// reads before it writes can fail against a concurrent writer.
/// The rows of `E` whose `id` column is one of `ids`, by their id (`key`).
async fn by_id<E: EntityTrait>(
    db: &DatabaseConnection,
    id: E::Column,
    ids: impl IntoIterator<Item = i32>,
    key: fn(&E::Model) -> i32,
) -> Result<HashMap<i32, E::Model>, ApiError> {
    Ok(E::find()
        .filter(id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (key(&m), m))
        .collect())
}

async fn claim(db: &DatabaseConnection, settings: &Settings) -> Result<Vec<Claimed>, ApiError> {
    let now = Utc::now();
    let lease = now
        + chrono::Duration::from_std(settings.timeout + settings.lease_margin)
            .unwrap_or(chrono::Duration::minutes(1));
    let mut due = webhook_delivery::Entity::find()
        .select_only()
        .column(webhook_delivery::Column::Id)
        .filter(webhook_delivery::Column::Id.in_subquery(heads()))
        .filter(webhook_delivery::Column::EndpointId.in_subquery(enabled_endpoints()))
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.as_str()))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .filter(
            Condition::any()
                .add(webhook_delivery::Column::LeaseUntil.is_null())
                .add(webhook_delivery::Column::LeaseUntil.lt(now)),
        )
        .order_by_asc(webhook_delivery::Column::Id)
        .limit(settings.concurrency as u64);
    if db.get_database_backend() == DatabaseBackend::Postgres {
        due = due.lock_with_behavior(
            sea_orm::sea_query::LockType::Update,
            sea_orm::sea_query::LockBehavior::SkipLocked,
        );
    }
    let mut deliveries = webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::LeaseUntil, Expr::value(lease))
        .col_expr(
            webhook_delivery::Column::Attempts,
            sea_orm::sea_query::ExprTrait::add(Expr::col(webhook_delivery::Column::Attempts), 1),
        )
        .filter(webhook_delivery::Column::Id.in_subquery(due.into_query()))
        .exec_with_returning(db)
        .await?;
    if deliveries.is_empty() {
        return Ok(Vec::new());
    }
    deliveries.sort_by_key(|d| d.id);
    let mut endpoints = by_id::<webhook_endpoint::Entity>(
        db,
        webhook_endpoint::Column::Id,
        deliveries.iter().map(|d| d.endpoint_id),
        |e| e.id,
    )
    .await?;
    let events = by_id::<event::Entity>(
        db,
        event::Column::Id,
        deliveries.iter().map(|d| d.event_id),
        |e| e.id,
    )
    .await?;
    Ok(deliveries
        .into_iter()
        .filter_map(|d| {
            Some(Claimed {
                endpoint: endpoints.remove(&d.endpoint_id)?,
                event: events.get(&d.event_id)?.clone(),
                delivery: d,
            })
        })
        .collect())
}

/// When the earliest head of an endpoint's queue falls due (its retry time, or the end of
/// another worker's lease).
async fn next_due(db: &DatabaseConnection) -> Result<Option<DateTime<Utc>>, ApiError> {
    let rows: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = webhook_delivery::Entity::find()
        .select_only()
        .column(webhook_delivery::Column::NextAttemptAt)
        .column(webhook_delivery::Column::LeaseUntil)
        .filter(webhook_delivery::Column::Id.in_subquery(heads()))
        .filter(webhook_delivery::Column::EndpointId.in_subquery(enabled_endpoints()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(next, lease)| lease.map_or(next, |l| l.max(next)))
        .min())
}

/// What one attempt came to.
struct Outcome {
    status_code: Option<u16>,
    error: Option<(DeliveryErrorClass, String)>,
}

/// Sends one claimed delivery and records the outcome, in the attempt's span (a child of the
/// request that appended the event: see `crate::traces`).
async fn attempt(
    db: &DatabaseConnection,
    client: &reqwest::Client,
    settings: &Settings,
    c: Claimed,
) {
    let span = crate::traces::webhook_attempt_span(
        &c.event,
        c.delivery.id,
        c.endpoint.id,
        c.delivery.attempts,
    );
    let traced = span.clone();
    let work = async move {
        let started_at = Utc::now();
        let started = Instant::now();
        let outcome = send(client, settings, &c, &traced).await;
        if let Some(code) = outcome.status_code {
            traced.record("http.response.status_code", code);
        }
        if let Some((class, _)) = &outcome.error {
            traced.record("error.type", class.as_str());
            traced.record("otel.status_code", "error");
        }
        let elapsed = started.elapsed();
        if let Err(err) = record(db, settings, &c, started_at, elapsed, outcome).await {
            tracing::warn!(%err, delivery = c.delivery.id, "cannot record a webhook attempt");
        }
    };
    work.instrument(span).await;
}

async fn send(
    client: &reqwest::Client,
    settings: &Settings,
    c: &Claimed,
    span: &tracing::Span,
) -> Outcome {
    let fail = |class, message: String| Outcome {
        status_code: None,
        error: Some((class, message)),
    };
    let url = match reqwest::Url::parse(&c.endpoint.url) {
        Ok(u) => u,
        Err(_) => {
            return fail(
                DeliveryErrorClass::Other,
                "the stored URL is invalid".into(),
            );
        }
    };
    // An address in the URL itself is not resolved: check it here.
    let literal = match url.host() {
        Some(url::Host::Ipv4(ip)) => Some(std::net::IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(std::net::IpAddr::V6(ip)),
        _ => None,
    };
    if literal.is_some_and(|ip| !guard::permitted(ip, settings.allow_private)) {
        return fail(
            DeliveryErrorClass::BlockedAddress,
            "the URL's address may not receive webhooks".into(),
        );
    }
    let body = super::body(&c.event);
    let timestamp = Utc::now().timestamp();
    let mut secrets = vec![c.endpoint.secret.as_str()];
    if let (Some(previous), Some(until)) = (
        &c.endpoint.previous_secret,
        c.endpoint.previous_secret_expires_at,
    ) && until > Utc::now()
    {
        secrets.push(previous.as_str());
    }
    let Some(signature) = sign::header(&secrets, &c.delivery.message_id, timestamp, &body) else {
        return fail(DeliveryErrorClass::Other, "the secret is malformed".into());
    };
    // The attempt's trace context: the receiver's spans join the trace of the change.
    let mut trace_headers = reqwest::header::HeaderMap::new();
    crate::traces::inject(span, &mut trace_headers);
    let sent = client
        .post(url)
        .headers(trace_headers)
        .header("content-type", "application/json")
        .header("webhook-id", &c.delivery.message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(response) => {
            let status = response.status();
            let code = Some(status.as_u16());
            if status.is_success() {
                Outcome {
                    status_code: code,
                    error: None,
                }
            } else if status.is_redirection() {
                Outcome {
                    status_code: code,
                    error: Some((
                        DeliveryErrorClass::Redirect,
                        "redirects are not followed; register the final URL".into(),
                    )),
                }
            } else {
                Outcome {
                    status_code: code,
                    error: Some((
                        DeliveryErrorClass::HttpStatus,
                        format!("the receiver answered {status}"),
                    )),
                }
            }
        }
        Err(err) => {
            let (class, message) = classify(&err);
            fail(class, message)
        }
    }
}

fn classify(err: &reqwest::Error) -> (DeliveryErrorClass, String) {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        // The resolver's error may reach us boxed: recognize it by type or by its words.
        if e.downcast_ref::<guard::Blocked>().is_some() || e.to_string().contains(guard::BLOCKED) {
            return (
                DeliveryErrorClass::BlockedAddress,
                format!("the URL's host {}", guard::BLOCKED),
            );
        }
        source = e.source();
    }
    if err.is_timeout() {
        (
            DeliveryErrorClass::Timeout,
            "no answer within the timeout".into(),
        )
    } else if err.is_connect() {
        (
            DeliveryErrorClass::Connection,
            "could not connect to the receiver".into(),
        )
    } else {
        (DeliveryErrorClass::Other, "the request failed".into())
    }
}

/// The wait before attempt `n + 1` after `n` failures: base × 2^(n-1), capped, then a random
/// point between half and all of it (jitter spreads retries of many deliveries apart).
pub fn backoff(settings: &Settings, failures: u32) -> Duration {
    let exp = settings
        .backoff_base
        .saturating_mul(1u32 << failures.saturating_sub(1).min(30))
        .min(settings.backoff_max);
    let mut r = [0u8; 8];
    let unit = match getrandom::fill(&mut r) {
        Ok(()) => (u64::from_le_bytes(r) >> 11) as f64 / (1u64 << 53) as f64,
        Err(_) => 0.5,
    };
    exp.mul_f64(0.5 + unit / 2.0)
}

async fn record(
    db: &DatabaseConnection,
    settings: &Settings,
    c: &Claimed,
    started_at: DateTime<Utc>,
    elapsed: Duration,
    outcome: Outcome,
) -> Result<(), ApiError> {
    let now = Utc::now();
    // The claim counted this attempt.
    let number = c.delivery.attempts;
    let txn = db.begin().await?;
    let fenced = Condition::all()
        .add(webhook_delivery::Column::Id.eq(c.delivery.id))
        .add(webhook_delivery::Column::Attempts.eq(number))
        .add(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending.as_str()));
    let mut update = webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(fenced);
    let failed = outcome.error.is_some();
    if failed {
        let next = now
            + chrono::Duration::from_std(backoff(settings, number.max(1) as u32))
                .unwrap_or(chrono::Duration::hours(1));
        let window =
            chrono::Duration::from_std(settings.retry_window).unwrap_or(chrono::Duration::days(1));
        if next > c.delivery.created_at + window {
            update = update
                .col_expr(
                    webhook_delivery::Column::Status,
                    Expr::value(DeliveryStatus::Failed.as_str()),
                )
                .col_expr(webhook_delivery::Column::CompletedAt, Expr::value(now));
        } else {
            update = update.col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(next));
        }
    } else {
        update = update
            .col_expr(
                webhook_delivery::Column::Status,
                Expr::value(DeliveryStatus::Delivered.as_str()),
            )
            .col_expr(webhook_delivery::Column::CompletedAt, Expr::value(now));
    }
    if update.exec(&txn).await?.rows_affected == 0 {
        // The lease ran out and another worker took the delivery over: its result counts.
        txn.rollback().await?;
        return Ok(());
    }
    let (class, message) = match outcome.error {
        Some((class, message)) => (Some(class.as_str().to_owned()), Some(message)),
        None => (None, None),
    };
    webhook_attempt::ActiveModel {
        id: NotSet,
        delivery_id: Set(c.delivery.id),
        number: Set(number),
        attempted_at: Set(started_at),
        duration_ms: Set(i32::try_from(elapsed.as_millis()).unwrap_or(i32::MAX)),
        status_code: Set(outcome.status_code.map(i32::from)),
        error_class: Set(class),
        error: Set(message),
    }
    .insert(&txn)
    .await?;
    let endpoint = webhook_endpoint::Entity::update_many()
        .filter(webhook_endpoint::Column::Id.eq(c.endpoint.id));
    if failed {
        endpoint
            .col_expr(
                webhook_endpoint::Column::ConsecutiveFailures,
                sea_orm::sea_query::ExprTrait::add(
                    Expr::col(webhook_endpoint::Column::ConsecutiveFailures),
                    1,
                ),
            )
            .exec(&txn)
            .await?;
        if settings.disable_after > 0 {
            let limit = i32::try_from(settings.disable_after).unwrap_or(i32::MAX);
            webhook_endpoint::Entity::update_many()
                .col_expr(webhook_endpoint::Column::Enabled, Expr::value(false))
                .col_expr(
                    webhook_endpoint::Column::DisabledReason,
                    Expr::value(format!(
                        "disabled by the service after {limit} failed attempts in a row"
                    )),
                )
                .col_expr(webhook_endpoint::Column::UpdatedAt, Expr::value(now))
                .filter(webhook_endpoint::Column::Id.eq(c.endpoint.id))
                .filter(webhook_endpoint::Column::Enabled.eq(true))
                .filter(webhook_endpoint::Column::ConsecutiveFailures.gte(limit))
                .exec(&txn)
                .await?;
        }
    } else {
        endpoint
            .col_expr(
                webhook_endpoint::Column::ConsecutiveFailures,
                Expr::value(0),
            )
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let s = Settings {
            backoff_base: Duration::from_secs(5),
            backoff_max: Duration::from_secs(60),
            ..Settings::default()
        };
        for (failures, full) in [(1, 5), (2, 10), (3, 20), (4, 40), (5, 60), (40, 60)] {
            let d = backoff(&s, failures);
            let full = Duration::from_secs(full);
            assert!(d >= full / 2 && d <= full, "{failures}: {d:?}");
        }
    }
}
