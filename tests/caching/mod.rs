//! The anonymous response cache, the content generation that invalidates it, HTTP caching
//! (ETag, 304, Cache-Control, Vary), Automatic Persisted Queries and trusted documents.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use plan_api::persisted::sha256_hex;
use plan_api::{AppState, Config, db, router};
use serde_json::{Value, json};

use crate::common::{Reply, TestApp, bearer};

mod flight;
mod http;
mod persisted;
mod replicas;
mod response;

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

fn apq(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

/// The trusted documents, from the manifest.
async fn manifest(app: &TestApp) -> Vec<Value> {
    let r = app.get("/graphql/documents").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["format"], "apollo-persisted-query-manifest");
    r.body["operations"].as_array().expect("operations").clone()
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
