//! Current progress, roll-ups of a line and the plan, and indicator status.

use super::*;

// =============================================================================================
// Progress, roll-ups and indicator status
// =============================================================================================

#[tokio::test]
async fn current_progress_is_the_latest_published_update() {
    let app = TestApp::new().await;
    let query = r#"{ action(code: "LE1.1") { currentProgress { id year percentComplete }
                    progressHistory { id state } } }"#;
    let none = app.data_as(Anonymous, query, json!({})).await;
    assert_eq!(
        none["action"],
        json!({ "currentProgress": null, "progressHistory": [] })
    );

    let p2022 = progress_update(&app, SRI, Published, "LE1.1", 2022, "IN_PROGRESS", 30).await;
    let p2023 = progress_update(&app, SRI, Published, "LE1.1", 2023, "IN_PROGRESS", 50).await;
    let d2024 = progress_update(&app, SRI, Draft, "LE1.1", 2024, "DELAYED", 55).await;
    let s2024 = progress_update(&app, SRI, Submitted, "LE1.1", 2024, "IN_PROGRESS", 60).await;
    let current = json!({ "id": p2023.id, "year": 2023, "percentComplete": 50 });
    for who in [Anonymous, SRI, Admin] {
        let data = app.data_as(who, query, json!({})).await;
        assert_eq!(data["action"]["currentProgress"], current, "{who:?}");
    }
    let sri = app.data_as(SRI, query, json!({})).await;
    assert_eq!(
        ids(&sri["action"]["progressHistory"]),
        id_list(&[&s2024, &d2024, &p2023, &p2022])
    );
    let anonymous = app.data_as(Anonymous, query, json!({})).await;
    assert_eq!(
        ids(&anonymous["action"]["progressHistory"]),
        id_list(&[&p2023, &p2022])
    );

    // Archiving the current one falls back to the one before.
    step(&app, Admin, ARCHIVE, &p2023).await;
    let data = app.data_as(Anonymous, query, json!({})).await;
    assert_eq!(data["action"]["currentProgress"]["id"], json!(p2022.id));
    // Publishing a newer one makes it current.
    publish(&app, &s2024).await;
    let data = app.data_as(Anonymous, query, json!({})).await;
    assert_eq!(
        data["action"]["currentProgress"],
        json!({ "id": s2024.id, "year": 2024, "percentComplete": 60 })
    );
}

const SUMMARY: &str = "actions notReported byStatus { status count } meanPercentComplete
    indicatorsByStatus { status count }";

/// `[{ status, count }]` for the five statuses `names` (separated by spaces), in order.
fn status_counts(names: &str, counts: [u64; 5]) -> Value {
    let names: Vec<&str> = names.split_whitespace().collect();
    assert_eq!(names.len(), counts.len());
    json!(
        names
            .iter()
            .zip(counts)
            .map(|(s, c)| json!({ "status": s, "count": c }))
            .collect::<Vec<_>>()
    )
}

/// Actions by progress status.
fn by_status(counts: [u64; 5]) -> Value {
    status_counts(
        "NOT_STARTED IN_PROGRESS DELAYED COMPLETED DISCONTINUED",
        counts,
    )
}

/// Indicators by status.
fn indicators_by_status(counts: [u64; 5]) -> Value {
    status_counts("ACHIEVED ON_TRACK OFF_TRACK DETERIORATION NO_DATA", counts)
}

#[tokio::test]
async fn progress_summary_counts_the_published_state_of_a_line_and_the_plan() {
    let app = TestApp::new().await;
    let query = format!(
        r#"{{ plan {{ progressSummary {{ {SUMMARY} }} }}
             le4: strategicLine(code: "LE4") {{ progressSummary {{ {SUMMARY} }} }}
             le1: strategicLine(code: "LE1") {{ progressSummary {{ {SUMMARY} }} }} }}"#
    );
    let before = app.data_as(Anonymous, &query, json!({})).await;
    assert_eq!(
        before["plan"]["progressSummary"],
        json!({ "actions": 29, "notReported": 29, "byStatus": by_status([0; 5]),
                "meanPercentComplete": null, "indicatorsByStatus": indicators_by_status([0; 5]) })
    );

    // LE4.1: an older update superseded by a newer one; LE4.2 in progress; LE4.3 only a draft.
    progress_update(&app, ADE, Published, "LE4.1", 2022, "IN_PROGRESS", 60).await;
    progress_update(&app, ADE, Published, "LE4.1", 2023, "COMPLETED", 100).await;
    progress_update(&app, ADE, Published, "LE4.2", 2023, "IN_PROGRESS", 50).await;
    progress_update(&app, ADE, Draft, "LE4.3", 2023, "DELAYED", 20).await;
    // Indicators: one of a result with a measurement on the line, one of an action without,
    // one still a draft.
    let of_result = indicator("IND-R", None, Some("LE4.R1"));
    let of_result = create_published(&app, Admin, Kind::Indicator, of_result).await;
    let measured = measurement(&of_result, 2023, "15");
    create_published(&app, ADE, Kind::Measurement, measured).await;
    let of_action = indicator("IND-A", Some("LE4.4"), None);
    create_published(&app, Admin, Kind::Indicator, of_action).await;
    let draft = indicator("IND-D", Some("LE4.5"), None);
    create(&app, Admin, Kind::Indicator, draft).await;

    let after = app.data_as(Anonymous, &query, json!({})).await;
    let le4 = json!({
        "actions": 5, "notReported": 3, "byStatus": by_status([0, 1, 0, 1, 0]),
        "meanPercentComplete": 75.0, "indicatorsByStatus": indicators_by_status([0, 1, 0, 0, 1]),
    });
    assert_eq!(after["le4"]["progressSummary"], le4);
    let mut plan = le4.clone();
    plan["actions"] = json!(29);
    plan["notReported"] = json!(27);
    assert_eq!(after["plan"]["progressSummary"], plan);
    assert_eq!(
        after["le1"]["progressSummary"],
        json!({ "actions": 13, "notReported": 13, "byStatus": by_status([0; 5]),
                "meanPercentComplete": null, "indicatorsByStatus": indicators_by_status([0; 5]) })
    );
    // Coordinators see the same published state.
    assert_eq!(app.data_as(Admin, &query, json!({})).await, after);
}

#[tokio::test]
async fn indicator_status_follows_the_latest_published_measurement() {
    let app = TestApp::new().await;
    // Baseline 10 in 2021, target 20 in 2025, higher is better.
    let ind = le11_indicator(&app, "IND-1").await;
    let fields = "... on Indicator { status latestValue { value year } statusMethod }";
    let seen = node(&app, Anonymous, &ind.id, fields).await;
    assert_eq!(
        (&seen["status"], &seen["latestValue"]),
        (&json!("NO_DATA"), &Value::Null)
    );
    assert!(
        seen["statusMethod"]
            .as_str()
            .is_some_and(|m| m.contains("straight line"))
    );

    let m2023 = create(&app, SRI, Kind::Measurement, measurement(&ind, 2023, "15")).await;
    // A draft measurement does not count, not even for its reporter.
    assert_eq!(node(&app, SRI, &ind.id, fields).await["status"], "NO_DATA");
    publish(&app, &m2023).await;
    let seen = node(&app, Anonymous, &ind.id, fields).await;
    assert_eq!(seen["status"], "ON_TRACK");
    assert_eq!(seen["latestValue"], json!({ "value": "15", "year": 2023 }));

    // In 2024 the straight line is at 17.5: 16 is behind it.
    create_published(&app, SRI, Kind::Measurement, measurement(&ind, 2024, "16")).await;
    let seen = node(&app, Anonymous, &ind.id, fields).await;
    assert_eq!(seen["status"], "OFF_TRACK");
    assert_eq!(seen["latestValue"], json!({ "value": "16", "year": 2024 }));
    create_published(&app, SRI, Kind::Measurement, measurement(&ind, 2025, "9.5")).await;
    assert_eq!(
        node(&app, Anonymous, &ind.id, fields).await["status"],
        "DETERIORATION"
    );
    create_published(
        &app,
        Admin,
        Kind::Measurement,
        measurement(&ind, 2025, "20"),
    )
    .await;
    assert_eq!(
        node(&app, Anonymous, &ind.id, fields).await["status"],
        "ACHIEVED"
    );

    // Lower is better: baseline 20, target 10; 15 in 2023 is on the line.
    let mut input = indicator("IND-DOWN", Some("LE1.2"), None);
    input["direction"] = json!("DECREASE");
    input["baselineValue"] = json!("20");
    input["targetValue"] = json!("10");
    let down = create_published(&app, Admin, Kind::Indicator, input).await;
    create_published(&app, SRI, Kind::Measurement, measurement(&down, 2023, "15")).await;
    assert_eq!(
        node(&app, Anonymous, &down.id, fields).await["status"],
        "ON_TRACK"
    );
}
