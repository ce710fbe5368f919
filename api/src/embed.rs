//! The embeddable widget for municipal portals and the editors' page that makes its snippet.
//!
//! `GET /embed/v1/plan-widget.js` is `<amb-plan-widget>`, a dependency-free web component; its
//! path carries the version of its contract (attributes, custom properties), so it is cached
//! for a year and marked `immutable`. `GET /embed` is the editors' page: choose a municipality,
//! a language and a view, see the live widget, copy the snippet. Everything is compiled into
//! the binary (`include_str!`), so `cargo run` needs no Node and no page loads from elsewhere.
//!
//! The widget's GraphQL documents live in `api/assets/embed/*.graphql`, one named operation per
//! file; [`documents`] gives the exact text the widget sends, for caches and trusted-document
//! lists.

use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

use axum::Router;
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::http_cache;

/// The widget's contract version, in its path: a change that breaks pages already embedding
/// it goes to a new path, never under this one.
pub const WIDGET_PATH: &str = "/embed/v1/plan-widget.js";

/// The GraphQL documents of the widget and the editors' page: (operation name, source file).
const SOURCES: [(&str, &str); 2] = [
    (
        "AmbPlanWidget",
        include_str!("../assets/embed/AmbPlanWidget.graphql"),
    ),
    (
        "AmbEmbedMunicipalities",
        include_str!("../assets/embed/AmbEmbedMunicipalities.graphql"),
    ),
];

/// Comments and spare blanks removed: the documents travel in GET query strings, and URL length
/// counts. Safe for these documents, which hold no string literals.
fn compact(source: &str) -> String {
    let words = source
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ");
    let mut out = String::with_capacity(words.len());
    for word in words.split_whitespace() {
        let joins = |c: Option<char>| matches!(c, Some('{' | '}' | '(' | ')' | ':' | ','));
        if !out.is_empty() && !joins(out.chars().last()) && !joins(word.chars().next()) {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The documents exactly as the widget and the editors' page send them, by operation name.
pub fn documents() -> Vec<(&'static str, String)> {
    SOURCES
        .iter()
        .map(|(name, source)| (*name, compact(source)))
        .collect()
}

/// A JavaScript file with its documents filled in where it says `/*@documents*/ {}`.
fn with_documents(js: &str) -> String {
    let map: serde_json::Map<String, serde_json::Value> = documents()
        .into_iter()
        .map(|(name, text)| (name.to_owned(), serde_json::Value::String(text)))
        .collect();
    // JSON is valid JavaScript (ES2019 and later accept U+2028/9 in strings too).
    let literal = serde_json::Value::Object(map).to_string();
    js.replacen("/*@documents*/ {}", &literal, 1)
}

/// One file served from memory, with its validator.
struct Asset {
    body: Vec<u8>,
    etag: String,
    content_type: &'static str,
    cache_control: &'static str,
    /// Content-Security-Policy of an HTML page.
    csp: Option<&'static str>,
}

impl Asset {
    fn new(
        body: impl Into<Vec<u8>>,
        content_type: &'static str,
        cache_control: &'static str,
    ) -> Self {
        let body = body.into();
        // Weak: the compression layer may re-encode the body, and a strong validator names
        // exact bytes. A 64-bit hash is plenty to tell versions of one file apart.
        let mut hasher = std::hash::DefaultHasher::new();
        body.hash(&mut hasher);
        let etag = format!("W/\"{:016x}\"", hasher.finish());
        Self {
            body,
            etag,
            content_type,
            cache_control,
            csp: None,
        }
    }

    fn respond(&self, request: &HeaderMap) -> Response {
        let fresh = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| {
                tags.split(',').any(|t| {
                    let t = t.trim();
                    t == "*" || t.trim_start_matches("W/") == self.etag.trim_start_matches("W/")
                })
            });
        let mut response = if fresh {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            self.body.clone().into_response()
        };
        let headers = response.headers_mut();
        http_cache::set_headers(
            headers,
            [
                (header::CONTENT_TYPE, self.content_type),
                (header::CACHE_CONTROL, self.cache_control),
                (header::ETAG, self.etag.as_str()),
            ],
        );
        if let Some(csp) = self.csp {
            http_cache::set_headers(headers, [(header::CONTENT_SECURITY_POLICY, csp)]);
            http_cache::set_headers(headers, http_cache::PAGE_HEADERS);
        } else {
            // Portals that isolate themselves (COEP) may still load the widget.
            http_cache::set_headers(
                headers,
                [
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                    (
                        HeaderName::from_static("cross-origin-resource-policy"),
                        "cross-origin",
                    ),
                ],
            );
        }
        response
    }
}

const JS: &str = "text/javascript; charset=utf-8";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The editors' page and its files change with the binary: browsers revalidate (cheaply, by
/// ETag) every time.
const REVALIDATE: &str = "no-cache";

/// The editors' page loads only its own files and talks only to this API.
const EDITOR_CSP: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; \
     style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

static WIDGET: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        with_documents(include_str!("../assets/embed/plan-widget.js")),
        JS,
        IMMUTABLE,
    )
});
static EDITOR_PAGE: LazyLock<Asset> = LazyLock::new(|| Asset {
    csp: Some(EDITOR_CSP),
    ..Asset::new(
        include_str!("../assets/embed/editor.html"),
        "text/html; charset=utf-8",
        REVALIDATE,
    )
});
static EDITOR_JS: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        with_documents(include_str!("../assets/embed/editor.js")),
        JS,
        REVALIDATE,
    )
});
static EDITOR_CSS: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        include_str!("../assets/embed/editor.css"),
        "text/css; charset=utf-8",
        REVALIDATE,
    )
});

static ICON: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        include_str!("../assets/embed/icon.svg"),
        "image/svg+xml",
        REVALIDATE,
    )
});

/// The routes of the widget and the editors' page; they need no state.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let served: [(&str, &'static LazyLock<Asset>); 5] = [
        (WIDGET_PATH, &WIDGET),
        ("/embed", &EDITOR_PAGE),
        ("/embed/editor.js", &EDITOR_JS),
        ("/embed/editor.css", &EDITOR_CSS),
        ("/embed/icon.svg", &ICON),
    ];
    served
        .into_iter()
        .fold(Router::new(), |router, (path, asset)| {
            router.route(
                path,
                get(move |h: HeaderMap| async move { asset.respond(&h) }),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacting_keeps_the_document_and_drops_comments() {
        assert_eq!(
            compact("# why\nquery A($x: Int!) {\n  f(a: $x) { b c }\n}\n"),
            "query A($x:Int!){f(a:$x){b c}}"
        );
    }

    #[test]
    fn every_javascript_asset_gets_its_documents() {
        for js in [&WIDGET.body, &EDITOR_JS.body] {
            let text = String::from_utf8_lossy(js);
            assert!(!text.contains("/*@documents*/"), "placeholder left");
            assert!(text.contains("query AmbPlanWidget($ine:String!,$lang:Lang!,$plan:String)"));
        }
    }
}
