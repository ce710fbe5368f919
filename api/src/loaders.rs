//! Per-request DataLoaders: every "rows of table T whose column C is one of these keys" is
//! batched into one `SELECT … WHERE C IN (…)` per resolver level.
//!
//! One [`Db`] loader serves every relation; each relation is a marker type implementing
//! [`Rel`] (declared in [`crate::relations`], which the snapshot reads too), and the key [`By<R>`] tells the loader which one. A new `DataLoader<Db>` is made for
//! each request (never shared), so nothing cached outlives the request.
//!
//! Content relations (every relation of the `relations!` table) are answered from the shared
//! [`Snapshot`] of the current content generation when there is one, without the loader and
//! without SQL; monitoring relations always go through the loader.
//!
//! **Who owns a row.** Each relation names how its rows are handed out ([`Rel::Row`]): content
//! rows as `Arc<Model>`, shared with the snapshot, so a resolver never copies a row (its texts
//! are large maps); monitoring rows as the owned `Model`, read for this request alone. The
//! content accessors ([`many`], [`one`], [`each_of`], [`plan`], [`plans`], [`line_by_code`],
//! [`action_by_code`], [`organization_by_code`]) therefore hand out `Arc`s whether the row came
//! from the snapshot or from the database. The batched key loaders outside the `relations!`
//! table ([`OrgByCode`], [`ByCode`], …) serve monitoring links and the `node` look-ups and keep
//! owned rows.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, ModelTrait, QueryFilter, QueryOrder, Value,
};

use entity::{action, organization, plan, strategic_line};

use crate::error::ApiError;
// The relation markers live in `relations` (the snapshot serves them too); resolvers name
// them through this module, beside the accessors that read them.
pub use crate::relations::*;
use crate::snapshot::{Snapshot, Snapshots};
use crate::store;

/// The key of relation `R`: the value of its column.
pub struct By<R>(pub i32, PhantomData<R>);

impl<R> By<R> {
    /// The key `value`.
    pub fn new(value: i32) -> Self {
        Self(value, PhantomData)
    }
}

impl<R> Clone for By<R> {
    fn clone(&self) -> Self {
        Self::new(self.0)
    }
}
impl<R> PartialEq for By<R> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<R> Eq for By<R> {}
impl<R> Hash for By<R> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

/// The loader: a database handle, and the content snapshot this request reads (looked up once,
/// on the first content read, so one request sees one generation).
pub struct Db {
    conn: DatabaseConnection,
    snapshots: Option<Arc<Snapshots>>,
    snapshot: tokio::sync::OnceCell<Option<Arc<Snapshot>>>,
}

impl Db {
    /// The database.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// The content snapshot of this request, if there is one.
    pub async fn snapshot(&self) -> Option<&Snapshot> {
        self.snapshot
            .get_or_init(|| async {
                match &self.snapshots {
                    Some(s) => s.current(&self.conn).await,
                    None => None,
                }
            })
            .await
            .as_deref()
    }
}

impl<R: Rel> Loader<By<R>> for Db {
    type Value = Vec<R::Row>;
    type Error = ApiError;

    #[tracing::instrument(
        target = "plan_api::trace",
        name = "db.batch",
        skip_all,
        fields(plan_api.loader = %crate::traces::loader_name::<R>(), plan_api.keys = keys.len())
    )]
    async fn load(&self, keys: &[By<R>]) -> Result<HashMap<By<R>, Self::Value>, Self::Error> {
        let rows = grouped::<R>(&self.conn, Some(keys.iter().map(|k| k.0).collect())).await?;
        Ok(rows.into_iter().map(|(k, v)| (By::new(k), v)).collect())
    }
}

/// The per-request loader.
pub type Loaders = DataLoader<Db>;

/// A new loader for one request; content comes from `snapshots` when given.
pub fn new_loaders(db: DatabaseConnection, snapshots: Option<Arc<Snapshots>>) -> Loaders {
    DataLoader::new(
        Db {
            conn: db,
            snapshots,
            snapshot: tokio::sync::OnceCell::new(),
        },
        // A batch runs in a task of its own: in the span of the resolver that started it, so
        // that its span and statements join the request's trace.
        |batch| tokio::spawn(tracing::Instrument::in_current_span(batch)),
    )
}

/// Rows of `R` for `key`, in order (empty when none).
pub async fn many<R: Rel>(loaders: &Loaders, key: i32) -> Result<Vec<R::Row>, ApiError> {
    if R::CONTENT
        && let Some(snapshot) = loaders.loader().snapshot().await
        && let Some(rows) = snapshot.rows::<R>(key)
    {
        return Ok(rows.to_vec());
    }
    Ok(loaders
        .load_one(By::<R>::new(key))
        .await?
        .unwrap_or_default())
}

/// Rows of `R` for each of `keys`, in the keys' order (a key without rows adds none): read
/// straight from the snapshot (no map is built), else in one batched query.
pub async fn each_of<R: Rel>(loaders: &Loaders, keys: &[i32]) -> Result<Vec<R::Row>, ApiError> {
    if R::CONTENT
        && let Some(snapshot) = loaders.loader().snapshot().await
        && let Some(grouped) = snapshot.relation::<R>()
    {
        return Ok(keys
            .iter()
            .filter_map(|key| grouped.get(key))
            .flatten()
            .cloned()
            .collect());
    }
    let mut found = loaders
        .load_many(keys.iter().map(|key| By::<R>::new(*key)))
        .await?;
    Ok(keys
        .iter()
        .filter_map(|key| found.remove(&By::new(*key)))
        .flatten()
        .collect())
}

/// The one row of `R` for `key` (for relations on a unique column such as `id`).
pub async fn one<R: Rel>(loaders: &Loaders, key: i32) -> Result<Option<R::Row>, ApiError> {
    if R::CONTENT
        && let Some(snapshot) = loaders.loader().snapshot().await
        && let Some(rows) = snapshot.rows::<R>(key)
    {
        return Ok(rows.first().cloned());
    }
    Ok(many::<R>(loaders, key).await?.into_iter().next())
}

/// The plan with `code`, or the current plan when `code` is `None`.
pub async fn plan(loaders: &Loaders, code: Option<&str>) -> Result<Arc<plan::Model>, ApiError> {
    match loaders.loader().snapshot().await {
        Some(s) => s.resolve_plan(code).cloned(),
        None => Ok(Arc::new(
            store::resolve_plan(loaders.loader().conn(), code).await?,
        )),
    }
}

/// Every plan, oldest first.
pub async fn plans(loaders: &Loaders) -> Result<Vec<Arc<plan::Model>>, ApiError> {
    match loaders.loader().snapshot().await {
        Some(s) => Ok(s.plans().to_vec()),
        None => Ok(store::plans(loaders.loader().conn())
            .await?
            .into_iter()
            .map(Arc::new)
            .collect()),
    }
}

/// A strategic line of plan `plan_id` by code.
pub async fn line_by_code(
    loaders: &Loaders,
    plan_id: i32,
    code: &str,
) -> Result<Option<Arc<strategic_line::Model>>, ApiError> {
    match loaders.loader().snapshot().await {
        Some(s) => Ok(s.line_by_code(plan_id, code).cloned()),
        None => Ok(store::line_by_code(loaders.loader().conn(), plan_id, code)
            .await?
            .map(Arc::new)),
    }
}

/// An action of plan `plan_id` by code.
pub async fn action_by_code(
    loaders: &Loaders,
    plan_id: i32,
    code: &str,
) -> Result<Option<Arc<action::Model>>, ApiError> {
    match loaders.loader().snapshot().await {
        Some(s) => Ok(s.action_by_code(plan_id, code).cloned()),
        None => Ok(
            store::action_by_code(loaders.loader().conn(), plan_id, code)
                .await?
                .map(Arc::new),
        ),
    }
}

/// An organization by code.
pub async fn organization_by_code(
    loaders: &Loaders,
    code: &str,
) -> Result<Option<Arc<organization::Model>>, ApiError> {
    match loaders.loader().snapshot().await {
        Some(s) => Ok(s.organization_by_code(code).cloned()),
        None => Ok(store::organization_by_code(loaders.loader().conn(), code)
            .await?
            .map(Arc::new)),
    }
}

/// An organization by its code.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct OrgByCode(pub String);

/// An organization by its acronym.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct OrgByAcronym(pub String);

/// The glossary entries (of every plan) defining an acronym.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct GlossaryByAcronym(pub String);

/// `impl Loader<Key> for Db` for each `Key => Value: method;`, the batch being the inherent
/// method `Db::method(&self, keys)` written beside the key. Every batch gets the same
/// `db.batch` span, named after its key and with how many keys it holds, which traces group
/// a batch's statements under; the generic relations ([`By`], [`ByCode`]) name theirs by
/// relation and write the span themselves.
macro_rules! batch_loaders {
    ($($key:ident => $value:ty: $method:ident;)*) => {$(
        impl async_graphql::dataloader::Loader<$key> for $crate::loaders::Db {
            type Value = $value;
            type Error = $crate::error::ApiError;

            #[tracing::instrument(
                target = "plan_api::trace",
                name = "db.batch",
                skip_all,
                fields(plan_api.loader = stringify!($key), plan_api.keys = keys.len())
            )]
            async fn load(
                &self,
                keys: &[$key],
            ) -> Result<std::collections::HashMap<$key, $value>, Self::Error> {
                self.$method(keys).await
            }
        }
    )*};
}
pub(crate) use batch_loaders;

batch_loaders! {
    OrgByCode => organization::Model: orgs_by_code;
    OrgByAcronym => organization::Model: orgs_by_acronym;
    GlossaryByAcronym => Vec<entity::glossary_entry::Model>: glossary_by_acronym;
}

impl Db {
    async fn orgs_by_code(
        &self,
        keys: &[OrgByCode],
    ) -> Result<HashMap<OrgByCode, organization::Model>, ApiError> {
        use entity::organization::{Column, Entity};
        let rows = Entity::find()
            .filter(Column::Code.is_in(keys.iter().map(|k| k.0.clone())))
            .all(&self.conn)
            .await?;
        Ok(rows
            .into_iter()
            .map(|m| (OrgByCode(m.code.clone()), m))
            .collect())
    }

    async fn orgs_by_acronym(
        &self,
        keys: &[OrgByAcronym],
    ) -> Result<HashMap<OrgByAcronym, organization::Model>, ApiError> {
        use entity::organization::{Column, Entity};
        let rows = Entity::find()
            .filter(Column::Acronym.is_in(keys.iter().map(|k| k.0.clone())))
            .order_by_asc(Column::Position)
            .all(&self.conn)
            .await?;
        let mut out = HashMap::new();
        for m in rows {
            if let Some(acronym) = m.acronym.clone() {
                // The first organization in registry order wins if two share an acronym.
                out.entry(OrgByAcronym(acronym)).or_insert(m);
            }
        }
        Ok(out)
    }

    async fn glossary_by_acronym(
        &self,
        keys: &[GlossaryByAcronym],
    ) -> Result<HashMap<GlossaryByAcronym, Vec<entity::glossary_entry::Model>>, ApiError> {
        use entity::glossary_entry::{Column, Entity};
        let rows = Entity::find()
            .filter(Column::Acronym.is_in(keys.iter().map(|k| k.0.clone())))
            .order_by_asc(Column::PlanId)
            .all(&self.conn)
            .await?;
        let mut out: HashMap<GlossaryByAcronym, Vec<_>> = HashMap::new();
        for m in rows {
            out.entry(GlossaryByAcronym(m.acronym.clone()))
                .or_default()
                .push(m);
        }
        Ok(out)
    }
}

/// A plan's table whose rows have a code: batched lookups by `(plan, code)`.
pub trait CodeRel: Send + Sync + 'static {
    /// The table.
    type Entity: EntityTrait<Model: Clone + Send + Sync>;
    /// Its plan column.
    fn plan() -> <Self::Entity as EntityTrait>::Column;
    /// Its code column.
    fn code() -> <Self::Entity as EntityTrait>::Column;
}

/// The key of a row of `R` by plan id and code.
pub struct ByCode<R>(pub i32, pub String, PhantomData<R>);

impl<R> ByCode<R> {
    /// The row of plan `plan_id` with `code`.
    pub fn new(plan_id: i32, code: impl Into<String>) -> Self {
        Self(plan_id, code.into(), PhantomData)
    }
}
impl<R> Clone for ByCode<R> {
    fn clone(&self) -> Self {
        Self::new(self.0, self.1.clone())
    }
}
impl<R> PartialEq for ByCode<R> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 && self.1 == other.1
    }
}
impl<R> Eq for ByCode<R> {}
impl<R> Hash for ByCode<R> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
        self.1.hash(state);
    }
}

impl<R: CodeRel> Loader<ByCode<R>> for Db {
    type Value = <R::Entity as EntityTrait>::Model;
    type Error = ApiError;

    #[tracing::instrument(
        target = "plan_api::trace",
        name = "db.batch",
        skip_all,
        fields(plan_api.loader = %format_args!("ByCode<{}>", crate::traces::loader_name::<R>()), plan_api.keys = keys.len())
    )]
    async fn load(&self, keys: &[ByCode<R>]) -> Result<HashMap<ByCode<R>, Self::Value>, ApiError> {
        let plans: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let codes: Vec<String> = keys.iter().map(|k| k.1.clone()).collect();
        let rows = R::Entity::find()
            .filter(R::plan().is_in(plans))
            .filter(R::code().is_in(codes))
            .all(&self.conn)
            .await?;
        let mut out = HashMap::new();
        for row in rows {
            let (Value::Int(Some(plan)), Value::String(Some(code))) =
                (row.get(R::plan()), row.get(R::code()))
            else {
                continue;
            };
            out.insert(ByCode::new(plan, code.to_string()), row);
        }
        Ok(out)
    }
}

macro_rules! code_relations {
    ($($(#[$doc:meta])* $name:ident => $module:ident;)*) => {$(
        $(#[$doc])*
        pub struct $name;
        impl CodeRel for $name {
            type Entity = entity::$module::Entity;
            fn plan() -> entity::$module::Column {
                entity::$module::Column::PlanId
            }
            fn code() -> entity::$module::Column {
                entity::$module::Column::Code
            }
        }
    )*};
}

code_relations! {
    /// Actions by code.
    ActionCode => action;
    /// Zones by code.
    ZoneCode => geographic_zone;
    /// Partner metropolises by code.
    PartnerCode => zone_partner;
    /// Expected results by code.
    ResultCode => expected_result;
}
