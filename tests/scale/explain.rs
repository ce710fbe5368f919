//! On PostgreSQL, with thousands of synthetic records, audit entries and changes and fresh
//! statistics, the statements of the main monitoring reads, the audit log and the change feed
//! use indexes: no sequential scan of the records, their links, the audit trail or the event
//! log, and the summaries find each action's and indicator's latest record by one seek down
//! the subject index (skipped on SQLite: its planner has no statistics to mislead it here).
//! On both databases, lists narrowed by a link count from the links' index alone and page
//! without sorting.

use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
use serde_json::json;

use crate::common::{TestApp, Who};

/// The reads whose statements are explained, and who reads: the summaries, the indicators
/// page, the nested lists reached through links (plain and paged), a filtered page of each
/// kind, the audit log and the change feed as a coordinator, an area and anyone.
const READS: [(Who, &str); 7] = [
    (Who::Anonymous, super::rows::SUMMARIES),
    (Who::Anonymous, super::rows::INDICATORS),
    (
        Who::Anonymous,
        r#"{ plan { strategicLines { actions { code currentProgress { id } progressHistory { id }
             progressHistoryConnection(first: 5) { totalCount nodes { id } } } } }
         municipality(ineCode: "08101") { activities { id } fundedProjects { id }
             activitiesConnection(first: 5, after: "b2Zmc2V0OjE") { totalCount nodes { id } } }
         indicators(first: 20) { nodes { measurementsConnection(first: 3) { nodes { id } } } }
         progressUpdates(first: 20, filter: { strategicLine: "LE1" }) { nodes { id } }
         activities(first: 20, filter: { municipality: "08101", year: 2023 }) { nodes { id } } }"#,
    ),
    (
        Who::Admin,
        "{ auditLog(first: 20) { totalCount nodes { actorRole } } changes(first: 20) { nodes { cursor } } }",
    ),
    (
        Who::Area("AMB-SRI"),
        "{ auditLog(first: 20) { totalCount nodes { actorRole } } changes(first: 20) { nodes { cursor } } }",
    ),
    (
        Who::Municipality("08101"),
        "{ auditLog(first: 20) { totalCount nodes { actorRole } } changes(first: 20) { nodes { cursor } } }",
    ),
    (
        Who::Anonymous,
        "{ changes(first: 20) { nodes { cursor } } }",
    ),
];

/// The tables no statement may scan whole.
const TABLES: [&str; 4] = ["monitoring_record", "record_link", "audit_entry", "event"];

/// The index the latest record of each subject is found by.
const SUBJECT_INDEX: &str = "ix_monitoring_record_plan_id_record_type_state_subject_year_id";

/// Copies each published record without a code (not the indicators, whose codes are unique)
/// `times` times with its links, in two statements, whatever
/// the table's columns (each copy is the original's row as JSON with a new id, public id and
/// idempotency key, the key naming the original so that its links can follow).
async fn copy_published(app: &TestApp, times: i32) {
    let db = &app.state.db;
    db.execute_unprepared(&format!(
        "INSERT INTO monitoring_record
         SELECT c.* FROM monitoring_record r
         CROSS JOIN generate_series(1, {times}) AS g
         CROSS JOIN LATERAL jsonb_populate_record(NULL::monitoring_record,
             to_jsonb(r) || jsonb_build_object(
                 'id', nextval(pg_get_serial_sequence('monitoring_record', 'id')),
                 'public_id', gen_random_uuid()::text,
                 'idempotency_key', 'synthetic-copy-' || r.id || '-' || g)) AS c
         WHERE r.state = 'PUBLISHED' AND r.code IS NULL"
    ))
    .await
    .expect("copy records");
    db.execute_unprepared(
        "INSERT INTO record_link (record_id, target_type, target_code, position, plan_id,
             record_type, state, year, owner_unit, owner_municipality)
         SELECT c.id, l.target_type, l.target_code, l.position, l.plan_id, l.record_type,
             l.state, l.year, l.owner_unit, l.owner_municipality
         FROM monitoring_record c
         JOIN record_link l ON l.record_id = split_part(c.idempotency_key, '-', 3)::int
         WHERE c.idempotency_key LIKE 'synthetic-copy-%'",
    )
    .await
    .expect("copy links");
    // The audit trail and the change log grow with the records: copies of their rows too, only
    // for the planner's statistics (the copied changes repeat their originals' numbers).
    for table in ["audit_entry", "event"] {
        db.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}));
             INSERT INTO {table}
             SELECT c.* FROM {table} r
             CROSS JOIN generate_series(1, {times}) AS g
             CROSS JOIN LATERAL jsonb_populate_record(NULL::{table},
                 to_jsonb(r) || jsonb_build_object(
                     'id', nextval(pg_get_serial_sequence('{table}', 'id')),
                     'copy', g)) AS c"
        ))
        .await
        .expect("copy the log");
    }
    db.execute_unprepared("VACUUM ANALYZE")
        .await
        .expect("statistics");
}

/// The plan PostgreSQL picks for `statement`, as text.
async fn explain(app: &TestApp, statement: Statement) -> String {
    let txn = app.state.db.begin().await.expect("begin");
    let explained = Statement {
        sql: format!("EXPLAIN {}", statement.sql),
        ..statement
    };
    let rows = txn.query_all_raw(explained).await.expect("explain");
    txn.rollback().await.expect("rollback");
    rows.iter()
        .map(|r| r.try_get_by_index::<String>(0).expect("a plan line"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn on_postgresql_the_main_monitoring_reads_use_indexes() {
    if !TestApp::on_postgres() {
        return;
    }
    let app = TestApp::with(|c| c.response_cache_bytes = 0).await;
    plan_api::demo::load(&app.state.db)
        .await
        .expect("synthetic demo data");
    copy_published(&app, 400).await;
    let mut seeks = 0;
    for (who, query) in READS {
        app.state.statements.record();
        let reply = app.post_as(who, query, json!({})).await;
        let statements = app.state.statements.recorded();
        assert!(reply.body.get("errors").is_none(), "{}", reply.text);
        for s in statements {
            let sql = s.sql.to_ascii_lowercase();
            if !sql.trim_start().starts_with("select") || !TABLES.iter().any(|t| sql.contains(t)) {
                continue;
            }
            let text = s.sql.clone();
            let plan = explain(&app, s).await;
            for table in TABLES {
                assert!(
                    !plan.contains(&format!("Seq Scan on {table}")),
                    "{text}\n{plan}"
                );
            }
            seeks += usize::from(plan.contains(SUBJECT_INDEX));
        }
    }
    // The latest progress of the actions, and the latest measurement of the indicators (in
    // the summaries and on the indicators page).
    assert!(
        seeks >= 2,
        "the subject index was used by {seeks} statements"
    );
}

/// Lists narrowed by a link, root and nested, with their counts, as a coordinator, an area, a
/// municipality and anyone.
const NARROWED: &str = r#"{
    activities(first: 5, filter: { municipality: "08101" }) { totalCount nodes { id } }
    progressUpdates(first: 5, filter: { strategicLine: "LE1", year: 2023 }) {
        totalCount nodes { id } }
    municipality(ineCode: "08101") {
        activitiesConnection(first: 5) { totalCount nodes { id } }
        fundedProjectsConnection(first: 5, year: 2023) { totalCount nodes { id } } } }"#;

/// The index of the links' copies of their records' columns.
const COPIES_INDEX: &str = "ix_record_link_copies";

/// The plan the database picks for `statement`: PostgreSQL's `EXPLAIN`, SQLite's
/// `EXPLAIN QUERY PLAN` (its `detail` column).
async fn plan_of(app: &TestApp, statement: Statement) -> String {
    if TestApp::on_postgres() {
        return explain(app, statement).await;
    }
    let explained = Statement {
        sql: format!("EXPLAIN QUERY PLAN {}", statement.sql),
        ..statement
    };
    let rows = app
        .state
        .db
        .query_all_raw(explained)
        .await
        .expect("explain");
    rows.iter()
        .map(|r| r.try_get::<String>("", "detail").expect("a plan line"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// On both databases, a list narrowed by a link is counted from the links' index alone (its
/// copies of the records' plan, kind, state, year and owners answer every condition: no
/// record is read to count), and its page walks that index in the list's order (no sort).
#[tokio::test]
async fn lists_narrowed_by_a_link_count_from_the_link_index_and_page_without_sorting() {
    let app = TestApp::with(|c| c.response_cache_bytes = 0).await;
    plan_api::demo::load(&app.state.db)
        .await
        .expect("synthetic demo data");
    if TestApp::on_postgres() {
        copy_published(&app, 50).await;
    }
    let (mut counts, mut pages) = (0, 0);
    for who in [
        Who::Admin,
        Who::Area("AMB-SRI"),
        Who::Municipality("08101"),
        Who::Anonymous,
    ] {
        app.state.statements.record();
        let reply = app.post_as(who, NARROWED, json!({})).await;
        let statements = app.state.statements.recorded();
        assert!(reply.body.get("errors").is_none(), "{}", reply.text);
        for s in statements {
            let sql = s.sql.clone();
            if sql.contains("COUNT(*)") && sql.contains("\"record_link\"") {
                assert!(!sql.contains("monitoring_record"), "{who:?}: {sql}");
                let plan = plan_of(&app, s).await;
                let covered = match TestApp::on_postgres() {
                    true => plan.contains(&format!("Index Only Scan using {COPIES_INDEX}")),
                    false => plan.contains(&format!("USING COVERING INDEX {COPIES_INDEX}")),
                };
                assert!(covered, "{who:?}: {sql}\n{plan}");
                counts += 1;
            } else if sql.contains("ORDER BY \"record_link\".\"year\" DESC") {
                let plan = plan_of(&app, s).await;
                assert!(plan.contains(COPIES_INDEX), "{who:?}: {sql}\n{plan}");
                assert!(
                    !plan.contains("Sort") && !plan.contains("TEMP B-TREE"),
                    "{who:?}: {sql}\n{plan}"
                );
                pages += 1;
            }
        }
    }
    // Two root lists and one batch of nested counts per kind, for each of the four callers.
    assert_eq!((counts, pages), (16, 8));
}
