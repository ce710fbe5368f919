//! The DCAT-AP catalogue, in JSON-LD and Turtle, and content negotiation.

use super::*;

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
    expected.insert("datapackage".to_owned());
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
        // The data package is a JSON document per language (see below), not a table.
        let exts: &[&str] = if name == "datapackage" {
            &["json"]
        } else {
            &["csv", "json"]
        };
        for ext in exts {
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
    assert_eq!(urls, 15 * 8 + 5 * 4 + 4);
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
async fn the_catalogue_links_the_data_package_of_each_plan() {
    let app = TestApp::with(|c| c.public_url = Some("https://api.example.org".to_owned())).await;
    let cat = get(&app, "/exports/catalog.jsonld", &[]).await.body;
    let package = cat["dcat:dataset"]
        .as_array()
        .expect("datasets")
        .iter()
        .find(|d| d["dct:identifier"] == format!("{PLAN}/datapackage"))
        .expect("the data package's dataset");
    assert_eq!(
        package["@id"],
        format!("https://api.example.org/exports/{PLAN}/datapackage")
    );
    let dists = package["dcat:distribution"]
        .as_array()
        .expect("distributions");
    assert_eq!(dists.len(), 4);
    for (d, lang) in dists.iter().zip(["ca", "es", "fr", "en"]) {
        let url = format!("https://api.example.org/exports/{PLAN}/datapackage.json?lang={lang}");
        assert_eq!(d["dcat:downloadURL"]["@id"], url);
        assert_eq!(
            d["dct:conformsTo"]["@id"],
            "https://datapackage.org/standard/data-package/"
        );
        assert_eq!(
            d["dcat:mediaType"]["@id"],
            "https://www.iana.org/assignments/media-types/application/json"
        );
        assert_eq!(
            d["dct:format"]["@id"],
            "http://publications.europa.eu/resource/authority/file-type/JSON"
        );
        let path = url.trim_start_matches("https://api.example.org");
        let pkg = get(&app, path, &[]).await;
        assert_eq!(pkg.status, StatusCode::OK, "{path}");
        assert_eq!(
            pkg.body["resources"].as_array().expect("resources").len(),
            15
        );
        assert_eq!(header(&pkg, "content-language"), lang);
    }
    let ttl = get(&app, "/exports/catalog.ttl", &[]).await;
    assert!(
        ttl.text
            .contains("dct:conformsTo <https://datapackage.org/standard/data-package/>"),
        "the Turtle links it too"
    );
}
