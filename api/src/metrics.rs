//! Prometheus metrics: requests and latency by operation and outcome, GraphQL errors by code,
//! database pool use. Rendered at `/metrics`.

use std::sync::OnceLock;
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

/// One GraphQL request, done.
pub fn request(operation: &str, outcome: &str, elapsed: Duration) {
    let labels = [
        ("operation", operation.to_owned()),
        ("outcome", outcome.to_owned()),
    ];
    metrics::counter!("plan_api_graphql_requests_total", &labels).increment(1);
    metrics::histogram!("plan_api_graphql_request_duration_seconds", &labels)
        .record(elapsed.as_secs_f64());
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
