//! Loading the plan's data files into the database, idempotently.
//!
//! Every record is upserted by its natural key (`code`, or `(plan, code)`), so surrogate IDs
//! stay stable across reloads; records that left the files are deleted; link tables and the
//! search index are rebuilt. A hash of the files is kept in `seed_state`: when nothing changed,
//! the seed writes nothing at all.
//!
//! - [`registry`]: the organizations shared by every plan, and the municipalities;
//! - [`content`]: one plan's content, table by table;
//! - [`search`]: the search index; [`data`]: reading and checking the files;
//! - [`references`]: what monitoring data refers to, which a seed never orphans.

mod across;
mod content;
mod data;
mod references;
mod registry;
mod search;

/// The language of search entries for text that is the same in every language.
pub const NEUTRAL_LANG: &str = search::NEUTRAL;

use std::collections::HashMap;
use std::path::Path;

use entity::{I18n, plan, seed_state};

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, DatabaseConnection, DatabaseTransaction, DbErr,
    EntityTrait, IdenStatic, Iterable, PrimaryKeyTrait, Set, TransactionTrait,
};

use content::{glossary_code, load_plan, partner_code, swot_codes};
use data::Text;
pub use data::{Problem, Problems, Report, check_folder, vocabulary};
use registry::load_organizations;

/// What a seed run did to one plan.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The files were loaded (first load, or they changed).
    Loaded,
    /// The database already held exactly these files; nothing was written.
    Unchanged,
}

/// Loads every plan of `data_dir` (each folder holding a `plan.toml`; see [`data::read_all`])
/// and the shared registry, in one transaction: every file is read and checked first, so a
/// problem anywhere loads nothing, and no reader ever sees two current plans or none. Returns
/// each plan's code with what happened to it, in folder name order.
pub async fn seed_all(
    db: &DatabaseConnection,
    data_dir: &Path,
) -> anyhow::Result<Vec<(String, Outcome)>> {
    let plans = data::read_all(data_dir)?;
    let txn = db.begin().await?;
    let loaded: HashMap<String, String> = seed_state::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|s| (s.plan_code, s.content_hash))
        .collect();
    let changed: Vec<bool> = plans
        .iter()
        .map(|ds| loaded.get(&ds.plan.plan.code) != Some(&ds.content_hash))
        .collect();
    // A plan of the database whose folder is gone is a change too, which the check refuses.
    let gone = loaded
        .keys()
        .any(|code| !plans.iter().any(|ds| ds.plan.plan.code == *code));
    if changed.contains(&true) || gone {
        let moves = references::check(&txn, &plans).await?;
        references::relink(&txn, &moves).await?;
        for (ds, changed) in plans.iter().zip(&changed) {
            if *changed {
                load_plan_files(&txn, ds).await?;
            }
        }
        across::load(&txn, &plans).await?;
        crate::generation::bump(&txn).await?;
        txn.commit().await?;
    } else {
        txn.rollback().await?;
    }
    let outcomes = plans
        .iter()
        .zip(changed)
        .map(|(ds, changed)| {
            let outcome = if changed {
                Outcome::Loaded
            } else {
                Outcome::Unchanged
            };
            (ds.plan.plan.code.clone(), outcome)
        })
        .collect();
    // Every year of each plan's period has its reporting year, open until it is closed (also
    // in a database seeded before reporting years existed).
    for plan in plan::Entity::find().all(db).await? {
        crate::monitoring::store::ensure_reporting_years(db, &plan).await?;
    }
    Ok(outcomes)
}

/// Loads one plan's changed files (and the shared registry) inside `txn`, with the event that
/// says so and the hash that lets the next seed skip them.
async fn load_plan_files(txn: &DatabaseTransaction, ds: &data::Dataset) -> anyhow::Result<()> {
    let plan_code = ds.plan.plan.code.as_str();
    load_content_tables(txn, ds).await?;
    if let Some(plan) =
        crate::store::row_by::<plan::Entity>(txn, plan::Column::Code, plan_code).await?
    {
        crate::events::append(
            txn,
            crate::events::NewEvent::plan(
                crate::events::ChangeType::PlanContentChanged,
                plan.id,
                serde_json::json!({ "contentHash": ds.content_hash }),
            ),
        )
        .await?;
    }
    upsert::<seed_state::Entity>(
        txn,
        seed_state::ActiveModel {
            id: NotSet,
            plan_code: Set(plan_code.to_owned()),
            content_hash: Set(ds.content_hash.clone()),
            loaded_at: Set(chrono::Utc::now()),
        },
        &[seed_state::Column::PlanCode],
    )
    .await?;
    Ok(())
}

/// The content tables of `ds`: the shared registry, then the plan's records and its search
/// index. Unchanged since the first release: every release's seed wrote them this way.
async fn load_content_tables(txn: &DatabaseTransaction, ds: &data::Dataset) -> anyhow::Result<()> {
    let orgs = load_organizations(txn, ds).await?;
    load_plan(txn, ds, &orgs).await
}

/// Loads the content of `plan_code` from `data_dir` and nothing else (no seed state, event or
/// content generation), in one transaction; returns the hash of the files, which [`seed`]
/// keeps in `seed_state`. For upgrade tests: with it they build a database as an earlier
/// release's seed left it, writing that release's own rows for the tables later migrations
/// changed, instead of running today's seed on a schema it was not written for.
pub async fn load_content(
    db: &DatabaseConnection,
    data_dir: &Path,
    plan_code: &str,
) -> anyhow::Result<String> {
    let ds = data::read(data_dir, plan_code)?;
    let txn = db.begin().await?;
    load_content_tables(&txn, &ds).await?;
    txn.commit().await?;
    Ok(ds.content_hash)
}

pub(super) fn i18n(text: &Text) -> I18n {
    I18n(text.clone())
}

/// Inserts `am`, or updates every non-key column of the row with the same `key`; returns its id.
pub(super) async fn upsert<E>(
    txn: &DatabaseTransaction,
    am: E::ActiveModel,
    key: &[E::Column],
) -> Result<i32, DbErr>
where
    E: EntityTrait,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    E::PrimaryKey: PrimaryKeyTrait<ValueType = i32>,
{
    let key_names: Vec<&str> = key.iter().map(|c| c.as_str()).collect();
    let updates: Vec<E::Column> = E::Column::iter()
        .filter(|c| c.as_str() != "id" && !key_names.contains(&c.as_str()))
        .collect();
    let res = E::insert(am)
        .on_conflict(
            OnConflict::columns(key.iter().copied())
                .update_columns(updates)
                .to_owned(),
        )
        .exec(txn)
        .await?;
    Ok(res.last_insert_id)
}

pub(super) fn pos(i: usize) -> i32 {
    i32::try_from(i + 1).unwrap_or(i32::MAX)
}
