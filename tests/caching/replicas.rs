//! Replicas on one PostgreSQL database learn of a new content generation.

use super::*;

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
