//! The anonymous response cache: what shares an entry, and what is never cached.

use super::*;

#[tokio::test]
async fn a_repeated_anonymous_query_is_answered_from_the_cache_with_the_same_bytes() {
    let app = app().await;
    let first = get(&app, &[("query", OUTLINE)], &[]).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.header("x-cache"), "miss");
    // Insignificant white space and commas do not make another document.
    let second = get(
        &app,
        &[(
            "query",
            "{\n  plan { code, strategicLines { code } }\n}  # again",
        )],
        &[],
    )
    .await;
    assert_eq!(second.header("x-cache"), "hit");
    assert_eq!(second.text, first.text);
    assert_eq!(second.header("etag"), first.header("etag"));
    // The cost still reaches the client, and keys keep the selection's order.
    assert!(
        second.text.starts_with(r#"{"data":{"plan":{"code":"#),
        "{}",
        second.text
    );
    assert!(
        second.body["extensions"]["cost"]["requested"]
            .as_u64()
            .is_some()
    );
    // Another language is another entry.
    let catalan = get(&app, &[("query", OUTLINE)], &[("accept-language", "ca")]).await;
    assert_eq!(catalan.header("x-cache"), "miss");
    assert_eq!(catalan.header("content-language"), "ca");
    // POST shares the entries, but is not for shared caches.
    let posted = post(&app, json!({ "query": OUTLINE }), &[]).await;
    assert_eq!(posted.header("x-cache"), "hit");
    assert_eq!(posted.header("cache-control"), "no-store");
    assert_eq!(posted.text, first.text);
    // The metrics count hits and misses.
    let metrics = app.ops_get("/metrics").await.text;
    assert!(
        metrics.contains(r#"plan_api_response_cache_total{outcome="hit"}"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn variables_in_any_key_order_share_an_entry_and_other_values_do_not() {
    let app = app().await;
    let q = "query($a: String!, $b: String!) { x: action(code: $a) { code } y: action(code: $b) { code } }";
    let one = post(
        &app,
        json!({ "query": q, "variables": { "a": "LE1.1", "b": "LE1.2" } }),
        &[],
    )
    .await;
    assert_eq!(one.header("x-cache"), "miss");
    let two = post(
        &app,
        json!({ "query": q, "variables": { "b": "LE1.2", "a": "LE1.1" } }),
        &[],
    )
    .await;
    assert_eq!(two.header("x-cache"), "hit");
    let three = post(
        &app,
        json!({ "query": q, "variables": { "a": "LE1.2", "b": "LE1.1" } }),
        &[],
    )
    .await;
    assert_eq!(three.header("x-cache"), "miss");
    assert_eq!(three.body["data"]["x"]["code"], "LE1.2");
}

#[tokio::test]
async fn callers_with_a_token_errors_and_mutations_are_never_cached() {
    let app = app().await;
    let reader = bearer("reader", None, None);
    for _ in 0..2 {
        let r = get(&app, &[("query", OUTLINE)], &[("authorization", &reader)]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.header("x-cache"), "bypass");
        assert_eq!(r.header("cache-control"), "private, no-store");
    }
    // An anonymous entry is never served to a token holder either.
    get(&app, &[("query", OUTLINE)], &[]).await;
    let r = get(&app, &[("query", OUTLINE)], &[("authorization", &reader)]).await;
    assert_eq!(r.header("x-cache"), "bypass");
    // Errors are answered afresh each time, and not kept by anyone.
    for _ in 0..2 {
        let r = get(
            &app,
            &[("query", "{ action(code: \"LE9.9\") { code } }")],
            &[],
        )
        .await;
        assert_eq!(r.error_code(), Some("NOT_FOUND"));
        assert_eq!(r.header("x-cache"), "");
        assert_eq!(r.header("cache-control"), "no-store");
    }
}
