//! What the plan states as text: its narrative sections, key figures, SWOT diagram, specific
//! objectives and priority themes.

use async_graphql::{Context, Enum, ID, Object};
use entity::{key_figure, section, specific_objective, swot_item, theme};

use crate::error::ApiError;
use crate::graphql::node::GlobalId;
use crate::graphql::scalars::Decimal;
use crate::graphql::scoped::Scoped;
use crate::graphql::{db_enum, tr_ref};
use crate::i18n::Lang;

/// A narrative section of the plan (presentation, introduction, methodology, …).
pub type Section = Scoped<section::Model>;

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
        GlobalId::of_plan_record("Section", &self.plan, &self.row.code)
    }
    /// Stable code (`presentation`, `introduction`, `methodology`, `starting-point`, …).
    async fn code(&self) -> &str {
        &self.row.code
    }
    /// Roman numeral of the section in the document; empty for unnumbered sections.
    async fn numeral(&self) -> &str {
        &self.row.numeral
    }
    /// Heading.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.title, lang)
    }
    /// Full text: paragraphs separated by a blank line, list items on lines starting `- `.
    async fn body(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.body, lang)
    }
    /// Who signs the section, when it is signed.
    async fn signature(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> Option<&str> {
        self.row.signature.as_ref().map(|s| tr_ref(ctx, s, lang))
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
pub type KeyFigure = Scoped<key_figure::Model>;

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
        GlobalId::of_plan_record("KeyFigure", &self.plan, &self.row.code)
    }
    /// Stable code.
    async fn code(&self) -> &str {
        &self.row.code
    }
    /// Short label.
    async fn label(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.label, lang)
    }
    /// The value, an exact decimal in `unit` (e.g. 3200000 people, 9460000 EUR).
    async fn value(&self) -> Result<Decimal, ApiError> {
        self.row
            .value
            .parse()
            .map(Decimal)
            .map_err(|_| ApiError::Internal)
    }
    /// Unit of the value.
    async fn unit(&self) -> Result<FigureUnit, ApiError> {
        db_enum(&self.row.unit)
    }
    /// Whether the plan states the value exactly, as a minimum, or approximately.
    async fn comparator(&self) -> Result<Comparator, ApiError> {
        db_enum(&self.row.comparator)
    }
    /// Year the figure refers to, when the plan says.
    async fn year(&self) -> Option<i32> {
        self.row.year
    }
    /// Code of the section the figure comes from.
    async fn section_code(&self) -> &str {
        &self.row.section_code
    }
    /// The sentence the figure comes from, verbatim.
    async fn sentence(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.sentence, lang)
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
pub type SwotItem = Scoped<swot_item::Model>;

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
        GlobalId::of_plan_record("SwotItem", &self.plan, &self.row.code)
    }
    /// Stable code: the kind's initial and the item's number within it (`S1`, `W12`, `T5`).
    async fn code(&self) -> &str {
        &self.row.code
    }
    /// Quadrant.
    async fn kind(&self) -> Result<SwotKind, ApiError> {
        db_enum(&self.row.kind)
    }
    /// The item.
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

/// A specific objective of the plan.
pub type SpecificObjective = Scoped<specific_objective::Model>;

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
        GlobalId::of_plan_record("SpecificObjective", &self.plan, &self.row.code)
    }
    /// Stable code (`OE1`-`OE3`).
    async fn code(&self) -> &str {
        &self.row.code
    }
    /// Number of the objective.
    async fn number(&self) -> i32 {
        self.row.position
    }
    /// The objective.
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
pub type Theme = Scoped<theme::Model>;

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
        GlobalId::of_plan_record("Theme", &self.plan, &self.row.code)
    }
    /// Stable code.
    async fn code(&self) -> &str {
        &self.row.code
    }
    /// Why it is a priority.
    async fn category(&self) -> Result<ThemeCategory, ApiError> {
        db_enum(&self.row.category)
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
    /// Sub-topics.
    async fn subtopics(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> Vec<&str> {
        self.row
            .subtopics
            .0
            .iter()
            .map(|t| tr_ref(ctx, t, lang))
            .collect()
    }
    /// The theme as worded in the closing summary table, when it appears there.
    async fn summary_label(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> Option<&str> {
        self.row
            .summary_label
            .as_ref()
            .map(|t| tr_ref(ctx, t, lang))
    }
    /// Description, when the plan gives one.
    async fn description(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> Option<&str> {
        self.row.description.as_ref().map(|t| tr_ref(ctx, t, lang))
    }
}

impl crate::graphql::Localized for Section {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        let mut out = vec![
            ("title".into(), &self.row.title),
            ("body".into(), &self.row.body),
        ];
        out.extend(self.row.signature.as_ref().map(|t| ("signature".into(), t)));
        out
    }
}

impl crate::graphql::Localized for KeyFigure {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("label".into(), &self.row.label),
            ("sentence".into(), &self.row.sentence),
        ]
    }
}

impl crate::graphql::Localized for SwotItem {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("text".into(), &self.row.text)]
    }
}

impl crate::graphql::Localized for SpecificObjective {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("text".into(), &self.row.text)]
    }
}

impl crate::graphql::Localized for Theme {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        let mut out = vec![("title".into(), &self.row.title)];
        out.extend(
            self.row
                .subtopics
                .0
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("subtopics[{i}]"), t)),
        );
        out.extend(
            self.row
                .summary_label
                .as_ref()
                .map(|t| ("summaryLabel".into(), t)),
        );
        out.extend(
            self.row
                .description
                .as_ref()
                .map(|t| ("description".into(), t)),
        );
        out
    }
}
