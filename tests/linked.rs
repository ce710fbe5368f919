//! Records reached from another object (an action's progress updates) are filtered by the
//! caller's visibility in SQL: a record the caller may not see is never returned.

use serde_json::{Value, json};

use crate::common::{TestApp, token};

/// Sends `query` with an optional bearer token and returns its `data`, failing on any error.
async fn data(app: &TestApp, bearer: Option<&str>, query: &str, vars: Value) -> Value {
    let authorization = bearer.map(|jwt| format!("Bearer {jwt}"));
    let headers: Vec<(&str, &str)> = authorization
        .iter()
        .map(|a| ("authorization", a.as_str()))
        .collect();
    let reply = app.post(query, vars, &headers).await;
    assert!(
        reply.body.get("errors").is_none(),
        "unexpected errors: {}",
        reply.body
    );
    reply.body["data"].clone()
}

fn progress(year: i32) -> Value {
    json!({
        "action": "LE1.1", "year": year, "status": "IN_PROGRESS", "percentComplete": 40,
        "narrative": { "es": format!("Avance sintético de LE1.1 en {year}") },
    })
}

#[tokio::test]
async fn an_unpublished_linked_record_is_not_returned_to_an_anonymous_caller() {
    let app = TestApp::new().await;
    let area = token("area", Some("AMB-SRI"), None);
    let admin = token("admin", None, None);
    let create = "mutation($input: ProgressUpdateInput!, $key: String!) {
        r: createProgressUpdate(input: $input, idempotencyKey: $key, submit: true) { id version } }";
    let submitted = data(
        &app,
        Some(&area),
        create,
        json!({ "input": progress(2022), "key": "linked-submitted" }),
    )
    .await["r"]
        .clone();
    let to_publish = data(
        &app,
        Some(&area),
        create,
        json!({ "input": progress(2023), "key": "linked-published" }),
    )
    .await["r"]
        .clone();
    data(
        &app,
        Some(&admin),
        "mutation($id: ID!, $v: Int!) { r: publishRecord(id: $id, expectedVersion: $v) { id } }",
        json!({ "id": to_publish["id"], "v": to_publish["version"] }),
    )
    .await;

    let query = r#"{ action(code: "LE1.1") { progressHistory { id state } } }"#;
    let anonymous = data(&app, None, query, json!({})).await;
    assert_eq!(
        anonymous["action"]["progressHistory"],
        json!([{ "id": to_publish["id"], "state": "PUBLISHED" }])
    );
    // The reporting unit sees its submitted update too, newest first.
    let owner = data(&app, Some(&area), query, json!({})).await;
    assert_eq!(
        owner["action"]["progressHistory"],
        json!([
            { "id": to_publish["id"], "state": "PUBLISHED" },
            { "id": submitted["id"], "state": "SUBMITTED" },
        ])
    );
}
