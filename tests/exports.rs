//! Open data downloads, the DCAT-AP catalogue and the annual report page: every CSV parses
//! with the `csv` crate and has as many rows as the GraphQL API counts for an anonymous
//! caller; amounts are exact; drafts never appear; responses are cacheable with a validator.

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

#[tokio::test]
async fn every_csv_parses_and_counts_what_graphql_counts_in_every_language() {
    let app = app_with_records().await;
    let counts = graphql_counts(&app).await;
    // The fixture has something in every monitoring download, and drafts besides.
    for name in [
        "progress-updates",
        "activities",
        "funded-projects",
        "indicators",
        "measurements",
    ] {
        assert!(counts[name] > 0, "{name}: nothing published to compare");
    }
    for name in FIXED {
        for lang in ["es", "ca", "en", "fr"] {
            let csv = get(
                &app,
                &format!("/exports/{PLAN}/{name}.csv?lang={lang}"),
                &[],
            )
            .await;
            assert_eq!(csv.status, StatusCode::OK, "{name} {lang}: {}", csv.text);
            assert_eq!(
                csv.headers["content-type"],
                "text/csv; charset=utf-8; header=present"
            );
            assert_eq!(csv.headers["content-language"], lang);
            assert!(!csv.text.starts_with('\u{feff}'), "no byte-order mark");
            assert!(csv.text.ends_with("\r\n"), "{name}: RFC 4180 line ends");
            let (header, rows) = parse_csv(&csv.text);
            assert!(!header.is_empty());
            assert_eq!(
                rows.len(),
                counts[name],
                "{name} {lang}: rows against GraphQL"
            );
            assert!(
                !csv.text.contains(DRAFT_MARK),
                "{name} {lang}: a draft leaked"
            );

            let json = get(
                &app,
                &format!("/exports/{PLAN}/{name}.json?lang={lang}"),
                &[],
            )
            .await;
            assert_eq!(json.status, StatusCode::OK);
            assert_eq!(json.body["dataset"], name);
            assert_eq!(json.body["language"], lang);
            let cols: Vec<String> = json.body["columns"]
                .as_array()
                .expect("columns")
                .iter()
                .map(|c| c.as_str().expect("name").to_owned())
                .collect();
            assert_eq!(cols, header, "{name}: the same columns in both formats");
            assert_eq!(
                json.body["records"].as_array().expect("records").len(),
                rows.len()
            );
            assert!(
                !json.text.contains(DRAFT_MARK),
                "{name} {lang}: a draft leaked"
            );
        }
    }
    // A token changes nothing: downloads are what anonymous callers see.
    let admin = format!("Bearer {}", token("admin", None, None));
    let as_admin = get(
        &app,
        &format!("/exports/{PLAN}/activities.csv"),
        &[("authorization", &admin)],
    )
    .await;
    assert!(!as_admin.text.contains(DRAFT_MARK));
    assert_eq!(parse_csv(&as_admin.text).1.len(), counts["activities"]);
}

#[tokio::test]
async fn codes_texts_and_amounts_are_exact() {
    let app = app_with_records().await;
    // Catalan texts, as GraphQL gives them, beside the codes.
    let d = gql(
        &app,
        None,
        r#"{ action(code: "LE1.1") { title(lang: CA) strategicLine { code }
              responsibleUnits { code } }
            fundedProjects(first: 100) { nodes { title(lang: CA) totalBudget grantAmount } } }"#,
        json!({}),
    )
    .await;
    let (_, actions) = parse_csv(
        &get(&app, &format!("/exports/{PLAN}/actions.csv?lang=ca"), &[])
            .await
            .text,
    );
    let le11 = actions
        .iter()
        .find(|r| r["code"] == "LE1.1")
        .expect("LE1.1");
    assert_eq!(le11["title"], d["action"]["title"].as_str().expect("title"));
    assert_eq!(
        le11["strategic_line_code"],
        d["action"]["strategicLine"]["code"].as_str().expect("line")
    );
    let responsible: BTreeSet<&str> = le11["responsible_codes"].split('|').collect();
    let expected: BTreeSet<&str> = d["action"]["responsibleUnits"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| u["code"].as_str().expect("code"))
        .collect();
    assert_eq!(responsible, expected);

    let (_, projects) = parse_csv(
        &get(
            &app,
            &format!("/exports/{PLAN}/funded-projects.csv?lang=ca"),
            &[],
        )
        .await
        .text,
    );
    let ours = projects
        .iter()
        .find(|r| r["title"] == "Projecte exacte")
        .expect("our project");
    assert_eq!(ours["total_budget_eur"], "1234567.89");
    assert_eq!(ours["grant_amount_eur"], "987654.01");
    // Every amount is the one GraphQL gives, to the cent.
    let mut from_csv: Vec<(String, String)> = projects
        .iter()
        .map(|r| (r["total_budget_eur"].clone(), r["grant_amount_eur"].clone()))
        .collect();
    let mut from_gql: Vec<(String, String)> = d["fundedProjects"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|p| {
            let s = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            (s(&p["totalBudget"]), s(&p["grantAmount"]))
        })
        .collect();
    from_csv.sort();
    from_gql.sort();
    assert_eq!(from_csv, from_gql);
    let json = get(&app, &format!("/exports/{PLAN}/funded-projects.json"), &[]).await;
    let amounts: Vec<&Value> = json.body["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| &r["grant_amount_eur"])
        .collect();
    assert!(
        amounts.contains(&&json!("987654.01")),
        "exact amounts are strings in JSON"
    );

    // The annual report download: one row per action of the plan.
    let report = get(
        &app,
        &format!("/exports/{PLAN}/annual-report-2024.csv?lang=en"),
        &[],
    )
    .await;
    assert_eq!(report.status, StatusCode::OK);
    let (_, rows) = parse_csv(&report.text);
    assert_eq!(rows.len(), d_actions(&app).await);
    let json = get(
        &app,
        &format!("/exports/{PLAN}/annual-report-2024.json"),
        &[],
    )
    .await;
    assert_eq!(json.body["published"], false);
    assert_eq!(json.body["year"], 2024);
}

async fn d_actions(app: &TestApp) -> usize {
    gql(app, None, "{ actions(first: 1) { totalCount } }", json!({})).await["actions"]["totalCount"]
        .as_u64()
        .expect("count") as usize
}

#[tokio::test]
async fn downloads_are_cacheable_and_bad_requests_are_clear() {
    let app = TestApp::new().await;
    let uri = format!("/exports/{PLAN}/actions.csv?lang=ca");
    let first = get(&app, &uri, &[]).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(
        first.headers["cache-control"],
        "public, max-age=60, stale-while-revalidate=600"
    );
    assert!(first.headers.contains_key("last-modified"));
    let etag = first.headers["etag"].to_str().expect("etag").to_owned();
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
    let again = get(&app, &uri, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.text.is_empty());
    assert_eq!(again.headers["etag"], etag.as_str());
    let other = get(
        &app,
        &format!("/exports/{PLAN}/actions.csv?lang=en"),
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(
        other.status,
        StatusCode::OK,
        "another language is another representation"
    );
    // Accept-Language decides when `lang` is absent.
    let fr = get(
        &app,
        &format!("/exports/{PLAN}/actions.csv"),
        &[("accept-language", "fr-FR,fr;q=0.9")],
    )
    .await;
    assert_eq!(fr.headers["content-language"], "fr");
    assert_eq!(fr.headers["vary"], "Accept-Language");
    // A publication changes the representation.
    plan_api::demo::load(&app.state.db)
        .await
        .expect("demo data");
    let acts = format!("/exports/{PLAN}/activities.csv");
    let before = get(&app, &acts, &[]).await.headers["etag"].clone();
    create(&app, "Activity", json!({ "kind": "FORUM", "title": { "es": "Foro" }, "startDate": "2024-04-04", "actions": ["LE1.1"] }), true).await;
    let after = get(
        &app,
        &acts,
        &[("if-none-match", before.to_str().expect("etag"))],
    )
    .await;
    assert_eq!(after.status, StatusCode::OK);
    assert_ne!(after.headers["etag"], before);

    for (uri, status, code) in [
        (
            format!("/exports/{PLAN}/actions.csv?lang=de"),
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
        (
            "/exports/NO-SUCH-PLAN/actions.csv".to_owned(),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            format!("/exports/{PLAN}/secrets.csv"),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            format!("/exports/{PLAN}/actions.xml"),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            format!("/exports/{PLAN}/annual-report-1999.csv"),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            format!("/reports/{PLAN}/1999"),
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
        (
            format!("/reports/{PLAN}/next"),
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
    ] {
        let r = get(&app, &uri, &[]).await;
        assert_eq!(r.status, status, "{uri}: {}", r.text);
        assert_eq!(r.error_code(), Some(code), "{uri}: {}", r.text);
    }
}

#[tokio::test]
async fn the_catalogue_is_json_ld_and_lists_every_download() {
    let app = TestApp::with(|c| {
        c.public_url = Some("https://api.example.org/".to_owned());
        c.exports_license = Some("https://creativecommons.org/licenses/by/4.0/".to_owned());
    })
    .await;
    let r = get(&app, "/exports/catalog.jsonld", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers["content-type"],
        "application/ld+json; charset=utf-8"
    );
    let cat = &r.body;
    assert_eq!(cat["@type"], "dcat:Catalog");
    assert_eq!(cat["@context"]["dcat"], "http://www.w3.org/ns/dcat#");
    assert_eq!(
        cat["dct:publisher"]["foaf:name"],
        "Àrea Metropolitana de Barcelona"
    );
    let datasets = cat["dcat:dataset"].as_array().expect("datasets");
    let mut expected: BTreeSet<String> = FIXED.iter().map(|n| (*n).to_owned()).collect();
    expected.extend((2021..=2025).map(|y| format!("annual-report-{y}")));
    let mut listed = BTreeSet::new();
    for d in datasets {
        assert_eq!(d["@type"], "dcat:Dataset");
        let name = d["dct:identifier"]
            .as_str()
            .expect("identifier")
            .trim_start_matches(&format!("{PLAN}/"))
            .to_owned();
        assert_eq!(d["dct:language"].as_array().expect("languages").len(), 4);
        assert!(
            d["dct:temporal"]["dcat:startDate"]["@value"]
                .as_str()
                .expect("start")
                .starts_with("202")
        );
        assert!(!d["dcat:theme"].as_array().expect("themes").is_empty());
        assert!(d["dct:modified"]["@value"].is_string());
        let urls: BTreeSet<String> = d["dcat:distribution"]
            .as_array()
            .expect("distributions")
            .iter()
            .filter_map(|x| x["dcat:downloadURL"]["@id"].as_str().map(str::to_owned))
            .collect();
        for ext in ["csv", "json"] {
            for lang in ["es", "ca", "en", "fr"] {
                let url =
                    format!("https://api.example.org/exports/{PLAN}/{name}.{ext}?lang={lang}");
                assert!(urls.contains(&url), "{url} missing");
                // Every listed download answers.
                let path = url.trim_start_matches("https://api.example.org");
                assert_eq!(get(&app, path, &[]).await.status, StatusCode::OK, "{path}");
            }
        }
        for x in d["dcat:distribution"].as_array().expect("distributions") {
            assert_eq!(
                x["dct:license"]["@id"],
                "https://creativecommons.org/licenses/by/4.0/"
            );
        }
        listed.insert(name);
    }
    assert_eq!(listed, expected);
}

#[tokio::test]
async fn the_report_page_is_self_contained_and_marked() {
    let app = app_with_records().await;
    let lines = gql(
        &app,
        None,
        "{ plan { strategicLines { code } } }",
        json!({}),
    )
    .await["plan"]["strategicLines"]
        .as_array()
        .expect("lines")
        .len();
    for lang in ["ca", "en"] {
        let r = get(&app, &format!("/reports/{PLAN}/2024?lang={lang}"), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.headers["content-type"], "text/html; charset=utf-8");
        let csp = r.headers["content-security-policy"].to_str().expect("csp");
        assert!(
            csp.starts_with("default-src 'none'; style-src 'sha256-"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe"), "{csp}");
        let html = &r.text;
        assert!(html.contains(&format!("<html lang=\"{lang}\"")));
        assert_eq!(html.matches("<section").count(), lines + 2);
        assert_eq!(html.matches("<svg").count(), 3);
        assert!(html.contains("data-mark=\"not-published\""));
        assert!(html.contains("data-mark=\"synthetic\""));
        assert!(!html.contains(DRAFT_MARK));
        assert!(
            !html.contains("http://") || !html.contains("src=\"http"),
            "no external resource"
        );
        assert!(!html.contains("<script"), "no script");
    }
    let en = get(&app, &format!("/reports/{PLAN}/2024?lang=en"), &[])
        .await
        .text;
    assert!(en.contains("1,234,567.89 €"), "exact amount shown");
    // Once published, the page says so and is no longer marked as a draft.
    gql(
        &app,
        Some("admin"),
        "mutation { publishAnnualReport(year: 2024) { published } }",
        json!({}),
    )
    .await;
    let after = get(&app, &format!("/reports/{PLAN}/2024?lang=en"), &[])
        .await
        .text;
    assert!(after.contains("data-mark=\"published\""));
    assert!(!after.contains("data-mark=\"not-published\""));
    let json = get(
        &app,
        &format!("/exports/{PLAN}/annual-report-2024.json"),
        &[],
    )
    .await;
    assert_eq!(json.body["published"], true);
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

#[tokio::test]
async fn validators_come_from_the_content_generation_and_bodies_are_streamed() {
    let app = TestApp::new().await;
    plan_api::demo::load(&app.state.db)
        .await
        .expect("demo data");
    let uri = format!("/exports/{PLAN}/measurements.json?lang=en");
    let first = get(&app, &uri, &[]).await;
    assert_eq!(first.status, StatusCode::OK);
    // Streamed: the length is not known when the head is sent.
    assert!(
        !first.headers.contains_key("content-length"),
        "{:?}",
        first.headers
    );
    assert!(
        !first.body["records"]
            .as_array()
            .expect("records")
            .is_empty()
    );
    let etag = header(&first, "etag").to_owned();
    let modified = header(&first, "last-modified").to_owned();
    assert_eq!(
        header(&first, "cache-control"),
        plan_api::http_cache::PUBLIC
    );
    // Nothing changed: the same tag, and every way of asking for it gets a bodiless 304.
    let again = get(&app, &uri, &[]).await;
    assert_eq!(header(&again, "etag"), etag);
    assert_eq!(again.text, first.text);
    let gzip_tag = format!("{}-gzip\"", etag.trim_end_matches('"'));
    for (name, value) in [
        ("if-none-match", etag.as_str()),
        ("if-none-match", gzip_tag.as_str()),
        ("if-none-match", "\"other\", *"),
        ("if-modified-since", modified.as_str()),
        ("if-modified-since", "Fri, 01 Jan 2100 00:00:00 GMT"),
    ] {
        let r = get(&app, &uri, &[(name, value)]).await;
        assert_eq!(r.status, StatusCode::NOT_MODIFIED, "{name}: {value}");
        assert!(r.text.is_empty());
        assert_eq!(header(&r, "etag"), etag);
        assert_eq!(header(&r, "last-modified"), modified);
        assert_eq!(header(&r, "cache-control"), plan_api::http_cache::PUBLIC);
    }
    // An older copy; a tag that does not match overrides a current If-Modified-Since.
    let old = get(
        &app,
        &uri,
        &[("if-modified-since", "Mon, 01 Jan 2001 00:00:00 GMT")],
    )
    .await;
    assert_eq!(old.status, StatusCode::OK);
    let stale = get(
        &app,
        &uri,
        &[
            ("if-none-match", "\"stale\""),
            ("if-modified-since", modified.as_str()),
        ],
    )
    .await;
    assert_eq!(stale.status, StatusCode::OK);
    // HEAD: the same head, no body, nothing read.
    let head = send(&app, "HEAD", &uri, &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.text.is_empty());
    assert_eq!(header(&head, "etag"), etag);
    assert_eq!(
        header(&head, "content-type"),
        "application/json; charset=utf-8"
    );
    // Another format or language is another representation.
    let csv = get(
        &app,
        &format!("/exports/{PLAN}/measurements.csv?lang=en"),
        &[],
    )
    .await;
    let ca = get(
        &app,
        &format!("/exports/{PLAN}/measurements.json?lang=ca"),
        &[],
    )
    .await;
    assert_ne!(header(&csv, "etag"), etag);
    assert_ne!(header(&ca, "etag"), etag);

    // A generation bump (what every visible change does in its transaction) changes the tag.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    plan_api::generation::bump(&app.state.db)
        .await
        .expect("bump");
    let after = get(&app, &uri, &[("if-none-match", etag.as_str())]).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_ne!(header(&after, "etag"), etag);
    assert_ne!(header(&after, "last-modified"), modified);
    let since = get(&app, &uri, &[("if-modified-since", modified.as_str())]).await;
    assert_eq!(since.status, StatusCode::OK, "modified since");
    assert_eq!(after.text, first.text, "the same rows under a new tag");
}

#[tokio::test]
async fn the_catalogue_is_also_turtle_and_negotiated() {
    let app = TestApp::with(|c| c.public_url = Some("https://api.example.org".to_owned())).await;
    let ttl = get(&app, "/exports/catalog.ttl", &[]).await;
    assert_eq!(ttl.status, StatusCode::OK);
    assert_eq!(header(&ttl, "content-type"), "text/turtle; charset=utf-8");
    assert!(
        ttl.text
            .contains("@prefix dcat: <http://www.w3.org/ns/dcat#> .")
    );
    assert!(
        ttl.text
            .contains("<https://api.example.org/exports/catalog.jsonld>\n    a dcat:Catalog ;"),
        "{}",
        &ttl.text[..2000.min(ttl.text.len())]
    );
    let jsonld = get(&app, "/exports/catalog.jsonld", &[]).await;
    // Every download URL of the JSON-LD is in the Turtle.
    let mut urls = 0;
    for d in jsonld.body["dcat:dataset"].as_array().expect("datasets") {
        for x in d["dcat:distribution"].as_array().expect("distributions") {
            let url = x["dcat:accessURL"]["@id"].as_str().expect("url");
            assert!(ttl.text.contains(&format!("<{url}>")), "{url}");
            urls += 1;
        }
    }
    assert_eq!(urls, 15 * 8 + 5 * 4);
    assert_ne!(header(&ttl, "etag"), header(&jsonld, "etag"));

    for (accept, ctype) in [
        (None, "application/ld+json; charset=utf-8"),
        (Some("text/turtle"), "text/turtle; charset=utf-8"),
        (
            Some("application/ld+json;q=0.5, text/turtle;q=0.9"),
            "text/turtle; charset=utf-8",
        ),
        (
            Some("text/turtle;q=0.5, application/ld+json"),
            "application/ld+json; charset=utf-8",
        ),
        (Some("text/html"), "application/ld+json; charset=utf-8"),
    ] {
        let headers: Vec<(&str, &str)> = accept.iter().map(|a| ("accept", *a)).collect();
        let r = get(&app, "/exports/catalog", &headers).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(header(&r, "content-type"), ctype, "{accept:?}");
        assert_eq!(header(&r, "vary"), "Accept");
    }
    let etag = header(&ttl, "etag").to_owned();
    let r = get(&app, "/exports/catalog.ttl", &[("if-none-match", &etag)]).await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    let head = send(&app, "HEAD", "/exports/catalog.ttl", &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.text.is_empty());
    assert_eq!(header(&head, "etag"), etag);
    // The links depend on the address: another host, another tag.
    let app2 = TestApp::new().await;
    let a = get(&app2, "/exports/catalog.jsonld", &[("host", "a.example")]).await;
    let b = get(&app2, "/exports/catalog.jsonld", &[("host", "b.example")]).await;
    assert_ne!(header(&a, "etag"), header(&b, "etag"));
}

#[tokio::test]
async fn the_report_page_is_validated_without_rendering() {
    let app = TestApp::new().await;
    let uri = format!("/reports/{PLAN}/2023?lang=ca");
    let page = get(&app, &uri, &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    let etag = header(&page, "etag").to_owned();
    let r = get(&app, &uri, &[("if-none-match", &etag)]).await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert_eq!(header(&r, "content-language"), "ca");
    let head = send(&app, "HEAD", &uri, &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(header(&head, "etag"), etag);
    assert_ne!(
        header(
            &get(&app, &format!("/reports/{PLAN}/2024?lang=ca"), &[]).await,
            "etag"
        ),
        etag
    );
}
