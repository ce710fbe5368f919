//! The root lists of monitoring records.

use async_graphql::{Context, Object};

use super::super::db;
use super::filter::{MonitoringFilter, record_query};
use super::{Activity, Evaluation, FundedProject, Indicator, ProgressUpdate};
use crate::error::ApiError;
use crate::monitoring::RecordKind;
use crate::monitoring::store;
use crate::policy;

crate::connection!(
    ActivityConnection,
    ActivityEdge,
    Activity,
    "A page of activities.",
    "An activity in a page."
);
crate::connection!(
    FundedProjectConnection,
    FundedProjectEdge,
    FundedProject,
    "A page of funded projects.",
    "A funded project in a page."
);
crate::connection!(
    IndicatorConnection,
    IndicatorEdge,
    Indicator,
    "A page of indicators.",
    "An indicator in a page."
);
crate::connection!(
    EvaluationConnection,
    EvaluationEdge,
    Evaluation,
    "A page of evaluations.",
    "An evaluation in a page."
);
crate::connection!(
    ProgressUpdateConnection,
    ProgressUpdateEdge,
    ProgressUpdate,
    "A page of progress updates.",
    "A progress update in a page."
);

/// Root fields that read monitoring records.
#[derive(Default)]
pub struct MonitoringQuery;

macro_rules! list_field {
    ($self:ident, $ctx:ident, $first:ident, $after:ident, $filter:ident, $kind:expr, $ty:ident, $conn:ident) => {{
        let page = super::super::page($ctx, $first, $after.as_deref())?;
        let (q, plan) = record_query($ctx, $kind, $filter.unwrap_or_default()).await?;
        let vis = policy::visibility(policy::viewer($ctx));
        let (rows, total) = store::list(db($ctx)?, &q, &vis, page).await?;
        let items = rows
            .into_iter()
            .map(|m| $ty::from_model(m, &plan.code))
            .collect::<Result<Vec<_>, _>>()?;
        Ok($conn::new(items, page, total))
    }};
}

#[Object]
impl MonitoringQuery {
    /// Activities the caller may see, newest first.
    #[graphql(complexity = "super::super::list_cost(first, child_complexity)")]
    async fn activities(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "How many to return (default 20, at most the server's page size cap: 100 unless configured)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Return the records after this cursor.")] after: Option<String>,
        #[graphql(desc = "Narrows the list.")] filter: Option<MonitoringFilter>,
    ) -> Result<ActivityConnection, ApiError> {
        list_field!(
            self,
            ctx,
            first,
            after,
            filter,
            RecordKind::Activity,
            Activity,
            ActivityConnection
        )
    }
    /// Funded projects the caller may see, newest first.
    #[graphql(complexity = "super::super::list_cost(first, child_complexity)")]
    async fn funded_projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "How many to return (default 20, at most the server's page size cap: 100 unless configured)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Return the records after this cursor.")] after: Option<String>,
        #[graphql(desc = "Narrows the list.")] filter: Option<MonitoringFilter>,
    ) -> Result<FundedProjectConnection, ApiError> {
        list_field!(
            self,
            ctx,
            first,
            after,
            filter,
            RecordKind::FundedProject,
            FundedProject,
            FundedProjectConnection
        )
    }
    /// Indicators the caller may see.
    #[graphql(complexity = "super::super::list_cost(first, child_complexity)")]
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "How many to return (default 20, at most the server's page size cap: 100 unless configured)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Return the records after this cursor.")] after: Option<String>,
        #[graphql(desc = "Narrows the list.")] filter: Option<MonitoringFilter>,
    ) -> Result<IndicatorConnection, ApiError> {
        list_field!(
            self,
            ctx,
            first,
            after,
            filter,
            RecordKind::Indicator,
            Indicator,
            IndicatorConnection
        )
    }
    /// Evaluations the caller may see.
    #[graphql(complexity = "super::super::list_cost(first, child_complexity)")]
    async fn evaluations(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "How many to return (default 20, at most the server's page size cap: 100 unless configured)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Return the records after this cursor.")] after: Option<String>,
        #[graphql(desc = "Narrows the list.")] filter: Option<MonitoringFilter>,
    ) -> Result<EvaluationConnection, ApiError> {
        list_field!(
            self,
            ctx,
            first,
            after,
            filter,
            RecordKind::Evaluation,
            Evaluation,
            EvaluationConnection
        )
    }
    /// Progress updates the caller may see, newest first.
    #[graphql(complexity = "super::super::list_cost(first, child_complexity)")]
    async fn progress_updates(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "How many to return (default 20, at most the server's page size cap: 100 unless configured)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Return the records after this cursor.")] after: Option<String>,
        #[graphql(desc = "Narrows the list.")] filter: Option<MonitoringFilter>,
    ) -> Result<ProgressUpdateConnection, ApiError> {
        list_field!(
            self,
            ctx,
            first,
            after,
            filter,
            RecordKind::ProgressUpdate,
            ProgressUpdate,
            ProgressUpdateConnection
        )
    }
}
