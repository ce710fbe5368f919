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
use hmac::{Hmac, Mac};
use plan_api::webhooks::Settings;
use plan_api::webhooks::worker::Worker;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::common::{Reply, TestApp, token};

fn bearer(role: &str, unit: Option<&str>) -> String {
    format!("Bearer {}", token(role, unit, None))
}

async fn gql(app: &TestApp, auth: Option<&str>, query: &str, vars: Value) -> Reply {
    let headers: Vec<(&str, &str)> = auth.map(|a| ("authorization", a)).into_iter().collect();
    app.post(query, vars, &headers).await
}

async fn admin(app: &TestApp, query: &str, vars: Value) -> Value {
    let reply = gql(app, Some(&bearer("admin", None)), query, vars).await;
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let router = Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(inbox.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
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
        Some(&bearer("area", Some("AMB-SRI"))),
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

#[tokio::test]
async fn a_publish_reaches_the_receiver_signed_and_the_log_shows_it() {
    let app = app().await;
    let (addr, inbox) = receiver(0).await;
    let (endpoint, secret) = register(
        &app,
        &format!("http://{addr}/hook"),
        &["RECORD_PUBLISHED", "RECORD_SUBMITTED"],
    )
    .await;
    assert!(secret.starts_with("whsec_"), "{secret}");
    let worker = worker(&app);
    let record = publish(&app, "LE1.1", "wh-1").await;
    wait_until("the publication is delivered", || !inbox.hits().is_empty()).await;
    worker.stop().await;

    // One delivery: the publication. The submission is not public, so it is never sent.
    let hits = inbox.hits();
    assert_eq!(hits.len(), 1, "{hits:?}");
    let hit = &hits[0];
    assert!(hit.id.starts_with("msg_"), "{hit:?}");
    assert!(verifies(&secret, hit), "signature of {hit:?}");
    let ts: i64 = hit.timestamp.parse().expect("a Unix timestamp");
    assert!((chrono::Utc::now().timestamp() - ts).abs() < 60);
    let body = hit.json();
    assert_eq!(body["type"], "RECORD_PUBLISHED");
    assert_eq!(body["data"]["nodeId"], json!(record));
    assert_eq!(body["data"]["state"], "PUBLISHED");
    assert_eq!(body["data"]["recordType"], "ProgressUpdate");
    assert!(body["data"]["cursor"].is_string() && body["timestamp"].is_string());
    // A tampered body or another secret does not verify.
    let tampered = Hit {
        body: hit.body.replace("PUBLISHED", "ARCHIVED"),
        ..hit.clone()
    };
    assert!(!verifies(&secret, &tampered));
    assert!(!verifies("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", hit));

    // The delivery log shows it, delivered at the first attempt; the secret is never shown.
    let log = log(&app, &endpoint, json!({})).await;
    assert_eq!(log["deliveries"]["totalCount"], 1);
    let d = &log["deliveries"]["nodes"][0];
    assert_eq!(d["id"], json!(hit.id));
    assert_eq!(d["status"], "DELIVERED");
    assert_eq!(d["nextAttemptAt"], Value::Null);
    assert_eq!(d["change"]["type"], "RECORD_PUBLISHED");
    assert_eq!(d["attempts"][0]["statusCode"], 200);
    assert_eq!(d["attempts"][0]["succeeded"], true);
    let listed = admin(
        &app,
        "{ webhookEndpoints { totalCount nodes { id url eventTypes description enabled } } }",
        json!({}),
    )
    .await;
    assert_eq!(listed["webhookEndpoints"]["totalCount"], 1);
    assert!(!listed.to_string().contains(&secret));
    assert_eq!(
        listed["webhookEndpoints"]["nodes"][0]["eventTypes"],
        json!(["RECORD_PUBLISHED", "RECORD_SUBMITTED"])
    );
}

#[tokio::test]
async fn a_receiver_failing_three_times_gets_each_event_once_in_order() {
    let app = app().await;
    let (addr, inbox) = receiver(3).await;
    let (endpoint, secret) =
        register(&app, &format!("http://{addr}/hook"), &["RECORD_PUBLISHED"]).await;
    let first = publish(&app, "LE1.1", "wh-f1").await;
    let second = publish(&app, "LE1.2", "wh-f2").await;
    let third = publish(&app, "LE1.3", "wh-f3").await;
    let worker = worker(&app);
    wait_until("three deliveries succeed", || inbox.delivered().len() >= 3).await;
    // Give a duplicate the time to show up, if there were one.
    tokio::time::sleep(Duration::from_millis(500)).await;
    worker.stop().await;

    let hits = inbox.hits();
    assert_eq!(
        hits.len(),
        6,
        "three failures, then three successes: {hits:?}"
    );
    // The first event was attempted four times (same webhook-id), the later ones waited.
    assert!(hits[..4].iter().all(|h| h.id == hits[0].id));
    assert_eq!(
        hits.iter().map(|h| h.status).collect::<Vec<_>>(),
        [500, 500, 500, 200, 200, 200]
    );
    let delivered = inbox.delivered();
    let nodes: Vec<Value> = delivered
        .iter()
        .map(|h| h.json()["data"]["nodeId"].clone())
        .collect();
    assert_eq!(nodes, [json!(first), json!(second), json!(third)]);
    let mut ids: Vec<&str> = delivered.iter().map(|h| h.id.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 3);
    assert!(delivered.iter().all(|h| verifies(&secret, h)));

    // The log: newest first, pages with cursors, attempts with their status and error class.
    let page = log(&app, &endpoint, json!({ "first": 2 })).await;
    assert_eq!(page["consecutiveFailures"], 0);
    let deliveries = &page["deliveries"];
    assert_eq!(deliveries["totalCount"], 3);
    assert_eq!(deliveries["pageInfo"]["hasNextPage"], true);
    assert_eq!(deliveries["nodes"][0]["change"]["nodeId"], json!(third));
    let rest = log(
        &app,
        &endpoint,
        json!({ "first": 2, "after": deliveries["pageInfo"]["endCursor"] }),
    )
    .await;
    let oldest = &rest["deliveries"]["nodes"][0];
    assert_eq!(rest["deliveries"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(oldest["change"]["nodeId"], json!(first));
    assert_eq!(oldest["status"], "DELIVERED");
    assert_eq!(oldest["attemptCount"], 4);
    let attempts = oldest["attempts"].as_array().expect("attempts");
    assert_eq!(
        attempts
            .iter()
            .map(|a| (
                a["number"].clone(),
                a["statusCode"].clone(),
                a["errorClass"].clone()
            ))
            .collect::<Vec<_>>(),
        [
            (json!(1), json!(500), json!("HTTP_STATUS")),
            (json!(2), json!(500), json!("HTTP_STATUS")),
            (json!(3), json!(500), json!("HTTP_STATUS")),
            (json!(4), json!(200), Value::Null),
        ]
    );
    let failed = log(&app, &endpoint, json!({ "status": "FAILED" })).await;
    assert_eq!(failed["deliveries"]["totalCount"], 0);
}

#[tokio::test]
async fn an_endpoint_failing_repeatedly_is_disabled_and_resumes_when_enabled() {
    let app = TestApp::with(|c| {
        configure(c);
        c.webhook_disable_after_failures = 3;
    })
    .await;
    let (addr, inbox) = receiver(usize::MAX).await;
    let (endpoint, _) = register(&app, &format!("http://{addr}/hook"), &["RECORD_PUBLISHED"]).await;
    let worker = worker(&app);
    publish(&app, "LE1.1", "wh-d1").await;
    wait_until("three attempts", || inbox.hits().len() >= 3).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(inbox.hits().len(), 3, "no attempt once disabled");
    let state = log(&app, &endpoint, json!({})).await;
    assert_eq!(state["enabled"], false);
    assert!(
        state["disabledReason"]
            .as_str()
            .is_some_and(|r| r.contains("3 failed attempts")),
        "{state}"
    );
    assert_eq!(state["deliveries"]["nodes"][0]["status"], "PENDING");
    // Events of a disabled endpoint are not queued.
    publish(&app, "LE1.2", "wh-d2").await;
    assert_eq!(
        log(&app, &endpoint, json!({})).await["deliveries"]["totalCount"],
        1
    );
    // Enabled again, the waiting delivery goes out.
    inbox.failures.store(0, Ordering::SeqCst);
    let enabled = admin(
        &app,
        "mutation($id: ID!) { enableWebhookEndpoint(id: $id) { enabled consecutiveFailures } }",
        json!({ "id": endpoint }),
    )
    .await;
    assert_eq!(enabled["enableWebhookEndpoint"]["enabled"], true);
    wait_until("delivered after enabling", || inbox.delivered().len() == 1).await;
    worker.stop().await;
}

#[tokio::test]
async fn a_delivery_committed_before_a_crash_goes_out_after_restart() {
    // The first instance commits the publication (and its delivery) but never delivers it: as
    // if it were killed between the commit and the POST.
    let first = app().await;
    let (addr, inbox) = receiver(0).await;
    let (endpoint, secret) = register(
        &first,
        &format!("http://{addr}/hook"),
        &["RECORD_PUBLISHED"],
    )
    .await;
    let record = publish(&first, "LE1.1", "wh-crash").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(inbox.hits().is_empty());
    let pending = log(&first, &endpoint, json!({ "status": "PENDING" })).await;
    assert_eq!(pending["deliveries"]["totalCount"], 1);

    // A new instance on the same database delivers it.
    let config = (*first.state.config).clone();
    let (conn, statements) = plan_api::db::connect_with(&config)
        .await
        .expect("the new instance connects");
    let verifier = plan_api::auth::Verifier::from_config(&config).expect("verifier");
    let second = plan_api::AppState::new(conn, statements, verifier, config);
    let worker = Worker::start(
        second.db.clone(),
        second.hub.subscribe(),
        Settings::from_config(&second.config),
    )
    .expect("worker");
    wait_until("delivered after the restart", || {
        !inbox.delivered().is_empty()
    })
    .await;
    worker.stop().await;
    let hit = &inbox.delivered()[0];
    assert!(verifies(&secret, hit));
    assert_eq!(hit.json()["data"]["nodeId"], json!(record));
}

#[tokio::test]
async fn rotation_signs_with_both_secrets_during_the_grace_period() {
    let app = app().await;
    let (addr, inbox) = receiver(0).await;
    let (endpoint, old) =
        register(&app, &format!("http://{addr}/hook"), &["RECORD_PUBLISHED"]).await;
    let rotate =
        "mutation($id: ID!, $grace: Int) { rotateWebhookSecret(id: $id, graceSeconds: $grace) {
      secret endpoint { id previousSecretExpiresAt } } }";
    let rotated = admin(&app, rotate, json!({ "id": endpoint, "grace": 3600 })).await;
    let new = rotated["rotateWebhookSecret"]["secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    assert_ne!(new, old);
    assert!(rotated["rotateWebhookSecret"]["endpoint"]["previousSecretExpiresAt"].is_string());
    let worker = worker(&app);
    publish(&app, "LE1.1", "wh-r1").await;
    wait_until("delivered during the grace period", || {
        inbox.delivered().len() == 1
    })
    .await;
    let hit = &inbox.delivered()[0];
    assert_eq!(hit.signature.split(' ').count(), 2, "{hit:?}");
    assert!(verifies(&old, hit) && verifies(&new, hit));

    // Rotated again without grace: only the newest secret signs.
    let rotated = admin(&app, rotate, json!({ "id": endpoint, "grace": 0 })).await;
    let newest = rotated["rotateWebhookSecret"]["secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    publish(&app, "LE1.2", "wh-r2").await;
    wait_until("delivered after the second rotation", || {
        inbox.delivered().len() == 2
    })
    .await;
    worker.stop().await;
    let hit = &inbox.delivered()[1];
    assert_eq!(hit.signature.split(' ').count(), 1);
    assert!(verifies(&newest, hit));
    assert!(!verifies(&new, hit) && !verifies(&old, hit));
}

#[tokio::test]
async fn private_and_metadata_targets_are_refused() {
    // Without the setting: loopback, private, link-local, metadata all refused at creation.
    let strict = TestApp::with(|c| c.webhook_allow_http = true).await;
    let bad = [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "http://10.0.0.1/hook",
        "http://192.168.1.10/hook",
        "http://[::1]/hook",
        "http://[fd12::1]/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
    ];
    for url in bad {
        let reply = gql(
            &strict,
            Some(&bearer("admin", None)),
            CREATE,
            json!({ "input": { "url": url, "eventTypes": ["RECORD_PUBLISHED"] } }),
        )
        .await;
        assert_eq!(
            reply.error_code(),
            Some("BAD_USER_INPUT"),
            "{url}: {}",
            reply.body
        );
        assert_eq!(
            reply.body["errors"][0]["extensions"]["field"], "input.url",
            "{url}"
        );
    }
    // With it: loopback is accepted, metadata and unspecified addresses still are not.
    let open = app().await;
    for (url, ok) in [
        ("http://127.0.0.1:9/hook", true),
        ("http://localhost:9/hook", true),
        ("http://169.254.169.254/latest/meta-data/", false),
        ("http://[fd00:ec2::254]/", false),
        ("http://0.0.0.0/", false),
    ] {
        let reply = gql(
            &open,
            Some(&bearer("admin", None)),
            CREATE,
            json!({ "input": { "url": url, "eventTypes": ["RECORD_PUBLISHED"] } }),
        )
        .await;
        assert_eq!(
            reply.body.get("errors").is_none(),
            ok,
            "{url}: {}",
            reply.body
        );
    }
    let count = admin(&strict, "{ webhookEndpoints { totalCount } }", json!({})).await;
    assert_eq!(count["webhookEndpoints"]["totalCount"], 0);

    // At delivery time: endpoints saved while private targets were allowed, delivered by a
    // worker that does not allow them (by address, and by a name resolving to loopback).
    let (addr, inbox) = receiver(0).await;
    let (by_ip, _) = register(&open, &format!("http://{addr}/hook"), &["RECORD_PUBLISHED"]).await;
    let (by_name, _) = register(
        &open,
        &format!("http://localhost:{}/hook", addr.port()),
        &["RECORD_PUBLISHED"],
    )
    .await;
    let mut settings = Settings::from_config(&open.state.config);
    settings.allow_private = false;
    let worker =
        Worker::start(open.state.db.clone(), open.state.hub.subscribe(), settings).expect("worker");
    publish(&open, "LE1.1", "wh-ssrf").await;
    for endpoint in [&by_ip, &by_name] {
        let mut last = Value::Null;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while tokio::time::Instant::now() < deadline {
            last = log(&open, endpoint, json!({})).await;
            if last["deliveries"]["nodes"][0]["attemptCount"]
                .as_i64()
                .is_some_and(|n| n >= 1)
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let attempt = &last["deliveries"]["nodes"][0]["attempts"][0];
        assert_eq!(attempt["errorClass"], "BLOCKED_ADDRESS", "{last}");
        assert_eq!(attempt["statusCode"], Value::Null);
    }
    worker.stop().await;
    assert!(inbox.hits().is_empty(), "nothing reached the receiver");
}

#[tokio::test]
async fn bad_input_is_refused_clearly_and_changes_nothing() {
    let app = TestApp::new().await;
    let input =
        json!({ "url": "https://hooks.example.org/amb", "eventTypes": ["RECORD_PUBLISHED"] });
    // Only coordinators manage webhooks.
    for auth in [
        None,
        Some(bearer("area", Some("AMB-SRI"))),
        Some(bearer("reader", None)),
    ] {
        let reply = gql(&app, auth.as_deref(), CREATE, json!({ "input": input })).await;
        assert_eq!(reply.error_code(), Some("FORBIDDEN"), "{}", reply.body);
        let reply = gql(
            &app,
            auth.as_deref(),
            "{ webhookEndpoints { totalCount } }",
            json!({}),
        )
        .await;
        assert_eq!(reply.error_code(), Some("FORBIDDEN"), "{}", reply.body);
    }
    let admin_auth = bearer("admin", None);
    for (input, field, words) in [
        (
            json!({ "url": "not a url", "eventTypes": ["RECORD_PUBLISHED"] }),
            "input.url",
            "not a valid URL",
        ),
        (
            json!({ "url": "http://hooks.example.org/", "eventTypes": ["RECORD_PUBLISHED"] }),
            "input.url",
            "https",
        ),
        (
            json!({ "url": "ftp://hooks.example.org/", "eventTypes": ["RECORD_PUBLISHED"] }),
            "input.url",
            "https",
        ),
        (
            json!({ "url": "https://u:p@hooks.example.org/", "eventTypes": ["RECORD_PUBLISHED"] }),
            "input.url",
            "credentials",
        ),
        (
            json!({ "url": "https://127.0.0.1/", "eventTypes": [] }),
            "input.url",
            "loopback",
        ),
        (
            json!({ "url": "https://93.184.216.34/", "eventTypes": [], "description": "x".repeat(501) }),
            "input.eventTypes",
            "at least one",
        ),
    ] {
        let reply = gql(&app, Some(&admin_auth), CREATE, json!({ "input": input })).await;
        assert_eq!(reply.error_code(), Some("BAD_USER_INPUT"), "{}", reply.body);
        assert_eq!(
            reply.body["errors"][0]["extensions"]["field"], field,
            "{}",
            reply.body
        );
        assert!(reply.error_message().contains(words), "{}", reply.body);
    }
    // Every problem is listed at once.
    let reply = gql(
        &app,
        Some(&admin_auth),
        CREATE,
        json!({ "input": { "url": "http://x.example.org/", "eventTypes": [], "description": "x".repeat(501) } }),
    )
    .await;
    let fields: Vec<&str> = reply.body["errors"][0]["extensions"]["fieldErrors"]
        .as_array()
        .expect("fieldErrors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(
        fields,
        ["input.url", "input.eventTypes", "input.description"]
    );
    // An unknown change type is refused by the schema.
    let reply = gql(
        &app,
        Some(&admin_auth),
        CREATE,
        json!({ "input": { "url": "https://hooks.example.org/", "eventTypes": ["NOPE"] } }),
    )
    .await;
    assert_eq!(reply.error_code(), Some("BAD_USER_INPUT"), "{}", reply.body);
    // Unknown IDs are NOT_FOUND, whatever the operation.
    for doc in [
        "mutation { r: updateWebhookEndpoint(id: \"nope\", input: { description: \"x\" }) { id } }",
        "mutation { r: disableWebhookEndpoint(id: \"nope\") { id } }",
        "mutation { r: enableWebhookEndpoint(id: \"nope\") { id } }",
        "mutation { r: deleteWebhookEndpoint(id: \"nope\") { id } }",
        "mutation { r: rotateWebhookSecret(id: \"nope\") { secret } }",
        "{ r: webhookEndpoint(id: \"nope\") { id } }",
    ] {
        let reply = gql(&app, Some(&admin_auth), doc, json!({})).await;
        assert_eq!(
            reply.error_code(),
            Some("NOT_FOUND"),
            "{doc}: {}",
            reply.body
        );
    }
    let count = admin(&app, "{ webhookEndpoints { totalCount } }", json!({})).await;
    assert_eq!(count["webhookEndpoints"]["totalCount"], 0);

    // With a real endpoint (a public address, never contacted: no worker runs here): a bad
    // update changes nothing; a bad grace period is refused; update, disable, delete work.
    let created = admin(
        &app,
        CREATE,
        json!({ "input": { "url": "https://93.184.216.34/amb", "eventTypes": ["RECORD_PUBLISHED"] } }),
    )
    .await;
    let id = created["createWebhookEndpoint"]["endpoint"]["id"].clone();
    let reply = gql(
        &app,
        Some(&admin_auth),
        "mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { url: \"https://10.0.0.1/\", eventTypes: [] }) { id } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(reply.error_code(), Some("BAD_USER_INPUT"), "{}", reply.body);
    let reply = gql(
        &app,
        Some(&admin_auth),
        "mutation($id: ID!) { rotateWebhookSecret(id: $id, graceSeconds: -1) { secret } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(reply.error_code(), Some("BAD_USER_INPUT"), "{}", reply.body);
    assert_eq!(
        reply.body["errors"][0]["extensions"]["field"],
        "graceSeconds"
    );
    let read = admin(
        &app,
        "query($id: ID!) { webhookEndpoint(id: $id) { url eventTypes previousSecretExpiresAt } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(read["webhookEndpoint"]["url"], "https://93.184.216.34/amb");
    assert_eq!(
        read["webhookEndpoint"]["previousSecretExpiresAt"],
        Value::Null
    );
    let updated = admin(
        &app,
        "mutation($id: ID!) { u: updateWebhookEndpoint(id: $id, input: { eventTypes: [ANNUAL_REPORT_PUBLISHED, RECORD_PUBLISHED, RECORD_PUBLISHED], description: \" portal \" }) { eventTypes description url }
          d: disableWebhookEndpoint(id: $id) { enabled } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        updated["u"]["eventTypes"],
        json!(["ANNUAL_REPORT_PUBLISHED", "RECORD_PUBLISHED"])
    );
    assert_eq!(updated["u"]["description"], "portal");
    assert_eq!(updated["d"]["enabled"], false);
    let deleted = admin(
        &app,
        "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(deleted["deleteWebhookEndpoint"]["id"], id);
    let count = admin(&app, "{ webhookEndpoints { totalCount } }", json!({})).await;
    assert_eq!(count["webhookEndpoints"]["totalCount"], 0);
}

/// Two instances with a worker each on one database (PostgreSQL in CI: `FOR UPDATE SKIP
/// LOCKED`): every event reaches the receiver exactly once, in order.
#[tokio::test]
async fn two_instances_never_deliver_the_same_attempt_twice() {
    let first = app().await;
    let config = (*first.state.config).clone();
    let (conn, statements) = plan_api::db::connect_with(&config)
        .await
        .expect("second instance connects");
    let verifier = plan_api::auth::Verifier::from_config(&config).expect("verifier");
    let second = plan_api::AppState::new(conn, statements, verifier, config);
    let (addr, inbox) = receiver(0).await;
    let (_, secret) = register(
        &first,
        &format!("http://{addr}/hook"),
        &["RECORD_PUBLISHED"],
    )
    .await;
    let a = worker(&first);
    let b = Worker::start(
        second.db.clone(),
        second.hub.subscribe(),
        Settings::from_config(&second.config),
    )
    .expect("worker");
    let mut records = Vec::new();
    for (i, action) in ["LE1.1", "LE1.2", "LE1.3", "LE1.4", "LE1.5", "LE1.6"]
        .into_iter()
        .enumerate()
    {
        records.push(json!(publish(&first, action, &format!("wh-two-{i}")).await));
    }
    wait_until("six deliveries", || inbox.hits().len() >= 6).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    a.stop().await;
    b.stop().await;
    let hits = inbox.hits();
    assert_eq!(hits.len(), 6, "{hits:?}");
    let mut ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 6, "no webhook-id twice");
    let nodes: Vec<Value> = hits
        .iter()
        .map(|h| h.json()["data"]["nodeId"].clone())
        .collect();
    assert_eq!(nodes, records, "in event order");
    assert!(hits.iter().all(|h| verifies(&secret, h)));
}
