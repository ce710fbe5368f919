//! The role × operation matrix: who may create, change and review which records.

use super::*;

// =============================================================================================
// The role × operation matrix
// =============================================================================================

/// Everyone who calls the API: anonymous, reader, areas owning and not owning, municipalities,
/// and a coordinator.
const EVERYONE: [Who; 8] = [
    Anonymous, Reader, SRI, AIC, ADE, HOSPITALET, BARCELONA, Admin,
];

async fn create_matrix(app: &TestApp, kind: Kind, input: &Value, cases: &[(Who, Outcome)]) {
    assert_eq!(cases.len(), EVERYONE.len(), "every role is covered");
    for (who, outcome) in cases {
        let data = attempt(
            app,
            *who,
            &kind.create_doc(),
            create_vars(input, false),
            *outcome,
        )
        .await;
        if *outcome == Allowed {
            assert_eq!(data["r"]["state"], "DRAFT", "{who:?}");
            assert_eq!(data["r"]["version"], 1, "{who:?}");
        }
    }
}

/// For each case: a fresh record of `owner` (published first when `published`), which `who`
/// then tries to change.
async fn update_matrix(
    app: &TestApp,
    kind: Kind,
    owner: Who,
    input: &Value,
    changed: &Value,
    published: bool,
    cases: &[(Who, Outcome)],
) {
    for (who, outcome) in cases {
        let mut rec = create(app, owner, kind, input.clone()).await;
        if published {
            rec = publish(app, &rec).await;
        }
        let data = attempt(
            app,
            *who,
            &kind.update_doc(),
            update_vars(&rec, changed),
            *outcome,
        )
        .await;
        if *outcome == Allowed {
            assert_eq!(data["r"]["version"], rec.version + 1, "{who:?}");
        }
    }
}

#[tokio::test]
async fn create_progress_update_role_matrix() {
    let app = TestApp::new().await;
    create_matrix(
        &app,
        Kind::Progress,
        &progress("LE1.1", 2023, "IN_PROGRESS", 40),
        &[
            (Anonymous, Forbidden),
            (Reader, Forbidden),
            (SRI, Allowed),
            (AIC, Allowed),
            (ADE, Forbidden),
            (HOSPITALET, Forbidden),
            (BARCELONA, Forbidden),
            (Admin, Allowed),
        ],
    )
    .await;
    // The Economic Development Agency reports on its own actions.
    create(
        &app,
        ADE,
        Kind::Progress,
        progress("LE4.1", 2023, "IN_PROGRESS", 10),
    )
    .await;
    refused(
        &app,
        SRI,
        &Kind::Progress.create_doc(),
        create_vars(&progress("LE4.1", 2023, "IN_PROGRESS", 10), false),
        "FORBIDDEN",
    )
    .await;
}

#[tokio::test]
async fn create_activity_and_funded_project_role_matrix() {
    let app = TestApp::new().await;
    // Areas report their own activities, about any action; municipalities their own.
    let cases = [
        (Anonymous, Forbidden),
        (Reader, Forbidden),
        (SRI, Allowed),
        (AIC, Allowed),
        (ADE, Allowed),
        (HOSPITALET, Allowed),
        (BARCELONA, Allowed),
        (Admin, Allowed),
    ];
    create_matrix(
        &app,
        Kind::Activity,
        &activity("FORUM", "2023-05-01", &["LE1.1"]),
        &cases,
    )
    .await;
    create_matrix(
        &app,
        Kind::Project,
        &project("2023-01-01", None, "10", "5"),
        &cases,
    )
    .await;
}

#[tokio::test]
async fn create_indicator_and_evaluation_role_matrix() {
    let app = TestApp::new().await;
    let cases = [
        (Anonymous, Forbidden),
        (Reader, Forbidden),
        (SRI, Forbidden),
        (AIC, Forbidden),
        (ADE, Forbidden),
        (HOSPITALET, Forbidden),
        (BARCELONA, Forbidden),
        (Admin, Allowed),
    ];
    create_matrix(&app, Kind::Evaluation, &evaluation("MID_TERM"), &cases).await;
    // One code per indicator: the coordinator's only success is the last case.
    create_matrix(
        &app,
        Kind::Indicator,
        &indicator("IND-M", Some("LE1.1"), None),
        &cases,
    )
    .await;
}

#[tokio::test]
async fn create_measurement_role_matrix() {
    let app = TestApp::new().await;
    let ind = le11_indicator(&app, "IND-1").await;
    create_matrix(
        &app,
        Kind::Measurement,
        &measurement(&ind, 2023, "12"),
        &[
            (Anonymous, Forbidden),
            (Reader, Forbidden),
            (SRI, Allowed),
            (AIC, Allowed),
            (ADE, Forbidden),
            (HOSPITALET, Forbidden),
            (BARCELONA, Forbidden),
            (Admin, Allowed),
        ],
    )
    .await;
    // An indicator of an expected result is measured by the units of the line's actions.
    let le4 = create_published(
        &app,
        Admin,
        Kind::Indicator,
        indicator("IND-LE4", None, Some("LE4.R1")),
    )
    .await;
    create(&app, ADE, Kind::Measurement, measurement(&le4, 2023, "11")).await;
    refused(
        &app,
        SRI,
        &Kind::Measurement.create_doc(),
        create_vars(&measurement(&le4, 2023, "11"), false),
        "FORBIDDEN",
    )
    .await;
}

#[tokio::test]
async fn update_progress_update_role_matrix() {
    let app = TestApp::new().await;
    let input = progress("LE1.1", 2023, "IN_PROGRESS", 40);
    let changed = progress("LE1.1", 2023, "IN_PROGRESS", 55);
    // A draft: only its unit (and the area above it) and coordinators see it and change it.
    update_matrix(
        &app,
        Kind::Progress,
        SRI,
        &input,
        &changed,
        false,
        &[
            (Anonymous, NotFound),
            (Reader, Forbidden),
            (SRI, Allowed),
            (AIC, Allowed),
            (ADE, NotFound),
            (HOSPITALET, NotFound),
            (BARCELONA, NotFound),
            (Admin, Allowed),
        ],
    )
    .await;
    // Published: everyone sees it; only a coordinator changes it.
    update_matrix(
        &app,
        Kind::Progress,
        SRI,
        &input,
        &changed,
        true,
        &[
            (Anonymous, Forbidden),
            (Reader, Forbidden),
            (SRI, Forbidden),
            (AIC, Forbidden),
            (ADE, Forbidden),
            (HOSPITALET, Forbidden),
            (BARCELONA, Forbidden),
            (Admin, Allowed),
        ],
    )
    .await;
    // Submitted: out of the reporter's hands until returned.
    let submitted = create_submitted(&app, SRI, Kind::Progress, input.clone()).await;
    refused(
        &app,
        SRI,
        &Kind::Progress.update_doc(),
        update_vars(&submitted, &changed),
        "FORBIDDEN",
    )
    .await;
    // A unit cannot move its update to an action it is not responsible for.
    let own = create(&app, SRI, Kind::Progress, input.clone()).await;
    let elsewhere = progress("LE4.1", 2023, "IN_PROGRESS", 55);
    refused(
        &app,
        SRI,
        &Kind::Progress.update_doc(),
        update_vars(&own, &elsewhere),
        "FORBIDDEN",
    )
    .await;
}

#[tokio::test]
async fn update_activity_and_funded_project_role_matrix() {
    let app = TestApp::new().await;
    for (kind, input, changed) in [
        (
            Kind::Activity,
            activity("FORUM", "2023-05-01", &["LE1.1"]),
            activity("FORUM", "2023-05-02", &["LE1.1"]),
        ),
        (
            Kind::Project,
            project("2023-01-01", None, "10", "5"),
            project("2023-01-01", None, "10", "6"),
        ),
    ] {
        // A municipality's draft.
        update_matrix(
            &app,
            kind,
            HOSPITALET,
            &input,
            &changed,
            false,
            &[
                (Anonymous, NotFound),
                (Reader, Forbidden),
                (SRI, NotFound),
                (AIC, NotFound),
                (ADE, NotFound),
                (HOSPITALET, Allowed),
                (BARCELONA, NotFound),
                (Admin, Allowed),
            ],
        )
        .await;
        // An area's draft.
        update_matrix(
            &app,
            kind,
            SRI,
            &input,
            &changed,
            false,
            &[
                (Anonymous, NotFound),
                (Reader, Forbidden),
                (SRI, Allowed),
                (AIC, Allowed),
                (ADE, NotFound),
                (HOSPITALET, NotFound),
                (BARCELONA, NotFound),
                (Admin, Allowed),
            ],
        )
        .await;
        // Published: visible to all, changed by coordinators only.
        update_matrix(
            &app,
            kind,
            HOSPITALET,
            &input,
            &changed,
            true,
            &[
                (Anonymous, Forbidden),
                (Reader, Forbidden),
                (SRI, Forbidden),
                (AIC, Forbidden),
                (ADE, Forbidden),
                (HOSPITALET, Forbidden),
                (BARCELONA, Forbidden),
                (Admin, Allowed),
            ],
        )
        .await;
    }
}

#[tokio::test]
async fn update_indicator_and_evaluation_role_matrix() {
    let app = TestApp::new().await;
    let draft_cases = [
        (Anonymous, NotFound),
        (Reader, Forbidden),
        (SRI, NotFound),
        (AIC, NotFound),
        (ADE, NotFound),
        (HOSPITALET, NotFound),
        (BARCELONA, NotFound),
        (Admin, Allowed),
    ];
    let published_cases = [
        (Anonymous, Forbidden),
        (Reader, Forbidden),
        (SRI, Forbidden),
        (AIC, Forbidden),
        (ADE, Forbidden),
        (HOSPITALET, Forbidden),
        (BARCELONA, Forbidden),
        (Admin, Allowed),
    ];
    let mut changed = evaluation("MID_TERM");
    changed["status"] = json!("IN_PROGRESS");
    for (published, cases) in [(false, &draft_cases), (true, &published_cases)] {
        update_matrix(
            &app,
            Kind::Evaluation,
            Admin,
            &evaluation("MID_TERM"),
            &changed,
            published,
            cases,
        )
        .await;
    }
    // Indicators need a fresh code each.
    for (published, cases) in [(false, &draft_cases), (true, &published_cases)] {
        for (i, (who, outcome)) in cases.iter().enumerate() {
            let code = format!("IND-{published}-{i}");
            let mut rec = create(
                &app,
                Admin,
                Kind::Indicator,
                indicator(&code, Some("LE1.1"), None),
            )
            .await;
            if published {
                rec = publish(&app, &rec).await;
            }
            let mut changed = indicator(&code, Some("LE1.1"), None);
            changed["targetValue"] = json!("25");
            attempt(
                &app,
                *who,
                &Kind::Indicator.update_doc(),
                update_vars(&rec, &changed),
                *outcome,
            )
            .await;
        }
    }
}

#[tokio::test]
async fn update_measurement_role_matrix() {
    let app = TestApp::new().await;
    let ind = le11_indicator(&app, "IND-1").await;
    let input = measurement(&ind, 2023, "12");
    let changed = measurement(&ind, 2023, "13");
    update_matrix(
        &app,
        Kind::Measurement,
        SRI,
        &input,
        &changed,
        false,
        &[
            (Anonymous, NotFound),
            (Reader, Forbidden),
            (SRI, Allowed),
            (AIC, Allowed),
            (ADE, NotFound),
            (HOSPITALET, NotFound),
            (BARCELONA, NotFound),
            (Admin, Allowed),
        ],
    )
    .await;
    update_matrix(
        &app,
        Kind::Measurement,
        SRI,
        &input,
        &changed,
        true,
        &[
            (Anonymous, Forbidden),
            (Reader, Forbidden),
            (SRI, Forbidden),
            (AIC, Forbidden),
            (ADE, Forbidden),
            (HOSPITALET, Forbidden),
            (BARCELONA, Forbidden),
            (Admin, Allowed),
        ],
    )
    .await;
}

#[tokio::test]
async fn submit_record_role_matrix() {
    let app = TestApp::new().await;
    let cases = [
        (
            SRI,
            progress("LE1.1", 2023, "IN_PROGRESS", 40),
            Kind::Progress,
            [
                (Anonymous, NotFound),
                (Reader, Forbidden),
                (SRI, Allowed),
                (AIC, Allowed),
                (ADE, NotFound),
                (HOSPITALET, NotFound),
                (BARCELONA, NotFound),
                (Admin, Allowed),
            ],
        ),
        (
            HOSPITALET,
            activity("EVENT", "2023-04-23", &[]),
            Kind::Activity,
            [
                (Anonymous, NotFound),
                (Reader, Forbidden),
                (SRI, NotFound),
                (AIC, NotFound),
                (ADE, NotFound),
                (HOSPITALET, Allowed),
                (BARCELONA, NotFound),
                (Admin, Allowed),
            ],
        ),
        (
            Admin,
            indicator("IND-S", Some("LE1.1"), None),
            Kind::Indicator,
            [
                (Anonymous, NotFound),
                (Reader, Forbidden),
                (SRI, NotFound),
                (AIC, NotFound),
                (ADE, NotFound),
                (HOSPITALET, NotFound),
                (BARCELONA, NotFound),
                (Admin, Allowed),
            ],
        ),
    ];
    for (owner, input, kind, matrix) in cases {
        for (who, outcome) in matrix {
            let mut input = input.clone();
            if kind == Kind::Indicator {
                input["code"] = json!(format!("IND-{who:?}").replace(['(', ')', '"', ' '], ""));
            }
            let rec = create(&app, owner, kind, input).await;
            let data = attempt(&app, who, SUBMIT, rec_vars(&rec), outcome).await;
            if outcome == Allowed {
                assert_eq!(data["r"]["state"], "SUBMITTED", "{who:?}");
            }
        }
    }
}

#[tokio::test]
async fn publish_return_and_archive_role_matrix() {
    let app = TestApp::new().await;
    let reviewers = [
        (Anonymous, Forbidden),
        (Reader, Forbidden),
        (SRI, Forbidden),
        (AIC, Forbidden),
        (ADE, Forbidden),
        (HOSPITALET, Forbidden),
        (BARCELONA, Forbidden),
        (Admin, Allowed),
    ];
    for (doc, to) in [
        (PUBLISH, "PUBLISHED"),
        (RETURN, "RETURNED"),
        (ARCHIVE, "ARCHIVED"),
    ] {
        for (who, outcome) in reviewers {
            // Every kind of owner: an area's update and a municipality's activity.
            let records = [
                create_submitted(
                    &app,
                    SRI,
                    Kind::Progress,
                    progress("LE1.1", 2023, "IN_PROGRESS", 40),
                )
                .await,
                create_submitted(
                    &app,
                    HOSPITALET,
                    Kind::Activity,
                    activity("EVENT", "2023-04-23", &[]),
                )
                .await,
            ];
            for rec in records {
                let vars = json!({ "id": rec.id, "v": rec.version, "comment": { "ca": "Cal revisar-ho" } });
                let vars = if doc == RETURN { vars } else { rec_vars(&rec) };
                let data = attempt(&app, who, doc, vars, outcome).await;
                if outcome == Allowed {
                    assert_eq!(data["r"]["state"], to, "{who:?}");
                }
            }
        }
    }
}

#[tokio::test]
async fn reporting_years_and_annual_reports_are_managed_by_coordinators_only() {
    let app = TestApp::new().await;
    for (who, outcome) in [
        (Anonymous, Forbidden),
        (Reader, Forbidden),
        (SRI, Forbidden),
        (AIC, Forbidden),
        (ADE, Forbidden),
        (HOSPITALET, Forbidden),
        (BARCELONA, Forbidden),
        (Admin, Allowed),
    ] {
        attempt(
            &app,
            who,
            "mutation { closeReportingYear(year: 2024) { closed } }",
            json!({}),
            outcome,
        )
        .await;
        attempt(
            &app,
            who,
            "mutation { openReportingYear(year: 2024) { closed } }",
            json!({}),
            outcome,
        )
        .await;
        attempt(
            &app,
            who,
            "mutation { publishAnnualReport(year: 2021) { published } }",
            json!({}),
            outcome,
        )
        .await;
    }
}
