//! One computation per cache miss: concurrent anonymous requests for the same missing answer
//! wait for the first one and are served what it stored.

use super::*;

/// Reads records, so its execution waits on the database and the other requests arrive while
/// it runs.
const RECORDS: &str = "query($first: Int!) { progressUpdates(first: $first) {
    totalCount nodes { id year percentComplete action { code } } } }";

#[tokio::test]
async fn concurrent_misses_of_one_answer_run_it_once() {
    let app = app().await;
    // One request alone: what an execution costs.
    let before = app.state.statements.get();
    let alone = app.post(RECORDS, json!({ "first": 5 }), &[]).await;
    alone.expect_data("alone");
    let single = app.state.statements.get() - before;
    assert!(single > 0, "the query reads the database");
    let executions = app.state.cache.executions();

    // Sixteen at once, for an answer nobody asked for yet.
    let before = app.state.statements.get();
    let replies = futures_util::future::join_all(
        (0..16).map(|_| app.post(RECORDS, json!({ "first": 6 }), &[])),
    )
    .await;
    let used = app.state.statements.get() - before;
    let first = replies[0].expect_data("the first");
    for r in &replies {
        assert_eq!(
            r.expect_data("each"),
            first,
            "every request the same answer"
        );
    }
    assert_eq!(
        app.state.cache.executions() - executions,
        1,
        "sixteen concurrent misses, one execution"
    );
    // The statements of one execution, not sixteen (the generation tracker's own reads may
    // fall in the window, hence not an equality).
    assert!(
        used < 2 * single,
        "sixteen requests took {used} statements; one takes {single}"
    );
}

#[tokio::test]
async fn when_the_first_stores_nothing_the_others_run_on_their_own() {
    let app = app().await;
    // An answer with an error is never stored: each waiting request then runs it itself,
    // and every one gets the same error.
    let missing = "{ action(code: \"LE9.9\") { code } }";
    let replies =
        futures_util::future::join_all((0..4).map(|_| app.post(missing, json!({}), &[]))).await;
    for r in &replies {
        assert_eq!(r.error_code(), Some("NOT_FOUND"), "{}", r.body);
    }
}
