//! How the plan is run and who made it: governance, monitoring commitments, participants and
//! the glossary.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object};
use entity::{glossary_entry, governance_item, monitoring_commitment, participant};

use crate::error::ApiError;
use crate::graphql::node::GlobalId;
use crate::graphql::scoped::Scoped;
use crate::graphql::{db_enum, loaders, tr_ref};
use crate::i18n::Lang;
use crate::loaders;

/// An element of the plan's governance.
pub type GovernanceItem = Scoped<governance_item::Model>;

/// An element of the plan's governance.
#[Object]
impl GovernanceItem {
    /// Every localized text of the record, in every language it has (list items are named
    /// `field[index]`).
    async fn translations(
        &self,
        #[graphql(desc = "Only these fields (by their GraphQL names); all when omitted.")]
        fields: Option<Vec<String>>,
    ) -> Vec<crate::graphql::FieldTranslations> {
        crate::graphql::translations_of(crate::graphql::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        crate::graphql::languages_of(&crate::graphql::Localized::texts(self))
    }
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        GlobalId::of_plan_record("GovernanceItem", &self.plan, &self.row.code)
    }
    /// Stable code (`political-lead`, `executive-deployment`, `municipal-coordination`, …).
    async fn code(&self) -> &str {
        &self.row.code
    }
    /// Name.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.title, lang)
    }
    /// The item as worded in the closing summary table, when it appears there.
    async fn summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> Option<&str> {
        self.row.summary.as_ref().map(|t| tr_ref(ctx, t, lang))
    }
    /// Description from the governance section.
    async fn description(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.description, lang)
    }
    /// The organizations it names.
    #[graphql(complexity = "10 * child_complexity")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::graphql::actors::Organization>, ApiError> {
        let codes = self
            .row
            .organizations
            .0
            .iter()
            .cloned()
            .map(loaders::OrgByCode);
        let mut found = loaders(ctx)?.load_many(codes).await?;
        Ok(self
            .row
            .organizations
            .0
            .iter()
            .filter_map(|c| found.remove(&loaders::OrgByCode(c.clone())))
            .map(|m| crate::graphql::actors::Organization::new(Arc::new(m)))
            .collect())
    }
}

/// Kind of monitoring commitment.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum MonitoringKind {
    /// The annual activity report.
    AnnualActivityReport,
    /// The mid-term evaluation.
    MidTermEvaluation,
    /// The final evaluation.
    FinalEvaluation,
}

/// A commitment of the monitoring and evaluation framework.
pub type MonitoringCommitment = Scoped<monitoring_commitment::Model>;

/// A commitment of the monitoring and evaluation framework.
#[Object]
impl MonitoringCommitment {
    /// Every localized text of the record, in every language it has (list items are named
    /// `field[index]`).
    async fn translations(
        &self,
        #[graphql(desc = "Only these fields (by their GraphQL names); all when omitted.")]
        fields: Option<Vec<String>>,
    ) -> Vec<crate::graphql::FieldTranslations> {
        crate::graphql::translations_of(crate::graphql::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        crate::graphql::languages_of(&crate::graphql::Localized::texts(self))
    }
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        GlobalId::of_plan_record("MonitoringCommitment", &self.plan, &self.row.code)
    }
    /// Stable code.
    async fn code(&self) -> &str {
        &self.row.code
    }
    /// Kind.
    async fn kind(&self) -> Result<MonitoringKind, ApiError> {
        db_enum(&self.row.kind)
    }
    /// Year it is due, when the plan says.
    async fn year(&self) -> Option<i32> {
        self.row.year
    }
    /// The commitment, as the plan words it.
    async fn text(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.text, lang)
    }
}

/// Group of the participants list.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum ParticipantGroup {
    /// Área Metropolitana de Barcelona.
    Amb,
    /// Other public administrations.
    OtherPublicAdministrations,
    /// Public and private institutions.
    PublicPrivateInstitutions,
}

/// A person who took part in drafting the plan.
pub type Participant = Scoped<participant::Model>;

/// A person who took part in drafting the plan.
#[Object]
impl Participant {
    /// Every localized text of the record, in every language it has (list items are named
    /// `field[index]`).
    async fn translations(
        &self,
        #[graphql(desc = "Only these fields (by their GraphQL names); all when omitted.")]
        fields: Option<Vec<String>>,
    ) -> Vec<crate::graphql::FieldTranslations> {
        crate::graphql::translations_of(crate::graphql::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        crate::graphql::languages_of(&crate::graphql::Localized::texts(self))
    }
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        GlobalId::of_plan_record("Participant", &self.plan, &self.row.code)
    }
    /// Stable code (`P001`…, in document order).
    async fn code(&self) -> &str {
        &self.row.code
    }
    /// Full name.
    async fn name(&self) -> &str {
        &self.row.name
    }
    /// Position held, as the plan lists it.
    async fn position(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.job_title, lang)
    }
    /// Institution, as the plan writes it.
    async fn organization_name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.institution, lang)
    }
    /// Group of the participants list.
    async fn group(&self) -> Result<ParticipantGroup, ApiError> {
        db_enum(&self.row.participant_group)
    }
}

/// An acronym of the plan's glossary.
pub type GlossaryEntry = Scoped<glossary_entry::Model>;

/// An acronym of the plan's glossary.
#[Object]
impl GlossaryEntry {
    /// Every localized text of the record, in every language it has (list items are named
    /// `field[index]`).
    async fn translations(
        &self,
        #[graphql(desc = "Only these fields (by their GraphQL names); all when omitted.")]
        fields: Option<Vec<String>>,
    ) -> Vec<crate::graphql::FieldTranslations> {
        crate::graphql::translations_of(crate::graphql::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        crate::graphql::languages_of(&crate::graphql::Localized::texts(self))
    }
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        GlobalId::of_plan_record("GlossaryEntry", &self.plan, &self.row.code)
    }
    /// The acronym, in the language asked for (`ODS` in Spanish, `SDG` in English).
    async fn acronym(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.acronym_i18n, lang)
    }
    /// Stable code: the acronym in its Spanish form.
    async fn code(&self) -> &str {
        &self.row.code
    }
    /// What it stands for.
    async fn meaning(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.meaning, lang)
    }
    /// The name in its original language, when the glossary gives it.
    async fn original(&self) -> Option<&str> {
        self.row.original.as_deref()
    }
    /// The organization the acronym names, when it is one of the registry.
    async fn organization(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::graphql::actors::Organization>, ApiError> {
        let key = loaders::OrgByAcronym(self.row.acronym.clone());
        Ok(loaders(ctx)?
            .load_one(key)
            .await?
            .map(|m| crate::graphql::actors::Organization::new(std::sync::Arc::new(m))))
    }
}

impl crate::graphql::Localized for GovernanceItem {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        let mut out = vec![("title".into(), &self.row.title)];
        out.extend(self.row.summary.as_ref().map(|t| ("summary".into(), t)));
        out.push(("description".into(), &self.row.description));
        out
    }
}

impl crate::graphql::Localized for MonitoringCommitment {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("text".into(), &self.row.text)]
    }
}

impl crate::graphql::Localized for Participant {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("position".into(), &self.row.job_title),
            ("organizationName".into(), &self.row.institution),
        ]
    }
}

impl crate::graphql::Localized for GlossaryEntry {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("acronym".into(), &self.row.acronym_i18n),
            ("meaning".into(), &self.row.meaning),
        ]
    }
}
