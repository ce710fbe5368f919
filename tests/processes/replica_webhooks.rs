//! Two `plan-api serve` processes on one PostgreSQL database, each with a webhook worker: every
//! delivery reaches its endpoint exactly once; and, by `NOTIFY`, the worker of one process takes
//! up a delivery of the other's commit at once while the other's worker is busy. With
//! `PLAN_API_PG_NOTIFY=false` exactly-once still holds (the claim's `SKIP LOCKED` and fencing
//! give it, not `NOTIFY`), but B's worker sleeps through A's commits, so the bound is missed.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use super::replicas::{BOUND, EVENTS, WATCH, ready_to_hear, replicas};
use super::{Server, admin, publish_through, turn};
use crate::common::TestApp;

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
    let addr = crate::common::serve_on_loopback(
        axum::Router::new()
            .route("/hook/{endpoint}", axum::routing::post(receive))
            .with_state(hits.clone()),
    )
    .await;
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
