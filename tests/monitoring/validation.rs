//! Validation: every problem of an input reported at once, with its path, changing nothing.

use super::*;

// =============================================================================================
// Validation
// =============================================================================================

#[tokio::test]
async fn progress_update_validation_reports_every_problem_at_once() {
    let app = TestApp::new().await;
    let input = json!({
        "action": "LE9.9", "year": 2026, "status": "IN_PROGRESS", "percentComplete": 120,
        "narrative": { "es": text_of(20_001) },
        "milestones": [{ "date": "2031-01-01", "text": {} }],
        "evidenceLinks": ["ftp://files.amb.cat/informe.pdf"],
    });
    let reply = invalid(
        &app,
        SRI,
        &Kind::Progress.create_doc(),
        create_vars(&input, false),
        &[
            "input.action",
            "input.year",
            "input.percentComplete",
            "input.narrative.es",
            "input.milestones[0].text",
            "input.milestones[0].date",
            "input.evidenceLinks[0]",
        ],
    )
    .await;
    assert_eq!(reply.field_message(0), "unknown action \"LE9.9\"");
    assert_eq!(
        reply.field_message(1),
        "must be a year of the plan, 2021-2025"
    );
    assert_eq!(reply.field_message(2), "must be between 0 and 100");
    assert_eq!(reply.field_message(3), "at most 20000 characters");
    assert_eq!(
        reply.field_message(6),
        "must be an http:// or https:// link"
    );
    assert!(
        reply
            .error_message()
            .starts_with("invalid input: input.action: unknown action")
    );
}

#[tokio::test]
async fn percent_complete_must_fit_the_status() {
    let app = TestApp::new().await;
    let doc = Kind::Progress.create_doc();
    for (status, percent, message) in [
        ("COMPLETED", 90, "a COMPLETED action is 100 % complete"),
        ("NOT_STARTED", 5, "a NOT_STARTED action is 0 % complete"),
        ("IN_PROGRESS", -1, "must be between 0 and 100"),
        ("IN_PROGRESS", 101, "must be between 0 and 100"),
    ] {
        let input = progress("LE1.1", 2023, status, percent);
        let reply = invalid(
            &app,
            SRI,
            &doc,
            create_vars(&input, false),
            &["input.percentComplete"],
        )
        .await;
        assert_eq!(reply.field_message(0), message);
    }
    // The bounds themselves are fine.
    create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2023, "COMPLETED", 100),
    )
    .await;
    create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2021, "NOT_STARTED", 0),
    )
    .await;
}

#[tokio::test]
async fn an_invalid_update_changes_nothing() {
    let app = TestApp::new().await;
    let rec = create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2023, "IN_PROGRESS", 40),
    )
    .await;
    let mut input = progress("LE1.1", 2020, "IN_PROGRESS", 140);
    input["evidenceLinks"] = json!(["https://ok.example.org", "javascript:alert(1)"]);
    invalid(
        &app,
        SRI,
        &Kind::Progress.update_doc(),
        update_vars(&rec, &input),
        &[
            "input.year",
            "input.percentComplete",
            "input.evidenceLinks[1]",
        ],
    )
    .await;
    let seen = node(&app, SRI, &rec.id, PROGRESS_FIELDS).await;
    assert_eq!(
        (&seen["version"], &seen["percentComplete"]),
        (&json!(1), &json!(40))
    );
}

#[tokio::test]
async fn activity_validation_reports_every_problem_at_once() {
    let app = TestApp::new().await;
    let input = json!({
        "kind": "FORUM", "title": { "es": "Foro", "en": text_of(501) },
        "summary": { "ca": text_of(20_001) },
        "startDate": "2020-12-30", "endDate": "2020-12-01", "place": text_of(201),
        "links": ["ftp://amb.cat", "https://www.amb.cat", "javascript:alert(1)", "https://",
                  "http:///path", "https://exa mple.org"],
        "actions": ["LE1.1", "LE9.9"], "zones": ["ATLANTIS"], "partners": ["gotham"],
        "organizations": ["ACME"], "municipalities": ["08999"],
    });
    let reply = invalid(
        &app,
        SRI,
        &Kind::Activity.create_doc(),
        create_vars(&input, false),
        &[
            "input.title.en",
            "input.summary.ca",
            "input.startDate",
            "input.endDate",
            "input.place",
            "input.links[0]",
            "input.links[2]",
            "input.links[3]",
            "input.links[4]",
            "input.links[5]",
            "input.actions[1]",
            "input.zones[0]",
            "input.partners[0]",
            "input.organizations[0]",
            "input.municipalities[0]",
        ],
    )
    .await;
    assert_eq!(reply.field_message(0), "at most 500 characters");
    assert_eq!(reply.field_message(3), "must not be before the start date");
    assert_eq!(reply.field_message(4), "at most 200 characters");
    assert_eq!(reply.field_message(10), "unknown action \"LE9.9\"");
    assert_eq!(reply.field_message(11), "unknown zone \"ATLANTIS\"");
    assert_eq!(
        reply.field_message(12),
        "unknown partner metropolis \"gotham\""
    );
    assert_eq!(reply.field_message(13), "unknown organization \"ACME\"");
    assert_eq!(reply.field_message(14), "unknown municipality \"08999\"");
    // A title in no language at all.
    let untitled = json!({ "kind": "FORUM", "title": { "es": "   " }, "startDate": "2023-01-01" });
    let reply = invalid(
        &app,
        SRI,
        &Kind::Activity.create_doc(),
        create_vars(&untitled, false),
        &["input.title"],
    )
    .await;
    assert_eq!(
        reply.field_message(0),
        "a text in at least one language (ca, es, en, fr) is required"
    );
}

/// A municipality's own INE code is added to its reports; the error paths must still point at
/// the items the client sent.
#[tokio::test]
async fn a_municipality_s_unknown_codes_are_reported_at_the_index_it_sent() {
    let app = TestApp::new().await;
    let mut input = activity("EVENT", "2023-04-23", &["LE1.1"]);
    input["municipalities"] = json!(["08999"]);
    let reply = invalid(
        &app,
        HOSPITALET,
        &Kind::Activity.create_doc(),
        create_vars(&input, false),
        &["input.municipalities[0]"],
    )
    .await;
    assert_eq!(reply.field_message(0), "unknown municipality \"08999\"");
    let mut input = project("2022-01-01", None, "100", "50");
    input["municipalities"] = json!(["08019", "08998"]);
    invalid(
        &app,
        HOSPITALET,
        &Kind::Project.create_doc(),
        create_vars(&input, false),
        &["input.municipalities[1]"],
    )
    .await;
}

#[tokio::test]
async fn funded_project_validation_reports_every_problem_at_once() {
    let app = TestApp::new().await;
    let input = json!({
        "title": {}, "summary": { "fr": text_of(20_001) }, "programme": "FEDER", "role": "LEAD",
        "totalBudget": "-100", "grantAmount": "-5", "startDate": "2026-01-01",
        "endDate": "2020-06-30", "status": "APPLIED", "links": ["mailto:eu@amb.cat"],
        "actions": ["LE9.9"], "municipalities": ["08999"],
    });
    let reply = invalid(
        &app,
        SRI,
        &Kind::Project.create_doc(),
        create_vars(&input, false),
        &[
            "input.title",
            "input.summary.fr",
            "input.totalBudget",
            "input.grantAmount",
            "input.startDate",
            "input.endDate",
            "input.endDate",
            "input.links[0]",
            "input.actions[0]",
            "input.municipalities[0]",
        ],
    )
    .await;
    assert_eq!(reply.field_message(2), "must not be negative");
    assert_eq!(reply.field_message(3), "must not be negative");
    assert_eq!(reply.field_message(4), "must start by 2025");
    assert_eq!(reply.field_message(5), "must end in 2021 or later");
    assert_eq!(reply.field_message(6), "must not be before the start date");
}

#[tokio::test]
async fn a_grant_above_the_total_budget_is_refused() {
    let app = TestApp::new().await;
    let input = project("2022-01-01", Some("2024-12-31"), "1000000", "1000000.01");
    let reply = invalid(
        &app,
        ADE,
        &Kind::Project.create_doc(),
        create_vars(&input, false),
        &["input.grantAmount"],
    )
    .await;
    assert_eq!(reply.field_message(0), "must not exceed the total budget");
    // Equal is fine, and zero is not negative.
    create(
        &app,
        ADE,
        Kind::Project,
        project("2022-01-01", None, "1000000", "1000000"),
    )
    .await;
    create(
        &app,
        ADE,
        Kind::Project,
        project("2022-01-01", None, "0", "0"),
    )
    .await;
}

#[tokio::test]
async fn indicator_validation_reports_every_problem_at_once() {
    let app = TestApp::new().await;
    let doc = Kind::Indicator.create_doc();
    let input = json!({
        "code": "bad code!", "name": {}, "unit": " ", "expectedResult": "LE9.R9",
        "baselineValue": "10", "baselineYear": 1999, "targetValue": "20", "targetYear": 2026,
        "direction": "INCREASE",
    });
    let reply = invalid(
        &app,
        Admin,
        &doc,
        create_vars(&input, false),
        &[
            "input.code",
            "input.name",
            "input.unit",
            "input.expectedResult",
            "input.baselineYear",
            "input.targetYear",
        ],
    )
    .await;
    assert_eq!(reply.field_message(3), "unknown expected result \"LE9.R9\"");
    assert_eq!(reply.field_message(4), "must be between 2000 and 2025");
    let mut input = indicator("IND-X", Some("LE9.9"), None);
    input["baselineYear"] = json!(2024);
    input["targetYear"] = json!(2022);
    let reply = invalid(
        &app,
        Admin,
        &doc,
        create_vars(&input, false),
        &["input.action", "input.targetYear"],
    )
    .await;
    assert_eq!(
        reply.field_message(1),
        "must not be before the baseline year"
    );
    let reply = invalid(
        &app,
        Admin,
        &doc,
        create_vars(&indicator("IND-X", None, None), false),
        &["input.expectedResult"],
    )
    .await;
    assert_eq!(
        reply.field_message(0),
        "an expected result or an action is required"
    );
}

#[tokio::test]
async fn measurement_validation_reports_every_problem_at_once() {
    let app = TestApp::new().await;
    let ind = le11_indicator(&app, "IND-1").await;
    let input = json!({
        "indicator": ind.id, "year": 2020, "value": "3", "source": "   ",
        "notes": { "es": text_of(20_001) },
    });
    let reply = invalid(
        &app,
        SRI,
        &Kind::Measurement.create_doc(),
        create_vars(&input, false),
        &["input.year", "input.source", "input.notes.es"],
    )
    .await;
    assert_eq!(reply.field_message(1), "must not be empty");
    // The indicator must be an indicator the caller can see.
    let act = create(
        &app,
        SRI,
        Kind::Activity,
        activity("FORUM", "2023-01-01", &[]),
    )
    .await;
    for id in [act.id.as_str(), "not-an-id"] {
        let input = json!({ "indicator": id, "year": 2023, "value": "3", "source": "AMB" });
        let reply = refused(
            &app,
            SRI,
            &Kind::Measurement.create_doc(),
            create_vars(&input, false),
            "BAD_USER_INPUT",
        )
        .await;
        assert_eq!(
            reply.body["errors"][0]["extensions"]["field"],
            "input.indicator"
        );
    }
}

#[tokio::test]
async fn evaluation_validation_reports_every_problem_at_once() {
    let app = TestApp::new().await;
    let input = json!({
        "kind": "FINAL", "year": 2026, "status": "IN_PROGRESS", "startDate": "2025-06-01",
        "endDate": "2025-01-01", "findings": { "en": text_of(20_001) },
        "documentLink": "file:///etc/passwd",
    });
    invalid(
        &app,
        Admin,
        &Kind::Evaluation.create_doc(),
        create_vars(&input, false),
        &[
            "input.year",
            "input.endDate",
            "input.findings.en",
            "input.documentLink",
        ],
    )
    .await;
}

#[tokio::test]
async fn a_year_outside_the_plan_is_refused_everywhere() {
    let app = TestApp::new().await;
    let reply = refused(
        &app,
        Anonymous,
        "{ annualReport(year: 2020) { year } }",
        json!({}),
        "BAD_USER_INPUT",
    )
    .await;
    assert_eq!(reply.body["errors"][0]["extensions"]["field"], "year");
    let reply = refused(
        &app,
        Admin,
        "mutation { publishAnnualReport(year: 2030) { year } }",
        json!({}),
        "BAD_USER_INPUT",
    )
    .await;
    assert_eq!(reply.body["errors"][0]["extensions"]["field"], "year");
    let reply = refused(
        &app,
        Admin,
        "mutation { openReportingYear(year: 2020) { year } }",
        json!({}),
        "BAD_USER_INPUT",
    )
    .await;
    assert_eq!(reply.body["errors"][0]["extensions"]["field"], "year");
}

#[tokio::test]
async fn a_bad_idempotency_key_is_bad_user_input_listed_with_the_other_problems() {
    let app = TestApp::new().await;
    let doc = Kind::Progress.create_doc();
    let valid = progress("LE1.1", 2023, "IN_PROGRESS", 40);
    // A key of 100 such characters is fine.
    let vars =
        json!({ "input": valid, "key": format!("{}:a-b_c.d", "k".repeat(92)), "submit": false });
    app.data_as(SRI, &doc, vars).await;
    for bad in ["", "has space", "ñ", &"k".repeat(101), "semi;colon"] {
        let vars = json!({ "input": valid, "key": bad, "submit": false });
        let reply = refused(&app, SRI, &doc, vars, "BAD_USER_INPUT").await;
        assert!(
            reply
                .error_message()
                .contains("1-100 letters, digits, '-', '_', '.' or ':' (e.g. a UUID)"),
            "{}",
            reply.body
        );
        assert_eq!(
            reply.body["errors"][0]["extensions"]["field"],
            "idempotencyKey"
        );
        assert_eq!(reply.field_errors(), ["idempotencyKey"], "{}", reply.body);
    }
    // With other problems, the key is listed with them.
    let broken = progress("LE1.1", 2023, "IN_PROGRESS", 400);
    let vars = json!({ "input": broken, "key": "has space", "submit": false });
    let reply = refused(&app, SRI, &doc, vars, "BAD_USER_INPUT").await;
    let mut fields = reply.field_errors();
    assert_eq!(reply.body["errors"][0]["extensions"]["field"], fields[0]);
    fields.sort();
    assert_eq!(fields, ["idempotencyKey", "input.percentComplete"]);
}
