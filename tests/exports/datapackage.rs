//! The Frictionless Data Package of a plan's CSV downloads: its resources are the downloads,
//! its Table Schemas say what every CSV holds (every cell of every download is read here by
//! its declared type), and it is an HTTP resource like the downloads.

use super::*;

const LANGS: [&str; 4] = ["es", "ca", "en", "fr"];

/// Every download of the plan, in the package's order.
fn resource_names() -> Vec<String> {
    FIXED
        .iter()
        .map(|n| (*n).to_owned())
        .chain((2021..=2025).map(|y| format!("annual-report-{y}")))
        .collect()
}

/// Whether `text` is digits only (and at least one).
fn digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Reads `cell` as the Table Schema `field` declares it (with `missingValues: [""]`): `Ok(None)`
/// for a missing value, `Ok(Some(type))` for a value of its type, else why not.
fn read_cell(field: &Value, cell: &str) -> Result<Option<String>, String> {
    let constraints = &field["constraints"];
    if cell.is_empty() {
        return if constraints["required"] == true {
            Err("missing, but required".into())
        } else {
            Ok(None)
        };
    }
    let kind = field["type"].as_str().ok_or("no type")?;
    let ok = match kind {
        "string" => match constraints["enum"].as_array() {
            Some(values) => values.iter().any(|v| v == cell),
            None => true,
        },
        "integer" => {
            let n: i64 = cell.parse().map_err(|_| "not an integer")?;
            digits(cell.trim_start_matches('-'))
                && constraints["minimum"].as_i64().is_none_or(|m| n >= m)
                && constraints["maximum"].as_i64().is_none_or(|m| n <= m)
        }
        "year" => cell.len() == 4 && digits(cell),
        "number" => {
            // bareNumber, decimalChar ".", no grouping, no exponent.
            assert_eq!(field["bareNumber"], true);
            assert_eq!(field["decimalChar"], ".");
            let unsigned = cell.strip_prefix('-').unwrap_or(cell);
            let mut parts = unsigned.split('.');
            let whole = parts.next().unwrap_or_default();
            digits(whole)
                && parts.next().is_none_or(digits)
                && parts.next().is_none()
                && cell.parse::<rust_decimal::Decimal>().is_ok()
        }
        "boolean" => {
            assert_eq!(field["trueValues"], json!(["true"]));
            assert_eq!(field["falseValues"], json!(["false"]));
            cell == "true" || cell == "false"
        }
        "date" => chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d").is_ok() && cell.len() == 10,
        "datetime" => chrono::DateTime::parse_from_rfc3339(cell).is_ok(),
        "list" => {
            assert_eq!(field["delimiter"], "|");
            assert_eq!(field["itemType"], "string");
            cell.split('|').all(|item| !item.is_empty())
        }
        other => return Err(format!("unexpected type {other}")),
    };
    if ok {
        Ok(Some(kind.to_owned()))
    } else {
        Err(format!("not a {kind}"))
    }
}

#[tokio::test]
async fn the_data_package_schema_says_what_every_csv_holds_in_every_language() {
    let app = app_with_records().await;
    let mut types_read = BTreeSet::new();
    let mut cells = 0usize;
    for lang in LANGS {
        let r = get(
            &app,
            &format!("/exports/{PLAN}/datapackage.json?lang={lang}"),
            &[],
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(
            header(&r, "content-type"),
            "application/json; charset=utf-8"
        );
        assert_eq!(header(&r, "content-language"), lang);
        let pkg = &r.body;
        assert_eq!(
            pkg["$schema"],
            "https://datapackage.org/profiles/2.0/datapackage.json"
        );
        assert_eq!(pkg["name"], "amb-pi-2021-2025");
        let resources = pkg["resources"].as_array().expect("resources");
        let names: Vec<String> = resources
            .iter()
            .map(|r| r["name"].as_str().expect("name").to_owned())
            .collect();
        assert_eq!(names, resource_names());
        for res in resources {
            let name = res["name"].as_str().expect("name");
            let path = format!("/exports/{PLAN}/{name}.csv?lang={lang}");
            assert_eq!(res["path"], format!("http://localhost{path}"));
            assert_eq!(res["type"], "table");
            assert_eq!(res["format"], "csv");
            assert_eq!(res["mediatype"], "text/csv");
            assert_eq!(res["encoding"], "utf-8");
            assert_eq!(
                res["dialect"],
                json!({ "header": true, "delimiter": ",", "lineTerminator": "\r\n",
                        "quoteChar": "\"", "doubleQuote": true })
            );
            let schema = &res["schema"];
            assert_eq!(schema["missingValues"], json!([""]));
            let fields = schema["fields"].as_array().expect("fields");

            let csv = get(&app, &path, &[]).await;
            assert_eq!(csv.status, StatusCode::OK, "{path}");
            let (header, rows) = parse_csv(&csv.text);
            let declared: Vec<&str> = fields
                .iter()
                .map(|f| f["name"].as_str().expect("field name"))
                .collect();
            assert_eq!(
                declared, header,
                "{path}: the schema's fields are the header"
            );
            assert!(!rows.is_empty(), "{path}: no row to read");

            let key: Vec<&str> = schema["primaryKey"]
                .as_array()
                .expect("a primary key")
                .iter()
                .map(|k| k.as_str().expect("key"))
                .collect();
            let mut keys = BTreeSet::new();
            let mut unique: HashMap<&str, BTreeSet<&str>> = HashMap::new();
            for (i, row) in rows.iter().enumerate() {
                for f in fields {
                    let column = f["name"].as_str().expect("name");
                    let cell = row[column].as_str();
                    match read_cell(f, cell) {
                        Ok(Some(kind)) => {
                            types_read.insert(kind);
                        }
                        Ok(None) => {}
                        Err(why) => panic!("{path} row {i} {column} = {cell:?}: {why}"),
                    }
                    if f["constraints"]["unique"] == true && !cell.is_empty() {
                        let fresh = unique.entry(column).or_default().insert(cell);
                        assert!(fresh, "{path}: {column} {cell:?} twice");
                    }
                    cells += 1;
                }
                let k: Vec<&str> = key.iter().map(|c| row[*c].as_str()).collect();
                assert!(k.iter().all(|v| !v.is_empty()), "{path}: an empty key");
                assert!(keys.insert(k.clone()), "{path}: key {k:?} twice");
            }
        }
    }
    assert_eq!(
        types_read,
        [
            "boolean", "date", "datetime", "integer", "list", "number", "string", "year"
        ]
        .map(String::from)
        .into(),
        "every declared type was read from real cells"
    );
    assert!(cells > 10_000, "{cells} cells read");
}

/// The fields a reader depends on, as they must be declared whatever the rest says.
#[tokio::test]
async fn codes_stay_text_and_amounts_exact_numbers() {
    let app = app_with_records().await;
    let pkg = get(&app, &format!("/exports/{PLAN}/datapackage.json"), &[])
        .await
        .body;
    let field = |resource: &str, name: &str| -> Value {
        pkg["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .find(|r| r["name"] == resource)
            .and_then(|r| {
                r["schema"]["fields"]
                    .as_array()
                    .expect("fields")
                    .iter()
                    .find(|f| f["name"] == name)
                    .cloned()
            })
            .unwrap_or_else(|| panic!("no field {resource}.{name}"))
    };
    let key = |resource: &str| -> Value {
        pkg["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .find(|r| r["name"] == resource)
            .map(|r| r["schema"]["primaryKey"].clone())
            .unwrap_or_default()
    };
    assert_eq!(
        field("municipalities", "ine_code"),
        json!({ "name": "ine_code", "type": "string", "constraints": { "required": true } })
    );
    assert_eq!(key("municipalities"), json!(["ine_code"]));
    assert_eq!(
        field("funded-projects", "total_budget_eur"),
        json!({ "name": "total_budget_eur", "type": "number", "bareNumber": true,
                "decimalChar": ".", "constraints": { "required": true } })
    );
    assert_eq!(
        field("indicators", "latest_value"),
        json!({ "name": "latest_value", "type": "number", "bareNumber": true, "decimalChar": "." })
    );
    assert_eq!(
        field("activities", "municipality_ine_codes"),
        json!({ "name": "municipality_ine_codes", "type": "list", "delimiter": "|",
                "itemType": "string" })
    );
    assert_eq!(
        field("progress-updates", "status"),
        json!({ "name": "status", "type": "string", "constraints": { "required": true,
                "enum": ["NOT_STARTED", "IN_PROGRESS", "DELAYED", "COMPLETED", "DISCONTINUED"] } })
    );
    assert_eq!(
        field("progress-updates", "percent_complete"),
        json!({ "name": "percent_complete", "type": "integer",
                "constraints": { "required": true, "minimum": 0, "maximum": 100 } })
    );
    assert_eq!(
        field("activities", "synthetic"),
        json!({ "name": "synthetic", "type": "boolean", "trueValues": ["true"],
                "falseValues": ["false"], "constraints": { "required": true } })
    );
    assert_eq!(
        field("activities", "start_date"),
        json!({ "name": "start_date", "type": "date", "constraints": { "required": true } })
    );
    assert_eq!(
        field("measurements", "published_at"),
        json!({ "name": "published_at", "type": "datetime", "constraints": { "required": true } })
    );
    assert_eq!(
        field("indicators", "code"),
        json!({ "name": "code", "type": "string", "constraints": { "unique": true } })
    );
    assert_eq!(
        field("indicators", "target_year"),
        json!({ "name": "target_year", "type": "year", "constraints": { "required": true } })
    );
    assert_eq!(key("actions"), json!(["code"]));
    assert_eq!(key("progress-updates"), json!(["id"]));
    assert_eq!(key("annual-report-2024"), json!(["year", "action_code"]));
    // No code or identifier is declared as a number, whatever its values look like.
    for r in pkg["resources"].as_array().expect("resources") {
        for f in r["schema"]["fields"].as_array().expect("fields") {
            let name = f["name"].as_str().expect("name");
            if name == "id" || name.ends_with("_id") || name.ends_with("code") {
                assert_eq!(f["type"], "string", "{}.{name}", r["name"]);
            }
            if name.ends_with("_codes") {
                assert_eq!(f["type"], "list", "{}.{name}", r["name"]);
            }
        }
    }
    // What those declarations protect: the zero of an INE code, an amount's last cent.
    let munis = get(&app, &format!("/exports/{PLAN}/municipalities.csv"), &[]).await;
    let (_, rows) = parse_csv(&munis.text);
    assert!(rows.iter().any(|r| r["ine_code"] == "08019"));
    let projects = get(&app, &format!("/exports/{PLAN}/funded-projects.csv"), &[]).await;
    let (_, rows) = parse_csv(&projects.text);
    assert!(rows.iter().any(|r| r["total_budget_eur"] == "1234567.89"));
}

#[tokio::test]
async fn the_data_package_states_its_publisher_licence_and_links() {
    let app = TestApp::with(|c| {
        c.public_url = Some("https://api.example.org/".to_owned());
        c.exports_license = Some("https://creativecommons.org/licenses/by/4.0/".to_owned());
    })
    .await;
    let r = get(
        &app,
        &format!("/exports/{PLAN}/datapackage.json?lang=ca"),
        &[],
    )
    .await;
    let pkg = &r.body;
    assert_eq!(
        pkg["title"],
        "Pla d'Internacionalització de l'Àrea Metropolitana de Barcelona 2021-2025"
    );
    assert_eq!(
        pkg["id"],
        format!("https://api.example.org/exports/{PLAN}/datapackage.json")
    );
    assert_eq!(pkg["homepage"], "https://api.example.org/graphiql");
    assert_eq!(
        pkg["licenses"],
        json!([{ "path": "https://creativecommons.org/licenses/by/4.0/" }])
    );
    assert_eq!(
        pkg["contributors"],
        json!([{ "title": "Àrea Metropolitana de Barcelona", "path": "https://www.amb.cat/",
                 "roles": ["publisher"] }])
    );
    assert!(
        chrono::DateTime::parse_from_rfc3339(pkg["created"].as_str().expect("created")).is_ok()
    );
    assert_eq!(
        pkg["resources"][0]["path"],
        format!("https://api.example.org/exports/{PLAN}/actions.csv?lang=ca")
    );
    assert_eq!(
        pkg["resources"][0]["title"],
        "Pla d'Internacionalització 2021-2025 — actions"
    );
    // No licence set: none claimed.
    let plain = TestApp::new().await;
    let r = get(&plain, &format!("/exports/{PLAN}/datapackage.json"), &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.get("licenses").is_none(), "{}", r.body);
    assert_eq!(
        r.body["title"],
        "Plan de Internacionalización del Área Metropolitana de Barcelona 2021-2025"
    );
}

#[tokio::test]
async fn the_data_package_is_cacheable_and_bad_requests_are_clear() {
    let app = TestApp::new().await;
    let uri = format!("/exports/{PLAN}/datapackage.json?lang=en");
    let first = get(&app, &uri, &[]).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(
        header(&first, "cache-control"),
        "public, max-age=60, stale-while-revalidate=600"
    );
    assert_eq!(header(&first, "vary"), "Accept-Language");
    assert!(first.headers.contains_key("last-modified"));
    let etag = header(&first, "etag").to_owned();
    let again = get(&app, &uri, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.text.is_empty());
    let head = send(&app, "HEAD", &uri, &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.text.is_empty());
    assert_eq!(header(&head, "etag"), etag);
    // Another language is another representation; Accept-Language decides without `lang`.
    let fr = get(
        &app,
        &format!("/exports/{PLAN}/datapackage.json"),
        &[
            ("accept-language", "fr-FR,fr;q=0.9"),
            ("if-none-match", &etag),
        ],
    )
    .await;
    assert_eq!(fr.status, StatusCode::OK);
    assert_eq!(header(&fr, "content-language"), "fr");
    assert_eq!(
        fr.body["resources"][1]["path"],
        format!("http://localhost/exports/{PLAN}/organizations.csv?lang=fr")
    );
    // A publication changes what the package describes, so its tag.
    plan_api::demo::load(&app.state.db)
        .await
        .expect("demo data");
    let after = get(&app, &uri, &[("if-none-match", &etag)]).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_ne!(header(&after, "etag"), etag);

    for (uri, status, code) in [
        (
            "/exports/NO-SUCH-PLAN/datapackage.json".to_owned(),
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            format!("/exports/{PLAN}/datapackage.json?lang=de"),
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
    ] {
        for method in ["GET", "HEAD"] {
            let r = send(&app, method, &uri, &[]).await;
            assert_eq!(r.status, status, "{method} {uri}");
            assert_eq!(
                header(&r, "content-type"),
                "application/json; charset=utf-8"
            );
            if method == "GET" {
                assert_eq!(r.error_code(), Some(code), "{uri}: {}", r.text);
                assert!(r.headers.get("etag").is_none());
            }
        }
    }
    let bad = get(
        &app,
        &format!("/exports/{PLAN}/datapackage.json?lang=de"),
        &[],
    )
    .await;
    assert_eq!(bad.body["errors"][0]["extensions"]["field"], "lang");
    assert_eq!(
        bad.body["errors"][0]["message"],
        "unknown language \"de\"; use es, ca, en or fr"
    );
    let missing = get(&app, "/exports/NO-SUCH-PLAN/datapackage.json", &[]).await;
    assert_eq!(
        missing.body["errors"][0]["message"],
        "no plan with code \"NO-SUCH-PLAN\""
    );
}
