//! Documents parsed once (#13): a document sent again is not parsed again and runs through the
//! lean schema (no extensions), and its response is the same, byte for byte, as the first run's
//! through the full schema: the same keys in the same order, the same cost, the same errors.

use serde_json::json;

use crate::common::TestApp;

/// Root fields, aliases, a fragment and lists: fields that finish out of order.
const MIXED: &str = "query Q { zz: plans { code } ...F mm: plan { strategicLines { title code actions { code title } } } aa: plan { code } } fragment F on Query { kk: plan { title } }";

/// Response cache off: every request is executed.
async fn app() -> TestApp {
    TestApp::with(|c| c.response_cache_bytes = 0).await
}

#[tokio::test]
async fn a_document_sent_again_runs_lean_with_the_same_bytes() {
    let app = app().await;
    let first = app.post(MIXED, json!({}), &[]).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(app.state.documents.lean_runs(), 0);
    let at = |text: &str, k: &str| text.find(&format!("\"{k}\"")).expect(k);
    assert!(
        at(&first.text, "zz") < at(&first.text, "kk")
            && at(&first.text, "kk") < at(&first.text, "mm")
            && at(&first.text, "mm") < at(&first.text, "aa"),
        "{}",
        first.text
    );
    // LE1-LE5 with their 29 actions, as data/ has them.
    let lines = first.body["data"]["mm"]["strategicLines"]
        .as_array()
        .expect("lines");
    assert_eq!(lines.len(), 5);
    let actions: usize = lines
        .iter()
        .map(|l| l["actions"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(actions, 29);
    let cost = first.body["extensions"]["cost"]["requested"]
        .as_u64()
        .expect("a cost");
    assert_eq!(cost, 235, "the cost of the mixed document");

    for run in 1..=4 {
        let again = app.post(MIXED, json!({}), &[]).await;
        assert_eq!(again.text, first.text, "run {run}");
    }
    assert_eq!(app.state.documents.lean_runs(), 4);
}

#[tokio::test]
async fn the_cost_follows_the_variables() {
    let app = app().await;
    let q = "query($n: Int) { organizations(first: $n) { nodes { code name } } }";
    let cost = |r: &crate::common::Reply| {
        r.body["extensions"]["cost"]["requested"]
            .as_u64()
            .expect("a cost")
    };
    let five = app.post(q, json!({ "n": 5 }), &[]).await;
    let fifty = app.post(q, json!({ "n": 50 }), &[]).await;
    assert!(cost(&fifty) > cost(&five), "{} {}", five.text, fifty.text);
    assert_eq!(app.state.documents.lean_runs(), 0);
    let five_again = app.post(q, json!({ "n": 5 }), &[]).await;
    let fifty_again = app.post(q, json!({ "n": 50 }), &[]).await;
    assert_eq!(app.state.documents.lean_runs(), 2);
    assert_eq!(five_again.text, five.text);
    assert_eq!(fifty_again.text, fifty.text);
    assert_eq!(
        five_again.body["data"]["organizations"]["nodes"]
            .as_array()
            .map(Vec::len),
        Some(5)
    );
    assert_eq!(
        fifty_again.body["data"]["organizations"]["nodes"]
            .as_array()
            .map(Vec::len),
        Some(50)
    );
}

#[tokio::test]
async fn refused_documents_stay_refused() {
    let app = TestApp::with(|c| {
        c.response_cache_bytes = 0;
        c.max_depth = 3;
        c.max_aliases = 2;
    })
    .await;
    let deep = "{ plan { strategicLines { actions { responsibleUnits { code } } } } }";
    let aliases = "{ a: plan { code } b: plan { code } c: plan { code } }";
    let broken = "{ plan { code }";
    let unknown_action = r#"{ action(code: "LE9.9") { code } }"#;
    for document in [deep, aliases, broken, unknown_action] {
        let first = app.post(document, json!({}), &[]).await;
        let again = app.post(document, json!({}), &[]).await;
        assert_eq!(again.status, first.status, "{document}");
        assert_eq!(again.text, first.text, "{document}");
        assert!(
            first.body["errors"][0]["message"].is_string(),
            "{document}: {}",
            first.text
        );
    }
    let deep = app.post(deep, json!({}), &[]).await;
    assert!(
        deep.body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("deep") || m.contains("depth")),
        "{}",
        deep.text
    );
    let aliases = app.post(aliases, json!({}), &[]).await;
    assert_eq!(aliases.status, 400, "{}", aliases.text);
    assert_eq!(
        aliases.body["errors"][0]["message"],
        "the query has 3 aliases; at most 2 are allowed"
    );
    let unknown = app.post(unknown_action, json!({}), &[]).await;
    assert_eq!(unknown.body["errors"][0]["extensions"]["code"], "NOT_FOUND");
    // None of them ran lean: refused before execution, or answered with errors (no cost kept).
    assert_eq!(app.state.documents.lean_runs(), 0);
}

#[tokio::test]
async fn off_every_request_runs_through_the_full_schema() {
    let app = TestApp::with(|c| {
        c.response_cache_bytes = 0;
        c.document_cache_bytes = 0;
    })
    .await;
    let first = app.post(MIXED, json!({}), &[]).await;
    let again = app.post(MIXED, json!({}), &[]).await;
    assert_eq!(again.text, first.text);
    assert_eq!(app.state.documents.lean_runs(), 0);
}

/// The lean schema validates in async-graphql's fast mode, which is safe only because it runs
/// nothing but a document, operation and variables that passed full validation: the same
/// document with variables of the wrong type, or a missing one, is validated in full again.
#[tokio::test]
async fn a_lean_document_with_new_variables_is_validated_in_full() {
    let app = app().await;
    let q = "query Card($code: String!) { action(code: $code) { code title } }";
    let good = app.post(q, json!({ "code": "LE1.1" }), &[]).await;
    let again = app.post(q, json!({ "code": "LE1.1" }), &[]).await;
    assert_eq!(app.state.documents.lean_runs(), 1);
    assert_eq!(again.text, good.text);
    assert_eq!(good.body["data"]["action"]["code"], "LE1.1");
    for (variables, wanted) in [
        (json!({ "code": 5 }), "code"),
        (json!({}), "code"),
        (json!({ "code": null }), "code"),
    ] {
        for _ in 0..2 {
            let bad = app.post(q, variables.clone(), &[]).await;
            assert!(
                bad.body.get("data").is_none_or(serde_json::Value::is_null),
                "{}",
                bad.text
            );
            let message = bad.body["errors"][0]["message"]
                .as_str()
                .unwrap_or_default();
            assert!(message.contains(wanted), "{variables}: {}", bad.text);
        }
    }
    assert_eq!(app.state.documents.lean_runs(), 1);
}
