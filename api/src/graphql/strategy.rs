//! Strategic lines, their scopes, actions and expected results, forms of intervention and the
//! closing summary table.
//!
//! Over 700 lines, not split yet (#11): lines and scopes, actions, and forms of intervention with
//! the summary table are the three files it becomes.
// Over 700 lines: to be split into modules a newcomer can name under issue 11 (typed domain
// and one service layer), which reshapes this file anyway.

use async_graphql::{Context, ID, InputObject, Object};
use entity::{
    action, expected_result, form_contribution, form_of_intervention, line_scope, strategic_line,
    summary_row,
};

use super::actors::Organization;
use super::geography::ZoneLine;
use super::node::GlobalId;
use super::plan::Plan;
use super::{db, loaders, tr};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::loaders::{self as l, many, one};
use crate::store::{self, ActionQuery};

/// Root fields about the strategy.
#[derive(Default)]
pub struct StrategyQuery;

/// Root fields about the strategy.
#[Object]
impl StrategyQuery {
    /// A strategic line by code (`LE1`-`LE5`).
    async fn strategic_line(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Line code, e.g. `LE1`.")] code: String,
        #[graphql(desc = "Plan code; the current plan when omitted.")] plan: Option<String>,
    ) -> Result<Option<StrategicLine>, ApiError> {
        let loaders = loaders(ctx)?;
        let p = l::plan(loaders, plan.as_deref()).await?;
        let line = l::line_by_code(loaders, p.id, &code)
            .await?
            .ok_or_else(|| not_found("strategic line", &code, &p.code))?;
        Ok(Some(StrategicLine(line, p.code)))
    }

    /// An action by code (`LE1.1` … `LE5.1`).
    async fn action(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Action code, e.g. `LE1.3`.")] code: String,
        #[graphql(desc = "Plan code; the current plan when omitted.")] plan: Option<String>,
    ) -> Result<Option<Action>, ApiError> {
        let loaders = loaders(ctx)?;
        let p = l::plan(loaders, plan.as_deref()).await?;
        let action = l::action_by_code(loaders, p.id, &code)
            .await?
            .ok_or_else(|| not_found("action", &code, &p.code))?;
        Ok(Some(Action(action, p.code)))
    }

    /// The actions of a plan in document order, filtered and paginated.
    #[graphql(complexity = "super::list_cost(first, child_complexity)")]
    async fn actions(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "How many actions to return (default 20, at most the server's page size cap: 100 unless configured)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Return the actions after this cursor.")] after: Option<String>,
        #[graphql(desc = "Narrows the list; all conditions must hold.")] filter: Option<
            ActionFilter,
        >,
    ) -> Result<ActionConnection, ApiError> {
        let page = super::page(ctx, first, after.as_deref())?;
        let filter = filter.unwrap_or_default();
        let db = db(ctx)?;
        let p = store::resolve_plan(db, filter.plan.as_deref()).await?;
        let query = ActionQuery {
            plan_id: p.id,
            line: filter.strategic_line,
            scope: filter.scope,
            responsible: filter.responsible_organization,
            involved: filter.involved_organization,
            text: filter.text,
        };
        let (rows, total) = store::actions_page(db, &query, page).await?;
        let items = rows
            .into_iter()
            .map(|m| Action(m, p.code.clone()))
            .collect();
        Ok(ActionConnection::new(items, page, total))
    }
}

crate::connection!(
    ActionConnection,
    ActionEdge,
    Action,
    "A page of actions.",
    "An action in a page of actions."
);

pub(crate) fn not_found(what: &str, code: &str, plan: &str) -> ApiError {
    ApiError::NotFound(format!("no {what} with code {code:?} in plan {plan}"))
}

/// Conditions on actions.
#[derive(InputObject, Default)]
pub struct ActionFilter {
    /// Plan code; the current plan when omitted.
    pub plan: Option<String>,
    /// Only the actions of this strategic line (`LE1`).
    pub strategic_line: Option<String>,
    /// Only the actions of this scope of a line (`LE1-EU`, `LE1-MED`, `LE1-UN`).
    pub scope: Option<String>,
    /// Only the actions this organization is responsible for (organization code).
    pub responsible_organization: Option<String>,
    /// Only the actions that involve this organization (organization code, or a
    /// municipality's INE code: the group of metropolitan municipalities counts).
    pub involved_organization: Option<String>,
    /// Only the actions whose title or actors contain this text (case- and accent-insensitive).
    pub text: Option<String>,
}

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
    ) -> Vec<super::FieldTranslations> {
        super::translations_of(super::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        super::languages_of(&super::Localized::texts(self))
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
    ) -> Result<super::report::ProgressSummary, ApiError> {
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
        let published = super::monitoring::published(ctx, self.0.plan_id).await?;
        Ok(super::report::ProgressSummary(
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
    ) -> Vec<super::FieldTranslations> {
        super::translations_of(super::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        super::languages_of(&super::Localized::texts(self))
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
    ) -> Vec<super::FieldTranslations> {
        super::translations_of(super::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        super::languages_of(&super::Localized::texts(self))
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
    ) -> Result<Option<super::monitoring::ProgressUpdate>, ApiError> {
        super::monitoring::current_progress(ctx, &self.0, &self.1).await
    }
    /// The action's progress updates the caller may see, newest first.
    #[graphql(complexity = "10 * child_complexity")]
    async fn progress_history(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<super::monitoring::ProgressUpdate>, ApiError> {
        super::monitoring::action_progress(ctx, &self.0, &self.1).await
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
    ) -> Vec<super::FieldTranslations> {
        super::translations_of(super::Localized::texts(self), fields.as_deref())
    }
    /// The languages in which every text of the record is available.
    async fn languages(&self) -> Vec<Lang> {
        super::languages_of(&super::Localized::texts(self))
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

/// A form (modality) of intervention through which the lines are carried out.
pub struct FormOfIntervention(pub(crate) form_of_intervention::Model, pub(crate) String);

impl FormOfIntervention {
    pub(crate) fn new(m: form_of_intervention::Model, plan: &str) -> Self {
        Self(m, plan.to_owned())
    }
}

/// A form (modality) of intervention through which the lines are carried out.
#[Object]
impl FormOfIntervention {
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
        GlobalId::of_plan_record("FormOfIntervention", &self.1, &self.0.code)
    }
    /// Stable code (`FI-A` … `FI-D`).
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Letter in the document (a-d).
    async fn letter(&self) -> &str {
        &self.0.letter
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
    /// What the form contributes to each strategic line.
    #[graphql(complexity = "10 * child_complexity")]
    async fn contributions(&self, ctx: &Context<'_>) -> Result<Vec<FormContribution>, ApiError> {
        let rows = many::<l::ContributionsOfForm>(loaders(ctx)?, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|m| FormContribution(m, self.1.clone()))
            .collect())
    }
}

/// What a form of intervention contributes to a strategic line.
pub struct FormContribution(pub(crate) form_contribution::Model, pub(crate) String);

/// What a form of intervention contributes to a strategic line.
#[Object]
impl FormContribution {
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
    /// The strategic line.
    async fn strategic_line(&self, ctx: &Context<'_>) -> Result<StrategicLine, ApiError> {
        line(ctx, self.0.line_id, &self.1).await
    }
    /// The form of intervention.
    async fn form_of_intervention(
        &self,
        ctx: &Context<'_>,
    ) -> Result<FormOfIntervention, ApiError> {
        one::<l::FormById>(loaders(ctx)?, self.0.form_id)
            .await?
            .map(|m| FormOfIntervention(m, self.1.clone()))
            .ok_or(ApiError::Internal)
    }
    /// The contribution.
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

/// A strategic line's row of the plan's closing summary table.
pub struct SummaryRow(pub(crate) summary_row::Model);

/// A strategic line's row of the plan's closing summary table.
#[Object]
impl SummaryRow {
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
    /// Priority geographic zones and institutions.
    async fn zones_and_institutions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.zones_and_institutions, lang)
    }
    /// The map of actors.
    async fn actor_map(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> String {
        tr(ctx, &self.0.actor_map, lang)
    }
    /// The concrete actions, as the table summarises them.
    async fn concrete_actions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the text; defaults to the request's language.")] lang: Option<
            Lang,
        >,
    ) -> Vec<String> {
        self.0
            .concrete_actions
            .0
            .iter()
            .map(|t| tr(ctx, t, lang))
            .collect()
    }
}

impl super::Localized for StrategicLine {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("title".into(), &self.0.title),
            ("description".into(), &self.0.description),
        ]
    }
}

impl super::Localized for LineScope {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("title".into(), &self.0.title),
            ("description".into(), &self.0.description),
        ]
    }
}

impl super::Localized for Action {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("title".into(), &self.0.title),
            ("responsibleText".into(), &self.0.responsible_text),
            ("involvedText".into(), &self.0.involved_text),
        ]
    }
}

impl super::Localized for ExpectedResult {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("text".into(), &self.0.text)]
    }
}

impl super::Localized for FormOfIntervention {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![
            ("title".into(), &self.0.title),
            ("description".into(), &self.0.description),
        ]
    }
}

impl super::Localized for FormContribution {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        vec![("text".into(), &self.0.text)]
    }
}

impl super::Localized for SummaryRow {
    fn texts(&self) -> Vec<(String, &entity::I18n)> {
        let mut out = vec![];
        out.push((
            "zonesAndInstitutions".into(),
            &self.0.zones_and_institutions,
        ));
        out.push(("actorMap".into(), &self.0.actor_map));
        out.extend(
            self.0
                .concrete_actions
                .0
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("concreteActions[{i}]"), t)),
        );
        out
    }
}
