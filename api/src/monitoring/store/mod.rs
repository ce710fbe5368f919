//! Reading and writing monitoring records. Every write runs in one transaction that also
//! appends its audit entry; updates are conditional on the version the client read, so two
//! concurrent writers cannot both win.
//!
//! - [`records`]: creating, reading and updating records (with [`idempotency`]: when a create
//!   is the retry of an earlier one);
//! - [`transition`]: review-state changes;
//! - [`query`]: the conditions of a listing and the visibility rules in SQL;
//! - [`latest`]: the latest published record of each action or indicator, found in SQL;
//! - [`years`]: reporting years, opened and closed;
//! - [`audit`]: the audit trail, written with every change and read by page;
//! - [`reports`]: published annual reports;
//! - [`relink`]: links moved when the plan's files rename an item on purpose.

mod audit;
mod idempotency;
mod latest;
mod query;
mod records;
mod relink;
mod reports;
mod transition;
mod years;

use crate::auth::Viewer;

pub use audit::{AuditQuery, AuditScope, audit, audit_page};
pub use latest::{latest_measurements, latest_progress, subject_of};
pub use query::{RecordQuery, all, link_condition, links_of, list, record_condition};
pub use records::{Changes, NewRecord, by_public_id, create, get, links, public_ids, update};
pub use relink::{linking_to, move_links};
pub use reports::{publish_report, published_report};
pub use transition::{Transition, transition};
pub use years::{ensure_reporting_years, reporting_years, set_year_closed, year_closed};

/// Who is writing, and in which request.
#[derive(Clone, Debug)]
pub struct Actor {
    /// The viewer.
    pub viewer: Viewer,
    /// The request's id, recorded in the audit trail.
    pub request_id: String,
}

impl Actor {
    /// The seed, loading the files whose hash is `content_hash` (as an administrator: the
    /// files are the plan's coordinators' own).
    pub fn seed(content_hash: &str) -> Self {
        Actor {
            viewer: Viewer {
                sub: Some("plan-api seed".to_owned()),
                role: crate::auth::Role::Admin,
                unit: None,
                unit_scope: Vec::new(),
                municipality: None,
                expires_at: None,
            },
            request_id: format!("seed:{}", content_hash.get(..16).unwrap_or(content_hash)),
        }
    }
}

/// A link of a record to what it is about: `(target type, code)`.
pub type Link = (String, String);
