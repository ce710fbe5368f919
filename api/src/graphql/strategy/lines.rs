//! Strategic lines and their scopes.

use async_graphql::{Context, ID, Object};
use entity::{line_scope, strategic_line};

use super::{Action, ExpectedResult, FormContribution, SummaryRow};
use crate::error::ApiError;
use crate::graphql::geography::ZoneLine;
use crate::graphql::node::GlobalId;
use crate::graphql::plan::Plan;
use crate::graphql::{loaders, tr};
use crate::i18n::Lang;
use crate::loaders::{self as l, many, one};

/// A strategic line of the plan.
pub struct StrategicLine(pub(crate) strategic_line::Model, pub(crate) String);

impl StrategicLine {
    pub(crate) fn new(m: strategic_line::Model, plan: &str) -> Self {
        Self(m, plan.to_owned())
    }
}

/// A strategic line of the plan.
#[Object]
impl StrategicLine {
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
        GlobalId::of_plan_record("StrategicLine", &self.1, &self.0.code)
    }
    /// Stable code (`LE1`-`LE5`).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Number of the line.
    async fn number(&self) -> i32 {
        self.0.position
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
    /// Description: the line's introductory text.
    async fn description(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.description, lang)
    }
    /// The plan.
    async fn plan(&self, ctx: &Context<'_>) -> Result<Plan, ApiError> {
        one::<l::PlanById>(loaders(ctx)?, self.0.plan_id)
            .await?
            .map(Plan)
            .ok_or(ApiError::Internal)
    }
    /// Scopes of the line (only LE1 has them: EU, Euro-Mediterranean, UN and multilateral).
    #[graphql(complexity = "10 * child_complexity")]
    async fn scopes(&self, ctx: &Context<'_>) -> Result<Vec<LineScope>, ApiError> {
        let rows = many::<l::ScopesOfLine>(loaders(ctx)?, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|m| LineScope(m, self.1.clone()))
            .collect())
    }
    /// The line's actions, in document order.
    #[graphql(complexity = "10 * child_complexity")]
    async fn actions(&self, ctx: &Context<'_>) -> Result<Vec<Action>, ApiError> {
        let rows = many::<l::ActionsOfLine>(loaders(ctx)?, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|m| Action(m, self.1.clone()))
            .collect())
    }
    /// The line's expected results.
    #[graphql(complexity = "10 * child_complexity")]
    async fn expected_results(&self, ctx: &Context<'_>) -> Result<Vec<ExpectedResult>, ApiError> {
        let rows = many::<l::ResultsOfLine>(loaders(ctx)?, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|m| ExpectedResult(m, self.1.clone()))
            .collect())
    }
    /// The geographic zones where the line applies, and how.
    async fn zones(&self, ctx: &Context<'_>) -> Result<Vec<ZoneLine>, ApiError> {
        let rows = many::<l::ZonesOfLine>(loaders(ctx)?, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|m| ZoneLine(m, self.1.clone()))
            .collect())
    }
    /// What each form of intervention contributes to the line.
    #[graphql(complexity = "10 * child_complexity")]
    async fn contributions(&self, ctx: &Context<'_>) -> Result<Vec<FormContribution>, ApiError> {
        let rows = many::<l::ContributionsToLine>(loaders(ctx)?, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|m| FormContribution(m, self.1.clone()))
            .collect())
    }
    /// The published state of the line's actions and indicators.
    async fn progress_summary(
        &self,
        ctx: &Context<'_>,
    ) -> Result<crate::graphql::report::ProgressSummary, ApiError> {
        let loaders = loaders(ctx)?;
        let actions: Vec<String> = many::<l::ActionsOfLine>(loaders, self.0.id)
            .await?
            .into_iter()
            .map(|a| a.code)
            .collect();
        let results: Vec<String> = many::<l::ResultsOfLine>(loaders, self.0.id)
            .await?
            .into_iter()
            .map(|r| r.code)
            .collect();
        let published = crate::graphql::monitoring::published(ctx, self.0.plan_id).await?;
        Ok(crate::graphql::report::ProgressSummary(
            crate::monitoring::report::rollup(&published, &actions, &results),
        ))
    }
    /// The line's row of the closing summary table.
    async fn summary(&self, ctx: &Context<'_>) -> Result<Option<SummaryRow>, ApiError> {
        Ok(one::<l::SummaryOfLine>(loaders(ctx)?, self.0.id)
            .await?
            .map(SummaryRow))
    }
}

/// A scope within a strategic line.
pub struct LineScope(pub(crate) line_scope::Model, pub(crate) String);

/// A scope within a strategic line.
#[Object]
impl LineScope {
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
        GlobalId::of_plan_record("LineScope", &self.1, &self.0.code)
    }
    /// Stable code (`LE1-EU`, `LE1-MED`, `LE1-UN`).
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
    /// Description.
    async fn description(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.description, lang)
    }
    /// The strategic line.
    async fn strategic_line(&self, ctx: &Context<'_>) -> Result<StrategicLine, ApiError> {
        line(ctx, self.0.line_id, &self.1).await
    }
    /// The scope's actions.
    #[graphql(complexity = "10 * child_complexity")]
    async fn actions(&self, ctx: &Context<'_>) -> Result<Vec<Action>, ApiError> {
        let rows = many::<l::ActionsOfScope>(loaders(ctx)?, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|m| Action(m, self.1.clone()))
            .collect())
    }
}

pub(crate) async fn line(
    ctx: &Context<'_>,
    id: i32,
    plan: &str,
) -> Result<StrategicLine, ApiError> {
    one::<l::LineById>(loaders(ctx)?, id)
        .await?
        .map(|m| StrategicLine(m, plan.to_owned()))
        .ok_or(ApiError::Internal)
}

impl crate::graphql::Localized for StrategicLine {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("title".into(), &self.0.title),
            ("description".into(), &self.0.description),
        ]
    }
}

impl crate::graphql::Localized for LineScope {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("title".into(), &self.0.title),
            ("description".into(), &self.0.description),
        ]
    }
}
