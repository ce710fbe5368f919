//! The event log and the change feed: events are written with their change (and only when it
//! commits), read in order from durable cursors, and shown to each caller as far as it may see.

use serde_json::{Value, json};

use crate::common::{Reply, TestApp, bearer};

async fn gql(app: &TestApp, auth: Option<&str>, query: &str, vars: Value) -> Reply {
    app.post_auth(auth, query, vars).await
}

async fn ok(app: &TestApp, auth: Option<&str>, query: &str, vars: Value) -> Value {
    app.data_auth(auth, query, vars).await
}

const FEED: &str = "query($after: String, $first: Int, $types: [ChangeType!]) {
  changes(after: $after, first: $first, types: $types) {
    edges { cursor node { sequence type nodeId plan recordType state previousState version year } }
    pageInfo { hasNextPage endCursor }
  } }";

/// The whole feed as `auth` sees it: `(type, nodeId)` of each change.
async fn feed(app: &TestApp, auth: Option<&str>) -> Vec<(String, Value)> {
    let data = ok(app, auth, FEED, json!({ "first": 100 })).await;
    data["changes"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            (
                e["node"]["type"].as_str().expect("type").to_owned(),
                e["node"]["nodeId"].clone(),
            )
        })
        .collect()
}

fn types(list: &[(String, Value)]) -> Vec<&str> {
    list.iter().map(|(t, _)| t.as_str()).collect()
}

const CREATE: &str = "mutation($input: ProgressUpdateInput!, $key: String!, $submit: Boolean!) {
  r: createProgressUpdate(input: $input, idempotencyKey: $key, submit: $submit) { id state version } }";
const PUBLISH: &str = "mutation($id: ID!, $v: Int!) {
  r: publishRecord(id: $id, expectedVersion: $v) { id state version } }";

/// An area's progress update on `action`, created SUBMITTED; returns `(id, version)`.
async fn submitted(app: &TestApp, unit: &str, action: &str, key: &str) -> (String, i64) {
    let input = json!({
        "action": action, "year": 2024, "status": "IN_PROGRESS", "percentComplete": 40,
        "narrative": { "es": "[Synthetic test data] avance" },
    });
    let data = ok(
        app,
        Some(&bearer("area", Some(unit), None)),
        CREATE,
        json!({ "input": input, "key": key, "submit": true }),
    )
    .await;
    (
        data["r"]["id"].as_str().expect("id").to_owned(),
        data["r"]["version"].as_i64().expect("version"),
    )
}

async fn publish(app: &TestApp, id: &str, version: i64) -> Reply {
    gql(
        app,
        Some(&bearer("admin", None, None)),
        PUBLISH,
        json!({ "id": id, "v": version }),
    )
    .await
}

#[tokio::test]
async fn a_publish_reaches_the_feed_and_each_caller_sees_only_what_it_may() {
    let app = TestApp::new().await;
    // The seed loaded the plan: the log starts with that.
    assert_eq!(types(&feed(&app, None).await), ["PLAN_CONTENT_CHANGED"]);

    let (id, v) = submitted(&app, "AMB-SRI", "LE1.1", "feed-1").await;
    let (draft_id, _) = submitted(&app, "AMB-SRI", "LE1.2", "feed-2").await;
    let published = publish(&app, &id, v).await;
    assert!(published.body.get("errors").is_none(), "{}", published.body);

    // Anonymous callers see the publication, never the submissions.
    let anonymous = feed(&app, None).await;
    assert_eq!(
        types(&anonymous),
        ["PLAN_CONTENT_CHANGED", "RECORD_PUBLISHED"]
    );
    assert_eq!(anonymous[1].1, json!(id));
    assert!(!anonymous.iter().any(|(_, n)| *n == json!(draft_id)));

    // The reporter's area sees its own submissions; another area does not; readers see all.
    let sri = feed(&app, Some(&bearer("area", Some("AMB-SRI"), None))).await;
    assert_eq!(
        types(&sri),
        [
            "PLAN_CONTENT_CHANGED",
            "RECORD_SUBMITTED",
            "RECORD_SUBMITTED",
            "RECORD_PUBLISHED"
        ]
    );
    let ade = feed(&app, Some(&bearer("area", Some("AMB-ADE"), None))).await;
    assert_eq!(types(&ade), ["PLAN_CONTENT_CHANGED", "RECORD_PUBLISHED"]);
    let reader = feed(&app, Some(&bearer("reader", None, None))).await;
    assert_eq!(reader, sri);
    let hospitalet = feed(&app, Some(&bearer("municipality", None, Some("08101")))).await;
    assert_eq!(
        types(&hospitalet),
        ["PLAN_CONTENT_CHANGED", "RECORD_PUBLISHED"]
    );

    // The published change describes itself, and its node is the record. Its review history
    // (the version, the state it left) is for the reporter and the reviewers, as on the record.
    let sri_token = bearer("area", Some("AMB-SRI"), None);
    for (auth, previous, version) in [
        (None, Value::Null, Value::Null),
        (Some(sri_token.as_str()), json!("SUBMITTED"), json!(v + 1)),
    ] {
        let data = ok(&app, auth, FEED, json!({ "types": ["RECORD_PUBLISHED"] })).await;
        let node = &data["changes"]["edges"][0]["node"];
        assert_eq!(
            (
                &node["recordType"],
                &node["state"],
                &node["previousState"],
                &node["version"],
                &node["year"],
                &node["plan"]
            ),
            (
                &json!("ProgressUpdate"),
                &json!("PUBLISHED"),
                &previous,
                &version,
                &json!(2024),
                &json!("AMB-PI-2021-2025")
            ),
            "{auth:?}"
        );
    }
    let data = ok(&app, None, FEED, json!({ "types": ["RECORD_PUBLISHED"] })).await;
    let node = &data["changes"]["edges"][0]["node"];
    let refetched = ok(
        &app,
        None,
        "query($id: ID!) { node(id: $id) { ... on ProgressUpdate { state } } }",
        json!({ "id": node["nodeId"] }),
    )
    .await;
    assert_eq!(refetched["node"]["state"], "PUBLISHED");
}

#[tokio::test]
async fn a_consumer_resumes_from_its_cursor_page_by_page_with_nothing_missed() {
    let app = TestApp::new().await;
    let reader = bearer("reader", None, None);
    for i in 0..5 {
        submitted(&app, "AMB-SRI", "LE1.1", &format!("resume-{i}")).await;
    }
    // Two at a time, from the start.
    let mut after: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let data = ok(
            &app,
            Some(&reader),
            FEED,
            json!({ "first": 2, "after": after }),
        )
        .await;
        let page = &data["changes"];
        for e in page["edges"].as_array().expect("edges") {
            seen.push(e["node"]["sequence"].as_i64().expect("sequence"));
        }
        if !page["pageInfo"]["hasNextPage"].as_bool().expect("bool") {
            after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen.len(), 6, "the seed's change and five submissions");
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "in order: {seen:?}");

    // Offline for a while: more changes happen; the kept cursor gives exactly those.
    submitted(&app, "AMB-SRI", "LE1.2", "resume-late").await;
    let data = ok(&app, Some(&reader), FEED, json!({ "after": after })).await;
    let edges = data["changes"]["edges"].as_array().expect("edges");
    assert_eq!(edges.len(), 1);
    assert_eq!(edges[0]["node"]["type"], "RECORD_SUBMITTED");
    // Nothing new: an empty page, and no cursor to replace the one kept.
    let last = edges[0]["cursor"].as_str().expect("cursor");
    let data = ok(&app, Some(&reader), FEED, json!({ "after": last })).await;
    assert_eq!(data["changes"]["edges"], json!([]));
    assert_eq!(data["changes"]["pageInfo"]["endCursor"], Value::Null);
}

#[tokio::test]
async fn a_failing_mutation_announces_nothing() {
    let app = TestApp::new().await;
    let admin = bearer("admin", None, None);
    let (id, v) = submitted(&app, "AMB-SRI", "LE1.1", "fail-1").await;
    let before = feed(&app, Some(&admin)).await;

    // A stale version, a record that is not SUBMITTED, a report year outside the plan.
    let stale = publish(&app, &id, v + 5).await;
    assert_eq!(stale.error_code(), Some("CONFLICT"));
    assert!(publish(&app, &id, v).await.body.get("errors").is_none());
    let again = publish(&app, &id, v + 1).await;
    assert_eq!(again.error_code(), Some("CONFLICT"));
    let report = gql(
        &app,
        Some(&admin),
        "mutation { publishAnnualReport(year: 2030) { year } }",
        json!({}),
    )
    .await;
    assert_eq!(report.error_code(), Some("BAD_USER_INPUT"));
    let after = feed(&app, Some(&admin)).await;
    assert_eq!(
        after.len(),
        before.len() + 1,
        "only the one publish: {after:?}"
    );

    // A transaction that appended its event and then rolled back leaves no trace, in the
    // feed or on the live fan-out.
    use sea_orm::TransactionTrait;
    let mut live = app.state.hub.subscribe();
    let txn = app.state.db.begin().await.expect("begin");
    plan_api::events::append(
        &txn,
        plan_api::events::NewEvent::plan(
            plan_api::events::ChangeType::ReportingYearClosed,
            1,
            json!({ "year": 2022 }),
        ),
    )
    .await
    .expect("append");
    txn.rollback().await.expect("rollback");
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    // (The hub may still be relaying the publish above: only the rolled-back event matters.)
    while let Ok(e) = live.try_recv() {
        assert_ne!(e.event_type, "REPORTING_YEAR_CLOSED", "{e:?}");
    }
    assert_eq!(feed(&app, Some(&admin)).await, after);
}

#[tokio::test]
async fn years_and_reports_are_public_changes_of_the_plan() {
    let app = TestApp::new().await;
    let admin = bearer("admin", None, None);
    ok(
        &app,
        Some(&admin),
        "mutation { closeReportingYear(year: 2021) { closed } }",
        json!({}),
    )
    .await;
    ok(
        &app,
        Some(&admin),
        "mutation { openReportingYear(year: 2021) { closed } }",
        json!({}),
    )
    .await;
    ok(
        &app,
        Some(&admin),
        "mutation { publishAnnualReport(year: 2022) { year } }",
        json!({}),
    )
    .await;
    let data = ok(&app, None, FEED, json!({ "types": ["REPORTING_YEAR_CLOSED", "REPORTING_YEAR_OPENED", "ANNUAL_REPORT_PUBLISHED"] })).await;
    let got: Vec<(Value, Value)> = data["changes"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| (e["node"]["type"].clone(), e["node"]["year"].clone()))
        .collect();
    assert_eq!(
        got,
        [
            (json!("REPORTING_YEAR_CLOSED"), json!(2021)),
            (json!("REPORTING_YEAR_OPENED"), json!(2021)),
            (json!("ANNUAL_REPORT_PUBLISHED"), json!(2022)),
        ]
    );
    let plan_id = ok(&app, None, "{ plan { id } }", json!({})).await["plan"]["id"].clone();
    assert_eq!(data["changes"]["edges"][0]["node"]["nodeId"], plan_id);

    // Seeding the same files again changes nothing, and announces nothing.
    plan_api::seed::seed_all(&app.state.db, &crate::common::data_dir())
        .await
        .expect("seed");
    let all = feed(&app, None).await;
    assert_eq!(
        types(&all)
            .iter()
            .filter(|t| **t == "PLAN_CONTENT_CHANGED")
            .count(),
        1
    );
}

#[tokio::test]
async fn bad_feed_arguments_are_refused_with_the_argument_named() {
    let app = TestApp::new().await;
    for (vars, field) in [
        (json!({ "after": "not-a-cursor" }), "after"),
        (json!({ "after": "b2Zmc2V0OjM" }), "after"),
        (json!({ "first": -1 }), "first"),
        (json!({ "first": 101 }), "first"),
        (json!({ "types": [] }), "types"),
    ] {
        let reply = gql(&app, None, FEED, vars.clone()).await;
        assert_eq!(reply.error_code(), Some("BAD_USER_INPUT"), "{vars}");
        assert_eq!(
            reply.body["errors"][0]["extensions"]["field"], field,
            "{vars}"
        );
    }
}

#[tokio::test]
async fn record_lists_filter_on_updated_since() {
    let app = TestApp::new().await;
    let reader = bearer("reader", None, None);
    let (old, _) = submitted(&app, "AMB-SRI", "LE1.1", "since-1").await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let mark = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let (new, _) = submitted(&app, "AMB-SRI", "LE1.2", "since-2").await;
    let q =
        "query($f: MonitoringFilter) { progressUpdates(filter: $f, first: 50) { nodes { id } } }";
    let ids = |data: Value| -> Vec<Value> {
        data["progressUpdates"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| n["id"].clone())
            .collect()
    };
    let since = ok(
        &app,
        Some(&reader),
        q,
        json!({ "f": { "updatedSince": mark } }),
    )
    .await;
    assert_eq!(ids(since), [json!(new)]);
    let all = ok(&app, Some(&reader), q, json!({ "f": {} })).await;
    assert_eq!(ids(all).len(), 2);
    let _ = old;
    let bad = gql(
        &app,
        Some(&reader),
        q,
        json!({ "f": { "updatedSince": "yesterday" } }),
    )
    .await;
    assert_eq!(bad.error_code(), Some("BAD_USER_INPUT"));
}

/// Two replicas on one database: a change committed through one reaches the subscribers of
/// the other. On PostgreSQL it travels by `LISTEN/NOTIFY` (the second replica's poll is set to
/// a minute, so polling cannot be what delivers it); on SQLite both run in this process.
#[tokio::test]
async fn a_change_committed_on_one_replica_reaches_subscribers_of_another() {
    let first = TestApp::new().await;
    let mut config = (*first.state.config).clone();
    config.events_poll_ms = 60_000;
    let (conn, statements) = plan_api::db::connect_with(&config)
        .await
        .expect("second replica connects");
    let verifier = plan_api::auth::Verifier::from_config(&config).expect("verifier");
    let second = plan_api::AppState::new(conn, statements, verifier, config);
    // Let the second replica's reader and listener start.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mut live = second.hub.subscribe();

    let (id, v) = submitted(&first, "AMB-SRI", "LE1.1", "replicas-1").await;
    assert!(publish(&first, &id, v).await.body.get("errors").is_none());
    let mut got = Vec::new();
    while got.len() < 2 {
        let e = tokio::time::timeout(std::time::Duration::from_secs(5), live.recv())
            .await
            .expect("the second replica hears of the change within 5 s")
            .expect("an event");
        got.push((e.event_type.clone(), e.node_id.clone()));
    }
    assert_eq!(
        got,
        [
            ("RECORD_SUBMITTED".to_owned(), Some(id.clone())),
            ("RECORD_PUBLISHED".to_owned(), Some(id))
        ]
    );

    if TestApp::on_postgres() {
        // Written as another process would (no in-process wake-up at all): only the NOTIFY
        // delivered on commit can wake the second replica before its one-minute poll.
        use sea_orm::ConnectionTrait;
        first
            .state
            .db
            .execute_unprepared(
                "BEGIN; INSERT INTO event (plan_id, event_type, node_id, occurred_at, public, \
                 payload) VALUES (NULL, 'REPORTING_YEAR_CLOSED', NULL, now(), true, \
                 '{\"year\": 2023}'); SELECT pg_notify('plan_api_events', 'x'); COMMIT;",
            )
            .await
            .expect("a foreign write");
        let e = tokio::time::timeout(std::time::Duration::from_secs(5), live.recv())
            .await
            .expect("NOTIFY wakes the second replica within 5 s")
            .expect("an event");
        assert_eq!(e.event_type, "REPORTING_YEAR_CLOSED");
    }
}
