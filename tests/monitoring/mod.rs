//! Monitoring and evaluation through the API: every mutation's happy path, validation, the
//! role × operation matrix, optimistic concurrency, idempotent creation, visibility of
//! unpublished records, the audit trail, closed reporting years, roll-ups, indicator status,
//! filters, languages, and the frozen annual report.
//!
//! One file per area; this one holds what they share of monitoring: the record kinds and their
//! documents, inputs, and the checks that a refused write changed nothing. Who calls and how
//! (`Who`, `TestApp::data_as`, `Reply::field_errors`) is the common harness's.

mod audit;
mod audit_reads;
mod concurrency;
mod filters;
mod languages;
mod progress;
mod records;
mod report;
mod review;
mod roles;
mod validation;
mod visibility;
mod years;

use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::{Value, json};

use crate::common::{
    ADE, AIC, ARCHIVE, BARCELONA, HOSPITALET, PUBLISH, RETURN, Reply, SRI, SUBMIT, TestApp, Who,
    bearer_with_subject,
};

use Who::{Admin, Anonymous, Reader};

/// Everything a write could change, as a coordinator sees it: every record with its version
/// and state, the reporting years, and the number of audit entries.
async fn world(app: &TestApp) -> Value {
    const WORLD: &str = "{
        progressUpdates(first: 50) { totalCount nodes { id version state } }
        activities(first: 50) { totalCount nodes { id version state } }
        fundedProjects(first: 50) { totalCount nodes { id version state } }
        evaluations(first: 50) { totalCount nodes { id version state } }
        indicators(first: 50) { totalCount nodes { id version state
            measurements { id version state } } }
        reportingYears { year closed version }
        auditLog(first: 1) { totalCount }
    }";
    app.data_as(Admin, WORLD, json!({})).await
}

/// Sends a write that must fail with `code`, and checks that it changed nothing.
async fn refused(app: &TestApp, who: Who, query: &str, vars: Value, code: &str) -> Reply {
    refused_in(app, &format!("{who:?}"), who, query, vars, code).await
}

/// [`refused`], with `case` (which case of a table, and who) in every failure message.
async fn refused_in(
    app: &TestApp,
    case: &str,
    who: Who,
    query: &str,
    vars: Value,
    code: &str,
) -> Reply {
    let before = world(app).await;
    let reply = app.post_as(who, query, vars).await;
    assert_eq!(reply.error_code(), Some(code), "{case}: {}", reply.body);
    assert!(reply.body["data"].is_null(), "{case}: {}", reply.body);
    assert_eq!(
        world(app).await,
        before,
        "{case}: a refused write changed something"
    );
    reply
}

/// Sends a write that must fail validation with exactly `problems` (`(path, message)`, in
/// order), and checks that it changed nothing; `case` names it in every failure message.
async fn invalid(
    app: &TestApp,
    case: &str,
    who: Who,
    query: &str,
    vars: Value,
    problems: &[(&str, &str)],
) -> Reply {
    let reply = refused_in(app, case, who, query, vars, "BAD_USER_INPUT").await;
    let ext = &reply.body["errors"][0]["extensions"];
    assert_eq!(ext["field"], problems[0].0, "{case}: {}", reply.body);
    let got: Vec<(String, String)> = (0..reply.field_errors().len())
        .map(|i| {
            (
                reply.field_errors()[i].clone(),
                reply.field_message(i).to_owned(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = problems
        .iter()
        .map(|(path, message)| (path.to_string(), message.to_string()))
        .collect();
    assert_eq!(got, want, "{case}: {}", reply.body);
    let listed: Vec<String> = problems.iter().map(|(p, m)| format!("{p}: {m}")).collect();
    assert_eq!(
        reply.error_message(),
        format!("invalid input: {}", listed.join("; ")),
        "{case}"
    );
    reply
}

/// How a role's attempt must end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Allowed,
    Forbidden,
    /// The caller cannot see the record: it does not exist for it.
    NotFound,
}

use Outcome::{Allowed, Forbidden, NotFound};

/// Sends a write as `who` and checks it ends as `outcome` (changing nothing unless allowed);
/// `case` (which case of a table, and who) names it in every failure message.
async fn attempt_in(
    app: &TestApp,
    case: &str,
    who: Who,
    query: &str,
    vars: Value,
    outcome: Outcome,
) -> Value {
    match outcome {
        Allowed => app.post_as(who, query, vars).await.expect_data(case),
        Forbidden => {
            refused_in(app, case, who, query, vars, "FORBIDDEN")
                .await
                .body
        }
        NotFound => {
            refused_in(app, case, who, query, vars, "NOT_FOUND")
                .await
                .body
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

/// The kinds of monitoring record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Progress,
    Activity,
    Project,
    Indicator,
    Measurement,
    Evaluation,
}

/// What every mutation returns of a record.
const RECORD: &str = "id state version year languages";

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Progress => "ProgressUpdate",
            Kind::Activity => "Activity",
            Kind::Project => "FundedProject",
            Kind::Indicator => "Indicator",
            Kind::Measurement => "Measurement",
            Kind::Evaluation => "Evaluation",
        }
    }

    fn create_doc(self) -> String {
        let n = self.name();
        format!(
            "mutation($input: {n}Input!, $key: String!, $submit: Boolean!) {{
                r: create{n}(input: $input, idempotencyKey: $key, submit: $submit) {{ {RECORD} }} }}"
        )
    }

    fn update_doc(self) -> String {
        let n = self.name();
        format!(
            "mutation($id: ID!, $v: Int!, $input: {n}Input!) {{
                r: update{n}(id: $id, expectedVersion: $v, input: $input) {{ {RECORD} }} }}"
        )
    }
}

/// A record as the client tracks it: its ID and the version it last read.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Rec {
    id: String,
    version: i64,
}

impl Rec {
    fn of(v: &Value) -> Rec {
        Rec {
            id: v["id"].as_str().expect("an id").to_owned(),
            version: v["version"].as_i64().expect("a version"),
        }
    }
}

/// A fresh idempotency key.
fn key() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!("key-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn create_vars(input: &Value, submit: bool) -> Value {
    json!({ "input": input, "key": key(), "submit": submit })
}

fn update_vars(rec: &Rec, input: &Value) -> Value {
    json!({ "id": rec.id, "v": rec.version, "input": input })
}

fn rec_vars(rec: &Rec) -> Value {
    json!({ "id": rec.id, "v": rec.version })
}

/// Creates a DRAFT record as `who`: what the mutation returns of it (`RECORD`).
async fn created(app: &TestApp, who: Who, kind: Kind, input: &Value) -> Value {
    let data = app
        .data_as(who, &kind.create_doc(), create_vars(input, false))
        .await;
    assert_eq!(data["r"]["state"], "DRAFT");
    data["r"].clone()
}

/// Creates a DRAFT record as `who`.
async fn create(app: &TestApp, who: Who, kind: Kind, input: Value) -> Rec {
    Rec::of(&created(app, who, kind, &input).await)
}

/// Creates a SUBMITTED record as `who`.
async fn create_submitted(app: &TestApp, who: Who, kind: Kind, input: Value) -> Rec {
    let data = app
        .data_as(who, &kind.create_doc(), create_vars(&input, true))
        .await;
    assert_eq!(data["r"]["state"], "SUBMITTED");
    Rec::of(&data["r"])
}

/// Creates a record as `who` and has a coordinator publish it.
async fn create_published(app: &TestApp, who: Who, kind: Kind, input: Value) -> Rec {
    let rec = create(app, who, kind, input).await;
    publish(app, &rec).await
}

/// Changes a record as `who`.
async fn update(app: &TestApp, who: Who, kind: Kind, rec: &Rec, input: Value) -> Rec {
    let data = app
        .data_as(who, &kind.update_doc(), update_vars(rec, &input))
        .await;
    Rec::of(&data["r"])
}

/// A review step (`SUBMIT`, `PUBLISH`, `ARCHIVE`) as `who`.
async fn step(app: &TestApp, who: Who, doc: &str, rec: &Rec) -> Rec {
    let data = app.data_as(who, doc, rec_vars(rec)).await;
    Rec::of(&data["r"])
}

/// Publishes `rec` as a coordinator, submitting it first when it is not yet SUBMITTED (only
/// submitted records are published).
async fn publish(app: &TestApp, rec: &Rec) -> Rec {
    let state =
        node(app, Admin, &rec.id, "... on MonitoringRecord { state }").await["state"].clone();
    let rec = if state == "SUBMITTED" {
        rec.clone()
    } else {
        step(app, Admin, SUBMIT, rec).await
    };
    step(app, Admin, PUBLISH, &rec).await
}

async fn return_with(app: &TestApp, rec: &Rec, comment: &str) -> Rec {
    let vars = json!({ "id": rec.id, "v": rec.version, "comment": { "en": comment } });
    let data = app.data_as(Admin, RETURN, vars).await;
    Rec::of(&data["r"])
}

/// A record by ID as `who` sees it (`null` when it may not).
async fn node(app: &TestApp, who: Who, id: &str, fields: &str) -> Value {
    let query = format!("query($id: ID!) {{ node(id: $id) {{ id {fields} }} }}");
    app.data_as(who, &query, json!({ "id": id })).await["node"].clone()
}

/// The IDs of a list field's nodes (checking `totalCount` agrees).
async fn list(app: &TestApp, who: Who, field: &str, filter: Value) -> Vec<String> {
    let query = format!(
        "query($f: MonitoringFilter) {{ l: {field}(first: 50, filter: $f) {{ totalCount nodes {{ id }} }} }}"
    );
    let data = app.data_as(who, &query, json!({ "f": filter })).await;
    let ids = ids(&data["l"]["nodes"]);
    assert_eq!(data["l"]["totalCount"], ids.len(), "{who:?} {field}");
    ids
}

fn ids(nodes: &Value) -> Vec<String> {
    nodes
        .as_array()
        .expect("a list")
        .iter()
        .map(|n| n["id"].as_str().expect("an id").to_owned())
        .collect()
}

fn id_list(recs: &[&Rec]) -> Vec<String> {
    recs.iter().map(|r| r.id.clone()).collect()
}

/// Some records.
type Recs<'a> = &'a [&'a Rec];

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

fn progress(action: &str, year: i32, status: &str, percent: i32) -> Value {
    json!({
        "action": action, "year": year, "status": status, "percentComplete": percent,
        "narrative": { "es": format!("Avance de {action} en {year}: {percent} %") },
    })
}

fn activity(kind: &str, start: &str, actions: &[&str]) -> Value {
    json!({
        "kind": kind, "title": { "es": format!("{kind} {start}") }, "startDate": start,
        "actions": actions,
    })
}

fn project(start: &str, end: Option<&str>, total: &str, grant: &str) -> Value {
    json!({
        "title": { "es": format!("Proyecto {start}") }, "programme": "INTERREG",
        "role": "PARTNER", "totalBudget": total, "grantAmount": grant, "startDate": start,
        "endDate": end, "status": "IN_EXECUTION", "actions": ["LE2.1"],
    })
}

fn indicator(code: &str, action: Option<&str>, result: Option<&str>) -> Value {
    json!({
        "code": code, "name": { "es": format!("Indicador {code}") }, "unit": "projects",
        "action": action, "expectedResult": result, "baselineValue": "10",
        "baselineYear": 2021, "targetValue": "20", "targetYear": 2025, "direction": "INCREASE",
    })
}

fn measurement(indicator: &Rec, year: i32, value: &str) -> Value {
    json!({
        "indicator": indicator.id, "year": year, "value": value,
        "source": "Registre de projectes de l'AMB",
    })
}

fn evaluation(kind: &str) -> Value {
    json!({ "kind": kind, "status": "PLANNED" })
}

/// A published indicator of LE1.1 (the International Relations Service's).
async fn le11_indicator(app: &TestApp, code: &str) -> Rec {
    create_published(
        app,
        Admin,
        Kind::Indicator,
        indicator(code, Some("LE1.1"), None),
    )
    .await
}

/// How far through review a new record is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Draft,
    Submitted,
    /// Created, then submitted and published by a coordinator.
    Published,
}

use Stage::{Draft, Published, Submitted};

/// A progress update of `action` for `year`, reported by `who` and taken to `stage`.
async fn progress_update(
    app: &TestApp,
    who: Who,
    stage: Stage,
    action: &str,
    year: i32,
    status: &str,
    percent: i32,
) -> Rec {
    let input = progress(action, year, status, percent);
    match stage {
        Draft => create(app, who, Kind::Progress, input).await,
        Submitted => create_submitted(app, who, Kind::Progress, input).await,
        Published => create_published(app, who, Kind::Progress, input).await,
    }
}

fn text_of(n: usize) -> String {
    "a".repeat(n)
}

// ---------------------------------------------------------------------------------------------
// Shared queries
// ---------------------------------------------------------------------------------------------

const PROGRESS_FIELDS: &str = "... on ProgressUpdate { state version year status percentComplete
    narrative(lang: EN) es: narrative(lang: ES) milestones { date text(lang: ES) } evidenceLinks
    action { code } languages reviewComment(lang: EN) publishedAt synthetic
    reportedBy { role subject unit { code } municipality { ineCode } } }";

const REPORT: &str = "year planCode published publishedAt
    strategicLines { code actions { code status percentComplete narrative }
        activities { title } fundedProjects { title grantAmount } indicators { code value status } }
    activities { kind title startDate endDate place municipalities synthetic }
    fundedProjects { title programme role totalBudget grantAmount status continuedAfterFunding municipalities }
    municipalities { ineCode name activities fundedProjects }";

async fn annual_report(app: &TestApp, who: Who, year: i32) -> Value {
    let query = format!("query($y: Int!) {{ annualReport(year: $y) {{ {REPORT} }} }}");
    app.data_as(who, &query, json!({ "y": year })).await["annualReport"].clone()
}
