//! Webhooks through real sockets: a receiver on 127.0.0.1 (allowed by
//! `PLAN_API_WEBHOOK_ALLOW_PRIVATE` in these tests), the real worker, signatures checked as the
//! Standard Webhooks specification verifies them (the official `standardwebhooks` package
//! checks them too, in `tests/browser/webhooks.test.mjs`).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use plan_api::webhooks::Settings;
use plan_api::webhooks::worker::Worker;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::common::{Reply, TestApp, bearer};

mod delivery;
mod refusals;

async fn gql(app: &TestApp, auth: Option<&str>, query: &str, vars: Value) -> Reply {
    let headers: Vec<(&str, &str)> = auth.map(|a| ("authorization", a)).into_iter().collect();
    app.post(query, vars, &headers).await
}

async fn admin(app: &TestApp, query: &str, vars: Value) -> Value {
    let reply = gql(app, Some(&bearer("admin", None, None)), query, vars).await;
    assert!(reply.body.get("errors").is_none(), "{}", reply.body);
    reply.body["data"].clone()
}

/// A test application whose webhooks may go to loopback over plain HTTP, retrying fast.
async fn app() -> TestApp {
    TestApp::with(configure).await
}

fn configure(c: &mut plan_api::Config) {
    c.webhook_allow_private = true;
    c.webhook_allow_http = true;
    c.webhook_backoff_base_ms = 50;
    c.webhook_backoff_max_secs = 1;
    c.webhook_poll_ms = 200;
    c.webhook_timeout_secs = 5;
}

fn worker(app: &TestApp) -> Worker {
    Worker::start(
        app.state.db.clone(),
        app.state.hub.subscribe(),
        Settings::from_config(&app.state.config),
    )
    .expect("worker starts")
}

/// One request the receiver got.
#[derive(Clone, Debug)]
struct Hit {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
    status: u16,
}

impl Hit {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

#[derive(Clone, Default)]
struct Inbox {
    hits: Arc<Mutex<Vec<Hit>>>,
    /// Requests still to be answered 500.
    failures: Arc<AtomicUsize>,
}

impl Inbox {
    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().expect("lock").clone()
    }
    fn delivered(&self) -> Vec<Hit> {
        self.hits()
            .into_iter()
            .filter(|h| h.status == 200)
            .collect()
    }
}

async fn receive(State(inbox): State<Inbox>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let fail = inbox
        .failures
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let status = if fail {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    };
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    inbox.hits.lock().expect("lock").push(Hit {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
        status: status.as_u16(),
    });
    status
}

/// A receiver on 127.0.0.1 that answers 500 to its first `failures` requests, then 200.
async fn receiver(failures: usize) -> (SocketAddr, Inbox) {
    let inbox = Inbox::default();
    inbox.failures.store(failures, Ordering::SeqCst);
    let addr = crate::common::serve_on_loopback(
        Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(inbox.clone()),
    )
    .await;
    (addr, inbox)
}

/// Standard Webhooks verification: HMAC-SHA256 with the secret's decoded bytes over
/// `id.timestamp.body`, matching one of the space-separated `v1,` signatures.
fn verifies(secret: &str, hit: &Hit) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("whsec_ prefix"))
        .expect("base64 secret");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("key");
    mac.update(format!("{}.{}.{}", hit.id, hit.timestamp, hit.body).as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    hit.signature.split(' ').any(|s| s == expected)
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

const CREATE: &str = "mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret endpoint { id url eventTypes enabled } } }";

/// Registers `url` for `types`; returns `(id, secret)`.
async fn register(app: &TestApp, url: &str, types: &[&str]) -> (String, String) {
    let data = admin(
        app,
        CREATE,
        json!({ "input": { "url": url, "eventTypes": types, "description": "test receiver" } }),
    )
    .await;
    let created = &data["createWebhookEndpoint"];
    (
        created["endpoint"]["id"].as_str().expect("id").to_owned(),
        created["secret"].as_str().expect("secret").to_owned(),
    )
}

const CREATE_RECORD: &str = "mutation($input: ProgressUpdateInput!, $key: String!) {
  r: createProgressUpdate(input: $input, idempotencyKey: $key, submit: true) { id version } }";
const PUBLISH: &str = "mutation($id: ID!, $v: Int!) {
  r: publishRecord(id: $id, expectedVersion: $v) { id } }";

/// An area's progress update on `action`, submitted and then published; returns its ID.
async fn publish(app: &TestApp, action: &str, key: &str) -> String {
    let input = json!({
        "action": action, "year": 2024, "status": "IN_PROGRESS", "percentComplete": 40,
        "narrative": { "es": "[Synthetic test data] avance" },
    });
    let reply = gql(
        app,
        Some(&bearer("area", Some("AMB-SRI"), None)),
        CREATE_RECORD,
        json!({ "input": input, "key": key }),
    )
    .await;
    assert!(reply.body.get("errors").is_none(), "{}", reply.body);
    let id = reply.body["data"]["r"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let v = reply.body["data"]["r"]["version"]
        .as_i64()
        .expect("version");
    admin(app, PUBLISH, json!({ "id": id, "v": v })).await;
    id
}

const LOG: &str = "query($id: ID!, $first: Int, $after: String, $status: WebhookDeliveryStatus) {
  webhookEndpoint(id: $id) { enabled disabledReason consecutiveFailures
    deliveries(first: $first, after: $after, status: $status) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { id status attemptCount nextAttemptAt completedAt change { type nodeId sequence }
        attempts { number statusCode succeeded errorClass error durationMs attemptedAt } } } } }";

async fn log(app: &TestApp, id: &str, vars: Value) -> Value {
    let mut vars = vars;
    vars["id"] = json!(id);
    admin(app, LOG, vars).await["webhookEndpoint"].clone()
}
