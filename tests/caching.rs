//! The anonymous response cache, the content generation that invalidates it, HTTP caching
//! (ETag, 304, Cache-Control, Vary), Automatic Persisted Queries and trusted documents.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use plan_api::persisted::sha256_hex;
use plan_api::{AppState, Config, db, router};
use serde_json::{Value, json};

use crate::common::{Reply, TestApp, bearer};

const OUTLINE: &str = "{ plan { code strategicLines { code } } }";
const PROGRESS: &str = "query($code: String!) { action(code: $code) { code currentProgress { year percentComplete } } }";

/// An application whose content generation is known (its tracker reads it at start).
async fn app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let app = TestApp::with(configure).await;
    wait_until(Duration::from_secs(5), || {
        app.state.cache.generation.current().is_some()
    })
    .await;
    app
}

async fn app() -> TestApp {
    app_with(|_| {}).await
}

async fn wait_until(limit: Duration, mut ok: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < limit, "not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    start.elapsed()
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// GETs `/graphql` with these parameters and headers.
async fn get(app: &TestApp, params: &[(&str, &str)], headers: &[(&str, &str)]) -> Reply {
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect();
    let mut builder = Request::get(format!("/graphql?{}", query.join("&")));
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    app.send(builder.body(Body::empty()).expect("request"))
        .await
}

/// POSTs a request object.
async fn post(app: &TestApp, body: Value, headers: &[(&str, &str)]) -> Reply {
    let mut builder = Request::post("/graphql").header("content-type", "application/json");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    app.send(builder.body(Body::from(body.to_string())).expect("request"))
        .await
}

#[tokio::test]
async fn a_repeated_anonymous_query_is_answered_from_the_cache_with_the_same_bytes() {
    let app = app().await;
    let first = get(&app, &[("query", OUTLINE)], &[]).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.header("x-cache"), "miss");
    // Insignificant white space and commas do not make another document.
    let second = get(
        &app,
        &[(
            "query",
            "{\n  plan { code, strategicLines { code } }\n}  # again",
        )],
        &[],
    )
    .await;
    assert_eq!(second.header("x-cache"), "hit");
    assert_eq!(second.text, first.text);
    assert_eq!(second.header("etag"), first.header("etag"));
    // The cost still reaches the client, and keys keep the selection's order.
    assert!(
        second.text.starts_with(r#"{"data":{"plan":{"code":"#),
        "{}",
        second.text
    );
    assert!(
        second.body["extensions"]["cost"]["requested"]
            .as_u64()
            .is_some()
    );
    // Another language is another entry.
    let catalan = get(&app, &[("query", OUTLINE)], &[("accept-language", "ca")]).await;
    assert_eq!(catalan.header("x-cache"), "miss");
    assert_eq!(catalan.header("content-language"), "ca");
    // POST shares the entries, but is not for shared caches.
    let posted = post(&app, json!({ "query": OUTLINE }), &[]).await;
    assert_eq!(posted.header("x-cache"), "hit");
    assert_eq!(posted.header("cache-control"), "no-store");
    assert_eq!(posted.text, first.text);
    // The metrics count hits and misses.
    let metrics = app.ops_get("/metrics").await.text;
    assert!(
        metrics.contains(r#"plan_api_response_cache_total{outcome="hit"}"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn variables_in_any_key_order_share_an_entry_and_other_values_do_not() {
    let app = app().await;
    let q = "query($a: String!, $b: String!) { x: action(code: $a) { code } y: action(code: $b) { code } }";
    let one = post(
        &app,
        json!({ "query": q, "variables": { "a": "LE1.1", "b": "LE1.2" } }),
        &[],
    )
    .await;
    assert_eq!(one.header("x-cache"), "miss");
    let two = post(
        &app,
        json!({ "query": q, "variables": { "b": "LE1.2", "a": "LE1.1" } }),
        &[],
    )
    .await;
    assert_eq!(two.header("x-cache"), "hit");
    let three = post(
        &app,
        json!({ "query": q, "variables": { "a": "LE1.2", "b": "LE1.1" } }),
        &[],
    )
    .await;
    assert_eq!(three.header("x-cache"), "miss");
    assert_eq!(three.body["data"]["x"]["code"], "LE1.2");
}

#[tokio::test]
async fn callers_with_a_token_errors_and_mutations_are_never_cached() {
    let app = app().await;
    let reader = bearer("reader", None, None);
    for _ in 0..2 {
        let r = get(&app, &[("query", OUTLINE)], &[("authorization", &reader)]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.header("x-cache"), "bypass");
        assert_eq!(r.header("cache-control"), "private, no-store");
    }
    // An anonymous entry is never served to a token holder either.
    get(&app, &[("query", OUTLINE)], &[]).await;
    let r = get(&app, &[("query", OUTLINE)], &[("authorization", &reader)]).await;
    assert_eq!(r.header("x-cache"), "bypass");
    // Errors are answered afresh each time, and not kept by anyone.
    for _ in 0..2 {
        let r = get(
            &app,
            &[("query", "{ action(code: \"LE9.9\") { code } }")],
            &[],
        )
        .await;
        assert_eq!(r.error_code(), Some("NOT_FOUND"));
        assert_eq!(r.header("x-cache"), "");
        assert_eq!(r.header("cache-control"), "no-store");
    }
}

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

#[tokio::test]
async fn etags_revalidate_with_304_and_the_cache_headers_say_who_may_keep_what() {
    let app = app().await;
    let first = get(&app, &[("query", OUTLINE)], &[]).await;
    let etag = first.header("etag").to_owned();
    assert!(etag.starts_with('"') && etag.len() == 34, "{etag}");
    assert_eq!(
        first.header("cache-control"),
        "public, max-age=60, stale-while-revalidate=600"
    );
    assert_eq!(
        first.header("vary"),
        "Accept, Accept-Language, Authorization"
    );
    let again = get(&app, &[("query", OUTLINE)], &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.text, "");
    assert_eq!(again.header("etag"), etag);
    assert_eq!(
        again.header("cache-control"),
        "public, max-age=60, stale-while-revalidate=600"
    );
    // Another tag, or another document: the full answer.
    let other = get(
        &app,
        &[("query", OUTLINE)],
        &[("if-none-match", "\"0000\"")],
    )
    .await;
    assert_eq!(other.status, StatusCode::OK);
    // A compressed body is another representation with a tag of its own, which revalidates.
    let gz = get(&app, &[("query", OUTLINE)], &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.header("content-encoding"), "gzip");
    let gz_tag = gz.header("etag").to_owned();
    assert_eq!(gz_tag, format!("{}-gzip\"", etag.trim_end_matches('"')));
    let gz_again = get(
        &app,
        &[("query", OUTLINE)],
        &[("accept-encoding", "gzip"), ("if-none-match", &gz_tag)],
    )
    .await;
    assert_eq!(gz_again.status, StatusCode::NOT_MODIFIED);
    // POST never answers 304, and mutations and refusals are not to be stored.
    let posted = post(
        &app,
        json!({ "query": OUTLINE }),
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(posted.status, StatusCode::OK);
    assert_eq!(posted.header("etag"), etag);
    let bad = get(&app, &[("query", "{ nope }")], &[]).await;
    assert_eq!(bad.header("cache-control"), "no-store");
    let authed = get(
        &app,
        &[("query", OUTLINE)],
        &[("authorization", &bearer("reader", None, None))],
    )
    .await;
    assert_eq!(authed.header("cache-control"), "private, no-store");
}

#[tokio::test]
async fn cors_adds_origin_to_vary() {
    let app = app_with(|c| c.cors_origins = Some("https://www.l-h.cat".into())).await;
    let r = get(
        &app,
        &[("query", OUTLINE)],
        &[("origin", "https://www.l-h.cat")],
    )
    .await;
    let vary: Vec<String> = r
        .headers
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|s| s.trim().to_ascii_lowercase()))
        .collect();
    for expected in ["accept", "accept-language", "authorization", "origin"] {
        assert!(vary.iter().any(|v| v == expected), "{vary:?}");
    }
}

fn apq(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

#[tokio::test]
async fn automatic_persisted_queries_register_on_not_found_then_hit() {
    let app = app().await;
    let query = "{ plan { code title } }";
    let hash = sha256_hex(query);
    let ext = apq(&hash).to_string();
    // Unknown hash: Apollo's error, which makes clients send the document.
    let missing = get(&app, &[("extensions", &ext)], &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error_code(), Some("PERSISTED_QUERY_NOT_FOUND"));
    assert_eq!(missing.error_message(), "PersistedQueryNotFound");
    // The document with its hash registers it (POST, as Apollo Client does by default).
    let registered = post(
        &app,
        json!({ "query": query, "extensions": apq(&hash) }),
        &[],
    )
    .await;
    assert_eq!(registered.status, StatusCode::OK, "{}", registered.text);
    assert_eq!(registered.body["data"]["plan"]["code"], "AMB-PI-2021-2025");
    // Now the hash alone works over GET, and over POST.
    let by_hash = get(&app, &[("extensions", &ext)], &[]).await;
    assert_eq!(by_hash.status, StatusCode::OK, "{}", by_hash.text);
    assert_eq!(by_hash.text, registered.text);
    assert_eq!(by_hash.header("x-cache"), "hit");
    let posted = post(&app, json!({ "extensions": apq(&hash) }), &[]).await;
    assert_eq!(posted.body["data"], registered.body["data"]);
    // Upper-case hex is the same hash.
    let upper = apq(&hash.to_ascii_uppercase()).to_string();
    assert_eq!(
        get(&app, &[("extensions", &upper)], &[]).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn persisted_query_errors_are_clear() {
    let app = app().await;
    let mismatch = post(
        &app,
        json!({ "query": "{ plan { code } }", "extensions": apq(&sha256_hex("{ plans { code } }")) }),
        &[],
    )
    .await;
    assert_eq!(mismatch.status, StatusCode::BAD_REQUEST);
    assert_eq!(mismatch.error_code(), Some("PERSISTED_QUERY_HASH_MISMATCH"));
    assert_eq!(
        mismatch.error_message(),
        "provided sha does not match query"
    );
    let version = post(
        &app,
        json!({ "extensions": { "persistedQuery": { "version": 2, "sha256Hash": sha256_hex("x") } } }),
        &[],
    )
    .await;
    assert_eq!(version.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        version.error_message(),
        "Unsupported persisted query version"
    );
    let short = get(&app, &[("documentId", "sha256:abc")], &[]).await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert_eq!(short.error_code(), Some("BAD_REQUEST"));
    let scheme = get(&app, &[("documentId", "md5:abc")], &[]).await;
    assert_eq!(scheme.status, StatusCode::BAD_REQUEST);
    // Without a query or a hash, the old message.
    let nothing = post(&app, json!({ "extensions": {} }), &[]).await;
    assert_eq!(nothing.status, StatusCode::BAD_REQUEST);
}

/// The trusted documents, from the manifest.
async fn manifest(app: &TestApp) -> Vec<Value> {
    let r = app.get("/graphql/documents").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["format"], "apollo-persisted-query-manifest");
    r.body["operations"].as_array().expect("operations").clone()
}

#[tokio::test]
async fn trusted_documents_are_listed_and_answer_by_hash_over_get_in_every_language() {
    let app = app().await;
    let docs = manifest(&app).await;
    let names: Vec<&str> = docs.iter().filter_map(|d| d["name"].as_str()).collect();
    assert_eq!(
        names,
        [
            "ActionCard",
            "LineProgress",
            "MunicipalityPage",
            "PlanOutline",
            "AmbPlanWidget",
            "AmbEmbedMunicipalities"
        ]
    );
    for doc in &docs {
        assert_eq!(doc["id"], sha256_hex(doc["body"].as_str().expect("body")));
    }
    let vars_of = |name: &str| match name {
        "ActionCard" => json!({ "code": "LE1.1" }),
        "LineProgress" => json!({ "code": "LE1" }),
        "MunicipalityPage" => json!({ "ineCode": "08101" }),
        "AmbPlanWidget" => json!({ "ine": "08101" }),
        _ => json!({}),
    };
    for doc in &docs {
        let name = doc["name"].as_str().expect("name");
        let id = format!("sha256:{}", doc["id"].as_str().expect("id"));
        for lang in ["CA", "ES", "EN", "FR"] {
            let mut vars = vars_of(name);
            vars["lang"] = json!(lang);
            let vars = vars.to_string();
            let r = get(&app, &[("documentId", &id), ("variables", &vars)], &[]).await;
            assert_eq!(r.status, StatusCode::OK, "{name} {lang}: {}", r.text);
            assert!(r.body["errors"].is_null(), "{name} {lang}: {}", r.text);
            assert_eq!(
                r.header("cache-control"),
                "public, max-age=60, stale-while-revalidate=600"
            );
        }
    }
    // Accept-Language serves when the document's lang is left out.
    let outline = docs
        .iter()
        .find(|d| d["name"] == "PlanOutline")
        .expect("outline");
    let id = format!("sha256:{}", outline["id"].as_str().expect("id"));
    let ca = get(&app, &[("documentId", &id)], &[("accept-language", "ca")]).await;
    let es = get(&app, &[("documentId", &id)], &[("accept-language", "es")]).await;
    assert_ne!(
        ca.body["data"]["plan"]["title"],
        es.body["data"]["plan"]["title"]
    );
    // An unknown document id.
    let unknown = get(
        &app,
        &[("documentId", &format!("sha256:{}", sha256_hex("x")))],
        &[],
    )
    .await;
    assert_eq!(unknown.error_code(), Some("PERSISTED_QUERY_NOT_FOUND"));
}

#[tokio::test]
async fn with_the_allow_list_anonymous_callers_send_trusted_documents_only() {
    let app = app_with(|c| c.anonymous_trusted_only = true).await;
    let docs = manifest(&app).await;
    let outline = docs
        .iter()
        .find(|d| d["name"] == "PlanOutline")
        .expect("outline");
    let id = format!("sha256:{}", outline["id"].as_str().expect("id"));
    let body = outline["body"].as_str().expect("body");

    let free = get(&app, &[("query", OUTLINE)], &[]).await;
    assert_eq!(free.status, StatusCode::FORBIDDEN);
    assert_eq!(free.error_code(), Some("TRUSTED_DOCUMENT_REQUIRED"));
    assert!(free.error_message().contains("/graphql/documents"));
    // Registering through APQ is no way around it.
    let register = post(
        &app,
        json!({ "query": OUTLINE, "extensions": apq(&sha256_hex(OUTLINE)) }),
        &[],
    )
    .await;
    assert_eq!(register.error_code(), Some("TRUSTED_DOCUMENT_REQUIRED"));
    let by_hash = get(
        &app,
        &[("extensions", &apq(&sha256_hex(OUTLINE)).to_string())],
        &[],
    )
    .await;
    assert_eq!(by_hash.error_code(), Some("TRUSTED_DOCUMENT_REQUIRED"));

    // Trusted documents: by id, by APQ hash, or as their exact text.
    assert_eq!(
        get(&app, &[("documentId", &id)], &[]).await.status,
        StatusCode::OK
    );
    let apq_hash = apq(outline["id"].as_str().expect("id")).to_string();
    assert_eq!(
        get(&app, &[("extensions", &apq_hash)], &[]).await.status,
        StatusCode::OK
    );
    let text = post(&app, json!({ "query": body }), &[]).await;
    assert_eq!(text.status, StatusCode::OK, "{}", text.text);

    // Tokens keep full access.
    let reader = get(
        &app,
        &[("query", OUTLINE)],
        &[("authorization", &bearer("reader", None, None))],
    )
    .await;
    assert_eq!(reader.status, StatusCode::OK);
    assert!(reader.body["errors"].is_null());

    // Off (the default), anything goes.
    let open = TestApp::new().await;
    assert_eq!(
        get(&open, &[("query", OUTLINE)], &[]).await.status,
        StatusCode::OK
    );
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
