//! The review cycle: submit, return, publish, archive, and steps from the wrong state.

use super::*;

#[tokio::test]
async fn the_review_cycle_moves_a_record_through_its_states() {
    let app = TestApp::new().await;
    let draft = progress_update(&app, SRI, Draft, "LE1.1", 2023, "IN_PROGRESS", 40).await;
    let submitted = step(&app, SRI, SUBMIT, &draft).await;
    assert_eq!(submitted.version, 2);
    let returned = return_with(&app, &submitted, "Add the evidence, please").await;
    let seen = node(&app, SRI, &returned.id, PROGRESS_FIELDS).await;
    assert_eq!(
        (&seen["state"], &seen["version"], &seen["reviewComment"]),
        (
            &json!("RETURNED"),
            &json!(3),
            &json!("Add the evidence, please")
        )
    );
    // Returned records are the reporter's to edit again.
    let mut fixed = progress("LE1.1", 2023, "IN_PROGRESS", 45);
    fixed["evidenceLinks"] = json!(["https://www.amb.cat/evidencia"]);
    let edited = update(&app, SRI, Kind::Progress, &returned, fixed).await;
    assert_eq!(edited.version, 4);
    let resubmitted = step(&app, SRI, SUBMIT, &edited).await;
    let published = publish(&app, &resubmitted).await;
    let seen = node(&app, Anonymous, &published.id, PROGRESS_FIELDS).await;
    // How often it went back and forth, and what the reviewer said, stay in the review.
    assert_eq!(
        (&seen["state"], &seen["version"], &seen["reviewComment"]),
        (&json!("PUBLISHED"), &Value::Null, &Value::Null)
    );
    let own = node(&app, SRI, &published.id, PROGRESS_FIELDS).await;
    assert_eq!(
        (&own["version"], &own["reviewComment"]),
        (&json!(6), &Value::Null)
    );
    assert!(
        seen["publishedAt"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    assert_eq!(seen["percentComplete"], 45);
    let archived = step(&app, Admin, ARCHIVE, &published).await;
    assert_eq!(archived.version, 7);
    assert_eq!(node(&app, Anonymous, &archived.id, "").await, Value::Null);
    assert_eq!(
        node(&app, SRI, &archived.id, "... on ProgressUpdate { state }").await["state"],
        "ARCHIVED"
    );
}

#[tokio::test]
async fn review_steps_from_the_wrong_state_are_conflicts() {
    let app = TestApp::new().await;
    let draft = progress_update(&app, SRI, Draft, "LE1.1", 2023, "IN_PROGRESS", 40).await;
    // Only submitted records are returned.
    let vars = json!({ "id": draft.id, "v": draft.version, "comment": { "es": "No" } });
    let reply = refused(&app, Admin, RETURN, vars, "CONFLICT").await;
    assert_eq!(
        reply.error_message(),
        "a DRAFT record cannot be returned; only SUBMITTED records are reviewed: submit it first"
    );
    assert_eq!(reply.body["errors"][0]["extensions"]["currentVersion"], 1);
    let submitted = step(&app, SRI, SUBMIT, &draft).await;
    let reply = refused(&app, SRI, SUBMIT, rec_vars(&submitted), "CONFLICT").await;
    assert_eq!(
        reply.error_message(),
        "a SUBMITTED record cannot be submitted"
    );
    let returned = return_with(&app, &submitted, "Incomplete").await;
    let reply = refused(&app, Admin, PUBLISH, rec_vars(&returned), "CONFLICT").await;
    assert_eq!(
        reply.error_message(),
        "a RETURNED record cannot be published; only SUBMITTED records are reviewed: submit it first"
    );
    let archived = step(&app, Admin, ARCHIVE, &returned).await;
    for doc in [SUBMIT, PUBLISH, ARCHIVE] {
        refused(&app, Admin, doc, rec_vars(&archived), "CONFLICT").await;
    }
    // Archived records are never edited, not even by a coordinator.
    let reply = refused(
        &app,
        Admin,
        &Kind::Progress.update_doc(),
        update_vars(&archived, &progress("LE1.1", 2023, "IN_PROGRESS", 50)),
        "FORBIDDEN",
    )
    .await;
    assert_eq!(reply.error_message(), "archived records cannot be changed");
    // A return needs a comment.
    let other = progress_update(&app, SRI, Submitted, "LE1.2", 2023, "IN_PROGRESS", 5).await;
    let vars = json!({ "id": other.id, "v": other.version, "comment": { "es": "  " } });
    let reply = refused(&app, Admin, RETURN, vars, "BAD_USER_INPUT").await;
    assert_eq!(reply.body["errors"][0]["extensions"]["field"], "comment");
}
