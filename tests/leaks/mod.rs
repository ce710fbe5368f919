//! Nothing private leaks: review comments, unpublished content, who reported and who reviewed,
//! how often a record changed, how many records exist.
//!
//! The schema-wide test plants a distinct marker in every private field of every record kind in
//! every review state, then walks every field each caller can reach, the selection generated
//! from introspection (a field added later is walked without editing this file), and checks
//! that no marker reaches a caller who may not see it. The focused tests below it pin each leak
//! a probe found.

mod feed;
mod focused;
mod trail;
mod walk;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU32, Ordering};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::common::bearer_with_subject as bearer;
use crate::common::{ARCHIVE, PUBLISH, RETURN, Reply, SUBMIT, TEST_SECRET, TestApp, claims, hs256};

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
