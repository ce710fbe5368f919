//! The plan and the parts of it that are lists of text: sections, key figures, SWOT,
//! objectives, themes, governance, monitoring, participants and glossary.
//!
//! Over 700 lines, not split yet (#11): the plan object and the eleven list-of-text types, which
//! share one shape and should become one pattern for plan-scoped objects before they move out.
// Over 700 lines: to be split into modules a newcomer can name under issue 11 (typed domain
// and one service layer), which reshapes this file anyway.

use async_graphql::{Context, Enum, ID, Object};
use entity::{
    glossary_entry, governance_item, key_figure, monitoring_commitment, participant, plan, section,
    specific_objective, swot_item, theme,
};

use super::geography::GeographicZone;
use super::node::GlobalId;
use super::scalars::{Date, Decimal};
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

/// A narrative section of the plan (presentation, introduction, methodology, …).
pub struct Section(pub(crate) section::Model, pub(crate) String);

/// A narrative section of the plan (presentation, introduction, methodology, …).
#[Object]
impl Section {
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
        GlobalId::of_plan_record("Section", &self.1, &self.0.code)
    }
    /// Stable code (`presentation`, `introduction`, `methodology`, `starting-point`, …).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Roman numeral of the section in the document; empty for unnumbered sections.
    async fn numeral(&self) -> &str {
        &self.0.numeral
    }
    /// Heading.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.title, lang)
    }
    /// Full text: paragraphs separated by a blank line, list items on lines starting `- `.
    async fn body(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.body, lang)
    }
    /// Who signs the section, when it is signed.
    async fn signature(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> Option<String> {
        self.0.signature.as_ref().map(|s| tr(ctx, s, lang))
    }
}

/// Unit of a key figure.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum FigureUnit {
    /// Municipalities.
    Municipality,
    /// People.
    Person,
    /// Euros.
    Eur,
    /// Per cent (0-100).
    Percent,
    /// Percentage points.
    PercentagePoint,
    /// Projects.
    Project,
    /// Interviews.
    Interview,
    /// Institutions.
    Institution,
    /// Metropolises.
    Metropolis,
    /// Years.
    Year,
    /// A fraction of a whole (0-1).
    Fraction,
}

/// How a key figure's value relates to the quantity the plan states.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum Comparator {
    /// Exactly the value.
    Exact,
    /// More than the value ("más de").
    MoreThan,
    /// About the value ("aproximadamente").
    About,
}

/// A figure the plan states.
pub struct KeyFigure(pub(crate) key_figure::Model, pub(crate) String);

/// A figure the plan states.
#[Object]
impl KeyFigure {
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
        GlobalId::of_plan_record("KeyFigure", &self.1, &self.0.code)
    }
    /// Stable code.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Short label.
    async fn label(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.label, lang)
    }
    /// The value, an exact decimal in `unit` (e.g. 3200000 people, 9460000 EUR).
    async fn value(&self) -> Result<Decimal, ApiError> {
        self.0
            .value
            .parse()
            .map(Decimal)
            .map_err(|_| ApiError::Internal)
    }
    /// Unit of the value.
    async fn unit(&self) -> Result<FigureUnit, ApiError> {
        db_enum(&self.0.unit)
    }
    /// Whether the plan states the value exactly, as a minimum, or approximately.
    async fn comparator(&self) -> Result<Comparator, ApiError> {
        db_enum(&self.0.comparator)
    }
    /// Year the figure refers to, when the plan says.
    async fn year(&self) -> Option<i32> {
        self.0.year
    }
    /// Code of the section the figure comes from.
    async fn section_code(&self) -> &str {
        &self.0.section_code
    }
    /// The sentence the figure comes from, verbatim.
    async fn sentence(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.sentence, lang)
    }
}

/// Quadrant of the SWOT diagram.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum SwotKind {
    /// Strength (fortaleza).
    Strength,
    /// Weakness (debilidad).
    Weakness,
    /// Opportunity (oportunidad).
    Opportunity,
    /// Threat (amenaza).
    Threat,
}

/// An item of the SWOT diagram.
pub struct SwotItem(pub(crate) swot_item::Model, pub(crate) String);

/// An item of the SWOT diagram.
#[Object]
impl SwotItem {
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
        GlobalId::of_plan_record("SwotItem", &self.1, &self.0.code)
    }
    /// Stable code: the kind's initial and the item's number within it (`S1`, `W12`, `T5`).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Quadrant.
    async fn kind(&self) -> Result<SwotKind, ApiError> {
        db_enum(&self.0.kind)
    }
    /// The item.
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

/// A specific objective of the plan.
pub struct SpecificObjective(pub(crate) specific_objective::Model, pub(crate) String);

/// A specific objective of the plan.
#[Object]
impl SpecificObjective {
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
        GlobalId::of_plan_record("SpecificObjective", &self.1, &self.0.code)
    }
    /// Stable code (`OE1`-`OE3`).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Number of the objective.
    async fn number(&self) -> i32 {
        self.0.position
    }
    /// The objective.
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

/// Why a theme is a priority.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum ThemeCategory {
    /// A core competence of the AMB under Law 31/2010.
    OwnCompetence,
    /// A field gaining weight.
    Growing,
    /// Another field with a strong metropolitan dimension.
    Other,
}

/// A priority theme.
pub struct Theme(pub(crate) theme::Model, pub(crate) String);

/// A priority theme.
#[Object]
impl Theme {
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
        GlobalId::of_plan_record("Theme", &self.1, &self.0.code)
    }
    /// Stable code.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Why it is a priority.
    async fn category(&self) -> Result<ThemeCategory, ApiError> {
        db_enum(&self.0.category)
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
    /// Sub-topics.
    async fn subtopics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> Vec<String> {
        self.0
            .subtopics
            .0
            .iter()
            .map(|t| tr(ctx, t, lang))
            .collect()
    }
    /// The theme as worded in the closing summary table, when it appears there.
    async fn summary_label(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> Option<String> {
        self.0.summary_label.as_ref().map(|t| tr(ctx, t, lang))
    }
    /// Description, when the plan gives one.
    async fn description(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> Option<String> {
        self.0.description.as_ref().map(|t| tr(ctx, t, lang))
    }
}

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
    ) -> Vec<super::FieldTranslations> {
        super::translations_of(super::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        super::languages_of(&super::Localized::texts(self))
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
    ) -> Result<Vec<super::actors::Organization>, ApiError> {
        let codes = self.0.organizations.0.iter().cloned().map(l::OrgByCode);
        let mut found = loaders(ctx)?.load_many(codes).await?;
        Ok(self
            .0
            .organizations
            .0
            .iter()
            .filter_map(|c| found.remove(&l::OrgByCode(c.clone())))
            .map(super::actors::Organization)
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
    ) -> Vec<super::FieldTranslations> {
        super::translations_of(super::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        super::languages_of(&super::Localized::texts(self))
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
    ) -> Vec<super::FieldTranslations> {
        super::translations_of(super::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        super::languages_of(&super::Localized::texts(self))
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
    ) -> Vec<super::FieldTranslations> {
        super::translations_of(super::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        super::languages_of(&super::Localized::texts(self))
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
    ) -> Result<Option<super::actors::Organization>, ApiError> {
        let key = l::OrgByAcronym(self.0.acronym.clone());
        Ok(loaders(ctx)?
            .load_one(key)
            .await?
            .map(super::actors::Organization))
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

impl super::Localized for Section {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        let mut out = vec![
            ("title".into(), &self.0.title),
            ("body".into(), &self.0.body),
        ];
        out.extend(self.0.signature.as_ref().map(|t| ("signature".into(), t)));
        out
    }
}

impl super::Localized for KeyFigure {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("label".into(), &self.0.label),
            ("sentence".into(), &self.0.sentence),
        ]
    }
}

impl super::Localized for SwotItem {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("text".into(), &self.0.text)]
    }
}

impl super::Localized for SpecificObjective {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("text".into(), &self.0.text)]
    }
}

impl super::Localized for Theme {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        let mut out = vec![("title".into(), &self.0.title)];
        out.extend(
            self.0
                .subtopics
                .0
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("subtopics[{i}]"), t)),
        );
        out.extend(
            self.0
                .summary_label
                .as_ref()
                .map(|t| ("summaryLabel".into(), t)),
        );
        out.extend(
            self.0
                .description
                .as_ref()
                .map(|t| ("description".into(), t)),
        );
        out
    }
}

impl super::Localized for GovernanceItem {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        let mut out = vec![("title".into(), &self.0.title)];
        out.extend(self.0.summary.as_ref().map(|t| ("summary".into(), t)));
        out.push(("description".into(), &self.0.description));
        out
    }
}

impl super::Localized for MonitoringCommitment {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("text".into(), &self.0.text)]
    }
}

impl super::Localized for Participant {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("position".into(), &self.0.job_title),
            ("organizationName".into(), &self.0.institution),
        ]
    }
}

impl super::Localized for GlossaryEntry {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("acronym".into(), &self.0.acronym_i18n),
            ("meaning".into(), &self.0.meaning),
        ]
    }
}
