//! The response cache: hits, keys, who never uses it, and invalidation by publication.

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

/// A portal repeating one URL (a document, or a persisted document's hash) is answered by
/// that exact query string, before anything is decoded; still only for anonymous callers,
/// still revalidated with 304, still rate limited, and never after a change.
#[tokio::test]
async fn a_repeated_anonymous_get_is_answered_by_its_exact_url() {
    let app = app_with(|c| {
        c.rate_limit_per_minute = 60;
        c.rate_limit_burst = 8;
    })
    .await;
    let ext = apq(&sha256_hex(OUTLINE)).to_string();
    // Registered and answered by POST: the document's entry exists, the URL has none yet.
    let posted = post(
        &app,
        json!({ "query": OUTLINE, "extensions": apq(&sha256_hex(OUTLINE)) }),
        &[],
    )
    .await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.text);
    let first = get(&app, &[("extensions", &ext)], &[]).await;
    assert_eq!(first.header("x-cache"), "hit");
    assert_eq!(app.state.cache.url_hits(), 0, "found by the document's key");
    // The same URL again: found by the URL itself, same bytes, same headers.
    let second = get(&app, &[("extensions", &ext)], &[]).await;
    assert_eq!(app.state.cache.url_hits(), 1);
    assert_eq!(second.text, posted.text);
    assert_eq!(second.header("x-cache"), "hit");
    assert_eq!(second.header("etag"), first.header("etag"));
    assert_eq!(
        second.header("cache-control"),
        "public, max-age=60, stale-while-revalidate=600"
    );
    assert_eq!(second.header("content-language"), "es");
    // A revalidation by the same URL: 304.
    let etag = second.header("etag").to_owned();
    let revalidated = get(&app, &[("extensions", &ext)], &[("if-none-match", &etag)]).await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    assert_eq!(app.state.cache.url_hits(), 2);
    // Another language is another URL entry; a token never reads one.
    let catalan = get(&app, &[("extensions", &ext)], &[("accept-language", "ca")]).await;
    assert_eq!(catalan.header("content-language"), "ca");
    let with_token = get(
        &app,
        &[("extensions", &ext)],
        &[("authorization", &bearer("admin", None, None))],
    )
    .await;
    assert_eq!(with_token.status, StatusCode::OK, "{}", with_token.text);
    assert_eq!(with_token.header("x-cache"), "bypass");
    assert_eq!(with_token.header("cache-control"), "private, no-store");
    assert_eq!(app.state.cache.url_hits(), 2);
    // The rate limit still counts URL hits: anonymous requests 6 to 8 pass (the burst is 8,
    // the token had its own allowance), the 9th is refused and served nothing.
    for _ in 0..3 {
        let again = get(&app, &[("extensions", &ext)], &[]).await;
        assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    }
    assert_eq!(app.state.cache.url_hits(), 5);
    let limited = get(&app, &[("extensions", &ext)], &[]).await;
    assert_eq!(
        limited.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        limited.text
    );
    assert_eq!(limited.error_code(), Some("RATE_LIMITED"));
    assert_eq!(app.state.cache.url_hits(), 5);
}

/// A new content generation empties the URL entries with the others.
#[tokio::test]
async fn a_url_entry_is_not_served_after_a_publication() {
    let app = app().await;
    let vars = json!({ "code": "LE1.1" }).to_string();
    let params = [("query", PROGRESS), ("variables", vars.as_str())];
    get(&app, &params, &[]).await;
    let cached = get(&app, &params, &[]).await;
    assert_eq!(cached.header("x-cache"), "hit");
    let hits = app.state.cache.url_hits();
    assert_eq!(hits, 1);
    let (id, version) = submitted_progress(&app).await;
    review(&app, "publishRecord", &id, version).await;
    // Answered afresh (`miss`, or `bypass` while the new generation is on its way).
    let after = get(&app, &params, &[]).await;
    assert_ne!(after.header("x-cache"), "hit");
    assert_eq!(app.state.cache.url_hits(), hits);
    assert_eq!(
        after.body["data"]["action"]["currentProgress"]["percentComplete"], 70,
        "{}",
        after.body
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

#[tokio::test]
async fn publishing_and_archiving_show_at_once_to_anonymous_callers() {
    let app = app().await;
    let vars = json!({ "code": "LE1.1" }).to_string();
    let params = [("query", PROGRESS), ("variables", vars.as_str())];
    let read = || get(&app, &params, &[]);
    let before = read().await;
    assert_eq!(
        before.body["data"]["action"]["currentProgress"],
        Value::Null
    );
    assert_eq!(read().await.header("x-cache"), "hit");
    let generation = app.state.cache.generation.current();

    // Submitting changes nothing anonymous callers see: the entry stays.
    let (id, version) = submitted_progress(&app).await;
    let after_submit = read().await;
    assert_eq!(after_submit.header("x-cache"), "hit");
    assert_eq!(app.state.cache.generation.current(), generation);

    // Publishing shows on the very next anonymous read.
    let version = review(&app, "publishRecord", &id, version).await;
    let after = read().await;
    assert_ne!(after.header("x-cache"), "hit");
    assert_eq!(
        after.body["data"]["action"]["currentProgress"]["percentComplete"], 70,
        "{}",
        after.body
    );
    assert_ne!(after.header("etag"), before.header("etag"));

    // Archiving the published record takes it away just as fast.
    review(&app, "archiveRecord", &id, version).await;
    let archived = read().await;
    assert_eq!(
        archived.body["data"]["action"]["currentProgress"],
        Value::Null
    );
    let (generation_now, _) = plan_api::generation::read(&app.state.db)
        .await
        .expect("generation");
    assert!(generation_now >= generation.unwrap_or(0) + 2);
}

#[tokio::test]
async fn unpublished_records_never_reach_the_cache() {
    let app = app().await;
    let (id, _) = submitted_progress(&app).await;
    let node = format!("{{ node(id: \"{id}\") {{ id }} }}");
    let area = bearer("area", Some("AMB-SRI"), None);
    let own = get(&app, &[("query", &node)], &[("authorization", &area)]).await;
    assert_eq!(own.body["data"]["node"]["id"], id.as_str());
    assert_eq!(own.header("x-cache"), "bypass");
    let anonymous = get(&app, &[("query", &node)], &[]).await;
    assert_eq!(
        anonymous.body["data"]["node"],
        Value::Null,
        "{}",
        anonymous.text
    );
}

#[tokio::test]
async fn a_generation_committed_elsewhere_is_seen_within_a_second() {
    use sea_orm::ConnectionTrait;
    let app = app().await;
    let known = app.state.cache.generation.current().expect("known");
    // Another process (a replica, `plan-api seed`) commits a bump this one is not told of.
    app.state
        .db
        .execute_unprepared("UPDATE content_generation SET generation = generation + 1")
        .await
        .expect("bump");
    let took = wait_until(Duration::from_secs(2), || {
        app.state.cache.generation.current() == Some(known + 1)
    })
    .await;
    assert!(took < Duration::from_secs(1), "{took:?}");
}
