//! Visibility: who sees which unpublished records.

use super::*;

// =============================================================================================
// Visibility
// =============================================================================================

#[tokio::test]
async fn anonymous_sees_exactly_the_published_records() {
    let app = TestApp::new().await;
    let ind = le11_indicator(&app, "IND-1").await;
    let draft_ind = create(
        &app,
        Admin,
        Kind::Indicator,
        indicator("IND-2", Some("LE1.2"), None),
    )
    .await;
    let pu = progress_update(&app, SRI, Published, "LE1.1", 2023, "IN_PROGRESS", 40).await;
    let pu_draft = progress_update(&app, SRI, Draft, "LE1.1", 2024, "IN_PROGRESS", 60).await;
    let pu_submitted = progress_update(&app, SRI, Submitted, "LE1.2", 2024, "DELAYED", 10).await;
    let act = create_published(
        &app,
        HOSPITALET,
        Kind::Activity,
        activity("EVENT", "2023-04-23", &[]),
    )
    .await;
    let act_draft = create(
        &app,
        HOSPITALET,
        Kind::Activity,
        activity("EVENT", "2023-05-23", &[]),
    )
    .await;
    let proj = create_published(
        &app,
        SRI,
        Kind::Project,
        project("2022-01-01", None, "10", "5"),
    )
    .await;
    let proj_returned = {
        let r = create_submitted(
            &app,
            SRI,
            Kind::Project,
            project("2022-02-01", None, "10", "5"),
        )
        .await;
        return_with(&app, &r, "Budget?").await
    };
    let m = create_published(&app, SRI, Kind::Measurement, measurement(&ind, 2023, "15")).await;
    let m_draft = create(&app, SRI, Kind::Measurement, measurement(&ind, 2024, "16")).await;
    let ev = create_published(&app, Admin, Kind::Evaluation, evaluation("MID_TERM")).await;
    let ev_draft = create(&app, Admin, Kind::Evaluation, evaluation("FINAL")).await;
    let archived = {
        let r = progress_update(&app, SRI, Published, "LE1.3", 2022, "COMPLETED", 100).await;
        step(&app, Admin, ARCHIVE, &r).await
    };

    for (field, published) in [
        ("progressUpdates", vec![&pu]),
        ("activities", vec![&act]),
        ("fundedProjects", vec![&proj]),
        ("indicators", vec![&ind]),
        ("evaluations", vec![&ev]),
    ] {
        assert_eq!(
            list(&app, Anonymous, field, json!({})).await,
            id_list(&published),
            "{field}"
        );
    }
    let measured = node(
        &app,
        Anonymous,
        &ind.id,
        "... on Indicator { measurements { id } }",
    )
    .await;
    assert_eq!(ids(&measured["measurements"]), id_list(&[&m]));
    for hidden in [
        &draft_ind,
        &pu_draft,
        &pu_submitted,
        &act_draft,
        &proj_returned,
        &m_draft,
        &ev_draft,
        &archived,
    ] {
        assert_eq!(
            node(&app, Anonymous, &hidden.id, "").await,
            Value::Null,
            "{hidden:?}"
        );
    }
    for shown in [&ind, &pu, &act, &proj, &m, &ev] {
        assert_eq!(
            node(&app, Anonymous, &shown.id, "").await["id"],
            json!(shown.id)
        );
    }
    let action = app
        .data_as(
            Anonymous,
            r#"{ action(code: "LE1.1") { progressHistory { id } currentProgress { id } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        action["action"],
        json!({ "progressHistory": [{ "id": pu.id }], "currentProgress": { "id": pu.id } })
    );
    let muni = app
        .data_as(
            Anonymous,
            r#"{ municipality(ineCode: "08101") { activities { id } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        muni["municipality"]["activities"],
        json!([{ "id": act.id }])
    );
}

#[tokio::test]
async fn each_role_sees_published_records_and_its_own_unpublished_ones() {
    let app = TestApp::new().await;
    let sri_draft = progress_update(&app, SRI, Draft, "LE1.1", 2023, "IN_PROGRESS", 40).await;
    let sri_pub = progress_update(&app, SRI, Published, "LE1.2", 2023, "IN_PROGRESS", 40).await;
    let ade_draft = progress_update(&app, ADE, Draft, "LE4.1", 2023, "IN_PROGRESS", 40).await;
    let admin_draft = progress_update(&app, Admin, Draft, "LE1.3", 2023, "IN_PROGRESS", 40).await;
    let sri_returned = {
        let r = progress_update(&app, SRI, Submitted, "LE1.1", 2022, "IN_PROGRESS", 20).await;
        return_with(&app, &r, "Missing narrative").await
    };
    let h_draft = create(
        &app,
        HOSPITALET,
        Kind::Activity,
        activity("EVENT", "2023-04-23", &[]),
    )
    .await;
    let b_draft = create(
        &app,
        BARCELONA,
        Kind::Activity,
        activity("EVENT", "2023-04-24", &[]),
    )
    .await;
    let sri_act = {
        let mut input = activity("FORUM", "2023-06-01", &["LE1.1"]);
        input["municipalities"] = json!(["08101"]);
        create(&app, SRI, Kind::Activity, input).await
    };
    let pub_act = {
        let mut input = activity("FORUM", "2023-07-01", &["LE1.2"]);
        input["municipalities"] = json!(["08101"]);
        create_published(&app, Admin, Kind::Activity, input).await
    };

    let every_update = [
        &sri_draft,
        &sri_pub,
        &ade_draft,
        &admin_draft,
        &sri_returned,
    ];
    let every_activity = [&h_draft, &b_draft, &sri_act, &pub_act];
    let sri_updates = [&sri_draft, &sri_pub, &sri_returned];
    let cases: [(Who, Recs, Recs, Recs, Recs); 8] = [
        // who, progress updates, activities, 08101's activities, LE1.1's history
        (Anonymous, &[&sri_pub], &[&pub_act], &[&pub_act], &[]),
        (
            Reader,
            &every_update,
            &every_activity,
            &[&sri_act, &pub_act, &h_draft],
            &[&sri_draft, &sri_returned],
        ),
        (
            SRI,
            &sri_updates,
            &[&sri_act, &pub_act],
            &[&sri_act, &pub_act],
            &[&sri_draft, &sri_returned],
        ),
        (
            AIC,
            &sri_updates,
            &[&sri_act, &pub_act],
            &[&sri_act, &pub_act],
            &[&sri_draft, &sri_returned],
        ),
        (ADE, &[&sri_pub, &ade_draft], &[&pub_act], &[&pub_act], &[]),
        (
            HOSPITALET,
            &[&sri_pub],
            &[&h_draft, &pub_act],
            &[&h_draft, &pub_act],
            &[],
        ),
        (
            BARCELONA,
            &[&sri_pub],
            &[&b_draft, &pub_act],
            &[&pub_act],
            &[],
        ),
        (
            Admin,
            &every_update,
            &every_activity,
            &[&sri_act, &pub_act, &h_draft],
            &[&sri_draft, &sri_returned],
        ),
    ];
    for (who, updates, activities, of_hospitalet, history) in cases {
        assert_eq!(
            sorted(list(&app, who, "progressUpdates", json!({})).await),
            sorted(id_list(updates)),
            "{who:?} progress updates"
        );
        assert_eq!(
            sorted(list(&app, who, "activities", json!({})).await),
            sorted(id_list(activities)),
            "{who:?} activities"
        );
        let data = app
            .data_as(
                who,
                r#"{ municipality(ineCode: "08101") { activities { id } }
                 action(code: "LE1.1") { progressHistory { id } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(
            sorted(ids(&data["municipality"]["activities"])),
            sorted(id_list(of_hospitalet)),
            "{who:?} 08101"
        );
        // Newest first: 2023 before 2022.
        assert_eq!(
            ids(&data["action"]["progressHistory"]),
            id_list(history),
            "{who:?} history"
        );
        for rec in every_update.iter().chain(every_activity.iter()) {
            let seen = node(&app, who, &rec.id, "").await;
            let visible = updates.contains(rec) || activities.contains(rec);
            assert_eq!(!seen.is_null(), visible, "{who:?} node {rec:?}");
        }
    }
}
