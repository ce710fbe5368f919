//! Prometheus metrics: requests and latency by operation and outcome, GraphQL errors by code,
//! database pool use. Rendered at `/metrics`.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sea_orm::DatabaseConnection;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide recorder once (later calls reuse it).
pub fn install() {
    HANDLE.get_or_init(|| PrometheusBuilder::new().install_recorder().ok());
}

/// The metrics in Prometheus' text format.
pub fn render() -> String {
    HANDLE
        .get()
        .and_then(Option::as_ref)
        .map(PrometheusHandle::render)
        .unwrap_or_default()
}

/// The operation names used as metric labels: the first `max` distinct names seen, every
/// later name as `other`, so that clients choosing names cannot grow the metrics without bound.
pub struct OperationLabels {
    known: Mutex<HashSet<Arc<str>>>,
    max: usize,
    other: Arc<str>,
    refused: Arc<str>,
}

impl OperationLabels {
    /// At most `max` distinct names.
    pub fn new(max: usize) -> Self {
        OperationLabels {
            known: Mutex::new(HashSet::new()),
            max,
            other: Arc::from("other"),
            refused: Arc::from("refused"),
        }
    }

    /// The label of requests refused before their document is parsed (bad token, rate limit).
    pub fn refused(&self) -> Arc<str> {
        self.refused.clone()
    }

    /// The label for `name` (already reduced to a plain identifier by the caller), shared: a
    /// request with a known name allocates nothing for it.
    pub fn label(&self, name: &str) -> Arc<str> {
        let Ok(mut known) = self.known.lock() else {
            return self.other.clone();
        };
        if let Some(label) = known.get(name) {
            return label.clone();
        }
        if known.len() < self.max {
            let label: Arc<str> = Arc::from(name);
            known.insert(label.clone());
            return label;
        }
        self.other.clone()
    }
}

/// One GraphQL request, done.
pub fn request(operation: &str, outcome: &'static str, elapsed: Duration) {
    let (counter, histogram) = request_handles(operation, outcome);
    counter.increment(1);
    histogram.record(elapsed.as_secs_f64());
}

/// The request counter and histogram of one label pair, registered once: registering builds
/// the labels and looks them up in the recorder, a cost paid otherwise on every request.
/// Operation labels are bounded ([`OperationLabels`]), and so is this map.
fn request_handles(
    operation: &str,
    outcome: &'static str,
) -> (metrics::Counter, metrics::Histogram) {
    type Handles = HashMap<&'static str, HashMap<String, (metrics::Counter, metrics::Histogram)>>;
    const MAX_HANDLES: usize = 4096;
    static HANDLES: OnceLock<RwLock<Handles>> = OnceLock::new();
    let handles = HANDLES.get_or_init(RwLock::default);
    // Looked up by outcome, then by the borrowed name: a known pair allocates nothing.
    if let Ok(known) = handles.read()
        && let Some(pair) = known.get(outcome).and_then(|names| names.get(operation))
    {
        return pair.clone();
    }
    let labels = [
        ("operation", operation.to_owned()),
        ("outcome", outcome.to_owned()),
    ];
    let pair = (
        metrics::counter!("plan_api_graphql_requests_total", &labels),
        metrics::histogram!("plan_api_graphql_request_duration_seconds", &labels),
    );
    if let Ok(mut known) = handles.write()
        && known.values().map(HashMap::len).sum::<usize>() < MAX_HANDLES
    {
        known
            .entry(outcome)
            .or_default()
            .insert(operation.to_owned(), pair.clone());
    }
    pair
}

/// One error sent to a client, by its `extensions.code`.
pub fn error(code: &str) {
    metrics::counter!("plan_api_graphql_errors_total", "code" => code.to_owned()).increment(1);
}

/// The database pool's size and idle connections, sampled now.
pub fn pool(db: &DatabaseConnection) {
    let (size, idle) = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
    };
    metrics::gauge!("plan_api_db_pool_connections", "state" => "open").set(f64::from(size));
    metrics::gauge!("plan_api_db_pool_connections", "state" => "idle").set(idle as f64);
}

/// A connection closed at once because the server holds as many as it may.
pub fn connection_refused() {
    metrics::counter!("plan_api_connections_refused_total").increment(1);
}

/// A GraphQL request refused because too many were in flight.
pub fn overloaded() {
    metrics::counter!("plan_api_overload_refusals_total").increment(1);
}

/// The content generation this process now serves.
pub fn generation(generation: i64) {
    metrics::gauge!("plan_api_content_generation").set(generation as f64);
}

/// Whether this process holds its PostgreSQL `LISTEN` on `channel` (1) or not (0): without it,
/// changes committed by other replicas reach this one only by its periodic reads.
pub fn listening(channel: &'static str, on: bool) {
    metrics::gauge!("plan_api_notify_listening", "channel" => channel).set(if on {
        1.0
    } else {
        0.0
    });
}

/// A lookup in the anonymous response cache: `hit`, `miss`, or `bypass` (not cacheable: a
/// token, a batch, or a content generation on its way).
pub fn response_cache(outcome: &'static str) {
    static HANDLES: OutcomeCounters = OnceLock::new();
    outcome_counter(&HANDLES, "plan_api_response_cache_total", outcome).increment(1);
}

/// A persisted document request: `hit`, `not_found`, `registered`, `mismatch`, `refused`.
pub fn persisted(outcome: &'static str) {
    static HANDLES: OutcomeCounters = OnceLock::new();
    outcome_counter(&HANDLES, "plan_api_persisted_documents_total", outcome).increment(1);
}

/// The counters of one metric by its `outcome` label, a closed set of `'static` names.
type OutcomeCounters = OnceLock<RwLock<HashMap<&'static str, metrics::Counter>>>;

/// The counter of `name` with `outcome`, registered once: on the cache-hit path, building the
/// label and looking it up in the recorder on every request was a measurable share of the work.
fn outcome_counter(
    handles: &'static OutcomeCounters,
    name: &'static str,
    outcome: &'static str,
) -> metrics::Counter {
    let handles = handles.get_or_init(RwLock::default);
    if let Ok(known) = handles.read()
        && let Some(counter) = known.get(outcome)
    {
        return counter.clone();
    }
    let counter = metrics::counter!(name, "outcome" => outcome);
    if let Ok(mut known) = handles.write() {
        known.insert(outcome, counter.clone());
    }
    counter
}

/// Registers the trace export counters at zero, so that `/metrics` shows them from the start
/// of a process that exports traces (and a dashboard can tell "none dropped" from "not
/// exporting").
pub fn trace_export_started() {
    install();
    for reason in ["queue_full", "export_failed", "stopped"] {
        trace_spans_dropped(reason, 0);
    }
    trace_spans_exported(0);
    metrics::counter!("plan_api_trace_export_failures_total").increment(0);
}

/// Finished spans not exported, by `reason`: `queue_full` (the collector is slower than the
/// spans come, or away), `export_failed` (the batch they were in could not be sent) or
/// `stopped` (ended after the exporter stopped).
pub fn trace_spans_dropped(reason: &'static str, spans: u64) {
    trace_spans_dropped_counter(reason).increment(spans);
}

/// The counter of [`trace_spans_dropped`] for `reason`, to keep: with the collector away every
/// span of every request is counted, and a kept handle spares the look-up in the recorder.
pub fn trace_spans_dropped_counter(reason: &'static str) -> metrics::Counter {
    metrics::counter!("plan_api_trace_spans_dropped_total", "reason" => reason)
}

/// Spans the collector accepted.
pub fn trace_spans_exported(spans: u64) {
    metrics::counter!("plan_api_trace_spans_exported_total").increment(spans);
}

/// An export request that failed (refused, unreachable, an error status, or too slow).
pub fn trace_export_failed() {
    metrics::counter!("plan_api_trace_export_failures_total").increment(1);
}
