//! SIGTERM with requests in flight: they complete (200 with their whole bodies), an idle
//! keep-alive connection is closed, new connections are refused from the signal on, and the
//! process exits within its drain time (`PLAN_API_SHUTDOWN_DRAIN_SECS`), even with a client
//! that never finishes its request.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{Server, turn};
use crate::common::{TestDatabase, data_file};

const DRAIN_SECS: u64 = 4;

/// Opens a connection and sends a POST of `body` but for its last `held` bytes.
async fn request_in_flight(port: u16, body: &str, held: usize) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let head = format!(
        "POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n\
         content-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    stream
        .write_all(&body.as_bytes()[..body.len() - held])
        .await
        .expect("part of the body");
    stream
}

/// Reads one response to the end of the connection (a stopping server closes it after the
/// answer): its status, headers (lower-case names) and body.
async fn response(stream: &mut TcpStream) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut bytes = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut bytes))
        .await
        .expect("the answer within 30 s")
        .expect("read");
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(&bytes)));
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, bytes[split + 4..].to_vec())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn sigterm_lets_requests_in_flight_finish_refuses_new_ones_and_exits_within_the_drain() {
    let _turn = turn().await;
    let (_database, url) = TestDatabase::create().await;
    let drain = DRAIN_SECS.to_string();
    let mut server = Server::start(
        "server",
        &url,
        &[("PLAN_API_SHUTDOWN_DRAIN_SECS", drain.as_str())],
    )
    .await;
    let port = server.port();
    let plan = data_file("AMB-PI-2021-2025/plan.toml")["plan"]["code"]
        .as_str()
        .expect("the plan's code")
        .to_owned();

    let body = json!({ "query": "{ plan { code title } }" }).to_string();
    let mut in_flight = Vec::new();
    for _ in 0..3 {
        in_flight.push(request_in_flight(port, &body, 10).await);
    }
    // A client that never sends the rest: it must not hold the process past the drain.
    let mut stuck = request_in_flight(port, &body, 10).await;
    // A keep-alive connection between two requests.
    let mut idle = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n")
        .await
        .expect("request");
    let mut answer = [0u8; 512];
    let n = idle.read(&mut answer).await.expect("an answer");
    assert!(
        String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer[..n])
    );
    // Let the server read the heads it was sent.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let signalled = server.sigterm().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    for _ in 0..3 {
        let refused = TcpStream::connect(("127.0.0.1", port)).await;
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionRefused),
            "a new connection after SIGTERM: {refused:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let closed = tokio::time::timeout(Duration::from_secs(2), idle.read(&mut answer)).await;
    assert!(
        matches!(closed, Ok(Ok(0))),
        "the idle connection stays open: {closed:?}"
    );

    for stream in &mut in_flight {
        stream
            .write_all(&body.as_bytes()[body.len() - 10..])
            .await
            .expect("the rest of the body");
    }
    for stream in &mut in_flight {
        let (status, headers, bytes) = response(stream).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
        assert_eq!(
            header(&headers, "content-length").and_then(|l| l.parse().ok()),
            Some(bytes.len()),
            "the whole body"
        );
        assert_eq!(header(&headers, "connection"), Some("close"));
        let answer: Value = serde_json::from_slice(&bytes).expect("JSON");
        assert_eq!(answer["data"]["plan"]["code"], json!(plan), "{answer}");
        assert!(answer.get("errors").is_none(), "{answer}");
    }

    let drain = Duration::from_secs(DRAIN_SECS);
    let status = server
        .wait_exit(drain + Duration::from_secs(20))
        .await
        .expect("the process exits");
    let took = signalled.elapsed();
    eprintln!("exited {took:?} after SIGTERM ({drain:?} drain, one client stuck)");
    assert!(status.success(), "{status}");
    // The stuck client kept the drain to its end, and no longer.
    assert!(
        took >= drain - Duration::from_millis(500) && took <= drain + Duration::from_secs(2),
        "exited {took:?} after SIGTERM with a {drain:?} drain"
    );
    let cut = tokio::time::timeout(Duration::from_secs(2), stuck.read(&mut answer)).await;
    assert!(
        matches!(cut, Ok(Ok(0) | Err(_))),
        "the stuck connection was closed: {cut:?}"
    );
    let log = server.log();
    assert!(
        log.contains("some connections were still open at the end of the drain")
            && log.contains("stopped after finishing in-flight requests"),
        "{log}"
    );
}
