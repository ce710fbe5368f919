//! What is read from monitoring as a whole: reporting years, roll-ups, the annual activity
//! report and the audit trail.
//!
//! Just over 700 lines, not split yet (#11): reporting years and roll-ups, the annual report and
//! the audit trail are the three files it becomes.
// Over 700 lines: to be split into modules a newcomer can name under issue 11 (typed domain
// and one service layer), which reshapes this file anyway.

use std::collections::HashMap;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entity::{annual_report, audit_entry, reporting_year};

use super::monitoring::{IndicatorStatus, ProgressStatus};
use super::node::GlobalId;
use super::scalars::{Date, DateTime, Decimal, JsonValue};
use super::type_name_of_kind;
use super::{db, tr};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::monitoring::RecordKind;
use crate::monitoring::report::{self as r, AnnualReport, Rollup};
use crate::monitoring::store::{self, AuditQuery};
use crate::policy;

/// A reporting year of the plan.
pub struct ReportingYear(pub(crate) reporting_year::Model);

/// A reporting year of the plan: open, or closed so that only coordinators change its records.
#[Object]
impl ReportingYear {
    /// The year.
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// Whether it is closed.
    async fn closed(&self) -> bool {
        self.0.closed
    }
    /// When it was closed.
    async fn closed_at(&self) -> Option<DateTime> {
        self.0.closed_at.map(DateTime)
    }
    /// Version, for `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// How many in a status.
#[derive(SimpleObject)]
pub struct StatusCount {
    /// The status.
    pub status: ProgressStatus,
    /// How many actions have it.
    pub count: u64,
}

/// How many indicators in a status.
#[derive(SimpleObject)]
pub struct IndicatorStatusCount {
    /// The status.
    pub status: IndicatorStatus,
    /// How many indicators have it.
    pub count: u64,
}

/// The published state of a set of actions and their indicators.
pub struct ProgressSummary(pub(crate) Rollup);

/// The published state of a set of actions (a strategic line, or the whole plan) and of the
/// indicators measuring them or their expected results.
#[Object]
impl ProgressSummary {
    /// Actions counted.
    async fn actions(&self) -> u64 {
        self.0.actions as u64
    }
    /// Actions with no published progress yet.
    async fn not_reported(&self) -> u64 {
        self.0.not_reported as u64
    }
    /// Actions by the status of their current (latest published) progress.
    async fn by_status(&self) -> Result<Vec<StatusCount>, ApiError> {
        self.0
            .by_status
            .iter()
            .map(|(s, n)| {
                Ok(StatusCount {
                    status: s.parse()?,
                    count: *n as u64,
                })
            })
            .collect()
    }
    /// Mean percent complete of the actions with published progress.
    async fn mean_percent_complete(&self) -> Option<f64> {
        self.0.mean_percent_complete
    }
    /// Published indicators by status.
    async fn indicators_by_status(&self) -> Result<Vec<IndicatorStatusCount>, ApiError> {
        self.0
            .indicators_by_status
            .iter()
            .map(|(s, n)| {
                Ok(IndicatorStatusCount {
                    status: s.parse()?,
                    count: *n as u64,
                })
            })
            .collect()
    }
}

/// The annual activity report of a year.
pub struct AnnualReportView {
    report: AnnualReport,
    published: Option<(chrono::DateTime<chrono::Utc>, String)>,
}

impl AnnualReportView {
    /// A published report.
    pub(crate) fn frozen(report: AnnualReport, stored: annual_report::Model) -> Self {
        Self {
            report,
            published: Some((stored.published_at, stored.published_by)),
        }
    }
}

/// The annual activity report of a year, per strategic line, from published records. Once
/// published it is frozen: later edits never change it.
#[Object(name = "AnnualReport")]
impl AnnualReportView {
    /// The year.
    async fn year(&self) -> i32 {
        self.report.year
    }
    /// The plan's code.
    async fn plan_code(&self) -> &str {
        &self.report.plan_code
    }
    /// Whether this is the published, frozen report (false: assembled now from published
    /// records, and will change as records are published).
    async fn published(&self) -> bool {
        self.published.is_some()
    }
    /// When it was published.
    async fn published_at(&self) -> Option<DateTime> {
        self.published.as_ref().map(|(at, _)| DateTime(*at))
    }
    /// Per strategic line.
    #[graphql(complexity = "10 * child_complexity")]
    async fn strategic_lines(&self) -> Vec<ReportLineView<'_>> {
        self.report.lines.iter().map(ReportLineView).collect()
    }
    /// Every activity of the year.
    #[graphql(complexity = "10 * child_complexity")]
    async fn activities(&self) -> Vec<ReportActivityView<'_>> {
        self.report
            .activities
            .iter()
            .map(ReportActivityView)
            .collect()
    }
    /// Every funded project active in the year.
    #[graphql(complexity = "10 * child_complexity")]
    async fn funded_projects(&self) -> Vec<ReportProjectView<'_>> {
        self.report
            .funded_projects
            .iter()
            .map(ReportProjectView)
            .collect()
    }
    /// Contributions by municipality.
    #[graphql(complexity = "10 * child_complexity")]
    async fn municipalities(&self) -> Vec<MunicipalityContributionView<'_>> {
        self.report
            .municipalities
            .iter()
            .map(MunicipalityContributionView)
            .collect()
    }
}

/// A strategic line in the annual report.
pub struct ReportLineView<'a>(&'a r::ReportLine);

/// A strategic line in the annual report.
#[Object(name = "AnnualReportLine")]
impl ReportLineView<'_> {
    /// Line code.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Line title.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.title, lang)
    }
    /// The line's actions with the year's progress.
    #[graphql(complexity = "10 * child_complexity")]
    async fn actions(&self) -> Vec<ReportActionView<'_>> {
        self.0.actions.iter().map(ReportActionView).collect()
    }
    /// Activities of the year carrying out the line's actions.
    #[graphql(complexity = "10 * child_complexity")]
    async fn activities(&self) -> Vec<ReportActivityView<'_>> {
        self.0.activities.iter().map(ReportActivityView).collect()
    }
    /// Funded projects active in the year serving the line's actions.
    #[graphql(complexity = "10 * child_complexity")]
    async fn funded_projects(&self) -> Vec<ReportProjectView<'_>> {
        self.0
            .funded_projects
            .iter()
            .map(ReportProjectView)
            .collect()
    }
    /// Indicators of the line with the year's values.
    #[graphql(complexity = "10 * child_complexity")]
    async fn indicators(&self) -> Vec<ReportIndicatorView<'_>> {
        self.0.indicators.iter().map(ReportIndicatorView).collect()
    }
}

/// An action in the annual report.
pub struct ReportActionView<'a>(&'a r::ReportAction);

/// An action in the annual report.
#[Object(name = "AnnualReportAction")]
impl ReportActionView<'_> {
    /// Action code.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Action title.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.title, lang)
    }
    /// Status reported for the year, if any.
    async fn status(&self) -> Result<Option<ProgressStatus>, ApiError> {
        Ok(self.0.status.as_deref().map(str::parse).transpose()?)
    }
    /// Percent complete reported for the year.
    async fn percent_complete(&self) -> Option<i32> {
        self.0.percent_complete
    }
    /// Narrative of the year.
    async fn narrative(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> Option<String> {
        self.0.narrative.as_ref().map(|n| tr(ctx, n, lang))
    }
}

/// An activity in the annual report.
pub struct ReportActivityView<'a>(&'a r::ReportActivity);

/// An activity in the annual report.
#[Object(name = "AnnualReportActivity")]
impl ReportActivityView<'_> {
    /// Kind.
    async fn kind(&self) -> Result<super::monitoring::ActivityKind, ApiError> {
        Ok(self.0.kind.parse()?)
    }
    /// Title.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.title, lang)
    }
    /// Summary.
    async fn summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.summary, lang)
    }
    /// First day.
    async fn start_date(&self) -> Date {
        Date(self.0.start_date)
    }
    /// Last day.
    async fn end_date(&self) -> Option<Date> {
        self.0.end_date.map(Date)
    }
    /// Where.
    async fn place(&self) -> Option<&str> {
        self.0.place.as_deref()
    }
    /// INE codes of the municipalities involved.
    async fn municipalities(&self) -> &[String] {
        &self.0.municipalities
    }
    /// Whether it is synthetic demonstration data.
    async fn synthetic(&self) -> bool {
        self.0.synthetic
    }
}

/// A funded project in the annual report.
pub struct ReportProjectView<'a>(&'a r::ReportProject);

/// A funded project in the annual report.
#[Object(name = "AnnualReportProject")]
impl ReportProjectView<'_> {
    /// Title.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.title, lang)
    }
    /// Programme.
    async fn programme(&self) -> Result<super::monitoring::FundingProgramme, ApiError> {
        Ok(self.0.programme.parse()?)
    }
    /// The AMB's role.
    async fn role(&self) -> Result<super::monitoring::ProjectRole, ApiError> {
        Ok(self.0.role.parse()?)
    }
    /// Total budget, EUR.
    async fn total_budget(&self) -> Result<Decimal, ApiError> {
        self.0
            .total_budget
            .parse()
            .map(Decimal)
            .map_err(|_| ApiError::Internal)
    }
    /// Grant, EUR.
    async fn grant_amount(&self) -> Result<Decimal, ApiError> {
        self.0
            .grant_amount
            .parse()
            .map(Decimal)
            .map_err(|_| ApiError::Internal)
    }
    /// Status.
    async fn status(&self) -> Result<super::monitoring::ProjectStatus, ApiError> {
        Ok(self.0.status.parse()?)
    }
    /// Whether it continued after EU funding.
    async fn continued_after_funding(&self) -> Option<bool> {
        self.0.continued_after_funding
    }
    /// INE codes of the participating municipalities.
    async fn municipalities(&self) -> &[String] {
        &self.0.municipalities
    }
    /// Whether it is synthetic demonstration data.
    async fn synthetic(&self) -> bool {
        self.0.synthetic
    }
}

/// An indicator in the annual report.
pub struct ReportIndicatorView<'a>(&'a r::ReportIndicator);

/// An indicator in the annual report.
#[Object(name = "AnnualReportIndicator")]
impl ReportIndicatorView<'_> {
    /// Code.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.name, lang)
    }
    /// Unit.
    async fn unit(&self) -> &str {
        &self.0.unit
    }
    /// The year's published value.
    async fn value(&self) -> Result<Option<Decimal>, ApiError> {
        self.0
            .value
            .as_deref()
            .map(|v| v.parse().map(Decimal).map_err(|_| ApiError::Internal))
            .transpose()
    }
    /// Status as of the year.
    async fn status(&self) -> Result<IndicatorStatus, ApiError> {
        Ok(self.0.status.parse()?)
    }
}

/// What a municipality contributed in the year.
pub struct MunicipalityContributionView<'a>(&'a r::MunicipalityContribution);

/// What a municipality contributed in the year.
#[Object(name = "MunicipalityContribution")]
impl MunicipalityContributionView<'_> {
    /// INE code.
    async fn ine_code(&self) -> &str {
        &self.0.ine_code
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Activities of the year involving it.
    async fn activities(&self) -> u64 {
        self.0.activities as u64
    }
    /// Funded projects active in the year in which it participates.
    async fn funded_projects(&self) -> u64 {
        self.0.funded_projects as u64
    }
}

/// An entry of the audit trail, with what its reader may see of it.
pub struct AuditEntry {
    entry: audit_entry::Model,
    plan: String,
    /// Kind and public identifier of the records the page's entries mention, by surrogate key.
    records: std::sync::Arc<HashMap<i32, (String, String)>>,
    /// Whether the reader sees the whole trail (and so may see its sequence).
    whole_trail: bool,
    /// Whether the reader may see who wrote.
    sees_actor: bool,
}

impl AuditEntry {
    /// The global ID of the monitoring record with surrogate key `id`, if known.
    fn global_id(&self, id: i32) -> Option<ID> {
        let (kind, public_id) = self.records.get(&id)?;
        Some(GlobalId::of_plan_record(
            type_name_of_kind(kind)?,
            &self.plan,
            public_id,
        ))
    }

    /// A stored snapshot as the reader sees it: database keys (the record's own, and a
    /// measurement's indicator's) replaced by global IDs, so that no snapshot shows the one
    /// sequence every record kind shares.
    fn snapshot(&self, stored: &Option<serde_json::Value>) -> Option<JsonValue> {
        let mut value = stored.clone()?;
        if let Some(obj) = value.as_object_mut() {
            if let Some(id) = obj.get("id").and_then(serde_json::Value::as_i64) {
                let gid = i32::try_from(id).ok().and_then(|id| self.global_id(id));
                obj.insert("id".to_owned(), serde_json::json!(gid.map(|g| g.0)));
            }
            if let Some(payload) = obj.get_mut("payload").and_then(|p| p.as_object_mut())
                && let Some(id) = payload.get("indicator_id").and_then(|v| v.as_i64())
            {
                let gid = i32::try_from(id).ok().and_then(|id| self.global_id(id));
                payload.insert(
                    "indicator_id".to_owned(),
                    serde_json::json!(gid.map(|g| g.0)),
                );
            }
        }
        Some(JsonValue(value))
    }
}

/// The surrogate keys of monitoring records an audit entry mentions.
fn mentioned_records(entry: &audit_entry::Model) -> Vec<i32> {
    let mut ids = Vec::new();
    if type_name_of_kind(&entry.record_type).is_some() {
        ids.extend(entry.record_id);
    }
    for snapshot in [&entry.before, &entry.after].into_iter().flatten() {
        let indicator = snapshot["payload"]["indicator_id"].as_i64();
        ids.extend(indicator.and_then(|id| i32::try_from(id).ok()));
    }
    ids
}

/// One write, as the audit trail keeps it. Never editable through the API.
#[Object]
impl AuditEntry {
    /// Sequence number of the entry in the whole trail: shown to those who read all of it
    /// (coordinators); null for others, to whom its gaps would count others' writes. Page
    /// with the connection's cursors instead.
    async fn sequence(&self) -> Option<i32> {
        self.whole_trail.then_some(self.entry.id)
    }
    /// When the write happened.
    async fn at(&self) -> DateTime {
        DateTime(self.entry.at)
    }
    /// Who wrote: token subject. Shown to coordinators, and to others for writes by their own
    /// unit or municipality; null for the writes of reviewers and other reporters.
    async fn actor_subject(&self) -> Option<&str> {
        if self.sees_actor {
            self.entry.actor_sub.as_deref()
        } else {
            None
        }
    }
    /// Who wrote: role.
    async fn actor_role(&self) -> &str {
        &self.entry.actor_role
    }
    /// Who wrote: unit, for areas.
    async fn actor_unit(&self) -> Option<&str> {
        self.entry.actor_unit.as_deref()
    }
    /// Who wrote: municipality (INE code), for municipalities.
    async fn actor_municipality(&self) -> Option<&str> {
        self.entry.actor_municipality.as_deref()
    }
    /// What kind of record was written (`ProgressUpdate`, …, `ReportingYear`, `AnnualReport`).
    async fn record_type(&self) -> String {
        match type_name_of_kind(&self.entry.record_type) {
            Some(name) => name.to_owned(),
            None => match self.entry.record_type.as_str() {
                "REPORTING_YEAR" => "ReportingYear".to_owned(),
                "ANNUAL_REPORT" => "AnnualReport".to_owned(),
                other => other.to_owned(),
            },
        }
    }
    /// The written record's global ID (monitoring records only).
    async fn record_id(&self) -> Option<ID> {
        type_name_of_kind(&self.entry.record_type)?;
        self.global_id(self.entry.record_id?)
    }
    /// CREATE, UPDATE, SUBMIT, PUBLISH, RETURN, ARCHIVE, OPEN_YEAR, CLOSE_YEAR or
    /// PUBLISH_REPORT.
    async fn operation(&self) -> &str {
        &self.entry.operation
    }
    /// The record before the write (records are named by their global IDs).
    async fn before(&self) -> Option<JsonValue> {
        self.snapshot(&self.entry.before)
    }
    /// The record after the write (records are named by their global IDs).
    async fn after(&self) -> Option<JsonValue> {
        self.snapshot(&self.entry.after)
    }
    /// The id of the request that wrote (also returned to its client as `x-request-id`).
    async fn request_id(&self) -> &str {
        &self.entry.request_id
    }
}

crate::connection!(
    AuditEntryConnection,
    AuditEntryEdge,
    AuditEntry,
    "A page of audit entries.",
    "An audit entry in a page."
);

/// Conditions on audit entries.
#[derive(InputObject, Default)]
pub struct AuditFilter {
    /// Plan code; the current plan when omitted.
    pub plan: Option<String>,
    /// Only entries about this record (its global ID).
    pub record: Option<ID>,
    /// Only this operation (CREATE, UPDATE, SUBMIT, PUBLISH, RETURN, ARCHIVE, OPEN_YEAR,
    /// CLOSE_YEAR, PUBLISH_REPORT).
    pub operation: Option<String>,
    /// Only entries written by this token subject.
    pub actor_subject: Option<String>,
}

const OPERATIONS: &[&str] = &[
    "CREATE",
    "UPDATE",
    "SUBMIT",
    "PUBLISH",
    "RETURN",
    "ARCHIVE",
    "OPEN_YEAR",
    "CLOSE_YEAR",
    "PUBLISH_REPORT",
];

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
        if !(plan.start_year..=plan.end_year).contains(&year) {
            return Err(ApiError::bad_input(
                "year",
                format!(
                    "must be a year of the plan, {}-{}",
                    plan.start_year, plan.end_year
                ),
            ));
        }
        if let Some(stored) = store::published_report(db, plan.id, year).await? {
            let report: AnnualReport =
                serde_json::from_value(stored.content.clone()).map_err(|_| ApiError::Internal)?;
            return Ok(AnnualReportView::frozen(report, stored));
        }
        let report = r::assemble(db, &plan, year).await?;
        Ok(AnnualReportView {
            report,
            published: None,
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
