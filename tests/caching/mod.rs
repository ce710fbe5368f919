//! The anonymous response cache, the content generation that invalidates it, HTTP caching
//! (ETag, 304, Cache-Control, Vary), Automatic Persisted Queries and trusted documents.

mod generation;
mod http;
mod persisted;
mod responses;

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
