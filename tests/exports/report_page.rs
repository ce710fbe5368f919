//! The annual report page: self-contained, marked as what it is, and validated without
//! rendering.

use super::*;

#[tokio::test]
async fn the_report_page_is_self_contained_and_marked() {
    let app = app_with_records().await;
    let lines = gql(
        &app,
        None,
        "{ plan { strategicLines { code } } }",
        json!({}),
    )
    .await["plan"]["strategicLines"]
        .as_array()
        .expect("lines")
        .len();
    for lang in ["ca", "en"] {
        let r = get(&app, &format!("/reports/{PLAN}/2024?lang={lang}"), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.headers["content-type"], "text/html; charset=utf-8");
        let csp = r.headers["content-security-policy"].to_str().expect("csp");
        assert!(
            csp.starts_with("default-src 'none'; style-src 'sha256-"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe"), "{csp}");
        let html = &r.text;
        assert!(html.contains(&format!("<html lang=\"{lang}\"")));
        assert_eq!(html.matches("<section").count(), lines + 2);
        assert_eq!(html.matches("<svg").count(), 3);
        assert!(html.contains("data-mark=\"not-published\""));
        assert!(html.contains("data-mark=\"synthetic\""));
        assert!(!html.contains(DRAFT_MARK));
        assert!(
            !html.contains("http://") || !html.contains("src=\"http"),
            "no external resource"
        );
        assert!(!html.contains("<script"), "no script");
    }
    let en = get(&app, &format!("/reports/{PLAN}/2024?lang=en"), &[])
        .await
        .text;
    assert!(en.contains("1,234,567.89 €"), "exact amount shown");
    // Once published, the page says so and is no longer marked as a draft.
    gql(
        &app,
        Some("admin"),
        "mutation { publishAnnualReport(year: 2024) { published } }",
        json!({}),
    )
    .await;
    let after = get(&app, &format!("/reports/{PLAN}/2024?lang=en"), &[])
        .await
        .text;
    assert!(after.contains("data-mark=\"published\""));
    assert!(!after.contains("data-mark=\"not-published\""));
    let json = get(
        &app,
        &format!("/exports/{PLAN}/annual-report-2024.json"),
        &[],
    )
    .await;
    assert_eq!(json.body["published"], true);
}

#[tokio::test]
async fn the_report_page_is_validated_without_rendering() {
    let app = TestApp::new().await;
    let uri = format!("/reports/{PLAN}/2023?lang=ca");
    let page = get(&app, &uri, &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    let etag = header(&page, "etag").to_owned();
    let r = get(&app, &uri, &[("if-none-match", &etag)]).await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert_eq!(header(&r, "content-language"), "ca");
    let head = send(&app, "HEAD", &uri, &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(header(&head, "etag"), etag);
    assert_ne!(
        header(
            &get(&app, &format!("/reports/{PLAN}/2024?lang=ca"), &[]).await,
            "etag"
        ),
        etag
    );
}
