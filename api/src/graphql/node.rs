//! Relay's `Node` interface and opaque global IDs.
//!
//! A global ID is the URL-safe base64 of `Type:key`, where the key is `PLAN/CODE` for a plan's
//! records and the code alone for shared ones (organizations, municipalities, plans). IDs are
//! built from stable codes, not database keys, so they survive reloads and differ in no way
//! between SQLite and PostgreSQL. Monitoring records have no code: their key is a random
//! public identifier, never their (sequential) database key, so IDs reveal nothing of how many
//! records exist that the caller may not see.

use std::collections::HashMap;
use std::sync::Arc;

use crate::ids::GlobalId;
use async_graphql::{Context, ID, Interface, Object};

use super::actors::{Municipality, Organization};
use super::geography::{GeographicZone, PartnerMetropolis};
use super::plan::{
    GlossaryEntry, GovernanceItem, KeyFigure, MonitoringCommitment, Participant, Plan, Section,
    SpecificObjective, SwotItem, Theme,
};
use super::scoped::Scoped;
use super::strategy::{Action, ExpectedResult, FormOfIntervention, LineScope, StrategicLine};
use crate::error::ApiError;
use crate::monitoring::RecordKind;
use crate::monitoring::service::Reads;
use crate::store;

/// An object with a global ID, refetchable with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global ID of the object."))]
pub enum Node {
    /// A plan.
    Plan(Plan),
    /// A narrative section.
    Section(Section),
    /// A key figure.
    KeyFigure(KeyFigure),
    /// A SWOT item.
    SwotItem(SwotItem),
    /// A specific objective.
    SpecificObjective(SpecificObjective),
    /// A priority theme.
    Theme(Theme),
    /// A governance item.
    GovernanceItem(GovernanceItem),
    /// A monitoring commitment.
    MonitoringCommitment(MonitoringCommitment),
    /// A participant.
    Participant(Participant),
    /// A glossary entry.
    GlossaryEntry(GlossaryEntry),
    /// A strategic line.
    StrategicLine(StrategicLine),
    /// A scope of a strategic line.
    LineScope(LineScope),
    /// An action.
    Action(Action),
    /// An expected result.
    ExpectedResult(ExpectedResult),
    /// A form of intervention.
    FormOfIntervention(FormOfIntervention),
    /// A geographic zone.
    GeographicZone(GeographicZone),
    /// A partner metropolis.
    PartnerMetropolis(PartnerMetropolis),
    /// An organization.
    Organization(Organization),
    /// A municipality.
    Municipality(Municipality),
    /// A progress update.
    ProgressUpdate(super::monitoring::ProgressUpdate),
    /// An activity.
    Activity(super::monitoring::Activity),
    /// A funded project.
    FundedProject(super::monitoring::FundedProject),
    /// An indicator.
    Indicator(super::monitoring::Indicator),
    /// A measurement.
    Measurement(super::monitoring::Measurement),
    /// An evaluation.
    Evaluation(super::monitoring::Evaluation),
}

/// The `node` root field.
#[derive(Default)]
pub struct NodeQuery;

/// The `node` root field.
#[Object]
impl NodeQuery {
    /// Fetches any object by its global ID. Returns null when the ID is well formed but names
    /// nothing; a malformed ID is a `BAD_USER_INPUT` error.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID, as returned by an object's `id` field.")] id: ID,
    ) -> Result<Option<Node>, ApiError> {
        let gid = decode(&id, "id")?;
        Ok(resolve(ctx, vec![gid]).await?.pop().flatten())
    }

    /// Fetches several objects by their global IDs, in the same order (null where an ID names
    /// nothing). The objects are loaded together: a statement per kind of object, not per ID.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs, at most 100.")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>, ApiError> {
        if ids.len() > 100 {
            return Err(ApiError::bad_input("ids", "at most 100 IDs at a time"));
        }
        let gids = ids
            .iter()
            .map(|id| decode(id, "ids"))
            .collect::<Result<Vec<_>, _>>()?;
        resolve(ctx, gids).await
    }
}

/// A global ID sent as argument `arg`, decoded; malformed is `BAD_USER_INPUT`.
fn decode(id: &ID, arg: &str) -> Result<GlobalId, ApiError> {
    GlobalId::decode(id).ok_or_else(|| {
        ApiError::bad_input(arg, format!("{:?} is not a valid global ID", id.as_str()))
    })
}

/// The objects named by `gids`, in order: null where an ID names nothing the caller may see.
/// One statement for the plans, one for the monitoring records, and one per type and plan for
/// the rest.
async fn resolve(ctx: &Context<'_>, gids: Vec<GlobalId>) -> Result<Vec<Option<Node>>, ApiError> {
    let record_kind = |t: &str| RecordKind::from_type_name(t);
    let db = super::db(ctx)?;
    let plans: HashMap<String, entity::plan::Model> = if gids.iter().any(|g| g.plan.is_some()) {
        store::plans(db)
            .await?
            .into_iter()
            .map(|p| (p.code.clone(), p))
            .collect()
    } else {
        HashMap::new()
    };
    // Monitoring records, by public identifier.
    let public_ids: Vec<String> = gids
        .iter()
        .filter(|g| record_kind(&g.type_name).is_some())
        .map(|g| g.code.clone())
        .collect();
    let mut records: HashMap<String, entity::monitoring_record::Model> = if public_ids.is_empty() {
        HashMap::new()
    } else {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::monitoring_record::Entity::find()
            .filter(entity::monitoring_record::Column::PublicId.is_in(public_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.public_id.clone(), m))
            .collect()
    };
    // Everything else, per plan (or none, for shared types).
    let mut by_plan: HashMap<Option<&str>, Vec<(String, String)>> = HashMap::new();
    for g in gids.iter().filter(|g| record_kind(&g.type_name).is_none()) {
        by_plan
            .entry(g.plan.as_deref())
            .or_default()
            .push((g.type_name.clone(), g.code.clone()));
    }
    let mut found: HashMap<(Option<&str>, (String, String)), Node> = HashMap::new();
    for (plan_code, keys) in by_plan {
        let plan = match plan_code {
            Some(code) => match plans.get(code) {
                Some(plan) => Some(plan),
                None => continue,
            },
            None => None,
        };
        for (key, node) in load_nodes(db, plan, &keys).await? {
            found.insert((plan_code, key), node);
        }
    }
    let reads = Reads::new(db.clone(), crate::policy::viewer(ctx));
    let mut out = Vec::with_capacity(gids.len());
    // An ID asked for twice is resolved again for its later places (nodes are not `Clone`).
    let mut seen = std::collections::HashSet::new();
    let mut again = Vec::new();
    for (position, g) in gids.iter().enumerate() {
        if !seen.insert(g) {
            again.push(position);
            out.push(None);
            continue;
        }
        let node = match record_kind(&g.type_name) {
            Some(kind) => {
                let plan = g.plan.as_deref().and_then(|c| plans.get(c));
                match (plan, records.remove(&g.code)) {
                    (Some(plan), Some(r))
                        if r.plan_id == plan.id
                            && r.record_type == kind.as_str()
                            && reads.sees(&r) =>
                    {
                        Some(record_node(r, &plan.code)?)
                    }
                    _ => None,
                }
            }
            None => found.remove(&(g.plan.as_deref(), (g.type_name.clone(), g.code.clone()))),
        };
        out.push(node);
    }
    for position in again {
        let single = vec![gids[position].clone()];
        out[position] = Box::pin(resolve(ctx, single)).await?.pop().flatten();
    }
    Ok(out)
}

/// A monitoring record as a node.
fn record_node(record: entity::monitoring_record::Model, plan: &str) -> Result<Node, ApiError> {
    use super::monitoring::MonitoringRecord as R;
    Ok(match R::from_model(record, plan)? {
        R::ProgressUpdate(x) => Node::ProgressUpdate(x),
        R::Activity(x) => Node::Activity(x),
        R::FundedProject(x) => Node::FundedProject(x),
        R::Indicator(x) => Node::Indicator(x),
        R::Measurement(x) => Node::Measurement(x),
        R::Evaluation(x) => Node::Evaluation(x),
    })
}

/// Loads the records named by `(type name, code)` pairs, one query per type; `plan` is the plan
/// the plan-owned records belong to. Pairs naming nothing are absent from the result.
pub(crate) async fn load_nodes(
    db: &sea_orm::DatabaseConnection,
    plan: Option<&entity::plan::Model>,
    keys: &[(String, String)],
) -> Result<HashMap<(String, String), Node>, ApiError> {
    let mut by_type: HashMap<&str, Vec<String>> = HashMap::new();
    for (t, code) in keys {
        by_type.entry(t.as_str()).or_default().push(code.clone());
    }
    let mut out = HashMap::new();
    for (type_name, codes) in by_type {
        let mut put = |code: &str, node: Node| {
            out.insert((type_name.to_owned(), code.to_owned()), node);
        };
        // Shared records: no plan needed.
        match type_name {
            "Plan" => {
                for m in store::plans(db).await? {
                    if codes.contains(&m.code) {
                        let code = m.code.clone();
                        let plan_code: Arc<str> = Arc::from(code.as_str());
                        put(&code, Node::Plan(Scoped::new(Arc::new(m), plan_code)));
                    }
                }
                continue;
            }
            "Organization" | "Municipality" => {
                for m in store::organizations_by_codes(db, &codes).await? {
                    let code = m.code.clone();
                    if type_name == "Organization" {
                        put(&code, Node::Organization(Organization::new(Arc::new(m))));
                    } else if m.kind == "MUNICIPALITY" {
                        put(&code, Node::Municipality(Municipality::new(Arc::new(m))));
                    }
                }
                continue;
            }
            _ => {}
        }
        let Some(plan) = plan else { continue };
        let pc: Arc<str> = Arc::from(plan.code.as_str());
        macro_rules! fetch {
            ($module:ident, $variant:ident) => {{
                use entity::$module::{Column as C, Entity};
                for m in
                    store::plan_records::<Entity>(db, (C::PlanId, C::Code), plan.id, &codes).await?
                {
                    put(
                        &m.code.clone(),
                        Node::$variant(Scoped::new(Arc::new(m), pc.clone())),
                    );
                }
            }};
        }
        match type_name {
            "Section" => fetch!(section, Section),
            "KeyFigure" => fetch!(key_figure, KeyFigure),
            "SwotItem" => fetch!(swot_item, SwotItem),
            "SpecificObjective" => fetch!(specific_objective, SpecificObjective),
            "Theme" => fetch!(theme, Theme),
            "GovernanceItem" => fetch!(governance_item, GovernanceItem),
            "MonitoringCommitment" => fetch!(monitoring_commitment, MonitoringCommitment),
            "Participant" => fetch!(participant, Participant),
            "GlossaryEntry" => fetch!(glossary_entry, GlossaryEntry),
            "StrategicLine" => fetch!(strategic_line, StrategicLine),
            "LineScope" => fetch!(line_scope, LineScope),
            "Action" => fetch!(action, Action),
            "ExpectedResult" => fetch!(expected_result, ExpectedResult),
            "FormOfIntervention" => fetch!(form_of_intervention, FormOfIntervention),
            "GeographicZone" => fetch!(geographic_zone, GeographicZone),
            "PartnerMetropolis" => fetch!(zone_partner, PartnerMetropolis),
            _ => {}
        }
    }
    Ok(out)
}
