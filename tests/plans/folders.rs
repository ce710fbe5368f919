//! Plans are their folders: found, served side by side, exactly one current.

use super::*;
use crate::common::data_copy;

/// The first plan's whole content, as the deepest query a client asks.
const FIRST_PLAN_TREE: &str = r#"{ plan(code: "AMB-PI-2021-2025") {
    code current title shortTitle startYear endYear approvedOn generalObjective
    keyFigures { code label value } swot { kind text } specificObjectives { code text }
    themes { code title } governance { code title organizations { code name acronym } }
    sections { code title }
    strategicLines { code title continues { code } continuedBy { code }
      scopes { code title }
      actions { code title responsibleText involvedText
        responsibleUnits { code name acronym } involvedActors { code name } }
      expectedResults { code text } }
    zones { code name partners { name } } glossary { acronym meaning } } }"#;

#[tokio::test]
async fn two_plans_are_served_side_by_side_and_the_first_is_unchanged() {
    let dir = data_with_second_plan();
    let both = app_on(dir.path()).await;
    let data = both
        .data("{ plans { code current startYear endYear } plan { code } }")
        .await;
    assert_eq!(
        data["plans"],
        json!([
            { "code": FIRST_PLAN, "current": true, "startYear": 2021, "endYear": 2025 },
            { "code": SECOND_PLAN, "current": false, "startYear": 2026, "endYear": 2030 },
        ])
    );
    assert_eq!(
        data["plan"]["code"], FIRST_PLAN,
        "no code: the current plan"
    );
    let second = both
        .data(
            r#"{ plan(code: "SYNTH-2026-2030") { title(lang: EN) strategicLines { code
                 actions { code responsibleUnits { code } } expectedResults { code } } } }"#,
        )
        .await;
    assert_eq!(
        second["plan"],
        json!({
            "title": "Synthetic test plan 2026-2030 (not an AMB plan)",
            "strategicLines": [
                { "code": "SL1", "actions": [{ "code": "SL1.1", "responsibleUnits": [{ "code": "AMB-SRI" }] }],
                  "expectedResults": [{ "code": "SL1.R1" }] },
                { "code": "SL2", "actions": [{ "code": "SL2.1", "responsibleUnits": [{ "code": "AMB-ADE" }] }],
                  "expectedResults": [] },
            ]
        })
    );
    // The first plan reads exactly as it does alone (the continuations aside, which only
    // the second plan gives it).
    let alone = TestApp::new().await;
    let mut with_second = both.data(FIRST_PLAN_TREE).await;
    let lines = with_second["plan"]["strategicLines"]
        .as_array_mut()
        .expect("lines");
    assert_eq!(lines[0]["continuedBy"], json!([{ "code": "SL1" }]));
    lines[0]["continuedBy"] = json!([]);
    assert_eq!(with_second, alone.data(FIRST_PLAN_TREE).await);
}

#[tokio::test]
async fn the_current_plan_moves_with_the_files() {
    let dir = data_with_second_plan();
    let app = app_on(dir.path()).await;
    make_current(dir.path(), SECOND_PLAN);
    let outcomes = plan_api::seed::seed_all(&app.state.db, dir.path())
        .await
        .expect("seed");
    assert_eq!(outcomes.len(), 2);
    let data = app.data("{ plans { code current } plan { code } }").await;
    assert_eq!(
        data,
        json!({
            "plans": [{ "code": FIRST_PLAN, "current": false }, { "code": SECOND_PLAN, "current": true }],
            "plan": { "code": SECOND_PLAN },
        })
    );
}

#[tokio::test]
async fn zero_or_two_current_plans_are_refused_naming_the_files_and_nothing_is_loaded() {
    let dir = data_with_second_plan();
    let app = app_on(dir.path()).await;
    let before = app.data(FIRST_PLAN_TREE).await;
    let first = dir.path().join(FIRST_PLAN).join("plan.toml");
    let second = dir.path().join(SECOND_PLAN).join("plan.toml");
    // Two: the second says so too, and the first's title changed meanwhile.
    edit(
        dir.path(),
        &format!("{SECOND_PLAN}/plan.toml"),
        "current = false",
        "current = true",
    );
    edit(
        dir.path(),
        &format!("{FIRST_PLAN}/plan.toml"),
        "short_title.en = \"Internationalisation Plan 2021-2025\"",
        "short_title.en = \"Edited while two plans were current\"",
    );
    let err = plan_api::seed::seed_all(&app.state.db, dir.path())
        .await
        .expect_err("two current plans are refused");
    assert_eq!(
        err.to_string(),
        format!(
            "exactly one plan may be current, and 2 say `current = true`: {}, {}",
            first.display(),
            second.display()
        )
    );
    // None.
    edit(
        dir.path(),
        &format!("{SECOND_PLAN}/plan.toml"),
        "current = true",
        "current = false",
    );
    edit(
        dir.path(),
        &format!("{FIRST_PLAN}/plan.toml"),
        "current = true",
        "current = false",
    );
    let err = plan_api::seed::seed_all(&app.state.db, dir.path())
        .await
        .expect_err("no current plan is refused");
    assert_eq!(
        err.to_string(),
        format!(
            "no plan is current: set `current = true` in the plan.toml of exactly one of {}, {}",
            first.display(),
            second.display()
        )
    );
    assert_eq!(
        app.data(FIRST_PLAN_TREE).await,
        before,
        "nothing was loaded"
    );
}

#[tokio::test]
async fn a_data_folder_without_plans_is_refused() {
    let dir = data_copy();
    std::fs::remove_dir_all(dir.path().join(FIRST_PLAN)).expect("rm");
    let app = TestApp::new().await;
    let err = plan_api::seed::seed_all(&app.state.db, dir.path())
        .await
        .expect_err("refused");
    assert_eq!(
        err.to_string(),
        format!(
            "{} holds no plan: a plan is a folder with a plan.toml",
            dir.path().display()
        )
    );
}
