//! Focused tests, one per leak the probe found.

use super::*;

// =============================================================================================
// Focused tests, one per leak the probe found
// =============================================================================================

/// A progress update of the International Relations Service, returned with `comment`, then
/// submitted again and published.
async fn published_after_return(app: &TestApp, comment: &str) -> Rec {
    let input = input("ProgressUpdate", "public progress", "", None);
    bring_to(
        app,
        &sri(),
        "ProgressUpdate",
        input,
        State::Published,
        comment,
    )
    .await
}

#[tokio::test]
async fn a_review_comment_never_reaches_anonymous_callers_after_publication() {
    let app = TestApp::new().await;
    let comment = "leak.focused.comment.";
    let r = published_after_return(&app, comment).await;
    let query = r#"query($id: ID!) {
        progressUpdates { nodes { state reviewComment } }
        node(id: $id) { ... on ProgressUpdate { state reviewComment } }
        nodes(ids: [$id]) { ... on MonitoringRecord { state } ... on ProgressUpdate { reviewComment } }
        action(code: "LE1.1") {
            currentProgress { state reviewComment }
            progressHistory { state reviewComment } } }"#;
    for auth in [None, Some(bearer("area", Some("AMB-ADE"), None, "other"))] {
        let data = ok(&app, auth.as_deref(), query, json!({ "id": r.id })).await;
        assert_eq!(data["node"]["state"], "PUBLISHED", "{data}");
        assert_eq!(data["action"]["currentProgress"]["state"], "PUBLISHED");
        assert!(!data.to_string().contains(comment), "{auth:?}: {data}");
        assert_eq!(data["node"]["reviewComment"], Value::Null);
        assert_eq!(data["nodes"][0]["reviewComment"], Value::Null);
        assert_eq!(
            data["progressUpdates"]["nodes"][0]["reviewComment"],
            Value::Null
        );
        assert_eq!(
            data["action"]["currentProgress"]["reviewComment"],
            Value::Null
        );
        assert_eq!(
            data["action"]["progressHistory"][0]["reviewComment"],
            Value::Null
        );
    }
    // The reporter and the reviewers keep the comment's history in the audit trail.
    let trail = r#"query($id: ID!) {
        auditLog(filter: { record: $id, operation: "RETURN" }) { nodes { after } } }"#;
    for auth in [sri(), reviewer()] {
        let data = ok(&app, Some(&auth), trail, json!({ "id": r.id })).await;
        assert_eq!(
            data["auditLog"]["nodes"][0]["after"]["reviewComment"]["en"],
            comment
        );
    }
    // While the record is with its reporter, the reporter reads the comment on it.
    let returned = bring_to(
        &app,
        &sri(),
        "ProgressUpdate",
        input("ProgressUpdate", "x", "", None),
        State::Returned,
        "fix it",
    )
    .await;
    let doc =
        "query($id: ID!) { node(id: $id) { ... on ProgressUpdate { reviewComment(lang: EN) } } }";
    let data = ok(&app, Some(&sri()), doc, json!({ "id": returned.id })).await;
    assert_eq!(data["node"]["reviewComment"], "fix it");
    let data = ok(
        &app,
        Some(&bearer("reader", None, None, "r")),
        doc,
        json!({ "id": returned.id }),
    )
    .await;
    assert_eq!(data["node"]["reviewComment"], "fix it");
}

#[tokio::test]
async fn an_idempotency_key_replayed_by_another_principal_is_a_conflict_that_tells_nothing() {
    let app = TestApp::new().await;
    let title = "leak.idempotent.title.";
    let doc = "mutation($input: ActivityInput!, $key: String!) {
        r: createActivity(input: $input, idempotencyKey: $key) { id version title } }";
    let activity = json!({ "kind": "EVENT", "title": { "es": title }, "startDate": "2023-04-23" });
    let vars = json!({ "input": activity, "key": "shared-key" });
    let first = bearer("area", Some("AMB-SRI"), None, "shared-sub");
    let created = ok(&app, Some(&first), doc, vars.clone()).await;
    let id = created["r"]["id"].as_str().expect("an id").to_owned();
    // A retry by the same principal answers with the same record.
    let again = ok(&app, Some(&first), doc, vars.clone()).await;
    assert_eq!(again["r"]["id"], id.as_str());
    // Same subject, another unit; or another role: a stranger to the key.
    for other in [
        bearer("area", Some("AMB-ADE"), None, "shared-sub"),
        bearer("area", Some("AMB-AIC"), None, "shared-sub"),
        bearer("admin", None, None, "shared-sub"),
    ] {
        let reply = send(&app, Some(&other), doc, vars.clone()).await;
        assert_eq!(reply.error_code(), Some("CONFLICT"), "{}", reply.body);
        assert_eq!(reply.body["data"], Value::Null, "{}", reply.body);
        let text = reply.body.to_string();
        assert!(!text.contains(&id) && !text.contains(title), "{text}");
    }
}

/// The key part of a global ID.
fn id_key(id: &str) -> String {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(id).expect("base64")).expect("utf-8");
    let (_, key) = text.split_once('/').expect("Type:PLAN/key");
    key.to_owned()
}

#[tokio::test]
async fn monitoring_record_ids_are_random_and_the_old_sequential_ones_name_nothing() {
    let app = TestApp::new().await;
    let first = published_after_return(&app, "ok").await;
    let mut ids = vec![first.id.clone()];
    for (type_name, owner) in [("Activity", Owner::Sri), ("Evaluation", Owner::Author)] {
        let input = input(type_name, "t", "", None);
        ids.push(
            create(&app, &owner_token(owner), type_name, input, false)
                .await
                .id,
        );
    }
    for id in &ids {
        let key = id_key(id);
        assert!(key.parse::<i64>().is_err(), "{key} is a sequence number");
        assert!(
            key.len() == 36 && key.chars().all(|c| c.is_ascii_hexdigit() || c == '-'),
            "{key} is not a UUID"
        );
    }
    // The first record ever created is published: its sequential ID would have found it.
    let legacy = URL_SAFE_NO_PAD.encode("ProgressUpdate:AMB-PI-2021-2025/1");
    let data = ok(
        &app,
        None,
        "query($id: ID!) { node(id: $id) { id } }",
        json!({ "id": legacy }),
    )
    .await;
    assert_eq!(data["node"], Value::Null);
    // Audit snapshots name records by their global IDs, and scoped readers get no sequence.
    let trail = r#"query($id: ID!) { auditLog(filter: { record: $id }) {
        nodes { sequence recordId after } } }"#;
    let own = ok(&app, Some(&sri()), trail, json!({ "id": first.id })).await;
    for entry in own["auditLog"]["nodes"].as_array().expect("entries") {
        assert_eq!(entry["sequence"], Value::Null, "{entry}");
        assert_eq!(entry["recordId"], first.id.as_str());
        assert_eq!(entry["after"]["id"], first.id.as_str(), "{entry}");
    }
    let all = ok(&app, Some(&reviewer()), trail, json!({ "id": first.id })).await;
    assert!(all["auditLog"]["nodes"][0]["sequence"].is_i64());
}

#[tokio::test]
async fn version_and_reviewer_are_shown_only_to_those_who_may_write_or_review() {
    let app = TestApp::new().await;
    let r = published_after_return(&app, "again").await;
    let doc = "query($id: ID!) { node(id: $id) { ... on MonitoringRecord { state version } } }";
    for (auth, version) in [
        (None, Value::Null),
        (Some(bearer("reader", None, None, "r")), Value::Null),
        (
            Some(bearer("area", Some("AMB-ADE"), None, "a")),
            Value::Null,
        ),
        (
            Some(bearer("municipality", None, Some("08019"), "m")),
            Value::Null,
        ),
        (Some(sri()), json!(r.version)),
        (Some(reviewer()), json!(r.version)),
    ] {
        let data = ok(&app, auth.as_deref(), doc, json!({ "id": r.id })).await;
        assert_eq!(data["node"]["state"], "PUBLISHED");
        assert_eq!(data["node"]["version"], version, "{auth:?}");
    }
    let trail = r#"query($id: ID!) { auditLog(filter: { record: $id }) {
        nodes { operation actorRole actorSubject } } }"#;
    let subjects = |data: &Value| -> Vec<(String, Value)> {
        data["auditLog"]["nodes"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|e| {
                (
                    e["operation"].as_str().unwrap_or_default().to_owned(),
                    e["actorSubject"].clone(),
                )
            })
            .collect()
    };
    let own = ok(&app, Some(&sri()), trail, json!({ "id": r.id })).await;
    assert_eq!(
        subjects(&own),
        [
            ("PUBLISH", Value::Null),
            ("SUBMIT", json!(SRI_SUB)),
            ("RETURN", Value::Null),
            ("CREATE", json!(SRI_SUB)),
        ]
        .map(|(o, s)| (o.to_owned(), s))
    );
    assert!(!own.to_string().contains(REVIEWER_SUB));
    let all = ok(&app, Some(&author()), trail, json!({ "id": r.id })).await;
    assert_eq!(
        subjects(&all)[0],
        ("PUBLISH".to_owned(), json!(REVIEWER_SUB))
    );
}

#[tokio::test]
async fn only_submitted_records_are_published_or_returned() {
    let app = TestApp::new().await;
    // The reviewer's own record goes through submit too.
    let own = create(
        &app,
        &reviewer(),
        "Evaluation",
        input("Evaluation", "e", "", None),
        false,
    )
    .await;
    let theirs = create(
        &app,
        &sri(),
        "Activity",
        input("Activity", "a", "", None),
        false,
    )
    .await;
    for draft in [&own, &theirs] {
        let vars = json!({ "id": draft.id, "v": draft.version });
        let reply = send(&app, Some(&reviewer()), PUBLISH, vars).await;
        assert_eq!(reply.error_code(), Some("CONFLICT"), "{}", reply.body);
        assert_eq!(reply.body["data"], Value::Null);
        assert_eq!(
            reply.error_message(),
            "a DRAFT record cannot be published; only SUBMITTED records are reviewed: submit it first"
        );
        let vars = json!({ "id": draft.id, "v": draft.version, "comment": { "en": "no" } });
        let reply = send(&app, Some(&reviewer()), RETURN, vars).await;
        assert_eq!(reply.error_code(), Some("CONFLICT"), "{}", reply.body);
    }
    let submitted = step(&app, &reviewer(), SUBMIT, &own).await;
    let published = step(&app, &reviewer(), PUBLISH, &submitted).await;
    assert_eq!(published.version, 3);
}

#[tokio::test]
async fn a_token_living_longer_than_the_maximum_is_refused() {
    let app = TestApp::new().await;
    let now = chrono::Utc::now().timestamp();
    let thirty_years = 30 * 365 * 24 * 3600;
    let signed = |edit: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut c = claims("admin", None, None);
        edit(&mut c);
        format!("Bearer {}", hs256(&c, TEST_SECRET.as_bytes()))
    };
    let query = "{ viewer { role } }";
    for (case, auth) in [
        (
            "exp - iat of 30 years",
            signed(&|c| {
                c.insert("exp".into(), json!(now + thirty_years));
            }),
        ),
        (
            "no iat, exp 30 years ahead",
            signed(&|c| {
                c.remove("iat");
                c.insert("exp".into(), json!(now + thirty_years));
            }),
        ),
        (
            "issued yesterday, valid for two days",
            signed(&|c| {
                c.insert("iat".into(), json!(now - 24 * 3600));
                c.insert("exp".into(), json!(now + 24 * 3600));
            }),
        ),
    ] {
        let reply = send(&app, Some(&auth), query, json!({})).await;
        reply.expect_unauthenticated(case);
        assert!(
            reply
                .error_message()
                .contains("PLAN_API_JWT_MAX_LIFETIME_SECS"),
            "{case}: {}",
            reply.error_message()
        );
    }
    // A day exactly is the default maximum.
    let day = signed(&|c| {
        c.insert("iat".into(), json!(now - 23 * 3600));
        c.insert("exp".into(), json!(now + 3600));
    });
    assert_eq!(
        ok(&app, Some(&day), query, json!({})).await["viewer"]["role"],
        "ADMIN"
    );
    // The maximum is configurable.
    let strict = TestApp::with(|c| c.jwt_max_lifetime_secs = 600).await;
    let hour = signed(&|_| {});
    let reply = send(&strict, Some(&hour), query, json!({})).await;
    assert_eq!(
        reply.error_code(),
        Some("UNAUTHENTICATED"),
        "{}",
        reply.body
    );
    let ten_minutes = signed(&|c| {
        c.insert("exp".into(), json!(now + 600));
    });
    assert_eq!(
        ok(&strict, Some(&ten_minutes), query, json!({})).await["viewer"]["role"],
        "ADMIN"
    );
}

#[tokio::test]
async fn a_deployed_database_upgrades_to_random_ids_and_drops_published_comments() {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::sea_query::{Alias, Query};
    use sea_orm::{ConnectionTrait, EntityTrait};

    // On SQLite, or on PostgreSQL with PLAN_API_TEST_DATABASE_URL; the upgrade runs every later
    // migration and the seed, as `plan-api serve` does.
    let app = crate::common::TestApp::upgraded(async |conn| {
        // The schema as deployed before this change, with the plan's content (loaded as every
        // release's seed loaded it) and records in it.
        Migrator::up(conn, Some(2)).await.expect("old migrations");
        plan_api::seed::load_content(conn, &crate::common::data_dir(), "AMB-PI-2021-2025")
            .await
            .expect("the plan's content");
        let plan = entity::plan::Entity::find()
            .one(conn)
            .await
            .expect("query")
            .expect("a plan");
        let now = chrono::Utc::now();
        for (state, comment) in [
            ("PUBLISHED", Some(json!({ "en": "leak.old.comment." }))),
            ("RETURNED", Some(json!({ "en": "still under review" }))),
        ] {
            let mut insert = Query::insert();
            insert
                .into_table(Alias::new("monitoring_record"))
                .columns(
                    [
                        "plan_id",
                        "record_type",
                        "state",
                        "version",
                        "payload",
                        "review_comment",
                        "owner_sub",
                        "owner_role",
                        "synthetic",
                        "created_at",
                        "updated_at",
                    ]
                    .map(Alias::new),
                )
                .values_panic([
                    plan.id.into(),
                    "EVALUATION".into(),
                    state.into(),
                    4.into(),
                    json!({}).into(),
                    comment.into(),
                    "someone".into(),
                    "admin".into(),
                    false.into(),
                    now.into(),
                    now.into(),
                ]);
            conn.execute(&insert).await.expect("an old row");
        }
    })
    .await;
    let rows = entity::monitoring_record::Entity::find()
        .all(&app.state.db)
        .await
        .expect("rows after the upgrade");
    assert_eq!(rows.len(), 2);
    assert_ne!(rows[0].public_id, rows[1].public_id);
    for row in &rows {
        assert!(uuid::Uuid::parse_str(&row.public_id).is_ok(), "{row:?}");
        match row.state.as_str() {
            "PUBLISHED" => assert_eq!(row.review_comment, None),
            _ => assert!(row.review_comment.is_some()),
        }
    }
}
