//! What is read from monitoring as a whole: reporting years and roll-ups ([`years`]), the
//! annual activity report ([`annual`]) and the audit trail ([`audit`]); the root fields that
//! read them are here.

mod annual;
mod audit;
mod years;

use async_graphql::{Context, Object};

use super::db;
use crate::error::ApiError;
use crate::ids::GlobalId;
use crate::monitoring::RecordKind;
use crate::monitoring::store::{self, AuditQuery};
use crate::policy;

pub use annual::AnnualReportView;
use audit::{AuditEntry, AuditEntryConnection, AuditFilter, OPERATIONS, mentioned_records};
pub use years::{ProgressSummary, ReportingYear};

/// Root fields about monitoring as a whole.
#[derive(Default)]
pub struct ReportQuery;

#[Object]
impl ReportQuery {
    /// The reporting years of a plan.
    #[graphql(complexity = "10 * child_complexity")]
    async fn reporting_years(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Plan code; the current plan when omitted.")] plan: Option<String>,
    ) -> Result<Vec<ReportingYear>, ApiError> {
        let db = db(ctx)?;
        let plan = crate::store::resolve_plan(db, plan.as_deref()).await?;
        Ok(store::reporting_years(db, &plan)
            .await?
            .into_iter()
            .map(ReportingYear)
            .collect())
    }

    /// The annual activity report of a year: the published, frozen one if there is one; else
    /// assembled now from published records.
    async fn annual_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year (a year of the plan).")] year: i32,
        #[graphql(desc = "Plan code; the current plan when omitted.")] plan: Option<String>,
    ) -> Result<AnnualReportView, ApiError> {
        let db = db(ctx)?;
        let plan = crate::store::resolve_plan(db, plan.as_deref()).await?;
        let (report, stored) = crate::monitoring::annual::annual_report(db, &plan, year).await?;
        Ok(match stored {
            Some(stored) => AnnualReportView::frozen(report, stored),
            None => AnnualReportView {
                report,
                published: None,
            },
        })
    }

    /// The audit trail, newest first: coordinators see every entry; areas and municipalities
    /// the entries about their own records.
    #[graphql(complexity = "super::list_cost(first, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<AuditFilter>,
        #[graphql(
            desc = "How many to return (default 20, at most the server's page size cap: 100 unless configured)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Return the entries after this cursor.")] after: Option<String>,
    ) -> Result<AuditEntryConnection, ApiError> {
        let viewer = policy::viewer(ctx);
        let scope = policy::audit_scope(viewer)?;
        let page = super::page(ctx, first, after.as_deref())?;
        let filter = filter.unwrap_or_default();
        let db = db(ctx)?;
        let plan = crate::store::resolve_plan(db, filter.plan.as_deref()).await?;
        let record = match &filter.record {
            None => None,
            Some(id) => {
                let bad = || ApiError::bad_input("filter.record", "not a monitoring record's ID");
                let gid = GlobalId::decode(id).ok_or_else(bad)?;
                let kind = RecordKind::from_type_name(&gid.type_name).ok_or_else(bad)?;
                match store::by_public_id(db, &gid.code).await? {
                    Some(m) => Some((kind.as_str().to_owned(), m.id)),
                    // No such record: no entries.
                    None => return Ok(AuditEntryConnection::new(Vec::new(), page, 0)),
                }
            }
        };
        if let Some(op) = &filter.operation
            && !OPERATIONS.contains(&op.as_str())
        {
            return Err(ApiError::bad_input(
                "filter.operation",
                format!("unknown operation {op:?}"),
            ));
        }
        let q = AuditQuery {
            plan_id: plan.id,
            record,
            operation: filter.operation,
            actor_sub: filter.actor_subject,
        };
        let (rows, total) = store::audit_page(db, &q, &scope, page).await?;
        let mentioned: Vec<i32> = rows.iter().flat_map(mentioned_records).collect();
        let records = std::sync::Arc::new(store::public_ids(db, &mentioned).await?);
        let whole_trail = matches!(scope, store::AuditScope::All);
        Ok(AuditEntryConnection::new(
            rows.into_iter()
                .map(|entry| AuditEntry {
                    sees_actor: policy::sees_audit_actor(viewer, &entry),
                    entry,
                    plan: plan.code.clone(),
                    records: records.clone(),
                    whole_trail,
                })
                .collect(),
            page,
            total,
        ))
    }
}
