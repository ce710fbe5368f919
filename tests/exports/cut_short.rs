//! A download cut short by a publication, as a client reading it over TCP sees it: a large
//! download is read slowly; a record is published meanwhile; the client must get an error
//! reading the body (an aborted transfer, which no cache keeps), never a complete-looking body
//! under the tag of content that has since changed. A download fetched afterwards is whole and
//! carries the new tag.

use super::*;
use crate::common::{decode, http_client};

/// Synthetic activities in the download: enough that its bytes (and, compressed, its
/// encoded bytes) are many times what the connection can hold in its buffers (the body's
/// channel, hyper's write buffer, both sockets' buffers: a few MiB on loopback), so that
/// the server is still writing rows when the publication commits.
const RECORDS: usize = 250;

/// Letters and spaces that neither gzip nor brotli can shrink much: a fixed xorshift sequence,
/// so every run writes the same bytes.
struct Noise(u64);

impl Noise {
    fn text(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                let n = (self.0 % 27) as u8;
                if n == 26 { ' ' } else { char::from(b'a' + n) }
            })
            .collect()
    }
}

/// Creates and publishes, through the API, synthetic activity `i`: a summary and links as long
/// as the API allows, so that each is a CSV row of about 120 KB. Its public identifier.
async fn publish_big_activity(app: &TestApp, noise: &mut Noise, i: usize) -> String {
    let links: Vec<String> = (0..50)
        .map(|_| format!("https://example.org/synthetic/{}", noise.text(1_960)).replace(' ', "-"))
        .collect();
    let input = json!({
        "kind": "FORUM",
        "title": { "es": format!("[Synthetic test data] actividad {i}") },
        "summary": { "es": format!("[Synthetic test data] {}", noise.text(19_900)) },
        "startDate": "2024-03-01",
        "actions": ["LE1.1"],
        "links": links,
    });
    let doc = "mutation($input: ActivityInput!, $key: String!) {
        r: createActivity(input: $input, idempotencyKey: $key, submit: true) { id version } }";
    let key = format!("cut-short-{i}");
    // Written through the router in the process: only the download is read as a client would.
    let r = gql(
        app,
        Some("area"),
        doc,
        json!({ "input": input, "key": key }),
    )
    .await["r"]
        .clone();
    let doc =
        "mutation($id: ID!, $v: Int!) { r: publishRecord(id: $id, expectedVersion: $v) { state } }";
    let published = gql(
        app,
        Some("admin"),
        doc,
        json!({ "id": r["id"], "v": r["version"] }),
    )
    .await;
    assert_eq!(published["r"]["state"], "PUBLISHED");
    public_id(r["id"].as_str().expect("an id"))
}

/// The record's public identifier, the key of its global ID (what the downloads' `id` holds).
fn public_id(global_id: &str) -> String {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(global_id)
        .expect("a global ID");
    let text = String::from_utf8(bytes).expect("UTF-8");
    let (_, key) = text.rsplit_once('/').expect("Type:PLAN/key");
    key.to_owned()
}

/// GETs `url` asking for `coding`; its response, headers read, body not yet.
async fn start(client: &reqwest::Client, url: &str, coding: &str) -> reqwest::Response {
    let response = client
        .get(url)
        .header("accept-encoding", coding)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{url} with {coding}: {e}"));
    assert_eq!(response.status(), 200, "{url} with {coding}");
    response
}

fn etag_of(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("an ETag")
        .to_owned()
}

#[tokio::test]
async fn a_download_read_while_a_record_is_published_ends_as_an_aborted_transfer() {
    let app = TestApp::new().await;
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    let mut ids = BTreeSet::new();
    let started = std::time::Instant::now();
    for i in 0..RECORDS {
        ids.insert(publish_big_activity(&app, &mut noise, i).await);
    }
    println!("{RECORDS} records written in {:?}", started.elapsed());
    let base = app.serve().await;
    let client = http_client();
    let url = format!("{base}/exports/{PLAN}/activities.csv?lang=es");

    for coding in ["identity", "gzip", "br"] {
        let mut response = start(&client, &url, coding).await;
        let old_tag = etag_of(&response);
        let first = response
            .chunk()
            .await
            .unwrap_or_else(|e| panic!("{coding}: the first chunk: {e}"))
            .expect("a first chunk");
        // The client holds off; meanwhile a coordinator publishes a record.
        ids.insert(publish_big_activity(&app, &mut noise, ids.len()).await);
        let mut read = first.len();
        let ending = loop {
            match response.chunk().await {
                Ok(Some(chunk)) => read += chunk.len(),
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        let err = ending.expect_err(&format!(
            "{coding}: the whole body ({read} bytes) arrived under {old_tag}, the tag of content \
             that changed while it was read"
        ));
        assert!(err.is_body() || err.is_decode(), "{coding}: {err:?}");

        // Fetched again: whole, under a new tag, with every published record.
        let again = start(&client, &url, coding).await;
        let new_tag = etag_of(&again);
        assert_ne!(new_tag, old_tag, "{coding}");
        let encoding = again
            .headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("identity")
            .to_owned();
        assert_eq!(encoding, coding);
        let bytes = again
            .bytes()
            .await
            .unwrap_or_else(|e| panic!("{coding}: the second download broke off: {e}"));
        // A CSV has no trailer: the cut body may hold every byte and still not be whole, which
        // only the missing end of the transfer tells. Never more than the whole, though (a
        // compressed length says nothing of that: where the encoder flushed changes it).
        if coding == "identity" {
            assert!(read <= bytes.len(), "{coding}: {read} bytes before the cut");
        }
        let csv = String::from_utf8(decode(coding, &bytes)).expect("UTF-8");
        let (_, rows) = parse_csv(&csv);
        let got: BTreeSet<String> = rows.iter().map(|r| r["id"].clone()).collect();
        assert_eq!(got, ids, "{coding}: every published record, once");
        println!(
            "{coding}: cut after {read} of {} bytes ({} rows, {} bytes of CSV)",
            bytes.len(),
            rows.len(),
            csv.len()
        );
    }
}
