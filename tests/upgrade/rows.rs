//! The rows of the previous release's tables as its code filled them: who acted (as it read a
//! token), monitoring records, events, review steps, and the request hash of a create.

use serde_json::{Value, json};

use super::previous_release::PLAN;

/// Who acted, as that release read it from a token (the test server's subjects).
#[derive(Clone, Copy)]
pub struct Actor {
    pub sub: &'static str,
    pub role: &'static str,
    pub unit: Option<&'static str>,
    pub municipality: Option<&'static str>,
}

/// The International Relations Service, as `common::SRI`'s token says.
pub const SRI: Actor = Actor {
    sub: "test-area",
    role: "area",
    unit: Some("AMB-SRI"),
    municipality: None,
};
/// L'Hospitalet de Llobregat, as `common::HOSPITALET`'s token says.
pub const HOSPITALET: Actor = Actor {
    sub: "test-municipality",
    role: "municipality",
    unit: None,
    municipality: Some("08101"),
};
/// A coordinator.
pub const ADMIN: Actor = Actor {
    sub: "test-admin",
    role: "admin",
    unit: None,
    municipality: None,
};

impl Actor {
    /// The owner a record gets: an area's unit, a municipality, or nobody.
    pub fn owner(self) -> (Option<&'static str>, Option<&'static str>) {
        match self.role {
            "area" => (self.unit, None),
            "municipality" => (None, self.municipality),
            _ => (None, None),
        }
    }
}

/// A monitoring record as written.
#[derive(Clone, Debug)]
pub struct Record {
    pub id: i32,
    pub public_id: String,
    pub record_type: &'static str,
    pub code: Option<String>,
    pub year: Option<i32>,
    pub state: &'static str,
    pub version: i32,
    pub payload: Value,
    pub links: Vec<(String, String)>,
    pub review_comment: Option<Value>,
    pub owner: (Option<&'static str>, Option<&'static str>),
}

impl Record {
    /// Its GraphQL type, as the release named it in events and global IDs.
    pub fn type_name(&self) -> &'static str {
        match self.record_type {
            "PROGRESS_UPDATE" => "ProgressUpdate",
            "ACTIVITY" => "Activity",
            "FUNDED_PROJECT" => "FundedProject",
            "INDICATOR" => "Indicator",
            "MEASUREMENT" => "Measurement",
            _ => "Evaluation",
        }
    }

    /// Its global ID: URL-safe base64 of `Type:PLAN/public id`.
    pub fn node_id(&self) -> String {
        global_id(&format!("{}:{PLAN}/{}", self.type_name(), self.public_id))
    }

    /// The record as the audit trail kept it.
    pub fn snapshot(&self) -> Value {
        json!({
            "id": self.id, "type": self.record_type, "code": self.code, "year": self.year,
            "state": self.state, "version": self.version, "payload": self.payload,
            "reviewComment": self.review_comment, "links": self.links,
        })
    }
}

/// URL-safe base64 without padding, as global IDs are.
pub fn global_id(key: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key)
}

/// An event as written: what the feed must give back.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub event_type: &'static str,
    pub node_id: String,
    pub public: bool,
    pub owner: (Option<&'static str>, Option<&'static str>),
}

/// A review step of that release.
#[derive(Clone, Copy)]
pub enum Step {
    Publish,
    Return,
    Archive,
}

/// The release's request hash: FNV-1a of the principal and the request, `v2:`-prefixed.
pub fn fnv(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("v2:{h:016x}")
}
