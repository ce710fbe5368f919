//! Monitoring records in the public schema: their types, the common fields every record has,
//! and the lists and filters that read them.
//!
//! - [`record`]: what every record type has (the `record_type!` macro, the reporter, the
//!   `MonitoringRecord` interface);
//! - one file per kind: [`progress`], [`activity`], [`funded_project`], [`indicator`] (with
//!   its measurements), [`evaluation`];
//! - [`filter`] and [`query`]: the root lists and the filter they share;
//! - [`nested`]: the lists reached from other objects (an action's progress, a
//!   municipality's activities); [`published`]: the published records, once per request.

mod activity;
mod evaluation;
mod filter;
mod funded_project;
mod indicator;
mod nested;
mod progress;
mod published;
mod query;
mod record;

pub use activity::Activity;
pub use evaluation::Evaluation;
pub use funded_project::FundedProject;
pub use indicator::{Indicator, Measurement};
pub(crate) use nested::{
    Wrap, action_progress, action_progress_page, current_progress, linked_page, municipality_key,
    municipality_records,
};
pub use progress::ProgressUpdate;
pub(crate) use published::published;
pub use published::published_cache;
pub use query::{
    ActivityConnection, FundedProjectConnection, MonitoringQuery, ProgressUpdateConnection,
};
pub use record::{MonitoringRecord, Reporter};

pub use crate::monitoring::{
    ActivityKind, FundingProgramme, IndicatorStatus, ProgressStatus, ProjectRole, ProjectStatus,
    ReviewState,
};
