//! The strategy: its root fields and the action filter. Strategic lines and scopes are in
//! [`lines`]; actions and expected results in [`actions`]; forms of intervention and the summary
//! table in [`forms`].

use std::sync::Arc;

mod actions;
mod forms;
mod lines;

pub use actions::*;
pub use forms::*;
pub use lines::*;

use async_graphql::{Context, InputObject, Object};

use super::{db, loaders};
use crate::error::ApiError;
use crate::graphql::scoped::{Scoped, code_of};
use crate::loaders;
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
        let p = loaders::plan(loaders, plan.as_deref()).await?;
        let line = loaders::line_by_code(loaders, p.id, &code)
            .await?
            .ok_or_else(|| not_found("strategic line", &code, &p.code))?;
        Ok(Some(Scoped::new(line, code_of(&p))))
    }

    /// An action by code (`LE1.1` … `LE5.1`).
    async fn action(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Action code, e.g. `LE1.3`.")] code: String,
        #[graphql(desc = "Plan code; the current plan when omitted.")] plan: Option<String>,
    ) -> Result<Option<Action>, ApiError> {
        let loaders = loaders(ctx)?;
        let p = loaders::plan(loaders, plan.as_deref()).await?;
        let action = loaders::action_by_code(loaders, p.id, &code)
            .await?
            .ok_or_else(|| not_found("action", &code, &p.code))?;
        Ok(Some(Scoped::new(action, code_of(&p))))
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
        let code = code_of(&p);
        let items = rows
            .into_iter()
            .map(|m| Scoped::new(Arc::new(m), code.clone()))
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
