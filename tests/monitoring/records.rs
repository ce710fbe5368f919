//! Creating and changing each kind of record: what is stored is what a follow-up query reads.

use super::*;

// =============================================================================================
// Happy paths
// =============================================================================================

#[tokio::test]
async fn create_progress_update_returns_a_draft_that_a_follow_up_query_sees() {
    let app = TestApp::new().await;
    let input = json!({
        "action": "LE1.1", "year": 2023, "status": "IN_PROGRESS", "percentComplete": 40,
        "narrative": { "es": "Participación en Eurocities", "en": "Eurocities participation" },
        "milestones": [{ "date": "2023-06-15", "text": { "es": "Foro de Lyon", "en": "Lyon forum" } }],
        "evidenceLinks": ["https://www.amb.cat/web/area-internacional"],
    });
    let doc = "mutation($input: ProgressUpdateInput!, $key: String!) {
        r: createProgressUpdate(input: $input, idempotencyKey: $key) {
            id state version year status percentComplete narrative(lang: EN)
            milestones { date text(lang: EN) } evidenceLinks action { code } languages
            reportedBy { role subject unit { code } municipality { ineCode } } } }";
    let data = app
        .data_as(SRI, doc, json!({ "input": input, "key": key() }))
        .await;
    let r = &data["r"];
    assert_eq!(
        *r,
        json!({
            "id": r["id"], "state": "DRAFT", "version": 1, "year": 2023, "status": "IN_PROGRESS",
            "percentComplete": 40, "narrative": "Eurocities participation",
            "milestones": [{ "date": "2023-06-15", "text": "Lyon forum" }],
            "evidenceLinks": ["https://www.amb.cat/web/area-internacional"],
            "action": { "code": "LE1.1" }, "languages": ["ES", "EN"],
            "reportedBy": { "role": "AREA", "subject": "test-area", "unit": { "code": "AMB-SRI" },
                            "municipality": null },
        })
    );
    let id = r["id"].as_str().expect("id");
    let seen = node(&app, SRI, id, PROGRESS_FIELDS).await;
    assert_eq!(seen["percentComplete"], 40);
    assert_eq!(seen["es"], "Participación en Eurocities");
    assert_eq!(seen["milestones"][0]["text"], "Foro de Lyon");
    assert_eq!(seen["publishedAt"], Value::Null);
    assert_eq!(seen["synthetic"], false);
    assert_eq!(
        list(&app, Admin, "progressUpdates", json!({ "action": "LE1.1" })).await,
        vec![id.to_owned()]
    );
    let history = app
        .data_as(
            SRI,
            r#"{ action(code: "LE1.1") { progressHistory { id state } currentProgress { id } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        history["action"],
        json!({ "progressHistory": [{ "id": id, "state": "DRAFT" }], "currentProgress": null })
    );
}

#[tokio::test]
async fn create_with_submit_true_starts_the_record_submitted() {
    let app = TestApp::new().await;
    let rec = progress_update(&app, ADE, Submitted, "LE4.1", 2022, "DELAYED", 15).await;
    assert_eq!(rec.version, 1);
    let seen = node(&app, ADE, &rec.id, PROGRESS_FIELDS).await;
    assert_eq!(seen["state"], "SUBMITTED");
    assert_eq!(seen["status"], "DELAYED");
    assert_eq!(seen["reportedBy"]["unit"]["code"], "AMB-ADE");
}

#[tokio::test]
async fn update_progress_update_replaces_its_content_and_bumps_the_version() {
    let app = TestApp::new().await;
    let rec = progress_update(&app, SRI, Draft, "LE1.1", 2023, "IN_PROGRESS", 40).await;
    let changed = json!({
        "action": "LE1.2", "year": 2024, "status": "COMPLETED", "percentComplete": 100,
        "narrative": { "ca": "Acabat" }, "evidenceLinks": ["http://example.org/informe.pdf"],
    });
    let after = update(&app, SRI, Kind::Progress, &rec, changed).await;
    assert_eq!(
        after,
        Rec {
            id: rec.id.clone(),
            version: 2
        }
    );
    let seen = node(&app, SRI, &rec.id, PROGRESS_FIELDS).await;
    assert_eq!(seen["state"], "DRAFT");
    assert_eq!(seen["year"], 2024);
    assert_eq!(seen["status"], "COMPLETED");
    assert_eq!(seen["percentComplete"], 100);
    assert_eq!(seen["action"]["code"], "LE1.2");
    assert_eq!(seen["languages"], json!(["CA"]));
    assert_eq!(
        seen["evidenceLinks"],
        json!(["http://example.org/informe.pdf"])
    );
    // The record moved: it is now about LE1.2 and no longer about LE1.1.
    assert_eq!(
        list(&app, SRI, "progressUpdates", json!({ "action": "LE1.2" })).await,
        vec![rec.id.clone()]
    );
    assert!(
        list(&app, SRI, "progressUpdates", json!({ "action": "LE1.1" }))
            .await
            .is_empty()
    );
}

const ACTIVITY_FIELDS: &str = "... on Activity { state version year kind title(lang: ES)
    summary(lang: ES) startDate endDate place links actions { code } zones { code }
    partners { code } organizations { code } municipalities { ineCode } languages
    reportedBy { role unit { code } municipality { ineCode } } }";

#[tokio::test]
async fn create_and_update_activity_store_every_field() {
    let app = TestApp::new().await;
    let input = json!({
        "kind": "NETWORK_MEETING",
        "title": { "es": "Asamblea de Metropolis", "en": "Metropolis assembly" },
        "summary": { "es": "Reunión anual", "en": "Yearly meeting" },
        "startDate": "2022-10-10", "endDate": "2022-10-12", "place": "  Gauteng  ",
        "links": ["https://www.metropolis.org"], "actions": ["LE1.1", "LE1.8"],
        "zones": ["AFRICA"], "partners": ["gauteng"], "organizations": ["METROPOLIS"],
        "municipalities": ["08019"],
    });
    let r = created(&app, SRI, Kind::Activity, &input).await;
    let rec = Rec::of(&r);
    assert_eq!(r["year"], 2022);
    assert_eq!(r["languages"], json!(["ES", "EN"]));
    let seen = node(&app, SRI, &rec.id, ACTIVITY_FIELDS).await;
    assert_eq!(
        seen,
        json!({
            "id": rec.id, "state": "DRAFT", "version": 1, "year": 2022, "kind": "NETWORK_MEETING",
            "title": "Asamblea de Metropolis", "summary": "Reunión anual",
            "startDate": "2022-10-10", "endDate": "2022-10-12", "place": "Gauteng",
            "links": ["https://www.metropolis.org"],
            "actions": [{ "code": "LE1.1" }, { "code": "LE1.8" }], "zones": [{ "code": "AFRICA" }],
            "partners": [{ "code": "gauteng" }], "organizations": [{ "code": "METROPOLIS" }],
            "municipalities": [{ "ineCode": "08019" }], "languages": ["ES", "EN"],
            "reportedBy": { "role": "AREA", "unit": { "code": "AMB-SRI" }, "municipality": null },
        })
    );
    let changed = json!({
        "kind": "STUDY_VISIT", "title": { "es": "Visita de estudio a Lyon" },
        "startDate": "2023-03-01", "actions": ["LE1.2"], "zones": ["EUROPE"],
        "partners": ["grand-lyon"],
    });
    let after = update(&app, SRI, Kind::Activity, &rec, changed).await;
    assert_eq!(after.version, 2);
    let seen = node(&app, SRI, &rec.id, ACTIVITY_FIELDS).await;
    assert_eq!(seen["kind"], "STUDY_VISIT");
    assert_eq!(seen["year"], 2023);
    assert_eq!(seen["endDate"], Value::Null);
    assert_eq!(seen["place"], Value::Null);
    assert_eq!(seen["partners"], json!([{ "code": "grand-lyon" }]));
    assert_eq!(seen["municipalities"], json!([]));
    assert_eq!(
        list(&app, SRI, "activities", json!({ "zone": "EUROPE" })).await,
        vec![rec.id.clone()]
    );
    assert!(
        list(&app, SRI, "activities", json!({ "zone": "AFRICA" }))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_municipality_s_activities_and_projects_always_involve_the_municipality() {
    let app = TestApp::new().await;
    let mut input = activity("EVENT", "2023-04-23", &["LE1.1"]);
    input["municipalities"] = json!(["08019"]);
    let rec = create(&app, HOSPITALET, Kind::Activity, input).await;
    let seen = node(&app, HOSPITALET, &rec.id, ACTIVITY_FIELDS).await;
    assert_eq!(
        seen["municipalities"],
        json!([{ "ineCode": "08101" }, { "ineCode": "08019" }])
    );
    assert_eq!(
        seen["reportedBy"],
        json!({ "role": "MUNICIPALITY", "unit": null, "municipality": { "ineCode": "08101" } })
    );
    let project = create(
        &app,
        HOSPITALET,
        Kind::Project,
        project("2022-01-01", None, "100000", "50000"),
    )
    .await;
    let seen = node(
        &app,
        HOSPITALET,
        &project.id,
        "... on FundedProject { municipalities { ineCode } }",
    )
    .await;
    assert_eq!(seen["municipalities"], json!([{ "ineCode": "08101" }]));
    let mine = app
        .data_as(
            HOSPITALET,
            r#"{ municipality(ineCode: "08101") { activities { id } fundedProjects { id } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        mine["municipality"],
        json!({ "activities": [{ "id": rec.id }], "fundedProjects": [{ "id": project.id }] })
    );
}

const PROJECT_FIELDS: &str = "... on FundedProject { state version year title(lang: EN)
    summary(lang: EN) programme role totalBudget grantAmount startDate endDate status
    continuedAfterFunding links actions { code } municipalities { ineCode } languages }";

#[tokio::test]
async fn create_and_update_funded_project_keep_exact_amounts() {
    let app = TestApp::new().await;
    let input = json!({
        "title": { "en": "URBACT network on metropolitan food" },
        "summary": { "en": "Food strategies" }, "programme": "URBACT", "role": "LEAD",
        "totalBudget": "1250000.50", "grantAmount": "937500.375", "startDate": "2020-09-01",
        "endDate": "2023-08-31", "status": "IN_EXECUTION", "links": ["https://urbact.eu"],
        "actions": ["LE2.1", "LE2.2"], "municipalities": ["08101", "08019"],
    });
    let r = created(&app, SRI, Kind::Project, &input).await;
    let rec = Rec::of(&r);
    // Projects may start before the plan; the record's year is the year it starts.
    assert_eq!(r["year"], 2020);
    let seen = node(&app, Admin, &rec.id, PROJECT_FIELDS).await;
    assert_eq!(
        seen,
        json!({
            "id": rec.id, "state": "DRAFT", "version": 1, "year": 2020,
            "title": "URBACT network on metropolitan food", "summary": "Food strategies",
            "programme": "URBACT", "role": "LEAD", "totalBudget": "1250000.5",
            "grantAmount": "937500.375", "startDate": "2020-09-01", "endDate": "2023-08-31",
            "status": "IN_EXECUTION", "continuedAfterFunding": null, "links": ["https://urbact.eu"],
            "actions": [{ "code": "LE2.1" }, { "code": "LE2.2" }],
            "municipalities": [{ "ineCode": "08101" }, { "ineCode": "08019" }],
            "languages": ["EN"],
        })
    );
    let mut changed = input.clone();
    changed["status"] = json!("CLOSED");
    changed["continuedAfterFunding"] = json!(true);
    changed["grantAmount"] = json!("1250000.50");
    let after = update(&app, SRI, Kind::Project, &rec, changed).await;
    assert_eq!(after.version, 2);
    let seen = node(&app, Admin, &rec.id, PROJECT_FIELDS).await;
    assert_eq!(seen["status"], "CLOSED");
    assert_eq!(seen["continuedAfterFunding"], true);
    assert_eq!(seen["grantAmount"], "1250000.5");
    assert_eq!(
        list(&app, Admin, "fundedProjects", json!({ "kind": "URBACT" })).await,
        vec![rec.id.clone()]
    );
}

const INDICATOR_FIELDS: &str = "... on Indicator { state version year code name(lang: ES) unit
    expectedResult { code } action { code } baseline { value year } target { value year }
    direction status latestValue { value year } languages }";

#[tokio::test]
async fn create_and_update_indicator() {
    let app = TestApp::new().await;
    let input = json!({
        "code": "IND-LE1.R1-01", "name": { "es": "Redes activas", "ca": "Xarxes actives" },
        "unit": "networks", "expectedResult": "LE1.R1", "baselineValue": "12.50",
        "baselineYear": 2019, "targetValue": "18", "targetYear": 2025, "direction": "INCREASE",
    });
    let r = created(&app, Admin, Kind::Indicator, &input).await;
    let rec = Rec::of(&r);
    assert_eq!(r["year"], Value::Null);
    let seen = node(&app, Admin, &rec.id, INDICATOR_FIELDS).await;
    assert_eq!(
        seen,
        json!({
            "id": rec.id, "state": "DRAFT", "version": 1, "year": null, "code": "IND-LE1.R1-01",
            "name": "Redes activas", "unit": "networks", "expectedResult": { "code": "LE1.R1" },
            "action": null, "baseline": { "value": "12.5", "year": 2019 },
            "target": { "value": "18", "year": 2025 }, "direction": "INCREASE",
            "status": "NO_DATA", "latestValue": null, "languages": ["CA", "ES"],
        })
    );
    let mut changed = input.clone();
    changed["code"] = json!("IND-LE1.1-01");
    changed["expectedResult"] = Value::Null;
    changed["action"] = json!("LE1.1");
    changed["direction"] = json!("DECREASE");
    changed["baselineValue"] = json!("20");
    changed["targetValue"] = json!("10");
    let after = update(&app, Admin, Kind::Indicator, &rec, changed).await;
    assert_eq!(after.version, 2);
    let seen = node(&app, Admin, &rec.id, INDICATOR_FIELDS).await;
    assert_eq!(seen["code"], "IND-LE1.1-01");
    assert_eq!(seen["action"], json!({ "code": "LE1.1" }));
    assert_eq!(seen["expectedResult"], Value::Null);
    assert_eq!(seen["direction"], "DECREASE");
    assert_eq!(
        list(&app, Admin, "indicators", json!({ "action": "LE1.1" })).await,
        vec![rec.id.clone()]
    );
    // Codes are unique in the plan.
    let twin = indicator("IND-LE1.1-01", Some("LE1.2"), None);
    let reply = refused(
        &app,
        Admin,
        &Kind::Indicator.create_doc(),
        create_vars(&twin, false),
        "CONFLICT",
    )
    .await;
    assert!(
        reply.error_message().contains("IND-LE1.1-01"),
        "{}",
        reply.body
    );
}

const MEASUREMENT_FIELDS: &str = "... on Measurement { state version year value source
    notes(lang: EN) indicator { id code } languages reportedBy { unit { code } } }";

#[tokio::test]
async fn create_and_update_measurement() {
    let app = TestApp::new().await;
    let ind = le11_indicator(&app, "IND-1").await;
    let mut input = measurement(&ind, 2023, "14.50");
    input["notes"] = json!({ "en": "Counted in December" });
    let r = created(&app, SRI, Kind::Measurement, &input).await;
    let rec = Rec::of(&r);
    let seen = node(&app, SRI, &rec.id, MEASUREMENT_FIELDS).await;
    assert_eq!(
        seen,
        json!({
            "id": rec.id, "state": "DRAFT", "version": 1, "year": 2023, "value": "14.5",
            "source": "Registre de projectes de l'AMB", "notes": "Counted in December",
            "indicator": { "id": ind.id, "code": "IND-1" }, "languages": ["EN"],
            "reportedBy": { "unit": { "code": "AMB-SRI" } },
        })
    );
    let after = update(
        &app,
        SRI,
        Kind::Measurement,
        &rec,
        measurement(&ind, 2024, "16"),
    )
    .await;
    assert_eq!(after.version, 2);
    let seen = node(&app, SRI, &rec.id, MEASUREMENT_FIELDS).await;
    assert_eq!(
        (&seen["year"], &seen["value"]),
        (&json!(2024), &json!("16"))
    );
    let measured = node(
        &app,
        SRI,
        &ind.id,
        "... on Indicator { measurements { id year value state } }",
    )
    .await;
    assert_eq!(
        measured["measurements"],
        json!([{ "id": rec.id, "year": 2024, "value": "16", "state": "DRAFT" }])
    );
}

const EVALUATION_FIELDS: &str = "... on Evaluation { state version year kind status startDate
    endDate summary(lang: EN) findings(lang: EN) recommendations(lang: EN) documentLink
    languages }";

#[tokio::test]
async fn create_and_update_evaluation_with_the_plan_s_default_years() {
    let app = TestApp::new().await;
    let mid = create(&app, Admin, Kind::Evaluation, evaluation("MID_TERM")).await;
    let last = create(&app, Admin, Kind::Evaluation, evaluation("FINAL")).await;
    assert_eq!(
        node(&app, Admin, &mid.id, "... on Evaluation { year }").await["year"],
        2023
    );
    assert_eq!(
        node(&app, Admin, &last.id, "... on Evaluation { year }").await["year"],
        2025
    );
    let changed = json!({
        "kind": "MID_TERM", "year": 2024, "status": "COMPLETED", "startDate": "2024-01-15",
        "endDate": "2024-06-30", "summary": { "en": "Mid-term review" },
        "findings": { "en": "Networks strengthened" }, "recommendations": { "en": "More EU funds" },
        "documentLink": "https://www.amb.cat/evaluacio-intermedia.pdf",
    });
    let after = update(&app, Admin, Kind::Evaluation, &mid, changed).await;
    assert_eq!(after.version, 2);
    let seen = node(&app, Admin, &mid.id, EVALUATION_FIELDS).await;
    assert_eq!(
        seen,
        json!({
            "id": mid.id, "state": "DRAFT", "version": 2, "year": 2024, "kind": "MID_TERM",
            "status": "COMPLETED", "startDate": "2024-01-15", "endDate": "2024-06-30",
            "summary": "Mid-term review", "findings": "Networks strengthened",
            "recommendations": "More EU funds",
            "documentLink": "https://www.amb.cat/evaluacio-intermedia.pdf", "languages": ["EN"],
        })
    );
    assert_eq!(
        list(&app, Admin, "evaluations", json!({ "kind": "FINAL" })).await,
        vec![last.id.clone()]
    );
}
