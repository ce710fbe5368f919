//! Global IDs: the opaque, stable identifier of every object the API serves (`Type:PLAN/code`
//! or `Type:code`, base64url). Below the GraphQL layer, so that the event log and the audit
//! trail name records the way the API does without reaching up into it.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The decoded form of a global ID.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
