//! Validation: every problem of an input reported at once, with its path, changing nothing.
//!
//! The tests are tables: a case per input, with every problem it must report (path and
//! message, in order), checked by one loop that names the case when it fails.

use super::*;

/// Creations that must fail validation: (case, who, kind, input, problems).
type Invalid = (
    &'static str,
    Who,
    Kind,
    Value,
    &'static [(&'static str, &'static str)],
);

/// Creates each case's record and checks it reports exactly its problems and changes nothing.
async fn all_invalid(app: &TestApp, cases: Vec<Invalid>) {
    for (case, who, kind, input, problems) in cases {
        let vars = create_vars(&input, false);
        invalid(app, case, who, &kind.create_doc(), vars, problems).await;
    }
}

const PERCENT_RANGE: (&str, &str) = ("input.percentComplete", "must be between 0 and 100");
const LONG_TEXT: &str = "at most 20000 characters";
const PLAN_YEAR: &str = "must be a year of the plan, 2021-2025";
const LINK: &str = "must be an http:// or https:// link";
const NO_TEXT: &str = "a text in at least one language (ca, es, en, fr) is required";
const NOT_BEFORE_START: &str = "must not be before the start date";

#[tokio::test]
async fn progress_update_validation_reports_every_problem_at_once() {
    let app = TestApp::new().await;
    let everything_wrong = json!({
        "action": "LE9.9", "year": 2026, "status": "IN_PROGRESS", "percentComplete": 120,
        "narrative": { "es": text_of(20_001) },
        "milestones": [{ "date": "2031-01-01", "text": {} }],
        "evidenceLinks": ["ftp://files.amb.cat/informe.pdf"],
    });
    let percent = |status, percent| progress("LE1.1", 2023, status, percent);
    all_invalid(
        &app,
        vec![
            (
                "every problem at once",
                SRI,
                Kind::Progress,
                everything_wrong,
                &[
                    ("input.action", "unknown action \"LE9.9\""),
                    ("input.year", PLAN_YEAR),
                    PERCENT_RANGE,
                    ("input.narrative.es", LONG_TEXT),
                    ("input.milestones[0].text", NO_TEXT),
                    (
                        "input.milestones[0].date",
                        "must fall within the plan, 2021-2025",
                    ),
                    ("input.evidenceLinks[0]", LINK),
                ],
            ),
            // The percentage must fit the status.
            (
                "COMPLETED at 90 %",
                SRI,
                Kind::Progress,
                percent("COMPLETED", 90),
                &[(
                    "input.percentComplete",
                    "a COMPLETED action is 100 % complete",
                )],
            ),
            (
                "NOT_STARTED at 5 %",
                SRI,
                Kind::Progress,
                percent("NOT_STARTED", 5),
                &[(
                    "input.percentComplete",
                    "a NOT_STARTED action is 0 % complete",
                )],
            ),
            (
                "-1 %",
                SRI,
                Kind::Progress,
                percent("IN_PROGRESS", -1),
                &[PERCENT_RANGE],
            ),
            (
                "101 %",
                SRI,
                Kind::Progress,
                percent("IN_PROGRESS", 101),
                &[PERCENT_RANGE],
            ),
        ],
    )
    .await;
    // The bounds themselves are fine.
    create(&app, SRI, Kind::Progress, percent("COMPLETED", 100)).await;
    let first_year = progress("LE1.1", 2021, "NOT_STARTED", 0);
    create(&app, SRI, Kind::Progress, first_year).await;
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
    let problems = [
        ("input.year", PLAN_YEAR),
        PERCENT_RANGE,
        ("input.evidenceLinks[1]", LINK),
    ];
    let doc = Kind::Progress.update_doc();
    let vars = update_vars(&rec, &input);
    invalid(&app, "an update", SRI, &doc, vars, &problems).await;
    let seen = node(&app, SRI, &rec.id, PROGRESS_FIELDS).await;
    assert_eq!(
        (&seen["version"], &seen["percentComplete"]),
        (&json!(1), &json!(40))
    );
}

#[tokio::test]
async fn activity_and_funded_project_validation_reports_every_problem_at_once() {
    let app = TestApp::new().await;
    let activity_all_wrong = json!({
        "kind": "FORUM", "title": { "es": "Foro", "en": text_of(501) },
        "summary": { "ca": text_of(20_001) },
        "startDate": "2020-12-30", "endDate": "2020-12-01", "place": text_of(201),
        "links": ["ftp://amb.cat", "https://www.amb.cat", "javascript:alert(1)", "https://",
                  "http:///path", "https://exa mple.org"],
        "actions": ["LE1.1", "LE9.9"], "zones": ["ATLANTIS"], "partners": ["gotham"],
        "organizations": ["ACME"], "municipalities": ["08999"],
    });
    let untitled = json!({ "kind": "FORUM", "title": { "es": "   " }, "startDate": "2023-01-01" });
    let project_all_wrong = json!({
        "title": {}, "summary": { "fr": text_of(20_001) }, "programme": "FEDER", "role": "LEAD",
        "totalBudget": "-100", "grantAmount": "-5", "startDate": "2026-01-01",
        "endDate": "2020-06-30", "status": "APPLIED", "links": ["mailto:eu@amb.cat"],
        "actions": ["LE9.9"], "municipalities": ["08999"],
    });
    // A municipality's own INE code is added to its reports; the error paths must still point
    // at the items the client sent.
    let mut own_activity = activity("EVENT", "2023-04-23", &["LE1.1"]);
    own_activity["municipalities"] = json!(["08999"]);
    let mut own_project = project("2022-01-01", None, "100", "50");
    own_project["municipalities"] = json!(["08019", "08998"]);
    let above_budget = project("2022-01-01", Some("2024-12-31"), "1000000", "1000000.01");
    all_invalid(
        &app,
        vec![
            (
                "an activity with every problem",
                SRI,
                Kind::Activity,
                activity_all_wrong,
                &[
                    ("input.title.en", "at most 500 characters"),
                    ("input.summary.ca", LONG_TEXT),
                    ("input.startDate", PLAN_YEAR),
                    ("input.endDate", NOT_BEFORE_START),
                    ("input.place", "at most 200 characters"),
                    ("input.links[0]", LINK),
                    ("input.links[2]", LINK),
                    ("input.links[3]", LINK),
                    ("input.links[4]", LINK),
                    ("input.links[5]", LINK),
                    ("input.actions[1]", "unknown action \"LE9.9\""),
                    ("input.zones[0]", "unknown zone \"ATLANTIS\""),
                    ("input.partners[0]", "unknown partner metropolis \"gotham\""),
                    ("input.organizations[0]", "unknown organization \"ACME\""),
                    ("input.municipalities[0]", "unknown municipality \"08999\""),
                ],
            ),
            (
                "an activity titled in no language at all",
                SRI,
                Kind::Activity,
                untitled,
                &[("input.title", NO_TEXT)],
            ),
            (
                "a municipality's activity",
                HOSPITALET,
                Kind::Activity,
                own_activity,
                &[("input.municipalities[0]", "unknown municipality \"08999\"")],
            ),
            (
                "a municipality's project",
                HOSPITALET,
                Kind::Project,
                own_project,
                &[("input.municipalities[1]", "unknown municipality \"08998\"")],
            ),
            (
                "a project with every problem",
                SRI,
                Kind::Project,
                project_all_wrong,
                &[
                    ("input.title", NO_TEXT),
                    ("input.summary.fr", LONG_TEXT),
                    ("input.totalBudget", "must not be negative"),
                    ("input.grantAmount", "must not be negative"),
                    ("input.startDate", "must start by 2025"),
                    ("input.endDate", "must end in 2021 or later"),
                    ("input.endDate", NOT_BEFORE_START),
                    ("input.links[0]", LINK),
                    ("input.actions[0]", "unknown action \"LE9.9\""),
                    ("input.municipalities[0]", "unknown municipality \"08999\""),
                ],
            ),
            (
                "a grant above the total budget",
                ADE,
                Kind::Project,
                above_budget,
                &[("input.grantAmount", "must not exceed the total budget")],
            ),
        ],
    )
    .await;
    // A grant equal to the budget is fine, and zero is not negative.
    for (total, grant) in [("1000000", "1000000"), ("0", "0")] {
        create(
            &app,
            ADE,
            Kind::Project,
            project("2022-01-01", None, total, grant),
        )
        .await;
    }
}

#[tokio::test]
async fn indicator_measurement_and_evaluation_validation_reports_every_problem_at_once() {
    let app = TestApp::new().await;
    let ind = le11_indicator(&app, "IND-1").await;
    let indicator_all_wrong = json!({
        "code": "bad code!", "name": {}, "unit": " ", "expectedResult": "LE9.R9",
        "baselineValue": "10", "baselineYear": 1999, "targetValue": "20", "targetYear": 2026,
        "direction": "INCREASE",
    });
    let mut years_reversed = indicator("IND-X", Some("LE9.9"), None);
    years_reversed["baselineYear"] = json!(2024);
    years_reversed["targetYear"] = json!(2022);
    let measurement_all_wrong = json!({
        "indicator": ind.id, "year": 2020, "value": "3", "source": "   ",
        "notes": { "es": text_of(20_001) },
    });
    let act = create(
        &app,
        SRI,
        Kind::Activity,
        activity("FORUM", "2023-01-01", &[]),
    )
    .await;
    let of = |id: &str| json!({ "indicator": id, "year": 2023, "value": "3", "source": "AMB" });
    let evaluation_all_wrong = json!({
        "kind": "FINAL", "year": 2026, "status": "IN_PROGRESS", "startDate": "2025-06-01",
        "endDate": "2025-01-01", "findings": { "en": text_of(20_001) },
        "documentLink": "file:///etc/passwd",
    });
    all_invalid(
        &app,
        vec![
            (
                "an indicator with every problem",
                Admin,
                Kind::Indicator,
                indicator_all_wrong,
                &[
                    ("input.code", "1-50 letters, digits, '-', '.' or '_'"),
                    ("input.name", NO_TEXT),
                    ("input.unit", "must not be empty"),
                    ("input.expectedResult", "unknown expected result \"LE9.R9\""),
                    ("input.baselineYear", "must be between 2000 and 2025"),
                    ("input.targetYear", PLAN_YEAR),
                ],
            ),
            (
                "an indicator's target before its baseline",
                Admin,
                Kind::Indicator,
                years_reversed,
                &[
                    ("input.action", "unknown action \"LE9.9\""),
                    ("input.targetYear", "must not be before the baseline year"),
                ],
            ),
            (
                "an indicator of nothing",
                Admin,
                Kind::Indicator,
                indicator("IND-X", None, None),
                &[(
                    "input.expectedResult",
                    "an expected result or an action is required",
                )],
            ),
            (
                "a measurement with every problem",
                SRI,
                Kind::Measurement,
                measurement_all_wrong,
                &[
                    ("input.year", PLAN_YEAR),
                    ("input.source", "must not be empty"),
                    ("input.notes.es", LONG_TEXT),
                ],
            ),
            (
                "an evaluation with every problem",
                Admin,
                Kind::Evaluation,
                evaluation_all_wrong,
                &[
                    ("input.year", PLAN_YEAR),
                    ("input.endDate", NOT_BEFORE_START),
                    ("input.findings.en", LONG_TEXT),
                    ("input.documentLink", LINK),
                ],
            ),
        ],
    )
    .await;
    // The indicator must be an indicator the caller can see.
    for (case, id) in [("an activity", act.id.as_str()), ("no record", "not-an-id")] {
        let vars = create_vars(&of(id), false);
        let doc = Kind::Measurement.create_doc();
        let reply = refused_in(&app, case, SRI, &doc, vars, "BAD_USER_INPUT").await;
        let field = &reply.body["errors"][0]["extensions"]["field"];
        assert_eq!(field, "input.indicator", "a measurement of {case}");
    }
}

#[tokio::test]
async fn a_year_outside_the_plan_is_refused_everywhere() {
    let app = TestApp::new().await;
    for (who, doc) in [
        (Anonymous, "{ annualReport(year: 2020) { year } }"),
        (
            Admin,
            "mutation { publishAnnualReport(year: 2030) { year } }",
        ),
        (Admin, "mutation { openReportingYear(year: 2020) { year } }"),
    ] {
        let reply = refused_in(&app, doc, who, doc, json!({}), "BAD_USER_INPUT").await;
        assert_eq!(
            reply.body["errors"][0]["extensions"]["field"], "year",
            "{doc}"
        );
    }
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
    let rule = "1-100 letters, digits, '-', '_', '.' or ':' (e.g. a UUID)";
    for bad in ["", "has space", "ñ", &"k".repeat(101), "semi;colon"] {
        let vars = json!({ "input": valid, "key": bad, "submit": false });
        let case = format!("key {bad:?}");
        let reply = refused_in(&app, &case, SRI, &doc, vars, "BAD_USER_INPUT").await;
        assert!(
            reply.error_message().contains(rule),
            "{case}: {}",
            reply.body
        );
        assert_eq!(
            reply.body["errors"][0]["extensions"]["field"], "idempotencyKey",
            "{case}"
        );
        assert_eq!(reply.field_errors(), ["idempotencyKey"], "{case}");
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
