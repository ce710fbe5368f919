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
use super::{db, db_enum, loaders, tr_ref};
use crate::error::ApiError;
use crate::graphql::scoped::Scoped;
use crate::i18n::Lang;
use crate::loaders::{self, many};

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
        Ok(Some(Plan::of(
            loaders::plan(loaders(ctx)?, code.as_deref()).await?,
        )))
    }

    /// Every plan loaded, oldest first.
    #[graphql(complexity = "10 * child_complexity")]
    async fn plans(&self, ctx: &Context<'_>) -> Result<Vec<Plan>, ApiError> {
        Ok(loaders::plans(loaders(ctx)?)
            .await?
            .into_iter()
            .map(Plan::of)
            .collect())
    }
}

/// A plan: the Internationalisation Plan of the AMB for a period, with everything it contains.
pub type Plan = Scoped<plan::Model>;

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
        GlobalId::of_shared("Plan", &self.row.code)
    }
    /// Stable code, e.g. `AMB-PI-2021-2025`.
    async fn code(&self) -> &str {
        &self.row.code
    }
    /// Whether this is the plan served when no plan code is given.
    async fn current(&self) -> bool {
        self.row.current
    }
    /// Full title.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.title, lang)
    }
    /// Short title.
    async fn short_title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.short_title, lang)
    }
    /// First year the plan covers.
    async fn start_year(&self) -> i32 {
        self.row.start_year
    }
    /// Last year the plan covers.
    async fn end_year(&self) -> i32 {
        self.row.end_year
    }
    /// Date the plan was approved.
    async fn approved_on(&self) -> Date {
        Date(self.row.approved_on)
    }
    /// Body that approved the plan.
    async fn approved_by(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.approved_by, lang)
    }
    /// The plan's own sentence recording its approval.
    async fn approval_statement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.approval_statement, lang)
    }
    /// Month of publication, `YYYY-MM`.
    async fn published(&self) -> &str {
        &self.row.published
    }
    /// Place of publication.
    async fn published_place(&self) -> &str {
        &self.row.published_place
    }
    /// Legal deposit number of the printed edition.
    async fn legal_deposit(&self) -> &str {
        &self.row.legal_deposit
    }
    /// Copyright notice.
    async fn copyright(&self) -> &str {
        &self.row.copyright
    }
    /// Languages the plan is published in.
    async fn publication_languages(&self) -> Vec<Lang> {
        self.row
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
    ) -> &str {
        tr_ref(ctx, &self.row.publication_note, lang)
    }
    /// Credits of the publication (coordination, edition, design, printing, photographs).
    async fn credits(&self) -> Vec<Credit> {
        self.row
            .credits
            .0
            .iter()
            .cloned()
            .map(|row| Credit { row })
            .collect()
    }
    /// The general objective of the plan.
    async fn general_objective(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.general_objective, lang)
    }
    /// The specific objectives (OE1-OE3).
    #[graphql(complexity = "10 * child_complexity")]
    async fn specific_objectives(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<SpecificObjective>, ApiError> {
        let rows = many::<loaders::ObjectivesOfPlan>(loaders(ctx)?, self.row.id).await?;
        Ok(rows.into_iter().map(|m| self.child(m)).collect())
    }
    /// The priority themes.
    #[graphql(complexity = "10 * child_complexity")]
    async fn themes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the themes of this category.")] category: Option<ThemeCategory>,
    ) -> Result<Vec<Theme>, ApiError> {
        let rows = many::<loaders::ThemesOfPlan>(loaders(ctx)?, self.row.id).await?;
        let mut out = Vec::new();
        for m in rows {
            if category.is_none_or(|c| db_enum::<ThemeCategory>(&m.category).ok() == Some(c)) {
                out.push(self.child(m));
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
            .filter(entity::action::Column::PlanId.eq(self.row.id))
            .all(db)
            .await?
            .into_iter()
            .map(|a| a.code)
            .collect();
        let results: Vec<String> = entity::expected_result::Entity::find()
            .filter(entity::expected_result::Column::PlanId.eq(self.row.id))
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.code)
            .collect();
        let published = super::monitoring::published(ctx, self.row.id).await?;
        Ok(super::report::ProgressSummary(
            crate::monitoring::report::rollup(&published, &actions, &results),
        ))
    }
    /// The strategic lines (LE1-LE5).
    #[graphql(complexity = "10 * child_complexity")]
    async fn strategic_lines(&self, ctx: &Context<'_>) -> Result<Vec<StrategicLine>, ApiError> {
        let rows = many::<loaders::LinesOfPlan>(loaders(ctx)?, self.row.id).await?;
        Ok(rows.into_iter().map(|m| self.child(m)).collect())
    }
    /// The SWOT diagram of the starting point, in document order.
    #[graphql(complexity = "10 * child_complexity")]
    async fn swot(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the items of this kind.")] kind: Option<SwotKind>,
    ) -> Result<Vec<SwotItem>, ApiError> {
        let rows = many::<loaders::SwotOfPlan>(loaders(ctx)?, self.row.id).await?;
        let mut out = Vec::new();
        for m in rows {
            if kind.is_none_or(|k| db_enum::<SwotKind>(&m.kind).ok() == Some(k)) {
                out.push(self.child(m));
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
        let rows = many::<loaders::FormsOfPlan>(loaders(ctx)?, self.row.id).await?;
        Ok(rows.into_iter().map(|m| self.child(m)).collect())
    }
    /// The geographic zones of intervention.
    #[graphql(complexity = "10 * child_complexity")]
    async fn zones(&self, ctx: &Context<'_>) -> Result<Vec<GeographicZone>, ApiError> {
        let rows = many::<loaders::ZonesOfPlan>(loaders(ctx)?, self.row.id).await?;
        Ok(rows.into_iter().map(|m| self.child(m)).collect())
    }
    /// The glossary of acronyms.
    #[graphql(complexity = "10 * child_complexity")]
    async fn glossary(&self, ctx: &Context<'_>) -> Result<Vec<GlossaryEntry>, ApiError> {
        let rows = many::<loaders::GlossaryOfPlan>(loaders(ctx)?, self.row.id).await?;
        Ok(rows.into_iter().map(|m| self.child(m)).collect())
    }
    /// The people who took part in drafting the plan.
    #[graphql(complexity = "10 * child_complexity")]
    async fn participants(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the participants of this group.")] group: Option<ParticipantGroup>,
    ) -> Result<Vec<Participant>, ApiError> {
        let rows = many::<loaders::ParticipantsOfPlan>(loaders(ctx)?, self.row.id).await?;
        let mut out = Vec::new();
        for m in rows {
            if group
                .is_none_or(|g| db_enum::<ParticipantGroup>(&m.participant_group).ok() == Some(g))
            {
                out.push(self.child(m));
            }
        }
        Ok(out)
    }
    /// Governance of the plan: political lead, executive deployment, coordination bodies.
    #[graphql(complexity = "10 * child_complexity")]
    async fn governance(&self, ctx: &Context<'_>) -> Result<Vec<GovernanceItem>, ApiError> {
        let rows = many::<loaders::GovernanceOfPlan>(loaders(ctx)?, self.row.id).await?;
        Ok(rows.into_iter().map(|m| self.child(m)).collect())
    }
    /// The monitoring and evaluation framework: annual report, mid-term and final evaluations.
    #[graphql(complexity = "10 * child_complexity")]
    async fn monitoring(&self, ctx: &Context<'_>) -> Result<Vec<MonitoringCommitment>, ApiError> {
        let rows = many::<loaders::MonitoringOfPlan>(loaders(ctx)?, self.row.id).await?;
        Ok(rows.into_iter().map(|m| self.child(m)).collect())
    }
    /// Figures the plan states, each with its unit and the sentence it comes from.
    #[graphql(complexity = "10 * child_complexity")]
    async fn key_figures(&self, ctx: &Context<'_>) -> Result<Vec<KeyFigure>, ApiError> {
        let rows = many::<loaders::KeyFiguresOfPlan>(loaders(ctx)?, self.row.id).await?;
        Ok(rows.into_iter().map(|m| self.child(m)).collect())
    }
    /// The narrative sections, in document order.
    #[graphql(complexity = "10 * child_complexity")]
    async fn sections(&self, ctx: &Context<'_>) -> Result<Vec<Section>, ApiError> {
        let rows = many::<loaders::SectionsOfPlan>(loaders(ctx)?, self.row.id).await?;
        Ok(rows.into_iter().map(|m| self.child(m)).collect())
    }
    /// One narrative section by code (`presentation`, `introduction`, `methodology`, …).
    async fn section(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Section code.")] code: String,
    ) -> Result<Section, ApiError> {
        let rows = many::<loaders::SectionsOfPlan>(loaders(ctx)?, self.row.id).await?;
        rows.into_iter()
            .find(|s| s.code == code)
            .map(|m| self.child(m))
            .ok_or_else(|| ApiError::NotFound(format!("no section with code {code:?}")))
    }
}

/// A credit line of the publication.
pub struct Credit {
    row: entity::Credit,
}

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
    ) -> &str {
        tr_ref(ctx, &self.row.role, lang)
    }
    /// Who did it; several lines are separated by line breaks.
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

impl super::Localized for Plan {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("title".into(), &self.row.title),
            ("shortTitle".into(), &self.row.short_title),
            ("approvedBy".into(), &self.row.approved_by),
            ("approvalStatement".into(), &self.row.approval_statement),
            ("publicationNote".into(), &self.row.publication_note),
            ("generalObjective".into(), &self.row.general_objective),
        ]
    }
}

impl super::Localized for Credit {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("role".into(), &self.row.role),
            ("text".into(), &self.row.text),
        ]
    }
}
