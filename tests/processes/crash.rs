//! `kill -9` in the middle of a burst of concurrent creates and publications, then a restart
//! on the same database and a retry of every request: every acknowledged write is there with
//! the same ID, exactly once, with its links, audit entries, events and webhook outbox rows,
//! and nothing is half written. On the database the tests run on: SQLite (a file, the embedded
//! default) or PostgreSQL.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use entity::{audit_entry, event, monitoring_record, record_link, webhook_delivery};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use super::{CREATE, PUBLISH, Server, admin, progress, sri, turn};
use crate::common::{TestDatabase, http_client};

/// Operations in the burst: even ones create a draft, odd ones create a submitted record and
/// publish it.
const OPERATIONS: usize = 48;
/// Concurrent clients, each on connections of its own.
const CLIENTS: usize = 8;
/// Acknowledged requests after which the server is killed (of about 72).
const KILL_AFTER: usize = 16;
/// Actions the reporting unit may report on.
const ACTIONS: [&str; 3] = ["LE1.1", "LE1.2", "LE1.3"];

/// One operation of the burst and what the client learned of it before the crash.
#[derive(Clone, Debug, Default)]
struct Operation {
    key: String,
    action: &'static str,
    publish: bool,
    /// The record's ID, when the create was acknowledged.
    created: Option<String>,
    /// Whether the publication was acknowledged.
    published: bool,
    /// Whether a request of this operation was cut off by the crash (sent, never answered).
    cut_off: bool,
}

impl Operation {
    fn new(i: usize) -> Self {
        Operation {
            key: format!("crash-burst-{i}"),
            action: ACTIONS[i % ACTIONS.len()],
            publish: i % 2 == 1,
            ..Operation::default()
        }
    }

    fn input(&self, i: usize) -> Value {
        json!({ "input": progress(self.action, u32::try_from(i).unwrap_or(0), &self.key),
                "key": self.key, "submit": self.publish })
    }
}

/// What a request of the burst came to.
enum Sent {
    Answered(super::Answer),
    /// Refused before anything was sent: the server was already gone.
    Refused,
    /// Sent and never answered.
    CutOff,
}

async fn send(server: &Server, client: &reqwest::Client, auth: &str, q: &str, v: Value) -> Sent {
    match server.try_post(client, Some(auth), q, v).await {
        Ok(answer) => Sent::Answered(answer),
        Err(e) if e.is_connect() => Sent::Refused,
        Err(_) => Sent::CutOff,
    }
}

/// Runs operations `mine` one after the other on a client of their own, counting
/// acknowledgements in `acks`; stops at the first request the server does not answer.
async fn client_run(
    server: &Server,
    mine: Vec<usize>,
    acks: Arc<AtomicUsize>,
) -> Vec<(usize, Operation)> {
    let client = http_client();
    let mut done = Vec::new();
    for i in mine {
        let mut op = Operation::new(i);
        let sent = send(server, &client, &sri(), CREATE, op.input(i)).await;
        let created = match sent {
            Sent::Answered(answer) => {
                let r = &answer.data(&op.key)["r"];
                assert_eq!(r["version"], 1, "{}", answer.body);
                acks.fetch_add(1, Ordering::SeqCst);
                r["id"].as_str().expect("id").to_owned()
            }
            Sent::Refused => {
                done.push((i, op));
                break;
            }
            Sent::CutOff => {
                op.cut_off = true;
                done.push((i, op));
                break;
            }
        };
        op.created = Some(created.clone());
        if op.publish {
            match send(
                server,
                &client,
                &admin(),
                PUBLISH,
                json!({ "id": created, "v": 1 }),
            )
            .await
            {
                Sent::Answered(answer) => {
                    assert_eq!(answer.data(&op.key)["r"]["state"], "PUBLISHED");
                    acks.fetch_add(1, Ordering::SeqCst);
                    op.published = true;
                }
                Sent::Refused => {
                    done.push((i, op));
                    break;
                }
                Sent::CutOff => {
                    op.cut_off = true;
                    done.push((i, op));
                    break;
                }
            }
        }
        done.push((i, op));
    }
    done
}

const LIST: &str = "{ progressUpdates(first: 100) { totalCount nodes { id state version } } }";

/// The burst, the crash, the restart and the retries, then every check.
async fn crash_in_the_middle_of_a_burst() {
    let _turn = turn().await;
    let (_database, url) = TestDatabase::create().await;
    // No worker: the outbox rows the publications queue stay where they were written.
    let mut server = Server::start("server", &url, &[("PLAN_API_WEBHOOK_WORKER", "false")]).await;
    let endpoint = json!({ "url": "http://127.0.0.1:9/hook", "eventTypes": ["RECORD_PUBLISHED"],
                           "description": "[Synthetic test data] outbox only" });
    server
        .post(
            Some(&admin()),
            "mutation($input: CreateWebhookEndpointInput!) {
               createWebhookEndpoint(input: $input) { endpoint { id } } }",
            json!({ "input": endpoint }),
        )
        .await
        .data("register");

    let acks = Arc::new(AtomicUsize::new(0));
    let mut burst = Vec::new();
    for c in 0..CLIENTS {
        let mine: Vec<usize> = (c..OPERATIONS).step_by(CLIENTS).collect();
        burst.push(client_run(&server, mine, acks.clone()));
    }
    let kill = async {
        while acks.load(Ordering::SeqCst) < KILL_AFTER {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        // By the command, as an operator would: the clients hold the server meanwhile.
        let pid = server.pid().to_string();
        let killed = tokio::process::Command::new("kill")
            .args(["-KILL", &pid])
            .status()
            .await
            .expect("kill");
        assert!(killed.success(), "kill -KILL {pid}");
    };
    let (before, ()) = tokio::join!(futures_util::future::join_all(burst), kill);
    server.kill9().await;
    let mut ops: BTreeMap<usize, Operation> = before.into_iter().flatten().collect();
    let acknowledged = ops.values().filter(|o| o.created.is_some()).count();
    let cut_off = ops.values().filter(|o| o.cut_off).count();
    assert!(
        (KILL_AFTER / 2..OPERATIONS).contains(&acknowledged),
        "the crash came mid-burst: {acknowledged} creates acknowledged"
    );
    assert!(cut_off >= 1, "no request was in flight at the crash");
    eprintln!(
        "crash: {acknowledged} creates and {} publications acknowledged, {cut_off} requests cut off",
        ops.values().filter(|o| o.published).count()
    );

    server.restart().await;
    // Every request again, with its idempotency key: the same record for every acknowledged
    // create; a publication acknowledged before the crash is not made twice.
    let mut ids: BTreeMap<usize, String> = BTreeMap::new();
    for i in 0..OPERATIONS {
        let op = ops.entry(i).or_insert_with(|| Operation::new(i));
        let again = server.post(Some(&sri()), CREATE, op.input(i)).await;
        let id = again.data(&op.key)["r"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        if let Some(first) = &op.created {
            assert_eq!(
                &id, first,
                "{}: the retry answers the acknowledged record",
                op.key
            );
        }
        if op.publish {
            let retried = server
                .post(Some(&admin()), PUBLISH, json!({ "id": id, "v": 1 }))
                .await;
            if op.published {
                assert_eq!(
                    retried.code(),
                    Some("CONFLICT"),
                    "{}: an acknowledged publication is not made again: {}",
                    op.key,
                    retried.body
                );
            } else if retried.code() != Some("CONFLICT") {
                assert_eq!(retried.data(&op.key)["r"]["state"], "PUBLISHED");
            }
        }
        ids.insert(i, id);
    }

    // Through the API: exactly the records of the burst, each once, in its final state.
    let all = server.post(Some(&admin()), LIST, json!({})).await;
    let all = &all.data("list")["progressUpdates"];
    assert_eq!(all["totalCount"], OPERATIONS);
    let listed: HashMap<String, (String, i64)> = all["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| {
            (
                n["id"].as_str().expect("id").to_owned(),
                (
                    n["state"].as_str().expect("state").to_owned(),
                    n["version"].as_i64().expect("version"),
                ),
            )
        })
        .collect();
    assert_eq!(listed.len(), OPERATIONS, "no record listed twice");
    for (i, id) in &ids {
        let expected = if ops[i].publish {
            ("PUBLISHED".to_owned(), 2)
        } else {
            ("DRAFT".to_owned(), 1)
        };
        assert_eq!(listed.get(id), Some(&expected), "{}", ops[i].key);
    }
    let public = server.post(None, LIST, json!({})).await;
    assert_eq!(
        public.data("public list")["progressUpdates"]["totalCount"],
        OPERATIONS / 2
    );

    // In the database: nothing half written.
    let (db, _) = plan_api::db::connect(&url).await.expect("connect");
    assert_eq!(
        monitoring_record::Entity::find()
            .count(&db)
            .await
            .expect("count"),
        OPERATIONS as u64
    );
    for (i, id) in &ids {
        let op = &ops[i];
        let rows = monitoring_record::Entity::find()
            .filter(monitoring_record::Column::IdempotencyKey.eq(op.key.as_str()))
            .all(&db)
            .await
            .expect("records");
        assert_eq!(rows.len(), 1, "{}", op.key);
        let record = &rows[0];
        let links: Vec<(String, String)> = record_link::Entity::find()
            .filter(record_link::Column::RecordId.eq(record.id))
            .order_by_asc(record_link::Column::Position)
            .all(&db)
            .await
            .expect("links")
            .into_iter()
            .map(|l| (l.target_type, l.target_code))
            .collect();
        let line = op.action.split('.').next().expect("a line");
        assert_eq!(
            links,
            [
                ("ACTION".to_owned(), op.action.to_owned()),
                ("LINE".to_owned(), line.to_owned())
            ],
            "{}",
            op.key
        );
        let audit: Vec<String> = audit_entry::Entity::find()
            .filter(audit_entry::Column::RecordId.eq(record.id))
            .order_by_asc(audit_entry::Column::Id)
            .all(&db)
            .await
            .expect("audit")
            .into_iter()
            .map(|a| a.operation)
            .collect();
        let events = event::Entity::find()
            .filter(event::Column::NodeId.eq(id.as_str()))
            .order_by_asc(event::Column::Id)
            .all(&db)
            .await
            .expect("events");
        let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
        if op.publish {
            assert_eq!(audit, ["CREATE", "PUBLISH"], "{}", op.key);
            assert_eq!(
                types,
                ["RECORD_SUBMITTED", "RECORD_PUBLISHED"],
                "{}",
                op.key
            );
            let queued = webhook_delivery::Entity::find()
                .filter(webhook_delivery::Column::EventId.eq(events[1].id))
                .count(&db)
                .await
                .expect("deliveries");
            assert_eq!(queued, 1, "{}: its outbox row", op.key);
        } else {
            assert_eq!(audit, ["CREATE"], "{}", op.key);
            assert!(types.is_empty(), "{}: {types:?}", op.key);
        }
    }
    let published = (OPERATIONS / 2) as u64;
    assert_eq!(
        audit_entry::Entity::find()
            .filter(audit_entry::Column::RecordType.eq("PROGRESS_UPDATE"))
            .count(&db)
            .await
            .expect("count"),
        OPERATIONS as u64 + published
    );
    assert_eq!(
        event::Entity::find()
            .filter(event::Column::EventType.ne("PLAN_CONTENT_CHANGED"))
            .count(&db)
            .await
            .expect("count"),
        2 * published
    );
    assert_eq!(
        webhook_delivery::Entity::find()
            .count(&db)
            .await
            .expect("count"),
        published
    );
    db.close().await.expect("close");
}

#[tokio::test]
async fn a_kill_9_mid_burst_loses_and_doubles_nothing_and_every_retry_answers_the_same() {
    crash_in_the_middle_of_a_burst().await;
}
