//! The public GraphQL schema: hand-written types, one module per domain, assembled here.
//!
//! The types wrap database rows but expose only what the contract names; the tables can change
//! without clients noticing.

mod actors;
mod changes;
mod geography;
mod linked;
mod monitoring;
mod monitoring_write;
mod node;
mod plan;
mod report;
mod rules;
mod scalars;
mod scoped;
mod search;
mod strategy;
mod viewer;
mod webhooks;

use async_graphql::{Context, InputType, MergedObject, Name, SDLExportOptions, Schema, Value};
use sea_orm::DatabaseConnection;

use crate::error::ApiError;
use crate::i18n::{Lang, RequestLang, pick, pick_ref};
use crate::loaders::Loaders;

pub use crate::ids::GlobalId;
pub use node::Node;
pub(crate) use rules::{check as check_document_rules, in_selection_order};

/// The root query: the union of every domain's root.
#[derive(MergedObject, Default)]
pub struct Query(
    plan::PlanQuery,
    strategy::StrategyQuery,
    actors::ActorsQuery,
    node::NodeQuery,
    search::SearchQuery,
    viewer::ViewerQuery,
    monitoring::MonitoringQuery,
    report::ReportQuery,
    changes::ChangesQuery,
    webhooks::WebhooksQuery,
);

/// The root mutation: the union of every domain's mutations.
#[derive(MergedObject, Default)]
pub struct Mutation(
    monitoring_write::RecordMutation,
    monitoring_write::ReviewMutation,
    monitoring_write::MonitoringMutation,
    webhooks::WebhooksMutation,
);

pub use changes::{ChangesSubscription as Subscription, SubscriptionSlots};
pub use monitoring::published_cache;

/// The schema type served by the API.
pub type PlanSchema = Schema<Query, Mutation, Subscription>;

/// Builds the schema with the configured limits. Request-scoped data (loaders, viewer,
/// language) is added per request.
pub fn build_schema(
    db: DatabaseConnection,
    hub: std::sync::Arc<crate::events::hub::Hub>,
    config: &crate::Config,
) -> PlanSchema {
    build(db, hub, config, true)
}

/// The same schema without extensions, for documents already checked and costed (see
/// [`crate::documents`]): with no extension, async-graphql resolves each field directly,
/// without the per-field extension chain and its type lookups.
pub fn build_lean_schema(
    db: DatabaseConnection,
    hub: std::sync::Arc<crate::events::hub::Hub>,
    config: &crate::Config,
) -> PlanSchema {
    build(db, hub, config, false)
}

fn build(
    db: DatabaseConnection,
    hub: std::sync::Arc<crate::events::hub::Hub>,
    config: &crate::Config,
    extensions: bool,
) -> PlanSchema {
    let mut builder = Schema::build(Query::default(), Mutation::default(), Subscription)
        .data(db)
        .data(hub)
        .data(crate::pagination::PageCap(config.max_page_size))
        .data(std::sync::Arc::new(crate::webhooks::Settings::from_config(
            config,
        )))
        .limit_complexity(config.max_complexity);
    if extensions {
        builder = builder
            .extension(rules::DocumentRules {
                max_depth: config.max_depth,
            })
            .extension(crate::telemetry::Cost {
                limit: config.max_complexity,
            })
            .extension(crate::traces::Phases::default());
    } else {
        // The lean schema runs only a document, operation and variables that already passed
        // full validation under the full schema (see `crate::documents`): validating the same
        // input again can only give the same verdict, so only the checks async-graphql keeps
        // in its fast mode run (fragment cycles, complexity, depth).
        builder = builder.validation_mode(async_graphql::ValidationMode::Fast);
    }
    if !config.introspection {
        // Suggestions ("did you mean …") would reveal the schema that introspection hides.
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.finish()
}

/// The GraphQL name async-graphql gives a resolver or input field: `short_title` →
/// `shortTitle` (used for the names in `translations` and in error paths).
pub(crate) fn graphql_name(rust: &str) -> String {
    let mut out = String::with_capacity(rust.len());
    let mut upper = false;
    for c in rust.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The SDL of the schema, sorted so that the committed `schema.graphql` diffs cleanly.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), Subscription)
        .finish()
        .sdl_with_options(
            SDLExportOptions::new()
                .sorted_fields()
                .sorted_arguments()
                .sorted_enum_items(),
        )
}

/// The GraphQL type name of a stored monitoring record kind (`PROGRESS_UPDATE` →
/// `ProgressUpdate`).
pub fn type_name_of_kind(record_type: &str) -> Option<&'static str> {
    crate::monitoring::RecordKind::of_stored(record_type)
        .map(crate::monitoring::RecordKind::type_name)
}

/// The request's loaders.
pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a Loaders, ApiError> {
    ctx.data::<Loaders>().map_err(|_| ApiError::Internal)
}

/// The cost of a list field: the page it asks for (`first`, else the default page size) times
/// the cost of one item, the page taken as at most [`PAGE_SIZE_CEILING`], the largest cap any
/// instance may configure. It depends on the request alone, so no copy of the instance's cap
/// is needed here: a `first` above the cap is refused by name (`BAD_USER_INPUT`) when the field
/// runs.
///
/// [`PAGE_SIZE_CEILING`]: crate::pagination::PAGE_SIZE_CEILING
pub(crate) fn list_cost(first: Option<i32>, child_complexity: usize) -> usize {
    use crate::pagination::{DEFAULT_PAGE_SIZE, PAGE_SIZE_CEILING};
    let asked = first.map_or(DEFAULT_PAGE_SIZE, |n| u64::try_from(n).unwrap_or(0));
    let page = asked.clamp(1, PAGE_SIZE_CEILING) as usize;
    page.saturating_mul(child_complexity)
}

/// Validates `first` and `after` against this instance's page size cap.
pub(crate) fn page(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<&str>,
) -> Result<crate::pagination::Page, ApiError> {
    crate::pagination::page(page_cap(ctx), first, after)
}

/// This instance's page size cap (`PLAN_API_MAX_PAGE_SIZE`).
pub(crate) fn page_cap(ctx: &Context<'_>) -> crate::pagination::PageCap {
    ctx.data::<crate::pagination::PageCap>()
        .copied()
        .unwrap_or_default()
}

/// The plans a list spans, from its `plan` and `allPlans` arguments: the plan named, the
/// current plan when none is, or every plan, oldest first.
pub(crate) async fn chosen_plans(
    ctx: &Context<'_>,
    plan: Option<&str>,
    all_plans: bool,
) -> Result<Vec<std::sync::Arc<entity::plan::Model>>, ApiError> {
    let loaders = loaders(ctx)?;
    match (plan, all_plans) {
        (Some(_), true) => Err(ApiError::bad_input(
            "allPlans",
            "give a plan or allPlans: true, not both",
        )),
        (_, true) => crate::loaders::plans(loaders).await,
        (code, false) => Ok(vec![crate::loaders::plan(loaders, code).await?]),
    }
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

/// A localized text in the language asked for, as an owned string (for texts the resolver
/// builds itself; a text of a row is better borrowed with [`tr_ref`]).
pub(crate) fn tr(ctx: &Context<'_>, text: &entity::I18n, arg: Option<Lang>) -> String {
    pick(text, lang(ctx, arg))
}

/// A localized text field (a text, an optional text, a list of texts) in the language asked
/// for, borrowed from the row that holds it: the resolver returns `&str`s, so a text is copied
/// once, into the response, not twice. The body of every `text` line of
/// [`scoped::content_object!`], [`text_object!`] and `record_type!`.
pub(crate) fn tr_ref<'a, T: TextField>(
    ctx: &Context<'_>,
    field: &'a T,
    arg: Option<Lang>,
) -> T::Out<'a> {
    field.in_lang(lang(ctx, arg))
}

/// A localized text column as a GraphQL field reads it, in one language.
pub(crate) trait TextField {
    /// What the field returns: `&str`, `Option<&str>` or `Vec<&str>`.
    type Out<'a>
    where
        Self: 'a;
    /// The text in `lang` (with the fallback [`pick_ref`] applies).
    fn in_lang(&self, lang: Lang) -> Self::Out<'_>;
}

impl TextField for entity::I18n {
    type Out<'a> = &'a str;
    fn in_lang(&self, lang: Lang) -> &str {
        pick_ref(self, lang)
    }
}

impl TextField for Option<entity::I18n> {
    type Out<'a> = Option<&'a str>;
    fn in_lang(&self, lang: Lang) -> Option<&str> {
        self.as_ref().map(|t| pick_ref(t, lang))
    }
}

impl TextField for entity::I18nList {
    type Out<'a> = Vec<&'a str>;
    fn in_lang(&self, lang: Lang) -> Vec<&str> {
        self.0.iter().map(|t| pick_ref(t, lang)).collect()
    }
}

/// Declares the `#[Object] impl` block of a view whose localized texts are fields of
/// `self.N` (a report's lines, actions, activities, a milestone): each text from one line, the
/// other fields as written. Unlike [`scoped::content_object!`] it adds no `translations` or
/// `languages` field, so it fits objects that have none.
///
/// ```text
/// text_object! {
///     /// A strategic line in the annual report.
///     #[texts = 0]                          // the texts are fields of `self.0`
///     #[Object(name = "AnnualReportLine")]  // the attribute, as written
///     impl ReportLineView<'_> {
///         /// Line title.
///         text title;                       // title(lang): String!  from self.0.title
///         /// Narrative of the year.
///         text? narrative;                  // narrative(lang): String  from an optional text
///         async fn code(&self) -> &str { &self.0.code }   // any other field, as written
///     }
/// }
/// ```
///
/// The attribute is taken as written for the reason [`scoped::content_object!`] gives (the
/// hygiene of `child_complexity`). rustfmt does not format inside the macro's braces.
macro_rules! text_object {
    (
        $(#[doc = $doc:tt])*
        #[texts = $at:tt]
        $pound:tt $object:tt
        impl $ty:ty { $($fields:tt)* }
    ) => {
        $crate::graphql::text_object!(@field [$(#[doc = $doc])* $pound $object impl $ty] $at []
            $($fields)*);
    };
    // `text name;` and `text? name;` differ only in what they return.
    (@field $head:tt $at:tt $done:tt
        $(#[doc = $d:tt])* text $name:ident; $($rest:tt)*) => {
        $crate::graphql::text_object!(@text $head $at $done [$(#[doc = $d])*] $name (&str);
            $($rest)*);
    };
    (@field $head:tt $at:tt $done:tt
        $(#[doc = $d:tt])* text? $name:ident; $($rest:tt)*) => {
        $crate::graphql::text_object!(@text $head $at $done [$(#[doc = $d])*] $name (Option<&str>);
            $($rest)*);
    };
    (@text $head:tt $at:tt [$($done:tt)*] [$($d:tt)*] $name:ident ($($ret:tt)*); $($rest:tt)*) => {
        $crate::graphql::text_object!(@field $head $at [
            $($done)*
            $($d)*
            async fn $name(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(desc = "Language of the text; defaults to the request's language.")]
                lang: Option<$crate::i18n::Lang>,
            ) -> $($ret)* {
                $crate::graphql::tr_ref(ctx, &self.$at.$name, lang)
            }
        ] $($rest)*);
    };
    // Any other field, kept as written (`Result` matched by name, as in `content_object!`).
    (@field $head:tt $at:tt [$($done:tt)*]
        $(#[$($attr:tt)*])*
        async fn $fn:ident $args:tt -> Result<$ok:ty, $err:ty> { $($body:tt)* }
        $($rest:tt)*) => {
        $crate::graphql::text_object!(@field $head $at [
            $($done)*
            $(#[$($attr)*])*
            async fn $fn $args -> Result<$ok, $err> { $($body)* }
        ] $($rest)*);
    };
    (@field $head:tt $at:tt [$($done:tt)*]
        $(#[$($attr:tt)*])*
        async fn $fn:ident $args:tt -> $ret:ty { $($body:tt)* }
        $($rest:tt)*) => {
        $crate::graphql::text_object!(@field $head $at [
            $($done)*
            $(#[$($attr)*])*
            async fn $fn $args -> $ret { $($body)* }
        ] $($rest)*);
    };
    (@field [$($head:tt)*] $at:tt [$($done:tt)*]) => {
        $($head)* {
            $($done)*
        }
    };
}

pub(crate) use text_object;

/// A stored vocabulary value (`"STRENGTH"`) as its GraphQL enum.
pub(crate) fn db_enum<T: InputType>(stored: &str) -> Result<T, ApiError> {
    T::parse(Some(Value::Enum(Name::new(stored)))).map_err(|_| {
        tracing::error!(value = stored, "stored value outside its GraphQL enum");
        ApiError::Internal
    })
}

/// Whether a stored vocabulary value is the one a filter argument asks for (any value, when the
/// argument is omitted).
pub(crate) fn matches_filter<T: InputType + PartialEq>(wanted: Option<T>, stored: &str) -> bool {
    wanted.is_none_or(|w| db_enum::<T>(stored).ok() == Some(w))
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

/// A record with localized texts: each named by its GraphQL field.
pub(crate) trait Localized {
    /// The record's localized texts, `(field, text)`.
    fn texts(&self) -> Vec<(String, &entity::I18n)>;
}

/// A text in one language.
#[derive(async_graphql::SimpleObject)]
pub struct Translation {
    /// The language.
    pub lang: Lang,
    /// The text.
    pub text: String,
}

/// One localized field of a record, in every language it has.
#[derive(async_graphql::SimpleObject)]
pub struct FieldTranslations {
    /// The field's GraphQL name (`title`); a list item is `field[index]` (`subtopics[0]`).
    pub field: String,
    /// The field's text in each language it has, in the order CA, ES, EN, FR.
    pub values: Vec<Translation>,
}

pub(crate) fn translations_of(
    texts: Vec<(String, &entity::I18n)>,
    fields: Option<&[String]>,
) -> Vec<FieldTranslations> {
    texts
        .into_iter()
        .filter(|(name, _)| {
            fields.is_none_or(|f| {
                f.iter().any(|x| {
                    x == name
                        || name
                            .strip_prefix(x.as_str())
                            .is_some_and(|r| r.starts_with('['))
                })
            })
        })
        .map(|(field, text)| FieldTranslations {
            field,
            values: [Lang::Ca, Lang::Es, Lang::En, Lang::Fr]
                .into_iter()
                .filter_map(|lang| {
                    text.get(lang.code()).map(|t| Translation {
                        lang,
                        text: t.to_owned(),
                    })
                })
                .collect(),
        })
        .collect()
}

/// The languages in which every non-empty text of a record is available.
pub(crate) fn languages_of(texts: &[(String, &entity::I18n)]) -> Vec<Lang> {
    [Lang::Ca, Lang::Es, Lang::En, Lang::Fr]
        .into_iter()
        .filter(|lang| {
            texts
                .iter()
                .filter(|(_, t)| !t.0.values().all(|v| v.is_empty()))
                .all(|(_, t)| t.get(lang.code()).is_some())
        })
        .collect()
}
