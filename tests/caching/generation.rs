//! The content generation: a publication or an archive shows at once, on this replica and,
//! on PostgreSQL, on the others.

use super::*;

/// Creates a progress update of LE1.1 for 2024 as the International Relations Service and
/// returns its id and version.
async fn submitted_progress(app: &TestApp) -> (String, i64) {
    let doc = "mutation($input: ProgressUpdateInput!, $key: String!) {
        r: createProgressUpdate(input: $input, idempotencyKey: $key, submit: true) { id version } }";
    let vars = json!({
        "key": "caching-1",
        "input": { "action": "LE1.1", "year": 2024, "status": "IN_PROGRESS", "percentComplete": 70,
                   "narrative": { "es": "[Synthetic test data] avance" } },
    });
    let r = app
        .post(
            doc,
            vars,
            &[("authorization", &bearer("area", Some("AMB-SRI"), None))],
        )
        .await;
    assert!(r.body["errors"].is_null(), "{}", r.body);
    (
        r.body["data"]["r"]["id"].as_str().expect("id").to_owned(),
        r.body["data"]["r"]["version"].as_i64().expect("version"),
    )
}

async fn review(app: &TestApp, field: &str, id: &str, version: i64) -> i64 {
    let doc = format!(
        "mutation($id: ID!, $v: Int!) {{ r: {field}(id: $id, expectedVersion: $v) {{ version }} }}"
    );
    let r = app
        .post(
            &doc,
            json!({ "id": id, "v": version }),
            &[("authorization", &bearer("admin", None, None))],
        )
        .await;
    assert!(r.body["errors"].is_null(), "{}", r.body);
    r.body["data"]["r"]["version"].as_i64().expect("version")
}

#[tokio::test]
async fn publishing_and_archiving_show_at_once_to_anonymous_callers() {
    let app = app().await;
    let vars = json!({ "code": "LE1.1" }).to_string();
    let params = [("query", PROGRESS), ("variables", vars.as_str())];
    let read = || get(&app, &params, &[]);
    let before = read().await;
    assert_eq!(
        before.body["data"]["action"]["currentProgress"],
        Value::Null
    );
    assert_eq!(read().await.header("x-cache"), "hit");
    let generation = app.state.cache.generation.current();

    // Submitting changes nothing anonymous callers see: the entry stays.
    let (id, version) = submitted_progress(&app).await;
    let after_submit = read().await;
    assert_eq!(after_submit.header("x-cache"), "hit");
    assert_eq!(app.state.cache.generation.current(), generation);

    // Publishing shows on the very next anonymous read.
    let version = review(&app, "publishRecord", &id, version).await;
    let after = read().await;
    assert_ne!(after.header("x-cache"), "hit");
    assert_eq!(
        after.body["data"]["action"]["currentProgress"]["percentComplete"], 70,
        "{}",
        after.body
    );
    assert_ne!(after.header("etag"), before.header("etag"));

    // Archiving the published record takes it away just as fast.
    review(&app, "archiveRecord", &id, version).await;
    let archived = read().await;
    assert_eq!(
        archived.body["data"]["action"]["currentProgress"],
        Value::Null
    );
    let (generation_now, _) = plan_api::generation::read(&app.state.db)
        .await
        .expect("generation");
    assert!(generation_now >= generation.unwrap_or(0) + 2);
}

#[tokio::test]
async fn unpublished_records_never_reach_the_cache() {
    let app = app().await;
    let (id, _) = submitted_progress(&app).await;
    let node = format!("{{ node(id: \"{id}\") {{ id }} }}");
    let area = bearer("area", Some("AMB-SRI"), None);
    let own = get(&app, &[("query", &node)], &[("authorization", &area)]).await;
    assert_eq!(own.body["data"]["node"]["id"], id.as_str());
    assert_eq!(own.header("x-cache"), "bypass");
    let anonymous = get(&app, &[("query", &node)], &[]).await;
    assert_eq!(
        anonymous.body["data"]["node"],
        Value::Null,
        "{}",
        anonymous.text
    );
}

#[tokio::test]
async fn a_generation_committed_elsewhere_is_seen_within_a_second() {
    use sea_orm::ConnectionTrait;
    let app = app().await;
    let known = app.state.cache.generation.current().expect("known");
    // Another process (a replica, `plan-api seed`) commits a bump this one is not told of.
    app.state
        .db
        .execute_unprepared("UPDATE content_generation SET generation = generation + 1")
        .await
        .expect("bump");
    let took = wait_until(Duration::from_secs(2), || {
        app.state.cache.generation.current() == Some(known + 1)
    })
    .await;
    assert!(took < Duration::from_secs(1), "{took:?}");
}

/// A second application (another replica) on `app`'s database.
async fn replica(app: &TestApp, configure: impl FnOnce(&mut Config)) -> (axum::Router, AppState) {
    let mut config = (*app.state.config).clone();
    configure(&mut config);
    let (conn, statements) = db::connect_with(&config).await.expect("connect");
    let verifier = plan_api::auth::Verifier::from_config(&config).expect("verifier");
    let state = AppState::new(conn, statements, verifier, config);
    wait_until(Duration::from_secs(5), || {
        state.cache.generation.current().is_some()
    })
    .await;
    (router(state.clone()), state)
}

#[tokio::test]
async fn on_postgresql_a_second_replica_sees_a_publication_within_a_second() {
    if !TestApp::on_postgres() {
        return;
    }
    let app = app().await;
    // The periodic check at its slowest: the publication must arrive by NOTIFY.
    let (other, other_state) = replica(&app, |c| c.generation_check_ms = 1000).await;
    let vars = json!({ "code": "LE1.1" }).to_string();
    let uri = format!("/graphql?query={}&variables={}", enc(PROGRESS), enc(&vars));
    let read = || async {
        TestApp::send_to(
            &other,
            Request::get(&uri).body(Body::empty()).expect("request"),
        )
        .await
    };
    read().await;
    assert_eq!(read().await.header("x-cache"), "hit");
    let (id, version) = submitted_progress(&app).await;
    let known = other_state.cache.generation.current().expect("known");
    review(&app, "publishRecord", &id, version).await;
    let committed = Instant::now();
    loop {
        let r = read().await;
        if r.body["data"]["action"]["currentProgress"]["percentComplete"] == 70 {
            break;
        }
        assert!(
            committed.elapsed() < Duration::from_secs(1),
            "the replica still answers {} after {:?}",
            r.text,
            committed.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(other_state.cache.generation.current() > Some(known));
}

#[tokio::test]
async fn on_postgresql_a_notification_wakes_a_replica_before_its_periodic_check() {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    if !TestApp::on_postgres() {
        return;
    }
    let app = app_with(|c| c.generation_check_ms = 1000).await;
    let tracker = &app.state.cache.generation;
    let known = tracker.current().expect("known");
    // A notification sent before the LISTEN is in place is lost by design (the periodic check
    // covers that case); wait for it.
    wait_until(Duration::from_secs(10), || tracker.listening()).await;
    assert!(tracker.listening(), "the replica never started listening");
    // A bump as another process makes it: the row and the notification, nothing in-process.
    let txn = app.state.db.begin().await.expect("begin");
    txn.execute_unprepared("UPDATE content_generation SET generation = generation + 1")
        .await
        .expect("update");
    txn.execute_unprepared(&format!(
        "SELECT pg_notify('{}', 'x')",
        plan_api::generation::CHANNEL
    ))
    .await
    .expect("notify");
    txn.commit().await.expect("commit");
    let took = wait_until(Duration::from_secs(2), || {
        tracker.current() == Some(known + 1)
    })
    .await;
    assert!(took < Duration::from_millis(900), "{took:?}");
    assert!(tracker.learned_by_notify() >= 1);
}
