//! Progress updates of actions, and their milestones.

use crate::graphql::text_object;
use async_graphql::{Context, Object};

use super::record::{content_by_code, record_type};
use crate::error::ApiError;
use crate::graphql::scalars::Date;
use crate::graphql::strategy::Action;
use crate::loaders::ActionCode;
use crate::monitoring::{ProgressPayload, ProgressStatus};

record_type! {
    /// A progress update of an action for a reporting year.
    ProgressUpdate(ProgressPayload) {
        /// The action.
        async fn action(&self, ctx: &Context<'_>) -> Result<Option<Action>, ApiError> {
            Ok(content_by_code::<ActionCode>(
                ctx,
                self.m.plan_id,
                &self.plan,
                std::slice::from_ref(&self.p.action),
            )
            .await?
            .pop())
        }
        /// Status of the action.
        async fn status(&self) -> ProgressStatus {
            self.p.status
        }
        /// Percent complete, 0-100.
        async fn percent_complete(&self) -> i32 {
            self.p.percent_complete
        }
        /// What was done.
        text narrative;
        /// Milestones.
        async fn milestones(&self) -> Vec<MilestoneView> {
            self.p
                .milestones
                .iter()
                .cloned()
                .map(MilestoneView)
                .collect()
        }
        /// Links to evidence.
        async fn evidence_links(&self) -> &[String] {
            &self.p.evidence_links
        }
    }
    lists |s| ["milestones.text" => s.p.milestones.iter().map(|m| &m.text)]
}

/// A milestone of a progress update.
pub struct MilestoneView(crate::monitoring::Milestone);

text_object! {
    /// A milestone of a progress update.
    #[texts = 0]
    #[Object(name = "Milestone")]
    impl MilestoneView {
        /// When.
        async fn date(&self) -> Date {
            Date(self.0.date)
        }
        /// What.
        text text;
    }
}
