//! The audit trail: one entry per write, with actor snapshots and the request id.

use super::*;

// =============================================================================================
// The audit trail
// =============================================================================================

const LAST_ENTRY: &str = "{ auditLog(first: 1) { nodes { sequence at actorSubject actorRole
    actorUnit actorMunicipality recordType recordId operation before after requestId } } }";

/// The newest audit entry.
async fn last_entry(app: &TestApp) -> Value {
    app.data_as(Admin, LAST_ENTRY, json!({})).await["auditLog"]["nodes"][0].clone()
}

/// Sends a write with an `x-request-id` and returns its data and the id the server echoed.
async fn write_with_id(
    app: &TestApp,
    who: Who,
    query: &str,
    vars: Value,
    id: &str,
) -> (Value, String) {
    let reply = app
        .post_as_with(who, query, vars, &[("x-request-id", id)])
        .await;
    assert!(reply.body.get("errors").is_none(), "{}", reply.body);
    let echoed = reply.headers["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    (reply.body["data"].clone(), echoed)
}

#[tokio::test]
async fn every_write_leaves_an_audit_entry_with_actor_snapshots_and_request_id() {
    let app = TestApp::new().await;
    // Create, as an area, with the client's request id.
    let input = progress("LE1.1", 2023, "IN_PROGRESS", 40);
    let (data, rid) = write_with_id(
        &app,
        SRI,
        &Kind::Progress.create_doc(),
        create_vars(&input, false),
        "req-create-1",
    )
    .await;
    assert_eq!(rid, "req-create-1");
    let rec = Rec::of(&data["r"]);
    let e = last_entry(&app).await;
    assert_eq!(
        (
            &e["operation"],
            &e["actorSubject"],
            &e["actorRole"],
            &e["actorUnit"],
            &e["actorMunicipality"]
        ),
        (
            &json!("CREATE"),
            &json!("test-area"),
            &json!("area"),
            &json!("AMB-SRI"),
            &Value::Null
        )
    );
    assert_eq!(
        (&e["recordType"], &e["recordId"]),
        (&json!("ProgressUpdate"), &json!(rec.id))
    );
    assert_eq!(e["requestId"], "req-create-1");
    assert_eq!(e["before"], Value::Null);
    assert_eq!(e["after"]["state"], "DRAFT");
    assert_eq!(e["after"]["version"], 1);
    assert_eq!(e["after"]["year"], 2023);
    assert_eq!(e["after"]["type"], "PROGRESS_UPDATE");
    assert_eq!(e["after"]["payload"]["percent_complete"], 40);
    assert_eq!(e["after"]["payload"]["action"], "LE1.1");
    assert_eq!(
        e["after"]["links"],
        json!([["ACTION", "LE1.1"], ["LINE", "LE1"]])
    );
    assert!(e["at"].as_str().is_some_and(|t| t.ends_with('Z')));
    let mut sequence = e["sequence"].as_i64().expect("a sequence");

    // Every later write, with before and after.
    let updated = progress("LE1.1", 2023, "IN_PROGRESS", 55);
    let steps: Vec<(&str, Who, String, Value, &str, &str)> = vec![
        (
            "UPDATE",
            SRI,
            Kind::Progress.update_doc(),
            json!({ "input": updated }),
            "DRAFT",
            "DRAFT",
        ),
        (
            "SUBMIT",
            SRI,
            SUBMIT.to_owned(),
            json!({}),
            "DRAFT",
            "SUBMITTED",
        ),
        (
            "RETURN",
            Admin,
            RETURN.to_owned(),
            json!({ "comment": { "en": "Evidence?" } }),
            "SUBMITTED",
            "RETURNED",
        ),
        (
            "SUBMIT",
            SRI,
            SUBMIT.to_owned(),
            json!({}),
            "RETURNED",
            "SUBMITTED",
        ),
        (
            "PUBLISH",
            Admin,
            PUBLISH.to_owned(),
            json!({}),
            "SUBMITTED",
            "PUBLISHED",
        ),
        (
            "ARCHIVE",
            Admin,
            ARCHIVE.to_owned(),
            json!({}),
            "PUBLISHED",
            "ARCHIVED",
        ),
    ];
    for (version, (operation, who, doc, extra, from, to)) in (rec.version..).zip(steps) {
        let mut vars = json!({ "id": rec.id, "v": version });
        for (k, v) in extra.as_object().expect("an object") {
            vars[k] = v.clone();
        }
        // Without a client id the server makes one up and returns it.
        let reply = app.post_as(who, &doc, vars).await;
        assert!(
            reply.body.get("errors").is_none(),
            "{operation}: {}",
            reply.body
        );
        let rid = reply.headers["x-request-id"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert_eq!(rid.len(), 36, "{operation}: a UUID");
        let e = last_entry(&app).await;
        assert!(e["sequence"].as_i64() > Some(sequence), "{operation}");
        sequence = e["sequence"].as_i64().expect("a sequence");
        assert_eq!(e["operation"], operation);
        assert_eq!(e["requestId"], rid, "{operation}");
        assert_eq!(e["recordId"], json!(rec.id));
        let (subject, role) = if who == Admin {
            ("test-admin", "admin")
        } else {
            ("test-area", "area")
        };
        assert_eq!(
            (&e["actorSubject"], &e["actorRole"]),
            (&json!(subject), &json!(role)),
            "{operation}"
        );
        assert_eq!(
            (&e["before"]["state"], &e["after"]["state"]),
            (&json!(from), &json!(to)),
            "{operation}"
        );
        assert_eq!(e["before"]["version"], version, "{operation}");
        assert_eq!(e["after"]["version"], version + 1, "{operation}");
        if operation == "UPDATE" {
            assert_eq!(e["before"]["payload"]["percent_complete"], 40);
            assert_eq!(e["after"]["payload"]["percent_complete"], 55);
        }
        if operation == "RETURN" {
            assert_eq!(e["after"]["reviewComment"], json!({ "en": "Evidence?" }));
        }
    }

    // A municipality's write names the municipality.
    let (_, rid) = write_with_id(
        &app,
        HOSPITALET,
        &Kind::Activity.create_doc(),
        create_vars(&activity("EVENT", "2023-04-23", &[]), false),
        "req-muni-7",
    )
    .await;
    let e = last_entry(&app).await;
    assert_eq!(
        (
            &e["actorRole"],
            &e["actorUnit"],
            &e["actorMunicipality"],
            &e["requestId"]
        ),
        (
            &json!("municipality"),
            &Value::Null,
            &json!("08101"),
            &json!(rid)
        )
    );

    // Years and reports.
    let (_, rid) = write_with_id(
        &app,
        Admin,
        "mutation { closeReportingYear(year: 2022) { year } }",
        json!({}),
        "req-close",
    )
    .await;
    let e = last_entry(&app).await;
    assert_eq!(
        (
            &e["operation"],
            &e["recordType"],
            &e["recordId"],
            &e["requestId"]
        ),
        (
            &json!("CLOSE_YEAR"),
            &json!("ReportingYear"),
            &Value::Null,
            &json!(rid)
        )
    );
    assert_eq!(
        e["before"],
        json!({ "year": 2022, "closed": false, "version": 1 })
    );
    assert_eq!(
        e["after"],
        json!({ "year": 2022, "closed": true, "version": 2 })
    );
    write_with_id(
        &app,
        Admin,
        "mutation { openReportingYear(year: 2022) { year } }",
        json!({}),
        "req-open",
    )
    .await;
    let e = last_entry(&app).await;
    assert_eq!(
        (&e["operation"], &e["requestId"]),
        (&json!("OPEN_YEAR"), &json!("req-open"))
    );
    assert_eq!(
        e["after"],
        json!({ "year": 2022, "closed": false, "version": 3 })
    );
    write_with_id(
        &app,
        Admin,
        "mutation { publishAnnualReport(year: 2023) { year } }",
        json!({}),
        "req-report",
    )
    .await;
    let e = last_entry(&app).await;
    assert_eq!(
        (
            &e["operation"],
            &e["recordType"],
            &e["requestId"],
            &e["after"]
        ),
        (
            &json!("PUBLISH_REPORT"),
            &json!("AnnualReport"),
            &json!("req-report"),
            &json!({ "year": 2023 })
        )
    );

    // The filters.
    let updates = app.data_as(Admin,
        r#"{ auditLog(filter: { operation: "SUBMIT", actorSubject: "test-area" }) { totalCount } }"#,
        json!({}),
    )
    .await;
    assert_eq!(updates["auditLog"]["totalCount"], 2);
    let reply = refused(
        &app,
        Admin,
        r#"{ auditLog(filter: { operation: "DELETE" }) { totalCount } }"#,
        json!({}),
        "BAD_USER_INPUT",
    )
    .await;
    assert_eq!(
        reply.body["errors"][0]["extensions"]["field"],
        "filter.operation"
    );
}

/// Writes `query` as `who`, checking it appends exactly one audit entry, for `operation` on a
/// `record_type`, with the request's id; returns the data.
async fn audited(
    app: &TestApp,
    who: Who,
    query: &str,
    vars: Value,
    (operation, record_type): (&str, &str),
) -> Value {
    let count = || async { world(app).await["auditLog"]["totalCount"].as_i64() };
    let before = count().await.expect("a count");
    let reply = app.post_as(who, query, vars).await;
    assert!(
        reply.body.get("errors").is_none(),
        "{operation}: {}",
        reply.body
    );
    let request_id = reply.headers["x-request-id"].to_str().expect("ascii");
    assert_eq!(count().await, Some(before + 1), "{operation} {record_type}");
    let e = last_entry(app).await;
    assert_eq!(
        (&e["operation"], &e["recordType"], &e["requestId"]),
        (&json!(operation), &json!(record_type), &json!(request_id))
    );
    reply.body["data"].clone()
}

#[tokio::test]
async fn every_mutation_appends_exactly_one_audit_entry() {
    let app = TestApp::new().await;
    let mut records = Vec::new();
    for (who, kind, input, changed) in [
        (
            SRI,
            Kind::Progress,
            progress("LE1.1", 2023, "IN_PROGRESS", 40),
            progress("LE1.1", 2023, "IN_PROGRESS", 50),
        ),
        (
            HOSPITALET,
            Kind::Activity,
            activity("EVENT", "2023-04-23", &[]),
            activity("EVENT", "2023-04-24", &[]),
        ),
        (
            ADE,
            Kind::Project,
            project("2023-01-01", None, "10", "5"),
            project("2023-01-01", None, "10", "6"),
        ),
        (
            Admin,
            Kind::Indicator,
            indicator("IND-1", Some("LE1.1"), None),
            indicator("IND-1", Some("LE1.1"), Some("LE1.R1")),
        ),
        (
            Admin,
            Kind::Evaluation,
            evaluation("MID_TERM"),
            evaluation("FINAL"),
        ),
    ] {
        let data = audited(
            &app,
            who,
            &kind.create_doc(),
            create_vars(&input, false),
            ("CREATE", kind.name()),
        )
        .await;
        let rec = Rec::of(&data["r"]);
        let data = audited(
            &app,
            who,
            &kind.update_doc(),
            update_vars(&rec, &changed),
            ("UPDATE", kind.name()),
        )
        .await;
        records.push((who, kind, Rec::of(&data["r"])));
    }
    let ind = records[3].2.clone();
    let ind =
        Rec::of(&audited(&app, Admin, SUBMIT, rec_vars(&ind), ("SUBMIT", "Indicator")).await["r"]);
    let ind = Rec::of(
        &audited(
            &app,
            Admin,
            PUBLISH,
            rec_vars(&ind),
            ("PUBLISH", "Indicator"),
        )
        .await["r"],
    );
    let data = audited(
        &app,
        SRI,
        &Kind::Measurement.create_doc(),
        create_vars(&measurement(&ind, 2023, "12"), false),
        ("CREATE", "Measurement"),
    )
    .await;
    let m = Rec::of(&data["r"]);
    audited(
        &app,
        SRI,
        &Kind::Measurement.update_doc(),
        update_vars(&m, &measurement(&ind, 2023, "13")),
        ("UPDATE", "Measurement"),
    )
    .await;
    let (who, kind, pu) = records[0].clone();
    let pu =
        Rec::of(&audited(&app, who, SUBMIT, rec_vars(&pu), ("SUBMIT", kind.name())).await["r"]);
    let vars = json!({ "id": pu.id, "v": pu.version, "comment": { "es": "Falta evidencia" } });
    let pu = Rec::of(&audited(&app, Admin, RETURN, vars, ("RETURN", kind.name())).await["r"]);
    let pu =
        Rec::of(&audited(&app, who, SUBMIT, rec_vars(&pu), ("SUBMIT", kind.name())).await["r"]);
    let pu = Rec::of(
        &audited(
            &app,
            Admin,
            PUBLISH,
            rec_vars(&pu),
            ("PUBLISH", kind.name()),
        )
        .await["r"],
    );
    audited(
        &app,
        Admin,
        ARCHIVE,
        rec_vars(&pu),
        ("ARCHIVE", kind.name()),
    )
    .await;
    audited(
        &app,
        Admin,
        "mutation { closeReportingYear(year: 2024) { year } }",
        json!({}),
        ("CLOSE_YEAR", "ReportingYear"),
    )
    .await;
    audited(
        &app,
        Admin,
        "mutation { openReportingYear(year: 2024) { year } }",
        json!({}),
        ("OPEN_YEAR", "ReportingYear"),
    )
    .await;
    audited(
        &app,
        Admin,
        "mutation { publishAnnualReport(year: 2023) { year } }",
        json!({}),
        ("PUBLISH_REPORT", "AnnualReport"),
    )
    .await;
    // Reads write nothing.
    let before = world(&app).await;
    annual_report(&app, Anonymous, 2024).await;
    app.data_as(
        Admin,
        "{ reportingYears { year } auditLog { totalCount } }",
        json!({}),
    )
    .await;
    assert_eq!(world(&app).await, before);
}

#[tokio::test]
async fn a_malformed_request_id_is_replaced_by_a_fresh_one() {
    let app = TestApp::new().await;
    let input = progress("LE1.1", 2023, "IN_PROGRESS", 40);
    let reply = app
        .post_as_with(
            SRI,
            &Kind::Progress.create_doc(),
            create_vars(&input, false),
            &[("x-request-id", "not a valid id!")],
        )
        .await;
    assert!(reply.body.get("errors").is_none(), "{}", reply.body);
    let echoed = reply.headers["x-request-id"].to_str().expect("ascii");
    assert_ne!(echoed, "not a valid id!");
    assert_eq!(echoed.len(), 36);
    assert_eq!(last_entry(&app).await["requestId"], echoed);
}
