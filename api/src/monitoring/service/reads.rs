//! The one way monitoring records and the change feed are read for a caller: the read
//! counterpart of [`Service`](super::Service). [`Reads::new`] asks the policy once what the
//! viewer may see ([`policy::visibility`]) and every method applies it, so no read site
//! computes or forgets the rule itself. The GraphQL lists, `node`, the linked-record loader,
//! the change feed and the downloads all read through here.

use entity::monitoring_record;
use sea_orm::{Condition, DatabaseConnection};

use crate::auth::Viewer;
use crate::error::ApiError;
use crate::events::feed;
use crate::monitoring::Visibility;
use crate::monitoring::store::{self, RecordQuery};
use crate::pagination::Page;
use crate::policy;

/// Reads monitoring records and changes as one viewer may see them.
#[derive(Clone)]
pub struct Reads {
    db: DatabaseConnection,
    visibility: Visibility,
}

impl Reads {
    /// Reads as `viewer` may.
    pub fn new(db: DatabaseConnection, viewer: &Viewer) -> Self {
        Self {
            db,
            visibility: policy::visibility(viewer),
        }
    }

    /// Reads as an anonymous caller may (the downloads, which are public).
    pub fn anonymous(db: DatabaseConnection) -> Self {
        Self::new(db, &Viewer::anonymous())
    }

    /// What the viewer may see, for a key that batches reads by it (the linked-record loader).
    pub fn visibility(&self) -> &Visibility {
        &self.visibility
    }

    /// Whether the viewer may see `record` (one loaded by id, or named by a global ID).
    pub fn sees(&self, record: &monitoring_record::Model) -> bool {
        self.visibility.sees(record)
    }

    /// The SQL condition of the records matching `q` that the viewer may see.
    pub fn condition(&self, q: &RecordQuery) -> Condition {
        store::record_condition(q, &self.visibility)
    }

    /// One page of the records matching `q` that the viewer may see, newest first, and how
    /// many there are in all (when `count` is false, only whether more follow: see
    /// [`store::list`]).
    pub async fn list(
        &self,
        q: &RecordQuery,
        page: Page,
        count: bool,
    ) -> Result<(Vec<monitoring_record::Model>, u64), ApiError> {
        store::list(&self.db, q, &self.visibility, page, count).await
    }

    /// Every record matching `q` that the viewer may see, oldest first.
    pub async fn all(&self, q: &RecordQuery) -> Result<Vec<monitoring_record::Model>, ApiError> {
        store::all(&self.db, q, &self.visibility).await
    }

    /// The position in the change feed of `cursor`, as far as the viewer may see; a cursor it
    /// may not use is a problem of argument `field`.
    pub async fn change_cursor(&self, cursor: &str, field: &str) -> Result<i32, ApiError> {
        feed::resolve_cursor(&self.db, &self.visibility, cursor, field).await
    }

    /// The changes after `after` that the viewer may see, at most `limit`, numbered, and
    /// whether more follow.
    pub async fn changes(
        &self,
        after: i32,
        limit: u64,
        selection: feed::Selection<'_>,
    ) -> Result<(Vec<feed::Numbered>, bool), ApiError> {
        feed::numbered_page(&self.db, &self.visibility, after, limit, selection).await
    }

    /// The viewer's numbering of the change feed up to position `at`.
    pub async fn numbering_at(&self, at: i32) -> Result<feed::Numbering, ApiError> {
        feed::Numbering::at(&self.db, &self.visibility, at).await
    }
}
