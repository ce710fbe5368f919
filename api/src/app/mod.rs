//! The HTTP router, in four parts: this module holds the shared state, the router with the
//! layers every request crosses (CORS, compression, body limit, tracing, the in-flight cap),
//! health, readiness, metrics and the trusted-document manifest; [`handlers`] reads GraphQL
//! requests off GET and POST; [`execute`] runs them (tokens, rate limits, persisted documents,
//! the response cache, limits, execution); [`reply`] writes what goes back (media types,
//! errors, cache headers).

mod execute;
mod handlers;
mod reply;

use handlers::{graphql_get, graphql_post};
use reply::{MediaType, error_response, negotiate};

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRef, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sea_orm::DatabaseConnection;
use serde_json::json;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::RequestBodyTimeoutLayer;

use crate::config::{Config, Cors};
use crate::db::StatementCounter;
use crate::documents::Documents;
use crate::exports::ExportsState;
use crate::generation::Tracker;
use crate::graphql::{PlanSchema, build_lean_schema, build_schema};
use crate::http_cache;
use crate::limits::{CallerKey, InFlight, RateLimit};
use crate::metrics::{self, OperationLabels};
use crate::persisted::Persisted;
use crate::response_cache::ResponseCache;
use crate::subscriptions::{ClientCount, SubscriptionsState};
use crate::telemetry::{self};

/// What every request handler shares: one allocation behind an `Arc`, so that the router's
/// layers and handlers clone a pointer per request, not each of the parts.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The parts of [`AppState`].
pub struct Shared {
    /// The GraphQL schema.
    pub schema: PlanSchema,
    /// The same schema without extensions, for documents seen before.
    lean: PlanSchema,
    /// Documents parsed once, and their costs.
    pub documents: Documents,
    /// The database pool.
    pub db: DatabaseConnection,
    /// SQL statements executed so far (for tests and metrics).
    pub statements: StatementCounter,
    /// Bearer token verification.
    pub verifier: Arc<crate::auth::Verifier>,
    /// The configuration.
    pub config: Arc<Config>,
    /// The fan-out of committed events to this replica's subscriptions.
    pub hub: Arc<crate::events::hub::Hub>,
    /// Open WebSocket connections per client address.
    pub ws_clients: Arc<ClientCount>,
    /// The per-caller rate limiter, when rate limiting is on.
    pub limiter: Option<Arc<RateLimit>>,
    /// The anonymous response cache, and the content generation it follows.
    pub cache: Arc<ResponseCache>,
    /// The plan's content in memory, per content generation (`None` when turned off).
    pub snapshots: Option<Arc<crate::snapshot::Snapshots>>,
    /// Trusted documents and the APQ store.
    pub persisted: Arc<Persisted>,
    in_flight: Arc<InFlight>,
    labels: Arc<OperationLabels>,
}

impl AppState {
    /// State over an open, migrated and seeded database.
    pub fn new(
        db: DatabaseConnection,
        statements: StatementCounter,
        verifier: crate::auth::Verifier,
        config: Config,
    ) -> Self {
        // Before the background tasks start: they report to the metrics from their first step.
        metrics::install();
        let generation = Tracker::new();
        generation.start(
            db.clone(),
            &config.database_url,
            Duration::from_millis(config.generation_check_ms),
            config.pg_notify,
        );
        let hub = crate::events::hub::Hub::start(
            db.clone(),
            Duration::from_millis(config.events_poll_ms),
            config.pg_notify,
        );
        let snapshots = config
            .content_snapshot
            .then(|| Arc::new(crate::snapshot::Snapshots::new(generation.clone())));
        Self(Arc::new(Shared {
            snapshots,
            cache: Arc::new(ResponseCache::new(config.response_cache_bytes, generation)),
            persisted: Arc::new(Persisted::new(
                config.apq_store_bytes,
                config.anonymous_trusted_only,
            )),
            schema: build_schema(db.clone(), hub.clone(), &config),
            lean: build_lean_schema(db.clone(), hub.clone(), &config),
            documents: Documents::new(
                config.document_cache_bytes,
                config.max_depth,
                config.max_complexity,
            ),
            hub,
            ws_clients: Arc::default(),
            db,
            statements,
            verifier: Arc::new(verifier),
            limiter: RateLimit::from_config(&config),
            in_flight: Arc::new(InFlight::new(
                config.max_in_flight,
                Duration::from_millis(config.queue_timeout_ms),
            )),
            labels: Arc::new(OperationLabels::new(config.metrics_max_operations)),
            config: Arc::new(config),
        }))
    }
}

impl FromRef<AppState> for ExportsState {
    fn from_ref(state: &AppState) -> Self {
        ExportsState {
            db: state.db.clone(),
            config: state.config.clone(),
        }
    }
}

impl FromRef<AppState> for SubscriptionsState {
    fn from_ref(state: &AppState) -> Self {
        SubscriptionsState {
            schema: state.schema.clone(),
            db: state.db.clone(),
            verifier: state.verifier.clone(),
            config: state.config.clone(),
            ws_clients: state.ws_clients.clone(),
        }
    }
}

/// The public router: GraphQL over HTTP, GraphiQL, health and readiness. Metrics are on
/// [`ops_router`].
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route("/", get(|| async { Redirect::temporary("/graphiql") }))
        .route(
            "/graphql",
            get(graphql_get)
                .post(graphql_post)
                .route_layer(middleware::from_fn_with_state(state.clone(), admit)),
        )
        .route("/graphql/documents", get(trusted_documents))
        .merge(crate::graphiql::routes())
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .merge(crate::exports::routes())
        .merge(crate::embed::router());
    with_layers(routes, &state).with_state(state)
}

/// `routes` behind the layers every public request crosses, outermost last: CORS, the request
/// log (id, span and trace context), the panic guard, per-encoding tags, compression, the
/// body's time and size limits. Public so that tests can put a route of their own behind the
/// same stack.
pub fn with_layers(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    metrics::install();
    let mut router = routes
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(RequestBodyTimeoutLayer::new(Duration::from_secs(
            state.config.body_read_timeout_secs,
        )))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(http_cache::etag_per_encoding))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(middleware::from_fn(telemetry::request_log));
    // Whether the answer depends on the request's `Origin` (a list), which caches must know.
    let (allow, per_origin) = match state.config.cors() {
        Ok(Cors::AnyOrigin) => (Some(AllowOrigin::any()), false),
        Ok(Cors::Origins(list)) => (
            Some(AllowOrigin::list(
                list.iter().filter_map(|o| HeaderValue::from_str(o).ok()),
            )),
            true,
        ),
        Ok(Cors::Off) => (None, false),
        Err(e) => {
            // Config::validate refuses this at start; a config built in code fails closed.
            tracing::error!(error = %e, "CORS turned off");
            (None, false)
        }
    };
    if let Some(allow) = allow {
        let mut cors = CorsLayer::new()
            .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
            .allow_headers([
                header::CONTENT_TYPE,
                header::AUTHORIZATION,
                header::ACCEPT,
                header::ACCEPT_LANGUAGE,
                header::HeaderName::from_static("x-request-id"),
                header::HeaderName::from_static("traceparent"),
                header::HeaderName::from_static("tracestate"),
            ])
            .expose_headers([
                header::CONTENT_LANGUAGE,
                header::RETRY_AFTER,
                header::HeaderName::from_static("ratelimit"),
                header::HeaderName::from_static("ratelimit-policy"),
                header::HeaderName::from_static("x-request-id"),
                header::HeaderName::from_static("traceparent"),
            ])
            .max_age(Duration::from_secs(3600));
        if !per_origin {
            // `*` is the same for every origin: a `Vary: Origin` would only make shared caches
            // keep one copy per portal.
            cors = cors.vary([]);
        }
        router = router.layer(cors.allow_origin(allow));
    }
    router
}

/// The answer to a request whose handler panicked: a 500 in the API's error shape, and the
/// panic logged once (inside the request's span, so with its request id). Without this layer
/// hyper would drop the connection, and the client would see a reset instead of an error.
fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    tracing::error!(panic = %detail, "a request handler panicked");
    error_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL",
        "internal error",
        MediaType::Json,
    )
}

/// Middleware on `/graphql`: a place among the requests in flight, or a quick 503 with
/// `Retry-After` when none frees up within the queue timeout. Health, readiness and metrics
/// are outside the cap, so probes answer while the API is saturated.
async fn admit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match state.in_flight.enter().await {
        Some(place) => {
            let response = next.run(request).await;
            drop(place);
            response
        }
        None => {
            metrics::overloaded();
            let media = negotiate(request.headers()).unwrap_or(MediaType::Json);
            let mut response = error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
                "the server is busy; retry in a second",
                media,
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(1));
            response
        }
    }
}

/// The operations router, for its own listener (`PLAN_API_METRICS_LISTEN`, loopback by
/// default): Prometheus metrics, and health and readiness for probes that use that port.
pub fn ops_router(state: AppState) -> Router {
    metrics::install();
    Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state(state)
}

/// The client's address: the peer, or behind a trusted proxy the address it reports last in
/// `X-Forwarded-For` (the one the proxy itself saw; earlier entries are the client's word).
fn client_address(state: &AppState, headers: &HeaderMap, peer: Option<SocketAddr>) -> CallerKey {
    if state.config.trust_forwarded_for
        && let Some(forwarded) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .and_then(|v| v.parse::<IpAddr>().ok())
    {
        return CallerKey::address(forwarded);
    }
    peer.map_or(CallerKey::Unknown, |p| CallerKey::address(p.ip()))
}

/// The manifest of trusted documents (Apollo's persisted query manifest format).
async fn trusted_documents(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let body = state.persisted.manifest();
    let etag = http_cache::etag_of(&body);
    if let Some(tag) = http_cache::matching(&headers, &etag) {
        return http_cache::not_modified(tag, "public, max-age=300", None);
    }
    let mut response = (StatusCode::OK, body).into_response();
    http_cache::set_headers(
        response.headers_mut(),
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
            (header::ETAG, etag.as_str()),
        ],
    );
    response
}

fn peer_of(request: &Request) -> Option<SocketAddr> {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
}

/// The id the request log gave the request (a fresh one if the handler runs without it).
fn id_of(request: &Request) -> String {
    request
        .extensions()
        .get::<telemetry::RequestId>()
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), |id| id.0.clone())
}

/// Ready when the database answers and every migration is applied.
async fn readyz(State(state): State<AppState>) -> Response {
    use migration::MigratorTrait;
    let check = async {
        state
            .db
            .ping()
            .await
            .map_err(|_| "the database does not answer")?;
        let pending = migration::Migrator::get_pending_migrations(&state.db)
            .await
            .map_err(|_| "the database does not answer")?;
        if pending.is_empty() {
            Ok(())
        } else {
            Err("migrations are pending: run plan-api migrate")
        }
    };
    match tokio::time::timeout(
        Duration::from_secs(state.config.db_acquire_timeout_secs + 1),
        check,
    )
    .await
    {
        Ok(Ok(())) => (StatusCode::OK, axum::Json(json!({ "ready": true }))).into_response(),
        Ok(Err(reason)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({ "ready": false, "reason": reason })),
        )
            .into_response(),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({ "ready": false, "reason": "the database does not answer" })),
        )
            .into_response(),
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    metrics::pool(&state.db);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        metrics::render(),
    )
        .into_response()
}
