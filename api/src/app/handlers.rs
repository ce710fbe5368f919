//! GraphQL over HTTP: a request read off GET (query string) or POST (JSON, single or batch).

use async_graphql::BatchRequest;
use axum::body::Bytes;
use axum::extract::{Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use serde_json::json;

use crate::limits::CallerKey;

use super::execute::{Incoming, execute};
use super::reply::{MediaType, error_response, negotiate, request_lang};
use super::{AppState, client_address, id_of, peer_of};

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

pub(super) async fn graphql_get(State(state): State<AppState>, request: Request) -> Response {
    if crate::subscriptions::is_upgrade(request.headers()) {
        let peer = peer_of(&request);
        let address = match client_address(&state, request.headers(), peer) {
            CallerKey::Address(ip) => Some(ip),
            _ => None,
        };
        let state = axum::extract::FromRef::from_ref(&state);
        return crate::subscriptions::upgrade(state, request, address).await;
    }
    let peer = peer_of(&request);
    let id = id_of(&request);
    let (parts, _) = request.into_parts();
    let headers = parts.headers;
    // An anonymous caller repeating a URL answered before: no decoding at all.
    let url_key = match parts.uri.query() {
        Some(q) if !headers.contains_key(header::AUTHORIZATION) => {
            state.cache.url_key(q, request_lang(&headers))
        }
        _ => None,
    };
    if let Some(hit) = url_key.as_deref().and_then(|k| state.cache.get_by_url(k)) {
        return execute(&state, &headers, peer, &id, Incoming::Answered(hit), true).await;
    }
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
    let incoming = Incoming::Operations {
        batch: BatchRequest::Single(req),
        url_key,
    };
    execute(&state, &headers, peer, &id, incoming, true).await
}

/// POST takes JSON only: form-encoded and multipart bodies are what a foreign page can send
/// without a CORS preflight, so refusing them closes the CSRF door.
pub(super) async fn graphql_post(State(state): State<AppState>, request: Request) -> Response {
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
    let incoming = Incoming::Operations {
        batch,
        url_key: None,
    };
    execute(&state, &headers, peer, &id, incoming, false).await
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
