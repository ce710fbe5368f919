//! Bounded under load: log lines, the rate limiter's memory, floods of bad tokens, batches,
//! requests in flight, slow clients, connections and metric labels.

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::{TestApp, data_dir};

/// Sends one raw HTTP/1.1 request with `Connection: close` and returns the response text.
async fn raw_post(addr: SocketAddr, body: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .await
        .expect("read the response");
    response
}

/// The `plan-api serve` binary, started as an operator would with default settings on a fresh
/// SQLite file, its log captured.
struct Binary {
    child: tokio::process::Child,
    log: std::path::PathBuf,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Binary {
    async fn start(log_format: &str) -> Self {
        let dir = tempfile::tempdir().expect("tmp");
        let log = dir.path().join("server.log");
        let file = std::fs::File::create(&log).expect("log file");
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_plan-api"))
            .arg("serve")
            // Defaults only: none of the developer's own settings.
            .env_clear()
            .env(
                "DATABASE_URL",
                format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("plan.sqlite").display()
                ),
            )
            .env("PLAN_API_LISTEN", "127.0.0.1:0")
            .env("PLAN_API_METRICS_LISTEN", "127.0.0.1:0")
            .env("PLAN_API_DATA_DIR", data_dir())
            .env("PLAN_API_LOG_FORMAT", log_format)
            .env("NO_COLOR", "1")
            .stdout(file.try_clone().expect("log file"))
            .stderr(file)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start plan-api");
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(addr) = text
                .lines()
                .find(|l| l.contains("serving GraphQL"))
                .and_then(|l| l.split("127.0.0.1:").nth(1))
                .map(|rest| {
                    rest.chars()
                        .take_while(char::is_ascii_digit)
                        .collect::<String>()
                })
                .and_then(|port| format!("127.0.0.1:{port}").parse().ok())
            {
                return Binary {
                    child,
                    log,
                    addr,
                    _dir: dir,
                };
            }
            assert!(
                Instant::now() < deadline,
                "the server did not start:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).expect("log")
    }
}

/// 100 concurrent requests, in both log formats: one line each, a few hundred bytes, with the
/// fixed fields; no line grows with the number of requests running beside it.
#[tokio::test]
async fn a_log_line_stays_bounded_with_100_concurrent_requests() {
    for format in ["text", "json"] {
        let mut server = Binary::start(format).await;
        let body = json!({ "query": "query Outline { plan { code strategicLines { code actions { code } } } }" })
            .to_string();
        let requests: Vec<_> = (0..100)
            .map(|_| {
                let body = body.clone();
                let addr = server.addr;
                tokio::spawn(async move { raw_post(addr, &body).await })
            })
            .collect();
        // With default settings one address gets a burst of 60, then 429s: both are logged.
        let mut served = 0;
        for r in requests {
            let response = r.await.expect("task");
            if response.starts_with("HTTP/1.1 200") {
                served += 1;
            } else {
                assert!(response.starts_with("HTTP/1.1 429"), "{response}");
            }
        }
        assert!(served >= 60, "{served} of 100 served");
        server.child.kill().await.expect("stop");
        let log = server.log();
        let lines: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("graphql request"))
            .collect();
        assert_eq!(lines.len(), 100, "one line per request ({format}):\n{log}");
        let longest = log.lines().map(str::len).max().unwrap_or(0);
        assert!(
            longest < 600,
            "{format}: the longest line has {longest} bytes:\n{log}"
        );
        for line in lines {
            if format == "json" {
                let v: Value = serde_json::from_str(line).expect("a JSON line");
                assert_eq!(v["level"], "INFO", "{line}");
                assert_eq!(v["role"], "anonymous", "{line}");
                // A request over its rate limit is refused before its document is parsed.
                match v["status"].as_u64() {
                    Some(200) => {
                        assert_eq!(v["operation"], "Outline", "{line}");
                        assert!(v["cost"].as_u64().is_some_and(|c| c > 0), "{line}");
                    }
                    Some(429) => {
                        assert_eq!(v["operation"], "refused", "{line}");
                        assert_eq!(v["cost"], 0, "{line}");
                    }
                    _ => panic!("unexpected status: {line}"),
                }
                assert!(v["duration_ms"].is_u64(), "{line}");
                assert_eq!(v["request_id"].as_str().map(str::len), Some(36), "{line}");
                assert!(v.get("span").is_none(), "{line}");
            } else {
                let operation = if line.contains("status=200") {
                    "operation=Outline"
                } else {
                    "operation=refused"
                };
                for field in [
                    "request_id=",
                    operation,
                    "status=",
                    "duration_ms=",
                    "cost=",
                    "role=anonymous",
                ] {
                    assert!(line.contains(field), "{field} in {line}");
                }
                assert_eq!(line.matches("request_id=").count(), 1, "{line}");
            }
        }
    }
}

/// Many distinct client addresses fill the limiter; the pruning timer empties it again once
/// their allowance is back.
#[tokio::test]
async fn the_rate_limiter_forgets_idle_callers_on_a_timer() {
    let app = TestApp::with(|c| {
        c.rate_limit_per_minute = 600_000;
        c.rate_limit_burst = 100;
        c.trust_forwarded_for = true;
        c.rate_limit_prune_secs = 1;
    })
    .await;
    for i in 0..500u32 {
        let ip = format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256);
        let r = app
            .post("{ __typename }", json!({}), &[("x-forwarded-for", &ip)])
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let limiter = app.state.limiter.as_ref().expect("rate limiting is on");
    assert!(limiter.len() >= 400, "{} callers held", limiter.len());
    let deadline = Instant::now() + Duration::from_secs(10);
    while !limiter.is_empty() {
        assert!(
            Instant::now() < deadline,
            "{} callers still held after 10 s",
            limiter.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A flood of forged tokens counts against the sender's address: 401 while within the
/// allowance, then 429 with `Retry-After`; the same address is then limited for everything.
#[tokio::test]
async fn a_flood_of_invalid_tokens_is_rate_limited() {
    let app = TestApp::with(|c| {
        c.rate_limit_per_minute = 60;
        c.rate_limit_burst = 3;
    })
    .await;
    let forged = [("authorization", "Bearer not.a.token")];
    for _ in 0..3 {
        let r = app.post("{ plan { code } }", json!({}), &forged).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = app.post("{ plan { code } }", json!({}), &forged).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(r.error_code(), Some("RATE_LIMITED"));
    assert!(r.headers.contains_key("retry-after"));
    let anonymous = app.post("{ plan { code } }", json!({}), &[]).await;
    assert_eq!(anonymous.status, StatusCode::TOO_MANY_REQUESTS);
}

/// A batch is charged one request per operation.
#[tokio::test]
async fn a_batch_counts_each_operation() {
    let app = TestApp::with(|c| {
        c.rate_limit_per_minute = 60;
        c.rate_limit_burst = 5;
    })
    .await;
    let batch = |n: usize| {
        let ops: Vec<Value> = (0..n)
            .map(|_| json!({ "query": "{ plan { code } }" }))
            .collect();
        Request::post("/graphql")
            .header("content-type", "application/json")
            .body(Body::from(Value::Array(ops).to_string()))
            .expect("request")
    };
    let r = app.send(batch(4)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body.as_array().map(Vec::len), Some(4));
    // One operation is left of the five: a batch of two is refused whole.
    let r = app.send(batch(2)).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    let r = app.post("{ plan { code } }", json!({}), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // More than the whole burst at once can never pass.
    let wide = TestApp::with(|c| {
        c.rate_limit_per_minute = 60;
        c.rate_limit_burst = 5;
    })
    .await;
    let r = wide.send(batch(6)).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
}

/// With every place in flight taken, a request waits the queue timeout, then gets 503
/// `SERVICE_UNAVAILABLE` with `Retry-After`; probes still answer; once the place is free,
/// requests are served again.
#[tokio::test]
async fn overload_is_refused_with_retry_after() {
    let app = TestApp::with(|c| {
        c.max_in_flight = 1;
        c.queue_timeout_ms = 50;
    })
    .await;
    // A request whose body never finishes holds the only place.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<axum::body::Bytes, std::io::Error>>(1);
    tx.send(Ok(axum::body::Bytes::from_static(b"{\"query\":")))
        .await
        .expect("send");
    let held = Request::post("/graphql")
        .header("content-type", "application/json")
        .body(Body::from_stream(futures_util::stream::poll_fn(
            move |cx| rx.poll_recv(cx),
        )))
        .expect("request");
    let first = tokio::spawn({
        let app_router = app.router.clone();
        async move {
            use tower::ServiceExt;
            app_router.oneshot(held).await.expect("router").status()
        }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;

    let started = Instant::now();
    let refused = app.post("{ plan { code } }", json!({}), &[]).await;
    assert_eq!(
        refused.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        refused.body
    );
    assert_eq!(refused.error_code(), Some("SERVICE_UNAVAILABLE"));
    assert_eq!(refused.headers["retry-after"], "1");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);

    // The held request ends (its body is cut short); its place is free again.
    drop(tx);
    assert_eq!(first.await.expect("task"), StatusCode::BAD_REQUEST);
    let served = app.post("{ plan { code } }", json!({}), &[]).await;
    assert_eq!(served.status, StatusCode::OK, "{}", served.body);
}

/// Serves `app` on a loopback port with `limits`, in this process.
async fn serve(app: &TestApp, limits: plan_api::server::ConnectionLimits) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let router = app.router.clone();
    tokio::spawn(plan_api::server::serve(
        listener,
        router,
        limits,
        std::future::pending(),
    ));
    addr
}

fn limits(max_connections: usize, header_secs: u64) -> plan_api::server::ConnectionLimits {
    plan_api::server::ConnectionLimits {
        max_connections,
        header_read_timeout: Duration::from_secs(header_secs),
        max_header_bytes: 16 * 1024,
        drain: Duration::from_secs(30),
    }
}

/// Reads until the server closes the connection; how long that took.
async fn until_closed(stream: &mut TcpStream, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(within, stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {}
            Err(_) => return None,
        }
    }
}

/// A client that sends its headers a byte at a time is cut off when the header deadline
/// passes, however steadily it sends; an idle keep-alive connection is closed the same way.
#[tokio::test]
async fn a_slow_header_client_is_cut_off() {
    let app = TestApp::new().await;
    let addr = serve(&app, limits(64, 1)).await;
    let mut slow = TcpStream::connect(addr).await.expect("connect");
    let started = Instant::now();
    let head = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut cut = false;
    for byte in head {
        if slow.write_all(&[*byte]).await.is_err() {
            cut = true;
            break;
        }
        let mut buf = [0u8; 256];
        if let Ok(Ok(0) | Err(_)) =
            tokio::time::timeout(Duration::from_millis(100), slow.read(&mut buf)).await
        {
            cut = true;
            break;
        }
    }
    assert!(cut, "the slow client was never cut off");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(4),
        "cut off after {took:?}"
    );

    let mut idle = TcpStream::connect(addr).await.expect("connect");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("write");
    let closed = until_closed(&mut idle, Duration::from_secs(5)).await;
    assert!(
        closed.is_some(),
        "an idle keep-alive connection stayed open"
    );
}

/// Headers larger than the cap get 431; connections over the cap are closed at once, and a
/// place frees up when a connection ends.
#[tokio::test]
async fn oversized_headers_and_too_many_connections_are_refused() {
    let app = TestApp::new().await;
    let addr = serve(&app, limits(2, 5)).await;
    let mut big = TcpStream::connect(addr).await.expect("connect");
    let request = format!(
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: {}\r\n\r\n",
        "a".repeat(40 * 1024)
    );
    let _ = big.write_all(request.as_bytes()).await;
    let mut response = Vec::new();
    let _ = big.read_to_end(&mut response).await;
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 431"), "{response}");
    drop(big);
    tokio::time::sleep(Duration::from_millis(100)).await;

    let _one = TcpStream::connect(addr).await.expect("connect");
    let _two = TcpStream::connect(addr).await.expect("connect");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut third = TcpStream::connect(addr).await.expect("connect");
    let _ = third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await;
    let closed = until_closed(&mut third, Duration::from_secs(2)).await;
    assert!(
        closed.is_some(),
        "a third connection was served over a cap of 2"
    );
    drop(_one);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut fourth = TcpStream::connect(addr).await.expect("connect");
    fourth
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut response = String::new();
    fourth.read_to_string(&mut response).await.expect("read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}

/// Client-chosen operation names become metric labels up to a cap; the rest count as `other`.
#[tokio::test]
async fn metric_labels_come_from_a_bounded_set() {
    let app = TestApp::with(|c| c.metrics_max_operations = 3).await;
    for i in 0..6 {
        let q = format!("query BoundedLabel{i} {{ plan {{ code }} }}");
        assert_eq!(app.post(&q, json!({}), &[]).await.status, StatusCode::OK);
    }
    let metrics = app.ops_get("/metrics").await;
    let text = metrics.body.as_str().expect("text");
    for i in 0..3 {
        assert!(
            text.contains(&format!("operation=\"BoundedLabel{i}\"")),
            "{text}"
        );
    }
    for i in 3..6 {
        assert!(!text.contains(&format!("BoundedLabel{i}")), "{text}");
    }
    assert!(text.contains("operation=\"other\""), "{text}");
}
