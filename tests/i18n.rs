//! The plan in Catalan, Spanish, English and French.

use serde_json::{Value, json};

use crate::common::{TestApp, data_count, municipality_count};

const ALL: [&str; 4] = ["CA", "ES", "EN", "FR"];

/// Every record of the plan that has localized text, each asking for its `languages`.
const TREE: &str = r#"{ plan {
  code languages credits { languages }
  sections { code languages } keyFigures { code languages } swot { code languages }
  specificObjectives { code languages } themes { code languages } governance { code languages }
  monitoring { code languages } participants { code languages } glossary { code languages }
  formsOfIntervention { code languages contributions { languages } }
  zones { code languages strategicLines { languages } partners { code languages } }
  strategicLines { code languages scopes { code languages } expectedResults { code languages }
    summary { languages } actions { code languages } }
} }"#;

fn check_languages(value: &Value, path: &str, missing: &mut Vec<String>, count: &mut usize) {
    match value {
        Value::Object(map) => {
            if let Some(langs) = map.get("languages") {
                *count += 1;
                if langs != &json!(ALL) {
                    let id = map.get("code").and_then(Value::as_str).unwrap_or("");
                    missing.push(format!("{path} {id}: {langs}"));
                }
            }
            for (k, v) in map {
                check_languages(v, &format!("{path}.{k}"), missing, count);
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|v| check_languages(v, path, missing, count)),
        _ => {}
    }
}

#[tokio::test]
async fn every_localized_record_has_all_four_languages() {
    let app = TestApp::new().await;
    let data = app.data(TREE).await;
    let (mut missing, mut count) = (Vec::new(), 0);
    check_languages(&data, "", &mut missing, &mut count);
    // Every record TREE asks for, counted in the data files.
    let plan = "AMB-PI-2021-2025";
    let records: usize = [
        ("plan.toml", "plan"),
        ("plan.toml", "plan.credits"),
        ("sections.toml", "sections"),
        ("plan.toml", "key_figures"),
        ("plan.toml", "swot"),
        ("plan.toml", "specific_objectives"),
        ("plan.toml", "themes"),
        ("plan.toml", "governance"),
        ("plan.toml", "monitoring"),
        ("people.toml", "participants"),
        ("people.toml", "glossary"),
        ("strategy.toml", "forms_of_intervention"),
        ("strategy.toml", "forms_of_intervention.contributions"),
        ("geography.toml", "zones"),
        ("geography.toml", "zones.lines"),
        ("geography.toml", "zones.partners"),
        ("strategy.toml", "strategic_lines"),
        ("strategy.toml", "strategic_lines.scopes"),
        ("strategy.toml", "expected_results"),
        ("strategy.toml", "summary"),
        ("strategy.toml", "actions"),
    ]
    .iter()
    .map(|(file, path)| data_count(&format!("{plan}/{file}"), path))
    .sum();
    assert_eq!(count, records);
    assert_eq!(records, 369, "the data files changed");

    let mut after: Option<String> = None;
    loop {
        let reply = app
            .post(
                "query($a: String) { organizations(first: 100, after: $a) { pageInfo { hasNextPage endCursor } nodes { code languages } } }",
                json!({ "a": after }),
                &[],
            )
            .await;
        let conn = &reply.body["data"]["organizations"];
        check_languages(&conn["nodes"], "organizations", &mut missing, &mut count);
        if conn["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = conn["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert!(missing.is_empty(), "texts missing a language: {missing:#?}");
    // And every organization and municipality of the registry.
    let orgs = data_count("organizations.toml", "organizations") + municipality_count();
    assert_eq!(count, records + orgs);
}

#[tokio::test]
async fn translations_list_every_language_of_every_field() {
    let app = TestApp::new().await;
    let data = app
        .data(
            r#"{ action(code: "LE1.1") { translations { field values { lang text } } }
                  plan { themes { translations(fields: ["subtopics"]) { field } } } }"#,
        )
        .await;
    let fields = data["action"]["translations"].as_array().expect("fields");
    let names: Vec<&str> = fields.iter().filter_map(|f| f["field"].as_str()).collect();
    assert_eq!(names, ["title", "responsibleText", "involvedText"]);
    for f in fields {
        let langs: Vec<&str> = f["values"]
            .as_array()
            .expect("values")
            .iter()
            .filter_map(|v| v["lang"].as_str())
            .collect();
        assert_eq!(langs, ALL);
        assert!(
            f["values"]
                .as_array()
                .expect("values")
                .iter()
                .all(|v| v["text"].as_str().is_some_and(|t| !t.is_empty()))
        );
    }
    assert_eq!(
        fields[0]["values"][1]["text"],
        "Seguimiento de las políticas impulsadas por la UE y análisis en clave metropolitana"
    );
    assert_eq!(
        data["plan"]["themes"][0]["translations"],
        json!([{ "field": "subtopics[0]" }, { "field": "subtopics[1]" }, { "field": "subtopics[2]" }, { "field": "subtopics[3]" }])
    );
}

#[tokio::test]
async fn official_names_and_acronyms_per_language() {
    let app = TestApp::new().await;
    let data = app
        .data(r#"{ plan {
            ca: title(lang: CA) caBy: approvedBy(lang: CA)
            glossary { code ca: acronym(lang: CA) en: acronym(lang: EN) fr: acronym(lang: FR)
                       mca: meaning(lang: CA) men: meaning(lang: EN) mfr: meaning(lang: FR) }
            intro: section(code: "introduction") { ca: body(lang: CA) en: body(lang: EN) fr: body(lang: FR) } }
          eu: organization(code: "UE") { ca: acronym(lang: CA) en: acronym(lang: EN) fr: acronym(lang: FR) en2: name(lang: EN) } }"#)
        .await;
    let plan = &data["plan"];
    assert_eq!(
        plan["ca"],
        "Pla d'Internacionalització de l'Àrea Metropolitana de Barcelona 2021-2025"
    );
    assert_eq!(plan["caBy"], "Consell Metropolità de l'AMB");
    let entry = |code: &str| {
        plan["glossary"]
            .as_array()
            .expect("glossary")
            .iter()
            .find(|e| e["code"] == code)
            .cloned()
            .expect(code)
    };
    let ods = entry("ODS");
    assert_eq!(
        (ods["ca"].as_str(), ods["fr"].as_str()),
        (Some("ODS"), Some("ODD"))
    );
    assert!(ods["en"].as_str().is_some_and(|a| a.starts_with("SDG")));
    let ue = entry("UE");
    assert_eq!(
        (ue["ca"].as_str(), ue["en"].as_str(), ue["fr"].as_str()),
        (Some("UE"), Some("EU"), Some("UE"))
    );
    let feder = entry("FEDER");
    assert_eq!(feder["mca"], "Fons Europeu de Desenvolupament Regional");
    assert_eq!(feder["men"], "European Regional Development Fund");
    assert_eq!(feder["mfr"], "Fonds européen de développement régional");
    assert_eq!(feder["en"], "ERDF");
    let habitat = entry("ONU-Habitat");
    assert_eq!(
        (
            habitat["ca"].as_str(),
            habitat["en"].as_str(),
            habitat["fr"].as_str()
        ),
        (Some("ONU-Hàbitat"), Some("UN-Habitat"), Some("ONU-Habitat"))
    );
    let intro = &plan["intro"];
    assert!(
        intro["ca"]
            .as_str()
            .is_some_and(|t| t.contains("Pacte Verd Europeu"))
    );
    assert!(
        intro["en"]
            .as_str()
            .is_some_and(|t| t.contains("European Green Deal"))
    );
    assert!(
        intro["fr"]
            .as_str()
            .is_some_and(|t| t.contains("Pacte vert pour l'Europe"))
    );
    assert_eq!(
        data["eu"],
        json!({ "ca": "UE", "en": "EU", "fr": "UE", "en2": "European Union" })
    );
}

/// The texts of OE1 and of the general objective, as the data files give them (not as the API
/// answers them): a language served as a copy of another, or missing, fails here.
const OE1: [(&str, &str); 4] = [
    (
        "es",
        "Incidir en las agendas políticas europeas e internacionales con la finalidad de promover los intereses, las necesidades y aspiraciones del AMB y de su metrópolis.",
    ),
    (
        "ca",
        "Incidir en les agendes polítiques europees i internacionals amb la finalitat de promoure els interessos, les necessitats i les aspiracions de l'AMB i de la seva metròpolis.",
    ),
    (
        "en",
        "To influence European and international political agendas in order to promote the interests, needs and aspirations of the AMB and its metropolis.",
    ),
    (
        "fr",
        "Influer sur les agendas politiques européens et internationaux afin de promouvoir les intérêts, les besoins et les aspirations de l'AMB et de sa métropole.",
    ),
];

#[tokio::test]
async fn accept_language_picks_the_language_of_every_text() {
    let app = TestApp::new().await;
    let oe1 = |lang: &str| OE1.iter().find(|(l, _)| *l == lang).map(|(_, t)| *t);
    for (header, served) in [
        ("ca", "ca"),
        ("ca-ES,ca;q=0.9", "ca"),
        ("en-GB;q=0.8, fr;q=0.9", "fr"),
        ("en-US", "en"),
        ("fr-FR", "fr"),
        ("de, it;q=0.5", "es"),
    ] {
        let reply = app
            .post(
                "{ plan { specificObjectives { code text } generalObjective } }",
                json!({}),
                &[("accept-language", header)],
            )
            .await;
        assert_eq!(reply.headers["content-language"], served, "{header}");
        let plan = &reply.body["data"]["plan"];
        assert_eq!(plan["specificObjectives"][0]["code"], "OE1");
        assert_eq!(
            plan["specificObjectives"][0]["text"].as_str(),
            oe1(served),
            "{header}"
        );
        let general = plan["generalObjective"].as_str().unwrap_or_default();
        let opening = match served {
            "es" => "El Plan de Internacionalización tiene como objetivo general",
            "ca" => "El Pla d'Internacionalització té com a objectiu general",
            "en" => "The general objective of the Internationalisation Plan is",
            _ => "Le Plan d'internationalisation a pour objectif général",
        };
        assert!(general.starts_with(opening), "{header}: {general}");
    }
    // Four different texts: no language is a copy of another.
    let distinct: std::collections::HashSet<_> = OE1.iter().map(|(_, t)| t).collect();
    assert_eq!(distinct.len(), 4);
}

#[tokio::test]
async fn a_missing_translation_falls_back_to_spanish() {
    use entity::strategic_line;
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    let app = TestApp::new().await;
    let line = strategic_line::Entity::find()
        .filter(strategic_line::Column::Code.eq("LE2"))
        .one(&app.state.db)
        .await
        .expect("query")
        .expect("LE2");
    let mut title = line.title.clone();
    title.0.remove("ca");
    let mut active: strategic_line::ActiveModel = line.into();
    active.title = Set(title);
    active.update(&app.state.db).await.expect("update");
    let data = app
        .data(r#"{ strategicLine(code: "LE2") { ca: title(lang: CA) es: title(lang: ES) languages } }"#)
        .await;
    assert_eq!(
        data["strategicLine"]["ca"],
        "Captación de fondos europeos e internacionales"
    );
    assert_eq!(data["strategicLine"]["ca"], data["strategicLine"]["es"]);
    assert_eq!(
        data["strategicLine"]["languages"],
        json!(["ES", "EN", "FR"])
    );
}

#[tokio::test]
async fn unknown_languages_by_argument_are_bad_user_input() {
    let app = TestApp::new().await;
    for query in [
        r#"{ plan { title(lang: DE) } }"#,
        r#"{ search(text: "agua", lang: XX) { code } }"#,
    ] {
        let reply = app.post(query, json!({}), &[]).await;
        assert_eq!(reply.error_code(), Some("BAD_USER_INPUT"), "{}", reply.body);
        assert_eq!(reply.body["errors"][0]["extensions"]["field"], "lang");
        assert!(reply.error_message().contains("Lang"));
    }
    let reply = app
        .post(
            "query($l: Lang) { plan { title(lang: $l) } }",
            json!({ "l": "de" }),
            &[],
        )
        .await;
    assert_eq!(reply.error_code(), Some("BAD_USER_INPUT"), "{}", reply.body);
}

#[tokio::test]
async fn search_finds_content_in_every_language() {
    let app = TestApp::new().await;
    for (text, lang) in [
        ("cooperació internacional", "CA"),
        ("cooperacion internacional", "ES"),
        ("international cooperation", "EN"),
        ("coopération internationale", "FR"),
    ] {
        let reply = app
            .post(
                "query($t: String!, $l: Lang) { search(text: $t, lang: $l, first: 5) { type code lang snippet } }",
                json!({ "t": text, "l": lang }),
                &[],
            )
            .await;
        let hits = reply.body["data"]["search"]
            .as_array()
            .expect("hits")
            .clone();
        assert_eq!(hits[0]["type"], "StrategicLine", "{text}: {hits:?}");
        assert_eq!(hits[0]["code"], "LE5", "{text}");
        assert!(
            hits.iter()
                .all(|h| h["lang"] == lang || h["lang"].is_null()),
            "{text}: {hits:?}"
        );
    }
    // Without a language, every language is searched: the French word finds French text.
    let data = app
        .data(r#"{ search(text: "COOPERATION DECENTRALISEE") { lang } }"#)
        .await;
    assert!(
        data["search"]
            .as_array()
            .expect("hits")
            .iter()
            .any(|h| h["lang"] == "FR")
    );
}
