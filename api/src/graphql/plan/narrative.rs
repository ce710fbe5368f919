//! What the plan states as text: its narrative sections, key figures, SWOT diagram, specific
//! objectives and priority themes.

use async_graphql::{Context, Enum, ID, Object};
use entity::{key_figure, section, specific_objective, swot_item, theme};

use crate::error::ApiError;
use crate::graphql::node::GlobalId;
use crate::graphql::scalars::Decimal;
use crate::graphql::{db_enum, tr};
use crate::i18n::Lang;

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
    ) -> Vec<crate::graphql::FieldTranslations> {
        crate::graphql::translations_of(crate::graphql::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        crate::graphql::languages_of(&crate::graphql::Localized::texts(self))
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
    ) -> Vec<crate::graphql::FieldTranslations> {
        crate::graphql::translations_of(crate::graphql::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        crate::graphql::languages_of(&crate::graphql::Localized::texts(self))
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
    ) -> Vec<crate::graphql::FieldTranslations> {
        crate::graphql::translations_of(crate::graphql::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        crate::graphql::languages_of(&crate::graphql::Localized::texts(self))
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
    ) -> Vec<crate::graphql::FieldTranslations> {
        crate::graphql::translations_of(crate::graphql::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        crate::graphql::languages_of(&crate::graphql::Localized::texts(self))
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
    ) -> Vec<crate::graphql::FieldTranslations> {
        crate::graphql::translations_of(crate::graphql::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        crate::graphql::languages_of(&crate::graphql::Localized::texts(self))
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

impl crate::graphql::Localized for Section {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        let mut out = vec![
            ("title".into(), &self.0.title),
            ("body".into(), &self.0.body),
        ];
        out.extend(self.0.signature.as_ref().map(|t| ("signature".into(), t)));
        out
    }
}

impl crate::graphql::Localized for KeyFigure {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("label".into(), &self.0.label),
            ("sentence".into(), &self.0.sentence),
        ]
    }
}

impl crate::graphql::Localized for SwotItem {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("text".into(), &self.0.text)]
    }
}

impl crate::graphql::Localized for SpecificObjective {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("text".into(), &self.0.text)]
    }
}

impl crate::graphql::Localized for Theme {
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
