//! What the plans say of each other and of the shared registry, loaded after every plan's own
//! content: the items a later plan continues (`continues = ["PLAN/CODE"]`), and the names a
//! plan's text gives organizations that the registry now names otherwise (`names.toml`).
//!
//! Both tables are small and rebuilt whole whenever any plan changed, inside the seed's
//! transaction: rebuilding cannot leave a continuation pointing at an item that moved.

use std::collections::HashMap;

use entity::{
    action, action_continuation, expected_result, line_continuation, organization, plan,
    plan_organization_name, result_continuation, strategic_line,
};
use sea_orm::{ActiveValue::NotSet, DatabaseTransaction, EntityTrait, QuerySelect, Set};

use super::{data, i18n, pos};

/// `(plan code, item code)` → id, for one kind of item.
type Ids = HashMap<(String, String), i32>;

/// Ids of every plan's items of one table, by plan code and item code.
async fn ids<E>(
    txn: &DatabaseTransaction,
    plans: &HashMap<i32, String>,
    plan_col: E::Column,
    code_col: E::Column,
    id_col: E::Column,
) -> Result<Ids, sea_orm::DbErr>
where
    E: EntityTrait,
{
    let rows: Vec<(i32, String, i32)> = E::find()
        .select_only()
        .column(plan_col)
        .column(code_col)
        .column(id_col)
        .into_tuple()
        .all(txn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(plan, code, id)| Some(((plans.get(&plan)?.clone(), code), id)))
        .collect())
}

/// Rebuilds the continuations and the plans' organization names from `plans`.
pub(super) async fn load(txn: &DatabaseTransaction, plans: &[data::Dataset]) -> anyhow::Result<()> {
    let plan_ids: HashMap<i32, String> = plan::Entity::find()
        .select_only()
        .column(plan::Column::Id)
        .column(plan::Column::Code)
        .into_tuple::<(i32, String)>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    let lines = ids::<strategic_line::Entity>(
        txn,
        &plan_ids,
        strategic_line::Column::PlanId,
        strategic_line::Column::Code,
        strategic_line::Column::Id,
    )
    .await?;
    let actions = ids::<action::Entity>(
        txn,
        &plan_ids,
        action::Column::PlanId,
        action::Column::Code,
        action::Column::Id,
    )
    .await?;
    let results = ids::<expected_result::Entity>(
        txn,
        &plan_ids,
        expected_result::Column::PlanId,
        expected_result::Column::Code,
        expected_result::Column::Id,
    )
    .await?;
    line_continuation::Entity::delete_many().exec(txn).await?;
    action_continuation::Entity::delete_many().exec(txn).await?;
    result_continuation::Entity::delete_many().exec(txn).await?;
    let mut rows = (Vec::new(), Vec::new(), Vec::new());
    for ds in plans {
        let code = &ds.plan.plan.code;
        let mut position: HashMap<(&str, &str), usize> = HashMap::new();
        for (kind, item, target) in ds.continuations() {
            // `data::read_all` checked that the target exists in an earlier plan.
            let Some((to_plan, to_code)) = target.split_once('/') else {
                continue;
            };
            let n = position.entry((kind, item)).or_default();
            *n += 1;
            let key = |c: &str| (code.clone(), c.to_owned());
            let to = (to_plan.to_owned(), to_code.to_owned());
            let missing =
                || anyhow::anyhow!("{code}: {kind} {item} continues {target}, not loaded");
            match kind {
                "line" => rows.0.push(line_continuation::ActiveModel {
                    id: NotSet,
                    line_id: Set(*lines.get(&key(item)).ok_or_else(missing)?),
                    continues_id: Set(*lines.get(&to).ok_or_else(missing)?),
                    position: Set(pos(*n - 1)),
                }),
                "action" => rows.1.push(action_continuation::ActiveModel {
                    id: NotSet,
                    action_id: Set(*actions.get(&key(item)).ok_or_else(missing)?),
                    continues_id: Set(*actions.get(&to).ok_or_else(missing)?),
                    position: Set(pos(*n - 1)),
                }),
                _ => rows.2.push(result_continuation::ActiveModel {
                    id: NotSet,
                    result_id: Set(*results.get(&key(item)).ok_or_else(missing)?),
                    continues_id: Set(*results.get(&to).ok_or_else(missing)?),
                    position: Set(pos(*n - 1)),
                }),
            }
        }
    }
    if !rows.0.is_empty() {
        line_continuation::Entity::insert_many(rows.0)
            .exec(txn)
            .await?;
    }
    if !rows.1.is_empty() {
        action_continuation::Entity::insert_many(rows.1)
            .exec(txn)
            .await?;
    }
    if !rows.2.is_empty() {
        result_continuation::Entity::insert_many(rows.2)
            .exec(txn)
            .await?;
    }
    load_names(txn, plans, &plan_ids).await
}

/// The organizations' names as each plan's text uses them (`names.toml`).
async fn load_names(
    txn: &DatabaseTransaction,
    plans: &[data::Dataset],
    plan_ids: &HashMap<i32, String>,
) -> anyhow::Result<()> {
    let orgs: HashMap<String, i32> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Code)
        .column(organization::Column::Id)
        .into_tuple::<(String, i32)>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    let plan_by_code: HashMap<&str, i32> = plan_ids
        .iter()
        .map(|(id, code)| (code.as_str(), *id))
        .collect();
    plan_organization_name::Entity::delete_many()
        .exec(txn)
        .await?;
    let mut rows = Vec::new();
    for ds in plans {
        let code = ds.plan.plan.code.as_str();
        let plan_id = *plan_by_code
            .get(code)
            .ok_or_else(|| anyhow::anyhow!("plan {code} was not loaded"))?;
        for n in &ds.names.organizations {
            rows.push(plan_organization_name::ActiveModel {
                id: NotSet,
                plan_id: Set(plan_id),
                organization_id: Set(*orgs.get(&n.code).ok_or_else(|| {
                    anyhow::anyhow!("{code}/names.toml: no organization {}", n.code)
                })?),
                name: Set(i18n(&n.name)),
                acronym: Set(n.acronym.as_ref().map(i18n)),
            });
        }
    }
    if !rows.is_empty() {
        plan_organization_name::Entity::insert_many(rows)
            .exec(txn)
            .await?;
    }
    Ok(())
}
