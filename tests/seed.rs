//! The seed is idempotent, follows edited data files, and refuses broken ones whole.

use entity::{action, expected_result, organization};
use plan_api::seed::{self, Outcome};
use sea_orm::{EntityTrait, PaginatorTrait, QueryOrder};

use crate::common::{TestApp, data_copy, data_count, data_dir, municipality_count};

/// Every action row, in ID order.
async fn all_actions(db: &sea_orm::DatabaseConnection) -> Vec<action::Model> {
    action::Entity::find()
        .order_by_asc(action::Column::Id)
        .all(db)
        .await
        .expect("actions")
}

#[tokio::test]
async fn seeding_twice_changes_nothing() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let before = all_actions(db).await;
    let orgs = organization::Entity::find().count(db).await.expect("count");
    let outcome = seed::seed_all(db, &data_dir()).await.expect("seed");
    assert_eq!(
        outcome,
        [("AMB-PI-2021-2025".to_owned(), Outcome::Unchanged)]
    );
    let after = all_actions(db).await;
    assert_eq!(before, after);
    assert_eq!(
        organization::Entity::find().count(db).await.expect("count"),
        orgs
    );
    // Every organization of the registry and every municipality, counted in the files.
    let expected = data_count("organizations.toml", "organizations") + municipality_count();
    assert_eq!(orgs, u64::try_from(expected).expect("a count"));
}

#[tokio::test]
async fn edited_files_update_rows_in_place_and_removed_records_go() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let dir = data_copy();
    let strategy = dir.path().join("AMB-PI-2021-2025/strategy.toml");
    let text = std::fs::read_to_string(&strategy).expect("read");
    let edited = text.replacen(
        "Seguimiento de las políticas impulsadas por la UE y análisis en clave metropolitana",
        "Seguimiento de las políticas de la UE (texto editado)",
        1,
    );
    // Drop LE5's only expected result.
    let start = edited.find("code = \"LE5.R1\"").expect("LE5.R1");
    let block_start = edited[..start]
        .rfind("[[expected_results]]")
        .expect("block");
    let block_end = edited[start..]
        .find("\n[[")
        .map_or(edited.len(), |i| start + i + 1);
    let edited = format!("{}{}", &edited[..block_start], &edited[block_end..]);
    std::fs::write(&strategy, edited).expect("write");

    let before = all_actions(db).await;
    let outcome = seed::seed_all(db, dir.path()).await.expect("seed");
    assert_eq!(outcome, [("AMB-PI-2021-2025".to_owned(), Outcome::Loaded)]);
    let after = all_actions(db).await;
    assert_eq!(
        before.iter().map(|a| a.id).collect::<Vec<_>>(),
        after.iter().map(|a| a.id).collect::<Vec<_>>(),
        "ids are stable across reloads"
    );
    assert_eq!(
        after[0].title.get("es"),
        Some("Seguimiento de las políticas de la UE (texto editado)")
    );
    assert_eq!(
        expected_result::Entity::find()
            .count(db)
            .await
            .expect("count"),
        15
    );

    let reply = app.data(r#"{ action(code: "LE1.1") { title } strategicLine(code: "LE5") { expectedResults { code } } }"#).await;
    assert_eq!(
        reply["action"]["title"],
        "Seguimiento de las políticas de la UE (texto editado)"
    );
    assert_eq!(
        reply["strategicLine"]["expectedResults"],
        serde_json::json!([])
    );
    let hits = app
        .data(r#"{ search(text: "texto editado") { code } }"#)
        .await;
    assert_eq!(hits["search"], serde_json::json!([{ "code": "LE1.1" }]));
}

#[tokio::test]
async fn a_broken_data_file_is_refused_with_a_clear_message_and_changes_nothing() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let before = all_actions(db).await;
    for (needle, replacement, message) in [
        (
            "responsible = [\"AMB-SRI\"]",
            "responsible = [\"AMB-NOPE\"]",
            "unknown organization AMB-NOPE",
        ),
        (
            "line = \"LE2\"",
            "line = \"LE7\"",
            "unknown strategic line LE7",
        ),
        (
            "[[actions]]",
            "[[actions]]\nbogus = 1",
            "unknown field `bogus`",
        ),
    ] {
        let dir = data_copy();
        let strategy = dir.path().join("AMB-PI-2021-2025/strategy.toml");
        let text = std::fs::read_to_string(&strategy).expect("read");
        assert!(text.contains(needle), "{needle}");
        std::fs::write(&strategy, text.replacen(needle, replacement, 1)).expect("write");
        let err = seed::seed_all(db, dir.path()).await.expect_err("refused");
        assert!(format!("{err:#}").contains(message), "{err:#}");
    }
    let after = all_actions(db).await;
    assert_eq!(before, after);
}

#[tokio::test]
async fn the_seed_creates_the_reporting_years_and_reading_them_writes_nothing() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let years = |reply: serde_json::Value| -> Vec<(i64, bool)> {
        reply["reportingYears"]
            .as_array()
            .expect("years")
            .iter()
            .map(|y| (y["year"].as_i64().expect("year"), y["closed"] == true))
            .collect()
    };
    let all_open: Vec<(i64, bool)> = (2021..=2025).map(|y| (y, false)).collect();
    let query = "{ reportingYears { year closed } }";
    assert_eq!(years(app.data(query).await), all_open);

    // A database whose rows are gone (as one seeded before reporting years existed): the read
    // shows what is stored and stores nothing; the next seed creates the years again.
    entity::reporting_year::Entity::delete_many()
        .exec(db)
        .await
        .expect("delete");
    assert_eq!(years(app.data(query).await), vec![]);
    assert_eq!(
        entity::reporting_year::Entity::find()
            .count(db)
            .await
            .expect("count"),
        0,
        "reading the reporting years wrote rows"
    );
    seed::seed_all(db, &data_dir()).await.expect("seed");
    assert_eq!(years(app.data(query).await), all_open);
}
