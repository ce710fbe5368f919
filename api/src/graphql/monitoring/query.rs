//! The root lists of monitoring records.

use async_graphql::{Context, Object};

use super::super::db;
use super::filter::{MonitoringFilter, record_query};
use super::{Activity, Evaluation, FundedProject, Indicator, ProgressUpdate};
use crate::error::ApiError;
use crate::monitoring::RecordKind;
use crate::monitoring::service::Reads;
use crate::pagination::Page;
use crate::policy;
use entity::monitoring_record;

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

/// A kind of record a root list returns: its kind, how a stored record becomes one, and its
/// connection type.
trait Listed: Sized {
    const KIND: RecordKind;
    type Connection;
    fn node(m: monitoring_record::Model, plan: &str) -> Result<Self, ApiError>;
    fn connection(items: Vec<Self>, page: Page, total: u64) -> Self::Connection;
}

macro_rules! listed {
    ($ty:ident, $kind:ident, $conn:ident) => {
        impl Listed for $ty {
            const KIND: RecordKind = RecordKind::$kind;
            type Connection = $conn;
            fn node(m: monitoring_record::Model, plan: &str) -> Result<Self, ApiError> {
                $ty::from_model(m, plan)
            }
            fn connection(items: Vec<Self>, page: Page, total: u64) -> $conn {
                $conn::new(items, page, total)
            }
        }
    };
}

listed!(Activity, Activity, ActivityConnection);
listed!(FundedProject, FundedProject, FundedProjectConnection);
listed!(Indicator, Indicator, IndicatorConnection);
listed!(Evaluation, Evaluation, EvaluationConnection);
listed!(ProgressUpdate, ProgressUpdate, ProgressUpdateConnection);

/// One page of the records of kind `T` the caller may see, narrowed by `filter`.
async fn list<T: Listed>(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<String>,
    filter: Option<MonitoringFilter>,
) -> Result<T::Connection, ApiError> {
    let page = super::super::page(ctx, first, after.as_deref())?;
    let (q, plan) = record_query(ctx, T::KIND, filter.unwrap_or_default()).await?;
    let reads = Reads::new(db(ctx)?.clone(), policy::viewer(ctx));
    let (rows, total) = reads.list(&q, page).await?;
    let items = rows
        .into_iter()
        .map(|m| T::node(m, &plan.code))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(T::connection(items, page, total))
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
        list::<Activity>(ctx, first, after, filter).await
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
        list::<FundedProject>(ctx, first, after, filter).await
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
        list::<Indicator>(ctx, first, after, filter).await
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
        list::<Evaluation>(ctx, first, after, filter).await
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
        list::<ProgressUpdate>(ctx, first, after, filter).await
    }
}
