//! Logs that cost little and mean something: one line per request, with fixed fields, in text
//! or JSON.
//!
//! Every request runs inside a `request` span carrying its id, attached with `.instrument()`:
//! a span *entered* with a guard and held across an `.await` stays entered on the worker
//! thread while other requests run there, so their spans nest into each other's log lines
//! (once seen 3,441 deep, 307 KB a line). Anything logged while the request runs (a database
//! error, say) carries the request id through that span; the closing line is written outside
//! any span, so its size does not depend on what else is running.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextRequest, NextValidation,
};
use async_graphql::{Response as GqlResponse, ServerError, ValidationResult};
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;
use tracing_subscriber::EnvFilter;

use crate::config::Config;

/// The default log filter: the service at `info`, its database drivers at `warn`.
pub const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm=warn";

/// Installs the process's logger (`RUST_LOG` or [`DEFAULT_FILTER`], in the configured format)
/// and its tracer ([`crate::traces`]): the logger sees the log's spans and events, the tracer
/// only the trace spans, whatever `RUST_LOG` says. Must run on the Tokio runtime when traces
/// are exported; [`crate::traces::Tracing::finish`] sends the last spans before the process
/// ends.
pub fn init(config: &Config) -> anyhow::Result<crate::traces::Tracing> {
    use tracing_subscriber::Layer as _;
    use tracing_subscriber::filter::{FilterExt as _, LevelFilter, filter_fn};
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let filter = || {
        let env =
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
        // The trace spans stay out of the log: its lines keep their shape and size. The hint
        // keeps `RUST_LOG`'s level as the process's cap (a filter without one lifts it, and
        // every `debug!` and `trace!` of every crate is then looked at).
        env.and(
            filter_fn(|meta| !(meta.is_span() && meta.target() == crate::traces::TARGET))
                .with_max_level_hint(LevelFilter::TRACE),
        )
    };
    // Colours only on a terminal: escape codes in a log file or collector are noise.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let logs = if config.log_format == "json" {
        tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .with_ansi(ansi)
            .with_filter(filter())
            .boxed()
    } else {
        tracing_subscriber::fmt::layer()
            .with_ansi(ansi)
            .with_filter(filter())
            .boxed()
    };
    let (traces, tracing) = crate::traces::layer(&config.traces)?;
    let exporting = config.traces.endpoint.is_some();
    let traces = traces.with_filter(
        filter_fn(move |meta| crate::traces::made(meta, exporting))
            .with_max_level_hint(LevelFilter::INFO),
    );
    tracing_subscriber::registry()
        .with(logs)
        .with(traces)
        .init();
    Ok(tracing)
}

/// The request id, as the handlers see it (request extension).
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// What the GraphQL handler tells the request log about a request (response extension).
#[derive(Clone, Debug, Default)]
pub struct RequestSummary {
    /// The operation's name as a metric label (bounded set; see `metrics`).
    pub operation: std::sync::Arc<str>,
    /// The operation's type (`query`, `mutation`, `subscription`; `mixed` for a batch of
    /// several types; empty when refused before its document was read).
    pub operation_type: &'static str,
    /// The caller's role (`anonymous`, `admin`, …).
    pub role: &'static str,
    /// The summed complexity of the request's operations.
    pub cost: usize,
    /// The caller's rate-limit allowance after this request, when rate limiting is on.
    pub allowance: Option<crate::limits::Allowance>,
}

/// The request's id: the client's `x-request-id` when it is a sane token, else a new UUID.
/// It is returned to the client and recorded in the audit trail of every write.
fn request_id(request: &Request) -> String {
    request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 128
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        })
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned)
}

/// Middleware: gives the request its id, span and trace context
/// ([`crate::traces::server_span`]), returns the id as `x-request-id` (and the context as
/// `traceparent`), and writes one line when the response is ready: at `info` for GraphQL
/// requests, at `debug` for probes and other paths (health checks every few seconds would
/// drown the log).
pub async fn request_log(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(&request);
    request.extensions_mut().insert(RequestId(id.clone()));
    let method = request.method().clone();
    let graphql = request.uri().path() == "/graphql";
    let span = tracing::info_span!("request", request_id = %id);
    // The trace span inside the log's (see `traces`).
    let mut response = crate::traces::server_span(request, next)
        .instrument(span)
        .await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let status = response.status().as_u16();
    // The trace this request's spans are in (see `traces`): a log line leads to its trace.
    let trace_id = response
        .headers()
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split('-').nth(1))
        .map(str::to_owned);
    if graphql {
        let summary = response
            .extensions_mut()
            .remove::<RequestSummary>()
            .unwrap_or_default();
        tracing::info!(
            parent: None,
            request_id = %id,
            method = %method,
            operation = %summary.operation,
            status,
            duration_ms,
            cost = summary.cost,
            role = %summary.role,
            trace_id = trace_id.as_deref().map(tracing::field::display),
            "graphql request"
        );
    } else {
        tracing::debug!(parent: None, request_id = %id, method = %method, status, duration_ms, trace_id = trace_id.as_deref().map(tracing::field::display), "request");
    }
    response
}

/// Every response says what its operation cost and the most an operation may cost, as
/// `extensions.cost: { requested, limit }` (GitHub's API shows the same), so that an
/// integrator can see how close a query is to being refused. The request log reads it too.
pub struct Cost {
    /// The configured maximum complexity.
    pub limit: usize,
}

/// The response extension that carries an operation's computed complexity.
pub const COST_KEY: &str = "cost";

impl ExtensionFactory for Cost {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostOfOne(AtomicUsize::new(0), self.limit))
    }
}

/// The requested cost of a response, from its `extensions.cost`.
pub fn cost_of(response: &GqlResponse) -> usize {
    match response.extensions.get(COST_KEY) {
        Some(async_graphql::Value::Object(cost)) => match cost.get("requested") {
            Some(async_graphql::Value::Number(n)) => n
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(0),
            _ => 0,
        },
        _ => 0,
    }
}

/// Adds `extensions.cost: { requested, limit }` to a response.
pub fn attach_cost(response: &mut GqlResponse, requested: usize, limit: usize) {
    let mut cost = async_graphql::indexmap::IndexMap::new();
    cost.insert(
        async_graphql::Name::new("requested"),
        (requested as u64).into(),
    );
    cost.insert(async_graphql::Name::new("limit"), (limit as u64).into());
    response
        .extensions
        .insert(COST_KEY.to_owned(), async_graphql::Value::Object(cost));
}

struct CostOfOne(AtomicUsize, usize);

#[async_trait::async_trait]
impl Extension for CostOfOne {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> GqlResponse {
        let mut response = next.run(ctx).await;
        attach_cost(&mut response, self.0.load(Ordering::Relaxed), self.1);
        response
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        self.0.store(result.complexity, Ordering::Relaxed);
        Ok(result)
    }
}
