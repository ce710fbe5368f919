//! Open data downloads, the DCAT-AP catalogue and the annual report page: every CSV parses
//! with the `csv` crate and has as many rows as the GraphQL API counts for an anonymous
//! caller; amounts are exact; drafts never appear; responses are cacheable with a validator.

mod catalogue;
mod compressed;
mod cut_short;
mod datapackage;
mod downloads;
mod report_page;
mod validators;

use std::collections::{BTreeSet, HashMap};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::common::{Reply, TestApp, token};

const PLAN: &str = "AMB-PI-2021-2025";

/// Every download of the plan that does not depend on a year.
const FIXED: [&str; 10] = [
    "actions",
    "organizations",
    "municipalities",
    "expected-results",
    "progress-updates",
    "activities",
    "funded-projects",
    "indicators",
    "measurements",
    "evaluations",
];

/// A marker only the draft carries: it must appear in no download.
const DRAFT_MARK: &str = "Esborrany-que-no-es-publica-7f3a";

async fn gql(app: &TestApp, who: Option<&str>, query: &str, vars: Value) -> Value {
    let auth = who.map(|role| match role {
        "area" => format!("Bearer {}", token("area", Some("AMB-SRI"), None)),
        r => format!("Bearer {}", token(r, None, None)),
    });
    let mut headers = Vec::new();
    if let Some(a) = &auth {
        headers.push(("authorization", a.as_str()));
    }
    let reply = app.post(query, vars, &headers).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.get("errors").is_none(), "{}", reply.body);
    reply.body["data"].clone()
}

/// Creates a record as the International Relations Service; `publish` has it submitted and
/// published by a coordinator, else it stays a draft.
async fn create(app: &TestApp, kind: &str, input: Value, publish: bool) -> String {
    let doc = format!(
        "mutation($input: {kind}Input!, $key: String!) {{
            r: create{kind}(input: $input, idempotencyKey: $key, submit: {publish}) {{ id version state }} }}"
    );
    let key = format!(
        "exports-{kind}-{publish}-{}",
        input["startDate"].as_str().unwrap_or("x")
    );
    let r = gql(
        app,
        Some("area"),
        &doc,
        json!({ "input": input, "key": key }),
    )
    .await["r"]
        .clone();
    let id = r["id"].as_str().expect("id").to_owned();
    if publish {
        let doc = "mutation($id: ID!, $v: Int!) { r: publishRecord(id: $id, expectedVersion: $v) { state } }";
        let done = gql(
            app,
            Some("admin"),
            doc,
            json!({ "id": id, "v": r["version"] }),
        )
        .await;
        assert_eq!(done["r"]["state"], "PUBLISHED");
    } else {
        assert_eq!(r["state"], "DRAFT");
    }
    id
}

/// Demo data (published records and drafts, flagged synthetic) plus, through the GraphQL
/// mutations, a published funded project with awkward exact amounts and draft records.
async fn app_with_records() -> TestApp {
    let app = TestApp::new().await;
    plan_api::demo::load(&app.state.db)
        .await
        .expect("demo data");
    let project = |title: &str, total: &str, grant: &str, start: &str| {
        json!({
            "title": { "es": title, "ca": title }, "programme": "INTERREG", "role": "PARTNER",
            "totalBudget": total, "grantAmount": grant, "startDate": start,
            "endDate": "2025-06-30", "status": "IN_EXECUTION", "actions": ["LE1.1"],
        })
    };
    create(
        &app,
        "FundedProject",
        project("Projecte exacte", "1234567.89", "987654.01", "2024-02-01"),
        true,
    )
    .await;
    create(
        &app,
        "FundedProject",
        project(DRAFT_MARK, "5.55", "1.11", "2024-03-01"),
        false,
    )
    .await;
    let activity = json!({
        "kind": "FORUM", "title": { "ca": DRAFT_MARK }, "summary": { "ca": DRAFT_MARK },
        "startDate": "2024-05-05", "actions": ["LE1.1"],
    });
    create(&app, "Activity", activity, false).await;
    app
}

async fn get(app: &TestApp, uri: &str, headers: &[(&str, &str)]) -> Reply {
    let mut b = Request::get(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    app.send(b.body(Body::empty()).expect("request")).await
}

/// Parses a CSV download with the `csv` crate: its header and records.
fn parse_csv(text: &str) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.expect("an RFC 4180 record");
            assert_eq!(r.len(), header.len(), "every row has every column");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect();
    (header, rows)
}

/// What the GraphQL API counts, for an anonymous caller, of each download.
async fn graphql_counts(app: &TestApp) -> HashMap<&'static str, usize> {
    let d = gql(
        app,
        None,
        "{ actions(first: 1) { totalCount } organizations(first: 1) { totalCount }
           municipalities { ineCode }
           plan { strategicLines { expectedResults { code } } }
           progressUpdates(first: 1) { totalCount } activities(first: 1) { totalCount }
           fundedProjects(first: 1) { totalCount } evaluations(first: 1) { totalCount }
           indicators(first: 100) { totalCount nodes { measurements { id } } } }",
        json!({}),
    )
    .await;
    let n = |v: &Value| v.as_u64().expect("a count") as usize;
    let len = |v: &Value| v.as_array().expect("a list").len();
    HashMap::from([
        ("actions", n(&d["actions"]["totalCount"])),
        ("organizations", n(&d["organizations"]["totalCount"])),
        ("municipalities", len(&d["municipalities"])),
        (
            "expected-results",
            d["plan"]["strategicLines"]
                .as_array()
                .expect("lines")
                .iter()
                .map(|l| len(&l["expectedResults"]))
                .sum(),
        ),
        ("progress-updates", n(&d["progressUpdates"]["totalCount"])),
        ("activities", n(&d["activities"]["totalCount"])),
        ("funded-projects", n(&d["fundedProjects"]["totalCount"])),
        ("evaluations", n(&d["evaluations"]["totalCount"])),
        ("indicators", n(&d["indicators"]["totalCount"])),
        (
            "measurements",
            d["indicators"]["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .map(|i| len(&i["measurements"]))
                .sum(),
        ),
    ])
}

async fn d_actions(app: &TestApp) -> usize {
    gql(app, None, "{ actions(first: 1) { totalCount } }", json!({})).await["actions"]["totalCount"]
        .as_u64()
        .expect("count") as usize
}

async fn send(app: &TestApp, method: &str, uri: &str, headers: &[(&str, &str)]) -> Reply {
    let mut b = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    app.send(b.body(Body::empty()).expect("request")).await
}

fn header<'a>(r: &'a Reply, name: &str) -> &'a str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}
