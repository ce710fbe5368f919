//! The audit trail as its readers may see it.

use std::collections::HashMap;

use async_graphql::{ID, InputObject, Object};
use entity::audit_entry;

use crate::graphql::scalars::{DateTime, JsonValue};
use crate::graphql::type_name_of_kind;
use crate::ids::GlobalId;
use crate::monitoring::RecordKind;

/// An entry of the audit trail, with what its reader may see of it.
pub struct AuditEntry {
    pub(super) entry: audit_entry::Model,
    pub(super) plan: String,
    /// Kind and public identifier of the records the page's entries mention, by surrogate key.
    pub(super) records: std::sync::Arc<HashMap<i32, (String, String)>>,
    /// Whether the reader sees the whole trail (and so may see its sequence).
    pub(super) whole_trail: bool,
    /// Whether the reader may see who wrote.
    pub(super) sees_actor: bool,
}

impl AuditEntry {
    /// The global ID of the monitoring record with surrogate key `id`, if known.
    fn global_id(&self, id: i32) -> Option<ID> {
        let (kind, public_id) = self.records.get(&id)?;
        Some(GlobalId::of_plan_record(
            type_name_of_kind(kind)?,
            &self.plan,
            public_id,
        ))
    }

    /// A stored snapshot as the reader sees it: database keys (the record's own, a
    /// measurement's indicator's, and its link to that indicator) replaced by global IDs, so
    /// that no snapshot shows the one sequence every record kind shares. Links to the plan's
    /// content keep their public codes (`LE1.1`, `08101`).
    fn snapshot(&self, stored: &Option<serde_json::Value>) -> Option<JsonValue> {
        let mut value = stored.clone()?;
        let global = |id: Option<i64>| {
            let gid = id
                .and_then(|id| i32::try_from(id).ok())
                .and_then(|id| self.global_id(id));
            serde_json::json!(gid.map(|g| g.0))
        };
        if let Some(obj) = value.as_object_mut() {
            if let Some(id) = obj.get("id").and_then(serde_json::Value::as_i64) {
                obj.insert("id".to_owned(), global(Some(id)));
            }
            if let Some(payload) = obj.get_mut("payload").and_then(|p| p.as_object_mut())
                && let Some(id) = payload.get("indicator_id").and_then(|v| v.as_i64())
            {
                payload.insert("indicator_id".to_owned(), global(Some(id)));
            }
            for link in obj
                .get_mut("links")
                .and_then(|l| l.as_array_mut())
                .into_iter()
                .flatten()
            {
                if let Some(key) = record_link_key(link) {
                    link[1] = global(Some(i64::from(key)));
                }
            }
        }
        Some(JsonValue(value))
    }
}

/// The surrogate key in a snapshot's link `[type, code]` when it names a monitoring record
/// (a measurement's `INDICATOR`) rather than the plan's content.
fn record_link_key(link: &serde_json::Value) -> Option<i32> {
    (link[0].as_str()? == RecordKind::Indicator.as_str())
        .then(|| link[1].as_str()?.parse().ok())
        .flatten()
}

/// The surrogate keys of monitoring records an audit entry mentions.
pub(super) fn mentioned_records(entry: &audit_entry::Model) -> Vec<i32> {
    let mut ids = Vec::new();
    if type_name_of_kind(&entry.record_type).is_some() {
        ids.extend(entry.record_id);
    }
    for snapshot in [&entry.before, &entry.after].into_iter().flatten() {
        let indicator = snapshot["payload"]["indicator_id"].as_i64();
        ids.extend(indicator.and_then(|id| i32::try_from(id).ok()));
        let links = snapshot["links"].as_array().into_iter().flatten();
        ids.extend(links.filter_map(record_link_key));
    }
    ids
}

/// One write, as the audit trail keeps it. Never editable through the API.
#[Object]
impl AuditEntry {
    /// Sequence number of the entry in the whole trail: shown to those who read all of it
    /// (coordinators); null for others, to whom its gaps would count others' writes. Page
    /// with the connection's cursors instead.
    async fn sequence(&self) -> Option<i32> {
        self.whole_trail.then_some(self.entry.id)
    }
    /// When the write happened.
    async fn at(&self) -> DateTime {
        DateTime(self.entry.at)
    }
    /// Who wrote: token subject. Shown to coordinators, and to others for writes by their own
    /// unit or municipality; null for the writes of reviewers and other reporters.
    async fn actor_subject(&self) -> Option<&str> {
        if self.sees_actor {
            self.entry.actor_sub.as_deref()
        } else {
            None
        }
    }
    /// Who wrote: role.
    async fn actor_role(&self) -> &str {
        &self.entry.actor_role
    }
    /// Who wrote: unit, for areas.
    async fn actor_unit(&self) -> Option<&str> {
        self.entry.actor_unit.as_deref()
    }
    /// Who wrote: municipality (INE code), for municipalities.
    async fn actor_municipality(&self) -> Option<&str> {
        self.entry.actor_municipality.as_deref()
    }
    /// What kind of record was written (`ProgressUpdate`, …, `ReportingYear`, `AnnualReport`).
    async fn record_type(&self) -> String {
        match type_name_of_kind(&self.entry.record_type) {
            Some(name) => name.to_owned(),
            None => match self.entry.record_type.as_str() {
                "REPORTING_YEAR" => "ReportingYear".to_owned(),
                "ANNUAL_REPORT" => "AnnualReport".to_owned(),
                other => other.to_owned(),
            },
        }
    }
    /// The written record's global ID (monitoring records only).
    async fn record_id(&self) -> Option<ID> {
        type_name_of_kind(&self.entry.record_type)?;
        self.global_id(self.entry.record_id?)
    }
    /// CREATE, UPDATE, SUBMIT, PUBLISH, RETURN, ARCHIVE, OPEN_YEAR, CLOSE_YEAR,
    /// PUBLISH_REPORT, or RELINK (the seed moved the record's links to an item whose code the
    /// plan's files changed on purpose, in `renames.toml`).
    async fn operation(&self) -> &str {
        &self.entry.operation
    }
    /// The record before the write (records are named by their global IDs).
    async fn before(&self) -> Option<JsonValue> {
        self.snapshot(&self.entry.before)
    }
    /// The record after the write (records are named by their global IDs).
    async fn after(&self) -> Option<JsonValue> {
        self.snapshot(&self.entry.after)
    }
    /// The id of the request that wrote (also returned to its client as `x-request-id`).
    async fn request_id(&self) -> &str {
        &self.entry.request_id
    }
}

crate::connection!(
    AuditEntryConnection,
    AuditEntryEdge,
    AuditEntry,
    "A page of audit entries.",
    "An audit entry in a page."
);

/// Conditions on audit entries.
#[derive(InputObject, Default)]
pub struct AuditFilter {
    /// Plan code; the current plan when omitted.
    pub plan: Option<String>,
    /// Only entries about this record (its global ID).
    pub record: Option<ID>,
    /// Only this operation (CREATE, UPDATE, SUBMIT, PUBLISH, RETURN, ARCHIVE, OPEN_YEAR,
    /// CLOSE_YEAR, PUBLISH_REPORT, RELINK).
    pub operation: Option<String>,
    /// Only entries written by this token subject.
    pub actor_subject: Option<String>,
}

pub(super) const OPERATIONS: &[&str] = &[
    "CREATE",
    "UPDATE",
    "SUBMIT",
    "PUBLISH",
    "RETURN",
    "ARCHIVE",
    "OPEN_YEAR",
    "CLOSE_YEAR",
    "PUBLISH_REPORT",
    "RELINK",
];
