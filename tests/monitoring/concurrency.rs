//! Optimistic concurrency and idempotent creation.

use super::*;

// =============================================================================================
// Optimistic concurrency
// =============================================================================================

#[tokio::test]
async fn a_stale_expected_version_is_a_conflict_that_changes_nothing() {
    let app = TestApp::new().await;
    let v1 = progress_update(&app, SRI, Draft, "LE1.1", 2023, "IN_PROGRESS", 40).await;
    let input = progress("LE1.1", 2023, "IN_PROGRESS", 50);
    let v2 = update(&app, SRI, Kind::Progress, &v1, input).await;
    let doc = Kind::Progress.update_doc();
    for stale in [1, 3] {
        let rec = Rec {
            id: v1.id.clone(),
            version: stale,
        };
        let reply = refused(
            &app,
            SRI,
            &doc,
            update_vars(&rec, &progress("LE1.1", 2023, "IN_PROGRESS", 60)),
            "CONFLICT",
        )
        .await;
        assert_eq!(reply.body["errors"][0]["extensions"]["currentVersion"], 2);
        assert!(
            reply.error_message().contains("version 2"),
            "{}",
            reply.body
        );
        for review in [SUBMIT, PUBLISH, ARCHIVE] {
            let who = if review == SUBMIT { SRI } else { Admin };
            let reply = refused(&app, who, review, rec_vars(&rec), "CONFLICT").await;
            assert_eq!(reply.body["errors"][0]["extensions"]["currentVersion"], 2);
        }
    }
    let seen = node(&app, SRI, &v2.id, PROGRESS_FIELDS).await;
    assert_eq!(
        (&seen["version"], &seen["percentComplete"]),
        (&json!(2), &json!(50))
    );
    let reply = refused(
        &app,
        Admin,
        "mutation { closeReportingYear(year: 2023, expectedVersion: 7) { year } }",
        json!({}),
        "CONFLICT",
    )
    .await;
    assert_eq!(reply.body["errors"][0]["extensions"]["currentVersion"], 1);
}

#[tokio::test]
async fn of_two_concurrent_updates_at_the_same_version_exactly_one_wins() {
    let app = TestApp::new().await;
    let doc = Kind::Progress.update_doc();
    for round in 0..10 {
        let rec = progress_update(&app, SRI, Draft, "LE1.1", 2023, "IN_PROGRESS", 10).await;
        let before = world(&app).await;
        let (a, b) = tokio::join!(
            app.post_as(
                SRI,
                &doc,
                update_vars(&rec, &progress("LE1.1", 2023, "IN_PROGRESS", 30))
            ),
            app.post_as(
                Admin,
                &doc,
                update_vars(&rec, &progress("LE1.1", 2023, "DELAYED", 60))
            ),
        );
        let (winner, loser, percent) = match (a.error_code(), b.error_code()) {
            (None, Some(_)) => (&a, &b, 30),
            (Some(_), None) => (&b, &a, 60),
            _ => panic!(
                "round {round}: exactly one must win: {} / {}",
                a.body, b.body
            ),
        };
        assert_eq!(winner.body["data"]["r"]["version"], 2, "round {round}");
        assert_eq!(
            loser.error_code(),
            Some("CONFLICT"),
            "round {round}: {}",
            loser.body
        );
        assert_eq!(loser.body["errors"][0]["extensions"]["currentVersion"], 2);
        let seen = node(&app, Admin, &rec.id, PROGRESS_FIELDS).await;
        assert_eq!(
            (&seen["version"], &seen["percentComplete"]),
            (&json!(2), &json!(percent))
        );
        // One write, one audit entry.
        let after = world(&app).await;
        assert_eq!(
            after["auditLog"]["totalCount"].as_i64(),
            before["auditLog"]["totalCount"].as_i64().map(|n| n + 1)
        );
    }
}

#[tokio::test]
async fn of_two_concurrent_review_steps_at_the_same_version_exactly_one_wins() {
    let app = TestApp::new().await;
    for round in 0..10 {
        let rec = progress_update(&app, SRI, Submitted, "LE1.1", 2023, "IN_PROGRESS", 10).await;
        let (a, b) = tokio::join!(
            app.post_as(Admin, PUBLISH, rec_vars(&rec)),
            app.post_as(Admin, ARCHIVE, rec_vars(&rec)),
        );
        let codes = [a.error_code(), b.error_code()];
        assert!(
            codes == [None, Some("CONFLICT")] || codes == [Some("CONFLICT"), None],
            "round {round}: {} / {}",
            a.body,
            b.body
        );
        let seen = node(
            &app,
            Admin,
            &rec.id,
            "... on ProgressUpdate { state version }",
        )
        .await;
        assert_eq!(seen["version"], 2);
        let expected = if codes[0].is_none() {
            "PUBLISHED"
        } else {
            "ARCHIVED"
        };
        assert_eq!(seen["state"], expected, "round {round}");
    }
}

// =============================================================================================
// Idempotent creation
// =============================================================================================

#[tokio::test]
async fn retrying_a_create_with_the_same_key_returns_the_same_record() {
    let app = TestApp::new().await;
    let doc = Kind::Progress.create_doc();
    let input = progress("LE1.1", 2023, "IN_PROGRESS", 40);
    let vars = json!({ "input": input, "key": "6f1c2a8e-retry", "submit": false });
    let first = app.data_as(SRI, &doc, vars.clone()).await;
    let after_first = world(&app).await;
    let retry = app.data_as(SRI, &doc, vars.clone()).await;
    assert_eq!(retry, first);
    assert_eq!(
        world(&app).await,
        after_first,
        "a retry creates no twin and no audit entry"
    );
    assert_eq!(after_first["progressUpdates"]["totalCount"], 1);
    assert_eq!(after_first["auditLog"]["totalCount"], 1);
    // The key is the caller's: another caller sending the very same request gets its own record.
    let other = app.data_as(Admin, &doc, vars).await;
    assert_ne!(other["r"]["id"], first["r"]["id"]);
    assert_eq!(world(&app).await["progressUpdates"]["totalCount"], 2);
}

#[tokio::test]
async fn reusing_a_key_for_a_different_request_is_a_conflict() {
    let app = TestApp::new().await;
    let key = "c0ffee-0001";
    let input = progress("LE1.1", 2023, "IN_PROGRESS", 40);
    app.data_as(
        SRI,
        &Kind::Progress.create_doc(),
        json!({ "input": input, "key": key, "submit": false }),
    )
    .await;
    let different = progress("LE1.1", 2023, "IN_PROGRESS", 41);
    let cases = [
        (Kind::Progress, different, false),
        // The same input submitted at once is a different request too.
        (Kind::Progress, input.clone(), true),
        (Kind::Activity, activity("FORUM", "2023-05-01", &[]), false),
    ];
    for (kind, input, submit) in cases {
        let vars = json!({ "input": input, "key": key, "submit": submit });
        let reply = refused(&app, SRI, &kind.create_doc(), vars, "CONFLICT").await;
        assert_eq!(
            reply.error_message(),
            "this idempotency key was already used for a different request"
        );
        assert!(
            reply.body["errors"][0]["extensions"]
                .get("currentVersion")
                .is_none()
        );
    }
}

#[tokio::test]
async fn concurrent_retries_with_the_same_key_create_one_record() {
    let app = TestApp::new().await;
    let doc = Kind::Progress.create_doc();
    for round in 0..10 {
        let vars = json!({
            "input": progress("LE1.1", 2023, "IN_PROGRESS", 40 + round),
            "key": format!("concurrent-{round}"), "submit": false,
        });
        let (a, b) = tokio::join!(
            app.post_as(SRI, &doc, vars.clone()),
            app.post_as(SRI, &doc, vars)
        );
        assert!(a.body.get("errors").is_none(), "{}", a.body);
        assert!(b.body.get("errors").is_none(), "{}", b.body);
        assert_eq!(a.body["data"]["r"]["id"], b.body["data"]["r"]["id"]);
    }
    let all = world(&app).await;
    assert_eq!(all["progressUpdates"]["totalCount"], 10);
    assert_eq!(all["auditLog"]["totalCount"], 10);
}
