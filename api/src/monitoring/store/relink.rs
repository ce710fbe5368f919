//! Links moved by the seed when the plan's files change an item's code on purpose
//! (`renames.toml`): each record's links (in their order) and the codes its fields hold move
//! to the new code, audited as `RELINK` with the record before and after. The record's version,
//! state and owner stay: its reporter changed nothing.

use entity::{monitoring_record, record_link};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Select, Set,
};
use serde_json::Value;

use super::latest::subject_of;
use super::records::{links, snapshot};
use super::{Actor, audit::audit_change};
use crate::error::ApiError;

/// The records of plan `plan_id` that link to `target_type` `code`: what a code's change
/// moves (here) and what the seed names when it refuses to drop the code.
pub fn linking_to(
    plan_id: i32,
    target_type: &str,
    code: &str,
) -> Select<monitoring_record::Entity> {
    let linking = record_link::Entity::find()
        .select_only()
        .column(record_link::Column::RecordId)
        .filter(record_link::Column::TargetType.eq(target_type))
        .filter(record_link::Column::TargetCode.eq(code))
        .into_query();
    monitoring_record::Entity::find()
        .filter(monitoring_record::Column::PlanId.eq(plan_id))
        .filter(monitoring_record::Column::Id.in_subquery(linking))
}

/// Moves the links of plan `plan_id`'s records from `target_type` `from` to `to`; returns how
/// many records moved.
pub async fn move_links(
    txn: &DatabaseTransaction,
    actor: &Actor,
    plan_id: i32,
    target_type: &str,
    from: &str,
    to: &str,
) -> Result<usize, ApiError> {
    let records = linking_to(plan_id, target_type, from)
        .order_by_asc(monitoring_record::Column::Id)
        .all(txn)
        .await?;
    for m in &records {
        let before = snapshot(m, &links(txn, m.id).await?);
        let mut payload = m.payload.clone();
        let moved = rename_in_payload(&mut payload, target_type, from, to);
        let m = if moved {
            let mut am = m.clone().into_active_model();
            // An update's subject is the action it names: it moves with the code.
            am.subject = Set(subject_of(m.record_type.parse()?, &payload));
            am.payload = Set(payload);
            &am.update(txn).await?
        } else {
            m
        };
        record_link::Entity::update_many()
            .col_expr(record_link::Column::TargetCode, Expr::value(to))
            .filter(record_link::Column::RecordId.eq(m.id))
            .filter(record_link::Column::TargetType.eq(target_type))
            .filter(record_link::Column::TargetCode.eq(from))
            .exec(txn)
            .await?;
        let after = snapshot(m, &links(txn, m.id).await?);
        audit_change(txn, actor, m, "RELINK", before, after).await?;
    }
    Ok(records.len())
}

/// The payload fields (as stored) that hold codes of `target_type`.
fn fields(target_type: &str) -> &'static [&'static str] {
    match target_type {
        "ACTION" => &["action", "actions"],
        "EXPECTED_RESULT" => &["expected_result"],
        "ZONE" => &["zones"],
        "PARTNER" => &["partners"],
        "ORGANIZATION" => &["organizations"],
        "MUNICIPALITY" => &["municipalities"],
        // Lines are never named by a payload: a record reaches them through its actions.
        _ => &[],
    }
}

/// Rewrites `from` as `to` in the fields of `payload` that hold codes of `target_type`;
/// whether any did.
fn rename_in_payload(payload: &mut Value, target_type: &str, from: &str, to: &str) -> bool {
    let mut moved = false;
    let Value::Object(map) = payload else {
        return false;
    };
    for field in fields(target_type) {
        let codes: Vec<&mut Value> = match map.get_mut(*field) {
            Some(Value::Array(items)) => items.iter_mut().collect(),
            Some(v @ Value::String(_)) => vec![v],
            _ => Vec::new(),
        };
        for code in codes {
            if code.as_str() == Some(from) {
                *code = Value::String(to.to_owned());
                moved = true;
            }
        }
    }
    moved
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::rename_in_payload;

    #[test]
    fn codes_move_in_single_and_list_fields_only() {
        let mut p = json!({ "action": "LE1.3", "actions": ["LE1.2", "LE1.3"],
                            "narrative": { "es": "LE1.3" } });
        assert!(rename_in_payload(&mut p, "ACTION", "LE1.3", "LE1.31"));
        assert_eq!(
            p,
            json!({ "action": "LE1.31", "actions": ["LE1.2", "LE1.31"],
                    "narrative": { "es": "LE1.3" } })
        );
        assert!(!rename_in_payload(&mut p, "LINE", "LE1", "LE9"));
    }
}
