//! Nothing private leaks: review comments, unpublished content, who reported and who reviewed,
//! how often a record changed, how many records exist.
//!
//! The schema-wide test plants a distinct marker in every private field of every record kind in
//! every review state, then walks every field each caller can reach, the selection generated
//! from introspection (a field added later is walked without editing this file), and checks
//! that no marker reaches a caller who may not see it. The focused tests below it pin each leak
//! a probe found.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU32, Ordering};

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::common::bearer_with_subject as bearer;
use crate::common::{Reply, TEST_SECRET, TestApp, claims, hs256};

// ---------------------------------------------------------------------------------------------
// Callers
// ---------------------------------------------------------------------------------------------

/// Whose records they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Owner {
    /// The International Relations Service (an area).
    Sri,
    /// L'Hospitalet de Llobregat (a municipality).
    Hospitalet,
    /// A coordinator, for the kinds only coordinators create.
    Author,
}

/// Subjects of the tokens: they are markers too (who reported, who reviewed).
const SRI_SUB: &str = "leaksub.sri.";
const HOSPITALET_SUB: &str = "leaksub.hospitalet.";
const AUTHOR_SUB: &str = "leaksub.author.";
const REVIEWER_SUB: &str = "leaksub.reviewer.";

fn sri() -> String {
    bearer("area", Some("AMB-SRI"), None, SRI_SUB)
}
fn hospitalet() -> String {
    bearer("municipality", None, Some("08101"), HOSPITALET_SUB)
}
fn author() -> String {
    bearer("admin", None, None, AUTHOR_SUB)
}
fn reviewer() -> String {
    bearer("admin", None, None, REVIEWER_SUB)
}
fn owner_token(owner: Owner) -> String {
    match owner {
        Owner::Sri => sri(),
        Owner::Hospitalet => hospitalet(),
        Owner::Author => author(),
    }
}

async fn send(app: &TestApp, auth: Option<&str>, query: &str, vars: Value) -> Reply {
    app.post_auth(auth, query, vars).await
}

async fn ok(app: &TestApp, auth: Option<&str>, query: &str, vars: Value) -> Value {
    app.data_auth(auth, query, vars).await
}

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

/// The review states a record can be in, each reached as a real record would reach it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Draft,
    /// Returned with a comment, then submitted again.
    Submitted,
    /// Returned with a comment.
    Returned,
    /// Returned with a comment, submitted again, published.
    Published,
    /// Returned with a comment, archived.
    Archived,
}

const STATES: [State; 5] = [
    State::Draft,
    State::Submitted,
    State::Returned,
    State::Published,
    State::Archived,
];

fn next_key() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!("leak-key-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A record as its writers track it.
#[derive(Clone, Debug)]
struct Rec {
    id: String,
    version: i64,
}

fn rec(v: &Value) -> Rec {
    Rec {
        id: v["id"].as_str().expect("an id").to_owned(),
        version: v["version"].as_i64().expect("a version for a writer"),
    }
}

async fn create(app: &TestApp, auth: &str, type_name: &str, input: Value, submit: bool) -> Rec {
    let doc = format!(
        "mutation($input: {type_name}Input!, $key: String!, $submit: Boolean!) {{
            r: create{type_name}(input: $input, idempotencyKey: $key, submit: $submit) {{
                id version state }} }}"
    );
    let vars = json!({ "input": input, "key": next_key(), "submit": submit });
    rec(&ok(app, Some(auth), &doc, vars).await["r"])
}

const SUBMIT: &str = "mutation($id: ID!, $v: Int!) {
    r: submitRecord(id: $id, expectedVersion: $v) { id version state } }";
const PUBLISH: &str = "mutation($id: ID!, $v: Int!) {
    r: publishRecord(id: $id, expectedVersion: $v) { id version state } }";
const ARCHIVE: &str = "mutation($id: ID!, $v: Int!) {
    r: archiveRecord(id: $id, expectedVersion: $v) { id version state } }";
const RETURN: &str = "mutation($id: ID!, $v: Int!, $comment: LocalizedTextInput!) {
    r: returnRecord(id: $id, expectedVersion: $v, comment: $comment) { id version state } }";

async fn step(app: &TestApp, auth: &str, doc: &str, r: &Rec) -> Rec {
    rec(&ok(app, Some(auth), doc, json!({ "id": r.id, "v": r.version })).await["r"])
}

async fn return_with(app: &TestApp, r: &Rec, comment: &str) -> Rec {
    let vars = json!({ "id": r.id, "v": r.version,
        "comment": { "ca": comment, "es": comment, "en": comment, "fr": comment } });
    rec(&ok(app, Some(&reviewer()), RETURN, vars).await["r"])
}

/// Brings a new record to `state` through the review, as its owner and the reviewer would.
async fn bring_to(
    app: &TestApp,
    owner: &str,
    type_name: &str,
    input: Value,
    state: State,
    comment: &str,
) -> Rec {
    if state == State::Draft {
        return create(app, owner, type_name, input, false).await;
    }
    let submitted = create(app, owner, type_name, input, true).await;
    let returned = return_with(app, &submitted, comment).await;
    match state {
        State::Draft | State::Returned => returned,
        State::Submitted => step(app, owner, SUBMIT, &returned).await,
        State::Published => {
            let again = step(app, owner, SUBMIT, &returned).await;
            step(app, &reviewer(), PUBLISH, &again).await
        }
        State::Archived => step(app, &reviewer(), ARCHIVE, &returned).await,
    }
}

/// What a marker stands for, and so who may see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Secret {
    /// Content of a record that is not published.
    Unpublished(Owner),
    /// A reviewer's comment.
    Comment(Owner),
    /// Who reported.
    Reporter(Owner),
    /// Who reviewed.
    Reviewer,
}

/// A caller walking the schema, and what it may see.
struct Walker {
    name: &'static str,
    auth: Option<String>,
    may_see: fn(Secret) -> bool,
}

fn walkers() -> Vec<Walker> {
    use Secret::*;
    vec![
        Walker {
            name: "anonymous",
            auth: None,
            may_see: |_| false,
        },
        Walker {
            name: "reader",
            auth: Some(bearer("reader", None, None, "leak-reader")),
            may_see: |s| s != Reviewer,
        },
        Walker {
            name: "admin",
            auth: Some(bearer("admin", None, None, "leak-admin")),
            may_see: |_| true,
        },
        Walker {
            name: "area of another unit",
            auth: Some(bearer("area", Some("AMB-ADE"), None, "leak-ade")),
            may_see: |_| false,
        },
        Walker {
            name: "municipality of another INE",
            auth: Some(bearer("municipality", None, Some("08019"), "leak-bcn")),
            may_see: |_| false,
        },
        Walker {
            name: "owner (area)",
            auth: Some(sri()),
            may_see: |s| {
                matches!(
                    s,
                    Unpublished(Owner::Sri) | Comment(Owner::Sri) | Reporter(Owner::Sri)
                )
            },
        },
        Walker {
            name: "owner (municipality)",
            auth: Some(hospitalet()),
            may_see: |s| {
                matches!(
                    s,
                    Unpublished(Owner::Hospitalet)
                        | Comment(Owner::Hospitalet)
                        | Reporter(Owner::Hospitalet)
                )
            },
        },
    ]
}

/// The record kinds with their owners, and an input carrying `text` in every free-text field.
const KINDS: &[(&str, Owner)] = &[
    ("ProgressUpdate", Owner::Sri),
    ("Activity", Owner::Sri),
    ("Activity", Owner::Hospitalet),
    ("FundedProject", Owner::Hospitalet),
    ("Indicator", Owner::Author),
    ("Measurement", Owner::Sri),
    ("Evaluation", Owner::Author),
];

fn all_langs(text: &str) -> Value {
    json!({ "ca": text, "es": text, "en": text, "fr": text })
}

fn input(type_name: &str, text: &str, code: &str, indicator: Option<&str>) -> Value {
    let t = all_langs(text);
    let url = format!("https://example.org/{}", text.replace(' ', "-"));
    match type_name {
        "ProgressUpdate" => json!({
            "action": "LE1.1", "year": 2023, "status": "IN_PROGRESS", "percentComplete": 40,
            "narrative": t, "milestones": [{ "date": "2023-05-01", "text": t }],
            "evidenceLinks": [url],
        }),
        "Activity" => json!({
            "kind": "EVENT", "title": t, "summary": t, "startDate": "2023-04-23",
            "place": text, "links": [url],
        }),
        "FundedProject" => json!({
            "title": t, "summary": t, "programme": "INTERREG", "role": "PARTNER",
            "totalBudget": "10", "grantAmount": "5", "startDate": "2023-01-01",
            "status": "IN_EXECUTION", "links": [url],
        }),
        "Indicator" => json!({
            "code": code, "name": t, "unit": text, "action": "LE1.1", "baselineValue": "10",
            "baselineYear": 2021, "targetValue": "20", "targetYear": 2025,
            "direction": "INCREASE",
        }),
        "Measurement" => json!({
            "indicator": indicator, "year": 2023, "value": "15", "source": text, "notes": t,
        }),
        _ => json!({
            "kind": "MID_TERM", "status": "PLANNED", "summary": t, "findings": t,
            "recommendations": t, "documentLink": url,
        }),
    }
}

/// The planted records: their IDs, and every marker with what it stands for.
struct Planted {
    ids: Vec<String>,
    markers: BTreeMap<String, Secret>,
}

async fn plant(app: &TestApp) -> Planted {
    let mut ids = Vec::new();
    let mut markers = BTreeMap::new();
    for sub in [SRI_SUB, HOSPITALET_SUB, AUTHOR_SUB] {
        let owner = match sub {
            SRI_SUB => Owner::Sri,
            HOSPITALET_SUB => Owner::Hospitalet,
            _ => Owner::Author,
        };
        markers.insert(sub.to_owned(), Secret::Reporter(owner));
    }
    markers.insert(REVIEWER_SUB.to_owned(), Secret::Reviewer);
    // Measurements need a published indicator: the published indicator is planted first.
    let mut published_indicator: Option<String> = None;
    let mut order: Vec<(usize, State)> = Vec::new();
    for (k, _) in KINDS.iter().enumerate() {
        let mut states = STATES.to_vec();
        states.sort_by_key(|s| *s != State::Published);
        order.extend(states.into_iter().map(|s| (k, s)));
    }
    for (k, state) in order {
        let (type_name, owner) = KINDS[k];
        let s = STATES.iter().position(|x| *x == state).unwrap_or_default();
        // A published record's content is public; every other state's is private.
        let content = if state == State::Published {
            format!("public text {k}-{s}")
        } else {
            let m = format!("leakc{k}{s}.");
            markers.insert(m.clone(), Secret::Unpublished(owner));
            m
        };
        let comment = format!("leakr{k}{s}.");
        if state != State::Draft {
            markers.insert(comment.clone(), Secret::Comment(owner));
        }
        let code = format!("LEAK-{k}-{s}");
        let input = input(type_name, &content, &code, published_indicator.as_deref());
        let r = bring_to(app, &owner_token(owner), type_name, input, state, &comment).await;
        if type_name == "Indicator" && state == State::Published {
            published_indicator = Some(r.id.clone());
        }
        ids.push(r.id);
    }
    Planted { ids, markers }
}

// ---------------------------------------------------------------------------------------------
// The introspection-driven walk
// ---------------------------------------------------------------------------------------------

const INTROSPECTION: &str = "{ __schema { queryType { name } types { kind name
    fields(includeDeprecated: true) { name args { name defaultValue type { ...T } } type { ...T } }
    possibleTypes { name } enumValues(includeDeprecated: true) { name } } } }
    fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name } } } } } }";

/// A type reference, unwrapped: its named type, whether it is required, whether a list.
fn unwrap_type(t: &Value) -> (String, bool, bool) {
    let required = t["kind"] == "NON_NULL";
    let mut list = false;
    let mut t = t;
    while t["name"].is_null() {
        list |= t["kind"] == "LIST";
        t = &t["ofType"];
    }
    (
        t["name"].as_str().unwrap_or_default().to_owned(),
        required,
        list,
    )
}

/// The schema, and the values to give required arguments.
struct Schema {
    types: HashMap<String, Value>,
    query_type: String,
    ids: Vec<String>,
    strings: Vec<String>,
}

/// The page size the walk asks for: the largest allowed (the planted records' audit trail fits
/// in one page).
const PAGE: u64 = 100;

/// Deepest nesting walked below a root field.
const MAX_DEPTH: usize = 6;

impl Schema {
    fn kind(&self, name: &str) -> &str {
        self.types[name]["kind"].as_str().unwrap_or_default()
    }

    /// Literal values for a required argument of type `t`; empty when none can be made.
    fn values(&self, t: &Value, root: bool) -> Vec<String> {
        let (name, _, list) = unwrap_type(t);
        let quoted = |v: &Vec<String>| -> Vec<String> {
            v.iter()
                .map(|s| serde_json::to_string(s).unwrap_or_default())
                .collect()
        };
        let mut values = match (name.as_str(), self.kind(&name)) {
            ("ID", _) => quoted(&self.ids),
            ("String", _) => quoted(&self.strings),
            ("Int", _) => vec!["2023".to_owned()],
            ("Boolean", _) => vec!["true".to_owned()],
            (_, "ENUM") => self.types[&name]["enumValues"]
                .as_array()
                .map(|v| {
                    v.iter()
                        .filter_map(|e| e["name"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        if list {
            values = vec![format!("[{}]", values.join(", "))];
        } else if !root {
            // Below the root, one value each keeps the document small.
            values.truncate(1);
        }
        values
    }

    /// Every way to call `field` with its required arguments (one empty way when it has none).
    fn arg_sets(&self, field: &Value, root: bool) -> Vec<String> {
        let mut sets = vec![Vec::<String>::new()];
        for arg in field["args"].as_array().into_iter().flatten() {
            let (_, required, _) = unwrap_type(&arg["type"]);
            let name = arg["name"].as_str().unwrap_or_default();
            let values = if required && arg["defaultValue"].is_null() {
                self.values(&arg["type"], root)
            } else if name == "first" {
                // Whole lists, not their first page: nothing is missed for paging.
                vec![PAGE.to_string()]
            } else {
                continue;
            };
            sets = sets
                .iter()
                .flat_map(|set| {
                    values.iter().map(move |v| {
                        let mut s = set.clone();
                        s.push(format!("{name}: {v}"));
                        s
                    })
                })
                .collect();
        }
        sets.into_iter()
            .map(|s| {
                if s.is_empty() {
                    String::new()
                } else {
                    format!("({})", s.join(", "))
                }
            })
            .collect()
    }

    /// Whether `name` is a scalar or an enum.
    fn is_leaf(&self, name: &str) -> bool {
        matches!(self.kind(name), "SCALAR" | "ENUM")
    }

    /// The selection of `name` in a document: every field, each composite one expanded the
    /// same way, the first time the document meets the type; later, its leaf fields only
    /// (which records a field returns matters wherever it is, and their leaf fields carry
    /// their content), so that the document stays finite and small.
    fn selection(&self, name: &str, expanded: &mut BTreeSet<String>, depth: usize) -> String {
        let t = &self.types[name];
        let full = depth < MAX_DEPTH && expanded.insert(name.to_owned());
        let mut parts = vec!["__typename".to_owned()];
        match self.kind(name) {
            "OBJECT" => {
                for field in t["fields"].as_array().into_iter().flatten() {
                    let fname = field["name"].as_str().unwrap_or_default();
                    if fname.starts_with("__") {
                        continue;
                    }
                    let (ftype, _, _) = unwrap_type(&field["type"]);
                    let sub = if self.is_leaf(&ftype) {
                        String::new()
                    } else if full {
                        format!(" {{ {} }}", self.selection(&ftype, expanded, depth + 1))
                    } else {
                        continue;
                    };
                    let sets = self.arg_sets(field, false);
                    for (i, args) in sets.iter().enumerate() {
                        let alias = if sets.len() > 1 {
                            format!("{fname}_{i}: ")
                        } else {
                            String::new()
                        };
                        parts.push(format!("{alias}{fname}{args}{sub}"));
                    }
                }
            }
            "INTERFACE" | "UNION" => {
                for p in t["possibleTypes"].as_array().into_iter().flatten() {
                    let p = p["name"].as_str().unwrap_or_default();
                    parts.push(format!(
                        "... on {p} {{ {} }}",
                        self.selection(p, expanded, depth)
                    ));
                }
            }
            _ => {}
        }
        parts.join(" ")
    }

    /// One document per root field and way of calling it.
    fn documents(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let root = &self.types[&self.query_type];
        for field in root["fields"].as_array().into_iter().flatten() {
            let fname = field["name"].as_str().unwrap_or_default();
            if fname.starts_with("__") {
                continue;
            }
            let (ftype, _, _) = unwrap_type(&field["type"]);
            let sub = if self.is_leaf(&ftype) {
                String::new()
            } else {
                format!(" {{ {} }}", self.selection(&ftype, &mut BTreeSet::new(), 0))
            };
            for args in self.arg_sets(field, true) {
                out.push((
                    format!("{fname}{args}"),
                    format!("{{ {fname}{args}{sub} }}"),
                ));
            }
        }
        out
    }
}

async fn schema(app: &TestApp, ids: Vec<String>) -> Schema {
    let data = ok(app, None, INTROSPECTION, json!({})).await;
    let types = data["__schema"]["types"]
        .as_array()
        .expect("types")
        .iter()
        .map(|t| (t["name"].as_str().unwrap_or_default().to_owned(), t.clone()))
        .collect();
    // Codes of every kind of thing a required string argument may name, and a search term.
    let strings = [
        "AMB-PI-2021-2025",
        "LE1",
        "LE1.1",
        "AMB-SRI",
        "08101",
        "08019",
        "EUROPE",
        "leak",
    ]
    .map(str::to_owned)
    .to_vec();
    Schema {
        types,
        query_type: data["__schema"]["queryType"]["name"]
            .as_str()
            .unwrap_or("Query")
            .to_owned(),
        ids,
        strings,
    }
}

/// The error codes a walk may meet: fields the caller may not read, names that do not exist.
const EXPECTED_ERRORS: &[&str] = &["FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT"];

#[tokio::test]
async fn no_marker_reaches_a_caller_who_may_not_see_it() {
    let app = TestApp::with(|c| {
        c.max_depth = 64;
        c.max_complexity = usize::MAX;
        c.max_aliases = 10_000;
        c.max_query_bytes = 16 * 1024 * 1024;
        c.max_body_bytes = 16 * 1024 * 1024;
        c.request_timeout_ms = 120_000;
        c.db_acquire_timeout_secs = 60;
    })
    .await;
    let planted = plant(&app).await;
    let schema = schema(&app, planted.ids.clone()).await;
    let documents = schema.documents();
    assert!(documents.len() > 20, "the walk found too few root fields");
    let mut leaks: BTreeSet<String> = BTreeSet::new();
    for walker in walkers() {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for (root, doc) in &documents {
            let reply = send(&app, walker.auth.as_deref(), doc, json!({})).await;
            for error in reply.body["errors"].as_array().into_iter().flatten() {
                let code = error["extensions"]["code"].as_str().unwrap_or_default();
                assert!(
                    EXPECTED_ERRORS.contains(&code),
                    "{}: {root}: unexpected error {error}",
                    walker.name
                );
            }
            let text = reply.body.to_string();
            for (marker, secret) in &planted.markers {
                if text.contains(marker.as_str()) {
                    seen.insert(marker);
                    if !(walker.may_see)(*secret) {
                        leaks.insert(format!(
                            "{} reads {marker} ({secret:?}) through {root}",
                            walker.name
                        ));
                    }
                }
            }
        }
        if walker.name == "admin" {
            // The walk reaches every private field: coordinators see every marker somewhere.
            let missed: Vec<&String> = planted
                .markers
                .keys()
                .filter(|m| !seen.contains(m.as_str()))
                .collect();
            assert!(missed.is_empty(), "the walk never reached {missed:?}");
        }
    }
    assert!(
        leaks.is_empty(),
        "leaks:\n{}",
        Vec::from_iter(leaks).join("\n")
    );
}

// =============================================================================================
// Focused tests, one per leak the probe found
// =============================================================================================

/// A progress update of the International Relations Service, returned with `comment`, then
/// submitted again and published.
async fn published_after_return(app: &TestApp, comment: &str) -> Rec {
    let input = input("ProgressUpdate", "public progress", "", None);
    bring_to(
        app,
        &sri(),
        "ProgressUpdate",
        input,
        State::Published,
        comment,
    )
    .await
}

#[tokio::test]
async fn a_review_comment_never_reaches_anonymous_callers_after_publication() {
    let app = TestApp::new().await;
    let comment = "leak.focused.comment.";
    let r = published_after_return(&app, comment).await;
    let query = r#"query($id: ID!) {
        progressUpdates { nodes { state reviewComment } }
        node(id: $id) { ... on ProgressUpdate { state reviewComment } }
        nodes(ids: [$id]) { ... on MonitoringRecord { state } ... on ProgressUpdate { reviewComment } }
        action(code: "LE1.1") {
            currentProgress { state reviewComment }
            progressHistory { state reviewComment } } }"#;
    for auth in [None, Some(bearer("area", Some("AMB-ADE"), None, "other"))] {
        let data = ok(&app, auth.as_deref(), query, json!({ "id": r.id })).await;
        assert_eq!(data["node"]["state"], "PUBLISHED", "{data}");
        assert_eq!(data["action"]["currentProgress"]["state"], "PUBLISHED");
        assert!(!data.to_string().contains(comment), "{auth:?}: {data}");
        assert_eq!(data["node"]["reviewComment"], Value::Null);
        assert_eq!(data["nodes"][0]["reviewComment"], Value::Null);
        assert_eq!(
            data["progressUpdates"]["nodes"][0]["reviewComment"],
            Value::Null
        );
        assert_eq!(
            data["action"]["currentProgress"]["reviewComment"],
            Value::Null
        );
        assert_eq!(
            data["action"]["progressHistory"][0]["reviewComment"],
            Value::Null
        );
    }
    // The reporter and the reviewers keep the comment's history in the audit trail.
    let trail = r#"query($id: ID!) {
        auditLog(filter: { record: $id, operation: "RETURN" }) { nodes { after } } }"#;
    for auth in [sri(), reviewer()] {
        let data = ok(&app, Some(&auth), trail, json!({ "id": r.id })).await;
        assert_eq!(
            data["auditLog"]["nodes"][0]["after"]["reviewComment"]["en"],
            comment
        );
    }
    // While the record is with its reporter, the reporter reads the comment on it.
    let returned = bring_to(
        &app,
        &sri(),
        "ProgressUpdate",
        input("ProgressUpdate", "x", "", None),
        State::Returned,
        "fix it",
    )
    .await;
    let doc =
        "query($id: ID!) { node(id: $id) { ... on ProgressUpdate { reviewComment(lang: EN) } } }";
    let data = ok(&app, Some(&sri()), doc, json!({ "id": returned.id })).await;
    assert_eq!(data["node"]["reviewComment"], "fix it");
    let data = ok(
        &app,
        Some(&bearer("reader", None, None, "r")),
        doc,
        json!({ "id": returned.id }),
    )
    .await;
    assert_eq!(data["node"]["reviewComment"], "fix it");
}

#[tokio::test]
async fn an_idempotency_key_replayed_by_another_principal_is_a_conflict_that_tells_nothing() {
    let app = TestApp::new().await;
    let title = "leak.idempotent.title.";
    let doc = "mutation($input: ActivityInput!, $key: String!) {
        r: createActivity(input: $input, idempotencyKey: $key) { id version title } }";
    let activity = json!({ "kind": "EVENT", "title": { "es": title }, "startDate": "2023-04-23" });
    let vars = json!({ "input": activity, "key": "shared-key" });
    let first = bearer("area", Some("AMB-SRI"), None, "shared-sub");
    let created = ok(&app, Some(&first), doc, vars.clone()).await;
    let id = created["r"]["id"].as_str().expect("an id").to_owned();
    // A retry by the same principal answers with the same record.
    let again = ok(&app, Some(&first), doc, vars.clone()).await;
    assert_eq!(again["r"]["id"], id.as_str());
    // Same subject, another unit; or another role: a stranger to the key.
    for other in [
        bearer("area", Some("AMB-ADE"), None, "shared-sub"),
        bearer("area", Some("AMB-AIC"), None, "shared-sub"),
        bearer("admin", None, None, "shared-sub"),
    ] {
        let reply = send(&app, Some(&other), doc, vars.clone()).await;
        assert_eq!(reply.error_code(), Some("CONFLICT"), "{}", reply.body);
        assert_eq!(reply.body["data"], Value::Null, "{}", reply.body);
        let text = reply.body.to_string();
        assert!(!text.contains(&id) && !text.contains(title), "{text}");
    }
}

/// The key part of a global ID.
fn id_key(id: &str) -> String {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(id).expect("base64")).expect("utf-8");
    let (_, key) = text.split_once('/').expect("Type:PLAN/key");
    key.to_owned()
}

#[tokio::test]
async fn monitoring_record_ids_are_random_and_the_old_sequential_ones_name_nothing() {
    let app = TestApp::new().await;
    let first = published_after_return(&app, "ok").await;
    let mut ids = vec![first.id.clone()];
    for (type_name, owner) in [("Activity", Owner::Sri), ("Evaluation", Owner::Author)] {
        let input = input(type_name, "t", "", None);
        ids.push(
            create(&app, &owner_token(owner), type_name, input, false)
                .await
                .id,
        );
    }
    for id in &ids {
        let key = id_key(id);
        assert!(key.parse::<i64>().is_err(), "{key} is a sequence number");
        assert!(
            key.len() == 36 && key.chars().all(|c| c.is_ascii_hexdigit() || c == '-'),
            "{key} is not a UUID"
        );
    }
    // The first record ever created is published: its sequential ID would have found it.
    let legacy = URL_SAFE_NO_PAD.encode("ProgressUpdate:AMB-PI-2021-2025/1");
    let data = ok(
        &app,
        None,
        "query($id: ID!) { node(id: $id) { id } }",
        json!({ "id": legacy }),
    )
    .await;
    assert_eq!(data["node"], Value::Null);
    // Audit snapshots name records by their global IDs, and scoped readers get no sequence.
    let trail = r#"query($id: ID!) { auditLog(filter: { record: $id }) {
        nodes { sequence recordId after } } }"#;
    let own = ok(&app, Some(&sri()), trail, json!({ "id": first.id })).await;
    for entry in own["auditLog"]["nodes"].as_array().expect("entries") {
        assert_eq!(entry["sequence"], Value::Null, "{entry}");
        assert_eq!(entry["recordId"], first.id.as_str());
        assert_eq!(entry["after"]["id"], first.id.as_str(), "{entry}");
    }
    let all = ok(&app, Some(&reviewer()), trail, json!({ "id": first.id })).await;
    assert!(all["auditLog"]["nodes"][0]["sequence"].is_i64());
}

#[tokio::test]
async fn version_and_reviewer_are_shown_only_to_those_who_may_write_or_review() {
    let app = TestApp::new().await;
    let r = published_after_return(&app, "again").await;
    let doc = "query($id: ID!) { node(id: $id) { ... on MonitoringRecord { state version } } }";
    for (auth, version) in [
        (None, Value::Null),
        (Some(bearer("reader", None, None, "r")), Value::Null),
        (
            Some(bearer("area", Some("AMB-ADE"), None, "a")),
            Value::Null,
        ),
        (
            Some(bearer("municipality", None, Some("08019"), "m")),
            Value::Null,
        ),
        (Some(sri()), json!(r.version)),
        (Some(reviewer()), json!(r.version)),
    ] {
        let data = ok(&app, auth.as_deref(), doc, json!({ "id": r.id })).await;
        assert_eq!(data["node"]["state"], "PUBLISHED");
        assert_eq!(data["node"]["version"], version, "{auth:?}");
    }
    let trail = r#"query($id: ID!) { auditLog(filter: { record: $id }) {
        nodes { operation actorRole actorSubject } } }"#;
    let subjects = |data: &Value| -> Vec<(String, Value)> {
        data["auditLog"]["nodes"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|e| {
                (
                    e["operation"].as_str().unwrap_or_default().to_owned(),
                    e["actorSubject"].clone(),
                )
            })
            .collect()
    };
    let own = ok(&app, Some(&sri()), trail, json!({ "id": r.id })).await;
    assert_eq!(
        subjects(&own),
        [
            ("PUBLISH", Value::Null),
            ("SUBMIT", json!(SRI_SUB)),
            ("RETURN", Value::Null),
            ("CREATE", json!(SRI_SUB)),
        ]
        .map(|(o, s)| (o.to_owned(), s))
    );
    assert!(!own.to_string().contains(REVIEWER_SUB));
    let all = ok(&app, Some(&author()), trail, json!({ "id": r.id })).await;
    assert_eq!(
        subjects(&all)[0],
        ("PUBLISH".to_owned(), json!(REVIEWER_SUB))
    );
}

#[tokio::test]
async fn only_submitted_records_are_published_or_returned() {
    let app = TestApp::new().await;
    // The reviewer's own record goes through submit too.
    let own = create(
        &app,
        &reviewer(),
        "Evaluation",
        input("Evaluation", "e", "", None),
        false,
    )
    .await;
    let theirs = create(
        &app,
        &sri(),
        "Activity",
        input("Activity", "a", "", None),
        false,
    )
    .await;
    for draft in [&own, &theirs] {
        let vars = json!({ "id": draft.id, "v": draft.version });
        let reply = send(&app, Some(&reviewer()), PUBLISH, vars).await;
        assert_eq!(reply.error_code(), Some("CONFLICT"), "{}", reply.body);
        assert_eq!(reply.body["data"], Value::Null);
        assert_eq!(
            reply.error_message(),
            "a DRAFT record cannot be published; only SUBMITTED records are reviewed: submit it first"
        );
        let vars = json!({ "id": draft.id, "v": draft.version, "comment": { "en": "no" } });
        let reply = send(&app, Some(&reviewer()), RETURN, vars).await;
        assert_eq!(reply.error_code(), Some("CONFLICT"), "{}", reply.body);
    }
    let submitted = step(&app, &reviewer(), SUBMIT, &own).await;
    let published = step(&app, &reviewer(), PUBLISH, &submitted).await;
    assert_eq!(published.version, 3);
}

#[tokio::test]
async fn a_token_living_longer_than_the_maximum_is_refused() {
    let app = TestApp::new().await;
    let now = chrono::Utc::now().timestamp();
    let thirty_years = 30 * 365 * 24 * 3600;
    let signed = |edit: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut c = claims("admin", None, None);
        edit(&mut c);
        format!("Bearer {}", hs256(&c, TEST_SECRET.as_bytes()))
    };
    let query = "{ viewer { role } }";
    for (case, auth) in [
        (
            "exp - iat of 30 years",
            signed(&|c| {
                c.insert("exp".into(), json!(now + thirty_years));
            }),
        ),
        (
            "no iat, exp 30 years ahead",
            signed(&|c| {
                c.remove("iat");
                c.insert("exp".into(), json!(now + thirty_years));
            }),
        ),
        (
            "issued yesterday, valid for two days",
            signed(&|c| {
                c.insert("iat".into(), json!(now - 24 * 3600));
                c.insert("exp".into(), json!(now + 24 * 3600));
            }),
        ),
    ] {
        let reply = send(&app, Some(&auth), query, json!({})).await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "{case}: {}",
            reply.body
        );
        assert_eq!(reply.error_code(), Some("UNAUTHENTICATED"), "{case}");
        assert!(
            reply
                .error_message()
                .contains("PLAN_API_JWT_MAX_LIFETIME_SECS"),
            "{case}: {}",
            reply.error_message()
        );
    }
    // A day exactly is the default maximum.
    let day = signed(&|c| {
        c.insert("iat".into(), json!(now - 23 * 3600));
        c.insert("exp".into(), json!(now + 3600));
    });
    assert_eq!(
        ok(&app, Some(&day), query, json!({})).await["viewer"]["role"],
        "ADMIN"
    );
    // The maximum is configurable.
    let strict = TestApp::with(|c| c.jwt_max_lifetime_secs = 600).await;
    let hour = signed(&|_| {});
    let reply = send(&strict, Some(&hour), query, json!({})).await;
    assert_eq!(
        reply.error_code(),
        Some("UNAUTHENTICATED"),
        "{}",
        reply.body
    );
    let ten_minutes = signed(&|c| {
        c.insert("exp".into(), json!(now + 600));
    });
    assert_eq!(
        ok(&strict, Some(&ten_minutes), query, json!({})).await["viewer"]["role"],
        "ADMIN"
    );
}

#[tokio::test]
async fn a_deployed_database_upgrades_to_random_ids_and_drops_published_comments() {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::sea_query::{Alias, Query};
    use sea_orm::{ConnectionTrait, EntityTrait};

    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("old.sqlite").display()
    );
    let (conn, _) = plan_api::db::connect(&url).await.expect("connect");
    // The schema as deployed before this change, with records in it.
    Migrator::up(&conn, Some(2)).await.expect("old migrations");
    // Today's seed appends an event (queuing it for webhook endpoints) and bumps the content
    // generation, whose tables come with later migrations (which leave existing ones alone).
    conn.execute_unprepared(
        "CREATE TABLE content_generation (id integer PRIMARY KEY, generation bigint NOT NULL, \
         instance varchar NOT NULL, changed_at timestamp_with_timezone_text NULL); \
         INSERT INTO content_generation VALUES (1, 1, 'old', NULL); \
         CREATE TABLE event (id integer PRIMARY KEY AUTOINCREMENT, plan_id integer NULL, \
         event_type varchar NOT NULL, node_id varchar NULL, occurred_at timestamp_with_timezone_text NOT NULL, \
         public boolean NOT NULL, owner_unit varchar NULL, owner_municipality varchar NULL, \
         payload json_text NOT NULL); \
         CREATE TABLE webhook_endpoint (id integer PRIMARY KEY AUTOINCREMENT, \
         event_types json_text NOT NULL, enabled boolean NOT NULL)",
    )
    .await
    .expect("content generation, event and webhook endpoint tables");
    plan_api::seed::seed_all(&conn, &crate::common::data_dir())
        .await
        .expect("seed");
    let plan = entity::plan::Entity::find()
        .one(&conn)
        .await
        .expect("query")
        .expect("a plan");
    let now = chrono::Utc::now();
    for (state, comment) in [
        ("PUBLISHED", Some(json!({ "en": "leak.old.comment." }))),
        ("RETURNED", Some(json!({ "en": "still under review" }))),
    ] {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new("monitoring_record"))
            .columns(
                [
                    "plan_id",
                    "record_type",
                    "state",
                    "version",
                    "payload",
                    "review_comment",
                    "owner_sub",
                    "owner_role",
                    "synthetic",
                    "created_at",
                    "updated_at",
                ]
                .map(Alias::new),
            )
            .values_panic([
                plan.id.into(),
                "EVALUATION".into(),
                state.into(),
                4.into(),
                json!({}).into(),
                comment.into(),
                "someone".into(),
                "admin".into(),
                false.into(),
                now.into(),
                now.into(),
            ]);
        conn.execute(&insert).await.expect("an old row");
    }
    Migrator::up(&conn, None).await.expect("upgrade");
    let rows = entity::monitoring_record::Entity::find()
        .all(&conn)
        .await
        .expect("rows after the upgrade");
    assert_eq!(rows.len(), 2);
    assert_ne!(rows[0].public_id, rows[1].public_id);
    for row in &rows {
        assert!(uuid::Uuid::parse_str(&row.public_id).is_ok(), "{row:?}");
        match row.state.as_str() {
            "PUBLISHED" => assert_eq!(row.review_comment, None),
            _ => assert!(row.review_comment.is_some()),
        }
    }
}
