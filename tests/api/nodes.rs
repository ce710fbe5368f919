//! Relay IDs: every ID round-trips through `node`, and well-formed IDs of nothing are null.

use super::*;

#[tokio::test]
async fn every_node_id_round_trips_through_node() {
    let app = TestApp::new().await;
    let data = app
        .data(
            r#"{ plan { id strategicLines { id actions { id } expectedResults { id } scopes { id } }
                 swot { id } sections { id } keyFigures { id } themes { id } glossary { id }
                 participants { id } governance { id } monitoring { id } specificObjectives { id }
                 formsOfIntervention { id } zones { id partners { id } } }
                 organization(code: "EMA") { id }
                 municipality(ineCode: "08019") { id } }"#,
        )
        .await;
    let mut ids = Vec::new();
    collect_ids(&data, &mut ids);
    // One ID per record the query asks for, counted in the data files, plus EMA and Barcelona.
    let plan = "AMB-PI-2021-2025";
    let expected: usize = [
        ("plan.toml", "plan"),
        ("strategy.toml", "strategic_lines"),
        ("strategy.toml", "actions"),
        ("strategy.toml", "expected_results"),
        ("strategy.toml", "strategic_lines.scopes"),
        ("plan.toml", "swot"),
        ("sections.toml", "sections"),
        ("plan.toml", "key_figures"),
        ("plan.toml", "themes"),
        ("people.toml", "glossary"),
        ("people.toml", "participants"),
        ("plan.toml", "governance"),
        ("plan.toml", "monitoring"),
        ("plan.toml", "specific_objectives"),
        ("strategy.toml", "forms_of_intervention"),
        ("geography.toml", "zones"),
        ("geography.toml", "zones.partners"),
    ]
    .iter()
    .map(|(file, path)| data_count(&format!("{plan}/{file}"), path))
    .sum::<usize>()
        + 2;
    assert_eq!(ids.len(), expected);
    assert_eq!(expected, 322, "the data files changed");
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "global IDs must be unique");
    let reply = app
        .post(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": ids[..100] }),
            &[],
        )
        .await;
    let back: Vec<&str> = reply.body["data"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].as_str().expect("a node for every id"))
        .collect();
    assert_eq!(
        back,
        ids[..100].iter().map(String::as_str).collect::<Vec<_>>()
    );
    for id in &ids[100..] {
        let reply = app
            .post(
                "query($id: ID!) { node(id: $id) { id __typename } }",
                json!({ "id": id }),
                &[],
            )
            .await;
        assert_eq!(
            reply.body["data"]["node"]["id"],
            json!(id),
            "{}",
            reply.body
        );
    }

    let action = app.data(r#"{ action(code: "LE3.2") { id } }"#).await;
    let reply = app
        .post(
            "query($id: ID!) { node(id: $id) { __typename ... on Action { code strategicLine { code } } } }",
            json!({ "id": action["action"]["id"] }),
            &[],
        )
        .await;
    assert_eq!(
        reply.body["data"]["node"],
        json!({ "__typename": "Action", "code": "LE3.2", "strategicLine": { "code": "LE3" } })
    );
}

fn collect_ids(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if k == "id" {
                    out.push(v.as_str().expect("id").to_owned());
                } else {
                    collect_ids(v, out);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_ids(v, out)),
        _ => {}
    }
}

/// `node(id:)` asked for the ID that encodes `raw` (`Type:key`).
async fn node_of(app: &TestApp, raw: &str) -> Reply {
    use base64::Engine;
    let id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
    app.post(
        "query($id: ID!) { node(id: $id) { id } }",
        json!({ "id": id }),
        &[],
    )
    .await
}

#[tokio::test]
async fn well_formed_ids_of_nothing_resolve_to_null() {
    let app = TestApp::new().await;
    for raw in [
        "Action:AMB-PI-2021-2025/LE9.9",
        "Action:NOPE/LE1.1",
        "Organization:NOPE",
    ] {
        let reply = node_of(&app, raw).await;
        assert_eq!(
            reply.body["data"]["node"],
            json!(null),
            "{raw}: {}",
            reply.body
        );
        assert!(reply.body.get("errors").is_none(), "{raw}: {}", reply.body);
    }
    // Not an ID this API issues: an unknown type, or a plan record without its plan.
    for raw in ["Widget:AMB-PI-2021-2025/X", "Action:LE1.1"] {
        let reply = node_of(&app, raw).await;
        assert_eq!(
            reply.error_code(),
            Some("BAD_USER_INPUT"),
            "{raw}: {}",
            reply.body
        );
    }
}
