//! The request's span: the caller's trace context in, the span's back out.

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{FutureExt as _, SpanKind, TraceContextExt, Tracer as _};
use opentelemetry_http::{HeaderExtractor, HeaderInjector};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tracing::Instrument;
use tracing::field::Empty;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use super::TARGET;
use crate::telemetry::{RequestId, RequestSummary};

/// Middleware: the request's `http.server` span, a child of the caller's span when the request
/// carries a valid `traceparent` (a malformed one is ignored, as the W3C specification asks),
/// and its `traceparent` on the response.
///
/// Its attributes: method, route (the template, never the path's values), status, the request
/// id, and for GraphQL the operation's name (the bounded metric label), type and cost, the
/// caller's role and how the response cache answered. Health and readiness probes get no span:
/// one every few seconds would bury the traces worth reading. With nothing exported, only the
/// span's trace context is made ([`context_only`]).
pub async fn server_span(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    if matches!(route.as_deref(), Some("/healthz" | "/readyz")) {
        return next.run(request).await;
    }
    if !super::exporting() {
        return context_only(request, next).await;
    }
    let method = request.method().clone();
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone());
    let span = tracing::info_span!(
        target: TARGET,
        "http.server",
        otel.name = %format_args!("{method} {}", route.as_deref().unwrap_or("unmatched")),
        otel.kind = "server",
        otel.status_code = Empty,
        http.request.method = %method,
        http.route = route.as_deref(),
        http.response.status_code = Empty,
        plan_api.request_id = request_id.as_deref(),
        graphql.operation.name = Empty,
        graphql.operation.type = Empty,
        plan_api.cost = Empty,
        plan_api.role = Empty,
        plan_api.response_cache = Empty,
    );
    let parent = TraceContextPropagator::new().extract(&HeaderExtractor(request.headers()));
    if parent.span().span_context().is_valid() {
        let _ = span.set_parent(parent);
    }
    let mut response = next.run(request).instrument(span.clone()).await;
    let status = response.status();
    span.record("http.response.status_code", status.as_u16());
    if status.is_server_error() {
        span.record("otel.status_code", "error");
    }
    if let Some(summary) = response.extensions().get::<RequestSummary>() {
        span.record("graphql.operation.name", &*summary.operation);
        if !summary.operation_type.is_empty() {
            span.record("graphql.operation.type", summary.operation_type);
        }
        span.record("plan_api.cost", summary.cost as u64);
        span.record("plan_api.role", summary.role);
    }
    if let Some(cache) = response
        .headers()
        .get("x-cache")
        .and_then(|v| v.to_str().ok())
        .filter(|v| matches!(*v, "hit" | "miss" | "bypass"))
    {
        span.record("plan_api.response_cache", cache);
    }
    inject(&span, response.headers_mut());
    response
}

/// [`server_span`] with nothing exported: the request's span is made by the tracer alone, with
/// no `tracing` span and no attributes (nobody would read them), and is the current context
/// while the request runs, so that an event appended in it stores it; its `traceparent` goes
/// back out. Nothing more is paid for tracing on a request.
async fn context_only(request: Request, next: Next) -> Response {
    let Some(tracer) = super::TRACER.get() else {
        return next.run(request).await;
    };
    // No valid `traceparent`: the current context, empty on a server's task (a root).
    let parent = TraceContextPropagator::new().extract(&HeaderExtractor(request.headers()));
    let span = tracer
        .span_builder("http.server")
        .with_kind(SpanKind::Server)
        .start_with_context(tracer, &parent);
    let cx = parent.with_span(span);
    let mut response = next.run(request).with_context(cx.clone()).await;
    inject_context(&cx, response.headers_mut());
    response
}

/// Writes `span`'s trace context into `headers` as `traceparent` (and `tracestate` when it
/// has one); nothing when there is no tracer.
pub fn inject(span: &tracing::Span, headers: &mut HeaderMap) {
    inject_context(&span.context(), headers);
}

/// Writes the trace context of `cx`'s span into `headers` (see [`inject`]).
fn inject_context(cx: &opentelemetry::Context, headers: &mut HeaderMap) {
    if cx.span().span_context().is_valid() {
        TraceContextPropagator::new().inject_context(cx, &mut HeaderInjector(headers));
        // The propagator writes an empty `tracestate` too; W3C says to leave it out.
        if headers.get("tracestate").is_some_and(|v| v.is_empty()) {
            headers.remove("tracestate");
        }
    }
}
