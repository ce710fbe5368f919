//! Accent- and case-insensitive search over the plan and the registry.

use serde_json::json;

use crate::common::{TestApp, strings};

#[tokio::test]
async fn search_ignores_accents_and_case_and_returns_typed_hits() {
    let app = TestApp::new().await;
    let data = app
        .data(r#"{ search(text: "COOPERACION internacional", first: 100) { id type code field lang snippet node { __typename id } } }"#)
        .await;
    let hits = data["search"].as_array().expect("hits");
    // The records whose searchable texts hold "cooperación internacional" (accents and case
    // aside) in some language, found by folding and searching the TOML files of data/ (the
    // strategy's summary table, which also holds it, is not searchable).
    let mut expected = vec![
        ("Action", "LE1.12"),
        ("Action", "LE1.5"),
        ("Action", "LE1.6"),
        ("Action", "LE5.1"),
        ("ExpectedResult", "LE5.R1"),
        ("FormOfIntervention", "FI-B"),
        ("GeographicZone", "EUROPE"),
        ("GeographicZone", "LATIN_AMERICA"),
        ("GeographicZone", "MEDITERRANEAN"),
        ("GovernanceItem", "executive-deployment"),
        ("LineScope", "LE1-EU"),
        ("Organization", "AMB-SCI"),
        ("Participant", "P003"),
        ("Section", "governance"),
        ("Section", "introduction"),
        ("StrategicLine", "LE5"),
        ("SwotItem", "S10"),
        ("SwotItem", "W10"),
    ];
    expected.sort_unstable();
    let mut found: Vec<(&str, &str)> = hits
        .iter()
        .map(|h| {
            let field = |k: &str| h[k].as_str().unwrap_or_default();
            (field("type"), field("code"))
        })
        .collect();
    found.sort_unstable();
    assert_eq!(found, expected);
    // The plan's structure first: LE5 "Cooperación internacional" is a strategic line.
    assert_eq!(hits[0]["type"], "StrategicLine");
    assert_eq!(hits[0]["code"], "LE5");
    assert_eq!(hits[0]["field"], "title");
    assert_eq!(hits[0]["lang"], "ES");
    assert_eq!(hits[0]["snippet"], "Cooperación internacional");
    assert_eq!(hits[0]["node"]["__typename"], "StrategicLine");
    for hit in hits {
        assert_eq!(hit["node"]["__typename"], hit["type"]);
        assert_eq!(hit["node"]["id"], hit["id"]);
        assert!(
            hit["snippet"]
                .as_str()
                .is_some_and(|s| s.to_lowercase().contains("cooperaci")),
            "{hit}"
        );
    }
    let types: Vec<String> = strings(&data["search"], "type");
    assert!(types.contains(&"Action".to_owned()));
    assert!(types.contains(&"Organization".to_owned()));
    // One hit per record.
    let keys: std::collections::HashSet<_> = hits
        .iter()
        .map(|h| (h["type"].clone(), h["code"].clone()))
        .collect();
    assert_eq!(keys.len(), hits.len());
}

#[tokio::test]
async fn search_finds_organizations_municipalities_and_people() {
    let app = TestApp::new().await;
    let data = app
        .data(r#"{ a: search(text: "eit urban mobility") { type code }
                  b: search(text: "L'HOSPITALET") { type code }
                  c: search(text: "maragall") { type code node { ... on Participant { name } } }
                  d: search(text: "Guangzhou") { type node { ... on PartnerMetropolis { relation zone { code } } } } }"#)
        .await;
    assert!(
        data["a"]
            .as_array()
            .expect("a")
            .contains(&json!({ "type": "Organization", "code": "EIT-URBAN-MOBILITY" }))
    );
    assert!(
        data["b"]
            .as_array()
            .expect("b")
            .contains(&json!({ "type": "Municipality", "code": "08101" }))
    );
    assert!(
        data["c"]
            .as_array()
            .expect("c")
            .iter()
            .any(|h| h["node"]["name"] == "Ernest Maragall")
    );
    assert_eq!(data["d"][0]["type"], "PartnerMetropolis");
    assert_eq!(
        data["d"][0]["node"],
        json!({ "relation": "PRIORITY", "zone": { "code": "ASIA" } })
    );
}

#[tokio::test]
async fn search_limits_and_language_filter() {
    let app = TestApp::new().await;
    let data = app
        .data(
            r#"{ three: search(text: "metropolitan", first: 3) { code }
                  none: search(text: "metropolitan", first: 0) { code }
                  es: search(text: "vivienda", lang: ES) { lang } }"#,
        )
        .await;
    assert_eq!(data["three"].as_array().map(Vec::len), Some(3));
    assert_eq!(data["none"], json!([]));
    let es = data["es"].as_array().expect("es");
    assert!(!es.is_empty());
    assert!(es.iter().all(|h| h["lang"] == "ES" || h["lang"].is_null()));
}

#[tokio::test]
async fn like_wildcards_in_the_text_match_literally() {
    let app = TestApp::new().await;
    let data = app
        .data(r#"{ pct: search(text: "%%") { code } und: search(text: "__") { code } real: search(text: "80 %") { type code } }"#)
        .await;
    assert_eq!(data["pct"], json!([]));
    assert_eq!(data["und"], json!([]));
    // "el 80 % de la población será urbana" (LE1's Euro-Mediterranean scope).
    assert!(
        data["real"]
            .as_array()
            .expect("real")
            .contains(&json!({ "type": "LineScope", "code": "LE1-MED" }))
    );
}
