//! A plan's life beside the others: once it is no longer current its monitoring stays
//! readable and is left to the coordinators; the feed, the downloads, the catalogue, the report
//! pages and the trusted documents all name a plan.

use super::*;
use crate::common::{Reply, bearer};

const CREATE: &str = "mutation($input: ProgressUpdateInput!, $key: String!) {
    r: createProgressUpdate(input: $input, idempotencyKey: $key, submit: true) { id state } }";

fn progress(plan: &str, action: &str, year: i32) -> Value {
    json!({ "plan": plan, "action": action, "year": year, "status": "IN_PROGRESS",
            "percentComplete": 30 })
}

async fn create(app: &TestApp, auth: &str, input: Value, key: &str) -> Reply {
    app.post(
        CREATE,
        json!({ "input": input, "key": key }),
        &[("authorization", auth)],
    )
    .await
}

/// The apps' plans after the synthetic one became current.
async fn after_the_switch() -> (tempfile::TempDir, TestApp) {
    let dir = data_with_second_plan();
    let app = app_on(dir.path()).await;
    make_current(dir.path(), SECOND_PLAN);
    plan_api::seed::seed_all(&app.state.db, dir.path())
        .await
        .expect("seed");
    (dir, app)
}

#[tokio::test]
async fn a_plan_no_longer_current_stays_readable_and_is_left_to_its_coordinators() {
    let dir = data_with_second_plan();
    let app = app_on(dir.path()).await;
    let sri = bearer("area", Some("AMB-SRI"), None);
    let admin = bearer("admin", None, None);
    // While the first plan is current, the service reports on it and it is published.
    let r = create(&app, &sri, progress(FIRST_PLAN, "LE1.1", 2025), "life-1").await;
    let id = r.expect_data("first report")["r"]["id"].clone();
    let publish = "mutation($id: ID!) { publishRecord(id: $id, expectedVersion: 1) { state } }";
    app.post(publish, json!({ "id": id }), &[("authorization", &admin)])
        .await
        .expect_data("publish");
    // The next plan becomes current.
    make_current(dir.path(), SECOND_PLAN);
    plan_api::seed::seed_all(&app.state.db, dir.path())
        .await
        .expect("seed");
    // Its monitoring stays readable by everyone...
    let read = app
        .data(r#"{ action(plan: "AMB-PI-2021-2025", code: "LE1.1") { currentProgress { percentComplete } } }"#)
        .await;
    assert_eq!(read["action"]["currentProgress"]["percentComplete"], 30);
    // ...but the service may no longer write to it, whatever the year.
    let refused = create(&app, &sri, progress(FIRST_PLAN, "LE1.1", 2024), "life-2").await;
    assert_eq!(refused.error_code(), Some("FORBIDDEN"), "{}", refused.body);
    assert_eq!(
        refused.error_message(),
        "the plan AMB-PI-2021-2025 is no longer the current plan; only the plan's coordinators \
         can change its records"
    );
    let count = r#"{ progressUpdates(filter: { plan: "AMB-PI-2021-2025" }) { totalCount } }"#;
    let counted = app.data_auth(Some(&admin), count, json!({})).await;
    assert_eq!(
        counted["progressUpdates"]["totalCount"], 1,
        "nothing was written"
    );
    // Coordinators still write it (its final evaluation, late corrections).
    let r = create(&app, &admin, progress(FIRST_PLAN, "LE1.2", 2025), "life-3").await;
    assert_eq!(r.expect_data("a coordinator")["r"]["state"], "SUBMITTED");
    // The service reports on the current plan's actions.
    let r = create(&app, &sri, progress(SECOND_PLAN, "SL1.1", 2026), "life-4").await;
    assert_eq!(r.expect_data("the current plan")["r"]["state"], "SUBMITTED");
    // A year outside the plan's own period is refused as before.
    let r = create(&app, &sri, progress(SECOND_PLAN, "SL1.1", 2025), "life-5").await;
    assert_eq!(r.error_code(), Some("BAD_USER_INPUT"), "{}", r.body);
}

#[tokio::test]
async fn the_feed_names_each_change_s_plan_and_reads_one_plan_on_request() {
    let (_dir, app) = after_the_switch().await;
    let app = &app;
    let feed = |plan: Option<&str>| {
        let doc =
            "query($plan: String) { changes(plan: $plan, first: 100) { nodes { type plan } } }";
        let vars = json!({ "plan": plan });
        async move { app.data_auth(None, doc, vars).await["changes"]["nodes"].clone() }
    };
    // Loaded together, then reloaded when the current plan moved: two loads of each.
    let change = |plan: &str| json!({ "type": "PLAN_CONTENT_CHANGED", "plan": plan });
    assert_eq!(
        feed(Some(SECOND_PLAN)).await,
        json!([change(SECOND_PLAN), change(SECOND_PLAN)])
    );
    assert_eq!(
        feed(Some(FIRST_PLAN)).await,
        json!([change(FIRST_PLAN), change(FIRST_PLAN)])
    );
    assert_eq!(feed(None).await.as_array().map(Vec::len), Some(4));
    let r = app
        .post_auth(
            None,
            "{ changes(plan: \"NOPE\") { nodes { type } } }",
            json!({}),
        )
        .await;
    assert_eq!(r.error_code(), Some("NOT_FOUND"), "{}", r.body);
}

#[tokio::test]
async fn downloads_catalogue_and_report_pages_work_per_plan() {
    let (_dir, app) = after_the_switch().await;
    let csv = app
        .get(&format!("/exports/{SECOND_PLAN}/actions.csv?lang=en"))
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text);
    let codes: Vec<&str> = csv
        .text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or_default())
        .collect();
    assert_eq!(codes, ["SL1.1", "SL2.1"]);
    let old = app
        .get(&format!("/exports/{FIRST_PLAN}/actions.csv?lang=en"))
        .await;
    assert_eq!(old.status, 200);
    assert_eq!(
        old.text.lines().count(),
        1 + 29,
        "the 29 actions of the first plan"
    );
    let catalogue = app.get("/exports/catalog.jsonld").await;
    let text = catalogue.text;
    for plan in [FIRST_PLAN, SECOND_PLAN] {
        assert!(
            text.contains(&format!("/exports/{plan}/actions.csv?lang=ca")),
            "{plan}"
        );
        assert!(
            text.contains(&format!("/exports/{plan}/datapackage.json")),
            "{plan}"
        );
    }
    let page = app
        .get(&format!("/reports/{SECOND_PLAN}/2026?lang=en"))
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("Synthetic test plan 2026-2030"),
        "the plan's own title"
    );
    let outside = app
        .get(&format!("/reports/{SECOND_PLAN}/2025?lang=en"))
        .await;
    assert_eq!(outside.status, 400, "{}", outside.text);
    let unknown = app.get("/exports/NOPE/actions.csv").await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.error_code(), Some("NOT_FOUND"));
}

/// `s` percent-encoded for a query string.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn trusted_documents_and_the_widget_read_any_plan_and_earlier_versions_still_answer() {
    let dir = data_with_second_plan();
    let app = TestApp::with({
        let dir = dir.path().to_owned();
        move |c| {
            c.data_dir = dir;
            c.anonymous_trusted_only = true;
        }
    })
    .await;
    let manifest = app.get("/graphql/documents").await;
    let operations = manifest.body["operations"].as_array().expect("operations");
    let names: Vec<&str> = operations
        .iter()
        .map(|o| o["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(
        names,
        [
            "ActionCard",
            "LineProgress",
            "MunicipalityPage",
            "PlanOutline",
            "AmbPlanWidget",
            "AmbEmbedMunicipalities"
        ],
        "current versions only"
    );
    let id_of = |name: &str| {
        operations
            .iter()
            .find(|o| o["name"] == name)
            .and_then(|o| o["id"].as_str())
            .expect("listed")
            .to_owned()
    };
    let by_id = |id: String, vars: Value| {
        let app = &app;
        async move {
            let uri = format!(
                "/graphql?documentId=sha256:{id}&variables={}",
                enc(&vars.to_string())
            );
            app.get(&uri).await
        }
    };
    // A plan named, or the current one.
    let outline = by_id(id_of("PlanOutline"), json!({ "plan": SECOND_PLAN })).await;
    let data = outline.expect_data("PlanOutline of the second plan");
    assert_eq!(data["plan"]["code"], SECOND_PLAN);
    assert_eq!(codes(&data["plan"]["strategicLines"]), ["SL1", "SL2"]);
    let current = by_id(id_of("PlanOutline"), json!({})).await;
    assert_eq!(current.expect_data("current")["plan"]["code"], FIRST_PLAN);
    let card = by_id(
        id_of("ActionCard"),
        json!({ "code": "SL1.1", "plan": SECOND_PLAN }),
    )
    .await;
    assert_eq!(card.expect_data("ActionCard")["action"]["code"], "SL1.1");
    // The widget's document, as the widget sends it with and without its `plan` attribute.
    let widget = by_id(
        id_of("AmbPlanWidget"),
        json!({ "ine": "08101", "lang": "EN", "plan": SECOND_PLAN }),
    )
    .await;
    let data = widget.expect_data("the widget on the second plan");
    assert_eq!(codes(&data["municipality"]["actions"]), ["SL1.1"]);
    assert_eq!(codes(&data["plan"]["strategicLines"]), ["SL1", "SL2"]);
    let widget = by_id(
        id_of("AmbPlanWidget"),
        json!({ "ine": "08101", "lang": "EN" }),
    )
    .await;
    let data = widget.expect_data("the widget on the current plan");
    let actions = codes(&data["municipality"]["actions"]);
    assert!(
        !actions.is_empty() && actions.iter().all(|c| c.starts_with("LE")),
        "{actions:?}"
    );
    // The versions portals and cached widgets have sent until now still answer, by hash.
    for file in [
        "PlanOutline-2026-12-01",
        "ActionCard-2026-12-01",
        "LineProgress-2026-12-01",
        "MunicipalityPage-2026-12-01",
        "AmbPlanWidget-2026-12-01",
        "MunicipalityPage-2026-12-07",
        "AmbPlanWidget-2026-12-07",
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../documents/retired")
            .join(format!("{file}.graphql"));
        let text = std::fs::read_to_string(path).expect("a retired document");
        let hash = plan_api::persisted::sha256_hex(&text);
        assert!(
            operations.iter().all(|o| o["id"] != hash.as_str()),
            "{file} is no longer listed"
        );
        let vars = match file {
            f if f.starts_with("PlanOutline") => json!({}),
            f if f.starts_with("ActionCard") => json!({ "code": "LE1.1" }),
            f if f.starts_with("LineProgress") => json!({ "code": "LE1" }),
            f if f.starts_with("MunicipalityPage") => json!({ "ineCode": "08101" }),
            _ => json!({ "ine": "08101", "lang": "EN" }),
        };
        let reply = by_id(hash, vars).await;
        reply.expect_data(file);
    }
}
