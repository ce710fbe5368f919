//! Downloads as HTTP resources: validators from the content generation, conditional requests,
//! streamed bodies, and clear errors for bad requests.

use super::*;

#[tokio::test]
async fn downloads_are_cacheable_and_bad_requests_are_clear() {
    let app = TestApp::new().await;
    let uri = format!("/exports/{PLAN}/actions.csv?lang=ca");
    let first = get(&app, &uri, &[]).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(
        first.headers["cache-control"],
        "public, max-age=60, stale-while-revalidate=600"
    );
    assert!(first.headers.contains_key("last-modified"));
    let etag = first.headers["etag"].to_str().expect("etag").to_owned();
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
    let again = get(&app, &uri, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.text.is_empty());
    assert_eq!(again.headers["etag"], etag.as_str());
    let other = get(
        &app,
        &format!("/exports/{PLAN}/actions.csv?lang=en"),
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(
        other.status,
        StatusCode::OK,
        "another language is another representation"
    );
    // Accept-Language decides when `lang` is absent.
    let fr = get(
        &app,
        &format!("/exports/{PLAN}/actions.csv"),
        &[("accept-language", "fr-FR,fr;q=0.9")],
    )
    .await;
    assert_eq!(fr.headers["content-language"], "fr");
    assert_eq!(fr.headers["vary"], "Accept-Language");
    // A publication changes the representation.
    plan_api::demo::load(&app.state.db)
        .await
        .expect("demo data");
    let acts = format!("/exports/{PLAN}/activities.csv");
    let before = get(&app, &acts, &[]).await.headers["etag"].clone();
    create(&app, "Activity", json!({ "kind": "FORUM", "title": { "es": "Foro" }, "startDate": "2024-04-04", "actions": ["LE1.1"] }), true).await;
    let after = get(
        &app,
        &acts,
        &[("if-none-match", before.to_str().expect("etag"))],
    )
    .await;
    assert_eq!(after.status, StatusCode::OK);
    assert_ne!(after.headers["etag"], before);

    for (uri, status, code) in [
        (
            format!("/exports/{PLAN}/actions.csv?lang=de"),
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
        (
            "/exports/NO-SUCH-PLAN/actions.csv".to_owned(),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            format!("/exports/{PLAN}/secrets.csv"),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            format!("/exports/{PLAN}/actions.xml"),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            format!("/exports/{PLAN}/annual-report-1999.csv"),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            format!("/reports/{PLAN}/1999"),
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
        (
            format!("/reports/{PLAN}/next"),
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
    ] {
        let r = get(&app, &uri, &[]).await;
        assert_eq!(r.status, status, "{uri}: {}", r.text);
        assert_eq!(r.error_code(), Some(code), "{uri}: {}", r.text);
    }
}

#[tokio::test]
async fn validators_come_from_the_content_generation_and_bodies_are_streamed() {
    let app = TestApp::new().await;
    plan_api::demo::load(&app.state.db)
        .await
        .expect("demo data");
    let uri = format!("/exports/{PLAN}/measurements.json?lang=en");
    let first = get(&app, &uri, &[]).await;
    assert_eq!(first.status, StatusCode::OK);
    // Streamed: the length is not known when the head is sent.
    assert!(
        !first.headers.contains_key("content-length"),
        "{:?}",
        first.headers
    );
    assert!(
        !first.body["records"]
            .as_array()
            .expect("records")
            .is_empty()
    );
    let etag = header(&first, "etag").to_owned();
    let modified = header(&first, "last-modified").to_owned();
    assert_eq!(
        header(&first, "cache-control"),
        plan_api::http_cache::PUBLIC
    );
    // Nothing changed: the same tag, and every way of asking for it gets a bodiless 304.
    let again = get(&app, &uri, &[]).await;
    assert_eq!(header(&again, "etag"), etag);
    assert_eq!(again.text, first.text);
    let gzip_tag = format!("{}-gzip\"", etag.trim_end_matches('"'));
    for (name, value) in [
        ("if-none-match", etag.as_str()),
        ("if-none-match", gzip_tag.as_str()),
        ("if-none-match", "\"other\", *"),
        ("if-modified-since", modified.as_str()),
        ("if-modified-since", "Fri, 01 Jan 2100 00:00:00 GMT"),
    ] {
        let r = get(&app, &uri, &[(name, value)]).await;
        assert_eq!(r.status, StatusCode::NOT_MODIFIED, "{name}: {value}");
        assert!(r.text.is_empty());
        assert_eq!(header(&r, "etag"), etag);
        assert_eq!(header(&r, "last-modified"), modified);
        assert_eq!(header(&r, "cache-control"), plan_api::http_cache::PUBLIC);
    }
    // An older copy; a tag that does not match overrides a current If-Modified-Since.
    let old = get(
        &app,
        &uri,
        &[("if-modified-since", "Mon, 01 Jan 2001 00:00:00 GMT")],
    )
    .await;
    assert_eq!(old.status, StatusCode::OK);
    let stale = get(
        &app,
        &uri,
        &[
            ("if-none-match", "\"stale\""),
            ("if-modified-since", modified.as_str()),
        ],
    )
    .await;
    assert_eq!(stale.status, StatusCode::OK);
    // HEAD: the same head, no body, nothing read.
    let head = send(&app, "HEAD", &uri, &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.text.is_empty());
    assert_eq!(header(&head, "etag"), etag);
    assert_eq!(
        header(&head, "content-type"),
        "application/json; charset=utf-8"
    );
    // Another format or language is another representation.
    let csv = get(
        &app,
        &format!("/exports/{PLAN}/measurements.csv?lang=en"),
        &[],
    )
    .await;
    let ca = get(
        &app,
        &format!("/exports/{PLAN}/measurements.json?lang=ca"),
        &[],
    )
    .await;
    assert_ne!(header(&csv, "etag"), etag);
    assert_ne!(header(&ca, "etag"), etag);

    // A generation bump (what every visible change does in its transaction) changes the tag.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    plan_api::generation::bump(&app.state.db)
        .await
        .expect("bump");
    let after = get(&app, &uri, &[("if-none-match", etag.as_str())]).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_ne!(header(&after, "etag"), etag);
    assert_ne!(header(&after, "last-modified"), modified);
    let since = get(&app, &uri, &[("if-modified-since", modified.as_str())]).await;
    assert_eq!(since.status, StatusCode::OK, "modified since");
    assert_eq!(after.text, first.text, "the same rows under a new tag");
}
