//! Reading the audit trail: who sees which entries and which reporter subjects.

use super::*;

/// The reporter's token subject identifies a person: only coordinators, readers, the reporter
/// and its own unit (or an area above it) or municipality see it.
#[tokio::test]
async fn the_reporter_s_subject_is_shown_only_to_those_entitled_to_it() {
    let app = TestApp::new().await;
    let bearer = bearer_with_subject;
    let officer = bearer("area", Some("AMB-SRI"), None, "sri-officer");
    let doc = Kind::Progress.create_doc();
    let vars = create_vars(&progress("LE1.1", 2023, "IN_PROGRESS", 40), false);
    let reply = app.post(&doc, vars, &[("authorization", &officer)]).await;
    let rec = publish(&app, &Rec::of(&reply.body["data"]["r"])).await;
    let query =
        "query($id: ID!) { node(id: $id) { ... on ProgressUpdate { reportedBy { subject } } } }";
    for (authorization, subject) in [
        (None, Value::Null),
        (Some(officer.clone()), json!("sri-officer")),
        (
            Some(bearer("area", Some("AMB-SRI"), None, "sri-colleague")),
            json!("sri-officer"),
        ),
        (
            Some(bearer("area", Some("AMB-AIC"), None, "aic-head")),
            json!("sri-officer"),
        ),
        (
            Some(bearer("area", Some("AMB-ADE"), None, "ade-officer")),
            Value::Null,
        ),
        (
            Some(bearer("municipality", None, Some("08101"), "lh-officer")),
            Value::Null,
        ),
        (
            Some(bearer("reader", None, None, "auditor")),
            json!("sri-officer"),
        ),
        (
            Some(bearer("admin", None, None, "coordinator")),
            json!("sri-officer"),
        ),
    ] {
        let headers: Vec<(&str, &str)> = authorization
            .iter()
            .map(|a| ("authorization", a.as_str()))
            .collect();
        let reply = app.post(query, json!({ "id": rec.id }), &headers).await;
        assert_eq!(
            reply.body["data"]["node"]["reportedBy"]["subject"], subject,
            "{authorization:?}: {}",
            reply.body
        );
    }
}

/// Entries of other kinds (reporting years, annual reports) have ids of their own, which may
/// equal a record's: filtering by a record must not mix them in.
#[tokio::test]
async fn the_audit_log_of_a_record_lists_that_record_s_entries_only() {
    let app = TestApp::new().await;
    let rec = progress_update(&app, SRI, Draft, "LE1.1", 2023, "IN_PROGRESS", 40).await;
    let input = progress("LE1.1", 2023, "IN_PROGRESS", 45);
    let rec = update(&app, SRI, Kind::Progress, &rec, input).await;
    let rec = step(&app, SRI, SUBMIT, &rec).await;
    let rec = return_with(&app, &rec, "Evidence?").await;
    let rec = step(&app, SRI, SUBMIT, &rec).await;
    let rec = publish(&app, &rec).await;
    step(&app, Admin, ARCHIVE, &rec).await;
    app.data_as(
        Admin,
        "mutation { closeReportingYear(year: 2021) { year } }",
        json!({}),
    )
    .await;
    app.data_as(
        Admin,
        "mutation { publishAnnualReport(year: 2021) { year } }",
        json!({}),
    )
    .await;
    let query = "query($id: ID!) { auditLog(filter: { record: $id }) { totalCount nodes { operation recordId } } }";
    for who in [Admin, SRI] {
        let trail = app.data_as(who, query, json!({ "id": rec.id })).await;
        let operations: Vec<&str> = trail["auditLog"]["nodes"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|n| n["operation"].as_str().expect("an operation"))
            .collect();
        assert_eq!(
            operations,
            [
                "ARCHIVE", "PUBLISH", "SUBMIT", "RETURN", "SUBMIT", "UPDATE", "CREATE"
            ],
            "{who:?}"
        );
        assert_eq!(trail["auditLog"]["totalCount"], 7, "{who:?}");
    }
}

#[tokio::test]
async fn the_audit_log_shows_each_role_only_entries_about_its_own_records() {
    let app = TestApp::new().await;
    let sri = progress_update(&app, SRI, Draft, "LE1.1", 2023, "IN_PROGRESS", 40).await;
    publish(&app, &sri).await;
    let ade = progress_update(&app, ADE, Draft, "LE4.1", 2023, "IN_PROGRESS", 40).await;
    let h = create(
        &app,
        HOSPITALET,
        Kind::Activity,
        activity("EVENT", "2023-04-23", &[]),
    )
    .await;
    let admin = create(&app, Admin, Kind::Evaluation, evaluation("MID_TERM")).await;
    app.data_as(
        Admin,
        "mutation { closeReportingYear(year: 2021) { year } }",
        json!({}),
    )
    .await;

    let query = "{ auditLog(first: 50) { totalCount nodes { recordId operation } } }";
    for (who, records) in [
        (SRI, vec![&sri, &sri, &sri]),
        (AIC, vec![&sri, &sri, &sri]),
        (ADE, vec![&ade]),
        (HOSPITALET, vec![&h]),
        (BARCELONA, vec![]),
    ] {
        let data = app.data_as(who, query, json!({})).await;
        let seen: Vec<Value> = data["auditLog"]["nodes"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|n| n["recordId"].clone())
            .collect();
        let expected: Vec<Value> = records.iter().map(|r| json!(r.id)).collect();
        assert_eq!(seen, expected, "{who:?}");
        assert_eq!(data["auditLog"]["totalCount"], expected.len(), "{who:?}");
    }
    let all = app.data_as(Admin, query, json!({})).await;
    assert_eq!(all["auditLog"]["totalCount"], 7);
    assert_eq!(all["auditLog"]["nodes"][1]["recordId"], json!(admin.id));
    for who in [Anonymous, Reader] {
        let reply = app.post_as(who, query, json!({})).await;
        assert_eq!(
            reply.error_code(),
            Some("FORBIDDEN"),
            "{who:?}: {}",
            reply.body
        );
        assert_eq!(reply.body["data"], Value::Null);
    }
}
