//! Running one request: its token and rate limit, persisted documents, the anonymous response
//! cache, the size limits, and execution with the request's data.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::BatchRequest;
use async_graphql::parser::types::OperationType;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use crate::auth::{Viewer, viewer_from_claims};
use crate::config::Config;
use crate::documents::Prepared;
use crate::error::classify;
use crate::graphql::published_cache;
use crate::http_cache;
use crate::i18n::RequestLang;
use crate::limits::CallerKey;
use crate::loaders::new_loaders;
use crate::metrics;
use crate::response_cache::{Cached, Flight};
use crate::telemetry::{self, RequestId, RequestSummary};
use crate::traces;

use super::reply::{
    MediaType, QueryReply, Wire, api_error_response, error_response, is_request_error, negotiate,
    rate_limited, request_lang,
};
use super::{AppState, client_address};

/// What a handler hands on to [`execute`].
#[expect(
    clippy::large_enum_variant,
    reason = "one per request, moved once into `execute`: boxing would only add an allocation"
)]
pub(super) enum Incoming {
    /// The operations read off the request, and (for an anonymous GET) the key of its exact
    /// query string, under which the response is stored too.
    Operations {
        batch: BatchRequest,
        url_key: Option<String>,
    },
    /// An anonymous GET whose exact query string was answered before and is still cached: it
    /// skips decoding too, but not the rate limit.
    Answered(Arc<Cached>),
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

/// What [`precheck`] found of one operation: its document, parsed (when it parses), and the
/// verdict of the size limits and (for GET) of the operation type.
struct Checked {
    prepared: Option<Arc<Prepared>>,
    verdict: Result<Option<OperationType>, Refusal>,
}

/// Checks one operation against the size limits, and (for GET) that it is a query. The verdict
/// holds the type of the operation to run, when the document parses and names one.
fn precheck(state: &AppState, req: &async_graphql::Request, over_get: bool) -> Checked {
    let config = &state.config;
    if let Err(refusal) = too_long(config, req) {
        return Checked {
            prepared: None,
            verdict: Err(refusal),
        };
    }
    // A document that does not parse is reported by execution, as GraphQL does.
    let Some(prepared) = state.documents.prepare(&req.query) else {
        return Checked {
            prepared: None,
            verdict: Ok(None),
        };
    };
    let verdict = if prepared.aliases > config.max_aliases {
        Err(Refusal::BadRequest(format!(
            "the query has {} aliases; at most {} are allowed",
            prepared.aliases, config.max_aliases
        )))
    } else {
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
            Err(Refusal::NotOverGet)
        } else {
            Ok(op)
        }
    };
    Checked {
        prepared: Some(prepared),
        verdict,
    }
}

/// The name of an operation type, as traces write it (empty when unknown).
fn type_name(kind: Option<OperationType>) -> &'static str {
    match kind {
        Some(OperationType::Query) => "query",
        Some(OperationType::Mutation) => "mutation",
        Some(OperationType::Subscription) => "subscription",
        None => "",
    }
}

/// The type of a request's operations: theirs when they share one, else `mixed`.
fn type_of_all(kinds: &[Option<OperationType>]) -> &'static str {
    match kinds.split_first() {
        Some((first, rest)) if rest.iter().all(|k| k == first) => type_name(*first),
        Some(_) => "mixed",
        None => "",
    }
}

/// The metric label of `requests` (whose documents, parsed, are `checked`): the operation name
/// sent, else the document's own name when it has a single named operation.
fn operation_label<'a>(requests: &'a [async_graphql::Request], checked: &'a [Checked]) -> &'a str {
    let name = match (requests, checked) {
        ([r], [c]) => r.operation_name.as_deref().or_else(|| {
            let doc = &c.prepared.as_deref()?.document;
            let mut ops = doc.operations.iter();
            match (ops.next(), ops.next()) {
                (Some((Some(name), _)), None) => Some(name.as_str()),
                _ => None,
            }
        }),
        _ => Some("batch"),
    };
    // Client-chosen names become metric labels: keep them short and plain.
    name.filter(|n| n.len() <= 64 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or("anonymous")
}

pub(super) async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    request_id: &str,
    incoming: Incoming,
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
        operation: state.labels.refused(),
        operation_type: "",
        role: "anonymous",
        cost: 0,
        allowance: None,
    };
    let mut response = run(
        state,
        headers,
        peer,
        incoming,
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
    metrics::request(&summary.operation, outcome, started.elapsed());
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

#[expect(
    clippy::too_many_arguments,
    reason = "one request's parts, passed down once"
)]
async fn run(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    incoming: Incoming,
    over_get: bool,
    media: MediaType,
    request_id: &str,
    summary: &mut RequestSummary,
) -> Response {
    let config = &state.config;
    let (mut requests, url_key, answered) = match incoming {
        Incoming::Operations { batch, url_key } => match batch {
            BatchRequest::Single(r) => (vec![r], url_key, None),
            BatchRequest::Batch(list) => (list, url_key, None),
        },
        Incoming::Answered(hit) => (Vec::new(), None, Some(hit)),
    };
    if answered.is_none() && (requests.is_empty() || requests.len() > config.max_batch) {
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
        match limiter.check(&key, requests.len().max(1)) {
            Ok(allowance) => summary.allowance = Some(allowance),
            Err(wait) => {
                summary.allowance = Some(limiter.exhausted(wait));
                return rate_limited(wait, media);
            }
        }
    }
    let anonymous = claims.is_none();
    let lang = request_lang(headers);
    let from_cache = |hit: &Cached, summary: &mut RequestSummary| {
        summary.operation = hit.label.clone();
        // Only queries are stored.
        summary.operation_type = "query";
        summary.cost = hit.cost;
        let reply = QueryReply {
            media,
            lang,
            over_get,
            anonymous,
            outcome: "hit",
        };
        reply.respond(headers, hit.body.clone(), &hit.etag)
    };
    if let Some(hit) = answered {
        state.cache.served_by_url();
        return from_cache(&hit, summary);
    }
    // Persisted documents: a hash becomes its document (or a PERSISTED_QUERY_NOT_FOUND the
    // client answers by sending the document), and the allow-list applies to anonymous callers.
    for req in &mut requests {
        if let Err(refusal) = state.persisted.resolve(req, anonymous) {
            let (status, code, message) = refusal.parts();
            return error_response(status, code, message, media);
        }
    }
    let single = requests.len() == 1;
    // The anonymous response cache: a hit skips parsing, validation and execution.
    let cache_key = match requests.as_slice() {
        [req] if anonymous && too_long(config, req).is_ok() => state.cache.key(req, lang),
        _ => None,
    };
    // Held until the response is stored (or not): concurrent misses of the key wait for it.
    let mut _computing = None;
    if let Some(key) = &cache_key {
        if let Some(hit) = state.cache.get(key) {
            if let Some(url_key) = url_key {
                state.cache.alias(url_key, hit.clone());
            }
            return from_cache(&hit, summary);
        }
        match state.cache.join(key) {
            Flight::Lead(lead) => _computing = Some(lead),
            Flight::Follow(other) => {
                other.wait().await;
                if let Some(hit) = state.cache.after_wait(key) {
                    if let Some(url_key) = url_key {
                        state.cache.alias(url_key, hit.clone());
                    }
                    return from_cache(&hit, summary);
                }
                // It stored nothing (an error, a timeout): this request runs on its own.
                state.cache.missed();
            }
        }
    } else if single {
        metrics::response_cache("bypass");
    }
    // Parsed only now: a caller over its limit costs no parsing.
    let checked: Vec<Checked> = requests
        .iter()
        .map(|req| precheck(state, req, over_get))
        .collect();
    summary.operation = state.labels.label(operation_label(&requests, &checked));
    let mut operation_types = Vec::with_capacity(requests.len());
    let mut prepared = Vec::with_capacity(requests.len());
    for check in checked {
        match check.verdict {
            Ok(op) => {
                operation_types.push(op);
                prepared.push(check.prepared);
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
    summary.operation_type = type_of_all(&operation_types);

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
    // Each operation's span carries the request's bounded label; a batch's operations are
    // named after the batch, whose label already stands for all of them.
    let label = summary.operation.clone();
    let work = async {
        let mut responses = Vec::with_capacity(requests.len());
        for ((req, prepared), kind) in requests.into_iter().zip(&prepared).zip(&operation_types) {
            let span = traces::operation_span(&label, type_name(*kind));
            let req = req
                .data(new_loaders(state.db.clone(), state.snapshots.clone()))
                .data(published_cache())
                .data(viewer.clone())
                .data(RequestId(request_id.to_owned()))
                .data(RequestLang(lang));
            // Boxed: async-graphql's execution future is large, and every future around this
            // one (handler, middleware, connection) would otherwise carry its size and be
            // copied whole each time it is moved, cache hits included.
            let mut resp = Box::pin(state.documents.execute(
                &state.schema,
                &state.lean,
                req,
                prepared.as_deref(),
            ))
            .instrument(span.clone())
            .await;
            cost_total += telemetry::cost_of(&resp);
            resp.errors.iter_mut().for_each(classify);
            traces::record_outcome(&span, &resp);
            for e in &resp.errors {
                if let Some(code) = e.extensions.as_ref().and_then(|x| x.get("code")) {
                    metrics::error(code.to_string().trim_matches('"'));
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
                url_key,
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
    http_cache::set_headers(
        response.headers_mut(),
        [
            (header::CONTENT_TYPE, media.value()),
            (header::CONTENT_LANGUAGE, lang.code()),
            (header::VARY, http_cache::VARY),
        ],
    );
    response
}
