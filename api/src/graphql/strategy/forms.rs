//! Forms of intervention, what they contribute to each line, and the plan's closing summary
//! table.

use async_graphql::{Context, ID, Object};
use entity::{form_contribution, form_of_intervention, summary_row};

use super::{StrategicLine, line};
use crate::error::ApiError;
use crate::graphql::node::GlobalId;
use crate::graphql::scoped::Scoped;
use crate::graphql::{loaders, tr_ref};
use crate::i18n::Lang;
use crate::loaders::{self, many, one};

/// A form (modality) of intervention through which the lines are carried out.
pub type FormOfIntervention = Scoped<form_of_intervention::Model>;

/// A form (modality) of intervention through which the lines are carried out.
#[Object]
impl FormOfIntervention {
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
        GlobalId::of_plan_record("FormOfIntervention", &self.plan, &self.row.code)
    }
    /// Stable code (`FI-A` … `FI-D`).
    async fn code(&self) -> &str {
        &self.row.code
    }
    /// Letter in the document (a-d).
    async fn letter(&self) -> &str {
        &self.row.letter
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
    /// What the form contributes to each strategic line.
    #[graphql(complexity = "10 * child_complexity")]
    async fn contributions(&self, ctx: &Context<'_>) -> Result<Vec<FormContribution>, ApiError> {
        let rows = many::<loaders::ContributionsOfForm>(loaders(ctx)?, self.row.id).await?;
        Ok(rows.into_iter().map(|m| self.child(m)).collect())
    }
}

/// What a form of intervention contributes to a strategic line.
pub type FormContribution = Scoped<form_contribution::Model>;

/// What a form of intervention contributes to a strategic line.
#[Object]
impl FormContribution {
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
    /// The strategic line.
    async fn strategic_line(&self, ctx: &Context<'_>) -> Result<StrategicLine, ApiError> {
        line(ctx, self.row.line_id, &self.plan).await
    }
    /// The form of intervention.
    async fn form_of_intervention(
        &self,
        ctx: &Context<'_>,
    ) -> Result<FormOfIntervention, ApiError> {
        one::<loaders::FormById>(loaders(ctx)?, self.row.form_id)
            .await?
            .map(|m| self.child(m))
            .ok_or(ApiError::Internal)
    }
    /// The contribution.
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

/// A strategic line's row of the plan's closing summary table.
pub type SummaryRow = Scoped<summary_row::Model>;

/// A strategic line's row of the plan's closing summary table.
#[Object]
impl SummaryRow {
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
    /// Priority geographic zones and institutions.
    async fn zones_and_institutions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.zones_and_institutions, lang)
    }
    /// The map of actors.
    async fn actor_map(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> &str {
        tr_ref(ctx, &self.row.actor_map, lang)
    }
    /// The concrete actions, as the table summarises them.
    async fn concrete_actions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> Vec<&str> {
        self.row
            .concrete_actions
            .0
            .iter()
            .map(|t| tr_ref(ctx, t, lang))
            .collect()
    }
}

impl crate::graphql::Localized for FormOfIntervention {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("title".into(), &self.row.title),
            ("description".into(), &self.row.description),
        ]
    }
}

impl crate::graphql::Localized for FormContribution {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("text".into(), &self.row.text)]
    }
}

impl crate::graphql::Localized for SummaryRow {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        let mut out = vec![];
        out.push((
            "zonesAndInstitutions".into(),
            &self.row.zones_and_institutions,
        ));
        out.push(("actorMap".into(), &self.row.actor_map));
        out.extend(
            self.row
                .concrete_actions
                .0
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("concreteActions[{i}]"), t)),
        );
        out
    }
}
