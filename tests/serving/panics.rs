//! A panic on a request path is an answer, not a reset connection: 500 in the API's error
//! shape, logged once with the request id.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::get;

use super::*;

/// Log lines written while a test runs, on its own thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
    }
}

#[tokio::test]
async fn a_panicking_handler_answers_500_internal_and_is_logged_with_the_request_id() {
    let app = TestApp::new().await;
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // The test's runtime runs on this thread, so the router's spans and events come here.
    let _default = tracing::subscriber::set_default(subscriber);
    let routes = Router::new().route(
        "/boom",
        get(|| async {
            if true {
                panic!("synthetic panic of a test route");
            }
            "never"
        }),
    );
    let router = plan_api::app::with_layers(routes, &app.state).with_state(app.state.clone());
    let r = TestApp::send_to(
        &router,
        Request::get("/boom")
            .header("x-request-id", "panic-test-7")
            .header("accept-encoding", "gzip")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.header("content-type"), "application/json; charset=utf-8");
    assert_eq!(
        r.body,
        json!({ "errors": [{ "message": "internal error", "extensions": { "code": "INTERNAL" } }] })
    );
    assert_eq!(r.header("x-request-id"), "panic-test-7");
    let log = logs.text();
    let line = log
        .lines()
        .find(|l| l.contains("a request handler panicked"))
        .unwrap_or_else(|| panic!("no log line of the panic in:\n{log}"));
    assert!(line.contains("ERROR"), "{line}");
    assert!(line.contains("panic-test-7"), "{line}");
    assert!(line.contains("synthetic panic of a test route"), "{line}");
    assert_eq!(log.matches("a request handler panicked").count(), 1);
}
