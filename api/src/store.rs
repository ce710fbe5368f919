//! Database queries that are not a simple "rows by key" batch (those are in [`crate::loaders`]).
//!
//! Returns entity models and plain structs; knows nothing of GraphQL. Portable SQL only:
//! everything is built with sea-query, and text matching uses the pre-folded search table.

use entity::{action, action_organization, organization, plan, search_entry, strategic_line};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Order, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use tracing::instrument;

use crate::error::ApiError;
use crate::fold::{contains_pattern, fold};
use crate::pagination::Page;
use crate::traces::TARGET;

/// Longest text accepted for searching or filtering.
pub const MAX_SEARCH_LEN: usize = 200;

/// Every plan, oldest first.
#[instrument(target = TARGET, name = "store.plans", skip_all)]
pub async fn plans(db: &DatabaseConnection) -> Result<Vec<plan::Model>, ApiError> {
    Ok(plan::Entity::find()
        .order_by_asc(plan::Column::StartYear)
        .order_by_asc(plan::Column::Code)
        .all(db)
        .await?)
}

/// The row of table `E` whose `column` (a unique code) is `value`, if any: the one way to look
/// a record up by its code.
pub async fn row_by<E: EntityTrait>(
    db: &impl ConnectionTrait,
    column: E::Column,
    value: &str,
) -> Result<Option<E::Model>, DbErr> {
    E::find().filter(column.eq(value)).one(db).await
}

/// One page of `select`'s rows in the order of `order`, and how many rows it has in all (two
/// statements: the count, then the page). The one way a store function pages a list.
pub async fn page_of<E>(
    db: &DatabaseConnection,
    select: Select<E>,
    order: (E::Column, Order),
    page: Page,
) -> Result<(Vec<E::Model>, u64), DbErr>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by(order.0, order.1)
        .offset(page.offset)
        .limit(page.limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// The plan with `code`.
#[instrument(target = TARGET, name = "store.plan_by_code", skip_all)]
pub async fn plan_by_code(
    db: &DatabaseConnection,
    code: &str,
) -> Result<Option<plan::Model>, ApiError> {
    Ok(row_by::<plan::Entity>(db, plan::Column::Code, code).await?)
}

/// The plan with `code`, or the current plan when `code` is `None`.
#[instrument(target = TARGET, name = "store.resolve_plan", skip_all)]
pub async fn resolve_plan(
    db: &DatabaseConnection,
    code: Option<&str>,
) -> Result<plan::Model, ApiError> {
    match code {
        Some(code) => plan_by_code(db, code)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("no plan with code {code:?}"))),
        None => plan::Entity::find()
            .order_by_desc(plan::Column::Current)
            .order_by_desc(plan::Column::StartYear)
            .one(db)
            .await?
            .ok_or_else(|| ApiError::NotFound("no plan has been loaded".to_owned())),
    }
}

/// A plan's record of table `E` by code.
#[instrument(target = TARGET, name = "store.plan_record", skip_all)]
pub async fn plan_record<E: EntityTrait>(
    db: &DatabaseConnection,
    columns: (E::Column, E::Column),
    plan_id: i32,
    code: &str,
) -> Result<Option<E::Model>, ApiError> {
    let (plan_col, code_col) = columns;
    Ok(E::find()
        .filter(plan_col.eq(plan_id))
        .filter(code_col.eq(code))
        .one(db)
        .await?)
}

/// A strategic line by code.
#[instrument(target = TARGET, name = "store.line_by_code", skip_all)]
pub async fn line_by_code(
    db: &DatabaseConnection,
    plan_id: i32,
    code: &str,
) -> Result<Option<strategic_line::Model>, ApiError> {
    use strategic_line::Column as C;
    plan_record::<strategic_line::Entity>(db, (C::PlanId, C::Code), plan_id, code).await
}

/// An action by code.
#[instrument(target = TARGET, name = "store.action_by_code", skip_all)]
pub async fn action_by_code(
    db: &DatabaseConnection,
    plan_id: i32,
    code: &str,
) -> Result<Option<action::Model>, ApiError> {
    use action::Column as C;
    plan_record::<action::Entity>(db, (C::PlanId, C::Code), plan_id, code).await
}

/// An organization by code.
#[instrument(target = TARGET, name = "store.organization_by_code", skip_all)]
pub async fn organization_by_code(
    db: &DatabaseConnection,
    code: &str,
) -> Result<Option<organization::Model>, ApiError> {
    Ok(row_by::<organization::Entity>(db, organization::Column::Code, code).await?)
}

/// The codes of an organization and of every organization below it in the registry.
#[instrument(target = TARGET, name = "store.organization_subtree", skip_all)]
pub async fn organization_subtree(
    db: &DatabaseConnection,
    root: i32,
) -> Result<Vec<String>, ApiError> {
    let all = organization::Entity::find()
        .filter(organization::Column::Kind.is_in(["AMB_AREA", "AMB_SERVICE", "AMB_BODY"]))
        .all(db)
        .await?;
    let mut ids = vec![root];
    let mut seen = std::collections::HashSet::new();
    let mut codes = Vec::new();
    while let Some(id) = ids.pop() {
        // The registry is a tree, but a cycle in edited data must not hang a request.
        if !seen.insert(id) {
            continue;
        }
        for org in &all {
            if org.id == id {
                codes.push(org.code.clone());
            }
            if org.parent_id == Some(id) {
                ids.push(org.id);
            }
        }
    }
    Ok(codes)
}

/// The 36 municipalities, in the order of the AMB's list.
#[instrument(target = TARGET, name = "store.municipalities", skip_all)]
pub async fn municipalities(db: &DatabaseConnection) -> Result<Vec<organization::Model>, ApiError> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Kind.eq("MUNICIPALITY"))
        .order_by_asc(organization::Column::Position)
        .all(db)
        .await?)
}

/// A municipality by INE code.
#[instrument(target = TARGET, name = "store.municipality", skip_all)]
pub async fn municipality(
    db: &DatabaseConnection,
    ine_code: &str,
) -> Result<Option<organization::Model>, ApiError> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Kind.eq("MUNICIPALITY"))
        .filter(organization::Column::IneCode.eq(ine_code))
        .one(db)
        .await?)
}

/// Folds a search text and checks its length; `field` names the argument for errors.
pub fn search_text(field: &str, text: &str) -> Result<String, ApiError> {
    let folded = fold(text);
    if folded.chars().count() < 2 {
        return Err(ApiError::bad_input(
            field,
            "the search text must have at least 2 characters",
        ));
    }
    if folded.chars().count() > MAX_SEARCH_LEN {
        return Err(ApiError::bad_input(
            field,
            format!("the search text must have at most {MAX_SEARCH_LEN} characters"),
        ));
    }
    Ok(folded)
}

/// `code IN (codes of records of record_type whose folded text contains folded)`.
fn matching_codes(
    plan_id: Option<i32>,
    record_types: &[&str],
    folded: &str,
) -> sea_orm::sea_query::SelectStatement {
    let mut q = Query::select();
    q.column(search_entry::Column::RecordCode)
        .from(search_entry::Entity)
        .and_where(search_entry::Column::RecordType.is_in(record_types.iter().copied()))
        .and_where(
            Expr::col(search_entry::Column::Folded)
                .like(LikeExpr::new(contains_pattern(folded)).escape('\\')),
        );
    match plan_id {
        Some(id) => q.and_where(search_entry::Column::PlanId.eq(id)),
        None => q.and_where(search_entry::Column::PlanId.is_null()),
    };
    q
}

/// Conditions of `actions(filter:)`, codes not yet resolved.
#[derive(Debug, Default)]
pub struct ActionQuery {
    /// The plan.
    pub plan_id: i32,
    /// Strategic line code.
    pub line: Option<String>,
    /// Scope code.
    pub scope: Option<String>,
    /// Responsible organization code.
    pub responsible: Option<String>,
    /// Involved organization code.
    pub involved: Option<String>,
    /// Text to look for.
    pub text: Option<String>,
}

/// One page of the actions matching `q`, and how many match in all.
#[instrument(target = TARGET, name = "store.actions_page", skip_all)]
pub async fn actions_page(
    db: &DatabaseConnection,
    q: &ActionQuery,
    page: Page,
) -> Result<(Vec<action::Model>, u64), ApiError> {
    let mut cond = Condition::all().add(action::Column::PlanId.eq(q.plan_id));
    if let Some(code) = &q.line {
        let line = line_by_code(db, q.plan_id, code).await?.ok_or_else(|| {
            ApiError::bad_input(
                "filter.strategicLine",
                format!("unknown strategic line {code:?}"),
            )
        })?;
        cond = cond.add(action::Column::LineId.eq(line.id));
    }
    if let Some(code) = &q.scope {
        use entity::line_scope::{Column as C, Entity};
        let scope = plan_record::<Entity>(db, (C::PlanId, C::Code), q.plan_id, code)
            .await?
            .ok_or_else(|| {
                ApiError::bad_input("filter.scope", format!("unknown scope {code:?}"))
            })?;
        cond = cond.add(action::Column::ScopeId.eq(scope.id));
    }
    for (field, role, code) in [
        (
            "filter.responsibleOrganization",
            "RESPONSIBLE",
            &q.responsible,
        ),
        ("filter.involvedOrganization", "INVOLVED", &q.involved),
    ] {
        let Some(code) = code else { continue };
        let org = organization_by_code(db, code)
            .await?
            .ok_or_else(|| ApiError::bad_input(field, format!("unknown organization {code:?}")))?;
        // A municipality is involved wherever the metropolitan municipalities are.
        let mut orgs = vec![org.id];
        if role == "INVOLVED" && org.kind == "MUNICIPALITY" {
            orgs.extend(org.parent_id);
        }
        let mut sub = Query::select();
        sub.column(action_organization::Column::ActionId)
            .from(action_organization::Entity)
            .and_where(action_organization::Column::Role.eq(role))
            .and_where(action_organization::Column::OrganizationId.is_in(orgs));
        cond = cond.add(action::Column::Id.in_subquery(sub));
    }
    if let Some(text) = &q.text {
        let folded = search_text("filter.text", text)?;
        cond = cond.add(action::Column::Code.in_subquery(matching_codes(
            Some(q.plan_id),
            &["Action"],
            &folded,
        )));
    }
    let select = action::Entity::find().filter(cond);
    let order = (action::Column::Position, Order::Asc);
    Ok(page_of(db, select, order, page).await?)
}

/// Conditions of `organizations(filter:)`.
#[derive(Debug, Default)]
pub struct OrganizationQuery {
    /// Kind, as stored.
    pub kind: Option<String>,
    /// Parent organization code.
    pub parent: Option<String>,
    /// Text to look for.
    pub text: Option<String>,
}

/// One page of the organizations matching `q`, and how many match in all.
#[instrument(target = TARGET, name = "store.organizations_page", skip_all)]
pub async fn organizations_page(
    db: &DatabaseConnection,
    q: &OrganizationQuery,
    page: Page,
) -> Result<(Vec<organization::Model>, u64), ApiError> {
    let mut cond = Condition::all();
    if let Some(kind) = &q.kind {
        cond = cond.add(organization::Column::Kind.eq(kind.as_str()));
    }
    if let Some(code) = &q.parent {
        let parent = organization_by_code(db, code).await?.ok_or_else(|| {
            ApiError::bad_input("filter.parent", format!("unknown organization {code:?}"))
        })?;
        cond = cond.add(organization::Column::ParentId.eq(parent.id));
    }
    if let Some(text) = &q.text {
        let folded = search_text("filter.text", text)?;
        cond = cond.add(organization::Column::Code.in_subquery(matching_codes(
            None,
            &["Organization", "Municipality"],
            &folded,
        )));
    }
    let select = organization::Entity::find().filter(cond);
    let order = (organization::Column::Position, Order::Asc);
    Ok(page_of(db, select, order, page).await?)
}

/// Search entries of `plan_id` (and of the shared registry) whose folded text contains
/// `folded`, in `langs` when given, in index order.
#[instrument(target = TARGET, name = "store.search", skip_all)]
pub async fn search(
    db: &DatabaseConnection,
    plan_id: i32,
    folded: &str,
    langs: Option<&[&str]>,
) -> Result<Vec<search_entry::Model>, ApiError> {
    let mut q = search_entry::Entity::find()
        .filter(
            Condition::any()
                .add(search_entry::Column::PlanId.eq(plan_id))
                .add(search_entry::Column::PlanId.is_null()),
        )
        .filter(
            Expr::col(search_entry::Column::Folded)
                .like(LikeExpr::new(contains_pattern(folded)).escape('\\')),
        );
    if let Some(langs) = langs {
        q = q.filter(search_entry::Column::Lang.is_in(langs.iter().copied()));
    }
    Ok(q.order_by_asc(search_entry::Column::Id).all(db).await?)
}

/// A plan's records of table `E` whose code is one of `codes`.
#[instrument(target = TARGET, name = "store.plan_records", skip_all)]
pub async fn plan_records<E: EntityTrait>(
    db: &DatabaseConnection,
    columns: (E::Column, E::Column),
    plan_id: i32,
    codes: &[String],
) -> Result<Vec<E::Model>, ApiError> {
    let (plan_col, code_col) = columns;
    Ok(E::find()
        .filter(plan_col.eq(plan_id))
        .filter(code_col.is_in(codes.iter().cloned()))
        .all(db)
        .await?)
}

/// Organizations whose code is one of `codes`.
#[instrument(target = TARGET, name = "store.organizations_by_codes", skip_all)]
pub async fn organizations_by_codes(
    db: &DatabaseConnection,
    codes: &[String],
) -> Result<Vec<organization::Model>, ApiError> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Code.is_in(codes.iter().cloned()))
        .order_by_asc(organization::Column::Position)
        .all(db)
        .await?)
}

/// Codes of the organizations responsible for an action.
#[instrument(target = TARGET, name = "store.responsible_codes", skip_all)]
pub async fn responsible_codes(
    db: &DatabaseConnection,
    action_id: i32,
) -> Result<Vec<String>, ApiError> {
    let mut sub = Query::select();
    sub.column(action_organization::Column::OrganizationId)
        .from(action_organization::Entity)
        .and_where(action_organization::Column::ActionId.eq(action_id))
        .and_where(action_organization::Column::Role.eq("RESPONSIBLE"));
    Ok(organization::Entity::find()
        .filter(organization::Column::Id.in_subquery(sub))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.code)
        .collect())
}

/// What the seed last loaded, per plan.
pub async fn seed_states(
    db: &DatabaseConnection,
) -> Result<Vec<entity::seed_state::Model>, ApiError> {
    Ok(entity::seed_state::Entity::find()
        .order_by_asc(entity::seed_state::Column::PlanCode)
        .all(db)
        .await?)
}
