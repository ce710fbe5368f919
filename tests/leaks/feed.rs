//! The change feed, its subscription and its cursors tell a caller nothing its reads of the
//! same records would hide: no version or earlier review state it may not see, and no count of
//! the changes it may not see. The proof: two databases with the same public history, one of
//! them with other callers' unpublished work interleaved, give anonymous callers and the
//! reporting service byte-identical feeds.

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::*;

const FEED: &str = "query($after: String) { changes(first: 100, after: $after) {
    nodes { sequence cursor type plan recordType state previousState version year nodeId } } }";

fn ade() -> String {
    bearer("area", Some("AMB-ADE"), None, "leaksub.ade.")
}

/// The same public history in every app: a service's progress update returned once and
/// published, then another submitted. With `noise`, other callers' unpublished work
/// (a municipality's activity returned, another area's draft submitted and returned, a
/// coordinator's evaluation submitted) is interleaved. Returns the published record.
async fn history(app: &TestApp, noise: bool) -> Rec {
    let activity = |text: &str| input("Activity", text, "", None);
    let progress = input("ProgressUpdate", "feed progress", "", None);
    let published = create(app, &sri(), "ProgressUpdate", progress, true).await;
    if noise {
        let h = create(app, &hospitalet(), "Activity", activity("noise h"), true).await;
        return_with(app, &h, "noise").await;
        create(
            app,
            &author(),
            "Evaluation",
            input("Evaluation", "noise e", "", None),
            true,
        )
        .await;
    }
    let returned = return_with(app, &published, "feed comment").await;
    let again = step(app, &sri(), SUBMIT, &returned).await;
    if noise {
        let d = create(app, &ade(), "Activity", activity("noise d"), true).await;
        return_with(app, &d, "noise").await;
    }
    let published = step(app, &reviewer(), PUBLISH, &again).await;
    create(app, &sri(), "Activity", activity("later"), true).await;
    published
}

/// A caller's whole feed, without what differs between two databases by construction (random
/// record ids).
async fn feed(app: &TestApp, auth: Option<&str>) -> Vec<Value> {
    let data = ok(app, auth, FEED, json!({})).await;
    let mut nodes = data["changes"]["nodes"].as_array().expect("nodes").clone();
    for n in &mut nodes {
        n.as_object_mut().expect("a change").remove("nodeId");
    }
    nodes
}

fn sequences(feed: &[Value]) -> Vec<i64> {
    feed.iter()
        .map(|c| c["sequence"].as_i64().expect("a sequence"))
        .collect()
}

#[tokio::test]
async fn the_feed_numbers_and_describes_changes_as_far_as_each_caller_may_see() {
    let quiet = TestApp::new().await;
    let busy = TestApp::new().await;
    let published = history(&quiet, false).await;
    history(&busy, true).await;

    // Anonymous callers and the service itself see exactly the same feed, cursors included,
    // whatever else happened unseen between their changes.
    for auth in [None, Some(sri())] {
        let seen = feed(&quiet, auth.as_deref()).await;
        assert_eq!(seen, feed(&busy, auth.as_deref()).await, "{auth:?}");
        let n = i64::try_from(seen.len()).expect("a count");
        assert_eq!(sequences(&seen), (1..=n).collect::<Vec<_>>(), "{auth:?}");
    }
    // Every caller's numbering counts only what it sees.
    for auth in [ade(), hospitalet()] {
        let seen = feed(&busy, Some(&auth)).await;
        let n = i64::try_from(seen.len()).expect("a count");
        assert_eq!(sequences(&seen), (1..=n).collect::<Vec<_>>(), "{auth}");
    }

    // Anonymous: the plan's load and the publication, with no review history.
    let anonymous = feed(&quiet, None).await;
    assert_eq!(anonymous.len(), 2);
    assert_eq!(anonymous[1]["type"], "RECORD_PUBLISHED");
    assert_eq!(anonymous[1]["state"], "PUBLISHED");
    for change in &anonymous {
        assert_eq!(change["version"], Value::Null, "{change}");
        assert_eq!(change["previousState"], Value::Null, "{change}");
    }
    // The service sees its record's review as the record shows it to it: submitted, returned,
    // submitted, published, then its next submission.
    let own = feed(&quiet, Some(&sri())).await;
    let steps: Vec<(&str, &Value, &Value)> = own[1..]
        .iter()
        .map(|c| {
            (
                c["type"].as_str().expect("type"),
                &c["previousState"],
                &c["version"],
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("RECORD_SUBMITTED", &Value::Null, &json!(1)),
            ("RECORD_RETURNED", &json!("SUBMITTED"), &json!(2)),
            ("RECORD_SUBMITTED", &json!("RETURNED"), &json!(3)),
            (
                "RECORD_PUBLISHED",
                &json!("SUBMITTED"),
                &json!(published.version)
            ),
            ("RECORD_SUBMITTED", &Value::Null, &json!(1)),
        ]
    );
    // The feed shows each caller the version its read of the record shows, and no other.
    let read = "query($id: ID!) { node(id: $id) { ... on MonitoringRecord { version } } }";
    let by_type =
        "query($t: [ChangeType!]) { changes(types: $t) { nodes { version previousState } } }";
    for (auth, shown) in [
        (None, false),
        (Some(ade()), false),
        (Some(hospitalet()), false),
        (Some(bearer("reader", None, None, "leaksub.reader.")), false),
        (Some(sri()), true),
        (Some(reviewer()), true),
    ] {
        let node = ok(&quiet, auth.as_deref(), read, json!({ "id": published.id })).await;
        let version = if shown {
            json!(published.version)
        } else {
            Value::Null
        };
        assert_eq!(node["node"]["version"], version, "{auth:?}");
        let changes = ok(
            &quiet,
            auth.as_deref(),
            by_type,
            json!({ "t": ["RECORD_PUBLISHED"] }),
        )
        .await;
        let change = &changes["changes"]["nodes"][0];
        assert_eq!(change["version"], version, "{auth:?}");
        let previous = if shown {
            json!("SUBMITTED")
        } else {
            Value::Null
        };
        assert_eq!(change["previousState"], previous, "{auth:?}");
    }
}

#[tokio::test]
async fn a_type_filter_keeps_each_change_s_number() {
    let app = TestApp::new().await;
    history(&app, true).await;
    for auth in [None, Some(sri()), Some(hospitalet()), Some(reviewer())] {
        let all = feed(&app, auth.as_deref()).await;
        let doc = "query($t: [ChangeType!]) { changes(types: $t, first: 100) {
            nodes { sequence cursor type } } }";
        for t in ["RECORD_PUBLISHED", "RECORD_SUBMITTED", "RECORD_RETURNED"] {
            let data = ok(&app, auth.as_deref(), doc, json!({ "t": [t] })).await;
            let filtered = data["changes"]["nodes"].as_array().expect("nodes").clone();
            let expected: Vec<Value> = all
                .iter()
                .filter(|c| c["type"] == t)
                .map(|c| json!({ "sequence": c["sequence"], "cursor": c["cursor"], "type": t }))
                .collect();
            assert_eq!(filtered, expected, "{auth:?} {t}");
        }
    }
}

#[tokio::test]
async fn a_cursor_works_for_those_who_see_its_change_and_tells_others_nothing() {
    let app = TestApp::new().await;
    history(&app, true).await;
    let after = |cursor: &Value| json!({ "after": cursor });
    // Resuming from each of its cursors gives a caller exactly the rest of its feed.
    for auth in [None, Some(sri()), Some(hospitalet()), Some(reviewer())] {
        let all = feed(&app, auth.as_deref()).await;
        for (i, change) in all.iter().enumerate() {
            let data = ok(&app, auth.as_deref(), FEED, after(&change["cursor"])).await;
            let rest: Vec<Value> = data["changes"]["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .map(|c| c["sequence"].clone())
                .collect();
            let expected: Vec<Value> = all[i + 1..].iter().map(|c| c["sequence"].clone()).collect();
            assert_eq!(rest, expected, "{auth:?} after {i}");
        }
    }
    // A cursor of a change the caller may not see is refused just as a malformed one: the
    // refusal does not say whether the change exists.
    let theirs = feed(&app, Some(&sri())).await;
    let restricted = theirs
        .iter()
        .find(|c| c["type"] == "RECORD_SUBMITTED")
        .expect("a submission");
    let unknown = URL_SAFE_NO_PAD.encode("change:u999:AMB-SRI");
    for (auth, cursor) in [
        (None, restricted["cursor"].clone()),
        (Some(hospitalet()), restricted["cursor"].clone()),
        (None, json!(unknown)),
        (Some(sri()), json!(unknown)),
    ] {
        let reply = send(&app, auth.as_deref(), FEED, after(&cursor)).await;
        assert_eq!(reply.error_code(), Some("BAD_USER_INPUT"), "{}", reply.body);
        assert_eq!(
            reply.error_message(),
            format!(
                "{:?} is not a cursor of the change feed",
                cursor.as_str().expect("text")
            )
        );
    }
    // Cursors issued before these numbers named the log's own ids: only callers who see the
    // whole log may still use them.
    let legacy = json!(URL_SAFE_NO_PAD.encode("event:1"));
    let reply = send(&app, None, FEED, after(&legacy)).await;
    assert_eq!(reply.error_code(), Some("BAD_USER_INPUT"), "{}", reply.body);
    assert!(
        reply
            .error_message()
            .contains("read the feed again from its start")
    );
    let whole = feed(&app, Some(&reviewer())).await;
    let data = ok(&app, Some(&reviewer()), FEED, after(&legacy)).await;
    assert_eq!(
        data["changes"]["nodes"].as_array().expect("nodes").len(),
        whole.len() - 1
    );
}

/// The `changes` subscription over a real WebSocket, as graphql-ws speaks it: every change
/// it pushes.
async fn subscribe(base: &str, auth: Option<&str>) -> tokio::sync::mpsc::Receiver<Value> {
    let mut request = format!("{}/graphql", base.replace("http:", "ws:"))
        .into_client_request()
        .expect("a WebSocket request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("a WebSocket");
    let payload = auth.map_or(json!({}), |a| json!({ "Authorization": a }));
    let init = json!({ "type": "connection_init", "payload": payload });
    ws.send(Message::text(init.to_string()))
        .await
        .expect("init");
    let ack = ws.next().await.expect("an answer").expect("a message");
    assert!(
        ack.to_text().expect("text").contains("connection_ack"),
        "{ack}"
    );
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": {
        "query": "subscription { changes { sequence cursor type version previousState } }" } });
    ws.send(Message::text(subscribe.to_string()))
        .await
        .expect("subscribe");
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    tokio::spawn(async move {
        while let Some(Ok(message)) = ws.next().await {
            let Ok(text) = message.to_text() else {
                continue;
            };
            let Ok(value) = serde_json::from_str::<Value>(text) else {
                continue;
            };
            if value["type"] == "next"
                && tx
                    .send(value["payload"]["data"]["changes"].clone())
                    .await
                    .is_err()
            {
                break;
            }
        }
    });
    rx
}

#[tokio::test]
async fn a_subscription_numbers_and_describes_changes_as_the_feed_does() {
    let app = TestApp::new().await;
    let base = app.serve().await;
    let anonymous_auth: Option<&str> = None;
    let service = sri();
    let mut anonymous = subscribe(&base, anonymous_auth).await;
    let mut own = subscribe(&base, Some(&service)).await;
    // The subscriptions start listening as soon as they are acknowledged by a first read;
    // give them a moment before the history begins.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    history(&app, true).await;
    for (auth, rx) in [(None, &mut anonymous), (Some(service.clone()), &mut own)] {
        let expected: Vec<Value> = feed(&app, auth.as_deref())
            .await
            .into_iter()
            .skip(1) // the plan's load, before the subscription
            .map(|c| {
                json!({ "sequence": c["sequence"], "cursor": c["cursor"], "type": c["type"],
                        "version": c["version"], "previousState": c["previousState"] })
            })
            .collect();
        let mut pushed = Vec::new();
        while pushed.len() < expected.len() {
            let next = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
                .await
                .unwrap_or_else(|_| panic!("{auth:?}: only {pushed:?} pushed"))
                .expect("a change");
            pushed.push(next);
        }
        assert_eq!(pushed, expected, "{auth:?}");
    }
}
