//! The root lists of monitoring records.

use async_graphql::{Context, Object};

use super::filter::{MonitoringFilter, record_query};
use super::{Activity, Evaluation, FundedProject, Indicator, ProgressUpdate};
use crate::error::ApiError;
use crate::graphql::db;
use crate::monitoring::RecordKind;
use crate::monitoring::service::Reads;
use crate::pagination::Page;
use crate::policy;
use entity::monitoring_record;

/// A kind of record a root list returns: its kind, how a stored record becomes one, and its
/// connection type.
trait Listed: Sized {
    const KIND: RecordKind;
    type Connection;
    fn node(m: monitoring_record::Model, plan: &str) -> Result<Self, ApiError>;
    fn connection(items: Vec<Self>, page: Page, total: u64) -> Self::Connection;
}

/// One page of the records of kind `T` the caller may see, narrowed by `filter`.
async fn list<T: Listed>(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<String>,
    filter: Option<MonitoringFilter>,
) -> Result<T::Connection, ApiError> {
    let page = crate::graphql::page(ctx, first, after.as_deref())?;
    let (q, plan) = record_query(ctx, T::KIND, filter.unwrap_or_default()).await?;
    let reads = Reads::new(db(ctx)?.clone(), policy::viewer(ctx));
    // Counting every match is the one part of a page that grows with the data: done only
    // when the response has a `totalCount`.
    let count = ctx.look_ahead().field("totalCount").exists();
    let (rows, total) = reads.list(&q, page, count).await?;
    let items = rows
        .into_iter()
        .map(|m| T::node(m, &plan.code))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(T::connection(items, page, total))
}

/// Declares [`MonitoringQuery`], the root lists of monitoring records, one per kind. For each
/// kind,
///
/// ```text
/// /// Activities the caller may see, newest first.    // the field's description
/// activities: Activity(ActivityConnection, ActivityEdge,
///     "A page of activities.", "An activity in a page.");
/// ```
///
/// writes the connection and edge types (with [`crate::connection!`] and those descriptions),
/// the [`Listed`] implementation of the record type, and the field
/// `activities(first: Int, after: String, filter: MonitoringFilter): ActivityConnection!`
/// over [`list`], with the arguments every list shares described once here.
macro_rules! record_lists {
    ($(
        $(#[doc = $doc:tt])*
        $field:ident: $ty:ident($conn:ident, $edge:ident, $conn_doc:literal, $edge_doc:literal);
    )*) => {
        $(
            crate::connection!($conn, $edge, $ty, $conn_doc, $edge_doc);

            impl Listed for $ty {
                const KIND: RecordKind = RecordKind::$ty;
                type Connection = $conn;
                fn node(m: monitoring_record::Model, plan: &str) -> Result<Self, ApiError> {
                    $ty::from_model(m, plan)
                }
                fn connection(items: Vec<Self>, page: Page, total: u64) -> $conn {
                    $conn::new(items, page, total)
                }
            }
        )*

        /// Root fields that read monitoring records.
        #[derive(Default)]
        pub struct MonitoringQuery;

        #[Object]
        impl MonitoringQuery {$(
            $(#[doc = $doc])*
            #[graphql(complexity = "crate::graphql::list_cost(first, child_complexity)")]
            async fn $field(
                &self,
                ctx: &Context<'_>,
                #[graphql(
                    desc = "How many to return (default 20, at most the server's page size cap: 100 unless configured)."
                )]
                first: Option<i32>,
                #[graphql(desc = "Return the records after this cursor.")] after: Option<String>,
                #[graphql(desc = "Narrows the list.")] filter: Option<MonitoringFilter>,
            ) -> Result<$conn, ApiError> {
                list::<$ty>(ctx, first, after, filter).await
            }
        )*}
    };
}

record_lists! {
    /// Activities the caller may see, newest first.
    activities: Activity(ActivityConnection, ActivityEdge,
        "A page of activities.", "An activity in a page.");
    /// Funded projects the caller may see, newest first.
    funded_projects: FundedProject(FundedProjectConnection, FundedProjectEdge,
        "A page of funded projects.", "A funded project in a page.");
    /// Indicators the caller may see.
    indicators: Indicator(IndicatorConnection, IndicatorEdge,
        "A page of indicators.", "An indicator in a page.");
    /// Evaluations the caller may see.
    evaluations: Evaluation(EvaluationConnection, EvaluationEdge,
        "A page of evaluations.", "An evaluation in a page.");
    /// Progress updates the caller may see, newest first.
    progress_updates: ProgressUpdate(ProgressUpdateConnection, ProgressUpdateEdge,
        "A page of progress updates.", "A progress update in a page.");
}
