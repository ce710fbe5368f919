//! Actions and expected results of the strategic lines.

use async_graphql::{Context, ID, Object};
use entity::{action, expected_result};

use super::{LineScope, StrategicLine, line};
use crate::error::ApiError;
use crate::graphql::actors::Organization;
use crate::graphql::node::GlobalId;
use crate::graphql::scoped::Scoped;
use crate::graphql::{loaders, tr_ref};
use crate::i18n::Lang;
use crate::loaders::{self, many, one};

/// An action of a strategic line.
pub type Action = Scoped<action::Model>;

impl Action {
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        role: &str,
    ) -> Result<Vec<Organization>, ApiError> {
        let loaders = loaders(ctx)?;
        let links = many::<loaders::LinksOfAction>(loaders, self.row.id).await?;
        let ids: Vec<_> = links
            .iter()
            .filter(|k| k.role == role)
            .map(|k| loaders::By::<loaders::OrganizationById>::new(k.organization_id))
            .collect();
        let mut found = loaders::many_of(loaders, ids.iter().cloned()).await?;
        Ok(ids
            .iter()
            .filter_map(|k| found.remove(k))
            .flatten()
            .map(Organization::new)
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
        GlobalId::of_plan_record("Action", &self.plan, &self.row.code)
    }
    /// Stable code (`LE1.1` … `LE5.1`): the line and the action's number within it.
    async fn code(&self) -> &str {
        &self.row.code
    }
    /// The action.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.title, lang)
    }
    /// The strategic line.
    async fn strategic_line(&self, ctx: &Context<'_>) -> Result<StrategicLine, ApiError> {
        line(ctx, self.row.line_id, &self.plan).await
    }
    /// The scope of the line the action belongs to, if the line has scopes.
    async fn scope(&self, ctx: &Context<'_>) -> Result<Option<LineScope>, ApiError> {
        let Some(scope_id) = self.row.scope_id else {
            return Ok(None);
        };
        Ok(one::<loaders::ScopeById>(loaders(ctx)?, scope_id)
            .await?
            .map(|m| self.child(m)))
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
    ) -> &str {
        tr_ref(ctx, &self.row.responsible_text, lang)
    }
    /// The action's current progress: its latest published progress update.
    async fn current_progress(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::graphql::monitoring::ProgressUpdate>, ApiError> {
        crate::graphql::monitoring::current_progress(ctx, &self.row, &self.plan).await
    }
    /// The action's progress updates the caller may see, newest first.
    #[graphql(complexity = "10 * child_complexity")]
    async fn progress_history(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::graphql::monitoring::ProgressUpdate>, ApiError> {
        crate::graphql::monitoring::action_progress(ctx, &self.row, &self.plan).await
    }
    /// The actors to involve as the plan words them (empty when the plan names none).
    async fn involved_text(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.involved_text, lang)
    }
}

/// An expected result of a strategic line.
pub type ExpectedResult = Scoped<expected_result::Model>;

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
        GlobalId::of_plan_record("ExpectedResult", &self.plan, &self.row.code)
    }
    /// Stable code (`LE1.R1` …).
    async fn code(&self) -> &str {
        &self.row.code
    }
    /// The result.
    async fn text(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.text, lang)
    }
    /// The strategic line.
    async fn strategic_line(&self, ctx: &Context<'_>) -> Result<StrategicLine, ApiError> {
        line(ctx, self.row.line_id, &self.plan).await
    }
}

impl crate::graphql::Localized for Action {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("title".into(), &self.row.title),
            ("responsibleText".into(), &self.row.responsible_text),
            ("involvedText".into(), &self.row.involved_text),
        ]
    }
}

impl crate::graphql::Localized for ExpectedResult {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("text".into(), &self.row.text)]
    }
}
