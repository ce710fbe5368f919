//! The endpoints themselves: health, GraphiQL and the root redirect, GET and POST, and the
//! language a response is in.

use super::*;

#[tokio::test]
async fn health_graphiql_and_root_redirect() {
    let app = TestApp::new().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.body, json!("ok"));

    let root = app.get("/").await;
    assert_eq!(root.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(root.headers["location"], "/graphiql");

    let page = app.get("/graphiql").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body.as_str().expect("html");
    assert!(html.contains("<title>GraphiQL"));
    // The settings travel in a data- attribute (no inline script), HTML-escaped.
    assert!(html.contains("&quot;query&quot;:&quot;# The open API of the AMB&#39;s"));
    assert!(html.contains("&quot;endpoint&quot;:&quot;/graphql&quot;"));
    assert!(html.contains(r"// \&quot;Authorization\&quot;: \&quot;Bearer"));
    assert!(!html.contains("<script>"), "no inline script");
    assert!(!html.contains("https://"), "nothing from another host");
    let csp = page.headers["content-security-policy"]
        .to_str()
        .expect("csp");
    assert!(csp.contains("script-src 'self';"), "{csp}");
    assert!(csp.contains("connect-src 'self';"), "{csp}");

    let script = html
        .split("<script src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page's script");
    assert!(script.starts_with("/graphiql/assets/graphiql-"), "{script}");
    let asset = app.get(script).await;
    assert_eq!(asset.status, StatusCode::OK);
    assert_eq!(
        asset.headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        asset.headers["content-type"],
        "text/javascript; charset=utf-8"
    );
    for missing in [
        "/graphiql/assets/manifest.json",
        "/graphiql/assets/SHA256SUMS",
        "/graphiql/assets/..%2Fbuild.mjs",
        "/graphiql/assets/nope-123.js",
    ] {
        assert_eq!(
            app.get(missing).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}

#[tokio::test]
async fn queries_work_over_get_but_mutations_do_not() {
    let app = TestApp::new().await;
    let ok = app.get("/graphql?query=%7Bplan%7Bcode%7D%7D").await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.body["data"]["plan"]["code"], "AMB-PI-2021-2025");

    let mutation = app.get("/graphql?query=mutation%7B__typename%7D").await;
    assert_eq!(mutation.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(mutation.error_code(), Some("BAD_REQUEST"));
    assert_eq!(mutation.headers["allow"], "POST");
}

#[tokio::test]
async fn language_is_negotiated_and_reported() {
    let app = TestApp::new().await;
    for (accept, served) in [
        ("ca-ES,ca;q=0.9,en;q=0.8", "ca"),
        ("de-DE, fr;q=0.5", "fr"),
        ("de", "es"),
    ] {
        let reply = app
            .post(
                "{ plan { code } }",
                json!({}),
                &[("accept-language", accept)],
            )
            .await;
        assert_eq!(reply.headers["content-language"], served, "{accept}");
    }
    // The argument wins over the header.
    let reply = app
        .post(
            "{ plan { fr: title(lang: FR) ca: title en: title(lang: EN) es: title(lang: ES) } }",
            json!({}),
            &[("accept-language", "ca")],
        )
        .await;
    assert_eq!(
        reply.body["data"]["plan"],
        json!({
            "fr": "Plan d'internationalisation de l'Aire métropolitaine de Barcelone 2021-2025",
            "ca": "Pla d'Internacionalització de l'Àrea Metropolitana de Barcelona 2021-2025",
            "en": "Internationalisation Plan of the Barcelona Metropolitan Area 2021-2025",
            "es": "Plan de Internacionalización del Área Metropolitana de Barcelona 2021-2025",
        })
    );
}
