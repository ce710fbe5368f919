//! Two `plan-api serve` processes on one PostgreSQL database: what one commits reaches the
//! other by `NOTIFY` — its cached answers, its subscribers, its webhook worker — within 2 s;
//! and with `PLAN_API_PG_NOTIFY=false` the same scenarios do not, which shows it is `NOTIFY`
//! that delivers and not a periodic read. Every periodic fallback is set to ten minutes, far
//! beyond each test, so that only a notification can meet the bound.
//!
//! The bound is measured from the moment the writing process acknowledged the publication (its
//! commit is then visible) to the first answer showing the change, with reads back to back; the
//! other process's `LISTEN` is known to be in place first (`plan_api_notify_listening`), since a
//! notification sent before it is lost by design.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::{Server, admin, publish_through, turn};
use crate::common::{TestApp, TestDatabase};

/// What `NOTIFY` must achieve: the other replica shows the change within this.
const BOUND: Duration = Duration::from_secs(2);
/// How long a control run watches for the change (past the bound, so "not within 2 s" is
/// shown with room to spare).
const WATCH: Duration = Duration::from_secs(3);
/// The periodic fallbacks, as slow as the settings allow.
const SLOW_MS: &str = "600000";

const GENERATION: &str = "plan_api_content_generation";
const EVENTS: &str = "plan_api_events";

/// Two processes, A then B, on a new PostgreSQL database, with `NOTIFY` on or off and every
/// periodic read at its slowest; `extra` settings for both.
async fn replicas(notify: bool, extra: &[(&str, &str)]) -> (TestDatabase, Server, Server) {
    let (database, url) = TestDatabase::create().await;
    let mut settings = vec![
        ("PLAN_API_PG_NOTIFY", if notify { "true" } else { "false" }),
        ("PLAN_API_GENERATION_CHECK_MS", SLOW_MS),
        ("PLAN_API_EVENTS_POLL_MS", SLOW_MS),
        ("PLAN_API_WEBHOOK_POLL_MS", SLOW_MS),
        // Two processes per test on a server other tests use too.
        ("PLAN_API_DB_MAX_CONNECTIONS", "4"),
    ];
    settings.extend_from_slice(extra);
    // One after the other: the first migrates and seeds, the second finds nothing to do.
    let a = Server::start("A", &url, &settings).await;
    let b = Server::start("B", &url, &settings).await;
    (database, a, b)
}

/// Waits until B listens on `channel` when `NOTIFY` is on; checks it never does when off.
async fn ready_to_hear(b: &Server, channel: &str, notify: bool) {
    if notify {
        b.wait_listening(channel).await;
    } else {
        assert!(
            !b.metrics().await.contains("plan_api_notify_listening"),
            "B listens although PLAN_API_PG_NOTIFY=false"
        );
    }
}

/// The percent complete of LE1.1's current progress as B answers an anonymous GET; the
/// document is sent URL-encoded, as a portal sends it.
const PROGRESS: &str = "/graphql?query=%7B%20action(code%3A%20%22LE1.1%22)%20%7B%20currentProgress%20%7B%20percentComplete%20%7D%20%7D%20%7D";

/// A publication through A, and the anonymous answer B has cached: how long until B's answer
/// shows it (`None`: not within [`WATCH`]).
async fn cached_answer_after_a_publication(notify: bool) -> Option<Duration> {
    let (_database, a, b) = replicas(notify, &[]).await;
    ready_to_hear(&b, GENERATION, notify).await;
    let (status, _, before) = b.get(PROGRESS).await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(before["data"]["action"]["currentProgress"], Value::Null);
    let (_, cache, again) = b.get(PROGRESS).await;
    assert_eq!(
        (cache.as_str(), &again),
        ("hit", &before),
        "B caches the answer"
    );

    let (_, acknowledged) = publish_through(&a, "LE1.1", 70, "replica-cache").await;
    // A itself shows it at once (its own commit).
    let (_, _, on_a) = a.get(PROGRESS).await;
    assert_eq!(
        on_a["data"]["action"]["currentProgress"]["percentComplete"],
        70
    );
    loop {
        let (_, _, answer) = b.get(PROGRESS).await;
        let took = acknowledged.elapsed();
        match &answer["data"]["action"]["currentProgress"] {
            Value::Null => {}
            shown => {
                assert_eq!(shown["percentComplete"], 70, "{answer}");
                return Some(took);
            }
        }
        if took > WATCH {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn an_answer_cached_on_b_changes_within_2_s_of_a_publication_through_a() {
    if !TestApp::on_postgres() {
        return;
    }
    let _turn = turn().await;
    let took = cached_answer_after_a_publication(true).await;
    eprintln!("B's cached answer changed {took:?} after A acknowledged the publication");
    assert!(
        took.is_some_and(|t| t <= BOUND),
        "B showed A's publication after {took:?} (NOTIFY on)"
    );
}

#[tokio::test]
async fn without_notify_an_answer_cached_on_b_stays_as_it_was_past_2_s() {
    if !TestApp::on_postgres() {
        return;
    }
    let _turn = turn().await;
    let took = cached_answer_after_a_publication(false).await;
    assert_eq!(took, None, "B showed A's publication without NOTIFY");
}

/// A graphql-transport-ws client: the protocol GraphiQL and the `graphql-ws` package speak.
struct Subscriber {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Subscriber {
    /// An anonymous subscriber on `server`, acknowledged, subscribed to `query`.
    async fn open(server: &Server, query: &str) -> Self {
        let mut request = format!("ws://127.0.0.1:{}/graphql", server.port())
            .into_client_request()
            .expect("a WebSocket request");
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().expect("header"),
        );
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("WebSocket connects");
        let mut me = Subscriber { socket };
        me.send(json!({ "type": "connection_init", "payload": {} }))
            .await;
        let ack = me.receive(Duration::from_secs(10)).await;
        assert_eq!(
            ack.as_ref().map(|m| &m["type"]),
            Some(&json!("connection_ack"))
        );
        me.send(json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }))
            .await;
        me
    }

    async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .expect("sent");
    }

    /// The next protocol message within `within` (answering pings on the way), or `None`.
    async fn receive(&mut self, within: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .ok()?
                .expect("the connection stays open")
                .expect("a frame");
            let Message::Text(text) = frame else { continue };
            let message: Value = serde_json::from_str(text.as_str()).expect("JSON");
            if message["type"] == "ping" {
                self.send(json!({ "type": "pong" })).await;
                continue;
            }
            return Some(message);
        }
    }

    /// The `nodeId` of the next change within `within`, or `None`.
    async fn next_change(&mut self, within: Duration) -> Option<String> {
        let message = self.receive(within).await?;
        assert_eq!(message["type"], "next", "{message}");
        Some(
            message["payload"]["data"]["changes"]["nodeId"]
                .as_str()
                .expect("a nodeId")
                .to_owned(),
        )
    }
}

/// An anonymous subscriber on B, and a publication through A: how long until the subscriber
/// receives it (`None`: not within [`WATCH`]).
async fn subscriber_after_a_publication(notify: bool) -> Option<Duration> {
    let (_database, a, b) = replicas(notify, &[]).await;
    ready_to_hear(&b, EVENTS, notify).await;
    let mut subscriber = Subscriber::open(
        &b,
        "subscription { changes(types: [RECORD_PUBLISHED]) { type nodeId } }",
    )
    .await;
    // B's own publication reaches B's subscriber in any case (in-process): once it has, the
    // subscription is certainly running. Then B's quick re-reads after its own write end
    // (about half a second; waited for four times over), so that they cannot pick up A's commit.
    let (own, _) = publish_through(&b, "LE1.2", 10, "replica-ws-own").await;
    assert_eq!(
        subscriber.next_change(Duration::from_secs(20)).await,
        Some(own)
    );
    tokio::time::sleep(Duration::from_secs(2)).await;

    let (id, acknowledged) = publish_through(&a, "LE1.1", 70, "replica-ws").await;
    let received = subscriber.next_change(WATCH).await?;
    let took = acknowledged.elapsed();
    assert_eq!(received, id);
    Some(took)
}

#[tokio::test]
async fn a_subscriber_on_b_receives_a_publication_through_a_within_2_s() {
    if !TestApp::on_postgres() {
        return;
    }
    let _turn = turn().await;
    let took = subscriber_after_a_publication(true).await;
    eprintln!("B's subscriber received A's publication {took:?} after it was acknowledged");
    assert!(
        took.is_some_and(|t| t <= BOUND),
        "B's subscriber received A's publication after {took:?} (NOTIFY on)"
    );
}

#[tokio::test]
async fn without_notify_a_subscriber_on_b_does_not_receive_a_publication_through_a() {
    if !TestApp::on_postgres() {
        return;
    }
    let _turn = turn().await;
    let took = subscriber_after_a_publication(false).await;
    assert_eq!(
        took, None,
        "B's subscriber heard of A's publication without NOTIFY"
    );
}

/// One request a webhook receiver got.
#[derive(Clone, Debug)]
struct Hit {
    endpoint: String,
    id: String,
    at: Instant,
}

/// How long the receiver holds the first request of each endpoint before answering.
const HOLD: Duration = Duration::from_secs(4);

/// A receiver on 127.0.0.1 with endpoints `/hook/{name}`: it records every request's
/// `webhook-id`, holds the first request of each endpoint for [`HOLD`], and answers 200.
async fn receiver() -> (String, Arc<Mutex<Vec<Hit>>>) {
    use axum::extract::{Path, State};
    use axum::http::HeaderMap;
    type Hits = Arc<Mutex<Vec<Hit>>>;
    async fn receive(
        State(hits): State<Hits>,
        Path(endpoint): Path<String>,
        headers: HeaderMap,
    ) -> &'static str {
        let id = headers
            .get("webhook-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let first = {
            let mut hits = hits.lock().expect("lock");
            let first = !hits.iter().any(|h| h.endpoint == endpoint);
            hits.push(Hit {
                endpoint,
                id,
                at: Instant::now(),
            });
            first
        };
        if first {
            tokio::time::sleep(HOLD).await;
        }
        "ok"
    }
    let hits: Hits = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let router = axum::Router::new()
        .route("/hook/{endpoint}", axum::routing::post(receive))
        .with_state(hits.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{addr}/hook"), hits)
}

const REGISTER: &str = "mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { endpoint { id } } }";
const DELIVERIES: &str = "query($id: ID!) { webhookEndpoint(id: $id) {
  deliveries(first: 100) { totalCount nodes { id status attemptCount } } } }";

/// Publications, through A only and then through both at once, to two endpoints, with a worker
/// in each process that attempts one delivery at a time. Returns whether both endpoints got
/// their first delivery within [`BOUND`] of the first publication: A's worker is then held by
/// the receiver (the first request of an endpoint is held 4 s), so the other endpoint's
/// delivery goes out that soon only if B's worker was woken by A's commit. Whatever the
/// answer, every delivery must reach its endpoint exactly once.
async fn webhooks_with_a_worker_in_each(notify: bool) -> bool {
    let one_at_a_time = [("PLAN_API_WEBHOOK_CONCURRENCY", "1")];
    let (_database, a, b) = replicas(notify, &one_at_a_time).await;
    ready_to_hear(&b, EVENTS, notify).await;
    let (base, hits) = receiver().await;
    let mut endpoints = Vec::new();
    for name in ["first", "second"] {
        let input = json!({ "url": format!("{base}/{name}"), "eventTypes": ["RECORD_PUBLISHED"],
                            "description": "[Synthetic test data] receiver" });
        let created = a
            .post(Some(&admin()), REGISTER, json!({ "input": input }))
            .await;
        endpoints.push(
            created.data("register")["createWebhookEndpoint"]["endpoint"]["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }

    let (_, acknowledged) = publish_through(&a, "LE1.1", 10, "replica-hook").await;
    let deadline = acknowledged + WATCH;
    let both_soon = loop {
        let firsts: Vec<Instant> = ["first", "second"]
            .iter()
            .filter_map(|e| {
                let hits = hits.lock().expect("lock");
                hits.iter().find(|h| h.endpoint == *e).map(|h| h.at)
            })
            .collect();
        if firsts.len() == 2 {
            break firsts
                .iter()
                .all(|at| at.saturating_duration_since(acknowledged) <= BOUND);
        }
        if Instant::now() > deadline {
            break false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };

    // A burst through both processes at once: both workers claim from the same queues.
    let burst: Vec<(&Server, &str, String)> = (0..8)
        .map(|i| {
            let through = if i % 2 == 0 { &a } else { &b };
            (
                through,
                ["LE1.1", "LE1.2", "LE1.3"][i % 3],
                format!("replica-hook-{i}"),
            )
        })
        .collect();
    futures_util::future::join_all(
        burst
            .iter()
            .map(|(server, action, key)| publish_through(server, action, 20, key)),
    )
    .await;
    let expected = 2 * (1 + burst.len());
    let deadline = Instant::now() + Duration::from_secs(60);
    while hits.lock().expect("lock").len() < expected {
        assert!(
            Instant::now() < deadline,
            "only {} of {expected} deliveries arrived: {:?}",
            hits.lock().expect("lock").len(),
            hits.lock().expect("lock")
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Room for a duplicate to show up, if there were one.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let hits = hits.lock().expect("lock").clone();
    let mut ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        (hits.len(), ids.len()),
        (expected, expected),
        "each webhook-id once: {hits:?}"
    );
    for (endpoint, name) in endpoints.iter().zip(["first", "second"]) {
        let log = b
            .post(Some(&admin()), DELIVERIES, json!({ "id": endpoint }))
            .await;
        let deliveries = &log.data("deliveries")["webhookEndpoint"]["deliveries"];
        assert_eq!(deliveries["totalCount"], 1 + burst.len());
        let mut logged: Vec<&str> = Vec::new();
        for d in deliveries["nodes"].as_array().expect("nodes") {
            assert_eq!(
                (&d["status"], &d["attemptCount"]),
                (&json!("DELIVERED"), &json!(1)),
                "{d}"
            );
            logged.push(d["id"].as_str().expect("id"));
        }
        let mut received: Vec<&str> = hits
            .iter()
            .filter(|h| h.endpoint == name)
            .map(|h| h.id.as_str())
            .collect();
        logged.sort_unstable();
        received.sort_unstable();
        assert_eq!(logged, received, "the log of {name} is what it received");
    }
    both_soon
}

#[tokio::test]
async fn with_a_worker_in_each_replica_every_webhook_goes_out_once_and_b_takes_up_a_s_at_once() {
    if !TestApp::on_postgres() {
        return;
    }
    let _turn = turn().await;
    assert!(
        webhooks_with_a_worker_in_each(true).await,
        "the second endpoint waited for A's busy worker: B's worker was not woken by NOTIFY"
    );
}

#[tokio::test]
async fn without_notify_webhooks_still_go_out_once_but_b_s_worker_sleeps_through_a_s_commits() {
    if !TestApp::on_postgres() {
        return;
    }
    let _turn = turn().await;
    assert!(
        !webhooks_with_a_worker_in_each(false).await,
        "both endpoints got A's publication within 2 s without NOTIFY"
    );
}
