//! What is refused: private and metadata targets, and bad input, which changes nothing.

use super::*;

#[tokio::test]
async fn private_and_metadata_targets_are_refused() {
    // Without the setting: loopback, private, link-local, metadata all refused at creation.
    let strict = TestApp::with(|c| c.webhook_allow_http = true).await;
    let bad = [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "http://10.0.0.1/hook",
        "http://192.168.1.10/hook",
        "http://[::1]/hook",
        "http://[fd12::1]/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
    ];
    for url in bad {
        let reply = gql(
            &strict,
            Some(&bearer("admin", None, None)),
            CREATE,
            json!({ "input": { "url": url, "eventTypes": ["RECORD_PUBLISHED"] } }),
        )
        .await;
        assert_eq!(
            reply.error_code(),
            Some("BAD_USER_INPUT"),
            "{url}: {}",
            reply.body
        );
        assert_eq!(
            reply.body["errors"][0]["extensions"]["field"], "input.url",
            "{url}"
        );
    }
    // With it: loopback is accepted, metadata and unspecified addresses still are not.
    let open = app().await;
    for (url, ok) in [
        ("http://127.0.0.1:9/hook", true),
        ("http://localhost:9/hook", true),
        ("http://169.254.169.254/latest/meta-data/", false),
        ("http://[fd00:ec2::254]/", false),
        ("http://0.0.0.0/", false),
    ] {
        let reply = gql(
            &open,
            Some(&bearer("admin", None, None)),
            CREATE,
            json!({ "input": { "url": url, "eventTypes": ["RECORD_PUBLISHED"] } }),
        )
        .await;
        assert_eq!(
            reply.body.get("errors").is_none(),
            ok,
            "{url}: {}",
            reply.body
        );
    }
    let count = admin(&strict, "{ webhookEndpoints { totalCount } }", json!({})).await;
    assert_eq!(count["webhookEndpoints"]["totalCount"], 0);

    // At delivery time: endpoints saved while private targets were allowed, delivered by a
    // worker that does not allow them (by address, and by a name resolving to loopback).
    let (addr, inbox) = receiver(0).await;
    let (by_ip, _) = register(&open, &format!("http://{addr}/hook"), &["RECORD_PUBLISHED"]).await;
    let (by_name, _) = register(
        &open,
        &format!("http://localhost:{}/hook", addr.port()),
        &["RECORD_PUBLISHED"],
    )
    .await;
    let mut settings = Settings::from_config(&open.state.config);
    settings.allow_private = false;
    let worker =
        Worker::start(open.state.db.clone(), open.state.hub.subscribe(), settings).expect("worker");
    publish(&open, "LE1.1", "wh-ssrf").await;
    for endpoint in [&by_ip, &by_name] {
        let mut last = Value::Null;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while tokio::time::Instant::now() < deadline {
            last = log(&open, endpoint, json!({})).await;
            // `attemptCount` counts an attempt from its claim; wait for its recorded outcome.
            if last["deliveries"]["nodes"][0]["attempts"][0].is_object() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let attempt = &last["deliveries"]["nodes"][0]["attempts"][0];
        assert_eq!(attempt["errorClass"], "BLOCKED_ADDRESS", "{last}");
        assert_eq!(attempt["statusCode"], Value::Null);
    }
    worker.stop().await;
    assert!(inbox.hits().is_empty(), "nothing reached the receiver");
}

#[tokio::test]
async fn bad_input_is_refused_clearly_and_changes_nothing() {
    let app = TestApp::new().await;
    let input =
        json!({ "url": "https://hooks.example.org/amb", "eventTypes": ["RECORD_PUBLISHED"] });
    // Only coordinators manage webhooks.
    for auth in [
        None,
        Some(bearer("area", Some("AMB-SRI"), None)),
        Some(bearer("reader", None, None)),
    ] {
        let reply = gql(&app, auth.as_deref(), CREATE, json!({ "input": input })).await;
        assert_eq!(reply.error_code(), Some("FORBIDDEN"), "{}", reply.body);
        let reply = gql(
            &app,
            auth.as_deref(),
            "{ webhookEndpoints { totalCount } }",
            json!({}),
        )
        .await;
        assert_eq!(reply.error_code(), Some("FORBIDDEN"), "{}", reply.body);
    }
    let admin_auth = bearer("admin", None, None);
    for (input, field, words) in [
        (
            json!({ "url": "not a url", "eventTypes": ["RECORD_PUBLISHED"] }),
            "input.url",
            "not a valid URL",
        ),
        (
            json!({ "url": "http://hooks.example.org/", "eventTypes": ["RECORD_PUBLISHED"] }),
            "input.url",
            "https",
        ),
        (
            json!({ "url": "ftp://hooks.example.org/", "eventTypes": ["RECORD_PUBLISHED"] }),
            "input.url",
            "https",
        ),
        (
            json!({ "url": "https://u:p@hooks.example.org/", "eventTypes": ["RECORD_PUBLISHED"] }),
            "input.url",
            "credentials",
        ),
        (
            json!({ "url": "https://127.0.0.1/", "eventTypes": [] }),
            "input.url",
            "loopback",
        ),
        (
            json!({ "url": "https://93.184.216.34/", "eventTypes": [], "description": "x".repeat(501) }),
            "input.eventTypes",
            "at least one",
        ),
        (
            json!({ "url": "https://93.184.216.34/", "eventTypes": ["RECORD_PUBLISHED", "RECORD_SUBMITTED", "RECORD_RETURNED"] }),
            "input.eventTypes",
            "RECORD_SUBMITTED and RECORD_RETURNED never reach webhooks (they are steps of a \
             review, not public); choose among RECORD_PUBLISHED, RECORD_ARCHIVED, \
             ANNUAL_REPORT_PUBLISHED, REPORTING_YEAR_OPENED, REPORTING_YEAR_CLOSED, \
             PLAN_CONTENT_CHANGED",
        ),
        (
            json!({ "url": "https://93.184.216.34/", "eventTypes": ["RECORD_RETURNED"] }),
            "input.eventTypes",
            "RECORD_RETURNED never reach webhooks",
        ),
    ] {
        let reply = gql(&app, Some(&admin_auth), CREATE, json!({ "input": input })).await;
        assert_eq!(reply.error_code(), Some("BAD_USER_INPUT"), "{}", reply.body);
        assert_eq!(
            reply.body["errors"][0]["extensions"]["field"], field,
            "{}",
            reply.body
        );
        assert!(reply.error_message().contains(words), "{}", reply.body);
    }
    // Every problem is listed at once.
    let reply = gql(
        &app,
        Some(&admin_auth),
        CREATE,
        json!({ "input": { "url": "http://x.example.org/", "eventTypes": [], "description": "x".repeat(501) } }),
    )
    .await;
    let fields: Vec<&str> = reply.body["errors"][0]["extensions"]["fieldErrors"]
        .as_array()
        .expect("fieldErrors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(
        fields,
        ["input.url", "input.eventTypes", "input.description"]
    );
    // An unknown change type is refused by the schema.
    let reply = gql(
        &app,
        Some(&admin_auth),
        CREATE,
        json!({ "input": { "url": "https://hooks.example.org/", "eventTypes": ["NOPE"] } }),
    )
    .await;
    assert_eq!(reply.error_code(), Some("BAD_USER_INPUT"), "{}", reply.body);
    // Unknown IDs are NOT_FOUND, whatever the operation.
    for doc in [
        "mutation { r: updateWebhookEndpoint(id: \"nope\", input: { description: \"x\" }) { id } }",
        "mutation { r: disableWebhookEndpoint(id: \"nope\") { id } }",
        "mutation { r: enableWebhookEndpoint(id: \"nope\") { id } }",
        "mutation { r: deleteWebhookEndpoint(id: \"nope\") { id } }",
        "mutation { r: rotateWebhookSecret(id: \"nope\") { secret } }",
        "{ r: webhookEndpoint(id: \"nope\") { id } }",
    ] {
        let reply = gql(&app, Some(&admin_auth), doc, json!({})).await;
        assert_eq!(
            reply.error_code(),
            Some("NOT_FOUND"),
            "{doc}: {}",
            reply.body
        );
    }
    let count = admin(&app, "{ webhookEndpoints { totalCount } }", json!({})).await;
    assert_eq!(count["webhookEndpoints"]["totalCount"], 0);

    // With a real endpoint (a public address, never contacted: no worker runs here): a bad
    // update changes nothing; a bad grace period is refused; update, disable, delete work.
    let created = admin(
        &app,
        CREATE,
        json!({ "input": { "url": "https://93.184.216.34/amb", "eventTypes": ["RECORD_PUBLISHED"] } }),
    )
    .await;
    let id = created["createWebhookEndpoint"]["endpoint"]["id"].clone();
    let reply = gql(
        &app,
        Some(&admin_auth),
        "mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { url: \"https://10.0.0.1/\", eventTypes: [] }) { id } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(reply.error_code(), Some("BAD_USER_INPUT"), "{}", reply.body);
    let reply = gql(
        &app,
        Some(&admin_auth),
        "mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { eventTypes: [RECORD_SUBMITTED] }) { id } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(reply.error_code(), Some("BAD_USER_INPUT"), "{}", reply.body);
    assert_eq!(
        reply.body["errors"][0]["extensions"]["field"],
        "input.eventTypes"
    );
    let reply = gql(
        &app,
        Some(&admin_auth),
        "mutation($id: ID!) { rotateWebhookSecret(id: $id, graceSeconds: -1) { secret } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(reply.error_code(), Some("BAD_USER_INPUT"), "{}", reply.body);
    assert_eq!(
        reply.body["errors"][0]["extensions"]["field"],
        "graceSeconds"
    );
    let read = admin(
        &app,
        "query($id: ID!) { webhookEndpoint(id: $id) { url eventTypes previousSecretExpiresAt } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(read["webhookEndpoint"]["url"], "https://93.184.216.34/amb");
    assert_eq!(
        read["webhookEndpoint"]["eventTypes"],
        json!(["RECORD_PUBLISHED"])
    );
    assert_eq!(
        read["webhookEndpoint"]["previousSecretExpiresAt"],
        Value::Null
    );
    let updated = admin(
        &app,
        "mutation($id: ID!) { u: updateWebhookEndpoint(id: $id, input: { eventTypes: [ANNUAL_REPORT_PUBLISHED, RECORD_PUBLISHED, RECORD_PUBLISHED], description: \" portal \" }) { eventTypes description url }
          d: disableWebhookEndpoint(id: $id) { enabled } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        updated["u"]["eventTypes"],
        json!(["ANNUAL_REPORT_PUBLISHED", "RECORD_PUBLISHED"])
    );
    assert_eq!(updated["u"]["description"], "portal");
    assert_eq!(updated["d"]["enabled"], false);
    let deleted = admin(
        &app,
        "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(deleted["deleteWebhookEndpoint"]["id"], id);
    let count = admin(&app, "{ webhookEndpoints { totalCount } }", json!({})).await;
    assert_eq!(count["webhookEndpoints"]["totalCount"], 0);
}
