//! Trace context without any collector: it comes in, goes back out, and reaches the webhook
//! receiver; nothing is exported. And a bad `OTEL_*` value stops the start.

use std::process::Stdio;
use std::time::Duration;

use entity::event;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::{Caller, first_hook, hook_receiver, parts, post, register_hook};
use crate::common::{TestDatabase, data_dir};
use crate::processes::{CREATE, PUBLISH, Server, admin, progress, sri, turn};

const CALLER: Caller = Caller {
    trace_id: "7ef92f3577b34da6a3ce929d0e0e4739",
    span_id: "44f067aa0ba902bb",
    flags: "01",
};
const PUBLISHER: Caller = Caller {
    trace_id: "8ff92f3577b34da6a3ce929d0e0e473a",
    span_id: "55f067aa0ba902bc",
    flags: "01",
};
const STATE: &str = "amb=synthetic-test";

#[tokio::test]
async fn without_a_collector_trace_context_comes_in_goes_back_and_reaches_the_webhooks() {
    let _turn = turn().await;
    let (hook_url, hooks) = hook_receiver().await;
    let (_database, url) = TestDatabase::create().await;
    let server = Server::start("untraced", &url, &[]).await;
    register_hook(&server, &hook_url).await;
    let query = "{ plan { code } }";

    // The caller's trace continues: same trace id and flags, the server's own span id, and the
    // caller's tracestate passed on.
    let r = post(
        &server,
        &[
            ("traceparent", &CALLER.traceparent()),
            ("tracestate", STATE),
        ],
        query,
        json!({}),
    )
    .await;
    r.answer.data("with a traceparent");
    let (trace, span, flags) = parts(r.traceparent.as_deref().expect("a traceparent"));
    assert_eq!((trace.as_str(), flags.as_str()), (CALLER.trace_id, "01"));
    assert_ne!(span, CALLER.span_id);
    assert_eq!(r.tracestate.as_deref(), Some(STATE));

    // No traceparent, or a malformed one (ignored, as W3C asks): a trace of the server's own.
    for headers in [
        vec![],
        vec![("traceparent", "00-not-a-trace-01")],
        vec![(
            "traceparent",
            "00-00000000000000000000000000000000-44f067aa0ba902bb-01",
        )],
    ] {
        let r = post(&server, &headers, query, json!({})).await;
        r.answer.data("without a valid traceparent");
        let (trace, span, flags) = parts(r.traceparent.as_deref().expect("a traceparent"));
        assert_ne!(trace, "0".repeat(32), "{headers:?}");
        assert_ne!(trace, CALLER.trace_id, "{headers:?}");
        assert_ne!(span, "0".repeat(16), "{headers:?}");
        assert_eq!(flags, "01", "{headers:?}: started here, sampled");
        assert_eq!(r.tracestate, None, "{headers:?}");
    }

    // A publication in the publisher's trace: the webhook carries it on.
    let area = sri();
    let created = post(
        &server,
        &[("authorization", &area)],
        CREATE,
        json!({ "input": progress("LE1.3", 50, "propagation"), "key": "prop-1", "submit": true }),
    )
    .await;
    let record = created.answer.data("create")["r"].clone();
    let published = post(
        &server,
        &[
            ("authorization", &admin()),
            ("traceparent", &PUBLISHER.traceparent()),
            ("tracestate", STATE),
        ],
        PUBLISH,
        json!({ "id": record["id"], "v": record["version"] }),
    )
    .await;
    assert_eq!(published.answer.data("publish")["r"]["state"], "PUBLISHED");
    let (_, request_span, _) = parts(published.traceparent.as_deref().expect("traceparent"));
    let hook = first_hook(&hooks).await;
    let (trace, attempt_span, flags) = parts(
        hook.traceparent
            .as_deref()
            .expect("the webhook's traceparent"),
    );
    assert_eq!((trace.as_str(), flags.as_str()), (PUBLISHER.trace_id, "01"));
    assert_ne!(attempt_span, PUBLISHER.span_id);
    assert_ne!(attempt_span, request_span, "the attempt's own span");
    assert_eq!(hook.tracestate.as_deref(), Some(STATE));
    // With nothing exported, only the spans that pass the context on are made: the event
    // stores the request span's own context (there is no store call span to store).
    let (db, _) = plan_api::db::connect(&url).await.expect("connect");
    let stored = event::Entity::find()
        .filter(event::Column::EventType.eq("RECORD_PUBLISHED"))
        .one(&db)
        .await
        .expect("events")
        .expect("the publication's event");
    assert_eq!(
        (stored.traceparent.as_deref(), stored.tracestate.as_deref()),
        (
            Some(format!("00-{}-{request_span}-01", PUBLISHER.trace_id).as_str()),
            Some(STATE)
        )
    );

    // Nothing was exported, nor set up to be.
    let metrics = server.metrics().await;
    assert!(
        !metrics.contains("plan_api_trace_"),
        "no trace export metrics without a collector:\n{metrics}"
    );
}

#[tokio::test]
async fn a_bad_otel_setting_stops_the_start_with_a_message_naming_it() {
    for (name, value, says) in [
        (
            "OTEL_TRACES_SAMPLER",
            "sometimes",
            "OTEL_TRACES_SAMPLER=sometimes is not supported",
        ),
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "collector:4318",
            "OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL",
        ),
    ] {
        let dir = tempfile::tempdir().expect("tmp");
        let run = tokio::process::Command::new(crate::processes::binary())
            .arg("serve")
            .env_clear()
            .env(
                "DATABASE_URL",
                format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("p.sqlite").display()
                ),
            )
            .env("PLAN_API_LISTEN", "127.0.0.1:0")
            .env("PLAN_API_METRICS_LISTEN", "127.0.0.1:0")
            .env("PLAN_API_DATA_DIR", data_dir())
            .env(name, value)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output();
        let output = tokio::time::timeout(Duration::from_secs(60), run)
            .await
            .unwrap_or_else(|_| panic!("{name}={value}: the server started and kept running"))
            .expect("run plan-api");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{name}={value} started");
        assert!(stderr.contains(says), "{name}={value}: {stderr}");
        assert!(
            !dir.path().join("p.sqlite").exists(),
            "stopped before touching the database"
        );
    }
}
