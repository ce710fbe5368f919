//! Webhooks: coordinators register HTTPS endpoints; every public event is queued for each
//! endpoint that wants its type, in the same transaction as the event ([`enqueue`], called by
//! [`crate::events::append`]), and a background [`worker::Worker`] delivers the queue signed
//! as the Standard Webhooks specification says ([`sign`]), retrying with exponential backoff.
//!
//! What an endpoint sees: the events anonymous callers see in the change feed (publications,
//! public archiving, annual reports, reporting years, plan content), never a draft or a review
//! step. Webhooks leave the service for systems outside it, so they carry public facts only.
//!
//! Order: deliveries to one endpoint are attempted one at a time in the order of their events.
//! A delivery that keeps failing holds back the later ones until it succeeds or is given up
//! (after `PLAN_API_WEBHOOK_RETRY_WINDOW_SECS`); so a receiver sees events in order unless one
//! was given up, and then sees the rest in order after it. Delivery is at least once: an attempt
//! whose answer was lost (the worker stopped, the lease ran out) is sent again with the same
//! `webhook-id`, which receivers use to drop duplicates.
//!
//! This module decides; `graphql::webhooks` only translates.

pub mod guard;
pub mod sign;
pub mod store;
pub mod worker;

use std::time::Duration;

use chrono::Utc;
use entity::{event, webhook_delivery, webhook_endpoint};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, DatabaseTransaction, EntityTrait,
    QueryFilter, QuerySelect, Set,
};

use crate::config::Config;
use crate::error::ApiError;
use crate::events::ChangeType;

/// The settings of webhook delivery (`PLAN_API_WEBHOOK_*`).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Private, loopback and link-local targets are allowed.
    pub allow_private: bool,
    /// Plain `http://` targets are allowed.
    pub allow_http: bool,
    /// How long after its event a delivery is retried.
    pub retry_window: Duration,
    /// Wait before the first retry.
    pub backoff_base: Duration,
    /// Longest wait between attempts.
    pub backoff_max: Duration,
    /// Failed attempts in a row that disable an endpoint (0: never).
    pub disable_after: u32,
    /// Longest an attempt may take.
    pub timeout: Duration,
    /// Look at the outbox at least this often.
    pub poll: Duration,
    /// How long a rotated-out secret keeps signing, by default.
    pub secret_grace: Duration,
    /// Deliveries attempted at once.
    pub concurrency: usize,
    /// How long a claim outlives the attempt's timeout.
    pub lease_margin: Duration,
}

impl Settings {
    /// The settings of `config`.
    pub fn from_config(c: &Config) -> Self {
        Settings {
            allow_private: c.webhook_allow_private,
            allow_http: c.webhook_allow_http,
            retry_window: Duration::from_secs(c.webhook_retry_window_secs),
            backoff_base: Duration::from_millis(c.webhook_backoff_base_ms),
            backoff_max: Duration::from_secs(c.webhook_backoff_max_secs),
            disable_after: c.webhook_disable_after_failures,
            timeout: Duration::from_secs(c.webhook_timeout_secs),
            poll: Duration::from_millis(c.webhook_poll_ms),
            secret_grace: Duration::from_secs(c.webhook_secret_grace_secs),
            concurrency: c.webhook_concurrency,
            lease_margin: Duration::from_secs(c.webhook_lease_margin_secs),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_config(&Config::default())
    }
}

/// Where a webhook delivery stands.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "WebhookDeliveryStatus")]
pub enum DeliveryStatus {
    /// Not delivered yet: waiting for its first attempt or a retry.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Given up: every attempt within the retry window failed.
    Failed,
}

impl DeliveryStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "PENDING",
            DeliveryStatus::Delivered => "DELIVERED",
            DeliveryStatus::Failed => "FAILED",
        }
    }

    /// The status stored as `s`.
    pub fn from_stored(s: &str) -> Option<Self> {
        [Self::Pending, Self::Delivered, Self::Failed]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// Why a webhook delivery attempt failed.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "WebhookErrorClass")]
pub enum DeliveryErrorClass {
    /// The receiver answered with a status other than 2xx or 3xx.
    HttpStatus,
    /// The receiver answered with a redirect (3xx): redirects are not followed; register the
    /// final URL instead.
    Redirect,
    /// No complete answer within the timeout.
    Timeout,
    /// The connection could not be made (refused, reset, TLS failure, name not found).
    Connection,
    /// The host resolves only to addresses webhooks may not be sent to (loopback, private,
    /// link-local, metadata).
    BlockedAddress,
    /// Anything else.
    Other,
}

impl DeliveryErrorClass {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HttpStatus => "HTTP_STATUS",
            Self::Redirect => "REDIRECT",
            Self::Timeout => "TIMEOUT",
            Self::Connection => "CONNECTION",
            Self::BlockedAddress => "BLOCKED_ADDRESS",
            Self::Other => "OTHER",
        }
    }

    /// The class stored as `s`.
    pub fn from_stored(s: &str) -> Option<Self> {
        [
            Self::HttpStatus,
            Self::Redirect,
            Self::Timeout,
            Self::Connection,
            Self::BlockedAddress,
            Self::Other,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

/// The change types stored for an endpoint.
pub fn stored_types(e: &webhook_endpoint::Model) -> Vec<ChangeType> {
    e.event_types
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().and_then(ChangeType::from_stored))
                .collect()
        })
        .unwrap_or_default()
}

/// Queues `event` for every enabled endpoint that wants its type, inside the event's own
/// transaction. Only public events are delivered (see the module's documentation).
pub async fn enqueue(txn: &DatabaseTransaction, event: &event::Model) -> Result<(), ApiError> {
    if !event.public {
        return Ok(());
    }
    let endpoints: Vec<(i32, serde_json::Value)> = webhook_endpoint::Entity::find()
        .select_only()
        .column(webhook_endpoint::Column::Id)
        .column(webhook_endpoint::Column::EventTypes)
        .filter(webhook_endpoint::Column::Enabled.eq(true))
        .into_tuple()
        .all(txn)
        .await?;
    let now = Utc::now();
    for (endpoint_id, types) in endpoints {
        let wanted = types
            .as_array()
            .is_some_and(|a| a.iter().any(|t| t.as_str() == Some(&event.event_type)));
        if !wanted {
            continue;
        }
        webhook_delivery::ActiveModel {
            id: NotSet,
            message_id: Set(format!("msg_{}", uuid::Uuid::new_v4().simple())),
            endpoint_id: Set(endpoint_id),
            event_id: Set(event.id),
            status: Set(DeliveryStatus::Pending.as_str().to_owned()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            lease_until: Set(None),
            created_at: Set(now),
            completed_at: Set(None),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// The JSON body delivered for `event`: `{type, timestamp, data}` as the Standard Webhooks
/// specification suggests. `data` holds what the change feed's `Change` tells an anonymous
/// caller, and nothing more: webhooks carry public facts to systems outside the service, so
/// `sequence` and `cursor` are the public feed's (usable with `changes(after:)` without a
/// token), and a record's version and earlier review state are left out.
pub fn body(event: &event::Model) -> Vec<u8> {
    let mut data = serde_json::Map::new();
    data.insert("sequence".into(), event.public_seq.into());
    data.insert("cursor".into(), crate::events::feed::cursor(event).into());
    data.insert("nodeId".into(), event.node_id.clone().into());
    for key in PUBLIC_FIELDS {
        if let Some(v) = event.payload.get(key) {
            data.insert((*key).into(), v.clone());
        }
    }
    let body = serde_json::json!({
        "type": event.event_type,
        "timestamp": event.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": data,
    });
    body.to_string().into_bytes()
}

/// The fields of an event's payload that anyone may know: those the change feed shows every
/// caller. (`previousState` and `version` belong to the record's review history.)
const PUBLIC_FIELDS: &[&str] = &["plan", "recordType", "state", "year"];
