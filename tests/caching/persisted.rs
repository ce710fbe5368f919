//! Automatic Persisted Queries, trusted documents and the allow-list.

use super::*;

#[tokio::test]
async fn automatic_persisted_queries_register_on_not_found_then_hit() {
    let app = app().await;
    let query = "{ plan { code title } }";
    let hash = sha256_hex(query);
    let ext = apq(&hash).to_string();
    // Unknown hash: Apollo's error, which makes clients send the document.
    let missing = get(&app, &[("extensions", &ext)], &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error_code(), Some("PERSISTED_QUERY_NOT_FOUND"));
    assert_eq!(missing.error_message(), "PersistedQueryNotFound");
    // The document with its hash registers it (POST, as Apollo Client does by default).
    let registered = post(
        &app,
        json!({ "query": query, "extensions": apq(&hash) }),
        &[],
    )
    .await;
    assert_eq!(registered.status, StatusCode::OK, "{}", registered.text);
    assert_eq!(registered.body["data"]["plan"]["code"], "AMB-PI-2021-2025");
    // Now the hash alone works over GET, and over POST.
    let by_hash = get(&app, &[("extensions", &ext)], &[]).await;
    assert_eq!(by_hash.status, StatusCode::OK, "{}", by_hash.text);
    assert_eq!(by_hash.text, registered.text);
    assert_eq!(by_hash.header("x-cache"), "hit");
    let posted = post(&app, json!({ "extensions": apq(&hash) }), &[]).await;
    assert_eq!(posted.body["data"], registered.body["data"]);
    // Upper-case hex is the same hash.
    let upper = apq(&hash.to_ascii_uppercase()).to_string();
    assert_eq!(
        get(&app, &[("extensions", &upper)], &[]).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn persisted_query_errors_are_clear() {
    let app = app().await;
    let mismatch = post(
        &app,
        json!({ "query": "{ plan { code } }", "extensions": apq(&sha256_hex("{ plans { code } }")) }),
        &[],
    )
    .await;
    assert_eq!(mismatch.status, StatusCode::BAD_REQUEST);
    assert_eq!(mismatch.error_code(), Some("PERSISTED_QUERY_HASH_MISMATCH"));
    assert_eq!(
        mismatch.error_message(),
        "provided sha does not match query"
    );
    let version = post(
        &app,
        json!({ "extensions": { "persistedQuery": { "version": 2, "sha256Hash": sha256_hex("x") } } }),
        &[],
    )
    .await;
    assert_eq!(version.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        version.error_message(),
        "Unsupported persisted query version"
    );
    let short = get(&app, &[("documentId", "sha256:abc")], &[]).await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert_eq!(short.error_code(), Some("BAD_REQUEST"));
    let scheme = get(&app, &[("documentId", "md5:abc")], &[]).await;
    assert_eq!(scheme.status, StatusCode::BAD_REQUEST);
    // Without a query or a hash, the old message.
    let nothing = post(&app, json!({ "extensions": {} }), &[]).await;
    assert_eq!(nothing.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn trusted_documents_are_listed_and_answer_by_hash_over_get_in_every_language() {
    let app = app().await;
    let docs = manifest(&app).await;
    let names: Vec<&str> = docs.iter().filter_map(|d| d["name"].as_str()).collect();
    assert_eq!(
        names,
        [
            "ActionCard",
            "LineProgress",
            "MunicipalityPage",
            "PlanOutline",
            "AmbPlanWidget",
            "AmbEmbedMunicipalities"
        ]
    );
    for doc in &docs {
        assert_eq!(doc["id"], sha256_hex(doc["body"].as_str().expect("body")));
    }
    let vars_of = |name: &str| match name {
        "ActionCard" => json!({ "code": "LE1.1" }),
        "LineProgress" => json!({ "code": "LE1" }),
        "MunicipalityPage" => json!({ "ineCode": "08101" }),
        "AmbPlanWidget" => json!({ "ine": "08101" }),
        _ => json!({}),
    };
    for doc in &docs {
        let name = doc["name"].as_str().expect("name");
        let id = format!("sha256:{}", doc["id"].as_str().expect("id"));
        for lang in ["CA", "ES", "EN", "FR"] {
            let mut vars = vars_of(name);
            vars["lang"] = json!(lang);
            let vars = vars.to_string();
            let r = get(&app, &[("documentId", &id), ("variables", &vars)], &[]).await;
            assert_eq!(r.status, StatusCode::OK, "{name} {lang}: {}", r.text);
            assert!(r.body["errors"].is_null(), "{name} {lang}: {}", r.text);
            assert_eq!(
                r.header("cache-control"),
                "public, max-age=60, stale-while-revalidate=600"
            );
        }
    }
    // Accept-Language serves when the document's lang is left out.
    let outline = docs
        .iter()
        .find(|d| d["name"] == "PlanOutline")
        .expect("outline");
    let id = format!("sha256:{}", outline["id"].as_str().expect("id"));
    let ca = get(&app, &[("documentId", &id)], &[("accept-language", "ca")]).await;
    let es = get(&app, &[("documentId", &id)], &[("accept-language", "es")]).await;
    assert_ne!(
        ca.body["data"]["plan"]["title"],
        es.body["data"]["plan"]["title"]
    );
    // An unknown document id.
    let unknown = get(
        &app,
        &[("documentId", &format!("sha256:{}", sha256_hex("x")))],
        &[],
    )
    .await;
    assert_eq!(unknown.error_code(), Some("PERSISTED_QUERY_NOT_FOUND"));
}

#[tokio::test]
async fn with_the_allow_list_anonymous_callers_send_trusted_documents_only() {
    let app = app_with(|c| c.anonymous_trusted_only = true).await;
    let docs = manifest(&app).await;
    let outline = docs
        .iter()
        .find(|d| d["name"] == "PlanOutline")
        .expect("outline");
    let id = format!("sha256:{}", outline["id"].as_str().expect("id"));
    let body = outline["body"].as_str().expect("body");

    let free = get(&app, &[("query", OUTLINE)], &[]).await;
    assert_eq!(free.status, StatusCode::FORBIDDEN);
    assert_eq!(free.error_code(), Some("TRUSTED_DOCUMENT_REQUIRED"));
    assert!(free.error_message().contains("/graphql/documents"));
    // Registering through APQ is no way around it.
    let register = post(
        &app,
        json!({ "query": OUTLINE, "extensions": apq(&sha256_hex(OUTLINE)) }),
        &[],
    )
    .await;
    assert_eq!(register.error_code(), Some("TRUSTED_DOCUMENT_REQUIRED"));
    let by_hash = get(
        &app,
        &[("extensions", &apq(&sha256_hex(OUTLINE)).to_string())],
        &[],
    )
    .await;
    assert_eq!(by_hash.error_code(), Some("TRUSTED_DOCUMENT_REQUIRED"));

    // Trusted documents: by id, by APQ hash, or as their exact text.
    assert_eq!(
        get(&app, &[("documentId", &id)], &[]).await.status,
        StatusCode::OK
    );
    let apq_hash = apq(outline["id"].as_str().expect("id")).to_string();
    assert_eq!(
        get(&app, &[("extensions", &apq_hash)], &[]).await.status,
        StatusCode::OK
    );
    let text = post(&app, json!({ "query": body }), &[]).await;
    assert_eq!(text.status, StatusCode::OK, "{}", text.text);

    // Tokens keep full access.
    let reader = get(
        &app,
        &[("query", OUTLINE)],
        &[("authorization", &bearer("reader", None, None))],
    )
    .await;
    assert_eq!(reader.status, StatusCode::OK);
    assert!(reader.body["errors"].is_null());

    // Off (the default), anything goes.
    let open = TestApp::new().await;
    assert_eq!(
        get(&open, &[("query", OUTLINE)], &[]).await.status,
        StatusCode::OK
    );
}
