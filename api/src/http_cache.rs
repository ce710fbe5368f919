//! HTTP caching of query responses: a strong `ETag` (the SHA-256 of the body), `304 Not
//! Modified` on a matching `If-None-Match`, and `Cache-Control` by who asks and how:
//! anonymous GET queries may be kept by browsers, proxies and CDNs; anything sent with a token
//! is `private, no-store`; anything else (POST, errors) `no-store`.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// `Cache-Control` of an anonymous GET query answered without errors.
pub const PUBLIC: &str = "public, max-age=60, stale-while-revalidate=600";
/// `Cache-Control` of anything sent with a token.
pub const PRIVATE: &str = "private, no-store";
/// `Cache-Control` of everything else.
pub const NO_STORE: &str = "no-store";
/// What a query response varies by. `Origin` is added by the CORS layer when it allows listed
/// origins only (its `*` is the same for every origin).
pub const VARY: &str = "Accept, Accept-Language, Authorization";

/// What every HTML page of ours (GraphiQL, the editors' page, the report page) sends besides
/// its own `Content-Security-Policy`: no content sniffing, no referrer.
pub const PAGE_HEADERS: [(HeaderName, &str); 2] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
];

/// Sets each `(name, value)` on `headers`, replacing what was there: the one way responses
/// get their headers here. A value that is not a valid header value (only a computed one can
/// be: a tag, a date, a policy) is left out and logged, never a panic on a request path.
pub fn set_headers<'a>(
    headers: &mut HeaderMap,
    pairs: impl IntoIterator<Item = (HeaderName, &'a str)>,
) {
    for (name, value) in pairs {
        match HeaderValue::from_str(value) {
            Ok(v) => {
                headers.insert(name, v);
            }
            Err(_) => tracing::error!(header = %name, "a response header value left out"),
        }
    }
}

/// The strong entity tag of `body`, quoted: 128 bits of its SHA-256.
pub fn etag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

/// The tag of `If-None-Match` that matches `etag` (whatever content coding the client got it
/// with), if any; `*` matches any.
pub fn matching<'a>(headers: &'a HeaderMap, etag: &str) -> Option<&'a str> {
    let bare = etag.trim_matches('"');
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .find(|tag| {
            if *tag == "*" {
                return true;
            }
            let t = tag.strip_prefix("W/").unwrap_or(tag).trim_matches('"');
            t == bare
                || t.strip_prefix(bare)
                    .is_some_and(|rest| matches!(rest, "-gzip" | "-br"))
        })
}

/// `304 Not Modified` for the tag the client holds, with the headers a cache needs.
pub fn not_modified(
    tag: &str,
    cache_control: &'static str,
    lang: Option<&'static str>,
) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    let headers = response.headers_mut();
    if tag != "*" {
        set_headers(headers, [(header::ETAG, tag)]);
    }
    set_headers(headers, [(header::CACHE_CONTROL, cache_control)]);
    if let Some(lang) = lang {
        set_headers(
            headers,
            [(header::VARY, VARY), (header::CONTENT_LANGUAGE, lang)],
        );
    }
    response
}

/// Middleware outside compression: a compressed body is another representation, so its
/// strong tag gets the coding as a suffix (`"…-gzip"`), which [`matching`] understands.
pub async fn etag_per_encoding(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let coding = response
        .headers()
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(coding) = coding
        && let Some(tag) = response
            .headers()
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(|t| t.trim_end_matches('"').to_owned())
        && let Ok(v) = HeaderValue::from_str(&format!("{tag}-{coding}\""))
    {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}
