//! Traces across systems (#28): W3C trace context in, OpenTelemetry (OTLP over HTTP/protobuf)
//! out, and webhooks that carry it on.
//!
//! - **In and back out** ([`http`]): a request's `traceparent` (and `tracestate`) continues the
//!   caller's trace, else the request starts one; the response carries the request span's
//!   `traceparent`. This works whether or not anything is exported.
//! - **Spans**: the request (`http.server`), each GraphQL operation and its parse, validate and
//!   execute phases ([`graphql`]), each database statement group — a DataLoader batch, a store
//!   call — and each statement in it ([`db`]), snapshot builds and response cache emptyings,
//!   the event fan-out and every webhook attempt ([`events`]). They are `tracing` spans with the
//!   target [`TARGET`]: the OpenTelemetry layer sees only those, the log only the others, so
//!   the log's lines are what they were. Their fields are chosen here and never hold a token, a
//!   variable's value, a text or an error message.
//! - **Out** ([`export`]): only when a collector is configured (`OTEL_EXPORTER_OTLP_ENDPOINT`),
//!   through a bounded queue that drops (and counts) rather than waits, so a collector that is
//!   down or slow never holds a request up.
//!
//! The tracer is process-wide, like the logger: [`crate::telemetry::init`] installs both.

mod db;
mod events;
mod export;
mod graphql;
mod http;
mod settings;

pub use db::{loader_name, statement};
pub use events::{fanout_span, stored_context, webhook_attempt_span};
pub use graphql::{Phases, lean_execution_span, operation_span, parse_span, record_outcome};
pub use http::{inject, server_span};
pub use settings::{Sampling, Settings};

use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{Sampler, SdkTracer, SdkTracerProvider};
use tracing::Subscriber;
use tracing_subscriber::registry::LookupSpan;

/// The `tracing` target of the spans that are traces (and not log context).
pub const TARGET: &str = "plan_api::trace";

/// The spans made when nothing is exported: each webhook attempt's, whose `traceparent` goes
/// out with the POST. (The request's context is made without a `tracing` span then, see
/// [`http::server_span`].) The others would be recorded only to be thrown away, at a cost every
/// request would pay (see the README's *Traces*).
const CARRIERS: [&str; 1] = ["webhook.attempt"];

/// Whether the tracer makes the span or event `meta`: every trace span when `exporting`, else
/// only the [`CARRIERS`]. (Info level, like every trace span.)
pub fn made(meta: &tracing::Metadata<'_>, exporting: bool) -> bool {
    meta.is_span() && meta.target() == TARGET && (exporting || CARRIERS.contains(&meta.name()))
}

/// The `tracestate` entry of the spans [`PartsOnly`] keeps out of any trace (never sent out:
/// no request or webhook span is one of them).
const ORPHAN: (&str, &str) = ("plan_api", "orphan");

/// The tracer, for the spans made without `tracing` (database statements, and the request's
/// context when nothing is exported).
static TRACER: OnceLock<SdkTracer> = OnceLock::new();

/// Whether spans are exported (a collector is configured).
static EXPORTING: AtomicBool = AtomicBool::new(false);

/// Whether spans are exported: else only trace context is made and passed on.
fn exporting() -> bool {
    EXPORTING.load(Ordering::Relaxed)
}

/// The running tracer: [`Tracing::finish`] sends what is still queued before the process ends.
pub struct Tracing {
    provider: SdkTracerProvider,
    exporting: Option<export::Exporting>,
}

impl Tracing {
    /// Sends the spans still queued (waiting at most a few seconds for the collector), then
    /// stops the tracer.
    pub async fn finish(self) {
        if let Some(exporting) = self.exporting {
            exporting.finish().await;
        }
        let _ = self.provider.shutdown();
    }
}

/// The OpenTelemetry layer of the process's subscriber, and the tracer behind it. Must run on
/// the Tokio runtime when `settings` export (the exporting task is spawned on it).
pub fn layer<S>(
    settings: &Settings,
) -> anyhow::Result<(
    tracing_opentelemetry::OpenTelemetryLayer<S, SdkTracer>,
    Tracing,
)>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name(settings.service_name.clone())
        .with_attributes([opentelemetry::KeyValue::new(
            "service.version",
            env!("CARGO_PKG_VERSION"),
        )])
        .build();
    let mut builder = SdkTracerProvider::builder()
        .with_sampler(PartsOnly(sampler(settings.sampling)))
        .with_resource(resource.clone());
    let exporting = match &settings.endpoint {
        Some(endpoint) => {
            let (queue, exporting) = export::start(endpoint, settings, &resource)?;
            builder = builder.with_span_processor(queue);
            Some(exporting)
        }
        None => None,
    };
    let provider = builder.build();
    let tracer = provider.tracer("plan-api");
    let _ = TRACER.set(tracer.clone());
    EXPORTING.store(exporting.is_some(), Ordering::Relaxed);
    let layer = tracing_opentelemetry::layer()
        .with_tracer(tracer)
        .with_location(false)
        .with_threads(false)
        .with_level(false)
        .with_target(false)
        .with_tracked_inactivity(false);
    Ok((
        layer,
        Tracing {
            provider,
            exporting,
        },
    ))
}

fn sampler(sampling: Sampling) -> Sampler {
    let parent_based = |root: Sampler| Sampler::ParentBased(Box::new(root));
    match sampling {
        Sampling::AlwaysOn => Sampler::AlwaysOn,
        Sampling::AlwaysOff => Sampler::AlwaysOff,
        Sampling::TraceIdRatio(r) => Sampler::TraceIdRatioBased(r),
        Sampling::ParentBasedAlwaysOn => parent_based(Sampler::AlwaysOn),
        Sampling::ParentBasedAlwaysOff => parent_based(Sampler::AlwaysOff),
        Sampling::ParentBasedTraceIdRatio(r) => parent_based(Sampler::TraceIdRatioBased(r)),
    }
}

/// The sampler, but for the spans that are only ever parts of a trace: a store call or a
/// DataLoader batch made outside any trace (a CLI command, the seed at start, a background
/// reader) starts no trace of its own, and its statements are not traced either. Such a span's
/// context is marked ([`ORPHAN`]) so that an event appended under it stores no trace context:
/// its webhook attempts then start traces of their own instead of joining one nobody records.
#[derive(Clone, Debug)]
struct PartsOnly(Sampler);

impl opentelemetry_sdk::trace::ShouldSample for PartsOnly {
    fn should_sample(
        &self,
        parent_context: Option<&opentelemetry::Context>,
        trace_id: opentelemetry::trace::TraceId,
        name: &str,
        span_kind: &opentelemetry::trace::SpanKind,
        attributes: &[opentelemetry::KeyValue],
        links: &[opentelemetry::trace::Link],
    ) -> opentelemetry_sdk::trace::SamplingResult {
        let orphan = parent_context.is_none_or(|cx| !cx.span().span_context().is_valid());
        if orphan && (name == "db.batch" || name.starts_with("store.")) {
            return opentelemetry_sdk::trace::SamplingResult {
                decision: opentelemetry_sdk::trace::SamplingDecision::Drop,
                attributes: Vec::new(),
                trace_state: opentelemetry::trace::TraceState::from_key_value([ORPHAN])
                    .unwrap_or_default(),
            };
        }
        self.0
            .should_sample(parent_context, trace_id, name, span_kind, attributes, links)
    }
}

/// The W3C trace context of the span the current task is in: `traceparent` and, when not
/// empty, `tracestate`; `None` outside any traced span (or with no tracer installed).
pub fn current_context() -> Option<(String, Option<String>)> {
    let cx = opentelemetry::Context::current();
    let span = cx.span();
    let span_context = span.span_context();
    if !span_context.is_valid() || span_context.trace_state().get(ORPHAN.0) == Some(ORPHAN.1) {
        return None;
    }
    let mut fields: HashMap<String, String> = HashMap::with_capacity(2);
    TraceContextPropagator::new().inject_context(&cx, &mut fields);
    let traceparent = fields.remove("traceparent")?;
    Some((
        traceparent,
        fields.remove("tracestate").filter(|s| !s.is_empty()),
    ))
}

/// The span context written as `traceparent` and `tracestate` (as stored with an event), if
/// `traceparent` is well formed.
pub fn remote_context(
    traceparent: &str,
    tracestate: Option<&str>,
) -> Option<opentelemetry::trace::SpanContext> {
    let mut fields = HashMap::with_capacity(2);
    fields.insert("traceparent".to_owned(), traceparent.to_owned());
    if let Some(state) = tracestate {
        fields.insert("tracestate".to_owned(), state.to_owned());
    }
    let cx = TraceContextPropagator::new().extract(&fields);
    let span_context = cx.span().span_context().clone();
    span_context.is_valid().then_some(span_context)
}

#[cfg(test)]
mod tests {
    use tracing_subscriber::layer::SubscriberExt as _;

    use super::*;

    /// The trace context `f` sees inside a span named `name`, with and without a parent span.
    fn stored_in(name: &'static str) -> (Option<String>, Option<String>) {
        let (layer, _tracing) = layer(&Settings::default()).unwrap_or_else(|e| panic!("{e}"));
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, || {
            let alone = match name {
                "store.x" => tracing::info_span!(target: TARGET, "store.x"),
                _ => tracing::info_span!(target: TARGET, "events.fanout"),
            };
            let orphan = alone.in_scope(|| current_context().map(|(p, _)| p));
            let request = tracing::info_span!(target: TARGET, "http.server");
            let within = request.in_scope(|| {
                let part = tracing::info_span!(target: TARGET, "store.x");
                part.in_scope(|| current_context().map(|(p, _)| p))
            });
            (orphan, within)
        })
    }

    #[test]
    fn a_store_call_outside_any_trace_stores_no_context_and_inside_one_stores_its_own() {
        let (orphan, within) = stored_in("store.x");
        assert_eq!(orphan, None, "an event appended outside a trace joins none");
        let within = within.unwrap_or_default();
        assert!(
            within.starts_with("00-") && within.ends_with("-01"),
            "{within}"
        );
        // A span that may start a trace (the fan-out, a request) does.
        let (root, _) = stored_in("events.fanout");
        assert!(root.is_some_and(|p| p.ends_with("-01")));
    }
}
