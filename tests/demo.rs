//! `plan-api demo-data`: synthetic records, plainly marked, never loaded by a normal start.

use serde_json::json;

use crate::common::TestApp;

#[tokio::test]
async fn a_normal_start_has_no_monitoring_records() {
    let app = TestApp::new().await;
    let data = app
        .data("{ activities { totalCount } fundedProjects { totalCount } indicators { totalCount } evaluations { totalCount } progressUpdates { totalCount } }")
        .await;
    for list in [
        "activities",
        "fundedProjects",
        "indicators",
        "evaluations",
        "progressUpdates",
    ] {
        assert_eq!(data[list]["totalCount"], 0, "{list}");
    }
}

#[tokio::test]
async fn demo_data_is_synthetic_labelled_and_loaded_once() {
    let app = TestApp::new().await;
    let created = plan_api::demo::load(&app.state.db)
        .await
        .expect("demo data");
    assert_eq!(created, 19);
    assert_eq!(plan_api::demo::load(&app.state.db).await.expect("again"), 0);

    let data = app
        .data(r#"{ activities(first: 100) { totalCount nodes { synthetic title(lang: EN) languages } }
                  fundedProjects { nodes { synthetic summary(lang: CA) grantAmount } }
                  indicators { nodes { synthetic code status latestValue { value year } } }
                  evaluations { nodes { synthetic kind year } }
                  action(code: "LE1.1") { currentProgress { synthetic year percentComplete narrative(lang: ES) } } }"#)
        .await;
    assert_eq!(data["activities"]["totalCount"], 4);
    for a in data["activities"]["nodes"].as_array().expect("nodes") {
        assert_eq!(a["synthetic"], true);
        assert!(
            a["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("[Synthetic demo data]")),
            "{a}"
        );
        assert_eq!(a["languages"], json!(["CA", "ES", "EN", "FR"]));
    }
    for p in data["fundedProjects"]["nodes"].as_array().expect("nodes") {
        assert!(
            p["summary"]
                .as_str()
                .is_some_and(|t| t.starts_with("[Dades sintètiques de demostració]"))
        );
    }
    assert_eq!(
        data["indicators"]["nodes"][0],
        json!({ "synthetic": true, "code": "DEMO-LE2-1", "status": "ON_TRACK", "latestValue": { "value": "56", "year": 2023 } })
    );
    assert_eq!(
        data["evaluations"]["nodes"][0],
        json!({ "synthetic": true, "kind": "MID_TERM", "year": 2023 })
    );
    let progress = &data["action"]["currentProgress"];
    assert_eq!(progress["year"], 2023);
    assert_eq!(progress["percentComplete"], 60);
    assert!(
        progress["narrative"]
            .as_str()
            .is_some_and(|t| t.starts_with("[Datos sintéticos de demostración]"))
    );
}
