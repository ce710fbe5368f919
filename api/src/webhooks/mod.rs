//! Webhooks: coordinators register HTTPS endpoints; every public event is queued for each
//! endpoint that wants its type, in the same transaction as the event (by the event log's outbox,
//! [`crate::events::outbox`]), and a background [`worker::Worker`] delivers the queue signed
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

use entity::{event, webhook_endpoint};

use crate::config::Config;
use crate::events::ChangeType;
pub use crate::events::outbox::DeliveryStatus;

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
