//! What reaches the collector: a query's spans and a publication's, down to its webhook
//! attempt, each in its caller's trace, with the parents and links that tie them together;
//! never a token, a variable's value or a text.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::json;

use super::{Caller, Collector, Exported, first_hook, hook_receiver, parts, post, register_hook};
use crate::common::TestDatabase;
use crate::processes::{CREATE, PUBLISH, Server, admin, progress, sri, turn};

/// What must never show up in a span: it is in the variables (a search text, a record's
/// narrative), never in the document. (Synthetic test data.)
const MARKER: &str = "MARKER-never-in-a-span-7f3a";

const SEARCH: &str = "query Search($text: String!) { search(text: $text, first: 5) { code } }";

/// The query's caller: sampled.
const QUERY_CALLER: Caller = Caller {
    trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
    span_id: "00f067aa0ba902b7",
    flags: "01",
};
/// The publication's caller: one trace, one span per request it sends.
const CREATE_CALLER: Caller = Caller {
    trace_id: "5cf92f3577b34da6a3ce929d0e0e4737",
    span_id: "11f067aa0ba902b8",
    flags: "01",
};
const PUBLISH_CALLER: Caller = Caller {
    trace_id: "5cf92f3577b34da6a3ce929d0e0e4737",
    span_id: "22f067aa0ba902b9",
    flags: "01",
};
/// A caller that decided not to sample.
const UNSAMPLED_CALLER: Caller = Caller {
    trace_id: "6df92f3577b34da6a3ce929d0e0e4738",
    span_id: "33f067aa0ba902ba",
    flags: "00",
};

/// The spans of `trace_id` by span id.
fn of_trace(spans: &[Exported], trace_id: &str) -> HashMap<String, Exported> {
    spans
        .iter()
        .filter(|s| s.trace_id == trace_id)
        .map(|s| (s.span_id.clone(), s.clone()))
        .collect()
}

/// The names of `span`'s ancestors within `trace`, nearest first.
fn ancestors(trace: &HashMap<String, Exported>, span: &Exported) -> Vec<String> {
    let mut names = Vec::new();
    let mut parent = span.parent_span_id.clone();
    while let Some(p) = trace.get(&parent) {
        names.push(p.name.clone());
        parent = p.parent_span_id.clone();
    }
    names
}

#[tokio::test]
async fn a_query_a_publication_and_its_webhook_are_exported_in_the_callers_traces_without_secrets()
{
    let _turn = turn().await;
    let collector = Collector::start(Duration::ZERO).await;
    let (hook_url, hooks) = hook_receiver().await;
    let (_database, url) = TestDatabase::create().await;
    let endpoint = collector.endpoint();
    let server = Server::start(
        "traced",
        &url,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_SERVICE_NAME", "plan-api-under-test"),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ],
    )
    .await;
    register_hook(&server, &hook_url).await;

    // A query, by a reporting unit, in the caller's sampled trace.
    let area = sri();
    let query = post(
        &server,
        &[
            ("authorization", &area),
            ("traceparent", &QUERY_CALLER.traceparent()),
        ],
        SEARCH,
        json!({ "text": MARKER }),
    )
    .await;
    query.answer.data("search");
    let cost = query.answer.body["extensions"]["cost"]["requested"]
        .as_u64()
        .expect("a cost");
    let (trace, server_span_id, flags) =
        parts(query.traceparent.as_deref().expect("a traceparent back"));
    assert_eq!(
        (trace.as_str(), flags.as_str()),
        (QUERY_CALLER.trace_id, "01")
    );
    assert_ne!(
        server_span_id, QUERY_CALLER.span_id,
        "the server's own span"
    );

    // The same document with a caller that does not sample: followed, nothing exported.
    let unsampled = post(
        &server,
        &[("traceparent", &UNSAMPLED_CALLER.traceparent())],
        SEARCH,
        json!({ "text": "cooperacion" }),
    )
    .await;
    unsampled.answer.data("unsampled search");
    let (trace, _, flags) = parts(unsampled.traceparent.as_deref().expect("a traceparent"));
    assert_eq!(
        (trace.as_str(), flags.as_str()),
        (UNSAMPLED_CALLER.trace_id, "00")
    );

    // A publication: created by the unit, published by a coordinator, in one caller's trace.
    let created = post(
        &server,
        &[
            ("authorization", &area),
            ("traceparent", &CREATE_CALLER.traceparent()),
        ],
        CREATE,
        json!({ "input": progress("LE1.1", 30, MARKER), "key": "trace-1", "submit": true }),
    )
    .await;
    let record = created.answer.data("create")["r"].clone();
    let coordinator = admin();
    let published = post(
        &server,
        &[
            ("authorization", &coordinator),
            ("traceparent", &PUBLISH_CALLER.traceparent()),
        ],
        PUBLISH,
        json!({ "id": record["id"], "v": record["version"] }),
    )
    .await;
    assert_eq!(published.answer.data("publish")["r"]["state"], "PUBLISHED");
    let (_, publish_span_id, _) = parts(published.traceparent.as_deref().expect("traceparent"));

    // The webhook carries the attempt's span, in the publication's trace.
    let hook = first_hook(&hooks).await;
    assert_eq!(hook.body["type"], "RECORD_PUBLISHED");
    let (trace, attempt_span_id, flags) = parts(
        hook.traceparent
            .as_deref()
            .expect("the webhook's traceparent"),
    );
    assert_eq!(
        (trace.as_str(), flags.as_str()),
        (PUBLISH_CALLER.trace_id, "01")
    );

    // The attempt's span reaches the collector: a client span, a child of the span that
    // appended the event inside the publishing request, linked to it too.
    let attempt = collector
        .wait_for("of the webhook attempt", |s| s.span_id == attempt_span_id)
        .await;
    assert_eq!(attempt.trace_id, PUBLISH_CALLER.trace_id);
    assert_eq!(attempt.name, "POST webhook RECORD_PUBLISHED");
    assert_eq!(attempt.kind, 3, "client");
    for (key, value) in [
        ("http.request.method", "POST"),
        ("http.response.status_code", "200"),
        ("plan_api.event_type", "RECORD_PUBLISHED"),
        ("plan_api.attempt", "1"),
    ] {
        assert_eq!(attempt.attr(key), Some(value), "{key} of {attempt:?}");
    }
    assert_eq!(attempt.attr("error.type"), None);
    assert_eq!(attempt.status, 0, "unset: the attempt succeeded");
    assert_eq!(
        attempt.links,
        vec![(
            PUBLISH_CALLER.trace_id.to_owned(),
            attempt.parent_span_id.clone()
        )],
        "linked to the event's origin"
    );
    // The server spans of the query and of both publication requests, and the attempt's
    // statements (it records itself), all arrive in the next batches.
    let query_server = collector
        .wait_for("of the query's request", |s| s.span_id == server_span_id)
        .await;
    collector
        .wait_for("of the publishing request", |s| {
            s.span_id == publish_span_id
        })
        .await;
    collector
        .wait_for("of the attempt's statements", |s| {
            s.parent_span_id == attempt_span_id && s.attr("db.system.name").is_some()
        })
        .await;
    // A last request whose spans come after all of the above: once it is in, so is the rest.
    let last = post(&server, &[], "query Last { plan { code } }", json!({})).await;
    let (_, last_span_id, _) = parts(last.traceparent.as_deref().expect("traceparent"));
    collector
        .wait_for("of the last request", |s| s.span_id == last_span_id)
        .await;
    let spans = collector.spans();

    // The query: its request span continues the caller's, and says what ran and for whom.
    let query_trace = of_trace(&spans, QUERY_CALLER.trace_id);
    assert_eq!(query_server.parent_span_id, QUERY_CALLER.span_id);
    assert_eq!(query_server.name, "POST /graphql");
    assert_eq!(query_server.kind, 2, "server");
    let cost = cost.to_string();
    for (key, value) in [
        ("http.request.method", "POST"),
        ("http.route", "/graphql"),
        ("http.response.status_code", "200"),
        ("graphql.operation.name", "Search"),
        ("graphql.operation.type", "query"),
        ("plan_api.role", "area"),
        ("plan_api.cost", cost.as_str()),
        ("plan_api.response_cache", "bypass"),
    ] {
        assert_eq!(query_server.attr(key), Some(value), "{key}");
    }
    // Its operation, parsed under the request, validated and executed under the operation,
    // and the statements under the execution.
    let named = |name: &str| -> Vec<&Exported> {
        query_trace.values().filter(|s| s.name == name).collect()
    };
    let [operation] = named("query Search")[..] else {
        panic!("one operation span: {query_trace:#?}");
    };
    assert_eq!(operation.parent_span_id, server_span_id);
    assert_eq!(
        (
            operation.attr("graphql.operation.name"),
            operation.attr("graphql.operation.type")
        ),
        (Some("Search"), Some("query"))
    );
    let [parse] = named("graphql.parse")[..] else {
        panic!("one parse span: {query_trace:#?}");
    };
    assert_eq!(parse.parent_span_id, server_span_id);
    for phase in ["graphql.validate", "graphql.execute"] {
        let [span] = named(phase)[..] else {
            panic!("one {phase} span: {query_trace:#?}");
        };
        assert_eq!(span.parent_span_id, operation.span_id, "{phase}");
    }
    let statements: Vec<&Exported> = query_trace
        .values()
        .filter(|s| s.attr("db.system.name").is_some())
        .collect();
    for statement in &statements {
        assert_eq!(statement.kind, 3, "client");
        assert_eq!(
            statement.attr("db.operation.name"),
            Some(statement.name.as_str())
        );
        assert_eq!(
            ancestors(&query_trace, statement)
                .last()
                .map(String::as_str),
            Some("POST /graphql"),
            "{statement:?} within the request"
        );
    }
    assert!(
        statements.iter().any(|s| {
            let chain = ancestors(&query_trace, s);
            chain.contains(&"store.search".to_owned())
                && chain.contains(&"graphql.execute".to_owned())
        }),
        "the search's statements, in its store call, under the execution: {query_trace:#?}"
    );

    // The publication: both requests in the caller's trace, each a child of its own caller
    // span; the event appended in the publishing request's store call, which the attempt
    // continues; the attempt's own statements under it.
    let publication = of_trace(&spans, PUBLISH_CALLER.trace_id);
    let servers: Vec<&Exported> = publication
        .values()
        .filter(|s| s.name == "POST /graphql")
        .collect();
    let mut callers: Vec<&str> = servers.iter().map(|s| s.parent_span_id.as_str()).collect();
    callers.sort_unstable();
    assert_eq!(callers, [CREATE_CALLER.span_id, PUBLISH_CALLER.span_id]);
    let origin = publication
        .get(&attempt.parent_span_id)
        .expect("the attempt's parent is exported");
    assert_eq!(origin.name, "store.events.append");
    let chain = ancestors(&publication, origin);
    assert_eq!(
        chain.last().map(String::as_str),
        Some("POST /graphql"),
        "{chain:?}"
    );
    assert!(
        chain.contains(&"mutation anonymous".to_owned()),
        "{chain:?}"
    );
    let publishing = publication.get(&publish_span_id).expect("the request span");
    assert_eq!(publishing.parent_span_id, PUBLISH_CALLER.span_id);
    assert_eq!(publishing.attr("graphql.operation.type"), Some("mutation"));
    assert_eq!(publishing.attr("plan_api.role"), Some("admin"));

    // The caller that did not sample: nothing of its trace left the server.
    assert!(
        spans
            .iter()
            .all(|s| s.trace_id != UNSAMPLED_CALLER.trace_id),
        "an unsampled trace was exported"
    );

    // Never a token, a variable's value or a text: in no span, link, event or resource.
    let secrets = [
        MARKER,
        area.trim_start_matches("Bearer "),
        coordinator.trim_start_matches("Bearer "),
    ];
    let signatures: Vec<&str> = secrets[1..]
        .iter()
        .filter_map(|t| t.rsplit('.').next())
        .collect();
    let everything: Vec<String> = spans
        .iter()
        .flat_map(|s| s.strings.clone())
        .chain(collector.resource_strings())
        .collect();
    assert!(everything.len() > 100, "{} strings", everything.len());
    for secret in secrets.iter().chain(&signatures) {
        assert!(
            everything.iter().all(|s| !s.contains(secret)),
            "{secret} in a span: {:?}",
            everything.iter().find(|s| s.contains(secret))
        );
    }
    assert!(
        collector
            .resource_strings()
            .windows(2)
            .any(|kv| kv == ["service.name", "plan-api-under-test"]),
        "{:?}",
        collector.resource_strings()
    );
}
