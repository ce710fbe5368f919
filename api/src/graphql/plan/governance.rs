//! How the plan is run and who made it: governance, monitoring commitments, participants and
//! the glossary.

use async_graphql::{Context, Enum, ID, Object};
use entity::{glossary_entry, governance_item, monitoring_commitment, participant};

use crate::error::ApiError;
use crate::graphql::node::GlobalId;
use crate::graphql::{db_enum, loaders, tr};
use crate::i18n::Lang;
use crate::loaders::{self as l};

/// An element of the plan's governance.
pub struct GovernanceItem(pub(crate) governance_item::Model, pub(crate) String);

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
        GlobalId::of_plan_record("GovernanceItem", &self.1, &self.0.code)
    }
    /// Stable code (`political-lead`, `executive-deployment`, `municipal-coordination`, …).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Name.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.title, lang)
    }
    /// The item as worded in the closing summary table, when it appears there.
    async fn summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> Option<String> {
        self.0.summary.as_ref().map(|t| tr(ctx, t, lang))
    }
    /// Description from the governance section.
    async fn description(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.description, lang)
    }
    /// The organizations it names.
    #[graphql(complexity = "10 * child_complexity")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::graphql::actors::Organization>, ApiError> {
        let codes = self.0.organizations.0.iter().cloned().map(l::OrgByCode);
        let mut found = loaders(ctx)?.load_many(codes).await?;
        Ok(self
            .0
            .organizations
            .0
            .iter()
            .filter_map(|c| found.remove(&l::OrgByCode(c.clone())))
            .map(crate::graphql::actors::Organization)
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
pub struct MonitoringCommitment(pub(crate) monitoring_commitment::Model, pub(crate) String);

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
        GlobalId::of_plan_record("MonitoringCommitment", &self.1, &self.0.code)
    }
    /// Stable code.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Kind.
    async fn kind(&self) -> Result<MonitoringKind, ApiError> {
        db_enum(&self.0.kind)
    }
    /// Year it is due, when the plan says.
    async fn year(&self) -> Option<i32> {
        self.0.year
    }
    /// The commitment, as the plan words it.
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
pub struct Participant(pub(crate) participant::Model, pub(crate) String);

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
        GlobalId::of_plan_record("Participant", &self.1, &self.0.code)
    }
    /// Stable code (`P001`…, in document order).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Full name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Position held, as the plan lists it.
    async fn position(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.job_title, lang)
    }
    /// Institution, as the plan writes it.
    async fn organization_name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.institution, lang)
    }
    /// Group of the participants list.
    async fn group(&self) -> Result<ParticipantGroup, ApiError> {
        db_enum(&self.0.participant_group)
    }
}

/// An acronym of the plan's glossary.
pub struct GlossaryEntry(pub(crate) glossary_entry::Model, pub(crate) String);

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
        GlobalId::of_plan_record("GlossaryEntry", &self.1, &self.0.code)
    }
    /// The acronym, in the language asked for (`ODS` in Spanish, `SDG` in English).
    async fn acronym(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.acronym_i18n, lang)
    }
    /// Stable code: the acronym in its Spanish form.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// What it stands for.
    async fn meaning(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.meaning, lang)
    }
    /// The name in its original language, when the glossary gives it.
    async fn original(&self) -> Option<&str> {
        self.0.original.as_deref()
    }
    /// The organization the acronym names, when it is one of the registry.
    async fn organization(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::graphql::actors::Organization>, ApiError> {
        let key = l::OrgByAcronym(self.0.acronym.clone());
        Ok(loaders(ctx)?
            .load_one(key)
            .await?
            .map(crate::graphql::actors::Organization))
    }
}

impl crate::graphql::Localized for GovernanceItem {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        let mut out = vec![("title".into(), &self.0.title)];
        out.extend(self.0.summary.as_ref().map(|t| ("summary".into(), t)));
        out.push(("description".into(), &self.0.description));
        out
    }
}

impl crate::graphql::Localized for MonitoringCommitment {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("text".into(), &self.0.text)]
    }
}

impl crate::graphql::Localized for Participant {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("position".into(), &self.0.job_title),
            ("organizationName".into(), &self.0.institution),
        ]
    }
}

impl crate::graphql::Localized for GlossaryEntry {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("acronym".into(), &self.0.acronym_i18n),
            ("meaning".into(), &self.0.meaning),
        ]
    }
}
