//! Lists: cursor pagination with totalCount, filters, the page size cap of each instance, and
//! the list of plans.

use super::*;

#[tokio::test]
async fn actions_paginate_with_cursors_and_total_count() {
    let app = TestApp::new().await;
    let first = app
        .data("{ actions(first: 10) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { code } } }")
        .await;
    let conn = &first["actions"];
    assert_eq!(conn["totalCount"], 29);
    assert_eq!(conn["pageInfo"]["hasNextPage"], true);
    assert_eq!(conn["pageInfo"]["hasPreviousPage"], false);
    assert_eq!(strings(&conn["nodes"], "code")[0], "LE1.1");
    let cursor = conn["pageInfo"]["endCursor"].as_str().expect("cursor");

    let mut codes = strings(&conn["nodes"], "code");
    let mut after = cursor.to_owned();
    loop {
        let reply = app
            .post(
                "query($a: String) { actions(first: 10, after: $a) { pageInfo { hasNextPage endCursor } edges { cursor node { code } } } }",
                json!({ "a": after }),
                &[],
            )
            .await;
        let conn = &reply.body["data"]["actions"];
        for edge in conn["edges"].as_array().expect("edges") {
            codes.push(edge["node"]["code"].as_str().expect("code").to_owned());
        }
        if conn["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = conn["pageInfo"]["endCursor"]
            .as_str()
            .expect("cursor")
            .to_owned();
    }
    assert_eq!(codes.len(), 29);
    assert_eq!(codes.last().map(String::as_str), Some("LE5.1"));

    let empty = app
        .data("{ actions(first: 0) { totalCount nodes { code } } }")
        .await;
    assert_eq!(empty["actions"]["totalCount"], 29);
    assert_eq!(empty["actions"]["nodes"], json!([]));
}

#[tokio::test]
async fn action_filters_narrow_the_list() {
    let app = TestApp::new().await;
    let q = |filter: &str| {
        format!("{{ actions(first: 100, filter: {filter}) {{ totalCount nodes {{ code }} }} }}")
    };
    let by_line = app.data(&q(r#"{ strategicLine: "LE2" }"#)).await;
    assert_eq!(
        strings(&by_line["actions"]["nodes"], "code"),
        ["LE2.1", "LE2.2", "LE2.3", "LE2.4"]
    );
    let by_scope = app.data(&q(r#"{ scope: "LE1-MED" }"#)).await;
    assert_eq!(
        strings(&by_scope["actions"]["nodes"], "code"),
        ["LE1.5", "LE1.6"]
    );
    let ade = app
        .data(&q(r#"{ responsibleOrganization: "AMB-ADE" }"#))
        .await;
    assert_eq!(
        strings(&ade["actions"]["nodes"], "code"),
        ["LE4.1", "LE4.2", "LE4.3", "LE4.4", "LE4.5"]
    );
    let text = app.data(&q(r#"{ text: "VOLUNTARY local" }"#)).await;
    assert_eq!(strings(&text["actions"]["nodes"], "code"), ["LE1.13"]);
    let combined = app
        .data(&q(
            r#"{ strategicLine: "LE1", responsibleOrganization: "AMB-SCI" }"#,
        ))
        .await;
    assert_eq!(
        strings(&combined["actions"]["nodes"], "code"),
        ["LE1.5", "LE1.6", "LE1.12"]
    );
    // A municipality is involved wherever the metropolitan municipalities are.
    let hospitalet = app.data(&q(r#"{ involvedOrganization: "08101" }"#)).await;
    let group = app
        .data(&q(r#"{ involvedOrganization: "MUNICIPALITIES" }"#))
        .await;
    assert_eq!(hospitalet["actions"], group["actions"]);
    // The actions whose `involved` list in strategy.toml names the municipalities' group.
    let strategy = data_file("AMB-PI-2021-2025/strategy.toml");
    let involving: Vec<&str> = strategy["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter(|a| {
            a["involved"]
                .as_array()
                .is_some_and(|o| o.iter().any(|o| o.as_str() == Some("MUNICIPALITIES")))
        })
        .map(|a| a["code"].as_str().expect("a code"))
        .collect();
    assert_eq!(involving.len(), 20, "the data changed: {involving:?}");
    assert_eq!(group["actions"]["totalCount"], involving.len());
    assert_eq!(strings(&group["actions"]["nodes"], "code"), involving);
}

#[tokio::test]
async fn organizations_filter_by_kind_parent_and_text() {
    let app = TestApp::new().await;
    let munis = app
        .data("{ organizations(first: 100, filter: { kind: MUNICIPALITY }) { totalCount } }")
        .await;
    assert_eq!(munis["organizations"]["totalCount"], 36);
    let services = app
        .data(r#"{ organizations(filter: { parent: "AMB-AIC" }) { nodes { code } } }"#)
        .await;
    let codes = strings(&services["organizations"]["nodes"], "code");
    for code in ["AMB-SRI", "AMB-SCI", "AMB-SPE"] {
        assert!(codes.contains(&code.to_owned()), "{codes:?}");
    }
    let text = app
        .data(r#"{ organizations(filter: { text: "hospitalet" }) { nodes { code kind } } }"#)
        .await;
    assert_eq!(
        text["organizations"]["nodes"],
        json!([{ "code": "08101", "kind": "MUNICIPALITY" }])
    );
}

/// Each app instance enforces its own `PLAN_API_MAX_PAGE_SIZE`: two instances with different
/// caps in one process, queried in turn, never see each other's (the cap used to be a
/// process-global that the last instance built overwrote).
#[tokio::test]
async fn each_instance_enforces_its_own_page_size_cap() {
    let small = TestApp::with(|c| c.max_page_size = 5).await;
    let large = TestApp::with(|c| c.max_page_size = 200).await;
    let query = "{ organizations(first: 150) { nodes { code } totalCount } }";
    for _ in 0..2 {
        let refused = small.post(query, json!({}), &[]).await;
        assert_eq!(
            refused.error_code(),
            Some("BAD_USER_INPUT"),
            "{}",
            refused.text
        );
        assert_eq!(refused.error_message(), "first must be at most 5");
        let served = large.post(query, json!({}), &[]).await;
        let data = served.body["data"]["organizations"].clone();
        assert_eq!(
            data["nodes"].as_array().map(Vec::len),
            Some(134),
            "{}",
            served.text
        );
        assert_eq!(data["totalCount"], 134);
    }
    // The default page is cut to a cap below it, and the cap reaches search and the feed too.
    let page = small.data("{ organizations { nodes { code } } }").await;
    assert_eq!(
        page["organizations"]["nodes"].as_array().map(Vec::len),
        Some(5)
    );
    for query in [
        r#"{ search(text: "agua", first: 6) { code } }"#,
        "{ changes(first: 6) { nodes { sequence } } }",
        "{ actions(first: 6) { totalCount } }",
    ] {
        let refused = small.post(query, json!({}), &[]).await;
        assert_eq!(
            refused.error_code(),
            Some("BAD_USER_INPUT"),
            "{query}: {}",
            refused.text
        );
        assert_eq!(
            refused.error_message(),
            "first must be at most 5",
            "{query}"
        );
    }
}

#[tokio::test]
async fn plans_lists_every_plan_loaded() {
    let app = TestApp::new().await;
    let data = app
        .data("{ plans { code current startYear endYear languages } }")
        .await;
    assert_eq!(
        data["plans"],
        json!([{
            "code": "AMB-PI-2021-2025",
            "current": true,
            "startYear": 2021,
            "endYear": 2025,
            "languages": ["CA", "ES", "EN", "FR"]
        }])
    );
    // An unknown plan code is an error, never a silent null.
    let reply = app
        .post(r#"{ plan(code: "AMB-PI-1999") { code } }"#, json!({}), &[])
        .await;
    assert_eq!(reply.error_code(), Some("NOT_FOUND"), "{}", reply.text);
}
