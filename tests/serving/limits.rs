//! Abuse limits: depth, width, cost, aliases, sizes, batches, time-outs and rate limits, and the
//! cost and allowance every response states.

use super::*;

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
    // A page multiplies what it holds: 5 and 50 nodes of three fields each (node, code, name).
    assert_eq!((five, fifty), (15, 150), "{five} then {fifty}");
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
