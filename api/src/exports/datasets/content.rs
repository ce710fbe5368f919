//! The plan's content a download reads: strategic lines, actions and their links, and the
//! municipalities.

use std::collections::HashMap;

use entity::{action, action_organization, line_scope, organization, strategic_line};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::columns::{ACTIONS, ActionLinks, MUNICIPALITIES, Row, cells, heads};
use crate::error::ApiError;
use crate::exports::table::Sink;
use crate::i18n::Lang;

pub(super) async fn lines(
    db: &DatabaseConnection,
    plan_id: i32,
) -> Result<HashMap<i32, strategic_line::Model>, ApiError> {
    Ok(strategic_line::Entity::find()
        .filter(strategic_line::Column::PlanId.eq(plan_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect())
}

pub(super) async fn action_titles(
    db: &DatabaseConnection,
    plan_id: i32,
) -> Result<HashMap<String, entity::I18n>, ApiError> {
    Ok(plan_actions(db, plan_id)
        .await?
        .into_iter()
        .map(|a| (a.code, a.title))
        .collect())
}

async fn plan_actions(
    db: &DatabaseConnection,
    plan_id: i32,
) -> Result<Vec<action::Model>, ApiError> {
    Ok(action::Entity::find()
        .filter(action::Column::PlanId.eq(plan_id))
        .order_by_asc(action::Column::Position)
        .all(db)
        .await?)
}

/// Links between the plan's actions and organizations, in order.
async fn action_links(
    db: &DatabaseConnection,
    actions: &[action::Model],
) -> Result<Vec<action_organization::Model>, ApiError> {
    Ok(action_organization::Entity::find()
        .filter(action_organization::Column::ActionId.is_in(actions.iter().map(|a| a.id)))
        .order_by_asc(action_organization::Column::Position)
        .all(db)
        .await?)
}

pub(super) async fn actions(
    db: &DatabaseConnection,
    plan: &entity::plan::Model,
    lang: Lang,
    out: &mut Sink,
) -> Result<(), ApiError> {
    let lines = lines(db, plan.id).await?;
    let scopes: HashMap<i32, line_scope::Model> = line_scope::Entity::find()
        .filter(line_scope::Column::PlanId.eq(plan.id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let actions = plan_actions(db, plan.id).await?;
    let links = action_links(db, &actions).await?;
    let orgs: HashMap<i32, organization::Model> = organization::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    out.start(heads(ACTIONS))?;
    for it in &actions {
        let of_role = |role: &str| -> Vec<&organization::Model> {
            links
                .iter()
                .filter(|l| l.action_id == it.id && l.role == role)
                .filter_map(|l| orgs.get(&l.organization_id))
                .collect()
        };
        let x = ActionLinks {
            line: lines.get(&it.line_id),
            scope: it.scope_id.and_then(|s| scopes.get(&s)),
            responsible: of_role("RESPONSIBLE"),
            involved: of_role("INVOLVED"),
        };
        out.push(cells(ACTIONS, &Row { it, x, lang })).await?;
    }
    Ok(())
}

pub(super) async fn municipalities(
    db: &DatabaseConnection,
    plan: &entity::plan::Model,
    lang: Lang,
    out: &mut Sink,
) -> Result<(), ApiError> {
    let munis = crate::store::municipalities(db).await?;
    let actions = plan_actions(db, plan.id).await?;
    let links = action_links(db, &actions).await?;
    out.start(heads(MUNICIPALITIES))?;
    for it in &munis {
        // As `Municipality.actions`: the actions naming it, and those naming the metropolitan
        // municipalities as a group (its parent in the registry), in any role.
        let mut orgs = vec![it.id];
        orgs.extend(it.parent_id);
        let x: Vec<String> = actions
            .iter()
            .filter(|a| {
                links
                    .iter()
                    .any(|l| l.action_id == a.id && orgs.contains(&l.organization_id))
            })
            .map(|a| a.code.clone())
            .collect();
        out.push(cells(MUNICIPALITIES, &Row { it, x, lang }))
            .await?;
    }
    Ok(())
}
