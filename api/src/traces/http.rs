//! The request's span: the caller's trace context in, the span's back out.

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{FutureExt as _, SpanKind, TraceContextExt, TraceFlags, Tracer as _};
use opentelemetry_http::HeaderExtractor;
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
///
/// Called by the request log's middleware ([`crate::telemetry::request_log`]) rather than
/// being a layer of its own: a layer costs every request a boxed clone of the routes.
pub async fn server_span(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().cloned();
    let route = route.as_ref().map(MatchedPath::as_str);
    if matches!(route, Some("/healthz" | "/readyz")) {
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
        otel.name = %format_args!("{method} {}", route.unwrap_or("unmatched")),
        otel.kind = "server",
        otel.status_code = Empty,
        http.request.method = %method,
        http.route = route,
        http.response.status_code = Empty,
        plan_api.request_id = request_id.as_deref(),
        graphql.operation.name = Empty,
        graphql.operation.type = Empty,
        plan_api.cost = Empty,
        plan_api.role = Empty,
        plan_api.response_cache = Empty,
    );
    if let Some(parent) = caller(request.headers()) {
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
    // No valid `traceparent`: a root.
    let parent = caller(request.headers()).unwrap_or_default();
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

const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");
const TRACESTATE: HeaderName = HeaderName::from_static("tracestate");

/// The caller's context, when `headers` hold a valid `traceparent` (and its `tracestate`).
fn caller(headers: &HeaderMap) -> Option<opentelemetry::Context> {
    // Most requests have none: the propagator (which looks the names up as text) only for those
    // that do.
    headers.get(TRACEPARENT)?;
    let cx = TraceContextPropagator::new().extract(&HeaderExtractor(headers));
    cx.span().span_context().is_valid().then_some(cx)
}

/// Writes the trace context of `cx`'s span into `headers` (see [`inject`]): `traceparent` as
/// the W3C propagator writes it (version 00, the sampled flag), `tracestate` unless empty (as
/// W3C asks). Written here rather than by the propagator, whose formatting machinery was most
/// of what trace context cost a request.
fn inject_context(cx: &opentelemetry::Context, headers: &mut HeaderMap) {
    let span = cx.span();
    let sc = span.span_context();
    if !sc.is_valid() {
        return;
    }
    let mut parent = Vec::with_capacity(55);
    parent.extend_from_slice(b"00-");
    hex(&mut parent, &sc.trace_id().to_bytes());
    parent.push(b'-');
    hex(&mut parent, &sc.span_id().to_bytes());
    parent.push(b'-');
    hex(
        &mut parent,
        &[(sc.trace_flags() & TraceFlags::SAMPLED).to_u8()],
    );
    if let Ok(value) = HeaderValue::from_bytes(&parent) {
        headers.insert(TRACEPARENT, value);
    }
    let state = sc.trace_state().header();
    if !state.is_empty()
        && let Ok(value) = HeaderValue::from_str(&state)
    {
        headers.insert(TRACESTATE, value);
    }
}

/// Appends `bytes` to `out` in lower-case hexadecimal.
fn hex(out: &mut Vec<u8>, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)]);
        out.push(DIGITS[usize::from(b & 0x0f)]);
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry::trace::{SpanContext, SpanId, TraceId, TraceState};
    use opentelemetry_http::HeaderInjector;

    use super::*;

    /// What the W3C propagator writes for `sc`, beside what [`inject_context`] writes.
    fn both(sc: SpanContext) -> (HeaderMap, HeaderMap) {
        let cx = opentelemetry::Context::new().with_remote_span_context(sc);
        let mut ours = HeaderMap::new();
        inject_context(&cx, &mut ours);
        let mut theirs = HeaderMap::new();
        TraceContextPropagator::new().inject_context(&cx, &mut HeaderInjector(&mut theirs));
        if theirs.get(TRACESTATE).is_some_and(|v| v.is_empty()) {
            theirs.remove(TRACESTATE);
        }
        (ours, theirs)
    }

    #[test]
    fn traceparent_and_tracestate_are_written_as_the_w3c_propagator_writes_them() {
        let state =
            TraceState::from_key_value([("amb", "synthetic"), ("other", "x")]).unwrap_or_default();
        for (flags, state) in [
            (TraceFlags::SAMPLED, state),
            (TraceFlags::default(), TraceState::default()),
            (TraceFlags::new(0xff), TraceState::default()),
        ] {
            let sc = SpanContext::new(
                TraceId::from(0x0af7_6519_16cd_43dd_8448_eb21_1c80_319c),
                SpanId::from(0x00f0_67aa_0ba9_02b7),
                flags,
                true,
                state,
            );
            let (ours, theirs) = both(sc);
            assert_eq!(ours, theirs);
        }
        let (ours, _) = both(SpanContext::new(
            TraceId::from(0x0af7_6519_16cd_43dd_8448_eb21_1c80_319c),
            SpanId::from(0x00f0_67aa_0ba9_02b7),
            TraceFlags::SAMPLED,
            true,
            TraceState::default(),
        ));
        assert_eq!(
            ours.get(TRACEPARENT).and_then(|v| v.to_str().ok()),
            Some("00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01")
        );
        let (ours, theirs) = both(SpanContext::empty_context());
        assert!(ours.is_empty() && theirs.is_empty(), "{ours:?} {theirs:?}");
    }
}
