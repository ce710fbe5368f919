//! The test harness: a fresh database per test, the real router, and helpers to call it.

use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use plan_api::{AppState, db, router, seed};
use serde_json::{Value, json};
use tower::ServiceExt;

/// The repository's `data/` folder.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data")
}

/// One test's application: its own database, migrated and seeded, behind the real router.
pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    _dir: tempfile::TempDir,
}

/// A response, decoded.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// `extensions.code` of the first error.
    pub fn error_code(&self) -> Option<&str> {
        self.body["errors"][0]["extensions"]["code"].as_str()
    }

    /// The first error's message.
    pub fn error_message(&self) -> &str {
        self.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
    }
}

impl TestApp {
    /// A new application on a fresh SQLite database.
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("test.sqlite").display()
        );
        let (conn, statements) = db::connect(&database_url).await.expect("connect");
        db::migrate(&conn).await.expect("migrate");
        seed::seed_all(&conn, &data_dir()).await.expect("seed");
        let state = AppState::new(conn, statements);
        Self {
            router: router(state.clone()),
            state,
            _dir: dir,
        }
    }

    /// Sends `request` through the router.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        Reply {
            status,
            headers,
            body,
        }
    }

    /// POSTs a GraphQL document with variables and extra headers.
    pub async fn post(&self, query: &str, variables: Value, headers: &[(&str, &str)]) -> Reply {
        let mut builder = Request::post("/graphql").header("content-type", "application/json");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let body = json!({ "query": query, "variables": variables }).to_string();
        self.send(builder.body(Body::from(body)).expect("request"))
            .await
    }

    /// POSTs a GraphQL document and returns its `data`, failing the test on any error.
    pub async fn data(&self, query: &str) -> Value {
        let reply = self.post(query, json!({}), &[]).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(
            reply.body.get("errors").is_none(),
            "unexpected errors: {}",
            reply.body["errors"]
        );
        reply.body["data"].clone()
    }

    /// GETs `uri`.
    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }
}

/// The strings of `value` (an array of objects) under `key`.
pub fn strings(value: &Value, key: &str) -> Vec<String> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v[key].as_str().expect("a string").to_owned())
        .collect()
}
