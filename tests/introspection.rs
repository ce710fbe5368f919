//! Good-faith introspection: the documents standard tools send succeed with the default
//! limits; hostile introspection is refused, quickly.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::TestApp;

fn fixture(name: &str) -> String {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/introspection")
        .join(name);
    std::fs::read_to_string(path).expect("fixture")
}

#[tokio::test]
async fn the_standard_introspection_documents_succeed_with_default_limits() {
    let app = TestApp::new().await;
    for name in [
        "graphql-js-16-all-options.graphql",
        "graphql-js-16-defaults.graphql",
    ] {
        let reply = app.post(&fixture(name), json!({}), &[]).await;
        assert!(reply.body.get("errors").is_none(), "{name}: {}", reply.body);
        let schema = &reply.body["data"]["__schema"];
        assert_eq!(schema["queryType"]["name"], "Query", "{name}");
        assert_eq!(schema["mutationType"]["name"], "Mutation", "{name}");
        let types = schema["types"].as_array().expect("types");
        let plan = types
            .iter()
            .find(|t| t["name"] == "Plan")
            .expect("the Plan type");
        assert!(
            plan["fields"]
                .as_array()
                .expect("fields")
                .iter()
                .any(|f| f["name"] == "strategicLines"),
            "{name}"
        );
        if name.contains("all-options") {
            assert!(plan["description"].as_str().is_some_and(|d| !d.is_empty()));
            assert!(
                schema["directives"]
                    .as_array()
                    .expect("directives")
                    .iter()
                    .all(|d| d["isRepeatable"].is_boolean()),
                "{name}"
            );
        }
    }
    // GraphiQL's lighter variant and a single __type lookup.
    let reply = app
        .post(
            r#"{ __type(name: "Action") { name fields { name type { kind ofType { name } } } } }"#,
            json!({}),
            &[],
        )
        .await;
    assert_eq!(
        reply.body["data"]["__type"]["name"], "Action",
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn hostile_introspection_is_refused_quickly() {
    let app = TestApp::new().await;
    let mut cycle = String::from("name");
    for _ in 0..6 {
        cycle = format!("fields {{ type {{ {cycle} }} }}");
    }
    let wide_names = vec!["name"; 501].join(" ");
    let deep_of_type = (0..25).fold(String::from("name"), |q, _| format!("ofType {{ {q} }}"));
    let mut deep_plan = String::from("code");
    for i in 0..12 {
        deep_plan = if i % 2 == 0 {
            format!("actions {{ {deep_plan} }}")
        } else {
            format!("strategicLine {{ {deep_plan} }}")
        };
    }
    let cases = [
        (
            "a cycle through fields",
            format!("{{ __schema {{ types {{ {cycle} }} }} }}"),
            "fields once",
        ),
        (
            "two __schema fields",
            "{ __schema { queryType { name } } again: __schema { queryType { name } } }".to_owned(),
            "__schema once",
        ),
        (
            "many aliases of __type",
            (0..20)
                .map(|i| format!("t{i}: __type(name: \"Plan\") {{ name }}"))
                .collect::<Vec<_>>()
                .join(" ")
                .replace("t0:", "{ t0:")
                + " }",
            "__type once",
        ),
        (
            "the same field through two fragments",
            "{ __schema { types { ...A ...B } } } fragment A on __Type { fields { name } } fragment B on __Type { interfaces { fields { name } } }".to_owned(),
            "fields once",
        ),
        (
            "more than 500 introspection fields",
            format!("{{ __schema {{ types {{ {wide_names} }} }} }}"),
            "more than 500 fields",
        ),
        (
            "introspection nested deeper than 20",
            format!("{{ __type(name: \"Plan\") {{ {deep_of_type} }} }}"),
            "deeper than 20",
        ),
        (
            "an operation named __schema",
            format!("query __schema {{ action(code: \"LE1.1\") {{ {deep_plan} }} }}"),
            "nested too deep",
        ),
        (
            "a fragment named __schema",
            format!(
                "{{ action(code: \"LE1.1\") {{ ...__schema }} }} fragment __schema on Action {{ {deep_plan} }}"
            ),
            "nested too deep",
        ),
        (
            "a plan field aliased __schema",
            format!("{{ __schema: action(code: \"LE1.1\") {{ {deep_plan} }} }}"),
            "nested too deep",
        ),
    ];
    for (what, query, expected) in cases {
        let started = Instant::now();
        let reply = app.post(&query, json!({}), &[]).await;
        assert_eq!(
            reply.error_code(),
            Some("GRAPHQL_VALIDATION_FAILED"),
            "{what}: {}",
            reply.body
        );
        assert!(
            reply.error_message().contains(expected),
            "{what}: {}",
            reply.body
        );
        assert!(reply.body["data"].is_null(), "{what}: {}", reply.body);
        assert!(started.elapsed() < Duration::from_secs(2), "{what}");
    }
}
