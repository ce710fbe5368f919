//! GraphiQL, served by the binary itself: the page at `/graphiql` and its assets at
//! `/graphiql/assets/{file}`, compiled in from `api/assets/graphiql/dist/` (built from the npm
//! packages pinned in that folder's lockfile; see its `build.mjs`). Nothing on the page comes
//! from another host, and its Content-Security-Policy says so.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::Embed;
use serde_json::json;

use crate::http_cache;

/// The bundle built by `api/assets/graphiql/build.mjs`; every file name carries a content hash.
#[derive(Embed)]
#[folder = "assets/graphiql/dist"]
struct Dist;

/// Where the page's assets are served from.
const ASSETS: &str = "/graphiql/assets/";

/// The page's policy: scripts and workers only from this origin (no inline script, no
/// `eval`), requests only to this origin; no plugins, frames, forms or base URL tricks.
/// Styles may be inline, and fonts `data:` URLs: Monaco, GraphiQL's editor, writes its theme
/// and layout as `<style>` elements and `style` attributes, and GraphiQL's stylesheet embeds
/// its fonts. Neither can run code or reach another host.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     worker-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; \
     img-src 'self' data:; \
     connect-src 'self'; manifest-src 'none'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// The query GraphiQL opens on: the plan's outline, in the caller's language.
pub const EXAMPLE_QUERY: &str = r#"# The open API of the AMB's Internationalisation Plan 2021-2025.
# Press the run button (or Ctrl-Enter). Open the Docs panel to explore every type.
{
  plan {
    code
    title
    approvedOn
    generalObjective
    specificObjectives { code text }
    strategicLines {
      code
      title
      actions { code title responsibleUnits { code name } }
      expectedResults { code text }
    }
  }
  search(text: "cooperacion", first: 5) { type code snippet }
}
"#;

/// What the Headers tab opens with: how to act as an AMB area or a municipality.
pub const EXAMPLE_HEADERS: &str = r#"{
  // Anonymous callers read what is published. AMB areas and municipalities send the
  // bearer token they were given (for a local one: cargo run -- token --help), e.g.:
  // "Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9...",
  // "Accept-Language": "ca"
}"#;

/// The routes, to be merged into the public router.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/graphiql", get(page))
        .route("/graphiql/assets/{file}", get(asset))
}

/// The hashed name of a bundle file by its logical name (`graphiql.js`, `json.worker.js`, …).
fn asset_url(manifest: &serde_json::Value, logical: &str) -> Option<String> {
    Some(format!("{ASSETS}{}", manifest.get(logical)?.as_str()?))
}

/// The page, or `None` when the compiled-in bundle lacks a file it names (a broken build,
/// caught by the tests).
fn render_page() -> Option<String> {
    let manifest: serde_json::Value =
        serde_json::from_slice(&Dist::get("manifest.json")?.data).ok()?;
    let settings = json!({
        "endpoint": "/graphql",
        "query": EXAMPLE_QUERY,
        "headers": EXAMPLE_HEADERS,
        "workers": {
            "editor": asset_url(&manifest, "editor.worker.js")?,
            "json": asset_url(&manifest, "json.worker.js")?,
            "graphql": asset_url(&manifest, "graphql.worker.js")?,
        },
    });
    let css = asset_url(&manifest, "graphiql.css")?;
    let js = asset_url(&manifest, "graphiql.js")?;
    let settings = escape_attribute(&settings.to_string());
    Some(format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL · AMB Internationalisation Plan API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{css}">
<script src="{js}" defer></script>
</head>
<body>
<div id="graphiql" data-settings="{settings}">
<p class="plan-api-loading">Loading GraphiQL…</p>
<noscript><p>GraphiQL needs JavaScript. Without it, send queries to <code>/graphql</code>
with any HTTP client.</p></noscript>
</div>
</body>
</html>
"#
    ))
}

async fn page() -> Response {
    match render_page() {
        Some(html) => {
            let mut response = html.into_response();
            let h = response.headers_mut();
            http_cache::set_headers(
                h,
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
                    (header::CACHE_CONTROL, "no-cache"),
                ],
            );
            http_cache::set_headers(h, http_cache::PAGE_HEADERS);
            response
        }
        None => {
            tracing::error!("the compiled-in GraphiQL bundle is incomplete");
            (StatusCode::INTERNAL_SERVER_ERROR, "GraphiQL is unavailable").into_response()
        }
    }
}

async fn asset(Path(file): Path<String>) -> Response {
    // manifest.json and SHA256SUMS are build records, not assets of the page.
    let servable = file.contains('-') && !file.starts_with('.');
    match Dist::get(&file).filter(|_| servable) {
        Some(content) => {
            let mime = content_type(&file);
            let etag = format!("\"{}\"", hex(&content.metadata.sha256_hash()));
            let mut response = (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
                    (
                        header::CACHE_CONTROL,
                        HeaderValue::from_static("public, max-age=31536000, immutable"),
                    ),
                    (
                        header::X_CONTENT_TYPE_OPTIONS,
                        HeaderValue::from_static("nosniff"),
                    ),
                ],
                content.data.into_owned(),
            )
                .into_response();
            if let Ok(etag) = HeaderValue::from_str(&etag) {
                response.headers_mut().insert(header::ETAG, etag);
            }
            response
        }
        None => (StatusCode::NOT_FOUND, "no such GraphiQL asset").into_response(),
    }
}

fn content_type(file: &str) -> &'static str {
    match file.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("ttf") => "font/ttf",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Escapes text for a double-quoted HTML attribute.
fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_only_files_the_bundle_has() {
        let html = render_page().expect("the bundle is complete");
        for name in html.split(ASSETS).skip(1) {
            let file: String = name
                .chars()
                .take_while(|c| !matches!(c, '"' | '&'))
                .collect();
            assert!(Dist::get(&file).is_some(), "{file} is not in the bundle");
        }
    }

    #[test]
    fn the_bundle_matches_its_recorded_checksums() {
        let sums = Dist::get("SHA256SUMS").expect("SHA256SUMS");
        let sums = std::str::from_utf8(&sums.data).expect("utf-8");
        let mut listed = 0;
        for line in sums.lines() {
            let (sum, file) = line.split_once("  ").expect("sha256sum format");
            let content = Dist::get(file).expect("listed file");
            assert_eq!(hex(&content.metadata.sha256_hash()), sum, "{file}");
            listed += 1;
        }
        assert_eq!(listed, Dist::iter().count() - 1, "every file is listed");
    }
}
