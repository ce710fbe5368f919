//! The one shape of the plan's content objects, and the one way their GraphQL objects are
//! declared.
//!
//! **The shape.** Every GraphQL object of the plan's content (a line, an action, a SWOT item, a
//! zone, …) is a [`Scoped`] row, named by a type alias (`pub type Action = Scoped<action::Model>`).
//! The row is shared with the content snapshot (`Arc`), and the plan's code, which every global
//! ID and child object needs, is shared by every object of the same answer (`Arc<str>`): making
//! an object copies neither. Objects that belong to no single plan (organizations,
//! municipalities) hold an `Arc<organization::Model>` for the same reason. Either way the row
//! is the field `row`.
//!
//! **The declaration.** Each content object's fields are declared with [`content_object!`],
//! which wraps the `#[Object] impl` block. It writes what every content object has in the same
//! words, so that no type can differ from the others by accident:
//!
//! - `translations(fields)` and `languages`, from the object's localized texts (only when it has
//!   any);
//! - `id`, the opaque global ID, when the type is a `Node`: `#[id = plan_record]` for a record of
//!   one plan (`Type:PLAN/CODE`), `#[id = shared]` for a shared one (`Type:CODE`); the type name
//!   in the ID is the GraphQL type's own name;
//! - each localized text field from one line, which also names the text for `translations` and
//!   `languages` (so a text cannot be served and yet be missing from its translations):
//!
//! ```text
//! /// Heading.
//! text title;                     // title(lang): String!        from row.title
//! /// Position held.
//! text position = job_title;      // position(lang): String!     from row.job_title
//! /// Who signs it, when signed.
//! text? signature;                // signature(lang): String     from an optional text
//! /// Acronym, when it has one.
//! text? acronym = acronym_i18n or acronym;   // … else the plain column `acronym`
//! /// Sub-topics.
//! text[] subtopics;               // subtopics(lang): [String!]! from a list of texts
//! ```
//!
//! and two more one-line fields:
//!
//! ```text
//! /// Stable code.
//! code;                           // code: String!               from row.code
//! /// Quadrant.
//! enum kind: SwotKind;            // kind: SwotKind!             the stored value of row.kind
//! /// Group.
//! enum group: ParticipantGroup = participant_group;   // … of row.participant_group
//! ```
//!
//! Every other field is an ordinary `async fn` resolver, kept as written and in its place: the
//! fields appear in the schema in the order they are declared. Relations to other content
//! objects use [`Scoped::children`], [`Scoped::parent`] and [`Scoped::related`].
//!
//! A `macro_rules!` macro expands before async-graphql's `#[Object]` attribute sees the block,
//! so async-graphql reads the expanded resolvers exactly as if they were written by hand.
//! rustfmt does not format inside the macro's braces: keep them tidy by hand.

use std::sync::Arc;

use async_graphql::Context;
use sea_orm::EntityTrait;

use crate::error::ApiError;
use crate::graphql::{graphql_name, loaders};
use crate::loaders::{Rel, many, one};

/// A row of the plan's content and the code of its plan.
pub struct Scoped<M> {
    /// The row (shared with the content snapshot, when it came from there).
    pub(crate) row: Arc<M>,
    /// The code of the plan the row belongs to (`AMB-PI-2021-2025`).
    pub(crate) plan: Arc<str>,
}

/// The model of relation `R`'s table.
type RowOf<R> = <<R as Rel>::Entity as EntityTrait>::Model;

impl<M> Scoped<M> {
    /// `row` of the plan with code `plan`.
    pub(crate) fn new(row: Arc<M>, plan: Arc<str>) -> Self {
        Self { row, plan }
    }

    /// Another row of the same plan.
    pub(crate) fn child<N>(&self, row: Arc<N>) -> Scoped<N> {
        Scoped::new(row, self.plan.clone())
    }

    /// The rows of content relation `R` for `key` (`self.row.id` for "the X of this row"), in
    /// order, as objects of the same plan.
    pub(crate) async fn children<R>(
        &self,
        ctx: &Context<'_>,
        key: i32,
    ) -> Result<Vec<Scoped<RowOf<R>>>, ApiError>
    where
        R: Rel<Row = Arc<RowOf<R>>>,
    {
        let rows = many::<R>(loaders(ctx)?, key).await?;
        Ok(rows.into_iter().map(|m| self.child(m)).collect())
    }

    /// The row of content relation `R` for `key`, when there is one, as an object of the same
    /// plan.
    pub(crate) async fn related<R>(
        &self,
        ctx: &Context<'_>,
        key: i32,
    ) -> Result<Option<Scoped<RowOf<R>>>, ApiError>
    where
        R: Rel<Row = Arc<RowOf<R>>>,
    {
        Ok(one::<R>(loaders(ctx)?, key).await?.map(|m| self.child(m)))
    }

    /// The row of content relation `R` that a foreign key `key` of this row points to. Its
    /// absence is a broken database, an internal error.
    pub(crate) async fn parent<R>(
        &self,
        ctx: &Context<'_>,
        key: i32,
    ) -> Result<Scoped<RowOf<R>>, ApiError>
    where
        R: Rel<Row = Arc<RowOf<R>>>,
    {
        self.related::<R>(ctx, key).await?.ok_or(ApiError::Internal)
    }
}

/// A row of one plan's content: enough to name its plan when rows of several plans meet (an
/// item and what it continues, an organization's actions).
pub(crate) trait OfPlan {
    /// The plan's id.
    fn plan_id(&self) -> i32;
}

macro_rules! of_plan {
    ($($module:ident),*) => {$(
        impl OfPlan for entity::$module::Model {
            fn plan_id(&self) -> i32 {
                self.plan_id
            }
        }
    )*};
}
of_plan!(action, strategic_line, expected_result, glossary_entry);

/// The rows of by-id relation `R` for `ids`, in the ids' order, each as an object of its own
/// plan (the rows may belong to several plans).
pub(crate) async fn in_their_plans<R>(
    ctx: &Context<'_>,
    ids: &[i32],
) -> Result<Vec<Scoped<RowOf<R>>>, ApiError>
where
    R: Rel<Row = Arc<RowOf<R>>>,
    RowOf<R>: OfPlan,
{
    let loaders = loaders(ctx)?;
    let rows = crate::loaders::each_of::<R>(loaders, ids).await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut last: Option<(i32, Arc<str>)> = None;
    for row in rows {
        let code = plan_code(loaders, &mut last, row.plan_id()).await?;
        out.push(Scoped::new(row, code));
    }
    Ok(out)
}

/// The code of plan `plan_id`, shared by consecutive rows of the same plan (`last`).
pub(crate) async fn plan_code(
    loaders: &crate::loaders::Loaders,
    last: &mut Option<(i32, Arc<str>)>,
    plan_id: i32,
) -> Result<Arc<str>, ApiError> {
    if let Some((id, code)) = last
        && *id == plan_id
    {
        return Ok(code.clone());
    }
    let plan = one::<crate::loaders::PlanById>(loaders, plan_id)
        .await?
        .ok_or(ApiError::Internal)?;
    let code = code_of(&plan);
    *last = Some((plan_id, code.clone()));
    Ok(code)
}

/// The code of `plan`, to share among the objects of one answer.
pub(crate) fn code_of(plan: &entity::plan::Model) -> Arc<str> {
    Arc::from(plan.code.as_str())
}

impl Scoped<entity::plan::Model> {
    /// The plan object of `row`: a plan is the plan its own objects belong to.
    pub(crate) fn of(row: Arc<entity::plan::Model>) -> Self {
        let code = code_of(&row);
        Self::new(row, code)
    }
}

/// A column of localized text: one text, an optional one, or a list of them.
pub(crate) trait TextColumn {
    /// Adds the column's texts to `out`, named by the Rust name of their field (`short_title`
    /// is named `shortTitle`, as in the schema; a list's items are `field[index]`).
    fn add_to<'a>(&'a self, field: &str, out: &mut Vec<(String, &'a entity::I18n)>);
}

impl TextColumn for entity::I18n {
    fn add_to<'a>(&'a self, field: &str, out: &mut Vec<(String, &'a entity::I18n)>) {
        out.push((graphql_name(field), self));
    }
}

impl TextColumn for Option<entity::I18n> {
    fn add_to<'a>(&'a self, field: &str, out: &mut Vec<(String, &'a entity::I18n)>) {
        if let Some(text) = self {
            text.add_to(field, out);
        }
    }
}

impl TextColumn for entity::I18nList {
    fn add_to<'a>(&'a self, field: &str, out: &mut Vec<(String, &'a entity::I18n)>) {
        let name = graphql_name(field);
        out.extend(
            self.0
                .iter()
                .enumerate()
                .map(|(i, text)| (format!("{name}[{i}]"), text)),
        );
    }
}

/// Declares the GraphQL object of a content type: the `#[Object] impl` block, with the fields
/// every content object shares written once here. See the [module documentation](self) for
/// what it writes and for the `text` lines.
macro_rules! content_object {
    // The object: its doc comment, how its global ID is made, the `#[Object]` attribute, its
    // type and its fields. The `id` resolver is written here, to stand after `translations` and
    // `languages` as it always has. The attribute is taken as written (`$pound $object`), not
    // written here: async-graphql names the `child_complexity` of a `complexity` expression
    // with the attribute's hygiene, which must be the caller's, as the expression's is.
    (
        $(#[doc = $doc:tt])*
        #[id = plan_record]
        $pound:tt $object:tt
        impl $ty:ident { $($fields:tt)* }
    ) => {
        $crate::graphql::scoped::content_object!(@field [$ty] [$(#[doc = $doc])* $pound $object] [
            /// Opaque global ID.
            pub(crate) async fn id(&self) -> async_graphql::ID {
                $crate::graphql::GlobalId::of_plan_record(
                    stringify!($ty),
                    &self.plan,
                    &self.row.code,
                )
            }
        ] [] [] $($fields)*);
    };
    (
        $(#[doc = $doc:tt])*
        #[id = shared]
        $pound:tt $object:tt
        impl $ty:ident { $($fields:tt)* }
    ) => {
        $crate::graphql::scoped::content_object!(@field [$ty] [$(#[doc = $doc])* $pound $object] [
            /// Opaque global ID.
            pub(crate) async fn id(&self) -> async_graphql::ID {
                $crate::graphql::GlobalId::of_shared(stringify!($ty), &self.row.code)
            }
        ] [] [] $($fields)*);
    };
    (
        $(#[doc = $doc:tt])*
        #[id = none]
        $pound:tt $object:tt
        impl $ty:ident { $($fields:tt)* }
    ) => {
        $crate::graphql::scoped::content_object!(
            @field [$ty] [$(#[doc = $doc])* $pound $object] [] [] [] $($fields)*
        );
    };

    // One field at a time: `@field [type] [doc and attribute] [id resolver] [resolvers so far] [texts so far]`
    // then the fields still to read. A text named like its column gets the column's name.
    (@field $ty:tt $doc:tt $id:tt $done:tt $texts:tt
        $(#[doc = $d:tt])* text $name:ident; $($rest:tt)*) => {
        $crate::graphql::scoped::content_object!(@field $ty $doc $id $done $texts
            $(#[doc = $d])* text $name = $name; $($rest)*);
    };
    (@field $ty:tt $doc:tt $id:tt $done:tt $texts:tt
        $(#[doc = $d:tt])* text? $name:ident $(or $plain:ident)?; $($rest:tt)*) => {
        $crate::graphql::scoped::content_object!(@field $ty $doc $id $done $texts
            $(#[doc = $d])* text? $name = $name $(or $plain)?; $($rest)*);
    };
    (@field $ty:tt $doc:tt $id:tt $done:tt $texts:tt
        $(#[doc = $d:tt])* text[] $name:ident; $($rest:tt)*) => {
        $crate::graphql::scoped::content_object!(@field $ty $doc $id $done $texts
            $(#[doc = $d])* text[] $name = $name; $($rest)*);
    };
    // `text name = column;`: a text; `text? name = column;`: an optional one, with `or plain`
    // the plain (not localized) column `plain` when there is no text; `text[] name = column;`:
    // a list of texts. They differ only in what they return: `@text` writes the resolver.
    (@field $ty:tt $doc:tt $id:tt $done:tt $texts:tt
        $(#[doc = $d:tt])* text $name:ident = $col:ident; $($rest:tt)*) => {
        $crate::graphql::scoped::content_object!(@text $ty $doc $id $done $texts
            [$(#[doc = $d])*] $name $col (&str) []; $($rest)*);
    };
    (@field $ty:tt $doc:tt $id:tt $done:tt $texts:tt
        $(#[doc = $d:tt])* text? $name:ident = $col:ident $(or $plain:ident)?; $($rest:tt)*) => {
        $crate::graphql::scoped::content_object!(@text $ty $doc $id $done $texts
            [$(#[doc = $d])*] $name $col (Option<&str>) [$($plain)?]; $($rest)*);
    };
    (@field $ty:tt $doc:tt $id:tt $done:tt $texts:tt
        $(#[doc = $d:tt])* text[] $name:ident = $col:ident; $($rest:tt)*) => {
        $crate::graphql::scoped::content_object!(@text $ty $doc $id $done $texts
            [$(#[doc = $d])*] $name $col (Vec<&str>) []; $($rest)*);
    };
    (@text $ty:tt $doc:tt $id:tt [$($done:tt)*] [$($texts:tt)*]
        [$($d:tt)*] $name:ident $col:ident ($($ret:tt)*) [$($plain:ident)?]; $($rest:tt)*) => {
        $crate::graphql::scoped::content_object!(@field $ty $doc $id [
            $($done)*
            $($d)*
            async fn $name(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(desc = "Language of the text; defaults to the request's language.")]
                lang: Option<$crate::i18n::Lang>,
            ) -> $($ret)* {
                $crate::graphql::tr_ref(ctx, &self.row.$col, lang)
                    $(.or(self.row.$plain.as_deref()))?
            }
        ] [$($texts)* $name $col] $($rest)*);
    };
    // `code;`: the row's stable code.
    (@field $ty:tt $doc:tt $id:tt [$($done:tt)*] $texts:tt
        $(#[doc = $d:tt])* code; $($rest:tt)*) => {
        $crate::graphql::scoped::content_object!(@field $ty $doc $id [
            $($done)*
            $(#[doc = $d])*
            async fn code(&self) -> &str {
                &self.row.code
            }
        ] $texts $($rest)*);
    };
    // `enum name: Type;` (or `= column`): a stored vocabulary value as its GraphQL enum.
    (@field $ty:tt $doc:tt $id:tt $done:tt $texts:tt
        $(#[doc = $d:tt])* enum $name:ident: $enum:ident; $($rest:tt)*) => {
        $crate::graphql::scoped::content_object!(@field $ty $doc $id $done $texts
            $(#[doc = $d])* enum $name: $enum = $name; $($rest)*);
    };
    (@field $ty:tt $doc:tt $id:tt [$($done:tt)*] $texts:tt
        $(#[doc = $d:tt])* enum $name:ident: $enum:ident = $col:ident; $($rest:tt)*) => {
        $crate::graphql::scoped::content_object!(@field $ty $doc $id [
            $($done)*
            $(#[doc = $d])*
            async fn $name(&self) -> Result<$enum, $crate::error::ApiError> {
                $crate::graphql::db_enum(&self.row.$col)
            }
        ] $texts $($rest)*);
    };
    // Any other field, kept as written. A `Result` is matched by name because async-graphql
    // recognizes a fallible resolver by the `Result` it sees in the signature, and a type
    // captured whole (`$ret:ty`) reaches it wrapped, unrecognized.
    (@field $ty:tt $doc:tt $id:tt [$($done:tt)*] $texts:tt
        $(#[$($attr:tt)*])*
        async fn $name:ident $args:tt -> Result<$ok:ty, $err:ty> { $($body:tt)* }
        $($rest:tt)*) => {
        $crate::graphql::scoped::content_object!(@field $ty $doc $id [
            $($done)*
            $(#[$($attr)*])*
            async fn $name $args -> Result<$ok, $err> { $($body)* }
        ] $texts $($rest)*);
    };
    (@field $ty:tt $doc:tt $id:tt [$($done:tt)*] $texts:tt
        $(#[$($attr:tt)*])*
        async fn $name:ident $args:tt -> $ret:ty { $($body:tt)* }
        $($rest:tt)*) => {
        $crate::graphql::scoped::content_object!(@field $ty $doc $id [
            $($done)*
            $(#[$($attr)*])*
            async fn $name $args -> $ret { $($body)* }
        ] $texts $($rest)*);
    };

    // All read: an object without localized texts.
    (@field [$ty:ident] [$($doc:tt)*] [$($id:tt)*] [$($done:tt)*] []) => {
        $($doc)*
        impl $ty {
            $($id)*
            $($done)*
        }
    };
    // All read: an object with localized texts.
    (@field [$ty:ident] [$($doc:tt)*] [$($id:tt)*] [$($done:tt)*]
        [$($name:ident $col:ident)+]) => {
        $($doc)*
        impl $ty {
            /// Every localized text of the record, in every language it has (list items are named
            /// `field[index]`).
            async fn translations(
                &self,
                #[graphql(desc = "Only these fields (by their GraphQL names); all when omitted.")]
                fields: Option<Vec<String>>,
            ) -> Vec<$crate::graphql::FieldTranslations> {
                $crate::graphql::translations_of(
                    $crate::graphql::Localized::texts(self),
                    fields.as_deref(),
                )
            }
            /// The languages in which every text of the record is available.
            async fn languages(&self) -> Vec<$crate::i18n::Lang> {
                $crate::graphql::languages_of(&$crate::graphql::Localized::texts(self))
            }
            $($id)*
            $($done)*
        }

        impl $crate::graphql::Localized for $ty {
            fn texts(&self) -> Vec<(String, &entity::I18n)> {
                let mut out = Vec::new();
                $($crate::graphql::scoped::TextColumn::add_to(
                    &self.row.$col,
                    stringify!($name),
                    &mut out,
                );)+
                out
            }
        }
    };
}

pub(crate) use content_object;

#[cfg(test)]
mod tests {
    use crate::graphql::graphql_name;

    #[test]
    fn rust_names_become_graphql_names() {
        assert_eq!(graphql_name("title"), "title");
        assert_eq!(graphql_name("short_title"), "shortTitle");
        assert_eq!(
            graphql_name("zones_and_institutions"),
            "zonesAndInstitutions"
        );
    }
}
