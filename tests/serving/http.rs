//! GraphQL over HTTP: media types and status codes, the introspection switch, CORS,
//! compression, and keys in the order asked.

use super::*;

#[tokio::test]
async fn introspection_and_suggestions_can_be_turned_off_together() {
    let open = TestApp::new().await;
    let r = open
        .post("{ __schema { queryType { name } } }", json!({}), &[])
        .await;
    assert_eq!(r.body["data"]["__schema"]["queryType"]["name"], "Query");
    let r = open.post("{ plan { titl } }", json!({}), &[]).await;
    assert!(r.error_message().contains("Did you mean"), "{}", r.body);

    let closed = TestApp::with(|c| c.introspection = false).await;
    let r = closed
        .post(
            "{ __schema { queryType { name } } __type(name: \"Plan\") { name } }",
            json!({}),
            &[],
        )
        .await;
    assert_eq!(
        r.body["data"],
        json!({ "__schema": null, "__type": null }),
        "{}",
        r.body
    );
    let r = closed.post("{ plan { titl } }", json!({}), &[]).await;
    assert_eq!(r.error_code(), Some("GRAPHQL_VALIDATION_FAILED"));
    assert!(!r.error_message().contains("Did you mean"), "{}", r.body);
}

#[tokio::test]
async fn graphql_over_http_media_types_and_status_codes() {
    let app = TestApp::new().await;
    let gr = "application/graphql-response+json";
    let ok = app
        .post("{ plan { code } }", json!({}), &[("accept", gr)])
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(
        ok.headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with(gr)
    );

    // A request error: 400 and no data entry with the new media type; 200 with the old one.
    let bad = app
        .post("{ plan { nope } }", json!({}), &[("accept", gr)])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.get("data").is_none(), "{}", bad.body);
    let legacy = app
        .post(
            "{ plan { nope } }",
            json!({}),
            &[("accept", "application/json")],
        )
        .await;
    assert_eq!(legacy.status, StatusCode::OK);
    assert!(
        legacy.headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("application/json")
    );
    // A field error is not a request error: 200, with the data entry.
    let field = app
        .post(
            r#"{ action(code: "LE9.9") { code } plan { code } }"#,
            json!({}),
            &[("accept", gr)],
        )
        .await;
    assert_eq!(field.status, StatusCode::OK);
    assert_eq!(field.body["data"]["plan"]["code"], "AMB-PI-2021-2025");
    assert_eq!(field.error_code(), Some("NOT_FOUND"));

    let html = app
        .post("{ plan { code } }", json!({}), &[("accept", "text/html")])
        .await;
    assert_eq!(html.status, StatusCode::NOT_ACCEPTABLE);

    // No form-encoded or multipart POST: a foreign page could send those without a preflight.
    for ct in [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
    ] {
        let r = app
            .send(post_raw(
                "query=%7Bplan%7Bcode%7D%7D",
                &[("content-type", ct)],
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct}");
    }
    let r = app
        .send(post_raw(
            "{not json",
            &[("content-type", "application/json")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .send(post_raw(
            r#"{"query": 5}"#,
            &[("content-type", "application/json")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .get("/graphql?query=%7Bplan%7Bcode%7D%7D&variables=%5B1%5D")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

/// A browser's preflight of a POST with a token from `origin`.
fn preflight(origin: &str) -> Request<Body> {
    Request::builder()
        .method("OPTIONS")
        .uri("/graphql")
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type, authorization",
        )
        .body(Body::empty())
        .expect("request")
}

/// The values of every `name` header, split at commas, in lower case.
fn header_list(r: &crate::common::Reply, name: &str) -> Vec<String> {
    r.headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|s| s.trim().to_ascii_lowercase()))
        .collect()
}

#[tokio::test]
async fn cors_answers_any_origin_by_default_without_credentials() {
    let app = TestApp::new().await;
    assert_eq!(app.state.config.cors_origins, None, "nothing configured");
    let r = app.send(preflight("https://www.santadria.cat")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("access-control-allow-origin"), "*");
    assert_eq!(
        header_list(&r, "access-control-allow-methods"),
        ["get", "post", "options"]
    );
    assert_eq!(
        header_list(&r, "access-control-allow-headers"),
        [
            "content-type",
            "authorization",
            "accept",
            "accept-language",
            "x-request-id",
            "traceparent",
            "tracestate"
        ]
    );
    assert_eq!(r.header("access-control-max-age"), "3600");
    assert!(r.headers.get("access-control-allow-credentials").is_none());

    // The answer itself, to a page of any site, with the headers a client may read.
    let r = app
        .post(
            "{ plan { code } }",
            json!({}),
            &[("origin", "https://portal.example")],
        )
        .await;
    assert_eq!(r.body["data"]["plan"]["code"], "AMB-PI-2021-2025");
    assert_eq!(r.header("access-control-allow-origin"), "*");
    assert!(r.headers.get("access-control-allow-credentials").is_none());
    assert_eq!(
        header_list(&r, "access-control-expose-headers"),
        [
            "content-language",
            "retry-after",
            "ratelimit",
            "ratelimit-policy",
            "x-request-id",
            "traceparent"
        ]
    );
    // `*` is the same for every origin: shared caches keep one copy, not one per portal.
    assert!(!header_list(&r, "vary").contains(&"origin".to_owned()));
    // Downloads too: a portal's script may fetch the open data.
    let csv = app.get("/exports/AMB-PI-2021-2025/actions.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header("access-control-allow-origin"), "*");
}

#[tokio::test]
async fn cors_restricted_by_the_operator_answers_only_the_listed_origins() {
    let app = TestApp::with(|c| {
        c.cors_origins = Some("https://www.elprat.cat, https://www.l-h.cat".into())
    })
    .await;
    let r = app.send(preflight("https://www.elprat.cat")).await;
    assert_eq!(
        r.headers["access-control-allow-origin"],
        "https://www.elprat.cat"
    );
    let allowed = app
        .post(
            "{ plan { code } }",
            json!({}),
            &[("origin", "https://www.l-h.cat")],
        )
        .await;
    assert_eq!(
        allowed.headers["access-control-allow-origin"],
        "https://www.l-h.cat"
    );
    assert!(header_list(&allowed, "vary").contains(&"origin".to_owned()));
    let other = app
        .post(
            "{ plan { code } }",
            json!({}),
            &[("origin", "https://evil.example")],
        )
        .await;
    assert!(other.headers.get("access-control-allow-origin").is_none());

    // `none`: no CORS at all; the API still answers (a browser would keep it from the page).
    let off = TestApp::with(|c| c.cors_origins = Some("none".into())).await;
    let r = off.send(preflight("https://www.elprat.cat")).await;
    assert!(r.headers.get("access-control-allow-origin").is_none());
    let r = off
        .post(
            "{ plan { code } }",
            json!({}),
            &[("origin", "https://www.elprat.cat")],
        )
        .await;
    assert_eq!(r.body["data"]["plan"]["code"], "AMB-PI-2021-2025");
    assert!(r.headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let app = TestApp::new().await;
    let request = post_raw(
        &json!({ "query": "{ plan { sections { body } } }" }).to_string(),
        &[
            ("content-type", "application/json"),
            ("accept-encoding", "gzip"),
        ],
    );
    let r = app.send(request).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-encoding"], "gzip");
}

/// Object keys come in the order the query asked for them, in single and batched responses,
/// with `errors` first.
#[tokio::test]
async fn response_keys_follow_the_selection_set() {
    let app = TestApp::new().await;
    let r = app
        .post("{ plan { title code approvedOn } }", json!({}), &[])
        .await;
    let (title, code, approved) = (
        r.text.find("\"title\"").expect("title"),
        r.text.find("\"code\"").expect("code"),
        r.text.find("\"approvedOn\"").expect("approvedOn"),
    );
    assert!(title < code && code < approved, "{}", r.text);

    let batch = Request::post("/graphql")
        .header("content-type", "application/json")
        .body(Body::from(
            json!([
                { "query": "{ plan { approvedOn code } }" },
                { "query": "{ zz: plan { code } aa: plan { title } }" }
            ])
            .to_string(),
        ))
        .expect("request");
    let r = app.send(batch).await;
    assert!(
        r.text.find("\"approvedOn\"") < r.text.find("\"code\""),
        "{}",
        r.text
    );
    assert!(r.text.find("\"zz\"") < r.text.find("\"aa\""), "{}", r.text);

    // Root fields resolve concurrently and finish in any order; fragments and lists too.
    for _ in 0..5 {
        let r = app
            .post(
                "query Q { zz: plans { code } ...F mm: plan { strategicLines { title code } } aa: plan { code } } fragment F on Query { kk: plan { title } }",
                json!({}),
                &[],
            )
            .await;
        let at = |k: &str| r.text.find(&format!("\"{k}\"")).expect(k);
        assert!(
            at("zz") < at("kk") && at("kk") < at("mm") && at("mm") < at("aa"),
            "{}",
            r.text
        );
        let lines = r.text.find("\"strategicLines\"").expect("lines");
        let first_line = &r.text[lines..];
        assert!(
            first_line.find("\"title\"") < first_line.find("\"code\""),
            "{}",
            r.text
        );
    }

    let r = app
        .post(
            r#"{ plan { code } action(code: "LE9.9") { code } }"#,
            json!({}),
            &[],
        )
        .await;
    assert!(r.text.starts_with("{\"errors\":"), "{}", r.text);
}
