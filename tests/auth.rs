//! Identity and access: the attack matrix, the roles, and the policy table seen through the API.

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use serde_json::{Value, json};

use crate::common::{
    TEST_AUDIENCE, TEST_ISSUER, TEST_SECRET, TestApp, claims, hs256, keys_dir, signed_with, token,
};

const WHO: &str =
    "{ viewer { authenticated role subject unit { code } municipality { ineCode } expiresAt } }";

async fn viewer_with(app: &TestApp, authorization: &str) -> crate::common::Reply {
    app.post(WHO, json!({}), &[("authorization", authorization)])
        .await
}

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

#[tokio::test]
async fn without_a_token_the_caller_is_anonymous() {
    let app = TestApp::new().await;
    let data = app.data(WHO).await;
    assert_eq!(
        data["viewer"],
        json!({ "authenticated": false, "role": "ANONYMOUS", "subject": null, "unit": null,
                "municipality": null, "expiresAt": null })
    );
}

#[tokio::test]
async fn valid_tokens_of_each_algorithm_and_role_are_accepted() {
    let app = TestApp::new().await;
    let cases = [
        (token("admin", None, None), "ADMIN"),
        (
            signed_with(
                Algorithm::RS256,
                "rsa_private.pem",
                "test-rsa",
                &claims("reader", None, None),
            ),
            "READER",
        ),
        (
            signed_with(
                Algorithm::ES256,
                "ec_private.pem",
                "test-ec",
                &claims("area", Some("AMB-SRI"), None),
            ),
            "AREA",
        ),
        (token("municipality", None, Some("08101")), "MUNICIPALITY"),
    ];
    for (jwt, role) in cases {
        let reply = viewer_with(&app, &format!("Bearer {jwt}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{role}: {}", reply.body);
        let viewer = &reply.body["data"]["viewer"];
        assert_eq!(viewer["role"], role);
        assert_eq!(viewer["authenticated"], true);
        assert!(
            viewer["expiresAt"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z'))
        );
    }
    let area = viewer_with(
        &app,
        &format!("Bearer {}", token("area", Some("AMB-SRI"), None)),
    )
    .await;
    assert_eq!(area.body["data"]["viewer"]["unit"]["code"], "AMB-SRI");
    assert_eq!(area.body["data"]["viewer"]["subject"], "test-area");
    let muni = viewer_with(
        &app,
        &format!("bearer {}", token("municipality", None, Some("08101"))),
    )
    .await;
    assert_eq!(
        muni.body["data"]["viewer"]["municipality"]["ineCode"],
        "08101"
    );
}

#[tokio::test]
async fn the_attack_matrix_is_refused_with_401_unauthenticated() {
    let app = TestApp::new().await;
    let now = chrono::Utc::now().timestamp();
    let with = |edit: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut c = claims("admin", None, None);
        edit(&mut c);
        hs256(&c, TEST_SECRET.as_bytes())
    };
    let valid = token("admin", None, None);
    let mut parts: Vec<&str> = valid.split('.').collect();
    let forged_payload = b64(&json!({ "sub": "x", "role": "admin", "exp": now + 99_999,
        "iss": TEST_ISSUER, "aud": TEST_AUDIENCE, "extra": true }));
    parts[1] = &forged_payload;
    let tampered = parts.join(".");
    let alg_none = format!(
        "{}.{}.",
        b64(&json!({ "alg": "none", "typ": "JWT" })),
        b64(&Value::Object(claims("admin", None, None)))
    );
    let rsa_public = std::fs::read(keys_dir().join("rsa_public.pem")).expect("public key");
    let cases: Vec<(&str, String)> = vec![
        ("malformed token", "Bearer not.a.token".into()),
        ("garbage", "Bearer abc".into()),
        ("not a bearer scheme", format!("Basic {valid}")),
        ("empty bearer", "Bearer ".into()),
        ("alg none", format!("Bearer {alg_none}")),
        (
            "wrong HMAC key",
            format!(
                "Bearer {}",
                hs256(
                    &claims("admin", None, None),
                    b"another-secret-of-thirty-two-bytes!!"
                )
            ),
        ),
        (
            "RS256 by a key not in the JWKS",
            format!(
                "Bearer {}",
                signed_with(
                    Algorithm::RS256,
                    "rogue_rsa_private.pem",
                    "test-rsa",
                    &claims("admin", None, None)
                )
            ),
        ),
        (
            "RS256 with an unknown kid",
            format!(
                "Bearer {}",
                signed_with(
                    Algorithm::RS256,
                    "rogue_rsa_private.pem",
                    "rogue",
                    &claims("admin", None, None)
                )
            ),
        ),
        (
            "HS256 signed with the RSA public key",
            format!(
                "Bearer {}",
                hs256(&claims("admin", None, None), &rsa_public)
            ),
        ),
        (
            "ES256 token naming the RSA key",
            format!(
                "Bearer {}",
                signed_with(
                    Algorithm::ES256,
                    "ec_private.pem",
                    "test-rsa",
                    &claims("admin", None, None)
                )
            ),
        ),
        (
            "expired",
            format!(
                "Bearer {}",
                with(&|c| {
                    c.insert("exp".into(), json!(now - 3600));
                })
            ),
        ),
        (
            "nbf in the future",
            format!(
                "Bearer {}",
                with(&|c| {
                    c.insert("nbf".into(), json!(now + 3600));
                })
            ),
        ),
        (
            "wrong iss",
            format!(
                "Bearer {}",
                with(&|c| {
                    c.insert("iss".into(), json!("https://evil.test"));
                })
            ),
        ),
        (
            "wrong aud",
            format!(
                "Bearer {}",
                with(&|c| {
                    c.insert("aud".into(), json!("someone-else"));
                })
            ),
        ),
        ("tampered payload", format!("Bearer {tampered}")),
        (
            "missing exp",
            format!(
                "Bearer {}",
                with(&|c| {
                    c.remove("exp");
                })
            ),
        ),
        (
            "missing sub",
            format!(
                "Bearer {}",
                with(&|c| {
                    c.remove("sub");
                })
            ),
        ),
        (
            "unknown role",
            format!(
                "Bearer {}",
                hs256(&claims("superuser", None, None), TEST_SECRET.as_bytes())
            ),
        ),
        (
            "area without unit",
            format!("Bearer {}", token("area", None, None)),
        ),
        (
            "unknown unit",
            format!("Bearer {}", token("area", Some("AMB-NOPE"), None)),
        ),
        (
            "unit that is not an AMB area or service",
            format!("Bearer {}", token("area", Some("EMA"), None)),
        ),
        (
            "municipality outside the 36",
            format!("Bearer {}", token("municipality", None, Some("08999"))),
        ),
        (
            "municipality without ine",
            format!("Bearer {}", token("municipality", None, None)),
        ),
        (
            "reader with a unit",
            format!("Bearer {}", token("reader", Some("AMB-SRI"), None)),
        ),
        (
            "admin with an ine",
            format!("Bearer {}", token("admin", None, Some("08101"))),
        ),
    ];
    for (case, authorization) in cases {
        let reply = viewer_with(&app, &authorization).await;
        reply.expect_unauthenticated(case);
        assert!(
            reply.body.get("data").is_none(),
            "{case}: no data with a bad token"
        );
        let challenge = reply.headers["www-authenticate"].to_str().expect("ascii");
        assert!(
            challenge.starts_with("Bearer realm=\"plan-api\", error=\"invalid_token\""),
            "{case}: {challenge}"
        );
    }
}

#[tokio::test]
async fn a_token_in_the_query_string_is_ignored() {
    let app = TestApp::new().await;
    let admin = token("admin", None, None);
    let reply = app
        .get(&format!(
            "/graphql?query=%7Bviewer%7Brole%7D%7D&access_token={admin}&token={admin}"
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["data"]["viewer"]["role"], "ANONYMOUS");
}

#[tokio::test]
async fn websocket_connection_init_payloads_are_verified_the_same_way() {
    let app = TestApp::new().await;
    let verifier = &app.state.verifier;
    let db = &app.state.db;
    let ok = json!({ "Authorization": format!("Bearer {}", token("municipality", None, Some("08019"))) });
    let viewer = verifier
        .viewer_from_connection_init(db, &ok)
        .await
        .expect("accepted");
    assert_eq!(viewer.municipality.as_deref(), Some("08019"));
    let none = verifier
        .viewer_from_connection_init(db, &json!({}))
        .await
        .expect("anonymous");
    assert_eq!(none.role, plan_api::auth::Role::Anonymous);
    let bad = json!({ "authorization": "Bearer nope" });
    let err = verifier
        .viewer_from_connection_init(db, &bad)
        .await
        .expect_err("refused");
    assert_eq!(err.code(), "UNAUTHENTICATED");
}

/// The role × operation matrix, as `viewer { can { … } }` reports it, row for row the policy.
#[tokio::test]
async fn viewer_can_reports_the_policy_table_for_every_role() {
    let app = TestApp::new().await;
    let query = "{ viewer { can { readUnpublished reportProgress recordMeasurement reportActivity \
                 reportFundedProject review archive manageReportingYears readAuditLog readOperationalData } } }";
    let roles: [(&str, Option<String>); 5] = [
        ("anonymous", None),
        ("reader", Some(token("reader", None, None))),
        ("area", Some(token("area", Some("AMB-SRI"), None))),
        (
            "municipality",
            Some(token("municipality", None, Some("08101"))),
        ),
        ("admin", Some(token("admin", None, None))),
    ];
    // Columns: anonymous, reader, area, municipality, admin.
    let expected: [(&str, [bool; 5]); 10] = [
        ("readUnpublished", [false, true, true, true, true]),
        ("reportProgress", [false, false, true, false, true]),
        ("recordMeasurement", [false, false, true, false, true]),
        ("reportActivity", [false, false, true, true, true]),
        ("reportFundedProject", [false, false, true, true, true]),
        ("review", [false, false, false, false, true]),
        ("archive", [false, false, false, false, true]),
        ("manageReportingYears", [false, false, false, false, true]),
        ("readAuditLog", [false, false, true, true, true]),
        ("readOperationalData", [false, true, false, false, true]),
    ];
    for (column, (role, jwt)) in roles.iter().enumerate() {
        let headers: Vec<(&str, String)> = jwt
            .iter()
            .map(|t| ("authorization", format!("Bearer {t}")))
            .collect();
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let reply = app.post(query, json!({}), &headers).await;
        let can = &reply.body["data"]["viewer"]["can"];
        for (field, row) in &expected {
            assert_eq!(can[field], row[column], "{role}.{field}: {}", reply.body);
        }
    }
}

#[tokio::test]
async fn per_record_permissions_follow_the_unit_and_the_municipality() {
    let app = TestApp::new().await;
    let query = r#"{ viewer { can {
        le11: reportProgress(action: "LE1.1") le41: reportProgress(action: "LE4.1")
        own: reportActivity(municipality: "08101") other: reportActivity(municipality: "08019") } } }"#;
    let ask = |jwt: String| {
        let app = &app;
        async move {
            let reply = app
                .post(
                    query,
                    json!({}),
                    &[("authorization", &format!("Bearer {jwt}"))],
                )
                .await;
            reply.body["data"]["viewer"]["can"].clone()
        }
    };
    // The International Relations Service leads LE1.1; the Economic Development Agency LE4.1.
    // An area reports its own activities, whichever municipalities they involve.
    assert_eq!(
        ask(token("area", Some("AMB-SRI"), None)).await,
        json!({ "le11": true, "le41": false, "own": true, "other": true })
    );
    assert_eq!(
        ask(token("reader", None, None)).await,
        json!({ "le11": false, "le41": false, "own": false, "other": false })
    );
    // An area covers the services within it.
    assert_eq!(
        ask(token("area", Some("AMB-AIC"), None)).await["le11"],
        true
    );
    assert_eq!(
        ask(token("area", Some("AMB-ADE"), None)).await["le41"],
        true
    );
    assert_eq!(
        ask(token("municipality", None, Some("08101"))).await,
        json!({ "le11": false, "le41": false, "own": true, "other": false })
    );
    assert_eq!(
        ask(token("admin", None, None)).await,
        json!({ "le11": true, "le41": true, "own": true, "other": true })
    );
    let reply = app
        .post(
            r#"{ viewer { can { reportProgress(action: "LE9.9") } } }"#,
            json!({}),
            &[],
        )
        .await;
    assert_eq!(reply.error_code(), Some("BAD_USER_INPUT"));
    assert_eq!(reply.body["errors"][0]["extensions"]["field"], "action");
}

/// Every guarded field, for every role.
#[tokio::test]
async fn guarded_fields_are_refused_with_forbidden_per_the_policy() {
    let app = TestApp::new().await;
    let cases = [
        (None, false),
        (Some(token("reader", None, None)), true),
        (Some(token("area", Some("AMB-SRI"), None)), false),
        (Some(token("municipality", None, Some("08101"))), false),
        (Some(token("admin", None, None)), true),
    ];
    for (jwt, allowed) in cases {
        let auth = jwt.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> =
            auth.iter().map(|a| ("authorization", a.as_str())).collect();
        let reply = app
            .post(
                "{ dataLoads { planCode contentHash loadedAt } }",
                json!({}),
                &headers,
            )
            .await;
        if allowed {
            assert_eq!(
                reply.body["data"]["dataLoads"][0]["planCode"], "AMB-PI-2021-2025",
                "{}",
                reply.body
            );
            assert_eq!(
                reply.body["data"]["dataLoads"][0]["contentHash"]
                    .as_str()
                    .map(str::len),
                Some(16)
            );
        } else {
            assert_eq!(reply.error_code(), Some("FORBIDDEN"), "{}", reply.body);
            assert_eq!(reply.body["data"], json!(null));
        }
    }
}

#[tokio::test]
async fn the_cli_mints_development_tokens_the_api_accepts() {
    let app = TestApp::new().await;
    let dir = tempfile::tempdir().expect("tmp");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_plan-api"))
            .arg("token")
            .args(args)
            .env(
                "DATABASE_URL",
                format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("t.sqlite").display()
                ),
            )
            .env("PLAN_API_JWT_SECRET", TEST_SECRET)
            .env("PLAN_API_JWT_ISSUER", TEST_ISSUER)
            .env("PLAN_API_JWT_AUDIENCE", TEST_AUDIENCE)
            .env("RUST_LOG", "error")
            .output()
            .expect("run plan-api token")
    };
    let out = run(&["--role", "municipality", "--ine", "08101", "--ttl", "1h"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let jwt = String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned();
    let reply = viewer_with(&app, &format!("Bearer {jwt}")).await;
    let viewer = &reply.body["data"]["viewer"];
    assert_eq!(viewer["role"], "MUNICIPALITY");
    assert_eq!(viewer["municipality"]["ineCode"], "08101");
    let expires =
        chrono::DateTime::parse_from_rfc3339(viewer["expiresAt"].as_str().expect("expiry"))
            .expect("rfc 3339");
    let left = expires.timestamp() - chrono::Utc::now().timestamp();
    assert!((3500..=3600).contains(&left), "{left}s left");

    let area = run(&["--role", "area", "--unit", "AMB-SRI"]);
    assert!(area.status.success());
    let jwt = String::from_utf8(area.stdout)
        .expect("utf-8")
        .trim()
        .to_owned();
    let reply = viewer_with(&app, &format!("Bearer {jwt}")).await;
    let viewer = &reply.body["data"]["viewer"];
    assert_eq!(viewer["role"], "AREA", "{}", reply.body);
    assert_eq!(viewer["unit"]["code"], "AMB-SRI", "{}", reply.body);
    // Minting reads the plan's registry from the data files: it writes to no database.
    assert!(
        !dir.path().join("t.sqlite").exists(),
        "plan-api token created or changed the configured database"
    );
    for (args, message) in [
        (&["--role", "area"][..], "needs a unit"),
        (
            &["--role", "area", "--unit", "AMB-NOPE"][..],
            "not an AMB area or service",
        ),
        (
            &["--role", "municipality", "--ine", "08999"][..],
            "not an AMB municipality",
        ),
        (&["--role", "root"][..], "role is unknown"),
        (&["--role", "admin", "--ttl", "soon"][..], "ttl"),
        (
            &["--role", "admin", "--ttl", "30d"][..],
            "longer than PLAN_API_JWT_MAX_LIFETIME_SECS",
        ),
    ] {
        let out = run(args);
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    let no_secret = std::process::Command::new(env!("CARGO_BIN_EXE_plan-api"))
        .args(["token", "--role", "admin"])
        .env_remove("PLAN_API_JWT_SECRET")
        .output()
        .expect("run");
    assert!(!no_secret.status.success());
    assert!(String::from_utf8_lossy(&no_secret.stderr).contains("PLAN_API_JWT_SECRET"));
}
