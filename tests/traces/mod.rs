//! Traces across systems (#28), shown on `plan-api serve` processes (the tracer, like the
//! logger, is process-wide): an OTLP/HTTP collector in this test process receives and decodes
//! what the server exports, and a webhook receiver records the trace context of what it gets.
//!
//! - `export`: the spans of a query, of a publication and of its webhook delivery, in the
//!   callers' traces with the right parents and links, and no token, variable value or text
//!   in any of them; a caller's "not sampled" is followed;
//! - `down`: a collector that refuses connections, and one that hangs with a tiny queue:
//!   requests succeed, failures and dropped spans are counted in `/metrics`;
//! - `propagation`: with no collector at all, `traceparent` still comes in, goes back out and
//!   reaches the webhook receiver; a bad `OTEL_*` value stops the start.

mod down;
mod export;
mod propagation;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use prost::Message;
use serde_json::{Value, json};

use crate::processes::{Answer, Server};

/// A caller's trace, as the W3C `traceparent` it sends: version, trace id, its span id, flags.
pub struct Caller {
    pub trace_id: &'static str,
    pub span_id: &'static str,
    pub flags: &'static str,
}

impl Caller {
    pub fn traceparent(&self) -> String {
        format!("00-{}-{}-{}", self.trace_id, self.span_id, self.flags)
    }
}

/// The parts of a `traceparent`: trace id, parent (span) id, flags.
pub fn parts(traceparent: &str) -> (String, String, String) {
    let fields: Vec<&str> = traceparent.split('-').collect();
    assert_eq!(fields.len(), 4, "a traceparent: {traceparent}");
    assert_eq!(fields[0], "00", "{traceparent}");
    assert_eq!(
        (fields[1].len(), fields[2].len(), fields[3].len()),
        (32, 16, 2),
        "{traceparent}"
    );
    (
        fields[1].to_owned(),
        fields[2].to_owned(),
        fields[3].to_owned(),
    )
}

/// One exported span, decoded.
#[derive(Clone, Debug)]
pub struct Exported {
    pub trace_id: String,
    pub span_id: String,
    pub parent_span_id: String,
    pub name: String,
    /// OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
    pub kind: i32,
    /// OTLP status code: 0 unset, 1 ok, 2 error.
    pub status: i32,
    pub attributes: Vec<(String, String)>,
    /// (trace id, span id) of each link.
    pub links: Vec<(String, String)>,
    /// Every string the span carries (name, attribute keys and values, event names and
    /// attributes, link attributes, status message), for the "never recorded" checks.
    pub strings: Vec<String>,
}

impl Exported {
    /// The attribute `key`, as text (numbers in decimal).
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn text(value: Option<&AnyValue>) -> String {
    match value.and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

fn pairs(attributes: &[KeyValue]) -> Vec<(String, String)> {
    attributes
        .iter()
        .map(|kv| (kv.key.clone(), text(kv.value.as_ref())))
        .collect()
}

/// An OTLP/HTTP collector on 127.0.0.1: it decodes every `POST /v1/traces` it gets, keeps the
/// spans and the resources' strings, and answers 200, after holding each request for `hold`.
pub struct Collector {
    pub addr: std::net::SocketAddr,
    state: Arc<CollectorState>,
}

#[derive(Default)]
struct CollectorState {
    spans: Mutex<Vec<Exported>>,
    resource_strings: Mutex<Vec<String>>,
    requests: std::sync::atomic::AtomicUsize,
    hold: Mutex<Duration>,
}

impl Collector {
    pub async fn start(hold: Duration) -> Self {
        use axum::body::Bytes;
        use axum::extract::State;
        async fn receive(
            State(state): State<Arc<CollectorState>>,
            body: Bytes,
        ) -> ([(&'static str, &'static str); 1], Vec<u8>) {
            state
                .requests
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let hold = *state.hold.lock().expect("lock");
            tokio::time::sleep(hold).await;
            let request = ExportTraceServiceRequest::decode(body).expect("an OTLP trace export");
            for resource_spans in request.resource_spans {
                if let Some(resource) = &resource_spans.resource {
                    state.resource_strings.lock().expect("lock").extend(
                        pairs(&resource.attributes)
                            .into_iter()
                            .flat_map(|(k, v)| [k, v]),
                    );
                }
                for scope in resource_spans.scope_spans {
                    for span in scope.spans {
                        let attributes = pairs(&span.attributes);
                        let mut strings = vec![span.name.clone()];
                        strings.extend(attributes.iter().flat_map(|(k, v)| [k.clone(), v.clone()]));
                        for event in &span.events {
                            strings.push(event.name.clone());
                            strings.extend(
                                pairs(&event.attributes)
                                    .into_iter()
                                    .flat_map(|(k, v)| [k, v]),
                            );
                        }
                        for link in &span.links {
                            strings.extend(
                                pairs(&link.attributes)
                                    .into_iter()
                                    .flat_map(|(k, v)| [k, v]),
                            );
                        }
                        if let Some(status) = &span.status {
                            strings.push(status.message.clone());
                        }
                        state.spans.lock().expect("lock").push(Exported {
                            trace_id: hex::encode(&span.trace_id),
                            span_id: hex::encode(&span.span_id),
                            parent_span_id: hex::encode(&span.parent_span_id),
                            name: span.name.clone(),
                            kind: span.kind,
                            status: span.status.as_ref().map_or(0, |s| s.code),
                            attributes,
                            links: span
                                .links
                                .iter()
                                .map(|l| (hex::encode(&l.trace_id), hex::encode(&l.span_id)))
                                .collect(),
                            strings,
                        });
                    }
                }
            }
            (
                [("content-type", "application/x-protobuf")],
                ExportTraceServiceResponse::default().encode_to_vec(),
            )
        }
        let state = Arc::new(CollectorState {
            hold: Mutex::new(hold),
            ..CollectorState::default()
        });
        let addr = crate::common::serve_on_loopback(
            axum::Router::new()
                .route("/v1/traces", axum::routing::post(receive))
                .with_state(state.clone()),
        )
        .await;
        Collector { addr, state }
    }

    /// The value of `OTEL_EXPORTER_OTLP_ENDPOINT` that points at it.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The spans received so far.
    pub fn spans(&self) -> Vec<Exported> {
        self.state.spans.lock().expect("lock").clone()
    }

    /// The resource attributes' keys and values received so far.
    pub fn resource_strings(&self) -> Vec<String> {
        self.state.resource_strings.lock().expect("lock").clone()
    }

    /// How many export requests arrived (held ones included).
    pub fn requests(&self) -> usize {
        self.state
            .requests
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Waits (up to 30 s) until a received span matches `found`, and returns it.
    pub async fn wait_for(&self, what: &str, found: impl Fn(&Exported) -> bool) -> Exported {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(span) = self.spans().into_iter().find(|s| found(s)) {
                return span;
            }
            assert!(
                Instant::now() < deadline,
                "no span {what} within 30 s; received: {:#?}",
                self.spans()
                    .iter()
                    .map(|s| (&s.name, &s.trace_id, &s.span_id, &s.parent_span_id))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// One request a webhook receiver got: its trace headers and body.
#[derive(Clone, Debug)]
pub struct Hook {
    pub traceparent: Option<String>,
    pub tracestate: Option<String>,
    pub body: Value,
}

/// A webhook receiver on 127.0.0.1 (`POST /hook`), answering 200; returns its URL and what it
/// got.
pub async fn hook_receiver() -> (String, Arc<Mutex<Vec<Hook>>>) {
    use axum::extract::State;
    use axum::http::HeaderMap;
    type Hooks = Arc<Mutex<Vec<Hook>>>;
    async fn receive(State(hooks): State<Hooks>, headers: HeaderMap, body: String) -> &'static str {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        hooks.lock().expect("lock").push(Hook {
            traceparent: header("traceparent"),
            tracestate: header("tracestate"),
            body: serde_json::from_str(&body).unwrap_or(Value::String(body)),
        });
        "ok"
    }
    let hooks: Hooks = Arc::default();
    let addr = crate::common::serve_on_loopback(
        axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(hooks.clone()),
    )
    .await;
    (format!("http://{addr}/hook"), hooks)
}

/// Waits (up to 30 s) for the first webhook the receiver gets.
pub async fn first_hook(hooks: &Arc<Mutex<Vec<Hook>>>) -> Hook {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(hook) = hooks.lock().expect("lock").first().cloned() {
            return hook;
        }
        assert!(Instant::now() < deadline, "no webhook within 30 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A GraphQL answer with the response's trace headers.
pub struct Traced {
    pub answer: Answer,
    pub traceparent: Option<String>,
    pub tracestate: Option<String>,
}

/// POSTs `query` with `variables` to `server`, with the extra request `headers`.
pub async fn post(
    server: &Server,
    headers: &[(&str, &str)],
    query: &str,
    variables: Value,
) -> Traced {
    let mut request = crate::common::http_client()
        .post(format!("{}/graphql", server.url()))
        .header("content-type", "application/json")
        .body(json!({ "query": query, "variables": variables }).to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("the server answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (traceparent, tracestate) = (header("traceparent"), header("tracestate"));
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    Traced {
        answer: Answer {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
        },
        traceparent,
        tracestate,
    }
}

/// Registers a webhook endpoint for publications at `url`, as a coordinator.
pub async fn register_hook(server: &Server, url: &str) {
    const REGISTER: &str = "mutation($input: CreateWebhookEndpointInput!) {
      createWebhookEndpoint(input: $input) { endpoint { id } } }";
    let input = json!({ "url": url, "eventTypes": ["RECORD_PUBLISHED"],
                        "description": "[Synthetic test data] trace receiver" });
    let created = server
        .post(
            Some(&crate::processes::admin()),
            REGISTER,
            json!({ "input": input }),
        )
        .await;
    created.data("register a webhook endpoint");
}

/// A loopback port nobody listens on: connections to it are refused.
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The value of `name{labels}` in a Prometheus text exposition (0 when absent).
pub fn metric(metrics: &str, series: &str) -> f64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or(0.0)
}
