//! What every monitoring record type has: the fields common to all kinds (declared by
//! [`record_type!`]), who reported it, and the `MonitoringRecord` interface.

use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::Loader;

use async_graphql::{Context, ID, Interface, Object};
use entity::monitoring_record;

use super::{Activity, Evaluation, FundedProject, Indicator, Measurement, ProgressUpdate};
use crate::auth::Role;
use crate::error::ApiError;
use crate::graphql::actors::{Municipality, Organization};
use crate::graphql::loaders;
use crate::graphql::scoped::Scoped;
use crate::graphql::viewer::ViewerRole;
use crate::loaders::{ByCode, Db, OrgByCode};
use crate::monitoring::{RecordKind, ReviewState};
use crate::policy;

/// Who reported a record.
pub struct Reporter<'a>(pub(super) &'a monitoring_record::Model);

/// Who reported a record.
#[Object]
impl Reporter<'_> {
    /// The reporter's role.
    async fn role(&self) -> ViewerRole {
        match Role::from_claim(&self.0.owner_role) {
            Some(Role::Admin) => ViewerRole::Admin,
            Some(Role::Area) => ViewerRole::Area,
            Some(Role::Municipality) => ViewerRole::Municipality,
            Some(Role::Reader) => ViewerRole::Reader,
            _ => ViewerRole::Anonymous,
        }
    }
    /// The reporting AMB area or service.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Organization>, ApiError> {
        let unit = self.0.owner_unit.as_slice();
        Ok(orgs_by_code(ctx, unit, Organization::new).await?.pop())
    }
    /// The reporting municipality.
    async fn municipality(&self, ctx: &Context<'_>) -> Result<Option<Municipality>, ApiError> {
        let municipality = self.0.owner_municipality.as_slice();
        Ok(orgs_by_code(ctx, municipality, Municipality::new)
            .await?
            .pop())
    }
    /// The token subject that reported it; shown to coordinators, readers and the reporter's
    /// own unit or municipality only.
    async fn subject(&self, ctx: &Context<'_>) -> Option<&str> {
        let viewer = policy::viewer(ctx);
        let own = viewer.sub.as_deref() == Some(self.0.owner_sub.as_str())
            || policy::visibility(viewer) == crate::monitoring::Visibility::All
            || self
                .0
                .owner_unit
                .as_ref()
                .is_some_and(|u| viewer.unit_scope.contains(u))
            || (self.0.owner_municipality.is_some()
                && self.0.owner_municipality == viewer.municipality);
        own.then_some(self.0.owner_sub.as_str())
    }
}

/// Declares a record type: the struct, its `from_model`, and its `#[Object] impl` with the
/// fields every record has (`id`, `state`, `version`, `year`, the dates, `reportedBy`,
/// `reviewComment`, `synthetic`, `languages`, `translations`) followed by its own:
///
/// ```text
/// record_type! {
///     /// An activity: …                    // the type's description
///     Activity(ActivityPayload) {          // the type and the payload its records decode to
///         /// Kind of activity.
///         async fn kind(&self) -> ActivityKind { self.p.kind }   // any resolver, as written
///         /// Title.
///         text title;                      // title(lang): String! from the payload's `title`
///     }
///     // Optional: lists of texts that are not fields of their own, for `translations` and
///     // `languages` (each item named `field[index]`).
///     lists |s| ["milestones.text" => s.p.milestones.iter().map(|m| &m.text)]
/// }
/// ```
///
/// Each `text` line, as in [`content_object!`](crate::graphql::scoped::content_object), writes
/// the resolver and names the text for `translations` and `languages`, so a text cannot be
/// served and yet be missing from its translations. The struct holds the stored record `m`,
/// the code of its plan `plan` and the decoded payload `p`.
///
/// A field whose `complexity` names `child_complexity` (a paged list) needs the `#[Object]`
/// attribute written where the field is, `Indicator(IndicatorPayload) #[Object] { … }`: the
/// attribute's expansion declares `child_complexity`, and macro hygiene lets the field's
/// expression see it only when both come from the same place.
macro_rules! record_type {
    (
        $(#[doc = $doc:tt])*
        $name:ident($payload:ty) $hash:tt $object:tt { $($fields:tt)* }
        $(lists |$s:ident| [$($lfield:literal => $lexpr:expr),* $(,)?])?
    ) => {
        crate::graphql::monitoring::record::record_type!(@field
            [$name $payload [$(#[doc = $doc])*] [$(|$s| [$($lfield => $lexpr),*])?] [$hash $object]]
            [] [] $($fields)*);
    };
    (
        $(#[doc = $doc:tt])*
        $name:ident($payload:ty) { $($fields:tt)* }
        $(lists |$s:ident| [$($lfield:literal => $lexpr:expr),* $(,)?])?
    ) => {
        crate::graphql::monitoring::record::record_type!(@field
            [$name $payload [$(#[doc = $doc])*] [$(|$s| [$($lfield => $lexpr),*])?]
                [#[async_graphql::Object]]]
            [] [] $($fields)*);
    };

    // One field at a time: `@field [header] [resolvers so far] [texts so far]` then the fields
    // still to read.
    (@field $head:tt [$($done:tt)*] [$($texts:ident)*]
        $(#[doc = $d:tt])* text $text:ident; $($rest:tt)*) => {
        crate::graphql::monitoring::record::record_type!(@field $head [
            $($done)*
            $(#[doc = $d])*
            async fn $text(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(desc = "Language of the text; defaults to the request's language.")]
                lang: Option<crate::i18n::Lang>,
            ) -> &str {
                crate::graphql::tr_ref(ctx, &self.p.$text, lang)
            }
        ] [$($texts)* $text] $($rest)*);
    };
    // Any other field, kept as written (`Result` is matched by name, as in `content_object!`:
    // async-graphql recognizes a fallible resolver by the `Result` it sees).
    (@field $head:tt [$($done:tt)*] $texts:tt
        $(#[$($attr:tt)*])*
        async fn $fn:ident $args:tt -> Result<$ok:ty, $err:ty> { $($body:tt)* }
        $($rest:tt)*) => {
        crate::graphql::monitoring::record::record_type!(@field $head [
            $($done)*
            $(#[$($attr)*])*
            async fn $fn $args -> Result<$ok, $err> { $($body)* }
        ] $texts $($rest)*);
    };
    (@field $head:tt [$($done:tt)*] $texts:tt
        $(#[$($attr:tt)*])*
        async fn $fn:ident $args:tt -> $ret:ty { $($body:tt)* }
        $($rest:tt)*) => {
        crate::graphql::monitoring::record::record_type!(@field $head [
            $($done)*
            $(#[$($attr)*])*
            async fn $fn $args -> $ret { $($body)* }
        ] $texts $($rest)*);
    };

    // All read.
    (@field [$name:ident $payload:ty [$($doc:tt)*] [$(|$s:ident| [$($lfield:literal => $lexpr:expr),*])?]
        [$($object:tt)*]]
        [$($done:tt)*] [$($texts:ident)*]) => {
        $($doc)*
        pub struct $name {
            pub(crate) m: entity::monitoring_record::Model,
            pub(crate) plan: String,
            pub(crate) p: $payload,
        }

        impl $name {
            /// Wraps a stored record. A payload that does not decode as this kind is an
            /// internal error, logged with the record's id: never a record silently left out.
            pub(crate) fn from_model(
                m: entity::monitoring_record::Model,
                plan: &str,
            ) -> Result<Self, crate::error::ApiError> {
                match serde_json::from_value(m.payload.clone()) {
                    Ok(p) => Ok(Self { m, plan: plan.to_owned(), p }),
                    Err(e) => Err(crate::graphql::monitoring::record::undecodable(&m, &e)),
                }
            }
        }

        impl crate::graphql::Localized for $name {
            fn texts(&self) -> Vec<(String, &entity::I18n)> {
                let mut out = Vec::new();
                $(crate::graphql::scoped::TextColumn::add_to(
                    &self.p.$texts,
                    stringify!($texts),
                    &mut out,
                );)*
                $(
                    let $s = self;
                    $(out.extend(
                        $lexpr.enumerate().map(|(i, t)| (format!("{}[{i}]", $lfield), t)),
                    );)*
                )?
                out
            }
        }

        $($doc)*
        $($object)*
        impl $name {
            /// Opaque global ID.
            pub(crate) async fn id(&self) -> async_graphql::ID {
                crate::ids::GlobalId::of_plan_record(crate::monitoring::RecordKind::$name.type_name(), &self.plan, &self.m.public_id)
            }
            /// Review state.
            pub(crate) async fn state(&self) -> Result<crate::monitoring::ReviewState, crate::error::ApiError> {
                Ok(self.m.state.parse()?)
            }
            /// Version, incremented by every change; send it back as `expectedVersion`. Null
            /// for callers who may neither change nor review the record (how often a record
            /// changed is internal to its review).
            pub(crate) async fn version(&self, ctx: &async_graphql::Context<'_>) -> Option<i32> {
                crate::policy::allows_on_record(crate::policy::viewer(ctx), crate::policy::Operation::ReadRevisions, &self.m)
                    .then_some(self.m.version)
            }
            /// The reporting year the record belongs to, when it has one.
            async fn year(&self) -> Option<i32> {
                self.m.year
            }
            /// When it was created.
            async fn created_at(&self) -> crate::graphql::scalars::DateTime {
                crate::graphql::scalars::DateTime(self.m.created_at)
            }
            /// When it last changed.
            async fn updated_at(&self) -> crate::graphql::scalars::DateTime {
                crate::graphql::scalars::DateTime(self.m.updated_at)
            }
            /// When it was last published.
            async fn published_at(&self) -> Option<crate::graphql::scalars::DateTime> {
                self.m.published_at.map(crate::graphql::scalars::DateTime)
            }
            /// Who reported it.
            async fn reported_by(&self) -> crate::graphql::monitoring::Reporter<'_> {
                crate::graphql::monitoring::Reporter(&self.m)
            }
            /// The reviewer's comment while the record is being reviewed (returned, or
            /// submitted again). Internal to the review: shown to the reporter, readers and
            /// coordinators only, null for everyone else; cleared when the record is published
            /// (the audit trail keeps every comment).
            async fn review_comment(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(desc = "Language of the text; defaults to the request's language.")]
                lang: Option<crate::i18n::Lang>,
            ) -> Option<String> {
                if !crate::policy::allows_on_record(
                    crate::policy::viewer(ctx),
                    crate::policy::Operation::ReadReviewComments,
                    &self.m,
                ) {
                    return None;
                }
                let text: entity::I18n =
                    serde_json::from_value(self.m.review_comment.clone()?).ok()?;
                Some(crate::graphql::tr(ctx, &text, lang))
            }
            /// Whether this is synthetic demonstration data (never real monitoring data).
            async fn synthetic(&self) -> bool {
                self.m.synthetic
            }
            /// The languages in which every text of the record is available.
            async fn languages(&self) -> Vec<crate::i18n::Lang> {
                crate::graphql::languages_of(&crate::graphql::Localized::texts(self))
            }
            /// Every localized text of the record, in every language it has.
            async fn translations(
                &self,
                #[graphql(desc = "Only these fields (by their GraphQL names); all when omitted.")]
                fields: Option<Vec<String>>,
            ) -> Vec<crate::graphql::FieldTranslations> {
                crate::graphql::translations_of(crate::graphql::Localized::texts(self), fields.as_deref())
            }
            $($done)*
        }
    };
}

pub(super) use record_type;

/// The rows loader key `K` finds for `keys`, in the keys' order, skipping keys that find
/// nothing: the one lookup by code of a record's references (actions, zones, organizations, …).
pub(super) async fn found_in_order<K>(
    ctx: &Context<'_>,
    keys: Vec<K>,
) -> Result<Vec<<Db as Loader<K>>::Value>, ApiError>
where
    K: Clone + Eq + Hash + Send + Sync + 'static,
    Db: Loader<K, Error = ApiError>,
{
    let mut found = loaders(ctx)?.load_many(keys.iter().cloned()).await?;
    Ok(keys.iter().filter_map(|k| found.remove(k)).collect())
}

/// The content rows of plan `plan_id` (code `plan`) with `codes`, in their order, skipping
/// unknown codes: a record's actions, zones, partners, expected result.
pub(super) async fn content_by_code<R>(
    ctx: &Context<'_>,
    plan_id: i32,
    plan: &str,
    codes: &[String],
) -> Result<Vec<Scoped<<Db as Loader<ByCode<R>>>::Value>>, ApiError>
where
    R: Send + Sync + 'static,
    Db: Loader<ByCode<R>, Error = ApiError>,
{
    let keys = codes
        .iter()
        .map(|c| ByCode::new(plan_id, c.clone()))
        .collect();
    let plan: Arc<str> = Arc::from(plan);
    Ok(found_in_order(ctx, keys)
        .await?
        .into_iter()
        .map(|m| Scoped::new(Arc::new(m), plan.clone()))
        .collect())
}

/// The organizations of `codes`, in their order, skipping unknown codes, each wrapped by
/// `wrap` (`Organization::new`, `Municipality::new`).
pub(super) async fn orgs_by_code<T>(
    ctx: &Context<'_>,
    codes: &[String],
    wrap: fn(Arc<entity::organization::Model>) -> T,
) -> Result<Vec<T>, ApiError> {
    let keys = codes.iter().cloned().map(OrgByCode).collect();
    Ok(found_in_order(ctx, keys)
        .await?
        .into_iter()
        .map(|m| wrap(Arc::new(m)))
        .collect())
}

/// Any monitoring record.
#[derive(Interface)]
#[graphql(
    field(name = "id", ty = "ID", desc = "Opaque global ID."),
    field(name = "state", ty = "ReviewState", desc = "Review state."),
    field(
        name = "version",
        ty = "Option<i32>",
        desc = "Version, incremented by every change; send it back as `expectedVersion`. Null for callers who may neither change nor review the record."
    )
)]
pub enum MonitoringRecord {
    /// A progress update.
    ProgressUpdate(ProgressUpdate),
    /// An activity.
    Activity(Activity),
    /// A funded project.
    FundedProject(FundedProject),
    /// An indicator.
    Indicator(Indicator),
    /// A measurement.
    Measurement(Measurement),
    /// An evaluation.
    Evaluation(Evaluation),
}

impl MonitoringRecord {
    /// Wraps a stored record in its type; a record of no known kind, or whose payload does not
    /// decode, is an internal error, logged.
    pub(crate) fn from_model(m: monitoring_record::Model, plan: &str) -> Result<Self, ApiError> {
        let Some(kind) = RecordKind::of_stored(&m.record_type) else {
            tracing::error!(
                record = m.id,
                kind = %m.record_type,
                "a stored monitoring record of no known kind"
            );
            return Err(ApiError::Internal);
        };
        Ok(match kind {
            RecordKind::ProgressUpdate => {
                Self::ProgressUpdate(ProgressUpdate::from_model(m, plan)?)
            }
            RecordKind::Activity => Self::Activity(Activity::from_model(m, plan)?),
            RecordKind::FundedProject => Self::FundedProject(FundedProject::from_model(m, plan)?),
            RecordKind::Indicator => Self::Indicator(Indicator::from_model(m, plan)?),
            RecordKind::Measurement => Self::Measurement(Measurement::from_model(m, plan)?),
            RecordKind::Evaluation => Self::Evaluation(Evaluation::from_model(m, plan)?),
        })
    }
}

/// The error for a stored record whose payload does not decode: logged with what finds it.
pub(crate) fn undecodable(m: &monitoring_record::Model, e: &serde_json::Error) -> ApiError {
    tracing::error!(
        record = m.id,
        kind = %m.record_type,
        error = %e,
        "a stored monitoring record does not decode"
    );
    ApiError::Internal
}
