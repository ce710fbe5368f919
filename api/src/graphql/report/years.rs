//! Reporting years, and the roll-ups of published progress.

use async_graphql::{Object, SimpleObject};
use entity::reporting_year;

use crate::graphql::monitoring::{IndicatorStatus, ProgressStatus};
use crate::graphql::scalars::DateTime;
use crate::monitoring::report::Rollup;

/// A reporting year of the plan.
pub struct ReportingYear(pub(crate) reporting_year::Model);

/// A reporting year of the plan: open, or closed so that only coordinators change its records.
#[Object]
impl ReportingYear {
    /// The year.
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// Whether it is closed.
    async fn closed(&self) -> bool {
        self.0.closed
    }
    /// When it was closed.
    async fn closed_at(&self) -> Option<DateTime> {
        self.0.closed_at.map(DateTime)
    }
    /// Version, for `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// How many in a status.
#[derive(SimpleObject)]
pub struct StatusCount {
    /// The status.
    pub status: ProgressStatus,
    /// How many actions have it.
    pub count: u64,
}

/// How many indicators in a status.
#[derive(SimpleObject)]
pub struct IndicatorStatusCount {
    /// The status.
    pub status: IndicatorStatus,
    /// How many indicators have it.
    pub count: u64,
}

/// The published state of a set of actions and their indicators.
pub struct ProgressSummary(pub(crate) Rollup);

/// The published state of a set of actions (a strategic line, or the whole plan) and of the
/// indicators measuring them or their expected results.
#[Object]
impl ProgressSummary {
    /// Actions counted.
    async fn actions(&self) -> u64 {
        self.0.actions as u64
    }
    /// Actions with no published progress yet.
    async fn not_reported(&self) -> u64 {
        self.0.not_reported as u64
    }
    /// Actions by the status of their current (latest published) progress.
    async fn by_status(&self) -> Vec<StatusCount> {
        self.0
            .by_status
            .iter()
            .map(|&(status, n)| StatusCount {
                status,
                count: n as u64,
            })
            .collect()
    }
    /// Mean percent complete of the actions with published progress.
    async fn mean_percent_complete(&self) -> Option<f64> {
        self.0.mean_percent_complete
    }
    /// Published indicators by status.
    async fn indicators_by_status(&self) -> Vec<IndicatorStatusCount> {
        self.0
            .indicators_by_status
            .iter()
            .map(|&(status, n)| IndicatorStatusCount {
                status,
                count: n as u64,
            })
            .collect()
    }
}
