//! Downloads as real clients fetch them: over TCP, with the content codings browsers, CDNs,
//! Python `requests` and `curl --compressed` ask for. Every download of the catalogue, the
//! catalogue itself and the report pages decode to the same bytes under identity, gzip and br.

use super::*;
use crate::common::{decode, http_client};

/// Fetches `url` asking for `coding`; its status, `Content-Encoding` and decoded body. A
/// connection closed mid-body (the failure of #24) fails here, in `bytes()`.
async fn fetch(client: &reqwest::Client, url: &str, coding: &str) -> (u16, String, Vec<u8>) {
    let response = client
        .get(url)
        .header("accept-encoding", coding)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{url} with {coding}: {e}"));
    let status = response.status().as_u16();
    let encoding = response
        .headers()
        .get("content-encoding")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("identity")
        .to_owned();
    let bytes = response
        .bytes()
        .await
        .unwrap_or_else(|e| panic!("{url} with {coding}: the body broke off: {e}"));
    let decoded = decode(&encoding, &bytes);
    (status, encoding, decoded)
}

#[tokio::test]
async fn every_download_decodes_to_the_same_bytes_under_identity_gzip_and_br() {
    let app = app_with_records().await;
    let base = app.serve().await;
    let client = http_client();
    let (_, _, catalogue) = fetch(&client, &format!("{base}/exports/catalog.jsonld"), "gzip").await;
    let catalogue: Value = serde_json::from_slice(&catalogue).expect("JSON-LD");
    let mut urls: Vec<String> = catalogue["@graph"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(catalogue["dcat:dataset"].as_array().into_iter().flatten())
        .flat_map(|d| {
            d["dcat:distribution"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|x| x["dcat:downloadURL"]["@id"].as_str().map(str::to_owned))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // Ten datasets and the five annual reports of 2021-2025, as CSV and JSON, in four
    // languages; and the data package in four languages.
    assert_eq!(
        urls.len(),
        15 * 2 * 4 + 4,
        "every download the catalogue lists"
    );
    urls.push(format!("{base}/exports/catalog.jsonld"));
    urls.push(format!("{base}/exports/catalog.ttl"));
    for lang in ["es", "ca", "en", "fr"] {
        urls.push(format!("{base}/reports/{PLAN}/2024?lang={lang}"));
    }
    for url in &urls {
        assert!(url.starts_with(&base), "{url} is served here");
        let (status, coding, plain) = fetch(&client, url, "identity").await;
        assert_eq!((status, coding.as_str()), (200, "identity"), "{url}");
        assert!(!plain.is_empty(), "{url}");
        // What a browser sends, then each coding alone.
        for (asked, expected) in [
            ("gzip, deflate, br, zstd", "br"),
            ("gzip", "gzip"),
            ("br", "br"),
        ] {
            let (status, coding, decoded) = fetch(&client, url, asked).await;
            assert_eq!(status, 200, "{url} with {asked}");
            assert_eq!(coding, expected, "{url} with {asked}");
            assert!(
                decoded == plain,
                "{url} with {asked}: {} bytes decoded, {} sent plain",
                decoded.len(),
                plain.len()
            );
        }
    }
}
