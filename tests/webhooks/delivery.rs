//! Delivery: signed, in order, retried, disabled and resumed, after a crash, with rotated
//! secrets, and exactly once across instances.

use super::*;

#[tokio::test]
async fn a_publish_reaches_the_receiver_signed_and_the_log_shows_it() {
    let app = app().await;
    let (addr, inbox) = receiver(0).await;
    let (endpoint, secret) = register(
        &app,
        &format!("http://{addr}/hook"),
        &["RECORD_PUBLISHED", "RECORD_ARCHIVED"],
    )
    .await;
    assert!(secret.starts_with("whsec_"), "{secret}");
    let worker = worker(&app);
    let record = publish(&app, "LE1.1", "wh-1").await;
    wait_until("the publication is delivered", || !inbox.hits().is_empty()).await;
    worker.stop().await;

    // One delivery: the publication (the submission before it is not public: no endpoint may
    // even ask for it).
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
    assert!(body["timestamp"].is_string());
    // Public facts only: the anonymous feed's number and cursor for the change (the hidden
    // submission before it is not counted), and no review history.
    let public = anonymous_change(&app, &record).await;
    assert_eq!(body["data"]["sequence"], public["sequence"]);
    assert_eq!(body["data"]["sequence"], 2, "the plan's load, then this");
    assert_eq!(body["data"]["cursor"], public["cursor"]);
    let keys: Vec<&str> = body["data"]
        .as_object()
        .expect("data")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "cursor",
            "nodeId",
            "plan",
            "recordType",
            "sequence",
            "state",
            "year"
        ]
    );
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
        json!(["RECORD_ARCHIVED", "RECORD_PUBLISHED"])
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

/// The change an anonymous caller's feed shows for `node`.
async fn anonymous_change(app: &TestApp, node: &str) -> Value {
    let data = app
        .data("{ changes(first: 100) { nodes { sequence cursor nodeId } } }")
        .await;
    data["changes"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|c| c["nodeId"] == node)
        .cloned()
        .expect("the change in the anonymous feed")
}
