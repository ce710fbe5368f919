//! HTTP behaviour, errors, pagination, Relay IDs, languages and query efficiency.

use axum::http::StatusCode;
use serde_json::json;

use crate::common::{Reply, TestApp, data_count, data_file, strings};

#[tokio::test]
async fn health_graphiql_and_root_redirect() {
    let app = TestApp::new().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.body, json!("ok"));

    let root = app.get("/").await;
    assert_eq!(root.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(root.headers["location"], "/graphiql");

    let page = app.get("/graphiql").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body.as_str().expect("html");
    assert!(html.contains("<title>GraphiQL"));
    // The settings travel in a data- attribute (no inline script), HTML-escaped.
    assert!(html.contains("&quot;query&quot;:&quot;# The open API of the AMB&#39;s"));
    assert!(html.contains("&quot;endpoint&quot;:&quot;/graphql&quot;"));
    assert!(html.contains(r"// \&quot;Authorization\&quot;: \&quot;Bearer"));
    assert!(!html.contains("<script>"), "no inline script");
    assert!(!html.contains("https://"), "nothing from another host");
    let csp = page.headers["content-security-policy"]
        .to_str()
        .expect("csp");
    assert!(csp.contains("script-src 'self';"), "{csp}");
    assert!(csp.contains("connect-src 'self';"), "{csp}");

    let script = html
        .split("<script src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page's script");
    assert!(script.starts_with("/graphiql/assets/graphiql-"), "{script}");
    let asset = app.get(script).await;
    assert_eq!(asset.status, StatusCode::OK);
    assert_eq!(
        asset.headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        asset.headers["content-type"],
        "text/javascript; charset=utf-8"
    );
    for missing in [
        "/graphiql/assets/manifest.json",
        "/graphiql/assets/SHA256SUMS",
        "/graphiql/assets/..%2Fbuild.mjs",
        "/graphiql/assets/nope-123.js",
    ] {
        assert_eq!(
            app.get(missing).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}

#[tokio::test]
async fn queries_work_over_get_but_mutations_do_not() {
    let app = TestApp::new().await;
    let ok = app.get("/graphql?query=%7Bplan%7Bcode%7D%7D").await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.body["data"]["plan"]["code"], "AMB-PI-2021-2025");

    let mutation = app.get("/graphql?query=mutation%7B__typename%7D").await;
    assert_eq!(mutation.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(mutation.error_code(), Some("BAD_REQUEST"));
    assert_eq!(mutation.headers["allow"], "POST");
}

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

#[tokio::test]
async fn language_is_negotiated_and_reported() {
    let app = TestApp::new().await;
    for (accept, served) in [
        ("ca-ES,ca;q=0.9,en;q=0.8", "ca"),
        ("de-DE, fr;q=0.5", "fr"),
        ("de", "es"),
    ] {
        let reply = app
            .post(
                "{ plan { code } }",
                json!({}),
                &[("accept-language", accept)],
            )
            .await;
        assert_eq!(reply.headers["content-language"], served, "{accept}");
    }
    // The argument wins over the header.
    let reply = app
        .post(
            "{ plan { fr: title(lang: FR) ca: title en: title(lang: EN) es: title(lang: ES) } }",
            json!({}),
            &[("accept-language", "ca")],
        )
        .await;
    assert_eq!(
        reply.body["data"]["plan"],
        json!({
            "fr": "Plan d'internationalisation de l'Aire métropolitaine de Barcelone 2021-2025",
            "ca": "Pla d'Internacionalització de l'Àrea Metropolitana de Barcelona 2021-2025",
            "en": "Internationalisation Plan of the Barcelona Metropolitan Area 2021-2025",
            "es": "Plan de Internacionalización del Área Metropolitana de Barcelona 2021-2025",
        })
    );
}

/// The whole plan tree in one query: the number of SQL statements depends on the depth of the
/// query, not on the number of records (no N+1).
const PLAN_TREE: &str = r#"{ plan {
  code title credits { role text } specificObjectives { code text } themes { code subtopics }
  swot { code kind text } keyFigures { code value unit sentence } sections { code title body }
  glossary { acronym meaning organization { code } }
  participants { name position organizationName group }
  governance { code title organizations { code name } } monitoring { code kind year }
  formsOfIntervention { code title contributions { text strategicLine { code } } }
  zones { code name strategicLines { text strategicLine { code } } partners { name relation } }
  strategicLines {
    code title description scopes { code actions { code } }
    summary { zonesAndInstitutions actorMap concreteActions }
    expectedResults { code text }
    zones { zone { code } text }
    contributions { formOfIntervention { code } text }
    actions {
      code title responsibleText involvedText scope { code }
      responsibleUnits { code name kind parent { code } glossaryEntries { acronym } }
      involvedActors { code name kind members { code } }
    }
  }
} }"#;

#[tokio::test]
async fn the_full_plan_tree_takes_a_fixed_number_of_statements() {
    // The loaders' batching, without the content snapshot (which needs no statements at all,
    // see tests/snapshot.rs) and without the response cache.
    let app = TestApp::with(|c| {
        c.content_snapshot = false;
        c.response_cache_bytes = 0;
    })
    .await;
    let before = app.state.statements.get();
    let data = app.data(PLAN_TREE).await;
    let used = app.state.statements.get() - before;
    eprintln!("the plan tree took {used} SQL statements");
    assert_eq!(
        data["plan"]["strategicLines"].as_array().map(Vec::len),
        Some(5)
    );
    // One statement per resolver level and relation: 29 actions, 134 organizations and 103
    // participants would need hundreds with N+1.
    assert!(used <= 40, "the plan tree took {used} SQL statements");

    // More records, same statements: copy every action, with its links to organizations, and
    // ask again.
    use entity::{action, action_organization};
    use sea_orm::{ActiveValue::NotSet, ColumnTrait, EntityTrait, QueryFilter, Set};
    let db = &app.state.db;
    let existing = action::Entity::find().all(db).await.expect("actions");
    for (i, a) in existing.iter().enumerate() {
        let extra = action::ActiveModel {
            id: NotSet,
            code: Set(format!("{}-TEST", a.code)),
            position: Set(1000 + i as i32),
            ..action::ActiveModel::from(a.clone())
        };
        let inserted = action::Entity::insert(extra)
            .exec(db)
            .await
            .expect("insert");
        let links = action_organization::Entity::find()
            .filter(action_organization::Column::ActionId.eq(a.id))
            .all(db)
            .await
            .expect("links");
        for link in links {
            let copy = action_organization::ActiveModel {
                id: NotSet,
                action_id: Set(inserted.last_insert_id),
                ..action_organization::ActiveModel::from(link)
            };
            action_organization::Entity::insert(copy)
                .exec(db)
                .await
                .expect("link");
        }
    }
    let before = app.state.statements.get();
    let data = app.data(PLAN_TREE).await;
    let actions: usize = data["plan"]["strategicLines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["actions"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(actions, 58);
    // N+1 would add at least one statement per new action (29). A batch may split in two when
    // the machine is busy (the DataLoader gathers keys for 1 ms), hence a small allowance.
    let again = app.state.statements.get() - before;
    assert!(
        again <= used + 3,
        "{used} statements before, {again} with twice the actions"
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
