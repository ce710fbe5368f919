//! Two `plan-api serve` processes on one PostgreSQL database: what one commits reaches the
//! other by `NOTIFY` — its cached answers, its subscribers (its webhook worker: see
//! `replica_webhooks`) — within 2 s; and with `PLAN_API_PG_NOTIFY=false` the same scenarios do
//! not, which shows it is `NOTIFY` that delivers and not a periodic read. Every periodic fallback is set to ten minutes, far
//! beyond each test, so that only a notification can meet the bound.
//!
//! The bound is measured from the moment the writing process acknowledged the publication (its
//! commit is then visible) to the first answer showing the change, with reads back to back; the
//! other process's `LISTEN` is known to be in place first (`plan_api_notify_listening`), since a
//! notification sent before it is lost by design.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::{Server, publish_through, turn};
use crate::common::{TestApp, TestDatabase};

/// What `NOTIFY` must achieve: the other replica shows the change within this.
pub(super) const BOUND: Duration = Duration::from_secs(2);
/// How long a control run watches for the change (past the bound, so "not within 2 s" is
/// shown with room to spare).
pub(super) const WATCH: Duration = Duration::from_secs(3);
/// The periodic fallbacks, as slow as the settings allow.
const SLOW_MS: &str = "600000";

const GENERATION: &str = "plan_api_content_generation";
pub(super) const EVENTS: &str = "plan_api_events";

/// Two processes, A then B, on a new PostgreSQL database, with `NOTIFY` on or off and every
/// periodic read at its slowest; `extra` settings for both.
pub(super) async fn replicas(
    notify: bool,
    extra: &[(&str, &str)],
) -> (TestDatabase, Server, Server) {
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
pub(super) async fn ready_to_hear(b: &Server, channel: &str, notify: bool) {
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
