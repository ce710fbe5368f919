//! Relay's `Node` interface and opaque global IDs.
//!
//! A global ID is the URL-safe base64 of `Type:key`, where the key is `PLAN/CODE` for a plan's
//! records and the code alone for shared ones (organizations, municipalities, plans). IDs are
//! built from stable codes, not database keys, so they survive reloads and differ in no way
//! between SQLite and PostgreSQL. Monitoring records have no code: their key is a random
//! public identifier, never their (sequential) database key, so IDs reveal nothing of how many
//! records exist that the caller may not see.

use std::collections::HashMap;

use async_graphql::{Context, ID, Interface, Object};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::actors::{Municipality, Organization};
use super::geography::{GeographicZone, PartnerMetropolis};
use super::plan::{
    GlossaryEntry, GovernanceItem, KeyFigure, MonitoringCommitment, Participant, Plan, Section,
    SpecificObjective, SwotItem, Theme,
};
use super::strategy::{Action, ExpectedResult, FormOfIntervention, LineScope, StrategicLine};
use crate::error::ApiError;
use crate::monitoring::RecordKind;
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

/// The decoded form of a global ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalId {
    /// The GraphQL type name.
    pub type_name: String,
    /// The plan's code, for records that belong to a plan.
    pub plan: Option<String>,
    /// The record's code.
    pub code: String,
}

impl GlobalId {
    /// The ID of a plan's record.
    pub fn of_plan_record(type_name: &str, plan: &str, code: &str) -> ID {
        ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{plan}/{code}")))
    }

    /// The ID of a shared record (plan, organization, municipality).
    pub fn of_shared(type_name: &str, code: &str) -> ID {
        ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{code}")))
    }

    /// Decodes `id`; `None` when it is not an ID this API issued.
    pub fn decode(id: &str) -> Option<GlobalId> {
        let bytes = URL_SAFE_NO_PAD.decode(id.trim_end_matches('=')).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (type_name, key) = text.split_once(':')?;
        if !NODE_TYPES.contains(&type_name) || key.is_empty() {
            return None;
        }
        let (plan, code) = if SHARED_TYPES.contains(&type_name) {
            (None, key.to_owned())
        } else {
            let (plan, code) = key.split_once('/')?;
            (Some(plan.to_owned()), code.to_owned())
        };
        Some(GlobalId {
            type_name: type_name.to_owned(),
            plan,
            code,
        })
    }
}

/// Every type implementing `Node`.
const NODE_TYPES: &[&str] = &[
    "Plan",
    "Section",
    "KeyFigure",
    "SwotItem",
    "SpecificObjective",
    "Theme",
    "GovernanceItem",
    "MonitoringCommitment",
    "Participant",
    "GlossaryEntry",
    "StrategicLine",
    "LineScope",
    "Action",
    "ExpectedResult",
    "FormOfIntervention",
    "GeographicZone",
    "PartnerMetropolis",
    "Organization",
    "Municipality",
    "ProgressUpdate",
    "Activity",
    "FundedProject",
    "Indicator",
    "Measurement",
    "Evaluation",
];

/// Types whose IDs carry no plan.
const SHARED_TYPES: &[&str] = &["Plan", "Organization", "Municipality"];

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
        let gid = GlobalId::decode(&id).ok_or_else(|| {
            ApiError::bad_input("id", format!("{:?} is not a valid global ID", id.as_str()))
        })?;
        let db = super::db(ctx)?;
        let plan = match &gid.plan {
            Some(code) => match store::plan_by_code(db, code).await? {
                Some(plan) => Some(plan),
                None => return Ok(None),
            },
            None => None,
        };
        if RecordKind::from_type_name(&gid.type_name).is_some() {
            return record_node(ctx, plan.as_ref(), &gid).await;
        }
        let key = (gid.type_name.clone(), gid.code.clone());
        let mut found = load_nodes(db, plan.as_ref(), std::slice::from_ref(&key)).await?;
        Ok(found.remove(&key))
    }

    /// Fetches several objects by their global IDs, in the same order (null where an ID names
    /// nothing).
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs, at most 100.")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>, ApiError> {
        if ids.len() > 100 {
            return Err(ApiError::bad_input("ids", "at most 100 IDs at a time"));
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.node(ctx, id).await?);
        }
        Ok(out)
    }
}

/// A monitoring record by ID, if the viewer may see it.
async fn record_node(
    ctx: &Context<'_>,
    plan: Option<&entity::plan::Model>,
    gid: &GlobalId,
) -> Result<Option<Node>, ApiError> {
    use super::monitoring::MonitoringRecord;
    let Some(plan) = plan else {
        return Ok(None);
    };
    let Some(record) = crate::monitoring::store::by_public_id(super::db(ctx)?, &gid.code).await?
    else {
        return Ok(None);
    };
    let visible = crate::policy::visibility(crate::policy::viewer(ctx)).sees(&record);
    if record.plan_id != plan.id
        || !visible
        || RecordKind::from_type_name(&gid.type_name).map(RecordKind::as_str)
            != Some(record.record_type.as_str())
    {
        return Ok(None);
    }
    Ok(
        MonitoringRecord::from_model(record, &plan.code).map(|r| match r {
            MonitoringRecord::ProgressUpdate(x) => Node::ProgressUpdate(x),
            MonitoringRecord::Activity(x) => Node::Activity(x),
            MonitoringRecord::FundedProject(x) => Node::FundedProject(x),
            MonitoringRecord::Indicator(x) => Node::Indicator(x),
            MonitoringRecord::Measurement(x) => Node::Measurement(x),
            MonitoringRecord::Evaluation(x) => Node::Evaluation(x),
        }),
    )
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
                        put(&m.code.clone(), Node::Plan(Plan(m)));
                    }
                }
                continue;
            }
            "Organization" | "Municipality" => {
                for m in store::organizations_by_codes(db, &codes).await? {
                    let code = m.code.clone();
                    if type_name == "Organization" {
                        put(&code, Node::Organization(Organization(m)));
                    } else if m.kind == "MUNICIPALITY" {
                        put(&code, Node::Municipality(Municipality(m)));
                    }
                }
                continue;
            }
            _ => {}
        }
        let Some(plan) = plan else { continue };
        let pc = plan.code.clone();
        macro_rules! fetch {
            ($module:ident, $variant:ident) => {{
                use entity::$module::{Column as C, Entity};
                for m in
                    store::plan_records::<Entity>(db, (C::PlanId, C::Code), plan.id, &codes).await?
                {
                    put(&m.code.clone(), Node::$variant($variant(m, pc.clone())));
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
