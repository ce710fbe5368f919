//! The HTTP router and its handlers, in one place: GraphQL over HTTP (GET for queries, POST
//! for everything), GraphiQL, health, readiness and metrics; and the layers every request
//! crosses (CORS, compression, body limit, tracing).
//!
//! Over 700 lines, not split yet (#11): this stop's speed work for #13 (the document cache,
//! the lean schema, the shared state) went into this file, so it was kept whole to merge that
//! safely. It splits along its two halves: the GraphQL handler (batching, media types, limits,
//! response cache) into `app/graphql.rs`, the state and the router with its layers into
//! `app/router.rs`.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::BatchRequest;
use async_graphql::parser::types::OperationType;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sea_orm::DatabaseConnection;
use serde_json::json;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::RequestBodyTimeoutLayer;

use crate::auth::{Viewer, viewer_from_claims};
use crate::config::Config;
use crate::db::StatementCounter;
use crate::documents::{Documents, Prepared};
use crate::error::{ApiError, classify};
use crate::generation::Tracker;
use crate::graphql::{PlanSchema, build_lean_schema, build_schema, published_cache};
use crate::http_cache;
use crate::i18n::{Lang, RequestLang};
use crate::limits::{CallerKey, InFlight, RateLimit};
use crate::loaders::new_loaders;
use crate::metrics::{self as m, OperationLabels};
use crate::persisted::Persisted;
use crate::response_cache::{Cached, ResponseCache};
use crate::telemetry::{self, RequestId, RequestSummary};

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
    pub ws_clients: Arc<crate::subscriptions::ClientCount>,
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
        let generation = Tracker::new();
        generation.start(
            db.clone(),
            &config.database_url,
            Duration::from_millis(config.generation_check_ms),
        );
        let hub = crate::events::hub::Hub::start(
            db.clone(),
            Duration::from_millis(config.events_poll_ms),
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

/// The public router: GraphQL over HTTP, GraphiQL, health and readiness. Metrics are on
/// [`ops_router`].
pub fn router(state: AppState) -> Router {
    m::install();
    let mut router = Router::new()
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
        .merge(crate::embed::router())
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(RequestBodyTimeoutLayer::new(Duration::from_secs(
            state.config.body_read_timeout_secs,
        )))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(http_cache::etag_per_encoding))
        .layer(middleware::from_fn(telemetry::request_log));
    let origins = state.config.cors_origin_list();
    if !origins.is_empty() {
        let allow = if origins.iter().any(|o| o == "*") {
            AllowOrigin::any()
        } else {
            AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
        };
        router = router.layer(
            CorsLayer::new()
                .allow_origin(allow)
                .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
                .allow_headers([
                    header::CONTENT_TYPE,
                    header::AUTHORIZATION,
                    header::ACCEPT,
                    header::ACCEPT_LANGUAGE,
                    header::HeaderName::from_static("x-request-id"),
                ])
                .expose_headers([
                    header::CONTENT_LANGUAGE,
                    header::RETRY_AFTER,
                    header::HeaderName::from_static("ratelimit"),
                    header::HeaderName::from_static("ratelimit-policy"),
                    header::HeaderName::from_static("x-request-id"),
                ])
                .max_age(Duration::from_secs(3600)),
        );
    }
    router.with_state(state)
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
            m::overloaded();
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
    m::install();
    Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state(state)
}

/// How the response body is labelled, from the request's `Accept` header.
#[derive(Clone, Copy, PartialEq, Eq)]
enum MediaType {
    /// `application/graphql-response+json`: request errors get 4xx.
    GraphqlResponse,
    /// `application/json`: always 200 for a well-formed request.
    Json,
}

impl MediaType {
    fn value(self) -> &'static str {
        match self {
            MediaType::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        }
    }
}

/// The media type to answer with; `None` when the client accepts neither.
fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(MediaType::Json);
    };
    let mut best: Option<(f32, MediaType)> = None;
    for part in accept.split(',') {
        let mut pieces = part.split(';');
        let media = pieces
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let q = pieces
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let kind = match media.as_str() {
            "application/graphql-response+json" => MediaType::GraphqlResponse,
            "application/json" | "application/*" | "*/*" => MediaType::Json,
            _ => continue,
        };
        if q > 0.0
            && best.is_none_or(|(bq, bk)| {
                q > bq || (q == bq && kind == MediaType::GraphqlResponse && bk != kind)
            })
        {
            best = Some((q, kind));
        }
    }
    best.map(|(_, k)| k)
}

/// A GraphQL-shaped error response outside execution.
fn error_response(status: StatusCode, code: &str, message: &str, media: MediaType) -> Response {
    m::error(code);
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    let mut response = (status, body.to_string()).into_response();
    if let Ok(v) = HeaderValue::from_str(media.value()) {
        response.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    response
}

fn api_error_response(err: &ApiError, media: MediaType) -> Response {
    let status = match err {
        ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ApiError::BadUserInput { .. } | ApiError::Invalid(_) => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let mut response = error_response(status, err.code(), &err.to_string(), media);
    if let ApiError::Unauthenticated(message) = err {
        // RFC 6750: tell the client which scheme and why; quotes cannot appear in messages.
        let challenge = format!(
            "Bearer realm=\"plan-api\", error=\"invalid_token\", error_description=\"{}\"",
            message.replace('"', "'")
        );
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
    }
    response
}

/// The language asked for by `Accept-Language`, Spanish when it names none of ours.
fn request_lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::negotiate)
        .unwrap_or_default()
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

/// Why a request is refused before execution.
enum Refusal {
    /// A request error: 400.
    BadRequest(String),
    /// A mutation sent with GET: 405.
    NotOverGet,
}

/// The refusal of a query longer than the limit.
fn too_long(config: &Config, req: &async_graphql::Request) -> Result<(), Refusal> {
    if req.query.len() > config.max_query_bytes {
        return Err(Refusal::BadRequest(format!(
            "the query is longer than {} bytes",
            config.max_query_bytes
        )));
    }
    Ok(())
}

/// Checks one operation against the size limits, and (for GET) that it is a query. Returns
/// the type of the operation to run, when the document parses and names one.
fn precheck(
    state: &AppState,
    req: &async_graphql::Request,
    over_get: bool,
) -> Result<(Option<OperationType>, Option<Arc<Prepared>>), Refusal> {
    let config = &state.config;
    too_long(config, req)?;
    // A document that does not parse is reported by execution, as GraphQL does.
    let Some(prepared) = state.documents.prepare(&req.query) else {
        return Ok((None, None));
    };
    if prepared.aliases > config.max_aliases {
        return Err(Refusal::BadRequest(format!(
            "the query has {} aliases; at most {} are allowed",
            prepared.aliases, config.max_aliases
        )));
    }
    let doc = &prepared.document;
    let op = match req.operation_name.as_deref() {
        Some(name) => doc
            .operations
            .iter()
            .find(|(n, _)| n.is_some_and(|n| n.as_str() == name))
            .map(|(_, op)| op.node.ty),
        None => doc.operations.iter().next().map(|(_, op)| op.node.ty),
    };
    if over_get && op.is_some_and(|t| t != OperationType::Query) {
        return Err(Refusal::NotOverGet);
    }
    Ok((op, Some(prepared)))
}

/// One GraphQL response on the wire, written straight from async-graphql's ordered values (no
/// intermediate `serde_json::Value`, whose maps sort their keys): object keys follow the
/// selection set, and `errors` comes first as the GraphQL specification recommends.
struct Wire<'a> {
    response: &'a async_graphql::Response,
    with_data: bool,
}

impl serde::Serialize for Wire<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let r = self.response;
        let mut map = serializer.serialize_map(None)?;
        if !r.errors.is_empty() {
            map.serialize_entry("errors", &r.errors)?;
        }
        if self.with_data {
            map.serialize_entry("data", &r.data)?;
        }
        if !r.extensions.is_empty() {
            map.serialize_entry("extensions", &r.extensions)?;
        }
        map.end()
    }
}

/// Whether a response is a request error (parse or validation): no data, and no error came
/// from executing a field.
fn is_request_error(resp: &async_graphql::Response) -> bool {
    !resp.errors.is_empty()
        && resp.data == async_graphql::Value::Null
        && resp.errors.iter().all(|e| e.path.is_empty())
}

fn operation_label(requests: &[async_graphql::Request]) -> String {
    let name = match requests {
        [r] => r.operation_name.clone().or_else(|| {
            // The document's own name when it has a single named operation.
            let doc = async_graphql::parser::parse_query(&r.query).ok()?;
            let mut ops = doc.operations.iter();
            match (ops.next(), ops.next()) {
                (Some((Some(name), _)), None) => Some(name.to_string()),
                _ => None,
            }
        }),
        _ => Some("batch".to_owned()),
    };
    // Client-chosen names become metric labels: keep them short and plain.
    name.filter(|n| n.len() <= 64 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or_else(|| "anonymous".to_owned())
}

async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    request_id: &str,
    batch: BatchRequest,
    over_get: bool,
) -> Response {
    let started = Instant::now();
    let Some(media) = negotiate(headers) else {
        return error_response(
            StatusCode::NOT_ACCEPTABLE,
            "NOT_ACCEPTABLE",
            "accept application/graphql-response+json or application/json",
            MediaType::Json,
        );
    };
    // Requests refused before their document is parsed (bad token, rate limit) are logged and
    // counted as `refused`.
    let mut summary = RequestSummary {
        operation: "refused".to_owned(),
        role: "anonymous",
        cost: 0,
        allowance: None,
    };
    let mut response = run(
        state,
        headers,
        peer,
        batch,
        over_get,
        media,
        request_id,
        &mut summary,
    )
    .await;
    let outcome = if response.status().is_success() {
        "ok"
    } else {
        "error"
    };
    m::request(&summary.operation, outcome, started.elapsed());
    if let Some(allowance) = summary.allowance {
        // IETF draft RateLimit headers: clients can pace themselves before a 429.
        let headers = response.headers_mut();
        for (name, value) in [
            ("ratelimit-policy", allowance.policy_header()),
            ("ratelimit", allowance.state_header()),
        ] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
    }
    // Whatever has no caching policy yet (errors, refusals, mutations) is not to be kept.
    if !response.headers().contains_key(header::CACHE_CONTROL) {
        let policy = if headers.contains_key(header::AUTHORIZATION) {
            http_cache::PRIVATE
        } else {
            http_cache::NO_STORE
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response.extensions_mut().insert(summary);
    response
}

/// Too many requests from one caller: 429 with `Retry-After`.
fn rate_limited(wait: Duration, media: MediaType) -> Response {
    let secs = wait.as_secs().max(1);
    let mut r = error_response(
        StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMITED",
        &format!("too many requests; retry in {secs} s"),
        media,
    );
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    r
}

#[expect(
    clippy::too_many_arguments,
    reason = "one request's parts, passed down once"
)]
async fn run(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    batch: BatchRequest,
    over_get: bool,
    media: MediaType,
    request_id: &str,
    summary: &mut RequestSummary,
) -> Response {
    let config = &state.config;
    let mut requests: Vec<async_graphql::Request> = match batch {
        BatchRequest::Single(r) => vec![r],
        BatchRequest::Batch(list) => list,
    };
    if requests.is_empty() || requests.len() > config.max_batch {
        return error_response(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            &format!("a batch holds 1 to {} operations", config.max_batch),
            media,
        );
    }
    // Only the Authorization header counts: a token in the query string is ignored, since
    // URLs end up in logs and browser histories.
    let authorization = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or_default());
    let claims = match authorization {
        None => None,
        Some(value) => match state.verifier.bearer_claims(value) {
            Ok(claims) => Some(claims),
            Err(err) => {
                // A bad token counts against the client's address, so a flood of forged
                // tokens is limited like any other traffic from that address.
                if let Some(limiter) = &state.limiter {
                    match limiter.check(&client_address(state, headers, peer), 1) {
                        Ok(allowance) => summary.allowance = Some(allowance),
                        Err(wait) => {
                            summary.allowance = Some(limiter.exhausted(wait));
                            return rate_limited(wait, media);
                        }
                    }
                }
                return api_error_response(&err, media);
            }
        },
    };
    if let Some(limiter) = &state.limiter {
        let key = claims
            .as_ref()
            .and_then(|c| c.sub.clone())
            .map_or_else(|| client_address(state, headers, peer), CallerKey::Subject);
        // A batch is charged one request per operation.
        match limiter.check(&key, requests.len()) {
            Ok(allowance) => summary.allowance = Some(allowance),
            Err(wait) => {
                summary.allowance = Some(limiter.exhausted(wait));
                return rate_limited(wait, media);
            }
        }
    }
    // Persisted documents: a hash becomes its document (or a PERSISTED_QUERY_NOT_FOUND the
    // client answers by sending the document), and the allow-list applies to anonymous callers.
    let anonymous = claims.is_none();
    for req in &mut requests {
        if let Err(refusal) = state.persisted.resolve(req, anonymous) {
            let (status, code, message) = refusal.parts();
            return error_response(status, code, message, media);
        }
    }
    let lang = request_lang(headers);
    let single = requests.len() == 1;
    // The anonymous response cache: a hit skips parsing, validation and execution.
    let cache_key = match requests.as_slice() {
        [req] if anonymous && too_long(config, req).is_ok() => state.cache.key(req, lang),
        _ => None,
    };
    if let Some(key) = &cache_key {
        if let Some(hit) = state.cache.get(key) {
            summary.operation.clone_from(&hit.label);
            summary.cost = hit.cost;
            let reply = QueryReply {
                media,
                lang,
                over_get,
                anonymous,
                outcome: "hit",
            };
            return reply.respond(headers, hit.body.clone(), &hit.etag);
        }
    } else if single {
        m::response_cache("bypass");
    }
    // Parsed only now: a caller over its limit costs no parsing.
    summary.operation = state.labels.label(operation_label(&requests));
    let mut operation_types = Vec::with_capacity(requests.len());
    let mut prepared = Vec::with_capacity(requests.len());
    for req in &requests {
        match precheck(state, req, over_get) {
            Ok((op, document)) => {
                operation_types.push(op);
                prepared.push(document);
            }
            Err(Refusal::BadRequest(message)) => {
                return error_response(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message, media);
            }
            Err(Refusal::NotOverGet) => {
                let mut r = error_response(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "BAD_REQUEST",
                    "only queries may be sent with GET; send mutations with POST",
                    media,
                );
                r.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("POST"));
                return r;
            }
        }
    }

    let viewer = match claims {
        None => Viewer::anonymous(),
        Some(claims) => match viewer_from_claims(&state.db, claims).await {
            Ok(v) => v,
            Err(err) => return api_error_response(&err, media),
        },
    };
    summary.role = viewer.role.claim().unwrap_or("anonymous");

    let timeout = Duration::from_millis(config.request_timeout_ms);
    let mut cost_total = 0;
    let work = async {
        let mut responses = Vec::with_capacity(requests.len());
        for (req, prepared) in requests.into_iter().zip(&prepared) {
            let req = req
                .data(new_loaders(state.db.clone(), state.snapshots.clone()))
                .data(published_cache())
                .data(viewer.clone())
                .data(RequestId(request_id.to_owned()))
                .data(RequestLang(lang));
            let mut resp = state
                .documents
                .execute(&state.schema, &state.lean, req, prepared.as_deref())
                .await;
            cost_total += telemetry::cost_of(&resp);
            resp.errors.iter_mut().for_each(classify);
            for e in &resp.errors {
                if let Some(code) = e.extensions.as_ref().and_then(|x| x.get("code")) {
                    m::error(code.to_string().trim_matches('"'));
                }
            }
            responses.push(resp);
        }
        responses
    };
    let result = tokio::time::timeout(timeout, work).await;
    summary.cost = cost_total;
    let Ok(responses) = result else {
        return error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            &format!(
                "the request took longer than {} ms",
                config.request_timeout_ms
            ),
            media,
        );
    };
    let status = if single && media == MediaType::GraphqlResponse && is_request_error(&responses[0])
    {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let body = if single {
        let resp = &responses[0];
        // A request error has no data entry at all (GraphQL over HTTP).
        serde_json::to_vec(&Wire {
            response: resp,
            with_data: !is_request_error(resp),
        })
    } else {
        let items: Vec<Wire<'_>> = responses
            .iter()
            .map(|response| Wire {
                response,
                with_data: true,
            })
            .collect();
        serde_json::to_vec(&items)
    };
    let Ok(body) = body else {
        tracing::error!("a response could not be serialized");
        return error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "internal error",
            media,
        );
    };
    // A query answered without errors: tagged, revalidated, and (anonymous) stored.
    if single
        && status == StatusCode::OK
        && operation_types.first() == Some(&Some(OperationType::Query))
        && responses[0].errors.is_empty()
    {
        let body = Bytes::from(body);
        let etag = http_cache::etag_of(&body);
        let reply = QueryReply {
            media,
            lang,
            over_get,
            anonymous,
            outcome: if cache_key.is_some() {
                "miss"
            } else {
                "bypass"
            },
        };
        if let Some(key) = cache_key {
            state.cache.put(
                key,
                Cached {
                    body: body.clone(),
                    etag: etag.clone(),
                    cost: cost_total,
                    label: summary.operation.clone(),
                },
            );
        }
        return reply.respond(headers, body, &etag);
    }
    let mut response = (status, body).into_response();
    let headers_out = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(media.value()) {
        headers_out.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(value) = HeaderValue::from_str(lang.code()) {
        headers_out.insert(header::CONTENT_LANGUAGE, value);
    }
    headers_out.insert(header::VARY, HeaderValue::from_static(http_cache::VARY));
    response
}

/// How a query answered without errors goes out.
struct QueryReply {
    media: MediaType,
    lang: Lang,
    over_get: bool,
    anonymous: bool,
    /// `x-cache`: `hit`, `miss` (answered afresh and stored) or `bypass` (not cacheable).
    outcome: &'static str,
}

impl QueryReply {
    /// The response: `304` when a GET's `If-None-Match` holds this body's tag, else the body
    /// with its tag and the cache headers of the caller.
    fn respond(&self, headers: &HeaderMap, body: Bytes, etag: &str) -> Response {
        let cache_control = if !self.anonymous {
            http_cache::PRIVATE
        } else if self.over_get {
            http_cache::PUBLIC
        } else {
            http_cache::NO_STORE
        };
        if self.over_get
            && let Some(tag) = http_cache::matching(headers, etag)
        {
            let mut response = http_cache::not_modified(tag, cache_control, Some(self.lang.code()));
            response
                .headers_mut()
                .insert("x-cache", HeaderValue::from_static(self.outcome));
            return response;
        }
        let mut response = (StatusCode::OK, body).into_response();
        let out = response.headers_mut();
        if let Ok(v) = HeaderValue::from_str(self.media.value()) {
            out.insert(header::CONTENT_TYPE, v);
        }
        if let Ok(v) = HeaderValue::from_str(self.lang.code()) {
            out.insert(header::CONTENT_LANGUAGE, v);
        }
        out.insert(header::VARY, HeaderValue::from_static(http_cache::VARY));
        if let Ok(v) = HeaderValue::from_str(etag) {
            out.insert(header::ETAG, v);
        }
        out.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        );
        out.insert("x-cache", HeaderValue::from_static(self.outcome));
        response
    }
}

/// The manifest of trusted documents (Apollo's persisted query manifest format).
async fn trusted_documents(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let body = state.persisted.manifest();
    let etag = http_cache::etag_of(&body);
    if let Some(tag) = http_cache::matching(&headers, &etag) {
        return http_cache::not_modified(tag, "public, max-age=300", None);
    }
    let mut response = (StatusCode::OK, body).into_response();
    let out = response.headers_mut();
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    out.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, v);
    }
    response
}

/// The parameters of a GET request.
#[derive(serde::Deserialize)]
struct GetParams {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
    /// A trusted or registered document by hash: `sha256:<64 hex digits>`.
    #[serde(rename = "documentId")]
    document_id: Option<String>,
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

async fn graphql_get(State(state): State<AppState>, request: Request) -> Response {
    if crate::subscriptions::is_upgrade(request.headers()) {
        let peer = peer_of(&request);
        let address = match client_address(&state, request.headers(), peer) {
            CallerKey::Address(ip) => Some(ip),
            _ => None,
        };
        return crate::subscriptions::upgrade(state, request, address).await;
    }
    let peer = peer_of(&request);
    let id = id_of(&request);
    let (parts, _) = request.into_parts();
    let headers = parts.headers;
    let media = negotiate(&headers).unwrap_or(MediaType::Json);
    let Ok(Query(params)) = Query::<GetParams>::try_from_uri(&parts.uri) else {
        return error_response(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "malformed query string",
            media,
        );
    };
    let mut extensions = serde_json::Map::new();
    if let Some(ext) = params.extensions.filter(|v| !v.is_empty()) {
        match serde_json::from_str::<serde_json::Value>(&ext) {
            Ok(serde_json::Value::Object(map)) => extensions = map,
            _ => {
                return error_response(
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST",
                    "extensions must be a JSON object",
                    media,
                );
            }
        }
    }
    if let Some(id) = params.document_id.filter(|v| !v.is_empty()) {
        let Some(hash) = id.strip_prefix("sha256:") else {
            return error_response(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "documentId must be sha256:<64 hexadecimal digits>",
                media,
            );
        };
        extensions.insert(
            "persistedQuery".to_owned(),
            json!({ "version": 1, "sha256Hash": hash }),
        );
    }
    let query = params.query.filter(|q| !q.trim().is_empty());
    if query.is_none() && !extensions.contains_key("persistedQuery") {
        return error_response(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "the query parameter is required (or documentId for a trusted document)",
            media,
        );
    }
    let mut req = async_graphql::Request::new(query.unwrap_or_default());
    req.operation_name = params.operation_name.filter(|n| !n.is_empty());
    if let Some(vars) = params.variables.filter(|v| !v.is_empty()) {
        match serde_json::from_str::<serde_json::Value>(&vars) {
            Ok(v @ serde_json::Value::Object(_)) => {
                req.variables = async_graphql::Variables::from_json(v);
            }
            _ => {
                return error_response(
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST",
                    "variables must be a JSON object",
                    media,
                );
            }
        }
    }
    if let Some(ext) = extensions_of(extensions) {
        req.extensions = ext;
    }
    execute(&state, &headers, peer, &id, BatchRequest::Single(req), true).await
}

/// POST takes JSON only: form-encoded and multipart bodies are what a foreign page can send
/// without a CORS preflight, so refusing them closes the CSRF door.
async fn graphql_post(State(state): State<AppState>, request: Request) -> Response {
    let peer = peer_of(&request);
    let id = id_of(&request);
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let media = negotiate(&headers).unwrap_or(MediaType::Json);
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if content_type != "application/json" {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BAD_REQUEST",
            "send the request as application/json",
            media,
        );
    }
    let body: Bytes = match axum::body::to_bytes(body, state.config.max_body_bytes).await {
        Ok(b) => b,
        Err(err) if too_large(&err) => {
            return error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                "BAD_REQUEST",
                &format!(
                    "the body is larger than {} bytes",
                    state.config.max_body_bytes
                ),
                media,
            );
        }
        Err(_) => {
            return error_response(
                StatusCode::REQUEST_TIMEOUT,
                "BAD_REQUEST",
                &format!(
                    "the body did not arrive within {} s",
                    state.config.body_read_timeout_secs
                ),
                media,
            );
        }
    };
    let batch = match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(serde_json::Value::Array(items)) => {
            let mut list = Vec::with_capacity(items.len());
            for item in items {
                match parse_request(item) {
                    Some(r) => list.push(r),
                    None => {
                        return error_response(
                            StatusCode::BAD_REQUEST,
                            "BAD_REQUEST",
                            "every operation needs a query string",
                            media,
                        );
                    }
                }
            }
            BatchRequest::Batch(list)
        }
        Ok(item) => match parse_request(item) {
            Some(r) => BatchRequest::Single(r),
            None => {
                return error_response(
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST",
                    "the body needs a query string, and variables as an object",
                    media,
                );
            }
        },
        Err(_) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "the body is not JSON",
                media,
            );
        }
    };
    execute(&state, &headers, peer, &id, batch, false).await
}

/// Whether reading a body failed on its size (rather than on time or a broken connection).
fn too_large(err: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}

/// A request object: `query` a string, `variables` and `extensions` objects or null,
/// `operationName` a string or null.
fn parse_request(value: serde_json::Value) -> Option<async_graphql::Request> {
    let obj = value.as_object()?;
    let persisted = obj
        .get("extensions")
        .and_then(|e| e.get("persistedQuery"))
        .is_some();
    // With a persisted document's hash the query may be left out.
    let query = match obj.get("query") {
        Some(serde_json::Value::String(q)) => q.as_str(),
        None | Some(serde_json::Value::Null) if persisted => "",
        _ => return None,
    };
    let mut req = async_graphql::Request::new(query);
    match obj.get("operationName") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::String(name)) => req.operation_name = Some(name.clone()),
        Some(_) => return None,
    }
    match obj.get("variables") {
        None | Some(serde_json::Value::Null) => {}
        Some(v @ serde_json::Value::Object(_)) => {
            req.variables = async_graphql::Variables::from_json(v.clone());
        }
        Some(_) => return None,
    }
    match obj.get("extensions") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Object(map)) => {
            if !map.is_empty() {
                req.extensions = extensions_of(map.clone())?;
            }
        }
        Some(_) => return None,
    }
    Some(req)
}

/// Request extensions as async-graphql holds them (`None` for an empty or unreadable map).
fn extensions_of(
    map: serde_json::Map<String, serde_json::Value>,
) -> Option<async_graphql::Extensions> {
    if map.is_empty() {
        return None;
    }
    serde_json::from_value(serde_json::Value::Object(map)).ok()
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
    m::pool(&state.db);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        m::render(),
    )
        .into_response()
}
