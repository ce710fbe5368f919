//! Monitoring and evaluation through the API: every mutation's happy path, validation, the
//! role × operation matrix, optimistic concurrency, idempotent creation, visibility of
//! unpublished records, the audit trail, closed reporting years, roll-ups, indicator status,
//! filters, languages, and the frozen annual report.

use std::sync::atomic::{AtomicU32, Ordering};

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::common::{Reply, TEST_SECRET, TestApp, claims, hs256, token};

// ---------------------------------------------------------------------------------------------
// Who calls
// ---------------------------------------------------------------------------------------------

/// The caller of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    Reader,
    Area(&'static str),
    Municipality(&'static str),
    Admin,
}

use Who::{Admin, Anonymous, Reader};

/// The International Relations Service: responsible for LE1.1-LE1.4 (and more of LE1-LE3).
const SRI: Who = Who::Area("AMB-SRI");
/// The area containing the International Relations and International Cooperation services.
const AIC: Who = Who::Area("AMB-AIC");
/// The Economic Development Agency: responsible for LE4.1-LE4.5.
const ADE: Who = Who::Area("AMB-ADE");
/// L'Hospitalet de Llobregat.
const HOSPITALET: Who = Who::Municipality("08101");
/// Barcelona.
const BARCELONA: Who = Who::Municipality("08019");

impl Who {
    fn authorization(self) -> Option<String> {
        let jwt = match self {
            Anonymous => return None,
            Reader => token("reader", None, None),
            Who::Area(unit) => token("area", Some(unit), None),
            Who::Municipality(ine) => token("municipality", None, Some(ine)),
            Admin => token("admin", None, None),
        };
        Some(format!("Bearer {jwt}"))
    }
}

/// Sends `query` as `who`.
async fn gql(app: &TestApp, who: Who, query: &str, vars: Value) -> Reply {
    gql_with(app, who, query, vars, &[]).await
}

/// Sends `query` as `who`, with extra headers.
async fn gql_with(
    app: &TestApp,
    who: Who,
    query: &str,
    vars: Value,
    extra: &[(&str, &str)],
) -> Reply {
    let authorization = who.authorization();
    let mut headers: Vec<(&str, &str)> = extra.to_vec();
    if let Some(a) = &authorization {
        headers.push(("authorization", a));
    }
    app.post(query, vars, &headers).await
}

/// Sends `query` as `who` and returns its `data`, failing on any error.
async fn ok(app: &TestApp, who: Who, query: &str, vars: Value) -> Value {
    let reply = gql(app, who, query, vars).await;
    assert_eq!(reply.status, StatusCode::OK, "{who:?}: {}", reply.body);
    assert!(
        reply.body.get("errors").is_none(),
        "{who:?}: unexpected errors: {}",
        reply.body["errors"]
    );
    reply.body["data"].clone()
}

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
    ok(app, Admin, WORLD, json!({})).await
}

/// Sends a write that must fail with `code`, and checks that it changed nothing.
async fn refused(app: &TestApp, who: Who, query: &str, vars: Value, code: &str) -> Reply {
    let before = world(app).await;
    let reply = gql(app, who, query, vars).await;
    assert_eq!(reply.error_code(), Some(code), "{who:?}: {}", reply.body);
    assert!(reply.body["data"].is_null(), "{who:?}: {}", reply.body);
    assert_eq!(
        world(app).await,
        before,
        "{who:?}: a refused write changed something"
    );
    reply
}

/// Sends a write that must fail validation with exactly `fields` (in order), and checks that
/// it changed nothing.
async fn invalid(app: &TestApp, who: Who, query: &str, vars: Value, fields: &[&str]) -> Reply {
    let reply = refused(app, who, query, vars, "BAD_USER_INPUT").await;
    let ext = &reply.body["errors"][0]["extensions"];
    assert_eq!(ext["field"], fields[0], "{}", reply.body);
    assert_eq!(field_errors(&reply), fields, "{}", reply.body);
    reply
}

/// The paths of `extensions.fieldErrors`.
fn field_errors(reply: &Reply) -> Vec<String> {
    reply.body["errors"][0]["extensions"]["fieldErrors"]
        .as_array()
        .unwrap_or_else(|| panic!("no fieldErrors: {}", reply.body))
        .iter()
        .map(|e| e["field"].as_str().expect("a field").to_owned())
        .collect()
}

/// The message of the field error at `i`.
fn field_message(reply: &Reply, i: usize) -> &str {
    reply.body["errors"][0]["extensions"]["fieldErrors"][i]["message"]
        .as_str()
        .unwrap_or_default()
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

/// Sends a write as `who` and checks it ends as `outcome` (changing nothing unless allowed).
async fn attempt(app: &TestApp, who: Who, query: &str, vars: Value, outcome: Outcome) -> Value {
    match outcome {
        Allowed => ok(app, who, query, vars).await,
        Forbidden => refused(app, who, query, vars, "FORBIDDEN").await.body,
        NotFound => refused(app, who, query, vars, "NOT_FOUND").await.body,
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

/// Creates a DRAFT record as `who`.
async fn create(app: &TestApp, who: Who, kind: Kind, input: Value) -> Rec {
    let data = ok(app, who, &kind.create_doc(), create_vars(&input, false)).await;
    assert_eq!(data["r"]["state"], "DRAFT");
    Rec::of(&data["r"])
}

/// Creates a SUBMITTED record as `who`.
async fn create_submitted(app: &TestApp, who: Who, kind: Kind, input: Value) -> Rec {
    let data = ok(app, who, &kind.create_doc(), create_vars(&input, true)).await;
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
    let data = ok(app, who, &kind.update_doc(), update_vars(rec, &input)).await;
    Rec::of(&data["r"])
}

const SUBMIT: &str = "mutation($id: ID!, $v: Int!) {
    r: submitRecord(id: $id, expectedVersion: $v) { id state version } }";
const PUBLISH: &str = "mutation($id: ID!, $v: Int!) {
    r: publishRecord(id: $id, expectedVersion: $v) { id state version } }";
const ARCHIVE: &str = "mutation($id: ID!, $v: Int!) {
    r: archiveRecord(id: $id, expectedVersion: $v) { id state version } }";
const RETURN: &str = "mutation($id: ID!, $v: Int!, $comment: LocalizedTextInput!) {
    r: returnRecord(id: $id, expectedVersion: $v, comment: $comment) { id state version } }";

/// A review step (`SUBMIT`, `PUBLISH`, `ARCHIVE`) as `who`.
async fn step(app: &TestApp, who: Who, doc: &str, rec: &Rec) -> Rec {
    let data = ok(app, who, doc, rec_vars(rec)).await;
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
    let data = ok(app, Admin, RETURN, vars).await;
    Rec::of(&data["r"])
}

/// A record by ID as `who` sees it (`null` when it may not).
async fn node(app: &TestApp, who: Who, id: &str, fields: &str) -> Value {
    let query = format!("query($id: ID!) {{ node(id: $id) {{ id {fields} }} }}");
    ok(app, who, &query, json!({ "id": id })).await["node"].clone()
}

/// The IDs of a list field's nodes (checking `totalCount` agrees).
async fn list(app: &TestApp, who: Who, field: &str, filter: Value) -> Vec<String> {
    let query = format!(
        "query($f: MonitoringFilter) {{ l: {field}(first: 50, filter: $f) {{ totalCount nodes {{ id }} }} }}"
    );
    let data = ok(app, who, &query, json!({ "f": filter })).await;
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

fn text_of(n: usize) -> String {
    "a".repeat(n)
}

// =============================================================================================
// Happy paths
// =============================================================================================

const PROGRESS_FIELDS: &str = "... on ProgressUpdate { state version year status percentComplete
    narrative(lang: EN) es: narrative(lang: ES) milestones { date text(lang: ES) } evidenceLinks
    action { code } languages reviewComment(lang: EN) publishedAt synthetic
    reportedBy { role subject unit { code } municipality { ineCode } } }";

#[tokio::test]
async fn create_progress_update_returns_a_draft_that_a_follow_up_query_sees() {
    let app = TestApp::new().await;
    let input = json!({
        "action": "LE1.1", "year": 2023, "status": "IN_PROGRESS", "percentComplete": 40,
        "narrative": { "es": "Participación en Eurocities", "en": "Eurocities participation" },
        "milestones": [{ "date": "2023-06-15", "text": { "es": "Foro de Lyon", "en": "Lyon forum" } }],
        "evidenceLinks": ["https://www.amb.cat/web/area-internacional"],
    });
    let doc = "mutation($input: ProgressUpdateInput!, $key: String!) {
        r: createProgressUpdate(input: $input, idempotencyKey: $key) {
            id state version year status percentComplete narrative(lang: EN)
            milestones { date text(lang: EN) } evidenceLinks action { code } languages
            reportedBy { role subject unit { code } municipality { ineCode } } } }";
    let data = ok(&app, SRI, doc, json!({ "input": input, "key": key() })).await;
    let r = &data["r"];
    assert_eq!(
        *r,
        json!({
            "id": r["id"], "state": "DRAFT", "version": 1, "year": 2023, "status": "IN_PROGRESS",
            "percentComplete": 40, "narrative": "Eurocities participation",
            "milestones": [{ "date": "2023-06-15", "text": "Lyon forum" }],
            "evidenceLinks": ["https://www.amb.cat/web/area-internacional"],
            "action": { "code": "LE1.1" }, "languages": ["ES", "EN"],
            "reportedBy": { "role": "AREA", "subject": "test-area", "unit": { "code": "AMB-SRI" },
                            "municipality": null },
        })
    );
    let id = r["id"].as_str().expect("id");
    let seen = node(&app, SRI, id, PROGRESS_FIELDS).await;
    assert_eq!(seen["percentComplete"], 40);
    assert_eq!(seen["es"], "Participación en Eurocities");
    assert_eq!(seen["milestones"][0]["text"], "Foro de Lyon");
    assert_eq!(seen["publishedAt"], Value::Null);
    assert_eq!(seen["synthetic"], false);
    assert_eq!(
        list(&app, Admin, "progressUpdates", json!({ "action": "LE1.1" })).await,
        vec![id.to_owned()]
    );
    let history = ok(
        &app,
        SRI,
        r#"{ action(code: "LE1.1") { progressHistory { id state } currentProgress { id } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(
        history["action"],
        json!({ "progressHistory": [{ "id": id, "state": "DRAFT" }], "currentProgress": null })
    );
}

#[tokio::test]
async fn create_with_submit_true_starts_the_record_submitted() {
    let app = TestApp::new().await;
    let rec = create_submitted(
        &app,
        ADE,
        Kind::Progress,
        progress("LE4.1", 2022, "DELAYED", 15),
    )
    .await;
    assert_eq!(rec.version, 1);
    let seen = node(&app, ADE, &rec.id, PROGRESS_FIELDS).await;
    assert_eq!(seen["state"], "SUBMITTED");
    assert_eq!(seen["status"], "DELAYED");
    assert_eq!(seen["reportedBy"]["unit"]["code"], "AMB-ADE");
}

#[tokio::test]
async fn update_progress_update_replaces_its_content_and_bumps_the_version() {
    let app = TestApp::new().await;
    let rec = create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2023, "IN_PROGRESS", 40),
    )
    .await;
    let changed = json!({
        "action": "LE1.2", "year": 2024, "status": "COMPLETED", "percentComplete": 100,
        "narrative": { "ca": "Acabat" }, "evidenceLinks": ["http://example.org/informe.pdf"],
    });
    let after = update(&app, SRI, Kind::Progress, &rec, changed).await;
    assert_eq!(
        after,
        Rec {
            id: rec.id.clone(),
            version: 2
        }
    );
    let seen = node(&app, SRI, &rec.id, PROGRESS_FIELDS).await;
    assert_eq!(seen["state"], "DRAFT");
    assert_eq!(seen["year"], 2024);
    assert_eq!(seen["status"], "COMPLETED");
    assert_eq!(seen["percentComplete"], 100);
    assert_eq!(seen["action"]["code"], "LE1.2");
    assert_eq!(seen["languages"], json!(["CA"]));
    assert_eq!(
        seen["evidenceLinks"],
        json!(["http://example.org/informe.pdf"])
    );
    // The record moved: it is now about LE1.2 and no longer about LE1.1.
    assert_eq!(
        list(&app, SRI, "progressUpdates", json!({ "action": "LE1.2" })).await,
        vec![rec.id.clone()]
    );
    assert!(
        list(&app, SRI, "progressUpdates", json!({ "action": "LE1.1" }))
            .await
            .is_empty()
    );
}

const ACTIVITY_FIELDS: &str = "... on Activity { state version year kind title(lang: ES)
    summary(lang: ES) startDate endDate place links actions { code } zones { code }
    partners { code } organizations { code } municipalities { ineCode } languages
    reportedBy { role unit { code } municipality { ineCode } } }";

#[tokio::test]
async fn create_and_update_activity_store_every_field() {
    let app = TestApp::new().await;
    let input = json!({
        "kind": "NETWORK_MEETING",
        "title": { "es": "Asamblea de Metropolis", "en": "Metropolis assembly" },
        "summary": { "es": "Reunión anual", "en": "Yearly meeting" },
        "startDate": "2022-10-10", "endDate": "2022-10-12", "place": "  Gauteng  ",
        "links": ["https://www.metropolis.org"], "actions": ["LE1.1", "LE1.8"],
        "zones": ["AFRICA"], "partners": ["gauteng"], "organizations": ["METROPOLIS"],
        "municipalities": ["08019"],
    });
    let data = ok(
        &app,
        SRI,
        &Kind::Activity.create_doc(),
        create_vars(&input, false),
    )
    .await;
    let rec = Rec::of(&data["r"]);
    assert_eq!(data["r"]["year"], 2022);
    assert_eq!(data["r"]["languages"], json!(["ES", "EN"]));
    let seen = node(&app, SRI, &rec.id, ACTIVITY_FIELDS).await;
    assert_eq!(
        seen,
        json!({
            "id": rec.id, "state": "DRAFT", "version": 1, "year": 2022, "kind": "NETWORK_MEETING",
            "title": "Asamblea de Metropolis", "summary": "Reunión anual",
            "startDate": "2022-10-10", "endDate": "2022-10-12", "place": "Gauteng",
            "links": ["https://www.metropolis.org"],
            "actions": [{ "code": "LE1.1" }, { "code": "LE1.8" }], "zones": [{ "code": "AFRICA" }],
            "partners": [{ "code": "gauteng" }], "organizations": [{ "code": "METROPOLIS" }],
            "municipalities": [{ "ineCode": "08019" }], "languages": ["ES", "EN"],
            "reportedBy": { "role": "AREA", "unit": { "code": "AMB-SRI" }, "municipality": null },
        })
    );
    let changed = json!({
        "kind": "STUDY_VISIT", "title": { "es": "Visita de estudio a Lyon" },
        "startDate": "2023-03-01", "actions": ["LE1.2"], "zones": ["EUROPE"],
        "partners": ["grand-lyon"],
    });
    let after = update(&app, SRI, Kind::Activity, &rec, changed).await;
    assert_eq!(after.version, 2);
    let seen = node(&app, SRI, &rec.id, ACTIVITY_FIELDS).await;
    assert_eq!(seen["kind"], "STUDY_VISIT");
    assert_eq!(seen["year"], 2023);
    assert_eq!(seen["endDate"], Value::Null);
    assert_eq!(seen["place"], Value::Null);
    assert_eq!(seen["partners"], json!([{ "code": "grand-lyon" }]));
    assert_eq!(seen["municipalities"], json!([]));
    assert_eq!(
        list(&app, SRI, "activities", json!({ "zone": "EUROPE" })).await,
        vec![rec.id.clone()]
    );
    assert!(
        list(&app, SRI, "activities", json!({ "zone": "AFRICA" }))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_municipality_s_activities_and_projects_always_involve_the_municipality() {
    let app = TestApp::new().await;
    let mut input = activity("EVENT", "2023-04-23", &["LE1.1"]);
    input["municipalities"] = json!(["08019"]);
    let rec = create(&app, HOSPITALET, Kind::Activity, input).await;
    let seen = node(&app, HOSPITALET, &rec.id, ACTIVITY_FIELDS).await;
    assert_eq!(
        seen["municipalities"],
        json!([{ "ineCode": "08101" }, { "ineCode": "08019" }])
    );
    assert_eq!(
        seen["reportedBy"],
        json!({ "role": "MUNICIPALITY", "unit": null, "municipality": { "ineCode": "08101" } })
    );
    let project = create(
        &app,
        HOSPITALET,
        Kind::Project,
        project("2022-01-01", None, "100000", "50000"),
    )
    .await;
    let seen = node(
        &app,
        HOSPITALET,
        &project.id,
        "... on FundedProject { municipalities { ineCode } }",
    )
    .await;
    assert_eq!(seen["municipalities"], json!([{ "ineCode": "08101" }]));
    let mine = ok(
        &app,
        HOSPITALET,
        r#"{ municipality(ineCode: "08101") { activities { id } fundedProjects { id } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(
        mine["municipality"],
        json!({ "activities": [{ "id": rec.id }], "fundedProjects": [{ "id": project.id }] })
    );
}

const PROJECT_FIELDS: &str = "... on FundedProject { state version year title(lang: EN)
    summary(lang: EN) programme role totalBudget grantAmount startDate endDate status
    continuedAfterFunding links actions { code } municipalities { ineCode } languages }";

#[tokio::test]
async fn create_and_update_funded_project_keep_exact_amounts() {
    let app = TestApp::new().await;
    let input = json!({
        "title": { "en": "URBACT network on metropolitan food" },
        "summary": { "en": "Food strategies" }, "programme": "URBACT", "role": "LEAD",
        "totalBudget": "1250000.50", "grantAmount": "937500.375", "startDate": "2020-09-01",
        "endDate": "2023-08-31", "status": "IN_EXECUTION", "links": ["https://urbact.eu"],
        "actions": ["LE2.1", "LE2.2"], "municipalities": ["08101", "08019"],
    });
    let data = ok(
        &app,
        SRI,
        &Kind::Project.create_doc(),
        create_vars(&input, false),
    )
    .await;
    let rec = Rec::of(&data["r"]);
    // Projects may start before the plan; the record's year is the year it starts.
    assert_eq!(data["r"]["year"], 2020);
    let seen = node(&app, Admin, &rec.id, PROJECT_FIELDS).await;
    assert_eq!(
        seen,
        json!({
            "id": rec.id, "state": "DRAFT", "version": 1, "year": 2020,
            "title": "URBACT network on metropolitan food", "summary": "Food strategies",
            "programme": "URBACT", "role": "LEAD", "totalBudget": "1250000.5",
            "grantAmount": "937500.375", "startDate": "2020-09-01", "endDate": "2023-08-31",
            "status": "IN_EXECUTION", "continuedAfterFunding": null, "links": ["https://urbact.eu"],
            "actions": [{ "code": "LE2.1" }, { "code": "LE2.2" }],
            "municipalities": [{ "ineCode": "08101" }, { "ineCode": "08019" }],
            "languages": ["EN"],
        })
    );
    let mut changed = input.clone();
    changed["status"] = json!("CLOSED");
    changed["continuedAfterFunding"] = json!(true);
    changed["grantAmount"] = json!("1250000.50");
    let after = update(&app, SRI, Kind::Project, &rec, changed).await;
    assert_eq!(after.version, 2);
    let seen = node(&app, Admin, &rec.id, PROJECT_FIELDS).await;
    assert_eq!(seen["status"], "CLOSED");
    assert_eq!(seen["continuedAfterFunding"], true);
    assert_eq!(seen["grantAmount"], "1250000.5");
    assert_eq!(
        list(&app, Admin, "fundedProjects", json!({ "kind": "URBACT" })).await,
        vec![rec.id.clone()]
    );
}

const INDICATOR_FIELDS: &str = "... on Indicator { state version year code name(lang: ES) unit
    expectedResult { code } action { code } baseline { value year } target { value year }
    direction status latestValue { value year } languages }";

#[tokio::test]
async fn create_and_update_indicator() {
    let app = TestApp::new().await;
    let input = json!({
        "code": "IND-LE1.R1-01", "name": { "es": "Redes activas", "ca": "Xarxes actives" },
        "unit": "networks", "expectedResult": "LE1.R1", "baselineValue": "12.50",
        "baselineYear": 2019, "targetValue": "18", "targetYear": 2025, "direction": "INCREASE",
    });
    let data = ok(
        &app,
        Admin,
        &Kind::Indicator.create_doc(),
        create_vars(&input, false),
    )
    .await;
    let rec = Rec::of(&data["r"]);
    assert_eq!(data["r"]["year"], Value::Null);
    let seen = node(&app, Admin, &rec.id, INDICATOR_FIELDS).await;
    assert_eq!(
        seen,
        json!({
            "id": rec.id, "state": "DRAFT", "version": 1, "year": null, "code": "IND-LE1.R1-01",
            "name": "Redes activas", "unit": "networks", "expectedResult": { "code": "LE1.R1" },
            "action": null, "baseline": { "value": "12.5", "year": 2019 },
            "target": { "value": "18", "year": 2025 }, "direction": "INCREASE",
            "status": "NO_DATA", "latestValue": null, "languages": ["CA", "ES"],
        })
    );
    let mut changed = input.clone();
    changed["code"] = json!("IND-LE1.1-01");
    changed["expectedResult"] = Value::Null;
    changed["action"] = json!("LE1.1");
    changed["direction"] = json!("DECREASE");
    changed["baselineValue"] = json!("20");
    changed["targetValue"] = json!("10");
    let after = update(&app, Admin, Kind::Indicator, &rec, changed).await;
    assert_eq!(after.version, 2);
    let seen = node(&app, Admin, &rec.id, INDICATOR_FIELDS).await;
    assert_eq!(seen["code"], "IND-LE1.1-01");
    assert_eq!(seen["action"], json!({ "code": "LE1.1" }));
    assert_eq!(seen["expectedResult"], Value::Null);
    assert_eq!(seen["direction"], "DECREASE");
    assert_eq!(
        list(&app, Admin, "indicators", json!({ "action": "LE1.1" })).await,
        vec![rec.id.clone()]
    );
    // Codes are unique in the plan.
    let twin = indicator("IND-LE1.1-01", Some("LE1.2"), None);
    let reply = refused(
        &app,
        Admin,
        &Kind::Indicator.create_doc(),
        create_vars(&twin, false),
        "CONFLICT",
    )
    .await;
    assert!(
        reply.error_message().contains("IND-LE1.1-01"),
        "{}",
        reply.body
    );
}

const MEASUREMENT_FIELDS: &str = "... on Measurement { state version year value source
    notes(lang: EN) indicator { id code } languages reportedBy { unit { code } } }";

#[tokio::test]
async fn create_and_update_measurement() {
    let app = TestApp::new().await;
    let ind = le11_indicator(&app, "IND-1").await;
    let mut input = measurement(&ind, 2023, "14.50");
    input["notes"] = json!({ "en": "Counted in December" });
    let data = ok(
        &app,
        SRI,
        &Kind::Measurement.create_doc(),
        create_vars(&input, false),
    )
    .await;
    let rec = Rec::of(&data["r"]);
    let seen = node(&app, SRI, &rec.id, MEASUREMENT_FIELDS).await;
    assert_eq!(
        seen,
        json!({
            "id": rec.id, "state": "DRAFT", "version": 1, "year": 2023, "value": "14.5",
            "source": "Registre de projectes de l'AMB", "notes": "Counted in December",
            "indicator": { "id": ind.id, "code": "IND-1" }, "languages": ["EN"],
            "reportedBy": { "unit": { "code": "AMB-SRI" } },
        })
    );
    let after = update(
        &app,
        SRI,
        Kind::Measurement,
        &rec,
        measurement(&ind, 2024, "16"),
    )
    .await;
    assert_eq!(after.version, 2);
    let seen = node(&app, SRI, &rec.id, MEASUREMENT_FIELDS).await;
    assert_eq!(
        (&seen["year"], &seen["value"]),
        (&json!(2024), &json!("16"))
    );
    let measured = node(
        &app,
        SRI,
        &ind.id,
        "... on Indicator { measurements { id year value state } }",
    )
    .await;
    assert_eq!(
        measured["measurements"],
        json!([{ "id": rec.id, "year": 2024, "value": "16", "state": "DRAFT" }])
    );
}

const EVALUATION_FIELDS: &str = "... on Evaluation { state version year kind status startDate
    endDate summary(lang: EN) findings(lang: EN) recommendations(lang: EN) documentLink
    languages }";

#[tokio::test]
async fn create_and_update_evaluation_with_the_plan_s_default_years() {
    let app = TestApp::new().await;
    let mid = create(&app, Admin, Kind::Evaluation, evaluation("MID_TERM")).await;
    let last = create(&app, Admin, Kind::Evaluation, evaluation("FINAL")).await;
    assert_eq!(
        node(&app, Admin, &mid.id, "... on Evaluation { year }").await["year"],
        2023
    );
    assert_eq!(
        node(&app, Admin, &last.id, "... on Evaluation { year }").await["year"],
        2025
    );
    let changed = json!({
        "kind": "MID_TERM", "year": 2024, "status": "COMPLETED", "startDate": "2024-01-15",
        "endDate": "2024-06-30", "summary": { "en": "Mid-term review" },
        "findings": { "en": "Networks strengthened" }, "recommendations": { "en": "More EU funds" },
        "documentLink": "https://www.amb.cat/evaluacio-intermedia.pdf",
    });
    let after = update(&app, Admin, Kind::Evaluation, &mid, changed).await;
    assert_eq!(after.version, 2);
    let seen = node(&app, Admin, &mid.id, EVALUATION_FIELDS).await;
    assert_eq!(
        seen,
        json!({
            "id": mid.id, "state": "DRAFT", "version": 2, "year": 2024, "kind": "MID_TERM",
            "status": "COMPLETED", "startDate": "2024-01-15", "endDate": "2024-06-30",
            "summary": "Mid-term review", "findings": "Networks strengthened",
            "recommendations": "More EU funds",
            "documentLink": "https://www.amb.cat/evaluacio-intermedia.pdf", "languages": ["EN"],
        })
    );
    assert_eq!(
        list(&app, Admin, "evaluations", json!({ "kind": "FINAL" })).await,
        vec![last.id.clone()]
    );
}

#[tokio::test]
async fn the_review_cycle_moves_a_record_through_its_states() {
    let app = TestApp::new().await;
    let draft = create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2023, "IN_PROGRESS", 40),
    )
    .await;
    let submitted = step(&app, SRI, SUBMIT, &draft).await;
    assert_eq!(submitted.version, 2);
    let returned = return_with(&app, &submitted, "Add the evidence, please").await;
    let seen = node(&app, SRI, &returned.id, PROGRESS_FIELDS).await;
    assert_eq!(
        (&seen["state"], &seen["version"], &seen["reviewComment"]),
        (
            &json!("RETURNED"),
            &json!(3),
            &json!("Add the evidence, please")
        )
    );
    // Returned records are the reporter's to edit again.
    let mut fixed = progress("LE1.1", 2023, "IN_PROGRESS", 45);
    fixed["evidenceLinks"] = json!(["https://www.amb.cat/evidencia"]);
    let edited = update(&app, SRI, Kind::Progress, &returned, fixed).await;
    assert_eq!(edited.version, 4);
    let resubmitted = step(&app, SRI, SUBMIT, &edited).await;
    let published = publish(&app, &resubmitted).await;
    let seen = node(&app, Anonymous, &published.id, PROGRESS_FIELDS).await;
    // How often it went back and forth, and what the reviewer said, stay in the review.
    assert_eq!(
        (&seen["state"], &seen["version"], &seen["reviewComment"]),
        (&json!("PUBLISHED"), &Value::Null, &Value::Null)
    );
    let own = node(&app, SRI, &published.id, PROGRESS_FIELDS).await;
    assert_eq!(
        (&own["version"], &own["reviewComment"]),
        (&json!(6), &Value::Null)
    );
    assert!(
        seen["publishedAt"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    assert_eq!(seen["percentComplete"], 45);
    let archived = step(&app, Admin, ARCHIVE, &published).await;
    assert_eq!(archived.version, 7);
    assert_eq!(node(&app, Anonymous, &archived.id, "").await, Value::Null);
    assert_eq!(
        node(&app, SRI, &archived.id, "... on ProgressUpdate { state }").await["state"],
        "ARCHIVED"
    );
}

#[tokio::test]
async fn review_steps_from_the_wrong_state_are_conflicts() {
    let app = TestApp::new().await;
    let draft = create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2023, "IN_PROGRESS", 40),
    )
    .await;
    // Only submitted records are returned.
    let vars = json!({ "id": draft.id, "v": draft.version, "comment": { "es": "No" } });
    let reply = refused(&app, Admin, RETURN, vars, "CONFLICT").await;
    assert_eq!(
        reply.error_message(),
        "a DRAFT record cannot be returned; only SUBMITTED records are reviewed: submit it first"
    );
    assert_eq!(reply.body["errors"][0]["extensions"]["currentVersion"], 1);
    let submitted = step(&app, SRI, SUBMIT, &draft).await;
    let reply = refused(&app, SRI, SUBMIT, rec_vars(&submitted), "CONFLICT").await;
    assert_eq!(
        reply.error_message(),
        "a SUBMITTED record cannot be submitted"
    );
    let returned = return_with(&app, &submitted, "Incomplete").await;
    let reply = refused(&app, Admin, PUBLISH, rec_vars(&returned), "CONFLICT").await;
    assert_eq!(
        reply.error_message(),
        "a RETURNED record cannot be published; only SUBMITTED records are reviewed: submit it first"
    );
    let archived = step(&app, Admin, ARCHIVE, &returned).await;
    for doc in [SUBMIT, PUBLISH, ARCHIVE] {
        refused(&app, Admin, doc, rec_vars(&archived), "CONFLICT").await;
    }
    // Archived records are never edited, not even by a coordinator.
    let reply = refused(
        &app,
        Admin,
        &Kind::Progress.update_doc(),
        update_vars(&archived, &progress("LE1.1", 2023, "IN_PROGRESS", 50)),
        "FORBIDDEN",
    )
    .await;
    assert_eq!(reply.error_message(), "archived records cannot be changed");
    // A return needs a comment.
    let other = create_submitted(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.2", 2023, "IN_PROGRESS", 5),
    )
    .await;
    let vars = json!({ "id": other.id, "v": other.version, "comment": { "es": "  " } });
    let reply = refused(&app, Admin, RETURN, vars, "BAD_USER_INPUT").await;
    assert_eq!(reply.body["errors"][0]["extensions"]["field"], "comment");
}

#[tokio::test]
async fn reporting_years_are_the_plan_s_years_open_by_default() {
    let app = TestApp::new().await;
    let data = ok(
        &app,
        Anonymous,
        "{ reportingYears { year closed closedAt version } }",
        json!({}),
    )
    .await;
    let years: Vec<Value> = (2021..=2025)
        .map(|y| json!({ "year": y, "closed": false, "closedAt": null, "version": 1 }))
        .collect();
    assert_eq!(data["reportingYears"], json!(years));
    let closed = ok(
        &app,
        Admin,
        "mutation { closeReportingYear(year: 2021, expectedVersion: 1) { year closed closedAt version } }",
        json!({}),
    )
    .await;
    let y = &closed["closeReportingYear"];
    assert_eq!(
        (&y["year"], &y["closed"], &y["version"]),
        (&json!(2021), &json!(true), &json!(2))
    );
    assert!(y["closedAt"].as_str().is_some_and(|t| t.ends_with('Z')));
    let opened = ok(
        &app,
        Admin,
        "mutation { openReportingYear(year: 2021) { year closed closedAt version } }",
        json!({}),
    )
    .await;
    assert_eq!(
        opened["openReportingYear"],
        json!({ "year": 2021, "closed": false, "closedAt": null, "version": 3 })
    );
    let reply = refused(
        &app,
        Admin,
        "mutation { closeReportingYear(year: 2026) { year } }",
        json!({}),
        "BAD_USER_INPUT",
    )
    .await;
    assert_eq!(reply.body["errors"][0]["extensions"]["field"], "year");
}

// =============================================================================================
// Validation
// =============================================================================================

#[tokio::test]
async fn progress_update_validation_reports_every_problem_at_once() {
    let app = TestApp::new().await;
    let input = json!({
        "action": "LE9.9", "year": 2026, "status": "IN_PROGRESS", "percentComplete": 120,
        "narrative": { "es": text_of(20_001) },
        "milestones": [{ "date": "2031-01-01", "text": {} }],
        "evidenceLinks": ["ftp://files.amb.cat/informe.pdf"],
    });
    let reply = invalid(
        &app,
        SRI,
        &Kind::Progress.create_doc(),
        create_vars(&input, false),
        &[
            "input.action",
            "input.year",
            "input.percentComplete",
            "input.narrative.es",
            "input.milestones[0].text",
            "input.milestones[0].date",
            "input.evidenceLinks[0]",
        ],
    )
    .await;
    assert_eq!(field_message(&reply, 0), "unknown action \"LE9.9\"");
    assert_eq!(
        field_message(&reply, 1),
        "must be a year of the plan, 2021-2025"
    );
    assert_eq!(field_message(&reply, 2), "must be between 0 and 100");
    assert_eq!(field_message(&reply, 3), "at most 20000 characters");
    assert_eq!(
        field_message(&reply, 6),
        "must be an http:// or https:// link"
    );
    assert!(
        reply
            .error_message()
            .starts_with("invalid input: input.action: unknown action")
    );
}

#[tokio::test]
async fn percent_complete_must_fit_the_status() {
    let app = TestApp::new().await;
    let doc = Kind::Progress.create_doc();
    for (status, percent, message) in [
        ("COMPLETED", 90, "a COMPLETED action is 100 % complete"),
        ("NOT_STARTED", 5, "a NOT_STARTED action is 0 % complete"),
        ("IN_PROGRESS", -1, "must be between 0 and 100"),
        ("IN_PROGRESS", 101, "must be between 0 and 100"),
    ] {
        let input = progress("LE1.1", 2023, status, percent);
        let reply = invalid(
            &app,
            SRI,
            &doc,
            create_vars(&input, false),
            &["input.percentComplete"],
        )
        .await;
        assert_eq!(field_message(&reply, 0), message);
    }
    // The bounds themselves are fine.
    create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2023, "COMPLETED", 100),
    )
    .await;
    create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2021, "NOT_STARTED", 0),
    )
    .await;
}

#[tokio::test]
async fn an_invalid_update_changes_nothing() {
    let app = TestApp::new().await;
    let rec = create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2023, "IN_PROGRESS", 40),
    )
    .await;
    let mut input = progress("LE1.1", 2020, "IN_PROGRESS", 140);
    input["evidenceLinks"] = json!(["https://ok.example.org", "javascript:alert(1)"]);
    invalid(
        &app,
        SRI,
        &Kind::Progress.update_doc(),
        update_vars(&rec, &input),
        &[
            "input.year",
            "input.percentComplete",
            "input.evidenceLinks[1]",
        ],
    )
    .await;
    let seen = node(&app, SRI, &rec.id, PROGRESS_FIELDS).await;
    assert_eq!(
        (&seen["version"], &seen["percentComplete"]),
        (&json!(1), &json!(40))
    );
}

#[tokio::test]
async fn activity_validation_reports_every_problem_at_once() {
    let app = TestApp::new().await;
    let input = json!({
        "kind": "FORUM", "title": { "es": "Foro", "en": text_of(501) },
        "summary": { "ca": text_of(20_001) },
        "startDate": "2020-12-30", "endDate": "2020-12-01", "place": text_of(201),
        "links": ["ftp://amb.cat", "https://www.amb.cat", "javascript:alert(1)", "https://",
                  "http:///path", "https://exa mple.org"],
        "actions": ["LE1.1", "LE9.9"], "zones": ["ATLANTIS"], "partners": ["gotham"],
        "organizations": ["ACME"], "municipalities": ["08999"],
    });
    let reply = invalid(
        &app,
        SRI,
        &Kind::Activity.create_doc(),
        create_vars(&input, false),
        &[
            "input.title.en",
            "input.summary.ca",
            "input.startDate",
            "input.endDate",
            "input.place",
            "input.links[0]",
            "input.links[2]",
            "input.links[3]",
            "input.links[4]",
            "input.links[5]",
            "input.actions[1]",
            "input.zones[0]",
            "input.partners[0]",
            "input.organizations[0]",
            "input.municipalities[0]",
        ],
    )
    .await;
    assert_eq!(field_message(&reply, 0), "at most 500 characters");
    assert_eq!(
        field_message(&reply, 3),
        "must not be before the start date"
    );
    assert_eq!(field_message(&reply, 4), "at most 200 characters");
    assert_eq!(field_message(&reply, 10), "unknown action \"LE9.9\"");
    assert_eq!(field_message(&reply, 11), "unknown zone \"ATLANTIS\"");
    assert_eq!(
        field_message(&reply, 12),
        "unknown partner metropolis \"gotham\""
    );
    assert_eq!(field_message(&reply, 13), "unknown organization \"ACME\"");
    assert_eq!(field_message(&reply, 14), "unknown municipality \"08999\"");
    // A title in no language at all.
    let untitled = json!({ "kind": "FORUM", "title": { "es": "   " }, "startDate": "2023-01-01" });
    let reply = invalid(
        &app,
        SRI,
        &Kind::Activity.create_doc(),
        create_vars(&untitled, false),
        &["input.title"],
    )
    .await;
    assert_eq!(
        field_message(&reply, 0),
        "a text in at least one language (ca, es, en, fr) is required"
    );
}

/// A municipality's own INE code is added to its reports; the error paths must still point at
/// the items the client sent.
#[tokio::test]
async fn a_municipality_s_unknown_codes_are_reported_at_the_index_it_sent() {
    let app = TestApp::new().await;
    let mut input = activity("EVENT", "2023-04-23", &["LE1.1"]);
    input["municipalities"] = json!(["08999"]);
    let reply = invalid(
        &app,
        HOSPITALET,
        &Kind::Activity.create_doc(),
        create_vars(&input, false),
        &["input.municipalities[0]"],
    )
    .await;
    assert_eq!(field_message(&reply, 0), "unknown municipality \"08999\"");
    let mut input = project("2022-01-01", None, "100", "50");
    input["municipalities"] = json!(["08019", "08998"]);
    invalid(
        &app,
        HOSPITALET,
        &Kind::Project.create_doc(),
        create_vars(&input, false),
        &["input.municipalities[1]"],
    )
    .await;
}

#[tokio::test]
async fn funded_project_validation_reports_every_problem_at_once() {
    let app = TestApp::new().await;
    let input = json!({
        "title": {}, "summary": { "fr": text_of(20_001) }, "programme": "FEDER", "role": "LEAD",
        "totalBudget": "-100", "grantAmount": "-5", "startDate": "2026-01-01",
        "endDate": "2020-06-30", "status": "APPLIED", "links": ["mailto:eu@amb.cat"],
        "actions": ["LE9.9"], "municipalities": ["08999"],
    });
    let reply = invalid(
        &app,
        SRI,
        &Kind::Project.create_doc(),
        create_vars(&input, false),
        &[
            "input.title",
            "input.summary.fr",
            "input.totalBudget",
            "input.grantAmount",
            "input.startDate",
            "input.endDate",
            "input.endDate",
            "input.links[0]",
            "input.actions[0]",
            "input.municipalities[0]",
        ],
    )
    .await;
    assert_eq!(field_message(&reply, 2), "must not be negative");
    assert_eq!(field_message(&reply, 3), "must not be negative");
    assert_eq!(field_message(&reply, 4), "must start by 2025");
    assert_eq!(field_message(&reply, 5), "must end in 2021 or later");
    assert_eq!(
        field_message(&reply, 6),
        "must not be before the start date"
    );
}

#[tokio::test]
async fn a_grant_above_the_total_budget_is_refused() {
    let app = TestApp::new().await;
    let input = project("2022-01-01", Some("2024-12-31"), "1000000", "1000000.01");
    let reply = invalid(
        &app,
        ADE,
        &Kind::Project.create_doc(),
        create_vars(&input, false),
        &["input.grantAmount"],
    )
    .await;
    assert_eq!(field_message(&reply, 0), "must not exceed the total budget");
    // Equal is fine, and zero is not negative.
    create(
        &app,
        ADE,
        Kind::Project,
        project("2022-01-01", None, "1000000", "1000000"),
    )
    .await;
    create(
        &app,
        ADE,
        Kind::Project,
        project("2022-01-01", None, "0", "0"),
    )
    .await;
}

#[tokio::test]
async fn indicator_validation_reports_every_problem_at_once() {
    let app = TestApp::new().await;
    let doc = Kind::Indicator.create_doc();
    let input = json!({
        "code": "bad code!", "name": {}, "unit": " ", "expectedResult": "LE9.R9",
        "baselineValue": "10", "baselineYear": 1999, "targetValue": "20", "targetYear": 2026,
        "direction": "INCREASE",
    });
    let reply = invalid(
        &app,
        Admin,
        &doc,
        create_vars(&input, false),
        &[
            "input.code",
            "input.name",
            "input.unit",
            "input.expectedResult",
            "input.baselineYear",
            "input.targetYear",
        ],
    )
    .await;
    assert_eq!(
        field_message(&reply, 3),
        "unknown expected result \"LE9.R9\""
    );
    assert_eq!(field_message(&reply, 4), "must be between 2000 and 2025");
    let mut input = indicator("IND-X", Some("LE9.9"), None);
    input["baselineYear"] = json!(2024);
    input["targetYear"] = json!(2022);
    let reply = invalid(
        &app,
        Admin,
        &doc,
        create_vars(&input, false),
        &["input.action", "input.targetYear"],
    )
    .await;
    assert_eq!(
        field_message(&reply, 1),
        "must not be before the baseline year"
    );
    let reply = invalid(
        &app,
        Admin,
        &doc,
        create_vars(&indicator("IND-X", None, None), false),
        &["input.expectedResult"],
    )
    .await;
    assert_eq!(
        field_message(&reply, 0),
        "an expected result or an action is required"
    );
}

#[tokio::test]
async fn measurement_validation_reports_every_problem_at_once() {
    let app = TestApp::new().await;
    let ind = le11_indicator(&app, "IND-1").await;
    let input = json!({
        "indicator": ind.id, "year": 2020, "value": "3", "source": "   ",
        "notes": { "es": text_of(20_001) },
    });
    let reply = invalid(
        &app,
        SRI,
        &Kind::Measurement.create_doc(),
        create_vars(&input, false),
        &["input.year", "input.source", "input.notes.es"],
    )
    .await;
    assert_eq!(field_message(&reply, 1), "must not be empty");
    // The indicator must be an indicator the caller can see.
    let act = create(
        &app,
        SRI,
        Kind::Activity,
        activity("FORUM", "2023-01-01", &[]),
    )
    .await;
    for id in [act.id.as_str(), "not-an-id"] {
        let input = json!({ "indicator": id, "year": 2023, "value": "3", "source": "AMB" });
        let reply = refused(
            &app,
            SRI,
            &Kind::Measurement.create_doc(),
            create_vars(&input, false),
            "BAD_USER_INPUT",
        )
        .await;
        assert_eq!(
            reply.body["errors"][0]["extensions"]["field"],
            "input.indicator"
        );
    }
}

#[tokio::test]
async fn evaluation_validation_reports_every_problem_at_once() {
    let app = TestApp::new().await;
    let input = json!({
        "kind": "FINAL", "year": 2026, "status": "IN_PROGRESS", "startDate": "2025-06-01",
        "endDate": "2025-01-01", "findings": { "en": text_of(20_001) },
        "documentLink": "file:///etc/passwd",
    });
    invalid(
        &app,
        Admin,
        &Kind::Evaluation.create_doc(),
        create_vars(&input, false),
        &[
            "input.year",
            "input.endDate",
            "input.findings.en",
            "input.documentLink",
        ],
    )
    .await;
}

#[tokio::test]
async fn a_year_outside_the_plan_is_refused_everywhere() {
    let app = TestApp::new().await;
    let reply = refused(
        &app,
        Anonymous,
        "{ annualReport(year: 2020) { year } }",
        json!({}),
        "BAD_USER_INPUT",
    )
    .await;
    assert_eq!(reply.body["errors"][0]["extensions"]["field"], "year");
    let reply = refused(
        &app,
        Admin,
        "mutation { publishAnnualReport(year: 2030) { year } }",
        json!({}),
        "BAD_USER_INPUT",
    )
    .await;
    assert_eq!(reply.body["errors"][0]["extensions"]["field"], "year");
    let reply = refused(
        &app,
        Admin,
        "mutation { openReportingYear(year: 2020) { year } }",
        json!({}),
        "BAD_USER_INPUT",
    )
    .await;
    assert_eq!(reply.body["errors"][0]["extensions"]["field"], "year");
}

#[tokio::test]
async fn a_bad_idempotency_key_is_bad_user_input_listed_with_the_other_problems() {
    let app = TestApp::new().await;
    let doc = Kind::Progress.create_doc();
    let valid = progress("LE1.1", 2023, "IN_PROGRESS", 40);
    // A key of 100 such characters is fine.
    let vars =
        json!({ "input": valid, "key": format!("{}:a-b_c.d", "k".repeat(92)), "submit": false });
    ok(&app, SRI, &doc, vars).await;
    for bad in ["", "has space", "ñ", &"k".repeat(101), "semi;colon"] {
        let vars = json!({ "input": valid, "key": bad, "submit": false });
        let reply = refused(&app, SRI, &doc, vars, "BAD_USER_INPUT").await;
        assert!(
            reply
                .error_message()
                .contains("1-100 letters, digits, '-', '_', '.' or ':' (e.g. a UUID)"),
            "{}",
            reply.body
        );
        assert_eq!(
            reply.body["errors"][0]["extensions"]["field"],
            "idempotencyKey"
        );
        assert_eq!(field_errors(&reply), ["idempotencyKey"], "{}", reply.body);
    }
    // With other problems, the key is listed with them.
    let broken = progress("LE1.1", 2023, "IN_PROGRESS", 400);
    let vars = json!({ "input": broken, "key": "has space", "submit": false });
    let reply = refused(&app, SRI, &doc, vars, "BAD_USER_INPUT").await;
    let mut fields = field_errors(&reply);
    assert_eq!(reply.body["errors"][0]["extensions"]["field"], fields[0]);
    fields.sort();
    assert_eq!(fields, ["idempotencyKey", "input.percentComplete"]);
}

// =============================================================================================
// The role × operation matrix
// =============================================================================================

/// Everyone who calls the API: anonymous, reader, areas owning and not owning, municipalities,
/// and a coordinator.
const EVERYONE: [Who; 8] = [
    Anonymous, Reader, SRI, AIC, ADE, HOSPITALET, BARCELONA, Admin,
];

async fn create_matrix(app: &TestApp, kind: Kind, input: &Value, cases: &[(Who, Outcome)]) {
    assert_eq!(cases.len(), EVERYONE.len(), "every role is covered");
    for (who, outcome) in cases {
        let data = attempt(
            app,
            *who,
            &kind.create_doc(),
            create_vars(input, false),
            *outcome,
        )
        .await;
        if *outcome == Allowed {
            assert_eq!(data["r"]["state"], "DRAFT", "{who:?}");
            assert_eq!(data["r"]["version"], 1, "{who:?}");
        }
    }
}

/// For each case: a fresh record of `owner` (published first when `published`), which `who`
/// then tries to change.
async fn update_matrix(
    app: &TestApp,
    kind: Kind,
    owner: Who,
    input: &Value,
    changed: &Value,
    published: bool,
    cases: &[(Who, Outcome)],
) {
    for (who, outcome) in cases {
        let mut rec = create(app, owner, kind, input.clone()).await;
        if published {
            rec = publish(app, &rec).await;
        }
        let data = attempt(
            app,
            *who,
            &kind.update_doc(),
            update_vars(&rec, changed),
            *outcome,
        )
        .await;
        if *outcome == Allowed {
            assert_eq!(data["r"]["version"], rec.version + 1, "{who:?}");
        }
    }
}

#[tokio::test]
async fn create_progress_update_role_matrix() {
    let app = TestApp::new().await;
    create_matrix(
        &app,
        Kind::Progress,
        &progress("LE1.1", 2023, "IN_PROGRESS", 40),
        &[
            (Anonymous, Forbidden),
            (Reader, Forbidden),
            (SRI, Allowed),
            (AIC, Allowed),
            (ADE, Forbidden),
            (HOSPITALET, Forbidden),
            (BARCELONA, Forbidden),
            (Admin, Allowed),
        ],
    )
    .await;
    // The Economic Development Agency reports on its own actions.
    create(
        &app,
        ADE,
        Kind::Progress,
        progress("LE4.1", 2023, "IN_PROGRESS", 10),
    )
    .await;
    refused(
        &app,
        SRI,
        &Kind::Progress.create_doc(),
        create_vars(&progress("LE4.1", 2023, "IN_PROGRESS", 10), false),
        "FORBIDDEN",
    )
    .await;
}

#[tokio::test]
async fn create_activity_and_funded_project_role_matrix() {
    let app = TestApp::new().await;
    // Areas report their own activities, about any action; municipalities their own.
    let cases = [
        (Anonymous, Forbidden),
        (Reader, Forbidden),
        (SRI, Allowed),
        (AIC, Allowed),
        (ADE, Allowed),
        (HOSPITALET, Allowed),
        (BARCELONA, Allowed),
        (Admin, Allowed),
    ];
    create_matrix(
        &app,
        Kind::Activity,
        &activity("FORUM", "2023-05-01", &["LE1.1"]),
        &cases,
    )
    .await;
    create_matrix(
        &app,
        Kind::Project,
        &project("2023-01-01", None, "10", "5"),
        &cases,
    )
    .await;
}

#[tokio::test]
async fn create_indicator_and_evaluation_role_matrix() {
    let app = TestApp::new().await;
    let cases = [
        (Anonymous, Forbidden),
        (Reader, Forbidden),
        (SRI, Forbidden),
        (AIC, Forbidden),
        (ADE, Forbidden),
        (HOSPITALET, Forbidden),
        (BARCELONA, Forbidden),
        (Admin, Allowed),
    ];
    create_matrix(&app, Kind::Evaluation, &evaluation("MID_TERM"), &cases).await;
    // One code per indicator: the coordinator's only success is the last case.
    create_matrix(
        &app,
        Kind::Indicator,
        &indicator("IND-M", Some("LE1.1"), None),
        &cases,
    )
    .await;
}

#[tokio::test]
async fn create_measurement_role_matrix() {
    let app = TestApp::new().await;
    let ind = le11_indicator(&app, "IND-1").await;
    create_matrix(
        &app,
        Kind::Measurement,
        &measurement(&ind, 2023, "12"),
        &[
            (Anonymous, Forbidden),
            (Reader, Forbidden),
            (SRI, Allowed),
            (AIC, Allowed),
            (ADE, Forbidden),
            (HOSPITALET, Forbidden),
            (BARCELONA, Forbidden),
            (Admin, Allowed),
        ],
    )
    .await;
    // An indicator of an expected result is measured by the units of the line's actions.
    let le4 = create_published(
        &app,
        Admin,
        Kind::Indicator,
        indicator("IND-LE4", None, Some("LE4.R1")),
    )
    .await;
    create(&app, ADE, Kind::Measurement, measurement(&le4, 2023, "11")).await;
    refused(
        &app,
        SRI,
        &Kind::Measurement.create_doc(),
        create_vars(&measurement(&le4, 2023, "11"), false),
        "FORBIDDEN",
    )
    .await;
}

#[tokio::test]
async fn update_progress_update_role_matrix() {
    let app = TestApp::new().await;
    let input = progress("LE1.1", 2023, "IN_PROGRESS", 40);
    let changed = progress("LE1.1", 2023, "IN_PROGRESS", 55);
    // A draft: only its unit (and the area above it) and coordinators see it and change it.
    update_matrix(
        &app,
        Kind::Progress,
        SRI,
        &input,
        &changed,
        false,
        &[
            (Anonymous, NotFound),
            (Reader, Forbidden),
            (SRI, Allowed),
            (AIC, Allowed),
            (ADE, NotFound),
            (HOSPITALET, NotFound),
            (BARCELONA, NotFound),
            (Admin, Allowed),
        ],
    )
    .await;
    // Published: everyone sees it; only a coordinator changes it.
    update_matrix(
        &app,
        Kind::Progress,
        SRI,
        &input,
        &changed,
        true,
        &[
            (Anonymous, Forbidden),
            (Reader, Forbidden),
            (SRI, Forbidden),
            (AIC, Forbidden),
            (ADE, Forbidden),
            (HOSPITALET, Forbidden),
            (BARCELONA, Forbidden),
            (Admin, Allowed),
        ],
    )
    .await;
    // Submitted: out of the reporter's hands until returned.
    let submitted = create_submitted(&app, SRI, Kind::Progress, input.clone()).await;
    refused(
        &app,
        SRI,
        &Kind::Progress.update_doc(),
        update_vars(&submitted, &changed),
        "FORBIDDEN",
    )
    .await;
    // A unit cannot move its update to an action it is not responsible for.
    let own = create(&app, SRI, Kind::Progress, input.clone()).await;
    let elsewhere = progress("LE4.1", 2023, "IN_PROGRESS", 55);
    refused(
        &app,
        SRI,
        &Kind::Progress.update_doc(),
        update_vars(&own, &elsewhere),
        "FORBIDDEN",
    )
    .await;
}

#[tokio::test]
async fn update_activity_and_funded_project_role_matrix() {
    let app = TestApp::new().await;
    for (kind, input, changed) in [
        (
            Kind::Activity,
            activity("FORUM", "2023-05-01", &["LE1.1"]),
            activity("FORUM", "2023-05-02", &["LE1.1"]),
        ),
        (
            Kind::Project,
            project("2023-01-01", None, "10", "5"),
            project("2023-01-01", None, "10", "6"),
        ),
    ] {
        // A municipality's draft.
        update_matrix(
            &app,
            kind,
            HOSPITALET,
            &input,
            &changed,
            false,
            &[
                (Anonymous, NotFound),
                (Reader, Forbidden),
                (SRI, NotFound),
                (AIC, NotFound),
                (ADE, NotFound),
                (HOSPITALET, Allowed),
                (BARCELONA, NotFound),
                (Admin, Allowed),
            ],
        )
        .await;
        // An area's draft.
        update_matrix(
            &app,
            kind,
            SRI,
            &input,
            &changed,
            false,
            &[
                (Anonymous, NotFound),
                (Reader, Forbidden),
                (SRI, Allowed),
                (AIC, Allowed),
                (ADE, NotFound),
                (HOSPITALET, NotFound),
                (BARCELONA, NotFound),
                (Admin, Allowed),
            ],
        )
        .await;
        // Published: visible to all, changed by coordinators only.
        update_matrix(
            &app,
            kind,
            HOSPITALET,
            &input,
            &changed,
            true,
            &[
                (Anonymous, Forbidden),
                (Reader, Forbidden),
                (SRI, Forbidden),
                (AIC, Forbidden),
                (ADE, Forbidden),
                (HOSPITALET, Forbidden),
                (BARCELONA, Forbidden),
                (Admin, Allowed),
            ],
        )
        .await;
    }
}

#[tokio::test]
async fn update_indicator_and_evaluation_role_matrix() {
    let app = TestApp::new().await;
    let draft_cases = [
        (Anonymous, NotFound),
        (Reader, Forbidden),
        (SRI, NotFound),
        (AIC, NotFound),
        (ADE, NotFound),
        (HOSPITALET, NotFound),
        (BARCELONA, NotFound),
        (Admin, Allowed),
    ];
    let published_cases = [
        (Anonymous, Forbidden),
        (Reader, Forbidden),
        (SRI, Forbidden),
        (AIC, Forbidden),
        (ADE, Forbidden),
        (HOSPITALET, Forbidden),
        (BARCELONA, Forbidden),
        (Admin, Allowed),
    ];
    let mut changed = evaluation("MID_TERM");
    changed["status"] = json!("IN_PROGRESS");
    for (published, cases) in [(false, &draft_cases), (true, &published_cases)] {
        update_matrix(
            &app,
            Kind::Evaluation,
            Admin,
            &evaluation("MID_TERM"),
            &changed,
            published,
            cases,
        )
        .await;
    }
    // Indicators need a fresh code each.
    for (published, cases) in [(false, &draft_cases), (true, &published_cases)] {
        for (i, (who, outcome)) in cases.iter().enumerate() {
            let code = format!("IND-{published}-{i}");
            let mut rec = create(
                &app,
                Admin,
                Kind::Indicator,
                indicator(&code, Some("LE1.1"), None),
            )
            .await;
            if published {
                rec = publish(&app, &rec).await;
            }
            let mut changed = indicator(&code, Some("LE1.1"), None);
            changed["targetValue"] = json!("25");
            attempt(
                &app,
                *who,
                &Kind::Indicator.update_doc(),
                update_vars(&rec, &changed),
                *outcome,
            )
            .await;
        }
    }
}

#[tokio::test]
async fn update_measurement_role_matrix() {
    let app = TestApp::new().await;
    let ind = le11_indicator(&app, "IND-1").await;
    let input = measurement(&ind, 2023, "12");
    let changed = measurement(&ind, 2023, "13");
    update_matrix(
        &app,
        Kind::Measurement,
        SRI,
        &input,
        &changed,
        false,
        &[
            (Anonymous, NotFound),
            (Reader, Forbidden),
            (SRI, Allowed),
            (AIC, Allowed),
            (ADE, NotFound),
            (HOSPITALET, NotFound),
            (BARCELONA, NotFound),
            (Admin, Allowed),
        ],
    )
    .await;
    update_matrix(
        &app,
        Kind::Measurement,
        SRI,
        &input,
        &changed,
        true,
        &[
            (Anonymous, Forbidden),
            (Reader, Forbidden),
            (SRI, Forbidden),
            (AIC, Forbidden),
            (ADE, Forbidden),
            (HOSPITALET, Forbidden),
            (BARCELONA, Forbidden),
            (Admin, Allowed),
        ],
    )
    .await;
}

#[tokio::test]
async fn submit_record_role_matrix() {
    let app = TestApp::new().await;
    let cases = [
        (
            SRI,
            progress("LE1.1", 2023, "IN_PROGRESS", 40),
            Kind::Progress,
            [
                (Anonymous, NotFound),
                (Reader, Forbidden),
                (SRI, Allowed),
                (AIC, Allowed),
                (ADE, NotFound),
                (HOSPITALET, NotFound),
                (BARCELONA, NotFound),
                (Admin, Allowed),
            ],
        ),
        (
            HOSPITALET,
            activity("EVENT", "2023-04-23", &[]),
            Kind::Activity,
            [
                (Anonymous, NotFound),
                (Reader, Forbidden),
                (SRI, NotFound),
                (AIC, NotFound),
                (ADE, NotFound),
                (HOSPITALET, Allowed),
                (BARCELONA, NotFound),
                (Admin, Allowed),
            ],
        ),
        (
            Admin,
            indicator("IND-S", Some("LE1.1"), None),
            Kind::Indicator,
            [
                (Anonymous, NotFound),
                (Reader, Forbidden),
                (SRI, NotFound),
                (AIC, NotFound),
                (ADE, NotFound),
                (HOSPITALET, NotFound),
                (BARCELONA, NotFound),
                (Admin, Allowed),
            ],
        ),
    ];
    for (owner, input, kind, matrix) in cases {
        for (who, outcome) in matrix {
            let mut input = input.clone();
            if kind == Kind::Indicator {
                input["code"] = json!(format!("IND-{who:?}").replace(['(', ')', '"', ' '], ""));
            }
            let rec = create(&app, owner, kind, input).await;
            let data = attempt(&app, who, SUBMIT, rec_vars(&rec), outcome).await;
            if outcome == Allowed {
                assert_eq!(data["r"]["state"], "SUBMITTED", "{who:?}");
            }
        }
    }
}

#[tokio::test]
async fn publish_return_and_archive_role_matrix() {
    let app = TestApp::new().await;
    let reviewers = [
        (Anonymous, Forbidden),
        (Reader, Forbidden),
        (SRI, Forbidden),
        (AIC, Forbidden),
        (ADE, Forbidden),
        (HOSPITALET, Forbidden),
        (BARCELONA, Forbidden),
        (Admin, Allowed),
    ];
    for (doc, to) in [
        (PUBLISH, "PUBLISHED"),
        (RETURN, "RETURNED"),
        (ARCHIVE, "ARCHIVED"),
    ] {
        for (who, outcome) in reviewers {
            // Every kind of owner: an area's update and a municipality's activity.
            let records = [
                create_submitted(
                    &app,
                    SRI,
                    Kind::Progress,
                    progress("LE1.1", 2023, "IN_PROGRESS", 40),
                )
                .await,
                create_submitted(
                    &app,
                    HOSPITALET,
                    Kind::Activity,
                    activity("EVENT", "2023-04-23", &[]),
                )
                .await,
            ];
            for rec in records {
                let vars = json!({ "id": rec.id, "v": rec.version, "comment": { "ca": "Cal revisar-ho" } });
                let vars = if doc == RETURN { vars } else { rec_vars(&rec) };
                let data = attempt(&app, who, doc, vars, outcome).await;
                if outcome == Allowed {
                    assert_eq!(data["r"]["state"], to, "{who:?}");
                }
            }
        }
    }
}

#[tokio::test]
async fn reporting_years_and_annual_reports_are_managed_by_coordinators_only() {
    let app = TestApp::new().await;
    for (who, outcome) in [
        (Anonymous, Forbidden),
        (Reader, Forbidden),
        (SRI, Forbidden),
        (AIC, Forbidden),
        (ADE, Forbidden),
        (HOSPITALET, Forbidden),
        (BARCELONA, Forbidden),
        (Admin, Allowed),
    ] {
        attempt(
            &app,
            who,
            "mutation { closeReportingYear(year: 2024) { closed } }",
            json!({}),
            outcome,
        )
        .await;
        attempt(
            &app,
            who,
            "mutation { openReportingYear(year: 2024) { closed } }",
            json!({}),
            outcome,
        )
        .await;
        attempt(
            &app,
            who,
            "mutation { publishAnnualReport(year: 2021) { published } }",
            json!({}),
            outcome,
        )
        .await;
    }
}

// =============================================================================================
// Optimistic concurrency
// =============================================================================================

#[tokio::test]
async fn a_stale_expected_version_is_a_conflict_that_changes_nothing() {
    let app = TestApp::new().await;
    let v1 = create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2023, "IN_PROGRESS", 40),
    )
    .await;
    let v2 = update(
        &app,
        SRI,
        Kind::Progress,
        &v1,
        progress("LE1.1", 2023, "IN_PROGRESS", 50),
    )
    .await;
    let doc = Kind::Progress.update_doc();
    for stale in [1, 3] {
        let rec = Rec {
            id: v1.id.clone(),
            version: stale,
        };
        let reply = refused(
            &app,
            SRI,
            &doc,
            update_vars(&rec, &progress("LE1.1", 2023, "IN_PROGRESS", 60)),
            "CONFLICT",
        )
        .await;
        assert_eq!(reply.body["errors"][0]["extensions"]["currentVersion"], 2);
        assert!(
            reply.error_message().contains("version 2"),
            "{}",
            reply.body
        );
        for review in [SUBMIT, PUBLISH, ARCHIVE] {
            let who = if review == SUBMIT { SRI } else { Admin };
            let reply = refused(&app, who, review, rec_vars(&rec), "CONFLICT").await;
            assert_eq!(reply.body["errors"][0]["extensions"]["currentVersion"], 2);
        }
    }
    let seen = node(&app, SRI, &v2.id, PROGRESS_FIELDS).await;
    assert_eq!(
        (&seen["version"], &seen["percentComplete"]),
        (&json!(2), &json!(50))
    );
    let reply = refused(
        &app,
        Admin,
        "mutation { closeReportingYear(year: 2023, expectedVersion: 7) { year } }",
        json!({}),
        "CONFLICT",
    )
    .await;
    assert_eq!(reply.body["errors"][0]["extensions"]["currentVersion"], 1);
}

#[tokio::test]
async fn of_two_concurrent_updates_at_the_same_version_exactly_one_wins() {
    let app = TestApp::new().await;
    let doc = Kind::Progress.update_doc();
    for round in 0..10 {
        let rec = create(
            &app,
            SRI,
            Kind::Progress,
            progress("LE1.1", 2023, "IN_PROGRESS", 10),
        )
        .await;
        let before = world(&app).await;
        let (a, b) = tokio::join!(
            gql(
                &app,
                SRI,
                &doc,
                update_vars(&rec, &progress("LE1.1", 2023, "IN_PROGRESS", 30))
            ),
            gql(
                &app,
                Admin,
                &doc,
                update_vars(&rec, &progress("LE1.1", 2023, "DELAYED", 60))
            ),
        );
        let (winner, loser, percent) = match (a.error_code(), b.error_code()) {
            (None, Some(_)) => (&a, &b, 30),
            (Some(_), None) => (&b, &a, 60),
            _ => panic!(
                "round {round}: exactly one must win: {} / {}",
                a.body, b.body
            ),
        };
        assert_eq!(winner.body["data"]["r"]["version"], 2, "round {round}");
        assert_eq!(
            loser.error_code(),
            Some("CONFLICT"),
            "round {round}: {}",
            loser.body
        );
        assert_eq!(loser.body["errors"][0]["extensions"]["currentVersion"], 2);
        let seen = node(&app, Admin, &rec.id, PROGRESS_FIELDS).await;
        assert_eq!(
            (&seen["version"], &seen["percentComplete"]),
            (&json!(2), &json!(percent))
        );
        // One write, one audit entry.
        let after = world(&app).await;
        assert_eq!(
            after["auditLog"]["totalCount"].as_i64(),
            before["auditLog"]["totalCount"].as_i64().map(|n| n + 1)
        );
    }
}

#[tokio::test]
async fn of_two_concurrent_review_steps_at_the_same_version_exactly_one_wins() {
    let app = TestApp::new().await;
    for round in 0..10 {
        let rec = create_submitted(
            &app,
            SRI,
            Kind::Progress,
            progress("LE1.1", 2023, "IN_PROGRESS", 10),
        )
        .await;
        let (a, b) = tokio::join!(
            gql(&app, Admin, PUBLISH, rec_vars(&rec)),
            gql(&app, Admin, ARCHIVE, rec_vars(&rec)),
        );
        let codes = [a.error_code(), b.error_code()];
        assert!(
            codes == [None, Some("CONFLICT")] || codes == [Some("CONFLICT"), None],
            "round {round}: {} / {}",
            a.body,
            b.body
        );
        let seen = node(
            &app,
            Admin,
            &rec.id,
            "... on ProgressUpdate { state version }",
        )
        .await;
        assert_eq!(seen["version"], 2);
        let expected = if codes[0].is_none() {
            "PUBLISHED"
        } else {
            "ARCHIVED"
        };
        assert_eq!(seen["state"], expected, "round {round}");
    }
}

// =============================================================================================
// Idempotent creation
// =============================================================================================

#[tokio::test]
async fn retrying_a_create_with_the_same_key_returns_the_same_record() {
    let app = TestApp::new().await;
    let doc = Kind::Progress.create_doc();
    let input = progress("LE1.1", 2023, "IN_PROGRESS", 40);
    let vars = json!({ "input": input, "key": "6f1c2a8e-retry", "submit": false });
    let first = ok(&app, SRI, &doc, vars.clone()).await;
    let after_first = world(&app).await;
    let retry = ok(&app, SRI, &doc, vars.clone()).await;
    assert_eq!(retry, first);
    assert_eq!(
        world(&app).await,
        after_first,
        "a retry creates no twin and no audit entry"
    );
    assert_eq!(after_first["progressUpdates"]["totalCount"], 1);
    assert_eq!(after_first["auditLog"]["totalCount"], 1);
    // The key is the caller's: another caller sending the very same request gets its own record.
    let other = ok(&app, Admin, &doc, vars).await;
    assert_ne!(other["r"]["id"], first["r"]["id"]);
    assert_eq!(world(&app).await["progressUpdates"]["totalCount"], 2);
}

#[tokio::test]
async fn reusing_a_key_for_a_different_request_is_a_conflict() {
    let app = TestApp::new().await;
    let key = "c0ffee-0001";
    let input = progress("LE1.1", 2023, "IN_PROGRESS", 40);
    ok(
        &app,
        SRI,
        &Kind::Progress.create_doc(),
        json!({ "input": input, "key": key, "submit": false }),
    )
    .await;
    let different = progress("LE1.1", 2023, "IN_PROGRESS", 41);
    let cases = [
        (Kind::Progress, different, false),
        // The same input submitted at once is a different request too.
        (Kind::Progress, input.clone(), true),
        (Kind::Activity, activity("FORUM", "2023-05-01", &[]), false),
    ];
    for (kind, input, submit) in cases {
        let vars = json!({ "input": input, "key": key, "submit": submit });
        let reply = refused(&app, SRI, &kind.create_doc(), vars, "CONFLICT").await;
        assert_eq!(
            reply.error_message(),
            "this idempotency key was already used for a different request"
        );
        assert!(
            reply.body["errors"][0]["extensions"]
                .get("currentVersion")
                .is_none()
        );
    }
}

#[tokio::test]
async fn concurrent_retries_with_the_same_key_create_one_record() {
    let app = TestApp::new().await;
    let doc = Kind::Progress.create_doc();
    for round in 0..10 {
        let vars = json!({
            "input": progress("LE1.1", 2023, "IN_PROGRESS", 40 + round),
            "key": format!("concurrent-{round}"), "submit": false,
        });
        let (a, b) = tokio::join!(
            gql(&app, SRI, &doc, vars.clone()),
            gql(&app, SRI, &doc, vars)
        );
        assert!(a.body.get("errors").is_none(), "{}", a.body);
        assert!(b.body.get("errors").is_none(), "{}", b.body);
        assert_eq!(a.body["data"]["r"]["id"], b.body["data"]["r"]["id"]);
    }
    let all = world(&app).await;
    assert_eq!(all["progressUpdates"]["totalCount"], 10);
    assert_eq!(all["auditLog"]["totalCount"], 10);
}

// =============================================================================================
// Visibility
// =============================================================================================

#[tokio::test]
async fn anonymous_sees_exactly_the_published_records() {
    let app = TestApp::new().await;
    let ind = le11_indicator(&app, "IND-1").await;
    let draft_ind = create(
        &app,
        Admin,
        Kind::Indicator,
        indicator("IND-2", Some("LE1.2"), None),
    )
    .await;
    let pu = create_published(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2023, "IN_PROGRESS", 40),
    )
    .await;
    let pu_draft = create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2024, "IN_PROGRESS", 60),
    )
    .await;
    let pu_submitted = create_submitted(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.2", 2024, "DELAYED", 10),
    )
    .await;
    let act = create_published(
        &app,
        HOSPITALET,
        Kind::Activity,
        activity("EVENT", "2023-04-23", &[]),
    )
    .await;
    let act_draft = create(
        &app,
        HOSPITALET,
        Kind::Activity,
        activity("EVENT", "2023-05-23", &[]),
    )
    .await;
    let proj = create_published(
        &app,
        SRI,
        Kind::Project,
        project("2022-01-01", None, "10", "5"),
    )
    .await;
    let proj_returned = {
        let r = create_submitted(
            &app,
            SRI,
            Kind::Project,
            project("2022-02-01", None, "10", "5"),
        )
        .await;
        return_with(&app, &r, "Budget?").await
    };
    let m = create_published(&app, SRI, Kind::Measurement, measurement(&ind, 2023, "15")).await;
    let m_draft = create(&app, SRI, Kind::Measurement, measurement(&ind, 2024, "16")).await;
    let ev = create_published(&app, Admin, Kind::Evaluation, evaluation("MID_TERM")).await;
    let ev_draft = create(&app, Admin, Kind::Evaluation, evaluation("FINAL")).await;
    let archived = {
        let r = create_published(
            &app,
            SRI,
            Kind::Progress,
            progress("LE1.3", 2022, "COMPLETED", 100),
        )
        .await;
        step(&app, Admin, ARCHIVE, &r).await
    };

    for (field, published) in [
        ("progressUpdates", vec![&pu]),
        ("activities", vec![&act]),
        ("fundedProjects", vec![&proj]),
        ("indicators", vec![&ind]),
        ("evaluations", vec![&ev]),
    ] {
        assert_eq!(
            list(&app, Anonymous, field, json!({})).await,
            id_list(&published),
            "{field}"
        );
    }
    let measured = node(
        &app,
        Anonymous,
        &ind.id,
        "... on Indicator { measurements { id } }",
    )
    .await;
    assert_eq!(ids(&measured["measurements"]), id_list(&[&m]));
    for hidden in [
        &draft_ind,
        &pu_draft,
        &pu_submitted,
        &act_draft,
        &proj_returned,
        &m_draft,
        &ev_draft,
        &archived,
    ] {
        assert_eq!(
            node(&app, Anonymous, &hidden.id, "").await,
            Value::Null,
            "{hidden:?}"
        );
    }
    for shown in [&ind, &pu, &act, &proj, &m, &ev] {
        assert_eq!(
            node(&app, Anonymous, &shown.id, "").await["id"],
            json!(shown.id)
        );
    }
    let action = ok(
        &app,
        Anonymous,
        r#"{ action(code: "LE1.1") { progressHistory { id } currentProgress { id } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(
        action["action"],
        json!({ "progressHistory": [{ "id": pu.id }], "currentProgress": { "id": pu.id } })
    );
    let muni = ok(
        &app,
        Anonymous,
        r#"{ municipality(ineCode: "08101") { activities { id } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(
        muni["municipality"]["activities"],
        json!([{ "id": act.id }])
    );
}

#[tokio::test]
async fn each_role_sees_published_records_and_its_own_unpublished_ones() {
    let app = TestApp::new().await;
    let sri_draft = create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2023, "IN_PROGRESS", 40),
    )
    .await;
    let sri_pub = create_published(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.2", 2023, "IN_PROGRESS", 40),
    )
    .await;
    let ade_draft = create(
        &app,
        ADE,
        Kind::Progress,
        progress("LE4.1", 2023, "IN_PROGRESS", 40),
    )
    .await;
    let admin_draft = create(
        &app,
        Admin,
        Kind::Progress,
        progress("LE1.3", 2023, "IN_PROGRESS", 40),
    )
    .await;
    let sri_returned = {
        let r = create_submitted(
            &app,
            SRI,
            Kind::Progress,
            progress("LE1.1", 2022, "IN_PROGRESS", 20),
        )
        .await;
        return_with(&app, &r, "Missing narrative").await
    };
    let h_draft = create(
        &app,
        HOSPITALET,
        Kind::Activity,
        activity("EVENT", "2023-04-23", &[]),
    )
    .await;
    let b_draft = create(
        &app,
        BARCELONA,
        Kind::Activity,
        activity("EVENT", "2023-04-24", &[]),
    )
    .await;
    let sri_act = {
        let mut input = activity("FORUM", "2023-06-01", &["LE1.1"]);
        input["municipalities"] = json!(["08101"]);
        create(&app, SRI, Kind::Activity, input).await
    };
    let pub_act = {
        let mut input = activity("FORUM", "2023-07-01", &["LE1.2"]);
        input["municipalities"] = json!(["08101"]);
        create_published(&app, Admin, Kind::Activity, input).await
    };

    let every_update = [
        &sri_draft,
        &sri_pub,
        &ade_draft,
        &admin_draft,
        &sri_returned,
    ];
    let every_activity = [&h_draft, &b_draft, &sri_act, &pub_act];
    let sri_updates = [&sri_draft, &sri_pub, &sri_returned];
    let cases: [(Who, Recs, Recs, Recs, Recs); 8] = [
        // who, progress updates, activities, 08101's activities, LE1.1's history
        (Anonymous, &[&sri_pub], &[&pub_act], &[&pub_act], &[]),
        (
            Reader,
            &every_update,
            &every_activity,
            &[&sri_act, &pub_act, &h_draft],
            &[&sri_draft, &sri_returned],
        ),
        (
            SRI,
            &sri_updates,
            &[&sri_act, &pub_act],
            &[&sri_act, &pub_act],
            &[&sri_draft, &sri_returned],
        ),
        (
            AIC,
            &sri_updates,
            &[&sri_act, &pub_act],
            &[&sri_act, &pub_act],
            &[&sri_draft, &sri_returned],
        ),
        (ADE, &[&sri_pub, &ade_draft], &[&pub_act], &[&pub_act], &[]),
        (
            HOSPITALET,
            &[&sri_pub],
            &[&h_draft, &pub_act],
            &[&h_draft, &pub_act],
            &[],
        ),
        (
            BARCELONA,
            &[&sri_pub],
            &[&b_draft, &pub_act],
            &[&pub_act],
            &[],
        ),
        (
            Admin,
            &every_update,
            &every_activity,
            &[&sri_act, &pub_act, &h_draft],
            &[&sri_draft, &sri_returned],
        ),
    ];
    for (who, updates, activities, of_hospitalet, history) in cases {
        assert_eq!(
            sorted(list(&app, who, "progressUpdates", json!({})).await),
            sorted(id_list(updates)),
            "{who:?} progress updates"
        );
        assert_eq!(
            sorted(list(&app, who, "activities", json!({})).await),
            sorted(id_list(activities)),
            "{who:?} activities"
        );
        let data = ok(
            &app,
            who,
            r#"{ municipality(ineCode: "08101") { activities { id } }
                 action(code: "LE1.1") { progressHistory { id } } }"#,
            json!({}),
        )
        .await;
        assert_eq!(
            sorted(ids(&data["municipality"]["activities"])),
            sorted(id_list(of_hospitalet)),
            "{who:?} 08101"
        );
        // Newest first: 2023 before 2022.
        assert_eq!(
            ids(&data["action"]["progressHistory"]),
            id_list(history),
            "{who:?} history"
        );
        for rec in every_update.iter().chain(every_activity.iter()) {
            let seen = node(&app, who, &rec.id, "").await;
            let visible = updates.contains(rec) || activities.contains(rec);
            assert_eq!(!seen.is_null(), visible, "{who:?} node {rec:?}");
        }
    }
}

// =============================================================================================
// The audit trail
// =============================================================================================

const LAST_ENTRY: &str = "{ auditLog(first: 1) { nodes { sequence at actorSubject actorRole
    actorUnit actorMunicipality recordType recordId operation before after requestId } } }";

/// The newest audit entry.
async fn last_entry(app: &TestApp) -> Value {
    ok(app, Admin, LAST_ENTRY, json!({})).await["auditLog"]["nodes"][0].clone()
}

/// Sends a write with an `x-request-id` and returns its data and the id the server echoed.
async fn write_with_id(
    app: &TestApp,
    who: Who,
    query: &str,
    vars: Value,
    id: &str,
) -> (Value, String) {
    let reply = gql_with(app, who, query, vars, &[("x-request-id", id)]).await;
    assert!(reply.body.get("errors").is_none(), "{}", reply.body);
    let echoed = reply.headers["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    (reply.body["data"].clone(), echoed)
}

#[tokio::test]
async fn every_write_leaves_an_audit_entry_with_actor_snapshots_and_request_id() {
    let app = TestApp::new().await;
    // Create, as an area, with the client's request id.
    let input = progress("LE1.1", 2023, "IN_PROGRESS", 40);
    let (data, rid) = write_with_id(
        &app,
        SRI,
        &Kind::Progress.create_doc(),
        create_vars(&input, false),
        "req-create-1",
    )
    .await;
    assert_eq!(rid, "req-create-1");
    let rec = Rec::of(&data["r"]);
    let e = last_entry(&app).await;
    assert_eq!(
        (
            &e["operation"],
            &e["actorSubject"],
            &e["actorRole"],
            &e["actorUnit"],
            &e["actorMunicipality"]
        ),
        (
            &json!("CREATE"),
            &json!("test-area"),
            &json!("area"),
            &json!("AMB-SRI"),
            &Value::Null
        )
    );
    assert_eq!(
        (&e["recordType"], &e["recordId"]),
        (&json!("ProgressUpdate"), &json!(rec.id))
    );
    assert_eq!(e["requestId"], "req-create-1");
    assert_eq!(e["before"], Value::Null);
    assert_eq!(e["after"]["state"], "DRAFT");
    assert_eq!(e["after"]["version"], 1);
    assert_eq!(e["after"]["year"], 2023);
    assert_eq!(e["after"]["type"], "PROGRESS_UPDATE");
    assert_eq!(e["after"]["payload"]["percent_complete"], 40);
    assert_eq!(e["after"]["payload"]["action"], "LE1.1");
    assert_eq!(
        e["after"]["links"],
        json!([["ACTION", "LE1.1"], ["LINE", "LE1"]])
    );
    assert!(e["at"].as_str().is_some_and(|t| t.ends_with('Z')));
    let mut sequence = e["sequence"].as_i64().expect("a sequence");

    // Every later write, with before and after.
    let updated = progress("LE1.1", 2023, "IN_PROGRESS", 55);
    let steps: Vec<(&str, Who, String, Value, &str, &str)> = vec![
        (
            "UPDATE",
            SRI,
            Kind::Progress.update_doc(),
            json!({ "input": updated }),
            "DRAFT",
            "DRAFT",
        ),
        (
            "SUBMIT",
            SRI,
            SUBMIT.to_owned(),
            json!({}),
            "DRAFT",
            "SUBMITTED",
        ),
        (
            "RETURN",
            Admin,
            RETURN.to_owned(),
            json!({ "comment": { "en": "Evidence?" } }),
            "SUBMITTED",
            "RETURNED",
        ),
        (
            "SUBMIT",
            SRI,
            SUBMIT.to_owned(),
            json!({}),
            "RETURNED",
            "SUBMITTED",
        ),
        (
            "PUBLISH",
            Admin,
            PUBLISH.to_owned(),
            json!({}),
            "SUBMITTED",
            "PUBLISHED",
        ),
        (
            "ARCHIVE",
            Admin,
            ARCHIVE.to_owned(),
            json!({}),
            "PUBLISHED",
            "ARCHIVED",
        ),
    ];
    for (version, (operation, who, doc, extra, from, to)) in (rec.version..).zip(steps) {
        let mut vars = json!({ "id": rec.id, "v": version });
        for (k, v) in extra.as_object().expect("an object") {
            vars[k] = v.clone();
        }
        // Without a client id the server makes one up and returns it.
        let reply = gql(&app, who, &doc, vars).await;
        assert!(
            reply.body.get("errors").is_none(),
            "{operation}: {}",
            reply.body
        );
        let rid = reply.headers["x-request-id"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert_eq!(rid.len(), 36, "{operation}: a UUID");
        let e = last_entry(&app).await;
        assert!(e["sequence"].as_i64() > Some(sequence), "{operation}");
        sequence = e["sequence"].as_i64().expect("a sequence");
        assert_eq!(e["operation"], operation);
        assert_eq!(e["requestId"], rid, "{operation}");
        assert_eq!(e["recordId"], json!(rec.id));
        let (subject, role) = if who == Admin {
            ("test-admin", "admin")
        } else {
            ("test-area", "area")
        };
        assert_eq!(
            (&e["actorSubject"], &e["actorRole"]),
            (&json!(subject), &json!(role)),
            "{operation}"
        );
        assert_eq!(
            (&e["before"]["state"], &e["after"]["state"]),
            (&json!(from), &json!(to)),
            "{operation}"
        );
        assert_eq!(e["before"]["version"], version, "{operation}");
        assert_eq!(e["after"]["version"], version + 1, "{operation}");
        if operation == "UPDATE" {
            assert_eq!(e["before"]["payload"]["percent_complete"], 40);
            assert_eq!(e["after"]["payload"]["percent_complete"], 55);
        }
        if operation == "RETURN" {
            assert_eq!(e["after"]["reviewComment"], json!({ "en": "Evidence?" }));
        }
    }

    // A municipality's write names the municipality.
    let (_, rid) = write_with_id(
        &app,
        HOSPITALET,
        &Kind::Activity.create_doc(),
        create_vars(&activity("EVENT", "2023-04-23", &[]), false),
        "req-muni-7",
    )
    .await;
    let e = last_entry(&app).await;
    assert_eq!(
        (
            &e["actorRole"],
            &e["actorUnit"],
            &e["actorMunicipality"],
            &e["requestId"]
        ),
        (
            &json!("municipality"),
            &Value::Null,
            &json!("08101"),
            &json!(rid)
        )
    );

    // Years and reports.
    let (_, rid) = write_with_id(
        &app,
        Admin,
        "mutation { closeReportingYear(year: 2022) { year } }",
        json!({}),
        "req-close",
    )
    .await;
    let e = last_entry(&app).await;
    assert_eq!(
        (
            &e["operation"],
            &e["recordType"],
            &e["recordId"],
            &e["requestId"]
        ),
        (
            &json!("CLOSE_YEAR"),
            &json!("ReportingYear"),
            &Value::Null,
            &json!(rid)
        )
    );
    assert_eq!(
        e["before"],
        json!({ "year": 2022, "closed": false, "version": 1 })
    );
    assert_eq!(
        e["after"],
        json!({ "year": 2022, "closed": true, "version": 2 })
    );
    write_with_id(
        &app,
        Admin,
        "mutation { openReportingYear(year: 2022) { year } }",
        json!({}),
        "req-open",
    )
    .await;
    let e = last_entry(&app).await;
    assert_eq!(
        (&e["operation"], &e["requestId"]),
        (&json!("OPEN_YEAR"), &json!("req-open"))
    );
    assert_eq!(
        e["after"],
        json!({ "year": 2022, "closed": false, "version": 3 })
    );
    write_with_id(
        &app,
        Admin,
        "mutation { publishAnnualReport(year: 2023) { year } }",
        json!({}),
        "req-report",
    )
    .await;
    let e = last_entry(&app).await;
    assert_eq!(
        (
            &e["operation"],
            &e["recordType"],
            &e["requestId"],
            &e["after"]
        ),
        (
            &json!("PUBLISH_REPORT"),
            &json!("AnnualReport"),
            &json!("req-report"),
            &json!({ "year": 2023 })
        )
    );

    // The filters.
    let updates = ok(
        &app,
        Admin,
        r#"{ auditLog(filter: { operation: "SUBMIT", actorSubject: "test-area" }) { totalCount } }"#,
        json!({}),
    )
    .await;
    assert_eq!(updates["auditLog"]["totalCount"], 2);
    let reply = refused(
        &app,
        Admin,
        r#"{ auditLog(filter: { operation: "DELETE" }) { totalCount } }"#,
        json!({}),
        "BAD_USER_INPUT",
    )
    .await;
    assert_eq!(
        reply.body["errors"][0]["extensions"]["field"],
        "filter.operation"
    );
}

/// Writes `query` as `who`, checking it appends exactly one audit entry, for `operation` on a
/// `record_type`, with the request's id; returns the data.
async fn audited(
    app: &TestApp,
    who: Who,
    query: &str,
    vars: Value,
    (operation, record_type): (&str, &str),
) -> Value {
    let count = || async { world(app).await["auditLog"]["totalCount"].as_i64() };
    let before = count().await.expect("a count");
    let reply = gql(app, who, query, vars).await;
    assert!(
        reply.body.get("errors").is_none(),
        "{operation}: {}",
        reply.body
    );
    let request_id = reply.headers["x-request-id"].to_str().expect("ascii");
    assert_eq!(count().await, Some(before + 1), "{operation} {record_type}");
    let e = last_entry(app).await;
    assert_eq!(
        (&e["operation"], &e["recordType"], &e["requestId"]),
        (&json!(operation), &json!(record_type), &json!(request_id))
    );
    reply.body["data"].clone()
}

#[tokio::test]
async fn every_mutation_appends_exactly_one_audit_entry() {
    let app = TestApp::new().await;
    let mut records = Vec::new();
    for (who, kind, input, changed) in [
        (
            SRI,
            Kind::Progress,
            progress("LE1.1", 2023, "IN_PROGRESS", 40),
            progress("LE1.1", 2023, "IN_PROGRESS", 50),
        ),
        (
            HOSPITALET,
            Kind::Activity,
            activity("EVENT", "2023-04-23", &[]),
            activity("EVENT", "2023-04-24", &[]),
        ),
        (
            ADE,
            Kind::Project,
            project("2023-01-01", None, "10", "5"),
            project("2023-01-01", None, "10", "6"),
        ),
        (
            Admin,
            Kind::Indicator,
            indicator("IND-1", Some("LE1.1"), None),
            indicator("IND-1", Some("LE1.1"), Some("LE1.R1")),
        ),
        (
            Admin,
            Kind::Evaluation,
            evaluation("MID_TERM"),
            evaluation("FINAL"),
        ),
    ] {
        let data = audited(
            &app,
            who,
            &kind.create_doc(),
            create_vars(&input, false),
            ("CREATE", kind.name()),
        )
        .await;
        let rec = Rec::of(&data["r"]);
        let data = audited(
            &app,
            who,
            &kind.update_doc(),
            update_vars(&rec, &changed),
            ("UPDATE", kind.name()),
        )
        .await;
        records.push((who, kind, Rec::of(&data["r"])));
    }
    let ind = records[3].2.clone();
    let ind =
        Rec::of(&audited(&app, Admin, SUBMIT, rec_vars(&ind), ("SUBMIT", "Indicator")).await["r"]);
    let ind = Rec::of(
        &audited(
            &app,
            Admin,
            PUBLISH,
            rec_vars(&ind),
            ("PUBLISH", "Indicator"),
        )
        .await["r"],
    );
    let data = audited(
        &app,
        SRI,
        &Kind::Measurement.create_doc(),
        create_vars(&measurement(&ind, 2023, "12"), false),
        ("CREATE", "Measurement"),
    )
    .await;
    let m = Rec::of(&data["r"]);
    audited(
        &app,
        SRI,
        &Kind::Measurement.update_doc(),
        update_vars(&m, &measurement(&ind, 2023, "13")),
        ("UPDATE", "Measurement"),
    )
    .await;
    let (who, kind, pu) = records[0].clone();
    let pu =
        Rec::of(&audited(&app, who, SUBMIT, rec_vars(&pu), ("SUBMIT", kind.name())).await["r"]);
    let vars = json!({ "id": pu.id, "v": pu.version, "comment": { "es": "Falta evidencia" } });
    let pu = Rec::of(&audited(&app, Admin, RETURN, vars, ("RETURN", kind.name())).await["r"]);
    let pu =
        Rec::of(&audited(&app, who, SUBMIT, rec_vars(&pu), ("SUBMIT", kind.name())).await["r"]);
    let pu = Rec::of(
        &audited(
            &app,
            Admin,
            PUBLISH,
            rec_vars(&pu),
            ("PUBLISH", kind.name()),
        )
        .await["r"],
    );
    audited(
        &app,
        Admin,
        ARCHIVE,
        rec_vars(&pu),
        ("ARCHIVE", kind.name()),
    )
    .await;
    audited(
        &app,
        Admin,
        "mutation { closeReportingYear(year: 2024) { year } }",
        json!({}),
        ("CLOSE_YEAR", "ReportingYear"),
    )
    .await;
    audited(
        &app,
        Admin,
        "mutation { openReportingYear(year: 2024) { year } }",
        json!({}),
        ("OPEN_YEAR", "ReportingYear"),
    )
    .await;
    audited(
        &app,
        Admin,
        "mutation { publishAnnualReport(year: 2023) { year } }",
        json!({}),
        ("PUBLISH_REPORT", "AnnualReport"),
    )
    .await;
    // Reads write nothing.
    let before = world(&app).await;
    annual_report(&app, Anonymous, 2024).await;
    ok(
        &app,
        Admin,
        "{ reportingYears { year } auditLog { totalCount } }",
        json!({}),
    )
    .await;
    assert_eq!(world(&app).await, before);
}

#[tokio::test]
async fn a_malformed_request_id_is_replaced_by_a_fresh_one() {
    let app = TestApp::new().await;
    let input = progress("LE1.1", 2023, "IN_PROGRESS", 40);
    let reply = gql_with(
        &app,
        SRI,
        &Kind::Progress.create_doc(),
        create_vars(&input, false),
        &[("x-request-id", "not a valid id!")],
    )
    .await;
    assert!(reply.body.get("errors").is_none(), "{}", reply.body);
    let echoed = reply.headers["x-request-id"].to_str().expect("ascii");
    assert_ne!(echoed, "not a valid id!");
    assert_eq!(echoed.len(), 36);
    assert_eq!(last_entry(&app).await["requestId"], echoed);
}

/// The reporter's token subject identifies a person: only coordinators, readers, the reporter
/// and its own unit (or an area above it) or municipality see it.
#[tokio::test]
async fn the_reporter_s_subject_is_shown_only_to_those_entitled_to_it() {
    let app = TestApp::new().await;
    let bearer = |role: &str, unit: Option<&str>, ine: Option<&str>, sub: &str| {
        let mut c = claims(role, unit, ine);
        c.insert("sub".into(), json!(sub));
        format!("Bearer {}", hs256(&c, TEST_SECRET.as_bytes()))
    };
    let officer = bearer("area", Some("AMB-SRI"), None, "sri-officer");
    let doc = Kind::Progress.create_doc();
    let vars = create_vars(&progress("LE1.1", 2023, "IN_PROGRESS", 40), false);
    let reply = app.post(&doc, vars, &[("authorization", &officer)]).await;
    let rec = publish(&app, &Rec::of(&reply.body["data"]["r"])).await;
    let query =
        "query($id: ID!) { node(id: $id) { ... on ProgressUpdate { reportedBy { subject } } } }";
    for (authorization, subject) in [
        (None, Value::Null),
        (Some(officer.clone()), json!("sri-officer")),
        (
            Some(bearer("area", Some("AMB-SRI"), None, "sri-colleague")),
            json!("sri-officer"),
        ),
        (
            Some(bearer("area", Some("AMB-AIC"), None, "aic-head")),
            json!("sri-officer"),
        ),
        (
            Some(bearer("area", Some("AMB-ADE"), None, "ade-officer")),
            Value::Null,
        ),
        (
            Some(bearer("municipality", None, Some("08101"), "lh-officer")),
            Value::Null,
        ),
        (
            Some(bearer("reader", None, None, "auditor")),
            json!("sri-officer"),
        ),
        (
            Some(bearer("admin", None, None, "coordinator")),
            json!("sri-officer"),
        ),
    ] {
        let headers: Vec<(&str, &str)> = authorization
            .iter()
            .map(|a| ("authorization", a.as_str()))
            .collect();
        let reply = app.post(query, json!({ "id": rec.id }), &headers).await;
        assert_eq!(
            reply.body["data"]["node"]["reportedBy"]["subject"], subject,
            "{authorization:?}: {}",
            reply.body
        );
    }
}

/// Entries of other kinds (reporting years, annual reports) have ids of their own, which may
/// equal a record's: filtering by a record must not mix them in.
#[tokio::test]
async fn the_audit_log_of_a_record_lists_that_record_s_entries_only() {
    let app = TestApp::new().await;
    let rec = create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2023, "IN_PROGRESS", 40),
    )
    .await;
    let rec = update(
        &app,
        SRI,
        Kind::Progress,
        &rec,
        progress("LE1.1", 2023, "IN_PROGRESS", 45),
    )
    .await;
    let rec = step(&app, SRI, SUBMIT, &rec).await;
    let rec = return_with(&app, &rec, "Evidence?").await;
    let rec = step(&app, SRI, SUBMIT, &rec).await;
    let rec = publish(&app, &rec).await;
    step(&app, Admin, ARCHIVE, &rec).await;
    ok(
        &app,
        Admin,
        "mutation { closeReportingYear(year: 2021) { year } }",
        json!({}),
    )
    .await;
    ok(
        &app,
        Admin,
        "mutation { publishAnnualReport(year: 2021) { year } }",
        json!({}),
    )
    .await;
    let query = "query($id: ID!) { auditLog(filter: { record: $id }) { totalCount nodes { operation recordId } } }";
    for who in [Admin, SRI] {
        let trail = ok(&app, who, query, json!({ "id": rec.id })).await;
        let operations: Vec<&str> = trail["auditLog"]["nodes"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|n| n["operation"].as_str().expect("an operation"))
            .collect();
        assert_eq!(
            operations,
            [
                "ARCHIVE", "PUBLISH", "SUBMIT", "RETURN", "SUBMIT", "UPDATE", "CREATE"
            ],
            "{who:?}"
        );
        assert_eq!(trail["auditLog"]["totalCount"], 7, "{who:?}");
    }
}

#[tokio::test]
async fn the_audit_log_shows_each_role_only_entries_about_its_own_records() {
    let app = TestApp::new().await;
    let sri = create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2023, "IN_PROGRESS", 40),
    )
    .await;
    publish(&app, &sri).await;
    let ade = create(
        &app,
        ADE,
        Kind::Progress,
        progress("LE4.1", 2023, "IN_PROGRESS", 40),
    )
    .await;
    let h = create(
        &app,
        HOSPITALET,
        Kind::Activity,
        activity("EVENT", "2023-04-23", &[]),
    )
    .await;
    let admin = create(&app, Admin, Kind::Evaluation, evaluation("MID_TERM")).await;
    ok(
        &app,
        Admin,
        "mutation { closeReportingYear(year: 2021) { year } }",
        json!({}),
    )
    .await;

    let query = "{ auditLog(first: 50) { totalCount nodes { recordId operation } } }";
    for (who, records) in [
        (SRI, vec![&sri, &sri, &sri]),
        (AIC, vec![&sri, &sri, &sri]),
        (ADE, vec![&ade]),
        (HOSPITALET, vec![&h]),
        (BARCELONA, vec![]),
    ] {
        let data = ok(&app, who, query, json!({})).await;
        let seen: Vec<Value> = data["auditLog"]["nodes"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|n| n["recordId"].clone())
            .collect();
        let expected: Vec<Value> = records.iter().map(|r| json!(r.id)).collect();
        assert_eq!(seen, expected, "{who:?}");
        assert_eq!(data["auditLog"]["totalCount"], expected.len(), "{who:?}");
    }
    let all = ok(&app, Admin, query, json!({})).await;
    assert_eq!(all["auditLog"]["totalCount"], 7);
    assert_eq!(all["auditLog"]["nodes"][1]["recordId"], json!(admin.id));
    for who in [Anonymous, Reader] {
        let reply = gql(&app, who, query, json!({})).await;
        assert_eq!(
            reply.error_code(),
            Some("FORBIDDEN"),
            "{who:?}: {}",
            reply.body
        );
        assert_eq!(reply.body["data"], Value::Null);
    }
}

// =============================================================================================
// Closed reporting years
// =============================================================================================

#[tokio::test]
async fn a_closed_year_refuses_area_and_municipality_writes_but_not_a_coordinator_s() {
    let app = TestApp::new().await;
    let draft = create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2022, "IN_PROGRESS", 40),
    )
    .await;
    let of_2023 = create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.2", 2023, "IN_PROGRESS", 40),
    )
    .await;
    let activity_2022 = create(
        &app,
        HOSPITALET,
        Kind::Activity,
        activity("EVENT", "2022-04-23", &[]),
    )
    .await;
    let closed = ok(
        &app,
        Admin,
        "mutation { closeReportingYear(year: 2022) { closed version } }",
        json!({}),
    )
    .await;
    assert_eq!(
        closed["closeReportingYear"],
        json!({ "closed": true, "version": 2 })
    );
    let years = ok(
        &app,
        Anonymous,
        "{ reportingYears { year closed } }",
        json!({}),
    )
    .await;
    assert_eq!(
        years["reportingYears"][1],
        json!({ "year": 2022, "closed": true })
    );

    let pdoc = Kind::Progress.update_doc();
    let in_2022 = progress("LE1.1", 2022, "IN_PROGRESS", 50);
    for (who, query, vars) in [
        (
            SRI,
            Kind::Progress.create_doc(),
            create_vars(&in_2022, false),
        ),
        (SRI, pdoc.clone(), update_vars(&draft, &in_2022)),
        (SRI, SUBMIT.to_owned(), rec_vars(&draft)),
        // Moving a record into a closed year is changing that year.
        (
            SRI,
            pdoc.clone(),
            update_vars(&of_2023, &progress("LE1.2", 2022, "IN_PROGRESS", 40)),
        ),
        (
            HOSPITALET,
            Kind::Activity.create_doc(),
            create_vars(&activity("EVENT", "2022-06-01", &[]), false),
        ),
        (
            HOSPITALET,
            Kind::Activity.update_doc(),
            update_vars(&activity_2022, &activity("EVENT", "2022-04-24", &[])),
        ),
        // And moving a record out of it too.
        (
            HOSPITALET,
            Kind::Activity.update_doc(),
            update_vars(&activity_2022, &activity("EVENT", "2023-04-24", &[])),
        ),
    ] {
        let reply = refused(&app, who, &query, vars, "FORBIDDEN").await;
        assert_eq!(
            reply.error_message(),
            "the reporting year 2022 is closed; only the plan's coordinators can change it"
        );
    }
    // Open years are unaffected.
    let of_2023 = update(
        &app,
        SRI,
        Kind::Progress,
        &of_2023,
        progress("LE1.2", 2023, "IN_PROGRESS", 45),
    )
    .await;
    assert_eq!(of_2023.version, 2);
    // Coordinators still write in closed years.
    create(&app, Admin, Kind::Progress, in_2022.clone()).await;
    let draft = update(&app, Admin, Kind::Progress, &draft, in_2022.clone()).await;
    let draft = publish(&app, &draft).await;
    assert_eq!(draft.version, 4);
    // Reopened, the year is the reporters' again.
    let opened = ok(
        &app,
        Admin,
        "mutation { openReportingYear(year: 2022, expectedVersion: 2) { closed version } }",
        json!({}),
    )
    .await;
    assert_eq!(
        opened["openReportingYear"],
        json!({ "closed": false, "version": 3 })
    );
    let activity_2022 = update(
        &app,
        HOSPITALET,
        Kind::Activity,
        &activity_2022,
        activity("EVENT", "2022-04-24", &[]),
    )
    .await;
    assert_eq!(activity_2022.version, 2);
    create(&app, SRI, Kind::Progress, in_2022).await;
}

// =============================================================================================
// The annual report
// =============================================================================================

const REPORT: &str = "year planCode published publishedAt
    strategicLines { code actions { code status percentComplete narrative }
        activities { title } fundedProjects { title grantAmount } indicators { code value status } }
    activities { kind title startDate endDate place municipalities synthetic }
    fundedProjects { title programme role totalBudget grantAmount status continuedAfterFunding municipalities }
    municipalities { ineCode name activities fundedProjects }";

async fn annual_report(app: &TestApp, who: Who, year: i32) -> Value {
    let query = format!("query($y: Int!) {{ annualReport(year: $y) {{ {REPORT} }} }}");
    ok(app, who, &query, json!({ "y": year })).await["annualReport"].clone()
}

fn line<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["strategicLines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["code"] == code)
        .expect("the line")
}

fn report_action<'a>(report: &'a Value, line_code: &str, code: &str) -> &'a Value {
    line(report, line_code)["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| a["code"] == code)
        .expect("the action")
}

#[tokio::test]
async fn a_published_annual_report_is_frozen() {
    let app = TestApp::new().await;
    let pu = create_published(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2023, "IN_PROGRESS", 40),
    )
    .await;
    let mut input = activity("FORUM", "2023-05-10", &["LE1.1"]);
    input["municipalities"] = json!(["08101"]);
    create_published(&app, SRI, Kind::Activity, input).await;
    let proj = create_published(
        &app,
        SRI,
        Kind::Project,
        project("2022-01-01", Some("2024-12-31"), "200000", "150000"),
    )
    .await;
    let ind = le11_indicator(&app, "IND-1").await;
    create_published(&app, SRI, Kind::Measurement, measurement(&ind, 2023, "15")).await;

    let doc = format!("mutation {{ publishAnnualReport(year: 2023) {{ {REPORT} }} }}");
    let frozen = ok(&app, Admin, &doc, json!({})).await["publishAnnualReport"].clone();
    assert_eq!(
        (&frozen["year"], &frozen["planCode"], &frozen["published"]),
        (&json!(2023), &json!("AMB-PI-2021-2025"), &json!(true))
    );
    assert!(
        frozen["publishedAt"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    assert_eq!(
        *report_action(&frozen, "LE1", "LE1.1"),
        json!({ "code": "LE1.1", "status": "IN_PROGRESS", "percentComplete": 40,
                "narrative": "Avance de LE1.1 en 2023: 40 %" })
    );
    assert_eq!(frozen["activities"].as_array().map(Vec::len), Some(1));
    assert_eq!(frozen["fundedProjects"][0]["grantAmount"], "150000");
    assert_eq!(
        line(&frozen, "LE1")["indicators"],
        json!([{ "code": "IND-1", "value": "15", "status": "ON_TRACK" }])
    );
    assert_eq!(
        frozen["municipalities"],
        json!([{ "ineCode": "08101", "name": "L'Hospitalet de Llobregat", "activities": 1, "fundedProjects": 0 }])
    );
    assert_eq!(annual_report(&app, Anonymous, 2023).await, frozen);

    // Later edits and publications of the year's records...
    update(
        &app,
        Admin,
        Kind::Progress,
        &pu,
        progress("LE1.1", 2023, "DELAYED", 45),
    )
    .await;
    create_published(
        &app,
        ADE,
        Kind::Progress,
        progress("LE4.1", 2023, "COMPLETED", 100),
    )
    .await;
    create_published(
        &app,
        ADE,
        Kind::Activity,
        activity("STUDY_VISIT", "2023-09-01", &["LE4.1"]),
    )
    .await;
    step(&app, Admin, ARCHIVE, &proj).await;
    create_published(&app, SRI, Kind::Measurement, measurement(&ind, 2023, "19")).await;
    // ...never change the published report.
    assert_eq!(annual_report(&app, Anonymous, 2023).await, frozen);
    assert_eq!(annual_report(&app, Admin, 2023).await, frozen);
    // It is published once.
    let reply = refused(
        &app,
        Admin,
        "mutation { publishAnnualReport(year: 2023) { year } }",
        json!({}),
        "CONFLICT",
    )
    .await;
    assert_eq!(
        reply.error_message(),
        "the annual report of 2023 is already published"
    );
}

#[tokio::test]
async fn an_unpublished_annual_report_is_assembled_live_from_published_records() {
    let app = TestApp::new().await;
    let empty = annual_report(&app, Anonymous, 2024).await;
    assert_eq!(
        (&empty["published"], &empty["publishedAt"]),
        (&json!(false), &Value::Null)
    );
    assert_eq!(empty["activities"], json!([]));
    assert_eq!(empty["municipalities"], json!([]));
    assert_eq!(report_action(&empty, "LE4", "LE4.1")["status"], Value::Null);
    let lines: Vec<&Value> = empty["strategicLines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| &l["code"])
        .collect();
    assert_eq!(
        lines,
        [
            &json!("LE1"),
            &json!("LE2"),
            &json!("LE3"),
            &json!("LE4"),
            &json!("LE5")
        ]
    );

    // Drafts do not count.
    let draft = create(
        &app,
        ADE,
        Kind::Progress,
        progress("LE4.1", 2024, "IN_PROGRESS", 30),
    )
    .await;
    let mut input = activity("FORUM", "2024-02-02", &["LE4.1"]);
    input["municipalities"] = json!(["08019"]);
    let act = create(&app, ADE, Kind::Activity, input).await;
    assert_eq!(annual_report(&app, Anonymous, 2024).await, empty);

    publish(&app, &draft).await;
    publish(&app, &act).await;
    let live = annual_report(&app, Anonymous, 2024).await;
    assert_eq!(live["published"], false);
    assert_eq!(
        *report_action(&live, "LE4", "LE4.1"),
        json!({ "code": "LE4.1", "status": "IN_PROGRESS", "percentComplete": 30,
                "narrative": "Avance de LE4.1 en 2024: 30 %" })
    );
    assert_eq!(
        line(&live, "LE4")["activities"],
        json!([{ "title": "FORUM 2024-02-02" }])
    );
    assert_eq!(line(&live, "LE1")["activities"], json!([]));
    assert_eq!(
        live["municipalities"],
        json!([{ "ineCode": "08019", "name": "Barcelona", "activities": 1, "fundedProjects": 0 }])
    );
    // Other years are untouched.
    assert_eq!(
        annual_report(&app, Anonymous, 2023).await["activities"],
        json!([])
    );
}

// =============================================================================================
// Progress, roll-ups and indicator status
// =============================================================================================

#[tokio::test]
async fn current_progress_is_the_latest_published_update() {
    let app = TestApp::new().await;
    let query = r#"{ action(code: "LE1.1") { currentProgress { id year percentComplete }
                    progressHistory { id state } } }"#;
    let none = ok(&app, Anonymous, query, json!({})).await;
    assert_eq!(
        none["action"],
        json!({ "currentProgress": null, "progressHistory": [] })
    );

    let p2022 = create_published(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2022, "IN_PROGRESS", 30),
    )
    .await;
    let p2023 = create_published(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2023, "IN_PROGRESS", 50),
    )
    .await;
    let d2024 = create(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2024, "DELAYED", 55),
    )
    .await;
    let s2024 = create_submitted(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2024, "IN_PROGRESS", 60),
    )
    .await;
    let current = json!({ "id": p2023.id, "year": 2023, "percentComplete": 50 });
    for who in [Anonymous, SRI, Admin] {
        let data = ok(&app, who, query, json!({})).await;
        assert_eq!(data["action"]["currentProgress"], current, "{who:?}");
    }
    let sri = ok(&app, SRI, query, json!({})).await;
    assert_eq!(
        ids(&sri["action"]["progressHistory"]),
        id_list(&[&s2024, &d2024, &p2023, &p2022])
    );
    let anonymous = ok(&app, Anonymous, query, json!({})).await;
    assert_eq!(
        ids(&anonymous["action"]["progressHistory"]),
        id_list(&[&p2023, &p2022])
    );

    // Archiving the current one falls back to the one before.
    step(&app, Admin, ARCHIVE, &p2023).await;
    let data = ok(&app, Anonymous, query, json!({})).await;
    assert_eq!(data["action"]["currentProgress"]["id"], json!(p2022.id));
    // Publishing a newer one makes it current.
    publish(&app, &s2024).await;
    let data = ok(&app, Anonymous, query, json!({})).await;
    assert_eq!(
        data["action"]["currentProgress"],
        json!({ "id": s2024.id, "year": 2024, "percentComplete": 60 })
    );
}

const SUMMARY: &str = "actions notReported byStatus { status count } meanPercentComplete
    indicatorsByStatus { status count }";

fn by_status(counts: [u64; 5]) -> Value {
    let names = [
        "NOT_STARTED",
        "IN_PROGRESS",
        "DELAYED",
        "COMPLETED",
        "DISCONTINUED",
    ];
    json!(
        names
            .iter()
            .zip(counts)
            .map(|(s, c)| json!({ "status": s, "count": c }))
            .collect::<Vec<_>>()
    )
}

fn indicators_by_status(counts: [u64; 5]) -> Value {
    let names = [
        "ACHIEVED",
        "ON_TRACK",
        "OFF_TRACK",
        "DETERIORATION",
        "NO_DATA",
    ];
    json!(
        names
            .iter()
            .zip(counts)
            .map(|(s, c)| json!({ "status": s, "count": c }))
            .collect::<Vec<_>>()
    )
}

#[tokio::test]
async fn progress_summary_counts_the_published_state_of_a_line_and_the_plan() {
    let app = TestApp::new().await;
    let query = format!(
        r#"{{ plan {{ progressSummary {{ {SUMMARY} }} }}
             le4: strategicLine(code: "LE4") {{ progressSummary {{ {SUMMARY} }} }}
             le1: strategicLine(code: "LE1") {{ progressSummary {{ {SUMMARY} }} }} }}"#
    );
    let before = ok(&app, Anonymous, &query, json!({})).await;
    assert_eq!(
        before["plan"]["progressSummary"],
        json!({ "actions": 29, "notReported": 29, "byStatus": by_status([0; 5]),
                "meanPercentComplete": null, "indicatorsByStatus": indicators_by_status([0; 5]) })
    );

    // LE4.1: an older update superseded by a newer one; LE4.2 in progress; LE4.3 only a draft.
    create_published(
        &app,
        ADE,
        Kind::Progress,
        progress("LE4.1", 2022, "IN_PROGRESS", 60),
    )
    .await;
    create_published(
        &app,
        ADE,
        Kind::Progress,
        progress("LE4.1", 2023, "COMPLETED", 100),
    )
    .await;
    create_published(
        &app,
        ADE,
        Kind::Progress,
        progress("LE4.2", 2023, "IN_PROGRESS", 50),
    )
    .await;
    create(
        &app,
        ADE,
        Kind::Progress,
        progress("LE4.3", 2023, "DELAYED", 20),
    )
    .await;
    // Indicators: one of a result with a measurement on the line, one of an action without,
    // one still a draft.
    let of_result = create_published(
        &app,
        Admin,
        Kind::Indicator,
        indicator("IND-R", None, Some("LE4.R1")),
    )
    .await;
    create_published(
        &app,
        ADE,
        Kind::Measurement,
        measurement(&of_result, 2023, "15"),
    )
    .await;
    create_published(
        &app,
        Admin,
        Kind::Indicator,
        indicator("IND-A", Some("LE4.4"), None),
    )
    .await;
    create(
        &app,
        Admin,
        Kind::Indicator,
        indicator("IND-D", Some("LE4.5"), None),
    )
    .await;

    let after = ok(&app, Anonymous, &query, json!({})).await;
    let le4 = json!({
        "actions": 5, "notReported": 3, "byStatus": by_status([0, 1, 0, 1, 0]),
        "meanPercentComplete": 75.0, "indicatorsByStatus": indicators_by_status([0, 1, 0, 0, 1]),
    });
    assert_eq!(after["le4"]["progressSummary"], le4);
    let mut plan = le4.clone();
    plan["actions"] = json!(29);
    plan["notReported"] = json!(27);
    assert_eq!(after["plan"]["progressSummary"], plan);
    assert_eq!(
        after["le1"]["progressSummary"],
        json!({ "actions": 13, "notReported": 13, "byStatus": by_status([0; 5]),
                "meanPercentComplete": null, "indicatorsByStatus": indicators_by_status([0; 5]) })
    );
    // Coordinators see the same published state.
    assert_eq!(ok(&app, Admin, &query, json!({})).await, after);
}

#[tokio::test]
async fn indicator_status_follows_the_latest_published_measurement() {
    let app = TestApp::new().await;
    // Baseline 10 in 2021, target 20 in 2025, higher is better.
    let ind = le11_indicator(&app, "IND-1").await;
    let fields = "... on Indicator { status latestValue { value year } statusMethod }";
    let seen = node(&app, Anonymous, &ind.id, fields).await;
    assert_eq!(
        (&seen["status"], &seen["latestValue"]),
        (&json!("NO_DATA"), &Value::Null)
    );
    assert!(
        seen["statusMethod"]
            .as_str()
            .is_some_and(|m| m.contains("straight line"))
    );

    let m2023 = create(&app, SRI, Kind::Measurement, measurement(&ind, 2023, "15")).await;
    // A draft measurement does not count, not even for its reporter.
    assert_eq!(node(&app, SRI, &ind.id, fields).await["status"], "NO_DATA");
    publish(&app, &m2023).await;
    let seen = node(&app, Anonymous, &ind.id, fields).await;
    assert_eq!(seen["status"], "ON_TRACK");
    assert_eq!(seen["latestValue"], json!({ "value": "15", "year": 2023 }));

    // In 2024 the straight line is at 17.5: 16 is behind it.
    create_published(&app, SRI, Kind::Measurement, measurement(&ind, 2024, "16")).await;
    let seen = node(&app, Anonymous, &ind.id, fields).await;
    assert_eq!(seen["status"], "OFF_TRACK");
    assert_eq!(seen["latestValue"], json!({ "value": "16", "year": 2024 }));
    create_published(&app, SRI, Kind::Measurement, measurement(&ind, 2025, "9.5")).await;
    assert_eq!(
        node(&app, Anonymous, &ind.id, fields).await["status"],
        "DETERIORATION"
    );
    create_published(
        &app,
        Admin,
        Kind::Measurement,
        measurement(&ind, 2025, "20"),
    )
    .await;
    assert_eq!(
        node(&app, Anonymous, &ind.id, fields).await["status"],
        "ACHIEVED"
    );

    // Lower is better: baseline 20, target 10; 15 in 2023 is on the line.
    let mut input = indicator("IND-DOWN", Some("LE1.2"), None);
    input["direction"] = json!("DECREASE");
    input["baselineValue"] = json!("20");
    input["targetValue"] = json!("10");
    let down = create_published(&app, Admin, Kind::Indicator, input).await;
    create_published(&app, SRI, Kind::Measurement, measurement(&down, 2023, "15")).await;
    assert_eq!(
        node(&app, Anonymous, &down.id, fields).await["status"],
        "ON_TRACK"
    );
}

// =============================================================================================
// Filters
// =============================================================================================

#[tokio::test]
async fn lists_filter_by_line_action_municipality_kind_year_and_state() {
    let app = TestApp::new().await;
    let a1 = create_published(
        &app,
        Admin,
        Kind::Activity,
        json!({
            "kind": "FORUM", "title": { "es": "Foro 2022" }, "startDate": "2022-03-10",
            "actions": ["LE1.1"], "zones": ["EUROPE"], "partners": ["greater-manchester"],
            "organizations": ["METROPOLIS"], "municipalities": ["08101"],
        }),
    )
    .await;
    let a2 = create(
        &app,
        Admin,
        Kind::Activity,
        json!({
            "kind": "STUDY_VISIT", "title": { "es": "Visita a Bogotá" }, "startDate": "2023-05-04",
            "actions": ["LE4.1"], "zones": ["LATIN_AMERICA"], "partners": ["bogota"],
            "municipalities": ["08019"],
        }),
    )
    .await;
    let a3 = create_published(
        &app,
        Admin,
        Kind::Activity,
        json!({
            "kind": "FORUM", "title": { "es": "Foro 2023" }, "startDate": "2023-09-01",
            "actions": ["LE1.2"], "municipalities": ["08101", "08019"],
        }),
    )
    .await;
    // Newest first: by year, then most recent.
    for (filter, expected) in [
        (json!({}), vec![&a3, &a2, &a1]),
        (json!({ "strategicLine": "LE1" }), vec![&a3, &a1]),
        (json!({ "strategicLine": "LE4" }), vec![&a2]),
        (json!({ "strategicLine": "LE2" }), vec![]),
        (json!({ "action": "LE1.1" }), vec![&a1]),
        (json!({ "municipality": "08101" }), vec![&a3, &a1]),
        (json!({ "municipality": "08019" }), vec![&a3, &a2]),
        (json!({ "kind": "FORUM" }), vec![&a3, &a1]),
        (json!({ "kind": "STUDY_VISIT" }), vec![&a2]),
        (json!({ "year": 2023 }), vec![&a3, &a2]),
        (json!({ "year": 2021 }), vec![]),
        (json!({ "state": "PUBLISHED" }), vec![&a3, &a1]),
        (json!({ "state": "DRAFT" }), vec![&a2]),
        (json!({ "zone": "EUROPE" }), vec![&a1]),
        (json!({ "partner": "bogota" }), vec![&a2]),
        (json!({ "organization": "METROPOLIS" }), vec![&a1]),
        (json!({ "kind": "FORUM", "year": 2023 }), vec![&a3]),
        (
            json!({ "strategicLine": "LE1", "municipality": "08019" }),
            vec![&a3],
        ),
    ] {
        assert_eq!(
            list(&app, Admin, "activities", filter.clone()).await,
            id_list(&expected),
            "{filter}"
        );
    }
    // Filters narrow what the caller may see, never widen it.
    assert_eq!(
        list(
            &app,
            Anonymous,
            "activities",
            json!({ "municipality": "08019" })
        )
        .await,
        id_list(&[&a3])
    );

    let p1 = create_published(
        &app,
        Admin,
        Kind::Project,
        project("2020-09-01", Some("2023-12-31"), "10", "5"),
    )
    .await;
    let mut input = project("2023-01-01", None, "10", "5");
    input["programme"] = json!("HORIZON_EUROPE");
    input["actions"] = json!(["LE4.2"]);
    input["municipalities"] = json!(["08101"]);
    let p2 = create(&app, Admin, Kind::Project, input).await;
    for (filter, expected) in [
        (json!({ "kind": "INTERREG" }), vec![&p1]),
        (json!({ "kind": "HORIZON_EUROPE" }), vec![&p2]),
        (json!({ "year": 2020 }), vec![&p1]),
        (json!({ "year": 2023 }), vec![&p2]),
        (json!({ "strategicLine": "LE2" }), vec![&p1]),
        (json!({ "action": "LE4.2" }), vec![&p2]),
        (json!({ "municipality": "08101" }), vec![&p2]),
        (json!({ "state": "PUBLISHED" }), vec![&p1]),
    ] {
        assert_eq!(
            list(&app, Admin, "fundedProjects", filter.clone()).await,
            id_list(&expected),
            "{filter}"
        );
    }

    let u1 = create_published(
        &app,
        SRI,
        Kind::Progress,
        progress("LE1.1", 2022, "IN_PROGRESS", 20),
    )
    .await;
    let u2 = create(
        &app,
        ADE,
        Kind::Progress,
        progress("LE4.1", 2023, "IN_PROGRESS", 20),
    )
    .await;
    for (filter, expected) in [
        (json!({ "strategicLine": "LE1" }), vec![&u1]),
        (json!({ "action": "LE4.1" }), vec![&u2]),
        (json!({ "year": 2022 }), vec![&u1]),
        (json!({ "state": "DRAFT" }), vec![&u2]),
        (json!({}), vec![&u2, &u1]),
    ] {
        assert_eq!(
            list(&app, Admin, "progressUpdates", filter.clone()).await,
            id_list(&expected),
            "{filter}"
        );
    }

    let i1 = create(
        &app,
        Admin,
        Kind::Indicator,
        indicator("IND-A", Some("LE1.1"), None),
    )
    .await;
    let i2 = create(
        &app,
        Admin,
        Kind::Indicator,
        indicator("IND-R", None, Some("LE4.R1")),
    )
    .await;
    assert_eq!(
        list(&app, Admin, "indicators", json!({ "strategicLine": "LE1" })).await,
        id_list(&[&i1])
    );
    assert_eq!(
        list(&app, Admin, "indicators", json!({ "strategicLine": "LE4" })).await,
        id_list(&[&i2])
    );
    assert_eq!(
        list(&app, Admin, "indicators", json!({ "action": "LE1.1" })).await,
        id_list(&[&i1])
    );

    let e1 = create(&app, Admin, Kind::Evaluation, evaluation("MID_TERM")).await;
    let e2 = create(&app, Admin, Kind::Evaluation, evaluation("FINAL")).await;
    assert_eq!(
        list(&app, Admin, "evaluations", json!({ "kind": "MID_TERM" })).await,
        id_list(&[&e1])
    );
    assert_eq!(
        list(&app, Admin, "evaluations", json!({ "year": 2025 })).await,
        id_list(&[&e2])
    );
}

#[tokio::test]
async fn an_unknown_filter_code_is_bad_user_input() {
    let app = TestApp::new().await;
    for (field, filter, value) in [
        ("activities", "strategicLine", "LE9"),
        ("activities", "action", "LE9.9"),
        ("activities", "zone", "ATLANTIS"),
        ("activities", "partner", "gotham"),
        ("activities", "municipality", "08999"),
        ("activities", "organization", "ACME"),
        ("activities", "kind", "PICNIC"),
        // A programme is no kind of activity, nor an activity kind a programme.
        ("activities", "kind", "INTERREG"),
        ("fundedProjects", "kind", "FORUM"),
        ("evaluations", "kind", "INTERIM"),
        ("progressUpdates", "kind", "FORUM"),
        ("indicators", "action", "LE1"),
        ("progressUpdates", "strategicLine", "LE1.1"),
    ] {
        let query =
            format!("query($f: MonitoringFilter) {{ {field}(filter: $f) {{ totalCount }} }}");
        let reply = gql(&app, Admin, &query, json!({ "f": { filter: value } })).await;
        assert_eq!(
            reply.error_code(),
            Some("BAD_USER_INPUT"),
            "{field} {filter}: {}",
            reply.body
        );
        assert_eq!(
            reply.body["errors"][0]["extensions"]["field"],
            format!("filter.{filter}"),
            "{field} {filter}"
        );
    }
}

// =============================================================================================
// Languages
// =============================================================================================

#[tokio::test]
async fn records_list_the_languages_they_were_given() {
    let app = TestApp::new().await;
    let both = create(
        &app,
        SRI,
        Kind::Activity,
        json!({
            "kind": "FORUM", "title": { "ca": "Fòrum metropolità", "en": "Metropolitan forum" },
            "summary": { "ca": "Resum", "en": "Summary" }, "startDate": "2023-01-01",
        }),
    )
    .await;
    let fields = "languages title enTitle: title(lang: EN) caTitle: title(lang: CA)
        translations { field values { lang text } }";
    let seen = node(
        &app,
        SRI,
        &both.id,
        &format!("... on Activity {{ {fields} }}"),
    )
    .await;
    assert_eq!(seen["languages"], json!(["CA", "EN"]));
    assert_eq!(
        (&seen["enTitle"], &seen["caTitle"]),
        (&json!("Metropolitan forum"), &json!("Fòrum metropolità"))
    );
    assert_eq!(
        seen["translations"],
        json!([
            { "field": "title", "values": [{ "lang": "CA", "text": "Fòrum metropolità" },
                                           { "lang": "EN", "text": "Metropolitan forum" }] },
            { "field": "summary", "values": [{ "lang": "CA", "text": "Resum" },
                                             { "lang": "EN", "text": "Summary" }] },
        ])
    );
    // The request's language picks the text when the field names none.
    let reply = gql_with(
        &app,
        SRI,
        "query($id: ID!) { node(id: $id) { ... on Activity { title } } }",
        json!({ "id": both.id }),
        &[("accept-language", "en")],
    )
    .await;
    assert_eq!(reply.body["data"]["node"]["title"], "Metropolitan forum");

    // Every text must have a language for the record to list it; blank texts are no language.
    for (input, languages) in [
        (
            json!({ "title": { "es": "Foro", "ca": "Fòrum", "en": "Forum", "fr": "Forum" },
                 "summary": { "es": "Resumen" } }),
            json!(["ES"]),
        ),
        (
            json!({ "title": { "es": "Foro", "fr": "   " } }),
            json!(["ES"]),
        ),
        (
            json!({ "title": { "fr": "Forum", "es": "Foro" }, "summary": { "fr": "Résumé", "es": "Resumen" } }),
            json!(["ES", "FR"]),
        ),
    ] {
        let mut input = input;
        input["kind"] = json!("FORUM");
        input["startDate"] = json!("2023-01-01");
        let data = ok(
            &app,
            SRI,
            &Kind::Activity.create_doc(),
            create_vars(&input, false),
        )
        .await;
        assert_eq!(data["r"]["languages"], languages, "{input}");
    }
    // A progress update's milestones count as texts too.
    let mut input = progress("LE1.1", 2023, "IN_PROGRESS", 40);
    input["narrative"] = json!({ "es": "Avance", "en": "Progress" });
    input["milestones"] = json!([{ "date": "2023-03-03", "text": { "es": "Hito" } }]);
    let data = ok(
        &app,
        SRI,
        &Kind::Progress.create_doc(),
        create_vars(&input, false),
    )
    .await;
    assert_eq!(data["r"]["languages"], json!(["ES"]));
}
