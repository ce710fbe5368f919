//! Spans of what an event sets off after its request has answered: the fan-out to this
//! replica's listeners and every webhook attempt.
//!
//! An event keeps the trace context of the span that appended it (`event.traceparent`, written
//! in the change's transaction). A webhook attempt concerns one event, so (as OpenTelemetry's
//! messaging conventions do for a message processed on its own) its span is a child of that
//! context, in the caller's trace, and links to it too; its `traceparent` goes out with the
//! POST, so the receiver's spans join the same trace. A fan-out pass may carry many events: its
//! span starts a trace of its own and links to each event's origin.

use std::sync::Arc;

use entity::event;
use opentelemetry::trace::SpanContext;
use tracing::field::Empty;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use super::TARGET;

/// The trace context to store with an event appended now: `traceparent` and `tracestate` of
/// the current span (both `None` outside a trace).
pub fn stored_context() -> (Option<String>, Option<String>) {
    match super::current_context() {
        Some((parent, state)) => (Some(parent), state),
        None => (None, None),
    }
}

/// The span context stored with `event`, if any.
fn origin(event: &event::Model) -> Option<SpanContext> {
    super::remote_context(event.traceparent.as_deref()?, event.tracestate.as_deref())
}

/// The span of one pass of the event fan-out: `events` read from the log and handed to
/// `receivers` listeners (subscriptions and the webhook worker).
pub fn fanout_span(events: &[Arc<event::Model>], receivers: usize) -> tracing::Span {
    let span = tracing::info_span!(
        target: TARGET,
        "events.fanout",
        otel.kind = "producer",
        messaging.batch.message_count = events.len() as u64,
        plan_api.receivers = receivers as u64,
    );
    // A root: whatever span this task happened to be polled under is no parent of it.
    let _ = span.set_parent(opentelemetry::Context::new());
    for origin in events.iter().filter_map(|e| origin(e)) {
        span.add_link(origin);
    }
    span
}

/// The span of one webhook attempt (`number`, counting from 1) of delivery `delivery` of
/// `event` to endpoint `endpoint`; the caller records `http.response.status_code` and
/// `error.type` on it.
pub fn webhook_attempt_span(
    event: &event::Model,
    delivery: i32,
    endpoint: i32,
    number: i32,
) -> tracing::Span {
    let span = tracing::info_span!(
        target: TARGET,
        "webhook.attempt",
        otel.name = %format_args!("POST webhook {}", event.event_type),
        otel.kind = "client",
        otel.status_code = Empty,
        http.request.method = "POST",
        http.response.status_code = Empty,
        error.type = Empty,
        plan_api.event_type = %event.event_type,
        plan_api.delivery = delivery,
        plan_api.endpoint = endpoint,
        plan_api.attempt = number,
    );
    let origin = origin(event);
    let parent = match &origin {
        Some(origin) => {
            use opentelemetry::trace::TraceContextExt;
            opentelemetry::Context::new().with_remote_span_context(origin.clone())
        }
        None => opentelemetry::Context::new(),
    };
    let _ = span.set_parent(parent);
    if let Some(origin) = origin {
        span.add_link(origin);
    }
    span
}
