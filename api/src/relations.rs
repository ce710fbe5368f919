//! The relations between tables that both the per-request loaders ([`crate::loaders`]) and the
//! content snapshot ([`crate::snapshot`]) serve: each relation is a marker type implementing
//! [`Rel`] ("rows of table T whose column C is one of these keys, in this order"), and the
//! `relations!` table lists the content ones. Kept apart from both so that neither has to
//! import the other to know what a relation is.

use std::any::{Any, TypeId};
use std::sync::Arc;

use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, ModelTrait, QueryFilter, QueryOrder, Value,
};

/// Rows of one relation grouped by key, each group in the relation's order (the rows as the
/// relation hands them out: `Arc`s, shared by every request). The snapshot's maps hash with
/// foldhash: their keys (ids, type ids, codes) come from the seeded data, never from a caller,
/// and a content read makes several look-ups per object.
pub(crate) type Grouped<M> = HashMap<i32, Vec<M>>;

/// The grouped rows of every content relation, by the relation's marker type.
pub(crate) type Relations = HashMap<TypeId, Box<dyn Any + Send + Sync>>;

/// The snapshot's maps: hashed with foldhash (see [`Grouped`]).
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A relation the loader can batch: rows of `Self::Entity` grouped by `Self::column()`.
pub trait Rel: Send + Sync + 'static {
    /// The table.
    type Entity: EntityTrait<Model: Clone + Send + Sync>;
    /// A row as handed out: `Arc<Model>` for content, the owned `Model` for monitoring.
    type Row: From<<Self::Entity as EntityTrait>::Model> + Clone + Send + Sync + 'static;
    /// The column the keys are compared with.
    fn column() -> <Self::Entity as EntityTrait>::Column;
    /// The column giving the rows' order within a key.
    fn order() -> <Self::Entity as EntityTrait>::Column;
    /// Whether the relation is plan content, served from the content snapshot.
    const CONTENT: bool = false;
}

/// The rows of `R` whose key column is one of `keys` (all rows when `None`), grouped by key.
pub(crate) async fn grouped<R: Rel>(
    db: &DatabaseConnection,
    keys: Option<Vec<i32>>,
) -> Result<Grouped<R::Row>, sea_orm::DbErr> {
    let mut query = R::Entity::find();
    if let Some(keys) = keys {
        query = query.filter(R::column().is_in(keys));
    }
    let rows = query.order_by_asc(R::order()).all(db).await?;
    let mut out = Grouped::default();
    for row in rows {
        let key = match row.get(R::column()) {
            Value::Int(Some(v)) => v,
            _ => continue,
        };
        out.entry(key).or_default().push(R::Row::from(row));
    }
    Ok(out)
}

/// Every row of content relation `R`, grouped, into `relations` (building a snapshot).
async fn load_relation<R: Rel>(
    db: &DatabaseConnection,
    relations: &mut Relations,
) -> Result<(), sea_orm::DbErr> {
    let rows = grouped::<R>(db, None).await?;
    relations.insert(TypeId::of::<R>(), Box::new(rows));
    Ok(())
}

/// Declares the content relations, `Name => table.Column by OrderColumn;` each (a marker
/// type whose rows are `Arc`s, served from the snapshot), and `load_content`, which reads
/// every one of them into a snapshot's [`Relations`].
macro_rules! relations {
    ($($(#[$doc:meta])* $name:ident => $module:ident . $col:ident by $order:ident;)*) => {$(
        $(#[$doc])*
        pub struct $name;
        impl Rel for $name {
            type Entity = entity::$module::Entity;
            type Row = Arc<entity::$module::Model>;
            fn column() -> entity::$module::Column {
                entity::$module::Column::$col
            }
            fn order() -> entity::$module::Column {
                entity::$module::Column::$order
            }
            const CONTENT: bool = true;
        }
    )*

        /// Reads every content relation into `relations` (building a content snapshot).
        pub(crate) async fn load_content(
            db: &DatabaseConnection,
            relations: &mut Relations,
        ) -> Result<(), sea_orm::DbErr> {
            $(load_relation::<$name>(db, relations).await?;)*
            Ok(())
        }
    };
}

relations! {
    /// A plan by id.
    PlanById => plan.Id by Id;
    /// A strategic line by id.
    LineById => strategic_line.Id by Id;
    /// A scope by id.
    ScopeById => line_scope.Id by Id;
    /// An action by id.
    ActionById => action.Id by Id;
    /// An organization by id.
    OrganizationById => organization.Id by Id;
    /// A zone by id.
    ZoneById => geographic_zone.Id by Id;
    /// A form of intervention by id.
    FormById => form_of_intervention.Id by Id;
    /// The strategic lines of a plan.
    LinesOfPlan => strategic_line.PlanId by Position;
    /// The scopes of a line.
    ScopesOfLine => line_scope.LineId by Position;
    /// The actions of a line.
    ActionsOfLine => action.LineId by Position;
    /// The actions of a scope.
    ActionsOfScope => action.ScopeId by Position;
    /// The expected results of a line.
    ResultsOfLine => expected_result.LineId by Position;
    /// The organization links of an action.
    LinksOfAction => action_organization.ActionId by Position;
    /// The action links of an organization.
    LinksOfOrganization => action_organization.OrganizationId by ActionId;
    /// The members of an organization (services of an area, municipalities of the group).
    ChildrenOfOrganization => organization.ParentId by Position;
    /// The zones of a plan.
    ZonesOfPlan => geographic_zone.PlanId by Position;
    /// The line texts of a zone.
    LinesOfZone => zone_line.ZoneId by Position;
    /// The zone texts of a line.
    ZonesOfLine => zone_line.LineId by ZoneId;
    /// The partners of a zone.
    PartnersOfZone => zone_partner.ZoneId by Position;
    /// The forms of intervention of a plan.
    FormsOfPlan => form_of_intervention.PlanId by Position;
    /// The contributions of a form of intervention.
    ContributionsOfForm => form_contribution.FormId by Position;
    /// The contributions to a line.
    ContributionsToLine => form_contribution.LineId by FormId;
    /// The summary-table row of a line.
    SummaryOfLine => summary_row.LineId by Id;
    /// The sections of a plan.
    SectionsOfPlan => section.PlanId by Position;
    /// The key figures of a plan.
    KeyFiguresOfPlan => key_figure.PlanId by Position;
    /// The SWOT items of a plan.
    SwotOfPlan => swot_item.PlanId by Position;
    /// The specific objectives of a plan.
    ObjectivesOfPlan => specific_objective.PlanId by Position;
    /// The priority themes of a plan.
    ThemesOfPlan => theme.PlanId by Position;
    /// The governance items of a plan.
    GovernanceOfPlan => governance_item.PlanId by Position;
    /// The monitoring commitments of a plan.
    MonitoringOfPlan => monitoring_commitment.PlanId by Position;
    /// The participants of a plan.
    ParticipantsOfPlan => participant.PlanId by Position;
    /// The glossary of a plan.
    GlossaryOfPlan => glossary_entry.PlanId by Position;
    /// An expected result by id.
    ResultById => expected_result.Id by Id;
    /// What a line continues, in the data's order.
    LineContinues => line_continuation.LineId by Position;
    /// What continues a line.
    LineContinuedBy => line_continuation.ContinuesId by LineId;
    /// What an action continues, in the data's order.
    ActionContinues => action_continuation.ActionId by Position;
    /// What continues an action.
    ActionContinuedBy => action_continuation.ContinuesId by ActionId;
    /// What an expected result continues, in the data's order.
    ResultContinues => result_continuation.ResultId by Position;
    /// What continues an expected result.
    ResultContinuedBy => result_continuation.ContinuesId by ResultId;
    /// The organizations a plan names otherwise than the registry now does.
    NamesOfPlan => plan_organization_name.PlanId by OrganizationId;
}

/// Monitoring records by id.
pub struct RecordById;
impl Rel for RecordById {
    type Entity = entity::monitoring_record::Entity;
    type Row = entity::monitoring_record::Model;
    fn column() -> entity::monitoring_record::Column {
        entity::monitoring_record::Column::Id
    }
    fn order() -> entity::monitoring_record::Column {
        entity::monitoring_record::Column::Id
    }
}
