//! A webhook delivery claimed by a worker that is then killed (`kill -9` while the receiver
//! has its request) is delivered again, with the same `webhook-id`, once its lease has run out:
//! not before (the lease keeps other workers off an attempt in flight) and soon after.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use super::{Server, admin, publish_through, turn};
use crate::common::TestDatabase;

/// The attempt's timeout and the lease's margin beyond it: a claim lasts 2 + 6 = 8 s, longer
/// than a restart takes, so that the restarted worker finds the lease still held.
const TIMEOUT_SECS: u64 = 2;
const MARGIN_SECS: u64 = 6;

/// A receiver that never answers its first request and answers 200 to the others; it records
/// each request's `webhook-id` and arrival.
async fn receiver() -> (String, Arc<Mutex<Vec<(String, Instant)>>>) {
    use axum::extract::State;
    use axum::http::HeaderMap;
    type Hits = Arc<Mutex<Vec<(String, Instant)>>>;
    async fn receive(State(hits): State<Hits>, headers: HeaderMap) -> &'static str {
        let id = headers
            .get("webhook-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let first = {
            let mut hits = hits.lock().expect("lock");
            hits.push((id, Instant::now()));
            hits.len() == 1
        };
        if first {
            std::future::pending::<()>().await;
        }
        "ok"
    }
    let hits: Hits = Arc::default();
    let addr = crate::common::serve_on_loopback(
        axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(hits.clone()),
    )
    .await;
    (format!("http://{addr}/hook"), hits)
}

const LOG: &str = "query($id: ID!) { webhookEndpoint(id: $id) { deliveries(first: 10) {
  totalCount nodes { id status attemptCount attempts { number statusCode } } } } }";

#[tokio::test]
async fn a_delivery_claimed_by_a_killed_worker_goes_out_when_its_lease_runs_out() {
    let _turn = turn().await;
    let (_database, url) = TestDatabase::create().await;
    let (timeout, margin) = (TIMEOUT_SECS.to_string(), MARGIN_SECS.to_string());
    let mut server = Server::start(
        "server",
        &url,
        &[
            ("PLAN_API_WEBHOOK_TIMEOUT_SECS", timeout.as_str()),
            ("PLAN_API_WEBHOOK_LEASE_MARGIN_SECS", margin.as_str()),
        ],
    )
    .await;
    let (hook, hits) = receiver().await;
    let input = json!({ "url": hook, "eventTypes": ["RECORD_PUBLISHED"],
                        "description": "[Synthetic test data] receiver" });
    let created = server
        .post(
            Some(&admin()),
            "mutation($input: CreateWebhookEndpointInput!) {
               createWebhookEndpoint(input: $input) { endpoint { id } } }",
            json!({ "input": input }),
        )
        .await;
    let endpoint = created.data("register")["createWebhookEndpoint"]["endpoint"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    publish_through(&server, "LE1.1", 40, "lease-1").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while hits.lock().expect("lock").is_empty() {
        assert!(
            Instant::now() < deadline,
            "the worker never sent the delivery"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // The worker holds the claim and waits for the receiver: kill it now, well within the
    // attempt's timeout, so that nothing is recorded.
    server.kill9().await;
    let (first_id, first_at) = hits.lock().expect("lock")[0].clone();
    server.restart().await;
    let restarted_at = Instant::now();

    let lease = Duration::from_secs(TIMEOUT_SECS + MARGIN_SECS);
    let deadline = Instant::now() + lease + Duration::from_secs(30);
    while hits.lock().expect("lock").len() < 2 {
        assert!(
            Instant::now() < deadline,
            "the delivery never went out again"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (second_id, second_at) = hits.lock().expect("lock")[1].clone();
    assert_eq!(
        second_id, first_id,
        "the same message, so the receiver can drop a duplicate"
    );
    let after = second_at.duration_since(first_at);
    eprintln!(
        "sent again {after:?} after the killed attempt (lease {:?}; restarted after {:?})",
        Duration::from_secs(TIMEOUT_SECS + MARGIN_SECS),
        restarted_at.duration_since(first_at)
    );
    // The claim was made just before the first request arrived: the lease ends `lease` after.
    assert!(
        after >= lease - Duration::from_millis(500),
        "sent again {after:?} after the first attempt, before its {lease:?} lease ran out"
    );
    let due = (first_at + lease).max(restarted_at);
    assert!(
        second_at.saturating_duration_since(due) < Duration::from_secs(5),
        "sent again {after:?} after the first attempt (the lease is {lease:?})"
    );

    // The log counts both claims; the killed attempt recorded nothing, the second succeeded
    // (recorded once the receiver's answer is in).
    let deadline = Instant::now() + Duration::from_secs(10);
    let deliveries = loop {
        let log = server
            .post(Some(&admin()), LOG, json!({ "id": endpoint }))
            .await;
        let deliveries = log.data("log")["webhookEndpoint"]["deliveries"].clone();
        if deliveries["nodes"][0]["status"] != "PENDING" || Instant::now() > deadline {
            break deliveries;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(deliveries["totalCount"], 1);
    assert_eq!(
        deliveries["nodes"][0],
        json!({ "id": first_id, "status": "DELIVERED", "attemptCount": 2,
                "attempts": [{ "number": 2, "statusCode": 200 }] })
    );
    assert_eq!(
        hits.lock().expect("lock").len(),
        2,
        "nothing sent a third time"
    );
}
