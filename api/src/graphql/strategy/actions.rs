//! Actions and expected results of the strategic lines.

use async_graphql::{Context, Object};
use entity::{action, expected_result};

use super::{LineScope, StrategicLine};
use crate::error::ApiError;
use crate::graphql::actors::Organization;
use crate::graphql::loaders;
use crate::graphql::scoped::{Scoped, content_object, in_their_plans};
use crate::loaders::{self, many};

/// An action of a strategic line.
pub type Action = Scoped<action::Model>;

impl Action {
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        role: &str,
    ) -> Result<Vec<Organization>, ApiError> {
        let loaders = loaders(ctx)?;
        let links = many::<loaders::LinksOfAction>(loaders, self.row.id).await?;
        let ids: Vec<i32> = links
            .iter()
            .filter(|k| k.role == role)
            .map(|k| k.organization_id)
            .collect();
        let found = loaders::each_of::<loaders::OrganizationById>(loaders, &ids).await?;
        Organization::named_in(loaders, self.row.plan_id, found).await
    }
}

content_object! {
    /// An action of a strategic line.
    #[id = plan_record]
    #[Object]
    impl Action {
        /// Stable code (`LE1.1` … `LE5.1`): the line and the action's number within it.
        code;
        /// The action.
        text title;
        /// The strategic line.
        async fn strategic_line(&self, ctx: &Context<'_>) -> Result<StrategicLine, ApiError> {
            self.parent::<loaders::LineById>(ctx, self.row.line_id).await
        }
        /// The scope of the line the action belongs to, if the line has scopes.
        async fn scope(&self, ctx: &Context<'_>) -> Result<Option<LineScope>, ApiError> {
            match self.row.scope_id {
                Some(scope) => self.related::<loaders::ScopeById>(ctx, scope).await,
                None => Ok(None),
            }
        }
        /// The units responsible for the action.
        #[graphql(complexity = "10 * child_complexity")]
        async fn responsible_units(&self, ctx: &Context<'_>) -> Result<Vec<Organization>, ApiError> {
            self.organizations(ctx, "RESPONSIBLE").await
        }
        /// The actors that must be involved.
        #[graphql(complexity = "10 * child_complexity")]
        async fn involved_actors(&self, ctx: &Context<'_>) -> Result<Vec<Organization>, ApiError> {
            self.organizations(ctx, "INVOLVED").await
        }
        /// The responsible units as the plan words them.
        text responsible_text;
        /// The action's current progress: its latest published progress update.
        async fn current_progress(
            &self,
            ctx: &Context<'_>,
        ) -> Result<Option<crate::graphql::monitoring::ProgressUpdate>, ApiError> {
            crate::graphql::monitoring::current_progress(ctx, &self.row, &self.plan).await
        }
        /// The action's progress updates the caller may see, newest first: the newest 1,000
        /// at most (`progressHistoryConnection` pages through them all).
        #[graphql(
            complexity = "10 * child_complexity",
            deprecation = "Returns at most the newest 1,000 progress updates. Use `progressHistoryConnection`, which pages through all of them with `first`/`after` and gives their `totalCount`."
        )]
        async fn progress_history(
            &self,
            ctx: &Context<'_>,
        ) -> Result<Vec<crate::graphql::monitoring::ProgressUpdate>, ApiError> {
            crate::graphql::monitoring::action_progress(ctx, &self.row, &self.plan).await
        }
        /// The action's progress updates the caller may see, most recently recorded first, a page
        /// at a time.
        #[graphql(complexity = "crate::graphql::list_cost(first, child_complexity)")]
        async fn progress_history_connection(
            &self,
            ctx: &Context<'_>,
            #[graphql(
                desc = "How many to return (default 20, at most the server's page size cap: 100 unless configured)."
            )]
            first: Option<i32>,
            #[graphql(desc = "Return the progress updates after this cursor.")] after: Option<
                String,
            >,
        ) -> Result<crate::graphql::monitoring::ProgressUpdateConnection, ApiError> {
            crate::graphql::monitoring::action_progress_page(ctx, &self.row, &self.plan, first, after)
                .await
        }
        /// The actors to involve as the plan words them (empty when the plan names none).
        text involved_text;
        /// The actions of earlier plans that this action continues, as its plan's data lists
        /// them (their plans' codes are in their IDs and `strategicLine { plan }`).
        #[graphql(complexity = "10 * child_complexity")]
        async fn continues(&self, ctx: &Context<'_>) -> Result<Vec<Action>, ApiError> {
            let links = many::<loaders::ActionContinues>(loaders(ctx)?, self.row.id).await?;
            let ids: Vec<i32> = links.iter().map(|l| l.continues_id).collect();
            in_their_plans::<loaders::ActionById>(ctx, &ids).await
        }
        /// The actions of later plans that continue this one.
        #[graphql(complexity = "10 * child_complexity")]
        async fn continued_by(&self, ctx: &Context<'_>) -> Result<Vec<Action>, ApiError> {
            let links = many::<loaders::ActionContinuedBy>(loaders(ctx)?, self.row.id).await?;
            let ids: Vec<i32> = links.iter().map(|l| l.action_id).collect();
            in_their_plans::<loaders::ActionById>(ctx, &ids).await
        }
    }
}

/// An expected result of a strategic line.
pub type ExpectedResult = Scoped<expected_result::Model>;

content_object! {
    /// An expected result of a strategic line.
    #[id = plan_record]
    #[Object]
    impl ExpectedResult {
        /// Stable code (`LE1.R1` …).
        code;
        /// The result.
        text text;
        /// The strategic line.
        async fn strategic_line(&self, ctx: &Context<'_>) -> Result<StrategicLine, ApiError> {
            self.parent::<loaders::LineById>(ctx, self.row.line_id).await
        }
        /// The expected results of earlier plans that this one continues, as its plan's data
        /// lists them.
        #[graphql(complexity = "10 * child_complexity")]
        async fn continues(&self, ctx: &Context<'_>) -> Result<Vec<ExpectedResult>, ApiError> {
            let links = many::<loaders::ResultContinues>(loaders(ctx)?, self.row.id).await?;
            let ids: Vec<i32> = links.iter().map(|l| l.continues_id).collect();
            in_their_plans::<loaders::ResultById>(ctx, &ids).await
        }
        /// The expected results of later plans that continue this one.
        #[graphql(complexity = "10 * child_complexity")]
        async fn continued_by(&self, ctx: &Context<'_>) -> Result<Vec<ExpectedResult>, ApiError> {
            let links = many::<loaders::ResultContinuedBy>(loaders(ctx)?, self.row.id).await?;
            let ids: Vec<i32> = links.iter().map(|l| l.result_id).collect();
            in_their_plans::<loaders::ResultById>(ctx, &ids).await
        }
    }
}
