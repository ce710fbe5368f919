//! The embeddable widget and the editors' page: headers, caching, size budget, and the GraphQL
//! documents the widget sends, answered over GET as a portal's browser would send them.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::common::{Reply, TestApp};

/// The widget's budget on the wire, gzipped (issue 14).
const GZIP_BUDGET: usize = 15 * 1024;

fn get(uri: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut b = Request::get(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::empty()).expect("request")
}

/// Percent-encodes a query-string value (everything but unreserved characters).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn document(name: &str) -> String {
    plan_api::embed::documents()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| text)
        .expect("a widget document")
}

/// The URL the widget builds for a municipality and language.
fn widget_url(ine: &str, lang: &str) -> String {
    let variables = format!(r#"{{"ine":"{ine}","lang":"{lang}"}}"#);
    format!(
        "/graphql?query={}&operationName=AmbPlanWidget&variables={}",
        encode(&document("AmbPlanWidget")),
        encode(&variables)
    )
}

#[tokio::test]
async fn the_widget_is_javascript_cached_for_a_year_with_a_validator() {
    let app = TestApp::new().await;
    let reply = app.get(plan_api::embed::WIDGET_PATH).await;
    assert_eq!(reply.status, StatusCode::OK);
    let h = |name: header::HeaderName| {
        reply
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(h(header::CONTENT_TYPE), "text/javascript; charset=utf-8");
    assert_eq!(
        h(header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(h(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    let etag = h(header::ETAG);
    assert!(etag.starts_with("W/\"") && etag.len() > 6, "{etag}");
    assert!(
        reply
            .text
            .contains("customElements.define('amb-plan-widget'")
    );
    // The documents are filled in, exactly as `documents()` gives them (for trusted documents).
    let literal = serde_json::to_string(&document("AmbPlanWidget")).expect("json");
    assert!(reply.text.contains(&literal));
    // Nothing a strict CSP or Trusted Types would refuse.
    for banned in ["eval(", "new Function", "innerHTML", "setAttribute('style'"] {
        assert!(!reply.text.contains(banned), "{banned}");
    }

    // Revalidation: the same ETag (weak or not) gets 304 and no body.
    for tag in [etag.clone(), etag.trim_start_matches("W/").to_owned()] {
        let again = app
            .send(get(
                plan_api::embed::WIDGET_PATH,
                &[("if-none-match", &tag)],
            ))
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{tag}");
        assert!(again.text.is_empty());
        assert_eq!(
            again.headers.get(header::ETAG),
            reply.headers.get(header::ETAG)
        );
    }
    let stale = app
        .send(get(
            plan_api::embed::WIDGET_PATH,
            &[("if-none-match", "W/\"0000000000000000\"")],
        ))
        .await;
    assert_eq!(stale.status, StatusCode::OK);

    // Only the published version exists.
    assert_eq!(
        app.get("/embed/v2/plan-widget.js").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_widget_is_under_15_kb_gzipped() {
    let app = TestApp::new().await;
    let response = app
        .router
        .clone()
        .oneshot(get(
            plan_api::embed::WIDGET_PATH,
            &[("accept-encoding", "gzip")],
        ))
        .await
        .expect("router");
    assert_eq!(
        response.headers().get(header::CONTENT_ENCODING),
        Some(&header::HeaderValue::from_static("gzip"))
    );
    let gzipped = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .len();
    let plain = app.get(plan_api::embed::WIDGET_PATH).await.text.len();
    println!("plan-widget.js: {plain} bytes, {gzipped} bytes gzipped");
    assert!(
        gzipped < GZIP_BUDGET,
        "{gzipped} bytes gzipped, over the budget"
    );
    assert!(gzipped < plain);
}

#[tokio::test]
async fn the_widget_query_answers_over_get_with_the_municipality_s_part() {
    let app = TestApp::new().await;
    plan_api::demo::load(&app.state.db)
        .await
        .expect("demo data");
    let url = widget_url("08101", "CA");
    // Short enough for every browser, proxy and CDN (they accept 2,000 characters at least).
    assert!(url.len() < 2000, "{} characters", url.len());
    let reply = app.get(&url).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.get("errors").is_none(), "{}", reply.body);
    let m = &reply.body["data"]["municipality"];
    assert_eq!(m["name"], "L'Hospitalet de Llobregat");
    let first = &m["actions"][0];
    assert_eq!(first["code"], "LE1.1");
    assert_eq!(
        first["title"],
        "Seguiment de les polítiques impulsades per la UE i anàlisi en clau metropolitana"
    );
    assert_eq!(first["strategicLine"]["code"], "LE1");
    assert_eq!(first["responsibleUnits"][0]["code"], "AMB-SRI");
    assert_eq!(first["currentProgress"]["percentComplete"], 60);
    // Published synthetic records of the demo, in the language asked for.
    let activities = m["activities"]["nodes"].as_array().expect("activities");
    assert!(!activities.is_empty());
    assert!(
        activities.iter().all(|a| a["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("[Dades sintètiques de demostració]"))),
        "{activities:?}"
    );
    assert!(
        !m["fundedProjects"]["nodes"]
            .as_array()
            .expect("projects")
            .is_empty()
    );
    let lines = reply.body["data"]["plan"]["strategicLines"]
        .as_array()
        .expect("lines");
    assert_eq!(lines.len(), 5);
    assert_eq!(
        lines[0]["title"],
        "Incidència en l'agenda política europea i internacional"
    );
    assert!(lines[0]["progressSummary"]["actions"].as_i64() > Some(0));

    // The same municipality in English: the plan's texts change with the variable alone.
    let en = app.get(&widget_url("08101", "EN")).await;
    assert_eq!(
        en.body["data"]["municipality"]["actions"][0]["title"],
        "Monitoring of the policies promoted by the EU and analysis from a metropolitan perspective"
    );

    // What the widget reads as "unknown municipality".
    let unknown = app.get(&widget_url("08999", "FR")).await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert_eq!(unknown.error_code(), Some("NOT_FOUND"));
    let malformed = app.get(&widget_url("Hospitalet", "ES")).await;
    assert_eq!(malformed.error_code(), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn the_editors_page_lists_the_municipalities_through_its_document() {
    let app = TestApp::new().await;
    let url = format!(
        "/graphql?query={}&operationName=AmbEmbedMunicipalities",
        encode(&document("AmbEmbedMunicipalities"))
    );
    let reply = app.get(&url).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.body["data"]["municipalities"]
            .as_array()
            .map(Vec::len),
        Some(36)
    );
}

fn header_of<'a>(reply: &'a Reply, name: &str) -> &'a str {
    reply
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_editors_page_is_self_contained_under_a_strict_csp() {
    let app = TestApp::new().await;
    let page = app.get("/embed").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(header_of(&page, "content-type"), "text/html; charset=utf-8");
    let csp = header_of(&page, "content-security-policy");
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert_eq!(header_of(&page, "cache-control"), "no-cache");
    // Every script and style is a file of ours: no inline code, nothing from another host.
    assert!(!page.text.contains("<script>") && !page.text.contains("<style"));
    assert!(
        page.text
            .contains(r#"<script src="/embed/v1/plan-widget.js" defer></script>"#)
    );
    for (path, kind) in [
        ("/embed/editor.js", "text/javascript; charset=utf-8"),
        ("/embed/editor.css", "text/css; charset=utf-8"),
        ("/embed/icon.svg", "image/svg+xml"),
    ] {
        assert!(page.text.contains(path), "{path}");
        let file = app.get(path).await;
        assert_eq!(file.status, StatusCode::OK, "{path}");
        assert_eq!(header_of(&file, "content-type"), kind, "{path}");
        assert_eq!(header_of(&file, "cache-control"), "no-cache", "{path}");
        let etag = header_of(&file, "etag").to_owned();
        let again = app.send(get(path, &[("if-none-match", &etag)])).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
    }
    let script = app.get("/embed/editor.js").await;
    assert!(!script.text.contains("/*@documents*/"));
}

#[tokio::test]
async fn a_portal_reads_across_origins_unless_the_operator_restricts_them() {
    let portal = "https://www.l-h.cat";
    let url = widget_url("08101", "ES");

    // The default: any site's page may read the widget's answer, without credentials.
    let default = TestApp::new().await;
    let reply = default.send(get(&url, &[("origin", portal)])).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(header_of(&reply, "access-control-allow-origin"), "*");
    assert!(
        reply
            .headers
            .get("access-control-allow-credentials")
            .is_none()
    );
    assert_eq!(reply.body["data"]["municipality"]["ineCode"], "08101");

    // An operator who restricts it lists the portals that may.
    let restricted =
        TestApp::with(|c| c.cors_origins = Some(format!("{portal},https://other.example"))).await;
    let reply = restricted.send(get(&url, &[("origin", portal)])).await;
    assert_eq!(header_of(&reply, "access-control-allow-origin"), portal);
    assert!(reply.body.get("errors").is_none(), "{}", reply.body);
    let stranger = restricted
        .send(get(&url, &[("origin", "https://elsewhere.example")]))
        .await;
    assert!(
        stranger
            .headers
            .get("access-control-allow-origin")
            .is_none()
    );
    // The widget file itself is a classic script: it needs no CORS, from any origin.
    let script = restricted
        .send(get(plan_api::embed::WIDGET_PATH, &[("origin", portal)]))
        .await;
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(
        header_of(&script, "cross-origin-resource-policy"),
        "cross-origin"
    );
}

#[tokio::test]
async fn the_widget_works_where_anonymous_callers_may_send_only_trusted_documents() {
    let app = TestApp::with(|c| c.anonymous_trusted_only = true).await;
    let reply = app.get(&widget_url("08101", "CA")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert!(reply.body["errors"].is_null(), "{}", reply.body);
    assert_eq!(
        reply.body["data"]["municipality"]["ineCode"], "08101",
        "{}",
        reply.body
    );
    let list = app
        .get(&format!(
            "/graphql?query={}&operationName=AmbEmbedMunicipalities",
            encode(&document("AmbEmbedMunicipalities"))
        ))
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    // The widget's documents are listed with the reviewed ones.
    let manifest = app.get("/graphql/documents").await;
    let names: Vec<&str> = manifest.body["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    for name in ["AmbPlanWidget", "AmbEmbedMunicipalities", "PlanOutline"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    // Anything else is still refused.
    let other = app.get("/graphql?query=%7Bplan%7Bcode%7D%7D").await;
    assert_eq!(other.error_code(), Some("TRUSTED_DOCUMENT_REQUIRED"));
}
