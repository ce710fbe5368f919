//! Monitoring records in the public schema: their types, the common fields every record has,
//! and the lists and filters that read them.
//!
//! Over 700 lines, not split yet (#11): the record types (one macro and six kinds), the lists and
//! the filter belong in `monitoring/{types,lists,filter}.rs`.
// Over 700 lines: to be split into modules a newcomer can name under issue 11 (typed domain
// and one service layer), which reshapes this file anyway.

use async_graphql::{Context, ID, InputObject, Interface, Object, SimpleObject};
use entity::monitoring_record;

use super::actors::{Municipality, Organization};
use super::geography::{GeographicZone, PartnerMetropolis};
use super::node::GlobalId;
use super::scalars::{Date, DateTime, Decimal};
use super::strategy::{Action, ExpectedResult};
use super::viewer::ViewerRole;
use super::{FieldTranslations, db, loaders, tr};
use crate::auth::Role;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::loaders::{self as l, ByCode};
use crate::monitoring::report::{INDICATOR_STATUS_METHOD, Published};
use crate::monitoring::store::{self, RecordQuery};
use crate::monitoring::{
    ActivityPayload, EvaluationPayload, FundedProjectPayload, IndicatorPayload, MeasurementPayload,
    ProgressPayload, RecordKind,
};
use crate::policy::{self, Operation};

pub use crate::monitoring::{
    ActivityKind, EvaluationKind, EvaluationStatus, FundingProgramme, IndicatorDirection,
    IndicatorStatus, ProgressStatus, ProjectRole, ProjectStatus, ReviewState,
};

/// Who reported a record.
pub struct Reporter<'a>(&'a monitoring_record::Model);

/// Who reported a record.
#[Object]
impl Reporter<'_> {
    /// The reporter's role.
    async fn role(&self) -> ViewerRole {
        match Role::from_claim(&self.0.owner_role) {
            Some(Role::Admin) => ViewerRole::Admin,
            Some(Role::Area) => ViewerRole::Area,
            Some(Role::Municipality) => ViewerRole::Municipality,
            Some(Role::Reader) => ViewerRole::Reader,
            _ => ViewerRole::Anonymous,
        }
    }
    /// The reporting AMB area or service.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Organization>, ApiError> {
        let Some(code) = &self.0.owner_unit else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .load_one(l::OrgByCode(code.clone()))
            .await?
            .map(Organization))
    }
    /// The reporting municipality.
    async fn municipality(&self, ctx: &Context<'_>) -> Result<Option<Municipality>, ApiError> {
        let Some(code) = &self.0.owner_municipality else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .load_one(l::OrgByCode(code.clone()))
            .await?
            .map(Municipality))
    }
    /// The token subject that reported it; shown to coordinators, readers and the reporter's
    /// own unit or municipality only.
    async fn subject(&self, ctx: &Context<'_>) -> Option<&str> {
        let viewer = policy::viewer(ctx);
        let own = viewer.sub.as_deref() == Some(self.0.owner_sub.as_str())
            || policy::visibility(viewer) == crate::monitoring::Visibility::All
            || self
                .0
                .owner_unit
                .as_ref()
                .is_some_and(|u| viewer.unit_scope.contains(u))
            || (self.0.owner_municipality.is_some()
                && self.0.owner_municipality == viewer.municipality);
        own.then_some(self.0.owner_sub.as_str())
    }
}

/// Declares a record type: the struct, the fields every record has, and its own fields.
macro_rules! record_type {
    ($name:ident, $payload:ty, $doc:literal, { $($extra:tt)* }) => {
        #[doc = $doc]
        pub struct $name {
            pub(crate) m: monitoring_record::Model,
            pub(crate) plan: String,
            pub(crate) p: $payload,
        }

        impl $name {
            /// Wraps a stored record. A payload that does not decode as this kind is an
            /// internal error, logged with the record's id: never a record silently left out.
            pub(crate) fn from_model(
                m: monitoring_record::Model,
                plan: &str,
            ) -> Result<Self, ApiError> {
                match serde_json::from_value(m.payload.clone()) {
                    Ok(p) => Ok(Self { m, plan: plan.to_owned(), p }),
                    Err(e) => Err(undecodable(&m, &e)),
                }
            }
        }

        #[doc = $doc]
        #[Object]
        impl $name {
            /// Opaque global ID.
            pub(crate) async fn id(&self) -> ID {
                GlobalId::of_plan_record(RecordKind::$name.type_name(), &self.plan, &self.m.public_id)
            }
            /// Review state.
            pub(crate) async fn state(&self) -> Result<ReviewState, ApiError> {
                Ok(self.m.state.parse()?)
            }
            /// Version, incremented by every change; send it back as `expectedVersion`. Null
            /// for callers who may neither change nor review the record (how often a record
            /// changed is internal to its review).
            pub(crate) async fn version(&self, ctx: &Context<'_>) -> Option<i32> {
                policy::allows_on_record(policy::viewer(ctx), Operation::ReadRevisions, &self.m)
                    .then_some(self.m.version)
            }
            /// The reporting year the record belongs to, when it has one.
            async fn year(&self) -> Option<i32> {
                self.m.year
            }
            /// When it was created.
            async fn created_at(&self) -> DateTime {
                DateTime(self.m.created_at)
            }
            /// When it last changed.
            async fn updated_at(&self) -> DateTime {
                DateTime(self.m.updated_at)
            }
            /// When it was last published.
            async fn published_at(&self) -> Option<DateTime> {
                self.m.published_at.map(DateTime)
            }
            /// Who reported it.
            async fn reported_by(&self) -> Reporter<'_> {
                Reporter(&self.m)
            }
            /// The reviewer's comment while the record is being reviewed (returned, or
            /// submitted again). Internal to the review: shown to the reporter, readers and
            /// coordinators only, null for everyone else; cleared when the record is published
            /// (the audit trail keeps every comment).
            async fn review_comment(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "Language of the text; defaults to the request's language.")]
                lang: Option<Lang>,
            ) -> Option<String> {
                if !policy::allows_on_record(
                    policy::viewer(ctx),
                    Operation::ReadReviewComments,
                    &self.m,
                ) {
                    return None;
                }
                let text: entity::I18n =
                    serde_json::from_value(self.m.review_comment.clone()?).ok()?;
                Some(tr(ctx, &text, lang))
            }
            /// Whether this is synthetic demonstration data (never real monitoring data).
            async fn synthetic(&self) -> bool {
                self.m.synthetic
            }
            /// The languages in which every text of the record is available.
            async fn languages(&self) -> Vec<Lang> {
                super::languages_of(&super::Localized::texts(self))
            }
            /// Every localized text of the record, in every language it has.
            async fn translations(
                &self,
                #[graphql(desc = "Only these fields (by their GraphQL names); all when omitted.")]
                fields: Option<Vec<String>>,
            ) -> Vec<FieldTranslations> {
                super::translations_of(super::Localized::texts(self), fields.as_deref())
            }
            $($extra)*
        }
    };
}

async fn actions_by_code(
    ctx: &Context<'_>,
    plan_id: i32,
    plan: &str,
    codes: &[String],
) -> Result<Vec<Action>, ApiError> {
    let keys: Vec<ByCode<l::ActionCode>> = codes
        .iter()
        .map(|c| ByCode::new(plan_id, c.clone()))
        .collect();
    let mut found = loaders(ctx)?.load_many(keys.iter().cloned()).await?;
    Ok(keys
        .iter()
        .filter_map(|k| found.remove(k))
        .map(|m| Action(m, plan.to_owned()))
        .collect())
}

async fn orgs_by_code(
    ctx: &Context<'_>,
    codes: &[String],
) -> Result<Vec<entity::organization::Model>, ApiError> {
    let keys: Vec<l::OrgByCode> = codes.iter().cloned().map(l::OrgByCode).collect();
    let mut found = loaders(ctx)?.load_many(keys.iter().cloned()).await?;
    Ok(keys.iter().filter_map(|k| found.remove(k)).collect())
}

record_type!(
    ProgressUpdate,
    ProgressPayload,
    "A progress update of an action for a reporting year.",
    {
        /// The action.
        async fn action(&self, ctx: &Context<'_>) -> Result<Option<Action>, ApiError> {
            Ok(actions_by_code(
                ctx,
                self.m.plan_id,
                &self.plan,
                std::slice::from_ref(&self.p.action),
            )
            .await?
            .pop())
        }
        /// Status of the action.
        async fn status(&self) -> ProgressStatus {
            self.p.status
        }
        /// Percent complete, 0-100.
        async fn percent_complete(&self) -> i32 {
            self.p.percent_complete
        }
        /// What was done.
        async fn narrative(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Language of the text; defaults to the request's language.")]
            lang: Option<Lang>,
        ) -> String {
            tr(ctx, &self.p.narrative, lang)
        }
        /// Milestones.
        async fn milestones(&self) -> Vec<MilestoneView> {
            self.p
                .milestones
                .iter()
                .cloned()
                .map(MilestoneView)
                .collect()
        }
        /// Links to evidence.
        async fn evidence_links(&self) -> &[String] {
            &self.p.evidence_links
        }
    }
);

/// A milestone of a progress update.
pub struct MilestoneView(crate::monitoring::Milestone);

/// A milestone of a progress update.
#[Object(name = "Milestone")]
impl MilestoneView {
    /// When.
    async fn date(&self) -> Date {
        Date(self.0.date)
    }
    /// What.
    async fn text(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.text, lang)
    }
}

record_type!(
    Activity,
    ActivityPayload,
    "An activity: a forum, a network meeting, a joint position, a study or seminar, a delegation received, a study visit, an event or a knowledge transfer.",
    {
        /// Kind of activity.
        async fn kind(&self) -> ActivityKind {
            self.p.kind
        }
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
        /// First day.
        async fn start_date(&self) -> Date {
            Date(self.p.start_date)
        }
        /// Last day, if it lasted more than one.
        async fn end_date(&self) -> Option<Date> {
            self.p.end_date.map(Date)
        }
        /// Where it took place.
        async fn place(&self) -> Option<&str> {
            self.p.place.as_deref()
        }
        /// Links to more information.
        async fn links(&self) -> &[String] {
            &self.p.links
        }
        /// The actions it carries out.
        async fn actions(&self, ctx: &Context<'_>) -> Result<Vec<Action>, ApiError> {
            actions_by_code(ctx, self.m.plan_id, &self.plan, &self.p.actions).await
        }
        /// The geographic zones it concerns.
        async fn zones(&self, ctx: &Context<'_>) -> Result<Vec<GeographicZone>, ApiError> {
            let keys: Vec<ByCode<l::ZoneCode>> = self
                .p
                .zones
                .iter()
                .map(|c| ByCode::new(self.m.plan_id, c.clone()))
                .collect();
            let mut found = loaders(ctx)?.load_many(keys.iter().cloned()).await?;
            Ok(keys
                .iter()
                .filter_map(|k| found.remove(k))
                .map(|m| GeographicZone(m, self.plan.clone()))
                .collect())
        }
        /// The partner metropolises involved.
        async fn partners(&self, ctx: &Context<'_>) -> Result<Vec<PartnerMetropolis>, ApiError> {
            let keys: Vec<ByCode<l::PartnerCode>> = self
                .p
                .partners
                .iter()
                .map(|c| ByCode::new(self.m.plan_id, c.clone()))
                .collect();
            let mut found = loaders(ctx)?.load_many(keys.iter().cloned()).await?;
            Ok(keys
                .iter()
                .filter_map(|k| found.remove(k))
                .map(|m| PartnerMetropolis(m, self.plan.clone()))
                .collect())
        }
        /// The organizations involved.
        async fn organizations(&self, ctx: &Context<'_>) -> Result<Vec<Organization>, ApiError> {
            Ok(orgs_by_code(ctx, &self.p.organizations)
                .await?
                .into_iter()
                .map(Organization)
                .collect())
        }
        /// The municipalities involved.
        async fn municipalities(&self, ctx: &Context<'_>) -> Result<Vec<Municipality>, ApiError> {
            Ok(orgs_by_code(ctx, &self.p.municipalities)
                .await?
                .into_iter()
                .map(Municipality)
                .collect())
        }
    }
);

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
                .map(Municipality)
                .collect())
        }
    }
);

/// A value in a year.
#[derive(SimpleObject)]
pub struct YearValue {
    /// The value.
    pub value: Decimal,
    /// The year.
    pub year: i32,
}

fn year_value(value: rust_decimal::Decimal, year: i32) -> YearValue {
    YearValue {
        value: Decimal(value),
        year,
    }
}

record_type!(
    Indicator,
    IndicatorPayload,
    "An indicator measuring an expected result or an action, with its baseline and target.",
    {
        /// Code, unique in the plan.
        async fn code(&self) -> Option<&str> {
            self.m.code.as_deref()
        }
        /// Name.
        async fn name(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Language of the text; defaults to the request's language.")]
            lang: Option<Lang>,
        ) -> String {
            tr(ctx, &self.p.name, lang)
        }
        /// Unit of measurement.
        async fn unit(&self) -> &str {
            &self.p.unit
        }
        /// The expected result it measures.
        async fn expected_result(
            &self,
            ctx: &Context<'_>,
        ) -> Result<Option<ExpectedResult>, ApiError> {
            let Some(code) = &self.p.expected_result else {
                return Ok(None);
            };
            Ok(loaders(ctx)?
                .load_one(ByCode::<l::ResultCode>::new(self.m.plan_id, code.clone()))
                .await?
                .map(|m| ExpectedResult(m, self.plan.clone())))
        }
        /// The action it measures.
        async fn action(&self, ctx: &Context<'_>) -> Result<Option<Action>, ApiError> {
            let Some(code) = &self.p.action else {
                return Ok(None);
            };
            Ok(
                actions_by_code(ctx, self.m.plan_id, &self.plan, std::slice::from_ref(code))
                    .await?
                    .pop(),
            )
        }
        /// Baseline.
        async fn baseline(&self) -> YearValue {
            year_value(self.p.baseline_value, self.p.baseline_year)
        }
        /// Target.
        async fn target(&self) -> YearValue {
            year_value(self.p.target_value, self.p.target_year)
        }
        /// Which way is better.
        async fn direction(&self) -> IndicatorDirection {
            self.p.direction
        }
        /// Measurements the caller may see, by year.
        async fn measurements(&self, ctx: &Context<'_>) -> Result<Vec<Measurement>, ApiError> {
            let key = super::linked::LinkedRecords {
                plan_id: self.m.plan_id,
                record_type: RecordKind::Measurement,
                target_type: "INDICATOR",
                code: self.m.id.to_string(),
            };
            let mut out = super::linked::visible(ctx, key)
                .await?
                .into_iter()
                .map(|m| Measurement::from_model(m, &self.plan))
                .collect::<Result<Vec<_>, _>>()?;
            out.sort_by_key(|m| (m.m.year, m.m.id));
            Ok(out)
        }
        /// The latest published value.
        async fn latest_value(&self, ctx: &Context<'_>) -> Result<Option<YearValue>, ApiError> {
            let published = published(ctx, self.m.plan_id).await?;
            Ok(published
                .latest_measurement(self.m.id, None)
                .map(|(y, v)| year_value(v, y)))
        }
        /// Where the indicator stands, from its latest published measurement.
        async fn status(&self, ctx: &Context<'_>) -> Result<IndicatorStatus, ApiError> {
            let published = published(ctx, self.m.plan_id).await?;
            Ok(published.status_of(self.m.id, &self.p, None))
        }
        /// How `status` is computed.
        async fn status_method(&self) -> &'static str {
            INDICATOR_STATUS_METHOD
        }
    }
);

/// The published records of a plan, loaded once per request.
pub(crate) async fn published<'a>(
    ctx: &Context<'a>,
    plan_id: i32,
) -> Result<std::sync::Arc<Published>, ApiError> {
    type Cache = tokio::sync::Mutex<std::collections::HashMap<i32, std::sync::Arc<Published>>>;
    let cache = ctx.data::<Cache>().ok();
    if let Some(cache) = cache {
        let mut map = cache.lock().await;
        if let Some(p) = map.get(&plan_id) {
            return Ok(p.clone());
        }
        let loaded = std::sync::Arc::new(Published::load(db(ctx)?, plan_id).await?);
        map.insert(plan_id, loaded.clone());
        return Ok(loaded);
    }
    Ok(std::sync::Arc::new(
        Published::load(db(ctx)?, plan_id).await?,
    ))
}

/// The per-request cache of published records (see [`published`]).
pub fn published_cache()
-> tokio::sync::Mutex<std::collections::HashMap<i32, std::sync::Arc<Published>>> {
    tokio::sync::Mutex::new(std::collections::HashMap::new())
}

record_type!(
    Measurement,
    MeasurementPayload,
    "A yearly measurement of an indicator.",
    {
        /// The indicator.
        async fn indicator(&self, ctx: &Context<'_>) -> Result<Option<Indicator>, ApiError> {
            let row =
                crate::loaders::one::<l::RecordById>(loaders(ctx)?, self.p.indicator_id).await?;
            row.filter(|m| policy::visibility(policy::viewer(ctx)).sees(m))
                .map(|m| Indicator::from_model(m, &self.plan))
                .transpose()
        }
        /// The value.
        async fn value(&self) -> Decimal {
            Decimal(self.p.value)
        }
        /// Where the value comes from.
        async fn source(&self) -> &str {
            &self.p.source
        }
        /// Notes.
        async fn notes(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Language of the text; defaults to the request's language.")]
            lang: Option<Lang>,
        ) -> String {
            tr(ctx, &self.p.notes, lang)
        }
    }
);

record_type!(
    Evaluation,
    EvaluationPayload,
    "A mid-term or final evaluation of the plan.",
    {
        /// Kind.
        async fn kind(&self) -> EvaluationKind {
            self.p.kind
        }
        /// Status.
        async fn status(&self) -> EvaluationStatus {
            self.p.status
        }
        /// Start.
        async fn start_date(&self) -> Option<Date> {
            self.p.start_date.map(Date)
        }
        /// End.
        async fn end_date(&self) -> Option<Date> {
            self.p.end_date.map(Date)
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
        /// Findings.
        async fn findings(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Language of the text; defaults to the request's language.")]
            lang: Option<Lang>,
        ) -> String {
            tr(ctx, &self.p.findings, lang)
        }
        /// Recommendations.
        async fn recommendations(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "Language of the text; defaults to the request's language.")]
            lang: Option<Lang>,
        ) -> String {
            tr(ctx, &self.p.recommendations, lang)
        }
        /// Link to the evaluation document.
        async fn document_link(&self) -> Option<&str> {
            self.p.document_link.as_deref()
        }
    }
);

macro_rules! localized {
    ($name:ident, |$s:ident| [$($field:literal => $expr:expr),* $(,)?] $(, lists: [$($lfield:literal => $lexpr:expr),*])?) => {
        impl super::Localized for $name {
            fn texts(&self) -> Vec<(String, &entity::I18n)> {
                let $s = self;
                let fields = vec![$(($field.to_owned(), $expr)),*].into_iter();
                $($(let fields = fields.chain(
                    $lexpr.enumerate().map(|(i, t)| (format!("{}[{i}]", $lfield), t)),
                );)*)?
                fields.collect()
            }
        }
    };
}

localized!(ProgressUpdate, |s| ["narrative" => &s.p.narrative], lists: ["milestones.text" => s.p.milestones.iter().map(|m| &m.text)]);
localized!(Activity, |s| ["title" => &s.p.title, "summary" => &s.p.summary]);
localized!(FundedProject, |s| ["title" => &s.p.title, "summary" => &s.p.summary]);
localized!(Indicator, |s| ["name" => &s.p.name]);
localized!(Measurement, |s| ["notes" => &s.p.notes]);
localized!(Evaluation, |s| ["summary" => &s.p.summary, "findings" => &s.p.findings, "recommendations" => &s.p.recommendations]);

/// Any monitoring record.
#[derive(Interface)]
#[graphql(
    field(name = "id", ty = "ID", desc = "Opaque global ID."),
    field(name = "state", ty = "ReviewState", desc = "Review state."),
    field(
        name = "version",
        ty = "Option<i32>",
        desc = "Version, incremented by every change; send it back as `expectedVersion`. Null for callers who may neither change nor review the record."
    )
)]
pub enum MonitoringRecord {
    /// A progress update.
    ProgressUpdate(ProgressUpdate),
    /// An activity.
    Activity(Activity),
    /// A funded project.
    FundedProject(FundedProject),
    /// An indicator.
    Indicator(Indicator),
    /// A measurement.
    Measurement(Measurement),
    /// An evaluation.
    Evaluation(Evaluation),
}

impl MonitoringRecord {
    /// Wraps a stored record in its type; a record of no known kind, or whose payload does not
    /// decode, is an internal error, logged.
    pub(crate) fn from_model(m: monitoring_record::Model, plan: &str) -> Result<Self, ApiError> {
        let Some(kind) = RecordKind::of_stored(&m.record_type) else {
            tracing::error!(
                record = m.id,
                kind = %m.record_type,
                "a stored monitoring record of no known kind"
            );
            return Err(ApiError::Internal);
        };
        Ok(match kind {
            RecordKind::ProgressUpdate => {
                Self::ProgressUpdate(ProgressUpdate::from_model(m, plan)?)
            }
            RecordKind::Activity => Self::Activity(Activity::from_model(m, plan)?),
            RecordKind::FundedProject => Self::FundedProject(FundedProject::from_model(m, plan)?),
            RecordKind::Indicator => Self::Indicator(Indicator::from_model(m, plan)?),
            RecordKind::Measurement => Self::Measurement(Measurement::from_model(m, plan)?),
            RecordKind::Evaluation => Self::Evaluation(Evaluation::from_model(m, plan)?),
        })
    }
}

/// The error for a stored record whose payload does not decode: logged with what finds it.
fn undecodable(m: &monitoring_record::Model, e: &serde_json::Error) -> ApiError {
    tracing::error!(
        record = m.id,
        kind = %m.record_type,
        error = %e,
        "a stored monitoring record does not decode"
    );
    ApiError::Internal
}

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

/// Conditions on monitoring records; all must hold. Unknown codes are `BAD_USER_INPUT`.
#[derive(InputObject, Default)]
pub struct MonitoringFilter {
    /// Plan code; the current plan when omitted.
    pub plan: Option<String>,
    /// Records about the actions of this strategic line (`LE2`).
    pub strategic_line: Option<String>,
    /// Records about this action (`LE2.1`).
    pub action: Option<String>,
    /// Records about this geographic zone (`EUROPE`).
    pub zone: Option<String>,
    /// Records involving this partner metropolis (its code, e.g. `greater-manchester`).
    pub partner: Option<String>,
    /// Records involving this municipality (INE code).
    pub municipality: Option<String>,
    /// Records involving this organization (code).
    pub organization: Option<String>,
    /// The kind: an `ActivityKind` for activities, a `FundingProgramme` for funded projects,
    /// an `EvaluationKind` for evaluations.
    pub kind: Option<String>,
    /// The reporting year (for funded projects, the year they start).
    pub year: Option<i32>,
    /// The review state.
    pub state: Option<ReviewState>,
    /// Only records created or changed (edited, submitted, published, …) at or after this
    /// instant: for simple polling, pass the time of your previous poll (changes within that
    /// same second come again; the change feed `changes` gives exact cursors instead).
    pub updated_since: Option<DateTime>,
}

/// Turns a filter into a record query, checking every code.
pub(crate) async fn record_query(
    ctx: &Context<'_>,
    record_type: RecordKind,
    filter: MonitoringFilter,
) -> Result<(RecordQuery, entity::plan::Model), ApiError> {
    use crate::monitoring::validate::Vocabulary;
    let db = db(ctx)?;
    let plan = crate::store::resolve_plan(db, filter.plan.as_deref()).await?;
    // The vocabulary is only needed to check codes the filter names.
    let names_codes = filter.action.is_some()
        || filter.zone.is_some()
        || filter.partner.is_some()
        || filter.municipality.is_some()
        || filter.organization.is_some();
    let vocab = if names_codes {
        Vocabulary::load(db, plan.id).await?
    } else {
        Vocabulary::default()
    };
    let mut links = Vec::new();
    let mut check =
        |field: &str, target: &str, value: Option<String>, known: bool| -> Result<(), ApiError> {
            if let Some(v) = value {
                if !known {
                    return Err(ApiError::bad_input(
                        &format!("filter.{field}"),
                        format!("unknown {field} {v:?}"),
                    ));
                }
                links.push((target.to_owned(), v));
            }
            Ok(())
        };
    let line_known = match &filter.strategic_line {
        Some(code) => crate::store::line_by_code(db, plan.id, code)
            .await?
            .is_some(),
        None => true,
    };
    check(
        "strategicLine",
        "LINE",
        filter.strategic_line.clone(),
        line_known,
    )?;
    let known = |set: &std::collections::HashSet<String>, v: &Option<String>| {
        v.as_ref().is_none_or(|v| set.contains(v))
    };
    check(
        "action",
        "ACTION",
        filter.action.clone(),
        known(&vocab.actions, &filter.action),
    )?;
    check(
        "zone",
        "ZONE",
        filter.zone.clone(),
        known(&vocab.zones, &filter.zone),
    )?;
    check(
        "partner",
        "PARTNER",
        filter.partner.clone(),
        known(&vocab.partners, &filter.partner),
    )?;
    check(
        "municipality",
        "MUNICIPALITY",
        filter.municipality.clone(),
        known(&vocab.municipalities, &filter.municipality),
    )?;
    check(
        "organization",
        "ORGANIZATION",
        filter.organization.clone(),
        known(&vocab.organizations, &filter.organization),
    )?;
    let kinds = record_type.link_kinds();
    let kind_known = filter
        .kind
        .as_ref()
        .is_none_or(|k| kinds.contains(&k.as_str()));
    check("kind", "KIND", filter.kind.clone(), kind_known)?;
    Ok((
        RecordQuery {
            plan_id: plan.id,
            record_type,
            year: filter.year,
            state: filter.state,
            links,
            updated_since: filter.updated_since.map(|t| t.0),
        },
        plan,
    ))
}

/// Root fields that read monitoring records.
#[derive(Default)]
pub struct MonitoringQuery;

macro_rules! list_field {
    ($self:ident, $ctx:ident, $first:ident, $after:ident, $filter:ident, $kind:expr, $ty:ident, $conn:ident) => {{
        let page = super::page($ctx, $first, $after.as_deref())?;
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
    #[graphql(complexity = "super::list_cost(first, child_complexity)")]
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
    #[graphql(complexity = "super::list_cost(first, child_complexity)")]
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
    #[graphql(complexity = "super::list_cost(first, child_complexity)")]
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
    #[graphql(complexity = "super::list_cost(first, child_complexity)")]
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
    #[graphql(complexity = "super::list_cost(first, child_complexity)")]
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

/// The progress updates of an action that the caller sees, newest first.
pub(crate) async fn action_progress(
    ctx: &Context<'_>,
    action: &entity::action::Model,
    plan: &str,
) -> Result<Vec<ProgressUpdate>, ApiError> {
    let key = super::linked::LinkedRecords {
        plan_id: action.plan_id,
        record_type: RecordKind::ProgressUpdate,
        target_type: "ACTION",
        code: action.code.clone(),
    };
    let mut out = super::linked::visible(ctx, key)
        .await?
        .into_iter()
        .map(|m| ProgressUpdate::from_model(m, plan))
        .collect::<Result<Vec<_>, _>>()?;
    out.sort_by_key(|u| std::cmp::Reverse((u.m.year, u.m.id)));
    Ok(out)
}

/// The current progress of an action: its latest published update.
pub(crate) async fn current_progress(
    ctx: &Context<'_>,
    action: &entity::action::Model,
    plan: &str,
) -> Result<Option<ProgressUpdate>, ApiError> {
    Ok(action_progress(ctx, action, plan)
        .await?
        .into_iter()
        .find(|u| u.m.state == ReviewState::Published.as_str()))
}

/// The records of a kind involving a municipality, in the current plan, that the caller sees,
/// newest first.
pub(crate) async fn municipality_records<T>(
    ctx: &Context<'_>,
    ine: &str,
    record_type: RecordKind,
    year: Option<i32>,
    wrap: fn(monitoring_record::Model, &str) -> Result<T, ApiError>,
) -> Result<Vec<T>, ApiError> {
    let plan = super::linked::current_plan(ctx).await?;
    let key = super::linked::LinkedRecords {
        plan_id: plan.id,
        record_type,
        target_type: "MUNICIPALITY",
        code: ine.to_owned(),
    };
    let mut rows = super::linked::visible(ctx, key).await?;
    rows.retain(|m| year.is_none_or(|y| m.year == Some(y)));
    rows.sort_by_key(|m| std::cmp::Reverse((m.year, m.id)));
    rows.into_iter().map(|m| wrap(m, &plan.code)).collect()
}
