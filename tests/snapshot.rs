//! The in-memory content snapshot: content queries need no SQL once it is warm, and a seed that
//! changes the data files makes the next reads show the change (a new snapshot is built).

use std::time::Duration;

use plan_api::seed::{self, Outcome};

use crate::common::{TestApp, data_copy};

/// The benchmark's three shapes (bench/reference) and a few more content relations.
const SHAPES: [&str; 4] = [
    r#"{ action(code: "LE1.1") { code title responsibleUnits { name } } }"#,
    "{ plan { strategicLines { code title actions { code title } } } }",
    "{ plan { strategicLines { code title actions { code title responsibleUnits { code name } \
     involvedActors { code name } } expectedResults { code text } } swot { code kind text } } }",
    r#"{ plans { code } strategicLine(code: "LE2") { code scopes { code } summary { actorMap }
       zones { zone { code } } } organization(code: "AMB") { code name members { code } }
       plan { glossary { acronym } sections { code } zones { code partners { name } }
       formsOfIntervention { code contributions { strategicLine { code } } } } }"#,
];

/// The response cache would answer repeated queries without running them at all: off here, so
/// every request is executed.
async fn app() -> TestApp {
    TestApp::with(|c| c.response_cache_bytes = 0).await
}

/// The fewest statements one run of `query` took over a few runs (the generation tracker and
/// the event hub poll the same pool in the background now and then).
async fn fewest_statements(app: &TestApp, query: &str) -> u64 {
    let mut fewest = u64::MAX;
    for _ in 0..5 {
        let before = app.state.statements.get();
        app.data(query).await;
        fewest = fewest.min(app.state.statements.get() - before);
    }
    fewest
}

#[tokio::test]
async fn warm_content_queries_issue_no_sql() {
    let app = app().await;
    let snapshots = app.state.snapshots.clone().expect("on by default");
    // The generation must be known before there is a snapshot to build.
    wait_for(|| app.state.cache.generation.current().is_some()).await;
    let cold = app.data(SHAPES[2]).await;
    assert_eq!(snapshots.builds(), 1);
    for shape in SHAPES {
        assert_eq!(fewest_statements(&app, shape).await, 0, "{shape}");
    }
    // A burst of requests of the same generation shares that one snapshot.
    let burst = futures_util::future::join_all((0..16).map(|_| app.data(SHAPES[2]))).await;
    assert!(burst.iter().all(|d| *d == cold));
    assert_eq!(snapshots.builds(), 1);
}

#[tokio::test]
async fn the_snapshot_answers_as_the_database_does() {
    let with = app().await;
    let without = TestApp::with(|c| {
        c.response_cache_bytes = 0;
        c.content_snapshot = false;
    })
    .await;
    assert!(without.state.snapshots.is_none());
    wait_for(|| with.state.cache.generation.current().is_some()).await;
    for shape in SHAPES {
        assert_eq!(with.data(shape).await, without.data(shape).await, "{shape}");
    }
    // Errors too: an unknown code is NOT_FOUND either way.
    for query in [
        r#"{ action(code: "LE9.9") { code } }"#,
        r#"{ plan(code: "NO-SUCH-PLAN") { code } }"#,
    ] {
        let a = with.post(query, serde_json::json!({}), &[]).await;
        let b = without.post(query, serde_json::json!({}), &[]).await;
        assert_eq!(a.error_code(), Some("NOT_FOUND"), "{}", a.text);
        assert_eq!(a.body, b.body);
    }
}

#[tokio::test]
async fn a_seed_that_changes_content_is_seen_and_the_snapshot_rebuilt() {
    let app = app().await;
    let snapshots = app.state.snapshots.clone().expect("on by default");
    wait_for(|| app.state.cache.generation.current().is_some()).await;
    let query = "{ plan { strategicLines { code title } } }";
    let before = app.data(query).await;
    assert_eq!(
        before["plan"]["strategicLines"][0]["title"],
        "Incidencia en la agenda política europea e internacional"
    );
    assert_eq!(snapshots.builds(), 1);
    let generation = app.state.cache.generation.current().expect("known");

    let dir = data_copy();
    let strategy = dir.path().join("AMB-PI-2021-2025/strategy.toml");
    let text = std::fs::read_to_string(&strategy).expect("read");
    let edited = text.replacen(
        "title.es = \"Incidencia en la agenda política europea e internacional\"",
        "title.es = \"Incidencia en la agenda política (texto editado)\"",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&strategy, edited).expect("write");
    let outcome = seed::seed_all(&app.state.db, dir.path())
        .await
        .expect("seed");
    assert_eq!(outcome, [("AMB-PI-2021-2025".to_owned(), Outcome::Loaded)]);

    // At once (the database is read while the new generation is on its way) and afterwards
    // (from the new snapshot).
    let after = app.data(query).await;
    assert_eq!(
        after["plan"]["strategicLines"][0]["title"],
        "Incidencia en la agenda política (texto editado)"
    );
    wait_for(|| app.state.cache.generation.current() == Some(generation + 1)).await;
    let again = app.data(query).await;
    assert_eq!(again, after);
    assert_eq!(
        snapshots.builds(),
        2,
        "one new snapshot for the new generation"
    );
    assert_eq!(fewest_statements(&app, query).await, 0);
}

async fn wait_for(mut ready: impl FnMut() -> bool) {
    for _ in 0..200 {
        if ready() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("not ready within 2 s");
}
