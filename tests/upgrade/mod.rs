//! Upgrading a database the previous release left, with data in it: that release's own
//! migrations and rows as its code wrote them ([`previous_release`]), then every later
//! migration and today's seed exactly as `plan-api serve` runs them; then everything must read
//! back through the API as it was written: records of each kind in every state, their links,
//! review comments, the audit trail, the change feed for each kind of caller, reporting years,
//! a frozen annual report, and an idempotent retry of a request made before the upgrade. On
//! SQLite, and on PostgreSQL with `PLAN_API_TEST_DATABASE_URL`. All data is synthetic.

mod previous_release;
mod rows;
mod scenario;

use serde_json::{Value, json};

use crate::common::{HOSPITALET, SRI, TestApp, Who};
use rows::Event;
use scenario::Written;

/// `changes` as `who` sees it: `(type, nodeId)` in feed order.
async fn feed(app: &TestApp, who: Who) -> Vec<(String, String)> {
    let d = app
        .data_as(
            who,
            "{ changes(first: 100) { edges { node { type nodeId } } pageInfo { hasNextPage } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["changes"]["pageInfo"]["hasNextPage"], false);
    d["changes"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            let n = &e["node"];
            let id = n["nodeId"].as_str().expect("a node id").to_owned();
            (n["type"].as_str().expect("a type").to_owned(), id)
        })
        .collect()
}

/// The events of `written` that `sees` lets a caller see, as the feed gives them.
fn expected(written: &[Event], sees: impl Fn(&Event) -> bool) -> Vec<(String, String)> {
    written
        .iter()
        .filter(|e| sees(e))
        .map(|e| (e.event_type.to_owned(), e.node_id.clone()))
        .collect()
}

/// The records of one list as `who` sees them, by global ID: `(state, version)`.
async fn listed(app: &TestApp, who: Who, list: &str) -> Vec<(String, String, Option<i64>)> {
    let query = format!("{{ {list}(first: 100) {{ nodes {{ id state version }} }} }}");
    let d = app.data_as(who, &query, json!({})).await;
    let mut rows: Vec<(String, String, Option<i64>)> = d[list]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| {
            let id = n["id"].as_str().expect("id").to_owned();
            let state = n["state"].as_str().expect("state").to_owned();
            (id, state, n["version"].as_i64())
        })
        .collect();
    rows.sort();
    rows
}

#[tokio::test]
async fn a_database_of_the_previous_release_upgrades_with_all_its_data() {
    let mut written: Option<Written> = None;
    let app = TestApp::upgraded(async |db| written = Some(scenario::write(db).await)).await;
    let w = written.expect("the previous release's data");
    assert_eq!(
        (w.events.len(), w.audit.len()),
        (16, 17),
        "the scenario as written"
    );

    // Every record, for a coordinator: its ID, state and version as written.
    for (list, kind) in [
        ("progressUpdates", "PROGRESS_UPDATE"),
        ("activities", "ACTIVITY"),
        ("fundedProjects", "FUNDED_PROJECT"),
        ("indicators", "INDICATOR"),
        ("evaluations", "EVALUATION"),
    ] {
        let mut want: Vec<(String, String, Option<i64>)> = w
            .records()
            .filter(|r| r.record_type == kind)
            .map(|r| (r.node_id(), r.state.to_owned(), Some(i64::from(r.version))))
            .collect();
        want.sort();
        assert_eq!(listed(&app, Who::Admin, list).await, want, "{list}");
    }
    // Anonymous callers: the published ones only (the project was archived, the activity
    // returned, the drafts are drafts).
    let d = app
        .data_as(
            Who::Anonymous,
            "{ progressUpdates(first: 10, filter: { strategicLine: \"LE1\" }) { totalCount
                 nodes { id year status percentComplete narrative(lang: ES) evidenceLinks
                         milestones { date text(lang: ES) } action { code } } }
               activities(first: 10) { totalCount } fundedProjects(first: 10) { totalCount }
               evaluations(first: 10) { totalCount }
               indicators(first: 10) { nodes { id code status
                 measurements { id year value } } } }",
            json!({}),
        )
        .await;
    let (p0, p1) = (&w.p0, &w.p1);
    // Counted from the links' copies of their records' columns, which the upgrade filled.
    assert_eq!(d["progressUpdates"]["totalCount"], 2);
    assert_eq!(
        d["progressUpdates"]["nodes"],
        json!([
            { "id": p1.node_id(), "year": 2023, "status": "IN_PROGRESS", "percentComplete": 60,
              "narrative": p1.payload["narrative"]["es"], "evidenceLinks": p1.payload["evidence_links"],
              "milestones": [{ "date": "2023-06-30", "text": p1.payload["milestones"][0]["text"]["es"] }],
              "action": { "code": "LE1.1" } },
            { "id": p0.node_id(), "year": 2022, "status": "IN_PROGRESS", "percentComplete": 40,
              "narrative": p0.payload["narrative"]["es"], "evidenceLinks": [], "milestones": [],
              "action": { "code": "LE1.1" } },
        ])
    );
    for list in ["activities", "fundedProjects", "evaluations"] {
        assert_eq!(d[list]["totalCount"], 0, "{list}");
    }
    assert_eq!(
        d["indicators"]["nodes"],
        json!([{ "id": w.i1.node_id(), "code": "SYN-LE2-1", "status": "OFF_TRACK",
                 "measurements": [{ "id": w.m1.node_id(), "year": 2023, "value": "55.5" }] }])
    );
    // Links still answer filters; owners still see their own unpublished records, with the
    // review comment.
    let d = app
        .data_as(
            HOSPITALET,
            "{ activities(first: 10, filter: { action: \"LE1.2\", municipality: \"08101\" }) {
                 nodes { id state kind title(lang: CA) reviewComment(lang: CA)
                         municipalities { ineCode } } } }",
            json!({}),
        )
        .await;
    let a1 = &w.a1;
    assert_eq!(
        d["activities"]["nodes"],
        json!([{ "id": a1.node_id(), "state": "RETURNED", "kind": "FORUM",
                 "title": a1.payload["title"]["ca"], "reviewComment": w.a1_comment["ca"],
                 "municipalities": [{ "ineCode": "08101" }] }])
    );
    let d = app
        .data_as(
            Who::Admin,
            "query($id: ID!) { node(id: $id) { ... on FundedProject { state totalBudget
                 grantAmount programme municipalities { ineCode } actions { code } } } }",
            json!({ "id": w.f1.node_id() }),
        )
        .await;
    assert_eq!(
        d["node"],
        json!({ "state": "ARCHIVED", "totalBudget": "1234567.89", "grantAmount": "987654.01",
                "programme": "INTERREG", "municipalities": [{ "ineCode": "08101" }],
                "actions": [{ "code": "LE2.2" }] })
    );

    // The audit trail, newest first, every entry as written.
    let d = app
        .data_as(
            Who::Admin,
            "{ auditLog(first: 100) { totalCount nodes { operation recordType recordId } } }",
            json!({}),
        )
        .await;
    let mut audit: Vec<Value> = w.audit.clone();
    audit.reverse();
    assert_eq!(d["auditLog"]["totalCount"], audit.len());
    assert_eq!(d["auditLog"]["nodes"], json!(audit));

    // The change feed, in order, for each kind of caller.
    let events = &w.events;
    assert_eq!(
        feed(&app, Who::Anonymous).await,
        expected(events, |e| e.public)
    );
    assert_eq!(feed(&app, Who::Admin).await, expected(events, |_| true));
    assert_eq!(
        feed(&app, SRI).await,
        expected(events, |e| e.public || e.owner.0 == Some("AMB-SRI"))
    );
    assert_eq!(
        feed(&app, HOSPITALET).await,
        expected(events, |e| e.public || e.owner.1 == Some("08101"))
    );

    // Reporting years, and the report frozen by that release, read by today's code.
    let d = app
        .data_as(
            Who::Anonymous,
            "{ reportingYears { year closed version }
               annualReport(year: 2022) { published year
                 strategicLines { code actions { code status percentComplete }
                   fundedProjects { title(lang: ES) totalBudget status }
                   indicators { code status value } }
                 municipalities { ineCode name fundedProjects activities } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        d["reportingYears"],
        json!([
            { "year": 2021, "closed": true, "version": 2 },
            { "year": 2022, "closed": false, "version": 1 },
            { "year": 2023, "closed": false, "version": 1 },
            { "year": 2024, "closed": false, "version": 1 },
            { "year": 2025, "closed": false, "version": 1 },
        ])
    );
    let report = &d["annualReport"];
    assert_eq!(report["published"], true);
    let lines = report["strategicLines"].as_array().expect("lines");
    assert_eq!(lines.len(), w.line_count);
    assert_eq!(
        lines[0]["actions"][0],
        json!({ "code": "LE1.1", "status": "IN_PROGRESS", "percentComplete": 40 })
    );
    assert_eq!(
        lines[1]["fundedProjects"],
        json!([{ "title": w.f1.payload["title"]["es"], "totalBudget": "1234567.89",
                 "status": "IN_EXECUTION" }])
    );
    assert_eq!(
        lines[1]["indicators"],
        json!([{ "code": "SYN-LE2-1", "status": "NO_DATA", "value": null }])
    );
    assert_eq!(
        report["municipalities"],
        json!([{ "ineCode": "08101", "name": "L'Hospitalet de Llobregat",
                 "fundedProjects": 1, "activities": 0 }])
    );

    // The downloads: published records by their public IDs, and a `Last-Modified`, which
    // reads the generation's `changed_at` that a later migration added and filled.
    let csv = app
        .get(&format!(
            "/exports/{}/progress-updates.csv",
            previous_release::PLAN
        ))
        .await;
    assert_eq!(csv.status, axum::http::StatusCode::OK, "{}", csv.text);
    assert!(!csv.header("last-modified").is_empty(), "Last-Modified");
    let ids: Vec<&str> = csv
        .text
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    assert_eq!(ids, [p0.public_id.as_str(), p1.public_id.as_str()]);

    // A retry, after the upgrade, of a create sent before it answers with the same record.
    let d = app
        .data_as(SRI, scenario::CREATE_P1, scenario::p1_request())
        .await;
    assert_eq!(d["r"], json!({ "id": p1.node_id(), "state": "PUBLISHED" }));

    // Writing goes on where the release stopped: a new publication follows its events.
    let d = app.data_as(SRI, scenario::CREATE_NEW, json!({})).await;
    let id = d["r"]["id"].as_str().expect("id").to_owned();
    let d = app
        .data_as(
            Who::Admin,
            crate::common::PUBLISH,
            json!({ "id": id, "v": 1 }),
        )
        .await;
    assert_eq!(d["r"]["state"], "PUBLISHED");
    let mut public = expected(events, |e| e.public);
    public.push(("RECORD_PUBLISHED".to_owned(), id));
    assert_eq!(feed(&app, Who::Anonymous).await, public);
    let d = app
        .data_as(Who::Admin, "{ webhookEndpoints { totalCount } }", json!({}))
        .await;
    assert_eq!(
        d["webhookEndpoints"]["totalCount"], 0,
        "the webhook tables, empty"
    );
}
