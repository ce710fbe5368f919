//! The annual report: frozen once published, assembled live before.

use super::*;

// =============================================================================================
// The annual report
// =============================================================================================

fn line<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["strategicLines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["code"] == code)
        .expect("the line")
}

fn report_action<'a>(report: &'a Value, line_code: &str, code: &str) -> &'a Value {
    line(report, line_code)["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| a["code"] == code)
        .expect("the action")
}

#[tokio::test]
async fn a_published_annual_report_is_frozen() {
    let app = TestApp::new().await;
    let pu = progress_update(&app, SRI, Published, "LE1.1", 2023, "IN_PROGRESS", 40).await;
    let mut input = activity("FORUM", "2023-05-10", &["LE1.1"]);
    input["municipalities"] = json!(["08101"]);
    create_published(&app, SRI, Kind::Activity, input).await;
    let proj = create_published(
        &app,
        SRI,
        Kind::Project,
        project("2022-01-01", Some("2024-12-31"), "200000", "150000"),
    )
    .await;
    let ind = le11_indicator(&app, "IND-1").await;
    create_published(&app, SRI, Kind::Measurement, measurement(&ind, 2023, "15")).await;

    let doc = format!("mutation {{ publishAnnualReport(year: 2023) {{ {REPORT} }} }}");
    let frozen = app.data_as(Admin, &doc, json!({})).await["publishAnnualReport"].clone();
    assert_eq!(
        (&frozen["year"], &frozen["planCode"], &frozen["published"]),
        (&json!(2023), &json!("AMB-PI-2021-2025"), &json!(true))
    );
    assert!(
        frozen["publishedAt"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    assert_eq!(
        *report_action(&frozen, "LE1", "LE1.1"),
        json!({ "code": "LE1.1", "status": "IN_PROGRESS", "percentComplete": 40,
                "narrative": "Avance de LE1.1 en 2023: 40 %" })
    );
    assert_eq!(frozen["activities"].as_array().map(Vec::len), Some(1));
    assert_eq!(frozen["fundedProjects"][0]["grantAmount"], "150000");
    assert_eq!(
        line(&frozen, "LE1")["indicators"],
        json!([{ "code": "IND-1", "value": "15", "status": "ON_TRACK" }])
    );
    assert_eq!(
        frozen["municipalities"],
        json!([{ "ineCode": "08101", "name": "L'Hospitalet de Llobregat", "activities": 1, "fundedProjects": 0 }])
    );
    assert_eq!(annual_report(&app, Anonymous, 2023).await, frozen);

    // Later edits and publications of the year's records...
    let input = progress("LE1.1", 2023, "DELAYED", 45);
    update(&app, Admin, Kind::Progress, &pu, input).await;
    progress_update(&app, ADE, Published, "LE4.1", 2023, "COMPLETED", 100).await;
    create_published(
        &app,
        ADE,
        Kind::Activity,
        activity("STUDY_VISIT", "2023-09-01", &["LE4.1"]),
    )
    .await;
    step(&app, Admin, ARCHIVE, &proj).await;
    create_published(&app, SRI, Kind::Measurement, measurement(&ind, 2023, "19")).await;
    // ...never change the published report.
    assert_eq!(annual_report(&app, Anonymous, 2023).await, frozen);
    assert_eq!(annual_report(&app, Admin, 2023).await, frozen);
    // It is published once.
    let reply = refused(
        &app,
        Admin,
        "mutation { publishAnnualReport(year: 2023) { year } }",
        json!({}),
        "CONFLICT",
    )
    .await;
    assert_eq!(
        reply.error_message(),
        "the annual report of 2023 is already published"
    );
}

#[tokio::test]
async fn an_unpublished_annual_report_is_assembled_live_from_published_records() {
    let app = TestApp::new().await;
    let empty = annual_report(&app, Anonymous, 2024).await;
    assert_eq!(
        (&empty["published"], &empty["publishedAt"]),
        (&json!(false), &Value::Null)
    );
    assert_eq!(empty["activities"], json!([]));
    assert_eq!(empty["municipalities"], json!([]));
    assert_eq!(report_action(&empty, "LE4", "LE4.1")["status"], Value::Null);
    let lines: Vec<&Value> = empty["strategicLines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| &l["code"])
        .collect();
    assert_eq!(
        lines,
        [
            &json!("LE1"),
            &json!("LE2"),
            &json!("LE3"),
            &json!("LE4"),
            &json!("LE5")
        ]
    );

    // Drafts do not count.
    let draft = progress_update(&app, ADE, Draft, "LE4.1", 2024, "IN_PROGRESS", 30).await;
    let mut input = activity("FORUM", "2024-02-02", &["LE4.1"]);
    input["municipalities"] = json!(["08019"]);
    let act = create(&app, ADE, Kind::Activity, input).await;
    assert_eq!(annual_report(&app, Anonymous, 2024).await, empty);

    publish(&app, &draft).await;
    publish(&app, &act).await;
    let live = annual_report(&app, Anonymous, 2024).await;
    assert_eq!(live["published"], false);
    assert_eq!(
        *report_action(&live, "LE4", "LE4.1"),
        json!({ "code": "LE4.1", "status": "IN_PROGRESS", "percentComplete": 30,
                "narrative": "Avance de LE4.1 en 2024: 30 %" })
    );
    assert_eq!(
        line(&live, "LE4")["activities"],
        json!([{ "title": "FORUM 2024-02-02" }])
    );
    assert_eq!(line(&live, "LE1")["activities"], json!([]));
    assert_eq!(
        live["municipalities"],
        json!([{ "ineCode": "08019", "name": "Barcelona", "activities": 1, "fundedProjects": 0 }])
    );
    // Other years are untouched.
    assert_eq!(
        annual_report(&app, Anonymous, 2023).await["activities"],
        json!([])
    );
}

/// A published report whose stored form no longer decodes (here a grant that is not a number)
/// is an error that is logged and reported, in the API and on the printable page: never a
/// report with a 0 in its place.
#[tokio::test]
async fn a_stored_report_that_does_not_decode_is_an_error_never_a_zero() {
    use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
    let app = TestApp::new().await;
    create_published(
        &app,
        SRI,
        Kind::Project,
        project("2022-01-01", Some("2024-12-31"), "200000", "150000"),
    )
    .await;
    app.data_as(
        Admin,
        "mutation { publishAnnualReport(year: 2023) { year } }",
        json!({}),
    )
    .await;
    let page = app.get("/reports/AMB-PI-2021-2025/2023?lang=en").await;
    assert_eq!(page.status.as_u16(), 200);
    assert!(page.text.contains("150,000 €"), "{}", page.text);

    let stored = entity::annual_report::Entity::find()
        .one(&app.state.db)
        .await
        .expect("read")
        .expect("the published report");
    let mut content = stored.content.clone();
    assert_eq!(content["funded_projects"][0]["grant_amount"], "150000");
    content["funded_projects"][0]["grant_amount"] = json!("a lot");
    let mut row = stored.into_active_model();
    row.content = Set(content);
    row.update(&app.state.db)
        .await
        .expect("corrupt the stored report");

    let reply = app
        .post_as(
            Anonymous,
            "{ annualReport(year: 2023) { year fundedProjects { grantAmount } } }",
            json!({}),
        )
        .await;
    assert_eq!(reply.error_code(), Some("INTERNAL"), "{}", reply.body);
    assert_eq!(reply.body["data"], Value::Null, "{}", reply.body);
    let page = app.get("/reports/AMB-PI-2021-2025/2023?lang=en").await;
    assert_eq!(page.status.as_u16(), 500, "{}", page.text);
    assert!(!page.text.contains("0 €"), "{}", page.text);
}
