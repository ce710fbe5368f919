//! Production serving: abuse limits, GraphQL over HTTP, CORS, compression, readiness,
//! metrics, configuration and database faults.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestApp, token};

fn post_raw(body: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut b = Request::post("/graphql");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::from(body.to_owned())).expect("request")
}

#[tokio::test]
async fn deep_and_wide_queries_are_refused_quickly() {
    let app = TestApp::new().await;
    // action → strategicLine → actions → strategicLine → …: every level multiplies the work.
    let mut q = String::from("code");
    for i in 0..10 {
        q = if i % 2 == 0 {
            format!("actions {{ {q} }}")
        } else {
            format!("strategicLine {{ {q} }}")
        };
    }
    let started = Instant::now();
    let reply = app
        .post(
            &format!(r#"{{ action(code: "LE1.1") {{ {q} }} }}"#),
            json!({}),
            &[],
        )
        .await;
    assert_eq!(
        reply.error_code(),
        Some("GRAPHQL_VALIDATION_FAILED"),
        "{}",
        reply.body
    );
    // Refused for its depth (11 levels) before its cost (five nested lists) is even computed.
    let messages = reply.body["errors"].to_string();
    assert!(
        messages.contains("nested too deep") || messages.contains("too complex"),
        "{messages}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));

    let shallow = TestApp::with(|c| c.max_depth = 3).await;
    let reply = shallow
        .post(
            "{ plan { strategicLines { actions { code } } } }",
            json!({}),
            &[],
        )
        .await;
    assert_eq!(reply.error_code(), Some("GRAPHQL_VALIDATION_FAILED"));
    assert!(
        reply.error_message().contains("nested too deep"),
        "{}",
        reply.body
    );
    let ok = shallow
        .post("{ plan { strategicLines { code } } }", json!({}), &[])
        .await;
    assert!(ok.body.get("errors").is_none(), "{}", ok.body);
}

#[tokio::test]
async fn costly_queries_are_refused_and_connections_cost_by_page_size() {
    let app = TestApp::with(|c| c.max_complexity = 500).await;
    let cheap = app
        .post(
            "{ organizations(first: 5) { nodes { code name } } }",
            json!({}),
            &[],
        )
        .await;
    assert!(cheap.body.get("errors").is_none(), "{}", cheap.body);
    let costly = app
        .post("{ organizations(first: 100) { nodes { code name kind acronym ledActions { code title } } } }", json!({}), &[])
        .await;
    assert_eq!(
        costly.error_code(),
        Some("GRAPHQL_VALIDATION_FAILED"),
        "{}",
        costly.body
    );
    assert!(
        costly.error_message().contains("complex"),
        "{}",
        costly.error_message()
    );
}

#[tokio::test]
async fn too_many_aliases_a_huge_query_or_body_and_big_batches_are_refused() {
    let app = TestApp::new().await;
    let aliases: String = (0..31).map(|i| format!("a{i}: plan {{ code }} ")).collect();
    let reply = app.post(&format!("{{ {aliases} }}"), json!({}), &[]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.error_message().contains("31 aliases"),
        "{}",
        reply.body
    );

    let huge = format!("{{ plan {{ code }} }} # {}", "x".repeat(40 * 1024));
    let reply = app.post(&huge, json!({}), &[]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.error_message().contains("longer than"),
        "{}",
        reply.body
    );

    let body =
        json!({ "query": "{ plan { code } }", "variables": { "pad": "y".repeat(1_100_000) } })
            .to_string();
    let reply = app
        .send(post_raw(&body, &[("content-type", "application/json")]))
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);

    let one = json!({ "query": "{ plan { code } }" });
    let ok = app
        .send(post_raw(
            &json!([one, one]).to_string(),
            &[("content-type", "application/json")],
        ))
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.body[1]["data"]["plan"]["code"], "AMB-PI-2021-2025");
    let many: Vec<Value> = (0..11).map(|_| one.clone()).collect();
    let reply = app
        .send(post_raw(
            &Value::Array(many).to_string(),
            &[("content-type", "application/json")],
        ))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.error_message().contains("1 to 10 operations"));
}

#[tokio::test]
async fn slow_requests_time_out_with_service_unavailable() {
    let app = TestApp::with(|c| c.request_timeout_ms = 1).await;
    let reply = app
        .post("{ plan { strategicLines { actions { responsibleUnits { ledActions { title } } } } } search(text: \"metropolitana\", first: 100) { snippet } }", json!({}), &[])
        .await;
    assert_eq!(
        reply.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        reply.body
    );
    assert_eq!(reply.error_code(), Some("SERVICE_UNAVAILABLE"));
}

#[tokio::test]
async fn callers_are_rate_limited_per_subject_or_address() {
    let app = TestApp::with(|c| {
        c.rate_limit_per_minute = 60;
        c.rate_limit_burst = 2;
    })
    .await;
    let area = format!("Bearer {}", token("area", Some("AMB-SRI"), None));
    for _ in 0..2 {
        let r = app
            .post("{ plan { code } }", json!({}), &[("authorization", &area)])
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let limited = app
        .post("{ plan { code } }", json!({}), &[("authorization", &area)])
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.error_code(), Some("RATE_LIMITED"));
    let retry: u64 = limited.headers["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry), "{retry}");
    // Another subject has its own allowance, and so has an anonymous caller.
    let admin = format!("Bearer {}", token("admin", None, None));
    assert_eq!(
        app.post("{ plan { code } }", json!({}), &[("authorization", &admin)])
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.post("{ plan { code } }", json!({}), &[]).await.status,
        StatusCode::OK
    );
    // X-Forwarded-For is not believed unless configured: these share one address.
    let a = app
        .post(
            "{ plan { code } }",
            json!({}),
            &[("x-forwarded-for", "10.0.0.1")],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let b = app
        .post(
            "{ plan { code } }",
            json!({}),
            &[("x-forwarded-for", "10.0.0.2")],
        )
        .await;
    assert_eq!(b.status, StatusCode::TOO_MANY_REQUESTS);

    let proxied = TestApp::with(|c| {
        c.rate_limit_per_minute = 60;
        c.rate_limit_burst = 1;
        c.trust_forwarded_for = true;
    })
    .await;
    let from = |ip: &'static str| ("x-forwarded-for", ip);
    assert_eq!(
        proxied
            .post(
                "{ plan { code } }",
                json!({}),
                &[from("spoofed, 192.0.2.1")]
            )
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        proxied
            .post("{ plan { code } }", json!({}), &[from("192.0.2.2")])
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        proxied
            .post("{ plan { code } }", json!({}), &[from("other, 192.0.2.1")])
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn introspection_and_suggestions_can_be_turned_off_together() {
    let open = TestApp::new().await;
    let r = open
        .post("{ __schema { queryType { name } } }", json!({}), &[])
        .await;
    assert_eq!(r.body["data"]["__schema"]["queryType"]["name"], "Query");
    let r = open.post("{ plan { titl } }", json!({}), &[]).await;
    assert!(r.error_message().contains("Did you mean"), "{}", r.body);

    let closed = TestApp::with(|c| c.introspection = false).await;
    let r = closed
        .post(
            "{ __schema { queryType { name } } __type(name: \"Plan\") { name } }",
            json!({}),
            &[],
        )
        .await;
    assert_eq!(
        r.body["data"],
        json!({ "__schema": null, "__type": null }),
        "{}",
        r.body
    );
    let r = closed.post("{ plan { titl } }", json!({}), &[]).await;
    assert_eq!(r.error_code(), Some("GRAPHQL_VALIDATION_FAILED"));
    assert!(!r.error_message().contains("Did you mean"), "{}", r.body);
}

#[tokio::test]
async fn graphql_over_http_media_types_and_status_codes() {
    let app = TestApp::new().await;
    let gr = "application/graphql-response+json";
    let ok = app
        .post("{ plan { code } }", json!({}), &[("accept", gr)])
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(
        ok.headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with(gr)
    );

    // A request error: 400 and no data entry with the new media type; 200 with the old one.
    let bad = app
        .post("{ plan { nope } }", json!({}), &[("accept", gr)])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.get("data").is_none(), "{}", bad.body);
    let legacy = app
        .post(
            "{ plan { nope } }",
            json!({}),
            &[("accept", "application/json")],
        )
        .await;
    assert_eq!(legacy.status, StatusCode::OK);
    assert!(
        legacy.headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("application/json")
    );
    // A field error is not a request error: 200, with the data entry.
    let field = app
        .post(
            r#"{ action(code: "LE9.9") { code } plan { code } }"#,
            json!({}),
            &[("accept", gr)],
        )
        .await;
    assert_eq!(field.status, StatusCode::OK);
    assert_eq!(field.body["data"]["plan"]["code"], "AMB-PI-2021-2025");
    assert_eq!(field.error_code(), Some("NOT_FOUND"));

    let html = app
        .post("{ plan { code } }", json!({}), &[("accept", "text/html")])
        .await;
    assert_eq!(html.status, StatusCode::NOT_ACCEPTABLE);

    // No form-encoded or multipart POST: a foreign page could send those without a preflight.
    for ct in [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
    ] {
        let r = app
            .send(post_raw(
                "query=%7Bplan%7Bcode%7D%7D",
                &[("content-type", ct)],
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct}");
    }
    let r = app
        .send(post_raw(
            "{not json",
            &[("content-type", "application/json")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .send(post_raw(
            r#"{"query": 5}"#,
            &[("content-type", "application/json")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .get("/graphql?query=%7Bplan%7Bcode%7D%7D&variables=%5B1%5D")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn cors_allows_only_the_configured_origins() {
    let app = TestApp::with(|c| {
        c.cors_origins = Some("https://www.elprat.cat, https://www.l-h.cat".into())
    })
    .await;
    let preflight = Request::builder()
        .method("OPTIONS")
        .uri("/graphql")
        .header("origin", "https://www.elprat.cat")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type, authorization",
        )
        .body(Body::empty())
        .expect("request");
    let r = app.send(preflight).await;
    assert_eq!(
        r.headers["access-control-allow-origin"],
        "https://www.elprat.cat"
    );
    let allowed = app
        .post(
            "{ plan { code } }",
            json!({}),
            &[("origin", "https://www.l-h.cat")],
        )
        .await;
    assert_eq!(
        allowed.headers["access-control-allow-origin"],
        "https://www.l-h.cat"
    );
    let other = app
        .post(
            "{ plan { code } }",
            json!({}),
            &[("origin", "https://evil.example")],
        )
        .await;
    assert!(other.headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let app = TestApp::new().await;
    let request = post_raw(
        &json!({ "query": "{ plan { sections { body } } }" }).to_string(),
        &[
            ("content-type", "application/json"),
            ("accept-encoding", "gzip"),
        ],
    );
    let r = app.send(request).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-encoding"], "gzip");
}

#[tokio::test]
async fn readiness_metrics_and_request_ids() {
    let app = TestApp::new().await;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.body, json!({ "ready": true }));

    let r = app
        .post(
            "query Outline { plan { code } }",
            json!({}),
            &[("x-request-id", "portal-1234")],
        )
        .await;
    assert_eq!(r.headers["x-request-id"], "portal-1234");
    let generated = app
        .post(
            "{ plan { code } }",
            json!({}),
            &[("x-request-id", "bad id with spaces")],
        )
        .await;
    let id = generated.headers["x-request-id"].to_str().expect("ascii");
    assert_eq!(id.len(), 36, "a UUID replaces an unusable id: {id}");
    app.post(r#"{ action(code: "LE9.9") { code } }"#, json!({}), &[])
        .await;

    let metrics = app.ops_get("/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK);
    let text = metrics.body.as_str().expect("text");
    assert!(
        text.contains("plan_api_graphql_requests_total{operation=\"Outline\",outcome=\"ok\"}"),
        "{text}"
    );
    assert!(text.contains("plan_api_graphql_request_duration_seconds"));
    assert!(text.contains("plan_api_graphql_errors_total{code=\"NOT_FOUND\"}"));
    assert!(text.contains("plan_api_db_pool_connections{state=\"open\"}"));
}

/// `/metrics` names every caller's operations: it is served on the operations listener only,
/// never on the public one.
#[tokio::test]
async fn metrics_are_not_on_the_public_listener() {
    let app = TestApp::new().await;
    app.post(
        "mutation ZZ_confidential_name { __typename }",
        json!({}),
        &[],
    )
    .await;
    let public = app.get("/metrics").await;
    assert_eq!(public.status, StatusCode::NOT_FOUND);
    assert!(!public.body.to_string().contains("ZZ_confidential_name"));
    let ops = app.ops_get("/metrics").await;
    assert_eq!(ops.status, StatusCode::OK);
    assert!(
        ops.body
            .as_str()
            .is_some_and(|t| t.contains("ZZ_confidential_name")),
        "{}",
        ops.body
    );
}

/// No environment variables: these tests never read the developer's own `PLAN_API_*`.
fn no_env() -> Vec<(String, String)> {
    Vec::new()
}

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn the_environment_layer_overrides_the_file_and_names_the_setting() {
    use plan_api::Config;
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("plan-api.toml");
    std::fs::write(&file, "max_page_size = 50\nmax_depth = 12\n").expect("write");
    let config = Config::load_from(
        Some(&file),
        vars(&[
            ("PLAN_API_MAX_PAGE_SIZE", "7"),
            ("DATABASE_URL", "sqlite::memory:"),
            ("PLAN_API_INTROSPECTION", "false"),
            // Not settings: the file's path, the tests' database and unrelated variables.
            ("PLAN_API_CONFIG", "/nowhere.toml"),
            ("PLAN_API_TEST_DATABASE_URL", "postgres://elsewhere"),
            ("HOME", "/home/someone"),
        ]),
    )
    .expect("loads");
    assert_eq!(
        config.max_page_size, 7,
        "the environment wins over the file"
    );
    assert_eq!(config.max_depth, 12, "the file wins over the defaults");
    assert_eq!(config.database_url, "sqlite::memory:");
    assert!(!config.introspection);

    let err = format!(
        "{:#}",
        Config::load_from(None, vars(&[("PLAN_API_MAX_PAGE_SIZE", "many")])).expect_err("refused")
    );
    assert!(err.contains("max_page_size"), "{err}");
    let err = format!(
        "{:#}",
        Config::load_from(None, vars(&[("PLAN_API_MAX_PAGE_SIZE", "0")])).expect_err("refused")
    );
    assert!(
        err.contains("PLAN_API_MAX_PAGE_SIZE must be between 1 and 1000"),
        "{err}"
    );
    let err = format!(
        "{:#}",
        Config::load_from(None, vars(&[("PLAN_API_MAX_PAGE_SIZE", "5000")])).expect_err("refused")
    );
    assert!(
        err.contains("PLAN_API_MAX_PAGE_SIZE must be between 1 and 1000"),
        "{err}"
    );
    let err = format!(
        "{:#}",
        Config::load_from(None, vars(&[("PLAN_API_NO_SUCH_SETTING", "1")])).expect_err("refused")
    );
    assert!(err.contains("no_such_setting"), "{err}");
}

#[test]
fn configuration_layers_and_validation_name_the_setting() {
    use plan_api::Config;
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("plan-api.toml");
    std::fs::write(
        &file,
        "max_page_size = 50\nlisten = \"0.0.0.0:9000\"\ncors_origins = \"https://www.amb.cat\"\n",
    )
    .expect("write");
    let config = Config::load_from(Some(&file), no_env()).expect("loads");
    assert_eq!(config.max_page_size, 50);
    assert_eq!(config.listen.port(), 9000);
    assert_eq!(config.cors_origin_list(), ["https://www.amb.cat"]);
    assert_eq!(config.max_depth, 10, "defaults fill the rest");

    std::fs::write(&file, "max_page_size = \"many\"\n").expect("write");
    let err = format!(
        "{:#}",
        Config::load_from(Some(&file), no_env()).expect_err("refused")
    );
    assert!(err.contains("max_page_size"), "{err}");
    std::fs::write(&file, "no_such_setting = 1\n").expect("write");
    let err = format!(
        "{:#}",
        Config::load_from(Some(&file), no_env()).expect_err("refused")
    );
    assert!(err.contains("no_such_setting"), "{err}");
    let err = format!(
        "{:#}",
        Config::load_from(Some(&dir.path().join("missing.toml")), no_env()).expect_err("refused")
    );
    assert!(err.contains("missing.toml"), "{err}");
}

/// A TCP proxy between the application and PostgreSQL, to take the database away and back.
struct Proxy {
    port: u16,
    target: String,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    conns: Option<Connections>,
}

type Connections = std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>;

impl Proxy {
    async fn start(target: String) -> Self {
        let mut p = Proxy {
            port: 0,
            target,
            tasks: Vec::new(),
            conns: None,
        };
        p.up().await;
        p
    }

    async fn up(&mut self) {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket.set_reuseaddr(true).expect("reuseaddr");
        socket
            .bind(([127, 0, 0, 1], self.port).into())
            .expect("bind");
        let listener = socket.listen(64).expect("listen");
        self.port = listener.local_addr().expect("addr").port();
        let target = self.target.clone();
        let conns: Connections = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let held = conns.clone();
        self.tasks.push(tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                held.lock().expect("lock").push(task);
            }
        }));
        self.conns = Some(conns);
    }

    fn down(&mut self) {
        for t in self.tasks.drain(..) {
            t.abort();
        }
        if let Some(conns) = self.conns.take() {
            for t in conns.lock().expect("lock").drain(..) {
                t.abort();
            }
        }
    }
}

#[tokio::test]
async fn when_the_database_goes_away_requests_fail_fast_and_service_recovers() {
    if !TestApp::on_postgres() {
        eprintln!("skipped on SQLite: this test stops PostgreSQL behind a proxy (CI runs it)");
        return;
    }
    let admin = std::env::var("PLAN_API_TEST_DATABASE_URL").expect("url");
    let host_port = admin
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("host:port in the URL")
        .to_owned();
    let mut proxy = Proxy::start(host_port.clone()).await;
    let port = proxy.port;
    let app = TestApp::build(
        |c| {
            c.db_acquire_timeout_secs = 1;
            c.db_connect_timeout_secs = 1;
        },
        |url| url.replace(&host_port, &format!("127.0.0.1:{port}")),
    )
    .await;
    let q = "{ plan { code } }";
    assert_eq!(
        app.post(q, json!({}), &[]).await.body["data"]["plan"]["code"],
        "AMB-PI-2021-2025"
    );

    proxy.down();
    let started = Instant::now();
    let down = app.post(q, json!({}), &[]).await;
    assert_eq!(
        down.error_code(),
        Some("SERVICE_UNAVAILABLE"),
        "{}",
        down.body
    );
    assert!(
        !down.body.to_string().to_lowercase().contains("postgres"),
        "{}",
        down.body
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready.body["ready"], false);

    proxy.up().await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = app.post(q, json!({}), &[]).await;
        if r.body["data"]["plan"]["code"] == "AMB-PI-2021-2025" {
            break;
        }
        assert!(Instant::now() < deadline, "no recovery: {}", r.body);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
    proxy.down();
}

/// Object keys come in the order the query asked for them, in single and batched responses,
/// with `errors` first.
#[tokio::test]
async fn response_keys_follow_the_selection_set() {
    let app = TestApp::new().await;
    let r = app
        .post("{ plan { title code approvedOn } }", json!({}), &[])
        .await;
    let (title, code, approved) = (
        r.text.find("\"title\"").expect("title"),
        r.text.find("\"code\"").expect("code"),
        r.text.find("\"approvedOn\"").expect("approvedOn"),
    );
    assert!(title < code && code < approved, "{}", r.text);

    let batch = Request::post("/graphql")
        .header("content-type", "application/json")
        .body(Body::from(
            json!([
                { "query": "{ plan { approvedOn code } }" },
                { "query": "{ zz: plan { code } aa: plan { title } }" }
            ])
            .to_string(),
        ))
        .expect("request");
    let r = app.send(batch).await;
    assert!(
        r.text.find("\"approvedOn\"") < r.text.find("\"code\""),
        "{}",
        r.text
    );
    assert!(r.text.find("\"zz\"") < r.text.find("\"aa\""), "{}", r.text);

    // Root fields resolve concurrently and finish in any order; fragments and lists too.
    for _ in 0..5 {
        let r = app
            .post(
                "query Q { zz: plans { code } ...F mm: plan { strategicLines { title code } } aa: plan { code } } fragment F on Query { kk: plan { title } }",
                json!({}),
                &[],
            )
            .await;
        let at = |k: &str| r.text.find(&format!("\"{k}\"")).expect(k);
        assert!(
            at("zz") < at("kk") && at("kk") < at("mm") && at("mm") < at("aa"),
            "{}",
            r.text
        );
        let lines = r.text.find("\"strategicLines\"").expect("lines");
        let first_line = &r.text[lines..];
        assert!(
            first_line.find("\"title\"") < first_line.find("\"code\""),
            "{}",
            r.text
        );
    }

    let r = app
        .post(
            r#"{ plan { code } action(code: "LE9.9") { code } }"#,
            json!({}),
            &[],
        )
        .await;
    assert!(r.text.starts_with("{\"errors\":"), "{}", r.text);
}

/// Every response states what its operation cost and the limit, so a client sees how close
/// it is to being refused; a bigger page costs more.
#[tokio::test]
async fn every_response_states_its_cost_and_the_limit() {
    let app = TestApp::with(|c| c.max_complexity = 4_000).await;
    let small = app.post("{ plan { code } }", json!({}), &[]).await;
    assert_eq!(small.body["extensions"]["cost"]["limit"], 4_000);
    assert_eq!(small.body["extensions"]["cost"]["requested"], 2);
    let page = |n: u32| format!("{{ organizations(first: {n}) {{ nodes {{ code name }} }} }}");
    let five = app.post(&page(5), json!({}), &[]).await;
    let fifty = app.post(&page(50), json!({}), &[]).await;
    let (five, fifty) = (
        five.body["extensions"]["cost"]["requested"]
            .as_u64()
            .expect("a cost"),
        fifty.body["extensions"]["cost"]["requested"]
            .as_u64()
            .expect("a cost"),
    );
    assert!(fifty > five && five > 2, "{five} then {fifty}");
}

/// Every response tells the caller its allowance (IETF draft `RateLimit` headers), so it can
/// pace itself before it gets a 429.
#[tokio::test]
async fn responses_carry_ratelimit_headers() {
    let app = TestApp::with(|c| {
        c.rate_limit_per_minute = 60;
        c.rate_limit_burst = 3;
    })
    .await;
    for remaining in [2, 1, 0] {
        let r = app.post("{ plan { code } }", json!({}), &[]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.headers["ratelimit-policy"], "\"per-caller\";q=3;w=3");
        assert_eq!(
            r.headers["ratelimit"],
            format!("\"per-caller\";r={remaining};t={}", 3 - remaining).as_str()
        );
    }
    let r = app.post("{ plan { code } }", json!({}), &[]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let state = r.headers["ratelimit"].to_str().expect("ascii");
    assert!(state.starts_with("\"per-caller\";r=0;t="), "{state}");
    // Without rate limiting there is no allowance to state.
    let unlimited = TestApp::new().await;
    let r = unlimited.post("{ plan { code } }", json!({}), &[]).await;
    assert!(!r.headers.contains_key("ratelimit"));
}
