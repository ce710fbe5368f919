//! Filters of the record lists.

use super::*;

// =============================================================================================
// Filters
// =============================================================================================

#[tokio::test]
async fn lists_filter_by_line_action_municipality_kind_year_and_state() {
    let app = TestApp::new().await;
    let a1 = create_published(
        &app,
        Admin,
        Kind::Activity,
        json!({
            "kind": "FORUM", "title": { "es": "Foro 2022" }, "startDate": "2022-03-10",
            "actions": ["LE1.1"], "zones": ["EUROPE"], "partners": ["greater-manchester"],
            "organizations": ["METROPOLIS"], "municipalities": ["08101"],
        }),
    )
    .await;
    let a2 = create(
        &app,
        Admin,
        Kind::Activity,
        json!({
            "kind": "STUDY_VISIT", "title": { "es": "Visita a Bogotá" }, "startDate": "2023-05-04",
            "actions": ["LE4.1"], "zones": ["LATIN_AMERICA"], "partners": ["bogota"],
            "municipalities": ["08019"],
        }),
    )
    .await;
    let a3 = create_published(
        &app,
        Admin,
        Kind::Activity,
        json!({
            "kind": "FORUM", "title": { "es": "Foro 2023" }, "startDate": "2023-09-01",
            "actions": ["LE1.2"], "municipalities": ["08101", "08019"],
        }),
    )
    .await;
    // Newest first: by year, then most recent.
    for (filter, expected) in [
        (json!({}), vec![&a3, &a2, &a1]),
        (json!({ "strategicLine": "LE1" }), vec![&a3, &a1]),
        (json!({ "strategicLine": "LE4" }), vec![&a2]),
        (json!({ "strategicLine": "LE2" }), vec![]),
        (json!({ "action": "LE1.1" }), vec![&a1]),
        (json!({ "municipality": "08101" }), vec![&a3, &a1]),
        (json!({ "municipality": "08019" }), vec![&a3, &a2]),
        (json!({ "kind": "FORUM" }), vec![&a3, &a1]),
        (json!({ "kind": "STUDY_VISIT" }), vec![&a2]),
        (json!({ "year": 2023 }), vec![&a3, &a2]),
        (json!({ "year": 2021 }), vec![]),
        (json!({ "state": "PUBLISHED" }), vec![&a3, &a1]),
        (json!({ "state": "DRAFT" }), vec![&a2]),
        (json!({ "zone": "EUROPE" }), vec![&a1]),
        (json!({ "partner": "bogota" }), vec![&a2]),
        (json!({ "organization": "METROPOLIS" }), vec![&a1]),
        (json!({ "kind": "FORUM", "year": 2023 }), vec![&a3]),
        (
            json!({ "strategicLine": "LE1", "municipality": "08019" }),
            vec![&a3],
        ),
    ] {
        assert_eq!(
            list(&app, Admin, "activities", filter.clone()).await,
            id_list(&expected),
            "{filter}"
        );
    }
    // Filters narrow what the caller may see, never widen it.
    assert_eq!(
        list(
            &app,
            Anonymous,
            "activities",
            json!({ "municipality": "08019" })
        )
        .await,
        id_list(&[&a3])
    );

    let p1 = create_published(
        &app,
        Admin,
        Kind::Project,
        project("2020-09-01", Some("2023-12-31"), "10", "5"),
    )
    .await;
    let mut input = project("2023-01-01", None, "10", "5");
    input["programme"] = json!("HORIZON_EUROPE");
    input["actions"] = json!(["LE4.2"]);
    input["municipalities"] = json!(["08101"]);
    let p2 = create(&app, Admin, Kind::Project, input).await;
    for (filter, expected) in [
        (json!({ "kind": "INTERREG" }), vec![&p1]),
        (json!({ "kind": "HORIZON_EUROPE" }), vec![&p2]),
        (json!({ "year": 2020 }), vec![&p1]),
        (json!({ "year": 2023 }), vec![&p2]),
        (json!({ "strategicLine": "LE2" }), vec![&p1]),
        (json!({ "action": "LE4.2" }), vec![&p2]),
        (json!({ "municipality": "08101" }), vec![&p2]),
        (json!({ "state": "PUBLISHED" }), vec![&p1]),
    ] {
        assert_eq!(
            list(&app, Admin, "fundedProjects", filter.clone()).await,
            id_list(&expected),
            "{filter}"
        );
    }

    let u1 = create_published(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2022, "IN_PROGRESS", 20),
    )
    .await;
    let u2 = create(
        &app,
        ADE,
        Kind::Progress,
        progress("LE4.1", 2023, "IN_PROGRESS", 20),
    )
    .await;
    for (filter, expected) in [
        (json!({ "strategicLine": "LE1" }), vec![&u1]),
        (json!({ "action": "LE4.1" }), vec![&u2]),
        (json!({ "year": 2022 }), vec![&u1]),
        (json!({ "state": "DRAFT" }), vec![&u2]),
        (json!({}), vec![&u2, &u1]),
    ] {
        assert_eq!(
            list(&app, Admin, "progressUpdates", filter.clone()).await,
            id_list(&expected),
            "{filter}"
        );
    }

    let i1 = create(
        &app,
        Admin,
        Kind::Indicator,
        indicator("IND-A", Some("LE1.1"), None),
    )
    .await;
    let i2 = create(
        &app,
        Admin,
        Kind::Indicator,
        indicator("IND-R", None, Some("LE4.R1")),
    )
    .await;
    assert_eq!(
        list(&app, Admin, "indicators", json!({ "strategicLine": "LE1" })).await,
        id_list(&[&i1])
    );
    assert_eq!(
        list(&app, Admin, "indicators", json!({ "strategicLine": "LE4" })).await,
        id_list(&[&i2])
    );
    assert_eq!(
        list(&app, Admin, "indicators", json!({ "action": "LE1.1" })).await,
        id_list(&[&i1])
    );

    let e1 = create(&app, Admin, Kind::Evaluation, evaluation("MID_TERM")).await;
    let e2 = create(&app, Admin, Kind::Evaluation, evaluation("FINAL")).await;
    assert_eq!(
        list(&app, Admin, "evaluations", json!({ "kind": "MID_TERM" })).await,
        id_list(&[&e1])
    );
    assert_eq!(
        list(&app, Admin, "evaluations", json!({ "year": 2025 })).await,
        id_list(&[&e2])
    );
}

#[tokio::test]
async fn an_unknown_filter_code_is_bad_user_input() {
    let app = TestApp::new().await;
    for (field, filter, value) in [
        ("activities", "strategicLine", "LE9"),
        ("activities", "action", "LE9.9"),
        ("activities", "zone", "ATLANTIS"),
        ("activities", "partner", "gotham"),
        ("activities", "municipality", "08999"),
        ("activities", "organization", "ACME"),
        ("activities", "kind", "PICNIC"),
        // A programme is no kind of activity, nor an activity kind a programme.
        ("activities", "kind", "INTERREG"),
        ("fundedProjects", "kind", "FORUM"),
        ("evaluations", "kind", "INTERIM"),
        ("progressUpdates", "kind", "FORUM"),
        ("indicators", "action", "LE1"),
        ("progressUpdates", "strategicLine", "LE1.1"),
    ] {
        let query =
            format!("query($f: MonitoringFilter) {{ {field}(filter: $f) {{ totalCount }} }}");
        let reply = app
            .post_as(Admin, &query, json!({ "f": { filter: value } }))
            .await;
        assert_eq!(
            reply.error_code(),
            Some("BAD_USER_INPUT"),
            "{field} {filter}: {}",
            reply.body
        );
        assert_eq!(
            reply.body["errors"][0]["extensions"]["field"],
            format!("filter.{filter}"),
            "{field} {filter}"
        );
    }
}

/// A municipality's activities as `who` sees them through the municipality's nested connection
/// (checking its `totalCount` agrees with its nodes).
async fn nested(app: &TestApp, who: Who, ine: &str, year: Option<i32>) -> Vec<String> {
    let query = "query($ine: String!, $year: Int) { municipality(ineCode: $ine) {
        activitiesConnection(first: 50, year: $year) { totalCount nodes { id } } } }";
    let data = app
        .data_as(who, query, json!({ "ine": ine, "year": year }))
        .await;
    let page = &data["municipality"]["activitiesConnection"];
    let ids = ids(&page["nodes"]);
    assert_eq!(page["totalCount"], ids.len(), "{who:?} {ine} {year:?}");
    ids
}

/// Lists narrowed by a link are paged and counted from the copies of their records' plan,
/// state, year and owners that the links carry: those copies follow a record through its
/// edits and its review, for anyone, its owner, another municipality and a coordinator, in the
/// root list and in the municipality's nested connection alike.
#[tokio::test]
async fn lists_narrowed_by_a_link_follow_a_record_through_its_edits_and_its_review() {
    let app = TestApp::new().await;
    let by = |year: i32| json!({ "municipality": "08101", "year": year });
    let seen = async |who: Who, year: i32| {
        let listed = list(&app, who, "activities", by(year)).await;
        assert_eq!(
            nested(&app, who, "08101", Some(year)).await,
            listed,
            "{who:?} {year}"
        );
        listed
    };
    let none: Vec<String> = Vec::new();
    let draft = create(
        &app,
        HOSPITALET,
        Kind::Activity,
        activity("EVENT", "2023-04-23", &["LE1.1"]),
    )
    .await;
    let own = id_list(&[&draft]);
    for (who, sees) in [
        (Anonymous, &none),
        (BARCELONA, &none),
        (HOSPITALET, &own),
        (Admin, &own),
    ] {
        assert_eq!(&seen(who, 2023).await, sees, "a draft, as {who:?}");
    }
    // An edit moves it to another year.
    let moved = update(
        &app,
        HOSPITALET,
        Kind::Activity,
        &draft,
        activity("EVENT", "2024-02-01", &["LE1.1"]),
    )
    .await;
    assert_eq!(seen(HOSPITALET, 2023).await, none);
    assert_eq!(seen(HOSPITALET, 2024).await, own);
    assert_eq!(seen(Anonymous, 2024).await, none);
    // Published: everyone sees it.
    let published = publish(&app, &moved).await;
    for who in [Anonymous, BARCELONA, HOSPITALET, Admin] {
        assert_eq!(seen(who, 2024).await, own, "published, as {who:?}");
    }
    assert_eq!(
        list(
            &app,
            Admin,
            "activities",
            json!({ "municipality": "08101", "state": "PUBLISHED" })
        )
        .await,
        own
    );
    // Archived: only its owner and the coordinators.
    step(&app, Admin, ARCHIVE, &published).await;
    for (who, sees) in [
        (Anonymous, &none),
        (BARCELONA, &none),
        (HOSPITALET, &own),
        (Admin, &own),
    ] {
        assert_eq!(&seen(who, 2024).await, sees, "archived, as {who:?}");
    }
    assert_eq!(
        list(
            &app,
            Admin,
            "activities",
            json!({ "municipality": "08101", "state": "ARCHIVED" })
        )
        .await,
        own
    );
}
