//! The rows of monitoring data a request reads must not grow with the records: the summaries,
//! the indicators page and an assembled annual report read one row per action and per
//! indicator, however many progress updates and measurements were published; a download reads
//! each record once.
//!
//! The statements a request runs are kept by the connection's statement counter (text and
//! values) and replayed afterwards on the same data; the rows they return are the rows the
//! request read.

use entity::monitoring_record;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::common::{TestApp, copy_record};

/// The plan's and the lines' summaries.
pub(super) const SUMMARIES: &str =
    "{ plan { progressSummary { actions notReported meanPercentComplete
    byStatus { status count } indicatorsByStatus { status count } }
  strategicLines { code progressSummary { actions notReported meanPercentComplete
    byStatus { status count } indicatorsByStatus { status count } } } } }";

/// The indicators page with each one's standing.
pub(super) const INDICATORS: &str =
    "{ indicators(first: 20) { nodes { code status latestValue { year value } } } }";

/// The annual report of a year, assembled (nothing published for the year).
pub(super) const ANNUAL_REPORT: &str = "{ annualReport(year: 2024) { year
  strategicLines { code actions { code status percentComplete } activities { title }
    fundedProjects { title } indicators { code value status } }
  municipalities { ineCode activities fundedProjects } } }";

/// Runs `query` anonymously (the response cache is off) and returns its data and the rows of
/// monitoring data (`monitoring_record`, `record_link`) its statements return when replayed.
pub(super) async fn rows_read(app: &TestApp, query: &str) -> (Value, usize) {
    app.state.statements.record();
    let reply = app.post(query, json!({}), &[]).await;
    let statements = app.state.statements.recorded();
    assert!(reply.body.get("errors").is_none(), "{}", reply.text);
    let mut rows = 0;
    for s in statements {
        let sql = s.sql.to_ascii_lowercase();
        // Only reads of monitoring data: the background readers' polls (the content
        // generation, the change feed) share the connection and are not the request's.
        if sql.trim_start().starts_with("select")
            && (sql.contains("monitoring_record") || sql.contains("record_link"))
        {
            rows += app.state.db.query_all_raw(s).await.expect("replay").len();
        }
    }
    (reply.body["data"].clone(), rows)
}

/// Copies every published progress update and measurement `times - 1` times, with its links:
/// the same standing, `times` × the records behind it. Returns how many there are now.
async fn multiply_published(app: &TestApp, times: usize) -> usize {
    let db = &app.state.db;
    let records = monitoring_record::Entity::find()
        .filter(monitoring_record::Column::State.eq("PUBLISHED"))
        .filter(monitoring_record::Column::RecordType.is_in(["PROGRESS_UPDATE", "MEASUREMENT"]))
        .all(db)
        .await
        .expect("records");
    for _ in 1..times {
        for r in &records {
            copy_record(db, r, r.code.clone()).await;
        }
    }
    records.len() * times
}

#[tokio::test]
async fn summaries_the_indicators_page_and_the_annual_report_read_the_same_rows_with_ten_times_the_records()
 {
    // The copies are made behind the API's back: the response cache is off so that the second
    // read really reads.
    let app = TestApp::with(|c| c.response_cache_bytes = 0).await;
    plan_api::demo::load(&app.state.db)
        .await
        .expect("synthetic demo data");
    let mut before = Vec::new();
    for query in [SUMMARIES, INDICATORS, ANNUAL_REPORT] {
        before.push(rows_read(&app, query).await);
    }
    let n = multiply_published(&app, 1).await;
    assert!(
        n >= 10,
        "the synthetic data publishes updates and measurements: {n}"
    );
    let total = multiply_published(&app, 10).await;
    for (query, (data, rows)) in [SUMMARIES, INDICATORS, ANNUAL_REPORT]
        .into_iter()
        .zip(before)
    {
        let (data_after, rows_after) = rows_read(&app, query).await;
        eprintln!("{rows} rows read with {n} published records, {rows_after} with {total}");
        // The copies change no standing: the answer is the same, from the same rows.
        assert_eq!(data_after, data, "{query}");
        assert!(rows > 0, "{query} reads monitoring data");
        assert_eq!(
            rows_after, rows,
            "{query}: {rows} rows read with {n} published updates and measurements, \
             {rows_after} with {total}"
        );
    }
}

#[tokio::test]
async fn a_download_reads_each_record_once_a_page_after_the_last() {
    let app = TestApp::with(|c| c.response_cache_bytes = 0).await;
    plan_api::demo::load(&app.state.db)
        .await
        .expect("synthetic demo data");
    // More than two pages (200 records each) of published progress updates.
    multiply_published(&app, 60).await;
    let published = app
        .data("{ progressUpdates(first: 1) { totalCount } }")
        .await["progressUpdates"]["totalCount"]
        .as_u64()
        .expect("a total");
    assert!(published > 400, "{published} published progress updates");
    app.state.statements.record();
    let csv = app
        .get("/exports/AMB-PI-2021-2025/progress-updates.csv?lang=en")
        .await;
    let statements = app.state.statements.recorded();
    assert_eq!(csv.status, 200, "{}", csv.text);
    let mut lines = csv.text.lines();
    let header = lines.next().expect("a header").to_owned();
    let ids: std::collections::HashSet<&str> =
        lines.map(|l| l.split(',').next().expect("an id")).collect();
    assert!(header.starts_with("id,"), "{header}");
    assert_eq!(ids.len() as u64, published, "every record once");
    let pages: Vec<String> = statements
        .iter()
        .map(|s| s.sql.to_ascii_lowercase())
        .filter(|sql| sql.starts_with("select") && sql.contains("from \"monitoring_record\""))
        .collect();
    assert_eq!(pages.len() as u64, published / 200 + 1, "{pages:#?}");
    for sql in &pages {
        assert!(!sql.contains("offset"), "no page skips rows: {sql}");
    }
    assert!(
        pages[1..]
            .iter()
            .all(|sql| sql.contains("\"monitoring_record\".\"id\" >"))
    );
}

#[tokio::test]
async fn sqlite_keeps_its_memory_under_the_soft_heap_limit() {
    if TestApp::on_postgres() {
        return;
    }
    let app = TestApp::new().await;
    let row = app
        .state
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.state.db.get_database_backend(),
            "PRAGMA soft_heap_limit",
        ))
        .await
        .expect("pragma")
        .expect("a row");
    let limit: i64 = row.try_get_by_index(0).expect("a number");
    assert_eq!(limit as u64, plan_api::db::SQLITE_SOFT_HEAP_LIMIT);
    assert_eq!(limit, 32 * 1024 * 1024);
}
