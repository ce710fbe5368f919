//! HTTP caching: ETag, 304, Cache-Control and Vary.

use super::*;

#[tokio::test]
async fn etags_revalidate_with_304_and_the_cache_headers_say_who_may_keep_what() {
    let app = app().await;
    let first = get(&app, &[("query", OUTLINE)], &[]).await;
    let etag = first.header("etag").to_owned();
    assert!(etag.starts_with('"') && etag.len() == 34, "{etag}");
    assert_eq!(
        first.header("cache-control"),
        "public, max-age=60, stale-while-revalidate=600"
    );
    assert_eq!(
        first.header("vary"),
        "Accept, Accept-Language, Authorization"
    );
    let again = get(&app, &[("query", OUTLINE)], &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.text, "");
    assert_eq!(again.header("etag"), etag);
    assert_eq!(
        again.header("cache-control"),
        "public, max-age=60, stale-while-revalidate=600"
    );
    // Another tag, or another document: the full answer.
    let other = get(
        &app,
        &[("query", OUTLINE)],
        &[("if-none-match", "\"0000\"")],
    )
    .await;
    assert_eq!(other.status, StatusCode::OK);
    // A compressed body is another representation with a tag of its own, which revalidates.
    let gz = get(&app, &[("query", OUTLINE)], &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.header("content-encoding"), "gzip");
    let gz_tag = gz.header("etag").to_owned();
    assert_eq!(gz_tag, format!("{}-gzip\"", etag.trim_end_matches('"')));
    let gz_again = get(
        &app,
        &[("query", OUTLINE)],
        &[("accept-encoding", "gzip"), ("if-none-match", &gz_tag)],
    )
    .await;
    assert_eq!(gz_again.status, StatusCode::NOT_MODIFIED);
    // POST never answers 304, and mutations and refusals are not to be stored.
    let posted = post(
        &app,
        json!({ "query": OUTLINE }),
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(posted.status, StatusCode::OK);
    assert_eq!(posted.header("etag"), etag);
    let bad = get(&app, &[("query", "{ nope }")], &[]).await;
    assert_eq!(bad.header("cache-control"), "no-store");
    let authed = get(
        &app,
        &[("query", OUTLINE)],
        &[("authorization", &bearer("reader", None, None))],
    )
    .await;
    assert_eq!(authed.header("cache-control"), "private, no-store");
}

#[tokio::test]
async fn cors_adds_origin_to_vary() {
    let app = app_with(|c| c.cors_origins = Some("https://www.l-h.cat".into())).await;
    let r = get(
        &app,
        &[("query", OUTLINE)],
        &[("origin", "https://www.l-h.cat")],
    )
    .await;
    let vary: Vec<String> = r
        .headers
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|s| s.trim().to_ascii_lowercase()))
        .collect();
    for expected in ["accept", "accept-language", "authorization", "origin"] {
        assert!(vary.iter().any(|v| v == expected), "{vary:?}");
    }
}
