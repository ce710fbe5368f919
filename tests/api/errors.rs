//! Errors: unknown codes, bad arguments and malformed documents, each with a clear code and
//! message and nothing internal.

use super::*;

#[tokio::test]
async fn unknown_codes_are_not_found_with_a_clear_message() {
    let app = TestApp::new().await;
    for (query, needle) in [
        (r#"{ action(code: "LE9.9") { code } }"#, "LE9.9"),
        (r#"{ strategicLine(code: "LE6") { code } }"#, "LE6"),
        (r#"{ organization(code: "NOPE") { code } }"#, "NOPE"),
        (r#"{ municipality(ineCode: "08999") { name } }"#, "08999"),
        (r#"{ plan(code: "AMB-PI-1999") { code } }"#, "AMB-PI-1999"),
        (
            r#"{ plan { section(code: "epilogue") { title } } }"#,
            "epilogue",
        ),
    ] {
        let reply = app.post(query, json!({}), &[]).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(
            reply.error_code(),
            Some("NOT_FOUND"),
            "{query}: {}",
            reply.body
        );
        assert!(
            reply.error_message().contains(needle),
            "{}",
            reply.error_message()
        );
    }
}

#[tokio::test]
async fn bad_arguments_are_bad_user_input_naming_the_field() {
    let app = TestApp::new().await;
    for (query, field) in [
        ("{ actions(first: -1) { totalCount } }", "first"),
        ("{ actions(first: 100000) { totalCount } }", "first"),
        (r#"{ actions(after: "garbage") { totalCount } }"#, "after"),
        ("{ organizations(first: -5) { totalCount } }", "first"),
        (
            r#"{ actions(filter: { strategicLine: "LE9" }) { totalCount } }"#,
            "filter.strategicLine",
        ),
        (
            r#"{ actions(filter: { scope: "LE1-XX" }) { totalCount } }"#,
            "filter.scope",
        ),
        (
            r#"{ actions(filter: { responsibleOrganization: "X" }) { totalCount } }"#,
            "filter.responsibleOrganization",
        ),
        (
            r#"{ actions(filter: { involvedOrganization: "X" }) { totalCount } }"#,
            "filter.involvedOrganization",
        ),
        (
            r#"{ actions(filter: { text: "a" }) { totalCount } }"#,
            "filter.text",
        ),
        (
            r#"{ organizations(filter: { parent: "X" }) { totalCount } }"#,
            "filter.parent",
        ),
        (r#"{ municipality(ineCode: "8101") { name } }"#, "ineCode"),
        (
            r#"{ municipality(ineCode: "Barcelona") { name } }"#,
            "ineCode",
        ),
        (r#"{ node(id: "not-an-id") { id } }"#, "id"),
        (r#"{ search(text: " ") { code } }"#, "text"),
        (r#"{ search(text: "agua", first: 101) { code } }"#, "first"),
    ] {
        let reply = app.post(query, json!({}), &[]).await;
        assert_eq!(
            reply.error_code(),
            Some("BAD_USER_INPUT"),
            "{query}: {}",
            reply.body
        );
        assert_eq!(
            reply.body["errors"][0]["extensions"]["field"], field,
            "{query}: {}",
            reply.body
        );
    }
    let long = "x".repeat(201);
    let reply = app
        .post(
            "query($t: String!) { search(text: $t) { code } }",
            json!({ "t": long }),
            &[],
        )
        .await;
    assert_eq!(reply.error_code(), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn malformed_documents_and_wrong_types_are_refused_without_internals() {
    let app = TestApp::new().await;
    let cases = [
        ("{ plan { code ", "GRAPHQL_VALIDATION_FAILED"),
        ("{ plan { nope } }", "GRAPHQL_VALIDATION_FAILED"),
        (
            r#"{ actions(first: "ten") { totalCount } }"#,
            "BAD_USER_INPUT",
        ),
        (r#"{ plan { title(lang: DE) } }"#, "BAD_USER_INPUT"),
    ];
    for (query, code) in cases {
        let reply = app.post(query, json!({}), &[]).await;
        assert_eq!(reply.error_code(), Some(code), "{query}: {}", reply.body);
        let text = reply.body.to_string().to_lowercase();
        for leak in ["sqlite", "sqlx", "select ", "panicked", "sea_orm"] {
            assert!(!text.contains(leak), "{query} leaks {leak}: {text}");
        }
    }
    let reply = app
        .post(
            "query($l: Lang) { plan { title(lang: $l) } }",
            json!({ "l": "DE" }),
            &[],
        )
        .await;
    assert!(
        reply.body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Lang"))
    );
}
