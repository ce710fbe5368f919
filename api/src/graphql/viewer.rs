//! `viewer`: who the caller is and what it may do; and the operational data only some may read.

use std::sync::Arc;

use async_graphql::{Context, Enum, Object, SimpleObject};

use super::actors::{Municipality, Organization};
use super::db;
use super::scalars::DateTime;
use crate::auth::{Role, Viewer as AuthViewer};
use crate::error::ApiError;
use crate::monitoring::service::targets::{self, About};
use crate::policy::{self, Operation, PolicyGuard, Target};
use crate::store;

/// Root fields about the caller and operations.
#[derive(Default)]
pub struct ViewerQuery;

#[Object]
impl ViewerQuery {
    /// Who the caller is (from its bearer token; anonymous without one) and what it may do.
    async fn viewer(&self, ctx: &Context<'_>) -> ViewerInfo {
        ViewerInfo(policy::viewer(ctx).clone())
    }

    /// What the seed last loaded for each plan. Readers and admins only.
    #[graphql(guard = "PolicyGuard(Operation::ReadOperationalData)")]
    async fn data_loads(&self, ctx: &Context<'_>) -> Result<Vec<DataLoad>, ApiError> {
        Ok(store::seed_states(db(ctx)?)
            .await?
            .into_iter()
            .map(|s| DataLoad {
                plan_code: s.plan_code,
                content_hash: s.content_hash,
                loaded_at: DateTime(s.loaded_at),
            })
            .collect())
    }
}

/// What the seed last loaded for a plan.
#[derive(SimpleObject)]
pub struct DataLoad {
    /// The plan's code.
    pub plan_code: String,
    /// Hash of the data files loaded.
    pub content_hash: String,
    /// When they were loaded.
    pub loaded_at: DateTime,
}

/// The caller's role.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum ViewerRole {
    /// No token: reads what is published.
    Anonymous,
    /// An internal AMB system: reads everything, writes nothing.
    Reader,
    /// An AMB area or service: reports on the actions its unit leads.
    Area,
    /// A municipality: reports its own contributions.
    Municipality,
    /// The plan's coordinators: see and do everything.
    Admin,
}

/// The caller.
pub struct ViewerInfo(AuthViewer);

/// The caller.
#[Object(name = "Viewer")]
impl ViewerInfo {
    /// Whether the request carried a valid token.
    async fn authenticated(&self) -> bool {
        self.0.role != Role::Anonymous
    }
    /// The token's subject.
    async fn subject(&self) -> Option<&str> {
        self.0.sub.as_deref()
    }
    /// The role.
    async fn role(&self) -> ViewerRole {
        match self.0.role {
            Role::Anonymous => ViewerRole::Anonymous,
            Role::Reader => ViewerRole::Reader,
            Role::Area => ViewerRole::Area,
            Role::Municipality => ViewerRole::Municipality,
            Role::Admin => ViewerRole::Admin,
        }
    }
    /// For an area: its AMB area or service.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Organization>, ApiError> {
        let Some(code) = &self.0.unit else {
            return Ok(None);
        };
        Ok(store::organization_by_code(db(ctx)?, code)
            .await?
            .map(|m| Organization::new(Arc::new(m))))
    }
    /// For a municipality: which one.
    async fn municipality(&self, ctx: &Context<'_>) -> Result<Option<Municipality>, ApiError> {
        let Some(ine) = &self.0.municipality else {
            return Ok(None);
        };
        Ok(store::municipality(db(ctx)?, ine)
            .await?
            .map(|m| Municipality::new(Arc::new(m))))
    }
    /// When the token expires.
    async fn expires_at(&self) -> Option<DateTime> {
        self.0.expires_at.map(DateTime)
    }
    /// What the caller may do.
    async fn can(&self) -> Permissions {
        Permissions(self.0.clone())
    }
}

/// What the caller may do, read from the access policy. Without an argument a field says
/// whether the caller may do the operation on some record; with one, on that record.
pub struct Permissions(AuthViewer);

impl Permissions {
    fn allows(&self, op: Operation) -> bool {
        policy::allows(&self.0, op, None)
    }
}

/// What the caller may do, read from the access policy. Without an argument a field says
/// whether the caller may do the operation on some record; with one, on that record.
#[Object]
impl Permissions {
    /// Read monitoring records that are not published yet.
    async fn read_unpublished(&self) -> bool {
        self.allows(Operation::ReadUnpublished)
    }
    /// Report progress on actions (on this action, when `action` is given).
    async fn report_progress(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An action code, e.g. `LE1.1`, in the current plan.")] action: Option<
            String,
        >,
    ) -> Result<bool, ApiError> {
        self.for_action(ctx, Operation::ReportProgress, action)
            .await
    }
    /// Record indicator measurements (for this action's indicators, when `action` is given).
    async fn record_measurement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An action code, e.g. `LE1.1`, in the current plan.")] action: Option<
            String,
        >,
    ) -> Result<bool, ApiError> {
        self.for_action(ctx, Operation::RecordMeasurement, action)
            .await
    }
    /// Report activities (of this municipality, when `municipality` is given).
    async fn report_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A municipality's INE code.")] municipality: Option<String>,
    ) -> Result<bool, ApiError> {
        self.for_municipality(ctx, Operation::ReportActivity, municipality)
            .await
    }
    /// Report funded projects (of this municipality, when `municipality` is given).
    async fn report_funded_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A municipality's INE code.")] municipality: Option<String>,
    ) -> Result<bool, ApiError> {
        self.for_municipality(ctx, Operation::ReportFundedProject, municipality)
            .await
    }
    /// Publish submitted records or return them with a comment.
    async fn review(&self) -> bool {
        self.allows(Operation::Review)
    }
    /// Archive records.
    async fn archive(&self) -> bool {
        self.allows(Operation::Archive)
    }
    /// Open and close reporting years.
    async fn manage_reporting_years(&self) -> bool {
        self.allows(Operation::ManageReportingYears)
    }
    /// Read the audit trail (all of it for admins, entries about their own records otherwise).
    async fn read_audit_log(&self) -> bool {
        self.allows(Operation::ReadAuditLog)
    }
    /// Read operational data (`dataLoads`).
    async fn read_operational_data(&self) -> bool {
        self.allows(Operation::ReadOperationalData)
    }
    /// Manage webhook endpoints and read their delivery log.
    async fn manage_webhooks(&self) -> bool {
        self.allows(Operation::ManageWebhooks)
    }
}

impl Permissions {
    /// Municipalities report their own; areas report their own records, which may involve any
    /// municipality. The target is the one the mutations check.
    async fn for_municipality(
        &self,
        ctx: &Context<'_>,
        op: Operation,
        ine: Option<String>,
    ) -> Result<bool, ApiError> {
        let Some(ine) = ine else {
            return Ok(self.allows(op));
        };
        let about = About::NewReport {
            municipality: Some(&ine),
        };
        let target = targets::target(db(ctx)?, &self.0, about).await?;
        Ok(policy::allows(&self.0, op, Some(&target)))
    }

    /// Whether the viewer may do `op` about the action `code` of the current plan (at all, without
    /// one), checked against the target the mutations check.
    async fn for_action(
        &self,
        ctx: &Context<'_>,
        op: Operation,
        code: Option<String>,
    ) -> Result<bool, ApiError> {
        let Some(code) = code else {
            return Ok(self.allows(op));
        };
        let target = self.action_target(ctx, &code).await?;
        Ok(policy::allows(&self.0, op, Some(&target)))
    }

    /// The target of a record about the action `code` of the current plan: the one the
    /// mutations check.
    async fn action_target(&self, ctx: &Context<'_>, code: &str) -> Result<Target, ApiError> {
        let db = db(ctx)?;
        let plan = store::resolve_plan(db, None).await?;
        if store::action_by_code(db, plan.id, code).await?.is_none() {
            return Err(ApiError::bad_input(
                "action",
                format!("unknown action {code:?}"),
            ));
        }
        let about = About::Action {
            plan_id: plan.id,
            code,
        };
        targets::target(db, &self.0, about).await
    }
}
