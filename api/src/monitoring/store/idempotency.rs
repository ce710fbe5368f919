//! Whether a create request is the retry of an earlier one under the same idempotency key.

use entity::monitoring_record;
use serde_json::{Value, json};

use super::Actor;
use super::records::NewRecord;

/// Who a create request is made by and for: the whole principal (role, unit, municipality
/// and subject of the token, and the owner the record gets), not the subject alone. Two tokens
/// may share a `sub` and differ in their unit or INE code; each must be a stranger to the
/// other's idempotency keys.
pub(super) fn principal(actor: &Actor, new: &NewRecord) -> Value {
    let v = &actor.viewer;
    json!([
        v.role.claim().unwrap_or("anonymous"),
        v.unit,
        v.municipality,
        v.sub,
        new.owner_unit,
        new.owner_municipality
    ])
}

/// A hash of a create request; with `principal`, of who made it too. Without it, the hash
/// that records created before the principal was hashed carry.
pub(super) fn hash_request(new: &NewRecord, principal: Option<&Value>) -> String {
    let content = json!([
        new.record_type.as_str(),
        new.code,
        new.year,
        new.payload,
        new.links,
        new.state.as_str()
    ]);
    let text = match principal {
        Some(p) => format!("v2:{}:{content}", p),
        None => content.to_string(),
    };
    // FNV-1a: only tells a retry from a different request under the same key.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let hex = format!("{h:016x}");
    if principal.is_some() {
        format!("v2:{hex}")
    } else {
        hex
    }
}

/// Whether `found`, the record an earlier request created under the same key, answers this
/// request: same content, same principal.
pub(super) fn is_retry(found: &monitoring_record::Model, actor: &Actor, new: &NewRecord) -> bool {
    let v = &actor.viewer;
    let same_owner = found.owner_sub == v.sub.clone().unwrap_or_default()
        && found.owner_role == v.role.claim().unwrap_or("anonymous")
        && found.owner_unit == new.owner_unit
        && found.owner_municipality == new.owner_municipality;
    let hash = found.request_hash.as_deref();
    let same_request = hash == Some(hash_request(new, Some(&principal(actor, new))).as_str())
        // Created before the principal was part of the hash: the owner columns stand in.
        || hash == Some(hash_request(new, None).as_str());
    same_owner && same_request && found.record_type == new.record_type.as_str()
}
