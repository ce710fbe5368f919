//! Projects funded by the EU or another funder.

use async_graphql::Context;

use super::record::{content_by_code, orgs_by_code, record_type};
use crate::error::ApiError;
use crate::graphql::actors::Municipality;
use crate::graphql::scalars::{Date, Decimal};
use crate::graphql::strategy::Action;
use crate::loaders::ActionCode;
use crate::monitoring::{FundedProjectPayload, FundingProgramme, ProjectRole, ProjectStatus};

record_type! {
    /// A project funded by the EU or another funder (strategic line 2).
    FundedProject(FundedProjectPayload) {
        /// Title.
        text title;
        /// Summary.
        text summary;
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
            content_by_code::<ActionCode>(ctx, self.m.plan_id, &self.plan, &self.p.actions).await
        }
        /// The participating municipalities.
        async fn municipalities(&self, ctx: &Context<'_>) -> Result<Vec<Municipality>, ApiError> {
            orgs_by_code(ctx, &self.p.municipalities, Municipality::new).await
        }
    }
}
