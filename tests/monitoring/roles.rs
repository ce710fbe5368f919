//! The role × operation matrix: who may create, change and review which records.
//!
//! Each test is one table: a case per line, with how the attempt of each caller of
//! [`EVERYONE`] must end, and one loop that names the case and the caller when it fails.

use super::*;

/// Everyone who calls the API: anonymous, reader, areas owning and not owning, municipalities,
/// and a coordinator.
const EVERYONE: [Who; 8] = [
    Anonymous, Reader, SRI, AIC, ADE, HOSPITALET, BARCELONA, Admin,
];

/// How the attempt of each caller of [`EVERYONE`] ends, in that order.
type Row = [Outcome; 8];

// One letter an outcome, so that a row reads as a line of the matrix: `Y` allowed, `F` refused
// with FORBIDDEN, `N` refused with NOT_FOUND (the caller cannot see the record).
const Y: Outcome = Allowed;
const F: Outcome = Forbidden;
const N: Outcome = NotFound;

/// Only a coordinator may.
const COORDINATORS: Row = [F, F, F, F, F, F, F, Y];

/// Every caller of `row` with its outcome, and the failure message's name for it.
fn callers<'a>(case: &'a str, row: &'a Row) -> impl Iterator<Item = (String, Who, Outcome)> + 'a {
    EVERYONE
        .into_iter()
        .zip(row.iter().copied())
        .map(move |(who, outcome)| (format!("{case}, as {who:?}"), who, outcome))
}

#[tokio::test]
async fn create_role_matrix() {
    let app = TestApp::new().await;
    let le11 = le11_indicator(&app, "IND-1").await;
    // An indicator of an expected result is measured by the units of the line's actions.
    let le4 = create_published(
        &app,
        Admin,
        Kind::Indicator,
        indicator("IND-LE4", None, Some("LE4.R1")),
    )
    .await;
    // Callers:             Anonymous Reader SRI AIC ADE Hospitalet Barcelona Admin
    let reporters: Row = [F, F, Y, Y, F, F, F, Y];
    let anyone_reporting: Row = [F, F, Y, Y, Y, Y, Y, Y];
    #[rustfmt::skip]
    let cases = [
        ("an update of LE1.1", Kind::Progress, progress("LE1.1", 2023, "IN_PROGRESS", 40), reporters),
        // The Economic Development Agency reports on its own actions.
        ("an update of LE4.1", Kind::Progress, progress("LE4.1", 2023, "IN_PROGRESS", 10), [F, F, F, F, Y, F, F, Y]),
        // Areas report their own activities, about any action; municipalities their own.
        ("an activity", Kind::Activity, activity("FORUM", "2023-05-01", &["LE1.1"]), anyone_reporting),
        ("a funded project", Kind::Project, project("2023-01-01", None, "10", "5"), anyone_reporting),
        ("an evaluation", Kind::Evaluation, evaluation("MID_TERM"), COORDINATORS),
        // One code per indicator: the coordinator's only success is the last case.
        ("an indicator", Kind::Indicator, indicator("IND-M", Some("LE1.1"), None), COORDINATORS),
        ("a measurement of LE1.1", Kind::Measurement, measurement(&le11, 2023, "12"), reporters),
        ("a measurement of LE4.R1", Kind::Measurement, measurement(&le4, 2023, "11"), [F, F, F, F, Y, F, F, Y]),
    ];
    for (case, kind, input, row) in cases {
        for (case, who, outcome) in callers(case, &row) {
            let vars = create_vars(&input, false);
            let data = attempt_in(&app, &case, who, &kind.create_doc(), vars, outcome).await;
            if outcome == Allowed {
                assert_eq!(data["r"]["state"], "DRAFT", "{case}");
                assert_eq!(data["r"]["version"], 1, "{case}");
            }
        }
    }
}

#[tokio::test]
async fn update_role_matrix() {
    let app = TestApp::new().await;
    let ind = le11_indicator(&app, "IND-1").await;
    let mut changed_evaluation = evaluation("MID_TERM");
    changed_evaluation["status"] = json!("IN_PROGRESS");
    let mut changed_indicator = indicator("IND", Some("LE1.1"), None);
    changed_indicator["targetValue"] = json!("25");
    // (kind, input, changed): what is created and what it is changed to.
    let updates = (
        Kind::Progress,
        progress("LE1.1", 2023, "IN_PROGRESS", 40),
        progress("LE1.1", 2023, "IN_PROGRESS", 55),
    );
    let activities = (
        Kind::Activity,
        activity("FORUM", "2023-05-01", &["LE1.1"]),
        activity("FORUM", "2023-05-02", &["LE1.1"]),
    );
    let projects = (
        Kind::Project,
        project("2023-01-01", None, "10", "5"),
        project("2023-01-01", None, "10", "6"),
    );
    let evaluations = (Kind::Evaluation, evaluation("MID_TERM"), changed_evaluation);
    let indicators = (
        Kind::Indicator,
        indicator("IND", Some("LE1.1"), None),
        changed_indicator,
    );
    let measurements = (
        Kind::Measurement,
        measurement(&ind, 2023, "12"),
        measurement(&ind, 2023, "13"),
    );
    // A draft: only its unit (and the area above it) and coordinators see it and change it.
    // Published: everyone sees it; only a coordinator changes it.
    // Callers:         Anonymous Reader SRI AIC ADE Hospitalet Barcelona Admin
    let units_draft: Row = [N, F, Y, Y, N, N, N, Y];
    #[rustfmt::skip]
    let cases = [
        ("SRI's draft update", SRI, &updates, Draft, units_draft),
        ("SRI's published update", SRI, &updates, Published, COORDINATORS),
        ("L'Hospitalet's draft activity", HOSPITALET, &activities, Draft, [N, F, N, N, N, Y, N, Y]),
        ("SRI's draft activity", SRI, &activities, Draft, units_draft),
        ("L'Hospitalet's published activity", HOSPITALET, &activities, Published, COORDINATORS),
        ("L'Hospitalet's draft project", HOSPITALET, &projects, Draft, [N, F, N, N, N, Y, N, Y]),
        ("SRI's draft project", SRI, &projects, Draft, units_draft),
        ("L'Hospitalet's published project", HOSPITALET, &projects, Published, COORDINATORS),
        ("a draft evaluation", Admin, &evaluations, Draft, [N, F, N, N, N, N, N, Y]),
        ("a published evaluation", Admin, &evaluations, Published, COORDINATORS),
        ("a draft indicator", Admin, &indicators, Draft, [N, F, N, N, N, N, N, Y]),
        ("a published indicator", Admin, &indicators, Published, COORDINATORS),
        ("SRI's draft measurement", SRI, &measurements, Draft, units_draft),
        ("SRI's published measurement", SRI, &measurements, Published, COORDINATORS),
    ];
    for (case, owner, (kind, input, changed), stage, row) in cases {
        // A fresh record for each caller.
        for (i, (case, who, outcome)) in callers(case, &row).enumerate() {
            let (mut input, mut changed) = (input.clone(), changed.clone());
            if *kind == Kind::Indicator {
                // Indicators need a fresh code each.
                let code = json!(format!("IND-{}-{i}", matches!(stage, Published)));
                input["code"] = code.clone();
                changed["code"] = code;
            }
            let mut rec = create(&app, owner, *kind, input).await;
            if matches!(stage, Published) {
                rec = publish(&app, &rec).await;
            }
            let vars = update_vars(&rec, &changed);
            let data = attempt_in(&app, &case, who, &kind.update_doc(), vars, outcome).await;
            if outcome == Allowed {
                assert_eq!(data["r"]["version"], rec.version + 1, "{case}");
            }
        }
    }
    // Submitted: out of the reporter's hands until returned.
    let (_, input, changed) = &updates;
    let submitted = create_submitted(&app, SRI, Kind::Progress, input.clone()).await;
    // A unit cannot move its update to an action it is not responsible for.
    let own = create(&app, SRI, Kind::Progress, input.clone()).await;
    let elsewhere = progress("LE4.1", 2023, "IN_PROGRESS", 55);
    for (case, rec, changed) in [
        ("SRI changing its submitted update", &submitted, changed),
        ("SRI moving its update to LE4.1", &own, &elsewhere),
    ] {
        let vars = update_vars(rec, changed);
        let doc = Kind::Progress.update_doc();
        refused_in(&app, case, SRI, &doc, vars, "FORBIDDEN").await;
    }
}

#[tokio::test]
async fn submit_record_role_matrix() {
    let app = TestApp::new().await;
    // Callers:     Anonymous Reader SRI AIC ADE Hospitalet Barcelona Admin
    #[rustfmt::skip]
    let cases = [
        ("SRI's update", SRI, Kind::Progress, progress("LE1.1", 2023, "IN_PROGRESS", 40), [N, F, Y, Y, N, N, N, Y]),
        ("L'Hospitalet's activity", HOSPITALET, Kind::Activity, activity("EVENT", "2023-04-23", &[]), [N, F, N, N, N, Y, N, Y]),
        ("an indicator", Admin, Kind::Indicator, indicator("IND-S", Some("LE1.1"), None), [N, F, N, N, N, N, N, Y]),
    ];
    for (case, owner, kind, input, row) in cases {
        for (case, who, outcome) in callers(case, &row) {
            let mut input = input.clone();
            if kind == Kind::Indicator {
                input["code"] = json!(format!("IND-{who:?}").replace(['(', ')', '"', ' '], ""));
            }
            let rec = create(&app, owner, kind, input).await;
            let data = attempt_in(&app, &case, who, SUBMIT, rec_vars(&rec), outcome).await;
            if outcome == Allowed {
                assert_eq!(data["r"]["state"], "SUBMITTED", "{case}");
            }
        }
    }
}

#[tokio::test]
async fn publish_return_and_archive_role_matrix() {
    let app = TestApp::new().await;
    for (doc, to) in [
        (PUBLISH, "PUBLISHED"),
        (RETURN, "RETURNED"),
        (ARCHIVE, "ARCHIVED"),
    ] {
        for (case, who, outcome) in callers(to, &COORDINATORS) {
            // Every kind of owner: an area's update and a municipality's activity.
            let records = [
                (
                    SRI,
                    Kind::Progress,
                    progress("LE1.1", 2023, "IN_PROGRESS", 40),
                ),
                (
                    HOSPITALET,
                    Kind::Activity,
                    activity("EVENT", "2023-04-23", &[]),
                ),
            ];
            for (owner, kind, input) in records {
                let rec = create_submitted(&app, owner, kind, input).await;
                let vars = json!({ "id": rec.id, "v": rec.version, "comment": { "ca": "Cal revisar-ho" } });
                let vars = if doc == RETURN { vars } else { rec_vars(&rec) };
                let case = format!("{case}: {owner:?}'s {kind:?}");
                let data = attempt_in(&app, &case, who, doc, vars, outcome).await;
                if outcome == Allowed {
                    assert_eq!(data["r"]["state"], to, "{case}");
                }
            }
        }
    }
}

#[tokio::test]
async fn reporting_years_and_annual_reports_are_managed_by_coordinators_only() {
    let app = TestApp::new().await;
    for (case, who, outcome) in callers("reporting years", &COORDINATORS) {
        for doc in [
            "mutation { closeReportingYear(year: 2024) { closed } }",
            "mutation { openReportingYear(year: 2024) { closed } }",
            "mutation { publishAnnualReport(year: 2021) { published } }",
        ] {
            let case = format!("{case}: {doc}");
            attempt_in(&app, &case, who, doc, json!({}), outcome).await;
        }
    }
}
