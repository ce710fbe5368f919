//! The plan: its root fields, the plan object and its publication credits. What the plan states
//! as text is in [`narrative`]; how it is run and who made it, in [`governance`].

mod governance;
mod narrative;

pub use governance::*;
pub use narrative::*;

use async_graphql::{Context, ID, Object};
use entity::plan;

use super::geography::GeographicZone;
use super::node::GlobalId;
use super::scalars::Date;
use super::strategy::{FormOfIntervention, StrategicLine};
use super::{db, db_enum, loaders, tr};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::loaders::{self as l, many};

/// Root fields about plans.
#[derive(Default)]
pub struct PlanQuery;

/// Root fields about plans.
#[Object]
impl PlanQuery {
    /// A plan by code; the current plan when `code` is omitted. Never null in practice: an
    /// unknown code is a `NOT_FOUND` error. The field stays nullable as first published, so
    /// that clients generated against the contract keep compiling.
    async fn plan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Plan code, e.g. `AMB-PI-2021-2025`; omit it for the current plan.")]
        code: Option<String>,
    ) -> Result<Option<Plan>, ApiError> {
        Ok(Some(Plan(l::plan(loaders(ctx)?, code.as_deref()).await?)))
    }

    /// Every plan loaded, oldest first.
    #[graphql(complexity = "10 * child_complexity")]
    async fn plans(&self, ctx: &Context<'_>) -> Result<Vec<Plan>, ApiError> {
        Ok(l::plans(loaders(ctx)?)
            .await?
            .into_iter()
            .map(Plan)
            .collect())
    }
}

/// A plan: the Internationalisation Plan of the AMB for a period, with everything it contains.
pub struct Plan(pub(crate) plan::Model);

/// A plan: the Internationalisation Plan of the AMB for a period, with everything it contains.
#[Object]
impl Plan {
    /// Every localized text of the record, in every language it has (list items are named
    /// `field[index]`).
    async fn translations(
        &self,
        #[graphql(desc = "Only these fields (by their GraphQL names); all when omitted.")]
        fields: Option<Vec<String>>,
    ) -> Vec<super::FieldTranslations> {
        super::translations_of(super::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        super::languages_of(&super::Localized::texts(self))
    }
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        GlobalId::of_shared("Plan", &self.0.code)
    }
    /// Stable code, e.g. `AMB-PI-2021-2025`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Whether this is the plan served when no plan code is given.
    async fn current(&self) -> bool {
        self.0.current
    }
    /// Full title.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.title, lang)
    }
    /// Short title.
    async fn short_title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.short_title, lang)
    }
    /// First year the plan covers.
    async fn start_year(&self) -> i32 {
        self.0.start_year
    }
    /// Last year the plan covers.
    async fn end_year(&self) -> i32 {
        self.0.end_year
    }
    /// Date the plan was approved.
    async fn approved_on(&self) -> Date {
        Date(self.0.approved_on)
    }
    /// Body that approved the plan.
    async fn approved_by(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.approved_by, lang)
    }
    /// The plan's own sentence recording its approval.
    async fn approval_statement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.approval_statement, lang)
    }
    /// Month of publication, `YYYY-MM`.
    async fn published(&self) -> &str {
        &self.0.published
    }
    /// Place of publication.
    async fn published_place(&self) -> &str {
        &self.0.published_place
    }
    /// Legal deposit number of the printed edition.
    async fn legal_deposit(&self) -> &str {
        &self.0.legal_deposit
    }
    /// Copyright notice.
    async fn copyright(&self) -> &str {
        &self.0.copyright
    }
    /// Languages the plan is published in.
    async fn publication_languages(&self) -> Vec<Lang> {
        self.0
            .publication_languages
            .0
            .iter()
            .filter_map(|c| Lang::from_tag(c))
            .collect()
    }
    /// Why the plan is published in several languages.
    async fn publication_note(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.publication_note, lang)
    }
    /// Credits of the publication (coordination, edition, design, printing, photographs).
    async fn credits(&self) -> Vec<Credit> {
        self.0.credits.0.iter().cloned().map(Credit).collect()
    }
    /// The general objective of the plan.
    async fn general_objective(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.general_objective, lang)
    }
    /// The specific objectives (OE1-OE3).
    #[graphql(complexity = "10 * child_complexity")]
    async fn specific_objectives(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<SpecificObjective>, ApiError> {
        let rows = many::<l::ObjectivesOfPlan>(loaders(ctx)?, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|m| SpecificObjective(m, self.0.code.clone()))
            .collect())
    }
    /// The priority themes.
    #[graphql(complexity = "10 * child_complexity")]
    async fn themes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the themes of this category.")] category: Option<ThemeCategory>,
    ) -> Result<Vec<Theme>, ApiError> {
        let rows = many::<l::ThemesOfPlan>(loaders(ctx)?, self.0.id).await?;
        let mut out = Vec::new();
        for m in rows {
            if category.is_none_or(|c| db_enum::<ThemeCategory>(&m.category).ok() == Some(c)) {
                out.push(Theme(m, self.0.code.clone()));
            }
        }
        Ok(out)
    }
    /// The published state of all the plan's actions and indicators.
    async fn progress_summary(
        &self,
        ctx: &Context<'_>,
    ) -> Result<super::report::ProgressSummary, ApiError> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let db = db(ctx)?;
        let actions: Vec<String> = entity::action::Entity::find()
            .filter(entity::action::Column::PlanId.eq(self.0.id))
            .all(db)
            .await?
            .into_iter()
            .map(|a| a.code)
            .collect();
        let results: Vec<String> = entity::expected_result::Entity::find()
            .filter(entity::expected_result::Column::PlanId.eq(self.0.id))
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.code)
            .collect();
        let published = super::monitoring::published(ctx, self.0.id).await?;
        Ok(super::report::ProgressSummary(
            crate::monitoring::report::rollup(&published, &actions, &results),
        ))
    }
    /// The strategic lines (LE1-LE5).
    #[graphql(complexity = "10 * child_complexity")]
    async fn strategic_lines(&self, ctx: &Context<'_>) -> Result<Vec<StrategicLine>, ApiError> {
        let rows = many::<l::LinesOfPlan>(loaders(ctx)?, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|m| StrategicLine::new(m, &self.0.code))
            .collect())
    }
    /// The SWOT diagram of the starting point, in document order.
    #[graphql(complexity = "10 * child_complexity")]
    async fn swot(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the items of this kind.")] kind: Option<SwotKind>,
    ) -> Result<Vec<SwotItem>, ApiError> {
        let rows = many::<l::SwotOfPlan>(loaders(ctx)?, self.0.id).await?;
        let mut out = Vec::new();
        for m in rows {
            if kind.is_none_or(|k| db_enum::<SwotKind>(&m.kind).ok() == Some(k)) {
                out.push(SwotItem(m, self.0.code.clone()));
            }
        }
        Ok(out)
    }
    /// The forms of intervention (a-d).
    #[graphql(complexity = "10 * child_complexity")]
    async fn forms_of_intervention(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<FormOfIntervention>, ApiError> {
        let rows = many::<l::FormsOfPlan>(loaders(ctx)?, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|m| FormOfIntervention::new(m, &self.0.code))
            .collect())
    }
    /// The geographic zones of intervention.
    #[graphql(complexity = "10 * child_complexity")]
    async fn zones(&self, ctx: &Context<'_>) -> Result<Vec<GeographicZone>, ApiError> {
        let rows = many::<l::ZonesOfPlan>(loaders(ctx)?, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|m| GeographicZone::new(m, &self.0.code))
            .collect())
    }
    /// The glossary of acronyms.
    #[graphql(complexity = "10 * child_complexity")]
    async fn glossary(&self, ctx: &Context<'_>) -> Result<Vec<GlossaryEntry>, ApiError> {
        let rows = many::<l::GlossaryOfPlan>(loaders(ctx)?, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|m| GlossaryEntry(m, self.0.code.clone()))
            .collect())
    }
    /// The people who took part in drafting the plan.
    #[graphql(complexity = "10 * child_complexity")]
    async fn participants(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the participants of this group.")] group: Option<ParticipantGroup>,
    ) -> Result<Vec<Participant>, ApiError> {
        let rows = many::<l::ParticipantsOfPlan>(loaders(ctx)?, self.0.id).await?;
        let mut out = Vec::new();
        for m in rows {
            if group
                .is_none_or(|g| db_enum::<ParticipantGroup>(&m.participant_group).ok() == Some(g))
            {
                out.push(Participant(m, self.0.code.clone()));
            }
        }
        Ok(out)
    }
    /// Governance of the plan: political lead, executive deployment, coordination bodies.
    #[graphql(complexity = "10 * child_complexity")]
    async fn governance(&self, ctx: &Context<'_>) -> Result<Vec<GovernanceItem>, ApiError> {
        let rows = many::<l::GovernanceOfPlan>(loaders(ctx)?, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|m| GovernanceItem(m, self.0.code.clone()))
            .collect())
    }
    /// The monitoring and evaluation framework: annual report, mid-term and final evaluations.
    #[graphql(complexity = "10 * child_complexity")]
    async fn monitoring(&self, ctx: &Context<'_>) -> Result<Vec<MonitoringCommitment>, ApiError> {
        let rows = many::<l::MonitoringOfPlan>(loaders(ctx)?, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|m| MonitoringCommitment(m, self.0.code.clone()))
            .collect())
    }
    /// Figures the plan states, each with its unit and the sentence it comes from.
    #[graphql(complexity = "10 * child_complexity")]
    async fn key_figures(&self, ctx: &Context<'_>) -> Result<Vec<KeyFigure>, ApiError> {
        let rows = many::<l::KeyFiguresOfPlan>(loaders(ctx)?, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|m| KeyFigure(m, self.0.code.clone()))
            .collect())
    }
    /// The narrative sections, in document order.
    #[graphql(complexity = "10 * child_complexity")]
    async fn sections(&self, ctx: &Context<'_>) -> Result<Vec<Section>, ApiError> {
        let rows = many::<l::SectionsOfPlan>(loaders(ctx)?, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|m| Section(m, self.0.code.clone()))
            .collect())
    }
    /// One narrative section by code (`presentation`, `introduction`, `methodology`, …).
    async fn section(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Section code.")] code: String,
    ) -> Result<Section, ApiError> {
        let rows = many::<l::SectionsOfPlan>(loaders(ctx)?, self.0.id).await?;
        rows.into_iter()
            .find(|s| s.code == code)
            .map(|m| Section(m, self.0.code.clone()))
            .ok_or_else(|| ApiError::NotFound(format!("no section with code {code:?}")))
    }
}

/// A credit line of the publication.
pub struct Credit(entity::Credit);

/// A credit line of the publication.
#[Object]
impl Credit {
    /// Every localized text of the record, in every language it has (list items are named
    /// `field[index]`).
    async fn translations(
        &self,
        #[graphql(desc = "Only these fields (by their GraphQL names); all when omitted.")]
        fields: Option<Vec<String>>,
    ) -> Vec<super::FieldTranslations> {
        super::translations_of(super::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        super::languages_of(&super::Localized::texts(self))
    }
    /// What was done ("Coordinación de contenidos").
    async fn role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.role, lang)
    }
    /// Who did it; several lines are separated by line breaks.
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

impl super::Localized for Plan {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("title".into(), &self.0.title),
            ("shortTitle".into(), &self.0.short_title),
            ("approvedBy".into(), &self.0.approved_by),
            ("approvalStatement".into(), &self.0.approval_statement),
            ("publicationNote".into(), &self.0.publication_note),
            ("generalObjective".into(), &self.0.general_objective),
        ]
    }
}

impl super::Localized for Credit {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("role".into(), &self.0.role), ("text".into(), &self.0.text)]
    }
}
