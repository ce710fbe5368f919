//! The lists reached from other objects (a municipality's activities and funded projects, an
//! action's progress updates, an indicator's measurements) page like the root lists: their
//! `…Connection` fields walk every record the caller sees, most recently recorded first, a page
//! at a time, reading only the page; the deprecated lists without paging stop at the 1,000 most
//! recently recorded. All the data here is synthetic (the demo data and copies of it).

use entity::monitoring_record;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::{Value, json};

use super::rows::rows_read;
use crate::common::{TestApp, Who, copy_record};

/// The page fields of a connection, as every walk asks for them.
const PAGE: &str = "totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id }";

/// A nested list and its connection side by side: `{ all: <list> { id } page: <connection>(first:
/// 3, after: $after) { PAGE } }` under `parent`.
struct Nested {
    parent: String,
    ty: &'static str,
    list: &'static str,
    connection: &'static str,
}

impl Nested {
    fn document(&self, first: u32) -> String {
        format!(
            "query($after: String) {{ parent: {} {{ ... on {} {{ all: {} {{ id }} \
             page: {}(first: {first}, after: $after) {{ {PAGE} }} }} }} }}",
            self.parent, self.ty, self.list, self.connection
        )
    }

    /// The connection alone, with `args`, under `page`.
    fn page_only(&self, args: &str) -> String {
        format!(
            "{{ parent: {} {{ ... on {} {{ page: {}({args}) {{ {PAGE} }} }} }} }}",
            self.parent, self.ty, self.connection
        )
    }
}

/// The records with the most of `list` (`"activities"` of `municipalities { ineCode … }`),
/// as an admin sees them: the parent's key.
async fn busiest(app: &TestApp, query: &str, key: &str, list: &str) -> String {
    let data = app.data_as(Who::Admin, query, json!({})).await;
    let mut parents = Vec::new();
    collect(&data, key, list, &mut parents);
    parents.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let (code, n) = parents.first().cloned().expect("a parent");
    assert!(n >= 1, "the synthetic data has {list} under {key} {code}");
    code
}

fn collect(v: &Value, key: &str, list: &str, out: &mut Vec<(String, usize)>) {
    match v {
        Value::Object(o) => {
            if let (Some(k), Some(l)) = (o.get(key).and_then(Value::as_str), o.get(list)) {
                out.push((k.to_owned(), l.as_array().map_or(0, Vec::len)));
            }
            o.values().for_each(|x| collect(x, key, list, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect(x, key, list, out)),
        _ => {}
    }
}

/// The four nested lists of the demo data's busiest parents.
async fn nested(app: &TestApp) -> Vec<Nested> {
    let ine = busiest(
        app,
        "{ municipalities { ineCode activities { id } } }",
        "ineCode",
        "activities",
    )
    .await;
    let funded = busiest(
        app,
        "{ municipalities { ineCode fundedProjects { id } } }",
        "ineCode",
        "fundedProjects",
    )
    .await;
    let action = busiest(
        app,
        "{ plan { strategicLines { actions { code progressHistory { id } } } } }",
        "code",
        "progressHistory",
    )
    .await;
    let indicator = busiest(
        app,
        "{ indicators(first: 100) { nodes { id measurements { id } } } }",
        "id",
        "measurements",
    )
    .await;
    vec![
        Nested {
            parent: format!("municipality(ineCode: \"{ine}\")"),
            ty: "Municipality",
            list: "activities",
            connection: "activitiesConnection",
        },
        Nested {
            parent: format!("municipality(ineCode: \"{funded}\")"),
            ty: "Municipality",
            list: "fundedProjects",
            connection: "fundedProjectsConnection",
        },
        Nested {
            parent: format!("action(code: \"{action}\")"),
            ty: "Action",
            list: "progressHistory",
            connection: "progressHistoryConnection",
        },
        Nested {
            parent: format!("node(id: \"{indicator}\")"),
            ty: "Indicator",
            list: "measurements",
            connection: "measurementsConnection",
        },
    ]
}

fn sorted(ids: &[String]) -> Vec<String> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// Walks `n`'s connection page by page as `who`: the list without paging (newest first), the
/// ids the pages gave in order, the pages' `totalCount` and how many pages there were.
async fn walk(
    app: &TestApp,
    who: Who,
    n: &Nested,
    first: u32,
) -> (Vec<String>, Vec<String>, u64, usize) {
    let doc = n.document(first);
    let mut after = Value::Null;
    let mut paged = Vec::new();
    let mut pages = 0;
    loop {
        let data = app.data_as(who, &doc, json!({ "after": after })).await;
        let parent = &data["parent"];
        let page = &parent["page"];
        assert_eq!(
            page["pageInfo"]["hasPreviousPage"],
            json!(pages > 0),
            "{}",
            n.connection
        );
        paged.extend(ids(&page["nodes"]));
        pages += 1;
        let total = page["totalCount"].as_u64().expect("totalCount");
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            return (ids(&parent["all"]), paged, total, pages);
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

/// Copies every activity, funded project, progress update and measurement `times - 1` times.
async fn multiply(app: &TestApp, times: usize) {
    let db = &app.state.db;
    let records = monitoring_record::Entity::find()
        .filter(monitoring_record::Column::RecordType.is_in([
            "ACTIVITY",
            "FUNDED_PROJECT",
            "PROGRESS_UPDATE",
            "MEASUREMENT",
        ]))
        .all(db)
        .await
        .expect("records");
    for _ in 1..times {
        for r in &records {
            copy_record(db, r, None).await;
        }
    }
}

#[tokio::test]
async fn nested_connections_walk_every_record_the_caller_sees_newest_first() {
    let app = TestApp::new().await;
    plan_api::demo::load(&app.state.db)
        .await
        .expect("synthetic demo data");
    multiply(&app, 4).await;
    for n in nested(&app).await {
        for who in [Who::Anonymous, Who::Admin, Who::Municipality("08101")] {
            let (all, paged, total, pages) = walk(&app, who, &n, 3).await;
            // The pages give, each once, exactly what the list gives, and count it.
            assert_eq!(sorted(&paged), sorted(&all), "{} as {who:?}", n.connection);
            assert_eq!(
                paged.len(),
                all.len(),
                "{} as {who:?}: no repeats",
                n.connection
            );
            assert_eq!(total, all.len() as u64, "{} as {who:?}", n.connection);
            assert_eq!(
                pages,
                all.len().div_ceil(3).max(1),
                "{} as {who:?}",
                n.connection
            );
            if who == Who::Admin {
                assert!(
                    all.len() >= 4,
                    "{}: {} records, more than a page",
                    n.connection,
                    all.len()
                );
            }
        }
    }
}

#[tokio::test]
async fn a_page_of_a_nested_list_reads_its_page_whatever_the_parent_holds() {
    let app = TestApp::with(|c| c.response_cache_bytes = 0).await;
    plan_api::demo::load(&app.state.db)
        .await
        .expect("synthetic demo data");
    // Three times the demo data first, so that every parent has more than a page (two records)
    // before too.
    multiply(&app, 3).await;
    let lists = nested(&app).await;
    let mut before = Vec::new();
    for n in &lists {
        before.push(rows_read(&app, &n.page_only("first: 2")).await);
    }
    multiply(&app, 10).await;
    for (n, (data, rows)) in lists.iter().zip(before) {
        let (after, rows_after) = rows_read(&app, &n.page_only("first: 2")).await;
        let (count, count_after) = (
            data["parent"]["page"]["totalCount"]
                .as_u64()
                .expect("count"),
            after["parent"]["page"]["totalCount"]
                .as_u64()
                .expect("count"),
        );
        assert_eq!(
            count_after,
            count * 10,
            "{}: ten times the records",
            n.connection
        );
        // The page (two records and the one after, to tell whether more follow), its count
        // (one row) and the parent's row when it is a record: never the rest.
        assert!(rows <= 5, "{}: {rows} rows", n.connection);
        assert_eq!(
            rows_after, rows,
            "{}: {rows} rows before, {rows_after} with 10×",
            n.connection
        );
    }
}

#[tokio::test]
async fn lists_without_paging_stop_at_the_newest_thousand_and_say_so() {
    let app = TestApp::new().await;
    plan_api::demo::load(&app.state.db)
        .await
        .expect("synthetic demo data");
    let n = nested(&app).await.remove(0);
    let ine = n.parent.split('"').nth(1).expect("an INE code").to_owned();
    // 1,001 more activities of the municipality: copies of one of them, published.
    let data = app
        .data_as(
            Who::Anonymous,
            &format!("{{ municipality(ineCode: \"{ine}\") {{ activities {{ id }} }} }}"),
            json!({}),
        )
        .await;
    let before = data["municipality"]["activities"]
        .as_array()
        .expect("list")
        .len();
    let one = monitoring_record::Entity::find()
        .filter(monitoring_record::Column::RecordType.eq("ACTIVITY"))
        .filter(monitoring_record::Column::State.eq("PUBLISHED"))
        .all(&app.state.db)
        .await
        .expect("activities")
        .into_iter()
        .find(|m| {
            m.payload["municipalities"]
                .as_array()
                .is_some_and(|a| a.contains(&json!(ine)))
        })
        .expect("a published activity of the municipality");
    let txn = app.state.db.begin().await.expect("a transaction");
    for _ in 0..1001 {
        copy_record(&txn, &one, None).await;
    }
    txn.commit().await.expect("commit");
    let (all, paged, total, pages) = walk(&app, Who::Anonymous, &n, 100).await;
    assert_eq!(total, (before + 1001) as u64);
    assert_eq!(paged.len(), before + 1001);
    assert_eq!(pages, (before + 1001).div_ceil(100));
    assert_eq!(all.len(), 1000, "the list stops at 1,000");
    assert_eq!(
        all[..],
        paged[..1000],
        "the newest 1,000, in the connection's order"
    );
    // The schema says so.
    let mut types = serde_json::Map::new();
    for (alias, ty) in [("m", "Municipality"), ("a", "Action"), ("i", "Indicator")] {
        let query = format!(
            "{{ __type(name: \"{ty}\") {{ fields(includeDeprecated: true) \
             {{ name isDeprecated deprecationReason }} }} }}"
        );
        types.insert(alias.to_owned(), app.data(&query).await["__type"].clone());
    }
    for (ty, list, connection) in [
        ("m", "activities", "activitiesConnection"),
        ("m", "fundedProjects", "fundedProjectsConnection"),
        ("a", "progressHistory", "progressHistoryConnection"),
        ("i", "measurements", "measurementsConnection"),
    ] {
        let field = |name: &str| {
            types[ty]["fields"]
                .as_array()
                .expect("fields")
                .iter()
                .find(|f| f["name"] == name)
                .cloned()
                .expect("the field")
        };
        assert_eq!(field(list)["isDeprecated"], true, "{list}");
        let reason = field(list)["deprecationReason"]
            .as_str()
            .expect("a reason")
            .to_owned();
        assert!(
            reason.starts_with("Returns at most the newest 1,000")
                && reason.contains(&format!("`{connection}`")),
            "{list}: {reason}"
        );
        assert_eq!(field(connection)["isDeprecated"], false, "{connection}");
    }
}

#[tokio::test]
async fn bad_paging_of_a_nested_list_is_refused_and_returns_nothing_of_it() {
    let app = TestApp::new().await;
    plan_api::demo::load(&app.state.db)
        .await
        .expect("synthetic demo data");
    for n in nested(&app).await {
        for (args, field, message) in [
            ("first: 101", "first", "first must be at most 100"),
            ("first: -1", "first", "first must not be negative"),
            (
                "after: \"bogus\"",
                "after",
                "\"bogus\" is not a valid cursor",
            ),
        ] {
            let reply = app.post_as(Who::Admin, &n.page_only(args), json!({})).await;
            let error = &reply.body["errors"][0];
            assert_eq!(
                error["extensions"]["code"], "BAD_USER_INPUT",
                "{}",
                reply.text
            );
            assert_eq!(error["extensions"]["field"], field, "{}", reply.text);
            assert_eq!(error["message"], message, "{}", reply.text);
            assert_eq!(error["path"], json!(["parent", "page"]), "{}", reply.text);
            // The connection is non-null: its parent is null, nothing partial of the list.
            assert_eq!(reply.body["data"]["parent"], Value::Null, "{}", reply.text);
        }
    }
    let reply = app
        .post_as(
            Who::Admin,
            r#"{ municipality(ineCode: "08101") { activitiesConnection(plan: "NO-SUCH-PLAN") { totalCount } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        reply.body["data"]["municipality"],
        Value::Null,
        "{}",
        reply.text
    );
    let error = &reply.body["errors"][0];
    assert_eq!(error["extensions"]["code"], "NOT_FOUND", "{}", reply.text);
    assert_eq!(
        error["message"], "no plan with code \"NO-SUCH-PLAN\"",
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn a_root_list_counts_its_matches_only_when_asked_for_their_total() {
    let app = TestApp::with(|c| c.response_cache_bytes = 0).await;
    plan_api::demo::load(&app.state.db)
        .await
        .expect("synthetic demo data");
    multiply(&app, 3).await;
    let counts = |statements: Vec<sea_orm::Statement>| {
        statements
            .iter()
            .filter(|s| {
                let sql = s.sql.to_ascii_lowercase();
                sql.contains("count(") && sql.contains("monitoring_record")
            })
            .count()
    };
    let total = app
        .data("{ progressUpdates(first: 1) { totalCount } }")
        .await["progressUpdates"]["totalCount"]
        .as_u64()
        .expect("a total");
    assert!(total > 6, "{total} progress updates");
    // Without `totalCount`, the pages walk every update and say when they end; nothing counts.
    let mut after = Value::Null;
    let mut walked = Vec::new();
    loop {
        app.state.statements.record();
        let data = app
            .data_as(
                Who::Anonymous,
                "query($after: String) { progressUpdates(first: 3, after: $after) \
                 { pageInfo { hasNextPage endCursor } nodes { id } } }",
                json!({ "after": after }),
            )
            .await;
        assert_eq!(
            counts(app.state.statements.recorded()),
            0,
            "no count without totalCount"
        );
        let page = &data["progressUpdates"];
        walked.extend(ids(&page["nodes"]));
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(walked.len() as u64, total);
    let whole = app
        .data(&format!(
            "{{ progressUpdates(first: {}) {{ nodes {{ id }} }} }}",
            total.min(100)
        ))
        .await;
    assert_eq!(
        walked[..total.min(100) as usize],
        ids(&whole["progressUpdates"]["nodes"])[..]
    );
    // With it, one count, in a fragment too.
    app.state.statements.record();
    let data = app
        .data(
            "{ progressUpdates(first: 3) { ...Counted nodes { id } } } \
             fragment Counted on ProgressUpdateConnection { totalCount }",
        )
        .await;
    assert_eq!(counts(app.state.statements.recorded()), 1);
    assert_eq!(data["progressUpdates"]["totalCount"], json!(total));
}
