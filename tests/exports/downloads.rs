//! The CSV and JSON downloads: they parse, count what GraphQL counts, and carry exact codes,
//! texts and amounts.

use super::*;

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
