//! A collector that is away never fails a request: with one that refuses connections, and one
//! that accepts and never answers while the queue is tiny, every request succeeds with its
//! data, and what could not be exported is counted in `/metrics`. (Latency with the collector
//! down is measured by `bench/soak.py --collector-down`, not here.)

use std::time::{Duration, Instant};

use serde_json::json;

use super::{Collector, closed_port, metric, parts, post};
use crate::common::TestDatabase;
use crate::processes::{CREATE, PUBLISH, Server, admin, progress, sri, turn};

const OUTLINE: &str = "query Outline { plan { code strategicLines { code } } }";

/// Twenty requests (queries anonymous and with a token, a creation and its publication): all
/// answered with their data and a `traceparent`.
async fn twenty_requests_all_succeed(server: &Server) {
    let area = sri();
    for i in 0..18 {
        let auth = if i % 2 == 0 { area.as_str() } else { "" };
        let headers: Vec<(&str, &str)> = if auth.is_empty() {
            Vec::new()
        } else {
            vec![("authorization", auth)]
        };
        let r = post(server, &headers, OUTLINE, json!({})).await;
        assert_eq!(
            r.answer.data("outline")["plan"]["code"],
            "AMB-PI-2021-2025",
            "request {i}"
        );
        parts(r.traceparent.as_deref().expect("a traceparent"));
    }
    let created = post(
        server,
        &[("authorization", &area)],
        CREATE,
        json!({ "input": progress("LE1.2", 40, "collector down"), "key": "down-1", "submit": true }),
    )
    .await;
    let record = created.answer.data("create")["r"].clone();
    let published = post(
        server,
        &[("authorization", &admin())],
        PUBLISH,
        json!({ "id": record["id"], "v": record["version"] }),
    )
    .await;
    assert_eq!(published.answer.data("publish")["r"]["state"], "PUBLISHED");
}

/// Waits (up to 30 s) until `/metrics` shows `series` at `at_least` or more; returns the text.
async fn wait_metric(server: &Server, series: &str, at_least: f64) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let metrics = server.metrics().await;
        if metric(&metrics, series) >= at_least {
            return metrics;
        }
        assert!(
            Instant::now() < deadline,
            "{series} never reached {at_least}:\n{}",
            metrics
                .lines()
                .filter(|l| l.contains("plan_api_trace"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn with_the_collector_refusing_connections_requests_succeed_and_failed_exports_are_counted() {
    let _turn = turn().await;
    let (_database, url) = TestDatabase::create().await;
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let server = Server::start(
        "collector refused",
        &url,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_BSP_SCHEDULE_DELAY", "50"),
        ],
    )
    .await;
    twenty_requests_all_succeed(&server).await;
    // Each of the twenty requests' spans (at least one each) dropped with its failed batch.
    let metrics = wait_metric(
        &server,
        "plan_api_trace_spans_dropped_total{reason=\"export_failed\"}",
        20.0,
    )
    .await;
    assert!(metric(&metrics, "plan_api_trace_export_failures_total") >= 1.0);
    assert_eq!(metric(&metrics, "plan_api_trace_spans_exported_total"), 0.0);
    assert!(
        server
            .log()
            .contains("cannot export traces to the collector"),
        "the failure is logged:\n{}",
        server.log()
    );
}

#[tokio::test]
async fn with_the_collector_hanging_the_tiny_queue_overflows_and_the_dropped_spans_are_counted() {
    let _turn = turn().await;
    // Accepts every export and answers only after a minute: the first batch stays in flight.
    let collector = Collector::start(Duration::from_secs(60)).await;
    let (_database, url) = TestDatabase::create().await;
    let endpoint = collector.endpoint();
    let server = Server::start(
        "collector hanging",
        &url,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_BSP_SCHEDULE_DELAY", "50"),
            ("OTEL_BSP_MAX_QUEUE_SIZE", "4"),
            ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "2"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "60000"),
            ("OTEL_BSP_EXPORT_TIMEOUT", "60000"),
        ],
    )
    .await;
    twenty_requests_all_succeed(&server).await;
    // At most one batch (2) in flight and 4 queued: of the spans of twenty requests (at least
    // one each), at least 14 had no room.
    let metrics = wait_metric(
        &server,
        "plan_api_trace_spans_dropped_total{reason=\"queue_full\"}",
        14.0,
    )
    .await;
    assert_eq!(metric(&metrics, "plan_api_trace_spans_exported_total"), 0.0);
    assert_eq!(collector.requests(), 1, "one export at a time");
    assert!(
        collector.spans().is_empty(),
        "the held export is not in yet"
    );
}
