//! Strategic lines and their scopes.

use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use entity::{line_scope, strategic_line};

use super::{Action, ExpectedResult, FormContribution, SummaryRow};
use crate::error::ApiError;
use crate::graphql::geography::ZoneLine;
use crate::graphql::node::GlobalId;
use crate::graphql::plan::Plan;
use crate::graphql::scoped::Scoped;
use crate::graphql::{loaders, tr_ref};
use crate::i18n::Lang;
use crate::loaders::{self, many, one};

/// A strategic line of the plan.
pub type StrategicLine = Scoped<strategic_line::Model>;

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
        GlobalId::of_plan_record("StrategicLine", &self.plan, &self.row.code)
    }
    /// Stable code (`LE1`-`LE5`).
    async fn code(&self) -> &str {
        &self.row.code
    }
    /// Number of the line.
    async fn number(&self) -> i32 {
        self.row.position
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
    /// Description: the line's introductory text.
    async fn description(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.description, lang)
    }
    /// The plan.
    async fn plan(&self, ctx: &Context<'_>) -> Result<Plan, ApiError> {
        one::<loaders::PlanById>(loaders(ctx)?, self.row.plan_id)
            .await?
            .map(Plan::of)
            .ok_or(ApiError::Internal)
    }
    /// Scopes of the line (only LE1 has them: EU, Euro-Mediterranean, UN and multilateral).
    #[graphql(complexity = "10 * child_complexity")]
    async fn scopes(&self, ctx: &Context<'_>) -> Result<Vec<LineScope>, ApiError> {
        let rows = many::<loaders::ScopesOfLine>(loaders(ctx)?, self.row.id).await?;
        Ok(rows.into_iter().map(|m| self.child(m)).collect())
    }
    /// The line's actions, in document order.
    #[graphql(complexity = "10 * child_complexity")]
    async fn actions(&self, ctx: &Context<'_>) -> Result<Vec<Action>, ApiError> {
        let rows = many::<loaders::ActionsOfLine>(loaders(ctx)?, self.row.id).await?;
        Ok(rows.into_iter().map(|m| self.child(m)).collect())
    }
    /// The line's expected results.
    #[graphql(complexity = "10 * child_complexity")]
    async fn expected_results(&self, ctx: &Context<'_>) -> Result<Vec<ExpectedResult>, ApiError> {
        let rows = many::<loaders::ResultsOfLine>(loaders(ctx)?, self.row.id).await?;
        Ok(rows.into_iter().map(|m| self.child(m)).collect())
    }
    /// The geographic zones where the line applies, and how.
    async fn zones(&self, ctx: &Context<'_>) -> Result<Vec<ZoneLine>, ApiError> {
        let rows = many::<loaders::ZonesOfLine>(loaders(ctx)?, self.row.id).await?;
        Ok(rows.into_iter().map(|m| self.child(m)).collect())
    }
    /// What each form of intervention contributes to the line.
    #[graphql(complexity = "10 * child_complexity")]
    async fn contributions(&self, ctx: &Context<'_>) -> Result<Vec<FormContribution>, ApiError> {
        let rows = many::<loaders::ContributionsToLine>(loaders(ctx)?, self.row.id).await?;
        Ok(rows.into_iter().map(|m| self.child(m)).collect())
    }
    /// The published state of the line's actions and indicators.
    async fn progress_summary(
        &self,
        ctx: &Context<'_>,
    ) -> Result<crate::graphql::report::ProgressSummary, ApiError> {
        let loaders = loaders(ctx)?;
        let actions: Vec<String> = many::<loaders::ActionsOfLine>(loaders, self.row.id)
            .await?
            .into_iter()
            .map(|a| a.code.clone())
            .collect();
        let results: Vec<String> = many::<loaders::ResultsOfLine>(loaders, self.row.id)
            .await?
            .into_iter()
            .map(|r| r.code.clone())
            .collect();
        let published = crate::graphql::monitoring::published(ctx, self.row.plan_id).await?;
        Ok(crate::graphql::report::ProgressSummary(
            crate::monitoring::report::rollup(&published, &actions, &results),
        ))
    }
    /// The line's row of the closing summary table.
    async fn summary(&self, ctx: &Context<'_>) -> Result<Option<SummaryRow>, ApiError> {
        Ok(one::<loaders::SummaryOfLine>(loaders(ctx)?, self.row.id)
            .await?
            .map(|m| self.child(m)))
    }
}

/// A scope within a strategic line.
pub type LineScope = Scoped<line_scope::Model>;

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
        GlobalId::of_plan_record("LineScope", &self.plan, &self.row.code)
    }
    /// Stable code (`LE1-EU`, `LE1-MED`, `LE1-UN`).
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
    /// Description.
    async fn description(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.description, lang)
    }
    /// The strategic line.
    async fn strategic_line(&self, ctx: &Context<'_>) -> Result<StrategicLine, ApiError> {
        line(ctx, self.row.line_id, &self.plan).await
    }
    /// The scope's actions.
    #[graphql(complexity = "10 * child_complexity")]
    async fn actions(&self, ctx: &Context<'_>) -> Result<Vec<Action>, ApiError> {
        let rows = many::<loaders::ActionsOfScope>(loaders(ctx)?, self.row.id).await?;
        Ok(rows.into_iter().map(|m| self.child(m)).collect())
    }
}

pub(crate) async fn line(
    ctx: &Context<'_>,
    id: i32,
    plan: &Arc<str>,
) -> Result<StrategicLine, ApiError> {
    one::<loaders::LineById>(loaders(ctx)?, id)
        .await?
        .map(|m| Scoped::new(m, plan.clone()))
        .ok_or(ApiError::Internal)
}

impl crate::graphql::Localized for StrategicLine {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("title".into(), &self.row.title),
            ("description".into(), &self.row.description),
        ]
    }
}

impl crate::graphql::Localized for LineScope {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("title".into(), &self.row.title),
            ("description".into(), &self.row.description),
        ]
    }
}
