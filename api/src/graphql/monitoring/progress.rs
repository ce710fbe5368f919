//! Progress updates of actions, and their milestones.

use async_graphql::{Context, Object};

use super::super::scalars::Date;
use super::super::strategy::Action;
use super::super::tr;
use super::record::{actions_by_code, localized, record_type};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::monitoring::{ProgressPayload, ProgressStatus};

record_type!(
    ProgressUpdate,
    ProgressPayload,
    "A progress update of an action for a reporting year.",
    {
        /// The action.
        async fn action(&self, ctx: &Context<'_>) -> Result<Option<Action>, ApiError> {
            Ok(actions_by_code(
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
        async fn narrative(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Language of the text; defaults to the request's language.")]
            lang: Option<Lang>,
        ) -> String {
            tr(ctx, &self.p.narrative, lang)
        }
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
);

/// A milestone of a progress update.
pub struct MilestoneView(crate::monitoring::Milestone);

/// A milestone of a progress update.
#[Object(name = "Milestone")]
impl MilestoneView {
    /// When.
    async fn date(&self) -> Date {
        Date(self.0.date)
    }
    /// What.
    async fn text(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.text, lang)
    }
}

localized!(ProgressUpdate, |s| ["narrative" => &s.p.narrative], lists: ["milestones.text" => s.p.milestones.iter().map(|m| &m.text)]);
