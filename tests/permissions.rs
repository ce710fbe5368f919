//! `viewer { can(…) }` and the mutations agree: for each role and each target, what a client is
//! shown it may do is exactly what the mutation then allows (and a refusal is `FORBIDDEN`).

use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::{Value, json};

use crate::common::{TestApp, token};

/// A caller and its bearer token (none for anonymous).
struct Caller {
    name: &'static str,
    token: Option<String>,
    /// The municipality it reports for, if it is one.
    municipality: Option<&'static str>,
}

fn callers() -> Vec<Caller> {
    let caller = |name, token, municipality| Caller {
        name,
        token,
        municipality,
    };
    vec![
        caller("anonymous", None, None),
        caller("reader", Some(token("reader", None, None)), None),
        caller("area SRI", Some(token("area", Some("AMB-SRI"), None)), None),
        caller("area ADE", Some(token("area", Some("AMB-ADE"), None)), None),
        caller(
            "municipality 08101",
            Some(token("municipality", None, Some("08101"))),
            Some("08101"),
        ),
        caller("admin", Some(token("admin", None, None)), None),
    ]
}

async fn send(app: &TestApp, caller: &Caller, query: &str, vars: Value) -> Value {
    let authorization = caller.token.as_ref().map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = authorization
        .as_deref()
        .map(|a| vec![("authorization", a)])
        .unwrap_or_default();
    app.post(query, vars, &headers).await.body
}

fn key() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!("agree-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Whether the mutation's reply is a success; a refusal must be `FORBIDDEN`, nothing else.
fn allowed(reply: &Value, what: &str) -> bool {
    match reply.get("errors") {
        None => true,
        Some(errors) => {
            assert_eq!(
                errors[0]["extensions"]["code"], "FORBIDDEN",
                "{what}: refused for another reason: {reply}"
            );
            false
        }
    }
}

async fn can(app: &TestApp, caller: &Caller, field: &str) -> bool {
    let reply = send(
        app,
        caller,
        &format!("{{ viewer {{ can {{ answer: {field} }} }} }}"),
        json!({}),
    )
    .await;
    assert!(reply.get("errors").is_none(), "{}: {reply}", caller.name);
    reply["data"]["viewer"]["can"]["answer"]
        .as_bool()
        .expect("a boolean")
}

#[tokio::test]
async fn viewer_can_and_the_mutations_agree_for_every_role_and_target() {
    let app = TestApp::new().await;
    let admin = &callers()[5];
    // A published indicator of each action, for the measurements.
    let mut indicators = Vec::new();
    for action in ["LE1.1", "LE4.1"] {
        let reply = send(
            &app,
            admin,
            "mutation($input: IndicatorInput!, $key: String!) {
                createIndicator(input: $input, idempotencyKey: $key, submit: true) { id } }",
            json!({ "key": key(), "input": {
                "code": format!("AGREE-{action}"), "name": { "en": "An indicator" },
                "unit": "projects", "action": action, "baselineValue": "1",
                "baselineYear": 2021, "targetValue": "2", "targetYear": 2025,
                "direction": "INCREASE" } }),
        )
        .await;
        let id = reply["data"]["createIndicator"]["id"].clone();
        assert!(id.is_string(), "{reply}");
        // Published, so that every caller sees it.
        let reply = send(
            &app,
            admin,
            "mutation($id: ID!) { publishRecord(id: $id, expectedVersion: 1) { state } }",
            json!({ "id": id }),
        )
        .await;
        assert_eq!(
            reply["data"]["publishRecord"]["state"], "PUBLISHED",
            "{reply}"
        );
        indicators.push((action, id));
    }

    let mut seen = Vec::new();
    for caller in callers() {
        for action in ["LE1.1", "LE4.1"] {
            let shown = can(
                &app,
                &caller,
                &format!("reportProgress(action: \"{action}\")"),
            )
            .await;
            let reply = send(
                &app,
                &caller,
                "mutation($input: ProgressUpdateInput!, $key: String!) {
                    createProgressUpdate(input: $input, idempotencyKey: $key) { id } }",
                json!({ "key": key(), "input": { "action": action, "year": 2023,
                    "status": "IN_PROGRESS", "percentComplete": 10 } }),
            )
            .await;
            let what = format!("{} reports progress on {action}", caller.name);
            assert_eq!(shown, allowed(&reply, &what), "{what}: {reply}");
            seen.push((what, shown));
        }
        for (action, indicator) in &indicators {
            let shown = can(
                &app,
                &caller,
                &format!("recordMeasurement(action: \"{action}\")"),
            )
            .await;
            let reply = send(
                &app,
                &caller,
                "mutation($input: MeasurementInput!, $key: String!) {
                    createMeasurement(input: $input, idempotencyKey: $key) { id } }",
                json!({ "key": key(), "input": { "indicator": indicator, "year": 2023,
                    "value": "1.5", "source": "test" } }),
            )
            .await;
            let what = format!("{} measures an indicator of {action}", caller.name);
            assert_eq!(shown, allowed(&reply, &what), "{what}: {reply}");
            seen.push((what, shown));
        }
        // A municipality reports for itself; the others report records involving Barcelona.
        let municipality = caller.municipality.unwrap_or("08019");
        let shown = can(
            &app,
            &caller,
            &format!("reportActivity(municipality: \"{municipality}\")"),
        )
        .await;
        let reply = send(
            &app,
            &caller,
            "mutation($input: ActivityInput!, $key: String!) {
                createActivity(input: $input, idempotencyKey: $key) { id } }",
            json!({ "key": key(), "input": { "kind": "FORUM", "title": { "en": "A forum" },
                "startDate": "2023-05-10", "municipalities": [municipality] } }),
        )
        .await;
        let what = format!("{} reports an activity of {municipality}", caller.name);
        assert_eq!(shown, allowed(&reply, &what), "{what}: {reply}");
        seen.push((what, shown));
        let shown = can(
            &app,
            &caller,
            &format!("reportFundedProject(municipality: \"{municipality}\")"),
        )
        .await;
        let reply = send(
            &app,
            &caller,
            "mutation($input: FundedProjectInput!, $key: String!) {
                createFundedProject(input: $input, idempotencyKey: $key) { id } }",
            json!({ "key": key(), "input": { "title": { "en": "A project" },
                "programme": "URBACT", "role": "PARTNER", "totalBudget": "100",
                "grantAmount": "50", "startDate": "2022-01-01", "status": "AWARDED",
                "municipalities": [municipality] } }),
        )
        .await;
        let what = format!("{} reports a funded project of {municipality}", caller.name);
        assert_eq!(shown, allowed(&reply, &what), "{what}: {reply}");
        seen.push((what, shown));
    }
    // The matrix is not trivially all-yes or all-no: each answer is what the policy says.
    let expected_yes = [
        "area SRI reports progress on LE1.1",
        "area ADE reports progress on LE4.1",
        "area SRI measures an indicator of LE1.1",
        "area ADE measures an indicator of LE4.1",
        "admin reports progress on LE1.1",
        "admin reports progress on LE4.1",
        "admin measures an indicator of LE1.1",
        "admin measures an indicator of LE4.1",
        "area SRI reports an activity of 08019",
        "area ADE reports an activity of 08019",
        "municipality 08101 reports an activity of 08101",
        "admin reports an activity of 08019",
        "area SRI reports a funded project of 08019",
        "area ADE reports a funded project of 08019",
        "municipality 08101 reports a funded project of 08101",
        "admin reports a funded project of 08019",
    ];
    for (what, shown) in &seen {
        assert_eq!(*shown, expected_yes.contains(&what.as_str()), "{what}");
    }
    assert_eq!(seen.len(), 6 * 6);
}
