//! The public GraphQL schema: hand-written types, one module per domain, assembled here.
//!
//! The types wrap database rows but expose only what the contract names; the tables can change
//! without clients noticing.

mod actors;
mod geography;
mod node;
mod plan;
mod scalars;
mod search;
mod strategy;
mod viewer;

use async_graphql::{
    Context, EmptyMutation, EmptySubscription, InputType, MergedObject, Name, SDLExportOptions,
    Schema, Value,
};
use sea_orm::DatabaseConnection;

use crate::error::ApiError;
use crate::i18n::{Lang, RequestLang, pick};
use crate::loaders::Loaders;

pub use node::{GlobalId, Node};

/// The root query: the union of every domain's root.
#[derive(MergedObject, Default)]
pub struct Query(
    plan::PlanQuery,
    strategy::StrategyQuery,
    actors::ActorsQuery,
    node::NodeQuery,
    search::SearchQuery,
    viewer::ViewerQuery,
);

/// The schema type served by the API.
pub type PlanSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// Builds the schema. Request-scoped data (loaders, language) is added per request.
pub fn build_schema(db: DatabaseConnection) -> PlanSchema {
    Schema::build(Query::default(), EmptyMutation, EmptySubscription)
        .data(db)
        .finish()
}

/// The SDL of the schema, sorted so that the committed `schema.graphql` diffs cleanly.
pub fn sdl() -> String {
    Schema::build(Query::default(), EmptyMutation, EmptySubscription)
        .finish()
        .sdl_with_options(
            SDLExportOptions::new()
                .sorted_fields()
                .sorted_arguments()
                .sorted_enum_items(),
        )
}

/// The request's loaders.
pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a Loaders, ApiError> {
    ctx.data::<Loaders>().map_err(|_| ApiError::Internal)
}

/// The database handle.
pub(crate) fn db<'a>(ctx: &Context<'a>) -> Result<&'a DatabaseConnection, ApiError> {
    ctx.data::<DatabaseConnection>()
        .map_err(|_| ApiError::Internal)
}

/// The language to answer in: the field's argument, else the request's.
pub(crate) fn lang(ctx: &Context<'_>, arg: Option<Lang>) -> Lang {
    arg.unwrap_or_else(|| {
        ctx.data_opt::<RequestLang>()
            .map(|r| r.0)
            .unwrap_or_default()
    })
}

/// A localized text in the language asked for.
pub(crate) fn tr(ctx: &Context<'_>, text: &entity::I18n, arg: Option<Lang>) -> String {
    pick(text, lang(ctx, arg))
}

/// A stored vocabulary value (`"STRENGTH"`) as its GraphQL enum.
pub(crate) fn db_enum<T: InputType>(stored: &str) -> Result<T, ApiError> {
    T::parse(Some(Value::Enum(Name::new(stored)))).map_err(|_| {
        tracing::error!(value = stored, "stored value outside its GraphQL enum");
        ApiError::Internal
    })
}

/// A GraphQL enum value as stored (`SwotKind::Strength` → `"STRENGTH"`).
pub(crate) fn enum_str<T: InputType>(value: &T) -> String {
    match value.to_value() {
        Value::Enum(name) => name.to_string(),
        other => other.to_string(),
    }
}

/// A text that is the same in every language (a proper name): its Spanish or first value.
pub(crate) fn i18n_first(text: &entity::I18n) -> String {
    pick(text, Lang::Es)
}
