//! A seed never orphans monitoring data: files that would drop or recode an item records
//! refer to are refused with the list of those records, and nothing changes; `renames.toml`
//! moves the references on purpose, audited.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::*;
use crate::common::{bearer, data_copy};

/// The record's public id, from its global ID (`ProgressUpdate:PLAN/public-id`).
fn public_id(id: &Value) -> String {
    let bytes = URL_SAFE_NO_PAD
        .decode(id.as_str().expect("an ID"))
        .expect("base64");
    let text = String::from_utf8(bytes).expect("utf-8");
    text.rsplit('/').next().expect("a public id").to_owned()
}

const RECORD: &str = "query($id: ID!) { node(id: $id) { ... on ProgressUpdate {
    action { code } version state } } }";

#[tokio::test]
async fn a_seed_that_would_orphan_records_refuses_and_a_rename_moves_them() {
    let dir = data_copy();
    let app = app_on(dir.path()).await;
    let admin = bearer("admin", None, None);
    let sri = bearer("area", Some("AMB-SRI"), None);
    let created = app
        .post(
            "mutation($input: ProgressUpdateInput!) {
               r: createProgressUpdate(input: $input, idempotencyKey: \"orphan-1\", submit: true) { id } }",
            json!({ "input": { "action": "LE1.3", "year": 2024, "status": "IN_PROGRESS",
                               "percentComplete": 40 } }),
            &[("authorization", &sri)],
        )
        .await;
    let id = created.expect_data("create")["r"]["id"].clone();
    let generation = |app: &TestApp| {
        let db = app.state.db.clone();
        async move { plan_api::generation::read(&db).await.expect("generation").0 }
    };
    let before = generation(&app).await;

    // An item nobody refers to may change its code.
    edit(
        dir.path(),
        "AMB-PI-2021-2025/strategy.toml",
        "code = \"LE1.4\"",
        "code = \"LE1.41\"",
    );
    plan_api::seed::seed_all(&app.state.db, dir.path())
        .await
        .expect("LE1.4 had no records");
    let after_free_recode = generation(&app).await;
    assert!(after_free_recode > before, "the recode was loaded");

    // LE1.3 has a record: its recode is refused, with the record named.
    edit(
        dir.path(),
        "AMB-PI-2021-2025/strategy.toml",
        "code = \"LE1.3\"",
        "code = \"LE1.31\"",
    );
    let refused = plan_api::seed::seed_all(&app.state.db, dir.path())
        .await
        .expect_err("LE1.3 has a record");
    assert_eq!(
        refused.to_string(),
        format!(
            "the data files would orphan monitoring data, so nothing was loaded; restore what \
             they refer to, or name an item's new code in its plan's renames.toml (see \
             data/README.md):\n  - AMB-PI-2021-2025: action LE1.3 (gone from strategy.toml) is \
             linked by 1 monitoring record: PROGRESS_UPDATE {} (2024, SUBMITTED)",
            public_id(&id)
        )
    );
    // Nothing changed: the plan still has LE1.3 (and not LE1.31), the record still links it,
    // and the content generation did not move.
    let content = app.data(r#"{ action(code: "LE1.3") { code } }"#).await;
    assert_eq!(content["action"]["code"], "LE1.3");
    let missing = app
        .post(r#"{ action(code: "LE1.31") { code } }"#, json!({}), &[])
        .await;
    assert_eq!(missing.error_code(), Some("NOT_FOUND"));
    let record = app
        .data_auth(Some(&admin), RECORD, json!({ "id": id }))
        .await;
    assert_eq!(record["node"]["action"]["code"], "LE1.3");
    assert_eq!(generation(&app).await, after_free_recode);

    // Named in renames.toml, the recode loads and the record's links move with it.
    std::fs::write(
        dir.path().join("AMB-PI-2021-2025/renames.toml"),
        "[[renames]]\nkind = \"action\"\nfrom = \"LE1.3\"\nto = \"LE1.31\"\n",
    )
    .expect("write renames.toml");
    plan_api::seed::seed_all(&app.state.db, dir.path())
        .await
        .expect("a rename on purpose");
    let record = app
        .data_auth(Some(&admin), RECORD, json!({ "id": id }))
        .await;
    assert_eq!(
        record["node"],
        json!({ "action": { "code": "LE1.31" }, "version": 1, "state": "SUBMITTED" }),
        "moved, not rewritten by its reporter"
    );
    let audit = app
        .data_auth(
            Some(&admin),
            r#"{ auditLog(filter: { operation: "RELINK" }) { totalCount nodes {
                 recordId actorSubject actorRole before after } } }"#,
            json!({}),
        )
        .await;
    let entries = &audit["auditLog"];
    assert_eq!(entries["totalCount"], 1);
    let entry = &entries["nodes"][0];
    assert_eq!(entry["recordId"], id);
    assert_eq!(entry["actorSubject"], "plan-api seed");
    assert_eq!(entry["actorRole"], "admin");
    assert_eq!(
        entry["before"]["links"],
        json!([["ACTION", "LE1.3"], ["LINE", "LE1"]])
    );
    assert_eq!(
        entry["after"]["links"],
        json!([["ACTION", "LE1.31"], ["LINE", "LE1"]])
    );
    // Seeding the same files again moves nothing more.
    let again = plan_api::seed::seed_all(&app.state.db, dir.path())
        .await
        .expect("again");
    assert_eq!(
        again,
        vec![(FIRST_PLAN.to_owned(), plan_api::seed::Outcome::Unchanged)]
    );
}

#[tokio::test]
async fn a_plan_whose_folder_is_gone_is_never_removed() {
    let dir = data_with_second_plan();
    let app = app_on(dir.path()).await;
    std::fs::remove_dir_all(dir.path().join(SECOND_PLAN)).expect("remove the folder");
    let refused = plan_api::seed::seed_all(&app.state.db, dir.path())
        .await
        .expect_err("the second plan is in the database");
    assert_eq!(
        refused.to_string(),
        "the data files would orphan monitoring data, so nothing was loaded; restore what they \
         refer to, or name an item's new code in its plan's renames.toml (see data/README.md):\n  \
         - SYNTH-2026-2030: the plan is in the database (0 monitoring records, 0 published \
         annual reports, its change feed) but SYNTH-2026-2030/plan.toml is gone; a seed never \
         removes a plan: restore its folder"
    );
    let plans = app.data("{ plans { code } }").await;
    assert_eq!(codes(&plans["plans"]), [FIRST_PLAN, SECOND_PLAN]);
}
