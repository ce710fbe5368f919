//! Projects funded by the EU or another funder.

use std::sync::Arc;

use async_graphql::Context;

use super::super::actors::Municipality;
use super::super::scalars::{Date, Decimal};
use super::super::strategy::Action;
use super::super::tr;
use super::record::{actions_by_code, localized, orgs_by_code, record_type};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::monitoring::{FundedProjectPayload, FundingProgramme, ProjectRole, ProjectStatus};

record_type!(
    FundedProject,
    FundedProjectPayload,
    "A project funded by the EU or another funder (strategic line 2).",
    {
        /// Title.
        async fn title(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Language of the text; defaults to the request's language.")]
            lang: Option<Lang>,
        ) -> String {
            tr(ctx, &self.p.title, lang)
        }
        /// Summary.
        async fn summary(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Language of the text; defaults to the request's language.")]
            lang: Option<Lang>,
        ) -> String {
            tr(ctx, &self.p.summary, lang)
        }
        /// Funding programme.
        async fn programme(&self) -> FundingProgramme {
            self.p.programme
        }
        /// The AMB's role.
        async fn role(&self) -> ProjectRole {
            self.p.role
        }
        /// Total budget, in EUR.
        async fn total_budget(&self) -> Decimal {
            Decimal(self.p.total_budget)
        }
        /// Grant, in EUR.
        async fn grant_amount(&self) -> Decimal {
            Decimal(self.p.grant_amount)
        }
        /// Start of the project.
        async fn start_date(&self) -> Date {
            Date(self.p.start_date)
        }
        /// End of the project.
        async fn end_date(&self) -> Option<Date> {
            self.p.end_date.map(Date)
        }
        /// Status.
        async fn status(&self) -> ProjectStatus {
            self.p.status
        }
        /// Whether it continued after the EU funding ended (null until known).
        async fn continued_after_funding(&self) -> Option<bool> {
            self.p.continued_after_funding
        }
        /// Links to more information.
        async fn links(&self) -> &[String] {
            &self.p.links
        }
        /// The actions it serves.
        async fn actions(&self, ctx: &Context<'_>) -> Result<Vec<Action>, ApiError> {
            actions_by_code(ctx, self.m.plan_id, &self.plan, &self.p.actions).await
        }
        /// The participating municipalities.
        async fn municipalities(&self, ctx: &Context<'_>) -> Result<Vec<Municipality>, ApiError> {
            Ok(orgs_by_code(ctx, &self.p.municipalities)
                .await?
                .into_iter()
                .map(|m| Municipality::new(Arc::new(m)))
                .collect())
        }
    }
);

localized!(FundedProject, |s| ["title" => &s.p.title, "summary" => &s.p.summary]);
