//! The languages a record was given.

use super::*;

// =============================================================================================
// Languages
// =============================================================================================

#[tokio::test]
async fn records_list_the_languages_they_were_given() {
    let app = TestApp::new().await;
    let both = create(
        &app,
        SRI,
        Kind::Activity,
        json!({
            "kind": "FORUM", "title": { "ca": "Fòrum metropolità", "en": "Metropolitan forum" },
            "summary": { "ca": "Resum", "en": "Summary" }, "startDate": "2023-01-01",
        }),
    )
    .await;
    let fields = "languages title enTitle: title(lang: EN) caTitle: title(lang: CA)
        translations { field values { lang text } }";
    let seen = node(
        &app,
        SRI,
        &both.id,
        &format!("... on Activity {{ {fields} }}"),
    )
    .await;
    assert_eq!(seen["languages"], json!(["CA", "EN"]));
    assert_eq!(
        (&seen["enTitle"], &seen["caTitle"]),
        (&json!("Metropolitan forum"), &json!("Fòrum metropolità"))
    );
    assert_eq!(
        seen["translations"],
        json!([
            { "field": "title", "values": [{ "lang": "CA", "text": "Fòrum metropolità" },
                                           { "lang": "EN", "text": "Metropolitan forum" }] },
            { "field": "summary", "values": [{ "lang": "CA", "text": "Resum" },
                                             { "lang": "EN", "text": "Summary" }] },
        ])
    );
    // The request's language picks the text when the field names none.
    let reply = app
        .post_as_with(
            SRI,
            "query($id: ID!) { node(id: $id) { ... on Activity { title } } }",
            json!({ "id": both.id }),
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(reply.body["data"]["node"]["title"], "Metropolitan forum");

    // Every text must have a language for the record to list it; blank texts are no language.
    for (input, languages) in [
        (
            json!({ "title": { "es": "Foro", "ca": "Fòrum", "en": "Forum", "fr": "Forum" },
                 "summary": { "es": "Resumen" } }),
            json!(["ES"]),
        ),
        (
            json!({ "title": { "es": "Foro", "fr": "   " } }),
            json!(["ES"]),
        ),
        (
            json!({ "title": { "fr": "Forum", "es": "Foro" }, "summary": { "fr": "Résumé", "es": "Resumen" } }),
            json!(["ES", "FR"]),
        ),
    ] {
        let mut input = input;
        input["kind"] = json!("FORUM");
        input["startDate"] = json!("2023-01-01");
        let r = created(&app, SRI, Kind::Activity, &input).await;
        assert_eq!(r["languages"], languages, "{input}");
    }
    // A progress update's milestones count as texts too.
    let mut input = progress("LE1.1", 2023, "IN_PROGRESS", 40);
    input["narrative"] = json!({ "es": "Avance", "en": "Progress" });
    input["milestones"] = json!([{ "date": "2023-03-03", "text": { "es": "Hito" } }]);
    let r = created(&app, SRI, Kind::Progress, &input).await;
    assert_eq!(r["languages"], json!(["ES"]));
}
