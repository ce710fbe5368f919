//! Operations: readiness, metrics and request IDs, and a database that goes away.

use super::*;

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
    // No name sent and none in the document: `anonymous`.
    assert!(
        text.contains("plan_api_graphql_requests_total{operation=\"anonymous\",outcome=\"ok\"}"),
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
