//! Strategic lines and their scopes.

use async_graphql::{Context, Object};
use entity::{line_scope, strategic_line};

use super::{Action, ExpectedResult, FormContribution, SummaryRow};
use crate::error::ApiError;
use crate::graphql::geography::ZoneLine;
use crate::graphql::loaders;
use crate::graphql::plan::Plan;
use crate::graphql::scoped::{Scoped, content_object, in_their_plans};
use crate::loaders::{self, many, one};

/// A strategic line of the plan.
pub type StrategicLine = Scoped<strategic_line::Model>;

content_object! {
    /// A strategic line of the plan.
    #[id = plan_record]
    #[Object]
    impl StrategicLine {
        /// Stable code (`LE1`-`LE5`).
        code;
        /// Number of the line.
        async fn number(&self) -> i32 {
            self.row.position
        }
        /// Name.
        text title;
        /// Description: the line's introductory text.
        text description;
        /// The plan.
        async fn plan(&self, ctx: &Context<'_>) -> Result<Plan, ApiError> {
            one::<loaders::PlanById>(loaders(ctx)?, self.row.plan_id)
                .await?
                .map(Plan::of)
                .ok_or(ApiError::Internal)
        }
        /// Scopes of the line (only LE1 has them: EU, Euro-Mediterranean, UN and multilateral).
        #[graphql(complexity = "10 * child_complexity")]
        async fn scopes(&self, ctx: &Context<'_>) -> Result<Vec<LineScope>, ApiError> {
            self.children::<loaders::ScopesOfLine>(ctx, self.row.id).await
        }
        /// The line's actions, in document order.
        #[graphql(complexity = "10 * child_complexity")]
        async fn actions(&self, ctx: &Context<'_>) -> Result<Vec<Action>, ApiError> {
            self.children::<loaders::ActionsOfLine>(ctx, self.row.id).await
        }
        /// The line's expected results.
        #[graphql(complexity = "10 * child_complexity")]
        async fn expected_results(&self, ctx: &Context<'_>) -> Result<Vec<ExpectedResult>, ApiError> {
            self.children::<loaders::ResultsOfLine>(ctx, self.row.id).await
        }
        /// The strategic lines of earlier plans that this line continues, as its plan's data
        /// lists them.
        #[graphql(complexity = "10 * child_complexity")]
        async fn continues(&self, ctx: &Context<'_>) -> Result<Vec<StrategicLine>, ApiError> {
            let links = many::<loaders::LineContinues>(loaders(ctx)?, self.row.id).await?;
            let ids: Vec<i32> = links.iter().map(|l| l.continues_id).collect();
            in_their_plans::<loaders::LineById>(ctx, &ids).await
        }
        /// The strategic lines of later plans that continue this one.
        #[graphql(complexity = "10 * child_complexity")]
        async fn continued_by(&self, ctx: &Context<'_>) -> Result<Vec<StrategicLine>, ApiError> {
            let links = many::<loaders::LineContinuedBy>(loaders(ctx)?, self.row.id).await?;
            let ids: Vec<i32> = links.iter().map(|l| l.line_id).collect();
            in_their_plans::<loaders::LineById>(ctx, &ids).await
        }
        /// The geographic zones where the line applies, and how.
        async fn zones(&self, ctx: &Context<'_>) -> Result<Vec<ZoneLine>, ApiError> {
            self.children::<loaders::ZonesOfLine>(ctx, self.row.id).await
        }
        /// What each form of intervention contributes to the line.
        #[graphql(complexity = "10 * child_complexity")]
        async fn contributions(&self, ctx: &Context<'_>) -> Result<Vec<FormContribution>, ApiError> {
            self.children::<loaders::ContributionsToLine>(ctx, self.row.id).await
        }
        /// The published state of the line's actions and indicators.
        async fn progress_summary(
            &self,
            ctx: &Context<'_>,
        ) -> Result<crate::graphql::report::ProgressSummary, ApiError> {
            let loaders = loaders(ctx)?;
            let actions: Vec<String> = many::<loaders::ActionsOfLine>(loaders, self.row.id)
                .await?
                .into_iter()
                .map(|a| a.code.clone())
                .collect();
            let results: Vec<String> = many::<loaders::ResultsOfLine>(loaders, self.row.id)
                .await?
                .into_iter()
                .map(|r| r.code.clone())
                .collect();
            let published = crate::graphql::monitoring::published(ctx, self.row.plan_id).await?;
            Ok(crate::graphql::report::ProgressSummary(
                crate::monitoring::report::rollup(&published, &actions, &results),
            ))
        }
        /// The line's row of the closing summary table.
        async fn summary(&self, ctx: &Context<'_>) -> Result<Option<SummaryRow>, ApiError> {
            self.related::<loaders::SummaryOfLine>(ctx, self.row.id).await
        }
    }
}

/// A scope within a strategic line.
pub type LineScope = Scoped<line_scope::Model>;

content_object! {
    /// A scope within a strategic line.
    #[id = plan_record]
    #[Object]
    impl LineScope {
        /// Stable code (`LE1-EU`, `LE1-MED`, `LE1-UN`).
        code;
        /// Name.
        text title;
        /// Description.
        text description;
        /// The strategic line.
        async fn strategic_line(&self, ctx: &Context<'_>) -> Result<StrategicLine, ApiError> {
            self.parent::<loaders::LineById>(ctx, self.row.line_id).await
        }
        /// The scope's actions.
        #[graphql(complexity = "10 * child_complexity")]
        async fn actions(&self, ctx: &Context<'_>) -> Result<Vec<Action>, ApiError> {
            self.children::<loaders::ActionsOfScope>(ctx, self.row.id).await
        }
    }
}
