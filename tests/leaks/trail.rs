//! What the audit trail's filters and snapshots may tell a scoped reader: a filter matches
//! only what the reader sees, and snapshots name records by global IDs only.

use super::*;

const BY_SUBJECT: &str = r#"query($sub: String!) { auditLog(filter: { actorSubject: $sub }) {
    totalCount nodes { operation actorSubject } } }"#;

fn operations(data: &Value) -> Vec<(String, Value)> {
    data["auditLog"]["nodes"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["operation"].as_str().unwrap_or_default().to_owned(),
                e["actorSubject"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_audit_filter_by_subject_matches_only_writers_the_reader_may_see() {
    let app = TestApp::new().await;
    // Created as submitted by the service, returned, submitted again, published by the
    // reviewer: the service wrote two entries (CREATE, SUBMIT), the reviewer two.
    let input = input("ProgressUpdate", "filtered progress", "", None);
    bring_to(&app, &sri(), "ProgressUpdate", input, State::Published, "x").await;
    let vars = |sub: &str| json!({ "sub": sub });

    // The service sees its own writers' entries, by their subject…
    let own = ok(&app, Some(&sri()), BY_SUBJECT, vars(SRI_SUB)).await;
    assert_eq!(own["auditLog"]["totalCount"], 2);
    assert_eq!(
        operations(&own),
        ["SUBMIT", "CREATE"].map(|o| (o.to_owned(), json!(SRI_SUB)))
    );
    // …but filtering by the reviewer's subject (which its entries never show it) finds
    // nothing: neither a count nor entries confirm who reviewed.
    let probe = ok(&app, Some(&sri()), BY_SUBJECT, vars(REVIEWER_SUB)).await;
    assert_eq!(probe["auditLog"], json!({ "totalCount": 0, "nodes": [] }));
    // A municipality sees none of the service's entries at all.
    let muni = ok(&app, Some(&hospitalet()), BY_SUBJECT, vars(SRI_SUB)).await;
    assert_eq!(muni["auditLog"], json!({ "totalCount": 0, "nodes": [] }));
    // Coordinators read the whole trail, and the filter finds the reviewer's two writes.
    let all = ok(&app, Some(&author()), BY_SUBJECT, vars(REVIEWER_SUB)).await;
    assert_eq!(all["auditLog"]["totalCount"], 2);
    assert_eq!(
        operations(&all),
        ["PUBLISH", "RETURN"].map(|o| (o.to_owned(), json!(REVIEWER_SUB)))
    );
}

#[tokio::test]
async fn audit_snapshots_name_a_measurement_s_indicator_by_its_global_id() {
    let app = TestApp::new().await;
    let indicator = create(
        &app,
        &author(),
        "Indicator",
        input("Indicator", "linked indicator", "IND-TRAIL-1", None),
        false,
    )
    .await;
    let measurement = create(
        &app,
        &author(),
        "Measurement",
        input("Measurement", "linked measurement", "", Some(&indicator.id)),
        false,
    )
    .await;
    let trail = r#"query($id: ID!) { auditLog(filter: { record: $id }) {
        nodes { operation recordId after } } }"#;
    let data = ok(
        &app,
        Some(&author()),
        trail,
        json!({ "id": measurement.id }),
    )
    .await;
    let entry = &data["auditLog"]["nodes"][0];
    assert_eq!(entry["operation"], "CREATE");
    assert_eq!(entry["recordId"], json!(measurement.id));
    assert_eq!(entry["after"]["id"], json!(measurement.id));
    assert_eq!(
        entry["after"]["payload"]["indicator_id"],
        json!(indicator.id)
    );
    assert_eq!(
        entry["after"]["links"],
        json!([
            ["INDICATOR", indicator.id],
            ["ACTION", "LE1.1"],
            ["LINE", "LE1"]
        ]),
        "{entry}"
    );
}
