//! What goes back: the media type, errors outside execution, and how a query's answer is
//! written and labelled for caches.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::ApiError;
use crate::http_cache;
use crate::i18n::Lang;
use crate::metrics;

/// Whether the response cache answered (see [`QueryReply::outcome`]'s values).
const X_CACHE: HeaderName = HeaderName::from_static("x-cache");

/// How the response body is labelled, from the request's `Accept` header.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum MediaType {
    /// `application/graphql-response+json`: request errors get 4xx.
    GraphqlResponse,
    /// `application/json`: always 200 for a well-formed request.
    Json,
}

impl MediaType {
    pub(super) fn value(self) -> &'static str {
        match self {
            MediaType::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        }
    }
}

/// The media type to answer with; `None` when the client accepts neither.
pub(super) fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(MediaType::Json);
    };
    let mut best: Option<(f32, MediaType)> = None;
    for part in accept.split(',') {
        let mut pieces = part.split(';');
        let media = pieces.next().unwrap_or_default().trim();
        let q = pieces
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let kind = if media.eq_ignore_ascii_case("application/graphql-response+json") {
            MediaType::GraphqlResponse
        } else if ["application/json", "application/*", "*/*"]
            .iter()
            .any(|m| media.eq_ignore_ascii_case(m))
        {
            MediaType::Json
        } else {
            continue;
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
pub(super) fn error_response(
    status: StatusCode,
    code: &str,
    message: &str,
    media: MediaType,
) -> Response {
    metrics::error(code);
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.value()),
    );
    response
}

pub(super) fn api_error_response(err: &ApiError, media: MediaType) -> Response {
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
pub(super) fn request_lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::negotiate)
        .unwrap_or_default()
}

/// One GraphQL response on the wire, written straight from async-graphql's ordered values (no
/// intermediate `serde_json::Value`, whose maps sort their keys): object keys follow the
/// selection set, and `errors` comes first as the GraphQL specification recommends.
pub(super) struct Wire<'a> {
    pub(super) response: &'a async_graphql::Response,
    pub(super) with_data: bool,
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
pub(super) fn is_request_error(resp: &async_graphql::Response) -> bool {
    !resp.errors.is_empty()
        && resp.data == async_graphql::Value::Null
        && resp.errors.iter().all(|e| e.path.is_empty())
}

/// Too many requests from one caller: 429 with `Retry-After`.
pub(super) fn rate_limited(wait: Duration, media: MediaType) -> Response {
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

/// How a query answered without errors goes out.
pub(super) struct QueryReply {
    pub(super) media: MediaType,
    pub(super) lang: Lang,
    pub(super) over_get: bool,
    pub(super) anonymous: bool,
    /// `x-cache`: `hit`, `miss` (answered afresh and stored) or `bypass` (not cacheable).
    pub(super) outcome: &'static str,
}

impl QueryReply {
    /// The response: `304` when a GET's `If-None-Match` holds this body's tag, else the body
    /// with its tag and the cache headers of the caller.
    pub(super) fn respond(&self, headers: &HeaderMap, body: Bytes, etag: &str) -> Response {
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
                .insert(X_CACHE, HeaderValue::from_static(self.outcome));
            return response;
        }
        let mut response = (StatusCode::OK, body).into_response();
        http_cache::set_headers(
            response.headers_mut(),
            [
                (header::CONTENT_TYPE, self.media.value()),
                (header::CONTENT_LANGUAGE, self.lang.code()),
                (header::VARY, http_cache::VARY),
                (header::ETAG, etag),
                (header::CACHE_CONTROL, cache_control),
                (X_CACHE, self.outcome),
            ],
        );
        response
    }
}
