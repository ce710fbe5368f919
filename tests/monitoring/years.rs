//! Reporting years: the plan's years, open by default, and what a closed year refuses.

use super::*;

#[tokio::test]
async fn reporting_years_are_the_plan_s_years_open_by_default() {
    let app = TestApp::new().await;
    let data = app
        .data_as(
            Anonymous,
            "{ reportingYears { year closed closedAt version } }",
            json!({}),
        )
        .await;
    let years: Vec<Value> = (2021..=2025)
        .map(|y| json!({ "year": y, "closed": false, "closedAt": null, "version": 1 }))
        .collect();
    assert_eq!(data["reportingYears"], json!(years));
    let closed = app.data_as(Admin,
        "mutation { closeReportingYear(year: 2021, expectedVersion: 1) { year closed closedAt version } }",
        json!({}),
    )
    .await;
    let y = &closed["closeReportingYear"];
    assert_eq!(
        (&y["year"], &y["closed"], &y["version"]),
        (&json!(2021), &json!(true), &json!(2))
    );
    assert!(y["closedAt"].as_str().is_some_and(|t| t.ends_with('Z')));
    let opened = app
        .data_as(
            Admin,
            "mutation { openReportingYear(year: 2021) { year closed closedAt version } }",
            json!({}),
        )
        .await;
    assert_eq!(
        opened["openReportingYear"],
        json!({ "year": 2021, "closed": false, "closedAt": null, "version": 3 })
    );
    let reply = refused(
        &app,
        Admin,
        "mutation { closeReportingYear(year: 2026) { year } }",
        json!({}),
        "BAD_USER_INPUT",
    )
    .await;
    assert_eq!(reply.body["errors"][0]["extensions"]["field"], "year");
}

// =============================================================================================
// Closed reporting years
// =============================================================================================

#[tokio::test]
async fn a_closed_year_refuses_area_and_municipality_writes_but_not_a_coordinator_s() {
    let app = TestApp::new().await;
    let draft = create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2022, "IN_PROGRESS", 40),
    )
    .await;
    let of_2023 = create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.2", 2023, "IN_PROGRESS", 40),
    )
    .await;
    let activity_2022 = create(
        &app,
        HOSPITALET,
        Kind::Activity,
        activity("EVENT", "2022-04-23", &[]),
    )
    .await;
    let closed = app
        .data_as(
            Admin,
            "mutation { closeReportingYear(year: 2022) { closed version } }",
            json!({}),
        )
        .await;
    assert_eq!(
        closed["closeReportingYear"],
        json!({ "closed": true, "version": 2 })
    );
    let years = app
        .data_as(Anonymous, "{ reportingYears { year closed } }", json!({}))
        .await;
    assert_eq!(
        years["reportingYears"][1],
        json!({ "year": 2022, "closed": true })
    );

    let pdoc = Kind::Progress.update_doc();
    let in_2022 = progress("LE1.1", 2022, "IN_PROGRESS", 50);
    for (who, query, vars) in [
        (
            SRI,
            Kind::Progress.create_doc(),
            create_vars(&in_2022, false),
        ),
        (SRI, pdoc.clone(), update_vars(&draft, &in_2022)),
        (SRI, SUBMIT.to_owned(), rec_vars(&draft)),
        // Moving a record into a closed year is changing that year.
        (
            SRI,
            pdoc.clone(),
            update_vars(&of_2023, &progress("LE1.2", 2022, "IN_PROGRESS", 40)),
        ),
        (
            HOSPITALET,
            Kind::Activity.create_doc(),
            create_vars(&activity("EVENT", "2022-06-01", &[]), false),
        ),
        (
            HOSPITALET,
            Kind::Activity.update_doc(),
            update_vars(&activity_2022, &activity("EVENT", "2022-04-24", &[])),
        ),
        // And moving a record out of it too.
        (
            HOSPITALET,
            Kind::Activity.update_doc(),
            update_vars(&activity_2022, &activity("EVENT", "2023-04-24", &[])),
        ),
    ] {
        let reply = refused(&app, who, &query, vars, "FORBIDDEN").await;
        assert_eq!(
            reply.error_message(),
            "the reporting year 2022 is closed; only the plan's coordinators can change it"
        );
    }
    // Open years are unaffected.
    let of_2023 = update(
        &app,
        SRI,
        Kind::Progress,
        &of_2023,
        progress("LE1.2", 2023, "IN_PROGRESS", 45),
    )
    .await;
    assert_eq!(of_2023.version, 2);
    // Coordinators still write in closed years.
    create(&app, Admin, Kind::Progress, in_2022.clone()).await;
    let draft = update(&app, Admin, Kind::Progress, &draft, in_2022.clone()).await;
    let draft = publish(&app, &draft).await;
    assert_eq!(draft.version, 4);
    // Reopened, the year is the reporters' again.
    let opened = app
        .data_as(
            Admin,
            "mutation { openReportingYear(year: 2022, expectedVersion: 2) { closed version } }",
            json!({}),
        )
        .await;
    assert_eq!(
        opened["openReportingYear"],
        json!({ "closed": false, "version": 3 })
    );
    let activity_2022 = update(
        &app,
        HOSPITALET,
        Kind::Activity,
        &activity_2022,
        activity("EVENT", "2022-04-24", &[]),
    )
    .await;
    assert_eq!(activity_2022.version, 2);
    create(&app, SRI, Kind::Progress, in_2022).await;
}
