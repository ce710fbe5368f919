//! Actions and expected results of the strategic lines.

use async_graphql::{Context, ID, Object};
use entity::{action, expected_result};

use super::{LineScope, StrategicLine, line};
use crate::error::ApiError;
use crate::graphql::actors::Organization;
use crate::graphql::node::GlobalId;
use crate::graphql::{loaders, tr};
use crate::i18n::Lang;
use crate::loaders::{self as l, many, one};

/// An action of a strategic line.
pub struct Action(pub(crate) action::Model, pub(crate) String);

impl Action {
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        role: &str,
    ) -> Result<Vec<Organization>, ApiError> {
        let loaders = loaders(ctx)?;
        let links = many::<l::LinksOfAction>(loaders, self.0.id).await?;
        let ids: Vec<_> = links
            .iter()
            .filter(|k| k.role == role)
            .map(|k| l::By::<l::OrganizationById>::new(k.organization_id))
            .collect();
        let mut found = l::many_of(loaders, ids.iter().cloned()).await?;
        Ok(ids
            .iter()
            .filter_map(|k| found.remove(k))
            .flatten()
            .map(Organization)
            .collect())
    }
}

/// An action of a strategic line.
#[Object]
impl Action {
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
        GlobalId::of_plan_record("Action", &self.1, &self.0.code)
    }
    /// Stable code (`LE1.1` … `LE5.1`): the line and the action's number within it.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// The action.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.title, lang)
    }
    /// The strategic line.
    async fn strategic_line(&self, ctx: &Context<'_>) -> Result<StrategicLine, ApiError> {
        line(ctx, self.0.line_id, &self.1).await
    }
    /// The scope of the line the action belongs to, if the line has scopes.
    async fn scope(&self, ctx: &Context<'_>) -> Result<Option<LineScope>, ApiError> {
        let Some(scope_id) = self.0.scope_id else {
            return Ok(None);
        };
        Ok(one::<l::ScopeById>(loaders(ctx)?, scope_id)
            .await?
            .map(|m| LineScope(m, self.1.clone())))
    }
    /// The units responsible for the action.
    #[graphql(complexity = "10 * child_complexity")]
    async fn responsible_units(&self, ctx: &Context<'_>) -> Result<Vec<Organization>, ApiError> {
        self.organizations(ctx, "RESPONSIBLE").await
    }
    /// The actors that must be involved.
    #[graphql(complexity = "10 * child_complexity")]
    async fn involved_actors(&self, ctx: &Context<'_>) -> Result<Vec<Organization>, ApiError> {
        self.organizations(ctx, "INVOLVED").await
    }
    /// The responsible units as the plan words them.
    async fn responsible_text(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.responsible_text, lang)
    }
    /// The action's current progress: its latest published progress update.
    async fn current_progress(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::graphql::monitoring::ProgressUpdate>, ApiError> {
        crate::graphql::monitoring::current_progress(ctx, &self.0, &self.1).await
    }
    /// The action's progress updates the caller may see, newest first.
    #[graphql(complexity = "10 * child_complexity")]
    async fn progress_history(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::graphql::monitoring::ProgressUpdate>, ApiError> {
        crate::graphql::monitoring::action_progress(ctx, &self.0, &self.1).await
    }
    /// The actors to involve as the plan words them (empty when the plan names none).
    async fn involved_text(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.involved_text, lang)
    }
}

/// An expected result of a strategic line.
pub struct ExpectedResult(pub(crate) expected_result::Model, pub(crate) String);

/// An expected result of a strategic line.
#[Object]
impl ExpectedResult {
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
        GlobalId::of_plan_record("ExpectedResult", &self.1, &self.0.code)
    }
    /// Stable code (`LE1.R1` …).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// The result.
    async fn text(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.text, lang)
    }
    /// The strategic line.
    async fn strategic_line(&self, ctx: &Context<'_>) -> Result<StrategicLine, ApiError> {
        line(ctx, self.0.line_id, &self.1).await
    }
}

impl crate::graphql::Localized for Action {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("title".into(), &self.0.title),
            ("responsibleText".into(), &self.0.responsible_text),
            ("involvedText".into(), &self.0.involved_text),
        ]
    }
}

impl crate::graphql::Localized for ExpectedResult {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("text".into(), &self.0.text)]
    }
}
